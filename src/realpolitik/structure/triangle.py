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
    "hysteresis_signs",
    "pattern_of_signs",
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
    pattern, pivot, outcast = (str(v) for v in pattern_of_signs(actors, sign_ab, sign_ac, sign_bc))
    signs = {"ab": sign_ab, "ac": sign_ac, "bc": sign_bc}
    roles = {x: _role(pattern, pivot, outcast, x) for x in actors}
    if pattern == "undetermined":
        scores = {x: 0 for x in actors}
    else:
        scores = {x: _score(actors, x, signs) for x in actors}
    return TriangleRoles(pattern, roles, scores, pivot=pivot or None, outcast=outcast or None)


def _role(pattern: str, pivot: str, outcast: str, actor: str) -> str:
    if pattern == "romantic_triangle":
        return "pivot" if actor == pivot else "wing"
    if pattern == "stable_marriage":
        return "outcast" if actor == outcast else "partner"
    return {"menage_a_trois": "friend", "unit_veto": "foe"}.get(pattern, "")


def _score(actors: tuple[str, str, str], x: str, signs):
    """Wu's positional score U_x = σ_xy + σ_xz − σ_yz (works on scalars and arrays alike)."""
    y, z = (o for o in actors if o != x)
    return signs[_pair(actors, x, y)] + signs[_pair(actors, x, z)] - signs[_pair(actors, y, z)]


def _pair(actors: tuple[str, str, str], x: str, y: str) -> str:
    """The key (ab, ac or bc) of the dyad x–y."""
    i, j = sorted((actors.index(x), actors.index(y)))
    return "abc"[i] + "abc"[j]


def hysteresis_signs(values: np.ndarray, dead_band: float, hysteresis: float) -> np.ndarray:
    """Signs with a dead-band and hysteresis along the last axis; NaN (no evidence) gives 0 and resets."""
    values = np.asarray(values, dtype=float)
    keep = dead_band - hysteresis
    out = np.zeros(values.shape, dtype=np.int8)
    state = np.zeros(values.shape[:-1], dtype=np.int8)
    for t in range(values.shape[-1]):
        x = values[..., t]
        held = np.where(state * x >= keep, state, 0)  # a set sign survives inside the band
        state = np.where(np.isnan(x), 0, np.where(x >= dead_band, 1, np.where(x <= -dead_band, -1, held)))
        out[..., t] = state
    return out


def pattern_of_signs(
    actors: tuple[str, str, str], sign_ab, sign_ac, sign_bc
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised classification: pattern, pivot and outcast names for arrays of dyad signs."""
    ab, ac, bc = (np.asarray(x) for x in (sign_ab, sign_ac, sign_bc))
    positive = (ab > 0).astype(int) + (ac > 0) + (bc > 0)
    undetermined = (ab == 0) | (ac == 0) | (bc == 0)
    names = np.array(["unit_veto", "stable_marriage", "romantic_triangle", "menage_a_trois"], dtype=object)
    pattern = np.where(undetermined, "undetermined", names[positive])
    a, b, c = actors
    # the pivot is the actor on both positive dyads; the outcast the one on both negative dyads
    pivot = np.select([(ab > 0) & (ac > 0), (ab > 0) & (bc > 0), (ac > 0) & (bc > 0)], [a, b, c], "")
    outcast = np.select([(ab < 0) & (ac < 0), (ab < 0) & (bc < 0), (ac < 0) & (bc < 0)], [a, b, c], "")
    romantic = (pattern == "romantic_triangle")
    married = (pattern == "stable_marriage")
    return pattern, np.where(romantic, pivot, ""), np.where(married, outcast, "")


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
        out[f"sign_{name}"] = hysteresis_signs(values, dead_band, hysteresis)
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
    pattern, pivot, outcast = pattern_of_signs(actors, signs["sign_ab"], signs["sign_ac"], signs["sign_bc"])
    info = pd.DataFrame({"pattern": pattern, "pivot": pivot, "outcast": outcast}, index=signs.index)
    determined = info["pattern"] != "undetermined"
    by_pair = {k: signs[f"sign_{k}"].astype(int) for k in ("ab", "ac", "bc")}
    for x in actors:
        info[f"role_{x}"] = [_role(p, pv, oc, x) for p, pv, oc in zip(pattern, pivot, outcast)]
        info[f"score_{x}"] = np.where(determined, _score(actors, x, by_pair), 0).astype(int)
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
