"""Throughput of every registered extractor, and of the dates/references/letter/times
extractors on worst-case inputs (long runs of one character or one token).

    python bench/extractor_throughput.py [--mb 4] [--repeat 3]

Realistic input: the bundled dev texts, normalized and digit-folded, repeated to
about ``--mb`` megabytes. Baseline, timed in the same process on the same text:
one pass of ``re.finditer(r"[0-9]+")`` (the cheapest regex scan of the text).
Prints MB/s (median of ``--repeat`` runs, CPU time of this process: on the
shared machine other work stretches wall time) and the ratio to the baseline;
the target for the whole extractor set is >= 1 MB/s. Pathological inputs show that
no pattern backtracks: their MB/s must stay of the same order as the realistic one.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from saraban import corpus  # noqa: E402
from saraban.extractors.registry import EXTRACTORS  # noqa: E402
from saraban.normalizers import normalize, thai_digits_to_arabic  # noqa: E402

MINE = ("dates", "references", "letter", "times")
PATHOLOGICAL = {
    "one digit": "1",
    "spaces": " ",
    "newlines": "\n",
    "Thai letter": "ม",
    "date tokens no newline": "1 ม.ค. 66 ",
    "abbr month, no day": "ก.พ. ",
    "reference tokens": "ที่ มท 0204/ว 5 และ ",
    "time tokens": "เวลา 13.00 - ",
    "letter labels": "เรื่อง ",
}


def _median_seconds(fn, text: str, repeat: int) -> float:
    """Median CPU seconds of ``fn(text)``."""
    runs = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn(text)
        runs.append(time.process_time() - t0)
    return statistics.median(runs)


def _baseline(text: str) -> int:
    return sum(1 for _ in re.finditer(r"[0-9]+", text))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    raw = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus.samples_dir().glob("*.txt")))
    one = thai_digits_to_arabic(normalize(raw).text)
    text = one * max(1, int(args.mb * 1e6 / len(one.encode())))
    mb = len(text.encode()) / 1e6
    base = mb / _median_seconds(_baseline, text, args.repeat)
    print(f"realistic text: {mb:.2f} MB (dev texts repeated); baseline [0-9]+ scan {base:.1f} MB/s")
    total = 0.0
    for field, spec in EXTRACTORS.items():
        sec = _median_seconds(spec.fn, text, args.repeat)
        total += sec
        print(f"  {field:<11} {mb / sec:8.1f} MB/s   {base / (mb / sec):6.1f}x slower than baseline")
    print(f"  {'ALL':<11} {mb / total:8.1f} MB/s   (target >= 1 MB/s)")

    print("pathological inputs, 1 MB each (MB/s):")
    for name, chunk in PATHOLOGICAL.items():
        patho = chunk * (1_000_000 // len(chunk.encode()))
        pmb = len(patho.encode()) / 1e6
        cells = []
        for field in MINE:
            sec = _median_seconds(EXTRACTORS[field].fn, patho, 1)
            cells.append(f"{field} {pmb / sec:7.1f}")
        print(f"  {name:<24} " + "  ".join(cells))


if __name__ == "__main__":
    main()
