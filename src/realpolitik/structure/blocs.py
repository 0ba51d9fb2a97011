"""Blocs: Axelrod-Bennett landscape theory of alignment in two blocs, its local minima and their basins.

The model
---------
n actors have sizes s_i > 0 and symmetric pairwise propensities p_ij = p_ji (zero diagonal):
p_ij > 0 means i and j want to be together, p_ij < 0 that they want to be apart. A
*configuration* X splits the actors into two blocs; d_ij(X) is 1 when i and j are in different
blocs and 0 when they are together. Only the two-bloc case of Axelrod and Bennett (1993) is
implemented (their alliance and standard-setting applications are two-coalition cases).

Energy (Axelrod & Bennett's E, over unordered pairs)::

    E(X) = sum_{i<j} s_i s_j p_ij d_ij(X)

Separating friends (p_ij > 0) raises the energy, separating foes (p_ij < 0) lowers it, and a
pair in the same bloc adds nothing. Axelrod and Bennett sum over ordered pairs, which doubles
every value; minima and basins are the same. Equivalently, with w_ij = s_i s_j |p_ij|::

    E(X) = [sum over friends apart of w_ij] + [sum over foes together of w_ij] - [sum over all foes of w_ij]

The first two terms, the propensity-weighted separation of friends plus togetherness of foes,
are reported as ``unsatisfied``: never negative, and zero exactly when the configuration
satisfies every pair (a structurally balanced split). ``unsatisfied`` and ``E`` differ by a
constant, so they have the same minima.

The frustration of actor i (Axelrod & Bennett) is F_i(X) = sum_j s_j p_ij d_ij(X); when i
switches bloc the energy changes by s_i times the change in F_i, so an actor that lowers its own
frustration lowers the energy of the whole system.

Local minima and basins
-----------------------
A configuration is a *local minimum* when no single actor can switch bloc and lower E (switches
that leave E unchanged are allowed, so on a plateau every configuration is a minimum). Numbers
are compared with a tolerance ``tol``: a switch counts as lowering E only if it does so by more
than ``tol`` (default 1e-9 of the largest possible change, far above rounding error).

The *basin of attraction* of a minimum is the set of configurations from which the descent
rule ends there. Two rules are available (``descent=``), both deterministic:

* ``"energy"`` (default): steepest descent, the switch that lowers E the most is made;
* ``"frustration"``: the actor whose own frustration F_i falls the most switches (the myopic
  actor of the theory; it differs from steepest descent only through the sizes).

Ties (changes within ``tol`` of the largest fall) go to the actor that comes first. Both rules stop exactly at the local
minima, so they find the same minima; only the basins differ.

Search
------
Swapping the two blocs does not change a configuration, so the first actor's bloc is fixed
(bloc 0 is always the first actor's bloc) and there are 2^(n-1) configurations. Up to
``EXHAUSTIVE_MAX`` (25) actors every configuration is examined (``method="exhaustive"``): the
configurations are split into a low and a high half of the actors, the field each half exerts
on every actor is tabulated once, and each block of 2^13 configurations is then evaluated with
a few vectorised passes (no per-configuration matrix product); the steepest move of every
configuration is recorded, chains of moves are followed to their end by pointer doubling, and
the basin sizes are counted exactly. Beyond that, ``method="multistart"`` runs the same descent
from ``starts`` random configurations (uniform over the 2^(n-1)); the share of starts that end
in a minimum estimates its basin share, and minima with small basins may be missed.

Leading eigenvector
-------------------
Beside the landscape, :func:`leading_eigenvector_blocs` gives the prediction of Marvel,
Kleinberg, Kleinberg and Strogatz (2011): in their continuous-time model of structural balance,
dX/dt = X^2 from a generic symmetric matrix of relations X(0), the system splits into two
mutually hostile factions given by the signs of the eigenvector of X(0) with the largest
eigenvalue. Here X(0) is the propensity matrix (or, with ``weighted=True``, s_i s_j p_ij).

References
----------
Axelrod, R., & Bennett, D. S. (1993). A Landscape Theory of Aggregation. *British Journal of
Political Science* 23(2), 211-233.

Marvel, S. A., Kleinberg, J., Kleinberg, R. D., & Strogatz, S. H. (2011). Continuous-time model
of structural balance. *Proceedings of the National Academy of Sciences* 108(5), 1771-1776.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataError, RealpolitikError
from ..actors import ActorRegistry
from ..io.nmc import _read_csv
from ..relations import Relations

__all__ = [
    "DESCENTS",
    "EXHAUSTIVE_MAX",
    "EigenvectorBlocs",
    "Landscape",
    "LandscapeResult",
    "MINIMA_COLUMNS",
    "capability_sizes",
    "descend",
    "leading_eigenvector_blocs",
    "local_minima",
]

#: Largest number of actors that ``method="auto"`` enumerates exhaustively.
EXHAUSTIVE_MAX = 25
#: Largest number of actors ``method="exhaustive"`` accepts (memory grows as 2^(n-1)).
_EXHAUSTIVE_LIMIT = 27
#: Descent rules that define basins of attraction.
DESCENTS = ("energy", "frustration")
_METHODS = ("auto", "exhaustive", "multistart")
#: Columns of :attr:`LandscapeResult.minima`.
MINIMA_COLUMNS = ("minimum", "energy", "unsatisfied", "basin", "basin_share", "eigenvector", "bloc_0", "bloc_1")
_LOW_BITS = 13
_DEFAULT_STARTS = 10_000
_BATCH = 1 << 16
_REL_TOL = 1e-9

Seed = int | np.random.Generator | None


# ------------------------------------------------------------------------ landscape


@dataclass(frozen=True, eq=False)
class Landscape:
    """Actors with sizes and symmetric propensities: the input of landscape theory.

    Parameters
    ----------
    sizes
        One positive size per actor (capabilities, population, ...).
    propensity
        An n x n symmetric matrix with zero diagonal; positive entries are propensities to be
        together, negative ones to be apart.
    actors
        Actor names, unique (default ``"0"``, ``"1"``, ...). The first actor's bloc is bloc 0 in
        every result.

    Raises
    ------
    DataError
        When sizes are not positive and finite, the matrix is not square, finite, symmetric with
        a zero diagonal, or the names are not unique.
    """

    sizes: np.ndarray
    propensity: np.ndarray
    actors: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        try:
            sizes = np.array(self.sizes, dtype=float).reshape(-1)
            prop = np.array(self.propensity, dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataError(f"sizes and propensities must be numbers: {exc}", field="propensity") from None
        n = len(sizes)
        if n == 0:
            raise DataError("a landscape needs at least one actor", field="sizes")
        if not np.all(np.isfinite(sizes)) or np.any(sizes <= 0):
            i = int(np.argmax(~np.isfinite(sizes) | (sizes <= 0)))
            raise DataError("sizes must be positive finite numbers", field="sizes", value=float(sizes[i]))
        if prop.shape != (n, n):
            raise DataError(f"the propensity matrix must be {n} x {n}, one row per size", field="propensity",
                            value=prop.shape)
        if not np.all(np.isfinite(prop)):
            raise DataError("propensities must be finite numbers", field="propensity")
        if np.any(np.diag(prop) != 0):
            raise DataError("the propensity of an actor to itself (the diagonal) must be 0", field="propensity")
        scale = float(np.abs(prop).max()) if n > 1 else 0.0
        if np.any(np.abs(prop - prop.T) > 1e-12 * max(scale, 1.0)):
            i, j = np.unravel_index(int(np.argmax(np.abs(prop - prop.T))), prop.shape)
            raise DataError("propensities must be symmetric (p_ij = p_ji)", field="propensity",
                            value=f"p[{i},{j}]={prop[i, j]!r}, p[{j},{i}]={prop[j, i]!r}")
        prop = (prop + prop.T) / 2.0
        names = tuple(str(i) for i in range(n)) if self.actors is None else tuple(str(a) for a in self.actors)
        if len(names) != n:
            raise DataError(f"{len(names)} actor names for {n} sizes", field="actors")
        if len(set(names)) != n:
            dup = next(a for a in names if names.count(a) > 1)
            raise DataError("actor names must be unique", field="actors", value=dup)
        sizes.flags.writeable = False
        prop.flags.writeable = False
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "propensity", prop)
        object.__setattr__(self, "actors", names)

    # -- construction -------------------------------------------------------------

    @classmethod
    def from_relations(
        cls,
        relations: Relations,
        period: str | int,
        *,
        sizes: Mapping[str, float] | pd.Series,
        actors: Sequence[str] | None = None,
        missing: float = 0.0,
    ) -> Landscape:
        """The landscape of one period: the undirected stance of each dyad is its propensity.

        Parameters
        ----------
        relations
            Observed or simulated :class:`~realpolitik.Relations`; the stance of a dyad is the
            mean of its two directions (:meth:`Relations.symmetric`), in [-1, 1].
        period
            The period, as in the ``period`` column (``"1960"`` for yearly relations).
        sizes
            Size of every actor, by actor code (e.g. from :func:`capability_sizes`).
        actors
            The actors, in order (default: every actor with a stance in the period, sorted).
        missing
            Propensity of a pair with no stance in the period (default 0, indifference).
        """
        sym = relations.symmetric()
        sym = sym[sym["period"] == str(period)]
        if sym.empty:
            raise RealpolitikError(f"no relations in period '{period}'")
        names = sorted(set(sym["a"]) | set(sym["b"])) if actors is None else [str(a) for a in actors]
        index = {a: k for k, a in enumerate(names)}
        prop = np.full((len(names), len(names)), float(missing))
        np.fill_diagonal(prop, 0.0)
        keep = sym["a"].isin(index) & sym["b"].isin(index) & sym["stance"].notna()
        ia = sym.loc[keep, "a"].map(index).to_numpy(int)
        ib = sym.loc[keep, "b"].map(index).to_numpy(int)
        stance = sym.loc[keep, "stance"].to_numpy(float)
        prop[ia, ib] = stance
        prop[ib, ia] = stance
        size_of = pd.Series(sizes, dtype=float) if not isinstance(sizes, pd.Series) else sizes.astype(float)
        absent = [a for a in names if a not in size_of.index]
        if absent:
            raise RealpolitikError(f"no size for actor(s) {', '.join(absent)}: give every actor a size")
        return cls(size_of.reindex(names).to_numpy(float), prop, tuple(names))

    @classmethod
    def from_csv(cls, propensities: str | Path, sizes: str | Path) -> Landscape:
        """Read a landscape from two CSV files.

        Parameters
        ----------
        propensities
            Columns ``a``, ``b``, ``propensity``: one row per unordered pair; a pair that does not
            appear has propensity 0. Other columns are ignored.
        sizes
            Columns ``actor``, ``size``: one row per actor, in the order the results use (the
            first actor's bloc is bloc 0). Other columns are ignored.

        Raises
        ------
        DataError
            Naming the file, line and field: a missing column, an empty name, a size that is not
            a positive number, a propensity that is not a finite number, a pair of an actor with
            itself, a pair or actor listed twice, or a pair naming an actor without a size.
        """
        header, lines, rows = _read_csv(sizes, what="sizes")
        src = str(sizes)
        for col in ("actor", "size"):
            if col not in header:
                raise DataError("the header lacks a column", file=src, line=1, field=col)
        ia, isz = header.index("actor"), header.index("size")
        names: list[str] = []
        values: list[float] = []
        seen: dict[str, int] = {}
        for line, row in zip(lines, rows):
            name = row[ia].strip()
            if not name:
                raise DataError("the actor name is empty", file=src, line=line, field="actor")
            if name in seen:
                raise DataError(f"the actor is listed twice (first on line {seen[name]})", file=src, line=line,
                                field="actor", value=name)
            size = _number(row[isz], file=src, line=line, field="size")
            if not size > 0:
                raise DataError("the size must be a positive number", file=src, line=line, field="size",
                                value=row[isz])
            seen[name] = line
            names.append(name)
            values.append(size)
        if not names:
            raise DataError("the sizes file has no actors", file=src, line=2)
        index = {a: k for k, a in enumerate(names)}
        header, lines, rows = _read_csv(propensities, what="propensities")
        src = str(propensities)
        for col in ("a", "b", "propensity"):
            if col not in header:
                raise DataError("the header lacks a column", file=src, line=1, field=col)
        ja, jb, jp = header.index("a"), header.index("b"), header.index("propensity")
        prop = np.zeros((len(names), len(names)))
        pairs: dict[tuple[int, int], int] = {}
        for line, row in zip(lines, rows):
            a, b = row[ja].strip(), row[jb].strip()
            for field, name in (("a", a), ("b", b)):
                if not name:
                    raise DataError("the actor name is empty", file=src, line=line, field=field)
                if name not in index:
                    raise DataError(f"the actor has no size in {sizes}", file=src, line=line, field=field, value=name)
            if a == b:
                raise DataError("a pair needs two different actors", file=src, line=line, field="b", value=b)
            value = _number(row[jp], file=src, line=line, field="propensity")
            key = (min(index[a], index[b]), max(index[a], index[b]))
            if key in pairs:
                raise DataError(f"the pair is listed twice (first on line {pairs[key]})", file=src, line=line,
                                field="b", value=f"{a}-{b}")
            pairs[key] = line
            prop[key] = prop[key[::-1]] = value
        return cls(np.asarray(values), prop, tuple(names))

    # -- properties -----------------------------------------------------------------

    @property
    def n(self) -> int:
        """Number of actors."""
        return len(self.sizes)

    def weights(self) -> np.ndarray:
        """The pair weights ``s_i s_j p_ij`` (n x n, symmetric, zero diagonal)."""
        return np.outer(self.sizes, self.sizes) * self.propensity

    def blocs(self, configuration: Sequence[int] | Mapping[str, int] | np.ndarray) -> np.ndarray:
        """A configuration as an array of 0/1 blocs in actor order (from a sequence or a mapping)."""
        if isinstance(configuration, Mapping):
            absent = [a for a in self.actors if a not in configuration]
            extra = [a for a in configuration if a not in self.actors]
            if absent or extra:
                raise RealpolitikError(
                    f"a configuration names every actor once; missing: {', '.join(absent) or '-'}, "
                    f"unknown: {', '.join(map(str, extra)) or '-'}"
                )
            configuration = [configuration[a] for a in self.actors]
        values = np.asarray(configuration)
        if values.shape != (self.n,) or not np.isin(values, (0, 1)).all():
            raise RealpolitikError(f"a configuration is one bloc, 0 or 1, for each of the {self.n} actors")
        return values.astype(np.int8)

    def energy(self, configuration: Sequence[int] | Mapping[str, int] | np.ndarray) -> float:
        """Axelrod-Bennett energy ``sum_{i<j} s_i s_j p_ij d_ij`` of a configuration (see the module)."""
        b = self.blocs(configuration)
        apart = b[:, None] != b[None, :]
        return float(np.sum(self.weights()[apart]) / 2.0)

    def unsatisfied(self, configuration: Sequence[int] | Mapping[str, int] | np.ndarray) -> float:
        """The weight of friends apart plus foes together, ``energy`` minus the total foe weight."""
        return self.energy(configuration) - _foe_weight(self.weights())

    def frustration(self, configuration: Sequence[int] | Mapping[str, int] | np.ndarray) -> pd.Series:
        """Each actor's frustration ``F_i = sum_j s_j p_ij d_ij`` (Axelrod & Bennett), by actor."""
        b = self.blocs(configuration)
        apart = (b[:, None] != b[None, :]).astype(float)
        return pd.Series((self.propensity * apart) @ self.sizes, index=list(self.actors), name="frustration")

    def __repr__(self) -> str:
        shown = ", ".join(self.actors[:6]) + (", ..." if self.n > 6 else "")
        return f"Landscape(n={self.n}, actors=[{shown}])"


def _number(text: str, *, file: str, line: int, field: str) -> float:
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        raise DataError("not a number", file=file, line=line, field=field, value=text) from None
    if not np.isfinite(number) or value.lower().lstrip("+-") in ("nan", "inf", "infinity") or "_" in value:
        raise DataError("not a finite number", file=file, line=line, field=field, value=text)
    return number


def _foe_weight(weights: np.ndarray) -> float:
    return float(np.sum(np.minimum(weights, 0.0)) / 2.0)


def capability_sizes(
    capabilities: pd.DataFrame,
    year: int,
    actors: Sequence[str],
    *,
    column: str = "cinc",
    registry: ActorRegistry | None = None,
) -> pd.Series:
    """Sizes for a landscape from a capabilities table (COW NMC): each actor's capability in a year.

    Parameters
    ----------
    capabilities
        A table with ``ccode``, ``year`` and ``column``, such as
        :func:`realpolitik.io.nmc.read_nmc` returns.
    year
        The year whose capabilities to use.
    actors
        realpolitik actor codes; each is matched to the COW state number it has in the
        registry on 1 July of ``year`` (or, failing that, at some point in the year).
    column
        The capability measure (default ``cinc``).
    registry
        An :class:`~realpolitik.ActorRegistry` (default: the shipped one).

    Raises
    ------
    RealpolitikError
        When an actor has no COW number in that year or no positive capability in the table.
    """
    reg = ActorRegistry.default() if registry is None else registry
    for name in ("ccode", "year", column):
        if name not in capabilities.columns:
            raise DataError(
                f"the capabilities table lacks the column '{name}' (read COW files with realpolitik.io.nmc.read_nmc)",
                field=name,
            )
    rows = capabilities[pd.to_numeric(capabilities["year"]) == int(year)]
    by_ccode = pd.Series(pd.to_numeric(rows[column], errors="coerce").to_numpy(float),
                         index=pd.to_numeric(rows["ccode"]).astype(int).to_numpy())
    mid = _dt.date(int(year), 7, 1)
    out = {}
    for code in actors:
        periods = [a for a in reg.periods(code) if a.cow_ccode is not None]
        at_mid = [a for a in periods if a.is_valid(mid)]
        in_year = [a for a in periods if a.start.year <= int(year) and (a.end is None or a.end.year >= int(year))]
        chosen = (at_mid or in_year[-1:] or [None])[0]
        if chosen is None:
            raise RealpolitikError(f"actor {code} has no COW state number in {year}")
        value = by_ccode.get(chosen.cow_ccode)
        if isinstance(value, pd.Series):
            value = value.iloc[0]
        if value is None or not np.isfinite(value) or value <= 0:
            raise RealpolitikError(
                f"no positive {column} for {code} (COW {chosen.cow_ccode}) in {year} in the capabilities table"
            )
        out[str(code)] = float(value)
    return pd.Series(out, name=column, dtype=float)


# -------------------------------------------------------------------- eigenvector


@dataclass(frozen=True, eq=False)
class EigenvectorBlocs:
    """Marvel et al.'s prediction: two blocs from the signs of the leading eigenvector.

    Attributes
    ----------
    actors
        Actor names, in landscape order.
    vector
        The unit eigenvector of the largest eigenvalue, oriented so that the first actor's
        component is non-negative (the first nonzero component positive when it is zero).
    eigenvalue
        The largest eigenvalue.
    blocs
        0 where the component is positive or zero, 1 where negative: bloc 0 holds the first actor.
    energy
        The landscape energy of that configuration.
    degenerate
        True when the largest eigenvalue is repeated (to 1e-9 relative), so that the leading
        eigenvector, and the prediction, is not unique.
    weighted
        Whether the matrix was ``s_i s_j p_ij`` rather than ``p_ij``.
    """

    actors: tuple[str, ...]
    vector: np.ndarray
    eigenvalue: float
    blocs: np.ndarray
    energy: float
    degenerate: bool
    weighted: bool

    def frame(self) -> pd.DataFrame:
        """One row per actor: ``actor``, ``component``, ``bloc``."""
        return pd.DataFrame({"actor": list(self.actors), "component": self.vector, "bloc": self.blocs.astype(int)})


def leading_eigenvector_blocs(landscape: Landscape, *, weighted: bool = False) -> EigenvectorBlocs:
    """Split the actors by the signs of the leading eigenvector of the propensity matrix.

    Parameters
    ----------
    landscape
        The actors, sizes and propensities.
    weighted
        Use ``s_i s_j p_ij`` (the landscape's pair weights) instead of ``p_ij``.

    Returns
    -------
    EigenvectorBlocs
        The eigenvector, its eigenvalue, the predicted blocs and their energy.

    References
    ----------
    Marvel, S. A., Kleinberg, J., Kleinberg, R. D., & Strogatz, S. H. (2011). Continuous-time
    model of structural balance. *Proceedings of the National Academy of Sciences* 108(5),
    1771-1776.
    """
    matrix = landscape.weights() if weighted else np.array(landscape.propensity)
    values, vectors = np.linalg.eigh(matrix)
    vector = vectors[:, -1].copy()
    scale = max(float(np.abs(values).max()), 1e-300)
    degenerate = bool(len(values) > 1 and values[-1] - values[-2] <= 1e-9 * scale)
    tiny = 1e-12 * max(float(np.abs(vector).max()), 1e-300)
    nonzero = np.flatnonzero(np.abs(vector) > tiny)
    if nonzero.size and vector[nonzero[0]] < 0:
        vector = -vector
    vector[np.abs(vector) <= tiny] = 0.0
    blocs = (vector < 0).astype(np.int8)
    return EigenvectorBlocs(
        landscape.actors, vector, float(values[-1]), blocs, landscape.energy(blocs), degenerate, weighted
    )


# ------------------------------------------------------------------------ results


@dataclass(frozen=True, eq=False)
class LandscapeResult:
    """The local minima of a landscape with their basins of attraction.

    Attributes
    ----------
    landscape
        The landscape searched.
    minima
        One row per local minimum, lowest energy first, columns :data:`MINIMA_COLUMNS`:
        ``minimum`` (its number), ``energy``, ``unsatisfied``, ``basin`` (configurations whose
        descent ends there; for multi-start, starts that ended there), ``basin_share`` (of all
        configurations; for multi-start an estimate), ``eigenvector`` (whether it is the
        leading-eigenvector prediction) and ``bloc_0``/``bloc_1`` (members joined by ``;``).
    blocs
        ``(minima, actors)`` array of 0/1: ``blocs[k, i]`` is actor i's bloc in minimum k.
    method
        ``"exhaustive"`` or ``"multistart"``.
    descent
        The descent rule that defines the basins.
    configurations
        2^(n-1) (exhaustive) or the number of starts (multi-start).
    eigenvector
        The leading-eigenvector prediction beside the landscape.
    """

    landscape: Landscape
    minima: pd.DataFrame
    blocs: np.ndarray
    method: str
    descent: str
    configurations: int
    eigenvector: EigenvectorBlocs

    def __len__(self) -> int:
        return len(self.minima)

    @property
    def exhaustive(self) -> bool:
        """Whether every configuration was examined (the minima and basins are then exact)."""
        return self.method == "exhaustive"

    def partitions(self) -> pd.DataFrame:
        """Long table of every minimum's partition: ``minimum``, ``actor``, ``bloc``, ``frustration``."""
        k, n = self.blocs.shape
        ls = self.landscape
        apart = (self.blocs[:, :, None] != self.blocs[:, None, :]).astype(float)
        frustration = np.einsum("ij,kij,j->ki", ls.propensity, apart, ls.sizes) if k else np.zeros((0, n))
        return pd.DataFrame(
            {
                "minimum": np.repeat(self.minima["minimum"].to_numpy(), n),
                "actor": np.tile(np.array(ls.actors, dtype=object), k),
                "bloc": self.blocs.reshape(-1).astype(np.int64),
                "frustration": frustration.reshape(-1),
            }
        )

    def __repr__(self) -> str:
        return (
            f"LandscapeResult({self.method}, n={self.landscape.n}, minima={len(self)}, "
            f"configurations={self.configurations})"
        )


# ----------------------------------------------------------------------- searches


def _descent_matrix(landscape: Landscape, descent: str) -> np.ndarray:
    """V with V_ij sigma_j summed over j = the field on i; sigma_i (V sigma)_i is i's change on switching."""
    weights = landscape.weights()
    if descent == "frustration":
        return weights / landscape.sizes[:, None]
    return weights


def _tolerance(matrix: np.ndarray, tol: float | None) -> float:
    if tol is not None:
        if not tol >= 0:
            raise ValueError("tol must be zero or positive")
        return float(tol)
    return _REL_TOL * float(np.abs(matrix).sum(axis=1).max(initial=0.0))


def _workers(workers: int | None) -> int:
    if workers is None:
        return max(1, min(4, os.cpu_count() or 1))
    if workers < 1:
        raise ValueError("workers must be at least 1")
    return int(workers)


def _exhaustive(v: np.ndarray, tol: float, *, basins: bool, workers: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Every local minimum (as configuration numbers) and, optionally, its basin size.

    Configuration x in [0, 2^(n-1)) puts actor j >= 1 in bloc (x >> (j - 1)) & 1 and actor 0 in
    bloc 0; sigma = 1 - 2 * bloc. Actors 0..L form the low half (bits 0..L-1), the rest the high
    half. The field on actor i, h_i = sum_j v_ij sigma_j, is the sum of a low-half and a high-half
    table; switching i changes the objective by sigma_i h_i.
    """
    n = v.shape[0]
    m = n - 1
    low = min(m, _LOW_BITS)
    high = m - low
    nl = low + 1
    n_low = 1 << low
    x_low = np.arange(n_low, dtype=np.int64)
    sig_low = np.ones((nl, n_low))
    if low:
        sig_low[1:] = 1.0 - 2.0 * ((x_low[None, :] >> np.arange(low)[:, None]) & 1)
    h_low = v[:, :nl] @ sig_low  # (n, n_low): field from actor 0 and the low actors
    t_low = h_low[:nl] * sig_low  # sigma_i h_i over the low actors (own half)
    h_low_hi = np.ascontiguousarray(h_low[nl:])
    neg_low_hi = -h_low_hi
    x_high = np.arange(1 << high, dtype=np.int64)
    sig_high = 1.0 - 2.0 * ((x_high[:, None] >> np.arange(high)[None, :]) & 1)  # (2^high, high)
    h_high = sig_high @ v[:, nl:].T  # (2^high, n): field from the high actors
    c_low = np.ascontiguousarray(h_high[:, :nl])
    b_high = h_high[:, nl:] * sig_high
    total = 1 << m
    flips = np.empty(n, dtype=np.int32)
    flips[0] = total - 1  # actor 0 switching = everyone else switching
    flips[1:] = (1 << np.arange(m)).astype(np.int32)
    rank = (n - np.arange(n)).astype(np.uint8)[:, None]
    x32 = np.arange(n_low, dtype=np.int32)
    succ = np.empty(total, dtype=np.int32) if basins else None

    def run(first: int, last: int) -> list[np.ndarray]:
        d = np.empty((n, n_low))
        best = np.empty(n_low)
        eq = np.empty((n, n_low), dtype=bool)
        ranked = np.empty((n, n_low), dtype=np.uint8)
        found = []
        for blk in range(first, last):
            np.multiply(sig_low, c_low[blk][:, None], out=d[:nl])
            d[:nl] += t_low
            for j in range(high):
                np.add(h_low_hi[j] if sig_high[blk, j] > 0 else neg_low_hi[j], b_high[blk, j], out=d[nl + j])
            np.min(d, axis=0, out=best)
            stay = best >= -tol
            base = blk << low
            found.append(np.flatnonzero(stay) + base)
            if succ is not None:
                # first actor whose change is within tol of the smallest: rank n - i on those rows
                best += tol
                np.less_equal(d, best, out=eq)
                np.multiply(eq.view(np.uint8), rank, out=ranked)
                mover = n - ranked.max(axis=0)
                x = x32 + np.int32(base)
                out = succ[base : base + n_low]
                np.bitwise_xor(x, flips[mover], out=out)
                np.copyto(out, x, where=stay)
        return found

    n_blocks = 1 << high
    tasks = min(n_blocks, 4 * workers)
    bounds = [(k * n_blocks // tasks, (k + 1) * n_blocks // tasks) for k in range(tasks)]
    if workers == 1 or tasks == 1:
        parts = [run(a, b) for a, b in bounds]
    else:
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(lambda ab: run(*ab), bounds))
    minima = np.concatenate([f for part in parts for f in part]).astype(np.int64)
    if succ is None:
        return minima, None
    final = _follow(succ, workers)
    counts = np.bincount(final, minlength=total)[minima]
    return minima, counts.astype(np.int64)


def _follow(succ: np.ndarray, workers: int) -> np.ndarray:
    """Where each configuration's chain of moves ends: pointer doubling until nothing changes."""
    size = len(succ)
    label, spare = succ, np.empty_like(succ)
    pieces = max(1, min(8 * workers, size // 65536))
    bounds = [(k * size // pieces, (k + 1) * size // pieces) for k in range(pieces)]

    def jump(a: int, b: int, src: np.ndarray, dst: np.ndarray) -> bool:
        np.take(src, src[a:b], out=dst[a:b], mode="wrap")  # every index is valid; "wrap" skips the checks
        return bool(np.array_equal(dst[a:b], src[a:b]))

    pool = ThreadPoolExecutor(workers) if workers > 1 and pieces > 1 else None
    try:
        for _ in range(size.bit_length() + 2):  # a chain has fewer than `size` moves
            if pool is None:
                done = all([jump(a, b, label, spare) for a, b in bounds])  # every piece, no short cut
            else:
                done = all(list(pool.map(lambda ab, s=label, d=spare: jump(ab[0], ab[1], s, d), bounds)))
            label, spare = spare, label
            if done:
                return label
        raise RuntimeError("internal error: the chains of moves do not end")  # pragma: no cover
    finally:
        if pool is not None:
            pool.shutdown()


def _descend_rows(sigma: np.ndarray, v: np.ndarray, tol: float) -> np.ndarray:
    """Run the descent from every row of ``sigma`` (+-1) in place; return the number of moves per row."""
    rows = np.arange(len(sigma))
    moves = np.zeros(len(sigma), dtype=np.int64)
    while rows.size:
        field = sigma[rows] @ v.T
        while rows.size:
            change = sigma[rows] * field
            low = change.min(axis=1)
            mover = np.argmax(change <= (low + tol)[:, None], axis=1)
            go = low < -tol
            rows, mover, field = rows[go], mover[go], field[go]
            if not rows.size:
                break
            old = sigma[rows, mover]
            sigma[rows, mover] = -old
            moves[rows] += 1
            field -= 2.0 * old[:, None] * v[:, mover].T
        # guard against drift of the incremental fields: re-check with fresh ones
        fresh = sigma @ v.T
        rows = np.flatnonzero((sigma * fresh).min(axis=1) < -tol)
    return moves


def _multistart(v: np.ndarray, tol: float, starts: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = v.shape[0]
    ends = []
    for first in range(0, starts, _BATCH):  # batches bound the memory of the float work arrays
        sigma = 1.0 - 2.0 * rng.integers(0, 2, size=(min(_BATCH, starts - first), n)).astype(float)
        sigma[:, 0] = 1.0
        _descend_rows(sigma, v, tol)
        ends.append(((sigma * sigma[:, :1]) < 0).astype(np.int8))  # bloc 0 holds actor 0
    unique, counts = np.unique(np.concatenate(ends), axis=0, return_counts=True)
    return unique, counts.astype(np.int64)


def _configuration_blocs(configs: np.ndarray, n: int) -> np.ndarray:
    blocs = np.zeros((len(configs), n), dtype=np.int8)
    if n > 1:
        blocs[:, 1:] = (configs[:, None] >> np.arange(n - 1)[None, :]) & 1
    return blocs


def _energies(landscape: Landscape, blocs: np.ndarray) -> np.ndarray:
    weights = landscape.weights()
    sigma = 1.0 - 2.0 * blocs.astype(float)
    constant = float(np.sum(np.triu(weights, 1)))
    return constant / 2.0 - 0.25 * np.einsum("ki,ij,kj->k", sigma, weights, sigma)


def local_minima(
    landscape: Landscape,
    *,
    method: str = "auto",
    descent: str = "energy",
    basins: bool = True,
    starts: int = _DEFAULT_STARTS,
    seed: Seed = None,
    tol: float | None = None,
    workers: int | None = None,
) -> LandscapeResult:
    """All local minima of the landscape's energy and their basins of attraction.

    Parameters
    ----------
    landscape
        Actors, sizes and propensities.
    method
        ``"exhaustive"`` examines all 2^(n-1) configurations (exact; up to 27 actors),
        ``"multistart"`` descends from ``starts`` random configurations, ``"auto"`` (default)
        is exhaustive up to :data:`EXHAUSTIVE_MAX` actors and multi-start beyond.
    descent
        The rule that defines basins: ``"energy"`` (steepest descent) or ``"frustration"``
        (the actor whose own frustration falls most switches); see the module docstring.
    basins
        Compute basins (exhaustive search only; without them the search is faster and needs
        no memory per configuration, and the basin columns are missing).
    starts
        Number of random starts for multi-start descent.
    seed
        Seed of the random starts (an int, a :class:`numpy.random.Generator` or None).
    tol
        A switch lowers the energy only if by more than ``tol`` (default 1e-9 of the largest
        possible change).
    workers
        Threads for the exhaustive search (default: the CPU count, at most 4). The result does
        not depend on it.

    Returns
    -------
    LandscapeResult
        The minima (lowest energy first) with their partitions, energies and basins, and the
        leading-eigenvector prediction beside them.

    References
    ----------
    Axelrod, R., & Bennett, D. S. (1993). A Landscape Theory of Aggregation. *British Journal of
    Political Science* 23(2), 211-233.

    Examples
    --------
    Two camps of friends who dislike the other camp: the split between the camps is the only
    minimum, and every configuration descends to it.

    >>> import numpy as np
    >>> p = np.array([[0, 1, -1, -1], [1, 0, -1, -1], [-1, -1, 0, 1], [-1, -1, 1, 0]])
    >>> result = local_minima(Landscape(np.ones(4), p, ("A", "B", "C", "D")))
    >>> result.minima[["energy", "basin", "bloc_0", "bloc_1"]].to_dict("records")
    [{'energy': -4.0, 'basin': 8, 'bloc_0': 'A;B', 'bloc_1': 'C;D'}]
    """
    if not isinstance(landscape, Landscape):
        raise TypeError("landscape must be a Landscape")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}")
    if descent not in DESCENTS:
        raise ValueError(f"descent must be one of {', '.join(DESCENTS)}")
    rng = np.random.default_rng(seed)
    n = landscape.n
    if method == "auto":
        method = "exhaustive" if n <= EXHAUSTIVE_MAX else "multistart"
    v = _descent_matrix(landscape, descent)
    threshold = _tolerance(v, tol)
    if method == "exhaustive":
        if n > _EXHAUSTIVE_LIMIT:
            raise RealpolitikError(
                f"exhaustive search is limited to {_EXHAUSTIVE_LIMIT} actors (2^(n-1) configurations); "
                "use method='multistart'"
            )
        configs, counts = _exhaustive(v, threshold, basins=basins, workers=_workers(workers))
        blocs = _configuration_blocs(configs, n)
        examined = 1 << (n - 1)
    else:
        if int(starts) < 1:
            raise ValueError("starts must be at least 1")
        blocs, counts = _multistart(v, threshold, int(starts), rng)
        examined = int(starts)
    energy = _energies(landscape, blocs)
    foes = _foe_weight(landscape.weights())
    prediction = leading_eigenvector_blocs(landscape)
    if counts is None:
        basin = pd.array([pd.NA] * len(blocs), dtype="Int64")
        share = np.full(len(blocs), np.nan)
        order = np.lexsort((np.arange(len(blocs)), energy))
    else:
        basin = counts
        share = counts / examined
        order = np.lexsort((np.arange(len(blocs)), -counts, energy))
    blocs = blocs[order]
    names = np.array(landscape.actors, dtype=object)
    members = [(";".join(names[row == 0]), ";".join(names[row == 1])) for row in blocs]
    minima = pd.DataFrame(
        {
            "minimum": np.arange(len(blocs), dtype=np.int64),
            "energy": energy[order],
            "unsatisfied": energy[order] - foes,
            "basin": basin[order],
            "basin_share": share[order],
            "eigenvector": (blocs == prediction.blocs[None, :]).all(axis=1),
            "bloc_0": [a for a, _ in members],
            "bloc_1": [b for _, b in members],
        }
    )
    return LandscapeResult(landscape, minima, blocs, method, descent, examined, prediction)


def descend(
    landscape: Landscape,
    configuration: Sequence[int] | Mapping[str, int] | np.ndarray,
    *,
    descent: str = "energy",
    tol: float | None = None,
) -> pd.DataFrame:
    """Follow the descent rule from one configuration to the local minimum it ends in.

    This is landscape theory's prediction from a starting alignment: who switches, in which
    order, and where the system settles.

    Returns
    -------
    pandas.DataFrame
        One row per step (step 0 is the start): ``step``, ``switched`` (the actor that moved,
        empty at the start), ``energy``, ``bloc_0`` and ``bloc_1`` (members joined by ``;``;
        bloc 0 holds the first actor). The last row is the local minimum.
    """
    if descent not in DESCENTS:
        raise ValueError(f"descent must be one of {', '.join(DESCENTS)}")
    blocs = landscape.blocs(configuration).copy()
    if blocs[0] == 1:
        blocs = 1 - blocs
    v = _descent_matrix(landscape, descent)
    threshold = _tolerance(v, tol)
    names = np.array(landscape.actors, dtype=object)
    steps = []
    switched = ""
    step = 0
    while True:  # every move lowers the energy, and there are finitely many configurations
        steps.append(
            (step, switched, landscape.energy(blocs), ";".join(names[blocs == 0]), ";".join(names[blocs == 1]))
        )
        sigma = 1.0 - 2.0 * blocs
        change = sigma * (v @ sigma)
        low = float(change.min())
        if not low < -threshold:
            break
        mover = int(np.argmax(change <= low + threshold))
        blocs[mover] = 1 - blocs[mover]
        switched = str(names[mover])
        step += 1
        if blocs[0] == 1:
            blocs = 1 - blocs
    return pd.DataFrame(steps, columns=["step", "switched", "energy", "bloc_0", "bloc_1"])
