"""A real browser on a real `saraban serve`: Debian's chromium, headless, driven by playwright.

The machine cannot download browsers: the test uses /usr/bin/chromium and
never calls `playwright install`. Screenshots land in test-artifacts/.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from saraban.batch import ingest_archive
from saraban.db.store import open_store
from saraban.runner import InlineRunner
from servers import free_port, start_server, stop_server

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory, samples):
    """`saraban serve` on the five dev documents; yields its base URL."""
    db_path = tmp_path_factory.mktemp("browser") / "saraban.db"
    db = open_store(db_path)
    ingest_archive(db, samples, InlineRunner())
    db.close()
    port = free_port()
    proc = start_server(db_path, port)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or str(CHROMIUM)
    if not Path(chromium).exists():
        pytest.skip("Debian's chromium is not installed (make installs it)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.parametrize(("word", "expected"), [
    pytest.param("ธนาคารขยะ", {"report_q2"}, id="waste-bank"),
    pytest.param("ถังขยะเปียก", {"letter_phitsanulok", "meeting_senate", "report_q2"}, id="wet-waste-bin"),
    pytest.param("งบ", {"meeting_senate", "news_localization", "report_q2", "slides_moi_sdg"}, id="two-char-word"),
])
def test_search_box_finds_the_document(site, browser, word, expected, request):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/saraban/pages")
    assert "หน้า / Pages" in page.content()
    box = page.locator("input[name=_search]")
    box.fill(word)
    with page.expect_navigation():
        box.press("Enter")
    assert "_search=" in page.url
    cells = page.locator("table.rows-and-columns td.col-doc_id")
    found = {cells.nth(i).inner_text().strip() for i in range(cells.count())}
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-{request.node.callspec.id}.png"))
    page.close()
    assert found == expected


# --- the page view and the review queue (issue 13) ----------------------------

SCAN = "memo_chiangmai_scan"       # a 300-dpi scan (render_scans.py) of memo_chiangmai.pdf, its born-digital twin
REVIEWER, PASSWORD = "somchai", "ตรวจทาน-2567"


def _sqlite_rows(db_path, sql):
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def review_site(tmp_path_factory):
    """`saraban serve --reviewers` on the scanned memo and its born-digital twin, ingested (OCR) from a copy."""
    from datasette_auth_passwords.utils import hash_password

    from saraban import corpus

    folder = tmp_path_factory.mktemp("pageview")
    for name in (f"{SCAN}.jpg", "memo_chiangmai.pdf"):
        shutil.copy(corpus.samples_dir() / name, folder / name)
    db_path = folder / "saraban.db"
    db = open_store(db_path)
    assert ingest_archive(db, [folder], InlineRunner()).counts == {"stored": 2}
    db.close()
    reviewers = folder / "reviewers.json"
    reviewers.write_text(f'{{"{REVIEWER}": "{hash_password(PASSWORD)}"}}', encoding="utf-8")
    port = free_port()
    proc = start_server(db_path, port, "--reviewers", str(reviewers))
    yield f"http://127.0.0.1:{port}", db_path
    stop_server(proc)


def _glyphs(text: str) -> tuple[float, float, float, float]:
    """Where ``text`` is printed on the born-digital twin (pdfplumber's character boxes), 0-1 of the page."""
    import pdfplumber

    from saraban import corpus

    with pdfplumber.open(corpus.samples_dir() / "memo_chiangmai.pdf") as pdf:
        page = pdf.pages[0]
        hit = page.search(text)[0]
        return hit["x0"] / page.width, hit["top"] / page.height, hit["x1"] / page.width, hit["bottom"] / page.height


def test_a_dates_row_links_to_its_box_over_the_glyphs_on_the_scan(review_site, browser):
    site, _ = review_site
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{site}/saraban/dates?doc_id={SCAN}&iso=2022-10-30")
    link = page.locator("table.rows-and-columns a.saraban-page-link").first
    with page.expect_navigation():
        link.click()
    assert f"/saraban/-/page/{SCAN}/1#m-dates-" in page.url
    page.wait_for_function("document.getElementById('pv-img').complete")
    anchor = page.url.split("#")[1]
    box = page.locator(f"#{anchor}")
    assert box.evaluate("e => e === document.activeElement")           # the box is in focus
    tip = box.locator(".pv-tip")
    assert tip.is_visible() and "2022-10-30" in tip.inner_text() and "ocr" in tip.inner_text()
    img = page.locator("#pv-img").bounding_box()
    b = box.bounding_box()
    # the box in 0-1 of the image as shown, against where the twin prints ๓๐ ตุลาคม ๒๕๖๕
    x0, y0 = (b["x"] - img["x"]) / img["width"], (b["y"] - img["y"]) / img["height"]
    x1, y1 = x0 + b["width"] / img["width"], y0 + b["height"] / img["height"]
    gx0, gy0, gx1, gy1 = _glyphs("๓๐ ตุลาคม ๒๕๖๕")
    overlap = max(0.0, min(x1, gx1) - max(x0, gx0)) * max(0.0, min(y1, gy1) - max(y0, gy0))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pageview-scan-date-box.png"))
    page.close()
    # the scan is tilted and shifted a little (render_scans.py): most of the glyphs, not all, are under the box
    assert overlap >= 0.5 * (gx1 - gx0) * (gy1 - gy0), ((x0, y0, x1, y1), (gx0, gy0, gx1, gy1))


def test_a_reviewer_corrects_a_digit_and_it_survives_reprocess(review_site, browser):
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    site, db_path = review_site
    seq = _sqlite_rows(db_path, f"select seq from dates where doc_id = '{SCAN}' and iso = '2022-10-30'")[0][0]
    action = f"{site}/saraban/-/review/dates/{SCAN}/{seq}"

    # anonymous: the same POST is refused and nothing is written
    before = _sqlite_rows(db_path, "select * from dates order by doc_id, seq"), _sqlite_rows(db_path, "select * from corrections")
    request = urllib.request.Request(action, data=b"action=corrected&iso=2022-10-31", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    assert (_sqlite_rows(db_path, "select * from dates order by doc_id, seq"),
            _sqlite_rows(db_path, "select * from corrections")) == before

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{site}/-/login")
    page.fill("input[name=username]", REVIEWER)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit], button[type=submit]")
    page.goto(f"{site}/saraban/-/page/{SCAN}/1#m-dates-{seq}")
    row = page.locator(f"tr.pv-row[data-m=m-dates-{seq}]")
    # the reviewer reads ๓๑ on the paper where the record says ๓๐: one digit
    row.locator("input[name=iso]").fill("2022-10-31")
    with page.expect_navigation():
        row.locator("button[value=corrected]").click()
    assert page.url.endswith(f"#m-dates-{seq}") and "error=" not in page.url
    page.goto(f"{site}/saraban/dates?doc_id={SCAN}")
    table = page.locator("table.rows-and-columns").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("table.rows-and-columns").screenshot(path=str(ARTIFACTS / "pageview-corrected-in-table.png"))
    assert "2022-10-31" in table and "corrected" in table and "2022-10-30" not in table

    subprocess.run([sys.executable, "-m", "saraban", "reprocess", "--db", str(db_path), "--all", "--jobs", "1",
                    "--no-progress"], check=True, capture_output=True)
    assert _sqlite_rows(db_path, f"select iso, reviewed from dates where doc_id = '{SCAN}' and seq = {seq}") == [
        ("2022-10-31", "corrected")]
    assert _sqlite_rows(db_path, "select action, reviewer, status from corrections") == [
        ("corrected", REVIEWER, "attached")]
    page.goto(f"{site}/saraban/dates?doc_id={SCAN}")
    assert "2022-10-31" in page.locator("table.rows-and-columns").inner_text()
    page.goto(f"{site}/saraban/-/review")
    page.screenshot(path=str(ARTIFACTS / "pageview-review-queue.png"))
    page.close()


@pytest.mark.parametrize("path", [
    pytest.param("/saraban/-/page-image/../1.jpg", id="dot-dot"),
    pytest.param("/saraban/-/page-image/..%2F..%2Fetc%2Fpasswd/1.jpg", id="encoded-dot-dot"),
    pytest.param("/saraban/-/page-image//etc/passwd/1.jpg", id="absolute"),
    pytest.param("/saraban/-/page-image/no_such_document/1.jpg", id="unknown-id"),
    pytest.param(f"/saraban/-/page-image/{SCAN}/2.jpg", id="unknown-page"),
    pytest.param("/saraban/-/page/..%2Fsaraban.db/1", id="page-view-dot-dot"),
])
def test_path_tricks_on_the_image_route_get_404(review_site, path):
    import http.client
    import urllib.parse

    site, _ = review_site
    host = urllib.parse.urlsplit(site)
    for _ in range(3):   # follow Datasette's redirect of an encoded slash to its tilde form
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        conn.request("GET", path)      # sent as written: no client folds the ".."
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status not in (301, 302):
            break
        path = response.getheader("location")
    assert response.status == 404, (path, body[:200])
    assert b"root:" not in body
