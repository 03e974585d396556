"""The register and the yearly lists written to XLSX equal what the database says."""

import pytest
from openpyxl import load_workbook

from gnapp.cli import main
from gnapp.progress import Cancelled, Progress
from gnapp.reporting.lists import export_list, export_register
from gnapp.store.errors import DatabaseError
from tests.as_of_sql import SIZE

YEAR = 2025


def _sheet(path):
    return load_workbook(path).worksheets[0]


def _column(sheet, header):
    """The column index whose lower header is ``header``."""
    for row in sheet.iter_rows(max_row=20):
        for cell in row:
            if cell.value == header:
                return cell.column
    raise AssertionError(f"no header {header!r}")


def _body_rows(sheet):
    """Rows with a household number in the STT column (below the numbered row)."""
    numbered = next(
        r for r in range(1, 30) if sheet.cell(r, 1).value == 1 and sheet.cell(r, 2).value == 2
    )
    return [
        r for r in range(numbered + 1, sheet.max_row + 1) if isinstance(sheet.cell(r, 1).value, int)
    ]


def _total_row(sheet):
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Tổng cộng")


def _sql_list(db, kind):
    """The year's list; each household's members on the day its status took effect."""
    condition = "s.status = ?" if kind in ("poor", "near_poor") else "s.movement = ?"
    decided = "ifnull(s.decision_date, s.year || '-12-31')"
    return list(
        db.query(
            f"""SELECT h.head_name, {SIZE.format(h="h.id", d=decided)} AS n
                FROM household_status s JOIN households h ON h.id = s.household_id
                JOIN villages v ON v.id = h.village_id
                WHERE s.year = ? AND {condition}
                ORDER BY v.area = 'rural', v.name_sort_key, h.head_sort_key, h.code""",
            [YEAR, kind],
        )
    )


@pytest.mark.parametrize("kind", ["poor", "near_poor"])
def test_poor_and_near_poor_lists_equal_the_database(demo_db, tmp_path, kind, value_of):
    result = export_list(demo_db.db, tmp_path / "ds.xlsx", YEAR, kind)
    sheet = _sheet(result.path)
    expected = _sql_list(demo_db.db, kind)
    rows = _body_rows(sheet)
    name, members = _column(sheet, "Họ và tên"), _column(sheet, "Số nhân khẩu")
    assert [sheet.cell(r, name).value for r in rows] == [row["head_name"] for row in expected]
    assert [sheet.cell(r, 1).value for r in rows] == list(range(1, len(expected) + 1))
    total = _total_row(sheet)
    citizen = _column(sheet, "Số CCCD / định danh cá nhân")
    assert value_of(sheet, sheet.cell(total, citizen)) == len(expected) == result.households
    persons = sum(row["n"] for row in expected)
    assert value_of(sheet, sheet.cell(total, members)) == persons == result.persons
    title = "DANH SÁCH HỘ NGHÈO NĂM 2025" if kind == "poor" else "DANH SÁCH HỘ CẬN NGHÈO NĂM 2025"
    assert sheet["A4"].value == title


def test_new_fell_back_and_old_follow_the_movement(demo_db, tmp_path, value_of):
    sheet = _sheet(export_list(demo_db.db, tmp_path / "ds.xlsx", YEAR, "poor").path)
    counts = dict(
        demo_db.db.execute(
            "SELECT coalesce(movement, ''), count(*) FROM household_status "
            "WHERE year = ? AND status = 'poor' GROUP BY 1",
            [YEAR],
        ).fetchall()
    )
    total = _total_row(sheet)
    new, fell_back, old = (_column(sheet, header) for header in ("Mới", "Tái", "Cũ"))
    assert value_of(sheet, sheet.cell(total, new)) == counts.get("newly_poor", 0)
    assert value_of(sheet, sheet.cell(total, fell_back)) == counts.get("fell_back_poverty", 0)
    others = sum(counts.values()) - counts.get("newly_poor", 0) - counts.get("fell_back_poverty", 0)
    assert value_of(sheet, sheet.cell(total, old)) == others
    for row in _body_rows(sheet):
        marks = [sheet.cell(row, column).value for column in (new, fell_back, old)]
        assert marks.count("x") == 1


def test_group_flags_are_counted(demo_db, tmp_path, value_of):
    sheet = _sheet(export_list(demo_db.db, tmp_path / "ds.xlsx", YEAR, "poor").path)
    minority = demo_db.db.execute(
        "SELECT count(*) FROM household_status s JOIN households h ON h.id = s.household_id "
        "WHERE s.year = ? AND s.status = 'poor' AND (h.ethnic_minority OR h.local_ethnic_minority)",
        [YEAR],
    ).fetchone()[0]
    column = _column(sheet, "Dân tộc thiểu số")
    assert value_of(sheet, sheet.cell(_total_row(sheet), column)) == minority


def test_lists_are_grouped_by_area_then_village_with_the_decision(demo_db, tmp_path):
    sheet = _sheet(export_list(demo_db.db, tmp_path / "ds.xlsx", YEAR, "near_poor").path)
    labels = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    assert "I. Khu vực thành thị" in labels and "II. Khu vực nông thôn" in labels
    assert labels.index("I. Khu vực thành thị") < labels.index("Tổ dân phố 1")
    assert labels.index("II. Khu vực nông thôn") < labels.index("Thôn Lạc Sơn")
    assert labels.index("Nước Nẻ") < labels.index("Thôn Lạc Sơn")  # Vietnamese order: N < T
    assert sheet["A5"].value.startswith("(Kèm theo Quyết định số 231/QĐ-UBND ngày 17/12/2025")


def test_one_village(demo_db, tmp_path):
    village = demo_db.db.execute("SELECT id, name FROM villages WHERE code = 'T03'").fetchone()
    result = export_list(demo_db.db, tmp_path / "ds.xlsx", YEAR, "poor", village_id=village[0])
    sheet = _sheet(result.path)
    labels = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    assert "I. Khu vực thành thị" not in labels
    assert sheet["A5"].value == village[1]
    address = _column(sheet, "Địa chỉ (thôn, tổ dân phố)")
    assert {sheet.cell(r, address).value for r in _body_rows(sheet)} == {village[1]}
    expected = demo_db.db.execute(
        "SELECT count(*) FROM household_status s JOIN households h ON h.id = s.household_id "
        "WHERE s.year = ? AND s.status = 'poor' AND h.village_id = ?",
        [YEAR, village[0]],
    ).fetchone()[0]
    assert result.households == len(_body_rows(sheet)) == expected


def test_escaped_poverty_has_poor_to_near_poor_as_its_own_part(demo_db, tmp_path, value_of):
    sheet = _sheet(export_list(demo_db.db, tmp_path / "ds.xlsx", YEAR, "escaped_poverty").path)
    labels = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    part_a = labels.index("A. Hộ thoát nghèo, vượt chuẩn cận nghèo")
    part_b = labels.index("B. Hộ thoát nghèo, thành hộ cận nghèo")
    citizen = _column(sheet, "Số CCCD / định danh cá nhân")
    name = _column(sheet, "Họ và tên")
    escaped = _sql_list(demo_db.db, "escaped_poverty")
    to_near_poor = _sql_list(demo_db.db, "poor_to_near_poor")
    assert value_of(sheet, sheet.cell(part_a + 1, citizen)) == len(escaped)
    assert value_of(sheet, sheet.cell(part_b + 1, citizen)) == len(to_near_poor)
    rows = _body_rows(sheet)
    assert [sheet.cell(r, name).value for r in rows] == [
        row["head_name"] for row in escaped + to_near_poor
    ]
    status = _column(sheet, "Phân loại năm 2025")
    assert {sheet.cell(r, status).value for r in rows if r > part_b} == {"Hộ cận nghèo"}
    assert value_of(sheet, sheet.cell(_total_row(sheet), citizen)) == len(escaped + to_near_poor)


def test_escaped_near_poverty(demo_db, tmp_path):
    result = export_list(demo_db.db, tmp_path / "ds.xlsx", YEAR, "escaped_near_poverty")
    assert result.households == len(_sql_list(demo_db.db, "escaped_near_poverty"))
    assert _sheet(result.path)["A4"].value == "DANH SÁCH HỘ THOÁT CẬN NGHÈO NĂM 2025"


def test_register_has_one_row_per_member(demo_db, tmp_path, value_of):
    result = export_register(demo_db.db, tmp_path / "so.xlsx", YEAR)
    sheet = _sheet(result.path)
    members = list(
        demo_db.db.query(
            """SELECT m.full_name, m.relation, m.citizen_id, m.birth_date, h.code
               FROM members m JOIN households h ON h.id = m.household_id
               JOIN villages v ON v.id = h.village_id
               WHERE h.present_until IS NULL
               ORDER BY v.area = 'rural', v.name_sort_key, h.head_sort_key, h.code, m.position"""
        )
    )
    name, citizen = _column(sheet, "Họ và tên"), _column(sheet, "Số CCCD / định danh cá nhân")
    relation, born = _column(sheet, "Quan hệ với chủ hộ"), _column(sheet, "Ngày sinh")
    first = _body_rows(sheet)[0]
    rows = [
        r
        for r in range(first, sheet.max_row + 1)
        if sheet.cell(r, 2).value and str(sheet.cell(r, 2).value).startswith("HGD-")
    ]
    assert [sheet.cell(r, name).value for r in rows] == [m["full_name"] for m in members]
    assert [sheet.cell(r, citizen).value for r in rows] == [m["citizen_id"] for m in members]
    with_id = [r for r in rows if sheet.cell(r, citizen).value]
    assert all(sheet.cell(r, citizen).data_type == "s" for r in with_id)
    assert any(sheet.cell(r, citizen).value.startswith("0") for r in with_id)
    heads = [r for r in rows if sheet.cell(r, relation).value == "Chủ hộ"]
    assert len(heads) == sum(m["relation"] == "head" for m in members)
    assert all(sheet.cell(r, name).font.bold for r in heads)
    y, m, d = members[0]["birth_date"].split("-")
    assert sheet.cell(rows[0], born).value == f"{d}/{m}/{y}"
    # the register now: a household that moved away, merged or ended is no longer on it
    households = demo_db.db.execute(
        "SELECT count(*) FROM households WHERE present_until IS NULL"
    ).fetchone()[0]
    assert households < demo_db.db["households"].count
    total = _total_row(sheet)
    village, status = _column(sheet, "Thôn, tổ dân phố"), _column(sheet, "Tình trạng hộ năm 2025")
    assert value_of(sheet, sheet.cell(total, village)) == households == result.households
    assert value_of(sheet, sheet.cell(total, status)) == len(members) == result.persons
    assert sheet.cell(total, village).number_format == '#,##0" hộ"'


def test_register_status_is_the_years(demo_db, tmp_path):
    sheet = _sheet(export_register(demo_db.db, tmp_path / "so.xlsx", YEAR).path)
    status = _column(sheet, "Tình trạng hộ năm 2025")
    code = _column(sheet, "Mã hộ")
    shown = {sheet.cell(r, code).value: sheet.cell(r, status).value for r in _body_rows(sheet)}
    labels = {
        "poor": "Hộ nghèo",
        "near_poor": "Hộ cận nghèo",
        "average": "Hộ có mức sống trung bình",
        "not_poor": "Hộ không nghèo",
    }
    for household_code, value in demo_db.db.execute(
        "SELECT h.code, s.status FROM household_status s "
        "JOIN households h ON h.id = s.household_id WHERE s.year = ?",
        [YEAR],
    ).fetchall():
        assert shown[household_code] == labels[value]
    assert (
        sum(v is None for v in shown.values())
        == len(shown)
        - demo_db.db.execute(
            "SELECT count(*) FROM household_status WHERE year = ?", [YEAR]
        ).fetchone()[0]
    )


def test_cancelled_export_leaves_no_file(demo_db, tmp_path):
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        export_register(demo_db.db, tmp_path / "so.xlsx", YEAR, progress=progress)
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".*")) == []


def test_a_commune_without_identity_is_refused(new_db, tmp_path):
    with pytest.raises(DatabaseError, match="Chưa khai báo thông tin xã"):
        export_list(new_db.db, tmp_path / "ds.xlsx", YEAR, "poor")


def test_cli_exports_a_list_and_the_register(demo_db, tmp_path, capsys):
    small_demo_file = demo_db.path
    out = tmp_path / "ngheo.xlsx"
    args = ["export", "list", "--db", str(small_demo_file), "--year", "2025", "--kind", "poor"]
    assert main([*args, "--out", str(out), "--village", "T03"]) == 0
    assert "Đã ghi" in capsys.readouterr().out
    assert _sheet(out)["A5"].value == "Thôn Lạc Sơn"
    register = tmp_path / "so.xlsx"
    register_args = ["export", "register", "--db", str(small_demo_file), "--out", str(register)]
    assert main(register_args) == 0
    assert "Tình trạng hộ năm 2025" in {
        c.value for row in _sheet(register).iter_rows() for c in row
    }
    assert main([*args, "--out", str(tmp_path / "x.xlsx"), "--village", "KHONG"]) == 1
    assert "Không có thôn" in capsys.readouterr().err
