"""One file through the stages: triage, pages, normalize, extract. Nothing is stored here."""
from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saraban.extractors.records import Record
from saraban.extractors.registry import EXTRACTORS, ExtractorSpec, extract_all
from saraban.ingest import Page
from saraban.ingest.images import read_image_pages
from saraban.ingest.ocr import OcrEngine
from saraban.ingest.office import read_docx_pages, read_pptx_pages
from saraban.ingest.pdf import read_pdf_pages
from saraban.ingest.text import read_text_pages
from saraban.ingest.triage import triage
from saraban.normalizers import Normalized, normalize
from saraban.core import __version__
from saraban.core.errors import UnsupportedFileError

PAGE_BREAK = "\f"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunContext:
    """Run-wide settings, with their defaults in one place."""

    ocr_langs: str = "tha+eng"
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    ocr_mode: str = "redo"                 # skip | redo | force: see ingest.pdf.use_text_layer
    deskew: bool = False                   # straighten scanned pages before OCR
    ocr_engine: OcrEngine | None = None    # None: tesseract (ingest.ocr.TesseractEngine)
    extractors: dict[str, ExtractorSpec] = field(default_factory=lambda: EXTRACTORS)


@dataclass(slots=True)
class DocumentResult:
    """Everything read and extracted from one file."""

    doc_id: str
    path: Path
    sha256: str
    kind: str
    pages: list[Page]
    norm: Normalized
    fields: dict[str, list[Record]]
    # where each page starts in norm.text, found on the first page_of (a document's records ask many times)
    _starts: list[int] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def raw_text(self) -> str:
        return PAGE_BREAK.join(p.text for p in self.pages)

    def page_of(self, offset: int) -> int:
        """The 1-based page number of a normalized-text offset."""
        if self._starts is None:
            self._starts = self._page_starts()
        return bisect.bisect_right(self._starts, offset)

    def _page_starts(self) -> list[int]:
        starts = [0]
        pos = self.norm.text.find(PAGE_BREAK)
        while pos != -1:
            starts.append(pos + 1)
            pos = self.norm.text.find(PAGE_BREAK, pos + 1)
        return starts

    def record_dict(self, field_name: str, record: Record) -> dict[str, Any]:
        """A record as JSON-ready dict: the spec's keys, then span, page and provenance."""
        d = _record_values(record)
        raw_start, raw_end = self.norm.raw_span(record.start, record.end)
        spec = EXTRACTORS.get(field_name)
        d.update(
            raw_start=raw_start,
            raw_end=raw_end,
            page=self.page_of(record.start),
            extractor=spec.name if spec else field_name,
            extractor_version=spec.version if spec else None,
        )
        return d

    def to_json(self) -> dict[str, Any]:
        """The object `saraban extract --json` prints (spec/extraction.md)."""
        out: dict[str, Any] = {"doc_id": self.doc_id}
        for name, records in self.fields.items():
            out[name] = [self.record_dict(name, r) for r in records]
        out["source"] = {
            "path": str(self.path),
            "sha256": self.sha256,
            "kind": self.kind,
            "pages": len(self.pages),
            "methods": sorted({p.method for p in self.pages}),
            "pipeline_version": __version__,
        }
        return out


def _record_values(record: Record) -> dict[str, Any]:
    """``dataclasses.asdict(record)``, without its deep copy when every value is a plain scalar (most records)."""
    d = {name: getattr(record, name) for name in _field_names(type(record))}
    if all(type(v) in _SCALARS for v in d.values()):
        return d
    return dataclasses.asdict(record)


_SCALARS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_pages(path: Path, kind: str, ctx: RunContext) -> Iterator[Page]:
    """The pages of a file of the given kind, one at a time (OCR runs ``ctx.jobs`` pages ahead)."""
    if kind == "text":
        return read_text_pages(path)
    if kind == "pdf":
        return read_pdf_pages(path, mode=ctx.ocr_mode, engine=ctx.ocr_engine, langs=ctx.ocr_langs,
                              jobs=ctx.jobs, deskew=ctx.deskew)
    if kind == "image":
        return read_image_pages(path, engine=ctx.ocr_engine, langs=ctx.ocr_langs, jobs=ctx.jobs,
                                deskew=ctx.deskew)
    if kind == "docx":
        return read_docx_pages(path)
    if kind == "pptx":
        return read_pptx_pages(path)
    raise UnsupportedFileError(path, f"reading {kind} files is not available in this build")


def normalize_pages(pages: list[Page]) -> Normalized:
    """Normalize the document's text, pages joined by a form feed (kept by every rule)."""
    return normalize(PAGE_BREAK.join(p.text for p in pages))


def process_file(path: Path, ctx: RunContext | None = None) -> DocumentResult:
    """Take one input file all the way to extracted fields (nothing is stored)."""
    ctx = ctx or RunContext()
    path = Path(path)
    kind = triage(path)                                   # text, pdf, image, docx, pptx
    pages = list(open_pages(path, kind, ctx))             # text layer or OCR
    norm = normalize_pages(pages)                         # .text and .to_raw offsets
    fields = extract_all(norm.text, ctx.extractors)
    return DocumentResult(
        doc_id=path.stem, path=path, sha256=sha256_file(path), kind=kind,
        pages=pages, norm=norm, fields=fields,
    )


def process_text(text: str, doc_id: str = "text", *, ctx: RunContext | None = None) -> DocumentResult:
    """Run normalizers and extractors over text already read (reprocessing, tests)."""
    ctx = ctx or RunContext()
    pages = [Page(number=i, text=t, method="text") for i, t in enumerate(text.split(PAGE_BREAK), 1)]
    norm = normalize_pages(pages)
    return DocumentResult(
        doc_id=doc_id, path=Path(doc_id), sha256=hashlib.sha256(text.encode()).hexdigest(),
        kind="text", pages=pages, norm=norm, fields=extract_all(norm.text, ctx.extractors),
    )
