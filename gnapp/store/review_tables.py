"""Counts behind the review's summary tables that the progress reports' counts
(gnapp.store.figures) do not give: households of average living standard, the listed
households' questionnaires, heads' ethnicity, causes of poverty and children
(docs/review-tables.md).

"Listed" means on the poor or near-poor list of the year (``household_status`` of that year, as
the recognition wrote it). Members are counted as the register holds them now, as in
gnapp.store.figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from gnapp.core.movements import LISTED

_LISTED_IN = ", ".join(f"'{status}'" for status in LISTED)
_MEMBERS_OF = "(SELECT count(*) FROM members m WHERE m.household_id = h.id)"


def year_has_statuses(db: sqlite_utils.Database, year: int) -> bool:
    return (
        db.execute("SELECT 1 FROM household_status WHERE year = ? LIMIT 1", [year]).fetchone()
        is not None
    )


@dataclass(frozen=True)
class StatusCount:
    """One village's households (and their members) of one status in a year."""

    village_id: int
    households: int
    members: int


def status_counts(db: sqlite_utils.Database, year: int, status: str) -> list[StatusCount]:
    """Households of ``status`` (e.g. "average") in ``year``, by village."""
    sql = f"""
        SELECT h.village_id, count(*) AS households, sum({_MEMBERS_OF}) AS members
        FROM household_status s JOIN households h ON h.id = s.household_id
        WHERE s.year = :year AND s.status = :status
        GROUP BY h.village_id"""
    return [StatusCount(**row) for row in db.query(sql, {"year": year, "status": status})]


@dataclass(frozen=True)
class ListedHousehold:
    """A household on a list of the year, with its head's ethnicity, causes of poverty and the
    answers of its complete Phiếu B in the round (None when it has none)."""

    household_id: int
    code: str
    village_id: int
    status: str
    head_ethnicity: str | None
    causes: str  # JSON list
    answers: str | None


def listed_households(db: sqlite_utils.Database, year: int, round_id: int) -> list[ListedHousehold]:
    sql = f"""
        SELECT h.id AS household_id, h.code, h.village_id, s.status,
               (SELECT m.ethnicity FROM members m
                WHERE m.household_id = h.id AND m.relation = 'head'
                ORDER BY m.position LIMIT 1) AS head_ethnicity,
               h.causes_of_poverty AS causes,
               (SELECT q.answers FROM questionnaires q
                WHERE q.round_id = :round AND q.household_id = h.id AND q.form = 'B'
                  AND q.state = 'complete') AS answers
        FROM household_status s JOIN households h ON h.id = s.household_id
        WHERE s.year = :year AND s.status IN ({_LISTED_IN})
        ORDER BY h.id"""
    return [ListedHousehold(**row) for row in db.query(sql, {"year": year, "round": round_id})]


@dataclass(frozen=True)
class ListedMember:
    """A member of a household on a list of the year, with the answers the children's table
    needs."""

    village_id: int
    status: str
    birth_date: str
    has_health_insurance: int | None
    malnourished: int | None
    schooling: str | None


def listed_members(db: sqlite_utils.Database, year: int) -> list[ListedMember]:
    sql = f"""
        SELECT h.village_id, s.status, m.birth_date, m.has_health_insurance, m.malnourished,
               m.schooling
        FROM household_status s
        JOIN households h ON h.id = s.household_id
        JOIN members m ON m.household_id = h.id
        WHERE s.year = :year AND s.status IN ({_LISTED_IN})"""
    return [ListedMember(**row) for row in db.query(sql, {"year": year})]
