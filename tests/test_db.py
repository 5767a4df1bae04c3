"""The SQLite store: schema, one transaction per document, idempotent saves, Thai search."""
from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from saraban.db import schema
from saraban.db.store import (
    already_seen,
    pages_to_reprocess,
    open_store,
    record_duplicate,
    record_failure,
    save_document,
    search_pages,
    search_pages_like,
)
from saraban.extractors.registry import EXTRACTORS, extractors_version
from saraban.core.errors import EncodingError
from saraban.batch import ingest_archive, reprocess_store
from saraban.pipeline import process_file, process_text
from saraban.runner import InlineRunner


@pytest.fixture(scope="module")
def sample_results(samples):
    return [process_file(p) for p in samples]


@pytest.fixture
def store(tmp_path, sample_results):
    """A file store holding the five dev documents."""
    db = open_store(tmp_path / "saraban.db")
    for result in sample_results:
        save_document(db, result.stored())
    return db


def _rows(db, table):
    return [
        {k: v for k, v in r.items() if k not in {"processed_at", "first_seen"}}
        for r in db[table].rows_where(order_by="rowid")
    ]


def test_open_store_sets_wal_busy_timeout_and_foreign_keys(tmp_path):
    db = open_store(tmp_path / "s.db")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma busy_timeout").fetchone()[0] >= 5000
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert {"documents", "pages", "pages_fts", *EXTRACTORS} <= set(db.table_names())
    # a second open finds the schema in place and changes nothing
    again = open_store(tmp_path / "s.db")
    assert again.table_names() == db.table_names()


def test_field_tables_have_record_columns_span_page_and_foreign_keys(tmp_path):
    db = open_store(tmp_path / "s.db")
    for field in EXTRACTORS:
        cols = db[field].columns_dict
        assert {"doc_id", "page_id", "text", "start", "end", "confidence", "page",
                "raw_start", "raw_end", "extractor", "extractor_version"} <= set(cols)
        fks = {(fk.column, fk.other_table) for fk in db[field].foreign_keys}
        assert fks == {("doc_id", "documents"), ("page_id", "pages")}
    assert {(fk.column, fk.other_table) for fk in db["pages"].foreign_keys} == {("doc_id", "documents")}


def test_save_document_stores_document_and_pages(store, samples):
    docs = {r["doc_id"]: r for r in store["documents"].rows}
    assert sorted(docs) == sorted(p.stem for p in samples)
    q2 = docs["report_q2"]
    assert q2["status"] == "ok" and q2["kind"] == "text" and q2["page_count"] >= 1
    assert q2["extractors_version"] == extractors_version()
    assert len(q2["sha256"]) == 64
    page = store["pages"].get("report_q2:1")
    assert page["doc_id"] == "report_q2" and page["method"] == "text"
    assert "ธนาคารขยะ" in page["text_norm"]


def test_saving_twice_gives_the_same_rows(store, sample_results):
    tables = ["documents", "pages", *EXTRACTORS]
    before = {t: _rows(store, t) for t in tables}
    for result in sample_results:
        save_document(store, result.stored())
    assert {t: _rows(store, t) for t in tables} == before


def test_already_seen_is_by_content(store, sample_results):
    assert already_seen(store, sample_results[0].sha256)
    assert not already_seen(store, "0" * 64)


def test_same_name_other_content_gets_its_own_row(store):
    other = process_text("หนังสือฉบับอื่น ที่ชื่อไฟล์ซ้ำ", "report_q2")
    stored = save_document(store, other.stored())
    assert stored == f"report_q2-{other.sha256[:8]}"
    assert store["documents"].get("report_q2")["sha256"] != other.sha256


def test_record_duplicate_notes_the_second_copy(store, sample_results, tmp_path):
    q2 = next(r for r in sample_results if r.doc_id == "report_q2")
    assert record_duplicate(store, tmp_path / "copy of report.txt", q2.sha256) == "report_q2"
    assert [c["path"] for c in store["copies"].rows] == [str(tmp_path / "copy of report.txt")]
    assert store["documents"].count == 5
    assert record_duplicate(store, tmp_path / "x.txt", "f" * 64) is None


def test_record_failure_marks_the_document_failed(store, tmp_path):
    bad = tmp_path / "garbled.txt"
    err = EncodingError(bad, "not UTF-8 and not TIS-620/cp874 text (byte 3)")
    doc_id = record_failure(store, bad, "a" * 64, err)
    row = store["documents"].get(doc_id)
    assert row["status"] == "failed" and row["error_type"] == "EncodingError"
    assert row["error"] == "garbled.txt: not UTF-8 and not TIS-620/cp874 text (byte 3)"   # no server folder
    assert row["path"] == str(bad)                                                     # that stays here
    assert not already_seen(store, "a" * 64)  # a failed file is retried
    # recording it again does not add a row
    record_failure(store, bad, "a" * 64, err)
    assert store["documents"].count_where("status = 'failed'") == 1


def test_a_crash_mid_document_leaves_nothing_half_stored(tmp_path, sample_results):
    db = open_store(tmp_path / "s.db")
    doc = sample_results[0].stored()
    broken = dataclasses.replace(doc, pages=[*doc.pages, doc.pages[0]])  # two pages with the same number: the insert fails
    with pytest.raises(sqlite3.IntegrityError):
        save_document(db, broken)
    assert db["documents"].count == 0 and db["pages"].count == 0


def test_reprocess_finds_out_of_date_documents_and_keeps_pages(store):
    assert list(pages_to_reprocess(store)) == []
    assert len(list(pages_to_reprocess(store, all=True))) == 5
    store.execute("update documents set extractors_version = 'dates=0' where doc_id = 'report_q2'")
    store.conn.commit()
    todo = list(pages_to_reprocess(store))
    assert [d for d, *_ in todo] == ["report_q2"]
    pages_before = _rows(store, "pages")
    assert reprocess_store(store, InlineRunner()).counts == {"reprocessed": 1}
    assert list(pages_to_reprocess(store)) == []
    assert _rows(store, "pages") == pages_before


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param("ธนาคารขยะ", {"report_q2"}, id="waste-bank-in-the-quarterly-report"),
    pytest.param("ถังขยะเปียก", {"letter_phitsanulok", "meeting_senate", "report_q2"}, id="wet-waste-bin-three-docs"),
    pytest.param("งบ", {"meeting_senate", "news_localization", "report_q2", "slides_moi_sdg"}, id="two-chars-word-start"),
    pytest.param("การคลัง", set(), id="absent-word-finds-nothing"),
    pytest.param("ถังขยะเปียก ธนาคารขยะ", {"report_q2"}, id="two-terms-both-required"),
])
def test_thai_search(store, query, expected):
    assert {r["doc_id"] for r in search_pages(store, query)} == expected


def test_default_tokenizer_would_not_find_thai(tmp_path):
    """Why the trigram index: unicode61 splits Thai at vowels and tone marks."""
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(x)")
    conn.execute("insert into t values ('โครงการธนาคารขยะของชุมชน')")
    assert conn.execute("""select count(*) from t where t match '"ธนาคารขยะ"'""").fetchone()[0] == 0
    assert schema.FTS_TOKENIZER == "trigram"


# --- the schema follows the registry -----------------------------------------

import re  # noqa: E402

from saraban.extractors.records import Record  # noqa: E402
from saraban.extractors.registry import ExtractorSpec  # noqa: E402


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ClockTime(Record):
    """A time of day, e.g. ``เวลา 09.30 น.``."""

    hhmm: str
    hour: int
    afternoon: bool


_CLOCK = re.compile(r"เวลา\s*(\d{1,2})[.:](\d{2})\s*น\.")


def extract_clock_times(text: str) -> list[ClockTime]:
    """Times of day written ``เวลา 09.30 น.``."""
    return [
        ClockTime(text=m.group(0), start=m.start(), end=m.end(),
                  hhmm=f"{int(m.group(1)):02d}:{m.group(2)}", hour=int(m.group(1)), afternoon=int(m.group(1)) >= 12)
        for m in _CLOCK.finditer(text)
    ]


@pytest.fixture
def clock_field(monkeypatch):
    """The registry with one more field, as a helper adding an extractor would leave it."""
    monkeypatch.setitem(EXTRACTORS, "clock", ExtractorSpec("clock", extract_clock_times, "1"))
    return "clock"


def test_a_new_registry_field_gets_a_typed_table(tmp_path, clock_field):
    db = open_store(tmp_path / "s.db")
    cols = db[clock_field].columns_dict
    assert (cols["hhmm"], cols["hour"], cols["afternoon"], cols["confidence"]) == (str, int, int, float)
    indexed = {tuple(i.columns) for i in db[clock_field].indexes}
    assert {("hhmm",), ("hour",), ("afternoon",), ("page_id",)} <= indexed
    result = process_text("ประชุมวันนี้ เวลา ๑๓.๓๐ น.\fหน้าสอง เวลา 09:00 น.", "minutes")
    save_document(db, result.stored())
    rows = list(db[clock_field].rows_where(order_by="seq"))
    assert [(r["hhmm"], r["afternoon"], r["page"], r["page_id"]) for r in rows] == [
        ("13:30", 1, 1, "minutes:1"), ("09:00", 0, 2, "minutes:2"),
    ]
    # the span points at the matched text, in the normalized text of its page
    assert rows[0]["text"] == "เวลา ๑๓.๓๐ น."
    assert rows[0]["extractor"].endswith("extract_clock_times") and rows[0]["extractor_version"] == "1"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ClockTimeWithMinute(ClockTime):
    """The same record after its extractor learned one more key."""

    minute: int = 0


def extract_clock_times_v2(text: str) -> list[ClockTimeWithMinute]:
    """Version 2: the minute as a number too."""
    return [ClockTimeWithMinute(**{f.name: getattr(t, f.name) for f in dataclasses.fields(t)}, minute=int(t.hhmm[-2:]))
            for t in extract_clock_times(text)]


def test_an_existing_store_gains_a_new_fields_table_then_a_new_column(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    open_store(path).close()
    monkeypatch.setitem(EXTRACTORS, "clock", ExtractorSpec("clock", extract_clock_times, "1"))
    db = open_store(path)
    save_document(db, process_text("เวลา ๑๓.๓๐ น.", "memo").stored())
    assert "clock" in db.table_names() and "minute" not in db["clock"].columns_dict
    db.close()
    monkeypatch.setitem(EXTRACTORS, "clock", ExtractorSpec("clock", extract_clock_times_v2, "2"))
    db = open_store(path)
    assert db["clock"].columns_dict["minute"] is int
    assert reprocess_store(db, InlineRunner()).counts == {"reprocessed": 1}
    assert [(r["hhmm"], r["minute"]) for r in db["clock"].rows] == [("13:30", 30)]


def test_version_change_marks_documents_for_reprocessing(store, clock_field):
    """A new or changed extractor changes extractors_version(): every document is out of date."""
    todo = [doc_id for doc_id, *_ in pages_to_reprocess(store)]
    assert len(todo) == 5


# --- saraban ingest ----------------------------------------------------------

from click.testing import CliRunner  # noqa: E402

from saraban.cli import cli  # noqa: E402


def _ingest(*args):
    return CliRunner().invoke(cli, ["ingest", *map(str, args)])


def test_ingest_a_folder_twice_adds_nothing(tmp_path, samples):
    inbox = tmp_path / "inbox" / "2566"
    inbox.mkdir(parents=True)
    for p in samples:
        (inbox / p.name).write_bytes(p.read_bytes())
    (inbox / "notes.xls").write_bytes(b"not read: an unsupported name inside a folder")
    db_file = tmp_path / "s.db"
    first = _ingest(tmp_path / "inbox", "--db", db_file)
    assert first.exit_code == 0, first.output
    db = open_store(db_file)
    counts = {t: db[t].count for t in ["documents", "pages", *EXTRACTORS]}
    assert counts["documents"] == 5
    second = _ingest(tmp_path / "inbox", "--db", db_file)
    assert second.exit_code == 0
    assert "5 seen" in second.output
    assert {t: db[t].count for t in counts} == counts


def test_ingest_reports_a_bad_file_records_it_and_goes_on(tmp_path, samples):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"PK\x03\x04 a zip that is not a docx, named .pdf")
    db_file = tmp_path / "s.db"
    result = _ingest(bad, *samples[:2], "--db", db_file)
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if str(bad) in ln)
    assert line.startswith(f"saraban: {bad}: ")
    db = open_store(db_file)
    statuses = {r["doc_id"]: r["status"] for r in db["documents"].rows}
    assert statuses == {"scan": "failed", samples[0].stem: "ok", samples[1].stem: "ok"}
    assert db["pages"].count_where("doc_id = 'scan'") == 0


def test_ingest_notes_a_copy_under_another_name(tmp_path, samples):
    copy = tmp_path / "สำเนา.txt"
    copy.write_bytes(samples[0].read_bytes())
    db_file = tmp_path / "s.db"
    result = _ingest(samples[0], copy, "--db", db_file)
    assert result.exit_code == 0
    assert "1 duplicate, 1 stored" in result.output
    db = open_store(db_file)
    assert db["documents"].count == 1
    assert [r["path"] for r in db["copies"].rows] == [str(copy)]


def test_ingest_and_serve_have_help():
    for command in ("ingest", "serve"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Example: saraban" in result.output


def _extract_or_fail(text: str) -> list[ClockTime]:
    """A clock extractor with a bug on one kind of input."""
    if "ถังขยะเปียก" in text:
        raise ValueError("cannot read a clock here")
    return extract_clock_times(text)


def test_an_extractor_crash_on_one_file_is_recorded_and_the_run_goes_on(tmp_path, samples, monkeypatch):
    monkeypatch.setitem(EXTRACTORS, "clock", ExtractorSpec("clock", _extract_or_fail, "1"))
    db = open_store(tmp_path / "s.db")
    summary = ingest_archive(db, samples, InlineRunner())
    failing = [str(p) for p in samples if "ถังขยะเปียก" in p.read_text(encoding="utf-8")]
    assert "report_q2" in " ".join(failing) and len(failing) < len(samples)
    assert summary.counts == {"stored": len(samples) - len(failing), "failed": len(failing)}
    assert summary.failures == {"ValueError: cannot read a clock here": [len(failing), failing]}
    statuses = {r["doc_id"]: (r["status"], r["error_type"]) for r in db["documents"].rows}
    assert statuses["report_q2"] == ("failed", "ValueError")
    assert statuses["news_localization"] == ("ok", None)
    assert db["pages"].count_where("doc_id = 'report_q2'") == 0


# --- whatever is typed in the search box --------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TYPED = st.text(alphabet=st.sampled_from(list('"*():^-+. \'\\\t\nกง่บขยะab{}NEARORNOT\x00')), max_size=14) | st.text(max_size=8)


@pytest.fixture(scope="module")
def small_store():
    db = open_store(":memory:")
    save_document(db, process_text('ธนาคารขยะ ถังขยะเปียก งบประมาณ "ทดสอบ" a*b (x) NEAR y:z', "memo").stored())
    return db


@settings(max_examples=400, deadline=None)
@given(query=_TYPED)
def test_any_typed_query_is_valid_fts5(small_store, query):
    """Quotes, stars, colons, NEAR, NULs: the search never fails with an FTS5 syntax error."""
    for row in search_pages(small_store, query):
        assert row["doc_id"] == "memo"


@pytest.mark.parametrize(("query", "found"), [
    pytest.param('"ถังขยะ', True, id="unbalanced-quote"),
    pytest.param('"ทดสอบ"', True, id="quotes-in-the-text"),
    pytest.param("a*b", True, id="star-is-literal"),
    pytest.param("NEAR", True, id="operator-word-is-literal"),
    pytest.param("   ", False, id="only-spaces-finds-nothing"),
])
def test_search_operators_are_literal(small_store, query, found):
    assert bool(search_pages(small_store, query)) is found


def test_short_terms_match_at_a_syllable_start():
    """`งบ` (budget) is in ปีงบประมาณ; the letters ง บ inside ความสงบ (peace) are not it."""
    db = open_store(":memory:")
    save_document(db, process_text("ในปีงบประมาณ พ.ศ. ๒๕๖๖", "budget").stored())
    save_document(db, process_text("รักษาความสงบเรียบร้อย", "peace").stored())
    assert [r["doc_id"] for r in search_pages(db, "งบ")] == ["budget"]
    assert [r["doc_id"] for r in search_pages_like(db, "งบ")] == ["budget", "peace"]
    assert [r["doc_id"] for r in search_pages(db, "สงบ")] == ["peace"]  # three characters: the trigram index


def test_a_writer_waits_for_another_writers_lock(tmp_path):
    """Two writers on one file: the second waits for the first's transaction, never 'database is locked'."""
    import threading
    import time

    path = tmp_path / "s.db"
    first = open_store(path)
    second = open_store(path)
    second.execute("select count(*) from documents").fetchall()  # a reader before it writes
    first.conn.execute("BEGIN IMMEDIATE")
    first["copies"].count  # noqa: B018 - hold the write lock...
    release = threading.Timer(1.0, lambda: first.conn.execute("COMMIT"))
    release.start()
    t0 = time.monotonic()
    save_document(second, process_text("ถังขยะเปียก", "memo").stored())  # ...while this one saves
    waited = time.monotonic() - t0
    release.join()
    assert waited >= 0.5
    assert first["documents"].count == 1


def test_search_column_computed_elsewhere_gives_the_same_rows(tmp_path, sample_results):
    """saraban watch splits syllables in its workers (page_words) and hands them to the writer."""
    from saraban.db.store import page_words

    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    for result in sample_results:
        save_document(a, result.stored())
        save_document(b, result.stored(words=page_words(result.norm_pages)))
    assert _rows(a, "pages") == _rows(b, "pages")
    assert {r["doc_id"] for r in search_pages(b, "งบ")} == {r["doc_id"] for r in search_pages(a, "งบ")}
