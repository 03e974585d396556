"""The review's workflow: open a round, build its list, survey, meet, post, recognise, correct.

Every function checks what the procedure asks before it writes, writes in one transaction and
says in the user's language what stops it (``ReviewError``). The steps, deadlines, vote threshold
and posting period come from the procedure file (gnapp.review.procedure); the round's standard
classifies the answers (gnapp.core.classify).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.core.classify import CLASS_LABELS, Classification, classify
from gnapp.core.household_checks import member_problems, roster_problems
from gnapp.core.movements import movement
from gnapp.core.record import record_problems
from gnapp.core.standards import (
    REGIONS,
    PointsTable,
    Standard,
    find_points_table,
    load_standard,
    round_standard,
)
from gnapp.core.vietnamese import fold, format_date, local_time
from gnapp.i18n import Translate, as_written, tr
from gnapp.review import procedure as procedures
from gnapp.review.progress import HouseholdState, household_states
from gnapp.store import register, review, users
from gnapp.store.as_of import households_present
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.official_totals import (
    correct_official_totals,
    freeze_official_totals,
    official_totals,
)

KINDS = ("periodic", "regular")
APPLICATION_KINDS = ("review", "escape")
STATUSES = register.STATUSES
POSTING_DAYS_SETTING = "review.posting_days"
HOLIDAYS_SETTING = "review.holidays"
# How many households an error message names before it says "and N more".
NAMED_IN_MESSAGE = 5


class ReviewError(DatabaseError):
    """An action the procedure does not allow now; the message says why (through ``tr``)."""


@dataclass(frozen=True)
class Round(review.StoredRound):
    """A review round as stored, with its title, procedure and standard."""

    @property
    def title(self) -> str:
        """The round's name in documents: "Rà soát định kỳ năm 2025"."""
        return self.title_in(as_written)

    def title_in(self, translate: Translate) -> str:
        """The round's name in ``translate``'s language (``tr`` where the GUI shows it)."""
        if self.kind == "periodic":
            return translate("Rà soát định kỳ năm {year}", year=self.year)
        return translate(
            "Rà soát thường xuyên tháng {month:02d}/{year}", month=self.month, year=self.year
        )

    @property
    def procedure(self) -> procedures.Procedure:
        return procedures.load_procedure(self.procedure_id)

    @property
    def standard(self) -> Standard:
        return load_standard(self.standard_id)


def _parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ReviewError(
            tr("{what}: “{text}” không phải ngày hợp lệ (YYYY-MM-DD)", what=what, text=text)
        ) from None


def _named(codes: Sequence[str]) -> str:
    shown = ", ".join(codes[:NAMED_IN_MESSAGE])
    more = len(codes) - NAMED_IN_MESSAGE
    return tr("{shown} và {more} hộ khác", shown=shown, more=more) if more > 0 else shown


def get_round(db: sqlite_utils.Database, round_id: int) -> Round:
    found = review.stored_round(db, round_id)
    if found is None:
        raise ReviewError(tr("Không tìm thấy đợt rà soát mã {round_id}", round_id=round_id))
    return Round(**vars(found))


def rounds(db: sqlite_utils.Database) -> list[Round]:
    """Every round, newest first."""
    return [Round(**vars(found)) for found in review.stored_rounds(db)]


def _open_round_of(db: sqlite_utils.Database, round_id: int) -> Round:
    found = get_round(db, round_id)
    if found.locked:
        raise ReviewError(
            tr(
                "{round} đã được công nhận (Quyết định số {number}) và khóa: chỉ sửa được bằng "
                "điều chỉnh có quyết định.",
                round=found.title_in(tr),
                number=found.decision_number,
            )
        )
    return found


def posting_days(db: sqlite_utils.Database, procedure: procedures.Procedure) -> int:
    """The posting period in working days: the commune's setting, else the procedure's."""
    return int(register.get_setting(db, POSTING_DAYS_SETTING, procedure.posting_days))


def open_round(
    cdb: CommuneDatabase,
    year: int,
    kind: str = "periodic",
    *,
    standard_id: str | None = None,
    reference_date: str | None = None,
    month: int | None = None,
    team: Iterable[str] = (),
    deadlines: Mapping[str, str] | None = None,
    procedure_id: str = procedures.DEFAULT_PROCEDURE,
) -> int:
    """Open a periodic round for a year or a regular round for a month; return its id.

    The standard is ``round_standard``'s unless one is chosen (a periodic round: the one in
    force on 1 January of ``year`` + 1; a regular round: its month's); the reference date is
    the start of the review (1 September, or the 15th of the month) unless given.
    """
    if kind not in KINDS:
        raise ReviewError(tr("Loại đợt rà soát không hợp lệ: {kind}", kind=kind))
    if kind == "regular" and not (month and 1 <= month <= 12):
        raise ReviewError(tr("Đợt rà soát thường xuyên cần tháng (1–12)"))
    procedure = procedures.load_procedure(procedure_id)
    standard = (
        load_standard(standard_id) if standard_id else round_standard(kind, year, month).standard
    )
    if kind == "periodic":
        start = date(year, *procedure.periodic_start)
    else:
        assert month is not None  # a regular round's month is checked above
        start = date(year, month, procedure.regular_start_day)
    reference = _parse_date(reference_date, tr("Ngày tham chiếu")) if reference_date else start
    dates = {**procedures.default_deadlines(procedure, kind, year, month), **(deadlines or {})}
    for step_id, text in dates.items():
        procedure.step(step_id)
        _parse_date(text, tr("Hạn của bước {step}", step=tr(procedure.step(step_id).name)))
    month = month if kind == "regular" else None
    with cdb.transaction() as db:
        same = review.round_opened_at(db, year, kind, month)
        if same:
            what = (
                tr("định kỳ năm {year}", year=year)
                if kind == "periodic"
                else tr("tháng {month:02d}/{year}", month=month, year=year)
            )
            raise ReviewError(
                tr(
                    "Đã có đợt rà soát {what} (mở ngày {opened})",
                    what=what,
                    opened=format_date(local_time(same).date()),
                )
            )
        return review.open_round(
            cdb,
            year,
            kind,
            standard.id,
            reference.isoformat(),
            procedure.steps_for(kind)[0].id,
            month=month,
            procedure_id=procedure.id,
            team=_names(team),
            deadlines=dates,
            posting_days=posting_days(db, procedure),
        )


def _names(team: Iterable[str]) -> list[str]:
    return [name.strip() for name in team if name.strip()]


def update_round(
    cdb: CommuneDatabase,
    round_id: int,
    *,
    standard_id: str | None = None,
    reference_date: str | None = None,
    team: Iterable[str] | None = None,
    deadlines: Mapping[str, str] | None = None,
    posting_days: int | None = None,
) -> None:
    """Change an open round's standard, reference date, review team, deadlines or posting days."""
    with cdb.transaction() as db:
        found = _open_round_of(db, round_id)
        standard = None if standard_id is None else load_standard(standard_id).id
        reference = None
        if reference_date is not None:
            reference = _parse_date(reference_date, tr("Ngày tham chiếu")).isoformat()
        if deadlines is not None:
            for step_id, text in deadlines.items():
                step = found.procedure.step(step_id)
                _parse_date(text, tr("Hạn của bước {step}", step=tr(step.name)))
        if posting_days is not None and posting_days < 1:
            raise ReviewError(tr("Thời gian niêm yết phải từ 1 ngày làm việc trở lên"))
        changes = {
            "standard_id": standard,
            "reference_date": reference,
            "team": None if team is None else _names(team),
            "deadlines": None if deadlines is None else {**found.deadlines, **deadlines},
            "posting_days": posting_days,
        }
        review.update_round(cdb, round_id, {k: v for k, v in changes.items() if v is not None})


# --- the review list ----------------------------------------------------------------------------


def _household_code(db: sqlite_utils.Database, household_id: int) -> str:
    try:
        return register.household_code(db, household_id)
    except DatabaseError:
        raise ReviewError(
            tr("Không tìm thấy hộ mã {household_id} trong sổ hộ", household_id=household_id)
        ) from None


def previous_statuses(
    db: sqlite_utils.Database, household_id: int, year: int
) -> tuple[str | None, list[str | None]]:
    """The household's latest status before ``year`` and the statuses of the years before it."""
    history = register.status_history(db, household_id)
    statuses = [row["status"] for row in history if row["year"] < year]
    return (statuses[-1], statuses[:-1]) if statuses else (None, [])


def _put_on_list(
    cdb: CommuneDatabase, found: Round, household_id: int, source: str, reason: str | None
) -> bool:
    """Add the household to the list (or back onto it); False when it is on it already."""
    entry = review.entry(cdb.db, found.id, household_id)
    if entry is not None:
        if entry["removed_reason"] is None:
            return False
        review.restore_entry(cdb, entry["id"], reason or entry["added_reason"])
        return True
    previous, _ = previous_statuses(cdb.db, household_id, found.year)
    review.add_entry(
        cdb, found.id, household_id, source=source, previous_status=previous, added_reason=reason
    )
    return True


def build_list(cdb: CommuneDatabase, round_id: int) -> int:
    """Put on the list the households now on the poor and near-poor lists (a periodic round)
    and every applicant, of those in the commune on the round's reference date; return how
    many were added. Households taken off by hand stay off."""
    with cdb.transaction() as db:
        found = _open_round_of(db, round_id)
        present = set(households_present(db, found.reference_date))
        added = 0
        if found.kind == "periodic":
            for household_id in review.listed_before(db, found.year):
                if household_id in present and review.entry(db, round_id, household_id) is None:
                    added += _put_on_list(cdb, found, household_id, "listed", None)
        for household_id in review.applicants(db, round_id):
            if household_id in present and review.entry(db, round_id, household_id) is None:
                added += _put_on_list(cdb, found, household_id, "applied", None)
        return added


def _required(value: str | None, what: str) -> str:
    """``value`` stripped; ReviewError "Cần ghi <what>" when it is empty."""
    text = (value or "").strip()
    if not text:
        raise ReviewError(tr("Cần ghi {what}", what=what))
    return text


def add_to_list(cdb: CommuneDatabase, round_id: int, household_id: int, reason: str) -> None:
    """Add a household to the list by hand, with the reason."""
    text = _required(reason, tr("lý do đưa hộ vào danh sách rà soát"))
    with cdb.transaction() as db:
        found = _open_round_of(db, round_id)
        code = _household_code(db, household_id)
        if not _put_on_list(cdb, found, household_id, "added", text):
            raise ReviewError(tr("Hộ {code} đã có trong danh sách rà soát", code=code))


def remove_from_list(cdb: CommuneDatabase, round_id: int, household_id: int, reason: str) -> None:
    """Take a household added by hand or by its application off the list, with the reason
    (its answers are kept); a household on last year's lists stays until the decision."""
    text = _required(reason, tr("lý do đưa hộ ra khỏi danh sách rà soát"))
    with cdb.transaction() as db:
        _open_round_of(db, round_id)
        entry = review.entry(db, round_id, household_id)
        if entry is None or entry["removed_reason"] is not None:
            code = _household_code(db, household_id)
            raise ReviewError(tr("Hộ {code} không có trong danh sách rà soát", code=code))
        if entry["source"] == "listed":
            # Its status of the year must follow from the review, or the year's movement
            # tables would lose it (column "other": moved away, split) without a record.
            code = _household_code(db, household_id)
            raise ReviewError(
                tr(
                    "Hộ {code} đang trong danh sách {status}: phải rà soát và được công nhận kết "
                    "quả, không đưa ra khỏi danh sách được",
                    code=code,
                    status=tr(CLASS_LABELS[entry["previous_status"]]),
                )
            )
        review.remove_entry(cdb, entry["id"], text)


def _require_listed(db: sqlite_utils.Database, round_id: int, household_id: int) -> None:
    entry = review.entry(db, round_id, household_id)
    if entry is None or entry["removed_reason"] is not None:
        code = _household_code(db, household_id)
        raise ReviewError(tr("Hộ {code} không có trong danh sách rà soát của đợt này", code=code))


APPLICANT_REQUIRED = ("full_name",)


def add_application(
    cdb: CommuneDatabase,
    round_id: int,
    household_id: int,
    *,
    kind: str,
    received_on: str,
    applicant: Mapping[str, Any],
    reason: str,
    channel: str | None = None,
) -> int:
    """Record an application (Mẫu số 01: to be reviewed; Mẫu số 04: to be recognised as having
    escaped) as written, and put the household on the list; return the application's id."""
    if kind not in APPLICATION_KINDS:
        raise ReviewError(tr("Loại giấy đề nghị không hợp lệ: {kind}", kind=kind))
    _parse_date(received_on, tr("Ngày nhận giấy đề nghị"))
    missing = [key for key in APPLICANT_REQUIRED if not str(applicant.get(key) or "").strip()]
    if missing:
        raise ReviewError(tr("Giấy đề nghị: cần họ và tên người làm đơn"))
    text = _required(reason, tr("lý do trong giấy đề nghị"))
    with cdb.transaction() as db:
        found = _open_round_of(db, round_id)
        _household_code(db, household_id)
        application: dict[str, Any] = {"kind": kind, "received_on": received_on, "channel": channel}
        application |= {"applicant": applicant, "reason": text}
        application_id = review.add_application(cdb, round_id, household_id, application)
        _put_on_list(cdb, found, household_id, "applied", None)
        return application_id


# --- survey: the questionnaires -----------------------------------------------------------------


@functools.cache
def points_table_for(standard_id: str, area: str, region: str | None) -> PointsTable | None:
    """The B1 points table installed for a standard, an area and the commune's region; None
    when there is none or the region is not one the tables know (read once per run)."""
    if region not in REGIONS:
        return None
    return find_points_table(standard_id, area, region)


def classify_for_round(
    db: sqlite_utils.Database, found: Round, record: Mapping[str, Any], *, checked: bool = False
) -> Classification:
    """Classify a household record under the round's standard at its reference date, with the
    installed points table when the record answers one (RecordError when the record is bad).
    ``checked``: the record was just validated against the schema (not done again)."""
    table = None
    if (record.get("income") or {}).get("b1_answers"):
        region = (register.get_commune(db) or {}).get("region")
        table = points_table_for(found.standard_id, record["area"], region)
    return classify(
        dict(record), found.standard, found.reference_date, points_table=table, stored=checked
    )


def _record_errors(record: Mapping[str, Any], reference: date) -> list[str]:
    problems = [str(problem) for problem in record_problems(dict(record), reference)]
    if problems:
        return problems
    members = [dict(member) for member in record["members"]]
    checks = [
        *(p for i, m in enumerate(members) for p in member_problems(m, i, today=reference)),
        *roster_problems(members, today=reference),
    ]
    return [
        (tr("thành viên {number}: ", number=p.member + 1) if p.member is not None else "")
        + p.message
        for p in checks
        if p.is_error
    ]


# The record's answers about the dwelling, kept in the register's household row.
DWELLING_FIELDS = (
    "floor_area_m2",
    "water_source",
    "latrine",
    "walls_durable",
    "frame_durable",
    "roof_durable",
    "uses_telecom",
    "waste_handled_hygienically",
)


def _register_changes(
    db: sqlite_utils.Database, household_id: int, record: Mapping[str, Any]
) -> dict[str, Any]:
    """The register's household fields the record answers differently."""
    wanted: dict[str, Any] = {key: record[key] for key in DWELLING_FIELDS if key in record}
    if record.get("agricultural") is not None:
        wanted["agricultural"] = record["agricultural"]
    wanted |= {key: list(record[key]) for key in register.HOUSEHOLD_LISTS if key in record}
    wanted |= {key: bool(value) for key, value in (record.get("groups") or {}).items()}
    stored = register.stored_household(db, household_id)
    return {key: value for key, value in wanted.items() if stored[key] != value}


def _roster_changes(
    db: sqlite_utils.Database,
    household_id: int,
    members: Sequence[Mapping[str, Any]],
    member_ids: Sequence[int | None],
) -> tuple[list[tuple[int | None, dict[str, Any]]], list[int]]:
    """(roster, removed) for register.save_household from the questionnaire's members."""
    rows = {row["id"]: row for row in register.members_of(db, household_id)}
    roster: list[tuple[int | None, dict[str, Any]]] = []
    for member_id, member in zip(member_ids, members, strict=True):
        fields = {key: member.get(key) for key in register.MEMBER_FIELDS}
        if member_id is None:
            roster.append((None, {k: v for k, v in fields.items() if v is not None}))
            continue
        if member_id not in rows:
            raise ReviewError(
                tr("Thành viên mã {member_id} không thuộc hộ này trong sổ hộ", member_id=member_id)
            )
        current = rows[member_id]
        changed = {}
        for key, value in fields.items():
            old = current[key]
            if key in register.MEMBER_BOOLEANS and old is not None:
                old = bool(old)
            if old != value:
                changed[key] = value
        roster.append((member_id, changed))
    kept = {member_id for member_id in member_ids if member_id is not None}
    return roster, [member_id for member_id in rows if member_id not in kept]


def same_person(member: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Whether two members' answers describe one person: the same citizen ID, else the same
    name (diacritics and case aside) and birth year."""
    if member.get("citizen_id") and member.get("citizen_id") == other.get("citizen_id"):
        return True
    return (
        fold(str(member.get("full_name") or "")) == fold(str(other.get("full_name") or ""))
        and str(member.get("birth_date") or "")[:4] == str(other.get("birth_date") or "")[:4]
    )


def match_members(
    db: sqlite_utils.Database, household_id: int, members: Sequence[Mapping[str, Any]]
) -> list[int | None]:
    """The register's member ids for a questionnaire's members (None: a new member), each
    register member matched once (gnapp.review.workflow.same_person)."""
    free = register.members_of(db, household_id)
    matched: list[int | None] = []
    for member in members:
        found = next((row for row in free if same_person(member, row)), None)
        if found is not None:
            free.remove(found)
        matched.append(None if found is None else found["id"])
    return matched


def stored_member_ids(
    db: sqlite_utils.Database, round_id: int, household_id: int, form: str, count: int
) -> list[int | None] | None:
    """The member ids saved with a questionnaire, those still in the household kept (None when
    none were saved or they no longer fit the answers)."""
    ids = review.questionnaire_member_ids(db, round_id, household_id, form)
    if ids is None or len(ids) != count:
        return None
    present = {member["id"] for member in register.members_of(db, household_id)}
    return [i if i in present else None for i in ids]


def save_survey(
    cdb: CommuneDatabase,
    round_id: int,
    household_id: int,
    record: Mapping[str, Any],
    member_ids: Sequence[int | None],
    *,
    form: str = "B",
    complete: bool,
    reviewer: str | None = None,
    surveyed_on: str | None = None,
) -> Classification | None:
    """Save a household's questionnaire; a draft as it is, a complete one only when valid.

    A complete Phiếu B is classified under the round's standard and its household fields and
    roster are written back to the register (the change log keeps who and what). A complete
    Phiếu A records the screening: a household found not eligible for Phiếu B stops there.
    ``member_ids`` are the register's ids of the record's members (None: a new member).
    """
    if form not in ("A", "B"):
        raise ReviewError(tr("Loại phiếu không hợp lệ: {form}", form=form))
    if surveyed_on:
        _parse_date(surveyed_on, tr("Ngày rà soát"))
    members = record.get("members") or []
    if len(member_ids) != len(members):
        raise ReviewError(tr("Danh sách mã thành viên không khớp danh sách thành viên của phiếu"))
    with cdb.transaction() as db:
        found = _open_round_of(db, round_id)
        _require_listed(db, round_id, household_id)
        code = _household_code(db, household_id)
        result: Classification | None = None
        class_code: str | None = None
        if complete and form == "A":
            screening = record.get("form_a") or {}
            if "eligible_for_form_b" not in screening:
                raise ReviewError(
                    tr(
                        "Hộ {code}, Phiếu A: chưa ghi kết quả (đủ điều kiện rà soát Phiếu B hay "
                        "không)",
                        code=code,
                    )
                )
            if (
                not screening["eligible_for_form_b"]
                and not str(screening.get("reason") or "").strip()
            ):
                raise ReviewError(
                    tr("Hộ {code}, Phiếu A: cần ghi lý do hộ không đủ điều kiện", code=code)
                )
            class_code = None if screening["eligible_for_form_b"] else "not_poor"
        elif complete:
            errors = _record_errors(record, found.reference_date)
            if errors:
                raise ReviewError(
                    tr("Hộ {code}: phiếu chưa hoàn thành được:", code=code)
                    + "\n- "
                    + "\n- ".join(errors[:10])
                )
            result = classify_for_round(db, found, record, checked=True)
            if result.class_code is None:
                raise ReviewError(
                    tr("Hộ {code}: chưa phân loại được — ", code=code)
                    + "; ".join(result.notes or (tr("thiếu dữ liệu"),))
                )
            class_code = result.class_code
            roster, removed = _roster_changes(db, household_id, members, member_ids)
            register.save_household(
                cdb, household_id, _register_changes(db, household_id, record), roster, removed
            )
        review.save_questionnaire(
            cdb,
            round_id,
            household_id,
            form,
            dict(record),
            state="complete" if complete else "draft",
            class_code=class_code,
            deprivation_count=result.deprivation_count if result else None,
            reviewer=reviewer,
            surveyed_on=surveyed_on,
            member_ids=member_ids,
        )
        return result


def questionnaire(
    db: sqlite_utils.Database, round_id: int, household_id: int, form: str = "B"
) -> dict[str, Any] | None:
    """A household's stored questionnaire in the round (answers decoded), or None."""
    return review.questionnaire(db, round_id, household_id, form)


# --- the village meeting ------------------------------------------------------------------------


def vote_outcome(procedure: procedures.Procedure, agreed: int, voting: int) -> str:
    """ "agreed" when at least the procedure's share (50 %) of those voting agreed, else
    "returned" (the household goes back to the survey)."""
    return "agreed" if agreed >= procedure.vote_threshold * voting else "returned"


REPRESENTATIVES = "household_representatives"  # the attendee group of the households' people


def meeting_problems(
    attendee_count: int,
    attendees: Mapping[str, int] | None,
    represented: int | None,
) -> list[str]:
    """What does not add up among a meeting's people: the groups must make up the number
    present, and a household is represented by someone present (so no more households than
    people, nor than the household representatives)."""
    problems = []
    if attendees is not None:
        if any(count < 0 for count in attendees.values()):
            problems.append(tr("số người của một thành phần tham dự không được âm"))
        total = sum(attendees.values())
        if total != attendee_count:
            problems.append(
                tr(
                    "cộng các thành phần tham dự được {total} người, khác tổng số người dự họp "
                    "({attendees})",
                    total=total,
                    attendees=attendee_count,
                )
            )
    if represented is not None:
        if represented > attendee_count:
            problems.append(
                tr(
                    "số hộ có đại diện ({represented}) nhiều hơn số người dự họp ({attendees})",
                    represented=represented,
                    attendees=attendee_count,
                )
            )
        if attendees and represented > attendees.get(REPRESENTATIVES, 0):
            problems.append(
                tr(
                    "số hộ có đại diện ({represented}) nhiều hơn số đại diện hộ gia đình dự họp "
                    "({representatives})",
                    represented=represented,
                    representatives=attendees.get(REPRESENTATIVES, 0),
                )
            )
    return problems


def record_meeting(
    cdb: CommuneDatabase,
    round_id: int,
    village_id: int,
    *,
    held_on: str,
    attendee_count: int,
    votes: Mapping[int, int | tuple[int, int]],
    place: str | None = None,
    chair: str | None = None,
    secretary: str | None = None,
    attendees: Mapping[str, int] | None = None,
    represented_households: int | None = None,
    note: str | None = None,
) -> int:
    """Record a village meeting and its vote per household: agreed by at least the procedure's
    share (50 %) of those voting, the result stands; below it, the household goes back to the
    survey (its questionnaire becomes a draft again) and must come to a meeting again.

    ``votes`` maps a household id to the number agreeing, or to (agreeing, voting) when not
    everyone present voted."""
    _parse_date(held_on, tr("Ngày họp"))
    if attendee_count < 1:
        raise ReviewError(tr("Số người dự họp phải lớn hơn 0"))
    if not votes:
        raise ReviewError(tr("Cuộc họp chưa có biểu quyết hộ nào"))
    with cdb.transaction() as db:
        found = _open_round_of(db, round_id)
        try:
            village = register.village_name(db, village_id)
        except DatabaseError:
            raise ReviewError(
                tr("Không tìm thấy thôn mã {village_id}", village_id=village_id)
            ) from None
        states = {s.household_id: s for s in household_states(db, round_id, households=votes)}
        problems = meeting_problems(attendee_count, attendees, represented_households)
        if problems:
            raise ReviewError(
                tr("Cuộc họp ở {village}: ", village=village) + "; ".join(problems) + "."
            )
        rows = []
        for household_id, vote in votes.items():
            agreed, voting = vote if isinstance(vote, tuple) else (vote, attendee_count)
            state = states.get(household_id)
            code = state.code if state else _household_code(db, household_id)
            if state is None:
                raise ReviewError(
                    tr("Hộ {code} không có trong danh sách rà soát của đợt này", code=code)
                )
            if state.village_id != village_id:
                raise ReviewError(tr("Hộ {code} không ở {village}", code=code, village=village))
            if not state.complete:
                raise ReviewError(
                    tr("Hộ {code} chưa hoàn thành phiếu rà soát: chưa đưa ra họp được", code=code)
                )
            if not 0 <= agreed <= voting <= attendee_count:
                raise ReviewError(
                    tr(
                        "Hộ {code}: số đồng ý ({agreed}) và số biểu quyết ({voting}) phải "
                        "0 ≤ đồng ý ≤ biểu quyết ≤ số người dự họp ({attendees})",
                        code=code,
                        agreed=agreed,
                        voting=voting,
                        attendees=attendee_count,
                    )
                )
            outcome = vote_outcome(found.procedure, agreed, voting)
            rows.append(review.Vote(household_id, agreed, voting, outcome, state.result))
        meeting = {"held_on": held_on, "attendee_count": attendee_count, "note": note}
        meeting |= {"place": place, "chair": chair, "secretary": secretary}
        present = {group: count for group, count in (attendees or {}).items() if count}
        meeting |= {"attendees": present, "represented_households": represented_households}
        meeting_id = review.add_meeting(cdb, round_id, village_id, meeting, rows)
        for counted in rows:
            if counted.outcome == "returned":
                review.return_to_survey(cdb, round_id, counted.household_id)
        return meeting_id


# --- public posting and complaints --------------------------------------------------------------


def _holidays(db: sqlite_utils.Database) -> frozenset[date]:
    return frozenset(date.fromisoformat(d) for d in register.get_setting(db, HOLIDAYS_SETTING, []))


def round_posting_days(db: sqlite_utils.Database, found: Round) -> int:
    """The round's posting period in working days: its own, else ``posting_days``."""
    return found.posting_days or posting_days(db, found.procedure)


def posting_end(db: sqlite_utils.Database, found: Round, start: date) -> date:
    """The last day of a posting from ``start``: the round's working days, weekends and the
    commune's holidays not counted."""
    return procedures.working_days_end(start, round_posting_days(db, found), _holidays(db))


def open_posting(
    cdb: CommuneDatabase, round_id: int, starts_on: str, *, places: str | None = None
) -> tuple[str, str]:
    """Post the results publicly from ``starts_on`` for the round's posting period (working
    days); every household on the list must have been agreed at a meeting. Return (start, end).
    Posting again (after a re-check) replaces the period."""
    start = _parse_date(starts_on, tr("Ngày bắt đầu niêm yết"))
    with cdb.transaction() as db:
        found = _open_round_of(db, round_id)
        states = household_states(db, round_id)
        if not states:
            raise ReviewError(tr("Danh sách rà soát chưa có hộ nào: chưa niêm yết được"))
        waiting = [s.code for s in states if not s.agreed]
        if waiting:
            raise ReviewError(
                tr(
                    "Còn {count} hộ chưa được họp dân thống nhất: {households}",
                    count=len(waiting),
                    households=_named(waiting),
                )
            )
        last = review.last_meeting_date(db, round_id)
        if last and last > starts_on:
            raise ReviewError(
                tr(
                    "Ngày niêm yết ({posted}) trước cuộc họp dân cuối cùng ({meeting})",
                    posted=format_date(start),
                    meeting=format_date(date.fromisoformat(last)),
                )
            )
        end = posting_end(db, found, start).isoformat()
        review.replace_posting(cdb, round_id, start.isoformat(), end, places)
        return start.isoformat(), end


def posting(db: sqlite_utils.Database, round_id: int) -> dict[str, Any] | None:
    """The round's posting (starts_on, ends_on, places), or None."""
    return review.posting(db, round_id)


def add_complaint(
    cdb: CommuneDatabase,
    round_id: int,
    household_id: int,
    *,
    received_on: str,
    content: str,
    complainant: str | None = None,
) -> int:
    """Record a complaint about a household's posted result; it is settled by a re-check."""
    received = _parse_date(received_on, tr("Ngày nhận khiếu nại"))
    text = _required(content, tr("nội dung khiếu nại"))
    with cdb.transaction() as db:
        _open_round_of(db, round_id)
        _require_listed(db, round_id, household_id)
        posted = posting(db, round_id)
        if posted is None:
            raise ReviewError(tr("Kết quả chưa được niêm yết: chưa nhận khiếu nại được"))
        if received.isoformat() < posted["starts_on"]:
            raise ReviewError(
                tr(
                    "Ngày nhận khiếu nại ({received}) trước ngày bắt đầu niêm yết ({posted})",
                    received=format_date(received),
                    posted=format_date(date.fromisoformat(posted["starts_on"])),
                )
            )
        complaint = {"received_on": received.isoformat(), "content": text}
        return review.add_complaint(
            cdb, round_id, household_id, {**complaint, "complainant": complainant}
        )


def record_recheck(
    cdb: CommuneDatabase,
    complaint_id: int,
    *,
    recheck_on: str,
    result: str,
    recheck_class: str,
) -> None:
    """Settle a complaint with the re-check (phúc tra): what was found and the class it gives."""
    _parse_date(recheck_on, tr("Ngày phúc tra"))
    text = _required(result, tr("kết quả phúc tra"))
    if recheck_class not in STATUSES:
        raise ReviewError(
            tr("Kết quả phân loại sau phúc tra không hợp lệ: {status}", status=recheck_class)
        )
    with cdb.transaction() as db:
        found = review.complaint(db, complaint_id)
        if found is None:
            raise ReviewError(
                tr("Không tìm thấy khiếu nại mã {complaint_id}", complaint_id=complaint_id)
            )
        _open_round_of(db, found["round_id"])
        if recheck_on < found["received_on"]:
            raise ReviewError(tr("Ngày phúc tra trước ngày nhận khiếu nại"))
        review.settle_complaint(
            cdb, complaint_id, recheck_on=recheck_on, result=text, recheck_class=recheck_class
        )


def complaints(db: sqlite_utils.Database, round_id: int) -> list[dict[str, Any]]:
    """The round's complaints with the household's code and head, in the order received."""
    return review.complaints(db, round_id)


def record_opinion(
    cdb: CommuneDatabase, round_id: int, *, by: str, number: str | None, given_on: str, content: str
) -> None:
    """The optional opinion of the level above on the results (who, document, date, content)."""
    _parse_date(given_on, tr("Ngày cho ý kiến"))
    with cdb.transaction() as db:
        _open_round_of(db, round_id)
        opinion = {
            "by": _required(by, tr("cơ quan cho ý kiến")),
            "number": number,
            "given_on": given_on,
            "content": content,
        }
        review.update_round(cdb, round_id, {"opinion": opinion})


# --- recognition and corrections ----------------------------------------------------------------


def _write_status(
    cdb: CommuneDatabase,
    db: sqlite_utils.Database,
    found: Round,
    household_id: int,
    status: str,
    decision_number: str,
    decision_date: str,
    note: str | None = None,
) -> None:
    previous, earlier = previous_statuses(db, household_id, found.year)
    register.set_status(
        cdb,
        household_id,
        found.year,
        status,
        movement=movement(previous, status, earlier),
        standard_id=found.standard_id,
        decision_number=decision_number,
        decision_date=decision_date,
        note=note,
    )


def recognition_problems(db: sqlite_utils.Database, round_id: int, decision_date: str) -> list[str]:
    """What still stops the chair's decision (empty: the round can be recognised)."""
    return _problems_of(db, round_id, household_states(db, round_id), decision_date)


def _problems_of(
    db: sqlite_utils.Database, round_id: int, states: Sequence[HouseholdState], decision_date: str
) -> list[str]:
    problems = []
    if not states:
        problems.append(tr("Danh sách rà soát chưa có hộ nào"))
    waiting = [s.code for s in states if not s.agreed]
    if waiting:
        problems.append(
            tr(
                "{count} hộ chưa được họp dân thống nhất: {households}",
                count=len(waiting),
                households=_named(waiting),
            )
        )
    disputed = [s.code for s in states if s.disputed]
    if disputed:
        problems.append(
            tr(
                "{count} hộ còn khiếu nại chưa phúc tra: {households}",
                count=len(disputed),
                households=_named(disputed),
            )
        )
    posted = posting(db, round_id)
    if posted is None:
        problems.append(tr("Kết quả chưa được niêm yết công khai"))
    elif posted["ends_on"] >= decision_date:
        problems.append(
            tr(
                "Thời gian niêm yết đến hết ngày {ends}: ngày quyết định phải sau ngày đó",
                ends=format_date(date.fromisoformat(posted["ends_on"])),
            )
        )
    return problems


def recognise(
    cdb: CommuneDatabase,
    round_id: int,
    decision_number: str,
    decision_date: str,
    *,
    approver: users.User | None,
) -> int:
    """The chair's decision: every household on the list gets its status for the year (with
    the movement from last year's and the decision), and the round locks; a periodic round's
    decision freezes the year's official totals. Only an approver may; nothing is written while
    a step is unfinished. Return how many statuses were written."""
    users.require(approver, "approve")
    number = _required(decision_number, tr("số quyết định công nhận"))
    _parse_date(decision_date, tr("Ngày quyết định"))
    with cdb.transaction() as db:
        found = _open_round_of(db, round_id)
        states = household_states(db, round_id)
        problems = _problems_of(db, round_id, states, decision_date)
        if problems:
            raise ReviewError(tr("Chưa công nhận được:") + "\n- " + "\n- ".join(problems))
        for state in states:
            assert state.result is not None  # agreed at a meeting: surveyed and classified
            _write_status(cdb, db, found, state.household_id, state.result, number, decision_date)
        review.recognise_round(cdb, round_id, number, decision_date, approver=approver)
        if found.kind == "periodic":
            freeze_official_totals(cdb, found.year, number, decision_date, round_id=round_id)
        return len(states)


def correct(
    cdb: CommuneDatabase,
    round_id: int,
    household_id: int,
    new_status: str,
    *,
    reason: str,
    decision_number: str,
    decision_date: str,
    approver: users.User | None,
) -> None:
    """Correct a household's recognised status by a new decision (the round stays locked; the
    correction is recorded with its reason, and the year's status and movement follow it; a
    periodic round's correction records the year's corrected official totals)."""
    users.require(approver, "approve")
    if new_status not in STATUSES:
        raise ReviewError(tr("Tình trạng không hợp lệ: {status}", status=new_status))
    text = _required(reason, tr("lý do điều chỉnh"))
    number = _required(decision_number, tr("số quyết định điều chỉnh"))
    day = _parse_date(decision_date, tr("Ngày quyết định điều chỉnh"))
    with cdb.transaction() as db:
        found = get_round(db, round_id)
        if not found.locked:
            raise ReviewError(
                tr(
                    "{round} chưa được công nhận: sửa trực tiếp trên phiếu",
                    round=found.title_in(tr),
                )
            )
        recognised_on = found.decided_on
        if recognised_on is not None and day < recognised_on:
            raise ReviewError(
                tr(
                    "Ngày quyết định điều chỉnh phải từ ngày quyết định công nhận {date} trở đi",
                    date=format_date(recognised_on),
                )
            )
        _require_listed(db, round_id, household_id)
        history = register.status_history(db, household_id)
        old = next((row["status"] for row in history if row["year"] == found.year), None)
        if old == new_status:
            code = _household_code(db, household_id)
            raise ReviewError(
                tr("Hộ {code} đã có tình trạng này trong năm {year}", code=code, year=found.year)
            )
        correction = {"old_status": old, "new_status": new_status, "reason": text}
        correction |= {"decision_number": number, "decision_date": decision_date}
        review.add_correction(cdb, round_id, household_id, correction)
        _write_status(cdb, db, found, household_id, new_status, number, decision_date, text)
        if found.kind == "periodic" and official_totals(db, found.year) is not None:
            correct_official_totals(cdb, found.year, number, decision_date, text)


def corrections(db: sqlite_utils.Database, round_id: int) -> list[dict[str, Any]]:
    """The round's corrections with the household's code and head, in the order made."""
    return review.corrections(db, round_id)
