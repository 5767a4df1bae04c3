"""Office files: .docx letters split at page breaks, .pptx decks one page per slide."""
from __future__ import annotations

import docx
import pptx
from docx.enum.text import WD_BREAK
from pptx.util import Inches

from saraban.ingest.office import read_docx_pages, read_pptx_pages
from saraban.ingest.triage import triage
from saraban.pipeline import process_file



def test_docx_letter_splits_at_page_breaks(tmp_path):
    document = docx.Document()
    document.add_paragraph("ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔")
    document.add_paragraph("๑๗ มีนาคม ๒๕๖๗").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("สิ่งที่ส่งมาด้วย กำหนดการประชุม จำนวน ๑ ฉบับ")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "งบประมาณ", "๑,๙๕๐,๐๐๐ บาท"
    document.save(tmp_path / "circular.docx")
    assert triage(tmp_path / "circular.docx") == "docx"
    pages = list(read_docx_pages(tmp_path / "circular.docx"))
    assert [p.method for p in pages] == ["docx", "docx"]
    assert pages[0].text.splitlines()[:2] == ["ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔", "๑๗ มีนาคม ๒๕๖๗"]
    assert "งบประมาณ ๑,๙๕๐,๐๐๐ บาท" in pages[1].text


def test_pptx_deck_gives_one_page_per_slide(tmp_path):
    deck = pptx.Presentation()
    for title, body in [("การขับเคลื่อน SDGs ระดับจังหวัด", "วันจันทร์ที่ ๒๔ เมษายน ๒๕๖๖"),
                        ("เป้าหมายที่ ๑๑", "๗๖ จังหวัด ๘๗๘ อำเภอ")]:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = title
        slide.shapes.add_textbox(Inches(1), Inches(3), Inches(6), Inches(1)).text_frame.text = body
    deck.save(tmp_path / "slides.pptx")
    pages = list(read_pptx_pages(tmp_path / "slides.pptx"))
    assert [(p.number, p.method) for p in pages] == [(1, "pptx"), (2, "pptx")]
    assert pages[0].text.splitlines() == ["การขับเคลื่อน SDGs ระดับจังหวัด", "วันจันทร์ที่ ๒๔ เมษายน ๒๕๖๖"]
    result = process_file(tmp_path / "slides.pptx")
    assert result.kind == "pptx" and len(result.pages) == 2


# --- damaged and hostile packages (issue 15) ----------------------------------------------------

import random  # noqa: E402
import tracemalloc  # noqa: E402
import zipfile  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from office_fixtures import LETTER, inflate_part, letter_docx, slides_pptx  # noqa: E402
from saraban.core.errors import CorruptFileError, SarabanError, TooLargeError  # noqa: E402
from saraban.ingest.office import MAX_RATIO, MAX_TEXT_BYTES  # noqa: E402

MB = 2**20


def _rewrite(src, dest, part, change):
    """``src`` with one part's bytes passed through ``change`` (None: the part left out)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = change(data)
                if data is None:
                    continue
            zout.writestr(info.filename, data)
    return dest


@pytest.mark.issue(15)
@pytest.mark.parametrize(("make", "part", "change", "reason"), [
    pytest.param(letter_docx, "word/document.xml", lambda b: b[: len(b) // 2], "damaged .docx: XMLSyntaxError",
                 id="docx-xml-cut-in-half"),
    pytest.param(slides_pptx, "ppt/slides/slide1.xml", lambda b: b[: len(b) // 2], "damaged .pptx: XMLSyntaxError",
                 id="pptx-xml-cut-in-half"),
    pytest.param(slides_pptx, "ppt/slides/slide1.xml", lambda b: None, "damaged .pptx: KeyError",
                 id="pptx-slide-part-missing"),
    pytest.param(letter_docx, "word/document.xml", lambda b: b.replace(b"w:body", b"w:bodx"),
                 "damaged .docx: ValueError: no w:body", id="docx-without-body"),
])
def test_damaged_office_xml_is_a_corrupt_file_naming_the_reason(tmp_path, make, part, change, reason):
    suffix = ".docx" if make is letter_docx else ".pptx"
    bad = _rewrite(make(tmp_path / f"good{suffix}"), tmp_path / f"bad{suffix}", part, change)
    with pytest.raises(CorruptFileError) as caught:
        process_file(bad)
    assert str(caught.value).startswith(f"{bad}: {reason}")
    assert "\n" not in str(caught.value)


@pytest.fixture(scope="module")
def good_packages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("office")
    return [letter_docx(folder / "good.docx", picture=True),
            slides_pptx(folder / "good.pptx", ("เป้าหมายที่ ๑๑", "๗๖ จังหวัด"), picture=True)]


@pytest.mark.issue(15)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, 1), seed=st.integers(0, 2**32 - 1))
def test_any_damage_to_a_part_is_pages_or_a_corrupt_file(tmp_path_factory, good_packages, which, seed):
    """Mutate the XML of a real package anywhere: the reader gives pages or CorruptFileError, never another error."""
    src = good_packages[which]
    rng = random.Random(seed)
    with zipfile.ZipFile(src) as zf:
        part = rng.choice([n for n in zf.namelist() if n.endswith((".xml", ".rels"))])

    def damage(data: bytes) -> bytes:
        b = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            if not b:  # a deletion took the whole part
                break
            at = rng.randrange(len(b))
            if rng.random() < 0.5:
                b[at] = rng.choice(b'<>"=/ :rIdw0')
            else:
                del b[at:at + rng.randint(1, 300)]
        return bytes(b)

    bad = _rewrite(src, tmp_path_factory.mktemp("fuzz") / src.name, part, damage)
    try:
        process_file(bad)
    except SarabanError as err:
        assert isinstance(err, CorruptFileError), err


def _peak_mb(fn):
    """Python's own allocations at their peak while ``fn`` runs, in MB (what a zip member inflated to shows here)."""
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


@pytest.mark.issue(15)
@pytest.mark.parametrize(("size", "why"), [
    pytest.param(MAX_TEXT_BYTES + MB, "inflates", id="document-xml-over-the-size-limit"),
    pytest.param(8 * MB, f"over {MAX_RATIO}:1", id="document-xml-over-the-ratio-limit"),
])
def test_an_xml_zip_bomb_is_refused_before_it_is_inflated(tmp_path, size, why):
    """A .docx whose word/document.xml inflates 1000:1 (issue 15: 495 KB -> 300 MB took 10 GB and 220 s)."""
    bomb = inflate_part(letter_docx(tmp_path / "letter.docx"), tmp_path / "bomb.docx", "word/document.xml", size,
                        filler=b"<w:p/>")
    part = zipfile.ZipFile(bomb).getinfo("word/document.xml")
    assert part.file_size > 500 * part.compress_size
    with pytest.raises(TooLargeError, match="zip-bomb guard") as caught:
        _peak_mb(lambda: process_file(bomb))
    assert why in str(caught.value) and str(caught.value).startswith(str(bomb))
    _, peak = _peak_mb(lambda: pytest.raises(TooLargeError, process_file, bomb))
    assert peak < 5


@pytest.mark.issue(15)
@pytest.mark.parametrize(("make", "media"), [
    pytest.param(letter_docx, "word/media/image1.png", id="docx"),
    pytest.param(slides_pptx, "ppt/media/image1.png", id="pptx"),
])
def test_media_parts_are_never_inflated(tmp_path, make, media):
    """A 256 MB zero-filled picture (issue 15: 2 GiB took 4.3 GB): the text is read, the picture never inflated."""
    suffix = ".docx" if make is letter_docx else ".pptx"
    bomb = inflate_part(make(tmp_path / f"good{suffix}", picture=True), tmp_path / f"bomb{suffix}", media, 256 * MB)
    result, peak = _peak_mb(lambda: process_file(bomb))
    expected = LETTER if make is letter_docx else "เป้าหมายที่ ๑๑"
    assert expected in result.norm.text
    assert peak < 40, f"{peak:.0f} MB allocated: the picture was inflated"
