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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import sqlite_utils

from gnapp.core.vietnamese import format_timestamp
from gnapp.i18n import tr, tr_noop

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
    "search_head_end",
    "search_numbers",
    "member_count",
)
# A household's status in the newest year, kept by triggers on household_status (migration
# 23): logged there, and not put back by an undo, where those triggers set it again.
TRIGGER_KEPT_COLUMNS = frozenset({"status_rank"})
# Columns derived from others (search and sort keys, time stamps): their sources are logged.
DERIVED_COLUMNS = frozenset(
    {
        "name_fold",
        "name_sort_key",
        *HOUSEHOLD_KEY_COLUMNS,
        *TRIGGER_KEPT_COLUMNS,
        "created_at",
        "updated_at",
    }
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
# A bulk insert's log row (``logged_in_bulk``): rows ``row_id``..``new_values["last"]`` inserted.
INSERT_ROWS = "insert_rows"
# A run of a household's table whose rows belong to several households has no ``household_id``;
# its ``new_values`` list them under this key, in the order of the rows.
RUN_HOUSEHOLDS = "households"
# At most this many households a run (an insert made longer rewrites the list: kept short).
RUN_HOUSEHOLDS_MAX = 500
ACTION_WORDS = {
    "insert": tr_noop("thêm"),
    "update": tr_noop("sửa"),
    "delete": tr_noop("xóa"),
    INSERT_ROWS: tr_noop("thêm"),
}


_CHAIN_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once, not a row
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))  # as SQLite's json_object writes it


def chain_hash(previous: str | None, *content: object) -> str:
    """The hash of a change-log row: SHA-256 (hex) of the previous row's hash, a newline and the
    row's ``CHAIN_CONTENT`` values as a compact JSON array (types kept: 5 is not "5")."""
    encoded = _CHAIN_JSON.encode(content)
    return hashlib.sha256(f"{previous or CHAIN_START}\n{encoded}".encode()).hexdigest()


def _hex(stored: bytes | str | None) -> str | None:
    """A stored hash as 64 hex digits: it is stored as its 32 bytes (schema v26; the digits
    before)."""
    return stored.hex() if isinstance(stored, bytes) else stored


def _chain_bytes(previous: bytes | str | None, *content: object) -> bytes:
    """``chain_hash`` of a row as stored, after the previous row's hash as stored."""
    return bytes.fromhex(chain_hash(_hex(previous), *content))


def chain_trigger_sql() -> str:
    """The trigger that chains each new change-log row onto the one before it."""
    values = ", ".join(f"NEW.{column}" for column in CHAIN_CONTENT)
    return (
        f"CREATE TRIGGER {CHAIN_TRIGGER} AFTER INSERT ON change_log BEGIN "
        "UPDATE change_log SET chain_hash = gnapp_chain("
        "(SELECT chain_hash FROM change_log WHERE id < NEW.id ORDER BY id DESC LIMIT 1), "
        f"{values}) WHERE id = NEW.id; END"
    )


# Connection (by id) -> the tables whose inserts it is logging in bulk (``logged_in_bulk``).
_BULK_TABLES: dict[int, set[str]] = {}
# Connection (by id) -> the tables whose inserts it logs each as a run of one row
# (``inserts_logged_as_runs``).
_RUN_TABLES: dict[int, set[str]] = {}
# What an insert trigger that can log a row as a run of one calls (schema v21's triggers cannot).
_INSERT_ACTION = "gnapp_insert_action"


def register_log_functions(conn: sqlite3.Connection) -> None:
    """Give ``conn`` the SQL functions the chaining trigger and the insert triggers call."""
    conn.create_function("gnapp_chain", 1 + len(CHAIN_CONTENT), _chain_bytes, deterministic=True)
    key = id(conn)
    conn.create_function(
        "gnapp_logs_each_insert",
        1,
        lambda table: table not in _BULK_TABLES.get(key, ()),
        deterministic=False,
    )
    conn.create_function(
        _INSERT_ACTION,
        1,
        lambda table: INSERT_ROWS if table in _RUN_TABLES.get(key, ()) else "insert",
        deterministic=False,
    )


def compute_chain(db: sqlite_utils.Database) -> None:
    """Set the hash of every row of the log, oldest first (a database from before the chain)."""
    columns = ", ".join(CHAIN_CONTENT)
    previous = None
    hashes = []
    for row_id, *content in db.execute(f"SELECT id, {columns} FROM change_log ORDER BY id"):
        previous = chain_hash(previous, *content)
        hashes.append((bytes.fromhex(previous), row_id))
    db.conn.executemany("UPDATE change_log SET chain_hash = ? WHERE id = ?", hashes)


def hashes_as_bytes(db: sqlite_utils.Database) -> None:
    """Store each hash of the log written as hex digits as its 32 bytes (half the room)."""
    db.conn.executemany(
        "UPDATE change_log SET chain_hash = ? WHERE id = ?",
        (
            (bytes.fromhex(digits), row_id)
            for row_id, digits in db.execute(
                "SELECT id, chain_hash FROM change_log WHERE typeof(chain_hash) = 'text'"
            ).fetchall()
        ),
    )


@dataclass(frozen=True)
class ChainHead:
    """Where the log's chain ends: the last row's hash and how many rows it holds."""

    head: str
    length: int


def chain_head(conn: sqlite3.Connection) -> ChainHead:
    row = conn.execute("SELECT chain_hash FROM change_log ORDER BY id DESC LIMIT 1").fetchone()
    length = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
    return ChainHead((_hex(row[0]) if row else None) or CHAIN_START, length)


def hash_at(conn: sqlite3.Connection, length: int) -> str | None:
    """The hash of the log's row number ``length`` (counted from 1 in order): the head the log
    had when it held that many rows; None when it holds fewer now."""
    if length < 1:
        return None
    row = conn.execute(
        "SELECT chain_hash FROM change_log ORDER BY id LIMIT 1 OFFSET ?", [length - 1]
    ).fetchone()
    return None if row is None else _hex(row[0])


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
    last_row_id: int | None = None  # the last row of a bulk insert's rows

    def text(self) -> str:
        """The break in the interface's language, after "Nhật ký thay đổi", naming the row (id,
        time, who, what)."""
        action = ACTION_WORDS.get(self.action)
        rows = (
            tr("dòng {row}", row=self.row_id)
            if self.last_row_id in (None, self.row_id)
            else tr("các dòng {first}–{last}", first=self.row_id, last=self.last_row_id)
        )
        what = tr(
            "{action} {rows} bảng {table}",
            action=tr(action) if action else self.action,
            rows=rows,
            table=self.table_name,
        )
        row = tr(
            "dòng nhật ký số {id} (lúc {at}, bởi {actor}: {what})",
            id=self.id,
            at=format_timestamp(self.at),
            actor=self.actor,
            what=what,
        )
        if self.missing_before:
            return tr(
                "bị cắt: {count} dòng ngay trước {row} đã bị xóa khỏi tệp bằng công cụ khác",
                count=self.missing_before,
                row=row,
            )
        return tr(
            "không còn nguyên vẹn từ {row}: nội dung dòng này đã bị sửa, hoặc một dòng trước "
            "nó đã bị xóa hay sửa, bằng công cụ khác",
            row=row,
        )


def verify_chain(conn: sqlite3.Connection) -> ChainBreak | None:
    """Recompute the chain of the whole log; the first row that does not follow, or None."""
    columns = ", ".join(CHAIN_CONTENT)
    previous, previous_id = None, 0
    for row_id, stored, *content in conn.execute(
        f"SELECT id, chain_hash, {columns} FROM change_log ORDER BY id"
    ):
        stored = _hex(stored)
        if stored is None or stored != chain_hash(previous, *content):
            at, actor, table_name, logged_row, _, action, _, new_values = content[:8]
            return ChainBreak(
                row_id,
                str(at),
                str(actor),
                str(table_name),
                logged_row,
                str(action),
                missing_before=row_id - previous_id - 1,
                last_row_id=_last_row(action, new_values),
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


def _changed_only(side: str, columns: list[str]) -> str:
    """SQL for the changed columns of one side ("OLD" or "NEW") of an update, as a JSON object
    in column order: those whose value or type changed (5 and 5.0 differ, as in JSON). One
    test per column: comparing the two rows as JSON objects (json_each joined on the key)
    parsed one row again for each column, 0.8 ms an update of a household."""
    changed = " UNION ALL ".join(
        f"SELECT {place} AS place, '{c}' AS name, {side}.\"{c}\" AS value "
        f'WHERE NEW."{c}" IS NOT OLD."{c}" OR typeof(NEW."{c}") != typeof(OLD."{c}")'
        for place, c in enumerate(columns)
    )
    return f"(SELECT json_group_object(name, value) FROM ({changed} ORDER BY place))"


def _logged(columns: list[str]) -> list[str]:
    """The columns whose values the log keeps (not secrets, not derived keys)."""
    return [c for c in columns if c not in SECRET_COLUMNS and c not in DERIVED_COLUMNS]


def _run_made_longer(table: str, household_column: str | None) -> str:
    """SQL that makes the log's last row one row longer when it is a run of ``table`` that the
    new row follows (the next rowid, the same time, actor and batch), on a connection logging
    ``table``'s inserts as runs; its hash is set again with it (it is the chain's last row).
    A run whose rows belong to several households lists them (``RUN_HOUSEHOLDS``)."""
    household = f'NEW."{household_column}"' if household_column else None
    if household is None:
        values, household_id, same_household = (
            "json_set(new_values, '$.last', NEW.rowid)",
            "household_id",
            "",
        )
    else:
        listed = f"json_extract(new_values, '$.{RUN_HOUSEHOLDS}[#-1]')"
        values = (
            f"CASE WHEN household_id IS {household} OR {listed} IS {household} "
            "THEN json_set(new_values, '$.last', NEW.rowid) "
            f"WHEN household_id IS NOT NULL THEN json_object('last', NEW.rowid, "
            f"'{RUN_HOUSEHOLDS}', json_array(household_id, {household})) "
            "ELSE json_insert(json_set(new_values, '$.last', NEW.rowid), "
            f"'$.{RUN_HOUSEHOLDS}[#]', {household}) END"
        )
        household_id = f"iif(household_id IS {household}, household_id, NULL)"
        count = f"json_array_length(new_values, '$.{RUN_HOUSEHOLDS}')"
        same_household = (
            f" AND {household} IS NOT NULL AND (household_id IS {household} "
            f"OR {listed} IS {household} OR coalesce({count}, 1) < {RUN_HOUSEHOLDS_MAX})"
            f" AND (household_id IS NOT NULL OR {count} IS NOT NULL)"
        )
    content = ", ".join(
        {"household_id": household_id, "new_values": values}.get(column, column)
        for column in CHAIN_CONTENT
    )
    previous = (
        "(SELECT before.chain_hash FROM change_log before "
        "WHERE before.id < change_log.id ORDER BY before.id DESC LIMIT 1)"
    )
    return (
        f"UPDATE change_log SET new_values = {values}, household_id = {household_id}, "
        f"chain_hash = gnapp_chain({previous}, {content}) "
        f"WHERE id = (SELECT max(id) FROM change_log) "
        f"AND {_INSERT_ACTION}('{table}') = '{INSERT_ROWS}' AND action = '{INSERT_ROWS}' "
        f"AND table_name = '{table}' AND json_extract(new_values, '$.last') = NEW.rowid - 1 "
        f"AND at = {_NOW} AND actor = gnapp_actor() AND batch_id IS gnapp_batch()"
        f"{same_household};"
    )


def trigger_sql(
    table: str,
    columns: list[str],
    household_column: str | None,
    *,
    with_batch: bool = True,
    with_runs: bool = False,
) -> list[str]:
    """CREATE TRIGGER statements that log every change of ``table``.

    An insert records the row's non-empty values and an update the columns that
    changed (old and new), derived columns left out; a delete records the whole
    row, so that undoing it can put it back as it was. ``with_runs`` (a log that holds runs,
    schema v21 on): an insert logged as a run (``inserts_logged_as_runs``) that follows the
    log's last row, a run of the same table, makes that run longer instead of adding a row.
    """
    kept = [c for c in columns if c not in SECRET_COLUMNS and c not in TRIGGER_KEPT_COLUMNS]
    logged = _logged(columns)
    new_row = _json_row("NEW", logged)
    household = (lambda p: f'{p}."{household_column}"') if household_column else (lambda p: "NULL")
    batch_column, batch_value = (", batch_id", ", gnapp_batch()") if with_batch else ("", "")
    insert_log = (
        "INSERT INTO change_log (at, actor, table_name, row_id, household_id, action, "
        f"old_values, new_values{batch_column}) VALUES "
    )
    changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in logged)
    action = f"{_INSERT_ACTION}('{table}')"
    inserted = (
        f"CASE {action} WHEN '{INSERT_ROWS}' THEN json_object('last', NEW.rowid) "
        f"ELSE {_without_nulls(new_row)} END"
    )
    insert_values = (
        f"{_NOW}, gnapp_actor(), '{table}', NEW.rowid, {household('NEW')}, {action}, "
        f"NULL, {inserted}{batch_value}"
    )
    insert_body = (
        # changes(): the rows the statement before changed, within the trigger
        f"{_run_made_longer(table, household_column)} "
        f"{insert_log.replace(' VALUES ', ' ')}SELECT {insert_values} WHERE changes() = 0;"
        if with_runs
        else f"{insert_log}({insert_values});"
    )
    return [
        f'CREATE TRIGGER log_{table}_insert AFTER INSERT ON "{table}" '
        f"WHEN gnapp_logs_each_insert('{table}') BEGIN {insert_body} END",
        f'CREATE TRIGGER log_{table}_update AFTER UPDATE ON "{table}" WHEN {changed} BEGIN '
        f"{insert_log}({_NOW}, gnapp_actor(), '{table}', NEW.rowid, {household('NEW')}, "
        f"'update', {_changed_only('OLD', logged)}, "
        f"{_changed_only('NEW', logged)}{batch_value}); END",
        f'CREATE TRIGGER log_{table}_delete AFTER DELETE ON "{table}" BEGIN {insert_log}'
        f"({_NOW}, gnapp_actor(), '{table}', OLD.rowid, {household('OLD')}, 'delete', "
        f"{_without_nulls(_json_row('OLD', kept))}, NULL{batch_value}); END",
    ]


def _logs_runs(db: sqlite_utils.Database) -> bool:
    """Whether the log can hold runs of rows (schema v21 and later)."""
    log_table = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'change_log'"
    ).fetchone()[0]
    return f"'{INSERT_ROWS}'" in log_table


def _runs(rows: Iterable[tuple[int, int | None]]) -> Iterator[tuple[int, int, list]]:
    """Rows (rowid, household) in rowid order, cut into runs of consecutive rowids of at most
    ``RUN_HOUSEHOLDS_MAX`` households: (first, last, the households of its rows in order, a
    household following itself named once)."""
    first = last = 0
    households: list = []
    for row_id, household in rows:
        follows = bool(households) and row_id == last + 1
        if follows and (households[-1] == household or len(households) < RUN_HOUSEHOLDS_MAX):
            if households[-1] != household:
                households.append(household)
        else:
            if households:
                yield first, last, households
            first, households = row_id, [household]
        last = row_id
    if households:
        yield first, last, households


def _run_row(last: int, households: list) -> tuple[int | None, str]:
    """A run's ``household_id`` and ``new_values``: its household, or none and the list of
    them when its rows belong to several."""
    if len(set(households)) == 1:
        return households[0], _COMPACT_JSON.encode({"last": last})
    return None, _COMPACT_JSON.encode({"last": last, RUN_HOUSEHOLDS: households})


@contextmanager
def logged_in_bulk(db: sqlite_utils.Database, table: str) -> Iterator[Callable[[int, int], None]]:
    """Inside a transaction: insert many rows of ``table`` and log them compactly (an import of
    100,000 rows, the demo).

    Yields ``log(first, last)``, to be called once the rows with rowids ``first``..``last`` are
    inserted: it writes one ``insert_rows`` row per run of consecutive rowids (of at most
    ``RUN_HOUSEHOLDS_MAX`` households; its household, or the list of them) instead of one
    ``insert`` row with a JSON copy of each row — the rows themselves are in the table, and
    every later update or delete logs the values it replaces, so what each insert wrote stays
    exact (``inserted_values``). Meanwhile the table's insert trigger logs nothing for inserts
    made on this connection (its WHEN asks ``gnapp_logs_each_insert``; no schema change, so
    other connections and prepared statements are untouched). Each log row is chained as
    written. A log from before schema v21, which cannot hold runs, is written row by row by the
    triggers.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("logged_in_bulk needs an open transaction")
    if not _logs_runs(db):  # a log from before schema v21: row by row
        yield lambda first, last: None
        return
    household_column = LOGGED_TABLES[table]
    household = f'"{household_column}"' if household_column else "NULL"
    rows_sql = (
        f'SELECT rowid, {household} FROM "{table}" WHERE rowid BETWEEN ? AND ? ORDER BY rowid'
    )
    insert_sql = (
        "INSERT INTO change_log (at, actor, table_name, row_id, household_id, action, "
        f"old_values, new_values, batch_id) VALUES (?, ?, '{table}', ?, ?, '{INSERT_ROWS}', "
        "NULL, ?, ?)"
    )
    at, actor, batch = db.execute("SELECT gnapp_now(), gnapp_actor(), gnapp_batch()").fetchone()

    def log(first: int, last: int) -> None:
        for run_first, run_last, households in _runs(db.execute(rows_sql, [first, last])):
            household_id, new_values = _run_row(run_last, households)
            db.execute(insert_sql, [at, actor, run_first, household_id, new_values, batch])

    tables = _BULK_TABLES.setdefault(id(db.conn), set())
    if table in tables:
        raise RuntimeError(f"{table} is already being inserted in bulk")
    tables.add(table)
    try:
        yield log
    finally:
        tables.discard(table)
        if not tables:
            del _BULK_TABLES[id(db.conn)]


def logs_inserts_in_bulk(db: sqlite_utils.Database, table: str) -> bool:
    """Whether ``logged_in_bulk`` is logging the inserts into ``table`` on this connection (its
    insert trigger then logs nothing)."""
    return table in _BULK_TABLES.get(id(db.conn), ())


@contextmanager
def inserts_logged_as_runs(db: sqlite_utils.Database, tables: Iterable[str]) -> Iterator[None]:
    """Inside a transaction: log every row inserted into ``tables`` on this connection as a run
    of one row (``insert_rows``, ``{"last": its rowid}``), written by the insert trigger in its
    place among the other changes, instead of a JSON copy of the row — for the demo, which
    writes a commune's years of statuses, questionnaires and events one row at a time.

    What the insert wrote stays exact for the same reason as ``logged_in_bulk``'s runs: the row
    is in its table and every later update or delete logs the values it replaces
    (``inserted_values``; ``each_row`` spells it out as the trigger would have logged it). A table
    whose trigger is from before this (a file not migrated since schema v21) logs its rows whole.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("inserts_logged_as_runs needs an open transaction")
    wanted = set(tables)
    able = (
        set()
        if not _logs_runs(db)
        else {
            name.removeprefix("log_").removesuffix("_insert")
            for name, sql in db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'log\\_%' ESCAPE '\\'"
            ).fetchall()
            if name.endswith("_insert") and _INSERT_ACTION in sql
        }
    )
    runs = _RUN_TABLES.setdefault(id(db.conn), set())
    added = (wanted & able) - runs
    runs |= added
    try:
        yield
    finally:
        runs -= added
        if not runs:
            del _RUN_TABLES[id(db.conn)]


def drop_triggers(db: sqlite_utils.Database) -> None:
    """Drop the logging triggers and the chaining one."""
    for name in db.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'log\\_%' ESCAPE '\\'"
    ).fetchall():
        db.execute(f'DROP TRIGGER "{name[0]}"')
    db.execute(f"DROP TRIGGER IF EXISTS {CHAIN_TRIGGER}")


def install_triggers(db: sqlite_utils.Database) -> None:
    """Drop and recreate the logging triggers of every logged table that exists."""
    drop_triggers(db)
    existing = set(db.table_names())
    log_columns = db["change_log"].columns_dict
    with_batch = "batch_id" in log_columns
    with_runs = _logs_runs(db) and with_batch and "chain_hash" in log_columns
    if "chain_hash" in log_columns:
        db.execute(chain_trigger_sql())
    for table, household_column in LOGGED_TABLES.items():
        if table not in existing:
            continue
        columns = [column.name for column in db[table].columns]
        for statement in trigger_sql(
            table, columns, household_column, with_batch=with_batch, with_runs=with_runs
        ):
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


def _last_row(action: object, new_values: object) -> int | None:
    """The last rowid of a bulk insert's log row (its ``new_values`` as stored), else None."""
    if action != INSERT_ROWS or not isinstance(new_values, str):
        return None
    last = json.loads(new_values).get("last")
    return last if isinstance(last, int) else None


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


def inserted_values(db: sqlite_utils.Database, table: str, row_id: int, log_id: int) -> dict:
    """What a row held just after the insert logged as change-log row ``log_id``, as an insert
    trigger logs it (logged columns, empty ones left out): its values now, walked back through
    every later change of that row — an update gives back the values it replaced, a delete the
    whole row it removed. Empty when the row is gone and no deletion of it was logged."""
    logged = _logged([column.name for column in db[table].columns])
    now = db.execute(
        f'SELECT {_without_nulls(_json_row("r", logged))} FROM "{table}" r WHERE rowid = ?',
        [row_id],
    ).fetchone()
    values: dict = json.loads(now[0]) if now else {}
    for action, old_values in db.execute(
        "SELECT action, old_values FROM change_log WHERE table_name = ? AND row_id = ? "
        "AND id > ? ORDER BY id DESC",
        [table, row_id, log_id],
    ).fetchall():
        old = json.loads(old_values) if old_values else {}
        if action == "update":
            values.update(old)
        elif action == "delete":
            values = {column: old[column] for column in logged if column in old}
        else:  # inserted again later: before that, it did not exist
            values = {}
    return {column: value for column, value in values.items() if value is not None}


def _households_now(db: sqlite_utils.Database, change: Change) -> dict[int, int | None]:
    """The household each row of a run belongs to now, by rowid (rows gone: left out)."""
    column = LOGGED_TABLES.get(change.table_name)
    if column is None or change.household_id is not None:
        return {}
    return dict(
        db.execute(
            f'SELECT rowid, "{column}" FROM "{change.table_name}" WHERE rowid BETWEEN ? AND ?',
            [change.row_id, (change.new_values or {})["last"]],
        ).fetchall()
    )


def each_row(
    db: sqlite_utils.Database, changes: Iterable[Change], *, with_values: bool = True
) -> list[Change]:
    """The changes with every bulk insert's row spelled out as an "insert" of its own, its
    values as they were just after the insert (``inserted_values``; None without
    ``with_values``). A row of a run of several households gets its household from those
    values (without ``with_values``: the household it is in now, None when it is gone)."""
    rows = []
    for change in changes:
        if change.action != INSERT_ROWS:
            rows.append(change)
            continue
        last = (change.new_values or {})["last"]
        column = LOGGED_TABLES.get(change.table_name)
        now = {} if with_values else _households_now(db, change)
        for row_id in range(change.row_id, last + 1):
            values = (
                inserted_values(db, change.table_name, row_id, change.id or 0)
                if with_values
                else None
            )
            household = change.household_id
            if household is None and column is not None:
                household = values.get(column) if values is not None else now.get(row_id)
            rows.append(_row_inserted(change, row_id, household, values))
    return rows


def _row_inserted(run: Change, row_id: int, household: int | None, values: dict | None) -> Change:
    """One row of a run, as the "insert" the trigger would have logged for it."""
    return replace(run, row_id=row_id, household_id=household, action="insert", new_values=values)


def _rows_of_household_in_run(
    db: sqlite_utils.Database, run: Change, household_id: int
) -> list[Change]:
    """The rows a run of several households inserted for ``household_id``, each an "insert"
    with its values as inserted: among the run's rows in the household now and those a later
    change logged with it (moved away or removed since), the ones it held when inserted."""
    table, column = run.table_name, LOGGED_TABLES[run.table_name]
    last = (run.new_values or {})["last"]
    candidates = db.execute(
        f"""SELECT rowid FROM "{table}" WHERE "{column}" = :household
                AND rowid BETWEEN :first AND :last
            UNION SELECT row_id FROM change_log
             WHERE table_name = :table AND row_id BETWEEN :first AND :last AND id > :run
               AND (household_id = :household
                    OR json_extract(old_values, '$.{column}') = :household)
            ORDER BY 1""",
        {"household": household_id, "first": run.row_id, "last": last, "table": table,
         "run": run.id},
    ).fetchall()  # fmt: skip
    found = []
    for (row_id,) in candidates:
        values = inserted_values(db, table, row_id, run.id or 0)
        if values.get(column) == household_id:
            found.append(_row_inserted(run, row_id, household_id, values))
    return found


# A log row that is a run of several households' rows.
MANY_HOUSEHOLDS_RUN = f"household_id IS NULL AND action = '{INSERT_ROWS}'"


def run_household_among(households: str) -> str:
    """SQL for the first household the run of the log row in scope lists among ``households``
    (SQL: a subquery or a parameter), NULL when it lists none of them."""
    return (
        f"(SELECT value FROM json_each(new_values, '$.{RUN_HOUSEHOLDS}') "
        f"WHERE value IN ({households}) LIMIT 1)"
    )


# A run of several households' rows that lists ``:household``.
RUN_OF_HOUSEHOLD = f"{MANY_HOUSEHOLDS_RUN} AND {run_household_among(':household')} IS NOT NULL"


def changes_of_household(db: sqlite_utils.Database, household_id: int) -> list[Change]:
    """Every change to a household and to its members, statuses and questionnaires, oldest first
    (each row of a bulk insert one change)."""
    rows = db.query(
        "SELECT * FROM change_log WHERE household_id = :household ORDER BY id",
        {"household": household_id},
    )
    changes = each_row(db, [change_from_row(row) for row in rows])
    runs = db.query(
        f"SELECT * FROM change_log WHERE {RUN_OF_HOUSEHOLD} ORDER BY id",
        {"household": household_id},
    )
    for run in runs:
        changes.extend(_rows_of_household_in_run(db, change_from_row(run), household_id))
    return sorted(changes, key=lambda change: (change.id or 0, change.row_id))


def changes_of_row(db: sqlite_utils.Database, table: str, row_id: int) -> list[Change]:
    """Every change to one row of one table, oldest first (its bulk insert included)."""
    rows = db.query(
        f"""SELECT * FROM change_log WHERE table_name = :table AND (row_id = :row
                OR (action = '{INSERT_ROWS}' AND row_id < :row
                    AND json_extract(new_values, '$.last') >= :row))
            ORDER BY id""",
        {"table": table, "row": row_id},
    )
    return [
        change
        for change in each_row(db, [change_from_row(row) for row in rows])
        if change.row_id == row_id
    ]
