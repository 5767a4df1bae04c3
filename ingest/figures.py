"""Text drawn as a picture on a page that has a text layer: a letterhead or a footer pasted in as an image.

Word exports a letter's text as text, but a letterhead or footer band made
in a drawing program (address, telephone numbers, e-mail: an agency's own
stationery) comes out as one image. Its text is in no layer, so a page read
from its layer alone loses it: in r15 of the real scans that band held 283
printed characters of page 1 (the address, its postcode, two telephone
numbers, กรุงเทพฯ), and the page's line-CER was 11.3 % against 2.9 % for
plain tesseract on the whole page. Each such band is rendered, OCR'd like a
scanned page, and kept when tesseract is sure of it and its Thai is in
the dictionary (:func:`_not_text`); emblems, signatures and decorations
read as nothing or as garbage and are dropped.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from saraban.core.errors import OcrError
from saraban.core.options import ReadOptions
from saraban.ingest import Page, Word
from saraban.ingest.layer_check import count_scripts, dictionary_word_share
from saraban.ingest.ocr import OcrEngine, ocr_page

log = logging.getLogger(__name__)

# A band: at least this share of the page's width, at least this many times wider
# than tall, and at least a line of 8-pt text tall. A full-width footer is 0.9 of
# the width and 9:1; the Garuda emblem (1:1), a signature (about 2.5:1) and a corner
# logo are not bands; a logo wordmark beside a rule may be, and its words are kept
# only if they read as text.
MIN_BAND_WIDTH = 0.4
MIN_BAND_ASPECT = 3.0
MIN_BAND_HEIGHT_PT = 10.0
# An image covering more of the page than this is a scanned page, read by OCR as a whole.
MAX_BAND_AREA = 0.3
# A band with layer words over more than this share of it carries its text in the layer.
MAX_LAYER_COVER = 0.05
# Bands read on one page at the most (each costs about half a second of tesseract).
MAX_BANDS = 3
# What a band's OCR must look like to be kept as text: tesseract's mean word confidence,
# and the share of its Thai letters in dictionary words when it has Thai. r15's footer
# (an address in Thai and English, telephones, e-mail) read at 86.9 and 90 %; the DGA
# wordmark beside it at 70.1 and 55 %. The layer judge's English test (common words)
# is for running text, and refused the footer's address (4 % common words).
MIN_BAND_CONFIDENCE = 80.0
MIN_BAND_THAI_WORDS = 0.75
MIN_THAI_TO_JUDGE = 10


@dataclass(frozen=True, slots=True)
class Band:
    """An image band on a page, in points from the page's top left."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def area(self) -> float:
        return max(self.right - self.left, 0.0) * max(self.bottom - self.top, 0.0)


def text_bands(page: pdfium.PdfPage, words: Sequence[Word]) -> list[Band]:
    """The image bands of a page that may hold text no layer has (see the constants)."""
    width, height = page.get_size()
    bands = []
    for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        band = Band(max(left, 0.0), max(height - top, 0.0), min(right, width), min(height - bottom, height))
        w, h = band.right - band.left, band.bottom - band.top
        if (w < MIN_BAND_WIDTH * width or h < MIN_BAND_HEIGHT_PT or w < MIN_BAND_ASPECT * h
                or band.area > MAX_BAND_AREA * width * height):
            continue
        if _covered(band, words) > MAX_LAYER_COVER:
            continue
        bands.append(band)
    return sorted(bands, key=lambda b: (b.top, b.left))[:MAX_BANDS]


def _covered(band: Band, words: Sequence[Word]) -> float:
    """The share of the band that layer words cover."""
    cover = 0.0
    for w in words:
        x = min(band.right, w.left + w.width) - max(band.left, w.left)
        y = min(band.bottom, w.top + w.height) - max(band.top, w.top)
        if x > 0 and y > 0:
            cover += x * y
    return cover / band.area if band.area else 1.0


def _not_text(text: str, confidence: float | None) -> str:
    """Why an image band's OCR is not text to keep ('' when it is).

    >>> _not_text("อาคารสถาบันเพื่อการยุติธรรมแห่งประเทศไทย ถนนแจ้งวัฒนะ กรุงเทพฯ 10210", 88.0)
    ''
    >>> _not_text("DIGITAL ก๐ษคสมพอุผ วแหะงอกห๒ะผา AGENCY", 70.1)
    'OCR confidence 70 < 80'
    """
    if not text:
        return "empty"
    if confidence is None or confidence < MIN_BAND_CONFIDENCE:
        return f"OCR confidence {confidence or 0:.0f} < {MIN_BAND_CONFIDENCE:.0f}"
    if count_scripts(text).thai >= MIN_THAI_TO_JUDGE and (share := dictionary_word_share(text)) < MIN_BAND_THAI_WORDS:
        return f"dictionary words {share:.0%} of its Thai < {MIN_BAND_THAI_WORDS:.0%}"
    return ""


def add_band_text(page: Page, image: Image.Image, bands: Sequence[Band], *, engine: OcrEngine,
                  options: ReadOptions, source: Path | str) -> Page:
    """``page`` (read from its layer) with the text OCR'd in ``bands`` of its rendered ``image``.

    A band above the layer's first word goes before the text, any other
    after it; its words join the page's, in the page's points. A band whose
    OCR fails or reads as no text is left out, and the page keeps its layer.
    """
    scale = image.width / (page.width or image.width)     # pixels per point
    before: list[tuple[str, list[Word]]] = []
    after: list[tuple[str, list[Word]]] = []
    first_top = min((w.top for w in page.words), default=0.0)
    for band in bands:
        box = (round(band.left * scale), round(band.top * scale), round(band.right * scale), round(band.bottom * scale))
        crop = image.crop(box)
        crop.info["dpi"] = image.info.get("dpi", (300, 300))
        try:
            read = ocr_page(page.number, crop, engine=engine, options=options, source=source)
        except OcrError as err:
            log.warning("%s: page %d: the image band at %.0f pt could not be OCR'd (%s)", source, page.number,
                        band.top, err.reason)
            continue
        text = read.text.strip()
        why = _not_text(text, read.confidence)
        if why:
            log.info("page %d: image band at %.0f pt read as no text (%s)", page.number, band.top, why)
            continue
        log.info("page %d: image band at %.0f pt holds text: %d characters kept", page.number, band.top, len(text))
        words = [replace(w, left=round(box[0] / scale + w.left / scale), top=round(box[1] / scale + w.top / scale),
                         width=round(w.width / scale), height=round(w.height / scale))
                 for w in read.words]
        (before if band.bottom <= first_top else after).append((text, words))
    if not before and not after:
        return page
    texts = [t for t, _ in before] + [page.text.strip("\n")] + [t for t, _ in after]
    words = [w for _, ws in before for w in ws] + list(page.words) + [w for _, ws in after for w in ws]
    return replace(page, text="\n".join(t for t in texts if t), words=tuple(words))
