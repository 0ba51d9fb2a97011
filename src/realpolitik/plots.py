"""Static figures with matplotlib: the stance of dyads through time, key events marked."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .colours import DRIVER_COLOURS, DYAD_COLOURS, PATTERN_COLOURS
from .relations import FREQUENCIES, Relations

__all__ = [
    "DRIVER_COLOURS",
    "DYAD_COLOURS",
    "PATTERN_COLOURS",
    "plot_driver_pulls",
    "plot_dyad_stance",
    "plot_ideology",
    "plot_model_against_history",
    "plot_signed_network",
    "plot_triangle_diagram",
    "plot_triangle_strip",
]

_PATTERN_LABELS = {
    "menage_a_trois": "ménage à trois",
    "romantic_triangle": "romantic triangle",
    "stable_marriage": "stable marriage",
    "unit_veto": "unit veto",
    "undetermined": "undetermined",
}


def plot_dyad_stance(
    relations: Relations,
    dyads: Sequence[tuple[str, str]],
    *,
    key_events: pd.DataFrame | None = None,
    title: str | None = None,
) -> Figure:
    """Plot the undirected stance of each dyad (the mean of both directions) over time.

    ``key_events`` (columns ``date_start`` and ``label``) are drawn as dated markers.
    Returns a :class:`matplotlib.figure.Figure`, built without pyplot's global state.
    """
    sym = relations.symmetric()
    fig = Figure(figsize=(11, 5.5), layout="constrained")
    ax = fig.add_subplot()
    ax.axhline(0, color="#555", lw=0.8)
    ax.set_ylim(-1.05, 1.25)
    for a, b in dyads:
        a, b = sorted((a, b))
        rows = sym[(sym["a"] == a) & (sym["b"] == b)]
        if rows.empty:
            continue
        colour = DYAD_COLOURS.get((a, b))
        x = rows["period_start"] + pd.Timedelta(days=182.6 * FREQUENCIES[relations.freq].years)  # mid-period
        ax.plot(x, rows["stance"], lw=2.2, color=colour, label=f"{a}–{b}")
        ax.fill_between(x, rows["ab"], rows["ba"], color=colour, alpha=0.15, lw=0)
    if key_events is not None and not key_events.empty:
        last = key_events["date_start"].max()
        for i, ev in enumerate(key_events.itertuples(index=False)):
            ax.axvline(ev.date_start, color="#999", lw=0.6, ls=":")
            near_end = ev.date_start >= last - pd.Timedelta(days=3 * 365)
            ax.annotate(ev.label, (ev.date_start, 1.19 - 0.075 * (i % 4)), fontsize=7.5, va="top",
                        ha="right" if near_end else "left", xytext=(-2 if near_end else 2, 0),
                        textcoords="offset points", color="#333")
    ax.set_ylabel("stance (−1 hostile … +1 friendly)")
    ax.set_title(title or "Stance of the dyads (band: the two directions)")
    ax.legend(loc="lower right", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig


def plot_triangle_strip(triangle: pd.DataFrame, *, title: str | None = None) -> Figure:
    """A band through time coloured by triangle pattern, each run labelled with its pivot or outcast.

    ``triangle`` is the output of :func:`realpolitik.structure.triangle.strategic_triangle`.
    """
    from .structure.triangle import periodize

    fig = Figure(figsize=(11, 1.9), layout="constrained")
    ax = fig.add_subplot()
    starts = triangle["period_start"].reset_index(drop=True)
    step = starts.diff().median() if len(starts) > 1 else pd.Timedelta(days=365)
    ends = starts.shift(-1).fillna(starts.iloc[-1] + step)
    for x0, x1, pattern in zip(starts, ends, triangle["pattern"]):
        ax.axvspan(x0, x1, color=PATTERN_COLOURS[pattern], lw=0)
    index = {p: i for i, p in enumerate(triangle["period"])}
    for run in periodize(triangle).itertuples(index=False):
        who = f"pivot {run.pivot}" if run.pivot else f"outcast {run.outcast}" if run.outcast else ""
        if not who or run.periods < 2:
            continue
        i0, i1 = index[run.start], index[run.end]
        mid = starts[i0] + (ends[i1] - starts[i0]) / 2
        ax.text(mid, 0.5, who, ha="center", va="center", fontsize=8 if run.periods > 3 else 6.5,
                color="white", weight="bold", clip_on=True)
    handles = [
        Patch(color=c, label=_PATTERN_LABELS[p])
        for p, c in PATTERN_COLOURS.items()
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=5, frameon=False, fontsize=8)
    ax.set_yticks([])
    ax.set_xlim(starts.iloc[0], ends.iloc[-1])
    ax.set_title(title or "Strategic triangle by period")
    return fig


def plot_triangle_diagram(
    actors: tuple[str, str, str],
    signs: tuple[int, int, int],
    *,
    sizes: dict[str, float] | None = None,
    title: str | None = None,
) -> Figure:
    """Three actors at the corners, edges green (+), red (−) or grey (undetermined).

    ``signs`` are those of the dyads ab, ac, bc; ``sizes`` (e.g. capability shares) scale
    the nodes.
    """
    from .structure.triangle import classify_triangle

    fig = Figure(figsize=(4.2, 4), layout="constrained")
    ax = fig.add_subplot()
    corners = {actors[0]: (0.0, 0.0), actors[1]: (1.0, 0.0), actors[2]: (0.5, 0.87)}
    colour = {1: "#27ae60", -1: "#c0392b", 0: "#aab7b8"}
    for (x, y), sign in zip(((0, 1), (0, 2), (1, 2)), signs):
        (x0, y0), (x1, y1) = corners[actors[x]], corners[actors[y]]
        ax.plot([x0, x1], [y0, y1], color=colour[int(sign)], lw=5, ls="-" if sign else ":", zorder=1)
    largest = max((sizes or {}).values(), default=1.0) or 1.0
    for name, (x, y) in corners.items():
        size = 900 + 2600 * ((sizes or {}).get(name, largest) / largest)
        ax.scatter([x], [y], s=size, color="#34495e", zorder=2)
        ax.text(x, y, name, color="white", ha="center", va="center", fontsize=9, weight="bold", zorder=3)
    roles = classify_triangle(actors, *map(int, signs))
    ax.set_title(title or _PATTERN_LABELS[roles.pattern])
    ax.set_xlim(-0.3, 1.3)
    ax.set_ylim(-0.3, 1.15)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def plot_signed_network(graph, *, partition: dict[str, int] | None = None, title: str | None = None) -> Figure:
    """Draw a signed graph: solid green positive edges, dashed red negative edges.

    With ``partition`` (node → 0/1, e.g. the optimal one of the frustration index) the two
    groups are placed on either side and coloured.
    """
    import networkx as nx

    g = graph.to_networkx()
    fig = Figure(figsize=(8, 6), layout="constrained")
    ax = fig.add_subplot()
    for _, _, d in g.edges(data=True):
        d["pull"] = 1.0 if d["sign"] > 0 else 0.15  # friends close, foes loosely tied
    pos = nx.spring_layout(g, weight="pull", seed=1)
    if partition and len(g):
        xs = np.array([p[0] for p in pos.values()])
        span = float(np.ptp(xs)) or 1.0
        pos = {n: (0.5 * (p[0] - xs.mean()) / span + (1.0 if partition.get(n, 0) else -1.0), p[1])
               for n, p in pos.items()}
    for a, b, d in g.edges(data=True):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        if d["sign"] > 0:
            ax.plot([x0, x1], [y0, y1], color="#27ae60", lw=1.2, alpha=0.7, zorder=1)
        else:
            ax.plot([x0, x1], [y0, y1], color="#c0392b", lw=1.0, ls="--", alpha=0.7, zorder=1)
    node_colour = ["#2980b9" if (partition or {}).get(n, 0) == 0 else "#8e44ad" for n in g.nodes]
    xs, ys = zip(*(pos[n] for n in g.nodes)) if len(g) else ((), ())
    ax.scatter(xs, ys, s=260, color=node_colour, zorder=2)
    for n in g.nodes:
        ax.text(*pos[n], n, ha="center", va="center", fontsize=7, color="white", zorder=3)
    ax.set_title(title or "Signed network")
    ax.axis("off")
    return fig


def plot_model_against_history(
    ensemble,
    observed: Relations,
    dyads: Sequence[tuple[str, str]],
    *,
    title: str | None = None,
) -> Figure:
    """One panel per dyad: the ensemble's 5–95 % band and mean against the observed stance."""
    sym = observed.symmetric()
    fig = Figure(figsize=(11, 2.6 * len(dyads)), layout="constrained")
    axes = fig.subplots(len(dyads), 1, sharex=True, squeeze=False)[:, 0]
    years = ensemble.years + 0.5
    for ax, (a, b) in zip(axes, dyads):
        lo, hi = sorted((a, b))
        colour = DYAD_COLOURS.get((lo, hi), "#555")
        paths = ensemble.dyad(a, b)
        ax.fill_between(years, np.quantile(paths, 0.05, axis=0), np.quantile(paths, 0.95, axis=0),
                        color=colour, alpha=0.2, lw=0, label="model 5–95 %")
        ax.plot(years, paths.mean(axis=0), color=colour, lw=1.5, ls="--", label="model mean")
        seen = sym[(sym["a"] == lo) & (sym["b"] == hi)]
        seen = seen[seen["period_start"].dt.year.between(ensemble.years.min(), ensemble.years.max())]
        ax.plot(seen["period_start"].dt.year + 0.5, seen["stance"], color=colour, lw=2.2, label="history")
        ax.axhline(0, color="#555", lw=0.8)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel(f"{lo}–{hi}")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(loc="lower left", frameon=False, ncol=3, fontsize=8)
    axes[0].set_title(title or "History against the model")
    return fig


def plot_records_against_history(
    dyads: Sequence[tuple[str, str]],
    years: np.ndarray,
    observed: np.ndarray,
    recorded: np.ndarray,
    *,
    split: float | None = None,
    columns: int = 4,
    title: str | None = None,
) -> Figure:
    """Small multiples, one per dyad: the model as the stance estimator would have recorded it, against history.

    ``observed`` is dyads × years, ``recorded`` runs × dyads × years (NaN where history has no
    record); ``split`` draws the end of the training window.
    """
    rows = -(-len(dyads) // columns)
    fig = Figure(figsize=(3.1 * columns, 1.7 * rows + 0.6), layout="constrained")
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    x = np.asarray(years) + 0.5
    with warnings.catch_warnings():  # a year without a record is NaN in every run: it stays a gap in the band
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
        lo, hi = np.nanquantile(recorded, [0.05, 0.95], axis=0)
        mean = np.nanmean(recorded, axis=0)
    for k, ax in enumerate(axes):
        if k >= len(dyads):
            ax.set_axis_off()
            continue
        ax.fill_between(x, lo[k], hi[k], color="#4c72b0", alpha=0.2, lw=0, label="model's record 5–95 %")
        ax.plot(x, mean[k], color="#4c72b0", lw=1.2, ls="--", label="model's record, mean")
        ax.plot(x, observed[k], color="#222", lw=1.6, label="history")
        ax.axhline(0, color="#888", lw=0.6)
        if split is not None:
            ax.axvline(split, color="#c44e52", lw=0.8, ls=":")
        ax.set_ylim(-1.05, 1.05)
        ax.set_title("–".join(dyads[k]), fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0].legend(loc="lower left", frameon=False, fontsize=6)
    fig.suptitle(title or "The model's record against history, dyad by dyad", fontsize=10)
    return fig


def plot_driver_pulls(pulls: pd.DataFrame, dyads: Sequence[tuple[str, str]], *, title: str | None = None) -> Figure:
    """One panel per directed dyad: each driver's weighted pull (``driver_pulls``) and the mean stance."""
    fig = Figure(figsize=(11, 2.4 * len(dyads)), layout="constrained")
    axes = fig.subplots(len(dyads), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (a, b) in zip(axes, dyads):
        rows = pulls[(pulls["src"] == a) & (pulls["tgt"] == b)]
        years = rows["year"] + 0.5
        for name, colour in DRIVER_COLOURS.items():
            if name in rows and rows[name].abs().max() > 0.02:  # leave out drivers that never pull
                ax.plot(years, rows[name], color=colour, lw=1.4, label=name)
        ax.plot(years, rows["stance"], color="black", lw=2.2, label="stance (mean)")
        ax.axhline(0, color="#555", lw=0.8)
        ax.set_ylabel(f"{a} → {b}")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    axes[0].set_title(title or "What pulls each stance: weighted drivers")
    return fig


def plot_ideology(times: np.ndarray, ideology: np.ndarray, codes: Sequence[str], actors: Sequence[str], *,
                  title: str | None = None) -> Figure:
    """One panel per actor: its economy, practised militancy and professed line on the model's step grid.

    ``times`` and ``ideology`` are ``Exogenous.times`` and ``Exogenous.ideology`` (steps × states ×
    (economy, militancy, line)); where the line is the militancy the two curves coincide, so a
    line set apart shows as a second curve.
    """
    fig = Figure(figsize=(11, 1.6 * len(actors)), layout="constrained")
    axes = fig.subplots(len(actors), 1, sharex=True, squeeze=False)[:, 0]
    styles = (("economy", "#7f8c8d", "-", 1.4), ("militancy", "#c0392b", "-", 2.0), ("line", "#2c3e50", "--", 1.6))
    edges = np.append(times, 2 * times[-1] - times[-2] if len(times) > 1 else times[-1] + 1)  # each step's span
    for ax, code in zip(axes, actors):
        k = list(codes).index(code)
        for column, (name, colour, dash, width) in enumerate(styles):
            values = ideology[:, k, column]
            ax.step(edges, np.append(values, values[-1]), where="post", color=colour, ls=dash, lw=width, label=name)
        ax.set_ylim(-0.05, 1.05)
        ax.set_ylabel(code)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    axes[0].set_title(title or "Ideology: economy (0 command, 1 market), militancy practised, line professed")
    return fig
