"""The export dialog runs an export off the GUI thread and offers to open the folder."""

from openpyxl import load_workbook

from gnapp.ui.register.export_dialog import ALL_VILLAGES, ExportDialog, default_file_name


def test_default_file_name_is_vietnamese_and_safe():
    assert default_file_name("poor", 2025, None) == "Danh sách hộ nghèo 2025.xlsx"
    assert default_file_name("register", 2024, "Thôn A/B") == (
        "Sổ hộ gia đình và nhân khẩu 2024 - Thôn A-B.xlsx"
    )


def test_dialog_exports_the_chosen_list(qtbot, demo_db, tmp_path, monkeypatch):
    dialog = ExportDialog(None, demo_db, 2025)
    qtbot.addWidget(dialog)
    assert dialog.village.itemText(0) == ALL_VILLAGES
    dialog.kind.setCurrentIndex(dialog.kind.findData("near_poor"))
    dialog.village.setCurrentIndex(dialog.village.findText("Thôn Lạc Sơn"))
    assert dialog.file.text().endswith("Danh sách hộ cận nghèo 2025 - Thôn Lạc Sơn.xlsx")
    target = tmp_path / "ra" / "can-ngheo"
    target.parent.mkdir()
    dialog.file.setText(str(target))
    opened = []
    monkeypatch.setattr(dialog, "open_folder", opened.append)
    with qtbot.waitSignal(dialog.exported, timeout=20000) as blocker:
        dialog.start_export()
    result = blocker.args[0]
    assert result.path == target.with_suffix(".xlsx")
    sheet = load_workbook(result.path).worksheets[0]
    assert sheet["A4"].value == "DANH SÁCH HỘ CẬN NGHÈO NĂM 2025"
    assert sheet["A5"].value == "Thôn Lạc Sơn"
    box = dialog.result_box
    assert box is not None and "Đã ghi" in box.text()
    open_button = next(b for b in box.buttons() if b.text() == "Mở thư mục")
    open_button.click()
    assert opened == [result.path]
    assert dialog.export_button.isEnabled()
