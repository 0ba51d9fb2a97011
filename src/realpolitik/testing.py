"""Helpers for tests, ours and users': seeded random signed graphs with known structure."""

from __future__ import annotations

import itertools

import numpy as np

from .structure.signed import SignedGraph

__all__ = ["balanced_signed_graph", "random_signed_graph"]


def random_signed_graph(n: int, density: float, negative: float, seed: int) -> SignedGraph:
    """Each pair joined with probability ``density``; each edge negative with probability ``negative``."""
    rng = np.random.default_rng(seed)
    edges = [
        (f"n{i}", f"n{j}", -1 if rng.random() < negative else 1)
        for i, j in itertools.combinations(range(n), 2)
        if rng.random() < density
    ]
    return SignedGraph.from_edges(edges, nodes=[f"n{i}" for i in range(n)])


def balanced_signed_graph(n: int, density: float, seed: int) -> tuple[SignedGraph, dict[str, int]]:
    """A random two-group split, + inside a group and − across: frustration 0 by construction."""
    rng = np.random.default_rng(seed)
    side = {f"n{i}": int(rng.integers(0, 2)) for i in range(n)}
    edges = [
        (f"n{i}", f"n{j}", 1 if side[f"n{i}"] == side[f"n{j}"] else -1)
        for i, j in itertools.combinations(range(n), 2)
        if rng.random() < density
    ]
    return SignedGraph.from_edges(edges, nodes=list(side)), side
