"""The Datasette site, through Datasette's own in-process client, and a real server under load."""
from __future__ import annotations

import asyncio
import re
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from saraban.batch import ingest_archive
from saraban.runner import InlineRunner
from saraban.db.site import build_metadata, make_datasette
from saraban.db.store import open_store, save_document
from saraban.pipeline import process_text
from servers import actor_cookie, free_port, start_server, stop_server

# One letter with a mention of every field, read by the real pipeline.
LETTER = (
    "ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔ ลงวันที่ ๒๒ ธันวาคม ๒๕๖๕ เรื่อง ขับเคลื่อนเป้าหมายการพัฒนาที่ยั่งยืน "
    "เป้าหมายย่อย 11.6 ในจังหวัดเชียงราย งบประมาณ 9.6845ล้านบาท\n"
    "เป้าหมายหลักที่ 11 จำนวน 742 โครงการ"
)


def spec_shaped_letter():
    """A letter with at least one record per field of spec/extraction.md."""
    result = process_text(LETTER, "letter_spec")
    assert all(result.fields[f] for f in ("dates", "references", "counts", "goals", "targets", "money", "provinces"))
    return result


@pytest.fixture(scope="module")
def db_path(tmp_path_factory, samples):
    path = tmp_path_factory.mktemp("site") / "saraban.db"
    db = open_store(path)
    assert ingest_archive(db, samples, InlineRunner()).counts == {"stored": 5}
    save_document(db, spec_shaped_letter().stored())
    db.close()
    return path


@pytest.fixture(scope="module")
def get(db_path):
    """GET through Datasette's in-process client: path -> (status, parsed JSON or text)."""
    ds = make_datasette(db_path)

    def _get(path: str, method: str = "GET"):
        async def call():
            r = await ds.client.request(method, path)
            try:
                return r.status_code, r.json()
            except ValueError:
                return r.status_code, r.text
        return asyncio.run(call())

    return _get


def q(s: str) -> str:
    return urllib.parse.quote(s)


def test_metadata_titles_in_thai_and_english(get):
    status, meta = get("/-/metadata.json")
    assert status == 200
    assert "สารบรรณ" in meta["title"] and "Thai government paperwork" in meta["title"]
    tables = meta["databases"]["saraban"]["tables"]
    assert tables["pages"]["title"] == "หน้า / Pages"
    assert tables["pages"]["fts_table"] == "pages_fts"
    assert "ISO" in tables["dates"]["columns"]["iso"]


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param("ธนาคารขยะ", {"report_q2"}, id="waste-bank-finds-the-quarterly-report"),
    pytest.param("ถังขยะเปียก", {"letter_phitsanulok", "meeting_senate", "report_q2"}, id="wet-waste-bin-three-docs"),
    pytest.param("งบ", {"meeting_senate", "news_localization", "report_q2", "slides_moi_sdg", "letter_spec"},
                 id="two-chars-via-syllables"),
    pytest.param("การคลัง", set(), id="word-in-no-page"),
    pytest.param("ถังขยะเปียก ธนาคารขยะ", {"report_q2"}, id="two-words-both-required"),
])
def test_search_box_on_pages_finds_thai(get, query, expected):
    status, data = get(f"/saraban/pages.json?_search={q(query)}&_shape=array&_col=doc_id")
    assert status == 200, data
    assert {row["doc_id"] for row in data} == expected


def test_default_facets(get):
    status, data = get("/saraban/dates.json")
    assert status == 200
    assert {"year", "doc_id"} <= set(data["facet_results"])
    years = {f["value"] for f in data["facet_results"]["year"]["results"]}
    assert 2022 in years
    _, provinces = get("/saraban/provinces.json")
    assert "name" in provinces["facet_results"]
    _, counts = get("/saraban/counts.json")
    assert "unit" in counts["facet_results"]
    _, refs = get("/saraban/references.json")
    agencies = {f["value"] for f in refs["facet_results"]["agency_code"]["results"]}
    assert "มท" in agencies
    _, goals = get("/saraban/goals.json")
    assert 11 in {f["value"] for f in goals["facet_results"]["goal"]["results"]}


def test_rows_link_to_document_and_page(get):
    status, data = get("/saraban/dates.json?_labels=on&doc_id=letter_spec&_shape=array")
    assert status == 200
    row = data[0]
    assert row["page_id"] == {"value": "letter_spec:1", "label": "letter_spec หน้า 1"}
    assert row["doc_id"]["value"] == "letter_spec"
    assert row["year"] == 2022
    # the link Datasette renders for the page cell opens that page's row
    status, html = get("/saraban/dates?doc_id=letter_spec")
    assert status == 200
    href = re.search(r'<a href="(/saraban/pages/[^"]+)">letter_spec หน้า 1</a>', html).group(1)
    status, page = get(href + ".json?_shape=array")
    assert status == 200 and page[0]["doc_id"] == "letter_spec" and "เชียงราย" in page[0]["text"]


def test_derived_facet_columns(get):
    _, refs = get("/saraban/references.json?doc_id=letter_spec&_shape=array")
    assert (refs[0]["agency_code"], refs[0]["agency_name"]) == ("มท", "กระทรวงมหาดไทย")
    _, prov = get("/saraban/provinces.json?doc_id=letter_spec&_shape=array")
    assert prov[0]["name_en"] == "Chiang Rai"
    _, goals = get("/saraban/goals.json?doc_id=letter_spec&_shape=array")
    assert goals[0]["goal_en"]


def test_canned_projects_per_goal(get):
    status, rows = get("/saraban/projects_per_goal.json?_shape=array")
    assert status == 200, rows
    assert len(rows) == 17
    g11 = rows[10]
    assert g11["goal"] == 11 and g11["documents"] >= 1 and g11["projects_stated"] >= 742
    assert "letter_spec" in g11["document_ids"]


def test_canned_documents_per_province(get):
    status, rows = get("/saraban/documents_per_province.json?_shape=array")
    assert status == 200, rows
    chiang_rai = next(r for r in rows if r["name"] == "เชียงราย")
    assert chiang_rai["name_en"] == "Chiang Rai" and chiang_rai["documents"] >= 1


def test_canned_references_with_their_letters_date(get):
    status, rows = get("/saraban/references_with_dates.json?_shape=array")
    assert status == 200, rows
    ref = next(r for r in rows if r["doc_id"] == "letter_spec")
    assert (ref["normalized"], ref["letter_date"], ref["agency_name"]) == ("มท 0204.4/ว10104", "2022-12-22", "กระทรวงมหาดไทย")


def test_canned_target_mentions(get):
    status, rows = get("/saraban/target_mentions.json?target=11.6&_shape=array")
    assert status == 200, rows
    assert rows and all(r["target"] == "11.6" for r in rows)
    assert "letter_spec" in {r["doc_id"] for r in rows}
    _, none = get("/saraban/target_mentions.json?target=99.9&_shape=array")
    assert none == []


def test_canned_like_search_finds_short_terms(get):
    status, rows = get(f"/saraban/pages_containing.json?q={q('งบ')}&_shape=array")
    assert status == 200, rows
    assert {r["doc_id"] for r in rows} >= {"meeting_senate", "news_localization", "report_q2", "slides_moi_sdg"}
    assert all("งบ" in r["context"] for r in rows)


def test_site_is_read_only(get, db_path):
    status, _ = get(f"/saraban.json?sql={q('delete from documents')}")
    assert status in (400, 403)
    # a read-only canned query takes no POST (issue 15: Datasette 0.65 answered 500)
    status, _ = get("/saraban/target_mentions", method="POST")
    assert status == 405
    _, queries = get("/saraban.json")
    assert all(not query.get("write") for query in queries["queries"])
    _, plugins = get("/-/plugins.json")
    # no write plugins: Thai search, the page view (whose only write, a reviewer's decision, needs
    # a signed-in reviewer: tests/test_pageview.py), the reviewers' password sign-in, and what
    # bounds a request, the error pages and hides server paths (issue 15)
    assert sorted(p["name"] for p in plugins) == [
        "datasette-auth-passwords", "saraban.db.error_pages", "saraban.db.guard", "saraban.db.pageview",
        "saraban.db.server_paths", "saraban.db.thai_search"]
    _, count = get("/saraban/documents.json?_shape=array&_col=doc_id")
    assert len(count) == 6


def test_canned_queries_left_out_until_their_columns_exist(tmp_path):
    db = open_store(tmp_path / "empty.db")
    have = {t: set(db[t].columns_dict) for t in db.table_names()}
    meta = build_metadata(db, "empty")
    queries = meta["databases"]["empty"]["queries"]
    assert "pages_containing" in queries
    if "goal" not in have["goals"]:
        assert "projects_per_goal" not in queries


# --- a real server -----------------------------------------------------------

@pytest.mark.slow
def test_serving_while_ingest_writes_never_locks(tmp_path, samples):
    db_path = tmp_path / "live.db"
    db = open_store(db_path)
    ingest_archive(db, samples, InlineRunner())
    db.close()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    base = samples[-1].read_text(encoding="utf-8")
    for i in range(40):  # distinct bytes, so each is a new document and a real write
        (inbox / f"memo_{i:02d}.txt").write_text(f"บันทึกข้อความ ฉบับที่ {i}\n{base}", encoding="utf-8")

    port = free_port()
    proc = start_server(db_path, port, secret="serving-while-ingest")
    cookie = actor_cookie("serving-while-ingest")  # the SQL box is for signed-in visitors (issue 15)
    failures: list[str] = []
    answered = 0
    stop = threading.Event()
    urls = [
        f"http://127.0.0.1:{port}/live/pages.json?_search={q('ถังขยะเปียก')}",
        f"http://127.0.0.1:{port}/live/documents.json?_facet=status",
        f"http://127.0.0.1:{port}/live/pages_containing.json?q={q('งบ')}",
        f"http://127.0.0.1:{port}/live.json?sql={q('select count(*) from pages')}",
    ]

    def read_loop():
        nonlocal answered
        while not stop.is_set():
            for url in urls:
                try:
                    request = urllib.request.Request(url, headers={"Cookie": cookie})
                    body = urllib.request.urlopen(request, timeout=30).read().decode()
                    answered += 1
                    if "locked" in body:
                        failures.append(f"{url}: {body[:200]}")
                except urllib.error.HTTPError as err:
                    failures.append(f"{url}: HTTP {err.code} {err.read()[:200]!r}")
                except OSError as err:
                    failures.append(f"{url}: {err}")

    readers = [threading.Thread(target=read_loop) for _ in range(2)]
    try:
        for t in readers:
            t.start()
        ingest = subprocess.Popen(
            [sys.executable, "-m", "saraban", "ingest", str(inbox), "--db", str(db_path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHAINLP_OFFLINE": "1"},
        )
        # and a second writer in this process at the same time
        db = open_store(db_path)
        for i in range(20):
            save_document(db, process_text(f"หนังสือที่ {i} ถังขยะเปียก", f"extra_{i}").stored())
        db.close()
        _, ingest_err = ingest.communicate(timeout=600)
    finally:
        stop.set()
        for t in readers:
            t.join(timeout=60)
        stop_server(proc)
    assert ingest.returncode == 0, ingest_err
    assert "locked" not in ingest_err
    assert failures == [], "\n".join(failures)
    print(f"{answered} HTTP requests answered, 0 failed, while 60 documents were written")
    assert answered > 20
    final = open_store(db_path)
    assert final["documents"].count == 5 + 40 + 20
    assert final["pages_fts"].count == final["pages"].count


SLIDE = (
    "- (1) เป้าหมายหลักที่ 2 (การขจัดความหิวโหย) จำนวน 106 โครงการ\n"
    " - (2) เป้าหมายหลักที่ 8 (การพัฒนาเศรษฐกิจเติบโต) จำนวน 56 โครงการ\n"
    "จำนวนโครงการที่นำเสนอ ทั้งสิ้น ๘๗๘ โครงการ"
)


def test_projects_per_goal_pairs_each_goal_with_the_count_stated_after_it(tmp_path):
    """From the MOI slides: a goal named twice (number, then title) still counts its projects once."""
    result = process_text(SLIDE, "slides_spec")
    path = tmp_path / "slides.db"
    db = open_store(path)
    save_document(db, result.stored())
    db.close()
    ds = make_datasette(path)

    async def call():
        return (await ds.client.get("/slides/projects_per_goal.json?_shape=array")).json()

    rows = {r["goal"]: r for r in asyncio.run(call())}
    assert (rows[2]["mentions"], rows[2]["projects_stated"]) == (2, 106)
    assert rows[8]["projects_stated"] == 56
    assert rows[1]["projects_stated"] is None and rows[1]["documents"] == 0
