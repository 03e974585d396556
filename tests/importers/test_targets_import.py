"""Targets read from the level above's spreadsheet, previewed, then written in one batch."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from gnapp.cli import main
from gnapp.importers.reading import ImportFileError
from gnapp.importers.targets import apply_targets, describe, read_targets
from gnapp.store import programme
from gnapp.store.batches import undo_batch

HEADINGS = ("STT", "Chỉ tiêu", "Đơn vị tính", "Chỉ tiêu giao năm 2025", "Ghi chú")
GOOD = [
    (1, "Tỷ lệ hộ nghèo cuối năm", "%", 6.05, None),
    (2, "SỐ HỘ NGHÈO GIẢM TRONG NĂM", "hộ", 20, None),
    (3, "Ty le ho can ngheo cuoi nam", "%", "5,71", None),
    (4, "Số hộ cận nghèo giảm trong năm", "Hộ", 50, None),
    (5, "Xây dựng nhà văn hóa thôn", "công trình", 2, "không thuộc danh mục"),
    (None, None, None, None, None),
    (6, "Người thuộc hộ nghèo, cận nghèo có thẻ BHYT", "%", 100, None),
]


def _write(path: Path, rows: list[tuple[Any, ...]], *, headings=HEADINGS, above=True) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Chỉ tiêu"
    if above:
        sheet.append(["UBND TỈNH QUẢNG NGÃI"])
        sheet.append(["CHỈ TIÊU GIẢM NGHÈO NĂM 2025"])
        sheet.append(["(Kèm theo Quyết định số 12/QĐ-UBND ngày 15/02/2025 của UBND tỉnh)"])
        sheet.append([])
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def test_good_file_is_read_with_its_decision(tmp_path):
    result = read_targets(_write(tmp_path / "chi-tieu.xlsx", GOOD))
    assert [(t.code, t.value, t.row) for t in result.targets] == [
        ("poverty_rate", 6.05, 6),
        ("poor_reduction", 20, 7),
        ("near_poverty_rate", 5.71, 8),
        ("near_poor_reduction", 50, 9),
        ("health_insurance_share", 100, 12),
    ]
    assert {(t.decision_number, t.decision_date) for t in result.targets} == {
        ("12/QĐ-UBND", "2025-02-15")
    }
    assert result.errors == ()
    (skipped,) = result.problems
    assert (skipped.row, skipped.column, skipped.error) == (10, "B", False)
    assert describe(result.targets[0]) == "Tỷ lệ hộ nghèo cuối năm: 6,05%"


def test_apply_writes_one_batch_that_can_be_undone(tmp_path, new_db):
    result = read_targets(_write(tmp_path / "chi-tieu.xlsx", GOOD))
    batch = apply_targets(new_db, result, 2025)
    written = {row["code"]: row["value"] for row in programme.targets(new_db.db, 2025)}
    assert written["near_poverty_rate"] == 5.71 and len(written) == 5
    undo_batch(new_db, batch)
    assert programme.targets(new_db.db, 2025) == []


def test_missing_header_is_refused(tmp_path):
    path = _write(tmp_path / "x.xlsx", GOOD, headings=("STT", "Tên", "ĐVT", "Số", "Ghi chú"))
    with pytest.raises(ImportFileError, match="Không tìm thấy dòng tiêu đề"):
        read_targets(path)


def test_bad_values_are_reported_with_sheet_row_and_column(tmp_path, new_db):
    rows = [
        (1, "Tỷ lệ hộ nghèo cuối năm", "%", 120, None),
        (2, "Số hộ nghèo giảm trong năm", "hộ", 2.5, None),
        (3, "Tỷ lệ hộ cận nghèo cuối năm", "%", "khoảng 5", None),
        (4, "Số hộ cận nghèo giảm trong năm", "người", 50, None),
        (5, "Hộ nghèo, cận nghèo có nhà tiêu hợp vệ sinh", "%", None, None),
        (6, "Hộ nghèo, cận nghèo được tiếp cận thông tin", "%", 80, None),
        (7, "Hộ nghèo, cận nghèo được tiếp cận thông tin", "%", 85, None),
    ]
    result = read_targets(_write(tmp_path / "x.xlsx", rows))
    assert [(p.row, p.column) for p in result.errors] == [
        (6, "D"),
        (7, "D"),
        (8, "D"),
        (9, "C"),
        (10, "D"),
        (12, "B"),
    ]
    assert str(result.errors[0]).startswith("Trang “Chỉ tiêu”, dòng 6, cột D: Tỷ lệ phải từ 0")
    assert [t.code for t in result.targets] == ["information_access_share"]
    with pytest.raises(ImportFileError, match="còn lỗi"):
        apply_targets(new_db, result, 2025)
    assert programme.targets(new_db.db, 2025) == []


def test_decision_columns_win_over_the_line_above(tmp_path):
    headings = ("Nội dung", "Kế hoạch", "Số quyết định", "Ngày quyết định")
    rows = [
        ("Tỷ lệ hộ nghèo cuối năm", 3.5, "7/QĐ-UBND", datetime(2025, 1, 20)),
        ("Số hộ nghèo giảm trong năm", 9, None, "03/02/2025"),
    ]
    result = read_targets(_write(tmp_path / "x.xlsx", rows, headings=headings, above=False))
    assert [(t.decision_number, t.decision_date) for t in result.targets] == [
        ("7/QĐ-UBND", "2025-01-20"),
        (None, "2025-02-03"),
    ]


def test_cli_dry_run_then_import(tmp_path, new_db, capsys):
    path = _write(tmp_path / "chi-tieu.xlsx", GOOD)
    new_db.close()
    database = str(tmp_path / "xa.gnapp")
    assert (
        main(["targets", "import", str(path), "--db", database, "--year", "2025", "--dry-run"]) == 0
    )
    out = capsys.readouterr()
    assert "Xem trước: 5 chỉ tiêu" in out.out and "Bỏ qua: Trang" in out.err
    assert main(["targets", "list", "--db", database, "--year", "2025"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["targets", "import", str(path), "--db", database, "--year", "2025"]) == 0
    assert "Đã ghi 5 chỉ tiêu năm 2025" in capsys.readouterr().out
    assert main(["targets", "list", "--db", database, "--year", "2025"]) == 0
    assert "poverty_rate\tTỷ lệ hộ nghèo cuối năm: 6,05%\t12/QĐ-UBND" in capsys.readouterr().out


def test_cli_set_and_errors(tmp_path, new_db, capsys):
    new_db.close()
    database = str(tmp_path / "xa.gnapp")
    command = ["targets", "set", "--db", database, "--year", "2025", "--code", "poverty_rate"]
    assert main([*command, "--value", "6,05", "--decision", "12/QĐ-UBND"]) == 0
    assert main([*command, "--value", "150"]) == 1
    assert "Tỷ lệ phải từ 0 đến 100%" in capsys.readouterr().err
    assert main([*command, "--value", "6.05"]) == 1
    with pytest.raises(SystemExit) as usage:  # no FILE: a usage error (docs/cli.md)
        main(["targets", "import", "--db", database, "--year", "2025"])
    assert usage.value.code == 2
    missing = str(tmp_path / "khong-co.xlsx")
    assert main(["targets", "import", missing, "--db", database, "--year", "2025"]) == 1
    assert "Không tìm thấy tệp" in capsys.readouterr().err
