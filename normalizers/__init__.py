"""Thai text repair: the text the extractors read, with a map back to the raw text.

>>> n = normalize("ที ่ ส\\u0e4d\\u0e32นัก")
>>> n.text
'ที่ สำนัก'
>>> n.raw_span(4, 9)
(5, 11)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from saraban.normalizers.thai import (
    DUPLICATED_MARK,
    SARA_AM,
    SARA_AM_TONE_FIRST,
    SPACE_BEFORE_MARK,
    SPLIT_SARA_AM,
    ZERO_WIDTH,
    compose_nfc,
    compose_sara_am,
    rejoin_split_sara_am,
    remove_duplicated_marks,
    remove_space_before_marks,
    remove_zero_width,
    replace_odd_spaces,
    replace_private_use_glyphs,
    thai_digits_to_arabic,
)

__all__ = [
    "Normalized",
    "normalize",
    "compose_nfc",
    "compose_sara_am",
    "rejoin_split_sara_am",
    "remove_duplicated_marks",
    "remove_space_before_marks",
    "remove_zero_width",
    "replace_odd_spaces",
    "replace_private_use_glyphs",
    "thai_digits_to_arabic",
]


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text and, for each of its offsets, the offset in the raw text.

    ``to_raw`` has ``len(text) + 1`` entries, never decreasing; the last one is
    the raw text's length.
    """

    text: str
    to_raw: tuple[int, ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the raw text that the normalized span ``[start, end)`` came from."""
        start = min(max(start, 0), len(self.text))
        end = min(max(end, start), len(self.text))
        if end == start:
            return self.to_raw[start], self.to_raw[start]
        # the raw end is where the character after the span's last one began
        return self.to_raw[start], self.to_raw[end - 1] + _raw_width(self.to_raw, end - 1)


def _raw_width(to_raw: tuple[int, ...], i: int) -> int:
    """How many raw characters the normalized character ``i`` stands for (at least 1)."""
    return max(to_raw[i + 1] - to_raw[i], 1)


# Length-changing rules, in the order normalize() applies them. Written as regex
# substitutions applied by _sub_mapped rather than calling pythainlp.util.normalize,
# because that returns only the new string and we must keep the offset map.
_RULES: list[tuple[re.Pattern[str], str]] = [
    (ZERO_WIDTH, ""),                      # remove_zero_width
    (SPACE_BEFORE_MARK, ""),               # remove_space_before_marks
    (SPLIT_SARA_AM, "\\1\u0e33"),          # rejoin_split_sara_am
    (SARA_AM_TONE_FIRST, "\\1\u0e33"),     # compose_sara_am (tone mark first)
    (SARA_AM, "\\1\u0e33"),                # compose_sara_am
    (DUPLICATED_MARK, "\\1"),              # remove_duplicated_marks
]
# What a rule's every match contains: without it in the text the rule is skipped
# (those two patterns start with a look-behind or a tone mark, so the regex engine
# tries them at nearly every position of a Thai text, ~0.1 ms per 7,000 characters).
_NEEDS = {SPLIT_SARA_AM: " \u0e32", SARA_AM_TONE_FIRST: "\u0e4d\u0e32"}


def _sub_mapped(pattern: re.Pattern[str], repl: str, text: str, to_raw: list[int]) -> tuple[str, list[int]]:
    """``pattern.sub(repl, text)`` that also carries the offset map through."""
    out: list[str] = []
    new_map: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos:m.start()])
        new_map.extend(to_raw[pos:m.start()])
        replacement = m.expand(repl)
        out.append(replacement)
        # every character of the replacement points into the matched raw span
        width = m.end() - m.start()
        new_map.extend(to_raw[m.start() + min(i, max(width - 1, 0))] for i in range(len(replacement)))
        pos = m.end()
    if not out:
        return text, to_raw
    out.append(text[pos:])
    new_map.extend(to_raw[pos:])
    return "".join(out), new_map


def normalize(raw: str) -> Normalized:
    """Repair Thai text for matching, keeping a map back to ``raw``.

    Steps, in order:

    1. :func:`replace_private_use_glyphs`, :func:`replace_odd_spaces` (1:1)
    2. :func:`compose_nfc` (never NFKC; again after the last step)
    3. :func:`remove_zero_width`
    4. :func:`remove_space_before_marks`
    5. :func:`rejoin_split_sara_am`
    6. :func:`compose_sara_am`
    7. :func:`remove_duplicated_marks`

    Thai digits are kept (the extractors fold them with
    :func:`thai_digits_to_arabic`, which keeps offsets), so the normalized text
    is still the document's own writing.

    >>> normalize("ส\\u0e4d\\u0e32นักงาน\\u200b ๑๒").text
    'สำนักงาน ๑๒'
    """
    text = replace_odd_spaces(replace_private_use_glyphs(raw))
    to_raw = list(range(len(raw) + 1))
    text, to_raw = _nfc_keeping_map(text, to_raw)
    body = to_raw[:-1]
    for pattern, repl in _RULES:
        if _NEEDS.get(pattern, "") in text:
            text, body = _sub_mapped(pattern, repl, text, body)
    # a rule may bring two marks together that NFC orders canonically
    text, body = _nfc_keeping_map(text, body + [len(raw)])
    body = body[:-1]
    return Normalized(text, tuple(body) + (len(raw),))


def _nfc_keeping_map(text: str, to_raw: list[int]) -> tuple[str, list[int]]:
    """NFC, carrying the map: Thai only reorders marks (same length, same map)."""
    nfc = compose_nfc(text)
    if nfc == text:
        return text, to_raw
    if len(nfc) == len(text):
        return nfc, to_raw
    composed, inner = _nfc_mapped(text)
    return composed, [to_raw[i] for i in inner]


def _nfc_mapped(raw: str) -> tuple[str, list[int]]:
    """NFC of ``raw`` with an offset map, composing one grapheme run at a time."""
    import unicodedata

    out: list[str] = []
    mapping: list[int] = []
    i = 0
    while i < len(raw):
        j = i + 1
        while j < len(raw) and unicodedata.combining(raw[j]):
            j += 1
        piece = unicodedata.normalize("NFC", raw[i:j])
        out.append(piece)
        mapping.extend(i + min(k, j - i - 1) for k in range(len(piece)))
        i = j
    mapping.append(len(raw))
    return "".join(out), mapping
