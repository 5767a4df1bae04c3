"""`saraban reprocess` (issue 7): new extractors over stored page text, no OCR, resumable."""
from __future__ import annotations

import dataclasses
import re
import sqlite3

import pytest
from click.testing import CliRunner

from archive_fixtures import snapshot, write_letters
from saraban.db.store import count_to_reprocess, open_store
from saraban.extractors.records import Record
from saraban.extractors.registry import EXTRACTORS, extractors_version
from saraban.normalizers import thai_digits_to_arabic
from saraban.batch import ingest_archive, reprocess_store
from saraban.runner import InlineRunner, make_runner
from saraban.cli import cli
from saraban.progress import Progress

pytestmark = pytest.mark.issue(7)

BUMPED = "bumped-for-test"


def every_buddhist_year(text: str) -> list[Record]:
    """A 'new version' of the dates extractor: every Arabic-digit year 2500-2599, nothing else.

    Module level, so a worker process can unpickle it by name.
    """
    return [Record(text=m.group(0), start=m.start(), end=m.end(), confidence=0.5)
            for m in re.finditer(r"(?<![0-9])25[0-9]{2}(?![0-9])", text)]


@pytest.fixture
def store_file(tmp_path):
    """A database holding ten varied letters, ingested with this build's extractors."""
    folder = tmp_path / "archive"
    write_letters(folder, 10)
    db_file = tmp_path / "s.db"
    db = open_store(db_file)
    summary = ingest_archive(db, [folder], InlineRunner())
    db.close()
    assert summary.counts["stored"] == 10
    return db_file


@pytest.fixture
def bumped(monkeypatch):
    """The dates extractor replaced by a new version that finds something else."""
    spec = EXTRACTORS["dates"]
    monkeypatch.setitem(EXTRACTORS, "dates", dataclasses.replace(spec, fn=every_buddhist_year, version=BUMPED))
    return EXTRACTORS["dates"]


def _reprocess_store(db, jobs, **kwargs):
    with make_runner(jobs) as runner:
        return reprocess_store(db, runner, **kwargs)


def _reprocess(*args):
    return CliRunner().invoke(cli, ["reprocess", *map(str, args)])


def test_nothing_to_do_when_every_document_is_current(store_file):
    before = snapshot(store_file)
    result = _reprocess("--db", store_file, "--jobs", "1")
    assert result.exit_code == 0
    assert f"saraban: {store_file}: nothing to do" in result.output
    assert snapshot(store_file) == before


def test_all_with_the_same_extractors_gives_the_same_rows(store_file):
    before = snapshot(store_file)
    result = _reprocess("--db", store_file, "--all", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert f"saraban: {store_file}: 10 reprocessed" in result.output
    assert "saraban reprocess: 10/10 docs (100%), 10 pages, " in result.output
    assert "docs/s" in result.output
    assert snapshot(store_file) == before


def test_all_puts_back_mentions_that_differ_from_a_fresh_extraction(store_file):
    """Rows equal to the new ones are left in place; a table whose rows differ is rewritten."""
    before = snapshot(store_file)
    conn = sqlite3.connect(store_file)
    with conn:
        conn.execute("update dates set iso = '1999-01-01' where seq = 0")
        conn.execute("delete from provinces where seq = 1")
        conn.execute("update goals set confidence = 0.5")
    conn.close()
    damaged = snapshot(store_file)
    assert damaged["dates"] != before["dates"] and damaged["provinces"] != before["provinces"]
    result = _reprocess("--db", store_file, "--all", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert snapshot(store_file) == before


def test_a_new_extractor_version_replaces_mentions_and_keeps_pages(store_file, bumped):
    before = snapshot(store_file)
    assert before["documents"][0]["extractors_version"] != extractors_version()
    db = open_store(store_file)
    assert count_to_reprocess(db) == 10
    summary = _reprocess_store(db, 1)
    assert summary.counts["reprocessed"] == 10 and not summary.failed
    after = snapshot(store_file)
    # pages and every other field untouched
    for table in after:
        if table not in ("dates", "documents"):
            assert after[table] == before[table], table
    # the dates are the new extractor's, each with its page and version
    years = after["dates"]
    assert years and {r["extractor_version"] for r in years} == {BUMPED}
    assert {r["extractor"] for r in years} == {f"{__name__}.every_buddhist_year"}
    page_texts = {p["id"]: p["text_norm"] for p in after["pages"]}
    for row in years:
        # found in the folded text, stored as the page writes it (Thai digits kept)
        assert thai_digits_to_arabic(row["text"]).startswith("25") and len(row["text"]) == 4
        assert row["text"] in page_texts[row["page_id"]]
    # each document now carries the new version, so a rerun has nothing to do
    assert {d["extractors_version"] for d in after["documents"]} == {extractors_version()}
    assert count_to_reprocess(db) == 0
    assert _reprocess_store(db, 1).counts == {}


def test_reprocess_on_worker_processes_equals_one_process(tmp_path, store_file, bumped):
    copy = tmp_path / "copy.db"
    copy.write_bytes(store_file.read_bytes())
    one = _reprocess_store(open_store(store_file), 1)
    two = _reprocess_store(open_store(copy), 2)
    assert one.counts == two.counts == {"reprocessed": 10}
    assert snapshot(copy) == snapshot(store_file)


class _Crash(Exception):
    pass


class _CrashingProgress(Progress):
    """Progress that stops the run after ``after`` documents are stored, like a kill would."""

    def __init__(self, after: int) -> None:
        super().__init__(None, label="saraban reprocess", enabled=False)
        self.after = after

    def update(self, items: int = 1, pages: int = 0) -> None:
        super().update(items, pages)
        if self.done >= self.after:
            raise _Crash


def test_a_run_stopped_half_way_is_finished_by_the_next(tmp_path, store_file, bumped):
    straight = tmp_path / "straight.db"
    straight.write_bytes(store_file.read_bytes())
    _reprocess_store(open_store(straight), 1)

    db = open_store(store_file)
    with pytest.raises(_Crash):
        _reprocess_store(db, 1, progress=_CrashingProgress(after=4))
    assert count_to_reprocess(db) == 6  # the four stored carry the new version
    summary = _reprocess_store(db, 2)
    assert summary.counts == {"reprocessed": 6}
    assert snapshot(store_file) == snapshot(straight)


def test_a_document_whose_extractor_fails_keeps_its_old_mentions(store_file, monkeypatch):
    def broken(text):
        raise RuntimeError("regex exploded")

    before = snapshot(store_file)
    spec = EXTRACTORS["dates"]
    monkeypatch.setitem(EXTRACTORS, "dates", dataclasses.replace(spec, fn=broken, version=BUMPED))
    db = open_store(store_file)
    summary = _reprocess_store(db, 1)
    assert summary.counts == {"failed": 10}
    assert list(summary.failures) == ["RuntimeError: regex exploded"]
    assert snapshot(store_file) == before
    assert count_to_reprocess(db) == 10  # tried again next time


def test_reprocess_needs_no_archive_files(tmp_path, store_file, bumped):
    for path in (tmp_path / "archive").rglob("*.txt"):
        path.unlink()
    result = _reprocess("--db", store_file, "--jobs", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "10 reprocessed" in result.output and "saraban reprocess:" not in result.output


def test_reprocess_of_a_missing_database_is_a_usage_error(tmp_path):
    result = _reprocess("--db", tmp_path / "none.db")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_a_worker_hands_back_only_the_fields_that_changed(store_file):
    """Reprocess workers compare with the store themselves: an unchanged field comes back by name,
    without rows; a changed one and one with a reviewer's correction come back whole."""
    from saraban.db import review
    from saraban.db.store import open_reader, stored_pages, without_unchanged
    from saraban.pipeline import RunContext
    from saraban.tasks import reextract_documents

    db = open_store(store_file)
    doc_id, seq = db.execute("select doc_id, seq from dates order by doc_id, seq limit 1").fetchone()
    reader = open_reader(store_file)
    fresh = reextract_documents(list(stored_pages(reader, [doc_id])), RunContext())[0]
    assert without_unchanged(reader, fresh).unchanged == frozenset(EXTRACTORS)
    assert without_unchanged(reader, fresh).tables == {}

    with db.conn:
        db.execute("update provinces set name = 'น่าน' where doc_id = ? and seq = 0", [doc_id])
    review.correct(db, "dates", doc_id, seq, "confirmed", {}, reviewer="clerk")
    db.conn.commit()
    handed = without_unchanged(open_reader(store_file), fresh)
    assert {"provinces", "dates"}.isdisjoint(handed.unchanged)
    assert handed.tables["provinces"] == fresh.tables["provinces"] and handed.tables["dates"] == fresh.tables["dates"]
    assert handed.unchanged == frozenset(EXTRACTORS) - {"provinces", "dates"}
