"""Error pages that cost milliseconds, with the status the request deserves.

Datasette 0.65's own ``handle_exception`` (``datasette/handle_exception.py``)
prints every error's traceback with ``rich`` and ``show_locals=True`` when rich
is importable, and it is in our environment (spaCy brings it, through typer): 0.3-0.7 s
of CPU on the event loop per error, so twenty bad requests stalled a good one
for 7.2 s, and some errors turned into 500s because rich itself raised
(issue 15, item 7). Every implementation of that hook runs (it is not
``firstresult``), so adding ours is not enough: ``site.register_plugins``
blocks Datasette's and registers this one, which builds the same response
without rich.

Also here: a 403 that says why (the SQL box needs signing in, db/site.py),
as JSON to a ``.json`` request; the errors Datasette raises with a 500 that
are the request's fault (``?_sort=nocol``: "Cannot sort table by nocol")
become 400; SQLite's
"string or blob too big" and its out-of-memory error under the heap limit
(``db/guard.py``) become a 400 that says which limit; any other unexpected
error is logged with its plain traceback and shown as a short 500 that does
not repeat the exception's text (it may name server paths).
"""
from __future__ import annotations

import logging
import sqlite3
from typing import Any

from datasette import Response, hookimpl
from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

from saraban.db import guard

log = logging.getLogger("saraban.serve")

# Messages of DatasetteError that Datasette 0.65 raises with its default status 500
# although the request's arguments are at fault (datasette/views/table.py).
REQUEST_FAULTS = (
    "Cannot sort table by ",
    "Cannot use _sort and _sort_desc at the same time",
)

TOO_BIG = (
    f"A value in this query would be larger than {guard.MAX_VALUE_BYTES // guard.MiB} MB, "
    "the most this site builds or reads"
)
OUT_OF_MEMORY = (
    f"This query needs more memory than the {guard.HEAP_LIMIT_BYTES // guard.MiB} MB this site "
    "gives SQLite: ask for fewer or smaller values"
)
INTERNAL = "Internal error: the server could not answer this request; it has been logged"
# Datasette's 403 for the SQL box says only "execute-sql" (db/site.py: SIGNED_IN).
SIGN_IN_FOR_SQL = (
    "Running your own SQL needs signing in (one query can hold a CPU for minutes): "
    "the tables, facets, search and canned queries are open to everyone"
)


def classify(exception: BaseException) -> tuple[int, str, str | None, dict[str, Any], bool]:
    """(status, message, title, extra JSON keys, message is HTML) for an exception a view raised.

    >>> classify(DatasetteError("Cannot sort table by nocol"))[:2]
    (400, 'Cannot sort table by nocol')
    >>> classify(sqlite3.DataError("string or blob too big"))[0]
    400
    >>> classify(KeyError("/srv/archive/x.pdf"))[:2]
    (500, 'Internal error: the server could not answer this request; it has been logged')
    """
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0]) if exception.args else "", None, {}, False
    if isinstance(exception, DatasetteError):
        status = exception.status
        if status == 500 and str(exception.message).startswith(REQUEST_FAULTS):
            status = 400
        return status, exception.message, exception.title, dict(exception.error_dict), exception.message_is_html
    if isinstance(exception, sqlite3.DataError) and "too big" in str(exception):
        return 400, TOO_BIG, "Query too large", {}, False
    if isinstance(exception, guard.ResultTooLarge):
        return 400, str(exception), "Query too large", {}, False
    if isinstance(exception, MemoryError):
        return 400, OUT_OF_MEMORY, "Query too large", {}, False
    return 500, INTERNAL, None, {}, False


@hookimpl(trylast=True)
def handle_exception(datasette: Any, request: Any, exception: BaseException):
    """Datasette's error page (JSON or HTML, same templates), without rich."""

    async def inner() -> Response:
        status, message, title, info, is_html = classify(exception)
        if status >= 500:
            log.error("%s %s", request.method, request.path, exc_info=exception)
        if is_html:
            message = Markup(message)
        info.update({"ok": False, "error": message, "status": status, "title": title})
        headers: dict[str, str] = {}
        if datasette.cors:
            add_cors_headers(headers)
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        return Response.html(
            await template.render_async(dict(
                info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [],
            )),
            status=status,
            headers=headers,
        )

    return inner


@hookimpl
def forbidden(datasette: Any, request: Any, message: str):
    """Datasette's 403 page, saying why in words, as JSON for a ``.json`` path.

    Not ``trylast``, so it runs before Datasette's own (the first answer is used);
    a plugin registered after this one (a sign-in page) runs before it.
    """

    async def inner() -> Response:
        text = SIGN_IN_FOR_SQL if message == "execute-sql" else message
        if request.path.endswith(".json"):
            return Response.json({"ok": False, "error": text, "status": 403, "title": "Forbidden"}, status=403)
        return Response.html(
            await datasette.render_template("error.html", {"title": "Forbidden", "error": text}, request=request),
            status=403,
        )

    return inner
