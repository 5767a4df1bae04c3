"""Runaway files (issue 15): seconds to read PDFs of blank pages with the real OCR engine.

    python bench/blank_pages.py [--pages 1000] [--scanned 50]

Rows: a PDF of --pages empty pages (the issue's 319 KB file, made with fpdf2:
nothing drawn, so pages are not even rendered), and an image-only PDF of
--scanned blank sheets scanned at 300 dpi (white paper with grey speckle:
rendered, looked at 50 dpi, not OCR'd). Each row also says how many pages
went to tesseract. The issue measured 7 minutes of OCR for the first.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ingest_fixtures import blank_pdf  # noqa: E402


def scanned_blank_pdf(path: Path, pages: int) -> Path:
    rng = np.random.default_rng(7)
    sheets = [Image.fromarray(255 - rng.integers(0, 60, size=(3508, 2480), dtype=np.uint8), "L")
              for _ in range(min(pages, 5))]
    sheets = [sheets[i % len(sheets)] for i in range(pages)]
    sheets[0].save(path, save_all=True, append_images=sheets[1:], resolution=300)
    return path


def row(name: str, path: Path) -> str:
    from saraban.ingest.ocr import TesseractEngine
    from saraban.pipeline import RunContext, process_file

    class Counting(TesseractEngine):
        calls = 0

        def read(self, image, langs):  # noqa: ANN001, ANN202
            Counting.calls += 1
            return super().read(image, langs)

    started = time.perf_counter()
    result = process_file(path, RunContext(ocr_engine=Counting()))
    seconds = time.perf_counter() - started
    methods = sorted({p.method for p in result.pages})
    return (f"{name:<34} {path.stat().st_size / 1e3:8.0f} KB {len(result.pages):5d} pages {seconds:7.1f} s "
            f"({len(result.pages) / seconds:6.1f} pages/s), {Counting.calls} OCR'd, methods {methods}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--scanned", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(row(f"{args.pages} empty pages (fpdf2)", blank_pdf(Path(tmp) / "blank.pdf", args.pages)), flush=True)
        if args.scanned:
            print(row(f"{args.scanned} scanned blank sheets", scanned_blank_pdf(Path(tmp) / "scan.pdf", args.scanned)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
