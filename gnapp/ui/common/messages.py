"""Message boxes and file choosers in the user's language, for every area of the GUI."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gnapp.i18n import tr
from gnapp.ui.common.qt import QFileDialog, QMessageBox, Qt, QWidget


def show_message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> None:
    """A message box with one "Đóng" button."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.addButton(tr("Đóng"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: Sequence[tuple[str, QMessageBox.ButtonRole]],
    *,
    default: int | None = None,
    escape: int | None = None,
) -> int | None:
    """A question with its own buttons (text, role) in the user's language (Qt ships no
    Vietnamese ones); the index of the button clicked, None when the box closed otherwise.
    ``default`` and ``escape`` are the indexes of the Enter and Esc buttons."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)  # fmt: skip
    added = [box.addButton(label, role) for label, role in buttons]
    if default is not None:
        box.setDefaultButton(added[default])
    if escape is not None:
        box.setEscapeButton(added[escape])
    box.exec()
    clicked = box.clickedButton()
    return next((number for number, button in enumerate(added) if button is clicked), None)


def ask_yes_no(parent: QWidget | None, title: str, text: str, yes: str | None = None) -> bool:
    """Whether the user agrees (``yes``: the button that agrees, "Đồng ý" by default; "Hủy"
    does not)."""
    buttons = (
        (yes or tr("Đồng ý"), QMessageBox.ButtonRole.AcceptRole),
        (tr("Hủy"), QMessageBox.ButtonRole.RejectRole),
    )
    return ask(parent, title, text, buttons) == 0


def ask_unsaved(parent: QWidget | None, title: str, text: str, save: str) -> str:
    """ "save", "discard" or "back": what to do with changes not saved yet (``save`` names the
    button that saves; Enter saves, Esc goes back)."""
    buttons = (
        (save, QMessageBox.ButtonRole.AcceptRole),
        (tr("Không lưu"), QMessageBox.ButtonRole.DestructiveRole),
        (tr("Quay lại"), QMessageBox.ButtonRole.RejectRole),
    )
    answer = ask(parent, title, text, buttons, default=0, escape=2)
    return ("save", "discard", "back")[2 if answer is None else answer]


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
