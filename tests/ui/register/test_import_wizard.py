from gnapp.store.register import add_village
from gnapp.ui.common.qt import QWizard
from gnapp.ui.register.import_wizard import open_import_wizard
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


def test_reading_and_checking_run_off_the_gui_thread(qtbot, new_db, tmp_path, monkeypatch):
    import threading

    from gnapp.ui.register import import_wizard

    threads = []
    real_open, real_plan = import_wizard.open_source, import_wizard.build_plan

    def open_source(*args, **kwargs):
        threads.append(threading.get_ident())
        return real_open(*args, **kwargs)

    def build_plan(*args, **kwargs):
        threads.append(threading.get_ident())
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(import_wizard, "open_source", open_source)
    monkeypatch.setattr(import_wizard, "build_plan", build_plan)
    add_village(new_db, "T01", "Thôn Đông", "rural")
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    wizard = open_import_wizard(None, new_db)
    qtbot.addWidget(wizard)
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load_sheets()
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    assert len(threads) == 2
    assert threading.get_ident() not in threads


def test_cancelling_the_check_stays_on_the_mapping_page(qtbot, new_db, tmp_path, monkeypatch):
    from gnapp.progress import Cancelled
    from gnapp.ui.register import import_wizard

    def build_plan(*args, **kwargs):
        raise Cancelled

    monkeypatch.setattr(import_wizard, "build_plan", build_plan)
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    wizard = open_import_wizard(None, new_db)
    qtbot.addWidget(wizard)
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load_sheets()
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert new_db.db["households"].count == 0


def _imported(new_db, tmp_path):
    from gnapp.importers.apply import apply_plan
    from gnapp.importers.plan import build_plan, open_source

    add_village(new_db, "T01", "Thôn Đông", "rural")
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    return apply_plan(new_db, build_plan(new_db.db, open_source(new_db.db, path)))


def test_undoing_an_import_asks_first_then_runs_in_the_background(
    qtbot, new_db, tmp_path, monkeypatch
):
    import threading

    from gnapp.ui.common.qt import QMessageBox
    from gnapp.ui.register import import_wizard

    result = _imported(new_db, tmp_path)
    asked, threads = [], []
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(
        QMessageBox, "question", lambda parent, title, text: asked.append(text) or next(answers)
    )
    real_undo = import_wizard.undo_import

    def undo_import(*args):
        threads.append(threading.get_ident())
        return real_undo(*args)

    monkeypatch.setattr(import_wizard, "undo_import", undo_import)
    wizard = open_import_wizard(None, new_db)
    qtbot.addWidget(wizard)
    page = wizard.file_page
    page.refresh_batches()
    page.batches.selectRow(0)
    page.undo_selected()  # answered No
    assert "2 hộ và 5 nhân khẩu" in asked[0] and "ds.xlsx" in asked[0]
    assert new_db.db["households"].count == 2 and threads == []
    page.undo_selected()  # answered Yes
    assert new_db.db["households"].count == 0
    assert threads and threads[0] != threading.get_ident()
    assert page.batches.item(0, 4).text().startswith("Đã hoàn tác")
    assert result.batch_id == int(page.batches.item(0, 0).text())


def test_the_mapping_page_says_why_and_saves_the_mapping(qtbot, new_db, tmp_path, monkeypatch):
    from gnapp.importers.mappings import read_mapping_file
    from gnapp.ui.register import import_wizard

    headings = ["STT", "Thôn/Tổ", "Họ và tên", "Nơi sống", "Năm sinh", "Giới tính", "Quan hệ"]
    path = files.write_xlsx(tmp_path / "ds.xlsx", headings, [])
    wizard = open_import_wizard(None, new_db)
    qtbot.addWidget(wizard)
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load_sheets()
    wizard.next()
    page = wizard.mapping_page
    assert page.combos[1].currentData() == "household.village"
    assert page.table.item(3, 3).text() == "không nhận ra tiêu đề"
    page.combos[3].setCurrentIndex(page.combos[3].findData("household.address"))
    saved = tmp_path / "ghep"
    monkeypatch.setattr(
        import_wizard.QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), "")
    )
    page.save_mapping()
    mapping = read_mapping_file(tmp_path / "ghep.json", wizard.source.header)
    assert mapping == page.mapping() and mapping[3] == "household.address"
    page.combos[3].setCurrentIndex(0)
    monkeypatch.setattr(
        import_wizard.QFileDialog,
        "getOpenFileName",
        lambda *a, **k: (str(tmp_path / "ghep.json"), ""),
    )
    page.load_mapping()
    assert page.mapping() == mapping
