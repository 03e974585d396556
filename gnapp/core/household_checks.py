"""Checks of a household and its members as the clerk enters them (form, import, command line).

Households and members are mappings of the register's fields (``gnapp.store.register``
HOUSEHOLD_FIELDS and MEMBER_FIELDS; birth dates stored as "YYYY-MM-DD" or "YYYY"). Every
problem names its field and says in Vietnamese what is wrong; errors block saving, warnings
only ask the clerk to look again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from gnapp.core.record import age_in_months, most_members, parse_birth_date, value_label
from gnapp.core.vietnamese import citizen_id_problems, format_date, parse_number
from gnapp.i18n import tr, tr_noop

ERROR = "error"
WARNING = "warning"

# Plausibility checks, not rules of law: real families differ, so breaking one only warns.
# Years by which a member with this relation is usually younger than the head.
MIN_YEARS_YOUNGER_THAN_HEAD = {"child": 12}
# Years by which a member with this relation is usually older than the head.
MIN_YEARS_OLDER_THAN_HEAD = {"parent": 12, "grandparent": 24}
# "cháu" (grandchild) also means nephew or niece in Vietnamese, so grandchildren get no check.
MIN_SPOUSE_AGE = 16
# No one alive was born earlier; an earlier year is a typing slip (e.g. 1071 for 1971).
EARLIEST_BIRTH_YEAR = 1900

# Longest text a field takes, in characters: far above any real code, name or address, far
# below what would burden a list, a report or a spreadsheet cell. forms/household-record.schema.json
# gives the record's fields the same maxLength. Other text fields take TEXT_LIMIT.
TEXT_LIMITS = {
    "code": 40,
    "address": 300,
    "full_name": 120,
    "head_name": 120,
    "citizen_id": 20,  # as typed, with spaces or dots between the groups of digits
    "ethnicity": 50,
}
TEXT_LIMIT = 200
# Control characters (NUL, tab, line breaks, escape...): no code, name or address has one, and
# spreadsheets refuse some of them (an export would fail on the first).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class Problem:
    """One problem: ``field`` is "household.<column>", "household.members" (the roster as a
    whole) or "member.<column>" with ``member`` the index in the roster."""

    field: str
    message: str
    severity: str = ERROR
    member: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def has_errors(problems: Sequence[Problem]) -> bool:
    return any(problem.is_error for problem in problems)


# --- reading what the clerk typed -------------------------------------------------------------


def text_problem(text: str, limit: int = TEXT_LIMIT) -> str | None:
    """What makes a piece of typed text unfit to keep, in Vietnamese (None when nothing): more
    than ``limit`` characters, or a control character."""
    if len(text) > limit:
        return tr("Dài {length} ký tự, quá giới hạn {limit} ký tự", length=len(text), limit=limit)
    if found := _CONTROL.search(text):
        return tr(
            "Có ký tự điều khiển không in được (mã {code}) ở vị trí {position}",
            code=f"U+{ord(found.group()):04X}",
            position=found.start() + 1,
        )
    return None


def _text_problems(
    fields: Mapping[str, Any], scope: str, member: int | None = None
) -> Iterator[Problem]:
    """A problem for every text field too long or holding a control character."""
    for key, value in fields.items():
        if isinstance(value, str) and (
            message := text_problem(value, TEXT_LIMITS.get(key, TEXT_LIMIT))
        ):
            yield Problem(f"{scope}.{key}", message, ERROR, member)


def read_birth_date(text: str) -> str | None:
    """A birth date typed as dd/mm/yyyy (also d/m/yyyy, with - or .), yyyy-mm-dd or a year
    alone, in the stored form ("1971-03-05" or "1971"); None when blank."""
    text = text.strip()
    if not text:
        return None
    if _YEAR.fullmatch(text) or _ISO_DATE.fullmatch(text):
        stored = text
    elif match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = match.groups()
        stored = f"{year}-{int(month):02d}-{int(day):02d}"
    else:
        raise ValueError(
            tr(
                "Không đọc được ngày sinh “{text}”: nhập ngày/tháng/năm (ví dụ 05/03/1971) "
                "hoặc chỉ năm sinh (1971)",
                text=text,
            )
        )
    try:
        parse_birth_date(stored)
    except ValueError:
        raise ValueError(tr("Ngày “{text}” không có trên lịch", text=text)) from None
    return stored


def birth_date_text(stored: str | None) -> str:
    """A stored birth date as the clerk reads it: "05/03/1971", or the year alone."""
    if not stored:
        return ""
    if _YEAR.fullmatch(stored):
        return stored
    return format_date(date.fromisoformat(stored))


def read_citizen_id(text: str) -> str | None:
    """A citizen ID as typed, spaces and dots between digit groups removed; None when blank."""
    cleaned = re.sub(r"[\s.]", "", text)
    return cleaned or None


def read_floor_area(text: str) -> float | None:
    """A floor area in m² written the Vietnamese way ("36", "42,5"); None when blank
    (a negative area reads, household_field_problems refuses it)."""
    if not text.strip():
        return None
    try:
        value = parse_number(text)
    except ValueError:
        raise ValueError(
            tr(
                "Không đọc được diện tích “{text}”: nhập số mét vuông, ví dụ 36 hoặc 42,5",
                text=text.strip(),
            )
        ) from None
    return float(value)


# --- the household's own fields ---------------------------------------------------------------


def household_field_problems(
    household: Mapping[str, Any], *, code_in_use: bool = False
) -> list[Problem]:
    """The household code (given, not another household's) and the village (chosen); no text
    too long or with a control character."""
    problems = list(_text_problems(household, "household"))
    code = (household.get("code") or "").strip()
    if not code:
        problems.append(Problem("household.code", tr("Chưa nhập mã hộ")))
    elif code_in_use:
        problems.append(
            Problem("household.code", tr("Mã hộ {code} đã được dùng cho một hộ khác", code=code))
        )
    if household.get("village_id") is None:
        problems.append(Problem("household.village_id", tr("Chưa chọn thôn / tổ dân phố")))
    area = household.get("floor_area_m2")
    if area is not None and Decimal(str(area)) < 0:
        problems.append(
            Problem("household.floor_area_m2", tr("Diện tích nhà ở không thể là số âm"))
        )
    return problems


# --- one member -------------------------------------------------------------------------------


def _born(member: Mapping[str, Any]) -> date | None:
    """The member's birth date when it is a real one, else None."""
    text = member.get("birth_date")
    if not text:
        return None
    try:
        return parse_birth_date(text)
    except ValueError:
        return None


def member_problems(member: Mapping[str, Any], index: int, *, today: date) -> list[Problem]:
    """Name, sex, relation and birth date present and sound; the citizen ID well formed and
    agreeing with the member's sex and birth year; no text too long or with a control
    character."""

    def problem(field: str, message: str) -> Problem:
        return Problem(f"member.{field}", message, ERROR, index)

    problems = list(_text_problems(member, "member", index))
    if not (member.get("full_name") or "").strip():
        problems.append(problem("full_name", tr("Chưa nhập họ và tên")))
    sex = member.get("sex")
    if sex not in ("male", "female"):
        problems.append(problem("sex", tr("Chưa chọn giới tính")))
        sex = None
    if not member.get("relation"):
        problems.append(problem("relation", tr("Chưa chọn quan hệ với chủ hộ")))
    born = _born(member)
    if not member.get("birth_date"):
        problems.append(problem("birth_date", tr("Chưa nhập ngày sinh")))
    elif born is None:
        problems.append(
            problem(
                "birth_date",
                tr("Ngày sinh “{birth_date}” không hợp lệ", birth_date=member["birth_date"]),
            )
        )
    elif born > today:
        problems.append(
            problem(
                "birth_date", tr("Ngày sinh sau ngày hôm nay ({today})", today=format_date(today))
            )
        )
        born = None
    elif born.year < EARLIEST_BIRTH_YEAR:
        problems.append(
            problem(
                "birth_date",
                tr(
                    "Năm sinh {year} trước năm {earliest}",
                    year=born.year,
                    earliest=EARLIEST_BIRTH_YEAR,
                ),
            )
        )
        born = None
    if citizen_id := member.get("citizen_id"):
        birth_year = born.year if born else None
        problems.extend(
            problem("citizen_id", message)
            for message in citizen_id_problems(citizen_id, sex, birth_year)
        )
    return problems


# --- the roster as a whole --------------------------------------------------------------------


def _name(member: Mapping[str, Any]) -> str:
    return (member.get("full_name") or "").strip() or tr("(chưa có tên)")


def _head_problems(members: Sequence[Mapping[str, Any]]) -> Iterator[Problem]:
    heads = [index for index, member in enumerate(members) if member.get("relation") == "head"]
    if not members:
        yield Problem("household.members", tr("Hộ phải có ít nhất một thành viên là chủ hộ"))
    elif not heads:
        yield Problem(
            "household.members", tr("Chưa có chủ hộ: chọn một thành viên và bấm “Đặt làm chủ hộ”")
        )
    elif len(heads) > 1:
        names = ", ".join(_name(members[index]) for index in heads)
        yield Problem(
            "household.members",
            tr(
                "Có {count} chủ hộ ({names}): mỗi hộ có đúng một chủ hộ",
                count=len(heads),
                names=names,
            ),
        )
        for index in heads:
            yield Problem("member.relation", tr("Hộ đã có một chủ hộ khác"), ERROR, index)


def _size_problems(members: Sequence[Mapping[str, Any]]) -> Iterator[Problem]:
    if len(members) > (limit := most_members()):
        yield Problem(
            "household.members",
            tr(
                "Hộ có {count} thành viên, quá {limit} người: kiểm tra lại danh sách (có thể "
                "nhiều hộ bị ghép làm một)",
                count=len(members),
                limit=limit,
            ),
        )


_YOUNGER_THAN_HEAD_TEXT = tr_noop(
    "Người này {difference}, trong khi {label} thường kém chủ hộ ít nhất {gap} tuổi. {advice}"
)
_OLDER_THAN_HEAD_TEXT = tr_noop(
    "Người này {difference}, trong khi {label} thường hơn chủ hộ ít nhất {gap} tuổi. {advice}"
)


def _gap_words(months_younger: int) -> str:
    """How much younger (or older) than the head a member is, in words."""
    if months_younger >= 12:
        return tr("kém chủ hộ {years} tuổi", years=months_younger // 12)
    if months_younger <= -12:
        return tr("hơn chủ hộ {years} tuổi", years=-months_younger // 12)
    return tr("gần bằng tuổi chủ hộ")


def _age_problems(members: Sequence[Mapping[str, Any]], today: date) -> Iterator[Problem]:
    heads = [member for member in members if member.get("relation") == "head"]
    head_born = _born(heads[0]) if len(heads) == 1 else None
    for index, member in enumerate(members):
        born = _born(member)
        relation = member.get("relation")
        if born is None or born > today or relation == "head":
            continue
        label = value_label("member.relation", relation)
        advice = tr("Kiểm tra lại ngày sinh hoặc quan hệ với chủ hộ.")
        age = age_in_months(member["birth_date"], today) // 12
        if relation == "spouse" and age < MIN_SPOUSE_AGE:
            yield Problem(
                "member.birth_date",
                tr(
                    "Vợ, chồng mới {age} tuổi (thường từ {minimum} tuổi trở lên). {advice}",
                    age=age,
                    minimum=MIN_SPOUSE_AGE,
                    advice=advice,
                ),
                WARNING,
                index,
            )
        if head_born is None or head_born > today:
            continue
        # Completed months between the two births: the head's age when the member was born.
        younger_by = age_in_months(heads[0]["birth_date"], born)
        older_by = age_in_months(member["birth_date"], head_born)
        for gaps, months, template in (
            (MIN_YEARS_YOUNGER_THAN_HEAD, younger_by, _YOUNGER_THAN_HEAD_TEXT),
            (MIN_YEARS_OLDER_THAN_HEAD, older_by, _OLDER_THAN_HEAD_TEXT),
        ):
            gap = gaps.get(relation or "")
            if gap is not None and months < gap * 12:
                yield Problem(
                    "member.birth_date",
                    tr(
                        template,
                        difference=_gap_words(younger_by),
                        label=label,
                        gap=gap,
                        advice=advice,
                    ),
                    WARNING,
                    index,
                )


def _shared_id_problems(members: Sequence[Mapping[str, Any]]) -> Iterator[Problem]:
    for index, member in enumerate(members):
        citizen_id = member.get("citizen_id")
        if not citizen_id:
            continue
        others = [
            _name(other)
            for position, other in enumerate(members)
            if position != index and other.get("citizen_id") == citizen_id
        ]
        if others:
            yield Problem(
                "member.citizen_id",
                tr("Trùng số CCCD với thành viên {names} trong cùng hộ", names=", ".join(others)),
                ERROR,
                index,
            )


def roster_problems(members: Sequence[Mapping[str, Any]], *, today: date) -> list[Problem]:
    """Exactly one head, no more members than a household has, no citizen ID twice, ages
    that fit the relations to the head."""
    return [
        *_head_problems(members),
        *_size_problems(members),
        *_shared_id_problems(members),
        *_age_problems(members, today),
    ]


def elsewhere_problems(
    members: Sequence[Mapping[str, Any]],
    elsewhere: Mapping[str, Sequence[tuple[str, str]]],
) -> list[Problem]:
    """Warnings for citizen IDs that other households' members carry.

    ``elsewhere`` maps a citizen ID to (household code, member name) pairs of other households.
    """
    problems = []
    for index, member in enumerate(members):
        for code, name in elsewhere.get(member.get("citizen_id") or "", ()):
            problems.append(
                Problem(
                    "member.citizen_id",
                    tr("Số CCCD này đã có ở hộ {code} (thành viên {name})", code=code, name=name),
                    WARNING,
                    index,
                )
            )
    return problems


def household_problems(
    household: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    *,
    today: date,
    code_in_use: bool = False,
    elsewhere: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> list[Problem]:
    """Every problem of a household and its roster, errors and warnings."""
    return [
        *household_field_problems(household, code_in_use=code_in_use),
        *(
            problem
            for index, member in enumerate(members)
            for problem in member_problems(member, index, today=today)
        ),
        *roster_problems(members, today=today),
        *elsewhere_problems(members, elsewhere or {}),
    ]


# What the former head becomes to a new head, from the new head's relation to the former one.
_FORMER_HEAD_RELATION = {
    "spouse": "spouse",
    "child": "parent",
    "child_in_law": "parent_in_law",
    "grandchild": "grandparent",
    "parent": "child",
    "parent_in_law": "child_in_law",
    "grandparent": "grandchild",
    "sibling": "sibling",
    "other_relative": "other_relative",
}


def former_head_relation(new_head_relation: str | None) -> str:
    """The likely relation of the former head to a new head ("child" -> "parent")."""
    return _FORMER_HEAD_RELATION.get(new_head_relation or "", "other")
