"""Extractor for the document-level fields of an official letter, and the document's type.

A Thai official letter (หนังสือภายนอก, ระเบียบงานสารบรรณ) has a fixed layout:
header lines that start with a label (``เรื่อง`` subject, ``เรียน`` addressee,
``อ้างถึง`` what it refers to, ``สิ่งที่ส่งมาด้วย`` enclosures), the body, the
closing ``ขอแสดงความนับถือ``, then the signatory: a signature, the name in
brackets ``(นายภูสิต สมจิตต์)`` and the position below it. Each field is one
record (``key``, ``value``) whose span is the value as it stands in the text.

``document_type`` is inferred from the layout: the closing and header labels of
a letter, the vocabulary of a meeting report, a news release or a progress
report, or the short lines of a slide deck.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from saraban.extractors.records import Record

VERSION = "3"

_SP = r"[^\S\n]"


@dataclass(frozen=True, slots=True)
class _Cue:
    """A pattern found through the literal words it starts with (``line``: the words
    open a line after white space, and the pattern matches from the line's start).

    ``str.find`` jumps to each word; a regex alternation of Thai words, or one that
    opens with ``^`` and white space, is tried at every position of the text instead
    (30-40 µs against 2-5 µs on a 20 kB letter; twenty cues per document, issue 14).
    """

    pattern: re.Pattern[str]
    words: tuple[str, ...]
    line: bool = False

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The first match in ``text[pos:endpos]``, as ``pattern.search`` would find it."""
        endpos = len(text) if endpos is None else endpos
        best: re.Match[str] | None = None
        for word in self.words:
            i = text.find(word, pos, endpos)
            while i != -1 and (best is None or i < best.start()):
                start = text.rfind("\n", 0, i) + 1 if self.line else i
                if start >= pos and (not self.line or not text[start:i].strip()):
                    m = self.pattern.match(text, start, endpos)
                    if m is not None:
                        if best is None or m.start() < best.start():
                            best = m
                        break
                i = text.find(word, i + 1, endpos)
        return best


def _words(alternation: str) -> tuple[str, ...]:
    """The literal words of ``a|b|c``."""
    return tuple(alternation.split("|"))


# the header labels, each at the start of a line, then white space or a colon
_LABELS = {
    "subject": r"เรื่อง",
    "addressee": r"เรียน",
    "reference_to": r"อ้างถึง|อางถึง",          # OCR drops the tone mark
    "enclosure": r"สิ่งที่?ส่งมาด้วย|สิ่งที่แนบมาด้วย",
}
_LABEL_WORDS = {"enclosure": ("สิ่งที่ส่งมาด้วย", "สิ่งทีส่งมาด้วย", "สิ่งที่แนบมาด้วย")}
_LABEL_RE = {
    key: _Cue(re.compile(rf"^{_SP}*(?:{pat})(?:{_SP}*[:：]|{_SP}){_SP}*(?=\S)", re.M),
              _LABEL_WORDS.get(key, _words(pat)), line=True)
    for key, pat in _LABELS.items()
}
_ANY_LABEL = "|".join(_LABELS.values())
# a line that opens the body or another field ends a wrapped header value
_STOP_LINE_RE = re.compile(
    rf"{_SP}*(?:{_ANY_LABEL}|ด้วย|ตามที่|ตาม|เนื่องด้วย|เนื่องจาก|ในการนี้|จึง|อนึ่ง|ทั้งนี้|ขอแสดงความนับถือ|ที่{_SP})"
)
_MAX_WRAPPED_LINES = 2

_CLOSING_RE = _Cue(re.compile(rf"^{_SP}*ขอแสดงความนับถือ", re.M), ("ขอแสดงความนับถือ",), line=True)
_SIGNATORY_LOOKAHEAD_LINES = 6
# "(นายภูสิต สมจิตต์)": the signatory's name is printed in brackets under the signature
_BRACKETED_NAME_RE = re.compile(rf"{_SP}*\({_SP}*(?P<name>[^()\n]*\S){_SP}*\){_SP}*")
# without both brackets (OCR lost one, or none printed) the name starts with a title
_TITLED_NAME_RE = re.compile(
    rf"{_SP}*\(?{_SP}*(?P<name>(?:นาย|นางสาว|นาง|น\.ส\.|ว่าที่|ดร\.|ศ\.|รศ\.|ผศ\.|นพ\.|พญ\.|ม\.ร\.ว\.|ม\.ล\.|หม่อม"
    rf"|พล\.|พ\.|ร\.|จ\.|ส\.)[^()\n]*[^()\s]){_SP}*\)?{_SP}*"
)
# a position may run on: "รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน / ผู้ว่าราชการจังหวัด..."
_POSITION_CONTINUES_RE = re.compile(rf"{_SP}*(?:ปฏิบัติราชการแทน|รักษาราชการแทน|ผู้ว่าราชการ|ปลัด|อธิบดี|รัฐมนตรี)")

# Document-type cues, each (pattern, weight). Layout words of the genre, not of any one document.
def _cue(alternation: str) -> _Cue:
    """A cue that is an alternation of literal words."""
    return _Cue(re.compile(alternation), _words(alternation))


_TYPE_CUES: dict[str, list[tuple[_Cue, float]]] = {
    "letter": [
        (_CLOSING_RE, 4.0),
        (_cue(r"จึงเรียนมาเพื่อ"), 3.0),
        (_LABEL_RE["subject"], 1.0),
        (_LABEL_RE["addressee"], 2.0),
        (_LABEL_RE["enclosure"], 1.0),
        (_LABEL_RE["reference_to"], 1.0),
    ],
    "meeting_report": [
        (_cue(r"รายงานการประชุม|บันทึกการประชุม"), 3.0),
        (_cue(r"ระเบียบวาระ"), 2.0),
        (_cue(r"ผู้มาประชุม|ผู้เข้าร่วมประชุม|ผู้ไม่มาประชุม"), 2.0),
        (_cue(r"เปิดประชุม|เลิกประชุม|ปิดประชุม"), 2.0),
        (_cue(r"มติที่ประชุม|ที่ประชุมรับทราบ|ที่ประชุมมีมติ"), 2.0),
        (_cue(r"เข้าร่วมการประชุม|ประธานการประชุม|การประชุมดังกล่าว"), 1.5),
    ],
    "news": [
        (_Cue(re.compile(rf"วันนี้{_SP}*\("), ("วันนี้",)), 3.0),
        (_cue(r"กล่าวว่า|เปิดเผยว่า|ให้สัมภาษณ์"), 1.5),
        (_cue(r"ข่าวประชาสัมพันธ์|ผู้สื่อข่าว|ข่าวที่"), 2.0),
    ],
    "report": [
        (_cue(r"ไตรมาส|ห้วงการรายงาน|รอบการรายงาน"), 2.0),
        (_cue(r"ผลการดำเนินงาน|ผลการดำเนินการ|ผลการเบิกจ่าย"), 1.5),
        (_Cue(re.compile(r"ปัญหา(?:และ)?อุปสรรค|ข้อเสนอแนะ"), ("ปัญหา", "ข้อเสนอแนะ")), 1.0),
        (_cue(r"ตัวชี้วัด"), 0.5),
        (_Cue(re.compile(rf"^{_SP}*รายงาน", re.M), ("รายงาน",), line=True), 1.0),
    ],
    "slides": [
        (_Cue(re.compile(rf"^{_SP}*(?:ขอบพระคุณ|ขอบคุณ)(?:ครับ|ค่ะ|คะ)?{_SP}*$", re.M), ("ขอบพระคุณ", "ขอบคุณ"),
              line=True), 2.0),
    ],
}
# slide decks: many lines, the typical one a short bullet or title; or many short pages
_SLIDES_MIN_LINES = 40
_SLIDES_MEDIAN_LINE = 45
_SLIDES_MIN_PAGES = 5
_SLIDES_PAGE_CHARS = 600
_SLIDES_LAYOUT_WEIGHT = 4.0


@dataclass(frozen=True, slots=True, kw_only=True)
class LetterField(Record):
    """One document-level value, e.g. key ``subject``, value ``รายงานการเข้าร่วมกิจกรรม Workshop``."""

    key: str     # subject, addressee, reference_to, enclosure, signatory_name, signatory_position, document_type
    value: str


def extract_letter_fields(text: str) -> list[LetterField]:
    """Find a letter's header fields, its signatory, and the document's type.

    >>> doc = "ที่ พล 0017.3/6565\\n\\nเรื่อง ขอเชิญประชุม\\nเรียน นายอำเภอทุกอำเภอ\\n\\nจึงเรียนมาเพื่อทราบ\\n\\nขอแสดงความนับถือ\\n\\n(นายภูสิต สมจิตต์)\\nผู้ว่าราชการจังหวัดพิษณุโลก\\n"
    >>> [(f.key, f.value) for f in extract_letter_fields(doc)]  # doctest: +NORMALIZE_WHITESPACE
    [('subject', 'ขอเชิญประชุม'), ('addressee', 'นายอำเภอทุกอำเภอ'),
     ('signatory_name', 'นายภูสิต สมจิตต์'), ('signatory_position', 'ผู้ว่าราชการจังหวัดพิษณุโลก'),
     ('document_type', 'letter')]
    >>> extract_letter_fields("")
    []
    """
    out: list[LetterField] = []
    closing = _CLOSING_RE.search(text)
    head_end = closing.start() if closing else len(text)
    labels = {key: pattern.search(text, 0, head_end) for key, pattern in _LABEL_RE.items()}
    # header fields belong to a letter or memo: one that closes, or that names an addressee;
    # a report's or minutes' "เรื่อง ..." line alone is a heading, not a letter's subject
    if closing is not None or labels["addressee"] is not None:
        for key, m in labels.items():
            if m is not None:
                field = _header_value(text, key, m.end(), head_end)
                if field is not None:
                    out.append(field)
    if closing is not None:
        out.extend(_signatory(text, closing.end()))
    doc_type = _document_type(text)
    if doc_type is not None:
        out.append(doc_type)
    return out


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _header_value(text: str, key: str, start: int, limit: int) -> LetterField | None:
    """The value after a label: the rest of its line and the lines it wraps onto."""
    end = _line_end(text, start)
    for _ in range(_MAX_WRAPPED_LINES):
        nxt = end + 1
        if nxt >= limit:
            break
        nxt_end = min(_line_end(text, nxt), limit)
        if not text[nxt:nxt_end].strip() or _STOP_LINE_RE.match(text, nxt, nxt_end):
            break
        end = nxt_end
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return None
    span = text[start:end]
    return LetterField(text=span, start=start, end=end, key=key, value=" ".join(span.split()))


def _signatory(text: str, pos: int) -> list[LetterField]:
    """The name (bracketed, or with a title) and position under ``ขอแสดงความนับถือ``."""
    lines = _next_lines(text, pos, _SIGNATORY_LOOKAHEAD_LINES)
    for i, (s, e) in enumerate(lines):
        m = _BRACKETED_NAME_RE.fullmatch(text, s, e) or _TITLED_NAME_RE.fullmatch(text, s, e)
        if m is None:
            continue
        name = LetterField(text=m["name"], start=m.start("name"), end=m.end("name"),
                           key="signatory_name", value=" ".join(m["name"].split()))
        if i + 1 >= len(lines):
            return [name]
        ps, pe = lines[i + 1]
        # follow the position onto lines that continue it ("ปฏิบัติราชการแทน ...")
        for s2, e2 in lines[i + 2:]:
            if text[pe:s2].count("\n") > 1 or not _POSITION_CONTINUES_RE.match(text, s2, e2):
                break
            pe = e2
        span = text[ps:pe]
        position = LetterField(text=span, start=ps, end=pe, key="signatory_position",
                               value=" ".join(span.split()))
        return [name, position]
    return []


def _next_lines(text: str, pos: int, count: int) -> list[tuple[int, int]]:
    """The (start, end) of up to ``count`` non-blank lines after ``pos``, trimmed of spaces."""
    out: list[tuple[int, int]] = []
    start = _line_end(text, pos) + 1
    while start < len(text) and len(out) < count:
        end = _line_end(text, start)
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
        start = end + 1
    return out


def _document_type(text: str) -> LetterField | None:
    """The best-supported type, its span the first piece of evidence found for it."""
    scores: dict[str, float] = {}
    evidence: dict[str, tuple[int, int]] = {}
    for kind, cues in _TYPE_CUES.items():
        for pattern, weight in cues:
            m = pattern.search(text)
            if m is not None and m.end() > m.start():
                scores[kind] = scores.get(kind, 0.0) + weight
                if kind not in evidence or m.start() < evidence[kind][0]:
                    evidence[kind] = (m.start(), m.end())
    layout = _slides_layout(text)
    if layout is not None:
        scores["slides"] = scores.get("slides", 0.0) + _SLIDES_LAYOUT_WEIGHT
        evidence.setdefault("slides", layout)
    if not scores:
        return None
    kind = max(scores, key=lambda k: scores[k])
    start, end = evidence[kind]
    start, end = _trim(text, start, end)
    return LetterField(text=text[start:end], start=start, end=end, key="document_type", value=kind,
                       confidence=round(scores[kind] / sum(scores.values()), 3))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _slides_layout(text: str) -> tuple[int, int] | None:
    """The first line of a text that reads like a slide deck (many lines, most short)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    pages = text.count("\f") + 1
    many_short_pages = pages >= _SLIDES_MIN_PAGES and len(text) / pages < _SLIDES_PAGE_CHARS
    short_lines = len(lines) >= _SLIDES_MIN_LINES and statistics.median(map(len, lines)) < _SLIDES_MEDIAN_LINE
    if not (many_short_pages or short_lines):
        return None
    first = lines[0]
    start = text.find(first)
    return start, start + len(first)
