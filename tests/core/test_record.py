"""The household record: validation messages, loading files, ages, labels."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnapp.core.record import (
    VALUE_LABELS,
    RecordError,
    age_at,
    age_in_months,
    field_label,
    household_field_names,
    load_records,
    member_field_names,
    record_problems,
    validate_record,
    value_label,
)
from gnapp.data import read_form_json

REFERENCE = date(2026, 10, 1)


def member(name: str = "Nguyễn Văn An", relation: str = "head", **fields: Any) -> dict[str, Any]:
    return {
        "full_name": name,
        "sex": "male",
        "birth_date": "1980-05-01",
        "relation": relation,
    } | fields


def record(*members: dict[str, Any], **fields: Any) -> dict[str, Any]:
    base = {"household_code": "HGD-0012", "area": "rural", "members": list(members) or [member()]}
    return base | fields


def problem(data: Any, reference: date | None = None) -> RecordError:
    with pytest.raises(RecordError) as caught:
        validate_record(data, reference)
    return caught.value


def test_a_complete_record_is_valid():
    data = record(
        member(has_health_insurance=True, employment="stable", citizen_id="001080012345"),
        member("Trần Thị Bình", "spouse", sex="female", birth_date="1985"),
        floor_area_m2=42.5,
        water_source="piped",
        information_devices=["tv", "smartphone"],
        income={"monthly_per_capita": 1_400_000, "b1_score": None},
        groups={"ethnic_minority": True},
    )
    validate_record(data, REFERENCE)
    assert record_problems(data, REFERENCE) == []


def test_an_impossible_date_is_named_with_household_field_and_format():
    data = record(
        member(),
        member("B", "spouse"),
        member("C", "child", birth_date="2019-13-01"),
    )
    assert str(problem(data)) == (
        "Hộ HGD-0012, trường members[2].birth_date: '2019-13-01' không phải ngày hợp lệ "
        "(YYYY-MM-DD hoặc YYYY)"
    )


@pytest.mark.parametrize(("text", "valid"), [("2024-02-29", True), ("2023-02-29", False)])
def test_the_29th_of_february_exists_only_in_leap_years(text, valid):
    assert (record_problems(record(member(birth_date=text))) == []) is valid


def test_a_birth_date_with_the_wrong_shape_gets_the_format_hint():
    error = problem(record(member(birth_date="01/05/1980")))
    assert error.path == "members[0].birth_date"
    assert error.reason == "'01/05/1980' không đúng định dạng (YYYY-MM-DD hoặc YYYY)"


def test_a_missing_required_field_is_named():
    data = record(member())
    del data["members"][0]["sex"]
    error = problem(data)
    assert (error.path, error.reason) == ("members[0].sex", "thiếu trường bắt buộc")


def test_a_wrong_type_says_what_was_expected():
    error = problem(record(floor_area_m2="ba mươi"))
    assert error.path == "floor_area_m2"
    assert error.reason == "'ba mươi' không đúng kiểu: cần số hoặc null (để trống)"


def test_a_value_outside_the_enum_lists_the_allowed_values_with_their_labels():
    error = problem(record(area="mountain"))
    assert error.reason == (
        "'mountain' không thuộc các giá trị cho phép: rural (nông thôn), urban (thành thị / đô thị)"
    )


def test_an_enum_inside_a_list_is_labelled_too():
    error = problem(record(information_devices=["tv", "fax"]))
    assert error.path == "information_devices[1]"
    assert "smartphone (điện thoại thông minh)" in error.reason


def test_minimum_and_maximum():
    assert problem(record(floor_area_m2=-1)).reason == "-1 nhỏ hơn mức nhỏ nhất cho phép (0)"
    too_big = problem(record(floor_area_m2=100_001)).reason
    assert too_big == "100001 lớn hơn mức lớn nhất cho phép (100.000)"


def test_an_unknown_field_is_refused_where_it_is():
    error = problem(record(member(nickname="Tí")))
    assert (error.path, error.reason) == (
        "members[0].nickname",
        "trường không có trong mẫu bản ghi hộ",
    )


def test_a_citizen_id_must_have_twelve_digits():
    error = problem(record(member(citizen_id="12345")))
    assert error.reason == "'12345' không đúng định dạng (đúng 12 chữ số)"


def test_a_household_needs_members():
    error = problem(record() | {"members": []})
    assert (error.path, error.reason) == ("members", "danh sách cần ít nhất 1 phần tử")


def test_not_a_record_at_all():
    error = problem(["HGD-0012"])
    assert error.path == ""
    assert str(error) == '["HGD-0012"] không đúng kiểu: cần đối tượng {…}'


def test_exactly_one_head():
    none = problem(record(member(relation="spouse")))
    assert none.reason == "không có thành viên nào là chủ hộ (relation: head)"
    two = problem(record(member(), member("B", "spouse"), member("C")))
    assert two.path == "members"
    assert two.reason == "có 2 chủ hộ (members[0], members[2]): mỗi hộ có đúng một chủ hộ"


def test_nobody_is_born_after_the_reference_date():
    born_today = record(member(), member("Bé", "child", birth_date="2026-10-01"))
    validate_record(born_today, REFERENCE)
    tomorrow = record(member(), member("Bé", "child", birth_date="2026-10-02"))
    error = problem(tomorrow, REFERENCE)
    assert error.path == "members[1].birth_date"
    assert error.reason == "'2026-10-02' sau ngày tham chiếu 01/10/2026"
    validate_record(tomorrow)  # no reference date: nothing to compare with


def test_a_record_without_a_code_still_gets_a_readable_message():
    data = record(member(birth_date="1980-02-30"))
    del data["household_code"]
    assert str(problem(data)) == "Hộ (chưa có mã hộ), trường household_code: thiếu trường bắt buộc"


def test_record_problems_lists_every_schema_problem():
    data = record(member(sex="x", relation="boss"), area="mountain")
    paths = {error.path for error in record_problems(data)}
    assert paths == {"area", "members[0].sex", "members[0].relation"}


# --- loading files -------------------------------------------------------------------------


def test_load_one_object_an_array_and_json_lines(tmp_path):
    one, two = record(), record(household_code="HGD-0013")
    (tmp_path / "one.json").write_text(json.dumps(one), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([one, two]), encoding="utf-8")
    lines = json.dumps(one) + "\n\n" + json.dumps(two) + "\n"
    (tmp_path / "lines.jsonl").write_text(lines, encoding="utf-8")
    assert load_records(tmp_path / "one.json") == [one]
    assert load_records(tmp_path / "many.json") == [one, two]
    assert load_records(tmp_path / "lines.jsonl") == [one, two]


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_text("\ufeff" + json.dumps(record()), encoding="utf-8")
    assert load_records(path) == [record()]


def test_an_error_in_an_array_names_the_file_and_the_record_number(tmp_path):
    path = tmp_path / "ho.json"
    path.write_text(json.dumps([record(), record(area="x")]), encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_records(path)
    assert str(caught.value).startswith(f"Tệp {path}, bản ghi thứ 2, Hộ HGD-0012, trường area: ")


def test_an_error_in_json_lines_names_the_line(tmp_path):
    path = tmp_path / "ho.jsonl"
    bad = record(members=[member(birth_date="1980-02-30")])
    path.write_text("\n".join([json.dumps(record()), "", json.dumps(bad)]), encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_records(path)
    assert str(caught.value).startswith(f"Tệp {path}, dòng 3, Hộ HGD-0012, trường members[0]")


def test_broken_json_lines_are_named(tmp_path):
    path = tmp_path / "ho.jsonl"
    path.write_text(json.dumps(record()) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_records(path)
    assert str(caught.value).startswith(f"Tệp {path}, dòng 2: không phải JSON hợp lệ")


def test_broken_json_names_the_line_and_column(tmp_path):
    path = tmp_path / "ho.json"
    path.write_text('{\n  "household_code": "A",\n  "area": \n}', encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_records(path)
    assert str(caught.value).startswith(f"Tệp {path}: không phải JSON hợp lệ (")
    assert "dòng 4, cột 1" in str(caught.value)


def test_an_array_entry_that_is_not_an_object_is_refused(tmp_path):
    path = tmp_path / "ho.json"
    path.write_text(json.dumps([record(), 42]), encoding="utf-8")
    with pytest.raises(RecordError, match="bản ghi thứ 2: không phải một bản ghi hộ"):
        load_records(path)


def test_loading_checks_birth_dates_against_the_reference_date(tmp_path):
    path = tmp_path / "ho.json"
    path.write_text(json.dumps(record(members=[member(birth_date="2027")])), encoding="utf-8")
    assert len(load_records(path)) == 1
    with pytest.raises(RecordError, match="sau ngày tham chiếu"):
        load_records(path, REFERENCE)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "ho.json"
    path.write_bytes('{"household_code": "Hà"}'.encode("cp1258"))
    with pytest.raises(RecordError, match="không đọc được theo mã UTF-8"):
        load_records(path)


# --- ages ----------------------------------------------------------------------------------


def test_the_birthday_itself_counts():
    assert age_at("2020-10-01", REFERENCE) == 6
    assert age_at("2020-10-02", REFERENCE) == 5


def test_a_year_alone_counts_as_born_on_the_first_of_january():
    assert age_at("2020", date(2026, 1, 1)) == 6
    assert age_at("2020", date(2025, 12, 31)) == 5


def test_born_on_the_29th_of_february():
    assert age_at("2008-02-29", date(2026, 2, 28)) == 17
    assert age_at("2008-02-29", date(2026, 3, 1)) == 18
    assert age_at("2008-02-29", date(2028, 2, 29)) == 20


def test_months_are_completed_on_the_same_day_or_the_first_of_the_next_month():
    assert age_in_months("2026-01-31", date(2026, 2, 28)) == 0
    assert age_in_months("2026-01-31", date(2026, 3, 1)) == 1
    assert age_in_months("1965-04-01", REFERENCE) == 61 * 12 + 6
    assert age_in_months("1965-04-02", REFERENCE) == 61 * 12 + 5


@given(
    born=st.dates(date(1900, 1, 1), date(2030, 12, 31)),
    years=st.integers(0, 110),
)
def test_a_person_is_n_on_the_nth_birthday_and_n_minus_1_the_day_before(born, years):
    if (born.month, born.day) == (2, 29):
        born = born - timedelta(days=1)
    birthday = born.replace(year=born.year + years)
    text = born.isoformat()
    assert age_at(text, birthday) == years
    if years:
        assert age_at(text, birthday - timedelta(days=1)) == years - 1


@given(
    born=st.dates(date(1900, 1, 1), date(2030, 12, 31)),
    later=st.dates(date(1900, 1, 1), date(2140, 12, 31)),
)
def test_ages_never_decrease_and_agree_in_years_and_months(born, later):
    if later < born:
        born, later = later, born
    text = born.isoformat()
    assert age_at(text, later) == age_in_months(text, later) // 12
    assert age_in_months(text, later) >= age_in_months(text, born) == 0
    if later < date(2140, 12, 31):
        assert age_in_months(text, later + timedelta(days=1)) >= age_in_months(text, later)


# --- names and labels from the schema ------------------------------------------------------


def test_field_names_come_from_the_schema():
    schema = read_form_json("household-record.schema.json")
    assert household_field_names() == tuple(schema["properties"])
    assert member_field_names() == tuple(schema["$defs"]["member"]["properties"])
    assert "members" in household_field_names()
    assert "has_health_insurance" in member_field_names()


def _enums(schema: dict[str, Any], prefix: str) -> dict[str, list[Any]]:
    found = {}
    for name, field in schema["properties"].items():
        values = field.get("enum") or field.get("items", {}).get("enum")
        if values:
            found[f"{prefix}.{name}"] = [value for value in values if value is not None]
    return found


def test_every_enum_value_of_the_schema_has_a_vietnamese_label():
    schema = read_form_json("household-record.schema.json")
    enums = _enums(schema, "household") | _enums(schema["$defs"]["member"], "member")
    assert set(enums) == set(VALUE_LABELS)
    for key, values in enums.items():
        assert set(VALUE_LABELS[key]) == set(values), key


def test_labels():
    assert field_label("member.has_health_insurance") == "Có thẻ bảo hiểm y tế"
    assert field_label("member.employment") == "Việc làm"
    assert value_label("member.employment", "unemployed") == "thất nghiệp"
    assert value_label("member.full_name", "An") == "An"


def test_the_documented_example_record_is_valid():
    text = (Path(__file__).parents[2] / "docs" / "household-record.md").read_text(encoding="utf-8")
    example = json.loads(text.split("```json\n")[1].split("```")[0])
    validate_record(example, REFERENCE)
    assert set(example) == set(household_field_names())


def test_an_allowed_value_keeps_its_word_only_where_the_word_says_more(monkeypatch):
    from gnapp import i18n
    from gnapp.core.record import _allowed_values

    sexes = _allowed_values(["members", 0, "sex"], ["male", "female"])
    relations = _allowed_values(["members", 0, "relation"], ["head", "spouse"])
    assert sexes.written() == "male (nam), female (nữ)"
    english = {"nam": "male", "nữ": "Female", "chủ hộ": "head of household", "vợ, chồng": "spouse"}
    monkeypatch.setattr(i18n, "load_catalogue", lambda code: english if code == "en" else {})
    i18n.set_language("en")
    try:
        assert str(sexes) == "male, female"
        assert str(relations) == "head (head of household), spouse"
    finally:
        i18n.set_language("vi")


_ODD_VALUES = (None, "", "x", "2020-13-45", "1980", "00108001234", -1, 0, 2.5, 10**7, True, [],
               ["tv"], ["nothing"], {}, {"b1_score": 50}, "piped", "head", "female")  # fmt: skip


def _a_full_record() -> dict[str, Any]:
    return record(
        member(has_health_insurance=True, employment="stable", citizen_id="001080012345",
               schooling="attending", education="primary", can_work=True),
        member("Trần Thị Bình", "spouse", sex="female", birth_date="1985", ethnicity="Kinh"),
        floor_area_m2=42.5, water_source="piped", latrine="septic", walls_durable=True,
        information_devices=["tv", "smartphone"], groups={"ethnic_minority": True},
        income={"monthly_per_capita": 1_400_000, "b1_score": None}, village="Thôn An",
    )  # fmt: skip


@settings(max_examples=400)
@given(
    changes=st.lists(
        st.tuples(st.integers(-1, 2), st.text("abcdefghijklmnopqrstuvwxyz_", max_size=3),
                  st.integers(0, 40), st.sampled_from(_ODD_VALUES), st.booleans()),
        max_size=4,
    )
)  # fmt: skip
def test_the_quick_shape_check_never_passes_what_jsonschema_refuses(changes):
    """A record that passes the compiled check (fastjsonschema) has no problem of shape for
    jsonschema either — keys removed, replaced by odd values or added, at the top and in
    members —, so every problem a record has is still named. (The other way round is only
    slower: a citizen ID ending in a line break fails the compiled check, whose ``$`` is the
    text's end, and jsonschema then finds nothing.)"""
    from gnapp.core.record import _conforms, _validator

    data = _a_full_record()
    for where, extra, index, value, remove in changes:
        members = data.get("members")
        target = data
        if where >= 0 and isinstance(members, list) and members:
            chosen = members[where % len(members)]
            target = chosen if isinstance(chosen, dict) else data
        keys = sorted(target)
        key = keys[index % len(keys)] if keys and not extra else extra or "other"
        if remove and key in target:
            del target[key]
        else:
            target[key] = value
    errors = list(_validator().iter_errors(data))
    assert not (_conforms(data) and errors), errors


def test_a_valid_record_takes_the_quick_check_and_a_line_break_the_slow_one():
    from gnapp.core.record import _conforms

    assert _conforms(_a_full_record())
    data = _a_full_record()
    data["members"][0]["citizen_id"] = "001080012345\n"
    assert not _conforms(data)
