"""References: official letter numbers, their normalized form and parts; what is not one."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban.extractors.references import extract_references
from saraban.extractors.registry import EXTRACTORS, extract_all
from saraban.normalizers import thai_digits_to_arabic


def normalized(text: str) -> list[str]:
    return [r.normalized for r in extract_references(thai_digits_to_arabic(text))]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", ["มท 0204.4/ว10104"], id="circular"),
    pytest.param("ที่ พล ๐๐๑๗.๓/๖๕๖๕", ["พล 0017.3/6565"], id="provincial"),
    pytest.param("ที่ กค 0406.4/ว 138", ["กค 0406.4/ว138"], id="finance"),
    pytest.param("มท 0893.2/ว1918", ["มท 0893.2/ว1918"], id="no-prefix-no-space"),
    pytest.param("กค405.4/ว 395", ["กค 405.4/ว395"], id="code-glued-to-office"),
    pytest.param("ที่ สพร ๒๕๖๘/ว๗๑๐", ["สพร 2568/ว710"], id="public-organisation-numbers-by-year"),
    pytest.param("ที่ สพร ๒๕๖๘/๗๑๐", [], id="year-office-code-needs-the-circular-mark"),
    pytest.param("สพร ๒๕๖๘/ว๗๑๐", [], id="year-office-code-needs-ti"),
    pytest.param("ที่ ซอย ๑๒/ว๓", [], id="short-number-after-ti-is-no-reference"),
    pytest.param("กค. 0530.3/ว.61", ["กค 0530.3/ว61"], id="dotted-code-and-wo"),
    pytest.param("ขก 0032.005/ว63", ["ขก 0032.005/ว63"], id="three-digit-subgroup"),
    pytest.param("ที่ ศธ ๐๔๐๐๒/ว๑๒๓๔", ["ศธ 04002/ว1234"], id="education-no-dot"),
    pytest.param("ที่ นร ๐๕๐๕/ว ๒๑", ["นร 0505/ว21"], id="prime-minister-office"),
    pytest.param("ที่ ชม ๐๐๑๘.๒/๑๒๓๔", ["ชม 0018.2/1234"], id="chiang-mai"),
    pytest.param("ที่ อว ๐๒๒๔.๓/ว ๔๕", ["อว 0224.3/ว45"], id="higher-education"),
    pytest.param("ที่ สธ 0211.04/ว 1234", ["สธ 0211.04/ว1234"], id="health"),
    pytest.param("ที่ กท 1503/1234", ["กท 1503/1234"], id="bangkok-no-leading-zero"),
    # OCR noise: lost tone mark, mixed digits, stray spaces
    pytest.param("ที มท 0204.4/ว 10104", ["มท 0204.4/ว10104"], id="ocr-lost-tone-mark"),
    # OCR glues a ที่ that lost its vowel onto the code: read for a known code, not for a word
    pytest.param("ท่มท ๐๑๐๓.๒/ว๓๓๘๘", ["มท 0103.2/ว3388"], id="ocr-glued-ti-known-code"),
    pytest.param("ทื่ศธ ๐๒๑๗/ว ๕๕", ["ศธ 0217/ว55"], id="ocr-glued-ti-other-vowel"),
    pytest.param("น้ำท่วม ๐๒๑๐.๕/ว๑๒", [], id="word-ending-in-tho-is-no-ti"),
    pytest.param("ท่าทราย ๐๒๑๐/ว๓๔", [], id="glued-ti-unknown-code-is-not-read"),
    pytest.param("ที่ มท ๐๒๐4.๔/ว 1๐1๐4", ["มท 0204.4/ว10104"], id="mixed-digits"),
    pytest.param("ที่ มท 0204 .4 / ว . 10104", ["มท 0204.4/ว10104"], id="spaces-everywhere"),
    pytest.param("ที่มท0204.4/ว10104", ["มท 0204.4/ว10104"], id="no-spaces-at-all"),
    pytest.param("ที่ มท 0204,4/ว 10104", ["มท 0204.4/ว10104"], id="comma-for-dot"),
    pytest.param("ที่ ลป ๐๐๒๓.๓/ว ๗๘", ["ลป 0023.3/ว78"], id="lampang"),
    pytest.param("มท 0204.4 ว 10104", ["มท 0204.4/ว10104"], id="ocr-lost-slash-before-wo"),
    pytest.param("ที่ นร ๐๔๐๓(กร)/ว ๑๒๓", ["นร 0403(กร)/ว123"], id="unit-letters-in-brackets"),
    pytest.param("ที่: มท 0204/ว 5", ["มท 0204/ว5"], id="label-with-colon"),
    pytest.param("ที่ อว ๐๖๐๑(๑)/ว ๑๒๓", ["อว 0601(1)/ว123"], id="unit-number-in-brackets"),
    pytest.param("ที่ สธ ๐๒๒๘.๐๗.๐๔/ว ๑๒๓๔", ["สธ 0228.07.04/ว1234"], id="three-level-office"),
    pytest.param("ที่ พล ๕๑๐๐๑/ว ๑๒๓", ["พล 51001/ว123"], id="provincial-administration"),
    pytest.param("ที่ มท 0808.2/ว 1234/2566", ["มท 0808.2/ว1234"], id="year-after-serial"),
    # an agency not in the list still reads when it looks like a letter number
    pytest.param("ที่ กฟภ 0100/1234", ["กฟภ 0100/1234"], id="unknown-agency-zero-office"),
    # ranges and joined serials
    pytest.param("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ - ว ๑๐๑๐๗",
                 ["มท 0204.4/ว10104", "มท 0204.4/ว10107"], id="serial-range"),
    pytest.param("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ - ว ๑๐๑๐๗ และ ๒๒๙๕๘ ลงวันวันที่ ๒๙ ธ.ค. ๒๕๖๕",
                 ["มท 0204.4/ว10104", "มท 0204.4/ว10107", "มท 0204.4/22958"], id="range-and-joined"),
    pytest.param("ที่ นร 0505/ว 12, ว 13 และ ว 14",
                 ["นร 0505/ว12", "นร 0505/ว13", "นร 0505/ว14"], id="comma-list"),
    pytest.param("ที่ ศธ 04002/ว1234-36", ["ศธ 04002/ว1234", "ศธ 04002/ว1236"], id="abbreviated-range-end"),
    pytest.param("ที่ มท 0204/ว 5 - 7 ลงวันที่ 3 มกราคม 2566",
                 ["มท 0204/ว5", "มท 0204/ว7"], id="range-inherits-wo"),
    pytest.param("ที่ มท 0204/ว 5 และที่ กค 0406.4/ว 138", ["มท 0204/ว5", "กค 0406.4/ว138"],
                 id="two-agencies"),
])
def test_references(text, expected):
    assert normalized(text) == expected


@pytest.mark.parametrize("text", [
    pytest.param("เลขที่ 10629", id="receipt-number"),
    pytest.param("ครั้งที่ 1/2563", id="meeting-number"),
    pytest.param("มติ กพย. ครั้งที่ ๑/๒๕๖๓", id="meeting-number-thai"),
    pytest.param("การประชุม คกก. SDGs มท. ๑/๒๕๖๖", id="meeting-number-after-agency"),
    pytest.param("โทรศัพท์/โทรสาร ๐ ๕๕๒๕ ๘๕๕๙", id="phone"),
    pytest.param("โทร. 02-222-1141 ต่อ 50/3", id="phone-extension"),
    pytest.param("ถนนวังจันทน์ พล ๕๕๐๐๐", id="postcode"),
    pytest.param("บ้านเลขที่ 123/45 ซอย 12/3", id="house-numbers"),
    pytest.param("ถนน 1234/5", id="unknown-code-without-zero"),
    pytest.param("12/05/2566", id="slashed-date"),
    pytest.param("ที่ มท 0204 5", id="no-slash-no-wo"),
    pytest.param("ร้อยละ 25/100", id="fraction"),
    pytest.param("ว 10104 - ว 10107 และ 22958", id="serials-without-agency"),
])
def test_not_references(text):
    assert normalized(text) == []


def test_joined_serial_is_not_a_count():
    assert normalized("ที่ มท 0204/ว 5 และ 2 ฉบับ") == ["มท 0204/ว5"]


def test_parts_and_agency_name():
    (r,) = extract_references(thai_digits_to_arabic("ที่ พล ๐๐๑๗.๓/๖๕๖๕"))
    assert (r.agency_code, r.office_code, r.circular, r.serial) == ("พล", "0017.3", False, "6565")
    assert r.agency_name == "จังหวัดพิษณุโลก"
    (r,) = extract_references("ที่ มท 0204.4/ว 10104")
    assert (r.circular, r.agency_name) == (True, "กระทรวงมหาดไทย")
    (r,) = extract_references("ที่ กฟภ 0100/1234")
    assert r.agency_name is None


def test_swapped_marks_of_label_stay_in_span():
    (r,) = extract_references("ท\u0e48\u0e35 มท 0204/ว 5")
    assert r.text.startswith("ท\u0e48\u0e35")


def test_spans_in_original_text():
    text = "มท. มีหนังสือ ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ - ว ๑๐๑๐๗ และ ๒๒๙๕๘ ลงวันที่"
    found = extract_all(text, {"references": EXTRACTORS["references"]})["references"]
    assert [r.text for r in found] == ["ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", "ว ๑๐๑๐๗", "๒๒๙๕๘"]
    assert all(text[r.start:r.end] == r.text for r in found)


_BITS = ["ที่", "ที", " ", "มท", "พล", "กค.", "0204", ".4", "/", "ว", "ว.", "10104", "-", "และ",
         ",", "\n", "๑", "ครั้ง", "เลข", "1/2563", "(กวจ)", "(", ")"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(),
    st.lists(st.sampled_from(_BITS), max_size=40).map("".join),
    st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
))
def test_never_raises_and_spans_match(text):
    for r in extract_references(text):
        assert r.text == text[r.start:r.end]
        assert r.start < r.end
        head, _, tail = r.normalized.partition("/")
        agency = r.agency_code if r.department is None else f"{r.agency_code} ({r.department})"
        assert head == f"{agency} {r.office_code}"
        assert tail == ("ว" if r.circular else "") + r.serial
        assert " " not in tail


@pytest.mark.parametrize("chunk", ["1", " ", "ม", "/", "มท ", "มท 0204/", "ว 1 - ", "และ 1", "กค (กวจ) "])
def test_long_runs_finish(chunk):
    text = chunk * (1_000_000 // len(chunk))
    assert all(text[r.start:r.end] == r.text for r in extract_references(text))


def test_dev_corpus_references_f1(shared):
    """References on the five dev documents against their gold (spec: F1 >= 0.97)."""
    tp = fp = fn = 0
    for gold_path in sorted((shared / "corpus" / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (shared / "corpus" / "texts" / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        required = {g["normalized"] for g in gold["references"] if not g.get("optional")}
        optional = {g["normalized"] for g in gold["references"] if g.get("optional")}
        got = {r.normalized for r in extract_all(text, {"references": EXTRACTORS["references"]})["references"]}
        tp += len(required & got)
        fn += len(required - got)
        fp += len(got - required - optional)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.97, (tp, fp, fn)


# The Comptroller General's letters write the department in brackets after the ministry's code.
@pytest.mark.issue(14)
@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("ที่ กค (กวจ) 0405.2/ว 119", ["กค (กวจ) 0405.2/ว119"], id="department-in-brackets"),
    pytest.param("ที่ กค(กวจ)๐๔๐๕.๒/ว๑๑๙", ["กค (กวจ) 0405.2/ว119"], id="department-glued"),
    pytest.param("ที่ กค (กวจ) 0405.2/ว 119 และ 120", ["กค (กวจ) 0405.2/ว119", "กค (กวจ) 0405.2/120"],
                 id="joined-serial-keeps-the-department"),
    pytest.param("ที่ กค (กวจ) 1/2566", [], id="meeting-number-after-department"),
    pytest.param("สำนักงาน (กวจ) 0405.2/ว 119", [], id="brackets-without-agency-code"),
])
def test_department_in_brackets(text, expected):
    assert normalized(text) == expected


@pytest.mark.issue(14)
def test_department_kept_apart_from_the_agency_code():
    (r,) = extract_references("ที่ กค (กวจ) 0405.2/ว 119")
    assert (r.agency_code, r.department, r.office_code, r.agency_name) == ("กค", "กวจ", "0405.2", "กระทรวงการคลัง")
