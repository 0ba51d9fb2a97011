"""The HTML report of the triangle's history: figure, key events and the yearly table."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from . import datasets
from ._errors import RealpolitikError
from .citations import bibliography, citation_keys
from .relations import Relations, relations
from .structure.balance import triad_census
from .structure.frustration import frustration_index
from .structure.signed import SignedGraph
from .structure.triangle import periodize, strategic_triangle

__all__ = ["CORE", "KEY_EVENTS", "ReportResult", "core_dyad_table", "write_report"]

CORE = ("USA", "USSR", "PRC")
CORE_DYADS = (("PRC", "USSR"), ("PRC", "USA"), ("USA", "USSR"))

#: Directed stances whose drivers the report draws: Beijing and Washington, Beijing and Moscow.
DRIVER_DYADS = (("PRC", "USA"), ("USA", "PRC"), ("PRC", "USSR"), ("USSR", "PRC"))

#: Years whose triangle diagram the report draws: alliance, split, rapprochement, normalisation.
DIAGRAM_YEARS = (1952, 1966, 1975, 1988)

#: The year whose whole signed network the report draws, split by its optimal partition.
NETWORK_YEAR = 1969

#: Curated events marked on the figure, by event id, with a short label.
KEY_EVENTS: dict[str, str] = {
    "cwt-1950-009": "Sino-Soviet treaty",
    "cwt-1958-008": "Jinmen shelled",
    "cwt-1960-017": "Soviet experts recalled",
    "cwt-1962-008": "Sino-Indian war",
    "cwt-1969-002": "Zhenbao Island",
    "cwt-1971-008": "Kissinger in Beijing",
    "cwt-1972-004": "Nixon in Beijing",
    "cwt-1979-002": "US–PRC relations",
    "cwt-1979-016": "Afghanistan",
    "cwt-1986-001": "Vladivostok speech",
    "cwt-1987-008": "INF Treaty",
    "cwt-1989-005": "Gorbachev meets Deng",
}


@dataclass(frozen=True)
class ReportResult:
    """Where the report went, and the yearly table it shows."""

    path: Path
    table: pd.DataFrame


def core_dyad_table(rel: Relations, *, start: int = 1949, end: int = 1991) -> pd.DataFrame:
    """Yearly undirected stance of the three core dyads, one column per dyad."""
    sym = rel.symmetric()
    sym = sym[pd.Series(list(zip(sym["a"], sym["b"])), index=sym.index, dtype=object).isin(CORE_DYADS)]
    if sym.empty:
        raise RealpolitikError(f"no events among {', '.join(CORE)}: the report needs the core dyads")
    sym = sym.assign(dyad=sym["a"] + "–" + sym["b"], year=sym["period_start"].dt.year)
    wide = sym.pivot(index="year", columns="dyad", values="stance")
    wide = wide.loc[(wide.index >= start) & (wide.index <= end)].round(3)
    wide.columns.name = None
    return wide.reset_index()


def balance_series(rel: Relations, *, start: int, end: int, threshold: float = 0.1) -> pd.DataFrame:
    """Per year: the signed network of every observed dyad, its triad census and exact frustration."""
    rows = []
    for year in range(start, end + 1):
        graph = SignedGraph.from_relations(rel, str(year), threshold=threshold)
        census = triad_census(graph)
        result = frustration_index(graph)
        rows.append({"year": year, "nodes": graph.n, "edges": graph.m, "negative": graph.negative,
                     "triangles": census.total, "unbalanced": census.unbalanced,
                     "frustration": result.frustration, "normalized": round(result.normalized, 3),
                     "optimal": result.optimal})
    return pd.DataFrame(rows)


def _model_section(out: Path, observed: Relations, history: pd.DataFrame, runs: int) -> str:
    """History against the model: the ensemble band of each core dyad, both periodizations."""
    from .plots import plot_driver_pulls, plot_model_against_history
    from .sim.calibrate import target_outcomes, target_shares
    from .sim.compare import ensemble_patterns, pattern_shares
    from .sim.ensemble import simulate
    from .sim.explain import driver_pulls
    from .sim.scenario import load_scenario, refits_of

    scenario = load_scenario()
    ensemble = simulate(scenario, runs=runs, seed=0)
    refits = refits_of(scenario)
    plot_model_against_history(ensemble, observed, CORE_DYADS,
                               title=f"History against the model ({runs} runs of '{scenario.name}')").savefig(
        out / "model.png", dpi=100
    )
    model = strategic_triangle(ensemble.to_relations(), *CORE)
    shares = pattern_shares(ensemble_patterns(ensemble, CORE))
    side = pd.DataFrame({
        "year": history["period"].to_numpy(),
        "history": (history["pattern"] + " " + history["pivot"] + history["outcast"]).str.strip().to_numpy(),
    })
    side = side.merge(pd.DataFrame({
        "year": model["period"].to_numpy(),
        "model (ensemble mean)": (model["pattern"] + " " + model["pivot"] + model["outcast"]).str.strip().to_numpy(),
    }), on="year", how="left")
    side["runs in the history's pattern"] = [
        float(shares.loc[y, p]) if y in shares.index else float("nan")
        for y, p in zip(side["year"], history["pattern"])
    ]
    agree = (side["history"] == side["model (ensemble mean)"]).mean()
    targets = target_shares(target_outcomes(ensemble))
    targets = pd.DataFrame({"target": targets["description"], "share of runs": targets["share"].map("{:.0%}".format),
                            "met (at least 70 %)": np.where(targets["share"] >= 0.7, "yes", "no")})
    uncertain = ""
    if refits:
        mixed_runs = len(refits) * -(-runs // len(refits))  # a multiple of the refits: each weighs the same
        mixed = target_shares(target_outcomes(simulate(scenario, runs=mixed_runs, seed=0, parameter_sets=refits)))
        targets[f"share with the {len(refits)} refits' weights"] = mixed["share"].map("{:.0%}".format).to_numpy()
        uncertain = f"""<p>The last column runs the scenario {mixed_runs} times with the weights of {len(refits)}
bootstrap refits (<code>cold_war.refits.csv</code>: the calibration repeated on the training dyads drawn with
replacement), so its shares carry how loosely the training years fix the weights.</p>"""
    neighbours = _neighbours_figure(out, ensemble, observed)
    ideology = _ideology_figure(out, scenario)
    plot_driver_pulls(driver_pulls(ensemble, scenario, DRIVER_DYADS), DRIVER_DYADS).savefig(out / "drivers.png",
                                                                                            dpi=100)
    return f"""<h2>History against the model</h2>
<p>The reference scenario <code>{html.escape(scenario.name)}</code>, with the weights calibrated on 1949–1969
only, run {runs} times (seed 0). The model's yearly triangle pattern matches history in {agree:.0%} of years;
<code>docs/model.md</code> discusses the fit and what the model still misses.</p>
<img src="model.png" alt="Ensemble band against history">
<p>The reference targets of the dynamics issue, each a test on one run's yearly stances:</p>
{_html_table(targets)}
{uncertain}
{_html_table(side)}
<h3>What moves the model</h3>
<p>Each driver's weighted pull on a directed stance (weight × driver, mean over runs), beside the stance itself:
positive pulls draw the stance up, negative ones down, through the tanh of their sum
(<code>realpolitik drivers</code> prints the numbers).</p>
<img src="drivers.png" alt="Weighted pull of each driver on the core stances">
{ideology}
{neighbours}"""


def _ideology_figure(out: Path, scenario) -> str:
    """The scenario's ideological positions over time: the triangle and every state whose line is set apart."""
    from .plots import plot_ideology
    from .sim.model import exogenous

    ex = exogenous(scenario)
    apart = (ex.ideology[:, :, 2] != ex.ideology[:, :, 1]).any(axis=0)
    actors = [c for k, c in enumerate(ex.codes) if c in CORE or apart[k]]
    plot_ideology(ex.times, ex.ideology, ex.codes, actors).savefig(out / "ideology.png", dpi=90)
    return """<h3>The scenario's ideology</h3>
<p>The positions the model reads, as dated leadership and doctrine shocks move them: each state's economy, the
militancy it practises toward the other camp (which sets hostility across camps) and the line its party professes
within its own (which sets a schism within one); the line is drawn apart only where the scenario sets it apart
(<code>realpolitik scenario --positions</code> lists them).</p>
<img src="ideology.png" alt="Economy, militancy and line of the triangle and of the states whose line is set apart">"""


def _neighbours_figure(out: Path, ensemble, observed: Relations) -> str:
    """The dyads beyond the triangle that the calibration saw, as the stance estimator records model and history."""
    from .plots import plot_records_against_history
    from .sim.observe import ObservationModel, directed_paths, observed_dyads, record_correlation

    train = (int(ensemble.years[0]), 1969)
    core = {frozenset(c) for c in CORE_DYADS}
    dyads = [d for d in observed_dyads(observed, ensemble.codes, train) if frozenset(d) not in core]
    if not dyads:
        return ""
    history = ObservationModel.from_relations(observed, dyads, ensemble.years)
    recorded = history.record(directed_paths(ensemble.stances, ensemble.codes, dyads))
    plot_records_against_history(dyads, ensemble.years, history.observed, recorded, split=train[1] + 1,
                                 title="The neighbours: the model's record against history").savefig(
        out / "neighbours.png", dpi=90
    )
    mean = recorded.mean(axis=0)
    corr = {}
    for name, sel in (("training", ensemble.years <= train[1]), ("forecast", ensemble.years > train[1])):
        values = [record_correlation(history.observed[k, sel], mean[k, sel]) for k in range(len(dyads))]
        values = [v for v in values if not np.isnan(v)]
        corr[name] = float(np.median(values)) if values else float("nan")
    return f"""<h3>The neighbours</h3>
<p>The {len(dyads)} other dyads with at least five events in {train[0]}–{train[1]}, which the calibration fitted
alongside the triangle: each run as the stance estimator would have recorded it (shrunk where the evidence is thin,
remembering earlier years; <code>realpolitik.sim.observe</code>) against history's own record. The dotted line ends
the training window. Median correlation of the records' mean with history: {corr["training"]:.2f} in training,
{corr["forecast"]:.2f} in the forecast.</p>
<img src="neighbours.png" alt="The model's record against history for the neighbour dyads">"""


def _key_events(events: pd.DataFrame) -> pd.DataFrame:
    found = events[events["event_id"].isin(KEY_EVENTS)]
    return found.assign(label=found["event_id"].map(KEY_EVENTS)).sort_values("date_start")


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cls = "pos" if v > 0.05 else "neg" if v < -0.05 else ""
                cells.append(f'<td class="{cls}">{v:+.2f}</td>')
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; line-height: 1.45; }
table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; }
td.pos { color: #1e8449; } td.neg { color: #b03a2e; }
img { max-width: 100%; }
.note { color: #555; font-size: 0.9em; }
"""


def write_report(
    out_dir: str | Path,
    *,
    events: pd.DataFrame | None = None,
    start: int = 1949,
    end: int = 1991,
    model_runs: int = 100,
) -> ReportResult:
    """Write ``out_dir/index.html`` and its figures from the shipped (or given) events.

    With ``model_runs`` > 0 the report also sets the reference scenario's ensemble (seed 0)
    against the history.
    """
    # matplotlib is loaded only to draw: the web page imports this module's constants without it
    from .plots import plot_dyad_stance, plot_signed_network, plot_triangle_diagram, plot_triangle_strip

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    events = datasets.cold_war_triangle() if events is None else events
    everyone = relations(events, freq="year", end=end)
    core_rows = everyone.frame["src"].isin(CORE) & everyone.frame["tgt"].isin(CORE)
    rel = replace(everyone, frame=everyone.frame[core_rows].reset_index(drop=True))
    table = core_dyad_table(rel, start=start, end=end)

    keys = _key_events(events)
    fig = plot_dyad_stance(
        Relations(rel.frame[rel.frame["period_start"].dt.year >= start], rel.freq),
        CORE_DYADS,
        key_events=keys,
        title=f"The strategic triangle, {start}–{end}: stance of the three dyads",
    )
    fig.savefig(out / "stance.png", dpi=110)

    triangle = strategic_triangle(rel, *CORE)
    triangle = triangle[triangle["period_start"].dt.year.between(start, end)]
    plot_triangle_strip(triangle, title=f"Strategic triangle {'–'.join(CORE)}, {start}–{end}").savefig(
        out / "triangle.png", dpi=110
    )
    diagrams = []
    for year in DIAGRAM_YEARS:
        row = triangle[triangle["period"] == str(year)]
        if row.empty:
            continue
        r = row.iloc[0]
        name = f"triangle-{year}.png"
        plot_triangle_diagram(CORE, (r.sign_ab, r.sign_ac, r.sign_bc), title=f"{year}").savefig(out / name, dpi=80)
        diagrams.append(name)
    runs = periodize(triangle)

    balance = balance_series(everyone, start=start, end=end)
    network = SignedGraph.from_relations(everyone, str(NETWORK_YEAR), threshold=0.1)
    best = frustration_index(network)
    plot_signed_network(
        network, partition=best.partition,
        title=f"{NETWORK_YEAR}: optimal partition, {best.frustration} of {best.edges} edges frustrated",
    ).savefig(out / "network.png", dpi=100)

    bib = bibliography()
    cited = [k for k in citation_keys(events["citation"]) if k in bib]
    key_rows = "".join(
        f"<tr><td>{e.date_start:%Y-%m-%d}</td><td>{html.escape(e.precision)}</td>"
        f"<td>{html.escape(e.src)} → {html.escape(e.tgt)}</td><td>{html.escape(e.description)}</td>"
        f"<td>{html.escape(e.citation)}</td></tr>"
        for e in keys.itertuples(index=False)
    )
    model_section = _model_section(out, everyone, triangle, model_runs) if model_runs else ""
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>realpolitik — the strategic triangle</title>
<style>{_STYLE}</style></head><body>
<h1>The strategic triangle, {start}–{end}</h1>
<p>Stance of the United States, the Soviet Union and the People's Republic of China toward
each other, estimated from {len(events)} dated, sourced events (CAMEO-coded).
Each line is the mean of the two directions of a dyad; the band spans them.</p>
<img src="stance.png" alt="Stance of the three core dyads by year">
<p class="note">Estimator: exponentially weighted net cooperation (cooperative minus conflictual events,
by the sign of their Goldstein weights) with a half-life of {rel.half_life:g} year(s), shrunk toward neutral
by a prior worth {rel.prior:g} event(s); quiet years carry the last known relation forward while its
confidence decays. See <code>realpolitik.relations</code>.</p>
<h2>The strategic triangle</h2>
<p>Dittmer's patterns per year from the signs of the three dyads (dead-band 0.1 with hysteresis);
see <code>docs/triangle.md</code> for the method and the reading of the literature.</p>
<img src="triangle.png" alt="Strategic triangle pattern by year">
<p>{''.join(f'<img src="{html.escape(d)}" alt="triangle diagram" style="width:24%">' for d in diagrams)}</p>
{_html_table(runs)}
<h2>Structural balance</h2>
<p>Each year's signed network joins every pair of actors whose stance lies outside ±0.1. The
frustration index is the least number of edges whose removal leaves two opposed camps, proven
optimal by integer programming (HiGHS); <em>normalized</em> is 1 − 2L/m.</p>
<img src="network.png" alt="Signed network">
{_html_table(balance)}
{model_section}
<h2>Key events</h2>
<table><thead><tr><th>date</th><th>precision</th><th>who → whom</th><th>what</th><th>source</th></tr></thead>
<tbody>{key_rows}</tbody></table>
<h2>Yearly stance</h2>
{_html_table(table)}
<h2>Works cited by the data</h2>
<p class="note">{len(cited)} works; <code>realpolitik cite</code> prints their BibTeX.</p>
<ul>{''.join(f'<li><code>{html.escape(k)}</code></li>' for k in sorted(cited))}</ul>
</body></html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return ReportResult(path, table)
