"""Read event files (CSV or Parquet in realpolitik's format) with strict or lenient validation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from .._errors import DataError
from ..actors import ActorRegistry
from ..events import (
    INPUT_COLUMNS,
    MALFORMED_KEY,
    REQUIRED_COLUMNS,
    LoadResult,
    has_undecodable_bytes,
    validate_records,
)
from ._csv import csv_records, wrong_width

__all__ = ["read_events", "read_frame", "read_source", "records_from_frame", "validate_source", "write_rejections"]


def read_events(
    path: str | Path,
    *,
    lenient: bool = False,
    registry: ActorRegistry | None = None,
    bibliography: Iterable[str] | None = None,
) -> LoadResult:
    """Read and validate an event file.

    Strict by default: the first bad row raises a :class:`DataError` naming the file, line,
    field and value, so a bad file is refused whole. With ``lenient=True`` the good rows are
    kept and every refused row is listed in the result; ``read == loaded + rejected``.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file", file=str(path))
    if path.suffix.lower() in {".parquet", ".pq"}:
        frame = _read_parquet(path)
        return read_frame(frame, lenient=lenient, registry=registry, bibliography=bibliography, source=str(path))
    return validate_source(_csv_records(path), str(path), lenient=lenient, registry=registry,
                           bibliography=bibliography)


def validate_source(
    records: Iterable[tuple[int, dict[str, object]]],
    source: str,
    *,
    lenient: bool,
    registry: ActorRegistry | None = None,
    bibliography: Iterable[str] | None = None,
) -> LoadResult:
    """Validate one source's records: strict raises the first problem, lenient lists them all."""
    result = validate_records(records, source=source, registry=registry, bibliography=bibliography)
    if not lenient:
        result.raise_first()
    return result


def read_source(
    path: str | Path,
    records: Callable[[Path], Iterable[tuple[int, dict[str, object]]]],
    *,
    lenient: bool,
    registry: ActorRegistry | None = None,
) -> LoadResult:
    """Read one file of a dataset's export with its ``records`` parser, and validate what it yields.

    The readers of GDELT, ICEWS and Phoenix differ only in ``records``, which turns the file
    into ``(line, record)`` pairs in the event schema's columns.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file", file=str(path))
    return validate_source(records(path), str(path), lenient=lenient, registry=registry)


def read_frame(
    frame: pd.DataFrame,
    *,
    lenient: bool = False,
    registry: ActorRegistry | None = None,
    bibliography: Iterable[str] | None = None,
    source: str = "<DataFrame>",
) -> LoadResult:
    """Validate a DataFrame of raw events exactly as :func:`read_events` validates a file."""
    result = validate_records(
        records_from_frame(frame), source=source, registry=registry, bibliography=bibliography, line_unit="row"
    )
    if not lenient:
        result.raise_first()
    return result


def records_from_frame(frame: pd.DataFrame) -> list[tuple[int, dict[str, object]]]:
    """Turn a DataFrame of raw events into ``(row, record)`` pairs for validation."""
    _check_header([str(c) for c in frame.columns], source="<DataFrame>")
    out = []
    for i, record in enumerate(frame.to_dict("records"), start=1):
        out.append((i, {k: _as_text(v) for k, v in record.items()}))
    return out


def write_rejections(result: LoadResult, path: str | Path) -> Path:
    """Write the refused rows, each with its line, field and reason, to a CSV side file."""
    path = Path(path)
    result.rejections_frame().to_csv(path, index=False)
    return path


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _check_header(header: list[str], *, source: str) -> list[str]:
    names = [h.strip().lower() for h in header]
    for i, name in enumerate(names):
        if not name:
            raise DataError("header has an empty column name", file=source, line=1, field=f"column {i + 1}")
        if names.index(name) != i:
            raise DataError("column appears twice in the header", file=source, line=1, field=name)
        if name not in INPUT_COLUMNS:
            raise DataError(
                f"unknown column; allowed columns are {', '.join(INPUT_COLUMNS)}",
                file=source,
                line=1,
                field=name,
            )
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise DataError(
            f"header lacks required column(s) {', '.join(missing)}", file=source, line=1, field=missing[0]
        )
    return names


def _csv_records(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    source = str(path)
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise DataError("file is empty: expected a header row", file=source, line=1)
    text = raw.decode("utf-8", errors="surrogateescape")
    lines = [x.removesuffix("\r") for x in text.split("\n")]  # physical lines, as csv counts them
    records = csv_records(text)
    header = next(records)
    if header.fields is None:
        raise DataError(header.error, file=source, line=1)
    if any(has_undecodable_bytes(h) for h in header.fields):
        raise DataError("header is not valid UTF-8", file=source, line=1)
    names = _check_header(header.fields, source=source)
    for record in records:
        if record.fields is None:
            # every physical line the broken record swallowed is refused, none is lost
            for k in range(record.first, record.last + 1):
                yield k, {MALFORMED_KEY: record.error, "raw": lines[k - 1] if k <= len(lines) else ""}
        elif not record.fields:
            continue  # a blank line is not a row
        elif len(record.fields) != len(names):
            reason = f"has {len(record.fields)} fields, the header has {len(names)}"
            yield record.first, wrong_width(record.fields, reason)
        else:
            yield record.first, dict(zip(names, record.fields))


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataError(f"cannot read Parquet: {exc}", file=str(path)) from None
    _check_header([str(c) for c in frame.columns], source=str(path))
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame
