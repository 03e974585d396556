"""Message boxes and file choosers in the user's language, for every area of the GUI."""

from __future__ import annotations

from pathlib import Path

from gnapp.i18n import tr
from gnapp.ui.common.qt import QFileDialog, QMessageBox, Qt, QWidget


def show_message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> None:
    """A message box with one "Đóng" button."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.addButton(tr("Đóng"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def _chosen_path(dialog: QFileDialog, file_name: str, file_type: str, accept: str) -> Path | None:
    """Label ``dialog`` in the user's language and run it; the chosen path, None when cancelled."""
    labels = {
        QFileDialog.DialogLabel.LookIn: tr("Thư mục:"),
        QFileDialog.DialogLabel.FileName: file_name,
        QFileDialog.DialogLabel.FileType: file_type,
        QFileDialog.DialogLabel.Accept: accept,
        QFileDialog.DialogLabel.Reject: tr("Hủy"),
    }
    for label, text in labels.items():
        dialog.setLabelText(label, text)
    if not dialog.exec():
        return None
    return Path(dialog.selectedFiles()[0])


def ask_path(
    parent: QWidget | None,
    title: str,
    start: Path,
    name_filter: str = "",
    mode: QFileDialog.FileMode = QFileDialog.FileMode.ExistingFile,
    accept: str | None = None,
) -> Path | None:
    """Ask for a file (or with ``mode=Directory`` a folder), labelled in the user's language
    (``accept``: the button, "Mở" by default); None when cancelled."""
    dialog = QFileDialog(parent, title, str(start), name_filter)
    dialog.setFileMode(mode)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    file_name = tr("Tên thư mục:" if name_filter == "" else "Tên tệp:")
    return _chosen_path(dialog, file_name, tr("Loại tệp:"), accept or tr("Mở"))


def choose_folder(
    parent: QWidget, title: str | None = None, start: Path | None = None
) -> Path | None:
    """Ask for a folder (by default the one the PDF and XLSX go to), with Vietnamese labels;
    None when cancelled."""
    title = title or tr("Chọn thư mục ghi báo cáo")
    dialog = QFileDialog(parent, title, str(start or Path.home()))
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    return _chosen_path(dialog, tr("Tên thư mục:"), tr("Loại:"), tr("Chọn"))
