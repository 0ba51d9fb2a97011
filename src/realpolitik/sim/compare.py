"""Counterfactuals: triangle patterns run by run, and how often each occurs in two ensembles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..structure.triangle import PATTERNS, hysteresis_signs, pattern_of_signs
from .ensemble import Ensemble

__all__ = ["compare_patterns", "ensemble_patterns", "pattern_shares"]


def ensemble_patterns(
    ensemble: Ensemble,
    actors: tuple[str, str, str],
    *,
    dead_band: float = 0.1,
    hysteresis: float = 0.05,
) -> pd.DataFrame:
    """The strategic triangle of every run and year: ``run, period, pattern, pivot, outcast``.

    The same rule as :func:`realpolitik.structure.triangle.strategic_triangle`, applied to
    each run's undirected stances at once.
    """
    a, b, c = actors
    signs = [hysteresis_signs(ensemble.dyad(x, y), dead_band, hysteresis) for x, y in ((a, b), (a, c), (b, c))]
    pattern, pivot, outcast = pattern_of_signs(actors, *signs)
    runs, years = pattern.shape
    return pd.DataFrame(
        {
            "run": np.repeat(np.arange(runs), years),
            "period": np.tile(ensemble.years.astype(int).astype(str), runs),
            "pattern": pattern.ravel(),
            "pivot": pivot.ravel(),
            "outcast": outcast.ravel(),
        }
    )


def pattern_shares(patterns: pd.DataFrame) -> pd.DataFrame:
    """Share of runs in each pattern per period (columns: the five patterns)."""
    shares = pd.crosstab(patterns["period"], patterns["pattern"], normalize="index")
    return shares.reindex(columns=list(PATTERNS), fill_value=0.0)


def compare_patterns(base: Ensemble, alternative: Ensemble, actors: tuple[str, str, str]) -> pd.DataFrame:
    """Per period and pattern: its probability in the base and the alternative, and the difference."""
    shares = [pattern_shares(ensemble_patterns(e, actors)) for e in (base, alternative)]
    long = [s.stack().rename(name) for s, name in zip(shares, ("base", "alternative"))]
    frame = pd.concat(long, axis=1).fillna(0.0).reset_index()
    frame.columns = ["period", "pattern", "base", "alternative"]
    frame["difference"] = frame["alternative"] - frame["base"]
    return frame.sort_values(["period", "pattern"]).reset_index(drop=True)
