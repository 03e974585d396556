"""The "Báo cáo" area: the saved progress reports, every version, and what can be done with one
(reopen it in the wizard, start a new draft from it, make it final, preview and print it, write
its PDF and XLSX)."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.vietnamese import format_date
from gnapp.i18n import tr, tr_noop
from gnapp.preferences import remember_report_folder
from gnapp.reporting.figures import report_kind
from gnapp.reporting.pdf_pages import PageImage
from gnapp.store.database import CommuneDatabase
from gnapp.store.reports import (
    STATE_LABELS,
    ReportError,
    SavedReport,
    finalise,
    list_reports,
    load_report,
    new_draft_from,
)
from gnapp.ui.common.jobs import Job
from gnapp.ui.common.messages import ask_yes_no, choose_folder
from gnapp.ui.common.qt import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import add_list, fill_list, list_table, selected_row
from gnapp.ui.reports.plan_dialog import PlanDialog, open_plan_dialog
from gnapp.ui.reports.report_wizard import (
    PdfMaker,
    ReportContent,
    ReportWizard,
    open_report_wizard,
    saved_time,
    write_files,
)

COLUMNS = (
    tr_noop("Loại báo cáo"),
    tr_noop("Kỳ báo cáo"),
    tr_noop("Phiên bản"),
    tr_noop("Trạng thái"),
    tr_noop("Ngày văn bản"),
    tr_noop("Số"),
    tr_noop("Lưu lúc"),
)


class ReportsView(QWidget):
    """The saved reports, newest period first, every version."""

    changed = Signal()

    def __init__(self, cdb: CommuneDatabase) -> None:
        super().__init__()
        self.cdb = cdb
        self.reports: list[SavedReport] = []
        self.wizard: ReportWizard | None = None
        self.job: Job | None = None
        title = QLabel(tr("<b>Báo cáo tiến độ đã lưu</b> — mỗi lần lưu là một phiên bản; bản chính "
                       "thức không sửa được."))  # fmt: skip
        title.setWordWrap(True)
        self.table = list_table([tr(column) for column in COLUMNS])
        self.table.itemSelectionChanged.connect(self.update_actions)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_selected())
        self.empty = QLabel(tr("Chưa có báo cáo nào được lưu. Chọn “Lập báo cáo mới…” để bắt đầu."))
        self.empty.setObjectName("emptyNote")
        self.new_button = QPushButton(tr("Lập báo cáo mới…"))
        self.plan_button = QPushButton(tr("Lập kế hoạch năm…"))
        self.plan_button.setToolTip(
            tr("Kế hoạch thực hiện Chương trình năm: chỉ tiêu, hoạt động và kinh phí của năm")
        )
        self.plan_button.clicked.connect(self.new_plan)
        self.plan: PlanDialog | None = None
        self.open_button = QPushButton(tr("Mở"))
        self.draft_button = QPushButton(tr("Tạo bản nháp mới từ bản này"))
        self.final_button = QPushButton(tr("Hoàn tất (bản chính thức)…"))
        self.preview_button = QPushButton(tr("Xem trước và in…"))
        self.files_button = QPushButton(tr("Ghi PDF và Excel…"))
        self.new_button.clicked.connect(self.new_report)
        self.open_button.clicked.connect(self.open_selected)
        self.draft_button.clicked.connect(self.draft_from_selected)
        self.final_button.clicked.connect(self.finalise_selected)
        self.preview_button.clicked.connect(self.preview_selected)
        self.files_button.clicked.connect(self.write_selected)
        self.open_button.setToolTip(
            tr("Mở báo cáo trong trình lập báo cáo (bản chính thức: chỉ xem)")
        )
        self.draft_button.setToolTip(
            tr("Chép nội dung và số liệu của bản này thành phiên bản nháp mới")
        )
        self.final_button.setToolTip(tr("Đánh dấu là bản chính thức đã gửi; sau đó không sửa được"))
        buttons = QHBoxLayout()
        for button in (self.new_button, self.plan_button, self.open_button, self.draft_button,
                       self.final_button, self.preview_button, self.files_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pdf = PdfMaker(self, self.status.setText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addLayout(buttons)
        add_list(layout, self.table, self.empty)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        """Read the saved reports again, selecting ``select`` (a report id) or the row before."""
        keep = select if select is not None else self.selected_id()
        self.reports = list_reports(self.cdb.db)
        rows = [
            (
                tr(report_kind(report.kind).name),
                report.period,
                str(report.version),
                STATE_LABELS[report.state],
                format_date(report.document_date) if report.document_date else "",
                report.number or "",
                saved_time(report.updated_at),
            )
            for report in self.reports
        ]
        kept = next((r for r, report in enumerate(self.reports) if report.id == keep), None)
        fill_list(self.table, self.empty, rows, centred=(2,), select=kept)
        self.update_actions()

    def selected_id(self) -> int | None:
        row = selected_row(self.table)
        return self.reports[row].id if row is not None else None

    def selected(self) -> SavedReport | None:
        report_id = self.selected_id()
        return load_report(self.cdb.db, report_id) if report_id is not None else None

    def update_actions(self) -> None:
        chosen = next((r for r in self.reports if r.id == self.selected_id()), None)
        for button in (self.open_button, self.draft_button, self.preview_button,
                       self.files_button):  # fmt: skip
            button.setEnabled(chosen is not None)
        self.final_button.setEnabled(chosen is not None and not chosen.final)
        self.open_button.setText(tr("Xem") if chosen is not None and chosen.final else tr("Mở"))

    # --- actions -------------------------------------------------------------------------

    def _wizard(self, report: SavedReport | None) -> ReportWizard:
        self.wizard = open_report_wizard(self.window(), self.cdb, report)
        self.wizard.saved.connect(self.refresh)
        self.wizard.saved.connect(self.changed)
        return self.wizard

    def new_report(self) -> ReportWizard:
        return self._wizard(None)

    def new_plan(self) -> PlanDialog:
        self.plan = open_plan_dialog(self.window(), self.cdb)
        return self.plan

    def open_selected(self) -> ReportWizard | None:
        report = self.selected()
        return self._wizard(report) if report is not None else None

    def draft_from_selected(self) -> None:
        report = self.selected()
        if report is None:
            return
        draft = new_draft_from(self.cdb, report.id)
        self.refresh(draft)
        self.status.setText(
            tr(
                "Đã tạo phiên bản nháp {draft} từ phiên bản {source}.",
                draft=load_report(self.cdb.db, draft).version,
                source=report.version,
            )
        )

    def confirm(self, text: str) -> bool:
        return ask_yes_no(self, tr("Hoàn tất báo cáo"), text, tr("Hoàn tất"))

    def finalise_selected(self) -> None:
        report = self.selected()
        if report is None or report.final:
            return
        name = tr(
            "{name} {period}, phiên bản {version}",
            name=tr(report_kind(report.kind).name),
            period=report.period,
            version=report.version,
        )
        if not self.confirm(
            tr(
                "Đánh dấu “{name}” là bản chính thức?\n\nSau đó báo cáo chỉ xem được, không sửa "
                "được nữa; muốn sửa phải tạo bản nháp mới từ bản này.",
                name=name,
            )
        ):
            return
        try:
            finalise(self.cdb, report.id)
        except ReportError as error:
            self.status.setText(str(error))
            return
        self.refresh(report.id)
        self.status.setText(tr("“{name}” đã là bản chính thức.", name=name))

    def preview_selected(self) -> None:
        report = self.selected()
        if report is None:
            return
        content = ReportContent.of_saved(self.cdb, report)
        if self.pdf.make(self.cdb, content, self._previewed, for_preview=True):
            self.status.setText(tr("Đang lập văn bản để xem trước…"))

    def _previewed(self, pdf: Path, pages: list[PageImage] | None) -> None:
        self.status.setText("")
        self.pdf.show_preview(pdf, pages)

    def write_selected(self, folder: Path | None = None) -> None:
        report = self.selected()
        if report is None:
            return
        folder = folder or choose_folder(self)
        if folder is None:
            return
        remember_report_folder(folder)
        self.status.setText(tr("Đang ghi vào {folder}…", folder=folder))
        self.job = write_files(
            self, self.cdb, ReportContent.of_saved(self.cdb, report), folder,
            lambda built: self.status.setText(
                tr("Đã ghi {pdf} và {xlsx}.", pdf=built.pdf, xlsx=built.xlsx)),
            lambda error: self.status.setText(tr("Không ghi được báo cáo: {error}", error=error)),
            lambda: self.status.setText(tr("Đã hủy; không có tệp nào được ghi.")),
        )  # fmt: skip
