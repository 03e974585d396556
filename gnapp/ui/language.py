"""Choosing the interface language: a preference of this computer, for every user of it."""

from __future__ import annotations

from gnapp.i18n import LANGUAGES, current_language
from gnapp.ui.qt import QComboBox


def language_combo(current: str | None = None) -> QComboBox:
    """Each language under its own name ("Tiếng Việt", "English"), ``current`` chosen."""
    combo = QComboBox(objectName="language")
    for code, name in LANGUAGES.items():
        combo.addItem(name, code)
    combo.setCurrentIndex(max(0, combo.findData(current or current_language())))
    return combo
