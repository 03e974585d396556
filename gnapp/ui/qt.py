"""The one module that imports PySide6: every other UI module takes Qt from here.

Keeping the binding in one place means a later switch of binding, or a check that
core code stays free of Qt, touches this file only.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QAbstractItemView",
    "QAbstractTableModel",
    "QAction",
    "QApplication",
    "QComboBox",
    "QFileDialog",
    "QFont",
    "QFrame",
    "QGridLayout",
    "QGroupBox",
    "QHBoxLayout",
    "QHeaderView",
    "QKeySequence",
    "QLabel",
    "QMainWindow",
    "QMessageBox",
    "QModelIndex",
    "QPersistentModelIndex",
    "QProgressDialog",
    "QSize",
    "QSplitter",
    "QTableView",
    "QVBoxLayout",
    "QWidget",
    "Qt",
]
