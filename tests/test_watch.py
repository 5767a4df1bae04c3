"""saraban watch: which names it takes, when a file is complete, where each file ends, and that
a kill -9 at any moment loses nothing and stores nothing twice (issue 6)."""
from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saraban.db.store import already_seen, document_for, open_store, record_failure, save_document
from saraban.ingest.text import decode_thai_bytes
from saraban.watch import DUPLICATE, FAILED, RESUMED, STORED, Folders, Watcher, WatchSettings
from saraban.watch.filing import ERROR_SUFFIX, is_planned_for, move_file, note_path, plan_destination, today
from saraban.watch.filter import is_safe_file, is_wanted_name, is_wanted_path
from saraban.watch.tracker import Signature, StabilityTracker
from saraban.core.errors import EncodingError
from saraban.pipeline import process_file

pytestmark = pytest.mark.issue(6)

REPO = Path(__file__).resolve().parent.parent
FONT = Path("/usr/share/fonts/truetype/tlwg/Laksaman.ttf")


# --- the filter ----------------------------------------------------------------

@pytest.mark.parametrize(("name", "wanted"), [
    pytest.param("หนังสือเวียน ว 123.pdf", True, id="thai-pdf"),
    pytest.param("บันทึกข้อความ.TXT", True, id="upper-case-ending"),
    pytest.param("scan_0001.tiff", True, id="scan"),
    pytest.param("สไลด์ SDG.pptx", True, id="slides"),
    pytest.param("~$หนังสือ.docx", False, id="word-lock-file"),
    pytest.param(".~lock.memo.docx#", False, id="libreoffice-lock"),
    pytest.param("memo.pdf.part", False, id="firefox-partial"),
    pytest.param("memo.pdf.crdownload", False, id="chrome-partial"),
    pytest.param("memo.tmp", False, id="tmp"),
    pytest.param(".hidden.txt", False, id="dotfile"),
    pytest.param(".DS_Store", False, id="ds-store"),
    pytest.param("._memo.pdf", False, id="apple-double"),
    pytest.param("desktop.ini", False, id="desktop-ini"),
    pytest.param("Thumbs.db", False, id="thumbs-db"),
    pytest.param("memo.pdf.error.txt", False, id="our-own-failure-note"),
    pytest.param("budget.xlsx", False, id="unsupported-ending"),
])
def test_names_the_watcher_takes(name, wanted):
    assert is_wanted_name(name) is wanted


@pytest.mark.parametrize(("rel", "wanted"), [
    pytest.param("กองคลัง/2567/memo.txt", True, id="subfolders"),
    pytest.param("@eaDir/memo.txt", False, id="synology-thumbnails"),
    pytest.param("__MACOSX/memo.txt", False, id="macos-zip-litter"),
    pytest.param(".Trashes/memo.txt", False, id="macos-trash"),
    pytest.param(".stfolder/memo.txt", False, id="syncthing"),
    pytest.param("../memo.txt", False, id="climbs-out-of-inbox"),
    pytest.param("a/../../memo.txt", False, id="climbs-out-through-a-folder"),
])
def test_paths_the_watcher_takes(rel, wanted):
    inbox = Path("/srv/inbox")
    assert is_wanted_path(inbox / rel, inbox) is wanted


def test_symlinks_are_never_followed(tmp_path):
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    inbox.mkdir(), outside.mkdir()
    (outside / "secret.txt").write_text("ลับมาก", encoding="utf-8")
    (inbox / "real.txt").write_text("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", encoding="utf-8")
    (inbox / "link.txt").symlink_to(outside / "secret.txt")
    (inbox / "linkdir").symlink_to(outside, target_is_directory=True)
    assert is_safe_file(inbox / "real.txt", inbox)
    assert not is_safe_file(inbox / "link.txt", inbox)
    assert not is_safe_file(inbox / "linkdir" / "secret.txt", inbox)
    assert not is_safe_file(outside / "secret.txt", inbox)


# --- the stability tracker --------------------------------------------------------

class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_file_is_stable_only_after_settle_seconds_unchanged(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(settle=5.0, clock=clock)
    f = tmp_path / "scan.pdf"
    f.write_bytes(b"%PDF-1.7 first chunk")
    tracker.touch(f)
    clock.now += 4.9
    assert tracker.pop_stable() == []
    assert tracker.next_due() == pytest.approx(0.1)
    with f.open("ab") as fh:  # still being copied
        fh.write(b" second chunk")
    clock.now += 4.9
    assert tracker.pop_stable() == []  # the change restarted the wait
    clock.now += 4.9
    assert tracker.pop_stable() == []
    clock.now += 0.2
    assert tracker.pop_stable() == [(f, Signature.of(f))]
    assert len(tracker) == 0 and tracker.next_due() is None  # handed out once


def test_touching_an_unchanged_file_does_not_restart_its_wait(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(settle=5.0, clock=clock)
    f = tmp_path / "memo.txt"
    f.write_text("ที่ พล ๐๐๑๗.๓/๖๕๖๕", encoding="utf-8")
    tracker.touch(f)
    clock.now += 3
    tracker.touch(f)  # a rescan finds it again
    clock.now += 2
    assert [p for p, _ in tracker.pop_stable()] == [f]


def test_a_vanished_file_is_dropped(tmp_path):
    tracker = StabilityTracker(settle=0.0, clock=FakeClock())
    f = tmp_path / "memo.txt"
    f.write_text("x", encoding="utf-8")
    tracker.touch(f)
    f.unlink()
    assert tracker.pop_stable() == [] and len(tracker) == 0


# --- filing ---------------------------------------------------------------------------

def test_names_are_never_reused(tmp_path):
    rel = Path("กองคลัง/memo.pdf")
    first = plan_destination(tmp_path, rel, day="2026-11-23")
    assert first == tmp_path / "2026-11-23" / "กองคลัง" / "memo.pdf"
    first.parent.mkdir(parents=True)
    first.write_bytes(b"one")
    second = plan_destination(tmp_path, rel, day="2026-11-23")
    assert second.name == "memo-1.pdf"
    note_path(second).write_text("a note left alone", encoding="utf-8")
    assert plan_destination(tmp_path, rel, day="2026-11-23", with_note=True).name == "memo-2.pdf"
    assert is_planned_for(second, tmp_path, rel) and not is_planned_for(second, tmp_path, Path("memo.pdf"))


def test_move_never_overwrites(tmp_path):
    src, dest = tmp_path / "a.txt", tmp_path / "out" / "a.txt"
    src.write_bytes(b"new")
    dest.parent.mkdir()
    dest.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        move_file(src, dest)
    assert src.read_bytes() == b"new" and dest.read_bytes() == b"old"
    assert move_file(src, tmp_path / "out" / "sub" / "b.txt").read_bytes() == b"new"
    assert not src.exists()


# --- the loop, in this process ------------------------------------------------------------

def _run_once(inbox: Path, db_path: Path, **kw) -> tuple:
    folders = Folders.beside(inbox)
    tally = Watcher(db_path, folders, WatchSettings(settle=0.2, once=True, jobs=2, **kw)).run()
    return folders, tally


def test_once_files_every_document_in_exactly_one_place(tmp_path, samples):
    inbox = tmp_path / "inbox"
    (inbox / "กองคลัง").mkdir(parents=True)
    for s in samples:
        (inbox / s.name).write_bytes(s.read_bytes())
    (inbox / "กองคลัง" / "สำเนา.txt").write_bytes(samples[0].read_bytes())   # same bytes, other name
    (inbox / "broken.txt").write_bytes(b"\x00\x01binary\x00" * 10)
    (inbox / "~$lock.docx").write_bytes(b"lock")
    folders, tally = _run_once(inbox, tmp_path / "s.db")

    assert (tally[STORED], tally[DUPLICATE], tally[FAILED]) == (len(samples), 1, 1)
    day = today()
    for s in samples[1:]:
        assert (folders.processed / day / s.name).read_bytes() == s.read_bytes()
    # the same bytes under two names: whichever came first is stored, the other is the duplicate
    first, copy = Path(samples[0].name), Path("กองคลัง") / "สำเนา.txt"
    stored, duplicate = (first, copy) if (folders.processed / day / first).exists() else (copy, first)
    assert (folders.processed / day / stored).read_bytes() == samples[0].read_bytes()
    assert (folders.duplicates / day / duplicate).read_bytes() == samples[0].read_bytes()
    failed = folders.failed / day / "broken.txt"
    assert failed.exists()
    note = note_path(failed).read_text(encoding="utf-8")
    assert "UnsupportedFileError" in note and "broken.txt" in note
    assert sorted(p.name for p in inbox.rglob("*") if p.is_file()) == ["~$lock.docx"]

    db = open_store(tmp_path / "s.db")
    ok = document_for(db, hashlib.sha256(samples[0].read_bytes()).hexdigest())
    assert ok["status"] == "ok" and ok["path"] == str(folders.processed / day / stored)
    assert [r["path"] for r in db["copies"].rows] == [str(folders.duplicates / day / duplicate)]
    bad = document_for(db, hashlib.sha256(failed.read_bytes()).hexdigest())
    assert bad["status"] == "failed" and bad["error_type"] == "UnsupportedFileError"
    assert bad["path"] == str(failed)


def test_a_second_run_stores_nothing_twice(tmp_path, samples):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_bytes(samples[1].read_bytes())
    _run_once(inbox, tmp_path / "s.db")
    (inbox / "again.txt").write_bytes(samples[1].read_bytes())
    folders, tally = _run_once(inbox, tmp_path / "s.db")
    assert tally[DUPLICATE] == 1 and tally[STORED] == 0
    assert open_store(tmp_path / "s.db")["documents"].count == 1


def test_a_crash_between_commit_and_move_is_finished_on_restart(tmp_path, samples):
    """The document was committed with its planned home, then the process died before the move."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    memo = inbox / "memo.txt"
    memo.write_bytes(samples[2].read_bytes())
    folders = Folders.beside(inbox)
    db = open_store(tmp_path / "s.db")
    result = process_file(memo)
    planned = plan_destination(folders.processed, Path("memo.txt"))
    result.path = planned
    save_document(db, result.stored())  # ...and here the watcher was killed

    folders, tally = _run_once(inbox, tmp_path / "s.db")
    assert tally[RESUMED] == 1 and tally[STORED] == 0 and tally[DUPLICATE] == 0
    assert planned.read_bytes() == samples[2].read_bytes() and not memo.exists()
    assert db["documents"].count == 1 and db["copies"].count == 0


def test_a_crash_after_recording_a_failure_reuses_its_place(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = inbox / "latin1.txt"
    bad.write_bytes(b"\xff\xfe\xfd caf\xe9 " * 20)
    folders = Folders.beside(inbox)
    db = open_store(tmp_path / "s.db")
    planned = plan_destination(folders.failed, Path("latin1.txt"), with_note=True)
    sha = hashlib.sha256(bad.read_bytes()).hexdigest()
    record_failure(db, planned, sha, EncodingError(bad, "not Thai"))  # ...killed here

    folders, tally = _run_once(inbox, tmp_path / "s.db")
    assert tally[FAILED] == 1
    assert planned.exists() and note_path(planned).exists() and not bad.exists()
    assert db["documents"].count == 1 and document_for(db, sha)["path"] == str(planned)


# --- real processes: drop 200 files, kill -9, restart ---------------------------------------

def _thai_digits(s: str) -> str:
    return s.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def _letters(samples: list[Path], n: int, rng: random.Random) -> list[str]:
    """n different short Thai letters: windows of the dev texts with every number changed."""
    lines = [ln for s in samples for ln in s.read_text(encoding="utf-8").splitlines() if ln.strip()]
    digit = re.compile(r"[0-9๐-๙]")
    out = []
    for i in range(n):
        start = rng.randrange(0, len(lines) - 30)
        body = "\n".join(lines[start:start + rng.randint(8, 30)])
        body = digit.sub(lambda m: str(rng.randrange(10)) if m.group().isascii() else _thai_digits(str(rng.randrange(10))), body)
        head = f"ที่ มท {_thai_digits(f'{rng.randrange(1000):04d}.{rng.randrange(10)}')}/ว {_thai_digits(str(1000 + i))}\n"
        out.append(head + f"วันที่ {_thai_digits(str(rng.randint(1, 28)))} ธันวาคม {_thai_digits(str(2560 + i % 8))}\n" + body + "\n")
    return out


def _encode(text: str, encoding: str) -> bytes:
    """The letter in ``encoding`` if a Thai office could have saved it so, else UTF-8."""
    try:
        data = text.encode(encoding)
        decode_thai_bytes(data)
        return data
    except (UnicodeEncodeError, EncodingError):  # a dash TIS-620 lacks; a mostly English page
        return text.encode("utf-8")


def _pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("Laksaman", fname=str(FONT))
    pdf.set_font("Laksaman", size=14)
    pdf.set_text_shaping(True)
    pdf.add_page()
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def _start(inbox: Path, db: Path, log: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHAINLP_OFFLINE="1", PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "saraban", "watch", str(inbox), "--db", str(db), "--settle", "0.5",
         "--rescan", "3", "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=log.open("ab"), env=env, cwd=REPO, start_new_session=True,
    )


def _wait_for(cond, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _write_slowly(path: Path, data: bytes, chunks: int, pause: float) -> None:
    step = max(1, len(data) // chunks)
    with path.open("wb") as fh:
        for i in range(0, len(data), step):
            fh.write(data[i:i + step])
            fh.flush()
            time.sleep(pause)


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


@pytest.mark.slow
def test_kill_9_mid_way_loses_nothing_and_stores_nothing_twice(tmp_path, samples):
    rng = random.Random(6)
    root = tmp_path / "office"
    inbox, outside = root / "inbox", tmp_path / "elsewhere"
    inbox.mkdir(parents=True)
    outside.mkdir()
    db_path, log = tmp_path / "saraban.db", tmp_path / "watch.log"

    # what a busy week drops in: letters, a few PDFs, copies under other names, broken and empty files
    drops: dict[str, bytes] = {}
    letters = _letters(samples, 160, rng)
    for i, text in enumerate(letters):
        folder = rng.choice(["", "กองคลัง/", "กองช่าง/2567/", "สำนักปลัด/"])
        drops[f"{folder}หนังสือ_{i:03d}.txt"] = _encode(text, rng.choice(["utf-8", "utf-8", "cp874"]))
    pdfs = {f"สแกน/scan_{i}.pdf": _pdf(letters[i]) for i in range(3)}
    drops.update(pdfs)
    originals = list(drops)
    for i in range(24):  # byte-identical copies under other names
        drops[f"สำเนา/copy_{i:02d}.txt"] = drops[originals[rng.randrange(160)]]
    broken = {
        "broken_binary.txt": b"\x00\x01\x02binary\x00" * 50,
        "broken_latin1.txt": b"\xff\xfe\xfd caf\xe9 na\xefve " * 40,
        "broken.pdf": b"%PDF-1.4\n%%EOF truncated",
        "broken.docx": b"PK\x03\x04 not really a zip",
        "กองคลัง/broken_copy.txt": b"\x00\x01\x02binary\x00" * 50,  # the same broken bytes again
        "empty.txt": b"",
        "กองช่าง/empty.txt": b"",
    }
    drops.update(broken)
    slow = {f"slow/slow_{i}.txt": (letters[150 + i] * 20).encode() for i in range(6)}  # new bytes
    drops.update(slow)
    assert len(drops) == 200

    # left alone: temporary, hidden, litter, symlinks
    (outside / "secret.txt").write_text("ลับ", encoding="utf-8")
    ignored = {
        "~$หนังสือ.docx": b"lock", "memo.pdf.part": b"%PDF", "memo.pdf.crdownload": b"%PDF",
        "memo.tmp": b"x", ".hidden.txt": "ลับ".encode(), ".DS_Store": b"\0", "._scan_0.pdf": b"\0",
        "desktop.ini": b"[.ShellClassInfo]", "Thumbs.db": b"\0", "@eaDir/scan_0.pdf": b"%PDF",
        "__MACOSX/หนังสือ.txt": "ก".encode(), ".Trashes/x.txt": b"x", ".stfolder/x.txt": b"x",
    }
    for rel, data in ignored.items():
        (inbox / rel).parent.mkdir(parents=True, exist_ok=True)
        (inbox / rel).write_bytes(data)
    (inbox / "link.txt").symlink_to(outside / "secret.txt")
    (inbox / "linkdir").symlink_to(outside, target_is_directory=True)

    staging = tmp_path / "staging"  # same disk: a rename makes a file appear whole
    quick = [r for r in drops if r not in slow]
    rng.shuffle(quick)

    def drop(rels):
        for rel in rels:
            tmp = staging / rel
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(drops[rel])
            (inbox / rel).parent.mkdir(parents=True, exist_ok=True)
            os.rename(tmp, inbox / rel)

    def left_inbox() -> int:
        return sum(1 for rel in drops if not (inbox / rel).exists())

    def filed() -> int:
        return sum(1 for out in Folders.beside(inbox).outputs for f in out.rglob("*")
                   if f.is_file() and not f.name.endswith(ERROR_SUFFIX))

    drop(quick[:60])  # already there when the watcher starts
    proc = _start(inbox, db_path, log)
    writers = []
    for i, (rel, data) in enumerate(slow.items()):
        (inbox / rel).parent.mkdir(parents=True, exist_ok=True)
        t = threading.Thread(target=_write_slowly, args=(inbox / rel, data, 12, 0.03 + 0.02 * i))
        t.start()
        writers.append(t)
    try:
        drop(quick[60:140])
        _wait_for(lambda: filed() >= 50, 60, "the first files to be filed")
        workers = _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # mid-way: files in flight, some half-written
        proc.wait()
        drop(quick[140:])  # dropped while the watcher is down
        for t in writers:
            t.join()
        # the extraction processes notice their watcher is gone and exit
        _wait_for(lambda: not any(_alive(p) for p in workers), 15, "orphaned workers to exit")

        proc = _start(inbox, db_path, log)
        _wait_for(lambda: left_inbox() == len(drops), 90, "every file to leave the inbox")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    text = log.read_text(encoding="utf-8")

    # every file ended in exactly one place, whole
    folders = Folders.beside(inbox)
    placed: dict[str, list[Path]] = {}
    for out in folders.outputs:
        for f in out.rglob("*"):
            if f.is_file() and not f.name.endswith(ERROR_SUFFIX):
                rel = Path(*f.relative_to(out).parts[1:]).as_posix()  # under the day's folder
                placed.setdefault(rel, []).append(f)
    assert sorted(placed) == sorted(drops), text
    for rel, places in placed.items():
        assert len(places) == 1, (rel, places)
        assert places[0].read_bytes() == drops[rel], rel

    # nothing wanted is left in the inbox; what is ignored is untouched
    left = sorted(p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file() or p.is_symlink())
    assert left == sorted([*ignored, "link.txt", "linkdir"]), left
    for rel, data in ignored.items():
        assert (inbox / rel).read_bytes() == data
    assert (outside / "secret.txt").read_text(encoding="utf-8") == "ลับ"

    # the database: every distinct good document once, every distinct failure once
    sha = {rel: hashlib.sha256(data).hexdigest() for rel, data in drops.items()}
    db = open_store(db_path)
    rows = list(db["documents"].rows)
    ok = Counter(r["sha256"] for r in rows if r["status"] == "ok")
    failed = Counter(r["sha256"] for r in rows if r["status"] == "failed")
    good = {sha[r] for r in drops if r not in broken and r not in pdfs}
    bad = {sha[r] for r in broken if broken[r]}
    empties = [r for r in broken if not broken[r]]   # zero bytes name no content: a row each, no sha256 (issue 15)
    stored_as = {r["sha256"]: (r["status"], r["error"]) for r in rows}
    assert set(ok) - {sha[r] for r in pdfs} == good, [(r, stored_as.get(sha[r])) for r in drops if sha[r] in good - set(ok)]
    assert set(failed) - {sha[r] for r in pdfs} - {None} == bad
    assert failed.pop(None) == len(empties)
    assert all(n == 1 for n in (ok + failed).values())
    assert len(rows) == len(good) + len(bad) + len(empties) + len(pdfs)  # a PDF is stored, or failed
    for rel in pdfs:
        assert already_seen(db, sha[rel]) == (placed[rel][0].is_relative_to(folders.processed))

    # each content: one stored file, every other copy in duplicates/ and recorded there
    for digest in good:
        group = [rel for rel in drops if sha[rel] == digest]
        homes = Counter(next(o for o in folders.outputs if placed[rel][0].is_relative_to(o)) for rel in group)
        assert homes == Counter({folders.processed: 1, folders.duplicates: len(group) - 1}), group
    dup_files = {str(p) for p in folders.duplicates.rglob("*") if p.is_file()}
    assert {r["path"] for r in db["copies"].rows} == dup_files
    assert db["copies"].count == len(drops) - len(good) - len(pdfs) - len(broken)
    for f in folders.failed.rglob("*"):
        if f.is_file() and not f.name.endswith(ERROR_SUFFIX):
            assert note_path(f).exists(), f

    # one log line per file, but for at most one: the writer commits, moves, then logs, so
    # a kill -9 between the move and the log line loses that line (never the file or its row)
    unlogged = (
        max(0, len(good) - text.count("stored ") - text.count("resumed "))
        + max(0, len(dup_files) - text.count("duplicate "))
        + max(0, len(broken) - text.count("failed "))
    )
    assert unlogged <= 1, text


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.slow
def test_poll_mode_picks_up_files_without_events(tmp_path, samples):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = dict(os.environ, PYTHAINLP_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "saraban", "watch", str(inbox), "--db", str(tmp_path / "s.db"), "--settle", "0.3",
         "--poll", "--poll-interval", "0.5", "--jobs", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=REPO, start_new_session=True,
    )
    try:
        time.sleep(1.0)
        (inbox / "sub").mkdir()
        (inbox / "sub" / samples[3].name).write_bytes(samples[3].read_bytes())
        done = tmp_path / "processed" / today() / "sub" / samples[3].name
        _wait_for(done.exists, 30, "the file to be filed by polling")
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    log = err.decode()
    assert "polling" in log and f"stored    sub/{samples[3].name}" in log


def test_a_crash_between_link_and_unlink_is_finished_on_restart(tmp_path, samples):
    """move_file links the file into processed/ and then unlinks it from the inbox; killed in between."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    memo = inbox / "memo.txt"
    memo.write_bytes(samples[4].read_bytes())
    folders = Folders.beside(inbox)
    db = open_store(tmp_path / "s.db")
    result = process_file(memo)
    planned = plan_destination(folders.processed, Path("memo.txt"))
    result.path = planned
    save_document(db, result.stored())
    planned.parent.mkdir(parents=True)
    os.link(memo, planned)  # ...killed before the unlink

    folders, tally = _run_once(inbox, tmp_path / "s.db")
    assert tally[RESUMED] == 1 and tally[DUPLICATE] == 0
    assert not memo.exists() and planned.read_bytes() == samples[4].read_bytes()
    assert [p.name for p in folders.processed.rglob("*") if p.is_file()] == ["memo.txt"]
    assert db["documents"].count == 1 and db["copies"].count == 0


def test_words_computed_beforehand_store_the_same_rows(tmp_path, samples):
    """The watcher tokenizes in its workers and hands the words to save_document."""
    from saraban.db.store import page_words

    result = process_file(next(s for s in samples if s.name == "report_q2.txt"))
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    save_document(a, result.stored())
    save_document(b, result.stored(words=page_words(result.norm_pages)))
    rows_a = [dict(r) for r in a["pages"].rows]
    assert rows_a == [dict(r) for r in b["pages"].rows]
    assert page_words(result.norm_pages)[0].count(" ") > 100  # the page, split by PyThaiNLP


@pytest.mark.slow
def test_a_big_document_does_not_hold_up_the_memos_behind_it(tmp_path, samples, caplog):
    """Two extraction processes: while one reads a long report, the memos go through the other."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report = next(s for s in samples if s.name == "report_q2.txt").read_text(encoding="utf-8")
    (inbox / "big_report.txt").write_text(report * 50, encoding="utf-8")  # ~1.2 MB: seconds of work
    watcher = Watcher(tmp_path / "s.db", Folders.beside(inbox), WatchSettings(settle=0.3, jobs=2, rescan=5))
    caplog.set_level("INFO", logger="saraban.watch")
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        _wait_for(lambda: "watching" in caplog.text, 60, "the watcher to start")
        time.sleep(0.8)  # the report has settled and is being read
        for i, s in enumerate(samples):
            if s.name != "report_q2.txt":
                (inbox / f"memo_{i}.txt").write_bytes(s.read_bytes())
        _wait_for(lambda: not (inbox / "big_report.txt").exists(), 120, "the report to be filed")
    finally:
        watcher.stop()
        thread.join(timeout=30)
    stored = [r.getMessage().split()[1] for r in caplog.records if r.getMessage().startswith("stored")]
    assert stored[-1] == "big_report.txt" and len(stored) == len(samples), caplog.text


def test_one_watcher_per_inbox(tmp_path):
    from saraban.watch import WatcherBusyError
    from saraban.watch.loop import _inbox_lock

    folders = Folders.beside(tmp_path / "inbox")
    folders.inbox.mkdir()
    with _inbox_lock(folders):
        with pytest.raises(WatcherBusyError, match="another saraban watch is running"):
            Watcher(tmp_path / "s.db", folders, WatchSettings(once=True, jobs=1)).run()
    with _inbox_lock(folders):  # released when the first one ends
        pass


def test_output_folders_inside_the_inbox_are_not_read_again(tmp_path, samples):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "memo.txt").write_bytes(samples[1].read_bytes())
    (inbox / "broken.txt").write_bytes(b"\x00" * 10)
    folders = Folders.beside(inbox, processed=inbox / "done", failed=inbox / "failed", duplicates=inbox / "dups")
    for _ in range(2):
        tally = Watcher(tmp_path / "s.db", folders, WatchSettings(settle=0.1, once=True, jobs=1)).run()
    assert tally.counts == {}  # the second run found nothing new
    assert (inbox / "done" / today() / "memo.txt").exists()
    assert (inbox / "failed" / today() / "broken.txt").exists()
    assert open_store(tmp_path / "s.db")["documents"].count == 2


def test_once_exits_with_1_when_a_file_failed(tmp_path, samples):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "memo.txt").write_bytes(samples[0].read_bytes())
    (inbox / "empty.txt").write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "saraban", "watch", str(inbox), "--db", str(tmp_path / "s.db"), "--once",
         "--settle", "0.1", "--jobs", "1"],
        capture_output=True, text=True, cwd=REPO, env=dict(os.environ, PYTHAINLP_OFFLINE="1"), timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert re.search(r"stored +memo\.txt .* 1 page, [1-9][0-9]* mentions -> processed/", done.stderr)
    assert re.search(r"failed +empty\.txt .*empty file", done.stderr)
    assert done.stderr.rstrip().endswith("1 failed, 1 stored")


@pytest.mark.slow
def test_a_folder_moved_into_the_inbox_is_found_by_events_alone(tmp_path, samples):
    """No rescan comes (--rescan 600): file events alone must lead to the files of a dragged-in folder."""
    inbox, outside = tmp_path / "inbox", tmp_path / "desk" / "กองคลัง"
    inbox.mkdir()
    (outside / "2567").mkdir(parents=True)
    for s in samples[:3]:
        (outside / "2567" / s.name).write_bytes(s.read_bytes())
    log = tmp_path / "watch.log"
    env = dict(os.environ, PYTHAINLP_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "saraban", "watch", str(inbox), "--db", str(tmp_path / "s.db"), "--settle", "0.3",
         "--rescan", "600", "--jobs", "1"],
        stdout=subprocess.DEVNULL, stderr=log.open("wb"), env=env, cwd=REPO, start_new_session=True,
    )
    try:
        _wait_for(lambda: "(events," in log.read_text(encoding="utf-8"), 60, "the watcher to start")
        time.sleep(0.5)  # past its first scan
        os.rename(outside, inbox / "กองคลัง")
        day = tmp_path / "processed" / today() / "กองคลัง" / "2567"
        _wait_for(lambda: all((day / s.name).exists() for s in samples[:3]), 30, "the moved-in files to be filed")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def _dies_on_bomb(text: str) -> list:
    """An extractor that kills its process, as a crash in a PDF library or the OOM killer would."""
    if "ระเบิดเวลา" in text:
        os._exit(3)
    return []


def test_a_file_that_kills_its_worker_is_failed_and_the_rest_go_on(tmp_path, samples):
    from saraban.extractors.registry import EXTRACTORS, ExtractorSpec
    from saraban.pipeline import RunContext

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bomb.txt").write_text("บันทึกข้อความ ระเบิดเวลา", encoding="utf-8")
    for s in samples[:2]:
        (inbox / s.name).write_bytes(s.read_bytes())
    ctx = RunContext(extractors={**EXTRACTORS, "bomb": ExtractorSpec("bomb", _dies_on_bomb, "1")})
    folders = Folders.beside(inbox)
    tally = Watcher(tmp_path / "s.db", folders, WatchSettings(settle=0.1, once=True, jobs=1), ctx=ctx).run()
    assert (tally[STORED], tally[FAILED]) == (2, 1)
    failed = folders.failed / today() / "bomb.txt"
    assert "WorkerDiedError" in note_path(failed).read_text(encoding="utf-8")
    db = open_store(tmp_path / "s.db")
    assert document_for(db, hashlib.sha256(failed.read_bytes()).hexdigest())["error_type"] == "WorkerDiedError"


_name_part = st.text(alphabet=st.sampled_from("กขคงหนังสือ๑๒3 ab-_.()[]+"), min_size=1, max_size=12)


@given(stem=_name_part.filter(lambda s: s.strip(".") == s and s.strip() == s),
       suffix=st.sampled_from([".pdf", ".txt", ".docx", ""]), taken=st.integers(0, 3))
@settings(max_examples=60, deadline=None)
def test_a_planned_name_is_free_and_recognised_as_planned(tmp_path_factory, stem, suffix, taken):
    root = tmp_path_factory.mktemp("out")
    rel = Path("กองคลัง") / f"{stem}{suffix}"
    for _ in range(taken):
        dest = plan_destination(root, rel, day="2026-11-23")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(b"x")
    dest = plan_destination(root, rel, day="2026-11-23")
    assert not dest.exists()
    assert is_planned_for(dest, root, rel)
    assert not is_planned_for(dest, root, Path("กองช่าง") / rel.name)


@given(rel=st.lists(st.text(alphabet=st.sampled_from("กขหนังสือab.~$_@ -/\\"), min_size=1, max_size=8),
                    min_size=1, max_size=4))
@settings(max_examples=200, deadline=None)
def test_the_filter_never_takes_a_name_outside_the_inbox_or_hidden(rel):
    inbox = Path("/srv/inbox")
    path = Path(inbox, *rel)
    if is_wanted_path(path, inbox):
        inside = Path(os.path.relpath(os.path.normpath(path), inbox))
        assert not str(inside).startswith("..")
        assert not any(part.startswith(".") for part in inside.parts)
        assert is_wanted_name(inside.name)


# --- issue 15: long names, errors that leave a file, empty files -----------------------------------

def _rows_name_written_paths(db_path: Path) -> None:
    db = open_store(db_path)
    for table in ("documents", "copies"):
        for row in db[table].rows:
            assert os.path.exists(row["path"]), f"{table} names {row['path']}, which was never written"


@pytest.mark.issue(15)
def test_long_thai_names_are_cut_to_fit_and_every_file_is_filed(tmp_path, samples):
    """Names of 250-254 bytes of Thai: the -N suffix and the .error.txt note must still fit in 255 bytes."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = ["ก" * 82 + "ข.txt", "หนังสือเวียน" * 6 + "กขคงจฉชซฌญ.txt"]   # 253 and 250 bytes
    assert all(250 <= len(n.encode()) <= 254 for n in names)
    for name, sample in zip(names, samples):
        (inbox / name).write_bytes(sample.read_bytes())
    _run_once(inbox, tmp_path / "s.db")
    # the same names again, other content: -1; a copy of stored bytes; a file that fails, with a note
    for name, sample in zip(names, samples[2:]):
        (inbox / name).write_bytes(sample.read_bytes())
    (inbox / ("ซ้ำ" * 27 + "ค.txt")).write_bytes(samples[0].read_bytes())          # 250 bytes
    (inbox / ("ผิด" * 27 + "ง.txt")).write_bytes(b"\xfd caf\xe9 " * 20)
    folders, tally = _run_once(inbox, tmp_path / "s.db")
    assert (tally[STORED], tally[DUPLICATE], tally[FAILED]) == (2, 1, 1), tally
    assert not any(inbox.iterdir())
    filed = [p for out in folders.outputs for p in out.rglob("*") if p.is_file()]
    assert len(filed) == 4 + 2 + 1          # 4 stored, 1 duplicate, 1 failed and its note
    assert all(len(p.name.encode()) <= 255 for p in filed)
    cut = [p.name for p in filed if p.name.endswith("-1.txt")]
    assert len(cut) == 2 and all(n.startswith(("กกกก", "หนังสือเวียน")) for n in cut)
    failed = next(p for p in filed if p.parent.parent == folders.failed and p.suffix == ".txt"
                  and not p.name.endswith(ERROR_SUFFIX))
    assert note_path(failed).exists() and len(note_path(failed).name.encode()) <= 255
    _rows_name_written_paths(tmp_path / "s.db")


@pytest.mark.issue(15)
def test_a_file_that_cannot_be_moved_is_left_named_and_counted(tmp_path, samples, monkeypatch):
    """An error of the machine (a disk full at processed/): the file stays, no row names a place it is not,
    the log says why in one line, and --once does not say "no files" (issue 15)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "memo.txt").write_bytes(samples[0].read_bytes())
    real_link = os.link

    def full_disk(src, dest, **kw):
        if "processed" in str(dest):
            raise OSError(28, "No space left on device", str(dest))
        return real_link(src, dest, **kw)

    monkeypatch.setattr(os, "link", full_disk)
    from click.testing import CliRunner
    from saraban.cli import cli

    result = CliRunner().invoke(cli, ["watch", str(inbox), "--db", str(tmp_path / "s.db"), "--once",
                                      "--settle", "0.1", "--jobs", "1"])
    assert result.exit_code == 3, result.output
    assert "no files" not in result.output and "1 left in the inbox" in result.output
    assert (inbox / "memo.txt").exists()
    _rows_name_written_paths(tmp_path / "s.db")
    assert open_store(tmp_path / "s.db")["documents"].count == 0
    monkeypatch.setattr(os, "link", real_link)                 # space again: the next run files it
    folders, tally = _run_once(inbox, tmp_path / "s.db")
    assert tally[STORED] == 1 and not (inbox / "memo.txt").exists()
    _rows_name_written_paths(tmp_path / "s.db")


@pytest.mark.issue(15)
def test_two_empty_files_are_two_failures_each_with_its_note(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes(b"")
    (inbox / "b.txt").write_bytes(b"")
    folders, tally = _run_once(inbox, tmp_path / "s.db")
    assert tally[FAILED] == 2
    rows = sorted(Path(r["path"]).name for r in open_store(tmp_path / "s.db")["documents"].rows)
    assert rows == ["a.pdf", "b.txt"]
    assert sorted(p.name for p in folders.failed.rglob("*" + ERROR_SUFFIX)) == ["a.pdf.error.txt", "b.txt.error.txt"]


@pytest.mark.issue(15)
def test_a_link_placed_before_a_crash_but_never_stored_is_undone(tmp_path, samples):
    """Placed at processed/ (a hard link), killed before the commit: the restart removes the link, stores once."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    memo = inbox / "memo.txt"
    memo.write_bytes(samples[0].read_bytes())
    folders = Folders.beside(inbox)
    placed = plan_destination(folders.processed, Path("memo.txt"))
    placed.parent.mkdir(parents=True)
    os.link(memo, placed)                                     # ...killed here
    folders, tally = _run_once(inbox, tmp_path / "s.db")
    assert tally[STORED] == 1 and tally[RESUMED] == 0
    db = open_store(tmp_path / "s.db")
    assert [r["path"] for r in db["documents"].rows] == [str(placed)] and placed.exists() and not memo.exists()


@pytest.mark.issue(15)
@pytest.mark.parametrize("kind", ["pdf", "png", "jpg", "tif"])
def test_cut_short_files_are_recognised(tmp_path, kind):
    import numpy as np
    from PIL import Image

    from ingest_fixtures import page_image, text_pdf
    from saraban.ingest.triage import cut_short

    whole = tmp_path / f"whole.{kind}"
    if kind == "pdf":
        text_pdf(whole, ["ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", "หน้าสอง"])
    elif kind == "tif":
        frames = [Image.fromarray(np.asarray(page_image(t))) for t in ("หนึ่ง", "สอง")]
        frames[0].save(whole, save_all=True, append_images=frames[1:], dpi=(300, 300))
    else:
        page_image("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔").save(whole)
    assert cut_short(whole) is None
    data = whole.read_bytes()
    for share in (0.2, 0.5, 0.95):
        part = tmp_path / f"part.{kind}"
        part.write_bytes(data[: int(len(data) * share)])
        assert cut_short(part) is not None, share


@pytest.mark.issue(15)
def test_a_copy_that_stalls_half_way_is_waited_for_not_stored_cut_short(tmp_path):
    """Issue 15: with --settle 2, a copy that paused 5 s half-way was stored with half its content."""
    from ingest_fixtures import text_pdf

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    whole = text_pdf(tmp_path / "whole.pdf", ["ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", "ลงวันที่ ๑๗ มีนาคม ๒๕๖๗ หน้าสุดท้าย"])
    data = whole.read_bytes()
    copy = inbox / "letter.pdf"
    watcher = Watcher(tmp_path / "s.db", Folders.beside(inbox),
                      WatchSettings(settle=0.2, poll=True, poll_interval=0.2, jobs=1, cut_wait=60))
    probe = inbox / "probe.txt"                              # filed once the watcher is at work
    probe.write_text("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", encoding="utf-8")
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("tally", watcher.run()))
    thread.start()
    try:
        deadline = time.monotonic() + 180
        while probe.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not probe.exists()
        copy.write_bytes(data[: len(data) // 2])             # the copy stalls half-way...
        time.sleep(3.0)                                      # ...settled (0.2 s) long ago, still cut short
        with copy.open("ab") as fh:                          # ...and goes on through the same file
            fh.write(data[len(data) // 2:])
        deadline = time.monotonic() + 120
        while copy.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        watcher.stop()
        thread.join(timeout=60)
    tally = out["tally"]
    assert tally[STORED] == 2 and tally[FAILED] == 0
    db = open_store(tmp_path / "s.db")
    (row,) = db["documents"].rows_where("path like ?", ["%letter.pdf"])
    assert row["page_count"] == 2 and row["sha256"] == hashlib.sha256(data).hexdigest()
    assert Path(row["path"]).read_bytes() == data


@pytest.mark.issue(15)
def test_a_file_cut_short_for_good_is_read_as_it_is_after_waiting(tmp_path):
    from ingest_fixtures import text_pdf

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    data = text_pdf(tmp_path / "whole.pdf", ["ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔"]).read_bytes()
    (inbox / "letter.pdf").write_bytes(data[: len(data) // 2])
    started = time.monotonic()
    folders, tally = _run_once(inbox, tmp_path / "s.db", cut_wait=2)
    assert time.monotonic() - started >= 2
    assert tally[STORED] + tally[FAILED] == 1 and not any(inbox.iterdir())


@pytest.mark.issue(15)
def test_a_file_that_changes_after_it_was_stored_is_stored_again_as_a_new_version(tmp_path, samples, monkeypatch):
    """The copier writes on through the same file after the move: the new content supersedes the stored one."""
    import saraban.watch.loop as loop

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    memo = inbox / "memo.txt"
    first = "ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔\n"
    memo.write_text(first, encoding="utf-8")
    real_unlink = loop.unlink_source
    later = "เรื่อง ขอเชิญประชุม ลงวันที่ ๑๗ มีนาคม ๒๕๖๗\n"

    def unlink_while_written(src):
        real_unlink(src)
        dest = next((tmp_path / "processed").rglob("memo.txt"))
        if dest.stat().st_size == len(first.encode()):
            time.sleep(0.01)
            with dest.open("a", encoding="utf-8") as fh:   # the rest arrives just after the move
                fh.write(later)

    monkeypatch.setattr(loop, "unlink_source", unlink_while_written)
    folders, tally = _run_once(inbox, tmp_path / "s.db")
    assert (tally[STORED], tally[loop.NEW_VERSION]) == (1, 1)
    db = open_store(tmp_path / "s.db")
    (old,) = db["documents"].rows_where("supersedes is null")
    (new,) = db["documents"].rows_where("supersedes is not null")
    assert old["status"] == "superseded" and new["status"] == "ok" and new["supersedes"] == old["doc_id"]
    assert old["path"] == new["path"] and Path(new["path"]).read_text(encoding="utf-8") == first + later
    assert new["sha256"] == hashlib.sha256((first + later).encode()).hexdigest()
    assert db["pages"].count_where("doc_id = ?", [old["doc_id"]]) == 0
    (page,) = db["pages"].rows_where("doc_id = ?", [new["doc_id"]])
    assert "ขอเชิญประชุม" in page["text"]
