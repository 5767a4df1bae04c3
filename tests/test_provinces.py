"""Provinces: Thai names as words of their own, organisation names, English names even misspelt."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban import corpus
from saraban.extractors.provinces import extract_provinces


def names(text: str) -> list[str]:
    return [p.name for p in extract_provinces(text)]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("จ.เชียงราย จ.เชียงใหม่", ["เชียงราย", "เชียงใหม่"], id="jor-dot"),
    pytest.param("จังหวัดขอนแก่นได้เข้าร่วม", ["ขอนแก่น"], id="changwat-glued"),
    pytest.param("ผู้ว่าราชการจังหวัดนครราชสีมา", ["นครราชสีมา"], id="governor"),
    pytest.param("องค์การบริหารส่วนจังหวัดพิษณุโลก", ["พิษณุโลก"], id="pao"),
    pytest.param("ศาลากลางจังหวัดสงขลา", ["สงขลา"], id="city-hall"),
    pytest.param("นายกเทศมนตรีนครพิษณุโลก", ["พิษณุโลก"], id="city-municipality"),
    pytest.param("เทศบาลนครอุดรธานี", ["อุดรธานี"], id="city-municipality-2"),
    pytest.param("ณ ศูนย์ประชุมสหประชาชาติ กทม.", ["กรุงเทพมหานคร"], id="bangkok-abbr"),
    pytest.param("ถนนราชดำเนินนอก กทม ๑๐๒๐๐", ["กรุงเทพมหานคร"], id="bangkok-abbr-no-dot"),
    # a misspelling split differently from the name is another place; one with the same words is the name
    pytest.param("88 Moo 3, Chom Phon, Chatuchak, Bangkok 10900", ["กรุงเทพมหานคร"], id="chom-phon-is-no-chumphon"),
    pytest.param("Office of Chumphon Province", ["ชุมพร"], id="chumphon"),
    pytest.param("the Khon Kean Province office", ["ขอนแก่น"], id="misspelt-same-words"),
    pytest.param("ถนนราชดำเนินนอก กรุงเทพมหานคร", ["กรุงเทพมหานคร"], id="bangkok"),
    pytest.param("เดินทางไปอุบลราชธานีและศรีสะเกษ", ["อุบลราชธานี", "ศรีสะเกษ"], id="glued-to-words"),
    pytest.param("ได้แก่ จังหวัดเลย", ["เลย"], id="loei-with-prefix"),
    pytest.param("จ.ตาก", ["ตาก"], id="tak-with-prefix"),
    pytest.param("ลำปาง แพร่ น่าน", ["ลำปาง", "แพร่", "น่าน"], id="everyday-word-names-in-a-list"),
    pytest.param("โคราช", ["นครราชสีมา"], id="thai-alias"),
    pytest.param("Khon Keen", ["ขอนแก่น"], id="misspelt-english"),
    pytest.param("Buengkan\tBuri Ram", ["บึงกาฬ", "บุรีรัมย์"], id="joined-and-split-english"),
    pytest.param("Nakhon Si Thammarat  Nan", ["นครศรีธรรมราช", "น่าน"], id="long-and-short"),
    pytest.param("Chiang Mai Chiang Rai", ["เชียงใหม่", "เชียงราย"], id="adjacent-english"),
    pytest.param("Phetchabun", ["เพชรบูรณ์"], id="phetchabun-not-phetchaburi"),
    pytest.param("Phetchaburi", ["เพชรบุรี"], id="phetchaburi"),
    pytest.param("KHON KAEN", ["ขอนแก่น"], id="upper-case"),
    pytest.param("Korat", ["นครราชสีมา"], id="english-alias"),
    pytest.param("Chaiyapum", ["ชัยภูมิ"], id="dropped-letter"),
    pytest.param("ศาลากลางจังหวัดพิษณุโลค", ["พิษณุโลก"], id="ocr-last-letter"),
    pytest.param("จังหวัดสุพรรณบรี", ["สุพรรณบุรี"], id="ocr-lost-vowel"),
    pytest.param("จ.อุบลราชธาน ", ["อุบลราชธานี"], id="ocr-dropped-letter"),
    # not provinces
    pytest.param("ใน ๑๕ จังหวัดนำร่อง จังหวัดเป้าหมาย จังหวัดที่มีองค์ประกอบ", [], id="changwat-not-followed-by-a-name"),
    pytest.param("ได้นำไปเผยแพร่ให้ประชาชน", [], id="phrae-inside-word"),
    pytest.param("ไม่ได้ไปเลย", [], id="loei-as-adverb"),
    pytest.param("ผ้าตากแดด", [], id="tak-as-verb"),
    pytest.param("อ.ตากใบ", [], id="district-named-like-a-province"),
    pytest.param("ถนนพิษณุโลก เขตดุสิต", [], id="road-named-like-a-province"),
    pytest.param("ถนนวังจันทน์ พล 55000", [], id="two-letter-code"),
    pytest.param("ที่ พล 0017.3/6565", [], id="code-in-reference"),
    pytest.param("Governors of the Provinces of Thailand, United Nations", [], id="english-words"),
    pytest.param("Permanent Secretary for Interior", [], id="english-title"),
    pytest.param("Nana Plaza", [], id="short-names-exact-only"),
    pytest.param("นายสุรินทร์ ใจดี", [], id="person-named-like-a-province"),
    pytest.param("แม่น้ำน่านไหลผ่าน", [], id="nan-river"),
])
def test_provinces(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("row", corpus.provinces(), ids=lambda r: r["name_en"])
def test_every_province_by_thai_and_english_name(row):
    assert names(f"จังหวัด{row['name_th']} ") == [row["name_th"]]
    assert names(f"Governor of {row['name_en']} Province") == [row["name_th"]]


def test_record_keys_and_span():
    text = "โดย จ.เชียงราย และ Khon Keen"
    a, b = extract_provinces(text)
    assert (a.text, a.name, a.name_en, a.confidence) == ("จ.เชียงราย", "เชียงราย", "Chiang Rai", 1.0)
    assert (b.text, b.name, b.name_en) == ("Khon Keen", "ขอนแก่น", "Khon Kaen")
    assert 0.85 <= b.confidence < 1.0
    assert all(text[p.start:p.end] == p.text for p in (a, b))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("จ.ังหวัดเลยตากแพร่น่านพิษณุโลกกทม KhonKaenBuri ")), max_size=50))
def test_never_raises_and_spans_point_at_text(text):
    for p in extract_provinces(text):
        assert text[p.start:p.end] == p.text
        assert p.name in {r["name_th"] for r in corpus.provinces()}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_string(text):
    for p in extract_provinces(text):
        assert text[p.start:p.end] == p.text


# Issue 14: English province names are people's and firms' names too: counted where they stand as places.
@pytest.mark.issue(14)
@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("observers from Changwat Nakhon Phanom", ["นครพนม"], id="changwat-before"),
    pytest.param("the Sakon Nakhon Province office", ["สกลนคร"], id="province-after"),
    pytest.param("The Surin Provincial Office", ["สุรินทร์"], id="sentence-opening-word-and-place-word"),
    pytest.param("in 4 provinces: Si Sa Ket, Buri Ram, Surin and Yasothon",
                 ["ศรีสะเกษ", "บุรีรัมย์", "สุรินทร์", "ยโสธร"], id="list-of-provinces"),
    pytest.param("Suphan Buri\tSurat Thani\tSurin\tTak", ["สุพรรณบุรี", "สุราษฎร์ธานี", "สุรินทร์", "ตาก"],
                 id="table-row-of-provinces"),
    pytest.param("Khon Kaen University", ["ขอนแก่น"], id="public-body-named-after-its-province"),
    pytest.param("In Trang, fishers", ["ตรัง"], id="opening-preposition"),
    pytest.param("Mr. Surin Kaewmanee, chair of the committee", [], id="person-with-surname"),
    pytest.param("assigned to Mr. Chumphon for review", [], id="person-title-alone"),
    pytest.param("Dr Nan will speak", [], id="person-title-without-dot"),
    pytest.param("thanked the Trang Seafood Cooperative", [], id="firm-name"),
    pytest.param("Nan Engineering Co., Ltd. offered", [], id="company-name"),
    pytest.param("the Loeiwattana Foundation", [], id="inside-another-word"),
    pytest.param("Loei-Tech Solutions", [], id="hyphen-joined-firm-name"),
    pytest.param("Tak Bai district of Narathiwat", ["นราธิวาส"], id="district-named-with-a-province-word"),
    # Thai: a town municipality or district names its province, even an everyday word's
    pytest.param("ณ สำนักงานเทศบาลเมืองตาก", ["ตาก"], id="town-municipality-tak"),
    pytest.param("อำเภอเมืองน่าน", ["น่าน"], id="mueang-district-nan"),
    pytest.param("อ.เมืองเลย", ["เลย"], id="mueang-district-abbr-loei"),
    pytest.param("ไม่เป็นบ้านเป็นเมืองเลย", [], id="idiom-mueang-loei"),
])
def test_issue14_place_signals(text, expected):
    assert names(text) == expected


@pytest.mark.issue(14)
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Surin", "Trang", "Nan", "Mr. ", "Dr ", "Province", "Changwat", "Seafood",
                                 "Khon Kaen", " ", ", ", " and ", "-", "The ", "เทศบาลเมือง", "ตาก", "\t"]),
                max_size=15).map("".join))
def test_place_signals_never_raise_and_spans_point_at_text(text):
    for p in extract_provinces(text):
        assert text[p.start:p.end] == p.text
        assert p.name in {row["name_th"] for row in corpus.provinces()}


def _fuzzy_name_by_brute_force(after: str):
    """Every name against every window, one fuzz.ratio each: what _fuzzy_name must return."""
    from rapidfuzz import fuzz

    from saraban.extractors.provinces import TH_CUTOFF, TH_FUZZY_MIN_LEN

    best = None
    for row in corpus.provinces():
        name = row["name_th"]
        if len(name) < TH_FUZZY_MIN_LEN:
            continue
        for end in (len(name) - 1, len(name), len(name) + 1):
            score = fuzz.ratio(name, after[:end], score_cutoff=TH_CUTOFF)
            if score and (best is None or score > best[0]):
                best = (score, end, row["name_th"])
    return best


_NAMES_TH = [row["name_th"] for row in corpus.provinces()]


@pytest.mark.issue(14)
@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_NAMES_TH), st.lists(st.tuples(st.integers(0, 20), st.sampled_from(list("กนรลมาิีุู่้์ะเ"))),
                                           max_size=3), st.sampled_from(["", "ได้ดำเนินการ", "ละ", " และ"]))
def test_fuzzy_name_picks_what_brute_force_picks(name, edits, tail):
    from saraban.extractors.provinces import _fuzzy_name, _fuzzy_span

    text = list(name + tail)
    for pos, letter in edits:
        text[pos % len(text)] = letter
    after = "".join(text)[:_fuzzy_span()]
    got = _fuzzy_name.__wrapped__(after)
    best = _fuzzy_name_by_brute_force(after)
    if best is None:
        assert got is None
    else:
        assert got is not None and (got[0], got[2]["name_th"]) == (best[0], best[2])
        assert got[1] in (best[1], best[1] + 1)  # the last damaged letter may be taken in


@pytest.mark.issue(14)
def test_word_set_dictionary_cuts_as_the_full_trie():
    """The set-backed dictionary gives newmm the very tokens PyThaiNLP's own Trie gives."""
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import dict_trie

    from saraban.extractors.provinces import _dictionary, _thai_names
    from saraban.normalizers import normalize

    full = dict_trie(set(thai_words()) | set(_thai_names()))
    ours = _dictionary()
    texts = [normalize(p.read_text(encoding="utf-8")).text for p in sorted(corpus.samples_dir().glob("*.txt"))]
    windows = [t[i:i + 64] for t in texts for i in range(0, len(t), 53)]
    assert len(windows) > 700
    for w in windows:
        assert word_tokenize(w, custom_dict=ours, engine="newmm", keep_whitespace=True) == \
            word_tokenize(w, custom_dict=full, engine="newmm", keep_whitespace=True), w
    assert "อุบลราชธานี" in ours and len(ours) == len(set(thai_words()) | set(_thai_names()))
