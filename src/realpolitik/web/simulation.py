"""A simulation request run to its answer: the ensemble band of the core dyads against history,
and what moves the model (each driver's weighted pull on the four directed core stances).

Runs are simulated in chunks so the job can report progress; every run draws from its own
``SeedSequence`` child, so the chunking changes nothing and a seed gives what
``realpolitik simulate --seed`` gives.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..colours import DRIVER_COLOURS, DYAD_COLOURS
from ..report import DRIVER_DYADS
from ..sim.compare import ensemble_patterns, pattern_shares
from ..sim.ensemble import Ensemble, simulate
from ..sim.explain import THIRD_PARTY_DRIVERS, driver_pulls, third_party_pulls
from ..sim.scenario import Scenario
from ..structure.triangle import periodize, strategic_triangle
from .history import CORE, CORE_DYADS, History
from .jobs import Progress
from .schemas import DRIVERS, SimulationRequest
from .views import period_rows, triangle_year

__all__ = ["chunk_size", "counterfactual", "driver_colours", "driver_series", "run_simulation"]


def chunk_size(runs: int) -> int:
    """Runs per chunk: about twenty progress steps, each chunk large enough to vectorise well."""
    return max(8, min(256, math.ceil(runs / 20)))


def _set_values(request: SimulationRequest) -> dict[str, float]:
    return {k: v for k, v in request.set.model_dump().items() if v is not None}


def counterfactual(scenario: Scenario, request: SimulationRequest) -> Scenario:
    """The scenario with the request's parameters set and its shocks dropped."""
    values = _set_values(request)
    if values:
        scenario = scenario.with_parameters(**values)
    if request.drop_shocks:
        scenario = scenario.without_shocks(*request.drop_shocks)
    return scenario


def driver_series(
    ensemble: Ensemble, scenario: Scenario, start: int, end: int, parameter_sets: Sequence[Mapping] = ()
) -> list[dict[str, object]]:
    """Each driver's weighted pull on the directed core stances, year by year from ``start`` to ``end``.

    ``scenario`` is the one the ensemble was simulated from, so the weights are its own: the
    reference scenario's, or the counterfactual's, or each of ``parameter_sets``' for its runs.
    """
    pulls = driver_pulls(ensemble, scenario, DRIVER_DYADS, parameter_sets)
    pulls = pulls[pulls["year"].between(start, end)]
    thirds = third_party_pulls(ensemble, scenario, DRIVER_DYADS, parameter_sets)
    thirds = thirds[thirds["year"].between(start, end)]
    out = []
    for a, b in DRIVER_DYADS:
        rows = pulls[(pulls["src"] == a) & (pulls["tgt"] == b)].sort_values("year")
        behind = thirds[(thirds["src"] == a) & (thirds["tgt"] == b)]
        out.append({
            "src": a, "tgt": b, "label": f"{a} → {b}",
            "series": {name: rows[name].astype(float).tolist() for name in DRIVERS},
            "stance": rows["stance"].astype(float).tolist(),
            "behind": {name: [_named_shares(year_rows[name], year_rows["third"])
                              for _, year_rows in behind.groupby("year", sort=True)]
                       for name in THIRD_PARTY_DRIVERS},
        })
    return out


def _named_shares(pulls: pd.Series, thirds: pd.Series, *, most: int = 3, least: float = 0.05) -> str:
    """The third states behind one year's pull, largest first: 'USA +1.57, JPN +0.48' (at most three, each ≥ 0.05)."""
    order = pulls.abs().to_numpy().argsort()[::-1][:most]
    return ", ".join(f"{thirds.iloc[k]} {pulls.iloc[k]:+.2f}" for k in order if abs(pulls.iloc[k]) >= least)


def driver_colours() -> dict[str, str]:
    """A colour per driver, in the figures' order (``DRIVER_COLOURS``), any driver it lacks in grey at the end."""
    known = {name: colour for name, colour in DRIVER_COLOURS.items() if name in DRIVERS}
    return {**known, **{name: "#555555" for name in DRIVERS if name not in known}}


def run_simulation(
    scenario: Scenario, history: History, request: SimulationRequest, progress: Progress | None = None,
    refits: Sequence[Mapping[str, float]] = (),
) -> dict[str, object]:
    """Simulate the request and set the model beside history, year by year (a ``SimulationResult``).

    ``refits`` are the scenario's bootstrap refits, run over when the request asks for their weights.
    """
    began = time.perf_counter()
    chosen = counterfactual(scenario, request)
    fixed = _set_values(request)  # holds in every refit
    sets = [{**values, **fixed} for values in refits] if request.weights == "refits" else []
    ensemble = simulate(chosen, runs=request.runs, seed=request.seed, chunk=chunk_size(request.runs),
                        progress=progress, parameter_sets=sets or None)
    start = scenario.start if request.start is None else request.start
    end = scenario.end if request.end is None else request.end
    keep = (ensemble.years >= start) & (ensemble.years <= end)
    years = [int(y) for y in ensemble.years[keep]]

    bands = []
    for a, b in CORE_DYADS:
        paths = ensemble.dyad(a, b)[:, keep]
        q05, q50, q95 = np.quantile(paths, [0.05, 0.5, 0.95], axis=0)
        bands.append({
            "a": a, "b": b, "label": f"{a}–{b}", "colour": DYAD_COLOURS.get((a, b), "#555555"),
            "mean": paths.mean(axis=0).tolist(), "p05": q05.tolist(), "p50": q50.tolist(), "p95": q95.tolist(),
            "history": history.dyad_series(a, b, range(start, end + 1))["stance"],
        })

    model = strategic_triangle(ensemble.to_relations(), *CORE, dead_band=history.dead_band,
                               hysteresis=history.hysteresis)
    model = model.assign(year=model["period_start"].dt.year.astype(int))
    model = model[model["year"].between(start, end)].reset_index(drop=True)
    seen = history.triangle[history.triangle["year"].between(start, end)].reset_index(drop=True)
    shares = pattern_shares(ensemble_patterns(ensemble, CORE, dead_band=history.dead_band,
                                              hysteresis=history.hysteresis))
    told = dict(zip(seen["year"], seen["pattern"]))
    model_years = []
    for _, row in model.iterrows():
        year = int(row["year"])
        share_of = shares.loc[str(year)] if str(year) in shares.index else pd.Series(dtype=float)
        model_years.append({
            **triangle_year(row),
            "share": float(share_of.get(row["pattern"], 0.0)),
            "history_share": float(share_of.get(told[year], 0.0)) if year in told else 0.0,
        })
    key = ["pattern", "pivot", "outcast"]
    both = model[["year", *key]].merge(seen[["year", *key]], on="year", suffixes=("_model", "_history"))
    agree = [(both[f"{k}_model"] == both[f"{k}_history"]) for k in key]
    agreement = float((agree[0] & agree[1] & agree[2]).mean()) if len(both) else 0.0
    return {
        "scenario": scenario.name,
        "runs": request.runs,
        "seed": request.seed,
        "start": start,
        "end": end,
        "years": years,
        "dropped_shocks": list(request.drop_shocks),
        "parameters": dict(chosen.parameters),
        "weights": request.weights,
        "refits": len(sets),
        "dyads": bands,
        "history_triangle": [triangle_year(r) for _, r in seen.iterrows()],
        "model_triangle": model_years,
        "history_periods": period_rows(periodize(seen)),
        "model_periods": period_rows(periodize(model)),
        "agreement": agreement,
        "drivers": driver_series(ensemble, chosen, start, end, sets),
        "driver_colours": driver_colours(),
        "seconds": round(time.perf_counter() - began, 3),
    }
