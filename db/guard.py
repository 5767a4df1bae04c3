"""What one request may cost the site: memory per query, SQL queries at once, methods.

A Datasette plugin (issue 15, items 1 and 12). Datasette's 3 s time limit is
checked between SQLite instructions, so one instruction that allocates
(``randomblob(500000000)``) ran to completion: 4.47 GB of RSS for one
anonymous request. The SQL box is now for signed-in visitors (db/site.py:
``SIGNED_IN``), and what any query may cost (a signed-in visitor's, a table
page's, a canned query's) is bounded here:

* per value: ``SQLITE_LIMIT_LENGTH`` (:data:`MAX_VALUE_BYTES`) on every
  connection Datasette opens: ``randomblob``, ``zeroblob``, ``printf('%.*c')``,
  ``replace``, ``group_concat``, ``||`` in a recursive CTE... fail at once
  with SQLite's "string or blob too big";
* per process, inside SQLite: ``PRAGMA hard_heap_limit`` (:data:`HEAP_LIMIT_BYTES`,
  set by ``saraban serve`` for its whole process: :func:`limit_process_heap`),
  for what the length limit does not see (sixty large values in one row,
  a CTE holding many): SQLite refuses the allocation;
* per query, once in Python: a row factory counts the size of the values a
  cursor has handed over and stops at :data:`MAX_RESULT_BYTES` (rendering
  multiplies it, see the constant);
* per LIKE: ``SQLITE_LIMIT_LIKE_PATTERN_LENGTH`` (:data:`MAX_LIKE_PATTERN_BYTES`),
  the CPU one table filter may take;
* at once: requests that carry SQL a visitor wrote (``sql=``, ``_where=``) run
  :data:`SQL_REQUESTS_AT_ONCE` at a time, so they never hold every SQL
  thread: tables, facets, search and canned queries answer meanwhile; more
  than :data:`SQL_REQUESTS_WAITING` waiting get 503 at once.

Each limit names the measurement that chose it (``bench/serve_abuse.py``,
one fresh server per probe; the server rests at 79 MB of RSS). The same ASGI
wrapper answers 405 to a POST to a table or a read-only canned query, which
Datasette 0.65 answers with a 500.
"""
from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import sys
import weakref
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from datasette import hookimpl

MiB = 2**20

# The largest string or blob any expression may build or read. The largest values
# stored are a page's texts (its `syllables` column is about 1.1 times its text), and
# SQLite checks the limit when it loads a column, so a page longer than this cannot be
# read by the site at all: 64 MiB is a one-page .txt of 20 million Thai characters.
# randomblob(500000000), which took the server to 3.7-4.5 GB for 32 s, fails in 1 ms.
MAX_VALUE_BYTES = 64 * MiB

# The SQLite heap of the whole server process (every connection's page cache, 2 MiB
# by default, and what its queries hold). Sixty randomblob(8000000) in one row took
# 928 MB of RSS without it, 165 MB with it (SQLite's out-of-memory error after 0.75 s);
# it holds two values of MAX_VALUE_BYTES at once (a query reading a page's text and
# its syllables) with room for the caches.
HEAP_LIMIT_BYTES = 160 * MiB

# The most one query hands to Python, in bytes of the Python values (sys.getsizeof:
# Thai text takes 2 bytes a character). Rendering multiplies it: one JSON response of
# 24 MiB of Thai text (\uXXXX escapes, the encoded body, the rows) peaked at 434 MB,
# as CSV 304 MB; 32 MiB peaked at 729 MB. The CSV export of a table streams chunks of
# max_returned_rows (1,000 rows): 1,000 pages of scanned letters (2,500 characters,
# three text columns: 18 KB a row) are 18 MB, under it; a table page of the MOI
# slides' page (121 KB a row) is 12 MB.
MAX_RESULT_BYTES = 24 * MiB

# Requests with SQL a visitor wrote running at once: one, so the other two of
# Datasette's three SQL threads (num_sql_threads) always serve tables, facets, search
# and the canned queries, and a printf('%.*c', 2e9) (21 s in one instruction) or a
# quadratic instr holds one thread, not all three.
SQL_REQUESTS_AT_ONCE = 1
# Waiting beyond this many, a request gets 503 and Retry-After at once; a waiting
# one gives up after SQL_WAIT_S (a few queries of the 3 s time limit).
SQL_REQUESTS_WAITING = 8
SQL_WAIT_S = 10.0

# Query-string keys that carry SQL a visitor wrote.
SQL_PARAMS = frozenset({"sql", "_where"})

# Datasette's ?_json=COLUMN parses a column's text as JSON before rendering: 30 MB of
# SQL-built "[[],[],...]" became ten million Python lists, 930 MB of RSS and 11.8 s
# (bench/serve_abuse.py, json-expansion). Stored data needs it; SQL a visitor wrote does not.
JSON_WITH_SQL = ("?_json= is not available with your own SQL (it can expand a value a hundredfold): "
                 "use SQLite's json functions in the query instead")

# The longest LIKE or GLOB pattern (bytes). A table filter (?text__contains=) is a LIKE
# pattern the visitor writes, and one LIKE is one SQLite instruction, which the time limit
# cannot stop: '%a_a_...b%' costs the page's length times the pattern's. SQLite's default
# of 50,000 took 105 s on a page of a million characters; 1,000 (a phrase of 330 Thai
# characters) takes 1.75 s.
MAX_LIKE_PATTERN_BYTES = 1000


class ResultTooLarge(sqlite3.OperationalError):
    """A query's rows went over MAX_RESULT_BYTES: the request asks for too much.

    An ``OperationalError``, so Datasette reports it as it reports bad SQL: a
    400 with the message, on the query page and on a table page.
    """


def value_bytes(value: Any) -> int:
    """What a row value costs in Python: its own size (strings, bytes), or a pointer's for numbers and NULL.

    >>> value_bytes("ก" * 1000) > 2000
    True
    >>> value_bytes(None)
    8
    """
    if isinstance(value, (str, bytes)):
        return sys.getsizeof(value)
    return 8


def budgeted_rows(row_factory: Callable[[sqlite3.Cursor, tuple], Any] | None,
                  limit: int = MAX_RESULT_BYTES) -> Callable[[sqlite3.Cursor, tuple], Any]:
    """A row factory that raises :class:`ResultTooLarge` once a cursor's rows pass ``limit`` bytes.

    Datasette opens one cursor per query, so the count is per query.
    """
    spent: weakref.WeakKeyDictionary[sqlite3.Cursor, int] = weakref.WeakKeyDictionary()

    def factory(cursor: sqlite3.Cursor, row: tuple) -> Any:
        total = spent.get(cursor, 0) + sum(value_bytes(v) for v in row)
        if total > limit:
            spent.pop(cursor, None)
            raise ResultTooLarge(
                f"The result is larger than {limit // MiB} MB, the most one request may return here: "
                "ask for fewer rows or columns, or a part of long values (substr(text, 1, 1000))"
            )
        spent[cursor] = total
        return row_factory(cursor, row) if row_factory is not None else row

    return factory


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Bound every value, each LIKE, and each query's result, on every connection Datasette opens."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_LIKE_PATTERN_BYTES)
    conn.row_factory = budgeted_rows(conn.row_factory)


def limit_process_heap(limit: int = HEAP_LIMIT_BYTES) -> None:
    """Cap the SQLite heap of this whole process (0: no cap); ``saraban serve`` calls it once.

    SQLite keeps the cap for the process, every connection counted (Datasette's, the
    page view's, any other), so it is not set per connection: a process that embeds
    the site (the tests) keeps its own SQLite unbounded.
    """
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"PRAGMA hard_heap_limit = {int(limit)}")
    finally:
        conn.close()


def carries_sql(query: dict[str, list[str]]) -> bool:
    """Does the request carry SQL a visitor wrote (the SQL box, or a table's ``_where``)?

    >>> carries_sql(parse_qs("sql=select+1&_shape=array"))
    True
    >>> carries_sql(parse_qs("_search=%E0%B8%87%E0%B8%9A&_sort=id"))
    False
    """
    return any(key in query for key in SQL_PARAMS)


# /database/name or /database/name.format: a table, a view or a canned query.
_NAMED = re.compile(r"^/(?P<database>[^/.]+)/(?P<name>[^/.]+)(\.\w+)?$")

Asgi = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


async def _send_error(send: Callable[[dict], Awaitable[None]], path: str, status: int, message: str,
                      headers: list[tuple[bytes, bytes]] = ()) -> None:
    """An error as Datasette writes one: JSON for a ``.json`` path, else plain text."""
    if path.endswith(".json"):
        body = json.dumps({"ok": False, "error": message, "status": status, "title": None}).encode()
        content_type = b"application/json; charset=utf-8"
    else:
        body, content_type = message.encode("utf-8"), b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type), *headers]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The ASGI wrapper: arbitrary SQL a few at a time, and 405 for a POST nothing here can take."""

    def __init__(self, app: Asgi, datasette: Any) -> None:
        self.app = app
        self.datasette = datasette
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sql = asyncio.Semaphore(SQL_REQUESTS_AT_ONCE)
        self._waiting = 0

    def _semaphore(self) -> asyncio.Semaphore:
        """The semaphore of the running event loop (tests run one loop per request)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._sql, self._waiting = loop, asyncio.Semaphore(SQL_REQUESTS_AT_ONCE), 0
        return self._sql

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, query = scope["path"], parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if scope["method"] == "POST" and await self._takes_no_post(path):
            await _send_error(send, path, 405, "Method not allowed: this site is read-only; GET this page instead",
                              [(b"allow", b"GET, HEAD")])
            return
        if not carries_sql(query):
            await self.app(scope, receive, send)
            return
        if "_json" in query:
            await _send_error(send, path, 400, JSON_WITH_SQL)
            return
        sql = self._semaphore()
        if self._waiting >= SQL_REQUESTS_WAITING:
            await _send_error(send, path, 503, "Too many SQL queries are running: try again in a few seconds",
                              [(b"retry-after", b"5")])
            return
        self._waiting += 1
        try:
            await asyncio.wait_for(sql.acquire(), SQL_WAIT_S)
        except asyncio.TimeoutError:
            await _send_error(send, path, 503, f"SQL queries waited more than {SQL_WAIT_S:.0f} s: try again later",
                              [(b"retry-after", b"10")])
            return
        finally:
            self._waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            sql.release()

    async def _takes_no_post(self, path: str) -> bool:
        """A table or view (Datasette 0.65 has no write API), or a canned query that does not write."""
        from datasette.utils import tilde_decode

        m = _NAMED.match(path)
        if not m:
            return False
        try:
            db = self.datasette.get_database(route=tilde_decode(m.group("database")))
        except KeyError:
            return False
        name = tilde_decode(m.group("name"))
        if name in await db.table_names() or name in await db.view_names():
            return True
        query = await self.datasette.get_canned_query(db.name, name, None)
        return query is not None and not query.get("write")


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Asgi], Asgi]:
    def wrap(app: Asgi) -> Asgi:
        return Guard(app, datasette)
    return wrap
