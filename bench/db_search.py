"""Thai search on pages: the trigram index against a LIKE scan, and what ingest costs.

Builds a store of synthetic documents, each 40 lines drawn at random (seeded)
from the five dev documents, so a phrase is on a few pages, not on all; then
times, medians of repeated runs in this process:
  - ingest per document (process_file + save_document, PyThaiNLP syllables included)
    against process_file alone (the baseline: the pipeline without storing);
  - search_pages (FTS5 trigram; short terms through the syllables column) against
    search_pages_like (a full LIKE scan of the normalized text).

Run: .venv/bin/python bench/db_search.py [COPIES]
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from saraban.corpus import samples_dir  # noqa: E402
from saraban.db.store import open_store, save_document, search_pages, search_pages_like  # noqa: E402
from saraban.pipeline import RunContext, process_file  # noqa: E402

TERMS = ["ธนาคารขยะ", "ถังขยะเปียก", "เชียงราย", "การคลัง", "งบ"]


def _median_s(fn, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(copies: int = 40) -> None:
    samples = sorted(samples_dir().glob("*.txt"))
    ctx = RunContext()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lines = [ln for p in samples for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
        rng = random.Random(2566)
        files = []
        for i in range(copies * len(samples)):
            f = tmp / f"doc_{i:04d}.txt"
            f.write_text(f"ฉบับที่ {i}\n" + "\n".join(rng.sample(lines, 40)), encoding="utf-8")
            files.append(f)
        db = open_store(tmp / "bench.db")
        extract_s, store_s = [], []
        for f in files:
            t0 = time.perf_counter()
            result = process_file(f, ctx)
            t1 = time.perf_counter()
            save_document(db, result.stored())
            t2 = time.perf_counter()
            extract_s.append(t1 - t0)
            store_s.append(t2 - t1)
        pages = db["pages"].count
        chars = sum(len(r["text_norm"]) for r in db["pages"].rows)
        print(f"store: {len(files)} documents, {pages} pages, {chars:,} characters")
        e, s = statistics.median(extract_s), statistics.median(store_s)
        print(f"ingest per document (median): process_file {e * 1000:.1f} ms, save_document {s * 1000:.1f} ms "
              f"(storing = {s / e:.2f}x the pipeline)")
        print(f"{'term':<14}{'hits':>6}{'fts ms':>10}{'like ms':>10}{'like/fts':>10}")
        for term in TERMS:
            fts_hits = {r["id"] for r in search_pages(db, term, limit=10**6)}
            like_hits = {r["id"] for r in search_pages_like(db, term, limit=10**6)}
            fts = _median_s(lambda: search_pages(db, term, limit=10**6))
            like = _median_s(lambda: search_pages_like(db, term, limit=10**6))
            same = "" if fts_hits == like_hits else f"  (fts {len(fts_hits)} vs like {len(like_hits)}: syllable starts only)"
            print(f"{term:<14}{len(fts_hits):>6}{fts * 1000:>10.2f}{like * 1000:>10.2f}{like / fts:>10.1f}{same}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
