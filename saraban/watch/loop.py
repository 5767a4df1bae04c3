"""The watched-folder daemon: found -> settled -> hashed -> extracted -> stored -> filed.

One coordinating thread owns the database and every move. Around it:

* file events (watchdog) and a rescan of the whole inbox (at start, then on a
  timer, because events are lost on network shares and while stopped) feed a
  :class:`~saraban.watch.tracker.StabilityTracker`;
* a file that has settled is hashed in a small thread pool, then pre-checked
  in order (still the same file? bytes stored already? a move left over from a
  crash?);
* new bytes go to a pool of extraction processes, smallest file first, so a
  100-page scan takes one core while the memos behind it use the others;
* each result comes back to the coordinator, which commits it (one writer, one
  transaction per file) and only THEN moves the file out of the inbox.

Never twice, never lost: a document's row records where its file is going
(``processed/DAY/NAME``) in the same transaction as the document. A crash
before the commit leaves the file in the inbox, redone on restart; a crash
after it leaves a file whose bytes are stored and whose planned home is still
free, so the restart just moves it there (``resumed``).
"""
from __future__ import annotations

import contextlib
import dataclasses
import heapq
import itertools
import logging
import os
import queue
import sqlite3
import time
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saraban.core.errors import SarabanError, WorkerDiedError
from saraban.db.store import (
    STATUS_OK,
    already_seen,
    document_for,
    open_store,
    path_recorded,
    record_duplicate,
    record_failure,
    store_document,
    store_version,
)
from saraban.ingest.triage import cut_short
from saraban.pipeline import RunContext, sha256_file
from saraban.runner import WARM_EXTRACTORS, WARM_WORDS, PoolRunner
from saraban.tasks import Extracted, Failed, extract_file
from saraban.watch.filing import (
    Folders,
    find_linked,
    is_planned_for,
    move_file,
    note_path,
    place_file,
    plan_destination,
    unlink_source,
    write_note,
)
from saraban.watch.filter import is_ignored_dir_name, is_safe_file, is_wanted_name, is_wanted_path, relative_to_inbox
from saraban.watch.tracker import DEFAULT_SETTLE_S, Signature, StabilityTracker

log = logging.getLogger("saraban.watch")

STORED, RESUMED, DUPLICATE, FAILED = "stored", "resumed", "duplicate", "failed"
# A file that changed after it was stored, stored again as a new version (db.store.store_version).
NEW_VERSION = "new version"
# Files left in the inbox when a run ends, after an error that is no one file's fault
# (a disk full, an output folder not writable): the next run retries them.
LEFT = "left in the inbox"
# What an extraction process answers for a file that changed while it was read.
CHANGED = "changed"


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchSettings:
    """How the watcher behaves; the defaults are those of ``saraban watch``."""

    settle: float = DEFAULT_SETTLE_S  # seconds a file must stand still before it is read
    poll: bool = False                # no OS file events: find files by scanning only
    poll_interval: float = 2.0        # seconds between scans with --poll
    rescan: float = 60.0              # seconds between safety-net scans when events are used
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # extraction processes
    once: bool = False                # handle what is in the inbox now, then return
    cut_wait: float = 300.0           # seconds a file that looks cut short waits for the rest (CUT_WAIT_S)


@dataclass(slots=True, eq=False)
class _Job:
    """One file on its way through: what it was when it settled, and what we learnt since."""

    path: Path
    rel: Path
    sig: Signature
    settled_at: float
    sha: str | None = None
    planned_failed: Path | None = None  # a failure destination a crashed run already recorded
    supersedes: str | None = None       # a stored file that changed since: the doc_id of its stored version


@dataclass(slots=True)
class Tally:
    """How many files ended each way."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    def __getitem__(self, outcome: str) -> int:
        return self.counts.get(outcome, 0)

    def __str__(self) -> str:
        return ", ".join(f"{n} {k}" for k, n in sorted(self.counts.items())) or "no files"


# --- in the extraction processes -------------------------------------------------

def _extract(path: Path, sig: Signature, ctx: RunContext) -> Extracted | Failed | str:
    """Run the pipeline on one file in a worker; ``CHANGED`` if it moved under us while read."""
    if Signature.of(path) != sig:  # re-checked just before reading
        return CHANGED
    out = extract_file(path, ctx)
    return CHANGED if Signature.of(path) != sig else out


@dataclass(frozen=True, slots=True)
class _CutShort:
    """What :func:`_hash` answers for a file whose format says it ends later (ingest.triage.cut_short)."""

    reason: str


def _hash(path: Path, sig: Signature, check_end: bool = True) -> str | _CutShort | None:
    """The file's sha256; None if it changed before or while it was read; _CutShort if it looks cut short."""
    if Signature.of(path) != sig:
        return None
    reason = cut_short(path) if check_end else None
    if reason is not None:
        return _CutShort(reason)
    sha = sha256_file(path)
    return sha if Signature.of(path) == sig else None


# --- the coordinator ---------------------------------------------------------------

class Watcher:
    """Watch ``folders.inbox`` and file every document in it; ``run`` returns when stopped."""

    def __init__(self, db_path: str | Path, folders: Folders, settings: WatchSettings | None = None,
                 ctx: RunContext | None = None) -> None:
        self.db_path = db_path
        self.folders = folders
        self.settings = settings or WatchSettings()
        self.ctx = (ctx or RunContext()).one_page_at_a_time()  # parallel across files, not within
        self.tally = Tally()
        self._queue: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._tracker = StabilityTracker(self.settings.settle)
        self._busy: dict[Path, _Job] = {}                # settled files not yet filed
        self._ready: list[tuple[int, int, _Job]] = []    # hashed, new bytes: (size, seq, job) heap
        self._seq = itertools.count()
        self._extracting: set[_Job] = set()
        self._sha_active: dict[str, _Job] = {}           # one file per content at a time
        self._sha_waiting: dict[str, list[_Job]] = {}
        self._stopping = False
        self._left: set[Path] = set()                    # files an error left in the inbox (LEFT)
        self._cut: dict[Path, tuple[Signature, float]] = {}   # files that look cut short: since when
        self._versions: dict[Path, str] = {}             # stored files still changing: their stored doc_id
        self._runner: PoolRunner | None = None
        self._db = None

    # public --------------------------------------------------------------------
    def stop(self) -> None:
        """Ask ``run`` to return (safe from a signal handler or another thread)."""
        self._queue.put(("stop",))

    def run(self) -> Tally:
        """Watch until stopped (or, with ``once``, until the inbox's files are filed).

        Raises WatcherBusyError if another watcher has the inbox.
        """
        for folder in (self.folders.inbox, *self.folders.outputs):
            folder.mkdir(parents=True, exist_ok=True)
        with _inbox_lock(self.folders):
            return self._run()

    def _run(self) -> Tally:
        s = self.settings
        self._db = open_store(self.db_path)
        self._hasher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="saraban-hash")
        # always worker processes, even one: a crash in a native library must not take the daemon
        self._runner = PoolRunner(self.settings.jobs, warm=(WARM_EXTRACTORS, WARM_WORDS))
        self._runner.start()  # every worker up and warm before the first file waits on one
        observer = None
        try:
            if not (s.poll or s.once):
                observer = self._start_observer()
            interval = s.poll_interval if (s.poll or observer is None) else s.rescan
            mode = "once" if s.once else ("events" if observer else "polling")
            log.info("watching %s (%s, settle %.1f s, %d jobs) -> %s", self.folders.inbox, mode, s.settle,
                     s.jobs, self.folders.processed.parent)
            self._scan(self.folders.inbox)
            next_scan = time.monotonic() + interval
            while not self._stopping:
                if s.once and not self._tracker and not self._busy:
                    break
                timeout = interval if s.once else max(0.0, next_scan - time.monotonic())
                due = self._tracker.next_due()
                if due is not None:
                    timeout = min(timeout, due + 0.01)
                try:
                    self._handle(self._queue.get(timeout=timeout))
                    while True:
                        self._handle(self._queue.get_nowait())
                except queue.Empty:
                    pass
                if not s.once and time.monotonic() >= next_scan:
                    self._scan(self.folders.inbox)
                    next_scan = time.monotonic() + interval
                for path, sig in self._tracker.pop_stable():
                    try:
                        self._start(path, sig)
                    except Exception as err:  # never stop for one file: log it, leave it, retry at the next scan
                        self._leave(path, err)
                self._dispatch()
        finally:
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)
            self._hasher.shutdown(wait=False, cancel_futures=True)
            self._runner.close(wait=False)  # a long OCR job is redone after restart, not waited for
            self._db.close()
        self._count_left()
        return self.tally

    # finding files ---------------------------------------------------------------
    def _start_observer(self) -> Any:
        """OS file events for the inbox and its subfolders; None (scan only) if the OS refuses."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        q = self._queue

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                where = Path(os.fsdecode(getattr(event, "dest_path", "") or event.src_path))
                if not event.is_directory:
                    if event.event_type in ("created", "modified", "moved", "closed"):
                        q.put(("path", where))
                elif event.event_type in ("created", "moved"):  # a folder dragged in: its files too
                    q.put(("scan", where))

        observer = Observer()
        try:
            observer.schedule(Handler(), str(self.folders.inbox), recursive=True)
            observer.start()
        except OSError as err:  # inotify watch limit, a share without events
            log.warning("no file events for %s (%s): scanning every %.0f s instead",
                        self.folders.inbox, err, self.settings.poll_interval)
            return None
        return observer

    def _scan(self, folder: Path) -> None:
        """Note every wanted file under ``folder`` (not entering symlinks, litter or our own outputs)."""
        outputs = {os.path.abspath(p) for p in self.folders.outputs}
        stack = [folder]
        while stack:
            here = stack.pop()
            try:
                entries = list(os.scandir(here))
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if not is_ignored_dir_name(entry.name) and os.path.abspath(entry.path) not in outputs:
                        stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False) and is_wanted_name(entry.name):
                    self._note(Path(entry.path))

    def _note(self, path: Path) -> None:
        if path not in self._busy and is_wanted_path(path, self.folders.inbox) and not self._in_outputs(path):
            self._tracker.touch(path)

    def _in_outputs(self, path: Path) -> bool:
        return any(relative_to_inbox(path, out) is not None for out in self.folders.outputs)

    # messages ------------------------------------------------------------------
    def _handle(self, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == "stop":
            self._stopping = True
        elif kind == "path":
            self._note(msg[1])
        elif kind == "scan":
            if msg[1].is_dir() and not msg[1].is_symlink():
                self._scan(msg[1])
        elif kind in ("hashed", "extracted"):
            job, fut = msg[1], msg[2]
            try:
                if kind == "hashed":
                    self._hashed(job, fut)
                else:
                    self._extracted(job, fut)
            except Exception as err:  # never stop for one file: log it, leave it, retry at the next scan
                self._leave(job.path, err)
                try:
                    self._finish(job)
                except Exception as later:
                    self._leave(job.path, later)

    # settled -> hashed -> pre-checked ------------------------------------------------
    def _start(self, path: Path, sig: Signature) -> None:
        if path in self._versions:
            self._start_version(path, sig)
            return
        if not is_safe_file(path, self.folders.inbox) or Signature.of(path) != sig:
            return
        rel = relative_to_inbox(path, self.folders.inbox)
        job = _Job(path=path, rel=rel, sig=sig, settled_at=time.monotonic())
        seen = self._cut.get(path)
        waited = seen is not None and seen[0] == sig and time.monotonic() - seen[1] >= self.settings.cut_wait
        fut = self._hasher.submit(_hash, path, sig, not waited)
        self._busy[path] = job
        fut.add_done_callback(lambda f: self._queue.put(("hashed", job, f)))

    def _hashed(self, job: _Job, fut: Future) -> None:
        sha = fut.result()
        if isinstance(sha, _CutShort):
            self._wait_for_the_rest(job, sha.reason)
            return
        if sha is None:
            self._retrack(job)
            return
        if job.path in self._cut and job.supersedes is None:
            if self._cut.pop(job.path)[0] == job.sig:
                log.warning("%s: still looks cut short after %.0f s unchanged: read as it is", job.rel,
                            self.settings.cut_wait)
        job.sha = sha
        self._precheck(job)

    def _wait_for_the_rest(self, job: _Job, reason: str) -> None:
        """A file that settled but looks cut short (a copy that stalled): wait, do not fail (issue 15).

        It is looked at again each time it settles; unchanged for
        ``settings.cut_wait`` seconds, it is read as it is (a file damaged for
        good then fails as such, or is read as far as it goes).
        """
        seen = self._cut.get(job.path)
        if seen is None or seen[0] != job.sig:
            self._cut[job.path] = (job.sig, time.monotonic())
            log.info("%s: looks cut short (%s): waiting for the rest", job.rel, reason)
        self._retrack(job)

    def _start_version(self, path: Path, sig: Signature) -> None:
        """A stored file that changed after it was stored has settled: read it again, as a new version."""
        if Signature.of(path) != sig:
            self._tracker.touch(path)
            return
        rel = relative_to_inbox(path, self.folders.processed) or Path(path.name)
        job = _Job(path=path, rel=rel, sig=sig, settled_at=time.monotonic(), supersedes=self._versions[path])
        fut = self._hasher.submit(_hash, path, sig)
        self._busy[path] = job
        fut.add_done_callback(lambda f: self._queue.put(("hashed", job, f)))

    def _precheck(self, job: _Job) -> None:
        """Pre-checks in order: same file still? another copy in flight? half-moved? bytes stored?"""
        if Signature.of(job.path) != job.sig:
            self._retrack(job)
            return
        if job.sha in self._sha_active:
            self._sha_waiting.setdefault(job.sha, []).append(job)
            return
        if job.supersedes is not None:  # a new version of a stored file: read it where it is
            self._sha_active[job.sha] = job
            heapq.heappush(self._ready, (job.sig.size, next(self._seq), job))
            return
        linked = find_linked(job.path, self.folders.outputs, job.rel)
        if linked is not None and path_recorded(self._db, linked):  # a crash between commit and unlink
            unlink_source(job.path)
            self._done(job, RESUMED, linked)
            return
        if linked is not None:  # placed, and a crash came before the commit: the place is undone
            log.info("%s: a link left at %s before a crash, never stored, is removed", job.rel, linked)
            os.unlink(linked)
            with contextlib.suppress(FileNotFoundError):
                note_path(linked).unlink()
        row = document_for(self._db, job.sha)
        if row is not None and _same_file(Path(row["path"]), job.path):  # linked there before a crash
            os.unlink(job.path)
            self._done(job, RESUMED, Path(row["path"]), doc_id=row["doc_id"])
            return
        if row is not None and row["status"] == STATUS_OK:
            stored = Path(row["path"])
            if is_planned_for(stored, self.folders.processed, job.rel) and not os.path.lexists(stored):
                move_file(job.path, stored)  # stored before a crash, not yet moved
                self._done(job, RESUMED, stored, doc_id=row["doc_id"])
            else:
                dest = place_file(job.path, plan_destination(self.folders.duplicates, job.rel))
                doc_id = record_duplicate(self._db, dest, job.sha, root=self.folders.duplicates.parent)
                unlink_source(job.path)
                self._done(job, DUPLICATE, dest, doc_id=doc_id)
            return
        if row is not None:  # failed before: retried; reuse its destination if a crash left it unused
            failed_dest = Path(row["path"])
            if is_planned_for(failed_dest, self.folders.failed, job.rel) and not os.path.lexists(failed_dest):
                job.planned_failed = failed_dest
        self._sha_active[job.sha] = job
        heapq.heappush(self._ready, (job.sig.size, next(self._seq), job))

    # extraction --------------------------------------------------------------------
    def _dispatch(self) -> None:
        """Hand the smallest waiting files to free extraction processes."""
        while self._ready and len(self._extracting) < self.settings.jobs and not self._stopping:
            _, _, job = heapq.heappop(self._ready)
            if Signature.of(job.path) != job.sig:
                self._retrack(job)
                continue
            try:
                fut = self._runner.submit(_extract, job.path, job.sig, self.ctx, key=job.path)
            except Exception as err:
                self._leave(job.path, err)
                self._finish(job)
                continue
            self._extracting.add(job)
            fut.add_done_callback(lambda f, j=job: self._queue.put(("extracted", j, f)))

    def _extracted(self, job: _Job, fut: Future) -> None:
        self._extracting.discard(job)
        try:
            out = fut.result()
        except CancelledError:  # stopping: the file stays in the inbox for the next run
            self._finish(job)
            return
        except WorkerDiedError as err:  # it killed its worker, also when it ran alone
            self._fail(job, err, seconds=None)
            return
        if out == CHANGED or Signature.of(job.path) != job.sig or (
                isinstance(out, Extracted) and out.doc.sha256 != job.sha):
            self._retrack(job)
            return
        if job.supersedes is not None:
            self._store_version(job, out)
            return
        if isinstance(out, Failed):
            self._fail(job, out.error, seconds=None)
            return
        self._store(job, out)

    # storing and filing --------------------------------------------------------------
    def _store(self, job: _Job, out: Extracted) -> None:
        """Place the file at its planned home, commit the document naming it, then unlink it from the inbox."""
        if already_seen(self._db, job.sha):  # stored meanwhile by someone else (saraban ingest)
            self._release(job)
            self._precheck(job)
            return
        dest = place_file(job.path, plan_destination(self.folders.processed, job.rel))
        doc = dataclasses.replace(out.doc, path=str(dest))  # the database says where the file lives from now on
        try:
            saved = store_document(self._db, doc, root=self.folders.processed.parent)
        except sqlite3.OperationalError:
            os.unlink(dest)
            raise  # locked, disk full: not this file's fault; it stays and is retried
        except Exception as err:  # content the store cannot take is this file's failure
            os.unlink(dest)
            self._fail(job, err, out.seconds)
            return
        unlink_source(job.path)
        if job.planned_failed is not None and not os.path.lexists(job.planned_failed):
            with contextlib.suppress(OSError):  # a note a crashed run wrote for a failure now cured
                note_path(job.planned_failed).unlink()
        if not saved.new:  # saraban ingest stored the same bytes meanwhile: this name is noted as a copy
            self._done(job, DUPLICATE, dest, doc_id=saved.doc_id)
            return
        self._check_unchanged(job, dest, saved.doc_id)
        mentions = sum(len(v) for v in doc.mentions.values())
        self._done(job, STORED, dest, doc_id=saved.doc_id, pages=len(doc.pages), mentions=mentions,
                   extract_s=out.seconds, words_s=out.words_seconds)

    def _check_unchanged(self, job: _Job, dest: Path, doc_id: str) -> None:
        """Size and time again after the move: a writer still writing (through the same file) is caught.

        The stored row then holds what the file was; once the file settles
        again, its new content is stored as a new version that supersedes it
        (:meth:`_store_version`, ``db.store.store_version``).
        """
        now = Signature.of(dest)
        if now is not None and (now.size, now.mtime_ns) == (job.sig.size, job.sig.mtime_ns):
            self._versions.pop(dest, None)
            return
        log.warning("%s: changed after it was stored (%s -> %s bytes): still being written; its new content "
                    "will be stored as a new version of [%s]", job.rel, f"{job.sig.size:,}",
                    f"{now.size:,}" if now else "gone", doc_id)
        if now is not None:
            self._versions[dest] = doc_id
            self._tracker.touch(dest)

    def _store_version(self, job: _Job, out: Extracted | Failed) -> None:
        """Store a stored file's new content as a new document superseding the old (the file stays where it is)."""
        if isinstance(out, Failed):
            log.error("%s: its new content cannot be read (%s); the stored version [%s] stays", job.rel, out.error,
                      job.supersedes)
            self._versions.pop(job.path, None)
            self._finish(job)
            return
        doc = dataclasses.replace(out.doc, path=str(job.path))
        saved = store_version(self._db, doc, supersedes=job.supersedes, root=self.folders.processed.parent)
        self._check_unchanged(job, job.path, saved.doc_id)
        mentions = sum(len(v) for v in doc.mentions.values())
        self._done(job, NEW_VERSION, job.path, doc_id=saved.doc_id, pages=len(doc.pages), mentions=mentions,
                   extract_s=out.seconds, words_s=out.words_seconds, reason=f"supersedes [{job.supersedes}]")

    def _fail(self, job: _Job, err: SarabanError | Exception, seconds: float | None) -> None:
        """Place the file in failed/ with its note, record the failure, then unlink it from the inbox."""
        dest = job.planned_failed or plan_destination(self.folders.failed, job.rel, with_note=True)
        if os.path.lexists(dest):  # a crashed run's planned place, taken since
            dest = plan_destination(self.folders.failed, job.rel, with_note=True)
        place_file(job.path, dest)
        write_note(dest, _note_text(job, err))
        doc_id = record_failure(self._db, dest, job.sha, err, root=self.folders.failed.parent)
        unlink_source(job.path)
        self._done(job, FAILED, dest, doc_id=doc_id, extract_s=seconds, reason=str(err))

    def _done(self, job: _Job, outcome: str, dest: Path, *, doc_id: str | None = None, pages: int | None = None,
              mentions: int | None = None, extract_s: float | None = None, words_s: float | None = None,
              reason: str | None = None) -> None:
        self.tally.add(outcome)
        self._left.discard(job.path)
        seconds = time.monotonic() - job.settled_at
        parts = [f"{outcome:<9}", str(job.rel), f"{seconds:.2f} s"]
        if extract_s is not None:
            parts.append(f"(extract {extract_s:.3f} s" + (f", words {words_s:.3f} s)" if words_s is not None else ")"))
        if pages is not None:
            parts.append(f"{pages} page{'' if pages == 1 else 's'}, {mentions} mention{'' if mentions == 1 else 's'}")
        parts.append(f"-> {_short(dest, self.folders)}")
        if doc_id:
            parts.append(f"[{doc_id}]")
        if reason:
            parts.append(f": {reason}")
        log.info(" ".join(parts))
        self._finish(job)

    def _retrack(self, job: _Job) -> None:
        """The file changed while we looked at it: forget this attempt and wait for it to settle again."""
        self._finish(job)
        self._tracker.touch(job.path)

    def _release(self, job: _Job) -> None:
        if job.sha is not None and self._sha_active.get(job.sha) is job:
            del self._sha_active[job.sha]

    def _finish(self, job: _Job) -> None:
        """This attempt is over: free its content for the copies waiting on it."""
        self._busy.pop(job.path, None)
        self._extracting.discard(job)
        self._release(job)
        if job.sha is not None and job.sha not in self._sha_active:
            for waiting in self._sha_waiting.pop(job.sha, []):
                try:
                    self._precheck(waiting)
                except Exception as err:
                    self._leave(waiting.path, err)
                    self._finish(waiting)

    def _leave(self, path: Path, err: Exception) -> None:
        """Log why a file stays in the inbox and go on: the next scan retries it.

        One line naming the file and the reason for an error of the machine
        (OSError: a disk full, a folder not writable); the traceback for
        anything else, which is a bug. A file still left when the run ends is
        counted (``LEFT``): ``--once`` then exits 1, not 0 with "no files".
        """
        rel = relative_to_inbox(path, self.folders.inbox) or path
        if isinstance(err, OSError):
            log.error("%s: left in the inbox, retried at the next scan: %s: %s", rel, type(err).__name__, err)
        else:
            log.error("%s: left in the inbox, retried at the next scan", rel, exc_info=err)
        self._left.add(path)

    def _count_left(self) -> None:
        """Count the files left in the inbox after an error, and still there, into the tally."""
        left = sum(1 for p in self._left if os.path.lexists(p))
        if left:
            self.tally.counts[LEFT] = left


class WatcherBusyError(Exception):
    """Another ``saraban watch`` holds this inbox (a cron ``--once`` still running, a second daemon)."""


@contextlib.contextmanager
def _inbox_lock(folders: Folders) -> Any:
    """One watcher per inbox: an exclusive lock on a file beside it, released when the process dies."""
    import fcntl

    lock_path = folders.inbox.parent / f".{folders.inbox.name}.saraban-watch.lock"
    with open(lock_path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise WatcherBusyError(f"{folders.inbox}: another saraban watch is running (lock {lock_path})") from err
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield


def _same_file(a: Path, b: Path) -> bool:
    """True when two names are links to one file (a move cut short between link and unlink)."""
    try:
        return os.lstat(b).st_nlink > 1 and os.path.samefile(a, b)
    except OSError:
        return False


def _short(dest: Path, folders: Folders) -> str:
    base = folders.processed.parent
    try:
        return str(dest.relative_to(base))
    except ValueError:
        return str(dest)


def _note_text(job: _Job, err: BaseException) -> str:
    """The failure note a clerk reads beside the failed file."""
    return (
        f"file:   {job.rel}\n"
        f"error:  {type(err).__name__}\n"
        f"reason: {err}\n"
        f"sha256: {job.sha}\n"
        f"when:   {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n"
    )
