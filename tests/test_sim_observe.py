"""The observation model: a simulated path recorded the way the stance estimator records history."""

from __future__ import annotations

import numpy as np
import pytest

import realpolitik as rp
from realpolitik import RealpolitikError
from realpolitik.io.eventfile import read_events
from realpolitik.sim.calibrate import CORE_DYADS
from realpolitik.sim.ensemble import Ensemble
from realpolitik.sim.observe import ObservationModel, directed_paths, observed_dyads

HEADER = "event_id,date_start,date_end,precision,src,tgt,cameo,description,citation\n"
COOPERATE, CONFLICT = "057", "111"  # sign a formal agreement (+), criticise (−)


def _history(tmp_path, signs: dict[tuple[str, str], dict[int, int]], seed: int):
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
    return rp.relations(read_events(path).events, actors=["USA", "USSR", "PRC"])


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


def test_error_matches_the_estimators_sampling_size():
    observed = rp.relations(rp.datasets.cold_war_triangle(), actors=["USA", "USSR", "PRC"])
    model = ObservationModel.from_relations(observed, CORE_DYADS, range(1949, 1970))
    assert model.observed.shape == model.error.shape == (3, 21)
    assert model.observed[0, 1] > 0.5 and model.observed[0, -2] < -0.5  # alliance in 1950, split by 1968
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
