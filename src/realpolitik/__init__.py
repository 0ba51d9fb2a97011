"""realpolitik: model how alliances among states form, split and re-form."""

from . import datasets
from ._errors import DataError, RealpolitikError, UnknownActorError, UnknownCameoCodeError
from .actors import ActorRegistry, resolve
from .citations import cite
from .events import LoadResult
from .io.eventfile import read_events
from .relations import Relations, relations
from .store import EventStore

__all__ = [
    "ActorRegistry",
    "DataError",
    "EventStore",
    "LoadResult",
    "RealpolitikError",
    "Relations",
    "UnknownActorError",
    "UnknownCameoCodeError",
    "cite",
    "datasets",
    "read_events",
    "relations",
    "resolve",
]
__version__ = "0.1.0"
