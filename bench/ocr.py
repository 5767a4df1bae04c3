"""Speed and memory of ingest, against plain tesseract on the same pages in the same run.

    python bench/ocr.py [SCANS_DIR] [--repeat N] [--renders SCAN_DIR --jobs N] [--textpdf PDF ...]
                        [--big N] [--big-ocr]

1. CPU time per page on the real one-page scans of SCANS_DIR (default
   ../shared/corpus/scans: every scanned PDF of one page): page 1 rendered
   once (saraban's render_page, 300 dpi), then plain ``tesseract PAGE.png
   out -l tha+eng`` (OMP_THREAD_LIMIT=1, the gray page) and Saraban's
   ``ocr_page`` on the same image, one after the other in this process; CPU
   seconds are this process's plus its children's (tesseract). Prints each
   page's ratio plain / saraban and the median over the pages (target >=
   0.9), and where Saraban's own CPU goes, stage by stage.
2. --renders SCAN_DIR: OCR pages/s of SCAN_DIR/*.png (render_scans.py
   output) with ``jobs`` pages at a time, against plain tesseract the same
   way (wall clock, both).
3. Text-layer PDFs pages/s: ingest of each --textpdf (born-digital PDFs).
4. Memory: peak RSS of a child process that ingests an image-only PDF of
   --big pages (built from --renders images; default 100) with the real
   engine when --big-ocr is given, else with an engine that returns a fixed
   text (to isolate rendering and streaming); target < 600 MB.
Each timing is the median of --repeat runs.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

from saraban.ingest.pdf import open_pdf, read_pdf_pages, render_page  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process and of its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def one_page_scans(scans: Path) -> list[tuple[str, object]]:
    """(name, page image) of each scanned PDF of one page in ``scans``."""
    out = []
    for pdf in sorted(scans.glob("*.pdf")):
        doc = open_pdf(pdf)
        try:
            if len(doc) != 1:
                continue
            image = render_page(pdf, doc, 0)
        finally:
            doc.close()
        if "source_dpi" in image.info:            # a scan, not a born-digital page
            out.append((pdf.stem, image))
    return out


def cpu_ratio(scans: Path, repeat: int) -> None:
    from saraban.ingest.ocr import default_engine, ocr_page
    from saraban.ingest.stages import _thai_word_share
    from saraban.ingest.tone_marks import restore_tone_marks
    pages = one_page_scans(scans)
    engine = default_engine()
    ocr_page(1, pages[0][1], engine=engine)          # load the digit prototypes and the lexicon once
    restore_tone_marks("ทดสอบ")
    _thai_word_share("ไสทหาดทนท")                    # and PyThaiNLP's dictionary (0.6 s, once a process)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    ratios, stage_cpu = [], {}
    print(f"CPU seconds per page, median of {repeat} (plain tesseract / saraban ocr_page):")
    with tempfile.TemporaryDirectory() as tmp:
        for name, image in pages:
            png = Path(tmp) / f"{name}.png"
            image.convert("L").save(png, dpi=image.info["dpi"])
            plain, ours = [], []
            for _ in range(repeat):               # interleaved, so machine load hits both alike
                start = _cpu()
                subprocess.run(["tesseract", str(png), str(Path(tmp) / name), "-l", "tha+eng"], env=env,
                               capture_output=True, check=True)
                plain.append(_cpu() - start)
                timings: dict[str, float] = {}
                start = _cpu()
                ocr_page(1, image, engine=engine, timings=timings)
                ours.append(_cpu() - start)
                for stage, secs in timings.items():
                    stage_cpu.setdefault(stage, []).append(secs)
            p, o = statistics.median(plain), statistics.median(ours)
            ratios.append(p / o)
            print(f"  {name}: plain {p:5.2f} s   saraban {o:5.2f} s   ratio {p / o:.2f}")
    print(f"median ratio over {len(pages)} one-page scans: {statistics.median(ratios):.2f}  (target >= 0.9)")
    n = len(pages) * repeat
    print("saraban's own CPU per page, by stage (tesseract's processes not included):")
    for stage, secs in sorted(stage_cpu.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {stage:<24} {1000 * sum(secs) / n:7.1f} ms")


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
    ap.add_argument("scans", type=Path, nargs="?", default=SHARED / "corpus" / "scans")
    ap.add_argument("--renders", type=Path, help="a folder of render_scans.py page images (*.png)")
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--textpdf", type=Path, nargs="*", default=[])
    ap.add_argument("--big", type=int, default=100)
    ap.add_argument("--big-ocr", action="store_true")
    args = ap.parse_args()
    if args.scans.is_dir():
        cpu_ratio(args.scans, args.repeat)

    images = sorted(args.renders.glob("*.png"))[: args.pages] if args.renders else []
    if images:
        print(f"{len(images)} page images from {args.renders}, {args.jobs} jobs, median of {args.repeat}")
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

    if args.big <= 0 or not images:
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
