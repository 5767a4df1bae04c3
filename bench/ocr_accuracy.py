"""OCR accuracy of Saraban's remedies against plain tesseract, on rendered Thai scans.

    python bench/ocr_accuracy.py [TEXT_DIR ...] [--font Laksaman] [--seed 7] [--noise light]
                                 [--work DIR] [--deskew] [--tesseract-reread] [--jobs N]

Renders every NAME.txt of the text folders (default: ../shared/corpus/texts
and bench/letters) with ../shared/tools/render_scans.py into image-only
PDFs, OCRs each page with tesseract tha+eng twice (the grayscale page, and the
black-and-white page saraban gives it), and scores every remedy on that same
OCR (plus one more OCR run for --deskew):

    gray-page plain        tesseract's plain text of the grayscale page (tesseract alone)
    plain                  tesseract's plain text of the page as saraban gives it (binarize_page)
    +tones                 stacked tone marks restored (ingest/tone_marks.py) alone
    +digitruns             Thai digit runs re-read by template matching (ingest/digits.py)
    +digits                ... and symbol/Latin tokens standing for numbers re-read too
    +digits+tones          both
    +digits+tones+numbers  ... then format-aware fixes (ingest/numbers.py): saraban's default
    +tess-digits           Thai digit runs re-read by tesseract -l tha --psm 7 with a digit
                           whitelist instead (--tesseract-reread)
    deskew+all             the default after deskewing the page (--deskew)

Prints CER and digit-CER (ocr_cer.py's definitions) per remedy and per text folder.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from saraban.ingest.numbers import correct_numbers  # noqa: E402
from saraban.ingest.tone_marks import restore_tone_marks  # noqa: E402
from saraban.ingest.ocr import (  # noqa: E402
    DEFAULT_LANGS, OcrResult, TesseractEngine, _apply, binarize_page, deskew, join_words, reread_digit_runs,
    to_gray,
)
from saraban.ingest.pdf import open_pdf, render_page  # noqa: E402

TOOLS = REPO.parent / "shared" / "tools"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tesseract_digit_reader(engine: TesseractEngine):
    """A DigitReader that asks tesseract (Thai model, one line, Thai digits only) instead."""
    from PIL import Image

    def read(crop, ocr_text, core):
        text = engine.read(Image.fromarray(crop), "tha").text.strip().replace(" ", "")
        return text or None
    return read


def remedies(result: OcrResult, gray, tess_reader) -> dict[str, str]:
    tokens, char_box = join_words(result)
    out = {"plain": result.text}
    out["+tones"] = restore_tone_marks(result.text)
    fixes = reread_digit_runs(result.text, char_box, result.boxes, gray, lookalike=None)
    out["+digitruns"] = _apply(result, tokens, fixes)[0]
    fixes = reread_digit_runs(result.text, char_box, result.boxes, gray)
    digits_text, _ = _apply(result, tokens, fixes)
    out["+digits"] = digits_text
    out["+digits+tones"] = restore_tone_marks(digits_text)
    out["+digits+tones+numbers"] = correct_numbers(out["+digits+tones"])
    if tess_reader is not None:
        fixes = reread_digit_runs(result.text, char_box, result.boxes, gray, reader=tess_reader, lookalike=None)
        out["+tess-digits"] = _apply(result, tokens, fixes)[0]
    return out


def ocr_doc(pdf: Path, engine: TesseractEngine, jobs: int, with_deskew: bool, tess_reader) -> dict[str, str]:
    doc = open_pdf(pdf)
    images = [to_gray(render_page(pdf, doc, i)) for i in range(len(doc))]
    doc.close()

    def one(gray):
        res = {"gray-page plain": engine.read(gray, DEFAULT_LANGS).text}      # tesseract alone
        res.update(remedies(engine.read(binarize_page(gray), DEFAULT_LANGS), gray, tess_reader))
        if with_deskew:
            straight = deskew(gray)
            res2 = remedies(engine.read(binarize_page(straight), DEFAULT_LANGS), straight, None)
            res["deskew+all"] = res2["+digits+tones+numbers"]
        return res
    with ThreadPoolExecutor(jobs) as pool:
        pages = list(pool.map(one, images))
    return {k: "\n\f".join(p[k] for p in pages) for k in pages[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("texts", nargs="*", type=Path)
    ap.add_argument("--font", default="Laksaman")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--noise", default="light")
    ap.add_argument("--work", type=Path, default=Path("/tmp/saraban-bench-ocr"))
    ap.add_argument("--deskew", action="store_true")
    ap.add_argument("--tesseract-reread", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--dump", type=Path, help="write each remedy's text to DUMP/REMEDY/NAME.txt")
    args = ap.parse_args()
    texts = args.texts or [REPO.parent / "shared" / "corpus" / "texts", REPO / "bench" / "letters"]
    render, cer = _load("render_scans"), _load("ocr_cer")
    engine = TesseractEngine()
    tess_reader = None
    if args.tesseract_reread:
        tess_reader = tesseract_digit_reader(TesseractEngine(psm=7, variables={
            "tessedit_char_whitelist": "๐๑๒๓๔๕๖๗๘๙./,-"}))
    totals: dict[str, list[int]] = {}
    started = time.perf_counter()
    for folder in texts:
        out = args.work / f"{folder.name}-{args.font}-{args.seed}-{args.noise}"
        out.mkdir(parents=True, exist_ok=True)
        rng = random.Random(args.seed)
        folder_tot: dict[str, list[int]] = {}
        for txt in sorted(folder.glob("*.txt")):
            pdf = out / f"{txt.stem}.scan.pdf"
            if not pdf.exists():
                render.render(txt, out, rng, args.noise, args.font)
            ref = cer.canon(txt.read_text(encoding="utf-8"))
            hyps = ocr_doc(pdf, engine, args.jobs, args.deskew, tess_reader)
            for name, hyp in hyps.items():
                if args.dump:
                    (args.dump / name).mkdir(parents=True, exist_ok=True)
                    (args.dump / name / f"{txt.stem}.txt").write_text(hyp, encoding="utf-8")
                hyp = cer.canon(hyp)
                err = cer.Levenshtein.distance(ref, hyp)
                derr = cer.digit_errors(ref, hyp)
                digits = sum(c.isdigit() for c in ref)
                for bucket in (folder_tot, totals):
                    acc = bucket.setdefault(name, [0, 0, 0, 0])
                    acc[0] += err
                    acc[1] += len(ref)
                    acc[2] += derr
                    acc[3] += digits
            print(f"  {folder.name}/{txt.stem}: " + "  ".join(
                f"{k} {cer.Levenshtein.distance(ref, cer.canon(v)) / max(len(ref), 1):.3f}" for k, v in hyps.items()),
                flush=True)
        _table(f"{folder.name} ({args.font}, seed {args.seed}, {args.noise} noise)", folder_tot)
    _table(f"ALL ({args.font}, seed {args.seed}, {args.noise} noise)", totals)
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


def _table(title: str, tot: dict[str, list[int]]) -> None:
    print(f"\n{title}")
    print(f"  {'remedy':<24} {'CER':>7} {'digit-CER':>10}   chars digits")
    for name, (err, n, derr, d) in tot.items():
        print(f"  {name:<24} {err / max(n, 1):7.4f} {derr / max(d, 1):10.4f}   {n:5d} {d:5d}")


if __name__ == "__main__":
    sys.exit(main())
