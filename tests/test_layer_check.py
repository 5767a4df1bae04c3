"""Text layers judged by what they say (issue 11): whole-but-wrong layers are found and OCR'd.

``data/memo_scan_english_ocr_layer.pdf`` and ``data/memo_scan_tesseract_thai_layer.pdf``
are the top of ``corpus/samples/memo_chiangmai_scan.jpg`` at 150 dpi (JPEG),
made searchable by tesseract itself (``tesseract memo.jpg out -l eng pdf``,
then ``-l tha``): the invisible layer a scanner or OCRmyPDF writes, in the
wrong language, and in Thai.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pdfplumber
import pytest
from ingest_fixtures import LETTER, FixedEngine, text_pdf
from layer_fixtures import invisible_layer_pdf, remapped_pdf
from PIL import Image

from saraban.ingest.layer_check import (
    MAX_FOREIGN_SHARE, MIN_ENGLISH_SHARE, MIN_STRIP_AGREEMENT, MIN_TONE_SHARE, MIN_WORD_SHAPE, MIN_WORD_SHARE,
    Verdict, decode_tis620_read_as_latin1, dictionary_word_share, english_word_share, foreign_letter_share,
    has_sara_am, is_thai_font, judge_layer, judge_text, odd_sign_share, strip_agreement,
    tesseract_digit_fingerprint, thai_font_without_thai, tone_mark_share, word_shape_share,
)
from saraban.core.options import ReadOptions
from saraban.ingest.ocr import OcrEngine, OcrResult
from saraban.ingest.pdf import read_pdf_pages, use_text_layer
from saraban.ingest.textlayer import FontText, TextLayer, read_text_layer

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).parent.parent / "corpus" / "samples"

# A page of a real letter (r07's body, as printed), long enough for every symptom.
BODY = """ด้วยกระทรวงมหาดไทยได้จัดทำราคากลางและคุณลักษณะพื้นฐานครุภัณฑ์คอมพิวเตอร์ เพื่อให้ส่วนราชการ
และหน่วยงานในสังกัดใช้เป็นแนวทางในการจัดหาครุภัณฑ์คอมพิวเตอร์ ประจำปี ๒๕๖๐ โดยกำหนดให้
การจัดซื้อครุภัณฑ์คอมพิวเตอร์ต้องไม่เกินราคากลางที่กำหนด และมีคุณลักษณะไม่ต่ำกว่าที่กำหนดไว้
จึงเรียนมาเพื่อโปรดทราบ และแจ้งให้ส่วนราชการและหน่วยงานที่เกี่ยวข้องทราบและถือปฏิบัติต่อไป
ทั้งนี้ สามารถดาวน์โหลดเอกสารได้ที่เว็บไซต์ของศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร
สำนักงานปลัดกระทรวงมหาดไทย ที่ มท ๐๒๐๘.๒/ว ๑๔๗๘ ลงวันที่ ๘ พฤษภาคม ๒๕๖๐ จำนวน ๑ ชุด"""
THAI_PAGE = "\n".join([BODY] * 3)
ENGLISH = ("In the presence of the UN Resident Coordinator and the Permanent Secretary of the Ministry "
           "of Interior, the governors convene periodic consultations with the United Nations to review "
           "plans, implementation efforts and achievements towards the SDGs. ") * 3
PROVINCES = "Nakhon Sawan  Nakhon Si Thammarat  Nan  Narathiwat  Nong Bua Lam Phu  Nong Khai  Nonthaburi " * 3
# What tesseract -l eng writes over a Thai page (data/memo_scan_english_ocr_layer.pdf).
ENGLISH_OCR_OF_THAI = ("suvinvaavw aquswums dinsutenintedlwal nducuaenseani Ins. o Eno o&ac Tt il Cc@@.e/woe "
                       "TUN mo AMIAN weoe 300 vooylAaumslUsinis ut A, Serer ae, Beau Arsiwmstaniatedlyal ") * 3


def _drop(text: str, chars: str) -> str:
    return "".join(c for c in text if c not in chars)


# --- symptoms, each on what must and must not trip it -----------------------------------

@pytest.mark.parametrize(("text", "foreign"), [
    pytest.param(THAI_PAGE, False, id="thai-letter"),
    pytest.param(ENGLISH, False, id="english"),
    pytest.param("อุณหภูมิ ๓๐° ขนาด ๒×๓ เมตร «ร่าง»", False, id="degree-times-guillemets-are-typography"),
    pytest.param("»ÃÐ¡ÒÈ¨Ñ§ËÇÑ´¾Ñ·ÅØ§ àÃ×èÍ§ ¢ÍàªÔÞ»ÃÐªØÁ", True, id="tis620-read-as-latin1"),
    pytest.param("ΦϬϔϠθχΩΩμνυϒσϔε νυϒΣϏμΩμνυϒσϔευϔτΪΕϔτ", True, id="greek-looking-glyph-numbers"),
])
def test_foreign_letters(text, foreign):
    assert (foreign_letter_share(text) > MAX_FOREIGN_SHARE) is foreign


@pytest.mark.parametrize(("text", "low"), [
    pytest.param(THAI_PAGE, False, id="thai-letter"),
    pytest.param(_drop(THAI_PAGE, "\u0e48\u0e49\u0e4a\u0e4b"), False, id="dropped-tone-marks-still-words"),
    pytest.param(" ".join(THAI_PAGE), True, id="letter-by-letter-spaces"),
    pytest.param(" ".join(THAI_PAGE[i:i + 3] for i in range(0, len(THAI_PAGE), 3)), True, id="words-split"),
])
def test_dictionary_word_share_counts_single_letters_as_misses(text, low):
    assert (dictionary_word_share(text) < MIN_WORD_SHARE) is low


def test_tone_marks_and_sara_am():
    assert tone_mark_share(THAI_PAGE) > 3 * MIN_TONE_SHARE
    assert tone_mark_share(_drop(THAI_PAGE, "\u0e48\u0e49\u0e4a\u0e4b")) == 0
    assert has_sara_am(THAI_PAGE) and has_sara_am(THAI_PAGE.replace("\u0e33", " \u0e32"))
    assert not has_sara_am(THAI_PAGE.replace("\u0e33", "\u0e32"))


@pytest.mark.parametrize(("text", "fingerprint"), [
    pytest.param("ที่ ชม ๐๐๑๓.๑/๒๐๕ วันที่ ๓๐ ตุลาคม ๒๕๒๕ โทร. ๐ ๕๓๑๑ ๒๕๕๕", True, id="tesseract-tha-layer"),
    pytest.param("ที่ ชม ๐๐๑๓.๑/๒๐๙ วันที่ ๓๐ ตุลาคม ๒๕๖๕ โทร. ๐ ๕๓๑๑ ๒๕๕๕", False, id="printed-digits"),
    pytest.param("ที่ ชม ๐๐๑๓ วันที่ ๓๐ ตุลาคม ๒๕๒๕", False, id="too-few-digits-to-tell"),
    pytest.param("ที่ ชม 0013.1/205 วันที่ 30 ตุลาคม 2565 โทร. 0 5311 2555", False, id="arabic-digits-th-sarabunit9"),
])
def test_tesseract_digit_fingerprint(text, fingerprint):
    assert tesseract_digit_fingerprint(text) is fingerprint


@pytest.mark.parametrize(("text", "english", "shaped", "odd"), [
    pytest.param(ENGLISH, True, True, False, id="english"),
    pytest.param(PROVINCES, False, True, False, id="province-names"),
    pytest.param(ENGLISH_OCR_OF_THAI, False, False, False, id="english-ocr-of-a-thai-page"),
    pytest.param("'1>@01>#1/2@$@12B ;Bv4]4 Bd>@]1 " * 5, False, False, True, id="thai-mapped-to-ascii"),
])
def test_latin_symptoms(text, english, shaped, odd):
    assert (english_word_share(text) >= MIN_ENGLISH_SHARE) is english
    assert (word_shape_share(text) >= MIN_WORD_SHAPE) is shaped
    assert (odd_sign_share(text) > 0.4) is odd


def test_thai_fonts_by_name():
    assert all(map(is_thai_font, ["ABCDEE+TH SarabunIT๙", "THSarabunNew-Bold", "BECPGV+THSarabunPSK-Bold",
                                  "CordiaNew", "BrowalliaUPC", "Angsana New", "Laksaman", "PSL Kittithada"]))
    assert not any(map(is_thai_font, ["Arial", "TimesNewRomanPSMT", "GlyphLessFont", "Tahoma", "Helvetica"]))


def test_a_thai_font_drawing_garbage_is_suspect_but_not_one_setting_english():
    garbage = FontText("ABCDEF+THSarabunPSK", "d:s nrna q dni:uir,rr:ei, ;Bv4]4 '1>@01>#1/2@$@12B " * 4)
    english = FontText("SGOSPN+THSarabunPSK", "Provincial Chief Information Officer: PCIO Digital Government")
    assert thai_font_without_thai([english, garbage]) is garbage
    assert thai_font_without_thai([english]) is None
    assert thai_font_without_thai([FontText("Helvetica", garbage.text)]) is None   # no Thai font, no claim


# --- the verdict ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "status", "why"), [
    pytest.param(THAI_PAGE, "good", "Thai, dictionary words", id="thai-letter"),
    pytest.param(THAI_PAGE.replace("๐", "0").replace("๑", "1").replace("๒", "2"), "good", "Thai",
                 id="th-sarabunit9-arabic-digits-are-not-damage"),
    pytest.param(ENGLISH, "good", "English", id="english-page"),
    pytest.param(PROVINCES, "good", "names and terms", id="english-names"),
    pytest.param(_drop(THAI_PAGE, "\u0e48\u0e49\u0e4a\u0e4b"), "bad", "tone marks dropped", id="tone-marks-dropped"),
    pytest.param(THAI_PAGE.replace("\u0e33", "\u0e32"), "bad", "no sara am", id="sara-am-lost"),
    pytest.param(" ".join(THAI_PAGE), "bad", "dictionary words", id="letter-by-letter"),
    pytest.param("»ÃÐ¡ÒÈ¨Ñ§ËÇÑ´¾Ñ·ÅØ§ " * 20, "bad", "foreign letters", id="latin1"),
    pytest.param("'1>@01>#1/2@$@12B ;Bv4]4 Bd>@]1 " * 20, "bad", "ASCII garbage", id="ascii-garbage"),
    pytest.param(ENGLISH_OCR_OF_THAI, "unsure", "Latin text", id="english-ocr-of-thai-needs-a-look"),
])
def test_judge_text(text, status, why):
    verdict = judge_text(text)
    assert verdict.status == status and why in verdict.why


def test_judge_layer_repairs_tis620_read_as_latin1_and_judges_it_again():
    latin1 = THAI_PAGE.encode("cp874").decode("latin-1")
    verdict = judge_layer(TextLayer(latin1))
    assert verdict.good and verdict.repair == "TIS-620 read as Latin-1"
    assert verdict.text == THAI_PAGE
    assert decode_tis620_read_as_latin1("ที่ มท 0208.2") == "ที่ มท 0208.2"    # Thai and ASCII stay


def test_strip_agreement_compares_digits_by_value():
    assert strip_agreement("ประกาศเทศบาลตำบลพอกน้อย หมู่ที่ 5 เป็นเงิน 1,595,000 บาท",
                           "ประกาศเทศบาลตําบลพอกน้อย หมู่ที่ ๕ เป็นเงิน ๑,๕๙๕,๐๐๐ บาท\n") == 1.0
    assert strip_agreement("aquswums dinsutenintedlwal nducuaenseani",
                           "ส่วนราชการ สำนักงานจังหวัดเชียงใหม่ กลุ่มงาน") < MIN_STRIP_AGREEMENT


# --- the page decision, end to end ------------------------------------------------------

class StripEngine(OcrEngine):
    """Reads each one-line strip as ``line`` and each page as ``page``, counting both."""

    name = "strip"

    def __init__(self, line: str, page: str = "ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔") -> None:
        self.line, self.page, self.strips, self.pages = line, page, 0, 0

    def read(self, image: Image.Image, langs: str) -> OcrResult:
        self.pages += 1
        return OcrResult(self.page)

    def read_block(self, image: Image.Image, langs: str) -> OcrResult:
        self.strips += 1
        return OcrResult(self.line)


@pytest.mark.parametrize("kind", ["ascii", "greek"])
def test_thai_mapped_to_other_code_points_is_ocrd(tmp_path, kind, caplog):
    pdf = remapped_pdf(tmp_path / f"{kind}.pdf", BODY, kind)
    engine = StripEngine(line="")
    with caplog.at_level(logging.INFO, logger="saraban.ingest.pdf"):
        [page] = read_pdf_pages(pdf, engine=engine)
    assert page.method == "ocr" and engine.pages == 1 and engine.strips == 0
    assert "-> OCR" in caplog.text and ("foreign letters" in caplog.text or "ASCII garbage" in caplog.text)


def test_tis620_read_as_latin1_is_repaired_not_ocrd(tmp_path, caplog):
    pdf = remapped_pdf(tmp_path / "latin1.pdf", BODY, "latin1")
    with pdfplumber.open(pdf) as doc:
        assert "¡ÒÃ" in doc.pages[0].extract_text()                    # what the layer says as it stands
    engine = FixedEngine()
    with caplog.at_level(logging.INFO, logger="saraban.ingest.pdf"):
        [page] = read_pdf_pages(pdf, engine=engine)
    assert page.method == "text-layer" and engine.calls == 0
    assert "ครุภัณฑ์คอมพิวเตอร์" in page.text and "มท ๐๒๐๘.๒/ว ๑๔๗๘" in page.text
    assert "repaired (TIS-620 read as Latin-1)" in caplog.text
    assert any("ครุภัณฑ์คอมพิวเตอร์" in w.text for w in page.words)       # the words' boxes say it too
    assert not any("¡" <= c <= "ÿ" for w in page.words for c in w.text)


def test_scanners_english_ocr_layer_over_a_thai_page_is_ocrd(caplog):
    """The layer is unsure by its symptoms; one line OCR'd reads Thai, so the page is OCR'd."""
    engine = StripEngine(line="ส่วนราชการ สำนักงานจังหวัดเชียงใหม่ กลุ่มงานยุทธศาสตร์ฯ")
    with caplog.at_level(logging.INFO, logger="saraban.ingest.pdf"):
        [page] = read_pdf_pages(DATA / "memo_scan_english_ocr_layer.pdf", engine=engine)
    assert page.method == "ocr" and engine.strips == 1 and engine.pages == 1
    assert "one line OCR'd agrees" in caplog.text and "-> OCR" in caplog.text


def test_an_unsure_layer_confirmed_by_its_line_is_kept(tmp_path):
    """Latin text that is neither common English nor word-shaped, and OCR of its line agrees."""
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, ENGLISH_OCR_OF_THAI)
    pdf.output(str(tmp_path / "codes.pdf"))
    layer = read_text_layer(pdfplumber.open(tmp_path / "codes.pdf").pages[0].chars)
    longest = max(layer.lines, key=lambda line: len(line.text)).text
    engine = StripEngine(line=longest)
    [page] = read_pdf_pages(tmp_path / "codes.pdf", engine=engine)
    assert page.method == "text-layer" and engine.strips == 1 and engine.pages == 0


def test_tesseract_thai_searchable_pdf_is_ocrd_by_us(caplog):
    """tesseract -l tha writes a space after every letter and cannot write ๔ ๖ ๗ ๘ ๙."""
    with pdfplumber.open(DATA / "memo_scan_tesseract_thai_layer.pdf") as doc:
        layer = read_text_layer(doc.pages[0].chars)
    assert tesseract_digit_fingerprint(layer.text)
    engine = FixedEngine()
    with caplog.at_level(logging.INFO, logger="saraban.ingest.pdf"):
        [page] = read_pdf_pages(DATA / "memo_scan_tesseract_thai_layer.pdf", engine=engine)
    assert page.method == "ocr" and engine.calls == 1


def test_a_good_invisible_layer_over_a_scan_is_kept(tmp_path):
    """A scanner's invisible layer (render mode 3) that says the page's Thai is judged good and kept."""
    text = _layer(SAMPLES / "memo_chiangmai.pdf").text
    scan = Image.open(SAMPLES / "memo_chiangmai_scan.jpg").convert("L")
    scan = scan.resize((scan.width // 2, scan.height // 2))
    pdf = invisible_layer_pdf(tmp_path / "searchable.pdf", scan, text)
    engine = FixedEngine()
    [page] = read_pdf_pages(pdf, engine=engine)
    assert page.method == "text-layer" and engine.calls == 0
    assert "ขออนุมัติเดินทางไปราชการ" in page.text


def test_english_page_in_a_thai_font_keeps_its_layer_without_ocr(tmp_path):
    pdf = text_pdf(tmp_path / "english.pdf", [ENGLISH, PROVINCES + "\nรายชื่อจังหวัด"])
    engine = StripEngine(line="")
    pages = list(read_pdf_pages(pdf, engine=engine))
    assert [p.method for p in pages] == ["text-layer", "text-layer"] and engine.strips == 0


def test_skip_mode_keeps_a_wrong_layer_and_force_ocrs_a_good_one(tmp_path):
    pdf = remapped_pdf(tmp_path / "ascii.pdf", BODY, "ascii")
    assert [p.method for p in read_pdf_pages(pdf, ReadOptions(ocr_mode="skip"), engine=FixedEngine())] == ["text-layer"]
    good = text_pdf(tmp_path / "letter.pdf", [LETTER])
    assert [p.method for p in read_pdf_pages(good, ReadOptions(ocr_mode="force"), engine=FixedEngine())] == ["ocr"]


@pytest.mark.parametrize(("mode", "status", "expected"), [
    pytest.param("redo", "good", True, id="redo-good"),
    pytest.param("redo", "bad", False, id="redo-bad-is-ocrd"),
    pytest.param("redo", "unsure", False, id="redo-unsure-left-unsettled-is-ocrd"),
    pytest.param("skip", "bad", True, id="skip-keeps-bad"),
    pytest.param("skip", "none", False, id="no-layer-is-ocrd-even-in-skip"),
    pytest.param("force", "good", False, id="force-ocrs-everything"),
])
def test_use_text_layer_logs_why(mode, status, expected, caplog):
    verdict = Verdict(status, "the symptom 12%", "ข้อความ")
    with caplog.at_level(logging.INFO, logger="saraban.ingest.pdf"):
        assert use_text_layer(3, verdict, mode) is expected
    assert "page 3:" in caplog.text and ("the symptom 12%" in caplog.text or mode == "force")


# --- the zero-width space of TH SarabunIT๙'s sara am ---------------------------------------

def _char(text: str, x0: float, x1: float) -> dict:
    return {"text": text, "x0": x0, "x1": x1, "top": 100.0, "bottom": 116.0, "size": 16.0,
            "fontname": "b'ABCDEE+TH SarabunIT\\xf9'"}


def test_zero_width_space_before_sara_aa_is_the_nikhahit_of_sara_am():
    """Word 2007 maps the nikhahit half of TH SarabunIT๙'s sara am to a space of no width (r13)."""
    chars = [_char("ต", 10, 17), _char(" ", 17, 17), _char("า", 17, 23), _char("บ", 23, 31), _char("ล", 31, 38),
             _char(" ", 38, 42), _char("ก", 42, 49), _char("า", 49, 55)]
    layer = read_text_layer(chars)
    assert layer.text == "ตำบล กา"               # the real space (4 pt wide) stays a space
    assert layer.fonts == (FontText("ABCDEE+TH SarabunIT๙", "ต\u0e4dาบล กา"),)
    assert [line.text for line in layer.lines] == ["ต\u0e4dาบล กา"]     # as drawn; repaired when compared


# --- the real broken layers (../shared/corpus/scans) --------------------------------------

def _layer(pdf: Path, page: int = 0) -> TextLayer:
    with pdfplumber.open(pdf) as doc:
        return read_text_layer(doc.pages[page].chars)


def test_r13_th_sarabunit9_keeps_its_layer_digits_and_gets_its_sara_am_back(shared):
    pages = list(read_pdf_pages(shared / "corpus" / "scans" / "r13.pdf", engine=FixedEngine()))
    assert [p.method for p in pages] == ["text-layer", "text-layer"]
    assert "ประกาศเทศบาลตำบลพอกน้อย" in pages[0].text and "ต าบล" not in pages[0].text
    assert "เป็นเงิน 1,595,000 บาท" in pages[0].text                   # ASCII digits stay digits


def test_r14_marks_unmapped_by_pdfminer_are_read_from_the_font_and_the_layer_kept(shared):
    pdf = shared / "corpus" / "scans" / "r14.pdf"
    verdict = judge_layer(_layer(pdf))                # pdfplumber's characters as they stand
    assert verdict.status == "bad" and "cid" in verdict.why
    engine = FixedEngine()
    [page] = read_pdf_pages(pdf, engine=engine)      # with ingest/glyphs.py's map of the font
    assert page.method == "text-layer" and engine.calls == 0
    assert "1.1.4 รายการที่ได้กันเงินไว้แบบก่อหนี้ผูกพันและยังไม่ได้เบิกจ่าย" in page.text
    assert page.text.startswith("คำแถลงงบประมาณ")                  # drawn after the first paragraphs
    assert page.words[0].text.startswith("คําแถลง") and (page.width, page.height) == (595, 842)


def test_r15_layer_with_english_terms_in_a_thai_font_is_kept_without_ocr(shared):
    engine = StripEngine(line="")
    pages = list(read_pdf_pages(shared / "corpus" / "scans" / "r15.pdf", engine=engine))
    assert [p.method for p in pages] == ["text-layer", "text-layer"] and engine.strips == 0
    assert "ขอเชิญเข้าร่วมประชุม" in pages[0].text


@pytest.mark.slow
def test_english_ocr_layer_is_caught_with_real_tesseract(caplog):
    from saraban.ingest.ocr import TesseractEngine

    class PagesCounted(TesseractEngine):
        pages = 0

        def read(self, image, langs):
            self.pages += 1
            return OcrResult("")

    engine = PagesCounted()
    with caplog.at_level(logging.INFO, logger="saraban.ingest.pdf"):
        [page] = read_pdf_pages(DATA / "memo_scan_english_ocr_layer.pdf", engine=engine)
    assert page.method == "ocr" and engine.pages == 1
    assert "one line OCR'd agrees" in caplog.text


# --- reading order of a layer drawn out of order ------------------------------------------

def _line_chars(text: str, x0: float, top: float) -> list[dict]:
    """One line's characters, 8 pt a letter, marks with no advance of their own."""
    chars, x = [], x0
    for c in text:
        mark = c in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
        left = x - 4 if mark else x
        chars.append({"text": c, "x0": left, "x1": left + 4 if mark else x + 7, "top": top, "bottom": top + 16,
                      "size": 16.0, "fontname": "ABCDEE+Microsoft Sans Serif"})
        x += 0 if mark else 8
    return chars


def _order(text: str, phrases: list[str]) -> list[str]:
    flat = "".join(text.split())
    return sorted(phrases, key=flat.index)


def test_lines_drawn_out_of_order_in_one_column_are_read_top_to_bottom():
    """Reporting Services (r14) draws the title after the first paragraphs."""
    chars = (_line_chars("ท่านประธานสภา", 60, 200) + _line_chars("สถานะการคลัง", 60, 230)
             + _line_chars("คำแถลงงบประมาณ", 200, 100))
    phrases = ["คำแถลงงบประมาณ", "ท่านประธานสภา", "สถานะการคลัง"]
    assert _order(read_text_layer(chars).text, phrases) == phrases


def test_columns_side_by_side_keep_the_order_they_were_drawn_in():
    chars = (_line_chars("คอลัมน์ซ้ายบรรทัดหนึ่ง", 40, 100) + _line_chars("คอลัมน์ซ้ายบรรทัดสอง", 40, 120)
             + _line_chars("คอลัมน์ขวาบรรทัดหนึ่ง", 320, 100) + _line_chars("คอลัมน์ขวาบรรทัดสอง", 320, 120))
    phrases = ["คอลัมน์ซ้ายบรรทัดหนึ่ง", "คอลัมน์ซ้ายบรรทัดสอง", "คอลัมน์ขวาบรรทัดหนึ่ง", "คอลัมน์ขวาบรรทัดสอง"]
    assert _order(read_text_layer(chars).text, phrases) == phrases


# --- never a crash, whatever a layer says --------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LAYER_TEXT = st.text(alphabet=st.sampled_from(
    "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮะาำิีึืุู่้๊๋็์ํเแโใไ๐๑๒๓๔๕๖๗๘๙"
    "abcdeABCDE0123456789 .,/-@#¡ÒÃΦϬ\n\u00a0\uf70a"), max_size=400)


@settings(max_examples=200, deadline=None)
@given(_LAYER_TEXT)
def test_judging_any_text_never_crashes(text):
    verdict = judge_layer(TextLayer(text, (FontText("THSarabunPSK", text),)))
    assert verdict.status in {"none", "good", "bad", "unsure"} and verdict.why
    assert 0.0 <= strip_agreement(text, text[::-1]) <= 1.0
