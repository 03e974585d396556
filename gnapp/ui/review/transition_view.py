"""The change of standard ("Chuẩn nghèo 2027–2030"): every household of the register classified
under two standards side by side, by village; who changes class and why; the thresholds not yet
confirmed in plain sight; filters and an export to Excel.

The work is ``gnapp.reporting.transition.compare_standards``, run off the GUI thread with a
progress dialog that can cancel it; this window only presents its result.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from gnapp.core.classify import CLASS_LABELS
from gnapp.core.standards import Standard, StandardError, available_standards, standard_for_year
from gnapp.core.vietnamese import format_number
from gnapp.i18n import tr, tr_noop
from gnapp.progress import Progress
from gnapp.reporting.transition import (
    CLASS_ORDER,
    ComparedHousehold,
    Transition,
    VillageComparison,
    class_name,
    compare_standards,
    export_transition,
    supposed_lines_text,
)
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.ui.common.jobs import Job, run_job
from gnapp.ui.common.messages import ask_path, show_message
from gnapp.ui.common.models import LEFT, RIGHT, FlatTableModel
from gnapp.ui.common.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QModelIndex,
    QPlainTextEdit,
    QPushButton,
    QSize,
    QSpinBox,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import table_view, wrapped
from gnapp.ui.common.window_size import fit_window

SHOWN_CHOICES = (
    ("changed", tr_noop("Hộ đổi loại")),
    ("undetermined", tr_noop("Hộ chưa xác định được theo chuẩn thứ hai")),
    ("all", tr_noop("Tất cả các hộ")),
)
NEXT_STANDARD = "2027-2030"


class VillageModel(FlatTableModel):
    """The villages' households by class under each standard, then the commune's."""

    def __init__(self) -> None:
        super().__init__()
        self.transition: Transition | None = None
        self.rows: tuple[VillageComparison, ...] = ()

    def show(self, transition: Transition) -> None:
        self.beginResetModel()
        self.transition = transition
        self.rows = (*transition.villages, transition.commune)
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.rows)

    def column_count(self) -> int:
        return 3 + 2 * len(CLASS_ORDER)

    def header(self, section: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.transition is None:
            return None
        if section == 0:
            return tr("Thôn, tổ dân phố")
        if section == 1:
            return tr("Số hộ")
        if section == self.column_count() - 1:
            return tr("Đổi loại")
        index = section - 2
        standard = self.transition.before if index < len(CLASS_ORDER) else self.transition.after
        code = CLASS_ORDER[index % len(CLASS_ORDER)]
        return f"{tr(class_name(code))}\n({standard.id})"

    def cell(self, row: int, column: int, role: int) -> Any:
        village = self.rows[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column == 0 else RIGHT
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return village.village if row < len(self.rows) - 1 else tr("Toàn xã")
        if column == 1:
            return format_number(village.households)
        if column == self.column_count() - 1:
            return format_number(village.changed)
        index = column - 2
        counts = village.before if index < len(CLASS_ORDER) else village.after
        return format_number(counts.get(CLASS_ORDER[index % len(CLASS_ORDER)], 0))


class HouseholdModel(FlatTableModel):
    """The households the filters keep: code, head, village, class under each standard and
    the number of deprivations under each."""

    HEADERS = (
        tr_noop("Mã hộ"),
        tr_noop("Chủ hộ"),
        tr_noop("Thôn, tổ dân phố"),
        tr_noop("Loại ({standard})"),
        tr_noop("Loại ({standard})"),
        tr_noop("Thiếu hụt ({standard})"),
        tr_noop("Thiếu hụt ({standard})"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.transition: Transition | None = None
        self.households: Sequence[ComparedHousehold] = ()

    def show(self, transition: Transition, households: Sequence[ComparedHousehold]) -> None:
        self.beginResetModel()
        self.transition = transition
        self.households = households
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.households)

    def column_count(self) -> int:
        return len(self.HEADERS)

    def header(self, section: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.transition is None:
            return None
        standard = self.transition.before if section in (3, 5) else self.transition.after
        return tr(self.HEADERS[section], standard=standard.id)

    def cell(self, row: int, column: int, role: int) -> Any:
        household = self.households[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column >= 5 else LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return household.shown_why
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        outcome = household.before if column in (3, 5) else household.after
        if column == 0:
            return household.code
        if column == 1:
            return household.head
        if column == 2:
            return household.village
        if outcome is None:
            return tr("Lỗi dữ liệu")
        if column in (3, 4):
            return tr(class_name(outcome.class_code))
        return format_number(len(outcome.deprived))


def _default_pair(standards: Sequence[Standard], today: date) -> tuple[int, int]:
    """The standard in force today and the next one (2027–2030), as indexes of ``standards``."""
    ids = [s.id for s in standards]
    try:
        current = ids.index(standard_for_year(today.year).id)
    except StandardError:  # a year between two standards: the latest that has begun
        begun = [
            i for i, s in enumerate(standards) if s.extends is None and s.years.first <= today.year
        ]
        current = begun[-1] if begun else 0
    following = ids.index(NEXT_STANDARD) if NEXT_STANDARD in ids else len(ids) - 1
    if following == current:
        following = next((i for i in range(len(ids)) if i != current), current)
    return current, following


class TransitionWindow(QDialog):
    """Choose two standards (and, for a standard without published B1 lines, lines to
    suppose), classify the register under both, and look through the result."""

    compared = Signal(object)  # the Transition, once shown
    exported = Signal(object)  # the workbook's path, once written

    def __init__(self, parent: QWidget | None, cdb: CommuneDatabase) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("So sánh chuẩn nghèo: chuẩn hiện hành và chuẩn 2027–2030"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.database_path = Path(cdb.path)
        self.transition: Transition | None = None
        self.job: Job | None = None
        self.standards = available_standards()

        self.before = QComboBox()
        self.after = QComboBox()
        for standard in self.standards:
            for box in (self.before, self.after):
                box.addItem(tr(standard.name), standard.id)
        current, following = _default_pair(self.standards, date.today())
        self.before.setCurrentIndex(current)
        self.after.setCurrentIndex(following)
        self.suppose = QCheckBox(tr("Giả định ngưỡng điểm B1 (chuẩn chưa công bố):"))
        self.rural_line = QSpinBox(minimum=1, maximum=1000, value=140, suffix=tr(" điểm"))
        self.urban_line = QSpinBox(minimum=1, maximum=1000, value=175, suffix=tr(" điểm"))
        for box in (self.rural_line, self.urban_line):
            box.setEnabled(False)
            self.suppose.toggled.connect(box.setEnabled)
        self.run_button = QPushButton(tr("&Phân loại"))
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        choose = QHBoxLayout()
        choose.addWidget(QLabel(tr("Chuẩn hiện hành:")))
        choose.addWidget(self.before, 1)
        choose.addWidget(QLabel(tr("So với:")))
        choose.addWidget(self.after, 1)
        choose.addWidget(self.run_button)
        lines = QHBoxLayout()
        lines.addWidget(self.suppose)
        lines.addWidget(QLabel(tr("nông thôn")))
        lines.addWidget(self.rural_line)
        lines.addWidget(QLabel(tr("thành thị")))
        lines.addWidget(self.urban_line)
        lines.addStretch(1)

        self.summary = wrapped(tr("Bấm «Phân loại» để phân loại mọi hộ theo cả hai chuẩn."))
        self.villages = VillageModel()
        self.village_view = table_view(self.villages)
        self.village_view.setObjectName("transitionVillages")
        self.shown = QComboBox()
        for key, label in SHOWN_CHOICES:
            self.shown.addItem(tr(label), key)
        self.village = QComboBox()
        self.village.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.shown.currentIndexChanged.connect(self._filter)
        self.village.currentIndexChanged.connect(self._filter)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("Xem:")))
        filters.addWidget(self.shown)
        filters.addWidget(QLabel(tr("Thôn:")))
        filters.addWidget(self.village)
        self.count_label = QLabel()
        filters.addWidget(self.count_label, 1)
        self.households = HouseholdModel()
        self.household_view = table_view(self.households)
        self.household_view.setObjectName("transitionHouseholds")
        self.household_view.selectionModel().currentRowChanged.connect(self._show_why)
        for column, width in enumerate((100, 200, 150, 150, 150, 150, 150)):
            self.household_view.setColumnWidth(column, width)
        self.household_view.horizontalHeader().setStretchLastSection(True)
        self.why = QPlainTextEdit(readOnly=True)
        self.why.setMaximumHeight(70)
        self.why.setPlaceholderText(tr("Chọn một hộ để xem lý do."))
        self.marks = QPlainTextEdit(readOnly=True, objectName="transitionMarks")
        self.marks.setMaximumHeight(80)
        self.export_button = QPushButton(tr("&Xuất Excel…"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        close = QPushButton(tr("Đóng"))
        close.clicked.connect(self.reject)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.summary)
        upper_layout.addWidget(self.village_view)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(filters)
        lower_layout.addWidget(self.household_view, 1)
        lower_layout.addWidget(self.why)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([230, 330])
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(tr("Ngưỡng, chỉ số chưa đối chiếu văn bản gốc:")))
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addLayout(lines)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.marks)
        fit_window(self, QSize(1200, 660))

    def _chosen(self) -> tuple[Standard, Standard]:
        by_id = {s.id: s for s in self.standards}
        return by_id[self.before.currentData()], by_id[self.after.currentData()]

    def run(self) -> None:
        before, after = self._chosen()
        if before.id == after.id:
            show_message(
                self,
                QMessageBox.Icon.Warning,
                tr("Chọn hai chuẩn khác nhau"),
                tr("Hãy chọn hai chuẩn nghèo khác nhau để so sánh."),
            )
            return
        lines = (
            {"rural": self.rural_line.value(), "urban": self.urban_line.value()}
            if self.suppose.isChecked()
            else None
        )
        path = self.database_path

        def work(progress: Progress) -> Transition:
            with open_database(path) as cdb:  # the worker thread's own connection
                return compare_standards(
                    cdb.db, before, after, date.today(), progress, lines, translate=tr
                )

        self.run_button.setEnabled(False)
        self.job = run_job(
            self,
            tr("So sánh chuẩn nghèo"),
            tr("Đang phân loại mọi hộ theo hai chuẩn…"),
            work,
            self._show,
            self._failed,
            lambda: self.run_button.setEnabled(True),
        )

    def _failed(self, error: Exception) -> None:
        self.run_button.setEnabled(True)
        show_message(self, QMessageBox.Icon.Critical, tr("Chưa phân loại được"), str(error))

    def _show(self, transition: Transition) -> None:
        self.run_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.transition = transition
        self.villages.show(transition)
        self.village_view.resizeColumnsToContents()  # a row per village: a few dozen at most
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(tr("Tất cả các thôn"), None)
        for village in transition.villages:
            self.village.addItem(village.village, village.village)
        self.village.blockSignals(False)
        commune = transition.commune
        changes = "; ".join(
            tr(
                "{before} → {after}: {count} hộ",
                before=tr(CLASS_LABELS[old]),
                after=tr(CLASS_LABELS[new]),
                count=format_number(count),
            )
            for (old, new), count in sorted(transition.changes.items(), key=lambda item: -item[1])
        )
        undetermined = sum(h.undetermined_after for h in transition.households)
        text = tr(
            "{households} hộ đang ở xã, phân loại ngày {day}. Đổi loại: {changed} hộ{changes}. "
            "Chưa xác định được theo chuẩn {after}: {undetermined} hộ.",
            households=format_number(commune.households),
            day=transition.reference_date.strftime("%d/%m/%Y"),
            changed=format_number(commune.changed),
            changes=f" ({changes})" if changes else "",
            after=transition.after.id,
            undetermined=format_number(undetermined),
        )
        if transition.score_lines:
            text += " " + supposed_lines_text(transition, tr) + "."
        self.summary.setText(text)
        self.marks.setPlainText("\n".join(mark.text_in(tr) for mark in transition.marks))
        self._filter()
        self.compared.emit(transition)

    def _filter(self) -> None:
        if self.transition is None:
            return
        shown = self.shown.currentData()
        village = self.village.currentData()
        households = [
            h
            for h in self.transition.households
            if (village is None or h.village == village)
            and (
                shown == "all"
                or (shown == "changed" and h.changed)
                or (shown == "undetermined" and h.undetermined_after)
            )
        ]
        self.households.show(self.transition, households)
        self.count_label.setText(tr("{count} hộ", count=format_number(len(households))))
        self.why.clear()
        if households:
            self.household_view.selectRow(0)

    def _show_why(self, current: QModelIndex) -> None:
        if not current.isValid():
            self.why.clear()
            return
        household = self.households.households[current.row()]
        before = household.before.class_code if household.before else None
        after = household.after.class_code if household.after else None
        self.why.setPlainText(
            f"{household.code} — {household.head}: {tr(CLASS_LABELS[before])} → "
            f"{tr(CLASS_LABELS[after])}. {household.shown_why}"
        )

    def export(self) -> None:
        if self.transition is None:
            return
        transition = self.transition
        name = f"so-sanh-chuan-{transition.before.id}-{transition.after.id}.xlsx"
        target = ask_path(
            self,
            tr("Xuất bảng so sánh ra Excel"),
            Path.home() / name,
            tr("Bảng tính Excel (*.xlsx)"),
            QFileDialog.FileMode.AnyFile,
            accept=tr("Lưu"),
        )
        if target is None:
            return
        path = target if target.suffix.lower() == ".xlsx" else target.with_suffix(".xlsx")
        database_path = self.database_path

        def work(progress: Progress) -> Path:
            with open_database(database_path) as cdb:
                return export_transition(cdb.db, transition, path, progress)

        self.job = run_job(
            self,
            tr("Xuất bảng so sánh"),
            tr("Đang ghi tệp Excel…"),
            work,
            self._exported,
            lambda error: show_message(
                self, QMessageBox.Icon.Critical, tr("Không xuất được"), str(error)
            ),
        )

    def _exported(self, saved: Path) -> None:
        self.exported.emit(saved)
        show_message(
            self, QMessageBox.Icon.Information, tr("Đã xuất xong"), tr("Đã ghi {path}", path=saved)
        )


def open_transition_window(parent: QWidget | None, cdb: CommuneDatabase) -> TransitionWindow:
    """Show the comparison window (not modal)."""
    window = TransitionWindow(parent, cdb)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window
