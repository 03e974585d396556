"""Text fields have a length limit and no control characters, in every household check."""

from __future__ import annotations

from datetime import date

import pytest

from gnapp.core.household_checks import (
    TEXT_LIMIT,
    TEXT_LIMITS,
    household_problems,
    text_problem,
)
from gnapp.core.record import field_schema

TODAY = date(2026, 3, 1)
HEAD = {"full_name": "Nguyễn Văn An", "sex": "male", "birth_date": "1970", "relation": "head"}


def test_text_problem_says_the_length_or_the_character():
    assert text_problem("Nguyễn Văn Được") is None
    assert text_problem("a" * TEXT_LIMIT) is None
    assert text_problem("a" * 201) == "Dài 201 ký tự, quá giới hạn 200 ký tự"
    assert text_problem("abc", 2) == "Dài 3 ký tự, quá giới hạn 2 ký tự"
    assert text_problem("An\x00") == "Có ký tự điều khiển không in được (mã U+0000) ở vị trí 3"
    for control in ("\t", "\n", "\r", "\x1b", "\x7f", "\x85"):
        assert text_problem(f"An{control}Bình") is not None


@pytest.mark.parametrize(
    ("household", "member", "field", "expected"),
    [
        ({"code": "H" * 100_000}, {}, "household.code", "Dài 100000 ký tự, quá giới hạn 40"),
        ({"address": "x" * 301}, {}, "household.address", "quá giới hạn 300"),
        ({"code": "H\x00"}, {}, "household.code", "U+0000"),
        ({}, {"full_name": "A" * 2**20}, "member.full_name", "quá giới hạn 120"),
        ({}, {"full_name": "An\x00"}, "member.full_name", "U+0000"),
        ({}, {"ethnicity": "Kinh\x07"}, "member.ethnicity", "U+0007"),
    ],
)
def test_household_problems_refuse_long_or_control_text(household, member, field, expected):
    problems = household_problems(
        {"code": "H001", "village_id": 1, **household}, [{**HEAD, **member}], today=TODAY
    )
    (problem,) = [p for p in problems if p.field == field and expected in p.message]
    assert problem.is_error
    assert problem.member == (0 if field.startswith("member.") else None)


def test_the_limits_agree_with_the_record_schema():
    for field, limit in (
        ("household.household_code", TEXT_LIMITS["code"]),
        ("household.address", TEXT_LIMITS["address"]),
        ("household.village", TEXT_LIMIT),
        ("member.full_name", TEXT_LIMITS["full_name"]),
        ("member.ethnicity", TEXT_LIMITS["ethnicity"]),
    ):
        assert field_schema(field)["maxLength"] == limit, field
