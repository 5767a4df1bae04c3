"""Files in: decide what a file is, and read it into pages of text with provenance."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Word:
    """One OCR word with its box on the page image (pixels) and confidence (0-100)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float


@dataclass(frozen=True, slots=True)
class Page:
    """The raw text of one page and how it was obtained.

    ``method`` is ``text`` (a text file), ``text-layer`` (a PDF's own text),
    ``ocr``, ``docx`` or ``pptx``; ``confidence`` is tesseract's mean word
    confidence (0-100) for OCR pages and None otherwise.
    """

    number: int
    text: str
    method: str
    confidence: float | None = None
    words: tuple[Word, ...] = field(default=(), repr=False)
