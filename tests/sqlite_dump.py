"""A database's whole content as text, for comparing a file before and after."""

from __future__ import annotations

import sqlite3


def database_content(conn: sqlite3.Connection) -> list[str]:
    """What ``conn.iterdump()`` gives, but a virtual table's rows are not read: its own tables
    (an FTS5 index's ``_data``, ``_idx``, …) hold them, and the index of members' names cannot be
    read without MATCH (a contentless FTS5 table without lengths, schema v29), which made
    ``iterdump`` fail."""
    content = []
    objects = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql NOT NULL ORDER BY type = 'table' "
        "DESC, name"
    ).fetchall()
    for kind, name, sql in objects:
        content.append(f"{sql};")
        if kind == "table" and not sql.startswith("CREATE VIRTUAL TABLE"):
            quoted = name.replace('"', '""')
            content.extend(repr(row) for row in conn.execute(f'SELECT * FROM "{quoted}"'))
    return content
