"""SDGs named one by one: the `goals` field of spec/extraction.md.

A goal is named by number where the text speaks of the SDGs
(``เป้าหมายหลักที่ ๑``, ``SDG 11``, ``Goal 5``, ``ข้อที่ ๑๗`` after "the 17 SDGs"),
one by one or in lists, Thai or English (``SDG 4, 6, and 15``, ``(SDGs 2 and 9)``,
``เป้าหมายที่ 2, 5 และ 9``, ``เป้าหมายที่ 14-16``: each goal is a record). Where
``เป้าหมายที่ N`` or ``Goal N`` speaks of the SDGs is its paragraph (issue 14):
an SDG word anywhere in it, or within ``CONTEXT_WINDOW`` characters, makes the
number a goal; a plan's own "เป้าหมายที่ 1" in a paragraph that never names the
SDGs stays unread.
or by its own title, Thai or English, short or long, as OCR left it
(``ยุติความยากจนทุกรูปแบบในทุก ที่`` is goal 1). Titles are fuzzy-matched with
rapidfuzz against corpus/data/sdg_goals.json, white space removed on both
sides (OCR splits Thai words with stray spaces). rapidfuzz's
``utils.default_process`` is never used: it strips Thai vowels and tone marks
as if they were punctuation. "All 17 goals" names no goal; a bare topic
(poverty, climate change, waste) is shorter than any title and scores below
the cut-off.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz
from rapidfuzz.distance import ScoreAlignment

from saraban import corpus
from saraban.extractors._patterns import paragraph_bounds, trie_regex
from saraban.extractors.records import Record

VERSION = "4"

# Cut-off for a fuzzy title match (rapidfuzz partial_ratio, 0-100), chosen by
# measurement: `python bench/goal_cutoff.py` builds 1,008 noisy variants of the
# goals' Thai and English titles (1-3 OCR-like edits each: letters dropped,
# doubled, swapped or confused with a look-alike, tone marks lost, stray
# spaces) in a sentence, and 345 non-goal sentences (dev-text lines naming no
# goal, bare topics: poverty, climate change, waste, gender). Recall/precision
# (seed 7): 80: 0.979/0.990 (10 false); 84: 0.977/0.999 (1 false: the topic
# "ด้านการเปลี่ยนแปลงสภาพภูมิอากาศ" scores 86.5 against goal 13's short name);
# 86: 0.963/0.999; 87: 0.959/1.000; 88: 0.948/1.000; 90: 0.931/1.000. Seed 11
# gives 87: 0.967/1.000. 87 is the lowest cut-off without a false match.
TITLE_CUTOFF = 87.0

# Words that put a number in an SDG context.
_SDG_CONTEXT = re.compile(
    r"SDGs?|เป้าหมายการพัฒนาที่ยั่งยืน|Sustainable Development Goals?|Global Goals|เป้าหมายหลัก|Agenda 2030|2030 Agenda",
    re.IGNORECASE,
)
CONTEXT_WINDOW = 300
_N = r"(?:1[0-7]|[1-9])(?![\d.]\d|\d)"
# Self-evident forms: เป้าหมายหลักที่ 1 (Goal 1), SDG 11, SDGs ที่ 3, SDG Goal 5.
_BY_NUMBER_SELF = re.compile(
    rf"(?P<lead>เป้าหมายหลัก(?:[ \t]*SDGs?)?[ \t]*ที่|SDGs?[ \t]*(?:ที่|[Gg]oal|เป้าหมายที่)?|เป้าหมาย[ \t]*SDGs?[ \t]*ที่)[ \t]*(?P<n>{_N})"
)
# Forms that name a goal only in an SDG context: เป้าหมายที่ 2, ข้อที่ 17, Goal 5.
_BY_NUMBER_CTX = re.compile(rf"(?P<lead>เป้าหมายที่|ข้อที่|[Gg]oals?|GOALS?)[ \t]*(?P<n>{_N})")
# More goals in the same list: "เป้าหมายหลักที่ 1, 2 และ 5", "Goals 3 and 4", "SDG 4, 6, and 15".
_MORE = re.compile(rf"[ \t]*(?:,(?:[ \t]*(?:และ|หรือ|and|or|&))?|/|และ|หรือ|and|or|&)[ \t]*(?P<n>{_N})")
_RANGE = re.compile(rf"[ \t]*[-–][ \t]*(?P<n>{_N})")
# "SDG 17 เป้าหมาย", "Goal 17 ข้อ": a count of goals, not goal 17.
_COUNT_AFTER = re.compile(
    r"[ \t]*(?:" + "|".join(map(re.escape, corpus.units())) + r"|[Gg]oals|ประการ|เรื่อง)"
)
# Before the costly alignment, the title is compared with the text where the
# anchor says it starts (rapidfuzz ratio, fast): a window scoring this much
# below the cut-off cannot align above it, stray spaces and edits included.
_PREFILTER_SLACK = 15.0
# Anchors: pieces of each title looked up with str.find before any fuzzy work.
_ANCHOR_LEN = 5
# A title inside a department's name is the department (กรมทรัพยากรทางทะเลและชายฝั่ง).
_NOT_AFTER_ORG = re.compile(r"(?:กรม|สำนัก|กอง|ศูนย์)\s*$")


# Thai marks written above or below a letter (mai han-akat, sara i..u, phinthu, mai taikhu..yamakkan)
_THAI_MARK = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
# Runs of ASCII capitals, lowercased alone: str.translate looks up every character
# (~40 ns each on Thai text), str.lower would also change other scripts (issue 7).
_ASCII_UPPER = re.compile(r"[A-Z]+")
_SPACE = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S+")  # the runs _squashed keeps
_EN_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


@dataclass(frozen=True, slots=True, kw_only=True)
class GoalMention(Record):
    """An SDG named in the text, e.g. ``เป้าหมายหลักที่ ๑`` (goal 1)."""

    goal: int
    how: str  # "number" or "title"


@dataclass(frozen=True, slots=True)
class _Title:
    goal: int
    squashed: str  # white space removed; English also lowercased
    english: bool
    short: bool    # a short name ("Zero Hunger"): English ones must be capitalised
    index: int     # its place in _titles()
    words: frozenset[str] = frozenset()  # an English title's words, lowercased


def _squash(s: str) -> str:
    return _SPACE.sub("", s)


@cache
def _titles() -> tuple[_Title, ...]:
    out = []
    for g in corpus.goals():
        for key, english, short in (("th_short", False, True), ("th_long", False, False),
                                    ("en_short", True, True), ("en_long", True, False)):
            words = frozenset(_EN_WORD.findall(g[key].lower())) if english else frozenset()
            out.append(_Title(g["goal"], _squash(g[key].lower() if english else g[key]), english, short, len(out), words))
        for alt in g.get("th_alt", []):
            out.append(_Title(g["goal"], _squash(alt), False, False, len(out)))
    return tuple(out)


# Words every SDG text repeats: an anchor inside one would hit everywhere.
_COMMON = ("ยั่งยืน", "การพัฒนา", "สร้าง", "ระดับ", "ดำเนิน", "ประเทศ", "ทำให้", "เสริม", "หลักประกัน",
           "ทุกคน", "เพื่อ", "และ", "ที่", "ation", "and", "the", "for")


def _spread_offsets(title: str, wanted: list[int]) -> set[int]:
    """Offsets of anchor pieces near ``wanted``, moved off the common words where possible."""
    n = len(title)
    masked = [False] * n
    for word in _COMMON:
        i = title.find(word)
        while i != -1:
            masked[i:i + len(word)] = [True] * len(word)
            i = title.find(word, i + 1)
    free = [o for o in range(max(1, n - _ANCHOR_LEN + 1)) if not any(masked[o:o + _ANCHOR_LEN])]
    if not free:
        return set(wanted)
    return {min(free, key=lambda o: abs(o - w)) for w in wanted}


@cache
def _anchors() -> tuple[tuple[str, int, _Title], ...]:
    """(piece, offset of the piece in the title, title) for every title.

    Long titles: a piece near the start, middle and end; short names: pieces
    all along, so that 1-3 OCR edits still leave one intact. Pieces avoid the
    words all SDG texts repeat (ยั่งยืน, การพัฒนา), which would match everywhere.
    """
    out = []
    for t in _titles():
        n = len(t.squashed)
        if t.short:
            wanted = [*range(0, max(1, n - _ANCHOR_LEN + 1), _ANCHOR_LEN - 1), max(0, n - _ANCHOR_LEN)]
        else:
            wanted = [0, max(0, n // 2 - _ANCHOR_LEN // 2), max(0, n - _ANCHOR_LEN)]
        for off in sorted(_spread_offsets(t.squashed, wanted)):
            out.append((t.squashed[off:off + _ANCHOR_LEN], off, t))
    return tuple(out)


@cache
def _anchor_scan(english: bool) -> tuple[re.Pattern[str], dict[str, list[tuple[int, _Title]]]]:
    """One regex finding every anchor piece (English or Thai titles) in one pass, and piece -> titles.

    A lookahead reports overlapping pieces too; all pieces have the same length,
    so at most one matches at a position (group 1, starting where the match starts).
    """
    by_piece: dict[str, list[tuple[int, _Title]]] = {}
    for piece, off, title in _anchors():
        if title.english == english:
            by_piece.setdefault(piece, []).append((off, title))
    # "[first letters](?<=(?=(pieces)).)" rather than "(?=(pieces))": a pattern that starts
    # with a character class lets the regex engine skip to the next letter that can
    # start a piece (8x faster for the English pieces over Thai text, issue 7);
    # the look-behind steps back over that letter, so overlapping pieces are still found
    first = "".join(sorted({re.escape(piece[0]) for piece in by_piece}))
    return re.compile(f"[{first}](?<=(?=(" + trie_regex(list(by_piece)) + ")).)"), by_piece


def _in_context(text: str, start: int, end: int, paragraph: bool = False) -> bool:
    """An SDG word within CONTEXT_WINDOW characters, or (``paragraph``) in the same paragraph."""
    if _SDG_CONTEXT.search(text, max(0, start - CONTEXT_WINDOW), min(len(text), end + CONTEXT_WINDOW)):
        return True
    if not paragraph:
        return False
    lo, hi = paragraph_bounds(text, start, end)
    return _SDG_CONTEXT.search(text, lo, hi) is not None


def _by_number(text: str, start: int = 0, end: int | None = None) -> list[GoalMention]:
    """Goals named by number in ``text[start:end]`` (the SDG context is looked for in all of ``text``)."""
    end = len(text) if end is None else end
    found = []
    for pattern, needs_context in ((_BY_NUMBER_SELF, False), (_BY_NUMBER_CTX, True)):
        for m in pattern.finditer(text, start, end):
            # ข้อที่ N (item N) is everywhere in minutes: only the SDG words close by make it a goal
            if needs_context and not _in_context(text, m.start(), m.end(), paragraph=m["lead"] != "ข้อที่"):
                continue
            numbers = [(m.start(), m.end("n"), m["n"])]
            pos = m.end()
            while more := _MORE.match(text, pos):
                numbers.append((more.start("n"), more.end("n"), more["n"]))
                pos = more.end()
            if _COUNT_AFTER.match(text, pos):
                continue
            span = _RANGE.match(text, pos)
            if span and len(numbers) == 1:  # "SDG 3-5" names 3, 4 and 5; "SDGs 1-17" is all of them
                first, last = int(numbers[0][2]), int(span["n"])
                if first < last and last - first < 16:
                    found += [GoalMention(text=text[m.start():span.end()], start=m.start(), end=span.end(),
                                          goal=n, how="number") for n in range(first, last + 1)]
                continue
            for n_start, n_end, n in numbers:
                found.append(GoalMention(text=text[n_start:n_end], start=n_start, end=n_end, goal=int(n),
                                         how="number"))
    return found



def _squashed(text: str) -> tuple[str, str, list[int], list[int]]:
    """``text`` without white space, its ASCII-lowercased twin, and a map back.

    Only ASCII is lowercased, so both strings keep one letter per letter. The
    map is two lists: where each kept run of letters starts in the squashed
    string, and where it starts in ``text`` (see ``_to_text``).
    """
    runs = list(_NON_SPACE.finditer(text))
    text_starts = [m.start() for m in runs]
    parts = [m[0] for m in runs]
    squashed_starts = list(itertools.accumulate(map(len, parts), initial=0))[:-1]
    squashed = "".join(parts)
    lower = _ASCII_UPPER.sub(lambda m: m.group().lower(), squashed)
    return squashed, lower, squashed_starts, text_starts


def _to_text(i: int, squashed_starts: list[int], text_starts: list[int]) -> int:
    """The offset in the text of letter ``i`` of the squashed string."""
    run = bisect.bisect_right(squashed_starts, i) - 1
    return text_starts[run] + i - squashed_starts[run]


def _by_title(text: str, cutoff: float = TITLE_CUTOFF) -> list[GoalMention]:
    squashed, lower, *where = _squashed(text)
    best: dict[tuple[int, int], GoalMention] = {}
    seen: set[tuple[int, int]] = set()
    for hay, english in ((squashed, False), (lower, True)):
        scan, by_piece = _anchor_scan(english)
        for hit in scan.finditer(hay):
            pos = hit.start()
            for off, title in by_piece[hit[1]]:
                n = len(title.squashed)
                # room for the whole title around the anchor, with slack for OCR edits
                lo = max(0, pos - off - 6)
                hi = min(len(hay), pos - off + n + 6)
                key = (title.index, lo // 16)
                start_guess = max(0, pos - off)
                if key in seen or not fuzz.ratio(title.squashed, hay[start_guess:start_guess + n],
                                                 score_cutoff=cutoff - _PREFILTER_SLACK):
                    continue
                seen.add(key)
                if hi - lo >= n:
                    r = fuzz.partial_ratio_alignment(title.squashed, hay[lo:hi], score_cutoff=cutoff)
                else:  # the text ends before a whole title fits: compare with all of it
                    score = fuzz.ratio(title.squashed, hay[lo:hi], score_cutoff=cutoff)
                    r = ScoreAlignment(score, 0, n, 0, hi - lo) if score else None
                if r is None or r.dest_end <= r.dest_start:
                    continue
                start, end = _to_text(lo + r.dest_start, *where), _to_text(lo + r.dest_end - 1, *where) + 1
                if title.english:  # the alignment may cut a word or take a stray letter: whole words
                    while start < end and not (text[start].isascii() and text[start].isalnum()):
                        start += 1
                    while end > start and not (text[end - 1].isascii() and text[end - 1].isalnum()):
                        end -= 1
                    while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
                        start -= 1
                    while end < len(text) and text[end].isascii() and text[end].isalpha():
                        end += 1
                else:  # never start on, nor leave behind, a Thai vowel or tone mark
                    while start < end and _THAI_MARK.match(text[start]):
                        start += 1
                    while end < len(text) and _THAI_MARK.match(text[end]):
                        end += 1
                if _acceptable(text, start, end, title):
                    mention = GoalMention(text=text[start:end], start=start, end=end,
                                          goal=title.goal, how="title", confidence=r.score / 100)
                    k = (title.goal, start)
                    if k not in best or best[k].confidence < mention.confidence:
                        best[k] = mention
    return _drop_overlaps(list(best.values()))


def _acceptable(text: str, start: int, end: int, title: _Title) -> bool:
    if _NOT_AFTER_ORG.search(text[max(0, start - 8):start]):
        return False
    if title.english and title.short:
        # "Gender Equality" is the goal's name; "gender equality" (or "Quality
        # education" opening a sentence) is a topic: the first word capitalised,
        # and the last too when it is written whole (OCR splits "Hu nger").
        words = _EN_WORD.findall(text, start, end)
        last = words[-1] if words else ""
        return text[start].isupper() and not (last.islower() and last in title.words)
    return True


def _drop_overlaps(found: list[GoalMention]) -> list[GoalMention]:
    """Of title matches that overlap, keep the best scoring (then the longest)."""
    kept: list[GoalMention] = []
    for g in sorted(found, key=lambda g: (-g.confidence, -(g.end - g.start))):
        if all(g.end <= k.start or k.end <= g.start for k in kept):
            kept.append(g)
    return kept


def goals_named_in(text: str, start: int, end: int) -> set[int]:
    """The goals that ``text[start:end]`` names, by number (in an SDG context) or by title.

    >>> text = "๓. น้ำสะอาดและการสุขาภิบาล\\nจัดหาน้ำดื่มที่ปลอดภัยให้โรงเรียน (6.1)"
    >>> goals_named_in(text, 0, len(text))
    {6}
    """
    return {g.goal for g in _by_number(text, start, end)} | {g.goal for g in _by_title(text[start:end])}


def extract_goals(text: str) -> list[GoalMention]:
    """Find SDGs named by number in an SDG context, or by their title.

    >>> [g.goal for g in extract_goals("เป้าหมายหลักที่ 1 ยุติความยากจนทุกรูปแบบในทุก ที่")]
    [1, 1]
    >>> [g.goal for g in extract_goals("SDG 11 และ Goal 5")]
    [11, 5]
    >>> [g.goal for g in extract_goals("supports SDG 4, 6, and 15 (SDGs 2 and 9)")]
    [4, 6, 15, 2, 9]
    >>> [g.goal for g in extract_goals("ตามกรอบ SDGs ให้ความสำคัญกับเป้าหมายที่ 14-16")]
    [14, 15, 16]
    >>> extract_goals("แผนปฏิบัติการจังหวัด เป้าหมายที่ 1 ลดปริมาณขยะลงครึ่งหนึ่ง")
    []
    >>> extract_goals("ขับเคลื่อน SDGs ทั้ง 17 เป้าหมาย เพื่อแก้ไขปัญหาความยากจน")
    []
    """
    found = _by_number(text) + _by_title(text)
    seen, unique = set(), []
    for g in sorted(found, key=lambda g: (g.start, g.goal)):
        if (g.end, g.goal) not in seen:  # SDG เป้าหมายที่ 5: one mention, two patterns
            seen.add((g.end, g.goal))
            unique.append(g)
    found = unique
    found.sort(key=lambda g: (g.start, g.goal))
    return found
