"""The "Gửi cấp trên" area, the key dialogs and the "Lập gói báo cáo" dialog, on the packages'
test world (tests/packages/conftest.py: a demo commune with a signing key, the office's key,
a saved annual report and package 1) and on a demo commune without keys."""

from __future__ import annotations

import pytest

from gnapp.packages.commune import current_signing_key, office_key, sent_packages, signing_keys
from gnapp.packages.keys import SIGNING, read_key_change, read_public_key, write_public_key
from gnapp.packages.verify import verify_package
from gnapp.store.database import open_database
from gnapp.store.reports import load_report
from gnapp.store.users import User
from gnapp.ui.main_window import PACKAGES, MainWindow
from gnapp.ui.sending import package_dialog, packages_view
from gnapp.ui.sending.key_dialogs import ChangeKeyDialog, CreateKeyDialog, OfficeKeyDialog
from gnapp.ui.sending.package_dialog import BuildPackageDialog
from gnapp.ui.sending.packages_view import PackagesView
from tests.packages.conftest import office_private, world, world_files  # noqa: F401
from tests.packages.world import APPROVER, IDENTITY, PASSPHRASE

CLERK = User(3, "canbo", "Nguyễn Thị Cán", ("clerk",), True)
NEW_PASSPHRASE = "lúa chín vàng đồng 2026"


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch):
    """Preferences (the last folder, where packages went) of this test's own."""
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def commune(world):  # noqa: F811
    with open_database(world.commune, actor="Cán bộ thử") as cdb:
        yield cdb


def view_of(qtbot, cdb, user) -> PackagesView:
    view = PackagesView(cdb, user)
    qtbot.addWidget(view)
    return view


def cell(view: PackagesView, row: int, column: int) -> str:
    return view.table.item(row, column).text()


# --- the area ---------------------------------------------------------------------------------


def test_the_area_lists_the_packages_built_through_the_core(qtbot, commune, world):  # noqa: F811
    view = view_of(qtbot, commune, APPROVER)
    assert view.table.rowCount() == 1
    assert [cell(view, 0, c) for c in (0, 1, 3, 4, 5, 6)] == [
        "1", "Báo cáo năm 2025", "Nguyễn Văn An", world.package.name, "Có", "Có"
    ]  # fmt: skip
    assert world.commune_key.fingerprint in view.signing_state.text()
    assert IDENTITY.name in view.office_state.text()
    assert view.permission_note.isHidden()
    assert view.change_button.isEnabled() and view.email_button.isEnabled()


def test_the_area_is_in_the_main_window(qtbot, commune):
    window = MainWindow(commune, APPROVER)
    qtbot.addWidget(window)
    window.show_area(PACKAGES)
    assert window.navigation.currentItem().text() == "Gửi cấp trên"
    assert window.pages.currentWidget() is window.packages_view


def test_a_clerk_sees_why_the_key_buttons_are_off(qtbot, demo_db):
    view = view_of(qtbot, demo_db, CLERK)
    assert "Chưa có" in view.signing_state.text() and "Chưa nhập" in view.office_state.text()
    assert not view.permission_note.isHidden()
    assert "canbo không có quyền tạo, đổi khóa ký số" in view.permission_note.text()
    for button in (view.create_button, view.office_button, view.change_button):
        assert not button.isEnabled()
    assert not view.export_button.isEnabled()  # no key to export yet
    assert view.empty.isVisibleTo(view) and not view.email_button.isEnabled()


# --- keys -------------------------------------------------------------------------------------


def test_creating_the_key_checks_the_passphrase_then_export_writes_it(qtbot, demo_db, tmp_path):
    dialog = CreateKeyDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.fields.first.setText("ngắn quá")
    dialog.fields.repeat.setText("ngắn quá")
    dialog.create()
    assert "ít nhất 10 ký tự" in dialog.error.text()
    assert dialog.fields.strength.text().startswith("Quá ngắn")
    dialog.fields.first.setText(NEW_PASSPHRASE)
    dialog.fields.repeat.setText(NEW_PASSPHRASE + "!")
    dialog.create()
    assert dialog.error.text() == "Hai lần nhập mật khẩu khóa không giống nhau."
    assert current_signing_key(demo_db.db) is None
    assert dialog.fields.strength.text() == "Mạnh."
    dialog.fields.repeat.setText(NEW_PASSPHRASE)
    dialog.create()
    key = current_signing_key(demo_db.db)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.key.public.fingerprint == key.public.fingerprint

    view = view_of(qtbot, demo_db, APPROVER)
    assert key.public.fingerprint in view.signing_state.text()
    path = view.export_key(tmp_path)
    assert read_public_key(path.read_bytes(), SIGNING).fingerprint == key.public.fingerprint
    assert key.public.fingerprint in view.status.text()
    assert view.export_key(tmp_path) is None  # never over the file already there
    assert "Tệp đã tồn tại" in view.status.text()


def test_replacing_the_key_must_be_confirmed(qtbot, commune, world):  # noqa: F811
    dialog = CreateKeyDialog(commune)
    qtbot.addWidget(dialog)
    assert world.commune_key.fingerprint in dialog.findChild(object, "warning").text()
    dialog.fields.first.setText(NEW_PASSPHRASE)
    dialog.fields.repeat.setText(NEW_PASSPHRASE)
    dialog.create()
    assert "đánh dấu ô xác nhận" in dialog.error.text()
    assert current_signing_key(commune.db).public == world.commune_key
    dialog.replace.setChecked(True)
    dialog.create()
    keys = signing_keys(commune.db)
    assert len(keys) == 2 and keys[0].retired_at is not None
    assert current_signing_key(commune.db).public.fingerprint != world.commune_key.fingerprint


def test_the_office_key_is_kept_only_with_its_fingerprint(qtbot, demo_db, world, tmp_path):  # noqa: F811
    path = write_public_key(world.office_key, tmp_path)
    dialog = OfficeKeyDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.save()
    assert "Chưa chọn tệp" in dialog.error.text()
    dialog.check.file.setText(str(path))
    assert dialog.check.owner.text() == IDENTITY.name
    dialog.check.typed.setText("AAAAA-BBBBB-CCCCC-DDDDD")
    dialog.save()
    assert "Dấu vân tay không khớp: khóa chưa được lưu" in dialog.error.text()
    assert office_key(demo_db.db) is None
    dialog.check.typed.setText(world.office_key.fingerprint.replace("-", " ").lower())
    dialog.save()
    assert office_key(demo_db.db).fingerprint == world.office_key.fingerprint


def test_a_signing_key_file_is_not_the_office_key(qtbot, demo_db, world, tmp_path):  # noqa: F811
    dialog = OfficeKeyDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.check.file.setText(str(write_public_key(world.commune_key, tmp_path)))
    assert dialog.check.owner.text() == "Tệp này không phải khóa mã hóa của cơ quan nhận."
    dialog.check.typed.setText(world.commune_key.fingerprint)
    dialog.save()
    assert office_key(demo_db.db) is None


def test_changing_the_key_writes_the_file_for_the_office(qtbot, commune, world, tmp_path):  # noqa: F811
    dialog = ChangeKeyDialog(commune, tmp_path)
    qtbot.addWidget(dialog)
    dialog.old.setText("không phải mật khẩu")
    dialog.fields.first.setText(NEW_PASSPHRASE)
    dialog.fields.repeat.setText(NEW_PASSPHRASE)
    dialog.change_key()
    assert "Mật khẩu" in dialog.error.text() and dialog.change is None
    assert current_signing_key(commune.db).public == world.commune_key
    dialog.old.setText(PASSPHRASE)
    dialog.change_key()
    change = read_key_change(dialog.path.read_bytes())
    assert dialog.path.parent == tmp_path and dialog.path.suffix == ".gnkeychange"
    assert change.old_key.fingerprint == world.commune_key.fingerprint
    assert change.new_key.fingerprint == current_signing_key(commune.db).public.fingerprint
    assert change.from_sequence == 2


def test_a_key_change_file_can_be_written_again(qtbot, commune, world, tmp_path):  # noqa: F811
    view = view_of(qtbot, commune, APPROVER)
    assert view.change_file_button.isHidden()  # a key made, not changed: nothing to write
    dialog = ChangeKeyDialog(commune, tmp_path)
    qtbot.addWidget(dialog)
    dialog.old.setText(PASSPHRASE)
    dialog.fields.first.setText(NEW_PASSPHRASE)
    dialog.fields.repeat.setText(NEW_PASSPHRASE)
    dialog.change_key()
    view.refresh()
    assert not view.change_file_button.isHidden()
    again = tmp_path / "usb"
    again.mkdir()
    path = view.write_change_file(again)
    assert path.read_bytes() == dialog.path.read_bytes()
    assert str(path) in view.status.text()
    assert view.write_change_file(again) is None  # never over an existing file
    assert "Tệp đã tồn tại" in view.status.text()


# --- building a package -----------------------------------------------------------------------


def build_dialog(qtbot, cdb, user, folder) -> BuildPackageDialog:
    dialog = BuildPackageDialog(cdb, user)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(folder))
    return dialog


def run_build(qtbot, dialog: BuildPackageDialog) -> None:
    dialog.build()
    qtbot.waitUntil(
        lambda: dialog.built is not None or dialog.error.isVisibleTo(dialog), timeout=30000
    )


def test_a_clerk_cannot_sign_but_an_approver_signs_in_here(qtbot, commune):
    dialog = build_dialog(qtbot, commune, CLERK, ".")
    assert not dialog.build_button.isEnabled()
    assert "chỉ lãnh đạo phê duyệt mới được ký" in dialog.signer_label.text()
    assert "Phạm Thị Lành" in dialog.signer_label.text()  # the demo's approver
    assert dialog.handover.isVisibleTo(dialog) and not dialog.passphrase.isEnabled()
    dialog.username.setText("canbo")
    dialog.password.setText("demo1234")
    dialog.sign_in_approver()
    assert "không có quyền khóa đợt rà soát, ký gói báo cáo" in dialog.error.text()
    dialog.username.setText("lanhdao")
    dialog.password.setText("sai")
    dialog.sign_in_approver()
    assert dialog.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    dialog.password.setText("demo1234")
    dialog.sign_in_approver()
    assert dialog.signer.username == "lanhdao" and dialog.build_button.isEnabled()
    assert "Phạm Thị Lành" in dialog.signer_label.text()
    assert not dialog.handover.isVisibleTo(dialog) and dialog.password.text() == ""


def test_a_wrong_passphrase_writes_nothing(qtbot, commune, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = build_dialog(qtbot, commune, APPROVER, usb)
    dialog.passphrase.setText("không phải mật khẩu")
    run_build(qtbot, dialog)
    assert dialog.built is None
    assert "Chưa lập được gói" in dialog.error.text() and "Mật khẩu" in dialog.error.text()
    assert list(usb.iterdir()) == []
    assert len(sent_packages(commune.db)) == 1
    assert dialog.build_button.isEnabled()


def test_the_approver_builds_and_gets_the_email(
    qtbot,
    commune,
    world,  # noqa: F811
    office_private,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    view = view_of(qtbot, commune, APPROVER)
    dialog = view.build_package()
    assert dialog.encrypt.isChecked() and dialog.encrypt.isEnabled()
    dialog.households.setChecked(True)
    assert dialog.encrypt.isChecked() and not dialog.encrypt.isEnabled()
    assert "luôn được mã hóa" in dialog.options_note.text()
    dialog.folder.setText(str(tmp_path))
    dialog.passphrase.setText(PASSPHRASE)
    run_build(qtbot, dialog)
    built = dialog.built
    assert built is not None and dialog.pages.currentIndex() == 1
    assert built.path.parent == tmp_path and built.manifest.sequence == 2
    verification = verify_package(built.path.read_bytes(), world.commune_key, office_private)
    assert verification.ok and verification.households is not None
    assert dialog.email.subject.text() == dialog.draft.subject
    assert "(gói số 2)" in dialog.email.subject.text()
    assert built.manifest.package_hash in dialog.email.body.toPlainText()
    assert dialog.email.attachment.text() == str(built.path)
    assert "Đã lập và ký gói số 2" in dialog.result_title.text()
    dialog.email.copy_subject.click()
    from gnapp.ui.common.qt import QApplication

    assert QApplication.clipboard().text() == dialog.draft.subject
    opened = []
    monkeypatch.setattr(package_dialog, "open_folder", opened.append)
    dialog.email.open_button.click()
    assert opened == [tmp_path]
    assert load_report(commune.db, world.report_id).final
    assert dialog.passphrase.text() == ""

    dialog.accept()
    assert view.table.rowCount() == 2 and cell(view, 0, 0) == "2"
    assert str(built.path) in view.status.text()
    # The next dialog offers the folder used last.
    assert BuildPackageDialog(commune, APPROVER).folder.text() == str(tmp_path)
    # The list finds the file where it was saved for the e-mail and the folder.
    monkeypatch.setattr(packages_view, "open_folder", opened.append)
    view.table.selectRow(0)
    view.open_selected_folder()
    assert opened[-1] == tmp_path
    email = view.email_selected()
    qtbot.addWidget(email)
    assert email.panel.subject.text() == dialog.draft.subject


def test_a_moved_package_is_looked_for(qtbot, commune, world, monkeypatch):  # noqa: F811
    view = view_of(qtbot, commune, CLERK)
    asked = []

    def choose(*args):
        asked.append(args)
        return str(world.package), ""

    monkeypatch.setattr(packages_view.QFileDialog, "getOpenFileName", choose)
    email = view.email_selected()
    qtbot.addWidget(email)
    assert asked and "(gói số 1)" in email.panel.subject.text()
    assert IDENTITY.name in email.panel.body.toPlainText()
    other = world.folder / "khac.gnpkg"
    other.write_bytes(b"PK\x03\x04 hong")
    monkeypatch.setattr(
        packages_view.QFileDialog, "getOpenFileName", lambda *args: (str(other), "")
    )
    assert view.email_selected() is None
    assert "Không đọc được gói" in view.status.text()


def test_without_the_office_key_no_household_lists(qtbot, demo_db):
    dialog = BuildPackageDialog(demo_db, APPROVER)
    qtbot.addWidget(dialog)
    assert not dialog.households.isEnabled() and not dialog.encrypt.isChecked()
    assert "Chưa có khóa của cơ quan nhận" in dialog.options_note.text()
    assert "Xã chưa có khóa ký" in dialog.blocked.text()
    assert not dialog.build_button.isEnabled()
