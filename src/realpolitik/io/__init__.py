"""Readers: event files in realpolitik's own format, and the field's datasets."""

from .eventfile import read_events, read_frame, records_from_frame, write_rejections

__all__ = ["read_events", "read_frame", "records_from_frame", "write_rejections"]
