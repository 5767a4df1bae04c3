"""Re-read Thai digits that tesseract gets wrong, from the page image itself.

Tesseract's ``tha`` model misreads the digits of the loopless fonts Thai
offices print with (TH SarabunPSK and its clones): on light-noise 300-dpi
scans of the dev corpus it gets 27% of Thai digits wrong (๖ read as ๐ or
๒๐, ๗ as ๓ or ฒ, ๒๕๖๕ as ๒๕๒๐๕), and neither a digit whitelist nor a
Thai-only model nor binarization fixes it (measured in bench/ocr_accuracy.py).
No library reads Thai digits, so this module does the narrow job by hand:
the ten Thai digits are rendered once from the TLWG fonts Debian ships
(fonts-thai-tlwg), each glyph of a digit run that tesseract located is cut
out of the page by connected components, and the nearest template (a
blurred 24x32 bitmap, compared by Euclidean distance) names it. Only the
small box of each run is looked at, so this adds milliseconds per page,
not another tesseract pass.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"
LATIN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghkmnoprstuvwxyz"
FONT_DIR = Path("/usr/share/fonts/truetype/tlwg")
# Text faces (not the handwriting-like Purisa, not the typewriter faces) in
# the weights letters use; obliques are left out: letters are not slanted.
TEMPLATE_FONTS = (
    "Laksaman", "Laksaman-Bold", "Garuda", "Garuda-Bold", "Kinnari", "Kinnari-Bold",
    "Norasi", "Norasi-Bold", "Loma", "Loma-Bold", "Sawasdee", "Sawasdee-Bold",
    "Umpush", "Umpush-Bold", "Waree", "Waree-Bold", "TlwgTypo",
)
_CELL = (24, 32)            # width, height of the normalized glyph bitmap
# A component is noise below this share of the run's digit height, a dot or
# comma below _PUNCT_HEIGHT; a glyph whose best distance is above
# _MAX_DISTANCE is not a digit we know, and the run keeps tesseract's text.
_NOISE_HEIGHT = 0.12
_PUNCT_HEIGHT = 0.45
_MAX_DISTANCE = 9.0


@dataclass(frozen=True, slots=True)
class Glyph:
    """One glyph read out of a digit run: its character and template distance."""

    char: str
    distance: float
    left: int
    right: int
    height: int = 0
    per_font: dict[str, float] | None = None   # best distance within each template font


def _normalize_glyph(ink: np.ndarray) -> np.ndarray:
    """A binary glyph (ink = 1) cropped, scaled into the cell keeping its aspect, blurred."""
    ys, xs = np.nonzero(ink)
    glyph = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)
    h, w = glyph.shape
    cw, ch = _CELL
    scale = min(cw / w, ch / h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    small = cv2.resize(glyph, (nw, nh), interpolation=cv2.INTER_AREA)
    cell = np.zeros((ch, cw), np.float32)
    y0, x0 = (ch - nh) // 2, (cw - nw) // 2
    cell[y0:y0 + nh, x0:x0 + nw] = small
    return cv2.GaussianBlur(cell, (5, 5), 1.0).ravel()


@functools.cache
def _templates() -> tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Feature rows, aspect ratios, labels and font names of Thai and Arabic digits and Latin letters."""
    feats, aspects, labels, fonts = [], [], [], []
    for name in TEMPLATE_FONTS:
        path = FONT_DIR / f"{name}.ttf"
        if not path.exists():
            continue
        font = ImageFont.truetype(str(path), 96)
        for ch in THAI_DIGITS + ARABIC_DIGITS + LATIN_LETTERS:
            img = Image.new("L", (160, 200), 0)
            ImageDraw.Draw(img).text((30, 30), ch, fill=255, font=font)
            ink = np.asarray(img) > 127
            if not ink.any():
                continue
            ys, xs = np.nonzero(ink)
            feats.append(_normalize_glyph(ink))
            aspects.append((np.ptp(xs) + 1) / (np.ptp(ys) + 1))
            labels.append(ch)
            fonts.append(name)
    if not feats:
        log.warning("no TLWG fonts in %s: Thai digits are not re-read", FONT_DIR)
        return np.zeros((0, _CELL[0] * _CELL[1]), np.float32), np.zeros(0), (), ()
    return np.stack(feats), np.array(aspects), tuple(labels), tuple(fonts)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (True = ink) of a grayscale crop: light blur, then Otsu's threshold."""
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask > 0


def read_glyphs(gray: np.ndarray, core: tuple[int, int, int, int] | None = None,
                digits: str = THAI_DIGITS, fonts: tuple[str, ...] | None = None) -> list[Glyph] | None:
    """The glyphs of a digit run, left to right; None when the crop does not look like one.

    ``gray`` is the grayscale crop around a run of Thai digits and the
    punctuation of dates and letter numbers (``.`` ``/`` ``,`` ``-``);
    ``core`` the box tesseract gave the run inside the padded crop (left,
    right, top, bottom): a component mostly (70%) left or right of it belongs
    to a neighbouring word, one whose middle is above or below it to the
    lines above and below.
    ``digits`` are the characters a glyph may be read as, ``fonts`` the
    template fonts to compare with (all when None).
    """
    feats, aspects, labels, names = _templates()
    keep = np.array([label in digits and (fonts is None or name in fonts) for label, name in zip(labels, names)])
    if not keep.any():
        return None
    feats, aspects = feats[keep], aspects[keep]
    labels, names = tuple(np.array(labels)[keep]), np.array(names)[keep]
    if not labels or gray.size == 0 or gray.shape[0] < 8:
        return None
    mask = binarize(gray)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    comps = [tuple(int(v) for v in stats[i]) for i in range(1, count)]  # x, y, w, h, area
    lo, hi, top, bottom = core if core is not None else (0, gray.shape[1], 0, gray.shape[0])
    comps = [c for c in comps if top <= c[1] + c[3] / 2 <= bottom]
    # (tesseract may box only a sliver of a glyph it misread: "๙" as an 11-pixel "«")
    seeds = [c for c in comps if min(c[0] + c[2], hi) - max(c[0], lo) >= 0.3 * min(c[2], hi - lo)]
    if not seeds:
        return None
    # the digit height from glyphs of a digit's width: a ")" or "/" after a short
    # run ("๔)") is taller than the digits and would pass for one of them
    wide = [c for c in seeds if c[2] >= 0.5 * c[3]] or seeds
    tallest = max(c[3] for c in wide)
    digit_height = float(np.median([c[3] for c in wide if c[3] > 0.5 * tallest]))
    # Thai digits stand on one baseline; a mark of the line below (the ั้ of นั้น under
    # a ๓) lies below it, and would be merged into the digit above it
    baseline = float(np.median([c[1] + c[3] for c in wide if c[3] > 0.5 * tallest]))
    comps = [c for c in comps if baseline - 1.6 * digit_height < c[1] + c[3] / 2 < baseline + 0.25 * digit_height]
    comps = [c for c in comps if c[3] >= _NOISE_HEIGHT * digit_height and c[4] >= 4]
    comps = _merge_overlapping(sorted(comps))
    comps = [part for c in comps for part in _split_touching(mask, c, digit_height)]
    glyphs = []
    for c in comps:
        g = _classify(mask, c, digit_height, feats, aspects, labels, names)
        if g.distance > _TOUCHING_DISTANCE and c[3] > _TALL * digit_height:
            pair = _split_mark(mask, c, digit_height, feats, aspects, labels, names)
            if pair is not None:
                glyphs.extend(pair)
                continue
        glyphs.append(g)
    inside = [i for i, g in enumerate(glyphs) if min(g.right, hi) - max(g.left, lo) >= 0.3 * min(g.right - g.left, hi - lo)]
    if not inside:
        return None
    first, last = _grow(glyphs, inside[0], -1, digit_height), _grow(glyphs, inside[-1], 1, digit_height)
    return glyphs[first:last + 1]


# A glyph that matches its best digit worse than this, and is taller than _TALL
# digit heights, may be a digit touching the slash or bracket after it ("๔/").
_TOUCHING_DISTANCE = 4.5
_TALL = 1.15


def _split_mark(mask: np.ndarray, comp: tuple[int, int, int, int], digit_height: float,
                feats: np.ndarray, aspects: np.ndarray, labels: tuple[str, ...], names: np.ndarray,
                ) -> list[Glyph] | None:
    """A digit and a slash or bracket blurred into one component, cut apart; None when no cut fits.

    ``_split_touching`` cuts at the thinnest column, but a slash leans over
    the digit before it, so every vertical cut is tried and kept when the left
    part is a digit that matches well and the right part a tall, narrow mark.
    """
    x, y, w, h = comp
    best = None
    for cut in range(int(0.5 * digit_height), w - int(0.15 * digit_height)):
        left, right = _tighten(mask, (x, y, cut, h)), _tighten(mask, (x + cut, y, w - cut, h))
        if right[3] < 1.2 * digit_height or right[2] > 0.6 * right[3]:
            continue
        g = _classify(mask, left, digit_height, feats, aspects, labels, names)
        if g.char.isdigit() and (best is None or g.distance < best[0].distance):
            best = (g, right)
    if best is None or best[0].distance > _TOUCHING_DISTANCE:
        return None
    digit, (rx, ry, rw, rh) = best
    return [digit, Glyph(_tall_mark(mask[ry:ry + rh, rx:rx + rw]), 0.0, rx, rx + rw, rh)]


# A digit tesseract's box left out still belongs to the run when it is this close
# (in digit heights) to it; a space between words is wider.
_RUN_GAP = 0.4


def _grow(glyphs: list[Glyph], i: int, step: int, digit_height: float) -> int:
    """Extend a run from glyph ``i`` over neighbouring digits (and a dot between digits)."""
    j = i + step
    while 0 <= j < len(glyphs):
        prev, cur = glyphs[j - step], glyphs[j]
        gap = (cur.left - prev.right) if step > 0 else (prev.left - cur.right)
        if gap > _RUN_GAP * digit_height:
            break
        if cur.char.isdigit() and cur.distance <= _MAX_DISTANCE:
            i = j
        elif cur.char not in ".," :
            break
        j += step
    return i


def _classify(mask: np.ndarray, comp: tuple[int, int, int, int], digit_height: float,
              feats: np.ndarray, aspects: np.ndarray, labels: tuple[str, ...], names: np.ndarray) -> Glyph:
    """Name one component: a dot or dash by its size, else the nearest digit template,
    else (tall, narrow, and no digit) a slash or parenthesis."""
    x, y, w, h = comp
    if h < _PUNCT_HEIGHT * digit_height:
        mark = "-" if w > 1.8 * h else "," if h > 1.4 * w else "."   # a comma has a tail
        return Glyph(mark, 0.0, x, x + w)
    ink = mask[y:y + h, x:x + w]
    dist = np.sqrt(((feats - _normalize_glyph(ink)) ** 2).sum(axis=1))
    dist += 4.0 * np.abs(np.log(aspects / (w / h)))          # shape, then proportions
    best = int(np.argmin(dist))
    if dist[best] > _MAX_DISTANCE and w < 0.45 * digit_height and h < 0.8 * digit_height:
        return Glyph("," if h > 1.4 * w else ".", 0.0, x, x + w, h)   # a bold comma, no digit
    # / ( ) rise above Thai digits; a narrow glyph of a digit's height that is no digit is one too,
    # and a curved one taller than the digits is a bracket however close an Arabic "1" comes
    # ("2)" is no "21"; a "3" curves too, but no higher than its neighbours)
    if w < 0.6 * h and h >= 0.9 * digit_height:
        mark = _tall_mark(ink)
        if (mark in "()" and h > 1.1 * digit_height) or dist[best] > _MAX_DISTANCE:
            return Glyph(mark, 0.0, x, x + w, h)
    per_font = {str(n): float(dist[names == n].min()) for n in np.unique(names)}
    return Glyph(str(labels[best]), float(dist[best]), x, x + w, h, per_font)


def _tall_mark(ink: np.ndarray) -> str:
    """Tell ``/``, ``(`` and ``)`` apart by where the ink leans in the top, middle and bottom thirds."""
    h = ink.shape[0]
    cols = np.arange(ink.shape[1])
    centre = [float((ink[a:b] * cols).sum() / max(ink[a:b].sum(), 1))
              for a, b in ((0, h // 3), (h // 3, 2 * h // 3), (2 * h // 3, h))]
    top, mid, bottom = centre
    slack = 0.08 * ink.shape[1] + 0.5
    if top > mid + slack > bottom + 2 * slack:
        return "/"
    if mid + slack < min(top, bottom):
        return "("
    if mid - slack > max(top, bottom):
        return ")"
    return "/"


# No Thai digit is wider than 1.4 times its height in any template font.
_MAX_ASPECT = 1.45


def _split_touching(mask: np.ndarray, comp: tuple[int, int, int, int], digit_height: float,
                    ) -> list[tuple[int, int, int, int]]:
    """Cut a component too wide for one digit (two glyphs joined by blur) at its thinnest column."""
    x, y, w, h = comp
    if h < _PUNCT_HEIGHT * digit_height or w <= _MAX_ASPECT * h:
        return [comp]
    columns = mask[y:y + h, x:x + w].sum(axis=0)
    parts = max(2, round(w / (1.05 * h)))
    lo, hi = int(w / parts * 0.6), int(w - w / parts * 0.6)
    if hi <= lo:
        return [comp]
    cut = lo + int(np.argmin(columns[lo:hi]))
    left, right = (x, y, cut, h), (x + cut, y, w - cut, h)
    return [*_split_touching(mask, _tighten(mask, left), digit_height),
            *_split_touching(mask, _tighten(mask, right), digit_height)]


def _tighten(mask: np.ndarray, comp: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The box shrunk vertically to the ink inside it."""
    x, y, w, h = comp
    rows = np.nonzero(mask[y:y + h, x:x + w].any(axis=1))[0]
    if rows.size == 0:
        return comp
    return (x, y + int(rows[0]), w, int(rows[-1] - rows[0] + 1))


def _merge_overlapping(comps: list[tuple[int, ...]]) -> list[tuple[int, int, int, int]]:
    """Join components that share most of their columns (a glyph broken by noise)."""
    merged: list[list[int]] = []
    for x, y, w, h, _area in comps:
        if merged:
            mx, my, mw, mh = merged[-1]
            overlap = min(mx + mw, x + w) - max(mx, x)
            if overlap > 0.6 * min(mw, w):
                nx, ny = min(mx, x), min(my, y)
                merged[-1] = [nx, ny, max(mx + mw, x + w) - nx, max(my + mh, y + h) - ny]
                continue
        merged.append([x, y, w, h])
    return [tuple(m) for m in merged]  # type: ignore[misc]


def reread_digits(gray: np.ndarray, ocr_text: str, core: tuple[int, int, int, int] | None = None,
                  digits: str = THAI_DIGITS, max_distance: float = _MAX_DISTANCE,
                  fonts: tuple[str, ...] | None = None) -> str | None:
    """The digit run in ``gray`` read glyph by glyph, or None to keep ``ocr_text``.

    The run is kept as tesseract read it when a glyph matches no template
    well, or when the punctuation read differs from tesseract's (a sign the
    box holds more or less than the run).
    """
    glyphs = read_glyphs(gray, core, digits, fonts)
    if not glyphs:
        return None
    # a letter after the run that its box took in ("๐๒๐๔.๔/ว" in Kinnari, the ว read as ")"):
    # left as tesseract read it, when the glyphs before it hold as many digits as tesseract read
    trimmed = list(glyphs)
    while trimmed and trimmed[-1].distance > max_distance:
        trimmed.pop()
    tail = ""
    dropped = len(glyphs) - len(trimmed)
    if (trimmed and dropped and dropped < len(ocr_text) and not any(c.isdigit() for c in ocr_text[-dropped:])
            and sum(g.char.isdigit() for g in trimmed) == sum(c.isdigit() for c in ocr_text)):
        glyphs, tail = trimmed, ocr_text[-dropped:]
    if max(g.distance for g in glyphs) > max_distance:
        log.debug("digit run %r: a glyph matches no template (%.1f)", ocr_text,
                  max(g.distance for g in glyphs))
        return None
    text = "".join(g.char for g in glyphs)
    # a dot or comma at either end is noise or a neighbour's, unless tesseract saw it too
    if not ocr_text[:1] in ".,":
        text = text.lstrip(".,")
    if not ocr_text[-1:] in ".,":
        text = text.rstrip(".,")
    elif not text.endswith(ocr_text[-1]) and not text[-1:].isdigit():
        text += ocr_text[-1]          # "2)," : the run stopped at the bracket, the comma is still there
    if not text:
        return None
    text += tail
    if _punctuation(text) != _punctuation(ocr_text):
        return None
    return text


def _punctuation(text: str) -> str:
    return "".join(c for c in text if c in "/-")


# A tesseract token standing where a number is (list numbers ``๓.`` read as ``n.``,
# ``๑)`` as ``@``): re-read against Thai and Arabic digits, accepted only when
# every glyph matches a digit closely.
LOOKALIKE_MAX_DISTANCE = 6.0


def reread_lookalike(gray: np.ndarray, ocr_text: str, core: tuple[int, int, int, int] | None = None) -> str | None:
    """A token of symbols/Latin letters re-read as digits, or None to keep ``ocr_text``."""
    text = reread_digits(gray, ocr_text, core, THAI_DIGITS + ARABIC_DIGITS, LOOKALIKE_MAX_DISTANCE)
    if text is None or not any(c.isdigit() for c in text):
        return None
    return text


# The tha model reads short Latin capitals in Thai lines as digits ("SDGs" ->
# "5065", "BCG" -> "866") with high confidence. A number is re-read as
# letters only when most glyphs match a letter template better than any
# digit template by this margin.
LETTER_MARGIN = 1.0


def reread_as_letters(gray: np.ndarray, ocr_text: str, core: tuple[int, int, int, int] | None = None) -> str | None:
    """An all-digit token whose glyphs are plainly Latin letters, as those letters; else None.

    ``ocr_text`` is tesseract's whole box, brackets included (``(5065)``):
    the glyphs of the brackets are left out of the comparison.
    """
    lead = len(ocr_text) - len(ocr_text.lstrip("(\"'“[/"))
    trail = len(ocr_text) - len(ocr_text.rstrip(")\"'”]/.,:"))
    word = ocr_text[lead:len(ocr_text) - trail]

    def strip(glyphs: list[Glyph] | None) -> list[Glyph]:
        glyphs = list(glyphs or [])
        return glyphs[lead:len(glyphs) - trail] if len(glyphs) > lead + trail else []
    letters = strip(read_glyphs(gray, core, LATIN_LETTERS))
    numbers = strip(read_glyphs(gray, core, ARABIC_DIGITS))
    if not letters or not numbers or len(letters) != len(numbers) or len(letters) != len(word):
        return None
    if max(g.distance for g in letters) > _MAX_DISTANCE:
        return None
    wins = sum(lt.distance + LETTER_MARGIN < nm.distance for lt, nm in zip(letters, numbers) if lt.char.isalpha())
    if wins * 4 < len(letters) * 3:
        return None
    # The cell scales every glyph to one size, so the case of letters shaped alike
    # in both cases comes from height: under 80% of the tallest is lower case ("SDGs").
    tallest = max(g.height for g in letters)
    return "".join(_case(g, tallest) for g in letters)


def _case(glyph: Glyph, tallest: int) -> str:
    if glyph.char.lower() not in "cosuvwxz":
        return glyph.char
    return glyph.char.lower() if glyph.height < 0.8 * tallest else glyph.char.upper()


# How many template fonts a page's digits are compared with once its font is known.
PAGE_FONTS = 3
# Fewer digit glyphs than this on a page and every template font is used.
_MIN_GLYPHS_FOR_FONT = 6


def page_fonts(glyph_lists: list[list[Glyph]]) -> tuple[str, ...] | None:
    """The template fonts closest to a page's Thai digits, or None when too few digits to tell.

    A letter is set in one typeface; comparing its digits with that face's
    templates only keeps ``๔`` and ``๕`` (alike in loopless fonts) from being
    matched to another face's look-alike.
    """
    totals: dict[str, float] = {}
    count = 0
    for glyphs in glyph_lists:
        for g in glyphs:
            if g.per_font and g.distance <= _MAX_DISTANCE:
                count += 1
                for name, d in g.per_font.items():
                    totals[name] = totals.get(name, 0.0) + d
    if count < _MIN_GLYPHS_FOR_FONT:
        return None
    return tuple(sorted(totals, key=totals.get)[:PAGE_FONTS])
