"""What the workers run: one function per kind of work, module-level so a pool or Dask pickles it by name.

Each returns a value and never raises: a failure comes back as :class:`Failed`
for the writer to record against its file, and the run goes on.
"""
from __future__ import annotations

import pickle
import time
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from saraban.core.errors import SarabanError, UnexpectedError
from saraban.db.store import (Mentions, PageLayout, StoredDocument, mention_rows, open_reader, page_words, stored_pages,
                              without_unchanged)
from saraban.pipeline import PAGE_BREAK, RunContext, process_file, process_text


@dataclass(frozen=True, slots=True)
class Failed:
    """A worker's failure, sent back as a value so the writer records it and goes on."""

    error: BaseException   # one that survives pickling (portable_error)


@dataclass(frozen=True, slots=True)
class Extracted:
    """One file read and extracted, ready to store, with the seconds each half took."""

    doc: StoredDocument
    seconds: float          # reading and extraction
    words_seconds: float    # the pages' search words (db.store.page_words), done here, not in the writer


def portable_error(path: Path | str, err: BaseException) -> BaseException:
    """``err`` itself when it survives pickling (Saraban's errors do, ``SarabanError.__reduce__``),
    else ``UnexpectedError`` with its type and message: what a worker sends back."""
    if isinstance(err, SarabanError):
        # a fresh copy, without the library error it was raised from: where tblib's pickling
        # support is installed (dask.multiprocessing does it on import; Datasette's plugins
        # import that), a pickled exception takes its __cause__ along, and lxml's do not pickle
        err = type(err)(err.path, err.reason)
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:  # noqa: BLE001 - an exception whose arguments do not pickle (lxml's, say)
        return UnexpectedError(path, f"{type(err).__name__}: {err}")
    return err


def describe_failure(path: Path | str, err: BaseException) -> str:
    """The one line that reports a failed file: its path, then why.

    >>> describe_failure("memo.docx", ValueError("bad zip"))
    'memo.docx: ValueError: bad zip'
    """
    return str(err) if isinstance(err, SarabanError) else f"{path}: {type(err).__name__}: {err}"


def extract_file(path: Path, ctx: RunContext) -> Extracted | Failed:
    """Ingest and watch: one file through ``process_file`` (text layer or OCR), and its pages' search words."""
    started = time.perf_counter()
    try:
        result = process_file(path, ctx)
        seconds = time.perf_counter() - started
        words = page_words(result.norm_pages)
    except Exception as err:  # noqa: BLE001 - the edge: the writer records the failure, the run goes on
        return Failed(portable_error(path, err))
    return Extracted(result.stored(words=words), seconds, time.perf_counter() - started - seconds)


# Each worker's read-only connection to the store it re-extracts, by file.
_READERS: dict[str, Database] = {}


def reextract_stored(db_file: str, doc_ids: list[str], ctx: RunContext) -> list[Mentions | Failed]:
    """Reprocess on this machine: the worker reads the documents' stored pages itself, then as below.

    The writer hands over only ids: reading and pickling every page's text in
    the one writer took a tenth of a 2-core reprocess (bench/archive.py).
    WAL lets the worker read while the writer writes; reprocess writes no page.
    """
    db = _READERS.get(db_file)
    if db is None:
        db = _READERS[db_file] = open_reader(db_file)
    return [without_unchanged(db, r) if isinstance(r, Mentions) else r
            for r in reextract_documents(list(stored_pages(db, doc_ids)), ctx)]


def reextract_documents(docs: list[tuple[str, list[int], list[str], list[PageLayout]]],
                        ctx: RunContext) -> list[Mentions | Failed]:
    """Reprocess: stored raw page texts through normalizers and extractors, no OCR.

    ``docs``: (doc id, stored page numbers, raw page texts, page layouts), several per task
    so the hand-over costs are shared. Each document comes back as its mention
    rows (the writer only inserts them), or as its own ``Failed``.
    """
    out: list[Mentions | Failed] = []
    for doc_id, numbers, texts, layouts in docs:
        try:
            result = process_text(PAGE_BREAK.join(texts), doc_id, ctx=ctx, numbers=numbers, layouts=layouts)
            out.append(mention_rows(doc_id, result.mentions()))
        except Exception as err:  # noqa: BLE001 - the edge: the writer records the failure, the run goes on
            out.append(Failed(portable_error(doc_id, err)))
    return out
