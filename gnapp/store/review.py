"""Review rounds and their questionnaires (storage only; the workflow lives in gnapp.review)."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from gnapp.store import users
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError


def open_round(
    cdb: CommuneDatabase,
    year: int,
    kind: str,
    standard_id: str,
    reference_date: str,
    step: str,
    *,
    month: int | None = None,
) -> int:
    with cdb.transaction() as db:
        table = db["review_rounds"]
        table.insert(
            {
                "year": year,
                "kind": kind,
                "month": month,
                "standard_id": standard_id,
                "reference_date": reference_date,
                "step": step,
                "opened_at": cdb.now(),
            }
        )
        return table.last_pk


def _check_unlocked(db: sqlite_utils.Database, round_id: int) -> None:
    row = db.execute("SELECT locked FROM review_rounds WHERE id = ?", [round_id]).fetchone()
    if row is None:
        raise DatabaseError(f"Không tìm thấy đợt rà soát mã {round_id}")
    if row[0]:
        raise DatabaseError(
            "Đợt rà soát đã khóa sau khi công nhận: chỉ sửa qua điều chỉnh có ghi nhận."
        )


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
) -> None:
    """Create or replace the questionnaire of a household in a round."""
    b1 = (answers.get("income") or {}).get("b1_score")
    row = {
        "round_id": round_id,
        "household_id": household_id,
        "form": form,
        "state": state,
        "answers": json.dumps(answers, ensure_ascii=False, sort_keys=True),
        "class_code": class_code,
        "deprivation_count": deprivation_count,
        "b1_score": b1,
        "reviewer": reviewer,
        "surveyed_on": surveyed_on,
        "updated_at": cdb.now(),
    }
    with cdb.transaction() as db:
        _check_unlocked(db, round_id)
        db["questionnaires"].upsert(row, pk=("round_id", "household_id", "form"))


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
        db["review_rounds"].update(
            round_id,
            {
                "decision_number": decision_number,
                "decision_date": decision_date,
                "step": "recognition",
                "locked": 1,
            },
        )


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
        income = json.loads(row["answers"]).get("income")
        if income:
            incomes[row["household_id"]] = income
    return incomes
