"""How far a review round is: each household's state, the board by village, the households to
follow up, and where the round stands in the procedure's steps.

A household's state is read from what was recorded (questionnaires, votes, posting,
complaints, the decision), never stored twice: a meeting that sends a household back to the
survey turns its questionnaire into a draft, so "complete" always means "ready for a meeting".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.core.movements import movement
from gnapp.core.vietnamese import format_date
from gnapp.i18n import tr, tr_noop
from gnapp.review import procedure as procedures
from gnapp.store import review
from gnapp.store.errors import DatabaseError
from gnapp.store.events import EVENT_LABELS
from gnapp.store.register import get_setting


@dataclass(frozen=True)
class HouseholdState:
    """One household on a round's list and how far it has gone."""

    household_id: int
    code: str
    head_name: str
    member_count: int
    village_id: int
    village_name: str
    area: str
    source: str
    previous_status: str | None
    added_reason: str | None
    removed_reason: str | None
    questionnaire: (
        str | None
    )  # None, "draft" or "complete" (Phiếu B, or Phiếu A when it ends there)
    survey_class: str | None
    recheck_class: str | None
    deprivation_count: int | None
    vote: str | None  # the latest meeting's outcome: None, "agreed" or "returned"
    vote_class: str | None  # the class the latest meeting voted on
    open_complaints: int
    round_posted: bool  # the round's results are posted
    recognised: bool

    @property
    def surveyed(self) -> bool:
        return self.questionnaire is not None

    @property
    def complete(self) -> bool:
        return self.questionnaire == "complete"

    @property
    def result(self) -> str | None:
        """The class the round gives: the re-check's when a complaint was re-checked."""
        return self.recheck_class or self.survey_class

    @property
    def agreed(self) -> bool:
        """Agreed at a meeting, on the class the survey still gives (a questionnaire changed
        to another class after the meeting needs a meeting again)."""
        return self.complete and self.vote == "agreed" and self.vote_class == self.survey_class

    @property
    def returned(self) -> bool:
        """Sent back to the survey by a meeting and not yet surveyed again."""
        return self.vote == "returned" and not self.complete

    @property
    def posted(self) -> bool:
        return self.round_posted and self.agreed

    @property
    def needs_meeting(self) -> bool:
        return self.complete and not self.agreed

    @property
    def disputed(self) -> bool:
        return self.open_complaints > 0

    @property
    def movement(self) -> str | None:
        return movement(self.previous_status, self.result) if self.result else None


# The review list (an official document) writes this reason: it stays Vietnamese.
def _departure(row: dict[str, Any]) -> str:
    """Why a household left the list of an open round: the event that took it from the
    commune, e.g. "Chuyển đi ngày 02/12/2026: Chuyển vào Bình Dương"."""
    if row["left_kind"] is None:
        return "Không còn ở xã"
    text = f"{EVENT_LABELS[row['left_kind']].capitalize()}"
    if row["left_to"]:
        text += f" {row['left_to']}"
    text += f" ngày {format_date(date.fromisoformat(row['left_on']))}"
    return f"{text}: {row['left_reason']}" if row["left_reason"] else text


def _state(row: dict[str, Any]) -> HouseholdState:
    if row["b_state"] is not None:
        questionnaire, survey_class = row["b_state"], row["b_class"]
    elif row["a_state"] == "complete" and row["a_eligible"] == 0:
        questionnaire, survey_class = "complete", "not_poor"
    elif row["a_state"] is not None:
        questionnaire, survey_class = "draft", None
    else:
        questionnaire, survey_class = None, None
    return HouseholdState(
        household_id=row["household_id"],
        code=row["code"],
        head_name=row["head_name"] or "",
        member_count=row["member_count"],
        village_id=row["village_id"],
        village_name=row["village_name"],
        area=row["area"],
        source=row["source"],
        previous_status=row["previous_status"],
        added_reason=row["added_reason"],
        removed_reason=row["removed_reason"] or (_departure(row) if row["departed"] else None),
        questionnaire=questionnaire,
        survey_class=survey_class if questionnaire == "complete" else None,
        recheck_class=row["recheck_class"],
        deprivation_count=row["deprivation_count"],
        vote=row["vote"],
        vote_class=row["vote_class"],
        open_complaints=row["open_complaints"],
        round_posted=bool(row["posted"]),
        recognised=bool(row["locked"]),
    )


def household_states(
    db: sqlite_utils.Database,
    round_id: int,
    *,
    removed: bool = False,
    households: Iterable[int] | None = None,
) -> list[HouseholdState]:
    """The households on the round's list (with ``removed``, only those taken off it; with
    ``households``, only those of them), by village and head of household in Vietnamese order."""
    rows = review.entry_progress(db, round_id, removed=removed, households=households)
    return [_state(row) for row in rows]


BOARD_COLUMNS = (
    ("listed", tr_noop("Trong danh sách")),
    ("surveyed", tr_noop("Đã rà soát")),
    ("complete", tr_noop("Phiếu hoàn thành")),
    ("agreed", tr_noop("Đã họp thống nhất")),
    ("posted", tr_noop("Đã niêm yết")),
    ("disputed", tr_noop("Đang khiếu nại")),
    ("recognised", tr_noop("Đã công nhận")),
)


@dataclass
class VillageProgress:
    village_id: int | None  # None: the whole commune
    village_name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(dict(BOARD_COLUMNS), 0))

    def add(self, state: HouseholdState) -> None:
        self.counts["listed"] += 1
        for key in ("surveyed", "complete", "agreed", "posted", "disputed", "recognised"):
            self.counts[key] += bool(getattr(state, key))


def board(db: sqlite_utils.Database, round_id: int) -> list[VillageProgress]:
    """The progress board: one row per village with households on the list, then the total."""
    rows: dict[int, VillageProgress] = {}
    total = VillageProgress(None, tr_noop("Toàn xã"))
    for state in household_states(db, round_id):
        row = rows.setdefault(
            state.village_id, VillageProgress(state.village_id, state.village_name)
        )
        row.add(state)
        total.add(state)
    return [*rows.values(), total]


FOLLOW_UP = (
    ("not_surveyed", tr_noop("Chưa rà soát")),
    ("draft", tr_noop("Phiếu chưa hoàn thành (thiếu dữ liệu)")),
    ("returned", tr_noop("Họp dân chưa thống nhất: rà soát lại")),
    ("waiting_meeting", tr_noop("Đã rà soát, chưa đưa ra họp dân")),
    ("disputed", tr_noop("Đang khiếu nại, chờ phúc tra")),
)


def follow_up(db: sqlite_utils.Database, round_id: int) -> dict[str, list[HouseholdState]]:
    """The households to follow up, by reason (FOLLOW_UP's keys, in that order)."""
    lists: dict[str, list[HouseholdState]] = {key: [] for key, _ in FOLLOW_UP}
    for state in household_states(db, round_id):
        if state.questionnaire is None:
            lists["not_surveyed"].append(state)
        elif state.returned:
            lists["returned"].append(state)
        elif state.questionnaire == "draft":
            lists["draft"].append(state)
        elif state.needs_meeting:
            lists["waiting_meeting"].append(state)
        if state.disputed:
            lists["disputed"].append(state)
    return lists


@dataclass(frozen=True)
class StepProgress:
    step: procedures.Step
    name: str
    done: bool
    deadline: str | None
    overdue: bool
    current: bool


def steps(db: sqlite_utils.Database, round_id: int, today: date) -> list[StepProgress]:
    """The round's steps in order: done or not, deadline, overdue, and which is current (the
    first step not done; an optional step not done is passed over)."""
    found = review.stored_round(db, round_id)
    if found is None:
        raise DatabaseError(tr("Không tìm thấy đợt rà soát mã {round_id}", round_id=round_id))
    procedure = procedures.load_procedure(found.procedure_id)
    states = household_states(db, round_id)
    posted = review.posting(db, round_id)
    done_when = {
        "list_ready": bool(states),
        "every_household_surveyed": bool(states) and all(s.complete for s in states),
        "every_household_agreed": bool(states) and all(s.agreed for s in states),
        "posting_over_and_complaints_settled": posted is not None
        and posted["ends_on"] < today.isoformat()
        and not any(s.disputed for s in states),
        "opinion_recorded": found.opinion is not None,
        "recognised": found.locked,
    }
    result, current_found = [], False
    for step in procedure.steps_for(found.kind):
        done = done_when[step.done_when] or found.locked
        deadline = found.deadlines.get(step.id)
        current = not done and not step.optional and not current_found
        current_found = current_found or current
        name = get_setting(db, step.name_setting, step.name) if step.name_setting else step.name
        overdue = not done and deadline is not None and deadline < today.isoformat()
        result.append(StepProgress(step, name, done, deadline, overdue, current))
    return result
