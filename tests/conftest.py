"""Shared fixtures: the dev corpus, and where the shared tools are."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "corpus" / "samples"
# The shared dev corpus with its gold, beside the repo when present (CI has it).
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def samples() -> list[Path]:
    """The five bundled dev documents."""
    return sorted(SAMPLES.glob("*.txt"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder (spec, gold, tools); tests that need it skip without it."""
    if not (SHARED / "corpus" / "gold").is_dir():
        pytest.skip("../shared is not beside the repo")
    return SHARED
