"""Opening a commune database: pragmas, migrations, the acting user, transactions.

One SQLite file per commune. Every connection runs in WAL mode with foreign keys
on and ``synchronous=FULL`` (a commit survives a power cut). Writes go through
``CommuneDatabase.transaction()``; the change log is written by triggers (see
changelog.py), which read the acting user through the SQL function
``gnapp_actor()`` and the time through ``gnapp_now()``, which only this module
registers: a connection that did not come from here cannot write to logged tables
without saying who it is.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import sqlite_utils

from gnapp.core.vietnamese import fold, search_words
from gnapp.store import migrations
from gnapp.store.errors import CorruptDatabaseError, DatabaseError

__all__ = [
    "SYSTEM_ACTOR",
    "CommuneDatabase",
    "DatabaseError",
    "connect",
    "open_database",
    "utc_now",
]

SYSTEM_ACTOR = "hệ thống"


@functools.lru_cache(maxsize=1)
def _utc_text(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> str:
    """The current time in UTC, ISO 8601 with seconds (formatted once a second: the change
    log's triggers ask for it at every row of a bulk write)."""
    return _utc_text(int(time.time()))


class OpenDatabase:
    """An open GNApp file (a commune's or an office's): its connection, clock and transactions."""

    def __init__(self, path: Path, conn: sqlite3.Connection, clock: Callable[[], str]) -> None:
        self.path = path
        self.clock = clock
        self.db = sqlite_utils.Database(conn)

    def now(self) -> str:
        """The time stamped on rows and change-log entries (a fixed clock makes them repeatable)."""
        return self.clock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """All writes inside happen together or not at all (nested blocks are savepoints)."""
        with self.db.atomic():
            yield self.db

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CommuneDatabase(OpenDatabase):
    """An open commune database and the user acting on it."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, actor: str, clock: Callable[[], str] = utc_now
    ) -> None:
        super().__init__(path, conn, clock)
        self.actor = actor
        self.current_batch: int | None = None
        conn.create_function("gnapp_actor", 0, lambda: self.actor, deterministic=False)
        conn.create_function("gnapp_now", 0, lambda: self.clock(), deterministic=False)
        conn.create_function("gnapp_batch", 0, lambda: self.current_batch, deterministic=False)
        # for migrations that recompute derived columns as the register's Python does
        conn.create_function("gnapp_fold", 1, fold, deterministic=True)
        conn.create_function(
            "gnapp_search_words", 1, lambda text: search_words([text or ""]), deterministic=True
        )

    @contextmanager
    def batch(
        self, kind: str, label: str, *, source: str | None = None, undo_of: int | None = None
    ) -> Iterator[int]:
        """A transaction whose changes are tagged as one batch (e.g. an import) that
        ``gnapp.store.batches.undo_batch`` can later undo as a whole."""
        if self.current_batch is not None:
            raise DatabaseError("Không thể mở một lô thay đổi bên trong một lô khác.")
        with self.transaction() as db:
            table = db["batches"]
            table.insert(
                {
                    "kind": kind,
                    "label": label,
                    "source": source,
                    "actor": self.actor,
                    "started_at": self.now(),
                    "undo_of": undo_of,
                }
            )
            self.current_batch = table.last_pk
            try:
                yield self.current_batch
            finally:
                self.current_batch = None

    @property
    def schema_version(self) -> int:
        return migrations.schema_version(self.db.conn)


def connect(path: Path) -> sqlite3.Connection:
    """A raw connection with GNApp's pragmas (no migration)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 5000")
    # 64 MiB of page cache, taken only as pages are read: the household list's search reads a
    # register's search index and rows again at every keystroke (2 MiB by default).
    conn.execute("PRAGMA cache_size = -65536")
    return conn


def open_database(
    path: str | Path,
    *,
    actor: str = SYSTEM_ACTOR,
    create: bool = False,
    target_version: int | None = None,
    clock: Callable[[], str] = utc_now,
) -> CommuneDatabase:
    """Open (or with ``create=True`` create) a commune database, migrating it to the latest schema.

    An existing file is copied aside before any migration runs. ``target_version``
    stops at an older version (used to build old databases in tests).
    """
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(f"Không tìm thấy tệp dữ liệu: {path}")
    if create and path.exists():
        raise DatabaseError(f"Tệp đã tồn tại, không ghi đè: {path}")
    try:
        conn = connect(path)
        # Reading the header fails here on a file that is not a SQLite database.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise CorruptDatabaseError(
            f"Tệp {path} không phải cơ sở dữ liệu GNApp hợp lệ ({error})."
        ) from error
    if application_id != 0:  # another kind of file, e.g. a receiving office's (.gnoffice)
        conn.close()
        raise DatabaseError(f"Tệp {path.name} không phải tệp dữ liệu của một xã.")
    database = CommuneDatabase(path, conn, actor, clock)
    try:
        migrations.migrate(database.db, path, target_version=target_version)
    except BaseException:
        database.close()
        raise
    return database
