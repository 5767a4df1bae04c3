"""What each OCR page stage gains, on the rendered dev pages and on the real scans.

    python bench/ocr_accuracy.py [--renders] [--real [SCANS_DIR]] [--stages NAME,...] [--jobs N]
                                 [--psm N] [--font Laksaman] [--seed 7] [--noise light] [--work DIR]

Two page sets (default: both):

- renders: every NAME.txt of ../shared/corpus/texts and bench/letters made
  into an image-only PDF by ../shared/tools/render_scans.py (Laksaman, light
  noise, seed 7), every page; scored by ocr_cer.py against the text it was
  rendered from (CER, digit-CER).
- real: page 1 of each file of ../shared/corpus/scans (real scanned letters,
  and born-digital PDFs with broken layers, rendered); scored by
  scan_compare.py's line-CER and digit-CER against gold/NAME.txt (each gold
  line aligned on its own: reading order and handwriting do not count).

For each set it prints one row per configuration:

    plain tesseract    `tesseract -l tha+eng` (psm 3) on the gray page: tesseract alone
    saraban            ocr_page with every stage (the default)
    -STAGE             the same with STAGE switched off (ReadOptions.disabled_stages)
    no repairs         image stages only: every repair and text stage off

and the gain of each stage (its row minus the saraban row: positive = the
stage helps). Tesseract's reading of a page image is cached by the image's
bytes, so switching a repair stage off costs no new tesseract run.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TOOLS = SHARED / "tools"

from PIL import Image  # noqa: E402

from saraban.core.options import ReadOptions  # noqa: E402
from saraban.ingest.images import image_frames  # noqa: E402
from saraban.ingest.ocr import (  # noqa: E402
    STAGE_NAMES, OcrEngine, OcrResult, TesseractEngine, ocr_page,
)
from saraban.ingest.pdf import open_pdf, render_page  # noqa: E402
from saraban.ingest.preprocess import IMAGE_STAGES  # noqa: E402

REPAIRS = frozenset(STAGE_NAMES) - {name for name, _ in IMAGE_STAGES}


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(TOOLS))
    spec.loader.exec_module(module)
    return module


class CachingEngine(OcrEngine):
    """An engine that reads each distinct image once (keyed by its pixels, mode, dpi and languages)."""

    name = "caching"

    def __init__(self, engine: OcrEngine) -> None:
        self.engine, self.cache, self.calls = engine, {}, 0

    def _key(self, kind: str, image: Image.Image, langs: str) -> str:
        h = hashlib.sha1(image.tobytes())
        h.update(f"{kind}{image.mode}{image.size}{image.info.get('dpi')}{langs}".encode())
        return h.hexdigest()

    def read(self, image: Image.Image, langs: str) -> OcrResult:
        key = self._key("page", image, langs)
        if key not in self.cache:
            self.calls += 1
            self.cache[key] = self.engine.read(image, langs)
        return self.cache[key]

    def read_block(self, image: Image.Image, langs: str) -> OcrResult:
        key = self._key("block", image, langs)
        if key not in self.cache:
            self.calls += 1
            self.cache[key] = self.engine.read_block(image, langs)
        return self.cache[key]

    def orientation(self, image: Image.Image) -> int | None:
        return self.engine.orientation(image)


def configurations(stages: list[str]) -> dict[str, frozenset[str] | None]:
    """Configuration name -> the stages it switches off (None: plain tesseract on the gray page)."""
    configs: dict[str, frozenset[str] | None] = {"plain tesseract": None, "saraban": frozenset()}
    configs.update({f"-{s}": frozenset({s}) for s in stages})
    configs["no repairs"] = REPAIRS
    return configs


def read_pages(pages: list[Image.Image], configs: dict, engine: CachingEngine, plain: TesseractEngine,
               jobs: int) -> dict[str, list[str]]:
    """Each configuration's text of each page."""
    def one(args: tuple[str, int]) -> str:
        name, k = args
        off = configs[name]
        if off is None:
            return plain.read(pages[k].convert("L"), "tha+eng").text
        return ocr_page(k + 1, pages[k], engine=engine, options=ReadOptions(disabled_stages=off)).text
    out: dict[str, list[str]] = {}
    # the saraban row first, page by page, so the cache holds every read the others share
    order = ["saraban"] + [n for n in configs if n != "saraban"]
    with ThreadPoolExecutor(jobs) as pool:
        for name in order:
            out[name] = list(pool.map(one, [(name, k) for k in range(len(pages))]))
            print(f"  {name}: done ({engine.calls} engine reads so far)", file=sys.stderr, flush=True)
    return out


def real_pages(scans: Path) -> tuple[list[str], list[Image.Image]]:
    """(name, page-1 image) of each file of the real-scan set that has gold."""
    names, pages = [], []
    for path in sorted(scans.iterdir()):
        if not (scans / "gold" / f"{path.stem}.txt").exists():
            continue
        if path.suffix.lower() == ".pdf":
            doc = open_pdf(path)
            pages.append(render_page(path, doc, 0))
            doc.close()
        elif path.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
            pages.append(next(image_frames(path)))
        else:
            continue
        names.append(path.stem)
    return names, pages


def score_real(scans: Path, names: list[str], texts: dict[str, list[str]]) -> dict[str, dict]:
    compare = _load("scan_compare")
    out = {}
    for config, hyps in texts.items():
        per, tot = {}, [0, 0, 0, 0]
        for name, hyp in zip(names, hyps):
            ref = (scans / "gold" / f"{name}.txt").read_text(encoding="utf-8")
            lc, le, dg, de = compare.line_errors(ref, hyp)
            per[name] = le / max(lc, 1)
            tot = [tot[0] + le, tot[1] + lc, tot[2] + de, tot[3] + dg]
        out[config] = {"cer": tot[0] / max(tot[1], 1), "digit_cer": tot[2] / max(tot[3], 1), "files": per}
    return out


def render_set(texts: list[Path], work: Path, font: str, seed: int, noise: str) -> list[tuple[Path, Path]]:
    """(text, image-only PDF) of each text, rendered once into ``work``."""
    render = _load("render_scans")
    out = []
    for folder in texts:
        dest = work / f"{folder.name}-{font}-{seed}-{noise}"
        dest.mkdir(parents=True, exist_ok=True)
        rng = random.Random(seed)
        for txt in sorted(folder.glob("*.txt")):
            pdf = dest / f"{txt.stem}.scan.pdf"
            if not pdf.exists():
                render.render(txt, dest, rng, noise, font)
            out.append((txt, pdf))
    return out


def score_renders(docs: list[tuple[Path, Path]], counts: list[int], texts: dict[str, list[str]]) -> dict[str, dict]:
    cer = _load("ocr_cer")
    out = {}
    for config, hyps in texts.items():
        per, tot, k = {}, [0, 0, 0, 0], 0
        for (txt, _), n in zip(docs, counts):
            hyp = cer.canon("\n\f".join(hyps[k:k + n]))
            k += n
            ref = cer.canon(txt.read_text(encoding="utf-8"))
            err, derr = cer.Levenshtein.distance(ref, hyp), cer.digit_errors(ref, hyp)
            per[txt.stem] = err / max(len(ref), 1)
            tot = [tot[0] + err, tot[1] + len(ref), tot[2] + derr, tot[3] + sum(c.isdigit() for c in ref)]
        out[config] = {"cer": tot[0] / max(tot[1], 1), "digit_cer": tot[2] / max(tot[3], 1), "files": per}
    return out


def table(title: str, scores: dict[str, dict], cer_name: str, files: bool) -> None:
    base = scores["saraban"]
    print(f"\n{title}")
    print(f"  {'configuration':<26} {cer_name:>9} {'digit-CER':>10} {'gain':>7} {'digit gain':>11}")
    for name, s in scores.items():
        gain = s["cer"] - base["cer"]
        dgain = s["digit_cer"] - base["digit_cer"]
        print(f"  {name:<26} {100 * s['cer']:8.2f}% {100 * s['digit_cer']:9.2f}% "
              f"{100 * gain:+6.2f} {100 * dgain:+10.2f}")
    if files:
        names = list(base["files"])
        print(f"\n  per file ({cer_name}, %): " + " ".join(f"{n[-3:]:>6}" for n in names))
        for name, s in scores.items():
            print(f"  {name:<26} " + " ".join(f"{100 * s['files'][n]:6.1f}" for n in names))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--renders", action="store_true", help="the rendered dev pages")
    ap.add_argument("--real", nargs="?", const=SHARED / "corpus" / "scans", type=Path,
                    help="the real scans (default ../shared/corpus/scans)")
    ap.add_argument("--texts", nargs="*", type=Path)
    ap.add_argument("--stages", help="comma-separated stages to measure (default: all)")
    ap.add_argument("--psm", type=int, default=None, help="tesseract page segmentation mode (default: the engine's)")
    ap.add_argument("--font", default="Laksaman")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--noise", default="light")
    ap.add_argument("--work", type=Path, default=Path("/tmp/saraban-bench-ocr"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--files", action="store_true", help="also print each file's figure per configuration")
    ap.add_argument("--dump", type=Path, help="write each configuration's page texts to DUMP/SET/CONFIG/NAME.txt")
    args = ap.parse_args()
    if not args.renders and args.real is None:
        args.renders, args.real = True, SHARED / "corpus" / "scans"
    stages = args.stages.split(",") if args.stages else list(STAGE_NAMES)
    unknown = set(stages) - set(STAGE_NAMES)
    if unknown:
        ap.error(f"no such stage: {', '.join(sorted(unknown))} (stages: {', '.join(STAGE_NAMES)})")
    engine = CachingEngine(TesseractEngine(**({"psm": args.psm} if args.psm else {})))
    plain = TesseractEngine(psm=3)
    configs = configurations(stages)
    started = time.perf_counter()
    if args.real is not None:
        names, pages = real_pages(args.real)
        texts = read_pages(pages, configs, engine, plain, args.jobs)
        _dump(args.dump, "real", names, texts)
        table(f"REAL SCANS, page 1 ({args.real}, {len(pages)} pages)", score_real(args.real, names, texts),
              "line-CER", args.files)
    if args.renders:
        folders = args.texts or [SHARED / "corpus" / "texts", REPO / "bench" / "letters"]
        docs = render_set(folders, args.work, args.font, args.seed, args.noise)
        pages, counts = [], []
        for _, pdf in docs:
            doc = open_pdf(pdf)
            counts.append(len(doc))
            pages += [render_page(pdf, doc, i) for i in range(len(doc))]
            doc.close()
        texts = read_pages(pages, configs, engine, plain, args.jobs)
        table(f"RENDERS ({args.font}, seed {args.seed}, {args.noise} noise, {len(pages)} pages)",
              score_renders(docs, counts, texts), "CER", args.files)
    print(f"\n({time.perf_counter() - started:.0f} s, {engine.calls} engine reads)")
    return 0


def _dump(dump: Path | None, kind: str, names: list[str], texts: dict[str, list[str]]) -> None:
    if dump is None:
        return
    for config, hyps in texts.items():
        folder = dump / kind / config.replace(" ", "_")
        folder.mkdir(parents=True, exist_ok=True)
        for name, hyp in zip(names, hyps):
            (folder / f"{name}.txt").write_text(hyp, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
