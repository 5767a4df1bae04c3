"""Page images for the page view: rendered on demand from the stored file, cached on disk beside the database.

Only stored documents are rendered: the request names a document id and a
page number, both looked up in the database (a path never comes from the
request), and the file is where ``documents.path`` says (read by
:func:`document_file`, on Saraban's own connection, never through public
SQL). Images are made at screen resolution (:data:`SCREEN_WIDTH`), so a 300-dpi
scan of 2480 x 3508 pixels is served as about 1400 x 1980 JPEG (~250 KB).

Rendered here rather than by ``saraban.ingest`` (a layer beside this one):
PDF pages with pypdfium2, as ingest does, which turns a page by its own
/Rotate as ingest's OCR saw it; image frames with Pillow, as they were OCR'd
(no EXIF turn). The stored ``rotation`` of a page turns the image further.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from saraban.db import schema, store

# Width of the served image: a page fills a laptop screen's height at about this width
# (1400 x 1980 for A4), sharp enough to read 16-pt Thai without zooming.
SCREEN_WIDTH = 1400
# A page much longer than A4 (a scroll, a receipt) is served at most this high.
MAX_HEIGHT = 4000
# Source images larger than this are not decoded (a decompression bomb), as ingest/images.py.
MAX_SOURCE_PIXELS = 150_000_000
JPEG_QUALITY = 80
CACHE_SUFFIX = "-page-images"


class PageImageError(Exception):
    """The page cannot be shown as an image; ``reason`` says why, for the page view to tell the reader."""

    def __init__(self, reason: str, *, status: int = 404) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What the image route needs of a stored document."""

    doc_id: str
    kind: str
    sha256: str | None
    path: Path | None        # None: not found where it was stored


def document_file(db_path: str | Path, doc_id: str) -> StoredFile | None:
    """The stored document's kind, checksum and file (None for no such document), on a connection of our own.

    The one place that reads a file's path: ``documents.path`` through
    ``db.store.stored_path``. A relative path (as given to ``saraban ingest``)
    is looked up from the server's working folder, then from the database's folder.
    """
    db_path = Path(db_path)
    db = store.open_reader(db_path)
    try:
        row = db.execute(f"select kind, sha256 from [{schema.DOCUMENTS}] where doc_id = ? and status = ?",
                         [doc_id, store.STATUS_OK]).fetchone()
        if row is None:
            return None
        stored = store.stored_path(db, doc_id)
    finally:
        db.close()
    return StoredFile(doc_id, row[0], row[1], _find(stored, db_path))


def _find(stored: str | None, db_path: Path) -> Path | None:
    if not stored:
        return None
    path = Path(stored)
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, db_path.parent / path]
    return next((p for p in candidates if p.is_file()), None)


def cache_dir(db_path: str | Path) -> Path:
    """Where rendered pages are kept: ``saraban-page-images/`` beside ``saraban.db``."""
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}{CACHE_SUFFIX}"


def cached_image(db_path: str | Path, doc: StoredFile, number: int, rotation: int = 0) -> Path:
    """The JPEG of page ``number`` of a stored document, rendered now if not cached; PageImageError if it cannot be."""
    key = doc.sha256 or hashlib.sha256(doc.doc_id.encode()).hexdigest()
    out = cache_dir(db_path) / f"{key[:32]}-p{number}-r{rotation}-w{SCREEN_WIDTH}.jpg"
    if out.exists():
        return out
    if doc.path is None:
        raise PageImageError("the document's file is not where it was stored: moved or deleted "
                             "(see README: moving a database with its files)")
    image = render_page(doc.path, doc.kind, number)
    if rotation:
        image = image.rotate(-rotation, expand=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            image.save(fh, "JPEG", quality=JPEG_QUALITY, optimize=False)
        os.replace(tmp, out)   # atomic: two requests rendering at once both leave a whole file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def render_page(path: Path, kind: str, number: int):  # noqa: ANN201 - PIL.Image.Image
    """Page ``number`` (1-based) of a PDF or image file at screen resolution, as a PIL image."""
    if kind == "pdf":
        return _render_pdf(path, number)
    if kind == "image":
        return _render_image(path, number)
    raise PageImageError(f"a {kind} document has no page image")


def _fit(width: float, height: float) -> float:
    return min(SCREEN_WIDTH / width, MAX_HEIGHT / height)


def _render_pdf(path: Path, number: int):  # noqa: ANN202
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise PageImageError(f"the stored PDF cannot be opened: {err}", status=500) from err
    try:
        if not 1 <= number <= len(doc):
            raise PageImageError(f"the PDF has no page {number}")
        page = doc[number - 1]
        try:
            width, height = page.get_size()
            return page.render(scale=_fit(width, height)).to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        doc.close()


def _render_image(path: Path, number: int):  # noqa: ANN202
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise PageImageError(f"the stored image cannot be opened: {err}", status=500) from err
    with image:
        try:
            image.seek(number - 1)
        except EOFError as err:
            raise PageImageError(f"the image has no page {number}") from err
        if image.width * image.height > MAX_SOURCE_PIXELS:
            raise PageImageError(f"the page image is too large to show ({image.width} x {image.height})", status=413)
        scale = min(_fit(image.width, image.height), 1.0)
        size = (max(round(image.width * scale), 1), max(round(image.height * scale), 1))
        image.draft("L" if image.mode == "L" else "RGB", size)   # JPEG: decode at 1/2, 1/4... when that is enough
        out = image.convert("L" if image.mode in ("L", "1", "I;16") else "RGB")
        return out.resize(size) if out.size != size else out
