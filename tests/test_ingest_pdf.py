"""PDFs: the text layer rebuilt and repaired, the per-page OCR decision, bad PDFs."""
from __future__ import annotations

import subprocess
import sys

import pytest
from ingest_fixtures import LETTER, FailingEngine, FixedEngine, image_only_pdf, page_image, text_pdf

from saraban.ingest.layer_check import judge_layer
from saraban.ingest.pdf import read_pdf_pages, use_text_layer
from saraban.ingest.textlayer import TextLayer, repair_text_layer, text_layer_damage
from saraban.core.errors import CorruptFileError, EncryptedPdfError, OcrError
from saraban.core.options import ReadOptions


def test_born_digital_thai_pdf_reads_from_its_text_layer(tmp_path):
    pdf = text_pdf(tmp_path / "letter.pdf", [LETTER])
    engine = FixedEngine()
    [page] = read_pdf_pages(pdf, engine=engine)
    assert page.method == "text-layer" and engine.calls == 0
    # pdfplumber's extract_text gives "ดำ(cid:63)เนิน" and "ทีย่ งั่ ยืน" for these lines
    assert "การดำเนินงานเพื่อการพัฒนาที่ยั่งยืน" in page.text
    assert "ที่ พล ๐๐๑๗.๓/๖๕๖๕" in page.text
    assert "(cid:" not in page.text


def test_a_line_wrapped_at_the_margin_goes_on_with_a_space(tmp_path):
    """multi_cell wraps the long paragraph at the right margin; the short lines stay lines."""
    paragraph = ("ด้วยกระทรวงมหาดไทยได้จัดกิจกรรมการนำเสนอภารกิจงานที่สอดคล้องกับเป้าหมายการพัฒนาที่ยั่งยืน"
                 "ในงาน Sustainability Expo 2024 ระหว่างวันที่ ๒๙ กันยายน – ๘ ตุลาคม ๒๕๖๖ ณ ศูนย์การประชุม")
    pdf = text_pdf(tmp_path / "wrapped.pdf", ["เรื่อง รายงานผล\n" + paragraph + "\nจึงเรียนมาเพื่อโปรดทราบ"])
    [page] = read_pdf_pages(pdf, engine=FixedEngine())
    lines = page.text.splitlines()
    assert lines[0] == "เรื่อง รายงานผล" and lines[-1] == "จึงเรียนมาเพื่อโปรดทราบ"
    assert len(lines) == 3                               # the paragraph's wrapped lines joined
    assert "".join(lines[1].split()) == "".join(paragraph.split())


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("การดำ(cid:63)เนินการ", "การดำเนินการ", id="sara-am-with-glyph-of-its-sara-aa"),
    pytest.param("\uf70a", "\u0e48", id="pua-mai-ek-low"),
    pytest.param("ที\u0e48\u0e35", "ที\u0e35\u0e48", id="tone-before-vowel-reordered"),
    pytest.param("ที่ยั่งยืน", "ที่ยั่งยืน", id="sound-text-unchanged"),
])
def test_repair_text_layer(raw, expected):
    assert repair_text_layer(raw) == expected


@pytest.mark.parametrize(("text", "damaged"), [
    pytest.param("การดำเนินการตามเป้าหมายการพัฒนาที่ยั่งยืน", False, id="sound"),
    pytest.param("ค าน า " * 10, True, id="split-sara-am"),
    pytest.param("การด(cid:11)เนินการ(cid:12)ตาม(cid:13)เป้าหมาย", True, id="cid-glyphs"),
    pytest.param("การพ ัฒนาท ี่ยั ่งย ืน " * 4, True, id="space-before-marks"),
    pytest.param("Workshop SDGs 2030 Agenda for Sustainable Development", False, id="english-is-not-damage"),
])
def test_text_layer_damage_judges_thai_layers(text, damaged):
    assert (text_layer_damage(text).share > 0.01) is damaged


@pytest.mark.parametrize(("mode", "chars", "share", "expected"), [
    pytest.param("redo", 500, 0.0, True, id="redo-sound-layer"),
    pytest.param("redo", 500, 0.05, False, id="redo-damaged-layer-is-ocrd"),
    pytest.param("skip", 500, 0.05, True, id="skip-keeps-damaged-layer"),
    pytest.param("skip", 3, 0.0, False, id="no-layer-is-ocrd-even-in-skip"),
    pytest.param("force", 500, 0.0, False, id="force-ocrs-everything"),
])
def test_use_text_layer(mode, chars, share, expected):
    words = "การดำเนินการตามเป้าหมายการพัฒนาที่ยั่งยืน "
    text = (words * (chars // len(words) + 1))[:chars]
    text = "(cid:1)".join(text[i:i + round(1 / share)] for i in range(0, chars, round(1 / share))) if share else text
    assert use_text_layer(1, judge_layer(TextLayer(text)), mode) is expected


def test_mixed_pdf_is_decided_page_by_page(tmp_path):
    typed = text_pdf(tmp_path / "typed.pdf", [LETTER])
    scan = image_only_pdf(tmp_path / "scan.pdf", [page_image("๒๒ ธันวาคม ๒๕๖๕")])
    import pypdfium2 as pdfium
    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(str(scan)))
    merged.import_pages(pdfium.PdfDocument(str(typed)))
    merged.save(str(tmp_path / "mixed.pdf"))
    engine = FixedEngine("๒๒ ธันวาคม ๒๕๖๕")
    pages = list(read_pdf_pages(tmp_path / "mixed.pdf", ReadOptions(jobs=2), engine=engine))
    assert [p.method for p in pages] == ["ocr", "text-layer"]
    assert [p.number for p in pages] == [1, 2]
    assert engine.calls == 1


def test_force_mode_ocrs_pages_with_a_text_layer(tmp_path):
    pdf = text_pdf(tmp_path / "letter.pdf", [LETTER, LETTER])
    engine = FixedEngine()
    pages = list(read_pdf_pages(pdf, ReadOptions(ocr_mode="force"), engine=engine))
    assert [p.method for p in pages] == ["ocr", "ocr"] and engine.calls == 2


def test_ocr_failure_names_the_file_and_page(tmp_path):
    scan = image_only_pdf(tmp_path / "scan.pdf", [page_image("๒๒ ธันวาคม ๒๕๖๕")])
    with pytest.raises(OcrError, match=r"scan\.pdf: page 1: tesseract crashed"):
        list(read_pdf_pages(scan, engine=FailingEngine()))


def test_encrypted_pdf_is_a_typed_error(tmp_path):
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(tmp_path / "locked.pdf"))
    with pytest.raises(EncryptedPdfError, match=r"locked\.pdf: encrypted PDF"):
        read_pdf_pages(tmp_path / "locked.pdf", engine=FixedEngine())


@pytest.mark.parametrize("data", [
    pytest.param(b"%PDF-1.4\n1 0 obj <<>> garbage", id="garbage-after-header"),
    pytest.param(None, id="truncated-real-pdf"),
])
def test_corrupt_pdf_is_a_typed_error(tmp_path, data):
    if data is None:
        data = text_pdf(tmp_path / "whole.pdf", [LETTER]).read_bytes()[:300]
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(data)
    with pytest.raises(CorruptFileError, match=r"bad\.pdf: "):
        list(read_pdf_pages(bad, engine=FixedEngine()))


@pytest.mark.slow
def test_thousand_page_pdf_streams_within_the_memory_bound(tmp_path):
    """1000 text pages ingest one at a time: the child's peak RSS stays far under 600 MB."""
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_font("thai", "", "/usr/share/fonts/truetype/tlwg/Laksaman.ttf")
    pdf.set_font("thai", size=16)
    pdf.set_text_shaping(True)
    for n in range(1000):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"หน้า {n + 1} ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ การดำเนินงานเพื่อการพัฒนาที่ยั่งยืน")
    pdf.output(str(tmp_path / "big.pdf"))
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across exec, so a child of
    # this (large) pytest process would report pytest's own peak (650 MB seen in CI).
    code = (
        "import sys\n"
        "from ingest.pdf import read_pdf_pages\n"
        "n = sum(1 for p in read_pdf_pages(sys.argv[1]) if p.method == 'text-layer')\n"
        "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "print(n, int(hwm.split()[1]) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "big.pdf")],
                         capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) == 1000
    assert int(out[1]) < 600, f"peak RSS {out[1]} MB"


def test_extract_reads_a_born_digital_pdf_with_ocr_options(tmp_path):
    import json

    from click.testing import CliRunner

    from saraban.cli import cli
    pdf = text_pdf(tmp_path / "letter.pdf", [LETTER, LETTER])
    result = CliRunner().invoke(cli, ["extract", str(pdf), "--json", "--ocr", "skip", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    source = json.loads(result.stdout)["source"]
    assert (source["kind"], source["pages"], source["methods"]) == ("pdf", 2, ["text-layer"])
