"""Office packages made on the spot: real .docx/.pptx files (python-docx, python-pptx), and zip bombs made of them."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

LETTER = "ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ ลงวันที่ ๑๗ มีนาคม ๒๕๖๗ เรื่อง ขอเชิญประชุม"
_CHUNK = 1 << 20


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (8, 8), 255).save(out, format="PNG")
    return out.getvalue()


def letter_docx(path: Path, text: str = LETTER, *, picture: bool = False) -> Path:
    """A one-paragraph Word letter; ``picture``: with a small image (word/media/image1.png)."""
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    if picture:
        document.add_picture(io.BytesIO(_png()))
    document.save(path)
    return path


def slides_pptx(path: Path, titles: tuple[str, ...] = ("เป้าหมายที่ ๑๑",), *, picture: bool = False) -> Path:
    """A deck of one titled slide per title; ``picture``: the first slide carries an image (ppt/media/image1.png)."""
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    for title in titles:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = title
    if picture:
        deck.slides[0].shapes.add_picture(io.BytesIO(_png()), Inches(1), Inches(3))
    deck.save(path)
    return path


def inflate_part(src: Path, dest: Path, part: str, size: int, *, filler: bytes = b"\x00") -> Path:
    """``src`` with ``part`` made ``size`` bytes that deflate to almost nothing: a zip bomb.

    An XML part keeps its head and tail and gets ``filler`` (``<w:p/>``, say)
    repeated before its last element's end tag; any other part becomes ``size``
    copies of ``filler``. Written in 1 MB chunks: no bomb is ever held in memory.
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != part:
                zout.writestr(info.filename, data)
                continue
            head, tail = b"", b""
            if part.endswith(".xml"):
                cut = data.rindex(b"</")
                cut = data.rindex(b"</", 0, cut)   # before the end tag of the root's last child (w:body)
                head, tail = data[:cut], data[cut:]
            left = size - len(head) - len(tail)
            block = filler * (_CHUNK // len(filler))
            bomb = zipfile.ZipInfo(part)
            bomb.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(bomb, "w", force_zip64=True) as fh:
                fh.write(head)
                while left > 0:
                    piece = block[:left - left % len(filler)] if left < len(block) else block
                    if not piece:
                        break
                    fh.write(piece)
                    left -= len(piece)
                fh.write(tail)
    return dest
