"""PDFs: each page from its own text layer when that is sound, else rendered and OCR'd.

Mixed PDFs (a scanned letter with a typed attachment) are decided page by
page by :func:`use_text_layer`. pypdfium2 opens the file (and tells an
encrypted or corrupt one apart) and renders pages at 300 dpi; pdfplumber
gives each character with its position, from which the text layer is
rebuilt (ingest/textlayer.py). Pages are streamed: one page's characters or
image at a time, plus the few pages OCR is working on.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from PIL import Image

from saraban.ingest import Page, Word
from saraban.ingest.images import MAX_PIXELS, blank_page, check_page_count, looks_blank
from saraban.ingest.layout import words_from_chars
from saraban.ingest.ocr import OcrEngine, default_engine, ocr_page, run_ordered
from saraban.ingest.textlayer import (
    MAX_DAMAGE_SHARE, MIN_LAYER_CHARS, Damage, rebuild_text, repair_text_layer, text_layer_damage,
)
from saraban.core.errors import CorruptFileError, EncryptedPdfError, TooManyPagesError
from saraban.core.options import ReadOptions

log = logging.getLogger(__name__)


def use_text_layer(number: int, damage: Damage, mode: str) -> bool:
    """Read this page from its text layer (True) or OCR its image (False)?

    - ``force``: always OCR, whatever text the page carries;
    - no layer (fewer than MIN_LAYER_CHARS visible characters): OCR;
    - ``skip``: any layer is used, repaired as far as it can be;
    - ``redo`` (the default): a layer still damaged after repair
      (``(cid:N)`` glyphs, private-use code points, marks split from their
      consonant, vowels with no consonant: more than MAX_DAMAGE_SHARE of its
      characters) is OCR'd instead.
    """
    if mode == "force":
        decision, why = False, "OCR forced"
    elif damage.chars < MIN_LAYER_CHARS:
        decision, why = False, f"no text layer ({damage.chars} characters)"
    elif mode == "skip":
        decision, why = True, "text layer kept (skip mode)"
    elif damage.share > MAX_DAMAGE_SHARE:
        decision, why = False, (f"text layer damaged ({damage.share:.1%}: cid {damage.cid}, pua {damage.pua}, "
                                f"split marks {damage.split_marks}, bad clusters {damage.bad_clusters})")
    else:
        decision, why = True, f"text layer sound ({damage.share:.2%} damaged)"
    log.info("page %d: %s -> %s", number, why, "text layer" if decision else "OCR")
    return decision


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF with pdfium, naming an encrypted or damaged file for what it is."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise EncryptedPdfError(path, "encrypted PDF: it needs a password") from err
        raise CorruptFileError(path, f"damaged PDF: {err}") from err


def read_pdf_pages(path: Path, options: ReadOptions = ReadOptions(), *,
                   engine: OcrEngine | None = None) -> Iterator[Page]:
    """The pages of a PDF, in order, from text layer or OCR as :func:`use_text_layer` decides."""
    doc = open_pdf(path)
    if len(doc) == 0:
        doc.close()
        raise CorruptFileError(path, "PDF has no pages")
    try:
        check_page_count(path, len(doc), options)
    except TooManyPagesError:
        doc.close()
        raise
    engine = engine or default_engine()
    return run_ordered(_page_sources(path, doc, options, engine), options.jobs)


def _page_sources(path: Path, doc: pdfium.PdfDocument, options: ReadOptions,
                  engine: OcrEngine) -> Iterator[Page | partial[Page]]:
    mode = options.ocr_mode
    plumber = _open_plumber(path) if mode != "force" else None
    try:
        for index in range(len(doc)):
            number = index + 1
            text, words, (width, height) = _layer_text(path, plumber, index) if plumber is not None else ("", (), (None, None))
            if use_text_layer(number, text_layer_damage(text), mode):
                yield Page(number=number, text=text, method="text-layer", words=words, width=width, height=height)
                continue
            if _no_objects(doc, index):   # nothing drawn on it at all: not even rendered
                yield blank_page(number)
                continue
            image = render_page(path, doc, index, options.dpi)
            if looks_blank(image):
                yield blank_page(number)
                continue
            yield partial(ocr_page, number, image, engine=engine, options=options, source=path)
    finally:
        if plumber is not None:
            plumber.close()
        doc.close()


def _no_objects(doc: pdfium.PdfDocument, index: int) -> bool:
    """True for a page with no page objects (no text, image or path): blank, whatever it renders to."""
    page = doc[index]
    try:
        return next(iter(page.get_objects(max_depth=1)), None) is None
    except pdfium.PdfiumError:
        return False
    finally:
        page.close()


def _open_plumber(path: Path) -> pdfplumber.PDF | None:
    try:
        return pdfplumber.open(path)
    except Exception as err:  # pdfminer raises many kinds on odd files; pdfium opened it, so OCR it
        log.warning("%s: pdfplumber cannot read the text layer (%s); pages will be OCR'd", path, err)
        return None


def _layer_text(path: Path, plumber: pdfplumber.PDF, index: int) -> tuple[str, tuple[Word, ...], tuple[int | None, int | None]]:
    """The repaired text layer of one page, its words and its size in points ('' when pdfplumber cannot read it)."""
    try:
        page = plumber.pages[index]
    except Exception as err:
        log.warning("%s: page %d text layer unreadable (%s)", path, index + 1, err)
        return "", (), (None, None)
    try:
        chars = page.chars
        return repair_text_layer(rebuild_text(chars)), words_from_chars(chars), (round(page.width), round(page.height))
    except Exception as err:  # a damaged content stream: the page image may still render
        log.warning("%s: page %d text layer unreadable (%s)", path, index + 1, err)
        return "", (), (None, None)
    finally:
        page.close()   # drop pdfplumber's per-page caches: a 1000-page PDF stays small


def render_page(path: Path, doc: pdfium.PdfDocument, index: int, dpi: int = ReadOptions().dpi) -> Image.Image:
    """One page as a grayscale image at ``dpi``, lowered for a page too large for MAX_PIXELS."""
    page = doc[index]
    try:
        width_pt, height_pt = page.get_size()
        scale = dpi / 72
        pixels = width_pt * height_pt * scale * scale
        if pixels > MAX_PIXELS:
            scale *= (MAX_PIXELS / pixels) ** 0.5
            log.warning("%s: page %d is %.0fx%.0f pt; rendered at %.0f dpi", path, index + 1,
                        width_pt, height_pt, scale * 72)
        image = page.render(scale=scale, grayscale=True).to_pil()
    except pdfium.PdfiumError as err:
        raise CorruptFileError(path, f"page {index + 1} cannot be rendered: {err}") from err
    finally:
        page.close()
    image.info["dpi"] = (round(scale * 72), round(scale * 72))
    return image

