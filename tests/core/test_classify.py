"""Classification under both standards: every indicator at its boundaries, the lines, the
average band, B1 scores, unknown data, province files and points tables."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnapp.core.classify import Classification, IndicatorResult, classify, explain
from gnapp.core.record import RecordError
from gnapp.core.standards import Standard, load_points_table, load_standard
from gnapp.data import read_form_json

DATA = Path(__file__).parent / "data"
REFERENCE = date(2026, 10, 1)
STANDARD_IDS = ["2022-2025", "2027-2030"]
LINES = {
    "2022-2025": {"rural": 1_500_000, "urban": 2_000_000},
    "2027-2030": {"rural": 2_200_000, "urban": 2_800_000},
}


@functools.cache
def standard_named(standard_id: str) -> Standard:
    return load_standard(standard_id)


@pytest.fixture(params=STANDARD_IDS)
def standard(request: pytest.FixtureRequest) -> Standard:
    return standard_named(request.param)


# --- builders ------------------------------------------------------------------------------


def turns(age: int) -> str:
    """Born so that the birthday falls on the reference date: `age` today."""
    return date(REFERENCE.year - age, REFERENCE.month, REFERENCE.day).isoformat()


def turns_tomorrow(age: int) -> str:
    """Born so that `age` is reached the day after the reference date."""
    return date(REFERENCE.year - age, REFERENCE.month, REFERENCE.day + 1).isoformat()


def adult(name: str = "Nguyễn Văn An", born: str = "1986-05-01", **fields: Any) -> dict[str, Any]:
    """A member of working age with nothing that deprives the household."""
    return {
        "full_name": name,
        "sex": "male",
        "birth_date": born,
        "relation": "other_relative",
        "has_health_insurance": True,
        "malnourished": False,
        "schooling": "not_attending",
        "education": "upper_secondary",
        "vocational_certificate": "none",
        "employment": "stable",
        "can_work": True,
        "severe_disability": False,
    } | fields


def child(name: str, born: str, **fields: Any) -> dict[str, Any]:
    """A child at school, insured and well fed."""
    return {
        "full_name": name,
        "sex": "female",
        "birth_date": born,
        "relation": "child",
        "has_health_insurance": True,
        "malnourished": False,
        "schooling": "attending",
        "education": "primary",
        "employment": "not_in_labour_force",
    } | fields


def household(*members: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A household deprived of nothing, below every income line; the first member is the head."""
    people = list(members) or [adult(), adult("Trần Thị Bình", "1988-02-10", sex="female")]
    people = [people[0] | {"relation": "head"}, *people[1:]]
    return {
        "household_code": "HGD-0012",
        "area": "rural",
        "agricultural": True,
        "floor_area_m2": 100,
        "walls_durable": True,
        "frame_durable": True,
        "roof_durable": True,
        "water_source": "piped",
        "latrine": "septic",
        "uses_telecom": True,
        "information_devices": ["tv"],
        "waste_handled_hygienically": True,
        "income": {"monthly_per_capita": 1_000_000},
        "members": people,
    } | fields


# Household-level deprivations present in both standards, to set a count.
DEPRIVATIONS = [
    {"water_source": "surface_water"},
    {"latrine": "none"},
    {"uses_telecom": False},
    {"walls_durable": False, "frame_durable": False},
]


def deprived_on(count: int, **fields: Any) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for change in DEPRIVATIONS[:count]:
        changes |= change
    return household(**(changes | fields))


def result(record: dict[str, Any], standard: Standard, **options: Any) -> Classification:
    return classify(record, standard, REFERENCE, **options)


def indicator(record: dict[str, Any], standard: Standard, indicator_id: str) -> IndicatorResult:
    outcome = result(record, standard)
    return next(item for item in outcome.indicators if item.id == indicator_id)


def test_the_baseline_household_is_deprived_of_nothing(standard):
    outcome = result(household(), standard)
    assert [item.deprived for item in outcome.indicators] == [False] * 12
    assert (outcome.deprivation_count, outcome.unknown_count, outcome.b2_score) == (0, 0, 0)
    assert (outcome.class_code, outcome.class_label) == ("near_poor", "hộ cận nghèo")


# --- indicators at their boundaries ---------------------------------------------------------


@pytest.mark.parametrize(("born", "deprived"), [(turns(6), True), (turns_tomorrow(6), False)])
def test_health_insurance_from_the_sixth_birthday(standard, born, deprived):
    home = household(adult(), child("Nguyễn Thị Hoa", born, has_health_insurance=False))
    outcome = indicator(home, standard, "health_insurance")
    assert outcome.deprived is deprived
    if deprived:
        assert outcome.reason == "Nguyễn Thị Hoa, 6 tuổi, không có thẻ BHYT"
    else:
        assert outcome.reason == "Mọi thành viên từ 6 tuổi trở lên đều có thẻ BHYT"


def test_every_uninsured_member_is_named(standard):
    home = household(
        adult("Nguyễn Văn An", turns(40), has_health_insurance=False),
        child("Nguyễn Thị Hoa", turns(7), has_health_insurance=False),
        child("Nguyễn Văn Tí", turns(3), has_health_insurance=False),
    )
    assert indicator(home, standard, "health_insurance").reason == (
        "Nguyễn Văn An, 40 tuổi, không có thẻ BHYT; Nguyễn Thị Hoa, 7 tuổi, không có thẻ BHYT"
    )


def test_unknown_insurance_matters_only_from_age_six(standard):
    young = household(adult(), child("Bé", turns(5), has_health_insurance=None))
    assert indicator(young, standard, "health_insurance").deprived is False
    older = household(adult(), child("Nguyễn Thị Hoa", turns(8), has_health_insurance=None))
    outcome = indicator(older, standard, "health_insurance")
    assert outcome.deprived is None
    assert outcome.reason == "Chưa đủ dữ liệu: có thẻ bảo hiểm y tế (Nguyễn Thị Hoa)"


@pytest.mark.parametrize(
    ("born", "fields", "deprived"),
    [
        (turns_tomorrow(16), {"education": "primary"}, False),
        (turns(16), {"education": "primary"}, True),
        (turns(16), {"education": "lower_secondary"}, False),
        (turns(17), {"education": "primary", "vocational_certificate": "elementary"}, True),
        (turns_tomorrow(18), {"education": "lower_secondary"}, False),
        (turns(18), {"education": "lower_secondary"}, True),
        (
            turns(18),
            {"education": "lower_secondary", "vocational_certificate": "elementary"},
            False,
        ),
        (turns(18), {"education": "primary", "vocational_certificate": "intermediate"}, False),
        (turns(18), {"education": "primary", "vocational_certificate": "college"}, False),
        (turns(18), {"education": "none", "vocational_certificate": "employer_certified"}, False),
        (turns(18), {"education": "upper_secondary"}, False),
        (turns_tomorrow(31), {"education": "primary"}, True),
        (turns(31), {"education": "primary"}, False),
        (turns(20), {"education": "primary", "schooling": "attending"}, False),
        (turns(20), {"education": "primary", "schooling": "attending_behind"}, False),
        (turns(20), {"education": "primary", "schooling": None}, None),
        (turns(20), {"education": "upper_secondary", "schooling": None}, False),
        (turns(20), {"education": None}, None),
        (turns(20), {"education": None, "vocational_certificate": "college"}, False),
        (turns(20), {"education": "primary", "vocational_certificate": None}, None),
    ],
)
def test_adult_education(standard, born, fields, deprived):
    home = household(adult(), adult("Lê Văn Bình", born, **fields))
    assert indicator(home, standard, "adult_education").deprived is deprived


def test_adult_education_reason(standard):
    home = household(adult(), adult("Lê Văn Bình", turns(18), education="primary"))
    assert indicator(home, standard, "adult_education").reason == (
        "Lê Văn Bình, 18 tuổi, không đi học, chưa đạt trình độ theo độ tuổi "
        "(học vấn: tiểu học; chứng chỉ nghề: không có)"
    )


@pytest.mark.parametrize(
    ("born", "schooling", "deprived"),
    [
        (turns_tomorrow(3), "not_attending", False),
        (turns(3), "not_attending", True),
        (turns(10), "attending_behind", True),
        (turns(10), "attending", False),
        (turns_tomorrow(16), "not_attending", True),
        (turns(16), "not_attending", False),
        (turns(10), None, None),
    ],
)
def test_child_schooling(standard, born, schooling, deprived):
    home = household(adult(), child("Lê Văn Tí", born, schooling=schooling))
    outcome = indicator(home, standard, "child_schooling")
    assert outcome.deprived is deprived
    if born == turns(10) and deprived:
        assert outcome.reason == "Lê Văn Tí, 10 tuổi, đang đi học không đúng cấp"


@pytest.mark.parametrize(
    ("born", "malnourished", "deprived"),
    [
        (turns_tomorrow(16), True, True),
        (turns(16), True, False),
        (turns(4), None, None),
        (turns(30), None, False),
    ],
)
def test_nutrition_of_children_under_16(standard, born, malnourished, deprived):
    home = household(adult(), child("Lê Thị Mai", born, malnourished=malnourished))
    outcome = indicator(home, standard, "nutrition")
    assert outcome.deprived is deprived
    if deprived:
        assert outcome.reason == "Lê Thị Mai, 15 tuổi, suy dinh dưỡng (thấp còi hoặc nhẹ cân)"


@pytest.mark.parametrize(
    ("born", "sex", "employment", "deprived"),
    [
        (turns(15), "male", "unemployed", True),
        (turns_tomorrow(15), "male", "unemployed", False),
        (turns(40), "male", "wage_without_contract", True),
        (turns(40), "male", "unstable", True),
        (turns(40), "male", "stable", False),
        (turns(40), "male", "not_in_labour_force", False),
        (turns(40), "male", None, None),
        ("1965-04-01", "male", "unemployed", False),  # 61y6m: retirement age of 2026
        ("1965-04-02", "male", "unemployed", True),
        ("1969-10-01", "female", "unemployed", False),  # 57y: retirement age of 2026
        ("1969-10-02", "female", "unemployed", True),
        ("1969-10-02", "female", None, None),
        (turns(70), "male", None, False),
    ],
)
def test_employment_of_members_of_working_age(standard, born, sex, employment, deprived):
    home = household(adult(), adult("Trần Văn Công", born, sex=sex, employment=employment))
    outcome = indicator(home, standard, "employment")
    assert outcome.deprived is deprived
    if born == turns(15) and deprived:
        assert outcome.reason == "Trần Văn Công, 15 tuổi, trong độ tuổi lao động, thất nghiệp"


@pytest.mark.parametrize(("born", "deprived"), [(turns(60), True), (turns_tomorrow(60), False)])
def test_a_member_of_60_counts_as_a_dependant(standard, born, deprived):
    home = household(adult(), adult("Ông Nguyễn Văn Tư", born), child("Bé", turns(10)))
    assert indicator(home, standard, "dependants").deprived is deprived


def test_dependants_exactly_half_is_not_deprived(standard):
    home = household(adult(), adult("B"), child("C", turns(10)), child("D", turns(5)))
    outcome = indicator(home, standard, "dependants")
    assert outcome.deprived is False
    assert outcome.reason == "2/4 thành viên là người phụ thuộc (50%), không quá 50%"


def test_dependants_more_than_half_is_deprived(standard):
    home = household(
        adult(), adult("B"), child("C", turns(10)), child("D", turns(5)), child("E", turns(1))
    )
    outcome = indicator(home, standard, "dependants")
    assert outcome.deprived is True
    assert outcome.reason == "3/5 thành viên là người phụ thuộc (60%), trên 50%"


@pytest.mark.parametrize(
    "fields", [{"severe_disability": True}, {"can_work": False}], ids=["disabled", "cannot_work"]
)
def test_disability_or_no_working_capacity_makes_a_dependant(standard, fields):
    home = household(adult(), adult("B", **fields), child("C", turns(10)))
    assert indicator(home, standard, "dependants").deprived is True


def test_an_unknown_dependant_matters_only_when_it_can_tip_the_share(standard):
    unsure = adult("B", can_work=None, severe_disability=None)
    tipping = household(adult(), unsure, child("C", turns(10)))
    outcome = indicator(tipping, standard, "dependants")
    assert outcome.deprived is None
    assert outcome.reason == (
        "Chưa đủ dữ liệu: có khả năng lao động (B); khuyết tật nặng hoặc đặc biệt nặng (B)"
    )
    harmless = household(adult(), adult("C"), adult("D"), unsure)
    assert indicator(harmless, standard, "dependants").deprived is False


@pytest.mark.parametrize(
    ("walls", "frame", "roof", "deprived"),
    [
        (False, True, True, False),
        (False, False, True, True),
        (False, None, True, None),
        (False, False, None, True),
        (True, True, None, False),
        (None, None, None, None),
    ],
)
def test_housing_quality_needs_two_of_three_parts_not_durable(
    standard, walls, frame, roof, deprived
):
    home = household(walls_durable=walls, frame_durable=frame, roof_durable=roof)
    assert indicator(home, standard, "housing_quality").deprived is deprived


def test_housing_quality_reason(standard):
    home = household(walls_durable=False, frame_durable=False, roof_durable=True)
    assert indicator(home, standard, "housing_quality").reason == (
        "2/3 bộ phận chính làm bằng vật liệu không bền chắc, từ 2 trở lên "
        "(bền chắc — tường: không, cột: không, mái: có)"
    )


def five_members() -> list[dict[str, Any]]:
    return [adult(name) for name in ("A", "B", "C", "D", "E")]


@pytest.mark.parametrize(
    ("area", "deprived", "reason"),
    [
        (40, False, "Diện tích 40 m² cho 5 người, bình quân 8 m²/người, không dưới 8 m²"),
        (39.9, True, "Diện tích 39,9 m² cho 5 người, bình quân 7,98 m²/người, dưới 8 m²"),
        (30, True, "Diện tích 30 m² cho 5 người, bình quân 6 m²/người, dưới 8 m²"),
        (None, None, "Chưa đủ dữ liệu: diện tích nhà ở (m²)"),
    ],
)
def test_floor_area_per_member_below_8(standard, area, deprived, reason):
    outcome = indicator(household(*five_members(), floor_area_m2=area), standard, "floor_area")
    assert (outcome.deprived, outcome.reason) == (deprived, reason)


SCHEMA = read_form_json("household-record.schema.json")["properties"]
SAFE_WATER = {
    "piped",
    "drilled_well",
    "protected_dug_well",
    "protected_spring",
    "rainwater",
    "bottled",
}
HYGIENIC = {"septic", "semi_septic", "pour_flush", "double_vault", "ventilated_pit", "biogas"}


@pytest.mark.parametrize("source", SCHEMA["water_source"]["enum"])
def test_water_source(standard, source):
    outcome = indicator(household(water_source=source), standard, "water_source")
    assert outcome.deprived is (None if source is None else source not in SAFE_WATER)


@pytest.mark.parametrize("latrine", SCHEMA["latrine"]["enum"])
def test_latrine(standard, latrine):
    outcome = indicator(household(latrine=latrine), standard, "latrine")
    assert outcome.deprived is (None if latrine is None else latrine not in HYGIENIC)


def test_water_and_latrine_reasons_use_vietnamese_labels(standard):
    home = household(water_source="surface_water", latrine="simple_pit")
    assert indicator(home, standard, "water_source").reason == (
        "Hộ dùng nước mặt (sông, suối, ao, hồ), không phải nguồn nước an toàn"
    )
    assert indicator(home, standard, "latrine").reason == (
        "Loại nhà tiêu: hố xí đơn giản, không hợp vệ sinh"
    )


@pytest.mark.parametrize(("uses", "deprived"), [(False, True), (True, False), (None, None)])
def test_telecom(standard, uses, deprived):
    assert indicator(household(uses_telecom=uses), standard, "telecom").deprived is deprived


@pytest.mark.parametrize(
    ("devices", "deprived"),
    [([], True), (["phone", "other"], True), (["smartphone"], False), (["radio"], False)],
)
def test_information_devices_only_in_2022_2025(devices, deprived):
    home = household(information_devices=devices)
    assert indicator(home, standard_named("2022-2025"), "information_devices").deprived is deprived
    ids = [item.id for item in result(home, standard_named("2027-2030")).indicators]
    assert "information_devices" not in ids


def test_information_devices_unknown_when_not_recorded():
    home = household()
    del home["information_devices"]
    assert indicator(home, standard_named("2022-2025"), "information_devices").deprived is None


@pytest.mark.parametrize(("handled", "deprived"), [(False, True), (True, False), (None, None)])
def test_waste_only_in_2027_2030(handled, deprived):
    home = household(waste_handled_hygienically=handled)
    outcome = indicator(home, standard_named("2027-2030"), "waste")
    assert (outcome.deprived, outcome.status) == (deprived, "unknown")
    ids = [item.id for item in result(home, standard_named("2022-2025")).indicators]
    assert "waste" not in ids


# --- the class --------------------------------------------------------------------------------


@pytest.mark.parametrize("area", ["rural", "urban"])
def test_income_at_the_line_and_one_dong_above(standard, area):
    line = LINES[standard.id][area]
    at_line = result(deprived_on(3, area=area, income={"monthly_per_capita": line}), standard)
    assert (at_line.class_code, at_line.income_basis, at_line.income_line) == (
        "poor",
        "income",
        line,
    )
    near = result(deprived_on(2, area=area, income={"monthly_per_capita": line}), standard)
    assert near.class_code == "near_poor"
    above = result(deprived_on(3, area=area, income={"monthly_per_capita": line + 1}), standard)
    band_defined = standard.id == "2022-2025"
    assert above.class_code == ("average" if band_defined else "not_poor")


def test_two_versus_three_deprivations(standard):
    two, three = (result(deprived_on(n), standard) for n in (2, 3))
    assert (two.class_code, two.deprivation_count, two.b2_score) == ("near_poor", 2, 20)
    assert (three.class_code, three.deprivation_count, three.b2_score) == ("poor", 3, 30)
    assert three.class_label == "hộ nghèo"


@pytest.mark.parametrize(
    ("area", "income", "expected"),
    [
        ("rural", 1_500_001, "average"),
        ("rural", 2_250_000, "average"),
        ("rural", 2_250_001, "not_poor"),
        ("urban", 2_000_001, "average"),
        ("urban", 3_000_000, "average"),
        ("urban", 3_000_001, "not_poor"),
    ],
)
def test_the_average_band_2022_2025(area, income, expected):
    record = deprived_on(4, area=area, income={"monthly_per_capita": income})
    outcome = result(record, standard_named("2022-2025"))
    assert (outcome.class_code, outcome.class_label) == (expected, CLASS_LABEL[expected])


CLASS_LABEL = {
    "poor": "hộ nghèo",
    "near_poor": "hộ cận nghèo",
    "average": "hộ có mức sống trung bình",
    "not_poor": "hộ không nghèo",
}


def test_the_average_band_note_for_a_household_that_is_not_agricultural():
    standard = standard_named("2022-2025")
    income = {"monthly_per_capita": 2_000_000}
    farming = result(household(income=income), standard)
    assert farming.class_code == "average"
    assert not any("nông, lâm, ngư" in note for note in farming.notes)
    trading = result(household(income=income, agricultural=False), standard)
    assert trading.class_code == "average"
    assert any("hộ không làm nông, lâm, ngư, diêm nghiệp" in note for note in trading.notes)
    unrecorded = household(income=income)
    del unrecorded["agricultural"]
    assert any("chưa rõ hộ có làm nông" in note for note in result(unrecorded, standard).notes)


def test_2027_2030_has_no_average_band_yet():
    outcome = result(
        household(income={"monthly_per_capita": 2_500_000}), standard_named("2027-2030")
    )
    assert outcome.class_code == "not_poor"
    assert any("chưa có ngưỡng hộ có mức sống trung bình" in note for note in outcome.notes)


@pytest.mark.parametrize(
    ("area", "score", "deprivations", "expected"),
    [
        ("rural", 140, 3, "poor"),
        ("rural", 140, 2, "near_poor"),
        ("rural", 141, 3, "not_poor"),
        ("urban", 175, 3, "poor"),
        ("urban", 175, 2, "near_poor"),
        ("urban", 176, 3, "not_poor"),
    ],
)
def test_b1_score_against_the_2022_2025_lines(area, score, deprivations, expected):
    income = {"b1_score": score, "monthly_per_capita": 9_000_000}
    outcome = result(
        deprived_on(deprivations, area=area, income=income), standard_named("2022-2025")
    )
    assert (outcome.class_code, outcome.income_basis, outcome.income_value) == (
        expected,
        "score",
        score,
    )
    assert outcome.income_line == {"rural": 140, "urban": 175}[area]


def test_a_b1_score_above_the_line_is_not_poor_even_inside_the_income_band():
    outcome = result(household(income={"b1_score": 150}), standard_named("2022-2025"))
    assert outcome.class_code == "not_poor"
    assert any("không theo điểm B1" in note for note in outcome.notes)


def test_2027_2030_with_a_b1_score_and_no_scale_is_undetermined():
    outcome = result(deprived_on(3, income={"b1_score": 120}), standard_named("2027-2030"))
    assert (outcome.class_code, outcome.class_label, outcome.income_basis) == (
        None,
        "chưa xác định được",
        None,
    )
    assert any("chưa có ngưỡng điểm B1" in note for note in outcome.notes)


def test_2027_2030_with_a_b1_score_and_an_income_uses_the_income():
    record = deprived_on(3, income={"b1_score": 120, "monthly_per_capita": 2_000_000})
    outcome = result(record, standard_named("2027-2030"))
    assert (outcome.class_code, outcome.income_basis, outcome.income_line) == (
        "poor",
        "income",
        2_200_000,
    )
    assert any("chưa có ngưỡng điểm B1" in note for note in outcome.notes)


@pytest.mark.parametrize(("score", "expected"), [(200, "poor"), (201, "not_poor")])
def test_2027_2030_with_score_lines_supplied(score, expected):
    lines = {"rural": 200, "urban": 250}
    record = deprived_on(3, income={"b1_score": score})
    outcome = result(record, standard_named("2027-2030"), score_lines=lines)
    assert (outcome.class_code, outcome.income_basis, outcome.income_line) == (
        expected,
        "score",
        200,
    )
    assert any("do người dùng cung cấp, ngưỡng chưa đối chiếu" in note for note in outcome.notes)


@pytest.mark.parametrize("lines", [{"rural": "200"}, {"nong_thon": 200}, {"rural": 0}])
def test_bad_score_lines_are_refused(lines):
    with pytest.raises(ValueError, match="Thang điểm B1 không hợp lệ"):
        result(household(income={"b1_score": 100}), standard_named("2027-2030"), score_lines=lines)


def test_no_income_and_no_score_is_undetermined(standard):
    outcome = result(deprived_on(4, income={}), standard)
    assert (outcome.class_code, outcome.income_basis) == (None, None)
    assert "Thiếu thu nhập bình quân đầu người/tháng và điểm B1" in outcome.notes[0]


def test_unknown_data_that_can_change_the_class_leaves_it_undetermined(standard):
    outcome = result(deprived_on(2, floor_area_m2=None), standard)
    assert (outcome.class_code, outcome.deprivation_count, outcome.unknown_count) == (None, 2, 1)
    assert outcome.notes[0] == (
        "Chưa xác định được hộ nghèo hay cận nghèo: đã có 2 chỉ số thiếu hụt (cần 3), "
        "1 chỉ số chưa đủ dữ liệu: Diện tích nhà ở bình quân đầu người"
    )


@pytest.mark.parametrize(
    ("count", "income", "expected"),
    [(3, 1_000_000, "poor"), (0, 1_000_000, "near_poor"), (2, 5_000_000, "not_poor")],
)
def test_unknown_data_that_cannot_change_the_class_lets_it_stand(standard, count, income, expected):
    record = deprived_on(count, floor_area_m2=None, income={"monthly_per_capita": income})
    outcome = result(record, standard)
    assert (outcome.class_code, outcome.unknown_count) == (expected, 1)
    assert any("không làm thay đổi phân loại" in note for note in outcome.notes)


def test_two_unknowns_count_only_when_they_can_reach_three(standard):
    record = deprived_on(1, floor_area_m2=None, uses_telecom=None)
    assert result(record, standard).class_code is None
    none_yet = deprived_on(0, floor_area_m2=None, uses_telecom=None)
    assert result(none_yet, standard).class_code == "near_poor"


def test_unconfirmed_thresholds_are_noted(standard):
    outcome = result(deprived_on(3), standard)
    note = next(note for note in outcome.notes if note.startswith("Ngưỡng chưa đối chiếu"))
    listed = note.removeprefix("Ngưỡng chưa đối chiếu văn bản gốc — nguồn thứ cấp: ").split(", ")
    assert sorted(listed) == [
        "Nguồn nước sinh hoạt",
        "Nhà tiêu hợp vệ sinh",
        "Sử dụng dịch vụ viễn thông",
    ]
    assert "Bảo hiểm y tế" not in note  # not deprived: its threshold did not count
    assert not any("chuẩn thu nhập" in note for note in outcome.notes)  # confirmed lines


def test_the_record_is_validated_first(standard):
    with pytest.raises(RecordError, match="trường area"):
        result(household(area="mountain"), standard)
    with pytest.raises(RecordError, match="sau ngày tham chiếu"):
        result(household(adult(), child("Bé", "2026-12-01")), standard)


def test_to_dict_is_plain_json(standard):
    outcome = result(deprived_on(3, floor_area_m2=None), standard)
    data = json.loads(json.dumps(outcome.to_dict(), ensure_ascii=False))
    assert data["reference_date"] == "2026-10-01"
    assert data["class_code"] == "poor"
    assert data["indicators"][0]["id"] == "employment"
    assert {item["deprived"] for item in data["indicators"]} == {True, False, None}


def test_explain_shows_indicators_count_income_class_and_notes():
    outcome = result(deprived_on(3, floor_area_m2=None), standard_named("2022-2025"))
    text = explain(outcome)
    lines = text.splitlines()
    assert lines[0] == (
        "Hộ HGD-0012 — Chuẩn nghèo đa chiều giai đoạn 2022 - 2025 — khu vực nông thôn — "
        "ngày tham chiếu 01/10/2026"
    )
    assert (
        "    ✗ Nguồn nước sinh hoạt: Hộ dùng nước mặt (sông, suối, ao, hồ), không phải nguồn "
        "nước an toàn [nguồn thứ cấp]"
    ) in lines
    assert (
        "    ? Diện tích nhà ở bình quân đầu người: Chưa đủ dữ liệu: diện tích nhà ở (m²) "
        "[nguồn thứ cấp]"
    ) in lines
    assert "Số chỉ số thiếu hụt: 3/12 (chưa đủ dữ liệu: 1); điểm B2: 30" in lines
    assert (
        "Thu nhập bình quân đầu người/tháng: 1.000.000 đồng; chuẩn nông thôn: 1.500.000 đồng "
        "(bằng hoặc dưới chuẩn)"
    ) in lines
    assert "Phân loại: hộ nghèo" in lines
    assert lines.index("Ghi chú:") < len(lines) - 1


# --- points tables and province files ---------------------------------------------------------

ANSWERS = {"household_size": 3, "has_pension": False, "dwelling": "durable"}


def test_b1_from_a_points_table():
    table = load_points_table(DATA / "points-table-FAKE-test-fixture.json")
    record = deprived_on(3, income={"b1_score": 100, "b1_answers": ANSWERS})
    outcome = result(record, standard_named("2022-2025"), points_table=table)
    assert (outcome.class_code, outcome.income_basis, outcome.income_value) == (
        "poor",
        "score",
        80.5,
    )
    assert [item.points for item in outcome.b1_items] == [30, 0, 50.5]
    assert any(
        note.startswith("Điểm B1 tính theo bảng điểm 'BẢNG ĐIỂM GIẢ") for note in outcome.notes
    )
    assert any("(100) khác điểm tính theo bảng (80,5)" in note for note in outcome.notes)
    assert "  - Loại nhà ở (giả): nhà kiên cố — 50,5 điểm" in explain(outcome).splitlines()


def test_incomplete_answers_fall_back_to_the_entered_score():
    table = load_points_table(DATA / "points-table-FAKE-test-fixture.json")
    record = household(income={"b1_score": 150, "b1_answers": {"household_size": 1}})
    outcome = result(record, standard_named("2022-2025"), points_table=table)
    assert (outcome.income_value, outcome.class_code) == (150, "not_poor")
    assert any("còn thiếu câu trả lời" in note for note in outcome.notes)


def test_a_points_table_for_another_area_is_refused():
    table = load_points_table(DATA / "points-table-FAKE-test-fixture.json")
    record = household(area="urban", income={"b1_answers": ANSWERS})
    with pytest.raises(ValueError, match="dành cho chuẩn 2022-2025, khu vực nông thôn"):
        result(record, standard_named("2022-2025"), points_table=table)


def test_a_province_file_changes_lines_and_thresholds():
    province = load_standard(DATA / "province-override-FAKE-test-fixture.json")
    national = standard_named("2027-2030")
    record = household(*five_members(), floor_area_m2=45, income={"monthly_per_capita": 2_400_000})
    assert indicator(record, national, "floor_area").deprived is False
    floor = indicator(record, province, "floor_area")
    assert (floor.deprived, floor.status) == (True, "unknown")
    assert floor.reason.endswith("bình quân 9 m²/người, dưới 10 m²")
    assert result(record, national).class_code == "not_poor"
    outcome = result(record, province)
    assert (outcome.class_code, outcome.income_line) == ("near_poor", 2_500_000)
    assert any("chuẩn thu nhập nông thôn" in note for note in outcome.notes)
    scored = result(household(income={"b1_score": 180}), province)
    assert (scored.income_basis, scored.class_code) == ("score", "near_poor")


# --- a property: a class that is given holds however the missing data turn out ---------------

NULLABLE_BOOL = st.sampled_from([True, False, None])
FILL = {
    "walls_durable": [True, False],
    "frame_durable": [True, False],
    "roof_durable": [True, False],
    "uses_telecom": [True, False],
    "waste_handled_hygienically": [True, False],
    "water_source": ["piped", "surface_water"],
    "latrine": ["septic", "none"],
    "floor_area_m2": [10, 40],
    "has_health_insurance": [True, False],
    "employment": ["stable", "unemployed"],
    "can_work": [True, False],
    "severe_disability": [True, False],
    "schooling": ["attending", "not_attending"],
    "malnourished": [True, False],
}


@st.composite
def partial_households(draw: st.DrawFn) -> dict[str, Any]:
    def maybe(name: str) -> Any:
        return draw(st.sampled_from([*FILL[name], None]))

    grown = adult(**{name: maybe(name) for name in ("has_health_insurance", "employment")})
    grown |= {name: maybe(name) for name in ("can_work", "severe_disability")}
    young = child("Nguyễn Thị Hoa", turns(draw(st.integers(0, 17))))
    young |= {
        name: maybe(name)
        for name in (
            "has_health_insurance",
            "schooling",
            "malnourished",
            "can_work",
            "severe_disability",
        )
    }
    fields = {name: maybe(name) for name in list(FILL)[:8]}
    income = draw(st.sampled_from([1_000_000, 1_500_000, 2_100_000, 2_500_000]))
    return household(grown, young, income={"monthly_per_capita": income}, **fields)


def completed(record: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    def fill(values: dict[str, Any]) -> dict[str, Any]:
        return {
            name: data.draw(st.sampled_from(FILL[name]))
            if value is None and name in FILL
            else value
            for name, value in values.items()
        }

    return fill(record) | {"members": [fill(member) for member in record["members"]]}


@settings(max_examples=60, deadline=None)
@given(record=partial_households(), data=st.data())
def test_a_class_given_despite_missing_data_survives_any_completion(record, data):
    for standard_id in STANDARD_IDS:
        standard = standard_named(standard_id)
        partial = result(record, standard)
        full = result(completed(record, data), standard)
        assert full.class_code is not None
        if partial.class_code is not None:
            assert full.class_code == partial.class_code
        for before, after in zip(partial.indicators, full.indicators, strict=True):
            if before.deprived is not None:
                assert after.deprived is before.deprived


def _words(outcome: Classification) -> list[str]:
    """Every text of a classification the user reads."""
    return [
        outcome.standard_name,
        outcome.class_label,
        *outcome.notes,
        *(text for i in outcome.indicators for text in (i.name, i.dimension_name, i.reason)),
    ]


ENGLISH_RECORDS = [  # members named without diacritics: a name is the household's own word
    household(
        adult("Pham Van Hai", employment="unemployed", has_health_insurance=False),
        child("Le Thi Mai", "2014-03-01", schooling="not_attending", malnourished=True),
        adult("Do Van Nam", "1950-01-01", employment="not_in_labour_force", can_work=None),
        **DEPRIVATIONS[0] | DEPRIVATIONS[1] | DEPRIVATIONS[3],
        floor_area_m2=None,
        information_devices=[],
    ),
    deprived_on(2, floor_area_m2=None, members=[adult("Vo Van Ba", relation="head")]),
    household(adult("Ho Van Tu"), income={"monthly_per_capita": 2_000_000}, agricultural=False),
    household(adult("Ho Van Tu"), income={"b1_score": 150}),
    household(adult("Ho Van Tu"), income={}),
]


@pytest.mark.parametrize("record", ENGLISH_RECORDS)
def test_the_classification_speaks_the_language_it_is_given(english, standard, record):
    """The GUI's classification (``translate=tr``) has its indicators, reasons and notes in
    English; the core's own (documents, the command line) stays Vietnamese."""
    from gnapp.i18n import tr
    from gnapp.i18n_extract import has_vietnamese_letters

    shown = result(record, standard, translate=tr)
    assert [text for text in _words(shown) if has_vietnamese_letters(text)] == []
    written = result(record, standard)
    assert has_vietnamese_letters(" ".join(_words(written)))
    assert (shown.class_code, shown.deprivation_count) == (
        written.class_code,
        written.deprivation_count,
    )


def test_a_reason_in_english_fills_the_household_s_values_in_english(english, standard):
    from gnapp.i18n import tr

    record = household(adult("Pham Van Hai", employment="unemployed"))
    reasons = {i.id: i.reason for i in result(record, standard, translate=tr).indicators}
    assert reasons["employment"].startswith("Pham Van Hai, aged 40, of working age, unemployed")
