"""Money: amounts in baht, as digits, decimal times a Thai multiplier, or Thai words."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban.extractors.money import extract_money
from saraban.normalizers import thai_digits_to_arabic


def baht(text: str) -> list[int]:
    return [m.baht for m in extract_money(thai_digits_to_arabic(text))]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("งบประมาณ 9.6845ล้านบาท", [9684500], id="decimal-million-glued"),
    pytest.param("จำนวน ๙,๖๘๔,๕๐๐ บาท", [9684500], id="thai-digits-commas"),
    pytest.param("รวมมูลค่า ๘๑๖,๔๐๐ บาท ตลอดจน", [816400], id="commas"),
    pytest.param("จำหน่ายแล้วกว่า ๒.๕ ล้านบาท", [2500000], id="thai-decimal-million"),
    pytest.param("เป้าหมายการเบิกจ่าย 0.0000 ล้านบาท", [0], id="zero-million"),
    pytest.param("ค่าธรรมเนียม 0 บาท", [0], id="zero-baht"),
    pytest.param("ค่าลงทะเบียน 350 บาท/คน", [350], id="per-person"),
    pytest.param("วงเงิน 1.5 พันล้านบาท", [1500000000], id="thousand-million"),
    pytest.param("ไม่เกิน 3 แสนบาท", [300000], id="saen"),
    pytest.param("ราคา 5,000 - 10,000 บาท", [5000, 10000], id="range-both-ends"),
    pytest.param("๑๒,๓๔๕.๕๐ บาท", [12346], id="satang-rounded"),
    pytest.param("ราคา 5,000-10,000 บาท", [5000, 10000], id="range-no-spaces"),
    pytest.param("งบประมาณ 500,000.- บาท", [500000], id="closed-figure"),
    pytest.param("ค่าวัสดุ ๑,๐๐๐.-บาท", [1000], id="closed-figure-glued"),
    pytest.param("กำไรสุทธิ 3.5 ลบ.", [3500000], id="million-baht-abbr"),
    pytest.param("เป็นเงิน หนึ่งหมื่นห้าพันบาทถ้วน", [15000], id="thai-words"),
    pytest.param("งบประมาณสามพันล้านบาท", [3000000000], id="thai-words-billions"),
    pytest.param("ค่าปรับ ศูนย์บาท", [0], id="thai-word-zero"),
    pytest.param("(สองล้านห้าแสนบาทถ้วน)", [2500000], id="thai-words-million"),
    pytest.param("budget of 2.5 million baht", [2500000], id="english-million-baht"),
    pytest.param("THB 1,500 per person", [1500], id="thb-prefix"),
    pytest.param("1,200 Baht", [1200], id="english-baht"),
    # not money
    pytest.param("ร้อยละ 63.10 ของโครงการ", [], id="percentage"),
    pytest.param("จำนวน 878 โครงการ", [], id="count"),
    pytest.param("มูลค่าหลายล้านบาท", [], id="millions-is-not-an-amount"),
    pytest.param("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", [], id="reference"),
    pytest.param("เวลา 13.30 น.", [], id="time"),
    pytest.param("15 ล้านครัวเรือน", [], id="million-households"),
])
def test_money(text, expected):
    assert baht(text) == expected


def test_span_is_the_amount():
    text = "รวมมูลค่า 816,400 บาท ตลอดจน"
    (m,) = extract_money(text)
    assert text[m.start:m.end] == m.text == "816,400 บาท"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789,. -บาทล้านแสนหมื่นพันหนึ่งสองห้าสิบถ้วนTHB฿milonbaht")), max_size=40))
def test_never_raises_and_spans_point_at_text(text):
    for m in extract_money(text):
        assert text[m.start:m.end] == m.text
        assert isinstance(m.baht, int) and m.baht >= 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_string(text):
    for m in extract_money(text):
        assert text[m.start:m.end] == m.text
