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
