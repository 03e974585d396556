"""A progress report's tables in one workbook, one sheet per table, through the shared
official-table writer (gnapp/reporting/xlsx.py).

The sheets hold the same tables as the PDF annexes. Group and total rows are formulas: sums
for counts and money, and for rates ``=IF(whole=0,0,ROUND(part/whole*100,2))`` over the same
row's sums, so a corrected cell updates every total and rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gnapp.i18n import tr
from gnapp.progress import Progress
from gnapp.reporting.document import Annex, OfficialDocument
from gnapp.reporting.tables import Table
from gnapp.reporting.xlsx import Heading, Layout, new_workbook, save_workbook, write_table

SHEET_NAMES = {
    "lists_by_village": "Theo thôn",
    "poor_movements": "Biến động hộ nghèo",
    "near_poor_movements": "Biến động hộ cận nghèo",
    "groups": "Nhóm đối tượng",
    "targets": "Chỉ tiêu",
    "budget": "Kinh phí",
    "capital": "Loại vốn",
    "outputs": "Kết quả dự án",
    "policies": "Chính sách chung",
    "plan_targets": "Chỉ tiêu kế hoạch",
    "plan_activities": "Hoạt động dự kiến",
    "plan_budget": "Kế hoạch kinh phí",
    "award_proposals": "Khen thưởng",
    # the receiving office's consolidation
    "communes": "Các xã gửi báo cáo",
    "lists_by_commune": "Theo xã",
}


def annex_heading(document: OfficialDocument, table: Table, *lines: str) -> Heading:
    """A sheet's heading for a table annexed to ``document``: its header blocks, the table's
    title, the note tying it to the document and ``lines``, and the document's signer."""
    signature = document.signatures[0] if document.signatures else None
    signer = (*signature.marks, signature.title) if signature else ("TM. ỦY BAN NHÂN DÂN",)
    return Heading(
        parent_body=document.parent_body,
        office=document.issuing_office,
        title=table.title,
        place=document.place,
        subtitles=(document.annex_note(Annex("", table.title, ())), *lines),
        signer=signer,
        date=document.date,
    )


def write_report_xlsx(
    document: OfficialDocument,
    tables: Sequence[Table],
    path: str | Path,
    progress: Progress | None = None,
) -> dict[str, Layout]:
    """Write the tables as one workbook headed like ``document``; each sheet's layout by
    table id."""
    workbook = new_workbook()
    layouts: dict[str, Layout] = {}
    for done, table in enumerate(tables):
        if progress is not None:
            progress(done, len(tables), tr("Đang ghi bảng “{title}”…", title=table.title))
        sheet = replace(
            table,
            sheet=SHEET_NAMES.get(table.id, table.id),
            landscape=len(table.columns) >= 6,
        )
        heading = annex_heading(document, table, *((table.unit,) if table.unit else ()))
        layouts[table.id] = write_table(workbook, sheet, heading)
    save_workbook(workbook, path)
    if progress is not None:
        progress(len(tables), len(tables), tr("Đã ghi tệp Excel"))
    return layouts
