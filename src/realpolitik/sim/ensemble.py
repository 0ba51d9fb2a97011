"""Ensembles: many seeded runs of the model at once, summarised as Relations.

Every run draws its noise from its own ``numpy.random.SeedSequence`` child of the
ensemble seed, so a run's path does not depend on how runs are chunked or where they are
computed: the same seed gives the same ensemble locally or on a Dask cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import DataError, RealpolitikError
from ..relations import Relations
from .model import Exogenous, exogenous, step
from .scenario import Scenario

__all__ = ["Ensemble", "run_chunk", "simulate"]

_BURN_IN = 40  # steps at the starting conditions, without noise, to settle the initial stances


@dataclass(frozen=True)
class Ensemble:
    """Yearly mean stances of every run: ``stances[run, year, i, j]``."""

    codes: tuple[str, ...]
    years: np.ndarray
    stances: np.ndarray
    scenario: str = ""
    seed: int | None = None

    @property
    def runs(self) -> int:
        return self.stances.shape[0]

    def dyad(self, a: str, b: str) -> np.ndarray:
        """Undirected stance of a dyad (mean of both directions), shaped runs × years."""
        i, j = self.codes.index(a), self.codes.index(b)
        return (self.stances[:, :, i, j] + self.stances[:, :, j, i]) / 2.0

    def summary(self) -> pd.DataFrame:
        """Per year and directed dyad: mean and the 5th, 50th and 95th percentiles over runs."""
        n = len(self.codes)
        q = np.quantile(self.stances, [0.05, 0.5, 0.95], axis=0)
        mean = self.stances.mean(axis=0)
        src, tgt = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        off = src != tgt
        rows = []
        codes = np.array(self.codes, dtype=object)
        for y, year in enumerate(self.years):
            rows.append(
                pd.DataFrame(
                    {
                        "period": str(int(year)),
                        "src": codes[src[off]],
                        "tgt": codes[tgt[off]],
                        "mean": mean[y][off],
                        "p05": q[0, y][off],
                        "p50": q[1, y][off],
                        "p95": q[2, y][off],
                    }
                )
            )
        return pd.concat(rows, ignore_index=True)

    def to_relations(self, *, statistic: str = "mean") -> Relations:
        """The ensemble as Relations (stance = the mean, or the median with ``"p50"``)."""
        summary = self.summary()
        if statistic not in ("mean", "p50"):
            raise RealpolitikError("statistic must be 'mean' or 'p50'")
        frame = summary.assign(
            period_start=pd.to_datetime(summary["period"] + "-01-01").astype("datetime64[s]"),
            stance=summary[statistic],
        )
        return Relations(frame[["period", "period_start", "src", "tgt", "stance", "mean", "p05", "p50", "p95"]])

    def runs_frame(self) -> pd.DataFrame:
        """Every run's stances, long and columnar: ``run, period, src, tgt, stance``."""
        runs, years, n, _ = self.stances.shape
        r, y, i, j = np.meshgrid(np.arange(runs), np.arange(years), np.arange(n), np.arange(n), indexing="ij")
        off = (i != j).ravel()
        codes = np.array(self.codes, dtype=object)
        return pd.DataFrame(
            {
                "run": r.ravel()[off],
                "period": self.years[y.ravel()[off]].astype(int).astype(str),
                "src": codes[i.ravel()[off]],
                "tgt": codes[j.ravel()[off]],
                "stance": self.stances.reshape(-1)[off],
            }
        )


def _initial(ex: Exogenous, scenario: Scenario, runs: int, params: Mapping[str, float | np.ndarray]) -> np.ndarray:
    n = len(ex.codes)
    R = np.zeros((runs, n, n))
    for (a, b), value in scenario.initial.items():
        R[:, ex.codes.index(a), ex.codes.index(b)] = value
    if not scenario.initial:
        quiet = np.zeros_like(R)
        for _ in range(_BURN_IN):
            R = step(R, ex, 0, params, quiet)
    return R


def run_chunk(
    scenario: Scenario,
    seeds: Sequence[np.random.SeedSequence],
    *,
    params: Mapping[str, float | np.ndarray] | None = None,
    ex: Exogenous | None = None,
) -> np.ndarray:
    """Run one chunk of the ensemble: yearly mean stances shaped len(seeds) × years × n × n.

    A parameter may be one value for every run or an array with one value per run (an
    ensemble over parameter sets): each run's arithmetic is the same either way.
    """
    params = dict(scenario.parameters if params is None else params)
    runs = len(seeds)
    for name, value in params.items():
        if np.ndim(value):
            if np.shape(value) != (runs,):
                raise RealpolitikError(f"parameter {name}: {np.shape(value)} values for {runs} runs; give one value "
                                       "or one per run")
            params[name] = np.reshape(value, (runs, 1, 1))
    ex = exogenous(scenario) if ex is None else ex
    n = len(ex.codes)
    per_year = scenario.steps_per_year
    noise = np.empty((ex.steps, runs, n, n))  # step-major, so each step reads one contiguous block
    for k, s in enumerate(seeds):  # each run draws its own stream
        noise[:, k] = np.random.default_rng(s).standard_normal((ex.steps, n, n))
    R = _initial(ex, scenario, runs, params)
    years = ex.steps // per_year
    out = np.zeros((runs, years, n, n), dtype=np.float32)
    for t in range(years * per_year):
        R = step(R, ex, t, params, noise[t])
        out[:, t // per_year] += R / per_year
    return out


def _with_set(scenario: Scenario, values: Mapping[str, float], k: int) -> Scenario:
    try:
        return scenario.with_parameters(**values)
    except DataError as err:
        raise DataError(f"parameter set {k + 1}: {err.reason}", file=err.file, field=err.field, value=err.value) \
            from None


def _per_run(scenario: Scenario, parameter_sets: Sequence[Mapping[str, float]] | None, runs: int
             ) -> dict[str, float | np.ndarray]:
    """The scenario's parameters, or with parameter sets each parameter's value per run (set k mod S in run k)."""
    if not parameter_sets:
        return dict(scenario.parameters)
    variants = [_with_set(scenario, p, k) for k, p in enumerate(parameter_sets)]
    turn = np.arange(runs) % len(variants)
    return {name: np.array([v.parameters[name] for v in variants])[turn] for name in scenario.parameters}


def simulate(
    scenario: Scenario,
    *,
    runs: int = 100,
    seed: int | np.random.SeedSequence | None = 0,
    chunk: int = 256,
    executor: str = "local",
    address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    parameter_sets: Sequence[Mapping[str, float]] | None = None,
) -> Ensemble:
    """Run ``runs`` seeded realisations of the scenario.

    ``executor="dask"`` sends chunks of runs to a Dask cluster (``address``, or a
    LocalCluster when none is given); results equal local runs for the same seed.
    ``progress(done, total)`` is called after each chunk.

    ``parameter_sets`` carries the uncertainty of the weights into the ensemble: run k takes
    the scenario's parameters updated with set k mod len(parameter_sets) (for instance the
    refits of ``calibrate.bootstrap``); ``runs`` must be a multiple of their number, so that
    each set weighs the same. Run k's noise is the same whatever its set.
    """
    if runs < 1:
        raise RealpolitikError("runs must be at least 1")
    if parameter_sets and runs % len(parameter_sets):
        raise RealpolitikError(f"runs ({runs}) must be a multiple of the {len(parameter_sets)} parameter sets, "
                               "so that each set has as many runs")
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    children = root.spawn(runs)
    params = _per_run(scenario, parameter_sets, runs)
    jobs = [(children[c : c + chunk], {name: value[c : c + chunk] if np.ndim(value) else value
                                       for name, value in params.items()})
            for c in range(0, runs, chunk)]
    ex = exogenous(scenario)
    if executor == "local":
        parts, done = [], 0
        for seeds, values in jobs:
            parts.append(run_chunk(scenario, seeds, params=values, ex=ex))
            done += len(seeds)
            if progress:
                progress(done, runs)
    elif executor == "dask":
        from .distributed import map_chunks

        parts = map_chunks(run_chunk, scenario, jobs, address=address, progress=progress, runs=runs)
    else:
        raise RealpolitikError(f"unknown executor '{executor}': use 'local' or 'dask'")
    stances = np.concatenate(parts)
    years = np.arange(scenario.start, scenario.start + stances.shape[1])
    entropy = root.entropy if isinstance(root.entropy, int) else None
    return Ensemble(tuple(ex.codes), years, stances, scenario.name, entropy)
