"""Undoing a batch of changes (an import, say) from the change log.

Every change made inside ``CommuneDatabase.batch()`` is tagged in the change
log with the batch's id. Undoing replays those entries backwards in one new
batch of its own (kind "undo", so the undo is logged and can be seen): inserted
rows are deleted, updated columns get their old values back, deleted rows are put
back whole. It refuses when a row of the batch, or a household the batch added, was changed
afterwards by anything else, since undoing would silently throw that later work away.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from gnapp.core.vietnamese import fold, format_timestamp, text_sort_key
from gnapp.i18n import tr
from gnapp.progress import Progress
from gnapp.store import register
from gnapp.store.changelog import (
    INSERT_ROWS,
    MANY_HOUSEHOLDS_RUN,
    RUN_HOUSEHOLDS,
    Change,
    change_from_row,
    each_row,
    run_household_among,
)
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError

# Batches whose changes no longer stand: undone, and the undos themselves. What they did to a
# row since a batch cancels out, so it is not later work that stops undoing that batch.
IMPORT_KIND = "import"  # an import's batch (gnapp.importers.apply)
UNDONE_BATCHES = "SELECT id FROM batches WHERE undone_at IS NOT NULL OR undo_of IS NOT NULL"
# The last row a log row covers: a bulk insert's last, any other row its own.
_LAST_ROW = (
    f"CASE action WHEN '{INSERT_ROWS}' THEN json_extract(new_values, '$.last') ELSE row_id END"
)
# How many rows of its table a log row changed.
_ROWS = f"({_LAST_ROW} - row_id + 1)"


@dataclass(frozen=True)
class Batch:
    id: int
    kind: str
    label: str
    source: str | None
    actor: str
    started_at: str
    undone_at: str | None
    undone_by: str | None
    changes: int


def batches(db: sqlite_utils.Database, kind: str | None = None) -> list[Batch]:
    """Batches, newest first, with how many changes each made."""
    where, params = ("WHERE b.kind = ?", [kind]) if kind else ("", [])
    rows = db.query(
        f"""SELECT b.id, b.kind, b.label, b.source, b.actor, b.started_at, b.undone_at,
                   b.undone_by, coalesce(sum(c.rows), 0) AS changes
            FROM batches b LEFT JOIN (SELECT batch_id, {_ROWS} AS rows FROM change_log) c
              ON c.batch_id = b.id
            {where} GROUP BY b.id ORDER BY b.id DESC""",
        params,
    )
    return [Batch(**row) for row in rows]


def batch_labels(db: sqlite_utils.Database, kind: str) -> dict[int, str]:
    """The label of each batch of one kind (an import's: its file's name), by id."""
    return dict(db.execute("SELECT id, label FROM batches WHERE kind = ?", [kind]).fetchall())


def _entries(db: sqlite_utils.Database, batch_id: int) -> list[Change]:
    """The batch's changes, newest first, each row of a bulk insert one; an insert's new values
    are left out (undoing it only needs the row)."""
    rows = db.query(
        """SELECT id, at, actor, table_name, row_id, household_id, action, old_values,
                  CASE action WHEN 'insert' THEN NULL ELSE new_values END AS new_values, batch_id
           FROM change_log WHERE batch_id = ? ORDER BY id DESC""",
        [batch_id],
    )
    changes = each_row(db, [change_from_row(row) for row in rows], with_values=False)
    # a bulk insert's rows newest first too, like the rest
    return sorted(changes, key=lambda change: (change.id or 0, change.row_id), reverse=True)


def _later_change(
    db: sqlite_utils.Database, batch_id: int, keep: str | None
) -> dict[str, Any] | None:
    rows = list(
        db.query(
            f"""SELECT later.* FROM change_log later
               JOIN (SELECT table_name, row_id, {_LAST_ROW} AS last_row, max(id) AS last_id
                     FROM change_log WHERE batch_id = :batch
                     GROUP BY table_name, row_id, last_row) mine
                 ON later.table_name = mine.table_name
                AND later.row_id BETWEEN mine.row_id AND mine.last_row
                AND later.id > mine.last_id
               WHERE later.batch_id IS NOT :batch
                 AND coalesce(later.batch_id, 0) NOT IN ({UNDONE_BATCHES})
                 AND later.table_name IS NOT :keep
               ORDER BY later.id LIMIT 1""",
            {"batch": batch_id, "keep": keep},
        )
    )
    return rows[0] if rows else None


def _later_change_to_its_households(
    db: sqlite_utils.Database, batch_id: int, keep: str | None
) -> dict[str, Any] | None:
    """A change made afterwards to a household the batch added, in a row of its own (a status
    set, a member added, a benefit recorded): undoing would pull the household from under it."""
    added = f"""SELECT household_id FROM change_log
                 WHERE batch_id = :batch AND table_name = 'households'
                   AND action IN ('insert', '{INSERT_ROWS}') AND household_id IS NOT NULL
                UNION ALL SELECT value FROM change_log,
                       json_each(new_values, '$.{RUN_HOUSEHOLDS}')
                 WHERE batch_id = :batch AND table_name = 'households'
                   AND {MANY_HOUSEHOLDS_RUN}"""
    not_undone = f"""batch_id IS NOT :batch
                 AND coalesce(batch_id, 0) NOT IN ({UNDONE_BATCHES})
                 AND table_name IS NOT :keep"""
    columns = "id, at, actor, table_name, row_id"
    rows = list(
        db.query(
            f"""SELECT * FROM (
                   SELECT {columns}, household_id FROM change_log
                    WHERE household_id IN ({added}) AND {not_undone}
                   UNION ALL
                   SELECT {columns}, {run_household_among(added)} AS household_id
                     FROM change_log
                    WHERE {MANY_HOUSEHOLDS_RUN}
                      AND id > (SELECT min(id) FROM change_log WHERE batch_id = :batch)
                      AND {not_undone})
               WHERE household_id IS NOT NULL ORDER BY id LIMIT 1""",
            {"batch": batch_id, "keep": keep},
        )
    )
    return rows[0] if rows else None


def _describe(db: sqlite_utils.Database, entry: dict[str, Any]) -> str:
    if entry["household_id"] is not None:
        row = db.execute("SELECT code FROM households WHERE id = ?", [entry["household_id"]])
        found = row.fetchone()
        what = (
            tr("hộ {code}", code=found[0]) if found else tr("hộ mã {id}", id=entry["household_id"])
        )
    else:
        what = tr("bảng {table}, dòng {row}", table=entry["table_name"], row=entry["row_id"])
    return tr(
        "{what} đã được sửa sau đó (lúc {at}, bởi {actor})",
        what=what,
        at=format_timestamp(entry["at"]),
        actor=entry["actor"],
    )


def _revert(db: sqlite_utils.Database, entry: Change) -> None:
    if entry.action == "insert":
        db.execute(f'DELETE FROM "{entry.table_name}" WHERE rowid = ?', [entry.row_id])
    elif entry.action == "update":
        old_values = entry.old_values or {}
        assignments = ", ".join(f'"{column}" = ?' for column in old_values)
        if assignments:
            db.execute(
                f'UPDATE "{entry.table_name}" SET {assignments} WHERE rowid = ?',
                [*old_values.values(), entry.row_id],
            )
    else:  # the row whole, but for a column dropped since it was logged
        table = db.table(entry.table_name)
        old = entry.old_values or {}
        table.insert({column: old[column] for column in table.columns_dict if column in old})


def _revert_all(
    db: sqlite_utils.Database, entries: list[Change], progress: Progress | None = None
) -> None:
    """Revert the entries in their order; a run of inserts into one table (an import's rows)
    is deleted with one statement per 10,000 rows instead of one per row."""
    done = 0
    for (table, action), run in itertools.groupby(entries, lambda e: (e.table_name, e.action)):
        if progress is not None:
            progress(done, len(entries), tr("Đang hoàn tác…"))
        if action != "insert":
            for entry in run:
                _revert(db, entry)
                done += 1
            continue
        rows = [entry.row_id for entry in run]
        for start in range(0, len(rows), 10_000):
            db.execute(
                f'DELETE FROM "{table}" WHERE rowid IN (SELECT value FROM json_each(?))',
                [json.dumps(rows[start : start + 10_000])],
            )
            done += len(rows[start : start + 10_000])
            if progress is not None:
                progress(done, len(entries), tr("Đang hoàn tác…"))


def _refresh_derived(db: sqlite_utils.Database, entries: list[Change]) -> None:
    """Recompute search and sort keys of the rows the undo touched (they are not logged); rows
    whose insert was undone are gone, but their households may remain."""
    for entry in entries:
        if entry.action == "insert":
            continue
        if entry.table_name == "members":
            row = db.execute(
                "SELECT full_name FROM members WHERE id = ?", [entry.row_id]
            ).fetchone()
            if row:
                db.table("members").update(entry.row_id, {"name_fold": fold(row[0])})
        elif entry.table_name == "villages":
            row = db.execute("SELECT name FROM villages WHERE id = ?", [entry.row_id]).fetchone()
            if row:
                db.table("villages").update(
                    entry.row_id,
                    {"name_fold": fold(row[0]), "name_sort_key": text_sort_key(row[0])},
                )
    households = sorted({e.household_id for e in entries if e.household_id is not None})
    remaining = db.execute(
        "SELECT id FROM households WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(households)],
    ).fetchall()
    for (household_id,) in remaining:
        register.refresh_household_keys(db, household_id)


def undo_batch(
    cdb: CommuneDatabase,
    batch_id: int,
    progress: Progress | None = None,
    *,
    keep: str | None = None,
) -> int:
    """Undo every change of a batch; return the id of the undo's own batch. ``progress`` may
    stop it (Cancelled), and then nothing is undone. The rows of table ``keep`` stay as they
    are, and later changes to that table do not stop the undo (the register's events: the
    record of what was undone; gnapp.store.events checks what depends on them)."""
    db = cdb.db
    found = list(db.query("SELECT * FROM batches WHERE id = ?", [batch_id]))
    if not found:
        raise DatabaseError(tr("Không tìm thấy lô thay đổi số {id}", id=batch_id))
    batch = found[0]
    if batch["undone_at"]:
        raise DatabaseError(
            tr(
                "Lô '{label}' đã được hoàn tác lúc {at} bởi {actor}.",
                label=batch["label"],
                at=format_timestamp(batch["undone_at"]),
                actor=batch["undone_by"],
            )
        )
    later = _later_change(db, batch_id, keep) or _later_change_to_its_households(db, batch_id, keep)
    if later is not None:
        raise DatabaseError(
            tr(
                "Không thể hoàn tác lô '{label}': {reason}. Hãy sửa tay các hộ đó, hoặc hoàn tác "
                "các thay đổi sau trước.",
                label=batch["label"],
                reason=_describe(db, later),
            )
        )
    entries = [entry for entry in _entries(db, batch_id) if entry.table_name != keep]
    # the batch's label is stored in the change log, so it stays as the commune's books write it
    with cdb.batch("undo", f"Hoàn tác: {batch['label']}", undo_of=batch_id) as undo_id:
        _revert_all(db, entries, progress)
        _refresh_derived(db, entries)
        db.table("batches").update(batch_id, {"undone_at": cdb.now(), "undone_by": cdb.actor})
    return undo_id


def batch_summary(db: sqlite_utils.Database, batch_id: int) -> dict[str, dict[str, int]]:
    """How many rows of each table a batch inserted, updated and deleted."""
    summary: dict[str, dict[str, int]] = {}
    for table, action, count in db.execute(
        f"SELECT table_name, CASE action WHEN '{INSERT_ROWS}' THEN 'insert' ELSE action END, "
        f"sum({_ROWS}) FROM change_log WHERE batch_id = ? GROUP BY 1, 2",
        [batch_id],
    ):
        summary.setdefault(table, {})[action] = count
    return summary
