"""Amounts of money in baht: the `money` field of spec/extraction.md.

Budgets in Thai reports are written three ways: digits with thousands commas
(``๙,๖๘๔,๕๐๐ บาท``), a decimal times a Thai multiplier (``9.6845ล้านบาท``,
``๒.๕ ล้านบาท``), or, on cheques and contracts, Thai number words
(``หนึ่งหมื่นบาทถ้วน``). Every form ends in ``บาท`` (or ``baht``/``THB``), which
is what makes a number money; ``0 บาท`` is an amount like any other.

Typists slip on the thousands commas (``5,31207,500 บาท``, ``48,75000 บาท``,
``1,00,000 บาท``). Such an amount is read as the digits it has, never dropped,
with confidence ``MISGROUPED_CONFIDENCE`` and a ``note`` (issue 14). A comma
before one digit is no grouping at all (``2,5 บาท``) and stays unread.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from saraban.extractors.records import Record

VERSION = "4"


@dataclass(frozen=True, slots=True, kw_only=True)
class Money(Record):
    """An amount of money, e.g. ``9.6845ล้านบาท`` (9684500 baht)."""

    baht: int
    note: str | None = None  # why the amount is doubtful, when it is


# An amount whose comma grouping is mistyped is read as its digits, but which
# digit the typist meant to move is a guess: half the confidence of a clean read.
MISGROUPED_CONFIDENCE = 0.5
MISGROUPED_NOTE = "digit grouping mistyped: read as the digits written"

# Thai multipliers written after the number (ล้าน = 10^6); longest first so
# พันล้าน wins over พัน.
_MULTIPLIERS = {
    "ล้านล้าน": 10**12,
    "แสนล้าน": 10**11,
    "หมื่นล้าน": 10**10,
    "พันล้าน": 10**9,
    "ร้อยล้าน": 10**8,
    "สิบล้าน": 10**7,
    "ล้าน": 10**6,
    "แสน": 10**5,
    "หมื่น": 10**4,
    "พัน": 10**3,
}
_MULT = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
_EN_MULT = {"million": 10**6, "billion": 10**9, "thousand": 10**3}
# 9,684,500 | 9.6845 | 0 ; not glued to a preceding digit, dot or slash. Written to
# start with \d (the look-behind checks the character before that first digit), so
# the regex engine skips to the next digit instead of trying the look-behind at
# every position: 3-5x faster on a long Thai report (issue 7).
_NUM = r"\d(?<![\d.,/]\d)(?:\d{0,2}(?:,\d{3})+|\d*)(?:\.\d+)?"
_BAHT_TH = r"บาท"
_BAHT_EN = r"(?:baht|Baht|BAHT|THB)\b"

# number [– number] [multiplier] บาท   (a range gives both ends)
# Forms write "500,000.- บาท" (the .- closes the figure so nothing can be added).
_CLOSE = r"(?:\.-|-)?"
_THAI_FORM = re.compile(
    rf"(?P<a>{_NUM}){_CLOSE}(?:\s*[-–]\s*(?P<b>{_NUM}){_CLOSE})?\s*(?P<mult>{_MULT})?\s*{_BAHT_TH}"
)
# Digits with commas, at least one group not of three digits (5,31207,500; 48,75000;
# 1,00,000), every group after the first of two digits or more; then บาท.
_MISGROUPED = re.compile(
    rf"(?P<a>\d(?<![\d.,/]\d)\d*(?:,\d{{2,}})+)(?P<frac>\.\d+)?{_CLOSE}\s*(?P<mult>{_MULT})?\s*{_BAHT_TH}"
)
_GROUPED_WELL = re.compile(r"\d{1,3}(?:,\d{3})+")
# A comma before two digits or before four and more, or after four digits: without one,
# no amount is misgrouped (a scan for a comma skips the rest of the text; the full
# pattern is tried at every digit).
_MISGROUPED_HINT = re.compile(r",\d\d(?!\d)|,\d{4}|(?<=\d{4}),\d")
# The English forms need one of these words: most Thai letters have none.
_ENGLISH_HINT = re.compile(r"[Bb]aht|BAHT|THB|฿")
# ลบ. is the financial pages' abbreviation of ล้านบาท.
_MILLION_ABBR = re.compile(rf"(?P<a>{_NUM})\s*ลบ\.")
# 2.5 million baht | 1,000 THB | THB 1,000 | ฿1,000
_ENGLISH_FORM = re.compile(
    rf"(?=[\dT฿])(?:(?P<a>{_NUM})\s*(?P<emult>million|billion|thousand)?\s*{_BAHT_EN}"
    rf"|(?:THB|฿)\s*(?P<c>{_NUM})(?:\s*(?P<cmult>million|billion|thousand)\b)?)"
)
# Thai number words before บาท. Each word is a digit or a place value; the
# amount must start with a digit word or สิบ (so หลายล้านบาท, "millions of
# baht", is not an amount).
_WORD = "ศูนย์|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่|เอ็ด|ร้อย|พัน|หมื่น|แสน|ล้าน"
# A form breaks a long amount across lines with a hyphen ("(หนึ่งล้านห้าแสนเก้าหมื่น-" then
# "ห้าพันบาทถ้วน)", r13 of the real scans): the hyphen and the break join the words again.
_WORD_BREAK = r"(?:-\s*)?"
_WORD_FORM = re.compile(
    rf"(?P<w>(?:ศูนย์|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่สิบ)(?:{_WORD_BREAK}(?:{_WORD}))*){_WORD_BREAK}\s*บาท"
)
_BREAKS = re.compile(r"-\s*")


def _decimal(number: str) -> Decimal | None:
    try:
        return Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None


def _whole_baht(amount: Decimal) -> int:
    # satang are dropped by rounding half to even, as the scorer's round() does
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _thai_words_to_int(words: str) -> int | None:
    """Thai number words to an int, or None when they do not form a number.

    pythainlp's ``thaiword_to_num`` raises on anything that is not a numeral,
    so the caller passes only the run of number words, never what follows.
    """
    from pythainlp.util import thaiword_to_num

    try:
        return int(thaiword_to_num(words))
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def extract_money(text: str) -> list[Money]:
    """Find amounts in baht (digits, decimal times ล้าน, or Thai number words).

    >>> [m.baht for m in extract_money("งบประมาณ 9.6845ล้านบาท")]
    [9684500]
    >>> [m.baht for m in extract_money("จำนวน 9,684,500 บาท และกว่า 2.5 ล้านบาท")]
    [9684500, 2500000]
    >>> [m.baht for m in extract_money("เป็นเงิน หนึ่งหมื่นห้าพันบาทถ้วน")]
    [15000]
    >>> [m.baht for m in extract_money("(หนึ่งล้านห้าแสนเก้าหมื่น-\\n      ห้าพันบาทถ้วน) (หนึ่งหมื่นห้าพัน-\\nบาทถ้วน) ห้าพัน - บาท")]
    [1595000, 15000]
    >>> extract_money("ร้อยละ 63.10 ของ 878 โครงการ")
    []
    >>> [(m.baht, m.confidence, m.note is not None) for m in extract_money("วงเงิน 5,31207,500 บาท")]
    [(531207500, 0.5, True)]
    >>> extract_money("ราคาหน่วยละ 2,5 บาท")
    []
    """
    found: list[Money] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, baht: int, confidence: float = 1.0, note: str | None = None) -> None:
        found.append(Money(text=text[start:end], start=start, end=end, baht=baht, confidence=confidence,
                           note=note))
        taken.append((start, end))

    for m in _THAI_FORM.finditer(text):
        mult = _MULTIPLIERS.get(m["mult"] or "", 1)
        a = _decimal(m["a"])
        if a is None:
            continue
        if m["b"] is not None:
            b = _decimal(m["b"])
            add(m.start("a"), m.end("a"), _whole_baht(a * mult))
            if b is not None:
                add(m.start("b"), m.end(), _whole_baht(b * mult))
        else:
            add(m.start(), m.end(), _whole_baht(a * mult))
    if _MISGROUPED_HINT.search(text):
        for m in _MISGROUPED.finditer(text):
            if _GROUPED_WELL.fullmatch(m["a"]) or any(s < m.end() and m.start() < e for s, e in taken):
                continue
            a = _decimal(m["a"] + (m["frac"] or ""))
            mult = _MULTIPLIERS.get(m["mult"] or "", 1)
            if a is not None:
                add(m.start(), m.end(), _whole_baht(a * mult), MISGROUPED_CONFIDENCE, MISGROUPED_NOTE)
    for m in _MILLION_ABBR.finditer(text) if "ลบ." in text else ():
        a = _decimal(m["a"])
        if a is not None:
            add(m.start(), m.end(), _whole_baht(a * 10**6))
    for m in _ENGLISH_FORM.finditer(text) if _ENGLISH_HINT.search(text) else ():
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        number, mult = (m["a"], m["emult"]) if m["a"] is not None else (m["c"], m["cmult"])
        amount = _decimal(number)
        if amount is not None:
            add(m.start(), m.end(), _whole_baht(amount * _EN_MULT.get((mult or "").lower(), 1)))
    for m in _WORD_FORM.finditer(text):
        value = _thai_words_to_int(_BREAKS.sub("", m["w"]))
        if value is not None:
            add(m.start(), m.end(), value)
    found.sort(key=lambda r: r.start)
    return found
