"""Scanned images: PNG, JPEG and (multi-page) TIFF, one OCR page per frame."""
from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageSequence

from saraban.core.errors import CorruptFileError, TooLargeError, TooManyPagesError
from saraban.core.options import ReadOptions
from saraban.ingest import Page
from saraban.ingest.ocr import OcrEngine, default_engine, ocr_page, run_ordered

log = logging.getLogger(__name__)

# A page image larger than this many pixels is refused before it is decoded
# (a decompression bomb): A0 at 300 dpi is 9933 x 14043 = 139 M pixels.
MAX_PIXELS = 150_000_000

# A blank page skips OCR: looked at 50 dpi, fewer than BLANK_INK_SHARE of its pixels
# are darker than INK_LEVEL. At 50 dpi a page of the real scans has 1.8-9 % of its
# pixels that dark, one line of 16 pt Thai 0.048 %, a lone Thai digit 0.007 %: the
# limit is under a third of that digit, so only paper with nothing on it is skipped
# (a page that carries anything is OCR'd as before).
BLANK_CHECK_DPI = 50
INK_LEVEL = 160
BLANK_INK_SHARE = 0.00002


def looks_blank(image: Image.Image) -> bool:
    """True when a page image holds no ink (nothing for tesseract to read), looked at BLANK_CHECK_DPI.

    A few milliseconds a page, where tesseract takes about a second on a blank one.
    """
    dpi = float(image.info.get("dpi", (300, 300))[0] or 300)
    gray = np.asarray(image if image.mode == "L" else image.convert("L"))
    scale = min(BLANK_CHECK_DPI / dpi, 1.0)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    return float((small < INK_LEVEL).mean()) < BLANK_INK_SHARE


def blank_page(number: int) -> Page:
    """The page of a sheet with nothing on it (:func:`looks_blank`): no text, not OCR'd."""
    log.info("page %d: blank -> not OCR'd", number)
    return Page(number=number, text="", method="blank")


def check_page_count(path: Path, pages: int, options: ReadOptions) -> None:
    """Raise TooManyPagesError for a file of more than ``options.max_pages`` pages (0: no limit)."""
    if options.max_pages and pages > options.max_pages:
        raise TooManyPagesError(path, f"{pages:,} pages, over the limit of {options.max_pages:,} "
                                      "(--max-pages; 0 for no limit)")


def open_image(path: Path) -> Image.Image:
    """Open an image lazily, refusing one too large to decode safely."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise TooLargeError(path, f"image too large to decode safely: {err}") from err
    except OSError as err:  # PIL.UnidentifiedImageError is an OSError
        raise CorruptFileError(path, f"not a readable image: {err}") from err
    check_pixels(path, image.size)
    return image


def check_pixels(path: Path, size: tuple[int, int]) -> None:
    """Raise TooLargeError for a page of more than MAX_PIXELS pixels."""
    width, height = size
    if width * height > MAX_PIXELS:
        raise TooLargeError(path, f"image of {width}x{height} pixels is over the limit of "
                                  f"{MAX_PIXELS // 1_000_000} M pixels (decompression-bomb guard)")


def image_frames(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Image.Image]:
    """Each frame of an image file, decoded one at a time (at most ``options.max_pages``): RGB when it
    has colour, else grayscale.

    The colour stays for the OCR stages, which drop stamp and pen ink by it
    (ingest/preprocess.py); ``info["source_bits"]`` is 1 for a 1-bit (fax-like) frame.
    """
    image = open_image(path)
    check_page_count(path, getattr(image, "n_frames", 1), options)
    dpi = image.info.get("dpi", (300, 300))
    with image:
        for frame in ImageSequence.Iterator(image):
            check_pixels(path, frame.size)
            try:
                page = _page_mode(frame)
            except (OSError, SyntaxError, ValueError) as err:
                raise CorruptFileError(path, f"damaged image data: {err}") from err
            page.info["dpi"] = _sane_dpi(dpi)
            page.info["source_dpi"] = page.info["dpi"][0]
            if frame.mode == "1":
                page.info["source_bits"] = 1
            yield page


_COLOUR_MODES = ("RGB", "RGBA", "RGBX", "P", "PA", "CMYK", "YCbCr", "LAB", "HSV")


def _page_mode(frame: Image.Image) -> Image.Image:
    """The frame decoded as RGB (colour modes) or L (gray, 1-bit, 16-bit)."""
    if frame.mode in _COLOUR_MODES:
        return frame.convert("RGB")
    return frame.convert("L")


def _sane_dpi(dpi: tuple[float, ...]) -> tuple[float, float]:
    """The file's resolution, or 300 dpi when it states none or nonsense."""
    x = float(dpi[0]) if dpi else 0.0
    return (x, x) if 70 <= x <= 1200 else (300.0, 300.0)


def read_image_pages(path: Path, options: ReadOptions = ReadOptions(), *,
                     engine: OcrEngine | None = None) -> Iterator[Page]:
    """OCR each frame of a scanned image into a Page, ``options.jobs`` frames at a time; blank frames are not OCR'd."""
    engine = engine or default_engine()
    sources = (blank_page(n) if looks_blank(frame) else
               partial(ocr_page, n, frame, engine=engine, options=options, source=path)
               for n, frame in enumerate(image_frames(path, options), 1))
    return run_ordered(sources, options.jobs)
