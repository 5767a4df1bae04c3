"""Extraction throughput: MB/s of text through normalize + every extractor, one core.

    python bench/extract.py [--repeat N] [--runs R] [--cold]

The bundled dev corpus (corpus/samples, five documents) is processed document
by document, the set repeated N times, R runs; prints the median. The baseline
is normalize() alone in the same process, so the ratio shows what extraction
costs on top of reading the text. 1 MB = 10^6 bytes of UTF-8 (Thai letters are
3 bytes each; characters per second are printed too).

Two clocks: wall time, and this process's CPU time (``time.process_time``).
On the shared 2-core machine other work stretches the wall time of every run;
the CPU time is what one idle core would take, so the target (>= 4 MB/s, issue
14) is read on the CPU line, and the ratio to the baseline is quoted beside it.

Then where the time goes: each extractor alone on the same (normalized,
digit-folded) texts, ms of CPU per document and its share of the whole.
``--cold`` clears the extractors' per-process caches (English runs, fuzzy
look-ups) before every document, as for a first letter after start-up.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from saraban import corpus  # noqa: E402
from saraban.extractors import provinces  # noqa: E402
from saraban.extractors.registry import EXTRACTORS, extract_all  # noqa: E402
from saraban.normalizers import normalize, thai_digits_to_arabic  # noqa: E402

# per-process caches of the extractors, cleared before each document by --cold
_CACHES = [getattr(provinces, name) for name in ("_run_places", "_english_fuzzy", "_fuzzy_name")
           if hasattr(provinces, name)]


def _timed(fn, texts: list[str], cold: bool = False) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``fn`` over ``texts``."""
    w0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        if cold:
            for cache in _CACHES:
                cache.cache_clear()
        fn(t)
    return time.perf_counter() - w0, time.process_time() - c0


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main(argv: list[str]) -> int:
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 10
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    cold = "--cold" in argv
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

    full_w, full_c = _median([_timed(full, texts, cold) for _ in range(runs)])
    base_w, base_c = _median([_timed(base, texts) for _ in range(runs)])
    print(f"{len(texts)} documents, {mb:.2f} MB ({chars:,} characters), median of {runs} runs"
          + (", caches cleared before each document" if cold else ""))
    print(f"{'':22}{'wall':>10}{'CPU':>12}")
    print(f"normalize only        {mb / base_w:7.2f} MB/s {mb / base_c:7.2f} MB/s")
    print(f"normalize + extract   {mb / full_w:7.2f} MB/s {mb / full_c:7.2f} MB/s"
          f"   ({full_c / base_c:.1f}x the baseline's CPU time; {chars / full_c / 1e3:,.0f} k chars/s)")
    folded = [thai_digits_to_arabic(normalize(t).text) for t in texts]
    print(f"per extractor (CPU, median of {max(1, runs // 2)}):")
    for field, spec in EXTRACTORS.items():
        _, s = _median([_timed(spec.fn, folded, cold) for _ in range(max(1, runs // 2))])
        print(f"  {field:<11} {mb / s:8.2f} MB/s {1000 * s / len(texts):6.2f} ms/doc"
              f"  {100 * s / full_c:5.1f}% of the total")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
