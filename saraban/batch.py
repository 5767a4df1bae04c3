"""Archives: many files, or every stored document, through the pipeline in parallel, one writer.

Workers (a local process pool, or a Dask cluster) do the per-document work
(``process_file`` for ingest, ``process_text`` over the stored pages for
reprocess) and send the ``DocumentResult`` back; this process alone writes to
SQLite, one transaction per document, in input order. Results are taken in the
order the work was handed out, so a run on a Dask cluster stores the same rows,
with the same ids, as a run on one machine.

Memory stays flat however large the archive: the file list is streamed
(``db.load.expand_paths``) and at most ``IN_FLIGHT_PER_WORKER`` tasks per
worker are handed out and not yet stored.

Both runs can be resumed: ingest skips bytes already stored (by sha256, read
here, no OCR) and reprocess takes only documents stored with another
extractors version, and each document is one transaction, so after a crash
the next run finishes the rest.
"""
from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import pickle
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from saraban.db.load import DUPLICATE, FAILED, SEEN, STORED, check_stored, expand_paths
from saraban.db.store import (
    already_seen,
    Mentions,
    count_to_reprocess,
    mention_rows,
    page_words,
    pages_to_reprocess,
    record_duplicate,
    record_failure,
    save_document,
    save_mentions,
)
from saraban.core.errors import MissingFileError, SarabanError, WorkerDiedError
from saraban.pipeline import PAGE_BREAK, DocumentResult, RunContext, process_file, process_text, sha256_file
from saraban.progress import Progress

# Tasks handed out and not yet stored, per worker: enough that no worker waits
# while the writer commits, few enough that memory does not grow with the archive.
IN_FLIGHT_PER_WORKER = 4
# Documents per reprocess task, at most: one task per document spent more on
# handing it over than on extracting it (issue 7). Fewer in a small run, so
# every worker gets some.
REPROCESS_BATCH = 16
# Paths shown per failure reason in the summary, and distinct reasons kept (the
# rest are counted together), so the summary stays small however many fail.
FAILURE_EXAMPLES = 3
FAILURE_REASONS = 50
OTHER_REASONS = "(other reasons)"
REPROCESSED = "reprocessed"
# Seconds to wait for a Dask scheduler to answer before giving up.
DASK_CONNECT_TIMEOUT_S = 10


# --- worker side: module-level functions, so a process pool or Dask can pickle them by name


@dataclass(frozen=True, slots=True)
class Failed:
    """A worker's failure, sent back as a value so the writer records it and goes on."""

    error: BaseException


def _portable(err: BaseException) -> BaseException:
    """``err`` if it survives pickling (ours do: SarabanError.__reduce__), else a RuntimeError saying it."""
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:
        return RuntimeError(f"{type(err).__name__}: {err}")
    return err


@dataclass(frozen=True, slots=True)
class Extracted:
    """A worker's result for one file, with its pages' search words segmented there, not in the writer."""

    result: DocumentResult
    words: list[str]


def extract_file(path: Path, ctx: RunContext) -> Extracted | Failed:
    """Worker side of ingest: one file through ``process_file`` (text layer or OCR)."""
    try:
        result = process_file(path, ctx)
        return Extracted(result, page_words(result))
    except Exception as err:  # the edge: the writer records the failure, the run goes on
        return Failed(_portable(err))


def reextract_documents(docs: list[tuple[str, list[int], list[str]]], ctx: RunContext) -> list[Mentions | Failed]:
    """Worker side of reprocess: stored raw page texts through normalizers and extractors, no OCR.

    ``docs``: (doc id, stored page numbers, raw page texts), several per task
    so the hand-over costs are shared. Each document comes back as its
    mention rows (``db.store.mention_rows``: the writer only inserts them), or
    as its own ``Failed``.
    """
    out: list[Mentions | Failed] = []
    for doc_id, numbers, texts in docs:
        try:
            result = process_text(PAGE_BREAK.join(texts), doc_id, ctx=ctx)
            out.append(mention_rows(result, numbers, ctx.extractors))
        except Exception as err:  # the edge: the writer records the failure, the run goes on
            out.append(Failed(_portable(err)))
    return out


# --- where the work runs


class Runner:
    """Runs tasks somewhere and hands back futures (``.result()``); ``slots`` bounds those in flight."""

    slots: int = 1
    workers: int = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        raise NotImplementedError

    def restart(self) -> None:
        """Start afresh after the workers died (only a local pool can)."""
        raise BrokenProcessPool("the workers died")

    def close(self) -> None:
        pass


class InlineRunner(Runner):
    """``--jobs 1``: each task runs here when submitted; no process to start."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as err:
            future.set_exception(err)
        return future


class PoolRunner(Runner):
    """``--jobs N``: a pool of N worker processes on this machine.

    Workers come from a fork server, not a fork of the writer: the writer holds
    an SQLite connection and threads, neither of which a fork may copy. The
    server runs the pipeline once (``saraban._pool_warmup``, and with
    ``words`` the pages' search words too, ``saraban._pool_warmup_words``), so
    each worker starts with it loaded and warm.
    """

    def __init__(self, jobs: int, *, words: bool = True) -> None:
        self.workers = jobs
        self.slots = jobs * IN_FLIGHT_PER_WORKER
        self._preload = ["saraban.batch", "saraban._pool_warmup"]
        if words:
            self._preload.append("saraban._pool_warmup_words")
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(self._preload)
        self._pool = ProcessPoolExecutor(self.workers, mp_context=context)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._pool.submit(fn, *args)

    def restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._start()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)  # nothing is pending unless the run was interrupted


class DaskRunner(Runner):
    """``--dask ADDRESS``: the workers of a running Dask distributed cluster.

    Every worker must have Saraban installed and see the files at the same
    path as this machine (README: Archives on a Dask cluster).
    """

    def __init__(self, address: str) -> None:
        from distributed import Client

        self.client = Client(address, timeout=DASK_CONNECT_TIMEOUT_S)
        self.workers = max(sum(self.client.nthreads().values()), 1)
        self.slots = self.workers * IN_FLIGHT_PER_WORKER

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        # pure=False: the same file twice is two tasks (and Dask keeps no result cache)
        return self.client.submit(fn, *args, pure=False)

    def close(self) -> None:
        self.client.close()


def make_runner(jobs: int, dask_address: str | None = None, *, words: bool = True) -> Runner:
    """A Dask runner when an address is given, else a pool of ``jobs`` processes (inline for 1).

    ``words=False``: the workers will not segment pages' search words (reprocess),
    so a local pool does not warm that up.
    """
    if dask_address:
        return DaskRunner(dask_address)
    if jobs <= 1:
        return InlineRunner()
    return PoolRunner(jobs, words=words)


@dataclass(slots=True)
class _Slot:
    """One item in input order: its task (None when the writer alone decides) and, later, its result."""

    key: Any
    task: tuple[Callable[..., Any], tuple[Any, ...]] | None
    info: dict[str, Any] = field(default_factory=dict)
    future: Any = None
    result: Any = None


def _in_order(runner: Runner, slots: Iterator[_Slot]) -> Iterator[_Slot]:
    """Run each slot's task on ``runner``, at most ``runner.slots`` at a time; yield slots in input order.

    ``slots`` is pulled lazily, only when there is room, so its pre-checks see
    every earlier slot either stored or in flight. An exception from a task
    (a Dask worker lost three times) becomes the slot's ``Failed`` result.
    """
    window: deque[_Slot] = deque()

    def fill() -> None:
        while len(window) < runner.slots:
            slot = next(slots, None)
            if slot is None:
                return
            if slot.task is not None:
                fn, args = slot.task
                slot.future = runner.submit(fn, *args)
            window.append(slot)

    fill()
    while window:
        head = window[0]
        if head.future is not None:
            try:
                head.result = head.future.result()
            except BrokenProcessPool:
                _isolate(runner, window)
                continue
            except Exception as err:  # noqa: BLE001 - the edge: recorded against this item
                head.result = Failed(err)
            head.future = None
        yield window.popleft()
        fill()


def _finished(future: Any) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _isolate(runner: Runner, window: deque[_Slot]) -> None:
    """A worker process died (a crash in a native library, the OOM killer) and took the pool with it.

    Every task of the window that had not finished runs again, alone in a new
    pool, so the one that kills its worker is known: it gets a
    ``WorkerDiedError``, the others their results, and the run goes on.
    """
    runner.restart()
    for slot in window:
        if slot.future is None or _finished(slot.future):
            continue
        fn, args = slot.task  # type: ignore[misc]
        try:
            slot.result = runner.submit(fn, *args).result()
        except BrokenProcessPool:
            slot.result = Failed(WorkerDiedError(slot.key, "the worker process died on it "
                                                           "(a crash, or out of memory)"))
            runner.restart()
        slot.future = None


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
    reason = str(error) if isinstance(error, SarabanError) else f"{path}: {type(error).__name__}: {error}"
    progress.note(f"saraban: {reason}")


# --- ingest


@contextlib.contextmanager
def _run(summary: Summary, progress: Progress, runner: Runner, *, close_runner: bool) -> Iterator[None]:
    """Time a run into its summary; then close the progress and a runner this run made."""
    started = time.monotonic()
    try:
        yield
    finally:
        if close_runner:
            runner.close()
        summary.seconds = time.monotonic() - started
        progress.close()


def ingest_archive(db: Database, paths: Iterable[Path], *, db_path: str = "", ctx: RunContext | None = None,
                   jobs: int = 1, dask_address: str | None = None, progress: Progress | None = None,
                   runner: Runner | None = None) -> Summary:
    """Store every file under ``paths``: extraction on the workers, every write here, in order.

    Bytes already stored are skipped (a rerun, or the rest after a crash);
    the same bytes twice in one run are stored once and the copy noted. A
    file that fails is stored as failed, with its reason, and the run goes on.
    """
    ctx = ctx or RunContext()
    paths = list(paths)
    if progress is None:
        progress = Progress(None, label="saraban ingest", enabled=False)
    own_runner = runner is None
    runner = runner or make_runner(jobs, dask_address)
    # Files run side by side: each takes its pages one at a time (no OCR threads on top).
    worker_ctx = ctx if isinstance(runner, InlineRunner) else dataclasses.replace(ctx, jobs=1)
    summary = Summary("ingest", db_path)
    in_flight: Counter[str] = Counter()  # sha256 of slots handed out and not yet stored

    def slots() -> Iterator[_Slot]:
        for path in expand_paths(paths):
            try:
                sha = sha256_file(path)
            except OSError as err:
                error = MissingFileError(path, f"cannot read: {err.strerror or err}")
                yield _Slot(path, None, {"error": error})
                continue
            known = in_flight[sha] > 0 or already_seen(db, sha)
            in_flight[sha] += 1
            task = None if known else (extract_file, (path, worker_ctx))
            yield _Slot(path, task, {"sha": sha})

    with _run(summary, progress, runner, close_runner=own_runner):
        for slot in _in_order(runner, slots()):
            _store_file(db, slot, summary, progress)
            sha = slot.info.get("sha")
            if sha is not None:
                in_flight[sha] -= 1
                if not in_flight[sha]:
                    del in_flight[sha]
    return summary


def _store_file(db: Database, slot: _Slot, summary: Summary, progress: Progress) -> None:
    """The writer's step for one file, in input order."""
    path, sha = slot.key, slot.info.get("sha")
    if "error" in slot.info:
        error = slot.info["error"]
        record_failure(db, path, None, error)
        summary.add_failure(path, error)
        _note_failure(progress, path, error)
        progress.update(1)
        return
    result = slot.result
    if slot.task is None or (isinstance(result, Extracted) and already_seen(db, result.result.sha256)):
        # stored before this run, or earlier in it (the same bytes under another name)
        sha = result.result.sha256 if isinstance(result, Extracted) else sha
        outcome = check_stored(db, path, sha)
        if outcome is None:  # the earlier copy failed: this copy is noted against it
            record_duplicate(db, path, sha)
        summary.add(outcome.status if outcome else DUPLICATE)
        progress.update(1)
        return
    if isinstance(result, Failed):
        record_failure(db, path, sha, result.error)
        summary.add_failure(path, result.error)
        _note_failure(progress, path, result.error)
        progress.update(1)
        return
    save_document(db, result.result, words=result.words)
    summary.add(STORED)
    for page in result.result.pages:
        summary.pages[page.method] += 1
    progress.update(1, pages=len(result.result.pages))


# --- reprocess


def reprocess_store(db: Database, *, all: bool = False, db_path: str = "",  # noqa: A002
                    ctx: RunContext | None = None, jobs: int = 1, dask_address: str | None = None,
                    progress: Progress | None = None, runner: Runner | None = None) -> Summary:
    """Re-run normalizers and extractors over the stored page text of out-of-date documents (no OCR).

    Out of date: stored with another ``extractors_version()`` than now, or
    every processed document with ``all=True``. Each document's mentions are
    replaced in one transaction and it gets the current version, so a rerun
    after a crash takes only the documents not yet done. Pages stay as stored.
    """
    ctx = ctx or RunContext()
    if progress is None:
        progress = Progress(None, label="saraban reprocess", unit="doc", enabled=False)
    own_runner = runner is None
    runner = runner or make_runner(jobs, dask_address, words=False)
    worker_ctx = dataclasses.replace(ctx, jobs=1)
    summary = Summary("reprocess", db_path)
    size = min(max(count_to_reprocess(db, all=all) // (runner.workers * IN_FLIGHT_PER_WORKER), 1), REPROCESS_BATCH)
    # a slot's key names its documents, as a WorkerDiedError's path when one kills its worker
    todo = (_Slot(", ".join(d[0] for d in docs), (reextract_documents, (docs, worker_ctx)),
                  {"doc_ids": [d[0] for d in docs], "pages": [len(d[1]) for d in docs]})
            for docs in _batches(pages_to_reprocess(db, all=all), size))
    with _run(summary, progress, runner, close_runner=own_runner):
        for slot in _in_order(runner, todo):
            doc_ids = slot.info["doc_ids"]
            results = slot.result if isinstance(slot.result, list) else [slot.result] * len(doc_ids)
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


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = [
    "DUPLICATE", "FAILED", "REPROCESSED", "SEEN", "STORED", "DaskRunner", "Extracted", "Failed", "InlineRunner",
    "PoolRunner", "Runner", "Summary", "extract_file", "ingest_archive", "make_runner", "reextract_documents",
    "reprocess_store",
]
