"""Page view benchmark (issue 13): a 300-dpi scan with about 100 mentions, served by a real `saraban serve`.

Writes one A4 page of Thai lines (a date, a province and a count on each:
four mentions a line), renders it as a noisy 300-dpi scan with the shared
tools' render_scans.py (Laksaman, as the dev scans), ingests it (tesseract,
once), starts `saraban serve` and times, in the same run:

- the plain ``pages`` table page (Datasette's own view: the baseline);
- the page view of the scan, warm: its HTML and its image, the image cached;
- the page view cold: the image rendered from the stored scan (its cache
  emptied before each try); the very first request after start-up, templates
  not yet compiled, is reported apart.

Targets: warm < 300 ms, cold < 1.5 s (page HTML + image).

    .venv/bin/python bench/pageview.py [--repeat 20]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_TOOLS = REPO.parent / "shared" / "tools"
sys.path.insert(0, str(REPO / "tests"))

MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
PROVINCES = ["เชียงใหม่", "ลำปาง", "น่าน", "แพร่", "พะเยา", "เชียงราย", "ตาก", "สุโขทัย", "ลำพูน"]
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def page_text(lines: int = 30, seed: int = 5) -> str:
    """A page of report lines (as many as an A4 page of render_scans.py holds), each with a date,
    a province, a count and an amount: four mentions a line."""
    rng = random.Random(seed)
    out = ["รายงานผลการดำเนินงานโครงการ"]
    for i in range(lines):
        day, month, year = rng.randint(1, 28), rng.choice(MONTHS), rng.randint(2564, 2567)
        n, baht = rng.randint(2, 99), rng.randint(10, 999) * 100
        out.append(f"{day} {month} {year} จ.{rng.choice(PROVINCES)} {n} โครงการ {baht:,} บาท".translate(THAI))
    return "\n".join(out) + "\n"


def _get(url: str) -> float:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
        assert r.status == 200, url
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    opts = parser.parse_args()
    sys.path.insert(0, str(SHARED_TOOLS))
    import render_scans  # noqa: E402 - the shared tools, beside the repository

    from saraban.batch import ingest_archive
    from saraban.db.page_images import cache_dir
    from saraban.db.store import open_store
    from saraban.runner import InlineRunner
    from servers import free_port, start_server, stop_server

    work = Path(tempfile.mkdtemp(prefix="saraban-pageview-"))
    try:
        src = work / "text"
        src.mkdir()
        (src / "report_scan.txt").write_text(page_text(), encoding="utf-8")
        scans = work / "scans"
        scans.mkdir()
        render_scans.render(src / "report_scan.txt", scans, random.Random(7), "light")
        inbox = work / "inbox"
        inbox.mkdir()
        shutil.copy(scans / "report_scan.png", inbox / "report_scan.png")
        db_path = work / "saraban.db"
        db = open_store(db_path)
        t = time.perf_counter()
        ingest_archive(db, [inbox], InlineRunner())
        ocr_s = time.perf_counter() - t
        tables = [t for t in db.table_names() if "boxes" in db[t].columns_dict]
        mentions = sum(db.execute(f"select count(*) from [{t}] where doc_id = 'report_scan'").fetchone()[0]
                       for t in tables)
        boxed = sum(db.execute(f"select count(*) from [{t}] where doc_id = 'report_scan' and boxes is not null")
                    .fetchone()[0] for t in tables)
        width, height = db.execute("select width, height from pages where doc_id = 'report_scan'").fetchone()
        db.close()
        print(f"scan {width}x{height} px, {mentions} mentions on the page ({boxed} with boxes), OCR'd in {ocr_s:.1f} s")

        port = free_port()
        proc = start_server(db_path, port)
        base = f"http://127.0.0.1:{port}"
        view, image, plain = (f"{base}/saraban/-/page/report_scan/1", f"{base}/saraban/-/page-image/report_scan/1.jpg",
                              f"{base}/saraban/pages")
        try:
            first = _get(view) + _get(image)
            cold, warm, baseline = [], [], []
            for _ in range(max(opts.repeat // 4, 3)):
                shutil.rmtree(cache_dir(db_path), ignore_errors=True)
                cold.append(_get(view) + _get(image))
            for _ in range(opts.repeat):       # interleaved, so load on the machine hits both alike
                baseline.append(_get(plain))
                warm.append(_get(view) + _get(image))
        finally:
            stop_server(proc)
        ms = lambda xs: f"median {1000 * statistics.median(xs):.0f} ms (min {1000 * min(xs):.0f}, max {1000 * max(xs):.0f})"  # noqa: E731
        print(f"plain pages table page:            {ms(baseline)}")
        print(f"page view warm (HTML + image):     {ms(warm)}; target < 300 ms; "
              f"{statistics.median(warm) / statistics.median(baseline):.2f}x the pages table page")
        print(f"page view cold (image rendered):   {ms(cold)}; target < 1.5 s")
        print(f"first request after start-up:      {1000 * first:.0f} ms (templates compiled, image rendered)")
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
