"""Benchmark: an ensemble over parameter sets (the shipped bootstrap refits) run as one ensemble.

``simulate(..., parameter_sets=sets)`` gives every run its own parameter values (run k takes
set k mod S), so the runs of all the sets share chunks of 256 and one burn-in per chunk. The
baseline is what a user would otherwise write: one ``simulate`` per set, each on the
scenario with that set's weights and runs / S runs. Both give runs / S runs per set.

Before timing, the script checks that per-run parameters change nothing in a run: run k of
the mixed ensemble must equal run k of an ensemble of the scenario with set k mod S alone,
for the same seed, bit for bit.

    PYTHONPATH=src python benchmarks/bench_parameter_sets.py [--runs 12 48 504 2016] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

# One BLAS thread, as in the other benchmarks: the shared cores are not oversubscribed.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from realpolitik.sim.ensemble import simulate  # noqa: E402
from realpolitik.sim.scenario import load_scenario, refits_of  # noqa: E402


def check(scenario, sets, seed: int) -> None:
    """Run k of the mixed ensemble is run k of set k mod S's own ensemble."""
    runs = 2 * len(sets)
    mixed = simulate(scenario, runs=runs, seed=seed, parameter_sets=sets).stances
    for k, values in enumerate(sets):
        alone = simulate(scenario.with_parameters(**values), runs=runs, seed=seed).stances
        if not np.array_equal(mixed[k :: len(sets)], alone[k :: len(sets)]):
            raise SystemExit(f"set {k + 1}: the mixed ensemble's runs differ from the set's own runs")
    print(f"check: {runs} runs over {len(sets)} sets, each run equal to its set's own run (bit for bit)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[12, 48, 504, 2016])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = load_scenario()
    sets = refits_of(scenario)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cpus, "
          f"{len(sets)} parameter sets (the shipped refits)")
    check(scenario, sets, args.seed)
    for runs in args.runs:
        if runs % len(sets):
            raise SystemExit(f"--runs {runs} is not a multiple of the {len(sets)} sets")
        start = time.perf_counter()
        simulate(scenario, runs=runs, seed=args.seed, parameter_sets=sets)
        mixed = time.perf_counter() - start
        start = time.perf_counter()
        for k, values in enumerate(sets):
            simulate(scenario.with_parameters(**values), runs=runs // len(sets), seed=args.seed + k)
        separate = time.perf_counter() - start
        print(f"{runs} runs: one ensemble over the sets {mixed:.2f} s, one ensemble per set {separate:.2f} s "
              f"({separate / mixed:.1f}x)")


if __name__ == "__main__":
    main()
