"""Build the digit model ingest/digits.py reads: glyph prototypes from damaged renders.

    python bench/build_digit_model.py [--out ingest/data/digit_model.npz] [--samples 48] [--seed 11]

Tesseract's Thai model cannot write ๔ ๖ ๗ ๘ ๙, so Thai digits are read glyph
by glyph against prototypes (ingest/digits.py). Clean renders alone matched
real scans badly: on glyphs cut from real letters the nearest clean template
was wrong for 4.4 % of digits and too far to trust for many more. Here every
Thai digit, Arabic digit and Latin letter of each font is rendered the way a
letter reaches us, then reduced to a few prototypes:

    font size 12-20 pt, scanned at 150-400 dpi (the page is then rendered at
    300 dpi, as ingest/pdf.py does), strokes thickened or thinned (ink
    spread, toner), rotated up to 2 degrees, blurred, JPEG-compressed or
    thresholded to 1 bit (fax), speckled.

Each damaged glyph is binarized and normalized exactly as the reader does
(``binarize``, ``_normalize_glyph``), and the samples of one character in one
font are clustered (k-means) into a handful of prototypes. The clean render
stays one of them. PCA keeps the file small (a few hundred KB): the reader
measures distance in the PCA space plus the part of the glyph the basis
leaves out, which is within a few percent of the full-cell distance.

Fonts: TH SarabunPSK (ingest/fonts/THSarabun.ttf, OFL-1.1; bold made by
thickening its strokes) and the TLWG faces Debian ships (fonts-thai-tlwg,
/usr/share/fonts/truetype/tlwg). Takes a few minutes; the result is
deterministic for a seed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from saraban.ingest.digits import (  # noqa: E402
    ARABIC_DIGITS, LATIN_LETTERS, MODEL_PATH, THAI_DIGITS, binarize, glyph_aspect, normalize_glyph,
)

TLWG = Path("/usr/share/fonts/truetype/tlwg")
SARABUN = REPO / "ingest" / "fonts" / "THSarabun.ttf"
# (template font name, file, extra stroke in em/100 to make a bold): text faces in the
# weights letters use; not the handwriting-like Purisa, not the obliques.
FONTS = (
    ("THSarabun", SARABUN, 0.0), ("THSarabun-Bold", SARABUN, 2.2),
    *((name, TLWG / f"{name}.ttf", 0.0) for name in (
        "Laksaman", "Laksaman-Bold", "Garuda", "Garuda-Bold", "Kinnari", "Kinnari-Bold",
        "Norasi", "Norasi-Bold", "Loma", "Loma-Bold", "Sawasdee", "Sawasdee-Bold",
        "Umpush", "Umpush-Bold", "Waree", "Waree-Bold", "TlwgTypo")),
)
PAGE_DPI = 300            # ingest/pdf.py renders every page at 300 dpi
_HI = 4                   # glyphs are drawn at 4x the scan's resolution, then reduced


def render(font: ImageFont.FreeTypeFont, ch: str, em_px: float, *, bold: float, thicken: float,
           angle: float, blur: float, jpeg: int | None, one_bit: bool, speckle: float, dpi: int,
           rng: np.random.Generator) -> np.ndarray | None:
    """One character as a scan of it would show it on a 300-dpi page (grayscale, ink dark)."""
    size = int(round(em_px * _HI))
    if size < 8:
        return None
    canvas = Image.new("L", (size * 3, size * 3), 0)
    stroke = int(round((bold + thicken) * size / 100)) if bold + thicken > 0 else 0
    ImageDraw.Draw(canvas).text((size, size // 2), ch, fill=255, font=font.font_variant(size=size),
                                stroke_width=stroke, stroke_fill=255)
    hi = np.asarray(canvas).astype(np.float32) / 255
    if thicken < 0:                                  # thinner strokes: erode the ink
        k = max(1, int(round(-thicken * size / 100)))
        hi = cv2.erode(hi, np.ones((2 * k + 1, 2 * k + 1), np.uint8))
    if not (hi > 0.5).any():
        return None
    if angle:
        h, w = hi.shape
        hi = cv2.warpAffine(hi, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h))
    ys, xs = np.nonzero(hi > 0.05)
    pad = size // 3
    hi = hi[max(0, ys.min() - pad):ys.max() + pad, max(0, xs.min() - pad):xs.max() + pad]
    scan = cv2.resize(hi, (max(1, hi.shape[1] // _HI), max(1, hi.shape[0] // _HI)), interpolation=cv2.INTER_AREA)
    if blur:
        scan = cv2.GaussianBlur(scan, (0, 0), blur)
    page = (255 - scan * 230 - rng.uniform(0, 25)).clip(0, 255)          # paper, not always white
    page = (page + rng.normal(0, rng.uniform(1, 8), page.shape)).clip(0, 255).astype(np.uint8)
    if speckle:
        dots = rng.random(page.shape) < speckle
        page[dots] = rng.integers(0, 90, int(dots.sum()))
    if one_bit:
        page = np.where(page < rng.uniform(110, 170), 0, 255).astype(np.uint8)
    elif jpeg:
        ok, buf = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        page = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    scale = PAGE_DPI / dpi
    if scale != 1:
        interp = cv2.INTER_LINEAR if scale > 1 else cv2.INTER_AREA
        page = cv2.resize(page, (max(1, round(page.shape[1] * scale)), max(1, round(page.shape[0] * scale))),
                          interpolation=interp)
    return page


def glyph_ink(page: np.ndarray) -> np.ndarray | None:
    """The ink of the glyph in a rendered crop, as the reader cuts it: its components' box."""
    mask = binarize(page)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count < 2:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = [i + 1 for i, a in enumerate(areas) if a >= max(4, 0.08 * areas.max())]   # specks off
    x0 = min(stats[i, 0] for i in keep)
    y0 = min(stats[i, 1] for i in keep)
    x1 = max(stats[i, 0] + stats[i, 2] for i in keep)
    y1 = max(stats[i, 1] + stats[i, 3] for i in keep)
    return mask[y0:y1, x0:x1]


def damage(rng: np.random.Generator, clean: bool) -> dict:
    """Random scan conditions (the first sample of each glyph is a clean 300-dpi render)."""
    if clean:
        return dict(pt=16.0, dpi=300, thicken=0.0, angle=0.0, blur=0.0, jpeg=None, one_bit=False, speckle=0.0)
    one_bit = rng.random() < 0.25
    return dict(
        pt=float(rng.uniform(12, 20)),
        dpi=int(rng.choice([150, 200, 200, 240, 300, 300, 400])),
        thicken=float(rng.uniform(-1.2, 2.0)),
        angle=float(rng.uniform(-2, 2)),
        blur=float(rng.choice([0, 0.4, 0.7, 1.0])),
        jpeg=None if one_bit or rng.random() < 0.3 else int(rng.integers(25, 90)),
        one_bit=one_bit,
        speckle=float(rng.choice([0, 0, 0.002, 0.006])),
    )


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator, iters: int = 20) -> np.ndarray:
    """Cluster labels of rows of x (k-means++ seeding); k is cut to the number of rows."""
    k = min(k, len(x))
    centres = [x[0]]                                      # the clean render seeds the first cluster
    for _ in range(1, k):
        d = np.min([((x - c) ** 2).sum(1) for c in centres], axis=0)
        centres.append(x[rng.choice(len(x), p=d / d.sum())] if d.sum() > 0 else x[rng.integers(len(x))])
    c = np.stack(centres)
    for _ in range(iters):
        lab = np.argmin(((x[:, None, :] - c[None]) ** 2).sum(2), axis=1)
        c = np.stack([x[lab == j].mean(0) if (lab == j).any() else c[j] for j in range(k)])
    return np.argmin(((x[:, None, :] - c[None]) ** 2).sum(2), axis=1)


def build(samples: int, seed: int, components: int, k_digit: int, k_letter: int,
          font_list: tuple[tuple[str, Path, float], ...] = FONTS) -> dict[str, np.ndarray]:
    """The model's arrays: PCA mean and basis, prototypes, their aspect ratios, characters and fonts."""
    rng = np.random.default_rng(seed)
    feats, aspects, labels, fonts = [], [], [], []
    for name, path, bold in font_list:
        if not path.exists():
            print(f"  {name}: {path} missing, left out", file=sys.stderr)
            continue
        font = ImageFont.truetype(str(path), 64)
        for ch in THAI_DIGITS + ARABIC_DIGITS + LATIN_LETTERS:
            digit = ch in THAI_DIGITS + ARABIC_DIGITS
            n = samples if digit else max(8, samples // 4)
            fs, asp = [], []
            for i in range(n):
                d = damage(rng, clean=i == 0)
                em_px = d["pt"] / 72 * d["dpi"]
                page = render(font, ch, em_px, bold=bold, thicken=d["thicken"], angle=d["angle"], blur=d["blur"],
                              jpeg=d["jpeg"], one_bit=d["one_bit"], speckle=d["speckle"], dpi=d["dpi"], rng=rng)
                ink = glyph_ink(page) if page is not None else None
                if ink is None or ink.shape[0] < 4:
                    continue
                fs.append(normalize_glyph(ink))
                asp.append(glyph_aspect(ink))
            if not fs:
                continue
            fs_a, asp_a = np.stack(fs), np.array(asp)
            lab = kmeans(fs_a, k_digit if digit else k_letter, rng)
            for j in np.unique(lab):
                sel = lab == j
                feats.append(fs_a[sel].mean(0) if j else fs_a[0])       # cluster 0 keeps the clean render
                aspects.append(float(np.exp(np.log(asp_a[sel]).mean())) if j else asp_a[0])
                labels.append(ch)
                fonts.append(name)
        print(f"  {name}: {len(labels)} prototypes so far", file=sys.stderr, flush=True)
    x = np.stack(feats).astype(np.float32)
    mean = x.mean(0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    basis = vt[:min(components, len(vt))]
    z = (x - mean) @ basis.T
    resid = np.sqrt(np.maximum(((x - mean) ** 2).sum(1) - (z ** 2).sum(1), 0))
    kept = float((s[:len(basis)] ** 2).sum() / max((s ** 2).sum(), 1e-12))
    print(f"  {len(x)} prototypes, PCA {len(basis)} components keep {kept:.1%} of the variance", file=sys.stderr)
    return dict(mean=mean.astype(np.float32), basis=basis.astype(np.float16), protos=z.astype(np.float16),
                resid=resid.astype(np.float16), aspects=np.array(aspects, np.float32),
                labels=np.array(labels), fonts=np.array(fonts), seed=np.array(seed), samples=np.array(samples))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--samples", type=int, default=48, help="damaged renders per digit (a quarter per letter)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--components", type=int, default=64)
    ap.add_argument("--k-digit", type=int, default=4, help="prototypes per digit and font")
    ap.add_argument("--k-letter", type=int, default=2, help="prototypes per Latin letter and font")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    model = build(a.samples, a.seed, a.components, a.k_digit, a.k_letter)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(a.out, **model)
    print(f"wrote {a.out} ({a.out.stat().st_size // 1024} KB) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
