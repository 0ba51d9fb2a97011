"""The command line: a thin layer over the library that prints tables, CSV or JSON."""

from __future__ import annotations

import os
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


class Balance(str, Enum):
    strict = "strict"
    generalized = "generalized"


BALANCE_COLUMNS = ["window", "nodes", "edges", "negative", "triangles", "unbalanced_triangles", "frustration",
                   "normalized", "optimal", "seconds"]


@app.command()
def balance(
    edges: Annotated[Optional[Path], typer.Argument(help="CSV of signed edges: src,tgt,sign[,window].")] = None,
    window: Annotated[Optional[str], typer.Option("--window", help="Column splitting edges into graphs.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Or: the shipped history's year.")] = None,
    exact: Annotated[bool, typer.Option("--exact/--heuristic", help="Proven optimum, or a fast upper bound.")] = True,
    partition: Annotated[Optional[Path], typer.Option("--partition", help="Write the best partition here.")] = None,
    time_limit: Annotated[Optional[float], typer.Option("--time-limit", help="Seconds per graph (exact).")] = None,
    kind: Annotated[Balance, typer.Option("--balance", help="Strict or generalized balance.")] = Balance.strict,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the heuristic.")] = 0,
    fmt: FormatOption = Format.table,
    data: DataOption = None,
) -> None:
    """Structural balance: triad census and the exact frustration index of signed networks."""
    from .io.cow import read_signed_edges
    from .structure import SignedGraph, frustration_index, triad_census

    if (edges is None) == (year is None):
        raise RealpolitikError("give an edge file or --year (the shipped history's signed network), not both")
    if edges is not None:
        frame = read_signed_edges(edges, window=window)
        key = window.strip().lower() if window else None
        groups = frame.groupby(key, sort=False) if key else [("all", frame)]
        graphs = {str(label): SignedGraph.from_edges(g, source=str(edges)) for label, g in groups}
    else:
        graphs = {str(year): _history_graph(year, data)}
    rows, sides = [], []
    for label, graph in graphs.items():
        census = triad_census(graph, balance=kind.value)
        result = frustration_index(graph, method="exact" if exact else "heuristic", time_limit=time_limit, seed=seed)
        rows.append({"window": label, "nodes": graph.n, "edges": graph.m, "negative": graph.negative,
                     "triangles": census.total, "unbalanced_triangles": census.unbalanced,
                     "frustration": result.frustration, "normalized": result.normalized,
                     "optimal": result.optimal, "seconds": result.seconds})
        sides.extend({"window": label, "node": node, "side": side} for node, side in result.partition.items())
    if partition is not None:
        pd.DataFrame(sides).to_csv(partition, index=False)
    _emit(pd.DataFrame(rows, columns=BALANCE_COLUMNS), fmt, title="structural balance")


def _history_graph(year: int, data: Path | None, threshold: float = 0.1):
    """The signed network of one year of the (shipped or given) history: sign of each dyad's stance."""
    from .structure import SignedGraph

    with EventStore() as store:
        store.insert(_events(data))
        rel = store.relations(freq="year", end=year)
    if str(year) not in set(rel.frame["period"]):
        raise RealpolitikError(f"no relations in {year}")
    return SignedGraph.from_relations(rel, str(year), threshold=threshold)


class Method(str, Enum):
    auto = "auto"
    exhaustive = "exhaustive"
    multistart = "multistart"


@app.command()
def blocs(
    propensities: Annotated[Optional[Path], typer.Option("--propensities", help="CSV a,b,propensity.")] = None,
    sizes: Annotated[Optional[Path], typer.Option("--sizes", help="CSV actor,size.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Instead of files: the shipped history's year.")] = None,
    actors: ActorsOption = None,
    method: Annotated[Method, typer.Option("--method", help="Exhaustive up to 25 actors, else multi-start.")] = (
        Method.auto
    ),
    starts: Annotated[int, typer.Option("--starts", help="Starts of the multi-start descent.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the multi-start descent.")] = 0,
    fmt: FormatOption = Format.table,
    data: DataOption = None,
) -> None:
    """Blocs by landscape theory (Axelrod-Bennett): every local minimum and its basin."""
    from .structure import Landscape, local_minima

    if year is not None:
        if propensities is not None or sizes is not None:
            raise RealpolitikError("give --propensities and --sizes, or --year, not both")
        codes = _actor_codes(actors, year)
        with EventStore() as store:
            store.insert(_events(data))
            rel = store.relations(freq="year", actors=codes, end=year)
        names = codes or rel.actors()
        landscape = Landscape.from_relations(rel, str(year), sizes={a: 1.0 for a in names}, actors=names)
    elif propensities is not None and sizes is not None:
        landscape = Landscape.from_csv(propensities, sizes)
    else:
        raise RealpolitikError("give --propensities and --sizes, or --year")
    result = local_minima(landscape, method=method.value, starts=starts, seed=seed)
    _emit(result.minima, fmt, title=f"landscape minima ({result.method})")


@app.command()
def polarity(
    capabilities: Annotated[Path, typer.Argument(help="COW National Material Capabilities CSV.")],
    states: Annotated[Optional[str], typer.Option("--states", help="COW numbers, comma-separated.")] = None,
    majors: Annotated[Optional[Path], typer.Option("--majors", help="COW major-powers CSV to restrict to.")] = None,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Polarity per year: Ray-Singer concentration and the number of poles."""
    from .io.nmc import read_major_powers, read_nmc
    from .structure.polarity import polarity as polarity_of

    _check_years(start, end)
    caps = read_nmc(capabilities)
    chosen: object = None
    if majors is not None:
        chosen = read_major_powers(majors)
    elif states:
        try:
            chosen = [int(x) for x in states.split(",") if x.strip()]
        except ValueError:
            raise RealpolitikError(f"--states takes COW numbers, got {states!r}") from None
    years = None
    if start is not None or end is not None:
        lo = start if start is not None else int(caps["year"].min())
        hi = end if end is not None else int(caps["year"].max())
        years = range(lo, hi + 1)
    _emit(polarity_of(caps, states=chosen, years=years), fmt, title="polarity")


ScenarioArgument = Annotated[
    Optional[Path], typer.Argument(help="Scenario TOML (default: the shipped cold_war scenario).")
]
RunsOption = Annotated[int, typer.Option("--runs", help="Runs in the ensemble.", min=1, max=1_000_000)]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the ensemble.")]
SetOption = Annotated[Optional[list[str]], typer.Option("--set", help="NAME=VALUE: set a model parameter.")]
DropOption = Annotated[Optional[list[str]], typer.Option("--drop-shock", help="ID: remove a shock.")]
ExecutorOption = Annotated[str, typer.Option("--executor", help="local, or dask.")]
WeightsOption = Annotated[Optional[Path], typer.Option(
    "--weights", help="CSV of parameter sets, one a row (as `calibrate --bootstrap-out` writes; the shipped "
                      "scenario's beside it as cold_war.refits.csv): run k takes set k mod the number of sets "
                      "(--runs a multiple of it), with --set on top, so the ensemble carries the weights' "
                      "uncertainty.")]
AddressOption = Annotated[Optional[str], typer.Option("--address", help="Dask scheduler (default: a LocalCluster).")]


def _set_values(sets: list[str] | None) -> dict[str, float]:
    values = {}
    for item in sets or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise RealpolitikError(f"--set takes NAME=VALUE, got {item!r}")
        try:
            values[name.strip()] = float(value)
        except ValueError:
            raise RealpolitikError(f"--set {name.strip()}: {value!r} is not a number") from None
    return values


def _scenario(path: Path | None, sets: list[str] | None, drops: list[str] | None):
    from .sim.scenario import load_scenario

    scenario = load_scenario(path)
    values = _set_values(sets)
    if values:
        scenario = scenario.with_parameters(**values)
    if drops:
        scenario = scenario.without_shocks(*drops)
    return scenario


def _parameter_sets(weights: Path | None, sets: list[str] | None) -> list[dict[str, float]] | None:
    """The sets of --weights, each with --set's values on top (they hold across every set)."""
    from .sim.scenario import read_parameter_sets

    if weights is None:
        return None
    fixed = _set_values(sets)
    return [{**row, **fixed} for row in read_parameter_sets(weights)]


def _ensemble(scenario, runs: int, seed: int, executor: str, address: str | None, parameter_sets=None):
    from rich.progress import Progress

    from .sim.ensemble import simulate

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{scenario.name}: {runs} runs", total=runs)
        return simulate(scenario, runs=runs, seed=seed, executor=executor, address=address,
                        progress=lambda done, total: bar.update(task, completed=done), parameter_sets=parameter_sets)


@app.command("scenario")
def scenario_inputs(
    scenario_file: ScenarioArgument = None,
    actors: Annotated[Optional[str], typer.Option(
        "--actors", help="Comma-separated actor codes: shocks by or on them, or their positions.")] = None,
    kind: Annotated[Optional[str], typer.Option(
        "--kind", help="Only shocks of this kind: ideology, nuclear, deployment, aid or war.")] = None,
    positions: Annotated[bool, typer.Option(
        "--positions", help="Each actor's ideology (economy, militancy, line) from each step where it changes, "
        "as the model sees it, instead of the shocks.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """The scenario's inputs: its dated shocks with their sources, or each actor's ideology over time."""
    from .sim.model import ideology_timeline
    from .sim.scenario import SHOCK_KINDS, load_scenario

    scenario = load_scenario(scenario_file)
    codes = []
    if actors is not None:
        by_code = {c.upper(): c for c in scenario.codes}  # codes are matched whatever their case
        given = [part.strip() for part in actors.split(",") if part.strip()]
        if not given:
            raise RealpolitikError(f"--actors names no actor; the scenario's are {', '.join(scenario.codes)}")
        unknown = [c for c in given if c.upper() not in by_code]
        if unknown:
            raise RealpolitikError(f"--actors: {unknown[0]} is not an actor of scenario {scenario.name} "
                                   f"({', '.join(scenario.codes)})")
        codes = [by_code[c.upper()] for c in given]
    if positions:
        if kind is not None:
            raise RealpolitikError("--kind selects shocks; --positions lists positions: give one or the other")
        frame = ideology_timeline(scenario)
        if codes:
            frame = frame[frame["actor"].isin(codes)]
        _emit(frame, fmt, title=f"{scenario.name}: ideology from each change (the line is the militancy unless "
                                "set apart)")
        return
    if kind is not None and kind not in SHOCK_KINDS:
        raise RealpolitikError(f"--kind {kind!r}: use one of {', '.join(SHOCK_KINDS)}")
    frame = scenario.shock_table()
    if kind is not None:
        frame = frame[frame["kind"] == kind]
    if codes:
        frame = frame[frame["actor"].isin(codes) | frame["target"].isin(codes)]
    columns = None
    if fmt is Format.table:  # a terminal's width: what each shock sets in one column, the full text in csv or json
        values = frame[["level", "economy", "militancy", "line"]]
        frame = frame.assign(sets=[", ".join(f"{k} {v:g}" for k, v in row.items() if pd.notna(v))
                                   for _, row in values.iterrows()])
        columns = ["id", "kind", "actor", "target", "start", "end", "sets", "citation"]
    _emit(frame, fmt, title=f"{scenario.name}: {len(frame)} shocks", columns=columns)


@app.command()
def simulate(
    scenario_file: ScenarioArgument = None,
    runs: RunsOption = 100,
    seed: SeedOption = 0,
    start: FromOption = None,
    end: ToOption = None,
    sets: SetOption = None,
    drops: DropOption = None,
    fmt: FormatOption = Format.table,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write every run's stances to Parquet.")] = None,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
    weights: WeightsOption = None,
) -> None:
    """Simulate an ensemble of the alignment model; print the band of each dyad per year."""
    _check_years(start, end)
    scenario = _scenario(scenario_file, sets, drops)
    ensemble = _ensemble(scenario, runs, seed, executor, address, _parameter_sets(weights, sets))
    summary = ensemble.summary()
    years = summary["period"].astype(int)
    keep = (years >= (start or 0)) & (years <= (end or 9999))
    if out is not None:
        ensemble.runs_frame().to_parquet(out, index=False)
    _emit(summary[keep], fmt, title=f"{scenario.name}: {runs} runs, seed {seed}",
          columns=["period", "src", "tgt", "mean", "p05", "p50", "p95"])


@app.command()
def drivers(
    scenario_file: ScenarioArgument = None,
    runs: RunsOption = 100,
    seed: SeedOption = 0,
    start: FromOption = None,
    end: ToOption = None,
    sets: SetOption = None,
    drops: DropOption = None,
    dyads: Annotated[
        Optional[str], typer.Option("--dyads", help="Directed dyads SRC-TGT, comma-separated (default: the triangle).")
    ] = None,
    fmt: FormatOption = Format.table,
    weights: WeightsOption = None,
    by_third: Annotated[bool, typer.Option(
        "--by-third", help="Split the pulls that run through third states (threat's balancing, balance, "
        "entrapment, pivot, sponsorship) by that state; in a table, rows where every pull is under 0.05 in size "
        "are left out (csv and json keep them).")] = False,
) -> None:
    """Why the model moves: each driver's weighted pull on each directed stance, per year.

    With --weights each set's runs are read with its own weights, and the pulls averaged.
    """
    from .sim.explain import THIRD_PARTY_DRIVERS, driver_pulls, third_party_pulls

    _check_years(start, end)
    scenario = _scenario(scenario_file, sets, drops)
    pairs = None
    if dyads:
        pairs = [tuple(part.strip().split("-")) for part in dyads.split(",") if part.strip()]
        bad = [p for p in pairs if len(p) != 2]
        if bad:
            raise RealpolitikError(f"--dyads: '{'-'.join(bad[0])}' is not SRC-TGT")
    parameter_sets = _parameter_sets(weights, sets)
    read = third_party_pulls if by_third else driver_pulls
    pulls = read(_ensemble(scenario, runs, seed, "local", None, parameter_sets), scenario, pairs, parameter_sets or ())
    keep = pulls["year"].between(start or 0, end or 9999)
    title = f"{scenario.name}: weighted pull {'by third state' if by_third else 'of each driver'}, {runs} runs, " \
            f"seed {seed}"
    if by_third and fmt is Format.table:
        small = pulls[list(THIRD_PARTY_DRIVERS)].abs().max(axis=1) < 0.05
        title += f" ({int((keep & small).sum())} rows with every pull under 0.05 left out)"
        keep &= ~small
    _emit(pulls[keep], fmt, title=title)


@app.command()
def compare(
    scenario_file: ScenarioArgument = None,
    alternative: Annotated[Optional[Path], typer.Option("--alt", help="Alternative scenario TOML.")] = None,
    sets: SetOption = None,
    drops: DropOption = None,
    runs: RunsOption = 200,
    seed: SeedOption = 0,
    actors: Annotated[str, typer.Option("--actors", help="The triangle's three actors.")] = "USA,USSR,PRC",
    fmt: FormatOption = Format.table,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
    weights: WeightsOption = None,
) -> None:
    """Compare a base and an alternative scenario: the probability of each triangle pattern per year.

    With --weights both run over the same parameter sets, the alternative's with --set on top: the sets
    replace the weights of an --alt file, so say a changed weight with --set.
    """
    from .sim.compare import compare_patterns

    base = _scenario(scenario_file, None, None)
    if alternative is None and not sets and not drops:
        raise RealpolitikError("say what differs: --alt FILE, --set NAME=VALUE or --drop-shock ID")
    alt = _scenario(alternative if alternative is not None else scenario_file, sets, drops)
    trio = tuple(x.strip() for x in actors.split(","))
    if len(trio) != 3:
        raise RealpolitikError(f"--actors needs three actors, got {actors!r}")
    frames = [_ensemble(sc, runs, seed, executor, address, _parameter_sets(weights, changes))
              for sc, changes in ((base, None), (alt, sets))]
    _emit(compare_patterns(*frames, trio), fmt, title=f"triangle patterns: base against alternative, {runs} runs")


DyadsOption = Annotated[
    str, typer.Option("--dyads", help="Every dyad observed in the training window ('observed', as the shipped "
                      "weights were fitted) or the triangle's three dyads ('core').")
]
MinEventsOption = Annotated[
    float, typer.Option("--min-events", help="With --dyads observed: events a dyad needs in the window "
                        "(by weight: a span counts once a year).")
]
DirectedOption = Annotated[
    bool, typer.Option("--directed", help="Score each direction of a dyad against its own record (who moved "
                       "toward whom) instead of the mean of both: the fit and the --test-to forecast; the "
                       "out-of-sample report stays undirected.")
]


def _training_dyads(choice: str, observed, scenario, train_to: int, min_events: float):
    from .sim.calibrate import CORE_DYADS
    from .sim.observe import observed_dyads

    if choice == "core":
        return CORE_DYADS
    if choice == "observed":
        return observed_dyads(observed, scenario.codes, (scenario.start, train_to), min_events=min_events)
    raise RealpolitikError(f"--dyads must be 'core' or 'observed', not {choice!r}")


def _observed_history(data: Path | None, scenario):
    with EventStore() as store:
        store.insert(_events(data))
        return store.relations(freq="year", actors=scenario.codes)


@app.command()
def calibrate(
    scenario_file: ScenarioArgument = None,
    runs: RunsOption = 32,
    seed: SeedOption = 0,
    maxiter: Annotated[int, typer.Option("--maxiter", help="Generations of differential evolution.")] = 60,
    workers: Annotated[int, typer.Option("--workers", help="Processes evaluating a generation.")] = 1,
    train_to: Annotated[int, typer.Option("--train-to", help="Last year of the training window.")] = 1969,
    evaluate_runs: Annotated[int, typer.Option("--evaluate", help="Runs of the out-of-sample check (0: none).")] = 200,
    test_to: Annotated[Optional[int], typer.Option(
        "--test-to", help="Last year of the out-of-sample check. Before the scenario's end, nothing later is simulated "
                          "or shown: an inner check on the training years alone.")] = None,
    dyads: DyadsOption = "observed",
    min_events: MinEventsOption = 5.0,
    directed: DirectedOption = False,
    replicates: Annotated[int, typer.Option(
        "--bootstrap", min=0, help="Also refit on the dyads drawn with replacement this many times, and print "
                                   "each parameter's spread: how firmly the training years fix it.")] = 0,
    bootstrap_out: Annotated[Optional[Path], typer.Option(
        "--bootstrap-out", help="With --bootstrap: write every refit's parameters to this CSV (for simulate "
                                "--weights).")] = None,
    orderings: Annotated[Optional[list[str]], typer.Option(
        "--ordering", help="A prior from outside the data: A,B keeps weight A at least weight B (e.g. "
                           "threat,ideology: Walt's balance of threat before ideological solidarity). Repeatable; "
                           "the bootstrap refits keep it too.")] = None,
    data: DataOption = None,
) -> None:
    """Re-fit the model's weights on history up to --train-to; print them and the out-of-sample check."""
    from rich.progress import Progress

    from .sim.calibrate import calibrate as fit
    from .sim.calibrate import evaluate, training_loss

    if bootstrap_out is not None and not replicates:
        raise RealpolitikError("--bootstrap-out needs --bootstrap N")
    if bootstrap_out is not None:
        _check_writable(bootstrap_out, "--bootstrap-out")  # fails now, not after the refits
    at_least = [_ordering(text) for text in orderings or ()]
    scenario = _scenario(scenario_file, None, None)
    if test_to is not None and not train_to < test_to <= scenario.end:
        raise RealpolitikError(f"--test-to must be after --train-to ({train_to}) and at most {scenario.end}, "
                               f"not {test_to}")
    observed = _observed_history(data, scenario)
    fitted = _training_dyads(dyads, observed, scenario, train_to, min_events)
    # the same search for the fit and every bootstrap refit
    search = dict(train=(scenario.start, train_to), runs=runs, seed=seed, maxiter=maxiter, workers=workers,
                  directed=directed, at_least=at_least)
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("calibrating", total=maxiter)
        result = fit(scenario, observed, dyads=fitted, **search,
                     progress=lambda generation, best: bar.update(task, completed=generation))
    _out.print(f"# {result.method}; MSE of the ensemble mean {result.mse:.4f}")
    _out.print(result.toml())  # the table, under its training CRPS
    if replicates:
        _print_bootstrap(scenario, observed, replicates, result, bootstrap_out, **search)
    if evaluate_runs and test_to is not None and test_to < scenario.end:
        # the reference targets and the triangle reach past test_to, so only the forecast's score is shown
        held_out = training_loss(scenario, observed, result.parameters, train=(train_to + 1, test_to),
                                 runs=evaluate_runs, seed=seed + 1, dyads=fitted, directed=directed)
        _out.print(f"# forecast {train_to + 1}-{test_to} ({evaluate_runs} runs; nothing later simulated): "
                   f"CRPS {held_out['crps']:.4f}, MSE of the ensemble mean {held_out['mse']:.4f}")
    elif evaluate_runs:
        report = evaluate(scenario, observed, runs=evaluate_runs, seed=seed + 1, params=result.parameters,
                          train=(scenario.start, train_to), test=(train_to + 1, scenario.end), dyads=fitted)
        _out.print(report.summary())


def _ordering(text: str) -> tuple[str, str]:
    """'threat,ideology' → ('threat', 'ideology'): weight A at least weight B (a comma, which no shell reads)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise RealpolitikError(f"--ordering must read A,B (weight A at least weight B, e.g. threat,ideology), "
                               f"not {text!r}")
    return parts[0], parts[1]


def _check_writable(path: Path, option: str) -> None:
    """Refuse a path that cannot be written, without creating anything that a later failure would leave behind."""
    folder = path.parent
    if path.is_dir():
        reason = "it is a folder"
    elif not folder.is_dir():
        reason = f"no folder {folder}"
    elif not os.access(path if path.exists() else folder, os.W_OK):
        reason = "permission denied"
    else:
        return
    raise RealpolitikError(f"{option}: cannot write {path}: {reason}")


def _print_bootstrap(scenario, observed, replicates: int, result, out: Path | None, **search) -> None:
    from rich.progress import Progress

    from .sim.calibrate import bootstrap

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("bootstrap", total=replicates)
        table = bootstrap(scenario, observed, replicates, dyads=result.dyads,
                          progress=lambda b: bar.update(task, completed=b), **search)
    if out is not None:
        table.to_csv(out, index=False)
    spread = table[list(result.fitted)].quantile([0.05, 0.5, 0.95]).T
    spread.columns = ["p05", "p50", "p95"]
    spread.insert(0, "fit", [result.parameters[n] for n in result.fitted])
    _out.print(f"# bootstrap: {replicates} refits on the {len(result.dyads)} dyads drawn with replacement")
    _out.print(spread.to_string(float_format=lambda v: f"{v:.3f}"))


@app.command()
def profile(
    parameter: Annotated[str, typer.Argument(help="The model parameter to vary, e.g. threat.")],
    values: Annotated[str, typer.Option("--values", help="Comma-separated values to try.")] = "0,0.5,1,2,4",
    scenario_file: Annotated[Optional[Path], typer.Option("--scenario", help="Scenario TOML.")] = None,
    runs: RunsOption = 64,
    seed: SeedOption = 0,
    train_to: Annotated[int, typer.Option("--train-to", help="Last year of the training window.")] = 1969,
    dyads: DyadsOption = "observed",
    min_events: MinEventsOption = 5.0,
    directed: DirectedOption = False,
    by_year: Annotated[bool, typer.Option("--by-year", help="One row per dyad-year, those the change from the "
                                          "first value to the last hurts most first.")] = False,
    refit: Annotated[bool, typer.Option(
        "--refit", help="Refit every other weight at each value (a calibration per value): what the training "
                        "years really charge for holding the parameter there.")] = False,
    maxiter: Annotated[int, typer.Option("--maxiter", help="With --refit: generations of each search.")] = 60,
    workers: Annotated[int, typer.Option("--workers", help="With --refit: processes per generation.")] = 1,
    fmt: FormatOption = Format.table,
    data: DataOption = None,
) -> None:
    """Training CRPS of each dyad as one parameter varies, the others as shipped: who speaks for a driver.

    With --refit, the training CRPS and the refitted weights at each value instead.
    """
    from .sim.calibrate import profile as training_profile

    try:
        grid = [float(v) for v in values.split(",") if v.strip()]
    except ValueError:
        raise RealpolitikError(f"--values must be comma-separated numbers, not {values!r}") from None
    grid = list(dict.fromkeys(grid))  # a value given twice is profiled once
    if not grid:
        raise RealpolitikError("--values needs at least one number")
    if refit and by_year:
        raise RealpolitikError("--refit gives one row per value; it cannot be combined with --by-year")
    scenario = _scenario(scenario_file, None, None)
    observed = _observed_history(data, scenario)
    chosen = _training_dyads(dyads, observed, scenario, train_to, min_events)
    if refit:
        _print_refit_profile(scenario, observed, parameter, grid, fmt, train=(scenario.start, train_to), runs=runs,
                             seed=seed, dyads=chosen, directed=directed, maxiter=maxiter, workers=workers,
                             check_runs=256)
        return
    table = training_profile(scenario, observed, parameter, grid, train=(scenario.start, train_to), runs=runs,
                             seed=seed, dyads=chosen, by_year=by_year, directed=directed)
    title = f"training CRPS by dyad, {scenario.start}-{train_to}, {runs} runs"
    if by_year:
        _emit(_by_year_table(table, parameter, grid), fmt, title=title.replace("by dyad", "by dyad-year"))
        return
    wide = table.pivot(index="dyad", columns="value", values="crps").reindex(table["dyad"].unique())
    wide.columns = [f"{parameter}={_label(v)}" for v in wide.columns]
    _emit(wide.reset_index(), fmt, title=title)


def _print_refit_profile(scenario, observed, parameter: str, grid: list[float], fmt: Format, **search) -> None:
    from rich.progress import Progress

    from .sim.calibrate import refit_profile

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"refitting at each {parameter}", total=len(grid))
        table = refit_profile(scenario, observed, parameter, grid,
                              progress=lambda k: bar.update(task, completed=k), **search)
    table = table.rename(columns={"loss": "training_crps"})  # the held value is the parameter's own column
    table = table[[parameter, "training_crps", "nfev", *(c for c in scenario.parameters if c != parameter)]]
    (first, last), runs, check = search["train"], search["runs"], search["check_runs"]
    _emit(table, fmt, title=f"{parameter} held, the other weights refitted on {first}-{last} ({runs} runs per "
                            f"evaluation; training CRPS re-scored on {check} runs)")


def _label(value: float) -> str:
    """A parameter value as a column label: short, and distinct for values that differ (15 digits)."""
    return f"{value:.15g}"


def _by_year_table(table, parameter: str, grid: list[float]):
    """One row per dyad-year: the observed stance, the record and CRPS at each value, worst change first."""
    wide = table.pivot_table(index=["dyad", "year", "observed"], columns="value", values=["record", "crps"])
    wide.columns = [f"{what}@{parameter}={_label(v)}" for what, v in wide.columns]
    first, last = (f"crps@{parameter}={_label(v)}" for v in (grid[0], grid[-1]))
    wide["change"] = wide[last] - wide[first]
    wide = wide.reset_index()
    return wide.sort_values(["change", "dyad", "year"], ascending=[False, True, True], ignore_index=True)


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
    source: Annotated[str, typer.Option("--source", help="Format: events, gdelt, icews or phoenix.")] = "events",
) -> None:
    """Validate an event file and load it into an event store, all or nothing."""
    with EventStore(db) as store:
        result = store.load(file, lenient=lenient, format=source)
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
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
    data: DataOption = None,
    scenario_file: Annotated[
        Optional[Path], typer.Option("--scenario", help="Scenario TOML to simulate (default: the shipped one).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Simulations running at once.", min=1, max=64)] = 2,
) -> None:
    """Serve the web page and its JSON API (history, triangle, balance, simulations)."""
    import uvicorn

    from .web import create_app

    application = create_app(data, scenario=scenario_file, workers=workers)
    _out.print(f"realpolitik: http://{host}:{port}/ (JSON API schema at /openapi.json); Ctrl-C stops")
    uvicorn.run(application, host=host, port=port, log_level="warning")


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
