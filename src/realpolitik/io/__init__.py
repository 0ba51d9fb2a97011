"""Readers: event files in realpolitik's own format, and the field's datasets."""

from .atop import read_atop
from .cow import read_cow_alliances, read_cow_states, read_signed_edges, read_signed_windows
from .eventfile import read_events, read_frame, records_from_frame, write_rejections
from .gdelt import read_gdelt
from .icews import read_icews
from .mid import mid_dyads, read_mid_dyads, read_mid_participants
from .nmc import read_major_powers, read_nmc
from .phoenix import read_phoenix

__all__ = [
    "mid_dyads",
    "read_atop",
    "read_cow_alliances",
    "read_cow_states",
    "read_events",
    "read_frame",
    "read_gdelt",
    "read_icews",
    "read_major_powers",
    "read_mid_dyads",
    "read_mid_participants",
    "read_nmc",
    "read_phoenix",
    "read_signed_edges",
    "read_signed_windows",
    "records_from_frame",
    "write_rejections",
]
