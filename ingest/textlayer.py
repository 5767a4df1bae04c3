"""A PDF page's own text layer: rebuilt from pdfplumber's characters, repaired, and judged.

pdfplumber's ``extract_text`` sorts characters by position, which breaks
Thai: a tone mark drawn a little right of its consonant moves past the next
letter (``ที่ยั่งยืน`` -> ``ทีย่ งั่ ยืน``) and zero-width marks get spaces
before them. The content stream already holds the characters in reading
order, so lines are rebuilt in that order, with spaces and line breaks from
the gaps between glyphs. What cannot be rebuilt (``(cid:N)`` glyphs with no
Unicode, a split sara am, stray marks) is measured by
:func:`text_layer_damage`, and a page over the limit is OCR'd instead.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from saraban.normalizers.thai import replace_private_use_glyphs

# Thai marks drawn over or under the consonant before them (no advance of their own):
# mai han-akat, sara i..sara phinthu, mai taikhu..yamakkan.
_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
_CID = re.compile(r"\(cid:\d+\)")
# sara am, then the glyph with no Unicode that a shaper drew for its sara aa half.
_SARA_AM_CID = re.compile(r"\u0e33\(cid:\d+\)")
# tone mark written before the vowel above it: mai ek..mai chattawa, then mai han-akat/sara i..sara uee.
_TONE_BEFORE_VOWEL = re.compile(r"([\u0e48-\u0e4b])([\u0e31\u0e34-\u0e37])")


@dataclass(frozen=True, slots=True)
class Damage:
    """How broken a text layer is, as counts and shares of its Thai letters."""

    chars: int            # visible characters
    thai: int             # Thai characters
    cid: int              # (cid:N) glyphs left after repair
    pua: int              # private-use code points left after repair
    split_marks: int      # a space before a combining mark, or before sara aa / sara am
    bad_clusters: int     # marks with no consonant, leading vowels before no consonant

    @property
    def share(self) -> float:
        """Damaged places per visible character."""
        return (self.cid + self.pua + self.split_marks + self.bad_clusters) / max(self.chars, 1)


def rebuild_text(chars: Iterable[Mapping[str, Any]]) -> str:
    """The text of pdfplumber ``page.chars`` in content-stream order, with spaces and newlines.

    A new line starts where a glyph sits lower than the line's baseline by
    more than half its size, or jumps back left; a space goes where the gap
    to the previous glyph is over a fifth of the font size. A line that runs
    to the right margin of the page's text was wrapped there by the layout,
    its sentence goes on below: that break is a space, as for OCR'd pages
    (ingest/ocr.py ``soft_line_breaks``), so a date or count wrapped at the
    margin (``วันที่ ๒๙`` / ``กันยายน``) stays one phrase.
    """
    out: list[str] = []
    breaks: list[tuple[int, float]] = []       # (index in out of a line break, right end of the line before it)
    lefts: list[float] = []
    line_top = prev_x1 = None
    line_right = 0.0
    for ch in chars:
        text, size = ch["text"], float(ch.get("size") or 10.0)
        x0, x1, top = float(ch["x0"]), float(ch["x1"]), float(ch["top"])
        is_mark = text in _MARKS
        if line_top is None:
            line_top, prev_x1, line_right = top, x1, x1
            lefts.append(x0)
            out.append(text)
            continue
        if not is_mark and (abs(top - line_top) > 0.5 * size or x0 < prev_x1 - 2 * size):
            breaks.append((len(out), line_right))
            out.append("\n")
            line_top, line_right = top, x1
            lefts.append(x0)
        elif not is_mark and x0 - prev_x1 > 0.2 * size and out and out[-1] not in (" ", "\n") and text != " ":
            out.append(" ")
        out.append(text)
        if not is_mark:
            prev_x1 = x1
            if text.strip():
                line_right = max(line_right, x1)
    if breaks:
        rights = [r for _, r in breaks] + [line_right]
        left, right = min(lefts), max(rights)
        slack = _FULL_LINE * (right - left)
        for index, line_end in breaks:
            if line_end >= right - slack:
                out[index] = " "
    return "".join(out)


# A line whose right end lies within this share of the text width from the right
# margin is full (the same rule as ingest/ocr.py _FULL_LINE).
_FULL_LINE = 0.06


def repair_text_layer(text: str) -> str:
    """Undo the damage PDF producers do to Thai that can be undone exactly.

    - sara am followed by the glyph of its sara aa half, which has no Unicode:
      the ``(cid:N)`` is dropped;
    - private-use glyph variants of TH SarabunPSK-family fonts -> Thai letters;
    - a tone mark stored before the vowel above it -> vowel, then tone mark.

    >>> repair_text_layer("การดำ(cid:63)เนินการ")
    'การดำเนินการ'
    >>> repair_text_layer("ที\\u0e48\\u0e35")  # mai ek before sara ii
    'ที\\u0e35\\u0e48'
    """
    text = _SARA_AM_CID.sub("\u0e33", text)
    text = replace_private_use_glyphs(text)
    return _TONE_BEFORE_VOWEL.sub(r"\2\1", text)


# A combining mark after white space or at the start; a following vowel (sara a, aa, am)
# after white space; a leading vowel (sara e..sara ai maimalai) before no consonant.
_SPLIT_MARK = re.compile(r"\s[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0e30\u0e32\u0e33]")
_ORPHAN_MARK = re.compile(r"(?<![\u0e01-\u0e2e\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0e24\u0e26])[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_BAD_LEADING = re.compile(r"[\u0e40-\u0e44](?![\u0e01-\u0e2e\u0e40])")


def text_layer_damage(text: str) -> Damage:
    """Count what is still wrong in a (repaired) text layer.

    >>> text_layer_damage("ค าน า").split_marks
    2
    >>> text_layer_damage("คำนำ").share
    0.0
    """
    visible = sum(not c.isspace() for c in text)
    thai = sum("\u0e00" <= c <= "\u0e7f" for c in text)
    split = len(_SPLIT_MARK.findall(text))
    orphans = len(_ORPHAN_MARK.findall(text)) - len(re.findall(r"\s[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", text))
    return Damage(
        chars=visible, thai=thai,
        cid=len(_CID.findall(text)),
        pua=sum("\ue000" <= c <= "\uf8ff" for c in text),
        split_marks=split,
        bad_clusters=max(orphans, 0) + len(_BAD_LEADING.findall(text)),
    )


# Fewer visible characters than this and the page has no usable text layer
# (a scan with a page number stamped on, a blank page).
MIN_LAYER_CHARS = 20
# Damaged places per character above which OCR reads the page better:
# pdfplumber's raw text of the dev corpus has ~10% CER, a repaired layer under 0.5%.
MAX_DAMAGE_SHARE = 0.01
