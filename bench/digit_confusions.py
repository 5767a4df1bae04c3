"""The digit reader on digit runs cut from real scans: confusions, run accuracy, speed.

    python bench/digit_confusions.py [tests/data/real_digit_runs.npz] [--errors]

The runs (bench/harvest_digit_crops.py) are real crops labelled by hand-checked
gold. For each run it prints, over the whole set:

  glyphs     the Thai digits read (read_glyphs), in runs where the reader cut
             as many digit glyphs as the gold has: a confusion matrix
             gold (rows) x read (columns), and the error rate;
  cut        runs where it cut a different number of digit glyphs;
  runs       reread_digits as ocr.py applies it (None keeps tesseract's text):
             share of runs exactly right, and the digit error rate
             (edits touching a gold digit, as ../shared/tools/ocr_cer.py
             counts them) against tesseract's own.

--scale S resizes every crop first (0.5: the page as a 150-dpi image file
gives it, 2: a page upsampled before OCR).
"""
from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

from saraban.ingest.digits import THAI_DIGITS, read_glyphs, reread_digits

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "real_digit_runs.npz"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")


def load_runs(path: Path = DATA) -> list[dict]:
    """The labelled runs: crop (grayscale), core box, tesseract's text, gold text, source file."""
    with np.load(path, allow_pickle=False) as d:
        pixels, shapes = d["pixels"], d["shapes"]
        ends = np.cumsum([h * w for h, w in shapes])
        crops = [pixels[e - h * w:e].reshape(h, w) for e, (h, w) in zip(ends, shapes)]
        return [dict(crop=c, core=tuple(int(v) for v in core), ocr=str(o), gold=str(g), source=str(s))
                for c, core, o, g, s in zip(crops, d["cores"], d["ocr"], d["gold"], d["source"])]


def rescale(run: dict, scale: float) -> dict:
    """The run as a page at ``scale`` times the resolution would show it."""
    if scale == 1:
        return run
    h, w = run["crop"].shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    crop = cv2.resize(run["crop"], size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    return dict(run, crop=crop, core=tuple(int(round(v * scale)) for v in run["core"]))


def digit_errors(ref: str, hyp: str) -> int:
    """Edits that touch a digit of ``ref`` (digits compared as Arabic, spaces ignored)."""
    ref, hyp = ref.translate(_TO_ARABIC).replace(" ", ""), hyp.translate(_TO_ARABIC).replace(" ", "")
    return sum(1 for op in Levenshtein.editops(ref, hyp) if op.tag in ("replace", "delete") and ref[op.src_pos].isdigit())


def evaluate(runs: list[dict], show_errors: bool = False) -> dict:
    confusion: collections.Counter[tuple[str, str]] = collections.Counter()
    cut = exact = digits = errors = ocr_errors = 0
    t0 = time.perf_counter()
    for r in runs:
        gold = [c for c in r["gold"] if c.isdigit()]
        glyphs = [g for g in read_glyphs(r["crop"], r["core"]) or [] if g.char.isdigit()]
        if len(glyphs) == len(gold):
            confusion.update(zip(gold, (g.char for g in glyphs)))
        else:
            cut += 1
        new = reread_digits(r["crop"], r["ocr"], r["core"])
        final = new if new is not None else r["ocr"]
        exact += final.replace(" ", "") == r["gold"]
        digits += len(gold)
        errors += digit_errors(r["gold"], final)
        ocr_errors += digit_errors(r["gold"], r["ocr"])
        if show_errors and final.replace(" ", "") != r["gold"]:
            print(f"  {r['source']} gold {r['gold']} tesseract {r['ocr']!r} -> {new!r}")
    seconds = time.perf_counter() - t0
    glyph_total = sum(confusion.values())
    glyph_errors = sum(v for (g, p), v in confusion.items() if g != p)
    return dict(confusion=confusion, glyphs=glyph_total, glyph_errors=glyph_errors, cut=cut, runs=len(runs),
                exact=exact, digits=digits, errors=errors, ocr_errors=ocr_errors, seconds=seconds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", type=Path, default=DATA)
    ap.add_argument("--errors", action="store_true", help="list the runs read wrong")
    ap.add_argument("--scale", type=float, default=1.0, help="resize the crops first")
    a = ap.parse_args(argv)
    runs = [rescale(r, a.scale) for r in load_runs(a.data)]
    res = evaluate(runs, a.errors)
    c = res["confusion"]
    print("gold\\read " + " ".join(f"{d:>3}" for d in THAI_DIGITS))
    for g in THAI_DIGITS:
        print(f"{g:>9} " + " ".join(f"{c[(g, p)]:>3}" if c[(g, p)] else "  ." for p in THAI_DIGITS))
    print(f"glyphs {res['glyphs']}, wrong {res['glyph_errors']} ({res['glyph_errors'] / max(res['glyphs'], 1):.1%}); "
          f"runs cut into another number of digits {res['cut']} of {res['runs']}")
    print(f"runs exactly right {res['exact']} of {res['runs']} ({res['exact'] / res['runs']:.1%}); digit errors "
          f"{res['errors'] / res['digits']:.1%} (tesseract alone {res['ocr_errors'] / res['digits']:.1%}) "
          f"over {res['digits']} digits; {1000 * res['seconds'] / res['runs']:.1f} ms per run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
