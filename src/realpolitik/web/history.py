"""The history the page shows, computed once per app: events, relations, the triangle, balance.

Estimating relations and the triangle takes a second; every request then reads these
tables. Balance of a year is computed on its first request and kept: one entry per year
of the data at most (47 for the shipped 1945-1991).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .._errors import RealpolitikError
from ..actors import ActorRegistry
from ..cameo import QUAD_NAMES, lookup
from ..relations import Relations, relations
from ..report import CORE, CORE_DYADS, KEY_EVENTS
from ..structure.balance import triad_census
from ..structure.frustration import FrustrationResult, frustration_index
from ..structure.signed import SignedGraph
from ..structure.triangle import periodize, strategic_triangle
from .references import references_of

__all__ = ["BalanceResult", "CORE", "CORE_DYADS", "History", "PATTERN_LABELS"]

PATTERN_LABELS = {
    "menage_a_trois": "ménage à trois",
    "romantic_triangle": "romantic triangle",
    "stable_marriage": "stable marriage",
    "unit_veto": "unit veto",
    "undetermined": "undetermined",
}


@dataclass(frozen=True)
class BalanceResult:
    """One year's signed network with its triad census and exact frustration index."""

    year: int
    graph: SignedGraph
    census: dict[str, object]
    frustration: FrustrationResult


def _name(registry: ActorRegistry, code: str) -> str:
    try:
        return registry.actor(code).name
    except Exception:  # a user's file may use codes the registry lacks; the code is its own name
        return code


def _cameo_name(code: str) -> str:
    try:
        return lookup(code).name
    except Exception:
        return ""


def _none_if_nan(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


class History:
    """Events and everything measured on them, for the page's read-only endpoints.

    ``dead_band``/``hysteresis`` are the triangle's sign rule and ``threshold`` the band
    within which a dyad gets no edge in the balance network: the report's and the CLI's.
    """

    def __init__(
        self,
        events: pd.DataFrame,
        *,
        dead_band: float = 0.1,
        hysteresis: float = 0.05,
        threshold: float = 0.1,
    ) -> None:
        if events.empty:
            raise RealpolitikError("the event data is empty")
        self.events = events.sort_values(["date_start", "event_id"]).reset_index(drop=True)
        self.dead_band, self.hysteresis, self.threshold = dead_band, hysteresis, threshold
        self.first_year = int(self.events["date_start"].dt.year.min())
        self.last_year = int(self.events["date_end"].dt.year.max())
        self.relations: Relations = relations(self.events, freq="year", end=self.last_year)
        missing = [c for c in CORE if c not in self.relations.actors()]
        if missing:
            raise RealpolitikError(
                f"the page needs events among {', '.join(CORE)}; the data has none for {', '.join(missing)}"
            )
        self.symmetric = self.relations.symmetric()
        core_rows = self.relations.frame["src"].isin(CORE) & self.relations.frame["tgt"].isin(CORE)
        core = replace(self.relations, frame=self.relations.frame[core_rows].reset_index(drop=True))
        triangle = strategic_triangle(core, *CORE, dead_band=dead_band, hysteresis=hysteresis)
        triangle = triangle.assign(year=triangle["period_start"].dt.year.astype(int))
        observed = triangle[["stance_ab", "stance_ac", "stance_bc"]].notna().all(axis=1)
        if not observed.any():
            raise RealpolitikError(f"no year of the data has all three dyads of {', '.join(CORE)}")
        #: The triangle's years: from the first year all three core dyads are observed.
        self.start = int(triangle.loc[observed, "year"].min())
        self.end = int(triangle["year"].max())
        self.triangle = triangle[triangle["year"] >= self.start].reset_index(drop=True)
        self.periods = periodize(self.triangle)

        registry = ActorRegistry.default()
        codes = sorted(set(self.events["src"]) | set(self.events["tgt"]))
        counts = pd.concat([self.events["src"], self.events["tgt"]]).value_counts()
        self.actors = [
            {"code": c, "name": _name(registry, c), "events": int(counts.get(c, 0)), "core": c in CORE}
            for c in codes
        ]
        self.names = {a["code"]: a["name"] for a in self.actors}
        self._records = [self._record(e) for e in self.events.itertuples(index=False)]
        self._balance: dict[int, BalanceResult] = {}
        self._lock = threading.Lock()

    # -- events --------------------------------------------------------------------------

    @staticmethod
    def _record(e) -> dict[str, object]:
        return {
            "event_id": e.event_id,
            "date_start": e.date_start.date().isoformat(),
            "date_end": e.date_end.date().isoformat(),
            "precision": e.precision,
            "src": e.src,
            "tgt": e.tgt,
            "cameo": e.cameo,
            "cameo_name": _cameo_name(e.cameo),
            "quad": int(e.quad),
            "quad_name": QUAD_NAMES.get(int(e.quad), ""),
            "goldstein": float(e.goldstein),
            "description": e.description,
            "citation": e.citation,
            "references": references_of(e.citation),
        }

    def select_events(
        self,
        *,
        actors: list[str] | None = None,
        involving: bool = False,
        start: int | None = None,
        end: int | None = None,
        quad: list[int] | None = None,
    ) -> list[dict[str, object]]:
        """Events among ``actors`` (or involving any of them) overlapping the years, in the quad classes.

        The same rule as :meth:`realpolitik.EventStore.events`: an event counts for a year
        when its dates overlap that year.
        """
        ev = self.events
        keep = np.ones(len(ev), dtype=bool)
        if actors:
            src, tgt = ev["src"].isin(actors).to_numpy(), ev["tgt"].isin(actors).to_numpy()
            keep &= (src | tgt) if involving else (src & tgt)
        if start is not None:
            keep &= (ev["date_end"] >= pd.Timestamp(start, 1, 1)).to_numpy()
        if end is not None:
            keep &= (ev["date_start"] <= pd.Timestamp(end, 12, 31)).to_numpy()
        if quad:
            keep &= ev["quad"].isin(quad).to_numpy()
        return [self._records[i] for i in np.flatnonzero(keep)]

    def key_events(self) -> list[dict[str, object]]:
        """The events the report marks on its figure, with their short labels."""
        return [{**r, "label": KEY_EVENTS[r["event_id"]]} for r in self._records if r["event_id"] in KEY_EVENTS]

    # -- stances -------------------------------------------------------------------------

    def dyad_series(self, a: str, b: str, years: range) -> dict[str, list[float | None]]:
        """Undirected stance of a dyad per year (``stance``), and each direction (``ab``, ``ba``)."""
        lo, hi = sorted((a, b))
        rows = self.symmetric[(self.symmetric["a"] == lo) & (self.symmetric["b"] == hi)]
        rows = rows.set_index(rows["period_start"].dt.year)
        out: dict[str, list[float | None]] = {}
        for col in ("stance", "ab", "ba"):
            series = rows[col].reindex(list(years))
            out[col] = [_none_if_nan(v) for v in series.to_numpy(dtype=float)]
        return out

    # -- triangle ------------------------------------------------------------------------

    def triangle_row(self, year: int) -> pd.Series:
        """The triangle of one year (a row of :func:`strategic_triangle`)."""
        rows = self.triangle[self.triangle["year"] == year]
        if rows.empty:
            raise RealpolitikError(f"no triangle in {year}: the history's triangle spans {self.start}-{self.end}")
        return rows.iloc[0]

    # -- balance -------------------------------------------------------------------------

    def balance(self, year: int) -> BalanceResult:
        """The signed network of every observed dyad in ``year``: triad census, exact frustration."""
        with self._lock:
            cached = self._balance.get(year)
        if cached is not None:
            return cached
        graph = SignedGraph.from_relations(self.relations, str(year), threshold=self.threshold)
        result = BalanceResult(year, graph, triad_census(graph).as_dict(), frustration_index(graph))
        with self._lock:
            self._balance[year] = result
        return result
