"""Files in: decide what a file is, and read it into pages of text with provenance."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Word:
    """One OCR word with its box on the page image (pixels) and confidence (0-100).

    ``origin`` names the re-read that changed the word from what tesseract
    read (``"reread"``), None when it stands as read: reviewers check those.
    """

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    origin: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Page:
    """The raw text of one page and how it was obtained.

    ``method`` is ``text`` (a text file), ``text-layer`` (a PDF's own text),
    ``ocr``, ``blank`` (a sheet with nothing on it, not OCR'd), ``docx``,
    ``pptx``, or ``failed`` (OCR could not read the page: ``error`` says why,
    the text is empty, and the document's other pages are read and stored
    all the same); ``confidence`` is tesseract's mean word confidence
    (0-100) for OCR pages and None otherwise.

    ``words`` are located on a page of ``width`` x ``height`` (pixels of the
    image they were read from, or points of a PDF page), that image having
    been turned ``rotation`` degrees clockwise from the file's own page
    (0, 90, 180, 270): ``left / width`` is where a word stands across the
    page, whatever the resolution it was read at.
    """

    number: int
    text: str
    method: str
    confidence: float | None = None
    words: tuple[Word, ...] = field(default=(), repr=False)
    width: int | None = None
    height: int | None = None
    rotation: int = 0
    error: str | None = None
