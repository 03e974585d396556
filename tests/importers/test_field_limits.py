"""A cell too long for its field, or holding a control character, refuses its row (and so its
household) with the sheet, row and column, as the household form refuses it."""

from __future__ import annotations

from datetime import date

import pytest

from gnapp.importers.plan import ERROR, build_plan, open_source
from tests.importers import files


@pytest.mark.parametrize(
    ("row", "column", "value", "expected"),
    [
        (1, 3, "Trần Thị\x00Hoa", "Có ký tự điều khiển không in được (mã U+0000) ở vị trí 9"),
        (1, 3, "Trần Thị Hoa" * 11, "Dài 132 ký tự, quá giới hạn 120 ký tự"),
        (0, 1, "H" * 41, "Dài 41 ký tự, quá giới hạn 40 ký tự"),
        (3, 8, "Tày\x1b[31m", "(mã U+001B)"),
    ],
)
def test_a_bad_cell_refuses_its_row_with_its_place(commune, tmp_path, row, column, value, expected):
    members = [list(member) for member in files.MEMBERS]
    members[row][column] = value
    path = files.write_csv(tmp_path / "ds.csv", files.MEMBER_HEADINGS, members, "utf-8", ",")
    plan = build_plan(commune.db, open_source(commune.db, path), today=date(2025, 6, 1))
    excel = row + 3  # a title row and the header above the members
    (problem,) = [p for p in plan.problems if expected in p.message]
    assert (problem.sheet, problem.row, problem.column, problem.severity) == (
        "ds",
        excel,
        "ABCDEFGHI"[column],
        ERROR,
    )
    assert problem.location == f"Trang “ds”, dòng {excel}, cột {'ABCDEFGHI'[column]}"
    assert excel in plan.rejected_rows()
    refused = next(h for h in plan.households if excel in h.rows)
    assert refused.rejected and refused not in plan.to_import()
