"""Imported by the fork server of ``saraban.runner.PoolRunner``: the bundled samples through the extractors.

The first documents in a fresh process build the extractors' patterns and
lists and load PyThaiNLP's word list (about 0.5 s of CPU, some of it only when
a letter has what the extractor looks for, so a real letter of each kind is
used). Done once here, in the server, every worker forked from it starts warm,
and so does a new pool after a worker died. ``saraban._pool_warmup_words``
warms the pages' search words as well, for the runs that store pages.
"""
from saraban import corpus
from saraban.pipeline import process_text

SAMPLES = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(corpus.samples_dir().glob("*.txt"))]

for _stem, _text in SAMPLES:
    process_text(_text, _stem)
