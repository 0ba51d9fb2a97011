"""Scenario TOML: the shipped reference loads; bad files name the file, key and value."""

from __future__ import annotations

import pytest

from realpolitik import DataError
from realpolitik.citations import bibliography, citation_keys
from realpolitik.sim.scenario import PARAMETERS, load_scenario, reference_scenario_path


@pytest.fixture(scope="module")
def text() -> str:
    return reference_scenario_path().read_text(encoding="utf-8")


def test_reference_scenario(text):
    sc = load_scenario()
    assert sc.name == "cold_war" and (sc.start, sc.end, sc.step) == (1949, 1991, "quarter")
    assert len(sc.actors) >= 12 and {"USA", "USSR", "PRC", "ROC", "IND", "PAK", "JPN"} <= set(sc.codes)
    assert set(sc.parameters) == set(PARAMETERS)
    bib = bibliography()
    for shock in sc.shocks:
        keys = citation_keys([shock.citation])
        assert keys and all(k in bib for k in keys), shock.id
    core = {frozenset(p) for p in (("USA", "USSR"), ("USA", "PRC"), ("USSR", "PRC"))}
    assert set(sc.protected) == core
    assert not [s for s in sc.shocks if s.kind == "war" and frozenset((s.actor, s.target)) in core]


def _write(tmp_path, text):
    path = tmp_path / "sc.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old,new,key,needle",
    [
        ('start = "1962-10"', 'start = "1962-13"', "start", "month"),
        ('actor = "PRC"\ntarget = "IND"', 'actor = "PRC"\ntarget = "Atlantis"', "target", "unknown actor"),
        ("speed = ", "speed = 7 #", "parameters.speed", "[0, 1]"),
        ('kind = "war"\nactor = "PRC"\ntarget = "IND"', 'kind = "war"\nactor = "PRC"\ntarget = "USSR"', "target",
         "protected"),
        ('kind = "war"\nactor = "PRC"\ntarget = "IND"', 'kind = "invasion"\nactor = "PRC"\ntarget = "IND"', "kind",
         "must be one of"),
        ("ideology = ", "ideologie = ", "parameters.ideologie", "unknown parameter"),
    ],
)
def test_bad_scenarios_name_file_key_and_value(tmp_path, text, old, new, key, needle):
    assert old in text
    path = _write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(DataError) as info:
        load_scenario(path)
    assert str(path) in str(info.value) and key in str(info.value) and needle in str(info.value)


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(DataError, match="not valid TOML"):
        load_scenario(_write(tmp_path, "[scenario\nname = 1"))
    with pytest.raises(DataError, match="no such scenario"):
        load_scenario(tmp_path / "nope.toml")


def test_counterfactual_helpers():
    sc = load_scenario()
    alt = sc.without_shocks("soviet-aid-india")
    assert len(alt.shocks) == len(sc.shocks) - 1
    with pytest.raises(DataError, match="no shock"):
        sc.without_shocks("no-such-shock")
    assert sc.with_parameters(speed=0.5).parameters["speed"] == 0.5
    with pytest.raises(DataError):
        sc.with_parameters(speed=2.0)
