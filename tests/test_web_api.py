"""The web page's JSON API against the real app: real content, bounded inputs, background simulations."""

from __future__ import annotations

import importlib
import math
import re
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

with warnings.catch_warnings():  # starlette's test client announces a future move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import realpolitik as rp
from realpolitik.colours import DRIVER_COLOURS
from realpolitik.sim.compare import ensemble_patterns, pattern_shares
from realpolitik.sim.ensemble import Ensemble, simulate
from realpolitik.sim.explain import THIRD_PARTY_DRIVERS, driver_pulls, third_party_pulls
from realpolitik.sim.model import TARGET_DRIVERS
from realpolitik.sim.scenario import PARAMETERS, load_scenario
from realpolitik.store import EventStore
from realpolitik.structure import SignedGraph, frustration_index, triad_census
from realpolitik.structure.triangle import periodize, strategic_triangle
from realpolitik.web import api as web_api
from realpolitik.web import create_app
from realpolitik.web import jobs as web_jobs
from realpolitik.web.app import STATIC, plotly_js_path
from realpolitik.web.jobs import Job, JobManager, TooBusy
from realpolitik.web.schemas import DRIVERS, MAX_RUNS
from realpolitik.web.simulation import chunk_size

CORE = ("USA", "USSR", "PRC")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def history():
    events = rp.datasets.cold_war_triangle()
    rel = rp.relations(events, freq="year", end=1991)
    return events, rel


def field_errors(response) -> list[tuple[list, str]]:
    assert response.status_code == 422, response.text
    return [(e["loc"], e["msg"]) for e in response.json()["detail"]]


def finish(jobs: JobManager, job_id: str, timeout: float = 10.0) -> Job:
    """The job's snapshot once it is no longer queued or running."""
    deadline = time.monotonic() + timeout
    while (job := jobs.snapshot(job_id)) is not None and job.active:
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} did not finish in {timeout} s")
        time.sleep(0.005)
    assert job is not None, f"job {job_id} was evicted"
    return job


def wait_for(client, job_id: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/simulations/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


# -- the page and its files ----------------------------------------------------------------


def test_page_is_served_with_the_sections_and_ids_the_browser_tests_use(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for anchor in ("timeline", "stances", "triangle", "simulation", "balance", "year-slider", "triangle-caption",
                   "run-sim", "sim-progress", "period-history", "period-model", "balance-year", "balance-census"):
        assert f'id="{anchor}"' in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_page_refers_to_nothing_outside_the_server():
    for name in ("index.html", "app.js", "style.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://|//cdn|@import|url\(\s*['\"]?(?!data:)", text), name
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(s.startswith(("/", "#", "data:")) for s in sources), sources


def test_plotly_js_is_served_from_the_plotly_package(client):
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert r.content == plotly_js_path().read_bytes()
    assert b"plotly.js" in r.content[:200]
    for name in ("app.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200


def test_openapi_schema_lists_every_endpoint(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path, method in [("/api/info", "get"), ("/api/actors", "get"), ("/api/events", "get"),
                         ("/api/stances", "get"), ("/api/triangle", "get"), ("/api/triangle/{year}", "get"),
                         ("/api/balance/{year}", "get"), ("/api/scenario", "get"), ("/api/simulations", "post"),
                         ("/api/simulations", "get"), ("/api/simulations/{job_id}", "get"),
                         ("/api/simulations/{job_id}", "delete")]:
        assert method in paths[path], (path, method)
    body = schema["components"]["schemas"]["SimulationRequest"]["properties"]
    assert body["runs"]["maximum"] == 2000 and body["runs"]["minimum"] == 1
    values = schema["components"]["schemas"]["ParameterValues"]["properties"]
    assert set(values) == set(PARAMETERS)
    assert "429" in paths["/api/simulations"]["post"]["responses"]
    assert "404" in paths["/api/simulations/{job_id}"]["get"]["responses"]


def test_unknown_api_path_is_a_json_404(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and "openapi.json" in r.json()["detail"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_unknown_api_path_is_a_404_whatever_the_method(client, method):
    r = client.request(method, "/api/nothing")  # the GET catch-all once made this a 405 "Allow: GET"
    assert r.status_code == 404 and "allow" not in r.headers
    assert r.json()["detail"].startswith("no API endpoint /api/nothing")


# -- history -------------------------------------------------------------------------------


def test_info_and_actors(client):
    info = client.get("/api/info").json()
    assert info["first_year"] == 1945 and info["last_year"] == 1991
    assert info["triangle_start"] == 1949 and info["triangle_end"] == 1991 and info["scenario"] == "cold_war"
    body = client.get("/api/actors").json()
    assert body["core"] == list(CORE)
    by_code = {a["code"]: a for a in body["actors"]}
    assert by_code["USSR"]["name"] == "Soviet Union" and by_code["USSR"]["core"]
    assert by_code["IND"]["events"] > 0 and not by_code["IND"]["core"]
    assert sum(a["events"] for a in body["actors"]) == 2 * info["events"]


def test_events_filter_by_actors_years_and_quad_as_the_store_does(client):
    r = client.get("/api/events", params={"actors": "USSR,PRC", "start": 1969, "end": 1969, "quad": 4})
    body = r.json()
    assert body["total"] == len(body["events"]) > 0
    for e in body["events"]:
        assert {e["src"], e["tgt"]} == {"USSR", "PRC"} and e["quad"] == 4
        assert e["date_start"][:4] <= "1969" <= e["date_end"][:4]
    assert "cwt-1969-002" in {e["event_id"] for e in body["events"]}  # Zhenbao Island
    with EventStore() as store:
        store.insert(rp.datasets.cold_war_triangle())
        expected = store.events(actors=["USSR", "PRC"], start=1969, end=1969, quad=[4])
    assert [e["event_id"] for e in body["events"]] == list(expected["event_id"])


def test_events_repeated_parameters_and_involving(client):
    among = client.get("/api/events?actors=PRC&actors=usa").json()
    assert among["total"] > 0 and all({e["src"], e["tgt"]} == {"PRC", "USA"} for e in among["events"])
    involving = client.get("/api/events", params={"actors": "IND", "match": "involving", "limit": 1000}).json()
    assert involving["total"] > 0 and all("IND" in (e["src"], e["tgt"]) for e in involving["events"])
    alone = client.get("/api/events", params={"actors": "IND"}).json()
    assert alone["total"] == 0  # 'among' one actor: no event has both ends there
    quads = client.get("/api/events?quad=1&quad=2&limit=1000").json()
    assert quads["total"] > 0 and {e["quad"] for e in quads["events"]} == {1, 2}


def test_events_carry_their_citations(client):
    body = client.get("/api/events", params={"limit": 1000}).json()
    assert body["total"] == len(rp.datasets.cold_war_triangle())
    for e in body["events"]:
        assert e["citation"] and e["references"]
        assert all(ref["text"] and ref["short"] for ref in e["references"])
    cited = [e for e in body["events"] if e["citation"].startswith("luthi2008")]
    assert cited and cited[0]["references"][0]["text"].startswith("Lüthi (2008). The Sino-Soviet Split")
    assert all(r["locator"] in e["citation"] for e in body["events"] for r in e["references"] if r["locator"])


def test_events_pages(client):
    everything = client.get("/api/events", params={"limit": 1000}).json()["events"]
    page = client.get("/api/events", params={"limit": 10, "offset": 20}).json()
    assert page["limit"] == 10 and page["offset"] == 20
    assert [e["event_id"] for e in page["events"]] == [e["event_id"] for e in everything[20:30]]
    dates = [e["date_start"] for e in everything]
    assert dates == sorted(dates)


def test_stances_follow_the_split_and_mark_key_events(client, history):
    body = client.get("/api/stances").json()
    assert body["start"] == 1945 and body["end"] == 1991 and len(body["years"]) == 47
    dyads = {d["label"]: d for d in body["dyads"]}
    assert set(dyads) == {"PRC–USSR", "PRC–USA", "USA–USSR"}
    sino_soviet = dict(zip(body["years"], dyads["PRC–USSR"]["stance"]))
    assert sino_soviet[1950] > 0.5 and sino_soviet[1969] < 0 and sino_soviet[1945] is None
    sym = history[1].symmetric()
    expected = sym[(sym["a"] == "PRC") & (sym["b"] == "USSR") & (sym["period"] == "1969")]["stance"].iloc[0]
    assert sino_soviet[1969] == pytest.approx(expected)
    labels = {e["event_id"]: e["label"] for e in body["key_events"]}
    assert labels["cwt-1969-002"] == "Zhenbao Island" and "cwt-1972-004" in labels
    narrow = client.get("/api/stances", params={"dyads": "USSR-IND", "start": 1960, "end": 1965}).json()
    assert narrow["years"] == list(range(1960, 1966)) and narrow["dyads"][0]["a"] == "USSR"
    assert all(e["date_start"][:4] in {str(y) for y in range(1960, 1966)} for e in narrow["key_events"])


def test_triangle_is_the_history_s(client, history):
    body = client.get("/api/triangle").json()
    years = {y["year"]: y for y in body["years"]}
    assert body["start"] == 1949 and body["end"] == 1991 and len(years) == 43
    assert years[1950]["pattern"] == "stable_marriage" and years[1950]["outcast"] == "USA"
    assert years[1972]["pattern"] == "romantic_triangle" and years[1972]["pivot"] == "USA"
    assert years[1961]["pattern"] == "unit_veto" and years[1961]["roles"] == {c: "foe" for c in CORE}
    events, rel = history
    core = rp.relations(events, freq="year", end=1991, actors=list(CORE))
    tri = strategic_triangle(core, *CORE)
    tri = tri[tri["period_start"].dt.year >= 1949]
    assert [years[int(p)]["pattern"] for p in tri["period"]] == list(tri["pattern"])
    runs = periodize(tri)
    assert [(p["start"], p["end"], p["pattern"]) for p in body["periods"]] == [
        (int(r.start), int(r.end), r.pattern) for r in runs.itertuples()
    ]
    assert {p["key"] for p in body["patterns"]} >= {"menage_a_trois", "romantic_triangle", "stable_marriage"}


def test_triangle_of_one_year_for_the_diagram(client):
    body = client.get("/api/triangle/1969").json()
    assert body["pattern"] == "romantic_triangle" and body["pivot"] == "USA"
    assert "USA" in body["caption"] and "pivot" in body["caption"] and body["caption"].startswith("1969")
    edges = {frozenset((e["a"], e["b"])): e for e in body["edges"]}
    sino_soviet = edges[frozenset(("USSR", "PRC"))]
    assert sino_soviet["sign"] == -1 and sino_soviet["stance"] < 0
    nodes = {n["code"]: n for n in body["nodes"]}
    assert set(nodes) == set(CORE) and all(n["capability"] > 0 for n in nodes.values())
    assert nodes["USA"]["role"] == "pivot" and nodes["USA"]["score"] == 3
    assert "CINC" in body["capability_source"]
    assert client.get("/api/triangle/1950").json()["nodes"][0]["capability"] == pytest.approx(0.28)


def test_balance_of_a_year_is_the_exact_frustration_index(client, history):
    body = client.get("/api/balance/1969").json()
    graph = SignedGraph.from_relations(history[1], "1969", threshold=0.1)
    best = frustration_index(graph)
    census = triad_census(graph)
    assert body["frustration"] == best.frustration and body["optimal"] is True
    assert body["normalized"] == pytest.approx(best.normalized)
    assert {n["code"]: n["side"] for n in body["nodes"]} == best.partition
    assert sorted(body["camps"][0] + body["camps"][1]) == sorted(graph.nodes)
    c = body["census"]
    assert (c["ppp"], c["ppn"], c["pnn"], c["nnn"]) == (census.ppp, census.ppn, census.pnn, census.nnn)
    assert c["unbalanced"] == census.unbalanced
    assert len(body["edges"]) == graph.m and sum(e["frustrated"] for e in body["edges"]) == best.frustration
    sides = {n["code"]: n["side"] for n in body["nodes"]}
    for e in body["edges"]:  # frustrated: a friendship across the camps or an enmity within one
        assert e["frustrated"] == ((sides[e["a"]] == sides[e["b"]]) != (e["sign"] > 0))


def test_scenario_lists_shocks_and_bounded_parameters(client):
    body = client.get("/api/scenario").json()
    scenario = load_scenario()
    assert body["name"] == scenario.name and (body["start"], body["end"]) == (scenario.start, scenario.end)
    assert [s["id"] for s in body["shocks"]] == [s.id for s in scenario.shocks]
    assert all(s["description"] and s["references"] for s in body["shocks"])
    hanoi = next(s for s in body["shocks"] if s["id"] == "hanoi-between-moscow-and-beijing")
    assert (hanoi["economy"], hanoi["militancy"], hanoi["line"]) == (None, None, 0.65)  # a line set apart
    offensive = next(s for s in body["shocks"] if s["id"] == "third-world-offensive")
    assert (offensive["economy"], offensive["militancy"], offensive["line"]) == (None, 0.45, None)  # only what it sets
    params = {p["name"]: p for p in body["parameters"]}
    assert set(params) == set(PARAMETERS)
    for name, p in params.items():
        assert (p["min"], p["max"]) == PARAMETERS[name] and p["min"] <= p["value"] <= p["max"]
        assert p["value"] == scenario.parameters[name]
    assert body["max_runs"] == 2000


# -- bad requests name the field -----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/events?actors=XYZ", "actors"),
        ("/api/events?quad=7", "quad"),
        ("/api/events?quad=one", "quad"),
        ("/api/events?quad=1,2", "quad"),
        ("/api/events?start=1800", "start"),
        ("/api/events?start=1970&end=1960", "end"),
        ("/api/events?limit=0", "limit"),
        ("/api/events?limit=5000", "limit"),
        ("/api/events?offset=-1", "offset"),
        ("/api/events?match=sometimes", "match"),
        ("/api/stances?dyads=USA-USA", "dyads"),
        ("/api/stances?dyads=USA", "dyads"),
        ("/api/stances?dyads=USA-XYZ", "dyads"),
        ("/api/stances?end=2050", "end"),
        ("/api/triangle/1900", "year"),
        ("/api/triangle/1945", "year"),
        ("/api/triangle/nineteen", "year"),
        ("/api/balance/2020", "year"),
    ],
)
def test_bad_queries_get_422_naming_the_field(client, url, field):
    errors = field_errors(client.get(url))
    assert any(field in loc and re.match(rf"{field}(\[\d+\])?: ", msg) for loc, msg in errors), errors


def test_too_many_actors_or_dyads(client):
    many = ",".join(["USA"] * 51)
    assert field_errors(client.get(f"/api/events?actors={many}"))[0][0] == ["query", "actors"]
    dyads = ",".join(["USA-PRC"] * 13)
    assert field_errors(client.get(f"/api/stances?dyads={dyads}"))[0][0] == ["query", "dyads"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"runs": 0}, "runs"),
        ({"runs": 2001}, "runs"),
        ({"runs": "many"}, "runs"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**40}, "seed"),
        ({"start": 1900}, "start"),
        ({"end": 2000}, "end"),
        ({"start": 1980, "end": 1960}, "end"),
        ({"drop_shocks": ["no-such-shock"]}, "drop_shocks[0]"),
        ({"drop_shocks": "soviet-aid-india"}, "drop_shocks"),
        ({"set": {"no_such_parameter": 1.0}}, "set.no_such_parameter"),
        ({"set": {"speed": 2.0}}, "set.speed"),
        ({"set": {"noise": -0.5}}, "set.noise"),
        ({"set": {"speed": "fast"}}, "set.speed"),
        ({"runz": 10}, "runz"),
    ],
)
def test_bad_simulation_requests_get_422_naming_the_field(client, body, field):
    errors = field_errors(client.post("/api/simulations", json=body))
    assert any(msg.startswith(f"{field}:") for _, msg in errors), errors


def test_unknown_parameter_message_lists_the_known_ones(client):
    (_, msg), = field_errors(client.post("/api/simulations", json={"set": {"sped": 0.5}}))
    assert "speed" in msg and "noise" in msg


def test_malformed_json_is_a_422(client):
    r = client.post("/api/simulations", content=b"{not json", headers={"content-type": "application/json"})
    (loc, msg), = field_errors(r)
    assert msg.startswith("body:") and "invalid JSON at character 1" in msg, msg  # not "[1]: JSON decode error"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_parameters_that_are_not_finite_are_refused_as_such(client, name, text):
    body = f'{{"runs": 2, "set": {{"{name}": {text}}}}}'.encode()  # Python's JSON reader takes NaN and Infinity
    r = client.post("/api/simulations", content=body, headers={"content-type": "application/json"})
    (loc, msg), = field_errors(r)
    assert loc == ["body", "set", name] and msg == f"set.{name}: Input should be a finite number", msg


def test_unknown_job_is_404(client):
    assert client.get("/api/simulations/0123456789abcdef").status_code == 404
    assert "no simulation job" in client.delete("/api/simulations/nope").json()["detail"]


# -- simulations ----------------------------------------------------------------------------


def _band(ensemble, a, b, keep):
    paths = ensemble.dyad(a, b)[:, keep]
    q05, q50, q95 = np.quantile(paths, [0.05, 0.5, 0.95], axis=0)
    return {"mean": paths.mean(axis=0), "p05": q05, "p50": q50, "p95": q95}


def test_chunks_give_about_twenty_progress_steps_of_eight_to_256_runs():
    for runs in range(1, MAX_RUNS + 1):
        size = chunk_size(runs)
        assert 8 <= size <= 256 and math.ceil(runs / size) <= 20, runs
        if runs > 8:  # more runs than the smallest chunk: progress moves at least twice
            assert size < runs, runs
    assert math.ceil(MAX_RUNS / chunk_size(MAX_RUNS)) == 20


def test_a_simulation_job_equals_simulate_with_the_same_seed(client, history):
    runs, seed = 24, 7
    assert math.ceil(runs / chunk_size(runs)) == 3  # the job runs in three chunks, the CLI's call below in one
    r = client.post("/api/simulations", json={"runs": runs, "seed": seed, "start": 1955, "end": 1975})
    assert r.status_code == 202 and r.headers["location"] == f"/api/simulations/{r.json()['id']}"
    job = wait_for(client, r.json()["id"])
    assert job["status"] == "done" and job["progress"] == 1.0 and job["done"] == runs and job["error"] is None
    result = job["result"]
    assert result["years"] == list(range(1955, 1976)) and result["runs"] == runs and result["seed"] == seed

    ensemble = simulate(load_scenario(), runs=runs, seed=seed)  # the CLI's call: one chunk of 256
    keep = (ensemble.years >= 1955) & (ensemble.years <= 1975)
    sym = history[1].symmetric()
    for band in result["dyads"]:
        expected = _band(ensemble, band["a"], band["b"], keep)
        for stat in ("mean", "p05", "p50", "p95"):
            np.testing.assert_allclose(band[stat], expected[stat], rtol=0, atol=1e-12)
        lo, hi = sorted((band["a"], band["b"]))
        seen = sym[(sym["a"] == lo) & (sym["b"] == hi)].set_index("period")["stance"]
        assert band["history"] == pytest.approx([seen[str(y)] for y in result["years"]])

    model = strategic_triangle(ensemble.to_relations(), *CORE)
    model = model[model["period_start"].dt.year.between(1955, 1975)]
    assert [m["pattern"] for m in result["model_triangle"]] == list(model["pattern"])
    assert [h["year"] for h in result["history_triangle"]] == result["years"]
    assert result["history_periods"][0]["start"] == 1955 and result["model_periods"][-1]["end"] == 1975

    # agreement: years whose model pattern, pivot and outcast are history's (the history fixture's triangle)
    events, _ = history
    seen = strategic_triangle(rp.relations(events, freq="year", end=1991, actors=list(CORE)), *CORE)
    told = {int(r.period): (r.pattern, r.pivot, r.outcast) for r in seen.itertuples()}
    modelled = {int(r.period): (r.pattern, r.pivot, r.outcast) for r in model.itertuples()}
    assert [(h["pattern"], h["pivot"] or "", h["outcast"] or "") for h in result["history_triangle"]] == [
        told[y] for y in result["years"]]
    same = [modelled[y] == told[y] for y in result["years"]]
    assert result["agreement"] == pytest.approx(sum(same) / len(same))
    assert 0 < sum(same) < len(same)  # the seed gives a model that agrees in some years, not all: a real check

    # shares: of the runs whose own triangle has the model's pattern, and history's pattern, that year
    shares = pattern_shares(ensemble_patterns(ensemble, CORE))
    for m in result["model_triangle"]:
        of_year = shares.loc[str(m["year"])]
        assert m["share"] == pytest.approx(of_year.get(m["pattern"], 0.0))
        assert m["history_share"] == pytest.approx(of_year.get(told[m["year"]][0], 0.0))
    assert any(0 < m["share"] < 1 for m in result["model_triangle"])


def test_a_counterfactual_job_drops_shocks_and_sets_parameters(client):
    request = {"runs": 8, "seed": 3, "drop_shocks": ["soviet-aid-india"], "set": {"speed": 0.5}}
    job = wait_for(client, client.post("/api/simulations", json=request).json()["id"])
    assert job["status"] == "done", job["error"]
    result = job["result"]
    assert result["dropped_shocks"] == ["soviet-aid-india"] and result["parameters"]["speed"] == 0.5
    scenario = load_scenario().with_parameters(speed=0.5).without_shocks("soviet-aid-india")
    ensemble = simulate(scenario, runs=8, seed=3)
    keep = np.ones(len(ensemble.years), dtype=bool)
    band = result["dyads"][0]
    np.testing.assert_allclose(band["p50"], _band(ensemble, band["a"], band["b"], keep)["p50"], atol=1e-12)
    reference = simulate(load_scenario(), runs=8, seed=3)
    assert not np.allclose(band["mean"], _band(reference, band["a"], band["b"], keep)["mean"])
    listed = client.get("/api/simulations").json()["jobs"]
    assert job["id"] in {j["id"] for j in listed} and all(j["result"] is None for j in listed)
    assert job["request"]["drop_shocks"] == ["soviet-aid-india"]


def test_a_job_s_drivers_are_the_driver_pulls_of_its_own_counterfactual(client):
    request = {"runs": 12, "seed": 5, "start": 1960, "end": 1978, "drop_shocks": ["soviet-border-1969"],
               "set": {"speed": 0.5, "ideology": 1.0}}
    job = wait_for(client, client.post("/api/simulations", json=request).json()["id"])
    assert job["status"] == "done", job["error"]
    result = job["result"]
    assert result["driver_colours"] == DRIVER_COLOURS and list(result["driver_colours"]) == list(DRIVER_COLOURS)
    assert set(DRIVERS) == {*TARGET_DRIVERS, "reciprocity"} == set(DRIVER_COLOURS)

    scenario = load_scenario().with_parameters(speed=0.5, ideology=1.0).without_shocks("soviet-border-1969")
    dyads = [("PRC", "USA"), ("USA", "PRC"), ("PRC", "USSR"), ("USSR", "PRC")]
    ensemble = simulate(scenario, runs=12, seed=5)
    pulls = driver_pulls(ensemble, scenario, dyads)
    pulls = pulls[pulls["year"].between(1960, 1978)]
    assert [(d["src"], d["tgt"], d["label"]) for d in result["drivers"]] == [(a, b, f"{a} → {b}") for a, b in dyads]
    for d in result["drivers"]:
        rows = pulls[(pulls["src"] == d["src"]) & (pulls["tgt"] == d["tgt"])].sort_values("year")
        assert list(rows["year"]) == result["years"] == list(range(1960, 1979))
        assert list(d["series"]) == list(DRIVERS)
        for name in DRIVERS:
            np.testing.assert_allclose(d["series"][name], rows[name], rtol=0, atol=1e-9, err_msg=name)
        np.testing.assert_allclose(d["stance"], rows["stance"], rtol=0, atol=1e-9)
    # the counterfactual's weights, not the reference scenario's: the same runs read with the scenario's
    # ideology weight pull less, in proportion
    weight = load_scenario().parameters["ideology"]
    assert abs(weight - 1.0) > 0.5  # the counterfactual's 1.0 must be told apart from the shipped weight
    scaled = driver_pulls(ensemble, scenario.with_parameters(ideology=weight), dyads)
    scaled = scaled[scaled["year"].between(1960, 1978)]
    np.testing.assert_allclose(pulls["ideology"], scaled["ideology"] * 1.0 / weight, rtol=1e-9)
    shown = np.concatenate([d["series"]["ideology"] for d in result["drivers"]])
    assert not np.allclose(shown, np.concatenate([scaled[(scaled["src"] == a) & (scaled["tgt"] == b)]["ideology"]
                                                   for a, b in dyads]), atol=0.05)
    washington = result["drivers"][1]
    assert max(abs(v) for v in washington["series"]["pivot"]) > 0.1  # the US courts Beijing as the pivot

    # the third states behind each pull that runs through them, per year, largest first
    thirds = third_party_pulls(ensemble, scenario, dyads)
    thirds = thirds[thirds["year"].between(1960, 1978)]
    for d in result["drivers"]:
        assert list(d["behind"]) == list(THIRD_PARTY_DRIVERS)
        for name in THIRD_PARTY_DRIVERS:
            assert len(d["behind"][name]) == len(result["years"])
            for year, named in zip(result["years"], d["behind"][name]):
                rows = thirds[(thirds["src"] == d["src"]) & (thirds["tgt"] == d["tgt"]) & (thirds["year"] == year)]
                big = rows.loc[rows[name].abs().sort_values(ascending=False).index]
                big = big[big[name].abs() >= 0.05].head(3)
                assert named == ", ".join(f"{k} {v:+.2f}" for k, v in zip(big["third"], big[name]))
    assert any("USSR" in named for named in washington["behind"]["pivot"])  # Moscow's quarrel draws Washington

    # a weight of zero: that driver's series is zero in every panel
    muted = wait_for(client, client.post("/api/simulations", json={"runs": 4, "seed": 5, "set": {"pivot": 0.0}})
                     .json()["id"])
    assert muted["status"] == "done", muted["error"]
    for d in muted["result"]["drivers"]:
        assert d["series"]["pivot"] == [0.0] * len(muted["result"]["years"])
        assert any(abs(v) > 0.1 for v in d["series"]["ideology"])


def test_the_web_app_does_not_load_matplotlib():
    code = ("import sys, realpolitik.web.app, realpolitik.web.simulation; "
            "sys.exit('matplotlib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_jobs_report_progress_while_running():
    app = create_app(workers=1)
    with TestClient(app) as c:
        job = c.post("/api/simulations", json={"runs": 400, "seed": 0}).json()
        seen = {job["progress"]}
        while job["status"] in ("queued", "running"):
            job = c.get(f"/api/simulations/{job['id']}").json()
            seen.add(job["progress"])
            time.sleep(0.01)
        assert job["status"] == "done"
    assert max(seen) == 1.0 and any(0 < p < 1 for p in seen), seen


def test_the_job_queue_is_bounded_and_a_full_one_answers_429(monkeypatch):
    started, release = threading.Event(), threading.Event()
    real = web_api.run_simulation

    def held(*args, **kwargs):  # the simulation, held running until the test lets it go
        started.set()
        assert release.wait(30), "the test never released the job"
        return real(*args, **kwargs)

    monkeypatch.setattr(web_api, "run_simulation", held)
    app = create_app(workers=1, max_active=1, max_stored=2)
    with TestClient(app) as c:
        first = c.post("/api/simulations", json={"runs": 40})
        assert first.status_code == 202
        job_id = first.json()["id"]
        try:
            assert started.wait(30)
            # the server keeps answering while a simulation runs: the job cannot finish before release
            assert c.get("/api/triangle").status_code == 200
            assert c.get(f"/api/simulations/{job_id}").json()["status"] == "running"
            busy = c.post("/api/simulations", json={"runs": 1})
            assert busy.status_code == 429 and "try again" in busy.json()["detail"]
            assert busy.headers["retry-after"]
            cancelled = c.delete(f"/api/simulations/{job_id}").json()
            assert cancelled["id"] == job_id and cancelled["status"] == "running"  # it stops at its next chunk
        finally:
            release.set()
        job = wait_for(c, job_id)
        assert job["status"] == "cancelled" and job["result"] is None and job["done"] < 40


# -- the job manager on its own ----------------------------------------------------------------


def test_job_manager_evicts_the_oldest_finished_jobs():
    jobs = JobManager(workers=1, max_active=1, max_stored=2)
    try:
        ids = []
        for k in range(4):
            job = jobs.submit(lambda progress, k=k: k * 10, total=1)
            ids.append(job.id)
            assert finish(jobs, job.id).result == k * 10
        assert [j.id for j in jobs.snapshots()] == ids[-2:]
        assert jobs.snapshot(ids[0]) is None
    finally:
        jobs.shutdown()


def test_job_manager_refuses_beyond_max_active_and_records_failures():
    jobs = JobManager(workers=1, max_active=1, max_stored=4)
    gate = threading.Event()
    try:
        slow = jobs.submit(lambda progress: gate.wait(5), total=1)
        with pytest.raises(TooBusy):
            jobs.submit(lambda progress: None, total=1)
        gate.set()
        finish(jobs, slow.id)

        def broken(progress):
            raise ValueError("bad input")

        failed = finish(jobs, jobs.submit(broken, total=1).id)
        assert failed.status == "failed" and failed.error == "bad input"
    finally:
        jobs.shutdown()


def test_job_manager_cancels_between_chunks():
    jobs = JobManager(workers=1, max_active=2, max_stored=4)
    started = threading.Event()
    try:
        def chunks(progress):
            for k in range(1000):
                started.set()
                time.sleep(0.002)
                progress(k + 1, 1000)
            return "finished"

        job = jobs.submit(chunks, total=1000)
        started.wait(5)
        assert jobs.cancel(job.id).cancel_requested
        job = finish(jobs, job.id)
        assert job.status == "cancelled" and job.result is None and job.done < 1000
        jobs.cancel(job.id)  # a finished job is forgotten
        assert jobs.snapshot(job.id) is None
    finally:
        jobs.shutdown()


def test_a_reader_never_sees_a_job_half_finished(monkeypatch):
    """Status, result and progress change together: a poll never sees "done" without the result,
    nor "done" for a job whose cancellation the manager accepted while it ran."""

    class SlowToFinish(Job):
        """Widens the gap between a job's status and its other fields being set, as a preempted thread would."""

        def __setattr__(self, name, value):
            super().__setattr__(name, value)
            if name == "status" and value != "running" and threading.current_thread().name.startswith(
                    "realpolitik-job"):
                time.sleep(0.002)

    monkeypatch.setattr(web_jobs, "Job", SlowToFinish)
    jobs = JobManager(workers=2, max_active=2, max_stored=4)
    seen: list[tuple[str, object, int, bool]] = []  # status, result, runs done, cancelled while running
    try:
        for k in range(60):
            cancel, returned = k % 3 == 2, threading.Event()

            def work(progress, k=k, cancel=cancel, returned=returned):
                for step in range(1, 4):
                    progress(step, 3)
                if cancel:  # every run done, the work returns once the reader has cancelled the job
                    assert returned.wait(10)
                return {"k": k}

            job = jobs.submit(work, total=3)
            cancelled = False
            while True:  # poll as fast as the manager answers, as many clients would
                now = jobs.snapshot(job.id)
                seen.append((now.status, now.result, now.done, cancelled))
                if not now.active:
                    break
                if cancel and now.done == 3 and not cancelled:
                    cancelled = jobs.cancel(job.id).active
                    returned.set()
            seen.extend((j.status, j.result, j.done, cancelled) for j in jobs.snapshots() if j.id == job.id)
            if now.status == "done":
                assert now.result == {"k": k}
    finally:
        jobs.shutdown()
    done = [s for s in seen if s[0] == "done"]
    assert done and any(s[3] for s in seen)  # both cases happened
    assert all(result is not None and runs == 3 and not cancelled for _, result, runs, cancelled in done)
    assert all(s[1] is None for s in seen if s[0] != "done")


# -- the app over a user's event file and the serve command -----------------------------------------


def shipped_rows(keep) -> pd.DataFrame:
    """Rows of the shipped CSV, as text, that ``keep(frame)`` selects: a user's own event file."""
    frame = pd.read_csv(rp.datasets.cold_war_triangle_path(), dtype=str, keep_default_na=False)
    return frame[keep(frame)]


def test_app_over_a_user_event_file(tmp_path):
    subset = shipped_rows(lambda f: f["date_start"].str[:4] <= "1962")
    path = tmp_path / "mine.csv"
    subset.to_csv(path, index=False)
    with TestClient(create_app(path)) as c:
        info = c.get("/api/info").json()
        assert info["events"] == len(subset) and "mine.csv" in info["data"]
        assert info["last_year"] < 1991  # spans begun by 1962 may run on a few years
        assert c.get("/api/triangle").json()["end"] == info["last_year"]
        assert c.get(f"/api/triangle/{info['last_year'] + 1}").status_code == 422  # past the data


def test_app_refuses_data_without_the_core_dyads(tmp_path):
    subset = shipped_rows(lambda f: (f["src"] != "PRC") & (f["tgt"] != "PRC"))
    path = tmp_path / "no_china.csv"
    subset.to_csv(path, index=False)
    with pytest.raises(rp.RealpolitikError, match="PRC"):
        create_app(path)


def test_serve_command_starts_uvicorn_with_the_app(monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from realpolitik.cli import app as cli

    calls = {}
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: calls.update(app=application, **kw))
    result = CliRunner().invoke(cli, ["serve", "--port", "8123", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert calls["port"] == 8123 and calls["host"] == "0.0.0.0"
    assert {"/api/triangle", "/api/simulations"} <= set(calls["app"].openapi()["paths"])


@pytest.mark.parametrize("module", ["app", "api", "background", "errors", "history", "jobs", "references", "scenario",
                                    "schemas", "simulation", "views"])
def test_web_modules_have_a_sorted_honest_all_and_a_docstring(module):
    mod = importlib.import_module(f"realpolitik.web.{module}")
    assert mod.__all__ == sorted(mod.__all__) and all(hasattr(mod, name) for name in mod.__all__)
    assert mod.__doc__ and mod.__doc__.strip()


def test_static_folder_is_package_data():
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"web/static/*"' in pyproject
    assert {p.name for p in STATIC.iterdir()} >= {"index.html", "app.js", "style.css"}


# -- found by fuzzing the API (tests/test_web_fuzz.py) ---------------------------------------------------


def test_simulations_run_again_after_the_app_s_lifespan_restarts():
    app = create_app(workers=1)
    for _ in range(2):  # the second lifespan found the job pool shut down: POST answered 500
        with TestClient(app) as c:
            job = wait_for(c, c.post("/api/simulations", json={"runs": 2}).json()["id"])
            assert job["status"] == "done", job["error"]


def test_job_manager_shutdown_cancels_queued_jobs_and_a_new_job_starts_a_fresh_pool():
    jobs = JobManager(workers=1, max_active=2, max_stored=4)
    gate = threading.Event()
    try:
        running = jobs.submit(lambda progress: (gate.wait(5), progress(1, 1)), total=1)
        queued = jobs.submit(lambda progress: "never", total=1)
        jobs.shutdown()
        queued = jobs.snapshot(queued.id)
        assert queued.status == "cancelled" and not queued.active  # it no longer fills the queue
        gate.set()
        assert finish(jobs, running.id).status == "cancelled"
        after = finish(jobs, jobs.submit(lambda progress: 42, total=1).id)
        assert after.status == "done" and after.result == 42
    finally:
        jobs.shutdown()


@pytest.mark.parametrize("path, allowed", [("/api/simulations", "GET, POST"),
                                           ("/api/simulations/abc", "DELETE, GET"),
                                           ("/api/triangle/1950", "GET")])
def test_method_not_allowed_names_every_method_of_the_path(client, path, allowed):
    r = client.request("PUT", path)
    assert r.status_code == 405 and r.headers["allow"] == allowed


@pytest.mark.parametrize("body, field", [
    ({"runs": 4, "set": {"noise": False}}, "set.noise"),  # lax parsing took false for 0.0
    ({"runs": "4"}, "runs"),
    ({"runs": 4, "seed": True}, "seed"),
    ({"runs": 4, "start": "1950"}, "start"),
])
def test_simulation_request_fields_must_have_their_json_types(client, body, field):
    assert any(msg.startswith(f"{field}:") for _, msg in field_errors(client.post("/api/simulations", json=body)))


def test_an_unreadable_body_is_a_documented_400(client):
    r = client.post("/api/simulations", content=b"\x80\x81", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "400" in client.get("/openapi.json").json()["paths"]["/api/simulations"]["post"][
        "responses"]


def test_a_simulation_over_the_refits_takes_each_refit_s_weights(client):
    from realpolitik.sim.scenario import refits_of

    refits = refits_of(load_scenario())
    assert client.get("/api/scenario").json()["refits"] == len(refits) == 12
    request = {"runs": 24, "seed": 5, "start": 1960, "end": 1978, "weights": "refits", "set": {"speed": 0.5}}
    job = wait_for(client, client.post("/api/simulations", json=request).json()["id"])
    assert job["status"] == "done", job["error"]
    result = job["result"]
    assert result["weights"] == "refits" and result["refits"] == 12
    sets = [{**values, "speed": 0.5} for values in refits]  # `set` holds across every refit
    ensemble = simulate(load_scenario().with_parameters(speed=0.5), runs=24, seed=5, parameter_sets=sets)
    keep = (ensemble.years >= 1960) & (ensemble.years <= 1978)
    band = result["dyads"][0]
    np.testing.assert_allclose(band["mean"], ensemble.dyad(band["a"], band["b"])[:, keep].mean(axis=0), atol=1e-6)
    # each refit's runs are read with that refit's weights, and the pulls averaged over the refits
    per_refit = [driver_pulls(Ensemble(ensemble.codes, ensemble.years, ensemble.stances[k::12]),
                              load_scenario().with_parameters(**values), [("PRC", "USSR")])
                 for k, values in enumerate(sets)]
    expected = pd.concat(per_refit).groupby("year")["ideology"].mean().loc[1960:1978]
    shown = next(d for d in result["drivers"] if (d["src"], d["tgt"]) == ("PRC", "USSR"))["series"]["ideology"]
    np.testing.assert_allclose(shown, expected.to_numpy(), atol=1e-9)
    one_weight = driver_pulls(ensemble, load_scenario().with_parameters(speed=0.5), [("PRC", "USSR")])
    assert not np.allclose(shown, one_weight.set_index("year")["ideology"].loc[1960:1978], atol=0.05)
    plain = wait_for(client, client.post("/api/simulations", json={**request, "weights": "scenario"}).json()["id"])
    assert plain["result"]["refits"] == 0 and plain["result"]["dyads"][0]["mean"] != band["mean"]


def test_the_refits_are_refused_where_they_cannot_be_run(client, tmp_path):
    odd = client.post("/api/simulations", json={"runs": 20, "weights": "refits"})
    assert odd.status_code == 422 and "runs: with the refits' weights, a multiple of the 12 refits" in odd.text
    wrong = client.post("/api/simulations", json={"runs": 24, "weights": "bootstrap"})
    assert wrong.status_code == 422 and "weights" in wrong.text
    bare = tmp_path / "bare.toml"
    bare.write_text(Path(load_scenario().source).read_text(encoding="utf-8"), encoding="utf-8")
    with TestClient(create_app(scenario=bare)) as c:
        assert c.get("/api/scenario").json()["refits"] == 0
        none = c.post("/api/simulations", json={"runs": 24, "weights": "refits"})
        assert none.status_code == 422 and "no bootstrap refits beside its file" in none.text
