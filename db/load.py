"""Files into the store: the loop behind ``saraban ingest``.

Pre-checks run in order for each file (checksum, bytes already stored?), then
the pipeline, then one transaction. A file that fails is recorded as failed
and the loop goes on to the next.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
import sqlite3

from sqlite_utils import Database

from saraban.db import schema
from saraban.db.store import already_seen, record_duplicate, record_failure, save_document
from saraban.ingest.triage import is_supported_name
from saraban.core.errors import MissingFileError
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
            yield from _walk(path)
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path]:
    """Supported files under ``folder`` in the order of ``sorted(folder.rglob("*"))``, streamed.

    One folder's names are sorted at a time, so an archive of tens of thousands
    of files is never held as one list (issue 7). Folder symlinks are not
    followed, so a link back up the tree cannot loop.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file() and is_supported_name(Path(entry.name)):
            yield Path(entry.path)


def check_stored(db: Database, path: Path, sha: str) -> Outcome | None:
    """The outcome for bytes already stored (seen again, or a duplicate copy noted); None if new."""
    if not already_seen(db, sha):
        return None
    doc_id = record_duplicate(db, path, sha)
    stored_path = db[schema.DOCUMENTS].get(doc_id)["path"] if doc_id else None
    return Outcome(path, SEEN if stored_path == str(path) else DUPLICATE, doc_id)


def ingest_file(db: Database, path: Path, ctx: RunContext) -> Outcome:
    """Store one file, unless its bytes are stored already; record a failure instead of raising."""
    try:
        sha = sha256_file(path)
    except OSError as err:
        error = MissingFileError(path, f"cannot read: {err.strerror or err}")
        return Outcome(path, FAILED, record_failure(db, path, None, error), error)
    seen = check_stored(db, path, sha)
    if seen is not None:
        return seen
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
