"""An annex table of a report in a table widget, laid out as the PDF shows it."""

from __future__ import annotations

from gnapp.reporting.document import Cell
from gnapp.reporting.tables import Table
from gnapp.reporting.tables.pdf import data_table
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QFont,
    QHeaderView,
    Qt,
    QTableWidget,
    QTableWidgetItem,
)


def annex_table_widget(table: Table) -> QTableWidget:
    """An annex table as the PDF shows it: group rows and the total row in bold."""
    laid_out = data_table(table)
    rows = [*laid_out.rows, *([laid_out.totals] if laid_out.totals else [])]
    widget = QTableWidget(len(rows), len(table.columns))
    widget.setHorizontalHeaderLabels(
        [f"{c.group}\n{c.header}" if c.group else c.header for c in table.columns]
    )
    widget.verticalHeader().hide()
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setWordWrap(False)
    bold = QFont(widget.font())
    bold.setBold(True)
    numeric = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for row, cells in enumerate(rows):
        column = 0
        for cell in cells:
            text, span, strong = (
                (cell.text, cell.colspan, cell.bold) if isinstance(cell, Cell) else (cell, 1, False)
            )
            item = QTableWidgetItem(text)
            if strong or (laid_out.totals and row == len(rows) - 1):
                item.setFont(bold)
            if laid_out.align and laid_out.align[column] == "right":
                item.setTextAlignment(numeric)
            widget.setItem(row, column, item)
            if span > 1:
                widget.setSpan(row, column, 1, span)
            column += span
    widget.resizeColumnsToContents()
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return widget
