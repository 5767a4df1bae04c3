"""Zip bombs in .docx/.pptx (issue 15): peak RSS and seconds of ``saraban extract`` on each, in a child process.

    python bench/office_bomb.py [--limit-mb 3000] [--timeout 120]

Files (tests/office_fixtures.py), the two of the issue and two decks:
- ``xml-bomb.docx``: 495 KB, word/document.xml inflates to 300 MB (620:1);
- ``media-bomb.docx``: 2.1 MB, word/media/image1.png is 2 GiB of zeros;
- ``media-bomb.pptx``: the same in a deck's picture (ppt/media/image1.png);
- ``letter-with-picture.docx``: a real letter with a picture, the baseline.
Each child runs under an address-space limit (``--limit-mb``) and a timeout, so
a build without the guard is stopped, not let loose on a shared machine.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from office_fixtures import inflate_part, letter_docx, slides_pptx  # noqa: E402


def build(folder: Path) -> list[Path]:
    docx = letter_docx(folder / "letter-with-picture.docx", picture=True)
    deck = slides_pptx(folder / "deck-with-picture.pptx", picture=True)
    return [
        docx,
        inflate_part(docx, folder / "xml-bomb.docx", "word/document.xml", 300 * 2**20, filler=b"<w:p/>"),
        inflate_part(docx, folder / "media-bomb.docx", "word/media/image1.png", 2 * 2**30),
        inflate_part(deck, folder / "media-bomb.pptx", "ppt/media/image1.png", 2 * 2**30),
    ]


CHILD = """
import atexit, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
# this process's own peak, printed last (ru_maxrss of the children would keep the largest so far)
atexit.register(lambda: print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")), file=sys.stderr))
from saraban.cli import main
sys.argv = ["saraban", "extract", {path!r}, "--json"]
main()
"""


def run(path: Path, limit_mb: int, timeout: float) -> str:
    limit = limit_mb * 2**20
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD.format(limit=limit, path=str(path))],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"stopped after {timeout:.0f} s"
    seconds = time.perf_counter() - start
    lines = proc.stderr.strip().splitlines()
    hwm = [line for line in lines if line.startswith("VmHWM:")]
    rss = f"{int(hwm[-1].split()[1]) / 1024:5.0f} MB" if hwm else "    ? MB"
    lines = [line for line in lines if not line.startswith("VmHWM:")]
    last = (lines or [""])[-1]
    outcome = "read" if proc.returncode == 0 else (last[:110] or f"exit {proc.returncode}")
    if "MemoryError" in proc.stderr or proc.returncode < 0:
        outcome = f"hit the {limit_mb} MB limit ({last[:60]})"
    return f"{seconds:6.1f} s  peak RSS {rss}  {outcome}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit-mb", type=int, default=3000)
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for path in build(Path(tmp)):
            print(f"{path.name:<26} {path.stat().st_size / 1e6:5.2f} MB  {run(path, args.limit_mb, args.timeout)}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
