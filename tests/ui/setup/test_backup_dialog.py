"""Backups in the GUI: the dialog, the automatic backups, the recovery at start."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gnapp.preferences import backup_root
from gnapp.store.backup_encryption import is_encrypted
from gnapp.store.backups import check_integrity, list_backups, make_backup
from gnapp.store.database import open_database
from gnapp.store.errors import DatabaseError
from gnapp.store.register import get_commune, save_commune, set_setting
from gnapp.ui import app as ui_app
from gnapp.ui.app import build_main_window, run_gui
from gnapp.ui.common import qt
from gnapp.ui.setup import backup_dialog
from gnapp.ui.setup.backup_dialog import BackupDialog, BackupPassphraseDialog, RecoveryDialog

PASSPHRASE = "mật khẩu sao lưu 2026"


def corrupt(path: Path) -> None:
    """Overwrite 8 KiB in the middle of the file."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(data))


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def households_now(cdb) -> int:
    """The households still in the commune (the demo's events took some away)."""
    sql = "SELECT count(*) FROM households WHERE present_until IS NULL"
    return cdb.db.execute(sql).fetchone()[0]


def households_now_in(path: Path) -> int:
    with open_database(path) as cdb:
        return households_now(cdb)


@pytest.fixture
def db_file(small_demo_file, tmp_path) -> Path:
    """A closed copy of the small demo commune, no longer marked as a demo."""
    path = tmp_path / "xa-son-minh.gnapp"
    shutil.copy(small_demo_file, path)
    with open_database(path) as cdb:
        set_setting(cdb, "demo", False)
    return path


@pytest.fixture
def window(qtbot, db_file):
    window = build_main_window(open_database(db_file))
    qtbot.addWidget(window)
    yield window
    window.cdb.close()


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes shown (nothing blocks); a box with a "Phục hồi" button gets it clicked
    unless ``boxes.answer`` is set to something else."""

    class Shown(list):
        answer = "Phục hồi"

    shown = Shown()

    def record(box):
        shown.append({"title": box.windowTitle(), "text": box.text()})
        for button in box.buttons():
            if button.text() == shown.answer:
                button.click()
        return 0

    monkeypatch.setattr(qt.QMessageBox, "exec", record)
    return shown


def commune_name(window) -> str:
    return get_commune(window.cdb.db)["name"]


# --- the dialog -------------------------------------------------------------------------------


def test_the_file_menu_opens_the_backup_dialog(window, monkeypatch):
    opened = []
    monkeypatch.setattr(BackupDialog, "open", lambda dialog: opened.append(dialog))
    file_menu = window.menuBar().actions()[0].menu()
    assert window.backup_action in file_menu.actions()
    assert window.backup_action.text() == "&Sao lưu / Phục hồi…"
    window.backup_action.trigger()
    assert opened and opened[0].windowTitle() == "Sao lưu / Phục hồi dữ liệu"


def test_backing_up_now_lists_the_backup_with_what_it_holds(qtbot, window, boxes):
    dialog = BackupDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.empty_note.text() == "Chưa có bản sao lưu nào trong thư mục này."
    assert not dialog.restore_button.isEnabled()
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    row = [dialog.model.index(0, column).data() for column in range(7)]
    assert row[1:4] == ["Sao lưu theo yêu cầu", "Xã Sơn Minh", str(households_now(window.cdb))]
    assert row[5] == "Rà soát định kỳ năm 2025"
    assert boxes[-1]["title"] == "Đã sao lưu"
    assert str(window.backup_folder) in boxes[-1]["text"]
    assert "7 ngày gần nhất và 12 tháng gần nhất" in dialog.folder_label.text()
    assert dialog.restore_button.isEnabled()


def test_the_check_shows_a_broken_change_log_naming_the_row(qtbot, window, boxes):
    dialog = BackupDialog(window)
    qtbot.addWidget(dialog)
    dialog.check_button.click()
    qtbot.waitUntil(lambda: bool(boxes))
    assert boxes[-1]["title"] == "Kiểm tra dữ liệu"
    assert "Nhật ký thay đổi: nguyên vẹn" in boxes[-1]["text"] and "ĐẠT" in boxes[-1]["text"]
    window.cdb.db.execute("UPDATE change_log SET actor = 'ai đó' WHERE id = 7")
    dialog.check_button.click()
    qtbot.waitUntil(lambda: len(boxes) == 2)
    assert "từ dòng nhật ký số 7 (lúc" in boxes[-1]["text"]
    assert "bởi ai đó" in boxes[-1]["text"] and "KHÔNG ĐẠT" in boxes[-1]["text"]


def test_a_second_backup_waits_for_the_first(qtbot, window, boxes):
    dialog = BackupDialog(window)
    qtbot.addWidget(dialog)
    dialog.make_button.click()
    dialog.make_button.click()  # before the first one has ended
    assert boxes[0]["title"] == "Đang sao lưu"
    qtbot.waitUntil(lambda: dialog.job is None)
    assert len(list_backups(window.backup_folder)) == 1


def test_backing_up_to_a_usb_drive(qtbot, window, boxes, monkeypatch, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    asked = []

    def ask(parent, title, start, name_filter="", mode=None, accept="Mở"):
        asked.append((title, mode, accept))
        return usb

    monkeypatch.setattr(backup_dialog, "ask_path", ask)
    monkeypatch.setattr(backup_dialog, "ask_backup_passphrase", lambda parent, new: PASSPHRASE)
    dialog = BackupDialog(window)
    qtbot.addWidget(dialog)
    dialog.usb_button.click()
    qtbot.waitUntil(lambda: len(list_backups(usb)) == 1)
    qtbot.waitUntil(lambda: bool(boxes))
    assert asked == [("Chọn ổ USB hoặc thư mục để sao lưu", qt.QFileDialog.FileMode.Directory,
                      "Sao lưu vào đây")]  # fmt: skip
    assert "Tháo thiết bị an toàn" in boxes[-1]["text"] and "được mã hóa" in boxes[-1]["text"]
    assert is_encrypted(list_backups(usb)[0].path)
    assert list_backups(window.backup_folder) == []


def test_the_passphrase_of_a_new_backup_is_checked(qtbot):
    dialog = BackupPassphraseDialog(None, new=True)
    qtbot.addWidget(dialog)
    dialog.first.setText("ngắn")
    dialog.accept()
    assert "ít nhất 10 ký tự" in dialog.problem.text() and dialog.result() == 0
    dialog.first.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE + "!")
    dialog.accept()
    assert "không giống nhau" in dialog.problem.text()
    dialog.repeat.setText(PASSPHRASE)
    dialog.accept()
    assert dialog.result() == qt.QDialog.DialogCode.Accepted


def test_an_encrypted_backup_is_restored_after_its_passphrase(
    qtbot, window, boxes, monkeypatch, tmp_path
):
    sealed = make_backup(window.cdb, tmp_path / "usb", passphrase=PASSPHRASE)
    save_commune(window.cdb, code="21555", name="Xã Nhầm", kind="xa", province="Quảng Ngãi")
    typed = ["mật khẩu sai 12345"]
    monkeypatch.setattr(backup_dialog, "ask_backup_passphrase", lambda parent, new: typed[0])
    dialog = BackupDialog(window)
    qtbot.addWidget(dialog)
    dialog.restore_from(sealed)
    qtbot.waitUntil(lambda: bool(boxes))
    assert boxes[-1]["title"] == "Không phục hồi được"
    assert "Mật khẩu không đúng" in boxes[-1]["text"] and commune_name(window) == "Xã Nhầm"
    typed[0] = PASSPHRASE
    dialog.restore_from(sealed)
    qtbot.waitUntil(lambda: boxes[-1]["title"] == "Đã phục hồi")
    confirm = next(box for box in boxes if box["title"] == "Phục hồi dữ liệu từ bản sao lưu?")
    assert "Xã, phường: Xã Sơn Minh (mã 21555)" in confirm["text"]
    assert "(sao lưu theo yêu cầu)" in confirm["text"]
    assert commune_name(window) == "Xã Sơn Minh"
    leftovers = [p for p in window.cdb.path.parent.iterdir() if p.name.endswith(".partial")]
    assert leftovers == []


def test_restoring_says_what_is_replaced_and_keeps_a_copy(qtbot, window, boxes):
    backup = make_backup(window.cdb, window.backup_folder, "daily")
    save_commune(window.cdb, code="21555", name="Xã Nhầm", kind="xa", province="Quảng Ngãi")
    dialog = BackupDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.selected_path() == backup
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: any(box["title"] == "Đã phục hồi" for box in boxes))
    confirm = boxes[0]
    assert confirm["title"] == "Phục hồi dữ liệu từ bản sao lưu?"
    backup_part, current_part = confirm["text"].split("Dữ liệu đang dùng (sẽ bị thay):")
    assert "Xã, phường: Xã Sơn Minh (mã 21555)" in backup_part
    assert "(hằng ngày)" in backup_part
    assert "Xã, phường: Xã Nhầm (mã 21555)" in current_part
    assert f"giữ lại một bản sao của dữ liệu đang dùng trong thư mục:\n{window.backup_folder}" in (
        current_part
    )
    assert commune_name(window) == "Xã Sơn Minh"
    assert window.name_label.text() == "Xã Sơn Minh"
    kept = [b for b in list_backups(window.backup_folder) if b.kind == "prerestore"]
    assert len(kept) == 1 and str(kept[0].path) in boxes[-1]["text"]
    assert dialog.model.rowCount() == 2


def test_cancelling_the_confirmation_changes_nothing(qtbot, window, boxes):
    make_backup(window.cdb, window.backup_folder)
    save_commune(window.cdb, code="21555", name="Xã Nhầm", kind="xa", province="Quảng Ngãi")
    boxes.answer = "Hủy"
    dialog = BackupDialog(window)
    qtbot.addWidget(dialog)
    dialog.restore_selected()
    assert [box["title"] for box in boxes] == ["Phục hồi dữ liệu từ bản sao lưu?"]
    assert commune_name(window) == "Xã Nhầm"
    assert len(list_backups(window.backup_folder)) == 1


def test_a_broken_backup_is_refused_before_anything_is_asked(qtbot, window, boxes):
    backup = make_backup(window.cdb, window.backup_folder)
    corrupt(backup)
    dialog = BackupDialog(window)
    qtbot.addWidget(dialog)
    dialog.restore_from(backup)
    assert [box["title"] for box in boxes] == ["Không phục hồi được"]
    assert "bị hỏng" in boxes[0]["text"]
    assert commune_name(window) == "Xã Sơn Minh"


def test_a_failed_restore_reopens_the_current_data(qtbot, window, boxes, monkeypatch):
    backup = make_backup(window.cdb, window.backup_folder)

    def fail(*args, **options):
        raise DatabaseError("Ổ đĩa đầy")

    monkeypatch.setattr(backup_dialog, "restore_backup", fail)
    dialog = BackupDialog(window)
    qtbot.addWidget(dialog)
    dialog.restore_from(backup)
    qtbot.waitUntil(lambda: boxes[-1]["title"] == "Không phục hồi được")
    assert boxes[-1]["text"] == "Ổ đĩa đầy\n\nDữ liệu đang dùng vẫn giữ nguyên."
    assert commune_name(window) == "Xã Sơn Minh"  # the database is open again


# --- automatic backups --------------------------------------------------------------------------


def test_closing_the_window_backs_up_first(qtbot, window):
    window.automatic_backups = True
    window.show()
    assert not window.close()  # waits for the backup
    qtbot.waitUntil(lambda: not window.isVisible())
    assert [b.kind for b in list_backups(window.backup_folder)] == ["monthly"]


def test_once_a_day_at_start(qtbot, window):
    window.automatic_backups = True
    window.start_automatic_backup()
    qtbot.waitUntil(lambda: window.backup_job is None)
    assert len(list_backups(window.backup_folder)) == 1  # the month's first
    assert window.statusBar().currentMessage().startswith("Đã sao lưu tự động vào ")
    window.start_automatic_backup()
    qtbot.waitUntil(lambda: window.backup_job is None)
    assert len(list_backups(window.backup_folder)) == 1  # not due again today


def test_closing_during_the_daily_backup_waits_for_it_then_backs_up(qtbot, window):
    window.automatic_backups = True
    window.show()
    window.start_automatic_backup()
    assert not window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert sorted(b.kind for b in list_backups(window.backup_folder)) == ["closing", "monthly"]


def test_the_demo_is_not_backed_up_automatically(qtbot, window):
    set_setting(window.cdb, "demo", True)
    window.automatic_backups = True
    window.show()
    assert window.close()
    assert list_backups(window.backup_folder) == []


def test_a_failed_automatic_backup_says_so_and_still_closes(qtbot, window, boxes, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("Không ghi được bản sao lưu vào thư mục X: ổ đĩa đầy.")

    monkeypatch.setattr(backup_dialog, "automatic_backup", fail)
    window.automatic_backups = True
    window.show()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert boxes[0]["title"] == "Không sao lưu tự động được"
    assert "sao lưu ra USB" in boxes[0]["text"]


# --- recovery at start ------------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch, signed_in):
    """Windows run_gui showed; its event loop returns at once."""
    windows = []
    build = ui_app.build_main_window

    def record(cdb, user):
        windows.append(build(cdb, user))
        return windows[-1]

    monkeypatch.setattr(ui_app, "build_main_window", record)
    monkeypatch.setattr(ui_app, "sign_in_to_commune", lambda cdb: signed_in)
    monkeypatch.setattr(qt.QApplication, "exec", lambda *args: 0)
    yield windows
    for window in windows:
        window.deleteLater()


@pytest.fixture
def recovery(monkeypatch):
    """The recovery dialogs shown; ``recovery.action`` is called instead of blocking."""

    class Shown(list):
        action = staticmethod(lambda dialog: None)

    shown = Shown()

    def record(dialog):
        shown.append(
            {
                "title": dialog.windowTitle(),
                "offer": dialog.candidate_box.title(),
                "holds": dialog.candidate_label.text(),
                "can_restore": dialog.restore_button.isEnabled(),
                "buttons": [
                    dialog.restore_button.text(),
                    dialog.choose_button.text(),
                    dialog.quit_button.text(),
                ],
            }
        )
        shown.action(dialog)
        return int(dialog.result())

    monkeypatch.setattr(RecoveryDialog, "exec", record)
    return shown


def test_a_broken_database_at_start_offers_the_last_good_backup(
    qapp, db_file, recovery, started, boxes, small_demo_file
):
    from gnapp.store.backups import default_backup_folder

    backup = make_backup(db_file, default_backup_folder(db_file, backup_root()), "daily")
    corrupt(db_file)
    broken = db_file.read_bytes()
    assert run_gui(db_file) == 1  # the clerk chose "Thoát"
    assert started == []  # the broken file was not opened
    assert db_file.read_bytes() == broken
    [shown] = recovery
    assert shown["title"] == "GNApp — dữ liệu xã bị hỏng"
    assert shown["offer"] == "Bản sao lưu gần nhất còn tốt"
    assert str(backup) in shown["holds"]
    assert "Xã, phường: Xã Sơn Minh (mã 21555)" in shown["holds"]
    assert f"Số hộ: {households_now_in(small_demo_file)}" in shown["holds"]
    assert "Đợt rà soát gần nhất: rà soát định kỳ năm 2025" in shown["holds"]
    assert shown["can_restore"]
    assert shown["buttons"] == ["Phục hồi từ bản sao lưu này", "Chọn tệp sao lưu khác…", "Thoát"]


def test_restoring_at_start_opens_the_restored_data(
    qtbot, db_file, recovery, started, boxes, data_dir
):
    from gnapp.store.backups import default_backup_folder

    folder = default_backup_folder(db_file, backup_root())
    make_backup(db_file, folder, "daily")
    corrupt(db_file)

    def restore(dialog):
        dialog.restore_button.click()
        qtbot.waitUntil(lambda: dialog.restored is not None)

    recovery.action = restore
    assert run_gui(db_file) == 0
    assert check_integrity(db_file).sound
    assert started[0].name_label.text() == "Xã Sơn Minh"
    assert boxes[0]["title"] == "Đã phục hồi"
    [kept] = folder.glob("*-hong.gnapp")
    assert str(kept) in boxes[0]["text"]
    assert not check_integrity(kept).sound


def test_without_a_backup_another_file_can_be_chosen(qtbot, db_file, monkeypatch, tmp_path):
    usb = tmp_path / "usb"
    on_usb = make_backup(db_file, usb, "manual")
    corrupt(db_file)
    dialog = RecoveryDialog(None, db_file, check_integrity(db_file), tmp_path / "trong")
    qtbot.addWidget(dialog)
    assert not dialog.restore_button.isEnabled()
    assert "Không tìm thấy bản sao lưu nào còn tốt" in dialog.candidate_label.text()
    monkeypatch.setattr(backup_dialog, "ask_path", lambda *args: on_usb)
    dialog.choose_button.click()
    assert dialog.restore_button.isEnabled()
    assert dialog.candidate_box.title() == "Bản sao lưu đã chọn"
    assert str(on_usb) in dialog.candidate_label.text()


def test_choosing_a_broken_file_says_why_it_cannot_be_used(
    qtbot, db_file, monkeypatch, tmp_path, boxes
):
    corrupt(db_file)
    dialog = RecoveryDialog(None, db_file, check_integrity(db_file), tmp_path / "trong")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(backup_dialog, "ask_path", lambda *args: db_file)
    dialog.choose_file()
    assert boxes[0]["title"] == "Không dùng được tệp này"
    assert not dialog.restore_button.isEnabled()
