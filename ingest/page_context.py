"""What the OCR page stages share: the options of a run, the images of a page, what tesseract read.

One :class:`PageContext` travels through the stages of ``ocr_page``
(ingest/ocr.py), as a page context travels through OCRmyPDF's
``_pipeline.py``: image stages (ingest/preprocess.py) return a new context
with new images, repair stages (ingest/stages.py) return the fixes they
propose, and :func:`guarded` runs each so that a stage that fails costs only
its own work, never the page.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from PIL import Image
from rapidfuzz.distance import Levenshtein

from saraban.core.options import ReadOptions
from saraban.ingest import Word

if TYPE_CHECKING:
    from saraban.ingest.ocr import OcrEngine

log = logging.getLogger(__name__)

@dataclass(frozen=True, slots=True)
class OcrResult:
    """What an engine read on one page image.

    ``text`` is the engine's plain text; ``boxes`` its smallest located units
    (tesseract's TSV level-5 items: whole Latin words, often single Thai
    characters) with their boxes in image pixels and confidences (0-100).
    """

    text: str
    boxes: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class PageImages:
    """The images of one page as the image stages hand them on.

    ``gray`` is the 8-bit page the re-read stages cut glyphs from (upright,
    upsampled, straightened); ``ocr`` is what tesseract is given (colour ink
    dropped, cleaned, black and white); ``colour`` the RGB page when it came
    in colour (None for a gray or 1-bit scan). ``source_dpi`` and
    ``source_bits`` describe the scan as stored (a 200-dpi fax is
    ``200, 1``), when known.
    """

    gray: Image.Image
    ocr: Image.Image
    colour: Image.Image | None = None
    source_dpi: float | None = None
    source_bits: int | None = None
    rotation: int = 0              # degrees the page was turned clockwise to stand upright
    skew: float = 0.0              # skew left in the page (degrees, preprocess.skew_angle), when too small to turn
    layout: tuple[Any, ...] = ()   # preprocess.Segment: blocks moved one under the other (separate_blocks)
    page_size: tuple[int, int] | None = None   # the page's size before separate_blocks laid it out

    @property
    def dpi(self) -> float:
        return float(self.gray.info.get("dpi", (300, 300))[0] or 300)


@dataclass(frozen=True, slots=True)
class Token:
    """A white-space separated piece of the page text and the boxes under it."""

    start: int
    end: int
    boxes: tuple[int, ...]       # indices into OcrResult.boxes


@dataclass(frozen=True, slots=True)
class Fix:
    """One stage's proposal: put ``text`` in place of page text [start:end)."""

    start: int
    end: int
    text: str
    stage: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PageContext:
    """Everything a page stage may look at. Stages never change it; they return a new one or fixes."""

    number: int
    source: str
    options: ReadOptions                    # langs, deskew, disabled_stages (saraban.core.options)
    engine: OcrEngine
    images: PageImages
    result: OcrResult = OcrResult("")
    tokens: tuple[Token, ...] = ()
    char_box: tuple[int | None, ...] = ()
    fixes: tuple[Fix, ...] = ()           # accepted so far, by stages.merge_fixes
    memo: dict[str, Any] = field(default_factory=dict)         # what stages work out once per page (its digit fonts)
    timings: dict[str, float] = field(default_factory=dict)   # CPU seconds per stage, for bench/ocr.py

    @property
    def text(self) -> str:
        return self.result.text


def join_words(result: OcrResult) -> tuple[tuple[Token, ...], tuple[int | None, ...]]:
    """Whitespace-separated tokens of the text, and for each text character its box index.

    tesseract writes the text and the TSV from the same recognition, so the
    text without white space equals the boxes' texts concatenated; where it
    does not (rare), an edit alignment maps what it can.
    """
    text = result.text
    box_chars: list[int] = []
    for i, box in enumerate(result.boxes):
        box_chars.extend([i] * len(box.text))
    flat = "".join(b.text for b in result.boxes)
    positions = [i for i, c in enumerate(text) if not c.isspace()]
    letters = "".join(text[i] for i in positions)
    char_box: list[int | None] = [None] * len(text)
    if letters == flat:
        for pos, b in zip(positions, box_chars):
            char_box[pos] = b
    else:
        for op in Levenshtein.opcodes(letters, flat):
            if op.tag in ("equal", "replace"):
                for k in range(min(op.src_end - op.src_start, op.dest_end - op.dest_start)):
                    char_box[positions[op.src_start + k]] = box_chars[op.dest_start + k]
    tokens = []
    for m in re.finditer(r"\S+", text):
        idx = tuple(dict.fromkeys(b for b in char_box[m.start():m.end()] if b is not None))
        tokens.append(Token(m.start(), m.end(), idx))
    return tuple(tokens), tuple(char_box)


T = TypeVar("T")


def guarded(ctx: PageContext, stage: str, run: Callable[[], T], fallback: T) -> T:
    """``run()``, or ``fallback`` when it raises: the failure is logged with file, page and stage.

    Issue 11: a RecursionError in one digit run lost whole documents. A stage
    is a repair, and a repair that fails leaves the page as it was before it.
    """
    started = time.thread_time()
    try:
        return run()
    except Exception as err:  # noqa: BLE001 - any failure of one stage must not cost the page
        log.warning("%s: page %d: stage %s failed (%s: %s); the page keeps what it had before it",
                    ctx.source, ctx.number, stage, type(err).__name__, err)
        return fallback
    finally:   # this thread's CPU seconds (an engine call's own process is not counted)
        ctx.timings[stage] = ctx.timings.get(stage, 0.0) + time.thread_time() - started
