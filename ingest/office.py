"""Office files: .docx letters (split at page breaks) and .pptx decks (one page per slide).

Neither python-docx nor python-pptx is handed the file itself. Both read
every part of the package into memory when they open it (python-pptx every
zip member, python-docx every part a relationship names), images and
embedded files included, and neither bounds what a part inflates to: a
495 KB .docx whose ``word/document.xml`` inflates to 300 MB took 10 GB of
RSS, and a 2 GiB zero-filled media part 4.3 GB (issue 15). So
:func:`open_package` first checks the zip directory (members, sizes,
compression ratios) against the limits below, then copies the parts the
text lives in (XML and relationships) into a new package in memory, each
checked again as it inflates, and leaves every other part (images, audio,
video, fonts, embedded workbooks) empty: the readers never look inside
them.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from saraban.core.errors import CorruptFileError, TooLargeError
from saraban.ingest import Page

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The parts read, all together, inflated. A letter of 20,000 paragraphs (about
# 2,000 pages, 5.9 M characters) has a 16.5 MB word/document.xml, which python-docx
# opens in 90 MB and the whole pipeline reads in 0.67 GB of RSS: twice that is
# the most one file may make us read.
MAX_TEXT_BYTES = 32 * 2**20
# Inflated size / compressed size of one part above RATIO_GRACE_BYTES. Deflate
# cannot pass about 1032:1; the bombs of issue 15 were 620:1 (document.xml, 300 MB)
# and 1000:1 (zeros); the most repetitive real part we could make (20,000 copies of
# one paragraph) is 126:1. Apache POI's ZipSecureFile checks the same way (its
# default is 100:1 past a 100 KB grace).
MAX_RATIO = 300
RATIO_GRACE_BYTES = 2**20
# Members in one package: a 300-slide deck has about 1,500.
MAX_MEMBERS = 20_000
# What the text lives in: the parts the readers parse.
_TEXT_PART_ENDINGS = (".xml", ".rels")


def is_text_part(name: str) -> bool:
    """True for a part the readers parse (XML, relationships); False for media and embedded files.

    >>> is_text_part("word/document.xml"), is_text_part("[Content_Types].xml"), is_text_part("ppt/media/image1.png")
    (True, True, False)
    """
    return name.lower().endswith(_TEXT_PART_ENDINGS)


def check_members(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a package whose directory promises more than we read safely (TooLargeError).

    Only the parts :func:`is_text_part` keeps count: media are never inflated.
    """
    if len(members) > MAX_MEMBERS:
        raise TooLargeError(path, f"Office package of {len(members):,} parts is over the limit of "
                                  f"{MAX_MEMBERS:,} (zip-bomb guard)")
    total = 0
    for info in members:
        if not is_text_part(info.filename):
            continue
        total += info.file_size
        if info.file_size > RATIO_GRACE_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TooLargeError(path, f"part {info.filename} inflates {info.compress_size:,} -> {info.file_size:,} "
                                      f"bytes, over {MAX_RATIO}:1 (zip-bomb guard)")
        if total > MAX_TEXT_BYTES:
            raise TooLargeError(path, f"the text parts inflate to over {MAX_TEXT_BYTES // 2**20} MB "
                                      f"(at {info.filename}; zip-bomb guard)")


def open_package(path: Path) -> io.BytesIO:
    """The package's text parts, checked, in a new zip in memory; every other part is there but empty.

    The directory is checked first (:func:`check_members`); each part is then
    read to at most its stated size (``zipfile`` stops there, and a part that
    inflates to something else fails its CRC).
    """
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()]
            check_members(path, members)
            seen: set[str] = set()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
                for info in members:
                    if info.filename in seen:
                        raise CorruptFileError(path, f"damaged package: two parts named {info.filename}")
                    seen.add(info.filename)
                    copy.writestr(info.filename, zf.read(info) if is_text_part(info.filename) else b"")
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, ValueError) as err:
        raise CorruptFileError(path, f"damaged zip container: {err}") from err
    out.seek(0)
    return out


# How python-docx and python-pptx fail on a damaged part: KeyError (a part or a
# relationship missing), ValueError, lxml's XMLSyntaxError, and AttributeError or
# TypeError where an element or attribute is not the one they expect (an element of
# another name at a part's root, a relationship without its target). Found by
# mutating the parts of real files (tests/test_ingest_office.py).
_DAMAGED: tuple[type[Exception], ...] = (KeyError, ValueError, AttributeError, TypeError, etree.LxmlError)


def _damaged(err: BaseException) -> str:
    """A damaged part's reason, one line: lxml's message without its ``(<string>, line N)`` tail."""
    message = str(err).split(" (<string>")[0] if isinstance(err, etree.LxmlError) else str(err)
    return f"{type(err).__name__}: {message}"


def read_docx_pages(path: Path) -> Iterator[Page]:
    """The text of a Word letter, paragraphs and table rows in document order.

    A new page starts at a hard page break (``<w:br w:type="page"/>``) or a
    paragraph that asks for one (``pageBreakBefore``); a letter without
    breaks is one page. Table cells are joined by a space, one row a line.
    """
    import docx  # python-docx
    import docx.exceptions
    import docx.opc.exceptions

    package = open_package(path)
    try:
        return iter(_docx_pages(docx.Document(package)))
    except (*_DAMAGED, docx.exceptions.PythonDocxError, docx.opc.exceptions.OpcError) as err:
        raise CorruptFileError(path, f"damaged .docx: {_damaged(err)}") from err


def _docx_pages(document) -> list[Page]:  # noqa: ANN001 - a python-docx Document
    body = document.element.body
    if body is None:
        raise ValueError("no w:body in word/document.xml")
    pages: list[list[str]] = [[]]
    for block in body.iterchildren():
        if block.tag == f"{_W}p":
            if block.find(f"{_W}pPr/{_W}pageBreakBefore") is not None and pages[-1]:
                pages.append([])
            line: list[str] = []
            for node in block.iter(f"{_W}t", f"{_W}br", f"{_W}tab"):
                if node.tag == f"{_W}t":
                    line.append(node.text or "")
                elif node.tag == f"{_W}tab":
                    line.append("\t")
                elif node.get(f"{_W}type") == "page":
                    pages[-1].append("".join(line))
                    pages.append([])
                    line = []
                else:
                    line.append("\n")
            pages[-1].append("".join(line))
        elif block.tag == f"{_W}tbl":
            for row in block.iter(f"{_W}tr"):
                cells = ["".join(t.text or "" for t in cell.iter(f"{_W}t")) for cell in row.iter(f"{_W}tc")]
                pages[-1].append(" ".join(c for c in cells if c))
    return [Page(number=number, text="\n".join(lines), method="docx") for number, lines in enumerate(pages, 1)]


def read_pptx_pages(path: Path) -> Iterator[Page]:
    """One page per slide: every text frame and table cell, top to bottom, then the notes."""
    import pptx  # python-pptx
    import pptx.exc

    package = open_package(path)
    try:
        return iter(_pptx_pages(pptx.Presentation(package)))
    except (*_DAMAGED, pptx.exc.PythonPptxError) as err:
        raise CorruptFileError(path, f"damaged .pptx: {_damaged(err)}") from err


def _pptx_pages(deck) -> list[Page]:  # noqa: ANN001 - a python-pptx Presentation
    pages = []
    for number, slide in enumerate(deck.slides, 1):
        lines: list[str] = []
        shapes = sorted(slide.shapes, key=lambda s: ((s.top or 0), (s.left or 0)))
        for shape in shapes:
            lines.extend(_shape_lines(shape))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = slide.notes_slide.notes_text_frame.text.strip()
            if notes:
                lines.append(notes)
        pages.append(Page(number=number, text="\n".join(lines), method="pptx"))
    return pages


def _shape_lines(shape) -> list[str]:  # noqa: ANN001 - python-pptx shapes have no common base type
    """The lines of text in one shape, descending into groups and tables."""
    if shape.shape_type is not None and getattr(shape, "shapes", None) is not None:  # a group
        return [line for sub in shape.shapes for line in _shape_lines(sub)]
    if getattr(shape, "has_table", False) and shape.has_table:
        return [" ".join(cell.text for cell in row.cells if cell.text) for row in shape.table.rows]
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        return [p.text if hasattr(p, "text") else "" for p in shape.text_frame.paragraphs]
    return []
