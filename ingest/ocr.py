"""OCR: every tesseract call, behind a small engine interface; one page through its stages; pages in parallel.

A page image goes through three ordered lists of named stages, as a page
goes through OCRmyPDF's ``_pipeline.py``::

    image stages (ingest/preprocess.py)
        drop_colour -> upright -> upsample -> deskew -> clean_specks -> binarize -> separate_blocks
    engine.read (plain text + TSV boxes, one tesseract run; join_words puts the boxes back on the words)
    repair stages (ingest/stages.py), their fixes merged by one rule (stages.merge_fixes)
        digit_runs -> letters_read_as_digits -> lookalike_numbers -> latin_numbers -> sdg_targets
        -> latin_misreads -> thai_misreads -> number_gaps -> soft_line_breaks
    text stages: tone_marks -> be_years

Every stage runs guarded (page_context.guarded): one that fails is logged
with the file, page and stage, and the page keeps what it had before it. A
page tesseract cannot read at all is a ``failed`` page; the document's other
pages are read all the same.

The page text is tesseract's plain-text output: its hOCR and TSV split Thai
into one "word" per character (tesseract issue 2702), so they give only the
boxes and confidences, joined back into the words of the text.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import re
import subprocess
import tempfile
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from saraban.core.errors import OcrError
from saraban.core.options import ReadOptions
from saraban.ingest import Page, Word
from saraban.ingest.page_context import OcrResult, PageContext, guarded, join_words
from saraban.ingest.preprocess import IMAGE_STAGES, binarize_page, page_images, place_back
from saraban.ingest.stages import REPAIR_STAGES, TEXT_STAGES, apply_fixes, merge_fixes

__all__ = [
    "DEFAULT_LANGS", "STAGE_NAMES", "EngineError", "EngineMissingError", "OcrEngine", "OcrResult", "TesseractEngine",
    "binarize_page", "default_engine", "join_words", "ocr_page", "parse_tsv", "run_ordered",
]

log = logging.getLogger(__name__)

_DEFAULT_OPTIONS = ReadOptions()
DEFAULT_LANGS = _DEFAULT_OPTIONS.langs

# Every stage by name, in the order a page meets them: what ReadOptions.disabled_stages may name.
STAGE_NAMES: tuple[str, ...] = tuple(name for stages in (IMAGE_STAGES, REPAIR_STAGES, TEXT_STAGES)
                                     for name, _ in stages)


class EngineError(Exception):
    """The OCR engine failed on an image (crashed, timed out).

    It knows no file: :func:`ocr_page`, which is told the page's source,
    makes the page a failed page naming the file, page and reason.
    """


class EngineMissingError(EngineError):
    """The OCR program is not installed: every page would fail, so the file fails (``OcrError``), not a page."""


class OcrEngine(ABC):
    """Reads one page image. Implementations must be safe to call from several threads.

    A failure raises :class:`EngineError`.
    """

    name: str = "abstract"

    @abstractmethod
    def read(self, image: Image.Image, langs: str) -> OcrResult:
        """Plain text and located boxes of a grayscale page image, in languages ``langs``."""

    def read_block(self, image: Image.Image, langs: str) -> OcrResult:
        """Like :meth:`read` for a small image of separate lines (no page layout to find)."""
        return self.read(image, langs)

    def orientation(self, image: Image.Image) -> int | None:
        """Degrees to turn the page clockwise to make it upright (0, 90, 180, 270); None when unknown."""
        return None


class TesseractEngine(OcrEngine):
    """The tesseract command line, one process per page, single-threaded.

    Called directly rather than through pytesseract: pytesseract hands every
    call the process-wide ``os.environ``, while each call here must carry
    OMP_THREAD_LIMIT=1 (we run one process per core; tesseract's own OpenMP
    threads would oversubscribe the cores and run 2-3x slower), and one run
    must write both the text and the TSV.
    """

    name = "tesseract"

    # Page segmentation: psm 4 (one column of text of variable sizes) measured best on the
    # real scans (bench/ocr_accuracy.py --real): see the README's table; psm 3 (tesseract's
    # default, full layout analysis) broke the askew and tabular pages into garbage lines.
    def __init__(self, *, psm: int = 4, timeout: float = 300.0, binary: str = "tesseract",
                 variables: dict[str, str] | None = None) -> None:
        self.psm, self.timeout, self.binary = psm, timeout, binary
        self.variables = dict(variables or {})     # -c NAME=VALUE, e.g. a character whitelist

    def read(self, image: Image.Image, langs: str) -> OcrResult:
        return self._read(image, langs, self.psm)

    def read_block(self, image: Image.Image, langs: str) -> OcrResult:
        return self._read(image, langs, 6)        # psm 6: one uniform block of text lines

    def orientation(self, image: Image.Image) -> int | None:
        """tesseract's orientation and script detection (psm 0): how far to turn the page clockwise."""
        with tempfile.TemporaryDirectory(prefix="saraban-osd-") as tmp:
            src = Path(tmp) / "page.pgm"
            image.convert("L").save(src)
            dpi = round(image.info.get("dpi", (300, 300))[0]) or 300
            proc = self._run([self.binary, str(src), "stdout", "--psm", "0", "--dpi", str(dpi)])
        m = re.search(r"Rotate: (\d+)", proc.stdout.decode(errors="replace"))
        return int(m.group(1)) % 360 if proc.returncode == 0 and m else None

    def _read(self, image: Image.Image, langs: str, psm: int) -> OcrResult:
        with tempfile.TemporaryDirectory(prefix="saraban-ocr-") as tmp:
            out = Path(tmp) / "out"
            if image.mode == "1":                 # a black-and-white page: PBM, written raw, one bit a pixel
                src = Path(tmp) / "page.pbm"
                image.save(src)
            else:
                src = Path(tmp) / "page.pgm"      # PGM: written raw, no compression time
                image.convert("L").save(src)
            dpi = round(image.info.get("dpi", (300, 300))[0]) or 300
            cmd = [self.binary, str(src), str(out), "-l", langs, "--psm", str(psm),
                   "--dpi", str(dpi)]
            for name, value in self.variables.items():
                cmd += ["-c", f"{name}={value}"]
            cmd += ["txt", "tsv"]
            proc = self._run(cmd)
            if proc.returncode != 0:
                raise EngineError(f"tesseract failed: {proc.stderr.decode(errors='replace')[-300:]}")
            text = out.with_suffix(".txt").read_text(encoding="utf-8")
            boxes = parse_tsv(out.with_suffix(".tsv").read_text(encoding="utf-8"))
        return OcrResult(text=text, boxes=boxes)

    def _run(self, cmd: list[str]) -> subprocess.CompletedProcess[bytes]:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            return subprocess.run(cmd, env=env, capture_output=True, timeout=self.timeout, check=False)
        except FileNotFoundError as err:
            raise EngineMissingError(f"{self.binary} is not installed (apt-get install tesseract-ocr tesseract-ocr-tha)") from err
        except subprocess.TimeoutExpired as err:
            raise EngineError(f"tesseract took longer than {self.timeout:.0f} s") from err


def parse_tsv(tsv: str) -> tuple[Word, ...]:
    """The level-5 (word) rows of tesseract's TSV output as Words.

    >>> parse_tsv("level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n"
    ...           "5\\t1\\t1\\t1\\t1\\t1\\t10\\t20\\t30\\t40\\t91.5\\tที่")
    (Word(text='ที่', left=10, top=20, width=30, height=40, confidence=91.5),)
    """
    words = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append(Word(cols[11], left, top, width, height, float(cols[10])))
    return tuple(words)



def ocr_page(number: int, image: Image.Image, *, engine: OcrEngine | None = None,
             options: ReadOptions = _DEFAULT_OPTIONS, source: Path | str = "<image>",
             timings: dict[str, float] | None = None) -> Page:
    """One page image to a Page: image stages, one tesseract read, repair stages, text stages.

    Never fails for the page's own sake: a stage that raises is skipped (and
    logged with the file, page and stage), and a page the engine cannot read
    comes back ``method="failed"`` with the reason in ``error`` ("scan.pdf:
    page 3: tesseract failed: ..." in the log), so the document's other
    pages are still read. Only an engine that is not installed raises, as
    the file's ``OcrError``. ``options.disabled_stages`` switches stages off
    (STAGE_NAMES); ``timings``, when given, receives each stage's CPU
    seconds (bench/ocr.py).
    """
    engine = engine or default_engine()
    try:
        start = page_images(image)
    except Exception as err:  # noqa: BLE001 - an image PIL cannot decode: this page fails, not the file
        return _failed(number, source, f"unreadable page image ({type(err).__name__}: {err})")
    ctx = PageContext(number=number, source=str(source), options=options, engine=engine, images=start,
                      timings=timings if timings is not None else {})
    for name, stage in IMAGE_STAGES:
        if name not in options.disabled_stages:
            ctx = dataclasses.replace(ctx, images=guarded(ctx, name, lambda: stage(ctx), ctx.images))
    try:
        result = _read_page(ctx)
    except EngineMissingError as err:
        raise OcrError(source, f"page {number}: {err}") from err
    except EngineError as err:
        return _failed(number, source, str(err))
    try:
        return _repair(ctx, result)
    except Exception as err:  # noqa: BLE001 - the stages are guarded one by one; this is the last net
        log.warning("%s: page %d: repairs failed (%s: %s); the page keeps tesseract's text",
                    source, number, type(err).__name__, err)
        return _page(ctx, result.text, [])


def _read_page(ctx: PageContext) -> OcrResult:
    """The engine's reading of the page (its own process's CPU is not in ``timings``)."""
    started = time.thread_time()
    try:
        return ctx.engine.read(ctx.images.ocr, ctx.options.langs)
    finally:
        ctx.timings["read"] = time.thread_time() - started


def _repair(ctx: PageContext, result: OcrResult) -> Page:
    tokens, char_box = join_words(result)
    ctx = dataclasses.replace(ctx, result=result, tokens=tokens, char_box=char_box)
    for name, stage in REPAIR_STAGES:
        if name not in ctx.options.disabled_stages:
            proposed = guarded(ctx, name, lambda: stage(ctx), [])
            ctx = dataclasses.replace(ctx, fixes=merge_fixes(ctx.fixes, proposed))
    text, words = apply_fixes(result, tokens, ctx.fixes)
    for name, text_stage in TEXT_STAGES:
        if name not in ctx.options.disabled_stages:
            text = guarded(ctx, name, lambda: text_stage(text), text)
    return _page(ctx, text, words)


def _page(ctx: PageContext, text: str, words: list[Word]) -> Page:
    """The page as read; its words are boxes on the image the stages made (upright, upsampled, straight)."""
    confs = [w.confidence for w in words if w.confidence >= 0]
    images = ctx.images
    width, height = images.page_size or images.gray.size
    if images.layout:                     # blocks were read one under the other: back to their place
        words = [dataclasses.replace(w, **dict(zip(("left", "top", "width", "height"),
                                                   place_back((w.left, w.top, w.width, w.height), images.layout))))
                 for w in words]
    return Page(number=ctx.number, text=text, method="ocr",
                confidence=round(sum(confs) / len(confs), 1) if confs else None, words=tuple(words),
                width=width, height=height, rotation=images.rotation)


def _failed(number: int, source: str | Path, reason: str) -> Page:
    log.warning("%s: page %d cannot be read: %s; stored as a failed page", source, number, reason)
    return Page(number=number, text="", method="failed", error=f"page {number}: {reason}")


PageSource = Callable[[], Page]


def run_ordered(sources: Iterable[Page | PageSource], jobs: int) -> Iterator[Page]:
    """Pages in order, computing the callables on ``jobs`` threads, at most ``jobs + 1`` ahead.

    Threads suffice: the work is a tesseract process per page plus numpy and
    OpenCV steps, which release the GIL. The window keeps memory flat: a
    100-page scan holds a few page images at a time, never all of them.
    """
    if jobs <= 1:
        for src in sources:
            yield src if isinstance(src, Page) else src()
        return
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="saraban-ocr") as pool:
        pending: deque[Future[Page] | Page] = deque()
        for src in sources:
            pending.append(src if isinstance(src, Page) else pool.submit(src))
            while len(pending) > jobs:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())


def _result(item: Future[Page] | Page) -> Page:
    return item if isinstance(item, Page) else item.result()


def default_engine() -> OcrEngine:
    """The engine used when the run names none: tesseract."""
    return TesseractEngine()
