"""The packages the commune built and sent (table ``sent_packages``): the chain of sequence
numbers and hashes the receiving office checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlite_utils

from gnapp.store.database import CommuneDatabase


def sent_package_rows(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The packages built so far, newest first."""
    return list(db.query("SELECT * FROM sent_packages ORDER BY sequence DESC"))


def last_sent_package(db: sqlite_utils.Database) -> tuple[int, str] | None:
    """The (sequence number, hash) of the last package built, None before the first."""
    row = db.execute(
        "SELECT sequence, hash FROM sent_packages ORDER BY sequence DESC LIMIT 1"
    ).fetchone()
    return None if row is None else (row[0], row[1])


def last_sent_log_length(db: sqlite_utils.Database) -> int | None:
    """The change log's length the last package carried (None: no package, or one built
    before packages carried it)."""
    row = db.execute(
        "SELECT log_length FROM sent_packages ORDER BY sequence DESC LIMIT 1"
    ).fetchone()
    return None if row is None else row[0]


def add_sent_package(cdb: CommuneDatabase, package: Mapping[str, Any]) -> None:
    """Record a package built (its columns as in the table)."""
    with cdb.transaction() as db:
        db.table("sent_packages").insert(dict(package))
