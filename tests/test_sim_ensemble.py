"""Ensembles: seeded, independent of chunking and executor, summarised as Relations."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik import DataError, RealpolitikError
from realpolitik.sim.compare import compare_patterns, ensemble_patterns
from realpolitik.sim.ensemble import run_chunk, simulate
from realpolitik.sim.scenario import load_scenario


@pytest.fixture(scope="module")
def scenario():
    return load_scenario()


def test_same_seed_same_result_whatever_the_chunks(scenario):
    a = simulate(scenario, runs=12, seed=5, chunk=12)
    b = simulate(scenario, runs=12, seed=5, chunk=5)
    c = simulate(scenario, runs=12, seed=6, chunk=12)
    assert np.array_equal(a.stances, b.stances)
    assert not np.array_equal(a.stances, c.stances)
    assert a.stances.shape == (12, 43, len(scenario.codes), len(scenario.codes))
    assert np.all(np.abs(a.stances) <= 1)


def test_dask_local_cluster_equals_local(scenario):
    pytest.importorskip("distributed")
    local = simulate(scenario, runs=8, seed=9, chunk=3)
    remote = simulate(scenario, runs=8, seed=9, chunk=3, executor="dask")
    assert np.array_equal(local.stances, remote.stances)
    sets = [{"threat": 0.0}, {"threat": 2.0, "pivot": 1.0}]  # two scenarios on the workers, runs interleaved
    local = simulate(scenario, runs=6, seed=9, chunk=2, parameter_sets=sets)
    remote = simulate(scenario, runs=6, seed=9, chunk=2, executor="dask", parameter_sets=sets)
    assert np.array_equal(local.stances, remote.stances)


def test_parameter_sets_take_turns_and_keep_each_runs_noise(scenario):
    sets = [{"threat": 0.0}, {"threat": 2.0, "pivot": 1.0}, {"ideology": 0.5}]
    mixed = simulate(scenario, runs=9, seed=4, chunk=2, parameter_sets=sets)  # each set's runs span two chunks
    for k, values in enumerate(sets):
        alone = simulate(scenario.with_parameters(**values), runs=9, seed=4)
        assert np.array_equal(mixed.stances[k::3], alone.stances[k::3])  # run r takes set r mod 3, same noise
    plain = simulate(scenario, runs=8, seed=4)
    assert np.array_equal(simulate(scenario, runs=8, seed=4, parameter_sets=[{}]).stances, plain.stances)
    assert not np.array_equal(mixed.stances[:8], plain.stances)
    with pytest.raises(DataError, match=r"parameters.speed': parameter set 2: must lie in \[0, 1\]"):
        simulate(scenario, runs=2, parameter_sets=[{}, {"speed": 3.0}])  # out of range, as in a scenario file
    with pytest.raises(RealpolitikError, match=r"runs \(8\) must be a multiple of the 3 parameter sets"):
        simulate(scenario, runs=8, parameter_sets=sets)


def test_summary_relations_and_long_runs(scenario):
    ens = simulate(scenario, runs=10, seed=1)
    summary = ens.summary()
    assert list(summary.columns) == ["period", "src", "tgt", "mean", "p05", "p50", "p95"]
    assert (summary["p05"] <= summary["p50"]).all() and (summary["p50"] <= summary["p95"]).all()
    rel = ens.to_relations()
    assert set(rel.actors()) == set(scenario.codes) and rel.frame["period"].iloc[0] == "1949"
    runs = ens.runs_frame()
    assert len(runs) == 10 * 43 * len(scenario.codes) * (len(scenario.codes) - 1)
    one = runs[(runs["run"] == 3) & (runs["period"] == "1960") & (runs["src"] == "USSR") & (runs["tgt"] == "PRC")]
    i, j = scenario.codes.index("USSR"), scenario.codes.index("PRC")
    assert one["stance"].iloc[0] == pytest.approx(ens.stances[3, 11, i, j])


def test_patterns_and_comparison(scenario):
    base = simulate(scenario, runs=10, seed=2)
    alt = simulate(scenario.without_shocks("soviet-aid-india"), runs=10, seed=2)
    patterns = ensemble_patterns(base, ("USA", "USSR", "PRC"))
    assert len(patterns) == 10 * 43
    diff = compare_patterns(base, alt, ("USA", "USSR", "PRC"))
    per_year = diff.groupby("period")[["base", "alternative"]].sum()
    assert np.allclose(per_year, 1.0)
    assert np.allclose(diff["difference"], diff["alternative"] - diff["base"])


def test_a_chunk_refuses_per_run_parameters_of_the_wrong_length(scenario):
    seeds = np.random.SeedSequence(1).spawn(3)
    params = {**scenario.parameters, "threat": np.array([0.0, 1.0])}
    with pytest.raises(RealpolitikError, match=r"parameter threat: \(2,\) values for 3 runs"):
        run_chunk(scenario, seeds, params=params)
