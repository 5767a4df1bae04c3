"""OCR: every tesseract call, behind a small engine interface, and pages read in parallel.

A page image goes through named stages, in order::

    to_gray -> [deskew] -> binarize_page
            -> engine.read (plain text + TSV boxes, one tesseract run)
            -> join_words (TSV boxes back into the words of the plain text)
            -> reread_digit_runs (Thai digits re-read from the image, ingest/digits.py)
            -> soft_line_breaks (lines wrapped at the right margin joined into one)
            -> restore_tone_marks (stacked tone marks OCR dropped: ingest/tone_marks.py)
            -> correct_numbers (dates, years: ingest/numbers.py)

The page text is tesseract's plain-text output: its hOCR and TSV split Thai
into one "word" per character (tesseract issue 2702), so they give only the
boxes and confidences, joined back into the words of the text.
"""
from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

from saraban.corpus import targets
from saraban.ingest import Page, Word
from saraban.ingest.digits import (
    ARABIC_DIGITS, LOOKALIKE_MAX_DISTANCE, THAI_DIGITS, page_fonts, read_glyphs, reread_as_letters, reread_digits,
    reread_lookalike,
)
from saraban.ingest.numbers import correct_numbers
from saraban.ingest.tone_marks import restore_tone_marks
from saraban.normalizers.thai import compose_sara_am, thai_digits_to_arabic
from saraban.core.errors import OcrError
from saraban.core.options import ReadOptions

log = logging.getLogger(__name__)

_DEFAULT_OPTIONS = ReadOptions()
DEFAULT_LANGS = _DEFAULT_OPTIONS.langs


@dataclass(frozen=True, slots=True)
class OcrResult:
    """What an engine read on one page image.

    ``text`` is the engine's plain text; ``boxes`` its smallest located units
    (tesseract's TSV level-5 items: whole Latin words, often single Thai
    characters) with their boxes in image pixels and confidences (0-100).
    """

    text: str
    boxes: tuple[Word, ...] = ()


class EngineError(Exception):
    """The OCR engine failed on an image (crashed, timed out, not installed).

    It knows no file: :func:`ocr_page`, which is told the page's source,
    raises the file's ``OcrError`` from it.
    """


class OcrEngine(ABC):
    """Reads one page image. Implementations must be safe to call from several threads.

    A failure raises :class:`EngineError`.
    """

    name: str = "abstract"

    @abstractmethod
    def read(self, image: Image.Image, langs: str) -> OcrResult:
        """Plain text and located boxes of a grayscale page image, in languages ``langs``."""

    def read_block(self, image: Image.Image, langs: str) -> OcrResult:
        """Like :meth:`read` for a small image of separate lines (no page layout to find)."""
        return self.read(image, langs)


class TesseractEngine(OcrEngine):
    """The tesseract command line, one process per page, single-threaded.

    Called directly rather than through pytesseract: pytesseract hands every
    call the process-wide ``os.environ``, while each call here must carry
    OMP_THREAD_LIMIT=1 (we run one process per core; tesseract's own OpenMP
    threads would oversubscribe the cores and run 2-3x slower), and one run
    must write both the text and the TSV.
    """

    name = "tesseract"

    def __init__(self, *, psm: int = 3, timeout: float = 300.0, binary: str = "tesseract",
                 variables: dict[str, str] | None = None) -> None:
        self.psm, self.timeout, self.binary = psm, timeout, binary
        self.variables = dict(variables or {})     # -c NAME=VALUE, e.g. a character whitelist

    def read(self, image: Image.Image, langs: str) -> OcrResult:
        return self._read(image, langs, self.psm)

    def read_block(self, image: Image.Image, langs: str) -> OcrResult:
        return self._read(image, langs, 6)        # psm 6: one uniform block of text lines

    def _read(self, image: Image.Image, langs: str, psm: int) -> OcrResult:
        with tempfile.TemporaryDirectory(prefix="saraban-ocr-") as tmp:
            out = Path(tmp) / "out"
            if image.mode == "1":                 # a black-and-white page: a small PNG
                src = Path(tmp) / "page.png"
                image.save(src, compress_level=1)
            else:
                src = Path(tmp) / "page.pgm"      # PGM: written raw, no compression time
                image.convert("L").save(src)
            dpi = round(image.info.get("dpi", (300, 300))[0]) or 300
            cmd = [self.binary, str(src), str(out), "-l", langs, "--psm", str(psm),
                   "--dpi", str(dpi)]
            for name, value in self.variables.items():
                cmd += ["-c", f"{name}={value}"]
            cmd += ["txt", "tsv"]
            proc = self._run(cmd)
            if proc.returncode != 0:
                raise EngineError(f"tesseract failed: {proc.stderr.decode(errors='replace')[-300:]}")
            text = out.with_suffix(".txt").read_text(encoding="utf-8")
            boxes = parse_tsv(out.with_suffix(".tsv").read_text(encoding="utf-8"))
        return OcrResult(text=text, boxes=boxes)

    def _run(self, cmd: list[str]) -> subprocess.CompletedProcess[bytes]:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            return subprocess.run(cmd, env=env, capture_output=True, timeout=self.timeout, check=False)
        except FileNotFoundError as err:
            raise EngineError(f"{self.binary} is not installed (apt-get install tesseract-ocr tesseract-ocr-tha)") from err
        except subprocess.TimeoutExpired as err:
            raise EngineError(f"tesseract took longer than {self.timeout:.0f} s") from err


def parse_tsv(tsv: str) -> tuple[Word, ...]:
    """The level-5 (word) rows of tesseract's TSV output as Words.

    >>> parse_tsv("level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n"
    ...           "5\\t1\\t1\\t1\\t1\\t1\\t10\\t20\\t30\\t40\\t91.5\\tที่")
    (Word(text='ที่', left=10, top=20, width=30, height=40, confidence=91.5),)
    """
    words = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append(Word(cols[11], left, top, width, height, float(cols[10])))
    return tuple(words)


def to_gray(image: Image.Image) -> Image.Image:
    """The page as 8-bit grayscale, keeping its dpi."""
    gray = image if image.mode == "L" else image.convert("L")
    if "dpi" in image.info:
        gray.info["dpi"] = image.info["dpi"]
    return gray


def binarize_page(gray: Image.Image) -> Image.Image:
    """The page in black and white, as tesseract is given it: a light blur, then Otsu's threshold.

    Tesseract thresholds a grayscale page itself (Otsu, no blur), and on a
    scan's speckle and JPEG noise that leaves thousands of specks for its
    layout analysis to sort out. Blurring first (5 x 5 at 300 dpi) removes
    them: on the light-noise renders of the dev letters plain tesseract then
    runs about 27 % faster, with CER 2.9 % -> 2.6 % and digit-CER 20.8 % ->
    17.1 % (bench/ocr.py, bench/ocr_accuracy.py). The re-reading steps still
    look at the grayscale page.
    """
    dpi = gray.info.get("dpi", (300, 300))[0] or 300
    k = max(3, int(round(float(dpi) / 60)) | 1)      # odd, 5 at 300 dpi
    blurred = cv2.GaussianBlur(np.asarray(gray), (k, k), 0)
    _, ink = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    out = Image.fromarray(ink).convert("1")
    out.info["dpi"] = gray.info.get("dpi", (300, 300))
    return out


def deskew(image: Image.Image, *, max_angle: float = 5.0) -> Image.Image:
    """Rotate a page so its text lines are level (a scanner feeds paper a little askew).

    The angle is the one whose horizontal ink profile is sharpest, searched
    in 0.1 degree steps on a quarter-size copy.
    """
    gray = np.asarray(image)
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    h, w = ink.shape
    best, best_score = 0.0, -1.0
    for angle in np.arange(-max_angle, max_angle + 0.01, 0.1):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        rows = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    if abs(best) < 0.05:
        return image
    log.debug("deskew by %.1f degrees", best)
    out = image.rotate(-best, resample=Image.BICUBIC, fillcolor=255)
    out.info["dpi"] = image.info.get("dpi", (300, 300))
    return out


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    boxes: tuple[int, ...]       # indices into OcrResult.boxes


def join_words(result: OcrResult) -> tuple[list[_Token], list[int | None]]:
    """Whitespace-separated tokens of the text, and for each text character its box index.

    tesseract writes the text and the TSV from the same recognition, so the
    text without white space equals the boxes' texts concatenated; where it
    does not (rare), an edit alignment maps what it can.
    """
    text = result.text
    box_chars: list[int] = []
    for i, box in enumerate(result.boxes):
        box_chars.extend([i] * len(box.text))
    flat = "".join(b.text for b in result.boxes)
    positions = [i for i, c in enumerate(text) if not c.isspace()]
    letters = "".join(text[i] for i in positions)
    char_box: list[int | None] = [None] * len(text)
    if letters == flat:
        for pos, b in zip(positions, box_chars):
            char_box[pos] = b
    else:
        for op in Levenshtein.opcodes(letters, flat):
            if op.tag in ("equal", "replace"):
                for k in range(min(op.src_end - op.src_start, op.dest_end - op.dest_start)):
                    char_box[positions[op.src_start + k]] = box_chars[op.dest_start + k]
    tokens = []
    for m in re.finditer(r"\S+", text):
        idx = tuple(dict.fromkeys(b for b in char_box[m.start():m.end()] if b is not None))
        tokens.append(_Token(m.start(), m.end(), idx))
    return tokens, char_box


def _union(boxes: Iterable[Word]) -> tuple[int, int, int, int]:
    bs = list(boxes)
    left, top = min(b.left for b in bs), min(b.top for b in bs)
    right, bottom = max(b.left + b.width for b in bs), max(b.top + b.height for b in bs)
    return left, top, right - left, bottom - top


# A run of Thai digits with the punctuation of dates and letter numbers inside it,
# and the letters tesseract puts in place of a digit it cannot read (๗ -> ฒ, ด, ต).
# A ")" after a Thai list number is often read as "1": the run takes Arabic digits and ")" in too.
# The upturned tail of a final ๗ comes back as one more letter (๒๘๗ -> ๒๘๗ซ, ๖๗ -> ๖๗ฒ):
# a run takes in one such letter before a space, and the glyphs decide.
_DIGIT_RUN = re.compile(r"[๐-๙](?:[๐-๙0-9.,/\-ฒดต]*[๐-๙0-9)])?(?:[ซฒดต](?=\s))?")
# An all-digit word in a Thai line that may be Latin capitals read as digits ("SDGs" -> "5065").
_DIGIT_WORD = re.compile(r"(?<![0-9A-Za-z.,/])[0-9]{3,5}(?![0-9A-Za-z.,/])")


# A short run of symbols, Latin letters and Arabic digits where a Thai page has a
# number tesseract failed to read as one: list numbers ``๓.`` -> ``n.``, ``๑)`` -> ``@``.
_LOOKALIKE = re.compile(r"[^\s\u0e01-\u0e4e\u0e50-\u0e59]{1,5}")
_LOOKALIKE_CHARS = frozenset("@©«®nolLOQ|!)0123456789")
# A short Latin word between Thai words, where the eng model claimed a Thai number
# ("ว ๓๓๓๘" -> "ว mame", "๔๙ โครงการ" -> "ee โครงการ", in Kinnari "๘๗๘ อำเภอ" ->
# "Goes อำเภอ"): kept unless every glyph matches a Thai digit template closely.
_LATIN_NUMBER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,5}(?![A-Za-z0-9])")
# tesseract's confidence above which an all-Arabic-digit token is left as read.
_TRUSTED_DIGITS = 80.0

def _run_crop(gray: np.ndarray, box: tuple[int, int, int, int], pad_x: float = 1.5, pad_y: float = 0.35,
              ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The crop around ``box`` (left, top, width, height) padded by shares of its height,
    and the box's place in it (left, right, top, bottom), as the digit readers take them."""
    left, top, width, height = box
    px, py = int(pad_x * height), int(pad_y * height)
    x0, y0 = max(0, left - px), max(0, top - py)
    x1, y1 = min(gray.shape[1], left + width + px), min(gray.shape[0], top + height + py)
    return gray[y0:y1, x0:x1], (left - x0, left + width - x0, top - y0, top + height - y0)


def _text_box(char_box: list[int | None], boxes: tuple[Word, ...], start: int, end: int,
              ) -> tuple[int, int, int, int] | None:
    """The union box of the characters text[start:end], None when none has a box."""
    idx = {b for b in char_box[start:end] if b is not None}
    return _union(boxes[i] for i in idx) if idx else None


DigitReader = Callable[[np.ndarray, str, tuple[int, int, int, int]], "str | None"]


def reread_digit_runs(text: str, char_box: list[int | None], boxes: tuple[Word, ...],
                      image: Image.Image, reader: DigitReader = reread_digits,
                      lookalike: DigitReader | None = reread_lookalike) -> dict[int, tuple[int, str]]:
    """Replacements {start: (end, new_text)} for the Thai digit runs read better from the image.

    ``reader(crop, ocr_text, core)`` reads one run from its padded crop
    (bench/ocr_accuracy.py passes other readers to compare).
    """
    gray = np.asarray(image)
    fixes: dict[int, tuple[int, str]] = {}
    runs = [(m, *_run_crop(gray, box)) for m in _DIGIT_RUN.finditer(text)
            if (box := _text_box(char_box, boxes, m.start(), m.end())) is not None]
    fonts = None
    if reader is reread_digits and runs:      # first pass: which typeface are this page's digits in?
        fonts = page_fonts([read_glyphs(crop, core) or [] for _, crop, core in runs])
    for m, crop, core in runs:
        new = reread_digits(crop, m.group(), core, fonts=fonts) if reader is reread_digits else reader(crop, m.group(), core)
        if new is not None and new != m.group():
            log.debug("digit run %r re-read as %r", m.group(), new)
            fixes[m.start()] = (m.end(), new)
    if lookalike is None:
        return fixes
    for m in _DIGIT_WORD.finditer(text):
        idx = {b for b in char_box[m.start():m.end()] if b is not None}
        if not idx or m.start() in fixes:
            continue
        box_text = "".join(boxes[i].text for i in sorted(idx))
        crop, core = _run_crop(gray, _union(boxes[i] for i in idx), 1.0, 1 / 3)
        new = reread_as_letters(crop, box_text, core)
        if new is not None:
            log.debug("number %r re-read as letters %r", m.group(), new)
            fixes[m.start()] = (m.end(), new)
    for m in _LOOKALIKE.finditer(text):
        token = m.group()
        core = token.strip(".,:;()\"'“”-")
        if not core or len(core) > 3 or not set(token) & _LOOKALIKE_CHARS or m.start() in fixes:
            continue
        idx = {b for b in char_box[m.start():m.end()] if b is not None}
        if not idx:
            continue
        run_boxes = [boxes[i] for i in idx]
        if core.isdigit() and min(b.confidence for b in run_boxes) >= _TRUSTED_DIGITS:
            continue
        crop, box = _run_crop(gray, _union(run_boxes))
        new = lookalike(crop, token, box)
        if new is not None and any(end == m.start() for end, _ in fixes.values()):
            # glued to a Thai number already re-read ("๑๕«": the « is the tail of its ๙), whose
            # glyph run took this ink in: a fragment of that number, not another one
            log.debug("token %r is a piece of the number before it", token)
            fixes[m.start()] = (m.end(), "")
        elif new is not None and new != token:
            log.debug("token %r re-read as digits %r", token, new)
            fixes[m.start()] = (m.end(), new)
    if reader is not reread_digits:
        return fixes
    for m in _LATIN_NUMBER.finditer(text):
        line_start, line_end = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
        before, after = text[max(line_start, m.start() - 12):m.start()], text[m.end():m.end() + 12 if line_end < 0 else min(line_end, m.end() + 12)]
        if m.start() in fixes or not (_THAI_LETTER.search(before) and _THAI_LETTER.search(after)):
            continue
        box = _text_box(char_box, boxes, m.start(), m.end())
        if box is None:
            continue
        crop, core = _run_crop(gray, box)
        new = reread_digits(crop, m.group(), core, THAI_DIGITS, LOOKALIKE_MAX_DISTANCE, fonts)
        if new is not None and new.isdigit():
            log.debug("Latin word %r between Thai words re-read as digits %r", m.group(), new)
            fixes[m.start()] = (m.end(), new)
    for start, (end, new) in reread_targets(text, char_box, boxes, gray).items():
        for inside in [k for k in fixes if start <= k < end]:   # the whole token's reading wins
            del fixes[inside]
        fixes[start] = (end, new)
    return fixes


# A token shaped like an SDG target, goal number, dot, target number or letter
# ("๑๑.๓", "5.b", "13.C"), as tesseract may have garbled it: "๑๑.ต", "๑๑.ก2", "๕.8", "๑อ.ด".
_TARGET_LIKE = re.compile(r"(?<![^\s/,(])[๐-๙0-9][^\s/,.]{0,2}\.[^\s/,.]{1,3}(?=[\s/,)]|$)")
_TARGET_GLYPHS = (THAI_DIGITS + "ABCabc", ARABIC_DIGITS + "ABCabc")


def reread_targets(text: str, char_box: list[int | None], boxes: tuple[Word, ...], gray: np.ndarray,
                   ) -> dict[int, tuple[int, str]]:
    """Replacements for SDG-target-shaped tokens whose glyphs spell a real target tesseract missed.

    Target lists mix Thai digits with Latin letters (``๑๑.A / ๑๑.B``), which
    neither of tesseract's models reads well. The token's glyphs are matched
    against Thai digits and A-C, and against Arabic digits and A-C; the closer
    reading is taken when every glyph matches well and it names one of the 169
    targets (corpus/data/sdg_targets.json) or a letter target of a goal.
    """
    known = targets()
    out = {}
    for m in _TARGET_LIKE.finditer(text):
        box = _text_box(char_box, boxes, m.start(), m.end())
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
            out[m.start()] = (m.end(), new)
    return out


# A letter target of any goal (13.c is no official target, but slides list it)
_LETTER_TARGET = re.compile(r"(?:1[0-7]|[1-9])\.[abc]")


# A Latin word tesseract is unsure of on a Thai page is often Thai it misread
# through the eng model ("ที่ พล" -> "NWA", "วันที่" -> "TUN"); sure ones are
# real acronyms (UN, SDGs, ESCAP).
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z.'’]*")
_UNSURE_LATIN = 75.0
_SURE_THAI = 80.0
_THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
# Two upper vowels on one consonant: the tha model reads a vowel with a tone mark
# stacked on it as two vowels (ที่ -> ทิี); the second is the one printed.
_DOUBLE_UPPER = re.compile("[\u0e34-\u0e37]([\u0e34-\u0e37])")


def reread_latin_misreads(result: OcrResult, tokens: list[_Token], image: Image.Image, engine: OcrEngine,
                          fixes: dict[int, tuple[int, str]]) -> dict[int, tuple[int, str]]:
    """Replacements for unsure Latin words of a Thai page that the Thai model reads as Thai.

    All such words of the page are cut out, stacked into one strip with white
    space between them and read in ONE extra engine call with ``tha`` alone;
    a word is replaced when its re-reading is Thai letters.
    """
    text = result.text
    if len(_THAI_LETTER.findall(text)) < 0.5 * max(len(re.findall(r"[A-Za-z\u0e01-\u0e2e]", text)), 1):
        return {}
    suspects = []
    for k, tok in enumerate(tokens):
        word = text[tok.start:tok.end]
        if tok.start in fixes or not tok.boxes or not _LATIN_WORD.fullmatch(word):
            continue
        letters = sum(c.isalpha() for c in word)
        if letters > 4 and not word.isupper():     # a longer lower-case word is English, however unsure
            continue
        bs = [result.boxes[i] for i in tok.boxes]
        conf = sum(b.confidence for b in bs) / len(bs)
        if conf < _UNSURE_LATIN:
            suspects.append((tok, _union(bs), conf))
        elif letters <= 4 and _next_to_thai_number(text, tokens, k):
            # however sure the eng model is, a short Latin word in these places is
            # the Thai word that goes with the number ("ที่ มท ๐๒๐๔.๔" -> "NUN ๐๒๐๔.๔",
            # "๓,๘๑๙,๒๔๐ บาท" -> "๓,๘๑๙,๒๔๐ UM"); the Thai model must then be sure on its own
            suspects.append((tok, _union(bs), _SURE_THAI - 10))
    if not suspects:
        return {}
    lines, found = _read_strip(image, [box for _, box, _ in suspects], engine, "tha")
    out = {}
    for k, (tok, _, old_conf) in enumerate(suspects):
        confs = [b.confidence for b in found.get(k, [])]
        if not confs or float(np.median(confs)) < max(_SURE_THAI, old_conf + 10):
            log.debug("Latin %r: Thai re-reading no surer (%s vs %.0f)", text[tok.start:tok.end], [round(c) for c in confs], old_conf)
            continue                               # the Thai model is no surer than the eng one was
        new = _DOUBLE_UPPER.sub(r"\1", _slot_text(lines, found, k, len(suspects)))
        if new and _THAI_LETTER.search(new) and not re.search("[A-Za-z]", new):
            log.debug("Latin %r re-read as Thai %r", text[tok.start:tok.end], new)
            out[tok.start] = (tok.end, new)
    return out


def _read_strip(image: Image.Image, crops: list[tuple[int, int, int, int]], engine: OcrEngine, langs: str,
                *, tight: bool = False) -> tuple[list[str], dict[int, list[Word]]]:
    """Cut the boxes (left, top, width, height) out of the page, stack them one under the other
    with white space between them, and read the strip in ONE engine call.

    ``tight``: only the box's own columns, for words set close to their neighbours.
    Returns the strip's non-empty text lines and, for each slot, the boxes read in it.
    """
    gray = np.asarray(image)
    paper = int(np.median(gray[::16, ::16]))          # the strip's background: the page's own paper
    height = max(h for _, _, _, h in crops)
    up, down, side = int(0.7 * height), int(0.35 * height), int(0.4 * height)   # marks rise above the box
    width = max(w for _, _, w, _ in crops) + 4 * side
    slot = height + up + down + height // 2
    strip = np.full((len(crops) * slot + height, width), paper, np.uint8)
    slots = []
    y = height // 2
    for left, top, w, h in crops:
        if tight:                                # and no marks: nothing of the lines above and below
            crop = gray[max(0, top - h // 10):top + h + h // 10, left:left + w]
            strip[y:y + crop.shape[0], 2 * side:2 * side + crop.shape[1]] = crop
        else:
            crop = gray[max(0, top - up):top + h + down, max(0, left - side):left + w + side]
            strip[y:y + crop.shape[0], side:side + crop.shape[1]] = crop
        slots.append((y, y + crop.shape[0]))
        y += slot
    strip_image = Image.fromarray(strip)
    strip_image.info["dpi"] = image.info.get("dpi", (300, 300))
    reread = engine.read_block(strip_image, langs)
    log.debug("strip of %d words read with %s as %r", len(crops), langs, reread.text)
    found: dict[int, list[Word]] = {}
    for box in reread.boxes:
        centre = box.top + box.height / 2
        for k, (y0, y1) in enumerate(slots):
            if y0 <= centre <= y1:
                found.setdefault(k, []).append(box)
    return [line.strip() for line in reread.text.splitlines() if line.strip()], found


def _slot_text(lines: list[str], found: dict[int, list[Word]], k: int, slots: int) -> str:
    """What the strip read in slot ``k``: its own line when there is one line per slot, else its boxes."""
    if len(lines) == slots:                      # one line per slot: tesseract's own spacing
        return lines[k]
    return _join_boxes(sorted(found.get(k, []), key=lambda b: b.left))


# A line of Latin words (an English sentence, a table of English names) where the
# tha model claimed a word: "Krabi Lampang ไสทหาดทนท Loei" (Lamphun).
_LATIN_WORD_ON_LINE = re.compile(r"[A-Za-z][A-Za-z'’.,:;-]+")
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z'’.-]*(?: [A-Za-z][A-Za-z'’.-]*)*")
# Share of a token's Thai letters in dictionary words below which it is not Thai.
_THAI_WORD_SHARE = 0.8


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


def reread_thai_misreads(result: OcrResult, tokens: list[_Token], image: Image.Image, engine: OcrEngine,
                         fixes: dict[int, tuple[int, str]]) -> dict[int, tuple[int, str]]:
    """Replacements for Thai-letter garbage the tha model made of English words in Latin lines.

    The reverse of :func:`reread_latin_misreads`: a token with Thai letters
    next to a Latin word, on a line of at least two Latin words, that is not
    Thai (under 80 % of it in dictionary words), is read again with ``eng``
    (one strip for the page) and replaced when that gives plain Latin words.
    """
    text = result.text
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
        if sum(latin) < 2:
            continue
        # not Thai: two Thai letters or more, no Thai digit (a letter number "๐๒๐๔.๔/ว" is
        # Thai), and little of it in dictionary words
        garbled = [tokens[k].start not in fixes and bool(tokens[k].boxes) and len(_THAI_LETTER.findall(w)) >= 2
                   and not re.search("[๐-๙]", w) and _thai_word_share(w) < _THAI_WORD_SHARE
                   for k, w in zip(members, words)]
        for i, k in enumerate(members):
            # next to a Latin word, or to more garble that is ("Lampang ไสทหาดทนท เอล": Lamphun Loei)
            beside = [j for j in (i - 1, i + 1) if 0 <= j < len(words)]
            if garbled[i] and any(latin[j] or garbled[j] for j in beside):
                suspects.append((tokens[k], _union(result.boxes[b] for b in tokens[k].boxes)))
    if not suspects:
        return {}
    strip_lines, found = _read_strip(image, [box for _, box in suspects], engine, "eng", tight=True)
    out = {}
    for k, (tok, _) in enumerate(suspects):
        new = _slot_text(strip_lines, found, k, len(suspects)).strip(" |'\"“”‘’:;,_-")
        log.debug("Thai %r in a Latin line: eng reads %r", text[tok.start:tok.end], new)
        if _LATIN_NAME.fullmatch(new) and sum(c.isalpha() for c in new) >= 3:
            log.debug("Thai %r in a Latin line re-read as %r", text[tok.start:tok.end], new)
            out[tok.start] = (tok.end, new)
    return out


# The two places a Thai number has a short Thai word the eng model takes for Latin:
# the agency code before a letter number ("ที่ มท ๐๒๐๔.๔/ว ...", "กค. 0530.3/ว.61":
# the number begins with 0 and a dot follows four digits) and the unit after an amount grouped by
# thousands ("๓,๘๑๙,๒๔๐ บาท").
_LETTER_NUMBER = re.compile(r"[0๐][0-9๐-๙]{3}\.")
_GROUPED_AMOUNT = re.compile(r"[๐-๙]{1,3}(?:,[๐-๙]{3})+(?:\.[๐-๙]+)?$")


def _next_to_thai_number(text: str, tokens: list[_Token], k: int) -> bool:
    """Whether token ``k`` comes just before a Thai letter number or just after a grouped Thai amount."""
    line_gap = lambda a, b: "\n" not in text[a.end:b.start]  # noqa: E731
    if k + 1 < len(tokens) and line_gap(tokens[k], tokens[k + 1]) and _LETTER_NUMBER.match(text, tokens[k + 1].start):
        return True
    if k > 0 and line_gap(tokens[k - 1], tokens[k]):
        prev = tokens[k - 1]
        return bool(_GROUPED_AMOUNT.match(text[prev.start:prev.end]))
    return False


def _join_boxes(boxes: list[Word]) -> str:
    """Box texts left to right, a space where the gap is wider than a third of the height."""
    parts: list[str] = []
    for prev, box in zip([None, *boxes], boxes):
        if prev is not None and box.left - (prev.left + prev.width) > 0.33 * max(box.height, prev.height):
            parts.append(" ")
        parts.append(box.text)
    return "".join(parts)


# A line whose right end lies within this share of the text width from the page's
# right margin is full: the printer wrapped it there, the sentence goes on below.
_FULL_LINE = 0.06


def soft_line_breaks(text: str, char_box: list[int | None], boxes: tuple[Word, ...]) -> dict[int, tuple[int, str]]:
    """Replacements {start: (end, " ")} for the line breaks that are only the printer's wrapping.

    A scanned paragraph comes back as one text line per printed line, and
    extractors take a line break as the end of a phrase: a date, a count or a
    reference wrapped at the margin (``วันที่ ๖ มิถุนายน`` / ``๒๕๖๕``) would be
    lost. A line that runs to the right margin of the page's text (justified
    Thai text fills its lines; a paragraph's last line and a list item stop
    short) continues on the next non-empty line, so the break between them,
    blank lines that tesseract put in included, becomes one space.
    """
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    spans = []
    for start, end in lines:
        idx = [b for b in char_box[start:end] if b is not None]
        if idx:
            spans.append((start, end, min(boxes[b].left for b in idx), max(boxes[b].left + boxes[b].width for b in idx)))
    if len(spans) < 2:
        return {}
    left = min(s[2] for s in spans)
    right = max(s[3] for s in spans)
    slack = _FULL_LINE * (right - left)
    out = {}
    for (_, end, _, r), (nxt, _, _, _) in zip(spans, spans[1:]):
        gap = text[end:nxt]
        if r >= right - slack and gap.strip() == "" and "\f" not in gap:
            out[end] = (nxt, " ")
    return out


# A space tesseract put inside a number, after its decimal point or thousands
# comma ("9. 6845ล้านบาท", "๗, ๘๔๙"), is narrower than this share of the digits' height;
# a space between words is wider (a quarter of the font size and more).
_NUMBER_GAP = 0.25
_NUMBER_END = re.compile(r"[0-9๐-๙][.,]$")
_NUMBER_START = re.compile(r"[0-9๐-๙]")


def number_gaps(text: str, tokens: list[_Token], boxes: tuple[Word, ...]) -> dict[int, tuple[int, str]]:
    """Replacements {start: (end, "")} for the spaces tesseract put inside a number.

    Only the page image can tell ``9. 6845`` (one amount, 9.6845) from a list
    number followed by a number; the gap between the boxes decides.
    """
    out = {}
    for a, b in zip(tokens, tokens[1:]):
        gap = text[a.end:b.start]
        if gap != " " or not a.boxes or not b.boxes:
            continue
        if not _NUMBER_END.search(text, a.start, a.end) or not _NUMBER_START.match(text, b.start):
            continue
        last, first = boxes[a.boxes[-1]], boxes[b.boxes[0]]
        height = max(last.height, first.height)
        if 0 <= first.left - (last.left + last.width) < _NUMBER_GAP * height:
            out[a.end] = (b.start, "")
    return out


def ocr_page(number: int, image: Image.Image, *, engine: OcrEngine, options: ReadOptions = _DEFAULT_OPTIONS,
             source: Path | str = "<image>", reread: bool = True) -> Page:
    """One page image to a Page: OCR, words with boxes, Thai digits re-read, numbers checked.

    ``source`` is the file the page comes from: an engine failure is raised as
    that file's ``OcrError`` ("scan.pdf: page 3: tesseract failed: ...").
    """
    try:
        return _read_page(number, image, engine, options, reread)
    except EngineError as err:
        raise OcrError(source, f"page {number}: {err}") from err


def _read_page(number: int, image: Image.Image, engine: OcrEngine, options: ReadOptions, reread: bool) -> Page:
    langs = options.langs
    gray = to_gray(image)
    if options.deskew:
        gray = deskew(gray)
    result = engine.read(binarize_page(gray), langs)
    tokens, char_box = join_words(result)
    fixes = reread_digit_runs(result.text, char_box, result.boxes, gray) if reread else {}
    if reread and "tha" in langs.split("+"):
        fixes.update(reread_latin_misreads(result, tokens, gray, engine, fixes))
    if reread and "eng" in langs.split("+"):
        fixes.update(reread_thai_misreads(result, tokens, gray, engine, fixes))
    fixes.update(soft_line_breaks(result.text, char_box, result.boxes))
    fixes.update(number_gaps(result.text, tokens, result.boxes))
    text, words = _apply(result, tokens, fixes)
    text = correct_numbers(restore_tone_marks(text))
    confs = [w.confidence for w in words if w.confidence >= 0]
    return Page(number=number, text=text, method="ocr",
                confidence=round(sum(confs) / len(confs), 1) if confs else None, words=tuple(words),
                width=gray.width, height=gray.height)


def _apply(result: OcrResult, tokens: list[_Token], fixes: dict[int, tuple[int, str]]) -> tuple[str, list[Word]]:
    """The text with the re-read runs put in, and one Word per token of it."""
    text, parts, pos = result.text, [], 0
    for start in sorted(fixes):
        end, new = fixes[start]
        if start < pos:              # overlaps the fix before it: the first one stands
            continue
        parts += [text[pos:start], new]
        pos = end
    parts.append(text[pos:])
    words = []
    for tok in tokens:
        if not tok.boxes:
            continue
        token_text = read = text[tok.start:tok.end]
        for start in sorted(fixes, reverse=True):
            end, new = fixes[start]
            if tok.start <= start < tok.end:
                token_text = token_text[:start - tok.start] + new + token_text[end - tok.start:]
        bs = [result.boxes[i] for i in tok.boxes]
        left, top, width, height = _union(bs)
        conf = sum(b.confidence for b in bs) / len(bs)
        words.append(Word(token_text, left, top, width, height, round(conf, 1),
                          "reread" if token_text != read else None))
    return "".join(parts), words


PageSource = Callable[[], Page]


def run_ordered(sources: Iterable[Page | PageSource], jobs: int) -> Iterator[Page]:
    """Pages in order, computing the callables on ``jobs`` threads, at most ``jobs + 1`` ahead.

    Threads suffice: the work is a tesseract process per page plus numpy and
    OpenCV steps, which release the GIL. The window keeps memory flat: a
    100-page scan holds a few page images at a time, never all of them.
    """
    if jobs <= 1:
        for src in sources:
            yield src if isinstance(src, Page) else src()
        return
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="saraban-ocr") as pool:
        pending: deque[Future[Page] | Page] = deque()
        for src in sources:
            pending.append(src if isinstance(src, Page) else pool.submit(src))
            while len(pending) > jobs:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())


def _result(item: Future[Page] | Page) -> Page:
    return item if isinstance(item, Page) else item.result()


def default_engine() -> OcrEngine:
    """The engine used when the run names none: tesseract."""
    return TesseractEngine()
