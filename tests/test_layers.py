"""The layers stack one way (README: Layout; STYLE.md section 14).

From the bottom: ``saraban.core`` (errors, options, version); ``corpus`` and
``normalizers``; ``extractors``; ``ingest`` (file readers) and ``db`` (SQL);
on top the pipeline, the runners and the CLI. A module imports its own
package and the layers below, never a layer above nor a sibling of its floor,
not even inside a function or under ``TYPE_CHECKING`` (an import hidden there
to dodge a cycle means a module sits on the wrong floor).
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import saraban

REPO = Path(__file__).resolve().parent.parent

# package -> (floor, folder in the repository)
LAYERS: dict[str, tuple[int, str]] = {
    "saraban.core": (0, "saraban/core"),
    "saraban.corpus": (1, "corpus"),
    "saraban.normalizers": (1, "normalizers"),
    "saraban.extractors": (2, "extractors"),
    "saraban.ingest": (3, "ingest"),
    "saraban.db": (3, "db"),
    "saraban": (4, "saraban"),      # pipeline, batch, watch, runner, cli: the top floor
}
# Names the folders had before they were installed under saraban (issue 12): never imported bare.
BARE = {"ingest", "db", "extractors", "normalizers", "corpus"}


def layer_of(module: str) -> str:
    """The package of LAYERS that ``module`` belongs to (the longest matching prefix)."""
    best = ""
    for package in LAYERS:
        if (module == package or module.startswith(package + ".")) and len(package) > len(best):
            best = package
    return best


def _module_name(path: Path) -> str:
    for package, (_, folder) in sorted(LAYERS.items(), key=lambda kv: -len(kv[1][1])):
        root = REPO / folder
        if path.is_relative_to(root):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            return ".".join([package, *parts])
    raise AssertionError(f"{path} is in no layer")


def _sources() -> list[Path]:
    files = []
    for _, folder in LAYERS.values():
        files += [p for p in (REPO / folder).rglob("*.py") if "__pycache__" not in p.parts]
    return sorted(set(files))


def imports_of(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, wherever it stands (functions, TYPE_CHECKING too)."""
    module = module or _module_name(path)
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against this module's package
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # "from saraban import corpus" imports the subpackage saraban.corpus
            if name == "saraban" or name.startswith("saraban."):
                found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return sorted(found)


def violations(sources: list[tuple[Path, str]] | None = None) -> list[str]:
    """One line per import that goes up a floor or sideways; ``sources``: (file, module name), else the repository."""
    out = []
    for path, module in sources if sources is not None else [(p, _module_name(p)) for p in _sources()]:
        own = layer_of(module)
        floor = LAYERS[own][0]
        for line, name in imports_of(path, module):
            where = f"{path.name}:{line}"
            if name.split(".")[0] in BARE:
                out.append(f"{where}: imports {name} by its bare folder name; use saraban.{name}")
                continue
            if name != "saraban" and not name.startswith("saraban."):
                continue
            other = layer_of(name)
            if name == "saraban" or other == own:
                continue
            if LAYERS[other][0] >= floor:
                out.append(f"{where}: {module} (floor {floor}) imports {name} ({other}, floor {LAYERS[other][0]})")
    return out


def test_the_layer_check_sees_upward_sideways_and_bare_imports(tmp_path: Path) -> None:
    """The check itself, on a module of db that imports what it must not, hidden as well as it can."""
    assert _module_name(REPO / "db" / "store.py") == "saraban.db.store"
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from typing import TYPE_CHECKING\n"
        "from saraban.db import schema\n"             # its own package: fine
        "from saraban.extractors import registry\n"   # a floor below: fine
        "if TYPE_CHECKING:\n    from saraban.pipeline import DocumentResult\n"
        "def f():\n    from saraban.ingest import triage\n"
        "import db.store\n"
        "from .. import watch\n",
        encoding="utf-8")
    found = violations([(bad, "saraban.db.bad")])
    assert sorted({int(line.split(":")[1]) for line in found}) == [5, 7, 8, 9], found


def test_no_module_imports_a_layer_above_its_own() -> None:
    assert violations() == []


def test_the_root_package_imports_only_the_bottom_layer() -> None:
    names = [n for _, n in imports_of(REPO / "saraban" / "__init__.py")]
    assert all(n.startswith("saraban.core") for n in names), names


LOWER = ["saraban.core", "saraban.corpus", "saraban.normalizers", "saraban.extractors", "saraban.ingest", "saraban.db"]


@pytest.mark.parametrize("package", LOWER)
def test_each_layer_imports_alone_in_a_fresh_interpreter(package: str) -> None:
    """Importing every module of a layer loads nothing of the layers above it, nor of its sibling."""
    folder = REPO / LAYERS[package][1]
    modules = sorted(_module_name(p) for p in folder.rglob("*.py") if "__pycache__" not in p.parts)
    modules = [m for m in modules if not m.endswith("spacy_component")]  # spaCy is optional
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('saraban.'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/",
                          env={"PYTHAINLP_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    loaded = json.loads(proc.stdout)
    floor = LAYERS[package][0]
    above = [m for m in loaded if layer_of(m) != package and LAYERS[layer_of(m)][0] >= floor]
    assert above == [], f"importing {package} loaded {above}"


def test_only_saraban_is_installed_top_level() -> None:
    """The installed names all live under saraban (no generic top-level db, ingest...)."""
    proc = subprocess.run([sys.executable, "-c", "import importlib.util as u, json; "
                           f"print(json.dumps({{n: u.find_spec(n) is not None for n in {sorted(BARE)!r}}}))"],
                          capture_output=True, text=True, cwd="/", env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {name: False for name in BARE}
    assert saraban.__version__


@pytest.mark.slow
def test_the_wheel_holds_one_top_level_package(tmp_path: Path) -> None:
    """``pip wheel .``: every file of the wheel is under saraban/ (or its dist-info)."""
    import zipfile

    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(tmp_path), str(REPO)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("saraban-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"saraban"}
    for needed in ("saraban/ingest/ocr.py", "saraban/db/store.py", "saraban/corpus/data/provinces.json",
                   "saraban/watch/loop.py", "saraban/core/errors.py"):
        assert needed in names
