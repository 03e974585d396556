from gnapp.store.register import add_village
from gnapp.ui.import_wizard import open_import_wizard
from gnapp.ui.qt import QWizard
from tests.importers import files


def test_wizard_imports_a_file(qtbot, new_db, tmp_path):
    add_village(new_db, "T01", "Thôn Đông", "rural")
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    wizard = open_import_wizard(None, new_db)
    qtbot.addWidget(wizard)
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "Tiếp tục"
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load_sheets()
    assert wizard.file_page.sheet.currentText() == "Danh sách"
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.mapping_page.table.rowCount() == 9
    assert wizard.mapping_page.combos[3].currentData() == "member.full_name"
    wizard.next()
    page = wizard.preview_page
    assert wizard.currentPage() is page
    assert "bị loại: 2" in page.counts.text()
    page.filter.setCurrentIndex(1)
    assert page.problems.rowCount() == 2
    page.search.setText("không có thật")
    assert page.problems.rowCount() == 1 and page.problems.item(0, 2).text() == "E"
    assert page.new_villages.item(0, 0).text() == "Thôn Tây"
    wizard.next()  # starts the import in the background
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=20000)
    assert "Đã nhập 2 hộ, 5 nhân khẩu" in wizard.result_page.text.text()
    assert wizard.report is not None and wizard.report.exists()
    assert new_db.db["households"].count == 2
