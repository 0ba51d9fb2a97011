"""The stance estimator: carries quiet years forward, decays confidence, spreads by precision."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik import RealpolitikError
from realpolitik.relations import RELATION_COLUMNS, Relations, estimate_stance


def _agg(rows):
    frame = pd.DataFrame(rows, columns=["year", "src", "tgt", "goldstein", "weight"])
    frame["period_start"] = pd.to_datetime(frame["year"].astype(str) + "-01-01").astype("datetime64[s]")
    frame["n"] = frame["weight"].round().astype(int)
    frame["net"] = np.sign(frame["goldstein"]) * frame["weight"]
    for q in range(1, 5):
        frame[f"n_q{q}"] = 0
        frame[f"goldstein_q{q}"] = 0.0
    return frame.drop(columns="year")


def test_quiet_years_carry_the_last_relation_forward():
    rel = estimate_stance(_agg([(1950, "A", "B", 40.0, 5.0), (1960, "A", "B", -10.0, 1.0)]), score="goldstein")
    ab = rel.dyad("A", "B").set_index("period")
    assert list(ab.index) == [str(y) for y in range(1950, 1961)]
    # 1951-1959 have no events, yet the stance stays positive and shrinks only slowly
    assert (ab.loc["1951":"1959", "stance"] > 0).all()
    assert ab.loc["1951", "stance"] > 0.5 * ab.loc["1950", "stance"]
    assert ab["confidence"].loc["1951":"1959"].is_monotonic_decreasing
    assert ab.loc["1951", "n"] == 0
    # the mean of the evidence: five events averaging +8 give a stance near 0.8·5/6
    assert ab.loc["1950", "stance"] == pytest.approx(0.8 * 5 / 6)


def test_net_score_counts_cooperation_against_conflict():
    # two cooperative events of +7 against four conflictual ones of -2: net reads hostile,
    # the Goldstein mean reads friendly
    agg = _agg([(1963, "A", "B", 14.0, 2.0)])
    agg = pd.concat([agg, _agg([(1963, "A", "B", -8.0, 4.0)])], ignore_index=True)
    net = estimate_stance(agg, score="net", prior=0).dyad("A", "B")["stance"].iloc[0]
    gold = estimate_stance(agg, score="goldstein", prior=0).dyad("A", "B")["stance"].iloc[0]
    assert net == pytest.approx((2 - 4) / 6)
    assert gold == pytest.approx((1.4 - 0.8) / 6)
    with pytest.raises(RealpolitikError, match="unknown score"):
        estimate_stance(agg, score="vibes")


def test_rows_start_at_first_evidence_and_respect_bounds():
    rel = estimate_stance(_agg([(1950, "A", "B", 8.0, 1.0), (1955, "B", "A", -5.0, 1.0)]), start=1953, end=1957)
    assert rel.dyad("B", "A")["period"].tolist() == ["1955", "1956", "1957"]
    assert rel.dyad("A", "B")["period"].tolist() == ["1953", "1954", "1955", "1956", "1957"]
    assert list(rel.frame.columns) == RELATION_COLUMNS


def test_symmetric_is_mean_of_directions():
    rel = estimate_stance(_agg([(1950, "A", "B", 8.0, 1.0), (1950, "B", "A", -4.0, 1.0)]))
    sym = rel.symmetric()
    row = sym[sym["period"] == "1950"].iloc[0]
    assert (row["a"], row["b"]) == ("A", "B")
    assert row["stance"] == pytest.approx((row["ab"] + row["ba"]) / 2)
    assert row["ab"] > 0 > row["ba"]


def test_bounds_outside_the_data_give_empty_relations():
    rel = estimate_stance(_agg([(1950, "A", "B", 8.0, 1.0)]), end=1900)
    assert len(rel) == 0 and list(rel.frame.columns) == RELATION_COLUMNS
    assert len(estimate_stance(_agg([(1950, "A", "B", 8.0, 1.0)]), start=1990, end=1991)) == 2
    with pytest.raises(RealpolitikError, match="not a year"):
        estimate_stance(_agg([(1950, "A", "B", 8.0, 1.0)]), end="soon")


def test_parameters_are_validated():
    with pytest.raises(RealpolitikError):
        estimate_stance(_agg([(1950, "A", "B", 1.0, 1.0)]), half_life=0)
    with pytest.raises(RealpolitikError):
        estimate_stance(_agg([(1950, "A", "B", 1.0, 1.0)]), freq="week")


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1945, 1991), st.floats(-10, 10), st.integers(1, 5)), min_size=1, max_size=30
    ),
    st.floats(0.25, 5.0),
    st.floats(0.0, 5.0),
    st.sampled_from(["net", "goldstein"]),
)
def test_stance_is_bounded_and_signed_like_its_evidence(events, half_life, prior, score):
    rows = [(y, "A", "B", g * n, float(n)) for y, g, n in events]
    rel = estimate_stance(_agg(rows), half_life=half_life, prior=prior, score=score)
    stance = rel.frame["stance"].to_numpy()
    assert np.all(np.abs(stance) <= 1.0 + 1e-12)
    if all(g >= 0 for _, g, _ in events):
        assert np.all(stance >= -1e-12)
    if all(g <= 0 for _, g, _ in events):
        assert np.all(stance <= 1e-12)


def test_relations_object_helpers():
    rel = estimate_stance(_agg([(1950, "A", "B", 8.0, 1.0), (1950, "B", "C", -8.0, 1.0)]))
    assert rel.actors() == ["A", "B", "C"]
    m = rel.matrix("1950")
    assert m.loc["A", "B"] > 0 > m.loc["B", "C"]
    with pytest.raises(RealpolitikError):
        rel.matrix("1800")
    assert isinstance(rel, Relations) and len(rel) == 2
