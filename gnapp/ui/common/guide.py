"""A guide for the clerk (Markdown under resources/help/) in a window of its own."""

from __future__ import annotations

from gnapp.data import resource_file
from gnapp.i18n import tr
from gnapp.ui.common.qt import QDialog, QDialogButtonBox, QSize, QTextBrowser, QVBoxLayout, QWidget
from gnapp.ui.common.window_size import fit_window


class GuideDialog(QDialog):
    """Shows ``resources/help/<name>.md``; fits a 1366×768 screen, the text scrolls."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QTextBrowser(objectName="guide")
        self.text.setMarkdown(resource_file("help", f"{name}.md").read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Đóng"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        fit_window(self, QSize(880, 620))
