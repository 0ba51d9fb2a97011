"""CSV records with the lines they span: the one loop every reader shares, so errors name lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["CsvRecord", "csv_records"]


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
