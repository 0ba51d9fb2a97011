"""The page in a real browser: Debian's chromium, driven by Playwright, against the app under uvicorn.

Each test does what a reader does (load the page, move the year slider, filter the events,
run a simulation and a counterfactual, ask for a year's balance) and checks that what the
page shows is what the API, and behind it the library, computes. Every request the page
makes is recorded; anything not addressed to the local server is refused and fails the test.

Skipped when the ``playwright`` package or ``/usr/bin/chromium`` is missing (``.ci/run``
installs chromium with apt-get; nothing here downloads a browser).
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path(os.environ.get("REALPOLITIK_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.is_file():
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

import httpx  # noqa: E402
import numpy as np  # noqa: E402

import realpolitik as rp  # noqa: E402
from realpolitik.sim.ensemble import simulate  # noqa: E402
from realpolitik.sim.scenario import load_scenario  # noqa: E402
from realpolitik.store import EventStore  # noqa: E402
from realpolitik.structure import SignedGraph, frustration_index, triad_census  # noqa: E402
from realpolitik.structure.triangle import periodize, strategic_triangle  # noqa: E402
from realpolitik.web import create_app  # noqa: E402
from realpolitik.web.background import BackgroundServer  # noqa: E402
from realpolitik.web.jobs import JobManager  # noqa: E402

expect = sync_api.expect
pytestmark = pytest.mark.browser

#: The network is closed here: without these flags chromium keeps trying to reach Google.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
CORE = ("USA", "USSR", "PRC")
#: Seconds each chunk of a simulation waits after reporting progress, so that the page's
#: polling (every 250 ms) sees a run half done however fast the machine is.
PACE = 0.2

#: Records what the simulation controls show each time they change: the progress a reader sees.
RECORD_SIMULATION = """
window.__simLog = [];
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("sim-progress");
  const status = document.getElementById("sim-status");
  const run = document.getElementById("run-sim");
  const cancel = document.getElementById("cancel-sim");
  const note = () => window.__simLog.push({
    sim: document.body.dataset.simulation || null, progress: bar.value, status: status.textContent,
    runDisabled: run.disabled, cancelDisabled: cancel.disabled,
  });
  new MutationObserver(note).observe(document.body, { attributes: true, attributeFilter: ["data-simulation"] });
  new MutationObserver(note).observe(bar, { attributes: true });
  new MutationObserver(note).observe(status, { childList: true, characterData: true, subtree: true });
});
"""


class PacedJobs(JobManager):
    """The app's job manager with each chunk of runs slowed by ``PACE`` seconds (results unchanged)."""

    def submit(self, work, *, total, payload=None):
        def paced(progress):
            def report(done, all_runs):
                progress(done, all_runs)
                if done < all_runs:
                    time.sleep(PACE)

            return work(report)

        return super().submit(paced, total=total, payload=payload)


@pytest.fixture(scope="module")
def server():
    app = create_app()
    state = app.state.realpolitik
    jobs = PacedJobs(workers=2, max_active=4, max_stored=32)
    app.state.realpolitik = dataclasses.replace(state, jobs=jobs)
    try:
        with BackgroundServer(app) as live:
            yield live
    finally:
        jobs.shutdown()


@pytest.fixture(scope="module")
def api(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclasses.dataclass
class Visit:
    """The page, and what it asked for and complained about."""

    page: object
    requests: list[str]
    refused: list[str]
    errors: list[str]


@pytest.fixture
def visit(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    requests: list[str] = []
    refused: list[str] = []
    errors: list[str] = []
    local = f"127.0.0.1:{server.port}"

    def gate(route):
        url = route.request.url
        requests.append(url)
        parts = urlsplit(url)
        if parts.scheme == "data" or (parts.scheme == "http" and parts.netloc == local):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", gate)
    context.add_init_script(RECORD_SIMULATION)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.goto(server.url + "/")
    page.wait_for_selector('body[data-ready="true"]')
    yield Visit(page, requests, refused, errors)
    context.close()
    assert refused == [], f"the page asked for something outside the server: {refused}"
    assert errors == [], errors


@pytest.fixture(scope="module")
def library():
    """What the library computes from the shipped events: relations and the core triangle by year."""
    events = rp.datasets.cold_war_triangle()
    rel = rp.relations(events, freq="year", end=1991)
    core = rp.relations(events, freq="year", end=1991, actors=list(CORE))
    tri = strategic_triangle(core, *CORE)
    tri = tri.assign(year=tri["period_start"].dt.year.astype(int))
    tri = tri[tri["year"] >= 1949].reset_index(drop=True)
    return {"events": events, "relations": rel, "triangle": tri.set_index("year")}


def texts(locator) -> list[str]:
    return [t.strip() for t in locator.all_inner_texts()]


def period_cells(page, table: str) -> list[tuple[str, str, str]]:
    rows = page.locator(f"#{table} tbody tr")
    return [tuple(texts(rows.nth(i).locator("td"))) for i in range(rows.count())]


def expected_period_cells(periods: list[dict]) -> list[tuple[str, str, str]]:
    out = []
    for p in periods:
        years = str(p["start"]) if p["start"] == p["end"] else f"{p['start']}–{p['end']}"
        role = f"pivot {p['pivot']}" if p["pivot"] else f"outcast {p['outcast']}" if p["outcast"] else ""
        out.append((years, p["label"], role))
    return out


# -- loading ---------------------------------------------------------------------------------------


def test_the_page_loads_every_section_from_this_server_only(visit, api, server):
    page = visit.page
    info = api.get("/api/info").json()
    paths = {urlsplit(u).path for u in visit.requests}
    assert {"/", "/static/style.css", "/static/app.js", "/static/plotly.min.js", "/api/info", "/api/actors",
            "/api/events", "/api/stances", "/api/triangle", "/api/triangle/1969", "/api/scenario",
            "/api/balance/1969"} <= paths
    assert all(u.startswith(server.url + "/") or u.startswith("data:") for u in visit.requests), visit.requests
    assert page.evaluate("typeof window.Plotly.react") == "function"
    expect(page.locator("#data-source")).to_have_text(f"{info['events']} events from {info['data']}")
    expect(page.locator("#version")).to_have_text(info["version"])

    # events: the core actors' events, all years and kinds, charted and paged with their sources
    found = api.get("/api/events", params={"actors": ",".join(CORE), "limit": 1000}).json()
    expect(page.locator("#timeline-count")).to_have_text(f"{found['total']} events match.")
    assert page.evaluate("document.getElementById('timeline-chart').data.reduce((n, t) => n + t.x.length, 0)") \
        == found["total"]
    rows = page.locator("#timeline-table tbody tr")
    assert rows.count() == 15
    assert [rows.nth(i).get_attribute("data-event-id") for i in range(15)] == \
        [e["event_id"] for e in found["events"][:15]]
    expect(page.locator("#timeline-page")).to_have_text(f"1–15 of {found['total']}")

    # stances: the three dyads' yearly series and the key events
    stances = api.get("/api/stances").json()
    expect(page.locator("#stances-estimator")).to_have_text(stances["estimator"])
    drawn = page.evaluate("""() => Object.fromEntries(document.getElementById('stances-chart').data
        .filter((t) => t.name && t.name.includes('–')).map((t) => [t.name, t.y]))""")
    assert drawn == {d["label"]: d["stance"] for d in stances["dyads"]}
    keys = page.evaluate("document.getElementById('stances-chart').data.find((t) => t.name === 'key event').x.length")
    assert keys == len(stances["key_events"]) > 0

    # triangle: the strip holds every year, the periods table every period, the diagram 1969
    triangle = api.get("/api/triangle").json()
    strip = page.evaluate("document.getElementById('triangle-strip').data.flatMap((t) => t.x)")
    assert sorted(strip) == [y["year"] for y in triangle["years"]]
    assert period_cells(page, "triangle-periods") == expected_period_cells(triangle["periods"])
    slider = page.locator("#year-slider")
    assert (slider.get_attribute("min"), slider.get_attribute("max")) == (str(info["triangle_start"]),
                                                                          str(info["triangle_end"]))
    expect(slider).to_have_value("1969")
    expect(page.locator("#triangle-caption")).to_have_text(api.get("/api/triangle/1969").json()["caption"])

    # simulation form: every shock (kept), every parameter at the scenario's value
    scenario = api.get("/api/scenario").json()
    boxes = page.locator("#sim-shocks input[type=checkbox]")
    assert boxes.count() == len(scenario["shocks"])
    assert page.locator("#sim-shocks input:checked").count() == len(scenario["shocks"])
    for p in scenario["parameters"]:
        assert float(page.locator(f"#param-{p['name']}").input_value()) == p["value"]
    expect(page.locator("#sim-start")).to_have_value(str(scenario["start"]))
    expect(page.locator("#sim-end")).to_have_value(str(scenario["end"]))
    assert page.locator("body").get_attribute("data-simulation") == "idle"
    assert page.locator("#sim-result").is_hidden()

    # balance of the default year
    balance = api.get("/api/balance/1969").json()
    expect(page.locator("#balance-summary")).to_contain_text(f"Frustration index {balance['frustration']}")
    assert page.locator("#balance-census tbody tr").count() == 4

    # nothing on the page reports an error
    assert all(t == "" for t in texts(page.locator("p.error")))


# -- the triangle, year by year --------------------------------------------------------------------


def diagram(page) -> dict:
    return page.evaluate("""() => {
        const d = document.getElementById('triangle-diagram');
        return {
            title: d.layout.title.text,
            colours: d.data.slice(0, 3).map((t) => t.line.color),
            labels: d.layout.annotations.slice(0, 3).map((a) => a.text),
            shape: document.getElementById('triangle-strip').layout.shapes[0].x0,
            selected: [...document.querySelectorAll('#triangle-periods tr.selected')].map((r) => r.dataset.start),
        };
    }""")


def test_the_slider_follows_the_split_and_the_rapprochement_year_by_year(visit, api, library):
    page = visit.page
    tri = library["triangle"]
    slider = page.locator("#year-slider")
    periods = api.get("/api/triangle").json()["periods"]
    colour_of_sign: dict[int, set[str]] = {}
    slider.focus()
    page.keyboard.press("Home")
    for year in tri.index:
        if year > tri.index[0]:
            page.keyboard.press("ArrowRight")
        expected = api.get(f"/api/triangle/{year}").json()
        caption = page.locator("#triangle-caption")
        expect(caption).to_have_text(expected["caption"])
        row = tri.loc[year]
        text = caption.inner_text()
        assert text.startswith(f"{year}: ") and expected["label"] in text
        assert row["pattern"] == expected["pattern"]
        for who in (row["pivot"], row["outcast"]):
            if who:
                assert who in text
        expect(page.locator("#year-output")).to_have_text(str(year))
        shown = diagram(page)
        assert shown["title"] == f"{year}: {expected['label']}"
        assert shown["shape"] == year - 0.5
        assert [int(s) for s in shown["selected"]] == [p["start"] for p in periods if p["start"] <= year <= p["end"]]
        # each edge is labelled with the library's stance and coloured by its sign
        for key, label, colour in zip(("ab", "ac", "bc"), shown["labels"], shown["colours"]):
            value = float(label.rsplit(" ", 1)[1].replace("−", "-"))
            assert value == pytest.approx(row[f"stance_{key}"], abs=0.006)
            colour_of_sign.setdefault(int(row[f"sign_{key}"]), set()).add(colour)
    assert all(len(c) == 1 for c in colour_of_sign.values()), colour_of_sign  # one colour per sign
    assert len(set().union(*colour_of_sign.values())) == len(colour_of_sign) == 3

    # 1950: the Sino-Soviet alliance against the United States; 1972: Washington the pivot
    for year, sino_soviet, sino_american in ((1950, 1, -1), (1972, -1, 1)):
        slider.fill(str(year))
        expected = api.get(f"/api/triangle/{year}").json()
        expect(page.locator("#triangle-caption")).to_have_text(expected["caption"])
        row = tri.loc[year]
        assert (row["sign_bc"], row["sign_ac"]) == (sino_soviet, sino_american)  # PRC–USSR, USA–PRC
        assert diagram(page)["title"] == f"{year}: {expected['label']}"
    assert tri.loc[1950, "outcast"] == "USA" and tri.loc[1972, "pivot"] == "USA"

    # a period picked in the table moves the slider to its first year
    period = next(p for p in periods if p["start"] <= 1975 <= p["end"])
    page.locator(f'#triangle-periods tr[data-start="{period["start"]}"]').click()
    expect(slider).to_have_value(str(period["start"]))
    expect(page.locator("#triangle-caption")).to_have_text(api.get(f"/api/triangle/{period['start']}").json()["caption"])


# -- events ------------------------------------------------------------------------------------------


def timeline_filter(page, *, actors, start, end, quads=(1, 2, 3, 4), involving=False) -> None:
    checked = page.eval_on_selector_all("#timeline-actors input:checked", "(boxes) => boxes.map((b) => b.value)")
    for code in checked:
        page.locator(f"#actor-{code}").uncheck()
    for code in actors:
        page.locator(f"#actor-{code}").check()
    page.locator("#match-involving" if involving else "#match-among").check()
    page.locator("#timeline-start").fill(str(start))
    page.locator("#timeline-end").fill(str(end))
    for q in (1, 2, 3, 4):
        page.locator(f"#quad-{q}").set_checked(q in quads)
    page.locator("#timeline-apply").click()


def shown_events(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('#timeline-table tbody tr')].map((tr) => ({
        id: tr.dataset.eventId, cells: [...tr.cells].map((c) => c.textContent),
        source: tr.cells[4].textContent, title: tr.cells[4].title }))""")


def short_refs(event: dict) -> str:
    return "; ".join((r["short"] or r["key"]) + (f", {r['locator']}" if r["locator"] else "")
                     for r in event["references"])


def test_the_timeline_filters_by_actors_years_and_kind_each_event_cited(visit, api, library):
    page = visit.page
    cited = dict(zip(library["events"]["event_id"], library["events"]["citation"]))

    # the border war: material conflict between the USSR and the PRC in 1969
    timeline_filter(page, actors=["USSR", "PRC"], start=1969, end=1969, quads=(4,))
    with EventStore() as store:
        store.insert(library["events"])
        expected = store.events(actors=["USSR", "PRC"], start=1969, end=1969, quad=[4])
    expect(page.locator("#timeline-count")).to_have_text(f"{len(expected)} events match.")
    expect(page.locator("#timeline-page")).to_have_text(f"1–{min(15, len(expected))} of {len(expected)}")
    rows = shown_events(page)
    assert [r["id"] for r in rows] == list(expected["event_id"])[:15] and rows
    by_id = {e["event_id"]: e for e in api.get("/api/events", params={
        "actors": "USSR,PRC", "start": 1969, "end": 1969, "quad": 4, "limit": 1000}).json()["events"]}
    for r in rows:
        event = by_id[r["id"]]
        assert event["quad"] == 4 and {event["src"], event["tgt"]} == {"USSR", "PRC"}
        assert event["date_start"][:4] <= "1969" <= event["date_end"][:4]
        assert r["cells"][1] == f"{event['src']} → {event['tgt']}" and r["cells"][3] == event["description"]
        assert cited[r["id"]] and r["source"] == short_refs(event) and r["title"]
        assert {ref["key"] for ref in event["references"]} <= set(re.findall(r"[A-Za-z][\w-]*\d{4}\w*", cited[r["id"]]))
    traces = page.evaluate("document.getElementById('timeline-chart').data.map((t) => t.x.length)")
    assert traces == [0, 0, 0, len(expected)]  # only material conflict is charted

    # events involving India or Pakistan, 1960-1975, in pages of 15
    timeline_filter(page, actors=["IND", "PAK"], start=1960, end=1975, involving=True)
    query = {"actors": "IND,PAK", "match": "involving", "start": 1960, "end": 1975}
    total = api.get("/api/events", params={**query, "limit": 1}).json()["total"]
    assert total > 15
    expect(page.locator("#timeline-count")).to_have_text(f"{total} events match.")
    seen = []
    for offset in range(0, total, 15):
        if offset:
            page.locator("#timeline-next").click()
        expect(page.locator("#timeline-page")).to_have_text(f"{offset + 1}–{min(offset + 15, total)} of {total}")
        page_events = api.get("/api/events", params={**query, "limit": 15, "offset": offset}).json()["events"]
        expect(page.locator("#timeline-table tbody tr").first).to_have_attribute("data-event-id",
                                                                               page_events[0]["event_id"])
        rows = shown_events(page)
        assert [r["id"] for r in rows] == [e["event_id"] for e in page_events]
        for r, event in zip(rows, page_events):
            assert {"IND", "PAK"} & {event["src"], event["tgt"]} and r["cells"][1] == f"{event['src']} → {event['tgt']}"
            assert event["date_start"][:4] <= "1975" and event["date_end"][:4] >= "1960"
            assert r["source"] == short_refs(event) and r["source"] and r["title"]
        seen += [r["id"] for r in rows]
    assert page.locator("#timeline-next").is_disabled() and len(seen) == len(set(seen)) == total
    page.locator("#timeline-prev").click()
    expect(page.locator("#timeline-page")).to_contain_text(f"of {total}")

    # no kind of event chosen: the page says so instead of asking the server
    for q in (1, 2, 3, 4):
        page.locator(f"#quad-{q}").uncheck()
    page.locator("#timeline-apply").click()
    expect(page.locator("#timeline-error")).to_have_text("Choose at least one kind of event.")


# -- simulation ------------------------------------------------------------------------------------


def run_and_watch(page, runs: int) -> dict:
    """Press Run; check the progress shown while it runs; return the finished job's id and log."""
    page.evaluate("window.__simLog = []")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/simulations"
                              and r.request.method == "POST") as posted:
        page.locator("#run-sim").click()
    response = posted.value
    assert response.status == 202, response.text()
    page.wait_for_function("""() => {
        const log = window.__simLog, ran = log.findIndex((s) => s.sim === 'running');
        return ran >= 0 && log.slice(ran).some((s) => s.sim === 'idle');
    }""", timeout=60_000)
    log = page.evaluate("window.__simLog")
    running = [s for s in log if s["sim"] == "running"]
    assert running and all(s["runDisabled"] and not s["cancelDisabled"] for s in running)
    halfway = []
    for s in running:
        m = re.fullmatch(r"Running: (\d+) of (\d+) runs", s["status"])
        if m and 0 < int(m.group(1)) < runs:
            assert int(m.group(2)) == runs and s["progress"] == pytest.approx(int(m.group(1)) / runs)
            halfway.append(s["progress"])
    assert halfway, f"no progress seen while running: {log}"
    progress = [s["progress"] for s in log]
    assert progress == sorted(progress) and log[-1]["sim"] == "idle" and log[-1]["progress"] == 1
    assert re.fullmatch(rf"Done: {runs} runs in \d+\.\d s\.", page.locator("#sim-status").inner_text())
    assert not page.locator("#run-sim").is_disabled() and page.locator("#cancel-sim").is_disabled()
    return {"id": response.json()["id"], "request": response.request.post_data_json, "log": log}


def check_result_drawn(page, result: dict) -> None:
    """The band chart, the pattern strips and both periodizations show the job's result."""
    expect(page.locator("#sim-result")).to_be_visible()
    traces = page.evaluate("document.getElementById('sim-chart').data.map((t) => ({y: t.y, fill: t.fill || null}))")
    assert len(traces) == 4 * len(result["dyads"]) == 12
    for i, band in enumerate(result["dyads"]):
        p05, p95, p50, told = (traces[4 * i + k] for k in range(4))
        assert np.allclose(p05["y"], band["p05"]) and np.allclose(p95["y"], band["p95"])
        assert np.allclose(p50["y"], band["p50"]) and told["y"] == band["history"]
        # the shaded band is the area between the two: p95 fills down to the trace just before it, p05
        assert (p05["fill"], p95["fill"], p50["fill"]) == (None, "tonexty", None)
    strips = page.evaluate("document.getElementById('sim-strips').data.map((t) => [t.base[0], t.x.length])")
    per_row = {base: sum(n for b, n in strips if b == base) for base in (0, 1)}  # model below, history above
    assert per_row == {0: len(result["years"]), 1: len(result["years"])}
    assert period_cells(page, "period-history") == expected_period_cells(result["history_periods"])
    assert period_cells(page, "period-model") == expected_period_cells(result["model_periods"])

    # what moves the model: a panel per directed stance, a line per driver that pulls, and the mean stance
    drawn = page.evaluate("""() => {
        const gd = document.getElementById('sim-drivers');
        return {
            traces: gd.data.map((t) => ({ name: t.name, axis: t.yaxis, x: t.x, y: t.y, colour: t.line.color,
                                          behind: t.customdata || null })),
            panels: Object.keys(gd.layout).filter((k) => /^yaxis\\d*$/.test(k)).sort()
                .map((k) => gd.layout[k].title.text),
            shown: document.querySelectorAll('#sim-drivers .cartesianlayer .subplot').length,
        };
    }""")
    assert drawn["panels"] == [d["label"] for d in result["drivers"]] == ["PRC → USA", "USA → PRC", "PRC → USSR",
                                                                         "USSR → PRC"]
    assert drawn["shown"] == 4
    for i, d in enumerate(result["drivers"]):
        mine = [t for t in drawn["traces"] if t["axis"] == ("y" if i == 0 else f"y{i + 1}")]
        pulling = [name for name in result["driver_colours"] if max(map(abs, d["series"][name])) > 0.02]
        assert [t["name"] for t in mine] == [*pulling, "stance (mean)"] and "ideology" in pulling
        for t in mine:
            assert t["x"] == [y + 0.5 for y in result["years"]]
            if t["name"] == "stance (mean)":
                assert t["colour"] == "#000" and np.allclose(t["y"], d["stance"], rtol=0, atol=1e-12)
            else:
                assert t["colour"] == result["driver_colours"][t["name"]]
                assert np.allclose(t["y"], d["series"][t["name"]], rtol=0, atol=1e-12)
                named = d["behind"].get(t["name"], [""] * len(result["years"]))  # the hover names the third states
                assert t["behind"] == [f" ({s})" if s else "" for s in named]


def test_a_simulation_and_a_counterfactual_show_progress_then_band_and_both_periodizations(visit, api, library):
    page = visit.page
    scenario = api.get("/api/scenario").json()
    years = range(scenario["start"], scenario["end"] + 1)

    # an ideology shock shows the position it sets: here a line set apart from the militancy
    expect(page.locator("label[for='shock-hanoi-between-moscow-and-beijing'] .moves")).to_have_text("(line 0.65)")
    expect(page.locator("label[for='shock-soviet-border-1969'] .moves")).to_have_count(0)

    # the reference scenario, 40 runs
    page.locator("#sim-runs").fill("40")
    reference = run_and_watch(page, 40)
    assert reference["request"] == {"runs": 40, "seed": 0, "start": scenario["start"], "end": scenario["end"],
                                    "drop_shocks": [], "set": {}, "weights": "scenario"}
    job = api.get(f"/api/simulations/{reference['id']}").json()
    result = job["result"]
    assert job["status"] == "done" and result["years"] == list(years)
    check_result_drawn(page, result)
    expect(page.locator("#sim-drivers-weights")).to_have_text("the reference scenario's")
    summary = page.locator("#sim-summary").inner_text()
    assert summary.startswith("Reference scenario: 40 runs, seed 0.")
    assert f"{round(100 * result['agreement'])}\u00a0% of the years {years[0]}–{years[-1]}" in summary
    # history's periods are the library's periodization of the triangle over the scenario's years
    tri = library["triangle"].loc[years[0]:years[-1]]
    assert [(p["start"], p["end"], p["pattern"]) for p in result["history_periods"]] == [
        (int(r.start), int(r.end), r.pattern) for r in periodize(tri.reset_index(drop=True)).itertuples()]
    # the history line is the stance chart's series
    stances = api.get("/api/stances", params={"start": years[0], "end": years[-1]}).json()
    series = {frozenset((d["a"], d["b"])): d["stance"] for d in stances["dyads"]}
    assert all(band["history"] == series[frozenset((band["a"], band["b"]))] for band in result["dyads"])

    # a counterfactual: no Soviet border build-up of 1969, faster alignment
    shock = "soviet-border-1969"
    assert shock in {s["id"] for s in scenario["shocks"]}
    page.locator(f"#shock-{shock}").uncheck()
    page.locator("#param-speed").fill("0.5")
    counter = run_and_watch(page, 40)
    assert counter["request"]["drop_shocks"] == [shock] and counter["request"]["set"] == {"speed": 0.5}
    job = api.get(f"/api/simulations/{counter['id']}").json()
    other = job["result"]
    assert other["dropped_shocks"] == [shock] and other["parameters"]["speed"] == 0.5
    check_result_drawn(page, other)
    expect(page.locator("#sim-drivers-weights")).to_have_text("the counterfactual's")
    expect(page.locator("#sim-summary")).to_contain_text(
        f"Counterfactual: 40 runs, seed 0; without {shock}; with speed = 0.5.")
    # the band is the library's counterfactual ensemble, not the reference one
    ensemble = simulate(load_scenario().with_parameters(speed=0.5).without_shocks(shock), runs=40, seed=0)
    keep = (ensemble.years >= years[0]) & (ensemble.years <= years[-1])
    for band in other["dyads"]:
        expected = np.quantile(ensemble.dyad(band["a"], band["b"])[:, keep], 0.5, axis=0)
        np.testing.assert_allclose(band["p50"], expected, atol=1e-9)
    assert any(not np.allclose(a["mean"], b["mean"]) for a, b in zip(result["dyads"], other["dyads"]))
    assert other["history_periods"] == result["history_periods"]  # history does not change

    # the same counterfactual over the weights of the bootstrap refits: runs come in whole rounds of them
    assert scenario["refits"] == 12
    page.locator("#sim-refits").check()
    expect(page.locator("#sim-runs")).to_have_value("48")
    assert page.locator("#sim-runs").get_attribute("step") == "12" == page.locator("#sim-runs").get_attribute("min")
    refitted = run_and_watch(page, 48)
    assert refitted["request"]["weights"] == "refits" and refitted["request"]["set"] == {"speed": 0.5}
    third = api.get(f"/api/simulations/{refitted['id']}").json()["result"]
    assert third["refits"] == 12
    check_result_drawn(page, third)
    expect(page.locator("#sim-summary")).to_contain_text("over the weights of 12 bootstrap refits")
    expect(page.locator("#sim-drivers-weights")).to_have_text(
        "each refit's for its own runs, averaged over the 12 refits")
    # whole rounds, but never past the server's limit; unticked, any count again
    page.locator("#sim-refits").uncheck()
    page.locator("#sim-runs").fill(str(scenario["max_runs"] - 1))
    page.locator("#sim-refits").check()
    expect(page.locator("#sim-runs")).to_have_value(str(scenario["max_runs"] // 12 * 12))
    page.locator("#sim-refits").uncheck()
    assert page.locator("#sim-runs").get_attribute("step") == "1"


# -- balance -------------------------------------------------------------------------------------------


def test_a_year_s_balance_shows_the_exact_frustration_index_partition_and_census(visit, api, library):
    page = visit.page
    for year in (1950, 1972):
        page.locator("#balance-year").fill(str(year))
        page.locator("#balance-show").click()
        expect(page.locator("#balance-summary")).to_contain_text(f"{year}: ")
        body = api.get(f"/api/balance/{year}").json()
        graph = SignedGraph.from_relations(library["relations"], str(year), threshold=0.1)
        best = frustration_index(graph)
        census = triad_census(graph)
        assert body["frustration"] == best.frustration
        summary = page.locator("#balance-summary").inner_text()
        proof = " (proven optimal)" if best.optimal else f" (best found; at least {best.lower_bound})"
        assert f"Frustration index {best.frustration}{proof}" in summary
        assert f"{graph.n} actors, {graph.m} ties" in summary and f"{census.unbalanced} unbalanced" in summary
        counts = [int(c) for c in texts(page.locator("#balance-census tbody td.num"))]
        assert counts == [census.ppp, census.ppn, census.pnn, census.nnn]
        assert counts == [body["census"][k] for k in ("ppp", "ppn", "pnn", "nnn")]
        camps = texts(page.locator("#balance-partition p.camp"))
        for side, camp in enumerate(body["camps"]):
            members = sorted(code for code in graph.nodes if best.partition.get(code, 0) == side)
            assert sorted(camp) == members
            shown = re.findall(r"\(([A-Z]+)\)", camps[side])
            assert sorted(shown) == members
        drawn = page.evaluate("""() => document.getElementById('balance-chart').data
            .filter((t) => t.name.startsWith('camp')).map((t) => t.text)""")
        assert [sorted(t) for t in drawn] == [sorted(c) for c in body["camps"]]
        dashed = page.evaluate("""() => document.getElementById('balance-chart').data
            .filter((t) => t.name.endsWith('frustrated')).reduce((n, t) => n + t.x.length / 3, 0)""")
        assert dashed == best.frustration

    # a year outside the data: the server's message, on the page
    page.locator("#balance-year").fill("1900")
    page.locator("#balance-show").click()
    expect(page.locator("#balance-error")).to_contain_text("1945-1991")
    refused = [e for e in visit.errors if "status of 422" in e]  # the browser logs the 422 it was answered
    assert len(refused) == 1
    visit.errors.remove(refused[0])
