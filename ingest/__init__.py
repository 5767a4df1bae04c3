"""Files in: decide what a file is, and read it into pages of text with provenance."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Word:
    """One OCR word with its box on the page image (pixels) and confidence (0-100).

    ``start`` and ``end`` are its offsets in its page's text (-1 when not known).
    """

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    start: int = -1
    end: int = -1


@dataclass(frozen=True, slots=True)
class Page:
    """The raw text of one page and how it was obtained.

    ``method`` is ``text`` (a text file), ``text-layer`` (a PDF's own text),
    ``ocr``, ``docx``, ``pptx``, or ``failed`` (OCR could not read the page:
    ``error`` says why, the text is empty, and the document's other pages are
    still read); ``confidence`` is tesseract's mean word confidence (0-100)
    for OCR pages and None otherwise.
    """

    number: int
    text: str
    method: str
    confidence: float | None = None
    words: tuple[Word, ...] = field(default=(), repr=False)
    error: str | None = None

    def confidence_at(self, start: int, end: int) -> float | None:
        """The lowest OCR confidence (0-100) of the words under ``text[start:end]``; None off OCR.

        What a reviewer needs next to a number read from a scan: a date or an
        amount under a word tesseract was unsure of is the one to check.

        >>> page = Page(1, "ที่ พล ๐๐๑๗", "ocr", 80.0, (Word("ที่", 0, 0, 9, 9, 91.0, 0, 3),
        ...             Word("พล", 10, 0, 9, 9, 88.0, 4, 6), Word("๐๐๑๗", 20, 0, 9, 9, 42.5, 7, 11)))
        >>> page.confidence_at(4, 11), page.confidence_at(0, 3), page.confidence_at(3, 4)
        (42.5, 91.0, None)
        """
        confs = [w.confidence for w in self.words if w.start < end and start < w.end and w.confidence >= 0]
        return min(confs) if confs else None
