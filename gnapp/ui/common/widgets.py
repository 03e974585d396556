"""Small widgets the screens share: the red message under a form, a wrapped label, a list
table filled and its selected row, the busy cursor, a wizard page that checks its fields."""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from contextlib import contextmanager

import sqlite_utils

from gnapp.i18n import tr
from gnapp.store.register import villages
from gnapp.ui.common.qt import (
    QAbstractItemModel,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSize,
    Qt,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)
from gnapp.ui.common.window_size import fit_window


def error_label() -> QLabel:
    """A hidden red message for a form's problems (``show_error`` fills and shows it)."""
    label = QLabel(objectName="error")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    """Show ``text`` in an error label, or hide the label when it is empty."""
    label.setText(text)
    label.setVisible(bool(text))


def wrapped(text: str, name: str = "") -> QLabel:
    label = QLabel(text, objectName=name)
    label.setWordWrap(True)
    return label


@contextmanager
def busy() -> Iterator[None]:
    """The wait cursor during a short blocking step (a key derived from a passphrase: about a
    second on an old office PC), so a click seems taken rather than lost. Nothing without a
    GUI application (a model used on its own)."""
    if not isinstance(QApplication.instance(), QApplication):
        yield
        return
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


# Columns are sized from their header and this many rows, never from every row of a long list
# (that reads every row, again at each change): the user widens a column that needs more.
FITTED_ROWS = 40
# The cells' padding in the main window's style sheet (2 × 4 px), which a view not yet in the
# window does not count when it measures its rows.
CELL_PADDING = 8


def fit_columns(view: QTableView) -> None:
    """Size the resizable columns of ``view`` to their header and first FITTED_ROWS rows, once
    (call it when the rows change); the user widens what needs more."""
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(FITTED_ROWS)
    for column in range(header.count()):
        if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Interactive:
            width = max(
                view.sizeHintForColumn(column) + CELL_PADDING, header.sectionSizeHint(column)
            )
            header.resizeSection(column, width)


def records_dialog(dialog: QDialog, table: QTableView, count: str, size: QSize) -> None:
    """Lay ``dialog`` out as a list of records: ``count`` (how many) above ``table`` (its columns
    sized from the header and first rows, the last stretched), a Close button below; fitted to
    the screen from ``size``."""
    fit_columns(table)
    table.horizontalHeader().setStretchLastSection(True)
    close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    close.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel(count))
    layout.addWidget(table, 1)
    layout.addWidget(close)
    fit_window(dialog, size)


def list_table(headers: list[str], name: str = "") -> QTableWidget:
    """A read-only list, one row selected at a time, columns fitted to their contents (from the
    header and the first FITTED_ROWS rows) and the last one taking the spare width."""
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(FITTED_ROWS)
    header.setStretchLastSection(True)
    return table


def table_view(model: QAbstractItemModel) -> QTableView:
    """A read-only view of ``model``: whole rows, one selected at a time, striped, without row
    numbers (the caller sizes the columns)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    return view


def add_list(layout: QVBoxLayout, table: QTableWidget, empty: QLabel) -> None:
    """Put a list table and the note shown in its place when it has no rows (``fill_list``):
    whichever shows takes the room below, so the rest of the area does not spread out."""
    empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    layout.addWidget(table, 1)
    layout.addWidget(empty, 1)


def fill_list(
    table: QTableWidget,
    empty: QWidget,
    rows: Sequence[Sequence[str]],
    *,
    centred: Container[int] = (),
    select: int | None = None,
) -> None:
    """Fill a list table with its rows of texts (the columns ``centred`` centred), select the
    row ``select`` (else the first), and show the table, or the ``empty`` note when there are
    no rows."""
    table.setRowCount(len(rows))
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column in centred:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.setItem(row, column, item)
    if rows:
        table.selectRow(select if select is not None else 0)
    table.setVisible(bool(rows))
    empty.setVisible(not rows)


def selected_row(view: QAbstractItemView) -> int | None:
    """The row selected in a table of whole-row selection, None when there is none."""
    model = view.selectionModel()
    rows = model.selectedRows() if model is not None else []
    return rows[0].row() if rows else None


def fill_village_filter(box: QComboBox, db: sqlite_utils.Database) -> None:
    """A village filter's choices: every village, then the register's villages; the one chosen
    stays chosen (no signal while it fills)."""
    chosen = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(tr("Tất cả các thôn"), None)
    for village in villages(db):
        box.addItem(village["name"], village["id"])
    box.setCurrentIndex(max(box.findData(chosen), 0))
    box.blockSignals(False)


class CheckedPage(QWizardPage):
    """A page that lists what is wrong under its fields and holds the wizard until it is right."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.error = error_label()

    def problems(self) -> list[str]:
        return []

    def validatePage(self) -> bool:
        found = self.problems()
        self.error.setText("\n".join(found))
        self.error.setVisible(bool(found))
        return not found
