"""Dates: Thai and English calendar dates, ranges, roles; what is not a date."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban.extractors.dates import extract_dates
from saraban.extractors.registry import extract_all
from saraban.normalizers import thai_digits_to_arabic


def isos(text: str) -> list[str]:
    return [d.iso for d in extract_dates(thai_digits_to_arabic(text))]


@pytest.mark.parametrize(("text", "expected"), [
    # full Thai months, Thai and Arabic digits, Buddhist Era
    pytest.param("๒๒ ธันวาคม ๒๕๖๕", ["2022-12-22"], id="full-month-thai-digits"),
    pytest.param("เมื่อวันที่ 9 พฤศจิกายน 2566 เวลา 13.00 น.", ["2023-11-09"], id="full-month-arabic"),
    pytest.param("ลงวันที่ ๑ มกราคม ๒๕๖๗", ["2024-01-01"], id="january"),
    # OCR with English reads a scanned พ.ศ. as "WA." between the month and the year
    pytest.param("ลงวันที่ ๓ ตุลาคม WA. ๒๕๖๗", ["2024-10-03"], id="ocr-era-read-as-latin"),
    pytest.param("ทะเบียน WA. ๒๕๖๗", [], id="latin-era-without-a-month"),
    pytest.param("ลงวันที่ 4 ก.ค . 2566 และ", ["2023-07-04"], id="ocr-space-before-dot"),
    pytest.param("๑๕ สิงหาคม ๒๕๖๖", ["2023-08-15"], id="august"),
    pytest.param("๓๐ เมษายน ๒๕๖๖", ["2023-04-30"], id="april-30"),
    pytest.param("29 กุมภาพันธ์ 2567", ["2024-02-29"], id="leap-day-2024"),
    # abbreviated months, with or without dots and spaces
    pytest.param("๒๓ ธ.ค. ๒๕๖๕", ["2022-12-23"], id="abbr-dotted"),
    pytest.param("13 มิ.ย. 67", ["2024-06-13"], id="abbr-two-digit-be-year"),
    pytest.param("15 ม.ค.2567", ["2024-01-15"], id="abbr-no-space-before-year"),
    pytest.param("04 ก.ย.2568", ["2025-09-04"], id="leading-zero-day"),
    pytest.param("10ก.ย.62", ["2019-09-10"], id="no-spaces-at-all"),
    pytest.param("1 มค 66", ["2023-01-01"], id="abbr-without-dots"),
    pytest.param("5 ธ ค 65", ["2022-12-05"], id="abbr-with-space-instead-of-dot"),
    pytest.param("7 ต.ค 2566", ["2023-10-07"], id="abbr-missing-final-dot"),
    pytest.param("๒๘ เม.ย. ๒๕๖๖", ["2023-04-28"], id="april-abbr"),
    pytest.param("3 พ.ย. 2566", ["2023-11-03"], id="november-abbr"),
    pytest.param("3 มี.ค. 2566", ["2023-03-03"], id="march-abbr"),
    pytest.param("12 ส.ค. 2566", ["2023-08-12"], id="august-abbr"),
    # weekday, เดือน and พ.ศ. prefixes
    pytest.param("วันศุกร์ที่ 3 กุมภาพันธ์ 2566", ["2023-02-03"], id="weekday"),
    pytest.param("วันจันทร์ที่ ๖ มิ.ย. ๒๕๖๕", ["2022-06-06"], id="weekday-abbr"),
    pytest.param("วันพฤหัสบดีที่ 7 ธันวาคม 2566", ["2023-12-07"], id="weekday-thursday"),
    pytest.param("๒ เดือน พฤษภาคม พ.ศ. ๒๕๖๐", ["2017-05-02"], id="duean-and-phoso"),
    pytest.param("1 ตุลาคม พ.ศ.2566", ["2023-10-01"], id="phoso-no-space"),
    pytest.param("1 ตุลาคม พศ 2566", ["2023-10-01"], id="phoso-no-dots"),
    pytest.param("5 มกราคม ค.ศ. 2024", ["2024-01-05"], id="khoso-common-era"),
    pytest.param("5 มกราคม 2024", ["2024-01-05"], id="thai-month-ce-year"),
    # OCR and typists' variants of full names
    pytest.param("9 กรกฏาคม 2566", ["2023-07-09"], id="misspelt-july"),
    pytest.param("9 กุมภาพันธ 2566", ["2023-02-09"], id="february-lost-karan"),
    # English
    pytest.param("Signed on 6 June 2022", ["2022-06-06"], id="english-day-first"),
    pytest.param("May 29, 2024", ["2024-05-29"], id="english-month-first"),
    pytest.param("29th May 2024", ["2024-05-29"], id="english-ordinal"),
    pytest.param("2 Jan. 2023", ["2023-01-02"], id="english-abbr"),
    pytest.param("15 Sept 2023", ["2023-09-15"], id="english-sept"),
    pytest.param("1 DECEMBER 2023", ["2023-12-01"], id="english-upper"),
    # ranges: one record START/END
    pytest.param("(1 ม.ค. 66 - 31 มี.ค. 66)", ["2023-01-01/2023-03-31"], id="range-two-full-dates"),
    pytest.param("๒๙ กันยายน – ๘ ตุลาคม ๒๕๖๖", ["2023-09-29/2023-10-08"], id="range-year-once"),
    pytest.param("๒๐ - ๒๓ กุมภาพันธ์ ๒๕๖๗", ["2024-02-20/2024-02-23"], id="range-days"),
    pytest.param("๘-๑๗ กรกฎาคม ๒๕๖๗ณ สำนักงาน", ["2024-07-08/2024-07-17"], id="range-days-glued"),
    pytest.param("29 ธันวาคม – 3 มกราคม 2567", ["2023-12-29/2024-01-03"], id="range-across-new-year"),
    pytest.param("ตั้งแต่วันที่ 1 ม.ค. 2566 ถึงวันที่ 31 มี.ค. 2566", ["2023-01-01/2023-03-31"], id="range-tueng"),
    pytest.param("May 29 - June 2, 2024", ["2024-05-29/2024-06-02"], id="range-english"),
    pytest.param("6-8 June 2022", ["2022-06-06/2022-06-08"], id="range-english-days"),
    # two dates side by side stay two dates
    pytest.param("๒๒ ธันวาคม ๒๕๖๕\n\n๒๓ ธ.ค. ๒๕๖๕", ["2022-12-22", "2022-12-23"], id="two-lines"),
    pytest.param("5 มี.ค. 2566 และ 7 มี.ค. 2566", ["2023-03-05", "2023-03-07"], id="two-joined-by-and"),
])
def test_dates(text, expected):
    assert isos(text) == expected


@pytest.mark.parametrize("text", [
    pytest.param("31 ก.พ. 2566", id="impossible-feb-31"),
    pytest.param("29 กุมภาพันธ์ 2566", id="not-a-leap-year"),
    pytest.param("31 เมษายน 2566", id="april-31"),
    pytest.param("0 มกราคม 2566", id="day-zero"),
    pytest.param("ประจำปีงบประมาณ พ.ศ. ๒๕๖๖", id="fiscal-year"),
    pytest.param("เมื่อปี พ.ศ. ๒๕๖๒", id="bare-year"),
    pytest.param("จัดอบรมในห้วงเดือน มกราคม ๒๕๖๖ - มีนาคม ๒๕๖๖", id="month-year-range"),
    pytest.param("ม.ค 66.-เม.ย.67", id="abbr-month-year-range"),
    pytest.param("กรอบเวลา ธันวาคม 2565 – เมษายน 2567", id="month-year-range-dash"),
    pytest.param("มติ กพย. ครั้งที่ 1/2563", id="meeting-number"),
    pytest.param("การประชุม คกก. SDGs มท. ๑/๒๕๖๖", id="meeting-number-thai"),
    pytest.param("สำนักงาน ก.พ. 2566", id="civil-service-commission"),
    pytest.param("ตามมติ ก.พ. ครั้งที่ 3/2566", id="kp-resolution"),
    pytest.param("ที่ กค 0406.4/ว 138", id="reference-with-month-like-code"),
    pytest.param("ที่ มค 0017.3/6565", id="reference-mahasarakham"),
    pytest.param("5 มีนาคม 10 คน", id="count-after-full-month"),
    pytest.param("15 มีนาคม", id="no-year"),
    pytest.param("May 2024", id="english-month-year"),
    pytest.param("งบประมาณ 9.6845ล้านบาท", id="money"),
    pytest.param("เวลา 15.52 น.", id="time"),
    pytest.param("2016 - 2020", id="year-range"),
    pytest.param("1 มค 12345", id="long-number-is-no-year"),
])
def test_not_dates(text):
    assert isos(text) == []


def test_iso_and_span_of_weekday_date():
    text = "เมื่อวันศุกร์ที่ ๙ ธ.ค. ๒๕๖๕\nได้จัดกิจกรรม"
    (d,) = extract_dates(thai_digits_to_arabic(text))
    assert text[d.start:d.end] == "วันศุกร์ที่ ๙ ธ.ค. ๒๕๖๕"
    assert d.iso == "2022-12-09"
    assert d.confidence == 1.0


def test_weekday_that_disagrees_lowers_confidence():
    # 9 Dec 2022 was a Friday, not a Monday: kept, but doubtful
    (d,) = extract_dates("วันจันทร์ที่ 9 ธันวาคม 2565")
    assert d.iso == "2022-12-09"
    assert d.confidence < 1.0


LETTER_HEAD = """สำนักปลัด
เลขที่ 6068
วันที่ 23 ธ.ค. 2565
เวลา

ที่ ขก ๐๐๑๗.๓/๖๕๖๕

ศาลากลางจังหวัดขอนแก่น
ถนนศูนย์ราชการ ขก ๔๐๐๐๐

๒๒ ธันวาคม ๒๕๖๕

เรื่อง ขอเชิญประชุม
เรียน นายอำเภอทุกอำเภอ

ด้วยจังหวัดกำหนดประชุมในวันที่ ๙ มกราคม ๒๕๖๖ ณ ห้องประชุม
"""


def test_roles_follow_the_letter_layout():
    found = extract_dates(thai_digits_to_arabic(LETTER_HEAD))
    assert [(d.iso, d.role) for d in found] == [
        ("2022-12-23", "receipt"),
        ("2022-12-22", "letter"),
        ("2023-01-09", "body"),
    ]


def test_receipt_stamp_read_from_time_line_below():
    text = "รับที่ 512\nวันที่ 3 ม.ค. 66\nเวลา 10.30 น.\n"
    (d,) = extract_dates(text)
    assert (d.iso, d.role) == ("2023-01-03", "receipt")


def test_dates_in_a_body_without_letter_head_are_body():
    found = extract_dates("ประชุมเมื่อวันที่ 5 มีนาคม 2566\n\n6 มีนาคม 2566\n")
    assert {d.role for d in found} == {"body"}


def test_extract_all_keeps_thai_digits_in_text():
    text = "ลงวันที่ ๒๙ ธ.ค. ๒๕๖๕"
    (d,) = extract_all(text)["dates"]
    assert d.text == "๒๙ ธ.ค. ๒๕๖๕" == text[d.start:d.end]
    assert d.iso == "2022-12-29"


# --- properties: never raises, spans are honest ---------------------------------

_THAI_BITS = ["ม.ค.", "ก.พ.", "มิถุนายน", "ธันวาคบ", "วันศุกร์ที่", "พ.ศ.", "เดือน", " ", "-", "–", "ถึง",
              "\n", "1", "31", "2566", "66", ".", "/", "May", "June", ",", "๒๕๖๗", "ธ ค", "เวลา",
              "วันที่", "และ", "เลขที่", "เรื่อง", "ที่ มท 0204/1"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(),
    st.lists(st.sampled_from(_THAI_BITS), max_size=40).map("".join),
    st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
))
def test_never_raises_and_spans_match(text):
    for d in extract_dates(text):
        assert d.text == text[d.start:d.end]
        assert d.start < d.end
        assert d.role in {"letter", "receipt", "body"}
        parts = d.iso.split("/")
        for part in parts:
            assert len(part) == 10 and part[4] == "-" and part[7] == "-"
        assert parts == sorted(set(parts))  # a range starts before it ends


@pytest.mark.parametrize("char", ["1", " ", "ม", ".", "-", "ก.พ. ", "1 ", "วันที่ ", "วันที่ 3 – 9\n\n", "_ส.ค._",
                                  "\n \n", "2 มีนาคม "])
def test_long_runs_finish(char):
    # a regex that backtracks would not finish on a megabyte of one character
    assert extract_dates(char * (1_000_000 // len(char))) == []


def test_dev_corpus_dates_f1(shared):
    """Dates on the five dev documents against their gold (spec: F1 >= 0.97)."""
    tp = fp = fn = 0
    for gold_path in sorted((shared / "corpus" / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (shared / "corpus" / "texts" / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        required = {g["iso"] for g in gold["dates"] if not g.get("optional")}
        optional = {g["iso"] for g in gold["dates"] if g.get("optional")}
        got = {d.iso for d in extract_all(text, {"dates": _spec()})["dates"]}
        tp += len(required & got)
        fn += len(required - got)
        fp += len(got - required - optional)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.97, (tp, fp, fn)


def _spec():
    from saraban.extractors.registry import EXTRACTORS

    return EXTRACTORS["dates"]


@pytest.mark.parametrize("head", [
    pytest.param("ส่วนราชการ สำนักงานจังหวัดน่าน\nที่ นน 0017.2/123   วันที่ 5 มกราคม 2567\n", id="memo-same-line"),
    pytest.param("ส่วนราชการ สำนักงานจังหวัดน่าน\nที่ นน 0017.2/123\nวันที่ 5 มกราคม 2567\n", id="memo-own-line"),
    pytest.param("ที่ นน 0017.2/123\n\nศาลากลางจังหวัดน่าน\n\n5 มกราคม 2567\n", id="external-letter"),
])
def test_letter_date_of_memo_and_letter(head):
    (d,) = extract_dates(head + "เรื่อง ขอเชิญประชุม\nเรียน นายอำเภอ\n")
    assert (d.iso, d.role) == ("2024-01-05", "letter")


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("22/12/2565", ["2022-12-22"], id="numeric-be"),
    pytest.param("22-12-2565", ["2022-12-22"], id="numeric-dashes"),
    pytest.param("วันที่ 22/12/65", ["2022-12-22"], id="numeric-two-digit-after-label"),
    pytest.param("2022-12-22", ["2022-12-22"], id="iso"),
    pytest.param("1/1/2566 - 31/3/2566", ["2023-01-01/2023-03-31"], id="numeric-range"),
    pytest.param("15/1/67", [], id="numeric-two-digit-without-label"),
    pytest.param("12/22/2022", [], id="month-first-is-not-thai"),
    pytest.param("02-222-1141", [], id="phone"),
    pytest.param("ที่ มท 0204/12/2566", [], id="reference-with-year"),
])
def test_numeric_dates(text, expected):
    assert isos(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("๒๒ ธันวาคบ ๒๕๖๕", ["2022-12-22"], id="december-last-letter"),
    pytest.param("วันที่ 9 พฤศจิกายห 2566 เวลา", ["2023-11-09"], id="november"),
    pytest.param("5 มกราคบ พ.ศ. 2566", ["2023-01-05"], id="with-phoso"),
    pytest.param("๓ มิถนายน ๒๕๖๖", ["2023-06-03"], id="lost-vowel"),
    pytest.param("5 ธนาคาร 2566", [], id="bank-is-no-month"),
    pytest.param("3 คนาคม 2566", [], id="two-edits-away"),
    pytest.param("12 โครงการ 2566", [], id="unit-word"),
    pytest.param("31 กุมภาพันธุ์ 2566", [], id="fuzzy-but-impossible"),
])
def test_ocr_damaged_month_names(text, expected):
    found = extract_dates(thai_digits_to_arabic(text))
    assert [d.iso for d in found] == expected
    assert all(0.8 <= d.confidence < 1.0 for d in found)


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("ในวันที่ ๑๕ และ ๑๖ มกราคม ๒๕๖๗", ["2024-01-15", "2024-01-16"], id="two-days"),
    pytest.param("วันที่ 5, 6 และ 7 มี.ค. 66", ["2023-03-05", "2023-03-06", "2023-03-07"], id="three-days"),
    pytest.param("ไตรมาสที่ 2 และ 1 ม.ค. 66", ["2023-01-01"], id="quarter-number-is-no-day"),
    pytest.param("ครั้งที่ 2 และ 5 มี.ค. 66", ["2023-03-05"], id="meeting-number-is-no-day"),
    pytest.param("วันที่ 30 และ 31 ก.พ. 66", [], id="impossible-listed-days"),
])
def test_listed_days_share_month_and_year(text, expected):
    assert isos(text) == expected


# Issue 14: the shapes real writing uses that a one-line, space-joined pattern missed.
@pytest.mark.issue(14)
@pytest.mark.parametrize(("text", "expected"), [
    # two-digit Buddhist-Era year after a full month name, in running text
    pytest.param("เมื่อวันที่ 2 มีนาคม 61 ที่ผ่านมา", ["2018-03-02"], id="full-month-two-digit-year"),
    pytest.param("ลงวันที่ ๒ พฤศจิกายน ๖๖", ["2023-11-02"], id="full-month-two-digit-year-thai-digits"),
    pytest.param("เมื่อวันที่ 2 มีนาคม 61 กลุ่มเกษตรกรได้ประชุม", ["2018-03-02"],
                 id="unit-word-opening-the-next-clause-leaves-the-year"),
    pytest.param("5 มีนาคม 10 คน", [], id="unit-after-two-digits-is-a-count"),
    pytest.param("ตารางการประชุม 5 มีนาคม 10 โมงเช้า", [], id="hour-after-two-digits-is-a-time"),
    pytest.param("วันที่ 5 มีนาคม 10:30", [], id="clock-time-after-full-month"),
    pytest.param("ภายใน 5 มีนาคม 10,000 คน", [], id="grouped-number-after-full-month"),
    # parts joined by one hyphen or underscore, the same on both sides
    pytest.param("รายงานผลการฝึกอบรม 15-ส.ค.-62", ["2019-08-15"], id="hyphen-joined-abbr"),
    pytest.param("สรุปประชุม_8_มี.ค._2567.docx", ["2024-03-08"], id="underscore-joined-file-name"),
    pytest.param("รายงาน 15-สิงหาคม-2562", ["2019-08-15"], id="hyphen-joined-full-month"),
    pytest.param("๑๕-ส.ค.-๖๒", ["2019-08-15"], id="hyphen-joined-thai-digits"),
    pytest.param("15 ส.ค.-62", [], id="space-then-hyphen-is-no-join"),
    pytest.param("15-ส.ค._62", [], id="mixed-joiners-are-no-join"),
    pytest.param("(1 ม.ค.-31 มี.ค. 66)", ["2023-01-01/2023-03-31"], id="dash-between-dates-is-a-range-not-a-join"),
    # a day or day range after วันที่ whose month and year PDF text wrapped to the next line
    pytest.param("ระหว่างวันที่ 3 – 9\n\nกุมภาพันธ์ 2564 ณ ห้องประชุม", ["2021-02-03/2021-02-09"],
                 id="day-range-wrapped-after-blank-line"),
    pytest.param("ภายในวันที่ ๘\nมกราคม ๒๕๖๗", ["2024-01-08"], id="day-wrapped"),
    pytest.param("ระหว่างวันที่ 28 –\n\n30 มีนาคม 2564", ["2021-03-28/2021-03-30"], id="day-range-wrapped-after-its-dash"),
    pytest.param("วันที่ 1 - 3\nมี.ค. 67", ["2024-03-01/2024-03-03"], id="wrapped-abbr-month-two-digit-year"),
    pytest.param("ในวันที่ 5 มีนาคม\n2567 ณ ศาลากลาง", ["2024-03-05"], id="year-wrapped"),
    pytest.param("จำนวน 3 – 9\n\nกุมภาพันธ์ 2564", [], id="without-wanthi-a-number-ending-a-line-is-no-day"),
    pytest.param("ในวันที่ 5 มีนาคม\n25 คน", [], id="two-digits-opening-a-line-are-no-year"),
    pytest.param("วันที่ 3\n\n\n\n\nกุมภาพันธ์ 2564", [], id="too-many-blank-lines"),
    # ranges that cross a year, or wrap at their dash
    pytest.param("ปิดทำการ ๒๕ ธ.ค. ๖๖ – ๕ ม.ค. ๖๗", ["2023-12-25/2024-01-05"], id="range-crossing-a-year"),
    pytest.param("ระหว่างวันที่ 25 ธันวาคม 66 ถึง 5 มกราคม 67", ["2023-12-25/2024-01-05"],
                 id="range-crossing-a-year-full-months-two-digit-years"),
    pytest.param("ตั้งแต่ 1 ม.ค. 2566 ถึง 31 มี.ค.", ["2023-01-01/2023-03-31"], id="range-with-the-start-year-only"),
    pytest.param("ตั้งแต่ 20 ธ.ค. 2566 ถึง 10 ม.ค.", ["2023-12-20/2024-01-10"], id="start-year-only-crossing"),
    pytest.param("25 ธ.ค. 66 -\n5 ม.ค. 67", ["2023-12-25/2024-01-05"], id="range-wrapped-after-its-dash"),
    pytest.param("วันที่ 5 ม.ค. 66\n- 31 มี.ค. 66 ประชุม", ["2023-01-05", "2023-03-31"],
                 id="dash-opening-a-line-is-a-bullet"),
])
def test_issue14_shapes(text, expected):
    assert isos(text) == expected


@pytest.mark.issue(14)
def test_wrapped_date_spans_its_lines_and_keeps_its_weekday():
    text = "กำหนดจัดในวันศุกร์ที่ 3\n\nกุมภาพันธ์ 2566 ณ ห้องประชุม"
    (d,) = extract_dates(text)
    assert d.text == text[d.start:d.end] == "วันศุกร์ที่ 3\n\nกุมภาพันธ์ 2566"
    assert d.iso == "2023-02-03" and d.confidence == 1.0


_WRAP_BITS = ["วันที่ ", "3", "15", " – ", "\n", "\n\n", "กุมภาพันธ์", " 2564", " 64", "-", "_", "ส.ค.", "62",
              " คน", "วันศุกร์ที่ ", " ถึง "]


@pytest.mark.issue(14)
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WRAP_BITS), max_size=20).map("".join))
def test_new_shapes_never_raise_and_spans_match(text):
    for d in extract_dates(text):
        assert d.text == text[d.start:d.end]
        parts = d.iso.split("/")
        assert parts == sorted(set(parts))
