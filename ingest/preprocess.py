"""The image stages of an OCR page: what the page image goes through before tesseract reads it.

In order (:data:`IMAGE_STAGES`), each a function of the page context that
returns the page's new images; each can be switched off by name
(``ReadOptions.disabled_stages``) and bench/ocr_accuracy.py measures what it
gains, on the rendered dev pages and on the real scans of
``../shared/corpus/scans`` (line-CER, digit-CER of tesseract's output)::

    drop_colour -> upright -> upsample -> deskew -> clean_specks -> blank_page -> binarize

The re-read stages look at ``images.gray`` (the page with its colour ink,
upright, upsampled and straight); tesseract is given ``images.ocr``.
"""
from __future__ import annotations

import dataclasses
import logging
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
# stroke or signature across printed text. Colour ink
# standing apart (a rubber-stamped signature block, a receipt stamp, a handwritten
# day in its blank) stays for tesseract to read: the gold of the real scans keeps
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
    Only strokes that touch black ink go (:data:`COLOUR_TOUCH_MIN`); the re-read stages still see the page with its colour
    (``images.gray``).
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
        stroke = np.zeros(out.shape, bool)
        stroke[y:y + h, x:x + w] = region[:out.shape[0] - y, :out.shape[1] - x] > 0
        window = (slice(y0, y1), slice(x0, x1))
        near = cv2.dilate(stroke[window].astype(np.uint8), np.ones((2 * f + 1, 2 * f + 1), np.uint8)) > 0
        ink = colour_ink(full[window]) & near
        out[window][ink] = 255
    log.debug("page %d: %d colour strokes across the text taken off", ctx.number, len(crossing))
    return dataclasses.replace(images, ocr=_keep_dpi(Image.fromarray(out), images.dpi), colour=None)


# --- orientation --------------------------------------------------------------

# A page is sideways when its ink columns are this many times as sharply
# profiled as its ink rows (text lines run down the page): on the 15 real scans
# upright the ratio (rows / columns) is >= 2.5 ... see bench; sideways <= 0.4.
SIDEWAYS_RATIO = 1.0


def _profile_sharpness(ink: np.ndarray, axis: int) -> float:
    profile = ink.sum(axis=axis, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def upright(ctx: PageContext) -> PageImages:
    """Turn a page stored sideways (a landscape scan of a portrait letter) upright.

    The cheap test (are the ink rows or the ink columns more sharply
    profiled?) runs on every page; only a page that fails it costs an
    orientation detection by the engine (tesseract OSD, ~0.6 s), which says
    which way to turn it. PDF pages with a /Rotate are already upright
    (pdfium renders them turned).
    """
    images = ctx.images
    small = _small_ink(images.ocr)
    rows, cols = _profile_sharpness(small, 1), _profile_sharpness(small, 0)
    if rows >= SIDEWAYS_RATIO * cols:
        return images
    angle = ctx.engine.orientation(images.gray)
    log.info("%s: page %d lies sideways (rows %.2g, columns %.2g); the engine says turn by %s", ctx.source,
             ctx.number, rows, cols, angle)
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

    The angle whose horizontal ink profile is sharpest, on a copy ~600 px
    wide: first in 0.5-degree steps, then in 0.1-degree steps around the best.
    """
    ink = _small_ink(image, 800)
    h, w = ink.shape

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        return _profile_sharpness(cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST), 1)
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
        return images
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
    out = Image.fromarray(ink).convert("1")
    out.info["dpi"] = gray.info.get("dpi", (300, 300))
    return out


def binarize(ctx: PageContext) -> PageImages:
    """Give tesseract the page in black and white (:func:`binarize_page`)."""
    images = ctx.images
    return dataclasses.replace(images, ocr=binarize_page(images.ocr))


# --- blank pages --------------------------------------------------------------

# A page with no dark mark at least BLANK_MARK_MM high is blank (the back of a
# letter scanned with it, a separator sheet): tesseract is not run. A Thai letter at
# 16 pt is about 2.5 mm high, dust and specks are under 1 mm; bleed-through from the
# other side is lighter than BLANK_DARK. One mark (a hole punch, one word) is enough
# for the page to be read.
BLANK_MARK_MM = 1.2
BLANK_DARK = 128


def blank_page(ctx: PageContext) -> PageImages:
    """Mark a page with no dark mark as blank; ocr_page then does not run tesseract on it."""
    images = ctx.images
    gray = cv2.GaussianBlur(np.asarray(images.ocr.convert("L")), (3, 3), 0)
    ink = (gray < BLANK_DARK).astype(np.uint8)
    if ink.mean() > 0.001:
        return images
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tall = int((stats[1:, cv2.CC_STAT_HEIGHT] >= BLANK_MARK_MM / 25.4 * images.dpi).sum())
    return dataclasses.replace(images, blank=tall == 0)


IMAGE_STAGES: tuple[tuple[str, ImageStage], ...] = (
    ("drop_colour", drop_colour),
    ("upright", upright),
    ("upsample", upsample),
    ("deskew", deskew),
    ("clean_specks", clean_specks),
    ("blank_page", blank_page),
    ("binarize", binarize),
)
