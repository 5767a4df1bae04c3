"""Saraban's records as spaCy spans: one component, registered by name.

spaCy is a view onto our records, not a second extractor: the component runs
every extractor of the registry over ``doc.text`` and puts each record on the
Doc as a span in ``doc.spans["saraban"]``, labelled with its field, with
``span._.saraban`` returning the record itself. Only this module imports
spaCy, so the pipeline runs without paying for it.

``spacy.blank("th")`` tokenizes with PyThaiNLP (newmm, the dictionary that
ships with PyThaiNLP), so it needs no download and works offline.

>>> nlp = saraban_nlp()
>>> doc = nlp("จังหวัดพิษณุโลก งบประมาณ ๒.๕ ล้านบาท")
>>> [(s.label_, s.text) for s in doc.spans["saraban"]]
[('provinces', 'จังหวัดพิษณุโลก'), ('money', '๒.๕ ล้านบาท')]
>>> doc.spans["saraban"][1]._.saraban.baht
2500000
"""
from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from saraban.extractors.records import Record
from saraban.extractors.registry import EXTRACTORS, extract_all

VERSION = "1"
COMPONENT = "saraban_spans"
SPANS_KEY = "saraban"


def _record_of(span: Span) -> Record | None:
    """The record behind a span of ``doc.spans["saraban"]`` (None for any other span)."""
    records = span.doc.user_data.get(("saraban", "records"), {})
    return records.get((span.label_, span.start_char, span.end_char))


if not Span.has_extension("saraban"):
    Span.set_extension("saraban", getter=_record_of)


@Language.component(COMPONENT)
def saraban_spans(doc: Doc) -> Doc:
    """Run every extractor over ``doc.text`` and add its records as labelled spans.

    A record whose edges fall inside a token is widened to whole tokens
    (``alignment_mode="expand"``); the record keeps its own exact offsets.
    """
    spans: list[Span] = []
    records: dict[tuple[str, int, int], Record] = {}
    for field, found in extract_all(doc.text, EXTRACTORS).items():
        for record in found:
            span = doc.char_span(record.start, record.end, label=field, alignment_mode="expand")
            if span is None:
                continue
            spans.append(span)
            records[(field, span.start_char, span.end_char)] = record
    doc.spans[SPANS_KEY] = sorted(spans, key=lambda s: (s.start_char, s.end_char, s.label_))
    doc.user_data[("saraban", "records")] = records
    return doc


def saraban_nlp() -> Language:
    """A blank Thai pipeline with the ``saraban_spans`` component added.

    >>> saraban_nlp().pipe_names
    ['saraban_spans']
    """
    nlp = spacy.blank("th")
    nlp.add_pipe(COMPONENT)
    return nlp
