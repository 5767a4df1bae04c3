"""Issue 11's targets on the real scans of ../shared/corpus/scans, as scan_compare.py measures them.

``scan_compare.py ../shared/corpus/scans --plain`` runs ``saraban extract`` and
plain ``tesseract -l tha+eng`` on page 1 of each of the 15 real documents
(scanned letters and born-digital PDFs with broken text layers) and scores
both against the transcribed gold. The bars are the issue's; a bar the OCR
cannot reach yet is written at its target and marked xfail with the figure
measured last, so that nobody mistakes it for passing.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.issue(11)]

MAX_LINE_CER = 0.02
MAX_DIGIT_CER = 0.03
MAX_WORSE_THAN_PLAIN = 0.01          # line-CER points over plain tesseract's, on any one file
MIN_F1 = 0.95
FIELDS = ["dates", "references", "counts", "money", "provinces"]

# What the last full run measured (scan_compare.py --plain, 2026-11-30), for the bars not reached yet:
# line-CER 1.2 %, digit-CER 2.5 % and no file worse than plain tesseract are met. The misses left:
# r02's two receipt stamps (colour ink, dropped before OCR) and r06's "ลว. ๑๘" read "สว. ๓.๑๘"
# (dates); r02's reference line, set in a loopless typeface, read "Vi สศุด.๐๘๐๔ .๑ /ว2.๐๐๐๘๐".
MEASURED = {"dates": "0.938", "references": "0.889", "counts": "1.000", "money": "1.000", "provinces": "1.000"}


@pytest.fixture(scope="module")
def compared(shared: Path, tmp_path_factory) -> dict:
    """One scan_compare.py run (saraban and plain tesseract), its totals and its page-1 texts."""
    scans = shared / "corpus" / "scans"
    if not scans.is_dir():
        pytest.skip("../shared/corpus/scans is not there")
    out = tmp_path_factory.mktemp("scan-compare")
    cli = Path(sys.executable).parent / "saraban"
    proc = subprocess.run([sys.executable, str(shared / "tools" / "scan_compare.py"), str(scans), "--cli", str(cli),
                           "--plain", "--json", "--out", str(out)], capture_output=True, text=True)
    totals = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"totals": totals, "out": out, "scans": scans}


def test_no_real_scan_crashes(compared):
    assert compared["totals"]["saraban"]["crashes"] == []


def test_every_page_of_every_real_scan_is_stored(shared: Path, tmp_path):
    import pypdfium2 as pdfium
    from saraban.db.store import open_store
    scans = shared / "corpus" / "scans"
    db = tmp_path / "scans.db"
    proc = subprocess.run([str(Path(sys.executable).parent / "saraban"), "ingest", str(scans), "--db", str(db)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    store = open_store(db)
    stored = {Path(r["path"]).stem: r["n"] for r in store.query(
        "select documents.path as path, count(pages.id) as n from documents join pages on pages.doc_id = documents.doc_id"
        " where documents.status = 'ok' group by documents.doc_id")}
    expected = {pdf.stem: len(pdfium.PdfDocument(str(pdf))) for pdf in sorted(scans.glob("*.pdf"))}
    assert stored == expected


def test_line_cer(compared):
    assert compared["totals"]["saraban"]["line_cer"] <= MAX_LINE_CER


def test_digit_cer(compared):
    assert compared["totals"]["saraban"]["digit_cer"] <= MAX_DIGIT_CER


def test_no_file_is_worse_than_plain_tesseract(compared, shared_tool):
    compare = shared_tool("scan_compare")
    worse = {}
    for gold in sorted((compared["scans"] / "gold").glob("*.txt")):
        ref = gold.read_text(encoding="utf-8")
        rates = []
        for system in ("saraban", "tesseract"):
            hyp = (compared["out"] / system / f"{gold.stem}.page1.txt").read_text(encoding="utf-8")
            chars, errors, _, _ = compare.line_errors(ref, hyp)
            rates.append(errors / max(chars, 1))
        if rates[0] > rates[1] + MAX_WORSE_THAN_PLAIN:
            worse[gold.stem] = f"{100 * rates[0]:.1f} % vs {100 * rates[1]:.1f} %"
    assert not worse


@pytest.mark.parametrize("field", [
    pytest.param(f, marks=pytest.mark.xfail(reason=f"F1 measured {MEASURED[f]} (target {MIN_F1})"))
    if float(MEASURED[f]) < MIN_F1 else f for f in FIELDS])
def test_field_f1(compared, field):
    assert compared["totals"]["saraban"]["f1"][field] >= MIN_F1


@pytest.mark.parametrize("turn", [90, 270])
def test_a_real_letter_stored_sideways_is_read_upright(shared: Path, turn):
    """r01 is stored turned 270 degrees with a /Rotate (pdfium renders it upright); saved as a
    turned image, with no /Rotate to say so, it is turned back by tesseract's OSD and read."""
    from saraban.ingest.ocr import TesseractEngine, ocr_page
    from saraban.ingest.pdf import open_pdf, render_page
    pdf = shared / "corpus" / "scans" / "r01.pdf"
    doc = open_pdf(pdf)
    page = render_page(pdf, doc, 0)
    doc.close()
    turned = page.rotate(turn, expand=True)
    turned.info["dpi"] = page.info["dpi"]
    result = ocr_page(1, turned, engine=TesseractEngine(), source=pdf)
    assert "กลุ่มจังหวัดทุกกลุ่มจังหวัด" in result.text.replace(" ", "")
    assert result.rotation == turn
