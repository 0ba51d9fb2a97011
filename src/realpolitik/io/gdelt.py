"""Read GDELT 1.0 event exports (tab-separated, no header) into realpolitik's event schema.

Each row becomes one event dated to its day (``SQLDATE``), from ``Actor1CountryCode`` to
``Actor2CountryCode`` (resolved by the actor registry at that date, so ``RUS`` in 1985 is
the USSR and ``CHN`` the PRC), with its ``EventCode`` and ``GoldsteinScale``. The quad
class is taken from the CAMEO table, not from GDELT's ``QuadClass`` (which differs for
roots 09 and 14; see :func:`realpolitik.cameo.quad_class`). Rows without two state actors
that the registry knows are refused with their reason, never dropped: a GDELT file is
mostly domestic and non-state events, so read it with ``lenient=True``.

References
----------
Leetaru, K., & Schrodt, P. A. (2013). GDELT: Global Data on Events, Location and Tone,
1979-2012. ISA Annual Convention.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..actors import ActorRegistry
from ..events import LoadResult
from ._csv import compact_day, tab_rows, wrong_width
from .eventfile import read_source

__all__ = ["GDELT1_COLUMNS", "read_gdelt"]

_ACTOR_FIELDS = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                 "Religion2Code", "Type1Code", "Type2Code", "Type3Code")
_GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID")

#: The 57 columns of a GDELT 1.0 event row (daily files since April 2013 add ``SOURCEURL``).
GDELT1_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR_FIELDS),
    *(f"Actor2{f}" for f in _ACTOR_FIELDS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{f}" for f in _GEO_FIELDS),
    *(f"Actor2Geo_{f}" for f in _GEO_FIELDS),
    *(f"ActionGeo_{f}" for f in _GEO_FIELDS),
    "DATEADDED",
)
_WITH_URL = len(GDELT1_COLUMNS) + 1


def _records(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    index = {name: k for k, name in enumerate(GDELT1_COLUMNS)}
    for line, fields in tab_rows(path, expect="GDELT event rows"):
        if len(fields) not in (len(GDELT1_COLUMNS), _WITH_URL):
            yield line, wrong_width(fields, f"has {len(fields)} fields; a GDELT 1.0 row has 57, or 58 with SOURCEURL")
            continue
        yield line, {
            "event_id": f"gdelt:{fields[index['GLOBALEVENTID']].strip()}",
            "date_start": compact_day(fields[index["SQLDATE"]]),
            "src": fields[index["Actor1CountryCode"]],
            "tgt": fields[index["Actor2CountryCode"]],
            "cameo": fields[index["EventCode"]],
            "goldstein": fields[index["GoldsteinScale"]],
            "description": " ".join(
                x for x in (fields[index["Actor1Name"]], "→", fields[index["Actor2Name"]]) if x.strip()
            ),
            "citation": "leetaru2013" + (f"; {fields[-1].strip()}" if len(fields) == _WITH_URL else ""),
        }


def read_gdelt(path: str | Path, *, lenient: bool = False, registry: ActorRegistry | None = None) -> LoadResult:
    """Read a GDELT 1.0 event file; strict by default, ``lenient=True`` keeps the state-to-state rows."""
    return read_source(path, _records, lenient=lenient, registry=registry)
