"""Bad files, odd names, concurrency and runaway inputs in extract and ingest (issue 15).

The watched folder's part is in tests/test_watch.py, Office packages in
tests/test_ingest_office.py.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive_fixtures import write_letters
from ingest_fixtures import blank_pdf
from office_fixtures import letter_docx, slides_pptx
from saraban.batch import ingest_archive
from saraban.cli import cli
from saraban.db.store import open_store, save_document
from saraban.pipeline import process_file
from saraban.runner import InlineRunner

pytestmark = pytest.mark.issue(15)


def _rows(db_file: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_file)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# --- item 3: every file the same way, one line each, the batch goes on ------------------------------

@pytest.fixture
def mixed_batch(tmp_path):
    """The batch of issue 15: zero.pdf, garbage.pptx (a deck whose slide XML is cut short), real.docx, cp874.txt."""
    import zipfile

    zero = tmp_path / "zero.pdf"
    zero.write_bytes(b"")
    deck = slides_pptx(tmp_path / "deck.pptx")
    garbage = tmp_path / "garbage.pptx"
    with zipfile.ZipFile(deck) as zin, zipfile.ZipFile(garbage, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, data[: len(data) // 2] if info.filename == "ppt/slides/slide1.xml" else data)
    deck.unlink()
    real = letter_docx(tmp_path / "real.docx")
    legacy = tmp_path / "cp874.txt"
    legacy.write_bytes("เรื่อง ขอเชิญประชุม กระทรวงมหาดไทย".encode("cp874"))
    return [zero, garbage, real, legacy]


def test_extract_reports_each_bad_file_on_one_line_and_reads_the_rest(mixed_batch):
    proc = subprocess.run([sys.executable, "-m", "saraban", "extract", *map(str, mixed_batch)],
                          capture_output=True, text=True, timeout=120)
    zero, garbage, real, legacy = mixed_batch
    assert proc.returncode == 1
    first, second = proc.stderr.splitlines()
    assert first == f"saraban: {zero}: empty file (0 bytes)"
    assert second.startswith(f"saraban: {garbage}: damaged .pptx: XMLSyntaxError: ")
    assert "Traceback" not in proc.stderr
    assert [json.loads(line)["doc_id"] for line in proc.stdout.splitlines()] == ["real", "cp874"]


def test_ingest_stores_each_bad_file_with_a_readable_error(tmp_path, mixed_batch):
    db_file = tmp_path / "s.db"
    result = CliRunner().invoke(cli, ["ingest", *map(str, mixed_batch), "--db", str(db_file), "--jobs", "1",
                                      "--no-progress"])
    assert result.exit_code == 1, result.output
    rows = dict((Path(p).name, (status, etype, error)) for p, status, etype, error in
                _rows(db_file, "select path, status, error_type, error from documents"))
    assert rows["real.docx"][0] == rows["cp874.txt"][0] == "ok"
    assert rows["zero.pdf"][:2] == ("failed", "EmptyFileError")
    status, etype, error = rows["garbage.pptx"]
    assert (status, etype) == ("failed", "CorruptFileError")
    # the stored reason names the file as the public sees it (rel_path), not where the server keeps it
    assert error.startswith(f"{mixed_batch[1].name}: damaged .pptx: XMLSyntaxError: ")


def test_a_typed_error_stays_typed_where_exceptions_pickle_with_their_cause(mixed_batch):
    """tblib's pickling support (dask.multiprocessing installs it on import) pickles an error's __cause__:
    lxml's XMLSyntaxError behind a CorruptFileError does not pickle, which turned it into UnexpectedError."""
    import copyreg

    pickling_support = pytest.importorskip("tblib.pickling_support")
    from saraban.pipeline import RunContext
    from saraban.tasks import Failed, extract_file

    saved = dict(copyreg.dispatch_table)
    pickling_support.install()
    try:
        out = extract_file(mixed_batch[1], RunContext())
    finally:
        copyreg.dispatch_table.clear()
        copyreg.dispatch_table.update(saved)
    assert isinstance(out, Failed) and type(out.error).__name__ == "CorruptFileError"


# --- item 11: UTF-16 text ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", [
    pytest.param("utf-16", id="notepad-unicode-utf16le-with-bom"),
    pytest.param("utf-16-be", id="utf16be-without-bom"),
    pytest.param("utf-16-le", id="utf16le-without-bom"),
    pytest.param("utf-32", id="utf32-with-bom"),
])
def test_utf16_text_is_read(tmp_path, encoding):
    text = "ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔\r\nเรื่อง ขอเชิญประชุม ลงวันที่ ๑๗ มีนาคม ๒๕๖๗"
    src = tmp_path / "notepad.txt"
    src.write_bytes(text.encode(encoding))   # utf-16-le/-be: no byte-order mark
    result = process_file(src)
    assert result.kind == "text"
    assert "เรื่อง ขอเชิญประชุม" in result.norm.text
    assert [r.normalized for r in result.fields["references"]] == ["มท 0204.4/ว10104"]


def test_binary_with_nul_bytes_is_still_refused(tmp_path):
    from saraban.core.errors import UnsupportedFileError

    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnsupportedFileError, match="binary content"):
        process_file(junk)


# --- item 12: zero-byte files -----------------------------------------------------------------------

def test_two_empty_files_are_two_failures(tmp_path):
    for name in ("a.pdf", "b.txt"):
        (tmp_path / "in" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_bytes(b"")
    db = open_store(tmp_path / "s.db")
    summary = ingest_archive(db, [tmp_path / "in"], InlineRunner())
    assert summary.counts["failed"] == 2
    rows = sorted((Path(r["path"]).name, r["error_type"]) for r in db["documents"].rows)
    assert rows == [("a.pdf", "EmptyFileError"), ("b.txt", "EmptyFileError")]
    again = ingest_archive(db, [tmp_path / "in"], InlineRunner())   # a rerun: the same two rows
    assert again.counts["failed"] == 2 and db["documents"].count == 2


# --- item 9: concurrent ingests into one database ----------------------------------------------------

def test_a_name_committed_by_another_run_meanwhile_is_kept_and_this_one_noted(tmp_path):
    """Run B reads the same bytes as run A under another name; A commits while B waits for the write lock."""
    letters = write_letters(tmp_path / "a", 1)
    twin = tmp_path / "b" / "twin.txt"
    twin.parent.mkdir()
    twin.write_bytes(letters[0].read_bytes())
    db_file = tmp_path / "s.db"
    process_file(twin)  # warm: B's extraction takes milliseconds below
    run_a, run_b = open_store(db_file), open_store(db_file)
    run_a.conn.execute("BEGIN IMMEDIATE")          # A is writing its document...
    save_document(run_a, process_file(letters[0]).stored())
    out = {}
    b = threading.Thread(target=lambda: out.setdefault("summary", ingest_archive(run_b, [twin], InlineRunner())))
    b.start()
    time.sleep(2.0)                                # ...B found the bytes new and waits for the lock
    run_a.conn.execute("COMMIT")
    b.join(timeout=60)
    assert out["summary"].counts["duplicate"] == 1 and out["summary"].counts["stored"] == 0
    assert [r["path"] for r in run_a["documents"].rows] == [str(letters[0])]
    assert [r["path"] for r in run_a["copies"].rows] == [str(twin)]


@pytest.mark.slow
def test_two_ingests_at_once_record_every_name(tmp_path):
    """Issue 15: two runs at once, identical files under other names: every name is in documents or copies."""
    letters = write_letters(tmp_path / "a", 30)
    twins = []
    for letter in letters:
        twin = tmp_path / "b" / f"copy-of-{letter.parent.name}-{letter.name}"
        twin.parent.mkdir(exist_ok=True)
        twin.write_bytes(letter.read_bytes())
        twins.append(twin)
    db_file = tmp_path / "s.db"
    open_store(db_file).close()
    runs = [subprocess.Popen([sys.executable, "-m", "saraban", "ingest", str(folder), "--db", str(db_file),
                              "--jobs", "1", "--no-progress"], stderr=subprocess.PIPE, text=True)
            for folder in (tmp_path / "a", tmp_path / "b")]
    summaries = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], summaries
    names = {p for (p,) in _rows(db_file, "select path from documents")} | {
        p for (p,) in _rows(db_file, "select path from copies")}
    assert names == {str(p) for p in letters + twins}
    assert _rows(db_file, "select count(*) from documents") == [(30,)]
    stored = sum(int(s.split(" stored")[0].split()[-1]) for s in summaries if " stored" in s)
    assert stored == 30, summaries


# --- item 5: search syllables in time linear in the page -------------------------------------------

def _whole_page_syllables(text: str) -> str:
    """What db.store._syllables gave before issue 15: the whole page to PyThaiNLP at once."""
    from pythainlp.tokenize import subword_tokenize

    return " " + " ".join(s for s in subword_tokenize(text, engine="dict") if s.strip()) + " "


def test_syllables_are_the_same_cut_in_pieces(samples, shared):
    from saraban.db.store import _syllables
    from saraban.normalizers import normalize

    texts = [*samples, *sorted((shared / "corpus" / "texts").glob("*.txt")),
             *sorted((shared / "corpus" / "scans" / "gold").glob("*.txt"))]
    assert len(texts) >= 20
    for path in texts:
        for page in normalize(path.read_text(encoding="utf-8")).text.split("\f"):
            assert _syllables(page) == _whole_page_syllables(page), path.name


def test_a_huge_page_reaches_the_segmenter_in_short_pieces(monkeypatch, samples):
    """Issue 15: a whole 8 MB page given to PyThaiNLP at once took 144 s (1 s at 0.5 MB)."""
    import pythainlp.tokenize

    from saraban.db.store import MAX_PIECE_CHARS, _syllables

    given = []
    real = pythainlp.tokenize.subword_tokenize
    monkeypatch.setattr(pythainlp.tokenize, "subword_tokenize",
                        lambda text, **kw: given.append(len(text)) or real(text, **kw))
    letter = samples[0].read_text(encoding="utf-8")
    page = (letter + "\n") * (300_000 // len(letter)) + "ก" * (3 * MAX_PIECE_CHARS)   # and one line without a space
    _syllables(page)
    assert sum(given) >= len(page) - page.count("\n") - 1
    assert max(given) <= MAX_PIECE_CHARS


# --- item 10: a page cap, and blank pages that skip OCR ----------------------------------------------

def _paper(noise: int = 0, seed: int = 0):
    """A blank A4 sheet scanned at 300 dpi: white paper, light grey speckle (``noise`` grey levels)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    sheet = 255 - rng.integers(0, noise + 1, size=(3508, 2480), dtype=np.uint8)
    image = Image.fromarray(sheet, "L")
    image.info["dpi"] = (300, 300)
    return image


def test_a_pdf_of_1000_blank_pages_takes_seconds_not_minutes(tmp_path):
    """Issue 15: a 319 KB PDF of 1,000 blank pages cost 7 minutes of OCR."""
    from ingest_fixtures import FixedEngine
    from saraban.pipeline import RunContext

    pdf = blank_pdf(tmp_path / "blank.pdf", 1000)
    engine = FixedEngine()
    started = time.perf_counter()
    result = process_file(pdf, RunContext(ocr_engine=engine))
    assert time.perf_counter() - started < 30
    assert engine.calls == 0
    assert len(result.pages) == 1000 and {p.method for p in result.pages} == {"blank"}


def test_scanned_blank_sheets_skip_ocr_and_a_sheet_with_anything_on_it_does_not(tmp_path):
    import numpy as np
    from PIL import Image

    from ingest_fixtures import FixedEngine, image_only_pdf, page_image
    from saraban.pipeline import RunContext

    one_line = _paper()
    one_line.paste(page_image("๑", size=(200, 120)), (1000, 1500))      # a lone Thai digit: OCR'd
    sheets = [_paper(noise=40, seed=1), one_line, _paper(noise=60, seed=2), page_image("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔")]
    engine = FixedEngine()
    result = process_file(image_only_pdf(tmp_path / "scan.pdf", sheets), RunContext(ocr_engine=engine))
    assert [p.method for p in result.pages] == ["blank", "ocr", "blank", "ocr"]
    assert engine.calls == 2
    tiff = tmp_path / "scan.tif"
    frames = [Image.fromarray(np.asarray(s)) for s in sheets]   # without .info: Pillow's TIFF writer chokes on it
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(300, 300))
    engine = FixedEngine()
    assert [p.method for p in process_file(tiff, RunContext(ocr_engine=engine)).pages] == ["blank", "ocr", "blank", "ocr"]


def test_a_file_of_more_pages_than_the_cap_is_refused_before_any_page_is_read(tmp_path, samples):
    import numpy as np
    from PIL import Image

    from ingest_fixtures import FixedEngine, image_only_pdf, page_image
    from saraban.core.errors import TooManyPagesError
    from saraban.core.options import ReadOptions
    from saraban.pipeline import RunContext

    pages = [page_image(f"หน้า {n}") for n in range(5)]
    pdf = image_only_pdf(tmp_path / "five.pdf", pages)
    tiff = tmp_path / "five.tif"
    frames = [Image.fromarray(np.asarray(p)) for p in pages]
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(300, 300))
    for path in (pdf, tiff):
        engine = FixedEngine()
        with pytest.raises(TooManyPagesError, match="5 pages, over the limit of 4") as caught:
            process_file(path, RunContext(read=ReadOptions(max_pages=4), ocr_engine=engine))
        assert engine.calls == 0 and str(caught.value).startswith(str(path))
        assert len(process_file(path, RunContext(read=ReadOptions(max_pages=5), ocr_engine=engine)).pages) == 5
    long_pdf = blank_pdf(tmp_path / "long.pdf", 3)
    # the option on every command that reads files
    extract = CliRunner().invoke(cli, ["extract", str(long_pdf), "--max-pages", "2"])
    assert extract.exit_code == 3 and "3 pages, over the limit of 2" in extract.output
    db_file = tmp_path / "s.db"
    ingest = CliRunner().invoke(cli, ["ingest", str(long_pdf), str(samples[0]), "--db", str(db_file),
                                      "--max-pages", "2", "--jobs", "1", "--no-progress"])
    assert ingest.exit_code == 1, ingest.output
    assert _rows(db_file, "select error_type from documents where status = 'failed'") == [("TooManyPagesError",)]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    long_pdf.rename(inbox / "long.pdf")
    watch = CliRunner().invoke(cli, ["watch", str(inbox), "--db", str(tmp_path / "w.db"), "--once", "--settle", "0.1",
                                     "--jobs", "1", "--max-pages", "2"])
    assert watch.exit_code == 3, watch.output
    notes = list((tmp_path / "failed").rglob("long.pdf.error.txt"))
    assert len(notes) == 1 and "TooManyPagesError" in notes[0].read_text(encoding="utf-8")


# --- item 8: kill -9 leaves no process behind ----------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("command", ["ingest", "watch"])
def test_kill_9_leaves_no_worker_fork_server_or_resource_tracker(tmp_path, command):
    """Issue 15: after kill -9 of ``saraban ingest --jobs 2`` the fork server, two workers and the resource
    tracker (about 650 MB) were still running 5 minutes later. Now: all gone within seconds."""
    import os
    import signal

    import psutil

    folder = tmp_path / "in"
    write_letters(folder, 200)
    args = ["ingest", str(folder)] if command == "ingest" else ["watch", str(folder), "--settle", "0.1"]
    run = subprocess.Popen([sys.executable, "-m", "saraban", *args, "--db", str(tmp_path / "s.db"), "--jobs", "2",
                            *(["--no-progress"] if command == "ingest" else [])],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main = psutil.Process(run.pid)
    deadline = time.monotonic() + 180
    while len(main.children(recursive=True)) < 4 and time.monotonic() < deadline:  # tracker, server, 2 workers
        time.sleep(0.1)
    time.sleep(1.0)                                   # at work on the letters
    family = main.children(recursive=True)
    kinds = " ".join(" ".join(p.cmdline()) for p in family)
    assert len(family) >= 4 and "forkserver" in kinds and "resource_tracker" in kinds, kinds
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    started = time.monotonic()

    def alive() -> list[psutil.Process]:
        return [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]

    while alive() and time.monotonic() - started < 10:
        time.sleep(0.1)
    left = alive()
    for p in left:   # do not leave them to the next test
        p.kill()
    assert not left, f"still running {time.monotonic() - started:.1f} s after kill -9: {[p.pid for p in left]}"
    assert time.monotonic() - started < 3
