"""Speed and memory of ingest, against plain tesseract on the same pages in the same run.

    python bench/ocr.py SCAN_DIR [--pages N] [--jobs N] [--textpdf PDF ...] [--big N]

1. OCR pages/s: the page images of SCAN_DIR/*.png (render_scans.py output),
   first plain ``tesseract IMG out -l tha+eng`` one process per core
   (OMP_THREAD_LIMIT=1), then Saraban's image ingest (read_image_pages:
   OCR + digit re-read + tone marks + number fixes) on the same files,
   ``jobs`` pages at a time; ratio = saraban / plain (target >= 0.9).
2. Text-layer PDFs pages/s: ingest of each --textpdf (born-digital PDFs).
3. Memory: peak RSS of a child process that ingests an image-only PDF of
   --big pages (default 100; built from the scans) with the real engine
   when --big-ocr is given, else with an engine that returns a fixed text
   (to isolate rendering and streaming); target < 600 MB.
Each timing is the median of --repeat runs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from saraban.ingest.pdf import read_pdf_pages  # noqa: E402


def plain_tesseract(images: list[Path], jobs: int) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        def one(i_img):
            i, img = i_img
            subprocess.run(["tesseract", str(img), f"{tmp}/{i}", "-l", "tha+eng"], env=env,
                           capture_output=True, check=True)
        start = time.perf_counter()
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(one, enumerate(images)))
        return time.perf_counter() - start


def saraban_images(images: list[Path], jobs: int) -> float:
    """Saraban's image ingest, pages of all files kept ``jobs`` deep in one ordered stream."""
    from functools import partial

    from saraban.ingest.images import image_frames
    from saraban.ingest.ocr import default_engine, ocr_page, run_ordered
    engine = default_engine()
    start = time.perf_counter()
    sources = (partial(ocr_page, n, frame, engine=engine)
               for n, img in enumerate(images, 1) for frame in image_frames(img))
    pages = list(run_ordered(sources, jobs))
    assert len(pages) == len(images)
    return time.perf_counter() - start


CHILD = """
import sys, time
sys.path.insert(0, {repo!r})
from saraban.ingest.ocr import OcrEngine, OcrResult, TesseractEngine
from saraban.core.options import ReadOptions
from saraban.ingest.pdf import read_pdf_pages
class Fixed(OcrEngine):
    name = "fixed"
    def read(self, image, langs):
        return OcrResult("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔")
engine = TesseractEngine() if {ocr!r} else Fixed()
start = time.perf_counter()
n = sum(1 for _ in read_pdf_pages({pdf!r}, ReadOptions(jobs={jobs}), engine=engine))
# VmHWM: this process's own peak (ru_maxrss would carry the parent's across exec)
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(n, time.perf_counter() - start, int(hwm.split()[1]) / 1024)
"""


def big_scan_pdf(images: list[Path], pages: int, out: Path) -> Path:
    from PIL import Image
    frames = [Image.open(images[i % len(images)]).convert("L") for i in range(min(pages, len(images)))]
    extra = [frames[i % len(frames)] for i in range(len(frames), pages)]
    frames[0].save(out, save_all=True, append_images=frames[1:] + extra, resolution=300)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scans", type=Path)
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--textpdf", type=Path, nargs="*", default=[])
    ap.add_argument("--big", type=int, default=100)
    ap.add_argument("--big-ocr", action="store_true")
    args = ap.parse_args()
    images = sorted(args.scans.glob("*.png"))[: args.pages]
    print(f"{len(images)} page images from {args.scans}, {args.jobs} jobs, median of {args.repeat}")

    plain, ours = [], []
    for _ in range(args.repeat):             # interleaved, so machine load hits both alike
        plain.append(plain_tesseract(images, args.jobs))
        ours.append(saraban_images(images, args.jobs))
    p, o = statistics.median(plain), statistics.median(ours)
    print(f"plain tesseract : {len(images) / p:6.2f} pages/s  ({p:.1f} s)")
    print(f"saraban OCR     : {len(images) / o:6.2f} pages/s  ({o:.1f} s)")
    print(f"ratio saraban/plain: {p / o:.2f}  (target >= 0.9)")

    for pdf in args.textpdf:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            pages = list(read_pdf_pages(pdf))
            times.append(time.perf_counter() - start)
            assert all(pg.method == "text-layer" for pg in pages), [pg.method for pg in pages]
        t = statistics.median(times)
        print(f"text-layer {pdf.name}: {len(pages) / t:6.1f} pages/s ({len(pages)} pages)")

    if args.big <= 0:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        pdf = big_scan_pdf(images, args.big, Path(tmp) / "big.pdf")
        code = CHILD.format(repo=str(REPO), ocr=args.big_ocr, pdf=str(pdf), jobs=args.jobs)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        n, secs, rss = out.split()
        engine = "tesseract" if args.big_ocr else "fixed-text engine"
        print(f"{n}-page image-only PDF ({engine}): peak RSS {float(rss):.0f} MB in {float(secs):.0f} s (target < 600 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
