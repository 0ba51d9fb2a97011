"""Read ICEWS coded events (the Dataverse ``.tab`` files) into realpolitik's event schema.

Each row becomes one event dated to its day (``Event Date``), from ``Source Country`` to
``Target Country`` — country names, resolved by the actor registry at that date — with its
``CAMEO Code`` and its ``Intensity`` as the Goldstein weight. Rows whose countries are
missing (``NA``), the same, or unknown to the registry are refused with their reason,
never dropped: read a whole file with ``lenient=True``.

References
----------
Boschee, E., et al. ICEWS Coded Event Data. Harvard Dataverse, doi:10.7910/DVN/28075.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .._errors import DataError
from ..actors import ActorRegistry
from ..events import LoadResult
from ._csv import tab_rows, wrong_width
from .eventfile import read_source

__all__ = ["ICEWS_REQUIRED", "read_icews"]

#: Columns an ICEWS event file must have (others, such as the location, are kept out).
ICEWS_REQUIRED = ("Event ID", "Event Date", "Source Name", "Source Country", "CAMEO Code", "Intensity",
                  "Target Name", "Target Country")


def _records(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    rows = tab_rows(path, expect="a header row")  # tab-separated, no quoting
    first, header = next(rows)
    names = [h.strip() for h in header]
    missing = [c for c in ICEWS_REQUIRED if c not in names]
    if missing:
        raise DataError(f"not an ICEWS event file: no column '{missing[0]}'", file=str(path), line=first,
                        field=missing[0])
    for line, fields in rows:
        if len(fields) != len(names):
            yield line, wrong_width(fields, f"has {len(fields)} fields, the header has {len(names)}")
            continue
        row = dict(zip(names, fields))
        src, tgt = (row[c].strip() for c in ("Source Country", "Target Country"))
        yield line, {
            "event_id": f"icews:{row['Event ID'].strip()}",
            "date_start": row["Event Date"],
            "src": "" if src == "NA" else src,
            "tgt": "" if tgt == "NA" else tgt,
            "cameo": row["CAMEO Code"],
            "goldstein": row["Intensity"],
            "description": f"{row['Source Name'].strip()} → {row['Target Name'].strip()}",
            "citation": "boschee2015",
        }


def read_icews(path: str | Path, *, lenient: bool = False, registry: ActorRegistry | None = None) -> LoadResult:
    """Read an ICEWS event file; strict by default, ``lenient=True`` keeps the state-to-state rows."""
    return read_source(path, _records, lenient=lenient, registry=registry)
