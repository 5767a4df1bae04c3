"""Corrections: what reviewers confirmed, corrected or rejected, kept as data and re-attached.

A correction is a row of ``corrections``: the document, the field, the
record's span in the raw text (``raw_start``-``raw_end``, which never moves:
reprocess reads the same stored raw text), the record's keys before, the keys
the reviewer gave, who and when. Applying it changes the field table's row:
corrected keys (and their facet columns) take the reviewer's values and
``reviewed`` says so; a rejected record leaves the field table (the
correction keeps it). After every re-extraction of a document
(``db.store.save_mentions``, ``save_document``) :func:`reattach` applies its
corrections again to the new rows, by field and span; a correction whose
span no longer holds a record of its field stays listed, ``orphaned``.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from saraban import corpus
from saraban.db import schema
from saraban.extractors.registry import EXTRACTORS

CONFIRMED, CORRECTED, REJECTED = "confirmed", "corrected", "rejected"
ACTIONS = (CONFIRMED, CORRECTED, REJECTED)
ATTACHED, ORPHANED = "attached", "orphaned"


class ReviewError(ValueError):
    """A correction that cannot be taken: an unknown record, action or field, or a value that is not valid."""


# --- validating what a reviewer typed, by record key (spec/extraction.md), never by extractor

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
# "มท 0204.4/ว10104", "กค (กวจ) 0405.2/ว119", "นร 0403(กร)/123": the normalized form references take
_REFERENCE = re.compile(r"^[ก-ฮ]{2,4}(?: \([ก-ฮ]{1,6}\))? [0-9]{2,6}(?:\.[0-9]{1,4}){0,3}(?:\([ก-ฮ0-9.]{1,8}\))?/ว?[0-9]{1,7}$")
_TARGET = re.compile(r"^(1[0-7]|[1-9])\.([1-9][0-9]?|[a-c])$")


def _iso(value: str) -> str:
    """A date ``YYYY-MM-DD``, a range ``START/END`` (start not after end), or a time ``HH:MM``."""
    if _ISO_TIME.match(value):
        return value
    parts = value.split("/")
    if len(parts) > 2 or not all(_ISO_DATE.match(p) for p in parts):
        raise ReviewError(f"{value!r} is not a date (YYYY-MM-DD or START/END)")
    try:
        days = [_dt.date.fromisoformat(p) for p in parts]
    except ValueError as err:
        raise ReviewError(f"{value!r} is not a real date: {err}") from err
    if len(days) == 2 and days[0] > days[1]:
        raise ReviewError(f"{value!r}: the range ends before it starts")
    return value


def _reference(value: str) -> str:
    value = " ".join(value.split())
    if not _REFERENCE.match(value):
        raise ReviewError(f"{value!r} is not a reference number shaped like 'มท 0204.4/ว10104'")
    return value


def _goal(value: int) -> int:
    if not 1 <= value <= 17:
        raise ReviewError(f"{value} is not an SDG goal (1-17)")
    return value


def _target(value: str) -> str:
    value = value.strip().lower()
    if not _TARGET.match(value):
        raise ReviewError(f"{value!r} is not an SDG target shaped like 11.6 or 5.b")
    return value


def _province(value: str) -> str:
    if value.strip() not in {p["name_th"] for p in corpus.provinces()}:
        raise ReviewError(f"{value!r} is not the Thai name of a province")
    return value.strip()


def _not_negative(value: int | float) -> int | float:
    if value < 0:
        raise ReviewError(f"{value} is negative")
    return value


# Checks of a key's value after it was read as its column's type (int, float, str).
CHECKS: dict[str, Callable[[Any], Any]] = {
    "iso": _iso,
    "normalized": _reference,
    "goal": _goal,
    "target": _target,
    "name": _province,
    "baht": _not_negative,
    "value": lambda v: _not_negative(v) if isinstance(v, (int, float)) else v,
}


def form_keys(field: str) -> dict[str, type]:
    """The keys a reviewer corrects for a field, with their column types."""
    if field not in EXTRACTORS:
        raise ReviewError(f"{field!r} is no field")
    own = schema.record_columns(schema.record_class(EXTRACTORS[field]))
    return {k: t for k, t in own.items() if k not in schema.BASE_RECORD_KEYS}


def validate(field: str, values: Mapping[str, str]) -> dict[str, Any]:
    """The reviewer's values for a field's keys, typed and checked; ReviewError names the first bad one.

    An empty value clears an optional key; the keys not given keep their value.

    >>> validate("dates", {"iso": "2022-10-31"})
    {'iso': '2022-10-31'}
    >>> validate("dates", {"iso": "2022-02-30"})
    Traceback (most recent call last):
    ...
    saraban.db.review.ReviewError: '2022-02-30' is not a real date: day is out of range for month
    """
    keys = form_keys(field)
    out: dict[str, Any] = {}
    for key, raw in values.items():
        if key not in keys:
            raise ReviewError(f"{field} records have no key {key!r}")
        raw = str(raw).strip()
        if raw == "":
            out[key] = None
            continue
        typ = keys[key]
        try:
            value: Any = typ(raw) if typ in (int, float) else raw
        except ValueError as err:
            raise ReviewError(f"{key}: {raw!r} is not a number") from err
        out[key] = CHECKS[key](value) if key in CHECKS else value
    return out


# --- applying corrections to the field tables


@dataclass(frozen=True, slots=True)
class Correction:
    """One row of ``corrections``."""

    id: int
    doc_id: str
    field: str
    page: int
    raw_start: int
    raw_end: int
    action: str
    new: dict[str, Any]


def _facets(row: dict[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The facet columns (year, agency, goal titles...) of the corrected keys, recomputed."""
    out: dict[str, Any] = {}
    for d in schema.DERIVED:
        if d.source in new:
            out.update({k: v for k, v in d.fn(new[d.source]).items() if k in row and k not in new})
    return out


def _apply(db: Database, field: str, seq: int, doc_id: str, action: str, new: Mapping[str, Any]) -> None:
    if action == REJECTED:
        db.conn.execute(f"delete from [{field}] where doc_id = ? and seq = ?", [doc_id, seq])
        return
    row = dict(zip(_columns(db, field), db.conn.execute(
        f"select * from [{field}] where doc_id = ? and seq = ?", [doc_id, seq]).fetchone()))
    values: dict[str, Any] = {"reviewed": action}
    if action == CORRECTED:
        values.update({k: schema.sql_value(v) for k, v in new.items()})
        values.update(_facets(row, new))
    sets = ", ".join(f"[{k}] = ?" for k in values)
    db.conn.execute(f"update [{field}] set {sets} where doc_id = ? and seq = ?", [*values.values(), doc_id, seq])


def _columns(db: Database, table: str) -> list[str]:
    return [r[1] for r in db.conn.execute(f"PRAGMA table_info([{table}])")]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def record(db: Database, field: str, doc_id: str, seq: int) -> dict[str, Any] | None:
    """A field table's row, or None."""
    if field not in EXTRACTORS:
        return None
    cur = db.conn.execute(f"select * from [{field}] where doc_id = ? and seq = ?", [doc_id, seq])
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row)) if row else None


def correct(db: Database, field: str, doc_id: str, seq: int, action: str, values: Mapping[str, str],
            reviewer: str) -> int:
    """Take a reviewer's decision on one record, in one transaction; return the correction's id.

    ``values`` (the form's keys, as typed) matter for ``corrected`` only; they
    are validated first, and nothing is written when one is not valid.
    """
    if action not in ACTIONS:
        raise ReviewError(f"{action!r} is no action ({', '.join(ACTIONS)})")
    row = record(db, field, doc_id, seq)
    if row is None:
        raise ReviewError(f"{field} {doc_id}#{seq}: no such record")
    new = validate(field, values) if action == CORRECTED else {}
    if action == CORRECTED and not new:
        raise ReviewError("a correction needs at least one value")
    keys = form_keys(field)
    old = {k: row.get(k) for k in keys}
    with _write(db):
        cur = db.conn.execute(
            f"insert into [{schema.CORRECTIONS}] (doc_id, field, page, raw_start, raw_end, text, action, old, new, "
            "reviewer, at, status, seq) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc_id, field, row["page"], row["raw_start"], row["raw_end"], row["text"], action,
             json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False) if new else None,
             reviewer, _now(), ATTACHED, seq])
        _apply(db, field, seq, doc_id, action, new)
    return int(cur.lastrowid)


class _write:
    """BEGIN IMMEDIATE ... COMMIT on the raw connection (a savepoint when one is open already)."""

    def __init__(self, db: Database) -> None:
        self.conn = db.conn
        self.nested = self.conn.in_transaction

    def __enter__(self) -> None:
        self.conn.execute("SAVEPOINT review" if self.nested else "BEGIN IMMEDIATE")

    def __exit__(self, kind: Any, *_: Any) -> None:
        if self.nested:
            self.conn.execute("ROLLBACK TO review" if kind else "RELEASE review")
            if kind:
                self.conn.execute("RELEASE review")
        else:
            self.conn.execute("ROLLBACK" if kind else "COMMIT")


def corrected_fields(db: Database, doc_id: str) -> set[str]:
    """The fields of a document that have corrections (rewritten whole on reprocess, then re-attached)."""
    return {r[0] for r in db.conn.execute(
        f"select distinct field from [{schema.CORRECTIONS}] where doc_id = ?", [doc_id])}


def reattach(db: Database, doc_id: str) -> None:
    """Apply a document's corrections again to its freshly extracted rows, oldest first.

    A correction goes to the row of its field with the same raw span; failing
    that, to the row of its field on its page whose span overlaps it most (an
    extractor that learned to take one more character); failing that it is
    ``orphaned`` (kept, listed, applied again if its span comes back).
    Runs inside the caller's transaction.
    """
    corrections = db.conn.execute(
        f"select id, doc_id, field, page, raw_start, raw_end, action, new from [{schema.CORRECTIONS}] "
        "where doc_id = ? order by id", [doc_id]).fetchall()
    for cid, _, field, page, raw_start, raw_end, action, new in corrections:
        if field not in EXTRACTORS or not db[field].exists():
            db.conn.execute(f"update [{schema.CORRECTIONS}] set status = ?, seq = null where id = ?", [ORPHANED, cid])
            continue
        seq = _matching_row(db, field, doc_id, page, raw_start, raw_end)
        if seq is None:
            db.conn.execute(f"update [{schema.CORRECTIONS}] set status = ?, seq = null where id = ?", [ORPHANED, cid])
            continue
        _apply(db, field, seq, doc_id, action, json.loads(new) if new else {})
        db.conn.execute(f"update [{schema.CORRECTIONS}] set status = ?, seq = ? where id = ?", [ATTACHED, seq, cid])


def _matching_row(db: Database, field: str, doc_id: str, page: int, raw_start: int, raw_end: int) -> int | None:
    row = db.conn.execute(
        f"select seq from [{field}] where doc_id = ? and raw_start = ? and raw_end = ? limit 1",
        [doc_id, raw_start, raw_end]).fetchone()
    if row:
        return row[0]
    row = db.conn.execute(
        f"select seq from [{field}] where doc_id = ? and page = ? and raw_start < ? and raw_end > ? "
        "order by min(raw_end, ?) - max(raw_start, ?) desc limit 1",
        [doc_id, page, raw_end, raw_start, raw_end, raw_start]).fetchone()
    return row[0] if row else None


# --- the queue


def queue_progress(db: Database) -> list[dict[str, Any]]:
    """Per document: records waiting for review, records reviewed, and why they wait (the first few reasons)."""
    parts = [f"select doc_id, count(*) as waiting from [{f}] where review is not null and reviewed is null "
             "group by doc_id" for f in EXTRACTORS if db[f].exists() and "review" in db[f].columns_dict]
    waiting: dict[str, int] = {}
    for part in parts:
        for doc_id, n in db.conn.execute(part):
            waiting[doc_id] = waiting.get(doc_id, 0) + n
    done = dict(db.conn.execute(
        f"select doc_id, count(distinct field || ':' || raw_start || ':' || raw_end) from [{schema.CORRECTIONS}] "
        "group by doc_id").fetchall())
    out = []
    for doc_id in sorted(set(waiting) | set(done)):
        out.append({"doc_id": doc_id, "waiting": waiting.get(doc_id, 0), "reviewed": done.get(doc_id, 0)})
    return out


def waiting_records(db: Database, doc_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Records that wait for a reviewer: field, document, page, seq, text and why, in document order."""
    out: list[dict[str, Any]] = []
    for field in EXTRACTORS:
        if not db[field].exists() or "review" not in db[field].columns_dict:
            continue
        sql = (f"select doc_id, page, seq, text, review from [{field}] where review is not null and reviewed is null"
               + (" and doc_id = ?" if doc_id else "") + " order by doc_id, page, start limit ?")
        for d, page, seq, text, why in db.conn.execute(sql, [doc_id, limit] if doc_id else [limit]):
            out.append({"field": field, "doc_id": d, "page": page, "seq": seq, "text": text, "review": why})
    out.sort(key=lambda r: (r["doc_id"], r["page"], r["field"], r["seq"]))
    return out[:limit]
