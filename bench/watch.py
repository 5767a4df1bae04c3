"""How long a complete file waits for its row in the database, beyond extracting it.

Starts ``saraban watch`` as a real process on an empty inbox, drops Thai
letters made from the bundled samples (each with its own reference number),
and times, for each, from the moment the file is closed to the moment its row
can be read from the database. From that latency it subtracts the settle wait
(by design) and the extraction time the watcher's own log reports for that
file; what is left is the watcher's overhead (events, hashing, the hand-off to
and from the extraction process, the commit). The baseline is
``process_file`` on the same files in this process.

Usage: .venv/bin/python bench/watch.py [--files 30] [--burst 20] [--settle 0.5] [--pages 1]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from saraban.corpus import samples_dir  # noqa: E402
from saraban.db.store import document_for, open_store  # noqa: E402
from saraban.pipeline import process_file  # noqa: E402

_EXTRACT = re.compile(r"stored\s+(\S+) .*\(extract ([0-9.]+) s, words ([0-9.]+) s\)")


def letters(n: int, offset: int, pages: int = 1) -> list[str]:
    """n different Thai letters of ``pages`` pages: 25-line windows of the samples, a unique reference number."""
    lines = [ln for p in sorted(Path(samples_dir()).glob("*.txt"))
             for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    out = []
    for i in range(n):
        body = []
        for page in range(pages):
            start = (i * 37 + offset * 101 + page * 53) % (len(lines) - 25)
            body.append("\n".join(lines[start:start + 25]))
        out.append(f"ที่ มท 0204.4/ว {offset * 10000 + i}\n" + "\f".join(body) + "\n")
    return out


def wait_row(db, sha: str, timeout: float = 60.0) -> float:
    end = time.monotonic() + timeout
    while document_for(db, sha) is None:
        if time.monotonic() > end:
            raise TimeoutError(sha)
        time.sleep(0.002)
    return time.monotonic()


def start_watcher(inbox: Path, db: Path, log: Path, settle: float, extra: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "saraban", "watch", str(inbox), "--db", str(db), "--settle", str(settle), *extra],
        stderr=log.open("wb"), cwd=REPO, start_new_session=True,
    )
    end = time.monotonic() + 60
    while "watching" not in log.read_text(encoding="utf-8", errors="replace"):
        if time.monotonic() > end or proc.poll() is not None:
            raise RuntimeError(log.read_text(encoding="utf-8", errors="replace"))
        time.sleep(0.05)
    return proc


def run(mode: str, extra: list[str], work: Path, args: argparse.Namespace, offset: int) -> dict[str, float]:
    inbox, dbp, log = work / mode / "inbox", work / mode / "s.db", work / mode / "watch.log"
    inbox.mkdir(parents=True)
    proc = start_watcher(inbox, dbp, log, args.settle, extra)
    db = open_store(dbp)
    latency: dict[str, float] = {}
    try:
        for i, text in enumerate(letters(args.files, offset, args.pages)):  # one at a time
            name = f"single_{i:03d}.txt"
            data = text.encode()
            with (inbox / name).open("wb") as fh:
                fh.write(data)
            done = time.monotonic()
            latency[name] = wait_row(db, hashlib.sha256(data).hexdigest()) - done
        burst = [(f"burst_{i:03d}.txt", t.encode()) for i, t in enumerate(letters(args.burst, offset + 1, args.pages))]
        closed = {}
        for name, data in burst:  # all at once
            (inbox / name).write_bytes(data)
            closed[name] = time.monotonic()
        for name, data in burst:
            latency[name] = wait_row(db, hashlib.sha256(data).hexdigest()) - closed[name]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    found = list(_EXTRACT.finditer(log.read_text(encoding="utf-8")))
    extract = {m.group(1): float(m.group(2)) for m in found}
    words = {m.group(1): float(m.group(3)) for m in found}

    def stats(prefix: str) -> tuple[float, float, float, float]:
        names = [n for n in latency if n.startswith(prefix)]
        lat = statistics.median(latency[n] for n in names)
        ext = statistics.median(extract[n] for n in names)
        wrd = statistics.median(words[n] for n in names)
        over = statistics.median(latency[n] - args.settle - extract[n] for n in names)
        return lat, ext, wrd, over

    return {"single": stats("single_"), "burst": stats("burst_")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=30, help="files dropped one at a time")
    ap.add_argument("--burst", type=int, default=20, help="files dropped at once")
    ap.add_argument("--settle", type=float, default=0.5)
    ap.add_argument("--pages", type=int, default=1, help="pages per letter (form feeds)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="saraban-bench-watch-") as tmp:
        work = Path(tmp)
        # baseline: the extraction alone, in this process, on files like those dropped
        base = work / "baseline"
        base.mkdir()
        paths = []
        for i, text in enumerate(letters(args.files, 0, args.pages)):
            p = base / f"b{i}.txt"
            p.write_text(text, encoding="utf-8")
            paths.append(p)
        process_file(paths[0])
        timings = []
        for p in paths:
            t = time.perf_counter()
            process_file(p)
            timings.append(time.perf_counter() - t)
        baseline = statistics.median(timings)

        results = {
            "events": run("events", [], work, args, 1),
            "poll 0.5 s": run("poll", ["--poll", "--poll-interval", "0.5"], work, args, 3),
        }
    print(f"files: {args.files} dropped one at a time, then {args.burst} at once; {args.pages} page(s) each; "
          f"settle {args.settle} s; "
          f"{os.cpu_count()} cores")
    print(f"baseline process_file in this process: median {baseline * 1000:.1f} ms")
    print(f"{'mode':<12} {'drop':<7} {'complete->row':>14} {'x baseline':>11} {'extract':>9} {'beyond extract':>15} "
          f"{'beyond extract+settle':>22} {'of which words':>15} {'(beyond extract)/1 s target':>28}")
    for mode, by in results.items():
        for kind, (lat, ext, wrd, over) in by.items():
            beyond = lat - ext
            print(f"{mode:<12} {kind:<7} {lat * 1000:>12.0f}ms {lat / baseline:>10.0f}x {ext * 1000:>7.1f}ms "
                  f"{beyond * 1000:>13.0f}ms {over * 1000:>20.0f}ms {wrd * 1000:>13.0f}ms {beyond / 1.0:>27.2f}x")
    print("words: the pages split into syllables for search (db.store.page_words), done in the extraction"
          " processes; extract: process_file there")
    print("medians; with --poll a new file is found at the next scan, so up to one poll interval more")


if __name__ == "__main__":
    main()
