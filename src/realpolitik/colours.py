"""The colour tables shared by the static figures (``plots``) and the web page, without matplotlib."""

from __future__ import annotations

__all__ = ["DRIVER_COLOURS", "DYAD_COLOURS", "PATTERN_COLOURS"]

#: Colours of the three core dyads, kept the same across every figure and page.
DYAD_COLOURS = {
    ("PRC", "USSR"): "#c0392b",
    ("PRC", "USA"): "#2471a3",
    ("USA", "USSR"): "#7d3c98",
}

#: Colours of the strategic-triangle patterns, the same on every figure and page.
PATTERN_COLOURS = {
    "menage_a_trois": "#27ae60",
    "romantic_triangle": "#f39c12",
    "stable_marriage": "#2980b9",
    "unit_veto": "#c0392b",
    "undetermined": "#d5d8dc",
}

#: A colour per driver of the alignment model (``sim.explain.driver_pulls``' columns), for the driver figures.
DRIVER_COLOURS = {
    "ideology": "#c0392b",
    "coexistence": "#27ae60",
    "threat": "#7f8c8d",
    "balance": "#8e44ad",
    "patronage": "#d68910",
    "pivot": "#2471a3",
    "sponsorship": "#16a085",
    "reciprocity": "#a6acaf",
}
