"""The OCR page stages (issue 11): each runs guarded, each can be switched off, no page is ever lost."""
from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_fixtures import LETTER, FixedEngine, ReplayEngine, line_and_boxes, page_image
from PIL import Image, ImageDraw

from saraban.core.errors import OcrError
from saraban.ingest import Page, Word
from saraban.ingest.images import read_image_pages
from saraban.core.options import ReadOptions
from saraban.ingest.ocr import STAGE_NAMES, EngineError, OcrEngine, OcrResult, ocr_page
from saraban.ingest.page_context import PageContext
from saraban.ingest.preprocess import (
    DESKEW_MIN_ANGLE, IMAGE_STAGES, clean_specks, drop_colour, page_images, skew_angle, upsample,
)
from saraban.ingest.stages import REPAIR_STAGES, TEXT_STAGES, Fix, merge_fixes


class FlakyEngine(FixedEngine):
    """Reads every page as LETTER's first line, but crashes like tesseract on pages ``fail_height`` pixels high."""

    def __init__(self, fail_height: int) -> None:
        super().__init__("ที่ พล ๐๐๑๗.๓/๖๕๖๕")
        self.fail_height = fail_height

    def read(self, image, langs):
        self.calls += 1
        if image.height == self.fail_height:
            raise EngineError("tesseract crashed (signal 11)")
        return OcrResult(self.text)


def _tiff(path, heights):
    """A multi-page TIFF of LETTER, one frame per height (the flaky engine tells pages by height)."""
    frames = [page_image(LETTER, size=(1240, h)) for h in heights]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(300, 300))
    return path


def _context(image: Image.Image, **options) -> PageContext:
    return PageContext(number=1, source="scan.pdf", options=ReadOptions(**options), engine=FixedEngine(),
                       images=page_images(image))


# --- never lose a page --------------------------------------------------------

@pytest.mark.issue(11)
def test_a_stage_that_fails_costs_only_its_own_repair(monkeypatch, caplog):
    """The RecursionError of digits._split_touching lost whole documents; now the page keeps tesseract's text."""
    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr("saraban.ingest.stages.reread_digits", explode)
    img, result = line_and_boxes("จำนวน ๒๘๗ โครงการ", "จำนวน ๒๘๗ซ โครงการ")
    with caplog.at_level(logging.WARNING):
        page = ocr_page(3, img, engine=ReplayEngine(result), source="letters/r07.pdf")
    assert page.method == "ocr" and page.text.split()[:2] == ["จำนวน", "๒๘๗ซ"]   # as tesseract read it
    assert "letters/r07.pdf: page 3: stage digit_runs failed (RecursionError" in caplog.text


@pytest.mark.issue(11)
def test_a_page_tesseract_cannot_read_is_a_failed_page_and_the_others_are_read(tmp_path, caplog):
    scan = _tiff(tmp_path / "scan.tif", [600, 640, 600])
    with caplog.at_level(logging.WARNING):
        pages = list(read_image_pages(scan, ReadOptions(jobs=2), engine=FlakyEngine(fail_height=640)))
    assert [(p.number, p.method) for p in pages] == [(1, "ocr"), (2, "failed"), (3, "ocr")]
    assert pages[1].text == "" and "tesseract crashed" in pages[1].error
    assert pages[2].text.startswith("ที่ พล")
    assert "scan.tif: page 2 cannot be read: tesseract crashed" in caplog.text


@pytest.mark.issue(11)
def test_a_document_with_a_failed_page_is_printed_and_stored_with_every_page(tmp_path, monkeypatch):
    from saraban.cli import cli
    from saraban.db.store import open_store
    scan = _tiff(tmp_path / "scan.tif", [640, 600])
    monkeypatch.setattr("saraban.ingest.images.default_engine", lambda: FlakyEngine(fail_height=640))
    out = CliRunner().invoke(cli, ["extract", str(scan), "--json"])
    assert out.exit_code == 0, out.output
    [line] = out.stdout.splitlines()
    assert json.loads(line)["references"][0]["normalized"] == "พล 0017.3/6565"     # read from page 2
    db = tmp_path / "saraban.db"
    out = CliRunner().invoke(cli, ["ingest", str(scan), "--db", str(db), "--jobs", "1"])
    assert out.exit_code == 0, out.output
    rows = list(open_store(db).query("select number, method, text, error from pages order by number"))
    assert [(r["number"], r["method"]) for r in rows] == [(1, "failed"), (2, "ocr")]
    assert rows[0]["error"] == "page 1: tesseract crashed (signal 11)" and rows[1]["error"] is None   # why, for the clerk


def test_without_tesseract_the_file_fails_not_each_page(tmp_path):
    from saraban.ingest.ocr import TesseractEngine
    with pytest.raises(OcrError, match=r"scan\.png: page 1: .*not installed"):
        ocr_page(1, page_image(LETTER), engine=TesseractEngine(binary=str(tmp_path / "no-tesseract")),
                 source=tmp_path / "scan.png")


def test_a_page_image_that_cannot_be_decoded_is_a_failed_page(tmp_path):
    page_image(LETTER).save(tmp_path / "whole.png")
    data = (tmp_path / "whole.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    page = ocr_page(4, Image.open(tmp_path / "cut.png"), engine=FixedEngine(), source="scan.tif")
    assert page.method == "failed" and "truncated" in page.error


# --- the stages can be seen and switched off ------------------------------------

def test_every_stage_has_a_name_and_a_place():
    names = [n for stages in (IMAGE_STAGES, REPAIR_STAGES, TEXT_STAGES) for n, _ in stages]
    assert tuple(names) == STAGE_NAMES and len(set(names)) == len(names)


@pytest.mark.parametrize(("stage", "truth", "read", "switched_on"), [
    pytest.param("digit_runs", "จำนวน ๒๘๗ โครงการ", "จำนวน ๒๘๗ซ โครงการ", "จำนวน ๒๘๗ โครงการ", id="digit-runs"),
    pytest.param("latin_numbers", "ว ๓๓๓๘ ลงวันที่", "ว mame ลงวันที่", "ว ๓๓๓๘ ลงวันที่", id="latin-numbers"),
    pytest.param("tone_marks", "การพัฒนาที่ยั่งยืน", "การพัฒนาทียังยืน", "การพัฒนาที่ยั่งยืน", id="tone-marks"),
])
def test_a_stage_switched_off_leaves_the_text_as_read(stage, truth, read, switched_on):
    img, result = line_and_boxes(truth, read)
    assert ocr_page(1, img, engine=ReplayEngine(result)).text.strip() == switched_on
    off = ocr_page(1, img, engine=ReplayEngine(result), options=ReadOptions(disabled_stages=frozenset({stage})))
    assert off.text.strip() == read


def test_when_two_stages_fix_the_same_text_the_precedence_decides():
    digits = Fix(10, 14, "๑๑.๗", "digit_runs")
    target = Fix(10, 15, "๑๑.A", "sdg_targets")
    assert merge_fixes((digits,), [target]) == (target,)            # the whole token's reading wins
    assert merge_fixes((target,), [digits]) == (target,)            # whichever came first
    gap = Fix(14, 15, "", "number_gaps")
    assert merge_fixes((digits,), [gap]) == (digits, gap)            # apart: both stand


def test_a_word_a_stage_changed_is_marked_for_review():
    from saraban.ingest.layout import REREAD, place_words
    img, result = line_and_boxes("ที่ พล ๐๐๑๗.๓/๖๕๖๕", "ที่ พล ๐๐๑ฒ.๓/๐๕๒๐๕")
    page = ocr_page(1, img, engine=ReplayEngine(result))
    assert page.text.strip() == "ที่ พล ๐๐๑๗.๓/๖๕๖๕"
    assert [(w.text, w.origin) for w in page.words] == [("ที่", None), ("พล", None), ("๐๐๑๗.๓/๖๕๖๕", "reread")]
    placed = place_words(page.text, page.words)
    assert [bool(p.flags & REREAD) for p in placed] == [False, False, True]
    assert (page.width, page.height, page.rotation) == img.size + (0,)


# --- image stages -----------------------------------------------------------

def test_an_askew_page_is_straightened_the_right_way():
    page = page_image(LETTER, size=(2480, 1200))
    askew = page.rotate(2.0, resample=Image.BICUBIC, fillcolor=255)      # 2 degrees counter-clockwise
    angle = skew_angle(askew)
    assert angle == pytest.approx(-2.0, abs=0.25)
    straight = askew.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    assert abs(skew_angle(straight)) <= 0.2
    assert abs(skew_angle(page.rotate(0.5, fillcolor=255))) < DESKEW_MIN_ANGLE   # too little to turn


def test_a_low_resolution_page_is_read_at_300_dpi():
    low = page_image(LETTER, size=(1654, 800)).resize((1103, 533))
    low.info["dpi"] = (200, 200)
    images = upsample(_context(low))
    assert images.gray.size == (1654, 800) and images.gray.info["dpi"] == (300, 300)
    photo = Image.new("L", (3000, 4000), 255)
    photo.info["dpi"] = (72, 72)                                         # a phone photo "at 72 dpi"
    assert upsample(_context(photo)).gray.size == (3000, 4000)


def test_a_page_stored_sideways_is_turned_upright_by_the_engine_s_word():
    class Osd(FixedEngine):
        def orientation(self, image):
            return 90
    page = page_image(LETTER, size=(2480, 1400))
    engine = Osd()
    seen = []
    engine.read = lambda image, langs: seen.append(image) or OcrResult("")
    ocr_page(1, page.rotate(90, expand=True), engine=engine)               # stored turned a quarter left
    assert seen[0].size == page.size


def test_a_pen_stroke_across_the_text_is_taken_off_but_a_stamp_apart_stays():
    page = page_image(LETTER, size=(2480, 1200)).convert("RGB")
    draw = ImageDraw.Draw(page)
    draw.line([(40, 70), (900, 150)], fill=(30, 60, 200), width=6)       # pen across line 1
    draw.rectangle([(1700, 700), (2300, 1000)], outline=(40, 70, 190), width=5)   # a stamp's frame, apart
    page.info["dpi"] = (300, 300)
    images = drop_colour(_context(page))
    ocr = np.asarray(images.ocr)
    assert ocr[110, 470] > 200                    # the stroke between the letters is paper now
    assert ocr[700:1000, 1700:1706].mean() < 200  # the stamp's frame is still there for tesseract
    assert np.asarray(images.gray)[110, 470] < 200   # the re-read stages still see the stroke


def test_specks_of_a_1_bit_scan_are_removed_and_its_letters_kept():
    page = page_image(LETTER, size=(1654, 800), font_px=45).convert("1")
    a = np.asarray(page.convert("L")).copy()
    rng = np.random.default_rng(0)
    ys, xs = rng.integers(0, 800, 300), rng.integers(0, 1654, 300)
    a[ys, xs] = 0                                                        # one-pixel specks
    fax = Image.fromarray(a).convert("1")
    fax.info["dpi"] = (200, 200)
    images = clean_specks(_context(fax))
    out = np.asarray(images.ocr.convert("L"))
    assert (out[ys, xs] == 255).mean() > 0.9
    letters = np.asarray(page.convert("L")) < 128
    assert ((out < 128) & letters).sum() > 0.97 * letters.sum()


def _header_with_stamp(aligned: bool) -> Image.Image:
    """A letterhead of three lines at the left and, at the right, a framed receipt stamp whose lines
    stand between the letterhead's (or on the same rows, as a list's "จำนวน ๑ ฉบับ" column does)."""
    from ingest_fixtures import FONT
    from PIL import ImageFont
    img = Image.new("L", (2480, 1400), 255)
    draw, font = ImageDraw.Draw(img), ImageFont.truetype(str(FONT), 50)
    for k, line in enumerate(["สำนักงานส่งเสริมเศรษฐกิจดิจิทัล", "ที่ สศด ๐๘๐๔.๑/ว ๐๐๐๘๐", "ถนนลาดพร้าว กรุงเทพ"]):
        draw.text((100, 100 + 110 * k), line, fill=0, font=font)
    shift = 0 if aligned else 55
    if not aligned:
        draw.rectangle([(1500, 60), (2300, 420)], outline=0, width=4)
    for k, line in enumerate(["กลุ่มงานยุทธศาสตร์", "เลขที่ ๑๒๓", "วันที่ ๑๔ ม.ค. ๒๕๖๙"]):
        draw.text((1560, 100 + shift + 110 * k), line, fill=0, font=font)
    for k in range(4):
        draw.text((100, 700 + 110 * k), "ด้วยสำนักงานส่งเสริมเศรษฐกิจดิจิทัลได้ดำเนินโครงการหนึ่งตำบลหนึ่งดิจิทัล", fill=0, font=font)
    img.info["dpi"] = (300, 300)
    return img


def test_a_stamp_beside_the_letterhead_is_read_below_it_and_its_words_stay_in_place():
    page = _header_with_stamp(aligned=False)
    seen = []

    class Recording(FixedEngine):
        def read(self, image, langs):
            seen.append(image)
            # one word on the stamp's first line, where the laid-out image has it
            ink = np.asarray(image.convert("L")) < 128
            rows = np.flatnonzero(ink[:, 1560:2200].any(axis=1))
            return OcrResult("กลุ่มงาน\n", (Word("กลุ่มงาน", 1560, int(rows[0]) + 10, 300, 60, 90.0),))
    result = ocr_page(1, page, engine=Recording())
    laid = np.asarray(seen[0].convert("L")) < 128
    letterhead_rows = np.flatnonzero(laid[:, 100:1400].any(axis=1))
    stamp_rows = np.flatnonzero(laid[:, 1600:2200].any(axis=1))
    assert stamp_rows.min() > letterhead_rows[letterhead_rows < 600].max()      # the stamp comes after
    [word] = result.words
    assert 60 <= word.top <= 200 and (result.width, result.height) == page.size  # back on the page


def test_columns_whose_lines_line_up_stay_side_by_side():
    seen = []
    engine = FixedEngine()
    engine.read = lambda image, langs: seen.append(image) or OcrResult("")
    ocr_page(1, _header_with_stamp(aligned=True), engine=engine)
    assert seen[0].size == (2480, 1400)


# --- fuzz: crops of real scans through every stage -----------------------------

class RandomEngine(OcrEngine):
    """A fast fake: Thai digits, Latin words and Thai letters at random places of the image."""

    name = "random"

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def read(self, image, langs):
        w, h = image.size
        pieces = ["๒๕๖๕", "๐๐๑๗.๓/๖๕๖๕", "NUN", "5065", "@", "๑๑.ก2", "9.", "6845", "ไสทหาดทนท", "Lampang",
                  "ที่", "ทียังยืน", "ธันวาคม", "๒๕๒๐๕", "๓,๘๑๙,๒๔๐", "UM"]
        words, text = [], []
        for line in range(int(self.rng.integers(0, 6))):
            for _ in range(int(self.rng.integers(1, 6))):
                t = pieces[int(self.rng.integers(len(pieces)))]
                bw, bh = int(self.rng.integers(0, max(2, w))), int(self.rng.integers(0, max(2, h)))
                words.append(Word(t, int(self.rng.integers(-5, max(1, w))), int(self.rng.integers(-5, max(1, h))),
                                  bw, bh, float(self.rng.uniform(0, 100))))
                text.append(t + " ")
            text.append("\n")
        return OcrResult("".join(text), tuple(words))


# Stage failures the fuzz still finds, each to be fixed at its root (none today: the
# RecursionError of digits._split_touching it found first is fixed there).
KNOWN_FAILURES: tuple[str, ...] = ()


@pytest.fixture(scope="module")
def real_scan_pages(shared):
    from saraban.ingest.pdf import open_pdf, render_page
    pages = []
    for name in ("r02", "r06", "r09"):                 # colour stamps and pen, a 1-bit fax, a 400-dpi colour scan
        doc = open_pdf(shared / "corpus" / "scans" / f"{name}.pdf")
        pages.append(render_page(shared / "corpus" / "scans" / f"{name}.pdf", doc, 0, dpi=150))
        doc.close()
    return pages


@pytest.mark.slow
@pytest.mark.issue(11)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_crop_of_a_real_scan_makes_a_stage_fail(real_scan_pages, data, caplog):
    page = data.draw(st.sampled_from(real_scan_pages))
    w, h = page.size
    x0, y0 = data.draw(st.integers(0, w - 1)), data.draw(st.integers(0, h - 1))
    x1, y1 = data.draw(st.integers(x0 + 1, w)), data.draw(st.integers(y0 + 1, h))
    crop = page.crop((x0, y0, x1, y1))
    scale = data.draw(st.sampled_from([0.02, 0.1, 0.5, 1.0, 2.0, 3.0]))
    size = (max(1, int(crop.width * scale)), max(1, int(crop.height * scale)))
    if size[0] * size[1] <= 12_000_000:
        crop = crop.resize(size)
    crop = crop.rotate(data.draw(st.sampled_from([0, 90, 180, 270, 1.5, -3.0, 33.0])), expand=True)
    mode = data.draw(st.sampled_from(["RGB", "L", "1", "P", "RGBA"]))
    crop = crop.convert(mode)
    crop.info["dpi"] = data.draw(st.sampled_from([(300, 300), (200, 200), (72, 72), (600, 600)]))
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        result = ocr_page(1, crop, engine=RandomEngine(data.draw(st.integers(0, 2**16))), source="crop")
    assert isinstance(result, Page) and result.method in ("ocr", "failed")
    failures = sorted({r.getMessage() for r in caplog.records if "failed" in r.getMessage()
                       and not any(known in r.getMessage() for known in KNOWN_FAILURES)})
    assert not failures, failures[:3]                # the guard is the net, not the plan
