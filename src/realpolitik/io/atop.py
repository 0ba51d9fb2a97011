"""Reader of the ATOP v5.x directed dyad-year alliance file.

References
----------
Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long. 2002.
"Alliance Treaty Obligations and Provisions, 1815–1944." *International Interactions*
28: 237–60 (ATOP, atopdata.org).
Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace Science
Research." *Conflict Management and Peace Science* 39(6): 755–779.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .cow import CCODE, FLAG, YEAR, _read_table, _same_state

__all__ = ["ATOP_OBLIGATIONS", "read_atop"]

#: The five ATOP obligation flags of the dyad-year file.
ATOP_OBLIGATIONS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")

_SPEC = {"ccode1": CCODE, "ccode2": CCODE, "year": YEAR, **{c: FLAG for c in ATOP_OBLIGATIONS}}


def read_atop(path: str | Path) -> pd.DataFrame:
    """Read an ATOP v5.x directed dyad-year file, validating every row.

    The layout is peacesciencer's ``atop_alliance``: ``ccode1, ccode2, year,
    atop_defense, atop_offense, atop_neutral, atop_nonagg, atop_consul`` — one row per
    directed dyad-year in which ``ccode1`` and ``ccode2`` share at least one ATOP alliance,
    each flag 1 when some such alliance carries that obligation. All eight columns are
    required; others are kept as text. Numbers may be written as ``2`` or ``2.0``.

    Returns a DataFrame with ``int64`` state numbers and years and ``int8`` 0/1 flags; its
    ``attrs`` name the source file and dataset. (ATOP lists some dyad-years, 170 in v5.1,
    with all five flags 0; they are kept as they are.)

    Raises
    ------
    DataError
        naming the file, line (the header is line 1), field and value of the first bad
        entry: a missing column, a non-numeric or non-positive state number, a year
        outside :data:`~realpolitik.io.cow.YEAR_RANGE`, a flag other than 0/1, a row with
        the wrong number of fields, an empty or non-UTF-8 file, or a state allied to itself.
    """
    frame, text = _read_table(path, _SPEC, tuple(_SPEC), dataset="ATOP v5")
    _same_state(frame, text, str(path))
    return frame
