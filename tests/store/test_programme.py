"""Targets (yearly, per period, project outputs) and budgets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.store import programme
from gnapp.store.errors import DatabaseError


def test_yearly_target_is_replaced_not_duplicated(new_db):
    first = programme.set_target(new_db, 2025, "poverty_rate", 6.05, decision_number="12/QĐ-UBND")
    second = programme.set_target(
        new_db, 2025, "poverty_rate", 5.9, decision_number="15/QĐ-UBND", decision_date="2025-03-01"
    )
    assert first == second
    (row,) = programme.targets(new_db.db, 2025)
    assert (row["value"], row["unit"], row["decision_number"], row["decision_date"]) == (
        5.9,
        "%",
        "15/QĐ-UBND",
        "2025-03-01",
    )


def test_targets_follow_the_catalogue_order_then_projects(new_db):
    programme.set_target(
        new_db, 2025, "Số hộ được hỗ trợ mô hình", 12, project_code="DA2", unit="hộ"
    )
    programme.set_target(new_db, 2025, "near_poor_reduction", 50)
    programme.set_target(new_db, 2025, "poverty_rate", 6.05)
    codes = [row["code"] for row in programme.targets(new_db.db, 2025)]
    assert codes == ["poverty_rate", "near_poor_reduction", "Số hộ được hỗ trợ mô hình"]
    assert programme.target_years(new_db.db) == [2025]


def test_output_target_keeps_its_label_unit_and_project(new_db):
    programme.set_target(
        new_db, 2024, "  Số hộ được hỗ trợ mô hình ", 12, project_code="DA3.1", unit="hộ"
    )
    (row,) = programme.targets(new_db.db, 2024)
    assert (row["code"], row["project_code"], row["unit"]) == (
        "Số hộ được hỗ trợ mô hình",
        "DA3.1",
        "hộ",
    )
    assert programme.target_label(row) == "Số hộ được hỗ trợ mô hình"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"project_code": "DA9", "unit": "hộ"}, "không thuộc chương trình"),
        ({"project_code": "DA2"}, "đơn vị tính"),
    ],
)
def test_output_target_refused(new_db, kwargs, message):
    with pytest.raises(DatabaseError, match=message):
        programme.set_target(new_db, 2025, "Số hộ được hỗ trợ", 3, **kwargs)


def test_period_target_is_stored_under_the_first_year(new_db):
    programme.set_target(new_db, 2025, "poverty_rate", 3, period="2021-2025")
    assert programme.targets(new_db.db, 2021) == []
    (row,) = programme.targets(new_db.db, 0, period="2021-2025")
    assert (row["year"], row["period"], row["value"]) == (2021, "2021-2025", 3)


def test_period_target_and_yearly_target_of_one_kind_stand_side_by_side(new_db):
    programme.set_target(new_db, 2021, "poverty_rate", 8)
    programme.set_target(new_db, 2021, "poverty_rate", 3, period="2021-2025")
    programme.set_target(new_db, 2021, "poverty_rate", 7.5)  # replaces the yearly one only
    assert [r["value"] for r in programme.targets(new_db.db, 2021)] == [7.5]
    assert [r["value"] for r in programme.targets(new_db.db, 0, period="2021-2025")] == [3]


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("poverty_rate", 100.5, "từ 0 đến 100"),
        ("poverty_rate", -1, "không được âm"),
        ("poor_reduction", 2.5, "số nguyên"),
        ("unknown_kind", 1, "không có trong danh mục"),
    ],
)
def test_bad_targets_are_refused(new_db, code, value, message):
    with pytest.raises(DatabaseError, match=message):
        programme.set_target(new_db, 2025, code, value)
    assert programme.targets(new_db.db, 2025) == []


def test_bad_decision_date_and_period(new_db):
    with pytest.raises(DatabaseError, match="YYYY-MM-DD"):
        programme.set_target(new_db, 2025, "poverty_rate", 5, decision_date="15/02/2025")
    with pytest.raises(DatabaseError, match="2021-2025"):
        programme.set_target(new_db, 2025, "poverty_rate", 5, period="2025-2021")


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_every_rate_from_0_to_100_is_accepted(value):
    assert programme.target_value_problem(value, "%") is None


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["hộ", "người"]))
def test_whole_counts_accepted_fractions_refused(value, unit):
    assert programme.target_value_problem(value, unit) is None
    assert programme.target_value_problem(value + 0.5, unit) is not None


def test_delete_target(new_db):
    target = programme.set_target(new_db, 2025, "poverty_rate", 6)
    programme.delete_target(new_db, target)
    assert programme.targets(new_db.db, 2025) == []


def test_programme_structure():
    assert programme.programme_ids() == ["2021-2025", "2026-2030"]
    assert programme.programme_for_year(2023) == "2021-2025"
    assert programme.programme_for_year(2027) == "2026-2030"
    names = programme.projects("2021-2025")
    assert list(names)[:4] == ["DA1", "DA2", "DA3", "DA3.1"]
    assert programme.funding_sources("2021-2025")["central"] == "Ngân sách trung ương"


def test_budget_lines_in_programme_order_and_validated(new_db):
    programme.set_budget(new_db, 2025, "2021-2025", "DA4.1", "province", 100, 40)
    programme.set_budget(new_db, 2025, "2021-2025", "DA2", "commune", 50)
    programme.set_budget(new_db, 2025, "2021-2025", "DA2", "central", 300, 300)
    lines = programme.budgets(new_db.db, 2025)
    assert [(b["project_code"], b["funding_source"]) for b in lines] == [
        ("DA2", "central"),
        ("DA2", "commune"),
        ("DA4.1", "province"),
    ]
    with pytest.raises(DatabaseError, match="Giải ngân"):
        programme.set_budget(new_db, 2025, "2021-2025", "DA2", "central", 300, 301)
    with pytest.raises(DatabaseError, match="Nguồn vốn"):
        programme.set_budget(new_db, 2025, "2021-2025", "DA2", "lottery", 1)
    programme.delete_budget(new_db, lines[0]["id"])
    assert len(programme.budgets(new_db.db, 2025)) == 2
