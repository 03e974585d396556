"""The office's sign-in and users: signing in before the office window, the first administrator
of an office from before users, what an officer's window lets them do, the office's users, and
the office's lists naming who received and who consolidated."""

from __future__ import annotations

from datetime import date

import pytest

from gnapp.office.consolidate import consolidate, write_consolidation
from gnapp.office.receive import receive_files
from gnapp.office.registry import unlock_office_key
from gnapp.office.store.database import open_office
from gnapp.store.users import has_users, list_users
from gnapp.ui import app as ui_app
from gnapp.ui.common import discard_guard, qt
from gnapp.ui.common import sign_in as ui_sign_in
from gnapp.ui.common.sign_in import FirstAdminDialog, LoginDialog
from gnapp.ui.common.users_dialog import AddUserDialog, UsersDialog
from gnapp.ui.office.communes import RegisterDialog
from gnapp.ui.office.consolidation import ConsolidationHistoryDialog
from gnapp.ui.office.receive import ReceiptHistoryDialog
from gnapp.ui.office.session import OfficeSession
from gnapp.ui.office.window import office_window
from tests.packages import conftest as packages
from tests.packages.world import (
    OFFICE_ADMIN,
    OFFICE_PASSPHRASE,
    OFFICER,
    add_officer,
    office_head,
)

world_files, world = packages.world_files, packages.world


class App:
    """Stands for the QApplication: notes the windows shown instead of running."""

    def __init__(self):
        self.shown = []

    def exec(self):
        self.shown = [w for w in qt.QApplication.topLevelWidgets() if w.isVisible()]
        return 0

    def processEvents(self):
        pass


def _close(windows):
    for window in windows:
        if window.__class__.__name__ == "OfficeWindow":
            window.close()
            window.session.office.close()


def test_the_office_asks_who_signs_in_before_its_window(qtbot, world, tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))
    dialogs = []

    def sign_in(dialog):
        dialogs.append(dialog)
        assert "UBND tỉnh Quảng Ngãi" in dialog.title.text()
        dialog.username.setText(OFFICE_ADMIN.username)
        dialog.password.setText("sai mật khẩu")
        dialog.sign_in()
        assert dialog.error.text().startswith("Tên đăng nhập hoặc mật khẩu không đúng.")
        dialog.password.setText(OFFICE_ADMIN.password)
        dialog.sign_in()
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", sign_in)
    app = App()
    assert ui_app.run_office_gui(app, world.office) == 0
    (window,) = [w for w in app.shown if w.__class__.__name__ == "OfficeWindow"]
    assert window.session.user.username == "lanhdao"
    assert window.user_label.text() == "Người dùng: Lê Văn Lãnh — Lãnh đạo, quản trị"
    assert window.communes_view.register_button.isEnabled() and window.users_action.isEnabled()
    _close(app.shown)
    with open_office(world.office) as office:  # the wrong password was counted
        assert office.db.execute("SELECT count(*) FROM sign_in_failures").fetchone()[0] == 1


def test_quitting_the_sign_in_opens_nothing(qtbot, world, monkeypatch):
    monkeypatch.setattr(LoginDialog, "exec", lambda dialog: 0)
    app = App()
    assert ui_app.run_office_gui(app, world.office) == 0
    assert app.shown == []


def test_an_office_without_users_asks_for_its_administrator_first(
    qtbot, world, tmp_path, monkeypatch
):
    """An office file from before users (its users removed here) opens on the first
    administrator's dialog, then the window for that administrator."""
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))
    with open_office(world.office) as office, office.transaction() as db:
        db.execute("DELETE FROM users")
    asked = []

    def create(dialog):
        asked.append(dialog)
        assert dialog.fields.also == {}  # an office's administrator does all an officer does
        fields = dialog.fields
        fields.full_name.setText("Trần Văn Bình")
        fields.username.setText("giamdoc")
        fields.password.setText("matkhau1")
        fields.repeat.setText("matkhau2")
        dialog.create()
        assert dialog.error.text() == "Hai lần nhập mật khẩu không giống nhau."
        fields.repeat.setText("matkhau1")
        dialog.create()
        return dialog.result()

    monkeypatch.setattr(FirstAdminDialog, "exec", create)
    monkeypatch.setattr(LoginDialog, "exec", pytest.fail)
    app = App()
    assert ui_app.run_office_gui(app, world.office) == 0
    assert len(asked) == 1
    (window,) = [w for w in app.shown if w.__class__.__name__ == "OfficeWindow"]
    assert window.session.user.roles == ("admin",)
    _close(app.shown)
    with open_office(world.office) as office:
        (admin,) = list_users(office.db, office.role_scheme)
    assert admin.username == "giamdoc"


def test_esc_in_the_first_administrator_dialog_asks_first(qtbot, world, monkeypatch):
    with open_office(world.office) as office:
        with office.transaction() as db:
            db.execute("DELETE FROM users")
        dialog = FirstAdminDialog(office)
        qtbot.addWidget(dialog)
        dialog.show()
        asked = []
        monkeypatch.setattr(discard_guard, "ask_discard", lambda parent: asked.append(1) or False)
        dialog.fields.full_name.setText("Trần Văn Bình")
        qtbot.keyClick(dialog, qt.Qt.Key.Key_Escape)
        assert asked == [1] and dialog.isVisible()
        dialog.close()
        assert asked == [1, 1] and dialog.isVisible()
        assert not has_users(office.db)
        monkeypatch.setattr(discard_guard, "ask_discard", lambda parent: True)
        dialog.reject()
        assert not dialog.isVisible()


@pytest.fixture
def officer_window(qtbot, world):
    office = open_office(world.office)
    officer = add_officer(office)
    window = office_window(OfficeSession(world.office, office, officer))
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    office.close()


def test_an_officer_cannot_register_a_key_nor_manage_users(qtbot, officer_window, world):
    button = officer_window.communes_view.register_button
    assert not button.isEnabled()
    assert "cần vai trò: Lãnh đạo, quản trị" in button.toolTip()
    assert not officer_window.users_action.isEnabled()
    assert officer_window.user_label.text() == "Người dùng: Trần Thị Nhận — Cán bộ tiếp nhận"
    # the core says no as well, were the dialog reached
    session = officer_window.session
    dialog = RegisterDialog(officer_window, session.office, session.user)
    qtbot.addWidget(dialog)
    assert dialog.load(world_files_key(world))
    dialog.typed.setText(world.commune_key.fingerprint)
    dialog.replace.setChecked(True)
    dialog.accept()
    assert "không có quyền đăng ký, thay, thu hồi khóa của xã" in dialog.error.text()
    assert dialog.result() != qt.QDialog.DialogCode.Accepted


def world_files_key(world):
    """The commune's public key file, written beside the office."""
    path = world.office.parent / world.commune_key.file_name()
    path.write_bytes(world.commune_key.file_bytes())
    return path


def test_the_office_users_dialog_offers_the_office_roles(qtbot, world):
    with open_office(world.office) as office:
        head = office_head(office)
        dialog = UsersDialog(office, head, None)
        qtbot.addWidget(dialog)
        assert dialog.table.item(0, 2).text() == "Lãnh đạo, quản trị"
        add = AddUserDialog(office, dialog)
        qtbot.addWidget(add)
        boxes = add.roles.boxes
        assert list(boxes) == ["officer", "admin"] and boxes["officer"].isChecked()
        username, full_name, password = OFFICER
        add.full_name.setText(full_name)
        add.username.setText(username)
        add.password.setText(password)
        add.repeat.setText(password)
        add.apply()
        dialog.load()
        assert dialog.table.rowCount() == 2
        assert dialog.table.item(1, 2).text() == "Cán bộ tiếp nhận"
        assert ui_sign_in.users.get_user(office.db, username, office.role_scheme).roles == (
            "officer",
        )


def test_the_office_windows_name_who_received_and_consolidated(qtbot, world, tmp_path):
    with open_office(world.office) as office:
        officer = add_officer(office)
        private = unlock_office_key(office, OFFICE_PASSPHRASE)
        receive_files(office, [world.package], private, officer)
        on = date(2026, 1, 10)
        write_consolidation(office, consolidate(office, "2025"), tmp_path, on, officer, "7")
        receipts = ReceiptHistoryDialog(office)
        qtbot.addWidget(receipts)
        assert receipts.table.item(0, 4).text() == "Trần Thị Nhận (tiepnhan)"
        written = ConsolidationHistoryDialog(office)
        qtbot.addWidget(written)
        row = [written.table.item(0, column).text() for column in range(7)]
        assert row[1:6] == [
            "Báo cáo năm 2025",
            "7",
            "10/01/2026",
            "1 xã (chưa gửi: 0)",
            "Trần Thị Nhận (tiepnhan)",
        ]
        assert row[6] == "tong-hop-bao-cao-nam-2025.pdf, tong-hop-bao-cao-nam-2025.xlsx"
