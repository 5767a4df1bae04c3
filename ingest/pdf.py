"""PDFs: each page from its own text layer when that is sound, else rendered and OCR'd.

Mixed PDFs (a scanned letter with a typed attachment) are decided page by
page by :func:`use_text_layer`. pypdfium2 opens the file (and tells an
encrypted or corrupt one apart) and renders pages at 300 dpi; pdfplumber
gives each character with its position, from which the text layer is
rebuilt (ingest/textlayer.py) and judged by what it says
(ingest/layer_check.py). Pages are streamed: one page's characters or
image at a time, plus the few pages OCR is working on.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from PIL import Image

from saraban.ingest import Page
from saraban.ingest.images import MAX_PIXELS, blank_page, check_page_count, looks_blank
from saraban.ingest.glyphs import map_unmapped_glyphs, unmapped_glyph_text
from saraban.ingest.layer_check import Verdict, check_one_line, judge_layer, layer_words
from saraban.ingest.figures import Band, add_band_text, text_bands
from saraban.ingest.ocr import OcrEngine, default_engine, ocr_page, run_ordered
from saraban.ingest.textlayer import TextLayer, read_text_layer
from saraban.core.errors import CorruptFileError, EncryptedPdfError, OcrError, TooManyPagesError
from saraban.core.options import ReadOptions

log = logging.getLogger(__name__)


def use_text_layer(number: int, verdict: Verdict, mode: str) -> bool:
    """Read this page from its text layer (True) or OCR its image (False)?

    - ``force``: always OCR, whatever text the page carries;
    - no layer (fewer than MIN_LAYER_CHARS visible characters): OCR;
    - ``skip``: any layer is used, repaired as far as it can be;
    - ``redo`` (the default): a layer judged good by ingest/layer_check.py
      is used; one that is damaged (``(cid:N)`` glyphs, split marks) or
      wrong (Thai mapped to ASCII, Latin-1 or Greek; tone marks or sara am
      lost; a scanner's English OCR over a Thai page; tesseract's Thai
      digits), and that no cheap repair makes good, is OCR'd. The log line
      names the symptom and its score.
    """
    if mode == "force":
        decision, why = False, "OCR forced"
    elif verdict.status == "none":
        decision, why = False, verdict.why
    elif mode == "skip":
        decision, why = True, f"text layer kept (skip mode; {verdict.why})"
    else:
        decision, why = verdict.good, f"text layer {verdict.status}: {verdict.why}"
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
            layer = _layer(path, plumber, index) if plumber is not None else TextLayer("")
            verdict = judge_layer(layer)
            image = None
            if verdict.status == "unsure" and mode == "redo":     # the symptoms cannot tell: OCR one line
                image = render_page(path, doc, index, options.dpi)
                verdict = _check_line(path, number, verdict, layer, image, engine, options.langs)
            if use_text_layer(number, verdict, mode):
                page = Page(number=number, text=verdict.text, method="text-layer", words=layer_words(layer, verdict),
                            width=layer.width, height=layer.height)
                bands = _text_bands(path, doc, index, page) if mode == "redo" else []
                if not bands:
                    yield page
                    continue
                image = image or render_page(path, doc, index, options.dpi)
                yield partial(add_band_text, page, image, bands, engine=engine, options=options, source=path)
                continue
            if image is None and _no_objects(doc, index):   # nothing drawn on it at all: not even rendered
                yield blank_page(number)
                continue
            if image is None:
                image = render_page(path, doc, index, options.dpi)
            if looks_blank(image):
                yield blank_page(number)
                continue
            yield partial(ocr_page, number, image, engine=engine, options=options, source=path)
    finally:
        if plumber is not None:
            plumber.close()
        doc.close()


def _text_bands(path: Path, doc: pdfium.PdfDocument, index: int, page: Page) -> list[Band]:
    """The image bands of a text-layer page that may hold text of their own (ingest/figures.py)."""
    pdf_page = doc[index]
    try:
        return text_bands(pdf_page, page.words)
    except Exception as err:  # noqa: BLE001 - a hint to read more, never a reason to lose the page
        log.warning("%s: page %d: its images could not be listed (%s)", path, index + 1, err)
        return []
    finally:
        pdf_page.close()


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


def _layer(path: Path, plumber: pdfplumber.PDF, index: int) -> TextLayer:
    """The rebuilt and repaired text layer of one page, its words and size (empty when pdfplumber cannot read it)."""
    try:
        page = plumber.pages[index]
    except Exception as err:
        log.warning("%s: page %d text layer unreadable (%s)", path, index + 1, err)
        return TextLayer("")
    try:
        chars = page.chars
        if any("(cid:" in ch["text"] for ch in chars):     # glyphs with no Unicode: ask their font
            chars = map_unmapped_glyphs(chars, unmapped_glyph_text(page))
        return replace(read_text_layer(chars), width=round(page.width), height=round(page.height))
    except Exception as err:  # a damaged content stream: the page image may still render
        log.warning("%s: page %d text layer unreadable (%s)", path, index + 1, err)
        return TextLayer("")
    finally:
        page.close()   # drop pdfplumber's per-page caches: a 1000-page PDF stays small


def _check_line(path: Path, number: int, verdict: Verdict, layer: TextLayer, image: Image.Image,
                engine: OcrEngine, langs: str) -> Verdict:
    """:func:`check_one_line`, a failed OCR of the line counting as a layer not confirmed."""
    try:
        return check_one_line(verdict, layer, image, engine, langs)
    except OcrError as err:
        log.warning("%s: page %d: OCR of one line to check the text layer failed (%s)", path, number, err.reason)
        return Verdict("bad", f"{verdict.why}; the line could not be OCR'd", verdict.text)


def render_page(path: Path, doc: pdfium.PdfDocument, index: int, dpi: int = ReadOptions().dpi) -> Image.Image:
    """One page as an image at ``dpi`` (in colour: the OCR stages drop stamp and pen ink by
    their colour), lowered for a page too large for MAX_PIXELS.

    ``image.info`` carries ``dpi`` and, for a scanned page (one image over most of
    it), the scan's own ``source_dpi`` and ``source_bits`` (1 for a fax-like scan).
    """
    page = doc[index]
    try:
        width_pt, height_pt = page.get_size()
        scale = dpi / 72
        pixels = width_pt * height_pt * scale * scale
        if pixels > MAX_PIXELS:
            scale *= (MAX_PIXELS / pixels) ** 0.5
            log.warning("%s: page %d is %.0fx%.0f pt; rendered at %.0f dpi", path, index + 1,
                        width_pt, height_pt, scale * 72)
        image = page.render(scale=scale).to_pil()
        source = _scan_image(page, width_pt * height_pt)
    except pdfium.PdfiumError as err:
        raise CorruptFileError(path, f"page {index + 1} cannot be rendered: {err}") from err
    finally:
        page.close()
    image.info["dpi"] = (round(scale * 72), round(scale * 72))
    if source is not None:
        image.info["source_dpi"], image.info["source_bits"] = source
    return image


# An image covering at least this share of the page makes it a scanned page.
_SCAN_COVER = 0.5


def _scan_image(page: pdfium.PdfPage, area_pt: float) -> tuple[float, int] | None:
    """(dpi, bits per pixel) of the image that covers most of a scanned page; None for other pages."""
    try:
        for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=1):
            left, bottom, right, top = obj.get_pos() if hasattr(obj, "get_pos") else obj.get_bounds()
            if (right - left) * (top - bottom) >= _SCAN_COVER * area_pt:
                meta = obj.get_metadata()
                return float(meta.horizontal_dpi), int(meta.bits_per_pixel)
    except Exception as err:  # noqa: BLE001 - a hint for the OCR stages, never a reason to fail the page
        log.debug("no scan metadata: %s", err)
    return None
