"""The page view and the review queue: a Datasette plugin.

Routes (Datasette 0.65 ``register_routes``):

- ``/DB/-/page/DOC_ID/N``: the page image with a box over every mention,
  coloured by field (hover or focus shows the field, value, confidence and
  how it was read), the page's text beside it with the same mentions
  highlighted, and, for a signed-in reviewer, a form per mention to confirm,
  correct or reject it. ``#m-FIELD-SEQ`` puts that mention in focus. Pages
  with no image (``.txt``, ``.docx``) show the text only.
- ``/DB/-/page-image/DOC_ID/N.jpg``: the page rendered from the stored file
  (db/page_images.py); ids and numbers are looked up, never paths.
- ``/DB/-/review``: what waits for review, per document and overall.
- ``POST /DB/-/review/FIELD/DOC_ID/SEQ``: a reviewer's decision
  (db/review.py). Needs the ``saraban-review`` permission: the accounts of
  datasette-auth-passwords and Datasette's root; anyone else gets 403.

``render_cell`` links every mention row (its ``page`` cell) and every
``pages`` row (its ``number`` cell) to the page view, and a Thai search on
``pages`` shows a highlighted snippet around the match instead of the whole
page text.
"""
from __future__ import annotations

import asyncio
import contextvars
import html
import json
import re
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Forbidden, NotFound, Response
from markupsafe import Markup

from saraban.db import page_images, review, schema
from saraban.extractors.registry import EXTRACTORS

REVIEW_PERMISSION = "saraban-review"
PASSWORDS_PLUGIN = "datasette-auth-passwords"
TEMPLATES = Path(__file__).parent / "templates"

# One colour per field, in registry order (colour-blind-safe Okabe-Ito, then greys).
_PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#999999", "#666666")
FIELD_COLOURS = {f: _PALETTE[i % len(_PALETTE)] for i, f in enumerate(EXTRACTORS)}

# Characters of page text shown before and after a search match.
SNIPPET_BEFORE, SNIPPET_AFTER = 60, 140

_SEARCH: contextvars.ContextVar[str | None] = contextvars.ContextVar("saraban_search", default=None)


def page_path(database: str, doc_id: str, number: int, anchor: str | None = None) -> str:
    """The page view's path, ``/saraban/-/page/memo/1#m-dates-0``."""
    quoted = urllib.parse.quote(str(doc_id), safe="")
    return f"/{urllib.parse.quote(database)}/-/page/{quoted}/{int(number)}" + (f"#{anchor}" if anchor else "")


def mention_anchor(field: str, seq: int) -> str:
    return f"m-{field}-{int(seq)}"


# --- hooks


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """Our templates (the page view, the queue) beside Datasette's, extending its base.html."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES))])


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/(?P<database>[^/]+)/-/page/(?P<doc_id>[^/]+)/(?P<number>[0-9]{1,6})$", page_view),
        (r"^/(?P<database>[^/]+)/-/page-image/(?P<doc_id>[^/]+)/(?P<number>[0-9]{1,6})\.jpg$", page_image),
        (r"^/(?P<database>[^/]+)/-/review$", review_queue),
        (r"^/(?P<database>[^/]+)/-/review/(?P<field>[a-z_]+)/(?P<doc_id>[^/]+)/(?P<seq>[0-9]{1,9})$", review_post),
        # anything else under these prefixes ("..", absolute paths, encoded slashes): not found
        (r"^/(?P<database>[^/]+)/-/(?:page|page-image|review)(?:/.*)?$", not_found),
    ]


async def not_found(request: Any, datasette: Any) -> Response:
    """Paths under the page view's prefixes that name no stored page: 404, nothing looked up."""
    raise NotFound("no such page")


@hookimpl
def permission_allowed(datasette: Any, actor: dict[str, Any] | None, action: str) -> bool | None:
    """``saraban-review``: the accounts of datasette-auth-passwords and Datasette's root; nobody else."""
    if action != REVIEW_PERMISSION:
        return None
    if not actor or not actor.get("id"):
        return False
    return actor["id"] == "root" or actor["id"] in reviewers(datasette)


def reviewers(datasette: Any) -> set[str]:
    """The reviewers' account names, as configured for datasette-auth-passwords."""
    config = datasette.plugin_config(PASSWORDS_PLUGIN) or {}
    return {k[: -len("_password_hash")] for k in config if k.endswith("_password_hash")}


@hookimpl
def menu_links(datasette: Any, actor: dict[str, Any] | None) -> list[dict[str, str]]:
    db = _first_database(datasette)
    return [{"href": datasette.urls.path(f"/{db}/-/review"), "label": "ตรวจทาน / Review queue"}] if db else []


@hookimpl
def asgi_wrapper(datasette: Any):  # noqa: ANN201
    """Keep the request's ``_search`` where ``render_cell`` (which gets no request in 0.65) can read it."""
    def wrap(app):  # noqa: ANN001, ANN202
        async def with_search(scope, receive, send):  # noqa: ANN001, ANN202
            token = None
            if scope.get("type") == "http" and b"_search" in scope.get("query_string", b""):
                qs = urllib.parse.parse_qs(scope["query_string"].decode("latin-1"))
                terms = [v for k, vs in qs.items() if k == "_search" or k.startswith("_search_") for v in vs]
                token = _SEARCH.set(" ".join(terms) or None)
            try:
                await app(scope, receive, send)
            finally:
                if token is not None:
                    _SEARCH.reset(token)
        return with_search
    return wrap


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Links to the page view from mention rows and page rows; search snippets on ``pages``."""
    if table is None:
        return None
    keys = row.keys() if hasattr(row, "keys") else []
    if table in EXTRACTORS and column == "page" and value is not None and "doc_id" in keys and "seq" in keys:
        href = datasette.urls.path(page_path(database, _plain(row["doc_id"]), value,
                                             mention_anchor(table, _plain(row["seq"]))))
        return Markup(f'<a class="saraban-page-link" href="{html.escape(href)}" '
                      f'title="ดูบนหน้า / see it on the page">{int(value)}&nbsp;▣</a>')
    if table == schema.PAGES and column == "number" and value is not None and "doc_id" in keys:
        href = datasette.urls.path(page_path(database, _plain(row["doc_id"]), value))
        return Markup(f'<a class="saraban-page-link" href="{html.escape(href)}" '
                      f'title="ดูหน้า / see the page">{int(value)}&nbsp;▣</a>')
    if table == schema.PAGES and column in ("text_norm", "text") and isinstance(value, str):
        search = _SEARCH.get()
        if search:
            return snippet(value, search)
    return None


def _plain(value: Any) -> Any:
    """A cell's value: the table view hands a foreign key over as ``{"value": ..., "label": ...}``."""
    return value["value"] if isinstance(value, dict) and "value" in value else value


def search_terms(query: str) -> list[str]:
    """The terms of a search box query, split as Datasette splits them (spaces, or a "quoted phrase")."""
    parts = re.split(r'\s+|(".*?")', query)
    return [p.strip('"') for p in parts if p and p.strip('" ')]


def snippet(text: str, query: str) -> Markup:
    """The text around the first match of a search, every term in it marked; the start when none matches.

    >>> s = str(snippet("หนังสือ " * 20 + "ธนาคารขยะ ของชุมชน", "ธนาคารขยะ"))
    >>> s.startswith("…"), s.endswith("หนังสือ <mark>ธนาคารขยะ</mark> ของชุมชน")
    (True, True)
    """
    terms = sorted(search_terms(query), key=len, reverse=True)
    folded = text.casefold()
    hits = [i for t in terms if (i := folded.find(t.casefold())) >= 0]
    first = min(hits) if hits else 0
    start, end = max(first - SNIPPET_BEFORE, 0), min(first + SNIPPET_AFTER, len(text))
    part = text[start:end]
    if terms:
        pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
        pieces, pos = [], 0
        for m in pattern.finditer(part):
            pieces += [html.escape(part[pos:m.start()]), f"<mark>{html.escape(m.group())}</mark>"]
            pos = m.end()
        pieces.append(html.escape(part[pos:]))
        body = "".join(pieces)
    else:
        body = html.escape(part)
    return Markup(("…" if start else "") + body + ("…" if end < len(text) else ""))


# --- the page view


def _first_database(datasette: Any) -> str | None:
    names = [n for n in datasette.databases if n != "_internal"]
    return names[0] if names else None


def _database(datasette: Any, request: Any) -> Any:
    name = request.url_vars["database"]
    try:
        return datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database {name}") from None


def _db_path(db: Any) -> Path:
    if not db.path:
        raise NotFound("this database is not a file")
    return Path(db.path)


async def _page_row(db: Any, doc_id: str, number: int) -> dict[str, Any]:
    rows = await db.execute(
        f"select p.doc_id, p.number, p.method, p.confidence, p.text_norm, p.width, p.height, p.rotation, "
        f"d.kind, d.page_count from [{schema.PAGES}] p join [{schema.DOCUMENTS}] d on d.doc_id = p.doc_id "
        "where p.doc_id = ? and p.number = ?", [doc_id, number])
    row = rows.first()
    if row is None:
        raise NotFound(f"no page {number} of a document {doc_id!r}")
    return dict(row)


def _values(field: str, row: dict[str, Any]) -> list[tuple[str, Any]]:
    keys = [k for k in schema.record_keys(field) if k in row] if field in EXTRACTORS else []
    return [(k, row[k]) for k in keys]


def _summary(values: list[tuple[str, Any]]) -> str:
    return " · ".join(f"{k} {v}" for k, v in values if v not in (None, ""))


async def _mentions(db: Any, doc_id: str, number: int, norm_start: int, text_len: int) -> list[dict[str, Any]]:
    tables = set(await db.table_names())
    out = []
    for field in EXTRACTORS:
        if field not in tables:
            continue
        rows = await db.execute(f"select * from [{field}] where page_id = ? order by seq",
                                [f"{doc_id}:{number}"])
        for r in rows.rows:
            row = dict(r)
            boxes = json.loads(row["boxes"]) if row.get("boxes") else []
            values = _values(field, row)
            start = min(max((row.get("start") or 0) - norm_start, 0), text_len)
            end = min(max((row.get("end") or 0) - norm_start, start), text_len)
            out.append({
                "field": field, "seq": row["seq"], "anchor": mention_anchor(field, row["seq"]),
                "colour": FIELD_COLOURS.get(field, "#999"), "text": row.get("text"),
                "values": values, "summary": _summary(values), "confidence": row.get("confidence"),
                "ocr_confidence": row.get("ocr_confidence"), "method": row.get("method"),
                "review": row.get("review"), "reviewed": row.get("reviewed"),
                "boxes": [{"x": b[0] * 100, "y": b[1] * 100, "w": b[2] * 100, "h": b[3] * 100} for b in boxes],
                "start": start, "end": end,
            })
    return out


def highlight(text: str, mentions: list[dict[str, Any]], boxes_shown: bool = True) -> Markup:
    """The page text with each mention marked; where mentions overlap, the shortest one marks the part.

    A mention with no box shown takes its anchor (``id``) here, so a link to it still lands.
    """
    cuts = sorted({0, len(text), *(m["start"] for m in mentions), *(m["end"] for m in mentions)})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [m for m in mentions if m["start"] <= a and b <= m["end"] and m["start"] < m["end"]]
        chunk = html.escape(text[a:b])
        if not covering:
            pieces.append(chunk)
            continue
        m = min(covering, key=lambda m: m["end"] - m["start"])
        first = a == m["start"] and not (m["boxes"] and boxes_shown)
        ident = f' id="{m["anchor"]}" tabindex="0"' if first else ""
        pieces.append(f'<mark class="pv-mark" data-m="{m["anchor"]}"{ident} '
                      f'style="--c: {m["colour"]}" title="{html.escape(m["field"] + ": " + m["summary"])}">'
                      f"{chunk}</mark>")
    return Markup("".join(pieces))


async def page_view(request: Any, datasette: Any) -> Response:
    db = _database(datasette, request)
    doc_id, number = request.url_vars["doc_id"], int(request.url_vars["number"])
    page = await _page_row(db, doc_id, number)
    lengths = await db.execute(f"select coalesce(sum(length(text_norm) + 1), 0) from [{schema.PAGES}] "
                               "where doc_id = ? and number < ?", [doc_id, number])
    norm_start = lengths.first()[0]
    text = page["text_norm"] or ""
    mentions = await _mentions(db, doc_id, number, norm_start, len(text))
    has_image = page["kind"] in ("pdf", "image")
    missing = None
    if has_image:
        stored = await asyncio.get_running_loop().run_in_executor(
            None, page_images.document_file, _db_path(db), doc_id)
        if stored is None or stored.path is None and not _cached(db, stored, number, page):
            missing = ("ไม่พบไฟล์ของเอกสารนี้ที่ที่เก็บไว้ (ย้ายหรือลบ) แสดงเฉพาะข้อความ / "
                       "The document's file is no longer where it was stored (moved or deleted): text only.")
    may_review = await datasette.permission_allowed(request.actor, REVIEW_PERMISSION, default=False)
    database = db.name
    context = {
        "database": database,
        "doc_id": doc_id,
        "page": page,
        "number": number,
        "mentions": mentions,
        "boxed": [m for m in mentions if m["boxes"]] if has_image and not missing else [],
        "text_html": highlight(text, mentions, boxes_shown=has_image and not missing),
        "image_url": datasette.urls.path(
            f"/{urllib.parse.quote(database)}/-/page-image/{urllib.parse.quote(doc_id, safe='')}/{number}.jpg")
        if has_image and not missing else None,
        "missing": missing,
        "may_review": may_review,
        "form_keys": {f: list(review.form_keys(f)) for f in {m["field"] for m in mentions}},
        "prev_url": datasette.urls.path(page_path(database, doc_id, number - 1)) if number > 1 else None,
        "next_url": datasette.urls.path(page_path(database, doc_id, number + 1))
        if number < (page["page_count"] or 0) else None,
        "doc_url": datasette.urls.row(database, schema.DOCUMENTS, urllib.parse.quote(doc_id, safe="")),
        "queue_url": datasette.urls.path(f"/{urllib.parse.quote(database)}/-/review"),
        "error": request.args.get("error"),
        "colours": FIELD_COLOURS,
    }
    return Response.html(await datasette.render_template("saraban_page.html", context, request=request))


def _cached(db: Any, stored: Any, number: int, page: dict[str, Any]) -> bool:
    if stored is None:
        return False
    key = stored.sha256 or ""
    folder = page_images.cache_dir(_db_path(db))
    return any(folder.glob(f"{key[:32]}-p{number}-r{page['rotation'] or 0}-*.jpg")) if key else False


async def page_image(request: Any, datasette: Any) -> Response:
    db = _database(datasette, request)
    doc_id, number = request.url_vars["doc_id"], int(request.url_vars["number"])
    page = await _page_row(db, doc_id, number)            # 404 for an unknown document or page
    db_path = _db_path(db)
    loop = asyncio.get_running_loop()
    stored = await loop.run_in_executor(None, page_images.document_file, db_path, doc_id)
    if stored is None:
        raise NotFound(f"no document {doc_id!r}")
    try:
        path = await loop.run_in_executor(None, page_images.cached_image, db_path, stored, number,
                                          page["rotation"] or 0)
    except page_images.PageImageError as err:
        return Response.text(err.reason, status=err.status)
    return Response(path.read_bytes(), content_type="image/jpeg",
                    headers={"cache-control": "private, max-age=3600"})


# --- the review queue and the reviewer's POST


async def review_queue(request: Any, datasette: Any) -> Response:
    db = _database(datasette, request)
    doc = request.args.get("doc") or None

    def read(conn: sqlite3.Connection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        from sqlite_utils import Database

        sdb = Database(conn)
        return review.queue_progress(sdb), review.waiting_records(sdb, doc)

    progress, waiting = await db.execute_fn(read)
    for p in progress:
        total = p["waiting"] + p["reviewed"]
        p["percent"] = round(100 * p["reviewed"] / total) if total else 100
    for w in waiting:
        w["url"] = datasette.urls.path(page_path(db.name, w["doc_id"], w["page"], mention_anchor(w["field"], w["seq"])))
    total_waiting = sum(p["waiting"] for p in progress)
    total_reviewed = sum(p["reviewed"] for p in progress)
    total = total_waiting + total_reviewed
    context = {
        "database": db.name, "progress": progress, "waiting": waiting, "doc": doc,
        "total_waiting": total_waiting, "total_reviewed": total_reviewed,
        "percent": round(100 * total_reviewed / total) if total else 100,
        "reviewed_url": datasette.urls.path(f"/{urllib.parse.quote(db.name)}/reviewed_records"),
        "may_review": await datasette.permission_allowed(request.actor, REVIEW_PERMISSION, default=False),
    }
    return Response.html(await datasette.render_template("saraban_review.html", context, request=request))


async def review_post(request: Any, datasette: Any) -> Response:
    """Confirm, correct or reject one record: reviewers only (403 for anyone else, before anything is read)."""
    if request.method != "POST":
        return Response.text("POST a reviewer's decision here", status=405)
    if not await datasette.permission_allowed(request.actor, REVIEW_PERMISSION, default=False):
        raise Forbidden("only a signed-in reviewer may review records")
    db = _database(datasette, request)
    field, doc_id, seq = request.url_vars["field"], request.url_vars["doc_id"], int(request.url_vars["seq"])
    if field not in EXTRACTORS:
        raise NotFound(f"no field {field}")
    form = await request.post_vars()
    action = form.get("action", "")
    reviewer = str(request.actor.get("id"))
    db_path = _db_path(db)

    def write() -> tuple[int | None, str | None]:
        conn = _writer(db_path)
        try:
            from sqlite_utils import Database

            sdb = Database(conn)
            row = review.record(sdb, field, doc_id, seq)
            if row is None:
                return None, f"{field} {doc_id}#{seq}: no such record"
            changed = {k: v for k, v in form.items()
                       if k in review.form_keys(field) and str(v).strip() != _as_text(row.get(k))}
            if action == review.CORRECTED and not changed:
                return None, "nothing was changed: give the right value, or confirm the record"
            try:
                review.correct(sdb, field, doc_id, seq, action, changed, reviewer)
            except review.ReviewError as err:
                return None, str(err)
            return row["page"], None
        finally:
            conn.close()

    page, error = await asyncio.get_running_loop().run_in_executor(None, write)
    if page is None:
        row = await db.execute(f"select page from [{field}] where doc_id = ? and seq = ?", [doc_id, seq])
        first = row.first()
        if first is None:
            raise NotFound(error or "no such record")
        url = page_path(db.name, doc_id, first[0])
        anchor = mention_anchor(field, seq)
        return Response.redirect(datasette.urls.path(f"{url}?error={urllib.parse.quote(error or '')}#{anchor}"))
    return Response.redirect(datasette.urls.path(page_path(db.name, doc_id, page, mention_anchor(field, seq))))


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def _writer(db_path: Path) -> sqlite3.Connection:
    """A write connection of our own (Datasette's stay read-only for the public)."""
    from saraban.db.store import BUSY_TIMEOUT_S

    conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return conn


# --- metadata: the tables and the canned query this plugin adds


def metadata_tables() -> dict[str, dict[str, Any]]:
    """Titles of the tables this plugin uses, for db/site.py's metadata."""
    return {
        schema.CORRECTIONS: {
            "title": "การตรวจทาน / Corrections",
            "description": "ผู้ตรวจทานยืนยัน แก้ไข หรือปฏิเสธรายการใด เมื่อใด / "
                           "What reviewers confirmed, corrected or rejected, and when. Kept across reprocessing.",
        },
        schema.WORD_BOXES: {"hidden": True},
    }


# Descriptions of the columns record_dict and the reviewers add to every field table.
FIELD_COLUMNS = {
    "boxes": "กรอบบนภาพหน้า (0-1) หนึ่งกรอบต่อบรรทัด / Boxes on the page image, 0-1 of the page, one per line",
    "ocr_confidence": "ความมั่นใจ OCR ต่ำสุดของคำในช่วงนี้ 0-100 / Lowest OCR confidence of the words in the span, 0-100",
    "method": "อ่านด้วย text-layer / ocr / ocr-reread (อ่านตัวเลขซ้ำจากภาพ) / Read by text-layer, ocr, "
              "ocr-reread (digits re-read from the image)",
    "review": "เหตุที่ควรตรวจ / Why a person should check it",
    "reviewed": "ตรวจแล้ว: confirmed / corrected (ค่าที่แสดงเป็นค่าที่แก้) / Reviewed: confirmed or corrected "
                "(the values shown are the reviewer's)",
}


def canned_queries() -> dict[str, dict[str, Any]]:
    return {
        "reviewed_records": {
            "title": "รายการที่ตรวจทานแล้ว / Reviewed records",
            "description": "ทุกการตรวจทาน ล่าสุดก่อน / Every review, newest first: the record, what it said, "
                           "what the reviewer gave, and whether it is still attached after reprocessing.",
            "sql": (
                "select c.at, c.reviewer, c.action, c.field, c.doc_id, c.page, c.text, c.old, c.new, c.status\n"
                "from corrections c order by c.at desc, c.id desc"
            ),
        },
    }
