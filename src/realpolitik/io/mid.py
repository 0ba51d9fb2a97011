"""Readers of Militarized Interstate Dispute files (COW MID 4.x/5.x and Gibler–Miller–Little), and MID dyads.

Two kinds of file:

* dyadic dispute-years — peacesciencer's ``cow_mid_ddydisps.csv`` and ``cow_mid_dirdisps.csv``
  (COW MID 5.0), ``gml_mid_ddydisps.csv`` and ``gml_dirdisp.csv`` (GML MID 2.2.1): one row
  per (directed) dyad in a dispute in a year; read with :func:`read_mid_dyads`;
* participant files — COW MIDB 4.x ``MIDs_dispute-participants.csv`` (``dispnum3``), MID 5
  MIDB (``dispnum``) and GML ``gml_part.csv``: one row per state's spell in a dispute, with
  its side; read with :func:`read_mid_participants` and turn into dyad-years with
  :func:`mid_dyads`.

Missing values follow the MID codebooks: ``-9`` (and a blank) is "missing" and becomes
``<NA>`` in the descriptive columns (days, fatality, revision types, ``dispnum4`` of
disputes numbered before MID 4). Dispute numbers, state numbers, years and sides may not
be missing. Codes are not range-checked beyond that: GML 2.2.1 has, for instance, months
13 and 19 in ``stmon``/``endmon``, kept as they are.

References
----------
Palmer, Glenn, Vito D'Orazio, Michael Kenwick and Matthew Lane. 2015. "The MID4 Dataset,
2002–2010." *Conflict Management and Peace Science* 32(2): 222–42.
Palmer, Glenn et al. 2022. "The MID5 Dataset, 2011–2014." *CMPS* 39(4).
Gibler, Douglas M., Steven V. Miller and Erin K. Little. 2016. "An Analysis of the
Militarized Interstate Dispute (MID) Dataset, 1816–2001." *International Studies Quarterly*
60(4): 719–730.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataError
from .cow import CCODE, FLAG, ID, INT, TEXT, YEAR, _Kind, _read_table, _row_error, _same_state

__all__ = ["mid_dyads", "read_mid_dyads", "read_mid_participants"]

_DESCRIPTIVE = (
    "fatality", "fatalpre", "hiact", "hostlev", "orig", "revstate", "revtype1", "revtype2",
    "mindur", "maxdur", "outcome", "settle", "stmon", "endmon", "stday", "endday", "recip",
    "numa", "numb", "ongo2010", "dummy_stday", "dummy_endday",
    "anymiss_leader_start", "anymiss_leader_end", "allmiss_leader_start", "allmiss_leader_end",
)

_DYAD_SPEC: dict[str, _Kind] = {
    "dispnum": ID,
    "ccode1": CCODE,
    "ccode2": CCODE,
    "year": YEAR,
    "sidea1": FLAG,
    "sidea2": FLAG,
    **{f"{p}{s}": FLAG for p in ("cowmid", "gmlmid", "mid", "disp") for s in ("ongoing", "onset")},
    **{c: INT for c in _DESCRIPTIVE},
    **{f"{c}{k}": INT for c in ("fatality", "fatalpre", "hiact", "hostlev", "orig", "revstate") for k in (1, 2)},
    **{f"revtype{t}{k}": INT for t in (1, 2) for k in (1, 2)},
    "version": TEXT,
}

_PART_SPEC: dict[str, _Kind] = {
    "dispnum": ID,
    "dispnum3": ID,
    "dispnum4": INT,
    "stabb": TEXT,
    "ccode": CCODE,
    "styear": YEAR,
    "endyear": YEAR,
    "sidea": FLAG,
    **{c: INT for c in _DESCRIPTIVE},
    "obsid_start": TEXT,
    "obsid_end": TEXT,
    "version": TEXT,
}


def read_mid_dyads(path: str | Path) -> pd.DataFrame:
    """Read a dyadic MID dispute-year file (COW MID 5 or GML, as shipped by peacesciencer).

    Required columns: ``dispnum, ccode1, ccode2, year``; the known descriptive columns
    (``sidea1/2``, onset and ongoing flags, ``fatality1/2``, ``hiact1/2``, ``hostlev1/2``,
    ``revtype11`` …) are typed, ``-9`` becoming ``<NA>``; unknown columns are kept as text.
    Directed files list each dyad twice (``ccode1, ccode2`` and ``ccode2, ccode1``); the
    reader keeps the rows as they are.

    Raises
    ------
    DataError
        naming the file, line (the header is line 1), field and value of the first bad entry.
    """
    frame, text = _read_table(path, _DYAD_SPEC, ("dispnum", "ccode1", "ccode2", "year"), dataset="MID dyad-years")
    _same_state(frame, text, str(path))
    return frame


def read_mid_participants(path: str | Path) -> pd.DataFrame:
    """Read a MID participant file: COW MIDB 4.x (``dispnum3``), MID 5 (``dispnum``) or GML ``gml_part``.

    Required columns: ``dispnum3`` or ``dispnum``, ``ccode, styear, endyear, sidea``. One row
    per spell of a state in a dispute: a state that left and rejoined, or changed sides
    (Italy in the Second World War, dispute 258), has several rows. ``dispnum4`` ``-9``
    (a dispute numbered before MID 4) and unknown days (``-9``) become ``<NA>``. A spell
    ending before it starts is refused.

    Raises
    ------
    DataError
        naming the file, line (the header is line 1), field and value of the first bad entry.
    """
    required = (("dispnum3", "dispnum"), "ccode", "styear", "endyear", "sidea")
    frame, text = _read_table(path, _PART_SPEC, required, dataset="MID participants")
    _row_error(frame, (frame["endyear"] < frame["styear"]).to_numpy(), text, str(path), "endyear",
               "participation ends before it starts (endyear < styear)")
    return frame


def mid_dyads(participants: pd.DataFrame, *, directed: bool = False) -> pd.DataFrame:
    """Dispute dyad-years from participants: each side-A spell × each side-B spell, per year both run.

    Returns ``dispnum, ccode1, ccode2, year, sidea1, sidea2``, one row per dispute, dyad
    and year, sorted. Undirected (the default): ``ccode1`` is on side A and ``ccode2`` on
    side B. With ``directed=True`` each dyad-year also appears the other way round, as in
    the peacesciencer directed files. A state on both sides of one dispute in the same year
    (it changed sides) is not paired with itself. The dispute number is ``dispnum3`` when
    the table has it (COW MID 4.x), else ``dispnum``.
    """
    key = "dispnum3" if "dispnum3" in participants.columns else "dispnum"
    for column in (key, "ccode", "styear", "endyear", "sidea"):
        if column not in participants.columns:
            raise DataError("participant table lacks a column", file=participants.attrs.get("source"), field=column)
    part = pd.DataFrame({
        "dispnum": participants[key].to_numpy(np.int64),
        "ccode": participants["ccode"].to_numpy(np.int64),
        "st": participants["styear"].to_numpy(np.int64),
        "end": participants["endyear"].to_numpy(np.int64),
        "sidea": participants["sidea"].to_numpy(np.int64),
    })
    a = part[part["sidea"] == 1].drop(columns="sidea")
    b = part[part["sidea"] == 0].drop(columns="sidea")
    pairs = a.merge(b, on="dispnum", suffixes=("1", "2"))
    pairs = pairs[pairs["ccode1"] != pairs["ccode2"]]
    lo = np.maximum(pairs["st1"].to_numpy(), pairs["st2"].to_numpy())
    hi = np.minimum(pairs["end1"].to_numpy(), pairs["end2"].to_numpy())
    span = np.maximum(hi - lo + 1, 0)
    rows = np.repeat(np.arange(len(pairs)), span)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(span) - span, span)
    out = pd.DataFrame({
        "dispnum": pairs["dispnum"].to_numpy()[rows],
        "ccode1": pairs["ccode1"].to_numpy()[rows],
        "ccode2": pairs["ccode2"].to_numpy()[rows],
        "year": lo[rows] + offset,
        "sidea1": np.ones(len(rows), dtype=np.int8),
        "sidea2": np.zeros(len(rows), dtype=np.int8),
    })
    if directed:
        flipped = out.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1", "sidea1": "sidea2", "sidea2": "sidea1"})
        out = pd.concat([out, flipped[out.columns]], ignore_index=True)
    out = out.drop_duplicates(["dispnum", "ccode1", "ccode2", "year"])
    return out.sort_values(["dispnum", "ccode1", "ccode2", "year"], ignore_index=True)
