"""Server paths stay on the server: what the public site shows of where files are.

``documents.path`` and ``copies.path`` hold where each stored file is on the
server (``saraban watch`` reads them back to finish a move after a crash, and
the page view opens the file). The public site must not show them (issue 15,
item 12), nor the database file's own path (``/-/databases.json``,
``pragma_database_list``), nor the server's folders (``/-/threads.json`` names
the source file of each running task). So, on every connection Datasette opens, a SQLite
authorizer turns each read of those columns into NULL (``SQLITE_IGNORE``): in
the result, and in WHERE, ORDER BY and facets alike, so no filter can guess a
path letter by letter. The public reads ``rel_path`` instead: the path
relative to the inbox or archive folder the file came from
(``saraban.db.store.public_path``).

Saraban's own code reads the real path on its own connection, which has no
authorizer: ``saraban.db.store.stored_path(open_reader(db_path), doc_id)``.
"""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

from datasette import hookimpl

from saraban.db import schema
from saraban.db.store import without_folders

# (table, column) pairs every Datasette connection reads as NULL.
HIDDEN_COLUMNS = frozenset({
    (schema.DOCUMENTS, "path"),
    (schema.COPIES, "path"),
    ("pragma_database_list", "file"),  # the database file's absolute path
    ("sqlite_stmt", "sql"),            # the SQL other visitors ran on this connection
})


def hide_server_paths(action: int, arg1: str | None, arg2: str | None, _db: str | None, _source: str | None) -> int:
    """The SQLite authorizer: a read of a hidden column gives NULL; everything else is allowed.

    >>> hide_server_paths(sqlite3.SQLITE_READ, "documents", "path", "main", None) == sqlite3.SQLITE_IGNORE
    True
    >>> hide_server_paths(sqlite3.SQLITE_READ, "documents", "rel_path", "main", None) == sqlite3.SQLITE_OK
    True
    """
    if action == sqlite3.SQLITE_READ and (arg1, arg2) in HIDDEN_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.set_authorizer(hide_server_paths)


def public_databases(datasette: Any) -> list[dict[str, Any]]:
    """``/-/databases.json`` as Datasette 0.65 writes it, with each file's name instead of its path."""
    return [{
        "name": db.name,
        "route": db.route,
        "path": Path(db.path).name if db.path else None,
        "size": db.size,
        "is_mutable": db.is_mutable,
        "is_memory": db.is_memory,
        "hash": db.hash,
    } for db in datasette.databases.values() if db.name != "_internal"]



def public_threads() -> dict[str, Any]:
    """``/-/threads.json`` as Datasette 0.65 writes it, each task's source file without its folders."""
    threads = threading.enumerate()
    tasks = asyncio.all_tasks()
    return {
        "num_threads": len(threads),
        "threads": [{"name": t.name, "ident": t.ident, "daemon": t.daemon} for t in threads],
        "num_tasks": len(tasks),
        "tasks": [without_folders(str(t)) for t in tasks],
    }


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    """``/-/databases`` and ``/-/threads`` (and ``.json``) without server paths (plugin routes match first)."""
    from datasette.views.special import JsonDataView

    return [
        (r"^/-/databases(\.(?P<format>json))?$",
         JsonDataView.as_view(datasette, "databases.json", lambda: public_databases(datasette))),
        (r"^/-/threads(\.(?P<format>json))?$", JsonDataView.as_view(datasette, "threads.json", public_threads)),
    ]

