"""The frustration index: exact (reductions + HiGHS) against brute force, plain model and local search."""

from __future__ import annotations

import itertools
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik import RealpolitikError
from realpolitik.structure import frustration as fr
from realpolitik.structure.frustration import (
    FrustrationResult,
    frustrated_edges,
    frustration_heuristic,
    frustration_index,
    frustration_index_brute_force,
    frustration_index_plain,
)
from realpolitik.structure.signed import SignedGraph
from realpolitik.testing import random_signed_graph

_random_graph = random_signed_graph


def _clustered_graph(n: int, groups: int, noise: float, seed: int) -> SignedGraph:
    """Dense friendly blocs, sparse hostility between them, a share of signs flipped: like alliance data."""
    rng = np.random.default_rng(seed)
    bloc = rng.integers(0, groups, n)
    edges = []
    for i, j in itertools.combinations(range(n), 2):
        same = bloc[i] == bloc[j]
        if rng.random() < (0.6 if same else 0.08):
            sign = 1 if same else -1
            edges.append((f"n{i}", f"n{j}", -sign if rng.random() < noise else sign))
    return SignedGraph.from_edges(edges, nodes=[f"n{i}" for i in range(n)])


def _check(graph: SignedGraph, result: FrustrationResult) -> None:
    """The partition attains L, F is in range, the bookkeeping is consistent."""
    assert set(result.partition) == set(graph.nodes)
    assert set(result.partition.values()) <= {0, 1}
    mask = frustrated_edges(graph, result.partition)
    assert int(mask.sum()) == result.frustration
    assert np.array_equal(mask, result.frustrated)
    assert 0.0 <= result.normalized <= 1.0
    expected_f = 1 - 2 * result.frustration / graph.m if graph.m else 1.0
    assert result.normalized == pytest.approx(expected_f)
    assert 0 <= result.lower_bound <= result.frustration <= graph.m / 2
    assert result.optimal == (result.lower_bound == result.frustration)
    assert result.edges == graph.m and result.seconds >= 0
    assert result.as_dict()["frustration"] == result.frustration


graphs = st.builds(
    _random_graph,
    n=st.integers(1, 16),
    density=st.floats(0, 1),
    negative=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)


@settings(max_examples=60, deadline=None)
@given(g=graphs, seed=st.integers(0, 1000))
def test_exact_equals_brute_force(g, seed):
    brute = frustration_index_brute_force(g)
    exact = frustration_index(g, seed=seed)
    _check(g, brute)
    _check(g, exact)
    assert brute.optimal and exact.optimal and exact.gap == 0
    assert exact.frustration == brute.frustration
    assert exact.method == "exact" and brute.method == "brute-force"


@settings(max_examples=40, deadline=None)
@given(g=graphs, seed=st.integers(0, 1000))
def test_exact_through_highs_and_recursion_equals_brute_force(g, seed):
    # no component is small enough to enumerate: every block goes to the reductions again or to HiGHS
    with mock.patch.object(fr, "_BRUTE_NODES", 2):
        exact = frustration_index(g, seed=seed)
    _check(g, exact)
    assert exact.optimal
    assert exact.frustration == frustration_index_brute_force(g).frustration


@settings(max_examples=25, deadline=None)
@given(g=graphs)
def test_plain_formulation_equals_brute_force(g):
    plain = frustration_index_plain(g)
    _check(g, plain)
    assert plain.optimal and plain.frustration == frustration_index_brute_force(g).frustration


@settings(max_examples=40, deadline=None)
@given(g=graphs, seed=st.integers(0, 1000))
def test_heuristic_is_an_upper_bound(g, seed):
    heuristic = frustration_heuristic(g, seed=seed, rounds=3)
    _check(g, heuristic)
    assert heuristic.frustration >= frustration_index_brute_force(g).frustration
    assert heuristic.method == "heuristic"
    assert frustration_index(g, method="heuristic", seed=seed).frustration >= heuristic.lower_bound


@settings(max_examples=10, deadline=None)
@given(
    n=st.integers(17, 32),
    groups=st.integers(1, 4),
    noise=st.floats(0, 0.3),
    seed=st.integers(0, 2**32 - 1),
)
def test_exact_equals_plain_on_bloc_structured_graphs_beyond_brute_force(n, groups, noise, seed):
    g = _clustered_graph(n, groups, noise, seed)
    exact = frustration_index(g, seed=seed % 1000)
    plain = frustration_index_plain(g)
    _check(g, exact)
    assert exact.optimal and plain.optimal and exact.frustration == plain.frustration
    assert frustration_heuristic(g, seed=1).frustration >= exact.frustration


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 60), density=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_balanced_graphs_give_zero(n, density, seed):
    rng = np.random.default_rng(seed)
    side = rng.integers(0, 2, n)
    edges = [
        (f"n{i}", f"n{j}", 1 if side[i] == side[j] else -1)
        for i, j in itertools.combinations(range(n), 2)
        if rng.random() < density
    ]
    g = SignedGraph.from_edges(edges, nodes=[f"n{i}" for i in range(n)])
    for result in (frustration_index(g, seed=0), frustration_heuristic(g, seed=0)):
        _check(g, result)
        assert result.frustration == 0 and result.optimal and result.normalized == 1.0
    if density == 1.0 and n > 1:  # complete: the split itself is recovered, up to the names of the sides
        found = np.array([frustration_index(g).partition[f"n{i}"] for i in range(n)])
        assert np.array_equal(found, side) or np.array_equal(found, 1 - side)


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ([("A", "B", 1), ("B", "C", 1), ("A", "C", -1)], 1),  # one unbalanced triangle
        ([("A", "B", -1), ("B", "C", -1), ("A", "C", -1)], 1),  # −−− is unbalanced (strict)
        ([(a, b, -1) for a, b in itertools.combinations("ABCD", 2)], 2),  # all-negative K4: split 2–2
        ([(f"c{i}", f"c{(i + 1) % 9}", 1 if i else -1) for i in range(9)], 1),  # long cycle, one negative edge
        ([(a, b, -1) for a, b in itertools.combinations("ABCDE", 2)], 4),  # all-negative K5: 2–3 split
    ],
)
def test_known_values(edges, expected):
    g = SignedGraph.from_edges(edges)
    for result in (frustration_index(g, seed=0), frustration_index_plain(g), frustration_index_brute_force(g)):
        _check(g, result)
        assert result.frustration == expected and result.optimal


def test_blocks_glued_at_cut_nodes_and_bridges():
    # two unbalanced triangles sharing node X, a bridge to a third one, a pendant tree, an isolated node
    edges = [
        ("X", "A", 1), ("A", "B", 1), ("X", "B", -1),
        ("X", "C", -1), ("C", "D", -1), ("X", "D", -1),
        ("D", "E", -1),
        ("E", "F", 1), ("F", "G", -1), ("E", "G", 1),
        ("G", "H", 1), ("H", "I", -1),
    ]
    g = SignedGraph.from_edges(edges, nodes=["Z"])
    for brute in (14, 2):
        with mock.patch.object(fr, "_BRUTE_NODES", brute):
            result = frustration_index(g, seed=3)
        _check(g, result)
        assert result.frustration == 3 and result.optimal
        assert result.partition["Z"] == 0


def test_time_limit_reports_the_gap_on_a_hard_graph():
    g = _random_graph(60, 0.5, 0.5, seed=1)
    result = frustration_index(g, time_limit=0.05, seed=0)
    _check(g, result)
    assert not result.optimal
    assert 0 < result.gap < 1 and result.lower_bound < result.frustration
    assert result.seconds < 2
    plain = frustration_index_plain(g, time_limit=0.05)
    _check(g, plain)
    assert not plain.optimal and plain.gap > 0


def test_seeded_results_are_reproducible():
    g = _clustered_graph(40, 3, 0.2, seed=5)
    one = frustration_heuristic(g, seed=7)
    two = frustration_heuristic(g, seed=np.random.default_rng(7))
    assert one.partition == two.partition and one.frustration == two.frustration
    assert frustration_index(g, seed=7).partition == frustration_index(g, seed=7).partition


def test_sparse_local_search_matches_the_dense_one():
    g = _clustered_graph(150, 4, 0.05, seed=2)
    dense_run = frustration_heuristic(g, seed=0, rounds=5)
    with mock.patch.object(fr, "_DENSE_NODES", 50):
        sparse_run = frustration_heuristic(g, seed=0, rounds=5)
    _check(g, sparse_run)
    _check(g, dense_run)
    assert sparse_run.frustration >= sparse_run.lower_bound > 0
    assert abs(sparse_run.frustration - dense_run.frustration) <= 0.05 * dense_run.frustration


def test_argument_errors():
    g = SignedGraph.from_edges([("A", "B", 1)])
    with pytest.raises(ValueError, match="method"):
        frustration_index(g, method="annealing")
    with pytest.raises(ValueError, match="time_limit"):
        frustration_index(g, time_limit=0)
    with pytest.raises(ValueError):
        frustration_heuristic(g, starts=0)
    big = _random_graph(17, 0.2, 0.5, seed=0)
    with pytest.raises(RealpolitikError, match="17"):
        frustration_index_brute_force(big)
    with pytest.raises(RealpolitikError, match="lacks"):
        frustrated_edges(g, {"A": 0})
    with pytest.raises(RealpolitikError, match="sides"):
        frustrated_edges(g, [0])
    assert frustrated_edges(g, [0, 1]).tolist() == [True]
    assert frustrated_edges(g, {"A": 1, "B": 1}).tolist() == [False]


def test_empty_graphs():
    for g in (SignedGraph.from_edges([], nodes=[]), SignedGraph.from_edges([], nodes=["A", "B"])):
        for result in (frustration_index(g), frustration_index_plain(g), frustration_index_brute_force(g),
                       frustration_heuristic(g)):
            assert result.frustration == 0 and result.optimal and result.normalized == 1.0


def test_a_real_year_of_alliances_and_disputes(shared_data):
    """ATOP alliances (+) and MID disputes (−) of 1953: the exact method agrees with the plain model."""
    atop = pd.read_csv(shared_data / "atop_v5.1" / "atop_alliance.csv")
    mid = pd.read_csv(shared_data / "cow_mid_v5_peacesciencer" / "cow_mid_ddydisps.csv")
    kinds = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
    allied = atop[(atop["year"] == 1953) & atop[kinds].eq(1).any(axis=1)]
    disputes = mid[mid["year"] == 1953]
    edges = pd.concat(
        [
            pd.DataFrame({"src": allied["ccode1"].astype(int), "tgt": allied["ccode2"].astype(int), "sign": 1}),
            pd.DataFrame({"src": disputes["ccode1"].astype(int), "tgt": disputes["ccode2"].astype(int), "sign": -1}),
        ]
    )
    g = SignedGraph.from_edges(edges, combine="negative")
    exact = frustration_index(g, seed=0)
    _check(g, exact)
    assert exact.optimal
    assert exact.frustration == frustration_index_plain(g).frustration
    assert exact.seconds < 1.0
