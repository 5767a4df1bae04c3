"""Put back tone marks that OCR drops from over a vowel, where the Thai lexicon is sure.

In the loopless fonts of Thai letters a tone mark stacked on an upper vowel
sits high above the line, and tesseract's ``tha`` model leaves it out:
``ที่`` comes out ``ที``, ``เคลื่อน`` ``เคลือน``, ``ยั่งยืน`` ``ยังยืน`` (0.8% of
all characters of the dev scans). A dropped mark turns a common word into a
rare word or a non-word, so the word frequencies of the Thai National
Corpus (shipped with PyThaiNLP, read offline) decide, twice: a spelling
is a candidate only when the word with the mark is at least RATIO times as
frequent as the spelling read; it is repaired only when the best
segmentation of the text around it into words (a unigram model over the
same frequencies) is likelier with the mark than without, by MARGIN
(``ทีม`` stays ``ทีม``; ``พัฒนาที`` becomes ``พัฒนาที่`` although ``นาที`` is a word).
"""
from __future__ import annotations

import functools
import math
import os

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

# mai han-akat, sara i, sara ii, sara ue, sara uee: the vowels a tone mark stacks on.
_UPPER_VOWELS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37")
# mai ek, mai tho, mai tri, mai chattawa, and thanthakhat / nikhahit that also sit there.
_TOP_MARKS = frozenset("\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d")
_TONES = "\u0e48\u0e49\u0e4a\u0e4b"
RATIO = 20          # the marked word must be this many times as frequent
MIN_FREQ = 30       # ... and at least this frequent in the TNC
_BEFORE, _AFTER = 4, 6   # how far a word may reach before and after the vowel
_CONTEXT = 12            # characters either side that the segmentation looks at
MARGIN = math.log(5)     # log-likelihood the repaired reading must gain
_MAX_WORD = 20


@functools.cache
def _lexicon() -> tuple[dict[str, tuple[str, int]], dict[str, float]]:
    """{spelling without a stacked tone mark: (word, insert index)} and {word: log probability}."""
    from pythainlp.corpus import thai_words
    from pythainlp.corpus.tnc import word_freqs

    freq = {w: int(f) for w, f in word_freqs()}
    total = sum(freq.values())
    logp = {w: math.log(max(f, 1) / total) for w, f in freq.items()}
    for w in thai_words():
        logp.setdefault(w, math.log(1 / total))
    repairs: dict[str, tuple[str, int]] = {}
    for word, f in freq.items():
        if f < MIN_FREQ:
            continue
        for i in range(1, len(word)):
            if word[i] in _TONES and word[i - 1] in _UPPER_VOWELS:
                bare = word[:i] + word[i + 1:]
                if f >= RATIO * freq.get(bare, 0) and (bare not in repairs or freq[repairs[bare][0]] < f):
                    repairs[bare] = (word, i)
    return repairs, logp


_UNKNOWN = math.log(1e-9)   # a character no word covers


def _segment_logp(text: str, logp: dict[str, float]) -> float:
    """Log probability of the likeliest split of ``text`` into words (unigram model)."""
    best = [0.0] + [-math.inf] * len(text)
    for end in range(1, len(text) + 1):
        cand = best[end - 1] + _UNKNOWN
        for start in range(max(0, end - _MAX_WORD), end):
            lp = logp.get(text[start:end])
            if lp is not None and best[start] + lp > cand:
                cand = best[start] + lp
        best[end] = cand
    return best[-1]


def restore_tone_marks(text: str) -> str:
    """Insert a stacked tone mark where a frequent word lost it.

    >>> restore_tone_marks("การพัฒนาทียังยืน ขับเคลือน")
    'การพัฒนาที่ยั่งยืน ขับเคลื่อน'
    >>> restore_tone_marks("ทีมงาน ทีละคน")
    'ทีมงาน ทีละคน'
    """
    repairs, logp = _lexicon()
    out = list(text)
    inserts: list[tuple[int, str]] = []
    n = len(text)
    for p, ch in enumerate(text):
        if ch not in _UPPER_VOWELS or (p + 1 < n and text[p + 1] in _TOP_MARKS):
            continue
        marks = set()
        for s in range(max(0, p - _BEFORE), p):
            for e in range(p + 1, min(n, p + _AFTER) + 1):
                hit = repairs.get(text[s:e])
                if hit is not None and s + hit[1] - 1 == p:     # the mark goes right after this vowel
                    marks.add(hit[0][hit[1]])
        if not marks:
            continue
        lo, hi = max(0, p - _CONTEXT), min(n, p + 1 + _CONTEXT)
        before = _segment_logp(text[lo:hi], logp)
        scored = [(_segment_logp(text[lo:p + 1] + m + text[p + 1:hi], logp), m) for m in marks]
        after, mark = max(scored)
        if after - before > MARGIN:
            inserts.append((p + 1, mark))
    for pos, mark in reversed(inserts):
        out.insert(pos, mark)
    return "".join(out)
