"""The household form's checks: reading typed values, errors that block saving, warnings."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.core.household_checks import (
    ERROR,
    MIN_SPOUSE_AGE,
    WARNING,
    birth_date_text,
    elsewhere_problems,
    former_head_relation,
    has_errors,
    household_field_problems,
    household_problems,
    member_problems,
    read_birth_date,
    read_citizen_id,
    read_floor_area,
    roster_problems,
)
from gnapp.core.vietnamese import make_citizen_id

TODAY = date(2026, 3, 1)


def person(relation="head", sex="male", born="1970-05-02", **extra):
    return {"full_name": "Nguyễn Văn Được", "sex": sex, "birth_date": born, "relation": relation,
            **extra}  # fmt: skip


def fields(problems):
    return [(p.field, p.member, p.severity) for p in problems]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("05/03/1971", "1971-03-05"), ("5/3/1971", "1971-03-05"), ("5-3-1971", "1971-03-05"),
     ("05.03.1971", "1971-03-05"), ("1971", "1971"), ("1971-03-05", "1971-03-05"),
     ("  ", None)],
)  # fmt: skip
def test_read_birth_date(typed, stored):
    assert read_birth_date(typed) == stored


@pytest.mark.parametrize("typed", ["31/02/1990", "5/3/71", "ba mươi", "1990-13-01"])
def test_read_birth_date_refuses(typed):
    with pytest.raises(ValueError, match=r"(?i)ngày"):
        read_birth_date(typed)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_birth_date_text_reads_back(day):
    assert read_birth_date(birth_date_text(day.isoformat())) == day.isoformat()


def test_birth_date_text_of_a_year_alone():
    assert birth_date_text("1971") == "1971"
    assert birth_date_text(None) == ""


def test_read_citizen_id_and_floor_area():
    assert read_citizen_id(" 051 071 123.456 ") == "051071123456"
    assert read_citizen_id("") is None
    assert read_floor_area("42,5") == 42.5
    assert read_floor_area("1.200") == 1200
    assert read_floor_area("") is None
    with pytest.raises(ValueError, match="diện tích"):
        read_floor_area("bốn mươi")


def test_household_fields():
    assert household_field_problems({"code": "H1", "village_id": 1}) == []
    problems = household_field_problems({"code": " ", "village_id": None, "floor_area_m2": -1})
    assert fields(problems) == [
        ("household.code", None, ERROR),
        ("household.village_id", None, ERROR),
        ("household.floor_area_m2", None, ERROR),
    ]
    taken = household_field_problems({"code": "H1", "village_id": 1}, code_in_use=True)
    assert "H1 đã được dùng" in taken[0].message


def test_a_sound_member_has_no_problem():
    citizen_id = make_citizen_id("051", "male", 1970, 12345)
    assert member_problems(person(citizen_id=citizen_id), 0, today=TODAY) == []


@pytest.mark.parametrize(
    ("member", "field"),
    [(person(full_name=""), "member.full_name"), (person(sex=None), "member.sex"),
     (person(relation=None), "member.relation"), (person(born=None), "member.birth_date"),
     (person(born="1990-02-30"), "member.birth_date"),
     (person(born="2026-03-02"), "member.birth_date"),
     (person(born="1871"), "member.birth_date")],
)  # fmt: skip
def test_member_errors(member, field):
    problems = member_problems(member, 3, today=TODAY)
    assert fields(problems) == [(field, 3, ERROR)]


def test_born_today_is_not_in_the_future():
    assert member_problems(person(born=TODAY.isoformat()), 0, today=TODAY) == []


@pytest.mark.parametrize(
    ("citizen_id", "words"),
    [("05107012345", "12 chữ số"), ("999070012345", "Mã tỉnh 999"),
     ("051170012345", "Chữ số thứ 4"), ("051071012345", "Chữ số thứ 5–6")],
)  # fmt: skip
def test_citizen_id_errors(citizen_id, words):
    problems = member_problems(person(citizen_id=citizen_id), 0, today=TODAY)
    assert [p.field for p in problems] == ["member.citizen_id"]
    assert problems[0].is_error and words in problems[0].message


def test_exactly_one_head():
    no_head = roster_problems([person("spouse")], today=TODAY)
    assert fields(no_head) == [("household.members", None, ERROR)]
    two = roster_problems([person(), person(full_name="Lê Thị B")], today=TODAY)
    assert fields(two) == [
        ("household.members", None, ERROR),
        ("member.relation", 0, ERROR),
        ("member.relation", 1, ERROR),
    ]
    assert "Lê Thị B" in two[0].message
    assert has_errors(roster_problems([], today=TODAY))


def test_a_household_of_more_members_than_the_record_format_allows_is_refused():
    children = [person("child", born="2000") for _ in range(59)]
    assert not has_errors(roster_problems([person(), *children], today=TODAY))  # 60
    too_many = roster_problems([person(), *children, person("child", born="2001")], today=TODAY)
    assert fields(too_many) == [("household.members", None, ERROR)]
    assert too_many[0].message.startswith("Hộ có 61 thành viên, quá 60 người")


def test_same_citizen_id_twice_in_a_household():
    citizen_id = make_citizen_id("051", "male", 1970, 1)
    roster = [person(citizen_id=citizen_id), person("sibling", citizen_id=citizen_id)]
    assert fields(roster_problems(roster, today=TODAY)) == [
        ("member.citizen_id", 0, ERROR),
        ("member.citizen_id", 1, ERROR),
    ]


@pytest.mark.parametrize(
    ("relation", "born", "warned"),
    [("child", "1982-05-01", True), ("child", "1982-05-02", False),
     ("child", "1960", True), ("parent", "1958-05-02", False), ("parent", "1958-05-03", True),
     ("grandparent", "1946-05-02", False), ("grandparent", "1950", True),
     ("grandchild", "1969", False), ("sibling", "1990", False), ("other", "2020", False)],
)  # fmt: skip
def test_ages_against_the_head_only_warn(relation, born, warned):
    problems = roster_problems([person(), person(relation, born=born)], today=TODAY)
    assert fields(problems) == ([("member.birth_date", 1, WARNING)] if warned else [])


def test_a_young_spouse_warns():
    young = TODAY.replace(year=TODAY.year - MIN_SPOUSE_AGE).isoformat()
    day_after = TODAY.replace(year=TODAY.year - MIN_SPOUSE_AGE, day=2).isoformat()
    assert roster_problems([person(born="2000"), person("spouse", born=young)], today=TODAY) == []
    problems = roster_problems([person(born="2000"), person("spouse", born=day_after)], today=TODAY)
    assert fields(problems) == [("member.birth_date", 1, WARNING)]
    assert "15 tuổi" in problems[0].message


def test_citizen_id_in_another_household_warns():
    problems = elsewhere_problems(
        [person(), person("child", citizen_id="051201000001")],
        {"051201000001": [("HGD-00007", "Trần Văn C")]},
    )
    assert fields(problems) == [("member.citizen_id", 1, WARNING)]
    assert "HGD-00007" in problems[0].message and "Trần Văn C" in problems[0].message


def test_household_problems_gathers_everything():
    problems = household_problems(
        {"code": "", "village_id": 1},
        [person(born="2030")],
        today=TODAY,
        elsewhere={},
    )
    assert fields(problems) == [
        ("household.code", None, ERROR),
        ("member.birth_date", 0, ERROR),
    ]


def test_former_head_relation():
    assert former_head_relation("child") == "parent"
    assert former_head_relation("spouse") == "spouse"
    assert former_head_relation("grandchild") == "grandparent"
    assert former_head_relation(None) == "other"


def test_age_warning_says_the_gap_in_words():
    child_older = roster_problems([person(), person("child", born="1960")], today=TODAY)
    assert "hơn chủ hộ 10 tuổi" in child_older[0].message
    parent_younger = roster_problems([person(), person("parent", born="1975")], today=TODAY)
    assert "kém chủ hộ 4 tuổi" in parent_younger[0].message
