"""The JSON API's request and response shapes, so that FastAPI documents and checks them.

Bounds that are facts of the library (runs, model parameters) live in the schema; bounds
that depend on the data or the scenario (years, actor codes, shock ids) are checked by the
routes, which answer 422 in the same shape as the schema's own errors.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..sim.model import TARGET_DRIVERS
from ..sim.scenario import PARAMETERS

__all__ = [
    "ActorsOut",
    "BalanceOut",
    "DRIVERS",
    "EventsOut",
    "InfoOut",
    "JobOut",
    "JobsOut",
    "MAX_RUNS",
    "MAX_SEED",
    "Message",
    "ParameterValues",
    "ScenarioOut",
    "SimulationRequest",
    "SimulationResult",
    "StancesOut",
    "TriangleOut",
    "TriangleYearOut",
]

#: The most runs one simulation request may ask for (2000 runs take a few seconds).
MAX_RUNS = 2000
#: Seeds stay below 2**32 so that the page's JavaScript numbers hold them exactly.
MAX_SEED = 2**32 - 1
#: The parts of a stance's target, as ``sim.explain.driver_pulls`` gives them: the drivers summed
#: inside the tanh, then the reciprocity share mixed in outside it.
DRIVERS = (*TARGET_DRIVERS, "reciprocity")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Message(_Out):
    """An error that is not about one field: an unknown job, too many jobs."""

    detail: str


class InfoOut(_Out):
    title: str
    version: str
    data: str = Field(description="Where the events come from: the shipped dataset or the user's file.")
    events: int
    first_year: int = Field(description="First year of the event data.")
    last_year: int = Field(description="Last year of the event data.")
    triangle_start: int = Field(description="First year with all three core dyads observed.")
    triangle_end: int
    scenario: str


class Actor(_Out):
    code: str
    name: str
    events: int = Field(description="Events in which the actor is source or target.")
    core: bool = Field(description="One of the strategic triangle's three actors.")


class ActorsOut(_Out):
    core: list[str]
    actors: list[Actor]


class Reference(_Out):
    key: str = Field(description="BibTeX key (`realpolitik cite` prints the entries).")
    locator: str | None = Field(description="Chapter or page within the work, when the data gives one.")
    short: str | None = Field(description="Author (year); null when the shipped bibliography lacks the key.")
    text: str | None = Field(description="Author (year). Title.")


class Event(_Out):
    event_id: str
    date_start: str
    date_end: str
    precision: str
    src: str
    tgt: str
    cameo: str
    cameo_name: str
    quad: int
    quad_name: str
    goldstein: float
    description: str
    citation: str
    references: list[Reference]


class EventsOut(_Out):
    total: int = Field(description="Events matching the filters (all pages).")
    offset: int
    limit: int
    events: list[Event]


class KeyEvent(Event):
    label: str


class DyadSeries(_Out):
    a: str
    b: str
    label: str
    colour: str
    stance: list[float | None] = Field(description="Undirected stance per year: the mean of both directions.")
    ab: list[float | None] = Field(description="Stance of a toward b.")
    ba: list[float | None] = Field(description="Stance of b toward a.")


class StancesOut(_Out):
    start: int
    end: int
    years: list[int]
    dyads: list[DyadSeries]
    key_events: list[KeyEvent]
    estimator: str


class Pattern(_Out):
    key: str
    label: str
    colour: str


class TriangleYear(_Out):
    year: int
    pattern: str
    label: str
    pivot: str | None
    outcast: str | None
    roles: dict[str, str]
    scores: dict[str, int]


class Period(_Out):
    start: int
    end: int
    years: int
    pattern: str
    label: str
    pivot: str | None
    outcast: str | None


class TriangleOut(_Out):
    actors: list[str]
    start: int
    end: int
    dead_band: float
    hysteresis: float
    patterns: list[Pattern]
    years: list[TriangleYear]
    periods: list[Period]


class TriangleNode(_Out):
    code: str
    name: str
    capability: float | None
    role: str
    score: int


class TriangleEdge(_Out):
    a: str
    b: str
    stance: float | None
    sign: int


class TriangleYearOut(_Out):
    year: int
    pattern: str
    label: str
    pivot: str | None
    outcast: str | None
    caption: str
    nodes: list[TriangleNode]
    edges: list[TriangleEdge]
    capability_source: str


class BalanceNode(_Out):
    code: str
    name: str
    side: int = Field(description="0 or 1: the actor's camp in the optimal partition.")


class BalanceEdge(_Out):
    a: str
    b: str
    sign: int
    frustrated: bool = Field(description="A friendship across the camps or an enmity within one.")


class Census(_Out):
    ppp: int = Field(description="Triangles +++.")
    ppn: int = Field(description="Triangles ++−.")
    pnn: int = Field(description="Triangles +−−.")
    nnn: int = Field(description="Triangles −−−.")
    triangles: int
    balanced: int
    unbalanced: int
    triangle_index: float | None = Field(description="Share of balanced triangles; null with no triangle.")
    balance: str


class BalanceOut(_Out):
    year: int
    threshold: float
    nodes: list[BalanceNode]
    edges: list[BalanceEdge]
    camps: list[list[str]]
    frustration: int
    lower_bound: int
    normalized: float
    optimal: bool
    census: Census


class Shock(_Out):
    id: str
    kind: str
    actor: str
    target: str | None
    start: str
    end: str | None
    level: float | None
    economy: float | None = Field(description="An ideology shock's economy (0 command, 1 market), if it sets one.")
    militancy: float | None = Field(description="An ideology shock's militancy toward the other camp, if it sets "
                                    "one (it moves the line too unless the shock sets the line).")
    line: float | None = Field(description="An ideology shock's line professed within the camp, if it sets one.")
    description: str
    citation: str
    references: list[Reference]


class Parameter(_Out):
    name: str
    value: float
    min: float
    max: float


class ScenarioActor(_Out):
    code: str
    name: str


class ScenarioOut(_Out):
    name: str
    description: str
    start: int
    end: int
    max_runs: int
    refits: int = Field(description="Bootstrap refits of the weights a simulation can run over (0: none).")
    actors: list[ScenarioActor]
    shocks: list[Shock]
    parameters: list[Parameter]


#: One optional, bounded field per model parameter: ``{"speed": 0.5}``. Python's JSON reader
#: takes ``NaN`` and ``Infinity``; they are refused as not finite, not as out of bounds.
ParameterValues = create_model(
    "ParameterValues",
    __config__=ConfigDict(extra="forbid", strict=True, allow_inf_nan=False),
    __doc__="Model parameters to set; the others keep the scenario's values.",
    **{name: (float | None, Field(default=None, ge=lo, le=hi, allow_inf_nan=False))
       for name, (lo, hi) in PARAMETERS.items()},
)


class SimulationRequest(BaseModel):
    """A run of the scenario: the reference one, or a counterfactual with shocks dropped or parameters set."""

    # strict: JSON types as the schema says them; lax parsing would take ``"noise": false`` for 0.0
    # and ``"runs": "40"`` for 40.
    model_config = ConfigDict(extra="forbid", strict=True)

    runs: int = Field(200, ge=1, le=MAX_RUNS, description="Runs in the ensemble.")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Seed of the ensemble; the CLI's --seed gives the same.")
    start: int | None = Field(None, description="First year shown (default: the scenario's first).")
    end: int | None = Field(None, description="Last year shown (default: the scenario's last).")
    drop_shocks: list[str] = Field(default_factory=list, max_length=500, description="Ids of shocks to remove.")
    set: ParameterValues = Field(default_factory=ParameterValues, description="Parameters to set.")  # type: ignore[valid-type]
    weights: Literal["scenario", "refits"] = Field(
        "scenario", description="'refits': run k takes the weights of the scenario's bootstrap refit k mod their "
                                "number (GET /api/scenario says how many; runs must be a multiple), with `set` on "
                                "top, so the band carries how loosely the training years fix the weights.")


class Band(_Out):
    a: str
    b: str
    label: str
    colour: str
    mean: list[float]
    p05: list[float]
    p50: list[float]
    p95: list[float]
    history: list[float | None] = Field(description="The history's undirected stance in the same years.")


#: One list per driver: its weighted pull on the stance, year by year.
DriverValues = create_model(
    "DriverValues",
    __config__=ConfigDict(extra="forbid"),
    __doc__="Each driver's weighted pull (weight × term, mean over runs), one value per year of the result.",
    **{name: (list[float], ...) for name in DRIVERS},
)


class DriverPulls(_Out):
    """What moves one directed stance: ``sim.explain.driver_pulls`` over the result's years."""

    src: str
    tgt: str
    label: str
    series: DriverValues  # type: ignore[valid-type]
    stance: list[float] = Field(description="Stance of src toward tgt per year, mean over runs.")
    behind: dict[str, list[str]] = Field(
        description="For each driver that runs through third states (threat's balancing term, balance, "
        "entrapment, pivot, sponsorship), per year: the third states behind its pull, largest first, at most "
        "three of at least 0.05 in size, e.g. 'USA +1.57, JPN +0.48' (sim.explain.third_party_pulls).")


class ModelYear(TriangleYear):
    share: float = Field(description="Share of runs whose own triangle has this pattern.")
    history_share: float = Field(description="Share of runs whose own triangle has the history's pattern.")


class SimulationResult(_Out):
    scenario: str
    runs: int
    seed: int
    start: int
    end: int
    years: list[int]
    dropped_shocks: list[str]
    parameters: dict[str, float] = Field(description="The scenario's parameters with `set` applied; with the "
                                         "refits' weights each run takes its refit's instead, `set` on top.")
    weights: Literal["scenario", "refits"]
    refits: int = Field(description="Refits the runs took turns over (0: the scenario's weights).")
    dyads: list[Band]
    history_triangle: list[TriangleYear]
    model_triangle: list[ModelYear]
    history_periods: list[Period]
    model_periods: list[Period]
    agreement: float = Field(description="Share of years whose model pattern (with pivot/outcast) is history's.")
    drivers: list[DriverPulls] = Field(description="Each driver's weighted pull on the four directed core stances "
                                       "between the PRC and the two superpowers.")
    driver_colours: dict[str, str] = Field(description="A colour per driver, in the order the figures list them.")
    seconds: float


class JobOut(_Out):
    id: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: float = Field(ge=0.0, le=1.0)
    done: int = Field(description="Runs finished so far.")
    total: int
    created: float = Field(description="Unix time the job was submitted.")
    finished: float | None
    error: str | None
    request: SimulationRequest
    result: SimulationResult | None


class JobsOut(_Out):
    jobs: list[JobOut]
