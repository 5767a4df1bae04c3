"""The repair stages of an OCR page: where tesseract is known to fail on Thai letters, read again.

Each repair stage is a function of the page context (ingest/page_context.py:
the gray page, tesseract's text, words and boxes, the options, the fixes
already accepted) that returns the fixes it proposes. They run in the order
of :data:`REPAIR_STAGES`; :func:`merge_fixes` is the one place that decides
what wins when two stages touch the same text (:data:`PRECEDENCE`). Then
the text stages (:data:`TEXT_STAGES`) repair the whole text. Every stage can
be switched off by name (``ReadOptions.disabled_stages``), and
bench/ocr_accuracy.py prints what each gains on the rendered dev pages and
on the real scans.

    digit_runs -> letters_read_as_digits -> lookalike_numbers -> latin_numbers -> sdg_targets
    -> latin_misreads -> thai_misreads -> number_gaps -> soft_line_breaks
    then: tone_marks -> be_years
"""
from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections.abc import Callable, Iterable

import numpy as np
from rapidfuzz.distance import Levenshtein

from saraban.corpus import targets
from saraban.ingest import Word
from saraban.ingest.digits import (
    ARABIC_DIGITS, LOOKALIKE_MAX_DISTANCE, THAI_DIGITS, page_fonts, read_glyphs, reread_as_letters, reread_digits,
    reread_lookalike,
)
from saraban.ingest.numbers import correct_numbers
from saraban.ingest.page_context import Fix, OcrResult, PageContext, Token
from saraban.ingest.tone_marks import restore_tone_marks
from saraban.normalizers.thai import compose_sara_am, thai_digits_to_arabic

log = logging.getLogger(__name__)

RepairStage = Callable[[PageContext], list[Fix]]
TextStage = Callable[[str], str]


# --- boxes and crops ----------------------------------------------------------

def _union(boxes: Iterable[Word]) -> tuple[int, int, int, int]:
    bs = list(boxes)
    left, top = min(b.left for b in bs), min(b.top for b in bs)
    right, bottom = max(b.left + b.width for b in bs), max(b.top + b.height for b in bs)
    return left, top, right - left, bottom - top


def _run_crop(gray: np.ndarray, box: tuple[int, int, int, int], pad_x: float = 1.5, pad_y: float = 0.35,
              ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The crop around ``box`` (left, top, width, height) padded by shares of its height,
    and the box's place in it (left, right, top, bottom), as the digit readers take them."""
    left, top, width, height = _clip(box, gray.shape)
    px, py = int(pad_x * height), int(pad_y * height)
    x0, y0 = max(0, left - px), max(0, top - py)
    x1, y1 = min(gray.shape[1], left + width + px), min(gray.shape[0], top + height + py)
    return gray[y0:y1, x0:x1], (left - x0, left + width - x0, top - y0, top + height - y0)


def _text_box(ctx: PageContext, start: int, end: int) -> tuple[int, int, int, int] | None:
    """The union box of the characters text[start:end], None when none has a box."""
    idx = {b for b in ctx.char_box[start:end] if b is not None}
    return _union(ctx.result.boxes[i] for i in idx) if idx else None


def _claimed(ctx: PageContext, start: int, end: int | None = None) -> bool:
    """Whether an accepted fix already covers text[start] (or overlaps [start, end))."""
    end = start + 1 if end is None else end
    return any(f.start < end and start < f.end for f in ctx.fixes)


def _gray(ctx: PageContext) -> np.ndarray:
    return np.asarray(ctx.images.gray)


# --- Thai digits ---------------------------------------------------------------

# A run of Thai digits with the punctuation of dates and letter numbers inside it,
# and the letters tesseract puts in place of a digit it cannot read (๗ -> ฒ, ด, ต).
# A ")" after a Thai list number is often read as "1": the run takes Arabic digits and ")" in too.
# The upturned tail of a final ๗ comes back as one more letter (๒๘๗ -> ๒๘๗ซ, ๖๗ -> ๖๗ฒ):
# a run takes in one such letter before a space, and the glyphs decide.
_DIGIT_RUN = re.compile(r"[๐-๙](?:[๐-๙0-9.,/\-ฒดต]*[๐-๙0-9)])?(?:[ซฒดต](?=\s))?")


def _digit_runs(ctx: PageContext) -> list[tuple[re.Match[str], np.ndarray, tuple[int, int, int, int]]]:
    gray = _gray(ctx)
    return [(m, *_run_crop(gray, box)) for m in _DIGIT_RUN.finditer(ctx.text)
            if (box := _text_box(ctx, m.start(), m.end())) is not None]


def _page_fonts(ctx: PageContext) -> tuple[str, ...] | None:
    """Which template fonts this page's Thai digits are set in (cached on the page)."""
    if "fonts" not in ctx.memo:
        runs = _digit_runs(ctx)
        ctx.memo["fonts"] = page_fonts([read_glyphs(crop, core) or [] for _, crop, core in runs]) if runs else None
    return ctx.memo["fonts"]


def digit_runs(ctx: PageContext) -> list[Fix]:
    """Each run of Thai digits read again glyph by glyph from the page (ingest/digits.py).

    Tesseract's ``tha`` model cannot write ๔ ๖ ๗ ๘ ๙ at all: without this
    stage they never appear.
    """
    fonts = _page_fonts(ctx)
    out = []
    for m, crop, core in _digit_runs(ctx):
        new = reread_digits(crop, m.group(), core, fonts=fonts)
        if new is not None and new != m.group():
            log.debug("digit run %r re-read as %r", m.group(), new)
            out.append(Fix(m.start(), m.end(), new, "digit_runs"))
    return out


# An all-digit word in a Thai line that may be Latin capitals read as digits ("SDGs" -> "5065").
_DIGIT_WORD = re.compile(r"(?<![0-9A-Za-z.,/])[0-9]{3,5}(?![0-9A-Za-z.,/])")


def letters_read_as_digits(ctx: PageContext) -> list[Fix]:
    """Latin capitals the tha model read as Arabic digits ("SDGs" -> "5065"), read back as letters."""
    gray = _gray(ctx)
    out = []
    for m in _DIGIT_WORD.finditer(ctx.text):
        idx = {b for b in ctx.char_box[m.start():m.end()] if b is not None}
        if not idx or _claimed(ctx, m.start()):
            continue
        box_text = "".join(ctx.result.boxes[i].text for i in sorted(idx))
        crop, core = _run_crop(gray, _union(ctx.result.boxes[i] for i in idx), 1.0, 1 / 3)
        new = reread_as_letters(crop, box_text, core)
        if new is not None:
            log.debug("number %r re-read as letters %r", m.group(), new)
            out.append(Fix(m.start(), m.end(), new, "letters_read_as_digits"))
    return out


# A short run of symbols, Latin letters and Arabic digits where a Thai page has a
# number tesseract failed to read as one: list numbers ``๓.`` -> ``n.``, ``๑)`` -> ``@``.
_LOOKALIKE = re.compile(r"[^\s\u0e01-\u0e4e\u0e50-\u0e59]{1,5}")
_LOOKALIKE_CHARS = frozenset("@©«®nolLOQ|!)0123456789")
# tesseract's confidence above which an all-Arabic-digit token is left as read.
_TRUSTED_DIGITS = 80.0


def lookalike_numbers(ctx: PageContext) -> list[Fix]:
    """Short symbol or Latin tokens standing where a number is (``๑)`` read as ``@``), re-read as digits."""
    gray = _gray(ctx)
    out = []
    for m in _LOOKALIKE.finditer(ctx.text):
        token = m.group()
        core = token.strip(".,:;()\"'“”-")
        if not core or len(core) > 3 or not set(token) & _LOOKALIKE_CHARS or _claimed(ctx, m.start()):
            continue
        idx = {b for b in ctx.char_box[m.start():m.end()] if b is not None}
        if not idx:
            continue
        run_boxes = [ctx.result.boxes[i] for i in idx]
        if core.isdigit() and min(b.confidence for b in run_boxes) >= _TRUSTED_DIGITS:
            continue
        crop, box = _run_crop(gray, _union(run_boxes))
        new = reread_lookalike(crop, token, box)
        if new is not None and any(f.end == m.start() and f.stage == "digit_runs" for f in ctx.fixes):
            # glued to a Thai number already re-read ("๑๕«": the « is the tail of its ๙), whose
            # glyph run took this ink in: a fragment of that number, not another one
            log.debug("token %r is a piece of the number before it", token)
            out.append(Fix(m.start(), m.end(), "", "lookalike_numbers"))
        elif new is not None and new != token:
            log.debug("token %r re-read as digits %r", token, new)
            out.append(Fix(m.start(), m.end(), new, "lookalike_numbers"))
    return out


# A short Latin word between Thai words, where the eng model claimed a Thai number
# ("ว ๓๓๓๘" -> "ว mame", "๔๙ โครงการ" -> "ee โครงการ", in Kinnari "๘๗๘ อำเภอ" ->
# "Goes อำเภอ"): kept unless every glyph matches a Thai digit template closely.
_LATIN_NUMBER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,5}(?![A-Za-z0-9])")


def latin_numbers(ctx: PageContext) -> list[Fix]:
    """A short Latin word between Thai words whose glyphs are all Thai digits, as those digits."""
    text, gray = ctx.text, _gray(ctx)
    fonts = _page_fonts(ctx)
    out = []
    for m in _LATIN_NUMBER.finditer(text):
        line_start, line_end = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
        before = text[max(line_start, m.start() - 12):m.start()]
        after = text[m.end():m.end() + 12 if line_end < 0 else min(line_end, m.end() + 12)]
        if _claimed(ctx, m.start()) or not (_THAI_LETTER.search(before) and _THAI_LETTER.search(after)):
            continue
        box = _text_box(ctx, m.start(), m.end())
        if box is None:
            continue
        crop, core = _run_crop(gray, box)
        new = reread_digits(crop, m.group(), core, THAI_DIGITS, LOOKALIKE_MAX_DISTANCE, fonts)
        if new is not None and new.isdigit():
            log.debug("Latin word %r between Thai words re-read as digits %r", m.group(), new)
            out.append(Fix(m.start(), m.end(), new, "latin_numbers"))
    return out


# A token shaped like an SDG target, goal number, dot, target number or letter
# ("๑๑.๓", "5.b", "13.C"), as tesseract may have garbled it: "๑๑.ต", "๑๑.ก2", "๕.8", "๑อ.ด".
_TARGET_LIKE = re.compile(r"(?<![^\s/,(])[๐-๙0-9][^\s/,.]{0,2}\.[^\s/,.]{1,3}(?=[\s/,)]|$)")
_TARGET_GLYPHS = (THAI_DIGITS + "ABCabc", ARABIC_DIGITS + "ABCabc")
# A letter target of any goal (13.c is no official target, but slides list it)
_LETTER_TARGET = re.compile(r"(?:1[0-7]|[1-9])\.[abc]")


def sdg_targets(ctx: PageContext) -> list[Fix]:
    """SDG-target-shaped tokens whose glyphs spell a real target tesseract missed.

    Target lists mix Thai digits with Latin letters (``๑๑.A / ๑๑.B``), which
    neither of tesseract's models reads well. The token's glyphs are matched
    against Thai digits and A-C, and against Arabic digits and A-C; the closer
    reading is taken when every glyph matches well and it names one of the 169
    targets (corpus/data/sdg_targets.json) or a letter target of a goal.
    """
    known = targets()
    gray = _gray(ctx)
    out = []
    for m in _TARGET_LIKE.finditer(ctx.text):
        box = _text_box(ctx, m.start(), m.end())
        if box is None:
            continue
        crop, core = _run_crop(gray, box)
        readings = []
        for glyph_set in _TARGET_GLYPHS:
            glyphs = read_glyphs(crop, core, glyph_set)
            if glyphs:
                digits_only = [g for g in glyphs if g.char not in ".,"]   # a neighbouring comma is no part of it
                readings.append((max((g.distance for g in digits_only), default=99.0),
                                 "".join(g.char for g in glyphs).strip(".,")))
        if not readings:
            continue
        worst, new = min(readings)
        code = thai_digits_to_arabic(new).lower()
        if worst <= LOOKALIKE_MAX_DISTANCE and new != m.group() and (code in known or _LETTER_TARGET.fullmatch(code)):
            log.debug("target-like %r re-read as %r", m.group(), new)
            out.append(Fix(m.start(), m.end(), new, "sdg_targets"))
    return out


# --- words read by the wrong model: strips read again in one engine call -------

# A Latin word tesseract is unsure of on a Thai page is often Thai it misread
# through the eng model ("ที่ พล" -> "NWA", "วันที่" -> "TUN"); sure ones are
# real acronyms (UN, SDGs, ESCAP).
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z.'’]*")
_UNSURE_LATIN = 75.0
_SURE_THAI = 80.0
_THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
# A Thai word has at most this many characters per Latin letter the eng model made
# of it (marks and vowels are characters of their own: "lA" for "ได้ที่" is 3).
_MAX_GROWTH = 4
# Two upper vowels on one consonant: the tha model reads a vowel with a tone mark
# stacked on it as two vowels (ที่ -> ทิี); the second is the one printed.
_DOUBLE_UPPER = re.compile("[\u0e34-\u0e37]([\u0e34-\u0e37])")


def latin_misreads(ctx: PageContext) -> list[Fix]:
    """Unsure Latin words of a Thai page that the Thai model reads as Thai.

    All such words of the page are cut out, stacked into one strip with white
    space between them and read in ONE extra engine call with ``tha`` alone;
    a word is replaced when its re-reading is Thai letters.
    """
    text, tokens, boxes = ctx.text, ctx.tokens, ctx.result.boxes
    if "tha" not in ctx.options.langs.split("+"):
        return []
    if len(_THAI_LETTER.findall(text)) < 0.5 * max(len(re.findall(r"[A-Za-z\u0e01-\u0e2e]", text)), 1):
        return []
    suspects = []
    for k, tok in enumerate(tokens):
        word = text[tok.start:tok.end]
        if _claimed(ctx, tok.start, tok.end) or not tok.boxes or not _LATIN_WORD.fullmatch(word):
            continue
        letters = sum(c.isalpha() for c in word)
        if letters > 4 and not word.isupper():     # a longer lower-case word is English, however unsure
            continue
        bs = [boxes[i] for i in tok.boxes]
        conf = sum(b.confidence for b in bs) / len(bs)
        if conf < _UNSURE_LATIN:
            suspects.append((tok, _union(bs), conf))
        elif letters <= 4 and _next_to_thai_number(text, tokens, k):
            # however sure the eng model is, a short Latin word in these places is
            # the Thai word that goes with the number ("ที่ มท ๐๒๐๔.๔" -> "NUN ๐๒๐๔.๔",
            # "๓,๘๑๙,๒๔๐ บาท" -> "๓,๘๑๙,๒๔๐ UM"); the Thai model must then be sure on its own
            suspects.append((tok, _union(bs), _SURE_THAI - 10))
    if not suspects:
        return []
    lines, found = _read_strip(ctx, [box for _, box, _ in suspects], "tha")
    out = []
    for k, (tok, _, old_conf) in enumerate(suspects):
        confs = [b.confidence for b in found.get(k, [])]
        if not confs or float(np.median(confs)) < max(_SURE_THAI, old_conf + 10):
            log.debug("Latin %r: Thai re-reading no surer (%s vs %.0f)", text[tok.start:tok.end],
                      [round(c) for c in confs], old_conf)
            continue                               # the Thai model is no surer than the eng one was
        new = _DOUBLE_UPPER.sub(r"\1", _slot_text(lines, found, k, len(suspects)))
        old = text[tok.start:tok.end]
        if len(new) > _MAX_GROWTH * len(old) + 4 or new.count(" ") > 1:
            log.debug("Latin %r: the strip read more than one word there (%r)", old, new)
            continue                               # the slot took in more than the word
        if new and _THAI_LETTER.search(new) and not re.search("[A-Za-z]", new):
            log.debug("Latin %r re-read as Thai %r", text[tok.start:tok.end], new)
            out.append(Fix(tok.start, tok.end, new, "latin_misreads"))
    return out


def _read_strip(ctx: PageContext, crops: list[tuple[int, int, int, int]], langs: str,
                *, tight: bool = False) -> tuple[list[str], dict[int, list[Word]]]:
    """Cut the boxes (left, top, width, height) out of the page, stack them one under the other
    with white space between them, and read the strip in ONE engine call.

    ``tight``: only the box's own columns, for words set close to their neighbours.
    Returns the strip's non-empty text lines and, for each slot, the boxes read in it.
    """
    from PIL import Image

    gray = _gray(ctx)
    paper = int(np.median(gray[::16, ::16]))          # the strip's background: the page's own paper
    crops = [_clip(box, gray.shape) for box in crops]
    height = max(1, max(h for _, _, _, h in crops))
    # each word's own margins, from its own height: marks rise above a line (0.7), descenders
    # fall below it (0.35). Margins from the tallest word of the page took two or three lines
    # of a small-print footer into one slot, read back as garbage ("lA" -> a line of Thai, r15).
    margins = [(int(0.7 * h), int(0.35 * h), int(0.4 * h)) for _, _, _, h in crops]
    width = max(w + 2 * side for (_, _, w, _), (_, _, side) in zip(crops, margins)) + 2 * int(0.4 * height)
    slot = max(h + up + down for (_, _, _, h), (up, down, _) in zip(crops, margins)) + height // 2
    strip = np.full((len(crops) * slot + height, width), paper, np.uint8)
    slots = []
    y = height // 2
    for (left, top, w, h), (up, down, side) in zip(crops, margins):
        if tight:                                # and no marks: nothing of the lines above and below
            crop = gray[max(0, top - h // 10):top + h + h // 10, left:left + w]
            strip[y:y + crop.shape[0], 2 * side:2 * side + crop.shape[1]] = crop
        else:
            crop = gray[max(0, top - up):top + h + down, max(0, left - side):left + w + side]
            strip[y:y + crop.shape[0], side:side + crop.shape[1]] = crop
        slots.append((y, y + crop.shape[0]))
        y += slot
    strip_image = Image.fromarray(strip)
    strip_image.info["dpi"] = ctx.images.gray.info.get("dpi", (300, 300))
    reread = ctx.engine.read_block(strip_image, langs)
    log.debug("strip of %d words read with %s as %r", len(crops), langs, reread.text)
    found: dict[int, list[Word]] = {}
    for box in reread.boxes:
        centre = box.top + box.height / 2
        for k, (y0, y1) in enumerate(slots):
            if y0 <= centre <= y1:
                found.setdefault(k, []).append(box)
    return [line.strip() for line in reread.text.splitlines() if line.strip()], found


def _clip(box: tuple[int, int, int, int], shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The box (left, top, width, height) cut to the page (an empty box stays empty, never negative)."""
    left, top, width, height = box
    x0, y0 = min(max(0, left), shape[1]), min(max(0, top), shape[0])
    x1, y1 = min(max(x0, left + width), shape[1]), min(max(y0, top + height), shape[0])
    return x0, y0, x1 - x0, y1 - y0


def _slot_text(lines: list[str], found: dict[int, list[Word]], k: int, slots: int) -> str:
    """What the strip read in slot ``k``: its own line when there is one line per slot, else its boxes."""
    if len(lines) == slots:                      # one line per slot: tesseract's own spacing
        return lines[k]
    return _join_boxes(sorted(found.get(k, []), key=lambda b: b.left))


def _join_boxes(boxes: list[Word]) -> str:
    """Box texts left to right, a space where the gap is wider than a third of the height."""
    parts: list[str] = []
    for prev, box in zip([None, *boxes], boxes):
        if prev is not None and box.left - (prev.left + prev.width) > 0.33 * max(box.height, prev.height):
            parts.append(" ")
        parts.append(box.text)
    return "".join(parts)


# A line of Latin words (an English sentence, a table of English names) where the
# tha model claimed a word: "Krabi Lampang ไสทหาดทนท Loei" (Lamphun).
_LATIN_WORD_ON_LINE = re.compile(r"[A-Za-z][A-Za-z'’.,:;-]+")
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z'’.-]*(?: [A-Za-z][A-Za-z'’.-]*)*")
# Share of a token's Thai letters in dictionary words below which it is not Thai.
_THAI_WORD_SHARE = 0.8
# A line is a Latin line when at least this share of its words are Latin words. With
# any two Latin words (the earlier rule) a Thai sentence naming "QR Code" had its
# next Thai word re-read as English: "ท้ายหนังสือฉบํ" -> "Misnus sav" (r03), and
# "มกธราๆคม" -> "NATION" (r09): over the 15 real scans the stage cost 0.06 points
# of line-CER; with this share it no longer touches them.
_LATIN_LINE_SHARE = 0.5


def _thai_word_share(word: str) -> float:
    """The share of ``word``'s Thai characters that PyThaiNLP's newmm puts in dictionary words."""
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import word_tokenize

    word = compose_sara_am(word)
    thai = sum("\u0e01" <= c <= "\u0e4e" for c in word)
    if not thai:
        return 1.0
    known = thai_words()
    pieces = word_tokenize(word, engine="newmm", keep_whitespace=False)
    return sum(len(p) for p in pieces if len(p) > 1 and p in known) / thai


def thai_misreads(ctx: PageContext) -> list[Fix]:
    """Thai-letter garbage the tha model made of English words in Latin lines, read again with eng.

    The reverse of :func:`latin_misreads`: a token with Thai letters next to
    a Latin word, on a line at least half of Latin words (two or more), that is not Thai
    (under 80 % of it in dictionary words), is read again with ``eng`` (one
    strip for the page) and replaced when that gives plain Latin words.
    """
    if "eng" not in ctx.options.langs.split("+"):
        return []
    text, tokens, boxes = ctx.text, ctx.tokens, ctx.result.boxes
    lines: dict[int, list[int]] = {}
    line, prev_end = 0, 0
    for k, tok in enumerate(tokens):
        line += text.count("\n", prev_end, tok.start)
        prev_end = tok.end
        lines.setdefault(line, []).append(k)
    suspects = []
    for members in lines.values():
        words = [text[tokens[k].start:tokens[k].end] for k in members]
        latin = [bool(_LATIN_WORD_ON_LINE.fullmatch(w)) for w in words]
        if sum(latin) < 2 or sum(latin) < _LATIN_LINE_SHARE * len(words):
            continue        # a Thai sentence with an English term in it ("QR Code ท้ายหนังสือ") is Thai
        # not Thai: two Thai letters or more, no Thai digit (a letter number "๐๒๐๔.๔/ว" is
        # Thai), and little of it in dictionary words
        garbled = [not _claimed(ctx, tokens[k].start, tokens[k].end) and bool(tokens[k].boxes)
                   and len(_THAI_LETTER.findall(w)) >= 2 and not re.search("[๐-๙]", w)
                   and _thai_word_share(w) < _THAI_WORD_SHARE
                   for k, w in zip(members, words)]
        for i, k in enumerate(members):
            # next to a Latin word, or to more garble that is ("Lampang ไสทหาดทนท เอล": Lamphun Loei)
            beside = [j for j in (i - 1, i + 1) if 0 <= j < len(words)]
            if garbled[i] and any(latin[j] or garbled[j] for j in beside):
                suspects.append((tokens[k], _union(boxes[b] for b in tokens[k].boxes)))
    if not suspects:
        return []
    strip_lines, found = _read_strip(ctx, [box for _, box in suspects], "eng", tight=True)
    out = []
    for k, (tok, _) in enumerate(suspects):
        new = _slot_text(strip_lines, found, k, len(suspects)).strip(" |'\"“”‘’:;,_-")
        log.debug("Thai %r in a Latin line: eng reads %r", text[tok.start:tok.end], new)
        if _LATIN_NAME.fullmatch(new) and sum(c.isalpha() for c in new) >= 3:
            log.debug("Thai %r in a Latin line re-read as %r", text[tok.start:tok.end], new)
            out.append(Fix(tok.start, tok.end, new, "thai_misreads"))
    return out


# The two places a Thai number has a short Thai word the eng model takes for Latin:
# the agency code before a letter number ("ที่ มท ๐๒๐๔.๔/ว ...", "กค. 0530.3/ว.61":
# the number begins with 0 and a dot follows four digits) and the unit after an amount grouped by
# thousands ("๓,๘๑๙,๒๔๐ บาท").
_LETTER_NUMBER = re.compile(r"[0๐][0-9๐-๙]{3}\.")
_GROUPED_AMOUNT = re.compile(r"[๐-๙]{1,3}(?:,[๐-๙]{3})+(?:\.[๐-๙]+)?$")


def _next_to_thai_number(text: str, tokens: tuple[Token, ...], k: int) -> bool:
    """Whether token ``k`` comes just before a Thai letter number or just after a grouped Thai amount."""
    line_gap = lambda a, b: "\n" not in text[a.end:b.start]  # noqa: E731
    if k + 1 < len(tokens) and line_gap(tokens[k], tokens[k + 1]) and _LETTER_NUMBER.match(text, tokens[k + 1].start):
        return True
    if k > 0 and line_gap(tokens[k - 1], tokens[k]):
        prev = tokens[k - 1]
        return bool(_GROUPED_AMOUNT.match(text[prev.start:prev.end]))
    return False


# --- white space ----------------------------------------------------------------

# A space tesseract put inside a number, after its decimal point or thousands
# comma ("9. 6845ล้านบาท", "๗, ๘๔๙"), is narrower than this share of the digits' height;
# a space between words is wider (a quarter of the font size and more).
_NUMBER_GAP = 0.25
_NUMBER_END = re.compile(r"[0-9๐-๙][.,]$")
_NUMBER_START = re.compile(r"[0-9๐-๙]")


def number_gaps(ctx: PageContext) -> list[Fix]:
    """The spaces tesseract put inside a number, taken out.

    Only the page image can tell ``9. 6845`` (one amount, 9.6845) from a list
    number followed by a number; the gap between the boxes decides.
    """
    text, boxes = ctx.text, ctx.result.boxes
    out = []
    for a, b in zip(ctx.tokens, ctx.tokens[1:]):
        if text[a.end:b.start] != " " or not a.boxes or not b.boxes:
            continue
        if not _NUMBER_END.search(text, a.start, a.end) or not _NUMBER_START.match(text, b.start):
            continue
        last, first = boxes[a.boxes[-1]], boxes[b.boxes[0]]
        height = max(last.height, first.height)
        if 0 <= first.left - (last.left + last.width) < _NUMBER_GAP * height:
            out.append(Fix(a.end, b.start, "", "number_gaps"))
    return out


# A line whose right end lies within this share of the text width from the page's
# right margin is full: the printer wrapped it there, the sentence goes on below.
_FULL_LINE = 0.06


def soft_line_breaks(ctx: PageContext) -> list[Fix]:
    """The line breaks that are only the printer's wrapping, made spaces.

    A scanned paragraph comes back as one text line per printed line, and
    extractors take a line break as the end of a phrase: a date, a count or a
    reference wrapped at the margin (``วันที่ ๖ มิถุนายน`` / ``๒๕๖๕``) would be
    lost. A line that runs to the right margin of the page's text (justified
    Thai text fills its lines; a paragraph's last line and a list item stop
    short) continues on the next non-empty line, so the break between them,
    blank lines that tesseract put in included, becomes one space.
    """
    text, char_box, boxes = ctx.text, ctx.char_box, ctx.result.boxes
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        idx = [b for b in char_box[m.start():m.end()] if b is not None]
        if idx:
            spans.append((m.start(), m.end(), min(boxes[b].left for b in idx),
                          max(boxes[b].left + boxes[b].width for b in idx)))
    if len(spans) < 2:
        return []
    left = min(s[2] for s in spans)
    right = max(s[3] for s in spans)
    slack = _FULL_LINE * (right - left)
    out = []
    for (_, end, _, r), (nxt, _, _, _) in zip(spans, spans[1:]):
        gap = text[end:nxt]
        if r >= right - slack and gap.strip() == "" and "\f" not in gap:
            out.append(Fix(end, nxt, " ", "soft_line_breaks"))
    return out


REPAIR_STAGES: tuple[tuple[str, RepairStage], ...] = (
    ("digit_runs", digit_runs),
    ("letters_read_as_digits", letters_read_as_digits),
    ("lookalike_numbers", lookalike_numbers),
    ("latin_numbers", latin_numbers),
    ("sdg_targets", sdg_targets),
    ("latin_misreads", latin_misreads),
    ("thai_misreads", thai_misreads),
    ("number_gaps", number_gaps),
    ("soft_line_breaks", soft_line_breaks),
)

# What wins when two stages' fixes overlap: the earlier in this list. A target
# token's reading as a whole ("๑๑.A") wins over the digit run inside it; a run
# of digits read glyph by glyph over any reading of one of its tokens; re-reads
# of a token by the other model come last. Within one stage the first fix on the
# page wins. White-space fixes touch only white space and never meet the others.
PRECEDENCE = (
    "sdg_targets", "digit_runs", "letters_read_as_digits", "lookalike_numbers", "latin_numbers",
    "latin_misreads", "thai_misreads", "number_gaps", "soft_line_breaks",
)
_RANK = {name: i for i, name in enumerate(PRECEDENCE)}


def merge_fixes(accepted: tuple[Fix, ...], proposed: Iterable[Fix]) -> tuple[Fix, ...]:
    """The fixes that stand after ``proposed`` meet ``accepted``: the one rule of :data:`PRECEDENCE`.

    >>> a = (Fix(0, 4, "๑๑.๗", "digit_runs"),)
    >>> merge_fixes(a, [Fix(0, 5, "๑๑.A", "sdg_targets")])
    (Fix(start=0, end=5, text='๑๑.A', stage='sdg_targets'),)
    >>> merge_fixes(a, [Fix(2, 6, "SDGs", "letters_read_as_digits")])
    (Fix(start=0, end=4, text='๑๑.๗', stage='digit_runs'),)
    """
    kept = list(accepted)
    for fix in sorted(proposed, key=lambda f: (f.start, f.end)):
        clash = [a for a in kept if a.start < fix.end and fix.start < a.end]
        rank = _RANK.get(fix.stage, len(_RANK))
        if all(rank < _RANK.get(a.stage, len(_RANK)) for a in clash):
            kept = [a for a in kept if a not in clash] + [fix]
    return tuple(sorted(kept, key=lambda f: f.start))


def apply_fixes(result: OcrResult, tokens: tuple[Token, ...], fixes: tuple[Fix, ...]) -> tuple[str, list[Word]]:
    """The text with the accepted fixes put in, and one Word per boxed token as it reads now.

    ``fixes`` never overlap (merge_fixes saw to it). A word's confidence is
    tesseract's mean over its boxes; a word a fix changed has ``origin``
    ``"reread"``, so that a reviewer checks it (ingest/layout.py places the
    words in the final text).
    """
    text = result.text
    fixes = tuple(sorted(fixes, key=lambda f: f.start))
    parts, pos = [], 0
    for f in fixes:
        parts += [text[pos:f.start], f.text]
        pos = f.end
    parts.append(text[pos:])
    new_text = "".join(parts)
    ends = [f.end for f in fixes]
    shifts = list(itertools.accumulate(len(f.text) - (f.end - f.start) for f in fixes))

    def moved(offset: int) -> int:              # every fix that ends at or before offset has moved it
        k = bisect.bisect_right(ends, offset)
        return offset + (shifts[k - 1] if k else 0)
    words = []
    for tok in tokens:
        if not tok.boxes:
            continue
        over = [f for f in fixes if f.start < tok.end and tok.start < f.end]
        start = moved(min([tok.start] + [f.start for f in over]))
        end = moved(max([tok.end] + [f.end for f in over]))
        bs = [result.boxes[i] for i in tok.boxes]
        left, top, width, height = _union(bs)
        conf = sum(b.confidence for b in bs) / len(bs)
        now = new_text[start:end]
        words.append(Word(now, left, top, width, height, round(conf, 1),
                          "reread" if now != result.text[tok.start:tok.end] else None))
    return new_text, words


TEXT_STAGES: tuple[tuple[str, TextStage], ...] = (
    ("tone_marks", restore_tone_marks),      # stacked tone marks OCR dropped (ingest/tone_marks.py)
    ("be_years", correct_numbers),           # dates' years with a digit too many (ingest/numbers.py)
)
