"""EventStore: events in DuckDB (in memory or one file), loaded atomically, queried and aggregated in SQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ._dates import date_window
from ._errors import DataError, RealpolitikError
from .actors import ActorRegistry
from .events import EVENT_COLUMNS, LoadResult
from .io.eventfile import read_events, read_frame
from .io.gdelt import read_gdelt
from .io.icews import read_icews
from .io.phoenix import read_phoenix
from .relations import FREQUENCIES, Relations, estimate_stance

__all__ = ["EventStore"]

#: Readers of the field's event datasets, by ``load(format=...)``.
_DATASET_READERS = {"gdelt": read_gdelt, "icews": read_icews, "phoenix": read_phoenix}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id    VARCHAR PRIMARY KEY,
    date_start  DATE NOT NULL,
    date_end    DATE NOT NULL,
    precision   VARCHAR NOT NULL,
    src         VARCHAR NOT NULL,
    tgt         VARCHAR NOT NULL,
    cameo       VARCHAR NOT NULL,
    quad        TINYINT NOT NULL,
    goldstein   DOUBLE NOT NULL,
    description VARCHAR,
    citation    VARCHAR,
    dataset     VARCHAR,
    "row"       BIGINT,
    CHECK (date_end >= date_start),
    CHECK (quad BETWEEN 1 AND 4),
    CHECK (goldstein BETWEEN -10 AND 10)
);
CREATE TABLE IF NOT EXISTS loads (
    source    VARCHAR NOT NULL,
    n_read    BIGINT NOT NULL,
    n_loaded  BIGINT NOT NULL,
    n_rejected BIGINT NOT NULL,
    loaded_at TIMESTAMP DEFAULT current_timestamp
);
"""

_COLUMN_LIST = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)

# Place each event on the periods its dates cover (see realpolitik.relations): a point
# event known only to a month or year is one event of uncertain date, spread over its
# interval by days; a span is an activity present throughout, weighing one event per year
# of its duration (one in all if shorter), spread by days. Events inside one period, the
# common case, skip the expansion.
_AGGREGATE_SQL = """
WITH base AS (
    SELECT src, tgt, quad, goldstein, date_start, date_end, precision = 'span' AS ongoing,
           date_trunc('{unit}', date_start)::DATE AS p0,
           date_trunc('{unit}', date_end)::DATE AS p1
    FROM events {where}
),
grid AS (
    SELECT g::DATE AS period_start, (g + INTERVAL {step})::DATE - 1 AS period_end
    FROM (SELECT unnest(generate_series(min(p0), max(p1), INTERVAL {step})) AS g FROM base WHERE p0 <> p1)
),
spread AS (
    SELECT p0 AS period_start, src, tgt, quad, goldstein, 1.0::DOUBLE AS share
    FROM base WHERE p0 = p1
    UNION ALL
    SELECT g.period_start, e.src, e.tgt, e.quad, e.goldstein,
           (least(e.date_end, g.period_end) - greatest(e.date_start, g.period_start) + 1)::DOUBLE
           / CASE WHEN e.ongoing THEN least(e.date_end - e.date_start + 1, 365.25)
                  ELSE e.date_end - e.date_start + 1 END
    FROM base e JOIN grid g ON g.period_start >= e.p0 AND g.period_start <= e.p1
    WHERE e.p0 <> e.p1
)
SELECT period_start, src, tgt,
       sum(goldstein * share) AS goldstein,
       sum(sign(goldstein) * share) AS net,
       sum(share) AS weight,
       count(*) AS n,
       {quad_columns}
FROM spread
GROUP BY period_start, src, tgt
ORDER BY src, tgt, period_start
"""

_QUAD_COLUMNS = ",\n       ".join(
    [f"count(*) FILTER (WHERE quad = {q}) AS n_q{q}" for q in range(1, 5)]
    + [f"coalesce(sum(goldstein * share) FILTER (WHERE quad = {q}), 0) AS goldstein_q{q}" for q in range(1, 5)]
)


class EventStore:
    """Events in an embedded DuckDB database: in memory by default, or in one file.

    Every load is one transaction: a load that fails leaves the store exactly as it was.
    """

    def __init__(self, path: str | Path | None = None, *, registry: ActorRegistry | None = None) -> None:
        self.path = None if path is None else Path(path)
        self._registry = registry
        try:
            self._con = duckdb.connect(":memory:" if path is None else str(path))
        except duckdb.Error as exc:
            raise RealpolitikError(f"cannot open event store {path}: {exc}") from None
        self._con.execute(_SCHEMA)

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- loading ---------------------------------------------------------------------
    def load(
        self,
        source: str | Path | pd.DataFrame,
        *,
        lenient: bool = False,
        bibliography: Iterable[str] | None = None,
        format: str = "events",
    ) -> LoadResult:
        """Validate and insert events from a file or a DataFrame of raw events.

        ``format`` is ``"events"`` (realpolitik's CSV/Parquet), ``"gdelt"`` (a GDELT 1.0
        export), ``"icews"`` (an ICEWS Dataverse ``.tab`` file) or ``"phoenix"`` (an OEDA
        Phoenix daily file). Strict by default (a bad row refuses the whole source); with
        ``lenient=True`` the valid rows go in and the result lists every refused row.
        """
        if format != "events" and format not in _DATASET_READERS:
            raise RealpolitikError(f"unknown event format '{format}': use 'events', 'gdelt', 'icews' or 'phoenix'")
        if isinstance(source, pd.DataFrame):
            result = read_frame(source, lenient=lenient, registry=self._registry, bibliography=bibliography)
        elif format in _DATASET_READERS:
            result = _DATASET_READERS[format](source, lenient=lenient, registry=self._registry)
        else:
            result = read_events(source, lenient=lenient, registry=self._registry, bibliography=bibliography)
        if lenient:
            result.reject_events(self._stored_ids(result.events["event_id"]), "event_id", "already in the store")
        self.insert(result.events, _result=result)
        return result

    def _stored_ids(self, ids: pd.Series) -> set[str]:
        self._con.register("_ids", pd.DataFrame({"event_id": ids.astype(str)}))
        try:
            found = self._con.execute("SELECT event_id FROM events JOIN _ids USING (event_id)").fetchall()
        finally:
            self._con.unregister("_ids")
        return {row[0] for row in found}

    def insert(self, events: pd.DataFrame, *, _result: LoadResult | None = None) -> int:
        """Insert an already validated event table (columns as ``EVENT_COLUMNS``) atomically."""
        missing = [c for c in EVENT_COLUMNS if c not in events.columns]
        if missing:
            raise DataError(f"event table lacks column(s) {', '.join(missing)}; validate it first")
        frame = events[EVENT_COLUMNS]
        source = _result.source if _result is not None else "<DataFrame>"
        con = self._con
        con.execute("BEGIN TRANSACTION")
        con.register("_incoming", frame)
        try:
            con.execute(f"INSERT INTO events ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM _incoming")
            read = _result.read if _result is not None else len(frame)
            rejected = _result.rejected if _result is not None else 0
            con.execute(
                "INSERT INTO loads (source, n_read, n_loaded, n_rejected) VALUES (?, ?, ?, ?)",
                [source, read, len(frame), rejected],
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise DataError(f"load refused, store unchanged: {_first_line(exc)}", file=source) from None
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("_incoming")
        return len(frame)

    # -- queries ---------------------------------------------------------------------
    def count(self) -> int:
        """How many events the store holds."""
        return int(self._con.execute("SELECT count(*) FROM events").fetchone()[0])

    def loads(self) -> pd.DataFrame:
        """The history of loads: source, rows read, loaded and rejected."""
        return self._con.execute("SELECT * FROM loads ORDER BY loaded_at").df()

    def sql(self, query: str, params: Sequence[object] | None = None) -> pd.DataFrame:
        """Run any SQL against the store (table ``events``) and return a DataFrame."""
        try:
            return self._con.execute(query, params or []).df()
        except duckdb.Error as exc:
            raise RealpolitikError(f"query failed: {_first_line(exc)}") from None

    def events(
        self,
        *,
        actors: Sequence[str] | None = None,
        start: date | str | int | None = None,
        end: date | str | int | None = None,
        cameo: Sequence[str] | None = None,
        quad: Sequence[int] | None = None,
    ) -> pd.DataFrame:
        """Events among ``actors`` (both ends in the set) overlapping ``start``..``end``.

        ``cameo`` keeps events whose code starts with any of the given prefixes (``"19"``
        for all uses of force); ``quad`` keeps the given quad classes.
        """
        where, params = _filters(actors, start, end)
        if cameo:
            where.append("(" + " OR ".join("starts_with(cameo, ?)" for _ in cameo) + ")")
            params.extend(str(c) for c in cameo)
        if quad:
            where.append(f"quad IN ({', '.join('?' for _ in quad)})")
            params.extend(int(q) for q in quad)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        frame = self._con.execute(
            f"SELECT {_COLUMN_LIST} FROM events {clause} ORDER BY date_start, event_id", params
        ).df()
        for c in ("date_start", "date_end"):
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[s]")
        return frame

    def aggregate(
        self,
        *,
        freq: str = "year",
        actors: Sequence[str] | None = None,
        start: date | str | int | None = None,
        end: date | str | int | None = None,
    ) -> pd.DataFrame:
        """Goldstein sums, net cooperation, event weights and counts by quad class per dyad and period."""
        if freq not in FREQUENCIES:
            raise RealpolitikError(f"unknown period '{freq}': use one of {', '.join(FREQUENCIES)}")
        unit, step = FREQUENCIES[freq].sql_unit, FREQUENCIES[freq].sql_step
        where, params = _filters(actors, start, end)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        query = _AGGREGATE_SQL.format(unit=unit, step=step, where=clause, quad_columns=_QUAD_COLUMNS)
        frame = self._con.execute(query, params).df()
        frame["period_start"] = pd.to_datetime(frame["period_start"]).astype("datetime64[s]")
        return frame

    def relations(
        self,
        *,
        freq: str = "year",
        actors: Sequence[str] | None = None,
        start: int | str | date | None = None,
        end: int | str | date | None = None,
        half_life: float = Relations.DEFAULT_HALF_LIFE,
        prior: float = Relations.DEFAULT_PRIOR,
        score: str = Relations.DEFAULT_SCORE,
    ) -> Relations:
        """Directed stance per period among ``actors``, estimated from all earlier events.

        The estimate uses every event up to ``end`` (earlier events warm it up); only
        periods from ``start`` are returned.
        """
        aggregates = self.aggregate(freq=freq, actors=actors, end=end)
        rel = estimate_stance(
            aggregates, freq=freq, half_life=half_life, prior=prior, score=score, start=start, end=end
        )
        return self._within_lifetimes(rel)

    def _within_lifetimes(self, rel: Relations) -> Relations:
        """Drop stances held by or toward a state after it ceased to exist (RVN after 1975)."""
        registry = self._registry or ActorRegistry.default()
        ends = {code: registry.actor(code).end for code in rel.actors() if code in registry}
        ended = {code: pd.Timestamp(day) for code, day in ends.items() if day is not None}
        if not ended:
            return rel
        f = rel.frame
        keep = pd.Series(True, index=f.index)
        for column in ("src", "tgt"):
            last = f[column].map(ended)
            keep &= last.isna() | (f["period_start"] <= last)
        return replace(rel, frame=f[keep].reset_index(drop=True))


def _as_date(value: date | str | int, *, end: bool) -> date:
    try:
        first, last = date_window(value)
    except ValueError as exc:
        raise RealpolitikError(str(exc)) from None
    return last if end else first


def _filters(
    actors: Sequence[str] | None, start: date | str | int | None, end: date | str | int | None
) -> tuple[list[str], list[object]]:
    where: list[str] = []
    params: list[object] = []
    if actors:
        marks = ", ".join("?" for _ in actors)
        where.append(f"src IN ({marks}) AND tgt IN ({marks})")
        params.extend(list(actors) + list(actors))
    if start is not None:
        where.append("date_end >= ?")
        params.append(_as_date(start, end=False))
    if end is not None:
        where.append("date_start <= ?")
        params.append(_as_date(end, end=True))
    return where, params


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0]
