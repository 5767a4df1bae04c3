"""Imported by the fork server of ``saraban.batch.PoolRunner``: the bundled samples through the pipeline.

The first documents in a fresh process load PyThaiNLP's dictionaries and
build the extractors' patterns and lists (about 1.5 s of CPU, some of it only
when a letter has what the extractor looks for, so a real letter of each kind
is used). Done once here, in the server, every worker forked from it starts
warm, and so does a new pool after a worker died.
"""
import corpus
from db.store import page_words
from saraban.pipeline import process_text

for _sample in sorted(corpus.samples_dir().glob("*.txt")):
    page_words(process_text(_sample.read_text(encoding="utf-8"), _sample.stem))
