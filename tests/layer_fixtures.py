"""PDFs whose text layer is whole but wrong, or right over a scan, made on the spot (fpdf2).

A born-digital Thai PDF from fpdf2 (Laksaman, shaped by uharfbuzz) draws
the right glyphs; :func:`remapped_pdf` then rewrites its ToUnicode map so
that the same glyphs read as other, valid code points, as the producers
of broken layers do: Thai mapped to ASCII (a font whose glyphs sit at
ASCII codes), to Latin-1 (TIS-620 bytes read as Latin-1) or to Greek. The
page still shows Thai, so OCR reads it right.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

from PIL import Image

from ingest_fixtures import FONT

# Sara am stays: fpdf2 maps its sara aa half to no Unicode at all, a (cid:N) that would
# make every remapped page "damaged" before any symptom is looked at.
THAI = [chr(c) for c in range(0x0E01, 0x0E5C) if c != 0x0E33]


def remap_table(kind: str) -> dict[str, str]:
    """Thai code point -> the wrong one a broken producer writes."""
    if kind == "latin1":                          # TIS-620 byte values read as Latin-1
        return {c: chr(ord(c) - 0x0E00 + 0xA0) for c in THAI}
    if kind == "greek":
        return {c: chr(0x0391 + i % 0x50) for i, c in enumerate(THAI)}
    if kind == "ascii":                           # glyphs at scrambled ASCII codes
        pool = [chr(c) for c in range(0x21, 0x7F)]
        random.Random(42).shuffle(pool)
        return {c: pool[i % len(pool)] for i, c in enumerate(THAI)}
    raise ValueError(kind)


def remapped_pdf(path: Path, text: str, kind: str) -> Path:
    """A born-digital Thai page whose ToUnicode map sends each Thai glyph to ``remap_table(kind)``."""
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.compress = False                          # the ToUnicode CMap in clear, to rewrite in place
    pdf.add_font("thai", "", str(FONT))
    pdf.set_font("thai", size=16)
    pdf.set_text_shaping(True)
    pdf.add_page()
    for line in text.splitlines():
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    table = remap_table(kind)

    def remap(m: re.Match[bytes]) -> bytes:       # same length: the stream's /Length stays right
        char = chr(int(m.group(2), 16))
        return m.group(1) + b"<%04X>" % ord(table.get(char, char))

    path.write_bytes(re.sub(rb"(<[0-9A-F]{4}> )<([0-9A-F]{4})>", remap, bytes(pdf.output())))
    return path


def invisible_layer_pdf(path: Path, image: Image.Image, text: str, dpi: int = 150) -> Path:
    """A scan with an invisible text layer (render mode 3) saying ``text``, as a scanner's OCR writes it."""
    from fpdf import FPDF
    width, height = image.width * 25.4 / dpi, image.height * 25.4 / dpi
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_margins(20, 20, 10)
    pdf.add_font("thai", "", str(FONT))
    pdf.set_font("thai", size=16)
    pdf.set_text_shaping(True)
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=width, h=height)
    pdf.text_mode = "INVISIBLE"
    pdf.set_xy(20, 20)
    for line in text.splitlines():
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path
