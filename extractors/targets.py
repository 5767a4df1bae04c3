"""SDG targets (``11.7``, ``5.b``): the `targets` field of spec/extraction.md.

``N.M`` is everywhere in Thai government paperwork: outline numbers
(``6.6 เป้าหมาย…``), times (``13.30 น.``), percentages, amounts (``๒.๕ ล้าน``),
the code of a letter number (``มท ๐๒๐๔.๔/ว``). It is a target only where the
text speaks of SDG targets: after ``เป้าหมายย่อย``/``target``/``SDG`` close
before it, or in a list joined to such a target (``๑.๑ / ๑.๒ / ๓.๖``). A
target that is not one of the 169 (``11.8``) is kept, flagged ``valid=False``.

A paragraph about one goal often cites its targets in brackets after what
each covers: ``… ให้ครบทุกคนภายในปี 2573 (4.1) และส่งเสริม… (4.2)`` (issue 14).
There the goal context is the paragraph, not a word right before the number:
a bracketed ``(N.M)`` or ``[N.M]`` is a target when it is one of the 169 and its paragraph
names goal N, by number in an SDG context or by title (``goals_named_in``).
A bracketed number in a paragraph naming no such goal (``ข้อ ๔ (๔.๒)`` of a
regulation, ``ภาคผนวก (3.1)``) stays unread.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from saraban import corpus
from saraban.extractors._patterns import paragraph_bounds
from saraban.extractors.goals import goals_named_in
from saraban.extractors.records import Record

VERSION = "4"

# N.M or N.x: goal 1-17, then a target number without a leading zero or one
# letter; not part of a longer number (0204.4, 1.2.3, 2.0000, 9.6845).
# (The look-ahead on the first digit lets the regex engine skip every other
# character before it runs the look-behind: 2x faster on Thai text, issue 14.)
_TARGET = re.compile(
    r"(?=[1-9])(?<![\d./])(?P<goal>1[0-7]|[1-9])\.(?P<sub>[1-9]\d?|[A-Za-z])(?![\dA-Za-z]|\.\d)"
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
# Also through a bracket after a clause's own number: "ข้อ ๔ (๔.๒)" is clause 4.2.
_NOT_BEFORE = re.compile(
    r"(?:เวลา|ร้อยละ|ข้อ|ข้อที่|หัวข้อ|ตาราง|ตารางที่|ภาพ|ภาพที่|รูป|รูปที่|บทที่|มาตรา|ฉบับ|ฉบับที่|ver\.?|[Vv]ersion|\bv)"
    r"\s*(?:\d{1,3}\s*)?\(?\s*$"
)
# A target cited in brackets: "(4.1)", "(4.1, 4.2)", "[4.1]".
_OPEN_BEFORE = re.compile(r"[(\[][ \t]*$")
_CLOSE_AFTER = re.compile(r"[ \t]*[)\]]")
# An N.M opening a line and followed by words is an outline heading, unless
# it heads a target's statement (see _listed_target).
_HEADING = re.compile(r"[ \t\-•*]*")
_HEADING_AFTER = re.compile(r"[ \t]+[^\s\d,/]")


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetMention(Record):
    """An SDG target, e.g. ``๕.B`` (5.b)."""

    target: str   # "5.b": Arabic digits, lowercase letter
    valid: bool   # one of the 169 official targets?
    goal: int     # the goal the target belongs to


# A target's own statement: most of the 169 end "by 2030" (ภายในปี ๒๕๗๓).
_BY_YEAR = re.compile(r"ภายใน(?:ปี)?[ \t]*(?:พ\.ศ\.[ \t]*)?25(?:63|68|73)|[Bb]y[ \t]+20(?:20|25|30)")
_HEADER_MAX_LEN = 60
# A header over a list of target statements names targets, not just the SDGs.
_TARGET_WORD = re.compile(r"เป้าหมายย่อย|[Tt]argets?|TARGETS?|เป้าประสงค์")
REJECT, PLAUSIBLE, SURE = 0, 1, 2


def _is_heading(text: str, m: re.Match[str]) -> bool:
    line_start = text.rfind("\n", 0, m.start()) + 1
    return _HEADING.fullmatch(text, line_start, m.start()) is not None and _HEADING_AFTER.match(text, m.end()) is not None


def _listed_target(text: str, m: re.Match[str]) -> bool:
    """Is this line-opening N.M a target in a list of targets with their statements?

    Yes when its line reads like a target ("… ภายในปี ๒๕๗๓", "by 2030"), or
    when the block of N.M lines it belongs to sits under a short header naming
    targets (``เป้าหมายย่อย``, ``Targets``).
    """
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    if _BY_YEAR.search(text, m.end(), len(text) if line_end == -1 else line_end):
        return True
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        end = start - 1
        if not line:
            continue
        first = _TARGET.match(line.lstrip(" \t-•*"))
        if first:  # another N.M line of the same block: keep looking up
            continue
        return len(line) <= _HEADER_MAX_LEN and _TARGET_WORD.search(line) is not None
    return False


def _classify(text: str, m: re.Match[str]) -> int:
    """REJECT a time, amount, percentage, section number or outline heading;
    SURE for a target in a list of target statements; else PLAUSIBLE (needs context)."""
    before = text[max(0, m.start() - 12):m.start()]
    if _NOT_BEFORE.search(before) or _NOT_AFTER.match(text, m.end()):
        return REJECT
    if _is_heading(text, m):
        return SURE if _listed_target(text, m) else REJECT
    return PLAUSIBLE


def _lists(text: str) -> list[list[tuple[re.Match[str], int]]]:
    """Plausible N.M tokens grouped into lists (tokens joined only by list gaps)."""
    groups: list[list[tuple[re.Match[str], int]]] = []
    for m in _TARGET.finditer(text):
        kind = _classify(text, m)
        if kind == REJECT:
            continue
        if groups and _LIST_GAP.fullmatch(text, groups[-1][-1][0].end(), m.start()):
            groups[-1].append((m, kind))
        else:
            groups.append([(m, kind)])
    return groups


def _cited_in_goal_paragraph(text: str, group: list[tuple[re.Match[str], int]], official: frozenset[str],
                             paragraph_goals: dict[tuple[int, int], set[int]]) -> list[TargetMention]:
    """The targets of a bracketed list ``(4.1)``, ``(4.1, 4.2)`` whose paragraph names their goal.

    ``paragraph_goals`` keeps, per paragraph, the goals it names (one look per paragraph).
    """
    first, last = group[0][0], group[-1][0]
    line_start = max(0, first.start() - 8)
    if not (_OPEN_BEFORE.search(text, line_start, first.start()) and _CLOSE_AFTER.match(text, last.end())):
        return []
    bounds = paragraph_bounds(text, first.start(), last.end())
    if bounds not in paragraph_goals:
        paragraph_goals[bounds] = goals_named_in(text, *bounds)
    named = paragraph_goals[bounds]
    out = []
    for m, _ in group:
        target = f"{m['goal']}.{m['sub'].lower()}"
        if target in official and int(m["goal"]) in named:
            out.append(TargetMention(text=m[0], start=m.start(), end=m.end(), target=target, valid=True,
                                     goal=int(m["goal"])))
    return out


def extract_targets(text: str) -> list[TargetMention]:
    """Find SDG targets written N.M or N.x where the text speaks of targets.

    >>> [t.target for t in extract_targets("เป้าหมายย่อยที่ 1.1 / 5.B / 11.7")]
    ['1.1', '5.b', '11.7']
    >>> [(t.target, t.valid) for t in extract_targets("SDG 11.8")]
    [('11.8', False)]
    >>> extract_targets("6.6 เป้าหมายการพัฒนาที่ยั่งยืน (SDGs) เวลา 13.30 น.")
    []
    >>> text = ("การศึกษาที่มีคุณภาพ: ให้เด็กทุกคนเรียนจบชั้นประถมศึกษาและมัธยมศึกษาอย่างมีคุณภาพ"
    ...         "ภายในปี 2573 (4.1) และให้เด็กเล็กเข้าถึงการดูแลก่อนวัยเรียน (4.2)")
    >>> [t.target for t in extract_targets(text)]
    ['4.1', '4.2']
    >>> extract_targets("การเบิกจ่ายเป็นไปตามระเบียบกระทรวงการคลัง ข้อ 4 (4.2) และภาคผนวก (3.1)")
    []
    """
    official = corpus.targets()
    found: list[TargetMention] = []
    paragraph_goals: dict[tuple[int, int], set[int]] = {}
    for group in _lists(text):
        first, last = group[0][0], group[-1][0]
        sure = any(kind == SURE for _, kind in group)
        before = _CONTEXT.search(text, max(0, first.start() - CONTEXT_BEFORE), first.start())
        # a lone N.M needs the context before it; a list may be named after it
        after = len(group) > 1 and _CONTEXT.search(text, last.end(), last.end() + CONTEXT_AFTER)
        if not (sure or before or after):
            found += _cited_in_goal_paragraph(text, group, official, paragraph_goals)
            continue
        for m, _ in group:
            target = f"{m['goal']}.{m['sub'].lower()}"
            found.append(TargetMention(text=m[0], start=m.start(), end=m.end(), target=target,
                                       valid=target in official, goal=int(m["goal"])))
    return found
