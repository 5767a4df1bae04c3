"""Office files: .docx letters split at page breaks, .pptx decks one page per slide."""
from __future__ import annotations

import docx
import pptx
from docx.enum.text import WD_BREAK
from pptx.util import Inches

from saraban.ingest.office import read_docx_pages, read_pptx_pages
from saraban.ingest.triage import triage
from saraban.pipeline import process_file


def test_docx_letter_splits_at_page_breaks(tmp_path):
    document = docx.Document()
    document.add_paragraph("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔")
    document.add_paragraph("๑๗ มีนาคม ๒๕๖๗").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("สิ่งที่ส่งมาด้วย กำหนดการประชุม จำนวน ๑ ฉบับ")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "งบประมาณ", "๑,๙๕๐,๐๐๐ บาท"
    document.save(tmp_path / "circular.docx")
    assert triage(tmp_path / "circular.docx") == "docx"
    pages = list(read_docx_pages(tmp_path / "circular.docx"))
    assert [p.method for p in pages] == ["docx", "docx"]
    assert pages[0].text.splitlines()[:2] == ["ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", "๑๗ มีนาคม ๒๕๖๗"]
    assert "งบประมาณ ๑,๙๕๐,๐๐๐ บาท" in pages[1].text


def test_pptx_deck_gives_one_page_per_slide(tmp_path):
    deck = pptx.Presentation()
    for title, body in [("การขับเคลื่อน SDGs ระดับจังหวัด", "วันจันทร์ที่ ๒๔ เมษายน ๒๕๖๖"),
                        ("เป้าหมายที่ ๑๑", "๗๖ จังหวัด ๘๗๘ อำเภอ")]:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = title
        slide.shapes.add_textbox(Inches(1), Inches(3), Inches(6), Inches(1)).text_frame.text = body
    deck.save(tmp_path / "slides.pptx")
    pages = list(read_pptx_pages(tmp_path / "slides.pptx"))
    assert [(p.number, p.method) for p in pages] == [(1, "pptx"), (2, "pptx")]
    assert pages[0].text.splitlines() == ["การขับเคลื่อน SDGs ระดับจังหวัด", "วันจันทร์ที่ ๒๔ เมษายน ๒๕๖๖"]
    result = process_file(tmp_path / "slides.pptx")
    assert result.kind == "pptx" and len(result.pages) == 2
