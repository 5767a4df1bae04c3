"""Thai provinces named in the text: the `provinces` field of spec/extraction.md.

Thai names are found exactly (with or without ``จ.``/``จังหวัด``, inside an
organisation name such as ``องค์การบริหารส่วนจังหวัดพิษณุโลก``, after ``นคร`` of a
city municipality) and kept only where they stand as a word of their own:
Thai has no spaces between words, so ``เผยแพร่`` ("publish") holds the letters
of แพร่. Where the neighbouring letters are Thai, PyThaiNLP's dictionary
tokenizer decides whether the name's edges are word edges. Province names
that are everyday words (``เลย`` "at all", ``ตาก`` "to dry") count only after
``จ.``/``จังหวัด``, a town municipality or district (``เทศบาลเมืองตาก``,
``อำเภอเมืองน่าน``) or beside another province. English names, often misspelt
in tables typed by hand (``Khon Keen``, ``Buengkan``), are fuzzy-matched with
rapidfuzz. Two-letter codes (``พล``) are never read as provinces.

English province names are people's names and firms' names too (issue 14).
An English name counts when it stands alone among capitalised words, or
beside place words (``Surin Province``, ``Changwat Nakhon Phanom``, ``Khon Kaen
University``) or other provinces (a list or a table row: ``Surin Tak``). Glued
to other capitalised words it is part of a longer name and does not count
(``Surin Kaewmanee``, ``Trang Seafood Cooperative``, ``Nan Engineering``), nor
after a person's title (``Mr. Chumphon``); inside another word it never did
(``Loeiwattana``).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from pythainlp.util import Trie
from rapidfuzz import fuzz, process

from saraban import corpus
from saraban.extractors._patterns import trie_regex
from saraban.extractors.records import Record

VERSION = "5"

# Fuzzy cut-off for English names, compared lowercased without spaces or
# hyphens (rapidfuzz ratio, 0-100). Measured on the 77 names and their aliases
# with one letter substituted, doubled or dropped: 85 keeps 'Khon Keen' (87.5)
# and 'Chaiyapum' (94.7), while the English words of a UN statement (Thailand,
# Nations, Interior, Governors, ...) all score below 75 against every name.
EN_CUTOFF = 85.0
# Names this short are matched exactly: one letter is too much of them.
EN_EXACT_MAX_LEN = 5

# OCR-damaged Thai names are fuzzy-matched only right after จ./จังหวัด, where a
# province must follow (rapidfuzz ratio against each name, 0-100). Measured on
# 600 one-letter edits (a letter dropped or replaced) of the 60 names of 6+
# letters, followed by other text: cut-off 83 finds the right province for
# 99.5% (84 and 85: 92.5%, one substitution in a 6-letter name scores 83.3;
# 3 variants match a similar name at any cut-off, e.g. เพชรบุรี/เพชรบูรณ์).
# On the dev texts every จ./จังหวัด not followed by a name scores at most 66.7.
TH_CUTOFF = 83.0
TH_FUZZY_MIN_LEN = 6
_FUZZY_PREFIX = re.compile(r"จ\.[ \t]?|จังหวัด")

# Province names that are also everyday Thai words.
AMBIGUOUS_TH = frozenset({"เลย", "ตาก", "แพร่", "น่าน", "ชุมพร"})
# Written before a name, these make it a province: จ.เชียงราย, จังหวัดพิษณุโลก,
# นายกเทศมนตรีนครพิษณุโลก (a city municipality names its province).
_PROVINCE_PREFIX = re.compile(r"(?:จ\.|จังหวัด|นคร|เทศบาลเมือง|อำเภอเมือง|อ\.[ \t]?เมือง)\s*$")
# Written before a name, these make it a road, district or subdistrict of the
# same name (ถนนพิษณุโลก is a street in Bangkok; อ.ตากใบ a district).
_PLACE_PREFIX = re.compile(r"(?:ถนน|ถ\.|ซอย|ซ\.|อำเภอ|อ\.|ตำบล|ต\.|แขวง|หมู่บ้าน|บ้าน|วัด)\s*$")
# Written before a name, these make it a person's name (นายสุรินทร์, ชุมพร is a given name too).
_PERSON_PREFIX = re.compile(r"(?:นาย|นาง|นางสาว|น\.ส\.|ดร\.|คุณ|ด\.ช\.|ด\.ญ\.)\s*$")
_THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")
# A run of capitalised English words: Mae Hong Son, Nong Bua Lam Phu, KHON KAEN.
# (The word boundary before the first capital is checked after it, (?<!\w[A-Z]), so the
# regex engine jumps from capital to capital instead of testing \b at every position.)
_EN_RUN = re.compile(r"[A-Z](?<!\w[A-Z])[A-Za-z]+(?:[ \-][A-Z][A-Za-z]*)*\b")
_EN_WORD = re.compile(r"[A-Za-z]+")
_EN_MAX_WORDS = 5
_SPACES_HYPHENS = re.compile(r"[\s\-]+")
# Capitalised words that may stand beside an English province name and leave it a
# place: place and public-body words, and the small words that open a sentence or
# a heading ("In Surin, ...", "The Surin Provincial Office").
_EN_PLACE_WORDS = frozenset("""
province provinces provincial changwat city municipality municipal district districts amphoe amphur
mueang muang town region regional office hall university rajabhat hospital airport police court governor
administrative organization organisation pao station campus area border northeast northern north south
southern east eastern west western central upper lower thailand thai kingdom
the a an in at from to of for and or by on with both all this these those across near around throughout
between via
""".split())
# A person's title before a name: Mr. Surin, Dr Chumphon, Khun Nan.
_EN_PERSON_BEFORE = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Khun|Gen|Lt|Col|Capt|Pol|Sir|Madam)\.?|H\.E\.)[ \t]*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProvinceMention(Record):
    """A province named in the text, e.g. ``จ.เชียงราย`` or ``Khon Keen``."""

    name: str     # the official Thai name, กรุงเทพมหานคร for Bangkok
    name_en: str  # the English name of corpus/data/provinces.json


@cache
def _thai_names() -> dict[str, dict[str, str]]:
    """Every Thai spelling (name and alias) -> its province row."""
    out = {}
    for row in corpus.provinces():
        for spelling in [row["name_th"], *row.get("aliases_th", [])]:
            out[spelling] = row
    return out


@cache
def _thai_pattern() -> re.Pattern[str]:
    """The names alone: จ./จังหวัด before one is looked for behind it (``_PREFIX_BEFORE``).

    A pattern that may open with an optional prefix is tried in full at every
    position; the names' trie alone lets the regex engine skip faster (2.5x, issue 14).
    """
    return re.compile("(?P<name>" + trie_regex(list(_thai_names())) + ")")


_PREFIX_BEFORE = re.compile(r"(?:จ\.|จังหวัด)\s*$")
_PREFIX_REACH = 24


def _squash(s: str) -> str:
    return _SPACES_HYPHENS.sub("", s).lower()


@cache
def _english_names() -> tuple[list[str], list[dict[str, str]], list[int]]:
    """Squashed English spellings and, in the same order, their province rows and how many words each has."""
    keys, rows, words = [], [], []
    for row in corpus.provinces():
        for spelling in [row["name_en"], *row.get("aliases_en", [])]:
            keys.append(_squash(spelling))
            rows.append(row)
            words.append(len(_SPACES_HYPHENS.split(spelling.strip())))
    return keys, rows, words


@cache
def _english_index() -> dict[str, int]:
    """Squashed English spelling -> its first position in ``_english_names()`` (list.index, by hash)."""
    index: dict[str, int] = {}
    for i, key in enumerate(_english_names()[0]):
        index.setdefault(key, i)
    return index


class _WordSetTrie(Trie):
    """A tokenizer dictionary that looks words up in a set instead of walking a trie.

    newmm asks its dictionary only for the words that start at a position of
    the text (``prefixes``). PyThaiNLP's Trie answers from nodes built for all
    62,000 words: 0.5 s of CPU in every new process, at the first letter's
    province check or in a worker pool's start-up (issue 14). This one answers
    from the word set and, per first two letters, the lengths its words have:
    0.1 s to build, the same answers (a test compares the tokens on real text).
    """

    def __init__(self, words: frozenset[str]) -> None:
        super().__init__([])
        self._words = words
        self._word_count = len(words)
        lengths: dict[str, set[int]] = {}
        for w in words:
            if len(w) > 1:
                lengths.setdefault(w[:2], set()).add(len(w))
        self._lengths = {head: tuple(sorted(ls)) for head, ls in lengths.items()}

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """The words that start at ``start`` in ``text``, shortest first, as ``Trie.prefixes``."""
        out = [text[start]] if start < len(text) and text[start] in self._words else []
        n = len(text)
        for length in self._lengths.get(text[start:start + 2], ()):
            if start + length > n:
                break
            piece = text[start:start + length]
            if piece in self._words:
                out.append(piece)
        return out

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def __len__(self) -> int:
        return self._word_count

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)


@cache
def _dictionary() -> _WordSetTrie:
    """PyThaiNLP's word list plus every province spelling, as the tokenizer's dictionary."""
    from pythainlp.corpus import thai_words

    return _WordSetTrie(frozenset(thai_words()) | frozenset(_thai_names()))


def _word_edges(text: str, start: int, end: int) -> bool:
    """Does ``text[start:end]`` begin and end on word edges, by the tokenizer?"""
    from pythainlp.tokenize import word_tokenize

    lo, hi = max(0, start - 24), min(len(text), end + 24)
    edges, pos = {lo}, lo
    for token in word_tokenize(text[lo:hi], custom_dict=_dictionary(), engine="newmm", keep_whitespace=True):
        pos += len(token)
        edges.add(pos)
    return start in edges and end in edges


def _thai_mentions(text: str) -> list[ProvinceMention]:
    names = _thai_names()
    found: list[ProvinceMention] = []
    for m in _thai_pattern().finditer(text):
        name_start, end = m.start("name"), m.end("name")
        prefix = _PREFIX_BEFORE.search(text, max(0, name_start - _PREFIX_REACH), name_start)
        has_prefix = prefix is not None
        start = prefix.start() if prefix else name_start
        before = text[max(0, name_start - 16):name_start]
        if not has_prefix and (_PLACE_PREFIX.search(before) or _PERSON_PREFIX.search(before)):
            continue
        prefixed = has_prefix or _PROVINCE_PREFIX.search(before) is not None
        thai_before = name_start > 0 and _THAI_LETTER.match(text[name_start - 1]) is not None
        thai_after = end < len(text) and _THAI_LETTER.match(text[end]) is not None and text[end - 1] != "."
        if (thai_before and not prefixed) or thai_after:
            if not _word_edges(text, name_start, end):
                continue
        row = names[m["name"]]
        found.append(ProvinceMention(
            text=text[start:end], start=start, end=end, name=row["name_th"], name_en=row["name_en"],
            confidence=1.0 if prefixed or row["name_th"] not in AMBIGUOUS_TH else 0.9,
        ))
    return found


_LIST_GAP = re.compile(r"[\s,、/]*(?:และ|หรือ)?[\s,、/]*")


def _fuzzy_after_prefix(text: str, exact: list[ProvinceMention]) -> list[ProvinceMention]:
    """``จังหวัดพิษณุโลค``: a name OCR damaged, right after จ./จังหวัด where no exact name stands."""
    exact_starts = {p.end - len(p.name) for p in exact} | {p.start for p in exact}
    found = []
    for m in _FUZZY_PREFIX.finditer(text):
        pos = m.end()
        if pos in exact_starts or pos >= len(text) or not _THAI_LETTER.match(text[pos]):
            continue
        best = _fuzzy_name(text[pos:pos + _fuzzy_span()])
        if best:
            score, length, row = best
            end = pos + length
            found.append(ProvinceMention(text=text[m.start():end], start=m.start(), end=end,
                                         name=row["name_th"], name_en=row["name_en"], confidence=score / 100))
    return found


@cache
def _fuzzy_span() -> int:
    """Characters after the prefix that decide ``_fuzzy_name``: the longest name, one more, and the next."""
    return max(len(row["name_th"]) for row in corpus.provinces()) + 2


@lru_cache(maxsize=8192)
def _fuzzy_name(after: str) -> tuple[float, int, dict[str, str]] | None:
    """(score, length, province row) of the name ``after`` starts with, damaged by OCR, or None.

    ``after``: the text following จ./จังหวัด, ``_fuzzy_span()`` characters of it
    (all the windows below read). Kept per process: what follows the prefix
    repeats from letter to letter (จังหวัดละ, จังหวัดที่), and each look-up is 200-odd
    fuzzy comparisons (issue 7).
    """
    best = None  # (score, -row order, -end order) of the best: the first in row, then end, order wins ties
    for length, rows in _fuzzy_names_by_length().items():
        names = [row["name_th"] for _, row in rows]
        for k, end in enumerate((length - 1, length, length + 1)):
            # one C++ call per name length and window, not 180 Python calls (7x faster, issue 14)
            hit = process.extractOne(after[:end], names, scorer=fuzz.ratio, score_cutoff=TH_CUTOFF)
            if hit:
                order, row = rows[hit[2]]
                key = (hit[1], -order, -k)
                if best is None or key > best[0]:
                    best = (key, end, row)
    if best is None:
        return None
    (score, _, _), end, row = best
    # the best window may leave the damaged last letter out: take it in when it still passes
    if end < len(after) and _THAI_LETTER.match(after[end]) and fuzz.ratio(
            row["name_th"], after[:end + 1], score_cutoff=TH_CUTOFF):
        end += 1
    return score, end, row


@cache
def _fuzzy_names_by_length() -> dict[int, list[tuple[int, dict[str, str]]]]:
    """Names of TH_FUZZY_MIN_LEN letters or more, by length: (place in corpus order, row)."""
    out: dict[int, list[tuple[int, dict[str, str]]]] = {}
    for order, row in enumerate(corpus.provinces()):
        if len(row["name_th"]) >= TH_FUZZY_MIN_LEN:
            out.setdefault(len(row["name_th"]), []).append((order, row))
    return out


def _keep_ambiguous(found: list[ProvinceMention], text: str) -> list[ProvinceMention]:
    """Drop everyday-word names (เลย, ตาก) unless prefixed or listed beside a kept province."""
    keep = [p.name not in AMBIGUOUS_TH or _PROVINCE_PREFIX.search(text[max(0, p.start - 16):p.start]) is not None
            or p.text != p.name for p in found]
    changed = True
    while changed:  # a list "ลำปาง แพร่ น่าน" vouches for each of its members in turn
        changed = False
        for i, p in enumerate(found):
            if keep[i]:
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(found) and keep[j]:
                    q = found[j]
                    if _LIST_GAP.fullmatch(text, min(p.end, q.end), max(p.start, q.start)):
                        keep[i] = changed = True
                        break
    return [p for p, k in zip(found, keep) if k]


@lru_cache(maxsize=8192)
def _english_fuzzy(candidate: str, cutoff: float) -> tuple[float, int] | None:
    """(score, position in ``_english_names()``) of the closest long spelling, or None.

    Kept per process: letters repeat the same English phrases (Sustainable
    Development Goals...), and every capitalised run of up to five words is a
    candidate, so most look-ups are repeats (issue 7).
    """
    keys = _english_names()[0]
    r = process.extractOne(candidate, keys, scorer=fuzz.ratio, score_cutoff=cutoff)
    if r is None or len(keys[r[2]]) <= EN_EXACT_MAX_LEN:
        return None
    return r[1], r[2]


@cache
def _en_max_fuzzy_len() -> int:
    """The longest candidate that can score EN_CUTOFF against a spelling.

    rapidfuzz's ratio is 2M / (a + b) with M <= b for a spelling of b letters, so a
    candidate of a letters reaches the cut-off c only if a <= b (200 - c) / c.
    """
    longest = max(map(len, _english_names()[0]))
    return int(longest * (200 - EN_CUTOFF) / EN_CUTOFF)


def _english_mentions(text: str) -> list[ProvinceMention]:
    found: list[ProvinceMention] = []
    rows = _english_names()[1]
    for run in _EN_RUN.finditer(text):
        names = _run_places(run[0])
        if not names or _EN_PERSON_BEFORE.search(text, max(0, run.start() - 8), run.start()):
            continue
        for s, e, score, row_index in names:
            row = rows[row_index]
            s, e = run.start() + s, run.start() + e
            found.append(ProvinceMention(text=text[s:e], start=s, end=e, name=row["name_th"],
                                         name_en=row["name_en"], confidence=score / 100))
    return found


@lru_cache(maxsize=8192)
def _run_places(run: str) -> tuple[tuple[int, int, float, int], ...]:
    """(start, end, score, row in ``_english_names()``) of the provinces a run of
    capitalised words names as places, offsets into the run.

    Kept per process: the same runs come back in every letter (SDGs, UNDP,
    Thailand: 158 distinct runs of 365 in the dev texts).
    """
    found = _run_mentions(run)
    if not found:
        return ()
    words = found[0][6]
    covered = [False] * len(words)
    for *_, i, j, _ in found:
        covered[i:j] = [True] * (j - i)
    # a name beside words that are neither place words nor other provinces is part of a longer name
    ok = [covered[k] or w.lower() in _EN_PLACE_WORDS for k, w in enumerate(words)]
    return tuple((s, e, score, row) for s, e, score, row, i, j, _ in found if all(ok[:i]) and all(ok[j:]))


def _run_mentions(run: str) -> list[tuple[int, int, float, int, int, int, list[str]]]:
    """Province names in one run of capitalised words, longest and best first:
    (start, end, score, row, first word, end word, the run's words)."""
    index = _english_index()
    found: list[tuple[int, int, float, int, int, int, list[str]]] = []
    words = list(_EN_WORD.finditer(run))
    names = [w[0] for w in words]
    lowered = [w.lower() for w in names]  # a run's words are joined by one space or hyphen: _squash of n words
    i = 0
    while i < len(words):
        best = None  # (score, n_words, row)
        for n in range(min(_EN_MAX_WORDS, len(words) - i), 0, -1):
            candidate = "".join(lowered[i:i + n])
            if len(candidate) <= EN_EXACT_MAX_LEN:
                hit = (100.0, index[candidate]) if candidate in index else None
            elif len(candidate) > _en_max_fuzzy_len():
                hit = None  # longer than any spelling can be at the cut-off
            else:
                hit = _english_fuzzy(candidate, EN_CUTOFF)
                # a misspelling split or joined differently from the name is another name: "Chom Phon"
                # (a Bangkok subdistrict, r02 of the real scans) is no "Chumphon", "Khon Keen" is "Khon Kaen"
                if hit and hit[0] < 100 and _english_names()[2][hit[1]] != n:
                    hit = None
            if hit and (best is None or hit[0] > best[0]):
                best = (hit[0], n, hit[1])
        if best is None:
            i += 1
            continue
        score, n, row = best
        found.append((words[i].start(), words[i + n - 1].end(), score, row, i, i + n, names))
        i += n
    return found


def extract_provinces(text: str) -> list[ProvinceMention]:
    """Find provinces named in Thai (exact, as a word) or English (fuzzy).

    >>> [p.name for p in extract_provinces("องค์การบริหารส่วนจังหวัดพิษณุโลก และ จ.เชียงราย")]
    ['พิษณุโลก', 'เชียงราย']
    >>> [p.name for p in extract_provinces("นายกเทศมนตรีนครพิษณุโลก ณ กทม.")]
    ['พิษณุโลก', 'กรุงเทพมหานคร']
    >>> [(p.name, p.confidence) for p in extract_provinces("Khon Keen  Buengkan")]
    [('ขอนแก่น', 0.875), ('บึงกาฬ', 1.0)]
    >>> [(p.name, round(p.confidence, 2)) for p in extract_provinces("ศาลากลางจังหวัดพิษณุโลค")]
    [('พิษณุโลก', 0.93)]
    >>> extract_provinces("ได้นำไปเผยแพร่ ที่ พล ๐๐๑๗.๓ ไม่ดีเลย")
    []
    >>> [p.name for p in extract_provinces("Changwat Surin, Si Sa Ket Province and Buri Ram")]
    ['สุรินทร์', 'ศรีสะเกษ', 'บุรีรัมย์']
    >>> extract_provinces("Mr. Chumphon Sriwong of Trang Seafood Co., Ltd. and the Loeiwattana Foundation")
    []
    """
    thai = _thai_mentions(text)
    found = _keep_ambiguous(thai, text) + _fuzzy_after_prefix(text, thai) + _english_mentions(text)
    found.sort(key=lambda p: p.start)
    return found
