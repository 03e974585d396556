from datetime import date

import pytest

from gnapp.importers import parsing
from gnapp.importers.apply import apply_plan, import_batches, undo_import
from gnapp.importers.headers import find_header, suggest_mapping
from gnapp.importers.legacy import from_unicode
from gnapp.importers.plan import (
    HOUSEHOLD_LAYOUT,
    IMPORT,
    MEMBER_LAYOUT,
    SKIP,
    build_plan,
    open_source,
)
from gnapp.importers.reading import ImportFileError, read_sheet, sheet_names
from gnapp.importers.report import write_error_report
from gnapp.progress import Cancelled, Progress
from gnapp.store.batches import batch_summary
from gnapp.store.household_history import history_rows
from tests.importers import files

TODAY = date(2025, 6, 1)


def plan_of(cdb, path, **options):
    return build_plan(cdb.db, open_source(cdb.db, path), today=TODAY, **options)


def test_member_file_preview(commune, tmp_path):
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    plan = plan_of(commune, path)
    assert plan.layout == MEMBER_LAYOUT
    assert plan.status_year == 2024  # from the title row
    summary = plan.summary()
    assert (summary.rows, summary.accepted, summary.warned, summary.rejected) == (7, 3, 2, 2)
    assert (summary.households, summary.members) == (2, 5)
    bad_date = next(p for p in plan.problems if p.row == 9)
    assert (bad_date.column, bad_date.severity) == ("E", "error")
    assert "không có thật" in bad_date.message
    assert list(plan.new_villages.values()) == ["Thôn Tây"]
    repaired = plan.households[2].members[0]
    assert repaired["citizen_id"] == "012345678901"  # 11 digits: leading zero restored
    spouse = plan.households[2].members[1]
    assert "citizen_id" not in spouse and spouse["sex"] == "female"  # old CMND, sex from "Vợ"
    assert any("CMND cũ" in p.message and p.column == "G" for p in plan.problems)


def test_a_member_without_sex_is_refused_even_when_the_row_has_a_warning(commune, tmp_path):
    """A warning of the row (an old 9-digit CMND) once hid the missing sex: the member reached
    the database without one (NOT NULL constraint failed: a traceback)."""
    rows = [list(row) for row in files.MEMBERS]
    rows[6][7] = "Bạn"  # "Vợ" told the sex; an unknown relation does not
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, rows)
    plan = plan_of(commune, path)
    refused = [p for p in plan.problems if p.row == 11 and p.severity == "error"]
    assert [(p.column, p.message) for p in refused] == [("F", "Thiếu giới tính")]
    apply_plan(commune, plan)
    assert commune.db.execute("SELECT count(*) FROM members WHERE sex IS NULL").fetchone()[0] == 0


def test_import_is_one_undoable_batch(commune, tmp_path):
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    result = apply_plan(commune, plan_of(commune, path))
    db = commune.db
    assert (result.households, result.members) == (2, 5)
    assert db["households"].count == 2 and db["members"].count == 5
    head = db.execute("SELECT head_name FROM households WHERE code = 'H001'").fetchone()[0]
    assert head == "Nguyễn Văn Được"
    assert [b.id for b in import_batches(commune)] == [result.batch_id]
    undo_import(commune, result.batch_id)
    assert db["households"].count == 0 and db["members"].count == 0


def test_an_import_is_logged_by_households_and_its_history_names_it(commune, tmp_path):
    """The imported households are one log row (a run of rows listing them) and their members
    one more (no copy of the rows); a household's history still says when it came in, by which
    import, and who its members were."""
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    result = apply_plan(commune, plan_of(commune, path))
    db = commune.db
    logged = db.execute(
        "SELECT table_name, action, count(*) FROM change_log WHERE batch_id = ? GROUP BY 1, 2",
        [result.batch_id],
    ).fetchall()
    assert ("households", "insert_rows", 1) in logged and ("members", "insert_rows", 1) in logged
    assert batch_summary(db, result.batch_id)["members"] == {"insert": 5}
    household = db.execute("SELECT id FROM households WHERE code = 'H001'").fetchone()[0]
    history = [row.what for row in history_rows(db, household)]
    assert history[-1] == f"Thêm hộ vào sổ bởi lần nhập số {result.batch_id} (ds.xlsx)"
    assert "Thêm: thành viên Nguyễn Văn Được" in history


def test_reimport_finds_database_duplicates(commune, tmp_path):
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    apply_plan(commune, plan_of(commune, path))
    again = plan_of(commune, path)
    assert {d.kind for d in again.duplicates} >= {"code", "citizen_id", "head"}
    assert all(d.in_database for d in again.duplicates)
    assert again.summary().households == 0
    with pytest.raises(ValueError):
        again.decide(again.duplicates[0].household, IMPORT)


def test_duplicates_inside_the_file_can_be_imported_anyway(commune, tmp_path):
    rows = [
        (1, None, "Thôn Đông", "Lò Văn Một", "1970", "Nam", "001070001234", "Chủ hộ", "Thái"),
        (2, None, "Thôn Đông", "Lò Văn Hai", "1971", "Nam", "001070001234", "Chủ hộ", "Thái"),
    ]
    plan = plan_of(commune, files.write_xlsx(tmp_path / "d.xlsx", files.MEMBER_HEADINGS, rows))
    [duplicate] = plan.duplicates
    assert duplicate.row == 6 and not duplicate.in_database and "dòng 5" in duplicate.message
    assert plan.summary().households == 1
    plan.decide(duplicate.household, IMPORT)
    assert plan.summary().households == 2
    plan.decide(duplicate.household, SKIP)
    assert plan.summary().skipped == 1


def test_two_level_header_one_row_per_household(commune, tmp_path):
    rows = [
        (1, "Thôn Đông", "Nguyễn Văn Bốn", "1980", "012080000001", "x", None, 4),
        (2, "đông", "Lò Thị Năm", date(1990, 5, 6), None, None, "x", 1),
        (3, "Bản Mới", "Vàng A Sáu", 27394, None, "x", "x", 2),
    ]
    path = files.write_two_level_xlsx(tmp_path / "h.xlsx", rows)
    source = open_source(commune.db, path)
    assert source.header.columns[2].parts == ("Thông tin chủ hộ", "Họ tên")
    assert source.mapping[2] == "household.head_name"
    assert source.mapping[5] == "member.sex_male" and source.mapping[6] == "member.sex_female"
    plan = build_plan(commune.db, source, today=TODAY)
    assert plan.layout == HOUSEHOLD_LAYOUT
    first, second, third = plan.households
    assert first.members[0] == {
        "full_name": "Nguyễn Văn Bốn", "sex": "male", "birth_date": "1980",
        "relation": "head", "citizen_id": "012080000001",
    }  # fmt: skip
    assert second.members[0]["birth_date"] == "1990-05-06"
    assert second.village_key == first.village_key  # "đông" is Thôn Đông
    assert third.rejected  # both Nam and Nữ marked
    assert any("chỉ chủ hộ được nhập" in note for note in plan.notes)
    assert plan.households[0].code.startswith("NHAP-")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1258"])
def test_a_web_page_saved_as_xls_is_read_as_its_table(commune, tmp_path, encoding):
    rows = [
        (1, "Thôn Đông", "Nguyễn Văn Bốn", "1980", "012080000001", "x", None, 4),
        (2, "Thôn Đông", "Lò Thị Năm", "06/05/1990", "001190000002", None, "x", 1),
    ]
    path = files.write_html_xls(tmp_path / "ds-cong-thong-tin.xls", rows, encoding=encoding)
    assert sheet_names(path) == ["ds-cong-thong-tin"]
    source = open_source(commune.db, path)
    assert source.header.columns[2].parts == ("Thông tin chủ hộ", "Họ tên")
    plan = build_plan(commune.db, source, today=TODAY)
    assert plan.layout == HOUSEHOLD_LAYOUT and plan.status_year == 2024
    assert [h.members[0] for h in plan.households] == [
        {"full_name": "Nguyễn Văn Bốn", "sex": "male", "birth_date": "1980", "relation": "head",
         "citizen_id": "012080000001"},
        {"full_name": "Lò Thị Năm", "sex": "female", "birth_date": "1990-05-06",
         "relation": "head", "citizen_id": "001190000002"},
    ]  # fmt: skip
    assert [h.village_key for h in plan.households] == ["id:1", "id:1"]


def test_an_excel_2003_xml_spreadsheet_saved_as_xls(commune, tmp_path):
    rows = [list(row) for row in files.MEMBERS[:3]]
    rows[0][4] = date(1970, 3, 5)  # a DateTime cell
    path = files.write_spreadsheet_xml(tmp_path / "xuat-2003.xls", files.MEMBER_HEADINGS, rows)
    assert sheet_names(path) == ["Ghi chú", "Danh sách"]
    with pytest.raises(ImportFileError, match="không có trang tính “Trang 3”"):
        read_sheet(path, "Trang 3")
    source = open_source(commune.db, path, "Danh sách")
    plan = build_plan(commune.db, source, today=TODAY)
    assert plan.layout == MEMBER_LAYOUT and plan.status_year == 2024
    (household,) = plan.households
    assert household.code == "H001" and household.village_key == "id:1"
    assert [(m["full_name"], m["birth_date"], m.get("citizen_id")) for m in household.members] == [
        ("Nguyễn Văn Được", "1970-03-05", "001070001234"),
        ("Trần Thị Hoa", "1972", "001172004321"),
        ("Nguyễn Văn An", "1998-08-12", None),
    ]


def test_a_real_xls_is_not_taken_for_a_web_page(tmp_path):
    path = files.write_xls(tmp_path / "that.xls", files.MEMBER_HEADINGS, files.MEMBERS)
    assert sheet_names(path) == ["DS"]


@pytest.mark.parametrize("font", [".VnTime", None])
def test_tcvn3_text(commune, tmp_path, font):
    rows = [
        tuple(from_unicode(v.lower(), "tcvn3") if isinstance(v, str) else v for v in row)
        for row in files.MEMBERS[:3]
    ]
    path = files.write_xlsx(tmp_path / "t.xlsx", files.MEMBER_HEADINGS, rows, font=font)
    plan = plan_of(commune, path)
    names = [m["full_name"] for m in plan.households[0].members]
    assert names == ["nguyễn văn được", "trần thị hoa", "nguyễn văn an"]
    assert plan.households[0].village_key == "id:1"


def test_tcvn3_capitals_font(tmp_path):
    rows = [(1, "H1", "thôn đông", "nguyễn văn được", "1970", "Nam", None, "chủ hộ", "kinh")]
    rows = [tuple(from_unicode(v, "tcvn3") if isinstance(v, str) else v for v in rows[0])]
    path = files.write_xlsx(tmp_path / "t.xlsx", files.MEMBER_HEADINGS, rows, font=".VnTimeH")
    sheet = read_sheet(path)
    assert "NGUYỄN VĂN ĐƯỢC" in sheet.rows[4]


def test_vni_text(commune, tmp_path):
    rows = [
        tuple(from_unicode(v, "vni") if isinstance(v, str) else v for v in row)
        for row in files.MEMBERS[:3]
    ]
    path = files.write_xlsx(tmp_path / "v.xlsx", files.MEMBER_HEADINGS, rows, font="VNI-Times")
    plan = plan_of(commune, path)
    assert plan.households[0].members[0]["full_name"] == "Nguyễn Văn Được"


@pytest.mark.parametrize(
    ("writer", "suffix", "options"),
    [
        (files.write_xls, ".xls", {}),
        (files.write_ods, ".ods", {}),
        (files.write_csv, ".csv", {"encoding": "utf-8-sig", "delimiter": ";"}),
        (files.write_csv, ".csv", {"encoding": "cp1258", "delimiter": "\t"}),
        (files.write_csv, ".csv", {"encoding": "utf-8", "delimiter": ","}),
    ],
)
def test_other_formats(commune, tmp_path, writer, suffix, options):
    path = writer(tmp_path / f"f{suffix}", files.MEMBER_HEADINGS, files.MEMBERS, **options)
    plan = plan_of(commune, path)
    assert plan.summary().households == 2
    assert plan.households[0].members[0]["full_name"] == "Nguyễn Văn Được"
    assert plan.households[0].members[0]["citizen_id"] == "001070001234"


def test_cp1252_csv_with_tcvn3_text(commune, tmp_path):
    headings = [from_unicode(h.lower(), "tcvn3") for h in files.MEMBER_HEADINGS]
    rows = [
        tuple(from_unicode(v.lower(), "tcvn3") if isinstance(v, str) else v for v in row)
        for row in files.MEMBERS
    ]
    path = tmp_path / "old.csv"
    text = "\n".join(
        ",".join("" if v is None else str(v) for v in row) for row in [headings, *rows]
    )
    path.write_bytes(text.encode("cp1252"))
    plan = plan_of(commune, path)
    assert plan.households[0].members[0]["full_name"] == "nguyễn văn được"


def test_error_report_can_be_fixed_and_reimported(commune, tmp_path):
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    plan = plan_of(commune, path)
    report = tmp_path / "loi.xlsx"
    assert write_error_report(plan, report) == 2
    sheet = read_sheet(report)
    assert sheet.rows[0][-2:] == ["Lỗi", "Dòng gốc"]
    assert sheet.rows[2][-1] == 9 and "không có thật" in sheet.rows[2][-2]
    import openpyxl

    book = openpyxl.load_workbook(report)
    book.active["E3"] = "28/02/1985"
    book.save(report)
    fixed = plan_of(commune, report)
    assert fixed.summary().rejected == 0 and fixed.summary().households == 1


def test_the_error_report_of_rows_with_control_characters_is_written(commune, tmp_path):
    """openpyxl refuses ESC and the like in a cell (IllegalCharacterError: a traceback from
    `gnapp import file --errors`): they are shown as U+FFFD, the rest of the cell kept."""
    path = files.write_csv(
        tmp_path / "ds.csv",
        files.MEMBER_HEADINGS,
        [[1, "H001", "Thôn\x1b Đông", "Nguyễn\x01 Văn An", "1970", "Nam", "", "Chủ hộ", "Kinh"]],
        "utf-8",
        ",",
    )
    plan = plan_of(commune, path)
    report = tmp_path / "loi.xlsx"
    assert write_error_report(plan, report) == 1
    row = read_sheet(report).rows[1]
    assert row[2:4] == ["Thôn\ufffd Đông", "Nguyễn\ufffd Văn An"]
    assert "U+001B" in row[-2]


def test_cancel_leaves_the_database_as_it_was(commune, tmp_path):
    path = files.write_xlsx(tmp_path / "big.xlsx", files.MEMBER_HEADINGS, files.household_rows(300))
    plan = plan_of(commune, path)
    progress = Progress(lambda done, total, text: progress.cancel() if done >= 200 else None)
    with pytest.raises(Cancelled):
        apply_plan(commune, plan, progress)
    assert commune.db["households"].count == 0
    assert commune.db["villages"].count == 1
    assert import_batches(commune) == []


def test_mapping_is_remembered(commune, tmp_path):
    headings = ["STT", "Cột lạ", "Thôn", "Họ và tên", "Năm sinh", "Giới tính"]
    rows = [(1, "Lò Văn Một", "Thôn Đông", "x", 1970, "Nam")]
    path = files.write_xlsx(tmp_path / "a.xlsx", headings, rows)
    source = open_source(commune.db, path)
    assert not source.remembered and 1 not in source.mapping
    mapping = {**source.mapping, 1: "member.full_name", 3: "ignore"}
    apply_plan(commune, build_plan(commune.db, source, mapping, today=TODAY))
    again = open_source(commune.db, files.write_xlsx(tmp_path / "b.xlsx", headings, rows))
    assert again.remembered and again.mapping == mapping


def test_no_header_is_said_in_vietnamese(tmp_path):
    path = files.write_xlsx(tmp_path / "x.xlsx", ["a", "b"], [(1, 2)])
    with pytest.raises(ImportFileError, match="Không tìm thấy dòng tiêu đề"):
        find_header(read_sheet(path))


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Họ và tên chủ hộ", "household.head_name"),
        ("Ho ten chu ho", "household.head_name"),
        ("Chủ hộ", "household.head_name"),
        ("CCCD", "member.citizen_id"),
        ("Số CCCD/CMND", "member.citizen_id"),
        ("Ngày tháng năm sinh", "member.birth_date"),
        ("Quan hệ với chủ hộ", "member.relation"),
        ("Hộ nghèo/Hộ cận nghèo", "household.status"),
        ("Họ và tên (ghi chữ in hoa)", "member.full_name"),
        ("Mã hộ", "household.code"),
        ("Nơi ở hiện nay", "household.address"),
    ],
)
def test_heading_suggestions(tmp_path, heading, field):
    path = files.write_xlsx(tmp_path / "x.xlsx", ["STT", heading, "Dân tộc"], [])
    assert suggest_mapping(find_header(read_sheet(path)))[1] == field


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/03/1980", "1980-03-05"),
        ("5/3/80", "1980-03-05"),
        ("1/1/24", "2024-01-01"),
        ("1975", "1975"),
        (1975.0, "1975"),
        (27394.0, "1974-12-31"),
        (date(1980, 1, 2), "1980-01-02"),
        ("1980-03-05", "1980-03-05"),
    ],
)
def test_birth_dates(value, expected):
    assert parsing.birth_date(value, TODAY).value == expected


@pytest.mark.parametrize(
    "value", ["31/02/1980", "2030", "01/01/2026", "abc", None, "1850", "²", "¹⁹⁷⁵"]
)  # "²".isdigit() but float("²") is a ValueError
def test_bad_birth_dates(value):
    with pytest.raises(parsing.CellError):
        parsing.birth_date(value, TODAY)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("hong.xlsx", b"PK\x03\x04 not really a zip"),
        ("cut-short-2003.xls", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-'
                               b'com:office:spreadsheet"><Worksheet><Table><Row>'),
    ],
)  # fmt: skip
def test_an_unreadable_spreadsheet_says_what_to_do(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as raised:
        read_sheet(path)
    message = str(raised.value)
    assert message.startswith(f"Tệp “{name}” bị hỏng hoặc không phải bảng tính.")
    assert "Lưu thành (Save As)" in message and "Chi tiết kỹ thuật" in message
    with pytest.raises(ImportFileError, match="Lưu thành"):
        sheet_names(path)


def test_the_cycle_collector_is_paused_while_importing_and_restored_after(new_db, tmp_path):
    """Reading, checking and writing run with the cyclic garbage collector paused, and leave
    it as they found it: on again after them (an error included), still off when it was off."""
    import gc

    from gnapp.importers.plan import paused_cycle_collection

    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.household_rows(30))
    seen = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(gc.isenabled())

    plan = build_plan(new_db.db, open_source(new_db.db, path), progress=progress)
    apply_plan(new_db, plan, progress)
    assert seen and not any(seen)
    assert gc.isenabled()
    with pytest.raises(ImportFileError):
        open_source(new_db.db, tmp_path / "missing.xlsx")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_cycle_collection():
            with paused_cycle_collection():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("written", ["００１０７０００１２３４", "⁰⁰¹⁰⁷⁰⁰⁰¹²³⁴"])
def test_a_citizen_id_of_other_digits_is_not_kept(written):
    """Python's isdigit() takes them: they reached the register as a 12-"digit" ID."""
    parsed = parsing.citizen_id(written, "male", 1970)
    assert parsed.value is None
    assert parsed.warnings == [f"Số CCCD “{written}” có ký tự không phải chữ số: không ghi"]


def _heads(*born):
    return [(n, None, "Thôn Đông", "Lò Văn Một", day, "Nam", None, "Chủ hộ", "Thái")
            for n, day in enumerate(born, start=1)]  # fmt: skip


def test_a_head_written_with_a_year_only_is_the_head_the_register_has_with_the_day(
    commune, tmp_path
):
    """A list that writes birth years only, imported after one that wrote the whole date (or
    the other way round), finds the same heads: the year alone agrees with the day."""
    full = files.write_xlsx(tmp_path / "a.xlsx", files.MEMBER_HEADINGS, _heads("12/04/1968"))
    apply_plan(commune, plan_of(commune, full))
    years = files.write_xlsx(tmp_path / "b.xlsx", files.MEMBER_HEADINGS, _heads("1968", "1969"))
    [duplicate] = plan_of(commune, years).duplicates  # 1969 is another man of the same name
    assert (duplicate.kind, duplicate.row, duplicate.in_database) == ("head", 5, True)
    assert duplicate.message == (
        "Chủ hộ Lò Văn Một (cùng năm sinh 1968, cùng thôn) đã có trong dữ liệu (hộ NHAP-00001)"
    )
    inside = _heads("1968", "03/02/1968", "04/02/1968")
    fresh = plan_of(commune, files.write_xlsx(tmp_path / "c.xlsx", files.MEMBER_HEADINGS, inside))
    in_file = [d for d in fresh.duplicates if not d.in_database]
    assert [(d.row, d.message) for d in in_file] == [
        (6, "Chủ hộ Lò Văn Một (cùng năm sinh 1968, cùng thôn) trùng với dòng 5"),
        (7, "Chủ hộ Lò Văn Một (cùng năm sinh 1968, cùng thôn) trùng với dòng 5"),
    ]


@pytest.mark.parametrize(
    "written", ["001170001234", " 001170001234 ", "001.170.001.234", "01170001234"]
)
def test_a_citizen_id_is_checked_alike_however_it_is_written(written):
    """A cell of 12 plain digits takes a shorter way than one to repair: the same ID, checked
    against the member's sex and birth year the same way, with the same warnings after the
    repair's (here its fourth digit, 1, says a woman born in the 1900s, not a man)."""
    clean = parsing.citizen_id("001170001234", "male", 1970)
    parsed = parsing.citizen_id(written, "male", 1970)
    assert clean.value == parsed.value == "001170001234"
    assert clean.warnings and all("CCCD 001170001234" in w for w in clean.warnings)
    assert parsed.warnings[-len(clean.warnings) :] == clean.warnings


def test_the_grid_read_keeps_every_row_as_long_as_it_was_written(tmp_path):
    """The text cells are converted a column at a time and the grid rebuilt from its columns:
    a CSV's short rows stay short, empty rows stay empty, and every cell ends up where it was
    (texts converted, stripped, empty ones None; numbers as written)."""
    path = tmp_path / "ds.csv"
    path.write_text(
        "STT,Họ và tên,Ghi chú\n1,  Lê Văn A  ,x\n\n2,Trần Thị B\n3\n4,C,y,z\n", encoding="utf-8"
    )
    assert read_sheet(path).rows == [
        ["STT", "Họ và tên", "Ghi chú"],
        ["1", "Lê Văn A", "x"],
        [],
        ["2", "Trần Thị B"],
        ["3"],
        ["4", "C", "y", "z"],
    ]
