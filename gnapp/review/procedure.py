"""The review procedure as data (forms/review/procedures/*.json): its steps, their order and
deadlines, the meeting's vote threshold and the posting period.

>>> procedure = load_procedure("qd-24-2021")
>>> [step.id for step in procedure.steps_for("periodic")]
['list', 'survey', 'meeting', 'posting', 'opinion', 'recognition']
>>> procedure.vote_threshold
0.5
>>> default_deadlines(procedure, "periodic", 2026)["recognition"]
'2026-12-14'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from gnapp.data import form_file
from gnapp.i18n import tr

DEFAULT_PROCEDURE = "qd-24-2021"
# What each step's "done_when" may name: the progress module knows how to check each.
DONE_CONDITIONS = (
    "list_ready",
    "every_household_surveyed",
    "every_household_agreed",
    "posting_over_and_complaints_settled",
    "opinion_recorded",
    "recognised",
)


class ProcedureError(ValueError):
    """A procedure file that cannot be used (the message names the file and the place)."""


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    done_when: str
    optional: bool = False
    deadline: tuple[int, int] | None = None  # (month, day) in the round's year
    documents: tuple[str, ...] = ()
    note: str = ""
    name_setting: str | None = None


@dataclass(frozen=True)
class Procedure:
    id: str
    name: str
    legal_basis: str
    vote_threshold: float
    posting_days: int
    posting_days_status: str
    steps: tuple[Step, ...]
    regular_steps: tuple[str, ...]
    regular_start_day: int
    regular_decision_days: int
    periodic_start: tuple[int, int]
    periodic_end: tuple[int, int]
    # the last year a certificate of a round of year N stands for: N + this, by round kind
    certificate_years_after: dict[str, int]

    def steps_for(self, kind: str) -> tuple[Step, ...]:
        """The steps of a periodic or a regular round, in order."""
        if kind == "periodic":
            return self.steps
        return tuple(step for step in self.steps if step.id in self.regular_steps)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise ProcedureError(
            tr("Quy trình {procedure} không có bước “{step}”", procedure=self.id, step=step_id)
        )


def _month_day(value: Any, file: str, where: str) -> tuple[int, int]:
    try:
        month, day = int(value["month"]), int(value["day"])
        date(2000, month, day)
    except (KeyError, TypeError, ValueError) as error:
        raise ProcedureError(
            tr(
                "{file}, {where}: cần “month” và “day” hợp lệ ({error})",
                file=file,
                where=where,
                error=error,
            )
        ) from error
    return month, day


def _step(raw: dict[str, Any], file: str, index: int) -> Step:
    where = f"steps[{index}]"
    try:
        step_id, name, done_when = raw["id"], raw["name"], raw["done_when"]
    except KeyError as error:
        raise ProcedureError(
            tr("{file}, {where}: thiếu mục {error}", file=file, where=where, error=error)
        ) from error
    if done_when not in DONE_CONDITIONS:
        raise ProcedureError(
            tr(
                "{file}, {where}.done_when: “{written}” không phải một trong {conditions}",
                file=file,
                where=where,
                written=done_when,
                conditions=", ".join(DONE_CONDITIONS),
            )
        )
    deadline = raw.get("deadline")
    return Step(
        id=step_id,
        name=name,
        done_when=done_when,
        optional=bool(raw.get("optional", False)),
        deadline=_month_day(deadline, file, f"{where}.deadline") if deadline else None,
        documents=tuple(raw.get("documents", ())),
        note=raw.get("note", ""),
        name_setting=raw.get("name_setting"),
    )


def parse_procedure(doc: dict[str, Any], file: str) -> Procedure:
    """A procedure from its JSON document (ProcedureError naming ``file`` otherwise)."""
    try:
        steps = tuple(_step(raw, file, index) for index, raw in enumerate(doc["steps"]))
        regular = doc["regular"]
        procedure = Procedure(
            id=doc["id"],
            name=doc["name"],
            legal_basis=doc.get("legal_basis", ""),
            vote_threshold=float(doc["vote_threshold"]["value"]),
            posting_days=int(doc["posting_days"]["value"]),
            posting_days_status=doc["posting_days"].get("status", "unknown"),
            steps=steps,
            regular_steps=tuple(regular["steps"]),
            regular_start_day=int(regular["starts_day"]),
            regular_decision_days=int(regular["decision_within_days"]),
            periodic_start=_month_day(doc["periodic"]["starts"], file, "periodic.starts"),
            periodic_end=_month_day(doc["periodic"]["ends"], file, "periodic.ends"),
            certificate_years_after={
                kind: int(doc["certificate_validity"][kind]["years_after"])
                for kind in ("periodic", "regular")
            },
        )
    except (KeyError, TypeError) as error:
        raise ProcedureError(
            tr("{file}: thiếu hoặc sai mục {error}", file=file, error=error)
        ) from error
    ids = [step.id for step in steps]
    if len(set(ids)) != len(ids):
        raise ProcedureError(tr("{file}: hai bước trùng mã", file=file))
    unknown = [step for step in procedure.regular_steps if step not in ids]
    if unknown:
        raise ProcedureError(
            tr("{file}, regular.steps: không có bước “{step}”", file=file, step=unknown[0])
        )
    if not 0 < procedure.vote_threshold <= 1:
        raise ProcedureError(tr("{file}, vote_threshold: phải lớn hơn 0 và không quá 1", file=file))
    return procedure


def load_procedure(procedure_id: str = DEFAULT_PROCEDURE) -> Procedure:
    """A bundled procedure by id."""
    name = f"{procedure_id}.json"
    node = form_file("review", "procedures", name)
    if not node.is_file():
        raise ProcedureError(
            tr(
                "Không có quy trình rà soát “{procedure}” trong forms/review",
                procedure=procedure_id,
            )
        )
    try:
        doc = json.loads(node.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ProcedureError(
            tr("{file}: không đọc được JSON ({error})", file=name, error=error)
        ) from error
    return parse_procedure(doc, name)


def default_deadlines(
    procedure: Procedure, kind: str, year: int, month: int | None = None
) -> dict[str, str]:
    """Each step's deadline for a round (ISO dates): a periodic round's from the procedure's
    dates; a regular round has one, the chair's decision, within its days of the month's start."""
    if kind == "periodic":
        return {
            step.id: date(year, *step.deadline).isoformat()
            for step in procedure.steps
            if step.deadline
        }
    start = date(year, month or 1, procedure.regular_start_day)
    return {"recognition": (start + timedelta(days=procedure.regular_decision_days)).isoformat()}


def working_days_end(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The last day of a period of ``days`` working days from ``start`` (Saturdays, Sundays and
    the given holidays are not working days; ``start`` counts when it is one).

    >>> working_days_end(date(2026, 11, 6), 3)  # a Friday: Friday, Monday, Tuesday
    datetime.date(2026, 11, 10)
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    day, counted = start, 0
    while True:
        if day.weekday() < 5 and day not in holidays:
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)
