"""One file through the stages: triage, pages, normalize, extract. Nothing is stored here.

A record becomes output in one place, :meth:`DocumentResult.record_dict`: the
spec's keys, its spans, its page number and its provenance (the run's
extractor, name and version). ``saraban extract --json`` prints those dicts,
and :meth:`DocumentResult.stored` hands the same dicts to ``db.store``, which
adds only what the database needs (ids, facet columns).
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saraban.core import __version__
from saraban.core.errors import UnsupportedFileError
from saraban.core.options import ReadOptions
from saraban.db.store import PageLayout, StoredDocument, StoredPage, pack_words, unpack_words
from saraban.extractors.records import Record
from saraban.extractors.registry import EXTRACTORS, ExtractorSpec, extract_all
from saraban.ingest import Page
from saraban.ingest.layout import REREAD, PlacedWord, boxes_of_words, place_words, words_in_span
from saraban.ingest.triage import triage
from saraban.normalizers import Normalized, normalize
from saraban.review_queue import review_reason

if TYPE_CHECKING:
    from saraban.ingest.ocr import OcrEngine

PAGE_BREAK = "\f"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunContext:
    """Everything a run decides once: how files are read, by which engine, with which extractors.

    ``read`` travels to every page (OCR mode, deskew, languages, dpi, pages
    at once); ``extractors`` decides the fields and the provenance stored
    with every record.
    """

    read: ReadOptions = field(default_factory=ReadOptions)
    ocr_engine: OcrEngine | None = None    # None: tesseract (ingest.ocr.TesseractEngine)
    extractors: dict[str, ExtractorSpec] = field(default_factory=lambda: EXTRACTORS)

    def one_page_at_a_time(self) -> RunContext:
        """This context for a worker that reads one file beside others: its pages one at a time."""
        return self if self.read.jobs == 1 else dataclasses.replace(self, read=dataclasses.replace(self.read, jobs=1))


@dataclass(slots=True)
class DocumentResult:
    """Everything read and extracted from one file."""

    doc_id: str
    path: Path
    sha256: str
    kind: str
    pages: list[Page]
    norm: Normalized
    norm_pages: list[str]                   # each page's normalized text, in page order
    fields: dict[str, list[Record]]
    extractors: dict[str, ExtractorSpec]    # the run's: the provenance of every record
    # each page's words placed in its raw text; a stored page's packed words (bytes) are unpacked when a record asks
    placed: list[list[PlacedWord] | bytes] = field(default_factory=list)
    # where each page starts in norm.text, found on the first page_of (a document's records ask many times)
    _starts: list[int] | None = field(default=None, init=False, repr=False, compare=False)
    _raw_starts: list[int] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def raw_text(self) -> str:
        return PAGE_BREAK.join(p.text for p in self.pages)

    def page_of(self, offset: int) -> int:
        """The number of the page (``Page.number``) a normalized-text offset falls on."""
        return self.pages[self._page_index(offset)].number if self.pages else 1

    def _page_index(self, offset: int) -> int:
        if self._starts is None:
            self._starts = self._page_starts()
        return min(max(bisect.bisect_right(self._starts, offset), 1), len(self.pages)) - 1

    def _page_starts(self) -> list[int]:
        starts = [0]
        pos = self.norm.text.find(PAGE_BREAK)
        while pos != -1:
            starts.append(pos + 1)
            pos = self.norm.text.find(PAGE_BREAK, pos + 1)
        return starts

    def record_dict(self, field_name: str, record: Record) -> dict[str, Any]:
        """A record as a JSON-ready dict: the spec's keys, then span, page and provenance."""
        d = _record_values(record)
        raw_start, raw_end = self.norm.raw_span(record.start, record.end)
        spec = self.extractors.get(field_name)
        index = self._page_index(record.start) if self.pages else -1
        d.update(
            raw_start=raw_start,
            raw_end=raw_end,
            page=self.pages[index].number if self.pages else 1,
            extractor=spec.name if spec else field_name,
            extractor_version=spec.version if spec else None,
        )
        d.update(self._where(d, index, raw_start, raw_end))
        return d

    def _where(self, d: dict[str, Any], index: int, raw_start: int, raw_end: int) -> dict[str, Any]:
        """A record's boxes on its page, the OCR confidence of its words, how it was read, and why to review it."""
        if index < 0:
            return {"boxes": None, "ocr_confidence": None, "method": None, "review": None}
        if self._raw_starts is None:
            self._raw_starts = list(itertools.accumulate((len(p.text) + 1 for p in self.pages[:-1]), initial=0))
        page = self.pages[index]
        placed = self._placed(index)
        start, end = raw_start - self._raw_starts[index], raw_end - self._raw_starts[index]
        words = [w if isinstance(w, PlacedWord) else PlacedWord._make(w)
                 for w in words_in_span(placed, start, end)] if placed else []
        boxes = boxes_of_words(page.text, words, start, end, page.width or 0, page.height or 0) if words else []
        confs = [w.confidence for w in words if w.confidence >= 0]
        reread = any(w.flags & REREAD for w in words)
        return {
            "boxes": [list(b) for b in boxes] or None,
            "ocr_confidence": min(confs) / 10 if confs else None,
            "method": page.method + ("-reread" if reread else ""),
            "review": review_reason(d, words, page.text[start:end]),
        }

    def _placed(self, index: int) -> list[PlacedWord] | list[tuple[int, ...]]:
        """The page's placed words: PlacedWords, or the stored words unpacked as plain 8-tuples."""
        if index >= len(self.placed):
            return []
        words = self.placed[index]
        if isinstance(words, bytes):
            words = self.placed[index] = unpack_words(words)
        return words

    def mentions(self) -> dict[str, list[dict[str, Any]]]:
        """Every field's records as :meth:`record_dict` gives them."""
        return {name: [self.record_dict(name, r) for r in records] for name, records in self.fields.items()}

    def to_json(self) -> dict[str, Any]:
        """The object `saraban extract --json` prints (spec/extraction.md)."""
        out: dict[str, Any] = {"doc_id": self.doc_id, **self.mentions()}
        out["source"] = {
            "path": str(self.path),
            "sha256": self.sha256,
            "kind": self.kind,
            "pages": len(self.pages),
            "methods": sorted({p.method for p in self.pages}),
            "pipeline_version": __version__,
        }
        return out

    def stored(self, *, path: Path | str | None = None, words: Sequence[str] | None = None) -> StoredDocument:
        """What the database keeps of this document; ``path``: where the file lives from now on.

        ``words``: each page's search words (``db.store.page_words``), when a
        worker segmented them already.
        """
        words = list(words) if words is not None and len(words) == len(self.pages) else [None] * len(self.pages)
        placed = self.placed if len(self.placed) == len(self.pages) else [[]] * len(self.pages)
        pages = [StoredPage(number=p.number, method=p.method, confidence=p.confidence, text=p.text,
                            text_norm=norm, words=w, width=p.width, height=p.height, rotation=p.rotation,
                            boxes=(pw if isinstance(pw, bytes) else pack_words(pw)) if pw else None,
                            error=p.error)
                 for p, norm, w, pw in zip(self.pages, self.norm_pages, words, placed)]
        return StoredDocument(doc_id=self.doc_id, sha256=self.sha256, path=str(path or self.path),
                              kind=self.kind, pages=pages, mentions=self.mentions())


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
    """The pages of a file of the given kind, one at a time (OCR runs ``ctx.read.jobs`` pages ahead).

    Each format's reader is imported when a file of its kind comes: pdfplumber,
    OpenCV and the OCR take 0.1 s to import, which a reprocess (stored text
    only) would pay in its one serial start-up (bench/archive.py).
    """
    if kind == "text":
        from saraban.ingest.text import read_text_pages

        return read_text_pages(path)
    if kind == "pdf":
        from saraban.ingest.pdf import read_pdf_pages

        return read_pdf_pages(path, ctx.read, engine=ctx.ocr_engine)
    if kind == "image":
        from saraban.ingest.images import read_image_pages

        return read_image_pages(path, ctx.read, engine=ctx.ocr_engine)
    if kind in ("docx", "pptx"):
        from saraban.ingest.office import read_docx_pages, read_pptx_pages

        return read_docx_pages(path) if kind == "docx" else read_pptx_pages(path)
    raise UnsupportedFileError(path, f"reading {kind} files is not available in this build")


def normalize_pages(pages: list[Page]) -> tuple[Normalized, list[str]]:
    """The document's normalized text (pages joined by a form feed, kept by every rule) and each page's part.

    The pages' texts are normalized here once; the store keeps them as they are.
    """
    norm = normalize(PAGE_BREAK.join(p.text for p in pages))
    norm_pages = norm.text.split(PAGE_BREAK)
    if len(norm_pages) != len(pages):  # a page's own text held a form feed: normalize each page alone
        norm_pages = [normalize(p.text).text for p in pages]
    return norm, norm_pages


def place_page_words(pages: Sequence[Page]) -> list[list[PlacedWord]]:
    """Each page's words placed in its text (ingest.layout.place_words): where every record's boxes come from."""
    return [place_words(p.text, p.words) if p.words else [] for p in pages]


def _result(doc_id: str, path: Path, sha256: str, kind: str, pages: list[Page], ctx: RunContext,
            placed: list[list[PlacedWord] | bytes] | None = None) -> DocumentResult:
    norm, norm_pages = normalize_pages(pages)                     # .text and .to_raw offsets
    return DocumentResult(doc_id=doc_id, path=path, sha256=sha256, kind=kind, pages=pages, norm=norm,
                          norm_pages=norm_pages, fields=extract_all(norm.text, ctx.extractors),
                          extractors=ctx.extractors,
                          placed=placed if placed is not None else place_page_words(pages))


def process_file(path: Path, ctx: RunContext | None = None) -> DocumentResult:
    """Take one input file all the way to extracted fields (nothing is stored)."""
    ctx = ctx or RunContext()
    path = Path(path)
    kind = triage(path)                                   # text, pdf, image, docx, pptx
    pages = list(open_pages(path, kind, ctx))             # text layer or OCR
    return _result(path.stem, path, sha256_file(path), kind, pages, ctx)


def process_text(text: str, doc_id: str = "text", *, ctx: RunContext | None = None,
                 numbers: Sequence[int] | None = None, layouts: Sequence[PageLayout] | None = None) -> DocumentResult:
    """Run normalizers and extractors over text already read (reprocessing, tests).

    Pages are split at form feeds; ``numbers`` gives their page numbers (the
    stored ones, when reprocessing), else 1, 2, ...; ``layouts`` the stored
    pages' methods, frames and placed words, so records get their boxes again.
    """
    ctx = ctx or RunContext()
    texts = text.split(PAGE_BREAK)
    numbers = list(numbers) if numbers is not None and len(numbers) == len(texts) else range(1, len(texts) + 1)
    if layouts is None or len(layouts) != len(texts):
        pages = [Page(number=n, text=t, method="text") for n, t in zip(numbers, texts)]
        return _result(doc_id, Path(doc_id), hashlib.sha256(text.encode()).hexdigest(), "text", pages, ctx)
    pages = [Page(number=n, text=t, method=lay.method or "text", width=lay.width, height=lay.height,
                  rotation=lay.rotation) for n, t, lay in zip(numbers, texts, layouts)]
    placed: list[list[PlacedWord] | bytes] = [lay.words or [] for lay in layouts]   # unpacked when a record asks
    return _result(doc_id, Path(doc_id), hashlib.sha256(text.encode()).hexdigest(), "text", pages, ctx, placed)
