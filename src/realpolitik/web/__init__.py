"""The web page and its JSON API (``realpolitik serve``): a thin layer over the library."""

from .app import create_app

__all__ = ["create_app"]
