"""Signed networks from alliances (+) and disputes (−), and from Doreian–Mrvar windows."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from realpolitik._errors import DataError
from realpolitik.io.atop import read_atop
from realpolitik.io.cow import read_cow_alliances, read_cow_states, read_signed_windows
from realpolitik.io.mid import read_mid_dyads, read_mid_participants
from realpolitik.structure.networks import (
    alliance_dispute_edges,
    alliance_dispute_networks,
    signed_windows,
)
from realpolitik.structure.signed import SignedGraph


def dyads(rows, **extra):
    frame = pd.DataFrame(rows, columns=["ccode1", "ccode2", "year"])
    for name, values in extra.items():
        frame[name] = values
    return frame


def edge_set(graph: SignedGraph) -> set[tuple[str, str, int]]:
    return {(a, b, int(s)) for a, b, s in graph.edges().itertuples(index=False)}


ALLY = dyads([(2, 200, 1960), (200, 2, 1960), (2, 200, 1960), (365, 710, 1960), (710, 365, 1969), (365, 710, 1969)])
FIGHT = dyads([(365, 710, 1969), (710, 365, 1969), (2, 365, 1960), (2, 365, 1961)])


# --------------------------------------------------------------------------- synthetic


def test_directed_and_repeated_rows_collapse_to_one_edge():
    nets = alliance_dispute_networks(ALLY, FIGHT, years=[1960])
    assert edge_set(nets[1960]) == {("2", "200", 1), ("365", "710", 1), ("2", "365", -1)}
    assert nets[1960].m == 3


@pytest.mark.parametrize("conflict, expected", [("negative", {("365", "710", -1)}),
                                                ("positive", {("365", "710", 1)}),
                                                ("drop", set())])
def test_conflict_rule(conflict, expected):
    nets = alliance_dispute_networks(ALLY, FIGHT, years=[1969], conflict=conflict)
    assert edge_set(nets[1969]) == expected


def test_default_is_dispute_wins_and_edges_record_both():
    edges = alliance_dispute_edges(ALLY, FIGHT, years=[1969])
    assert edges.to_dict("records") == [
        {"period": 1969, "end": 1969, "src": "365", "tgt": "710", "sign": -1, "allied": True, "disputed": True}
    ]


def test_windows_cover_their_years_and_may_overlap():
    nets = alliance_dispute_networks(ALLY, FIGHT, years=[1958, 1960, 1961], window=2)
    assert list(nets) == [1958, 1960, 1961]
    assert nets[1958].m == 0 and nets[1958].n == 0  # 1958-1959: nothing happened
    assert edge_set(nets[1960]) == {("2", "200", 1), ("365", "710", 1), ("2", "365", -1)}
    assert edge_set(nets[1961]) == {("2", "365", -1)}
    edges = alliance_dispute_edges(ALLY, FIGHT, years=[1960], window=10)
    assert edges.set_index(["src", "tgt"])["sign"].to_dict() == {("2", "200"): 1, ("2", "365"): -1,
                                                                  ("365", "710"): -1}
    assert (edges["end"] == 1969).all()


def test_default_years_are_those_both_tables_cover():
    nets = alliance_dispute_networks(ALLY, FIGHT)
    assert list(nets) == list(range(1960, 1970))
    assert list(alliance_dispute_networks(ALLY, FIGHT, window=3)) == list(range(1960, 1968))


def test_state_list_names_nodes_and_adds_members():
    states = pd.DataFrame({
        "stateabb": ["USA", "UKG", "RUS", "CHN", "CAN"],
        "ccode": [2, 200, 365, 710, 20],
        "styear": [1816, 1816, 1816, 1860, 1920],
        "endyear": [2016, 2016, 2016, 2016, 1965],
    })
    nets = alliance_dispute_networks(ALLY, FIGHT, years=[1960, 1969], states=states)
    assert nets[1960].nodes == ("CAN", "CHN", "RUS", "UKG", "USA")
    assert edge_set(nets[1960]) == {("UKG", "USA", 1), ("CHN", "RUS", 1), ("RUS", "USA", -1)}
    assert "CAN" not in nets[1969].nodes and nets[1969].n == 4
    with pytest.raises(DataError, match="not in the COW state list"):
        alliance_dispute_networks(dyads([(2, 999, 1960)]), FIGHT, years=[1960], states=states)


def test_alliance_types_filter():
    ally = ALLY.assign(defense=[1, 1, 1, 0, 0, 0])
    nets = alliance_dispute_networks(ally, FIGHT, years=[1960], alliance_types=["defense"])
    assert edge_set(nets[1960]) == {("2", "200", 1), ("2", "365", -1)}
    with pytest.raises(DataError, match="type column"):
        alliance_dispute_networks(ally, FIGHT, years=[1960], alliance_types=["entente"])


def test_bad_arguments_and_tables():
    with pytest.raises(ValueError, match="conflict"):
        alliance_dispute_networks(ALLY, FIGHT, conflict="alliance")
    for window in (0, 1.5, True):
        with pytest.raises(ValueError, match="window"):
            alliance_dispute_networks(ALLY, FIGHT, window=window)
    with pytest.raises(DataError) as info:
        alliance_dispute_networks(ALLY.drop(columns="year"), FIGHT)
    assert info.value.field == "year"
    with pytest.raises(DataError) as info:
        alliance_dispute_networks(ALLY, FIGHT.assign(ccode2=["x", 1, 2, 3]))
    assert info.value.field == "ccode2"


def test_empty_tables_give_no_periods_or_empty_graphs():
    empty = dyads([])
    assert alliance_dispute_networks(empty, empty) == {}
    nets = alliance_dispute_networks(empty, empty, years=[1990])
    assert nets[1990].n == 0 and nets[1990].m == 0


def test_graphs_equal_from_edges():
    """The vectorised construction gives what SignedGraph.from_edges gives."""
    nets = alliance_dispute_networks(ALLY, FIGHT, years=[1960, 1969])
    edges = alliance_dispute_edges(ALLY, FIGHT, years=[1960, 1969])
    for period, graph in nets.items():
        ref = SignedGraph.from_edges(edges[edges.period == period][["src", "tgt", "sign"]])
        assert graph.nodes == ref.nodes
        for name in ("u", "v", "sign"):
            np.testing.assert_array_equal(getattr(graph, name), getattr(ref, name))
            assert getattr(graph, name).dtype == getattr(ref, name).dtype


def test_cow_alliance_dyad_table_and_participants_are_accepted(write_csv):
    header = ("version4id,ccode1,state_name1,ccode2,state_name2,dyad_st_day,dyad_st_month,dyad_st_year,"
              "dyad_end_day,dyad_end_month,dyad_end_year,left_censor,right_censor,defense,neutrality,"
              "nonaggression,entente,version")
    ally = read_cow_alliances(write_csv(header + "\n1,2,USA,20,CAN,1,1,1940,,,,0,1,1,0,0,1,4.1\n", "a.csv"))
    part = read_mid_participants(write_csv(
        "dispnum3,ccode,styear,endyear,sidea\n7,2,1950,1951,1\n7,20,1951,1952,0\n", "p.csv"))
    nets = alliance_dispute_networks(ally, part, years=[1950, 1951], alliance_types=["defense"])
    assert edge_set(nets[1950]) == {("2", "20", 1)}
    assert edge_set(nets[1951]) == {("2", "20", -1)}


def test_signed_windows_from_frame():
    frame = pd.DataFrame({"window": ["47-50", "46-49", "47-50"], "src": ["A", "A", "B"], "tgt": ["B", "C", "C"],
                          "sign": [1, -1, -1]})
    graphs = signed_windows(frame)
    assert list(graphs) == ["47-50", "46-49"]
    assert edge_set(graphs["47-50"]) == {("A", "B", 1), ("B", "C", -1)}
    twice = pd.concat([frame, frame.iloc[[0]].assign(src="B", tgt="A", sign=-1)], ignore_index=True)
    with pytest.raises(DataError, match="window 47-50"):
        signed_windows(twice)
    assert edge_set(signed_windows(twice, combine="negative")["47-50"]) == {("A", "B", -1), ("B", "C", -1)}
    with pytest.raises(DataError):
        signed_windows(frame.drop(columns="sign"))


# --------------------------------------------------------------------------- the real files


@pytest.fixture
def real(shared_data):
    paths = {
        "atop": shared_data / "atop_v5.1/atop_alliance.csv",
        "mid": shared_data / "cow_mid_v5_peacesciencer/cow_mid_ddydisps.csv",
        "states": shared_data / "cow_state_system/cow_states.csv",
    }
    for path in paths.values():
        if not path.is_file():
            pytest.skip(f"{path} not in the shared data")
    return read_atop(paths["atop"]), read_mid_dyads(paths["mid"]), read_cow_states(paths["states"])


def test_yearly_networks_1946_2010(real):
    atop, mids, states = real
    start = time.perf_counter()
    nets = alliance_dispute_networks(atop, mids, years=range(1946, 2011), states=states)
    seconds = time.perf_counter() - start
    assert list(nets) == list(range(1946, 2011))
    assert seconds < 10  # about 0.15 s here
    for graph in nets.values():
        assert graph.m > 0 and (graph.u < graph.v).all()
    y1962 = nets[1962]
    assert 0 < y1962.negative < y1962.m  # both + and − edges
    signs = {(a, b): s for a, b, s in y1962.edges().itertuples(index=False)}
    assert signs[("UKG", "USA")] == 1  # NATO
    assert signs[("CUB", "USA")] == -1  # the Cuban missile crisis is a MID
    y1969 = {(a, b): s for a, b, s in nets[1969].edges().itertuples(index=False)}
    assert y1969[("CHN", "RUS")] == -1  # allied in ATOP until 1980, but the border war is a MID
    positive = alliance_dispute_networks(atop, mids, years=[1969], states=states, conflict="positive")[1969]
    assert ("CHN", "RUS", 1) in edge_set(positive)
    # States without an alliance or a dispute are nodes too.
    assert nets[1962].n > len(set(nets[1962].u) | set(nets[1962].v))


def test_directed_atop_rows_collapse_on_real_data(real):
    atop, _, _ = real
    empty = atop.iloc[:0][["ccode1", "ccode2", "year"]]
    edges = alliance_dispute_edges(atop, empty, years=[1960])
    assert len(edges) == (atop["year"] == 1960).sum() // 2
    assert (edges["sign"] == 1).all()


def test_doreian_mrvar_windows_real(shared_data):
    path = shared_data / "doreian_mrvar_cow_signed/cow_signed_windows.csv"
    if not path.is_file():
        pytest.skip("Doreian–Mrvar windows not in the shared data")
    graphs = signed_windows(read_signed_windows(path))
    assert len(graphs) == 51 and list(graphs)[0] == "46-49" and list(graphs)[-1] == "96-99"
    assert sum(g.m for g in graphs.values()) == 41_295
    assert all(0 < g.negative < g.m for g in graphs.values())
