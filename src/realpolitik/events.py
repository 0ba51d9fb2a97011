"""The event schema: parse and validate event tables row by row, accounting for every row.

An event is who did what to whom, and when: dates known to a stated precision, source and
target actors, a CAMEO code with its quad class and Goldstein weight, a description, a
citation and its provenance (dataset and row). Every row read is either loaded or
rejected with a reason that names its line and field; nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import cameo
from ._dates import parse_partial_date
from ._errors import DataError, RealpolitikError
from .actors import ActorRegistry
from .citations import CITATION_KEY

__all__ = [
    "EVENT_COLUMNS",
    "INPUT_COLUMNS",
    "PRECISIONS",
    "LoadResult",
    "empty_events",
    "parse_partial_date",
    "validate_records",
]

PRECISIONS = ("day", "month", "year", "span")

#: Columns of a validated event table, in order.
EVENT_COLUMNS = [
    "event_id",
    "date_start",
    "date_end",
    "precision",
    "src",
    "tgt",
    "cameo",
    "quad",
    "goldstein",
    "description",
    "citation",
    "dataset",
    "row",
]

#: Columns an input file may have: the event columns less the provenance, which loading adds.
INPUT_COLUMNS = tuple(c for c in EVENT_COLUMNS if c not in ("dataset", "row"))
#: Columns an input file must have.
REQUIRED_COLUMNS = ("date_start", "src", "tgt", "cameo")

#: Key a reader sets in a record whose field count disagrees with the header.
COLUMN_COUNT_KEY = "__columns__"
#: Key a reader sets in a record it could not parse at all (e.g. a broken quote).
MALFORMED_KEY = "__malformed__"


@dataclass(frozen=True)
class Rejection:
    """Why one input row was refused."""

    line: int
    field: str
    value: str
    reason: str


@dataclass
class LoadResult:
    """The outcome of reading one source: the valid events and every refused row."""

    source: str
    events: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)
    rejected_rows: list[dict[str, str]] = field(default_factory=list)
    line_unit: str = "line"
    read: int = 0
    """Rows read from the source (header and blank lines excluded), counted as they came."""

    @property
    def loaded(self) -> int:
        return len(self.events)

    @property
    def rejected(self) -> int:
        return len({r.line for r in self.rejections})

    def summary(self) -> str:
        """One line that accounts for every row: read = loaded + rejected."""
        return f"{self.source}: read {self.read} = loaded {self.loaded} + rejected {self.rejected}"

    def reject_events(self, event_ids: set[str], field_name: str, reason: str) -> None:
        """Move loaded events with these ids to the refused rows (e.g. already stored)."""
        if not event_ids:
            return
        refused = self.events["event_id"].isin(event_ids)
        for ev in self.events[refused].to_dict("records"):
            line = int(ev["row"])
            self.rejections.append(Rejection(line, field_name, str(ev["event_id"]), reason))
            raw = {k: _as_raw(v) for k, v in ev.items() if k in INPUT_COLUMNS}
            self.rejected_rows.append({"_line": str(line), **raw})
        self.events = self.events[~refused].reset_index(drop=True)

    def raise_first(self) -> None:
        """Raise the first rejection as a DataError (strict loading)."""
        if not self.rejections:
            return
        first = self.rejections[0]
        more = len(self.rejections) - 1
        reason = first.reason
        if more:
            reason += f" (and {more} more problem{'s' if more > 1 else ''}; a lenient load lists them all)"
        raise DataError(
            reason,
            file=self.source,
            line=first.line,
            field=first.field,
            value=first.value,
            unit=self.line_unit,
        )

    def rejections_frame(self) -> pd.DataFrame:
        """The refused rows as they were read, each with its line, field and reason."""
        reasons: dict[int, list[Rejection]] = {}
        for r in self.rejections:
            reasons.setdefault(r.line, []).append(r)
        rows = []
        for raw in self.rejected_rows:
            line = int(raw["_line"])
            found = reasons.get(line, [])
            rows.append(
                {
                    **raw,
                    "_field": "; ".join(r.field for r in found),
                    "_reason": "; ".join(r.reason for r in found),
                }
            )
        columns = ["_line", "_field", "_reason"] + [c for c in INPUT_COLUMNS]
        frame = pd.DataFrame(rows)
        for c in columns:
            if c not in frame:
                frame[c] = ""
        extra = [c for c in frame.columns if c not in columns]
        return frame[columns + extra]


def _as_raw(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return "" if _blank(value) else str(value)


def empty_events() -> pd.DataFrame:
    """An event table with no rows and the right columns and types."""
    return _typed(pd.DataFrame({c: [] for c in EVENT_COLUMNS}))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[EVENT_COLUMNS].copy()
    for c in ("event_id", "precision", "src", "tgt", "cameo", "description", "citation", "dataset"):
        out[c] = out[c].astype("object")
    out["date_start"] = pd.to_datetime(out["date_start"]).astype("datetime64[s]")
    out["date_end"] = pd.to_datetime(out["date_end"]).astype("datetime64[s]")
    out["quad"] = out["quad"].astype("int8")
    out["goldstein"] = out["goldstein"].astype("float64")
    out["row"] = out["row"].astype("int64")
    return out.reset_index(drop=True)


class _RowError(Exception):
    def __init__(self, field_name: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.value = value
        self.reason = reason


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def _text(record: dict[str, object], name: str) -> str:
    value = record.get(name)
    return "" if _blank(value) else str(value).strip()


def _dates(record: dict[str, object]) -> tuple[date, date, str]:
    start_text = _text(record, "date_start")
    if not start_text:
        raise _RowError("date_start", start_text, "a start date is required")
    try:
        start = parse_partial_date(start_text)
    except ValueError as exc:
        raise _RowError("date_start", start_text, str(exc)) from None
    end_text = _text(record, "date_end")
    end = start
    if end_text:
        try:
            end = parse_partial_date(end_text)
        except ValueError as exc:
            raise _RowError("date_end", end_text, str(exc)) from None
        if end.last < start.first:
            raise _RowError("date_end", end_text, f"ends before it starts ({start_text})")
    spans = (end.first, end.last) != (start.first, start.last)
    inferred = "span" if spans else start.precision
    given = _text(record, "precision").lower()
    if given:
        if given not in PRECISIONS:
            raise _RowError("precision", given, f"must be one of {', '.join(PRECISIONS)}")
        if given != inferred:
            raise _RowError(
                "precision",
                given,
                f"disagrees with the dates ({start_text}"
                + (f" to {end_text}" if end_text else "")
                + f" mean '{inferred}')",
            )
    return start.first, end.last, inferred


def _actor(record: dict[str, object], name: str, when: str, registry: ActorRegistry) -> str:
    value = _text(record, name)
    if not value:
        raise _RowError(name, value, "an actor is required")
    try:
        code = value.upper()
        if code in registry and registry.is_valid(code, when):
            return code  # a canonical code of a state that existed then means itself
        return registry.resolve(value, date=when)  # otherwise an alias: RUS in 1982 is the USSR
    except RealpolitikError as exc:
        raise _RowError(name, value, str(exc)) from None


def _cameo(record: dict[str, object]) -> tuple[str, int, float]:
    value = _text(record, "cameo")
    if not value:
        raise _RowError("cameo", value, "a CAMEO code is required")
    try:
        entry = cameo.lookup(value)
    except RealpolitikError as exc:
        raise _RowError("cameo", value, str(exc)) from None
    quad_text = _text(record, "quad")
    if quad_text:
        if quad_text not in ("1", "2", "3", "4", "1.0", "2.0", "3.0", "4.0"):
            raise _RowError("quad", quad_text, "must be a whole number 1-4")
        quad = int(float(quad_text))
        if quad != entry.quad:
            raise _RowError("quad", quad_text, f"CAMEO {entry.code} is quad class {entry.quad}")
    g_text = _text(record, "goldstein")
    weight = entry.goldstein
    if g_text:
        try:
            weight = float(g_text)
        except ValueError:
            raise _RowError("goldstein", g_text, "must be a number in [-10, 10]") from None
        if not -10.0 <= weight <= 10.0 or weight != weight:
            raise _RowError("goldstein", g_text, "must be a number in [-10, 10]")
    return entry.code, entry.quad, weight


def _citation(record: dict[str, object], bibliography: frozenset[str] | None) -> str:
    value = _text(record, "citation")
    if bibliography is None:
        return value
    if not value:
        raise _RowError("citation", value, "every curated event must cite a published work")
    for part in value.split(";"):
        match = CITATION_KEY.match(part)
        if not match or match.group(1) not in bibliography:
            key = match.group(1) if match else part.strip()
            raise _RowError("citation", value, f"'{key}' is not a key of the bibliography")
    return value


def validate_records(
    records: Iterable[tuple[int, dict[str, object]]],
    *,
    source: str,
    registry: ActorRegistry | None = None,
    bibliography: Iterable[str] | None = None,
    line_unit: str = "line",
) -> LoadResult:
    """Validate ``(line, record)`` pairs into an event table, keeping every refusal.

    Parameters
    ----------
    records
        Pairs of the line (or row) number in the source and a mapping of column to raw text.
    source
        The file or dataset name, used in error messages and as provenance.
    registry
        Actor registry for resolving names; the shipped one by default.
    bibliography
        If given, every row must cite at least one of these BibTeX keys (curated data).
    """
    registry = registry or ActorRegistry.default()
    bib = frozenset(bibliography) if bibliography is not None else None
    dataset = Path(source).name if source else "events"
    good: list[dict[str, object]] = []
    rejections: list[Rejection] = []
    rejected_rows: list[dict[str, str]] = []
    seen_ids: dict[str, int] = {}
    read = 0
    for line, record in records:
        read += 1
        problems = _structural_problems(line, record)
        row: dict[str, object] = {}
        checks = () if problems else (_check_dates_actors, _check_code, _check_citation)
        for check in checks:
            try:
                check(record, row, registry, bib)
            except _RowError as exc:
                problems.append(Rejection(line, exc.field, exc.value, exc.reason))
        event_id = _text(record, "event_id") or _default_id(dataset, line, record)
        if event_id in seen_ids:
            problems.append(
                Rejection(line, "event_id", event_id, f"duplicate of line {seen_ids[event_id]}")
            )
        if problems:
            rejections.extend(problems)
            raw = {
                k: ("" if _blank(v) else str(v).encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
                for k, v in record.items()
                if k not in (COLUMN_COUNT_KEY, MALFORMED_KEY)
            }
            rejected_rows.append({"_line": str(line), **raw})
            continue
        seen_ids[event_id] = line
        row.update(
            event_id=event_id,
            description=_text(record, "description"),
            dataset=dataset,
            row=line,
        )
        good.append(row)
    frame = _typed(pd.DataFrame(good, columns=EVENT_COLUMNS)) if good else empty_events()
    return LoadResult(source, frame, rejections, rejected_rows, line_unit, read)


def _default_id(dataset: str, line: int, record: dict[str, object]) -> str:
    """An id for a row without one: where it came from, and a digest of what it says."""
    content = "\x1f".join(f"{k}={v}" for k, v in sorted(record.items()) if not _blank(v))
    digest = hashlib.sha1(content.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"{dataset}:{line}:{digest}"


def _structural_problems(line: int, record: dict[str, object]) -> list[Rejection]:
    """A row whose shape or bytes are wrong is refused before its values are read."""
    if MALFORMED_KEY in record:
        return [Rejection(line, "row", str(record.get("raw", "")), str(record[MALFORMED_KEY]))]
    if COLUMN_COUNT_KEY in record:
        count = sum(1 for k in record if k != COLUMN_COUNT_KEY)
        return [Rejection(line, "columns", str(count), str(record[COLUMN_COUNT_KEY]))]
    return [
        Rejection(line, name, repr(value), "is not valid UTF-8")
        for name, value in record.items()
        if isinstance(value, str) and has_undecodable_bytes(value)
    ]


def has_undecodable_bytes(text: str) -> bool:
    """Whether text decoded with ``surrogateescape`` held bytes that are not UTF-8."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _check_dates_actors(
    record: dict[str, object], row: dict[str, object], registry: ActorRegistry, bib: frozenset[str] | None
) -> None:
    start, end, precision = _dates(record)
    row.update(date_start=start, date_end=end, precision=precision)
    when = _text(record, "date_start")  # as written: a year-precision date means the whole year
    src = _actor(record, "src", when, registry)
    tgt = _actor(record, "tgt", when, registry)
    if src == tgt:
        raise _RowError("tgt", _text(record, "tgt"), f"source and target are the same actor ({src})")
    row.update(src=src, tgt=tgt)


def _check_code(
    record: dict[str, object], row: dict[str, object], registry: ActorRegistry, bib: frozenset[str] | None
) -> None:
    code, quad, weight = _cameo(record)
    row.update(cameo=code, quad=quad, goldstein=weight)


def _check_citation(
    record: dict[str, object], row: dict[str, object], registry: ActorRegistry, bib: frozenset[str] | None
) -> None:
    row.update(citation=_citation(record, bib))
