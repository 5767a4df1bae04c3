"""The tables, their columns and indexes, derived from the extractor registry.

``documents`` and ``pages`` have fixed names; every field of
``extractors.registry.EXTRACTORS`` gets one table of the same name whose
columns are the record dataclass's fields (read from the extractor's return
annotation), then the span, page and provenance columns that
``DocumentResult.record_dict`` adds, then a few facet columns computed from
well-known keys (``iso`` -> ``year``, a reference's agency code -> its name...).
No extractor is named here: a new field in the registry is a new table.
"""
from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any

from sqlite_utils import Database

from saraban import corpus
from saraban.extractors.records import Record
from saraban.extractors.registry import EXTRACTORS, ExtractorSpec

DOCUMENTS = "documents"
PAGES = "pages"
COPIES = "copies"
SDG_GOALS = "sdg_goals"
PAGES_FTS = "pages_fts"
WORD_BOXES = "word_boxes"
CORRECTIONS = "corrections"
# Full-text search over pages: trigram substrings of the normalized text (Thai has no
# spaces between words, and unicode61 splits Thai at every vowel and tone mark), plus
# a column of PyThaiNLP syllables that searches shorter than three characters use.
FTS_COLUMNS = ("text_norm", "syllables")
FTS_TOKENIZER = "trigram"

DOCUMENT_COLUMNS: dict[str, type] = {
    "doc_id": str,
    "sha256": str,
    "path": str,      # where the file is on the server: Saraban's own; the public site reads it as NULL
    "rel_path": str,  # what the public sees: the path relative to the inbox or archive folder (store.public_path)
    "kind": str,
    "page_count": int,
    "methods": str,
    "ocr_confidence": float,
    "status": str,
    "error_type": str,
    "error": str,
    "first_seen": str,
    "processed_at": str,
    "pipeline_version": str,
    "extractors_version": str,
    "supersedes": str,       # the doc_id of the earlier version of the same file (db.store.store_version)
}

PAGE_COLUMNS: dict[str, type] = {
    "id": str,
    "doc_id": str,
    "number": int,
    "label": str,
    "method": str,
    "confidence": float,
    "text": str,
    "text_norm": str,
    "syllables": str,
    "width": int,       # the page's size in the frame of its word boxes (pixels of the OCR'd
    "height": int,      # image, points of a text layer); empty for pages with no image
    "rotation": int,    # degrees clockwise that frame is turned from the file's page
    "error": str,       # why a page of method "failed" could not be read ("page 3: tesseract failed: ...")
}

# Each page's words (db.store.pack_words): offsets in the page's raw text, box, OCR
# confidence and flags, so that reprocess gives new records their boxes with no file.
WORD_BOX_COLUMNS: dict[str, type] = {"page_id": str, "doc_id": str, "words": bytes}

# What a reviewer did to a record (db/review.py): re-attached by field and raw span
# after every re-extraction; "orphaned" when that span holds no record any more.
CORRECTION_COLUMNS: dict[str, type] = {
    "id": int,
    "doc_id": str,
    "field": str,
    "page": int,
    "raw_start": int,
    "raw_end": int,
    "text": str,
    "action": str,       # confirmed, corrected, rejected
    "old": str,          # the record's keys before, JSON
    "new": str,          # the keys the reviewer gave, JSON (corrected only)
    "reviewer": str,
    "at": str,
    "status": str,       # attached, orphaned
    "seq": int,          # the field row it is attached to now
}

COPY_COLUMNS: dict[str, type] = {"doc_id": str, "path": str, "seen_at": str, "rel_path": str}

SDG_GOAL_COLUMNS: dict[str, type] = {
    "goal": int, "th_short": str, "th_long": str, "en_short": str, "en_long": str,
}

# Columns DocumentResult.record_dict adds after the record's own keys.
PROVENANCE_COLUMNS: dict[str, type] = {
    "raw_start": int,
    "raw_end": int,
    "page": int,
    "extractor": str,
    "extractor_version": str,
}

# Where a record stands on its page and how it was read (DocumentResult.record_dict),
# and whether a person should check it (review) or did (reviewed, db/review.py).
LAYOUT_COLUMNS: dict[str, type] = {
    "boxes": str,            # JSON [[x, y, w, h], ...], 0-1 of the page, one box per line
    "ocr_confidence": float, # the lowest OCR confidence (0-100) of the words in the span
    "method": str,           # text, text-layer, ocr, ocr-reread (a re-read changed its digits), docx, pptx
    "review": str,           # why a person should check it, or empty
    "reviewed": str,         # confirmed, corrected (the keys show the reviewer's values), or empty
}

# The keys every Record has; the rest of a record's keys are what researchers facet on.
BASE_RECORD_KEYS = frozenset(f.name for f in dataclasses.fields(Record))

_REFERENCE = re.compile(r"^(?P<code>[ก-ฮ][ก-ฮ.]*)\s+\d")  # "มท 0204.4/ว10104" -> มท


def _year(iso: Any) -> dict[str, Any]:
    # a range "2023-01-01/2023-03-31" counts under the year it starts in
    m = re.match(r"(\d{4})-", str(iso or ""))
    return {"year": int(m.group(1)) if m else None}


def _agency(normalized: Any) -> dict[str, Any]:
    m = _REFERENCE.match(str(normalized or ""))
    if not m:
        return {"agency_code": None, "agency_name": None}
    code = m.group("code")
    return {"agency_code": code, "agency_name": corpus.agency_codes().get(code, {}).get("name")}


def _province_en(name: Any) -> dict[str, Any]:
    return {"name_en": _provinces_en().get(str(name or ""))}


def _goal_titles(goal: Any) -> dict[str, Any]:
    row = _goals_by_number().get(_as_int(goal))
    return {"goal_th": row["th_short"] if row else None, "goal_en": row["en_short"] if row else None}


def _target_goal(target: Any) -> dict[str, Any]:
    m = re.match(r"(\d{1,2})\.", str(target or ""))
    return {"target_goal": int(m.group(1)) if m else None}


@dataclasses.dataclass(frozen=True)
class Derived:
    """Facet columns computed from one record key, when a record has that key."""

    source: str
    columns: dict[str, type]
    fn: Callable[[Any], dict[str, Any]]


# Keyed by the record keys of spec/extraction.md, never by extractor: any field
# whose records carry the key gets the columns.
DERIVED: tuple[Derived, ...] = (
    Derived("iso", {"year": int}, _year),
    Derived("normalized", {"agency_code": str, "agency_name": str}, _agency),
    Derived("name", {"name_en": str}, _province_en),
    Derived("goal", {"goal_th": str, "goal_en": str}, _goal_titles),
    Derived("target", {"target_goal": int}, _target_goal),
)


@cache
def _provinces_en() -> dict[str, str]:
    return {p["name_th"]: p["name_en"] for p in corpus.provinces()}


@cache
def _goals_by_number() -> dict[int, dict[str, Any]]:
    return {g["goal"]: g for g in corpus.goals()}


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def record_class(spec: ExtractorSpec) -> type:
    """The record dataclass an extractor returns, from its ``-> list[X]`` annotation."""
    try:
        ret = typing.get_type_hints(spec.fn).get("return")
    except Exception:  # an annotation that does not resolve: fall back to the base keys
        return Record
    for arg in typing.get_args(ret):
        if isinstance(arg, type) and dataclasses.is_dataclass(arg):
            return arg
    return Record


def _sql_type(hint: Any) -> type:
    """int, float or str for a dataclass field's type (Optional unwrapped; lists as JSON text)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        hint = args[0] if len(args) == 1 else str
    if hint is bool or hint is int:
        return int
    if hint is float:
        return float
    return str


def record_columns(cls: type) -> dict[str, type]:
    """The record's own columns, in dataclass order."""
    hints = typing.get_type_hints(cls)
    return {f.name: _sql_type(hints.get(f.name, str)) for f in dataclasses.fields(cls)}


def field_columns(field: str, spec: ExtractorSpec | None = None) -> dict[str, type]:
    """Every column of a field's table, in the order Datasette shows them."""
    spec = spec or EXTRACTORS[field]
    own = record_columns(record_class(spec))
    # what a researcher reads first: the document and page, the record's keys and
    # their facet columns, then the matched text, its confidence and the spans
    cols: dict[str, type] = {"doc_id": str, "seq": int, "page_id": str}
    cols.update({k: v for k, v in own.items() if k not in BASE_RECORD_KEYS})
    for d in DERIVED:
        if d.source in own:
            cols.update({k: v for k, v in d.columns.items() if k not in cols})
    cols.update({k: v for k, v in own.items() if k in BASE_RECORD_KEYS})
    cols.update(PROVENANCE_COLUMNS)
    cols.update(LAYOUT_COLUMNS)
    return cols


def record_keys(field: str, spec: ExtractorSpec | None = None) -> list[str]:
    """The keys of spec/extraction.md a field's records carry (what a reviewer corrects)."""
    spec = spec or EXTRACTORS[field]
    return [k for k in record_columns(record_class(spec)) if k not in BASE_RECORD_KEYS]


def facet_columns(field: str, spec: ExtractorSpec | None = None) -> list[str]:
    """The columns of a field's table a researcher facets on: its own keys and the derived ones."""
    spec = spec or EXTRACTORS[field]
    own = record_columns(record_class(spec))
    keys = [k for k in own if k not in BASE_RECORD_KEYS]
    derived = [c for d in DERIVED if d.source in own for c in d.columns if c not in own]
    return keys + derived


_AS_IS = frozenset({str, int, float, type(None)})
_NUMBERS = frozenset({int, float})


def sql_value(value: Any) -> Any:
    """A record value as SQLite stores it: bools as 0/1, lists and dicts as JSON text."""
    if type(value) in _AS_IS:   # most values: one type look-up rather than two isinstance calls
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple)) and all(type(v) is list and all(type(x) in _NUMBERS for x in v) for v in value):
        # a list of lists of numbers (a record's boxes): written out directly, five times faster than json.dumps
        return "[" + ",".join("[" + ",".join(map(repr, v)) + "]" for v in value) + "]"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def derived_values(row: dict[str, Any]) -> dict[str, Any]:
    """The facet columns computed from a record row's well-known keys."""
    out: dict[str, Any] = {}
    for d in DERIVED:
        if d.source in row:
            out.update({k: v for k, v in d.fn(row[d.source]).items() if k not in row})
    return out


def create_schema(db: Database) -> None:
    """Create every table, foreign key, index and the full-text index; add new columns.

    Safe to run on every open: existing tables only gain the columns a newer
    record class has (an extractor that learned a new key).
    """
    _ensure(db, SDG_GOALS, SDG_GOAL_COLUMNS, pk="goal")
    if db[SDG_GOALS].count == 0:
        db[SDG_GOALS].insert_all(
            ({k: g[k] for k in SDG_GOAL_COLUMNS} for g in corpus.goals()), batch_size=100,
        )
    _ensure(db, DOCUMENTS, DOCUMENT_COLUMNS, pk="doc_id", not_null={"status"})
    _ensure(db, PAGES, PAGE_COLUMNS, pk="id", foreign_keys=[("doc_id", DOCUMENTS, "doc_id")])
    _ensure(db, COPIES, COPY_COLUMNS, pk=("doc_id", "path"), foreign_keys=[("doc_id", DOCUMENTS, "doc_id")])
    _ensure(db, WORD_BOXES, WORD_BOX_COLUMNS, pk="page_id", foreign_keys=[("page_id", PAGES, "id")])
    _ensure(db, CORRECTIONS, CORRECTION_COLUMNS, pk="id", foreign_keys=[("doc_id", DOCUMENTS, "doc_id")])
    _index(db, WORD_BOXES, ["doc_id"])
    _index(db, CORRECTIONS, ["doc_id", "field"])
    _index(db, DOCUMENTS, ["sha256"], unique=True)
    for col in ("status", "kind", "extractors_version"):
        _index(db, DOCUMENTS, [col])
    _index(db, PAGES, ["doc_id", "number"], unique=True)
    _index(db, PAGES, ["method"])
    for field, spec in EXTRACTORS.items():
        _ensure(
            db, field, field_columns(field, spec), pk=("doc_id", "seq"),
            foreign_keys=[("doc_id", DOCUMENTS, "doc_id"), ("page_id", PAGES, "id")],
        )
        for col in ["page_id", *facet_columns(field, spec)]:
            _index(db, field, [col])
    if not db[PAGES_FTS].exists():
        db[PAGES].enable_fts(
            list(FTS_COLUMNS), fts_version="FTS5", tokenize=FTS_TOKENIZER, create_triggers=True,
        )


def _ensure(db: Database, name: str, columns: dict[str, type], **kwargs: Any) -> None:
    table = db[name]
    if not table.exists():
        table.create(columns, **kwargs)
        return
    have = set(table.columns_dict)
    for col, typ in columns.items():
        if col not in have:
            table.add_column(col, typ)


def _index(db: Database, table: str, columns: list[str], *, unique: bool = False) -> None:
    db[table].create_index(columns, unique=unique, if_not_exists=True)
