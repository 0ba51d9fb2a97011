"""The JSON API fuzzed from its own OpenAPI schema (schemathesis): no 5xx, every answer as documented.

Every operation gets schema-valid and schema-violating requests. The checks: no server error;
status code, content type, headers and body as the schema documents them; a request that
violates the schema is refused (4xx). Not checked: that every schema-valid request is
accepted, since the bounds that depend on the data (years, actor codes, shock ids) are checked
by the routes, not written in the schema (see ``realpolitik.web.schemas``). So that generated
years mostly fall inside the data, and every year's answer gets checked, the fuzz writes the
data's years into its copy of the schema; the responses are checked against the served schema's
own response shapes, which it leaves as they are.

``make test`` runs a few examples per operation; ``REALPOLITIK_FUZZ_EXAMPLES=1000`` runs a
longer fuzz (docs/web.md records one). Examples are derandomized (hypothesis' fixed seed), so a
run is reproducible. Simulation requests are shrunk to a few runs so that
the jobs they start finish at once; the schema and the server still allow 2000.
"""

from __future__ import annotations

import copy
import os
import time

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402

from realpolitik.web import create_app  # noqa: E402

pytestmark = pytest.mark.fuzz

#: Examples per operation (hypothesis' max_examples); a longer run sets the variable.
EXAMPLES = int(os.environ.get("REALPOLITIK_FUZZ_EXAMPLES", "25"))
#: The most runs a fuzzed simulation request asks for.
SMALL_RUNS = 4
#: Checks left out: see the module docstring.
NOT_CHECKED = [positive_data_acceptance]


def with_year_bounds(app) -> dict:
    """The app's OpenAPI schema with the years the routes accept written in as minimum and maximum."""
    raw = copy.deepcopy(app.openapi())
    history, scenario = app.state.realpolitik.history, app.state.realpolitik.scenario
    data_years = (history.first_year, history.last_year)
    operations = {"/api/triangle/{year}": (history.start, history.end), "/api/balance/{year}": data_years,
                  "/api/events": data_years, "/api/stances": data_years}

    def bound(param_schema: dict, lo: int, hi: int) -> None:
        for branch in param_schema.get("anyOf", [param_schema]):
            if branch.get("type") == "integer":
                branch.update(minimum=lo, maximum=hi)

    for path, (lo, hi) in operations.items():
        for param in raw["paths"][path]["get"]["parameters"]:
            if param["name"] in ("year", "start", "end"):
                bound(param["schema"], lo, hi)
    request = raw["components"]["schemas"]["SimulationRequest"]["properties"]
    for name in ("start", "end"):
        bound(request[name], scenario.start, scenario.end)
    return raw


app = create_app()
schema = schemathesis.openapi.from_dict(with_year_bounds(app))
schema.app = app  # requests go to the app in process (ASGI), not over the network

#: Query lists of free text. Every value arrives on the wire as text, which is such a list, so a
#: "schema-violating" one (``dyads=`` from a negated ``{}``) arrives as a valid one and is rightly
#: accepted; schemathesis, judging the value before it was sent, expects a refusal.
FREE_TEXT_LISTS = ("actors", "dyads")


@schema.hook
def filter_failure(context, failure, case, response) -> bool:
    """Keep every failure but those 'schema-violating request accepted' about a free-text query list."""
    if failure.code != "ST201":
        return True
    return not any(f"parameter `{name}` in query" in failure.message for name in FREE_TEXT_LISTS)


def shrink_runs(case) -> None:
    """A schema-valid run count (1-2000) becomes at most ``SMALL_RUNS``; an invalid one stays invalid."""
    body = case.body
    if case.method.upper() == "POST" and isinstance(body, dict) and type(body.get("runs")) is int:
        if 1 <= body["runs"] <= 2000:
            body["runs"] = min(body["runs"], SMALL_RUNS)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_as_its_schema_says(case):
    shrink_runs(case)
    case.call_and_validate(excluded_checks=NOT_CHECKED)


def test_finished_simulation_jobs_answer_as_their_schema_says():
    """Fuzzing never guesses a job id: submit two, then check their progress and results against the schema."""
    submit = schema["/api/simulations"]["POST"]
    poll = schema["/api/simulations/{job_id}"]["GET"]
    forget = schema["/api/simulations/{job_id}"]["DELETE"]
    bodies = [
        {"runs": 3},
        {"runs": 4, "seed": 5, "start": 1960, "end": 1970, "drop_shocks": ["soviet-aid-india"], "set": {"speed": 0.4}},
    ]
    for body in bodies:
        response = submit.Case(body=body, media_type="application/json").call_and_validate(excluded_checks=NOT_CHECKED)
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        deadline = time.monotonic() + 60
        while True:
            job = poll.Case(path_parameters={"job_id": job_id}).call_and_validate(excluded_checks=NOT_CHECKED).json()
            if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert job["status"] == "done" and job["result"]["runs"] == body["runs"], job
        listed = schema["/api/simulations"]["GET"].Case().call_and_validate(excluded_checks=NOT_CHECKED).json()
        assert job_id in {j["id"] for j in listed["jobs"]}
        gone = forget.Case(path_parameters={"job_id": job_id}).call_and_validate(excluded_checks=NOT_CHECKED)
        assert gone.status_code == 200
        again = forget.Case(path_parameters={"job_id": job_id}).call_and_validate(excluded_checks=NOT_CHECKED)
        assert again.status_code == 404
