"""The observation model: a simulated path recorded the way the stance estimator records history."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import realpolitik as rp
from realpolitik import RealpolitikError
from realpolitik.io.eventfile import read_events
from realpolitik.sim.calibrate import CORE_DYADS
from realpolitik.sim.ensemble import Ensemble
from realpolitik.sim.observe import (
    ObservationModel,
    both_directions,
    directed_paths,
    observed_dyads,
    record_correlation,
)

HEADER = "event_id,date_start,date_end,precision,src,tgt,cameo,description,citation\n"
COOPERATE, CONFLICT = "057", "111"  # sign a formal agreement (+), criticise (−)


def _history(tmp_path, signs: dict[tuple[str, str], dict[int, int]], seed: int, **estimator):
    """Events whose every score in a year is that year's sign, 0–3 of them a year."""
    rng = np.random.default_rng(seed)
    rows, k = [], 0
    for (src, tgt), by_year in signs.items():
        for year, sign in by_year.items():
            for _ in range(int(rng.integers(0, 4))):
                k += 1
                code = COOPERATE if sign > 0 else CONFLICT
                day = f"{year}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
                rows.append(f"e{k},{day},,day,{src},{tgt},{code},Synthetic event number {k} of the test,none\n")
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "".join(rows))
    return rp.relations(read_events(path).events, actors=["USA", "USSR", "PRC"], **estimator)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_path_that_matches_every_event_is_recorded_exactly_as_history_was(tmp_path, seed):
    # if the true stance of each year is the sign every event of that year carries, the
    # estimator's record of it is the observed stance itself: shrinkage, memory (from events
    # before the model's first year too) and the mean of the two directions included
    rng = np.random.default_rng(seed + 100)
    years = np.arange(1949, 1961)
    signs = {d: {y: int(rng.choice([-1, 1])) for y in range(1944, 1961)} for d in [("USA", "USSR"), ("USSR", "USA")]}
    observed = _history(tmp_path, signs, seed)
    model = ObservationModel.from_relations(observed, [("USA", "USSR")], years)
    path = np.array([[[signs[("USA", "USSR")][y] for y in years], [signs[("USSR", "USA")][y] for y in years]]])
    recorded = model.record(path[None])[0]
    ok = ~np.isnan(model.observed)
    assert ok.sum() >= 8
    np.testing.assert_allclose(recorded[ok], model.observed[ok], atol=1e-9)
    assert np.isnan(recorded[~ok]).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.3, 4.0), st.floats(0.1, 4.0), st.integers(1944, 1958), st.booleans())
def test_any_history_is_recorded_exactly(seed, half_life, prior, first, both_ways):
    # random histories, estimators, windows, and dyads seen one way: the record of the path the
    # events imply is what the estimator reports, year by year
    rng = np.random.default_rng(seed)
    directions = [("USA", "USSR"), ("USSR", "USA")] if both_ways else [("USSR", "USA")]
    signs = {d: {y: int(rng.choice([-1, 1])) for y in range(1940, 1961)} for d in directions}
    with tempfile.TemporaryDirectory() as tmp:
        observed = _history(Path(tmp), signs, seed, half_life=half_life, prior=prior)
    years = np.arange(first, 1961)
    model = ObservationModel.from_relations(observed, [("USA", "USSR")], years)
    path = np.zeros((1, 1, 2, len(years)))
    for side, d in enumerate([("USA", "USSR"), ("USSR", "USA")]):
        if d in signs:
            path[0, 0, side] = [signs[d][y] for y in years]
    recorded = model.record(path)[0]
    ok = ~np.isnan(model.observed)
    np.testing.assert_allclose(recorded[ok], model.observed[ok], atol=1e-9)
    assert np.isnan(recorded[~ok]).all()


def test_every_observed_dyad_is_recorded_exactly_whatever_the_estimator():
    # on the shipped events, with a non-default half-life and prior: the path each year's own
    # events imply (net score ÷ evidence) is recorded as exactly the observed stance, for
    # dyads whose first event falls inside the window and years where one side is silent
    events = rp.datasets.cold_war_triangle()
    codes = ["USA", "USSR", "PRC", "IND", "PAK", "JPN", "PRK", "ROK", "VNM", "KHM", "MNG", "AFG", "ROC"]
    observed = rp.relations(events, actors=codes, half_life=2.5, prior=3.0)
    dyads = observed_dyads(observed, codes, (1960, 1975), min_events=3)
    years = np.arange(1960, 1976)
    model = ObservationModel.from_relations(observed, dyads, years)
    frame = observed.frame
    path = np.zeros((1, len(dyads), 2, len(years)))
    for d, (a, b) in enumerate(dyads):
        for side, (src, tgt) in enumerate(((a, b), (b, a))):
            rows = frame[(frame["src"] == src) & (frame["tgt"] == tgt)]
            rows = rows.assign(year=rows["period"].astype(int)).set_index("year")
            for t, year in enumerate(years):
                if year in rows.index and rows.loc[year, "weight"] > 0:
                    path[0, d, side, t] = rows.loc[year, "net"] / rows.loc[year, "weight"]
    recorded = model.record(path)[0]
    ok = ~np.isnan(model.observed)
    assert len(dyads) >= 20 and ok.sum() > 300
    np.testing.assert_allclose(recorded[ok], model.observed[ok], atol=1e-9)


def test_a_directed_record_is_each_directions_own():
    # directed: each direction is read and recorded alone; where both directions are seen, their
    # mean is the undirected record and the variance of that mean is the directions' over four
    observed = rp.relations(rp.datasets.cold_war_triangle(), actors=["USA", "USSR", "PRC"])
    years = np.arange(1955, 1970)
    both = ObservationModel.from_relations(observed, CORE_DYADS, years)
    one_way = ObservationModel.from_relations(observed, both_directions(CORE_DYADS), years, directed=True)
    assert one_way.dyads == (("USSR", "PRC"), ("PRC", "USSR"), ("USA", "PRC"), ("PRC", "USA"), ("USA", "USSR"),
                             ("USSR", "USA"))
    assert not one_way.present[:, 1].any()
    frame = observed.frame.set_index(["src", "tgt", "period"])["stance"]
    for d, (a, b) in enumerate(one_way.dyads):
        for t, year in enumerate(years):
            assert one_way.observed[d, t] == pytest.approx(frame[(a, b, str(year))])
    np.testing.assert_allclose((one_way.observed[0::2] + one_way.observed[1::2]) / 2, both.observed, atol=1e-12)
    np.testing.assert_allclose((one_way.error[0::2] ** 2 + one_way.error[1::2] ** 2) / 4, both.error**2, atol=1e-12)
    path = np.random.default_rng(7).uniform(-1, 1, size=(3, len(CORE_DYADS), 2, len(years)))
    directed = np.zeros((3, 2 * len(CORE_DYADS), 2, len(years)))
    directed[:, :, 0] = path.reshape(3, 2 * len(CORE_DYADS), len(years))  # a→b then b→a, as both_directions
    recorded = one_way.record(directed)
    np.testing.assert_allclose((recorded[:, 0::2] + recorded[:, 1::2]) / 2, both.record(path), atol=1e-12)


def test_a_dyad_seen_one_way_or_not_at_all_is_recorded_without_error(tmp_path):
    years = np.arange(1949, 1956)
    observed = _history(tmp_path, {("USA", "USSR"): {y: 1 for y in range(1949, 1956)}}, seed=4)
    model = ObservationModel.from_relations(observed, [("USA", "USSR"), ("USA", "PRC")], years)
    assert not model.present[0, 1].any() and not model.present[1].any()
    recorded = model.record(np.ones((1, 2, 2, len(years))))[0]
    np.testing.assert_allclose(recorded[0][model.present[0, 0]], model.observed[0][model.present[0, 0]])
    assert np.isnan(recorded[1]).all() and np.isnan(model.observed[1]).all()


def test_relations_that_cannot_be_recorded_are_refused():
    events = rp.datasets.cold_war_triangle()
    cut = rp.relations(events, actors=["USA", "USSR", "PRC"], start=1955)
    with pytest.raises(RealpolitikError, match="start after its first evidence"):
        ObservationModel.from_relations(cut, CORE_DYADS, range(1955, 1960))
    ObservationModel.from_relations(cut, CORE_DYADS, range(1956, 1960))  # from 1956 the 1955 row holds the past
    no_prior = rp.relations(events, actors=["USA", "USSR", "PRC"], prior=0.0)
    with pytest.raises(RealpolitikError, match="positive prior"):
        ObservationModel.from_relations(no_prior, CORE_DYADS, range(1956, 1960))
    whole = rp.relations(events, actors=["USA", "USSR", "PRC"])
    with pytest.raises(RealpolitikError, match="consecutive"):
        ObservationModel.from_relations(whole, CORE_DYADS, [1950, 1955, 1960])


def test_the_record_is_shrunk_and_late():
    observed = rp.relations(rp.datasets.cold_war_triangle(), actors=["USA", "USSR", "PRC"])
    years = np.arange(1949, 1992)
    model = ObservationModel.from_relations(observed, CORE_DYADS, years)
    # a constant stance is recorded at less than its strength, where evidence is thin
    flat = np.full((1, 3, 2, len(years)), 0.8)
    recorded = model.record(flat)[0]
    ok = ~np.isnan(model.observed)
    assert (recorded[ok][years[None].repeat(3, 0)[ok] > 1955] < 0.8).all()
    # a jump from −1 to +1 in 1970 shows in the record only gradually
    jump = np.where(years < 1970, -1.0, 1.0)[None, None, None].repeat(3, 1).repeat(2, 2)
    rec = model.record(jump)[0, 1]  # US–PRC
    k = int(np.flatnonzero(years == 1970)[0])
    assert rec[k - 1] < 0 < rec[k + 2] and rec[k] < rec[k + 1] < rec[k + 2]


def test_simulated_relations_are_their_own_record():
    sc_years = np.arange(1949, 1955)
    rng = np.random.default_rng(3)
    stances = rng.uniform(-1, 1, size=(1, len(sc_years), 3, 3))
    ens = Ensemble(("USA", "USSR", "PRC"), sc_years, stances)
    model = ObservationModel.from_relations(ens.to_relations(), CORE_DYADS, sc_years)
    paths = directed_paths(stances, ens.codes, CORE_DYADS)
    np.testing.assert_allclose(model.record(paths)[0], model.observed, atol=1e-6)
    assert (model.error == 0).all()


def test_the_error_is_the_estimators_sampling_size():
    observed = rp.relations(rp.datasets.cold_war_triangle(), actors=["USA", "USSR", "PRC"])
    model = ObservationModel.from_relations(observed, CORE_DYADS, range(1949, 1970))
    assert model.observed.shape == model.error.shape == (3, 21)
    assert model.observed[0, 1] > 0.5 and model.observed[0, -2] < -0.5  # alliance in 1950, split by 1968
    # USSR–PRC in 1950: both directions observed, each (1 − s²)·B/(B + prior)², B from the confidence
    frame = observed.frame
    variances = []
    for src, tgt in (("USSR", "PRC"), ("PRC", "USSR")):
        row = frame[(frame["src"] == src) & (frame["tgt"] == tgt) & (frame["period"].astype(str) == "1950")].iloc[0]
        mass = observed.prior * row["confidence"] / (1 - row["confidence"])
        variances.append((1 - row["stance"] ** 2) * mass / (mass + observed.prior) ** 2)
    assert model.error[0, 1] == pytest.approx(np.sqrt(sum(variances)) / 2)
    assert (model.error > 0).all() and (model.error < 0.5).all()


def test_quarterly_relations_are_refused():
    observed = rp.relations(rp.datasets.cold_war_triangle(), freq="quarter", actors=["USA", "USSR", "PRC"])
    with pytest.raises(RealpolitikError, match="yearly"):
        ObservationModel.from_relations(observed, CORE_DYADS, range(1949, 1952))


def test_observed_dyads_keeps_dyads_with_enough_events():
    observed = rp.relations(rp.datasets.cold_war_triangle())
    codes = ["USA", "USSR", "PRC", "IND", "MNG"]
    chosen = observed_dyads(observed, codes, (1949, 1969), min_events=5)
    assert set(CORE_DYADS) <= set(chosen)
    assert all(a in codes and b in codes and codes.index(a) < codes.index(b) for a, b in chosen)
    everything = observed_dyads(observed, codes, (1949, 1969), min_events=0.5)
    assert set(chosen) <= set(everything)
    assert observed_dyads(observed, codes, (1949, 1969), min_events=1e9) == ()


def test_record_correlation_skips_unobserved_years_and_is_undefined_where_a_series_is_flat():
    observed = np.array([0.1, np.nan, -0.3, 0.5, 0.2])
    predicted = np.array([0.0, 9.0, -0.2, 0.4, 0.4])
    kept = [0, 2, 3, 4]
    assert record_correlation(observed, predicted) == pytest.approx(np.corrcoef(observed[kept], predicted[kept])[0, 1])
    assert np.isnan(record_correlation(observed, np.full(5, 0.3)))  # a flat model
    assert np.isnan(record_correlation(observed, 0.3 + np.array([0, 1e-16, 0, -1e-16, 1e-16])))  # flat but for rounding
    assert np.isnan(record_correlation(np.array([0.2, np.nan, 0.2, 0.2, 0.2]), predicted))  # a flat history
    assert np.isnan(record_correlation(np.array([0.1, np.nan, np.nan, 0.5, np.nan]), predicted))  # two years
