"""OCR: the engine interface, words joined from TSV boxes, Thai digit re-reading, number fixes."""
from __future__ import annotations

import re
import stat
from pathlib import Path

import numpy as np
import pytest
from ingest_fixtures import FONT, LETTER, FixedEngine, ReplayEngine, line_and_boxes, page_image
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from saraban.ingest import Word
from saraban.ingest.digits import reread_digits
from saraban.ingest.numbers import fix_be_years
from saraban.core.options import ReadOptions
from saraban.ingest.ocr import OcrResult, TesseractEngine, join_words, ocr_page, run_ordered
from saraban.ingest.tone_marks import restore_tone_marks


# The re-reading stages off (the old ``reread=False``): tesseract's text, white space repaired.
NO_REREADS = ReadOptions(disabled_stages=frozenset({
    "digit_runs", "letters_read_as_digits", "lookalike_numbers", "latin_numbers", "sdg_targets",
    "latin_misreads", "thai_misreads"}))


def _boxes(*items):
    return tuple(Word(t, x, 10, 30, 40, c) for t, x, c in items)


def test_tsv_boxes_are_joined_back_into_the_words_of_the_text():
    # tesseract's TSV splits Thai into characters (issue 2702); the plain text has the words
    result = OcrResult("วันที่ ๒๒", _boxes(("วั", 0, 90), ("น", 30, 80), ("ที่", 60, 70), ("๒๒", 120, 95)))
    page = ocr_page(1, page_image("x"), engine=ReplayEngine(result), options=NO_REREADS)
    assert [(w.text, w.left, w.width, w.confidence) for w in page.words] == [
        ("วันที่", 0, 90, 80.0), ("๒๒", 120, 30, 95.0)]
    assert page.confidence == 87.5 and page.method == "ocr"


def test_join_words_survives_text_and_boxes_that_disagree():
    tokens, char_box = join_words(OcrResult("ที่ มท", _boxes(("ที", 0, 90), ("มท", 40, 90))))
    assert len(tokens) == 2 and char_box[-1] == 1


def _digit_crop(text: str, blur: float = 0.6, noise: float = 8.0, seed: int = 1) -> np.ndarray:
    img = Image.new("L", (40 + 48 * len(text), 130), 255)
    ImageDraw.Draw(img).text((20, 10), text, fill=0, font=ImageFont.truetype(str(FONT), 67))
    img = img.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(img).astype(np.float32) + np.random.default_rng(seed).normal(0, noise, img.size[::-1])
    return np.clip(a, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(("truth", "tesseract_read"), [
    pytest.param("๐๐๑๗.๓/๖๕๖๕", "๐๐๑ฒ.๓/๐๕๒๐๕", id="letter-number"),
    pytest.param("๒๕๖๕", "๒๕๒๐๕", id="be-year"),
    pytest.param("๒๓", "๒๓", id="day"),
    pytest.param("๔,๓๗๖,๕๐๐", "๕,๓๓๖,๕๐๐", id="money"),
])
def test_thai_digits_are_reread_from_the_image(truth, tesseract_read):
    assert reread_digits(_digit_crop(truth), tesseract_read) == truth


CROPS = Path(__file__).parent / "data" / "crops"


@pytest.mark.parametrize(("crop", "core", "tesseract_read", "truth"), [
    # a list number: ")" is taller than "๔" and must not set the digit height
    pytest.param("list_number_4_paren.png", (88, 148, 20, 79), "๕)", "๔)", id="digit-before-paren"),
    # the last "๔" of the office code touches the slash after it: one blob, no digit's shape
    pytest.param("letter_number_4_slash.png", (124, 342, 29, 112), "๐๒๐๕.๕", "๐๒๐๔.๔", id="digit-touching-slash"),
    # tesseract boxed an 11-pixel sliver of a "๙" and read it as "«"
    pytest.param("day_9_sliver.png", (66, 77, 15, 59), "«", "๙", id="sliver-box"),
    # a slash no taller than the ๒ beside it (bench/letters/circular_moi.txt: ครั้งที่ ๒/๒๕๖๗)
    pytest.param("meeting_number_slash.png", (112, 362, 26, 101), "๒/๒๕๒๐๓", "๒/๒๕๖๗", id="slash-of-digit-height"),
    # the ั้ of นั้น on the line below sits under the ๓ (bench/letters/report_khonkaen.txt)
    pytest.param("amount_mark_below.png", (151, 493, 35, 136), "๕,ต๓ฒ๒,๕๐๐", "๔,๓๗๖,๕๐๐", id="mark-of-the-line-below"),
    # in Kinnari the ว after the slash was read as ")" and boxed with the run: it stays as read
    pytest.param("kinnari_letter_number_wo.png", (81, 338, 18, 72), "๐๒๐๕.๕/)", "๐๒๐๔.๔/)", id="letter-after-the-run"),
])
def test_digits_cut_from_real_scans_are_reread(crop, core, tesseract_read, truth):
    """Crops of the render_scans.py light-noise scans of the dev letters, as ocr_page cuts them."""
    gray = np.asarray(Image.open(CROPS / crop).convert("L"))
    assert reread_digits(gray, tesseract_read, core) == truth      # Thai digit templates, as for a Thai run


def test_a_crop_of_thai_letters_is_not_read_as_digits():
    assert reread_digits(_digit_crop("กรมการ"), "๓๒๕") is None


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("การพัฒนาทียังยืน", "การพัฒนาที่ยั่งยืน", id="stacked-marks-dropped"),
    pytest.param("ขับเคลือนงาน", "ขับเคลื่อนงาน", id="mai-ek-on-sara-uee"),
    pytest.param("ทีมงานทีละคน", "ทีมงานทีละคน", id="real-words-without-marks-kept"),
    pytest.param("ขอให้มีความสุข", "ขอให้มีความสุข", id="sound-text-kept"),
])
def test_restore_tone_marks(text, expected):
    assert restore_tone_marks(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("๙ ธันวาคม ๒๕๖๕ และ ๒๓ ธ.ค. ๒๕๒๐๕", "๙ ธันวาคม ๒๕๖๕ และ ๒๓ ธ.ค. ๒๕๖๕", id="extra-digit"),
    pytest.param("เลขที่ 25665 พ.ศ. 2566", "เลขที่ 25665 พ.ศ. 2566", id="not-after-a-month-untouched"),
    pytest.param("ธันวาคม ๒๕๒๐๕", "ธันวาคม ๒๕๒๐๕", id="no-year-to-compare-untouched"),
])
def test_fix_be_years(text, expected):
    assert fix_be_years(text) == expected


def test_pages_come_back_in_order_with_a_bounded_window():
    pulled = []

    def sources():
        for n in range(1, 9):
            pulled.append(n)
            yield lambda n=n: ocr_page(n, page_image("x"), engine=FixedEngine(), options=NO_REREADS)
    stream = run_ordered(sources(), jobs=2)
    first = next(stream)
    assert first.number == 1 and len(pulled) <= 3          # never all pages at once
    assert [p.number for p in stream] == list(range(2, 9))


def test_every_tesseract_call_runs_single_threaded(tmp_path):
    fake = tmp_path / "tesseract"
    fake.write_text('#!/bin/sh\necho "$OMP_THREAD_LIMIT" > "$2.txt"\n'
                    'printf "level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth'
                    '\\theight\\tconf\\ttext\\n" > "$2.tsv"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    result = TesseractEngine(binary=str(fake)).read(page_image("x"), "tha+eng")
    assert result.text.strip() == "1"


@pytest.mark.slow
def test_real_tesseract_reads_thai_date_and_reference_digits(shared_tool, tmp_path):
    """One real scanned page (render_scans.py, light noise): the letter's digits come out right."""
    render = shared_tool("render_scans")
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "letter.txt").write_text(LETTER, encoding="utf-8")
    import random
    render.render(tmp_path / "txt" / "letter.txt", tmp_path, random.Random(7), "light")
    from saraban.pipeline import RunContext, process_file
    result = process_file(tmp_path / "letter.scan.pdf", RunContext())
    text = result.raw_text
    assert result.pages[0].method == "ocr" and result.pages[0].words
    assert "๐๐๑๗.๓/๖๕๖๕" in text
    assert re.search(r"๒๒ \S+ ๒๕๖๕", text)              # the month's letters may vary; the digits may not
    assert re.search(r"วันที่ ๙ \S+ ๒๕๖๕", text)
    assert "๑ ชุด" in text


class _PageAndStrip(FixedEngine):
    """The page read as tesseract's eng model misread it; the strip of unsure words read as Thai."""

    def __init__(self):
        super().__init__()
        self.strip_sizes = []

    def read(self, image, langs):
        self.calls += 1
        return OcrResult("NWA ๐๐๑๗ Workshop กระทรวงมหาดไทย",
                         _boxes(("NWA", 0, 55.0), ("๐๐๑๗", 200, 95.0), ("Workshop", 400, 93.0),
                                ("กระทรวงมหาดไทย", 600, 96.0)))

    def read_block(self, image, langs):
        assert langs == "tha"
        self.strip_sizes.append(image.size)
        return OcrResult("ที่ พล\n", (Word("ที่", 10, 20, 40, 60, 91.0), Word("พล", 70, 20, 50, 60, 93.0)))


def test_unsure_latin_words_on_a_thai_page_are_reread_as_thai():
    engine = _PageAndStrip()
    page = ocr_page(1, page_image("x"), engine=engine)
    assert page.text.startswith("ที่ พล ")              # the unsure "NWA", in one strip call
    assert "Workshop" in page.text                       # a sure English word stays
    assert len(engine.strip_sizes) == 1


def _line_boxes(*lines):
    """One box per word of each (y, [(text, left, width)]) line."""
    return tuple(Word(t, x, y, w, 40, 90.0) for y, words in lines for t, x, w in words)


def test_a_date_wrapped_at_the_right_margin_is_joined_into_one_line():
    # line 1 runs to the margin (x 0..1000): the date goes on below, past a blank line tesseract put in;
    # line 2 stops short (a paragraph's end), so the list item after it keeps its own line
    text = "เมื่อวันที่ ๖ มิถุนายน\n\n๒๕๖๕ แสดงถึง\n๒. ผลการดำเนินงาน\n"
    result = OcrResult(text, _line_boxes(
        (10, [("เมื่อวันที่", 0, 500), ("๖", 560, 40), ("มิถุนายน", 650, 350)]),
        (60, [("๒๕๖๕", 0, 150), ("แสดงถึง", 200, 250)]),
        (110, [("๒.", 0, 60), ("ผลการดำเนินงาน", 100, 880)])))
    page = ocr_page(1, page_image("x"), engine=ReplayEngine(result), options=NO_REREADS)
    assert page.text == "เมื่อวันที่ ๖ มิถุนายน ๒๕๖๕ แสดงถึง\n๒. ผลการดำเนินงาน\n"
    assert [w.text for w in page.words] == ["เมื่อวันที่", "๖", "มิถุนายน", "๒๕๖๕", "แสดงถึง", "๒.", "ผลการดำเนินงาน"]


class _SureLatinNextToNumbers(FixedEngine):
    """A page where the eng model is SURE of "UN" (for มท) and "UM" (for บาท) beside Thai numbers."""

    def __init__(self):
        super().__init__()
        self.strips = []

    def read(self, image, langs):
        self.calls += 1
        return OcrResult("UN ๐๒๐๔.๔/ว ๑๐๑๐๔ SDGs UN ๗๖ ๓,๘๑๙,๒๔๐ UM กระทรวงมหาดไทย",
                         _boxes(("UN", 0, 92.0), ("๐๒๐๔.๔/ว", 100, 95.0), ("๑๐๑๐๔", 200, 95.0), ("SDGs", 300, 93.0),
                                ("UN", 400, 93.0), ("๗๖", 500, 95.0), ("๓,๘๑๙,๒๔๐", 600, 95.0), ("UM", 700, 90.0),
                                ("กระทรวงมหาดไทย", 800, 96.0)))

    def read_block(self, image, langs):
        self.strips.append(image.size)
        # slots of the strip: 40-pixel boxes, 102 pixels apart, the first at y 20
        return OcrResult("มท\nบาท\n", (Word("มท", 10, 30, 40, 40, 92.0), Word("บาท", 10, 132, 40, 40, 90.0)))


def test_sure_latin_words_are_reread_where_a_thai_number_wants_its_thai_word():
    # the agency code before a letter number and the unit after a grouped amount are re-read however
    # sure the eng model was; "SDGs UN ๗๖" (no such place) stays as read
    engine = _SureLatinNextToNumbers()
    page = ocr_page(1, page_image("x"), engine=engine)
    assert page.text == "มท ๐๒๐๔.๔/ว ๑๐๑๐๔ SDGs UN ๗๖ ๓,๘๑๙,๒๔๐ บาท กระทรวงมหาดไทย"
    assert len(engine.strips) == 1


class _Recording(FixedEngine):
    """Returns a fixed result and keeps the images it was given."""

    def __init__(self, result):
        super().__init__(result.text)
        self.result, self.images = result, []

    def read(self, image, langs):
        self.images.append(image)
        return self.result

    def read_block(self, image, langs):
        return OcrResult("")


def test_a_latin_word_between_thai_words_that_is_a_thai_number_is_reread():
    """The eng model claimed a Thai serial: "ว ๓๓๓๘ ลงวันที่" came back as "ว mame ลงวันที่"."""
    img, result = line_and_boxes("ว ๓๓๓๘ ลงวันที่", "ว mame ลงวันที่")
    page = ocr_page(1, img, engine=_Recording(result))
    assert page.text.split()[:3] == ["ว", "๓๓๓๘", "ลงวันที่"]


def test_an_english_word_between_thai_words_stays_english():
    img, result = line_and_boxes("คณะ team ของจังหวัด", "คณะ team ของจังหวัด")
    page = ocr_page(1, img, engine=_Recording(result))
    assert page.text.split()[:3] == ["คณะ", "team", "ของจังหวัด"]


def test_tesseract_is_given_the_page_in_black_and_white_without_the_scan_speckle():
    rng = np.random.default_rng(3)
    noisy = np.asarray(page_image(LETTER, size=(1800, 900))).astype(np.float32)
    noisy = Image.fromarray(np.clip(noisy + rng.normal(0, 40, noisy.shape), 0, 255).astype(np.uint8))
    noisy.info["dpi"] = (300, 300)
    engine = _Recording(OcrResult(""))
    ocr_page(1, noisy, engine=engine)
    given = engine.images[0]
    assert given.mode == "1" and given.size == noisy.size and given.info["dpi"] == (300, 300)
    import cv2
    ink = (np.asarray(given) == 0).astype(np.uint8)
    _, plain = cv2.threshold(np.asarray(noisy), 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    specks = lambda m: int((cv2.connectedComponentsWithStats(m)[2][1:, 4] < 10).sum())  # noqa: E731
    assert specks(ink) * 20 < specks(plain)          # Otsu alone, as tesseract would, leaves the speckle
    clean = np.asarray(page_image(LETTER, size=(1800, 900))) < 128
    assert abs(int(ink.sum()) - int(clean.sum())) < 0.25 * clean.sum()   # and the letters keep their ink


def test_a_space_tesseract_put_inside_a_number_goes_when_the_boxes_touch():
    # "9. 6845ล้านบาท": the dot and the digits after it are 5 px apart (boxes 40 px high);
    # "ข้อ 3. 25 คน" is a list number and a count, a word space (20 px) apart
    result = OcrResult("งบ 9. 6845ล้านบาท ข้อ 3. 25 คน",
                       _boxes(("งบ", 0, 90.0), ("9.", 60, 93.0), ("6845ล้านบาท", 95, 60.0), ("ข้อ", 200, 90.0),
                              ("3.", 260, 93.0), ("25", 310, 92.0), ("คน", 360, 90.0)))
    page = ocr_page(1, page_image("x"), engine=ReplayEngine(result), options=NO_REREADS)
    assert page.text == "งบ 9.6845ล้านบาท ข้อ 3. 25 คน"


def test_the_tail_of_a_final_seven_read_as_a_letter_is_dropped():
    """tesseract reads the upturned tail of ๗ as one more letter: "๒๘๗ โครงการ" -> "๒๘๗ซ โครงการ"."""
    img, result = line_and_boxes("จำนวน ๒๘๗ โครงการ", "จำนวน ๒๘๗ซ โครงการ")
    page = ocr_page(1, img, engine=_Recording(result))
    assert page.text.split()[:3] == ["จำนวน", "๒๘๗", "โครงการ"]


def test_sdg_targets_mixing_thai_digits_and_latin_letters_are_reread():
    # as tesseract read the target list of the dev slides: "๑๑.A" -> "๑๑.ก2", "๕.B" -> "๕.8", "๑๑.๗" -> "๑๑.ญ"
    img, result = line_and_boxes("เป้าหมายย่อยที่ ๑๑.A / ๕.B / ๑๑.๗ / 13.C", "เป้าหมายย่อยที่ ๑๑.ก2 / ๕.8 / ๑๑.ญ / 13.0")
    page = ocr_page(1, img, engine=_Recording(result))
    assert page.text.split() == ["เป้าหมายย่อยที่", "๑๑.A", "/", "๕.B", "/", "๑๑.๗", "/", "13.C"]


def test_a_number_that_is_no_target_keeps_its_reading():
    # 20.5 is shaped like a target but names no goal; 3.5 reads as itself
    img, result = line_and_boxes("งบประมาณ 20.5 ล้าน และ 3.5 ล้าน", "งบประมาณ 20.5 ล้าน และ 3.5 ล้าน")
    page = ocr_page(1, img, engine=_Recording(result))
    assert page.text.split() == ["งบประมาณ", "20.5", "ล้าน", "และ", "3.5", "ล้าน"]


def test_a_capitalised_latin_word_that_is_a_thai_number_is_reread():
    """In Kinnari the eng model reads "๘๗๘ อำเภอ" as "Goes อำเภอ"."""
    img, result = line_and_boxes("จาก ๘๗๘ อำเภอ และ SDG ของ UN", "จาก Goes อำเภอ และ SDG ของ UN")
    page = ocr_page(1, img, engine=_Recording(result))
    assert page.text.split() == ["จาก", "๘๗๘", "อำเภอ", "และ", "SDG", "ของ", "UN"]


class _EnglishTable(_Recording):
    """The tha model made Thai garbage of an English name between English names; eng reads it back."""

    def __init__(self, result):
        super().__init__(result)
        self.strip_langs = []

    def read_block(self, image, langs):
        self.strip_langs.append(langs)
        return OcrResult("Lamphun\n", (Word("Lamphun", 40, 10, 200, 40, 90.0),))


def test_thai_garbage_between_english_names_is_reread_with_the_eng_model():
    img, result = line_and_boxes("Krabi Lampang Lamphun Loei", "Krabi Lampang ไสทหาดทนท Loei")
    engine = _EnglishTable(result)
    page = ocr_page(1, img, engine=engine)
    assert page.text.split() == ["Krabi", "Lampang", "Lamphun", "Loei"]
    assert engine.strip_langs == ["eng"]


def test_thai_words_next_to_english_ones_are_left_alone():
    # real Thai (all of it dictionary words) beside English: nothing is read again with eng
    img, result = line_and_boxes("ณ ห้องประชุม ESCAP Hall ศูนย์ประชุม", "ณ ห้องประชุม ESCAP Hall ศูนย์ประชุม")
    engine = _EnglishTable(result)
    page = ocr_page(1, img, engine=engine)
    assert page.text.split()[:2] == ["ณ", "ห้องประชุม"] and page.text.split()[-1] == "ศูนย์ประชุม"
    assert "eng" not in engine.strip_langs


def test_latin_capitals_the_tha_model_read_as_digits_are_reread_as_letters():
    # "SDGs" in a Thai line comes back from the tha model as "5065", sure of it
    img, result = line_and_boxes("ขับเคลื่อน SDGs ระดับพื้นที่", "ขับเคลื่อน 5065 ระดับพื้นที่")
    page = ocr_page(1, img, engine=_Recording(result))
    assert page.text.split()[1] == "SDGs"
