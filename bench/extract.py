"""Extraction throughput: MB/s of text through normalize + every extractor, one core.

    python bench/extract.py [--repeat N] [--runs R]

The bundled dev corpus (corpus/samples, five documents) is processed document
by document, the set repeated N times, R runs; prints the median. The baseline
is normalize() alone in the same process, so the ratio shows what extraction
costs on top of reading the text. 1 MB = 10^6 bytes of UTF-8 (Thai letters are
3 bytes each; characters per second are printed too).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from saraban import corpus  # noqa: E402
from saraban.extractors.registry import EXTRACTORS, extract_all  # noqa: E402
from saraban.normalizers import normalize, thai_digits_to_arabic  # noqa: E402


def _timed(fn, texts: list[str]) -> float:
    t0 = time.perf_counter()
    for t in texts:
        fn(t)
    return time.perf_counter() - t0


def main(argv: list[str]) -> int:
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 10
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    docs = [p.read_text(encoding="utf-8") for p in sorted(corpus.samples_dir().glob("*.txt"))]
    texts = docs * repeat
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    chars = sum(len(t) for t in texts)
    for t in docs:  # warm up: imports, compiled patterns, the tokenizer's dictionary
        extract_all(normalize(t).text)

    def full(t: str) -> None:
        extract_all(normalize(t).text)

    def base(t: str) -> None:
        normalize(t)

    full_s = statistics.median(_timed(full, texts) for _ in range(runs))
    base_s = statistics.median(_timed(base, texts) for _ in range(runs))
    print(f"{len(texts)} documents, {mb:.2f} MB ({chars:,} characters), median of {runs} runs")
    print(f"normalize only        {mb / base_s:8.2f} MB/s  {chars / base_s / 1e3:9.0f} k chars/s")
    print(f"normalize + extract   {mb / full_s:8.2f} MB/s  {chars / full_s / 1e3:9.0f} k chars/s"
          f"   ({full_s / base_s:.1f}x the baseline's time)")
    folded = [thai_digits_to_arabic(normalize(t).text) for t in texts]
    for field, spec in EXTRACTORS.items():
        s = statistics.median(_timed(spec.fn, folded) for _ in range(max(1, runs // 2)))
        print(f"  {field:<11} {mb / s:8.2f} MB/s  {100 * s / full_s:5.1f}% of the total")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
