"""Dump a Saraban database table by table, for comparing two builds' output (issue 12's golden dump).

    python bench/dump_db.py saraban.db OUT_DIR

Writes OUT_DIR/TABLE.tsv for every table (FTS shadow tables left out), rows
sorted, with the columns that change from run to run blanked: times
(``processed_at``, ``first_seen``, ``seen_at``) and the folder part of paths
(only the file name is kept, so two checkouts compare equal). ``diff -r`` of
two dumps shows every row that differs.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

VOLATILE = {"processed_at", "first_seen", "seen_at"}
PATHS = {"path"}


def dump(db_path: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    tables = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like '%_fts%' "
        "and name not like 'sqlite_%' order by name")]
    for table in tables:
        columns = [r[1] for r in conn.execute(f"pragma table_info([{table}])")]
        lines = []
        for row in conn.execute(f"select * from [{table}]"):
            cells = []
            for name, value in zip(columns, row):
                if name in VOLATILE:
                    value = "-"
                elif name in PATHS and isinstance(value, str):
                    value = os.path.basename(value)
                cells.append(repr(value))
            lines.append("\t".join(cells))
        lines.sort()
        (out / f"{table}.tsv").write_text("\t".join(columns) + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"{table}: {len(lines)} rows")


if __name__ == "__main__":
    dump(Path(sys.argv[1]), Path(sys.argv[2]))
