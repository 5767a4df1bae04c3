"""Extractor for the `dates` field of spec/extraction.md: calendar dates and date ranges.

Reads Thai dates (full or abbreviated months, with or without dots and
spaces, an optional weekday, ``เดือน`` before the month, ``พ.ศ.`` before the
year, two- or four-digit Buddhist-Era years) and English dates (``6 June
2022``, ``May 29, 2024``). A range whose year is written once
(``๒๙ กันยายน – ๘ ตุลาคม ๒๕๖๖``, ``๒๐ - ๒๓ กุมภาพันธ์ ๒๕๖๗``) is one record
with ``iso`` ``"START/END"``; so is a range that crosses a year
(``25 ธ.ค. 66 – 5 ม.ค. 67``).

Shapes of real writing read on top of the plain ones (issue 14):

- a two-digit year after a full month name in running text
  (``วันที่ 2 มีนาคม 61``), unless a time or a unit standing as a word of its
  own follows the two digits (``5 มีนาคม 10 โมง``, ``5 มีนาคม 10 คน``: no year);
- day, month and year joined by one hyphen or underscore, the same on both
  sides, as in report titles and file names (``15-ส.ค.-62``,
  ``สรุป_8_มี.ค._2567.docx``); mixed joins (``1 ม.ค.-31``) stay unread;
- a day or day range after ``วันที่`` whose month and year sit on the next
  line, even after blank lines, as PDF text wraps
  (``ระหว่างวันที่ 3 – 9`` ⏎ ⏎ ``กุมภาพันธ์ 2564``); without ``วันที่`` a number
  ending a line is no day;
- a range whose dash or ถึง ends a line and whose end opens the next.

Parsed by hand rather than with ``pythainlp.util.thai_strptime`` (raises on
two-digit years, abbreviations without dots, weekday prefixes and ranges) or
dateparser (guesses on bare numbers): each accepted form is one named part of
one pattern below, and every candidate is checked with ``datetime.date``.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from saraban.corpus import months, units
from saraban.extractors.records import Record

VERSION = "7"

# Years 2400-2700 are Buddhist Era (subtract 543); 1800-2200 are Common Era.
_BE_OFFSET = 543
_BE_YEARS = range(2400, 2701)
_CE_YEARS = range(1800, 2201)

# Weekday confidence: a date whose weekday prefix disagrees with the calendar
# is kept (the day or the weekday may be an OCR slip) but marked doubtful.
_WEEKDAY_MISMATCH_CONFIDENCE = 0.6

_WEEKDAYS_TH = {
    "จันทร์": 0, "อังคาร": 1, "พุธ": 2, "พฤหัสบดี": 3, "พฤหัส": 3,
    "ศุกร์": 4, "เสาร์": 5, "อาทิตย์": 6,
}

# horizontal white space only: a date never spans two lines
_SP = r"[^\S\n]"


def _abbr_pattern(abbr: str) -> str:
    """``ม.ค.`` -> a pattern taking ``ม.ค.``, ``ม.ค``, ``ม ค.``, ``มค``, ``ม. ค.``, ``ม.ค .``.

    Without its final dot the abbreviation must not run on into a Thai word
    (``มค`` of ``มคอ`` is no month).
    """
    parts = [p for p in abbr.split(".") if p]
    if len(parts) == 1:  # undotted form listed in months.json ("มค"): the dotted one covers it
        return ""
    body = rf"\.?{_SP}?".join(re.escape(p) for p in parts)
    return rf"{body}(?:{_SP}?\.|(?![\u0e01-\u0e4f]))"      # OCR spaces a dot off: "ก.ค . 2566"


def _month_tables() -> tuple[dict[str, int], str, str]:
    """Month lookup by folded spelling, and the Thai and English alternations."""
    lookup: dict[str, int] = {}
    th_alts: list[str] = []
    en_alts: list[str] = []
    for row in months():
        n = row["month"]
        for name in [row["th"], *row.get("th_variants", [])]:
            lookup[name] = n
            th_alts.append(re.escape(name))
        for abbr in row["th_abbr"]:
            lookup[_fold_month(abbr)] = n
            pat = _abbr_pattern(abbr)
            if pat:
                th_alts.append(pat)
        for name in [row["en"], *row["en_abbr"]]:
            lookup[name.lower()] = n
            en_alts.append(re.escape(name) + (r"\.?" if name != row["en"] else ""))
    # longest first so "มิถุนายน" wins over a shorter spelling at the same place
    th_alts.sort(key=len, reverse=True)
    en_alts.sort(key=len, reverse=True)
    return lookup, "|".join(th_alts), "|".join(en_alts)


_DOTS_AND_SPACES_RE = re.compile(r"[.\s]")


def _fold_month(s: str) -> str:
    """A month spelling without dots and spaces, lowercased: the lookup key."""
    return _DOTS_AND_SPACES_RE.sub("", s).lower()


_MONTH_NUMBER, _TH_MONTHS, _EN_MONTHS = _month_tables()
_FULL_TH_STARTS = tuple(name for row in months() for name in [row["th"], *row.get("th_variants", [])])

# A weekday before a date (วันศุกร์ที่ 3 ...) is looked for behind a date's first digit,
# not matched with it: a date pattern that may start with a Thai letter is tried at
# every จ, อ, พ, ศ, ส and ว of a text (issue 14: 3x slower on Thai text).
_WEEKDAY_BEFORE_RE = re.compile(
    r"(?:วัน)?(?P<wd>" + "|".join(sorted(_WEEKDAYS_TH, key=len, reverse=True)) + rf"){_SP}*(?:ที่{_SP}*)?$"
)
_MAX_WEEKDAY = 16
# a day is one or two digits standing alone: not the tail of 15.52, 1/2563 or 10629
_DAY = r"(?<![0-9.,:/])(?P<d1>[0-9]{1,2})"
_DAY_RANGE = rf"(?:{_SP}*(?:[-–—]|ถึง){_SP}*(?P<d2>[0-9]{{1,2}}))?"
# OCR with English in its languages reads a scanned พ.ศ. as "WA." (r09 of the real scans);
# it stands only between a month and a year here, so it can mean nothing else
_ERA = rf"(?P<era>พ\.?{_SP}?ศ\.?|ค\.?{_SP}?ศ\.?|W\.?A\.)"
# a year is 4 digits, or 2 after a Thai month; never the head of a longer number
_YEAR = rf"(?:{_SP}*{_ERA})?{_SP}*(?P<y>[0-9]{{4}}|[0-9]{{2}})(?![0-9]|\.[0-9])"

_TH_DATE = (
    rf"{_DAY}{_DAY_RANGE}{_SP}*(?:เดือน{_SP}*)?"
    rf"(?P<m>{_TH_MONTHS})(?:{_YEAR})?"
)
# 15-ส.ค.-62, 8_มี.ค._2567: one joiner, the same on both sides of the month
_TH_JOINED = (
    rf"(?<![0-9.,:/])(?P<jd>[0-9]{{1,2}})(?P<js>[-_])(?P<jm>{_TH_MONTHS})(?P=js)"
    rf"(?P<jy>[0-9]{{4}}|[0-9]{{2}})(?![0-9]|\.[0-9])"
)
_EN_DAY_FIRST = (
    rf"(?<![0-9.,:/])(?P<ed1>[0-9]{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:{_SP}*[-–—]{_SP}*(?P<ed2>[0-9]{{1,2}})(?:st|nd|rd|th)?)?"
    rf"{_SP}+(?:of{_SP}+)?(?P<em>(?i:{_EN_MONTHS}))(?![A-Za-z])"
    rf"(?:,?{_SP}*(?P<ey>[0-9]{{4}})(?![0-9]))?"
)
_EN_MONTH_FIRST = (
    rf"(?<![A-Za-z])(?P<fm>(?i:{_EN_MONTHS}))(?![A-Za-z]){_SP}+(?P<fd1>[0-9]{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:{_SP}*[-–—]{_SP}*(?P<fd2>[0-9]{{1,2}})(?:st|nd|rd|th)?)?"
    rf"(?:,{_SP}*(?P<fy>[0-9]{{4}})(?![0-9]))?"
)
# numeric dates as Thai offices write them, day first: 22/12/2565, 22-12-2565; and ISO 2022-12-22
_NUMERIC = (
    rf"(?<![0-9.,:/-])(?P<nd>[0-9]{{1,2}})(?P<ns>[/-])(?P<nm>[0-9]{{1,2}})(?P=ns)(?P<ny>[0-9]{{4}}|[0-9]{{2}})"
    rf"(?![0-9]|[./-][0-9])"
    rf"|(?<![0-9.,:/-])(?P<iy>[0-9]{{4}})-(?P<im>[0-9]{{2}})-(?P<id>[0-9]{{2}})(?![0-9]|[./-][0-9])"
)
# every date matched here starts with a digit or an English month's first letter (a
# weekday is looked for behind the day): a lookahead on that one character lets the
# scan skip all other text quickly
_FIRST_CHARS = "JFMASONDjfmasond"
_DATE_RE = re.compile(
    rf"(?=[0-9{_FIRST_CHARS}])(?:{_TH_DATE}|{_TH_JOINED}|{_EN_DAY_FIRST}|{_EN_MONTH_FIRST}|{_NUMERIC})"
)
# Two digits after a full month name are a year unless they tell the time
# (5 มีนาคม 10 โมงเช้า, 10:30) or a unit follows them as a word of its own, as in
# a table row (5 มีนาคม 10 คน). A unit word that runs on into a longer word opens
# the next clause: "2 มีนาคม 61 กลุ่มเกษตรกร..." is dated 2561.
_NOT_YEAR_AFTER_RE = re.compile(
    rf"{_SP}*(?:[:.,][0-9]|%|โมง|นาฬิกา|น\.|(?:"
    r"ราย|ครั้ง|นาที|ชั่วโมง|วัน|ปี|เดือน|บาท|ล้าน|พัน|หมื่น|แสน|ร้อย|เปอร์เซ็นต์|"
    + "|".join(map(re.escape, units())) + r")(?![\u0e01-\u0e4e]))"
)

# PDF text wraps a date after its day (or day range): วันที่ 3 – 9 ⏎ ⏎ กุมภาพันธ์ 2564.
# Read only after วันที่, where a number ending a line is surely a day; at most
# _MAX_WRAP_LINES line breaks (blank lines between included) between the parts.
_WRAPPED_RE = re.compile(
    r"วัน(?P<wd>" + "|".join(sorted(_WEEKDAYS_TH, key=len, reverse=True)) + ")?"
    rf"{_SP}*ที่{_SP}*(?P<d1>[0-9]{{1,2}})(?:{_SP}*(?:[-–—]|ถึง)(?P<gap0>\s*?)(?P<d2>[0-9]{{1,2}}))?"
    rf"(?P<gap1>\s*?)(?:เดือน{_SP}*)?(?P<m>{_TH_MONTHS})(?P<gap2>\s*?)"
    rf"(?:(?P<era>พ\.?{_SP}?ศ\.?){_SP}*)?(?P<y>[0-9]{{4}}|[0-9]{{2}})(?![0-9]|\.[0-9])"
)
_MAX_WRAP_LINES = 3
# a numeric date with a two-digit year is read only after the label วันที่ (receipt stamps)
_DATE_LABEL_BEFORE_RE = re.compile(rf"วันที่{_SP}*$")

# OCR misreads a letter of a month's name ("๒๒ ธันวาคบ ๒๕๖๕"): a Thai word between a
# day and a four-digit year that is within about one edit of a full month name is that
# month. At 80 a one-letter slip in the shortest name (6 letters) passes and real words
# met there stay out (ธนาคาร 62, คนาคม 73 against ธันวาคม, มีนาคม).
_FUZZY_MONTH_CUTOFF = 80
_FUZZY_RE = re.compile(
    rf"(?=[0-9])(?<![0-9.,:/])(?P<d>[0-9]{{1,2}}){_SP}*(?P<w>[\u0e01-\u0e4e]{{5,14}}){_SP}*"
    rf"(?:{_ERA}{_SP}*)?(?P<y>[0-9]{{4}})(?![0-9]|\.[0-9])"
)
_FULL_TH_NAMES = {row["th"]: row["month"] for row in months()}

# what may stand between the two ends of a range: a dash, ถึง (to), or "to"
_RANGE_JOIN_RE = re.compile(
    rf"{_SP}*(?:[-–—]|(?:จน)?ถึง(?:{_SP}*วันที่)?|to|until)"
    # the connector may end a line (PDF text wraps there); a dash opening the next line is a bullet
    rf"(?:{_SP}*\n)?{_SP}*(?:วันที่{_SP}*)?"
)
_MAX_JOIN = 24

# "วันที่ ๑๕ และ ๑๖ มกราคม ๒๕๖๗", "วันที่ 5, 6 และ 7 มี.ค. 66": the days listed before the
# last one share its month and year; read only after วันที่, where a number is surely a day
_DAY_LIST_RE = re.compile(
    rf"วันที่{_SP}*(?P<days>(?:[0-9]{{1,2}}{_SP}*(?:,|และ){_SP}*)+)$"
)
_LISTED_DAY_RE = re.compile(r"[0-9]{1,2}")
_MAX_DAY_LIST = 48

# receipt stamps: "เลขที่ N / วันที่ D / เวลา T" at the top of a received letter
_RECEIPT_ABOVE_RE = re.compile(r"[^\S\n]*เลขที่")
_RECEIPT_BELOW_RE = re.compile(r"[^\S\n]*เวลา")
_DATE_LINE_RE = re.compile(r"[^\S\n]*(?:ลง)?วันที่")
# the subject line ends a letter's head; a letter's own date sits alone on a line above it
_SUBJECT_LINE_RE = re.compile(r"^[^\S\n]*เรื่อง", re.M)
_REFERENCE_LINE_RE = re.compile(r"^[^\S\n]*ที่?[^\S\n]", re.M)
# a layout line (stamp, date line) is short; a longer line is running text
_MAX_LAYOUT_LINE = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class Date(Record):
    """A calendar date or a date range, e.g. ``๒๒ ธันวาคม ๒๕๖๕`` (iso ``2022-12-22``)."""

    iso: str    # "YYYY-MM-DD", or "START/END" for a range
    role: str   # "letter" (the letter's own date), "receipt" (stamp), or "body"


@dataclass(frozen=True, slots=True)
class _Found:
    """One matched date before ranges are joined: ``year`` None when not written."""

    start: int
    end: int
    day: int
    day2: int | None
    month: int
    year: int | None     # Common Era
    weekday: int | None
    confidence: float = 1.0


def extract_dates(text: str) -> list[Date]:
    """Find calendar dates and date ranges (Thai digits already folded to Arabic).

    >>> [d.iso for d in extract_dates("วันศุกร์ที่ 3 กุมภาพันธ์ 2566 เวลา 13.00 - 15.30 น.")]
    ['2023-02-03']
    >>> [d.iso for d in extract_dates("ห้วงการรายงาน (1 ม.ค. 66 - 31 มี.ค. 66)")]
    ['2023-01-01/2023-03-31']
    >>> [d.iso for d in extract_dates("ระหว่างวันที่ 29 กันยายน – 8 ตุลาคม 2566")]
    ['2023-09-29/2023-10-08']
    >>> extract_dates("ครั้งที่ 1/2563 ประจำปีงบประมาณ พ.ศ. 2566, สำนักงาน ก.พ., 31 ก.พ. 2566")
    []

    Issue 14's shapes, each beside one that must stay unread:

    >>> [d.iso for d in extract_dates("เมื่อวันที่ 2 มีนาคม 61 ที่ผ่านมา")], extract_dates("5 มีนาคม 10 คน")
    (['2018-03-02'], [])
    >>> [d.iso for d in extract_dates("รายงาน 15-ส.ค.-62.pdf")], extract_dates("15-ส.ค._62")
    (['2019-08-15'], [])
    >>> [d.iso for d in extract_dates("ระหว่างวันที่ 3 – 9\\n\\nกุมภาพันธ์ 2564")]
    ['2021-02-03/2021-02-09']
    >>> extract_dates("จำนวน 3 – 9\\n\\nกุมภาพันธ์ 2564")
    []
    >>> [d.iso for d in extract_dates("25 ธ.ค. 66 – 5 ม.ค. 67")]
    ['2023-12-25/2024-01-05']
    """
    found = [f for m in _DATE_RE.finditer(text) if (f := _parse(m)) is not None]
    found = _with_fuzzy(text, found)
    found = _with_wrapped(text, found)
    out: list[Date] = []
    head = _head(text)
    letter_date_seen = False
    i = 0
    while i < len(found):
        a = found[i]
        b = found[i + 1] if i + 1 < len(found) else None
        if (b is not None and (b.year is not None or a.year is not None) and a.day2 is None
                and _joined(text, a, b)):
            rng = _range(a, b)
            if rng is not None:
                out.append(_record(text, a.start, b.end, rng, a.weekday, head, False,
                                   min(a.confidence, b.confidence)))
                i += 2
                continue
        if a.year is not None:
            iso = _iso_of(a)
            if iso is not None:
                if a.day2 is None and a.weekday is None:
                    out.extend(_listed_days(text, a, head))
                rec = _record(text, a.start, a.end, iso, a.weekday, head, letter_date_seen, a.confidence)
                letter_date_seen = letter_date_seen or rec.role == "letter"
                out.append(rec)
        i += 1
    return out


def _listed_days(text: str, last: _Found, head: tuple[int, int]) -> list[Date]:
    """The dates of the days listed before ``last`` after วันที่, each spanning its day."""
    window_start = max(0, last.start - _MAX_DAY_LIST)
    m = _DAY_LIST_RE.search(text, window_start, last.start)
    if m is None:
        return []
    assert last.year is not None
    out = []
    for d in _LISTED_DAY_RE.finditer(text, m.start("days"), m.end("days")):
        day = _date(last.year, last.month, int(d.group()))
        if day is not None:
            out.append(_record(text, d.start(), d.end(), day.isoformat(), None, head, True, last.confidence))
    return out


def _parse(m: re.Match[str]) -> _Found | None:
    """One regex match as numbers; None when the year is not a plausible year."""
    g = m.groupdict()
    start, weekday = m.start(), None
    if g["m"] is not None:
        month = _thai_month(g["m"])
        d1, d2, ys, era = g["d1"], g["d2"], g["y"], g["era"]
        thai = True
        wd = _WEEKDAY_BEFORE_RE.search(m.string, max(0, start - _MAX_WEEKDAY), start)
        if wd is not None:
            start, weekday = wd.start(), _WEEKDAYS_TH[wd["wd"]]
    elif g["jm"] is not None:
        month = _thai_month(g["jm"])
        d1, d2, ys, era, thai = g["jd"], None, g["jy"], None, True
    elif g["em"] is not None:
        month = _MONTH_NUMBER.get(g["em"].lower().rstrip("."))
        d1, d2, ys, era, thai = g["ed1"], g["ed2"], g["ey"], None, False
    elif g["nd"] is not None:
        if len(g["ny"]) == 2 and not _DATE_LABEL_BEFORE_RE.search(m.string, max(0, m.start() - 12), m.start()):
            return None
        month = int(g["nm"]) if 1 <= int(g["nm"]) <= 12 else None
        d1, d2, ys, era, thai = g["nd"], None, g["ny"], None, True
    elif g["iy"] is not None:
        month = int(g["im"]) if 1 <= int(g["im"]) <= 12 else None
        d1, d2, ys, era, thai = g["id"], None, g["iy"], None, False
    else:
        month = _MONTH_NUMBER.get(g["fm"].lower().rstrip("."))
        d1, d2, ys, era, thai = g["fd1"], g["fd2"], g["fy"], None, False
    if month is None:
        return None
    end = m.end()
    if (g["m"] and ys and len(ys) == 2 and not era and g["m"].startswith(_FULL_TH_STARTS)
            and _NOT_YEAR_AFTER_RE.match(m.string, end)):
        ys, end = None, m.end("m")  # "5 มีนาคม 10 คน": two digits counting something are no year
    year = _year(ys, era, thai) if ys else None
    if ys and year is None:
        return None
    return _Found(start, end, int(d1), int(d2) if d2 else None, month, year, weekday)


def _thai_month(name: str) -> int | None:
    return _MONTH_NUMBER.get(name) or _MONTH_NUMBER.get(_fold_month(name))


def _with_wrapped(text: str, found: list[_Found]) -> list[_Found]:
    """Add the dates whose parts PDF text wrapped onto the next lines, after วันที่.

    A wrapped date replaces what the one-line pattern made of its pieces (a day
    range and a month without a year, which are no date).
    """
    if "\n" not in text:
        return found
    extra: list[_Found] = []
    for m in _WRAPPED_RE.finditer(text):
        breaks = (m["gap0"] or "").count("\n") + m["gap1"].count("\n") + m["gap2"].count("\n")
        if not 0 < breaks <= _MAX_WRAP_LINES:
            continue
        month = _thai_month(m["m"])
        if "\n" in m["gap2"] and len(m["y"]) != 4:
            continue  # a two-digit number opening a line is no year
        year = _year(m["y"], m["era"], True)
        if month is None or year is None:
            continue
        weekday = _WEEKDAYS_TH[m["wd"]] if m["wd"] else None
        start = m.start() if weekday is not None else m.start("d1")
        extra.append(_Found(start, m.end(), int(m["d1"]), int(m["d2"]) if m["d2"] else None, month, year,
                            weekday))
    if not extra:
        return found
    kept = [f for f in found if not any(e.start <= f.start < e.end for e in extra)]
    return sorted(kept + extra, key=lambda f: f.start)


def _with_fuzzy(text: str, found: list[_Found]) -> list[_Found]:
    """Add the dates whose month name OCR damaged, where no exact date was found."""
    extra: list[_Found] = []
    starts = [f.start for f in found]
    for m in _FUZZY_RE.finditer(text):
        word = m["w"]
        if word in _FULL_TH_NAMES:
            continue  # an exact name: the exact pattern has read it (or rejected it)
        best = process.extractOne(word, _FULL_TH_NAMES.keys(), scorer=fuzz.ratio,
                                  score_cutoff=_FUZZY_MONTH_CUTOFF)
        if best is None:
            continue
        year = _year(m["y"], m["era"], True)
        # found is in text order: only the two dates starting just before m's end can overlap it
        i = bisect.bisect_left(starts, m.end())
        if year is None or any(m.start() < f.end for f in found[max(0, i - 2):i]):
            continue
        extra.append(_Found(m.start(), m.end(), int(m["d"]), None, _FULL_TH_NAMES[best[0]], year, None,
                            round(best[1] / 100, 3)))
    if not extra:
        return found
    return sorted(found + extra, key=lambda f: f.start)


def _year(digits: str, era: str | None, thai: bool) -> int | None:
    """The Common-Era year of a written year, or None if it is no plausible year."""
    y = int(digits)
    era_ce = era is not None and era.startswith("ค")
    if len(digits) == 2:
        # a two-digit year after a Thai month is Buddhist Era 25xx (receipt stamps, news)
        if thai and not era_ce:
            return 2500 + y - _BE_OFFSET
        return 2000 + y
    if era is not None and not era_ce:
        return y - _BE_OFFSET if y in _BE_YEARS else None
    if y in _BE_YEARS and not era_ce:
        return y - _BE_OFFSET
    return y if y in _CE_YEARS else None


def _date(year: int, month: int, day: int) -> _dt.date | None:
    try:
        return _dt.date(year, month, day)
    except ValueError:  # 31 ก.พ., 31 เม.ย.: impossible dates are no dates
        return None


def _iso_of(f: _Found) -> str | None:
    """``YYYY-MM-DD``, or ``START/END`` for a day range, or None if impossible."""
    assert f.year is not None
    start = _date(f.year, f.month, f.day)
    if start is None:
        return None
    if f.day2 is None:
        return start.isoformat()
    end = _date(f.year, f.month, f.day2)
    if end is None or end <= start:
        return None
    return f"{start.isoformat()}/{end.isoformat()}"


def _joined(text: str, a: _Found, b: _Found) -> bool:
    """True when only a range connector (dash, ถึง, to) stands between ``a`` and ``b``."""
    if b.start - a.end > _MAX_JOIN:
        return False
    return _RANGE_JOIN_RE.fullmatch(text, a.end, b.start) is not None


def _range(a: _Found, b: _Found) -> str | None:
    """The ``START/END`` of ``a`` to ``b``; the start takes the end's year when it has none,
    the end the start's (``1 ม.ค. 2566 – 31 มี.ค.``)."""
    end_year = b.year
    if end_year is None:
        assert a.year is not None
        end_year = a.year if (a.month, a.day) <= (b.month, b.day) else a.year + 1
    end = _date(end_year, b.month, b.day2 or b.day)
    if end is None:
        return None
    year = a.year
    if year is None:
        # "29 ธันวาคม – 3 มกราคม 2567": the start lies in the year before
        year = end_year if (a.month, a.day) <= (b.month, b.day) else end_year - 1
    start = _date(year, a.month, a.day)
    if start is None or start >= end:
        return None
    return f"{start.isoformat()}/{end.isoformat()}"


def _record(text: str, start: int, end: int, iso: str, weekday: int | None,
            head: tuple[int, int], letter_date_seen: bool, confidence: float) -> Date:
    if weekday is not None:
        day = _date(int(iso[:4]), int(iso[5:7]), int(iso[8:10]))
        if day is not None and day.weekday() != weekday:
            confidence = _WEEKDAY_MISMATCH_CONFIDENCE
    role = _role(text, start, end, head, letter_date_seen)
    return Date(text=text[start:end], start=start, end=end, confidence=confidence, iso=iso, role=role)


def _head(text: str) -> tuple[int, int]:
    """Where a letter's reference line and subject line start, or -1 when absent.

    A letter's head runs from its reference (``ที่ พล ...``) to its subject (``เรื่อง``).
    """
    subject = _SUBJECT_LINE_RE.search(text)
    if subject is None:
        return -1, -1
    reference = _REFERENCE_LINE_RE.search(text, 0, subject.start())
    return (reference.start() if reference else -1), subject.start()


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The line around ``start:end``, or None if it is longer than a layout line can be.

    Bounded look-around keeps the extractor linear on text without newlines.
    """
    before = text.rfind("\n", max(0, start - _MAX_LAYOUT_LINE), start)
    if before == -1 and start > _MAX_LAYOUT_LINE:
        return None
    after = text.find("\n", end, end + _MAX_LAYOUT_LINE)
    if after == -1:
        if len(text) - end > _MAX_LAYOUT_LINE:
            return None
        after = len(text)
    return before + 1, after


def _role(text: str, start: int, end: int, head: tuple[int, int], letter_date_seen: bool) -> str:
    """Where the layout puts this date: a receipt stamp, the letter's own date, or the body."""
    bounds = _line_bounds(text, start, end)
    if bounds is None:
        return "body"
    line_start, line_end = bounds
    rest_blank = not text[end:line_end].strip()
    if rest_blank and _DATE_LINE_RE.match(text, line_start, start):
        # "เลขที่ N" on the line above, or "เวลา" on the line below: a receipt stamp
        if line_start:
            above = _line_bounds(text, line_start - 1, line_start - 1)
            if above is not None and _RECEIPT_ABOVE_RE.match(text, above[0], line_start):
                return "receipt"
        if line_end < len(text) and _RECEIPT_BELOW_RE.match(text, line_end + 1):
            return "receipt"
    reference, subject = head
    if rest_blank and not letter_date_seen and 0 <= reference < start < subject:
        # a letter's own date sits alone on its line in the head; a memo's follows
        # "วันที่" alone on its line or on the reference line ("ที่ ... วันที่ 5 ม.ค. 67")
        lead = text[line_start:start].strip()
        if not lead or lead == "วันที่" or (line_start == reference and lead.endswith("วันที่")):
            return "letter"
    return "body"
