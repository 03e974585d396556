"""The "Nhận báo cáo" area: receiving packages from files, folders, drag and drop or a watched
folder, in jobs (gnapp/ui/common/jobs.py) with their own connection; a receipt line per file and the
history of every file offered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from gnapp.core.vietnamese import format_number, format_timestamp
from gnapp.i18n import tr, tr_noop
from gnapp.office.board import receipt_history
from gnapp.office.receive import Receipt, expand, receive_files
from gnapp.office.store.database import OfficeDatabase, open_office
from gnapp.packages.manifest import SUFFIX as PACKAGE_SUFFIX
from gnapp.progress import Progress
from gnapp.reporting.figures import FiguresError, parse_period
from gnapp.store.users import User
from gnapp.ui.common.jobs import Job, run_job
from gnapp.ui.common.messages import show_message
from gnapp.ui.common.qt import (
    QBrush,
    QDialog,
    QDragEnterEvent,
    QDropEvent,
    QFileDialog,
    QFileSystemWatcher,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSize,
    QSplitter,
    Qt,
    QTableWidgetItem,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import fit_columns, records_dialog
from gnapp.ui.office.common import (
    CORRECTED_COLOUR,
    MISSING_COLOUR,
    SENT_COLOUR,
    ask_folder,
    fill_table,
    read_only_table,
)
from gnapp.ui.office.session import OfficeSession

PACKAGE_FILTER = tr_noop("Gói báo cáo GNApp (*.gnpkg)")


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
    path: Path, paths: list[Path], key: X25519PrivateKey, user: User
) -> Callable[[Progress], list[Receipt]]:
    """A job's work: receive ``paths`` (folders: their new packages) into the office at
    ``path`` as ``user``, file by file, with progress; the receipts."""

    def work(progress: Progress) -> list[Receipt]:
        with open_office(path) as office:
            files = expand(office, paths)
            receipts: list[Receipt] = []
            for done, file in enumerate(files):
                progress(done, len(files), tr("Đang kiểm tra và nhận {name}…", name=file.name))
                receipts += receive_files(office, [file], key, user)
            return receipts

    return work


class ReceiptHistoryDialog(QDialog):
    """Every file offered to the office, newest first, with what became of it."""

    def __init__(self, office: OfficeDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Các lần nhận trước"))
        records = receipt_history(office)
        self.table = read_only_table(
            [tr("Lúc"), tr("Tệp"), tr("Xã"), tr("Báo cáo"), tr("Người nhận"), tr("Kết quả")]
        )
        fill_table(
            self.table,
            [
                [
                    format_timestamp(record.at),
                    record.file_name,
                    record.commune_name or "",
                    record.report or "",
                    record.actor or "—",
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
            result = self.table.item(row, 5)
            result.setBackground(QBrush(colour))
            if record.notes:
                result.setText(result.text() + " — " + "; ".join(record.notes))
            result.setToolTip(result.text())
        count = (
            tr("{count} tệp, mới nhất trước.", count=format_number(len(records)))
            if records
            else tr("Chưa có tệp nào được đưa vào.")
        )
        records_dialog(self, self.table, count, QSize(980, 480))


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

        self.table = read_only_table(
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
        folder = ask_folder(self, tr("Nhận các gói trong thư mục"), tr("Nhận"))
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
            receive_work(self.session.path, list(paths), key, self.session.user),
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
        fit_columns(self.table)
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
        folder = ask_folder(
            self, tr("Thư mục theo dõi"), tr("Chọn"), Path(self.watch_folder.text() or Path.home())
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
