"""A progress report's tables in one workbook, one sheet per table, through the shared
official-table writer (gnapp/reporting/xlsx.py).

The sheets hold the same ``AnnexTable`` data as the PDF annexes. Group and total rows are
formulas: sums for counts and money, and for rates ``=IF(whole=0,0,ROUND(part/whole*100,2))``
over the same row's sums, so a corrected cell updates every total and rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gnapp.progress import Progress
from gnapp.reporting.builder import SUMMED, AnnexTable, TableColumn, TableGroup, TableRow
from gnapp.reporting.document import Annex, OfficialDocument
from gnapp.reporting.xlsx import (
    Column,
    Group,
    Heading,
    Layout,
    Row,
    Table,
    Total,
    new_workbook,
    save_workbook,
    write_table,
)

SHEET_NAMES = {
    "lists_by_village": "Theo thôn",
    "poor_movements": "Biến động hộ nghèo",
    "near_poor_movements": "Biến động hộ cận nghèo",
    "groups": "Nhóm đối tượng",
    "targets": "Chỉ tiêu",
    "budget": "Kinh phí",
    "award_proposals": "Khen thưởng",
    # the receiving office's consolidation
    "communes": "Các xã gửi báo cáo",
    "lists_by_commune": "Theo xã",
}
_STYLES = {
    "label": "text",
    "text": "text",
    "index": "center",
    "count": "number",
    "money": "number",
    "rate": "rate",
    "value": "value",
}
_WIDTHS = {"label": 26, "text": 18, "index": 6, "money": 16}


def _total(column: TableColumn) -> Total | None:
    if column.kind in SUMMED:
        return Total("sum")
    if column.kind == "rate" and column.rate_of:
        return Total("rate", rate_of=column.rate_of)
    return None


def _columns(table: AnnexTable) -> tuple[Column, ...]:
    return tuple(
        Column(
            key=c.key,
            header=c.header,
            width=_WIDTHS.get(c.kind, 10),
            group=c.group,
            style=_STYLES[c.kind],
            total=_total(c),
        )
        for c in table.columns
    )


def _body(items: Sequence[TableGroup | TableRow]) -> list[Group | Row]:
    return [
        Group(item.label, _body(item.items))
        if isinstance(item, TableGroup)
        else Row(dict(item.values))
        for item in items
    ]


def write_report_xlsx(
    document: OfficialDocument,
    tables: Sequence[AnnexTable],
    path: str | Path,
    progress: Progress | None = None,
) -> dict[str, Layout]:
    """Write the tables as one workbook headed like ``document``; each sheet's layout by
    table id."""
    workbook = new_workbook()
    signature = document.signatures[0] if document.signatures else None
    signer = (*signature.marks, signature.title) if signature else ("TM. ỦY BAN NHÂN DÂN",)
    layouts: dict[str, Layout] = {}
    for done, table in enumerate(tables):
        if progress is not None:
            progress(done, len(tables), f"Đang ghi bảng “{table.title}”…")
        note = document.annex_note(Annex("", table.title, ()))
        heading = Heading(
            parent_body=document.parent_body,
            office=document.issuing_office,
            title=table.title,
            place=document.place,
            subtitles=(note, table.unit) if table.unit else (note,),
        )
        sheet_table = Table(
            heading=heading,
            columns=_columns(table),
            body=_body(table.body),
            sheet_title=SHEET_NAMES.get(table.id, table.id),
            total_label=table.total_label,
            totals=table.totals,
            landscape=len(table.columns) >= 6,
            signer=signer,
        )
        layouts[table.id] = write_table(workbook, sheet_table)
    save_workbook(workbook, path)
    if progress is not None:
        progress(len(tables), len(tables), "Đã ghi tệp Excel")
    return layouts
