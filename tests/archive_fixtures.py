"""Archives for the batch tests: varied Thai letters written as real files, and a database snapshot.

The letters come from bench/archive.py (the dev texts of corpus/samples with
their numbers, dates and provinces changed), so the tests and the benchmark
read the same kind of archive.
"""
from __future__ import annotations

import importlib.util
import shutil
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlite_utils import Database

from saraban.extractors.registry import EXTRACTORS

REPO = Path(__file__).resolve().parent.parent
# Columns that say when, not what: left out when two databases are compared.
CLOCK_COLUMNS = frozenset({"processed_at", "first_seen", "seen_at"})


@cache
def bench_archive() -> ModuleType:
    """bench/archive.py as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_archive", REPO / "bench" / "archive.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def write_letters(folder: Path, n: int, *, seed: int = 7) -> list[Path]:
    """``n`` varied letters as UTF-8 .txt files, five to a sub-folder."""
    return bench_archive().write_text_archive(folder, n, seed=seed, per_folder=5)


def add_bad_files(folder: Path, letters: list[Path]) -> dict[str, Path]:
    """Files that fail, each for its own reason, and one copy of a letter under another name."""
    bad = folder / "zz-bad"  # after the letters, so the copy is the second one seen
    bad.mkdir(parents=True, exist_ok=True)
    files = {
        "empty": bad / "empty.txt",
        "binary": bad / "scan.txt",
        "garbled": bad / "garbled.txt",
        "copy": bad / "copy of letter.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x00\x01\x02 not a letter \x00" * 20)
    files["garbled"].write_bytes("Привет, мир: это не тайский текст.".encode("cp1251"))
    shutil.copyfile(letters[0], files["copy"])
    return files


def snapshot(db_path: Path | str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the documents, pages, copies and field tables, in key order, without timestamps."""
    db = Database(db_path)
    keys = {"documents": "doc_id", "pages": "id", "copies": "doc_id, path"}
    out = {}
    for table in [*keys, *EXTRACTORS]:
        order = keys.get(table, "doc_id, seq")
        out[table] = [
            {k: v for k, v in row.items() if k not in CLOCK_COLUMNS}
            for row in db[table].rows_where(order_by=order)
        ]
    db.close()
    return out
