"""A review round on a copy of the small demo commune, at each step of the procedure."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gnapp.review import progress, workflow
from gnapp.store import register, users
from gnapp.store.database import CommuneDatabase, open_database
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
    round_id = workflow.open_round(
        demo_db, YEAR, standard_id="2022-2025", team=["Nguyễn Văn Rà", "Trần Thị Soát"]
    )
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


# --- a whole round for the review's documents (helper "docs") -----------------------------

ROUND_YEAR = 2026
SURVEYED_ON = "2026-10-01"
MEETING_ON = "2026-11-05"
SECOND_MEETING_ON = "2026-11-06"
POSTING_FROM = "2026-11-09"
COMPLAINT_ON = "2026-11-10"
DECISION_NUMBER = "125/QĐ-UBND"
DECISION_DATE = "2026-12-01"
# Monthly income per person given to the surveyed households, in turn: a listed household
# whose turn gives the high income escapes the lists.
INCOMES = (900_000, 1_200_000, 1_700_000, 3_500_000)


def _survey(cdb: CommuneDatabase, round_id: int, household_id: int, income: int) -> None:
    """A complete Phiếu B with the register's answers and ``income``; a household whose
    answers leave the class open (a demo member's answer missing) is given a high income."""
    try:
        _save(cdb, round_id, household_id, income)
    except workflow.ReviewError:
        _save(cdb, round_id, household_id, INCOMES[-1])


def _save(cdb: CommuneDatabase, round_id: int, household_id: int, income: int) -> None:
    record = register.household_record(cdb.db, household_id)
    record["income"] = {"monthly_per_capita": income}
    member_ids = [
        row[0]
        for row in cdb.db.execute(
            "SELECT id FROM members WHERE household_id = ? ORDER BY position", [household_id]
        )
    ]
    workflow.save_survey(
        cdb,
        round_id,
        household_id,
        record,
        member_ids,
        complete=True,
        reviewer="Nguyễn Văn Rà",
        surveyed_on=SURVEYED_ON,
    )


def run_round(cdb: CommuneDatabase, *, recognise: bool = True) -> int:
    """A periodic round of ROUND_YEAR run from the list to the decision; its id.

    The list has the households on last year's lists, one applicant, one added by hand (then
    screened out by Phiếu A) and one taken off; in the first village one household is sent
    back by the meeting and agreed at a second one; one complaint is re-checked."""
    round_id = workflow.open_round(
        cdb, ROUND_YEAR, standard_id="2022-2025", team=["Nguyễn Văn Rà", "Lê Thị Soát"]
    )
    off_list = [
        row[0]
        for row in cdb.db.execute(
            "SELECT id FROM households WHERE id NOT IN (SELECT household_id FROM household_status "
            "WHERE status IN ('poor', 'near_poor')) ORDER BY id LIMIT 3"
        )
    ]
    applicant, screened, removed = off_list
    workflow.add_application(
        cdb,
        round_id,
        applicant,
        kind="review",
        received_on="2026-09-05",
        applicant={
            "full_name": register.household_record(cdb.db, applicant)["members"][0]["full_name"]
        },
        reason="Chồng ốm nặng, mất sức lao động",
    )
    workflow.build_list(cdb, round_id)
    workflow.add_to_list(cdb, round_id, screened, "Trưởng thôn đề nghị: nhà bị bão làm sập")
    workflow.add_to_list(cdb, round_id, removed, "Hộ có người ốm nặng")
    workflow.remove_from_list(cdb, round_id, removed, "Hộ đã chuyển đi nơi khác")
    for index, state in enumerate(workflow.household_states(cdb.db, round_id)):
        if state.household_id == screened:
            record = register.household_record(cdb.db, screened)
            record["form_a"] = {"eligible_for_form_b": False, "reason": "Nhà đã được sửa"}
            ids = [None] * len(record["members"])
            workflow.save_survey(
                cdb,
                round_id,
                screened,
                record,
                ids,
                form="A",
                complete=True,
                surveyed_on=SURVEYED_ON,
            )
        else:
            _survey(cdb, round_id, state.household_id, INCOMES[index % len(INCOMES)])
    states = workflow.household_states(cdb.db, round_id)
    villages: dict[int, list[int]] = {}
    for state in states:
        villages.setdefault(state.village_id, []).append(state.household_id)
    returned = None
    for number, (village_id, households) in enumerate(villages.items()):
        votes: dict[int, int | tuple[int, int]] = {h: 20 for h in households}
        if number == 0:
            returned = households[0]
            votes[returned] = (5, 18)
        workflow.record_meeting(
            cdb,
            round_id,
            village_id,
            held_on=MEETING_ON,
            attendee_count=24,
            votes=votes,
            place="Nhà văn hóa thôn",
            chair="Đinh Văn Trưởng",
            secretary="Hồ Thị Ký",
            attendees={"steering_committee": 2, "household_representatives": 20, "reviewers": 2},
            represented_households=min(20, max(1, len(households) - 1)),
        )
    assert returned is not None
    _survey(cdb, round_id, returned, INCOMES[0])
    village_of_returned = next(s.village_id for s in states if s.household_id == returned)
    workflow.record_meeting(
        cdb,
        round_id,
        village_of_returned,
        held_on=SECOND_MEETING_ON,
        attendee_count=22,
        votes={returned: 19},
        place="Nhà văn hóa thôn",
        chair="Đinh Văn Trưởng",
        secretary="Hồ Thị Ký",
        attendees={"household_representatives": 20, "reviewers": 2},
        represented_households=1,
    )
    workflow.open_posting(
        cdb, round_id, POSTING_FROM, places="Trụ sở UBND xã; nhà văn hóa các thôn"
    )
    disputed = states[-1].household_id
    complaint = workflow.add_complaint(
        cdb,
        round_id,
        disputed,
        received_on=COMPLAINT_ON,
        content="Hộ có xe ô tô",
        complainant="Một người dân",
    )
    workflow.record_recheck(
        cdb,
        complaint,
        recheck_on="2026-11-11",
        result="Xe đã bán từ năm trước",
        recheck_class=states[-1].result or "poor",
    )
    if recognise:
        approver = users.get_user(cdb.db, "lanhdao")
        workflow.recognise(cdb, round_id, DECISION_NUMBER, DECISION_DATE, approver=approver)
    return round_id


@pytest.fixture
def documents_steps():
    """The documents' round runner and its decision number (test modules do not import
    conftest)."""
    return SimpleNamespace(run_round=run_round, decision_number=DECISION_NUMBER)


@pytest.fixture(scope="session")
def documents_round_file(small_demo_file, tmp_path_factory) -> tuple[Path, int]:
    """A demo commune with a recognised round (never modified: copy it)."""
    path = tmp_path_factory.mktemp("review-documents") / "demo.gnapp"
    shutil.copy(small_demo_file, path)
    cdb = open_database(path, actor="Cán bộ thử")
    try:
        round_id = run_round(cdb)
    finally:
        cdb.close()
    return path, round_id


@pytest.fixture
def documents_round(documents_round_file, tmp_path):
    """(cdb, round_id): a private copy of the demo commune with a recognised round."""
    source, round_id = documents_round_file
    copy = tmp_path / "round.gnapp"
    shutil.copy(source, copy)
    cdb = open_database(copy, actor="Cán bộ thử")
    yield cdb, round_id
    cdb.close()
