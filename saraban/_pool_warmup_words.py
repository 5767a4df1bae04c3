"""Imported by the fork server of a ``saraban.runner.PoolRunner`` whose workers store pages (ingest, watch).

Besides the extractors (``saraban._pool_warmup``), the pages' search words:
PyThaiNLP's syllable dictionary takes about 0.9 s of CPU to load on the first
page. ``saraban reprocess`` keeps the stored pages and skips this. The file
readers too (pdfplumber, OpenCV, the OCR: 0.1 s), which the pipeline imports
only when a file of their kind comes.
"""
import saraban.ingest.images
import saraban.ingest.office
import saraban.ingest.pdf  # noqa: F401 - imported for the workers forked from here
from saraban._pool_warmup import SAMPLES
from saraban.db.store import page_words
from saraban.pipeline import process_text

for _stem, _text in SAMPLES:
    page_words(process_text(_text, _stem).norm_pages)
