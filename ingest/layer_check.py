"""Does a PDF page's text layer say what the page shows? Symptoms, cheap repairs, a verdict.

A text layer can be valid Unicode and still wrong: a font that maps its Thai
glyphs to ASCII (``'1>@01>#1/2@$@12B``) or to Greek (``ΦϬϔϠθχΩΩμν``), TIS-620
bytes read as Latin-1 (``»ÃÐ¡ÒÈ``), a scanner's English OCR over a Thai page
(``d:s nrna q dni:uir,rr:ei``), tone marks or sara am lost on the way.
OCRmyPDF calls a text box corrupt only when its characters are unmapped
(U+FFFD), so none of these is caught by asking whether a layer exists or
decodes. Each symptom below measures one thing the layer says;
:func:`judge_text` reads them, cheapest first, and answers ``good``, ``bad``
or ``unsure``. :func:`judge_layer` adds what ingest/textlayer.py measures
(no layer, ``(cid:N)`` glyphs, split marks) and tries the cheap repairs of
:data:`REPAIRS` on a bad layer, each judged again the same way. An unsure
layer is settled by OCR'ing one of its lines (:func:`check_one_line`). A page
whose layer is still not good is OCR'd: the image stays, its text is
replaced (OCRmyPDF's ``--redo-ocr`` idea).

A scanner's invisible OCR layer (text render mode 3 over the page image) is
judged like any other. TH SarabunIT๙ draws Thai digit shapes at the ASCII
digits, so its layers carry Arabic digits: they are digits, and no symptom
counts them.

Every threshold is named with the measurement that chose it. "Windows of
the real letters" are the page-1 transcriptions of the 15 real documents
(``../shared/corpus/scans/gold``), the 5 dev documents and the samples, cut
into runs of N Thai letters every 50 letters (1000-1500 windows).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from PIL import Image
from rapidfuzz import fuzz

from saraban.ingest import Word
from saraban.ingest.ocr import OcrEngine
from saraban.ingest.textlayer import (
    MAX_DAMAGE_SHARE, MIN_LAYER_CHARS, FontText, LayerLine, TextLayer, repair_text_layer, text_layer_damage,
)
from saraban.normalizers.thai import compose_sara_am, rejoin_split_sara_am, thai_digits_to_arabic

# --- what the text says ---------------------------------------------------------------

_THAI = re.compile(r"[\u0e01-\u0e4e]")
_TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"        # mai ek, mai tho, mai tri, mai chattawa
# Latin-1 signs that real Thai documents print: degree, middle dot, times, guillemets...
_TYPOGRAPHIC = frozenset("°·×÷«»©®±")


def _is_foreign(c: str) -> bool:
    """A letter or sign from the Latin-1 Supplement to Cyrillic (U+00A1-U+04FF).

    Where a Thai layer's mapping went wrong, its letters land there: TIS-620
    bytes read as Latin-1 (``¡ÒÃ``), glyph numbers read as Greek (``ΦϬϔ``).
    """
    return "\u00a1" <= c <= "\u04ff" and c not in _TYPOGRAPHIC


@dataclass(frozen=True, slots=True)
class Script:
    """The letters of a text by script: Thai, ASCII, foreign (see :func:`_is_foreign`)."""

    thai: int
    latin: int
    foreign: int

    @property
    def letters(self) -> int:
        return self.thai + self.latin + self.foreign


def count_scripts(text: str) -> Script:
    """Count the Thai, ASCII and foreign letters of ``text`` (digits are not letters).

    >>> count_scripts("ที่ มท 0204 SDGs ΦϬ")
    Script(thai=5, latin=4, foreign=2)
    """
    thai = latin = foreign = 0
    for c in text:
        if "\u0e01" <= c <= "\u0e4e":
            thai += 1
        elif c.isascii():
            latin += c.isalpha()
        elif _is_foreign(c):
            foreign += 1
    return Script(thai, latin, foreign)


def foreign_letter_share(text: str) -> float:
    """Share of the letters that are neither Thai nor ASCII: the sign of a wrong mapping.

    >>> foreign_letter_share("¡ÒÃ»ÃÐªØÁ")   # 'การประชุม' in TIS-620 read as Latin-1
    1.0
    >>> foreign_letter_share("อุณหภูมิ ๓๐° ขนาด ๒×๓ เมตร")
    0.0
    """
    s = count_scripts(text)
    return s.foreign / max(s.letters, 1)


# Pages whose letters are more than this share foreign are not Thai or English text:
# the 46 dev born-digital pages, the samples and r13-r15 have at most 0.8 %; Thai set
# in TIS-620 read as Latin-1, or mapped to Greek, 95-98 %.
MAX_FOREIGN_SHARE = 0.2


@functools.cache
def _thai_words() -> frozenset[str]:
    from pythainlp.corpus import thai_words
    return thai_words()


def dictionary_word_share(text: str) -> float:
    """Share of the Thai letters that PyThaiNLP's newmm puts in dictionary words of 2+ letters.

    Only the first WORD_SAMPLE characters are read. Single letters count as misses: text garbled letter by letter still
    splits into many one-letter "words" and would score ~0.6 otherwise.

    >>> dictionary_word_share("การพัฒนาที่ยั่งยืน")
    1.0
    >>> dictionary_word_share("ก า ร พ ั ฒ น า") < 0.5
    True
    """
    from pythainlp.tokenize import word_tokenize

    text = compose_sara_am(text[:WORD_SAMPLE])
    thai = len(_THAI.findall(text))
    if not thai:
        return 1.0
    known = _thai_words()
    hits = sum(len(_THAI.findall(piece)) for piece in word_tokenize(text, engine="newmm", keep_whitespace=False)
               if len(piece) > 1 and piece in known)
    return hits / thai


# Characters of a page that dictionary_word_share reads: newmm is most of the judge's cost
# (~1 ms per 1,000 characters), and a wrong mapping spoils a whole font, not one corner.
# Every 800-character window of the real letters scores 0.964 or more, every 500 0.952.
WORD_SAMPLE = 800

# Below this the Thai of a layer is not words: the real letters score 0.976-1.0 (whole
# and half pages), the dev born-digital pages 0.947-1.0; Thai with a space after 30 % of
# its letters 0.53-0.60, tesseract's letter-by-letter Thai layer 0.30-0.35.
MIN_WORD_SHARE = 0.75
# Between MIN_WORD_SHARE and this the layer is unsure, and one line is OCR'd to check it:
# words split by 10 % stray spaces score 0.77-0.88. (A layer that lost every tone mark
# still scores 0.91-0.96, newmm finding ที and ยัง: tone_mark_share catches that.)
SURE_WORD_SHARE = 0.9


def tone_mark_share(text: str) -> float:
    """Tone marks per Thai letter.

    >>> round(tone_mark_share("ที่ว่าการอำเภอ"), 2)
    0.14
    """
    return sum(text.count(m) for m in _TONE_MARKS) / max(len(_THAI.findall(text)), 1)


# Tone marks per Thai letter below which the layer lost them, over MIN_LETTERS_FOR_TONES
# Thai letters or more: every 300-letter window of the real letters has 1.7 % or more
# (1 % of them under 2.7 %); r14's layer, whose marks are (cid:N), has 0.
MIN_TONE_SHARE = 0.01
MIN_LETTERS_FOR_TONES = 300


def has_sara_am(text: str) -> bool:
    """Does the text write sara am (also as nikhahit + sara aa, or split by a space)?

    >>> has_sara_am("ส\\u0e4d\\u0e32นัก"), has_sara_am("ต าบล"), has_sara_am("ตาบล")
    (True, True, False)
    """
    return "\u0e33" in rejoin_split_sara_am(compose_sara_am(text))


# Thai letters from which a text with no sara am has lost it: every 800-letter window of
# the real letters has 2 or more (0.35 % of the 500-letter windows have none).
MIN_LETTERS_FOR_SARA_AM = 800

# Thai digits tesseract's tha model can never write: its character set holds only
# ๐ ๑ ๒ ๓ ๕ (langdata_lstm issue 42).
_DIGITS_TESSERACT_CANNOT_WRITE = frozenset("๔๖๗๘๙")


def tesseract_digit_fingerprint(text: str) -> bool:
    """Many Thai digits, and not one ๔ ๖ ๗ ๘ ๙: digits written by tesseract's tha model.

    A searchable PDF made by tesseract or OCRmyPDF in Thai misreads each of
    those five digits (digit error rate of such layers of r03 and r08 at
    150 dpi: 34-38 %); Saraban's OCR re-reads digit runs, so it does better.

    >>> tesseract_digit_fingerprint("ที่ พท ๐๐๑๘.๒/ว ๓๕๑ ลงวันที่ ๑๕ ตุลาคม ๒๕๖๘ " * 2)
    False
    >>> tesseract_digit_fingerprint("ที่ พท ๐๐๑๐.๒/ว ๓๕๑ ลงวันที่ ๑๕ ตุลาคม ๒๕๐๕ " * 2)
    True
    """
    digits = [c for c in text if "๐" <= c <= "๙"]
    return len(digits) >= MIN_THAI_DIGITS and not _DIGITS_TESSERACT_CANNOT_WRITE.intersection(digits)


# Thai digits from which missing all of ๔ ๖ ๗ ๘ ๙ is the tesseract fingerprint: were half
# of all digits those five, 20 digits would all miss them once in a million pages;
# letters dated 2560-2569 BE carry ๖ in every year.
MIN_THAI_DIGITS = 20


# The most frequent English words, all function words: about 40 % of running English
# text. Written out here: no English word list ships with our dependencies (PyThaiNLP's
# are Thai; spaCy's sits behind an import the pipeline must not need).
_ENGLISH_COMMON = frozenset("""
the of and to a in is for on that by with as at from be are this it or an was were will which
not have has had their its they we our you your all can may also more other been into than such
these those but who one two new per each any no if use used under between about over after
through only most same both should would must shall there
""".split())
_EDGE_PUNCTUATION = ".,;:()[]\"'“”‘’!?-–"


def _latin_words(text: str) -> list[str]:
    words = (w.strip(_EDGE_PUNCTUATION) for w in text.split())
    return [w for w in words if any(c.isascii() and c.isalpha() for c in w)]


def english_word_share(text: str) -> float:
    """Share of the Latin words that are among the commonest English words.

    >>> round(english_word_share("Convene periodic consultations with the United Nations"), 2)
    0.29
    >>> english_word_share("d:s nrna q dni:uir,rr:ei")
    0.0
    """
    words = _latin_words(text)
    return sum(w.lower() in _ENGLISH_COMMON for w in words) / max(len(words), 1)


# At least this, Latin text is English: the English pages of the dev slides score 0.21-0.35;
# a scanner's English OCR of Thai pages 0.02-0.08, Thai glyphs mapped to ASCII 0.
MIN_ENGLISH_SHARE = 0.15

# A word's shape: lower case, capitalised, an acronym (plural too), or camel case.
_WORD_SHAPE = re.compile(r"[A-Z]?[a-z]+(?:['’-][A-Za-z]+)*|[A-Z]{2,6}s?|[A-Z][a-z]*[A-Z][a-z]+")


def word_shape_share(text: str) -> float:
    """Share of the Latin words shaped like words (no digits or signs inside, sensible case).

    >>> word_shape_share("Nakhon Sawan  Nakhon Si Thammarat  PCIO  QR Code")
    1.0
    >>> word_shape_share("Twn coealle/\\\\4 ind e&nooo mumwWus weed")
    0.5
    """
    words = _latin_words(text)
    return sum(bool(_WORD_SHAPE.fullmatch(w)) for w in words) / max(len(words), 1)


# At least this, Latin text with few common words is names and terms (a list of provinces,
# an English heading): the English dev pages score 0.95-1.0, r15's English terms 1.0; a
# scanner's English OCR of Thai pages 0.79-0.87, Thai mapped to keyboard ASCII 0.13-0.14.
MIN_WORD_SHAPE = 0.93

# ASCII signs that sit inside words only in garbage: ! # $ & * + < = > ? @ [ \ ] ^ _ ` { | } ~
_ODD_SIGNS = frozenset("!#$&*+<=>?@[\\]^_`{|}~")


def odd_sign_share(text: str) -> float:
    """Share of the ASCII tokens (2+ characters, not one sign repeated) that hold an odd sign.

    >>> odd_sign_share("'1>@01>#1/2@$@12B ;Bv4]4")
    1.0
    >>> round(odd_sign_share("e-mail: saraban@dga.or.th ____________ page 2"), 2)
    0.33
    """
    tokens = [t for t in text.split() if len(t) > 1 and len(set(t)) > 1 and t.isascii()]
    return sum(any(c in _ODD_SIGNS for c in t) for t in tokens) / max(len(tokens), 1)


# Above this, Latin text is glyphs mapped to ASCII: Thai mapped to a scrambled ASCII set
# scores 0.6-0.85, to the Kedmanee keyboard 0.72; the dev pages 0-0.19 (e-mail
# addresses), a scanner's English OCR of Thai 0.05-0.07.
MAX_ODD_SIGN_SHARE = 0.4


# --- fonts ----------------------------------------------------------------------------

# Typefaces made for Thai, their Latin letters secondary: the Office UPC and "New"
# families, the SIPA fonts of official letters (TH Sarabun PSK / New / IT๙, TH Niramit AS,
# ...), legacy PSL fonts, TLWG, Apple's and Google's Thai families. Thai-capable fonts
# made for Latin first (Tahoma, Microsoft Sans Serif, Arial Unicode) are not here: their
# name says nothing of what they drew.
_THAI_FONT_PREFIX = re.compile(r"TH\s?[A-Z]|PSL")
_THAI_FONT = re.compile(
    r"sarabun|angsana|cordia|browallia|eucrosia|dillenia|freesia|irisupc|jasmineupc|kodchiang"
    r"|lilyupc|laksaman|garuda|kinnari|loma|norasi|purisa|sawasdee|tlwg|umpush|waree|leelawad"
    r"|thonburi|ayuthaya|krungthep|silom|sathu|sukhumvit|sans\s?thai|serif\s?thai|looped\s?thai"
    r"|kanit|prompt|mitr|pridi|taviraj|trirong|athiti|chonburi|itim|pattaya|sriracha|maitree"
    r"|niramit|chakra\s?petch|jamjuree|kodchasan|charmonman|srisakdi|fahkwang|thasadith",
    re.IGNORECASE,
)


def is_thai_font(name: str) -> bool:
    """Is this a typeface made for Thai, by its name (subset prefix ignored)?

    >>> [is_thai_font(n) for n in ("ABCDEE+TH SarabunIT๙,Bold", "JIFQTF+AngsanaNew",
    ...                            "SYQSPN+EucrosiaUPC", "Arial-BoldMT", "GlyphLessFont")]
    [True, True, True, False, False]
    """
    name = name.split("+", 1)[-1]
    return bool(_THAI_FONT_PREFIX.match(name) or _THAI_FONT.search(name))


def thai_font_without_thai(fonts: Sequence[FontText]) -> FontText | None:
    """A Thai typeface that drew many letters, hardly any Thai, and no words: its map is wrong.

    TH SarabunPSK sets the English of Thai letters too, so a Thai font's
    Latin text is suspect only when it reads neither as English nor as
    names and terms.
    """
    for font in fonts:
        if not is_thai_font(font.name):
            continue
        s = count_scripts(font.text)
        if (s.letters >= MIN_FONT_LETTERS and s.thai < MAX_THAI_FONT_THAI_SHARE * s.letters
                and not _reads_as_latin(font.text)):
            return font
    return None


# A font that drew fewer letters than this is not judged alone (a page number, a heading).
MIN_FONT_LETTERS = 40
# A Thai typeface whose letters are less than this share Thai is not setting Thai: the dev
# born-digital pages in Laksaman have 0 % (English slides) or 26-100 %, r15's English
# terms in TH SarabunPSK 0 %; Thai mapped to ASCII or Greek 0 %.
MAX_THAI_FONT_THAI_SHARE = 0.2


def _reads_as_latin(text: str) -> bool:
    """English, or names and terms, and not signs scattered through tokens."""
    if odd_sign_share(text) > MAX_ODD_SIGN_SHARE:
        return False
    return english_word_share(text) >= MIN_ENGLISH_SHARE or word_shape_share(text) >= MIN_WORD_SHAPE


# --- the verdict ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Verdict:
    """What the symptoms say of a layer, and why.

    ``status`` is ``none`` (no layer to speak of), ``good``, ``bad`` or
    ``unsure``; ``text`` is the text judged (repaired, when a repair made it
    good); ``font`` names the font that made it unsure, if one did.
    """

    status: str
    why: str
    text: str
    repair: str = ""
    font: str = ""

    @property
    def good(self) -> bool:
        return self.status == "good"


# Thai letters from which the Thai of a mostly Latin page is judged as Thai: a slide of
# English province names with a Thai title (159 Thai letters, words 99 %) is Thai-mapped
# right, whatever the share of its English.
MIN_THAI_LETTERS = 100


def judge_text(text: str, fonts: Sequence[FontText] = ()) -> Verdict:
    """Judge a text layer by what it says, cheapest symptom first.

    >>> judge_text("เรื่อง ขอเชิญประชุม ที่ว่าการอำเภอ " * 20).status
    'good'
    >>> judge_text("¡ÒÃ»ÃÐªØÁ " * 40).why
    'foreign letters 100% of letters (> 20%)'
    >>> judge_text("d:s nrna q dni:uir,rr:ei awn " * 20).status
    'unsure'
    """
    s = count_scripts(text)
    if (foreign := foreign_letter_share(text)) > MAX_FOREIGN_SHARE:
        return Verdict("bad", f"foreign letters {foreign:.0%} of letters (> {MAX_FOREIGN_SHARE:.0%})", text)
    if s.thai >= s.latin or s.thai >= MIN_THAI_LETTERS:
        verdict = _judge_thai(text, s)
        if verdict.good and s.latin > s.thai and odd_sign_share(text) > MAX_ODD_SIGN_SHARE:
            verdict = Verdict("bad", f"ASCII garbage beside the Thai ({odd_sign_share(text):.0%} "
                                     "of tokens hold odd signs)", text)
    else:
        verdict = _judge_latin(text)
    if not verdict.good:
        return verdict
    font = thai_font_without_thai(fonts)
    if font is None:
        return verdict
    f = count_scripts(font.text)
    return Verdict("unsure", f"Thai font {font.name.split('+', 1)[-1]} drew {f.thai / f.letters:.0%} "
                             "Thai letters and no English", text, font=font.name)


def _judge_thai(text: str, s: Script) -> Verdict:
    if tesseract_digit_fingerprint(text):
        return Verdict("bad", "Thai digits without one ๔๖๗๘๙ (tesseract's tha model wrote them)", text)
    if s.thai >= MIN_LETTERS_FOR_TONES and (tones := tone_mark_share(text)) < MIN_TONE_SHARE:
        return Verdict("bad", f"tone marks dropped ({tones:.2%} of {s.thai} Thai letters "
                              f"< {MIN_TONE_SHARE:.0%})", text)
    if s.thai >= MIN_LETTERS_FOR_SARA_AM and not has_sara_am(text):
        return Verdict("bad", f"no sara am in {s.thai} Thai letters", text)
    words = dictionary_word_share(text)
    if words < MIN_WORD_SHARE:
        return Verdict("bad", f"dictionary words {words:.0%} of Thai letters (< {MIN_WORD_SHARE:.0%})", text)
    if words < SURE_WORD_SHARE:
        return Verdict("unsure", f"dictionary words {words:.0%} of Thai letters", text)
    return Verdict("good", f"Thai, dictionary words {words:.1%}", text)


def _judge_latin(text: str) -> Verdict:
    odd = odd_sign_share(text)
    if odd > MAX_ODD_SIGN_SHARE:
        return Verdict("bad", f"ASCII garbage ({odd:.0%} of tokens hold odd signs)", text)
    english = english_word_share(text)
    if english >= MIN_ENGLISH_SHARE:
        return Verdict("good", f"English, common words {english:.0%}", text)
    shape = word_shape_share(text)
    if shape >= MIN_WORD_SHAPE:
        return Verdict("good", f"Latin names and terms, word-shaped {shape:.0%}", text)
    return Verdict("unsure", f"Latin text, common English words {english:.0%}, word-shaped {shape:.0%}", text)


# --- cheap repairs --------------------------------------------------------------------

def decode_tis620_read_as_latin1(text: str) -> str:
    """Read runs of Latin-1 letters as the TIS-620 (cp874) bytes they were.

    Pre-Unicode Thai fonts put Thai glyphs at the TIS-620 byte values;
    without a ToUnicode map a reader takes those bytes for Latin-1.

    >>> decode_tis620_read_as_latin1("»ÃÐ¡ÒÈ ¨Ñ§ËÇÑ´¾Ñ·ÅØ§ ·Õè ¾· ðð÷ð")
    'ประกาศ จังหวัดพัทลุง ที่ พท ๐๐๗๐'
    """
    return _LATIN1_RUN.sub(lambda m: m.group().encode("latin-1").decode("cp874", errors="replace"), text)


_LATIN1_RUN = re.compile("[\u00a1-\u00ff]+")

# Repairs tried in order on a layer judged bad; each result is judged again as a whole.
# Not here, for want of a general rule: dropped tone marks (tone_marks.py restores only
# those stacked over a vowel, measured on OCR) and a lost sara am; nor the glyph-shape
# mapping of a font with no Unicode at all (OCR reads those shapes).
REPAIRS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("TIS-620 read as Latin-1", decode_tis620_read_as_latin1),
)


def layer_words(layer: TextLayer, verdict: Verdict) -> tuple[Word, ...]:
    """The layer's words, their text repaired as the verdict's text was.

    >>> words = (Word("»ÃÐ¡ÒÈ", 10, 10, 40, 12, -1.0),)
    >>> layer_words(TextLayer("»ÃÐ¡ÒÈ", words=words), Verdict("good", "", "ประกาศ", "TIS-620 read as Latin-1"))[0].text
    'ประกาศ'
    """
    repair = dict(REPAIRS).get(verdict.repair)
    if repair is None:
        return layer.words
    return tuple(replace(word, text=repair(word.text)) for word in layer.words)


def judge_layer(layer: TextLayer) -> Verdict:
    """A page's text layer judged: none, damaged, or by :func:`judge_text`, repairs tried when bad.

    >>> judge_layer(TextLayer("๓")).status
    'none'
    >>> v = judge_layer(TextLayer("»ÃÐ¡ÒÈà·ÈºÒÅµÓºÅ ·Õè¨Ñ§ËÇÑ´ ¾Ñ·ÅØ§ àÃ×èÍ§ " * 30))
    >>> v.status, v.repair, v.text[:16]
    ('good', 'TIS-620 read as Latin-1', 'ประกาศเทศบาลตำบล')
    """
    damage = text_layer_damage(layer.text)
    if damage.chars < MIN_LAYER_CHARS:
        return Verdict("none", f"no text layer ({damage.chars} characters)", layer.text)
    if damage.share > MAX_DAMAGE_SHARE:
        return Verdict("bad", f"text layer damaged ({damage.share:.1%}: cid {damage.cid}, pua {damage.pua}, "
                              f"split marks {damage.split_marks}, bad clusters {damage.bad_clusters})", layer.text)
    verdict = judge_text(layer.text, layer.fonts)
    if verdict.status != "bad":
        return verdict
    for name, repair in REPAIRS:
        fixed = repair(layer.text)
        if fixed == layer.text:
            continue
        again = judge_text(fixed, [FontText(f.name, repair(f.text)) for f in layer.fonts])
        if again.good:
            return replace(again, repair=name, why=f"{verdict.why}; repaired ({name}): {again.why}")
    return verdict


# --- one line OCR'd -------------------------------------------------------------------

def _canon(text: str) -> str:
    """NFC, sara am composed, Arabic digits, no white space: how a line and its OCR compare."""
    text = compose_sara_am(unicodedata.normalize("NFC", text))
    return "".join(thai_digits_to_arabic(text).split())


def strip_agreement(layer_line: str, ocr_text: str) -> float:
    """How well a line of the layer matches the OCR of its strip of the page (0-1).

    The best-matching part counts (the strip may catch a piece of the next
    line). Digits compare by value, so TH SarabunIT๙'s ASCII digits agree
    with the Thai digits OCR reads off the page.

    >>> strip_agreement("ประกาศเทศบาลตำบลพอกน้อย หมู่ที่ 5", "ประกาศเทศบาลต\\u0e4d\\u0e32บลพอกน้อย หมู่ที่ ๕")
    1.0
    >>> strip_agreement("d:s nrna q dni:uir,rr:ei", "ด้วยสำนักงานจังหวัดเชียงใหม่") < 0.1
    True
    """
    a, b = _canon(layer_line), _canon(ocr_text)
    if not a or not b:
        return 0.0
    return fuzz.partial_ratio(a, b) / 100


# A line agreeing with the OCR of its strip this much or more is the page's text:
# born-digital Thai and English lines against tesseract 0.9-1.0; Thai glyphs mapped to
# ASCII, Greek or Latin-1, and a scanner's English OCR layer over Thai, 0.04-0.2.
MIN_STRIP_AGREEMENT = 0.6
# Padding of the strip above and below the line, as a share of the line's height.
_STRIP_PAD = 0.3


def pick_line(layer: TextLayer, font: str = "") -> LayerLine | None:
    """The line to check: the one where ``font`` drew most, else the one with most characters."""
    if not layer.lines:
        return None
    if font:
        return max(layer.lines, key=lambda line: dict(line.fonts).get(font, 0))
    return max(layer.lines, key=lambda line: len(line.text.strip()))


def check_one_line(verdict: Verdict, layer: TextLayer, page: Image.Image, engine: OcrEngine,
                   langs: str) -> Verdict:
    """Settle an unsure verdict: OCR one line's strip of the page image and compare it with the layer.

    ``page`` is the page rendered as the layer's points are laid out (pdfium
    and pdfplumber both turn a rotated page), its dpi in ``info``.
    """
    line = pick_line(layer, verdict.font)
    if line is None:
        return replace(verdict, status="bad", why=f"{verdict.why}; no line to check")
    scale = page.info.get("dpi", (72, 72))[0] / 72
    pad = _STRIP_PAD * (line.bottom - line.top)
    box = (max(0, round((line.x0 - pad) * scale)), max(0, round((line.top - pad) * scale)),
           min(page.width, round((line.x1 + pad) * scale)), min(page.height, round((line.bottom + pad) * scale)))
    if box[2] <= box[0] or box[3] <= box[1]:
        return replace(verdict, status="bad", why=f"{verdict.why}; its line lies off the page")
    strip = page.crop(box)
    strip.info["dpi"] = page.info.get("dpi", (300, 300))
    score = strip_agreement(repair_text_layer(line.text), engine.read_block(strip, langs).text)
    status = "good" if score >= MIN_STRIP_AGREEMENT else "bad"
    return replace(verdict, status=status, why=f"{verdict.why}; one line OCR'd agrees {score:.0%}")
