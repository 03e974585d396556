"""The votes of a review meeting, household by household (the review's other tables are in
gnapp/store/review.py)."""

from __future__ import annotations

from typing import NamedTuple

import sqlite_utils


class MeetingVote(NamedTuple):
    """One household's vote at a meeting: how many agreed of how many voted, and the outcome
    ("agreed", "returned" or None)."""

    household_code: str
    agreed: int
    voting: int
    outcome: str | None


def meeting_votes(db: sqlite_utils.Database, meeting_id: int) -> list[MeetingVote]:
    """The votes of the meeting, in the order they were recorded."""
    rows = db.execute(
        "SELECT h.code, v.agreed, v.attendees, v.outcome FROM meeting_votes v "
        "JOIN households h ON h.id = v.household_id WHERE v.meeting_id = ? ORDER BY v.id",
        [meeting_id],
    ).fetchall()
    return [MeetingVote(*row) for row in rows]
