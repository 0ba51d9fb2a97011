"""One shape for every bad request: FastAPI's 422 list, each message starting with the field's name.

Schema checks (a run count above the bound) and the routes' own checks (an unknown shock
id) answer alike: ``{"detail": [{"loc": ["body", "runs"], "msg": "runs: ...", "type": ...}]}``.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..sim.scenario import PARAMETERS

__all__ = ["field_name", "invalid", "validation_error_handler"]

_SOURCES = ("body", "query", "path", "header", "cookie")


def field_name(loc: Sequence[str | int]) -> str:
    """``("body", "set", "speed")`` → ``set.speed``; ``("body", "drop_shocks", 2)`` → ``drop_shocks[2]``."""
    parts = list(loc[1:]) if loc and loc[0] in _SOURCES else list(loc)
    if not parts:
        return str(loc[0]) if loc else "request"
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def invalid(loc: Sequence[str | int], message: str) -> RequestValidationError:
    """A 422 about one field, raised by a route: ``raise invalid(("query", "actors"), "unknown actor 'XYZ'")``."""
    return RequestValidationError([{"loc": tuple(loc), "msg": message, "type": "value_error"}])


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer 422 with each error's field named at the start of its message."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = []
    for error in errors:
        loc = [p if isinstance(p, int) else str(p) for p in error.get("loc", ())]
        msg = str(error.get("msg", "invalid value"))
        if error.get("type") == "extra_forbidden":
            msg = (f"unknown model parameter; known: {', '.join(PARAMETERS)}" if loc[:2] == ["body", "set"]
                   else "unknown field; /openapi.json gives the request's fields")
        if error.get("type") == "json_invalid":  # loc ["body", N]: N is a character position, not an index
            where = f" at character {loc[1]}" if len(loc) > 1 and isinstance(loc[1], int) else ""
            reason = (error.get("ctx") or {}).get("error")
            detail.append({"loc": loc, "msg": f"body: invalid JSON{where}" + (f" ({reason})" if reason else ""),
                           "type": "json_invalid"})
            continue
        name = field_name(loc)
        detail.append({"loc": loc, "msg": msg if msg.startswith(f"{name}:") else f"{name}: {msg}",
                       "type": str(error.get("type", "value_error"))})
    return JSONResponse(status_code=422, content={"detail": detail})
