"""Batch ingest of an archive (issue 7): parallel, one writer, resumable, progress and a summary."""
from __future__ import annotations

import dataclasses
import io
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from archive_fixtures import add_bad_files, snapshot, write_letters
from saraban.batch import Summary, expand_paths, ingest_archive
from saraban.cli import cli
from saraban.core.errors import EmptyFileError, EncodingError
from saraban.pipeline import RunContext
from saraban.db.store import open_store
from saraban.extractors.records import Record
from saraban.extractors.registry import EXTRACTORS
from saraban.progress import Progress
from saraban.runner import IN_FLIGHT_PER_WORKER, InlineRunner, PoolRunner, Slot, in_order, make_runner

pytestmark = pytest.mark.issue(7)


@pytest.fixture
def archive(tmp_path):
    """Twelve varied letters in sub-folders, three files that fail, one copy of a letter."""
    folder = tmp_path / "archive"
    letters = write_letters(folder, 12)
    bad = add_bad_files(folder, letters)
    return folder, letters, bad


def _ingest(*args):
    return CliRunner().invoke(cli, ["ingest", *map(str, args)])


def _ingest_archive(db, paths, jobs, **kwargs):
    with make_runner(jobs) as runner:
        return ingest_archive(db, paths, runner, **kwargs)


def test_letters_are_varied_thai_with_their_own_bytes(archive):
    _, letters, _ = archive
    texts = [p.read_text(encoding="utf-8") for p in letters]
    assert len(set(texts)) == len(texts)
    assert all("\u0e01" <= c <= "\u0e7f" for c in "".join(texts) if c.isalpha() and not c.isascii())
    # copies of the same sample differ in their numbers, dates or provinces, not in their shape
    first, sixth = texts[0], texts[5]
    assert first != sixth and abs(len(first) - len(sixth)) < len(first) // 10


def test_ingest_stores_every_letter_and_reports_a_summary(tmp_path, archive):
    folder, letters, bad = archive
    db_file = tmp_path / "s.db"
    result = _ingest(folder, "--db", db_file, "--jobs", "1")
    assert result.exit_code == 1  # three files failed
    out = result.output
    # one line per failed file, naming it first, before the summary
    for name in ("empty", "binary", "garbled"):
        assert f"saraban: {bad[name]}: " in out
    assert f"saraban: {db_file}: 1 duplicate, 3 failed, 12 stored" in out
    assert "  pages: 12 text" in out
    assert "  failed (3), by reason:" in out
    assert f"    1 x EmptyFileError: empty file (0 bytes) ({bad['empty']})" in out
    assert "1 x EncodingError: not UTF-8 and not TIS-620/cp874 text" in out
    assert "1 x UnsupportedFileError: unsupported file type (.txt, binary content)" in out
    assert "  time: " in out and "files/s" in out
    db = open_store(db_file)
    assert db["documents"].count_where("status = 'ok'") == 12
    assert db["documents"].count_where("status = 'failed'") == 3
    assert [r["path"] for r in db["copies"].rows] == [str(bad["copy"])]
    assert db["pages"].count == 12


def test_parallel_ingest_stores_what_a_serial_one_does(tmp_path, archive):
    folder, _, _ = archive
    _ingest(folder, "--db", tmp_path / "serial.db", "--jobs", "1")
    result = _ingest(folder, "--db", tmp_path / "pool.db", "--jobs", "2")
    assert "12 stored" in result.output
    assert snapshot(tmp_path / "pool.db") == snapshot(tmp_path / "serial.db")


def test_second_run_stores_nothing_new(tmp_path, archive):
    folder, _, _ = archive
    db_file = tmp_path / "s.db"
    _ingest(folder, "--db", db_file, "--jobs", "1")
    before = snapshot(db_file)
    again = _ingest(folder, "--db", db_file, "--jobs", "2")
    # failed files are tried again (and fail again); stored bytes are skipped without reading them
    assert f"saraban: {db_file}: 1 duplicate, 3 failed, 12 seen" in again.output
    assert "pages:" not in again.output
    assert snapshot(db_file) == before


def test_rerun_after_losing_documents_finishes_the_rest(tmp_path, archive):
    folder, letters, _ = archive
    db_file = tmp_path / "s.db"
    _ingest(folder, "--db", db_file, "--jobs", "1")
    complete = snapshot(db_file)
    lost = [p.stem for p in letters[3:7]]
    conn = sqlite3.connect(db_file)  # as if the run had died before storing these four
    marks = ",".join("?" * len(lost))
    fields = [t for t in complete if t not in ("documents", "pages", "copies")]
    for table in ["copies", *fields, "pages", "documents"]:  # children before parents
        conn.execute(f"delete from [{table}] where doc_id in ({marks})", lost)
    conn.commit()
    conn.close()
    assert len(snapshot(db_file)["documents"]) == len(complete["documents"]) - 4
    rerun = _ingest(folder, "--db", db_file, "--jobs", "2")
    assert "4 stored" in rerun.output and "8 seen" in rerun.output
    assert snapshot(db_file) == complete


@pytest.mark.slow
def test_killed_mid_run_then_rerun_gives_the_same_database(tmp_path):
    folder = tmp_path / "archive"
    write_letters(folder, 60)
    clean = tmp_path / "clean.db"
    assert _ingest(folder, "--db", clean, "--jobs", "1").exit_code == 0
    db_file = tmp_path / "killed.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "saraban", "ingest", str(folder), "--db", str(db_file), "--jobs", "1", "--no-progress"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHAINLP_OFFLINE": "1"},
    )
    stored = 0
    deadline = time.monotonic() + 120
    while stored < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        stored = _count_ok(db_file)
    proc.kill()
    proc.wait()
    stored = _count_ok(db_file)
    assert 5 <= stored < 60, "the run was not stopped part-way"
    rerun = _ingest(folder, "--db", db_file, "--jobs", "2")
    assert rerun.exit_code == 0
    assert f"{stored} seen, {60 - stored} stored" in rerun.output
    assert snapshot(db_file) == snapshot(clean)


def _count_ok(db_file):
    if not db_file.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("select count(*) from documents where status = 'ok'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def test_same_bytes_twice_in_one_run_are_stored_once(tmp_path):
    letters = write_letters(tmp_path / "a", 3)
    twin = tmp_path / "a" / "zz" / "twin.txt"
    twin.parent.mkdir()
    twin.write_bytes(letters[1].read_bytes())
    db = open_store(tmp_path / "s.db")
    summary = _ingest_archive(db, [tmp_path / "a"], 2)
    assert (summary.counts["stored"], summary.counts["duplicate"]) == (3, 1)
    assert db["documents"].count == 3
    assert [r["path"] for r in db["copies"].rows] == [str(twin)]


def test_results_come_back_in_input_order_with_bounded_work_in_flight():
    runner = PoolRunner(2)
    pulled = []
    try:
        def slots():
            for i in range(40):
                pulled.append(i)
                yield Slot(i, (pow, (i, 2)))

        seen = []
        for slot in in_order(runner, slots()):
            assert len(pulled) - len(seen) <= runner.slots  # never more than slots handed out, not stored
            seen.append((slot.key, slot.result))
    finally:
        runner.close()
    assert runner.slots == 2 * IN_FLIGHT_PER_WORKER
    assert seen == [(i, i * i) for i in range(40)]


def test_a_task_that_raises_becomes_a_failure_of_its_item_only():
    def slots():
        yield Slot("ok", (len, ("ธนาคารขยะ",)))
        yield Slot("boom", (int, ("ไม่ใช่ตัวเลข",)))
        yield Slot("after", (len, ("งบ",)))

    got = {s.key: s for s in in_order(InlineRunner(), slots())}
    assert got["ok"].result == 9 and got["after"].result == 2
    assert isinstance(got["boom"].error, ValueError) and got["boom"].result is None


def test_expand_paths_streams_the_folder_in_sorted_order(tmp_path):
    write_letters(tmp_path / "a", 12)
    (tmp_path / "a" / "notes.xls").write_bytes(b"x")
    walked = expand_paths([tmp_path / "a"])
    assert next(walked).name.endswith("_000000.txt")  # a generator: nothing listed up front
    everything = [tmp_path / "a" / "box000" / sorted(p.name for p in (tmp_path / "a" / "box000").iterdir())[0]]
    everything += list(walked)
    assert everything == sorted(p for p in (tmp_path / "a").rglob("*.txt"))


def test_progress_writes_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    with Progress(4, label="saraban ingest", stream=stream, interval=0.0) as progress:
        for _ in range(4):
            progress.update(1, pages=3)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[0].startswith("saraban ingest: 1/4 files (25%), 3 pages, ")
    assert "files/s, ETA 0:00:0" in lines[0]
    assert lines[-1].startswith("saraban ingest: 4/4 files (100%), 12 pages, ") and "done in" in lines[-1]


def test_progress_lines_wait_for_the_interval():
    stream = io.StringIO()
    with Progress(1000, label="saraban reprocess", unit="doc", stream=stream, interval=3600) as progress:
        for _ in range(999):
            progress.update(1)
    lines = stream.getvalue().splitlines()
    assert lines == [lines[-1]] and lines[0].startswith("saraban reprocess: 999/1000 docs (99%)")


def test_progress_bar_on_a_terminal_is_tqdm():
    stream = io.StringIO()
    with Progress(2, label="saraban ingest", stream=stream, tty=True) as progress:
        progress.update(1, pages=5)
        progress.note("saraban: /archive/x.pdf: empty file (0 bytes)")
        progress.update(1, pages=1)
    out = stream.getvalue()
    assert "\r" in out and "2/2" in out and "6 pages" in out
    assert "saraban: /archive/x.pdf: empty file (0 bytes)\n" in out


def test_cli_progress_in_a_pipe_is_plain_lines(tmp_path):
    folder = tmp_path / "a"
    write_letters(folder, 3)
    result = _ingest(folder, "--db", tmp_path / "s.db", "--jobs", "1")
    assert "saraban ingest: 3/3 files (100%), 3 pages, " in result.output
    quiet = _ingest(folder, "--db", tmp_path / "s.db", "--jobs", "1", "--no-progress")
    assert "saraban ingest:" not in quiet.output and "3 seen" in quiet.output


def test_summary_groups_failures_by_reason_with_a_few_paths():
    summary = Summary("ingest", "s.db", seconds=2.0)
    for i in range(5):
        summary.add_failure(f"/archive/scan{i}.pdf", EmptyFileError(f"/archive/scan{i}.pdf", "empty file (0 bytes)"))
    summary.add_failure("/archive/old.txt", EncodingError("/archive/old.txt", "not Thai"))
    summary.add("stored")
    summary.pages.update({"text-layer": 10, "ocr": 2})
    lines = summary.lines()
    assert lines[0] == "saraban: s.db: 6 failed, 1 stored"
    assert lines[1] == "  pages: 2 ocr, 10 text-layer"
    assert lines[3] == ("    5 x EmptyFileError: empty file (0 bytes) "
                        "(/archive/scan0.pdf, /archive/scan1.pdf, /archive/scan2.pdf, ...)")
    assert lines[4] == "    1 x EncodingError: not Thai (/archive/old.txt)"
    assert lines[5] == "  time: 2.0 s, 3.5 files/s, 6.0 pages/s"


def test_ingest_and_reprocess_have_help():
    for command in ("ingest", "reprocess"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Example: saraban" in result.output
        assert "--jobs" in result.output and "--dask" in result.output


def die_on_a_time_bomb(text: str) -> list[Record]:
    """An extractor that kills its process on one letter, as a segfault in a native library would.

    Module level, so a worker process can unpickle it by name.
    """
    if "ระเบิดเวลา" in text:
        os._exit(70)
    return []


@pytest.mark.slow
def test_a_file_that_kills_its_worker_fails_alone(tmp_path):
    folder = tmp_path / "a"
    write_letters(folder, 8)
    bomb = folder / "box000" / "letter_bomb.txt"  # among the first five handed out
    bomb.write_text("หนังสือ ระเบิดเวลา ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", encoding="utf-8")
    spec = dataclasses.replace(EXTRACTORS["dates"], fn=die_on_a_time_bomb)
    ctx = RunContext(extractors={**EXTRACTORS, "dates": spec})
    db = open_store(tmp_path / "s.db")
    summary = _ingest_archive(db, [folder], 2, ctx=ctx)
    assert (summary.counts["stored"], summary.failed) == (8, 1)
    assert summary.failures == {
        "WorkerDiedError: the worker process died on it (a crash, or out of memory)": [1, [str(bomb)]],
    }
    row = db["documents"].get("letter_bomb")
    assert (row["status"], row["error_type"]) == ("failed", "WorkerDiedError")
    assert row["error"] == "box000/letter_bomb.txt: the worker process died on it (a crash, or out of memory)"


def test_the_summary_keeps_a_bounded_number_of_reasons():
    summary = Summary("ingest", "s.db")
    for i in range(500):
        summary.add_failure(f"/archive/{i}.txt", RuntimeError(f"odd failure number {i}"))
    assert summary.failed == 500
    assert len(summary.failures) == 51
    assert summary.failures["(other reasons)"][0] == 450


def test_words_segmented_on_a_worker_store_the_same_pages(tmp_path, samples):
    from saraban.db.store import page_words, save_document
    from saraban.pipeline import process_file, process_text

    result = process_file(samples[0])
    here, there = open_store(tmp_path / "here.db"), open_store(tmp_path / "there.db")
    save_document(here, result.stored())
    save_document(there, result.stored(words=page_words(result.norm_pages)))
    assert list(there["pages"].rows) == list(here["pages"].rows)
    assert page_words(process_text("ธนาคารขยะ ๓ แห่ง\fงบประมาณ").norm_pages) == [" ธนา คาร ขยะ ๓ แห่ง ", " งบ ประ มาณ "]


def test_a_reprocess_pool_lends_a_hand_while_its_workers_start():
    """help_while_warming: tasks sent before the workers are up run here; later ones in the workers."""
    runner = PoolRunner(2, help_while_warming=True)
    try:
        first = runner.submit(os.getpid).result()
        assert runner._warm.wait(timeout=60)
        later = {runner.submit(os.getpid).result() for _ in range(4)}
    finally:
        runner.close()
    assert first == os.getpid()
    assert os.getpid() not in later
