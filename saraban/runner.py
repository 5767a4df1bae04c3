"""Where per-document work runs: in this process, in worker processes here, or on a Dask cluster.

The one way Saraban runs files through the pipeline side by side. ``saraban
ingest``, ``saraban reprocess`` and ``saraban watch`` hand their tasks to a
:class:`Runner` and get back ``concurrent.futures.Future`` objects; the runner
decides where the task runs and what happens when a worker dies:

* :class:`InlineRunner` (``--jobs 1``): each task runs at once, here;
* :class:`PoolRunner` (``--jobs N``): N worker processes from a fork server
  that imported (and warmed) the pipeline once. A worker that dies (a crash in
  a native library, the OOM killer) takes the tasks it shared the pool with;
  each of them runs again ALONE in a one-process pool of its own, one after
  another, so the task that kills its worker is known: it fails with
  ``WorkerDiedError``, the others get their results. Workers exit when the
  process that started them dies (even by ``kill -9``), so none is left behind;
* :class:`DaskRunner` (``--dask ADDRESS``): the workers of a Dask cluster,
  which retries lost tasks itself.

:func:`in_order` runs an iterable of tasks with at most ``runner.slots`` in
flight and yields them in input order: the order the writer stores in.
"""
from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from saraban.core.errors import WorkerDiedError

log = logging.getLogger(__name__)

# Tasks handed out and not yet collected, per worker: enough that no worker waits
# while the writer commits, few enough that memory does not grow with the archive.
IN_FLIGHT_PER_WORKER = 4
# Seconds to wait for a Dask scheduler to answer before giving up.
DASK_CONNECT_TIMEOUT_S = 10
# How often a worker checks that the process that started it is still there.
PARENT_CHECK_S = 0.5
# What the fork server imports (and so runs once) before it forks any worker.
WARM_EXTRACTORS = "saraban._pool_warmup"
WARM_WORDS = "saraban._pool_warmup_words"


class Runner:
    """Runs tasks somewhere; ``slots`` bounds how many a caller keeps in flight, ``workers`` how many run at once."""

    slots: int = 1
    workers: int = 1
    local: bool = True      # the workers see this machine's files (a Dask cluster's may not)

    def submit(self, fn: Callable[..., Any], *args: Any, key: Any = None) -> Future[Any]:
        """Run ``fn(*args)``; ``key`` names the task (a file) in a ``WorkerDiedError``."""
        raise NotImplementedError

    def close(self, *, wait: bool = True) -> None:
        """Stop the workers: after the running tasks (``wait``), or now, abandoning them."""

    @property
    def warming(self) -> bool:
        """Are the workers still starting (tasks submitted now run in the caller's thread)?"""
        return False

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(wait=exc[0] is None)


class InlineRunner(Runner):
    """``--jobs 1``: each task runs here when submitted; no process to start."""

    def submit(self, fn: Callable[..., Any], *args: Any, key: Any = None) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as err:  # noqa: BLE001 - handed over in the future, as a pool would
            future.set_exception(err)
        return future


def _exit_with_parent(parent_pid: int) -> None:
    """A worker's initializer: exit when the process that started the runner is gone, and end the fork server.

    A worker's parent is the fork server, not that process, so nothing tells
    it when that process is killed; it checks every PARENT_CHECK_S seconds
    (a dead or zombie parent both count). The fork server would exit by itself
    once its last worker is gone, but only after freeing the whole warmed
    pipeline it imported, object by object: 8-10 s on a busy 2-core machine
    (issue 15); a SIGTERM ends it at once (it keeps the default action).
    """
    import psutil

    def leave() -> None:
        _end_fork_server()
        os._exit(1)

    try:
        parent = psutil.Process(parent_pid)
    except psutil.Error:
        leave()

    def watch() -> None:
        while True:
            try:
                if not parent.is_running() or parent.status() == psutil.STATUS_ZOMBIE:
                    leave()
            except psutil.Error:
                leave()
            time.sleep(PARENT_CHECK_S)

    threading.Thread(target=watch, daemon=True, name="saraban-parent-check").start()


def _end_fork_server() -> None:
    """SIGTERM this worker's parent if it is a multiprocessing fork server (never anything else)."""
    import signal

    import psutil

    with contextlib.suppress(psutil.Error, OSError):
        server = psutil.Process(os.getppid())
        if server.pid > 1 and any("multiprocessing.forkserver" in part for part in server.cmdline()):
            os.kill(server.pid, signal.SIGTERM)


@dataclass(slots=True)
class _Task:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    key: Any
    outer: Future[Any]
    generation: int = 0


class PoolRunner(Runner):
    """``--jobs N``: N worker processes on this machine.

    Workers come from a fork server, not a fork of this process: it holds an
    SQLite connection and threads, neither of which a fork may copy. The
    server imports ``warm`` first (the pipeline run over the bundled samples,
    ``saraban._pool_warmup``), so every worker, and every worker started
    after one died, starts warm.
    """

    def __init__(self, jobs: int, *, warm: Iterable[str] = (WARM_EXTRACTORS,), help_while_warming: bool = False) -> None:
        """``help_while_warming``: until every worker is up, tasks run here, in the caller's thread.

        The fork server takes about 0.4 s to import and warm the pipeline
        (bench/archive.py), a tenth of a 1,000-document reprocess on 2 cores
        in which the caller would only wait. Only for work that cannot crash
        the process (pure Python over stored text): a task run here is not
        isolated from the caller as a worker's is.
        """
        self.workers = jobs
        self.slots = jobs * IN_FLIGHT_PER_WORKER
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["saraban.runner", *warm])
        self._lock = threading.Lock()
        self._generation = 0
        self._pool = self._new_pool(jobs)
        self._suspects: deque[_Task] = deque()   # tasks of a broken pool, to run again one by one
        self._solo: ProcessPoolExecutor | None = None
        self._closed = False
        self._warm = threading.Event()
        if help_while_warming:
            threading.Thread(target=self._start_quietly, daemon=True, name="saraban-pool-start").start()
        else:
            self._warm.set()

    @property
    def warming(self) -> bool:
        return not self._warm.is_set()

    def _start_quietly(self) -> None:
        try:
            self.start()
        except Exception:  # noqa: BLE001 - a pool that cannot start fails its tasks when they are sent
            log.exception("the worker processes did not start")
        finally:
            self._warm.set()

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=self._context, initializer=_exit_with_parent,
                                   initargs=(os.getpid(),))

    def start(self) -> None:
        """Start every worker now and wait until each is up (warm), not at the first task."""
        for future in [self._pool.submit(os.getpid) for _ in range(self.workers)]:
            future.result()

    def submit(self, fn: Callable[..., Any], *args: Any, key: Any = None) -> Future[Any]:
        if not self._warm.is_set():  # the workers are still starting: lend a hand (help_while_warming)
            return InlineRunner().submit(fn, *args, key=key)
        task = _Task(fn, args, key, Future())
        self._launch(task)
        return task.outer

    def _launch(self, task: _Task) -> None:
        with self._lock:
            pool, task.generation = self._pool, self._generation
        try:
            inner = pool.submit(task.fn, *task.args)
        except BrokenProcessPool:
            self._replace(task.generation)
            with self._lock:
                pool, task.generation = self._pool, self._generation
            inner = pool.submit(task.fn, *task.args)
        inner.add_done_callback(lambda f, t=task: self._settled(t, f))

    def _settled(self, task: _Task, inner: Future[Any]) -> None:
        if inner.cancelled():
            task.outer.cancel()
            return
        err = inner.exception()
        if not isinstance(err, BrokenProcessPool):
            _copy(inner, task.outer)
            return
        # the pool broke under this task: a new pool for what comes next, this one to run alone
        self._replace(task.generation)
        with self._lock:
            if self._closed:
                task.outer.cancel()
                return
            self._suspects.append(task)
            start = self._solo is None
        if start:
            self._next_suspect()

    def _replace(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation or self._closed:
                return
            old, self._pool = self._pool, self._new_pool(self.workers)
            self._generation += 1
        log.warning("a worker process died; its tasks run again one at a time")
        old.shutdown(wait=False, cancel_futures=True)

    def _next_suspect(self) -> None:
        """Run the next task of a broken pool alone, in a pool of one process of its own."""
        with self._lock:
            if not self._suspects or self._closed:
                self._solo = None
                return
            task = self._suspects.popleft()
            self._solo = solo = self._new_pool(1)
        inner = solo.submit(task.fn, *task.args)

        def done(f: Future[Any]) -> None:
            if isinstance(f.exception() if not f.cancelled() else None, BrokenProcessPool):
                task.outer.set_exception(WorkerDiedError(task.key, "the worker process died on it "
                                                                   "(a crash, or out of memory)"))
            else:
                _copy(f, task.outer)
            solo.shutdown(wait=False)
            self._next_suspect()

        inner.add_done_callback(done)

    def close(self, *, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
            pools = [p for p in (self._pool, self._solo) if p is not None]
            suspects, self._suspects = list(self._suspects), deque()
        for task in suspects:
            task.outer.cancel()
        for pool in pools:
            if wait:
                pool.shutdown(cancel_futures=True)
            else:
                _terminate(pool)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers now: a long OCR job is redone on the next run, not waited for."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in processes:
        with contextlib.suppress(Exception):
            p.join(timeout=5)


def _copy(source: Future[Any], target: Future[Any]) -> None:
    if source.cancelled():
        target.cancel()
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())


class DaskRunner(Runner):
    """``--dask ADDRESS``: the workers of a running Dask distributed cluster.

    Every worker must have Saraban installed and see the files at the same
    path as this machine (README: Archives on a Dask cluster). Dask retries a
    task whose worker was lost; one that keeps killing workers fails with
    ``WorkerDiedError``.
    """

    def __init__(self, address: str) -> None:
        from distributed import Client

        self.local = False
        self.client = Client(address, timeout=DASK_CONNECT_TIMEOUT_S)
        self.workers = max(sum(self.client.nthreads().values()), 1)
        self.slots = self.workers * IN_FLIGHT_PER_WORKER

    def submit(self, fn: Callable[..., Any], *args: Any, key: Any = None) -> Future[Any]:
        from distributed import KilledWorker

        outer: Future[Any] = Future()

        def done(remote: Any) -> None:
            try:
                outer.set_result(remote.result())
            except KilledWorker:
                outer.set_exception(WorkerDiedError(key, "the Dask workers running it died"))
            except Exception as err:  # noqa: BLE001 - handed over in the future (a cancelled one too)
                outer.set_exception(err)

        # pure=False: the same file twice is two tasks (and Dask keeps no result cache)
        self.client.submit(fn, *args, pure=False).add_done_callback(done)
        return outer

    def close(self, *, wait: bool = True) -> None:
        self.client.close()


def make_runner(jobs: int, dask_address: str | None = None, *, warm: Iterable[str] = (WARM_EXTRACTORS,),
                help_while_warming: bool = False) -> Runner:
    """A Dask runner when an address is given, else a pool of ``jobs`` processes (inline for 1).

    ``warm``: the modules a local pool's fork server runs first (the runs that
    store pages add ``WARM_WORDS``, the search words' dictionary);
    ``help_while_warming``: see :class:`PoolRunner`.
    """
    if dask_address:
        return DaskRunner(dask_address)
    if jobs <= 1:
        return InlineRunner()
    return PoolRunner(jobs, warm=warm, help_while_warming=help_while_warming)


@dataclass(slots=True)
class Slot:
    """One item in input order: its task (None when the caller alone decides it) and, later, its outcome.

    ``result`` is what the task returned; an exception it raised is in ``error``.
    """

    key: Any
    task: tuple[Callable[..., Any], tuple[Any, ...]] | None
    info: dict[str, Any] = field(default_factory=dict)
    future: Future[Any] | None = None
    result: Any = None
    error: BaseException | None = None


def in_order(runner: Runner, slots: Iterable[Slot]) -> Iterator[Slot]:
    """Run each slot's task on ``runner``, at most ``runner.slots`` at a time; yield the slots in input order.

    ``slots`` is pulled lazily, only when there is room, so the caller's
    pre-checks for a slot see every earlier slot either done or in flight.
    """
    pending = iter(slots)
    window: deque[Slot] = deque()

    def fill() -> None:
        while len(window) < runner.slots:
            slot = next(pending, None)
            if slot is None:
                return
            if slot.task is not None:
                fn, args = slot.task
                slot.future = runner.submit(fn, *args, key=slot.key)
            window.append(slot)

    fill()
    while window:
        head = window.popleft()
        if head.future is not None:
            try:
                head.result = head.future.result()
            except Exception as err:  # noqa: BLE001 - the edge: the caller records it against this item
                head.error = err
            head.future = None
        yield head
        fill()
