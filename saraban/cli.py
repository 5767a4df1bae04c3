"""The `saraban` command: thin click wrappers around the library."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from saraban import __version__
from saraban.errors import SarabanError

# PyThaiNLP must never try the network (its corpus downloads): set before any import of it.
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


@click.group()
@click.version_option(__version__, prog_name="saraban")
def cli() -> None:
    """Saraban: Thai government paperwork to structured records.

    Example: saraban extract letter.txt --json
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document (JSON Lines). The default.")
@click.option("--text", "as_text", is_flag=True, help="The normalized text instead: pages split by a form feed, documents by '==> NAME <=='.")
def extract(paths: tuple[Path, ...], as_json: bool, as_text: bool) -> None:
    """Read documents and print what they say (nothing is stored).

    A file that cannot be read gets one line on stderr naming it and the
    reason; the others are still processed and the exit code is 1 at the end.

    Example: saraban extract corpus/samples/*.txt --json
    """
    from saraban.pipeline import RunContext, process_file

    if as_json and as_text:
        raise click.UsageError("choose one of --json and --text")
    ctx = RunContext()
    failed = 0
    out = sys.stdout
    for path in paths:
        try:
            result = process_file(path, ctx)
        except SarabanError as err:
            failed += 1
            click.echo(f"saraban: {err}", err=True)
            continue
        if as_text:
            out.write(f"==> {result.doc_id} <==\n{result.norm.text}\n")
        else:
            out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        out.flush()
    if failed:
        sys.exit(1)


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
    if summary.failed:
        sys.exit(1)


def _runner(jobs: int, dask_address: str | None):  # noqa: ANN202
    from saraban.batch import make_runner

    try:
        return make_runner(jobs, dask_address)
    except OSError as err:  # Dask could not reach the scheduler
        raise click.ClickException(f"{dask_address}: cannot reach the Dask scheduler: {err}") from err


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="The SQLite file to store into (created if missing).")
@_jobs_option
@_dask_option
@_progress_option
def ingest(paths: tuple[Path, ...], db_path: Path, jobs: int, dask_address: str | None, progress: bool) -> None:
    """Extract documents and store them in SQLite (a folder means every supported file in it).

    Files are read in parallel (--jobs processes, or a Dask cluster with
    --dask) and stored by this process alone, one transaction per document.
    The same bytes are never stored twice, so running it again adds nothing
    and a run after a crash finishes the rest. A file that cannot be read gets
    one line on stderr naming it and the reason, is stored with status failed,
    and the others go on. At the end a summary: stored, failed by reason,
    duplicates, pages by how they were read, time; the exit code is 1 if any
    failed.

    Example: saraban ingest /archive/2567 --db saraban.db --jobs 8
    """
    from db.load import expand_paths
    from db.store import open_store
    from saraban.batch import ingest_archive
    from saraban.progress import Progress

    total = sum(1 for _ in expand_paths(paths)) if progress else None
    db = open_store(db_path)
    runner = _runner(jobs if (total is None or total > 1) else 1, dask_address)
    try:
        summary = ingest_archive(db, paths, db_path=str(db_path), runner=runner,
                                 progress=Progress(total, label="saraban ingest", enabled=progress))
    finally:
        runner.close()
        db.close()
    _finish(summary)


@cli.command()
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
    from db.store import count_to_reprocess, open_store
    from saraban.batch import reprocess_store
    from saraban.progress import Progress

    db = open_store(db_path)
    total = count_to_reprocess(db, all=all_docs)
    runner = _runner(jobs if total > 1 else 1, dask_address)
    try:
        summary = reprocess_store(db, all=all_docs, db_path=str(db_path), runner=runner,
                                  progress=Progress(total, label="saraban reprocess", unit="doc", enabled=progress))
    finally:
        runner.close()
        db.close()
    _finish(summary)


@cli.command()
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="The SQLite file to serve (created empty if missing).")
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 to serve other machines.")
def serve(db_path: Path, port: int, host: str) -> None:
    """Browse the database in Datasette 0.65 (read-only; ingest may keep writing).

    Thai search on pages, facets, and canned queries (projects per SDG goal,
    documents per province, references with their letter's date, target mentions).

    Example: saraban serve --db saraban.db --port 8001
    """
    from db.site import serve as serve_site

    serve_site(db_path, host=host, port=port)


def main() -> None:
    cli()
