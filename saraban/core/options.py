"""How files are read: the options that travel from the command line to every page, in one object.

>>> ReadOptions().ocr_mode, ReadOptions().langs, ReadOptions().dpi, ReadOptions().max_pages
('redo', 'tha+eng', 300, 1000)
>>> ReadOptions(ocr_mode="sometimes")
Traceback (most recent call last):
...
ValueError: OCR mode must be one of ('skip', 'redo', 'force'), not 'sometimes'
"""
from __future__ import annotations

from dataclasses import dataclass

# OCRmyPDF's modes for PDF pages: skip = keep any text layer; redo = OCR pages whose
# layer is missing or damaged; force = OCR every page.
OCR_MODES = ("skip", "redo", "force")
# Pages one PDF or image file may have (0: no limit). OCR reads about one page per
# second per core (bench/ocr.py), so 1,000 pages is 8-15 minutes of a 2-core machine
# for one file; the longest real documents seen (the scanned letters of
# ../shared/corpus/scans, dev reports and decks) have at most 4 and 30 pages,
# and a Thai annual report a few hundred. Past it a file is refused with
# TooManyPagesError before any page is read: a runaway file (issue 15: a 319 KB PDF
# of 1,000 blank pages cost 7 minutes of OCR) cannot hold the watched folder.
DEFAULT_MAX_PAGES = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """Read options, with their defaults in one place (the CLI's defaults).

    ``jobs`` is how many pages of ONE file are OCR'd at once; the runners that
    read several files side by side give each file ``jobs=1``.
    """

    ocr_mode: str = "redo"      # skip | redo | force (OCR_MODES)
    deskew: bool = False        # straighten every askew page (pages askew by 1 degree or more are anyway)
    langs: str = "tha+eng"      # tesseract's languages
    dpi: int = 300              # PDF pages are rendered at this resolution for OCR
    jobs: int = 1               # pages of one file OCR'd at once
    max_pages: int = DEFAULT_MAX_PAGES   # a PDF or image of more pages is refused; 0: no limit
    # OCR page stages left out, by name (saraban.ingest.ocr.STAGE_NAMES): for measuring
    # what each gains (bench/ocr_accuracy.py), never needed to read a file
    disabled_stages: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.ocr_mode not in OCR_MODES:
            raise ValueError(f"OCR mode must be one of {OCR_MODES}, not {self.ocr_mode!r}")
        if self.jobs < 1 or self.dpi < 1:
            raise ValueError(f"jobs and dpi must be positive, not {self.jobs} and {self.dpi}")
        if self.max_pages < 0:
            raise ValueError(f"max_pages must be 0 (no limit) or more, not {self.max_pages}")
