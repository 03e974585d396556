"""The preview of a tablet import: every submission matched with its household, read, checked
and classified under the round's standard; nothing written."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from gnapp.core import household_checks
from gnapp.core.classify import CLASS_LABELS
from gnapp.core.record import RecordError, record_problems
from gnapp.core.standards import StandardError
from gnapp.core.vietnamese import format_date
from gnapp.i18n import tr, tr_noop
from gnapp.importers import parsing
from gnapp.importers.parsing import CellError
from gnapp.importers.plan import ERROR, WARNING
from gnapp.importers.reading import ImportFileError, column_letter
from gnapp.progress import Progress
from gnapp.review.questionnaire import start_answers, survey_for
from gnapp.review.tablet.cells import boolean, read_cell
from gnapp.review.tablet.fields import field_by_id, fields_by_id
from gnapp.review.tablet.mapping import SavedMapping
from gnapp.review.tablet.reading import Table, household_code_column, read_export
from gnapp.review.workflow import (
    ReviewError,
    Round,
    classify_for_round,
    get_round,
    match_members,
)
from gnapp.review.xlsform import check_round
from gnapp.store import register, review

_PROGRESS_EVERY = 20


@dataclass(frozen=True)
class TabletProblem:
    """A problem of one submission: where it is (file, sheet, row, column) and which field."""

    file: str
    sheet: str
    row: int
    column: str  # "C (members/sex)", "" when the problem is the row's
    field: str  # the field's label in the user's language, "" when none
    message: str
    severity: str = ERROR

    @property
    def location(self) -> str:
        where = tr(
            "Tệp {file}, trang “{sheet}”, dòng {row}",
            file=self.file,
            sheet=self.sheet,
            row=self.row,
        )
        if self.column:
            where += tr(", cột {column}", column=self.column)
        if self.field:
            where += tr(", trường “{field}”", field=self.field)
        return where

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class Submission:
    """One questionnaire of the file, as it will be saved."""

    file: str
    sheet: str
    row: int
    code: str | None
    household_id: int | None = None
    head_name: str = ""
    record: dict[str, Any] | None = None  # the Phiếu B; None when Phiếu A ends the survey
    member_ids: list[int | None] = field(default_factory=list)
    screening: dict[str, Any] | None = None  # the Phiếu A, when the submission answers it
    screening_member_ids: list[int | None] = field(default_factory=list)
    reviewer: str | None = None
    surveyed_on: str | None = None
    class_code: str | None = None
    class_label: str = ""
    deprivation_count: int | None = None
    problems: list[TabletProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[TabletProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def ok(self) -> bool:
        return (self.record is not None or self.screening is not None) and not self.errors


@dataclass
class TabletPlan:
    round_id: int
    reference_date: date
    standard_id: str
    files: list[str]
    submissions: list[Submission]
    problems: list[TabletProblem]  # rows that belong to no submission (orphan members)
    notes: list[str]

    def to_save(self) -> list[Submission]:
        return [s for s in self.submissions if s.ok]

    def all_problems(self) -> list[TabletProblem]:
        return [*self.problems, *(p for s in self.submissions for p in s.problems)]

    @property
    def rejected(self) -> list[Submission]:
        return [s for s in self.submissions if not s.ok]


def review_list_problem(db: sqlite_utils.Database, round_id: int, household_id: int) -> str | None:
    """Why the household cannot be surveyed in the round (not on its review list), or None."""
    entry = review.entry(db, round_id, household_id)
    if entry is None:
        return tr("Hộ không có trong danh sách rà soát của đợt này: thêm hộ vào danh sách trước.")
    if entry["removed_reason"] is not None:
        return tr(
            "Hộ đã được đưa ra khỏi danh sách rà soát của đợt này ({reason}).",
            reason=entry["removed_reason"],
        )
    return None


SCREENING = "household.form_a."
"""The fields of Phiếu A: a submission with one of their columns answers Phiếu A."""

_RECORD_PATH = re.compile(r"members\[(\d+)\](?:\.(\w+))?")


def _record_field(path: str) -> tuple[int | None, str]:
    """(member index, field id) a record path names: "members[2].sex" -> (2, "member.sex"),
    "income.b1_score" -> (None, "household.income.b1_score"); "" for the roster as a whole."""
    if match := _RECORD_PATH.match(path):
        return int(match[1]), f"member.{match[2]}" if match[2] else ""
    parts = re.split(r"[.\[]", path)
    for size in (2, 1):
        field_id = "household." + ".".join(parts[:size])
        if field_id in fields_by_id():
            return None, field_id
    return None, ""


class _Builder:
    """Builds and checks one submission's record from its row and its member rows."""

    def __init__(self, db: sqlite_utils.Database, found: Round, mapping: SavedMapping | None):
        self.db = db
        self.round = found
        self.values = mapping.values if mapping else {}
        self.today = date.today()

    def problem(
        self,
        submission: Submission,
        table: Table,
        row: int,
        column: int | None,
        label: str,
        message: str,
        severity: str = ERROR,
    ) -> None:
        """A problem of the submission; ``label`` (a field's label, a catalogue text) is shown
        in the user's language."""
        shown = f"{column_letter(column)} ({table.headings[column]})" if column is not None else ""
        label = tr(label) if label else ""
        submission.problems.append(
            TabletProblem(table.file, table.sheet.name, row, shown, label, message, severity)
        )

    def read_row(
        self, submission: Submission, table: Table, row: int, cells: list[Any]
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """{field id: value} of the cells that hold an answer, and the column of each field."""
        found: dict[str, Any] = {}
        where: dict[str, int] = {}
        split: dict[str, list[str]] = {}
        split_seen: set[str] = set()
        whole = {r.field for r in table.roles if r.field and r.choice is None}
        for column, role in enumerate(table.roles):
            if not role.field:
                continue
            item = field_by_id(role.field)
            raw = table.cell(cells, column)
            try:
                if role.choice is not None:
                    if role.field in whole or raw is None:
                        continue
                    split_seen.add(role.field)
                    where.setdefault(role.field, column)
                    if boolean(raw):
                        split.setdefault(role.field, []).append(role.choice)
                    continue
                value = read_cell(raw, item, self.values.get(role.field), self.today)
            except CellError as error:
                self.problem(submission, table, row, column, item.label, str(error))
                continue
            where[role.field] = column  # an empty cell too: a missing answer is told there
            if value is None:
                continue
            for warning in value.warnings:
                self.problem(submission, table, row, column, item.label, warning, WARNING)
            found[role.field] = value.value
        for field_id in split_seen:
            found[field_id] = split.get(field_id, [])
        return found, where

    def build(
        self, table: Table, row: int, cells: list[Any], members: Table | None,
        member_rows: list[tuple[int, list[Any]]],
    ) -> Submission:  # fmt: skip
        code_column = household_code_column(table)
        assert code_column is not None
        code = parsing.text(table.cell(cells, code_column))
        submission = Submission(table.file, table.sheet.name, row, code)
        if code is None:
            self.problem(submission, table, row, code_column, tr_noop("Mã hộ"), tr("Thiếu mã hộ"))
            return submission
        answers, where = self.read_row(submission, table, row, cells)
        submission.surveyed_on = answers.pop("questionnaire.surveyed_on", None)
        submission.reviewer = answers.pop("questionnaire.reviewer", None)
        submission.household_id = register.household_id_by_code(self.db, code)
        if submission.household_id is None:
            self.problem(
                submission, table, row, code_column, tr_noop("Mã hộ"),
                tr("Không có hộ mã {code} trong sổ hộ của xã", code=code),
            )  # fmt: skip
            return submission
        village_id = register.stored_household(self.db, submission.household_id)["village_id"]
        reason = review_list_problem(self.db, self.round.id, submission.household_id)
        if reason:
            self.problem(submission, table, row, code_column, tr_noop("Mã hộ"), reason)
        if any(role.field.startswith(SCREENING) for role in table.roles if role.field):
            answered = {k: answers.pop(k) for k in list(answers) if k.startswith(SCREENING)}
            if not self.screen(submission, table, row, answered, where) or reason:
                return submission
        record = register.household_record(self.db, submission.household_id)
        register_ids = [m["id"] for m in register.members_of(self.db, submission.household_id)]
        for field_id, value in answers.items():
            path = field_by_id(field_id).path
            if len(path) == 2:
                record.setdefault(path[0], {})
                if record[path[0]] is None:
                    record[path[0]] = {}
                record[path[0]][path[1]] = value
            else:
                record[path[0]] = value
        member_origin: list[tuple[Table, int, dict[str, int]] | None]
        if member_rows and members is not None:
            record["members"], submission.member_ids, member_origin = self.roster(
                submission, members, member_rows, record["members"], register_ids
            )
        else:
            submission.member_ids = list(register_ids)
            member_origin = [None] * len(record["members"])
            if members is not None:
                self.problem(
                    submission, table, row, None, tr_noop("Thành viên"),
                    tr(
                        "Phiếu không có dòng thành viên nào: giữ nguyên danh sách thành viên "
                        "trong sổ hộ"
                    ),
                    WARNING,
                )  # fmt: skip
        submission.record = record
        head = next((m for m in record["members"] if m.get("relation") == "head"), None)
        submission.head_name = (head or {}).get("full_name", "")
        self.check(submission, table, row, where, member_origin, village_id)
        return submission

    def screen(
        self, submission: Submission, table: Table, row: int, answered: dict[str, Any],
        where: dict[str, int],
    ) -> bool:  # fmt: skip
        """Phiếu A as the wizard saves it (its start answers with the submission's outcome,
        through its questionnaire's record); whether Phiếu B follows (the household eligible)."""
        assert submission.household_id is not None
        start = start_answers(self.db, self.round.id, submission.household_id, "A")
        outcome = {field_by_id(k).name: v for k, v in answered.items()}
        start.answers["form_a"] = outcome
        survey = survey_for(self.db, self.round.id, "A")
        for issue in survey.issues(start.answers):
            if issue.is_error and issue.key.startswith(SCREENING):
                label = field_by_id(issue.key).label
                self.problem(submission, table, row, where.get(issue.key), label, issue.message)
        if submission.errors:
            return False
        submission.screening = survey.build_record(start.answers)
        submission.screening_member_ids = start.member_ids
        if outcome.get("eligible_for_form_b"):
            return True
        submission.class_code = "not_poor"
        submission.class_label = CLASS_LABELS["not_poor"]
        return False

    def roster(
        self,
        submission: Submission,
        members: Table,
        rows: list[tuple[int, list[Any]]],
        known: list[dict[str, Any]],
        known_ids: list[int],
    ) -> tuple[
        list[dict[str, Any]], list[int | None], list[tuple[Table, int, dict[str, int]] | None]
    ]:
        """The members of the questionnaire, each matched with the register's roster (by citizen
        ID, else by name and birth year): its register id and its register fields under the
        answers."""
        given: list[dict[str, Any]] = []
        origin: list[tuple[Table, int, dict[str, int]] | None] = []
        for row, cells in rows:
            answers, where = self.read_row(submission, members, row, cells)
            given.append({field_by_id(k).name: v for k, v in answers.items()})
            origin.append((members, row, where))
        assert submission.household_id is not None
        ids = match_members(self.db, submission.household_id, given)
        by_id = dict(zip(known_ids, known, strict=True))
        roster = [
            {**by_id[member_id], **member} if member_id is not None else member
            for member_id, member in zip(ids, given, strict=True)
        ]
        for member_id, member in by_id.items():
            if member_id not in ids:
                self.problem(
                    submission, members, rows[0][0], None, tr_noop("Thành viên"),
                    tr(
                        "{name} có trong sổ hộ nhưng không có trong phiếu: sẽ được đưa ra khỏi hộ",
                        name=member.get("full_name"),
                    ),
                    WARNING,
                )  # fmt: skip
        return roster, ids, origin

    def check(
        self,
        submission: Submission,
        table: Table,
        row: int,
        where: dict[str, int],
        member_origin: list[tuple[Table, int, dict[str, int]] | None],
        village_id: int,
    ) -> None:
        """The record's own checks, the household form's checks, then the class."""
        record = submission.record
        assert record is not None
        reported: set[tuple[int | None, str]] = set()

        def place(member: int | None, field_id: str, message: str, severity: str) -> None:
            label = (
                field_by_id(field_id).label if field_id in fields_by_id() else tr_noop("Thành viên")
            )
            origin = member_origin[member] if member is not None else None
            if origin is not None:
                target, at, columns = origin
                self.problem(
                    submission, target, at, columns.get(field_id), label, message, severity
                )
                return
            if member is not None:  # a member kept from the register: no row of its own
                name = record["members"][member].get("full_name") or ""
                message = tr(
                    "Thành viên thứ {number} ({name}): {message}",
                    number=member + 1,
                    name=name,
                    message=message,
                )
            self.problem(submission, table, row, where.get(field_id), label, message, severity)

        for error in record_problems(record, self.round.reference_date):
            member, field_id = _record_field(error.path)
            reported.add((member, field_id))
            place(member, field_id, error.reason, ERROR)
        household = {
            "code": record["household_code"],
            "village_id": village_id,
            "floor_area_m2": record.get("floor_area_m2"),
        }
        members = record["members"]
        elsewhere = {
            m["citizen_id"]: register.citizen_id_elsewhere(
                self.db, m["citizen_id"], submission.household_id
            )
            for m in members
            if m.get("citizen_id")
        }
        for found in household_checks.household_problems(
            household, members, today=self.today, elsewhere=elsewhere
        ):
            field_id = found.field if found.field != "household.members" else ""
            if (found.member, field_id) not in reported:
                place(found.member, field_id, found.message, found.severity)
        if submission.errors:
            return
        try:
            result = classify_for_round(self.db, self.round, record)
        except (RecordError, StandardError) as error:
            self.problem(submission, table, row, None, "", str(error))
            return
        if result.class_code is None:
            missing = "; ".join(result.notes or (tr("thiếu dữ liệu"),))
            self.problem(
                submission, table, row, None, "", tr("Chưa phân loại được — {why}", why=missing)
            )
            return
        submission.class_code = result.class_code
        submission.class_label = result.class_label
        submission.deprivation_count = result.deprivation_count


def plan_tablet_import(
    db: sqlite_utils.Database,
    round_id: int,
    paths: Sequence[str | Path],
    *,
    mapping: SavedMapping | None = None,
    progress: Progress | None = None,
) -> TabletPlan:
    """Read the export, match every submission with its household and check it: nothing written."""
    try:
        found = get_round(db, round_id)
    except ReviewError as error:
        raise ImportFileError(str(error)) from None
    if found.locked:
        raise ImportFileError(
            tr(
                "{round} đã được công nhận và khóa: không nhập thêm phiếu được.",
                round=found.title_in(tr),
            )
        )
    export = read_export(paths, mapping)
    check_round(db, round_id, export.main)
    builder = _Builder(db, found, mapping)
    main, members = export.main, export.members
    children: dict[str, list[tuple[int, list[Any]]]] = {}
    problems: list[TabletProblem] = []
    parent_key: int | None = None
    if members is not None:
        child_link = members.link_column(("_parent_index", "PARENT_KEY"))
        assert child_link is not None
        parent_name = "_index" if members.roles[child_link].link == "_parent_index" else "KEY"
        parent_key = main.link_column((parent_name,))
        if parent_key is None:
            raise ImportFileError(
                tr(
                    "Trang thành viên “{members}” nối với phiếu qua cột {link} nhưng trang "
                    "“{main}” của tệp {file} không có cột {parent}.",
                    members=members.sheet.name,
                    link=members.headings[child_link],
                    main=main.sheet.name,
                    file=main.file,
                    parent=parent_name,
                )
            )
        for row, cells in members.data_rows():
            key = parsing.text(members.cell(cells, child_link))
            children.setdefault(key or "", []).append((row, cells))
    rows = list(main.data_rows())
    submissions: list[Submission] = []
    used: set[str] = set()
    for number, (row, cells) in enumerate(rows):
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(
                number,
                len(rows),
                tr("Đang kiểm tra phiếu {number}/{total}…", number=number + 1, total=len(rows)),
            )
        key = parsing.text(main.cell(cells, parent_key)) if parent_key is not None else None
        mine = children.get(key, []) if key is not None else []
        if key is not None:
            used.add(key)
        submissions.append(builder.build(main, row, cells, members, mine))
    if members is not None:
        for key, orphans in children.items():
            if key in used:
                continue
            for row, _ in orphans:
                problems.append(
                    TabletProblem(
                        members.file, members.sheet.name, row, "", tr("Thành viên"),
                        tr(
                            "Dòng thành viên không thuộc phiếu nào (mã nối “{key}” không có ở "
                            "trang “{sheet}”)",
                            key=key,
                            sheet=main.sheet.name,
                        ),
                    )
                )  # fmt: skip
    _flag_duplicates(submissions)
    _flag_surveyed(db, round_id, submissions)
    return TabletPlan(
        round_id, found.reference_date, found.standard_id,
        sorted({s.file for s in submissions} | {main.file, *( [members.file] if members else [])}),
        submissions, problems, export.notes,
    )  # fmt: skip


def _flag_duplicates(submissions: list[Submission]) -> None:
    by_household: dict[int, list[Submission]] = {}
    for submission in submissions:
        if submission.household_id is not None:
            by_household.setdefault(submission.household_id, []).append(submission)
    for same in by_household.values():
        if len(same) < 2:
            continue
        for submission in same:
            others = ", ".join(str(s.row) for s in same if s is not submission)
            submission.problems.append(
                TabletProblem(
                    submission.file, submission.sheet, submission.row, "", tr("Mã hộ"),
                    tr(
                        "Hộ {code} có phiếu trùng ở dòng {rows}: xóa phiếu thừa rồi nhập lại",
                        code=submission.code,
                        rows=others,
                    ),
                )
            )  # fmt: skip


def _flag_surveyed(db: sqlite_utils.Database, round_id: int, submissions: list[Submission]) -> None:
    """Warn where a complete Phiếu B of the round would be replaced."""
    done = review.complete_surveys(db, round_id)
    for submission in submissions:
        if submission.household_id in done:
            when = done[submission.household_id]
            shown = format_date(date.fromisoformat(when)) if when else tr("trước đây")
            submission.problems.append(
                TabletProblem(
                    submission.file, submission.sheet, submission.row, "", "",
                    tr(
                        "Hộ {code} đã có Phiếu B hoàn thành (rà soát {when}): phiếu này sẽ thay "
                        "phiếu cũ",
                        code=submission.code,
                        when=shown,
                    ),
                    WARNING,
                )
            )  # fmt: skip
