"""The frustration index (line index of balance) of a signed graph: exact by reductions and HiGHS, or by local search.

The frustration index ``L`` of a signed graph is the least number of edges whose
removal — equivalently, whose change of sign — leaves the graph structurally balanced
(Harary 1959; Zaslavsky's "line index of balance"). Equivalently it is the least number
of *frustrated* edges over all two-group partitions of the nodes, where a positive edge
is frustrated when it joins the two groups and a negative edge when it lies inside one.
The optimal partition is a by-product; the normalized index is ``F = 1 − 2L/m``
(Aref & Wilson 2018), 1 for a balanced graph and never below 0 since ``L ≤ m/2``.

Computing ``L`` is NP-hard. :func:`frustration_index` solves it exactly and fast on
graphs of international-relations size by

1. *reductions* that preserve the optimum: a node whose heaviest edge outweighs all its
   other edges is tied to that neighbour (this removes pendant nodes, trees hanging off
   the graph and chains of degree two); two nodes are tied together (or apart) when every partition
   that separates them (or joins them) provably costs more than a known solution — the
   proof packs edge-disjoint two-paths between them and edge-disjoint unbalanced
   triangles elsewhere; tied nodes are contracted into weighted super-nodes;
2. *decomposition* of what is left into biconnected components, each solved on its own
   (edges not on any cycle, bridges, never need to be frustrated), the solutions glued at
   the cut nodes;
3. for each component, brute force when it is small, otherwise the binary linear model
   of Aref, Mason & Wilson (2020) — node sides ``x_i``, edge frustration ``f_ij`` with two
   constraints chosen by the edge's sign — strengthened with one cut per unbalanced
   triangle and one node's side fixed, solved by HiGHS through
   :func:`scipy.optimize.milp` under a time limit;
4. a seeded, vectorised local search (steepest descent from many starts with iterated
   perturbation) for an upper bound, which feeds the reductions and stops the search as
   soon as a lower bound (a packing of edge-disjoint unbalanced triangles) meets it.

:func:`frustration_index_plain` is the same linear model with no reductions, no cuts and
no fixed node (the baseline of ``benchmarks/bench_frustration.py``);
:func:`frustration_index_brute_force` enumerates every partition of a small graph.

References
----------
Harary, F. (1959). On the measurement of structural balance. *Behavioral Science* 4(4),
316-323.

Zaslavsky, T. (1987). Balanced decompositions of a signed graph. *Journal of
Combinatorial Theory, Series B* 43(1), 1-13.

Aref, S., & Wilson, M. C. (2018). Measuring partial balance in signed networks.
*Journal of Complex Networks* 6(4), 566-595.

Aref, S., Mason, A. J., & Wilson, M. C. (2020). Computing the line index of balance using
integer programming optimisation. In B. Goldengorin (ed.), *Optimization Problems in
Graph Theory*, Springer, 65-84.

Aref, S., Mason, A. J., & Wilson, M. C. (2020). A modeling and computational study of the
frustration index in signed networks. *Networks* 75(1), 95-110.

Hopcroft, J., & Tarjan, R. (1973). Algorithm 447: efficient algorithms for graph
manipulation. *Communications of the ACM* 16(6), 372-378.

Huangfu, Q., & Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
*Mathematical Programming Computation* 10(1), 119-142 (HiGHS).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csgraph

from .._errors import RealpolitikError
from .signed import SignedGraph

__all__ = [
    "FrustrationResult",
    "frustrated_edges",
    "frustration_heuristic",
    "frustration_index",
    "frustration_index_brute_force",
    "frustration_index_plain",
]

_BRUTE_NODES = 14  # components up to this many nodes are enumerated rather than handed to HiGHS
_DENSE_NODES = 2500  # above this the local search switches to sparse moves
_UNION_FIND_TIES = 400  # fewer ties than this are grouped in Python, more with scipy's graph routines
_LEVELS = 8  # weight levels in the two-path bounds (exact when the weights take at most this many values)
_EPS = 1e-6


@dataclass(frozen=True, eq=False)
class FrustrationResult:
    """The frustration index of a signed graph, with the partition that attains it.

    Attributes
    ----------
    frustration : int
        ``L``, the number of frustrated edges of ``partition``. When ``optimal`` is false
        it is the best upper bound found.
    lower_bound : int
        A proven lower bound on ``L``; equal to ``frustration`` when ``optimal``.
    partition : dict of str to int
        Node → side (0 or 1). Side 0 is the larger group among nodes with an edge;
        isolated nodes are put on side 0.
    normalized : float
        ``F = 1 − 2L/m`` (1 when the graph has no edge).
    optimal : bool
        Whether ``L`` is proven minimal.
    gap : float
        ``(L − lower_bound) / L``, the relative optimality gap (0 when optimal).
    seconds : float
        Wall-clock time of the computation.
    method : str
        ``"exact"``, ``"heuristic"``, ``"plain-milp"`` or ``"brute-force"``.
    edges : int
        ``m``, the number of edges.
    frustrated : numpy.ndarray
        Boolean mask over the graph's edges (in ``graph.u, graph.v`` order): which edges
        ``partition`` frustrates.
    """

    frustration: int
    lower_bound: int
    partition: dict[str, int]
    normalized: float
    optimal: bool
    gap: float
    seconds: float
    method: str
    edges: int
    frustrated: np.ndarray = field(repr=False)

    @property
    def upper_bound(self) -> int:
        """The frustration of the returned partition (an upper bound on the index)."""
        return self.frustration

    def as_dict(self) -> dict[str, object]:
        """The scalar fields as one flat row (without the partition and the edge mask)."""
        return {
            "edges": self.edges,
            "frustration": self.frustration,
            "lower_bound": self.lower_bound,
            "normalized": self.normalized,
            "optimal": self.optimal,
            "gap": self.gap,
            "seconds": self.seconds,
            "method": self.method,
        }


# ---------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------


def frustrated_edges(graph: SignedGraph, partition: Mapping[str, int] | Sequence[int] | np.ndarray) -> np.ndarray:
    """Which edges a two-group partition frustrates.

    Parameters
    ----------
    graph : SignedGraph
    partition : mapping of node to side, or a sequence of sides in ``graph.nodes`` order
        Sides are 0 or 1 (any two values compared for equality work).

    Returns
    -------
    numpy.ndarray
        Boolean mask over the edges: a positive edge across the groups or a negative edge
        inside one.
    """
    if isinstance(partition, Mapping):
        missing = [node for node in graph.nodes if node not in partition]
        if missing:
            raise RealpolitikError(f"partition lacks node {missing[0]!r}")
        sides = np.array([partition[node] for node in graph.nodes])
    else:
        sides = np.asarray(partition)
        if sides.shape != (graph.n,):
            raise RealpolitikError(f"partition has {sides.size} sides for {graph.n} nodes")
    across = sides[graph.u] != sides[graph.v]
    return across != (graph.sign < 0)


def frustration_index(
    graph: SignedGraph,
    *,
    method: str = "exact",
    time_limit: float | None = None,
    seed: int | np.random.Generator | None = None,
) -> FrustrationResult:
    """The frustration index (line index of balance) of a signed graph.

    Parameters
    ----------
    graph : SignedGraph
    method : {"exact", "heuristic"}
        ``"exact"`` proves optimality (reductions, decomposition into biconnected
        components, unbalanced-triangle cuts, HiGHS); ``"heuristic"`` runs
        :func:`frustration_heuristic` only.
    time_limit : float, optional
        Seconds for the exact search (checked before and passed to each HiGHS call; the
        reductions and the local search, fast on their own, are not interrupted). When it
        runs out, the result carries the best partition found, ``optimal=False``, a proven
        ``lower_bound`` and the ``gap``. Ignored by ``method="heuristic"``.
    seed : int, numpy.random.Generator or None
        Seed of the local search that supplies the first upper bound. ``L`` does not
        depend on it; which of several optimal partitions is returned may.

    Returns
    -------
    FrustrationResult

    References
    ----------
    Aref, S., Mason, A. J., & Wilson, M. C. (2020). Computing the line index of balance
    using integer programming optimisation. In *Optimization Problems in Graph Theory*,
    Springer, 65-84.

    Examples
    --------
    >>> from realpolitik.structure.signed import SignedGraph
    >>> g = SignedGraph.from_edges([("A", "B", 1), ("B", "C", 1), ("A", "C", -1)])
    >>> result = frustration_index(g)
    >>> result.frustration, result.optimal, round(result.normalized, 3)
    (1, True, 0.333)
    """
    if method == "heuristic":
        return frustration_heuristic(graph, seed=seed)
    if method != "exact":
        raise ValueError("method must be 'exact' or 'heuristic'")
    if time_limit is not None and time_limit <= 0:
        raise ValueError("time_limit must be positive")
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    deadline = math.inf if time_limit is None else start + time_limit
    problem = _Problem.from_graph(graph)
    x, lb = _solve_exact(problem, rng, deadline)
    return _result(graph, x, lb, start, "exact")


def frustration_heuristic(
    graph: SignedGraph,
    *,
    seed: int | np.random.Generator | None = None,
    starts: int = 16,
    rounds: int = 30,
) -> FrustrationResult:
    """An upper bound on the frustration index by vectorised local search.

    Steepest descent (one node changes side at a time, always the most improving move)
    runs from ``starts`` starting partitions at once — everyone on one side, sides
    propagated along a spanning forest (exact for a balanced graph), random perturbations
    of the first, a few random partitions — then ``rounds`` of iterated local search
    perturb the best partitions and descend again, keeping improvements. On graphs of
    more than a few thousand nodes the descent moves an independent set of improving
    nodes at a time, with sparse algebra.

    Parameters
    ----------
    graph : SignedGraph
    seed : int, numpy.random.Generator or None
    starts : int
        Number of partitions searched side by side.
    rounds : int
        Rounds of perturbation and descent.

    Returns
    -------
    FrustrationResult
        ``optimal`` is true only when the bound is trivially tight (``L = 0``) or meets
        the unbalanced-triangle packing bound reported as ``lower_bound``.

    References
    ----------
    Lourenço, H. R., Martin, O. C., & Stützle, T. (2003). Iterated local search. In
    *Handbook of Metaheuristics*, Springer, 320-353.
    """
    if starts < 1 or rounds < 0:
        raise ValueError("starts must be at least 1 and rounds non-negative")
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    problem = _Problem.from_graph(graph)
    x = _heuristic(problem, rng, starts=starts, rounds=rounds)
    lb = _packing_bound(problem)
    return _result(graph, x, lb, start, "heuristic")


def frustration_index_plain(graph: SignedGraph, *, time_limit: float | None = None) -> FrustrationResult:
    """The frustration index from the plain binary linear model, as a baseline.

    Minimise ``Σ f_ij`` over binary node sides ``x_i`` and binary edge frustrations
    ``f_ij`` subject to ``f_ij ≥ x_i − x_j`` and ``f_ij ≥ x_j − x_i`` for a positive edge
    and ``f_ij ≥ x_i + x_j − 1`` and ``f_ij ≥ 1 − x_i − x_j`` for a negative edge (Aref,
    Mason & Wilson 2020), handed to HiGHS as it stands: no reductions, no decomposition,
    no cuts, no fixed node, no warm start.

    Parameters
    ----------
    graph : SignedGraph
    time_limit : float, optional
        Seconds for HiGHS; the gap is reported when it is hit.

    Returns
    -------
    FrustrationResult
    """
    start = time.perf_counter()
    problem = _Problem.from_graph(graph)
    if problem.m == 0:
        return _result(graph, np.zeros(graph.n, dtype=np.int8), 0, start, "plain-milp")
    x, _, lb = _milp(problem, None, time_limit=time_limit, plain=True)
    if x is None:  # no incumbent within the limit: everyone on one side is a partition
        x = np.zeros(graph.n, dtype=np.int8)
    return _result(graph, x, lb, start, "plain-milp")


def frustration_index_brute_force(graph: SignedGraph, *, max_nodes: int = 16) -> FrustrationResult:
    """The frustration index by enumerating all ``2^(n−1)`` partitions (small graphs).

    The enumeration is vectorised: blocks of partitions are bit patterns, and the
    frustrated edges of a whole block are counted with one array expression.

    Parameters
    ----------
    graph : SignedGraph
    max_nodes : int
        Refuse graphs with more nodes than this (the work doubles with every node).

    Returns
    -------
    FrustrationResult
    """
    if graph.n > max_nodes:
        raise RealpolitikError(f"brute force is limited to {max_nodes} nodes; this graph has {graph.n}")
    start = time.perf_counter()
    problem = _Problem.from_graph(graph)
    x = _brute_force(problem.n, problem.a, problem.b, problem.w)
    cost = problem.cost(x)
    return _result(graph, x, cost, start, "brute-force")


def _result(graph: SignedGraph, x: np.ndarray, lb: float, start: float, method: str) -> FrustrationResult:
    x = np.asarray(x, dtype=np.int8).copy()
    if graph.m and int(frustrated_edges(graph, x).sum()) > max(0, math.ceil(lb - _EPS)):
        # an unproven partition (a solver's incumbent under a time limit) is brought to a local optimum,
        # where no node has more frustrated than unfrustrated edges, hence L ≤ m/2 and F ≥ 0
        x = _polish(_Problem.from_graph(graph), x)
    linked = np.zeros(graph.n, dtype=bool)
    linked[graph.u] = True
    linked[graph.v] = True
    ones, count = int(x[linked].sum()), int(linked.sum())
    if 2 * ones > count or (count and 2 * ones == count and x[linked][0] == 1):
        x = 1 - x
    x[~linked] = 0
    mask = frustrated_edges(graph, x)
    value = int(mask.sum())
    lower = min(value, max(0, math.ceil(lb - _EPS)))
    m = graph.m
    return FrustrationResult(
        frustration=value,
        lower_bound=lower,
        partition={node: int(side) for node, side in zip(graph.nodes, x)},
        normalized=1.0 - 2.0 * value / m if m else 1.0,
        optimal=lower == value,
        gap=(value - lower) / value if value else 0.0,
        seconds=time.perf_counter() - start,
        method=method,
        edges=m,
        frustrated=mask,
    )


# ---------------------------------------------------------------------------------------
# The weighted problem that reductions produce
# ---------------------------------------------------------------------------------------


@dataclass
class _Problem:
    """Weighted frustration: minimise ``const + Σ |w| [edge frustrated]`` over sides ``x``.

    An edge ``(a, b, w)`` with ``w > 0`` is frustrated when ``x_a ≠ x_b``, with ``w < 0``
    when ``x_a = x_b``. Edges are unique, ``a < b``, ``w ≠ 0`` after :meth:`aggregate`.
    """

    n: int
    a: np.ndarray
    b: np.ndarray
    w: np.ndarray
    const: int = 0

    @classmethod
    def from_graph(cls, graph: SignedGraph) -> _Problem:
        return cls(graph.n, graph.u.astype(np.int64), graph.v.astype(np.int64), graph.sign.astype(np.int64))

    @property
    def m(self) -> int:
        return len(self.w)

    def cost(self, x: np.ndarray) -> int:
        """Frustration of the sides ``x`` (0/1 array), constant included."""
        across = x[self.a] != x[self.b]
        return self.const + int(np.abs(self.w)[across != (self.w < 0)].sum())

    def aggregate(self) -> _Problem:
        """Merge parallel edges: ``p`` positive and ``q`` negative weight become ``p − q`` plus ``min(p, q)``."""
        return _aggregate(self.n, self.a, self.b, self.w, self.const)


def _aggregate(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray, const: int) -> _Problem:
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keys, inverse = np.unique(lo * n + hi, return_inverse=True)
    pos = np.bincount(inverse, weights=np.maximum(w, 0), minlength=len(keys)).astype(np.int64)
    neg = np.bincount(inverse, weights=np.maximum(-w, 0), minlength=len(keys)).astype(np.int64)
    net = pos - neg
    keep = net != 0
    return _Problem(n, keys[keep] // n, keys[keep] % n, net[keep], const + int(np.minimum(pos, neg).sum()))


def _triangles(n: int, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All triangles of a simple graph (edges ``a < b`` unique), as triples of edge ids.

    Vectorised wedge check: for each edge (a, b) and each forward neighbour c > b of b,
    look up the edge (a, c) among the sorted edge keys.
    """
    m = len(a)
    empty = np.zeros(0, dtype=np.int64)
    if m < 3:
        return empty, empty, empty
    order = np.lexsort((b, a))
    lo, hi = a[order], b[order]
    keys = lo * n + hi
    indptr = np.searchsorted(lo, np.arange(n + 1))
    count = indptr[hi + 1] - indptr[hi]
    total = int(count.sum())
    if total == 0:
        return empty, empty, empty
    edge = np.repeat(np.arange(m), count)
    offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    bc = indptr[hi][edge] + offset
    wanted = lo[edge] * n + hi[bc]
    pos = np.minimum(np.searchsorted(keys, wanted), m - 1)
    hit = keys[pos] == wanted
    return order[edge[hit]], order[bc[hit]], order[pos[hit]]


def _pack_triangles(p: _Problem, tri: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None):
    """Greedy packing of edge-disjoint unbalanced triangles, each edge used at most ``|w|`` times.

    Every unbalanced triangle needs a frustrated edge, so the packing's size is a lower
    bound on the weighted frustration. Returns the three edge ids of each packed
    triangle, its multiplicity, and the total.
    """
    e1, e2, e3 = _triangles(p.n, p.a, p.b) if tri is None else tri
    s = np.sign(p.w)
    bad = s[e1] * s[e2] * s[e3] < 0
    e1, e2, e3 = e1[bad], e2[bad], e3[bad]
    if not len(e1):
        return e1, e2, e3, np.zeros(0, dtype=np.int64), 0
    residual = np.abs(p.w).tolist()
    # scarce edges first: a triangle whose edges lie on few unbalanced triangles is packed early
    load = np.bincount(np.concatenate([e1, e2, e3]), minlength=p.m)
    order = np.argsort(load[e1] + load[e2] + load[e3], kind="stable")
    mult = [0] * len(order)
    t1, t2, t3 = e1.tolist(), e2.tolist(), e3.tolist()
    for t in order.tolist():
        i, j, k = t1[t], t2[t], t3[t]
        q = min(residual[i], residual[j], residual[k])
        if q > 0:
            residual[i] -= q
            residual[j] -= q
            residual[k] -= q
            mult[t] = q
    mu = np.array(mult, dtype=np.int64)
    keep = mu > 0
    return e1[keep], e2[keep], e3[keep], mu[keep], int(mu.sum())


def _packing_bound(p: _Problem) -> int:
    return p.const + _pack_triangles(p)[4]


# ---------------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------------


def _node_weights(p: _Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per node: total |w|, largest |w|, the neighbour across it and that edge's sign."""
    ends = np.concatenate([p.a, p.b])
    other = np.concatenate([p.b, p.a])
    w = np.concatenate([p.w, p.w])
    aw = np.abs(w)
    total = np.bincount(ends, weights=aw, minlength=p.n)
    order = np.lexsort((aw, ends))
    grouped = ends[order]
    last_of_group = np.nonzero(np.append(grouped[1:] != grouped[:-1], True))[0] if len(grouped) else grouped
    heaviest = np.zeros(p.n)
    partner = np.zeros(p.n, dtype=np.int64) - 1
    negative = np.zeros(p.n, dtype=bool)
    pick = order[last_of_group]
    node = ends[pick]
    heaviest[node] = aw[pick]
    partner[node] = other[pick]
    negative[node] = w[pick] < 0
    return total, heaviest, partner, negative


def _dominance_facts(p: _Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ties from dominant edges: node i follows its heaviest neighbour when that edge outweighs the rest.

    Strict dominance holds in every optimum; ties (the edge exactly balances the rest)
    hold in some optimum, and only a set of them that cannot interfere is returned.
    """
    total, heaviest, partner, negative = _node_weights(p)
    strict = (2 * heaviest > total + _EPS) & (partner >= 0)
    i = np.nonzero(strict)[0]
    fi, fj, fr = [i], [partner[i]], [negative[i].astype(np.int8)]
    tie = np.nonzero((np.abs(2 * heaviest - total) <= _EPS) & (partner >= 0))[0]
    if len(tie):
        flipped: set[int] = set()
        anchored: set[int] = set()
        pick = []
        for node in tie.tolist():
            other = int(partner[node])
            if node in anchored or node in flipped or other in flipped:
                continue
            flipped.add(node)
            anchored.add(other)
            pick.append(node)
        pick_arr = np.array(pick, dtype=np.int64)
        fi.append(pick_arr)
        fj.append(partner[pick_arr])
        fr.append(negative[pick_arr].astype(np.int8))
    return np.concatenate(fi), np.concatenate(fj), np.concatenate(fr)


def _bound_facts(p: _Problem, ub: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Ties proven by bounds: pairs whose separation (or union) costs more than ``ub``.

    If ``x_i ≠ x_j`` every path from i to j with an even number of negative edges has a
    frustrated edge; edge-disjoint such paths of length ≤ 2 (the direct edge and one per
    common neighbour, weighted by the lighter edge) give a lower bound, to which the
    packed unbalanced triangles that avoid i and j add, since they share no edge with
    those paths. Likewise for ``x_i = x_j`` and odd paths. A pair whose bound exceeds
    ``ub`` is tied for every optimal partition. Also returns the packing lower bound.
    """
    n = p.n
    e1, e2, e3, mu, total = _pack_triangles(p)
    lb = p.const + total
    empty = np.zeros(0, dtype=np.int64)
    if lb > ub:  # cannot happen with a valid ub
        raise RuntimeError("frustration bounds crossed")
    aw = np.abs(p.w).astype(np.float64)
    pos = p.w > 0
    slack = ub - p.const
    # nodes of the packed triangles, to discount those that touch i or j
    ta, tb = p.a[e1], p.b[e1]
    tc = np.where((p.a[e2] == ta) | (p.a[e2] == tb), p.b[e2], p.a[e2])
    t_node = np.bincount(np.concatenate([ta, tb, tc]), weights=np.tile(mu, 3), minlength=n)
    t_rows = np.concatenate([ta, ta, tb, tb, tc, tc])
    t_cols = np.concatenate([tb, tc, ta, tc, ta, tb])
    t_vals = np.tile(mu, 6).astype(np.float64)
    # min(a, b) = Σ_l (v_l − v_{l−1}) [a ≥ v_l][b ≥ v_l] over weight levels; fewer levels give a lower bound.
    # Sparse products throughout: they are single-threaded, and these matrices are small or sparse.
    levels = np.unique(aw)
    if len(levels) > _LEVELS:
        levels = levels[np.linspace(0, len(levels) - 1, _LEVELS).round().astype(int)]
    steps = np.diff(np.concatenate([[0.0], levels]))

    def mat(mask):
        half = sparse.coo_array((aw[mask], (p.a[mask], p.b[mask])), shape=(n, n)).tocsr()
        return half + half.T

    P, N = mat(pos), mat(~pos)
    S, D = P, N
    for level, step in zip(levels.tolist(), steps.tolist()):
        Pl = (P >= level).astype(np.float64)
        Nl = (N >= level).astype(np.float64)
        S = S + step * (Pl @ Pl + Nl @ Nl)
        D = D + step * (Pl @ Nl + Nl @ Pl)
    t_pair = sparse.coo_array((t_vals, (t_rows, t_cols)), shape=(n, n)).tocsr()
    found = []
    for M in (S, D):
        M = sparse.triu(M, 1).tocoo()
        keep = M.data > slack - total + _EPS  # the packing term is at most `total`
        i, j, v = M.row[keep].astype(np.int64), M.col[keep].astype(np.int64), M.data[keep]
        rest = total - t_node[i] - t_node[j] + np.asarray(t_pair[i, j]).ravel()
        hit = v + rest > slack + _EPS
        found.append((i[hit], j[hit]))
    (si, sj), (di, dj) = found
    if not (len(si) or len(di)):
        return empty, empty, empty.astype(np.int8), lb
    fi = np.concatenate([si, di]).astype(np.int64)
    fj = np.concatenate([sj, dj]).astype(np.int64)
    fr = np.concatenate([np.zeros(len(si), np.int8), np.ones(len(di), np.int8)])
    return fi, fj, fr, lb


def _tie_forest(n: int, fi: np.ndarray, fj: np.ndarray, fr: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Groups and parities of many ties at once: components, then one breadth-first search."""
    graph = sparse.coo_array((np.ones(len(fi)), (fi, fj)), shape=(n, n)).tocsr()
    graph = graph + graph.T
    count, label = csgraph.connected_components(graph, directed=False)
    # one breadth-first search from a virtual root joined to one node of every group
    _, first = np.unique(label, return_index=True)
    sizes = np.bincount(label, minlength=count)
    reps = first[sizes > 1]
    root_links = sparse.coo_array((np.ones(len(reps)), (np.full(len(reps), n), reps)), shape=(n + 1, n + 1))
    forest = sparse.block_diag((graph, sparse.csr_array((1, 1)))).tocsr() + root_links.tocsr()
    order, pred = csgraph.breadth_first_order(forest, n, directed=False, return_predecessors=True)
    child = order[1:]
    parent = pred[child]
    keys = np.concatenate([fi * n + fj, fj * n + fi])
    rel = np.concatenate([fr, fr])
    sort = np.argsort(keys, kind="stable")
    keys, rel = keys[sort], rel[sort]
    tree_rel = np.zeros(len(child), dtype=np.int8)
    inner = parent < n
    tree_rel[inner] = rel[np.searchsorted(keys, parent[inner] * n + child[inner])]
    par = [0] * (n + 1)
    for c, pr, rr in zip(child.tolist(), parent.tolist(), tree_rel.tolist()):
        par[c] = par[pr] ^ rr
    parity = np.array(par[:n], dtype=np.int8)
    return count, label, parity


def _union_find(n: int, fi: np.ndarray, fj: np.ndarray, fr: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Groups and parities of a few ties: union-find with parity and path compression."""
    parent = list(range(n))
    rel = [0] * n  # parity to the parent

    def find(x: int) -> tuple[int, int]:
        path = []
        while parent[x] != x:
            path.append(x)
            x = parent[x]
        acc = 0
        for node in reversed(path):
            acc ^= rel[node]
            parent[node] = x
            rel[node] = acc
        return x, (rel[path[0]] if path else 0)

    for i, j, r in zip(fi.tolist(), fj.tolist(), fr.tolist()):
        ri, pi = find(i)
        rj, pj = find(j)
        if ri != rj:
            parent[rj] = ri
            rel[rj] = pi ^ pj ^ r
    roots = np.empty(n, dtype=np.int64)
    parity = np.empty(n, dtype=np.int8)
    for x in range(n):
        roots[x], parity[x] = find(x)
    _, label = np.unique(roots, return_inverse=True)
    return int(label.max()) + 1 if n else 0, label.astype(np.int64), parity


def _contract(p: _Problem, fi: np.ndarray, fj: np.ndarray, fr: np.ndarray):
    """Contract tied nodes: returns the smaller problem, each old node's new index and parity.

    A tie ``(i, j, r)`` says ``x_i XOR x_j = r``. Edges inside a contracted group become
    constants; an edge whose ends have opposite parity changes sign.
    """
    n = p.n
    if len(fi) <= _UNION_FIND_TIES:
        count, label, parity = _union_find(n, fi, fj, fr)
    else:
        count, label, parity = _tie_forest(n, fi, fj, fr)
    if np.any((parity[fi] ^ parity[fj]) != fr):
        raise RuntimeError("inconsistent ties in the frustration reductions")
    flip = (parity[p.a] ^ parity[p.b]).astype(np.int64)
    w = p.w * (1 - 2 * flip)
    a, b = label[p.a], label[p.b]
    inside = a == b
    const = p.const + int(-w[inside & (w < 0)].sum())
    out = _aggregate(count, a[~inside], b[~inside], w[~inside], const)
    return out, label.astype(np.int64), parity


def _reduce(p: _Problem, ub: int | None, x_ub: np.ndarray | None, *, stop_at_bound: bool = True):
    """Apply dominance and bound ties until none is left.

    With ``ub`` None only the dominance ties are applied. The loop stops early once the
    lower bound meets ``ub`` (optimality is then proven) unless ``stop_at_bound`` is
    false. Returns the kernel problem, the map (index, parity) from ``p``'s nodes to the
    kernel's, the best lower bound seen, and the sides ``x_ub`` (of cost ``ub``) carried
    over to the kernel.
    """
    index = np.arange(p.n, dtype=np.int64)
    parity = np.zeros(p.n, dtype=np.int8)
    lb = p.const
    while p.m:
        fi, fj, fr = _dominance_facts(p)
        if not len(fi):
            if ub is None:
                break
            fi, fj, fr, bound = _bound_facts(p, ub)
            lb = max(lb, bound)
            if (stop_at_bound and lb >= ub) or not len(fi):
                break
        p, label, par = _contract(p, fi, fj, fr)
        parity = parity ^ par[index]
        index = label[index]
    kernel_x = None
    if x_ub is not None:
        kernel_x = np.zeros(p.n, dtype=np.int8)
        kernel_x[index] = x_ub ^ parity  # a representative per kernel node decides its side
    return p, index, parity, lb, kernel_x


# ---------------------------------------------------------------------------------------
# Exact search
# ---------------------------------------------------------------------------------------


def _solve_exact(p: _Problem, rng: np.random.Generator, deadline: float, depth: int = 0) -> tuple[np.ndarray, float]:
    """Sides of ``p``'s nodes and a lower bound on ``p``'s optimum (their cost when proven optimal)."""
    p = p.aggregate()
    if p.m == 0:
        return np.zeros(p.n, dtype=np.int8), float(p.const)
    # ties that need no bound first, so that the local search has less to do
    k1, index1, parity1, _, _ = _reduce(p, None, None)
    x1 = _heuristic(k1, rng, starts=16, rounds=4)
    ub = k1.cost(x1)
    k2, index2, parity2, lb, x2 = _reduce(k1, ub, x1)
    index = index2[index1]
    parity = parity2[index1] ^ parity1
    best = (x1[index1] ^ parity1).astype(np.int8)
    if lb >= ub:  # the local search was optimal
        return best, float(ub)
    if k2.m == 0:
        return (np.zeros(k2.n, dtype=np.int8)[index] ^ parity).astype(np.int8), float(k2.const)
    y, y_lb = _solve_components(k2, x2, rng, deadline, depth)
    if k2.cost(y) <= ub:
        best = (y[index] ^ parity).astype(np.int8)
    return best, max(float(lb), y_lb)


def _solve_components(
    p: _Problem, hint: np.ndarray, rng: np.random.Generator, deadline: float, depth: int
) -> tuple[np.ndarray, float]:
    """Solve each biconnected component of ``p`` on its own and glue the partitions at cut nodes.

    Returns sides and a lower bound on ``p``'s optimum.
    """
    blocks = [np.array(sorted(block), dtype=np.int64) for block in _biconnected_blocks(p.n, p.a, p.b)]
    lb = float(p.const)
    solved: list[tuple[np.ndarray, np.ndarray]] = []
    for edges in blocks:
        k = len(edges)
        nodes, inverse = np.unique(np.concatenate([p.a[edges], p.b[edges]]), return_inverse=True)
        sub = _Problem(len(nodes), inverse[:k], inverse[k:], p.w[edges])
        if k == 1:  # a bridge is never frustrated
            y, y_lb = np.array([0, 0 if sub.w[0] > 0 else 1], dtype=np.int8), 0.0
        elif sub.n <= _BRUTE_NODES:
            y = _brute_force(sub.n, sub.a, sub.b, sub.w)
            y_lb = float(sub.cost(y))
        elif len(blocks) > 1 and depth < 2:  # a smaller problem: reduce it again
            y, y_lb = _solve_exact(sub, rng, deadline, depth + 1)
        else:
            y, y_lb = _solve_block(sub, hint[nodes], deadline)
        lb += y_lb
        solved.append((nodes, y))
    # glue: breadth-first over blocks that share a node; each new block meets the placed ones in one cut node
    x = np.full(p.n, -1, dtype=np.int8)
    by_node: dict[int, list[int]] = {}
    for idx, (nodes, _) in enumerate(solved):
        for node in nodes.tolist():
            by_node.setdefault(node, []).append(idx)
    done = [False] * len(solved)
    for first in range(len(solved)):
        if done[first]:
            continue
        queue = [first]
        done[first] = True
        while queue:
            idx = queue.pop()
            nodes, y = solved[idx]
            placed = np.nonzero(x[nodes] >= 0)[0]
            if len(placed) and y[placed[0]] != x[nodes[placed[0]]]:
                y = 1 - y
            x[nodes] = y
            for node in nodes.tolist():
                for nxt in by_node[node]:
                    if not done[nxt]:
                        done[nxt] = True
                        queue.append(nxt)
    x[x < 0] = 0
    return x, lb


def _biconnected_blocks(n: int, a: np.ndarray, b: np.ndarray) -> list[list[int]]:
    """Edge ids of each biconnected component (Hopcroft & Tarjan 1973), iterative depth-first search."""
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for e, (u, v) in enumerate(zip(a.tolist(), b.tolist())):
        adjacency[u].append((v, e))
        adjacency[v].append((u, e))
    disc = [-1] * n
    low = [0] * n
    clock = 0
    blocks: list[list[int]] = []
    edge_stack: list[int] = []
    for root in range(n):
        if disc[root] >= 0 or not adjacency[root]:
            continue
        disc[root] = low[root] = clock
        clock += 1
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            u, via, neighbours = stack[-1]
            descended = False
            for v, e in neighbours:
                if e == via:
                    continue
                if disc[v] < 0:
                    edge_stack.append(e)
                    disc[v] = low[v] = clock
                    clock += 1
                    stack.append((v, e, iter(adjacency[v])))
                    descended = True
                    break
                if disc[v] < disc[u]:  # a back edge to an ancestor
                    edge_stack.append(e)
                    low[u] = min(low[u], disc[v])
            if descended:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[u])
                if low[u] >= disc[parent]:  # parent separates u's subtree: close a block
                    block = []
                    while True:
                        e = edge_stack.pop()
                        block.append(e)
                        if e == via:
                            break
                    blocks.append(block)
    return blocks


def _solve_block(p: _Problem, hint: np.ndarray, deadline: float) -> tuple[np.ndarray, float]:
    """One biconnected block with HiGHS; falls back to ``hint`` when no better incumbent is found."""
    left = deadline - time.perf_counter()
    if left <= 0:
        return hint, float(_packing_bound(p))
    x, value, lb = _milp(p, hint, time_limit=None if math.isinf(left) else left, plain=False)
    if x is None or value > p.cost(hint):
        x = hint
    return x.astype(np.int8), max(lb, float(_packing_bound(p)))


def _milp(
    p: _Problem, hint: np.ndarray | None, *, time_limit: float | None, plain: bool, binary_edges: bool | None = None
) -> tuple[np.ndarray | None, float, float]:
    """Aref–Mason–Wilson binary linear model; with ``plain=False`` add triangle cuts and fix a node.

    The edge variables are declared binary in the plain model (as published) and
    continuous otherwise (``binary_edges`` overrides): with binary sides they take 0/1
    values anyway, and HiGHS branches on far fewer variables. Returns sides (or None when
    HiGHS found no incumbent), the incumbent's value and a lower bound.
    """
    n, m = p.n, p.m
    a, b, w = p.a, p.b, p.w
    pos = w > 0
    e = np.arange(m)
    ones = np.ones(m)
    # row r1: f − x_a + x_b ≥ 0 (pos) | f − x_a − x_b ≥ −1 (neg);  r2: f + x_a − x_b ≥ 0 | f + x_a + x_b ≥ 1
    rows = np.concatenate([e, e, e, m + e, m + e, m + e])
    cols = np.concatenate([n + e, a, b, n + e, a, b])
    vals = np.concatenate([ones, -ones, np.where(pos, 1.0, -1.0), ones, ones, np.where(pos, -1.0, 1.0)])
    lower = np.concatenate([np.where(pos, 0.0, -1.0), np.where(pos, 0.0, 1.0)])
    n_rows = 2 * m
    if not plain:
        e1, e2, e3 = _triangles(n, a, b)
        s = np.sign(w)
        bad = s[e1] * s[e2] * s[e3] < 0
        e1, e2, e3 = e1[bad], e2[bad], e3[bad]
        t = np.arange(len(e1)) + n_rows
        rows = np.concatenate([rows, t, t, t])
        cols = np.concatenate([cols, n + e1, n + e2, n + e3])
        vals = np.concatenate([vals, np.ones(3 * len(e1))])
        lower = np.concatenate([lower, np.ones(len(e1))])
        n_rows += len(e1)
    matrix = sparse.csr_array((vals, (rows, cols)), shape=(n_rows, n + m))
    c = np.concatenate([np.zeros(n), np.abs(w).astype(np.float64)])
    hi = np.ones(n + m)
    if not plain and n:
        deg = np.bincount(np.concatenate([a, b]), weights=np.tile(np.abs(w), 2), minlength=n)
        hi[int(np.argmax(deg))] = 0.0  # fix one node's side: the problem is symmetric
    binary_edges = plain if binary_edges is None else binary_edges
    integrality = np.concatenate([np.ones(n), np.ones(m) if binary_edges else np.zeros(m)])
    options: dict = {"presolve": True}
    if time_limit is not None:
        options["time_limit"] = max(float(time_limit), 1e-3)
    res = milp(
        c,
        constraints=LinearConstraint(matrix, lower, np.inf),
        integrality=integrality,
        bounds=Bounds(np.zeros(n + m), hi),
        options=options,
    )
    if res.x is None:
        dual = getattr(res, "mip_dual_bound", None)
        dual = 0.0 if dual is None or not np.isfinite(dual) else float(dual)
        return None, math.inf, p.const + max(0, math.ceil(dual - _EPS))
    x = (np.asarray(res.x[:n]) > 0.5).astype(np.int8)
    value = p.cost(x)
    dual = getattr(res, "mip_dual_bound", None)
    if dual is None or not np.isfinite(dual):
        dual = value - p.const if res.status == 0 else 0.0
    # weights are integers, so the optimum is at least the dual bound rounded up
    return x, float(value), float(p.const + min(value - p.const, max(0, math.ceil(dual - _EPS))))


def _brute_force(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Sides minimising weighted frustration, by enumerating all partitions with node 0 on side 0."""
    if n <= 1:
        return np.zeros(n, dtype=np.int8)
    aw = np.abs(w).astype(np.int64)
    neg = (w < 0)
    free = n - 1
    total = 1 << free
    block = 1 << min(free, 16)
    shifts = np.arange(free, dtype=np.int64)
    best_cost, best = None, 0
    for start in range(0, total, block):
        codes = np.arange(start, min(start + block, total), dtype=np.int64)
        bits = np.zeros((len(codes), n), dtype=np.int8)
        bits[:, 1:] = (codes[:, None] >> shifts) & 1
        frustrated = (bits[:, a] != bits[:, b]) != neg
        cost = frustrated.astype(np.int64) @ aw
        k = int(np.argmin(cost))
        if best_cost is None or cost[k] < best_cost:
            best_cost, best = int(cost[k]), int(codes[k])
    x = np.zeros(n, dtype=np.int8)
    x[1:] = (best >> np.arange(free)) & 1
    return x


# ---------------------------------------------------------------------------------------
# Local search
# ---------------------------------------------------------------------------------------


def _heuristic(p: _Problem, rng: np.random.Generator, *, starts: int, rounds: int) -> np.ndarray:
    """Best sides found by multi-start steepest descent and iterated perturbation."""
    n = p.n
    if p.m == 0 or n == 0:
        return np.zeros(n, dtype=np.int8)
    dense = n <= _DENSE_NODES
    Wsp = sparse.coo_array((np.concatenate([p.w, p.w]).astype(np.float64),
                            (np.concatenate([p.a, p.b]), np.concatenate([p.b, p.a]))), shape=(n, n)).tocsr()
    W = Wsp.toarray() if dense else Wsp  # dense columns for the moves; products stay sparse (single-threaded)
    S = np.ones((n, starts))
    for r in range(1, starts):  # a spanning-forest labelling, perturbations of "everyone together", random starts
        if r == 1:  # sides propagated along a breadth-first forest: no frustration at all if the graph is balanced
            S[:, r] = 1.0 - 2.0 * _tie_forest(n, p.a, p.b, (p.w < 0).astype(np.int8))[2]
        elif r % 4 == 3:
            S[:, r] = rng.choice((-1.0, 1.0), n)
        else:
            S[rng.choice(n, size=max(1, min(n, int(rng.integers(1, max(2, n // 8))))), replace=False), r] = -1.0
    descend = _descend_dense if dense else _descend_sparse
    H = Wsp @ S
    descend(W, S, H, rng)
    energy = np.einsum("ij,ij->j", S, H)  # cost = (Σ|w| − energy / 2) / 2: higher energy is better
    for round_ in range(rounds):
        best = int(np.argmax(energy))
        T = np.repeat(S[:, [best]], starts, axis=1) if round_ % 2 == 0 else S.copy()
        gain = T * (Wsp @ T)  # per-node flip cost: small values are near-neutral moves
        # each column flips about k of its 4k most nearly neutral nodes, k drawn per column
        k = rng.integers(1, max(2, min(n, 8)), size=starts)
        noisy = gain + rng.random((n, starts)) * 2.0
        rank = np.argsort(np.argsort(noisy, axis=0), axis=0)
        flip = (rank < 4 * k) & (rng.random((n, starts)) < 0.25)
        flip[np.argmin(noisy, axis=0), np.arange(starts)] = True  # at least one move per column
        T[flip] *= -1.0
        HT = Wsp @ T
        descend(W, T, HT, rng)
        e_new = np.einsum("ij,ij->j", T, HT)
        better = e_new > energy + _EPS
        S[:, better], H[:, better], energy[better] = T[:, better], HT[:, better], e_new[better]
    x = (S[:, int(np.argmax(energy))] < 0).astype(np.int8)
    return x


def _polish(p: _Problem, x: np.ndarray) -> np.ndarray:
    """Steepest descent from the sides ``x`` to a local optimum."""
    S = (1.0 - 2.0 * x.astype(np.float64))[:, None]
    Wsp = sparse.coo_array((np.concatenate([p.w, p.w]).astype(np.float64),
                            (np.concatenate([p.a, p.b]), np.concatenate([p.b, p.a]))), shape=(p.n, p.n)).tocsr()
    H = Wsp @ S
    if p.n <= _DENSE_NODES:
        _descend_dense(Wsp.toarray(), S, H, np.random.default_rng(0))
    else:
        _descend_sparse(Wsp, S, H, np.random.default_rng(0))
    return (S[:, 0] < 0).astype(np.int8)


def _descend_dense(W: np.ndarray, S: np.ndarray, H: np.ndarray, rng: np.random.Generator) -> None:
    """Steepest descent, one flip per column per step, all columns at once (in place)."""
    cols = np.arange(S.shape[1])
    while True:
        delta = S * H  # twice the change in frustration if the node flips
        i = np.argmin(delta, axis=0)
        act = delta[i, cols] < -_EPS
        if not act.any():
            return
        c, ii = cols[act], i[act]
        S[ii, c] *= -1.0
        H[:, c] += 2.0 * W[:, ii] * S[ii, c]


def _descend_sparse(W: sparse.csr_array, S: np.ndarray, H: np.ndarray, rng: np.random.Generator) -> None:
    """Descent for big sparse graphs: each step flips an independent set of improving nodes (in place)."""
    n, starts = S.shape
    indptr, indices = W.indptr, W.indices
    deg = np.diff(indptr)
    row = np.repeat(np.arange(n), deg)
    while True:
        delta = S * H
        improving = delta < -_EPS
        if not improving.any():
            return
        for r in np.nonzero(improving.any(axis=0))[0].tolist():
            key = np.where(improving[:, r], delta[:, r] + rng.random(n) * 1e-3, np.inf)
            neigh = np.full(n, np.inf)
            np.minimum.at(neigh, row, key[indices])
            flip = improving[:, r] & (key < neigh)
            S[flip, r] *= -1.0
        H[:] = W @ S
