"""The core's checks on the command line in English: a list's citizen IDs in an import preview,
a household's citizen IDs in ``household add``, a bad household record in ``classify``, bad
target values in ``targets import`` and ``targets set``; the file's and the commune's own words
stay as written, Vietnamese stays the default, and a record's problem keeps its Vietnamese where
the comparison of standards writes it."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from gnapp.cli import main
from gnapp.core.record import record_problems
from gnapp.core.vietnamese import citizen_id_problems
from gnapp.i18n import written
from gnapp.store.database import open_database
from gnapp.store.programme import target_value_problem
from gnapp.store.register import villages
from tests.cli.test_cli import _record
from tests.cli.test_cli_language import _commune_words
from tests.cli.test_cli_language_review import _english, _file_words
from tests.importers import files
from tests.importers.test_targets_import import _write


@pytest.fixture
def commune(small_demo_file, tmp_path):
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def _list_with_wrong_citizen_ids(commune) -> list[tuple]:
    """A province code not in the list, a 4th digit of the other sex, a 5th–6th pair of another
    year, an ID too short."""
    with open_database(commune) as cdb:
        village = villages(cdb.db)[0]["name"]
    return [
        (1, "MOI-1", village, "Lò Văn Hai", "1/1/1960", "Nam", "999060000001", "Chủ hộ", "Thái"),
        (2, "MOI-1", village, "Lò Thị Ba", "1962", "Nữ", "001062000002", "Vợ", "Thái"),
        (3, "MOI-1", village, "Lò Văn Năm", "1990", "Nam", "001088000003", "Con", "Thái"),
        (4, "MOI-2", village, "Lò Văn Bốn", "1985", "Nam", "0010850001", "Chủ hộ", "Thái"),
    ]


def test_an_import_preview_says_what_is_wrong_with_citizen_ids_in_english(
    commune, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("GNAPP_LANG", "en")
    rows = _list_with_wrong_citizen_ids(commune)
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, rows)
    assert main(["import", "file", str(path), "--db", str(commune), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert (
        "row 5, column G: Citizen ID 999060000001: Province code 999 (the first 3 digits of the "
        "citizen ID) is not in the list of province codes"
    ) in out
    assert (
        "row 6, column G: Citizen ID 001062000002: The 4th digit is 0 (male, born 1900–1999) "
        "but this person is female, born in 1962: it must be 1"
    ) in out
    assert (
        "row 7, column G: Citizen ID 001088000003: The 5th–6th digits are 88 but this person "
        "was born in 1990: they must be 90"
    ) in out
    assert "row 8, column G: Citizen ID “0010850001” has 10 digits (12 needed)" in out
    file_words = _file_words(files.MEMBER_HEADINGS, rows)
    assert _english(out, file_words, _commune_words(commune)) == []


def test_the_same_preview_stays_vietnamese_by_default(commune, tmp_path, capsys):
    rows = _list_with_wrong_citizen_ids(commune)
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, rows)
    assert main(["import", "file", str(path), "--db", str(commune), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Mã tỉnh 999 (3 chữ số đầu của số CCCD) không có trong danh mục mã tỉnh" in out
    assert (
        "Chữ số thứ 4 là 0 (nam, sinh 1900–1999) nhưng người này là nữ sinh năm 1962: phải là 1"
    ) in out
    assert "Chữ số thứ 5–6 là 88 nhưng người này sinh năm 1990: phải là 90" in out


def _household_with_wrong_citizen_ids() -> dict:
    return {
        "code": "HGD-09001",
        "village": "lac son",
        "members": [
            {"full_name": "Đinh Văn Mới", "sex": "male", "birth_date": "05/03/1980",
             "relation": "head", "citizen_id": "051 080 12"},
            {"full_name": "Đinh Văn Ba", "sex": "male", "birth_date": "2010",
             "relation": "child", "citizen_id": "051310000125"},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Error: member 1 (Đinh Văn Mới), Citizen ID / personal ID number: A citizen ID "
                "must have exactly 12 digits",
                "Error: member 2 (Đinh Văn Ba), Citizen ID / personal ID number: The 4th digit is "
                "3 (female, born 2000–2099) but this person is male, born in 2010: it must be 2",
            ],
        ),
        (
            None,
            [
                "Lỗi: thành viên 1 (Đinh Văn Mới), Số CCCD / định danh cá nhân: Số CCCD phải gồm "
                "đúng 12 chữ số",
                "Lỗi: thành viên 2 (Đinh Văn Ba), Số CCCD / định danh cá nhân: Chữ số thứ 4 là 3 "
                "(nữ, sinh 2000–2099) nhưng người này là nam sinh năm 2010: phải là 2",
            ],
        ),
    ],
)
def test_household_add_says_what_is_wrong_with_citizen_ids(
    commune, tmp_path, capsys, monkeypatch, language, expected
):
    if language:
        monkeypatch.setenv("GNAPP_LANG", language)
    path = tmp_path / "ho.json"
    path.write_text(json.dumps(_household_with_wrong_citizen_ids()), encoding="utf-8")
    assert main(["household", "add", "--db", str(commune), "--file", str(path), "--dry-run"]) == 1
    assert capsys.readouterr().out.splitlines() == expected


@pytest.mark.parametrize(
    ("change", "english", "vietnamese"),
    [
        (
            {"sex": "x"},
            "field members[0].sex: 'x' is not one of the allowed values: male, female",
            "trường members[0].sex: 'x' không thuộc các giá trị cho phép: male (nam), female (nữ)",
        ),
        (
            {"birth_date": "1980-13-01"},
            "field members[0].birth_date: '1980-13-01' is not a valid date (YYYY-MM-DD or YYYY)",
            "trường members[0].birth_date: '1980-13-01' không phải ngày hợp lệ "
            "(YYYY-MM-DD hoặc YYYY)",
        ),
        (
            {"relation": "child"},
            "field members: no member is the head of household (relation: head)",
            "trường members: không có thành viên nào là chủ hộ (relation: head)",
        ),
    ],
)
def test_classify_refuses_a_bad_record_in_the_command_s_language(
    tmp_path, capsys, monkeypatch, change, english, vietnamese
):
    record = _record()
    record["members"][0].update(change)
    path = tmp_path / "ho.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert main(["classify", "--standard", "2022-2025", str(path)]) == 1
    said = f"Lỗi: Tệp {path}, Hộ HGD-1, {vietnamese}\n"
    assert capsys.readouterr().err == said
    monkeypatch.setenv("GNAPP_LANG", "en")
    assert main(["classify", "--standard", "2022-2025", str(path)]) == 1
    assert capsys.readouterr().err == f"Error: File {path}, Household HGD-1, {english}\n"


def test_bad_target_values_are_refused_in_english(commune, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    rows = [
        (1, "Tỷ lệ hộ nghèo cuối năm", "%", 120, None),
        (2, "Số hộ nghèo giảm trong năm", "hộ", 2.5, None),
        (3, "Số hộ cận nghèo giảm trong năm", "hộ", -4, None),
    ]
    path = _write(tmp_path / "chi-tieu.xlsx", rows)
    command = ["targets", "import", str(path), "--db", str(commune), "--year", "2025"]
    assert main([*command, "--dry-run"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "Preview: 0 targets, nothing written.\n"
    assert captured.err.splitlines() == [
        "Error: Sheet “Chỉ tiêu”, row 6, column D: A rate must be from 0 to 100% (entered: 120).",
        "Error: Sheet “Chỉ tiêu”, row 7, column D: A target counted in households must be a "
        "whole number (entered: 2,5).",
        "Error: Sheet “Chỉ tiêu”, row 8, column D: A target cannot be negative.",
    ]
    target = ["targets", "set", "--db", str(commune), "--year", "2025"]
    assert main([*target, "--code", "poverty_rate", "--value", "150"]) == 1
    assert capsys.readouterr().err == "Error: A rate must be from 0 to 100% (entered: 150).\n"
    assert main([*target, "--code", "poor_reduction", "--value", "2,5"]) == 1
    assert capsys.readouterr().err == (
        "Error: A target counted in households must be a whole number (entered: 2,5).\n"
    )


def test_the_checks_stay_vietnamese_by_default():
    assert citizen_id_problems("999062000001", "female", 1962) == [
        "Mã tỉnh 999 (3 chữ số đầu của số CCCD) không có trong danh mục mã tỉnh",
        "Chữ số thứ 4 là 0 (nam, sinh 1900–1999) nhưng người này là nữ sinh năm 1962: phải là 1",
    ]
    assert citizen_id_problems("0010") == ["Số CCCD phải gồm đúng 12 chữ số"]
    assert citizen_id_problems("001990000001", birth_year=1990) == [
        "Chữ số thứ 4 là 9 (nữ, sinh 2300–2399) nhưng người này sinh năm 1990: phải là 0 hoặc 1"
    ]
    assert citizen_id_problems("001050000001", birth_year=1850) == [
        "Năm sinh 1850 nằm ngoài khoảng 1900–2399 mà số CCCD ghi được"
    ]
    assert target_value_problem(-1, "hộ") == "Chỉ tiêu không được âm."
    assert (
        target_value_problem(2.5, "hộ") == "Chỉ tiêu tính bằng hộ phải là số nguyên (đã nhập 2,5)."
    )
    record = _record()
    record["members"][0]["birth_date"] = "2030"
    del record["area"]
    assert [str(problem) for problem in record_problems(record)] == [
        "Hộ HGD-1, trường area: thiếu trường bắt buộc"
    ]


def test_a_record_s_problem_keeps_its_vietnamese_where_it_is_written(english):
    record = _record()
    record["members"][0]["birth_date"] = "2030"
    [problem] = record_problems(record, date(2025, 11, 1))
    assert str(problem) == (
        "Household HGD-1, field members[0].birth_date: '2030' is after the reference date "
        "01/11/2025"
    )
    assert written(problem) == (
        "Hộ HGD-1, trường members[0].birth_date: '2030' sau ngày tham chiếu 01/11/2025"
    )
    assert citizen_id_problems("001990000001", birth_year=1990) == [
        "The 4th digit is 9 (female, born 2300–2399) but this person was born in 1990: it must "
        "be 0 or 1"
    ]
