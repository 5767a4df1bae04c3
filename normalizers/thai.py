"""Small pure functions over ``str``, one repair of Thai text each.

Every function here takes ``str`` and returns ``str``; none does I/O. The
functions that keep the length of the text (one character in, one character
out) are safe on their own; those that change it are also exposed as
``(pattern, replacement)`` rules so that :func:`normalizers.normalize` can
apply them through one helper that records the offset map.
"""
from __future__ import annotations

import re
import unicodedata


# Thai combining marks: mai han-akat, sara i..sara uu, phinthu (0E31, 0E34-0E3A),
# maitaikhu..yamakkan (0E47-0E4E). They never start a syllable.
COMBINING = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_COMBINING_RE = f"[{COMBINING}]"
# Thai consonants ko kai..ho nokhuk, plus ru/lu (0E24/0E26 sit in that range).
CONSONANT = "\u0e01-\u0e2e"
TONE_MARKS = "\u0e48-\u0e4b"

# --- one character in, one character out ---------------------------------

# Private-use glyphs of TH SarabunPSK-family fonts, from HarfBuzz's Thai shaper
# (hb-ot-shaper-thai.cc, thai_pua_shape): the Windows set U+F700-U+F71A and the
# Mac set U+F880-U+F89x. Each is a shifted or narrowed form of one standard mark,
# so the repair is one code point for one code point.
PUA_TO_THAI: dict[str, str] = {
    # Windows (Microsoft) set
    "\uf700": "\u0e10",  # tho than without its lower tail
    "\uf701": "\u0e34",  # sara i, shifted left
    "\uf702": "\u0e35",  # sara ii, shifted left
    "\uf703": "\u0e36",  # sara ue, shifted left
    "\uf704": "\u0e37",  # sara uee, shifted left
    "\uf705": "\u0e48",  # mai ek, shifted down-left
    "\uf706": "\u0e49",  # mai tho, shifted down-left
    "\uf707": "\u0e4a",  # mai tri, shifted down-left
    "\uf708": "\u0e4b",  # mai chattawa, shifted down-left
    "\uf709": "\u0e4c",  # thanthakhat, shifted down-left
    "\uf70a": "\u0e48",  # mai ek, shifted down
    "\uf70b": "\u0e49",  # mai tho, shifted down
    "\uf70c": "\u0e4a",  # mai tri, shifted down
    "\uf70d": "\u0e4b",  # mai chattawa, shifted down
    "\uf70e": "\u0e4c",  # thanthakhat, shifted down
    "\uf70f": "\u0e0d",  # yo ying without its lower tail
    "\uf710": "\u0e31",  # mai han-akat, shifted left
    "\uf711": "\u0e4d",  # nikhahit, shifted left
    "\uf712": "\u0e47",  # maitaikhu, shifted left
    "\uf713": "\u0e48",  # mai ek, shifted left
    "\uf714": "\u0e49",  # mai tho, shifted left
    "\uf715": "\u0e4a",  # mai tri, shifted left
    "\uf716": "\u0e4b",  # mai chattawa, shifted left
    "\uf717": "\u0e4c",  # thanthakhat, shifted left
    "\uf718": "\u0e38",  # sara u, shifted down
    "\uf719": "\u0e39",  # sara uu, shifted down
    "\uf71a": "\u0e3a",  # phinthu, shifted down
    # Mac (Apple) set
    "\uf880": "\u0e48",  # mai ek, shifted down
    "\uf881": "\u0e49",
    "\uf882": "\u0e4a",
    "\uf883": "\u0e4b",
    "\uf884": "\u0e4c",
    "\uf885": "\u0e48",  # mai ek, shifted down-left
    "\uf886": "\u0e49",
    "\uf887": "\u0e4a",
    "\uf888": "\u0e4b",
    "\uf889": "\u0e4c",
    "\uf88a": "\u0e48",  # mai ek, shifted up-left
    "\uf88b": "\u0e49",
    "\uf88c": "\u0e4a",
    "\uf88d": "\u0e4b",
    "\uf88e": "\u0e4c",
    "\uf88f": "\u0e48",  # mai ek, shifted left
    "\uf890": "\u0e49",
    "\uf891": "\u0e4a",
    "\uf892": "\u0e4b",
    "\uf893": "\u0e4c",
    "\uf894": "\u0e38",  # sara u, shifted down
    "\uf895": "\u0e39",  # sara uu, shifted down
    "\uf896": "\u0e3a",  # phinthu, shifted down
    "\uf897": "\u0e34",  # sara i, shifted left
    "\uf898": "\u0e35",
    "\uf899": "\u0e36",
    "\uf89a": "\u0e37",
    "\uf89b": "\u0e31",  # mai han-akat, shifted left
    "\uf89c": "\u0e4d",  # nikhahit, shifted left
    "\uf89d": "\u0e47",  # maitaikhu, shifted left
    "\uf89e": "\u0e10",  # tho than without its tail
    "\uf89f": "\u0e0d",  # yo ying without its tail
}
_PUA_TABLE = str.maketrans(PUA_TO_THAI)
# Any of those glyphs: most texts have none, and str.translate costs ~40 ns a character
# on Thai text (a dict look-up each), a regex search a tenth of that (issue 7).
_PUA_CHAR = re.compile("[" + "".join(PUA_TO_THAI) + "]")

# Spaces that are not U+0020: no-break, narrow no-break, figure, ideographic, tab.
_ODD_SPACES = ("\u00a0", "\u202f", "\u2007", "\u3000", "\t")

# Thai digit -> Arabic digit, for str.replace: ten replaces of one character each
# are ~100 times faster than str.translate (PyThaiNLP's thai_digit_to_arabic_digit)
# on Thai text, where translate looks every character up in a dict (issue 7).
_THAI_DIGIT_PAIRS = tuple(zip("๐๑๒๓๔๕๖๗๘๙", "0123456789"))


def thai_digits_to_arabic(text: str) -> str:
    """Write every Thai digit as its Arabic digit; change nothing else.

    One character in, one character out, so offsets stay valid.

    >>> thai_digits_to_arabic("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔")
    'ที่ มท 0204.4/ว 10104'
    """
    for thai, arabic in _THAI_DIGIT_PAIRS:
        if thai in text:
            text = text.replace(thai, arabic)
    return text


def replace_private_use_glyphs(text: str) -> str:
    """Map the private-use glyphs of TH SarabunPSK-family PDF fonts to Thai.

    PDF text layers made with these fonts carry shifted tone marks and vowels
    at U+F700-U+F71A (Windows) or U+F880-U+F89F (Mac) instead of the standard
    code points.

    >>> replace_private_use_glyphs("ที\\uf70a") == "ที\\u0e48"
    True
    """
    return text.translate(_PUA_TABLE) if _PUA_CHAR.search(text) else text


def replace_odd_spaces(text: str) -> str:
    """Write no-break, narrow, figure and ideographic spaces and tabs as a space.

    >>> replace_odd_spaces("ที่\\u00a0มท")
    'ที่ มท'
    """
    for space in _ODD_SPACES:
        if space in text:
            text = text.replace(space, " ")
    return text


# --- rules that change the length: (pattern, replacement) ------------------
# Each is applied by normalizers.normalize through the offset-recording helper.

# zero-width space, ZWNJ, ZWJ, word joiner, BOM, soft hyphen
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# nikhahit + sara aa -> sara am, with an optional tone mark on either side of
# the nikhahit (tesseract writes สํานัก, and ทํ่า / ท่ําา occur in OCR output).
SARA_AM = re.compile(f"\u0e4d([{TONE_MARKS}]?)\u0e32")
SARA_AM_TONE_FIRST = re.compile(f"([{TONE_MARKS}])\u0e4d\u0e32")

# A space (or several) between a Thai character and a combining mark: PDF text
# layers split ที่ into "ที ่". A combining mark cannot begin a word, so the
# space is always damage.
SPACE_BEFORE_MARK = re.compile(f"(?<=[\u0e01-\u0e4e]) +(?={_COMBINING_RE})")

# A consonant, a space, then sara aa: the text layer of a PDF whose sara am
# glyph lost its nikhahit ("ค าน า" for "คำนำ"). Sara aa never begins a
# syllable, so a space before it is damage; the nikhahit is what was lost.
SPLIT_SARA_AM = re.compile(f"(?<=[{CONSONANT}])([{TONE_MARKS}]?) \u0e32")

# The same combining mark twice in a row (ก่่ -> ก่): a typing or OCR slip.
DUPLICATED_MARK = re.compile(f"({_COMBINING_RE})\\1+")


def remove_zero_width(text: str) -> str:
    """Drop zero-width spaces, joiners, BOMs and soft hyphens.

    >>> remove_zero_width("กระทรวง\\u200bมหาดไทย")
    'กระทรวงมหาดไทย'
    """
    return ZERO_WIDTH.sub("", text)


def compose_sara_am(text: str) -> str:
    """Write nikhahit + sara aa (U+0E4D U+0E32) as sara am (U+0E33).

    >>> compose_sara_am("ส\\u0e4d\\u0e32นัก")
    'สำนัก'
    """
    text = SARA_AM_TONE_FIRST.sub("\\1\u0e33", text)
    return SARA_AM.sub("\\1\u0e33", text)


def remove_space_before_marks(text: str) -> str:
    """Rejoin a combining mark to the character a space split it from.

    >>> remove_space_before_marks("ที ่ พล")
    'ที่ พล'
    """
    return SPACE_BEFORE_MARK.sub("", text)


def rejoin_split_sara_am(text: str) -> str:
    """Read consonant + space + sara aa as the sara am it was.

    PyThaiNLP's ``remove_spaces_before_marks`` leaves this unrepaired.

    >>> rejoin_split_sara_am("ค าน า")
    'คำนำ'
    """
    return SPLIT_SARA_AM.sub("\\1\u0e33", text)


def remove_duplicated_marks(text: str) -> str:
    """Keep one of a combining mark written twice in a row.

    >>> remove_duplicated_marks("ก\\u0e48\\u0e48า") == "ก\\u0e48า"
    True
    """
    return DUPLICATED_MARK.sub("\\1", text)


def compose_nfc(text: str) -> str:
    """Unicode NFC. Never NFKC: U+0E33 has a compatibility decomposition.

    >>> compose_nfc("สำนัก") == "สำนัก"
    True
    """
    return unicodedata.normalize("NFC", text)
