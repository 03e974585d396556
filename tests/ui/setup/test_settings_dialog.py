"""The settings dialog: administrators only; identity, villages, signer and backups saved
together, or nothing with every problem listed."""

from __future__ import annotations

import pytest

from gnapp.store import users
from gnapp.store.register import get_commune, get_setting, villages
from gnapp.ui.setup.settings_dialog import SettingsDialog

ADMIN = users.User(1, "quantri", "Lê Văn Quản", ("admin",), True)


@pytest.fixture
def dialog(qtbot, demo_db):
    dialog = SettingsDialog(demo_db, ADMIN, None)
    qtbot.addWidget(dialog)
    return dialog


def test_only_an_administrator_opens_it(qapp, demo_db, signed_in):
    with pytest.raises(users.PermissionDenied, match="quản lý người dùng, cài đặt"):
        SettingsDialog(demo_db, signed_in, None)


def test_shows_and_saves_everything_together(dialog, demo_db):
    assert dialog.identity_fields.name.text() == "Xã Sơn Minh"
    assert dialog.villages.rowCount() == len(villages(demo_db.db))
    assert (
        not dialog.villages.item(0, 0).flags() & dialog.villages.item(0, 0).flags().ItemIsEditable
    )
    dialog.identity_fields.receiver.setText("UBND huyện Sơn Hà")
    dialog.identity_fields.receiver_kind.setCurrentIndex(1)
    dialog.villages.item(0, 1).setText("Thôn Mới Đổi Tên")
    dialog.add_village_row("99", "Tổ dân phố 9", "urban")
    dialog.signer_title.setCurrentText("CHỦ TỊCH")
    assert dialog.signing_blocks.text().splitlines() == [
        "Báo cáo: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
        "Quyết định công nhận: CHỦ TỊCH",
    ]
    dialog.bases["decision"].setText("qd-24-2021, standard")
    dialog.signer_name.setText("Trần Thị Bích")
    dialog.keep_daily.setValue(14)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    commune = get_commune(demo_db.db)
    assert (commune["receiving_office_name"], commune["receiving_office_kind"]) == (
        "UBND huyện Sơn Hà",
        "district",
    )
    names = {v["code"]: (v["name"], v["area"]) for v in villages(demo_db.db)}
    assert names["99"] == ("Tổ dân phố 9", "urban")
    assert ("Thôn Mới Đổi Tên", "rural") in names.values() or (
        "Thôn Mới Đổi Tên",
        "urban",
    ) in names.values()
    assert get_setting(demo_db.db, "document.signer_title") == "CHỦ TỊCH"
    assert get_setting(demo_db.db, "document.bases.decision") == ["qd-24-2021", "standard"]
    assert get_setting(demo_db.db, "backup_keep_daily") == 14


def test_problems_are_listed_and_nothing_is_saved(dialog, demo_db):
    before = get_commune(demo_db.db)
    dialog.identity_fields.code.setText("12")
    dialog.identity_fields.name.setText("Xã Đổi")
    dialog.add_village_row("", "Thôn Không Mã")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "Mã xã phải gồm 5 chữ số" in dialog.error.text()
    assert "chưa có mã thôn" in dialog.error.text()
    assert get_commune(demo_db.db) == before


def test_the_backup_folder_is_chosen_here_and_kept_on_saving(dialog, tmp_path, monkeypatch):
    from gnapp import preferences
    from gnapp.ui.setup import settings_dialog

    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))
    dialog.set_backup_root(None)
    usb = tmp_path / "o D" / "Sao lưu"
    monkeypatch.setattr(settings_dialog.QFileDialog, "getExistingDirectory", lambda *args: str(usb))
    dialog.findChild(settings_dialog.QPushButton, "choose_backup_folder").click()
    assert dialog.backup_folder.text().startswith(str(usb))
    assert preferences.backup_root() == tmp_path / "data" / "sao-luu"  # not before saving
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert preferences.backup_root() == usb


def test_an_unwritable_backup_folder_is_refused_at_once(dialog, tmp_path, monkeypatch):
    from gnapp import preferences

    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))
    before = dialog.backup_folder.text()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    dialog.set_backup_root(blocker / "x")
    assert "Không ghi được vào thư mục sao lưu" in dialog.error.text()
    assert dialog.backup_folder.text() == before
    assert preferences.backup_root() == tmp_path / "data" / "sao-luu"


def test_the_document_header_may_be_written_otherwise(dialog, demo_db):
    from gnapp.reporting.issuer import issuer

    place = dialog.header_lines["document.place"]
    assert place.text() == "" and place.placeholderText() == "Sơn Minh"  # derived, shown
    place.setText("Sơn Hà")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert get_setting(demo_db.db, "document.place") == "Sơn Hà"
    assert issuer(demo_db.db).place == "Sơn Hà"


def test_the_commune_is_asked_as_the_setup_wizard_asks_it(dialog):
    fields = dialog.identity_fields
    assert fields.province.isEditable() and fields.province.findText("Quảng Ngãi") >= 0
    fields.name.setText("  Sơn   Minh Mới ")
    assert dialog.identity().name == "Xã Sơn Minh Mới"  # the kind's word, as in the wizard
