"""Readers of Correlates of War formats: formal alliances v4.1, the state list, Doreian–Mrvar signed windows.

This module also holds the strict CSV table reader that the ATOP and MID readers share
(:func:`_read_table`): every row is checked against a column specification, and the first
bad value raises a :class:`~realpolitik._errors.DataError` naming the file, the line (the
header is line 1), the field and the value. Nothing is dropped silently: a file is read
whole or refused.

Missing values. Numeric descriptive columns (days, months, fatality levels, ...) become
pandas nullable integers; an empty field, ``NA``, ``.`` (Stata's missing value) and the COW
code ``-9`` all become ``<NA>``. Identifying columns (state numbers, years, dispute
numbers) and 0/1 flags may not be missing.

References
----------
Gibler, Douglas M. 2009. *International Military Alliances, 1648–2008*. CQ Press
(COW Formal Alliances v4.1).
Correlates of War Project. 2017. "State System Membership List, v2016."
Doreian, Patrick and Andrej Mrvar. 2015. "Structural Balance and Signed International
Relations." *Journal of Social Structure* 16.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataError
from ._csv import csv_records

__all__ = [
    "COW_ALLIANCE_LAST_YEAR",
    "YEAR_RANGE",
    "cow_alliance_years",
    "read_cow_alliances",
    "read_cow_states",
    "read_signed_edges",
    "read_signed_windows",
]

#: Years a reader accepts, inclusive: the modern state system with room to spare. A year
#: outside it (``62`` for 1962, ``19620``) is a data error.
YEAR_RANGE = (1800, 2100)

#: The last year COW Formal Alliances v4.1 covers; a blank dyad end year means "still in
#: force at the end of 2012" (the v4.1 codebook).
COW_ALLIANCE_LAST_YEAR = 2012

_MISSING_TOKENS = frozenset({"", "na", "nan", "."})
_MISSING_CODES = (-9.0,)
_NUMBER = re.compile(r"^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$")
_MAX_EXACT = 2.0**53


# --------------------------------------------------------------------------- table reader


@dataclass(frozen=True)
class _Kind:
    """What a column holds: the accepted values, whether they may be missing, the dtype."""

    what: str
    dtype: str
    numeric: bool = True
    nullable: bool = False
    lo: float | None = None
    hi: float | None = None
    values: tuple[float, ...] | None = None


CCODE = _Kind("a COW state number (a whole number from 1 to 999)", "int64", lo=1, hi=999)
YEAR = _Kind(f"a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}", "int64", lo=YEAR_RANGE[0], hi=YEAR_RANGE[1])
YEAR_OPT = _Kind(
    f"a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]} or missing",
    "Int64",
    nullable=True,
    lo=YEAR_RANGE[0],
    hi=YEAR_RANGE[1],
)
ID = _Kind("a positive whole number", "int64", lo=1)
FLAG = _Kind("0 or 1", "int8", values=(0.0, 1.0))
SIGN = _Kind("-1 or 1", "int8", values=(-1.0, 1.0))
INT = _Kind("a whole number or a missing-value code (-9, blank)", "Int64", nullable=True)
TEXT = _Kind("text", "string", numeric=False, nullable=True)
NAME = _Kind("non-empty text", "string", numeric=False)


class _Fallback(Exception):
    """The fast reader met something it does not judge; the row-by-row reader decides."""


def _read_table(
    path: str | Path,
    spec: Mapping[str, _Kind],
    required: Sequence[str | tuple[str, ...]],
    *,
    dataset: str,
) -> tuple[pd.DataFrame, str]:
    """Read a CSV file into a typed DataFrame, validating every value; return it and its text.

    ``spec`` types the columns it names (header names are matched without case or
    surrounding blanks); other columns are kept as text. ``required`` lists columns that
    must be present; a tuple in it means "one of these". A column with an empty name is
    dropped when every value under it is empty, and otherwise kept as text under the name
    ``column_<position>``.
    """
    source = str(path)
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file", file=source)
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_error(raw, exc, source) from None
    if not re.search(r"\S", text[:65536]) and not text.strip():
        raise DataError("file is empty: expected a header row", file=source, line=1)
    header, body_start = _header(text, source)
    names = _check_header(header, spec, required, source)
    kinds = [spec.get(n, TEXT) if n else TEXT for n in names]
    frame = None
    if body_start is not None:
        try:
            frame = _fast(raw[len(text[:body_start].encode("utf-8")) :], names, kinds)
        except _Fallback:
            frame = None
    if frame is None:
        frame = _slow(text, names, kinds, source)
    frame.attrs = {"source": source, "dataset": dataset}
    return frame, text


def _encoding_error(raw: bytes, exc: UnicodeDecodeError, source: str) -> DataError:
    line = raw.count(b"\n", 0, exc.start) + 1
    start = raw.rfind(b"\n", 0, exc.start) + 1
    column = raw.count(b",", start, exc.start) + 1
    header = raw[: raw.find(b"\n")] if b"\n" in raw else raw
    fields = header.decode("utf-8", errors="replace").split(",")
    field = fields[column - 1].strip().lower() if line > 1 and column <= len(fields) else f"column {column}"
    return DataError(
        f"not valid UTF-8 (byte {raw[exc.start]:#04x}); save the file as UTF-8",
        file=source,
        line=line,
        field=field,
    )


def _header(text: str, source: str) -> tuple[list[str], int | None]:
    """The header fields, and where the body starts when the fast reader may take it."""
    match = re.search(r"\r\n|\n|\r", text)
    simple = match is not None and '"' not in text[: match.start()]
    reader = csv.reader(io.StringIO(text[: match.end()] if simple else text, newline=""), strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise DataError(f"malformed CSV header: {exc}", file=source, line=1) from None
    if not simple or reader.line_num != 1:
        return header, None  # an unusual header: leave the whole file to the row-by-row reader
    return header, match.end()


def _check_header(
    header: list[str], spec: Mapping[str, _Kind], required: Sequence[str | tuple[str, ...]], source: str
) -> list[str]:
    names = [h.strip().lower() for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise DataError("column appears twice in the header", file=source, line=1, field=name)
        seen.add(name)
    for want in required:
        options = (want,) if isinstance(want, str) else want
        if not any(o in seen for o in options):
            label = " or ".join(options)
            raise DataError(f"header lacks the required column {label}", file=source, line=1, field=options[0])
    return names


def _fast(body: bytes, names: list[str], kinds: list[_Kind]) -> pd.DataFrame:
    """Parse with pyarrow and validate vectorised; any doubt raises :class:`_Fallback`."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    columns = [f"c{i}" for i in range(len(names))]
    if not body.strip():
        return _empty(names, kinds)
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=columns),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: (pa.float64() if k.numeric else pa.string()) for c, k in zip(columns, kinds)},
                null_values=["", "NA", "na", "NaN", "nan", "."],
                strings_can_be_null=False,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        raise _Fallback from None
    data: dict[str, object] = {}
    for i, (name, kind, column) in enumerate(zip(names, kinds, table.columns)):
        if not kind.numeric:
            values = column.to_pandas().astype("string")
            if values.str.contains("\x00", regex=False).any():
                raise _Fallback
            if not name:
                if (values != "").any():
                    data[_unnamed(i)] = values.array
                continue
            if not kind.nullable and ((values.str.strip() == "") | values.isna()).any():
                raise _Fallback
            data[name] = values.array
            continue
        missing = column.is_null().to_numpy(zero_copy_only=False)
        values = column.to_numpy(zero_copy_only=False).astype(np.float64)
        if kind.nullable:
            missing = missing | np.isin(values, _MISSING_CODES)
        elif missing.any():
            raise _Fallback
        ok = _valid(values, kind) | missing
        if not ok.all():
            raise _Fallback
        data[name] = _column(values, missing, kind)
    return pd.DataFrame(data)


def _unnamed(position: int) -> str:
    return f"column_{position + 1}"


def _valid(values: np.ndarray, kind: _Kind) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(values) & (np.abs(values) <= _MAX_EXACT) & (values == np.floor(values))
        if kind.values is not None:
            ok &= np.isin(values, kind.values)
        if kind.lo is not None:
            ok &= values >= kind.lo
        if kind.hi is not None:
            ok &= values <= kind.hi
    return ok


def _column(values: np.ndarray, missing: np.ndarray, kind: _Kind):
    if kind.nullable:
        out = np.where(missing, 0, values).astype(np.int64)
        return pd.arrays.IntegerArray(out, missing.astype(bool))
    return values.astype(kind.dtype)


def _empty(names: list[str], kinds: list[_Kind]) -> pd.DataFrame:
    return pd.DataFrame({n: pd.Series([], dtype=k.dtype) for n, k in zip(names, kinds) if n})


def _records(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """Data records with the line each starts on; blank lines are skipped, the header too."""
    records = csv_records(text)
    next(records)
    for record in records:
        if record.fields is None:
            raise DataError(record.error, file=source, line=record.first)
        if record.fields:
            yield record.first, record.fields


def _slow(text: str, names: list[str], kinds: list[_Kind], source: str) -> pd.DataFrame:
    """Parse row by row with :mod:`csv`; the first bad value raises with its line and field."""
    cells: list[list[object]] = [[] for _ in names]
    for line, fields in _records(text, source):
        if len(fields) != len(names):
            field = names[len(fields)] if len(fields) < len(names) else f"column {len(names) + 1}"
            raise DataError(
                f"row has {len(fields)} fields, the header has {len(names)}",
                file=source,
                line=line,
                field=field or f"column {len(fields) + 1}",
            )
        for i, (name, kind, raw) in enumerate(zip(names, kinds, fields)):
            cells[i].append(_parse(raw, kind, source, line, name or f"column {i + 1}"))
    data: dict[str, object] = {}
    for i, (name, kind, values) in enumerate(zip(names, kinds, cells)):
        if not name:
            if any(values):
                data[_unnamed(i)] = pd.array(values, dtype="string")
            continue
        if not kind.numeric:
            data[name] = pd.array(values, dtype="string")
        elif kind.nullable:
            data[name] = pd.array(values, dtype="Int64")
        else:
            data[name] = np.array(values, dtype=np.float64).astype(kind.dtype)
    return pd.DataFrame(data) if data else _empty(names, kinds)


def _parse(raw: str, kind: _Kind, source: str, line: int, field: str) -> object:
    if not kind.numeric:
        if "\x00" in raw:
            raise DataError("text holds a NUL character", file=source, line=line, field=field, value=raw)
        if not kind.nullable and not raw.strip():
            raise DataError(f"{field} is missing: it must be {kind.what}", file=source, line=line, field=field)
        return raw
    token = raw.strip()
    if token.lower() in _MISSING_TOKENS:
        if kind.nullable:
            return None
        raise DataError(f"{field} is missing: it must be {kind.what}", file=source, line=line, field=field, value=raw)
    if not _NUMBER.match(token):
        raise DataError(f"{field} is not a number: it must be {kind.what}", file=source, line=line, field=field,
                        value=raw)
    number = float(token)
    if kind.nullable and number in _MISSING_CODES:
        return None
    if not _valid(np.array([number]), kind)[0]:
        raise DataError(f"{field} must be {kind.what}", file=source, line=line, field=field, value=raw)
    return int(number)


def _row_error(frame: pd.DataFrame, bad: np.ndarray, text: str, source: str, field: str, reason: str) -> None:
    """Raise for the first row flagged in ``bad``, naming its line (found by rescanning the file)."""
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return
    index = int(np.argmax(bad))
    line = None
    for k, (record_line, _) in enumerate(_records(text, source)):
        if k == index:
            line = record_line
            break
    value = frame[field].iloc[index]
    raise DataError(reason, file=source, line=line, field=field, value=None if pd.isna(value) else value)


def _same_state(frame: pd.DataFrame, text: str, source: str) -> None:
    _row_error(frame, (frame["ccode1"] == frame["ccode2"]).to_numpy(), text, source, "ccode2",
               "a dyad needs two different states (ccode2 equals ccode1)")


# --------------------------------------------------------------------------- COW alliances

_ALLIANCE_TYPES = ("defense", "neutrality", "nonaggression", "entente")

_ALLIANCE_SPEC: dict[str, _Kind] = {
    "version4id": ID,
    "ccode1": CCODE,
    "state_name1": TEXT,
    "ccode2": CCODE,
    "state_name2": TEXT,
    "dyad_st_day": INT,
    "dyad_st_month": INT,
    "dyad_st_year": YEAR,
    "dyad_end_day": INT,
    "dyad_end_month": INT,
    "dyad_end_year": YEAR_OPT,
    "left_censor": FLAG,
    "right_censor": FLAG,
    "asymmetric": FLAG,
    **{t: FLAG for t in _ALLIANCE_TYPES},
    "year": YEAR,
    "version": TEXT,
}


def read_cow_alliances(path: str | Path) -> pd.DataFrame:
    """Read a COW Formal Alliances v4.1 dyadic file, validating every row.

    Accepts the four dyadic layouts of the v4.1 release — ``alliance_v4.1_by_dyad.csv``,
    ``..._by_dyad_yearly.csv``, ``..._by_directed.csv`` and ``..._by_directed_yearly.csv`` —
    whose columns are ``version4id, ccode1, state_name1, ccode2, state_name2, dyad_st_day,
    dyad_st_month, dyad_st_year, dyad_end_day, dyad_end_month, dyad_end_year, left_censor,
    right_censor, defense, neutrality, nonaggression, entente, version`` and, in the yearly
    files, ``year``.

    Required: ``ccode1, ccode2, dyad_st_year, dyad_end_year`` and the four obligation
    flags. A blank (or ``.``, ``NA``, ``-9``) ``dyad_end_year`` means the alliance was still
    in force at the end of the data (31 Dec 2012, :data:`COW_ALLIANCE_LAST_YEAR`); unknown
    days and months (``-9`` or blank) become ``<NA>``. A row whose end year precedes its
    start year, or whose two states are the same, is refused.

    Returns the file's rows, typed: state numbers and years ``int64``, flags ``int8``,
    optional dates nullable ``Int64``, names ``string``. Use :func:`cow_alliance_years`
    to get one row per dyad-year.

    Raises
    ------
    DataError
        naming the file, line (the header is line 1), field and value of the first bad entry.
    """
    spec = _ALLIANCE_SPEC
    required = ("ccode1", "ccode2", "dyad_st_year", "dyad_end_year", *_ALLIANCE_TYPES)
    frame, text = _read_table(path, spec, required, dataset="COW Formal Alliances v4.1")
    source = str(path)
    _same_state(frame, text, source)
    end = frame["dyad_end_year"]
    _row_error(frame, (end.notna() & (end < frame["dyad_st_year"])).to_numpy(dtype=bool, na_value=False), text,
               source, "dyad_end_year", "the alliance ends before it starts (dyad_end_year < dyad_st_year)")
    return frame


def cow_alliance_years(frame: pd.DataFrame, *, last_year: int = COW_ALLIANCE_LAST_YEAR) -> pd.DataFrame:
    """One row per alliance dyad-year: ``ccode1, ccode2, year`` and the obligation flags.

    A yearly file (it has a ``year`` column) passes through; a dyad file is expanded from
    ``dyad_st_year`` to ``dyad_end_year``, a missing end counting as ``last_year``. The
    ``version4id`` column is kept when present: one dyad may be allied by several treaties.
    """
    keep = [c for c in ("version4id", "ccode1", "ccode2", "year", *_ALLIANCE_TYPES) if c in frame.columns]
    if "year" in frame.columns:
        return frame[keep].reset_index(drop=True)
    for column in ("ccode1", "ccode2", "dyad_st_year", "dyad_end_year"):
        if column not in frame.columns:
            raise DataError("alliance table lacks a column", file=frame.attrs.get("source"), field=column)
    start = frame["dyad_st_year"].to_numpy(np.int64)
    end = frame["dyad_end_year"].astype("Int64").fillna(last_year).to_numpy(np.int64)
    span = np.maximum(end - start + 1, 0)
    rows = np.repeat(np.arange(len(frame)), span)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(span) - span, span)
    out = frame.iloc[rows][[c for c in keep if c != "year"]].reset_index(drop=True)
    out.insert(out.columns.get_loc("ccode2") + 1, "year", start[rows] + offset)
    return out


# --------------------------------------------------------------------------- COW state list

_STATES_SPEC: dict[str, _Kind] = {
    "stateabb": NAME,
    "ccode": CCODE,
    "statenme": TEXT,
    "styear": YEAR,
    "stmonth": INT,
    "stday": INT,
    "endyear": YEAR,
    "endmonth": INT,
    "endday": INT,
    "version": TEXT,
}


def read_cow_states(path: str | Path) -> pd.DataFrame:
    """Read the COW State System Membership list (``states2016.csv`` and its copies).

    Columns ``stateabb, ccode, statenme, styear, stmonth, stday, endyear, endmonth, endday,
    version``; required are ``stateabb, ccode, styear, endyear``. One row per spell of
    membership (a state that left and re-entered the system has several). Columns with no
    name, as in some copies of the file, are dropped when empty and otherwise kept as text
    (``column_16``: the copy of ``states2016.csv`` in the shared data has a stray ``11250``
    there on Peru's line).
    Refused: a spell that ends before it starts, and a state number with two different
    abbreviations.
    """
    frame, text = _read_table(path, _STATES_SPEC, ("stateabb", "ccode", "styear", "endyear"),
                              dataset="COW State System Membership")
    source = str(path)
    frame["stateabb"] = frame["stateabb"].str.strip()
    _row_error(frame, (frame["endyear"] < frame["styear"]).to_numpy(), text, source, "endyear",
               "membership ends before it starts (endyear < styear)")
    first = frame.groupby("ccode")["stateabb"].transform("first")
    _row_error(frame, (frame["stateabb"] != first).to_numpy(dtype=bool), text, source, "stateabb",
               "this state number has another abbreviation on an earlier line")
    first = frame.groupby("stateabb")["ccode"].transform("first")
    _row_error(frame, (frame["ccode"] != first).to_numpy(dtype=bool), text, source, "ccode",
               "this abbreviation has another state number on an earlier line")
    return frame


# --------------------------------------------------------------------------- Doreian–Mrvar



def read_signed_windows(path: str | Path) -> pd.DataFrame:
    """Read a signed network in windows: the long format ``window, src, tgt, sign``.

    This is the layout of the Doreian–Mrvar signed COW networks (51 overlapping 4-year
    windows ``"46-49"`` … ``"96-99"``, COW 3-letter codes, one row per undirected edge).
    Build the graphs with :func:`realpolitik.structure.networks.signed_windows`.
    """
    return read_signed_edges(path, window="window", dataset="Doreian–Mrvar signed windows")


def read_signed_edges(path: str | Path, *, window: str | None = None, dataset: str = "signed edges") -> pd.DataFrame:
    """Read signed edges ``src, tgt, sign`` (−1 or 1), optionally one graph per ``window`` column value.

    Window labels and node names are kept as text, stripped of surrounding blanks. Refused:
    an edge from a node to itself, and a pair listed twice (in either direction) in one
    window.
    """
    spec = {"src": NAME, "tgt": NAME, "sign": SIGN}
    if window is not None:
        spec = {window.strip().lower(): NAME, **spec}
    frame, text = _read_table(path, spec, tuple(spec), dataset=dataset)
    source = str(path)
    for column in (*spec,):
        if column != "sign":
            frame[column] = frame[column].str.strip()
    _row_error(frame, (frame["src"] == frame["tgt"]).to_numpy(dtype=bool), text, source, "tgt",
               "an edge needs two different nodes (tgt equals src)")
    a = np.minimum(frame["src"].to_numpy(object), frame["tgt"].to_numpy(object))
    b = np.maximum(frame["src"].to_numpy(object), frame["tgt"].to_numpy(object))
    keys = {"a": a, "b": b}
    if window is not None:
        keys["window"] = frame[window.strip().lower()].to_numpy(object)
    _row_error(frame, pd.DataFrame(keys).duplicated().to_numpy(), text, source, "tgt",
               "this pair is listed twice" + (" in the window" if window else "")
               + " (one row per undirected edge)")
    return frame
