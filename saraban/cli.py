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
@click.option("--summary", "as_summary", is_flag=True, help="A short readable account per document instead: each field, how many, the first few.")
@click.option("--ocr", "ocr_mode", type=click.Choice(["skip", "redo", "force"]), default="redo", show_default=True,
              help="PDF pages: skip = keep any text layer; redo = OCR pages whose layer is missing or damaged; force = OCR every page.")
@click.option("--deskew", is_flag=True, help="Straighten scanned pages before OCR.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="OCR this many pages at once (default: one per core).")
def extract(paths: tuple[Path, ...], as_json: bool, as_text: bool, as_summary: bool,
            ocr_mode: str, deskew: bool, jobs: int | None) -> None:
    """Read documents and print what they say (nothing is stored).

    A file that cannot be read gets one line on stderr naming it and the
    reason; the others are still processed and the exit code is 1 at the end.

    Reads .txt, .pdf (text layer or OCR, page by page), .png/.jpg/.tif
    scans, .docx and .pptx.

    Example: saraban extract corpus/samples/*.txt --json
    """
    from saraban.pipeline import RunContext, process_file

    if as_json + as_text + as_summary > 1:
        raise click.UsageError("choose one of --json, --text and --summary")
    ctx = RunContext(ocr_mode=ocr_mode, deskew=deskew, **({"jobs": jobs} if jobs else {}))
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
        elif as_summary:
            from saraban.report import summarize

            out.write(summarize(result) + "\n\n")
        else:
            out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        out.flush()
    if failed:
        sys.exit(1)


DEFAULT_DB = Path("saraban.db")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="The SQLite file to store into (created if missing).")
def ingest(paths: tuple[Path, ...], db_path: Path) -> None:
    """Extract documents and store them in SQLite (a folder means every supported file in it).

    The same bytes are never stored twice, so running it again adds nothing.
    A file that cannot be read gets one line on stderr naming it and the
    reason, is stored with status failed, and the others go on; the exit code
    is 1 at the end if any failed.

    Example: saraban ingest corpus/samples --db saraban.db
    """
    from db.load import FAILED, ingest_paths
    from db.store import open_store

    db = open_store(db_path)
    tally: dict[str, int] = {}
    for outcome in ingest_paths(db, paths):
        tally[outcome.status] = tally.get(outcome.status, 0) + 1
        if outcome.status == FAILED:
            err = outcome.error
            reason = str(err) if isinstance(err, SarabanError) else f"{outcome.path}: {type(err).__name__}: {err}"
            click.echo(f"saraban: {reason}", err=True)
    db.close()
    summary = ", ".join(f"{n} {status}" for status, n in sorted(tally.items())) or "no files"
    click.echo(f"saraban: {db_path}: {summary}", err=True)
    if tally.get(FAILED):
        sys.exit(1)


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
