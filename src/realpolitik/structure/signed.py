"""Signed graphs: friends (+1) and foes (−1) among actors, the input of every balance measure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import DataError
from ..relations import Relations

__all__ = ["SignedGraph"]

_COMBINE = ("error", "negative", "positive", "sum")


@dataclass(frozen=True, eq=False)
class SignedGraph:
    """An undirected signed graph with named nodes and at most one edge per pair.

    Edges are stored as index arrays ``u < v`` into ``nodes`` with ``sign`` in {−1, +1}.
    Build one with :meth:`from_edges` or :meth:`from_relations`.
    """

    nodes: tuple[str, ...]
    u: np.ndarray
    v: np.ndarray
    sign: np.ndarray

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def m(self) -> int:
        """Number of edges."""
        return len(self.sign)

    @property
    def negative(self) -> int:
        """Number of negative edges."""
        return int((self.sign < 0).sum())

    @classmethod
    def from_edges(
        cls,
        edges: pd.DataFrame | Iterable[tuple[str, str, int]],
        *,
        nodes: Sequence[str] | None = None,
        combine: str = "error",
        source: str | None = None,
    ) -> SignedGraph:
        """Build from ``(src, tgt, sign)`` rows; direction is ignored.

        ``combine`` says what to do when a pair appears more than once: ``"error"``
        (refuse), ``"negative"`` (any − wins: conflict trumps alliance), ``"positive"``
        (any + wins), or ``"sum"`` (sign of the sum; a tie drops the edge).
        """
        if combine not in _COMBINE:
            raise ValueError(f"combine must be one of {', '.join(_COMBINE)}")
        frame = edges if isinstance(edges, pd.DataFrame) else pd.DataFrame(list(edges), columns=["src", "tgt", "sign"])
        for column in ("src", "tgt", "sign"):
            if column not in frame.columns:
                raise DataError("edge table lacks a column", file=source, field=column)
        src = frame["src"].astype(str).str.strip().to_numpy()
        tgt = frame["tgt"].astype(str).str.strip().to_numpy()
        sign = pd.to_numeric(frame["sign"], errors="coerce").to_numpy()
        checks = [
            (~np.isin(sign, (-1, 1)), "sign", "sign must be -1 or +1", frame["sign"].to_numpy()),
            ((src == "") | (tgt == ""), "src", "node name is empty", src),
            (src == tgt, "tgt", "an edge needs two different nodes", tgt),
        ]
        for bad, field, reason, values in checks:
            if bad.any():
                i = int(np.argmax(bad))
                raise DataError(reason, file=source, line=i + 2, field=field, value=values[i])
        names = sorted(set(src) | set(tgt) | set(nodes or ()))
        index = pd.Index(names)
        a = index.get_indexer(src).astype(np.int64)
        b = index.get_indexer(tgt).astype(np.int64)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        pairs = pd.DataFrame({"u": lo, "v": hi, "sign": sign.astype(np.int64), "line": np.arange(len(frame)) + 2})
        grouped = pairs.groupby(["u", "v"], sort=True)
        if combine == "error":
            dup = pairs[pairs.duplicated(["u", "v"], keep="first")]
            if not dup.empty:
                row = dup.iloc[0]
                raise DataError(
                    f"pair {names[row.u]}–{names[row.v]} appears twice; choose how to combine duplicates",
                    file=source, line=int(row.line), field="tgt",
                )
            merged = grouped["sign"].first()
        elif combine == "negative":
            merged = grouped["sign"].min()
        elif combine == "positive":
            merged = grouped["sign"].max()
        else:
            merged = np.sign(grouped["sign"].sum())
            merged = merged[merged != 0]
        uv = merged.index.to_frame(index=False)
        return cls(
            tuple(names),
            uv["u"].to_numpy(np.int64),
            uv["v"].to_numpy(np.int64),
            merged.to_numpy().astype(np.int8),
        )

    @classmethod
    def from_relations(
        cls,
        relations: Relations,
        period: str,
        *,
        actors: Sequence[str] | None = None,
        threshold: float = 0.1,
    ) -> SignedGraph:
        """The signed graph of one period: the sign of each dyad's mean stance.

        Dyads whose undirected stance lies within ``threshold`` of zero get no edge.
        """
        sym = relations.symmetric()
        sym = sym[sym["period"] == str(period)]
        if actors is not None:
            sym = sym[sym["a"].isin(actors) & sym["b"].isin(actors)]
        sym = sym[sym["stance"].abs() > threshold]
        edges = pd.DataFrame({"src": sym["a"], "tgt": sym["b"], "sign": np.sign(sym["stance"]).astype(int)})
        return cls.from_edges(edges, nodes=actors)

    def adjacency(self) -> np.ndarray:
        """Dense signed adjacency matrix (n × n, symmetric, zeros where no edge)."""
        a = np.zeros((self.n, self.n), dtype=np.int8)
        a[self.u, self.v] = self.sign
        a[self.v, self.u] = self.sign
        return a

    def edges(self) -> pd.DataFrame:
        """The edges as a table ``src, tgt, sign`` with node names."""
        names = np.array(self.nodes, dtype=object)
        return pd.DataFrame({"src": names[self.u], "tgt": names[self.v], "sign": self.sign.astype(int)})

    def to_networkx(self):  # -> networkx.Graph, imported lazily
        """A networkx Graph with a ``sign`` attribute on each edge."""
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(self.nodes)
        for a, b, s in zip(self.u, self.v, self.sign):
            g.add_edge(self.nodes[a], self.nodes[b], sign=int(s))
        return g

    def __repr__(self) -> str:
        return f"SignedGraph(n={self.n}, m={self.m}, negative={self.negative})"
