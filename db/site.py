"""The Datasette site researchers browse: metadata, canned queries, and serving the file.

Datasette 0.65.x, configured with ``metadata.json`` (not 1.0's ``datasette.yaml``).
The metadata is built from the database's own columns, so a field the
registry gains shows up with no edit here; canned queries whose columns are
not there yet are left out rather than served broken.

Read-only for the public: canned queries are all ``select``s, Datasette 0.65
has no write API, and the plugins (:data:`PLUGINS`) only read, but for a
signed-in reviewer's decision on the page view: the Thai search function
(db/thai_search.py), the page view and review queue (db/pageview.py), the
limits on what one request may cost (db/guard.py), error pages without rich
(db/error_pages.py), and server paths kept from the public
(db/server_paths.py). The file is served mutable (never ``-i``) because
``saraban ingest`` may write while it is served; WAL lets both run.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from saraban.db import error_pages, guard, pageview, schema, server_paths, thai_search

# The plugins `saraban serve` loads, by the name Datasette's plugin manager knows them.
PLUGINS = {
    "saraban_thai_search": thai_search,
    "saraban_pageview": pageview,
    # issue 15: what one request may cost, error pages without rich, no server paths
    "saraban_guard": guard,
    "saraban_error_pages": error_pages,
    "saraban_server_paths": server_paths,
}
# Datasette's own plugins that ours replace: its error page prints every traceback
# with rich on the event loop (issue 15, item 7; db/error_pages.py).
REPLACED = ("datasette.handle_exception",)

SITE_TITLE = "สารบรรณ Saraban: ข้อมูลจากเอกสารราชการไทย / Thai government paperwork as data"
SITE_DESCRIPTION = (
    "<p>วันที่ เลขที่หนังสือ จำนวน เป้าหมาย SDG เงิน และจังหวัด ที่สกัดจากหนังสือราชการ "
    "รายงาน และสไลด์ แต่ละแถวลิงก์ไปยังเอกสารและหน้าที่พบ ค้นหาข้อความภาษาไทยได้ในตาราง pages</p>"
    "<p>Dates, reference numbers, counts, SDG goals and targets, money and provinces extracted "
    "from Thai official letters, reports and slide decks. Every row links to its document and "
    "page. Search Thai text in the pages table.</p>"
)

# Titles of the fixed tables and of the fields of spec/extraction.md; a field not
# listed here (one the registry gains later) is titled by its own name.
TABLES: dict[str, tuple[str, str]] = {
    schema.DOCUMENTS: ("เอกสาร / Documents",
                       "หนึ่งแถวต่อเนื้อหาไฟล์ (sha256) สถานะ ok หรือ failed พร้อมข้อผิดพลาด / "
                       "One row per distinct file content (sha256): status ok or failed with the error."),
    schema.PAGES: ("หน้า / Pages",
                   "ข้อความของแต่ละหน้า ต้นฉบับและที่ปรับแล้ว ค้นหาภาษาไทยได้ / "
                   "Each page's raw and normalized text, with Thai full-text search."),
    schema.COPIES: ("สำเนา / Copies",
                    "ไฟล์ชื่ออื่นที่มีเนื้อหาเดียวกับเอกสารที่เก็บแล้ว / "
                    "Other file names holding the same bytes as a stored document."),
    schema.SDG_GOALS: ("เป้าหมาย SDG ทั้ง 17 / The 17 SDGs",
                       "ชื่อเป้าหมายการพัฒนาที่ยั่งยืน ไทยและอังกฤษ / The Sustainable Development Goals, Thai and English."),
    "dates": ("วันที่ / Dates", "วันที่ที่ระบุวัน เดือน ปี (ค.ศ. แบบ ISO) / Calendar dates, as ISO (Common Era)."),
    "references": ("เลขที่หนังสือ / Reference numbers",
                   "เลขที่หนังสือราชการ เช่น มท 0204.4/ว10104 พร้อมรหัสและชื่อหน่วยงาน / "
                   "Official letter numbers with the agency code and name."),
    "counts": ("จำนวน / Counts", "ตัวเลขกับหน่วยนับ เช่น 742 โครงการ / A number with its counting unit."),
    "goals": ("เป้าหมาย SDG ที่กล่าวถึง / SDG goal mentions", "เป้าหมาย 1-17 ที่เอกสารกล่าวถึง / SDGs 1-17 the text names."),
    "targets": ("เป้าหมายย่อย SDG / SDG target mentions",
                "เป้าหมายย่อย เช่น 5.b และว่าเป็นเป้าหมายย่อยทางการหรือไม่ / Targets such as 5.b, and whether official."),
    "money": ("จำนวนเงิน / Money", "จำนวนเงินเป็นบาท / Amounts in baht."),
    "provinces": ("จังหวัด / Provinces", "จังหวัดที่กล่าวถึง ชื่อไทยและอังกฤษ / Provinces named, Thai and English."),
    "letter": ("ส่วนของหนังสือ / Letter fields",
               "เรื่อง เรียน อ้างถึง ผู้ลงนาม ฯลฯ ของหนังสือราชการ / The parts of an official letter."),
    "times": ("เวลา / Times", "เวลาที่ระบุในเอกสาร / Times of day the text gives."),
}

# Column descriptions by column name, whatever table the column is in.
COLUMNS: dict[str, str] = {
    "doc_id": "เอกสาร / The document",
    "seq": "ลำดับในเอกสาร / Order within the document",
    "page_id": "หน้าที่พบ / The page it was found on",
    "page": "เลขหน้า / Page number",
    "text": "ข้อความที่พบ ตามที่ปรากฏ / The matched text as it stands",
    "start": "ตำแหน่งเริ่มในข้อความที่ปรับแล้ว / Start offset in the normalized text",
    "end": "ตำแหน่งจบในข้อความที่ปรับแล้ว / End offset in the normalized text",
    "raw_start": "ตำแหน่งเริ่มในข้อความต้นฉบับ / Start offset in the raw text",
    "raw_end": "ตำแหน่งจบในข้อความต้นฉบับ / End offset in the raw text",
    "confidence": "ความมั่นใจ 0-1 (1 = ตรงรูปแบบ) / Confidence 0-1 (1 = exact pattern)",
    "extractor": "ตัวสกัดที่พบ / The extractor that found it",
    "extractor_version": "รุ่นของตัวสกัด / The extractor's version",
    "iso": "วันที่ ISO ค.ศ. (ช่วง: START/END) / ISO date, Common Era (a range is START/END)",
    "year": "ปี ค.ศ. / Year (Common Era)",
    "normalized": "เลขที่หนังสือแบบมาตรฐาน / The reference number, normalized",
    "agency_code": "รหัสหน่วยงาน เช่น มท / Agency code, e.g. มท",
    "agency_name": "ชื่อหน่วยงาน / Agency name",
    "value": "จำนวน / The number",
    "unit": "หน่วยนับ / Counting unit",
    "subject": "สิ่งที่นับ / What is counted",
    "goal": "เป้าหมาย SDG (1-17) / SDG goal (1-17)",
    "goal_th": "ชื่อเป้าหมาย (ไทย) / Goal title, Thai",
    "goal_en": "ชื่อเป้าหมาย (อังกฤษ) / Goal title, English",
    "target": "เป้าหมายย่อย เช่น 5.b / SDG target, e.g. 5.b",
    "valid": "เป็นหนึ่งใน 169 เป้าหมายย่อยทางการ (1/0) / One of the 169 official targets (1/0)",
    "target_goal": "เป้าหมายหลักของเป้าหมายย่อย / The goal the target belongs to",
    "baht": "จำนวนเงิน (บาท) / Amount in baht",
    "name": "ชื่อทางการ (ไทย) / Official Thai name",
    "name_en": "ชื่อจังหวัด (อังกฤษ) / Province name in English",
    "sha256": "เช็กซัมของไฟล์ / The file's sha256",
    "path": "ไม่แสดงต่อสาธารณะ (ที่อยู่บนเซิร์ฟเวอร์) ดู rel_path / Not shown to the public (a server path): see rel_path",
    "rel_path": "ไฟล์ เทียบกับโฟลเดอร์รับเข้าหรือคลังที่มา / The file, relative to the inbox or archive folder it came from",
    "kind": "ชนิดไฟล์ / File type (text, pdf, image, docx, pptx)",
    "page_count": "จำนวนหน้า / Number of pages",
    "methods": "วิธีอ่าน (ชั้นข้อความ หรือ OCR) / How pages were read (text layer, OCR)",
    "ocr_confidence": "ความมั่นใจ OCR เฉลี่ย 0-100 / Mean OCR confidence 0-100",
    "status": "ok หรือ failed / ok or failed",
    "error_type": "ชนิดข้อผิดพลาด / Error class",
    "error": "ข้อผิดพลาด / The error",
    "first_seen": "พบครั้งแรก (UTC) / First seen (UTC)",
    "processed_at": "ประมวลผลล่าสุด (UTC) / Last processed (UTC)",
    "pipeline_version": "รุ่นของ Saraban / Saraban version",
    "extractors_version": "รุ่นของตัวสกัดทั้งหมด / Versions of all extractors",
    "number": "เลขหน้า / Page number",
    "label": "เอกสารและหน้า / Document and page",
    "method": "อ่านด้วย text / text-layer / ocr / docx / pptx",
    "text_norm": "ข้อความที่ปรับแล้ว (ที่ตัวสกัดอ่าน) / Normalized text (what the extractors read)",
    "syllables": "พยางค์ที่ตัดด้วย PyThaiNLP (สำหรับค้นคำสั้น เช่น งบ) / PyThaiNLP syllables (for short searches such as งบ)",
    "th_short": "ชื่อสั้น (ไทย) / Short title, Thai",
    "th_long": "ชื่อเต็ม (ไทย) / Full title, Thai",
    "en_short": "ชื่อสั้น (อังกฤษ) / Short title, English",
    "en_long": "ชื่อเต็ม (อังกฤษ) / Full title, English",
    "seen_at": "พบเมื่อ (UTC) / Seen at (UTC)",
}

# Where a fixed table's column means something else than in the field tables.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    schema.PAGES: {
        "id": "เอกสาร:หน้า / Document:page",
        "text": "ข้อความดิบของหน้า / The page's raw text",
        "confidence": "ความมั่นใจ OCR เฉลี่ย 0-100 (ว่างถ้าไม่ใช่ OCR) / Mean OCR word confidence 0-100 (empty if not OCR)",
    },
    schema.DOCUMENTS: {"doc_id": "รหัสเอกสาร (ชื่อไฟล์) / Document id (the file name)"},
}

# Columns faceted by default wherever a table has them: year, agency, unit,
# goal, province (and the document), in that order.
FACETS = ("year", "agency_code", "unit", "goal", "target_goal", "valid", "name", "doc_id")


def _canned_queries(have: dict[str, set[str]]) -> dict[str, dict[str, Any]]:
    """The queries researchers asked for, each kept only when its tables and columns exist."""
    queries: dict[str, tuple[dict[str, set[str]], dict[str, Any]]] = {
        "projects_per_goal": ({"goals": {"goal"}, "counts": {"value", "unit", "goal"}}, {
            "title": "โครงการตามเป้าหมาย SDG / Projects per SDG goal",
            "description": "จำนวนโครงการที่เอกสารรายงานต่อเป้าหมาย (เช่น เป้าหมายหลักที่ 2 ... จำนวน 106 โครงการ) "
                           "และเอกสารที่กล่าวถึงเป้าหมายนั้น / Project counts the documents report per goal "
                           "(the counts extractor ties a count of โครงการ to its goal), and the documents naming it.",
            "sql": (
                "with stated as (\n"
                "  select goal, doc_id, sum(value) as projects from counts\n"
                "  where goal is not null and unit = 'โครงการ' group by goal, doc_id\n"
                "), named as (\n"
                "  select goal, count(distinct doc_id) as documents, count(*) as mentions,\n"
                "    group_concat(distinct doc_id) as document_ids from goals group by goal\n"
                ")\n"
                "select sg.goal, sg.th_short, sg.en_short,\n"
                "  (select sum(s.projects) from stated s where s.goal = sg.goal) as projects_stated,\n"
                "  (select group_concat(s.doc_id || ': ' || s.projects, '; ') from stated s where s.goal = sg.goal)\n"
                "    as projects_by_document,\n"
                "  coalesce(n.documents, 0) as documents, coalesce(n.mentions, 0) as mentions, n.document_ids\n"
                "from sdg_goals sg left join named n on n.goal = sg.goal\n"
                "order by sg.goal"
            ),
        }),
        "documents_per_province": ({"provinces": {"name", "name_en"}}, {
            "title": "เอกสารตามจังหวัด / Documents per province",
            "description": "จังหวัดที่กล่าวถึง จำนวนเอกสารและจำนวนครั้ง / Provinces named, with documents and mentions.",
            "sql": (
                "select p.name, p.name_en, count(distinct p.doc_id) as documents, count(*) as mentions,\n"
                "  group_concat(distinct p.doc_id) as document_ids\n"
                "from provinces p group by p.name, p.name_en order by documents desc, mentions desc, p.name"
            ),
        }),
        "references_with_dates": ({"references": {"normalized", "agency_code", "agency_name"}, "dates": {"iso"}}, {
            "title": "เลขที่หนังสือกับวันที่ของหนังสือ / Reference numbers with their letter's date",
            "description": "ทุกเลขที่หนังสือ กับวันที่แรกที่ตามมาในหน้าเดียวกัน (วันที่ของหนังสือ) / "
                           "Every reference number with the first date after it on its page (the letter's date).",
            "sql": (
                "select r.normalized, r.agency_code, r.agency_name,\n"
                "  (select d.iso from dates d where d.doc_id = r.doc_id and d.page = r.page\n"
                "     and d.start >= r.start order by d.start limit 1) as letter_date,\n"
                "  r.doc_id, r.page_id, r.text\n"
                "from [references] r order by r.doc_id, r.seq"
            ),
        }),
        "target_mentions": ({"targets": {"target", "valid"}, schema.DOCUMENTS: {"rel_path"}}, {
            "title": "ทุกครั้งที่กล่าวถึงเป้าหมายย่อย / Every mention of a target",
            "description": "ใส่เป้าหมายย่อย เช่น 11.6 หรือเว้นว่างเพื่อดูทั้งหมด / "
                           "Give a target such as 11.6, or leave empty for all.",
            "sql": (
                "select t.target, t.valid, t.doc_id, d.rel_path, d.kind, t.page_id, t.text\n"
                "from targets t join documents d on d.doc_id = t.doc_id\n"
                "where coalesce(:target, '') = '' or t.target = :target\n"
                "order by t.target, t.doc_id, t.seq"
            ),
        }),
        "pages_containing": ({schema.PAGES: {"text_norm"}}, {
            "title": "หน้าที่มีข้อความ (LIKE) / Pages containing a text (LIKE)",
            "description": "ค้นหาด้วย LIKE ทุกความยาว รวมคำสั้น เช่น งบ / "
                           "A plain substring search of any length, short terms such as งบ included.",
            "sql": (
                "select id, doc_id, number, substr(text_norm, max(instr(text_norm, :q) - 40, 1), 120) as context\n"
                "from pages where :q != '' and text_norm like '%' || :q || '%' order by doc_id, number"
            ),
        }),
    }
    out = {}
    for name, (needs, query) in queries.items():
        if all(table in have and cols <= have[table] for table, cols in needs.items()):
            out[name] = query
    return out


# Who may run their own SQL (the SQL box, a table's ?_where=): signed-in visitors only
# (reviewers, root). One SQLite function call is one instruction, which Datasette's time
# limit cannot stop, and instr, replace and trim compare at every position: a 70-byte
# anonymous query held a CPU for 17 s past the 3 s limit, and the time grows with the
# square of the text it builds (bench/serve_abuse.py --probe cpu; issue 15, item 1).
# Tables, facets, search and the canned queries stay public; `saraban serve --public-sql`
# opens the SQL box to all.
SIGNED_IN = {"id": "*"}


def build_metadata(db: Database, database_name: str, reviewers: dict[str, Any] | None = None, *,
                   public_sql: bool = False) -> dict[str, Any]:
    """Datasette metadata for the store: titles, descriptions, facets, search and canned queries.

    ``reviewers``: account name -> password hash (or ``{"$env": VAR}``) for datasette-auth-passwords.
    Arbitrary SQL is for signed-in actors unless ``public_sql`` (see :data:`SIGNED_IN`).
    """
    have = {t: set(db[t].columns_dict) for t in db.table_names() if not t.startswith(schema.PAGES_FTS)}
    tables: dict[str, Any] = {}
    for table, cols in have.items():
        title, description = TABLES.get(table, (table, ""))
        meta: dict[str, Any] = {
            "title": title,
            "description": description,
            "columns": {
                c: TABLE_COLUMNS.get(table, {}).get(c) or COLUMNS[c]
                for c in db[table].columns_dict
                if c in COLUMNS or c in TABLE_COLUMNS.get(table, {})
            },
        }
        facets = [c for c in FACETS if c in cols and table not in (schema.SDG_GOALS, schema.COPIES)]
        if table == schema.DOCUMENTS:
            facets = ["status", "kind"]
        if table == schema.PAGES:
            facets = ["method", "doc_id"]
        if facets:
            meta["facets"] = facets
        tables[table] = meta
    tables[schema.PAGES].update(
        fts_table=schema.PAGES_FTS, fts_pk="rowid", label_column="label", sort="id",
    )
    tables[schema.SDG_GOALS]["label_column"] = "th_short"
    for hidden in db.table_names():
        if hidden.startswith(schema.PAGES_FTS):
            tables[hidden] = {"hidden": True}
    queries = _canned_queries(have)
    # the page view and review queue (db/pageview.py): its tables' titles, its canned query, its accounts
    tables.update({t: {**tables.get(t, {}), **m} for t, m in pageview.metadata_tables().items() if t in have})
    for table, cols in have.items():
        if "boxes" in cols:
            tables[table]["columns"].update({c: d for c, d in pageview.FIELD_COLUMNS.items() if c in cols})
    if schema.CORRECTIONS in have:
        queries.update(pageview.canned_queries())
    metadata: dict[str, Any] = {
        "title": SITE_TITLE,
        "description_html": SITE_DESCRIPTION,
        "about": "Saraban",
        "databases": {
            database_name: {
                "title": SITE_TITLE,
                "description_html": SITE_DESCRIPTION,
                "tables": tables,
                "queries": queries,
            }
        },
    }
    if reviewers:
        metadata["plugins"] = {pageview.PASSWORDS_PLUGIN: {f"{name}_password_hash": h for name, h in reviewers.items()}}
    if not public_sql:
        metadata["allow_sql"] = SIGNED_IN
    return metadata


def register_plugins() -> None:
    """Load Saraban's plugins into Datasette's plugin manager, and block the ones they replace (once per process)."""
    from datasette.plugins import pm

    for name in REPLACED:
        if not pm.is_blocked(name):
            pm.set_blocked(name)
    for name, module in PLUGINS.items():
        if pm.get_plugin(name) is None:
            pm.register(module, name=name)


SETTINGS = {
    "truncate_cells_html": 300,   # long page texts stay readable in table views
    # Datasette's defaults, named because db/guard.py's bounds are measured against them:
    # a query runs at most 3 s between SQLite instructions, three run at once, and one
    # returns at most 1,000 rows (a table page: 100).
    "sql_time_limit_ms": 3000,
    "num_sql_threads": 3,
    "max_returned_rows": 1000,
    "default_facet_size": 20,
}


def make_datasette(path: str | Path, metadata: dict[str, Any] | None = None,
                   reviewers: dict[str, str] | None = None, *, public_sql: bool = False,
                   secret: str | None = None):
    """A Datasette instance on the store (for tests and embedding), with Saraban's plugins."""
    from datasette.app import Datasette

    from saraban.db.store import open_store

    path = Path(path)
    register_plugins()
    if metadata is None:
        db = open_store(path)
        metadata = build_metadata(db, path.stem, reviewers, public_sql=public_sql)
        db.close()
    return Datasette([str(path)], metadata=metadata, settings=SETTINGS, secret=secret)


def load_reviewers(path: str | Path) -> dict[str, dict[str, str]]:
    """Reviewer accounts from a JSON file ``{"name": "pbkdf2_sha256$..."}`` (``datasette hash-password``).

    The hashes go to the server process's environment and the metadata names
    them by ``$env``, so ``/-/metadata.json`` never shows them.
    """
    import os

    accounts = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(accounts, dict) or not all(isinstance(v, str) and v.count("$") == 3 for v in accounts.values()):
        raise ValueError(f"{path}: expected {{\"name\": \"pbkdf2_sha256$...\"}} (datasette hash-password)")
    out = {}
    for i, (name, hashed) in enumerate(sorted(accounts.items())):
        var = f"SARABAN_REVIEWER_HASH_{i}"
        os.environ[var] = hashed
        out[name] = {"$env": var}
    return out


def serve(path: str | Path, *, host: str = "127.0.0.1", port: int = 8001,
          reviewers: str | Path | None = None, public_sql: bool = False, root: bool = False) -> None:
    """Run Datasette's own ``serve`` on the store (mutable, never ``-i``) until interrupted.

    ``root`` prints a link that signs its opener in as ``root`` (Datasette's
    ``--root``), who may run SQL like any signed-in visitor; ``public_sql`` lets everyone.
    """
    from datasette.cli import cli as datasette_cli

    from saraban.db.store import open_store

    path = Path(path)
    db = open_store(path)  # creates the schema on a new file; the metadata reads its columns
    metadata = build_metadata(db, path.stem, load_reviewers(reviewers) if reviewers else None,
                              public_sql=public_sql)
    db.close()
    register_plugins()
    guard.limit_process_heap()  # SQLite's heap in this server process (db/guard.py)
    with tempfile.TemporaryDirectory(prefix="saraban-serve-") as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
        args = ["serve", str(path), "--metadata", str(meta_file), "--host", host, "--port", str(port)]
        if root:
            args.append("--root")
        for name, value in SETTINGS.items():
            args += ["--setting", name, str(value)]
        datasette_cli.main(args, prog_name="saraban serve", standalone_mode=False)
