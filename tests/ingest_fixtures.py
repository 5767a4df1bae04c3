"""Real input files for the ingest tests, generated on the spot (fpdf2, Pillow, python-docx/pptx)."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from saraban.ingest.ocr import EngineError, OcrEngine, OcrResult

TLWG = Path("/usr/share/fonts/truetype/tlwg")
FONT = TLWG / "Laksaman.ttf"

LETTER = """ที่ พล ๐๐๑๗.๓/๖๕๖๕
ศาลากลางจังหวัดพิษณุโลก
๒๒ ธันวาคม ๒๕๖๕
เรื่อง รายงานการดำเนินงานเพื่อการพัฒนาที่ยั่งยืน
ด้วยกระทรวงมหาดไทยได้จัดกิจกรรม เมื่อวันที่ ๙ ธันวาคม ๒๕๖๕ จำนวน ๑ ชุด"""


def text_pdf(path: Path, pages: list[str], font: Path = FONT) -> Path:
    """A born-digital PDF: each string a page, shaped Thai in a TLWG font (fpdf2 + uharfbuzz)."""
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.add_font("thai", "", str(font))
    pdf.set_font("thai", size=16)
    pdf.set_text_shaping(True)
    for text in pages:
        pdf.add_page()
        for line in text.splitlines():
            pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def page_image(text: str, size: tuple[int, int] = (1240, 600), font_px: int = 67) -> Image.Image:
    """A clean grayscale image of Thai text lines (16 pt at 300 dpi is 67 px)."""
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), font_px)
    y = 40
    for line in text.splitlines():
        draw.text((60, y), line, fill=0, font=font)
        y += int(font_px * 1.5)
    img.info["dpi"] = (300, 300)
    return img


def blank_pdf(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` empty A4 pages (no text, no image)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    for _ in range(pages):
        pdf.add_page()
    pdf.output(str(path))
    return path


def line_and_boxes(truth: str, read: str) -> tuple[Image.Image, OcrResult]:
    """A page with the line ``truth``, and an OcrResult that read it as ``read`` (same words, same boxes)."""
    import numpy as np

    from saraban.ingest import Word

    img = page_image(truth, size=(2000, 300))
    draw, font = ImageDraw.Draw(img), ImageFont.truetype(str(FONT), 67)
    arr = np.asarray(img)
    words, x = [], 60
    for true_word, read_word in zip(truth.split(" "), read.split(" ")):
        width = int(draw.textlength(true_word, font=font))
        rows = np.nonzero((arr[:, x:x + width] < 128).any(axis=1))[0]
        words.append(Word(read_word, x, int(rows.min()), width, int(rows.max() - rows.min() + 1), 70.0))
        x += width + int(draw.textlength(" ", font=font))
    return img, OcrResult(read + "\n", tuple(words))


def image_only_pdf(path: Path, images: list[Image.Image]) -> Path:
    images[0].save(path, save_all=True, append_images=images[1:], resolution=300)
    return path


def huge_png_header(path: Path, width: int = 20000, height: int = 20000) -> Path:
    """A PNG that declares width x height pixels (a decompression bomb's header, no data)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width + 1) * 4)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


class FixedEngine(OcrEngine):
    """An engine that reads every page as the same text, counting its calls."""

    name = "fixed"

    def __init__(self, text: str = "ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔") -> None:
        self.text, self.calls = text, 0

    def read(self, image: Image.Image, langs: str) -> OcrResult:
        self.calls += 1
        return OcrResult(self.text)


class ReplayEngine(FixedEngine):
    """An engine that gives back one OcrResult (text and boxes) for every page; a strip re-read reads nothing."""

    def __init__(self, result: OcrResult) -> None:
        super().__init__(result.text)
        self.result = result

    def read(self, image: Image.Image, langs: str) -> OcrResult:
        self.calls += 1
        return self.result

    def read_block(self, image: Image.Image, langs: str) -> OcrResult:
        return OcrResult("")


class FailingEngine(OcrEngine):
    """An engine that fails like a crashed tesseract."""

    name = "failing"

    def read(self, image: Image.Image, langs: str) -> OcrResult:
        raise EngineError("tesseract crashed (signal 11)")
