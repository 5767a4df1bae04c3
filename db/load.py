"""Files into the store: the loop behind ``saraban ingest``.

Pre-checks run in order for each file (checksum, bytes already stored?), then
the pipeline, then one transaction. A file that fails is recorded as failed
and the loop goes on to the next.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from db.store import already_seen, document_for, record_duplicate, record_failure, save_document
from ingest.triage import is_supported_name
from saraban.errors import MissingFileError
from saraban.pipeline import RunContext, process_file, sha256_file

STORED, SEEN, DUPLICATE, FAILED = "stored", "seen", "duplicate", "failed"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one file: stored, seen (same bytes, same name), duplicate or failed."""

    path: Path
    status: str
    doc_id: str | None = None
    error: BaseException | None = None


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file to ingest: files as given, folders walked recursively for supported names.

    A file named on the command line is always tried (its content decides its
    kind); inside a folder only names ``ingest.triage.is_supported_name`` knows
    are taken, in sorted order.
    """
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and is_supported_name(p))
        else:
            yield path


def ingest_file(db: Database, path: Path, ctx: RunContext) -> Outcome:
    """Store one file, unless its bytes are stored already; record a failure instead of raising."""
    try:
        sha = sha256_file(path)
    except OSError as err:
        error = MissingFileError(path, f"cannot read: {err.strerror or err}")
        return Outcome(path, FAILED, record_failure(db, path, None, error), error)
    if already_seen(db, sha):
        stored = document_for(db, sha)
        doc_id = record_duplicate(db, path, sha)
        return Outcome(path, SEEN if stored and stored["path"] == str(path) else DUPLICATE, doc_id)
    try:
        result = process_file(path, ctx)
        return Outcome(path, STORED, save_document(db, result))
    except sqlite3.OperationalError:
        raise  # the database itself is unusable (disk full, locked past the timeout): stop the run
    except Exception as err:  # the edge: any failure on one file is recorded, the run goes on
        return Outcome(path, FAILED, record_failure(db, path, sha, err), err)


def ingest_paths(db: Database, paths: Iterable[Path], ctx: RunContext | None = None) -> Iterator[Outcome]:
    """Ingest every file under ``paths``, one outcome per file, in order."""
    ctx = ctx or RunContext()
    for path in expand_paths(paths):
        yield ingest_file(db, path, ctx)
