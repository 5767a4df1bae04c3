"""Search syllables of one huge page (issue 15): seconds per page size, whole page vs. in pieces.

    python bench/syllables.py [--sizes 1 4 8] [--timeout 600] [--whole]

A page of N MB of real Thai (the dev letters, line after line, as a big .txt
file without form feeds is one page) goes through ``db.store._syllables``
(PyThaiNLP's ``dict`` engine, piece by piece: text_pieces) in a child
process; ``--whole`` also times the way before issue 15 (the whole page to
PyThaiNLP at once), stopped after --timeout seconds.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
from pathlib import Path
from pythainlp.tokenize import subword_tokenize
from saraban.db.store import _syllables
letters = "\\n".join(p.read_text(encoding="utf-8") for p in sorted(Path({samples!r}).glob("*.txt")))
size = int({mb} * 2**20)
page = (letters * (size // len(letters.encode()) + 1)).encode()[:size].decode(errors="ignore")
subword_tokenize("ปีงบประมาณ", engine="dict")   # the dictionary loaded before the clock starts
start = time.perf_counter()
if {whole}:
    out = " " + " ".join(s for s in subword_tokenize(page, engine="dict") if s.strip()) + " "
else:
    out = _syllables(page)
print(time.perf_counter() - start, len(page), len(out.split()))
"""


def run(mb: float, whole: bool, timeout: float) -> str:
    code = CHILD.format(samples=str(REPO / "corpus" / "samples"), mb=mb, whole=whole)
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                             check=True).stdout.split()
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s (stopped)"
    seconds, chars, syllables = float(out[0]), int(out[1]), int(out[2])
    return f"{seconds:7.1f} s  ({chars / seconds / 1000:5.0f} k chars/s, {syllables:,} syllables)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.5, 1, 4, 8])
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--whole", action="store_true", help="also the whole page at once (before issue 15)")
    args = ap.parse_args()
    for mb in args.sizes:
        started = time.perf_counter()
        row = f"{mb:4g} MB page  in pieces: {run(mb, False, args.timeout)}"
        if args.whole:
            row += f"   whole page: {run(mb, True, args.timeout)}"
        print(row, f"[{time.perf_counter() - started:.0f} s]", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
