"""The `saraban` command: thin click wrappers around the library.

Exit codes, the same for every command (README: Exit codes):

- 0: every file read (or nothing to do);
- 1: some files failed; the others were read and stored;
- 2: usage: a bad option or argument;
- 3: nothing could be read: every file failed;
- 4: the run could not go on: a Dask scheduler out of reach, the inbox held
  by another watcher, a database that cannot be opened.
"""
from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from saraban.core import __version__
from saraban.core.errors import SarabanError
from saraban.core.options import OCR_MODES, ReadOptions

# PyThaiNLP must never try the network (its corpus downloads): set before any import of it.
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2          # click's own code for a usage error
EXIT_NOTHING_READ = 3
EXIT_STOPPED = 4

_EXIT_CODES = """\b
Exit codes: 0 ok; 1 some files failed; 2 usage; 3 nothing could be read;
4 the run could not go on (Dask scheduler out of reach, inbox held by another
watcher, database cannot be opened)."""


class RunStopped(click.ClickException):
    """The run could not start or go on, for a reason that is no one file's fault."""

    exit_code = EXIT_STOPPED


def exit_code(failed: int, succeeded: int) -> int:
    """The exit code of a run that failed on ``failed`` files and read ``succeeded``.

    >>> exit_code(0, 5), exit_code(2, 3), exit_code(2, 0), exit_code(0, 0)
    (0, 1, 3, 0)
    """
    if not failed:
        return EXIT_OK
    return EXIT_SOME_FAILED if succeeded else EXIT_NOTHING_READ


@click.group(epilog=_EXIT_CODES)
@click.version_option(__version__, prog_name="saraban")
@click.option("--debug", is_flag=True, help="Print the traceback of an unexpected error under its one-line report.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Saraban: Thai government paperwork to structured records.

    Example: saraban extract letter.txt --json
    """
    ctx.obj = {"debug": debug}


def _read_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--ocr, --deskew and --max-pages: how every command that reads files reads their pages."""
    f = click.option("--max-pages", type=click.IntRange(min=0), default=ReadOptions().max_pages, show_default=True,
                     help="Refuse a PDF or image of more pages than this, before reading any (0: no limit).")(f)
    f = click.option("--deskew", is_flag=True, help="Straighten scanned pages before OCR.")(f)
    return click.option("--ocr", "ocr_mode", type=click.Choice(OCR_MODES), default=ReadOptions().ocr_mode,
                        show_default=True,
                        help="PDF pages: skip = keep any text layer; redo = OCR pages whose layer is missing "
                             "or damaged; force = OCR every page.")(f)


def _report(path: Path | str, err: BaseException) -> None:
    """One line on stderr naming the file and the reason; the traceback too with --debug."""
    from saraban.tasks import describe_failure

    click.echo(f"saraban: {describe_failure(path, err)}", err=True)
    if click.get_current_context().find_root().obj.get("debug") and not isinstance(err, SarabanError):
        traceback.print_exception(err, file=sys.stderr)


@cli.command(epilog=_EXIT_CODES)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document (JSON Lines). The default.")
@click.option("--text", "as_text", is_flag=True, help="The normalized text instead: pages split by a form feed, documents by '==> NAME <=='.")
@click.option("--summary", "as_summary", is_flag=True, help="A short readable account per document instead: each field, how many, the first few.")
@_read_options
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="OCR this many pages at once (default: one per core).")
def extract(paths: tuple[Path, ...], as_json: bool, as_text: bool, as_summary: bool,
            ocr_mode: str, deskew: bool, max_pages: int, jobs: int | None) -> None:
    """Read documents and print what they say (nothing is stored).

    A file that cannot be read gets one line on stderr naming it and the
    reason; the others are still processed, and the exit code says how many
    failed (below).

    Reads .txt, .pdf (text layer or OCR, page by page), .png/.jpg/.tif
    scans, .docx and .pptx.

    Example: saraban extract corpus/samples/*.txt --json
    """
    from saraban.pipeline import RunContext, process_file

    if as_json + as_text + as_summary > 1:
        raise click.UsageError("choose one of --json, --text and --summary")
    ctx = RunContext(read=ReadOptions(ocr_mode=ocr_mode, deskew=deskew, max_pages=max_pages,
                                      jobs=jobs or os.cpu_count() or 1))
    failed = 0
    out = sys.stdout
    for path in paths:
        try:
            result = process_file(path, ctx)
        except Exception as err:  # noqa: BLE001 - the edge: one line for this file, then the next file
            failed += 1
            _report(path, err)
            continue
        if as_text:
            out.write(f"==> {result.doc_id} <==\n{result.norm.text}\n")
        elif as_summary:
            from saraban.report import summarize

            out.write(summarize(result) + "\n\n")
        else:
            out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        out.flush()
    sys.exit(exit_code(failed, len(paths) - failed))


DEFAULT_DB = Path("saraban.db")


def _jobs_option(f):  # noqa: ANN001, ANN202 - a click decorator
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=lambda: os.cpu_count() or 1,
                        show_default="number of cores",
                        help="Worker processes on this machine (1: everything in this process).")(f)


def _dask_option(f):  # noqa: ANN001, ANN202 - a click decorator
    return click.option("--dask", "dask_address", metavar="SCHEDULER_ADDRESS",
                        help="Run the per-document work on a running Dask cluster (tcp://host:8786) "
                             "instead of local processes; this process still does every write.")(f)


def _progress_option(f):  # noqa: ANN001, ANN202 - a click decorator
    return click.option("--progress/--no-progress", default=True, show_default=True,
                        help="A progress bar on a terminal, a line every 10 s otherwise.")(f)


def _finish(summary) -> None:  # noqa: ANN001 - saraban.batch.Summary, imported lazily
    for line in summary.lines():
        click.echo(line, err=True)
    sys.exit(exit_code(summary.failed, sum(summary.counts.values()) - summary.failed))


def _runner(jobs: int, dask_address: str | None, *, reprocess: bool = False):  # noqa: ANN202
    """Where the work runs. Reprocess keeps the stored pages (no search words to warm) and reads no
    file, so its tasks may run here while the workers start."""
    from saraban.runner import WARM_EXTRACTORS, WARM_WORDS, make_runner

    try:
        return make_runner(jobs, dask_address, warm=(WARM_EXTRACTORS,) if reprocess else (WARM_EXTRACTORS, WARM_WORDS),
                           help_while_warming=reprocess)
    except OSError as err:  # Dask could not reach the scheduler
        raise RunStopped(f"{dask_address}: cannot reach the Dask scheduler: {err}") from err


def _open_db(db_path: Path):  # noqa: ANN202 - sqlite_utils.Database, imported lazily
    import sqlite3

    from saraban.db.store import open_store

    try:
        return open_store(db_path)
    except (sqlite3.Error, OSError) as err:
        raise RunStopped(f"{db_path}: cannot open the database: {err}") from err


@cli.command(epilog=_EXIT_CODES)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="The SQLite file to store into (created if missing).")
@_read_options
@_jobs_option
@_dask_option
@_progress_option
def ingest(paths: tuple[Path, ...], db_path: Path, ocr_mode: str, deskew: bool, max_pages: int, jobs: int,
           dask_address: str | None, progress: bool) -> None:
    """Extract documents and store them in SQLite (a folder means every supported file in it).

    Files are read in parallel (--jobs processes, or a Dask cluster with
    --dask) and stored by this process alone, one transaction per document.
    The same bytes are never stored twice, so running it again adds nothing
    and a run after a crash finishes the rest. A file that cannot be read gets
    one line on stderr naming it and the reason, is stored with status failed,
    and the others go on. At the end a summary: stored, failed by reason,
    duplicates, pages by how they were read, time; the exit code is 1 if any
    failed (exit codes below).

    Example: saraban ingest /archive/2567 --db saraban.db --jobs 8
    """
    from saraban.batch import expand_paths, ingest_archive
    from saraban.pipeline import RunContext
    from saraban.progress import Progress

    total = sum(1 for _ in expand_paths(paths)) if progress else None
    ctx = RunContext(read=ReadOptions(ocr_mode=ocr_mode, deskew=deskew, max_pages=max_pages, jobs=jobs))
    db = _open_db(db_path)
    try:
        with _runner(jobs if (total is None or total > 1) else 1, dask_address) as runner:
            summary = ingest_archive(db, paths, runner, db_path=str(db_path), ctx=ctx,
                                     progress=Progress(total, label="saraban ingest", enabled=progress))
    finally:
        db.close()
    _finish(summary)


@cli.command(epilog=_EXIT_CODES)
@click.option("--db", "db_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=DEFAULT_DB, show_default=True, help="The SQLite file to update.")
@click.option("--all", "all_docs", is_flag=True,
              help="Every stored document, not only those stored with older extractors.")
@_jobs_option
@_dask_option
@_progress_option
def reprocess(db_path: Path, all_docs: bool, jobs: int, dask_address: str | None, progress: bool) -> None:
    """Re-run normalizers and extractors over the stored page text (no OCR, files not needed).

    Takes every document stored with an older extractors version than this
    build's (or all of them with --all) and replaces its mentions, one
    transaction per document; pages stay as stored. A run stopped half-way is
    finished by running it again.

    Example: saraban reprocess --db saraban.db --jobs 2
    """
    # The worker pool starts first: its fork server's imports and warm-up (0.3 s of CPU) run on
    # the other core while this process imports the pipeline and opens the store (bench/archive.py).
    early = _runner(jobs, dask_address, reprocess=True) if jobs > 1 or dask_address else None
    try:
        from saraban.batch import reprocess_store
        from saraban.db.store import count_to_reprocess
        from saraban.progress import Progress

        db = _open_db(db_path)
        try:
            total = count_to_reprocess(db, all=all_docs)
            pool = early if early is not None and (total > 1 or dask_address) else None
            with pool or _runner(1, None) as runner:
                summary = reprocess_store(db, runner, all=all_docs, db_path=str(db_path),
                                          progress=Progress(total, label="saraban reprocess", unit="doc",
                                                            enabled=progress))
        finally:
            db.close()
    finally:
        if early is not None:
            early.close(wait=False)   # a pool left unused (nothing to do, or a bad --db): not waited for
    _finish(summary)


@cli.command()
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="The SQLite file to serve (created empty if missing).")
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 to serve other machines.")
@click.option("--reviewers", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help='Reviewer accounts, a JSON file {"name": "HASH"} (hashes from: datasette hash-password); '
                   "they sign in at /-/login and confirm, correct or reject records on the page view.")
@click.option("--root", is_flag=True,
              help="Print a link that signs you in as root, so you may run your own SQL.")
@click.option("--public-sql", is_flag=True,
              help="Let anonymous visitors run their own SQL too (one query can hold a CPU for minutes).")
def serve(db_path: Path, port: int, host: str, reviewers: Path | None, root: bool, public_sql: bool) -> None:
    """Browse the database in Datasette 0.65 (read-only; ingest may keep writing).

    Thai search on pages, facets, canned queries (projects per SDG goal,
    documents per province, references with their letter's date, target
    mentions, reviewed records), a page view of every page with a box over
    every record, and a review queue for signed-in reviewers (--reviewers).
    Signed-in visitors (reviewers, or you with --root) may also run their own SQL.

    Example: saraban serve --db saraban.db --port 8001 --reviewers reviewers.json
    """
    from saraban.db.site import serve as serve_site

    try:
        serve_site(db_path, host=host, port=port, reviewers=reviewers, public_sql=public_sql, root=root)
    except ValueError as err:
        raise click.UsageError(str(err)) from err


@cli.command(epilog=_EXIT_CODES)
@click.argument("inbox", type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="The SQLite file to store into (created if missing).")
@click.option("--settle", type=click.FloatRange(min=0), default=5.0, show_default=True,
              help="Seconds a file's size and time must stay unchanged before it is read.")
@click.option("--poll", is_flag=True, help="Find files by scanning, not OS events (network shares).")
@click.option("--poll-interval", type=click.FloatRange(min=0.1), default=2.0, show_default=True,
              help="Seconds between scans with --poll.")
@click.option("--rescan", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds between safety-net scans when OS events are used.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Files extracted at once, one process each (default: one per core).")
@_read_options
@click.option("--once", is_flag=True, help="File what is in INBOX now, then exit (for cron).")
@click.option("--processed", type=click.Path(file_okay=False, path_type=Path),
              help="Where stored files go (default: processed/ beside INBOX).")
@click.option("--failed", type=click.Path(file_okay=False, path_type=Path),
              help="Where unreadable files go, each with NAME.error.txt (default: failed/ beside INBOX).")
@click.option("--duplicates", type=click.Path(file_okay=False, path_type=Path),
              help="Where copies of stored bytes go (default: duplicates/ beside INBOX).")
def watch(inbox: Path, db_path: Path, settle: float, poll: bool, poll_interval: float, rescan: float,
          jobs: int | None, ocr_mode: str, deskew: bool, max_pages: int, once: bool, processed: Path | None, failed: Path | None,
          duplicates: Path | None) -> None:
    """Store every document dropped into INBOX (and its subfolders) until stopped.

    Each file is read once it has stopped changing for --settle seconds,
    stored, and only then moved out of INBOX to processed/DAY/, duplicates/DAY/
    (the same bytes are stored already) or failed/DAY/ with a NAME.error.txt
    note. Hidden, temporary and NAS files and symlinks are left alone. One
    log line per file on stderr. Safe to kill at any moment: a restart redoes
    what was half done, and stores nothing twice.

    Example: saraban watch /srv/saraban/inbox --db /srv/saraban/saraban.db
    """
    import logging
    import signal

    from saraban.pipeline import RunContext
    from saraban.watch import LEFT, Folders, Watcher, WatcherBusyError, WatchSettings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    folders = Folders.beside(inbox, processed=processed, failed=failed, duplicates=duplicates)
    settings = WatchSettings(settle=settle, poll=poll, poll_interval=poll_interval, rescan=rescan,
                             jobs=jobs or os.cpu_count() or 1, once=once)
    watcher = Watcher(db_path, folders, settings, RunContext(read=ReadOptions(ocr_mode=ocr_mode, deskew=deskew,
                                                                                   max_pages=max_pages)))
    previous = {sig: signal.signal(sig, lambda *_: watcher.stop()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        tally = watcher.run()
    except WatcherBusyError as err:
        if once:  # cron started us while the last run is still busy: that run will do it
            click.echo(f"saraban: {err}", err=True)
            return
        raise RunStopped(str(err)) from err
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"saraban: {inbox}: {tally}", err=True)
    if once:  # a file left in the inbox after an error counts as failed (issue 15)
        failed = tally["failed"] + tally[LEFT]
        sys.exit(exit_code(failed, sum(tally.counts.values()) - failed))


def main() -> None:
    cli()
