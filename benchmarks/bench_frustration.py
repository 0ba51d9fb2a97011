"""Benchmark: the exact frustration index of the yearly ATOP(+)/MID(−) networks, 1946–2010.

Every year's signed network of states — an edge +1 between states sharing an ATOP alliance
with any obligation (defence, offence, neutrality, non-aggression or consultation) that
year, −1 between states in a militarized dispute that year (COW MID 5.0 dyadic
dispute-years as whittled by peacesciencer, ``cow_mid_ddydisps.csv``; ``--mid gml`` takes
the Gibler–Miller–Little corrected MIDs instead), a dispute overriding an alliance of the
same pair and year — is solved to proven optimality three ways:

* **fast** — :func:`realpolitik.structure.frustration.frustration_index` (reductions,
  biconnected components, triangle cuts, HiGHS, local-search bound), timed over the whole
  series, best of ``--repeat`` runs;
* **plain** — :func:`~realpolitik.structure.frustration.frustration_index_plain`: the same
  binary linear model handed to HiGHS with no reductions, cuts or fixed node;
* with ``--ablation``, the plain model with its edge variables continuous (the one
  modelling change the fast method makes besides reductions and cuts);
* **brute force where feasible** — every yearly graph has 46 or more nodes (2^45 or more
  partitions), so none can be enumerated as it stands. Each year's *conflict core* — the
  induced subgraph on the ``--brute-nodes`` (default 20) states with the most disputes — is
  solved by the vectorised brute force, by the fast method and by the plain model.

The ``kernel`` column reports how many nodes with an edge the reductions leave when run to
the end (a diagnostic through private helpers; the solver itself stops as soon as its
bounds meet). ``core L`` is the frustration index of the conflict core.

The script checks that the methods agree and that every value is proven optimal, then prints
a table and the totals. Graphs are built with :mod:`realpolitik.structure.networks` from
the ATOP and MID readers, and cross-checked against a direct pandas build.

    python benchmarks/bench_frustration.py [--data ../shared/data] [--repeat 3] [--plain-limit SECONDS]
                                           [--skip-plain] [--ablation] [--mid cow|gml] [--brute-nodes 20]
                                           [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy

from realpolitik.io.atop import ATOP_OBLIGATIONS, read_atop
from realpolitik.io.mid import read_mid_dyads
from realpolitik.structure import frustration as fr
from realpolitik.structure.frustration import (
    frustration_index,
    frustration_index_brute_force,
    frustration_index_plain,
)
from realpolitik.structure.networks import alliance_dispute_networks
from realpolitik.structure.signed import SignedGraph

YEARS = range(1946, 2011)
MID_FILES = {
    "cow": Path("cow_mid_v5_peacesciencer") / "cow_mid_ddydisps.csv",
    "gml": Path("gml_mid_v2.2.1") / "gml_mid_ddydisps.csv",
}


def default_data() -> Path:
    env = os.environ.get("REALPOLITIK_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


def direct_graphs(atop_path: Path, mid_path: Path) -> dict[int, SignedGraph]:
    """The same networks built with plain pandas, as an independent check of the readers."""
    atop = pd.read_csv(atop_path)
    mid = pd.read_csv(mid_path)
    allied = atop[atop[list(ATOP_OBLIGATIONS)].eq(1).any(axis=1)]
    out = {}
    for year in YEARS:
        a = allied[allied["year"] == year]
        d = mid[mid["year"] == year]
        edges = pd.concat(
            [
                pd.DataFrame({"src": a["ccode1"].astype(int), "tgt": a["ccode2"].astype(int), "sign": 1}),
                pd.DataFrame({"src": d["ccode1"].astype(int), "tgt": d["ccode2"].astype(int), "sign": -1}),
            ]
        )
        out[year] = SignedGraph.from_edges(edges, combine="negative")  # the dispute wins
    return out


def edge_set(g: SignedGraph) -> set[tuple[str, str, int]]:
    names = g.nodes
    return {(names[a], names[b], int(s)) for a, b, s in zip(g.u, g.v, g.sign)}


def conflict_core(g: SignedGraph, size: int) -> SignedGraph:
    """The induced subgraph on the ``size`` states with the most disputes (then the most edges)."""
    negative = np.bincount(np.concatenate([g.u[g.sign < 0], g.v[g.sign < 0]]), minlength=g.n)
    degree = np.bincount(np.concatenate([g.u, g.v]), minlength=g.n)
    keep = np.lexsort((-degree, -negative))[:size]
    inside = np.isin(g.u, keep) & np.isin(g.v, keep)
    names = np.array(g.nodes, dtype=object)
    edges = pd.DataFrame({"src": names[g.u[inside]], "tgt": names[g.v[inside]], "sign": g.sign[inside].astype(int)})
    return SignedGraph.from_edges(edges, nodes=[g.nodes[i] for i in keep])


def kernel_nodes(g: SignedGraph, seed: int) -> int:
    """Nodes with an edge left once every reduction has run to the end (diagnostic, private helpers)."""
    p = fr._Problem.from_graph(g).aggregate()
    k1, _, _, _, _ = fr._reduce(p, None, None)
    x1 = fr._heuristic(k1, np.random.default_rng(seed), starts=16, rounds=4)
    k2, _, _, _, _ = fr._reduce(k1, k1.cost(x1), x1, stop_at_bound=False)
    return len(np.unique(np.concatenate([k2.a, k2.b])))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--mid", choices=sorted(MID_FILES), default="cow")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plain-limit", type=float, default=None, help="seconds per year for the plain model")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--brute-nodes", type=int, default=20, help="size of the conflict cores enumerated")
    parser.add_argument("--ablation", action="store_true",
                        help="also time the plain model with continuous edge variables")
    args = parser.parse_args()

    atop_path = args.data / "atop_v5.1" / "atop_alliance.csv"
    mid_path = args.data / MID_FILES[args.mid]
    t0 = time.perf_counter()
    alliances = read_atop(atop_path)
    disputes = read_mid_dyads(mid_path)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    graphs = alliance_dispute_networks(
        alliances, disputes, years=YEARS, alliance_types=ATOP_OBLIGATIONS, conflict="negative"
    )
    t_build = time.perf_counter() - t0
    direct = direct_graphs(atop_path, mid_path)
    mismatch = [y for y in YEARS if edge_set(graphs[y]) != edge_set(direct[y])]
    if mismatch:
        print(f"networks module and direct pandas build disagree in {mismatch}", file=sys.stderr)
        return 1

    # warm up imports and caches on one year, then time the whole series
    frustration_index(graphs[1962], seed=args.seed)
    fast_runs = []
    fast_results = {}
    for _ in range(args.repeat):
        per_year = {}
        start = time.perf_counter()
        for year, g in graphs.items():
            t = time.perf_counter()
            fast_results[year] = frustration_index(g, seed=args.seed)
            per_year[year] = time.perf_counter() - t
        fast_runs.append((time.perf_counter() - start, per_year))
    fast_total, fast_year = min(fast_runs, key=lambda run: run[0])

    plain_results, plain_year, plain_total = {}, {}, float("nan")
    if not args.skip_plain:
        start = time.perf_counter()
        for year, g in graphs.items():
            t = time.perf_counter()
            plain_results[year] = frustration_index_plain(g, time_limit=args.plain_limit)
            plain_year[year] = time.perf_counter() - t
        plain_total = time.perf_counter() - start

    relaxed_total, relaxed_ok = float("nan"), True
    if args.ablation:  # the plain model, edge variables continuous: what that one change buys
        start = time.perf_counter()
        for year, g in graphs.items():
            x, value, lb = fr._milp(fr._Problem.from_graph(g), None, time_limit=args.plain_limit, plain=True,
                                    binary_edges=False)
            relaxed_ok &= x is not None and value == lb == fast_results[year].frustration
        relaxed_total = time.perf_counter() - start

    # brute force where feasible: no yearly graph is (46+ nodes), so each year's conflict core of
    # --brute-nodes states is solved by enumeration, by the fast method and by the plain model
    cores = {year: conflict_core(g, args.brute_nodes) for year, g in graphs.items()}
    core_times = {"brute": 0.0, "fast": 0.0, "plain": 0.0}
    core_values = {}
    for year, core in cores.items():
        values = []
        for name, solve in (("brute", lambda h: frustration_index_brute_force(h, max_nodes=args.brute_nodes)),
                            ("fast", lambda h: frustration_index(h, seed=args.seed)),
                            ("plain", frustration_index_plain)):
            t = time.perf_counter()
            r = solve(core)
            core_times[name] += time.perf_counter() - t
            values.append(r.frustration if r.optimal else -1)
        core_values[year] = values
    kernels = {year: kernel_nodes(g, args.seed) for year, g in graphs.items()}

    problems = []
    print(f"{'year':>4} {'nodes':>5} {'edges':>5} {'neg':>4} {'L':>3} {'F':>6} {'kernel':>6} {'fast ms':>8} "
          f"{'plain ms':>9} {'core L':>6}")
    for year, g in graphs.items():
        r = fast_results[year]
        if not r.optimal:
            problems.append(f"{year}: fast result not proven optimal")
        p = plain_results.get(year)
        if p is not None and p.optimal and p.frustration != r.frustration:
            problems.append(f"{year}: fast {r.frustration} != plain {p.frustration}")
        if p is not None and not p.optimal:
            problems.append(f"{year}: plain model not proven optimal within the limit (gap {p.gap:.3f})")
        brute, fast_core, plain_core = core_values[year]
        if not (brute == fast_core == plain_core >= 0):
            problems.append(f"{year}: conflict core brute force {brute}, fast {fast_core}, plain {plain_core}")
        plain_ms = f"{plain_year[year] * 1e3:9.0f}" if p is not None else f"{'—':>9}"
        print(f"{year:>4} {g.n:>5} {g.m:>5} {g.negative:>4} {r.frustration:>3} {r.normalized:6.3f} "
              f"{kernels[year]:>6} {fast_year[year] * 1e3:8.1f} {plain_ms} {brute:>6}")

    print()
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
          f"scipy {scipy.__version__} (HiGHS), pandas {pd.__version__}")
    print(f"data: {atop_path.name} + {mid_path.relative_to(args.data)}; read {t_read:.2f} s, "
          f"{len(graphs)} yearly networks built in {t_build:.2f} s (networks module = direct pandas build)")
    print(f"fast exact, whole series: best {fast_total:.3f} s of {args.repeat} "
          f"(runs: {', '.join(f'{t:.3f}' for t, _ in fast_runs)}); all optimal: "
          f"{all(r.optimal for r in fast_results.values())}")
    if plain_results:
        print(f"plain model, whole series: {plain_total:.1f} s; all optimal: "
              f"{all(p.optimal for p in plain_results.values())}; speed-up {plain_total / fast_total:.0f}x")
    if args.ablation:
        print(f"plain model with continuous edge variables, whole series: {relaxed_total:.1f} s; "
              f"all optimal and equal to fast: {relaxed_ok}")
        if not relaxed_ok:
            problems.append("the relaxed-edge plain model disagrees or is unproven")
    print(f"reductions: {sum(k == 0 for k in kernels.values())}/{len(kernels)} years reduce to no edge at all "
          f"(largest kernel {max(kernels.values())} nodes)")
    print(f"conflict cores of {args.brute_nodes} states, 65 years: brute force {core_times['brute']:.2f} s, "
          f"fast {core_times['fast']:.3f} s, plain {core_times['plain']:.2f} s; all agree: "
          f"{all(len(set(v)) == 1 and v[0] >= 0 for v in core_values.values())}")
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
        return 1
    print("all methods agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
