"""The first-run wizard: each page holds the wizard until it is right, saying what is wrong;
finishing creates the commune's database with its administrator signed in; or the demo."""

from __future__ import annotations

import pytest

from gnapp import preferences
from gnapp.packages.commune import current_signing_key, office_key
from gnapp.store import users
from gnapp.store.register import get_commune, villages
from gnapp.ui import app as ui_app
from gnapp.ui.common import qt
from gnapp.ui.setup.setup_wizard import SetupWizard


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch):
    """A data folder of this test's own: the database opened last is not another test's."""
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def wizard(qtbot, monkeypatch):
    monkeypatch.setattr(users, "DEFAULT_COST", users.TEST_COST)
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    yield wizard
    if wizard.cdb is not None:
        wizard.cdb.close()


def fill_identity(page):
    page.fields.code.setText("21555")
    page.fields.name.setText("Sơn Minh")
    page.fields.province.setEditText("Quảng Ngãi")
    page.fields.receiver.setText("Sở Nông nghiệp và Môi trường tỉnh Quảng Ngãi")


def test_the_whole_way_creates_the_commune(wizard, tmp_path):
    assert wizard.currentPage() is wizard.mode_page
    wizard.next()
    wizard.next()  # nothing typed: held on the identity page
    assert wizard.currentPage() is wizard.identity_page
    assert "Mã xã phải gồm 5 chữ số" in wizard.identity_page.error.text()
    fill_identity(wizard.identity_page)
    wizard.next()
    assert wizard.identity_page.identity().name == "Xã Sơn Minh"  # the kind is put in front
    villages_page = wizard.villages_page
    villages_page.table.item(0, 1).setText("Thôn An Phú")
    villages_page.add_row()
    villages_page.table.item(1, 1).setText("thôn an phú")
    wizard.next()
    assert wizard.currentPage() is villages_page
    assert villages_page.error.text() == "Dòng 2: tên “thôn an phú” trùng dòng 1."
    villages_page.table.item(1, 1).setText("Tổ dân phố 1")
    villages_page.table.cellWidget(1, 2).setCurrentIndex(1)
    wizard.next()
    admin = wizard.admin_page.fields
    admin.full_name.setText("Lê Văn Quản")
    admin.username.setText("quantri")
    admin.password.setText("matkhau1")
    admin.repeat.setText("matkhau2")
    wizard.next()
    assert wizard.admin_page.error.text() == "Hai lần nhập mật khẩu không giống nhau."
    admin.repeat.setText("matkhau1")
    wizard.next()
    assert wizard.currentPage() is wizard.signing_key_page
    wizard.next()  # "Để sau": no key yet
    wizard.next()  # the office's key: "Để sau" too
    document = wizard.document_page
    document.signer_name.setText("Trần Thị Bích")
    assert "KT. CHỦ TỊCH" in document.preview.text()
    wizard.next()
    assert wizard.file_page.path.text().endswith("21555-xa-son-minh.gnapp")
    wizard.file_page.path.setText(str(tmp_path / "son-minh.gnapp"))
    wizard.accept()  # Hoàn tất: validates the last page, which creates the database
    assert wizard.cdb is not None
    assert get_commune(wizard.cdb.db)["name"] == "Xã Sơn Minh"
    assert [(v["name"], v["area"]) for v in villages(wizard.cdb.db)] == [
        ("Thôn An Phú", "rural"),
        ("Tổ dân phố 1", "urban"),
    ]
    assert wizard.user.username == "quantri" and wizard.user.can("administer")
    assert current_signing_key(wizard.cdb.db) is None and office_key(wizard.cdb.db) is None


def test_an_existing_file_is_not_overwritten(wizard, tmp_path):
    taken = tmp_path / "xa.gnapp"
    taken.write_bytes(b"cu")
    wizard.file_page.path.setText(str(taken))
    assert not wizard.file_page.validatePage()
    assert "GNApp không ghi đè" in wizard.file_page.error.text()


def test_choosing_the_demo_ends_the_wizard(wizard):
    wizard.mode_page.demo.setChecked(True)
    assert wizard.mode_page.isFinalPage() and wizard.mode_page.nextId() == -1
    assert wizard.open_demo


def test_the_first_run_shows_the_wizard_then_remembers_the_new_file(qapp, monkeypatch, tmp_path):
    made = tmp_path / "xa.gnapp"
    shown = []

    def first_run():
        from gnapp.store.setup import (
            AdminAccount,
            CommuneIdentity,
            VillageEntry,
            create_commune_database,
        )

        cdb = create_commune_database(
            made,
            CommuneIdentity("21555", "Xã Sơn Minh", "xa", "Quảng Ngãi"),
            [VillageEntry("01", "Thôn An Phú")],
            AdminAccount("quantri", "Lê Văn Quản", "matkhau1"),
            cost=users.TEST_COST,
        )
        return cdb, users.get_user(cdb.db, "quantri"), False, None

    monkeypatch.setattr(ui_app, "_first_run", first_run)
    monkeypatch.setattr(ui_app, "_show", lambda app, cdb, user, demo: shown.append(user) or 0)
    assert preferences.last_database() is None
    assert ui_app.run_gui(None) == 0
    assert shown[0].username == "quantri"
    assert preferences.last_database() == made.resolve()


def test_closing_the_first_run_wizard_quits(qapp, monkeypatch):
    monkeypatch.setattr(ui_app, "_first_run", lambda: (None, None, False, None))
    monkeypatch.setattr(ui_app, "_show", pytest.fail)
    assert ui_app.run_gui(None) == 0


def test_the_wizard_speaks_vietnamese(wizard):
    assert wizard.buttonText(qt.QWizard.WizardButton.FinishButton) == "Hoàn tất"
    assert wizard.mode_page.title() == "Chào mừng đến với GNApp"


def office_key_file(folder):
    """A receiving office's public key file, as the office would send it."""
    from gnapp.packages.keys import AGREEMENT, PublicKey, new_key_pair, write_public_key

    _, public = new_key_pair(AGREEMENT)
    key = PublicKey(AGREEMENT, public, "office", "", "Sở Nông nghiệp và Môi trường", "2026-01-05")
    return key, write_public_key(key, folder)


def test_the_keys_can_be_set_up_with_the_commune(wizard, tmp_path):
    fill_identity(wizard.identity_page)
    wizard.villages_page.table.item(0, 1).setText("Thôn An Phú")
    admin = wizard.admin_page.fields
    admin.full_name.setText("Lê Văn Quản")
    admin.username.setText("quantri")
    admin.password.setText("matkhau1")
    admin.repeat.setText("matkhau1")
    admin.also["approver"].setChecked(True)
    for _ in range(4):
        wizard.next()
    signing = wizard.signing_key_page
    assert wizard.currentPage() is signing and not signing.fields.isVisibleTo(signing)
    signing.now.setChecked(True)
    assert signing.fields.isVisibleTo(signing)
    signing.fields.first.setText("mật khẩu")
    wizard.next()
    assert signing.error.text() == "Mật khẩu phải có ít nhất 10 ký tự."
    signing.fields.first.setText("mật khẩu khóa của xã")
    signing.fields.repeat.setText("mật khẩu khóa của xa")
    wizard.next()
    assert signing.error.text() == "Hai lần nhập mật khẩu khóa không giống nhau."
    signing.fields.repeat.setText("mật khẩu khóa của xã")
    wizard.next()
    office = wizard.office_key_page
    assert wizard.currentPage() is office
    key, path = office_key_file(tmp_path)
    office.now.setChecked(True)
    office.check.file.setText(str(path))
    office.check.typed.setText("AAAAA-BBBBB-CCCCC-DDDDD")
    wizard.next()
    assert "Dấu vân tay không khớp" in office.error.text()
    office.check.typed.setText(key.fingerprint)
    wizard.next()
    wizard.next()
    wizard.file_page.path.setText(str(tmp_path / "son-minh.gnapp"))
    wizard.accept()
    db = wizard.cdb.db
    assert current_signing_key(db).created_by == "Lê Văn Quản (quantri)"
    assert office_key(db).fingerprint == key.fingerprint
    from gnapp.packages.commune import unlock_signing_key

    unlock_signing_key(db, "mật khẩu khóa của xã")  # the passphrase typed protects it


def test_the_office_key_step_can_be_left_for_later(wizard):
    page = wizard.office_key_page
    assert page.later.isChecked() and page.key() is None and page.problems() == []
    page.now.setChecked(True)
    assert page.problems() == ["Chưa chọn tệp khóa công khai của cơ quan nhận."]
