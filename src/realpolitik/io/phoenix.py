"""Read Phoenix event files (the OEDA daily ``events.full.YYYYMMDD.txt``) into realpolitik's event schema.

Phoenix is coded by PETRARCH2: tab-separated, no header row, no quoting, 26 columns
(:data:`PHOENIX_COLUMNS`). Each row becomes one event dated to its day (``Date``), from
``SourceActorEntity`` to ``TargetActorEntity`` — the actors' 3-letter CAMEO country codes,
resolved by the actor registry at that date, so ``RUS`` in 1985 is the USSR and ``CHN`` the
PRC — with its CAMEO ``EventCode`` and its ``GoldsteinScore`` as the Goldstein weight (the
CAMEO table's weight when it is empty). The quad class is the CAMEO table's, not Phoenix's
``QuadClass``, as for GDELT. Rows without two state actors that the registry knows (an empty
entity, ``IGO``, a militant group) are refused with their reason, never dropped: read a
whole file with ``lenient=True``. The events cite nothing; their ``dataset`` is the file's
name and ``row`` its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..actors import ActorRegistry
from ..events import LoadResult
from ._csv import compact_day, tab_rows, wrong_width
from .eventfile import read_source

__all__ = ["PHOENIX_COLUMNS", "read_phoenix"]

_ACTOR_FIELDS = ("Full", "Entity", "Role", "Attribute")

#: The 26 columns of a Phoenix event row, in order.
PHOENIX_COLUMNS: tuple[str, ...] = (
    "EventID", "Date", "Year", "Month", "Day",
    *(f"SourceActor{f}" for f in _ACTOR_FIELDS),
    *(f"TargetActor{f}" for f in _ACTOR_FIELDS),
    "EventCode", "EventRootCode", "QuadClass", "GoldsteinScore", "Issues", "Lat", "Lon",
    "LocationName", "StateName", "CountryCode", "SentenceID", "URLs", "NewsSources",
)
_INDEX = {name: k for k, name in enumerate(PHOENIX_COLUMNS)}


def _records(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    for line, fields in tab_rows(path, expect="Phoenix event rows"):
        if len(fields) != len(PHOENIX_COLUMNS):
            yield line, wrong_width(fields, f"has {len(fields)} fields; a Phoenix row has {len(PHOENIX_COLUMNS)}")
            continue
        row = dict(zip(PHOENIX_COLUMNS, fields))
        event_id = row["EventID"].strip()
        yield line, {
            "event_id": f"phoenix:{event_id}" if event_id else "",  # none: one made from the file and line
            "date_start": compact_day(row["Date"]),
            "src": row["SourceActorEntity"],
            "tgt": row["TargetActorEntity"],
            "cameo": row["EventCode"],
            "goldstein": row["GoldsteinScore"],
            "description": " ".join(
                x for x in (row["SourceActorFull"].strip(), "→", row["TargetActorFull"].strip()) if x
            ),
        }


def read_phoenix(path: str | Path, *, lenient: bool = False, registry: ActorRegistry | None = None) -> LoadResult:
    """Read a Phoenix event file; strict by default, ``lenient=True`` keeps the state-to-state rows."""
    return read_source(path, _records, lenient=lenient, registry=registry)
