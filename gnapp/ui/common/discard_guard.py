"""Esc, the window's close button and "Hủy" never throw away what the clerk typed without
asking: a dialog or wizard notes the value of each of its fields when it first shows them and,
when it is closed unsaved, asks if any of them has changed. A wizard's last page (the work is
done) has no "Hủy"."""

from __future__ import annotations

from typing import Any

from gnapp.i18n import tr
from gnapp.ui.common.messages import ask
from gnapp.ui.common.qt import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
    QWizard,
)


def field_value(widget: QWidget) -> Any:
    """What a field holds (None for a widget that holds nothing the clerk types)."""
    if isinstance(widget, QLineEdit):
        return widget.text() if not widget.isReadOnly() else None
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText() if not widget.isReadOnly() else None
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    if isinstance(widget, QDateEdit):
        return widget.date().toString()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    return None


def field_values(root: QWidget) -> dict[int, Any]:
    """The value of every field under ``root``, by widget."""
    found = {}
    for widget in root.findChildren(QWidget):
        value = field_value(widget)
        if value is not None and not isinstance(widget.parent(), QComboBox | QAbstractSpinBox):
            found[id(widget)] = value
    return found


def ask_discard(parent: QWidget) -> bool:
    """Whether the clerk agrees to throw away what was typed (Enter and Esc go back)."""
    buttons = (
        (tr("Bỏ những gì đã nhập"), QMessageBox.ButtonRole.DestructiveRole),
        (tr("Quay lại"), QMessageBox.ButtonRole.RejectRole),
    )
    text = tr("Những gì đã nhập chưa được lưu và sẽ mất. Vẫn đóng cửa sổ?")
    return ask(parent, tr("Đóng mà không lưu?"), text, buttons, default=1, escape=1) == 0


class AsksBeforeDiscarding:
    """Mix into a QDialog or QWizard (before it in the bases): closing it unsaved asks first
    when a field has changed since it was shown; a wizard's last page has no "Hủy"."""

    _first_values: dict[int, Any] | None = None

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)  # type: ignore[misc]
        self._note_new_fields()
        if isinstance(self, QWizard) and not getattr(self, "_guard_connected", False):
            self._guard_connected = True
            self.currentIdChanged.connect(self._page_shown)
            self._page_shown()

    def _note_new_fields(self) -> None:
        """Keep the first value of each field not seen yet (a page's as it is first shown)."""
        now = field_values(self)  # type: ignore[arg-type]
        self._first_values = now | (self._first_values or {})

    def _page_shown(self, *_: Any) -> None:
        assert isinstance(self, QWizard)
        self._note_new_fields()
        last = self.currentPage() is not None and self.currentPage().isFinalPage()
        self.setOption(QWizard.WizardOption.NoCancelButton, last)

    def typed_anything(self) -> bool:
        """Whether a field differs from what it held when it was first shown."""
        if self._first_values is None:
            return False
        now = field_values(self)  # type: ignore[arg-type]
        return any(now.get(key, value) != value for key, value in self._first_values.items())

    def reject(self) -> None:
        if self.typed_anything() and not ask_discard(self):  # type: ignore[arg-type]
            return
        super().reject()  # type: ignore[misc]
