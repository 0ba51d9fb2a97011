"""The bibliography: BibTeX of the works that the shipped data and methods rest on."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["CITATION_KEY", "bibliography", "cite", "citation_keys"]

_ENTRY_START = re.compile(r"^@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
#: A BibTeX key at the start of one ``;``-separated part of a citation field.
CITATION_KEY = re.compile(r"^\s*([A-Za-z][\w:-]*)")

#: Works every result on event data rests on: the event codes and their weights.
_ALWAYS = ("schrodt2012", "goldstein1992")


@lru_cache(maxsize=1)
def _entries() -> dict[str, str]:
    text = resources.files("realpolitik").joinpath("data/references.bib").read_text(encoding="utf-8")
    starts = list(_ENTRY_START.finditer(text))
    entries = {}
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        entries[match.group(2)] = text[match.start() : end].strip()
    return entries


def bibliography() -> dict[str, str]:
    """Every shipped BibTeX entry, by key."""
    return dict(_entries())


def citation_keys(citations: Iterable[str]) -> list[str]:
    """The BibTeX keys named in citation fields such as ``"luthi2008, ch. 3; gerson2010"``."""
    keys: list[str] = []
    for text in citations:
        if not isinstance(text, str):
            continue
        for part in text.split(";"):
            match = CITATION_KEY.match(part)
            if match and match.group(1) not in keys:
                keys.append(match.group(1))
    return keys


def cite(events: pd.DataFrame | None = None) -> str:
    """BibTeX for every work a result used: the works its events cite, and CAMEO's.

    With no argument, the works the shipped ``cold_war_triangle`` dataset cites.
    """
    if events is None:
        from .datasets import cold_war_triangle

        events = cold_war_triangle()
    entries = _entries()
    keys = [k for k in citation_keys(events["citation"]) if k in entries]
    keys = sorted(set(keys)) + [k for k in _ALWAYS if k not in keys]
    return "\n\n".join(entries[k] for k in keys) + "\n"
