"""The household register: communes, villages, households, members and their yearly status.

Writers take a ``CommuneDatabase`` and run in one transaction each (nested inside
a caller's transaction when there is one); the change log is written by triggers.
Names are stored with their search fold and Vietnamese sort key.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import sqlite_utils

from gnapp.core.vietnamese import (
    PERSON_SEPARATOR,
    fold,
    name_sort_key,
    nfc,
    person_search_text,
    search_words,
    text_sort_key,
)
from gnapp.core.villages import VillageMatcher
from gnapp.i18n import tr, tr_noop
from gnapp.store.changelog import HOUSEHOLD_KEY_COLUMNS, logged_in_bulk, logs_inserts_in_bulk
from gnapp.store.database import CommuneDatabase, OpenDatabase, inserted_id
from gnapp.store.errors import DatabaseError
from gnapp.store.presence import present_now

COMMUNE_FIELDS = (
    "code",
    "name",
    "kind",
    "province",
    "region",
    "receiving_office_name",
    "receiving_office_kind",
)
HOUSEHOLD_FLAGS = (
    "agricultural",
    "ethnic_minority",
    "local_ethnic_minority",
    "without_working_capacity",
    "revolution_merit",
    "social_assistance",
)
HOUSEHOLD_BOOLEANS = (
    *HOUSEHOLD_FLAGS,
    "walls_durable",
    "frame_durable",
    "roof_durable",
    "uses_telecom",
    "waste_handled_hygienically",
)
HOUSEHOLD_LISTS = ("information_devices", "causes_of_poverty", "support_needs")
HOUSEHOLD_FIELDS = (
    "code",
    "village_id",
    "address",
    "floor_area_m2",
    "water_source",
    "latrine",
    *HOUSEHOLD_BOOLEANS,
    *HOUSEHOLD_LISTS,
)
MEMBER_BOOLEANS = (
    "has_health_insurance",
    "malnourished",
    "can_work",
    "severe_disability",
    "revolution_merit",
    "social_assistance",
)
MEMBER_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "citizen_id",
    "relation",
    "ethnicity",
    "schooling",
    "education",
    "vocational_certificate",
    "employment",
    *MEMBER_BOOLEANS,
)
GROUP_FLAGS = (
    "ethnic_minority",
    "local_ethnic_minority",
    "without_working_capacity",
    "revolution_merit",
    "social_assistance",
)
STATUSES = ("poor", "near_poor", "average", "not_poor")


def _unknown(fields: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    """Refuse fields not in ``allowed``; ``what`` (marked by ``tr_noop``) names the record, and
    is translated only then (a bulk insert checks 100,000 records)."""
    if fields.keys() <= _as_set(allowed):
        return
    extra = sorted(set(fields) - set(allowed))
    raise DatabaseError(
        tr("Trường không hợp lệ cho {what}: {fields}", what=tr(what), fields=", ".join(extra))
    )


_HOUSEHOLD_RECORD = tr_noop("hộ gia đình")
_MEMBER_RECORD = tr_noop("thành viên")
_COMMUNE_RECORD = tr_noop("xã")
_STATUS_RECORD = tr_noop("tình trạng hằng năm")


@functools.cache
def _as_set(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(names)


def _household_row(fields: Mapping[str, Any]) -> dict[str, Any]:
    _unknown(fields, HOUSEHOLD_FIELDS, _HOUSEHOLD_RECORD)
    row: dict[str, Any] = {}
    for key, value in fields.items():
        if key in HOUSEHOLD_BOOLEANS:
            row[key] = None if value is None else int(bool(value))
        elif key in HOUSEHOLD_LISTS:
            row[key] = json.dumps(list(value or []), ensure_ascii=False)
        elif isinstance(value, str):
            row[key] = nfc(value)
        else:
            row[key] = value
    return row


# A member's columns derived from its name (``_member_keys``).
MEMBER_KEY_COLUMNS: tuple[str, ...] = ("name_fold",)


def _member_keys(full_name: str) -> dict[str, str]:
    """A member's derived columns (``MEMBER_KEY_COLUMNS``): its folded name, for search."""
    return {"name_fold": fold(full_name)}


def _member_row(fields: Mapping[str, Any]) -> dict[str, Any]:
    _unknown(fields, MEMBER_FIELDS, _MEMBER_RECORD)
    row: dict[str, Any] = {}
    booleans = _as_set(MEMBER_BOOLEANS)
    for key, value in fields.items():
        if key in booleans:
            row[key] = None if value is None else int(bool(value))
        elif isinstance(value, str):
            row[key] = nfc(value)
        else:
            row[key] = value
    if "full_name" in row:
        row.update(_member_keys(row["full_name"]))
    return row


# --- commune and villages -------------------------------------------------------------------


def get_commune(db: sqlite_utils.Database) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM commune WHERE id = 1"))
    return rows[0] if rows else None


def save_commune(cdb: CommuneDatabase, **fields: Any) -> None:
    """Create or update the commune's identity (one row)."""
    _unknown(fields, COMMUNE_FIELDS, _COMMUNE_RECORD)
    row = {k: nfc(v) if isinstance(v, str) else v for k, v in fields.items()}
    with cdb.transaction() as db:
        if get_commune(db) is None:
            db.table("commune").insert({"id": 1, **row})
        else:
            db.table("commune").update(1, row)


def add_village(cdb: CommuneDatabase, code: str, name: str, area: str) -> int:
    name = nfc(name)
    with cdb.transaction() as db:
        table = db.table("villages")
        table.insert(
            {
                "code": code,
                "name": name,
                "area": area,
                "name_fold": fold(name),
                "name_sort_key": text_sort_key(name),
            }
        )
        return inserted_id(table)


def update_village(cdb: CommuneDatabase, village_id: int, name: str, area: str) -> None:
    """Rename a village or change its area (its code stays: lists and imports refer to it)."""
    name = " ".join(nfc(name).split())
    with cdb.transaction() as db:
        db.table("villages").update(
            village_id,
            {
                "name": name,
                "area": area,
                "name_fold": fold(name),
                "name_sort_key": text_sort_key(name),
            },
        )


def villages(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Villages in Vietnamese alphabetical order."""
    return list(db.query("SELECT * FROM villages ORDER BY name_sort_key, id"))


def village_name(db: sqlite_utils.Database, village_id: int) -> str:
    """The village's name as stored ("Nước Nẻ")."""
    row = db.execute("SELECT name FROM villages WHERE id = ?", [village_id]).fetchone()
    if row is None:
        raise DatabaseError(
            tr("Không có thôn, tổ dân phố số {id} trong dữ liệu xã.", id=village_id)
        )
    return row[0]


def find_village(db: sqlite_utils.Database, written: str) -> int | None:
    """A village by its code or its name as a person writes it (diacritics, case and the word
    "Thôn" / "Tổ dân phố" in front aside); None when it names none, or several."""
    return VillageMatcher(villages(db)).by_code_or_name(written)


def household_counts_by_village(db: sqlite_utils.Database) -> dict[int, int]:
    """How many households in the commune now each village has (villages without any left
    out)."""
    sql = f"SELECT village_id, count(*) FROM households h WHERE {present_now('h')} GROUP BY 1"
    return dict(db.execute(sql).fetchall())


# --- settings --------------------------------------------------------------------------------


def get_setting(db: sqlite_utils.Database, key: str, default: Any = None) -> Any:
    rows = list(db.query("SELECT value FROM settings WHERE key = ?", [key]))
    return json.loads(rows[0]["value"]) if rows else default


def set_setting(cdb: OpenDatabase, key: str, value: Any) -> None:
    with cdb.transaction() as db:
        db.table("settings").upsert(
            {"key": key, "value": json.dumps(value, ensure_ascii=False)}, pk="key"
        )


# --- households and members -----------------------------------------------------------------


_HOUSEHOLD_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(HOUSEHOLD_FIELDS),
    **dict.fromkeys(HOUSEHOLD_FLAGS, 0),
    **dict.fromkeys(HOUSEHOLD_LISTS, "[]"),
}


def _household_keys(code: str, members: Sequence[Mapping[str, Any]]) -> dict[str, str | int]:
    """The derived columns of a household: its head's name and keys, its two search texts
    (its members' folded names, the head's first; its citizen IDs and folded code), its size."""
    head = next((m for m in members if m.get("relation") == "head"), None)
    head_name = head["full_name"] if head is not None else ""
    head_fold = head["name_fold"] if head is not None and "name_fold" in head else fold(head_name)
    head_key = name_sort_key(head_name)
    numbers = [m["citizen_id"] for m in members if m.get("citizen_id")]
    heads_first = sorted(members, key=lambda m: m.get("relation") != "head")
    search_fold = person_search_text(
        m["name_fold"] if "name_fold" in m else fold(m["full_name"]) for m in heads_first
    )
    return {
        "head_name": head_name,
        "head_name_fold": head_fold,
        "head_sort_key": head_key,
        "search_fold": search_fold,
        "search_head_end": search_fold.find(PERSON_SEPARATOR) + 1,
        "search_numbers": search_words([*numbers, fold(code)]),
        "member_count": len(members),
    }


def refresh_household_keys(db: sqlite_utils.Database, household_id: int) -> None:
    """Recompute a household's derived columns after its members or code changed."""
    code = db.execute("SELECT code FROM households WHERE id = ?", [household_id]).fetchone()[0]
    members = list(
        db.query(
            "SELECT full_name, relation, citizen_id FROM members WHERE household_id = ? "
            "ORDER BY position",
            [household_id],
        )
    )
    keys = _household_keys(code, members)
    assignments = ", ".join(f'"{column}" = ?' for column in keys)
    db.execute(f"UPDATE households SET {assignments} WHERE id = ?", [*keys.values(), household_id])


def add_household(
    cdb: CommuneDatabase, fields: Mapping[str, Any], members: list[Mapping[str, Any]]
) -> int:
    """Insert a household with its members (in roster order); return its id."""
    return add_households(cdb, [(fields, members)])[0]


_CHUNK = 500  # households written with one statement per table


def add_households(
    cdb: CommuneDatabase,
    households: Iterable[tuple[Mapping[str, Any], list[Mapping[str, Any]]]],
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Insert many households with their members at once (an import); return their ids.

    The same rows as add_household, written with one statement per table and chunk of 500
    households (through temporary tables, ``_Staging``; on a second thread while the next chunk
    is prepared, ``_statements_beside``), in one transaction, and logged the same way with one
    statement per table and chunk (``changelog.logged_in_bulk``).
    ``progress`` is told how many households are written so far.
    """
    stamp = cdb.now()
    household_columns = [
        *HOUSEHOLD_FIELDS, *HOUSEHOLD_KEY_COLUMNS, "created_at", "updated_at", "id"
    ]  # fmt: skip
    member_columns = [
        "id",
        *MEMBER_FIELDS,
        *MEMBER_KEY_COLUMNS,
        "household_id",
        "position",
    ]
    member_values = member_columns[1:-2]  # the columns of _member_row's dict
    ids: list[int] = []
    households = list(households)
    with (
        cdb.transaction() as db,
        _indexes_built_after(db, "households", len(households)),
        logged_in_bulk(db, "households") as log_households,
        logged_in_bulk(db, "members") as log_members,
        _statements_beside(db, ("households", "members"), len(households) > _CHUNK) as beside,
    ):
        next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM households").fetchone()[0]
        member_id = next_member_id(db)
        staging = {
            table: _Staging(db, table, columns)
            for table, columns in (("households", household_columns), ("members", member_columns))
        }

        def log(household_ids: range, member_ids: range) -> None:
            log_households(household_ids.start, household_ids.stop - 1)
            if member_ids:
                log_members(member_ids.start, member_ids.stop - 1)

        items = iter(households)
        written: Callable[[], None] = lambda: None  # noqa: E731  (the chunk before)
        while chunk := list(itertools.islice(items, _CHUNK)):
            first_household = next_id
            first_member = member_id
            household_rows, member_rows = [], []
            for fields, members in chunk:
                rows = [_member_row(member) for member in members]
                household = {**_HOUSEHOLD_DEFAULTS, **_household_row(fields)}
                household.update(_household_keys(household["code"] or "", rows))
                household.update(created_at=stamp, updated_at=stamp, id=next_id)
                household_rows.append([household[c] for c in household_columns])
                for position, row in enumerate(rows, start=1):
                    member_rows.append([member_id, *map(row.get, member_values), next_id, position])
                    member_id += 1
                ids.append(next_id)
                next_id += 1
            written()  # the staging tables are free again
            written = beside(
                *staging["households"].moved(household_rows),
                *(staging["members"].moved(member_rows) if member_rows else ()),
                then=functools.partial(
                    log, range(first_household, next_id), range(first_member, member_id)
                ),
            )
            if progress is not None:
                progress(len(ids))
        written()
    return ids


class _Staging:
    """A temporary table shaped like ``table``'s ``columns`` (the connection's, left empty),
    whose rows are moved into ``table`` with one statement: inserted one statement a row, each
    member's trigger-kept ``person_names`` (FTS5) entry was flushed to an index segment of its
    own (at the statement's savepoint), which made the index cost more than the rest of the
    members' write."""

    def __init__(self, db: sqlite_utils.Database, table: str, columns: Sequence[str]) -> None:
        self.db = db
        self.table = table
        self.columns = columns
        self.name = f"temp.staged_{table}"
        names = ", ".join(f'"{column}"' for column in columns)
        db.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {self.name} AS SELECT {names} FROM {table} WHERE 0"
        )
        self.null_by_default = {
            column.name for column in db.table(table).columns if column.default_value is None
        }

    def moved(self, rows: Sequence[Sequence[Any]]) -> tuple[str, str]:
        """Stage ``rows`` (values in ``columns`` order); return the statements that move them
        into the table, in order of id, and empty the staging table."""
        written = _insert_rows(self.db, self.name, self.columns, rows, self.null_by_default)
        names = ", ".join(f'"{column}"' for column in written)
        return (
            f'INSERT INTO "{self.table}" ({names}) SELECT {names} FROM {self.name} ORDER BY id',
            f"DELETE FROM {self.name}",
        )


# Between two statements the second thread waits for Python's lock, which the preparing thread
# gives up every switch interval (5 ms by default: longer than a chunk's statements take).
_SWITCH_INTERVAL = 0.0002


class _ShortSwitching:
    """The switch interval (process-wide) at ``_SWITCH_INTERVAL`` while any bulk insert runs on
    two threads, and back to what it was once the last one is done."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inserts = 0
        self._interval = sys.getswitchinterval()

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._inserts == 0:
                self._interval = sys.getswitchinterval()
                sys.setswitchinterval(_SWITCH_INTERVAL)
            self._inserts += 1
        try:
            yield
        finally:
            with self._lock:
                self._inserts -= 1
                if self._inserts == 0:
                    sys.setswitchinterval(self._interval)


_SHORT_SWITCHING = _ShortSwitching()


@contextmanager
def _statements_beside(
    db: sqlite_utils.Database, tables: Sequence[str], several_chunks: bool
) -> Iterator[Callable[..., Callable[[], None]]]:
    """Inside a transaction: yields ``beside(*statements, then)``, which runs the statements
    (inserts into ``tables``) and returns ``wait()``: it waits for them, raises what they raised
    and calls ``then``. While ``logged_in_bulk`` logs the tables' inserts, they run on a second
    thread as this one goes on preparing rows: SQLite works without Python's lock, so the two
    share the cores of an office PC — as long as no SQL function written in Python is called
    row by row. The tables' insert triggers, which ask ``gnapp_logs_each_insert`` at every row
    (and log nothing then), are dropped meanwhile and created again from their own SQL (on an
    error the transaction rolls the drops back). Otherwise, and when there is no next chunk to
    prepare (``several_chunks`` false: the demo's households, 500 at a time, a household added
    by hand), they run at once, on this thread."""
    names = [f"log_{table}_insert" for table in tables]
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
        f"({', '.join('?' for _ in names)}) ORDER BY rowid",
        names,
    ).fetchall()
    if (
        not several_chunks
        or len(triggers) != len(tables)
        or not all(logs_inserts_in_bulk(db, t) for t in tables)
    ):

        def at_once(*statements: str, then: Callable[[], None]) -> Callable[[], None]:
            for statement in statements:
                db.execute(statement)
            return then

        yield at_once
        return
    for name, _ in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    # the pool's exit waits for a statement still running (on an error in this thread): the
    # transaction is then rolled back on a free connection
    with (
        _SHORT_SWITCHING.held(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="gnapp-sql") as pool,
    ):

        def beside(*statements: str, then: Callable[[], None]) -> Callable[[], None]:
            future = pool.submit(lambda: [db.conn.execute(sql) for sql in statements])

            def wait() -> None:
                future.result()
                then()

            return wait

        yield beside
    for _, sql in triggers:
        db.execute(sql)


_REBUILT_FROM = 1_000  # households inserted at once; below, rebuilding gains nothing to speak of


@contextmanager
def _indexes_built_after(db: sqlite_utils.Database, table: str, inserting: int) -> Iterator[None]:
    """Inside a transaction: when ``inserting`` rows are more than ``table`` holds (a commune's
    first import, a large one into a small register), the table's plain indexes are dropped and
    created again from their own SQL once the rows are in: building an index over the whole
    table at once costs less than keeping it up to date row by row, in random order (the
    households' six search indexes begin with the head's sort key). Unique indexes and the
    primary key stay (they refuse a row as it is inserted). On an error the transaction rolls
    the drops back with everything else. (The members' indexes gain nothing so: measured.)"""
    if (
        inserting < _REBUILT_FROM
        or inserting <= db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    ):
        yield
        return
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %' ORDER BY rowid",
        [table],
    ).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        db.execute(sql)


def _insert_rows(
    db: sqlite_utils.Database,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    null_by_default: set[str],
) -> list[str]:
    """Insert ``rows`` (non-empty: values in ``columns`` order) with one executemany, leaving
    out the columns of ``null_by_default`` that are None in every row (the same rows: sqlite3
    binds a None through its adapters' look-ups, which took a third of the members' insert);
    return the columns written."""
    values = list(zip(*rows, strict=True))
    kept = [
        index
        for index, column in enumerate(columns)
        if column not in null_by_default or values[index].count(None) < len(rows)
    ]
    written = [columns[index] for index in kept]
    names = ", ".join(f'"{column}"' for column in written)
    marks = ", ".join("?" for _ in written)
    db.conn.executemany(
        f"INSERT INTO {table} ({names}) VALUES ({marks})",
        zip(*(values[i] for i in kept), strict=True),
    )
    return written


def update_household(cdb: CommuneDatabase, household_id: int, changes: Mapping[str, Any]) -> None:
    with cdb.transaction() as db:
        db.table("households").update(
            household_id, {**_household_row(changes), "updated_at": cdb.now()}
        )
        if "code" in changes:
            refresh_household_keys(db, household_id)


def _touch(cdb: CommuneDatabase, household_id: int) -> None:
    cdb.db.execute("UPDATE households SET updated_at = ? WHERE id = ?", [cdb.now(), household_id])


def next_member_id(db: sqlite_utils.Database) -> int:
    """The id for a new member: above every member there is and every member the change log
    names, so that a member who died or left (and whose row went) never lends their id to
    someone else — the log and an undo would take one person for the other. (A bulk insert's
    log row names its first row only; a later row of it that went was logged as deleted.)"""
    return db.execute(
        """SELECT max(
               coalesce((SELECT max(id) FROM members), 0),
               coalesce((SELECT max(row_id) FROM change_log WHERE table_name = 'members'), 0)
           ) + 1"""
    ).fetchone()[0]


def add_member(cdb: CommuneDatabase, household_id: int, member: Mapping[str, Any]) -> int:
    with cdb.transaction() as db:
        position = db.execute(
            "SELECT coalesce(max(position), 0) + 1 FROM members WHERE household_id = ?",
            [household_id],
        ).fetchone()[0]
        member_id = next_member_id(db)
        db.table("members").insert(
            {
                **_member_row(member),
                "id": member_id,
                "household_id": household_id,
                "position": position,
            }
        )
        refresh_household_keys(db, household_id)
        _touch(cdb, household_id)
        return member_id


def _household_of_member(db: sqlite_utils.Database, member_id: int) -> int:
    row = db.execute("SELECT household_id FROM members WHERE id = ?", [member_id]).fetchone()
    if row is None:
        raise DatabaseError(tr("Không tìm thấy thành viên mã {id}", id=member_id))
    return row[0]


def update_member(cdb: CommuneDatabase, member_id: int, changes: Mapping[str, Any]) -> None:
    with cdb.transaction() as db:
        household_id = _household_of_member(db, member_id)
        db.table("members").update(member_id, _member_row(changes))
        refresh_household_keys(db, household_id)
        _touch(cdb, household_id)


def remove_member(cdb: CommuneDatabase, member_id: int) -> None:
    with cdb.transaction() as db:
        household_id = _household_of_member(db, member_id)
        db.table("members").delete(member_id)
        refresh_household_keys(db, household_id)
        _touch(cdb, household_id)


def set_status(
    cdb: CommuneDatabase,
    household_id: int,
    year: int,
    status: str,
    **details: Any,
) -> None:
    """Record a household's status for a year (movement, standard_id, decision_number, ...)."""
    if status not in STATUSES:
        raise DatabaseError(tr("Tình trạng không hợp lệ: {status}", status=status))
    allowed = ("movement", "standard_id", "decision_number", "decision_date", "note")
    _unknown(details, allowed, _STATUS_RECORD)
    row = {"household_id": household_id, "year": year, "status": status, **details}
    with cdb.transaction() as db:
        existing = db.execute(
            "SELECT id FROM household_status WHERE household_id = ? AND year = ?",
            [household_id, year],
        ).fetchone()
        if existing:
            db.table("household_status").update(existing[0], row)
        else:
            db.table("household_status").insert(row)


# --- household records (the format of forms/household-record.schema.json) -------------------


def _bool_or_none(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _member_record(row: Mapping[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key in MEMBER_FIELDS:
        value = row[key]
        if value is None:
            continue
        record[key] = bool(value) if key in MEMBER_BOOLEANS else value
    return record


def _household_record(
    row: Mapping[str, Any], members: Sequence[Mapping[str, Any]], income: Mapping[str, Any] | None
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "household_code": row["code"],
        "village": row["village_name"],
        "area": row["area"],
        "agricultural": bool(row["agricultural"]),
    }
    if row["address"]:
        record["address"] = row["address"]
    for key in ("floor_area_m2", "water_source", "latrine"):
        if row[key] is not None:
            record[key] = row[key]
    for key in (
        "walls_durable",
        "frame_durable",
        "roof_durable",
        "uses_telecom",
        "waste_handled_hygienically",
    ):
        if row[key] is not None:
            record[key] = bool(row[key])
    for key in HOUSEHOLD_LISTS:
        record[key] = json.loads(row[key])
    record["groups"] = {key: bool(row[key]) for key in GROUP_FLAGS}
    if income:
        record["income"] = dict(income)
    record["members"] = [_member_record(member) for member in members]
    return record


_HOUSEHOLD_SELECT = (
    "SELECT h.*, v.name AS village_name, v.area AS area FROM households h "
    "JOIN villages v ON v.id = h.village_id"
)


def household_record(
    db: sqlite_utils.Database, household_id: int, income: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The household as a household record, ready for the classification engine."""
    rows = list(db.query(f"{_HOUSEHOLD_SELECT} WHERE h.id = ?", [household_id]))
    if not rows:
        raise DatabaseError(tr("Không tìm thấy hộ mã {id}", id=household_id))
    members = list(
        db.query("SELECT * FROM members WHERE household_id = ? ORDER BY position", [household_id])
    )
    return _household_record(rows[0], members, income)


def iter_household_records(
    db: sqlite_utils.Database, incomes: Mapping[int, Mapping[str, Any]] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(household id, record) for every household, in id order, reading members in one pass."""
    incomes = incomes or {}
    member_rows = db.query("SELECT * FROM members ORDER BY household_id, position")
    pending = next(member_rows, None)
    for row in db.query(f"{_HOUSEHOLD_SELECT} ORDER BY h.id"):
        members = []
        while pending is not None and pending["household_id"] < row["id"]:
            pending = next(member_rows, None)
        while pending is not None and pending["household_id"] == row["id"]:
            members.append(pending)
            pending = next(member_rows, None)
        yield row["id"], _household_record(row, members, incomes.get(row["id"]))


# --- editing a household (the household form) -------------------------------------------------


def household_code_in_use(db: sqlite_utils.Database, code: str, household_id: int | None) -> bool:
    """Whether another household than ``household_id`` already has this code."""
    row = db.execute(
        "SELECT 1 FROM households WHERE code = ? AND id IS NOT ?", [nfc(code), household_id]
    ).fetchone()
    return row is not None


_NUMBERED_CODE = re.compile(r"^(.*?)(\d+)$")


def next_household_code(db: sqlite_utils.Database) -> str | None:
    """The next free code in the commune's pattern: of the codes ending in a number, the most
    common prefix (and width), its highest number plus one ("HGD-00412" after "HGD-00411");
    None when no code ends in a number."""
    numbered: dict[tuple[str, int], list[int]] = {}
    for (code,) in db.execute("SELECT code FROM households"):
        found = _NUMBERED_CODE.match(code or "")
        if found is not None:
            prefix, digits = found.groups()
            numbered.setdefault((prefix, len(digits)), []).append(int(digits))
    if not numbered:
        return None
    (prefix, width), numbers = max(numbered.items(), key=lambda item: len(item[1]))
    candidate = max(numbers) + 1
    while household_code_in_use(db, f"{prefix}{candidate:0{width}d}", None):
        candidate += 1
    return f"{prefix}{candidate:0{width}d}"


def citizen_id_elsewhere(
    db: sqlite_utils.Database, citizen_id: str, household_id: int | None
) -> list[tuple[str, str]]:
    """(household code, member name) of the members of other households with this citizen ID."""
    rows = db.execute(
        "SELECT h.code, m.full_name FROM members m JOIN households h ON h.id = m.household_id "
        "WHERE m.citizen_id = ? AND m.household_id IS NOT ? ORDER BY h.code, m.position",
        [citizen_id, household_id],
    ).fetchall()
    return [(code, name) for code, name in rows]


def household_id_by_code(db: sqlite_utils.Database, code: str) -> int | None:
    """The id of the household with this code (NFC-normalised, as codes are stored), or None."""
    row = db.execute("SELECT id FROM households WHERE code = ?", [nfc(code)]).fetchone()
    return None if row is None else row[0]


def household_codes(db: sqlite_utils.Database, prefix: str = "") -> set[str]:
    """The codes of the register's households (those starting with ``prefix``, case aside)."""
    rows = db.execute("SELECT code FROM households WHERE code LIKE ?", [f"{prefix}%"])
    return {code for (code,) in rows}


def household_codes_by_citizen_id(db: sqlite_utils.Database) -> dict[str, str]:
    """Citizen ID -> the code of the household of the member who has it."""
    return dict(
        db.execute(
            "SELECT m.citizen_id, h.code FROM members m JOIN households h "
            "ON h.id = m.household_id WHERE m.citizen_id IS NOT NULL"
        ).fetchall()
    )


def household_heads(db: sqlite_utils.Database) -> list[tuple[str, str, str | None, int]]:
    """(household code, head's folded name, head's birth date, village id) of every head."""
    return db.execute(
        "SELECT h.code, h.head_name_fold, m.birth_date, h.village_id FROM households h "
        "JOIN members m ON m.household_id = h.id AND m.relation = 'head'"
    ).fetchall()


def household_code(db: sqlite_utils.Database, household_id: int) -> str:
    """The household's code."""
    row = db.execute("SELECT code FROM households WHERE id = ?", [household_id]).fetchone()
    if row is None:
        raise DatabaseError(tr("Không có hộ số {id} trong sổ.", id=household_id))
    return row[0]


def members_of(db: sqlite_utils.Database, household_id: int) -> list[dict[str, Any]]:
    """The household's member rows as stored, in the order of the household (head first)."""
    return list(
        db.query("SELECT * FROM members WHERE household_id = ? ORDER BY position", [household_id])
    )


# The households' group flags a decision's annex marks, as the households table names them.
GROUP_FLAG_KEYS = (
    "ethnic_minority",
    "without_working_capacity",
    "revolution_merit",
    "social_assistance",
)


def household_groups(
    db: sqlite_utils.Database, household_ids: Sequence[int]
) -> dict[int, dict[str, bool]]:
    """Each household's group flags (GROUP_FLAG_KEYS) by household id."""
    if not household_ids:
        return {}
    keys = ", ".join(GROUP_FLAG_KEYS)
    marks = ", ".join("?" for _ in household_ids)
    rows = db.query(f"SELECT id, {keys} FROM households WHERE id IN ({marks})", list(household_ids))
    return {row["id"]: {key: bool(row[key]) for key in GROUP_FLAG_KEYS} for row in rows}


def household_address(db: sqlite_utils.Database, household_id: int) -> str | None:
    """The household's address as written (house number, street), None when not written."""
    row = db.execute("SELECT address FROM households WHERE id = ?", [household_id]).fetchone()
    return row[0] if row else None


def stored_household(db: sqlite_utils.Database, household_id: int) -> dict[str, Any]:
    """The household's fields (HOUSEHOLD_FIELDS), flags as booleans, lists decoded."""
    row = db.table("households").get(household_id)
    stored = {key: row[key] for key in HOUSEHOLD_FIELDS}
    for key in HOUSEHOLD_BOOLEANS:
        stored[key] = None if stored[key] is None else bool(stored[key])
    for key in HOUSEHOLD_LISTS:
        stored[key] = json.loads(stored[key])
    return stored


def households_on_lists(db: sqlite_utils.Database, year: int) -> list[tuple[int, int, str]]:
    """(household id, village id, status) of the households on a year's poor and near-poor
    lists, by household id."""
    return db.execute(
        "SELECT s.household_id, h.village_id, s.status FROM household_status s "
        "JOIN households h ON h.id = s.household_id "
        "WHERE s.year = ? AND s.status IN ('poor', 'near_poor') ORDER BY s.household_id",
        [year],
    ).fetchall()


def status_history(db: sqlite_utils.Database, household_id: int) -> list[dict[str, Any]]:
    """The household's yearly statuses, oldest year first."""
    return list(
        db.query(
            "SELECT * FROM household_status WHERE household_id = ? ORDER BY year", [household_id]
        )
    )


def save_household(
    cdb: CommuneDatabase,
    household_id: int | None,
    changes: Mapping[str, Any],
    roster: Sequence[tuple[int | None, Mapping[str, Any]]],
    removed: list[int] | None = None,
) -> int:
    """Save an edited household in one transaction; return its id.

    ``household_id`` None adds a new household with ``changes`` as its fields. Otherwise
    ``changes`` holds the household fields that changed, ``roster`` (member id or None for
    a new member, changed fields) the members in roster order, and ``removed`` the ids of
    members taken off the roster.
    """
    if household_id is None:
        return add_household(cdb, changes, [fields for _, fields in roster])
    with cdb.transaction() as db:
        query = "SELECT id FROM members WHERE household_id = ?"
        ids = {row[0] for row in db.execute(query, [household_id]).fetchall()}
        strangers = [
            member_id
            for member_id in [*(removed or []), *(member_id for member_id, _ in roster)]
            if member_id is not None and member_id not in ids
        ]
        if strangers:
            raise DatabaseError(
                tr(
                    "Thành viên mã {member} không thuộc hộ mã {household}",
                    member=strangers[0],
                    household=household_id,
                )
            )
        for removed_id in removed or []:
            remove_member(cdb, removed_id)
        if changes:
            update_household(cdb, household_id, changes)
        for member_id, fields in roster:
            if member_id is None:
                add_member(cdb, household_id, fields)
            elif fields:
                update_member(cdb, member_id, fields)
        return household_id
