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
