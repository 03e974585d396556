"""Layouts of the lists commune offices really produce: village separator rows, total rows,
signature blocks, a sub-heading row that is really data, years in two digits, villages in
addresses or sheet names, a cover sheet first."""

from datetime import date

import openpyxl
import pytest

from gnapp.core.villages import village_written
from gnapp.importers import parsing
from gnapp.importers.plan import build_plan, open_source
from gnapp.importers.reading import ImportFileError
from tests.importers import files

TODAY = date(2025, 6, 1)
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def plan_of(cdb, path, **options):
    return build_plan(cdb.db, open_source(cdb.db, path), today=TODAY, **options)


def people(plan):
    return [
        (h.village, m["full_name"], m["relation"])
        for h in plan.households
        for m in h.members
        if not h.rejected
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize(
    ("headings", "row"),
    [
        (("STT", "Họ và tên", "Giới tính"), (1, "Mai", "Nam")),  # not a row of column numbers
        (("Họ và tên", "Giới tính", "Thôn"), ("Sinh", "Nam", "Thôn 1")),  # not sub-headings
    ],
)
def test_a_single_row_with_a_one_word_name_is_read(commune, tmp_path, suffix, headings, row):
    path = tmp_path / f"mot{suffix}"
    if suffix == ".xlsx":
        files.write_xlsx(path, headings, [row])
    else:
        files.write_csv(path, headings, [row], "utf-8", ",")
    plan = plan_of(commune, path, default_village="Thôn Đông")
    assert plan.summary().rows == 1
    last_line = len(plan.sheet.rows)
    assert plan.header.data_row == last_line - 1
    assert [h.rows for h in plan.households] == [[last_line]]


def _commune_list(path, *, roman_in_own_cell=False, below_signature=None):
    """Title block with the motto, one heading row and a row of column numbers, households
    under village separator rows ("I. Thôn Đông" merged across, or "I" and "Tổ dân phố 2"),
    no village column, a "Cộng" row per village, a "Tổng cộng" row with sums, the signature
    block with the signers' names in the name and relation columns."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["UBND XÃ ĐÔNG HÀ", None, None, MOTTO[0]])
    ws.append([None, None, None, MOTTO[1]])
    ws.append(["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"])
    ws.merge_cells("A3:F3")
    ws.append([])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quan hệ với chủ hộ", "Ghi chú"])
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    ws.append(["I. Thôn Đông"])
    ws.merge_cells(f"A{ws.max_row}:F{ws.max_row}")
    ws.append([1, "NGUYỄN VĂN HÙNG", "12/04/1968", "Nam", "Chủ hộ"])
    ws.append([2, "Lê Thị Lan", "03/09/1970", "Nữ", "Vợ"])
    ws.append([None, "Cộng", None, None, "2 người", "1 hộ"])
    ws.append(["II", "Tổ dân phố 2"] if roman_in_own_cell else ["II. Tổ dân phố 2"])
    ws.append([3, "Hà Văn Sáng", "1980", "Nam", "CH"])
    ws.append([])
    ws.append([4, "Vi Thị Bích", "1972", "Nữ", "Chủ hộ", "Hộ mới"])
    ws.append([5, "Nông Văn Tài", "1970", "Nam", "Chồng"])
    ws.append(["Tổng cộng", None, "3 hộ", "5 người", "3 chủ hộ", "1 hộ mới"])
    ws.append([])
    ws.append([None, None, None, "Đông Hà, ngày 20 tháng 01 năm 2025"])
    ws.append([None, "Người lập biểu", None, None, "TM. UBND XÃ"])
    ws.append([None, None, None, None, "CHỦ TỊCH"])
    ws.append([None, "(Ký, ghi rõ họ tên)", None, None, "(Ký tên, đóng dấu)"])
    ws.append([])
    ws.append([None, "Nguyễn Thị Thư", None, None, "Lê Văn Chủ"])
    if below_signature:
        ws.append(list(below_signature))
    book.save(path)
    return path


@pytest.mark.parametrize("roman_in_own_cell", [False, True])
def test_village_separators_totals_and_signatures(commune, tmp_path, roman_in_own_cell):
    path = _commune_list(tmp_path / "ds.xlsx", roman_in_own_cell=roman_in_own_cell)
    plan = plan_of(commune, path)
    assert people(plan) == [
        ("Thôn Đông", "NGUYỄN VĂN HÙNG", "head"),
        ("Thôn Đông", "Lê Thị Lan", "spouse"),
        ("Tổ dân phố 2", "Hà Văn Sáng", "head"),
        ("Tổ dân phố 2", "Vi Thị Bích", "head"),
        ("Tổ dân phố 2", "Nông Văn Tài", "spouse"),
    ]
    summary = plan.summary()
    assert (summary.rows, summary.rejected, summary.households) == (5, 0, 3)
    assert not plan.problems
    assert list(plan.new_villages.values()) == ["Tổ dân phố 2"]


def test_a_household_written_below_the_signatures_is_reported(commune, tmp_path):
    path = _commune_list(
        tmp_path / "ds.xlsx", below_signature=(6, "Bùi Văn Khánh", "1960", "Nam", "Chủ hộ")
    )
    plan = plan_of(commune, path)
    assert plan.summary().households == 3
    (problem,) = plan.problems
    assert problem.row == 24 and problem.severity == "warning"
    assert "dưới phần ký tên (bắt đầu ở dòng 18)" in problem.message


def test_a_separator_right_under_the_heading_is_not_a_sub_heading(commune, tmp_path):
    """One row per household with a member count, "Thôn Đông" alone in the name column just
    under the heading row: a village separator, not the heading's second row."""
    path = files.write_xlsx(
        tmp_path / "hn.xlsx",
        ["STT", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số nhân khẩu"],
        [
            (None, "Thôn Đông"),
            (1, "Nguyễn Văn Hùng", 1968, "Nam", 3),
            (None, "Thôn 3"),
            (2, "Bùi Văn Khánh", 1960, "Nam", 1),
            (None, "Tổng cộng", None, None, 4),
        ],
    )
    source = open_source(commune.db, path)
    assert source.mapping[1] == "household.head_name"
    plan = build_plan(commune.db, source, today=TODAY)
    assert [(h.village, h.head["full_name"]) for h in plan.households] == [
        ("Thôn Đông", "Nguyễn Văn Hùng"),
        ("Thôn 3", "Bùi Văn Khánh"),
    ]
    assert plan.summary().rejected == 0


def test_the_village_of_an_address(commune, tmp_path):
    path = files.write_xlsx(
        tmp_path / "dc.xlsx",
        ["STT", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Địa chỉ"],
        [
            (1, "Nguyễn Văn Hùng", 1968, "Nam", "Thôn Đông, xã Đông Hà"),
            (2, "Bùi Văn Khánh", 1960, "Nam", "Xóm 3, Đông Hà, Thanh Hóa"),
        ],
    )
    plan = plan_of(commune, path)
    assert [h.village for h in plan.households] == ["Thôn Đông", "Xóm 3"]
    assert list(plan.new_villages.values()) == ["Xóm 3"]


@pytest.mark.parametrize(
    ("written", "village"),
    [
        ("I. Thôn Đông", "Thôn Đông"),
        ("II - Bản Pá Khoang", "Bản Pá Khoang"),
        ("3. Tổ dân phố 3 (12 hộ)", "Tổ dân phố 3"),
        ("Thôn 2: 5 hộ", "Thôn 2"),
        ("Thôn Đông, xã Đông Hà", "Thôn Đông"),
        ("Thôn", None),
        ("Tổ trưởng", None),
        ("Trưởng thôn", None),
        ("Tổng cộng", None),
        ("Bản thân", None),
        ("Nguyễn Văn An", None),
        ("Tô Văn Hùng", None),
        ("1. Tô Văn Hùng", None),
    ],
)
def test_village_written(written, village):
    assert village_written(written) == village


@pytest.mark.parametrize(("value", "year"), [("68", "1968"), (68, "1968"), ("05", "2005")])
def test_a_birth_year_in_two_digits_is_read_with_a_warning(value, year):
    parsed = parsing.birth_date(value, TODAY)
    assert parsed.value == year
    assert parsed.warnings == [f"Năm sinh “{value}” chỉ có 2 chữ số: hiểu là năm {year}"]


def _workbook(path, sheets):
    """sheets: name -> rows (a cover sheet is a few lines of text)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    book.save(path)
    return path


HEADINGS = ("STT", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ")


def test_a_cover_sheet_first_is_passed_over(commune, tmp_path):
    path = _workbook(
        tmp_path / "bia.xlsx",
        {
            "Bìa": [["UBND XÃ ĐÔNG HÀ"], [], ["DANH SÁCH HỘ NGHÈO NĂM 2025"]],
            "Danh sách": [HEADINGS, (1, "Lò Văn Một", 1970, "Nam", "Chủ hộ")],
        },
    )
    plan = plan_of(commune, path)
    assert plan.sheet.name == "Danh sách" and plan.summary().households == 1
    assert "Trang “Bìa” không có dòng tiêu đề cột: đọc danh sách ở trang “Danh sách”." in plan.notes
    with pytest.raises(ImportFileError, match="Trang “Danh sách” có danh sách: hãy chọn trang đó"):
        open_source(commune.db, path, "Bìa")


def test_one_sheet_per_village(commune, tmp_path):
    """No village column: the sheet's name is the village; the other sheets are named in a
    note, not read silently past."""
    path = _workbook(
        tmp_path / "thon.xlsx",
        {
            "Thôn Tây": [HEADINGS, (1, "Lò Văn Một", 1970, "Nam", "Chủ hộ")],
            "Thôn Đông": [HEADINGS, (1, "Hà Văn Hai", 1980, "Nam", "Chủ hộ")],
        },
    )
    plan = plan_of(commune, path)
    assert [h.village for h in plan.households] == ["Thôn Tây"]
    assert any("tệp còn trang “Thôn Đông”" in note for note in plan.notes)
    assert "Các hộ không ghi thôn được xếp vào “Thôn Tây”, theo tên trang tính." in plan.notes
    other = build_plan(commune.db, open_source(commune.db, path, "Thôn Đông"), today=TODAY)
    assert [h.village for h in other.households] == ["Thôn Đông"]
    assert list(other.new_villages.values()) == []  # the commune's own Thôn Đông


def test_codes_explained_in_the_heading(commune, tmp_path):
    path = files.write_xlsx(
        tmp_path / "ma.xlsx",
        ["STT", "Thôn", "Họ và tên", "Năm sinh", "Giới tính (1: Nam; 0: Nữ)",
         "Quan hệ với chủ hộ", "Phân loại (1 = Nghèo, 2 = Cận nghèo)"],
        [(1, "Thôn Đông", "Lò Văn Một", 1970, 1, "Chủ hộ", 2),
         (2, None, "Lò Thị Hai", 1972, 0, "Vợ", None)],
    )  # fmt: skip
    source = open_source(commune.db, path)
    assert source.mapping[4] == "member.sex" and source.mapping[6] == "household.status"
    plan = build_plan(commune.db, source, today=TODAY)
    assert [m["sex"] for m in plan.households[0].members] == ["male", "female"]
    assert plan.households[0].status == "near_poor"
    assert not plan.problems


def test_a_code_on_every_person_is_not_a_household_code(commune, tmp_path):
    """ "Mã cũ" differs on every row, wives' and children's too: grouping by it would leave
    every household but the heads' without a head. Households are grouped by "Chủ hộ"."""
    path = files.write_xlsx(
        tmp_path / "mc.xlsx",
        ["STT", "Thôn", "Họ và tên", "Năm sinh", "Giới tính", "Mã cũ", "Quan hệ với chủ hộ"],
        [(1, "Thôn Đông", "Lò Văn Một", 1970, "Nam", "X001", "Chủ hộ"),
         (2, None, "Lò Thị Hai", 1972, "Nữ", "X002", "Vợ"),
         (3, None, "Lò Văn Ba", 2001, "Nam", "X003", "Con"),
         (4, "Thôn Đông", "Hà Văn Bốn", 1980, "Nam", "X004", "Chủ hộ")],
    )  # fmt: skip
    source = open_source(commune.db, path)
    assert source.mapping[5] == "household.code"
    plan = build_plan(commune.db, source, today=TODAY)
    assert [len(h.members) for h in plan.households] == [3, 1]
    assert plan.summary().rejected == 0
    assert any("Cột F “Mã cũ” có mã khác nhau trên từng dòng" in note for note in plan.notes)
    assert [h.code for h in plan.households] == ["NHAP-00001", "NHAP-00002"]


def test_household_codes_on_every_member_row_still_group(commune, tmp_path):
    path = files.write_xlsx(
        tmp_path / "mh.xlsx",
        ["STT", "Mã hộ", "Thôn", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ"],
        [(1, "H1", "Thôn Đông", "Lò Văn Một", 1970, "Nam", "Chủ hộ"),
         (2, "H1", "Thôn Đông", "Lò Thị Hai", 1972, "Nữ", "Vợ"),
         (3, "H2", "Thôn Đông", "Hà Văn Bốn", 1980, "Nam", "Chủ hộ")],
    )  # fmt: skip
    plan = plan_of(commune, path)
    assert [(h.code, len(h.members)) for h in plan.households] == [("H1", 2), ("H2", 1)]
    assert not plan.notes


def test_heads_in_columns_of_their_own_are_explained(commune, tmp_path):
    """ "Thông tin chủ hộ" and "Thành viên trong hộ" side by side, the head's row leaving the
    members' columns empty: not readable, and the preview says so naming sheet and columns."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "DS"
    ws.append(["STT", "Thôn", "Thông tin chủ hộ", None, "Thành viên trong hộ", None, None])
    ws.append([None, None, "Họ và tên", "Năm sinh", "Họ và tên", "Năm sinh", "Quan hệ"])
    for merged in ("A1:A2", "B1:B2", "C1:D1", "E1:G1"):
        ws.merge_cells(merged)
    ws.append([1, "Thôn Đông", "Lò Văn Một", 1970])
    ws.append([None, None, None, None, "Lò Thị Hai", 1972, "Vợ"])
    book.save(tmp_path / "tach.xlsx")
    plan = plan_of(commune, tmp_path / "tach.xlsx")
    assert plan.summary().households == 0
    (note,) = [n for n in plan.notes if "chủ hộ được ghi ở cột" in n]
    assert note.startswith(
        "Trang “DS”: chủ hộ được ghi ở cột C “Thông tin chủ hộ / Họ và tên” còn thành viên ở "
        "cột E “Thành viên trong hộ / Họ và tên” (dòng 3, ..."
    )


def test_separators_with_their_counts_and_a_name_like_a_village_word(commune, tmp_path):
    """A separator may carry its counts ("Thôn Tây | 2 hộ | 5"); a member whose row holds only
    a name that starts like a village word ("Tô", not "Tổ") is not a separator."""
    path = files.write_xlsx(
        tmp_path / "sl.xlsx",
        ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ", "Số khẩu"],
        [("I", "Thôn Tây", None, None, "2 hộ", 3),
         (1, "Lò Văn Một", 1970, "Nam", "Chủ hộ"),
         (2, "Lò Thị Hai", 1972, "Nữ", "Vợ"),
         (3, "Tô Văn Hùng"),
         (4, "Hà Văn Bốn", 1980, "Nam", "Chủ hộ")],
    )  # fmt: skip
    plan = plan_of(commune, path)
    assert [(h.village, len(h.members)) for h in plan.households] == [
        ("Thôn Tây", 2),
        ("Thôn Tây", 1),
    ]
    (problem,) = plan.problems  # Tô Văn Hùng's row: reported, not read as a separator
    assert (problem.row, problem.column, problem.severity) == (8, "B", "error")
    assert problem.message == (
        "Dòng 8 chỉ có họ tên “Tô Văn Hùng”, không có thông tin nào khác: dòng này không được nhập"
    )
    assert plan.rejected_rows()[8] == [problem.message]


@pytest.mark.parametrize(
    ("written", "code", "lead"),
    [
        ("Vợ (đã mất)", "spouse", "Vợ"),
        ("Con thứ 2", "child", "Con"),
        ("Chủ hộ - ốm đau", "head", "Chủ hộ"),
        ("Cháu nội (mồ côi)", "grandchild", "Cháu nội"),
    ],
)
def test_a_relation_word_with_a_note_after_it(written, code, lead):
    parsed = parsing.relation(written)
    assert parsed.value == code
    assert parsed.warnings == [f"Quan hệ “{written}” được đọc là “{lead}”"]


def test_an_unknown_relation_is_still_other():
    assert parsing.relation("Người giúp việc").value == "other"


def test_a_notes_sheet_first_in_an_excel_2003_xml_file(commune, tmp_path):
    path = files.write_spreadsheet_xml(tmp_path / "x.xls", files.MEMBER_HEADINGS, files.MEMBERS)
    plan = plan_of(commune, path)
    assert plan.sheet.name == "Danh sách" and plan.summary().households == 2
    assert "Trang “Ghi chú” không có dòng tiêu đề cột: đọc danh sách ở trang “Danh sách”." in (
        plan.notes
    )


@pytest.mark.parametrize("family", ["Họ và tên đệm", "Họ", "Họ đệm"])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_name_written_in_two_columns(commune, tmp_path, family, suffix):
    """ "Họ và tên" over "Họ (và tên đệm)" | "Tên": one name, not a member's name and a
    head's (the "Tên" column was taken for the head's name, the names cut in two)."""
    top = ["STT", "Thôn", "Họ và tên", None, "Năm sinh", "Giới tính", "Quan hệ với chủ hộ"]
    sub = [None, None, family, "Tên", None, None, None]
    rows = [
        [1, "Thôn Đông", "Lò Văn", "Một", 1970, "Nam", "Chủ hộ"],
        [2, None, "Lò Thị", "Hai", 1972, "Nữ", "Vợ"],
    ]
    path = tmp_path / f"ten{suffix}"
    if suffix == ".xlsx":
        book = openpyxl.Workbook()
        ws = book.active
        for row in (top, sub, *rows):
            ws.append(row)
        for merged in ("A1:A2", "B1:B2", "C1:D1", "E1:E2", "F1:F2", "G1:G2"):
            ws.merge_cells(merged)
        book.save(path)
    else:
        import csv

        with open(path, "w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(
                [["" if v is None else v for v in row] for row in (top, sub, *rows)]
            )
    source = open_source(commune.db, path)
    assert (source.mapping[2], source.mapping[3]) == ("member.full_name", "member.given_name")
    plan = build_plan(commune.db, source, today=TODAY)
    assert [m["full_name"] for m in plan.households[0].members] == ["Lò Văn Một", "Lò Thị Hai"]
    assert not plan.problems


def test_a_birth_date_in_three_columns(commune, tmp_path):
    """ "Ngày tháng năm sinh" over Ngày | Tháng | Năm: one date (the "Năm" column is the
    year's, not the male column of "Năm sinh" over Nam | Nữ, which folds alike)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["STT", "Thôn", "Họ và tên", "Ngày tháng năm sinh", None, None, "Giới tính",
               "Quan hệ với chủ hộ"])  # fmt: skip
    ws.append([None, None, None, "Ngày", "Tháng", "Năm"])
    for merged in ("A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:G2", "H1:H2"):
        ws.merge_cells(merged)
    ws.append([1, "Thôn Đông", "Lò Văn Một", 12, 4, 1968, "Nam", "Chủ hộ"])
    ws.append([2, None, "Lò Thị Hai", None, None, 1972, "Nữ", "Vợ"])
    book.save(tmp_path / "ngay.xlsx")
    source = open_source(commune.db, tmp_path / "ngay.xlsx")
    assert [source.mapping[c] for c in (3, 4, 5)] == [
        "member.birth_day",
        "member.birth_month",
        "member.birth_year",
    ]
    plan = build_plan(commune.db, source, today=TODAY)
    members = plan.households[0].members
    assert [(m["birth_date"], m["sex"]) for m in members] == [
        ("1968-04-12", "male"),
        ("1972", "female"),
    ]
    assert not plan.problems


def test_a_village_merged_down_over_its_households(commune, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["STT", "Thôn", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số nhân khẩu"])
    ws.append([1, "Thôn Tây", "Lò Văn Một", 1970, "Nam", 3])
    ws.append([2, None, "Hà Văn Hai", 1980, "Nam", 2])
    ws.append([3, None, "Vi Thị Ba", 1972, "Nữ", 1])
    ws.append([4, "Thôn Đông", "Bùi Văn Bốn", 1960, "Nam", 1])
    ws.merge_cells("B2:B4")
    book.save(tmp_path / "gop.xlsx")
    plan = plan_of(commune, tmp_path / "gop.xlsx")
    assert [h.village for h in plan.households] == ["Thôn Tây"] * 3 + ["Thôn Đông"]
    assert plan.summary().rejected == 0


def test_household_cells_merged_down_over_its_members(commune, tmp_path):
    """STT, code, village and status merged down over each household's member rows, no
    relation column: one household per code, not one per row."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["STT", "Mã hộ", "Thôn", "Họ và tên", "Năm sinh", "Giới tính", "Phân loại hộ"])
    ws.append([1, "H01", "Thôn Đông", "Lò Văn Một", 1970, "Nam", "Cận nghèo"])
    ws.append([None, None, None, "Lò Thị Hai", 1972, "Nữ"])
    ws.append([2, "H02", "Thôn Đông", "Hà Văn Ba", 1980, "Nam", "Nghèo"])
    for merged in ("A2:A3", "B2:B3", "C2:C3", "G2:G3"):
        ws.merge_cells(merged)
    book.save(tmp_path / "gop.xlsx")
    plan = plan_of(commune, tmp_path / "gop.xlsx")
    assert plan.layout == "member"
    assert [(h.code, h.status, len(h.members)) for h in plan.households] == [
        ("H01", "near_poor", 2),
        ("H02", "poor", 1),
    ]
    assert plan.summary().rejected == 0
