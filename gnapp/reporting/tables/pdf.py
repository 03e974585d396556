"""A ``Table`` laid out for a PDF document: the grid of cells (``DataTable``) that
``gnapp.reporting.pdf`` draws, with every figure written the Vietnamese way ("1.810", "2,88")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gnapp.core.vietnamese import format_decimal, format_number
from gnapp.reporting.document import Cell, DataTable
from gnapp.reporting.tables.model import Column, Group, Row, Table, summary

GridRow = tuple[str | Cell, ...]


def cell_text(column: Column, value: Any, decimals: int | None = None) -> str:
    """A table value as read in the PDF ("1.810", "2,88", "6,05"); ``decimals`` fixes them."""
    if value is None or value == "":
        return ""
    if decimals is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, decimals)
    if column.kind in ("count", "money"):
        return format_number(value)
    if column.kind == "rate":
        return format_number(value, 2)
    if column.kind == "value":
        return format_decimal(value) if isinstance(value, int | float) else str(value)
    return str(value)


def _total_text(column: Column, value: Any) -> str:
    total = column.totalled
    if value is None or total is None:
        return ""
    if total.kind == "rate":
        return format_number(value, 2)
    return format_number(value) + (f" {total.unit}" if total.unit else "")


def _headers(table: Table) -> list[GridRow]:
    """One header row, or two under the columns' groups, then the column numbers."""
    columns = table.columns
    grouped = any(c.group for c in columns)
    top: list[Cell] = []
    index = 0
    while index < len(columns):
        column = columns[index]
        if column.group is None:
            top.append(Cell(column.header, rowspan=2 if grouped else 1))
            index += 1
            continue
        end = index
        while end + 1 < len(columns) and columns[end + 1].group == column.group:
            end += 1
        top.append(Cell(column.group, colspan=end - index + 1))
        index = end + 1
    headers: list[GridRow] = [tuple(top)]
    if grouped:
        headers.append(tuple(c.header for c in columns if c.group))
    if table.numbered:
        headers.append(tuple(f"({n})" for n in range(1, len(columns) + 1)))
    return headers


def data_table(table: Table) -> DataTable:
    """The table as the PDF lays it out: the headers, the groups (a row with their totals, a
    heading across the table, or nothing, as ``table.pdf_groups`` says), the rows (``strong``
    ones in bold) and the total row."""
    columns = table.columns
    span = table.label_span

    def summary_row(label: str, items: Sequence[Group | Row]) -> GridRow:
        """The label, then each column's figure; the last figure, when it has a unit ("71
        hộ"), spans the columns after it, which have none."""
        values = summary(table, items)
        cells: list[str | Cell] = [Cell(label, colspan=span, bold=True)]
        for index in range(span, len(columns)):
            column = columns[index]
            total = column.totalled
            rest = len(columns) - index
            if total and total.unit and not any(c.totalled for c in columns[index + 1 :]):
                cells.append(Cell(_total_text(column, values.get(column.key)), colspan=rest))
                break
            cells.append(_total_text(column, values.get(column.key)))
        return tuple(cells)

    rows: list[GridRow] = []

    def add(items: Sequence[Group | Row]) -> None:
        for item in items:
            if isinstance(item, Group):
                if table.pdf_groups == "totals":
                    rows.append(summary_row(item.label, item.items))
                elif table.pdf_groups == "banner":
                    rows.append((Cell(item.label, colspan=len(columns), bold=True),))
                add(item.items)
            else:
                fixed = item.decimals or {}
                texts = [cell_text(c, item.values.get(c.key), fixed.get(c.key)) for c in columns]
                rows.append(
                    tuple(Cell(text, bold=True) for text in texts) if item.strong else tuple(texts)
                )

    add(table.body)
    size = 8 if len(columns) >= 14 else 10 if len(columns) >= 9 else 12
    return DataTable(
        column_widths=tuple(c.pdf_width for c in columns),
        header_rows=tuple(_headers(table)),
        rows=tuple(rows),
        totals=summary_row(table.total_label, table.body)
        if table.totals and table.pdf_totals
        else None,
        align=tuple(c.pdf_align for c in columns),  # type: ignore[misc]
        title=table.caption,
        unit=table.unit,
        font_size=table.font_size or size,
    )
