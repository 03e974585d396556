"""The official-table writer: headers, numbered row, groups, formula totals, styles, printing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gnapp.progress import Cancelled, Progress
from gnapp.reporting.tables import Column, Group, Row, Table, Total
from gnapp.reporting.xlsx import (
    FONT_NAME,
    MARGINS_MM,
    MM_PER_INCH,
    Heading,
    new_workbook,
    save_workbook,
    write_table,
)

HEADING = Heading(
    parent_body="UBND TỈNH QUẢNG NGÃI",
    office="ỦY BAN NHÂN DÂN XÃ SƠN MINH",
    title="Danh sách thử",
    place="Sơn Minh",
    subtitles=("(Kèm theo Quyết định số 1/QĐ-UBND)",),
)
COLUMNS = (
    Column("stt", "STT", "index", chars=5),
    Column("name", "Họ và tên", "text", "Chủ hộ", chars=20),
    Column("id", "Số CCCD", "id", "Chủ hộ", chars=14, total=Total("count", "name", "hộ")),
    Column("members", "Số nhân khẩu", chars=8),
    Column("poor", "Hộ nghèo", "mark", "Nhóm", chars=8, total=Total("count")),
    Column("other", "Khác", "mark", "Nhóm", chars=8, total=Total("count")),
    Column("note", "Ghi chú", "text", chars=12),
)


def _row(number, members, poor=False, citizen_id="051075889348"):
    return Row(
        {
            "stt": number,
            "name": f"Người {number}",
            "id": citizen_id,
            "members": members,
            "poor": "x" if poor else None,
        }
    )


def _body():
    return [
        Group(
            "I. Khu vực thành thị",
            [Group("Tổ dân phố 1", [_row(1, 4, True), _row(2, 3)])],
        ),
        Group(
            "II. Khu vực nông thôn",
            [
                Group("Thôn An Phú", [_row(3, 5, True), _row(4, 2, True), _row(5, 6)]),
                Group("Thôn Lạc Sơn", [_row(6, 1)]),
            ],
        ),
    ]


def _written(tmp_path, body, **table_options):
    workbook = new_workbook()
    table = Table(COLUMNS, body, sheet="Thử", **table_options)
    layout = write_table(workbook, table, HEADING)
    path = save_workbook(workbook, tmp_path / "thu.xlsx")
    sheet = load_workbook(path)["Thử"]
    return sheet, layout


def test_two_level_headers_are_merged_and_columns_numbered(tmp_path):
    sheet, layout = _written(tmp_path, _body())
    top, bottom = layout.header_rows
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {f"A{top}:A{bottom}", f"D{top}:D{bottom}", f"G{top}:G{bottom}"} <= merged
    assert {f"B{top}:C{top}", f"E{top}:F{top}"} <= merged
    assert sheet[f"B{top}"].value == "Chủ hộ"
    assert [sheet.cell(bottom, c).value for c in (2, 3, 5, 6)] == [
        "Họ và tên",
        "Số CCCD",
        "Hộ nghèo",
        "Khác",
    ]
    assert [sheet.cell(layout.numbered_row, c).value for c in range(1, 8)] == list(range(1, 8))


def test_title_block_and_signature(tmp_path):
    sheet, layout = _written(tmp_path, _body())
    texts = {cell.value for row in sheet.iter_rows() for cell in row if cell.value}
    assert {
        "UBND TỈNH QUẢNG NGÃI",
        "ỦY BAN NHÂN DÂN XÃ SƠN MINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "DANH SÁCH THỬ",
        "(Kèm theo Quyết định số 1/QĐ-UBND)",
        "NGƯỜI LẬP BIỂU",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Sơn Minh, ngày … tháng … năm …",
    } <= texts
    assert sheet["A4"].font.bold and sheet["A4"].font.size == 14
    assert sheet.cell(layout.signature_row, 1).row > layout.total_row


def test_group_rows_hold_labels_and_totals_add_up(tmp_path, value_of):
    sheet, layout = _written(tmp_path, _body())
    labels = [sheet.cell(row, 1).value for row in layout.group_rows]
    assert labels == [
        "I. Khu vực thành thị",
        "Tổ dân phố 1",
        "II. Khu vực nông thôn",
        "Thôn An Phú",
        "Thôn Lạc Sơn",
    ]
    assert f"A{layout.group_rows[0]}:B{layout.group_rows[0]}" in {
        str(r) for r in sheet.merged_cells.ranges
    }
    total = layout.total_row
    assert sheet[f"A{total}"].value == "Tổng cộng"
    for column in "CDEF":
        assert sheet[f"{column}{total}"].value.startswith("=SUM(")
    assert value_of(sheet, sheet[f"C{total}"]) == 6  # households
    assert value_of(sheet, sheet[f"D{total}"]) == 21  # persons
    assert value_of(sheet, sheet[f"E{total}"]) == 3  # marked poor
    assert value_of(sheet, sheet[f"F{total}"]) == 0
    an_phu = layout.group_rows[3]
    assert sheet[f"C{an_phu}"].value == f"=COUNTA(B{an_phu + 1}:B{an_phu + 3})"
    assert value_of(sheet, sheet[f"D{an_phu}"]) == 13
    assert value_of(sheet, sheet[f"D{layout.group_rows[2]}"]) == 14
    assert sheet[f"C{total}"].number_format == '#,##0" hộ"'
    assert sheet[f"D{total}"].number_format == "#,##0"


def test_citizen_ids_stay_text_and_cells_share_named_styles(tmp_path):
    body = [Group("Thôn An Phú", [_row(1, 3, citizen_id="001234567890") for _ in range(50)])]
    sheet, layout = _written(tmp_path, body)
    cell = sheet[f"C{layout.body_rows[0]}"]
    assert cell.value == "001234567890"
    assert cell.data_type == "s"
    assert cell.number_format == "@"
    assert cell.style != "Normal"
    assert cell.font.name == FONT_NAME
    styles = {sheet.cell(r, c).style for r in layout.body_rows for c in range(1, 8)}
    assert len(styles) <= 7  # one named style per kind of cell, not one per cell
    assert len(sheet.parent.named_styles) < 40


def test_print_setup_is_a4_landscape_fit_to_width_with_repeated_headers(tmp_path):
    sheet, layout = _written(tmp_path, _body())
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    top, _ = layout.header_rows
    assert sheet.print_title_rows == f"${top}:${layout.numbered_row}"
    assert sheet.page_margins.left == pytest.approx(MARGINS_MM["left"] / MM_PER_INCH)
    assert sheet.page_margins.right == pytest.approx(MARGINS_MM["right"] / MM_PER_INCH)
    assert "&P" in sheet.oddFooter.center.text
    assert sheet.freeze_panes == f"A{layout.numbered_row + 1}"


def test_portrait_tables_print_portrait(tmp_path):
    sheet, _ = _written(tmp_path, _body(), landscape=False)
    assert sheet.page_setup.orientation == "portrait"


def test_columns_widen_for_vietnamese_headers_and_content(tmp_path):
    long_name = "Nguyễn Thị Thanh Hương Giang"
    body = [Group("Thôn", [Row({"stt": 1, "name": long_name, "members": 1})])]
    sheet, _ = _written(tmp_path, body)
    assert sheet.column_dimensions["B"].width >= len(long_name)
    assert sheet.column_dimensions["D"].width >= len("nhân") + 2


def test_empty_table_totals_zero(tmp_path, value_of):
    sheet, layout = _written(tmp_path, [])
    assert value_of(sheet, sheet[f"D{layout.total_row}"]) == 0
    assert layout.body_rows == ()


def test_a_failed_save_leaves_no_file(tmp_path, monkeypatch):
    workbook = new_workbook()
    write_table(workbook, Table(COLUMNS, _body(), sheet="Thử"), HEADING)

    def broken(path):
        path.write_bytes(b"half")
        raise OSError("đĩa đầy")

    monkeypatch.setattr(workbook, "save", broken)
    with pytest.raises(OSError):
        save_workbook(workbook, tmp_path / "thu.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_progress_is_reported_and_cancel_stops_the_writing(tmp_path):
    rows = [_row(n, 1) for n in range(1, 1001)]
    seen = []
    progress = Progress(lambda done, total, _: seen.append((done, total)))
    table = Table(COLUMNS, [Group("Thôn", rows)], sheet="Thử")
    write_table(new_workbook(), table, HEADING, progress)
    assert seen[-1] == (1000, 1000)
    progress.cancel()
    with pytest.raises(Cancelled):
        write_table(new_workbook(), table, HEADING, progress)


villages = st.lists(
    st.lists(st.tuples(st.integers(0, 30), st.booleans()), min_size=1, max_size=6),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(areas=st.lists(villages, min_size=1, max_size=2))
def test_totals_equal_the_sums_of_the_rows(tmp_path_factory, value_of, areas):
    body, number, expected_members, expected_poor = [], 0, 0, 0
    for area_index, area in enumerate(areas):
        groups = []
        for village_index, rows in enumerate(area):
            items = []
            for members, poor in rows:
                number += 1
                items.append(_row(number, members, poor))
                expected_members += members
                expected_poor += poor
            groups.append(Group(f"Thôn {area_index}-{village_index}", items))
        body.append(Group(f"Khu vực {area_index}", groups))
    sheet, layout = _written(tmp_path_factory.mktemp("x"), body)
    total = layout.total_row
    assert value_of(sheet, sheet[f"C{total}"]) == number
    assert value_of(sheet, sheet[f"D{total}"]) == expected_members
    assert value_of(sheet, sheet[f"E{total}"]) == expected_poor
    for row in layout.group_rows:  # every group's figure is the sum of the rows below it
        assert value_of(sheet, sheet[f"D{row}"]) <= expected_members
