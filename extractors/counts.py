"""Counts of things: the `counts` field of spec/extraction.md.

A count is a number and the counting unit it quantifies (``๘๗๘ อำเภอ``,
``๗,๘๔๙ อปท.``), the unit from corpus/data/units.json, longest first, so a
compound counts under its head (``7 ภาคีเครือข่าย`` is 7 ภาคี, ``๑๕ จังหวัดนำร่อง``
15 จังหวัด). ``ล้าน`` multiplies (``15 ล้านครัวเรือน``). A unit stated before
its number counts where the sentence ties them (``จำนวนโครงการ … มีจำนวน ๗๔๒``).
Not counts: ordinals and labels (``ชั้น ๒``, ``กลุ่มที่ ๑``, ``หมู่ 5``), list
markers (``๑) โครงการ``), section numbers (``6.6 เป้าหมาย``), numbers of a date,
reference, percentage or amount (none of which is followed by a unit).

Numbers in Thai words count too (issue 14): ``สองร้อยโครงการ`` is (200, โครงการ),
``หนึ่งพันสามร้อยคน`` (1300, คน), read with PyThaiNLP's ``thaiword_to_num``. A
word number must start with a digit word or สิบ: ``หลายพันคน`` (thousands),
``สองสามแห่ง`` (two or three), ``ร้อยละสามสิบ`` (a share) and ``เก้าอี้`` (a chair)
count nothing, nor does ``หนึ่ง`` alone, an article or a slogan's word
(``หนึ่งตำบลหนึ่งผลิตภัณฑ์``). In English text a number before an English unit
counts under the Thai unit corpus/data/units.json maps it to (``1,250 villages``
is (1250, หมู่บ้าน), ``76 provinces`` (76, จังหวัด)); a number after a label
(``Phase 2 villages``, ``Goal 6 targets``) names, it does not count.

Where the line gives it, a count also carries what it counts: a region
(``ภาคเหนือ จำนวน ๒๘๗ โครงการ``), an SDG (``เป้าหมายหลักที่ 2 … จำนวน 106
โครงการ``: goal 2 has 106 projects), a province or a category with its share
(``แก้ไขปัญหาความยากจน ๕๕๔ โครงการ (ร้อยละ ๖๓.๑๐)``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from saraban import corpus
from saraban.extractors._patterns import trie_regex
from saraban.extractors.records import Record

VERSION = "8"

_MULTIPLIERS = {"ล้าน": 10**6, "แสน": 10**5, "หมื่น": 10**4, "พัน": 10**3}
# 7,255 | 878 | 2.0000 ; not glued to a digit, dot, comma, slash or colon before it.
# Written to start with \d (the look-behind checks the character before that first
# digit), so the regex engine skips to the next digit instead of trying the
# look-behind at every position: 3x faster on a long Thai report (issue 7).
_NUMBER = r"(?P<num>\d(?<![\d.,/:]\d)(?:\d{0,2}(?:,\d{3})+|\d*))(?:\.(?P<frac>\d+))?"
# Labels and ordinals written before a number: the number names, it does not count.
# ที่ after a noun makes an ordinal (กลุ่มที่ ๑), but not in words that end in
# ที่ (พื้นที่ area, สถานที่ place, หน้าที่ duty): "ในพื้นที่ ๒๖ อำเภอ" counts.
_LABEL_BEFORE = re.compile(
    r"(?:(?<!พื้น)(?<!สถาน)(?<!หน้า)ที่?|ชั้?น|ปี|พ\.ศ\.|ค\.ศ\.|ครั้ง|ฉบับ|เลขที่|หมายเลข|หมู่|ม\.|มาตรา|ข้อ|ระดับ|เวลา|ร้อยละ|อายุ"
    r"|ไตรมาส|ภาค|เขต|หมวด|ซอย|ถนน|โทร\.?|โทรศัพท์|แผน|รหัส|No\.?|[Pp]age|หน้า|บท)[ \t]*$"
)
_REGIONS = ("ภาคตะวันออกเฉียงเหนือ", "ภาคตะวันออก", "ภาคตะวันตก", "ภาคเหนือ", "ภาคใต้", "ภาคกลาง", "ภาคอีสาน")
_BULLET = re.compile(r"[ \t\-•*·●○▪]*(?:\(?\d{1,2}[).][ \t]*)?[ \t\-•*·]*")
_FILLER = re.compile(r"[ \t]*(?:มี|รวม|ทั้งสิ้น|ทั้งหมด|จำนวน|ทั้ง|คิดเป็น|ได้แก่|:)*[ \t]*$")
# Filler words before a number fill at most this many characters: a subject itself
# is at most SUBJECT_MAX_LEN, so a clause whose filler starts farther back is no subject.
_FILLER_REACH = 80
_PERCENT_AFTER = re.compile(r"[ \t]*\(?[ \t]*(?:คิดเป็น)?[ \t]*(?:ร้อยละ[ \t]*(?P<a>\d+(?:\.\d+)?)|(?P<b>\d+(?:\.\d+)?)[ \t]*%)")
_GOAL_IN_CLAUSE = re.compile(r"(?:เป้าหมายหลัก(?:[ \t]*SDGs?)?[ \t]*ที่|SDGs?[ \t]*(?:ที่)?|[Gg]oal)[ \t]*(?P<n>1[0-7]|[1-9])(?!\d)")
# "จำนวนโครงการ … มีจำนวน ๗๔๒": the unit right after (or before) จำนวน, its number later.
_TIED_NUMBER = re.compile(r"จำนวน(?:ทั้งสิ้น|รวม|ทั้งหมด)?[ \t]*" + _NUMBER + r"(?=[ \t]*(?:$|\n|[^\d\u0e01-\u0e4eA-Za-z%]))")
SUBJECT_MAX_LEN = 60


@dataclass(frozen=True, slots=True, kw_only=True)
class Count(Record):
    """A number of something, e.g. ``๘๗๘ อำเภอ`` (878, อำเภอ)."""

    value: int
    unit: str                         # as listed in the spec (อปท. read as องค์กรปกครองส่วนท้องถิ่น)
    subject: str | None = None        # what is counted: "ภาคเหนือ", "เป้าหมายหลักที่ 2 (…)"
    subject_kind: str | None = None   # "region", "goal", "province" or "category"
    percent: float | None = None      # the share the line gives for it (ร้อยละ ๖๓.๑๐)
    goal: int | None = None           # the SDG whose projects are counted


# Tone marks are what OCR drops most often in Thai (คำมั่นสัญญา -> คำมันสัญญา,
# ชั้น -> ชัน), and no two units differ by a tone mark alone: units and labels
# match with their tone marks optional.
_TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"


def _tone_optional(word: str) -> str:
    """A regex for ``word`` with each tone mark optional."""
    return "".join(re.escape(c) + ("?" if c in _TONE_MARKS else "") for c in word)


def _without_tones(word: str) -> str:
    return "".join(c for c in word if c not in _TONE_MARKS)


@cache
def _spellings() -> dict[str, str]:
    """Every spelling of a unit, tone marks left out, to the unit it stands for."""
    return {_without_tones(sp): corpus.unit_aliases().get(sp, sp) for sp in {*corpus.units(), *corpus.unit_aliases()}}


def _units_regex() -> str:
    return "|".join(_tone_optional(sp) for sp in sorted({*corpus.units(), *corpus.unit_aliases()}, key=len, reverse=True))


@cache
def _unit_pattern() -> re.Pattern[str]:
    mult = "|".join(_MULTIPLIERS)
    return re.compile(_NUMBER + rf"[ \t]*(?P<mult>{mult})?[ \t]*(?P<unit>" + _units_regex() + ")")


# Thai number words: digits, then places; a number starts with a digit word or สิบ.
_DIGIT_WORDS = "หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า"
_NUMBER_WORDS = rf"(?:{_DIGIT_WORDS}|ศูนย์|สิบ|ยี่|เอ็ด|ร้อย|พัน|หมื่น|แสน|ล้าน)"
# "หลายสิบคน", "นับร้อยคน" (tens, hundreds of people): a vague amount, not a count.
# Checked after a match, not as a look-behind: a pattern that opens with words lets
# the regex engine skip to the next letter that can start one (4x faster, issue 14).
_VAGUE_BEFORE = re.compile(r"(?:หลาย|นับ|หลัก|เป็น)$")


@cache
def _word_pattern() -> re.Pattern[str]:
    """A Thai word number and the unit right after it: สองร้อยโครงการ, หนึ่งพันสามร้อย คน."""
    return re.compile(
        rf"(?P<w>(?:{_DIGIT_WORDS}|สิบ|ยี่สิบ){_NUMBER_WORDS}*)[ \t]*(?P<unit>" + _units_regex() + ")"
    )


@cache
def _english_pattern() -> re.Pattern[str]:
    """A number, an optional million/thousand, and an English unit word: 1,250 villages."""
    words = [w.lower() for w in corpus.english_units()]
    # a Latin letter must follow the number before the case-blind word list is tried:
    # most numbers in a Thai letter are followed by Thai (2.5x faster, issue 14)
    return re.compile(
        _NUMBER + r"(?=[ \t]*[A-Za-z])[ \t]*(?:(?P<mult>million|thousand)[ \t]+)?(?P<unit>(?i:"
        + trie_regex(words) + r"))\b"
    )


_EN_MULTIPLIERS = {"million": 10**6, "thousand": 10**3}
# English labels before a number: the number names (Phase 2, Goal 6, Table 3), it does not count.
_EN_LABEL_BEFORE = re.compile(
    r"(?i:phase|goals?|sdgs?|targets?|article|section|chapter|table|figure|fig\.|no\.|page|round|zone"
    r"|region|level|grade|year|batch|group|item|room|floor|route|moo|km\.?)[ \t]*$"
)


def _thai_words_to_int(words: str) -> int | None:
    """``thaiword_to_num`` of a run of Thai number words, None when they form no number (สองสาม)."""
    from pythainlp.util import thaiword_to_num

    try:
        return int(thaiword_to_num(words))
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def _word_counts(text: str, non_heads: re.Pattern[str] | None) -> list[tuple[int, int, int, str]]:
    """(start, end, value, unit) of the counts written in Thai number words."""
    found = []
    for m in _word_pattern().finditer(text):
        if non_heads is not None and non_heads.match(text, m.start("unit")):
            continue
        if _VAGUE_BEFORE.search(text, max(0, m.start() - 4), m.start()):
            continue
        value = _thai_words_to_int(m["w"])
        # หนึ่ง before a noun is an article or a slogan's word, not a count of one
        if value is None or value < 2 or _is_label(text, m.start()):
            continue
        found.append((m.start(), m.end(), value, _canonical(m["unit"])))
    return found


def _english_counts(text: str) -> list[tuple[int, int, int, str]]:
    """(start, end, value, unit) of the counts with an English unit word."""
    found = []
    units = {k.lower(): v for k, v in corpus.english_units().items()}
    for m in _english_pattern().finditer(text):
        if _is_label(text, m.start("num")) or _EN_LABEL_BEFORE.search(text, max(0, m.start() - 10), m.start()):
            continue
        if _is_year(text, m):
            continue
        mult = _EN_MULTIPLIERS.get((m["mult"] or "").lower(), 1)
        frac = m["frac"] or ""
        value = (int(m["num"].replace(",", "")) * 10 ** len(frac) + int(frac or 0)) * mult
        if value % 10 ** len(frac):
            continue
        found.append((m.start("num"), m.end("unit"), value // 10 ** len(frac), units[m["unit"].lower()]))
    return found


@cache
def _tie_pattern() -> re.Pattern[str]:
    """A unit written right after (or right before) จำนวน: จำนวนโครงการ, โครงการ จำนวน."""
    units = _units_regex()
    return re.compile(rf"จำนวน[ \t]*({units})|({units})[ \t]*จำนวน")


@cache
def _non_heads_pattern() -> re.Pattern[str] | None:
    """Words that begin with a unit's letters but are not that unit (ข้อมูล), tone marks optional."""
    words = sorted(corpus.unit_non_heads(), key=len, reverse=True)
    return re.compile("|".join(map(_tone_optional, words))) if words else None


def _canonical(unit: str) -> str:
    return _spellings().get(_without_tones(unit), unit)


def _value(m: re.Match[str]) -> int | None:
    """The counted number, or None when it is not a whole number (6.6 is a section)."""
    whole = int(m["num"].replace(",", ""))
    frac = m["frac"] or ""
    mult = _MULTIPLIERS.get(m["mult"] or "", 1) if "mult" in m.groupdict() else 1
    scaled = (whole * 10 ** len(frac) + int(frac or 0)) * mult
    if scaled % 10 ** len(frac):
        return None
    return scaled // 10 ** len(frac)


_COUNTED_BEFORE = re.compile(r"\d[ \t]*(?:ข้อ|ระดับ)[ \t]*$")


@cache
def _month_before() -> re.Pattern[str]:
    """A month name or abbreviation right before a number: the number is a date's year or day."""
    names = [n for m in corpus.months() for n in (m["th"], *m["th_abbr"], *m.get("th_variants", []), m["en"], *m["en_abbr"])]
    return re.compile("(?:" + "|".join(map(re.escape, sorted(set(names), key=len, reverse=True))) + r")[ \t]*$")


def _is_label(text: str, start: int) -> bool:
    """Is the number at ``start`` a label (ชั้น ๒, ที่ ๑, ระดับ ๕) rather than a quantity?

    A unit word before it is a label's word unless a number counts that unit
    (``๓ ระดับ ๖ ด้าน``: 6 starts a count of its own).
    """
    if _month_before().search(text, max(0, start - 14), start):  # 31 มี.ค. 66 จังหวัด…
        return True
    if _LABEL_BEFORE.search(text, max(0, start - 12), start) is None:
        return False
    return _COUNTED_BEFORE.search(text, max(0, start - 16), start) is None


# A bare four-digit number in these ranges is a year (Buddhist or Common Era),
# unless จำนวน/รวม/ทั้งสิ้น says it is a quantity: real counts that large are
# written with a thousands comma (2,566 โครงการ).
_YEARS = (range(1900, 2101), range(2400, 2701))
# ประมาณ (about) says quantity, but ปีงบประมาณ (fiscal year) ends in the same letters (r06 of the real scans)
_QUANTITY_BEFORE = re.compile(r"(?:จำนวน|รวม|ทั้งสิ้น|ทั้งหมด|กว่า|(?<!งบ)ประมาณ)[ \t]*$")


def _is_year(text: str, m: re.Match[str]) -> bool:
    num = m["num"]
    if len(num) != 4 or not num.isdigit() or m["frac"] or m["mult"]:
        return False
    if not any(int(num) in r for r in _YEARS):
        return False
    return _QUANTITY_BEFORE.search(text, max(0, m.start() - 12), m.start()) is None


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def _subject(text: str, num_start: int, unit_end: int, counts_on_line: int) -> dict:
    """What the count counts, from the label before it on its line (or the line above)."""
    line_start, line_end = _line_bounds(text, num_start)
    bullet = _BULLET.match(text, line_start)
    clause_start = bullet.end() if bullet else line_start
    is_item = clause_start > line_start and text[line_start:clause_start].strip() != ""
    raw = text[clause_start:num_start]
    # only the tail can be filler: searching a long line's whole head cost 40% of this function
    filler = _FILLER.search(raw, max(0, len(raw) - _FILLER_REACH))
    clause = raw[:filler.start()] if filler else raw
    said_jamnuan = "จำนวน" in raw[len(clause):] if filler else False
    pct = _PERCENT_AFTER.match(text, unit_end)
    percent = float(pct["a"] or pct["b"]) if pct and pct.end() <= line_end else None
    if not clause.strip():  # "จำนวน ๕๕๔ โครงการ" under its label on the line above
        prev_end = line_start - 1
        prev_start = text.rfind("\n", 0, max(prev_end, 0)) + 1
        if prev_end > 0:
            prev = _BULLET.match(text, prev_start)
            if prev and prev.end() > prev_start and text[prev_start:prev.end()].strip():
                clause = text[prev.end():prev_end]
                is_item = True
    clause = clause.strip()
    out: dict = {"percent": percent}
    if not clause or len(clause) > SUBJECT_MAX_LEN or counts_on_line > 1:
        return out
    ends_line = not text[unit_end:line_end].strip()
    if not (said_jamnuan or percent is not None or (is_item and ends_line)):
        return out
    goal = _GOAL_IN_CLAUSE.search(clause)
    if goal:
        return {**out, "subject": clause, "subject_kind": "goal", "goal": int(goal["n"])}
    if any(ch.isdigit() for ch in clause):  # "อยู่ในระดับ 4 จาก": a sentence, not a label
        return out
    region = next((r for r in _REGIONS if clause.startswith(r)), None)
    if region and len(clause) <= len(region) + 4:
        return {**out, "subject": region, "subject_kind": "region"}
    from saraban.extractors.provinces import extract_provinces

    provinces = extract_provinces(clause)
    if len(provinces) == 1 and len(clause) - len(provinces[0].text) <= 8:
        return {**out, "subject": provinces[0].name, "subject_kind": "province"}
    return {**out, "subject": clause, "subject_kind": "category"}


def _tied_counts(text: str, taken: set[int]) -> list[Count]:
    """``จำนวนโครงการ … มีจำนวน ๗๔๒``: a bare number after จำนวน whose unit came earlier."""
    found = []
    for m in _TIED_NUMBER.finditer(text):
        if m.start("num") in taken:
            continue
        value = _value(m)
        line_start, _ = _line_bounds(text, m.start())
        before = text[line_start:m.start()]
        tie = _tie_pattern().search(before)
        if value is None or tie is None:
            continue
        unit = _canonical(tie[1] or tie[2])
        end = m.end("frac") if m["frac"] else m.end("num")
        found.append(Count(text=text[m.start("num"):end], start=m.start("num"), end=end, value=value, unit=unit))
    return found


def extract_counts(text: str) -> list[Count]:
    """Find counts: a number and the counting unit it quantifies.

    >>> [(c.value, c.unit) for c in extract_counts("จาก ๘๗๘ อำเภอ ๆ ละ ๑๐ คน และ 7 ภาคีเครือข่าย")]
    [(878, 'อำเภอ'), (10, 'คน'), (7, 'ภาคี')]
    >>> [(c.value, c.unit) for c in extract_counts("15 ล้านครัวเรือน ใน 7,849 อปท.")]
    [(15000000, 'ครัวเรือน'), (7849, 'องค์กรปกครองส่วนท้องถิ่น')]
    >>> c = extract_counts("- ภาคเหนือ จำนวน 287 โครงการ")[0]
    >>> (c.value, c.subject, c.subject_kind)
    (287, 'ภาคเหนือ', 'region')
    >>> extract_counts("ณ ห้องประชุม ชั้น 2 กลุ่มที่ 1 โครงการ")
    []
    >>> [(c.value, c.unit) for c in extract_counts("เข้าร่วมสองร้อยหมู่บ้าน ผู้นำหนึ่งพันสามร้อยคน")]
    [(200, 'หมู่บ้าน'), (1300, 'คน')]
    >>> extract_counts("ประชาชนหลายพันคน อีกสองสามแห่ง ร้อยละสามสิบ โครงการหนึ่งตำบลหนึ่งผลิตภัณฑ์")
    []
    >>> [(c.value, c.unit) for c in extract_counts("reached 1,250 villages in all 76 provinces")]
    [(1250, 'หมู่บ้าน'), (76, 'จังหวัด')]
    >>> extract_counts("Phase 2 villages and Goal 6 targets")
    []
    """
    non_heads = _non_heads_pattern()
    matches = []
    for m in _unit_pattern().finditer(text):
        if _is_label(text, m.start("num")):
            continue
        if non_heads is not None and non_heads.match(text, m.start("unit")):
            continue
        value = _value(m)
        if value is None or _is_year(text, m):
            continue
        matches.append((m, value))
    per_line: dict[int, int] = {}
    for m, _ in matches:
        line = _line_bounds(text, m.start())[0]
        per_line[line] = per_line.get(line, 0) + 1
    found: list[Count] = []
    for m, value in matches:
        line = _line_bounds(text, m.start())[0]
        extra = _subject(text, m.start("num"), m.end("unit"), per_line[line])
        found.append(Count(text=text[m.start("num"):m.end("unit")], start=m.start("num"), end=m.end("unit"),
                           value=value, unit=_canonical(m["unit"]), **extra))
    found += _tied_counts(text, {m.start("num") for m, _ in matches})
    taken = [(c.start, c.end) for c in found]
    for start, end, value, unit in _word_counts(text, non_heads) + _english_counts(text):
        if not any(s < end and start < e for s, e in taken):
            found.append(Count(text=text[start:end], start=start, end=end, value=value, unit=unit))
    found.sort(key=lambda c: c.start)
    return found
