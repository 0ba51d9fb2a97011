"""Library results turned into the API's plain JSON shapes (see ``schemas``), one function each."""

from __future__ import annotations

import pandas as pd

from ..colours import DYAD_COLOURS, PATTERN_COLOURS
from ..relations import Relations
from ..sim.scenario import Scenario
from .history import CORE, PATTERN_LABELS, History
from .scenario import capability_shares

__all__ = ["balance_view", "period_rows", "stances_view", "triangle_view", "triangle_year", "triangle_year_view"]


def _named(value: object) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def triangle_year(row: pd.Series) -> dict[str, object]:
    """One year of a :func:`strategic_triangle` table: pattern, pivot or outcast, roles and scores."""
    return {
        "year": int(row["period_start"].year),
        "pattern": row["pattern"],
        "label": PATTERN_LABELS.get(row["pattern"], row["pattern"]),
        "pivot": _named(row["pivot"]),
        "outcast": _named(row["outcast"]),
        "roles": {c: str(row[f"role_{c}"]) for c in CORE},
        "scores": {c: int(row[f"score_{c}"]) for c in CORE},
    }


def period_rows(periods: pd.DataFrame) -> list[dict[str, object]]:
    """Runs of one pattern (:func:`periodize`) with years as numbers."""
    return [
        {
            "start": int(p.start),
            "end": int(p.end),
            "years": int(p.periods),
            "pattern": p.pattern,
            "label": PATTERN_LABELS.get(p.pattern, p.pattern),
            "pivot": _named(p.pivot),
            "outcast": _named(p.outcast),
        }
        for p in periods.itertuples(index=False)
    ]


def stances_view(history: History, dyads: list[tuple[str, str]], start: int, end: int) -> dict[str, object]:
    """Yearly stance of each dyad, the key events of those years, and how the stance was estimated."""
    years = range(start, end + 1)
    series = []
    for a, b in dyads:
        values = history.dyad_series(a, b, years)
        lo, hi = sorted((a, b))
        series.append({"a": a, "b": b, "label": f"{a}–{b}", "colour": DYAD_COLOURS.get((lo, hi), "#555555"),
                       **values})
    rel: Relations = history.relations
    keys = [e for e in history.key_events() if start <= int(str(e["date_start"])[:4]) <= end]
    return {
        "start": start,
        "end": end,
        "years": list(years),
        "dyads": series,
        "key_events": keys,
        "estimator": (
            f"Exponentially weighted net cooperation (cooperative minus conflictual events) with a half-life of "
            f"{rel.half_life:g} year(s), shrunk toward neutral by a prior worth {rel.prior:g} event(s); "
            "a quiet year carries the last known relation forward. See realpolitik.relations."
        ),
    }


def triangle_view(history: History) -> dict[str, object]:
    """The triangle in every year of the history, and its periodization."""
    return {
        "actors": list(CORE),
        "start": history.start,
        "end": history.end,
        "dead_band": history.dead_band,
        "hysteresis": history.hysteresis,
        "patterns": [{"key": k, "label": PATTERN_LABELS[k], "colour": c} for k, c in PATTERN_COLOURS.items()],
        "years": [triangle_year(r) for _, r in history.triangle.iterrows()],
        "periods": period_rows(history.periods),
    }


def _caption(year: int, info: dict[str, object]) -> str:
    text = f"{year}: {info['label']}"
    if info["pivot"]:
        return f"{text}, {info['pivot']} the pivot between two foes"
    if info["outcast"]:
        return f"{text}, {info['outcast']} the outcast"
    if info["pattern"] == "undetermined":
        return f"{text}: a dyad lies within the dead-band"
    return text


def triangle_year_view(history: History, scenario: Scenario, year: int, *, source: str) -> dict[str, object]:
    """What the diagram of one year draws: each dyad's stance and sign, each actor's capability.

    ``source`` is :func:`~realpolitik.web.scenario.capability_source` of the scenario, computed
    once by the caller: it reads the scenario file.
    """
    row = history.triangle_row(year)
    info = triangle_year(row)
    shares = capability_shares(scenario, year)
    a, b, c = CORE
    edges = [
        {"a": x, "b": y, "stance": None if pd.isna(row[f"stance_{k}"]) else float(row[f"stance_{k}"]),
         "sign": int(row[f"sign_{k}"])}
        for k, (x, y) in {"ab": (a, b), "ac": (a, c), "bc": (b, c)}.items()
    ]
    nodes = [
        {"code": x, "name": history.names.get(x, x), "capability": shares.get(x), "role": info["roles"][x],
         "score": info["scores"][x]}
        for x in CORE
    ]
    return {**{k: info[k] for k in ("year", "pattern", "label", "pivot", "outcast")},
            "caption": _caption(year, info), "nodes": nodes, "edges": edges,
            "capability_source": source}


def balance_view(history: History, year: int) -> dict[str, object]:
    """A year's signed network split by its optimal partition, with the triad census."""
    found = history.balance(year)
    graph, best = found.graph, found.frustration
    edges = graph.edges()
    camps: list[list[str]] = [[], []]
    for node in graph.nodes:
        camps[best.partition.get(node, 0)].append(node)
    census = dict(found.census)
    index = census["triangle_index"]
    return {
        "year": year,
        "threshold": history.threshold,
        "nodes": [{"code": n, "name": history.names.get(n, n), "side": int(best.partition.get(n, 0))}
                  for n in graph.nodes],
        "edges": [{"a": e.src, "b": e.tgt, "sign": int(e.sign), "frustrated": bool(f)}
                  for e, f in zip(edges.itertuples(index=False), best.frustrated)],
        "camps": camps,
        "frustration": int(best.frustration),
        "lower_bound": int(best.lower_bound),
        "normalized": float(best.normalized),
        "optimal": bool(best.optimal),
        "census": {"ppp": census["+++"], "ppn": census["++-"], "pnn": census["+--"], "nnn": census["---"],
                   "triangles": census["triangles"], "balanced": census["balanced"],
                   "unbalanced": census["unbalanced"],
                   "triangle_index": None if index != index else float(index), "balance": census["balance"]},
    }
