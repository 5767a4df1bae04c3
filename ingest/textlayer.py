"""A PDF page's own text layer: rebuilt from pdfplumber's characters, repaired, and judged.

pdfplumber's ``extract_text`` sorts characters by position, which breaks
Thai: a tone mark drawn a little right of its consonant moves past the next
letter (``ที่ยั่งยืน`` -> ``ทีย่ งั่ ยืน``) and zero-width marks get spaces
before them. The content stream already holds the characters in reading
order, so lines are rebuilt in that order, with spaces and line breaks from
the gaps between glyphs. What cannot be rebuilt (``(cid:N)`` glyphs with no
Unicode, a split sara am, stray marks) is measured by
:func:`text_layer_damage`; :func:`read_text_layer` keeps, beside the text,
what each font drew and where each line sits, for the checks of
ingest/layer_check.py (a layer can also be whole and still wrong).
"""
from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from saraban.ingest import Word
from saraban.ingest.layout import words_from_chars
from saraban.normalizers.thai import compose_sara_am, replace_private_use_glyphs

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
    chars = list(chars)
    for i, ch in enumerate(chars):
        text, size = ch["text"], float(ch.get("size") or 10.0)
        x0, x1, top = float(ch["x0"]), float(ch["x1"]), float(ch["top"])
        if _is_nikhahit_space(chars, i):
            text = "\u0e4d"
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


def _is_nikhahit_space(chars: list[Mapping[str, Any]], i: int) -> bool:
    """Is ``chars[i]`` a space of no width between a Thai letter and sara aa?

    Word 2007 writes the sara am of TH SarabunIT๙ as two glyphs and maps the
    nikhahit one to a space, zero-width: ``ต าบล`` for ``ตำบล`` (r13: all 27
    zero-width spaces of its two pages stand there; the dev PDFs, r14 and r15
    have none). That space is the nikhahit, so the pair is sara am again.
    """
    ch = chars[i]
    if ch["text"] != " " or i == 0 or i + 1 >= len(chars) or chars[i + 1]["text"] != "\u0e32":
        return False
    size = float(ch.get("size") or 10.0)
    return (float(ch["x1"]) - float(ch["x0"]) < _ZERO_WIDTH * size
            and "\u0e01" <= chars[i - 1]["text"] <= "\u0e4e")


# A glyph narrower than this share of the font size has no advance (r13's nikhahit spaces: 0).
_ZERO_WIDTH = 0.01


def repair_text_layer(text: str) -> str:
    """Undo the damage PDF producers do to Thai that can be undone exactly.

    - sara am followed by the glyph of its sara aa half, which has no Unicode:
      the ``(cid:N)`` is dropped;
    - private-use glyph variants of TH SarabunPSK-family fonts -> Thai letters;
    - a tone mark stored before the vowel above it -> vowel, then tone mark;
    - nikhahit + sara aa (as :func:`rebuild_text` gives r13's split sara am) -> sara am.

    >>> repair_text_layer("การดำ(cid:63)เนินการ")
    'การดำเนินการ'
    >>> repair_text_layer("ที\\u0e48\\u0e35")  # mai ek before sara ii
    'ที\\u0e35\\u0e48'
    >>> repair_text_layer("ต\\u0e4d\\u0e32บล")
    'ตำบล'
    """
    text = _SARA_AM_CID.sub("\u0e33", text)
    text = replace_private_use_glyphs(text)
    return compose_sara_am(_TONE_BEFORE_VOWEL.sub(r"\2\1", text))


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


@dataclass(frozen=True, slots=True)
class FontText:
    """The characters one font drew on a page, in drawing order (its name as the PDF gives it)."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class LayerLine:
    """One line of a text layer and its box, in points from the top left of the page as rendered."""

    text: str                             # its characters as drawn, not repaired
    x0: float
    top: float
    x1: float
    bottom: float
    fonts: tuple[tuple[str, int], ...]    # (font name, characters it drew on this line)


@dataclass(frozen=True, slots=True)
class TextLayer:
    """A page's text layer: its rebuilt and repaired text, what each font drew, its lines and words.

    ``words`` have their boxes in points on a page of ``width`` x ``height``
    points (ingest/layout.py ``words_from_chars``), in the order of the text.
    """

    text: str
    fonts: tuple[FontText, ...] = ()
    lines: tuple[LayerLine, ...] = ()
    words: tuple[Word, ...] = field(default=(), repr=False)
    width: int | None = None
    height: int | None = None


def font_name(ch: Mapping[str, Any]) -> str:
    """The font name of a pdfplumber character, as text.

    A name that is not UTF-8 reaches pdfplumber as bytes, and it gives
    their repr; Thai font names are then TIS-620 (cp874), as Word writes
    TH SarabunIT๙.

    >>> font_name({"fontname": "b'ABCDEE+TH SarabunIT\\\\xf9,Bold'"})
    'ABCDEE+TH SarabunIT๙,Bold'
    >>> font_name({"fontname": "JIFQTF+THSarabunPSK"})
    'JIFQTF+THSarabunPSK'
    """
    return _font_name(ch.get("fontname") or "")


@functools.lru_cache(maxsize=256)
def _font_name(name: str | bytes) -> str:
    if isinstance(name, str) and name.startswith(("b'", 'b"')):
        try:
            name = ast.literal_eval(name)
        except (ValueError, SyntaxError):
            return name
    if isinstance(name, bytes):
        for codec in ("utf-8", "cp874", "latin-1"):
            try:
                return name.decode(codec)
            except UnicodeDecodeError:
                continue
    return str(name)


def read_text_layer(chars: Iterable[Mapping[str, Any]]) -> TextLayer:
    """The text layer of pdfplumber ``page.chars``: text, fonts and lines.

    The lines are cut where :func:`rebuild_text` starts one (a glyph lower
    by half its size, or a jump back left), before any soft break is joined,
    and put in reading order when the content stream drew them out of it
    (:func:`_reading_order`).
    """
    chars = list(chars)
    texts = ["\u0e4d" if _is_nikhahit_space(chars, i) else ch["text"] for i, ch in enumerate(chars)]
    names = [font_name(ch) for ch in chars]
    by_font: dict[str, list[str]] = {}
    for name, text in zip(names, texts):
        by_font.setdefault(name, []).append(text)
    spans: list[tuple[int, int]] = []
    start = 0
    line_top = prev_x1 = None
    for i, ch in enumerate(chars):
        if texts[i] in _MARKS:
            continue
        size = float(ch.get("size") or 10.0)
        x0, x1, top = float(ch["x0"]), float(ch["x1"]), float(ch["top"])
        if line_top is not None and (abs(top - line_top) > 0.5 * size or x0 < prev_x1 - 2 * size):
            spans.append((start, i))
            start, line_top = i, top
        if line_top is None:
            line_top = top
        prev_x1 = x1
    if start < len(chars):
        spans.append((start, len(chars)))
    lines = [_line(chars[a:b], texts[a:b], names[a:b]) for a, b in spans]
    order = _reading_order(lines)
    if order != list(range(len(lines))):
        chars = [ch for k in order for ch in chars[spans[k][0]:spans[k][1]]]
        texts = [t for k in order for t in texts[spans[k][0]:spans[k][1]]]
        lines = [lines[k] for k in order]
    return TextLayer(
        text=repair_text_layer(rebuild_text(chars)),
        fonts=tuple(FontText(name, "".join(texts)) for name, texts in by_font.items()),
        lines=tuple(line for line in lines if line.text.strip()),
        words=words_from_chars(ch if t == ch["text"] else {**ch, "text": t} for ch, t in zip(chars, texts)),
    )


def _reading_order(lines: list[LayerLine]) -> list[int]:
    """The lines' order on the page: as drawn, or top to bottom when drawn out of order in one column.

    Microsoft Reporting Services (r14) draws its text boxes in no order, the
    title after the first paragraphs (page CER 12.8 %; 0.0 % top to bottom).
    Word and fpdf2 draw top to bottom already (the dev PDFs, r13, r15: no
    change). A page with lines side by side, in columns or table cells, keeps
    the order it was drawn in: sorted by height its columns would interleave.
    """
    drawn = list(range(len(lines)))
    shown = [line for line in lines if line.text.strip()]
    if not any(b.top < a.top - 0.5 * (a.bottom - a.top) for a, b in zip(shown, shown[1:])):
        return drawn                                       # never goes back up the page
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
            if overlap > 0.5 * min(a.bottom - a.top, b.bottom - b.top) and (a.x1 <= b.x0 or b.x1 <= a.x0):
                return drawn                               # side by side: columns or cells
    return sorted(drawn, key=lambda k: lines[k].top)


def _line(chars: list[Mapping[str, Any]], texts: list[str], names: list[str]) -> LayerLine:
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return LayerLine(
        text="".join(texts),
        x0=float(min(ch["x0"] for ch in chars)), top=float(min(ch["top"] for ch in chars)),
        x1=float(max(ch["x1"] for ch in chars)), bottom=float(max(ch["bottom"] for ch in chars)),
        fonts=tuple(counts.items()),
    )
