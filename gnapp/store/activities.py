"""Programme activities and models, their beneficiaries, and the general poverty policies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.core.vietnamese import fold, format_number, nfc
from gnapp.i18n import tr, tr_noop
from gnapp.store.database import CommuneDatabase, inserted_id
from gnapp.store.date_range import IN_RANGE, DateRange, range_params
from gnapp.store.errors import DatabaseError
from gnapp.store.household_query import HouseholdQuery, matching_ids
from gnapp.store.programme import check_project

ACTIVITY_KINDS = {
    "model": tr_noop("Mô hình giảm nghèo, sinh kế"),
    "production": tr_noop("Hỗ trợ phát triển sản xuất"),
    "training": tr_noop("Đào tạo nghề, tập huấn"),
    "housing": tr_noop("Hỗ trợ nhà ở"),
    "communication": tr_noop("Truyền thông, thông tin"),
    "infrastructure": tr_noop("Công trình hạ tầng"),
    "other": tr_noop("Hoạt động khác"),
}
# The general policies besides the Programme (domain/programme.md). Both tables' labels are
# Vietnamese in documents and pass through tr() where the GUI shows them.
POLICIES = {
    "credit": tr_noop("Vay vốn tín dụng ưu đãi (Ngân hàng Chính sách xã hội)"),
    "health_insurance": tr_noop("Hỗ trợ thẻ bảo hiểm y tế"),
    "tuition": tr_noop("Miễn, giảm học phí, hỗ trợ chi phí học tập"),
    "electricity": tr_noop("Hỗ trợ tiền điện"),
    "legal_aid": tr_noop("Trợ giúp pháp lý"),
}
ACTIVITY_FIELDS = (
    "year",
    "programme_id",
    "project_code",
    "name",
    "kind",
    "funding_source",
    "budget",
    "started_on",
    "village_id",
    "note",
)


@dataclass(frozen=True)
class Candidate:
    """A household found by a search, to be chosen as a beneficiary."""

    household_id: int
    code: str
    head_name: str
    village_name: str
    status: str | None  # its status in the year searched


def _check_amount(amount: int | None, what: str) -> None:
    if amount is not None and amount < 0:
        raise DatabaseError(tr("{what} không được âm.", what=what))


def _check_household(
    db: sqlite_utils.Database, household_id: int, member_id: int | None = None
) -> None:
    if db.execute("SELECT 1 FROM households WHERE id = ?", [household_id]).fetchone() is None:
        raise DatabaseError(tr("Không có hộ số {id} trong sổ hộ.", id=household_id))
    if member_id is not None:
        row = db.execute("SELECT household_id FROM members WHERE id = ?", [member_id]).fetchone()
        if row is None or row[0] != household_id:
            raise DatabaseError(tr("Người hưởng lợi phải là thành viên của hộ đã chọn."))


def _activity_row(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise DatabaseError(
            tr("Trường không có trong hoạt động: {fields}", fields=", ".join(sorted(unknown)))
        )
    row: dict[str, Any] = {field: fields.get(field) for field in ACTIVITY_FIELDS}
    row["name"] = nfc(row["name"] or "").strip()
    if not row["name"]:
        raise DatabaseError(tr("Hoạt động cần có tên."))
    if row["kind"] not in ACTIVITY_KINDS:
        raise DatabaseError(tr("Loại hoạt động không có trong danh mục: {kind}", kind=row["kind"]))
    check_project(row["programme_id"], row["project_code"], row["funding_source"])
    _check_amount(row["budget"], tr("Kinh phí của hoạt động"))
    return row


def add_activity(cdb: CommuneDatabase, **fields: Any) -> int:
    """Add an activity or model (fields: ACTIVITY_FIELDS) and return its id."""
    row = _activity_row(fields)
    with cdb.transaction() as db:
        return inserted_id(db.table("activities").insert(row))


def update_activity(cdb: CommuneDatabase, activity_id: int, **changes: Any) -> None:
    current = get_activity(cdb.db, activity_id)
    row = _activity_row({k: v for k, v in {**current, **changes}.items() if k != "id"})
    spent = _beneficiary_total(cdb.db, activity_id)
    if row["budget"] is not None and spent > row["budget"]:
        raise DatabaseError(
            tr(
                "Kinh phí của hoạt động ({budget} đồng) nhỏ hơn tổng hỗ trợ đã ghi cho người "
                "hưởng lợi ({spent} đồng).",
                budget=format_number(row["budget"]),
                spent=format_number(spent),
            )
        )
    with cdb.transaction() as db:
        db.table("activities").update(activity_id, row)


def delete_activity(cdb: CommuneDatabase, activity_id: int) -> None:
    """Delete an activity with its list of beneficiaries."""
    with cdb.transaction() as db:
        db.table("beneficiaries").delete_where("activity_id = ?", [activity_id])
        db.table("activities").delete(activity_id)


def get_activity(db: sqlite_utils.Database, activity_id: int) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM activities WHERE id = ?", [activity_id]))
    if not rows:
        raise DatabaseError(tr("Không có hoạt động số {id}.", id=activity_id))
    return rows[0]


def activities(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    """The activities of a year with ``households`` (beneficiary households) and ``supported``
    (the sum of their support amounts)."""
    return list(
        db.query(
            """SELECT a.*, count(DISTINCT b.household_id) AS households,
                      coalesce(sum(b.amount), 0) AS supported
               FROM activities a LEFT JOIN beneficiaries b ON b.activity_id = a.id
               WHERE a.year = ? GROUP BY a.id ORDER BY a.project_code, a.id""",
            [year],
        )
    )


def _beneficiary_total(db: sqlite_utils.Database, activity_id: int) -> int:
    return db.execute(
        "SELECT coalesce(sum(amount), 0) FROM beneficiaries WHERE activity_id = ?", [activity_id]
    ).fetchone()[0]


def add_beneficiary(
    cdb: CommuneDatabase,
    activity_id: int,
    household_id: int,
    *,
    member_id: int | None = None,
    support: str | None = None,
    amount: int | None = None,
    note: str | None = None,
) -> int:
    """Record that an activity reached a household (or one of its members)."""
    db = cdb.db
    activity = get_activity(db, activity_id)
    _check_household(db, household_id, member_id)
    _check_amount(amount, tr("Mức hỗ trợ"))
    duplicate = db.execute(
        "SELECT 1 FROM beneficiaries WHERE activity_id = ? AND household_id = ? AND member_id IS ?",
        [activity_id, household_id, member_id],
    ).fetchone()
    if duplicate:
        raise DatabaseError(tr("Hộ (người) này đã có trong danh sách hưởng lợi của hoạt động."))
    total = _beneficiary_total(db, activity_id) + (amount or 0)
    if activity["budget"] is not None and total > activity["budget"]:
        raise DatabaseError(
            tr(
                "Tổng hỗ trợ ({total} đồng) vượt kinh phí của hoạt động ({budget} đồng).",
                total=format_number(total),
                budget=format_number(activity["budget"]),
            )
        )
    row = {
        "activity_id": activity_id,
        "household_id": household_id,
        "member_id": member_id,
        "support": nfc(support).strip() if support else None,
        "amount": amount,
        "note": note,
    }
    with cdb.transaction() as db:
        return inserted_id(db.table("beneficiaries").insert(row))


def remove_beneficiary(cdb: CommuneDatabase, beneficiary_id: int) -> None:
    with cdb.transaction() as db:
        db.table("beneficiaries").delete(beneficiary_id)


def beneficiaries(db: sqlite_utils.Database, activity_id: int) -> list[dict[str, Any]]:
    """The beneficiaries of an activity with the household's code, head, village and its status
    in the activity's year (the latest status up to that year)."""
    return list(
        db.query(
            """SELECT b.*, h.code, h.head_name, v.name AS village_name, m.full_name AS member_name,
                      (SELECT s.status FROM household_status s
                       WHERE s.household_id = h.id AND s.year <= a.year
                       ORDER BY s.year DESC LIMIT 1) AS status
               FROM beneficiaries b
               JOIN activities a ON a.id = b.activity_id
               JOIN households h ON h.id = b.household_id
               JOIN villages v ON v.id = h.village_id
               LEFT JOIN members m ON m.id = b.member_id
               WHERE b.activity_id = ? ORDER BY h.head_sort_key, b.id""",
            [activity_id],
        )
    )


def project_reach(db: sqlite_utils.Database, year: int, project_code: str) -> tuple[int, int]:
    """(households, persons) the activities of a project (and its sub-projects) reached in a
    year: distinct beneficiary households, and distinct members named as beneficiaries."""
    return db.execute(
        """SELECT count(DISTINCT b.household_id), count(DISTINCT b.member_id)
           FROM beneficiaries b JOIN activities a ON a.id = b.activity_id
           WHERE a.year = ? AND (a.project_code = ? OR a.project_code LIKE ? || '.%')""",
        [year, project_code, project_code],
    ).fetchone()


def household_members(db: sqlite_utils.Database, household_id: int) -> list[tuple[int, str]]:
    """(member id, full name) of a household in roster order, to name one beneficiary."""
    return db.execute(
        "SELECT id, full_name FROM members WHERE household_id = ? ORDER BY position",
        [household_id],
    ).fetchall()


def find_households(
    db: sqlite_utils.Database, text: str, year: int, limit: int = 50
) -> list[Candidate]:
    """Households whose member names (folded, word starts) or code match ``text``; poor and
    near-poor households of ``year`` (latest status up to it) first."""
    if not fold(text):
        return []
    ids = matching_ids(db, HouseholdQuery(search=text))[: limit * 4]
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = db.execute(
        f"""SELECT h.id, h.code, h.head_name, v.name,
                   (SELECT s.status FROM household_status s
                    WHERE s.household_id = h.id AND s.year <= ?
                    ORDER BY s.year DESC LIMIT 1)
            FROM households h JOIN villages v ON v.id = h.village_id
            WHERE h.id IN ({marks})""",
        [year, *ids],
    ).fetchall()
    rank = {"poor": 0, "near_poor": 1}
    position = {household_id: index for index, household_id in enumerate(ids)}
    rows.sort(key=lambda row: (rank.get(row[4], 2), position[row[0]]))
    return [Candidate(*row) for row in rows[:limit]]


def _is_date_of(text: str, year: int) -> bool:
    try:
        return date.fromisoformat(text).year == year and len(text) == 10
    except ValueError:
        return False


def add_policy_benefit(
    cdb: CommuneDatabase,
    year: int,
    policy: str,
    household_id: int,
    *,
    member_id: int | None = None,
    amount: int | None = None,
    note: str | None = None,
    granted_on: str | None = None,
) -> int:
    """Record that a household (or one member) received a general policy in a year
    (``granted_on``: the ISO date received, inside the year, when known)."""
    if policy not in POLICIES:
        raise DatabaseError(tr("Chính sách không có trong danh mục: {policy}", policy=policy))
    _check_household(cdb.db, household_id, member_id)
    _check_amount(amount, tr("Số tiền"))
    if granted_on is not None and not _is_date_of(granted_on, year):
        raise DatabaseError(
            tr("Ngày nhận chính sách ({date}) phải thuộc năm {year}.", date=granted_on, year=year)
        )
    row = {
        "year": year,
        "policy": policy,
        "granted_on": granted_on,
        "household_id": household_id,
        "member_id": member_id,
        "amount": amount,
        "note": note,
    }
    with cdb.transaction() as db:
        return inserted_id(db.table("policy_benefits").insert(row))


def remove_policy_benefit(cdb: CommuneDatabase, benefit_id: int) -> None:
    with cdb.transaction() as db:
        db.table("policy_benefits").delete(benefit_id)


def policy_benefits(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    """The policy benefits of a year with the household's code, head and village."""
    return list(
        db.query(
            """SELECT p.*, h.code, h.head_name, v.name AS village_name,
                      m.full_name AS member_name
               FROM policy_benefits p
               JOIN households h ON h.id = p.household_id
               JOIN villages v ON v.id = h.village_id
               LEFT JOIN members m ON m.id = p.member_id
               WHERE p.year = ? ORDER BY p.policy, h.head_sort_key, p.id""",
            [year],
        )
    )


@dataclass(frozen=True)
class PolicyCount:
    policy: str
    label: str
    households: int  # distinct households
    benefits: int  # rows (a household may receive a policy more than once)
    amount: int


def policy_counts(db: sqlite_utils.Database, year: int) -> list[PolicyCount]:
    """Per policy of POLICIES (every one, zeros included): households reached, benefits, amount."""
    found = {
        row[0]: row[1:]
        for row in db.execute(
            """SELECT policy, count(DISTINCT household_id), count(*), coalesce(sum(amount), 0)
               FROM policy_benefits WHERE year = ? GROUP BY policy""",
            [year],
        ).fetchall()
    }
    return [
        PolicyCount(code, label, *found.get(code, (0, 0, 0))) for code, label in POLICIES.items()
    ]


def activities_in(db: sqlite_utils.Database, period: DateRange) -> list[dict[str, Any]]:
    """The activities a range counts, with ``households`` reached and ``supported`` (đồng)."""
    where = IN_RANGE.format(date="a.started_on", year="a.year")
    return list(
        db.query(
            f"""SELECT a.*, count(DISTINCT b.household_id) AS households,
                       coalesce(sum(b.amount), 0) AS supported
                FROM activities a LEFT JOIN beneficiaries b ON b.activity_id = a.id
                WHERE {where} GROUP BY a.id ORDER BY a.project_code, a.id""",
            range_params(period),
        )
    )


def beneficiaries_in(db: sqlite_utils.Database, period: DateRange) -> list[dict[str, Any]]:
    """The beneficiary rows of the activities a range counts, with the activity's programme,
    project and kind."""
    where = IN_RANGE.format(date="a.started_on", year="a.year")
    return list(
        db.query(
            f"""SELECT b.household_id, b.member_id, b.amount, a.id AS activity_id,
                       a.programme_id, a.project_code, a.kind
                FROM beneficiaries b JOIN activities a ON a.id = b.activity_id
                WHERE {where} ORDER BY b.id""",
            range_params(period),
        )
    )


def _undated(db: sqlite_utils.Database, table: str, date_column: str, period: DateRange) -> int:
    """Rows of ``table`` in the range's years without ``date_column``, which a part of a year
    cannot place (0 for whole years)."""
    if period.whole_years:
        return 0
    first_year, last_year = period.years
    return db.execute(
        f"SELECT count(*) FROM {table} WHERE {date_column} IS NULL AND year BETWEEN ? AND ?",
        [first_year, last_year],
    ).fetchone()[0]


def undated_activities(db: sqlite_utils.Database, period: DateRange) -> int:
    """Activities of the range's years without a start date, which a half-year cannot place."""
    return _undated(db, "activities", "started_on", period)


def policy_counts_in(db: sqlite_utils.Database, period: DateRange) -> dict[str, tuple[int, ...]]:
    """Per policy code: (households, persons named, benefits, amount) in a range."""
    where = IN_RANGE.format(date="granted_on", year="year")
    return {
        row[0]: tuple(row[1:])
        for row in db.execute(
            f"""SELECT policy, count(DISTINCT household_id), count(DISTINCT member_id),
                       count(*), coalesce(sum(amount), 0)
                FROM policy_benefits WHERE {where} GROUP BY policy""",
            range_params(period),
        ).fetchall()
    }


def undated_policy_benefits(db: sqlite_utils.Database, period: DateRange) -> int:
    """Policy benefits of the range's years without the date received."""
    return _undated(db, "policy_benefits", "granted_on", period)
