"""SDGs named by number in an SDG context, or by their title (fuzzy, OCR noise allowed)."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban import corpus
from saraban.extractors import goals as goals_module
from saraban.extractors.goals import TITLE_CUTOFF, extract_goals
from saraban.normalizers import thai_digits_to_arabic


def goals(text: str) -> list[int]:
    return sorted({g.goal for g in extract_goals(thai_digits_to_arabic(text))})


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("เป้าหมายหลักที่ ๑ ยุติความยากจน", [1], id="main-goal-thai-digits"),
    pytest.param("(1) เป้าหมายหลักที่ 2 (การขจัดความหิวโหย) จำนวน 106 โครงการ", [2], id="main-goal-with-short-name"),
    pytest.param("สอดคล้องกับ SDG 11", [11], id="sdg-n"),
    pytest.param("SDGs ที่ 3 และ 4", [3, 4], id="sdg-list"),
    pytest.param("the SDGs, in particular Goal 5 and Goal 13", [5, 13], id="english-goal-n"),
    pytest.param("เป้าหมายการพัฒนาที่ยั่งยืน (SDGs) ทั้ง ๑๗ ข้อ โดยเฉพาะอย่างยิ่งข้อที่ ๑๗", [17], id="clause-17-after-all-17"),
    pytest.param("ตามเป้าหมายการพัฒนาที่ยั่งยืน เป้าหมายที่ 6", [6], id="target-n-in-context"),
    pytest.param("6.6 เป้าหมายการพัฒนาที่ยั่งยืน (SDGs) ยุติความยากจนทุกรูปแบบในทุก ที่", [1], id="long-title-ocr-space"),
    pytest.param("เสริมความแข็งแกร่งให้แก่กลไกการดำเนินงาน และฟื้นฟูหุ้นส่วนความร่วมมือระดับโลก เพื่อการพัฒนาที่ยั่งยืน",
                 [17], id="goal-17-moi-wording"),
    pytest.param("ยุติความหิวโหย บรรลุความมั่นคงทางอาหาร ยกระดับโภชนาการ และส่งเสริมเกษตรกรรมที่ยั่งยืน", [2], id="goal-2-long"),
    pytest.param("ยุติความหิวโหย บรรลุความมั่นคงทางอาหาร ยกระดบโภชนาการ และสงเสริมเกษตรกรรมที่ยงยืน", [2], id="goal-2-marks-lost"),
    pytest.param("ส่งเสริมสังคมที่สงบสุขและครอบคลุมเพื่อการพัฒนาที่ยั่งยืน ให้ทุกคนเข้าถึงความยุติธรรม "
                 "และสร้างสถาบันที่มีประสิทธิผล รับผิดชอบ และครอบคลุมในทุกระดับ", [16], id="goal-16-long"),
    pytest.param("อนุรักษ์และใช้ประโยชน์จากมหาสมุทร ทะเล และทรัพยากรทางทะเลอย่างยั่งยืน", [14], id="goal-14-long"),
    pytest.param("Goal 7: Affordable and Clean Energy", [7], id="english-short-name"),
    pytest.param("Ensure healthy lives and promote well-being for all at all ages", [3], id="english-long"),
    pytest.param("Take urgent action to combat climate change and its impacts", [13], id="english-long-13"),
    pytest.param("โครงการด้านน้ำสะอาดและการสุขาภิบาล", [6], id="thai-short-name-6"),
    pytest.param("การศึกษาที่มีคุณภาพ", [4], id="thai-short-name-4"),
    pytest.param("SDG4 และ SDG 13", [4, 13], id="sdg-glued"),
    pytest.param("เป้าหมาย SDG ที่ 6", [6], id="sdg-thai-order"),
    pytest.param("SDG 3-5", [3, 4, 5], id="range"),
    # not goal mentions
    pytest.param("ขับเคลื่อน SDGs ทั้ง 17 เป้าหมาย", [], id="all-17-goals"),
    pytest.param("ครอบคลุม SDGs 1-17", [], id="range-of-all-17"),
    pytest.param("the 17 Sustainable Development Goals", [], id="all-17-goals-english"),
    pytest.param("SDG 17 เป้าหมาย 169 เป้าหมายย่อย", [], id="17-goals-count"),
    pytest.param("แก้ไขปัญหาความยากจน ๕๕๔ โครงการ", [], id="poverty-topic"),
    pytest.param("ผู้ทรงคุณวุฒิด้านการเปลี่ยนแปลงสภาพภูมิอากาศ", [], id="climate-change-topic"),
    pytest.param("การจัดการขยะและน้ำเสีย", [], id="waste-topic"),
    pytest.param("poverty alleviation, food security, housing, gender equality", [], id="english-topics"),
    pytest.param("Quality education is the key. Climate action now.", [], id="english-topic-opening-a-sentence"),
    pytest.param("CLIMATE ACTION", [13], id="english-short-name-upper-case"),
    pytest.param("ตามระเบียบ ข้อที่ 5 และเป้าหมายที่ 2 ของโครงการ", [], id="clause-without-sdg-context"),
    pytest.param("กรมทรัพยากรทางทะเลและชายฝั่ง", [], id="department-name"),
    pytest.param("SDG 11.7", [], id="target-is-not-a-goal-by-number"),
    pytest.param("SDGs\n\n3 ระดับ", [], id="number-on-another-line"),
])
def test_goals(text, expected):
    assert goals(text) == expected


def test_title_match_confidence_is_the_score():
    (g,) = [g for g in extract_goals("ยุติความยากจนทุกรูปแบบในทุก ที่") if g.how == "title"]
    assert g.goal == 1 and g.confidence == 1.0 and g.text == "ยุติความยากจนทุกรูปแบบในทุก ที่"
    (h,) = extract_goals("ยุติความยากจนทุกรูปแบบในทก ที")
    assert h.goal == 1 and TITLE_CUTOFF / 100 <= h.confidence < 1.0


def test_cutoff_measured_on_noisy_titles():
    """The cut-off keeps >= 95% of noisy titles and matches no non-goal sentence (bench/goal_cutoff.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import goal_cutoff

    pos = goal_cutoff.positives(random.Random(3), per_title=6)
    hit = sum(any(m.goal == goal for m in goals_module._by_title(s)) for s, goal in pos)
    assert hit / len(pos) >= 0.95
    assert not [s for s in goal_cutoff.TOPICS if goals_module._by_title(s)]


@pytest.mark.parametrize("goal", corpus.goals(), ids=lambda g: f"goal-{g['goal']}")
def test_every_title_finds_its_goal(goal):
    for key in ("th_short", "th_long", "en_short", "en_long"):
        assert goal["goal"] in goals(f"โครงการนี้ {goal[key]} ตามแผน"), key


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("SDGเป้าหมายหลักที่ข้อ 0123456789,และGoalยุติความยากจน")), max_size=60))
def test_never_raises_and_spans_point_at_text(text):
    for g in extract_goals(text):
        assert text[g.start:g.end] == g.text
        assert 1 <= g.goal <= 17


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_string(text):
    for g in extract_goals(text):
        assert text[g.start:g.end] == g.text


_FILLER = " คณะทำงานได้วิเคราะห์ปัญหาในพื้นที่อย่างรอบด้านและรับฟังความเห็นจากประชาชนทุกกลุ่ม" * 6  # ~480 characters


# Issue 14: goal-number lists, English and Thai, and the paragraph as the SDG context.
@pytest.mark.issue(14)
@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("The programme supports SDG 4, 6, and 15.", [4, 6, 15], id="english-list-oxford-comma"),
    pytest.param("local enterprise (SDGs 2 and 9) through funds", [2, 9], id="english-list-in-brackets"),
    pytest.param("Goals 3, 4 & 5 of the SDGs", [3, 4, 5], id="english-goals-ampersand"),
    pytest.param("ตามกรอบ SDGs ให้น้ำหนักกับเป้าหมายที่ 2, 5 และ 9", [2, 5, 9], id="thai-list"),
    pytest.param("ตามกรอบ SDGs ให้น้ำหนักกับเป้าหมายที่ ๒, ๕, และ ๙", [2, 5, 9], id="thai-list-comma-and"),
    pytest.param("ตามกรอบ SDGs จัดลำดับความสำคัญไว้ที่เป้าหมายที่ 14-16", [14, 15, 16], id="thai-range"),
    # the SDG words are in the paragraph, farther than the window
    pytest.param("แผนฟื้นฟูจัดทำตามกรอบเป้าหมายการพัฒนาที่ยั่งยืน" + _FILLER + " โดยเน้นเป้าหมายที่ 14-16",
                 [14, 15, 16], id="sdg-words-far-back-in-the-paragraph"),
    pytest.param("แผนฟื้นฟูจัดทำตามกรอบเป้าหมายการพัฒนาที่ยั่งยืน" + _FILLER + "\n\nแผนกำหนดเป้าหมายที่ 1 ลดขยะ",
                 [], id="plan-target-in-the-next-paragraph"),
    pytest.param("แผนฟื้นฟูจัดทำตามกรอบเป้าหมายการพัฒนาที่ยั่งยืน" + _FILLER + " ตามข้อที่ 2 ของระเบียบ",
                 [], id="clause-number-needs-sdg-words-close-by"),
    pytest.param("แผนปฏิบัติการจังหวัด กำหนดเป้าหมายที่ 2, 5 และ 9", [], id="thai-list-without-sdg-context"),
    pytest.param("SDG 17 goals and 169 targets", [], id="count-of-goals"),
])
def test_issue14_goal_lists(text, expected):
    assert goals(text) == expected


@pytest.mark.issue(14)
def test_each_listed_goal_is_its_own_record():
    text = "supports SDG 6, 13, and 15"
    found = extract_goals(text)
    assert [(g.goal, g.text) for g in found] == [(6, "SDG 6"), (13, "13"), (15, "15")]
    assert all(text[g.start:g.end] == g.text for g in found)


@pytest.mark.issue(14)
def test_goals_named_in_a_paragraph():
    text = "๒. การศึกษาที่มีคุณภาพ\nส่งเสริมให้เด็กทุกคนเรียนจบ (4.1)\n\n๓. การบริหารงบประมาณ ข้อ 4 (4.2)"
    first = text.index("\n\n")
    assert goals_module.goals_named_in(text, 0, first) == {4}
    assert goals_module.goals_named_in(text, first, len(text)) == set()


@pytest.mark.issue(14)
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["SDG ", "SDGs ", "เป้าหมายที่ ", "Goals ", "4", "15", ", ", " and ", "และ", "-",
                                 "&", "\n\n", " ", "ข้อที่ ", "เป้าหมายการพัฒนาที่ยั่งยืน"]), max_size=20).map("".join))
def test_lists_never_raise_and_spans_point_at_text(text):
    for g in extract_goals(text):
        assert text[g.start:g.end] == g.text
        assert 1 <= g.goal <= 17
