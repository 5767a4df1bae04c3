"""Issue 13 in process: words placed in the page text, boxes of records, corrections kept across reprocess,
the page view and its routes through Datasette's own client."""
from __future__ import annotations

import asyncio
import json
import re

import pytest

from saraban.batch import reprocess_store
from saraban.db import review
from saraban.db.site import make_datasette
from saraban.db.store import open_store, save_document
from saraban.ingest import Page, Word
from saraban.ingest.layout import DIGITS_CHANGED, REREAD, PlacedWord, place_words, span_boxes, words_from_chars
from saraban.pipeline import RunContext, _result
from saraban.runner import InlineRunner

pytestmark = pytest.mark.issue(13)

# One OCR'd line as tesseract's words and as the page text after the repairs: the tone mark of ที่
# restored, the year's extra digit dropped (ingest/numbers.py), the serial re-read (origin).
LINE = "ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ ลงวันที่ ๒๒ ธันวาคม ๒๕๖๕"
WORDS = (
    Word("ที", 100, 200, 40, 50, 88.0), Word("มท", 150, 200, 50, 50, 91.0),
    Word("๐๒๐๔.๔/ว", 210, 200, 180, 50, 72.0), Word("๑๐๑๐๔", 400, 200, 120, 50, 85.0, "reread"),
    Word("ลงวันที่", 560, 200, 150, 50, 93.0), Word("๒๒", 720, 200, 50, 50, 90.0),
    Word("ธันวาคม", 780, 200, 160, 50, 95.0),
    # the date's year goes on on the next line, as a wrapped line does
    Word("๒๕๒๖๕", 100, 270, 130, 50, 60.0),
)


def test_words_are_placed_in_the_repaired_text():
    text = LINE   # the year stands on the next line: ocr.soft_line_breaks made the break a space
    placed = place_words(text, WORDS)
    assert [text[p.start:p.end] for p in placed] == [
        "ที่", "มท", "๐๒๐๔.๔/ว", "๑๐๑๐๔", "ลงวันที่", "๒๒", "ธันวาคม", "๒๕๖๕"]
    assert placed[3].flags & REREAD and not placed[2].flags & REREAD
    assert placed[7].flags & DIGITS_CHANGED and placed[7].confidence == 600


def test_a_span_over_two_lines_gets_two_boxes_and_part_of_a_word_its_part():
    text = LINE   # the year stands on the next line: ocr.soft_line_breaks made the break a space
    placed = place_words(text, WORDS)
    start = text.index("๒๒")
    boxes = span_boxes(text, placed, start, len(text), 1000, 1000)
    assert boxes == [(0.72, 0.2, 0.22, 0.05), (0.1, 0.27, 0.13, 0.05)]
    # "ว" of ๐๒๐๔.๔/ว alone: the last of its eight letters
    v = text.index("/ว") + 1
    assert span_boxes(text, placed, v, v + 1, 1000, 1000) == [(0.3675, 0.2, 0.0225, 0.05)]


def test_text_layer_words_come_from_the_character_boxes():
    import pdfplumber

    from saraban import corpus

    with pdfplumber.open(corpus.samples_dir() / "memo_chiangmai.pdf") as pdf:
        page = pdf.pages[0]
        words = words_from_chars(page.chars)
        hit = page.search("๓๐ ตุลาคม ๒๕๖๕")[0]
    day = next(w for w in words if w.text == "๓๐")
    assert abs(day.left - hit["x0"]) <= 1 and abs(day.top - hit["top"]) <= 1
    assert all(w.confidence == -1 for w in words)


def _scan_like_result(doc_id: str = "scan"):
    """A one-page OCR'd document built from WORDS (no tesseract): what process_file gives for a scan."""
    text = LINE   # the year stands on the next line: ocr.soft_line_breaks made the break a space
    page = Page(number=1, text=text, method="ocr", confidence=85.0, words=WORDS, width=1000, height=1400)
    return _result(doc_id, __import__("pathlib").Path(f"{doc_id}.png"), doc_id * 4, "image", [page], RunContext())


def test_records_carry_boxes_method_and_why_to_review():
    result = _scan_like_result()
    mentions = result.mentions()
    ref = mentions["references"][0]
    assert ref["method"] == "ocr-reread" and "re-read" in ref["review"]
    assert ref["boxes"][0][0] == pytest.approx(0.1) and ref["ocr_confidence"] == 72.0
    date = mentions["dates"][0]
    assert date["iso"] == "2022-12-22" and len(date["boxes"]) == 2
    assert "repaired" in date["review"]
    assert json.dumps(result.to_json(), ensure_ascii=False)   # --json carries them too


@pytest.fixture()
def store(tmp_path):
    db = open_store(tmp_path / "saraban.db")
    save_document(db, _scan_like_result().stored())
    yield db
    db.close()


def test_boxes_are_stored_and_survive_reprocess(store):
    before = store.execute("select seq, boxes, method, review from dates").fetchall()
    assert before and before[0][1]
    reprocess_store(store, InlineRunner(), all=True)
    assert store.execute("select seq, boxes, method, review from dates").fetchall() == before


def test_a_correction_is_reattached_after_reprocess_and_orphaned_when_its_span_is_gone(store):
    seq = store.execute("select seq from dates").fetchone()[0]
    review.correct(store, "dates", "scan", seq, review.CORRECTED, {"iso": "2022-12-23"}, "somchai")
    ref_seq = store.execute("select seq from [references]").fetchone()[0]
    review.correct(store, "references", "scan", ref_seq, review.REJECTED, {}, "somchai")
    assert store.execute("select iso, year, reviewed from dates").fetchall() == [("2022-12-23", 2022, "corrected")]
    reprocess_store(store, InlineRunner(), all=True)
    assert store.execute("select iso, reviewed from dates").fetchall() == [("2022-12-23", "corrected")]
    assert store.execute("select count(*) from [references]").fetchone()[0] == 0
    assert [r[0] for r in store.execute("select status from corrections")] == ["attached", "attached"]
    # the date's span no longer holds a date: the correction stays, orphaned
    store.execute("update pages set text = replace(text, 'ธันวาคม', 'ธ.ค.ฯลฯ')")
    store.conn.commit()
    reprocess_store(store, InlineRunner(), all=True)
    assert store.execute("select field, status from corrections order by id").fetchall() == [
        ("dates", "orphaned"), ("references", "attached")]


@pytest.mark.parametrize(("field", "values", "error"), [
    pytest.param("dates", {"iso": "2022-02-30"}, "not a real date", id="no-such-day"),
    pytest.param("dates", {"iso": "2022-12-31/2022-12-01"}, "ends before", id="range-backwards"),
    pytest.param("references", {"normalized": "มท 0204.4 ว10104"}, "reference number", id="reference-no-slash"),
    pytest.param("money", {"baht": "สี่หมื่น"}, "not a number", id="baht-in-words"),
    pytest.param("goals", {"goal": "18"}, "1-17", id="goal-18"),
    pytest.param("provinces", {"name": "เชียงใหมม"}, "province", id="misspelt-province"),
])
def test_corrections_are_validated_by_key(field, values, error):
    with pytest.raises(review.ReviewError, match=error):
        review.validate(field, values)


def test_a_valid_correction_is_typed():
    assert review.validate("money", {"baht": "48600"}) == {"baht": 48600}
    assert review.validate("references", {"normalized": "ชม 0017.1/209"}) == {"normalized": "ชม 0017.1/209"}


# --- the plugin, through Datasette's in-process client


@pytest.fixture()
def client(store, tmp_path):
    from datasette_auth_passwords.utils import hash_password

    ds = make_datasette(tmp_path / "saraban.db", reviewers={"somchai": hash_password("pw")})

    def call(method: str, path: str, **kwargs):
        async def go():
            return await ds.client.request(method, path, **kwargs)
        return asyncio.run(go())
    return call


def test_mention_and_page_rows_link_to_the_page_view(client):
    html = client("GET", "/saraban/dates").text
    assert re.search(r'href="/saraban/-/page/scan/1#m-dates-0"', html)
    assert 'href="/saraban/-/page/scan/1"' in client("GET", "/saraban/pages").text


def test_the_page_view_shows_boxes_and_text_and_a_missing_file_is_said(client):
    response = client("GET", "/saraban/-/page/scan/1")
    assert response.status_code == 200
    assert 'id="m-dates-0"' in response.text and "pv-mark" in response.text
    assert "no longer where it was stored" in response.text    # scan.png was never there
    assert client("GET", "/saraban/-/page-image/scan/1.jpg").status_code == 404


def test_search_hits_show_a_highlighted_snippet(client):
    html = client("GET", "/saraban/pages?_search=" + "ธันวาคม").text
    assert "<mark>ธันวาคม</mark>" in html


def test_an_anonymous_post_is_refused_and_writes_nothing(client, store):
    before = store.execute("select * from dates").fetchall()
    response = client("POST", "/saraban/-/review/dates/scan/0", data={"action": "corrected", "iso": "2022-12-25"})
    assert response.status_code == 403
    assert store.execute("select * from dates").fetchall() == before
    assert store.execute("select count(*) from corrections").fetchone()[0] == 0


def test_the_queue_counts_per_document(client):
    html = client("GET", "/saraban/-/review").text
    assert "scan" in html and "re-read" in html


def test_a_text_page_shows_the_text_only(client, store):
    from saraban.pipeline import process_text

    save_document(store, process_text("ลงวันที่ ๒๒ ธันวาคม ๒๕๖๕ ที่จังหวัดเชียงราย", "memo_txt").stored())
    html = client("GET", "/saraban/-/page/memo_txt/1").text
    assert 'id="pv-img"' not in html and "no longer where" not in html
    assert 'id="m-dates-0"' in html and 'id="m-provinces-0"' in html
