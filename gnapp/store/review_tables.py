"""Counts behind the review's summary tables that the progress reports' counts
(gnapp.store.figures) do not give: households of average living standard, the listed
households' questionnaires, heads' ethnicity, causes of poverty and children
(docs/review-tables.md).

"Listed" means on the poor or near-poor list of the year (``household_status`` of that year, as
the recognition wrote it). The counts of members and of average households as of the round's
decision are gnapp.store.as_of's (``year_list_households_on``, ``year_list_members_on``,
``status_counts_on``).
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
    """One village's households (and their members) of one status (as_of.status_counts_on)."""

    village_id: int
    households: int
    members: int


@dataclass(frozen=True)
class ListedHousehold:
    """A household on a list of the year, with its head's ethnicity, causes of poverty and the
    answers of its complete Phiếu B in the round as stored (either form: read them with
    gnapp.store.answers.decode_answers; None when it has none) (as_of.year_list_households_on)."""

    household_id: int
    code: str
    village_id: int
    status: str
    head_ethnicity: str | None
    causes: str  # JSON list
    answers: str | None  # as stored: plain JSON or compact


@dataclass(frozen=True)
class ListedMember:
    """A member of a household on a list of the year, with the answers the children's table
    needs (as_of.year_list_members_on)."""

    village_id: int
    status: str
    birth_date: str
    has_health_insurance: int | None
    malnourished: int | None
    schooling: str | None
