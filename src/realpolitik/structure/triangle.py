"""Dittmer's strategic triangle: the pattern, roles and positional scores of three actors over time.

Each dyad of the triangle is amity (+1) or enmity (−1). Four patterns follow
(Dittmer 1981; Wu 1996 names the fourth):

* ``menage_a_trois`` — all three dyads positive;
* ``romantic_triangle`` — one *pivot* is friends with two *wings* who are foes;
* ``stable_marriage`` — two *partners* are friends and both are foes of the *outcast*;
* ``unit_veto`` — all three dyads negative (every actor a *foe*).

A dyad within the dead-band leaves the pattern ``undetermined``.

Dyad signs come from Relations: the symmetric stance of a dyad is the mean of its two
directed stances (or the one observed). A sign is set when that value leaves the
dead-band (|x| ≥ ``dead_band``) and, once set, is kept until the value falls back past
``dead_band − hysteresis`` toward zero (a Schmitt trigger), so a dyad hovering near a
threshold does not flicker between patterns.

Positional score (Wu 1996): U_i = σ_ij + σ_ik − σ_jk — an actor gains from its own
friendships and from the enmity of the other two: pivot +3, ménage partner +1, marriage
partner +1, wing −1, unit-veto foe −1, outcast −3.

References
----------
Dittmer, L. (1981). The Strategic Triangle: An Elementary Game-Theoretical Analysis.
*World Politics* 33(4), 485-515.

Wu, Y.-S. (1996). Exploring Dual Triangles: The Development of Taipei-Washington-Beijing
Relations. *Issues & Studies* 32(10).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import RealpolitikError
from ..relations import Relations

__all__ = [
    "PATTERNS",
    "TriangleRoles",
    "classify_triangle",
    "dyad_signs",
    "periodize",
    "strategic_triangle",
]

PATTERNS = ("menage_a_trois", "romantic_triangle", "stable_marriage", "unit_veto", "undetermined")


@dataclass(frozen=True)
class TriangleRoles:
    """The pattern of one triangle and each actor's role and positional score."""

    pattern: str
    roles: dict[str, str]
    scores: dict[str, int]
    pivot: str | None = None
    outcast: str | None = None


def classify_triangle(actors: tuple[str, str, str], sign_ab: int, sign_ac: int, sign_bc: int) -> TriangleRoles:
    """Classify a triangle (a, b, c) from the signs of its dyads ab, ac, bc (each −1, 0 or +1)."""
    a, b, c = actors
    signs = {frozenset((a, b)): sign_ab, frozenset((a, c)): sign_ac, frozenset((b, c)): sign_bc}
    if 0 in signs.values():
        return TriangleRoles("undetermined", {x: "" for x in actors}, {x: 0 for x in actors})

    def sigma(x: str, y: str) -> int:
        return signs[frozenset((x, y))]

    scores = {}
    for x in actors:
        y, z = (o for o in actors if o != x)
        scores[x] = sigma(x, y) + sigma(x, z) - sigma(y, z)
    positive = sum(s > 0 for s in signs.values())
    if positive == 3:
        return TriangleRoles("menage_a_trois", {x: "friend" for x in actors}, scores)
    if positive == 0:
        return TriangleRoles("unit_veto", {x: "foe" for x in actors}, scores)
    if positive == 2:
        pivot = max(actors, key=lambda x: scores[x])
        roles = {x: "pivot" if x == pivot else "wing" for x in actors}
        return TriangleRoles("romantic_triangle", roles, scores, pivot=pivot)
    outcast = min(actors, key=lambda x: scores[x])
    roles = {x: "outcast" if x == outcast else "partner" for x in actors}
    return TriangleRoles("stable_marriage", roles, scores, outcast=outcast)


def _schmitt(values: np.ndarray, dead_band: float, hysteresis: float) -> np.ndarray:
    """Signs with a dead-band and hysteresis; NaN (no evidence) gives 0 and resets the state."""
    keep = dead_band - hysteresis
    out = np.zeros(len(values), dtype=np.int8)
    state = 0
    for i, x in enumerate(values):
        if np.isnan(x):
            state = 0
        elif x >= dead_band:
            state = 1
        elif x <= -dead_band:
            state = -1
        elif state * x < keep:  # fell back past the hysteresis edge, or crossed zero
            state = 0
        out[i] = state
    return out


def dyad_signs(
    relations: Relations,
    actors: tuple[str, str, str],
    *,
    dead_band: float = 0.1,
    hysteresis: float = 0.05,
) -> pd.DataFrame:
    """Per period: the symmetric stance and the sign of each of the three dyads (ab, ac, bc)."""
    if not 0 <= hysteresis <= dead_band:
        raise RealpolitikError("need 0 <= hysteresis <= dead_band")
    if len(set(actors)) != 3:
        raise RealpolitikError(f"a triangle needs three different actors, got {actors}")
    missing = [x for x in actors if x not in relations.actors()]
    if missing:
        raise RealpolitikError(f"no relations for {', '.join(missing)}; include them when computing relations")
    sym = relations.symmetric()
    periods = (
        relations.frame[["period", "period_start"]].drop_duplicates().sort_values("period_start").reset_index(drop=True)
    )
    out = periods.copy()
    a, b, c = actors
    for name, (x, y) in (("ab", (a, b)), ("ac", (a, c)), ("bc", (b, c))):
        lo, hi = sorted((x, y))
        rows = sym[(sym["a"] == lo) & (sym["b"] == hi)].set_index("period")["stance"]
        values = periods["period"].map(rows).to_numpy(dtype=float)
        out[f"stance_{name}"] = values
        out[f"sign_{name}"] = _schmitt(values, dead_band, hysteresis)
    return out


def strategic_triangle(
    relations: Relations,
    a: str,
    b: str,
    c: str,
    *,
    dead_band: float = 0.1,
    hysteresis: float = 0.05,
) -> pd.DataFrame:
    """The strategic triangle of actors a, b, c in every period of ``relations``.

    Columns: ``period``, ``period_start``, ``pattern``, ``pivot``, ``outcast``, the three
    dyad signs and stances (``sign_ab``, ``sign_ac``, ``sign_bc``, ``stance_*``), and for
    each actor its role and positional score (``role_<X>``, ``score_<X>``).
    """
    actors = (a, b, c)
    signs = dyad_signs(relations, actors, dead_band=dead_band, hysteresis=hysteresis)
    rows = []
    for r in signs.itertuples(index=False):
        t = classify_triangle(actors, int(r.sign_ab), int(r.sign_ac), int(r.sign_bc))
        row = {"pattern": t.pattern, "pivot": t.pivot or "", "outcast": t.outcast or ""}
        for x in actors:
            row[f"role_{x}"] = t.roles[x]
            row[f"score_{x}"] = t.scores[x]
        rows.append(row)
    info = pd.DataFrame(rows, index=signs.index)
    front = ["period", "period_start", "pattern", "pivot", "outcast", "sign_ab", "sign_ac", "sign_bc"]
    out = pd.concat([signs, info], axis=1)
    rest = [col for col in out.columns if col not in front]
    return out[front + rest]


def periodize(triangle: pd.DataFrame) -> pd.DataFrame:
    """Runs of one pattern (with the same pivot or outcast): ``start``, ``end``, ``periods``."""
    if triangle.empty:
        return pd.DataFrame(columns=["start", "end", "pattern", "pivot", "outcast", "periods"])
    key = triangle["pattern"] + "|" + triangle["pivot"] + "|" + triangle["outcast"]
    run = (key != key.shift()).cumsum()
    grouped = triangle.groupby(run, sort=False)
    return pd.DataFrame(
        {
            "start": grouped["period"].first().to_numpy(),
            "end": grouped["period"].last().to_numpy(),
            "pattern": grouped["pattern"].first().to_numpy(),
            "pivot": grouped["pivot"].first().to_numpy(),
            "outcast": grouped["outcast"].first().to_numpy(),
            "periods": grouped.size().to_numpy(),
        }
    )
