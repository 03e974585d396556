"""The one module that imports PySide6: every other UI module takes Qt from here.

Keeping the binding in one place means a later switch of binding, or a check that
core code stays free of Qt, touches this file only. It re-exports the Qt modules
GNApp uses whole, so a new widget needs no edit here:
``from gnapp.ui.common.qt import QLabel, Qt, Signal``.
"""

from __future__ import annotations

from PySide6.QtCore import *  # noqa: F403
from PySide6.QtGui import *  # noqa: F403
from PySide6.QtPrintSupport import *  # noqa: F403
from PySide6.QtWidgets import *  # noqa: F403
