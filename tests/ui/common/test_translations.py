"""Qt's own dialogs speak Vietnamese once the catalogue is installed."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gnapp.data import resource_file
from gnapp.ui.common.qt import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QLocale,
    QMessageBox,
    QWizard,
)
from gnapp.ui.common.translations import install_vietnamese


@pytest.fixture
def vietnamese(qapp):
    translator = install_vietnamese(qapp)
    yield
    QApplication.removeTranslator(translator)
    QLocale.setDefault(QLocale.c())


def test_message_box_buttons(vietnamese, qtbot):
    box = QMessageBox(QMessageBox.Icon.Question, "Hỏi", "Lưu không?")
    box.setStandardButtons(
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel
        | QMessageBox.StandardButton.Save
    )
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Có", "Không", "Hủy", "Lưu"}


def test_dialog_button_box(vietnamese, qtbot):
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close
    )
    assert {b.text() for b in box.buttons()} == {"Đồng ý", "Đóng"}


def test_wizard_buttons(vietnamese, qtbot):
    wizard = QWizard()
    wizard.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
    qtbot.addWidget(wizard)
    texts = {
        wizard.buttonText(b).replace("&", "")
        for b in (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.CancelButton,
        )
    }
    assert texts == {"< Quay lại", "Tiếp tục >", "Hoàn tất", "Hủy"}


def test_line_edit_context_menu(vietnamese, qtbot):
    edit = QLineEdit("Nguyễn")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    labels = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]
    assert {"Hoàn tác", "Cắt", "Sao chép", "Dán", "Xóa", "Chọn tất cả"} <= set(labels)


def test_file_dialog_labels(vietnamese, qtbot, tmp_path):
    dialog = QFileDialog(None, "Mở", str(tmp_path), "Dữ liệu GNApp (*.gnapp)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    assert dialog.labelText(QFileDialog.DialogLabel.LookIn).replace("&", "") == "Tìm trong:"
    labels = {
        label: dialog.labelText(label).replace("&", "")
        for label in (
            QFileDialog.DialogLabel.FileType,
            QFileDialog.DialogLabel.FileName,
            QFileDialog.DialogLabel.Accept,
            QFileDialog.DialogLabel.Reject,
        )
    }
    assert list(labels.values()) == ["Loại tệp:", "Tên tệp:", "Mở", "Hủy"]


def test_vietnamese_locale_formats_numbers(vietnamese):
    assert QLocale().toString(1234567) == "1.234.567"


def test_compiled_catalogue_is_up_to_date(tmp_path):
    beside_python = Path(sys.executable).parent / "pyside6-lrelease"
    lrelease = shutil.which("pyside6-lrelease") or str(beside_python)
    source = resource_file("translations", "qtbase_vi.ts")
    out = tmp_path / "qtbase_vi.qm"
    subprocess.run([lrelease, str(source), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == resource_file("translations", "qtbase_vi.qm").read_bytes(), (
        "run: pyside6-lrelease resources/translations/qtbase_vi.ts "
        "-qm resources/translations/qtbase_vi.qm"
    )
