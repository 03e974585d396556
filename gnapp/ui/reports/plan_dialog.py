"""The annual implementation plan (Kế hoạch thực hiện Chương trình năm N): the year's targets,
planned activities and budget shown for checking, the clerk's text by section, the document's
number, date and signer; preview, print, or write the PDF and XLSX (gnapp.reporting.plan)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from gnapp.i18n import tr, tr_noop
from gnapp.preferences import remember_report_folder
from gnapp.progress import Progress
from gnapp.reporting.builder import OPENING, DocumentHeader, default_header
from gnapp.reporting.pdf_pages import PageImage
from gnapp.reporting.plan import (
    PLAN_KIND,
    SYMBOL,
    BuiltPlan,
    plan_bases,
    plan_content,
    plan_sections,
    plan_tables,
    plan_warnings,
    write_plan_files,
)
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.ui.common.annex_table import annex_table_widget
from gnapp.ui.common.jobs import Job, run_job
from gnapp.ui.common.messages import choose_folder
from gnapp.ui.common.print_preview import preview_dialog, preview_pages_work, print_pdf
from gnapp.ui.common.qt import (
    QDate,
    QDateEdit,
    QDialog,
    QFont,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSize,
    QSpinBox,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.window_size import fit_window
from gnapp.ui.reports.official_fields import number_as_printed, signing_block_html

TITLE = tr_noop("Lập kế hoạch thực hiện Chương trình năm")


class PlanDialog(QDialog):
    """Build the plan of a year; nothing is saved in the database."""

    def __init__(self, parent: QWidget | None, cdb: CommuneDatabase) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.job: Job | None = None
        self.preview = None
        self.folder = tempfile.TemporaryDirectory(prefix="gnapp-ke-hoach-")
        self.destroyed.connect(self.folder.cleanup)
        self.narrative: dict[str, str] = {}
        self.setWindowTitle(tr(TITLE))
        header = default_header(cdb.db, date.today())
        self.year = QSpinBox()
        self.year.setRange(2021, 2035)
        self.year.setValue(date.today().year)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tables = QTabWidget()
        self.editors = QScrollArea()
        self.editors.setWidgetResizable(True)
        self.editors.setFrameShape(QFrame.Shape.NoFrame)
        self.number = QLineEdit(placeholderText=tr("để trống nếu chưa có số (ghi tay sau)"))
        self.date = QDateEdit(QDate(header.date.year, header.date.month, header.date.day))
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.signer_name = QLineEdit(header.signer_name)
        self.signer_name.setPlaceholderText(tr("để trống thì để trống dòng tên (ký, ghi tên tay)"))
        self.signer_title = QLineEdit(header.signer_title)
        self.number_result = QLabel(objectName="number_result")
        self.signing_block = QLabel(objectName="signing_block")
        self.signing_notes = QLabel(objectName="signing_notes")
        self.signing_notes.setWordWrap(True)
        self.recipients = QPlainTextEdit("\n".join(header.recipients))
        self.recipients.setMaximumHeight(self.recipients.fontMetrics().lineSpacing() * 5 + 14)
        form = QFormLayout()
        form.addRow(tr("Năm kế hoạch:"), self.year)
        form.addRow(tr("Số văn bản:"), self.number)
        form.addRow("", self.number_result)
        form.addRow(tr("Ngày văn bản:"), self.date)
        form.addRow(tr("Người ký:"), self.signer_name)
        form.addRow(tr("Chức vụ người ký:"), self.signer_title)
        form.addRow(tr("Khối chữ ký:"), self.signing_block)
        form.addRow("", self.signing_notes)
        form.addRow(tr("Nơi nhận:"), self.recipients)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for text, action in (
            (tr("Xem trước"), self.show_preview),
            (tr("In…"), self.print_plan),
            (tr("Ghi PDF và Excel…"), self.write_files),
            (tr("Đóng"), self.reject),
        ):
            button = QPushButton(text)
            button.clicked.connect(action)
            buttons.addWidget(button)
        buttons.insertStretch(3)
        content = QTabWidget()
        content.addTab(self.tables, tr("Số liệu của kế hoạch"))
        content.addTab(self.editors, tr("Nội dung từng mục"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(content, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.year.valueChanged.connect(self.load)
        self.date.dateChanged.connect(self.load)  # the bases cited depend on the date
        for line in (self.number, self.signer_name, self.signer_title):
            line.textChanged.connect(self.show_result)
        fit_window(self, QSize(1000, 680))
        self.load()

    def load(self) -> None:
        year = self.year.value()
        content = plan_content(self.cdb.db, year)
        self.summary.setText(
            tr(
                "Năm {year}: {targets} chỉ tiêu, {activities} hoạt động, {budgets} dòng kinh "
                "phí. Các mục để trống được in dòng chấm để ghi tay.",
                year=year,
                targets=len(content.targets),
                activities=len(content.activities),
                budgets=len(content.budgets),
            )
        )
        self.tables.clear()
        for table in plan_tables(content):
            self.tables.addTab(annex_table_widget(table), table.title)
        body = QWidget()
        column = QVBoxLayout(body)
        bases = QLabel(
            "\n".join(plan_bases(self.cdb.db, content, self.header().date)), objectName="bases"
        )
        bases.setWordWrap(True)
        column.addWidget(
            QLabel(tr("<b>Căn cứ</b> (theo cài đặt văn bản và quyết định giao chỉ tiêu)"))
        )
        column.addWidget(bases)
        column.addWidget(QLabel(tr("<b>Đoạn mở đầu</b> (sau các căn cứ)")))
        column.addWidget(
            self._editor(OPENING, tr("Để trống thì ghi: “UBND xã … ban hành Kế hoạch … như sau:”"))
        )
        for section in plan_sections(year):
            heading = QLabel(section.heading)
            font = QFont(heading.font())
            font.setBold(True)
            heading.setFont(font)
            heading.setContentsMargins(16 * (section.level - 1), 6, 0, 0)
            column.addWidget(heading)
            if section.narrative:
                column.addWidget(self._editor(section.key, section.heading))
        column.addStretch()
        self.editors.setWidget(body)
        self.show_result()

    def _editor(self, key: str, placeholder: str) -> QPlainTextEdit:
        editor = QPlainTextEdit(self.narrative.get(key, ""))
        editor.setPlaceholderText(placeholder)
        editor.setTabChangesFocus(True)
        editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 4 + 14)
        editor.textChanged.connect(lambda: self.narrative.__setitem__(key, editor.toPlainText()))
        return editor

    def show_result(self) -> None:
        """The number as printed, the signing block and what the clerk should know before
        writing (a signer without a name, a legal basis not confirmed)."""
        self.number_result.setText(number_as_printed(self.number.text(), SYMBOL))
        self.signing_block.setText(signing_block_html(PLAN_KIND, self._title()))
        notes = plan_warnings(
            self.cdb.db, self.year.value(), self.signer_name.text(), self.header().date
        )
        self.signing_notes.setText("\n".join(notes))

    def _title(self) -> str:
        return self.signer_title.text().strip().upper()

    def header(self) -> DocumentHeader:
        chosen = self.date.date()
        return DocumentHeader(
            number=self.number.text().strip() or None,
            date=date(chosen.year(), chosen.month(), chosen.day()),
            signer_name=self.signer_name.text().strip(),
            signer_title=self._title(),
            recipients=tuple(
                line.strip() for line in self.recipients.toPlainText().splitlines() if line.strip()
            ),
        )

    def _write(self, folder: Path, then, *, for_preview: bool = False) -> None:
        """Write the plan's files into ``folder`` in the background (with ``for_preview`` also
        render the pages the preview shows), then ``then(built, pages)``; nothing while the
        last one is still being written."""
        if self.job is not None and self.job.running:
            return
        path, actor = self.cdb.path, self.cdb.actor
        year, narrative, header = self.year.value(), dict(self.narrative), self.header()

        def work(progress: Progress) -> tuple[BuiltPlan, list[PageImage] | None]:
            progress(0, 1, tr("Đang ghi kế hoạch…"))
            with open_database(path, actor=actor) as own:
                built = write_plan_files(own.db, year, narrative, header, folder)
            return built, preview_pages_work(built.pdf, progress) if for_preview else None

        self.job = run_job(
            self,
            tr(TITLE),
            tr("Đang ghi kế hoạch…"),
            work,
            lambda made: then(*made),
            lambda error: self.status.setText(tr("Không lập được văn bản: {error}", error=error)),
            lambda: self.status.setText(tr("Đã hủy.")),
        )

    def show_preview(self) -> None:
        def shown(built: BuiltPlan, pages: list[PageImage] | None) -> None:
            self.preview = preview_dialog(self, built.pdf, pages)
            self.preview.open()

        self._write(Path(self.folder.name), shown, for_preview=True)

    def print_plan(self) -> None:
        def printed(built: BuiltPlan, _pages: list[PageImage] | None) -> None:
            if print_pdf(self, built.pdf):
                self.status.setText(tr("Đã gửi {name} đến máy in.", name=built.pdf.name))

        self._write(Path(self.folder.name), printed)

    def write_files(self, folder: Path | None = None) -> None:
        folder = folder or choose_folder(self)
        if folder is None:
            return
        remember_report_folder(folder)
        self._write(
            folder,
            lambda built, _pages: self.status.setText(
                tr("Đã ghi {pdf} và {xlsx}.", pdf=built.pdf, xlsx=built.xlsx)
            ),
        )


def open_plan_dialog(parent: QWidget | None, cdb: CommuneDatabase) -> PlanDialog:
    """Show the plan dialog (not modal) and return it."""
    dialog = PlanDialog(parent, cdb)
    dialog.show()
    return dialog
