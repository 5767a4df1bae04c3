"""Archives: many files, or every stored document, through the pipeline in parallel, one writer.

Workers (``saraban.runner``: local processes, or a Dask cluster) do the
per-document work (``saraban.tasks``: ``extract_file`` for ingest,
``reextract_documents`` for reprocess) and send back what to store; this
process alone writes to SQLite, one transaction per document, in input
order. Results are taken in the order the work was handed out, so a run on a
Dask cluster stores the same rows, with the same ids, as a run on one machine.

Memory stays flat however large the archive: the file list is streamed
(:func:`expand_paths`) and at most ``runner.slots`` tasks are handed out and
not yet stored.

Both runs can be resumed: ingest skips bytes already stored (by sha256, read
here, no OCR) and reprocess takes only documents stored with another
extractors version, and each document is one transaction, so after a crash
the next run finishes the rest.
"""
from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from saraban.core.errors import MissingFileError, SarabanError
from saraban.db.store import (
    already_seen,
    content_key,
    database_file,
    documents_to_reprocess,
    stored_pages,
    record_duplicate,
    record_failure,
    save_mentions,
    store_document,
    stored_path,
)
from saraban.ingest.triage import is_supported_name
from saraban.pipeline import RunContext, sha256_file
from saraban.progress import Progress
from saraban.runner import IN_FLIGHT_PER_WORKER, Runner, Slot, in_order
from saraban.tasks import Failed, describe_failure, extract_file, reextract_documents, reextract_stored

STORED, SEEN, DUPLICATE, FAILED, REPROCESSED = "stored", "seen", "duplicate", "failed", "reprocessed"
# Documents per reprocess task, at most: one task per document spent more on
# handing it over than on extracting it (issue 7). Fewer in a small run, so
# every worker gets some.
REPROCESS_BATCH = 16
# Documents per task while the workers start and the tasks run in the caller (5 ms each).
WARMING_BATCH = 2
# Paths shown per failure reason in the summary, and distinct reasons kept (the
# rest are counted together), so the summary stays small however many fail.
FAILURE_EXAMPLES = 3
FAILURE_REASONS = 50
OTHER_REASONS = "(other reasons)"


# --- the files of a run


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


# --- the summary


@dataclass(slots=True)
class Summary:
    """What a run did: outcomes counted, pages by how they were read, failures grouped by reason."""

    action: str
    db_path: str
    counts: Counter[str] = field(default_factory=Counter)
    pages: Counter[str] = field(default_factory=Counter)
    failures: dict[str, list[Any]] = field(default_factory=dict)  # reason -> [count, example paths]
    seconds: float = 0.0

    def add(self, status: str) -> None:
        self.counts[status] += 1

    def add_failure(self, path: Path | str, error: BaseException) -> None:
        """Count a failure under its reason (the error's class and message without the path)."""
        self.counts[FAILED] += 1
        reason = error.reason if isinstance(error, SarabanError) else str(error)
        key = f"{type(error).__name__}: {reason}"
        if key not in self.failures and len(self.failures) >= FAILURE_REASONS:
            key = OTHER_REASONS
        entry = self.failures.setdefault(key, [0, []])
        entry[0] += 1
        if len(entry[1]) < FAILURE_EXAMPLES:
            entry[1].append(str(path))

    @property
    def failed(self) -> int:
        return self.counts[FAILED]

    def lines(self) -> list[str]:
        """The summary as printed at the end of ``saraban ingest`` / ``saraban reprocess``."""
        tally = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items()) if n)
        out = [f"saraban: {self.db_path}: {tally or 'nothing to do'}"]
        if self.pages:
            out.append("  pages: " + ", ".join(f"{n} {method}" for method, n in sorted(self.pages.items())))
        if self.failures:
            out.append(f"  failed ({self.failed}), by reason:")
            for reason, (n, examples) in sorted(self.failures.items(), key=lambda kv: (-kv[1][0], kv[0])):
                more = ", ..." if n > len(examples) else ""
                out.append(f"    {n} x {reason} ({', '.join(examples)}{more})")
        done = sum(self.counts.values())
        rate = done / self.seconds if self.seconds > 0 else 0.0
        unit = "files" if self.action == "ingest" else "docs"
        timing = f"  time: {self.seconds:.1f} s, {rate:.1f} {unit}/s"
        if self.pages:
            timing += f", {sum(self.pages.values()) / self.seconds if self.seconds > 0 else 0.0:.1f} pages/s"
        out.append(timing)
        return out


def _note_failure(progress: Progress, path: Path | str, error: BaseException) -> None:
    progress.note(f"saraban: {describe_failure(path, error)}")


# --- ingest


@contextlib.contextmanager
def _run(summary: Summary, progress: Progress) -> Iterator[None]:
    """Time a run into its summary; then close the progress."""
    started = time.monotonic()
    try:
        yield
    finally:
        summary.seconds = time.monotonic() - started
        progress.close()


def ingest_archive(db: Database, paths: Iterable[Path], runner: Runner, *, db_path: str = "",
                   ctx: RunContext | None = None, progress: Progress | None = None) -> Summary:
    """Store every file under ``paths``: extraction on the runner's workers, every write here, in order.

    Bytes already stored are skipped (a rerun, or the rest after a crash);
    the same bytes twice in one run are stored once and the copy noted. A
    file that fails is stored as failed, with its reason, and the run goes on.
    """
    ctx = ctx or RunContext()
    if progress is None:
        progress = Progress(None, label="saraban ingest", enabled=False)
    # Files run side by side: each takes its pages one at a time (no OCR threads on top).
    worker_ctx = ctx if runner.workers == 1 else ctx.one_page_at_a_time()
    summary = Summary("ingest", db_path)
    in_flight: Counter[str] = Counter()  # sha256 of slots handed out and not yet stored
    paths = [Path(p) for p in paths]
    folders = [p for p in paths if p.is_dir()]  # the public sees paths relative to these

    def slots() -> Iterator[Slot]:
        for path in expand_paths(paths):
            root = archive_root(path, folders)
            try:
                sha = sha256_file(path)
            except OSError as err:
                error = MissingFileError(path, f"cannot read: {err.strerror or err}")
                yield Slot(path, None, {"error": error, "root": root})
                continue
            if content_key(sha) is None:  # zero bytes: no content to share, each file fails on its own
                yield Slot(path, (extract_file, (path, worker_ctx)), {"sha": sha, "root": root})
                continue
            known = in_flight[sha] > 0 or already_seen(db, sha)
            in_flight[sha] += 1
            yield Slot(path, None if known else (extract_file, (path, worker_ctx)), {"sha": sha, "root": root})

    with _run(summary, progress):
        for slot in in_order(runner, slots()):
            _store_file(db, slot, summary, progress)
            sha = slot.info.get("sha")
            if sha in in_flight:
                in_flight[sha] -= 1
                if not in_flight[sha]:
                    del in_flight[sha]
    return summary


def archive_root(path: Path, folders: list[Path]) -> Path | None:
    """The folder named on the command line that ``path`` was found under (the deepest), or None.

    >>> archive_root(Path("archive/2566/memo.pdf"), [Path("archive")])
    PosixPath('archive')
    >>> archive_root(Path("memo.pdf"), [Path("archive")]) is None
    True
    """
    under = [f for f in folders if path.is_relative_to(f)]
    return max(under, key=lambda f: len(f.parts)) if under else None


def _store_file(db: Database, slot: Slot, summary: Summary, progress: Progress) -> None:
    """The writer's step for one file, in input order."""
    path, sha, root = slot.key, slot.info.get("sha"), slot.info.get("root")
    result = slot.result
    if slot.error is not None:  # the runner's own failure (a worker died on it)
        result = Failed(slot.error)
    error = slot.info.get("error") or (result.error if isinstance(result, Failed) else None)
    if error is not None:
        record_failure(db, path, sha, error, root=root)
        summary.add_failure(path, error)
        _note_failure(progress, path, error)
        progress.update(1)
        return
    if slot.task is None or already_seen(db, result.doc.sha256):
        # stored before this run, or earlier in it (the same bytes under another name)
        summary.add(_seen_again(db, path, sha, root))
        progress.update(1)
        return
    if not store_document(db, result.doc, root=root).new:  # another run stored these bytes meanwhile: a copy noted
        summary.add(DUPLICATE)
        progress.update(1)
        return
    summary.add(STORED)
    for page in result.doc.pages:
        summary.pages[page.method] += 1
    progress.update(1, pages=len(result.doc.pages))


def _seen_again(db: Database, path: Path, sha: str, root: Path | None) -> str:
    """Note stored bytes met again: ``seen`` under the stored name, else a ``duplicate`` copy noted.

    Bytes whose earlier copy in this run failed are noted against it as a duplicate.
    """
    stored = already_seen(db, sha)
    doc_id = record_duplicate(db, path, sha, root=root)
    return SEEN if stored and doc_id is not None and stored_path(db, doc_id) == str(path) else DUPLICATE


# --- reprocess


def reprocess_store(db: Database, runner: Runner, *, all: bool = False, db_path: str = "",  # noqa: A002
                    ctx: RunContext | None = None, progress: Progress | None = None) -> Summary:
    """Re-run normalizers and extractors over the stored page text of out-of-date documents (no OCR).

    Out of date: stored with another ``extractors_version()`` than now, or
    every processed document with ``all=True``. Each document's mentions are
    replaced in one transaction and it gets the current version, so a rerun
    after a crash takes only the documents not yet done. Pages stay as stored.
    """
    ctx = (ctx or RunContext()).one_page_at_a_time()
    if progress is None:
        progress = Progress(None, label="saraban reprocess", unit="doc", enabled=False)
    summary = Summary("reprocess", db_path)
    todo_ids = documents_to_reprocess(db, all=all)
    # workers on this machine read the pages themselves; a Dask cluster's may not see the file
    db_file = database_file(db) if runner.local else None

    def task(ids: list[str]) -> tuple[Any, tuple[Any, ...]]:
        if db_file is not None:
            return reextract_stored, (db_file, ids, ctx)
        return reextract_documents, (list(stored_pages(db, ids)), ctx)

    # a slot's key names its documents, as a WorkerDiedError's path when one kills its worker
    todo = (Slot(", ".join(d for d, _ in docs), task([d for d, _ in docs]),
                 {"doc_ids": [d for d, _ in docs], "pages": [n for _, n in docs]})
            for docs in _shrinking_batches(todo_ids, runner.workers * IN_FLIGHT_PER_WORKER,
                                           small=lambda: runner.warming))
    with _run(summary, progress):
        for slot in in_order(runner, todo):
            doc_ids = slot.info["doc_ids"]
            if slot.error is not None:
                results = [Failed(slot.error)] * len(doc_ids)
            else:
                results = slot.result
            for doc_id, result, pages in zip(doc_ids, results, slot.info["pages"]):
                if isinstance(result, Failed):
                    # the stored document and its mentions stay as they were; the next run tries again
                    summary.add_failure(doc_id, result.error)
                    _note_failure(progress, doc_id, result.error)
                else:
                    save_mentions(db, result)
                    summary.add(REPROCESSED)
                progress.update(1, pages=pages)
    return summary


def _shrinking_batches(items: list[Any], slots: int, small: Callable[[], bool] = lambda: False) -> Iterator[list[Any]]:
    """``items`` in batches of at most REPROCESS_BATCH, each at most a ``slots``-th of what is left.

    The batches shrink towards the end (guided self-scheduling), so no worker
    sits idle while the other finishes a full batch: a sixteenth of a second
    in a 3-second reprocess of 1,000 documents on 2 cores (bench/archive.py).
    While ``small()`` says so (the workers are starting and the caller runs
    the tasks itself) a batch is WARMING_BATCH documents: the caller is back
    to hand the next batch to the workers soon after they are up.

    >>> [len(b) for b in _shrinking_batches(list(range(40)), 8)]
    [5, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    """
    pos = 0
    while pos < len(items):
        size = min(max((len(items) - pos) // slots, 1), WARMING_BATCH if small() else REPROCESS_BATCH)
        yield items[pos:pos + size]
        pos += size
