"""Starting the desktop application."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from gnapp.data import resource_file
from gnapp.i18n import tr
from gnapp.office.store.database import SUFFIX as OFFICE_SUFFIX
from gnapp.preferences import backup_root, last_database, preferred_language, remember_database
from gnapp.store.backups import (
    check_integrity,
    default_backup_folder,
    remove_stale_restore_files,
)
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.errors import DatabaseError
from gnapp.store.users import User, get_user
from gnapp.ui.common.jobs import in_background
from gnapp.ui.common.messages import show_message
from gnapp.ui.common.qt import (
    QApplication,
    QIcon,
    QMessageBox,
    QPixmap,
    QThreadPool,
)
from gnapp.ui.common.sign_in import LoginDialog, sign_in_at_start, sign_in_to_commune
from gnapp.ui.common.translations import apply_language
from gnapp.ui.common.window_size import MAIN_WINDOW_SIZE, fit_window
from gnapp.ui.main_window import MainWindow


def application_icon() -> QIcon:
    """GNApp's icon (resources/icons/gnapp.png), read from the bundled bytes."""
    pixmap = QPixmap()
    pixmap.loadFromData(resource_file("icons", "gnapp.png").read_bytes())
    return QIcon(pixmap)


def build_main_window(cdb: CommuneDatabase, user: User | None = None) -> MainWindow:
    """The main window on an open database for ``user``, sized to fit the screen (not
    shown)."""
    window = MainWindow(cdb, user)
    fit_window(window, MAIN_WINDOW_SIZE)
    return window


def _sign_in_to_a_new_demo(path: Path) -> tuple[CommuneDatabase | None, User | None]:
    """The sign-in window at once while a fresh demo commune is written at ``path`` in the
    background (generated the first time, with its progress in the window); the database and
    who signed in, or (None, None) when the user quits (the demo stops, nothing is left at
    ``path``). A demo that fails to be made raises its error, leaving nothing at ``path``."""
    from gnapp import demo  # the generator needs the classification engine: load it on demand

    dialog = LoginDialog(None, demo=True)
    failures: list[Exception] = []

    def made(_: object) -> None:
        try:
            dialog.set_database(open_database(path))
        except DatabaseError as error:
            failed(error)

    def failed(error: Exception) -> None:
        failures.append(error)
        dialog.reject()

    making = in_background(
        dialog,
        lambda progress: demo.fresh_demo_copy(path, progress=progress),
        made,
        failed,
        dialog.show_making,
    )
    dialog.exec()
    if making.running:  # quit while it was being made
        making.cancel()
        QThreadPool.globalInstance().waitForDone()
    if dialog.user is None:
        if dialog.cdb is not None:
            dialog.cdb.close()
        path.unlink(missing_ok=True)  # a half-made demo must not be opened as if it were whole
        if failures:
            raise failures[0]
        return None, None
    return dialog.cdb, dialog.user


def _first_run() -> tuple[CommuneDatabase | None, User | None, bool, tuple[Path, str] | None]:
    """The setup wizard: (the new database and its administrator, or) whether the clerk chose
    the demo, or the receiving office created by the office wizard with its administrator's user
    name; (None, None, False, None) when a wizard was closed."""
    from gnapp.ui.setup.setup_wizard import SetupWizard

    wizard = SetupWizard()
    if not wizard.exec():
        return None, None, False, None
    if wizard.create_office:
        return None, None, False, _create_office(None)
    return wizard.cdb, wizard.user, wizard.open_demo, None


def _create_office(path: Path | None) -> tuple[Path, str] | None:
    """The office wizard (the new file at ``path`` if given); the office created and its
    administrator's user name, or None."""
    from gnapp.ui.office.wizard import OfficeWizard

    wizard = OfficeWizard(path=path)
    wizard.exec()
    return None if wizard.path is None else (wizard.path, wizard.username)


def run_office_gui(app: QApplication, path: Path, created_by: str | None = None) -> int:
    """The receiving office's window on ``path`` until it is closed, once a user has signed in
    (a file without users first asks for its administrator); a missing file is offered to be
    created. ``created_by``: the office was just created by this administrator, who is signed
    in already."""
    from gnapp.office.store.database import open_office
    from gnapp.ui.office.session import OfficeSession
    from gnapp.ui.office.window import office_window

    if not path.exists():
        answer = QMessageBox.question(
            None,
            tr("GNApp — cơ quan nhận báo cáo"),
            tr("Chưa có tệp {path}. Tạo dữ liệu cơ quan nhận báo cáo mới?", path=path),
        )
        created = _create_office(path) if answer == QMessageBox.StandardButton.Yes else None
        if created is None:
            return 0
        created_by = created[1]
    try:
        office = open_office(path)
        name = office.identity.name
    except DatabaseError as error:
        show_message(
            None, QMessageBox.Icon.Critical, tr("GNApp — không mở được dữ liệu"), str(error)
        )
        return 1
    if created_by is not None:
        user: User | None = get_user(office.db, created_by, office.role_scheme)
    else:
        user = sign_in_at_start(office, name)
    if user is None:
        office.close()
        return 0
    window = office_window(OfficeSession(path, office, user))
    remember_database(path)
    window.show()
    try:
        return app.exec()
    finally:
        QThreadPool.globalInstance().waitForDone()  # a package still being received
        app.processEvents()
        window.session.office.close()


def _demo_path() -> Path:
    from gnapp.demo import BUNDLED_DEMO

    return Path(tempfile.mkdtemp(prefix="gnapp-demo-")) / BUNDLED_DEMO


def run_gui(
    path: Path | None,
    *,
    demo: bool = False,
    office: bool = False,
    argv: list[str] | None = None,
    language: str | None = None,
) -> int:
    """Open the commune database at ``path`` in the main window (with ``office``, or for a
    ``.gnoffice`` file, the receiving office's window); return the exit code.

    Without ``path``: the database opened last, or on the first run the setup wizard. With
    ``demo``, a missing ``path`` is first filled with a fresh copy of the demo commune. A
    database that fails its integrity check is never opened: the recovery dialog offers the last
    good backup. Backups are made once a day and on closing (not of the demo). The interface
    speaks ``language``, by default the one chosen on this computer.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1] if argv is None else argv)
    app.setApplicationName("GNApp")
    app.setOrganizationName("GNApp")
    app.setWindowIcon(application_icon())
    apply_language(app, language or preferred_language())
    if path is None and not demo:
        path = last_database()
        if path is None:
            cdb, user, demo, created_office = _first_run()
            if cdb is not None and user is not None:
                remember_database(cdb.path)
                return _show(app, cdb, user, demo=False)
            if created_office is not None:
                return run_office_gui(app, *created_office)
            if not demo:
                return 0
    path = _demo_path() if path is None else Path(path)
    if office or path.suffix == OFFICE_SUFFIX:
        return run_office_gui(app, path)
    if demo and not path.exists():
        cdb, user = _sign_in_to_a_new_demo(path)
        return 0 if cdb is None or user is None else _show(app, cdb, user, demo=True)
    try:
        _remove_leftovers(path)
        report = check_integrity(path) if path.exists() else None  # open_database says missing
        if report is not None and not report.sound:
            from gnapp.ui.setup.backup_dialog import recover_database

            folder = default_backup_folder(path, backup_root())
            if recover_database(None, path, report, folder) is None:
                return 1
        cdb = open_database(path)
    except DatabaseError as error:
        show_message(
            None, QMessageBox.Icon.Critical, tr("GNApp — không mở được dữ liệu"), str(error)
        )
        return 1
    user = sign_in_to_commune(cdb)
    if user is None:
        cdb.close()
        return 0
    if not demo:
        remember_database(path)
    return _show(app, cdb, user, demo=demo)


def _remove_leftovers(db_path: Path) -> None:
    """What a killed GNApp left half written: beside the database (a restore, an encrypted
    backup), in the folder of the last package and in the folders reports were last written
    into (the backup folder's are removed by the automatic backup)."""
    from gnapp.packages.build import remove_stale_writes
    from gnapp.paths import remove_stale_files
    from gnapp.preferences import report_folders
    from gnapp.reporting.builder import REPORT_TEMPORARIES
    from gnapp.ui.sending.package_dialog import last_folder

    remove_stale_restore_files(db_path)
    folder = last_folder()
    if folder is not None:
        remove_stale_writes(folder)
    for folder in report_folders():
        remove_stale_files(folder, REPORT_TEMPORARIES)


def _show(app: QApplication, cdb: CommuneDatabase, user: User, *, demo: bool) -> int:
    """The main window until it is closed; the database is closed after."""
    window = build_main_window(cdb, user)
    window.automatic_backups = not demo
    window.show()
    window.start_automatic_backup()
    try:
        return app.exec()
    finally:
        QThreadPool.globalInstance().waitForDone()  # a backup still being written
        app.processEvents()
        window.cdb.close()
