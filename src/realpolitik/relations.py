"""Relations, the shared currency: a directed stance in [-1, 1] per dyad and period.

Observed relations come from events; simulated ones come from the model; every measure
of structure takes this one table.

The stance estimator
--------------------
Events are sparse, so a quiet year must not read as a neutral one. Each event gets a
score x_e in [-1, 1] and a share of each period its dates cover. For each directed dyad
the estimator keeps two exponentially decaying sums over periods t:

    A_t = λ A_{t-1} + Σ_e share_e,t · x_e      (evidence)
    B_t = λ B_{t-1} + Σ_e share_e,t            (how much evidence there is)

with λ = 0.5 ** (period length / half-life). The stance is the evidence-weighted mean
score shrunk toward neutral by a prior worth ``prior`` events:

    stance_t = A_t / (B_t + prior),   confidence_t = B_t / (B_t + prior).

In a quiet period both sums decay together: the last known relation carries forward, and
only as the evidence fades over several half-lives does the stance drift back toward 0
while ``confidence`` falls. Rows start at a dyad's first event: before any evidence there
is no stance to report.

The event score (``score=``):

* ``"net"`` (default) — net cooperation: +1 for a cooperative event, −1 for a conflictual
  one, 0 for a neutral one (the sign of its Goldstein weight), so the stance is the
  balance of cooperation over conflict. Suited to curated data, where one row stands for
  a whole episode (a year of polemics, a round of talks): on the Goldstein scale one
  round of deadlocked talks (+7) would outweigh three and a half public denunciations
  (−2 each), which misreads a year like 1963 in Sino-Soviet relations.
* ``"goldstein"`` — the Goldstein weight ÷ 10, the classic intensity-weighted mean. Suited
  to machine-coded news data (GDELT, ICEWS), where volume already carries intensity.

Placement (``share`` of an event in a period). A point event known only to a month or a
year is one event of uncertain date: it is spread over its interval by days, so a
year-precision event weighs a quarter in each quarter of its year and its whole weight in
its year. A span (``precision="span"``) is an activity present throughout, such as aid
over 1953–1957 or a war: it weighs one event per year of its duration (one in all when
shorter than a year), spread over the periods it covers by days — one event in each year
of 1953–1957, a twelfth in each of its months. Either way an event's weight in a year is
the same whatever the period length, so yearly, quarterly and monthly relations agree.
``n`` counts the events touching a period;
``goldstein`` is the share-weighted sum of their Goldstein weights and ``net`` the
share-weighted count of cooperative minus conflictual events.

References
----------
Goldstein, J. S. (1992). A Conflict-Cooperation Scale for WEIS Events Data. *Journal of
Conflict Resolution* 36(2), 369-385.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._dates import date_window
from ._errors import RealpolitikError

__all__ = ["FREQUENCIES", "RELATION_COLUMNS", "SCORES", "Relations", "estimate_stance", "relations"]

class Frequency(NamedTuple):
    """How one period length is named in DuckDB and pandas, and how long it is."""

    sql_unit: str
    sql_step: str
    pandas: str
    years: float


#: The period lengths relations can be estimated on.
FREQUENCIES: dict[str, Frequency] = {
    "year": Frequency("year", "1 YEAR", "Y", 1.0),
    "quarter": Frequency("quarter", "3 MONTH", "Q", 0.25),
    "month": Frequency("month", "1 MONTH", "M", 1.0 / 12.0),
}
#: Event scores the stance estimator can use (see the module docstring).
SCORES = ("net", "goldstein")

RELATION_COLUMNS = [
    "period",
    "period_start",
    "src",
    "tgt",
    "stance",
    "confidence",
    "goldstein",
    "net",
    "weight",
    "n",
    *[f"n_q{q}" for q in range(1, 5)],
    *[f"goldstein_q{q}" for q in range(1, 5)],
]


#: The evidence columns: aggregates summed onto the period grid.
_SUMMED = RELATION_COLUMNS[RELATION_COLUMNS.index("goldstein") :]


@dataclass(frozen=True)
class Relations:
    """A tidy table of directed stances: one row per (period, src, tgt).

    ``frame`` holds at least ``period``, ``period_start``, ``src``, ``tgt`` and ``stance``;
    observed relations add the evidence columns of ``RELATION_COLUMNS``.
    """

    frame: pd.DataFrame
    freq: str = "year"
    half_life: float | None = None
    prior: float | None = None

    score: str | None = None

    DEFAULT_HALF_LIFE = 1.0  # years
    DEFAULT_PRIOR = 1.0  # event-equivalents of neutral evidence
    DEFAULT_SCORE = "net"

    def to_pandas(self) -> pd.DataFrame:
        """A copy of the table."""
        return self.frame.copy()

    def __len__(self) -> int:
        return len(self.frame)

    def actors(self) -> list[str]:
        """Every actor that appears as source or target."""
        return sorted(set(self.frame["src"]) | set(self.frame["tgt"]))

    def dyad(self, src: str, tgt: str) -> pd.DataFrame:
        """The rows of one directed dyad, in time order."""
        f = self.frame
        return f[(f["src"] == src) & (f["tgt"] == tgt)].sort_values("period_start").reset_index(drop=True)

    def symmetric(self) -> pd.DataFrame:
        """Undirected stance per period: the mean of the two directions (or the one observed).

        Columns ``period``, ``period_start``, ``a``, ``b`` (a < b), ``stance``, ``ab``, ``ba``.
        """
        f = self.frame[["period", "period_start", "src", "tgt", "stance"]]
        a = np.where(f["src"] < f["tgt"], f["src"], f["tgt"])
        b = np.where(f["src"] < f["tgt"], f["tgt"], f["src"])
        keyed = f.assign(a=a, b=b, direction=np.where(f["src"] == a, "ab", "ba"))
        wide = keyed.pivot_table(
            index=["period", "period_start", "a", "b"], columns="direction", values="stance", aggfunc="first"
        ).reset_index()
        for col in ("ab", "ba"):
            if col not in wide:
                wide[col] = np.nan
        wide["stance"] = wide[["ab", "ba"]].mean(axis=1)
        wide.columns.name = None
        return wide[["period", "period_start", "a", "b", "stance", "ab", "ba"]].sort_values(
            ["a", "b", "period_start"]
        ).reset_index(drop=True)

    def matrix(self, period: str) -> pd.DataFrame:
        """The stance matrix of one period (rows: src, columns: tgt; NaN where unobserved)."""
        f = self.frame[self.frame["period"] == str(period)]
        if f.empty:
            raise RealpolitikError(f"no relations in period '{period}'")
        return f.pivot(index="src", columns="tgt", values="stance")


def _period_grid(first: pd.Timestamp, last: pd.Timestamp, freq: str) -> pd.PeriodIndex:
    code = FREQUENCIES[freq].pandas
    return pd.period_range(pd.Period(first, freq=code), pd.Period(last, freq=code), freq=code)


def _bound(value: int | str | date | None, freq: str, *, end: bool) -> pd.Period | None:
    if value is None:
        return None
    try:
        first, last = date_window(value)
    except ValueError as exc:
        raise RealpolitikError(str(exc)) from None
    return pd.Period(pd.Timestamp(last if end else first), freq=FREQUENCIES[freq].pandas)


def estimate_stance(
    aggregates: pd.DataFrame,
    *,
    freq: str = "year",
    half_life: float = Relations.DEFAULT_HALF_LIFE,
    prior: float = Relations.DEFAULT_PRIOR,
    score: str = Relations.DEFAULT_SCORE,
    start: int | str | date | None = None,
    end: int | str | date | None = None,
) -> Relations:
    """Turn per-period event aggregates into a continuous stance (see the module docstring).

    ``aggregates`` has one row per (period_start, src, tgt) with ``goldstein`` and ``net``
    (share-weighted sums), ``weight`` (sum of shares), ``n`` and the per-quad columns, as
    :meth:`EventStore.aggregate` returns.
    """
    if freq not in FREQUENCIES:
        raise RealpolitikError(f"unknown period '{freq}': use one of {', '.join(FREQUENCIES)}")
    if not half_life > 0:
        raise RealpolitikError("half_life must be positive (years)")
    if not prior >= 0:
        raise RealpolitikError("prior must be zero or positive")
    if score not in SCORES:
        raise RealpolitikError(f"unknown score '{score}': use one of {', '.join(SCORES)}")
    if aggregates.empty:
        return Relations(pd.DataFrame(columns=RELATION_COLUMNS), freq, half_life, prior, score)

    code = FREQUENCIES[freq].pandas
    last_bound = _bound(end, freq, end=True)
    periods = aggregates["period_start"].dt.to_period(code)
    last = periods.max() if last_bound is None else last_bound
    grid = _period_grid(periods.min().start_time, last.start_time, freq)
    keep = periods <= last
    agg = aggregates[keep.to_numpy()]
    periods = periods[keep.to_numpy()]
    if agg.empty:
        return Relations(pd.DataFrame(columns=RELATION_COLUMNS), freq, half_life, prior, score)

    dyads = agg[["src", "tgt"]].drop_duplicates().sort_values(["src", "tgt"]).reset_index(drop=True)
    dyad_index = pd.MultiIndex.from_frame(dyads)
    d = dyad_index.get_indexer(pd.MultiIndex.from_frame(agg[["src", "tgt"]]))
    t = grid.get_indexer(periods)
    shape = (len(dyads), len(grid))
    sums = {}
    for col in _SUMMED:
        arr = np.zeros(shape)
        np.add.at(arr, (d, t), agg[col].to_numpy(dtype=float))
        sums[col] = arr

    evidence_in = sums["net"] if score == "net" else sums["goldstein"] / 10.0
    decay = 0.5 ** (FREQUENCIES[freq].years / half_life)
    evidence = np.zeros(shape)
    mass = np.zeros(shape)
    a = np.zeros(len(dyads))
    b = np.zeros(len(dyads))
    for k in range(len(grid)):
        a = decay * a + evidence_in[:, k]
        b = decay * b + sums["weight"][:, k]
        evidence[:, k] = a
        mass[:, k] = b
    stance = evidence / (mass + prior) if prior > 0 else np.divide(evidence, mass, out=np.zeros(shape), where=mass > 0)
    confidence = mass / (mass + prior) if prior > 0 else (mass > 0).astype(float)

    first_seen = np.argmax(sums["weight"] > 0, axis=1)
    started = np.arange(len(grid))[None, :] >= first_seen[:, None]
    rows, cols = np.nonzero(started)
    frame = pd.DataFrame(
        {
            "period": grid[cols].astype(str),
            "period_start": grid[cols].start_time.astype("datetime64[s]"),
            "src": dyads["src"].to_numpy()[rows],
            "tgt": dyads["tgt"].to_numpy()[rows],
            "stance": np.clip(stance[rows, cols], -1.0, 1.0),
            "confidence": confidence[rows, cols],
            "goldstein": sums["goldstein"][rows, cols],
            "net": sums["net"][rows, cols],
            "weight": sums["weight"][rows, cols],
            "n": sums["n"][rows, cols].astype("int64"),
            **{f"n_q{q}": sums[f"n_q{q}"][rows, cols].astype("int64") for q in range(1, 5)},
            **{f"goldstein_q{q}": sums[f"goldstein_q{q}"][rows, cols] for q in range(1, 5)},
        }
    )
    first_bound = _bound(start, freq, end=False)
    if first_bound is not None:
        frame = frame[frame["period_start"] >= first_bound.start_time]
    frame = frame.sort_values(["period_start", "src", "tgt"]).reset_index(drop=True)
    return Relations(frame[RELATION_COLUMNS], freq, half_life, prior, score)


def relations(
    events: pd.DataFrame,
    *,
    freq: str = "year",
    actors: Sequence[str] | None = None,
    start: int | str | date | None = None,
    end: int | str | date | None = None,
    half_life: float = Relations.DEFAULT_HALF_LIFE,
    prior: float = Relations.DEFAULT_PRIOR,
    score: str = Relations.DEFAULT_SCORE,
) -> Relations:
    """Relations from a validated event table (e.g. ``realpolitik.datasets.cold_war_triangle()``)."""
    from .store import EventStore

    with EventStore() as store:
        store.insert(events)
        return store.relations(
            freq=freq, actors=actors, start=start, end=end, half_life=half_life, prior=prior, score=score
        )
