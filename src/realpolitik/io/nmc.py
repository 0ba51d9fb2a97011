"""Read Correlates of War capability files: National Material Capabilities (NMC) and the major-power list.

Formats
-------
Two layouts of the NMC data are recognised by their header (column order does not matter,
names are case-insensitive):

* the raw COW release (v5.0, ``NMC_5_0.csv``): ``stateabb, ccode, year, milex, milper, irst,
  pec, tpop, upop, cinc, version``, missing values coded ``-9``;
* the peacesciencer table (v6.0, ``cow_nmc``): ``ccode, year, milex, milper, irst, pec, tpop,
  upop, cinc``, numbers written as floats (``2.0``, ``1816.0``) and missing values left empty.

``ccode``, ``year`` and ``cinc`` are required; the six components and ``stateabb``/``version``
are optional. Other columns are ignored. In the components and ``cinc`` an empty field, ``NA``
or the COW code ``-9`` means "missing" and becomes NaN; any other negative number is refused.

The COW major-power list (``majors2016.csv``; peacesciencer's ``cow_majors``) is read by
:func:`read_major_powers`: ``ccode, styear, endyear`` (required) and ``stmonth, stday, endmonth,
endday, stateabb, version`` (optional), one row per spell of major-power status.

Validation is strict: the first bad row raises a :class:`~realpolitik.DataError` naming the
file, line, field and value, so a bad file is refused whole. With ``lenient=True`` the bad rows
are left out and accounted for in ``frame.attrs``: ``read`` (data rows read), ``loaded``,
``rejected`` (``read == loaded + rejected``) and ``rejections`` (a list of ``(line, field, value,
reason)`` tuples in line order; ``pandas.DataFrame(attrs["rejections"])`` makes it a table).

No data ships with realpolitik: users supply their own copy of the COW files.

References
----------
Singer, J. D., Bremer, S., & Stuckey, J. (1972). Capability Distribution, Uncertainty, and Major
Power War, 1820-1965. In B. Russett (ed.), *Peace, War, and Numbers*, 19-48. Beverly Hills: Sage.

Singer, J. D. (1987). Reconstructing the Correlates of War Dataset on Material Capabilities of
States, 1816-1985. *International Interactions* 14(2), 115-132.

Correlates of War Project (2017). State System Membership List, v2016 (major powers).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataError
from ._csv import csv_records

__all__ = ["MAJOR_POWER_COLUMNS", "NMC_COLUMNS", "NMC_COMPONENTS", "read_major_powers", "read_nmc"]

#: The six capability components of the NMC data.
NMC_COMPONENTS = ("milex", "milper", "irst", "pec", "tpop", "upop")
#: Columns of the table :func:`read_nmc` returns, in order.
NMC_COLUMNS = ("ccode", "year", "stateabb", *NMC_COMPONENTS, "cinc", "version")
#: Columns of the table :func:`read_major_powers` returns, in order.
MAJOR_POWER_COLUMNS = ("ccode", "stateabb", "start", "end", "styear", "endyear")

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_MISSING_TEXT = ("", "na")
_STATEABB = r"[A-Za-z]{3}"


# ---------------------------------------------------------------------------- CSV


def _read_csv(path: str | Path, *, what: str) -> tuple[list[str], list[int], list[list[str]]]:
    """Read a CSV strictly: header names (stripped, lower case), each row's line number and fields.

    Refuses an unreadable, empty or non-UTF-8 file, malformed quoting, a repeated or empty column
    name, and rows whose field count differs from the header's. Blank lines are skipped.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise DataError(f"no such {what} file", file=source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", file=source) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError("the file is not valid UTF-8 text", file=source, line=line) from None
    if not text.strip():
        raise DataError(f"the file is empty: expected a header row of {what} columns", file=source, line=1)
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    for record in csv_records(text):
        if record.fields is None:
            raise DataError(record.error, file=source, line=record.first)
        line, fields = record.first, record.fields
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if header is None:
            header = [f.strip().lower() for f in fields]
            for i, name in enumerate(header):
                if not name:
                    raise DataError(
                        "the header has an empty column name", file=source, line=line, field=f"column {i + 1}"
                    )
                if header.index(name) != i:
                    raise DataError("the column appears twice in the header", file=source, line=line, field=name)
            continue
        if len(fields) != len(header):
            raise DataError(
                f"the row has {len(fields)} fields, the header has {len(header)}", file=source, line=line
            )
        rows.append(fields)
        lines.append(line)
    if header is None:
        raise DataError(f"the file is empty: expected a header row of {what} columns", file=source, line=1)
    return header, lines, rows


class _Rows:
    """Column-wise validation of CSV rows; each row keeps its first problem (strict: the earliest raises)."""

    def __init__(self, source: str, header: list[str], lines: list[int], rows: list[list[str]], *, lenient: bool):
        self.source = source
        self.lenient = lenient
        self.lines = np.asarray(lines, dtype=np.int64)
        index = {name: i for i, name in enumerate(header)}
        self.text = {name: pd.Series([r[i] for r in rows], dtype=object).str.strip() for name, i in index.items()}
        self.bad = np.zeros(len(rows), dtype=bool)
        self.problems: list[tuple[int, str, str, str]] = []

    def __len__(self) -> int:
        return len(self.lines)

    def has(self, column: str) -> bool:
        return column in self.text

    def flag(self, mask: np.ndarray, column: str, reason: str, values: Sequence[object] | None = None) -> None:
        """Record ``reason`` for the rows in ``mask`` that have no problem yet."""
        mask = np.asarray(mask, dtype=bool) & ~self.bad
        if not mask.any():
            return
        shown = self.text[column] if values is None else pd.Series(values, dtype=object)
        for i in np.flatnonzero(mask):
            self.problems.append((int(self.lines[i]), column, str(shown.iloc[i]), reason))
        self.bad |= mask

    def raise_first(self) -> None:
        """Strict reading: raise the problem on the earliest line (a row's first problem only)."""
        if self.lenient or not self.problems:
            return
        line, column, value, reason = min(self.problems, key=lambda p: p[0])
        more = len(self.problems) - 1
        if more:
            reason += f" (and {more} more problem{'s' if more > 1 else ''}; a lenient read lists them all)"
        raise DataError(reason, file=self.source, line=line, field=column, value=value)

    def number(self, column: str, *, missing: Sequence[str] = (), integer: bool = False) -> np.ndarray:
        """Parse a numeric column; ``missing`` codes (and blanks when listed) give NaN."""
        text = self.text[column]
        lowered = text.str.lower()
        is_missing = lowered.isin(list(missing)).to_numpy()
        well_formed = text.str.fullmatch(_NUMBER).to_numpy(dtype=bool)
        values = pd.to_numeric(text.where(well_formed & ~is_missing), errors="coerce").to_numpy(dtype=float, copy=True)
        if "" not in missing:
            self.flag((text == "").to_numpy(), column, "the field is empty")
        self.flag(~is_missing & ~(well_formed & np.isfinite(values)), column, "not a number")
        if integer:
            self.flag(~is_missing & np.isfinite(values) & (values != np.round(values)), column, "not a whole number")
        values[is_missing] = np.nan
        return values


def _finish(frame: pd.DataFrame, rows: _Rows, fmt: str) -> pd.DataFrame:
    rows.raise_first()
    frame = frame[~rows.bad].reset_index(drop=True)
    frame.attrs["source"] = rows.source
    frame.attrs["format"] = fmt
    frame.attrs["read"] = len(rows)
    frame.attrs["loaded"] = len(frame)
    frame.attrs["rejected"] = int(rows.bad.sum())
    frame.attrs["rejections"] = sorted(rows.problems)
    return frame


def _stateabb(rows: _Rows) -> pd.arrays.StringArray:
    if not rows.has("stateabb"):
        return pd.array([pd.NA] * len(rows), dtype="string")
    abb = rows.text["stateabb"]
    well_formed = abb.str.fullmatch(_STATEABB).to_numpy(dtype=bool)
    rows.flag(~well_formed, "stateabb", "a COW state abbreviation is three letters")
    return pd.array(abb.str.upper(), dtype="string")


def _four_digits(rows: _Rows, column: str, year: np.ndarray) -> None:
    rows.flag(np.isfinite(year) & ((year < 1000) | (year > 2999)), column, "the year must have four digits")


def _require(header: list[str], required: Sequence[str], source: str, what: str) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(
            f"the header lacks the {what} column(s) {', '.join(missing)}", file=source, line=1, field=missing[0]
        )


# --------------------------------------------------------------------------- NMC


def read_nmc(path: str | Path, *, lenient: bool = False) -> pd.DataFrame:
    """Read a COW National Material Capabilities file (raw COW or peacesciencer layout).

    Parameters
    ----------
    path
        The CSV file.
    lenient
        Keep the good rows and list the bad ones in ``frame.attrs["rejections"]`` instead of
        refusing the file at its first bad row.

    Returns
    -------
    pandas.DataFrame
        One row per state-year with the columns of :data:`NMC_COLUMNS`: ``ccode`` and ``year``
        (int64), ``stateabb`` (string, missing in the peacesciencer layout), the six components
        and ``cinc`` (float64, NaN where missing) and ``version`` (Int64). ``attrs`` holds
        ``source``, ``format`` (``"cow"`` with ``stateabb``, else ``"peacesciencer"``) and the
        row accounting ``read == loaded + rejected``.

    Raises
    ------
    DataError
        Naming the file, line, field and value: an unreadable or malformed file, a missing
        required column (``ccode``, ``year``, ``cinc``), a non-numeric or negative value other
        than a missing code, a ``ccode`` outside 1-999, a year that is not four digits, a ``cinc``
        above 1, a ``version`` of 2**53 or more, a bad ``stateabb``, or a state-year that appears twice.
    """
    source = str(path)
    header, lines, raw = _read_csv(path, what="NMC")
    _require(header, ("ccode", "year", "cinc"), source, "NMC")
    rows = _Rows(source, header, lines, raw, lenient=lenient)
    ccode = rows.number("ccode", integer=True)
    rows.flag(np.isfinite(ccode) & ((ccode < 1) | (ccode > 999)), "ccode", "a COW state number is between 1 and 999")
    year = rows.number("year", integer=True)
    _four_digits(rows, "year", year)
    missing_codes = (*_MISSING_TEXT, "-9", "-9.0")
    frame = pd.DataFrame({"ccode": ccode, "year": year})
    frame["stateabb"] = _stateabb(rows)
    for column in (*NMC_COMPONENTS, "cinc"):
        if not rows.has(column):
            frame[column] = np.nan
            continue
        values = rows.number(column, missing=missing_codes)
        rows.flag(values < 0, column, "a negative value (the missing-value code is -9)")
        if column == "cinc":
            rows.flag(values > 1, column, "CINC is a share of the system's capabilities: at most 1")
        frame[column] = values
    if rows.has("version"):
        version = rows.number("version", missing=_MISSING_TEXT, integer=True)
        # beyond 2**53 a float no longer holds every whole number, and the cast to int64 would wrap
        out_of_range = np.isfinite(version) & ((version < 0) | (version >= 2.0**53))
        rows.flag(out_of_range, "version", "a version is a whole number from 0 up to (not including) 2**53")
        usable = np.isfinite(version) & ~out_of_range
        frame["version"] = pd.array(np.where(usable, version, 0).astype(np.int64), dtype="Int64")
        frame.loc[~usable, "version"] = pd.NA
    else:
        frame["version"] = pd.array([pd.NA] * len(rows), dtype="Int64")
    ok = ~rows.bad  # a repeat of a refused row is not a duplicate of anything loaded
    dup = np.zeros(len(rows), dtype=bool)
    dup[ok] = pd.DataFrame({"ccode": ccode[ok], "year": year[ok]}).duplicated(keep="first").to_numpy()
    if dup.any():
        shown = [f"ccode {c:.0f}, year {y:.0f}" for c, y in zip(ccode, year)]
        rows.flag(dup, "year", "this state-year appears twice", values=shown)
    frame = frame[list(NMC_COLUMNS)]
    result = _finish(frame, rows, "cow" if rows.has("stateabb") else "peacesciencer")
    result["ccode"] = result["ccode"].astype(np.int64)
    result["year"] = result["year"].astype(np.int64)
    return result


# ------------------------------------------------------------------ major powers


def read_major_powers(path: str | Path, *, lenient: bool = False) -> pd.DataFrame:
    """Read the COW major-power list (raw ``majors2016.csv`` or peacesciencer's ``cow_majors``).

    Returns
    -------
    pandas.DataFrame
        One row per spell with the columns of :data:`MAJOR_POWER_COLUMNS`: ``ccode``,
        ``stateabb`` (missing when the file has none), ``start`` and ``end`` (dates; a missing
        month or day means the first/last of the year or month) and their years ``styear`` and
        ``endyear``. ``attrs`` carries the row accounting as in :func:`read_nmc`.

    Raises
    ------
    DataError
        Naming file, line and field: a missing ``ccode``/``styear``/``endyear`` column, a bad
        number or date, or a spell that ends before it starts.
    """
    source = str(path)
    header, lines, raw = _read_csv(path, what="major-power")
    _require(header, ("ccode", "styear", "endyear"), source, "major-power")
    rows = _Rows(source, header, lines, raw, lenient=lenient)
    ccode = rows.number("ccode", integer=True)
    rows.flag(np.isfinite(ccode) & ((ccode < 1) | (ccode > 999)), "ccode", "a COW state number is between 1 and 999")
    dates = {}
    for prefix, label in (("st", "start"), ("end", "end")):
        year = rows.number(f"{prefix}year", integer=True)
        _four_digits(rows, f"{prefix}year", year)
        parts = {}
        for unit, top in (("month", 12), ("day", 31)):
            column = f"{prefix}{unit}"
            if rows.has(column):
                value = rows.number(column, missing=(*_MISSING_TEXT, "-9", "-9.0"), integer=True)
                out_of_range = np.isfinite(value) & ((value < 1) | (value > top))
                rows.flag(out_of_range, column, f"a {unit} is between 1 and {top}")
            else:
                value = np.full(len(rows), np.nan)
            parts[unit] = value
        out = []
        for i in range(len(rows)):
            if rows.bad[i]:
                out.append(np.datetime64("NaT", "s"))
                continue
            y, mo, d = int(year[i]), parts["month"][i], parts["day"][i]
            if np.isnan(mo):
                mo = 1 if label == "start" else 12
            mo = int(mo)
            last = calendar.monthrange(y, mo)[1]
            if np.isnan(d):
                d = 1 if label == "start" else last
            elif d > last:
                rows.flag(np.arange(len(rows)) == i, f"{prefix}day", f"{calendar.month_name[mo]} {y} has {last} days")
                out.append(np.datetime64("NaT", "s"))
                continue
            out.append(np.datetime64(f"{y:04d}-{mo:02d}-{int(d):02d}", "s"))
        dates[label] = pd.Series(np.array(out, dtype="datetime64[s]"))
    backwards = (dates["end"] < dates["start"]).to_numpy()
    rows.flag(backwards, "endyear", "the spell ends before it starts")
    frame = pd.DataFrame({"ccode": ccode})
    frame["stateabb"] = _stateabb(rows)
    frame["start"] = dates["start"]
    frame["end"] = dates["end"]
    result = _finish(frame, rows, "cow" if rows.has("stateabb") else "peacesciencer")
    result["ccode"] = result["ccode"].astype(np.int64)
    result["styear"] = result["start"].dt.year.astype(np.int64)
    result["endyear"] = result["end"].dt.year.astype(np.int64)
    return result[list(MAJOR_POWER_COLUMNS)]

