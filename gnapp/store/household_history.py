"""A household's fields, statuses and change log in words, as the household form and
``gnapp household show`` give them.

Stored values become what the clerk reads (labels for codes, "có"/"không", dates and numbers
written the Vietnamese way); each change-log entry becomes a row per changed field, newest first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlite_utils

from gnapp.core.classify import CLASS_LABELS
from gnapp.core.household_checks import birth_date_text
from gnapp.core.movements import MOVEMENT_LABELS
from gnapp.core.record import field_label, field_schema, value_label
from gnapp.core.vietnamese import format_date, format_decimal, format_number
from gnapp.i18n import tr, tr_noop
from gnapp.store.activities import POLICIES
from gnapp.store.batches import IMPORT_KIND, batch_labels
from gnapp.store.changelog import Change, changes_of_household
from gnapp.store.events import EVENT_LABELS
from gnapp.store.register import (
    GROUP_FLAGS,
    HOUSEHOLD_BOOLEANS,
    HOUSEHOLD_LISTS,
    MEMBER_BOOLEANS,
    status_history,
    villages,
)

BOOLEAN_TEXTS = {True: tr_noop("có"), False: tr_noop("không")}
UNKNOWN_TEXT = tr_noop("chưa rõ")
EMPTY_TEXT = tr_noop("(trống)")
# Labels the schema's descriptions do not give in a form's words.
OWN_LABELS = {
    "household.code": field_label("household.household_code"),
    "household.village_id": field_label("household.village"),
    "member.birth_date": tr_noop("Ngày sinh"),
    "member.position": tr_noop("Thứ tự trong hộ"),
    "household.present_from": tr_noop("Có trong xã từ ngày"),
    "household.present_until": tr_noop("Không còn trong xã từ ngày"),
    "member.present_from": tr_noop("Vào hộ từ ngày"),
    "household_status.year": tr_noop("Năm"),
    "household_status.status": tr_noop("Tình trạng"),
    "household_status.movement": tr_noop("Biến động"),
    "household_status.standard_id": tr_noop("Chuẩn nghèo áp dụng"),
    "household_status.decision_number": tr_noop("Số quyết định"),
    "household_status.decision_date": tr_noop("Ngày quyết định"),
    "household_status.note": tr_noop("Ghi chú"),
    "beneficiaries.activity_id": tr_noop("Hoạt động"),
    "beneficiaries.member_id": tr_noop("Thành viên"),
    "beneficiaries.support": tr_noop("Nội dung hỗ trợ"),
    "beneficiaries.amount": tr_noop("Số tiền (đồng)"),
    "beneficiaries.note": tr_noop("Ghi chú"),
    "policy_benefits.year": tr_noop("Năm"),
    "policy_benefits.policy": tr_noop("Chính sách"),
    "policy_benefits.member_id": tr_noop("Thành viên"),
    "policy_benefits.amount": tr_noop("Số tiền (đồng)"),
    "policy_benefits.note": tr_noop("Ghi chú"),
}


def column_label(table: str, column: str) -> str:
    """The Vietnamese label of a stored column of households, members or household_status."""
    scope = {"households": "household", "members": "member"}.get(table, table)
    key = f"{scope}.{column}"
    if key in OWN_LABELS:
        return tr(OWN_LABELS[key])
    if scope == "household" and column in GROUP_FLAGS:
        return tr(field_schema("household.groups")["properties"][column]["description"])
    try:
        return tr(field_label(key))
    except KeyError:
        return column


def value_text(
    table: str, column: str, value: Any, village_names: Mapping[int, str] | None = None
) -> str:
    """A stored value as the clerk reads it: labels for codes, "có"/"không", Vietnamese numbers."""
    scope = {"households": "household", "members": "member"}.get(table, table)
    if value is None or value == "":
        return tr(EMPTY_TEXT)
    if column in HOUSEHOLD_LISTS and table == "households":
        codes = json.loads(value) if isinstance(value, str) else list(value)
        labels = [tr(value_label(f"household.{column}", code)) for code in codes]
        return ", ".join(labels) if labels else tr("(không có)")
    if (table == "households" and column in HOUSEHOLD_BOOLEANS) or (
        table == "members" and column in MEMBER_BOOLEANS
    ):
        return tr(BOOLEAN_TEXTS[bool(value)])
    if column == "village_id" and village_names is not None:
        return village_names.get(value, str(value))
    if column == "floor_area_m2":
        return f"{format_decimal(value)} m²"
    if column == "birth_date":
        return birth_date_text(value)
    if column in ("present_from", "present_until"):
        return format_date(date.fromisoformat(value))
    if table == "household_status":
        if column == "status":
            return tr(CLASS_LABELS.get(value, value))
        if column == "movement":
            return tr(MOVEMENT_LABELS.get(value, value))
        if column == "decision_date":
            return format_date(date.fromisoformat(value))
    if table in ("beneficiaries", "policy_benefits") and column == "amount":
        return format_number(value)
    if table == "policy_benefits" and column == "policy":
        return tr(POLICIES.get(value, value))
    return tr(str(value_label(f"{scope}.{column}", value)))


def time_text(stamp: str) -> str:
    """A UTC time stamp of the change log in local time: "31/12/2025 16:00"."""
    moment = datetime.fromisoformat(stamp).astimezone()
    return f"{format_date(moment.date())} {moment:%H:%M}"


@dataclass(frozen=True)
class HistoryRow:
    when: str
    actor: str
    what: str
    old: str = ""
    new: str = ""


def _names_by_row(
    changes: Sequence[Change], current: Mapping[int, Any], column: str
) -> dict[int, Any]:
    """The latest known value of ``column`` for each row (log first, then the live rows)."""
    known: dict[int, Any] = {}
    for change in changes:
        for values in (change.old_values, change.new_values):
            if values and column in values:
                known[change.row_id] = values[column]
    return {**known, **current}


def _change_texts(
    change: Change, subject: str, village_names: Mapping[int, str], imports: Mapping[int, str]
) -> list[tuple[str, str, str]]:
    """(what, old, new) for one change-log entry; ``imports``: the file of each import batch."""
    table, action = change.table_name, change.action
    lowered = subject[:1].lower() + subject[1:]
    if action == "insert" and table == "households":
        batch = change.batch_id
        if batch is not None and batch in imports:
            text = tr(
                "Thêm hộ vào sổ bởi lần nhập số {number} ({file})",
                number=batch,
                file=imports[batch],
            )
            return [(text, "", "")]
        return [(tr("Thêm hộ vào sổ"), "", "")]
    if action == "insert" and table == "household_status":
        status = (change.new_values or {}).get("status")
        return [(subject, "", value_text(table, "status", status))]
    if action == "insert":
        return [(tr("Thêm: {what}", what=lowered), "", "")]
    if action == "delete":
        return [(tr("Xóa: {what}", what=lowered), "", "")]
    if table == "questionnaires":
        return [(tr("{subject}: sửa nội dung phiếu", subject=subject), "", "")]
    if table == "register_events":  # an event changes only when it is undone
        return [(tr("{subject}: đã hoàn tác", subject=subject), "", "")]
    old_values, new_values = change.old_values or {}, change.new_values or {}
    return [
        (
            f"{subject}: {column_label(table, column)}",
            value_text(table, column, old_values.get(column), village_names),
            value_text(table, column, new_values[column], village_names),
        )
        for column in new_values
    ]


def history_rows(db: sqlite_utils.Database, household_id: int) -> list[HistoryRow]:
    """The household's change log in words, newest first, one row per changed field."""
    changes = changes_of_household(db, household_id)
    village_names = {row["id"]: row["name"] for row in villages(db)}
    imports = batch_labels(db, IMPORT_KIND)
    live_members = db.query(
        "SELECT id, full_name FROM members WHERE household_id = ?", [household_id]
    )
    member_names = _names_by_row(
        [c for c in changes if c.table_name == "members"],
        {row["id"]: row["full_name"] for row in live_members},
        "full_name",
    )
    status_years = _names_by_row(
        [c for c in changes if c.table_name == "household_status"],
        {row["id"]: row["year"] for row in status_history(db, household_id)},
        "year",
    )
    forms = _names_by_row([c for c in changes if c.table_name == "questionnaires"], {}, "form")
    event_kinds = _names_by_row(
        [c for c in changes if c.table_name == "register_events"], {}, "kind"
    )
    benefits = [c for c in changes if c.table_name == "beneficiaries"]
    activity_of = _names_by_row(benefits, {}, "activity_id")
    activity_names = {row[0]: row[1] for row in db.execute("SELECT id, name FROM activities")}
    policies = [c for c in changes if c.table_name == "policy_benefits"]
    policy_of, policy_year = (
        _names_by_row(policies, {}, "policy"),
        _names_by_row(policies, {}, "year"),
    )
    subjects = {
        "households": lambda _: tr("Hộ"),
        "members": lambda row_id: tr(
            "Thành viên {name}", name=member_names.get(row_id, "")
        ).strip(),
        "household_status": lambda row_id: tr(
            "Tình trạng năm {year}", year=status_years.get(row_id, "")
        ),
        "questionnaires": lambda row_id: tr(
            "Phiếu rà soát {form}", form=forms.get(row_id, "")
        ).strip(),
        "beneficiaries": lambda row_id: tr(
            "Thụ hưởng hoạt động {activity}",
            activity=activity_names.get(activity_of.get(row_id), ""),
        ).strip(),
        "register_events": lambda row_id: tr(
            "Sự kiện “{event}”", event=tr(EVENT_LABELS.get(event_kinds.get(row_id) or "", ""))
        ),
        "former_members": lambda _: tr("Thời gian ở hộ của người đã rời hộ"),
        "review_entries": lambda _: tr("Danh sách hộ cần rà soát"),
        "review_applications": lambda _: tr("Giấy đề nghị rà soát"),
        "meeting_votes": lambda _: tr("Biểu quyết tại họp dân"),
        "complaints": lambda _: tr("Khiếu nại khi niêm yết"),
        "review_corrections": lambda _: tr("Điều chỉnh sau quyết định công nhận"),
        "policy_benefits": lambda row_id: tr(
            "Chính sách năm {year}: {policy}",
            year=policy_year.get(row_id, ""),
            policy=tr(POLICIES.get(policy_of.get(row_id, ""), policy_of.get(row_id, ""))),
        ),
    }
    rows = [
        HistoryRow(time_text(change.at), change.actor, what, old, new)
        for change in changes
        for what, old, new in _change_texts(
            change,
            subjects.get(change.table_name, lambda _, t=change.table_name: t)(change.row_id),
            village_names,
            imports,
        )
    ]
    return rows[::-1]
