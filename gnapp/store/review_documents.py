"""What the review's documents read besides the round's households (gnapp.review.documents):
the households' groups and addresses, the village meetings and their votes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlite_utils

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


def round_year(db: sqlite_utils.Database, round_id: int) -> int | None:
    """The year of the review round, None when there is no such round."""
    row = db.execute("SELECT year FROM review_rounds WHERE id = ?", [round_id]).fetchone()
    return row[0] if row else None


def village_meetings(
    db: sqlite_utils.Database, round_id: int, village_id: int
) -> list[dict[str, Any]]:
    """The meetings a village held in the round, in the order they were held."""
    return list(
        db.query(
            "SELECT * FROM village_meetings WHERE round_id = ? AND village_id = ? "
            "ORDER BY held_on, id",
            [round_id, village_id],
        )
    )


def villages_that_met(db: sqlite_utils.Database, round_id: int) -> list[int]:
    """The villages that held a meeting in the round, in the order of their names."""
    return [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT m.village_id FROM village_meetings m JOIN villages v "
            "ON v.id = m.village_id WHERE m.round_id = ? ORDER BY v.name_sort_key",
            [round_id],
        )
    ]


def meeting_votes(db: sqlite_utils.Database, meeting_id: int) -> list[dict[str, Any]]:
    """A meeting's votes with each household's code and head, in the order of the heads'
    names."""
    return list(
        db.query(
            "SELECT v.*, h.code, h.head_name FROM meeting_votes v "
            "JOIN households h ON h.id = v.household_id WHERE v.meeting_id = ? "
            "ORDER BY h.head_sort_key, h.id",
            [meeting_id],
        )
    )
