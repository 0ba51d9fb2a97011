"""Calibration and evaluation: fit the model's parameters to observed Relations, then score it against history.

Method
------
``calibrate`` fits the driver weights (ideology, coexistence, threat, balance, patronage, pivot,
sponsorship), the cost of patronage, the reciprocity share, the speed of adjustment and the noise to the observed
yearly undirected stance of the chosen dyads (by default the three core dyads of the
triangle) over a training window (1949–1969 by default), and nothing later:

* **Simulation.** For a parameter vector the scenario is run from its first year to the
  end of the training window only, as an ensemble of ``runs`` realisations. The noise of
  every realisation comes from a fixed ``numpy.random.SeedSequence(seed).spawn(runs)``:
  common random numbers, so two parameter vectors are compared on the same draws and
  the objective is a deterministic, nearly smooth function of the parameters.
* **Observation model** (``realpolitik.sim.observe``). The observed stance is the stance
  estimator's reading of a handful of events a year: shrunk toward neutral where the
  evidence is thin, carrying the memory of earlier years, and noisy. Each run's yearly
  stances are passed through the same estimator, with history's own evidence weights,
  and given an observation error of the estimator's sampling size (about 0.15–0.3 for
  the core dyads, drawn from a fixed seed) before they are compared with history;
  otherwise the model would be asked to be as shrunk and as late as the record, and its
  process noise would have to absorb the measurement error.
* **Objective.** The continuous ranked probability score (CRPS; Gneiting & Raftery
  2007) of the ensemble of predicted observations against the observed stance, averaged
  over dyads and years with an observation: CRPS = E|X − y| − ½ E|X − X′|, estimated
  without bias from the ensemble ("fair" CRPS, Ferro 2014). The CRPS is a proper scoring
  rule: it is minimised by an ensemble whose distribution matches the data, so it fits
  the mean path (it reduces to the absolute error of a deterministic forecast) and the
  noise at once, where the mean squared error of the ensemble mean would leave the noise
  undetermined. The MSE of the ensemble mean is reported alongside
  (``objective="mse"`` minimises it instead, for fixed noise).
* **Search.** ``scipy.optimize.differential_evolution`` (Storn & Price 1997) over box
  bounds (``DEFAULT_BOUNDS``), Latin-hypercube initialisation, seeded, with
  ``polish=False`` (the objective is not smooth enough for L-BFGS-B). The best member
  is then re-scored with a fresh, larger ensemble (``check_runs`` runs, an independent
  seed) to report a training loss that is not tuned to the calibration's own draws.
  Generations are evaluated with ``updating="deferred"``, so ``workers`` changes the
  speed and not the result.

``evaluate`` runs the ensemble over the whole scenario and reports, per core dyad and
window (training, test), the correlation and RMSE of the ensemble mean with the observed
stance, its CRPS and the share of observed years inside the 5–95 % band; the share of
runs meeting each of the reference targets (``TARGETS``); and, per year, the strategic
triangle (Dittmer 1981) of the ensemble against the one measured on history.

References
----------
Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
Ferro, C. A. T. (2014). Fair scores for ensemble forecasts. *Quarterly Journal of the
Royal Meteorological Society* 140, 1917-1923.
Gneiting, T., & Raftery, A. E. (2007). Strictly Proper Scoring Rules, Prediction, and
Estimation. *Journal of the American Statistical Association* 102(477), 359-378.
Storn, R., & Price, K. (1997). Differential Evolution. *Journal of Global Optimization* 11, 341-359.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import RealpolitikError
from ..relations import Relations
from .compare import ensemble_patterns
from .ensemble import Ensemble, run_chunk, simulate
from .model import exogenous
from .observe import ObservationModel, both_directions, directed_paths, record_correlation
from .scenario import Scenario

if TYPE_CHECKING:
    from scipy.optimize import LinearConstraint

__all__ = [
    "CORE_DYADS",
    "DEFAULT_BOUNDS",
    "TARGETS",
    "CalibrationResult",
    "Evaluation",
    "bootstrap",
    "calibrate",
    "crps",
    "evaluate",
    "profile",
    "refit_profile",
    "target_outcomes",
    "target_shares",
    "training_loss",
]

#: The three dyads of the strategic triangle, as (a, b) with the triangle's actors in order.
CORE_DYADS: tuple[tuple[str, str], ...] = (("USSR", "PRC"), ("USA", "PRC"), ("USA", "USSR"))
TRIANGLE = ("USA", "USSR", "PRC")

#: The parameters ``calibrate`` fits and their search bounds.
DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "ideology": (0.0, 4.0),
    "coexistence": (0.0, 4.0),
    "threat": (0.0, 6.0),
    "balance": (0.0, 4.0),
    "patronage": (0.0, 8.0),
    "patronage_cost": (0.0, 5.0),
    "reciprocity": (0.0, 0.9),
    "speed": (0.05, 1.0),
    "noise": (0.0, 0.5),
    "pivot": (0.0, 8.0),
    "sponsorship": (0.0, 8.0),
}

#: The reference targets (issue "Dynamics", Done-when), each a test on one run's yearly undirected stances.
TARGETS: dict[str, str] = {
    "split_alliance": "USSR–PRC positive in every year 1950–1956",
    "split_enmity": "USSR–PRC negative in every year 1962–1979",
    "rapprochement": "US–PRC positive in every year from some year ≤ 1975 through 1979 (by 1973 ± 2)",
    "normalisation": "USSR–PRC ≥ 0 in every year from some year ≤ 1991 through 1991 (by 1989 ± 2)",
    "all": "all four at once",
}


def crps(ensemble: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Fair CRPS of an ensemble (members on axis 0) against observations (the other axes); NaN stays NaN."""
    x = np.sort(np.asarray(ensemble, dtype=float), axis=0)
    m = x.shape[0]
    if m < 2:
        raise RealpolitikError("the CRPS of an ensemble needs at least two members")
    skill = np.abs(x - observed[None]).mean(axis=0)
    rank = np.arange(1, m + 1, dtype=float).reshape((m,) + (1,) * (x.ndim - 1))
    spread = 2.0 * ((2.0 * rank - m - 1.0) * x).sum(axis=0) / (m * (m - 1))  # E|X − X'| over distinct pairs
    return skill - 0.5 * spread


def _with_sampling_error(recorded: np.ndarray, error: np.ndarray, seed: int) -> np.ndarray:
    """Records (runs × dyads × years) plus the estimator's sampling error, drawn from a stream fixed by ``seed``."""
    draws = np.random.default_rng(np.random.SeedSequence([seed, 2])).standard_normal(recorded.shape)
    return recorded + draws * error[None]


def _check_training(scenario: Scenario, train: tuple[int, int], runs: int, dyads) -> None:
    if train[0] > train[1] or train[0] < scenario.start:
        raise RealpolitikError(f"training window {train} must lie within the scenario from {scenario.start}")
    if runs < 2:
        raise RealpolitikError("calibration needs at least two runs (the CRPS compares runs)")
    _check_dyads(scenario, dyads)


def _check_dyads(scenario: Scenario, dyads: Sequence[tuple[str, str]]) -> None:
    codes = set(scenario.codes)
    for a, b in dyads:
        if a not in codes or b not in codes:
            raise RealpolitikError(f"dyad {a}–{b} is not among the scenario's actors")


@dataclass(frozen=True)
class CalibrationResult:
    """Fitted parameters (every scenario parameter, fitted or not) and how they were found."""

    parameters: dict[str, float]
    loss: float  # training CRPS on an independent check ensemble
    mse: float  # training MSE of the check ensemble's mean
    search_loss: float  # the objective's minimum on the calibration's own draws
    method: str
    train: tuple[int, int]
    runs: int
    seed: int
    nfev: int
    dyads: tuple[tuple[str, str], ...] = CORE_DYADS
    fitted: tuple[str, ...] = field(default_factory=tuple)
    directed: bool = False  # each direction fitted to its own record
    at_least: tuple[tuple[str, str], ...] = ()  # the orderings (a ≥ b) the fit was held to

    def toml(self) -> str:
        """The ``[parameters]`` table, ready to paste into a scenario file, under a comment saying how it was fitted."""
        held = "".join(f"; {a} >= {b}" for a, b in self.at_least)
        lines = [f"# fitted on {self.train[0]}-{self.train[1]} to {len(self.dyads)} dyads"
                 f"{', direction by direction' if self.directed else ''}{held}: training CRPS {self.loss:.4f} "
                 f"({self.nfev} evaluations, seed {self.seed})",
                 "[parameters]"]
        lines += [f"{name} = {value:.4g}" for name, value in self.parameters.items()]
        return "\n".join(lines)


class _Objective:
    """The training loss as a picklable callable of the fitted parameter vector."""

    def __init__(self, scenario, observed, names, base, train, runs, seed, dyads, objective="crps", directed=False):
        if objective not in ("crps", "mse"):
            raise RealpolitikError(f"unknown objective '{objective}': use 'crps' or 'mse'")
        self.objective = objective
        self.scenario = scenario
        self.names = tuple(names)
        self.base = dict(base)
        self.dyads = both_directions(dyads) if directed else tuple(dyads)
        self.years = np.arange(scenario.start, train[1] + 1)
        self.window = self.years >= train[0]
        self.ex = exogenous(scenario, end=train[1] + 1)
        self.seeds = np.random.SeedSequence(seed).spawn(runs)
        self.history = ObservationModel.from_relations(observed, self.dyads, self.years, directed=directed)
        self.observed = self.history.observed[:, self.window]
        if np.isnan(self.observed).all():
            raise RealpolitikError(f"no observed stance of {dyads} in the training window {train}")
        self.error = self.history.error[:, self.window]
        self.seed = seed

    def params(self, x: np.ndarray) -> dict[str, float]:
        p = dict(self.base)
        p.update(zip(self.names, (float(v) for v in x)))
        return p

    def table(self, params: dict[str, float], seeds=None) -> tuple[np.ndarray, np.ndarray]:
        """The CRPS of each dyad and training year (NaN where unobserved), and the records' ensemble mean."""
        out = run_chunk(self.scenario, self.seeds if seeds is None else seeds, params=params, ex=self.ex)
        paths = directed_paths(out[:, : len(self.years)], self.ex.codes, self.dyads)
        paths = self.history.record(paths)[:, :, self.window]  # as the stance estimator would have seen it
        return crps(_with_sampling_error(paths, self.error, self.seed), self.observed), paths.mean(axis=0)

    def scores(self, params: dict[str, float], seeds=None) -> tuple[float, float]:
        score, mean = self.table(params, seeds)
        ok = ~np.isnan(self.observed)
        return float(score[ok].mean()), float(((mean - self.observed)[ok] ** 2).mean())

    def __call__(self, x: np.ndarray) -> float:
        score, mse = self.scores(self.params(x))
        return score if self.objective == "crps" else mse


def training_loss(
    scenario: Scenario,
    observed: Relations,
    params: Mapping[str, float] | None = None,
    *,
    train: tuple[int, int] = (1949, 1969),
    runs: int = 64,
    seed: int = 0,
    dyads: Sequence[tuple[str, str]] = CORE_DYADS,
    directed: bool = False,
) -> dict[str, float]:
    """Training CRPS and MSE of the ensemble mean for given parameters (the scenario's by default).

    ``directed=True`` scores each direction of every dyad against its own record instead of
    the mean of both (as in ``calibrate``).
    """
    _check_dyads(scenario, dyads)
    base = dict(scenario.parameters if params is None else {**scenario.parameters, **params})
    objective = _Objective(scenario, observed, (), base, train, runs, seed, dyads, directed=directed)
    score, mse = objective.scores(base)
    return {"crps": score, "mse": mse}


def profile(
    scenario: Scenario,
    observed: Relations,
    parameter: str,
    values: Sequence[float],
    *,
    train: tuple[int, int] = (1949, 1969),
    runs: int = 64,
    seed: int = 0,
    dyads: Sequence[tuple[str, str]] = CORE_DYADS,
    by_year: bool = False,
    directed: bool = False,
) -> pd.DataFrame:
    """Training CRPS of each dyad as one parameter varies and the others keep the scenario's values.

    Which dyads, and which of their years, speak for or against a driver: a weight the fit
    sets to zero may be rejected by a few dyads and merely not needed by the rest. Columns
    ``dyad``, ``value``, ``crps`` (mean over the dyad's observed training years) and ``years``;
    the row with ``dyad == "all"`` is the training loss itself (the mean over dyad-years).

    ``by_year=True`` gives one row per dyad, value and observed training year instead, with the
    ensemble mean of the runs' ``record`` beside the ``observed`` stance: the episodes of
    history that a driver's weight helps or hurts. ``directed=True`` scores each direction
    against its own record, and names the dyads "a→b".
    """
    _check_training(scenario, train, runs, dyads)
    if parameter not in scenario.parameters:
        raise RealpolitikError(f"unknown parameter '{parameter}': the model's are {', '.join(scenario.parameters)}")
    objective = _Objective(scenario, observed, (), scenario.parameters, train, runs, seed, dyads, directed=directed)
    join = "→" if directed else "–"
    ok = ~np.isnan(objective.observed)
    years = objective.years[objective.window]
    rows = []
    for value in values:
        varied = scenario.with_parameters(**{parameter: float(value)})  # refuses a value out of its range
        score, record = objective.table(dict(varied.parameters))
        if by_year:
            for d, t in zip(*np.nonzero(ok)):
                a, b = objective.dyads[d]
                rows.append({"dyad": f"{a}{join}{b}", "value": float(value), "year": int(years[t]),
                             "crps": float(score[d, t]), "record": float(record[d, t]),
                             "observed": float(objective.observed[d, t])})
            continue
        for d, (a, b) in enumerate(objective.dyads):
            mean = float(score[d, ok[d]].mean()) if ok[d].any() else np.nan
            rows.append({"dyad": f"{a}{join}{b}", "value": float(value), "crps": mean, "years": int(ok[d].sum())})
        rows.append({"dyad": "all", "value": float(value), "crps": float(score[ok].mean()), "years": int(ok.sum())})
    return pd.DataFrame(rows)


def calibrate(
    scenario: Scenario,
    observed: Relations,
    *,
    train: tuple[int, int] = (1949, 1969),
    runs: int = 32,
    seed: int = 0,
    maxiter: int = 60,
    popsize: int = 12,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    dyads: Sequence[tuple[str, str]] = CORE_DYADS,
    check_runs: int = 256,
    objective: str = "crps",
    workers: int = 1,
    progress: Callable[[int, float], None] | None = None,
    directed: bool = False,
    at_least: Sequence[tuple[str, str]] = (),
) -> CalibrationResult:
    """Fit the model's parameters to observed stances in the training window (see the module docstring).

    ``bounds`` maps each parameter to fit to its (low, high) search range (``DEFAULT_BOUNDS``
    by default); parameters not in it keep the scenario's values. ``progress(generation,
    best)`` is called after each generation. ``workers`` > 1 evaluates a generation in
    parallel processes (the result does not change). ``directed=True`` fits each direction of
    every dyad to its own record (who moved toward whom) instead of the mean of both.
    ``at_least`` holds priors from outside the data as orderings: each pair (a, b) keeps the
    fitted weight a at or above the fitted weight b (a linear constraint of the search), for a
    choice the training years leave open (e.g. Walt's threat before ideology).

    With ``workers`` > 1 scipy starts its pool with forkserver (on Python < 3.14, unless a start
    method is set), which imports the calling script: call it under ``if __name__ == "__main__":``
    or the script's body runs again beside the fit.
    """
    from scipy.optimize import differential_evolution

    _check_training(scenario, train, runs, dyads)
    bounds = dict(DEFAULT_BOUNDS if bounds is None else bounds)
    names = tuple(bounds)
    at_least = _check_orderings(bounds, at_least)
    constraints = _orderings(names, at_least)
    objective = _Objective(scenario, observed, names, scenario.parameters, train, runs, seed, dyads, objective,
                           directed)
    generation = [0]

    def callback(xk, convergence=None):
        generation[0] += 1
        if progress is not None:
            progress(generation[0], objective(xk))
        return False

    result = differential_evolution(
        objective,
        [bounds[n] for n in names],
        seed=seed,
        maxiter=maxiter,
        popsize=popsize,
        tol=1e-6,
        mutation=(0.5, 1.0),
        recombination=0.7,
        init="latinhypercube",
        polish=False,
        updating="deferred",
        workers=workers,
        callback=callback,
        constraints=constraints,
    )
    fitted = objective.params(result.x)
    broken = [f"{a} {fitted[a]:.4g} < {b} {fitted[b]:.4g}" for a, b in at_least if fitted[a] < fitted[b] - 1e-9]
    if broken:  # differential evolution can end on an infeasible point; a prior must not pass unseen
        raise RealpolitikError(f"the search ended outside the ordering ({'; '.join(broken)}): "
                               f"raise maxiter or popsize")
    check = np.random.SeedSequence([seed, 1]).spawn(check_runs)
    loss, mse = objective.scores(fitted, seeds=check)
    method = (
        f"scipy.optimize.differential_evolution (seed={seed}, maxiter={maxiter}, popsize={popsize}, "
        f"polish=False) minimising the fair CRPS of {runs} common-random-number runs against the observed "
        f"yearly {'directed stances (both directions)' if directed else 'undirected stance'} of "
        f"{', '.join('–'.join(d) for d in dyads)} over {train[0]}–{train[1]}"
        + (" subject to " + ", ".join(f"{a} ≥ {b}" for a, b in at_least) if at_least else "")
        + f"; loss re-scored on {check_runs} independent runs"
    )
    return CalibrationResult(
        parameters=fitted,
        loss=loss,
        mse=mse,
        search_loss=float(result.fun),
        method=method,
        train=tuple(train),
        runs=runs,
        seed=seed,
        nfev=int(result.nfev),
        dyads=tuple(tuple(d) for d in dyads),
        fitted=names,
        directed=directed,
        at_least=at_least,
    )


def _check_orderings(bounds: Mapping[str, tuple[float, float]],
                     at_least: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """``at_least`` as a tuple of (a, b) pairs of different fitted parameters that their bounds let a ≥ b hold."""
    checked = []
    for pair in at_least:
        if (not isinstance(pair, (tuple, list)) or len(pair) != 2 or not all(isinstance(n, str) for n in pair)
                or pair[0] == pair[1] or any(n not in bounds for n in pair)):
            raise RealpolitikError(f"at_least: an ordering is a pair of two different fitted parameters (of "
                                   f"{', '.join(bounds)}), not {pair!r} in {at_least!r}")
        a, b = pair
        if bounds[a][1] < bounds[b][0]:
            raise RealpolitikError(f"at_least: {a} ≥ {b} cannot hold within their bounds {bounds[a]} and {bounds[b]}")
        checked.append((a, b))
    return tuple(checked)


def _orderings(names: Sequence[str], at_least: Sequence[tuple[str, str]]) -> tuple[LinearConstraint, ...]:
    """The search's linear constraints w_a − w_b ≥ 0, one per checked pair of ``at_least``."""
    from scipy.optimize import LinearConstraint

    rows = []
    for a, b in at_least:
        row = np.zeros(len(names))
        row[names.index(a)], row[names.index(b)] = 1.0, -1.0
        rows.append(row)
    return (LinearConstraint(np.array(rows), 0.0, np.inf),) if rows else ()


def bootstrap(
    scenario: Scenario,
    observed: Relations,
    replicates: int,
    *,
    dyads: Sequence[tuple[str, str]],
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    **fit,
) -> pd.DataFrame:
    """Refit on the dyads drawn with replacement: how firmly the training years fix each parameter.

    A cluster bootstrap (Efron & Tibshirani 1993): each replicate draws as many dyads as
    ``dyads`` holds, with replacement (a dyad drawn twice counts twice), and calibrates on them
    with ``calibrate(..., seed=seed, **fit)``. Every replicate searches from the same seed on
    the same draws of noise, so the spread of a weight over the replicates is what the choice
    of observed dyads leaves open (with the search's sensitivity to it). Dyads share states,
    so they are not independent and the spread is a lower bound. One row per
    replicate: ``replicate``, every parameter, ``loss`` (the replicate's re-scored training
    CRPS) and ``dyads`` (the drawn dyads, "a–b;c–d;…"), and ``at_least`` ("threat>=ideology;…")
    when the refits were held to orderings.
    """
    if replicates < 1:
        raise RealpolitikError(f"the bootstrap needs at least one replicate, not {replicates}")
    _check_dyads(scenario, dyads)
    if not dyads:
        raise RealpolitikError("the bootstrap needs at least one dyad to draw from")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 3]))
    rows = []
    for b in range(replicates):
        drawn = [tuple(dyads[k]) for k in rng.integers(0, len(dyads), len(dyads))]
        result = calibrate(scenario, observed, dyads=drawn, seed=seed, **fit)
        row = {"replicate": b, **result.parameters, "loss": result.loss,
               "dyads": ";".join(f"{a}–{c}" for a, c in drawn)}
        if result.at_least:  # a refit held to a prior says so
            row["at_least"] = ";".join(f"{a}>={c}" for a, c in result.at_least)
        rows.append(row)
        if progress is not None:
            progress(b + 1)
    return pd.DataFrame(rows)


def refit_profile(
    scenario: Scenario,
    observed: Relations,
    parameter: str,
    values: Sequence[float],
    *,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    progress: Callable[[int], None] | None = None,
    **fit,
) -> pd.DataFrame:
    """The profile of the training loss: ``parameter`` held at each value and every other weight refitted.

    ``profile`` varies one weight with the others as shipped, so it shows which dyads speak
    for a driver but overstates what a value costs: the other weights could make up for it.
    Refitting them at each value (the profile likelihood, Venzon & Moolgavkar 1988) says what
    the training years really charge for holding the weight there, e.g. for a prior from
    outside the data. Each value runs ``calibrate(..., bounds=<bounds without parameter>,
    **fit)`` from the same seed. One row per value: ``value``, ``loss`` (the refit's re-scored
    training CRPS), ``search_loss``, ``nfev`` and every parameter.
    """
    bounds = dict(DEFAULT_BOUNDS if bounds is None else bounds)
    if parameter not in bounds:
        raise RealpolitikError(f"refit_profile: '{parameter}' is not a fitted parameter (those are "
                               f"{', '.join(bounds)})")
    if len(bounds) < 2:
        raise RealpolitikError("refit_profile: there is no other parameter to refit")
    others = {name: bound for name, bound in bounds.items() if name != parameter}
    rows = []
    for k, value in enumerate(values):
        held = scenario.with_parameters(**{parameter: float(value)})  # refuses a value out of its range
        result = calibrate(held, observed, bounds=others, **fit)
        rows.append({"value": float(value), "loss": result.loss, "search_loss": result.search_loss,
                     "nfev": result.nfev, **result.parameters})
        if progress is not None:
            progress(k + 1)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Evaluation against history


def target_shares(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The share of runs meeting each target of ``TARGETS``: columns target, description, share."""
    return pd.DataFrame(
        [{"target": k, "description": v, "share": float(outcomes[k].mean())} for k, v in TARGETS.items()]
    )


def target_outcomes(ensemble: Ensemble) -> pd.DataFrame:
    """Per run: whether each target of ``TARGETS`` is met, and the years of the turns they ask for."""
    years = ensemble.years

    def window(path: np.ndarray, lo: int, hi: int) -> np.ndarray:
        sel = (years >= lo) & (years <= hi)
        if sel.sum() != hi - lo + 1:
            raise RealpolitikError(f"the ensemble must cover {lo}–{hi} to score the reference targets")
        return path[:, sel]

    ussr_prc = ensemble.dyad("USSR", "PRC")
    us_prc = ensemble.dyad("USA", "PRC")

    def first_of_last_run(ok: np.ndarray, first_year: int) -> np.ndarray:
        """The first year of the final run of True values (NaN when the last value is False)."""
        out = np.full(ok.shape[0], np.nan)
        for r, row in enumerate(ok):
            if row[-1]:
                k = len(row) - 1
                while k > 0 and row[k - 1]:
                    k -= 1
                out[r] = first_year + k
        return out

    rapprochement_ok = window(us_prc, 1966, 1979) > 0
    rapprochement_year = first_of_last_run(rapprochement_ok, 1966)
    normal_ok = window(ussr_prc, 1980, 1991) >= 0
    normal_year = first_of_last_run(normal_ok, 1980)
    frame = pd.DataFrame(
        {
            "split_alliance": (window(ussr_prc, 1950, 1956) > 0).all(axis=1),
            "split_enmity": (window(ussr_prc, 1962, 1979) < 0).all(axis=1),
            "rapprochement": rapprochement_year <= 1975,
            "normalisation": normal_year <= 1991,
            "rapprochement_year": rapprochement_year,
            "normalisation_year": normal_year,
        }
    )
    frame["all"] = frame[["split_alliance", "split_enmity", "rapprochement", "normalisation"]].all(axis=1)
    return frame


def _patterns(relations: Relations) -> pd.DataFrame:
    from ..structure.triangle import strategic_triangle

    tri = strategic_triangle(relations, *TRIANGLE)
    label = tri["pattern"] + np.where(tri["pivot"] != "", ":" + tri["pivot"], "") + np.where(
        tri["outcast"] != "", ":" + tri["outcast"], "")
    return pd.DataFrame({"year": tri["period"].astype(int).to_numpy(), "pattern": tri["pattern"].to_numpy(),
                         "label": label.to_numpy()})


@dataclass(frozen=True)
class Evaluation:
    """How an ensemble of the scenario compares with history: fit, targets, triangle."""

    fit: pd.DataFrame  # dyad, window, first, last, years, corr, rmse, corr_record, rmse_record, crps, coverage
    targets: pd.DataFrame  # target, description, share
    triangle: pd.DataFrame  # year, observed, model, agree, agree_label, runs_agree
    agreement: float  # share of years whose ensemble-mean pattern equals the observed one
    agreement_label: float  # the same, counting the pivot or outcast too
    run_agreement: np.ndarray  # per run: share of years whose pattern equals the observed one
    outcomes: pd.DataFrame  # per run, from ``target_outcomes``
    ensemble: Ensemble
    parameters: dict[str, float]  # the scenario's; runs with parameter sets update them with their own
    parameter_sets: tuple[dict[str, float], ...] = ()

    def summary(self) -> str:
        """A plain-text report, opening with what was run."""
        weights = (f"taking turns over {len(self.parameter_sets)} parameter sets" if self.parameter_sets
                   else "with the scenario's weights")
        lines = [f"{self.ensemble.runs} runs of {self.ensemble.scenario or 'the scenario'} (seed "
                 f"{self.ensemble.seed}), {weights}.", ""]
        lines += ["Fit to the observed undirected stance (corr, rmse: the ensemble mean; *_record, crps, coverage: "
                 "the runs as the stance estimator would have recorded them):"]
        lines.append(self.fit.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        lines.append("")
        lines.append("Share of runs meeting each target:")
        for row in self.targets.itertuples(index=False):
            lines.append(f"  {row.target:15s} {row.share:6.1%}  {row.description}")
        lines.append("")
        lines.append(
            f"Triangle pattern of the ensemble mean agrees with history in {self.agreement:.1%} of years "
            f"({self.agreement_label:.1%} counting pivot/outcast); per run: mean {self.run_agreement.mean():.1%}, "
            f"{(self.run_agreement >= 0.75).mean():.1%} of runs at >= 75%."
        )
        lines.append(self.triangle.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        return "\n".join(lines)


def evaluate(
    scenario: Scenario,
    observed: Relations,
    *,
    runs: int = 200,
    seed: int = 1,
    train: tuple[int, int] = (1949, 1969),
    test: tuple[int, int] = (1970, 1991),
    params: Mapping[str, float] | None = None,
    dyads: Sequence[tuple[str, str]] = CORE_DYADS,
    parameter_sets: Sequence[Mapping[str, float]] | None = None,
) -> Evaluation:
    """Score the scenario (its shipped parameters unless ``params``) against observed history.

    Per dyad of ``dyads`` and window: ``corr`` and ``rmse`` compare the ensemble mean with
    the observed stance; ``corr_record`` and ``rmse_record`` compare the mean of what the
    stance estimator would have recorded of each run (``ObservationModel``) with it; ``crps``
    and ``coverage`` (the share of observed years inside the 5–95 % band) score those
    records, each with the observation error, as in the calibration. ``parameter_sets``
    scores an ensemble whose runs take turns over several parameter sets (``simulate``).
    """
    if params is not None:
        scenario = scenario.with_parameters(**params)
    _check_dyads(scenario, dyads)
    ens = simulate(scenario, runs=runs, seed=seed, parameter_sets=parameter_sets)
    years = ens.years
    recorder = ObservationModel.from_relations(observed, dyads, years)
    obs = recorder.observed
    directed = directed_paths(ens.stances, ens.codes, dyads)
    mean = directed.mean(axis=(0, 2))
    recorded = recorder.record(directed)
    predicted = _with_sampling_error(recorded, recorder.error, seed)  # what the estimator would report, run by run
    lo, hi = np.quantile(predicted, [0.05, 0.95], axis=0)
    score = crps(predicted, obs)
    record_mean = recorded.mean(axis=0)
    fit_rows = []
    for name, (first, last) in (("train", train), ("test", test)):
        sel = (years >= first) & (years <= last)
        for d, (a, b) in enumerate(dyads):
            o = obs[d, sel]
            ok = ~np.isnan(o)
            row = {"dyad": f"{a}–{b}", "window": name, "first": first, "last": last, "years": int(ok.sum())}
            for suffix, m in (("", mean[d, sel]), ("_record", record_mean[d, sel])):
                row["corr" + suffix] = record_correlation(o, m)
                row["rmse" + suffix] = float(np.sqrt(np.mean((o[ok] - m[ok]) ** 2))) if ok.any() else np.nan
            row["crps"] = float(score[d, sel][ok].mean()) if ok.any() else np.nan
            row["coverage"] = float(((o[ok] >= lo[d, sel][ok]) & (o[ok] <= hi[d, sel][ok])).mean()) \
                if ok.any() else np.nan
            fit_rows.append(row)
    fit = pd.DataFrame(fit_rows)

    outcomes = target_outcomes(ens)
    targets = target_shares(outcomes)

    history = _patterns(observed).set_index("year")
    model = _patterns(ens.to_relations()).set_index("year")
    common = [y for y in years if y in history.index]
    runs = ensemble_patterns(ens, TRIANGLE).pivot(index="run", columns="period", values="pattern")
    per_run = runs[[str(int(y)) for y in common]].to_numpy() == history.loc[common, "pattern"].to_numpy()[None]
    triangle = pd.DataFrame(
        {
            "year": common,
            "observed": history.loc[common, "label"].to_numpy(),
            "model": model.loc[common, "label"].to_numpy(),
            "agree": model.loc[common, "pattern"].to_numpy() == history.loc[common, "pattern"].to_numpy(),
            "agree_label": model.loc[common, "label"].to_numpy() == history.loc[common, "label"].to_numpy(),
            "runs_agree": per_run.mean(axis=0),
        }
    )
    return Evaluation(
        fit=fit,
        targets=targets,
        triangle=triangle,
        agreement=float(triangle["agree"].mean()),
        agreement_label=float(triangle["agree_label"].mean()),
        run_agreement=per_run.mean(axis=1),
        outcomes=outcomes,
        ensemble=ens,
        parameters=dict(scenario.parameters),
        parameter_sets=tuple(dict(p) for p in parameter_sets or ()),
    )
