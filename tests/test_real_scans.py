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

# What the last full run measured (scan_compare.py --plain), for the bars not reached yet. r15's
# page 1 is read from its text layer (tone marks dropped: line-CER 11.3 %, digit-CER 36.5 %);
# OCR'd, as bench/ocr_accuracy.py --real reads it, the 15 pages give line-CER 1.5 %, digit-CER 2.2 %.
MEASURED = {
    "line_cer": "2.2 %, r15's text layer 11.3 %",
    "digit_cer": "5.2 %, r15's text layer 36.5 %, r06 (1-bit 200 dpi) 15.6 %, r09 11.8 %",
    "worse": "r15 11.3 % vs 2.9 % (its text layer is read, not OCR'd)",
    "dates": "0.921", "references": "0.571", "counts": "0.889", "money": "0.960", "provinces": "0.927",
}


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


@pytest.mark.xfail(reason=f"line-CER measured {MEASURED['line_cer']} (target 2 %)")
def test_line_cer(compared):
    assert compared["totals"]["saraban"]["line_cer"] <= MAX_LINE_CER


@pytest.mark.xfail(reason=f"digit-CER measured {MEASURED['digit_cer']} (target 3 %)")
def test_digit_cer(compared):
    assert compared["totals"]["saraban"]["digit_cer"] <= MAX_DIGIT_CER


@pytest.mark.xfail(reason=f"measured {MEASURED['worse']}")
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
