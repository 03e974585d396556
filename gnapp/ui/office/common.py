"""What the office's areas share: the colours of sent, corrected and missing reports, the
fingerprint in large type, read-only tables, dates, report names, asking for a folder."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.vietnamese import format_date, local_time
from gnapp.reporting.figures import FiguresError, report_kind
from gnapp.ui.main_window import ask_path
from gnapp.ui.qt import (
    QAbstractItemView,
    QColor,
    QDesktopServices,
    QFileDialog,
    QFont,
    QLabel,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QUrl,
    QWidget,
)

SENT_COLOUR = QColor("#dff0d8")
CORRECTED_COLOUR = QColor("#fcf0cf")
MISSING_COLOUR = QColor("#f6dcdc")


def fingerprint_label() -> QLabel:
    """A key's fingerprint in large monospace type, selectable, to read out by phone."""
    label = QLabel(objectName="fingerprint")
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(13)
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def read_only_table(headers: list[str]) -> QTableWidget:
    """A read-only table with whole rows selected."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setHighlightSections(False)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))


def day(stamp: str) -> str:
    """The local day of a stored UTC time, as dd/mm/yyyy."""
    return format_date(local_time(stamp).date())


def report_name(kind: str) -> str:
    """A report kind's name ("Báo cáo năm"), or the kind itself when unknown."""
    try:
        return report_kind(kind).name
    except FiguresError:
        return kind


def open_file(path: Path) -> None:
    """Open a file or folder with the system's program for it."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_folder(
    parent: QWidget | None, title: str, accept: str, start: Path | None = None
) -> Path | None:
    """Ask for a folder (from the home folder unless ``start``), the accept button labelled
    ``accept``; None when cancelled."""
    return ask_path(
        parent, title, start or Path.home(), mode=QFileDialog.FileMode.Directory, accept=accept
    )
