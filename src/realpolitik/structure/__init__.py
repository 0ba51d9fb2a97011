"""Structure: measures that take Relations or a signed graph, for history and simulation alike."""

from .signed import SignedGraph

__all__ = ["SignedGraph"]
