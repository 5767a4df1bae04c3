"""The spaCy component: our records as spans on a blank Thai pipeline, offline."""
from __future__ import annotations

import subprocess
import sys

import pytest

spacy = pytest.importorskip("spacy")

from saraban.extractors.registry import EXTRACTORS  # noqa: E402
from saraban.extractors.spacy_component import COMPONENT, SPANS_KEY, saraban_nlp  # noqa: E402


@pytest.fixture(scope="module")
def nlp():
    return saraban_nlp()


def test_pipeline_is_blank_thai_with_our_component(nlp):
    assert nlp.lang == "th"
    assert nlp.pipe_names == [COMPONENT]


def test_records_become_labelled_spans(nlp):
    doc = nlp("ที่ประชุม จ.เชียงราย มีผู้เข้าร่วม ๓๑๕ คน งบประมาณ ๒.๕ ล้านบาท ตามเป้าหมายหลักที่ ๑ และ SDG 11.7")
    got = {(s.label_, s.text) for s in doc.spans[SPANS_KEY]}
    assert {("provinces", "จ.เชียงราย"), ("counts", "๓๑๕ คน"), ("money", "๒.๕ ล้านบาท"),
            ("goals", "เป้าหมายหลักที่ ๑"), ("targets", "11.7")} <= got
    assert {s.label_ for s in doc.spans[SPANS_KEY]} <= set(EXTRACTORS)


def test_span_extension_returns_the_record(nlp):
    doc = nlp("กลุ่มเป้าหมายจาก ๘๗๘ อำเภอ ๆ ละ ๑๐ คน")
    records = [s._.saraban for s in doc.spans[SPANS_KEY] if s.label_ == "counts"]
    assert [(r.value, r.unit) for r in records] == [(878, "อำเภอ"), (10, "คน")]
    for s in doc.spans[SPANS_KEY]:
        r = s._.saraban
        assert s.start_char <= r.start and r.end <= s.end_char  # expanded to whole tokens
        assert doc.text[r.start:r.end] == r.text


def test_span_inside_a_token_is_expanded(nlp):
    doc = nlp("นายกเทศมนตรีนครพิษณุโลก")
    (span,) = [s for s in doc.spans[SPANS_KEY] if s.label_ == "provinces"]
    assert span._.saraban.name == "พิษณุโลก"
    assert "พิษณุโลก" in span.text


def test_no_records_no_spans(nlp):
    assert list(nlp("สวัสดีครับ").spans[SPANS_KEY]) == []


def test_only_the_component_imports_spacy():
    """The pipeline (CLI, registry, every extractor) runs without importing spaCy."""
    code = ("import sys; from saraban import cli, pipeline; from extractors.registry import extract_all; "
            "extract_all('จ.เชียงราย ๗๖ จังหวัด ๒.๕ ล้านบาท SDG 11'); print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_works_offline():
    """spacy.blank('th') needs only PyThaiNLP's bundled dictionary: no network, no download."""
    code = ("import socket\n"
            "def deny(*a, **k): raise OSError('network used')\n"
            "socket.socket.connect = deny; socket.create_connection = deny\n"
            "from extractors.spacy_component import saraban_nlp\n"
            "doc = saraban_nlp()('จังหวัดพิษณุโลก ๗๖ จังหวัด')\n"
            "print(sorted(s.label_ for s in doc.spans['saraban']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['counts', 'provinces']"
