"""No formula injection: user text starting with =, +, -, @, a tab or a carriage return is written
by every XLSX writer as a plain string cell with the quote prefix, shown exactly as typed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from gnapp.cli import main
from gnapp.core.cell_text import FORMULA_PREFIXES, keep_text, starts_like_formula
from gnapp.importers.plan import ERROR, WARNING, build_plan, open_source
from gnapp.importers.report import write_error_report
from gnapp.reporting.lists import export_register
from gnapp.reporting.tables import Column, Group, Row, Table, Total
from gnapp.reporting.xlsx import Heading, new_workbook, save_workbook, write_table
from gnapp.review import workflow
from gnapp.review.tablet.plan import TabletPlan, TabletProblem
from gnapp.review.tablet.report import write_problem_report
from gnapp.review.xlsform import write_xlsform
from gnapp.store.register import add_village
from tests.importers import files

DANGEROUS = (
    '=HYPERLINK("http://vi-du.invalid","Xem")',
    "=cmd|' /C calc'!A0",
    "+84 912 345 678",
    "-Nguyễn Văn Trừ",
    "@SUM(A1:A9)",
    "\tĐinh Văn Tab",
    "\rLê Thị Về",
)
TYPABLE = DANGEROUS[:5]  # the form refuses, the importers trim, a leading tab or return


def _read_back(text: str) -> str:
    """What an XLSX reader gets for ``text``: XML turns a carriage return into a line feed."""
    return text.replace("\r", "\n")


def _cells(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_inert(path: Path, texts=DANGEROUS) -> None:
    """Each text is in the file, every time as a string cell with the quote prefix."""
    cells = _cells(path)
    for text in texts:
        found = [c for c in cells if c.value == _read_back(text)]
        assert found, f"{text!r} not written"
        assert all(c.data_type == "s" and c.quotePrefix for c in found), text
    assert not [c for c in cells if c.data_type == "f" and not c.value.startswith(("=SUM(",
                "=COUNTA(", "=IF("))]  # fmt: skip


def test_only_formula_like_text_is_marked():
    assert all(starts_like_formula(p + "x") for p in FORMULA_PREFIXES)
    assert not any(starts_like_formula(v) for v in ("Nguyễn", "a=b", -5, 3.5, None, ""))
    sheet = openpyxl.Workbook().active
    number, word = sheet.cell(1, 1, -5), sheet.cell(1, 2, "Nguyễn")
    keep_text(number), keep_text(word)
    assert (number.data_type, number.quotePrefix, word.quotePrefix) == ("n", False, False)


def test_official_tables_write_user_text_as_text(tmp_path):
    """write_table renders every official table (lists, register, reports, review tables and
    documents, consolidation): headings, headers, group labels and body cells."""
    columns = (
        Column("stt", "STT", "index", chars=5),
        Column("name", "Họ và tên", "text", chars=20, total=Total("count")),
        Column("members", "-Số nhân khẩu", chars=8, total=Total("sum")),
    )
    rows = [Row({"stt": i, "name": text, "members": -i}) for i, text in enumerate(DANGEROUS, 1)]
    table = Table(columns, [Group("=Thôn An Phú", rows)], total_label="+Tổng cộng", sheet="Thử")
    heading = Heading("@UBND", "=XÃ", "Danh sách", "-Sơn Minh", subtitles=("\tKèm theo",))
    workbook = new_workbook()
    write_table(workbook, table, heading)
    path = save_workbook(workbook, tmp_path / "bang.xlsx")
    _assert_inert(path, (*DANGEROUS, "=Thôn An Phú", "+Tổng cộng", "-Số nhân khẩu", "@UBND",
                         "=XÃ", "\tKèm theo"))  # fmt: skip
    cells = _cells(path)
    assert {c.value for c in cells if c.data_type == "n" and c.value and c.value < 0} == {
        -i for i in range(1, len(DANGEROUS) + 1)
    }
    assert {c.value.split("(")[0] for c in cells if c.data_type == "f"} == {"=SUM", "=COUNTA"}


@pytest.fixture
def db_path(small_demo_file, tmp_path):
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def test_household_added_from_the_command_line_exports_as_typed(db_path, tmp_path, capsys):
    members = [
        {"full_name": name, "sex": "male", "birth_date": "1980", "relation": relation}
        for name, relation in zip(TYPABLE, ["head", *["child"] * 4], strict=True)
    ]
    document = {"code": "HGD-09002", "village": "lac son", "members": members}
    file = tmp_path / "ho.json"
    file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert main(["household", "add", "--db", str(db_path), "--file", str(file)]) == 0, (
        capsys.readouterr()
    )
    register = tmp_path / "so.xlsx"
    assert main(["export", "register", "--db", str(db_path), "--out", str(register)]) == 0
    _assert_inert(register, TYPABLE)


def test_export_register_writes_names_as_text(db_path, tmp_path):
    """The library path of the same export, for the names the form stores."""
    from gnapp.store.database import open_database

    with open_database(db_path) as cdb:
        cdb.db.execute("UPDATE members SET full_name = ? WHERE id = 1", [DANGEROUS[0]])
        export_register(cdb.db, tmp_path / "so.xlsx", 2025)
    _assert_inert(tmp_path / "so.xlsx", DANGEROUS[:1])


def test_import_error_report_writes_the_rows_as_text(new_db, tmp_path):
    add_village(new_db, "T01", "Thôn Đông", "rural")
    rows = [
        (i, f"H{i:03}", "Thôn Đông", text, "31/02/1985", "Nam", None, "Chủ hộ", "Kinh")
        for i, text in enumerate(DANGEROUS, 1)
    ]
    source = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, rows)
    book = openpyxl.load_workbook(source)
    for cells in book.active.iter_rows():
        for cell in cells:
            keep_text(cell)  # the source itself must hold the names as text
    book.save(source)
    plan = build_plan(new_db.db, open_source(new_db.db, source))
    report = tmp_path / "loi.xlsx"
    assert write_error_report(plan, report) == len(DANGEROUS)
    _assert_inert(report, TYPABLE)  # the reader trims a leading tab or carriage return


def test_tablet_problem_report_writes_the_messages_as_text(tmp_path):
    problems = [
        TabletProblem(text, "=Trang", i, "-C", "@Trường", text, ERROR if i % 2 else WARNING)
        for i, text in enumerate(DANGEROUS, 1)
    ]
    plan = TabletPlan(1, None, "2022-2025", [], [], problems, [])
    report = tmp_path / "loi-phieu.xlsx"
    assert write_problem_report(plan, report) == len(DANGEROUS)
    _assert_inert(report, (*DANGEROUS, "=Trang", "-C", "@Trường"))


def test_the_xlsform_keeps_its_conditions_and_converts(demo_db, tmp_path):
    round_id = workflow.open_round(
        demo_db, 2026, standard_id="2022-2025", reference_date="2026-11-01",
        team=list(DANGEROUS[:2]),
    )  # fmt: skip
    written = write_xlsform(demo_db.db, round_id, tmp_path / "form")
    cells = _cells(written.form)
    assert not [c for c in cells if c.data_type == "f"]
    assert all(c.quotePrefix for c in cells if starts_like_formula(c.value))
    conditions = [c.value for c in cells if isinstance(c.value, str) and "${" in c.value]
    assert conditions and not any(starts_like_formula(v) for v in conditions)
    warnings: list[str] = []
    convert(xlsform=str(written.form), warnings=warnings)
    assert warnings == []


def test_every_workbook_writer_keeps_text():
    """Every module of gnapp that makes a workbook passes its cells through keep_text; the
    others (lists, register, reports, review tables and documents, consolidation) write only
    through write_table."""
    root = Path(__file__).resolve().parents[2] / "gnapp"
    makers = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in root.rglob("*.py")
        if "Workbook(" in path.read_text(encoding="utf-8")
    }
    assert set(makers) == {
        "reporting/xlsx.py", "importers/report.py", "review/tablet/report.py", "review/xlsform.py"
    }  # fmt: skip
    assert all("keep_text(" in text for text in makers.values())
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.relative_to(root).as_posix() not in makers and "import openpyxl" in text:
            assert "load_workbook" in text and ".value =" not in text, path  # readers only
