"""The FastAPI application: the page, its static files (plotly.js included) and the JSON API.

``create_app`` computes the history once and serves everything from this machine: the
page fetches nothing from the network (no CDN, no web fonts), which the Content Security
Policy enforces in the browser. FastAPI's Swagger pages load their scripts from a CDN, so
they are off; the schema itself is at ``/openapi.json``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from .. import __version__, datasets
from .._errors import RealpolitikError
from ..io.eventfile import read_events
from ..sim.scenario import load_scenario, refits_of
from .api import WebState, router
from .errors import validation_error_handler
from .history import History
from .jobs import JobManager
from .scenario import capability_source

__all__ = ["STATIC", "create_app", "plotly_js_path"]

#: The page's own files, shipped inside the package.
STATIC = Path(__file__).parent / "static"

#: Everything the page loads comes from this server; plotly injects inline styles.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def plotly_js_path() -> Path:
    """plotly.min.js as shipped inside the ``plotly`` Python package."""
    try:
        path = Path(str(resources.files("plotly").joinpath("package_data/plotly.min.js")))
    except ModuleNotFoundError:
        raise RealpolitikError("the web page needs the 'plotly' package (pip install plotly)") from None
    if not path.is_file():
        raise RealpolitikError(f"plotly.min.js is missing from the plotly package ({path})")
    return path


def create_app(
    data: str | Path | None = None,
    *,
    scenario: str | Path | None = None,
    workers: int = 2,
    max_active: int | None = None,
    max_stored: int | None = None,
) -> FastAPI:
    """The web application over the shipped events (or the ``data`` event file) and scenario.

    ``workers`` simulations run at once, at most ``max_active`` (default: twice the workers,
    at least 4) are queued or running, and ``max_stored`` jobs (default: at least 32) are
    kept for polling, the oldest finished ones dropped first.
    """
    max_active = max(4, 2 * workers) if max_active is None else max_active
    max_stored = max(32, 2 * max_active) if max_stored is None else max_stored
    events = read_events(Path(data)).events if data is not None else datasets.cold_war_triangle()
    history = History(events)
    reference = load_scenario(scenario)
    plotly_js = plotly_js_path()
    jobs = JobManager(workers=workers, max_active=max_active, max_stored=max_stored)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        title="realpolitik",
        version=__version__,
        summary="The US–USSR–PRC strategic triangle, 1945–1991: history, structure and simulation.",
        description="The JSON API behind the page at `/`. Inputs are bounded; a bad one answers 422 naming the "
                    "field. Simulations run in the background: POST starts a job, GET polls it.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    source = f"the event file {Path(data).name}" if data is not None else "the shipped cold_war_triangle dataset"
    app.state.realpolitik = WebState(history=history, scenario=reference, jobs=jobs,
                                     capability_source=capability_source(reference), data=source,
                                     refits=tuple(refits_of(reference)))
    app.add_exception_handler(RequestValidationError, validation_error_handler)

    @app.exception_handler(RealpolitikError)
    async def library_error(request: Request, exc: RealpolitikError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": str(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # Starlette's 405 names the methods of the first route matching the path only (GET of
        # /api/simulations/{id}, not its DELETE); the Allow header must name them all. The GET
        # catch-all of unknown API paths counts for none: POST /api/nothing is a 404, not a 405.
        if exc.status_code == 405:
            allowed = set()
            for route in [*router.routes, *app.router.routes]:  # the API's own, then the page's
                methods = getattr(route, "methods", None)
                if methods and route is not catch_all and route.matches(request.scope)[0] != Match.NONE:
                    allowed |= methods
            if allowed:
                exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(allowed))}
            elif catch_all.matches(request.scope)[0] != Match.NONE:
                exc = HTTPException(404, f"no API endpoint {request.url.path}; /openapi.json lists them")
        return await http_exception_handler(request, exc)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    app.include_router(router)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly() -> FileResponse:
        return FileResponse(plotly_js, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/api/{rest:path}", include_in_schema=False)
    def unknown_api(rest: str) -> None:
        raise HTTPException(404, f"no API endpoint /api/{rest}; /openapi.json lists them")

    catch_all = next(r for r in app.router.routes if getattr(r, "endpoint", None) is unknown_api)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
