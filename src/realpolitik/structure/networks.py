"""Signed networks of states from the field's datasets: alliances (+) and militarized disputes (−), by period.

The alliance–dispute network of a period has an edge ``+1`` between two states allied in
some year of the period (ATOP or COW alliances) and ``−1`` between two states in a
militarized dispute in some year of it (MID). Directed rows collapse: a dyad is one
undirected pair, whichever way and however often it is listed.

A pair both allied and in dispute in one period is resolved by ``conflict``. The default,
``"negative"``, lets the dispute win: alliances are slow-moving legal commitments that
outlast the relations they were made for (the Sino-Soviet treaty of 1950 was in force,
and coded by ATOP, through the border war of 1969 until 1980), whereas a militarized
dispute is a dated act of hostility, so a MID between allies is the more informative
signal of where the pair stands that year. ``"positive"`` lets the alliance win and
``"drop"`` leaves such a pair without an edge.

Node names. Without a state list, a node is the COW state number as a string (``"365"``).
With a COW state list (:func:`realpolitik.io.cow.read_cow_states`) nodes are COW 3-letter
abbreviations (``"RUS"``, ``"CHN"``) and each period's graph holds every system member of
the period, isolates included. The networks do not use realpolitik's actor registry: it
lists a few dozen states, and its codes share a namespace with COW abbreviations that
clash (the registry's ``MNG`` is Mongolia, COW's ``MNG`` is Montenegro). Relabel a graph's
nodes with :meth:`~realpolitik.actors.ActorRegistry.from_cow` where the registry's codes are
wanted.

References
----------
Doreian, Patrick and Andrej Mrvar. 2015. "Structural Balance and Signed International
Relations." *Journal of Social Structure* 16.
Maoz, Zeev. 2010. *Networks of Nations*. Cambridge University Press.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .._errors import DataError
from .signed import SignedGraph

__all__ = ["CONFLICT_RULES", "alliance_dispute_edges", "alliance_dispute_networks", "signed_windows"]

#: How a pair both allied and in dispute in one period is signed.
CONFLICT_RULES = ("negative", "positive", "drop")

_EDGE_COLUMNS = ["period", "end", "src", "tgt", "sign", "allied", "disputed"]


def alliance_dispute_edges(
    alliances: pd.DataFrame,
    disputes: pd.DataFrame,
    *,
    years: Iterable[int] | None = None,
    window: int = 1,
    conflict: str = "negative",
    alliance_types: Sequence[str] | None = None,
    states: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The signed edges of the alliance–dispute networks, long: one row per period and pair.

    Parameters
    ----------
    alliances
        Alliance dyad-years with columns ``ccode1, ccode2, year`` — :func:`~realpolitik.io.atop.read_atop`
        or :func:`~realpolitik.io.cow.read_cow_alliances` (a COW dyad file without ``year``
        is expanded with :func:`~realpolitik.io.cow.cow_alliance_years`). Every row counts as
        an alliance unless ``alliance_types`` says otherwise.
    disputes
        Dispute dyad-years with columns ``ccode1, ccode2, year`` —
        :func:`~realpolitik.io.mid.read_mid_dyads` or :func:`~realpolitik.io.mid.mid_dyads`
        (a participant table, :func:`~realpolitik.io.mid.read_mid_participants`, is turned
        into dyads with :func:`~realpolitik.io.mid.mid_dyads`).
    years
        The first year of each period. ``None``: every year from the first to the last
        that both tables cover (the last period ending on the last such year).
    window
        Years per period: period ``y`` spans ``y … y + window − 1``. With ``years`` a step
        of ``window`` the periods tile; with a step of 1 they overlap (Doreian and Mrvar's
        4-year windows are ``years=range(1946, 1997), window=4``).
    conflict
        ``"negative"`` (the dispute wins, the default), ``"positive"`` or ``"drop"``.
    alliance_types
        Flag columns of ``alliances`` of which at least one must be 1 for a row to count,
        e.g. ``("atop_defense",)`` for ATOP defence pacts or ``("defense",)`` for COW.
    states
        A COW state list (``stateabb, ccode, styear, endyear``): name nodes by abbreviation.

    Returns
    -------
    DataFrame
        ``period, end, src, tgt, sign, allied, disputed`` sorted by period and pair, with
        ``src < tgt``; ``allied``/``disputed`` say what the pair had, ``sign`` the result.
    """
    edges, _ = _build(alliances, disputes, years, window, conflict, alliance_types, states)
    return edges


def alliance_dispute_networks(
    alliances: pd.DataFrame,
    disputes: pd.DataFrame,
    *,
    years: Iterable[int] | None = None,
    window: int = 1,
    conflict: str = "negative",
    alliance_types: Sequence[str] | None = None,
    states: pd.DataFrame | None = None,
) -> dict[int, SignedGraph]:
    """The signed network of each period: + between allies, − between states in a militarized dispute.

    Keys are the periods' first years, in order; every requested period has a graph, empty
    when nothing happened in it. The arguments are those of :func:`alliance_dispute_edges`;
    with a state list, each graph also holds the period's system members without edges.

    Examples
    --------
    >>> from realpolitik.io.atop import read_atop            # doctest: +SKIP
    >>> from realpolitik.io.mid import read_mid_dyads        # doctest: +SKIP
    >>> nets = alliance_dispute_networks(read_atop("atop_alliance.csv"),
    ...                                  read_mid_dyads("cow_mid_ddydisps.csv"),
    ...                                  years=range(1946, 2011))  # doctest: +SKIP
    >>> nets[1962]                                            # doctest: +SKIP
    SignedGraph(n=..., m=..., negative=...)
    """
    edges, members = _build(alliances, disputes, years, window, conflict, alliance_types, states)
    periods = edges["period"].to_numpy()
    cuts = np.searchsorted(periods, list(members), side="left"), np.searchsorted(periods, list(members), side="right")
    src, tgt, sign = (edges[c].to_numpy() for c in ("src", "tgt", "sign"))
    out = {}
    for p, lo, hi in zip(members, *cuts):
        out[p] = _graph(src[lo:hi], tgt[lo:hi], sign[lo:hi], members[p])
    return out


def _graph(src: np.ndarray, tgt: np.ndarray, sign: np.ndarray, nodes: list[str]) -> SignedGraph:
    """A SignedGraph from unique undirected edges, as :meth:`SignedGraph.from_edges` builds it, vectorised."""
    names = np.array(sorted(set(src.tolist()) | set(tgt.tolist()) | set(nodes)), dtype=object)
    a = np.searchsorted(names, src).astype(np.int64)
    b = np.searchsorted(names, tgt).astype(np.int64)
    u, v = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((v, u))
    return SignedGraph(tuple(names.tolist()), u[order], v[order], sign[order].astype(np.int8))


def signed_windows(frame: pd.DataFrame, *, combine: str = "error") -> dict[str, SignedGraph]:
    """One signed graph per window of a long edge table ``window, src, tgt, sign``.

    Made for :func:`realpolitik.io.cow.read_signed_windows` (the Doreian–Mrvar COW windows);
    keys are the window labels in the order they first appear. ``combine`` says what to do
    with a pair listed twice in one window, as in :meth:`SignedGraph.from_edges`.
    """
    source = frame.attrs.get("source")
    for column in ("window", "src", "tgt", "sign"):
        if column not in frame.columns:
            raise DataError("edge table lacks a column", file=source, field=column)
    out: dict[str, SignedGraph] = {}
    for label, group in frame.groupby(frame["window"].astype(str), sort=False):
        try:
            out[str(label)] = SignedGraph.from_edges(group[["src", "tgt", "sign"]], combine=combine)
        except DataError as exc:
            raise DataError(f"window {label}: {exc.reason}", file=source, field=exc.field, value=exc.value) from None
    return out


# --------------------------------------------------------------------------- internals


def _build(
    alliances: pd.DataFrame,
    disputes: pd.DataFrame,
    years: Iterable[int] | None,
    window: int,
    conflict: str,
    alliance_types: Sequence[str] | None,
    states: pd.DataFrame | None,
) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    if conflict not in CONFLICT_RULES:
        raise ValueError(f"conflict must be one of {', '.join(CONFLICT_RULES)}, not {conflict!r}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a whole number of years ≥ 1, not {window!r}")
    window = int(window)
    if "year" not in alliances.columns and "dyad_st_year" in alliances.columns:
        from ..io.cow import cow_alliance_years

        alliances = cow_alliance_years(alliances)
    if alliance_types is not None:
        missing = [c for c in alliance_types if c not in alliances.columns]
        if missing:
            raise DataError("alliance table lacks a type column", file=alliances.attrs.get("source"), field=missing[0])
        mask = np.zeros(len(alliances), dtype=bool)
        for column in alliance_types:
            mask |= pd.to_numeric(alliances[column], errors="coerce").fillna(0).to_numpy() == 1
        alliances = alliances[mask]
    if "ccode1" not in disputes.columns and {"ccode", "sidea"} <= set(disputes.columns):
        from ..io.mid import mid_dyads

        disputes = mid_dyads(disputes)
    ally = _dyad_years(alliances, "alliance")
    fight = _dyad_years(disputes, "dispute")

    starts = _starts(years, window, ally, fight)
    if not starts:
        return pd.DataFrame(columns=_EDGE_COLUMNS), {}
    ally = _to_periods(ally, starts, window).assign(allied=True)
    fight = _to_periods(fight, starts, window).assign(disputed=True)
    both = ally.merge(fight, on=["period", "a", "b"], how="outer")
    allied = both["allied"].fillna(False).to_numpy(dtype=bool)
    disputed = both["disputed"].fillna(False).to_numpy(dtype=bool)
    sign = np.where(disputed, -1, 1).astype(np.int8)
    if conflict == "positive":
        sign[allied] = 1
    keep = ~(allied & disputed) if conflict == "drop" else np.ones(len(both), dtype=bool)

    periods = both["period"].to_numpy(np.int64)[keep]
    a = both["a"].to_numpy(np.int64)[keep]
    b = both["b"].to_numpy(np.int64)[keep]
    namer = _Namer(states, window)
    src = namer.names(a)
    tgt = namer.names(b)
    lo = np.where(src < tgt, src, tgt)
    hi = np.where(src < tgt, tgt, src)
    edges = pd.DataFrame({
        "period": periods,
        "end": periods + window - 1,
        "src": lo,
        "tgt": hi,
        "sign": sign[keep],
        "allied": allied[keep],
        "disputed": disputed[keep],
    })
    edges = edges.sort_values(["period", "src", "tgt"], ignore_index=True)
    return edges, {p: namer.members(p) for p in starts}


def _dyad_years(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Unique undirected ``year, a, b`` (``a < b``) of a dyad-year table."""
    source = frame.attrs.get("source")
    for column in ("ccode1", "ccode2", "year"):
        if column not in frame.columns:
            raise DataError(f"{what} table lacks a column", file=source, field=column)
    columns = {}
    for column in ("ccode1", "ccode2", "year"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values != np.floor(values))
        if column != "year":
            bad |= values < 1
        if bad.any():
            i = int(np.argmax(bad.to_numpy()))
            raise DataError(f"{what} table has a bad {column}", file=source, field=column, value=frame[column].iloc[i])
        columns[column] = values.to_numpy(np.int64)
    c1, c2 = columns["ccode1"], columns["ccode2"]
    out = pd.DataFrame({"year": columns["year"], "a": np.minimum(c1, c2), "b": np.maximum(c1, c2)})
    out = out[out["a"] != out["b"]]
    return out.drop_duplicates(ignore_index=True)


def _starts(years: Iterable[int] | None, window: int, ally: pd.DataFrame, fight: pd.DataFrame) -> list[int]:
    if years is not None:
        starts = []
        for y in years:
            if isinstance(y, bool) or not float(y).is_integer():
                raise ValueError(f"years must be whole numbers, not {y!r}")
            starts.append(int(y))
        return sorted(set(starts))
    spans = [(int(t["year"].min()), int(t["year"].max())) for t in (ally, fight) if len(t)]
    if not spans:
        return []
    first = max(s[0] for s in spans)
    last = min(s[1] for s in spans)
    return list(range(first, last - window + 2))


def _to_periods(dyads: pd.DataFrame, starts: list[int], window: int) -> pd.DataFrame:
    """Each dyad-year once for every period that contains its year."""
    wanted = np.array(starts, dtype=np.int64)
    parts = []
    for k in range(window):
        period = dyads["year"].to_numpy() - k
        mask = np.isin(period, wanted)
        parts.append(pd.DataFrame({"period": period[mask], "a": dyads["a"].to_numpy()[mask],
                                   "b": dyads["b"].to_numpy()[mask]}))
    out = pd.concat(parts, ignore_index=True)
    return out.drop_duplicates(ignore_index=True)


class _Namer:
    """Names of states: COW abbreviation from a state list, else the number as text."""

    def __init__(self, states: pd.DataFrame | None, window: int) -> None:
        self.window = window
        self.abb: pd.Series | None = None
        self.spells: pd.DataFrame | None = None
        if states is None:
            return
        source = states.attrs.get("source")
        for column in ("stateabb", "ccode", "styear", "endyear"):
            if column not in states.columns:
                raise DataError("state list lacks a column", file=source, field=column)
        numbers = {}
        for column in ("ccode", "styear", "endyear"):
            values = pd.to_numeric(states[column], errors="coerce")
            if values.isna().any():
                raise DataError(f"state list has a bad {column}", file=source, field=column)
            numbers[column] = values.to_numpy(np.int64)
        self.spells = pd.DataFrame(numbers)
        abb = pd.Series(states["stateabb"].astype(str).str.strip().to_numpy(object), index=numbers["ccode"])
        abb = abb[~abb.index.duplicated()]
        clash = abb[abb.duplicated(keep=False)]
        if not clash.empty:
            raise DataError(
                f"state list gives COW numbers {', '.join(map(str, clash.index))} one abbreviation",
                file=source, field="stateabb", value=clash.iloc[0],
            )
        self.abb = abb

    def names(self, ccodes: np.ndarray) -> np.ndarray:
        unique, inverse = np.unique(ccodes, return_inverse=True)
        if self.abb is None:
            return np.array([str(c) for c in unique.tolist()], dtype=object)[inverse]
        missing = np.setdiff1d(unique, self.abb.index.to_numpy())
        if missing.size:
            raise DataError("state number not in the COW state list", field="ccode", value=int(missing[0]))
        return self.abb.reindex(unique).to_numpy(object)[inverse]

    def members(self, period: int) -> list[str]:
        if self.spells is None:
            return []
        s = self.spells
        inside = s.loc[(s["styear"] <= period + self.window - 1) & (s["endyear"] >= period), "ccode"].unique()
        return list(self.names(inside))
