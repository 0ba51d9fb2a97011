"""How history would have recorded a simulated path: the stance estimator applied to the model.

The observed stance is not the stance itself but what the estimator of
``realpolitik.relations`` makes of a handful of events a year. That estimator does three
things to the true stance r_t of a directed dyad, each of which a comparison of model and
history must repeat on the model's side:

* it **shrinks** toward neutral: with B_t the decayed weight of evidence and ``prior`` the
  neutral pseudo-events, the expected stance is r·B_t/(B_t + prior), so a dyad seen
  through one event a year reads at half its strength;
* it **remembers**: the evidence sum decays by λ a year (λ = 0.5 ** (1 / half-life)), so
  the stance of year t averages the stances of earlier years, weighted by the events of
  each — a turn shows in the record a year or two after it happens;
* it is **noisy**: a few events are a small sample (``error``).

Given the history's own evidence weights w_τ (events per year) and the model's yearly
stance r_τ, the record the estimator would have produced is

    E[A_t] = λ^(t − t₀ + 1)·A_(t₀−1) + Σ_{τ = t₀..t} λ^(t − τ)·w_τ·r_τ,    E[stance_t] = E[A_t] / (B_t + prior),

with A_(t₀−1) the evidence history held before the model's first year t₀. The undirected
stance is the mean of the directions observed that year, as in ``Relations.symmetric``.
Comparing the model's raw stance with the record instead would ask the model to be as
shrunk and as late as the estimator is, and would read a sparse dyad's quiet years as
neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._errors import RealpolitikError
from ..relations import Relations

__all__ = ["ObservationModel", "both_directions", "directed_paths", "observed_dyads", "record_correlation"]


def directed_paths(stances: np.ndarray, codes: Sequence[str], dyads: Sequence[tuple[str, str]]) -> np.ndarray:
    """Both directed stances of each dyad (a→b, then b→a): runs × dyads × 2 × years."""
    index = {c: k for k, c in enumerate(codes)}
    out = np.empty((stances.shape[0], len(dyads), 2, stances.shape[1]))
    for d, (a, b) in enumerate(dyads):
        i, j = index[a], index[b]
        out[:, d, 0] = stances[:, :, i, j]
        out[:, d, 1] = stances[:, :, j, i]
    return out


def both_directions(dyads: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Each dyad (a, b) as the two directed dyads a→b and b→a, in that order."""
    return tuple(pair for a, b in dyads for pair in ((a, b), (b, a)))


@dataclass(frozen=True)
class ObservationModel:
    """The record of some dyads over some years, and how a simulated path would have been recorded."""

    dyads: tuple[tuple[str, str], ...]
    years: np.ndarray
    observed: np.ndarray  # dyads × years: the observed stance, undirected or a→b alone (NaN where none)
    error: np.ndarray  # dyads × years: the standard error of the observed stance (0 where unknown)
    kernel: np.ndarray  # dyads × 2 × years × years: weight of the model's year τ in the record of year t
    offset: np.ndarray  # dyads × 2 × years: the record's memory of evidence before the first year
    present: np.ndarray  # dyads × 2 × years, bool: the direction has a record that year

    @classmethod
    def from_relations(
        cls, observed: Relations, dyads: Sequence[tuple[str, str]], years: Sequence[int], *, directed: bool = False
    ) -> ObservationModel:
        """Read the record and the estimator's evidence weights off observed yearly Relations.

        With ``directed=True`` each dyad (a, b) stands for the directed stance a→b alone: its
        record is that direction's, not the mean of both (see ``both_directions``).

        Relations without evidence (simulated ones) are taken as exact: the record is the
        plain mean of the two directions, with no shrinkage, memory or error. Observed
        relations must be yearly, with a positive prior, and hold each dyad's evidence from its
        first event (not cut with ``start=``), since the record remembers earlier years.
        """
        dyads = tuple((str(a), str(b)) for a, b in dyads)
        years = np.asarray(years, dtype=int)
        if len(years) and not (np.diff(years) == 1).all():
            raise RealpolitikError("the observation model needs consecutive years")
        n_d, n_t = len(dyads), len(years)
        frame = observed.frame
        evidence = {"confidence", "weight"} <= set(frame.columns)
        if evidence and observed.freq != "year":
            raise RealpolitikError(f"the observation model needs yearly relations, not '{observed.freq}'")
        if evidence and not (observed.prior or 0) > 0:
            raise RealpolitikError("the observation model needs relations estimated with a positive prior")
        stance = np.full((n_d, 2, n_t), np.nan)
        variance = np.full((n_d, 2, n_t), np.nan)
        kernel = np.zeros((n_d, 2, n_t, n_t))
        offset = np.zeros((n_d, 2, n_t))
        prior = float(observed.prior or 0.0)
        half_life = observed.half_life or Relations.DEFAULT_HALF_LIFE
        decay = 0.5 ** (1.0 / half_life)
        lags = years[:, None] - years[None, :]
        memory = np.where(lags >= 0, decay ** np.maximum(lags, 0), 0.0)  # λ^(t − τ) for τ ≤ t
        index = {str(y): k for k, y in enumerate(years)}
        for d, (a, b) in enumerate(dyads):
            for side, (src, tgt) in enumerate(((a, b),) if directed else ((a, b), (b, a))):
                rows = frame[(frame["src"] == src) & (frame["tgt"] == tgt)]
                periods = rows["period"].astype(str).to_numpy()
                at = np.array([index.get(p, -1) for p in periods], dtype=int)
                inside = at >= 0
                stance[d, side, at[inside]] = rows["stance"].to_numpy()[inside]
                if not evidence:
                    kernel[d, side] = np.eye(n_t)
                    continue
                conf = rows["confidence"].to_numpy()
                mass_all = prior * conf / (1.0 - np.minimum(conf, 1.0 - 1e-12))  # B, back from the confidence
                mass = np.full(n_t, np.nan)
                mass[at[inside]] = mass_all[inside]
                weight = np.zeros(n_t)
                weight[at[inside]] = rows["weight"].to_numpy()[inside]
                before = periods == str(years[0] - 1)  # the evidence A held before the first year
                held = float((rows["stance"].to_numpy() * (mass_all + prior))[before].sum())
                _check_history_kept(rows, before, inside, mass_all, (src, tgt))
                kernel[d, side] = memory * weight[None, :] / (mass[:, None] + prior)
                offset[d, side] = held * decay ** (np.arange(n_t) + 1) / (mass + prior)
                # sampling error as the estimator's evidence weight suggests, an approximation: it
                # treats B as a count of equal, independent events in the year
                shrunk = np.minimum(1.0, np.abs(stance[d, side]))  # an all-one-sided year still has some error
                variance[d, side] = (1.0 - shrunk**2) * mass / (mass + prior) ** 2
        present = ~np.isnan(stance)
        kernel[~present] = 0.0
        offset[~present] = 0.0
        count = present.sum(axis=1)
        with np.errstate(invalid="ignore"):
            record = np.where(count > 0, np.nansum(stance, axis=1) / count, np.nan)
            # the variance of a mean of the observed directions
            error = np.sqrt(np.where(count > 0, np.nansum(variance, axis=1) / np.maximum(count, 1) ** 2, 0.0))
        error = np.nan_to_num(error) if evidence else np.zeros_like(error)
        return cls(dyads, years, record, error, kernel, offset, present)

    def record(self, paths: np.ndarray) -> np.ndarray:
        """What the estimator would report of directed paths (runs × dyads × 2 × years): runs × dyads × years.

        NaN where history has no record of the dyad that year.
        """
        per_direction = np.einsum("dstu,rdsu->rdst", self.kernel, paths) + self.offset[None]
        count = self.present.sum(axis=1)
        total = (per_direction * self.present[None]).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count[None] > 0, total / count[None], np.nan)


def _check_history_kept(rows, before, inside, mass, dyad: tuple[str, str]) -> None:
    """Refuse relations cut after a dyad's first evidence: the record's memory would start empty."""
    if before.any() or not inside.any():
        return
    first = int(np.flatnonzero(inside)[0])
    if mass[first] > float(rows["weight"].to_numpy()[first]) * (1 + 1e-6) + 1e-9:
        raise RealpolitikError(
            f"the relations of {dyad[0]}→{dyad[1]} start after its first evidence (cut with start=?): "
            "the observation model needs them from the dyad's first event"
        )


def observed_dyads(
    observed: Relations, codes: Sequence[str], window: tuple[int, int], *, min_events: float = 5.0
) -> tuple[tuple[str, str], ...]:
    """The dyads among ``codes`` with at least ``min_events`` events (both directions, by weight) in the window."""
    frame = observed.frame
    if "weight" not in frame:
        raise RealpolitikError("observed_dyads needs observed relations (with event counts)")
    year = frame["period"].astype(str).str[:4].astype(int)
    inside = frame[(year >= window[0]) & (year <= window[1]) & frame["src"].isin(codes) & frame["tgt"].isin(codes)]
    pair = [tuple(sorted(p)) for p in zip(inside["src"], inside["tgt"])]
    counts = inside.assign(pair=pair).groupby("pair")["weight"].sum()
    order = {c: k for k, c in enumerate(codes)}
    chosen = [p for p, n in counts.items() if n >= min_events]
    chosen = [tuple(sorted(p, key=order.__getitem__)) for p in chosen]
    return tuple(sorted(chosen, key=lambda p: (order[p[0]], order[p[1]])))


def record_correlation(observed: np.ndarray, predicted: np.ndarray) -> float:
    """Pearson correlation of a dyad's yearly series over the years history observed.

    NaN where fewer than three years are observed or either series is flat there (to within
    rounding), since a correlation is then undefined rather than zero.
    """
    ok = ~np.isnan(observed)
    o, p = observed[ok], predicted[ok]
    if ok.sum() < 3 or np.ptp(o) < 1e-12 or np.ptp(p) < 1e-12:
        return float("nan")
    return float(np.corrcoef(o, p)[0, 1])
