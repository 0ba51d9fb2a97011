"""The public namespace: a sorted, honest __all__ and no side effects at import."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import realpolitik


@pytest.mark.parametrize("module", ["realpolitik", "realpolitik.io", "realpolitik.structure"])
def test_all_is_sorted_and_every_name_exists(module):
    mod = importlib.import_module(module)
    assert mod.__all__ == sorted(mod.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name), name


def test_errors_share_one_base():
    for name in ("DataError", "UnknownActorError", "UnknownCameoCodeError"):
        assert issubclass(getattr(realpolitik, name), realpolitik.RealpolitikError)


def test_import_reads_no_data_and_prints_nothing():
    code = (
        "import realpolitik, realpolitik.actors as a, realpolitik.cameo as c, realpolitik.citations as b;"
        "print(c._load.cache_info().currsize, b._entries.cache_info().currsize,"
        " a._read_data.cache_info().currsize, a._default_registry.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0", "0", "0"] and out.stderr == ""
