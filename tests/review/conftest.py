"""A review round on a copy of the small demo commune, at each step of the procedure."""

from __future__ import annotations

from typing import Any

import pytest

from gnapp.review import progress, workflow
from gnapp.store import register
from gnapp.store.review import latest_incomes

YEAR = 2026
# Answers a reviewer gives where last year's household lacks one (a child grew into an age
# band whose question was not asked then).
FILLED_IN = {
    "education": "upper_secondary",
    "vocational_certificate": "none",
    "schooling": "attending",
    "employment": "stable",
    "has_health_insurance": True,
    "malnourished": False,
}


def survey_record(cdb, household_id: int, income: dict | None = None) -> tuple[dict, list]:
    """The household's answers as a reviewer would give them: the register's roster and
    dwelling, last year's income part, blanks filled in; with the register's member ids."""
    income = income or latest_incomes(cdb.db).get(household_id) or {"b1_score": 100}
    record = register.household_record(cdb.db, household_id, income)
    for member in record["members"]:
        for key, value in FILLED_IN.items():
            member.setdefault(key, value)
    ids = [
        row[0]
        for row in cdb.db.execute(
            "SELECT id FROM members WHERE household_id = ? ORDER BY position", [household_id]
        )
    ]
    return record, ids


def survey_all(cdb, round_id: int, incomes: dict[int, dict] | None = None) -> None:
    """Complete every listed household's Phiếu B (``incomes`` overrides the income part)."""
    for state in progress.household_states(cdb.db, round_id):
        if state.complete:
            continue
        record, ids = survey_record(
            cdb, state.household_id, (incomes or {}).get(state.household_id)
        )
        workflow.save_survey(
            cdb, round_id, state.household_id, record, ids, complete=True, surveyed_on="2026-10-05"
        )


def meet_all(cdb, round_id: int, held_on: str, attendees: int = 40, agreed: int = 30) -> None:
    """A meeting in every village for its households waiting for one, all agreeing."""
    waiting: dict[int, list[Any]] = {}
    for state in progress.household_states(cdb.db, round_id):
        if state.needs_meeting:
            waiting.setdefault(state.village_id, []).append(state.household_id)
    for village_id, households in waiting.items():
        workflow.record_meeting(
            cdb,
            round_id,
            village_id,
            held_on=held_on,
            attendee_count=attendees,
            votes=dict.fromkeys(households, agreed),
        )


@pytest.fixture
def listed_round(demo_db):
    """(cdb, round id): the demo's 2026 periodic round, its list built."""
    round_id = workflow.open_round(demo_db, YEAR, team=["Nguyễn Văn Rà", "Trần Thị Soát"])
    workflow.build_list(demo_db, round_id)
    return demo_db, round_id


@pytest.fixture
def agreed_round(listed_round):
    """(cdb, round id): every household surveyed and agreed at its village meeting."""
    cdb, round_id = listed_round
    survey_all(cdb, round_id)
    meet_all(cdb, round_id, "2026-11-02")
    return cdb, round_id


@pytest.fixture
def review_steps():
    """The helpers above, for tests (test modules do not import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(survey_record=survey_record, survey_all=survey_all, meet_all=meet_all)
