"""Writing an import plan to the register as one batch, and undoing past imports."""

from __future__ import annotations

from dataclasses import dataclass

from gnapp.i18n import tr
from gnapp.importers.plan import ImportPlan, paused_cycle_collection, remember_mapping
from gnapp.progress import Progress
from gnapp.store import register
from gnapp.store.batches import IMPORT_KIND, Batch, batch_summary, batches, undo_batch
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError

BATCH_KIND = IMPORT_KIND


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    households: int
    members: int
    villages: int  # created
    statuses: int  # yearly statuses recorded


def _village_code(taken: set[str]) -> str:
    number = len(taken) + 1
    while f"T{number:02d}" in taken:
        number += 1
    code = f"T{number:02d}"
    taken.add(code)
    return code


@paused_cycle_collection()
def apply_plan(
    cdb: CommuneDatabase, plan: ImportPlan, progress: Progress | None = None
) -> ImportResult:
    """Import the plan's households in one batch: all of them, or (on an error or Cancelled
    from ``progress``) none. The mapping is then remembered for files of the same shape."""
    todo = plan.to_import()
    total = len(todo)
    members = statuses = 0
    # The mapping is remembered in the import's transaction (both kept or neither) but not in
    # its batch: a later import changing it must not stop this one's undo.
    with cdb.transaction():
        with cdb.batch(BATCH_KIND, plan.source.name, source=str(plan.source)) as batch_id:
            village_ids = dict(plan.existing_villages)
            taken = {village["code"] for village in register.villages(cdb.db)}
            needed = {h.village_key for h in todo} - set(village_ids)
            for key in sorted(needed):
                area = plan.village_areas.get(key, "rural")
                village_ids[key] = register.add_village(
                    cdb, _village_code(taken), plan.new_villages[key], area
                )
            ids = register.add_households(
                cdb,
                (
                    (
                        {**h.fields, "code": h.code, "village_id": village_ids[h.village_key]},
                        h.members,
                    )
                    for h in todo
                ),
                None
                if progress is None
                else lambda done: progress(done, total, tr("Đang nhập hộ…")),
            )
            for household_id, household in zip(ids, todo, strict=True):
                members += len(household.members)
                if household.status is not None:
                    register.set_status(cdb, household_id, plan.status_year, household.status)
                    statuses += 1
            if progress is not None:
                progress(total, total, tr("Đang lưu…"))
        remember_mapping(cdb, plan.header, plan.mapping)
    return ImportResult(batch_id, total, members, len(needed), statuses)


def import_batches(cdb: CommuneDatabase) -> list[Batch]:
    """Past imports, newest first."""
    return batches(cdb.db, BATCH_KIND)


def undo_import(cdb: CommuneDatabase, batch_id: int, progress: Progress | None = None) -> int:
    """Undo an import batch (refused for other kinds of batch); return the undo's batch id."""
    if not any(batch.id == batch_id for batch in import_batches(cdb)):
        raise DatabaseError(tr("Lô số {batch} không phải một lần nhập dữ liệu.", batch=batch_id))
    return undo_batch(cdb, batch_id, progress)


def imported_counts(cdb: CommuneDatabase, batch_id: int) -> tuple[int, int]:
    """How many households and members an import batch added."""
    summary = batch_summary(cdb.db, batch_id)
    return (
        summary.get("households", {}).get("insert", 0),
        summary.get("members", {}).get("insert", 0),
    )
