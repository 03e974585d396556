"""English chosen on this computer: at sign-in (at once), in the settings (next start), by
``gnapp --language``; the windows then speak it, Qt's own buttons included, and Vietnamese again
after."""

from __future__ import annotations

import pytest

from gnapp import i18n, preferences
from gnapp.cli import main
from gnapp.store import users
from gnapp.store.database import open_database
from gnapp.store.register import add_village, save_commune
from gnapp.store.users import TEST_COST
from gnapp.ui import app as ui_app
from gnapp.ui.common import qt
from gnapp.ui.common.language import LanguageDialog
from gnapp.ui.common.sign_in import LoginDialog
from gnapp.ui.common.translations import apply_language
from gnapp.ui.main_window import MainWindow
from gnapp.ui.setup.settings_dialog import SettingsDialog

ADMIN = users.User(1, "quantri", "Lê Văn Quản", ("admin",), True)


@pytest.fixture(autouse=True)
def own_preferences(qapp, tmp_path, monkeypatch):
    """A preferences file of this test alone; Vietnamese again afterwards."""
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "user"))
    yield
    apply_language(qapp, "vi")


def _qt_buttons() -> set[str]:
    box = qt.QDialogButtonBox(
        qt.QDialogButtonBox.StandardButton.Ok | qt.QDialogButtonBox.StandardButton.Cancel
    )
    texts = {button.text().replace("&", "") for button in box.buttons()}
    box.deleteLater()
    return texts


@pytest.fixture
def commune(new_db):
    save_commune(new_db, code="99999", name="Xã Thử Nghiệm", kind="xa", province="Quảng Ngãi")
    add_village(new_db, "T01", "Thôn Đông", "rural")
    new_db.close()
    return new_db.path


@pytest.fixture
def shown_windows(monkeypatch, signed_in):
    """The main windows run_gui showed; the event loop returns at once."""
    windows = []
    build = ui_app.build_main_window
    monkeypatch.setattr(
        ui_app, "build_main_window", lambda *a: windows.append(build(*a)) or windows[-1]
    )
    monkeypatch.setattr(ui_app, "sign_in_to_commune", lambda cdb: signed_in)
    monkeypatch.setattr(qt.QApplication, "exec", lambda *args: 0)
    yield windows
    for window in windows:
        window.deleteLater()


def test_the_main_window_speaks_the_language_chosen_on_this_computer(qapp, commune, shown_windows):
    preferences.remember_language("en")
    assert ui_app.run_gui(commune) == 0
    english = shown_windows[-1]
    assert i18n.current_language() == "en"
    assert english.household_page.add_button.text() == "Add household…"
    assert english.household_page.search_box.placeholderText().startswith("Search by full name")
    headers = english.village_model
    assert headers.headerData(0, qt.Qt.Orientation.Horizontal, 0) == "Village"
    tooltip = headers.headerData(1, qt.Qt.Orientation.Horizontal, qt.Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("Rural or urban area")
    assert _qt_buttons() == {"OK", "Cancel"}
    assert qt.QLocale().language() == qt.QLocale.Language.English

    assert ui_app.run_gui(commune, language="vi") == 0  # the command line's choice wins
    vietnamese = shown_windows[-1]
    assert vietnamese.household_page.add_button.text() == "Thêm hộ…"
    assert vietnamese.village_model.headerData(0, qt.Qt.Orientation.Horizontal, 0) == (
        "Thôn/Tổ dân phố"
    )
    assert _qt_buttons() == {"Đồng ý", "Hủy"}
    assert preferences.preferred_language() == "en"  # --language is for this start only


def test_the_command_line_passes_its_language_to_the_gui(monkeypatch, tmp_path):
    started = []
    monkeypatch.setattr(ui_app, "run_gui", lambda *args, **kw: started.append((args, kw)) or 0)
    assert main(["--language", "en", "--db", str(tmp_path / "xa.gnapp")]) == 0
    assert started == [((tmp_path / "xa.gnapp",), {"demo": False, "language": "en"})]
    with pytest.raises(SystemExit):
        main(["--language", "xx"])


def test_signing_in_in_english_changes_the_dialog_at_once(qtbot, new_db):
    users.add_user(new_db, "canbo", "Nguyễn Thị Cán", ["clerk"], "matkhau1", TEST_COST)
    dialog = LoginDialog(new_db)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(qt.QDialogButtonBox.StandardButton.Ok)
    assert (dialog.windowTitle(), ok.text()) == ("GNApp — Đăng nhập", "Đăng nhập")
    assert dialog.language.currentText() == "Tiếng Việt"

    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert (dialog.windowTitle(), ok.text()) == ("GNApp — Sign in", "Sign in")
    assert dialog.labels[dialog.username].text() == "User name:"
    assert preferences.preferred_language() == "en" and i18n.current_language() == "en"
    assert _qt_buttons() == {"OK", "Cancel"}

    dialog.language.setCurrentIndex(dialog.language.findData("vi"))
    assert ok.text() == "Đăng nhập" and dialog.labels[dialog.password].text() == "Mật khẩu:"
    assert preferences.preferred_language() == "vi"
    assert _qt_buttons() == {"Đồng ý", "Hủy"}


def test_the_settings_keep_the_language_for_the_next_start(qtbot, demo_db):
    dialog = SettingsDialog(demo_db, ADMIN, None)
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == "vi"
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert preferences.preferred_language() == "vi"  # nothing before saving
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert preferences.preferred_language() == "en"
    assert i18n.current_language() == "vi"  # this session stays as it was


def test_the_settings_keep_no_language_when_they_cannot_be_saved(qtbot, demo_db):
    dialog = SettingsDialog(demo_db, ADMIN, None)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.identity_fields.code.setText("12")
    dialog.save()
    assert dialog.error.isVisibleTo(dialog)
    assert preferences.preferred_language() == "vi"


def _has_vietnamese(text: str) -> bool:
    return any(character.isalpha() and not character.isascii() for character in text)


def test_the_main_window_in_english_has_no_vietnamese_in_its_menus_and_navigation(
    qapp, qtbot, commune
):
    apply_language(qapp, "en")
    cdb = open_database(commune)
    window = MainWindow(cdb, ADMIN)
    qtbot.addWidget(window)
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "H&ouseholds", "&Users", "&Help"]
    entries = [
        text
        for menu in window.menuBar().actions()
        for action in menu.menu().actions()
        for text in (action.text(), action.statusTip())
    ]
    navigation = [window.navigation.item(row) for row in range(window.navigation.count())]
    texts = [*entries, *(item.text() for item in navigation), *(i.toolTip() for i in navigation)]
    assert "&Language / Ngôn ngữ…" in entries
    assert [text for text in texts if _has_vietnamese(text) and "Ngôn ngữ" not in text] == []
    assert window.total_name == "Whole commune"
    assert window.windowTitle() == "GNApp — Xã Thử Nghiệm"  # the commune's name is data
    cdb.close()


def test_the_language_menu_keeps_the_choice_for_the_next_start(qtbot, commune, monkeypatch):
    cdb = open_database(commune)
    window = MainWindow(cdb, ADMIN)
    qtbot.addWidget(window)

    def choose(language):
        def exec_(dialog):
            dialog.language.setCurrentIndex(dialog.language.findData(language))
            dialog.accept()
            return True

        monkeypatch.setattr(LanguageDialog, "exec", exec_)
        window.language_action.trigger()

    choose("en")
    assert preferences.preferred_language() == "en"
    assert i18n.current_language() == "vi"  # this session stays as it was
    assert window.statusBar().currentMessage() == (
        "Đã lưu ngôn ngữ English: áp dụng từ lần mở GNApp sau."
    )
    window.statusBar().clearMessage()
    choose("vi")
    assert preferences.preferred_language() == "vi"
    assert window.statusBar().currentMessage() == ""  # the language in use: nothing to say

    monkeypatch.setattr(LanguageDialog, "exec", lambda dialog: False)
    window.language_action.trigger()
    assert preferences.preferred_language() == "vi"
    cdb.close()


def test_the_language_dialog_keeps_nothing_when_cancelled(qtbot):
    dialog = LanguageDialog()
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == "vi"
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.reject()
    assert preferences.preferred_language() == "vi"
    dialog.accept()
    assert preferences.preferred_language() == "en"
