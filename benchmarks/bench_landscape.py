"""Benchmark: every local minimum and basin of an Axelrod-Bennett landscape, n = 25 (2^24 configurations).

Compared, on one seeded random landscape (sizes uniform in [0.5, 2], propensities uniform in
[-1, 1]):

* ``local_minima`` (exhaustive): split-half field tables, a few vectorised passes per block
  of 2^13 configurations, steepest moves followed by threaded pointer doubling;
* the same without basins (``basins=False``): minima only;
* a plain numpy baseline: for every chunk of 2^16 configurations, build the +-1 matrix from
  the bits, compute all fields with one matrix product (BLAS), take the steepest move with
  ``argmin``, then follow the moves by single-threaded pointer doubling (``label[label]``);
* pure-Python brute force (minima only: per configuration, per actor, fields by loops), timed
  on a small n and scaled to n = 25 by 2^(25 - n) * (25 / n)^2 -- an extrapolation, not a
  measurement;
* multi-start descent (10,000 starts): time, and how many of the exact minima and how much
  of the basin mass it finds.

The script checks that the baseline and ``local_minima`` give the same minima and basins
before it reports.

    python benchmarks/bench_landscape.py [--n 25] [--seed 1] [--repeat 3] [--python-n 15]
"""

from __future__ import annotations

import argparse
import os
import time

# One BLAS thread: on a small shared machine OpenBLAS's threads oversubscribe the cores and make
# the baseline's matrix products several times slower (6x measured here), which would flatter
# local_minima. Set before numpy loads; an explicit OPENBLAS_NUM_THREADS in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from realpolitik.structure.blocs import Landscape, local_minima  # noqa: E402


def random_landscape(n: int, seed: int) -> Landscape:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.uniform(-1.0, 1.0, (n, n)), 1)
    return Landscape(rng.uniform(0.5, 2.0, n), upper + upper.T)


def best_of(repeat: int, fn):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def plain_numpy(ls: Landscape, chunk_bits: int = 16) -> tuple[dict[int, int], float, float]:
    """Baseline: fields of every configuration by matrix product, argmin, plain pointer doubling.

    Returns the basins and the seconds spent on the moves and on following them.
    """
    t0 = time.perf_counter()
    w = ls.weights()
    n = ls.n
    m = n - 1
    total = 1 << m
    tol = 1e-9 * np.abs(w).sum(axis=1).max()
    succ = np.empty(total, dtype=np.int64)
    minima = []
    flips = np.concatenate([[total - 1], 1 << np.arange(m)])
    chunk = 1 << min(chunk_bits, m)
    shifts = np.arange(m)
    for start in range(0, total, chunk):
        x = np.arange(start, start + chunk, dtype=np.int64)
        sigma = np.ones((chunk, n))
        sigma[:, 1:] = 1.0 - 2.0 * ((x[:, None] >> shifts) & 1)
        change = sigma * (sigma @ w.T)
        mover = np.argmin(change, axis=1)
        low = change[np.arange(chunk), mover]
        stay = low >= -tol
        succ[start : start + chunk] = np.where(stay, x, x ^ flips[mover])
        minima.append(x[stay])
    t1 = time.perf_counter()
    label = succ
    while True:
        nxt = label[label]
        if np.array_equal(nxt, label):
            break
        label = nxt
    minima = np.concatenate(minima)
    counts = np.bincount(label, minlength=total)[minima]
    return dict(zip(minima.tolist(), counts.tolist())), t1 - t0, time.perf_counter() - t1


def pure_python(ls: Landscape) -> int:
    """Brute force in plain Python: every configuration, every actor's field by loops."""
    n = ls.n
    w = ls.weights().tolist()
    tol = 1e-9 * max(sum(abs(v) for v in row) for row in w)
    minima = 0
    for x in range(1 << (n - 1)):
        sigma = [1.0] + [-1.0 if (x >> (j - 1)) & 1 else 1.0 for j in range(1, n)]
        low = min(sigma[i] * sum(w[i][j] * sigma[j] for j in range(n)) for i in range(n))
        minima += low >= -tol
    return minima


def number(blocs: np.ndarray) -> int:
    """The configuration number of a partition (bit k-1 = bloc of actor k; actor 0 in bloc 0)."""
    return int(sum(int(b) << k for k, b in enumerate(blocs[1:])))


def as_dict(result) -> dict[int, int]:
    return {number(blocs): int(basin) for blocs, basin in zip(result.blocs, result.minima["basin"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python-n", type=int, default=15)
    parser.add_argument("--starts", type=int, default=10_000)
    args = parser.parse_args()

    ls = random_landscape(args.n, args.seed)
    configs = 2 ** (args.n - 1)
    print(f"n = {args.n} actors, {configs:,} configurations, seed {args.seed}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    local_minima(random_landscape(12, 0))  # warm up imports and thread pool

    t_full, full = best_of(args.repeat, lambda: local_minima(ls))
    t_one, one = best_of(args.repeat, lambda: local_minima(ls, workers=1))
    t_bare, bare = best_of(args.repeat, lambda: local_minima(ls, basins=False))
    t_base, (base, t_moves, t_follow) = best_of(1, lambda: plain_numpy(ls))

    exact = as_dict(full)
    assert exact == base, "baseline and local_minima disagree"
    assert exact == as_dict(one), "thread count changed the answer"
    assert set(exact) == {number(blocs) for blocs in bare.blocs}, "minima-only search disagrees"
    assert sum(exact.values()) == configs

    small = random_landscape(args.python_n, args.seed)
    t_py, _ = best_of(1, lambda: pure_python(small))
    scale = 2 ** (args.n - args.python_n) * (args.n / args.python_n) ** 2
    t_ms, ms = best_of(1, lambda: local_minima(ls, method="multistart", starts=args.starts, seed=args.seed))
    found = set(as_dict(ms)) & set(exact)
    mass = sum(exact[k] for k in found) / configs

    print(f"{len(exact)} local minima; largest basin {max(exact.values()) / configs:.1%} of configurations; "
          "baseline agrees on every minimum and basin size")
    print()
    print("| method | time |")
    print("|---|---|")
    print(f"| `local_minima`, exhaustive, minima and basins (default), best of {args.repeat} | {t_full:.3f} s |")
    print(f"| `local_minima`, exhaustive, minima and basins, `workers=1`, best of {args.repeat} | {t_one:.3f} s |")
    print(f"| `local_minima`, exhaustive, minima only (`basins=False`), best of {args.repeat} | {t_bare:.3f} s |")
    print(f"| plain numpy baseline, 1 run: moves (matrix-product fields, argmin) {t_moves:.2f} s + "
          f"following them (plain pointer doubling) {t_follow:.2f} s | {t_base:.3f} s |")
    print(f"| pure Python brute force, n = {args.python_n} measured | {t_py:.3f} s |")
    print(f"| pure Python brute force, scaled to n = {args.n} (extrapolated x{scale:,.0f}) | "
          f"~{t_py * scale / 3600:.1f} h |")
    print(f"| multi-start, {args.starts:,} starts | {t_ms:.3f} s |")
    print()
    print(f"Exhaustive is {t_base / t_full:.1f}x faster than the plain numpy baseline "
          f"({t_base / t_one:.1f}x on one thread). Multi-start found {len(found)} of {len(exact)} minima, "
          f"holding {mass:.2%} of the basin mass.")


if __name__ == "__main__":
    main()
