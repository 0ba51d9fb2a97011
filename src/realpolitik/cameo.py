"""CAMEO event codes: names, quad classes and Goldstein weights.

The table (``data/cameo.csv``) covers every root (2-digit), 3-digit and 4-digit
code of the CAMEO codebook, version 1.1b3 (Schrodt 2012), with the quad class
and the Goldstein weight that GDELT and ICEWS assign to each code.  Codes are
always strings with their leading zero kept (``"057"``, ``"0211"``), because
``"057"`` and ``"57"`` and ``57`` must not be three different things.

The table is read on first use, not at import time, and cached.
"""

from __future__ import annotations

import functools
import io
import operator
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import pandas as pd

from ._errors import UnknownCameoCodeError

__all__ = [
    "QUAD_NAMES",
    "CameoCode",
    "cameo_table",
    "goldstein",
    "is_valid",
    "lookup",
    "normalize_code",
    "quad_class",
    "root",
]

#: The four quad classes, by number, as GDELT's ``QuadClass`` field uses them.
QUAD_NAMES: dict[int, str] = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}

_COLUMNS = ["code", "name", "quad", "goldstein"]
_MAX_SUGGESTIONS = 5
# GDELT's QuadClass puts these roots in another quad than the CAMEO root ranges do.
_GDELT_QUAD_BY_ROOT: dict[str, int] = {"09": 2, "14": 3}


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One row of the CAMEO table, so callers get named fields instead of a dict."""

    code: str
    name: str
    quad: int
    goldstein: float
    root: str

    @property
    def quad_name(self) -> str:
        """The quad class in words, for labels and reports."""
        return QUAD_NAMES[self.quad]


def _is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts '²' and other digits int() refuses."""
    return text.isascii() and text.isdigit()


@functools.lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    """Read the packaged CSV once; codes stay strings so leading zeros survive."""
    text = resources.files("realpolitik").joinpath("data", "cameo.csv").read_text(encoding="utf-8")
    frame = pd.read_csv(
        io.StringIO(text),
        dtype={"code": str, "name": str, "quad": "int64", "goldstein": "float64"},
        keep_default_na=False,
    )
    return frame[_COLUMNS]


@functools.lru_cache(maxsize=1)
def _records() -> dict[str, CameoCode]:
    """Index the table by code, for O(1) lookups."""
    return {
        row.code: CameoCode(
            code=row.code,
            name=row.name,
            quad=int(row.quad),
            goldstein=float(row.goldstein),
            root=row.code[:2],
        )
        for row in _load().itertuples(index=False)
    }


def cameo_table() -> pd.DataFrame:
    """Return the whole CAMEO table (columns code, name, quad, goldstein).

    A copy, so that callers may modify it without corrupting the cached table
    that every lookup relies on.
    """
    return _load().copy()


def _as_text(code: str | int) -> str:
    """Turn a str or int code into stripped text; anything else is a caller bug."""
    if isinstance(code, str):
        return code.strip()
    if isinstance(code, bool):
        raise TypeError(f"a CAMEO code must be a str or int, not {type(code).__name__}")
    try:
        number = operator.index(code)  # int, numpy integer
    except TypeError:
        raise TypeError(
            f"a CAMEO code must be a str or int, not {type(code).__name__}"
        ) from None
    return str(number)


def _suggest(text: str) -> list[str]:
    """The valid codes closest to an unknown one: same root, longest shared prefix."""
    records = _records()
    variants = [text]
    if _is_digits(text) and not text.startswith("0") and len(text) < 4:
        variants.append("0" + text)
    best: list[tuple[int, int, int, str]] = []
    for variant in variants:
        if not _is_digits(variant) or variant[:2] not in records:
            continue
        # The first reading with a valid root wins: "197" -> root 19; "99" -> "099", root 09.
        for code in records:
            if code[:2] != variant[:2]:
                continue
            shared = 0
            for a, b in zip(code, variant):
                if a != b:
                    break
                shared += 1
            width = max(len(code), len(variant))
            distance = abs(int(code.ljust(width, "0")) - int(variant.ljust(width, "0")))
            best.append((-shared, abs(len(code) - len(variant)), distance, code))
        break
    if not best:
        # No usable root: offer the roots themselves, nearest number first.
        roots = [c for c in records if len(c) == 2]
        if _is_digits(text):
            roots.sort(key=lambda c: abs(int(c) - int(text[:2] or 0)))
        return roots[:_MAX_SUGGESTIONS]
    return [code for *_, code in sorted(best)][:_MAX_SUGGESTIONS]


def _unknown(code: object, text: str) -> UnknownCameoCodeError:
    """Build the error, naming the code as given so the caller can find it in their data."""
    suggestions = _suggest(text)
    return UnknownCameoCodeError(
        f"unknown CAMEO code {code!r}; closest valid codes: {', '.join(suggestions)}"
    )


def normalize_code(code: str | int) -> str:
    """Return the canonical string form of a CAMEO code, leading zero restored.

    Files often lose leading zeros (GDELT exports read as numbers give ``57``
    for ``057``), so the rule is, in order:

    1. strings are stripped; ints are written in decimal (``57`` -> ``"57"``);
    2. if that text is a code of the table, it is the answer (``"057"``,
       ``"10"``, ``"0211"``);
    3. otherwise, if it is all digits without a leading zero, one ``0`` is
       prepended and, if that is a code, it is the answer (``57`` -> ``"057"``,
       ``"211"`` -> ``"0211"``, ``1`` -> ``"01"``).

    The only ambiguous inputs are ``10`` to ``20``: rule 2 reads them as the
    roots ``"10"``..``"20"``, never as ``"010"``..``"020"``; pass the string
    with its zero to mean the 3-digit code.  3-digit inputs are never ambiguous
    (3-digit codes run 010-204, zero-dropped 4-digit codes 211-874).

    Raises ``UnknownCameoCodeError`` (listing the closest valid codes) when no
    rule gives a code, and ``TypeError`` for anything but a str or int.
    """
    text = _as_text(code)
    records = _records()
    if text in records:
        return text
    if _is_digits(text) and not text.startswith("0") and "0" + text in records:
        return "0" + text
    raise _unknown(code, text)


def is_valid(code: object) -> bool:
    """Whether ``normalize_code`` accepts ``code``; for filtering without try/except."""
    try:
        normalize_code(code)  # type: ignore[arg-type]
    except (UnknownCameoCodeError, TypeError):
        return False
    return True


def lookup(code: str | int) -> CameoCode:
    """Return the table row for ``code`` (normalized as ``normalize_code`` does)."""
    return _records()[normalize_code(code)]


def quad_class(code: str | int, *, scheme: Literal["cameo", "gdelt"] = "cameo") -> int:
    """The quad class (1-4) of ``code``; see ``QUAD_NAMES``.

    ``scheme="cameo"`` (the default, and the table's ``quad`` column) follows
    the root ranges 01-05, 06-08, 09-13, 14-20.  GDELT's ``QuadClass`` field
    departs from them for two roots: 09 (investigate) is material cooperation
    (2) and 14 (protest) verbal conflict (3).  ``scheme="gdelt"`` reproduces
    GDELT's field, so that GDELT exports can be checked or compared as-is.
    """
    row = lookup(code)
    if scheme == "cameo":
        return row.quad
    if scheme == "gdelt":
        return _GDELT_QUAD_BY_ROOT.get(row.root, row.quad)
    raise ValueError(f"unknown quad scheme {scheme!r}; use 'cameo' or 'gdelt'")


def goldstein(code: str | int) -> float:
    """The Goldstein weight of ``code``, in [-10, 10]: how cooperative the act is."""
    return lookup(code).goldstein


def root(code: str | int) -> str:
    """The 2-digit root of ``code`` (``"0211"`` -> ``"02"``), for coarse grouping."""
    return lookup(code).root
