"""The later steps of a review round as stored: village meetings and their votes, the public
posting, complaints and their re-checks, corrections after the decision (storage only: the
rules live in gnapp.review.workflow)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from gnapp.store.database import CommuneDatabase

# --- village meetings -------------------------------------------------------------------------


@dataclass(frozen=True)
class Vote:
    """A meeting's vote on one household: how many agreed of those voting, the outcome
    ("agreed" or "returned") and the class voted on."""

    household_id: int
    agreed: int
    voting: int
    outcome: str
    class_code: str | None


def add_meeting(
    cdb: CommuneDatabase,
    round_id: int,
    village_id: int,
    votes: Sequence[Vote],
    *,
    held_on: str,
    attendee_count: int,
    place: str | None = None,
    chair: str | None = None,
    secretary: str | None = None,
    attendees: Mapping[str, int] | None = None,
    represented_households: int | None = None,
    note: str | None = None,
) -> int:
    """Insert a village meeting with its votes; return its id."""
    with cdb.transaction() as db:
        table = db["village_meetings"]
        table.insert(
            {
                "round_id": round_id,
                "village_id": village_id,
                "held_on": held_on,
                "place": place,
                "chair": chair,
                "secretary": secretary,
                "attendees": json.dumps(dict(attendees or {}), ensure_ascii=False),
                "attendee_count": attendee_count,
                "represented_households": represented_households,
                "note": note,
            }
        )
        meeting_id = table.last_pk
        for vote in votes:
            db["meeting_votes"].insert(
                {
                    "meeting_id": meeting_id,
                    "household_id": vote.household_id,
                    "agreed": vote.agreed,
                    "attendees": vote.voting,
                    "outcome": vote.outcome,
                    "class_code": vote.class_code,
                }
            )
        return meeting_id


def last_meeting_date(db: sqlite_utils.Database, round_id: int) -> str | None:
    """The date of the round's latest village meeting (None: no meeting yet)."""
    row = db.execute(
        "SELECT max(held_on) FROM village_meetings WHERE round_id = ?", [round_id]
    ).fetchone()
    return row[0]


# --- the public posting -------------------------------------------------------------------------


def posting(db: sqlite_utils.Database, round_id: int) -> dict[str, Any] | None:
    """The round's posting (starts_on, ends_on, places), or None."""
    rows = list(db.query("SELECT * FROM postings WHERE round_id = ?", [round_id]))
    return rows[0] if rows else None


def replace_posting(
    cdb: CommuneDatabase, round_id: int, starts_on: str, ends_on: str, places: str | None
) -> None:
    """Record the round's posting period, in place of an earlier one."""
    with cdb.transaction() as db:
        db.execute("DELETE FROM postings WHERE round_id = ?", [round_id])
        db["postings"].insert(
            {
                "round_id": round_id,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "places": places,
                "created_at": cdb.now(),
            }
        )


# --- complaints ---------------------------------------------------------------------------------


def add_complaint(
    cdb: CommuneDatabase,
    round_id: int,
    household_id: int,
    *,
    received_on: str,
    content: str,
    complainant: str | None = None,
) -> int:
    with cdb.transaction() as db:
        table = db["complaints"]
        table.insert(
            {
                "round_id": round_id,
                "household_id": household_id,
                "received_on": received_on,
                "complainant": complainant,
                "content": content,
            }
        )
        return table.last_pk


def complaint(db: sqlite_utils.Database, complaint_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM complaints WHERE id = ?", [complaint_id]))
    return rows[0] if rows else None


def settle_complaint(
    cdb: CommuneDatabase, complaint_id: int, *, recheck_on: str, result: str, recheck_class: str
) -> None:
    """Record the re-check of a complaint and mark it resolved."""
    with cdb.transaction() as db:
        db["complaints"].update(
            complaint_id,
            {
                "recheck_on": recheck_on,
                "recheck_result": result,
                "recheck_class": recheck_class,
                "resolved": 1,
            },
        )


def complaints(db: sqlite_utils.Database, round_id: int) -> list[dict[str, Any]]:
    """The round's complaints with the household's code and head, in the order received."""
    return list(
        db.query(
            "SELECT c.*, h.code, h.head_name FROM complaints c "
            "JOIN households h ON h.id = c.household_id WHERE c.round_id = ? "
            "ORDER BY c.received_on, c.id",
            [round_id],
        )
    )


# --- corrections after the decision -------------------------------------------------------------


def add_correction(
    cdb: CommuneDatabase,
    round_id: int,
    household_id: int,
    *,
    old_status: str | None,
    new_status: str,
    reason: str,
    decision_number: str,
    decision_date: str,
) -> None:
    with cdb.transaction() as db:
        db["review_corrections"].insert(
            {
                "round_id": round_id,
                "household_id": household_id,
                "old_status": old_status,
                "new_status": new_status,
                "reason": reason,
                "decision_number": decision_number,
                "decision_date": decision_date,
                "at": cdb.now(),
            }
        )


def corrections(db: sqlite_utils.Database, round_id: int) -> list[dict[str, Any]]:
    """The round's corrections with the household's code and head, in the order made."""
    return list(
        db.query(
            "SELECT c.*, h.code, h.head_name FROM review_corrections c "
            "JOIN households h ON h.id = c.household_id WHERE c.round_id = ? ORDER BY c.id",
            [round_id],
        )
    )
