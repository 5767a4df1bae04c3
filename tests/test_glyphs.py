"""Glyphs a PDF left without Unicode get it from the embedded font's own cmap and GSUB (issue 11)."""
from __future__ import annotations

import pdfplumber
import pytest

from saraban.ingest.glyphs import map_unmapped_glyphs, unmapped_glyph_text
from saraban.ingest.layer_check import judge_layer
from saraban.ingest.textlayer import read_text_layer


def test_only_cid_glyphs_are_touched():
    chars = [{"text": "ท", "fontname": "F"}, {"text": "(cid:999)", "fontname": "F"},
             {"text": "(cid:999)", "fontname": "G"}, {"text": "(cid:7)", "fontname": "F"}]
    out = map_unmapped_glyphs(chars, {"F": {999: "\u0e48", 3: "ก"}})
    assert [c["text"] for c in out] == ["ท", "\u0e48", "(cid:999)", "(cid:7)"]


def test_a_text_pdf_with_a_tounicode_map_is_left_alone(tmp_path):
    from ingest_fixtures import LETTER, text_pdf
    pdf = text_pdf(tmp_path / "letter.pdf", [LETTER])
    with pdfplumber.open(pdf) as doc:
        assert unmapped_glyph_text(doc.pages[0]) == {}


def test_r14_tone_marks_come_from_the_fonts_cmap_and_gsub(shared):
    """Reporting Services' Microsoft Sans Serif, no ToUnicode: ่ ้ ์ ํ misread by pdfminer, raised marks from GSUB."""
    with pdfplumber.open(shared / "corpus" / "scans" / "r14.pdf") as doc:
        page = doc.pages[0]
        before = read_text_layer(page.chars)
        maps = unmapped_glyph_text(page)
        after = read_text_layer(map_unmapped_glyphs(page.chars, maps))
    assert "(cid:" in before.text and judge_layer(before).status == "bad"
    font = maps["ABCDEE+Microsoft Sans Serif"]
    assert font[917] == "\u0e48" and font[918] == "\u0e49"        # in the cmap (idRangeOffset segments)
    assert font[999] == "\u0e48" and font[1000] == "\u0e49"       # raised variants, from GSUB
    assert "(cid:" not in after.text and judge_layer(after).good
    assert "ท่านประธานสภาฯ และสมาชิกสภาเทศบาลตำบลพอกน้อย" in after.text
    assert "1.1.4 รายการที่ได้กันเงินไว้แบบก่อหนี้ผูกพัน" in after.text
