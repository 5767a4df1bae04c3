"""The image stages of an OCR page: what the page image goes through before tesseract reads it.

In order (:data:`IMAGE_STAGES`), each a function of the page context that
returns the page's new images; each can be switched off by name
(``ReadOptions.disabled_stages``) and bench/ocr_accuracy.py measures what it
gains, on the rendered dev pages and on the real scans of
``../shared/corpus/scans`` (line-CER, digit-CER of tesseract's output)::

    drop_colour -> upright -> upsample -> deskew -> clean_specks -> binarize -> separate_blocks

(Blank pages never get here: the readers skip them, ingest/images.py: looks_blank.)

The re-read stages look at ``images.gray`` (the page with its colour ink,
upright, upsampled and straight); tesseract is given ``images.ocr``.
"""
from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from saraban.ingest.page_context import PageContext, PageImages

log = logging.getLogger(__name__)

ImageStage = Callable[[PageContext], PageImages]


def page_images(image: Image.Image) -> PageImages:
    """The starting images of a page: its gray page, its colour page when it has colour, and what is known of the scan.

    ``image.info`` may carry ``source_dpi`` and ``source_bits`` (the
    resolution and bit depth of the scan inside a PDF, set by
    ingest/pdf.py: render_page, or of an image file, by ingest/images.py).
    """
    image.load()                                  # a damaged frame fails here, as this page's failure
    dpi = image.info.get("dpi", (300, 300))
    colour = None
    if image.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr", "LAB", "HSV"):
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        if _has_colour(rgb):
            colour = rgb
        gray = rgb.convert("L")
    else:
        gray = image if image.mode == "L" else image.convert("L")
    gray.info["dpi"] = dpi
    bits = image.info.get("source_bits") or (1 if image.mode == "1" else None)
    return PageImages(gray=gray, ocr=gray, colour=colour, source_dpi=image.info.get("source_dpi"),
                      source_bits=bits)


def _keep_dpi(image: Image.Image, dpi: float) -> Image.Image:
    image.info["dpi"] = (dpi, dpi)
    return image


# --- colour ink ---------------------------------------------------------------

# A pixel is colour ink when its channels differ by more than COLOUR_CHROMA (of
# 255) and its brightest channel is over COLOUR_MIN_VALUE. Chroma, not HSV
# saturation: the dark pixels of black JPEG text have a saturation of 40-110
# (S = chroma / V, and V is small), which erased black text; their chroma is
# under 40. Measured on the real scans r03, r09, r11 (blue and purple stamps,
# pen): the mask takes the stamps, signatures and handwritten numbers and no
# black text.
COLOUR_CHROMA = 60
COLOUR_MIN_VALUE = 90
# The blurred fringe of a stroke (ink blended with paper) has less chroma, 43-58 on
# r12; left on the page it thresholds into specks that tesseract reads as "a 7 '"
# lines (r12 line-CER 2.6 -> 5.7 %). Pixels over COLOUR_FRINGE_CHROMA within
# COLOUR_FRINGE_PX of colour ink go with it: black text has a chroma under 11 (99.9th
# percentile, r12), so no black letter is taken.
COLOUR_FRINGE_CHROMA = 25
COLOUR_FRINGE_PX = 3
# A page whose colour ink is more than this share of its ink is printed in colour
# (a coloured letterhead page, a poster): its colour is text, and stays.
COLOUR_MAX_INK_SHARE = 0.5


def _chroma(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(brightest channel, chroma = brightest - darkest) of an RGB array, as uint8 (OpenCV: numpy's
    max over the last axis is ten times slower on a page)."""
    r, g, b = cv2.split(rgb)
    hi = cv2.max(cv2.max(r, g), b)
    return hi, cv2.subtract(hi, cv2.min(cv2.min(r, g), b))


def colour_ink(rgb: np.ndarray, *, fringe: bool = True) -> np.ndarray:
    """Mask of the colour-ink pixels (stamps, pen) of an RGB page array, their fringe included."""
    hi, chroma = _chroma(rgb)
    bright = hi > COLOUR_MIN_VALUE
    ink = (chroma > COLOUR_CHROMA) & bright
    if not fringe or not ink.any():
        return ink
    size = 2 * COLOUR_FRINGE_PX + 1
    near = cv2.dilate(ink.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))) > 0
    return ink | (near & (chroma > COLOUR_FRINGE_CHROMA) & bright)


def _has_colour(rgb: Image.Image) -> bool:
    """Whether an RGB page has any colour ink (checked on a small copy: a gray scan saved as RGB has none)."""
    small = np.asarray(rgb.resize((max(1, rgb.width // 8), max(1, rgb.height // 8)), Image.NEAREST))
    return bool(colour_ink(small, fringe=False).mean() > 0.0002)


# A colour stroke is taken off the page when COLOUR_TOUCH_MIN pixels of black ink
# (on the 1/_COLOUR_SCALE copy: 4 x 4 pixels of the page each) lie next to it: a pen
# stroke or signature across printed text. Colour ink standing apart (a
# rubber-stamped signature block, a receipt stamp, a handwritten day in its
# blank) stays for tesseract to read: the gold of the real scans keeps
# stamped text, and dropping all colour ink lost it (line-CER 2.33 -> 2.97 % over
# the 15 real scans: r03, r09, r11, r12 lost their signature blocks).
# Strokes are found on a copy at 1/_COLOUR_SCALE of the resolution (a page's colour
# mask at full size cost 0.6 s of CPU), and taken off at full size in their boxes.
COLOUR_TOUCH_MIN = 2
_BLACK = 110
_COLOUR_SCALE = 4


def drop_colour(ctx: PageContext) -> PageImages:
    """Tesseract reads the page without the colour strokes that cross its black text (pen, signatures).

    A blue signature across ``มกราคม พ.ศ.๒๕๖๙`` turns the date into garbage.
    Only strokes that touch black ink go (:data:`COLOUR_TOUCH_MIN`); the
    re-read stages still see the page with its colour (``images.gray``).
    """
    images = ctx.images
    if images.colour is None:
        return images
    f = _COLOUR_SCALE
    full = np.asarray(images.colour)
    small = cv2.resize(full, (max(1, full.shape[1] // f), max(1, full.shape[0] // f)), interpolation=cv2.INTER_AREA)
    mask = colour_ink(small, fringe=False)
    hi, chroma = _chroma(small)
    gray_small = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    # black: dark and without colour (the dark core of a red stroke is no black text)
    black = (gray_small < _BLACK) & (chroma < COLOUR_FRINGE_CHROMA)
    if mask.sum() > COLOUR_MAX_INK_SHARE * max(int(black.sum()) + int(mask.sum()), 1):
        log.debug("page %d: printed in colour; colour kept", ctx.number)
        return dataclasses.replace(images, colour=None)
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8))     # the fringe, at this scale
    count, labels, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    near_black = cv2.dilate(black.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    touches = np.bincount(labels[near_black & (grown > 0)], minlength=count)
    crossing = [k for k in range(1, count) if touches[k] >= COLOUR_TOUCH_MIN]
    if not crossing:
        return dataclasses.replace(images, colour=None)
    out = np.asarray(images.gray).copy()
    for k in crossing:
        x, y, w, h = (int(v) * f for v in stats[k, :4])
        x0, y0, x1, y1 = max(0, x - f), max(0, y - f), min(full.shape[1], x + w + f), min(full.shape[0], y + h + f)
        region = cv2.resize((labels[y // f:(y + h) // f, x // f:(x + w) // f] == k).astype(np.uint8),
                            (w, h), interpolation=cv2.INTER_NEAREST)
        stroke = np.zeros((y1 - y0, x1 - x0), np.uint8)          # the stroke's own cells, in its window
        part = region[:y1 - y, :x1 - x]
        stroke[y - y0:y - y0 + part.shape[0], x - x0:x - x0 + part.shape[1]] = part
        near = cv2.dilate(stroke, np.ones((2 * f + 1, 2 * f + 1), np.uint8)) > 0
        window = (slice(y0, y1), slice(x0, x1))
        out[window][colour_ink(full[window]) & near] = 255
    log.debug("page %d: %d colour strokes across the text taken off", ctx.number, len(crossing))
    return dataclasses.replace(images, ocr=_keep_dpi(Image.fromarray(out), images.dpi), colour=None)


# --- orientation --------------------------------------------------------------

# A page is sideways when it has fewer than SIDEWAYS_SHARE as many horizontal line
# blobs (its marks closed over two mark heights into a shape six times as wide as
# high) as vertical ones. Measured on the 28 pages of the real scans as tesseract is
# given them (colour strokes dropped), each upright and turned 90 and 270 degrees:
# upright the share is 0.57 and more (a list with a column of "กรรมการ" down its
# right side), turned 0.35 and less on 55 of 56 (a page of three short lines: 0.6).
# Only a page that fails this costs an orientation detection by the engine.
SIDEWAYS_SHARE = 0.45


def _mark_height(ink: np.ndarray) -> float:
    """The median height of a page's marks, letters and Thai vowels and tone marks alike (the
    closing of :func:`_line_blobs` is measured in it: it bridges the gaps between the marks of a line)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    heights = heights[(heights >= 3) & (heights <= ink.shape[0] / 10)]
    return float(np.median(heights)) if heights.size else 0.0


def _line_blobs(ink: np.ndarray, em: float) -> int:
    """How many text-line-shaped blobs the ink makes when closed along its rows."""
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, max(3, int(2 * em))), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    return int(((w >= 6 * h) & (h >= em / 2) & (h <= 3 * em)).sum())


def upright(ctx: PageContext) -> PageImages:
    """Turn a page stored sideways (a landscape scan of a portrait letter) upright.

    The cheap test (:data:`SIDEWAYS_SHARE`: do the glyphs line up in rows or
    in columns?) runs on every page; only a page that fails it costs an
    orientation detection by the engine (tesseract OSD, ~0.6 s), which says
    which way to turn it. PDF pages with a /Rotate are already upright
    (pdfium renders them turned: r01 and r04 of the real scans).
    """
    images = ctx.images
    ink = _small_ink(images.ocr, 800)
    em = _mark_height(ink)
    if em < 2:
        return images
    rows, columns = _line_blobs(ink, em), _line_blobs(np.ascontiguousarray(ink.T), em)
    if columns < 3 or rows >= SIDEWAYS_SHARE * columns:
        return images
    angle = ctx.engine.orientation(images.gray)
    log.info("%s: page %d lies sideways (%d line blobs across, %d down); the engine says turn it by %s",
             ctx.source, ctx.number, rows, columns, angle)
    if not angle:
        return images
    turned = _transform(images, lambda im, fill: im.rotate(-angle, expand=True, fillcolor=fill))
    return dataclasses.replace(turned, rotation=(images.rotation + angle) % 360)


def _small_ink(image: Image.Image, width: int = 600) -> np.ndarray:
    """Ink mask (1 = ink) of a copy about ``width`` pixels wide, for cheap page-wide measures."""
    a = np.asarray(image.convert("L"))
    f = min(1.0, width / max(a.shape[1], 1))
    small = cv2.resize(a, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else a
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _transform(images: PageImages, fn: Callable[[Image.Image, int], Image.Image]) -> PageImages:
    """Apply one geometric change to the gray and the OCR image (once when they are one)."""
    dpi = images.dpi
    gray = _keep_dpi(fn(images.gray, 255), dpi)
    if images.ocr is images.gray:
        ocr = gray
    else:
        ocr = _keep_dpi(fn(images.ocr, 255 if images.ocr.mode != "1" else 1), dpi)
    return dataclasses.replace(images, gray=gray, ocr=ocr)


# --- resolution ---------------------------------------------------------------

# A page under MIN_DPI is scaled up to TARGET_DPI before it is thresholded and read.
# Measured on the six real scans stored at 200-236 dpi (r03 r05 r06 r08 r10 r11),
# tesseract psm 4 on the black-and-white page: line-CER 3.97 % at the scan's own
# resolution, 2.76 % scaled to 300 dpi (bicubic); rendering them at 400 dpi
# instead of 300 gained nothing (all 15 scans: 3.57 % vs 3.80 %, within noise).
MIN_DPI = 280
TARGET_DPI = 300
# A file that claims a resolution whose page would be wider than this (inches) says
# nothing true about its dpi (a phone photo "at 72 dpi"): no scaling then.
_MAX_PAGE_INCHES = 14.0


def upsample(ctx: PageContext) -> PageImages:
    """Scale a low-resolution page up to 300 dpi (bicubic), as tesseract and the re-reads expect."""
    images = ctx.images
    dpi = images.dpi
    if dpi >= MIN_DPI or images.gray.width / dpi > _MAX_PAGE_INCHES:
        return images
    f = TARGET_DPI / dpi
    size = (round(images.gray.width * f), round(images.gray.height * f))
    log.debug("page %d: %.0f dpi scaled to %d", ctx.number, dpi, TARGET_DPI)

    def up(im: Image.Image, fill: int) -> Image.Image:
        return im.resize(size, Image.NEAREST if im.mode == "1" else Image.BICUBIC)
    out = _transform(images, up)
    return dataclasses.replace(out, gray=_keep_dpi(out.gray, TARGET_DPI), ocr=_keep_dpi(out.ocr, TARGET_DPI))


# --- skew ---------------------------------------------------------------------

# Pages askew by less than this are left as they are. Measured on the real scans
# (tesseract psm 4, black-and-white page), straightening r12 (1.4 degrees) took its
# line-CER 10.9 -> 4.4 %; r03 (0.5 degrees) got worse, 2.0 -> 3.3 %, r11 (0.7)
# unchanged: tesseract follows a small skew itself, and rotating resamples the glyphs.
DESKEW_MIN_ANGLE = 1.0
DESKEW_MAX_ANGLE = 5.0


def skew_angle(image: Image.Image, max_angle: float = DESKEW_MAX_ANGLE) -> float:
    """The angle (degrees, counter-clockwise) that levels the page's text lines.

    The angle whose horizontal ink profile is sharpest, on a copy ~800 px
    wide: first in 0.5-degree steps, then in 0.1-degree steps around the
    best. The profile of the page turned by an angle is a histogram of its
    ink pixels' turned rows (no image is rotated: 30 rotations of the copy
    cost 60 ms a page, the histograms a few).
    """
    ink = _small_ink(image, 800)
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return 0.0
    h, w = ink.shape
    ys, xs = ys - h / 2, xs - w / 2

    def score(angle: float) -> float:
        a = math.radians(angle)          # as cv2.getRotationMatrix2D turns: y' = cos a * y - sin a * x
        rows = math.cos(a) * ys - math.sin(a) * xs
        profile = np.histogram(rows, bins=np.arange(rows.min() - 1, rows.max() + 2))[0].astype(np.float64)
        # smoothed: turned pixel rows fall unevenly into whole rows, a jitter that would favour 0 degrees
        profile = np.convolve(profile, (0.25, 0.5, 0.25), "same")
        return float(np.square(np.diff(profile)).sum())
    coarse = max(np.arange(-max_angle, max_angle + 0.01, 0.5), key=lambda a: score(float(a)))
    fine = max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=lambda a: score(float(a)))
    return round(float(fine), 1)


def deskew(ctx: PageContext) -> PageImages:
    """Rotate a page so its text lines are level (a scanner feeds paper a little askew).

    Pages askew by DESKEW_MIN_ANGLE or more are straightened; with
    ``ReadOptions.deskew`` (``--deskew``) any measurable skew is. Switch the
    stage off to leave every page as it is.
    """
    images = ctx.images
    angle = skew_angle(images.ocr)
    if abs(angle) < (0.05 if ctx.options.deskew else DESKEW_MIN_ANGLE):
        return dataclasses.replace(images, skew=angle)   # left as it is; separate_blocks allows for it
    log.debug("page %d: deskewed by %.1f degrees", ctx.number, angle)
    # PIL's rotate turns counter-clockwise, as cv2's angle: the same sign levels the lines
    # (the earlier code turned the other way and doubled the skew)
    return _transform(images, lambda im, fill: im.rotate(angle, resample=Image.BICUBIC if im.mode != "1" else
                                                         Image.NEAREST, fillcolor=fill))


# --- specks and thresholding --------------------------------------------------

# Fax-like 1-bit scans carry specks; a speck is a component smaller than SPECK_AREA
# pixels at 200 dpi (scaled with the square of the resolution). The dot of ฿ or
# the period at 16 pt are 9 and more pixels at 200 dpi.
SPECK_AREA = 4


def clean_specks(ctx: PageContext) -> PageImages:
    """Remove the specks of a 1-bit (fax-like) scan before it is thresholded again."""
    images = ctx.images
    if images.source_bits != 1:
        return images
    gray = np.asarray(images.ocr.convert("L"))
    ink = (gray < 128).astype(np.uint8)
    area = SPECK_AREA * (images.dpi / 200) ** 2
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    speck = np.zeros(count, bool)
    speck[1:] = stats[1:, cv2.CC_STAT_AREA] < area
    if not speck.any():
        return images
    out = gray.copy()
    out[speck[labels]] = 255
    log.debug("page %d: %d specks removed", ctx.number, int(speck.sum()))
    return dataclasses.replace(images, ocr=_keep_dpi(Image.fromarray(out), images.dpi))


def binarize_page(gray: Image.Image) -> Image.Image:
    """The page in black and white, as tesseract is given it: a light blur, then Otsu's threshold.

    Tesseract thresholds a grayscale page itself (Otsu, no blur), and on a
    scan's speckle and JPEG noise that leaves thousands of specks for its
    layout analysis to sort out. Blurring first (5 x 5 at 300 dpi) removes
    them: on the light-noise renders of the dev letters plain tesseract then
    runs about 27 % faster, with CER 2.9 % -> 2.6 % and digit-CER 20.8 % ->
    17.1 % (bench/ocr.py, bench/ocr_accuracy.py). The re-reading steps still
    look at the grayscale page.
    """
    dpi = gray.info.get("dpi", (300, 300))[0] or 300
    k = max(3, int(round(float(dpi) / 60)) | 1)      # odd, 5 at 300 dpi
    blurred = cv2.GaussianBlur(np.asarray(gray.convert("L")), (k, k), 0)
    _, ink = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    out = Image.fromarray(ink).convert("1", dither=Image.Dither.NONE)   # 0/255 already: no dithering to do
    out.info["dpi"] = gray.info.get("dpi", (300, 300))
    return out


def binarize(ctx: PageContext) -> PageImages:
    """Give tesseract the page in black and white (:func:`binarize_page`)."""
    images = ctx.images
    return dataclasses.replace(images, ocr=binarize_page(images.ocr))


# --- blocks side by side -------------------------------------------------------

# Tesseract's psm 4 takes the page for one column: a receipt stamp or the sender's
# letterhead beside the date line is read into the same text lines, both garbled
# ("onomyPromotionAgencyเลขที่วy''depa23", r02). A band of the page (rows between
# blank rows) that is taller than BLOCK_MIN_LINES lines of text and has a white
# gutter of at least BLOCK_GUTTER_EM text heights down all its rows is cut there;
# when the parts' text lines do not stand on the same rows (a stamp beside a
# letterhead), the parts are put one under the other, so each is read alone.
# Parts whose lines do line up (a list with "จำนวน ๑ ฉบับ" at the right, a table
# row) stay side by side: they are one line each.
BLOCK_GUTTER_EM = 1.5
BLOCK_MIN_LINES = 1.6
_LINE_MATCH = 0.4          # a line matches one of the other part within this share of a text height
_ALIGNED_SHARE = 0.7       # parts line up when this share of the fewer lines match
_ANALYSIS_SCALE = 4


@dataclasses.dataclass(frozen=True, slots=True)
class Segment:
    """Rows ``[new_top, new_top + height)`` of the laid-out page hold rows ``old_top...`` of the page
    as read, in columns ``[left, right)`` (the whole width outside unfolded bands)."""

    new_top: int
    old_top: int
    height: int
    left: int
    right: int


def _runs(flags: np.ndarray, min_len: int = 1) -> list[tuple[int, int]]:
    """(start, end) of the runs of True in a 1-D bool array at least ``min_len`` long."""
    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2]) if b - a >= min_len]


def _text_height(ink: np.ndarray) -> float:
    """The typical height of a text line's letters in ``ink``: the median height of the components at
    least half as tall as the tallest tenth (Thai vowels and tone marks are many and small: a plain
    median of all components took a mark's height, and word spaces for gutters)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    heights = heights[(heights >= 2) & (heights <= ink.shape[0] / 4)]
    if not heights.size:
        return 0.0
    return float(np.median(heights[heights >= 0.5 * np.percentile(heights, 90)]))


def _lines(ink: np.ndarray, em: float) -> list[float]:
    """The baselines of a part: the bottom row of each of its letters of a consonant's height.

    Letters, not runs of inked rows: in a justified paragraph a line's last
    word stands alone past a wide gap ("มท." over "(SDGs)"), and the
    brackets of the one ran into the letters of the other, so that two lines
    made one run and the part no longer lined up with its paragraph.
    """
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    bottoms = stats[1:, cv2.CC_STAT_TOP] + h
    return [float(b) for b, hh in zip(bottoms, h) if 0.6 * em <= hh <= 1.5 * em]


def _aligned(a: list[float], b: list[float], em: float, drift: float = 0.0) -> bool:
    """Whether the lines ``b`` of a part stand on the rows of the lines ``a`` of the part left of it.

    ``drift`` is how far a line of ``b`` stands below its row in ``a`` on a page
    left askew (under DESKEW_MIN_ANGLE): 0.7 degrees over the 1500 pixels
    between a list and its "จำนวน ๑ ชุด" column is 18 pixels (r11), more than
    the _LINE_MATCH tolerance.
    """
    b = [y - drift for y in b]
    few, many = (a, b) if len(a) <= len(b) else (b, a)
    if not few:
        return True
    hits = sum(any(abs(y - z) <= _LINE_MATCH * em for z in many) for y in few)
    return hits >= _ALIGNED_SHARE * len(few)


# Marks that are no text and would join the blocks of a page: the scanner's border down
# the page edge, a rule across it. A block needs BLOCK_MIN_MARKS letter-sized marks
# (a punch hole in the margin is one mark, not a block beside the text).
_TALL_MARK_EM = 20
_WIDE_MARK = 0.5
BLOCK_MIN_MARKS = 3


def _text_ink(ink: np.ndarray, em: float) -> tuple[np.ndarray, np.ndarray]:
    """The ink without borders and rules, and the ink of the letter-sized marks alone (no frames)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    keep = (h <= _TALL_MARK_EM * em) & (w <= _WIDE_MARK * ink.shape[1])
    letter = (h >= em / 3) & (h <= 3 * em) & (w <= 6 * em)
    keep[0] = letter[0] = False
    return keep[labels].astype(np.uint8), letter[labels]


def _marks(mask: np.ndarray) -> int:
    return cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)[0] - 1


def lay_out_blocks(ink: np.ndarray, skew: float = 0.0) -> list[Segment] | None:
    """The page's segments with side-by-side blocks put one under the other; None when there are none.

    ``ink`` is the page's ink mask at 1/_ANALYSIS_SCALE of its size; the
    segments are in that scale too. ``skew`` is the page's skew left in it
    (degrees, as skew_angle gives it).
    """
    em = _text_height(ink)
    if em < 2:
        return None
    height, width = ink.shape
    segments: list[Segment] = []
    new_top = old_top = 0
    unfolded = False
    text, _ = _text_ink(ink, em)
    for top, bottom in _runs(text.any(axis=1)):
        if bottom - top < BLOCK_MIN_LINES * 2 * em:
            continue
        band, letters = _text_ink(text[top:bottom], em)
        gutters = [g for g in _runs(~band.any(axis=0), int(BLOCK_GUTTER_EM * em))
                   if g[0] > 0 and g[1] < width]
        cuts = [0]
        for a, b in gutters:                  # a cut only between parts that each hold letters
            if _marks(letters[:, cuts[-1]:a]) >= BLOCK_MIN_MARKS and _marks(letters[:, b:]) >= BLOCK_MIN_MARKS:
                cuts.append((a + b) // 2)
        if len(cuts) < 2:
            continue
        cuts.append(width)
        parts = [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]
        groups = [[parts[0]]]
        for part in parts[1:]:               # a part whose lines match the group before joins it
            prev = groups[-1]
            drift = math.tan(math.radians(skew)) * ((part[0] + part[1]) - (prev[0][0] + prev[-1][1])) / 2
            if _aligned(_lines(letters[:, prev[0][0]:prev[-1][1]], em), _lines(letters[:, part[0]:part[1]], em),
                        em, drift):
                prev.append(part)
            else:
                groups.append([part])
        if len(groups) < 2:
            continue
        unfolded = True
        segments.append(Segment(new_top, old_top, top - old_top, 0, width))
        new_top += top - old_top
        for group in groups:
            segments.append(Segment(new_top, top, bottom - top, group[0][0], group[-1][1]))
            new_top += bottom - top + max(1, int(em))
        old_top = bottom
    if not unfolded:
        return None
    segments.append(Segment(new_top, old_top, height - old_top, 0, width))
    return segments


def separate_blocks(ctx: PageContext) -> PageImages:
    """Put blocks that stand side by side (a stamp beside the letterhead) one under the other.

    The gray and the OCR image are laid out alike; ``images.layout`` keeps the
    segments, and ocr_page moves every word's box back onto the page as it was.
    """
    images = ctx.images
    f = _ANALYSIS_SCALE
    page = np.asarray(images.ocr)
    page = page.astype(np.uint8) * 255 if page.dtype == bool else page      # a 1-bit page comes as bool
    small = cv2.resize(page, (max(1, page.shape[1] // f), max(1, page.shape[0] // f)), interpolation=cv2.INTER_AREA)
    segments = lay_out_blocks((small < 160).astype(np.uint8), images.skew)
    if segments is None:
        return images
    full = [Segment(s.new_top * f, s.old_top * f, s.height * f, s.left * f, s.right * f) for s in segments]
    last = full[-1]
    full[-1] = dataclasses.replace(last, height=page.shape[0] - last.old_top)
    full = [dataclasses.replace(s, right=page.shape[1]) if s.right * 1 >= (page.shape[1] // f) * f else s
            for s in full]
    log.debug("page %d: %d side-by-side blocks put one under the other", ctx.number,
              sum(1 for s in full if s.left > 0 or s.right < page.shape[1]))

    def lay_out(image: Image.Image) -> Image.Image:
        src = np.asarray(image.convert("L"))
        out = np.full((full[-1].new_top + full[-1].height, src.shape[1]), 255, np.uint8)
        for s in full:
            out[s.new_top:s.new_top + s.height, s.left:s.right] = src[s.old_top:s.old_top + s.height, s.left:s.right]
        laid = Image.fromarray(out) if image.mode != "1" else Image.fromarray(out).convert("1")
        return _keep_dpi(laid, images.dpi)
    gray = lay_out(images.gray)
    ocr = gray if images.ocr is images.gray else lay_out(images.ocr)
    return dataclasses.replace(images, gray=gray, ocr=ocr, layout=tuple(full),
                               page_size=images.gray.size)


def place_back(word_box: tuple[int, int, int, int], layout: tuple[Segment, ...]) -> tuple[int, int, int, int]:
    """A box (left, top, width, height) on the laid-out page, moved back to where it stands on the page."""
    left, top, width, height = word_box
    middle = top + height / 2
    for s in layout:
        if s.new_top <= middle < s.new_top + s.height:
            return left, top - s.new_top + s.old_top, width, height
    return word_box


IMAGE_STAGES: tuple[tuple[str, ImageStage], ...] = (
    ("drop_colour", drop_colour),
    ("upright", upright),
    ("upsample", upsample),
    ("deskew", deskew),
    ("clean_specks", clean_specks),
    ("binarize", binarize),
    ("separate_blocks", separate_blocks),
)
