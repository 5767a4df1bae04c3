"""Office files: .docx letters (split at page breaks) and .pptx decks (one page per slide)."""
from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from saraban.ingest import Page
from saraban.core.errors import CorruptFileError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx_pages(path: Path) -> Iterator[Page]:
    """The text of a Word letter, paragraphs and table rows in document order.

    A new page starts at a hard page break (``<w:br w:type="page"/>``) or a
    paragraph that asks for one (``pageBreakBefore``); a letter without
    breaks is one page. Table cells are joined by a space, one row a line.
    """
    import docx  # python-docx
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise CorruptFileError(path, f"damaged .docx: {err}") from err
    pages: list[list[str]] = [[]]
    for block in document.element.body.iterchildren():
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
    for number, lines in enumerate(pages, 1):
        yield Page(number=number, text="\n".join(lines), method="docx")


def read_pptx_pages(path: Path) -> Iterator[Page]:
    """One page per slide: every text frame and table cell, top to bottom, then the notes."""
    import pptx  # python-pptx
    try:
        deck = pptx.Presentation(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise CorruptFileError(path, f"damaged .pptx: {err}") from err
    for number, slide in enumerate(deck.slides, 1):
        lines: list[str] = []
        shapes = sorted(slide.shapes, key=lambda s: ((s.top or 0), (s.left or 0)))
        for shape in shapes:
            lines.extend(_shape_lines(shape))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = slide.notes_slide.notes_text_frame.text.strip()
            if notes:
                lines.append(notes)
        yield Page(number=number, text="\n".join(lines), method="pptx")


def _shape_lines(shape) -> list[str]:  # noqa: ANN001 - python-pptx shapes have no common base type
    """The lines of text in one shape, descending into groups and tables."""
    if shape.shape_type is not None and getattr(shape, "shapes", None) is not None:  # a group
        return [line for sub in shape.shapes for line in _shape_lines(sub)]
    if getattr(shape, "has_table", False) and shape.has_table:
        return [" ".join(cell.text for cell in row.cells if cell.text) for row in shape.table.rows]
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        return [p.text if hasattr(p, "text") else "" for p in shape.text_frame.paragraphs]
    return []
