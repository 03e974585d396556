"""The receiving office's areas: registered communes and their keys, receiving packages (files,
folders, drag and drop, a watched folder), the board, and the consolidated report.

The office database stays open on the GUI thread for reading; receiving and writing the
consolidated files run in jobs (gnapp/ui/jobs.py) that open their own connection. The office
key is unlocked once per session and kept in memory only (never the passphrase).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from gnapp.core.vietnamese import format_date, format_number, format_timestamp, local_time
from gnapp.i18n import tr, tr_noop
from gnapp.office.board import board, column_label, receipt_history, received_packages
from gnapp.office.consolidate import (
    Consolidation,
    ConsolidationError,
    consolidate,
    consolidation_tables,
    write_consolidation,
)
from gnapp.office.database import OfficeDatabase, open_office
from gnapp.office.receive import Receipt, expand, receive_files
from gnapp.office.registry import (
    CommuneKey,
    apply_key_change,
    communes,
    find_commune,
    office_public_key,
    register_commune,
    unlock_office_key,
)
from gnapp.packages.keys import (
    KEY_CHANGE_SUFFIX,
    PUBLIC_KEY_SUFFIX,
    SIGNING,
    KeyChange,
    KeyProblem,
    PublicKey,
    read_key_change,
    read_public_key,
    same_fingerprint,
)
from gnapp.packages.manifest import SUFFIX as PACKAGE_SUFFIX
from gnapp.progress import Progress
from gnapp.reporting.figures import FiguresError, parse_period, report_kind
from gnapp.store.errors import DatabaseError
from gnapp.ui.common.annex_table import annex_table_widget
from gnapp.ui.common.jobs import Job, run_job
from gnapp.ui.common.messages import ask_path, show_message
from gnapp.ui.common.print_preview import preview_dialog
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QBrush,
    QCheckBox,
    QColor,
    QComboBox,
    QDate,
    QDateEdit,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QDragEnterEvent,
    QDropEvent,
    QFileDialog,
    QFileSystemWatcher,
    QFont,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimer,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import busy, error_label

SENT_COLOUR = QColor("#dff0d8")
CORRECTED_COLOUR = QColor("#fcf0cf")
MISSING_COLOUR = QColor("#f6dcdc")
KEY_FILTER = tr_noop("Tệp khóa của xã (*.gnpub *.gnkeychange)")
PACKAGE_FILTER = tr_noop("Gói báo cáo GNApp (*.gnpkg)")


def fingerprint_label() -> QLabel:
    label = QLabel(objectName="fingerprint")
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(13)
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _table(headers: list[str]) -> QTableWidget:
    """A read-only table with whole rows selected."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setHighlightSections(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))


def _day(stamp: str) -> str:
    return format_date(local_time(stamp).date())


def _report_name(kind: str) -> str:
    try:
        return report_kind(kind).name
    except FiguresError:
        return kind


def open_file(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# --- the session: the open office and its unlocked key -------------------------------------


class PassphraseDialog(QDialog):
    """Asks for the office key's passphrase (hidden) and unlocks the key."""

    def __init__(self, parent: QWidget | None, office: OfficeDatabase) -> None:
        super().__init__(parent)
        self.office = office
        self.key: X25519PrivateKey | None = None
        self.setWindowTitle(tr("Mở khóa của cơ quan"))
        intro = QLabel(
            tr(
                "Các gói báo cáo được mã hóa bằng khóa của cơ quan. Nhập mật khẩu khóa một lần; "
                "phần mềm giữ khóa đã mở trong bộ nhớ đến khi đóng cửa sổ."
            )
        )
        intro.setWordWrap(True)
        self.passphrase = QLineEdit(objectName="passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        buttons = QDialogButtonBox()
        buttons.addButton(tr("Mở khóa"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(tr("Mật khẩu khóa:"), self.passphrase)
        form.addRow(self.error)
        form.addRow(buttons)
        self.resize(460, self.sizeHint().height())

    def accept(self) -> None:
        try:
            with busy():
                self.key = unlock_office_key(self.office, self.passphrase.text())
        except KeyProblem as problem:
            self.error.setText(str(problem))
            self.error.show()
            self.passphrase.selectAll()
            return
        super().accept()


@dataclass
class OfficeSession:
    """The office open in the window: its database (GUI thread) and, once unlocked, its key."""

    path: Path
    office: OfficeDatabase
    key: X25519PrivateKey | None = None

    def unlock(self, parent: QWidget | None) -> X25519PrivateKey | None:
        """The office key, asking for the passphrase the first time; None when cancelled."""
        if self.key is None:
            dialog = PassphraseDialog(parent, self.office)
            if dialog.exec():
                self.key = dialog.key
        return self.key


# --- registering communes --------------------------------------------------------------------


class RegisterDialog(QDialog):
    """Register a commune from its public key file (.gnpub), or take in its key change
    (.gnkeychange), once the officer has typed the fingerprint read out by phone."""

    def __init__(self, parent: QWidget | None, office: OfficeDatabase) -> None:
        super().__init__(parent)
        self.office = office
        self.key: PublicKey | None = None
        self.change: KeyChange | None = None
        self.content = b""
        self.setWindowTitle(tr("Đăng ký xã"))
        self.file_label = QLabel(tr("Chưa chọn tệp."), objectName="file")
        self.file_label.setWordWrap(True)
        choose = QPushButton(tr("Chọn tệp khóa…"))
        choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(choose)
        self.about = QLabel(objectName="about")
        self.about.setWordWrap(True)
        self.fingerprint = fingerprint_label()
        self.typed = QLineEdit(objectName="typed", placeholderText="XXXXX-XXXXX-XXXXX-…")
        self.replace = QCheckBox(
            tr("Xã đã tạo khóa mới vì quên mật khẩu: thay khóa cũ (khóa cũ bị thu hồi)")
        )
        self.replace_note = QLabel(
            tr(
                "Xã này đã được đăng ký với một khóa khác. Chỉ thay khi xã báo đã quên mật khẩu "
                "khóa cũ: các gói ký bằng khóa cũ sẽ bị từ chối từ nay. Nếu xã chỉ đổi khóa "
                "(còn nhớ mật khẩu), hãy dùng tệp đổi khóa (.gnkeychange) do xã gửi."
            )
        )
        self.replace_note.setWordWrap(True)
        for widget in (self.replace, self.replace_note):
            widget.hide()
        self.error = error_label()
        steps = QLabel(
            tr(
                "1. Chọn tệp khóa công khai (.gnpub) hoặc tệp đổi khóa (.gnkeychange) xã gửi.\n"
                "2. Gọi điện cho xã, nhờ cán bộ xã đọc dấu vân tay khóa của xã.\n"
                "3. Gõ lại dấu vân tay nghe được: chỉ đăng ký khi khớp với dấu vân tay dưới đây."
            )
        )
        steps.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.register_button = self.buttons.addButton(
            tr("Đăng ký"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.register_button.setEnabled(False)
        self.buttons.addButton(tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(steps)
        form.addRow(tr("Tệp:"), file_row)
        form.addRow(self.about)
        form.addRow(tr("Dấu vân tay trong tệp:"), self.fingerprint)
        form.addRow(tr("Dấu vân tay xã đọc qua điện thoại:"), self.typed)
        form.addRow(self.replace)
        form.addRow(self.replace_note)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.setMinimumWidth(680)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, tr("Chọn tệp khóa của xã"), str(Path.home()), tr(KEY_FILTER)
        )
        if chosen:
            self.load(Path(chosen))

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.adjustSize()

    def load(self, path: Path) -> bool:
        """Read the key file and show what it holds; False (with the reason) when unreadable."""
        self.key, self.change = None, None
        self.register_button.setEnabled(False)
        self.fingerprint.clear()
        self.about.clear()
        self.replace.setChecked(False)
        for widget in (self.replace, self.replace_note):
            widget.hide()
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))
        try:
            self.content = path.read_bytes()
            if path.suffix == KEY_CHANGE_SUFFIX:
                self.change = read_key_change(self.content)
            elif path.suffix == PUBLIC_KEY_SUFFIX:
                self.key = read_public_key(self.content, SIGNING)
            else:
                raise KeyProblem(
                    tr(
                        "Cần tệp {public} hoặc {change}: {name}",
                        public=PUBLIC_KEY_SUFFIX,
                        change=KEY_CHANGE_SUFFIX,
                        name=path.name,
                    )
                )
        except OSError as error:
            self._say(tr("Không đọc được tệp {name}: {reason}", name=path.name, reason=error))
            return False
        except KeyProblem as problem:
            self._say(str(problem))
            return False
        self._say("")
        if self.change is not None:
            change = self.change
            self.about.setText(
                tr(
                    "Tệp đổi khóa của {commune} (mã {code}): khóa cũ {old} được thay bằng khóa "
                    "mới, dùng từ gói số {sequence}.",
                    commune=change.commune_name,
                    code=change.commune_code,
                    old=change.old_key.fingerprint,
                    sequence=change.from_sequence,
                )
            )
            self.fingerprint.setText(change.new_key.fingerprint)
        else:
            assert self.key is not None
            known = find_commune(self.office, self.key.owner_code)
            self.about.setText(
                tr(
                    "Khóa ký của {commune} (mã {code}).",
                    commune=self.key.owner_name,
                    code=self.key.owner_code,
                )
            )
            self.fingerprint.setText(self.key.fingerprint)
            for widget in (self.replace, self.replace_note):
                widget.setVisible(known is not None)
        self.register_button.setEnabled(True)
        self.adjustSize()
        return True

    def accept(self) -> None:
        expected = self.fingerprint.text()
        if not expected:
            return
        if not same_fingerprint(self.typed.text(), expected):
            self._say(
                tr(
                    "Dấu vân tay gõ vào không khớp với khóa trong tệp: không đăng ký. Hãy hỏi "
                    "lại xã; nếu vẫn khác, có thể tệp đã bị thay đổi trên đường gửi."
                )
            )
            return
        try:
            if self.change is not None:
                apply_key_change(self.office, self.change, self.content)
            else:
                assert self.key is not None
                register_commune(self.office, self.key, replace=self.replace.isChecked())
        except KeyProblem as problem:
            self._say(str(problem).replace("--replace", tr("“thay khóa cũ”")))
            return
        super().accept()


def export_office_key(parent: QWidget | None, office: OfficeDatabase) -> Path | None:
    """Write the office's public key file into a folder the officer chooses."""
    key = office_public_key(office)
    folder = ask_path(
        parent,
        tr("Xuất khóa của cơ quan vào thư mục"),
        Path.home(),
        mode=QFileDialog.FileMode.Directory,
        accept=tr("Chọn"),
    )
    if folder is None:
        return None
    path = folder / key.file_name()
    if path.exists():
        show_message(
            parent,
            QMessageBox.Icon.Warning,
            tr("Không ghi đè"),
            tr("Đã có tệp {path}: không ghi đè.", path=path),
        )
        return None
    try:
        path.write_bytes(key.file_bytes())
    except OSError as error:
        show_message(parent, QMessageBox.Icon.Critical, tr("Không ghi được"), str(error))
        return None
    show_message(
        parent,
        QMessageBox.Icon.Information,
        tr("Đã xuất khóa của cơ quan"),
        tr(
            "Đã ghi {path}.\n\nGửi tệp này cho các xã. Khi xã nhập khóa, đọc cho xã dấu vân tay:"
            "\n{fingerprint}",
            path=path,
            fingerprint=key.fingerprint,
        ),
    )
    return path


def _key_range(key: CommuneKey) -> str:
    if key.until_sequence is None:
        return tr("từ gói số {first}", first=key.from_sequence)
    last = key.until_sequence - 1
    if last < key.from_sequence:
        return tr("không gói nào")  # changed again before it signed a package
    if last == key.from_sequence:
        return tr("gói số {first}", first=key.from_sequence)
    return tr("gói số {first}–{last}", first=key.from_sequence, last=last)


def _key_state(key: CommuneKey) -> str:
    if key.revoked_at is not None:
        return tr("Đã thu hồi {day}", day=_day(key.revoked_at))
    if key.until_sequence is not None:
        return tr("Đã đổi sang khóa mới")
    return tr("Đang dùng")


KEY_SOURCES = {
    "file": tr_noop("Tệp khóa công khai"),
    "change": tr_noop("Tệp đổi khóa"),
    "replacement": tr_noop("Đăng ký lại (quên mật khẩu)"),
}


class CommunesView(QWidget):
    """ "Xã đã đăng ký": the communes and every key registered for them."""

    changed = Signal()

    def __init__(self, session: OfficeSession) -> None:
        super().__init__()
        self.session = session
        key_box = QGroupBox(tr("Khóa mã hóa của cơ quan (gửi cho các xã)"))
        self.office_fingerprint = fingerprint_label()
        export = QPushButton(tr("Xuất khóa của cơ quan…"))
        export.clicked.connect(lambda: export_office_key(self, self.session.office))
        key_row = QHBoxLayout(key_box)
        key_row.addWidget(QLabel(tr("Dấu vân tay:")))
        key_row.addWidget(self.office_fingerprint, 1)
        key_row.addWidget(export)
        self.register_button = QPushButton(tr("Đăng ký xã…"))
        self.register_button.clicked.connect(self.register)
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.register_button)
        self.table = _table(
            [
                tr("Mã xã"),
                tr("Tên xã"),
                tr("Dấu vân tay khóa ký"),
                tr("Đăng ký ngày"),
                tr("Nguồn"),
                tr("Dùng cho"),
                tr("Trạng thái"),
            ]
        )
        layout = QVBoxLayout(self)
        layout.addWidget(key_box)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        self.office_fingerprint.setText(office_public_key(self.session.office).fingerprint)
        rows = []
        registered = communes(self.session.office)
        for commune in registered:
            for key in commune.keys:
                rows.append(
                    [
                        commune.code,
                        commune.name,
                        key.public.fingerprint,
                        _day(key.registered_at),
                        tr(KEY_SOURCES[key.source]),
                        _key_range(key),
                        _key_state(key),
                    ]
                )
        _fill(self.table, rows)
        for row, values in enumerate(rows):
            if values[-1] != tr("Đang dùng"):
                for column in range(len(values)):
                    self.table.item(row, column).setForeground(QBrush(QColor("#777777")))
        self.table.resizeColumnsToContents()
        self.count.setText(tr("{count} xã đã đăng ký", count=len(registered)))

    def register(self) -> RegisterDialog:
        dialog = RegisterDialog(self, self.session.office)
        dialog.accepted.connect(self._registered)
        dialog.open()
        return dialog

    def _registered(self) -> None:
        self.refresh()
        self.changed.emit()


# --- receiving -------------------------------------------------------------------------------


def receipt_cells(receipt: Receipt) -> list[str]:
    """File, commune, report, period and the result, as the receipt table shows them."""
    manifest = receipt.verification.manifest
    commune = report = period = ""
    if manifest is not None:
        commune, report = manifest.commune_name, manifest.report_name
        try:
            period = parse_period(manifest.period).label
        except FiguresError:
            period = manifest.period
    if not receipt.accepted:
        failure = receipt.failure
        result = (
            tr("Từ chối: {check} — {message}", check=failure.name, message=failure.message)
            if failure
            else tr("Từ chối: chưa kiểm tra đủ các bước")
        )
    elif receipt.corrects is not None:
        result = tr("Bản sửa đổi: {count} số liệu thay đổi", count=len(receipt.differences))
    else:
        result = tr("Đã nhận")
    return [receipt.file_name, commune, report, period, result]


def receipt_details(receipt: Receipt) -> str:
    """Everything about one receipt: the summary, the figures a correction changed, each
    check."""
    lines = [receipt.summary()]
    if receipt.differences:
        lines += ["", tr("Các số liệu thay đổi so với bản đã nhận trước:")]
        lines += [f"  {difference.line()}" for difference in receipt.differences]
    lines += ["", tr("Các bước kiểm tra:"), receipt.verification.report()]
    return "\n".join(lines)


def receive_work(
    path: Path, paths: list[Path], key: X25519PrivateKey
) -> Callable[[Progress], list[Receipt]]:
    """A job's work: receive ``paths`` (folders: their new packages) into the office at
    ``path``, file by file, with progress; the receipts."""

    def work(progress: Progress) -> list[Receipt]:
        with open_office(path) as office:
            files = expand(office, paths)
            receipts: list[Receipt] = []
            for done, file in enumerate(files):
                progress(done, len(files), tr("Đang kiểm tra và nhận {name}…", name=file.name))
                receipts += receive_files(office, [file], key)
            return receipts

    return work


class ReceiptHistoryDialog(QDialog):
    """Every file offered to the office, newest first, with what became of it."""

    def __init__(self, office: OfficeDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Các lần nhận trước"))
        records = receipt_history(office)
        self.table = _table([tr("Lúc"), tr("Tệp"), tr("Xã"), tr("Báo cáo"), tr("Kết quả")])
        _fill(
            self.table,
            [
                [
                    format_timestamp(record.at),
                    record.file_name,
                    record.commune_name or "",
                    record.report or "",
                    tr("Từ chối: {message}", message=record.message)
                    if not record.accepted
                    else tr("Bản sửa đổi")
                    if record.correction
                    else tr("Đã nhận"),
                ]
                for record in records
            ],
        )
        for row, record in enumerate(records):
            colour = (
                MISSING_COLOUR
                if not record.accepted
                else CORRECTED_COLOUR
                if record.correction
                else SENT_COLOUR
            )
            self.table.item(row, 4).setBackground(QBrush(colour))
            self.table.item(row, 4).setToolTip(self.table.item(row, 4).text())
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        count = QLabel(
            tr("{count} tệp, mới nhất trước.", count=format_number(len(records)))
            if records
            else tr("Chưa có tệp nào được đưa vào.")
        )
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(count)
        layout.addWidget(self.table, 1)
        layout.addWidget(close)
        self.resize(980, 480)


class DropArea(QFrame):
    """Where package files or folders are dropped."""

    dropped = Signal(list)

    def __init__(self) -> None:
        super().__init__(objectName="dropArea")
        self.setAcceptDrops(True)
        self.setStyleSheet(
            "QFrame#dropArea { border: 2px dashed #8a9bb0; border-radius: 6px; "
            "background: #f4f7fb; }"
        )
        label = QLabel(
            tr("Kéo thả các tệp gói báo cáo (.gnpkg) hoặc một thư mục vào đây để nhận"),
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.setMinimumHeight(70)

    @staticmethod
    def _paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._paths(event)
        if paths:
            event.acceptProposedAction()
            self.dropped.emit(paths)


class ReceiveView(QWidget):
    """ "Nhận báo cáo": files, folders, drops and a watched folder; a receipt line per file."""

    received = Signal()
    unlocked = Signal()
    WATCH_INTERVAL_MS = 10_000  # also look now and then: network folders may not notify
    SETTLE_MS = 1_500  # let a file being copied into the watched folder finish

    def __init__(self, session: OfficeSession) -> None:
        super().__init__()
        self.session = session
        self.job: Job | None = None
        self.pending: list[Path] = []
        self.receipts: list[Receipt] = []
        self.watched_files: list[tuple[str, int, int]] | None = None
        choose_files = QPushButton(tr("Chọn tệp gói…"))
        choose_files.clicked.connect(self.choose_files)
        choose_folder = QPushButton(tr("Nhận cả thư mục…"))
        choose_folder.setToolTip(tr("Nhận các gói trong thư mục chưa từng được đưa vào"))
        choose_folder.clicked.connect(self.choose_folder)
        self.drop_area = DropArea()
        self.drop_area.dropped.connect(self.receive_paths)
        history = QPushButton(tr("Các lần nhận trước…"))
        history.setToolTip(tr("Mọi tệp đã đưa vào cơ quan: đã nhận, bản sửa, bị từ chối"))
        history.clicked.connect(lambda: ReceiptHistoryDialog(self.session.office, self).exec())
        buttons = QVBoxLayout()
        buttons.addWidget(choose_files)
        buttons.addWidget(choose_folder)
        buttons.addWidget(history)
        top = QHBoxLayout()
        top.addLayout(buttons)
        top.addWidget(self.drop_area, 1)

        watch_box = QGroupBox(tr("Theo dõi thư mục"))
        self.watch_folder = QLineEdit(objectName="watchFolder", readOnly=True)
        self.watch_folder.setPlaceholderText(
            tr("Thư mục dùng chung hoặc nơi lưu tệp đính kèm thư điện tử")
        )
        saved = session.office.setting("watched_folder")
        if saved:
            self.watch_folder.setText(saved)
        pick = QPushButton(tr("Chọn…"))
        pick.clicked.connect(self.pick_watch_folder)
        self.watch_button = QPushButton(tr("Bắt đầu theo dõi"))
        self.watch_button.clicked.connect(self.toggle_watch)
        self.watch_state = QLabel(tr("Không theo dõi."))
        watch_layout = QVBoxLayout(watch_box)
        watch_row = QHBoxLayout()
        watch_row.addWidget(self.watch_folder, 1)
        watch_row.addWidget(pick)
        watch_row.addWidget(self.watch_button)
        watch_layout.addLayout(watch_row)
        watch_layout.addWidget(self.watch_state)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _: self.settle.start())
        self.settle = QTimer(self, singleShot=True, interval=self.SETTLE_MS)
        self.settle.timeout.connect(self.check_watched_folder)
        self.poll = QTimer(self, interval=self.WATCH_INTERVAL_MS)
        self.poll.timeout.connect(self.check_watched_folder)

        self.table = _table(
            [tr("Lúc"), tr("Tệp"), tr("Xã"), tr("Báo cáo"), tr("Kỳ"), tr("Kết quả")]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self.show_selected)
        self.details = QPlainTextEdit(objectName="details", readOnly=True)
        self.details.setPlaceholderText(tr("Chọn một dòng để xem chi tiết các bước kiểm tra."))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([300, 140])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(watch_box)
        layout.addWidget(QLabel(tr("Kết quả nhận trong phiên làm việc này:")))
        layout.addWidget(splitter, 1)

    # --- what to receive

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self, tr("Chọn các gói báo cáo"), str(Path.home()), tr(PACKAGE_FILTER)
        )
        if chosen:
            self.receive_paths([Path(name) for name in chosen])

    def choose_folder(self) -> None:
        folder = ask_path(
            self,
            tr("Nhận các gói trong thư mục"),
            Path.home(),
            mode=QFileDialog.FileMode.Directory,
            accept=tr("Nhận"),
        )
        if folder is not None:
            self.receive_paths([folder])

    def _unlock(self) -> X25519PrivateKey | None:
        key = self.session.unlock(self)
        if key is not None:
            self.unlocked.emit()
        return key

    def receive_paths(self, paths: list[Path]) -> bool:
        """Receive these files and folders in the background (after the running job, if
        any); False when the office key stayed locked."""
        if self._unlock() is None:
            return False
        if self.job is not None:
            self.pending += [p for p in paths if p not in self.pending]
            return True
        key = self.session.key
        assert key is not None
        self.job = run_job(
            self,
            tr("Nhận gói báo cáo"),
            tr("Đang kiểm tra các gói…"),
            receive_work(self.session.path, list(paths), key),
            self._received,
            self._failed,
            self._ended,
        )
        return True

    def _ended(self) -> None:
        self.job = None
        if self.pending:
            paths, self.pending = self.pending, []
            self.receive_paths(paths)

    def _received(self, receipts: list[Receipt]) -> None:
        at = format_timestamp(self.session.office.now())
        for receipt in receipts:
            self.add_receipt(receipt, at)
        if any(r.accepted for r in receipts):
            self.received.emit()
        self._ended()

    def _failed(self, error: Exception) -> None:
        show_message(self, QMessageBox.Icon.Critical, tr("Không nhận được"), str(error))
        self._ended()

    def add_receipt(self, receipt: Receipt, at: str) -> None:
        self.receipts.append(receipt)
        row = self.table.rowCount()
        self.table.insertRow(row)
        colour = (
            MISSING_COLOUR
            if not receipt.accepted
            else CORRECTED_COLOUR
            if receipt.corrects is not None
            else SENT_COLOUR
        )
        for column, text in enumerate([at, *receipt_cells(receipt)]):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if column == 5:
                item.setBackground(QBrush(colour))
            self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.scrollToBottom()

    def show_selected(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        self.details.setPlainText(
            receipt_details(self.receipts[min(rows)]) if len(rows) == 1 else ""
        )

    # --- the watched folder

    @property
    def watching(self) -> bool:
        return self.poll.isActive()

    def pick_watch_folder(self) -> None:
        folder = ask_path(
            self,
            tr("Thư mục theo dõi"),
            Path(self.watch_folder.text() or Path.home()),
            mode=QFileDialog.FileMode.Directory,
            accept=tr("Chọn"),
        )
        if folder is not None:
            self.stop_watching()
            self.watch_folder.setText(str(folder))

    def toggle_watch(self) -> None:
        if self.watching:
            self.stop_watching()
        else:
            self.start_watching()

    def start_watching(self) -> bool:
        folder = Path(self.watch_folder.text())
        if not self.watch_folder.text() or not folder.is_dir():
            show_message(
                self,
                QMessageBox.Icon.Warning,
                tr("Chưa có thư mục"),
                tr("Hãy chọn một thư mục có sẵn để theo dõi."),
            )
            return False
        if self._unlock() is None:
            return False
        self.session.office.set_setting("watched_folder", str(folder))
        self.watcher.addPath(str(folder))
        self.watched_files = None
        self.poll.start()
        self.watch_button.setText(tr("Dừng theo dõi"))
        self.check_watched_folder()
        return True

    def stop_watching(self) -> None:
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        self.poll.stop()
        self.settle.stop()
        self.watch_button.setText(tr("Bắt đầu theo dõi"))
        self.watch_state.setText(tr("Không theo dõi."))

    def check_watched_folder(self) -> None:
        """Receive the watched folder's new packages, unless its files are as last looked at
        (only their names, sizes and times are read here: the poll stays cheap)."""
        if not self.watching or self.job is not None:
            return
        folder = Path(self.watch_folder.text())
        try:
            seen = sorted(
                (p.name, p.stat().st_size, p.stat().st_mtime_ns)
                for p in folder.glob(f"*{PACKAGE_SUFFIX}")
            )
        except OSError:
            seen = None
        if seen is None or not folder.is_dir():  # e.g. a network folder away for now
            self.watch_state.setText(
                tr("Không mở được thư mục {folder}: sẽ thử lại sau.", folder=folder)
            )
            return
        self.watch_state.setText(
            tr(
                "Đang theo dõi: gói mới trong thư mục được nhận tự động (kiểm tra mỗi "
                "{seconds} giây và ngay khi có tệp mới).",
                seconds=self.WATCH_INTERVAL_MS // 1000,
            )
        )
        if seen == self.watched_files:
            return
        self.watched_files = seen
        self.receive_paths([folder])


# --- the board -------------------------------------------------------------------------------


class BoardView(QWidget):
    """ "Bảng theo dõi": which commune sent which report for which period."""

    ALL = ""

    def __init__(self, session: OfficeSession) -> None:
        super().__init__()
        self.session = session
        self.kind = QComboBox(objectName="kind")
        self.period = QComboBox(objectName="period")
        for box in (self.kind, self.period):
            box.setMinimumContentsLength(14)
            box.currentIndexChanged.connect(self.show_board)
        self.summary = QLabel(objectName="summary")
        self.summary.setWordWrap(True)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("Loại báo cáo:")))
        filters.addWidget(self.kind)
        filters.addWidget(QLabel(tr("Kỳ:")))
        filters.addWidget(self.period)
        filters.addStretch(1)
        self.table = QTableWidget(objectName="board")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        """Fill the filters from what was received, keeping the choices, and show the board."""
        packages = received_packages(self.session.office)
        kinds = sorted({p.kind for p in packages})
        periods = sorted({p.period for p in packages}, reverse=True)
        for box, values, everything, name in (
            (self.kind, kinds, tr("Mọi loại báo cáo"), _report_name),
            (self.period, periods, tr("Mọi kỳ"), str),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everything, self.ALL)
            for value in values:
                box.addItem(name(value), value)
            box.setCurrentIndex(max(box.findData(chosen), 0))
            box.blockSignals(False)
        self.show_board()

    def show_board(self) -> None:
        kind, period = self.kind.currentData(), self.period.currentData()
        shown = board(self.session.office, kind or None)
        columns = [c for c in shown.columns if not period or c[1] == period]
        total = len(shown.communes)
        self.table.clear()
        self.table.setRowCount(total)
        self.table.setColumnCount(len(columns) + 1)
        headers = [tr("Xã, phường")]
        for column in columns:
            sent = total - len(shown.missing(column))
            headers.append(
                tr(
                    "{report}\nđã gửi {sent}/{total} xã",
                    report=column_label(column),
                    sent=sent,
                    total=total,
                )
            )
        self.table.setHorizontalHeaderLabels(headers)
        for row, (code, name) in enumerate(shown.communes):
            self.table.setItem(row, 0, QTableWidgetItem(f"{name} ({code})"))
            for index, column in enumerate(columns, start=1):
                cell = shown.cell(code, column)
                if cell is None:
                    item, colour = QTableWidgetItem(tr("Chưa gửi")), MISSING_COLOUR
                else:
                    item = QTableWidgetItem(cell.text)
                    colour = CORRECTED_COLOUR if cell.versions > 1 else SENT_COLOUR
                    item.setToolTip(
                        tr(
                            "Gói số {sequence}, tệp {file}, lập ngày {created}",
                            sequence=cell.package.sequence,
                            file=cell.package.file_name,
                            created=_day(cell.package.created_at),
                        )
                    )
                item.setBackground(QBrush(colour))
                self.table.setItem(row, index, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        if not total:
            self.summary.setText(tr("Chưa đăng ký xã nào: hãy đăng ký các xã trước."))
        elif not columns:
            self.summary.setText(tr("Chưa nhận báo cáo nào."))
        else:
            lines = []
            for column in columns:
                missing = shown.missing(column)
                line = tr(
                    "{report}: đã gửi {sent}/{total} xã",
                    report=column_label(column),
                    sent=total - len(missing),
                    total=total,
                )
                if missing:
                    line += tr("; chưa gửi: {names}", names=", ".join(missing))
                lines.append(line)
            self.summary.setText("\n".join(lines))


# --- consolidation ---------------------------------------------------------------------------


def consolidation_work(
    path: Path, consolidation: Consolidation, folder: Path, on: date, number: str | None
) -> Callable[[Progress], tuple[Path, Path]]:
    """A job's work: write the consolidated PDF and XLSX into ``folder``."""

    def work(progress: Progress) -> tuple[Path, Path]:
        progress(0, 0, tr("Đang ghi báo cáo tổng hợp…"))
        with open_office(path) as office:
            return write_consolidation(office, consolidation, folder, on, number)

    return work


class ConsolidationView(QWidget):
    """ "Tổng hợp": the consolidated figures on screen, then written as XLSX and PDF."""

    def __init__(self, session: OfficeSession) -> None:
        super().__init__()
        self.session = session
        self.consolidation: Consolidation | None = None
        self.written: tuple[Path, Path] | None = None
        self.job: Job | None = None
        self.period = QComboBox(objectName="period")
        self.kind = QComboBox(objectName="kind")
        self.period.setMinimumContentsLength(10)
        self.kind.setMinimumContentsLength(16)
        self.period.currentIndexChanged.connect(self._fill_kinds)
        self.kind.currentIndexChanged.connect(self.show_consolidation)
        self.number = QLineEdit(objectName="number", placeholderText=tr("không bắt buộc"))
        self.number.setMaximumWidth(150)
        self.on = QDateEdit(QDate.currentDate(), objectName="on", calendarPopup=True)
        self.on.setDisplayFormat("dd/MM/yyyy")
        self.write_button = QPushButton(tr("Ghi tệp XLSX và PDF…"))
        self.write_button.clicked.connect(lambda: self.write())
        choices = QHBoxLayout()
        for label, widget in (
            (tr("Kỳ:"), self.period),
            (tr("Loại báo cáo:"), self.kind),
            (tr("Số văn bản:"), self.number),
            (tr("Ngày:"), self.on),
        ):
            choices.addWidget(QLabel(label))
            choices.addWidget(widget)
        choices.addStretch(1)
        choices.addWidget(self.write_button)
        self.summary = QLabel(objectName="summary")
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.currentChanged.connect(self._show_title)
        self.table_title = QLabel(objectName="tableTitle")
        self.table_title.setWordWrap(True)
        self.table_title.setStyleSheet("font-weight: bold;")
        self.files_label = QLabel(objectName="files")
        self.files_label.setWordWrap(True)
        self.open_pdf = QPushButton(tr("Mở tệp PDF"))
        self.open_xlsx = QPushButton(tr("Mở tệp XLSX"))
        self.open_folder = QPushButton(tr("Mở thư mục"))
        self.preview = QPushButton(tr("Xem trước và in…"))
        self.open_pdf.clicked.connect(lambda: self.written and open_file(self.written[0]))
        self.open_xlsx.clicked.connect(lambda: self.written and open_file(self.written[1]))
        self.open_folder.clicked.connect(lambda: self.written and open_file(self.written[0].parent))
        self.preview.clicked.connect(self.show_preview)
        files = QHBoxLayout()
        files.addWidget(self.files_label, 1)
        for button in (self.open_pdf, self.open_xlsx, self.open_folder, self.preview):
            files.addWidget(button)
        self.file_buttons = (self.open_pdf, self.open_xlsx, self.open_folder, self.preview)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addWidget(self.summary)
        layout.addWidget(self.table_title)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(files)
        self._show_written(None)
        self.refresh()

    def refresh(self) -> None:
        """The periods received, keeping the one chosen."""
        chosen = self.period.currentData()
        periods = sorted({p.period for p in received_packages(self.session.office)}, reverse=True)
        self.period.blockSignals(True)
        self.period.clear()
        for period in periods:
            self.period.addItem(parse_period(period).label, period)
        self.period.setCurrentIndex(max(self.period.findData(chosen), 0))
        self.period.blockSignals(False)
        self._fill_kinds()

    def _fill_kinds(self) -> None:
        chosen = self.kind.currentData()
        period = self.period.currentData()
        kinds = sorted(
            {p.kind for p in received_packages(self.session.office, period=period)}
            if period
            else set()
        )
        self.kind.blockSignals(True)
        self.kind.clear()
        for kind in kinds:
            self.kind.addItem(_report_name(kind), kind)
        self.kind.setCurrentIndex(max(self.kind.findData(chosen), 0))
        self.kind.blockSignals(False)
        self.show_consolidation()

    def show_consolidation(self) -> None:
        self._show_written(None)
        self.tabs.clear()
        period, kind = self.period.currentData(), self.kind.currentData()
        self.consolidation = None
        if not period or not kind:
            self.summary.setText(tr("Chưa nhận báo cáo nào để tổng hợp."))
            self.write_button.setEnabled(False)
            return
        try:
            self.consolidation = consolidate(self.session.office, period, kind)
        except (ConsolidationError, FiguresError, DatabaseError) as error:
            self.summary.setText(str(error))
            self.write_button.setEnabled(False)
            return
        consolidation = self.consolidation
        sent = len(consolidation.packages)
        text = tr(
            "Tổng hợp {sent}/{total} xã đã gửi; các tổng và tỷ lệ được tính lại từ số liệu của "
            "từng xã.",
            sent=sent,
            total=sent + len(consolidation.missing),
        )
        if consolidation.missing:
            text += "\n" + tr("Chưa gửi: {names}.", names=", ".join(consolidation.missing))
        text += "".join("\n" + tr("Lưu ý: {note}", note=note) for note in consolidation.notes)
        self.summary.setText(text)
        for number, table in enumerate(consolidation_tables(consolidation), start=1):
            index = self.tabs.addTab(
                annex_table_widget(table), tr("Phụ lục {number}", number=number)
            )
            self.tabs.setTabToolTip(
                index, tr("Phụ lục {number}. {title}", number=number, title=table.title)
            )
        self._show_title(self.tabs.currentIndex())
        self.write_button.setEnabled(True)

    def _show_title(self, index: int) -> None:
        self.table_title.setText(self.tabs.tabToolTip(index) if index >= 0 else "")

    def _show_written(self, written: tuple[Path, Path] | None) -> None:
        self.written = written
        for button in self.file_buttons:
            button.setEnabled(written is not None)
        self.files_label.setText(
            tr(
                "Đã ghi vào {folder}: {pdf}, {xlsx}",
                folder=written[0].parent,
                pdf=written[0].name,
                xlsx=written[1].name,
            )
            if written
            else ""
        )

    def write(self, folder: Path | None = None) -> Job | None:
        """Write the PDF and XLSX into ``folder`` (asked for when None), in the background."""
        if self.consolidation is None or self.job is not None:
            return None
        if folder is None:
            folder = ask_path(
                self,
                tr("Ghi báo cáo tổng hợp vào thư mục"),
                Path.home(),
                mode=QFileDialog.FileMode.Directory,
                accept=tr("Ghi vào đây"),
            )
            if folder is None:
                return None
        qdate = self.on.date()
        self.write_button.setEnabled(False)
        self.job = run_job(
            self,
            tr("Báo cáo tổng hợp"),
            tr("Đang ghi báo cáo tổng hợp…"),
            consolidation_work(
                self.session.path,
                self.consolidation,
                folder,
                date(qdate.year(), qdate.month(), qdate.day()),
                self.number.text().strip() or None,
            ),
            self._written,
            self._failed,
            self._ended,
        )
        return self.job

    def _ended(self) -> None:
        self.job = None
        self.write_button.setEnabled(self.consolidation is not None)

    def _written(self, written: tuple[Path, Path]) -> None:
        self._ended()
        self._show_written(written)

    def _failed(self, error: Exception) -> None:
        self._ended()
        show_message(self, QMessageBox.Icon.Critical, tr("Không ghi được báo cáo"), str(error))

    def show_preview(self) -> None:
        if self.written:
            preview_dialog(self, self.written[0]).exec()
