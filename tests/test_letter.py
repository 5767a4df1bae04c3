"""Letter fields: header labels, signatory, document type."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban.extractors.letter import extract_letter_fields
from saraban.extractors.registry import EXTRACTORS, extract_all
from saraban.normalizers import thai_digits_to_arabic


def fields(text: str) -> dict[str, str]:
    return {f.key: f.value for f in extract_letter_fields(text)}


LETTER = """ที่ ชม ๐๐๑๘.๒/ว ๑๒๓๔

ศาลากลางจังหวัดเชียงใหม่
ถนนโชตนา ชม ๕๐๓๐๐

๑๕ มกราคม ๒๕๖๗

เรื่อง : ขอเชิญร่วมประชุมคณะกรรมการขับเคลื่อนการพัฒนาที่ยั่งยืน
เรียน นายอำเภอทุกอำเภอ นายกองค์การบริหารส่วนจังหวัดเชียงใหม่
นายกเทศมนตรีนครเชียงใหม่

อ้างถึง หนังสือกระทรวงมหาดไทย ด่วนที่สุด ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ ลงวันที่ ๒๙ ธันวาคม ๒๕๖๕
สิ่งที่ส่งมาด้วย ๑. กำหนดการประชุม จำนวน ๑ ชุด
๒. แบบตอบรับ จำนวน ๑ ฉบับ
ด้วยจังหวัดเชียงใหม่กำหนดประชุมคณะกรรมการ ในวันที่ ๒๒ มกราคม ๒๕๖๗

จึงเรียนมาเพื่อโปรดทราบและพิจารณา

ขอแสดงความนับถือ

ลายมือชื่อ
(นายสมชาย ใจดี)
รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน
ผู้ว่าราชการจังหวัดเชียงใหม่

สำนักงานจังหวัด
โทร. ๐ ๕๓๑๑ ๒๒๓๓
"""


def test_full_letter():
    assert fields(LETTER) == {
        "subject": "ขอเชิญร่วมประชุมคณะกรรมการขับเคลื่อนการพัฒนาที่ยั่งยืน",
        "addressee": "นายอำเภอทุกอำเภอ นายกองค์การบริหารส่วนจังหวัดเชียงใหม่ นายกเทศมนตรีนครเชียงใหม่",
        "reference_to": "หนังสือกระทรวงมหาดไทย ด่วนที่สุด ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ ลงวันที่ ๒๙ ธันวาคม ๒๕๖๕",
        "enclosure": "๑. กำหนดการประชุม จำนวน ๑ ชุด ๒. แบบตอบรับ จำนวน ๑ ฉบับ",
        "signatory_name": "นายสมชาย ใจดี",
        "signatory_position": "รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน ผู้ว่าราชการจังหวัดเชียงใหม่",
        "document_type": "letter",
    }


def test_spans_are_the_values_in_the_text():
    # through the registry the extractor reads folded digits: values carry Arabic digits
    found = extract_all(LETTER, {"letter": EXTRACTORS["letter"]})["letter"]
    assert len(found) == 7
    for f in found:
        assert f.text == LETTER[f.start:f.end]
        if f.key != "document_type":
            assert thai_digits_to_arabic(" ".join(f.text.split())) == f.value


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("เรื่อง ขอส่งรายงาน\nเรียน นายอำเภอ\n", {"subject": "ขอส่งรายงาน", "addressee": "นายอำเภอ"},
                 id="subject"),
    pytest.param("เรื่อง: ขอส่งรายงาน\n\nขอแสดงความนับถือ\n", {"subject": "ขอส่งรายงาน"}, id="subject-colon"),
    pytest.param("เรื่อง ผลการประชุม\nที่ประชุมรับทราบ\n", {}, id="heading-of-minutes-is-no-subject"),
    pytest.param("   เรียน   ผู้ว่าราชการจังหวัด\n", {"addressee": "ผู้ว่าราชการจังหวัด"}, id="indented"),
    pytest.param("เรียน นายอำเภอ\nสิ่งทีส่งมาด้วย แบบรายงาน\n", {"addressee": "นายอำเภอ", "enclosure": "แบบรายงาน"},
                 id="ocr-lost-tone-mark"),
    pytest.param("เรียน นายอำเภอ\nอางถึง หนังสือจังหวัด\n", {"addressee": "นายอำเภอ", "reference_to": "หนังสือจังหวัด"},
                 id="ocr-lost-tone-mark-ref"),
    pytest.param("เรื่องเพื่อทราบ\n", {}, id="label-glued-to-word-is-no-label"),
    pytest.param("การเรียนรู้ เรื่อง ขยะ\n", {}, id="label-not-at-line-start"),
    pytest.param("เรียนรู้ร่วมกัน\n", {}, id="word-starting-with-label"),
    pytest.param("เรียน ผู้ว่าราชการจังหวัด\nด้วยจังหวัดจะจัดประชุม\n", {"addressee": "ผู้ว่าราชการจังหวัด"},
                 id="body-opener-ends-value"),
])
def test_header_labels(text, expected):
    got = fields(text)
    got.pop("document_type", None)
    assert got == expected


@pytest.mark.parametrize(("tail", "name", "position"), [
    pytest.param("\n\n(นายภูสิต สมจิตต์)\nผู้ว่าราชการจังหวัดพิษณุโลก\n", "นายภูสิต สมจิตต์",
                 "ผู้ว่าราชการจังหวัดพิษณุโลก", id="bracketed"),
    pytest.param("\nxx//~\n(  นางสาวสุดา  มีสุข  )\nนายอำเภอเมืองลำปาง\n", "นางสาวสุดา  มีสุข",
                 "นายอำเภอเมืองลำปาง", id="signature-noise-above"),
    pytest.param("\nนายวิชัย ศรีสุข\nปลัดจังหวัด ปฏิบัติราชการแทน\nผู้ว่าราชการจังหวัดน่าน\n",
                 "นายวิชัย ศรีสุข", "ปลัดจังหวัด ปฏิบัติราชการแทน ผู้ว่าราชการจังหวัดน่าน",
                 id="titled-name-without-brackets"),
    pytest.param("\n(นายภูสิต สมจิตต์\nผู้ว่าราชการจังหวัดพิษณุโลก\n", "นายภูสิต สมจิตต์",
                 "ผู้ว่าราชการจังหวัดพิษณุโลก", id="ocr-lost-closing-bracket"),
])
def test_signatory(tail, name, position):
    found = {f.key: f for f in extract_letter_fields("ขอแสดงความนับถือ" + tail)}
    assert " ".join(found["signatory_name"].value.split()) == " ".join(name.split())
    assert found["signatory_position"].value == position


def test_no_closing_no_signatory():
    assert "signatory_name" not in fields("(นายภูสิต สมจิตต์)\nผู้ว่าราชการจังหวัดพิษณุโลก\n")


@pytest.mark.parametrize(("text", "kind"), [
    pytest.param(LETTER, "letter", id="letter"),
    pytest.param("รายงานการประชุมคณะทำงาน ครั้งที่ 2/2566\nผู้มาประชุม\nระเบียบวาระที่ 1\n"
                 "มติที่ประชุม รับทราบ\nเลิกประชุมเวลา 16.00 น.\n", "meeting_report", id="meeting"),
    pytest.param("วันนี้ (3 ก.พ. 66) ที่ศาลากลางจังหวัดน่าน ผู้ว่าราชการจังหวัด กล่าวว่า ...\n",
                 "news", id="news"),
    pytest.param("1. หน่วยงาน สำนักงานจังหวัด\n2. ผลการดำเนินงาน ไตรมาสที่ 3\n3. ปัญหาอุปสรรค ไม่มี\n",
                 "report", id="report"),
    pytest.param("\n\n\n".join(f"หัวข้อที่ {i}\n- ประเด็นสั้น\n- อีกประเด็น" for i in range(30))
                 + "\n\nขอบคุณครับ\n", "slides", id="slides-short-lines"),
    pytest.param("\f".join(f"สไลด์ {i}\nเนื้อหาสั้น ๆ" for i in range(8)), "slides", id="slides-short-pages"),
])
def test_document_type(text, kind):
    assert fields(text)["document_type"] == kind


def test_plain_prose_has_no_type():
    assert fields("ข้อความธรรมดาหนึ่งบรรทัด") == {}


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(),
    st.lists(st.sampled_from(["เรื่อง", "เรียน", " ", ":", "\n", "(", ")", "นาย", "ขอแสดงความนับถือ",
                              "ปฏิบัติราชการแทน", "\f", "ก", "วันนี้ (", "สิ่งที่ส่งมาด้วย"]),
             max_size=60).map("".join),
    st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
))
def test_never_raises_and_spans_match(text):
    found = extract_letter_fields(text)
    assert len({f.key for f in found}) == len(found)  # one record per field
    for f in found:
        assert f.text == text[f.start:f.end]
        assert f.start < f.end


@pytest.mark.parametrize("chunk", ["\n", " ", "เรื่อง ", "ขอแสดงความนับถือ\n", "(", "ก"])
def test_long_runs_finish(chunk):
    text = chunk * (1_000_000 // len(chunk))
    assert all(text[f.start:f.end] == f.text for f in extract_letter_fields(text))


def test_dev_letter(shared):
    text = (shared / "corpus" / "texts" / "letter_phitsanulok.txt").read_text(encoding="utf-8")
    got = fields(text)
    assert got["signatory_name"] == "นายภูสิต สมจิตต์"
    assert got["signatory_position"] == "ผู้ว่าราชการจังหวัดพิษณุโลก"
    assert got["document_type"] == "letter"
    assert got["subject"].startswith("รายงานการเข้าร่วมกิจกรรม Workshop")


_CUE_BITS = ["เรื่อง", " ", "\n", ":", "ขอแสดงความนับถือ", "อ้างถึง", "อางถึง", "สิ่งที่ส่งมาด้วย", "สิ่งทีส่งมาด้วย",
             "ปัญหา", "และ", "อุปสรรค", "รายงาน", "ขอบคุณ", "ครับ", "วันนี้", "(", "x", "\t"]


@pytest.mark.issue(14)
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CUE_BITS), max_size=25).map("".join), st.integers(0, 30))
def test_cues_find_what_their_pattern_finds(text, cut):
    """A cue found through its words finds the same first match as its regex searched everywhere."""
    from saraban.extractors.letter import _LABEL_RE, _TYPE_CUES

    cues = [*_LABEL_RE.values(), *(cue for cues in _TYPE_CUES.values() for cue, _ in cues)]
    end = max(0, len(text) - cut)
    for cue in cues:
        a, b = cue.search(text, 0, end), cue.pattern.search(text, 0, end)
        assert (a and a.span()) == (b and b.span())
