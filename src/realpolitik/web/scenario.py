"""The scenario as the page shows it: its shocks and parameters to edit, its capabilities to draw."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import numpy as np

from ..sim.scenario import PARAMETERS, SHOCK_FIELDS, Scenario
from .references import references_of

__all__ = ["capability_shares", "capability_source", "describe_scenario"]


def describe_scenario(scenario: Scenario) -> dict[str, object]:
    """Name, years, actors, shocks (with their citations) and parameters with their bounds."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        "start": scenario.start,
        "end": scenario.end,
        "actors": [{"code": a.code, "name": a.name} for a in scenario.actors],
        "shocks": [
            {**{f: _json_value(getattr(s, f)) for f in SHOCK_FIELDS}, "references": references_of(s.citation)}
            for s in scenario.shocks
        ],
        "parameters": [
            {"name": name, "value": scenario.parameters[name], "min": lo, "max": hi}
            for name, (lo, hi) in PARAMETERS.items()
        ],
    }


def _json_value(value: object) -> object:
    """Dates as ISO strings; everything else (numbers, strings, None for an unset field) as it is."""
    return value.isoformat() if isinstance(value, date) else value


def capability_shares(scenario: Scenario, year: int) -> dict[str, float]:
    """Each scenario actor's capability share in ``year``, interpolated between the years it gives.

    Outside those years the nearest given share holds.
    """
    out = {}
    for actor in scenario.actors:
        years = np.array(list(actor.capability), dtype=float)
        shares = np.array(list(actor.capability.values()), dtype=float)
        out[actor.code] = float(np.interp(year, years, shares))
    return out


def capability_source(scenario: Scenario) -> str:
    """Where the capabilities come from, in words, with the works the scenario file cites for them."""
    cited = ""
    try:
        meta = tomllib.loads(Path(scenario.source).read_text(encoding="utf-8")).get("scenario", {})
        refs = [r["short"] or r["key"] for r in references_of(str(meta.get("capability_citation", "")))]
        cited = f" ({'; '.join(refs)})" if refs else ""
    except (OSError, tomllib.TOMLDecodeError):
        pass
    return (
        f"Correlates of War CINC share of world capabilities{cited}, as the scenario '{scenario.name}' gives it "
        "at a few years, interpolated linearly between them (the nearest value holds outside them)."
    )
