"""The "Tổng hợp" area: the consolidated figures on screen, then written as XLSX and PDF in a
job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from gnapp.core.vietnamese import format_date, format_timestamp
from gnapp.i18n import tr
from gnapp.office.board import received_packages
from gnapp.office.consolidate import (
    Consolidation,
    ConsolidationError,
    consolidate,
    consolidation_history,
    consolidation_tables,
    write_consolidation,
)
from gnapp.office.store.database import OfficeDatabase, open_office
from gnapp.progress import Progress
from gnapp.reporting.figures import FiguresError, parse_period
from gnapp.store.errors import DatabaseError
from gnapp.store.users import User
from gnapp.ui.common.annex_table import annex_table_widget
from gnapp.ui.common.jobs import Job, run_job
from gnapp.ui.common.messages import show_message
from gnapp.ui.common.print_preview import preview_dialog
from gnapp.ui.common.qt import (
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSize,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.widgets import records_dialog
from gnapp.ui.office.common import (
    ask_folder,
    fill_table,
    open_file,
    read_only_table,
    report_name,
)
from gnapp.ui.office.session import OfficeSession


def consolidation_work(
    path: Path,
    consolidation: Consolidation,
    folder: Path,
    on: date,
    number: str | None,
    user: User,
) -> Callable[[Progress], tuple[Path, Path]]:
    """A job's work: write the consolidated PDF and XLSX into ``folder`` as ``user``."""

    def work(progress: Progress) -> tuple[Path, Path]:
        progress(0, 0, tr("Đang ghi báo cáo tổng hợp…"))
        with open_office(path) as office:
            return write_consolidation(office, consolidation, folder, on, user, number)

    return work


class ConsolidationHistoryDialog(QDialog):
    """Every consolidated report the office wrote, newest first, and who wrote it."""

    def __init__(self, office: OfficeDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Các lần tổng hợp trước"))
        records = consolidation_history(office)
        self.table = read_only_table(
            [
                tr("Lúc"),
                tr("Báo cáo"),
                tr("Số văn bản"),
                tr("Ngày văn bản"),
                tr("Số xã"),
                tr("Người lập"),
                tr("Tệp"),
            ]
        )
        fill_table(
            self.table,
            [
                [
                    format_timestamp(record.at),
                    record.report,
                    record.number or "",
                    format_date(date.fromisoformat(record.document_date)),
                    tr(
                        "{count} xã (chưa gửi: {missing})",
                        count=record.communes,
                        missing=record.missing,
                    ),
                    record.actor,
                    ", ".join(record.files),
                ]
                for record in records
            ],
        )
        count = (
            tr("{count} báo cáo tổng hợp, mới nhất trước.", count=len(records))
            if records
            else tr("Chưa lập báo cáo tổng hợp nào.")
        )
        records_dialog(self, self.table, count, QSize(980, 420))


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
        history = QPushButton(tr("Các lần tổng hợp trước…"))
        history.clicked.connect(
            lambda: ConsolidationHistoryDialog(self.session.office, self).exec()
        )
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
        choices.addWidget(history)
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
            self.kind.addItem(report_name(kind), kind)
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
            folder = ask_folder(self, tr("Ghi báo cáo tổng hợp vào thư mục"), tr("Ghi vào đây"))
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
                self.session.user,
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
