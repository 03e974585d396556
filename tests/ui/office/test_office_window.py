"""The receiving office's window: registering communes (the typed fingerprint must match),
receiving files (good, tampered, a correction), the watched folder, the board and the
consolidated report; opening a .gnoffice from the command line or as the database used last."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from gnapp.core.vietnamese import format_number
from gnapp.office.board import received_packages
from gnapp.office.consolidate import consolidate
from gnapp.office.registry import communes, office_public_key
from gnapp.office.store.database import open_office
from gnapp.packages import commune
from gnapp.packages.build import build_package, choose_report
from gnapp.store.database import open_database
from gnapp.store.register import save_commune
from gnapp.store.reports import load_report
from gnapp.ui import app as ui_app
from gnapp.ui.common import qt
from gnapp.ui.office import common as ui_common
from gnapp.ui.office import communes as ui_communes
from gnapp.ui.office import receive as ui_receive
from gnapp.ui.office import session as ui_session
from gnapp.ui.office.communes import RegisterDialog
from gnapp.ui.office.window import BOARD, CONSOLIDATION, office_window
from tests.packages import conftest as packages
from tests.packages.world import (
    KDF,
    OFFICE_PASSPHRASE,
    PASSPHRASE,
    SIGNER,
    office_head,
    save_annual_report,
    setup_commune,
)

# the commune, the office with the commune registered, and one package (tests/packages); a
# second commune; packages built quickly
world_files, world, office_private = packages.world_files, packages.world, packages.office_private
second_demo, quick = packages.second_demo, packages.quick


def open_office_window(path):
    """The office window on ``path`` for its head, as after signing in."""
    office = open_office(path)
    return office_window(ui_session.OfficeSession(path, office, office_head(office)))


@pytest.fixture
def window(qtbot, world, office_private, monkeypatch):
    monkeypatch.setattr(ui_receive.ReceiveView, "SETTLE_MS", 50)
    window = open_office_window(world.office)
    qtbot.addWidget(window)
    window.session.key = office_private  # unlocked once per session (tested on its own)
    window.show()
    yield window
    window.close()
    window.session.office.close()


def receive(qtbot, window, paths):
    view = window.receive_view
    before = view.table.rowCount()
    assert view.receive_paths(paths)
    qtbot.waitUntil(lambda: view.job is None and view.table.rowCount() > before, timeout=20000)
    return [view.table.item(row, 5).text() for row in range(before, view.table.rowCount())]


def write_key_file(key, folder: Path) -> Path:
    path = folder / key.file_name()
    path.write_bytes(key.file_bytes())
    return path


def second_commune(second_demo, tmp_path, office_key):
    """A copy of the second commune with its key and the office's, and a saved report."""
    path = tmp_path / "xa-hai.gnapp"
    shutil.copy(second_demo, path)
    key, report_id = setup_commune(path, office_key)
    return path, key, report_id


def build_from(path, folder, report_id, **options):
    with open_database(path) as cdb:
        report = choose_report(cdb, report_id)
        return build_package(
            cdb, report, passphrase=PASSPHRASE, folder=folder, **SIGNER, **options
        ).path


def test_a_wrong_fingerprint_registers_nothing(qtbot, window, world, tmp_path):
    with open_database(tmp_path / "xa3.gnapp", create=True) as cdb:
        save_commune(cdb, code="21557", name="Xã Tịnh Hà", kind="xa", province="Quảng Ngãi")
        key = commune.create_signing_key(cdb, PASSPHRASE, kdf=KDF).public
    dialog = RegisterDialog(window, window.session.office, window.session.user)
    qtbot.addWidget(dialog)
    assert dialog.load(write_key_file(key, tmp_path))
    # the file's fingerprint is not shown before the officer has typed what the commune read
    shown = " ".join(label.text() for label in dialog.findChildren(qt.QLabel))
    assert key.fingerprint not in shown and dialog.fingerprint.text() == "(hiện sau khi so khớp)"
    assert "Xã Tịnh Hà (mã 21557)" in dialog.about.text()
    assert dialog.replace.isHidden()
    dialog.typed.setText(world.commune_key.fingerprint)  # another commune's
    dialog.accept()
    assert "không khớp" in dialog.error.text() and dialog.result() == 0
    assert key.fingerprint not in dialog.fingerprint.text()  # not even after a wrong one
    assert [c.code for c in communes(window.session.office)] == ["21555"]
    dialog.typed.setText(key.fingerprint.lower().replace("-", " "))  # as typed from the phone
    dialog.accept()
    assert dialog.result() == qt.QDialog.DialogCode.Accepted
    assert [c.code for c in communes(window.session.office)] == ["21555", "21557"]


def test_a_registered_commune_needs_the_replace_choice(qtbot, window, world, tmp_path):
    dialog = RegisterDialog(window, window.session.office, window.session.user)
    qtbot.addWidget(dialog)
    with open_database(tmp_path / "xa-moi.gnapp", create=True) as cdb:
        save_commune(cdb, code="21555", name="Xã Sơn Minh", kind="xa", province="Quảng Ngãi")
        new_key = commune.create_signing_key(cdb, PASSPHRASE, kdf=KDF).public
    dialog.load(write_key_file(new_key, tmp_path))
    assert dialog.replace.isVisibleTo(dialog) and "quên mật khẩu" in dialog.replace_note.text()
    dialog.typed.setText(new_key.fingerprint)
    dialog.accept()
    assert "đã được đăng ký" in dialog.error.text() and "--replace" not in dialog.error.text()
    dialog.replace.setChecked(True)
    dialog.accept()
    (registered,) = communes(window.session.office)
    assert [k.revoked_at is not None for k in registered.keys] == [True, False]
    window.communes_view.refresh()
    states = [window.communes_view.table.item(r, 6).text() for r in range(2)]
    assert states[0].startswith("Đã thu hồi") and states[1] == "Đang dùng"


def test_received_files_show_on_the_board(qtbot, window, world, second_demo, tmp_path, quick):
    path, key, report_id = second_commune(second_demo, tmp_path, world.office_key)
    from gnapp.office.registry import register_commune

    register_commune(window.session.office, key, office_head(window.session.office))
    window.communes_view.refresh()
    assert window.communes_view.count.text() == "2 xã đã đăng ký"
    window.board_view.refresh()
    assert window.board_view.summary.text() == "Chưa nhận báo cáo nào."
    assert receive(qtbot, window, [world.package]) == ["Đã nhận"]
    board = window.board_view
    assert board.table.horizontalHeaderItem(1).text() == "Báo cáo năm 2025\nđã gửi 1/2 xã"
    assert board.table.item(0, 1).text().startswith("Đã nhận ")
    assert board.table.item(1, 1).text() == "Chưa gửi"
    assert "chưa gửi: Xã Thử Nghiệm" in board.summary.text()
    other = build_from(path, world.folder, report_id)
    assert receive(qtbot, window, [other]) == ["Đã nhận"]
    assert board.table.horizontalHeaderItem(1).text() == "Báo cáo năm 2025\nđã gửi 2/2 xã"
    board.period.setCurrentIndex(board.period.findData("2024"))  # no such period: everything
    board.kind.setCurrentIndex(board.kind.findData("annual"))
    assert board.table.columnCount() == 2


def test_a_tampered_file_is_refused_and_nothing_stored(qtbot, window, world, tmp_path):
    data = bytearray(world.package.read_bytes())
    data[len(data) // 2] ^= 0x10
    tampered = tmp_path / "hong.gnpkg"
    tampered.write_bytes(bytes(data))
    (result,) = receive(qtbot, window, [tampered])
    assert result.startswith("Từ chối: ") and " — " in result
    view = window.receive_view
    (receipt,) = view.receipts
    assert result == f"Từ chối: {receipt.failure.name} — {receipt.failure.message}"
    assert received_packages(window.session.office) == []
    view.table.selectRow(0)
    assert "KHÔNG NHẬN" in view.details.toPlainText()
    assert "[KHÔNG ĐẠT]" in view.details.toPlainText()


def test_earlier_receipts_are_listed_from_the_office_file(qtbot, window, world, tmp_path):
    from gnapp.ui.office.receive import ReceiptHistoryDialog

    data = bytearray(world.package.read_bytes())
    data[len(data) // 2] ^= 0x10
    tampered = tmp_path / "hong.gnpkg"
    tampered.write_bytes(bytes(data))
    receive(qtbot, window, [world.package])
    receive(qtbot, window, [tampered])
    dialog = ReceiptHistoryDialog(window.session.office, window)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 2
    assert table.item(0, 1).text() == "hong.gnpkg"
    assert table.item(0, 5).text().startswith("Từ chối: ")
    assert [table.item(1, c).text() for c in (1, 2, 3, 4, 5)] == [
        world.package.name,
        "Xã Sơn Minh",
        "Báo cáo năm 2025",
        "Lê Văn Lãnh (lanhdao)",  # the user of the window received both
        "Đã nhận",
    ]


def test_a_correction_is_shown_with_its_differences(qtbot, window, world, tmp_path, quick):
    assert receive(qtbot, window, [world.package]) == ["Đã nhận"]
    with open_database(world.commune, actor="Cán bộ thử") as cdb:
        figures = load_report(cdb.db, world.report_id).figures
        village = figures["end"]["villages"][0]
        village["households"] += 5
        corrected = save_annual_report(cdb, figures)
    package = build_from(world.commune, world.folder, corrected, encrypt=False)
    (result,) = receive(qtbot, window, [package])
    receipt = window.receive_view.receipts[-1]
    assert result == f"Bản sửa đổi: {len(receipt.differences)} số liệu thay đổi"
    window.receive_view.table.selectRow(1)
    details = window.receive_view.details.toPlainText()
    assert f"{village['name']}, Tổng số hộ:" in details
    assert "bản sửa lần 1" in window.board_view.table.item(0, 1).text()


def test_the_watched_folder_takes_in_a_new_file(qtbot, window, world, tmp_path):
    folder = tmp_path / "hop-thu"
    folder.mkdir()
    view = window.receive_view
    view.watch_folder.setText(str(folder))
    assert view.start_watching()
    assert view.watch_button.text() == "Dừng theo dõi"
    qtbot.waitUntil(lambda: view.job is None)
    assert view.table.rowCount() == 0
    shutil.copy(world.package, folder / world.package.name)
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=20000)
    assert view.table.item(0, 5).text() == "Đã nhận"
    assert window.session.office.setting("watched_folder") == str(folder)
    view.check_watched_folder()  # nothing new: no work started
    assert view.job is None and view.table.rowCount() == 1
    shutil.copy(world.package, folder / "ban-sao.gnpkg")  # the same bytes: not offered twice
    view.check_watched_folder()
    qtbot.waitUntil(lambda: view.job is None)
    assert view.table.rowCount() == 1
    shutil.rmtree(folder)
    view.check_watched_folder()
    assert "sẽ thử lại" in view.watch_state.text() and view.job is None
    view.stop_watching()
    assert not view.watching


def test_the_passphrase_is_asked_once(qtbot, world, monkeypatch):
    window = open_office_window(world.office)
    qtbot.addWidget(window)
    asked = []

    def exec_dialog(dialog):
        asked.append(dialog)
        dialog.passphrase.setText("sai mật khẩu rồi")
        dialog.accept()
        assert dialog.error.isVisibleTo(dialog) and dialog.key is None
        dialog.passphrase.setText(OFFICE_PASSPHRASE)
        dialog.accept()
        return dialog.key is not None

    monkeypatch.setattr(ui_session.PassphraseDialog, "exec", exec_dialog)
    try:
        assert window.session.unlock(window) is not None
        assert window.session.unlock(window) is window.session.key
        assert len(asked) == 1
        assert asked[0].passphrase.echoMode() == qt.QLineEdit.EchoMode.Password
    finally:
        window.session.office.close()


def test_consolidation_writes_the_core_totals(qtbot, window, world, second_demo, tmp_path, quick):
    path, key, report_id = second_commune(second_demo, tmp_path, world.office_key)
    from gnapp.office.registry import register_commune

    register_commune(window.session.office, key, office_head(window.session.office))
    other = build_from(path, world.folder, report_id)
    assert receive(qtbot, window, [world.package, other]) == ["Đã nhận", "Đã nhận"]
    window.navigation.setCurrentRow(CONSOLIDATION)
    view = window.consolidation_view
    assert view.period.currentData() == "2025" and view.kind.currentData() == "annual"
    core = consolidate(window.session.office, "2025", "annual")
    households = core.figures.end.commune.households
    assert view.summary.text().startswith("Tổng hợp 2/2 xã đã gửi")
    by_commune = view.tabs.widget(1)  # Phụ lục 2: the lists by commune
    total_row = by_commune.rowCount() - 1
    shown = [by_commune.item(total_row, c).text() for c in range(by_commune.columnCount())]
    assert format_number(households) in shown
    folder = tmp_path / "tong-hop"
    folder.mkdir()
    view.on.setDate(qt.QDate(2026, 1, 10))
    view.number.setText("7")
    assert view.write(folder) is not None
    qtbot.waitUntil(lambda: view.written is not None, timeout=30000)
    pdf, xlsx = view.written
    assert (pdf.name, xlsx.name) == (
        "tong-hop-bao-cao-nam-2025.pdf",
        "tong-hop-bao-cao-nam-2025.xlsx",
    )
    assert view.open_pdf.isEnabled() and view.preview.isEnabled()
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Số: 7/BC-SNNMT" in text and format_number(households) in text
    sheet = load_workbook(xlsx)["Theo xã"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    names = [row[0] for row in rows]
    # columns: the commune, "Tổng số hộ" at the start (cuối năm N−1), then at the period's end
    assert any("Tổng số hộ" in str(row[1]) for row in rows)
    parts = [rows[names.index(n)][2] for n in ("Xã Sơn Minh", "Xã Thử Nghiệm")]
    assert sum(parts) == households
    window.navigation.setCurrentRow(BOARD)
    assert window.pages.currentWidget() is window.board_view


def test_the_office_key_is_exported(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(ui_common, "ask_path", lambda *a, **k: tmp_path)
    monkeypatch.setattr(ui_communes, "show_message", lambda *a: None)
    written = ui_communes.export_office_key(window, window.session.office)
    key = office_public_key(window.session.office)
    assert written == tmp_path / key.file_name() and written.read_bytes() == key.file_bytes()
    assert window.communes_view.office_fingerprint.text() == key.fingerprint
    assert ui_communes.export_office_key(window, window.session.office) is None  # not overwritten


def test_an_office_file_opens_the_office_window(qapp, world, monkeypatch, tmp_path):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))  # the file used last: ours
    opened = []

    class App:
        def exec(self):
            opened.append(qt.QApplication.topLevelWidgets())
            return 0

        def processEvents(self):
            pass

    places = []
    monkeypatch.setattr(
        ui_app,
        "sign_in_at_start",
        lambda office, place: places.append(place) or office_head(office),
    )
    assert ui_app.run_office_gui(App(), world.office) == 0
    assert places == ["UBND tỉnh Quảng Ngãi"]  # signed in before the window
    windows = [w for w in opened[0] if w.__class__.__name__ == "OfficeWindow"]
    assert windows and windows[-1].windowTitle().endswith("UBND tỉnh Quảng Ngãi")
    from gnapp import preferences

    assert preferences.last_database() == world.office.resolve()
    chosen = []
    monkeypatch.setattr(ui_app, "run_office_gui", lambda app, path: chosen.append(path) or 0)
    assert ui_app.run_gui(None) == 0  # the database used last: the office
    assert ui_app.run_gui(Path("elsewhere.data"), office=True) == 0
    assert chosen == [world.office.resolve(), Path("elsewhere.data")]
    for window in windows:
        window.close()
        window.session.office.close()


def test_the_command_line_opens_an_office(monkeypatch, tmp_path):
    from gnapp import cli

    calls = []
    monkeypatch.setattr(
        ui_app, "run_gui", lambda path, **options: calls.append((path, options)) or 0
    )
    assert cli.main(["--office-db", str(tmp_path / "tinh.gnoffice")]) == 0
    assert calls == [(tmp_path / "tinh.gnoffice", {"office": True, "language": None})]


def test_dropped_files_are_received(qtbot, window, world):
    mime = qt.QMimeData()
    mime.setUrls([qt.QUrl.fromLocalFile(str(world.package))])
    area = window.receive_view.drop_area
    event = qt.QDropEvent(
        qt.QPointF(5, 5),
        qt.Qt.DropAction.CopyAction,
        mime,
        qt.Qt.MouseButton.LeftButton,
        qt.Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(area.dropped):
        area.dropEvent(event)
    qtbot.waitUntil(lambda: window.receive_view.table.rowCount() == 1, timeout=20000)
    qtbot.waitUntil(lambda: window.receive_view.job is None)
    assert window.receive_view.table.item(0, 5).text() == "Đã nhận"


def test_a_key_change_file_moves_the_commune_to_its_new_key(qtbot, window, world, tmp_path):
    with open_database(world.commune, actor="Cán bộ thử") as cdb:
        change = commune.change_signing_key(cdb, PASSPHRASE, "mật khẩu mới của xã", kdf=KDF)
    path = tmp_path / change.file_name()
    path.write_bytes(change.file_bytes())
    dialog = RegisterDialog(window, window.session.office, window.session.user)
    qtbot.addWidget(dialog)
    assert dialog.load(path)
    assert change.new_key.fingerprint not in dialog.fingerprint.text()
    assert "dùng từ gói số 2" in dialog.about.text() and dialog.replace.isHidden()
    dialog.typed.setText(change.new_key.fingerprint)
    dialog.accept()
    assert dialog.result() == qt.QDialog.DialogCode.Accepted
    window.communes_view.refresh()
    table = window.communes_view.table
    assert [table.item(r, 6).text() for r in range(2)] == ["Đã đổi sang khóa mới", "Đang dùng"]
    assert table.item(1, 4).text() == "Tệp đổi khóa"
    assert [table.item(r, 5).text() for r in range(2)] == ["gói số 1", "từ gói số 2"]
