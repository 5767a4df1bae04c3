"""Archive benchmark (issue 7): reprocess docs/s, text-layer PDF ingest pages/s, peak RSS vs archive size.

Generates an archive from the five dev texts in corpus/samples, each copy
varied (numbers, dates and provinces changed) so every file has its own bytes
and its own mentions, plus text-layer PDFs rendered with fpdf2 in the Thai
font Laksaman (fonts-thai-tlwg). Then, each in a fresh subprocess so the peak
RSS is that run's alone:

- ``saraban ingest`` of N text files, N = 1,000 and 10,000: peak RSS of the
  writer and of its workers, files/s. Flat memory means the 10,000 run peaks
  where the 1,000 run does.
- ``saraban reprocess --all`` over the stored documents: docs/s with ``--jobs
  1`` (one process: the writer extracts too) and with ``--jobs N``, whole
  commands taken in turns, and their ratio (target >= 1.8x on 2 cores, issue
  14); the CPU per document of the writer and of the workers shows where the
  time goes. The plain loop in this process is printed too, for reference.
- ``saraban ingest`` of the PDFs: pages/s (skipped, with a note, when this
  build cannot read PDFs).

Targets (2 cores): reprocess >= 200 docs/s, PDF ingest >= 20 pages/s.

    .venv/bin/python bench/archive.py            # 1,000 and 10,000 documents
    .venv/bin/python bench/archive.py --small    # 200 and 1,000: a minute or two
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from saraban import corpus  # noqa: E402

THAI_FONT = Path("/usr/share/fonts/truetype/tlwg/Laksaman.ttf")
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_DIGIT_RUN = re.compile(r"[0-9]+|[๐-๙]+")
_BE_YEAR = re.compile(r"25[5-7][0-9]|๒๕[๕-๗][๐-๙]")


@cache
def _samples() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(corpus.samples_dir().glob("*.txt"))]


@cache
def _province_pattern() -> re.Pattern[str]:
    names = sorted((p["name_th"] for p in corpus.provinces()), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


@cache
def _month_pattern() -> re.Pattern[str]:
    names = sorted((m["th"] for m in corpus.months()), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def _same_script_digits(original: str, value: int) -> str:
    """``value`` written with as many digits as ``original`` and in its script (Thai or Arabic)."""
    digits = str(value).zfill(len(original))[-len(original):]
    if original[0] in THAI_DIGITS:
        return digits.translate(str.maketrans("0123456789", THAI_DIGITS))
    return digits


def vary(text: str, rng: random.Random) -> str:
    """One more letter like ``text``: its years, other numbers, months and provinces changed.

    Years stay Buddhist-era years (2558-2568), numbers keep their length and
    script, months and provinces are real ones from corpus/, so the extractors
    find as much in the copy as in the original, with other values.
    """
    provinces = [p["name_th"] for p in corpus.provinces()]
    months = [m["th"] for m in corpus.months()]
    year_shift = rng.randint(-7, 3)

    def year(m: re.Match[str]) -> str:
        y = int(m.group(0).translate(str.maketrans(THAI_DIGITS, "0123456789")))
        return _same_script_digits(m.group(0), min(max(y + year_shift, 2558), 2568))

    def number(m: re.Match[str]) -> str:
        run = m.group(0)
        if len(run) == 4 and _BE_YEAR.fullmatch(run):
            return year(m)
        if len(run) <= 2:  # days, goals, small counts: keep them plausible
            return _same_script_digits(run, rng.randint(1, 28) if len(run) == 2 else rng.randint(1, 9))
        return _same_script_digits(run, rng.randrange(10 ** (len(run) - 1), 10 ** len(run)))

    text = _DIGIT_RUN.sub(number, text)
    text = _month_pattern().sub(lambda m: rng.choice(months), text)
    return _province_pattern().sub(lambda m: rng.choice(provinces), text)


def write_text_archive(folder: Path, n: int, *, seed: int = 7, per_folder: int = 500) -> list[Path]:
    """Write ``n`` varied Thai letters as UTF-8 .txt files in sub-folders of ``per_folder``; return their paths."""
    rng = random.Random(seed)
    samples = _samples()
    paths = []
    for i in range(n):
        stem, text = samples[i % len(samples)]
        path = folder / f"box{i // per_folder:03d}" / f"{stem}_{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(vary(text, rng), encoding="utf-8")
        paths.append(path)
    return paths


def _pdf_lines(text: str, width: int = 60) -> list[str]:
    """The text's non-empty lines, long ones cut, for a page of PDF."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        while len(line) > width:
            cut = line.rfind(" ", width // 2, width) + 1 or width
            while cut > 1 and unicodedata.category(line[cut]) == "Mn":  # keep marks on their letter
                cut -= 1
            out.append(line[:cut].rstrip())
            line = line[cut:]
        if line:
            out.append(line)
    return out


def write_pdf_archive(folder: Path, n: int, *, seed: int = 11, lines_per_page: int = 30) -> tuple[list[Path], int]:
    """Write ``n`` text-layer PDFs (fpdf2, Laksaman) of varied letters; return their paths and the page count."""
    from fpdf import FPDF

    rng = random.Random(seed)
    samples = _samples()
    folder.mkdir(parents=True, exist_ok=True)
    paths, pages = [], 0
    for i in range(n):
        stem, text = samples[i % len(samples)]
        lines = _pdf_lines(vary(text, rng))[: lines_per_page * 3]  # at most three pages each
        pdf = FPDF(format="A4")
        pdf.add_font("Laksaman", fname=str(THAI_FONT))
        pdf.set_font("Laksaman", size=14)
        for start in range(0, len(lines), lines_per_page):
            pdf.add_page()
            for line in lines[start:start + lines_per_page]:
                pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        path = folder / f"{stem}_{i:05d}.pdf"
        pdf.output(str(path))
        paths.append(path)
        pages += pdf.page_no()
    return paths, pages


def pdf_supported() -> bool:
    """True when this build reads PDFs (the PDF reader lands from the ingest branch)."""
    try:
        import saraban.ingest.pdf  # noqa: F401
    except ImportError:
        return False
    return True


# --- measured in subprocesses, so a run's peak RSS is its own

_CHILD = r"""
import json, resource, sys, threading, time
import psutil
from click.testing import CliRunner
from saraban.cli import cli

peak_worker = 0
worker_cpu = {}  # pid -> last seen user + system seconds
done = threading.Event()

def sample():  # the workers are the fork server's children: sample them, rusage cannot see them
    global peak_worker
    me = psutil.Process()
    while not done.wait(0.2):
        for child in me.children(recursive=True):
            try:
                peak_worker = max(peak_worker, child.memory_info().rss)
                t = child.cpu_times()
                worker_cpu[child.pid] = t.user + t.system
            except psutil.Error:
                pass

def _own_peak_mb():
    # VmHWM: this process's own peak; getrusage's ru_maxrss carries the parent's across exec
    hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(hwm.split()[1]) / 1024

if __name__ == "__main__":
    args = json.loads(sys.argv[1])
    threading.Thread(target=sample, daemon=True).start()
    t = time.perf_counter()
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    seconds = time.perf_counter() - t
    done.set()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": seconds, "exit": result.exit_code, "rss_self_mb": _own_peak_mb(),
                      "rss_workers_mb": peak_worker / 2**20, "cpu_self_s": usage.ru_utime + usage.ru_stime,
                      "cpu_workers_s": sum(worker_cpu.values()), "output": result.output[-2000:]}))
"""


def run_cli(args: list[str]) -> dict:
    """Run ``saraban ARGS`` in a fresh interpreter; its time, exit code and peak RSS (self, largest worker)."""
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(args)], capture_output=True, text=True,
                          env=env, cwd=REPO, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def baseline_reprocess(db_path: Path, limit: int) -> float:
    """Docs/s of the plain loop (pages_to_reprocess, process_text, save_mentions) in this process."""
    from saraban.db.store import mention_rows, open_store, pages_to_reprocess, save_mentions
    from saraban.pipeline import PAGE_BREAK, process_text

    def one(doc_id: str, numbers: list[int], texts: list[str], layouts: list) -> None:
        result = process_text(PAGE_BREAK.join(texts), doc_id, numbers=numbers, layouts=layouts)
        save_mentions(db, mention_rows(doc_id, result.mentions()))

    db = open_store(db_path)
    todo = pages_to_reprocess(db, all=True)
    one(*next(todo))  # warm: regexes, tries, corpus
    t = time.perf_counter()
    done = 0
    for doc in todo:
        one(*doc)
        done += 1
        if done >= limit:
            break
    rate = done / (time.perf_counter() - t)
    db.close()
    return rate


def boxes_cost(db_path: Path, rounds: int = 5) -> tuple[float, float]:
    """Docs/s of the reprocess loop over every stored document with boxes and without (issue 13), in this process.

    Without: the pages' stored layouts are not passed, so no record gets boxes,
    OCR confidence or a review reason. Each timed pass follows an untimed one of
    the same kind, so both find their rows unchanged and write the same; the
    kinds alternate, so load on the machine hits both alike. Medians.
    """
    from saraban.db.store import mention_rows, open_store, pages_to_reprocess, save_mentions
    from saraban.pipeline import PAGE_BREAK, process_text

    db = open_store(db_path)
    docs = list(pages_to_reprocess(db, all=True))

    def run(with_boxes: bool) -> float:
        t = time.perf_counter()
        for doc_id, numbers, texts, layouts in docs:
            result = process_text(PAGE_BREAK.join(texts), doc_id, numbers=numbers,
                                  layouts=layouts if with_boxes else None)
            save_mentions(db, mention_rows(doc_id, result.mentions()))
        return len(docs) / (time.perf_counter() - t)

    rates: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(rounds):
        for with_boxes in (True, False):
            run(with_boxes)
            rates[with_boxes].append(run(with_boxes))
    run(True)   # leave the store as reprocess leaves it
    db.close()
    return statistics.median(rates[True]), statistics.median(rates[False])


def _load() -> str:
    """The 1-minute load average: other work on the machine slows every figure here."""
    return f"load average {os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="200 and 1,000 documents, 40 PDFs")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="reprocess runs (median)")
    opts = parser.parse_args()
    sizes = (200, 1000) if opts.small else (1000, 10000)
    n_pdfs = 40 if opts.small else 150
    jobs = str(opts.jobs)
    work = Path(tempfile.mkdtemp(prefix="saraban-bench-"))
    print(f"archive benchmark: {os.cpu_count()} cores, --jobs {jobs}, sizes {sizes}")
    try:
        ingest_runs = {}
        for n in sizes:
            t = time.perf_counter()
            write_text_archive(work / f"txt{n}", n)
            gen = time.perf_counter() - t
            db = work / f"txt{n}.db"
            r = run_cli(["ingest", str(work / f"txt{n}"), "--db", str(db), "--jobs", jobs, "--no-progress"])
            assert r["exit"] == 0, r["output"]
            ingest_runs[n] = r
            print(f"ingest {n:>6} text files: {n / r['seconds']:7.1f} files/s ({r['seconds']:.1f} s; "
                  f"archive written in {gen:.1f} s); peak RSS writer {r['rss_self_mb']:.0f} MB, "
                  f"largest worker {r['rss_workers_mb']:.0f} MB; {_load()}")
        small, large = sizes
        ratio = ingest_runs[large]["rss_self_mb"] / ingest_runs[small]["rss_self_mb"]
        print(f"peak RSS writer {large} / {small} documents: {ratio:.2f}x (flat is ~1.0)")

        n = 1000  # reprocess the 1,000-document store: long enough that worker start-up is amortized
        db = work / f"txt{n}.db"
        # one process (--jobs 1: the writer extracts too) and --jobs N, whole commands, taken in
        # turns so that load from other work on the machine falls on both alike (issue 14)
        one, many = [], []
        for _ in range(opts.repeat):
            for runs, j in ((one, "1"), (many, jobs)):
                r = run_cli(["reprocess", "--db", str(db), "--all", "--jobs", j, "--no-progress"])
                assert r["exit"] == 0, r["output"]
                runs.append(r)
        rate = lambda r: n / r["seconds"]  # noqa: E731
        med1 = statistics.median(map(rate, one))
        med = statistics.median(map(rate, many))
        pairs = [rate(b) / rate(a) for a, b in zip(one, many)]
        print(f"reprocess --all {n} docs, one process (--jobs 1): median {med1:.0f} docs/s "
              f"(runs: {', '.join(f'{rate(x):.0f}' for x in one)}); {_load()}")
        print(f"reprocess --all {n} docs, --jobs {jobs}: median {med:.0f} docs/s "
              f"(runs: {', '.join(f'{rate(x):.0f}' for x in many)}); target >= 200 docs/s")
        print(f"reprocess --jobs {jobs} / one process: {med / med1:.2f}x (run by run: "
              f"{', '.join(f'{x:.2f}' for x in pairs)}); target >= 1.8x")
        base = baseline_reprocess(db, limit=300)
        print(f"plain loop in this process (process_text + save_reprocessed): {base:.0f} docs/s")
        cpu1 = statistics.median(1000 * x["cpu_self_s"] / n for x in one)
        writer = statistics.median(1000 * x["cpu_self_s"] / n for x in many)
        workers = statistics.median(1000 * x["cpu_workers_s"] / n for x in many)
        print(f"reprocess CPU per doc: one process {cpu1:.2f} ms; --jobs {jobs}: writer {writer:.2f} ms + "
              f"workers {workers:.2f} ms = {writer + workers:.2f} ms ({writer + workers - cpu1:+.2f} ms for "
              f"handing over); on {jobs} idle cores at most ~{int(jobs) * 1000 / (writer + workers):.0f} docs/s, "
              f"the writer alone ~{1000 / writer:.0f} docs/s")
        with_b, without_b = boxes_cost(db, rounds=3)
        print(f"reprocess loop, {n} text documents (no boxes to give): {with_b:.0f} docs/s with the boxes step, "
              f"{without_b:.0f} without ({with_b / without_b - 1:+.1%}); {_load()}")

        if not pdf_supported():
            print("text-layer PDF ingest: skipped, this build cannot read PDFs (ingest/pdf.py comes "
                  "from the ingest branch)")
        elif not THAI_FONT.exists():
            print(f"text-layer PDF ingest: skipped, no Thai font at {THAI_FONT} (Debian fonts-thai-tlwg)")
        else:
            _, pages = write_pdf_archive(work / "pdf", n_pdfs)
            r = run_cli(["ingest", str(work / "pdf"), "--db", str(work / "pdf.db"), "--jobs", jobs,
                         "--no-progress"])
            print(f"ingest {n_pdfs} text-layer PDFs ({pages} pages): {pages / r['seconds']:.1f} pages/s "
                  f"({r['seconds']:.1f} s, exit {r['exit']}); target >= 20 pages/s; {_load()}")
            if r["exit"] != 0:
                print(r["output"])
            with_b, without_b = boxes_cost(work / "pdf.db")
            print(f"reprocess loop, {n_pdfs} text-layer PDFs ({pages} pages, every record boxed): "
                  f"{with_b:.0f} docs/s with boxes, {without_b:.0f} without ({with_b / without_b - 1:+.1%}); "
                  f"limit -10 %; {_load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
