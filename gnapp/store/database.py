"""Opening a commune database: pragmas, migrations, the acting user, transactions.

One SQLite file per commune. Every connection runs in WAL mode with foreign keys
on and ``synchronous=FULL`` (a commit survives a power cut). Writes go through
``CommuneDatabase.transaction()``; the change log is written by triggers (see
changelog.py), which read the acting user through the SQL function
``gnapp_actor()`` and the time through ``gnapp_now()``, which only this module
registers: a connection that did not come from here cannot write to logged tables
without saying who it is (nor add a change-log row without ``gnapp_chain()``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, cast

import sqlite_utils
from sqlite_utils.db import Column, NoTable, Table

from gnapp.core.vietnamese import fold, person_search_text, search_words
from gnapp.i18n import tr
from gnapp.store import changelog, migrations
from gnapp.store.answers import answers_json
from gnapp.store.errors import (
    CorruptDatabaseError,
    DatabaseError,
    ForeignFileError,
    ReadOnlyError,
    storage_problem,
)
from gnapp.store.roles import COMMUNE_ROLES, RoleScheme

__all__ = [
    "COMMUNE_APPLICATION_ID",
    "SYSTEM_ACTOR",
    "CommuneDatabase",
    "DatabaseError",
    "connect",
    "inserted_id",
    "open_connection",
    "open_database",
    "require_file_kind",
    "utc_now",
]

SYSTEM_ACTOR = "hệ thống"  # stored as the actor of the change log: the books' words
COMMUNE_APPLICATION_ID = 0x474E4150  # "GNAP" in the file's header (docs/schema.md)
# The tables every commune database has had since version 1: an unmarked file holding them
# comes from a GNApp before the mark.
# The tables every commune file has had since schema v1: an unmarked file of an older GNApp
# holds them all, and a marked one without one of them is damaged (or was edited outside GNApp).
COMMUNE_TABLES = frozenset(
    {"commune", "settings", "villages", "households", "members", "household_status", "change_log"}
)
# The page size of a new commune file (SQLite's default is 4096): fewer, fuller pages for the
# register's long rows and indexes (the 20,000-household demo: 0.69 MB smaller; 1.92 MB when a
# questionnaire's answers, about 2 KB of JSON, took a 4 KiB page each). A file keeps the page
# size it was created with (a WAL file cannot change it; nothing VACUUMs it into another).
COMMUNE_PAGE_SIZE = 8192


@functools.lru_cache(maxsize=1)
def _utc_text(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> str:
    """The current time in UTC, ISO 8601 with seconds (formatted once a second: the change
    log's triggers ask for it at every row of a bulk write)."""
    return _utc_text(int(time.time()))


def inserted_id(table: sqlite_utils.db.Table) -> int:
    """The id of the row the table's last insert wrote (sqlite_utils types it ``Any | None``)."""
    row_id = table.last_pk
    if not isinstance(row_id, int):
        raise TypeError(f"{table.name}: the last insert wrote no integer id ({row_id!r})")
    return row_id


class _SchemaReadOnce(sqlite_utils.Database):
    """sqlite_utils' Database keeping what it reads of the schema (the tables and views there
    are, a table's columns) until the schema changes (``PRAGMA schema_version``): sqlite_utils
    reads it again at every insert, update and get (166,653 reads of ``sqlite_master`` in making
    the 20,000-household demo)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        self._schema_read: tuple[int, dict[tuple[str, ...], Any]] = (-1, {})

    def read_once(self, key: tuple[str, ...], read: Callable[[], Any]) -> Any:
        """``read()``, or what it gave since the schema last changed."""
        version = self.conn.execute("PRAGMA schema_version").fetchone()[0]
        if version != self._schema_read[0]:
            self._schema_read = (version, {})
        found = self._schema_read[1]
        if key not in found:
            found[key] = read()
        return found[key]

    def table_names(self, fts4: bool = False, fts5: bool = False) -> list[str]:
        names = self.read_once(
            ("tables", str(fts4), str(fts5)),
            lambda: super(_SchemaReadOnce, self).table_names(fts4, fts5),
        )
        return list(names)

    def view_names(self) -> list[str]:
        return list(self.read_once(("views",), super().view_names))

    def table(self, table_name: str, **kwargs: Any) -> Table:
        if table_name in self.view_names():
            raise NoTable(f"Table {table_name} is actually a view")
        kwargs.setdefault("strict", self.strict)
        return _TableReadOnce(self, table_name, **kwargs)


class _TableReadOnce(Table):
    """A table whose columns are read once until the schema changes (``_SchemaReadOnce``)."""

    @property
    def columns(self) -> list[Column]:
        database = cast(_SchemaReadOnce, self.db)
        read = functools.partial(Table.columns.fget, self)  # type: ignore[attr-defined]
        return list(database.read_once(("columns", self.name), read))


class OpenDatabase:
    """An open GNApp file (a commune's or an office's): its connection, clock and transactions,
    the roles its accounts may hold and the user signed in (``actor``, as records name them)."""

    role_scheme: RoleScheme = COMMUNE_ROLES

    def __init__(self, path: Path, conn: sqlite3.Connection, clock: Callable[[], str]) -> None:
        self.path = path
        self.clock = clock
        self.db: sqlite_utils.Database = _SchemaReadOnce(conn)
        self.read_only = False  # opened for reading only: the file cannot be written
        self.actor = SYSTEM_ACTOR

    def now(self) -> str:
        """The time stamped on rows and change-log entries (a fixed clock makes them repeatable)."""
        return self.clock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """All writes inside happen together or not at all (nested blocks are savepoints). A
        full disk or a read-only file is a DatabaseError saying so (nothing was kept)."""
        what = tr("tệp dữ liệu {name}", name=self.path.name)
        if self.read_only:
            raise ReadOnlyError(
                tr(
                    "Tệp dữ liệu {name} chỉ mở được để xem: tệp hoặc thư mục chứa nó không ghi "
                    "được (ví dụ đĩa CD, USB khóa ghi). Không lưu được thay đổi; hãy chép tệp "
                    "sang ổ ghi được để làm việc.",
                    name=self.path.name,
                )
            )
        try:
            with self.db.atomic():
                yield self.db
        except sqlite3.Error as error:
            problem = storage_problem(error, what)
            if problem is None:
                raise
            raise problem from error

    @contextmanager
    def without_savepoints(self) -> Iterator[None]:
        """Inside a transaction undone whole if anything in it fails, and in which no failure is
        caught and gone past (the demo's making): the blocks nested in it — the store's
        transactions and sqlite-utils' own around each insert, update and delete — open no
        savepoint of their own (two statements each: 150,000 of them for the 20,000-household
        demo)."""
        if not self.db.conn.in_transaction:
            raise RuntimeError("without_savepoints needs an open transaction")
        # the instance's attribute hides sqlite-utils' method for this connection only
        vars(self.db)["atomic"] = lambda: contextlib.nullcontext(self.db)
        try:
            yield
        finally:
            del self.db.atomic

    def use_page_cache(self, kib: int) -> None:
        """Let this connection keep up to ``kib`` KiB of pages (taken only as pages are used)."""
        self.db.execute(f"PRAGMA cache_size = -{int(kib)}")

    def pack(self) -> None:
        """Rewrite the file with every table and index packed full (VACUUM): for a file written
        in one go, such as the demo, whose indexes grew in random order. The members' names
        index is first merged into one segment (the segments it was written in hold each name
        word's list of members once each). Rowids stay as they are (the change log names rows by
        them; tests/test_demo.py checks the one logged table without an INTEGER PRIMARY KEY,
        settings)."""
        if "person_names" in self.db.table_names():
            self.db.execute("INSERT INTO person_names (person_names) VALUES ('optimize')")
        self.db.execute("VACUUM")

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
        changelog.register_log_functions(conn)
        # for migrations that recompute derived columns as the register's Python does
        conn.create_function("gnapp_fold", 1, fold, deterministic=True)
        conn.create_function(
            "gnapp_search_words", 1, lambda text: search_words([text or ""]), deterministic=True
        )
        conn.create_function(
            "gnapp_person_search",
            1,
            lambda names: person_search_text((names or "").split("\n")),
            deterministic=True,
        )
        # questionnaires' answers as JSON text, whichever form a row holds (store/answers.py)
        conn.create_function("gnapp_answers", 1, _answers_json, deterministic=True)

    @contextmanager
    def batch(
        self, kind: str, label: str, *, source: str | None = None, undo_of: int | None = None
    ) -> Iterator[int]:
        """A transaction whose changes are tagged as one batch (e.g. an import) that
        ``gnapp.store.batches.undo_batch`` can later undo as a whole."""
        if self.current_batch is not None:
            raise DatabaseError(tr("Không thể mở một lô thay đổi bên trong một lô khác."))
        with self.transaction() as db:
            table = db.table("batches")
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
            self.current_batch = inserted_id(table)
            try:
                yield self.current_batch
            finally:
                self.current_batch = None

    @property
    def schema_version(self) -> int:
        return migrations.schema_version(self.db.conn)


def _answers_json(stored: str | None) -> str | None:
    return None if stored is None else answers_json(stored)


def connect(path: Path, *, page_size: int | None = None) -> sqlite3.Connection:
    """A raw connection with GNApp's pragmas (no migration). ``page_size``: the page size of
    a new file (set before WAL mode, which writes the file's first page)."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    if page_size is not None:
        conn.execute(f"PRAGMA page_size = {int(page_size)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 5000")
    # 64 MiB of page cache, taken only as pages are read: the household list's search reads a
    # register's search index and rows again at every keystroke (2 MiB by default).
    conn.execute("PRAGMA cache_size = -65536")
    # Statement journals and temporary tables in memory, not in temporary files: an import's
    # insert of 20,000 households (each statement's journal, as its triggers may fail it) took
    # a quarter longer with them in files. The database's own journal (WAL) is unchanged.
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def _read_only_uri(path: Path) -> str:
    """The URI that reads ``path`` without writing to it or beside it: with no -wal file the
    file alone is the whole database and is read as immutable (no -shm file is made)."""
    immutable = not Path(f"{path}-wal").exists()
    return path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


def _probe(path: Path) -> tuple[int, int, int, set[str]]:
    """The file's application_id, user_version, number of schema objects and table names, read
    without writing anything (not even a -wal or -shm file beside it when there is none)."""
    conn = sqlite3.connect(_read_only_uri(path), uri=True, isolation_level=None)
    try:
        rows = conn.execute("SELECT type, name FROM sqlite_master").fetchall()
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    return application_id, version, len(rows), {name for kind, name in rows if kind == "table"}


def missing_tables(names: Collection[str], tables: Collection[str]) -> str:
    """Those of ``tables`` not among ``names``, listed ("" when none is missing)."""
    return ", ".join(sorted(set(tables) - set(names)))


def require_file_kind(path: Path, application_id: int, tables: Collection[str], what: str) -> bool:
    """Check, before anything writes to it, that ``path`` is a GNApp file of the kind marked
    with ``application_id`` (``what`` names that kind in messages). True when the mark is
    still to be written: a new or empty file, or an unmarked one of an older GNApp (it holds
    every one of ``tables``; none: never). ForeignFileError for another program's database or
    another kind of GNApp file; CorruptDatabaseError for a file that is no database, or a
    marked one of schema v1 or later without one of ``tables``."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    try:
        found, version, objects, names = _probe(path)
    except sqlite3.DatabaseError as error:
        raise CorruptDatabaseError(
            tr(
                "Tệp {path} không phải cơ sở dữ liệu GNApp hợp lệ ({problem}).",
                path=path,
                problem=error,
            )
        ) from error
    if found == application_id:
        if version > 0 and (missing := missing_tables(names, tables)):
            raise CorruptDatabaseError(
                tr(
                    "Tệp {path} là dữ liệu GNApp nhưng thiếu bảng {tables}: tệp đã hỏng hoặc bị "
                    "sửa ngoài GNApp.",
                    path=path,
                    tables=missing,
                )
            )
        return False
    if found == 0 and (objects == 0 or (tables and version > 0 and set(tables) <= names)):
        return True
    reason = (
        tr(
            "tệp được đánh dấu là của chương trình khác hoặc loại tệp GNApp khác (mã {mark})",
            mark=f"{found:#010x}",
        )
        if found
        else tr(
            "đây là cơ sở dữ liệu SQLite của chương trình khác ({count} bảng lạ)", count=len(names)
        )
    )
    raise ForeignFileError(
        tr(
            "Tệp {name} không phải {what}: {reason}. GNApp không mở và không ghi gì vào tệp "
            "này; hãy chọn đúng tệp dữ liệu.",
            name=path.name,
            what=what,
            reason=reason,
        )
    )


def _writable(path: Path) -> bool:
    """Whether the file (or the new file) and its folder can be written: SQLite writes the
    -wal and -shm files beside it."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _open_read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(_read_only_uri(path), uri=True, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -65536")
    return conn


def _is_read_only(error: sqlite3.Error) -> bool:
    return isinstance(storage_problem(error, ""), ReadOnlyError)


def open_connection(
    path: Path, *, create: bool, mark: int | None = None, page_size: int | None = None
) -> tuple[sqlite3.Connection, bool]:
    """A connection to a GNApp file with GNApp's pragmas, and whether it is read-only: a file
    that cannot be written (a read-only medium or folder) is opened for reading only. ``mark``:
    the application_id to write into a new or unmarked file; ``page_size``: the page size of
    a new file (an existing one keeps its own)."""
    conn = None
    if _writable(path):
        try:
            conn = connect(path, page_size=page_size if create else None)
            if mark is not None:
                conn.execute(f"PRAGMA application_id = {mark}")
        except sqlite3.DatabaseError as error:
            if not _is_read_only(error) or create:
                raise _unreadable(path, error) from error
            conn = None  # SQLite found the medium read-only: read it as such
    elif create:
        raise ReadOnlyError(
            tr(
                "Không tạo được {name}: thư mục {folder} chỉ đọc.",
                name=path.name,
                folder=path.parent,
            )
        )
    if conn is not None:
        return conn, False
    try:
        return _open_read_only(path), True
    except sqlite3.DatabaseError as error:
        raise _unreadable(path, error) from error


def open_database(
    path: str | Path,
    *,
    actor: str = SYSTEM_ACTOR,
    create: bool = False,
    target_version: int | None = None,
    clock: Callable[[], str] = utc_now,
) -> CommuneDatabase:
    """Open (or with ``create=True`` create) a commune database, migrating it to the latest schema.

    Another program's file (or an office's) is refused before anything is written to it; a
    new file, or one of a GNApp before the mark, is marked as a commune's (application_id).
    A file that cannot be written (read-only medium or folder) is opened for reading only
    (``read_only``: a transaction is then a ReadOnlyError), unless it needs a migration.
    An existing file is copied aside before any migration runs. ``target_version``
    stops at an older version (used to build old databases in tests).
    """
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(tr("Không tìm thấy tệp dữ liệu: {path}", path=path))
    if create and path.exists():
        raise DatabaseError(tr("Tệp đã tồn tại, không ghi đè: {path}", path=path))
    if not os.access(path, os.R_OK) and not create:
        raise ReadOnlyError(tr("Không có quyền đọc tệp dữ liệu {path}.", path=path))
    unmarked = require_file_kind(
        path, COMMUNE_APPLICATION_ID, COMMUNE_TABLES, tr("tệp dữ liệu của một xã")
    )
    conn, read_only = open_connection(
        path,
        create=create,
        mark=COMMUNE_APPLICATION_ID if unmarked else None,
        page_size=COMMUNE_PAGE_SIZE,
    )
    database = CommuneDatabase(path, conn, actor, clock)
    database.read_only = read_only
    try:
        if read_only and database.schema_version < (target_version or migrations.LATEST_VERSION):
            raise ReadOnlyError(
                tr(
                    "Tệp dữ liệu {name} chỉ đọc (ổ đĩa hoặc thư mục không ghi được) và cần nâng "
                    "cấp lên phiên bản dữ liệu mới trước khi mở: hãy chép tệp sang ổ ghi được rồi "
                    "mở lại.",
                    name=path.name,
                )
            )
        migrations.migrate(database.db, path, target_version=target_version)
    except BaseException:
        database.close()
        raise
    return database


def _unreadable(path: Path, error: sqlite3.DatabaseError) -> DatabaseError:
    problem = storage_problem(error, tr("tệp dữ liệu {name}", name=path.name))
    return problem or CorruptDatabaseError(
        tr(
            "Tệp {path} không phải cơ sở dữ liệu GNApp hợp lệ ({problem}).",
            path=path,
            problem=error,
        )
    )
