"""Times of day: ``เวลา 15.52 น.``, spans ``13.00 - 15.30 น.``; decimals are not times."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban.extractors.times import extract_times
from saraban.normalizers import thai_digits_to_arabic


def isos(text: str) -> list[str]:
    return [t.iso for t in extract_times(thai_digits_to_arabic(text))]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("เวลา 15.52 น.", ["15:52"], id="receipt-stamp"),
    pytest.param("เวลา ๑๗.๐๐ น. ตามเวลาประเทศไทย", ["17:00"], id="thai-digits"),
    pytest.param("เวลา 13.00 - 15.30 น.", ["13:00/15:30"], id="span"),
    pytest.param("เวลา 13.00 – 16.45 น.", ["13:00/16:45"], id="span-en-dash"),
    pytest.param("ตั้งแต่ 9.30 ถึง 12.00 นาฬิกา", ["09:30/12:00"], id="span-tueng-nalika"),
    pytest.param("เวลา 9.30-12.00", ["09:30/12:00"], id="after-wela-without-unit"),
    pytest.param("เริ่ม 08.30 น.", ["08:30"], id="unit-only"),
    pytest.param("เวลา 8:30", ["08:30"], id="colon"),
    pytest.param("at 10:30 a.m.", ["10:30"], id="english-am"),
    pytest.param("at 2:15 PM", ["14:15"], id="english-pm"),
    pytest.param("12:00 a.m.", ["00:00"], id="midnight"),
])
def test_times(text, expected):
    assert isos(text) == expected


@pytest.mark.parametrize("text", [
    pytest.param("งบประมาณ 9.6845 ล้านบาท", id="money-decimal"),
    pytest.param("ร้อยละ 15.52", id="percentage"),
    pytest.param("เป้าหมายย่อย 11.7", id="sdg-target"),
    pytest.param("ที่ มท 0204.4/ว 10104", id="reference"),
    pytest.param("เวลา 25.00 น.", id="hour-25"),
    pytest.param("เวลา 10.75 น.", id="minute-75"),
    pytest.param("13:30 pm", id="pm-after-13"),
    pytest.param("1.2.3 น.", id="outline-number-glued"),
])
def test_not_times(text):
    assert isos(text) == []


def test_span_excludes_wela_and_includes_unit():
    (t,) = extract_times("เวลา 15.52 น. แล้ว")
    assert t.text == "15.52 น."


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(),
    st.lists(st.sampled_from(["เวลา", " ", "13", ".", ":", "00", "-", "น.", "am", "ถึง", "\n", "9"]),
             max_size=40).map("".join),
))
def test_never_raises_and_spans_match(text):
    for t in extract_times(text):
        assert t.text == text[t.start:t.end]
        for part in t.iso.split("/"):
            hh, mm = part.split(":")
            assert 0 <= int(hh) < 24 and 0 <= int(mm) < 60


@pytest.mark.parametrize("chunk", ["1", " ", "เวลา ", "1.", "13.00 - "])
def test_long_runs_finish(chunk):
    text = chunk * (1_000_000 // len(chunk))
    assert all(text[t.start:t.end] == t.text for t in extract_times(text))
