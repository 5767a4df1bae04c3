"""Where the text of a page stands on it: words placed in the page text, and a span's boxes.

OCR pages come with one :class:`~saraban.ingest.Word` per token (tesseract's
boxes, joined in ingest/ocr.py); text-layer PDF pages get theirs here, from
pdfplumber's character boxes (:func:`words_from_chars`). Either way the
page's final text went through repairs the words never saw (tone marks
restored, years fixed, split sara am joined, ``(cid:N)`` glyphs dropped), so
the words are not trusted to carry offsets: :func:`place_words` aligns them
to the page text, in order, tolerant of small differences, the same way for
both kinds of page. :func:`span_boxes` then gives the boxes of any span of
that text, one per line, normalized to the page (0-1).
"""
from __future__ import annotations

import bisect
import math
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from rapidfuzz.distance import Levenshtein

from saraban.ingest import Word

# Thai marks drawn over or under the letter before them: no advance of their own, so
# they take no width when a part of a word's box is measured out.
_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
_DIGITS = re.compile(r"[0-9๐-๙]")
_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Flags of a placed word.
REREAD = 1          # a re-read from the image changed what tesseract read (Word.origin)
DIGITS_CHANGED = 2  # the page text holds other digits than the word read (a year repaired after OCR)


class PlacedWord(NamedTuple):
    """A word of a page with its place in the page text (``start``-``end``) and on the page (pixels or points)."""

    start: int
    end: int
    left: int
    top: int
    width: int
    height: int
    confidence: int   # tesseract's, times 10 (0-1000); -1 for a text layer
    flags: int        # REREAD | DIGITS_CHANGED


# --- text-layer pages: words from pdfplumber's characters

# A gap wider than this share of the font size between two glyphs of a line
# separates words even with no space character (rebuild_text puts a space at 0.2).
_WORD_GAP = 0.2


def words_from_chars(chars: Iterable[Mapping[str, Any]]) -> tuple[Word, ...]:
    """Words of a text-layer page from pdfplumber ``page.chars``, boxes in points (rounded outward).

    A word ends at a space glyph, a gap, a new line (a glyph lower by half its
    size, or a jump back left, as ``textlayer.rebuild_text`` cuts lines) and
    where digits meet letters, so a number glued to a Thai word gets its own box.
    """
    words: list[Word] = []
    cur: list[Mapping[str, Any]] = []

    def flush() -> None:
        if cur:
            text = "".join(str(c["text"]) for c in cur)
            x0 = min(float(c["x0"]) for c in cur)
            x1 = max(float(c["x1"]) for c in cur)
            top = min(float(c["top"]) for c in cur)
            bottom = max(float(c["bottom"]) for c in cur)
            left, up = math.floor(x0), math.floor(top)
            words.append(Word(text, left, up, max(math.ceil(x1) - left, 1), max(math.ceil(bottom) - up, 1), -1.0))
            cur.clear()

    line_top = prev_x1 = None
    prev_digit = False
    for ch in chars:
        text = str(ch.get("text") or "")
        if not text or text.isspace():
            flush()
            continue
        size = float(ch.get("size") or 10.0)
        x0, x1, top = float(ch["x0"]), float(ch["x1"]), float(ch["top"])
        mark = text in _MARKS
        digit = bool(_DIGITS.fullmatch(text))
        if line_top is None or top > line_top + size / 2 or top < line_top - size / 2 or x0 < prev_x1 - size:
            flush()
            line_top = top
        elif not mark and (x0 - prev_x1 > _WORD_GAP * size or (cur and digit != prev_digit)):
            flush()
        cur.append(ch)
        prev_x1 = max(prev_x1 or x1, x1) if mark else x1
        if not mark:
            prev_digit = digit
    flush()
    return tuple(words)


# --- any page: words placed in the page text


def place_words(text: str, words: Sequence[Word]) -> list[PlacedWord]:
    """Each word that can be found in ``text``, in order, with its offsets there.

    The words' letters (white space dropped) are aligned to the text's by
    edit operations (rapidfuzz ``Levenshtein.opcodes``), so a tone mark the
    text gained or a digit it changed moves nothing else; a word none of whose
    letters is in the text is left out. One alignment for OCR and text-layer
    pages alike.

    >>> from saraban.ingest import Word
    >>> ws = [Word("ลงวันที", 0, 0, 60, 20, 91.0), Word("๒๒", 70, 0, 20, 20, 55.0)]
    >>> [(p.start, p.end, p.flags) for p in place_words("ลงวันที่ ๒๓", ws)]
    [(0, 8, 0), (9, 11, 2)]
    """
    positions = [i for i, c in enumerate(text) if not c.isspace()]
    letters = "".join(text[i] for i in positions)
    owner: list[int] = []
    flat_parts = []
    for k, w in enumerate(words):
        part = "".join(w.text.split())
        flat_parts.append(part)
        owner.extend([k] * len(part))
    flat = "".join(flat_parts)
    first: list[int | None] = [None] * len(words)
    last: list[int | None] = [None] * len(words)

    def put(word_char: int, text_char: int) -> None:
        k = owner[word_char]
        pos = positions[text_char]
        if first[k] is None:
            first[k] = pos
        last[k] = pos

    if flat == letters:
        for j in range(len(flat)):
            put(j, j)
    else:
        for op in Levenshtein.opcodes(flat, letters):
            if op.tag in ("equal", "replace"):
                for d in range(min(op.src_end - op.src_start, op.dest_end - op.dest_start)):
                    put(op.src_start + d, op.dest_start + d)
    out = []
    for k, w in enumerate(words):
        start, end = first[k], last[k]
        if start is None or end is None:
            continue
        end += 1
        while end < len(text) and text[end] in _MARKS:   # marks the text gained stay with their letter
            end += 1
        flags = REREAD if w.origin else 0
        if _digits(w.text) != _digits(text[start:end]):
            flags |= DIGITS_CHANGED
        conf = round(w.confidence * 10) if w.confidence >= 0 else -1
        out.append(PlacedWord(start, end, w.left, w.top, w.width, w.height, conf, flags))
    return out


def _digits(s: str) -> str:
    return "".join(_DIGITS.findall(s)).translate(_THAI_TO_ARABIC)


# --- a span of the text: its words, its boxes


def words_in_span(words: Sequence[PlacedWord], start: int, end: int) -> list[PlacedWord]:
    """The placed words that share at least one character with ``[start, end)`` (words are in text order).

    Plain 8-tuples in PlacedWord's order work too (their start and end are read
    by position): a reprocess unpacks a page's stored words and makes PlacedWords
    only of those a record covers (a fifth of the boxes' cost, bench/archive.py).
    """
    i = bisect.bisect_right(words, start, key=_end)   # the first word that ends after start
    out = []
    while i < len(words) and words[i][0] < end:
        if words[i][1] > start:
            out.append(words[i])
        i += 1
    return out


_end = operator.itemgetter(1)    # PlacedWord.end


def span_boxes(text: str, words: Sequence[PlacedWord], start: int, end: int,
               width: int, height: int) -> list[tuple[float, float, float, float]]:
    """The boxes ``(x, y, w, h)``, 0-1 of the page, of the text ``[start, end)``: one per line it covers.

    A word only partly in the span gives the part of its box its letters take,
    each letter counted alike and marks not at all (Thai digits and letters
    are near enough one width in the fonts of official letters).
    """
    if not width or not height:
        return []
    return boxes_of_words(text, words_in_span(words, start, end), start, end, width, height)


def boxes_of_words(text: str, words: Sequence[PlacedWord], start: int, end: int,
                   width: int, height: int) -> list[tuple[float, float, float, float]]:
    """:func:`span_boxes` of words already chosen by :func:`words_in_span`."""
    if not width or not height:
        return []
    lines: list[list[float]] = []
    for w_start, w_end, left, top, w_width, w_height, _, _ in words:   # unpacked once: a reprocess boxes every record
        right, bottom = left + w_width, top + w_height
        if w_start < start or w_end > end:
            total = _advance(text, w_start, w_end) or 1
            before = _advance(text, w_start, max(start, w_start))
            inside = _advance(text, max(start, w_start), min(end, w_end))
            left, right = left + w_width * before / total, left + w_width * (before + inside) / total
        if lines:
            box = lines[-1]
            if box[1] <= (top + bottom) / 2 <= box[3] and left >= box[0] - w_height:   # on the same line, going right
                box[:] = [min(box[0], left), min(box[1], top), max(box[2], right), max(box[3], bottom)]
                continue
        lines.append([left, top, right, bottom])
    return [(round(x0 / width, 4), round(y0 / height, 4), round((x1 - x0) / width, 4), round((y1 - y0) / height, 4))
            for x0, y0, x1, y1 in lines]


# Marks and every white space character (str.isspace), deleted by str.translate: counting what is
# left in C took the boxes of a reprocess from 4 to 2 us a record (text-layer PDFs, bench/archive.py)
_NO_ADVANCE = dict.fromkeys(map(ord, _MARKS | {c for c in map(chr, range(0x3000 + 1)) if c.isspace()}))


def _advance(text: str, start: int, end: int) -> int:
    """Letters of ``text[start:end]`` that take width (marks and white space do not).

    >>> _advance("เดือน ที่ ๑", 0, 11)
    6
    """
    return len(text[start:end].translate(_NO_ADVANCE))
