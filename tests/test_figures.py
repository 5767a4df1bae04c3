"""Text pasted into a born-digital letter as a picture (a footer band) is read too (ingest/figures.py, issue 11)."""
from __future__ import annotations

import random

import pytest
from PIL import Image, ImageDraw

from ingest_fixtures import FONT, LETTER, page_image
from saraban.core.options import ReadOptions
from saraban.ingest.pdf import read_pdf_pages

pytestmark = pytest.mark.issue(11)

FOOTER = "ศาลากลางจังหวัดพิษณุโลก ถนนวังจันทน์ อำเภอเมืองพิษณุโลก ๖๕๐๐๐\nโทรศัพท์ ๐ ๕๕๒๕ ๘๕๕๙ e-mail: saraban@phitsanulok.go.th"


def _letter_with_band(path, band: Image.Image):
    """A born-digital letter (text layer) with ``band`` drawn across the foot of the page as an image."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("thai", "", str(FONT))
    pdf.set_font("thai", size=16)
    pdf.set_text_shaping(True)
    pdf.add_page()
    for line in LETTER.splitlines():
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    band_png = path.with_suffix(".png")
    band.save(band_png)
    pdf.image(str(band_png), x=15, y=262, w=180, h=180 * band.height / band.width)
    pdf.output(str(path))
    return path


def test_a_footer_pasted_as_a_picture_is_read_after_the_layer(tmp_path):
    band = page_image(FOOTER, size=(2126, 260), font_px=50)
    [page] = read_pdf_pages(_letter_with_band(tmp_path / "letter.pdf", band), ReadOptions())
    assert page.method == "text-layer"
    assert page.text.startswith("ที่ พล ๐๐๑๗.๓/๖๕๖๕")        # the layer first, as it was
    tail = page.text.split("จำนวน ๑ ชุด", 1)[1]
    assert "ถนนวังจันทน์" in tail and "๖๕๐๐๐" in tail      # the footer's text after it
    footer_words = [w for w in page.words if w.top > 250 / 297 * page.height]
    assert footer_words and all(w.left + w.width <= page.width for w in footer_words)  # boxes in the page's points


def test_a_picture_band_with_no_text_adds_nothing(tmp_path):
    rng = random.Random(3)
    band = Image.new("L", (2126, 260), 255)
    draw = ImageDraw.Draw(band)
    for _ in range(40):  # a decoration: curves and blobs, as a letterhead's ornament
        x, y = rng.randrange(2000), rng.randrange(200)
        draw.ellipse((x, y, x + rng.randrange(20, 120), y + rng.randrange(10, 60)), outline=0, width=4)
    [page] = read_pdf_pages(_letter_with_band(tmp_path / "ornament.pdf", band), ReadOptions())
    assert page.text.rstrip().endswith("จำนวน ๑ ชุด")


def test_skip_mode_reads_no_picture(tmp_path):
    band = page_image(FOOTER, size=(2126, 260), font_px=50)
    [page] = read_pdf_pages(_letter_with_band(tmp_path / "letter.pdf", band), ReadOptions(ocr_mode="skip"))
    assert "ถนนวังจันทน์" not in page.text
