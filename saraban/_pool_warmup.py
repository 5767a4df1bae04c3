"""Imported by the fork server of ``saraban.batch.PoolRunner``: one short letter through the pipeline.

The first document in a fresh process loads PyThaiNLP's dictionaries and
compiles the extractors' patterns (about 1.5 s of CPU). Done once here, in
the server, every worker forked from it starts warm, and so does a new pool
after a worker died.
"""
from db.store import page_words
from saraban.pipeline import process_text

_LETTER = (
    "ที่ พล ๐๐๑๗.๓/๖๕๖๕ ศาลากลางจังหวัดพิษณุโลก ๒๒ ธันวาคม ๒๕๖๕\f"
    "ธนาคารขยะ ๓ แห่ง งบประมาณ ๕๐๐,๐๐๐ บาท เป้าหมายที่ ๑๒ การพัฒนาที่ยั่งยืน"
)

page_words(process_text(_LETTER, "warmup"))
