"""Driver pulls: the target's parts, year by year, and what they say about the reference run."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from realpolitik._errors import RealpolitikError
from realpolitik.sim.ensemble import Ensemble, simulate
from realpolitik.sim.explain import THIRD_PARTY_DRIVERS, driver_pulls, third_party_pulls
from realpolitik.sim.model import TARGET_DRIVERS, exogenous, threat_to
from realpolitik.sim.scenario import load_scenario


@pytest.fixture(scope="module")
def scenario():
    return load_scenario()


@pytest.fixture(scope="module")
def pulls(scenario):
    return driver_pulls(simulate(scenario, runs=30, seed=4), scenario)


def dyad(pulls, a, b, first, last):
    rows = pulls[(pulls["src"] == a) & (pulls["tgt"] == b)]
    return rows[rows["year"].between(first, last)]


def test_one_run_adds_up_to_its_target(scenario):
    one = driver_pulls(simulate(scenario, runs=1, seed=2), scenario, [("PRC", "USA"), ("USSR", "PRC")])
    rho = scenario.parameters["reciprocity"]
    assert np.allclose(one[list(TARGET_DRIVERS)].sum(axis=1), one["pull"])
    assert np.allclose(one["target"], (1 - rho) * np.tanh(one["pull"]) + one["reciprocity"])
    assert set(one["year"]) == set(range(scenario.start, scenario.end + 1)) and len(one) == 2 * 43


def test_a_weight_of_zero_silences_its_driver_and_nothing_else(scenario):
    ensemble = simulate(scenario, runs=4, seed=1)
    base = driver_pulls(ensemble, scenario)
    muted = driver_pulls(ensemble, scenario.with_parameters(pivot=0.0))
    assert base["pivot"].abs().max() > 0.1 and (muted["pivot"] == 0).all()
    others = [d for d in TARGET_DRIVERS if d != "pivot"]
    assert np.allclose(base[others], muted[others])


def test_the_split_is_ideological_and_the_us_courts_beijing_as_the_pivot(pulls):
    prc_ussr = dyad(pulls, "PRC", "USSR", 1949, 1991).set_index("year")["ideology"]
    assert (prc_ussr.loc[[1949, 1955, 1956, 1957]] > 0.3).all()  # one camp; Bandung and the 20th Congress both coexist
    # after Stalin's death Moscow eased toward the West before Beijing did: a rift, milder than the schism
    assert prc_ussr.loc[1954] > prc_ussr.loc[1958:1976].max()
    assert (prc_ussr.loc[1950:1952].abs() < 0.05).all()  # in the Korean War the US threat leaves no room for creed
    assert (prc_ussr.loc[1958:1976] < -0.3).all()  # the schism, from the Great Leap to Mao's death
    assert (dyad(pulls, "USA", "PRC", 1964, 1976)["pivot"] > 0.3).all()  # Washington outside a Sino-Soviet quarrel


def test_the_soviet_threat_discounts_beijing_s_ideology_toward_washington(pulls):
    prc_usa = dyad(pulls, "PRC", "USA", 1949, 1991).set_index("year")["ideology"]
    assert prc_usa.loc[1966] < -1.0  # the Cultural Revolution's full hostility
    assert prc_usa.loc[1974] > prc_usa.loc[1966] + 0.5  # same militancy, Soviet forces at the border


def test_wrong_inputs_are_refused(scenario):
    ensemble = simulate(scenario, runs=2, seed=0)
    with pytest.raises(RealpolitikError, match="unknown state 'XX'"):
        driver_pulls(ensemble, scenario, [("PRC", "XX")])
    other = Ensemble(ensemble.codes[:-1], ensemble.years, ensemble.stances[:, :, :-1, :-1])
    with pytest.raises(RealpolitikError, match="not simulated from this scenario"):
        driver_pulls(other, scenario)
    counterfactual = simulate(scenario.without_shocks("soviet-aid-india"), runs=2, seed=0)  # same states: accepted
    assert len(driver_pulls(counterfactual, scenario)) == 6 * 43


def test_cli_prints_the_pulls_as_csv():
    out = subprocess.run([sys.executable, "-m", "realpolitik", "drivers", "--runs", "4", "--from", "1970", "--to",
                          "1971", "--dyads", "PRC-USA", "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns) == ["year", "src", "tgt", *TARGET_DRIVERS, "pull", "reciprocity", "target", "stance"]
    assert frame["year"].tolist() == [1970, 1971] and (frame["src"] == "PRC").all()


def test_over_parameter_sets_each_set_s_runs_are_read_with_its_own_weights(scenario):
    sets = [{"ideology": 1.0, "threat": 0.0}, {"ideology": 3.0, "threat": 2.0}]
    ensemble = simulate(scenario, runs=6, seed=4, parameter_sets=sets)
    dyads = [("PRC", "USSR"), ("USA", "PRC")]
    mixed = driver_pulls(ensemble, scenario, dyads, sets).set_index(["year", "src", "tgt"])
    each = [driver_pulls(Ensemble(ensemble.codes, ensemble.years, ensemble.stances[k::2]),
                         scenario.with_parameters(**values), dyads).set_index(["year", "src", "tgt"])
            for k, values in enumerate(sets)]
    for column in (*TARGET_DRIVERS, "pull", "target", "stance"):
        np.testing.assert_allclose(mixed[column], (each[0][column] + each[1][column]) / 2, atol=1e-12)
    # not the scenario's single weights: the threat pull of set 0 is silenced
    assert not np.allclose(mixed["threat"], driver_pulls(ensemble, scenario, dyads).set_index(
        ["year", "src", "tgt"])["threat"])


def test_cli_reads_the_pulls_over_a_weights_file(tmp_path):
    sets = tmp_path / "sets.csv"
    sets.write_text("ideology,threat\n1.0,0.0\n3.0,2.0\n")
    out = subprocess.run([sys.executable, "-m", "realpolitik", "drivers", "--runs", "4", "--from", "1970", "--to",
                          "1971", "--dyads", "PRC-USA", "--weights", str(sets), "--format", "csv"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame["year"]) == [1970, 1971] and (frame["src"] == "PRC").all()


def test_third_party_pulls_say_who_is_behind_balance_pivot_and_sponsorship(scenario):
    ensemble = simulate(scenario, runs=6, seed=4)
    dyads = [("PRC", "USSR"), ("USA", "PRC"), ("VNM", "USSR")]  # the last a client of its patron
    whole = driver_pulls(ensemble, scenario, dyads).set_index(["year", "src", "tgt"])
    split = third_party_pulls(ensemble, scenario, dyads)
    assert list(split.columns) == ["year", "src", "tgt", "third", "threat", "balance", "patronage", "pivot",
                                   "sponsorship"]
    assert len(split) == 43 * 3 * (len(scenario.codes) - 2)  # every third state but the dyad's own two
    assert not ((split["third"] == split["src"]) | (split["third"] == split["tgt"])).any()
    summed = split.groupby(["year", "src", "tgt"]).sum(numeric_only=True)
    for column in ("balance", "pivot", "sponsorship"):
        np.testing.assert_allclose(summed[column], whole.loc[summed.index, column], atol=1e-9)
    # threat and patronage: the parts that belong to no third state are tgt's own threat, the aid and the dependence
    ex, w = exogenous(scenario), scenario.parameters
    y = 1975 - scenario.start
    t = y * scenario.steps_per_year + scenario.steps_per_year // 2
    R = ensemble.stances[:, y].astype(float)
    c, aid = ex.capability[t], ex.aid[t]
    for a, b in (("PRC", "USSR"), ("VNM", "USSR")):
        i, j, key = scenario.codes.index(a), scenario.codes.index(b), (1975, a, b)
        dependence = aid[j, i] * max(0.0, c[j] - c[i]) / (c[j] + c[i] + 1e-12)
        assert summed.loc[key, "threat"] - whole.loc[key, "threat"] == pytest.approx(
            w["threat"] * threat_to(R, ex, t)[:, i, j].mean())
        assert whole.loc[key, "patronage"] - summed.loc[key, "patronage"] == pytest.approx(
            w["patronage"] * (aid[i, j] + aid[j, i] - w["patronage_cost"] * dependence))
    assert aid[scenario.codes.index("USSR"), scenario.codes.index("VNM")] > 0  # the client's check has aid in it
    beijing = split[(split["src"] == "PRC") & (split["tgt"] == "USSR") & (split["year"] == 1975)].set_index("third")
    assert beijing["sponsorship"].idxmin() == "IND"  # Moscow arms India, Beijing's foe since 1962
    sets = [{"pivot": 0.0}, {"pivot": 4.0}]
    over = third_party_pulls(simulate(scenario, runs=4, seed=4, parameter_sets=sets), scenario, dyads, sets)
    assert over["pivot"].abs().max() > 0 and len(over) == len(split)


def test_cli_drivers_by_third_state():
    out = subprocess.run([sys.executable, "-m", "realpolitik", "drivers", "--runs", "4", "--from", "1975", "--to",
                          "1975", "--dyads", "PRC-USSR", "--by-third", "--format", "csv"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns[:4]) == ["year", "src", "tgt", "third"] and set(frame["year"]) == {1975}
    assert "IND" in set(frame["third"]) and "PRC" not in set(frame["third"])
    table = subprocess.run([sys.executable, "-m", "realpolitik", "drivers", "--runs", "4", "--from", "1975", "--to",
                            "1975", "--dyads", "PRC-USSR", "--by-third"], capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    left_out = int(table.stdout.split(" rows with every pull under 0.05 left out")[0].rsplit("(", 1)[1])
    scenario = load_scenario()
    split = third_party_pulls(simulate(scenario, runs=4, seed=0), scenario, [("PRC", "USSR")])  # the CLI's runs
    split = split[split["year"] == 1975]
    small = (split[list(THIRD_PARTY_DRIVERS)].abs().max(axis=1) < 0.05).sum()
    assert 0 < left_out == small < len(split)  # the table leaves out the small rows, and says how many
