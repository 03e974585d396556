"""Signing in at start, the first administrator, the users dialog and the password change."""

from __future__ import annotations

import pytest

from gnapp.store import users
from gnapp.store.database import open_database
from gnapp.store.users import TEST_COST
from gnapp.ui.common import qt
from gnapp.ui.common import sign_in as login_dialog
from gnapp.ui.common.sign_in import FirstAdminDialog, LoginDialog
from gnapp.ui.common.users_dialog import AddUserDialog, ChangePasswordDialog, UsersDialog


@pytest.fixture
def with_users(new_db):
    users.add_user(new_db, "quantri", "Lê Văn Quản", ["admin"], "matkhau1", TEST_COST)
    users.add_user(new_db, "canbo", "Nguyễn Thị Cán", ["clerk"], "matkhau1", TEST_COST)
    return new_db


def test_a_right_password_signs_in_as_that_user(qtbot, with_users):
    dialog = LoginDialog(with_users)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "canbo")
    qtbot.keyClicks(dialog.password, "matkhau1")
    dialog.sign_in()
    assert dialog.result() == qt.QDialog.DialogCode.Accepted
    assert dialog.user.username == "canbo"
    assert with_users.actor == "Nguyễn Thị Cán (canbo)"


def test_a_wrong_password_says_so_and_pauses_after_five(qtbot, with_users):
    dialog = LoginDialog(with_users)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("canbo")
    for _ in range(5):
        dialog.password.setText("sai")
        dialog.sign_in()
        assert dialog.user is None and dialog.password.text() == ""
        assert dialog.error.isVisible()
        assert dialog.error.text().startswith("Tên đăng nhập hoặc mật khẩu không đúng.")
    ok = dialog.buttons.button(qt.QDialogButtonBox.StandardButton.Ok)
    assert "chờ 30 giây" in dialog.error.text() and not ok.isEnabled()


def test_the_demo_shows_its_accounts(qtbot, demo_db):
    dialog = LoginDialog(demo_db)
    qtbot.addWidget(dialog)
    hint = dialog.findChild(qt.QLabel, "demo_hint")
    assert "lanhdao (lãnh đạo phê duyệt)" in hint.text() and "demo123" in hint.text()
    assert dialog.username.text() == "quantri"


def test_a_database_without_users_asks_for_its_administrator(qtbot, new_db, monkeypatch):
    assert not users.has_users(new_db.db)
    shown = []
    monkeypatch.setattr(FirstAdminDialog, "exec", lambda self: shown.append(self) or 0)
    assert login_dialog.sign_in_to_commune(new_db) is None
    dialog = shown[0]
    qtbot.addWidget(dialog)
    dialog.fields.full_name.setText("Lê Văn Quản")
    dialog.fields.username.setText("quantri")
    dialog.fields.password.setText("matkhau1")
    dialog.fields.repeat.setText("matkhau2")
    dialog.create()
    assert dialog.error.text() == "Hai lần nhập mật khẩu không giống nhau."
    dialog.fields.repeat.setText("matkhau1")
    dialog.fields.also["approver"].setChecked(True)
    dialog.create()
    assert dialog.user.roles == ("clerk", "approver", "admin")
    assert new_db.actor == "Lê Văn Quản (quantri)"


def test_the_users_dialog_is_for_administrators(qtbot, with_users):
    clerk = users.get_user(with_users.db, "canbo")
    with pytest.raises(users.PermissionDenied):
        UsersDialog(with_users, clerk, None)
    admin = users.get_user(with_users.db, "quantri")
    dialog = UsersDialog(with_users, admin, None)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert not dialog.lock_button.isEnabled()
    assert [dialog.table.item(row, 0).text() for row in range(2)] == ["canbo", "quantri"]
    dialog.table.selectRow(1)  # quantri, the only administrator
    dialog.toggle_lock()
    assert "người quản trị cuối cùng" in dialog.error.text()
    dialog.table.selectRow(0)
    dialog.toggle_lock()
    assert dialog.table.item(0, 3).text() == "Đã khóa"


def test_adding_a_user_through_the_dialog(qtbot, with_users):
    dialog = AddUserDialog(with_users, None)
    qtbot.addWidget(dialog)
    dialog.full_name.setText("Phạm Thị Lành")
    dialog.username.setText("lanhdao")
    dialog.password.setText("matkhau1")
    dialog.repeat.setText("matkhau1")
    dialog.roles.boxes["clerk"].setChecked(False)
    dialog.roles.boxes["approver"].setChecked(True)
    dialog._accept()
    assert dialog.result() == qt.QDialog.DialogCode.Accepted
    assert users.get_user(with_users.db, "lanhdao").roles == ("approver",)


def test_changing_ones_password_asks_the_current_one(qtbot, with_users):
    clerk = users.get_user(with_users.db, "canbo")
    dialog = ChangePasswordDialog(with_users, clerk, None)
    qtbot.addWidget(dialog)
    dialog.current.setText("sai")
    dialog.password.setText("matkhau-moi")
    dialog.repeat.setText("matkhau-moi")
    dialog._accept()
    assert dialog.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    dialog.current.setText("matkhau1")
    dialog._accept()
    assert users.authenticate(with_users, "canbo", "matkhau-moi")


def test_the_dialog_shows_a_refusal_after_too_many_failures(qtbot, tmp_path):
    cdb = open_database(tmp_path / "xa.gnapp", create=True, clock=lambda: "2026-03-01T08:00:00Z")
    users.add_user(cdb, "canbo", "Nguyễn Thị Cán", ["clerk"], "matkhau1", TEST_COST)
    for _ in range(users.FREE_FAILURES + 1):
        with pytest.raises(users.UserError):
            users.authenticate(cdb, "canbo", "sai-mat-khau")
    dialog = LoginDialog(cdb)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("canbo")
    dialog.password.setText("matkhau1")
    dialog.sign_in()
    assert dialog.user is None and dialog.error.isVisible()
    assert dialog.error.text().startswith("Đăng nhập sai nhiều lần; hãy chờ 1 giây rồi thử lại.")
    cdb.close()
