"""Records with the lines they span: the loops every reader shares, so errors name lines.

CSV files go through :func:`csv_records`; the field's tab-separated exports without quoting
(GDELT, ICEWS, Phoenix) through :func:`tab_rows`. A row whose field count is wrong becomes
:func:`wrong_width`'s record, which validation refuses with its reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .._errors import DataError
from ..events import COLUMN_COUNT_KEY

__all__ = ["CsvRecord", "compact_day", "csv_records", "tab_rows", "wrong_width"]


class CsvRecord(NamedTuple):
    """One record: the first and last physical line it spans, its fields, or why it is malformed."""

    first: int
    last: int
    fields: list[str] | None
    error: str | None = None


def csv_records(text: str) -> Iterator[CsvRecord]:
    """Every record of a CSV text, the header included and blank lines as empty records.

    A malformed record (a broken quote) yields ``fields=None`` with the reason, spanning
    every line it swallowed; reading goes on after it, so a lenient reader loses nothing.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            first, last = last + 1, max(reader.line_num, last + 1)
            yield CsvRecord(first, last, None, f"malformed CSV: {exc}")
            continue
        first, last = last + 1, reader.line_num
        yield CsvRecord(first, last, fields)


def tab_rows(path: Path, *, expect: str) -> Iterator[tuple[int, list[str]]]:
    """Every non-blank line of a tab-separated file without quoting: its number and its fields.

    Bytes that are not UTF-8 are kept (as surrogates) for validation to refuse by row; an
    empty file is refused whole, saying what it should have held (``expect``).
    """
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    if not text.strip():
        raise DataError(f"file is empty: expected {expect}", file=str(path), line=1)
    for line, row in enumerate(text.split("\n"), start=1):  # not splitlines: \x1e etc. are data
        row = row.removesuffix("\r")
        if row.strip():
            yield line, row.split("\t")


def wrong_width(fields: list[str], reason: str) -> dict[str, object]:
    """The record of a row with the wrong number of fields: its fields by position, and why."""
    return {f"column {i + 1}": v for i, v in enumerate(fields)} | {COLUMN_COUNT_KEY: reason}


def compact_day(text: str) -> str:
    """``YYYYMMDD`` as ``YYYY-MM-DD`` for the schema to check; anything else as it is, to be refused."""
    day = text.strip()
    return f"{day[:4]}-{day[4:6]}-{day[6:]}" if len(day) == 8 and day.isascii() and day.isdigit() else day
