"""Shared fixtures: the dev corpus, and where the shared tools are."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

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


@pytest.fixture(scope="session")
def shared_tool(shared: Path):
    """Load one of ../shared/tools (score, ocr_cer, render_scans) as a module: ``shared_tool("score")``."""
    def load(name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(name, shared / "tools" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return load
