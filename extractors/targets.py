"""SDG targets (``11.7``, ``5.b``): the `targets` field of spec/extraction.md.

``N.M`` is everywhere in Thai government paperwork: outline numbers
(``6.6 เป้าหมาย…``), times (``13.30 น.``), percentages, amounts (``๒.๕ ล้าน``),
the code of a letter number (``มท ๐๒๐๔.๔/ว``). It is a target only where the
text speaks of SDG targets: after ``เป้าหมายย่อย``/``target``/``SDG`` close
before it, or in a list joined to such a target (``๑.๑ / ๑.๒ / ๓.๖``). A
target that is not one of the 169 (``11.8``) is kept, flagged ``valid=False``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import corpus
from extractors.records import Record

VERSION = "2"

# N.M or N.x: goal 1-17, then a target number without a leading zero or one
# letter; not part of a longer number (0204.4, 1.2.3, 2.0000, 9.6845).
_TARGET = re.compile(
    r"(?<![\d./])(?P<goal>1[0-7]|[1-9])\.(?P<sub>[1-9]\d?|[A-Za-z])(?![\dA-Za-z]|\.\d)"
)
# What makes nearby N.M a target: Thai เป้าหมายย่อย (target), English
# target(s), SDG(s). Looked for this far before the first N.M of a list ...
_CONTEXT = re.compile(r"เป้าหมายย่อย|[Tt]argets?|TARGETS?|SDGs?|เป้าประสงค์")
CONTEXT_BEFORE = 100
# ... or, for a list of two or more, this far after its last (``1.1 และ 1.2 (SDG targets)``).
CONTEXT_AFTER = 40
# Between two targets of one list: commas, slashes, และ/หรือ, and, white space.
_LIST_GAP = re.compile(r"(?:[\s,;/|]|และ|หรือ|and|or)*")
# Right after N.M these make it a time, an amount or a percentage.
_NOT_AFTER = re.compile(
    r"\s*(?:น\.|นาฬิกา|%|ล้าน|บาท|พัน|หมื่น|แสน|ร้อยละ|ปี|เท่า|ครั้ง|กม\.|กิโล|เมตร|ไร่|ตัน|คะแนน|[-–]\s*\d"
    r"|(?:percent|per cent|million|billion|thousand|baht|THB|USD|km|kg|m|hours?|times|points?)\b)"
)
# Right before N.M these make it a time, percentage, section or version.
_NOT_BEFORE = re.compile(r"(?:เวลา|ร้อยละ|ข้อ|ข้อที่|หัวข้อ|ตาราง|ตารางที่|ภาพ|ภาพที่|รูป|รูปที่|บทที่|มาตรา|ฉบับ|ฉบับที่|ver\.?|[Vv]ersion|\bv)\s*$")
# An N.M opening a line and followed by words is an outline heading.
_HEADING = re.compile(r"[ \t\-•*]*")
_HEADING_AFTER = re.compile(r"[ \t]+[^\s\d,/]")


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetMention(Record):
    """An SDG target, e.g. ``๕.B`` (5.b)."""

    target: str   # "5.b": Arabic digits, lowercase letter
    valid: bool   # one of the 169 official targets?
    goal: int     # the goal the target belongs to


def _plausible(text: str, m: re.Match[str]) -> bool:
    """Not a time, amount, percentage, section number or outline heading."""
    before = text[max(0, m.start() - 12):m.start()]
    if _NOT_BEFORE.search(before) or _NOT_AFTER.match(text, m.end()):
        return False
    line_start = text.rfind("\n", 0, m.start()) + 1
    if _HEADING.fullmatch(text, line_start, m.start()) and _HEADING_AFTER.match(text, m.end()):
        return False
    return True


def _lists(text: str) -> list[list[re.Match[str]]]:
    """Plausible N.M tokens grouped into lists (tokens joined only by list gaps)."""
    groups: list[list[re.Match[str]]] = []
    for m in _TARGET.finditer(text):
        if not _plausible(text, m):
            continue
        if groups and _LIST_GAP.fullmatch(text, groups[-1][-1].end(), m.start()):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def extract_targets(text: str) -> list[TargetMention]:
    """Find SDG targets written N.M or N.x where the text speaks of targets.

    >>> [t.target for t in extract_targets("เป้าหมายย่อยที่ 1.1 / 5.B / 11.7")]
    ['1.1', '5.b', '11.7']
    >>> [(t.target, t.valid) for t in extract_targets("SDG 11.8")]
    [('11.8', False)]
    >>> extract_targets("6.6 เป้าหมายการพัฒนาที่ยั่งยืน (SDGs) เวลา 13.30 น.")
    []
    """
    official = corpus.targets()
    found: list[TargetMention] = []
    for group in _lists(text):
        first, last = group[0], group[-1]
        before = _CONTEXT.search(text, max(0, first.start() - CONTEXT_BEFORE), first.start())
        # a lone N.M needs the context before it; a list may be named after it
        after = len(group) > 1 and _CONTEXT.search(text, last.end(), last.end() + CONTEXT_AFTER)
        if not (before or after):
            continue
        for m in group:
            target = f"{m['goal']}.{m['sub'].lower()}"
            found.append(TargetMention(text=m[0], start=m.start(), end=m.end(), target=target,
                                       valid=target in official, goal=int(m["goal"])))
    return found
