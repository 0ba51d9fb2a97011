"""Shared fixtures: where the field's real data lies (tests skip when it is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def shared_data_dir() -> Path:
    env = os.environ.get("REALPOLITIK_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared data not present at {path}")
    return path


@pytest.fixture
def write_csv(tmp_path):
    """Write text (or bytes) to a CSV file in a temporary folder and return its path."""

    def _write(content: str | bytes, name: str = "events.csv") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
