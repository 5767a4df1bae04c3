"""Scanned images: PNG, JPEG and (multi-page) TIFF, one OCR page per frame."""
from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from PIL import Image, ImageSequence

from saraban.ingest import Page
from saraban.core.errors import CorruptFileError, TooLargeError
from saraban.core.options import ReadOptions
from saraban.ingest.ocr import OcrEngine, default_engine, ocr_page, run_ordered

log = logging.getLogger(__name__)

# A page image larger than this many pixels is refused before it is decoded
# (a decompression bomb): A0 at 300 dpi is 9933 x 14043 = 139 M pixels.
MAX_PIXELS = 150_000_000


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


def image_frames(path: Path) -> Iterator[Image.Image]:
    """Each frame of an image file, decoded one at a time, as grayscale."""
    image = open_image(path)
    dpi = image.info.get("dpi", (300, 300))
    with image:
        for frame in ImageSequence.Iterator(image):
            check_pixels(path, frame.size)
            try:
                gray = frame.convert("L")
            except (OSError, SyntaxError, ValueError) as err:
                raise CorruptFileError(path, f"damaged image data: {err}") from err
            gray.info["dpi"] = _sane_dpi(dpi)
            yield gray


def _sane_dpi(dpi: tuple[float, ...]) -> tuple[float, float]:
    """The file's resolution, or 300 dpi when it states none or nonsense."""
    x = float(dpi[0]) if dpi else 0.0
    return (x, x) if 70 <= x <= 1200 else (300.0, 300.0)


def read_image_pages(path: Path, options: ReadOptions = ReadOptions(), *,
                     engine: OcrEngine | None = None) -> Iterator[Page]:
    """OCR each frame of a scanned image into a Page, ``options.jobs`` frames at a time."""
    engine = engine or default_engine()
    sources = (partial(ocr_page, n, frame, engine=engine, options=options, source=path)
               for n, frame in enumerate(image_frames(path), 1))
    return run_ordered(sources, options.jobs)
