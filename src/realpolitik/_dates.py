"""Partial dates: history is often known only to the month or the year."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["PartialDate", "date_window", "parse_partial_date"]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    """A date known to a day, a month or a year, with the first and last day it may mean."""

    first: date
    last: date
    precision: str


def parse_partial_date(text: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; history is often known only to the year."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError("expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    if year < 1000:
        raise ValueError("year must have four digits")
    if month is None:
        return PartialDate(date(year, 1, 1), date(year, 12, 31), "year")
    if not 1 <= month <= 12:
        raise ValueError("month must be 01-12")
    last_day = calendar.monthrange(year, month)[1]
    if day is None:
        return PartialDate(date(year, month, 1), date(year, month, last_day), "month")
    if not 1 <= day <= last_day:
        raise ValueError(f"day must be 01-{last_day:02d} in {year}-{month:02d}")
    d = date(year, month, day)
    return PartialDate(d, d, "day")


def date_window(value: date | datetime | str | int) -> tuple[date, date]:
    """The first and last day a bound means: a date, or a year/month/day as int or ISO text.

    Raises ``ValueError`` with a readable message for anything else.
    """
    if isinstance(value, datetime):
        return value.date(), value.date()
    if isinstance(value, date):
        return value, value
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{value!r} is not a year (YYYY) or a date (YYYY-MM or YYYY-MM-DD)")
    try:
        partial = parse_partial_date(str(value))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a year (YYYY) or a date (YYYY-MM or YYYY-MM-DD): {exc}") from None
    return partial.first, partial.last
