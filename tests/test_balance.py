"""Structural balance measures: triad census (strict and generalized), triangle, walk and spectral indices."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik.structure import balance as balance_module
from realpolitik.structure.balance import (
    TriadCensus,
    algebraic_conflict,
    triad_census,
    triangle_index,
    walk_balance_index,
)
from realpolitik.structure.signed import SignedGraph
from realpolitik.testing import balanced_signed_graph, random_signed_graph


def _graph(edges, nodes=None) -> SignedGraph:
    return SignedGraph.from_edges(edges, nodes=nodes)


_random_graph = random_signed_graph
_balanced_graph = balanced_signed_graph


# A K4 on A–D (one triangle of each mixed type plus −−−) and a separate +++ triangle E–F–G.
HAND = _graph(
    [
        ("A", "B", 1), ("B", "C", 1), ("A", "C", -1),
        ("C", "D", -1), ("B", "D", -1), ("A", "D", -1),
        ("E", "F", 1), ("F", "G", 1), ("E", "G", 1),
        ("G", "H", -1),  # a pendant edge in no triangle
    ]
)


def test_triad_census_on_a_hand_built_graph_strict_and_generalized():
    strict = triad_census(HAND)
    # ABC ++−, ABD +−−, BCD +−−, ACD −−−, EFG +++
    assert strict.counts() == {"+++": 1, "++-": 1, "+--": 2, "---": 1}
    assert (strict.total, strict.balanced, strict.unbalanced) == (5, 3, 2)
    assert strict.triangle_index == pytest.approx(3 / 5)
    weak = triad_census(HAND, balance="generalized")
    assert weak.counts() == strict.counts()
    assert (weak.balanced, weak.unbalanced) == (4, 1)
    assert triangle_index(HAND, balance="generalized") == pytest.approx(4 / 5)
    row = weak.as_dict()
    assert row["triangles"] == 5 and row["balance"] == "generalized" and row["unbalanced"] == 1


def test_census_rejects_an_unknown_balance_and_handles_no_triangles():
    with pytest.raises(ValueError, match="balance"):
        triad_census(HAND, balance="weak")
    path = _graph([("A", "B", 1), ("B", "C", -1)])
    census = triad_census(path)
    assert census == TriadCensus(0, 0, 0, 0, "strict")
    assert math.isnan(census.triangle_index)
    assert triad_census(_graph([], nodes=["A"])).total == 0


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 12),
    density=st.floats(0, 1),
    negative=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_census_matches_enumeration_of_node_triples(n, density, negative, seed):
    g = _random_graph(n, density, negative, seed)
    a = g.adjacency()
    counts = {0: 0, 1: 0, 2: 0, 3: 0}
    for i, j, k in itertools.combinations(range(g.n), 3):
        signs = (a[i, j], a[j, k], a[i, k])
        if all(signs):
            counts[sum(s < 0 for s in signs)] += 1
    census = triad_census(g)
    assert (census.ppp, census.ppn, census.pnn, census.nnn) == (counts[0], counts[1], counts[2], counts[3])
    if census.total:
        assert 0 <= census.triangle_index <= triangle_index(g, balance="generalized") <= 1


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 25), density=st.floats(0.05, 1), seed=st.integers(0, 2**32 - 1))
def test_balanced_graphs_have_unit_indices_and_no_conflict(n, density, seed):
    g, _ = _balanced_graph(n, density, seed)
    assert triad_census(g, balance="strict").unbalanced == 0
    assert walk_balance_index(g) == pytest.approx(1.0, abs=1e-9)
    assert walk_balance_index(g, beta=3.0) == pytest.approx(1.0, abs=1e-9)
    assert algebraic_conflict(g) == pytest.approx(0.0, abs=1e-8)


def test_unbalanced_triangle_known_values():
    g = _graph([("A", "B", 1), ("B", "C", 1), ("A", "C", -1)])
    # A has eigenvalues 1, 1, −2; |A| (a K3) has 2, −1, −1; L = 2I − A has 1, 1, 4
    expected = (2 * math.e + math.exp(-2)) / (math.exp(2) + 2 * math.exp(-1))
    assert walk_balance_index(g) == pytest.approx(expected)
    assert algebraic_conflict(g) == pytest.approx(1.0)
    # the all-negative triangle is unbalanced in the strict sense: so say the spectral measures
    nnn = _graph([("A", "B", -1), ("B", "C", -1), ("A", "C", -1)])
    assert walk_balance_index(nnn) < 1 and algebraic_conflict(nnn) > 0


@settings(max_examples=25, deadline=None)
@given(n=st.integers(3, 20), seed=st.integers(0, 2**32 - 1))
def test_connected_unbalanced_graphs_have_positive_conflict(n, seed):
    g, side = _balanced_graph(n, 1.0, seed)  # complete, hence connected
    # flip one edge's sign: the triangles through it become unbalanced
    flipped = g.edges()
    flipped.loc[0, "sign"] *= -1
    h = SignedGraph.from_edges(flipped, nodes=g.nodes)
    assert algebraic_conflict(h) > 1e-6
    assert walk_balance_index(h) < 1 - 1e-9


def test_walk_index_edge_cases_and_beta():
    assert walk_balance_index(_graph([], nodes=["A", "B"])) == 1.0
    with pytest.raises(ValueError):
        walk_balance_index(HAND, beta=0)
    # large beta must not overflow
    assert 0 < walk_balance_index(HAND, beta=500.0) <= 1


def test_disconnected_graph_with_a_balanced_part_has_zero_conflict():
    assert algebraic_conflict(HAND) == pytest.approx(0.0)  # E–F–G–H is balanced
    assert algebraic_conflict(_graph([], nodes=[])) == 0.0


def test_sparse_eigensolver_agrees_with_dense(monkeypatch):
    g = _random_graph(60, 0.2, 0.4, seed=11)
    dense = algebraic_conflict(g)
    monkeypatch.setattr(balance_module, "_DENSE_NODES", 10)
    assert algebraic_conflict(g) == pytest.approx(dense, rel=1e-6, abs=1e-9)
    assert dense > 0
