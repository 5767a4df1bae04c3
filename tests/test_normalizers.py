"""Normalizers: each fix on real Thai strings, and the offset map under hypothesis."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban.normalizers import (
    compose_sara_am,
    normalize,
    rejoin_split_sara_am,
    remove_duplicated_marks,
    remove_space_before_marks,
    remove_zero_width,
    replace_private_use_glyphs,
    thai_digits_to_arabic,
)
from saraban.normalizers.thai import PUA_TO_THAI


@pytest.mark.parametrize(("fn", "raw", "expected"), [
    pytest.param(thai_digits_to_arabic, "ที่ พล ๐๐๑๗.๓/๖๕๖๕", "ที่ พล 0017.3/6565", id="thai-digits"),
    pytest.param(thai_digits_to_arabic, "วันที่ 22 ธ.ค. 2565", "วันที่ 22 ธ.ค. 2565", id="arabic-digits-unchanged"),
    pytest.param(compose_sara_am, "ส\u0e4d\u0e32นักงานจังหวัด", "สำนักงานจังหวัด", id="tesseract-sara-am"),
    pytest.param(compose_sara_am, "ท\u0e4d\u0e48\u0e32", "ท\u0e48\u0e33", id="sara-am-tone-after-nikhahit"),
    pytest.param(compose_sara_am, "ท\u0e48\u0e4d\u0e32", "ท\u0e48\u0e33", id="sara-am-tone-before-nikhahit"),
    pytest.param(replace_private_use_glyphs, "ที\uf70a", "ที\u0e48", id="pua-mai-ek-low"),
    pytest.param(replace_private_use_glyphs, "ป\uf701", "ป\u0e34", id="pua-sara-i-left"),
    pytest.param(replace_private_use_glyphs, "\uf700าน", "\u0e10าน", id="pua-tho-than"),
    pytest.param(remove_zero_width, "กระทรวง\u200bมหาดไทย\ufeff", "กระทรวงมหาดไทย", id="zero-width"),
    pytest.param(remove_space_before_marks, "ที ่ มท", "ที่ มท", id="split-tone-mark"),
    pytest.param(remove_space_before_marks, "ก ิจกรรม", "กิจกรรม", id="split-vowel"),
    pytest.param(remove_space_before_marks, "ที่ มท", "ที่ มท", id="word-space-kept"),
    pytest.param(rejoin_split_sara_am, "ค าน า", "คำนำ", id="split-sara-am"),
    pytest.param(remove_duplicated_marks, "ก\u0e48\u0e48า", "ก\u0e48า", id="duplicated-tone"),
])
def test_each_fix(fn, raw, expected):
    assert fn(raw) == expected


def test_pua_map_covers_both_sets_and_maps_to_thai():
    windows = [chr(c) for c in range(0xF700, 0xF71B)]
    assert all(ch in PUA_TO_THAI for ch in windows)
    assert all("\u0e01" <= v <= "\u0e4e" for v in PUA_TO_THAI.values())


def test_normalize_chain_and_map_back():
    raw = "ที ่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ ส\u0e4d\u0e32นัก\u200bงาน"
    n = normalize(raw)
    assert n.text == "ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ สำนักงาน"
    start = n.text.index("สำนักงาน")
    rs, re_ = n.raw_span(start, start + len("สำนักงาน"))
    assert raw[rs:re_] == "ส\u0e4d\u0e32นัก\u200bงาน"
    ref = n.text.index("มท")
    assert raw[slice(*n.raw_span(ref, ref + 2))] == "มท"


def test_normalize_never_uses_nfkc():
    assert normalize("คำนำ").text == "คำนำ"


thai_text = st.text(
    alphabet=st.sampled_from(list("กขคงจทนมยรลวสอหะาำิีึืุู่้๊๋็์ํ ๐๑๒๓๙0123456789./-\n\f\u200b\u00a0\uf70a\uf701")),
    max_size=80,
)


@settings(max_examples=400, deadline=None)
@given(thai_text)
def test_normalize_properties(raw):
    n = normalize(raw)
    assert len(n.to_raw) == len(n.text) + 1
    assert n.to_raw[-1] == len(raw)
    assert all(a <= b for a, b in zip(n.to_raw, n.to_raw[1:])), "offset map must not decrease"
    assert all(0 <= o <= len(raw) for o in n.to_raw)
    assert normalize(n.text).text == n.text, "normalize must be idempotent"
    assert n.text.count("\f") == raw.count("\f"), "page breaks survive"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalize_any_unicode(raw):
    n = normalize(raw)
    assert len(n.to_raw) == len(n.text) + 1
    for i in range(len(n.text)):
        rs, re_ = n.raw_span(i, i + 1)
        assert 0 <= rs <= re_ <= len(raw)
