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
@click.option("--ocr", "ocr_mode", type=click.Choice(["skip", "redo", "force"]), default="redo", show_default=True,
              help="PDF pages: skip = keep any text layer; redo = OCR pages whose layer is missing or damaged; force = OCR every page.")
@click.option("--deskew", is_flag=True, help="Straighten scanned pages before OCR.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="OCR this many pages at once (default: one per core).")
def extract(paths: tuple[Path, ...], as_json: bool, as_text: bool, ocr_mode: str, deskew: bool, jobs: int | None) -> None:
    """Read documents and print what they say (nothing is stored).

    A file that cannot be read gets one line on stderr naming it and the
    reason; the others are still processed and the exit code is 1 at the end.

    Reads .txt, .pdf (text layer or OCR, page by page), .png/.jpg/.tif
    scans, .docx and .pptx.

    Example: saraban extract corpus/samples/*.txt --json
    """
    from saraban.pipeline import RunContext, process_file

    if as_json and as_text:
        raise click.UsageError("choose one of --json and --text")
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
        else:
            out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        out.flush()
    if failed:
        sys.exit(1)


def main() -> None:
    cli()
