"""Backups in the GUI: the "Sao lưu / Phục hồi" dialog, the automatic backups of the main
window, and the recovery dialog shown at start when the database fails its check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from gnapp.core.passphrase import MIN_PASSPHRASE
from gnapp.core.vietnamese import format_number
from gnapp.i18n import tr, tr_noop
from gnapp.progress import Progress
from gnapp.store.backup_encryption import check_backup_passphrase, is_encrypted
from gnapp.store.backups import (
    DEFAULT_KEEP_DAILY,
    DEFAULT_KEEP_MONTHLY,
    KEEP_DAILY_SETTING,
    KEEP_MONTHLY_SETTING,
    KIND_LABELS,
    SUFFIX,
    BackupDescription,
    IntegrityReport,
    RestoreResult,
    automatic_backup,
    check_integrity,
    decrypt_backup,
    describe_backup,
    last_good_backup,
    list_backups,
    make_backup,
    remove_decrypted,
    restore_backup,
)
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.register import get_setting
from gnapp.ui.common.jobs import Job, run_job
from gnapp.ui.common.key_fields import secret_field
from gnapp.ui.common.messages import ask_path, show_message
from gnapp.ui.common.models import TextRow, TextTableModel
from gnapp.ui.common.qt import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSize,
    QStatusBar,
    Qt,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.widgets import table_view
from gnapp.ui.common.window_size import fit_window

COLUMNS = (
    tr_noop("Thời điểm"), tr_noop("Loại"), tr_noop("Xã, phường"), tr_noop("Số hộ"),
    tr_noop("Nhân khẩu"), tr_noop("Rà soát gần nhất"), tr_noop("Dung lượng"),
)  # fmt: skip
NOTE_STYLE = "color: #444444;"


class MainWindowLike(Protocol):
    """What the backups use of the main window (this area does not import it)."""

    @property
    def cdb(self) -> CommuneDatabase: ...

    @property
    def backup_folder(self) -> Path: ...

    @property
    def backup_job(self) -> Job | None: ...

    def statusBar(self) -> QStatusBar: ...

    def open_path(self, path: Path) -> bool: ...


def _backup_filter() -> str:
    return tr("Bản sao lưu GNApp (*{suffix} *.gnapp)", suffix=SUFFIX)


def backup_row(path: Path) -> TextRow:
    """One backup as a table row; its full description is the tooltip."""
    if is_encrypted(path):
        note = tr("Được mã hóa: cần mật khẩu để xem")
        return TextRow((path.name, "", note, "", "", "", ""), note)
    try:
        info = describe_backup(path)
    except DatabaseError as error:
        return TextRow((path.name, "", tr("Không đọc được: tệp hỏng"), "", "", "", ""), str(error))
    return TextRow(
        (
            info.when,
            _capitalized(
                tr(KIND_LABELS[info.kind]) if info.kind in KIND_LABELS else tr("tệp dữ liệu")
            ),
            info.commune_name or tr("Chưa khai báo"),
            format_number(info.households),
            format_number(info.members),
            _capitalized(info.last_review or tr("chưa có")),
            info.size_text,
        ),
        "\n".join(info.lines()),
    )


class BackupPassphraseDialog(QDialog):
    """The passphrase of a backup leaving the data folder (``new``: typed twice, checked), or of
    an encrypted backup to restore."""

    def __init__(self, parent: QWidget | None, *, new: bool) -> None:
        super().__init__(parent)
        self.new = new
        self.setWindowTitle(tr("Mật khẩu bản sao lưu"))
        self.first = secret_field("backup_passphrase")
        self.repeat = secret_field("backup_passphrase_repeat")
        self.problem = QLabel(objectName="problem")
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        if new:
            layout.addWidget(
                _note(
                    tr(
                        "Bản sao lưu ra ngoài chứa họ tên và số định danh của mọi người trong xã, "
                        "nên được mã hóa bằng mật khẩu này. Không ai lấy lại được mật khẩu: nếu "
                        "quên, không phục hồi được từ bản sao lưu này. Hãy ghi ra giấy và cất nơi "
                        "an toàn."
                    )
                )
            )
            form.addRow(tr("Mật khẩu (ít nhất {count} ký tự):", count=MIN_PASSPHRASE), self.first)
            form.addRow(tr("Nhập lại mật khẩu:"), self.repeat)
        else:
            form.addRow(tr("Bản sao lưu này được mã hóa. Mật khẩu:"), self.first)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            tr("Sao lưu") if new else tr("Mở")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Hủy"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def accept(self) -> None:
        try:
            if self.new:
                check_backup_passphrase(self.first.text(), self.repeat.text())
            elif not self.first.text():
                raise DatabaseError(tr("Hãy nhập mật khẩu của bản sao lưu."))
        except DatabaseError as error:
            self.problem.setText(str(error))
            return
        super().accept()


def ask_backup_passphrase(parent: QWidget, *, new: bool) -> str | None:
    """The passphrase typed, or None when the user cancelled."""
    dialog = BackupPassphraseDialog(parent, new=new)
    return dialog.first.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _indented(lines: list[str]) -> str:
    return "\n".join(f"    {line}" for line in lines)


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(NOTE_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def confirm_restore(
    parent: QWidget, backup: BackupDescription, current: BackupDescription | None, folder: Path
) -> bool:
    """Say what will be replaced by what, and where the current data is kept; True to go on.
    ``current`` is None when the current data cannot be read."""
    parts = []
    if current is not None and backup.commune_code != current.commune_code:
        parts.append(
            tr(
                "LƯU Ý: bản sao lưu là của {backup}, khác với xã đang mở ({current}).",
                backup=backup.commune_text,
                current=current.commune_text,
            )
            + "\n"
        )
    parts += [
        tr("Dữ liệu xã đang dùng sẽ được thay bằng nội dung của bản sao lưu:"),
        _indented(backup.lines()),
        "",
        tr("Dữ liệu đang dùng (sẽ bị thay):"),
        _indented(current.lines()[:5] if current else [tr("không đọc được (tệp hỏng)")]),
        "",
        tr("Trước khi thay, GNApp giữ lại một bản sao của dữ liệu đang dùng trong thư mục:"),
        str(folder),
        tr("Nếu cần, có thể phục hồi lại từ bản sao đó."),
    ]
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        tr("Phục hồi dữ liệu từ bản sao lưu?"),
        "\n".join(parts),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 560px; }")  # lines stay whole
    restore = box.addButton(tr("Phục hồi"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(tr("Hủy"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is restore


def restored_text(result: RestoreResult) -> str:
    text = tr("Đã phục hồi dữ liệu từ bản sao lưu lúc {when}.", when=result.restored.when)
    if result.kept_copy is not None:
        text += "\n\n" + tr(
            "Dữ liệu trước khi phục hồi được giữ lại trong tệp:\n{kept_copy}",
            kept_copy=result.kept_copy,
        )
    return text


def run_automatic_backup(
    window: MainWindowLike, *, closing: bool, on_end: Callable[[], None]
) -> Job:
    """The backup due now, off the GUI thread; ``on_end`` runs however it ends."""
    db_path, folder = window.cdb.path, window.backup_folder

    def work(progress: Progress) -> Path | None:
        return automatic_backup(db_path, folder, closing=closing, progress=progress)

    def done(made: Path | None) -> None:
        if made is not None:
            window.statusBar().showMessage(tr("Đã sao lưu tự động vào {made}", made=made), 15000)
        on_end()

    def failed(error: Exception) -> None:
        show_message(
            window,
            QMessageBox.Icon.Warning,
            tr("Không sao lưu tự động được"),
            tr(
                "{error}\n\nDữ liệu vẫn nằm nguyên trong tệp {db_path}. Hãy sao lưu ra USB: menu "
                "Tệp → Sao lưu / Phục hồi.",
                error=error,
                db_path=db_path,
            ),
        )
        on_end()

    label = (
        tr("Đang sao lưu dữ liệu trước khi đóng…")
        if closing
        else tr("Đang sao lưu dữ liệu hằng ngày…")
    )
    return run_job(window, tr("Sao lưu tự động"), label, work, done, failed, on_end)


class BackupDialog(QDialog):
    """Make a backup now (here or to a USB drive), see the backups and what each holds, and
    restore one after a confirmation."""

    def __init__(self, main: MainWindowLike) -> None:
        super().__init__(main)  # type: ignore[arg-type]  # the main window is a QWidget
        self.main = main
        self.job: Job | None = None
        self.paths: list[Path] = []
        self.setWindowTitle(tr("Sao lưu / Phục hồi dữ liệu"))
        self.setWindowModality(Qt.WindowModality.WindowModal)

        self.folder_label = _note()
        self.make_button = QPushButton(tr("Sao lưu ngay"))
        self.make_button.setToolTip(tr("Sao lưu vào thư mục sao lưu của máy này"))
        self.make_button.clicked.connect(self.make_now)
        self.usb_button = QPushButton(tr("Sao lưu ra USB hoặc thư mục khác…"))
        self.usb_button.setToolTip(tr("Chọn ổ USB hoặc một thư mục rồi sao lưu vào đó"))
        self.usb_button.clicked.connect(self.make_to_folder)
        self.check_button = QPushButton(tr("Kiểm tra dữ liệu"))
        self.check_button.setToolTip(
            tr("Kiểm tra toàn vẹn tệp dữ liệu và chuỗi mã băm của nhật ký thay đổi")
        )
        self.check_button.clicked.connect(self.check_data)
        actions = QHBoxLayout()
        actions.addWidget(self.make_button)
        actions.addWidget(self.usb_button)
        actions.addStretch()
        actions.addWidget(self.check_button)

        self.model = TextTableModel(COLUMNS, numeric_columns=(3, 4, 6), parent=self)
        self.view = table_view(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(self.restore_selected)
        self.empty_note = _note()
        group = QGroupBox(
            tr("Các bản sao lưu (mới nhất trước; rê chuột lên một dòng để xem chi tiết)")
        )
        group_layout = QVBoxLayout(group)
        group_layout.addWidget(self.view)
        group_layout.addWidget(self.empty_note)

        self.restore_button = QPushButton(tr("Phục hồi từ bản đã chọn…"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton(tr("Phục hồi từ tệp khác…"))
        self.restore_file_button.setToolTip(tr("Chọn một bản sao lưu, ví dụ trên USB"))
        self.restore_file_button.clicked.connect(self.restore_from_file)
        close_button = QPushButton(tr("Đóng"))
        close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.restore_button)
        bottom.addWidget(self.restore_file_button)
        bottom.addStretch()
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addLayout(actions)
        layout.addWidget(group, 1)
        layout.addLayout(bottom)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.refresh()
        fit_window(self, QSize(1000, 460))

    @property
    def folder(self) -> Path:
        return self.main.backup_folder

    def refresh(self) -> None:
        """List the backups in the folder, newest first, and say how they are kept."""
        db = self.main.cdb.db
        daily = get_setting(db, KEEP_DAILY_SETTING, DEFAULT_KEEP_DAILY)
        monthly = get_setting(db, KEEP_MONTHLY_SETTING, DEFAULT_KEEP_MONTHLY)
        self.folder_label.setText(
            tr(
                "Thư mục sao lưu: {folder}\nGNApp tự sao lưu mỗi ngày và mỗi lần đóng phần mềm, "
                "giữ các bản của {daily} ngày gần nhất và {monthly} tháng gần nhất; bản sao lưu "
                "theo yêu cầu được giữ cho đến khi bạn tự xóa.",
                folder=self.folder,
                daily=daily,
                monthly=monthly,
            )
        )
        self.paths = [backup.path for backup in list_backups(self.folder)]
        self.model.set_rows(backup_row(path) for path in self.paths)
        self.view.setVisible(bool(self.paths))
        self.empty_note.setVisible(not self.paths)
        self.empty_note.setText(tr("Chưa có bản sao lưu nào trong thư mục này."))
        if self.paths:
            self.view.selectRow(0)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected_path() is not None)

    def selected_path(self) -> Path | None:
        rows = self.view.selectionModel().selectedRows()
        return self.paths[rows[0].row()] if rows and self.paths else None

    def _run(
        self,
        title: str,
        label: str,
        work: Callable[[Progress], object],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        on_cancel: Callable[[], None] = lambda: None,
    ) -> None:
        """``work`` off the GUI thread; ``self.job`` is set until one of the callbacks ran."""

        def ended(callback: Callable[..., None]) -> Callable[..., None]:
            def run(*result: Any) -> None:
                self.job = None
                callback(*result)

            return run

        self.job = run_job(self, title, label, work, ended(on_done), ended(on_error),
                           ended(on_cancel))  # fmt: skip

    def _busy(self) -> bool:
        """Whether a backup or a restore is still running (and say so)."""
        if self.main.backup_job is None and self.job is None:
            return False
        show_message(
            self,
            QMessageBox.Icon.Information,
            tr("Đang sao lưu"),
            tr("GNApp đang sao lưu dữ liệu. Hãy thử lại sau giây lát."),
        )
        return True

    # --- backing up ---------------------------------------------------------------------------

    def make_now(self) -> None:
        self._make(self.folder)

    def make_to_folder(self) -> None:
        folder = ask_path(
            self,
            tr("Chọn ổ USB hoặc thư mục để sao lưu"),
            Path.home(),
            mode=QFileDialog.FileMode.Directory,
            accept=tr("Sao lưu vào đây"),
        )
        if folder is None:
            return
        passphrase = ask_backup_passphrase(self, new=True)
        if passphrase is not None:
            self._make(folder, passphrase)

    def _make(self, folder: Path, passphrase: str | None = None) -> None:
        if self._busy():
            return
        db_path = self.main.cdb.path

        def work(progress: Progress) -> Path:
            return make_backup(db_path, folder, "manual", progress, passphrase=passphrase)

        self._run(tr("Sao lưu"), tr("Đang sao lưu dữ liệu…"), work, self._made, self._backup_failed)

    def _made(self, made: Path) -> None:
        self.refresh()
        text = tr("Đã sao lưu dữ liệu vào tệp:\n{made}", made=made)
        if is_encrypted(made):
            text += "\n\n" + tr("Bản sao lưu được mã hóa: cần đúng mật khẩu vừa nhập để phục hồi.")
        if made.parent != self.folder:
            text += "\n\n" + tr(
                "Nếu đó là ổ USB, hãy bấm “Tháo thiết bị an toàn” trước khi rút ra."
            )
        show_message(self, QMessageBox.Icon.Information, tr("Đã sao lưu"), text)

    def _backup_failed(self, error: Exception) -> None:
        show_message(self, QMessageBox.Icon.Critical, tr("Không sao lưu được"), str(error))

    # --- checking -----------------------------------------------------------------------------

    def check_data(self) -> None:
        """The full check of ``gnapp db check``: SQLite's integrity and the change log's chain."""
        if self._busy():
            return
        db_path = self.main.cdb.path

        def work(_progress: Progress) -> IntegrityReport:
            return check_integrity(db_path, quick=False)

        self._run(tr("Kiểm tra dữ liệu"), tr("Đang kiểm tra dữ liệu…"), work, self._checked,
                  self._check_failed)  # fmt: skip

    def _checked(self, report: IntegrityReport) -> None:
        icon = QMessageBox.Icon.Information if report.passed else QMessageBox.Icon.Critical
        show_message(self, icon, tr("Kiểm tra dữ liệu"), "\n".join(report.lines()))

    def _check_failed(self, error: Exception) -> None:
        show_message(self, QMessageBox.Icon.Critical, tr("Không kiểm tra được"), str(error))

    # --- restoring ----------------------------------------------------------------------------

    def restore_selected(self) -> None:
        path = self.selected_path()
        if path is not None:
            self.restore_from(path)

    def restore_from_file(self) -> None:
        path = ask_path(self, tr("Chọn bản sao lưu để phục hồi"), self.folder, _backup_filter())
        if path is not None:
            self.restore_from(path)

    def restore_from(self, backup: Path) -> None:
        """Check the backup (an encrypted one: its passphrase asked, then decrypted beside the
        database), show what it holds and ask for confirmation, then replace the open database
        with it."""
        if self._busy():
            return
        if not is_encrypted(backup):
            self._confirm_and_restore(backup, None)
            return
        passphrase = ask_backup_passphrase(self, new=False)
        if passphrase is None:
            return
        db_path = self.main.cdb.path

        def work(progress: Progress) -> Path:
            return decrypt_backup(backup, passphrase, db_path, progress)

        def failed(error: Exception) -> None:
            show_message(self, QMessageBox.Icon.Critical, tr("Không phục hồi được"), str(error))

        self._run(tr("Phục hồi"), tr("Đang giải mã bản sao lưu…"), work,
                  lambda plain: self._confirm_and_restore(plain, backup), failed)  # fmt: skip

    def _confirm_and_restore(self, source: Path, named_as: Path | None) -> None:
        """Restore from ``source``: the backup, or the copy decrypted from ``named_as``
        (removed at the end, whatever happens)."""

        def cleaned(callback: Callable[..., None]) -> Callable[..., None]:
            def run(*result: Any) -> None:
                if named_as is not None:
                    remove_decrypted(source)
                callback(*result)

            return run

        problem = check_integrity(source).restore_problem
        if problem is not None:
            cleaned(lambda: None)()
            show_message(self, QMessageBox.Icon.Critical, tr("Không phục hồi được"), problem)
            return
        main, folder = self.main, self.folder
        db_path = main.cdb.path
        try:
            current = describe_backup(db_path)
        except DatabaseError:
            current = None
        described = describe_backup(source, named_as=named_as)
        if not confirm_restore(self, described, current, folder):
            cleaned(lambda: None)()
            return
        main.cdb.close()  # the file is replaced: nothing may hold it open

        def work(progress: Progress) -> RestoreResult:
            return restore_backup(source, db_path, folder, progress, named_as=named_as)

        def done(result: RestoreResult) -> None:
            main.open_path(db_path)
            self.refresh()
            show_message(
                self, QMessageBox.Icon.Information, tr("Đã phục hồi"), restored_text(result)
            )

        def failed(error: Exception) -> None:
            main.open_path(db_path)
            text = str(error)
            if tr("giữ nguyên") not in text:
                text += "\n\n" + tr("Dữ liệu đang dùng vẫn giữ nguyên.")
            show_message(self, QMessageBox.Icon.Critical, tr("Không phục hồi được"), text)

        self._run(
            tr("Phục hồi"),
            tr("Đang phục hồi dữ liệu…"),
            work,
            cleaned(done),
            cleaned(failed),
            cleaned(lambda: main.open_path(db_path)),
        )


class RecoveryDialog(QDialog):
    """Shown at start when the database fails its integrity check: restore the last good
    backup (what it holds is shown), choose another backup file, or quit."""

    def __init__(
        self, parent: QWidget | None, db_path: Path, report: IntegrityReport, folder: Path
    ) -> None:
        super().__init__(parent)
        self.db_path, self.folder = db_path, folder
        self.candidate: BackupDescription | None = None
        self.restored: RestoreResult | None = None
        self.job: Job | None = None
        self.decrypted: tuple[Path, Path] | None = None  # (plain copy, the encrypted backup)
        self.setWindowTitle(tr("GNApp — dữ liệu xã bị hỏng"))

        intro = QLabel(
            tr(
                "Tệp dữ liệu xã bị hỏng. GNApp không mở tệp này để không ghi thêm vào chỗ hỏng:\n"
                "{db_path}",
                db_path=db_path,
            )
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("font-weight: bold;")
        details = _note(tr("Chi tiết cho cán bộ kỹ thuật: {summary}", summary=report.summary))
        details.setToolTip("\n".join(report.problems))
        self.candidate_box = QGroupBox()
        self.candidate_label = QLabel()
        self.candidate_label.setWordWrap(True)
        self.candidate_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.candidate_box).addWidget(self.candidate_label)
        note = _note(
            tr(
                "Khi phục hồi, GNApp giữ lại một bản của tệp hỏng trong thư mục sao lưu để cán bộ "
                "kỹ thuật xem nếu cần. Những gì nhập sau thời điểm sao lưu sẽ phải nhập lại."
            )
        )

        self.restore_button = QPushButton(tr("Phục hồi từ bản sao lưu này"))
        self.restore_button.clicked.connect(self.restore)
        self.choose_button = QPushButton(tr("Chọn tệp sao lưu khác…"))
        self.choose_button.setToolTip(tr("Chọn một bản sao lưu, ví dụ trên USB"))
        self.choose_button.clicked.connect(self.choose_file)
        self.quit_button = QPushButton(tr("Thoát"))
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.choose_button)
        buttons.addStretch()
        buttons.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(details)
        layout.addWidget(self.candidate_box)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self.show_candidate(last_good_backup(folder), latest=True)
        fit_window(self, QSize(720, self.sizeHint().height()))

    def show_candidate(self, info: BackupDescription | None, *, latest: bool = False) -> None:
        """Offer ``info`` for the restore, saying what it holds."""
        self.candidate = info
        self.restore_button.setEnabled(info is not None)
        self.restore_button.setDefault(info is not None)
        if info is None:
            self.candidate_box.setTitle(tr("Chưa có bản sao lưu"))
            self.candidate_label.setText(
                tr(
                    "Không tìm thấy bản sao lưu nào còn tốt trong thư mục {folder}.\nNếu đã sao "
                    "lưu ra USB, hãy cắm USB rồi bấm “Chọn tệp sao lưu khác…”.",
                    folder=self.folder,
                )
            )
            return
        self.candidate_box.setTitle(
            tr("Bản sao lưu gần nhất còn tốt") if latest else tr("Bản sao lưu đã chọn")
        )
        decrypted = self.decrypted
        shown = decrypted[1] if decrypted and decrypted[0] == info.path else info.path
        self.candidate_label.setText(f"{shown}\n" + "\n".join(info.lines()))

    def choose_file(self) -> None:
        path = ask_path(self, tr("Chọn bản sao lưu để phục hồi"), self.folder, _backup_filter())
        if path is None:
            return
        if not is_encrypted(path):
            self._offer(path, None)
            return
        passphrase = ask_backup_passphrase(self, new=False)
        if passphrase is None:
            return
        db_path = self.db_path

        def work(progress: Progress) -> Path:
            return decrypt_backup(path, passphrase, db_path, progress)

        def failed(error: Exception) -> None:
            show_message(self, QMessageBox.Icon.Critical, tr("Không dùng được tệp này"), str(error))

        self.job = run_job(self, tr("Phục hồi dữ liệu"), tr("Đang giải mã bản sao lưu…"), work,
                           lambda plain: self._offer(plain, path), failed)  # fmt: skip

    def _offer(self, source: Path, named_as: Path | None) -> None:
        """Show ``source`` (a backup, or the copy decrypted from ``named_as``) as the one to
        restore, once it passed its check."""
        self._forget_decrypted()
        if named_as is not None:
            self.decrypted = (source, named_as)
        problem = check_integrity(source).restore_problem
        if problem is not None:
            self._forget_decrypted()
            show_message(self, QMessageBox.Icon.Critical, tr("Không dùng được tệp này"), problem)
            return
        self.show_candidate(describe_backup(source, named_as=named_as))

    def _forget_decrypted(self) -> None:
        if self.decrypted is not None:
            remove_decrypted(self.decrypted[0])
            self.decrypted = None

    def done(self, result: int) -> None:
        self._forget_decrypted()
        super().done(result)

    def restore(self) -> None:
        if self.candidate is None:
            return
        backup, db_path, folder = self.candidate.path, self.db_path, self.folder
        named_as = self.decrypted[1] if self.decrypted and self.decrypted[0] == backup else None

        def work(progress: Progress) -> RestoreResult:
            return restore_backup(backup, db_path, folder, progress, named_as=named_as)

        def done(result: RestoreResult) -> None:
            self.restored = result
            show_message(
                self, QMessageBox.Icon.Information, tr("Đã phục hồi"), restored_text(result)
            )
            self.accept()

        def failed(error: Exception) -> None:
            show_message(self, QMessageBox.Icon.Critical, tr("Không phục hồi được"), str(error))

        self.job = run_job(
            self, tr("Phục hồi dữ liệu"), tr("Đang phục hồi dữ liệu…"), work, done, failed
        )


def recover_database(
    parent: QWidget | None, db_path: Path, report: IntegrityReport, folder: Path
) -> RestoreResult | None:
    """The guided way back from a broken database; None when the user quits."""
    dialog = RecoveryDialog(parent, db_path, report, folder)
    dialog.exec()
    return dialog.restored
