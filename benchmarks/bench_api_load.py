"""Benchmark: the web page's JSON API under load, many concurrent clients against ``realpolitik serve``.

The server is what a user starts: ``realpolitik serve`` in its own process (uvicorn, one
worker process, on the loopback interface). Many clients (200 by default, one keep-alive
connection each) send GET requests for a mix of the page's read-only endpoints for a fixed
time; the script reports requests, errors (any answer but 200, or a failed request),
throughput and latency percentiles per endpoint, with the CPU time that the server and the
load generator each used (they share the machine's cores).

The baseline is what a user would otherwise do in Python: call the same computations in
process (``realpolitik.web.views`` over one ``History``, no HTTP, no JSON), one call at a time.

Balance is computed on a year's first request and kept; the warm-up asks for every year
once (its time is reported), so the timed window measures the served, cached state a
running server is in.

    PYTHONPATH=src python benchmarks/bench_api_load.py [--clients 200] [--duration 30] [--seed 0]

The load comes from aiohttp (the ``bench`` extra), or from httpx with ``--client httpx``;
everything else (start-up, warm-up) uses the standard library only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from importlib.metadata import version
from importlib.util import find_spec
from urllib.parse import urlencode

import numpy as np

TRIANGLE_YEARS = (1949, 1991)
HISTORY_YEARS = (1945, 1991)
ACTOR_SETS = ["USSR,PRC", "USA,PRC", "USA,USSR", "USA,USSR,PRC", "IND,PAK", "VNM,PRC", "USSR,PRC,IND"]

#: (name, weight): how often each endpoint is asked for; the slider's per-year triangle most often.
MIX = [
    ("/api/triangle", 1),
    ("/api/triangle/{year}", 3),
    ("/api/stances", 1),
    ("/api/events (page of 15)", 2),
    ("/api/events (chart, ≤1000)", 1),
    ("/api/balance/{year}", 2),
]


def request_for(name: str, rng: random.Random) -> tuple[str, dict[str, object]]:
    """Path and query of one request to the endpoint ``name``, drawn as a reader would vary them."""
    if name == "/api/triangle/{year}":
        return f"/api/triangle/{rng.randint(*TRIANGLE_YEARS)}", {}
    if name == "/api/balance/{year}":
        return f"/api/balance/{rng.randint(*HISTORY_YEARS)}", {}
    if not name.startswith("/api/events"):
        return name, {}
    start = rng.randint(*HISTORY_YEARS)
    end = rng.randint(start, HISTORY_YEARS[1])
    quads = [q for q in (1, 2, 3, 4) if rng.random() < 0.7] or [4]
    return "/api/events", {"actors": rng.choice(ACTOR_SETS), "match": rng.choice(["among", "involving"]),
                           "start": start, "end": end, "quad": quads, "limit": 15 if "page" in name else 1000}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def start_server(port: int) -> subprocess.Popen:
    """``realpolitik serve`` as a user starts it, on the loopback interface."""
    code = "import sys; from realpolitik.cli import main; sys.argv[0] = 'realpolitik'; main()"
    return subprocess.Popen([sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL)


def fetch(url: str, params: list[tuple[str, str]] | None = None, timeout: float = 120.0) -> bytes:
    """GET ``url`` with the standard library (no client library needed outside the timed load)."""
    with urllib.request.urlopen(url + (f"?{urlencode(params)}" if params else ""), timeout=timeout) as response:
        return response.read()


def wait_until_up(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fetch(base + "/api/info", timeout=2)
            return
        except OSError:  # refused while uvicorn starts (urllib's URLError is an OSError)
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server at {base} did not answer in {timeout:.0f} s")


def query_pairs(params: dict[str, object]) -> list[tuple[str, str]]:
    """Query parameters as pairs, a list repeated: ``quad=1&quad=2``."""
    return [(k, str(v)) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])]


async def load(base: str, clients: int, duration: float, seed: int, library: str) -> tuple[dict, float]:
    """``clients`` loops, each with its own connection, sending requests until ``duration`` has passed."""
    names = [n for n, _ in MIX]
    weights = [w for _, w in MIX]
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    if library == "aiohttp":
        import aiohttp

        session = aiohttp.ClientSession(base_url=base, connector=aiohttp.TCPConnector(limit=clients),
                                        timeout=aiohttp.ClientTimeout(total=60))
        failures: tuple[type[Exception], ...] = (aiohttp.ClientError, asyncio.TimeoutError)

        async def get(url: str, params: list) -> tuple[int, bytes]:
            async with session.get(url, params=params) as response:
                return response.status, await response.read()
    else:
        import httpx  # only this branch needs it: the bench extra installs aiohttp

        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        session = httpx.AsyncClient(base_url=base, limits=limits, timeout=60.0)
        failures = (httpx.HTTPError,)

        async def get(url: str, params: list) -> tuple[int, bytes]:
            response = await session.get(url, params=params)
            return response.status_code, response.content

    async with session:
        began = time.perf_counter()
        deadline = began + duration

        async def one_client(k: int) -> None:
            rng = random.Random(seed * 100_003 + k)
            while time.perf_counter() < deadline:
                name = rng.choices(names, weights)[0]
                url, params = request_for(name, rng)
                sent = time.perf_counter()
                try:
                    status, body = await get(url, query_pairs(params))
                    problem = None if status == 200 and body[:1] == b"{" else f"{status} {url}"
                except failures as exc:
                    problem = f"{type(exc).__name__} {url}"
                latencies[name].append(time.perf_counter() - sent)
                if problem:
                    errors[name].append(problem)

        await asyncio.gather(*(one_client(k) for k in range(clients)))
        elapsed = time.perf_counter() - began
    return {"latencies": latencies, "errors": errors}, elapsed


def in_process_baseline(repeat: int, seed: int) -> dict[str, list[float]]:
    """The same computations called directly: one History, the views the routes call, no HTTP."""
    from realpolitik.datasets import cold_war_triangle
    from realpolitik.sim.scenario import load_scenario
    from realpolitik.web.history import CORE_DYADS, History
    from realpolitik.web.scenario import capability_source
    from realpolitik.web.views import balance_view, stances_view, triangle_view, triangle_year_view

    history = History(cold_war_triangle())
    scenario = load_scenario()
    source = capability_source(scenario)  # as create_app does, once
    for year in range(HISTORY_YEARS[0], HISTORY_YEARS[1] + 1):
        history.balance(year)  # warm, as the server is
    rng = random.Random(seed)

    def events(limit: int):
        _, q = request_for("/api/events (page of 15)", rng)
        found = history.select_events(actors=q["actors"].split(","), involving=q["match"] == "involving",
                                      start=q["start"], end=q["end"], quad=q["quad"])
        return {"total": len(found), "events": found[:limit]}

    calls = {
        "/api/triangle": lambda: triangle_view(history),
        "/api/triangle/{year}": lambda: triangle_year_view(history, scenario, rng.randint(*TRIANGLE_YEARS),
                                                             source=source),
        "/api/stances": lambda: stances_view(history, list(CORE_DYADS), *HISTORY_YEARS),
        "/api/events (page of 15)": lambda: events(15),
        "/api/events (chart, ≤1000)": lambda: events(1000),
        "/api/balance/{year}": lambda: balance_view(history, rng.randint(*HISTORY_YEARS)),
    }
    out = {}
    for name, call in calls.items():
        call()
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            call()
            times.append(time.perf_counter() - t)
        out[name] = times
    return out


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f}" if seconds < 10 else f"{1000 * seconds:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (one connection each)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline-repeat", type=int, default=200, help="in-process calls per endpoint")
    parser.add_argument("--client", choices=["aiohttp", "httpx"], default=None,
                        help="client library (default: aiohttp when installed; httpx costs more CPU per request)")
    args = parser.parse_args(argv)
    if args.client is None:
        args.client = "aiohttp" if find_spec("aiohttp") else "httpx"
    if find_spec(args.client) is None:
        parser.error(f"the load needs the '{args.client}' package (pip install -e '.[bench]' installs aiohttp)")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} logical CPUs; "
          f"uvicorn {version('uvicorn')}, fastapi {version('fastapi')}, starlette {version('starlette')}, "
          f"client {args.client} {version(args.client)}")
    server = start_server(port)
    try:
        t = time.perf_counter()
        wait_until_up(base)
        print(f"server up in {time.perf_counter() - t:.1f} s: realpolitik serve --host 127.0.0.1 --port {port}")
        t = time.perf_counter()
        for year in range(HISTORY_YEARS[0], HISTORY_YEARS[1] + 1):
            fetch(f"{base}/api/balance/{year}")  # an answer but 200 raises urllib's HTTPError
        rng = random.Random(args.seed)
        for name, _ in MIX:
            url, params = request_for(name, rng)
            fetch(base + url, query_pairs(params))
        print(f"warm-up (balance of all {HISTORY_YEARS[1] - HISTORY_YEARS[0] + 1} years computed once, "
              f"exact frustration index): {time.perf_counter() - t:.1f} s")

        server_cpu, own_cpu = cpu_seconds(server.pid), own_cpu_seconds()
        found, elapsed = asyncio.run(load(base, args.clients, args.duration, args.seed, args.client))
        server_cpu, own_cpu = cpu_seconds(server.pid) - server_cpu, own_cpu_seconds() - own_cpu
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    latencies, errors = found["latencies"], found["errors"]
    total = sum(len(v) for v in latencies.values())
    failed = sum(len(v) for v in errors.values())
    everything = np.concatenate([np.asarray(v) for v in latencies.values()])
    print(f"\n{args.clients} clients for {elapsed:.1f} s: {total} requests, {failed} errors, "
          f"{total / elapsed:.0f} requests/s; latency p50 {ms(np.percentile(everything, 50))} ms, "
          f"p99 {ms(np.percentile(everything, 99))} ms")
    print(f"CPU time during the load: server {server_cpu:.1f} s ({100 * server_cpu / elapsed:.0f} % of one core), "
          f"load generator {own_cpu:.1f} s ({100 * own_cpu / elapsed:.0f} % of one core)")
    for name, problems in errors.items():
        print(f"  errors on {name}: {problems[:5]}")

    baseline = in_process_baseline(args.baseline_repeat, args.seed)
    print("\n| endpoint | requests | errors | requests/s | p50 (ms) | p99 (ms) | in process, mean (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, _ in MIX:
        lat = np.asarray(latencies.get(name, []))
        base_mean = statistics.fmean(baseline[name])
        if len(lat):
            print(f"| `{name}` | {len(lat)} | {len(errors.get(name, []))} | {len(lat) / elapsed:.0f} | "
                  f"{ms(np.percentile(lat, 50))} | {ms(np.percentile(lat, 99))} | {ms(base_mean)} |")
    print(f"| all | {total} | {failed} | {total / elapsed:.0f} | {ms(np.percentile(everything, 50))} | "
          f"{ms(np.percentile(everything, 99))} | |")
    weights = dict(MIX)
    mixed = sum(weights[n] * statistics.fmean(baseline[n]) for n in weights) / sum(weights.values())
    print(f"\nIn process, one call at a time, the same mix costs {ms(mixed)} ms a call on average: "
          f"{1 / mixed:.0f} calls/s on one core, without HTTP or JSON.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
