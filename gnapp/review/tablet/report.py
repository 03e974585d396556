"""The problems of a tablet import written to a spreadsheet for the reviewers, in the user's
language like the problems themselves (a working file, not a document)."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.cell_text import cell_value, keep_text
from gnapp.i18n import tr, tr_noop
from gnapp.importers.plan import ERROR, WARNING
from gnapp.review.tablet.plan import TabletPlan

REPORT_HEADINGS = (tr_noop("Tệp"), tr_noop("Trang"), tr_noop("Dòng"), tr_noop("Cột"),
                   tr_noop("Trường"), tr_noop("Mức"), tr_noop("Nội dung"))  # fmt: skip
SEVERITY_LABELS = {ERROR: tr_noop("Lỗi"), WARNING: tr_noop("Cảnh báo")}


def write_problem_report(plan: TabletPlan, path: str | Path) -> int:
    """Write every problem (file, sheet, row, column, field, level, message) to an XLSX sheet;
    return how many."""
    import openpyxl
    from openpyxl.styles import Font

    problems = plan.all_problems()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = tr("Lỗi nhập phiếu")
    sheet.append([tr(heading) for heading in REPORT_HEADINGS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for problem in problems:
        sheet.append(
            [cell_value(v) for v in (problem.file, problem.sheet, problem.row, problem.column,
             problem.field, tr(SEVERITY_LABELS[problem.severity]), problem.message)]
        )  # fmt: skip
    for cells in sheet.iter_rows():
        for cell in cells:
            keep_text(cell)
    for letter, width in zip("ABCDEFG", (22, 18, 7, 28, 28, 10, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(Path(path))
    return len(problems)
