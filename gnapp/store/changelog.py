"""The change log: who changed which row of which table, when, from what to what.

Triggers write it, so no caller can forget to: every INSERT, UPDATE and DELETE on
a logged table adds a row to ``change_log`` inside the same transaction. An
update records only the columns whose values changed. The triggers are rebuilt
from the live column lists after every migration.

The log is a hash chain (docs/change-log.md): each row's ``chain_hash`` is SHA-256 over the
previous row's hash and the row's own content, set by a trigger on ``change_log`` as the row is
written, so a row edited, removed or slipped in with another tool breaks the chain from there
on, and ``verify_chain`` names the first row that does not follow (rows removed from the very
end leave a whole chain: the packages' log head shows those to the office).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlite_utils

from gnapp.core.vietnamese import format_timestamp

# Logged table -> the column holding the household a row belongs to (None: not a household's row).
LOGGED_TABLES: dict[str, str | None] = {
    "commune": None,
    "settings": None,
    "villages": None,
    "households": "id",
    "members": "household_id",
    "household_status": "household_id",
    "targets": None,
    "budgets": None,
    "disbursements": None,
    "review_rounds": None,
    "questionnaires": "household_id",
    "activities": None,
    "beneficiaries": "household_id",
    "policy_benefits": "household_id",
    "reports": None,
    "users": None,
    "signing_keys": None,
    "office_key": None,
    "sent_packages": None,
    "review_entries": "household_id",
    "review_applications": "household_id",
    "village_meetings": None,
    "meeting_votes": "household_id",
    "postings": None,
    "complaints": "household_id",
    "review_corrections": "household_id",
    "register_events": "household_id",
    "former_members": "household_id",
    "official_totals": None,
    "official_total_rows": None,
}
# A household's columns computed from its members and code (gnapp.store.register).
HOUSEHOLD_KEY_COLUMNS = (
    "head_name",
    "head_name_fold",
    "head_sort_key",
    "search_fold",
    "search_numbers",
    "member_count",
)
# Columns derived from others (search and sort keys, time stamps): their sources are logged.
DERIVED_COLUMNS = frozenset(
    {"name_fold", "name_sort_key", *HOUSEHOLD_KEY_COLUMNS, "created_at", "updated_at"}
)
# Secrets the log must never spread: password hashes (a change shows as password_changes
# counting up) and signing keys, even encrypted.
SECRET_COLUMNS = frozenset({"password_hash", "secret"})

_NOW = "gnapp_now()"

# What a row's hash covers, in this order, after the previous row's hash.
CHAIN_CONTENT = (
    "at",
    "actor",
    "table_name",
    "row_id",
    "household_id",
    "action",
    "old_values",
    "new_values",
    "batch_id",
)
CHAIN_START = "0" * 64  # the "previous hash" of the first row
CHAIN_TRIGGER = "chain_change_log"
ACTION_WORDS = {"insert": "thêm", "update": "sửa", "delete": "xóa"}


def chain_hash(previous: str | None, *content: object) -> str:
    """The hash of a change-log row: SHA-256 (hex) of the previous row's hash, a newline and the
    row's ``CHAIN_CONTENT`` values as a compact JSON array (types kept: 5 is not "5")."""
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous or CHAIN_START}\n{encoded}".encode()).hexdigest()


def chain_trigger_sql() -> str:
    """The trigger that chains each new change-log row onto the one before it."""
    values = ", ".join(f"NEW.{column}" for column in CHAIN_CONTENT)
    return (
        f"CREATE TRIGGER {CHAIN_TRIGGER} AFTER INSERT ON change_log BEGIN "
        "UPDATE change_log SET chain_hash = gnapp_chain("
        "(SELECT chain_hash FROM change_log WHERE id < NEW.id ORDER BY id DESC LIMIT 1), "
        f"{values}) WHERE id = NEW.id; END"
    )


def register_chain_function(conn: sqlite3.Connection) -> None:
    """Give ``conn`` the SQL function the chaining trigger calls."""
    conn.create_function("gnapp_chain", 1 + len(CHAIN_CONTENT), chain_hash, deterministic=True)


def compute_chain(db: sqlite_utils.Database) -> None:
    """Set the hash of every row of the log, oldest first (a database from before the chain)."""
    columns = ", ".join(CHAIN_CONTENT)
    previous = None
    hashes = []
    for row_id, *content in db.execute(f"SELECT id, {columns} FROM change_log ORDER BY id"):
        previous = chain_hash(previous, *content)
        hashes.append((previous, row_id))
    db.conn.executemany("UPDATE change_log SET chain_hash = ? WHERE id = ?", hashes)


@dataclass(frozen=True)
class ChainHead:
    """Where the log's chain ends: the last row's hash and how many rows it holds."""

    head: str
    length: int


def chain_head(conn: sqlite3.Connection) -> ChainHead:
    row = conn.execute("SELECT chain_hash FROM change_log ORDER BY id DESC LIMIT 1").fetchone()
    length = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
    return ChainHead(row[0] if row and row[0] else CHAIN_START, length)


def hash_at(conn: sqlite3.Connection, length: int) -> str | None:
    """The hash of the log's row number ``length`` (counted from 1 in order): the head the log
    had when it held that many rows; None when it holds fewer now."""
    if length < 1:
        return None
    row = conn.execute(
        "SELECT chain_hash FROM change_log ORDER BY id LIMIT 1 OFFSET ?", [length - 1]
    ).fetchone()
    return None if row is None else row[0]


@dataclass(frozen=True)
class ChainBreak:
    """The first change-log row that does not follow the chain, and what it recorded."""

    id: int
    at: str
    actor: str
    table_name: str
    row_id: int
    action: str
    missing_before: int  # rows whose ids are missing just before it (removed)

    def text(self) -> str:
        """The break in Vietnamese, after "Nhật ký thay đổi", naming the row (id, time, who,
        what)."""
        action = ACTION_WORDS.get(self.action, self.action)
        what = f"{action} dòng {self.row_id} bảng {self.table_name}"
        row = (
            f"dòng nhật ký số {self.id} (lúc {format_timestamp(self.at)}, bởi {self.actor}: {what})"
        )
        if self.missing_before:
            return (
                f"bị cắt: {self.missing_before} dòng ngay trước {row} đã bị xóa khỏi tệp bằng "
                "công cụ khác"
            )
        return (
            f"không còn nguyên vẹn từ {row}: nội dung dòng này đã bị sửa, hoặc một dòng trước "
            "nó đã bị xóa hay sửa, bằng công cụ khác"
        )


def verify_chain(conn: sqlite3.Connection) -> ChainBreak | None:
    """Recompute the chain of the whole log; the first row that does not follow, or None."""
    columns = ", ".join(CHAIN_CONTENT)
    previous, previous_id = None, 0
    for row_id, stored, *content in conn.execute(
        f"SELECT id, chain_hash, {columns} FROM change_log ORDER BY id"
    ):
        if stored is None or stored != chain_hash(previous, *content):
            at, actor, table_name, logged_row, _, action = content[:6]
            return ChainBreak(
                row_id,
                str(at),
                str(actor),
                str(table_name),
                logged_row,
                str(action),
                missing_before=row_id - previous_id - 1,
            )
        previous, previous_id = stored, row_id
    return None


def _json_row(prefix: str, columns: list[str]) -> str:
    pairs = ", ".join(f"'{c}', {prefix}.\"{c}\"" for c in columns)
    return f"json_object({pairs})"


def _without_nulls(row: str) -> str:
    """SQL for a row's JSON object without its empty (NULL) columns (a JSON merge patch onto
    an empty object drops null members)."""
    return f"json_patch('{{}}', {row})"


def _changed_only(side: str, old: str, new: str) -> str:
    """SQL for the changed columns of one side ("o" or "n") of an update, as a JSON object."""
    return (
        f"(SELECT json_group_object({side}.key, {side}.value) "
        f"FROM json_each({old}) AS o JOIN json_each({new}) AS n ON n.key = o.key "
        "WHERE n.value IS NOT o.value OR n.type IS NOT o.type)"
    )


def _logged(columns: list[str]) -> list[str]:
    """The columns whose values the log keeps (not secrets, not derived keys)."""
    return [c for c in columns if c not in SECRET_COLUMNS and c not in DERIVED_COLUMNS]


def trigger_sql(
    table: str, columns: list[str], household_column: str | None, *, with_batch: bool = True
) -> list[str]:
    """CREATE TRIGGER statements that log every change of ``table``.

    An insert records the row's non-empty values and an update the columns that
    changed (old and new), derived columns left out; a delete records the whole
    row, so that undoing it can put it back as it was.
    """
    kept = [c for c in columns if c not in SECRET_COLUMNS]
    logged = _logged(columns)
    old_row, new_row = _json_row("OLD", logged), _json_row("NEW", logged)
    household = (lambda p: f'{p}."{household_column}"') if household_column else (lambda p: "NULL")
    batch_column, batch_value = (", batch_id", ", gnapp_batch()") if with_batch else ("", "")
    insert_log = (
        "INSERT INTO change_log (at, actor, table_name, row_id, household_id, action, "
        f"old_values, new_values{batch_column}) VALUES "
    )
    changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in logged)
    return [
        f'CREATE TRIGGER log_{table}_insert AFTER INSERT ON "{table}" BEGIN {insert_log}'
        f"({_NOW}, gnapp_actor(), '{table}', NEW.rowid, {household('NEW')}, 'insert', "
        f"NULL, {_without_nulls(new_row)}{batch_value}); END",
        f'CREATE TRIGGER log_{table}_update AFTER UPDATE ON "{table}" WHEN {changed} BEGIN '
        f"{insert_log}({_NOW}, gnapp_actor(), '{table}', NEW.rowid, {household('NEW')}, "
        f"'update', {_changed_only('o', old_row, new_row)}, "
        f"{_changed_only('n', old_row, new_row)}{batch_value}); END",
        f'CREATE TRIGGER log_{table}_delete AFTER DELETE ON "{table}" BEGIN {insert_log}'
        f"({_NOW}, gnapp_actor(), '{table}', OLD.rowid, {household('OLD')}, 'delete', "
        f"{_without_nulls(_json_row('OLD', kept))}, NULL{batch_value}); END",
    ]


@contextmanager
def logged_in_bulk(db: sqlite_utils.Database, table: str) -> Iterator[Callable[[int, int], None]]:
    """Inside a transaction: insert many rows of ``table`` and log them with one statement per
    call instead of one trigger run per row (an import of 100,000 rows).

    Yields ``log(first, last)``, which writes the change-log rows of the rows inserted with
    rowids ``first``..``last`` — the same rows the insert trigger would have written. The
    trigger is dropped meanwhile and put back before the block ends; both happen inside the
    caller's transaction, so other connections never see the table without its trigger and a
    rollback restores it. Each log row is still chained as it is written (``CHAIN_TRIGGER``).
    """
    if not db.conn.in_transaction:
        raise RuntimeError("logged_in_bulk needs an open transaction")
    household_column = LOGGED_TABLES[table]
    columns = [column.name for column in db[table].columns]
    with_batch = "batch_id" in db["change_log"].columns_dict
    insert_trigger = trigger_sql(table, columns, household_column, with_batch=with_batch)[0]
    household = f'r."{household_column}"' if household_column else "NULL"
    sql = (
        "INSERT INTO change_log (at, actor, table_name, row_id, household_id, action, "
        f"old_values, new_values{', batch_id' if with_batch else ''}) "
        f"SELECT :at, :actor, '{table}', r.rowid, {household}, 'insert', NULL, "
        f"{_without_nulls(_json_row('r', _logged(columns)))}"
        f"{', :batch' if with_batch else ''} "
        f'FROM "{table}" r WHERE r.rowid BETWEEN :first AND :last ORDER BY r.rowid'
    )
    values = db.execute("SELECT gnapp_now(), gnapp_actor(), gnapp_batch()").fetchone()
    stamp = dict(zip(("at", "actor", "batch"), values, strict=True))

    def log(first: int, last: int) -> None:
        db.execute(sql, {**stamp, "first": first, "last": last})

    trigger = f"log_{table}_insert"
    db.execute(f"DROP TRIGGER {trigger}")
    try:
        yield log
    finally:
        # An error such as a full disk may have rolled the whole transaction back, the drop
        # with it: the trigger is then there again and must not hide that error.
        present = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", [trigger]
        ).fetchone()
        if present is None:
            db.execute(insert_trigger)


def install_triggers(db: sqlite_utils.Database) -> None:
    """Drop and recreate the logging triggers of every logged table that exists."""
    for name in db.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'log\\_%' ESCAPE '\\'"
    ).fetchall():
        db.execute(f'DROP TRIGGER "{name[0]}"')
    existing = set(db.table_names())
    log_columns = db["change_log"].columns_dict
    with_batch = "batch_id" in log_columns
    db.execute(f"DROP TRIGGER IF EXISTS {CHAIN_TRIGGER}")
    if "chain_hash" in log_columns:
        db.execute(chain_trigger_sql())
    for table, household_column in LOGGED_TABLES.items():
        if table not in existing:
            continue
        columns = [column.name for column in db[table].columns]
        for statement in trigger_sql(table, columns, household_column, with_batch=with_batch):
            db.execute(statement)


@dataclass(frozen=True)
class Change:
    """One row of the change log, values decoded."""

    at: str
    actor: str
    table_name: str
    row_id: int
    household_id: int | None
    action: str
    old_values: dict | None
    new_values: dict | None
    batch_id: int | None = None
    id: int | None = None


def change_from_row(row: dict) -> Change:
    return Change(
        at=row["at"],
        actor=row["actor"],
        table_name=row["table_name"],
        row_id=row["row_id"],
        household_id=row["household_id"],
        action=row["action"],
        old_values=json.loads(row["old_values"]) if row["old_values"] else None,
        new_values=json.loads(row["new_values"]) if row["new_values"] else None,
        batch_id=row.get("batch_id"),
        id=row["id"],
    )


def changes_of_household(db: sqlite_utils.Database, household_id: int) -> list[Change]:
    """Every change to a household and to its members, statuses and questionnaires, oldest first."""
    rows = db.query("SELECT * FROM change_log WHERE household_id = ? ORDER BY id", [household_id])
    return [change_from_row(row) for row in rows]


def changes_of_row(db: sqlite_utils.Database, table: str, row_id: int) -> list[Change]:
    """Every change to one row of one table, oldest first."""
    rows = db.query(
        "SELECT * FROM change_log WHERE table_name = ? AND row_id = ? ORDER BY id", [table, row_id]
    )
    return [change_from_row(row) for row in rows]
