"""A recognised year's official totals, frozen (docs/register-history.md).

When the chair recognises a year's periodic review, the year's totals as the decision states
them — households, members, poor, near-poor and average households, the persons of the poor
and near-poor, per village and for the commune — are written once. Every later report of that
year quotes them, whatever the register has become since; only a correction decision replaces
them, and the replaced set stays on record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

import sqlite_utils

from gnapp.core.vietnamese import format_date
from gnapp.i18n import tr
from gnapp.store.as_of import year_list_figures
from gnapp.store.database import CommuneDatabase, inserted_id
from gnapp.store.errors import DatabaseError
from gnapp.store.overview import VillageFigures, commune_total

_COUNTS = (
    "households",
    "members",
    "poor",
    "near_poor",
    "average",
    "poor_members",
    "near_poor_members",
)


class TotalsError(DatabaseError):
    """Official totals that cannot be written (the message is Vietnamese)."""


@dataclass(frozen=True)
class OfficialTotals:
    """The official totals of a year in force: by village and for the commune, with the
    decision that set them; ``corrected`` when a correction decision replaced the
    recognition's (``recognition_number`` / ``recognition_date`` name that one)."""

    year: int
    decision_number: str
    decision_date: str
    corrected: bool
    reason: str | None
    recognition_number: str
    recognition_date: str
    villages: tuple[VillageFigures, ...]
    commune: VillageFigures


def _current(db: sqlite_utils.Database, year: int) -> dict | None:
    rows = list(
        db.query("SELECT * FROM official_totals WHERE year = ? AND replaced_by IS NULL", [year])
    )
    return rows[0] if rows else None


def _write(
    cdb: CommuneDatabase,
    year: int,
    kind: str,
    decision_number: str,
    decision_date: str,
    rows: Sequence[VillageFigures],
    *,
    round_id: int | None = None,
    reason: str | None = None,
) -> int:
    db = cdb.db
    table = db.table("official_totals")
    table.insert(
        {
            "year": year,
            "round_id": round_id,
            "kind": kind,
            "decision_number": decision_number,
            "decision_date": decision_date,
            "reason": reason,
            "recorded_by": cdb.actor,
            "recorded_at": cdb.now(),
        }
    )
    totals_id = inserted_id(table)
    db.table("official_total_rows").insert_all(
        {"totals_id": totals_id, **asdict(row)} for row in [*rows, commune_total(list(rows))]
    )
    return totals_id


def _checked(number: str, day: date | str, what: str) -> tuple[str, str]:
    if not number or not number.strip():
        raise TotalsError(tr("Cần số {what}.", what=what))
    try:
        text = day.isoformat() if isinstance(day, date) else date.fromisoformat(day).isoformat()
    except ValueError as error:
        raise TotalsError(tr("Ngày {what} “{day}” không hợp lệ.", what=what, day=day)) from error
    return number.strip(), text


def freeze_official_totals(
    cdb: CommuneDatabase,
    year: int,
    decision_number: str,
    decision_date: date | str,
    *,
    round_id: int | None = None,
) -> OfficialTotals:
    """Freeze ``year``'s official totals at its recognition: the year's list over the
    households and members present on the decision date. Refused when the year has them."""
    number, day = _checked(decision_number, decision_date, tr("quyết định công nhận"))
    with cdb.transaction() as db:
        found = _current(db, year)
        if found is not None:
            raise TotalsError(
                tr(
                    "Số liệu chính thức năm {year} đã chốt theo Quyết định số {number} ngày "
                    "{day}: chỉ một quyết định điều chỉnh thay đổi được.",
                    year=year,
                    number=found["decision_number"],
                    day=format_date(date.fromisoformat(found["decision_date"])),
                )
            )
        rows = year_list_figures(db, year, day)
        _write(cdb, year, "recognition", number, day, rows, round_id=round_id)
    totals = official_totals(cdb.db, year)
    assert totals is not None
    return totals


def correct_official_totals(
    cdb: CommuneDatabase,
    year: int,
    decision_number: str,
    decision_date: date | str,
    reason: str,
    villages: Sequence[VillageFigures] | None = None,
) -> OfficialTotals:
    """Replace ``year``'s official totals by a correction decision: ``villages`` as the
    decision states them, or by default the year's list as it stands now (after the
    corrections of statuses) over the households present on the recognition's date. The
    replaced set stays on record; the reports say the totals were corrected."""
    number, day = _checked(decision_number, decision_date, tr("quyết định điều chỉnh"))
    if not reason or not reason.strip():
        raise TotalsError(tr("Cần ghi lý do điều chỉnh số liệu chính thức."))
    with cdb.transaction() as db:
        found = _current(db, year)
        if found is None:
            raise TotalsError(tr("Năm {year} chưa có số liệu chính thức để điều chỉnh.", year=year))
        if day < found["decision_date"]:
            raise TotalsError(
                tr(
                    "Ngày quyết định điều chỉnh phải từ ngày {day} trở đi.",
                    day=format_date(date.fromisoformat(found["decision_date"])),
                )
            )
        first = _first(db, year)
        rows = (
            list(villages)
            if villages is not None
            else year_list_figures(db, year, first["decision_date"])
        )
        # the replaced set first leaves the current place, then points to its successor
        db.table("official_totals").update(found["id"], {"replaced_by": found["id"]})
        new_id = _write(
            cdb, year, "correction", number, day, rows, round_id=found["round_id"],
            reason=reason.strip(),
        )  # fmt: skip
        db.table("official_totals").update(found["id"], {"replaced_by": new_id})
    totals = official_totals(cdb.db, year)
    assert totals is not None
    return totals


def _first(db: sqlite_utils.Database, year: int) -> dict:
    return next(
        iter(
            db.query(
                "SELECT * FROM official_totals WHERE year = ? AND kind = 'recognition' "
                "ORDER BY id LIMIT 1",
                [year],
            )
        )
    )


def official_totals(db: sqlite_utils.Database, year: int) -> OfficialTotals | None:
    """The official totals of ``year`` in force (None: the year was not recognised)."""
    found = _current(db, year)
    if found is None:
        return None
    first = _first(db, year)
    columns = ", ".join(_COUNTS)
    rows = [
        VillageFigures(**row)
        for row in db.query(
            f"SELECT village_id, name, area, {columns} FROM official_total_rows "
            "WHERE totals_id = ? ORDER BY id",
            [found["id"]],
        )
    ]
    return OfficialTotals(
        year=year,
        decision_number=found["decision_number"],
        decision_date=found["decision_date"],
        corrected=found["kind"] == "correction",
        reason=found["reason"],
        recognition_number=first["decision_number"],
        recognition_date=first["decision_date"],
        villages=tuple(rows[:-1]),
        commune=rows[-1],
    )


def official_years(db: sqlite_utils.Database) -> list[int]:
    """The years with official totals, oldest first."""
    rows = db.execute(
        "SELECT DISTINCT year FROM official_totals WHERE replaced_by IS NULL ORDER BY year"
    )
    return [row[0] for row in rows]
