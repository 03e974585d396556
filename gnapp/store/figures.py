"""Counts behind the progress reports' figures, straight from the database (docs/figures.md).

The commune and its villages now, and the shapes of the counts; the lists at a point in time
(the households present and their status in force on a date, with their members then) are
counted by gnapp.store.as_of (``counts_on``, in the shapes here). Budgets and targets by
year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from gnapp.store.date_range import DateRange
from gnapp.store.household_query import GROUPS
from gnapp.store.presence import present_now
from gnapp.store.programme import budget_sums
from gnapp.store.register import get_commune

_VILLAGE_ORDER = "v.area = 'rural', v.name_sort_key, v.id"
_MEMBERS_OF = "(SELECT count(*) FROM members m WHERE m.household_id = {})"
_ETHNIC_MINORITY = GROUPS["ethnic_minority"]
_PRESENT = present_now("h")


@dataclass(frozen=True)
class CommuneCounts:
    name: str
    kind: str
    villages: int
    rural_villages: int
    urban_villages: int
    households: int
    members: int


def commune_counts(db: sqlite_utils.Database) -> CommuneCounts:
    """The commune now: its villages by area, the households in it and their members."""
    commune = get_commune(db) or {"name": "", "kind": "xa"}
    row = db.execute(
        f"""SELECT (SELECT count(*) FROM villages),
                  (SELECT count(*) FROM villages WHERE area = 'rural'),
                  (SELECT count(*) FROM villages WHERE area = 'urban'),
                  (SELECT count(*) FROM households h WHERE {_PRESENT}),
                  (SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id
                   WHERE {_PRESENT})"""
    ).fetchone()
    return CommuneCounts(commune["name"], commune["kind"], *row)


@dataclass(frozen=True)
class VillageCounts:
    """A village now: households, members and ethnic-minority households."""

    village_id: int
    code: str
    name: str
    area: str
    households: int
    members: int
    ethnic_minority_households: int


def village_counts(db: sqlite_utils.Database) -> list[VillageCounts]:
    """Every village, urban before rural, each in Vietnamese order (the households in the
    commune now)."""
    sql = f"""
        SELECT v.id AS village_id, v.code, v.name, v.area,
               count(h.id) AS households,
               coalesce(sum({_MEMBERS_OF.format("h.id")}), 0) AS members,
               coalesce(sum({_ETHNIC_MINORITY}), 0) AS ethnic_minority_households
        FROM villages v LEFT JOIN households h ON h.village_id = v.id AND {_PRESENT}
        GROUP BY v.id ORDER BY {_VILLAGE_ORDER}"""
    return [VillageCounts(**row) for row in db.query(sql)]


@dataclass(frozen=True)
class ListCounts:
    """One village's households on one list (``status``: poor or near_poor)."""

    village_id: int
    status: str
    households: int
    members: int
    ethnic_minority: int


@dataclass(frozen=True)
class MovementCounts:
    """One village's households (and their members) that made one movement (as_of)."""

    village_id: int
    movement: str
    households: int
    members: int


@dataclass(frozen=True)
class GroupCounts:
    """Households on one list in one group (a key of GROUPS, "other" for none, "total")."""

    status: str
    group: str
    households: int
    members: int


@dataclass(frozen=True)
class HouseholdServiceCounts:
    """Households on the lists: how many answered each question and how many have the service."""

    households: int
    water_known: int
    safe_water: int
    latrine_known: int
    hygienic_latrine: int
    information_known: int
    information_access: int


@dataclass(frozen=True)
class ServiceDefinitions:
    """What counts as safe water, a hygienic latrine and a device giving access to
    information (a standard's indicator parameters)."""

    safe_water: Sequence[str]
    hygienic_latrines: Sequence[str]
    devices: Sequence[str]


@dataclass(frozen=True)
class ListedMember:
    """A member of a household on the poor or near-poor list, with the answers services need."""

    birth_date: str
    sex: str
    has_health_insurance: int | None
    schooling: str | None
    vocational_certificate: str | None


@dataclass(frozen=True)
class BudgetCounts:
    """Budget of one project (or sub-project) and funding source over a range of days (đồng):
    allocated in its years, disbursed on its days, and (a part of a year) ``undated``: paid in
    its year on a day not recorded, not counted in ``disbursed``."""

    programme_id: str
    project_code: str
    funding_source: str
    allocated: int
    disbursed: int
    undated: int


def budget_counts(db: sqlite_utils.Database, days: DateRange) -> list[BudgetCounts]:
    """Allocated and disbursed per programme, project and funding source over a range of days
    (``budget_sums``)."""
    return [
        BudgetCounts(
            row["programme_id"],
            row["project_code"],
            row["funding_source"],
            row["allocated"],
            row["disbursed"],
            row["undated"],
        )
        for row in budget_sums(db, days, ("programme_id", "project_code", "funding_source"))
    ]


def target_rows(db: sqlite_utils.Database, years: Iterable[int]) -> list[dict[str, Any]]:
    """The yearly targets of the given years (not a whole period's), oldest year first, in the
    order they were set."""
    chosen = sorted(set(years))
    marks = ", ".join("?" for _ in chosen)
    return list(
        db.query(
            f"SELECT * FROM targets WHERE year IN ({marks}) AND period IS NULL ORDER BY year, id",
            chosen,
        )
    )
