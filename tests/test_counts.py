"""Counts: a number and the counting unit it quantifies, with what it counts where the line says."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban import corpus
from saraban.extractors.counts import extract_counts
from saraban.normalizers import thai_digits_to_arabic


def counts(text: str) -> list[tuple[int, str]]:
    return [(c.value, c.unit) for c in extract_counts(thai_digits_to_arabic(text))]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("ผู้เข้าร่วม รวมจำนวน ๓๑๕ คน", [(315, "คน")], id="people"),
    # ปีงบประมาณ (fiscal year) ends like ประมาณ (about): the year after it counts nothing
    pytest.param("ผลงานปีงบประมาณ ๒๕๖๗ จังหวัดน่าน", [], id="fiscal-year-is-no-count"),
    pytest.param("ผู้ได้รับแจ้ง ประมาณ ๒๕๐๐ คน", [(2500, "คน")], id="about-2500-people-counts"),
    # หมวด (chapter) labels the number after it
    pytest.param("ตามระเบียบ หมวด ๓ ข้อ ๑๒", [], id="chapter-label"),
    pytest.param("แนวทาง ๓ ข้อ", [(3, "ข้อ")], id="three-items-count"),
    pytest.param("กลุ่มเป้าหมายจาก ๘๗๘ อำเภอ ๆ ละ ๑๐ คน", [(878, "อำเภอ"), (10, "คน")], id="each-of"),
    pytest.param("ทั้ง 7,255 ตำบล มากกว่า 75,000 หมู่บ้าน", [(7255, "ตำบล"), (75000, "หมู่บ้าน")], id="commas"),
    pytest.param("ในจำนวน ๗,๘๔๙ อปท.", [(7849, "องค์กรปกครองส่วนท้องถิ่น")], id="opt-alias"),
    pytest.param("ใน 7,849 องค์กรปกครองส่วนท้องถิ่น", [(7849, "องค์กรปกครองส่วนท้องถิ่น")], id="local-government"),
    pytest.param("ทีม 7 ภาคีเครือข่าย", [(7, "ภาคี")], id="compound-head"),
    pytest.param("ใน ๑๕ จังหวัดนำร่อง", [(15, "จังหวัด")], id="compound-head-2"),
    pytest.param("ใน ๒ เป้าหมายหลัก (Goals)", [(2, "เป้าหมาย")], id="compound-head-3"),
    pytest.param("ใน ๑๕ เป้าหมายย่อย ได้แก่", [(15, "เป้าหมายย่อย")], id="longest-unit-first"),
    pytest.param("ฐานข้อมูล 15 ล้านครัวเรือน", [(15000000, "ครัวเรือน")], id="million-multiplies"),
    pytest.param("จาก 23 ล้านเลขที่บ้าน", [(23000000, "เลขที่บ้าน")], id="million-house-numbers"),
    pytest.param("ประชากร 1.5 ล้านคน", [(1500000, "คน")], id="decimal-million"),
    pytest.param("จำนวน ๓,๑๔๐ ตันคาร์บอนไดออกไซด์เทียบเท่า", [(3140, "ตัน")], id="tonnes-compound"),
    pytest.param("“๗๖ จังหวัด ๗๖ คำมั่นสัญญา”", [(76, "จังหวัด"), (76, "คำมั่นสัญญา")], id="slogan"),
    pytest.param("ธนาคารขยะ ๑๔,๖๕๘ แห่ง", [(14658, "แห่ง")], id="places"),
    pytest.param("๗๖ จังหวัด ๗๖ คำมันสัญญา", [(76, "จังหวัด"), (76, "คำมั่นสัญญา")], id="unit-tone-mark-lost"),
    pytest.param("ไม่ใช่ ๓ ขอมูล แต่ ๓ ขอ", [(3, "ข้อ")], id="non-head-tone-mark-lost"),
    pytest.param("ตัวชี้วัด 35 ตัวชี้วัด", [(35, "ตัวชี้วัด")], id="indicators"),
    pytest.param("แบ่งเป็น ๘ รุ่น ณ ๑๑ ศูนย์", [(8, "รุ่น"), (11, "ศูนย์")], id="batches-centres"),
    pytest.param("จำแนกเป็น ๕ ประเภท ๓ ระดับ ๖ ด้าน", [(5, "ประเภท"), (3, "ระดับ"), (6, "ด้าน")], id="kinds-levels-aspects"),
    pytest.param("๑๒ หน่วยงาน ๔ องค์ประกอบ ๖ กลุ่ม", [(12, "หน่วยงาน"), (4, "องค์ประกอบ"), (6, "กลุ่ม")], id="agencies"),
    pytest.param("ทั้ง ๑๗ ข้อ", [(17, "ข้อ")], id="items"),
    pytest.param("ทั้งหมด 250 ครัวเรือน ใน 3 หมู่บ้าน", [(250, "ครัวเรือน"), (3, "หมู่บ้าน")], id="households-villages"),
    pytest.param("จำนวนโครงการตามแผน ประจำปี มีจำนวน ๗๔๒", [(742, "โครงการ")], id="unit-before-number"),
    pytest.param("ผู้เข้าร่วม จำนวน 2030 คน", [(2030, "คน")], id="year-like-quantity-after-jamnuan"),
    pytest.param("คิดเป็น 2,566 โครงการ", [(2566, "โครงการ")], id="thousands-comma-is-not-a-year"),
    pytest.param("หน่วยงานที่ร่วมโครงการ จำนวนทั้งสิ้น 45\n", [], id="unit-not-tied-to-number"),
    pytest.param("SDG 13 ในพื้นที่ ๒๖ อำเภอ ๑๙๙ ตำบล", [(26, "อำเภอ"), (199, "ตำบล")], id="area-word-ending-in-thi"),
    pytest.param("ให้เจ้าหน้าที่ 4 คน ณ สถานที่ 2 แห่ง", [(4, "คน"), (2, "แห่ง")], id="staff-and-place-words"),
    # not counts
    pytest.param("ณ ห้องประชุม ESCAP Hall ชั้น ๒ ศูนย์ประชุม", [], id="floor"),
    # OCR drops tone marks: the unit and the label are still known
    pytest.param("ณ ห้องประชุม ESCAP Hall ชัน ๒ ศูนย์ประชุม", [], id="floor-tone-mark-lost"),
    pytest.param("๑) โครงการอำเภอเมือง", [], id="list-marker"),
    pytest.param("1. โครงการถังขยะเปียก", [], id="list-marker-dot"),
    pytest.param("6.6 เป้าหมายการพัฒนาที่ยั่งยืน", [], id="section-number"),
    pytest.param("กลุ่มที่ ๑ ระบบอาหาร", [], id="ordinal"),
    pytest.param("หมู่ 5 ตำบลท่าทอง อำเภอเมือง", [], id="address"),
    pytest.param("เลขที่ 99 หมู่บ้านสุขสันต์", [], id="house-number"),
    pytest.param("ปี 2566 โครงการใหม่", [], id="year"),
    pytest.param("ร้อยละ 20 คน", [], id="percentage"),
    pytest.param("ครั้งที่ 1/2563 จังหวัด", [], id="meeting-number"),
    pytest.param("ส่งมาด้วย จำนวน ๑ ชุด", [], id="not-a-unit"),
    pytest.param("ตาม 5 ข้อมูล", [], id="word-starting-with-a-unit"),
    pytest.param("(2.5 ระดับ)", [], id="fraction-is-not-a-count"),
    pytest.param("วงเงิน 500 บาท", [], id="money"),
    pytest.param("วาระ 2030 เป้าหมายการพัฒนา", [], id="year-ce"),
    pytest.param("ภายใน 31 มี.ค. 66 จังหวัดต้องรายงาน", [], id="two-digit-year-of-a-date"),
    pytest.param("เมื่อ 5 มิถุนายน 15 จังหวัด", [], id="number-after-a-month"),
    pytest.param("แผนปี 2566 2567 โครงการใหม่", [], id="year-be"),
    pytest.param("บ้านเลขที่ 12 หมู่ 4 ตำบลวังทอง อำเภอวังทอง", [], id="address-line"),
])
def test_counts(text, expected):
    assert counts(text) == expected


@pytest.mark.parametrize("unit", corpus.units())
def test_every_unit(unit):
    assert counts(f"ทั้งสิ้น 12 {unit} ในพื้นที่") == [(12, corpus.unit_aliases().get(unit, unit))]


def test_region_subject():
    (c,) = extract_counts("- ภาคเหนือ จำนวน ๒๘๗ โครงการ")
    assert (c.value, c.unit, c.subject, c.subject_kind) == (287, "โครงการ", "ภาคเหนือ", "region")


def test_goal_subject():
    (c,) = extract_counts(" - (1) เป้าหมายหลักที่ 2 (การขจัดความหิวโหย) จำนวน 106 โครงการ")
    assert (c.value, c.goal, c.subject_kind) == (106, 2, "goal")


def test_category_subject_and_percent():
    (c,) = extract_counts(thai_digits_to_arabic("- แก้ไขปัญหาความยากจน ๕๕๔ โครงการ (ร้อยละ ๖๓.๑๐)"))
    assert (c.value, c.subject, c.subject_kind, c.percent) == (554, "แก้ไขปัญหาความยากจน", "category", 63.10)


def test_category_on_the_line_above():
    text = "- โครงการประเภทบริหารจัดการน้ำอย่างยั่งยืน\nจำนวน 170 โครงการ คิดเป็นร้อยละ 19.36"
    (c,) = extract_counts(text)
    assert (c.subject, c.percent) == ("โครงการประเภทบริหารจัดการน้ำอย่างยั่งยืน", 19.36)


def test_province_subject():
    (c,) = extract_counts("- จังหวัดเชียงใหม่ จำนวน 20 โครงการ")
    assert (c.subject, c.subject_kind) == ("เชียงใหม่", "province")


def test_no_subject_from_a_sentence_with_numbers():
    c = extract_counts("๕. ผลการประเมิน อยู่ในระดับ 4 จากทั้งหมด 5 ระดับ คิดเป็นร้อยละ 80")[-1]
    assert (c.value, c.unit, c.subject, c.percent) == (5, "ระดับ", None, 80.0)


def test_no_subject_in_running_text():
    (c,) = extract_counts("แบ่งการอบรมออกเป็น ๘ รุ่น ทั่วประเทศ")
    assert c.subject is None and c.goal is None


def test_span():
    text = "จาก 15 ล้านครัวเรือนในแพลตฟอร์ม"
    (c,) = extract_counts(text)
    assert text[c.start:c.end] == c.text == "15 ล้านครัวเรือน"


PIECES = [*"0123456789,. -()\n", "จำนวน", "โครงการ", "คน", "ล้าน", "ภาคเหนือ", "อปท.", "ที่", "ร้อยละ",
          "ภาคีเครือข่าย", "- ", "เป้าหมายหลักที่ ", "ระดับ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_never_raises_and_spans_point_at_text(text):
    for c in extract_counts(text):
        assert text[c.start:c.end] == c.text
        assert c.value >= 0 and c.unit in corpus.units()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_string(text):
    for c in extract_counts(text):
        assert text[c.start:c.end] == c.text


# Issue 14: numbers in Thai words, and English counts with English units.
@pytest.mark.issue(14)
@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("มีหมู่บ้านเข้าร่วมโครงการสองร้อยหมู่บ้าน", [(200, "หมู่บ้าน")], id="thai-words-hundreds"),
    pytest.param("ครัวเรือนเป้าหมายหนึ่งพันสามร้อยครัวเรือน", [(1300, "ครัวเรือน")], id="thai-words-thousands"),
    pytest.param("ผ่านการอบรมแล้วเก้าร้อยห้าสิบ คน", [(950, "คน")], id="thai-words-space-before-unit"),
    pytest.param("จัดตั้งศูนย์เรียนรู้เพิ่มขึ้นสิบสองศูนย์", [(12, "ศูนย์")], id="unit-that-is-also-a-number-word"),
    pytest.param("คณะกรรมการมีสามคน", [(3, "คน")], id="thai-words-after-a-verb"),
    pytest.param("สามจังหวัดชายแดนภาคใต้", [(3, "จังหวัด")], id="thai-words-compound-unit"),
    pytest.param("ประชาชนหลายพันคน", [], id="thousands-of-people-is-vague"),
    pytest.param("นับร้อยคนและหลายสิบหมู่บ้าน", [], id="hundreds-and-tens-are-vague"),
    pytest.param("อีกสองสามแห่งอยู่ระหว่างปรับปรุง", [], id="two-or-three-is-vague"),
    pytest.param("ผู้สูงอายุร้อยละสามสิบ", [], id="share-in-words"),
    pytest.param("ได้มอบเก้าอี้ให้ศูนย์", [], id="chair-is-no-nine"),
    pytest.param("โครงการหนึ่งตำบลหนึ่งผลิตภัณฑ์", [], id="one-is-an-article-or-a-slogan"),
    pytest.param("สามารถดำเนินการได้ทุกคน", [], id="word-beginning-with-three"),
    # English
    pytest.param("it reached 1,250 villages and 38,400 households", [(1250, "หมู่บ้าน"), (38400, "ครัวเรือน")],
                 id="english-villages-households"),
    pytest.param("in all 76 provinces and 878 districts", [(76, "จังหวัด"), (878, "อำเภอ")], id="english-provinces"),
    pytest.param("920 people from 112 subdistricts", [(920, "คน"), (112, "ตำบล")], id="english-people"),
    pytest.param("over 2,000 participants", [(2000, "คน")], id="english-participants"),
    pytest.param("27 local administrative organizations co-financed", [(27, "องค์กรปกครองส่วนท้องถิ่น")],
                 id="english-multiword-unit"),
    pytest.param("over 1.2 million people", [(1200000, "คน")], id="english-million"),
    pytest.param("17 Goals and 169 Targets", [(17, "เป้าหมาย"), (169, "เป้าหมายย่อย")], id="english-capitalised"),
    pytest.param("Phase 2 villages will be chosen", [], id="english-label-before"),
    pytest.param("SDG 6 targets", [], id="english-goal-number-before-targets"),
    pytest.param("plans for 2024 villages", [], id="english-year"),
    pytest.param("2.5 villages", [], id="english-fraction"),
])
def test_issue14_counts(text, expected):
    assert counts(text) == expected


@pytest.mark.issue(14)
def test_word_and_english_spans():
    text = "ผู้นำหนึ่งพันสามร้อยคน and 1,250 villages"
    found = extract_counts(text)
    assert [c.text for c in found] == ["หนึ่งพันสามร้อยคน", "1,250 villages"]
    assert all(text[c.start:c.end] == c.text for c in found)


@pytest.mark.issue(14)
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["สอง", "ร้อย", "หนึ่ง", "พัน", "สิบ", "ศูนย์", "คน", "หมู่บ้าน", "หลาย", " ",
                                 "1,250", "2", " villages", " people", "Phase ", " million", "ละ"]), max_size=20).map("".join))
def test_words_and_english_never_raise_and_spans_point_at_text(text):
    for c in extract_counts(text):
        assert text[c.start:c.end] == c.text
        assert c.value >= 0 and c.unit in corpus.units()
