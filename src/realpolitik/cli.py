"""The command line: a thin layer over the library that prints tables, CSV or JSON."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from . import datasets
from ._errors import RealpolitikError
from .actors import ActorRegistry
from .io.eventfile import read_events, write_rejections
from .relations import Relations
from .store import EventStore

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Model how alliances among states form, split and re-form.",
)
actors_app = typer.Typer(no_args_is_help=True, help="The actor registry: codes, names, aliases.")
app.add_typer(actors_app, name="actors")

_out = Console(soft_wrap=True, markup=False, highlight=False)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class Score(str, Enum):
    net = "net"
    goldstein = "goldstein"


class Period(str, Enum):
    year = "year"
    quarter = "quarter"
    month = "month"


DataOption = Annotated[
    Optional[Path], typer.Option("--data", help="A user's event file (CSV/Parquet) instead of the shipped data.")
]
ActorsOption = Annotated[
    Optional[str], typer.Option("--actors", help="Comma-separated actor codes or names, e.g. USA,USSR,PRC.")
]
FromOption = Annotated[Optional[int], typer.Option("--from", help="First year.")]
ToOption = Annotated[Optional[int], typer.Option("--to", help="Last year.")]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]


def _events(data: Path | None) -> pd.DataFrame:
    return read_events(data).events if data is not None else datasets.cold_war_triangle()


def _actor_codes(text: str | None, year: int | None) -> list[str] | None:
    if not text:
        return None
    registry = ActorRegistry.default()
    when = f"{year}-07-01" if year is not None else None
    codes = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        codes.append(name.upper() if name.upper() in registry.codes() else registry.resolve(name, date=when))
    return codes


def _check_years(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and end < start:
        raise RealpolitikError(f"--to {end} is before --from {start}")


def _emit(frame: pd.DataFrame, fmt: Format, *, title: str, columns: list[str] | None = None) -> None:
    frame = frame if columns is None else frame[columns]
    if frame.empty:
        Console(stderr=True, markup=False).print(f"note: no rows match ({title})")
    if fmt is Format.csv:
        sys.stdout.write(frame.to_csv(index=False, date_format="%Y-%m-%d", float_format="%.4f"))
    elif fmt is Format.json:
        sys.stdout.write(frame.to_json(orient="records", date_format="iso", double_precision=4) + "\n")
    else:
        table = Table(title=title)
        for c in frame.columns:
            table.add_column(str(c), overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*[_cell(v) for v in row])
        _out.print(table)


def _cell(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.3f}"
    return str(value)


@app.command()
def events(
    actors: ActorsOption = None,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = Format.table,
    data: DataOption = None,
) -> None:
    """List events among the given actors in the given years."""
    _check_years(start, end)
    with EventStore() as store:
        store.insert(_events(data))
        frame = store.events(actors=_actor_codes(actors, start), start=start, end=end)
    if fmt is Format.table:
        frame = frame.assign(date=frame["date_start"].dt.strftime("%Y-%m-%d"))
        _emit(frame, fmt, title=f"{len(frame)} events",
              columns=["date", "precision", "src", "tgt", "cameo", "goldstein", "description", "citation"])
    else:
        _emit(frame.drop(columns=["dataset", "row"]), fmt, title="events")


@app.command()
def relations(
    actors: ActorsOption = None,
    by: Annotated[Period, typer.Option("--by", help="Period of the estimate.")] = Period.year,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = Format.table,
    data: DataOption = None,
    half_life: Annotated[float, typer.Option("--half-life", help="Half-life of evidence, years.")] = (
        Relations.DEFAULT_HALF_LIFE
    ),
    prior: Annotated[float, typer.Option("--prior", help="Weight of the neutral prior, in events.")] = (
        Relations.DEFAULT_PRIOR
    ),
    score: Annotated[Score, typer.Option("--score", help="Event score: net cooperation or Goldstein.")] = Score.net,
) -> None:
    """Directed stance per dyad and period, estimated from events."""
    _check_years(start, end)
    with EventStore() as store:
        store.insert(_events(data))
        rel = store.relations(
            freq=by.value, actors=_actor_codes(actors, start), start=start, end=end,
            half_life=half_life, prior=prior, score=score.value,
        )
    _emit(rel.frame, fmt, title=f"relations by {by.value}",
          columns=["period", "src", "tgt", "stance", "goldstein", "n"])


@app.command()
def triangle(
    a: Annotated[str, typer.Argument(help="First actor.")],
    b: Annotated[str, typer.Argument(help="Second actor.")],
    c: Annotated[str, typer.Argument(help="Third actor.")],
    by: Annotated[Period, typer.Option("--by", help="Period of the estimate.")] = Period.year,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = Format.table,
    data: DataOption = None,
    dead_band: Annotated[float, typer.Option("--dead-band", help="|stance| below this sets no sign.")] = 0.1,
    hysteresis: Annotated[float, typer.Option("--hysteresis", help="Sign kept down to dead-band - this.")] = 0.05,
    runs: Annotated[bool, typer.Option("--runs", help="Show the periodization (runs of one pattern) instead.")] = False,
) -> None:
    """Dittmer's strategic triangle of three actors: pattern, pivot or outcast, per period."""
    from .structure.triangle import periodize, strategic_triangle

    _check_years(start, end)
    codes = _actor_codes(",".join((a, b, c)), start)
    with EventStore() as store:
        store.insert(_events(data))
        rel = store.relations(freq=by.value, actors=codes, end=end)
    tri = strategic_triangle(rel, *codes, dead_band=dead_band, hysteresis=hysteresis)
    if start is not None:
        tri = tri[tri["period_start"].dt.year >= start]
    if runs:
        _emit(periodize(tri), fmt, title=f"strategic triangle {'–'.join(codes)}: periods")
    else:
        _emit(tri, fmt, title=f"strategic triangle {'–'.join(codes)}",
              columns=["period", "pattern", "pivot", "outcast", "sign_ab", "sign_ac", "sign_bc"])


@actors_app.command("resolve")
def actors_resolve(
    name: Annotated[str, typer.Argument(help="A name, alias, capital, leader or code.")],
    when: Annotated[Optional[str], typer.Option("--date", help="YYYY-MM-DD: resolve as of this date.")] = None,
) -> None:
    """Resolve a name to an actor code (date-aware: 'Russia' in 1960 is the USSR)."""
    registry = ActorRegistry.default()
    code = registry.resolve(name, date=when)
    actor = registry.actor(code)
    _out.print(f"{code}\t{actor.name}")


@actors_app.command("list")
def actors_list(fmt: FormatOption = Format.table) -> None:
    """List every actor of the registry."""
    _emit(ActorRegistry.default().table(), fmt, title="actors")


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="Event file, CSV or Parquet.")],
    db: Annotated[Path, typer.Option("--db", help="DuckDB file of the event store (created if missing).")],
    lenient: Annotated[bool, typer.Option("--lenient", help="Keep good rows; list refused ones aside.")] = False,
    rejects: Annotated[Optional[Path], typer.Option("--rejects", help="Side file for refused rows.")] = None,
) -> None:
    """Validate an event file and load it into an event store, all or nothing."""
    with EventStore(db) as store:
        result = store.load(file, lenient=lenient)
        total = store.count()
    _out.print(result.summary() + f"; the store now holds {total} events")
    if result.rejected:
        side = rejects or file.with_name(file.name + ".rejected.csv")
        write_rejections(result, side)
        _out.print(f"rejected rows and their reasons: {side}")


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="Folder to write index.html and figures into.")],
    data: DataOption = None,
    print_table: Annotated[bool, typer.Option("--print-table", help="Also print the yearly table.")] = False,
) -> None:
    """Write the HTML report of the triangle's history."""
    from .report import write_report

    result = write_report(out, events=_events(data) if data is not None else None)
    if print_table:
        _emit(result.table, Format.table, title="stance of the core dyads by year (mean of both directions)")
    _out.print(f"report written to {result.path}")


@app.command()
def cite() -> None:
    """Print BibTeX for every work the shipped data cites."""
    from .citations import cite as cite_works

    sys.stdout.write(cite_works())


def main() -> None:
    """Entry point: library errors become one clear line and a non-zero exit."""
    err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)
    try:
        app(standalone_mode=False)
    except RealpolitikError as exc:
        err.print(f"error: {exc}")
        raise SystemExit(1) from None
    except (typer.Abort, KeyboardInterrupt):
        raise SystemExit(130) from None
    except OSError as exc:
        err.print(f"error: {exc}")
        raise SystemExit(1) from None
    except Exception as exc:
        # usage errors of typer's bundled click carry their own message and exit code
        exit_code = getattr(exc, "exit_code", None)
        if exit_code is None:
            raise
        if callable(getattr(exc, "show", None)):
            exc.show()
        raise SystemExit(exit_code) from None
