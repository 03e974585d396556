"""Headings as communes write them, recognised by their words (issue 17), in real files."""

from datetime import date

import openpyxl
import pytest

from gnapp.importers.headers import find_header, understand_columns
from gnapp.importers.plan import HOUSEHOLD_LAYOUT, build_plan, open_source
from gnapp.importers.reading import read_sheet
from tests.importers import files

TODAY = date(2025, 6, 1)

# A list of one row per member whose village heading varies; the other headings are plain.
_OTHERS = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ"]
_ROWS = [
    (1, "Thôn Đông", "Lò Văn Một", 1970, "Nam", "Chủ hộ"),
    (2, "Thôn Đông", "Lò Thị Hai", 1972, "Nữ", "Vợ"),
    (3, "Thôn Đông", "Lò Văn Ba", 1999, "Nam", "Con"),
]


def _write(tmp_path, suffix, headings, rows):
    path = tmp_path / f"ds{suffix}"
    if suffix == ".xlsx":
        return files.write_xlsx(path, headings, rows)
    if suffix == ".xls":
        return files.write_xls(path, headings, rows)
    if suffix == ".ods":
        return files.write_ods(path, headings, rows)
    return files.write_csv(path, headings, rows, encoding="utf-8-sig", delimiter=";")


def _fields(path):
    header = find_header(read_sheet(path))
    return {g.column.text: g.field for g in understand_columns(header)}


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods", ".csv"])
@pytest.mark.parametrize(
    "heading",
    [
        "Thôn/Tổ",  # the four failing styles ...
        "THON, TO",
        "Địa chỉ (thôn)",
        # ... and other real-world ways of writing where the household lives
        "Thôn, tổ dân phố",
        "THÔN/TDP",
        "Thôn (bản)",
        "Thôn - Xóm",
        "Tên thôn, bản",
        "Ấp/Khu phố",
        "Buôn, bản",
        "Địa bàn (thôn, xóm)",
        "Tổ dân phố (*)",
        "thon xom",
        "Xóm\nThôn",
        "Nơi cư trú (thôn)",
        "Thôn/ bản/ TDP",
        "KHU PHO",
        "Khu dân cư",
        "Địa chỉ",  # no other column says where: the address holds the village
    ],
)
def test_village_headings_import(commune, tmp_path, heading, suffix):
    headings = [_OTHERS[0], heading, *_OTHERS[1:]]
    path = _write(tmp_path, suffix, headings, _ROWS)
    plan = build_plan(commune.db, open_source(commune.db, path), today=TODAY)
    assert plan.mapping[1] == "household.village", plan.mapping
    assert plan.summary().households == 1 and plan.summary().members == 3
    assert not plan.new_villages  # "Thôn Đông" is the commune's village


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Họ và tên\nchủ hộ", "household.head_name"),
        ("HO VA TEN CHU HO", "household.head_name"),
        ("Họ, tên (ghi chữ in hoa)", "member.full_name"),
        ("Họ tên (*)", "member.full_name"),
        ("Ngày sinh (dd/mm/yyyy)", "member.birth_date"),
        ("Ngày, tháng, năm sinh", "member.birth_date"),
        ("NGAY/THANG/NAM SINH", "member.birth_date"),
        ("Giới tính (Nam/Nữ)", "member.sex"),
        ("GIOI TINH", "member.sex"),
        ("Số CMND/CCCD", "member.citizen_id"),
        ("Số định danh cá nhân (12 số)", "member.citizen_id"),
        ("CCCD (nếu có)", "member.citizen_id"),
        ("QH với chủ hộ", "member.relation"),
        ("Mối quan hệ\nvới chủ hộ", "member.relation"),
        ("Dân tộc (ghi rõ)", "member.ethnicity"),
        ("Mã số hộ", "household.code"),
        ("MÃ HỘ GIA ĐÌNH", "household.code"),
        ("Số nhân khẩu (người)", "household.member_count"),
        ("Tổng số khẩu", "household.member_count"),
        ("Hộ nghèo/ Hộ cận nghèo", "household.status"),
        ("Phân loại hộ (nghèo, cận nghèo)", "household.status"),
        ("Hộ cận nghèo (x)", "household.status_near_poor"),
        ("Nơi ở hiện nay", "household.address"),
        ("Số TT", "ignore"),
    ],
)
def test_field_headings(tmp_path, heading, field):
    headings = ["Thôn", heading, "Dân tộc" if field != "member.ethnicity" else "Ghi chú"]
    path = files.write_xlsx(tmp_path / "h.xlsx", headings, [])
    assert _fields(path)[heading.strip()] == field


def test_an_area_is_not_a_village(tmp_path):
    headings = ["Thôn", "Họ và tên", "Khu vực (thành thị/nông thôn)"]
    path = files.write_xlsx(tmp_path / "h.xlsx", headings, [])
    fields = _fields(path)
    assert fields["Thôn"] == "household.village"
    assert fields["Khu vực (thành thị/nông thôn)"] is None


def _birth_year_under_sex(path, suffix):
    """The paper form's layout: "Năm sinh" over "Nam" and "Nữ", the year written under the
    member's sex."""
    top = ["STT", "Thôn", "Họ và tên", "Năm sinh", None, "Quan hệ với chủ hộ"]
    sub = [None, None, None, "Nam", "Nữ", None]
    rows = [
        (1, "Thôn Đông", "Lò Văn Một", 1970, None, "Chủ hộ"),
        (2, "Thôn Đông", "Lò Thị Hai", None, 1972, "Vợ"),
        (3, "Thôn Đông", "Lò Thị Bốn", None, "2001", "Con"),
    ]
    if suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["DANH SÁCH HỘ NGHÈO NĂM 2024"])
        sheet.append(top)
        sheet.append(sub)
        for column in "ABCF":
            sheet.merge_cells(f"{column}2:{column}3")
        sheet.merge_cells("D2:E2")
        for row in rows:
            sheet.append(list(row))
        book.save(path)
        return path
    import csv

    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["DANH SÁCH HỘ NGHÈO NĂM 2024"])
        writer.writerow(["" if v is None else v for v in top])
        writer.writerow(["" if v is None else v for v in sub])
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_birth_year_under_nam_and_nu(commune, tmp_path, suffix):
    path = _birth_year_under_sex(tmp_path / f"ns{suffix}", suffix)
    plan = build_plan(commune.db, open_source(commune.db, path), today=TODAY)
    assert plan.mapping[3] == "member.birth_date_male"
    assert plan.mapping[4] == "member.birth_date_female"
    people = [(m["full_name"], m["sex"], m["birth_date"]) for m in plan.households[0].members]
    assert people == [
        ("Lò Văn Một", "male", "1970"),
        ("Lò Thị Hai", "female", "1972"),
        ("Lò Thị Bốn", "female", "2001"),
    ]
    assert not [p for p in plan.problems if p.severity == "error"]


def test_a_year_under_both_nam_and_nu_is_refused_naming_the_cell(commune, tmp_path):
    path = _birth_year_under_sex(tmp_path / "ns.xlsx", ".xlsx")
    book = openpyxl.load_workbook(path)
    book.active["E4"] = 1971
    book.save(path)
    plan = build_plan(commune.db, open_source(commune.db, path), today=TODAY)
    (problem,) = [p for p in plan.problems if p.severity == "error" and p.row == 4]
    assert problem.location == "Trang “Sheet”, dòng 4, cột D"
    assert "cả cột Nam và cột Nữ" in problem.message


def test_sex_marks_under_gioi_tinh_stay_marks(tmp_path):
    path = files.write_two_level_xlsx(tmp_path / "h.xlsx", [])
    fields = _fields(path)
    assert fields["Giới tính / Nam"] == "member.sex_male"
    assert fields["Giới tính / Nữ"] == "member.sex_female"
    assert fields["Thông tin chủ hộ / Họ tên"] == "household.head_name"
    assert fields["Thông tin chủ hộ / Ngày sinh"] == "member.birth_date"


def test_weak_and_tied_headings_are_left_with_the_reason(tmp_path):
    headings = ["Thôn", "Họ và tên", "Khẩu", "Số CCCD", "CCCD", "Cột lạ"]
    path = files.write_xlsx(tmp_path / "h.xlsx", headings, [])
    guesses = {g.column.text: g for g in understand_columns(find_header(read_sheet(path)))}
    assert guesses["Khẩu"].field is None
    assert "gần giống “Số nhân khẩu”" in guesses["Khẩu"].reason
    assert guesses["Số CCCD"].field is None and guesses["CCCD"].field is None
    assert guesses["Số CCCD"].reason == "các cột D, E đều có thể là “Số CCCD”"
    assert guesses["Cột lạ"].reason == "không nhận ra tiêu đề"


def test_one_row_per_household_with_a_member_count(commune, tmp_path):
    headings = ["STT", "Thôn", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số nhân khẩu"]
    rows = [
        (1, "Thôn Đông", "Lò Văn Một", 1970, "Nam", 4),
        (2, "Thôn Đông", "Vàng Thị Sáu", 1980, "Nữ", 1),
        (3, "Thôn Đông", "Lò Văn Bảy", 1966, "Nam", "3 người"),
    ]
    path = files.write_xlsx(tmp_path / "ho.xlsx", headings, rows)
    plan = build_plan(commune.db, open_source(commune.db, path), today=TODAY)
    assert plan.layout == HOUSEHOLD_LAYOUT
    assert plan.summary().households == 3 and plan.summary().members == 3
    assert [h.members[0]["relation"] for h in plan.households] == ["head"] * 3
    (note,) = [n for n in plan.notes if "chỉ chủ hộ được nhập" in n]
    assert "còn 5 thành viên của 2 hộ cần được thêm" in note
    assert "Số nhân khẩu ghi trong tệp không được lưu" in note


@pytest.mark.parametrize(
    ("male", "female", "fields"),
    [
        ("Năm sinh (Nam)", "Năm sinh (Nữ)", ("member.birth_date_male", "member.birth_date_female")),
        ("Ngày sinh\nNam", "Ngày sinh\nNữ", ("member.birth_date_male", "member.birth_date_female")),
        ("Giới tính Nam", "Giới tính Nữ", ("member.sex_male", "member.sex_female")),
    ],
)
def test_sub_headings_written_in_the_same_cell(tmp_path, male, female, fields):
    headings = ["Thôn", "Họ và tên", male, female]
    path = files.write_xlsx(tmp_path / "h.xlsx", headings, [])
    found = _fields(path)
    assert (found[male], found[female]) == fields
