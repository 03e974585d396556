"""The progress-report wizard: kind and period -> figures (computed off the GUI thread, shown
for checking) -> the clerk's text by section -> proposed awards -> the document's header, then
save a version, preview, print, or write the PDF and XLSX.

A reopened report shows what was saved, its saved figures included; a final version opens
read-only. Everything it does is a core function (gnapp.reporting.builder, gnapp.store.reports).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from gnapp.core.vietnamese import format_date, format_number, local_time
from gnapp.i18n import tr, tr_noop
from gnapp.preferences import remember_report_folder
from gnapp.progress import Progress
from gnapp.reporting.builder import (
    AWARD_KINDS,
    DOCUMENTS,
    OFFICIAL_KIND,
    OPENING,
    SYMBOL,
    BuiltReport,
    DocumentHeader,
    ReportBuildError,
    annex_tables,
    check_awards,
    decisions_after,
    default_header,
    figure_set_names,
    header_choices,
    keep_header_defaults,
    outline_sections,
    saved_header,
    section_sentence_keys,
    write_report_files,
)
from gnapp.reporting.figures import (
    FIGURE_SET_LABELS,
    FiguresError,
    Period,
    ReportFigures,
    default_period,
    parse_period,
    report_figures,
    report_kind,
    report_kinds,
    sentences,
)
from gnapp.reporting.issuer import signing_warnings
from gnapp.reporting.pdf_pages import PageImage
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.overview import year_in_view
from gnapp.store.reports import STATE_LABELS, SavedReport, load_report, save_report
from gnapp.ui.common.annex_table import annex_table_widget
from gnapp.ui.common.jobs import Job, run_job, wait_for
from gnapp.ui.common.messages import ask_unsaved, choose_folder
from gnapp.ui.common.print_preview import preview_dialog, preview_pages_work, print_pdf
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QFont,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSize,
    QSpinBox,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
    Signal,
)
from gnapp.ui.common.widgets import error_label, show_error
from gnapp.ui.common.window_size import fit_window
from gnapp.ui.reports.official_fields import number_as_printed, signing_block_html

TITLE = tr_noop("Lập báo cáo giảm nghèo")
# The kinds in the order a clerk meets them; others (a province's own) after them.
KIND_ORDER = ("annual", "six_month", "ad_hoc", "mid_term", "end_of_period")
SHAPE_LABELS = {
    "year": tr_noop("Cả năm"),
    "half_year": tr_noop("6 tháng đầu năm"),
    "span": tr_noop("Giai đoạn"),
}
PAGE_STYLE = """
QLabel#error { color: #b00020; font-weight: bold; }
QLabel#figureLine { color: #444444; font-style: italic; }
QLabel#readOnly { background: #fff3cd; border: 1px solid #e0c36c; padding: 6px; }
QLabel#status { color: #1b5e20; }
"""


@dataclass
class ReportContent:
    """Everything a report is written from."""

    kind: str
    period: str
    narrative: dict[str, str]
    awards: list[dict[str, Any]]
    header: DocumentHeader
    figures: ReportFigures
    figure_sets: tuple[str, ...] | None = None

    @classmethod
    def of_saved(cls, cdb: CommuneDatabase, saved: SavedReport) -> ReportContent:
        header = saved_header(
            cdb.db, saved.number, saved.document_date or date.today(), saved.header
        )
        return cls(
            saved.kind,
            saved.period,
            dict(saved.narrative),
            [dict(a) for a in saved.awards],
            header,
            ReportFigures.from_dict(saved.figures),
            saved.figure_sets,
        )


def saved_time(stamp: str) -> str:
    """A stored UTC time ("2026-01-05T07:05:00Z") as the clerk's clock reads it."""
    local = local_time(stamp)
    return tr("{time} ngày {date}", time=f"{local:%H:%M}", date=format_date(local.date()))


def ordered_kinds() -> list[str]:
    return sorted(report_kinds(), key=lambda c: KIND_ORDER.index(c) if c in KIND_ORDER else 99)


def _writing(
    cdb: CommuneDatabase, content: ReportContent, folder: Path
) -> Callable[[Progress], BuiltReport]:
    """The work writing the report's PDF and XLSX into ``folder`` with its own database
    connection (a Job's work)."""
    path, actor = cdb.path, cdb.actor

    def work(progress: Progress) -> BuiltReport:
        with open_database(path, actor=actor) as own:
            return write_report_files(
                own.db,
                content.kind,
                content.period,
                content.narrative,
                content.awards,
                content.header,
                folder,
                progress,
                content.figures,
                content.figure_sets,
            )

    return work


def write_files(
    parent: QWidget,
    cdb: CommuneDatabase,
    content: ReportContent,
    folder: Path,
    on_done: Callable[[BuiltReport], None],
    on_error: Callable[[Exception], None],
    on_cancel: Callable[[], None],
) -> Job:
    """Write the report's PDF and XLSX into ``folder`` in the background (its own database
    connection); a cancel leaves the folder as it was."""
    work = _writing(cdb, content, folder)
    return run_job(parent, tr(TITLE), tr("Đang ghi báo cáo…"), work, on_done, on_error, on_cancel)


class PdfMaker:
    """Writes a report's PDF into a private temporary folder for preview and printing, then
    opens the preview (not modal) or Qt's print dialog. The PDF and the preview's pages are made
    in the background behind a progress dialog that can cancel them; one at a time."""

    def __init__(self, parent: QWidget, status: Callable[[str], None]) -> None:
        self.parent = parent
        self.status = status
        self.folder = tempfile.TemporaryDirectory(prefix="gnapp-bao-cao-")
        self.preview = None
        self.job: Job | None = None
        parent.destroyed.connect(self.folder.cleanup)

    @property
    def busy(self) -> bool:
        """A PDF is being made."""
        return self.job is not None and self.job.running

    def make(
        self,
        cdb: CommuneDatabase,
        content: ReportContent,
        then: Callable[[Path, list[PageImage] | None], None],
        *,
        for_preview: bool = False,
    ) -> bool:
        """Make the PDF (and with ``for_preview`` its pages as the preview shows them), then
        ``then(pdf, pages)``; False, doing nothing, while the last one is still being made."""
        if self.busy:
            return False
        write = _writing(cdb, content, Path(self.folder.name))

        def work(progress: Progress) -> tuple[Path, list[PageImage] | None]:
            pdf = write(progress).pdf
            return pdf, preview_pages_work(pdf, progress) if for_preview else None

        self.job = run_job(
            self.parent,
            tr(TITLE),
            tr("Đang lập văn bản để xem trước…") if for_preview else tr("Đang lập văn bản…"),
            work,
            lambda made: then(*made),
            lambda error: self.status(tr("Không lập được văn bản: {error}", error=error)),
            lambda: self.status(tr("Đã hủy.")),
        )
        return True

    def show_preview(self, pdf: Path, pages: list[PageImage] | None = None) -> None:
        self.preview = preview_dialog(self.parent, pdf, pages)
        self.preview.open()

    def print(self, pdf: Path, _pages: list[PageImage] | None = None) -> None:
        if print_pdf(self.parent, pdf):
            self.status(tr("Đã gửi {name} đến máy in.", name=pdf.name))


# --- the pages ---------------------------------------------------------------------------------

READ_ONLY_NOTE = tr_noop(
    "Bản chính thức: chỉ xem, không sửa được. Muốn sửa, hãy chọn “Tạo bản nháp mới từ bản "
    "này” trong mục Báo cáo."
)


class ReportPage(QWizardPage):
    """A page of the wizard, with the read-only note of a final version above its content."""

    def __init__(self, wizard: ReportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.banner = QLabel(tr(READ_ONLY_NOTE), objectName="readOnly")
        self.banner.setWordWrap(True)
        self.banner.setVisible(wizard.read_only)


class KindPage(ReportPage):
    """(a) The kind of report, its period and (ad-hoc reports) the figure sets it shows."""

    def __init__(self, wizard: ReportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(tr("Loại báo cáo và kỳ báo cáo"))
        self.setSubTitle(
            tr("Chọn loại báo cáo và kỳ báo cáo; số liệu được tính từ dữ liệu của xã.")
        )
        self.kind = QComboBox()
        for code in ordered_kinds():
            self.kind.addItem(tr(report_kind(code).name), code)
        self.shape = QComboBox()
        self.first = QSpinBox()
        self.last = QSpinBox()
        for box in (self.first, self.last):
            box.setRange(2000, 2100)
        self.last_label = QLabel(tr("đến năm"))
        self.period_text = QLabel()
        years = QHBoxLayout()
        years.addWidget(self.shape)
        years.addWidget(QLabel(tr("năm")))
        years.addWidget(self.first)
        years.addWidget(self.last_label)
        years.addWidget(self.last)
        years.addStretch()
        form = QFormLayout()
        form.addRow(tr("Loại báo cáo:"), self.kind)
        form.addRow(tr("Kỳ báo cáo:"), years)
        form.addRow("", self.period_text)
        self.sets_box = QGroupBox(tr("Số liệu đưa vào báo cáo đột xuất"))
        sets_layout = QVBoxLayout(self.sets_box)
        self.set_checks: dict[str, QCheckBox] = {}
        for code, label in FIGURE_SET_LABELS.items():
            check = QCheckBox(label)
            check.setChecked(True)
            check.toggled.connect(self.owner.mark_changed)
            self.set_checks[code] = check
            sets_layout.addWidget(check)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.sets_box)
        layout.addWidget(self.error)
        layout.addStretch()
        self.kind.currentIndexChanged.connect(self.kind_chosen)
        self.shape.currentIndexChanged.connect(self.shape_chosen)
        for box in (self.first, self.last):
            box.valueChanged.connect(self.show_period)

    def show_report(self, kind: str, period: Period, figure_sets: Sequence[str] | None) -> None:
        for widget in (self.kind, self.shape, self.first, self.last):
            widget.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self._fill_shapes(kind)
        self.shape.setCurrentIndex(self.shape.findData(period.shape))
        self.first.setValue(period.first)
        self.last.setValue(period.last)
        for widget in (self.kind, self.shape, self.first, self.last):
            widget.blockSignals(False)
        for code, check in self.set_checks.items():
            check.setChecked(figure_sets is None or code in figure_sets)
        self.shape_chosen()

    def _fill_shapes(self, kind: str) -> None:
        self.shape.clear()
        for shape in report_kind(kind).period_shapes:
            self.shape.addItem(tr(SHAPE_LABELS[shape]), shape)

    def kind_chosen(self) -> None:
        kind = self.kind.currentData()
        self.show_report(kind, default_period(report_kind(kind), self.owner.year), None)
        self.owner.mark_changed()

    def shape_chosen(self) -> None:
        span = self.shape.currentData() == "span"
        self.last_label.setVisible(span)
        self.last.setVisible(span)
        self.sets_box.setVisible(report_kind(self.kind.currentData()).choose_figure_sets)
        self.show_period()

    def show_period(self) -> None:
        show_error(self.error, "")
        try:
            self.period_text.setText(tr("Kỳ báo cáo: {label}", label=self.period().label_in(tr)))
        except FiguresError as error:
            self.period_text.setText("")
            show_error(self.error, str(error))
        self.owner.mark_changed()

    def period(self) -> Period:
        shape, first = self.shape.currentData(), self.first.value()
        if shape == "span":
            return parse_period(f"{first}-{self.last.value()}")
        return parse_period(f"{first}-H1" if shape == "half_year" else str(first))

    def figure_sets(self) -> tuple[str, ...] | None:
        if not report_kind(self.kind.currentData()).choose_figure_sets:
            return None
        return tuple(code for code, check in self.set_checks.items() if check.isChecked())

    def validatePage(self) -> bool:
        owner = self.owner
        try:
            period = self.period()
        except FiguresError as error:
            show_error(self.error, str(error))
            return False
        kind, sets = self.kind.currentData(), self.figure_sets()
        if owner.figures is not None and (kind, period.code, sets) == (
            owner.kind,
            owner.period,
            owner.figure_sets,
        ):
            return True  # the figures in hand (a reopened report's saved ones) still serve
        figures = owner.compute_figures(kind, period.code, self.error)
        if figures is None:
            return False
        owner.kind, owner.period, owner.figure_sets = kind, period.code, sets
        owner.figures = figures
        return True


class FiguresPage(ReportPage):
    """(b) The figures as the report will state them, for checking."""

    def __init__(self, wizard: ReportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(tr("Số liệu"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.recompute = QPushButton(tr("Tính lại số liệu"))
        self.recompute.setToolTip(
            tr("Tính lại từ dữ liệu hiện tại của xã (thay cho số liệu đã lưu)")
        )
        self.recompute.clicked.connect(self.compute_again)
        self.problems = error_label()
        self.tabs = QTabWidget()
        top = QHBoxLayout()
        top.addWidget(self.note, 1)
        top.addWidget(self.recompute)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.problems)
        layout.addWidget(self.tabs, 1)

    def initializePage(self) -> None:
        owner = self.owner
        figures = owner.figures
        self.setSubTitle(
            tr(
                "{name}, kỳ báo cáo: {label}. Kiểm tra các số liệu dưới đây trước khi viết phần "
                "đánh giá.",
                name=tr(report_kind(owner.kind).name),
                label=figures.period.label_in(tr),
            )
        )
        self.note.setText(owner.figures_note)
        self.recompute.setVisible(not owner.read_only)
        self.tabs.clear()
        text = QTextBrowser()
        text.setHtml(self.sentences_html())
        self.tabs.addTab(text, tr("Nội dung số liệu"))
        for table in annex_tables(figures, figure_sets=owner.figure_sets):
            self.tabs.addTab(annex_table_widget(table), table.title)
        for index, table in enumerate(annex_tables(figures, figure_sets=owner.figure_sets)):
            self.tabs.setTabToolTip(index + 1, table.title)
        if figures.problems:
            show_error(
                self.problems,
                tr(
                    "Số liệu biến động không khớp, chưa lập được báo cáo; cần kiểm tra lại danh "
                    "sách hộ nghèo, hộ cận nghèo:\n{problems}",
                    problems="\n".join(figures.problems),
                ),
            )
        else:
            show_error(self.problems, "")
        self.completeChanged.emit()

    def sentences_html(self) -> str:
        owner = self.owner
        written = sentences(owner.figures)
        parts = []
        if owner.figure_sets is not None:
            parts.append(
                tr(
                    "<p><i>Nhóm số liệu đã chọn: {figure_sets}</i></p>",
                    figure_sets=figure_set_names(owner.figure_sets),
                )
            )
        for section in outline_sections(owner.kind, owner.figure_sets):
            keys = section_sentence_keys(section, owner.figures, written, owner.figure_sets)
            if keys or section.level == 1:
                parts.append(f"<h{section.level + 2}>{section.heading}</h{section.level + 2}>")
            for key in keys:
                # as in the document: projects "- ", their sub-projects "+ "
                marker = ("+ " if key.count(".") > 2 else "- ") if key.startswith("budget.") else ""
                parts.append(f"<p>{marker}{written[key]}</p>")
        return "".join(parts) or tr(
            "<p>Báo cáo không có số liệu nào (chỉ có phần cán bộ viết).</p>"
        )

    def isComplete(self) -> bool:
        return self.owner.figures is not None and not self.owner.figures.problems

    def compute_again(self) -> None:
        owner = self.owner
        figures = owner.compute_figures(owner.kind, owner.period, self.problems)
        if figures is not None:
            owner.figures = figures
            owner.figures_note = tr("Số liệu vừa tính lại từ dữ liệu hiện tại của xã.")
            owner.mark_changed()
            self.initializePage()


class NarrativePage(ReportPage):
    """(c) The clerk's text: the opening, one editor per section, the documents issued."""

    def __init__(self, wizard: ReportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(tr("Nội dung đánh giá"))
        self.setSubTitle(
            tr(
                "Viết nội dung từng mục. Mỗi dòng là một đoạn; dòng bắt đầu bằng “- ” hoặc “+ ” "
                "là một ý gạch đầu dòng. Số liệu in nghiêng được đưa vào báo cáo tự động."
            )
        )
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.editors: dict[str, QPlainTextEdit] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.scroll)

    def _editor(self, key: str, placeholder: str, lines: int = 4) -> QPlainTextEdit:
        editor = QPlainTextEdit(self.owner.narrative.get(key, ""))
        editor.setPlaceholderText(placeholder)
        editor.setTabChangesFocus(True)
        editor.setFixedHeight(editor.fontMetrics().lineSpacing() * lines + 14)
        editor.setReadOnly(self.owner.read_only)
        editor.textChanged.connect(lambda: self.owner.set_text(key, editor.toPlainText()))
        self.editors[key] = editor
        return editor

    def initializePage(self) -> None:
        owner = self.owner
        self.editors = {}
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(QLabel(tr("<b>Đoạn mở đầu</b> (dưới dòng “Kính gửi”)")))
        layout.addWidget(
            self._editor(
                OPENING,
                tr(
                    "Để trống thì ghi: “UBND xã … báo cáo … như sau:”. Có thể ghi căn cứ, "
                    "ví dụ: Thực hiện Công văn số … của …"
                ),
                2,
            )
        )
        written = sentences(owner.figures)
        for section in outline_sections(owner.kind, owner.figure_sets):
            heading = QLabel(section.heading)
            heading.setWordWrap(True)
            font = QFont(heading.font())
            font.setBold(True)
            heading.setFont(font)
            heading.setContentsMargins(
                16 * (section.level - 1), 10 if section.level == 1 else 4, 0, 0
            )
            layout.addWidget(heading)
            keys = section_sentence_keys(section, owner.figures, written, owner.figure_sets)
            for key in keys:
                line = QLabel(written[key], objectName="figureLine")
                line.setWordWrap(True)
                line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                line.setContentsMargins(16 * section.level, 0, 0, 0)
                layout.addWidget(line)
            if section.narrative:
                layout.addWidget(
                    self._editor(section.key, tr("Nội dung mục {heading}", heading=section.heading))
                )
        if DOCUMENTS in report_kind(owner.kind).annexes:
            layout.addWidget(
                QLabel(tr("<b>Danh mục văn bản chỉ đạo, điều hành đã ban hành</b> (phụ lục)"))
            )
            layout.addWidget(
                self._editor(
                    DOCUMENTS,
                    tr("Mỗi dòng một văn bản, ví dụ: Kế hoạch số 12/KH-UBND ngày 10/02/2025 về …"),
                    5,
                )
            )
        layout.addStretch()
        self.scroll.setWidget(body)


AWARD_FIELDS = ("name", "unit", "achievement", "form")


class AwardsPage(ReportPage):
    """(d) The collectives and individuals proposed for awards (kinds that take them)."""

    COLUMNS = (
        tr_noop("Tập thể / Cá nhân"),
        tr_noop("Tên tập thể, cá nhân"),
        tr_noop("Chức vụ, đơn vị"),
        tr_noop("Thành tích"),
        tr_noop("Hình thức khen thưởng (Giấy khen, Bằng khen)"),
    )

    def __init__(self, wizard: ReportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(tr("Đề nghị khen thưởng"))
        self.limits = QLabel()
        self.limits.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(column) for column in self.COLUMNS])
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 130)
        self.table.setColumnWidth(1, 260)
        self.table.setColumnWidth(2, 220)
        self.table.itemChanged.connect(self.store)
        self.add_collective = QPushButton(tr("Thêm tập thể"))
        self.add_individual = QPushButton(tr("Thêm cá nhân"))
        self.remove = QPushButton(tr("Xóa dòng đã chọn"))
        self.add_collective.clicked.connect(lambda: self.add_row("collective"))
        self.add_individual.clicked.connect(lambda: self.add_row("individual"))
        self.remove.clicked.connect(self.remove_rows)
        self.count = QLabel()
        self.error = error_label()
        buttons = QHBoxLayout()
        for button in (self.add_collective, self.add_individual, self.remove):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.limits)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:
        report = report_kind(self.owner.kind)
        limits = report.award_limits
        self.setSubTitle(
            tr(
                "Danh sách tập thể, cá nhân đề nghị khen thưởng kèm theo {report}.",
                report=report.name.lower(),
            )
        )
        if limits:
            shown = tr(" và ").join(
                f"{format_number(n)} {AWARD_KINDS[code].lower()}" for code, n in limits.items()
            )
            self.limits.setText(tr("Đề nghị tối đa {shown}.", shown=shown))
        else:
            self.limits.setText(tr("Không quy định số lượng tối đa."))
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for award in self.owner.awards:
            self._append(award)
        self.table.blockSignals(False)
        read_only = self.owner.read_only
        for button in (self.add_collective, self.add_individual, self.remove):
            button.setEnabled(not read_only)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
            if read_only
            else QAbstractItemView.EditTrigger.AllEditTriggers
        )
        self.check()

    def _append(self, award: Mapping[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        kind = QComboBox()
        for code, label in AWARD_KINDS.items():
            kind.addItem(label, code)
        kind.setCurrentIndex(kind.findData(award.get("kind")))
        kind.setEnabled(not self.owner.read_only)
        kind.currentIndexChanged.connect(self.store)
        self.table.setCellWidget(row, 0, kind)
        for column, key in enumerate(AWARD_FIELDS, start=1):
            self.table.setItem(row, column, QTableWidgetItem(str(award.get(key, ""))))

    def add_row(self, kind: str) -> None:
        self.table.blockSignals(True)
        self._append({"kind": kind})
        self.table.blockSignals(False)
        self.store()
        self.table.setCurrentCell(self.table.rowCount() - 1, 1)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 1))

    def remove_rows(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)
        self.store()

    def awards(self) -> list[dict[str, Any]]:
        found = []
        for row in range(self.table.rowCount()):
            texts = [self.table.item(row, c).text().strip() for c in (1, 2, 3, 4)]
            award = {"kind": self.table.cellWidget(row, 0).currentData()}
            award |= dict(zip(AWARD_FIELDS, texts, strict=True))
            found.append(award)
        return found

    def store(self) -> None:
        self.owner.awards = self.awards()
        self.owner.mark_changed()
        self.check()

    def check(self) -> bool:
        awards = self.owner.awards
        collectives = sum(a["kind"] == "collective" for a in awards)
        self.count.setText(
            tr(
                "Đã đề nghị: {collectives} tập thể, {individuals} cá nhân",
                collectives=format_number(collectives),
                individuals=format_number(len(awards) - collectives),
            )
        )
        try:
            check_awards(self.owner.kind, awards)
        except ReportBuildError as error:
            show_error(self.error, str(error))
            return False
        show_error(self.error, "")
        return True

    def validatePage(self) -> bool:
        return self.check()


def _lines(editor: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in editor.toPlainText().splitlines() if line.strip())


class DocumentPage(ReportPage):
    """(e) The document's number, date, signer and recipients; save, preview, print, write."""

    def __init__(self, wizard: ReportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(tr("Văn bản báo cáo"))
        self.setSubTitle(
            tr(
                "Ghi số, ngày và người ký; lưu bản nháp (mỗi lần lưu là một phiên bản mới), xem "
                "trước, in hoặc ghi ra tệp PDF và Excel."
            )
        )
        self.number = QLineEdit()
        self.number.setPlaceholderText(tr("để trống nếu chưa có số (ghi tay sau)"))
        self.date = QDateEdit()
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.signer_name = QLineEdit()
        self.signer_name.setPlaceholderText(tr("để trống thì để trống dòng tên (ký, ghi tên tay)"))
        self.signer_title = QLineEdit()
        self.number_result = QLabel(objectName="number_result")
        self.signing_block = QLabel(objectName="signing_block")
        self.signing_notes = QLabel(objectName="signing_notes")
        self.signing_notes.setWordWrap(True)
        self.recipients = QPlainTextEdit()
        self.recipients.setPlaceholderText(tr("Mỗi dòng một nơi nhận, ví dụ: Như trên"))
        self.recipients.setMaximumHeight(self.recipients.fontMetrics().lineSpacing() * 5 + 14)
        self.recipients.setTabChangesFocus(True)
        self.keep_defaults = QCheckBox(tr("Dùng người ký và nơi nhận này cho các báo cáo sau"))
        form = QFormLayout()
        form.addRow(tr("Số văn bản:"), self.number)
        form.addRow("", self.number_result)
        form.addRow(tr("Ngày văn bản:"), self.date)
        form.addRow(tr("Người ký:"), self.signer_name)
        form.addRow(tr("Chức vụ người ký:"), self.signer_title)
        form.addRow(tr("Khối chữ ký:"), self.signing_block)
        form.addRow("", self.signing_notes)
        form.addRow(tr("Nơi nhận:"), self.recipients)
        form.addRow("", self.keep_defaults)
        self.save = QPushButton(tr("Lưu bản nháp"))
        self.preview = QPushButton(tr("Xem trước"))
        self.print = QPushButton(tr("In…"))
        self.write = QPushButton(tr("Ghi PDF và Excel…"))
        self.save.clicked.connect(self.owner.save_draft)
        self.preview.clicked.connect(self.owner.preview)
        self.print.clicked.connect(self.owner.print_report)
        self.write.clicked.connect(self.owner.write_files)
        buttons = QHBoxLayout()
        for button in (self.save, self.preview, self.print, self.write):
            buttons.addWidget(button)
        buttons.addStretch()
        self.status = QLabel(objectName="status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch()
        for line in (self.number, self.signer_name, self.signer_title):
            line.textChanged.connect(self.owner.mark_changed)
            line.textChanged.connect(self.show_result)
        self.recipients.textChanged.connect(self.owner.mark_changed)
        self.date.dateChanged.connect(self.owner.mark_changed)
        self.date.dateChanged.connect(self.show_result)  # the bases cited depend on the date

    def show_result(self) -> None:
        """The number as printed, the signing block and what the clerk should know before
        writing (a signer without a name, a legal basis not confirmed)."""
        self.number_result.setText(number_as_printed(self.number.text(), SYMBOL))
        self.signing_block.setText(
            signing_block_html(OFFICIAL_KIND, self.signer_title.text().strip())
        )
        chosen = self.date.date()
        on = date(chosen.year(), chosen.month(), chosen.day())
        notes = signing_warnings(
            self.owner.cdb.db, OFFICIAL_KIND, name=self.signer_name.text(), on=on
        )
        if self.owner.figures is not None:
            notes += decisions_after(self.owner.figures, on)
        self.signing_notes.setText("\n".join(notes))

    def show_header(self, header: DocumentHeader) -> None:
        self.number.setText(header.number or "")
        on = header.date
        self.date.setDate(QDate(on.year, on.month, on.day))
        self.signer_name.setText(header.signer_name)
        self.signer_title.setText(header.signer_title)
        self.recipients.setPlainText("\n".join(header.recipients))

    def header(self) -> DocumentHeader:
        chosen = self.date.date()
        return DocumentHeader(
            number=self.number.text().strip() or None,
            date=date(chosen.year(), chosen.month(), chosen.day()),
            signer_name=self.signer_name.text().strip(),
            signer_title=self.signer_title.text().strip(),
            recipients=_lines(self.recipients),
        )

    def set_read_only(self, read_only: bool) -> None:
        for line in (self.number, self.signer_name, self.signer_title):
            line.setReadOnly(read_only)
        self.recipients.setReadOnly(read_only)
        self.date.setReadOnly(read_only)
        self.keep_defaults.setEnabled(not read_only)
        self.save.setEnabled(not read_only)


# --- the wizard --------------------------------------------------------------------------------


class ReportWizard(QWizard):
    """A new report, or a saved one reopened (a final version read-only)."""

    saved = Signal(int)  # the id of the version just saved

    KIND, FIGURES, NARRATIVE, AWARDS, DOCUMENT = range(5)

    def __init__(
        self, parent: QWidget | None, cdb: CommuneDatabase, report: SavedReport | None = None
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.year = year_in_view(cdb.db)  # as the main window's
        self.job: Job | None = None
        self.changed = False
        self._loading = True
        self.report_id: int | None = None
        self.version: int | None = None
        self.read_only = bool(report and report.final)
        self.figures: ReportFigures | None = None
        self.figures_note = ""
        self.narrative: dict[str, str] = {}
        self.awards: list[dict[str, Any]] = []
        self.setWindowTitle(tr(TITLE))
        self.setStyleSheet(PAGE_STYLE)
        self.setButtonText(QWizard.WizardButton.BackButton, tr("Quay lại"))
        self.setButtonText(QWizard.WizardButton.NextButton, tr("Tiếp tục"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("Đóng"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("Xong"))
        self.kind_page = KindPage(self)
        self.figures_page = FiguresPage(self)
        self.narrative_page = NarrativePage(self)
        self.awards_page = AwardsPage(self)
        self.document_page = DocumentPage(self)
        for page_id, page in enumerate(
            (self.kind_page, self.figures_page, self.narrative_page, self.awards_page,
             self.document_page)
        ):  # fmt: skip
            self.setPage(page_id, page)
        self.pdf = PdfMaker(self, self.set_status)
        if report is None:
            kind = ordered_kinds()[0]
            self.kind_page.show_report(kind, default_period(report_kind(kind), self.year), None)
            self.kind, self.period, self.figure_sets = kind, "", None
            self.document_page.show_header(default_header(cdb.db, date.today()))
        else:
            self._open(report)
        fit_window(self, QSize(1100, 680))
        self._loading = False
        self.changed = False

    def _open(self, report: SavedReport) -> None:
        content = ReportContent.of_saved(self.cdb, report)
        self.kind, self.period, self.figure_sets = report.kind, report.period, report.figure_sets
        self.figures = content.figures
        self.figures_note = tr(
            "Số liệu đã lưu cùng báo cáo (phiên bản {version}, {state}), tính lúc lưu.",
            version=report.version,
            state=STATE_LABELS[report.state].lower(),
        )
        self.narrative, self.awards = content.narrative, content.awards
        self.report_id, self.version = report.id, report.version
        self.kind_page.show_report(report.kind, parse_period(report.period), report.figure_sets)
        self.document_page.show_header(content.header)
        if self.read_only:
            self.kind_page.setEnabled(False)
            self.document_page.set_read_only(True)
            self.setWindowTitle(tr("{title} — bản chính thức (chỉ xem)", title=tr(TITLE)))
        self.setWindowTitle(
            tr(
                "{title} — {name} {period}, phiên bản {version}",
                title=self.windowTitle(),
                name=tr(report_kind(report.kind).name),
                period=report.period,
                version=report.version,
            )
        )

    # --- state ---------------------------------------------------------------------------

    def mark_changed(self) -> None:
        if not self._loading and not self.read_only:
            self.changed = True

    def set_text(self, key: str, text: str) -> None:
        if text.strip():
            self.narrative[key] = text
        else:
            self.narrative.pop(key, None)
        self.mark_changed()

    def set_status(self, text: str) -> None:
        self.document_page.status.setText(text)

    def nextId(self) -> int:
        current = self.currentId()
        if current == self.NARRATIVE and "award_proposals" not in report_kind(self.kind).annexes:
            return self.DOCUMENT
        return super().nextId()

    def compute_figures(self, kind: str, period: str, error: QLabel) -> ReportFigures | None:
        """The figures of ``kind`` for ``period``, computed off the GUI thread; a reason in
        ``error`` (and None) when they cannot be."""
        path, actor = self.cdb.path, self.cdb.actor

        def work(progress: Progress) -> ReportFigures:
            progress(0, 1, tr("Đang tính số liệu từ dữ liệu của xã…"))
            with open_database(path, actor=actor) as own:
                return report_figures(own.db, kind, period)

        outcome, value = wait_for(self, tr(TITLE), tr("Đang tính số liệu…"), work)
        if outcome == "error":
            show_error(
                error,
                str(value) if isinstance(value, FiguresError) else tr("Lỗi: {error}", error=value),
            )
            return None
        if outcome == "cancelled":
            show_error(error, tr("Đã hủy tính số liệu."))
            return None
        show_error(error, "")
        self.figures_note = tr("Số liệu tính từ dữ liệu hiện tại của xã.")
        return value

    def content(self) -> ReportContent:
        return ReportContent(
            self.kind,
            self.period,
            dict(self.narrative),
            [dict(a) for a in self.awards],
            self.document_page.header(),
            self.figures,
            self.figure_sets,
        )

    # --- actions -------------------------------------------------------------------------

    def save_draft(self) -> int | None:
        """Save the report as a new draft version; its id (None when it cannot be saved)."""
        if self.read_only or self.figures is None:
            return None
        try:
            check_awards(self.kind, self.awards)
        except ReportBuildError as error:
            self.set_status(tr("Chưa lưu: {error}", error=error))
            return None
        header = self.document_page.header()
        self.report_id = save_report(
            self.cdb,
            self.kind,
            self.period,
            self.figures.to_dict(),
            self.narrative,
            self.awards,
            number=header.number,
            document_date=header.date,
            header=header_choices(header),
            figure_sets=self.figure_sets,
        )
        if self.document_page.keep_defaults.isChecked():
            keep_header_defaults(self.cdb, header)
        saved = load_report(self.cdb.db, self.report_id)
        self.version = saved.version
        self.changed = False
        self.set_status(
            tr(
                "Đã lưu phiên bản {version} (bản nháp) lúc {created_at}.",
                version=saved.version,
                created_at=saved_time(saved.created_at),
            )
        )
        self.saved.emit(self.report_id)
        return self.report_id

    def preview(self) -> None:
        if self.pdf.make(self.cdb, self.content(), self._previewed, for_preview=True):
            self.set_status(tr("Đang lập văn bản để xem trước…"))

    def _previewed(self, pdf: Path, pages: list[PageImage] | None) -> None:
        self.set_status("")
        self.pdf.show_preview(pdf, pages)

    def print_report(self) -> None:
        if self.pdf.make(self.cdb, self.content(), self.pdf.print):
            self.set_status(tr("Đang lập văn bản để in…"))

    def write_files(self, folder: Path | None = None) -> None:
        folder = folder or choose_folder(self)
        if folder is None:
            return
        remember_report_folder(folder)
        self.set_status(tr("Đang ghi vào {folder}…", folder=folder))
        self.job = write_files(
            self, self.cdb, self.content(), folder,
            lambda built: self.set_status(
                tr("Đã ghi {pdf} và {xlsx}.", pdf=built.pdf, xlsx=built.xlsx)),
            lambda error: self.set_status(tr("Không ghi được báo cáo: {error}", error=error)),
            lambda: self.set_status(tr("Đã hủy; không có tệp nào được ghi.")),
        )  # fmt: skip

    def ask_unsaved(self) -> str:
        """ "save", "discard" or "cancel" for a report with unsaved changes."""
        text = tr("Báo cáo có thay đổi chưa lưu. Lưu thành bản nháp trước khi đóng?")
        answer = ask_unsaved(self, tr(TITLE), text, tr("Lưu bản nháp"))
        return "cancel" if answer == "back" else answer

    def done(self, result: int) -> None:
        if self.changed and self.figures is not None:
            answer = self.ask_unsaved()
            if answer == "cancel" or (answer == "save" and self.save_draft() is None):
                return
        super().done(result)


def open_report_wizard(
    parent: QWidget | None, cdb: CommuneDatabase, report: SavedReport | None = None
) -> ReportWizard:
    """Show the wizard for a new report or a saved one (returns it; it is not modal)."""
    wizard = ReportWizard(parent, cdb, report)
    wizard.show()
    return wizard
