"""Static figures with matplotlib: the stance of dyads through time, key events marked."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from .relations import Relations

__all__ = ["DYAD_COLOURS", "plot_dyad_stance"]

#: Colours of the three core dyads, kept the same across every figure and page.
DYAD_COLOURS = {
    ("PRC", "USSR"): "#c0392b",
    ("PRC", "USA"): "#2471a3",
    ("USA", "USSR"): "#7d3c98",
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
    for a, b in dyads:
        a, b = sorted((a, b))
        rows = sym[(sym["a"] == a) & (sym["b"] == b)]
        if rows.empty:
            continue
        colour = DYAD_COLOURS.get((a, b))
        x = rows["period_start"] + pd.Timedelta(days=182)
        ax.plot(x, rows["stance"], lw=2.2, color=colour, label=f"{a}–{b}")
        ax.fill_between(x, rows["ab"], rows["ba"], color=colour, alpha=0.15, lw=0)
    if key_events is not None and not key_events.empty:
        ax.set_ylim(-1.05, 1.25)
        last = key_events["date_start"].max()
        for i, ev in enumerate(key_events.itertuples(index=False)):
            ax.axvline(ev.date_start, color="#999", lw=0.6, ls=":")
            near_end = ev.date_start >= last - pd.Timedelta(days=3 * 365)
            ax.annotate(ev.label, (ev.date_start, 1.19 - 0.075 * (i % 4)), fontsize=7.5, va="top",
                        ha="right" if near_end else "left", xytext=(-2 if near_end else 2, 0),
                        textcoords="offset points", color="#333")
    ax.set_ylim(-1.05, 1.25)
    ax.set_ylabel("stance (−1 hostile … +1 friendly)")
    ax.set_title(title or "Stance of the dyads (band: the two directions)")
    ax.legend(loc="lower left", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig
