"""What hostile requests cost the public site: the server's peak RSS, and how long a good request waits.

Starts ``saraban serve`` as a real process on a store of the bundled samples
(a fresh one for each memory probe) and samples its RSS every 20 ms while the
probe runs. The
SQL probes sign in (the SQL box is for signed-in visitors since issue 15);
one anonymous request shows the 403.

* ``memory``: each query of ``MEMORY_PROBES`` (one allocation as big as it
  asks, issue 15 item 1), alone: HTTP status, seconds, peak RSS;
* ``memory-parallel``: the same big query four times at once, with a normal
  request (a table page) sent meanwhile and timed;
* ``errors``: ``--bad`` bad requests at once (a sort on a column that does not
  exist, a SQL syntax error, a missing table), a good request sent just
  after them, and its time against the same good request alone (issue 15
  item 7): the delay is the difference of the medians.

Usage: .venv/bin/python bench/serve_abuse.py [--bad 20] [--rounds 5] [--probe memory|errors|cpu|all]
       [--only randomblob-500MB] [--no-parallel]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from servers import actor_cookie, free_port, start_server, stop_server  # noqa: E402

from saraban.batch import ingest_archive  # noqa: E402
from saraban.corpus import samples_dir  # noqa: E402
from saraban.db import guard  # noqa: E402
from saraban.db.store import open_store  # noqa: E402
from saraban.runner import InlineRunner  # noqa: E402

MEMORY_PROBES: dict[str, str | tuple[str, str]] = {
    "randomblob-500MB": "select randomblob(500000000)",
    "zeroblob-500MB": "select zeroblob(500000000)",
    "printf-300MB": "select length(printf('%.*c', 300000000, 'x'))",
    "replace-doubling": "select length(replace(replace(replace(hex(randomblob(1000000)),'A','AAAAAAAA'),'B','BBBBBBBB'),'C','CCCCCCCC'))",
    "concat-cte-1GB": ("with recursive r(n, s) as (select 1, 'x' union all select n+1, s||s from r where n < 31) "
                       "select n, length(s) from r"),
    "rows-of-8MB": ("with recursive r(n) as (select 1 union all select n+1 from r where n < 1000) "
                    "select n, randomblob(8000000) from r"),
    "wide-row": "select " + ", ".join("randomblob(8000000)" for _ in range(60)),
    "group_concat-rows": ("with recursive r(n) as (select 1 union all select n+1 from r where n < 100000) "
                          "select length(group_concat(hex(randomblob(4000)))) from r"),
    # 30 MB of JSON that json.loads (Datasette's _json=) turns into ten million lists
    "json-expansion": ("select '[' || replace(hex(zeroblob(9999999)), '00', '[],') || '[]]' as j", "&_json=j"),
    # 30 MB of Thai text (10 million characters) in one value, as JSON, CSV and HTML
    "thai-30MB-json": ("select replace(hex(zeroblob(5000000)), '0', 'ก') as t", ""),
    "thai-30MB-csv": ("select replace(hex(zeroblob(5000000)), '0', 'ก') as t", ".csv"),
    "thai-30MB-html": ("select replace(hex(zeroblob(5000000)), '0', 'ก') as t", ".html"),
    "blob-30MB-json": ("select randomblob(30000000) as b", ""),
    # Thai text just under the result budget (guard.MAX_RESULT_BYTES of Python str, 2 bytes a character)
    "thai-at-budget-json": (f"select replace(hex(zeroblob({(guard.MAX_RESULT_BYTES - 1000) // 4})), '0', 'ก') as t", ""),
    "thai-at-budget-csv": (f"select replace(hex(zeroblob({(guard.MAX_RESULT_BYTES - 1000) // 4})), '0', 'ก') as t", ".csv"),
}
# One SQLite function call runs as one instruction, which Datasette's time limit (checked
# between instructions) cannot stop: instr and replace compare the needle at every position
# of the haystack (quadratic), and printf('%.*c') repeats a character up to 2**31 times.
CPU_PROBES = {
    "instr-quadratic": "select instr(hex(zeroblob(600000)), hex(zeroblob(300000)) || '1')",
    "replace-quadratic": "select length(replace(hex(zeroblob(600000)), hex(zeroblob(300000)) || '1', ''))",
    "printf-repeat": "select length(printf('%.*c', 1000000000, 'x'))",
}
BIG = MEMORY_PROBES["randomblob-500MB"]
BAD_URLS = ("/{db}/documents.json?_sort=nocol", "/{db}.json?sql=selec+1", "/{db}/no_such_table.json")
GOOD_URL = "/{db}/documents.json?_size=5"


def build_store(folder: Path) -> Path:
    path = folder / "saraban.db"
    db = open_store(path)
    ingest_archive(db, sorted(Path(samples_dir()).glob("*.txt")), InlineRunner())
    db.close()
    return path


SECRET = "bench-serve-abuse"
COOKIE = actor_cookie(SECRET)  # the SQL box is for signed-in visitors: the probes sign in


def fetch(url: str, timeout: float = 120.0, *, signed_in: bool = True) -> tuple[int, float, bytes]:
    started = time.monotonic()
    request = urllib.request.Request(url, headers={"Cookie": COOKIE} if signed_in else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as err:
        body, status = err.read(), err.code
    except OSError as err:
        return -1, time.monotonic() - started, str(err).encode()
    return status, time.monotonic() - started, body


class PeakRss:
    """The peak RSS of a process (and its children), sampled every 20 ms while in the ``with``."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        procs = [self.proc, *self.proc.children(recursive=True)]
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.02)

    def __enter__(self) -> PeakRss:
        self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


class Server:
    """A fresh ``saraban serve`` on the store for one probe: Python keeps the memory a probe freed."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path

    def __enter__(self) -> Server:
        port = free_port()
        self.proc = start_server(self.db_path, port, secret=SECRET)
        self.base, self.db, self.pid = f"http://127.0.0.1:{port}", self.db_path.stem, self.proc.pid
        return self

    def __exit__(self, *exc) -> None:
        stop_server(self.proc)


def probe_memory(db_path: Path, only: list[str] | None, parallel: bool) -> None:
    with Server(db_path) as srv:
        rest = psutil.Process(srv.pid).memory_info().rss
        status, seconds, body = fetch(f"{srv.base}/{srv.db}.json?sql={urllib.parse.quote(BIG)}", signed_in=False)
        print(f"memory  server RSS at rest {rest / 2**20:.0f} MB; anonymous randomblob: HTTP {status} "
              f"in {seconds:.2f} s {body[:70]!r}")
    for name, probe in MEMORY_PROBES.items():
        if only and name not in only:
            continue
        sql, extra = probe if isinstance(probe, tuple) else (probe, "")
        fmt, extra = (extra, "") if extra.startswith(".") else (".json", extra)
        fmt = "" if fmt == ".html" else fmt
        with Server(db_path) as srv:
            url = f"{srv.base}/{srv.db}{fmt}?sql={urllib.parse.quote(sql)}&_shape=array{extra}"
            with PeakRss(srv.pid) as rss:
                status, seconds, body = fetch(url)
        print(f"memory  {name:<20} HTTP {status}  {seconds:6.2f} s  peak RSS {rss.peak / 2**20:7.0f} MB  "
              f"{body[:90]!r}")
    if not parallel:
        return
    with Server(db_path) as srv:
        url = f"{srv.base}/{srv.db}.json?sql={urllib.parse.quote(BIG)}"
        results: list[tuple[int, float, bytes]] = []
        threads = [threading.Thread(target=lambda: results.append(fetch(url))) for _ in range(4)]
        with PeakRss(srv.pid) as rss:
            for t in threads:
                t.start()
            time.sleep(0.2)
            good = fetch(srv.base + GOOD_URL.format(db=srv.db))
            for t in threads:
                t.join()
    print(f"memory-parallel 4 x randomblob: statuses {sorted(r[0] for r in results)}, "
          f"slowest {max(r[1] for r in results):.2f} s, peak RSS {rss.peak / 2**20:.0f} MB; "
          f"a good request meanwhile: HTTP {good[0]} in {good[1]:.2f} s")


def probe_cpu(base: str, db: str) -> None:
    for name, sql in CPU_PROBES.items():
        status, seconds, body = fetch(f"{base}/{db}.json?sql={urllib.parse.quote(sql)}")
        print(f"cpu     {name:<20} HTTP {status}  {seconds:6.2f} s (the SQL time limit is 3 s)  {body[:90]!r}")


def probe_errors(base: str, db: str, n_bad: int, rounds: int) -> None:
    good_url = base + GOOD_URL.format(db=db)
    alone, behind, statuses = [], [], []
    for _ in range(rounds):
        fetch(good_url)
        alone.append(fetch(good_url)[1])
        out: list[tuple[int, float, bytes]] = []
        bad = [base + BAD_URLS[i % len(BAD_URLS)].format(db=db) for i in range(n_bad)]
        threads = [threading.Thread(target=lambda u=u: out.append(fetch(u))) for u in bad]
        for t in threads:
            t.start()
        time.sleep(0.05)  # the bad requests reach the server first
        behind.append(fetch(good_url)[1])
        for t in threads:
            t.join()
        statuses += [r[0] for r in out]
        time.sleep(0.5)
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    print(f"errors  {n_bad} bad requests x {rounds} rounds: statuses {counts}")
    print(f"errors  good request alone: median {statistics.median(alone) * 1000:.0f} ms; "
          f"behind {n_bad} bad: median {statistics.median(behind) * 1000:.0f} ms, max {max(behind) * 1000:.0f} ms; "
          f"delay (median) {(statistics.median(behind) - statistics.median(alone)) * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bad", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--probe", choices=("memory", "errors", "cpu", "all"), default="all")
    ap.add_argument("--only", action="append", choices=sorted(MEMORY_PROBES),
                    help="run only these memory probes (unbounded code: each can take GBs)")
    ap.add_argument("--no-parallel", action="store_true", help="skip the 4 parallel big queries")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="saraban-abuse-") as tmp:
        db_path = build_store(Path(tmp))
        if args.probe in ("errors", "all"):
            with Server(db_path) as srv:
                probe_errors(srv.base, srv.db, args.bad, args.rounds)
        if args.probe in ("cpu", "all"):
            with Server(db_path) as srv:
                probe_cpu(srv.base, srv.db)
        if args.probe in ("memory", "all"):
            probe_memory(db_path, args.only, not args.no_parallel)


if __name__ == "__main__":
    main()
