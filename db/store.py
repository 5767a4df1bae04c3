"""The verbs the pipeline uses to keep documents in SQLite.

Every write is one ``BEGIN IMMEDIATE`` transaction per document, so a crash
leaves no half-stored document and Datasette, reading the same file in WAL
mode, sees a document either whole or not at all.

What is stored comes in as plain data (:class:`StoredDocument`: pages with
their raw and normalized text, and each field's records as dicts with their
page and provenance), built by the pipeline; this module adds only what the
database needs (ids, sequence numbers, facet columns) and knows no pipeline.

>>> db = open_store(":memory:")
>>> page = StoredPage(number=1, method="text", confidence=None, text="ธนาคารขยะ ๓ แห่ง", text_norm="ธนาคารขยะ ๓ แห่ง")
>>> save_document(db, StoredDocument(doc_id="memo", sha256="ab12", path="memo.txt", kind="text",
...                                  pages=[page], mentions={}))
'memo'
>>> already_seen(db, "ab12")
True
>>> [r["text_norm"] for r in search_pages(db, "ธนาคารขยะ")]
['ธนาคารขยะ ๓ แห่ง']
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import sqlite3
import sys
import weakref
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePath
from typing import Any

from sqlite_utils import Database

from saraban.core import __version__
from saraban.db import review, schema
from saraban.extractors.registry import EXTRACTORS, extractors_version


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPage:
    """One page as the ``pages`` table keeps it."""

    number: int
    method: str                  # text, text-layer, ocr, docx, pptx
    confidence: float | None     # OCR's mean word confidence (0-100)
    text: str                    # the raw page text, as read
    text_norm: str               # the page's part of the normalized text the extractors read
    words: str | None = None     # page_words(): the search syllables; computed on save when None
    width: int | None = None     # the frame of the word boxes: pixels of the OCR'd image, points of
    height: int | None = None    # a text layer; None for a page with no image (text, docx)
    rotation: int = 0
    boxes: bytes | None = None   # pack_words() of the page's placed words
    error: str | None = None     # a failed page's reason (ingest.Page.error)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredDocument:
    """One document as the pipeline hands it to the store.

    ``doc_id`` is the id wanted (the file's stem): the store keeps the id these
    bytes already have, or makes the stem unique. ``mentions`` maps each field
    to its records as dicts: the record's keys, its spans, ``page`` (a page
    number) and the provenance columns (``extractor``, ``extractor_version``).
    """

    doc_id: str
    sha256: str | None
    path: str
    kind: str
    pages: list[StoredPage]
    mentions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


# Seconds a writer or reader waits for another's lock before "database is locked".
BUSY_TIMEOUT_S = 30.0
BATCH_SIZE = 500
STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_SUPERSEDED = "superseded"
# The sha256 of zero bytes: every empty file has it, so it tells no file from another.
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def content_key(sha256: str | None) -> str | None:
    """The checksum a file is known by in the store: None for zero bytes, which every empty file shares.

    Two empty files are two failures, each with its own row, found by its path
    (issue 15: they shared one ``failed`` row, so one failure had no record).

    >>> content_key(EMPTY_SHA256) is None, content_key("ab12")
    (True, 'ab12')
    """
    return None if sha256 == EMPTY_SHA256 else sha256


def open_store(path: str | Path) -> Database:
    """Open (creating if needed) the Saraban database: schema, WAL, busy timeout, foreign keys.

    ``":memory:"`` gives a private in-memory store (tests, doctests).
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    # WAL with synchronous=NORMAL: a commit is not fsynced (the WAL is, at checkpoints), so a
    # power cut may lose the last documents but never corrupts the file; an archive ingest or
    # reprocess commits once per document and reruns what was lost (issue 7)
    conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn)
    if str(path) != ":memory:":
        db.enable_wal()
    with _transaction(db):
        schema.create_schema(db)
        _fill_rel_paths(db)
    return db


def open_reader(path: str | Path) -> Database:
    """A read-only connection to an existing store, for code that serves it (the page view).

    No schema check, no write lock: it never waits for a writer. Unlike
    Datasette's connections it reads ``documents.path``, the file's real
    location (``stored_path``).
    """
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                           timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    return Database(conn)


# The folders of an absolute path in a message: "running at /usr/lib/python3.11/asyncio/futures.py:387".
_FOLDERS = re.compile(r"(?<![\w.])/(?:[^\s/:<>'\"]+/)+")


def without_folders(text: str) -> str:
    """A text with every absolute path cut to its file name.

    >>> without_folders("cb=[_call_check_cancel() at /root/.pyenv/lib/python3.11/asyncio/futures.py:387]")
    'cb=[_call_check_cancel() at futures.py:387]'
    """
    return _FOLDERS.sub("", text)


def public_error(error: BaseException | str, path: str | Path | None = None, root: str | Path | None = None) -> str:
    """An error's message as the public site may show it: the file named by ``public_path``, no other folder.

    ``documents.error`` and ``pages.error`` are shown like any column, so they
    must not say where the server keeps its files (issue 15: server paths stay
    on the server); the console and the log still name the full path.

    >>> public_error("/srv/inbox/2567/a.pdf: empty file (0 bytes)", "/srv/inbox/2567/a.pdf", "/srv/inbox")
    '2567/a.pdf: empty file (0 bytes)'
    >>> public_error("page 2: cannot identify image file '/tmp/saraban-ocr-1x/page.pgm'")
    "page 2: cannot identify image file 'page.pgm'"
    """
    text = str(error)
    if path is not None:
        text = text.replace(str(path), public_path(path, root))
    return without_folders(text)


def public_path(path: str | Path, root: str | Path | None = None) -> str:
    """The path the public site shows: relative to the inbox or archive folder the file came from.

    ``root`` is that folder (``saraban watch``: the folder holding inbox/ and
    processed/; ``saraban ingest``: the folder named on the command line); a
    file outside it, or with none, shows its name only. Never a server path.

    >>> public_path("/srv/saraban/processed/2026-11-23/หนังสือ.pdf", "/srv/saraban")
    'processed/2026-11-23/หนังสือ.pdf'
    >>> public_path("/home/clerk/scan.pdf")
    'scan.pdf'
    """
    p = PurePath(path)
    if root is not None:
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            pass
    return p.name


def _fill_rel_paths(db: Database) -> None:
    """Rows stored before ``rel_path`` existed show their file name (their root is not known)."""
    for table, key in ((schema.DOCUMENTS, "doc_id"), (schema.COPIES, "rowid")):
        rows = db.execute(
            f"select {key}, path from [{table}] where rel_path is null and path is not null"
        ).fetchall()
        db.conn.executemany(f"update [{table}] set rel_path = ? where {key} = ?",
                            [(public_path(path), k) for k, path in rows])


@contextlib.contextmanager
def _transaction(db: Database) -> Iterator[Database]:
    """One write transaction, taking the write lock up front.

    ``BEGIN IMMEDIATE`` rather than sqlite-utils' deferred ``BEGIN``: a deferred
    transaction that read first cannot wait for the lock in WAL mode and fails
    at once with "database is locked"; an immediate one waits up to the busy
    timeout. The sqlite-utils calls inside nest as savepoints.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def already_seen(db: Database, sha256: str) -> bool:
    """True when these bytes are stored as a processed document (failed ones are retried)."""
    rows = db.execute(
        f"select 1 from [{schema.DOCUMENTS}] where sha256 = ? and status = ? limit 1",
        [sha256, STATUS_OK],
    ).fetchall()
    return bool(rows)


def document_for(db: Database, sha256: str) -> dict[str, Any] | None:
    """The stored ``documents`` row for these bytes (processed or failed), or None.

    ``saraban watch`` reads ``path`` and ``status`` to finish, after a crash,
    a move that the database already recorded. Zero bytes name no document.
    """
    if content_key(sha256) is None:
        return None
    rows = list(db.query(f"select * from [{schema.DOCUMENTS}] where sha256 = ? limit 1", [sha256]))
    return rows[0] if rows else None


def path_recorded(db: Database, path: str | Path) -> bool:
    """True when a document row (``documents.path``) or a copy (``copies.path``) names this path."""
    sql = (f"select 1 from [{schema.DOCUMENTS}] where path = ? union all "
           f"select 1 from [{schema.COPIES}] where path = ? limit 1")
    return db.execute(sql, [str(path), str(path)]).fetchone() is not None


def stored_path(db: Database, doc_id: str) -> str | None:
    """Where the stored document says its file is (``documents.path``), or None for no such document.

    On Saraban's own connection (``open_store``, ``open_reader``): Datasette's
    connections read the column as NULL (db/server_paths.py).
    """
    row = db.execute(f"select path from [{schema.DOCUMENTS}] where doc_id = ?", [doc_id]).fetchone()
    return row[0] if row else None


def _doc_id_for(db: Database, wanted: str, sha256: str | None, path: str) -> str:
    """The stored id: the row these bytes already have, else the file's stem, made unique.

    Two different files with the same name (``report.pdf`` in two folders) keep
    both: the second gets the first 8 hex digits of its checksum appended.
    """
    if sha256 is not None:
        row = db.execute(f"select doc_id from [{schema.DOCUMENTS}] where sha256 = ?", [sha256]).fetchone()
    else:
        row = db.execute(
            f"select doc_id from [{schema.DOCUMENTS}] where sha256 is null and path = ?", [path],
        ).fetchone()
    if row:
        return row[0]
    candidate = wanted
    taken = db.execute(f"select 1 from [{schema.DOCUMENTS}] where doc_id = ?", [candidate]).fetchone()
    if taken:
        candidate = f"{wanted}-{(sha256 or 'nosum')[:8]}"
    return candidate


def _first_seen(db: Database, doc_id: str) -> str:
    row = db.execute(f"select first_seen from [{schema.DOCUMENTS}] where doc_id = ?", [doc_id]).fetchone()
    return row[0] if row and row[0] else _now()


def page_id(doc_id: str, number: int) -> str:
    """The key of a page row: ``report_q2:1``."""
    return f"{doc_id}:{number}"


# The longest piece of a page PyThaiNLP segments at once. Its segmenter slows down with
# the length of what it is given, faster than linearly (issue 15: a whole page of 0.5 MB
# took 1 s, 4 MB 36 s, 8 MB 144 s); a page is cut at its line ends, and a line longer
# than this at its last space before it (bench/syllables.py: linear, and the same
# syllables on every page of the dev and real-scan corpora).
MAX_PIECE_CHARS = 2000
# Thai characters that never start a cluster: vowels and marks written above, below or after a consonant.
_FOLLOWING = frozenset("\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
                       "\u0e45\u0e46\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")


def text_pieces(text: str, limit: int = MAX_PIECE_CHARS) -> Iterator[str]:
    """``text`` in pieces of at most ``limit`` characters: its lines, a long line cut after a space.

    A line without a space for ``limit`` characters is cut before a character
    that starts a cluster (never between a consonant and its vowel or tone mark).

    >>> list(text_pieces("ปีงบประมาณ ๒๕๖๗\\nธนาคารขยะ ๓ แห่ง", limit=12))
    ['ปีงบประมาณ ', '๒๕๖๗', 'ธนาคารขยะ ๓ ', 'แห่ง']
    """
    for line in text.splitlines():
        start = 0
        while len(line) - start > limit:
            cut = line.rfind(" ", start, start + limit) + 1
            if cut <= start:
                cut = start + limit
                while cut > start + 1 and line[cut] in _FOLLOWING:
                    cut -= 1
            yield line[start:cut]
            start = cut
        yield line[start:]


def _syllables(text: str) -> str:
    """The page as Thai syllables separated by spaces, padded with a space at both ends.

    Searches shorter than three characters match here at a syllable's start
    (``งบ`` finds ``ปีงบประมาณ``, not ``ความสงบ``): the trigram index cannot see
    them. PyThaiNLP's syllable dictionary (engine ``dict``) splits ปีงบประมาณ into
    ปี งบ ประ มาณ, where its word segmenter keeps it whole. It is given the page
    piece by piece (:func:`text_pieces`), in time linear in the page's length.
    """
    from pythainlp.tokenize import subword_tokenize

    syllables = (s for piece in text_pieces(text) for s in subword_tokenize(piece, engine="dict") if s.strip())
    return " " + " ".join(syllables) + " "


def page_words(texts: Sequence[str]) -> list[str]:
    """The ``syllables`` search column of each normalized page text: PyThaiNLP splitting, the slow part of saving.

    The runners compute it in their worker processes and hand it over in
    ``StoredPage.words``, so the one writer does not tokenize.
    """
    return [_syllables(t) for t in texts]


# Ints per stored word: start, end (offsets in the page's raw text), left, top, width,
# height (in the page's frame), confidence x 10 (-1: none) and flags.
WORD_INTS = 8


def pack_words(words: Sequence[Sequence[int]]) -> bytes:
    """A page's placed words as the ``word_boxes.words`` blob: one type byte, then little-endian ints.

    Packed rather than JSON because reprocess reads every page's words back:
    ``array.frombytes`` is a copy, where JSON parses each number (issue 13: storing
    boxes may cost reprocess at most 10 %). 16-bit ints when every value fits (16
    bytes a word), else 32-bit; not compressed, as zlib's decompression alone cost
    reprocess 2 % (bench/archive.py, text-layer PDFs).

    >>> unpack_words(pack_words([(0, 8, 10, 20, 60, 20, 910, 0)]))
    [(0, 8, 10, 20, 60, 20, 910, 0)]
    >>> unpack_words(pack_words([(40000, 40008, 10, 20, 60, 20, -1, 1)]))
    [(40000, 40008, 10, 20, 60, 20, -1, 1)]
    """
    values = [int(v) for w in words for v in w]
    code = "h" if all(-32768 <= v <= 32767 for v in values) else "i"
    flat = array(code, values)
    if sys.byteorder != "little":
        flat.byteswap()
    return code.encode() + flat.tobytes()


def unpack_words(blob: bytes | None) -> list[tuple[int, ...]]:
    """The words :func:`pack_words` packed, as 8-tuples (none for None)."""
    if not blob:
        return []
    flat = array(chr(blob[0]))
    flat.frombytes(blob[1:])
    if sys.byteorder != "little":
        flat.byteswap()
    return list(zip(*[iter(flat)] * WORD_INTS))


def _page_rows(doc_id: str, pages: list[StoredPage]) -> list[dict[str, Any]]:
    return [{
        "id": page_id(doc_id, page.number),
        "doc_id": doc_id,
        "number": page.number,
        "label": f"{doc_id} หน้า {page.number}",
        "method": page.method,
        "confidence": page.confidence,
        "text": page.text,
        "text_norm": page.text_norm,
        "syllables": page.words if page.words is not None else _syllables(page.text_norm),
        "width": page.width,
        "height": page.height,
        "rotation": page.rotation,
        "error": public_error(page.error) if page.error else None,
    } for page in pages]


def _word_box_rows(doc_id: str, pages: list[StoredPage]) -> list[tuple[str, str, bytes]]:
    return [(page_id(doc_id, p.number), doc_id, p.boxes) for p in pages if p.boxes]


def _field_rows(doc_id: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A field's record dicts as its table's rows: ids and sequence first, then SQL values and facet columns."""
    rows = []
    for seq, record in enumerate(records):
        row: dict[str, Any] = {"doc_id": doc_id, "seq": seq, "page_id": page_id(doc_id, record["page"])}
        row.update({k: schema.sql_value(v) for k, v in record.items()})
        row.update(schema.derived_values(row))
        rows.append(row)
    return rows


@dataclass(frozen=True, slots=True)
class Mentions:
    """One document's mention rows, ready to store: per field table, its columns and one tuple per row.

    ``mention_rows`` builds them where the extraction ran (a worker process), so
    the one writer only runs prepared inserts, and plain tuples pickle small
    (the pipeline's whole result carries the pages and the offset map).
    """

    doc_id: str
    tables: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]
    # fields whose rows the store already holds as they are (``without_unchanged``): carried by name only
    unchanged: frozenset[str] = frozenset()


def mention_rows(doc_id: str, mentions: dict[str, list[dict[str, Any]]]) -> Mentions:
    """A document's record dicts (``StoredDocument.mentions``) as the rows of its field tables.

    Built where the extraction ran (a worker process), so the writer only inserts.
    """
    return Mentions(doc_id, {field: _as_tuples(_field_rows(doc_id, records)) for field, records in mentions.items()})


def without_unchanged(db: Database, mentions: Mentions) -> Mentions:
    """``mentions`` without the fields ``db`` already stores as they are, named in ``unchanged`` instead.

    Run by a reprocess worker over its own read-only connection: comparing
    there, not in the one writer, and handing back no rows for a field that
    did not change took the writer's share of a 2-core reprocess from 1.3 to
    0.5 ms per document (bench/archive.py). A field with corrections is always
    carried: the writer rewrites it and applies them again.
    """
    corrected = review.corrected_fields(db, mentions.doc_id) if _columns(db, schema.CORRECTIONS) else set()
    same = frozenset(
        field for field in dict.fromkeys([*EXTRACTORS, *mentions.tables])
        if field not in corrected and _columns(db, field)
        and _unchanged(db, field, mentions.doc_id, *mentions.tables.get(field, ((), []))))
    if not same:
        return mentions
    return Mentions(mentions.doc_id, {f: t for f, t in mentions.tables.items() if f not in same}, same)


def _as_tuples(rows: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    if not rows:
        return (), []
    columns = tuple(rows[0])
    if all(tuple(r) == columns for r in rows):  # records of one class: the same keys, in order
        return columns, [tuple(r.values()) for r in rows]
    columns = tuple(dict.fromkeys(k for r in rows for k in r))
    return columns, [tuple(r.get(c) for c in columns) for r in rows]


# Each table's columns, in table order, read once per connection. sqlite-utils' table
# objects look the schema up again on every insert and delete (about 56 look-ups per
# saved document, a third of the writer's time in a reprocess, issue 7), so mentions
# are written with prepared statements on the raw connection instead.
_COLUMNS: weakref.WeakKeyDictionary[Database, dict[str, tuple[str, ...]]] = weakref.WeakKeyDictionary()


def _columns(db: Database, table: str) -> tuple[str, ...]:
    per_db = _COLUMNS.setdefault(db, {})
    if table not in per_db:
        per_db[table] = tuple(r[1] for r in db.conn.execute(f"PRAGMA table_info([{table}])"))
    return per_db[table]


@functools.cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f"[{c}]" for c in columns)
    return f"insert into [{table}] ({names}) values ({', '.join('?' * len(columns))})"


@functools.cache
def _stored_rows_sql(table: str, columns: tuple[str, ...], others: tuple[str, ...]) -> str:
    """The document's rows of ``table``, as ``columns`` in that order, those whose ``others`` are all NULL."""
    names = ", ".join(f"[{c}]" for c in columns)
    blank = "".join(f" and [{c}] is null" for c in others)
    return f"select {names} from [{table}] where doc_id = ?{blank} order by seq"


def _unchanged(db: Database, table: str, doc_id: str, columns: tuple[str, ...],
               rows: list[tuple[Any, ...]]) -> bool:
    """Does ``table`` already hold exactly these rows for the document (as SQLite would store them)?

    Reprocessing after one extractor changed leaves the other fields' mentions
    as they were: reading them back costs far less than rewriting them and
    their indexes (the WAL would take every page again). SQLite reads the
    columns back in the rows' own order and checks that the table's other
    columns are empty: reordering them here in Python was half of the
    writer's time in a reprocess (bench/archive.py).
    """
    if not rows:  # no records now: unchanged when none is stored either
        return db.conn.execute(f"select 1 from [{table}] where doc_id = ? limit 1", [doc_id]).fetchone() is None
    table_columns = _columns(db, table)
    if not set(columns) <= set(table_columns):
        return False
    others = tuple(c for c in table_columns if c not in columns)
    if db.conn.execute(_stored_rows_sql(table, columns, others), [doc_id]).fetchall() != rows:
        return False
    # the same rows, read where the other columns are empty: unchanged if there are no more rows
    return not others or db.conn.execute(
        f"select count(*) from [{table}] where doc_id = ?", [doc_id]).fetchone()[0] == len(rows)


def _write_mentions(db: Database, mentions: Mentions, rewrite: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Make every field table hold ``mentions``' rows for the document, and no others.

    The fields in ``rewrite`` are written even when unchanged (their corrections are applied again after).
    """
    for field in dict.fromkeys([*EXTRACTORS, *mentions.tables]):
        if field in mentions.unchanged:
            continue
        columns, rows = mentions.tables.get(field, ((), []))
        if not _columns(db, field):  # a field of the run's extractors that has no table yet
            if rows:
                db[field].insert_all([dict(zip(columns, r)) for r in rows], pk=("doc_id", "seq"), batch_size=BATCH_SIZE)
                _COLUMNS.pop(db, None)
            continue
        if field not in rewrite and _unchanged(db, field, mentions.doc_id, columns, rows):
            continue
        db.conn.execute(f"delete from [{field}] where doc_id = ?", [mentions.doc_id])
        if not rows:
            continue
        if set(columns) <= set(_columns(db, field)):
            db.conn.executemany(_insert_sql(field, columns), rows)
        else:  # a key the table lacks (an extractor learned it after the schema): sqlite-utils adds the column
            db[field].insert_all([dict(zip(columns, r)) for r in rows], batch_size=BATCH_SIZE, alter=True)
            _COLUMNS.pop(db, None)


def _document_row(doc_id: str, doc: StoredDocument, db: Database, root: str | Path | None) -> dict[str, Any]:
    confidences = [p.confidence for p in doc.pages if p.confidence is not None]
    return {
        "doc_id": doc_id,
        "sha256": doc.sha256,
        "path": doc.path,
        "rel_path": public_path(doc.path, root),
        "kind": doc.kind,
        "page_count": len(doc.pages),
        "methods": ",".join(sorted({p.method for p in doc.pages})),
        "ocr_confidence": round(sum(confidences) / len(confidences), 2) if confidences else None,
        "status": STATUS_OK,
        "error_type": None,
        "error": None,
        "first_seen": _first_seen(db, doc_id),
        "processed_at": _now(),
        "pipeline_version": __version__,
        "extractors_version": extractors_version(),
    }


def _delete_content(db: Database, doc_id: str) -> None:
    for field in EXTRACTORS:
        db[field].delete_where("doc_id = ?", [doc_id])
    db.conn.execute(f"delete from [{schema.WORD_BOXES}] where doc_id = ?", [doc_id])
    db[schema.PAGES].delete_where("doc_id = ?", [doc_id])


def save_document(db: Database, doc: StoredDocument, *, root: str | Path | None = None) -> str:
    """Replace everything stored for this document, in one transaction; return its stored id.

    Saving the same document twice gives the same rows (only ``processed_at``
    moves), so a rerun after a crash is safe. ``root`` is the inbox or archive
    folder the file came from: the public sees its path relative to it
    (``public_path``). The runners store new files with :func:`store_document`,
    which never takes a stored document's name away.
    """
    with _transaction(db):
        doc_id = _save(db, doc, root)
    return doc_id


def _save(db: Database, doc: StoredDocument, root: str | Path | None = None) -> str:
    doc_id = _doc_id_for(db, doc.doc_id, doc.sha256, doc.path)
    db[schema.DOCUMENTS].upsert(_document_row(doc_id, doc, db, root), pk="doc_id")
    _delete_content(db, doc_id)
    db[schema.PAGES].insert_all(_page_rows(doc_id, doc.pages), batch_size=BATCH_SIZE)
    db.conn.executemany(f"insert into [{schema.WORD_BOXES}] (page_id, doc_id, words) values (?, ?, ?)",
                        _word_box_rows(doc_id, doc.pages))
    _write_mentions(db, mention_rows(doc_id, doc.mentions))
    review.reattach(db, doc_id)
    return doc_id


@dataclass(frozen=True, slots=True)
class Saved:
    """What :func:`store_document` did: stored the document (``new``), or noted a copy of stored bytes."""

    doc_id: str
    new: bool


def store_document(db: Database, doc: StoredDocument, *, copy_path: str | Path | None = None,
                   root: str | Path | None = None) -> Saved:
    """Store a newly read file, unless its bytes are stored already under another name; one transaction.

    The check is made inside the write transaction: two ``saraban ingest`` runs
    (or ingest and watch) that read the same bytes under two names at once both
    find them new before either commits; the second to commit now keeps the
    first's ``documents.path`` and notes its own name in ``copies`` (at
    ``copy_path``, where that file will be, else ``doc.path``) rather than
    overwriting it (issue 15: 4 of 10 names were lost that way).
    """
    with _transaction(db):
        row = None
        if content_key(doc.sha256) is not None:
            row = db.execute(f"select doc_id, path, status from [{schema.DOCUMENTS}] where sha256 = ?",
                             [doc.sha256]).fetchone()
        if row is not None and row[2] == STATUS_OK and row[1] != doc.path:
            _note_copy(db, row[0], str(copy_path or doc.path), root)
            return Saved(row[0], new=False)
        return Saved(_save(db, doc, root), new=True)


def store_version(db: Database, doc: StoredDocument, *, supersedes: str, root: str | Path | None = None) -> Saved:
    """Store the new content of a stored file as a new document that supersedes the old one; one transaction.

    For a file that changed after it was stored (``saraban watch``: a copy
    that stalled, was stored cut short, then went on writing into the same
    file). The new content is a document of its own (its own bytes, its own
    id), whose ``supersedes`` names the old one. The old row is kept, with
    status ``superseded`` and without its pages and mentions: its id may be
    linked to already (a Datasette URL, a correction in the review queue), and
    the row says what became of it; its content goes, so every count and
    search sees the document once, as it is now.
    """
    with _transaction(db):
        saved = store_document(db, doc, root=root)
        if saved.new and saved.doc_id != supersedes:
            db.conn.execute(f"update [{schema.DOCUMENTS}] set supersedes = ? where doc_id = ?",
                            [supersedes, saved.doc_id])
            db.conn.execute(f"update [{schema.DOCUMENTS}] set status = ?, processed_at = ? where doc_id = ?",
                            [STATUS_SUPERSEDED, _now(), supersedes])
            _delete_content(db, supersedes)
    return saved


def _note_copy(db: Database, doc_id: str, path: str, root: str | Path | None = None) -> None:
    db[schema.COPIES].upsert({"doc_id": doc_id, "path": path, "seen_at": _now(), "rel_path": public_path(path, root)},
                             pk=("doc_id", "path"))


def record_failure(db: Database, path: str | Path, sha256: str | None, error: BaseException, *,
                   root: str | Path | None = None) -> str:
    """Store that this file failed (status ``failed``, the error's class and message); return its id.

    Whatever was stored for the same bytes before is removed in the same
    transaction, so a document is never half ok, half failed.
    """
    path, sha256 = Path(path), content_key(sha256)
    with _transaction(db):
        doc_id = _doc_id_for(db, path.stem, sha256, str(path))
        db[schema.DOCUMENTS].upsert({
            "doc_id": doc_id,
            "sha256": sha256,
            "path": str(path),
            "rel_path": public_path(path, root),
            "kind": None,
            "page_count": None,
            "methods": None,
            "ocr_confidence": None,
            "status": STATUS_FAILED,
            "error_type": type(error).__name__,
            "error": public_error(error, path, root),
            "first_seen": _first_seen(db, doc_id),
            "processed_at": _now(),
            "pipeline_version": __version__,
            "extractors_version": None,
        }, pk="doc_id")
        _delete_content(db, doc_id)
    return doc_id


def record_duplicate(db: Database, path: str | Path, sha256: str, *, root: str | Path | None = None) -> str | None:
    """Note another copy of stored bytes under another name; return the stored id (None if unknown)."""
    if content_key(sha256) is None:
        return None
    with _transaction(db):
        row = db.execute(f"select doc_id, path from [{schema.DOCUMENTS}] where sha256 = ?", [sha256]).fetchone()
        if row is None:
            return None
        doc_id, stored_path = row
        if str(path) != stored_path:
            _note_copy(db, doc_id, str(path), root)
    return doc_id


# Documents whose pages are read in one query by pages_to_reprocess.
_PAGES_PER_QUERY = 200


@dataclass(frozen=True, slots=True)
class PageLayout:
    """What reprocess needs of a stored page besides its text: how it was read, its frame, its words."""

    method: str
    width: int | None
    height: int | None
    rotation: int
    words: bytes | None      # pack_words()


def documents_to_reprocess(db: Database, all: bool = False) -> list[tuple[str, int]]:  # noqa: A002
    """(doc id, page count) of the stored documents whose extractors are out of date, by id.

    Out of date means stored with another ``extractors_version()`` than the
    registry's now; ``all=True`` takes every processed document.
    """
    sql = f"select doc_id, coalesce(page_count, 0) from [{schema.DOCUMENTS}] where status = ?"
    params: list[Any] = [STATUS_OK]
    if not all:
        sql += " and (extractors_version is null or extractors_version != ?)"
        params.append(extractors_version())
    return [tuple(r) for r in db.execute(sql + " order by doc_id", params).fetchall()]


def stored_pages(db: Database, doc_ids: Sequence[str]) -> Iterator[tuple[str, list[int], list[str], list[PageLayout]]]:
    """(doc id, stored page numbers, raw page texts, page layouts) of each document, in the order given.

    The numbers go back with the texts (``saraban.pipeline.process_text(numbers=...)``),
    so each mention keeps the page it was stored on, and the layouts (the
    words' boxes) so that each gets its boxes again.
    """
    for i in range(0, len(doc_ids), _PAGES_PER_QUERY):
        chunk = list(doc_ids[i:i + _PAGES_PER_QUERY])
        pages: dict[str, tuple[list[int], list[str], list[PageLayout]]] = {d: ([], [], []) for d in chunk}
        marks = ", ".join("?" * len(chunk))
        for doc_id, number, text, method, width, height, rotation, words in db.execute(
            f"select p.doc_id, p.number, p.text, p.method, p.width, p.height, p.rotation, w.words "
            f"from [{schema.PAGES}] p left join [{schema.WORD_BOXES}] w on w.page_id = p.id "
            f"where p.doc_id in ({marks}) order by p.doc_id, p.number",
            chunk,
        ).fetchall():
            pages[doc_id][0].append(number)
            pages[doc_id][1].append(text)
            pages[doc_id][2].append(PageLayout(method, width, height, rotation or 0, words))
        for doc_id in chunk:
            yield doc_id, *pages[doc_id]


def pages_to_reprocess(db: Database, all: bool = False,  # noqa: A002
                       ) -> Iterator[tuple[str, list[int], list[str], list[PageLayout]]]:
    """:func:`stored_pages` of every document :func:`documents_to_reprocess` lists."""
    return stored_pages(db, [doc_id for doc_id, _ in documents_to_reprocess(db, all=all)])


def database_file(db: Database) -> str | None:
    """The absolute path of the file ``db`` is open on; None for an in-memory store."""
    row = db.conn.execute("select file from pragma_database_list where name = 'main'").fetchone()
    return row[0] if row and row[0] else None


def save_mentions(db: Database, mentions: Mentions) -> None:
    """Replace one stored document's mentions with ``mentions`` (pages kept), in one transaction.

    The document gets the current ``extractors_version()``; a KeyError when
    no such document is stored.
    """
    with _transaction(db):
        updated = db.conn.execute(
            f"update [{schema.DOCUMENTS}] set extractors_version = ?, processed_at = ? where doc_id = ?",
            [extractors_version(), _now(), mentions.doc_id],
        ).rowcount
        if not updated:
            raise KeyError(f"{mentions.doc_id}: no such stored document")
        _write_mentions(db, mentions, rewrite=review.corrected_fields(db, mentions.doc_id))
        review.reattach(db, mentions.doc_id)


def search_pages_like(db: Database, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Pages whose normalized text contains ``query``: a full scan, any length (the baseline of the index)."""
    sql = (
        f"select p.* from [{schema.PAGES}] p where p.text_norm like '%' || ? || '%' "
        "order by p.doc_id, p.number limit ?"
    )
    return [dict(r) for r in db.query(sql, [query, limit])]


def search_pages(db: Database, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Pages matching a Thai query, as Datasette's search box finds them (db.thai_search)."""
    from saraban.db.thai_search import escape_fts_thai  # imports datasette: only when searched

    sql = (
        f"select p.* from [{schema.PAGES}] p where p.rowid in "
        f"(select rowid from [{schema.PAGES_FTS}] where [{schema.PAGES_FTS}] match ?) "
        "order by p.doc_id, p.number limit ?"
    )
    return [dict(r) for r in db.query(sql, [escape_fts_thai(query), limit])]


def count_to_reprocess(db: Database, all: bool = False) -> int:  # noqa: A002
    """How many documents ``documents_to_reprocess(db, all)`` lists (a progress bar's total)."""
    sql = f"select count(*) from [{schema.DOCUMENTS}] where status = ?"
    params: list[Any] = [STATUS_OK]
    if not all:
        sql += " and (extractors_version is null or extractors_version != ?)"
        params.append(extractors_version())
    return db.execute(sql, params).fetchone()[0]
