"""The JSON API under /api: history (events, stances, triangle, balance) and simulation jobs.

Routes only check their inputs and hand over to ``views`` and ``simulation``; every bad
input answers 422 naming the field (see ``errors``), an unknown job 404, a full job queue 429.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response

from .. import __version__
from ..sim.scenario import Scenario
from . import schemas
from .errors import invalid
from .history import CORE, CORE_DYADS, History
from .jobs import Job, JobManager, TooBusy
from .scenario import describe_scenario
from .simulation import run_simulation
from .views import balance_view, stances_view, triangle_view, triangle_year_view

__all__ = ["MAX_ACTORS", "MAX_DYADS", "WebState", "router"]

#: Bounds on list inputs.
MAX_ACTORS = 50
MAX_DYADS = 12


@dataclass(frozen=True)
class WebState:
    """What the routes read: the history, the scenario to simulate, and the job manager.

    ``capability_source`` is read from the scenario file once, not at every request.
    """

    history: History
    scenario: Scenario
    jobs: JobManager
    capability_source: str
    data: str = "the shipped cold_war_triangle dataset"
    refits: tuple[dict[str, float], ...] = ()  # the bootstrap refits of the scenario's weights, if it has them


def _state(request: Request) -> WebState:
    return request.app.state.realpolitik


State = Annotated[WebState, Depends(_state)]
router = APIRouter(prefix="/api")

_NOT_FOUND = {404: {"model": schemas.Message, "description": "No such simulation job (or it was evicted)."}}


def _split(values: list[str] | None) -> list[str]:
    """Query lists as repeated parameters or comma-separated, or both: ``?actors=USA,PRC&actors=USSR``."""
    return [part.strip() for v in values or [] for part in v.split(",") if part.strip()]


def _years(start: int | None, end: int | None, lo: int, hi: int, where: str = "query") -> tuple[int, int]:
    """Check optional first/last years against the range ``lo..hi``; default to the whole range."""
    for name, value in (("start", start), ("end", end)):
        if value is not None and not lo <= value <= hi:
            raise invalid((where, name), f"{name}: must lie in {lo}-{hi} (got {value})")
    start = lo if start is None else start
    end = hi if end is None else end
    if end < start:
        raise invalid((where, "end"), f"end: {end} is before start {start}")
    return start, end


def _actor_codes(state: WebState, values: list[str], name: str) -> list[str]:
    known = {a["code"] for a in state.history.actors}
    codes = [v.upper() for v in values]
    if len(codes) > MAX_ACTORS:
        raise invalid(("query", name), f"{name}: at most {MAX_ACTORS} actors (got {len(codes)})")
    for code in codes:
        if code not in known:
            raise invalid(("query", name), f"{name}: unknown actor '{code}'; GET /api/actors lists the known codes")
    return codes


@router.get("/info", response_model=schemas.InfoOut, summary="What the server holds")
def info(state: State) -> dict[str, object]:
    """The data's source and years, the triangle's years and the scenario's name: what the page starts from."""
    history = state.history
    return {
        "title": "realpolitik", "version": __version__, "data": state.data, "events": len(history.events),
        "first_year": history.first_year, "last_year": history.last_year,
        "triangle_start": history.start, "triangle_end": history.end, "scenario": state.scenario.name,
    }


@router.get("/actors", response_model=schemas.ActorsOut, summary="Actors of the event data")
def actors(state: State) -> dict[str, object]:
    """Every actor that appears in the events, with its name and number of events."""
    return {"core": list(CORE), "actors": state.history.actors}


@router.get("/events", response_model=schemas.EventsOut, summary="Events, filtered, each with its citation")
def events(
    state: State,
    actors: Annotated[list[str] | None, Query(description="Actor codes, repeated or comma-separated.")] = None,
    match: Annotated[
        Literal["among", "involving"],
        Query(description="'among': both ends among the actors (as the CLI); 'involving': either end."),
    ] = "among",
    start: Annotated[int | None, Query(description="First year (events overlapping it count).")] = None,
    end: Annotated[int | None, Query(description="Last year.")] = None,
    quad: Annotated[list[int] | None, Query(description="CAMEO quad classes 1-4, repeated: quad=1&quad=2.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Events per page.")] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Events to skip.")] = 0,
) -> dict[str, object]:
    """Events in date order; ``total`` counts every match, ``events`` holds one page of them."""
    history = state.history
    codes = _actor_codes(state, _split(actors), "actors")
    first, last = _years(start, end, history.first_year, history.last_year)
    for q in quad or []:
        if not 1 <= q <= 4:
            raise invalid(("query", "quad"), f"quad: quad classes are 1-4 (got {q})")
    found = history.select_events(actors=codes or None, involving=match == "involving",
                                  start=first, end=last, quad=quad or None)
    return {"total": len(found), "offset": offset, "limit": limit, "events": found[offset : offset + limit]}


@router.get("/stances", response_model=schemas.StancesOut, summary="Yearly stance of dyads, key events marked")
def stances(
    state: State,
    dyads: Annotated[
        list[str] | None, Query(description="Dyads as A-B (e.g. PRC-USSR), repeated or comma-separated; "
                                            "default: the three core dyads.")
    ] = None,
    start: Annotated[int | None, Query(description="First year.")] = None,
    end: Annotated[int | None, Query(description="Last year.")] = None,
) -> dict[str, object]:
    """The undirected stance of each dyad per year (mean of both directions) and each direction."""
    history = state.history
    asked = _split(dyads)
    if len(asked) > MAX_DYADS:
        raise invalid(("query", "dyads"), f"dyads: at most {MAX_DYADS} dyads (got {len(asked)})")
    pairs = []
    for text in asked:
        ends = text.split("-")
        if len(ends) != 2:
            raise invalid(("query", "dyads"), f"dyads: '{text}' is not two actor codes joined by '-'")
        a, b = _actor_codes(state, ends, "dyads")
        if a == b:
            raise invalid(("query", "dyads"), f"dyads: '{text}' joins an actor to itself")
        pairs.append((a, b))
    first, last = _years(start, end, history.first_year, history.last_year)
    return stances_view(history, pairs or list(CORE_DYADS), first, last)


@router.get("/triangle", response_model=schemas.TriangleOut, summary="The strategic triangle through time")
def triangle(state: State) -> dict[str, object]:
    """Dittmer's pattern with its pivot or outcast in every year, and the runs of one pattern."""
    return triangle_view(state.history)


@router.get("/triangle/{year}", response_model=schemas.TriangleYearOut, summary="The triangle of one year")
def triangle_year(state: State, year: Annotated[int, Path(description="A year of the triangle.")]) -> dict:
    """Each core dyad's stance and sign and each actor's capability share, for the diagram."""
    history = state.history
    if not history.start <= year <= history.end:
        raise invalid(("path", "year"), f"year: the triangle spans {history.start}-{history.end} (got {year})")
    return triangle_year_view(history, state.scenario, year, source=state.capability_source)


@router.get("/balance/{year}", response_model=schemas.BalanceOut, summary="Structural balance of one year")
def balance(state: State, year: Annotated[int, Path(description="A year of the history.")]) -> dict:
    """The year's signed network of every observed dyad: exact frustration index, optimal partition, triads."""
    history = state.history
    if not history.first_year <= year <= history.last_year:
        raise invalid(("path", "year"),
                      f"year: the history spans {history.first_year}-{history.last_year} (got {year})")
    return balance_view(history, year)


@router.get("/scenario", response_model=schemas.ScenarioOut, summary="The scenario a simulation runs")
def scenario(state: State) -> dict[str, object]:
    """Its shocks (ids to drop, with citations) and its parameters (values and bounds to set)."""
    return {**describe_scenario(state.scenario), "max_runs": schemas.MAX_RUNS, "refits": len(state.refits)}


def _job_view(job: Job, *, with_result: bool = True) -> dict[str, object]:
    """A job as JSON; ``job`` must be a snapshot from the manager, so its fields agree with each other."""
    return {
        "id": job.id, "status": job.status, "progress": job.progress, "done": job.done, "total": job.total,
        "created": job.created, "finished": job.finished, "error": job.error, "request": job.payload,
        "result": job.result if with_result else None,
    }


@router.post(
    "/simulations",
    status_code=202,
    response_model=schemas.JobOut,
    summary="Start a simulation in the background",
    responses={
        400: {"model": schemas.Message, "description": "The body could not be read (not UTF-8 encoded JSON)."},
        429: {"model": schemas.Message, "description": "Too many simulations queued or running."},
    },
)
def start_simulation(state: State, request: schemas.SimulationRequest, response: Response) -> dict[str, object]:
    """Run the scenario, or a counterfactual of it; poll ``GET /api/simulations/{id}`` for progress and result."""
    sc = state.scenario
    _years(request.start, request.end, sc.start, sc.end, where="body")
    known = {s.id for s in sc.shocks}
    for i, sid in enumerate(request.drop_shocks):
        if sid not in known:
            raise invalid(("body", "drop_shocks", i),
                          f"drop_shocks[{i}]: unknown shock '{sid}'; GET /api/scenario lists the shock ids")
    if request.weights == "refits":
        if not state.refits:
            raise invalid(("body", "weights"), "weights: this scenario has no bootstrap refits beside its file")
        if request.runs % len(state.refits):
            raise invalid(("body", "runs"), f"runs: with the refits' weights, a multiple of the {len(state.refits)} "
                                            "refits")
    try:
        job = state.jobs.submit(partial(run_simulation, sc, state.history, request, refits=state.refits),
                                total=request.runs, payload=request)
    except TooBusy as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": "5"}) from None
    response.headers["Location"] = f"/api/simulations/{job.id}"
    return _job_view(job)


@router.get("/simulations", response_model=schemas.JobsOut, summary="Simulation jobs kept by the server")
def list_simulations(state: State) -> dict[str, object]:
    """Every stored job, oldest first, without results."""
    return {"jobs": [_job_view(j, with_result=False) for j in state.jobs.snapshots()]}


@router.get("/simulations/{job_id}", response_model=schemas.JobOut, summary="A simulation's progress and result",
            responses=_NOT_FOUND)
def get_simulation(state: State, job_id: Annotated[str, Path(max_length=64)]) -> dict[str, object]:
    """Status and progress (0-1); when done, the ensemble band against history and both periodizations."""
    job = state.jobs.snapshot(job_id)
    if job is None:
        raise HTTPException(404, f"no simulation job '{job_id}' (finished jobs are kept only for a while)")
    return _job_view(job)


@router.delete("/simulations/{job_id}", response_model=schemas.JobOut, summary="Cancel or forget a simulation",
               responses=_NOT_FOUND)
def cancel_simulation(state: State, job_id: Annotated[str, Path(max_length=64)]) -> dict[str, object]:
    """Cancel a queued or running job (it stops after its current chunk of runs); forget a finished one."""
    job = state.jobs.cancel(job_id)
    if job is None:
        raise HTTPException(404, f"no simulation job '{job_id}'")
    return _job_view(job, with_result=False)
