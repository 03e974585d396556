"""Creating a receiving office: the setup wizard's first page chooses the office, whose wizard
holds each page until it is right, creates the office and shows its key's fingerprint."""

from __future__ import annotations

import pytest

from gnapp.office.registry import office_public_key, unlock_office_key
from gnapp.office.store.database import open_office
from gnapp.store.users import TEST_COST, list_users
from gnapp.ui import app as ui_app
from gnapp.ui.common import discard_guard, qt
from gnapp.ui.office import common as ui_common
from gnapp.ui.office import communes as ui_communes
from gnapp.ui.office import wizard as ui_wizard
from gnapp.ui.office.wizard import OfficeWizard
from gnapp.ui.setup.setup_wizard import SetupWizard
from tests.packages.world import KDF


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def wizard(qtbot, monkeypatch):
    monkeypatch.setattr(ui_wizard, "KDF", KDF)
    monkeypatch.setattr(ui_wizard, "COST", TEST_COST)
    wizard = OfficeWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def fill_identity(page):
    for name, text in {
        "name": "UBND tỉnh Quảng Ngãi",
        "parent_body": "UBND TỈNH QUẢNG NGÃI",
        "office": "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "place": "Quảng Ngãi",
        "area": "tỉnh  Quảng Ngãi",
    }.items():
        page.fields[name].setText(text)
    page.province.setEditText("Quảng Ngãi")
    page.signer_name.setText("Trần Văn Bình")


def fill_admin(page):
    page.fields.full_name.setText("Lê Văn Lãnh")
    page.fields.username.setText("lanhdao")
    page.fields.password.setText("matkhau1")
    page.fields.repeat.setText("matkhau1")


def test_the_wizard_creates_the_office(wizard, tmp_path, monkeypatch):
    identity_page, file_page, key_page = wizard.identity_page, wizard.file_page, wizard.key_page
    admin_page = wizard.admin_page
    wizard.next()  # nothing typed: held
    assert wizard.currentPage() is identity_page
    assert "Chưa nhập: Tên cơ quan trong văn bản" in identity_page.error.text()
    assert "Chưa chọn tỉnh, thành phố." in identity_page.error.text()
    fill_identity(identity_page)
    wizard.next()
    assert wizard.currentPage() is admin_page
    admin_page.fields.full_name.setText("Lê Văn Lãnh")
    admin_page.fields.username.setText("lanhdao")
    admin_page.fields.password.setText("ngan")
    wizard.next()  # the password as short as a commune's may not be: held
    assert wizard.currentPage() is admin_page
    assert admin_page.error.text() == "Mật khẩu phải có ít nhất 8 ký tự."
    admin_page.fields.password.setText("matkhau1")
    admin_page.fields.repeat.setText("matkhau2")
    wizard.next()
    assert admin_page.error.text() == "Hai lần nhập mật khẩu không giống nhau."
    fill_admin(admin_page)
    wizard.next()
    assert wizard.currentPage() is file_page
    assert file_page.path.text().endswith("ubnd-tinh-quang-ngai.gnoffice")
    assert wizard.button(qt.QWizard.WizardButton.CommitButton).text() == "Tạo dữ liệu cơ quan"
    path = tmp_path / "tinh.gnoffice"
    file_page.path.setText(str(path))
    file_page.passphrase.setText("ngắn")
    wizard.next()
    assert "ít nhất 10 ký tự" in file_page.error.text() and not path.exists()
    file_page.passphrase.setText("mật khẩu của tỉnh 2026")
    file_page.repeat.setText("mật khẩu khác 2026")
    wizard.next()
    assert file_page.error.text() == "Hai lần nhập mật khẩu không giống nhau."
    file_page.repeat.setText("mật khẩu của tỉnh 2026")
    wizard.next()
    assert wizard.currentPage() is key_page and wizard.path == path
    with open_office(path) as office:
        assert office.identity.area == "tỉnh Quảng Ngãi"
        assert office.identity.kind == "province" and office.identity.signer_name == "Trần Văn Bình"
        key = office_public_key(office)
        unlock_office_key(office, "mật khẩu của tỉnh 2026")
        (admin,) = list_users(office.db, office.role_scheme)
    assert (admin.username, admin.full_name, admin.roles) == ("lanhdao", "Lê Văn Lãnh", ("admin",))
    assert wizard.username == "lanhdao"
    assert key_page.fingerprint.text() == key.fingerprint
    monkeypatch.setattr(ui_common, "ask_path", lambda *a, **k: tmp_path)
    monkeypatch.setattr(ui_communes, "show_message", lambda *a: None)
    key_page.export()
    assert (tmp_path / key.file_name()).read_bytes() == key.file_bytes()
    assert key_page.exported.text().startswith("Đã ghi ")
    assert wizard.buttonText(qt.QWizard.WizardButton.FinishButton) == "Mở cơ quan"
    # the office exists: nothing left to cancel on the last page
    assert not wizard.button(qt.QWizard.WizardButton.CancelButton).isVisible()


def test_esc_or_closing_asks_before_the_typing_is_lost(qtbot, wizard, monkeypatch):
    asked = []
    monkeypatch.setattr(discard_guard, "ask_discard", lambda parent: asked.append(1) or False)
    wizard.identity_page.fields["name"].setText("UBND tỉnh Quảng Ngãi")
    qtbot.keyClick(wizard, qt.Qt.Key.Key_Escape)
    assert asked == [1] and wizard.isVisible()  # "Quay lại": everything stays
    wizard.close()
    assert asked == [1, 1] and wizard.isVisible()
    assert wizard.identity_page.fields["name"].text() == "UBND tỉnh Quảng Ngãi"
    monkeypatch.setattr(discard_guard, "ask_discard", lambda parent: asked.append(2) or True)
    wizard.reject()  # "Hủy"
    assert asked[-1] == 2 and not wizard.isVisible()


def test_nothing_typed_closes_without_asking(qtbot, wizard, monkeypatch):
    monkeypatch.setattr(discard_guard, "ask_discard", pytest.fail)
    qtbot.keyClick(wizard, qt.Qt.Key.Key_Escape)
    assert not wizard.isVisible()


def test_tab_goes_down_the_page(qtbot, wizard):
    page = wizard.identity_page
    fields = [page.kind, *page.fields.values(), page.province, page.symbol, page.signer_title,
              page.signer_name]  # fmt: skip
    tops = [field.mapTo(page, field.rect().topLeft()).y() for field in fields]
    assert tops == sorted(tops)  # the list is in the page's visual order
    chain, widget = [], fields[0]
    for _ in fields:
        chain.append(widget)
        widget = widget.nextInFocusChain()
        while widget not in fields and widget is not fields[0]:
            widget = widget.nextInFocusChain()
    assert chain == fields


def test_an_existing_file_is_not_overwritten(wizard, tmp_path):
    taken = tmp_path / "tinh.gnoffice"
    taken.write_bytes(b"cu")
    wizard.file_page.path.setText(str(taken))
    wizard.file_page.passphrase.setText("mật khẩu của tỉnh 2026")
    wizard.file_page.repeat.setText("mật khẩu của tỉnh 2026")
    assert wizard.file_page.problems() == [
        f"Đã có tệp {taken}: hãy chọn tên khác (GNApp không ghi đè dữ liệu có sẵn)."
    ]


def test_the_mode_page_leads_to_the_office(qtbot):
    setup = SetupWizard()
    qtbot.addWidget(setup)
    setup.show()
    page = setup.mode_page
    assert not page.isFinalPage() and page.nextId() == 1  # the commune's pages
    page.office.setChecked(True)
    assert page.isFinalPage() and page.nextId() == -1 and setup.create_office
    finish = setup.button(qt.QWizard.WizardButton.FinishButton)
    assert finish.isVisible() and finish.text() == "Tiếp >"
    assert not setup.button(qt.QWizard.WizardButton.NextButton).isVisible()
    page.demo.setChecked(True)
    assert finish.isVisible() and finish.text() == "Hoàn tất" and setup.open_demo
    page.commune.setChecked(True)
    assert not finish.isVisible()
    setup.next()
    assert setup.currentPage() is setup.identity_page


def test_the_first_run_hands_over_to_the_office(qapp, monkeypatch, tmp_path):
    made = tmp_path / "tinh.gnoffice"

    class Chosen:
        create_office, cdb, user, open_demo = True, None, None, False

        def exec(self):
            return True

    monkeypatch.setattr("gnapp.ui.setup.setup_wizard.SetupWizard", Chosen)
    monkeypatch.setattr(ui_app, "_create_office", lambda path: (made, "lanhdao"))
    assert ui_app._first_run() == (None, None, False, (made, "lanhdao"))
    opened = []
    monkeypatch.setattr(ui_app, "_first_run", lambda: (None, None, False, (made, "lanhdao")))
    monkeypatch.setattr(
        ui_app, "run_office_gui", lambda app, path, admin: opened.append((path, admin)) or 0
    )
    assert ui_app.run_gui(None) == 0
    assert opened == [(made, "lanhdao")]
