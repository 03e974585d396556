"""Choosing the interface language: a preference of this computer, for every user of it."""

from __future__ import annotations

from gnapp.i18n import LANGUAGES, current_language, tr
from gnapp.preferences import preferred_language, remember_language
from gnapp.ui.common.qt import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget


def language_combo(current: str | None = None) -> QComboBox:
    """Each language under its own name ("Tiếng Việt", "English"), ``current`` chosen."""
    combo = QComboBox(objectName="language")
    for code, name in LANGUAGES.items():
        combo.addItem(name, code)
    combo.setCurrentIndex(max(0, combo.findData(current or current_language())))
    return combo


class LanguageDialog(QDialog):
    """The language of this computer, chosen from the main window's menu; kept on OK and used
    from the next start (the open windows were built in the current one)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Ngôn ngữ / Language"))
        self.language = language_combo(preferred_language())
        note = QLabel(tr("(riêng máy tính này; áp dụng từ lần mở GNApp sau)"), wordWrap=True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(tr("Ngôn ngữ giao diện / Language:"), self.language)
        form.addRow(note)
        form.addRow(buttons)

    def accept(self) -> None:
        remember_language(self.language.currentData())
        super().accept()

    @property
    def chosen(self) -> str:
        return self.language.currentData()
