"""The error report: rejected rows in an XLSX the clerk can fix and import again."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from gnapp.core.cell_text import cell_value, keep_text
from gnapp.importers.plan import ImportPlan

ERROR_HEADING = "Lỗi"
ROW_HEADING = "Dòng gốc"


def default_report_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}-loi.xlsx")


def write_error_report(plan: ImportPlan, path: str | Path) -> int:
    """Write the rejected rows (their original cells, then "Lỗi" and "Dòng gốc"); return how
    many. Headings are the lowest header level, so the report maps itself when re-imported."""
    rejected = plan.rejected_rows()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Lỗi nhập")
    width = len(plan.header.columns)
    headings = [column.parts[-1] if column.parts else "" for column in plan.header.columns]
    bold = Font(bold=True)
    header_cells = []
    for text in [*headings, ERROR_HEADING, ROW_HEADING]:
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=cell_value(text))
        cell.font = bold
        header_cells.append(keep_text(cell))
    sheet.append(header_cells)
    for row, reasons in rejected.items():
        values = list(plan.sheet.rows[row - 1][:width])
        values += [None] * (width - len(values))
        row_cells = [*values, "; ".join(reasons), row]
        sheet.append(
            [keep_text(openpyxl.cell.WriteOnlyCell(sheet, value=cell_value(v))) for v in row_cells]
        )
    workbook.save(Path(path))
    return len(rejected)
