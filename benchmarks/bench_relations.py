"""Benchmark: synthetic events → yearly relations, EventStore (DuckDB) against a pandas groupby.

Both sides compute the same table — per (year, src, tgt): the share-weighted Goldstein sum,
the sum of shares, the event count and counts per quad class, with events that span years
spread over them by days — and the script checks that the two agree before it reports.

    python benchmarks/bench_relations.py [--events 1000000] [--seed 7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from realpolitik.cameo import cameo_table
from realpolitik.events import EVENT_COLUMNS
from realpolitik.store import EventStore

ACTORS = [f"A{i:02d}" for i in range(40)]


def synthetic_events(n: int, seed: int) -> pd.DataFrame:
    """n events among 40 actors, 1945-1991: 90% dated to the day, 7% to the year, 3% spans."""
    rng = np.random.default_rng(seed)
    codes = cameo_table()
    pick = rng.integers(0, len(codes), n)
    start = pd.Timestamp("1945-01-01") + pd.to_timedelta(rng.integers(0, 47 * 365, n), unit="D")
    kind = rng.choice(np.array(["day", "year", "span"]), n, p=[0.90, 0.07, 0.03])
    start = start.to_numpy().astype("datetime64[D]")
    years = start.astype("datetime64[Y]")
    start = np.where(kind == "day", start, years.astype("datetime64[D]"))
    span_years = rng.integers(2, 6, n)
    end_year = np.where(kind == "span", years + span_years.astype("timedelta64[Y]"), years)
    end = np.where(
        kind == "day", start, (end_year + np.timedelta64(1, "Y")).astype("datetime64[D]") - np.timedelta64(1, "D")
    )
    src = rng.integers(0, len(ACTORS), n)
    tgt = (src + rng.integers(1, len(ACTORS), n)) % len(ACTORS)
    actors = np.array(ACTORS)
    return pd.DataFrame(
        {
            "event_id": np.char.add("e", np.arange(n).astype(str)),
            "date_start": start.astype("datetime64[s]"),
            "date_end": end.astype("datetime64[s]"),
            "precision": kind,
            "src": actors[src],
            "tgt": actors[tgt],
            "cameo": codes["code"].to_numpy()[pick],
            "quad": codes["quad"].to_numpy()[pick].astype("int8"),
            "goldstein": codes["goldstein"].to_numpy()[pick].astype(float),
            "description": "",
            "citation": "",
            "dataset": "synthetic",
            "row": np.arange(n),
        }
    )[EVENT_COLUMNS]


def pandas_yearly(events: pd.DataFrame) -> pd.DataFrame:
    """The baseline a user would write: explode multi-year events by year, then groupby.

    Placement as in realpolitik.relations: a point event of uncertain date is spread over
    its interval; a span weighs one event per year of its duration, spread by days.
    """
    first = events["date_start"].dt.year
    last = events["date_end"].dt.year
    days = (events["date_end"] - events["date_start"]).dt.days + 1
    single = events[first == last].assign(year=first[first == last], share=1.0)
    spans = first != last
    multi = events[spans].assign(year=[list(range(a, b + 1)) for a, b in zip(first[spans], last[spans])])
    multi = multi.explode("year").astype({"year": "int64"})
    ystart = pd.to_datetime(multi["year"].astype(str) + "-01-01")
    yend = pd.to_datetime(multi["year"].astype(str) + "-12-31")
    lo = np.maximum(multi["date_start"], ystart)
    hi = np.minimum(multi["date_end"], yend)
    ongoing = multi["precision"] == "span"  # an activity: one event per year of its duration
    denominator = np.where(ongoing, np.minimum(days[multi.index], 365.25), days[multi.index])
    multi = multi.assign(share=((hi - lo).dt.days + 1) / denominator)
    spread = pd.concat([single, multi], ignore_index=True)
    spread["wg"] = spread["goldstein"] * spread["share"]
    for q in range(1, 5):
        spread[f"n_q{q}"] = (spread["quad"] == q).astype("int64")
    grouped = spread.groupby(["year", "src", "tgt"], sort=True).agg(
        goldstein=("wg", "sum"), weight=("share", "sum"), n=("share", "size"),
        **{f"n_q{q}": (f"n_q{q}", "sum") for q in range(1, 5)},
    )
    return grouped.reset_index()


def duckdb_yearly(store: EventStore) -> pd.DataFrame:
    agg = store.aggregate(freq="year")
    return agg.assign(year=agg["period_start"].dt.year)


def _time(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    events = synthetic_events(args.events, args.seed)
    print(f"generated {len(events):,} events in {time.perf_counter() - t0:.2f} s")

    store = EventStore()
    t0 = time.perf_counter()
    store.insert(events)
    print(f"EventStore.insert (DuckDB, one transaction): {time.perf_counter() - t0:.2f} s")

    t_duck, duck = _time(lambda: duckdb_yearly(store), args.repeat)
    t_pd, base = _time(lambda: pandas_yearly(events), args.repeat)
    t_rel, rel = _time(lambda: store.relations(freq="year"), args.repeat)

    key = ["year", "src", "tgt"]
    a = duck.sort_values(key).reset_index(drop=True)
    b = base.sort_values(key).reset_index(drop=True)
    assert len(a) == len(b), (len(a), len(b))
    assert (a[key].to_numpy() == b[key].to_numpy()).all()
    for col in ["goldstein", "weight", "n", "n_q1", "n_q2", "n_q3", "n_q4"]:
        assert np.allclose(a[col].to_numpy(float), b[col].to_numpy(float)), col
    print(f"both give the same {len(a):,} (year, src, tgt) rows")
    print(f"yearly aggregation, best of {args.repeat}: DuckDB {t_duck:.3f} s, pandas groupby {t_pd:.3f} s, "
          f"ratio {t_pd / t_duck:.1f}x")
    print(f"full relations (aggregation + stance estimator), best of {args.repeat}: {t_rel:.3f} s "
          f"for {len(rel):,} rows")


if __name__ == "__main__":
    main()
