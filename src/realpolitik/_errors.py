"""The exception tree: one base class, so callers can catch everything realpolitik raises."""

from __future__ import annotations

__all__ = [
    "DataError",
    "RealpolitikError",
    "UnknownActorError",
    "UnknownCameoCodeError",
]


class RealpolitikError(Exception):
    """Base class of every error realpolitik raises on purpose."""


class DataError(RealpolitikError, ValueError):
    """Bad input data, located by file, line and field so that it can be fixed."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
        unit: str = "line",
    ) -> None:
        self.reason = message
        self.file = file
        self.line = line
        self.field = field
        self.value = value
        self.unit = unit
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.line is not None:
            where.append(f"{self.unit} {self.line}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{prefix}: {self.reason}{value}" if prefix else f"{self.reason}{value}"


class UnknownActorError(RealpolitikError, LookupError):
    """A name that the actor registry cannot resolve; the message lists the closest names."""


class UnknownCameoCodeError(RealpolitikError, LookupError):
    """A code that is not in the CAMEO table."""
