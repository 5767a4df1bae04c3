"""Re-read Thai digits that tesseract gets wrong, from the page image itself.

Tesseract's ``tha`` model cannot write ๔ ๖ ๗ ๘ ๙ at all (its character
set lacks them) and misreads the digits of the loopless fonts Thai offices
print with (TH SarabunPSK and its clones): on light-noise 300-dpi scans of
the dev corpus it gets 27% of Thai digits wrong (๖ read as ๐ or ๒๐, ๗ as ๓
or ฒ, ๒๕๖๕ as ๒๕๒๐๕), on real scanned letters 34%, and neither a digit
whitelist nor a Thai-only model nor binarization fixes it (measured in
bench/ocr_accuracy.py). No library reads Thai digits, so this module does the
narrow job by hand: each glyph of a digit run that tesseract located is cut
out of the page by connected components, normalized to a blurred 24x32
bitmap, and named by the nearest prototype (Euclidean distance). The
prototypes come from renders of TH SarabunPSK and the TLWG fonts damaged the
way scans damage print (150-400 dpi, JPEG, 1-bit, speckle, blur, rotation,
thick and thin strokes), built by bench/build_digit_model.py into
``data/digit_model.npz``; the real crops of tests/data/real_digit_runs.npz
test them (bench/digit_confusions.py). Only the small box of each run is
looked at, so this adds milliseconds per page, not another tesseract pass.
"""
from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"
LATIN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghkmnoprstuvwxyz"
# Glyph prototypes built by bench/build_digit_model.py from damaged renders of
# TH SarabunPSK (ingest/fonts/) and the TLWG fonts.
MODEL_PATH = Path(__file__).resolve().parent / "data" / "digit_model.npz"
_CELL = (24, 32)            # width, height of the normalized glyph bitmap
# A component is noise below this share of the run's digit height, a dot or
# comma below _PUNCT_HEIGHT; a glyph whose best distance is above
# _MAX_DISTANCE is not a digit we know, and the run keeps tesseract's text.
# The prototypes of damaged renders match real digits closer than clean
# templates did (median distance 4.1 -> 2.9 on the real crops of
# tests/data/real_digit_runs.npz, 99th percentile 7.5 -> 5.0) while Thai
# letters stay as far (1st percentile of their nearest digit 7.7 -> 7.3), so
# the bar moved from 9 to 7 (bench/digit_confusions.py).
_NOISE_HEIGHT = 0.12
_PUNCT_HEIGHT = 0.45
_MAX_DISTANCE = 7.0
# A narrow glyph of a digit's height is a slash or bracket past this distance
# (the bar of the clean templates, kept: "1" and "3" in a "13.C" are no marks).
_NO_DIGIT_MARK = 9.0


@dataclass(frozen=True, slots=True)
class Glyph:
    """One glyph read out of a digit run: its character and template distance."""

    char: str
    distance: float
    left: int
    right: int
    height: int = 0
    per_font: dict[str, float] | None = None   # best distance within each template font


def normalize_glyph(ink: np.ndarray) -> np.ndarray:
    """A binary glyph (ink = 1) cropped, scaled into the cell keeping its aspect, blurred."""
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return np.zeros(_CELL[0] * _CELL[1], np.float32)
    glyph = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)
    h, w = glyph.shape
    cw, ch = _CELL
    scale = min(cw / w, ch / h)
    nw, nh = min(cw, max(1, round(w * scale))), min(ch, max(1, round(h * scale)))
    small = cv2.resize(glyph, (nw, nh), interpolation=cv2.INTER_AREA)
    cell = np.zeros((ch, cw), np.float32)
    y0, x0 = (ch - nh) // 2, (cw - nw) // 2
    cell[y0:y0 + nh, x0:x0 + nw] = small
    return cv2.GaussianBlur(cell, (5, 5), 1.0).ravel()


def glyph_aspect(ink: np.ndarray) -> float:
    """Width over height of the ink's bounding box."""
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return 1.0
    return float((np.ptp(xs) + 1) / (np.ptp(ys) + 1))


@dataclass(frozen=True)
class _Model:
    """The prototypes, in the PCA space they are stored in (see bench/build_digit_model.py)."""

    mean: np.ndarray          # (cell,) mean glyph
    basis: np.ndarray         # (k, cell) orthonormal rows
    protos: np.ndarray        # (n, k) prototype coordinates
    resid2: np.ndarray        # (n,) squared part of each prototype the basis leaves out
    aspects: np.ndarray       # (n,) width / height
    labels: np.ndarray        # (n,) characters
    fonts: np.ndarray         # (n,) template font names
    groups: tuple[tuple[str, np.ndarray], ...] = ()   # each font's name and its prototypes' indices

    @functools.cached_property
    def norms2(self) -> np.ndarray:
        return (self.protos ** 2).sum(axis=1)

    def distances(self, feature: np.ndarray) -> np.ndarray:
        """Euclidean distance of a normalized glyph to every prototype.

        ``|x - p|^2 = |z_x - z_p|^2 + |r_x - r_p|^2`` with ``z`` the PCA
        coordinates and ``r`` the rest; the rests are taken as orthogonal.
        """
        centred = feature - self.mean
        z = self.basis @ centred
        r2 = max(float(centred @ centred - z @ z), 0.0)
        near = self.norms2 - 2.0 * (self.protos @ z) + float(z @ z)     # |z_p - z_x|^2, expanded
        return np.sqrt(np.maximum(near, 0.0) + r2 + self.resid2)


@functools.cache
def _model() -> _Model:
    """The digit model, loaded once per process (a few milliseconds)."""
    try:
        with np.load(MODEL_PATH, allow_pickle=False) as data:
            resid = data["resid"].astype(np.float32)
            return _Model(data["mean"].astype(np.float32), data["basis"].astype(np.float32),
                          data["protos"].astype(np.float32), resid ** 2, data["aspects"].astype(np.float32),
                          data["labels"].astype(str), data["fonts"].astype(str))
    except (OSError, KeyError, ValueError) as err:
        log.warning("digit model %s unreadable (%s): Thai digits are not re-read", MODEL_PATH, err)
        cells = _CELL[0] * _CELL[1]
        return _Model(np.zeros(cells, np.float32), np.zeros((0, cells), np.float32), np.zeros((0, 0), np.float32),
                      np.zeros(0, np.float32), np.zeros(0, np.float32), np.zeros(0, str), np.zeros(0, str))


@functools.cache
def _subset(digits: str, fonts: tuple[str, ...] | None) -> _Model | None:
    """The prototypes of the characters ``digits`` in the fonts ``fonts`` (all when None)."""
    m = _model()
    keep = np.isin(m.labels, list(digits))
    if fonts is not None:
        keep &= np.isin(m.fonts, list(fonts))
    if not keep.any():
        return None
    fonts_kept = m.fonts[keep]
    groups = tuple((str(name), np.flatnonzero(fonts_kept == name)) for name in np.unique(fonts_kept))
    return _Model(m.mean, m.basis, m.protos[keep], m.resid2[keep], m.aspects[keep], m.labels[keep], fonts_kept, groups)


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
    Any crop may come in (empty, one pixel, all black, colour, huge): what is
    not a run of glyphs gives None, never an exception.
    """
    model = _subset(digits, fonts)
    if model is None or gray.ndim != 2 or gray.shape[0] < 8 or gray.shape[1] < 2:
        return None
    if gray.dtype != np.uint8:
        gray = np.clip(np.nan_to_num(gray.astype(np.float64)), 0, 255).astype(np.uint8)
    box_height = (core[3] - core[2]) if core is not None else gray.shape[0]
    scale = min(_MIN_BOX_HEIGHT / box_height, _MAX_UPSCALE) if 0 < box_height < _MIN_BOX_HEIGHT else 1.0
    scale = min(scale, (_MAX_PIXELS / gray.size) ** 0.5)
    if scale > 1.05:
        big_core = tuple(int(round(v * scale)) for v in core) if core is not None else None
        glyphs = _read_glyphs(_upscale(gray, scale), big_core, model, scale)
        return None if glyphs is None else [_rescale(g, 1 / scale) for g in glyphs]
    return _read_glyphs(gray, core, model, 1.0)


def _read_glyphs(gray: np.ndarray, core: tuple[int, int, int, int] | None, model: _Model,
                 scale: float) -> list[Glyph] | None:
    """:func:`read_glyphs` on a crop enlarged ``scale`` times."""
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
    if digit_height < _MIN_DIGIT_PX * scale:
        return None
    # Thai digits stand on one baseline; a mark of the line below (the ั้ of นั้น under
    # a ๓) lies below it, and would be merged into the digit above it
    baseline = float(np.median([c[1] + c[3] for c in wide if c[3] > 0.5 * tallest]))
    comps = [c for c in comps if baseline - 1.6 * digit_height < c[1] + c[3] / 2 < baseline + 0.25 * digit_height]
    # (a dash is as low as a speck, but wide, and halfway up the digits: "๐-๗๔๖๑-๓๔๐๙")
    comps = [c for c in comps if (c[3] >= _NOISE_HEIGHT * digit_height and c[4] >= 4) or _is_dash(c, digit_height, baseline)]
    comps = _merge_overlapping(sorted(comps))
    # (only blobs in tesseract's box are cut by matching: those beside it are context)
    comps = [part for c in comps for part in _cut_blob(mask, c, digit_height, model,
                                                       by_matching=min(c[0] + c[2], hi) > max(c[0], lo))]
    glyphs = []
    for c in comps:
        g = _classify(mask, c, digit_height, model)
        if (not g.char.isdigit() or g.distance > _TOUCHING_DISTANCE) and c[3] > _MERGED_MARK * digit_height:
            low = _classify(mask, _tighten(mask, (c[0], c[1] + c[3] - int(1.2 * digit_height), c[2],
                                                  int(1.2 * digit_height))), digit_height, model)
            if low.char.isdigit() and low.distance <= _TOUCHING_DISTANCE:
                glyphs.append(low)
                continue
        if g.distance > _TOUCHING_DISTANCE and _PAIR_WIDTH * digit_height <= c[2] <= _MAX_PAIR * digit_height:
            pair = _split_pair(mask, c, digit_height, model)
            if pair is not None:
                glyphs.extend(pair)
                continue
        glyphs.append(g)
    inside = [i for i, g in enumerate(glyphs) if min(g.right, hi) - max(g.left, lo) >= 0.3 * min(g.right - g.left, hi - lo)]
    if not inside:
        return None
    first, last = _grow(glyphs, inside[0], -1, digit_height), _grow(glyphs, inside[-1], 1, digit_height)
    return glyphs[first:last + 1]


# A run whose box is lower than this (pixels) is read from a crop enlarged to it:
# a 16-point line at 300 dpi is boxed 50-100 px high, the same line in a 150-dpi
# image file half that. On the real crops shrunk to half size, enlarging took
# the glyphs read wrong from 6.3 % to 0.4 % (digit errors of the runs 11.4 % ->
# 3.2 %); at full size it changes little (3.3 -> 3.1 %); 48 and 80 px did worse
# at half size or cost more time (bench/digit_confusions.py --scale 0.5).
_MIN_BOX_HEIGHT = 64
# ... but never more than 4 times (a 16-px box: 12-point text at 100 dpi), nor past
# 4 M pixels (a crop the size of a page).
_MAX_UPSCALE = 4.0
_MAX_PIXELS = 4_000_000
# Digits lower than this (pixels, as scanned) cannot be read: 6 px is 10-point text
# at 100 dpi; a rule or underline cut into slivers is lower.
_MIN_DIGIT_PX = 6


def _upscale(gray: np.ndarray, scale: float) -> np.ndarray:
    size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC)


def _rescale(g: Glyph, factor: float) -> Glyph:
    return Glyph(g.char, g.distance, int(round(g.left * factor)), int(round(g.right * factor)),
                 int(round(g.height * factor)), g.per_font)


# A glyph that matches its best digit worse than this may be two glyphs blurred
# into one: a digit and the slash or bracket beside it ("๔/", "/๒"), or two
# digits ("๗๔"). Real digits cut from the scans match within 4.1 (95 %) and
# 5.0 (99 %) of a prototype (bench/digit_confusions.py).
_TOUCHING_DISTANCE = 4.5
# Such a blob is tried in two when at least this many digit heights wide (one
# digit is 0.8-1.0 wide, ๓ up to 1.25; "๗๔" blurred into one at 200 dpi 1.45,
# a digit and a slash 1.6), and never when wider than _MAX_PAIR (cost: one
# classification per column).
_PAIR_WIDTH = 1.2
_MAX_PAIR = 3.0
# A glyph this many digit heights tall is a digit with a mark of the line above
# run into it (the ๔ of "๒๕๓๔" under a tone mark, read as ")"): its lowest 1.2
# digit heights are read alone. Brackets rise to 1.5 digit heights.
_MERGED_MARK = 1.6
# A slash or bracket is this much taller than the digits, and narrow.
_MARK_HEIGHT = 1.15
_MARK_WIDTH = 0.6


def _split_pair(mask: np.ndarray, comp: tuple[int, int, int, int], digit_height: float,
                model: _Model) -> list[Glyph] | None:
    """Two glyphs blurred into one component, cut apart; None when no cut fits.

    ``_split_touching`` cuts at the thinnest column, but a slash leans over
    the digit beside it and a ๗'s tail over the next digit, so every vertical
    cut is tried: kept is the one whose two parts are a digit and a tall
    narrow mark (either side), or two digits, matching best.
    """
    x, y, w, h = comp
    best: tuple[float, list[Glyph]] | None = None
    margin = max(1, int(0.25 * digit_height))        # a slash is 0.5 digit heights wide
    for cut in range(margin, w - margin):
        left, right = _tighten(mask, (x, y, cut, h)), _tighten(mask, (x + cut, y, w - cut, h))
        parts = []
        for part in (left, right):
            px, py, pw, ph = part
            if ph > _MARK_HEIGHT * digit_height and pw <= _MARK_WIDTH * ph:
                parts.append(Glyph(_tall_mark(mask[py:py + ph, px:px + pw]), 0.0, px, px + pw, ph))
            elif pw >= 0.3 * digit_height and ph >= _PUNCT_HEIGHT * digit_height:
                parts.append(_classify(mask, part, digit_height, model, per_font=False))
            else:
                break
        if len(parts) < 2 or not any(g.char.isdigit() for g in parts) or not all(
                g.char.isdigit() or g.char in "/()" for g in parts):
            continue
        worst = max(g.distance for g in parts)
        if best is None or worst < best[0]:
            best = (worst, parts)
    if best is None or best[0] > _TOUCHING_DISTANCE:
        return None
    return best[1]


# A digit tesseract's box left out still belongs to the run when it is this close
# (in digit heights) to it; a space between words is wider. (Asking it to match
# within 5.0 lost the first digit of two runs on the real crops, where tesseract
# had boxed it out for being unsure of it.)
_RUN_GAP = 0.4


def _grow(glyphs: list[Glyph], i: int, step: int, digit_height: float) -> int:
    """Extend a run from glyph ``i`` over neighbouring digits (and a dot between digits).

    A bracket ends a number: the ``.๐`` after ``(๒)`` is not part of the ๒.
    """
    if glyphs[i].char in "()":
        return i
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
              model: _Model, per_font: bool = True) -> Glyph:
    """Name one component: a dot or dash by its size, else the nearest digit template,
    else (tall, narrow, and no digit) a slash or parenthesis."""
    x, y, w, h = comp
    if h < _PUNCT_HEIGHT * digit_height:
        mark = "-" if w > 1.8 * h else "," if h > 1.4 * w else "."   # a comma has a tail
        return Glyph(mark, 0.0, x, x + w)
    ink = mask[y:y + h, x:x + w]
    dist = model.distances(normalize_glyph(ink))
    dist += 4.0 * np.abs(np.log(model.aspects / (w / h)))    # shape, then proportions
    best = int(np.argmin(dist))
    if dist[best] > _MAX_DISTANCE and w < 0.45 * digit_height and h < 0.8 * digit_height:
        return Glyph("," if h > 1.4 * w else ".", 0.0, x, x + w, h)   # a bold comma, no digit
    # / ( ) rise above Thai digits; a narrow glyph of a digit's height that is no digit is one too,
    # and a curved one taller than the digits is a bracket however close an Arabic "1" comes
    # ("2)" is no "21"; a "3" curves too, but no higher than its neighbours)
    if w < 0.6 * h and h >= 0.9 * digit_height:
        mark = _tall_mark(ink)
        # (a slash taller than the digits is one whatever digit it resembles: "๒/" read "๒๖")
        slash = mark == "/" and _leans(ink)
        if ((mark in "()" and h > 1.1 * digit_height) or (slash and h > _MARK_HEIGHT * digit_height)
                or (slash and dist[best] > _MAX_DISTANCE) or dist[best] > _NO_DIGIT_MARK):
            return Glyph(mark, 0.0, x, x + w, h)
    fonts = {name: float(dist[idx].min()) for name, idx in model.groups} if per_font else None
    return Glyph(str(model.labels[best]), float(dist[best]), x, x + w, h, fonts)


def _leans(ink: np.ndarray) -> bool:
    """Whether the ink leans right from bottom to top, as a slash does (a "1" stands upright)."""
    h = ink.shape[0]
    cols = np.arange(ink.shape[1])
    top, bottom = (float((ink[a:b] * cols).sum() / max(ink[a:b].sum(), 1)) for a, b in ((0, h // 3), (2 * h // 3, h)))
    return top - bottom > 0.25 * ink.shape[1]


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


def _is_dash(comp: tuple[int, ...], digit_height: float, baseline: float) -> bool:
    x, y, w, h = comp[:4]
    middle = y + h / 2
    return (w >= 0.3 * digit_height and w >= 2 * h and comp[4] >= 4
            and baseline - 0.8 * digit_height < middle < baseline - 0.2 * digit_height)


# A blob cut at its thinnest columns into parts of which one matches no digit
# within _TOUCHING_DISTANCE is cut again by matching (at most this many digit
# heights wide: the cost grows with the square of the width).
_MAX_SEGMENTED = 6.0
_SEGMENT_WIDTH = (0.45, 1.35)     # a glyph's width in digit heights, slash to wide ๓
_MARK_COST = 3.5                  # a slash or bracket counts as a digit matched this well


def _cut_blob(mask: np.ndarray, comp: tuple[int, int, int, int], digit_height: float,
              model: _Model, by_matching: bool = True) -> list[tuple[int, int, int, int]]:
    """A component cut into glyphs: at its thinnest columns, or where the parts read best.

    On a 1-bit fax at 200 dpi whole digit runs touch ("๒๕๖๗" one blob), and the
    thinnest column is often inside a digit.
    """
    parts = _split_touching(mask, comp, digit_height)
    if not by_matching or len(parts) < 2 or comp[2] > _MAX_SEGMENTED * digit_height:
        return parts
    costs = [_part_cost(mask, p, digit_height, model) for p in parts]
    if max(costs) <= _TOUCHING_DISTANCE:
        return parts
    matched = _segment(mask, comp, digit_height, model)
    if matched is None or max(_part_cost(mask, p, digit_height, model) for p in matched) >= max(costs):
        return parts
    return matched


def _part_cost(mask: np.ndarray, part: tuple[int, int, int, int], digit_height: float, model: _Model) -> float:
    """How badly a part reads: its digit distance, _MARK_COST for a slash or bracket, inf for neither."""
    x, y, w, h = part
    if w < 1 or h < 1:
        return float("inf")
    if h > _MARK_HEIGHT * digit_height and w <= _MARK_WIDTH * h:
        return _MARK_COST
    if h < _PUNCT_HEIGHT * digit_height:
        return float("inf")
    g = _classify(mask, part, digit_height, model, per_font=False)
    return g.distance if g.char.isdigit() else float("inf")


def _segment(mask: np.ndarray, comp: tuple[int, int, int, int], digit_height: float,
             model: _Model) -> list[tuple[int, int, int, int]] | None:
    """The cut of a blob into glyphs of plausible widths whose mean reading distance is lowest.

    Dynamic programming over cut columns (every ``step`` pixels), once per number
    of glyphs; each cut piece is read once.
    """
    x, y, w, h = comp
    step = max(1, round(digit_height / 10))
    cuts = list(range(0, w, step)) + [w]
    lo, hi = _SEGMENT_WIDTH[0] * digit_height, _SEGMENT_WIDTH[1] * digit_height
    cache: dict[tuple[int, int], float] = {}

    def cost(a: int, b: int) -> float:
        if (a, b) not in cache:
            cache[a, b] = _part_cost(mask, _tighten(mask, (x + a, y, b - a, h)), digit_height, model)
        return cache[a, b]

    n_max = max(1, int(w / lo))
    # best[n][j]: (total cost, previous cut index) of n glyphs ending at cuts[j]
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
    for _ in range(n_max):
        layer: dict[int, tuple[float, int]] = {}
        for i, (total, _prev) in best[-1].items():
            for j in range(i + 1, len(cuts)):
                width = cuts[j] - cuts[i]
                if width > hi:
                    break
                if width < lo:
                    continue
                c = cost(cuts[i], cuts[j])
                if np.isfinite(c) and (j not in layer or total + c < layer[j][0]):
                    layer[j] = (total + c, i)
        if not layer:
            break
        best.append(layer)
    end = len(cuts) - 1
    options = [(best[n][end][0] / n, n) for n in range(2, len(best)) if end in best[n]]
    if not options:
        return None
    _, n = min(options)
    bounds, j = [], end
    for k in range(n, 0, -1):
        i = best[k][j][1]
        bounds.append((cuts[i], cuts[j]))
        j = i
    return [_tighten(mask, (x + a, y, b - a, h)) for a, b in reversed(bounds)]


# A run is cut into at most this many glyphs (a date with its slashes is 10-20); what
# is left of a wider blob after that stays whole and matches no digit.
_MAX_PARTS = 64


def _split_touching(mask: np.ndarray, comp: tuple[int, int, int, int], digit_height: float,
                    ) -> list[tuple[int, int, int, int]]:
    """Cut a component too wide for one digit (two glyphs joined by blur) at its thinnest columns.

    Iterative, and every cut leaves at least one column on each side: the
    recursive version recursed without end on a blob one pixel high, whose
    thinnest column was its first (issue 11: RecursionError on real scans).
    """
    out: list[tuple[int, int, int, int]] = []
    todo = [comp]
    while todo:
        c = todo.pop()
        x, y, w, h = c
        if (h < _PUNCT_HEIGHT * digit_height or w <= _MAX_ASPECT * h or w < 2
                or len(out) + len(todo) + 1 >= _MAX_PARTS):
            out.append(c)
            continue
        columns = mask[y:y + h, x:x + w].sum(axis=0)
        parts = max(2, round(w / (1.05 * h)))
        lo, hi = max(1, int(w / parts * 0.6)), min(w - 1, int(w - w / parts * 0.6))
        if hi <= lo:
            out.append(c)
            continue
        cut = lo + int(np.argmin(columns[lo:hi]))
        todo.append(_tighten(mask, (x + cut, y, w - cut, h)))    # popped after the left part
        todo.append(_tighten(mask, (x, y, cut, h)))
    return out


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
    if ocr_text[:1] not in (".", ","):
        text = text.lstrip(".,")
    # a bracket or slash at either end that tesseract put outside the run: its box took
    # in the brackets of "(๑)", and the run is the digit alone
    if not ocr_text.startswith("("):
        text = text.lstrip("(")
    if not ocr_text.endswith(")"):
        text = text.rstrip(")")
    text = text.lstrip(")").rstrip("(")                 # no number starts with ")" or ends with "("
    if "/" not in ocr_text and "/" in text:
        # the box took in a slash and what stands after it (the handwritten serial after
        # "๐๐๑๗.๒/"): the run is the part with the most digits
        text = max(text.strip("/").split("/"), key=lambda part: sum(c.isdigit() for c in part))
    if ocr_text[-1:] not in (".", ","):
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
    """The slashes and dashes of a run, a doubled one counted once (tesseract read "๓/" as "๓//")."""
    return re.sub(r"([/-])\1+", r"\1", "".join(c for c in text if c in "/-"))


# A tesseract token standing where a number is (list numbers ``๓.`` read as ``n.``,
# ``๑)`` as ``@``): re-read against Thai and Arabic digits, accepted only when
# every glyph matches a digit closely.
# (6.0 against clean templates; Latin letters' nearest Thai digit prototype is now
# as close at 5.4 as it was at 5.9, for 5 % of them: bench/digit_confusions.py)
LOOKALIKE_MAX_DISTANCE = 5.5


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
