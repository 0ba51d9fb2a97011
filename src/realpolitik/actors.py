"""The actor registry: codes, names and aliases of states, resolved by date.

Two tables, shipped as package data, define the registry:

``data/actors.csv``
    One row per actor per validity period: ``code, name, kind, cow_ccode,
    cow_abb, iso3, start, end``.  ``kind`` is ``state`` or ``igo``; dates are
    ISO ``YYYY-MM-DD`` and a blank ``end`` means the actor still exists.  An
    actor may have several contiguous rows (the Republic of China is COW 710
    until 1949-12-07 and COW 713 from 1949-12-08), but the rows of one code
    never overlap.  Start dates are the independence or formation date where
    it is well known (USA 1776-07-04, GBR 1801-01-01, ...) and otherwise the
    Correlates of War system-entry date (FRA 1816-01-01, JPN 1860-01-01,
    THA 1887-01-01).  Periods when COW drops a state from the system
    (occupations: JPN 1945-1952, POL and CZE during the Second World War,
    ...) are not modelled: an actor exists from its start to its end.

``data/aliases.csv``
    The names people use for an actor: ``alias, code, start, end, note``.
    Official and short names, demonyms, capitals and seats of government,
    ruling parties, leaders for exactly their time in power.  A blank
    ``start``/``end`` means "from the actor's start"/"until the actor's end".
    Where only the year of a boundary is known the date is the year's first or
    last day and the ``note`` says so.

Names are matched after normalisation: case, accents, punctuation
(apostrophes, periods, hyphens), whitespace and a leading "the" are
ignored, so "the Kremlin", "KREMLIN" and "Kremlin" are one name, and so are
"Kim Il-sung" and "Kim Il Sung".  Every code resolves to itself and every
actor's name to that actor over the actor's periods, unless the alias table
lists that name itself (then the table governs).

Dates may be given as :class:`datetime.date`/:class:`datetime.datetime`,
:class:`pandas.Timestamp` or an ISO string.  A string of year (``"1958"``)
or month (``"1969-03"``) precision stands for the whole period it names: a
name resolves if exactly one actor answers to it at some point in that
period.

>>> from realpolitik.actors import resolve
>>> resolve("Russia", date="1960-01-01")
'USSR'
>>> resolve("Russia", date="1995-01-01")
'RUS'
>>> resolve("the Kremlin", date="1962-10-22")
'USSR'
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import operator
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from realpolitik._dates import parse_partial_date
from realpolitik._errors import DataError, UnknownActorError

__all__ = [
    "ACTOR_COLUMNS",
    "ALIAS_COLUMNS",
    "Actor",
    "ActorRegistry",
    "get_registry",
    "normalize_name",
    "resolve",
]

ACTOR_COLUMNS: tuple[str, ...] = ("code", "name", "kind", "cow_ccode", "cow_abb", "iso3", "start", "end")
"""Columns of ``actors.csv`` (and of a DataFrame given to :class:`ActorRegistry`)."""

ALIAS_COLUMNS: tuple[str, ...] = ("alias", "code", "start", "end", "note")
"""Columns of ``aliases.csv`` (``note`` is optional in a DataFrame)."""

KINDS: frozenset[str] = frozenset({"state", "igo"})
"""Allowed values of the ``kind`` column."""

DateLike = _dt.date | str | pd.Timestamp | np.datetime64

_MAX_SUGGESTIONS = 5
_MAX_SHOWN_NAME = 80  # characters of an unknown name repeated in an error message
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Actor:
    """One validity period of an actor, as in one row of ``actors.csv``."""

    code: str
    name: str
    kind: str
    cow_ccode: int | None
    cow_abb: str | None
    iso3: str | None
    start: _dt.date
    end: _dt.date | None

    def is_valid(self, date: _dt.date) -> bool:
        """Whether this period includes ``date``."""
        return self.start <= date and (self.end is None or date <= self.end)


class _Entry(NamedTuple):
    """One alias period of the lookup index."""

    alias: str
    code: str
    start: _dt.date
    end: _dt.date | None
    note: str


# ----------------------------------------------------------------------- normalising

# Letters that NFKD does not split into a base letter and a combining mark.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "þ": "th",
    }
)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_/]+")
# Punctuation goes; lone surrogates (undecodable bytes) stay, so that garbled text matches no name.
_NOT_WORD = re.compile("[^\\w \ud800-\udfff]+")


def normalize_name(name: str) -> str:
    """The comparable form of a name: lower case, no accents or punctuation, single spaces, no leading "the".

    >>> normalize_name("  The  U.S.S.R. ")
    'ussr'
    >>> normalize_name("Kim Il-sung")
    'kim il sung'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_FOLD)
    text = _SEPARATORS.sub(" ", text)
    text = _NOT_WORD.sub("", text)
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


def _key(name: str) -> str:
    """The lookup key: the normalised name without spaces ("Kim Il Sung" == "Kim Il-sung" == "Kimilsung")."""
    return normalize_name(name).replace(" ", "")


# ---------------------------------------------------------------------------- dates


def _to_window(date: Any) -> tuple[_dt.date, _dt.date]:
    """The first and last day that ``date`` stands for (one day, or a month or year for partial ISO strings)."""
    if date is pd.NaT:
        raise DataError("date is NaT; pass None for no date")
    if isinstance(date, np.datetime64):
        if np.isnat(date):
            raise DataError("date is NaT; pass None for no date")
        date = pd.Timestamp(date)
    if isinstance(date, pd.Timestamp):
        day = date.date()
        return day, day
    if isinstance(date, _dt.datetime):
        return date.date(), date.date()
    if isinstance(date, _dt.date):
        return date, date
    if isinstance(date, str):
        try:
            partial = parse_partial_date(date)
        except ValueError:
            raise DataError(f"invalid date {date!r}: expected YYYY-MM-DD, YYYY-MM or YYYY") from None
        return partial.first, partial.last
    raise TypeError(f"date must be a date, datetime, Timestamp, ISO string or None, not {type(date).__name__}")


def _describe_window(lo: _dt.date, hi: _dt.date) -> str:
    return lo.isoformat() if lo == hi else f"{lo.isoformat()} to {hi.isoformat()}"


def _describe_period(start: _dt.date, end: _dt.date | None) -> str:
    if end is None:
        return f"from {start.isoformat()}"
    return f"{start.isoformat()} to {end.isoformat()}"


def _overlaps(start: _dt.date, end: _dt.date | None, lo: _dt.date, hi: _dt.date) -> bool:
    return start <= hi and (end is None or lo <= end)


def _merge_periods(periods: Iterable[tuple[_dt.date, _dt.date | None]]) -> list[tuple[_dt.date, _dt.date | None]]:
    """Union of periods, merging overlapping and adjacent ones, sorted by start."""
    merged: list[tuple[_dt.date, _dt.date | None]] = []
    for start, end in sorted(periods, key=lambda p: p[0]):
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or start <= last_end + _dt.timedelta(days=1):
                new_end = None if last_end is None or end is None else max(last_end, end)
                merged[-1] = (last_start, new_end)
                continue
        merged.append((start, end))
    return merged


def _describe_periods(periods: Iterable[tuple[_dt.date, _dt.date | None]]) -> str:
    return ", ".join(_describe_period(s, e) for s, e in _merge_periods(periods))


# --------------------------------------------------------------------------- parsing


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str | None:
    return None if _blank(value) else str(value).strip()


def _parse_date(value: Any, *, where: dict[str, Any], field: str) -> _dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value).strip()
    m = _ISO_DAY.match(text)
    if m:
        try:
            return _dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise DataError("expected a date YYYY-MM-DD", field=field, value=value, **where)


def _where(source: str | None, index: int, from_file: bool) -> dict[str, Any]:
    """Location arguments for DataError: the file line for CSVs, the row number otherwise."""
    if from_file:
        return {"file": source, "line": index + 2}  # +1 for the header, +1 for counting from 1
    return {"file": source, "line": None}


def _check_columns(frame: pd.DataFrame, required: Sequence[str], what: str, source: str | None) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(
            f"{what} table lacks column(s) {', '.join(missing)}; expected {', '.join(required)}",
            file=source,
        )


def _parse_actors(frame: pd.DataFrame, source: str | None, from_file: bool) -> list[Actor]:
    _check_columns(frame, ACTOR_COLUMNS, "actors", source)
    actors: list[Actor] = []
    for i, row in enumerate(frame.loc[:, list(ACTOR_COLUMNS)].to_dict("records")):
        where = _where(source, i, from_file)
        row_label = "" if from_file else f"row {i}: "
        code = _text(row["code"])
        if code is None:
            raise DataError(f"{row_label}actor without a code", field="code", **where)
        if code != code.upper() or _key(code) == "" or " " in code:
            raise DataError(f"{row_label}codes are upper case without spaces", field="code", value=code, **where)
        name = _text(row["name"])
        if name is None or _key(name) == "":
            raise DataError(f"{row_label}actor {code} has no name", field="name", **where)
        kind = _text(row["kind"])
        if kind not in KINDS:
            raise DataError(
                f"{row_label}kind must be one of {', '.join(sorted(KINDS))}", field="kind", value=kind, **where
            )
        ccode_raw = row["cow_ccode"]
        ccode: int | None = None
        if not _blank(ccode_raw):
            try:
                as_float = float(str(ccode_raw).strip())
            except ValueError:
                as_float = float("nan")
            if not as_float.is_integer():
                raise DataError(
                    f"{row_label}cow_ccode must be an integer", field="cow_ccode", value=ccode_raw, **where
                )
            ccode = int(as_float)
        start = _parse_date(row["start"], where=where, field="start")
        if start is None:
            raise DataError(f"{row_label}actor {code} has no start date", field="start", **where)
        end = _parse_date(row["end"], where=where, field="end")
        if end is not None and end < start:
            raise DataError(f"{row_label}actor {code} ends before it starts", field="end", value=row["end"], **where)
        actors.append(
            Actor(
                code=code,
                name=name,
                kind=kind,
                cow_ccode=ccode,
                cow_abb=_text(row["cow_abb"]),
                iso3=_text(row["iso3"]),
                start=start,
                end=end,
            )
        )
    by_code: dict[str, list[Actor]] = {}
    for actor in actors:
        by_code.setdefault(actor.code, []).append(actor)
    for code, rows in by_code.items():
        rows.sort(key=lambda a: a.start)
        for before, after in zip(rows, rows[1:]):
            if before.end is None or after.start <= before.end:
                raise DataError(
                    f"periods of actor {code} overlap: {_describe_period(before.start, before.end)} "
                    f"and {_describe_period(after.start, after.end)}",
                    file=source,
                    field="start",
                )
    return actors


def _parse_aliases(
    frame: pd.DataFrame,
    spans: dict[str, list[tuple[_dt.date, _dt.date | None]]],
    source: str | None,
    from_file: bool,
) -> list[_Entry]:
    _check_columns(frame, ALIAS_COLUMNS[:4], "aliases", source)
    has_note = "note" in frame.columns
    columns = list(ALIAS_COLUMNS if has_note else ALIAS_COLUMNS[:4])
    entries: list[_Entry] = []
    for i, row in enumerate(frame.loc[:, columns].to_dict("records")):
        where = _where(source, i, from_file)
        row_label = "" if from_file else f"row {i}: "
        alias = _text(row["alias"])
        if alias is None or _key(alias) == "":
            raise DataError(
                f"{row_label}alias is empty once punctuation is removed", field="alias", value=row["alias"], **where
            )
        code = _text(row["code"])
        if code not in spans:
            raise DataError(f"{row_label}alias {alias!r} names an unknown actor", field="code", value=code, **where)
        periods = spans[code]
        note = (_text(row["note"]) if has_note else None) or ""
        given_start = _parse_date(row["start"], where=where, field="start")
        given_end = _parse_date(row["end"], where=where, field="end")
        if given_start is None and given_end is None:
            # Valid whenever the actor exists: one entry per stretch of existence.
            entries.extend(_Entry(alias, code, s, e, note) for s, e in periods)
            continue
        start = given_start if given_start is not None else periods[0][0]
        end = given_end if given_end is not None else periods[-1][1]
        if end is not None and end < start:
            raise DataError(
                f"{row_label}alias {alias!r} ends before it starts", field="end", value=row["end"], **where
            )
        inside = any(s <= start and (e is None or (end is not None and end <= e)) for s, e in periods)
        if not inside:
            raise DataError(
                f"{row_label}alias {alias!r} ({_describe_period(start, end)}) is not within the existence of "
                f"{code} ({_describe_periods(periods)})",
                field="start" if given_start is not None else "end",
                **where,
            )
        entries.append(_Entry(alias, code, start, end, note))
    return entries


# -------------------------------------------------------------------------- registry


class ActorRegistry:
    """Actors and their aliases, resolved by date.

    Build one from two DataFrames with the columns of ``actors.csv`` and
    ``aliases.csv`` (:data:`ACTOR_COLUMNS`, :data:`ALIAS_COLUMNS`), or use
    :meth:`default` for the shipped tables.  A registry never changes after it
    is built; the tables it hands out are copies.

    Raises :class:`~realpolitik._errors.DataError` when a table is malformed:
    a missing column, a bad date or kind, overlapping periods of one code, an
    alias of an unknown code or outside the actor's existence.
    """

    def __init__(
        self,
        actors: pd.DataFrame,
        aliases: pd.DataFrame | None = None,
        *,
        source: str | None = None,
        alias_source: str | None = None,
    ) -> None:
        from_file = source is not None and source.endswith(".csv")
        self._actors: tuple[Actor, ...] = tuple(_parse_actors(actors, source, from_file))
        if not self._actors:
            raise DataError("the actors table is empty", file=source)
        by_code: dict[str, list[Actor]] = {}
        for actor in self._actors:
            by_code.setdefault(actor.code, []).append(actor)
        self._by_code: dict[str, tuple[Actor, ...]] = {
            code: tuple(sorted(rows, key=lambda a: a.start)) for code, rows in by_code.items()
        }
        spans = {code: _merge_periods((a.start, a.end) for a in rows) for code, rows in self._by_code.items()}

        if aliases is None:
            aliases = pd.DataFrame(columns=list(ALIAS_COLUMNS))
        alias_from_file = alias_source is not None and alias_source.endswith(".csv")
        entries = _parse_aliases(aliases, spans, alias_source, alias_from_file)

        # Codes and actor names always resolve; the alias table governs any name it lists itself.
        listed = {_key(e.alias) for e in entries}
        implicit: list[_Entry] = []
        for actor in self._actors:
            for text, note in ((actor.code, "code"), (actor.name, "name")):
                if _key(text) not in listed:
                    implicit.append(_Entry(text, actor.code, actor.start, actor.end, note))

        index: dict[str, list[_Entry]] = {}
        for entry in (*entries, *implicit):
            bucket = index.setdefault(_key(entry.alias), [])
            if entry not in bucket:
                bucket.append(entry)
        self._index: dict[str, tuple[_Entry, ...]] = {
            key: tuple(sorted(bucket, key=lambda e: (e.start, e.code))) for key, bucket in index.items()
        }
        self._entries: tuple[_Entry, ...] = tuple(entries) + tuple(implicit)
        # One display spelling per key, for suggestions: the first spelling in the table.
        self._display: dict[str, str] = {}
        for entry in self._entries:
            self._display.setdefault(_key(entry.alias), entry.alias)

    # ------------------------------------------------------------------ loading

    @classmethod
    def default(cls) -> ActorRegistry:
        """The registry of the shipped tables (built once, then cached)."""
        return _default_registry()

    @classmethod
    def from_csv(cls, actors_path: str | Any, aliases_path: str | Any | None = None) -> ActorRegistry:
        """A registry read from CSV files with the columns of the shipped tables."""
        actors = _read_csv_path(actors_path)
        aliases = None if aliases_path is None else _read_csv_path(aliases_path)
        return cls(
            actors,
            aliases,
            source=str(actors_path),
            alias_source=None if aliases_path is None else str(aliases_path),
        )

    # ---------------------------------------------------------------- resolving

    def resolve(self, name: str, *, date: DateLike | None = None) -> str:
        """The canonical code of the actor that ``name`` denotes, at ``date`` if given.

        Without a date the name must denote one actor throughout; otherwise it
        is ambiguous ("Russia": USSR until 1991-12-25, RUS after).  Raises
        :class:`~realpolitik._errors.UnknownActorError` for an unknown name
        (the message lists the closest known names), an ambiguous one (listing
        each candidate code with its period) or a name used outside its
        validity (listing the periods when it is valid).
        """
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type(name).__name__}")
        entries = self._lookup(name)
        if date is None:
            codes = _unique(e.code for e in entries)
            if len(codes) == 1:
                return codes[0]
            raise UnknownActorError(
                f"{_show(name)} is ambiguous without a date: it names {_describe_candidates(entries)}; "
                f"pass date= to choose"
            )
        lo, hi = _to_window(date)
        matching = [e for e in entries if _overlaps(e.start, e.end, lo, hi)]
        codes = _unique(e.code for e in matching)
        if len(codes) == 1:
            return codes[0]
        when = _describe_window(lo, hi)
        if not codes:
            raise UnknownActorError(
                f"{_show(name)} names no actor on {when}; it is valid for {_describe_candidates(entries)}"
            )
        raise UnknownActorError(
            f"{_show(name)} is ambiguous on {when}: it names {_describe_candidates(matching)}"
        )

    def candidates(self, name: str) -> pd.DataFrame:
        """Every alias period that ``name`` matches: columns ``alias, code, start, end, note`` (empty if none)."""
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type(name).__name__}")
        key = _key(name)
        entries = self._index.get(key, ()) if key else ()
        return _entries_frame(entries)

    def _lookup(self, name: str) -> tuple[_Entry, ...]:
        key = _key(name)
        if not key:
            raise UnknownActorError(f"{_show(name)} is not an actor name: it is empty once punctuation is removed")
        entries = self._index.get(key)
        if entries:
            return entries
        suggestions = difflib.get_close_matches(key[:100], list(self._index), n=_MAX_SUGGESTIONS, cutoff=0.6)
        if suggestions:
            listed = "; ".join(
                f"{self._display[k]!r} ({', '.join(_unique(e.code for e in self._index[k]))})" for k in suggestions
            )
            hint = f"closest known names: {listed}"
        else:
            hint = "no known name is close; see ActorRegistry.codes() and ActorRegistry.aliases()"
        raise UnknownActorError(f"unknown actor name {_show(name)}; {hint}")

    # ------------------------------------------------------------------- actors

    def actor(self, code: str) -> Actor:
        """The actor with this code; for an actor with several periods, the latest one (see :meth:`periods`)."""
        return self.periods(code)[-1]

    def periods(self, code: str) -> list[Actor]:
        """Every validity period (row of the actors table) of the actor with this code, oldest first."""
        return list(self._rows(code))

    def _rows(self, code: str) -> tuple[Actor, ...]:
        if not isinstance(code, str):
            raise TypeError(f"code must be a str, not {type(code).__name__}")
        rows = self._by_code.get(code.strip().upper())
        if rows is None:
            close = difflib.get_close_matches(code.strip().upper()[:100], list(self._by_code), n=_MAX_SUGGESTIONS)
            hint = f"closest codes: {', '.join(close)}" if close else f"known codes: {', '.join(self.codes())}"
            raise UnknownActorError(f"unknown actor code {_show(code)}; {hint} (use resolve() for names)")
        return rows

    def is_valid(self, code: str, date: DateLike) -> bool:
        """Whether the actor exists on ``date`` (for a year or month string: at some point in it)."""
        lo, hi = _to_window(date)
        return any(_overlaps(a.start, a.end, lo, hi) for a in self._rows(code))

    def codes(self) -> list[str]:
        """All actor codes, sorted."""
        return sorted(self._by_code)

    def from_cow(self, ccode: int, *, date: DateLike | None = None) -> str:
        """The code of the actor with Correlates of War state number ``ccode`` (at ``date`` if given).

        COW numbers are reused across successor states (365: USSR then RUS;
        710: ROC then PRC), so without a date such a number is ambiguous.
        """
        number = _as_int(ccode)
        rows = [a for a in self._actors if a.cow_ccode == number]
        if not rows:
            raise UnknownActorError(f"no actor in the registry has COW number {number}")
        if date is None:
            matching = rows
        else:
            lo, hi = _to_window(date)
            matching = [a for a in rows if _overlaps(a.start, a.end, lo, hi)]
        codes = _unique(a.code for a in matching)
        if len(codes) == 1:
            return codes[0]
        described = "; ".join(f"{a.code} {_describe_period(a.start, a.end)}" for a in rows)
        if not codes:
            raise UnknownActorError(
                f"COW number {number} names no actor on {_describe_window(*_to_window(date))}; it is {described}"
            )
        when = "without a date" if date is None else f"on {_describe_window(*_to_window(date))}"
        raise UnknownActorError(f"COW number {number} is ambiguous {when}: it is {described}")

    # ------------------------------------------------------------------- tables

    def table(self) -> pd.DataFrame:
        """A copy of the actors table, one row per actor period, dates as ``datetime64``."""
        frame = pd.DataFrame(
            {
                "code": [a.code for a in self._actors],
                "name": [a.name for a in self._actors],
                "kind": [a.kind for a in self._actors],
                "cow_ccode": pd.array([a.cow_ccode for a in self._actors], dtype="Int64"),
                "cow_abb": [a.cow_abb for a in self._actors],
                "iso3": [a.iso3 for a in self._actors],
                "start": pd.to_datetime([a.start.isoformat() for a in self._actors], format="%Y-%m-%d"),
                "end": pd.to_datetime(
                    [None if a.end is None else a.end.isoformat() for a in self._actors], format="%Y-%m-%d"
                ),
            }
        )
        return frame

    def aliases(self) -> pd.DataFrame:
        """A copy of the alias table as the registry uses it: blank dates filled in, codes and names added."""
        return _entries_frame(self._entries)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def __repr__(self) -> str:
        return f"<ActorRegistry: {len(self._by_code)} actors, {len(self._index)} names>"


# --------------------------------------------------------------------------- helpers


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(f"ccode must be an integer, not {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise TypeError(f"ccode must be an integer, not {value!r}") from None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _show(name: str) -> str:
    shown = name if len(name) <= _MAX_SHOWN_NAME else name[:_MAX_SHOWN_NAME] + "..."
    return repr(shown)


def _describe_candidates(entries: Iterable[_Entry]) -> str:
    periods: dict[str, list[tuple[_dt.date, _dt.date | None]]] = {}
    for entry in entries:
        periods.setdefault(entry.code, []).append((entry.start, entry.end))
    return "; ".join(f"{code} {_describe_periods(spans)}" for code, spans in periods.items())


def _entries_frame(entries: Iterable[_Entry]) -> pd.DataFrame:
    rows = list(entries)
    return pd.DataFrame(
        {
            "alias": [e.alias for e in rows],
            "code": [e.code for e in rows],
            "start": pd.to_datetime([e.start.isoformat() for e in rows], format="%Y-%m-%d"),
            "end": pd.to_datetime([None if e.end is None else e.end.isoformat() for e in rows], format="%Y-%m-%d"),
            "note": [e.note for e in rows],
        },
        columns=list(ALIAS_COLUMNS),
    )


def _read_csv_path(path: Any) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@functools.lru_cache(maxsize=None)
def _read_data(filename: str) -> pd.DataFrame:
    """A shipped CSV of ``realpolitik/data``, read once (callers must not modify it)."""
    with resources.files("realpolitik").joinpath("data", filename).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@functools.lru_cache(maxsize=1)
def _default_registry() -> ActorRegistry:
    return ActorRegistry(
        _read_data("actors.csv"),
        _read_data("aliases.csv"),
        source="actors.csv",
        alias_source="aliases.csv",
    )


def get_registry() -> ActorRegistry:
    """The registry of the shipped tables (same as :meth:`ActorRegistry.default`)."""
    return _default_registry()


def resolve(name: str, *, date: DateLike | None = None) -> str:
    """The canonical code of ``name`` in the shipped registry; see :meth:`ActorRegistry.resolve`."""
    return _default_registry().resolve(name, date=date)
