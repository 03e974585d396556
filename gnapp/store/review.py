"""Review rounds, their lists, applications and questionnaires, the village meetings and their
votes, the public posting, complaints and their re-checks, corrections after the decision
(storage only: the rules of each step live in gnapp.review.workflow).

Writers take a ``CommuneDatabase`` and run in one transaction each (nested inside the
workflow's transaction when there is one); readers take the ``sqlite_utils.Database``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.i18n import tr
from gnapp.store import users
from gnapp.store.answers import decode_answers, encode_answers
from gnapp.store.database import CommuneDatabase, inserted_id
from gnapp.store.errors import DatabaseError
from gnapp.store.events import HOUSEHOLD_CHANGE
from gnapp.store.presence import present_now, present_on


def _insert(cdb: CommuneDatabase, table: str, row: Mapping[str, Any]) -> int:
    """Insert one row (in a transaction of its own, or the caller's); return its id."""
    with cdb.transaction() as db:
        target = db.table(table)
        target.insert(dict(row))
        return inserted_id(target)


# --- rounds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredRound:
    """A review round as stored (reference date, team, deadlines and opinion decoded)."""

    id: int
    year: int
    kind: str
    month: int | None
    standard_id: str
    procedure_id: str
    reference_date: date
    step: str
    opened_at: str
    locked: bool
    decision_number: str | None
    decision_date: str | None
    team: tuple[str, ...]
    deadlines: dict[str, str]
    posting_days: int | None
    opinion: dict[str, Any] | None

    @property
    def decided_on(self) -> date | None:
        """The date of the recognition decision; None before the round is recognised."""
        return None if self.decision_date is None else date.fromisoformat(self.decision_date)


def _stored_round(row: Mapping[str, Any]) -> StoredRound:
    decoded = {
        "reference_date": date.fromisoformat(row["reference_date"]),
        "locked": bool(row["locked"]),
        "team": tuple(json.loads(row["team"])),
        "deadlines": json.loads(row["deadlines"]),
        "opinion": json.loads(row["opinion"]) if row["opinion"] else None,
    }
    return StoredRound(**{field.name: row[field.name] for field in fields(StoredRound)} | decoded)


def stored_round(db: sqlite_utils.Database, round_id: int) -> StoredRound | None:
    rows = list(db.query("SELECT * FROM review_rounds WHERE id = ?", [round_id]))
    return _stored_round(rows[0]) if rows else None


def stored_rounds(db: sqlite_utils.Database) -> list[StoredRound]:
    """Every round, newest first."""
    rows = db.query("SELECT * FROM review_rounds ORDER BY opened_at DESC, id DESC")
    return [_stored_round(row) for row in rows]


def round_opened_at(
    db: sqlite_utils.Database, year: int, kind: str, month: int | None
) -> str | None:
    """When the round of this year, kind and month (None for a periodic round) was opened;
    None when there is none."""
    row = db.execute(
        "SELECT opened_at FROM review_rounds WHERE year = ? AND kind = ? AND month IS ?",
        [year, kind, month],
    ).fetchone()
    return None if row is None else row[0]


def _team(team: Iterable[str]) -> str:
    return json.dumps(list(team), ensure_ascii=False)


def open_round(
    cdb: CommuneDatabase,
    year: int,
    kind: str,
    standard_id: str,
    reference_date: str,
    step: str,
    *,
    month: int | None = None,
    procedure_id: str | None = None,
    team: Sequence[str] = (),
    deadlines: Mapping[str, str] | None = None,
    posting_days: int | None = None,
) -> int:
    """Insert a round; return its id (the procedure left out: the schema's default)."""
    row: dict[str, Any] = {
        "year": year,
        "kind": kind,
        "month": month,
        "standard_id": standard_id,
        "reference_date": reference_date,
        "step": step,
        "opened_at": cdb.now(),
        "team": _team(team),
        "deadlines": json.dumps(dict(deadlines or {}), sort_keys=True),
        "posting_days": posting_days,
    }
    if procedure_id is not None:
        row["procedure_id"] = procedure_id
    return _insert(cdb, "review_rounds", row)


_ROUND_ENCODERS = {
    "team": _team,
    "deadlines": lambda deadlines: json.dumps(dict(deadlines), sort_keys=True),
    "opinion": lambda opinion: json.dumps(dict(opinion), ensure_ascii=False),
}


def update_round(cdb: CommuneDatabase, round_id: int, changes: Mapping[str, Any]) -> None:
    """Write the given fields of a round (standard_id, reference_date, team, deadlines,
    posting_days, opinion); team, deadlines and opinion as StoredRound has them decoded."""
    row = {key: _ROUND_ENCODERS.get(key, lambda value: value)(v) for key, v in changes.items()}
    if row:
        with cdb.transaction() as db:
            db.table("review_rounds").update(round_id, row)


def _check_unlocked(db: sqlite_utils.Database, round_id: int) -> None:
    row = db.execute("SELECT locked FROM review_rounds WHERE id = ?", [round_id]).fetchone()
    if row is None:
        raise DatabaseError(tr("Không tìm thấy đợt rà soát mã {id}", id=round_id))
    if row[0]:
        raise DatabaseError(
            tr("Đợt rà soát đã khóa sau khi công nhận: chỉ sửa qua điều chỉnh có ghi nhận.")
        )


def recognise_round(
    cdb: CommuneDatabase,
    round_id: int,
    decision_number: str,
    decision_date: str,
    *,
    approver: users.User | None,
) -> None:
    """Record the chair's decision and lock the round: only a user with the approving role may
    (users.PermissionDenied otherwise, nothing written)."""
    users.require(approver, "approve")
    with cdb.transaction() as db:
        _check_unlocked(db, round_id)
        db.table("review_rounds").update(
            round_id,
            {
                "decision_number": decision_number,
                "decision_date": decision_date,
                "step": "recognition",
                "locked": 1,
            },
        )


def round_year(db: sqlite_utils.Database, round_id: int) -> int | None:
    """The year of the review round, None when there is no such round."""
    row = db.execute("SELECT year FROM review_rounds WHERE id = ?", [round_id]).fetchone()
    return row[0] if row else None


# --- the review list and applications ---------------------------------------------------------


def entry(db: sqlite_utils.Database, round_id: int, household_id: int) -> dict[str, Any] | None:
    """The household's row on the round's list (taken off it or not), or None."""
    rows = list(
        db.query(
            "SELECT * FROM review_entries WHERE round_id = ? AND household_id = ?",
            [round_id, household_id],
        )
    )
    return rows[0] if rows else None


def listed_before(db: sqlite_utils.Database, year: int) -> list[int]:
    """The households whose latest status before ``year`` is poor or near-poor, by id."""
    rows = db.execute(
        """SELECT s.household_id FROM household_status s
           WHERE s.year = (SELECT max(year) FROM household_status x
                           WHERE x.household_id = s.household_id AND x.year < ?)
             AND s.status IN ('poor', 'near_poor')
           ORDER BY s.household_id""",
        [year],
    ).fetchall()
    return [household_id for (household_id,) in rows]


def applicants(db: sqlite_utils.Database, round_id: int) -> list[int]:
    """The households that applied in the round (each once)."""
    rows = db.execute(
        "SELECT DISTINCT household_id FROM review_applications WHERE round_id = ?", [round_id]
    ).fetchall()
    return [household_id for (household_id,) in rows]


def add_entry(
    cdb: CommuneDatabase,
    round_id: int,
    household_id: int,
    *,
    source: str,
    previous_status: str | None,
    added_reason: str | None,
) -> None:
    row = {"round_id": round_id, "household_id": household_id, "source": source}
    _insert(
        cdb,
        "review_entries",
        {**row, "previous_status": previous_status, "added_reason": added_reason},
    )


def restore_entry(cdb: CommuneDatabase, entry_id: int, added_reason: str | None) -> None:
    """Put a household taken off the list back on it, with the reason."""
    with cdb.transaction() as db:
        db.table("review_entries").update(
            entry_id, {"removed_reason": None, "added_reason": added_reason}
        )


def remove_entry(cdb: CommuneDatabase, entry_id: int, reason: str) -> None:
    with cdb.transaction() as db:
        db.table("review_entries").update(entry_id, {"removed_reason": reason})


APPLICATION_FIELDS = ("kind", "received_on", "channel", "applicant", "reason")


def add_application(
    cdb: CommuneDatabase, round_id: int, household_id: int, application: Mapping[str, Any]
) -> int:
    """Insert an application (``application``: APPLICATION_FIELDS, ``applicant`` the
    applicant's particulars as written); return its id."""
    row: dict[str, Any] = {key: application.get(key) for key in APPLICATION_FIELDS}
    row["applicant"] = json.dumps(dict(row["applicant"]), ensure_ascii=False, sort_keys=True)
    return _insert(
        cdb, "review_applications", {"round_id": round_id, "household_id": household_id, **row}
    )


# A household off the round's list for having left the commune: in an open round, one no
# longer in the commune; in a recognised round, one the decision passed over for having left
# (recognition writes the year's status of every household on the list, so a household without
# one was gone then), so that the decision's lists stay those it recognised. The kinds of event
# that take one away.
_DEPARTED = (
    f"(CASE WHEN r.locked = 0 THEN NOT ({present_now('h')}) "
    "ELSE NOT EXISTS (SELECT 1 FROM household_status s "
    "WHERE s.household_id = h.id AND s.year = r.year) END)"
)
_LEAVING = ", ".join(f"'{kind}'" for kind, change in HOUSEHOLD_CHANGE.items() if change < 0)
# The household's members on the day of a recognised round's decision (members now and
# former members, as ``as_of.members_present`` counts them): its documents give the
# household as the decision recognised it, however the register has moved on since.
_ON_DECISION = "r.decision_date"
_MEMBERS_ON_DECISION = """(
    SELECT m.present_from, NULL AS present_until, m.full_name, m.relation, m.position
    FROM members m WHERE m.household_id = h.id
    UNION ALL
    SELECT f.present_from, f.present_until, json_extract(f.member, '$.full_name'),
           json_extract(f.member, '$.relation'), json_extract(f.member, '$.position')
    FROM former_members f WHERE f.household_id = h.id)"""
_DECIDED = "(r.locked = 1 AND r.decision_date IS NOT NULL)"
# The head a household that left the commune had last (one that ended has no member left):
# the list of households taken off names it as it was, not with an empty name.
_LAST_HEAD = """(
    SELECT json_extract(f.member, '$.full_name') FROM former_members f
    WHERE h.present_until IS NOT NULL AND f.household_id = h.id
    AND json_extract(f.member, '$.relation') = 'head'
    ORDER BY f.present_until DESC, f.id DESC LIMIT 1)"""
_PROGRESS_QUERY = f"""
SELECT e.household_id, e.source, e.previous_status, e.added_reason, e.removed_reason,
       h.code,
       coalesce(CASE WHEN {_DECIDED} THEN (
           SELECT d.full_name FROM {_MEMBERS_ON_DECISION} d
           WHERE d.relation = 'head' AND {present_on("d", _ON_DECISION)}
           ORDER BY d.position LIMIT 1) END,
           nullif(h.head_name, ''), {_LAST_HEAD}, '') AS head_name,
       h.head_sort_key,
       CASE WHEN {_DECIDED} THEN (
           SELECT count(*) FROM {_MEMBERS_ON_DECISION} d
           WHERE {present_on("d", _ON_DECISION)})
       ELSE h.member_count END AS member_count,
       h.village_id,
       v.name AS village_name, v.area,
       qb.state AS b_state, qb.class_code AS b_class, qb.deprivation_count,
       qa.state AS a_state, json_extract(gnapp_answers(qa.answers), '$.form_a.eligible_for_form_b')
           AS a_eligible,
       (SELECT mv.outcome FROM meeting_votes mv JOIN village_meetings vm ON vm.id = mv.meeting_id
        WHERE vm.round_id = e.round_id AND mv.household_id = e.household_id
        ORDER BY vm.held_on DESC, mv.id DESC LIMIT 1) AS vote,
       (SELECT mv.class_code FROM meeting_votes mv JOIN village_meetings vm
        ON vm.id = mv.meeting_id WHERE vm.round_id = e.round_id
        AND mv.household_id = e.household_id
        ORDER BY vm.held_on DESC, mv.id DESC LIMIT 1) AS vote_class,
       (SELECT count(*) FROM complaints c WHERE c.round_id = e.round_id
        AND c.household_id = e.household_id AND c.resolved = 0) AS open_complaints,
       (SELECT c.recheck_class FROM complaints c WHERE c.round_id = e.round_id
        AND c.household_id = e.household_id AND c.resolved = 1
        ORDER BY c.recheck_on DESC, c.id DESC LIMIT 1) AS recheck_class,
       (SELECT count(*) FROM postings p WHERE p.round_id = e.round_id) AS posted,
       r.locked, {{departed}} AS departed, ev.kind AS left_kind, ev.event_date AS left_on,
       ev.reason AS left_reason, ev.other_household_code AS left_to
FROM review_entries e
JOIN review_rounds r ON r.id = e.round_id
JOIN households h ON h.id = e.household_id
JOIN villages v ON v.id = h.village_id
LEFT JOIN register_events ev ON {{departed}} AND ev.id = (
     SELECT x.id FROM register_events x WHERE x.household_id = h.id AND x.undone_at IS NULL
     AND x.kind IN ({{leaving}}) ORDER BY x.event_date DESC, x.id DESC LIMIT 1)
LEFT JOIN questionnaires qb ON qb.round_id = e.round_id AND qb.household_id = e.household_id
     AND qb.form = 'B'
LEFT JOIN questionnaires qa ON qa.round_id = e.round_id AND qa.household_id = e.household_id
     AND qa.form = 'A'
WHERE e.round_id = ? {{removed}}
ORDER BY v.name_sort_key, v.id, h.head_sort_key, h.id
"""


def entry_progress(
    db: sqlite_utils.Database,
    round_id: int,
    *,
    removed: bool = False,
    households: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """One row per household on the round's list (with ``removed``, only those taken off it),
    by village and head of household in Vietnamese order: the entry, the household, its
    questionnaires' state and class (``b_*``, ``a_*``), the latest meeting's vote and class,
    open complaints, the latest re-check's class, whether the round is posted and locked.
    A household that left the commune (moved away, merged or ended) while the round is open,
    or that the recognition passed over for having left, is off the list (``departed``), with
    the event that took it (``left_kind``, ``left_on``, ``left_reason``, ``left_to``: the
    household it merged into). ``households``: only these."""
    if removed:
        where = f"AND (e.removed_reason IS NOT NULL OR {_DEPARTED})"
    else:
        where = f"AND e.removed_reason IS NULL AND NOT {_DEPARTED}"
    params: list[Any] = [round_id]
    if households is not None:
        where += " AND e.household_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(households)))
    sql = _PROGRESS_QUERY.format(removed=where, departed=_DEPARTED, leaving=_LEAVING)
    return list(db.query(sql, params))


# --- questionnaires ---------------------------------------------------------------------------


def save_questionnaire(
    cdb: CommuneDatabase,
    round_id: int,
    household_id: int,
    form: str,
    answers: dict[str, Any],
    *,
    state: str = "draft",
    class_code: str | None = None,
    deprivation_count: int | None = None,
    reviewer: str | None = None,
    surveyed_on: str | None = None,
    member_ids: Sequence[int | None] | None = None,
) -> None:
    """Create or replace the questionnaire of a household in a round (``member_ids``: the
    register's id of each member of the answers; None keeps those saved before)."""
    b1 = (answers.get("income") or {}).get("b1_score")
    row = {
        "round_id": round_id,
        "household_id": household_id,
        "form": form,
        "state": state,
        "answers": encode_answers(answers),
        "class_code": class_code,
        "deprivation_count": deprivation_count,
        "b1_score": b1,
        "reviewer": reviewer,
        "surveyed_on": surveyed_on,
        "updated_at": cdb.now(),
    }
    if member_ids is not None:
        row["member_ids"] = json.dumps(list(member_ids))
    with cdb.transaction() as db:
        _check_unlocked(db, round_id)
        db.table("questionnaires").upsert(row, pk=("round_id", "household_id", "form"))


def return_to_survey(cdb: CommuneDatabase, round_id: int, household_id: int) -> None:
    """Turn the household's complete questionnaires of the round back into drafts."""
    with cdb.transaction() as db:
        db.execute(
            "UPDATE questionnaires SET state = 'draft', updated_at = ? "
            "WHERE round_id = ? AND household_id = ? AND state = 'complete'",
            [cdb.now(), round_id, household_id],
        )


def questionnaire(
    db: sqlite_utils.Database, round_id: int, household_id: int, form: str
) -> dict[str, Any] | None:
    """A household's stored questionnaire in the round (answers decoded), or None."""
    rows = list(
        db.query(
            "SELECT * FROM questionnaires WHERE round_id = ? AND household_id = ? AND form = ?",
            [round_id, household_id, form],
        )
    )
    if not rows:
        return None
    row = dict(rows[0])
    row["answers"] = decode_answers(row["answers"])
    return row


def questionnaire_member_ids(
    db: sqlite_utils.Database, round_id: int, household_id: int, form: str
) -> list[int | None] | None:
    """The member ids saved with a questionnaire (None when none were saved)."""
    row = db.execute(
        "SELECT member_ids FROM questionnaires WHERE round_id = ? AND household_id = ? "
        "AND form = ?",
        [round_id, household_id, form],
    ).fetchone()
    return None if row is None or row[0] is None else json.loads(row[0])


def earlier_answers(
    db: sqlite_utils.Database, round_id: int, household_id: int
) -> dict[str, Any] | None:
    """The answers of the household's latest Phiếu B in a round of an earlier year than
    ``round_id``'s, or None."""
    row = db.execute(
        """SELECT q.answers FROM questionnaires q JOIN review_rounds r ON r.id = q.round_id
           WHERE q.household_id = ? AND q.form = 'B'
             AND r.year < (SELECT year FROM review_rounds WHERE id = ?)
           ORDER BY r.year DESC, r.reference_date DESC, q.id DESC LIMIT 1""",
        [household_id, round_id],
    ).fetchone()
    return None if row is None else decode_answers(row[0])


def complete_surveys(db: sqlite_utils.Database, round_id: int) -> dict[int, str | None]:
    """Household id -> survey date of the round's complete Phiếu B."""
    rows = db.execute(
        "SELECT household_id, surveyed_on FROM questionnaires "
        "WHERE round_id = ? AND form = 'B' AND state = 'complete'",
        [round_id],
    ).fetchall()
    return dict(rows)


def complete_survey_answers(
    db: sqlite_utils.Database, round_id: int
) -> list[tuple[dict[str, Any], str | None]]:
    """(answers, recorded class) of every complete Phiếu B of the round."""
    rows = db.execute(
        "SELECT answers, class_code FROM questionnaires "
        "WHERE round_id = ? AND form = 'B' AND state = 'complete'",
        [round_id],
    ).fetchall()
    return [(decode_answers(answers), class_code) for answers, class_code in rows]


def latest_incomes(db: sqlite_utils.Database) -> dict[int, dict[str, Any]]:
    """The income part of each household's latest complete Phiếu B, by household id."""
    rows = db.query(
        """SELECT q.household_id, q.answers FROM questionnaires q
           JOIN review_rounds r ON r.id = q.round_id
           WHERE q.form = 'B' AND q.state = 'complete'
           ORDER BY r.reference_date, q.id"""
    )
    incomes: dict[int, dict[str, Any]] = {}
    for row in rows:
        income = decode_answers(row["answers"]).get("income")
        if income:
            incomes[row["household_id"]] = income
    return incomes


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


MEETING_FIELDS = (
    "held_on",
    "place",
    "chair",
    "secretary",
    "attendees",
    "attendee_count",
    "represented_households",
    "note",
)


def add_meeting(
    cdb: CommuneDatabase,
    round_id: int,
    village_id: int,
    meeting: Mapping[str, Any],
    votes: Sequence[Vote],
) -> int:
    """Insert a village meeting (``meeting``: MEETING_FIELDS, ``attendees`` the number of
    people of each group) with its votes; return its id."""
    row = {key: meeting.get(key) for key in MEETING_FIELDS}
    row["attendees"] = json.dumps(dict(row["attendees"] or {}), ensure_ascii=False)
    with cdb.transaction():
        meeting_id = _insert(
            cdb, "village_meetings", {"round_id": round_id, "village_id": village_id, **row}
        )
        for vote in votes:
            _insert(
                cdb,
                "meeting_votes",
                {
                    "meeting_id": meeting_id,
                    "household_id": vote.household_id,
                    "agreed": vote.agreed,
                    "attendees": vote.voting,
                    "outcome": vote.outcome,
                    "class_code": vote.class_code,
                },
            )
        return meeting_id


def last_meeting_date(db: sqlite_utils.Database, round_id: int) -> str | None:
    """The date of the round's latest village meeting (None: no meeting yet)."""
    row = db.execute(
        "SELECT max(held_on) FROM village_meetings WHERE round_id = ?", [round_id]
    ).fetchone()
    return row[0]


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
        row = {"round_id": round_id, "starts_on": starts_on, "ends_on": ends_on, "places": places}
        _insert(cdb, "postings", {**row, "created_at": cdb.now()})


# --- complaints ---------------------------------------------------------------------------------


def add_complaint(
    cdb: CommuneDatabase, round_id: int, household_id: int, complaint: Mapping[str, Any]
) -> int:
    """Insert a complaint (``complaint``: received_on, complainant, content); return its id."""
    row = {key: complaint.get(key) for key in ("received_on", "complainant", "content")}
    return _insert(cdb, "complaints", {"round_id": round_id, "household_id": household_id, **row})


def complaint(db: sqlite_utils.Database, complaint_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM complaints WHERE id = ?", [complaint_id]))
    return rows[0] if rows else None


def settle_complaint(
    cdb: CommuneDatabase, complaint_id: int, *, recheck_on: str, result: str, recheck_class: str
) -> None:
    """Record the re-check of a complaint and mark it resolved."""
    with cdb.transaction() as db:
        db.table("complaints").update(
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


CORRECTION_FIELDS = ("old_status", "new_status", "reason", "decision_number", "decision_date")


def add_correction(
    cdb: CommuneDatabase, round_id: int, household_id: int, correction: Mapping[str, Any]
) -> None:
    """Record a correction of a household's recognised status (``correction``:
    CORRECTION_FIELDS), stamped with the time."""
    row = {key: correction.get(key) for key in CORRECTION_FIELDS}
    row |= {"round_id": round_id, "household_id": household_id, "at": cdb.now()}
    _insert(cdb, "review_corrections", row)


def corrections(db: sqlite_utils.Database, round_id: int) -> list[dict[str, Any]]:
    """The round's corrections with the household's code and head, in the order made."""
    return list(
        db.query(
            "SELECT c.*, h.code, h.head_name FROM review_corrections c "
            "JOIN households h ON h.id = c.household_id WHERE c.round_id = ? ORDER BY c.id",
            [round_id],
        )
    )
