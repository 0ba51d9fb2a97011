"""Dittmer's strategic triangle: classification, hysteresis, and the periods of the shipped history."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import realpolitik as rp
from realpolitik import RealpolitikError
from realpolitik.relations import Relations
from realpolitik.structure.triangle import (
    classify_triangle,
    hysteresis_signs,
    pattern_of_signs,
    periodize,
    strategic_triangle,
)

ABC = ("A", "B", "C")


@pytest.mark.parametrize("signs", list(itertools.product([-1, 1], repeat=3)))
def test_every_sign_pattern_is_classified_with_consistent_roles(signs):
    t = classify_triangle(ABC, *signs)
    positive = sum(s > 0 for s in signs)
    expected = {3: "menage_a_trois", 2: "romantic_triangle", 1: "stable_marriage", 0: "unit_veto"}[positive]
    assert t.pattern == expected
    if expected == "romantic_triangle":
        assert t.scores[t.pivot] == 3 and sorted(t.scores.values()) == [-1, -1, 3]
        assert sorted(t.roles.values()) == ["pivot", "wing", "wing"]
    if expected == "stable_marriage":
        assert t.scores[t.outcast] == -3 and sorted(t.scores.values()) == [-3, 1, 1]
    if expected == "menage_a_trois":
        assert set(t.scores.values()) == {1}
    if expected == "unit_veto":
        assert set(t.scores.values()) == {-1} and set(t.roles.values()) == {"foe"}


def test_pivot_and_outcast_are_the_right_actors():
    romantic = classify_triangle(ABC, 1, 1, -1)  # A friends with B and C, who are foes
    assert romantic.pivot == "A" and romantic.roles == {"A": "pivot", "B": "wing", "C": "wing"}
    marriage = classify_triangle(ABC, -1, -1, 1)  # B and C married, A outcast
    assert marriage.outcast == "A"
    assert classify_triangle(ABC, 1, 0, 1).pattern == "undetermined"


def test_hysteresis_keeps_a_sign_near_the_threshold():
    x = np.array([0.3, 0.08, 0.06, 0.04, -0.08, -0.12, -0.07, 0.0, np.nan, 0.2])
    assert hysteresis_signs(x, 0.1, 0.05).tolist() == [1, 1, 1, 0, 0, -1, -1, 0, 0, 1]
    assert hysteresis_signs(x, 0.1, 0.0).tolist() == [1, 0, 0, 0, 0, -1, 0, 0, 0, 1]


def _relations(values: dict[tuple[str, str], list[float]]) -> Relations:
    rows = []
    for (src, tgt), series in values.items():
        for year, v in zip(range(2000, 2000 + len(series)), series):
            rows.append({"period": str(year), "period_start": pd.Timestamp(f"{year}-01-01"), "src": src, "tgt": tgt,
                         "stance": v})
    return Relations(pd.DataFrame(rows))


def test_triangle_and_periodization_from_relations():
    rel = _relations({("A", "B"): [0.5, 0.5, 0.5, -0.5], ("B", "A"): [0.3, 0.3, 0.3, -0.3],
                      ("A", "C"): [0.5, 0.5, 0.5, 0.5], ("B", "C"): [-0.5, -0.5, 0.5, -0.5]})
    tri = strategic_triangle(rel, "A", "B", "C")
    assert tri["pattern"].tolist() == ["romantic_triangle"] * 2 + ["menage_a_trois", "stable_marriage"]
    assert tri["pivot"].tolist()[:2] == ["A", "A"] and tri["outcast"].tolist()[3] == "B"
    assert tri["stance_ab"].tolist()[0] == pytest.approx(0.4)  # mean of the two directions
    runs = periodize(tri)
    assert runs[["start", "end", "periods"]].values.tolist() == [["2000", "2001", 2], ["2002", "2002", 1],
                                                                  ["2003", "2003", 1]]
    with pytest.raises(RealpolitikError, match="no relations for D"):
        strategic_triangle(rel, "A", "B", "D")


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    rel = rp.relations(rp.datasets.cold_war_triangle(), actors=["USA", "USSR", "PRC"])
    return strategic_triangle(rel, "USA", "USSR", "PRC").set_index("period")


def _years(history, first, last):
    return history.loc[str(first):str(last)]


def test_1950s_sino_soviet_marriage_with_the_us_outcast(history):
    early = _years(history, 1949, 1952)
    marriage = (early["pattern"] == "stable_marriage") & (early["outcast"] == "USA")
    assert marriage.sum() >= 3


def test_1960s_china_isolated(history):
    sixties = _years(history, 1960, 1968)
    # either all against all, or a US-Soviet understanding with China the outcast
    isolated = (sixties["pattern"] == "unit_veto") | (sixties["outcast"] == "PRC")
    assert isolated.all()
    assert (sixties["score_PRC"] < 0).all()


def test_1970s_romantic_triangle_with_the_us_as_pivot(history):
    seventies = _years(history, 1972, 1978)
    assert (seventies["pattern"] == "romantic_triangle").all() and (seventies["pivot"] == "USA").all()


def test_1980_sino_american_marriage_against_the_ussr(history):
    assert history.loc["1980", "pattern"] == "stable_marriage" and history.loc["1980", "outcast"] == "USSR"


def test_late_1980s_menage_a_trois(history):
    late = _years(history, 1985, 1988)
    assert (late["pattern"] == "menage_a_trois").all()


def test_vectorised_signs_and_patterns_agree_with_the_scalar_ones():
    rng = np.random.default_rng(3)
    x = rng.uniform(-0.3, 0.3, size=(5, 40))
    x[1, 7] = np.nan
    rows = np.stack([hysteresis_signs(row, 0.1, 0.05) for row in x])
    assert np.array_equal(hysteresis_signs(x, 0.1, 0.05), rows)
    combos = np.array(list(itertools.product([-1, 0, 1], repeat=3)))
    pattern, pivot, outcast = pattern_of_signs(ABC, combos[:, 0], combos[:, 1], combos[:, 2])
    for k, (ab, ac, bc) in enumerate(combos):
        t = classify_triangle(ABC, ab, ac, bc)
        assert (pattern[k], pivot[k] or None, outcast[k] or None) == (t.pattern, t.pivot, t.outcast)
