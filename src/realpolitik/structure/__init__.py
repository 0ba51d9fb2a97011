"""Structure: measures that take Relations or a signed graph, for history and simulation alike."""

from .balance import TriadCensus, algebraic_conflict, triad_census, triangle_index, walk_balance_index
from .blocs import Landscape, LandscapeResult, capability_sizes, leading_eigenvector_blocs, local_minima
from .frustration import FrustrationResult, frustration_heuristic, frustration_index
from .networks import alliance_dispute_edges, alliance_dispute_networks, signed_windows
from .polarity import concentration, effective_poles
from .signed import SignedGraph
from .triangle import classify_triangle, periodize, strategic_triangle

__all__ = [
    "FrustrationResult",
    "Landscape",
    "LandscapeResult",
    "SignedGraph",
    "TriadCensus",
    "algebraic_conflict",
    "alliance_dispute_edges",
    "alliance_dispute_networks",
    "capability_sizes",
    "classify_triangle",
    "concentration",
    "effective_poles",
    "frustration_heuristic",
    "frustration_index",
    "leading_eigenvector_blocs",
    "local_minima",
    "periodize",
    "signed_windows",
    "strategic_triangle",
    "triad_census",
    "triangle_index",
    "walk_balance_index",
]
