"""Scenarios: actors, geography, dated shocks and model parameters, read from TOML and validated.

A scenario holds everything exogenous to the model. Every error names the file, the key
and the value, e.g. ``cold_war.toml, key 'shocks[12].start': month must be 01-12``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .._dates import parse_partial_date
from .._errors import DataError

__all__ = [
    "DRIVERS",
    "PARAMETERS",
    "SHOCK_FIELDS",
    "SHOCK_KINDS",
    "Scenario",
    "ScenarioActor",
    "Shock",
    "load_scenario",
    "read_parameter_sets",
    "refits_of",
    "reference_scenario_path",
]

#: The drivers of the target stance, each with a weight in ``[parameters]``.
DRIVERS = ("ideology", "coexistence", "threat", "pivot", "balance", "patronage", "sponsorship", "reciprocity")
#: Every model parameter and its allowed range.
PARAMETERS: dict[str, tuple[float, float]] = {
    "ideology": (-10.0, 10.0),
    "coexistence": (-10.0, 10.0),
    "threat": (-10.0, 10.0),
    "balance": (-10.0, 10.0),
    "patronage": (-10.0, 10.0),
    "pivot": (-10.0, 10.0),
    "sponsorship": (-10.0, 10.0),
    "patronage_cost": (0.0, 5.0),
    "reciprocity": (0.0, 1.0),  # a share of the target, not a weight inside it
    "speed": (0.0, 1.0),
    "noise": (0.0, 1.0),
}
#: Shock kinds and the keys each needs beyond ``id``, ``kind``, ``actor`` and ``start``.
SHOCK_KINDS: dict[str, tuple[str, ...]] = {
    "ideology": (),
    "nuclear": (),
    "deployment": ("target", "level"),
    "aid": ("target", "level"),
    "war": ("target",),
}
IDEOLOGY_DIMENSIONS = ("economy", "militancy", "line")
#: A shock's fields in the order the CLI's table and the web API list them.
SHOCK_FIELDS = ("id", "kind", "actor", "target", "start", "end", "level", *IDEOLOGY_DIMENSIONS, "description",
                "citation")
#: The keys every shock reads, and those a shock of each kind reads beyond them.
_COMMON_SHOCK_KEYS = {"id", "kind", "actor", "start", "description", "citation"}
_KIND_KEYS: dict[str, set[str]] = {
    "ideology": {"end", *IDEOLOGY_DIMENSIONS},
    "nuclear": {"level"},
    "deployment": {"target", "level", "end"},
    "aid": {"target", "level", "end"},
    "war": {"target", "end"},
}
_SHOCK_KEYS = _COMMON_SHOCK_KEYS.union(*_KIND_KEYS.values())
_STEPS = {"quarter": 4, "month": 12, "year": 1}
_TOP_KEYS = {"scenario", "parameters", "actors", "proximity", "shocks"}
_SCENARIO_KEYS = {"name", "description", "start", "end", "step", "protected", "capability_citation",
                  "proximity_citation"}
_ACTOR_KEYS = {"name", "capability", "economy", "militancy", "line", "nuclear"}
_PROXIMITY_KEYS = {"default", "pairs"}


@dataclass(frozen=True)
class ScenarioActor:
    """One state: capability shares by year, initial ideology, year of its first nuclear test."""

    code: str
    name: str
    capability: dict[int, float]
    economy: float
    militancy: float
    nuclear: int | None = None
    line: float | None = None  # the doctrine professed within the camp; None: the same as the militancy


@dataclass(frozen=True)
class Shock:
    """A dated exogenous change: see ``SHOCK_KINDS``."""

    id: str
    kind: str
    actor: str
    start: date
    end: date | None = None
    target: str | None = None
    level: float | None = None
    economy: float | None = None
    militancy: float | None = None
    description: str = ""
    citation: str = ""
    line: float | None = None  # None: a militancy shock moves the line with it


@dataclass(frozen=True)
class Scenario:
    """Everything exogenous to a simulation, validated."""

    name: str
    start: int
    end: int
    step: str
    actors: tuple[ScenarioActor, ...]
    proximity: dict[frozenset[str], float]
    proximity_default: float
    shocks: tuple[Shock, ...]
    parameters: dict[str, float]
    protected: tuple[frozenset[str], ...] = ()
    description: str = ""
    source: str = ""
    initial: dict[tuple[str, str], float] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.actors]

    @property
    def steps_per_year(self) -> int:
        return _STEPS[self.step]

    def shock(self, shock_id: str) -> Shock:
        for s in self.shocks:
            if s.id == shock_id:
                return s
        raise DataError(f"no shock '{shock_id}'; known: {', '.join(s.id for s in self.shocks)}",
                        file=self.source, field="shocks")

    def without_shocks(self, *shock_ids: str) -> Scenario:
        """The same scenario with some shocks removed: a counterfactual."""
        for sid in shock_ids:
            self.shock(sid)
        return replace(self, shocks=tuple(s for s in self.shocks if s.id not in shock_ids))

    def shock_table(self) -> pd.DataFrame:
        """Every shock, one row each in date order, with its source: the inputs to check against the record.

        ``start`` and ``end`` are the first and last day the shock covers (a date given as a
        year covers the year, one given as a month the month); an empty ``end`` never ends.
        """
        rows = [{c: getattr(s, c) for c in SHOCK_FIELDS} for s in self.shocks]
        frame = pd.DataFrame(rows, columns=list(SHOCK_FIELDS))
        for c in ("start", "end"):
            frame[c] = frame[c].map(lambda d: "" if d is None else d.isoformat())
        return frame

    def with_parameters(self, **values: float) -> Scenario:
        """The same scenario with some parameters set (validated)."""
        params = dict(self.parameters)
        for key, value in values.items():
            params[key] = _parameter(key, value, self.source)
        return replace(self, parameters=params)

    def with_initial(self, initial: Mapping[tuple[str, str], float]) -> Scenario:
        """The same scenario starting from the given directed stances (others start at 0)."""
        return replace(self, initial=dict(initial))


def reference_scenario_path(name: str = "cold_war") -> Path:
    """Where a shipped scenario lies inside the installed package."""
    return Path(str(resources.files("realpolitik").joinpath(f"data/scenarios/{name}.toml")))


def refits_of(scenario: Scenario) -> list[dict[str, float]]:
    """The bootstrap refits of a scenario's weights (``calibrate.bootstrap``), read from ``<stem>.refits.csv``
    beside its file; none when there is no such file."""
    if not scenario.source:  # built in code, not read from a file
        return []
    path = Path(scenario.source)
    beside = path.with_name(f"{path.stem}.refits.csv")
    return read_parameter_sets(beside) if beside.is_file() else []


#: Columns of a parameter-set file that describe a set rather than hold a parameter (``calibrate.bootstrap``'s).
SET_METADATA = ("replicate", "loss", "dyads", "at_least")


def read_parameter_sets(path: str | Path) -> list[dict[str, float]]:
    """Read parameter sets from a CSV file, one per row (the table ``calibrate.bootstrap`` returns).

    Every column must name a model parameter or be one of ``SET_METADATA``, which are not
    read; each value must be a number within the parameter's range. Errors name the file,
    line and column.
    """
    from ..io._csv import csv_records

    source = str(path)
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as spreadsheets write, is not part of the header
    except UnicodeDecodeError as exc:
        raise DataError("not UTF-8 text", file=source, line=raw[: exc.start].count(b"\n") + 1) from None
    records = [r for r in csv_records(text) if r.fields != []]
    if not records:
        raise DataError("no header: expected a CSV of parameter sets", file=source, line=1)
    if records[0].fields is None:
        raise DataError(f"header: {records[0].error}", file=source, line=records[0].first)
    header = [name.strip() for name in records[0].fields]
    for k, name in enumerate(header):
        if name in header[:k]:
            raise DataError("column given twice", file=source, line=records[0].first, field=name)
        if name not in PARAMETERS and name not in SET_METADATA:
            raise DataError(f"unknown column; a column names a parameter ({', '.join(PARAMETERS)}) or is one of "
                            f"{', '.join(SET_METADATA)}", file=source, line=records[0].first, field=name)
    if not any(name in PARAMETERS for name in header):
        raise DataError("no parameter column", file=source, line=records[0].first)
    sets = []
    for record in records[1:]:
        if record.fields is None or len(record.fields) != len(header):
            reason = record.error or f"{len(record.fields)} fields where the header has {len(header)}"
            raise DataError(reason, file=source, line=record.first)
        values = {}
        for name, cell in zip(header, record.fields):
            if name not in PARAMETERS:
                continue
            try:
                number = float(cell)
            except ValueError:
                raise DataError("must be a number", file=source, line=record.first, field=name, value=cell) from None
            if (reason := _outside(number, *PARAMETERS[name])) is not None:
                raise DataError(reason, file=source, line=record.first, field=name, value=cell)
            values[name] = number
        sets.append(values)
    if not sets:
        raise DataError("no parameter set: the file has a header and no rows", file=source, line=records[0].first)
    return sets


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Read and validate a scenario TOML file (the shipped ``cold_war`` one by default)."""
    path = Path(path) if path is not None else reference_scenario_path()
    source = str(path)
    if not path.is_file():
        raise DataError("no such scenario file", file=source)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text: {exc.reason}", file=source) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"not valid TOML: {exc}", file=source) from None
    return _parse(doc, source)


def _err(source: str, key: str, reason: str, value: Any = None) -> DataError:
    return DataError(reason, file=source, field=key, value=value)


def _table(doc: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    value = doc.get(key)
    if not isinstance(value, Mapping):
        raise _err(source, key, "missing table" if value is None else "must be a table", value)
    return value


def _list(value: Any, key: str, source: str) -> list:
    if not isinstance(value, list):
        raise _err(source, key, "must be a list", value)
    return value


def _number(value: Any, key: str, source: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _err(source, key, "must be a number", value)
    if (reason := _outside(value, lo, hi)) is not None:
        raise _err(source, key, reason, value)
    return float(value)


def _outside(value: float, lo: float, hi: float) -> str | None:
    """Why a number is out of its range (NaN is), or None."""
    return None if lo <= value <= hi else f"must lie in [{lo:g}, {hi:g}]"


def _parameter(key: str, value: Any, source: str) -> float:
    if key not in PARAMETERS:
        raise _err(source, f"parameters.{key}", f"unknown parameter; known: {', '.join(PARAMETERS)}", value)
    lo, hi = PARAMETERS[key]
    return _number(value, f"parameters.{key}", source, lo, hi)


def _year(value: Any, key: str, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1800 <= value <= 2200:
        raise _err(source, key, "must be a four-digit year", value)
    return value


def _date(value: Any, key: str, source: str, *, end: bool = False) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _err(source, key, "must be a date YYYY, YYYY-MM or YYYY-MM-DD", value)
    try:
        partial = parse_partial_date(value)
    except ValueError as exc:
        raise _err(source, key, str(exc), value) from None
    return partial.last if end else partial.first


def _unknown_keys(table: Mapping[str, Any], known: set[str], prefix: str, source: str) -> None:
    """A key the loader does not read is an error, so that a misspelt one is not silently ignored."""
    unknown = sorted(set(table) - known)
    if unknown:
        value = table[unknown[0]]  # a whole misnamed table would make the message unreadable: name it only
        raise _err(source, f"{prefix}{unknown[0]}", f"unknown key; known: {', '.join(sorted(known))}",
                   None if isinstance(value, (Mapping, list)) else value)


def _parse(doc: Mapping[str, Any], source: str) -> Scenario:
    _unknown_keys(doc, _TOP_KEYS, "", source)
    meta = _table(doc, "scenario", source)
    _unknown_keys(meta, _SCENARIO_KEYS, "scenario.", source)
    start = _year(meta.get("start"), "scenario.start", source)
    end = _year(meta.get("end"), "scenario.end", source)
    if end < start:
        raise _err(source, "scenario.end", f"ends before it starts ({start})", end)
    step = meta.get("step", "quarter")
    if not isinstance(step, str) or step not in _STEPS:
        raise _err(source, "scenario.step", f"must be one of {', '.join(_STEPS)}", step)

    actors = []
    for code, spec in _table(doc, "actors", source).items():
        key = f"actors.{code}"
        if not isinstance(spec, Mapping):
            raise _err(source, key, "must be a table", spec)
        _unknown_keys(spec, _ACTOR_KEYS, f"{key}.", source)
        capability = spec.get("capability")
        if not isinstance(capability, Mapping) or not capability:
            raise _err(source, f"{key}.capability", "needs a table of year = share", capability)
        shares = {}
        for year, share in capability.items():
            if not str(year).isdigit():
                raise _err(source, f"{key}.capability", "keys must be years", year)
            shares[_year(int(year), f"{key}.capability", source)] = _number(
                share, f"{key}.capability.{year}", source, 0.0, 1.0
            )
        nuclear = spec.get("nuclear")
        actors.append(
            ScenarioActor(
                code=code,
                name=str(spec.get("name", code)),
                capability=dict(sorted(shares.items())),
                economy=_number(spec.get("economy"), f"{key}.economy", source, 0.0, 1.0),
                militancy=_number(spec.get("militancy"), f"{key}.militancy", source, 0.0, 1.0),
                nuclear=None if nuclear is None else _year(nuclear, f"{key}.nuclear", source),
                line=None if spec.get("line") is None else _number(spec["line"], f"{key}.line", source, 0.0, 1.0),
            )
        )
    codes = {a.code for a in actors}
    if len(actors) < 3:
        raise _err(source, "actors", "a scenario needs at least three actors", len(actors))

    def actor(value: Any, key: str) -> str:
        if not isinstance(value, str) or value not in codes:
            raise _err(source, key, f"unknown actor; the scenario's actors are {', '.join(sorted(codes))}", value)
        return value

    prox = doc.get("proximity", {})
    if not isinstance(prox, Mapping):
        raise _err(source, "proximity", "must be a table", prox)
    _unknown_keys(prox, _PROXIMITY_KEYS, "proximity.", source)
    default = _number(prox.get("default", 0.2), "proximity.default", source, 0.0, 1.0)
    proximity: dict[frozenset[str], float] = {}
    for i, pair in enumerate(_list(prox.get("pairs", []), "proximity.pairs", source)):
        key = f"proximity.pairs[{i}]"
        if not isinstance(pair, list) or len(pair) != 3:
            raise _err(source, key, "must be [actor, actor, value]", pair)
        a, b = actor(pair[0], key), actor(pair[1], key)
        if a == b:
            raise _err(source, key, "needs two different actors", pair)
        proximity[frozenset((a, b))] = _number(pair[2], key, source, 0.0, 1.0)

    protected = []
    for i, pair in enumerate(_list(meta.get("protected", []), "scenario.protected", source)):
        key = f"scenario.protected[{i}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise _err(source, key, "must be [actor, actor]", pair)
        protected.append(frozenset((actor(pair[0], key), actor(pair[1], key))))

    params = {}
    for name, value in _table(doc, "parameters", source).items():
        params[name] = _parameter(name, value, source)
    missing = [p for p in PARAMETERS if p not in params]
    if missing:
        raise _err(source, f"parameters.{missing[0]}",
                   f"missing parameter (the model needs all of {', '.join(PARAMETERS)}; a driver's weight of 0 "
                   "turns it off)")

    shocks = []
    seen: set[str] = set()
    for i, spec in enumerate(_list(doc.get("shocks", []), "shocks", source)):
        key = f"shocks[{i}]"
        if not isinstance(spec, Mapping):
            raise _err(source, key, "must be a table", spec)
        _unknown_keys(spec, _SHOCK_KEYS, f"{key}.", source)

        sid = spec.get("id")
        if not isinstance(sid, str) or not sid:
            raise _err(source, f"{key}.id", "every shock needs an id", sid)
        if sid in seen:
            raise _err(source, f"{key}.id", "duplicate shock id", sid)
        seen.add(sid)
        kind = spec.get("kind")
        if not isinstance(kind, str) or kind not in SHOCK_KINDS:
            raise _err(source, f"{key}.kind", f"must be one of {', '.join(SHOCK_KINDS)}", kind)
        for needed in SHOCK_KINDS[kind]:
            if needed not in spec:
                raise _err(source, f"{key}.{needed}", f"a {kind} shock needs '{needed}'")
        unread = sorted(set(spec) - _COMMON_SHOCK_KEYS - _KIND_KEYS[kind])
        if unread:  # it would be read by nothing
            raise _err(source, f"{key}.{unread[0]}",
                       f"a {kind} shock takes no '{unread[0]}' (it reads {', '.join(sorted(_KIND_KEYS[kind]))})",
                       spec[unread[0]])
        first = _date(spec.get("start"), f"{key}.start", source)
        last = None if spec.get("end") is None else _date(spec["end"], f"{key}.end", source, end=True)
        if last is not None and last < first:
            raise _err(source, f"{key}.end", "ends before it starts", spec["end"])
        if not start <= first.year <= end:
            raise _err(source, f"{key}.start", f"outside the scenario's years {start}-{end}", spec["start"])
        src = actor(spec.get("actor"), f"{key}.actor")
        tgt = None if spec.get("target") is None else actor(spec["target"], f"{key}.target")
        if tgt == src:
            raise _err(source, f"{key}.target", "must differ from the actor", tgt)
        if kind == "war" and frozenset((src, tgt)) in protected:
            raise _err(source, f"{key}.target", "a shock may not set the stance of a protected dyad", tgt)
        values = {d: _number(spec[d], f"{key}.{d}", source, 0.0, 1.0) for d in IDEOLOGY_DIMENSIONS if d in spec}
        if kind == "ideology" and not values:
            raise _err(source, key, "an ideology shock needs economy, militancy and/or line")
        level = None if "level" not in spec else _number(spec["level"], f"{key}.level", source, 0.0, 1.0)
        shocks.append(
            Shock(sid, kind, src, first, last, tgt, level, values.get("economy"), values.get("militancy"),
                  str(spec.get("description", "")), str(spec.get("citation", "")), values.get("line"))
        )

    return Scenario(
        name=str(meta.get("name", Path(source).stem)),
        start=start,
        end=end,
        step=step,
        actors=tuple(actors),
        proximity=proximity,
        proximity_default=default,
        shocks=tuple(sorted(shocks, key=lambda s: s.start)),
        parameters=params,
        protected=tuple(protected),
        description=str(meta.get("description", "")),
        source=source,
    )
