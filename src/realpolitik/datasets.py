"""Datasets that ship with realpolitik, validated on every load."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from .citations import bibliography
from .events import LoadResult
from .io.eventfile import read_events

__all__ = ["cold_war_triangle", "cold_war_triangle_path"]


def cold_war_triangle_path() -> Path:
    """Where the curated US-USSR-PRC event CSV lies inside the installed package."""
    return Path(str(resources.files("realpolitik").joinpath("data/cold_war_triangle.csv")))


@lru_cache(maxsize=1)
def _load_cold_war_triangle() -> LoadResult:
    return read_events(cold_war_triangle_path(), bibliography=bibliography().keys())


def cold_war_triangle() -> pd.DataFrame:
    """The curated events of the US-USSR-PRC triangle and its neighbours, 1945-1991.

    Each row cites a published work (``realpolitik.cite()`` gives the BibTeX). The file is
    validated strictly on load, so a shipped error fails loudly rather than skewing results.
    """
    return _load_cold_war_triangle().events.copy()
