"""Thai full-text search for Datasette's search box on ``pages``.

``pages_fts`` is an FTS5 table with the trigram tokenizer: FTS5's default
unicode61 tokenizer splits Thai at every vowel and tone mark, so a word like
การคลัง never matches; trigrams match any substring of three characters or
more, with no word segmentation at all.

A trigram index finds nothing for terms of one or two characters (``งบ``), so
those terms search the ``syllables`` column instead, which holds the page as
PyThaiNLP syllables separated by spaces: `` งบ`` (a space, then the term) is
three characters, a trigram that matches every syllable starting with the term.
So ``งบ`` finds ปีงบประมาณ (ปี งบ ประ มาณ) but not ความสงบ (ความ สงบ), where a
plain substring search would find both.

Datasette builds its search as ``... match escape_fts(:search)``; this module is
a Datasette plugin whose ``prepare_connection`` replaces that SQL function with
``escape_fts_thai``, which quotes each part the same way and rewrites only the
short ones. Written by hand because neither Datasette nor SQLite has a hook for
a per-term fallback.
"""
from __future__ import annotations

import re

from datasette import hookimpl

SYLLABLES_COLUMN = "syllables"
TRIGRAM = 3

# Datasette's own split (datasette.utils.escape_fts): runs of spaces, or a "quoted phrase".
_SPLIT = re.compile(r'\s+|(".*?")')


def escape_fts_thai(query: str) -> str:
    """An FTS5 query for the trigram index: each part quoted, short parts searched as syllable starts.

    >>> escape_fts_thai("ธนาคารขยะ")
    '"ธนาคารขยะ"'
    >>> escape_fts_thai("งบ ถังขยะเปียก")
    'syllables : " งบ" "ถังขยะเปียก"'
    >>> escape_fts_thai('"ถังขยะ เปียก"')
    '"ถังขยะ เปียก"'
    >>> escape_fts_thai("ก")
    'syllables : " ก "'
    >>> escape_fts_thai("  ")
    '""'
    """
    query = query.replace("\x00", " ")  # SQLite reads a NUL as the end of the query string
    if query.count('"') % 2:
        query += '"'
    parts = [b for b in _SPLIT.split(query) if b and b != '""']
    out = []
    for part in parts:
        term = part[1:-1] if len(part) >= 2 and part[0] == part[-1] == '"' else part
        if not term.strip(' "'):
            continue
        quoted = term.replace('"', '""')  # FTS5 writes a quote inside a string as two
        if len(term) >= TRIGRAM:
            out.append(f'"{quoted}"')
        elif len(term) == TRIGRAM - 1:
            out.append(f'{SYLLABLES_COLUMN} : " {quoted}"')   # the start of a syllable
        else:
            out.append(f'{SYLLABLES_COLUMN} : " {quoted} "')  # a one-character syllable
    return " ".join(out) or '""'  # nothing to search for: an empty phrase, which matches no page


@hookimpl(trylast=True)
def prepare_connection(conn) -> None:
    """Replace Datasette's escape_fts (registered before this runs) with the Thai-aware one."""
    conn.create_function("escape_fts", 1, escape_fts_thai, deterministic=True)
