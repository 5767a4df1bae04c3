"""Cut labelled Thai digit runs out of the real scans, for the digit reader's regression test.

    python bench/harvest_digit_crops.py [SCANS_DIR] [--out tests/data/real_digit_runs.npz]

SCANS_DIR (default ../shared/corpus/scans) holds NAME.pdf and gold/NAME.txt,
the printed text of page 1 with every digit as printed. Page 1 is rendered
and OCR'd as saraban does (300 dpi, binarize_page, tesseract tha+eng), and
each gold line with a Thai digit is aligned to the OCR text (rapidfuzz, all
digits folded to one symbol so that misread digits still align). A gold run
of Thai digits (with the . , / - inside it) takes the boxes of the OCR
characters aligned to it on one line, and the crop around them is cut as
ocr.py cuts a digit run (``_run_crop``).

The label is the gold run; the crop, the box inside it, and what tesseract
read there are kept beside it. Every run was checked by eye on contact
sheets: the runs in EXCLUDED were aligned to the wrong place (a gold ๑ to a
handwritten ๒๖, a lone ๒ to the ๒๕๖๘ beside it) and are left out. Grey
levels are kept to 5 bits (32 levels) to keep the file small; the reader
thresholds with Otsu and does not see the difference.

No run here is used to build the digit model (bench/build_digit_model.py
renders fonts only): they test it.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parent.parent

from saraban.ingest.ocr import TesseractEngine, _run_crop, _union, binarize_page, join_words  # noqa: E402
from saraban.ingest.pdf import open_pdf, render_page  # noqa: E402

OUT = REPO / "tests" / "data" / "real_digit_runs.npz"
_DIGITS = frozenset("๐๑๒๓๔๕๖๗๘๙0123456789")
_GOLD_RUN = re.compile(r"[๐-๙](?:[๐-๙.,/\-]*[๐-๙])?")
# (file, gold run, box left, box top) of runs aligned to the wrong glyphs, found on the contact sheets
EXCLUDED = {
    ("r02", "๑", 1228, 2322), ("r02", "๔", 1247, 2324), ("r02", "๑๒", 1228, 2322), ("r02", "๒", 2054, 986),
    ("r04", "๒", 1841, 1113), ("r04", "๑", 1730, 1764), ("r04", "๓", 1730, 1764),
    ("r06", "๐๐๓๓.๐๐๘", 1400, 1075), ("r06", "๙๓๐๐๐", 1558, 536), ("r07", "๘", 745, 462),
    ("r09", "๒๕๖๙", 503, 942), ("r10", "๒๕๖๗", 1953, 1144), ("r13", "๕", 527, 759), ("r13", "๑", 768, 1294),
    ("r13", "๑๕.๐๐", 364, 2472), ("r15", "๔", 655, 303), ("r15", "๒", 652, 2043),
}
# A gold line is aligned only where rapidfuzz's partial ratio reaches this
# (lines of handwriting and stamps that tesseract garbled score lower).
_MIN_LINE_SCORE = 60
# ... and a run only when this share of its characters found a partner.
_MIN_MAPPED = 0.6


def _fold(text: str) -> str:
    return "".join("#" if c in _DIGITS else c for c in text)


def harvest(pdf: Path, gold_text: str) -> list[dict]:
    """The labelled digit runs of page 1 of ``pdf``."""
    gray = render_page(pdf, open_pdf(pdf), 0, 300)
    result = TesseractEngine().read(binarize_page(gray), "tha+eng")
    _, char_box = join_words(result)
    text = result.text
    pos = [i for i, c in enumerate(text) if not c.isspace()]
    flat = _fold("".join(text[i] for i in pos))
    page = np.asarray(gray)
    runs = []
    for line in gold_text.split("\f")[0].splitlines():
        gpos = [i for i, c in enumerate(line) if not c.isspace()]
        gflat = _fold("".join(line[i] for i in gpos))
        if "#" not in gflat or len(gflat) < 2:
            continue
        al = fuzz.partial_ratio_alignment(gflat, flat)
        if al.score < _MIN_LINE_SCORE:
            continue
        lo, hi = max(0, al.dest_start - 3), min(len(flat), al.dest_end + 3)
        partner = {}
        for op in Levenshtein.opcodes(gflat, flat[lo:hi]):
            if op.tag in ("equal", "replace"):
                for k in range(min(op.src_end - op.src_start, op.dest_end - op.dest_start)):
                    partner[op.src_start + k] = lo + op.dest_start + k
        index = {p: k for k, p in enumerate(gpos)}
        for m in _GOLD_RUN.finditer(line):
            ks = [index[p] for p in range(m.start(), m.end()) if p in index]
            mapped = [partner[k] for k in ks if k in partner]
            lines = [text.count("\n", 0, pos[p]) for p in mapped]
            if lines:
                main = max(set(lines), key=lines.count)       # a run lies on one OCR line
                mapped = [p for p, n in zip(mapped, lines) if n == main]
            if len(mapped) < _MIN_MAPPED * len(ks):
                continue
            a, b = pos[min(mapped)], pos[max(mapped)] + 1
            boxes = {char_box[i] for i in range(a, b) if char_box[i] is not None}
            if not boxes:
                continue
            box = _union(result.boxes[i] for i in boxes)
            crop, core = _run_crop(page, box)
            runs.append(dict(gold=m.group(), ocr=" ".join(text[a:b].split()), crop=crop, core=core, box=box))
    return runs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scans", nargs="?", type=Path, default=REPO.parent / "shared" / "corpus" / "scans")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    rows = []
    for pdf in sorted(a.scans.glob("*.pdf")):
        gold = a.scans / "gold" / f"{pdf.stem}.txt"
        if not gold.exists():
            continue
        runs = [r for r in harvest(pdf, gold.read_text(encoding="utf-8"))
                if (pdf.stem, r["gold"], r["box"][0], r["box"][1]) not in EXCLUDED]
        rows += [dict(r, file=pdf.stem) for r in runs]
        print(f"{pdf.stem}: {len(runs)} runs, {sum(c.isdigit() for r in runs for c in r['gold'])} digits")
    crops = [(r["crop"] >> 3 << 3).astype(np.uint8) for r in rows]
    np.savez_compressed(
        a.out, pixels=np.concatenate([c.ravel() for c in crops]), shapes=np.array([c.shape for c in crops]),
        cores=np.array([r["core"] for r in rows]), gold=np.array([r["gold"] for r in rows]),
        ocr=np.array([r["ocr"] for r in rows]), source=np.array([r["file"] for r in rows]))
    print(f"wrote {a.out}: {len(rows)} runs ({a.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
