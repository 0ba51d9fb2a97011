"""Scenario TOML: the shipped reference loads; bad files name the file, key and value."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import realpolitik as rp
from realpolitik import DataError
from realpolitik.citations import bibliography, citation_keys
from realpolitik.sim.model import exogenous
from realpolitik.sim.scenario import PARAMETERS, load_scenario, read_parameter_sets, reference_scenario_path


@pytest.fixture(scope="module")
def text() -> str:
    return reference_scenario_path().read_text(encoding="utf-8")


def test_every_war_of_the_reference_scenario_is_fighting_in_the_curated_events():
    """A war shock holds the dyad at -1: the events must show fighting in it and no cooperation before its end.

    This is how a war that outlived the fighting shows up: Vietnam's 1979 treaty with the
    Phnom Penh government it had installed sat inside a 1978-1989 Vietnam-Cambodia war.
    """
    scenario = load_scenario()
    events = rp.datasets.cold_war_triangle()
    code = events["cameo"].str[:2]
    for shock in (s for s in scenario.shocks if s.kind == "war"):
        dyad = events[((events.src == shock.actor) & (events.tgt == shock.target))
                      | ((events.src == shock.target) & (events.tgt == shock.actor))]
        start, end = pd.Timestamp(shock.start), pd.Timestamp(shock.end or f"{scenario.end}-12-31")
        overlaps = (dyad.date_start <= end) & (dyad.date_end >= start)
        fighting = overlaps & code[dyad.index].isin(["18", "19", "20"])
        assert fighting.any(), f"{shock.id}: no fighting between {shock.actor} and {shock.target} in the events"
        last_month = end.to_period("M").start_time
        before_the_end = (dyad.date_start >= start) & (dyad.date_start < last_month)
        cooperating = before_the_end & code[dyad.index].isin(["05", "06", "07"])
        assert not cooperating.any(), f"{shock.id}: {dyad.event_id[cooperating].tolist()} cooperate during the war"


def test_sustained_fighting_in_the_curated_events_is_a_war_of_the_reference_scenario():
    """The converse: military clashes in three or more years of a decade, outside any war shock, are a war.

    Incidents stay incidents (the DMZ raids, the Sino-Indian border clashes, Kashmir outside its
    wars: at most two years in any decade); the Sino-Vietnamese fighting of 1979-1988 was not
    one, and the scenario once coded it as a Chinese deployment only, under which its Beijing
    turned friendly to Hanoi within a year of the 1979 war.
    """
    scenario = load_scenario()
    events = rp.datasets.cold_war_triangle()
    core = {frozenset(pair) for pair in scenario.protected}
    wars = [s for s in scenario.shocks if s.kind == "war"]
    fights = events[events.cameo.str[:2].isin(["19", "20"]) & events.src.isin(scenario.codes)
                    & events.tgt.isin(scenario.codes) & (events.src != events.tgt)]
    outside: dict[frozenset, set[int]] = {}
    for event in fights.itertuples():
        dyad = frozenset((event.src, event.tgt))
        covered = any(frozenset((w.actor, w.target)) == dyad and pd.Timestamp(w.start) <= event.date_end
                      and pd.Timestamp(w.end or f"{scenario.end}-12-31") >= event.date_start for w in wars)
        if dyad not in core and not covered:
            outside.setdefault(dyad, set()).add(event.date_start.year)
    assert outside, "the check has nothing to look at"
    for dyad, years in outside.items():
        busiest = max(sum(y <= other < y + 10 for other in years) for y in years)
        assert busiest < 3, f"{sorted(dyad)}: fighting outside any war in {sorted(years)}"


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
        ("\npivot = ", "\n# pivot = ", "parameters.pivot", "weight of 0 turns it off"),
        ("[actors.PRC]\n", "[actors.PRC]\nline = 1.5\n", "actors.PRC.line", "[0, 1]"),
        ('id = "great-leap"\nkind = "ideology"', 'id = "great-leap"\nkind = "ideology"\nline = "high"', "line",
         "must be a number"),
        ('kind = "war"\nactor = "PRC"\ntarget = "IND"', 'kind = "war"\nline = 0.9\nactor = "PRC"\ntarget = "IND"',
         "line", "a war shock takes no 'line'"),
        ('kind = "war"\nactor = "PRC"\ntarget = "IND"', 'kind = "war"\nlevel = 0.5\nactor = "PRC"\ntarget = "IND"',
         "level", "a war shock takes no 'level'"),
        ("[[shocks]]\n", "[[shock]]\n", "shock", "unknown key"),
        ("[actors.PRC]\n", "[actors.PRC]\nlien = 0.9\n", "actors.PRC.lien", "unknown key"),
        ("[scenario]\n", "[scenario]\nstart_year = 1950\n", "scenario.start_year", "unknown key"),
        ("[proximity]\n", "[proximity]\ndefualt = 0.3\n", "proximity.defualt", "unknown key"),
        ("[parameters]\n", "[parameter]\nspeed = 0.5\n\n[parameters]\n", "parameter", "unknown key"),
    ],
)
def test_bad_scenarios_name_file_key_and_value(tmp_path, text, old, new, key, needle):
    assert old in text
    path = _write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(DataError) as info:
        load_scenario(path)
    assert str(path) in str(info.value) and key in str(info.value) and needle in str(info.value)
    assert len(str(info.value)) < 600  # one readable line, even for a misnamed table of 100 shocks


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


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = st.one_of(
    st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.text(max_size=12).map(lambda t: '"' + t.replace("\\\\", "").replace('"', "") + '"'),
    st.just('"1962-13"'), st.just('"USSR"'), st.just("[]"),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=st.integers(0, 400), value=_VALUES)
def test_fuzz_a_value_anywhere_gives_a_scenario_or_a_data_error(tmp_path, text, line, value):
    lines = text.splitlines()
    assignments = [i for i, row in enumerate(lines) if " = " in row and not row.lstrip().startswith("#")]
    k = assignments[line % len(assignments)]
    key = lines[k].split(" = ", 1)[0]
    lines[k] = f"{key} = {str(value).lower() if isinstance(value, bool) else value}"
    path = _write(tmp_path, "\n".join(lines))
    try:
        load_scenario(path)
    except DataError as err:
        assert str(path) in str(err)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_fuzz_bytes_give_a_data_error(tmp_path, payload):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(payload)
    with pytest.raises(DataError):
        load_scenario(path)


def test_parameter_sets_are_read_with_their_metadata_left_aside(tmp_path):
    path = tmp_path / "sets.csv"
    path.write_text("\ufeffreplicate,threat,speed,loss,dyads\n0,0.5,0.6,0.11,USSR–PRC;USA–PRC\n\n1,2,0.4,0.12,USA–USSR\n",
                    encoding="utf-8")  # with the byte-order mark a spreadsheet writes
    assert read_parameter_sets(path) == [{"threat": 0.5, "speed": 0.6}, {"threat": 2.0, "speed": 0.4}]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("threat,charisma\n1,2\n", "line 1, field 'charisma': unknown column"),
        ("threat,speed,threat\n1,0.5,2\n", "line 1, field 'threat': column given twice"),
        ("replicate,loss\n0,0.1\n", "line 1: no parameter column"),
        ("threat,speed\n1,0.5\n2,1.5\n", "line 3, field 'speed': must lie in [0, 1] (value '1.5')"),
        ("threat,speed\n1,0.5\nnan,0.5\n", "line 3, field 'threat': must lie in [-10, 10] (value 'nan')"),
        ("threat,speed\n1\n", "line 2: 1 fields where the header has 2"),
        ("threat,speed\n", "line 1: no parameter set"),
        ("", "line 1: no header"),
        ('"threat,speed\n1,0.5\n', "line 1: header: malformed CSV"),
    ],
)
def test_bad_parameter_sets_are_refused_by_file_line_and_column(tmp_path, text, needle):
    path = tmp_path / "sets.csv"
    path.write_text(text)
    with pytest.raises(DataError) as err:
        read_parameter_sets(path)
    assert str(path) in str(err.value) and needle in str(err.value)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200) | st.text(alphabet="threa,spd0123.\n\"x-e", max_size=80).map(str.encode))
def test_fuzz_parameter_sets_give_sets_or_a_data_error(tmp_path, payload):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(payload)
    try:
        sets = read_parameter_sets(path)
    except DataError as err:
        assert str(path) in str(err)
    else:
        assert sets and all(set(row) <= set(PARAMETERS) for row in sets)


def test_the_shipped_refits_are_sets_of_every_fitted_weight():
    from realpolitik.sim.calibrate import DEFAULT_BOUNDS
    from realpolitik.sim.scenario import refits_of

    sets = refits_of(load_scenario())
    assert len(sets) == 12
    for values in sets:
        assert set(values) == set(DEFAULT_BOUNDS)
        assert all(lo <= values[name] <= hi for name, (lo, hi) in DEFAULT_BOUNDS.items())


def test_refits_are_read_beside_the_scenario_file(tmp_path):
    path = _write(tmp_path, reference_scenario_path().read_text())
    from realpolitik.sim.scenario import refits_of

    assert refits_of(load_scenario(path)) == []  # none beside it
    assert refits_of(dataclasses.replace(load_scenario(path), source="")) == []  # built in code, no file
    (tmp_path / f"{path.stem}.refits.csv").write_text("threat,speed\n1.5,0.4\n")
    assert refits_of(load_scenario(path)) == [{"threat": 1.5, "speed": 0.4}]


def test_the_reference_scenario_sets_a_line_apart_only_for_a_ruling_communist_party():
    """The line is a party's doctrine in its camp's quarrel; a market or mixed economy has no such line."""
    ex = exogenous(load_scenario())
    apart = ex.ideology[:, :, 2] != ex.ideology[:, :, 1]
    assert apart.any()  # the line audit's items are in
    assert (ex.ideology[:, :, 0][apart] <= 0.2).all()  # command economies only
    codes = {ex.codes[k] for k in np.nonzero(apart)[1]}
    assert codes.isdisjoint({"USA", "JPN", "IND", "PAK", "ROC", "ROK"})


def test_the_documented_small_scenario_loads_and_runs_as_described(tmp_path):
    """docs/scenario-format.md's example is a working scenario, and its line shock does what the page says."""
    from pathlib import Path

    from realpolitik.sim.ensemble import simulate

    page = (Path(__file__).parents[1] / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    example = page.split("```toml\n", 1)[1].split("```", 1)[0]
    scenario = load_scenario(_write(tmp_path, example))
    assert scenario.codes == ["A", "B", "C"] and len(scenario.shocks) == 3
    ex = exogenous(scenario)
    b = scenario.codes.index("B")
    before, after = ex.ideology[ex.times < 1956, b][-1], ex.ideology[ex.times >= 1956.25, b][0]
    assert before[1:].tolist() == [0.8, 0.8] and after[1:].tolist() == [0.8, 1.0]  # the line alone moves
    ensemble = simulate(scenario, runs=4, seed=0)
    assert ensemble.stances.shape == (4, 11, 3, 3) and np.isfinite(ensemble.stances).all()
