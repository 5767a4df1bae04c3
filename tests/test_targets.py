"""SDG targets: N.M / N.x in an SDG context; outline numbers, times and amounts are not."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban.extractors.targets import extract_targets
from saraban.normalizers import thai_digits_to_arabic


def targets(text: str) -> list[tuple[str, bool]]:
    return [(t.target, t.valid) for t in extract_targets(thai_digits_to_arabic(text))]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("เป้าหมายย่อยที่ ๑.๑ / ๑.๒ / ๕.B", [("1.1", True), ("1.2", True), ("5.b", True)], id="thai-list-slashes"),
    pytest.param("ใน ๑๕ เป้าหมายย่อย ได้แก่ เป้าหมายย่อยที่ ๑๑.A / ๑๑.C / ๑๖.๙",
                 [("11.a", True), ("11.c", True), ("16.9", True)], id="letters-lowercased"),
    pytest.param("SDG target 11.7 and 11.8", [("11.7", True), ("11.8", False)], id="invalid-kept-and-flagged"),
    pytest.param("สอดคล้องกับ SDG 6.1", [("6.1", True)], id="sdg-prefix"),
    pytest.param("เป้าหมายย่อย C2\n\n\t1.1, 1.2\n\t3.6\n\t13.C, 13.1",
                 [("1.1", True), ("1.2", True), ("3.6", True), ("13.c", False), ("13.1", True)], id="table-under-heading"),
    pytest.param("Targets 4.1, 4.2 and 4.a", [("4.1", True), ("4.2", True), ("4.a", True)], id="english-list"),
    pytest.param("ตัวชี้วัด 3.4 และ 3.9 (SDG targets)", [("3.4", True), ("3.9", True)], id="context-after-list"),
    pytest.param("เป้าประสงค์ 14.1", [("14.1", True)], id="thai-target-synonym"),
    pytest.param("เป้าหมายย่อย\n1.1 ขจัดความยากจนขั้นรุนแรงสำหรับประชาชนทุกคน\n1.2 ลดสัดส่วนของชาย หญิง และเด็ก\n",
                 [("1.1", True), ("1.2", True)], id="statements-under-a-header"),
    pytest.param("ยุทธศาสตร์\n4.1 สร้างหลักประกันว่าเด็กทุกคนสำเร็จการศึกษาระดับประถมศึกษา ภายในปี 2573",
                 [("4.1", True)], id="statement-by-2030"),
    pytest.param("Targets:\n13.1 Strengthen resilience and adaptive capacity\n13.2 Integrate climate change measures",
                 [("13.1", True), ("13.2", True)], id="english-statements"),
    # not targets
    pytest.param("6.6 เป้าหมายการพัฒนาที่ยั่งยืน (SDGs) ยุติความยากจน", [], id="outline-heading"),
    pytest.param("6. แผน\n6.1 ยุทธศาสตร์ชาติ ด้านการสร้างการเติบโต\n6.2 แผนแม่บท SDGs", [], id="outline-block"),
    pytest.param("2. การขับเคลื่อน SDGs\n2.1 การประชาสัมพันธ์ภารกิจ\n2.2 การประชุมหุ้นส่วน", [], id="outline-under-sdg-heading"),
    pytest.param("2.1 การประชาสัมพันธ์ภารกิจกระทรวงมหาดไทย SDGs", [], id="outline-heading-2"),
    pytest.param("SDGs เวลา 13.30 น.", [], id="time"),
    pytest.param("SDGs 13.00 – 16.45 น.", [], id="time-range"),
    pytest.param("SDGs ร้อยละ 6.26", [], id="percentage"),
    pytest.param("SDGs กว่า 2.5 ล้านบาท", [], id="amount"),
    pytest.param("SDGs ที่ มท 0204.4/ว 10104", [], id="reference-digits"),
    pytest.param("การปรับปรุงตามข้อ 1.1 และ 1.2", [], id="no-sdg-context"),
    pytest.param("SDG ตามข้อ 2.1", [], id="clause-number"),
    pytest.param("SDGs 18.1 และ 0.5", [], id="no-such-goal"),
    pytest.param("SDGs (2.0000 ระดับ 5)", [], id="decimal-score"),
    pytest.param("SDGs version 1.2", [], id="version"),
    pytest.param("UNDP 2.3 million baht ตามเป้าหมายย่อย 6.3", [("6.3", True)], id="english-amount-before-context"),
    pytest.param("พื้นที่ 3.5 ไร่ ตาม SDG", [], id="lone-number-needs-context-before"),
    pytest.param("SDGs ข้อ 1.1.2", [], id="three-level-outline"),
])
def test_targets(text, expected):
    assert targets(text) == expected


def test_target_names_its_goal():
    (t,) = extract_targets("SDG 11.7")
    assert (t.goal, t.text, t.start, t.end) == (11, "11.7", 4, 8)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,/ abcABC\nSDGเป้าหมายย่อยtarget")), max_size=60))
def test_never_raises_and_spans_point_at_text(text):
    for t in extract_targets(text):
        assert text[t.start:t.end] == t.text
        assert 1 <= t.goal <= 17 and t.target.startswith(f"{t.goal}.")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_string(text):
    for t in extract_targets(text):
        assert text[t.start:t.end] == t.text


_EDUCATION = ("๒. การศึกษาที่มีคุณภาพ\n"
              "          สำนักงานเร่งให้เด็กทุกคนเรียนจนจบชั้นประถมศึกษาและมัธยมศึกษาอย่างมีคุณภาพและเท่าเทียม"
              "โดยไม่เสียค่าใช้จ่ายภายในปี ๒๕๗๓ (๔.๑) ขยายโอกาสให้เด็กเล็กเข้าถึงการดูแลก่อนวัยเรียน (๔.๒) "
              "และปรับปรุงอาคารเรียนให้ปลอดภัยและรองรับผู้พิการ (๔.a)")


# Issue 14: a paragraph about one goal cites its targets in brackets; the paragraph is the context.
@pytest.mark.issue(14)
@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(_EDUCATION, [("4.1", True), ("4.2", True), ("4.a", True)], id="goal-title-heads-the-paragraph"),
    pytest.param("ตาม SDG 6 สำนักงานร่วมกับ อบต. จัดหาน้ำดื่มที่สะอาดและปลอดภัยให้โรงเรียนขนาดเล็กในพื้นที่ห่างไกล"
                 "ทุกแห่ง และติดตั้งเครื่องกรองน้ำพร้อมตรวจคุณภาพน้ำทุกภาคเรียน (6.1) และปรับปรุงห้องส้วมให้ถูกสุขลักษณะ (6.2)",
                 [("6.1", True), ("6.2", True)], id="goal-number-far-before"),
    pytest.param("๔. การรับมือการเปลี่ยนแปลงสภาพภูมิอากาศ\nโรงเรียนบรรจุเรื่องการปรับตัวไว้ในหลักสูตร (13.3, 13.1)",
                 [("13.3", True), ("13.1", True)], id="bracketed-list"),
    pytest.param("การศึกษาที่มีคุณภาพ: เด็กทุกคนเรียนจบชั้นประถมศึกษาภายในปี 2573 [4.1]", [("4.1", True)],
                 id="square-brackets"),
    pytest.param("Quality Education: all children complete primary school by 2030 (4.1) and early care (4.2)",
                 [("4.1", True), ("4.2", True)], id="english-paragraph"),
    # not targets: no goal N in the paragraph, a clause's own number, not one of the 169, another paragraph
    pytest.param(_EDUCATION + "\n\n๕. การเบิกจ่ายเป็นไปตามระเบียบกระทรวงการคลัง ข้อ ๔ (๔.๒) และหนังสือที่อ้างถึง (๒.๓)",
                 [("4.1", True), ("4.2", True), ("4.a", True)], id="next-paragraph-is-not-about-the-goal"),
    pytest.param("การศึกษาที่มีคุณภาพ: การเบิกจ่ายเป็นไปตามระเบียบ ข้อ ๔ (๔.๒)", [], id="clause-number-in-brackets"),
    pytest.param("การศึกษาที่มีคุณภาพ: ให้เด็กทุกคนได้เรียน (4.9)", [], id="not-one-of-the-169"),
    pytest.param("การศึกษาที่มีคุณภาพ: ให้เด็กทุกคนได้เรียน (5.1)", [], id="another-goals-number"),
    pytest.param("ให้จัดทำฐานข้อมูลตามแบบรายงานในภาคผนวก (3.1) และ (3.2)", [], id="appendix-numbers"),
    pytest.param("การศึกษาที่มีคุณภาพ: ให้เด็กทุกคนได้เรียน 4.1 และ 4.2", [], id="unbracketed-needs-a-target-word"),
])
def test_targets_cited_in_a_goal_paragraph(text, expected):
    assert targets(text) == expected


@pytest.mark.issue(14)
def test_cited_target_span_is_inside_the_brackets():
    text = "การศึกษาที่มีคุณภาพ ให้เด็กทุกคนเรียนจบภายในปี 2573 (4.1)"
    (t,) = extract_targets(text)
    assert (t.text, text[t.start - 1], text[t.end]) == ("4.1", "(", ")")


@pytest.mark.issue(14)
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["(", ")", "4.1", "4.2", "๔.๒", "13.3", " ", "\n\n", "ข้อ 4 ", "การศึกษาที่มีคุณภาพ",
                                 "SDG 6", "เป้าหมายที่ 4", ", "]), max_size=20).map("".join))
def test_cited_never_raises_and_spans_point_at_text(text):
    for t in extract_targets(thai_digits_to_arabic(text)):
        assert text[t.start:t.end].translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")) == t.text
