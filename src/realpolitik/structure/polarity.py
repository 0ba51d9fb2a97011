"""Polarity: how concentrated capabilities are among states (Ray-Singer CON) and how many poles they form.

Measures
--------
For a set of N states with capabilities c_i (COW's CINC by default) the shares are
s_i = c_i / sum_j c_j, taken *within the set*, so that they sum to 1 whatever the set is.

* **Concentration** (Ray & Singer 1973)::

      CON = sqrt( (sum_i s_i^2 - 1/N) / (1 - 1/N) )

  0 when every state holds the same share, 1 when one state holds everything. It rescales the
  Herfindahl sum ``sum_i s_i^2`` (which lies between 1/N and 1) onto [0, 1], so that sets of
  different sizes compare. Undefined (NaN) for N < 2 and when the capabilities sum to zero.
  Ray and Singer, and the COW studies after them, compute it over the major powers; any set
  can be given.
* **Effective number of poles** ``1 / sum_i s_i^2``: the number of equal states that would
  give the same Herfindahl sum (Laakso & Taagepera's "effective number" of parties, applied to
  capability shares). N for equal shares, 1 for a single dominant state.
* **Poles** (a convention of this library, not from the literature): the number of states whose
  capabilities are at least ``pole_ratio`` (default one half) of the strongest state's. Being
  relative to the leader it does not depend on how many minor states the set holds.

CINC weighs population heavily, so populous states (China above all) score higher than
military-political histories rank them: in 1960 the PRC holds over half the United States'
CINC, so the default pole rule counts three poles among the major powers, not two.

References
----------
Ray, J. L., & Singer, J. D. (1973). Measuring the Concentration of Power in the International
System. *Sociological Methods & Research* 1(4), 403-437.

Laakso, M., & Taagepera, R. (1979). "Effective" Number of Parties: A Measure with Application to
West Europe. *Comparative Political Studies* 12(1), 3-27.

Singer, J. D., Bremer, S., & Stuckey, J. (1972). Capability Distribution, Uncertainty, and Major
Power War, 1820-1965. In B. Russett (ed.), *Peace, War, and Numbers*, 19-48. Beverly Hills: Sage.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._errors import DataError

__all__ = ["POLARITY_COLUMNS", "concentration", "effective_poles", "polarity"]

#: Columns of the table :func:`polarity` returns.
POLARITY_COLUMNS = (
    "year",
    "states",
    "missing",
    "total",
    "con",
    "effective_poles",
    "poles",
    "largest",
    "largest_share",
)


def _shares(capabilities: Iterable[float] | np.ndarray) -> np.ndarray:
    values = np.asarray(list(capabilities) if not isinstance(capabilities, np.ndarray) else capabilities, dtype=float)
    if values.ndim != 1:
        raise DataError("capabilities must be one number per state", field="capabilities")
    if not np.all(np.isfinite(values)):
        raise DataError("capabilities must be finite numbers (drop the missing ones first)", field="capabilities")
    if np.any(values < 0):
        raise DataError("capabilities cannot be negative", field="capabilities")
    total = values.sum()
    return values / total if total > 0 else np.full(values.shape, np.nan)


def concentration(capabilities: Iterable[float] | np.ndarray) -> float:
    """Ray and Singer's concentration index CON of one set of capabilities.

    Parameters
    ----------
    capabilities
        Non-negative capabilities (CINC scores or any other measure), one per state; they are
        turned into shares of their sum.

    Returns
    -------
    float
        ``sqrt((sum s_i^2 - 1/N) / (1 - 1/N))``: 0 for equal shares, 1 when one state holds
        everything; NaN for fewer than two states or a zero total.

    References
    ----------
    Ray, J. L., & Singer, J. D. (1973). Measuring the Concentration of Power in the International
    System. *Sociological Methods & Research* 1(4), 403-437.

    Examples
    --------
    >>> concentration([1, 1, 1, 1])
    0.0
    >>> concentration([1, 0, 0])
    1.0
    """
    shares = _shares(capabilities)
    n = len(shares)
    if n < 2 or np.isnan(shares).any():
        return float("nan")
    return float(_con(float(np.sum(shares**2)), n))


def _con(hhi: float | np.ndarray, n: int | np.ndarray) -> float | np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (hhi - 1.0 / n) / (1.0 - 1.0 / n)
        return np.sqrt(np.clip(ratio, 0.0, 1.0))


def effective_poles(capabilities: Iterable[float] | np.ndarray) -> float:
    """The effective number of poles ``1 / sum s_i^2`` of one set of capabilities.

    N for N equal states, 1 when one state holds everything; NaN for an empty set or a zero
    total.

    References
    ----------
    Laakso, M., & Taagepera, R. (1979). "Effective" Number of Parties: A Measure with Application
    to West Europe. *Comparative Political Studies* 12(1), 3-27.
    """
    shares = _shares(capabilities)
    if len(shares) == 0 or np.isnan(shares).any():
        return float("nan")
    return float(1.0 / np.sum(shares**2))


def _members(states: object, table: pd.DataFrame) -> np.ndarray:
    """Which rows of ``table`` (ccode, year) belong to the chosen set of states."""
    if states is None:
        return np.ones(len(table), dtype=bool)
    if isinstance(states, pd.DataFrame):
        spells = states
        if "ccode" not in spells.columns:
            raise DataError("the table of states lacks a 'ccode' column", field="ccode")
        if {"styear", "endyear"} <= set(spells.columns):
            first, last = spells["styear"], spells["endyear"]
        elif {"start", "end"} <= set(spells.columns):
            first, last = pd.to_datetime(spells["start"]).dt.year, pd.to_datetime(spells["end"]).dt.year
        else:
            raise DataError(
                "the table of states needs styear/endyear (or start/end) columns, as read_major_powers returns",
                field="styear",
            )
        inside = np.zeros(len(table), dtype=bool)
        ccode, year = table["ccode"].to_numpy(), table["year"].to_numpy()
        for c, a, b in zip(spells["ccode"].to_numpy(), first.to_numpy(), last.to_numpy()):
            inside |= (ccode == int(c)) & (year >= int(a)) & (year <= int(b))
        return inside
    if isinstance(states, (str, bytes)) or not isinstance(states, Iterable):
        raise TypeError("states must be None, COW state numbers, or a table of spells (ccode, styear, endyear)")
    codes = np.asarray([int(c) for c in states], dtype=np.int64)
    return np.isin(table["ccode"].to_numpy(), codes)


def polarity(
    capabilities: pd.DataFrame,
    *,
    states: Iterable[int] | pd.DataFrame | None = None,
    years: Iterable[int] | None = None,
    column: str = "cinc",
    pole_ratio: float = 0.5,
) -> pd.DataFrame:
    """Concentration and number of poles per year from a capabilities table.

    Parameters
    ----------
    capabilities
        A table with ``ccode``, ``year`` and the capability ``column``, one row per state-year,
        such as :func:`realpolitik.io.nmc.read_nmc` returns.
    states
        Which states count: ``None`` (every state in the table, each year), COW state numbers,
        or a table of spells such as :func:`realpolitik.io.nmc.read_major_powers` returns (a state
        counts in every year its spell touches, so France counts in 1940 and 1945).
    years
        Only these years (default: every year of the table).
    column
        The capability measure (``cinc`` by default; any component such as ``milex`` works).
    pole_ratio
        A state is a pole when its capabilities are at least this fraction of the strongest
        state's.

    Returns
    -------
    pandas.DataFrame
        One row per year with at least one state, columns :data:`POLARITY_COLUMNS`: ``states``
        (N, states with a value), ``missing`` (states of the set with a row but no value that
        year, left out), ``total`` (their summed capabilities), ``con`` (Ray-Singer),
        ``effective_poles`` (``1 / sum s_i^2``), ``poles`` (count by ``pole_ratio``),
        ``largest`` (ccode of the strongest) and ``largest_share`` (its share of the set).

    References
    ----------
    Ray, J. L., & Singer, J. D. (1973). Measuring the Concentration of Power in the International
    System. *Sociological Methods & Research* 1(4), 403-437.

    Laakso, M., & Taagepera, R. (1979). "Effective" Number of Parties: A Measure with
    Application to West Europe. *Comparative Political Studies* 12(1), 3-27.
    """
    for name in ("ccode", "year", column):
        if name not in capabilities.columns:
            raise DataError(
                f"the capabilities table lacks the column '{name}' (read COW files with realpolitik.io.nmc.read_nmc)",
                field=name,
            )
    if not 0 < pole_ratio <= 1:
        raise ValueError("pole_ratio must be in (0, 1]")
    table = capabilities[["ccode", "year", column]].copy()
    table["ccode"] = pd.to_numeric(table["ccode"]).astype(np.int64)
    table["year"] = pd.to_numeric(table["year"]).astype(np.int64)
    table["value"] = pd.to_numeric(table[column], errors="coerce").astype(float)
    if (table["value"] < 0).any():
        row = table[table["value"] < 0].iloc[0]
        raise DataError("capabilities cannot be negative", field=column, value=f"ccode {row.ccode}, year {row.year}")
    if table.duplicated(["ccode", "year"]).any():
        row = table[table.duplicated(["ccode", "year"])].iloc[0]
        raise DataError("a state-year appears twice", field="year", value=f"ccode {row.ccode}, year {row.year}")
    table = table[_members(states, table)]
    if years is not None:
        table = table[table["year"].isin([int(y) for y in years])]
    present = table["value"].notna()
    missing = (~present).groupby(table["year"]).sum()
    table = table[present]
    if table.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in POLARITY_COLUMNS})
    grouped = table.groupby("year")
    n = grouped["value"].size()
    total = grouped["value"].sum()
    top = grouped["value"].max()
    share = table["value"] / table["year"].map(total)
    hhi = (share**2).groupby(table["year"]).sum()
    hhi = hhi.where(total > 0)
    leader = table.loc[grouped["value"].idxmax(), ["year", "ccode"]].set_index("year")["ccode"]
    poles = (table["value"] >= pole_ratio * table["year"].map(top)).groupby(table["year"]).sum().where(total > 0, 0)
    out = pd.DataFrame(
        {
            "year": n.index.to_numpy(np.int64),
            "states": n.to_numpy(np.int64),
            "missing": missing.reindex(n.index, fill_value=0).to_numpy(np.int64),
            "total": total.to_numpy(float),
            "con": np.where(n.to_numpy() >= 2, _con(hhi.to_numpy(float), n.to_numpy()), np.nan),
            "effective_poles": 1.0 / hhi.to_numpy(float),
            "poles": poles.reindex(n.index).to_numpy(np.int64),
            "largest": leader.reindex(n.index).to_numpy(np.int64),
            "largest_share": (top / total).where(total > 0).to_numpy(float),
        }
    )
    return out.reset_index(drop=True)
