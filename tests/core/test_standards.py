"""Standard files: what they say (against the domain notes), how broken files are refused,
working age, province extensions and B1 points tables."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.core import standards
from gnapp.core.record import RecordError, age_at
from gnapp.core.standards import (
    REGIONS,
    StandardError,
    available_standards,
    find_points_table,
    load_points_table,
    load_standard,
    standard_for_year,
)
from gnapp.data import form_file, read_form_json

DATA = Path(__file__).parent / "data"
OVERRIDE = DATA / "province-override-FAKE-test-fixture.json"
POINTS = DATA / "points-table-FAKE-test-fixture.json"

ORDER_2022 = [
    "employment",
    "dependants",
    "nutrition",
    "health_insurance",
    "adult_education",
    "child_schooling",
    "housing_quality",
    "floor_area",
    "water_source",
    "latrine",
    "telecom",
    "information_devices",
]
ORDER_2027 = [
    "employment",
    "dependants",
    "health_insurance",
    "nutrition",
    "adult_education",
    "child_schooling",
    "floor_area",
    "housing_quality",
    "telecom",
    "water_source",
    "latrine",
    "waste",
]


def status(mark: Any) -> tuple[str, bool]:
    return mark.status, mark.confirmed


# --- the two national standards against standards.md ---------------------------------------


def test_the_2022_2025_standard_as_the_domain_notes_state_it():
    standard = load_standard("2022-2025")
    assert (standard.years.first, standard.years.last) == (2022, 2026)
    lines = standard.income_lines
    assert (lines.rural, lines.urban, *status(lines.provenance)) == (
        1_500_000,
        2_000_000,
        "confirmed",
        True,
    )
    band = standard.average_band
    assert (band.rural, band.urban, band.provenance.status) == (2_250_000, 3_000_000, "confirmed")
    b1 = standard.score_method.b1_lines
    assert (b1.rural, b1.urban, b1.provenance.status) == (140, 175, "confirmed")
    assert "Thông tư 07/2021" in b1.provenance.source
    b2 = standard.score_method.b2_points_per_indicator
    assert (b2.value, b2.provenance.status) == (10, "confirmed")
    poor = standard.poor_min_deprivations
    assert (poor.value, poor.provenance.status) == (3, "confirmed")
    assert [indicator.id for indicator in standard.indicators] == ORDER_2022
    assert [d.name for d in standard.dimensions] == [
        "Việc làm",
        "Y tế",
        "Giáo dục",
        "Nhà ở",
        "Nước sinh hoạt và vệ sinh",
        "Thông tin",
    ]


def test_the_2027_2030_standard_as_the_domain_notes_state_it():
    standard = load_standard("2027-2030")
    assert (standard.years.first, standard.years.last) == (2027, 2030)
    lines = standard.income_lines
    assert (lines.rural, lines.urban, lines.provenance.status) == (
        2_200_000,
        2_800_000,
        "confirmed",
    )
    assert "351/2025" in lines.provenance.source
    band = standard.average_band
    assert (band.rural, band.urban, *status(band.provenance)) == (None, None, "unknown", False)
    b1 = standard.score_method.b1_lines
    assert (b1.rural, b1.urban, b1.provenance.status) == (None, None, "unknown")
    assert standard.poor_min_deprivations.value == 3
    assert standard.poor_min_deprivations.provenance.confirmed
    assert [indicator.id for indicator in standard.indicators] == ORDER_2027


def test_indicator_marks():
    marks = {
        standard.id: {indicator.id: indicator.provenance for indicator in standard.indicators}
        for standard in available_standards()
    }
    for indicator_id, mark in marks["2022-2025"].items():
        expected = (
            "unknown" if indicator_id in ("information_devices", "dependants") else "secondary"
        )
        assert mark.status == expected, indicator_id
        assert not mark.confirmed
    for indicator_id, mark in marks["2027-2030"].items():
        expected = "unknown" if indicator_id in ("waste", "dependants") else "secondary"
        assert mark.status == expected, indicator_id
        assert "Dự thảo" in mark.source


def test_an_indicator_inherits_the_marks_of_the_derived_rules_it_uses():
    standard = load_standard("2022-2025")
    by_id = {indicator.id: indicator for indicator in standard.indicators}
    assert standard.dependant.provenance.status == "unknown"
    assert standard.working_age.provenance.status == "secondary"
    assert standard.dependant.provenance.source in by_id["dependants"].provenance.source
    assert standard.working_age.provenance.source in by_id["employment"].provenance.source
    assert standard.working_age.provenance.source not in by_id["telecom"].provenance.source


RULE_KEYS = [
    ("years",),
    ("income_lines",),
    ("poor_min_deprivations",),
    ("average_band",),
    ("score_method", "b1_lines"),
    ("score_method", "b2_points_per_indicator"),
    ("working_age",),
    ("dependant",),
]


@pytest.mark.parametrize("standard_id", ["2022-2025", "2027-2030"])
def test_every_rule_carries_source_status_and_confirmed(standard_id):
    doc = read_form_json("standards", f"{standard_id}.json")
    rules = [doc[keys[0]] if len(keys) == 1 else doc[keys[0]][keys[1]] for keys in RULE_KEYS]
    for rule in [*rules, *doc["indicators"]]:
        assert rule["source"].strip()
        assert rule["status"] in ("confirmed", "secondary", "unknown")
        assert rule["confirmed"] is (rule["status"] == "confirmed")


def test_standards_by_year():
    assert [standard.id for standard in available_standards()] == ["2022-2025", "2027-2030"]
    for year in range(2022, 2027):
        assert standard_for_year(year).id == "2022-2025"
    for year in range(2027, 2031):
        assert standard_for_year(year).id == "2027-2030"
    for year in (2021, 2031):
        with pytest.raises(StandardError, match=f"năm {year}: không có chuẩn nào áp dụng"):
            standard_for_year(year)


def test_an_unknown_id_lists_the_standards_there_are():
    with pytest.raises(
        StandardError, match=r"không có chuẩn nghèo '2031-2035'.*2022-2025, 2027-2030"
    ):
        load_standard("2031-2035")


def test_no_points_table_is_shipped():
    folder = form_file("standards", "points")
    assert [entry.name for entry in folder.iterdir() if entry.name.endswith(".json")] == []
    assert find_points_table("2022-2025", "rural", "tay_nguyen") is None
    with pytest.raises(ValueError, match="Vùng không biết 'mien_trung'"):
        find_points_table("2022-2025", "rural", "mien_trung")


# --- working age ---------------------------------------------------------------------------


def test_the_retirement_schedule():
    working_age = load_standard("2022-2025").working_age
    months = working_age.retirement_months
    assert working_age.min_age == 15
    assert [months("male", year) for year in (2020, 2021, 2026, 2028, 2035)] == [
        60 * 12 + 3,
        60 * 12 + 3,
        61 * 12 + 6,
        62 * 12,
        62 * 12,
    ]
    assert [months("female", year) for year in (2021, 2022, 2026, 2034, 2035, 2040)] == [
        55 * 12 + 4,
        55 * 12 + 8,
        57 * 12,
        59 * 12 + 8,
        60 * 12,
        60 * 12,
    ]


@pytest.mark.parametrize(
    ("birth_date", "sex", "reference", "working"),
    [
        ("2011-10-01", "male", date(2026, 10, 1), True),  # 15 today
        ("2011-10-02", "male", date(2026, 10, 1), False),  # 15 tomorrow
        ("1965-04-01", "male", date(2026, 10, 1), False),  # 61y6m: the 2026 retirement age
        ("1965-04-02", "male", date(2026, 10, 1), True),  # one day short of it
        ("1969-10-01", "female", date(2026, 10, 1), False),  # 57y0m
        ("1969-10-02", "female", date(2026, 10, 1), True),
        ("1967-09-01", "male", date(2029, 9, 1), False),  # 62 from 2028 on
        ("1975-06-01", "female", date(2035, 6, 1), False),  # 60 from 2035 on
        ("1975-06-02", "female", date(2035, 6, 1), True),
        ("1964-09-15", "male", date(2026, 1, 20), False),  # retired at 61y3m in December 2025
        ("1964-10-15", "male", date(2026, 3, 20), True),  # 61y3m only in 2026, when 61y6m applies
    ],
)
def test_working_age(birth_date, sex, reference, working):
    assert load_standard("2022-2025").working_age.applies(birth_date, sex, reference) is working


@given(
    born=st.dates(date(1940, 1, 1), date(2015, 12, 31)),
    sex=st.sampled_from(["male", "female"]),
    first=st.dates(date(2022, 1, 1), date(2036, 12, 31)),
    later=st.integers(0, 3000),
)
def test_once_retired_a_person_stays_retired(born, sex, first, later):
    working_age = load_standard("2022-2025").working_age
    second = first + timedelta(days=later)
    text = born.isoformat()
    if age_at(text, first) >= 15 and not working_age.applies(text, sex, first):
        assert not working_age.applies(text, sex, second)


# --- malformed files -------------------------------------------------------------------------


def base_document() -> dict[str, Any]:
    return copy.deepcopy(read_form_json("standards", "2022-2025.json"))


def indicator(doc: dict[str, Any], indicator_id: str) -> dict[str, Any]:
    return next(item for item in doc["indicators"] if item["id"] == indicator_id)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = doc
        for key in parents:
            target = indicator(target, key[1:]) if key.startswith("#") else target[key]
        target[last] = value

    return change


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = doc
        for key in parents:
            target = indicator(target, key[1:]) if key.startswith("#") else target[key]
        del target[last]

    return change


def _duplicate_indicator(doc: dict[str, Any]) -> None:
    doc["indicators"].append(copy.deepcopy(doc["indicators"][0]))


EMPLOYMENT_RULE = "chỉ số employment, khóa indicators[0].rule.any_member[0].all"

MALFORMED = [
    (_delete("income_lines"), "Tệp {file}: thiếu khóa bắt buộc 'income_lines'"),
    (_set("extra", 1), "Tệp {file}, khóa extra: khóa không biết 'extra'"),
    (_set("format_version", 2), "khóa format_version: phiên bản 2 chưa hỗ trợ (cần 1)"),
    (_set("income_lines.rural", "1.500.000"), "khóa income_lines.rural: cần số hoặc null"),
    (_set("income_lines.rural", 1_500_000.5), "khóa income_lines.rural: cần số nguyên dương"),
    (_set("income_lines.rural", None), "khóa income_lines.rural: chỉ để null khi status"),
    (_set("income_lines.status", "official"), "khóa income_lines.status: 'official' không phải"),
    (_set("income_lines.confirmed", "true"), "khóa income_lines.confirmed: cần đúng/sai"),
    (_set("income_lines.confirmed", False), "confirmed = false không khớp status 'confirmed'"),
    (_delete("average_band.source"), "khóa average_band: thiếu khóa bắt buộc 'source'"),
    (_set("poor_min_deprivations.value", 13), "13 lớn hơn số chỉ số (12)"),
    (_set("years.first", 2030), "khóa years: năm đầu 2030 sau năm cuối 2026"),
    (
        _set("working_age.retirement_age.male", [{"year": 2021, "years": 61, "months": 0}] * 2),
        "khóa working_age.retirement_age.male: các mốc phải theo năm tăng dần",
    ),
    (
        _set("dependant.rule", {"<": [{"field": "member.dependant"}, 3]}),
        "khóa dependant.rule.<[0].field: trường không biết 'member.dependant'",
    ),
    (
        _delete("#employment.rule"),
        "chỉ số employment, khóa indicators[0]: thiếu khóa bắt buộc 'rule'",
    ),
    (
        _set("#employment.weight", 2),
        "chỉ số employment, khóa indicators[0].weight: khóa không biết",
    ),
    (
        _set(
            "#employment.rule",
            {"any_member": [{"all": [{"field": "member.working_age"}, {"inn": [1, [1]]}]}]},
        ),
        f"{EMPLOYMENT_RULE}[1].inn: toán tử không biết 'inn'",
    ),
    (
        _set("#employment.rule", {"any_member": [{"all": [{"not": []}]}]}),
        f"{EMPLOYMENT_RULE}[0].not: 'not' cần 1 đối số, có 0",
    ),
    (
        _set("#employment.rule", {"any_member": [{"all": [{"field": "member.job"}]}]}),
        f"{EMPLOYMENT_RULE}[0].field: trường không biết 'member.job'",
    ),
    (
        _set("#employment.rule", {"any_member": [{"all": [{"param": "insecure"}]}]}),
        f"{EMPLOYMENT_RULE}[0].param: tham số không biết 'insecure'",
    ),
    (
        _set("#employment.params.insecure_employment", ["unemployed", "jobless"]),
        "chỉ số employment, khóa indicators[0].rule.any_member[0].all[1].in: giá trị jobless",
    ),
    (
        _set("#employment.params.insecure_employment", None),
        "khóa indicators[0].params.insecure_employment: không dùng null",
    ),
    (
        _set("#water_source.reason_deprived", "Hộ dùng {household.water}"),
        "chỉ số water_source, khóa indicators[8].reason_deprived: chỗ điền không biết",
    ),
    (
        _set("#telecom.reason_deprived", {"each_member": "{member.full_name}"}),
        "chỉ số telecom, khóa indicators[10].reason_deprived: mẫu each_member chỉ dùng được",
    ),
    (
        _set("#health_insurance.reason_not_deprived", {"each_member": "{member.full_name}"}),
        "khóa indicators[3].reason_not_deprived: mẫu each_member chỉ dùng cho reason_deprived",
    ),
    (_set("#telecom.dimension", "media"), "chỉ số telecom, khóa indicators[10].dimension: chiều"),
    (_set("#telecom.status", "secondary "), "khóa indicators[10].status: 'secondary ' không phải"),
    (_duplicate_indicator, "khóa indicators[12]: chỉ số 'employment' khai báo hai lần"),
    (_set("dimensions", [{"id": "x", "name": "X"}]), "chiều không biết 'employment'"),
]


@pytest.mark.parametrize(("change", "expected"), MALFORMED)
def test_a_malformed_file_is_refused_naming_the_file_and_the_rule(tmp_path, change, expected):
    doc = base_document()
    change(doc)
    path = tmp_path / "chuan.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_standard(path)
    message = str(caught.value)
    assert message.startswith(f"Tệp {path}")
    assert expected.format(file=path) in message


def test_bad_json_is_refused_with_its_position(tmp_path):
    path = tmp_path / "chuan.json"
    path.write_text('{\n  "id": "x",\n  oops\n}', encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_standard(path)
    assert str(caught.value).startswith(f"Tệp {path}, dòng 3, cột 3: không phải JSON hợp lệ")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(StandardError, match="không tìm thấy tệp"):
        load_standard(tmp_path / "none.json")


# --- province extensions ------------------------------------------------------------------


def test_a_province_file_extends_a_national_standard():
    national = load_standard("2027-2030")
    province = load_standard(OVERRIDE)
    assert (province.id, province.extends) == ("2027-2030-tinh-gia", "2027-2030")
    assert (province.years.first, province.years.last) == (2027, 2030)
    assert (province.income_lines.rural, province.income_lines.urban) == (2_500_000, 3_100_000)
    assert province.income_lines.provenance.status == "unknown"
    assert province.average_band.rural == 3_500_000
    assert province.score_method.b1_lines.rural == 180
    floor = {i.id: i for i in province.indicators}["floor_area"]
    assert floor.params["min_area_per_member_m2"] == 10
    assert floor.provenance.status == "unknown"
    assert "Dự thảo" in floor.provenance.source and "kiểm thử" in floor.provenance.source
    unchanged = {i.id: i for i in national.indicators}
    assert {i.id: i.provenance for i in province.indicators if i.id != "floor_area"} == {
        key: value.provenance for key, value in unchanged.items() if key != "floor_area"
    }
    assert standard_for_year(2027).id == "2027-2030"


def override_document() -> dict[str, Any]:
    return json.loads(OVERRIDE.read_text(encoding="utf-8"))


BAD_OVERRIDES = [
    (_set("extends", "2031-2035"), "khóa extends: không có chuẩn nghèo '2031-2035' để mở rộng"),
    (_set("indicators.pets", {}), "khóa indicators.pets: chuẩn gốc không có chỉ số 'pets'"),
    (
        _set("indicators.floor_area.params", {"max_area": 3}),
        "khóa indicators.floor_area.params.max_area: chỉ số gốc không có tham số 'max_area'",
    ),
    (
        _set("indicators.floor_area.params", {"min_area_per_member_m2": "10"}),
        'cần cùng kiểu với tham số gốc (8), nhận "10"',
    ),
    (_delete("indicators.floor_area.source"), "thiếu khóa bắt buộc 'source'"),
    (_set("dimensions", []), "khóa dimensions: khóa không biết 'dimensions'"),
    (_delete("legal_basis"), "thiếu khóa bắt buộc 'legal_basis'"),
    (
        _set("score_method", {"b2_points_per_indicator": 5}),
        "khóa score_method: thiếu khóa bắt buộc",
    ),
    (_set("income_lines.rural", -5), "khóa income_lines.rural: cần số nguyên dương"),
]


@pytest.mark.parametrize(("change", "expected"), BAD_OVERRIDES)
def test_a_bad_province_file_is_refused(tmp_path, change, expected):
    doc = override_document()
    change(doc)
    path = tmp_path / "tinh.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_standard(path)
    assert str(caught.value).startswith(f"Tệp {path}")
    assert expected in str(caught.value)


# --- B1 points tables ------------------------------------------------------------------------


def test_the_fake_points_table_computes_b1():
    table = load_points_table(POINTS)
    assert table.applies_to("2022-2025", "rural", "tay_nguyen")
    assert not table.applies_to("2022-2025", "rural", "dong_nam_bo")
    assert not table.applies_to("2022-2025", "urban", "tay_nguyen")
    score = table.score({"household_size": 3, "has_pension": False, "dwelling": "durable"})
    assert score.total == Decimal("80.5")
    assert [(item.answer, item.points) for item in score.items] == [
        ("3 người trở lên", 30),
        ("không", 0),
        ("nhà kiên cố", 50.5),
    ]
    partial = table.score({"household_size": 1})
    assert partial.total is None
    assert partial.missing == ("Có người hưởng lương hưu (giả)", "Loại nhà ở (giả)")


def test_an_answer_outside_the_table_is_a_record_error():
    table = load_points_table(POINTS)
    with pytest.raises(RecordError) as caught:
        table.score({"household_size": True}, "HGD-0001")
    assert caught.value.path == "income.b1_answers.household_size"
    assert "true không thuộc các lựa chọn" in str(caught.value)
    with pytest.raises(RecordError, match="không có mục 'land'"):
        table.score({"land": 1}, "HGD-0001")


def _table_change(change: Callable[[dict[str, Any]], None], tmp_path: Path) -> str:
    doc = json.loads(POINTS.read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "bang.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_points_table(path)
    assert str(caught.value).startswith(f"Tệp {path}")
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set("regions", ["mien_trung"]), 'khóa regions: vùng không biết "mien_trung"'),
        (_set("area", "city"), "khóa area: 'city' không phải rural, urban"),
        (_set("items", []), "khóa items: cần một danh sách các mục, không rỗng"),
        (_delete("status"), "thiếu khóa bắt buộc 'status'"),
        (_set("extra", True), "khóa extra: khóa không biết"),
    ],
)
def test_a_bad_points_table_is_refused(tmp_path, change, expected):
    assert expected in _table_change(change, tmp_path)


def test_a_points_table_with_a_repeated_option_is_refused(tmp_path):
    def repeat(doc: dict[str, Any]) -> None:
        options = doc["items"][0]["options"]
        options.append(copy.deepcopy(options[0]))

    message = _table_change(repeat, tmp_path)
    assert "khóa items[0].options[3].value: lựa chọn 1 lặp lại" in message


def test_the_region_ids_are_the_six_of_the_domain_notes():
    assert len(REGIONS) == 6
    assert "Tây Nguyên" in REGIONS.values()


def test_the_documented_example_runs_and_prints_what_the_documentation_shows():
    text = (Path(__file__).parents[2] / "docs" / "standards.md").read_text(encoding="utf-8")
    code = text.split("```python\n")[1].split("```")[0]
    shown = text.split("```text\n")[-1].split("```")[0]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "docs/standards.md", "exec"), {})
    assert output.getvalue() == shown


def test_an_installed_points_table_is_found_and_two_matching_ones_are_refused(
    tmp_path, monkeypatch
):
    folder = tmp_path / "standards" / "points"
    folder.mkdir(parents=True)
    monkeypatch.setattr(standards, "form_file", lambda *parts: tmp_path.joinpath(*parts))
    (folder / "2022-2025-rural-tay_nguyen.json").write_bytes(POINTS.read_bytes())
    found = find_points_table("2022-2025", "rural", "tay_nguyen")
    assert found is not None and found.file.endswith("2022-2025-rural-tay_nguyen.json")
    assert find_points_table("2022-2025", "rural", "dong_nam_bo") is None
    assert find_points_table("2027-2030", "rural", "tay_nguyen") is None
    (folder / "copy.json").write_bytes(POINTS.read_bytes())
    with pytest.raises(StandardError, match="nhiều bảng điểm cùng áp dụng"):
        find_points_table("2022-2025", "rural", "tay_nguyen")


@pytest.mark.parametrize("standard_id", ["2022-2025", "2027-2030"])
def test_standard_files_are_nfc(standard_id):
    text = form_file("standards", f"{standard_id}.json").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)


def test_a_bundled_standard_is_parsed_once_per_text(monkeypatch):
    """A round asks for its standard at every survey it saves: a bundled file is read again
    each time (an installed file may have changed) but parsed only when its text changed."""
    parsed = []
    loads_json = standards.input_files.loads_json
    monkeypatch.setattr(
        standards.input_files, "loads_json", lambda text: parsed.append(1) or loads_json(text)
    )
    standards._bundled_standard.cache_clear()
    first = load_standard("2027-2030")
    assert load_standard("2027-2030") is first and len(parsed) == 1
    original = standards._bundled_text
    monkeypatch.setattr(standards, "_bundled_text", lambda s: original(s).replace("\n", "\r\n"))
    again = load_standard("2027-2030")  # another text: parsed again
    assert len(parsed) == 2 and again.id == first.id
