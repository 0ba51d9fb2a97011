"""Why the model moves: each driver's weighted pull on a stance, year by year.

A stance follows its target, so the target's parts say what moved it: ideology (after the
security discount), coexistence, threat, balance, patronage, the pivot and sponsorship, each times its
weight, summed inside the tanh, and the reciprocity share mixed in outside it. The drivers
are evaluated on every run's yearly mean stances at the middle of each year, and averaged
over runs; a quarter's own state differs a little from its year's mean, so this is a
reading of the ensemble, not a replay of its steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import RealpolitikError
from .calibrate import TRIANGLE
from .ensemble import Ensemble
from .model import TARGET_DRIVERS, Exogenous, driver_terms, exogenous, third_party_terms
from .scenario import Scenario

__all__ = ["THIRD_PARTY_DRIVERS", "driver_pulls", "third_party_pulls"]

#: The drivers that run through third states, the columns ``third_party_pulls`` splits by that state.
THIRD_PARTY_DRIVERS = ("threat", "balance", "patronage", "pivot", "sponsorship")

_RUNS_AT_ONCE = 256  # runs whose per-third-state split is held in memory at once


def driver_pulls(
    ensemble: Ensemble,
    scenario: Scenario,
    dyads: Sequence[tuple[str, str]] | None = None,
    parameter_sets: Sequence[Mapping[str, float]] = (),
) -> pd.DataFrame:
    """Per year and directed dyad: every driver's weighted pull, their sum inside the tanh, and the target.

    Columns: ``year, src, tgt``, one column per driver of ``TARGET_DRIVERS`` (weight × term,
    mean over runs), ``pull`` (their sum), ``reciprocity`` (ρ × the other side's stance),
    ``target`` ((1 − ρ)·tanh(pull) + ρ·Rᵀ, mean over runs) and ``stance`` (mean over runs).
    ``dyads`` are ordered pairs (src, tgt); by default every ordered pair of the triangle's
    three states when the scenario has them, else of all states. For an ensemble simulated over
    ``parameter_sets`` (run k with set k mod their number), each set's runs are read with that
    set's weights and the pulls averaged over the sets, which hold as many runs each.
    """
    if parameter_sets:
        return _over_sets(driver_pulls, ensemble, scenario, dyads, parameter_sets, ["year", "src", "tgt"])
    src, tgt, dyads = _dyad_index(ensemble, scenario, dyads)
    params = scenario.parameters
    rho = params["reciprocity"]
    rows = []
    for year, t, R, ex in _years(ensemble, scenario):
        terms = driver_terms(R, ex, t, params["patronage_cost"])
        pulls = {name: params[name] * terms[name][:, src, tgt] for name in TARGET_DRIVERS}  # runs × dyads
        total = sum(pulls.values())
        answer = rho * terms["reciprocity"][:, src, tgt]
        target = (1.0 - rho) * np.tanh(total) + answer
        frame = pd.DataFrame({"year": year, "src": [a for a, _ in dyads], "tgt": [b for _, b in dyads]})
        for name, value in pulls.items():
            frame[name] = value.mean(axis=0)
        frame["pull"] = total.mean(axis=0)
        frame["reciprocity"] = answer.mean(axis=0)
        frame["target"] = target.mean(axis=0)
        frame["stance"] = R[:, src, tgt].mean(axis=0)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def third_party_pulls(
    ensemble: Ensemble,
    scenario: Scenario,
    dyads: Sequence[tuple[str, str]] | None = None,
    parameter_sets: Sequence[Mapping[str, float]] = (),
) -> pd.DataFrame:
    """Per year, directed dyad and third state k: who is behind the pulls that run through third states.

    Columns: ``year, src, tgt, third``, then the weighted share of k in ``threat`` (the balancing
    term: k's threat beyond tgt's own), ``balance``, ``patronage`` (the patron's entrapment in
    the client's quarrel with k), ``pivot`` and ``sponsorship``, each a mean over runs. Summed
    over the third states they give ``driver_pulls``' balance, pivot and sponsorship, its threat
    without the −θ term of tgt's own threat, and its patronage without the aid and the client's
    dependence; ideology, coexistence and reciprocity run through no third state. Dyads and
    ``parameter_sets`` as for ``driver_pulls``.
    """
    if parameter_sets:
        return _over_sets(third_party_pulls, ensemble, scenario, dyads, parameter_sets,
                          ["year", "src", "tgt", "third"])
    src, tgt, dyads = _dyad_index(ensemble, scenario, dyads)
    params = scenario.parameters
    codes = list(scenario.codes)
    n = len(codes)
    rows = []
    for year, t, R, ex in _years(ensemble, scenario):
        sums: dict[str, np.ndarray] = {}
        for first in range(0, len(R), _RUNS_AT_ONCE):  # the split holds runs × n³ numbers per driver
            for name, term in third_party_terms(R[first : first + _RUNS_AT_ONCE], ex, t,
                                                params["patronage_cost"]).items():
                sums[name] = sums.get(name, 0.0) + term[:, src, tgt].sum(axis=0)  # dyads × k
        frame = pd.DataFrame({"year": year, "src": np.repeat([a for a, _ in dyads], n),
                              "tgt": np.repeat([b for _, b in dyads], n), "third": codes * len(dyads)})
        for name, total in sums.items():
            frame[name] = params[name] * total.ravel() / len(R)  # row-major: dyad by dyad, k within
        keep = (frame["third"] != frame["src"]) & (frame["third"] != frame["tgt"])
        rows.append(frame[keep])
    return pd.concat(rows, ignore_index=True)


def _over_sets(
    read: Callable[..., pd.DataFrame],
    ensemble: Ensemble,
    scenario: Scenario,
    dyads: Sequence[tuple[str, str]] | None,
    parameter_sets: Sequence[Mapping[str, float]],
    keys: list[str],
) -> pd.DataFrame:
    """Read each parameter set's runs (run k has set k mod S) with its own weights, and average the readings."""
    n = len(parameter_sets)
    parts = [read(Ensemble(ensemble.codes, ensemble.years, ensemble.stances[k::n]),
                  scenario.with_parameters(**values), dyads)
             for k, values in enumerate(parameter_sets)]
    return pd.concat(parts).groupby(keys, as_index=False, sort=False).mean()


def _dyad_index(
    ensemble: Ensemble, scenario: Scenario, dyads: Sequence[tuple[str, str]] | None
) -> tuple[np.ndarray, np.ndarray, Sequence[tuple[str, str]]]:
    """The dyads' source and target indices, checked against the scenario (the triangle by default)."""
    if tuple(ensemble.codes) != tuple(scenario.codes):
        raise RealpolitikError("the ensemble was not simulated from this scenario (its states differ)")
    codes = list(scenario.codes)
    if dyads is None:
        core = TRIANGLE if set(TRIANGLE) <= set(codes) else tuple(codes)
        dyads = [(a, b) for a in core for b in core if a != b]
    for a, b in dyads:
        for code in (a, b):
            if code not in codes:
                raise RealpolitikError(f"unknown state '{code}' in dyads; the scenario has {', '.join(codes)}")
    return np.array([codes.index(a) for a, _ in dyads]), np.array([codes.index(b) for _, b in dyads]), dyads


def _years(ensemble: Ensemble, scenario: Scenario) -> Iterator[tuple[int, int, np.ndarray, Exogenous]]:
    """Each year with the step at its middle and every run's yearly mean stances, on which the drivers are read."""
    ex = exogenous(scenario)
    per_year = scenario.steps_per_year
    for y, year in enumerate(ensemble.years):
        yield int(year), min(y * per_year + per_year // 2, ex.steps - 1), ensemble.stances[:, y].astype(float), ex
