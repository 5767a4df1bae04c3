"""Every module's doctests, imported by its installed name (``saraban.ingest.ocr``, not ``ingest.ocr``).

pytest's ``--doctest-modules`` would import the folders at the top of the
repository under their bare names (``ingest``, ``db``), a second copy of each
module beside the installed one; so the modules are found by walking the
installed package instead.
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import saraban

# Modules that do work when imported: the command's entry point and the pools' warm-ups.
SKIP = ("saraban.__main__", "saraban._pool_warmup", "saraban._pool_warmup_words")


def _modules() -> list[str]:
    names = ["saraban"]
    for info in pkgutil.walk_packages(saraban.__path__, "saraban."):
        names.append(info.name)
    # the mapped folders are subpackages whose path is not under saraban/: walk them too
    for sub in ("core", "corpus", "normalizers", "extractors", "ingest", "db", "watch"):
        package = importlib.import_module(f"saraban.{sub}")
        names.append(package.__name__)
        names += [info.name for info in pkgutil.walk_packages(package.__path__, f"saraban.{sub}.")]
    return sorted(n for n in set(names) if n not in SKIP)


MODULES = _modules()


def test_every_layer_is_walked() -> None:
    for name in ("saraban.ingest.ocr", "saraban.extractors.dates", "saraban.db.store",
                 "saraban.normalizers.thai", "saraban.corpus", "saraban.watch.filing"):
        assert name in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} doctest examples failed (run it with -s to see)"
