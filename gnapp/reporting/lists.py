"""The register and the year's lists as official XLSX tables.

``export_register`` writes every household with its members (one row per member);
``export_list`` writes the year's list of poor, near-poor, escaped-poverty or
escaped-near-poverty households. Both group the rows by village (and by urban / rural area when
the commune has both) and can be limited to one village.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any

import sqlite_utils

from gnapp.core.classify import CLASS_LABELS
from gnapp.core.record import value_label
from gnapp.core.vietnamese import format_date
from gnapp.i18n import tr
from gnapp.progress import Progress
from gnapp.reporting.issuer import issuer
from gnapp.reporting.tables import Column, Group, Row, Table, Total, heading
from gnapp.reporting.xlsx import Heading, new_workbook, save_workbook, write_table
from gnapp.store import lists
from gnapp.store.errors import DatabaseError
from gnapp.store.lists import LIST_KINDS, ListedHousehold, RegisterMember, Village

# Provinces whose people's committee is a city's ("UBND THÀNH PHỐ HÀ NỘI").
AREA_LABELS = {"urban": "Khu vực thành thị", "rural": "Khu vực nông thôn"}
AREA_ORDER = ("urban", "rural")
ROMAN = ("I", "II", "III", "IV")
MARK = "x"

LIST_TITLES = {
    "poor": "Danh sách hộ nghèo năm {year}",
    "near_poor": "Danh sách hộ cận nghèo năm {year}",
    "escaped_poverty": "Danh sách hộ thoát nghèo năm {year}",
    "escaped_near_poverty": "Danh sách hộ thoát cận nghèo năm {year}",
}
REGISTER_TITLE = "Danh sách hộ gia đình và nhân khẩu"
EXPORT_LABELS = {
    "register": "Sổ hộ gia đình và nhân khẩu",
    "poor": "Danh sách hộ nghèo",
    "near_poor": "Danh sách hộ cận nghèo",
    "escaped_poverty": "Danh sách hộ thoát nghèo",
    "escaped_near_poverty": "Danh sách hộ thoát cận nghèo",
}
# The parts of the escaped-poverty list, one per movement (store.lists.LIST_MOVEMENTS).
PART_LABELS = {
    "escaped_poverty": "A. Hộ thoát nghèo, vượt chuẩn cận nghèo",
    "poor_to_near_poor": "B. Hộ thoát nghèo, thành hộ cận nghèo",
    "escaped_near_poverty": "Hộ thoát cận nghèo",
}
# Mới / tái / cũ on the poor and near-poor lists, from the year's movement.
NEW_MOVEMENTS = {"newly_poor", "newly_near_poor"}
FELL_BACK_MOVEMENTS = {"fell_back_poverty", "fell_back_near_poverty"}
# Movements worth a word in the note column (the household changed list this year).
NOTED_MOVEMENTS = {
    "poor_to_near_poor": "Từ hộ nghèo chuyển sang",
    "near_poor_to_poor": "Từ hộ cận nghèo chuyển sang",
}
HOUSEHOLDS = "hộ"
PERSONS = "người"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    households: int
    persons: int


# --- the commune's heading -------------------------------------------------------------------


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _heading(
    db: sqlite_utils.Database,
    title: str,
    village: Village | None,
    year_line: str | None = None,
    decision_year: int | None = None,
) -> Heading:
    """The commune's heading; under the title the village, ``year_line`` and the recognition
    decision of ``decision_year`` the list is annexed to, when known."""
    who = issuer(db)
    lines = [line for line in (village.name if village else None, year_line) if line]
    decision = lists.year_decision(db, decision_year) if decision_year is not None else None
    if decision is not None:
        number, decided = decision
        when = f" ngày {format_date(date.fromisoformat(decided))}" if decided else ""
        lines.append(
            f"(Kèm theo Quyết định số {number}{when} của Chủ tịch Ủy ban nhân dân {who.commune})"
        )
    return Heading(
        parent_body=who.parent_body,
        office=who.office,
        title=title,
        place=who.place,
        subtitles=tuple(lines),
    )


def commune_heading(db: sqlite_utils.Database, title: str, lines: Sequence[str] = ()) -> Heading:
    """The commune's heading over a working table of the whole commune, ``lines`` under the
    title (no village, no decision line)."""
    return replace(_heading(db, title, None), subtitles=tuple(lines))


# --- grouping ----------------------------------------------------------------------------------


def _by_village(
    items: Sequence[Any], village_of: Callable[[Any], Village], rows: Callable[[list[Any]], list]
) -> list[Group]:
    return [
        Group(village.name, rows(list(members)))
        for village, members in groupby(items, key=village_of)
    ]


def _by_area(
    items: Sequence[Any],
    village_of: Callable[[Any], Village],
    rows: Callable[[list[Any]], list],
    split_areas: bool,
) -> list[Group]:
    """Village groups, under "I. Khu vực thành thị" / "II. Khu vực nông thôn" when asked."""
    if not split_areas:
        return _by_village(items, village_of, rows)
    return [
        Group(
            f"{ROMAN[index]}. {AREA_LABELS[area]}",
            _by_village([i for i in items if village_of(i).area == area], village_of, rows),
        )
        for index, area in enumerate(AREA_ORDER)
    ]


def _split_areas(db: sqlite_utils.Database, village_id: int | None) -> bool:
    """Whether to group by area: the whole commune is exported and it has both kinds of area."""
    areas = {village.area for village in lists.list_villages(db)}
    return village_id is None and len(areas) > 1


def _village(db: sqlite_utils.Database, village_id: int | None) -> Village | None:
    if village_id is None:
        return None
    found = [village for village in lists.list_villages(db) if village.id == village_id]
    if not found:
        raise DatabaseError(tr("Không tìm thấy thôn, tổ dân phố mã số {id}", id=village_id))
    return found[0]


# --- the yearly lists --------------------------------------------------------------------------

_HEAD_GROUP = "Chủ hộ"
_FLAG_GROUP = "Thuộc nhóm hộ"
_FLAGS = (
    ("ethnic_minority", "Dân tộc thiểu số"),
    ("without_working_capacity", "Không có khả năng lao động"),
    ("revolution_merit", "Có người có công với cách mạng"),
    ("social_assistance", "Có người hưởng trợ cấp bảo trợ xã hội"),
)
_STANDING = (("new", "Mới"), ("fell_back", "Tái"), ("old", "Cũ"))


def _list_columns(kind: str, year: int) -> tuple[Column, ...]:
    counted = Total("count")
    columns = [
        Column("stt", heading("number"), "index", chars=5),
        Column("head_name", heading("full_name"), "text", _HEAD_GROUP, chars=24),
        Column("birth_year", heading("birth_year"), "year", _HEAD_GROUP, chars=7),
        Column("sex", heading("sex"), "center", _HEAD_GROUP, chars=7),
        Column("ethnicity", heading("ethnicity"), "center", _HEAD_GROUP, chars=9),
        Column(
            "citizen_id",
            heading("citizen_id"),
            "id",
            _HEAD_GROUP,
            chars=15,
            total=Total("count", source="head_name", unit=HOUSEHOLDS),
        ),
        Column("members", heading("members"), chars=8),
        Column("address", "Địa chỉ (thôn, tổ dân phố)", "text", chars=18),
        *(
            Column(key, label, "mark", _FLAG_GROUP, chars=11, total=counted)
            for key, label in _FLAGS
        ),
    ]
    if kind in ("poor", "near_poor"):
        columns += [
            Column(key, label, "mark", "Tình trạng", chars=6, total=counted)
            for key, label in _STANDING
        ]
    else:
        columns.append(Column("status", f"Phân loại năm {year}", "center", chars=14))
    columns.append(Column("note", heading("note"), "text", chars=16))
    return tuple(columns)


def _standing(movement: str | None) -> str:
    if movement in NEW_MOVEMENTS:
        return "new"
    if movement in FELL_BACK_MOVEMENTS:
        return "fell_back"
    return "old"


def _note(household: ListedHousehold, kind: str) -> str:
    parts = []
    if kind in ("poor", "near_poor") and household.movement in NOTED_MOVEMENTS:
        parts.append(NOTED_MOVEMENTS[household.movement])
    if household.note:
        parts.append(household.note)
    return "; ".join(parts)


def _list_row(household: ListedHousehold, number: int, kind: str) -> Row:
    address = household.village.name
    if household.address:
        address = f"{household.address}, {address}"
    values: dict[str, Any] = {
        "stt": number,
        "head_name": household.head_name,
        "birth_year": int(household.head_birth_date[:4]) if household.head_birth_date else None,
        "sex": _capital(value_label("member.sex", household.head_sex))
        if household.head_sex
        else None,
        "ethnicity": household.head_ethnicity,
        "citizen_id": household.head_citizen_id,
        "members": household.members,
        "address": address,
        "note": _note(household, kind),
    }
    for key, _ in _FLAGS:
        values[key] = MARK if getattr(household, key) else None
    if kind in ("poor", "near_poor"):
        values[_standing(household.movement)] = MARK
    else:
        values["status"] = _capital(CLASS_LABELS[household.status])
    return Row(values)


def _list_body(households: list[ListedHousehold], kind: str, split_areas: bool) -> list[Group]:
    numbers = {h.household_id: n for n, h in enumerate(households, start=1)}

    def rows(items: list[ListedHousehold]) -> list[Row]:
        return [_list_row(h, numbers[h.household_id], kind) for h in items]

    def village_of(household: ListedHousehold) -> Village:
        return household.village

    movements = lists.LIST_MOVEMENTS[kind]
    if movements is None or len(movements) == 1:
        return _by_area(households, village_of, rows, split_areas)
    return [
        Group(
            PART_LABELS[movement],
            _by_area(
                [h for h in households if h.movement == movement], village_of, rows, split_areas
            ),
        )
        for movement in movements
    ]


def export_list(
    db: sqlite_utils.Database,
    path: str | Path,
    year: int,
    kind: str,
    village_id: int | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the ``kind`` list (one of LIST_KINDS) of ``year`` to an XLSX file."""
    if kind not in LIST_KINDS:
        raise DatabaseError(tr("Loại danh sách không hợp lệ: {kind}", kind=kind))
    if progress is not None:
        progress(0, 0, tr("Đang đọc danh sách…"))
    village = _village(db, village_id)
    households = lists.list_households(db, year, kind, village_id)
    table = Table(
        _list_columns(kind, year),
        _list_body(households, kind, _split_areas(db, village_id)),
        sheet=f"{EXPORT_LABELS[kind]} {year}",
    )
    heading = _heading(db, LIST_TITLES[kind].format(year=year), village, decision_year=year)
    workbook = new_workbook()
    write_table(workbook, table, heading, progress)
    saved = save_workbook(workbook, path)
    return ExportResult(saved, len(households), sum(h.members for h in households))


# --- the register --------------------------------------------------------------------------------

_MEMBER_GROUP = "Thành viên hộ"


def _register_columns(year: int) -> tuple[Column, ...]:
    return (
        Column("stt", heading("number"), "index", chars=5),
        Column("code", heading("code"), "center", chars=12),
        Column("full_name", heading("full_name"), "text", _MEMBER_GROUP, chars=24),
        Column("relation", heading("relation"), "center", _MEMBER_GROUP, chars=12),
        Column("sex", heading("sex"), "center", _MEMBER_GROUP, chars=7),
        Column("birth_date", heading("birth_date"), "center", _MEMBER_GROUP, chars=11),
        Column("citizen_id", heading("citizen_id"), "id", _MEMBER_GROUP, chars=15),
        Column("ethnicity", heading("ethnicity"), "center", _MEMBER_GROUP, chars=9),
        Column(
            "village",
            heading("village"),
            "text",
            chars=16,
            total=Total("count", source="stt", unit=HOUSEHOLDS),
        ),
        Column(
            "status",
            f"Tình trạng hộ năm {year}",
            "center",
            chars=15,
            total=Total("count", source="full_name", unit=PERSONS),
        ),
    )


def _birth_date_text(text: str) -> str:
    """dd/mm/yyyy, or the year alone when only the year is known."""
    return text if len(text) == 4 else format_date(date.fromisoformat(text))


def _register_rows(members: list[RegisterMember], first_number: int) -> list[Row]:
    rows = []
    number = first_number - 1
    previous = None
    for member in members:
        first = member.household_id != previous
        previous = member.household_id
        number += first
        rows.append(
            Row(
                {
                    "stt": number if first else None,
                    "code": member.household_code,
                    "full_name": member.full_name,
                    "relation": _capital(value_label("member.relation", member.relation)),
                    "sex": _capital(value_label("member.sex", member.sex)),
                    "birth_date": _birth_date_text(member.birth_date),
                    "citizen_id": member.citizen_id,
                    "ethnicity": member.ethnicity,
                    "village": member.village.name,
                    "status": _capital(CLASS_LABELS[member.status]) if member.status else None,
                },
                strong=member.relation == "head",
            )
        )
    return rows


def export_register(
    db: sqlite_utils.Database,
    path: str | Path,
    year: int,
    village_id: int | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write every household and its members (of one village, or all) to an XLSX file, with
    each household's status in ``year``."""
    total = lists.count_register_members(db, village_id)
    members: list[RegisterMember] = []
    for member in lists.register_members(db, year, village_id):
        members.append(member)
        if progress is not None and len(members) % 1000 == 0:
            progress(len(members), total, tr("Đang đọc sổ hộ…"))
    heading = _heading(db, REGISTER_TITLE, _village(db, village_id), f"(Tình trạng hộ năm {year})")
    households_before: dict[int, int] = {}
    for member in members:
        households_before.setdefault(member.household_id, len(households_before) + 1)

    def rows(items: list[RegisterMember]) -> list[Row]:
        return _register_rows(items, households_before[items[0].household_id])

    def village_of(member: RegisterMember) -> Village:
        return member.village

    table = Table(
        _register_columns(year),
        _by_area(members, village_of, rows, _split_areas(db, village_id)),
        sheet=f"Sổ hộ {year}",
    )
    workbook = new_workbook()
    write_table(workbook, table, heading, progress)
    saved = save_workbook(workbook, path)
    return ExportResult(saved, len(households_before), len(members))
