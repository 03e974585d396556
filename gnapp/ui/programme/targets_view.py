"""The targets editor: a table per year (or per programme period), add, edit, delete, and the
import of the level above's spreadsheet with a preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from gnapp.core.vietnamese import format_date, format_decimal, parse_number
from gnapp.i18n import tr, tr_noop
from gnapp.importers.reading import ImportFileError
from gnapp.importers.targets import TargetImport, apply_targets, describe, read_targets
from gnapp.store import programme
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.messages import ask_yes_no
from gnapp.ui.common.models import TextRow, TextTableModel, capitalise, target_value_text
from gnapp.ui.common.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import FITTED_ROWS, selected_row, table_view

OUTPUT_KIND = ""  # the kind combo's entry for an output target of a project
FIRST_YEAR, LAST_YEAR = 2021, 2035
TARGET_HEADERS = (
    tr_noop("Chỉ tiêu"),
    tr_noop("Dự án"),
    tr_noop("Chỉ tiêu giao"),
    tr_noop("Quyết định giao"),
    tr_noop("Cấp giao"),
)


def records_table(model: TextTableModel, stretch: int | None = 0) -> QTableView:
    """A read-only table of whole rows; column ``stretch`` takes the spare width and wraps, rows
    as high as their text (None: no column stretches, nothing wraps, rows of one line, a narrow
    table scrolls sideways: the long lists, whose rows are not all read to size them)."""
    view = table_view(model)
    view.setWordWrap(stretch is not None)
    rows = view.verticalHeader()
    if stretch is not None:
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    else:
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(FITTED_ROWS)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def year_box(year: int) -> QSpinBox:
    """The year a screen of the programme shows, chosen from FIRST_YEAR to LAST_YEAR."""
    box = QSpinBox(minimum=FIRST_YEAR, maximum=LAST_YEAR)
    box.setValue(year)
    return box


class YearScreen(QWidget):
    """A screen of the programme over the commune's records of the year in its year box;
    ``changed`` once it has changed them."""

    changed = Signal()

    def __init__(self, cdb: CommuneDatabase, year: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.year = year_box(year)


def error_label() -> QLabel:
    label = QLabel(objectName="errorText")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    return label


def decision_text(number: str | None, decided: str | None) -> str:
    if not number:
        return ""
    return (
        tr(
            "{number} ngày {date}",
            number=number,
            date=format_date(date.fromisoformat(decided)),
        )
        if decided
        else number
    )


def dialog_buttons(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    """The buttons "Ghi" (or ``ok_text``) and "Hủy"."""
    buttons = QDialogButtonBox()
    buttons.addButton(
        tr("Ghi") if ok_text is None else ok_text, QDialogButtonBox.ButtonRole.AcceptRole
    )
    buttons.addButton(tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def read_amount(text: str, what: str) -> float:
    """A number typed the Vietnamese way, or DatabaseError naming the field."""
    try:
        return float(parse_number(text))
    except ValueError as error:
        raise DatabaseError(f"{what}: {error}") from error


class TargetDialog(AsksBeforeDiscarding, QDialog):
    """Add or edit one target; it saves itself and stays open with the reason when refused."""

    def __init__(
        self,
        cdb: CommuneDatabase,
        year: int,
        period: str | None,
        row: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.cdb, self.year, self.period = cdb, year, period
        self.setWindowTitle(tr("Sửa chỉ tiêu") if row else tr("Thêm chỉ tiêu"))
        self.setMinimumWidth(560)
        self.kind = QComboBox()
        for code, kind in programme.target_kinds().items():
            self.kind.addItem(f"{tr(kind['label'])} ({tr(kind['unit'])})", code)
        self.kind.addItem(tr("Chỉ tiêu đầu ra của dự án…"), OUTPUT_KIND)
        self.project = QComboBox()
        for code, name in programme.projects(programme.programme_for_year(year)).items():
            self.project.addItem(tr(name), code)
        self.label = QLineEdit(placeholderText=tr("vd. Số hộ được hỗ trợ mô hình"))
        self.unit = QLineEdit(placeholderText=tr("vd. hộ, người, %"))
        self.value = QLineEdit(placeholderText=tr("vd. 6,05 hoặc 20"))
        self.decision = QLineEdit(placeholderText=tr("vd. 12/QĐ-UBND"))
        self.dated = QCheckBox(tr("Có ngày quyết định"))
        self.decision_date = QDateEdit(QDate(year, 1, 1))
        self.decision_date.setDisplayFormat("dd/MM/yyyy")
        self.decision_date.setCalendarPopup(True)
        self.error = error_label()
        self.form = form = QFormLayout()
        form.addRow(tr("Loại chỉ tiêu"), self.kind)
        form.addRow(tr("Dự án, tiểu dự án"), self.project)
        form.addRow(tr("Tên chỉ tiêu đầu ra"), self.label)
        form.addRow(tr("Đơn vị tính"), self.unit)
        form.addRow(tr("Giá trị giao"), self.value)
        form.addRow(tr("Số quyết định giao"), self.decision)
        dated = QHBoxLayout()
        dated.addWidget(self.dated)
        dated.addWidget(self.decision_date, 1)
        form.addRow(tr("Ngày quyết định"), dated)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.dated.toggled.connect(self.decision_date.setEnabled)
        if row:
            self._fill(row)
        self.decision_date.setEnabled(self.dated.isChecked())
        self._kind_changed()

    def _fill(self, row: dict[str, Any]) -> None:
        if row["project_code"]:
            self.kind.setCurrentIndex(self.kind.findData(OUTPUT_KIND))
            self.project.setCurrentIndex(self.project.findData(row["project_code"]))
            self.label.setText(row["code"])
            self.unit.setText(row["unit"])
        else:
            self.kind.setCurrentIndex(self.kind.findData(row["code"]))
        self.kind.setEnabled(False)  # another kind is another target: delete and add
        self.label.setReadOnly(bool(row["project_code"]))
        self.value.setText(format_decimal(row["value"], 4))
        self.decision.setText(row["decision_number"] or "")
        if row["decision_date"]:
            self.dated.setChecked(True)
            self.decision_date.setDate(QDate.fromString(row["decision_date"], "yyyy-MM-dd"))

    def _kind_changed(self) -> None:
        output = self.kind.currentData() == OUTPUT_KIND
        for widget in (self.project, self.label, self.unit):
            self.form.setRowVisible(widget, output)

    def save(self) -> int:
        """Validate and write; DatabaseError says why not."""
        if not self.value.text().strip():
            raise DatabaseError(tr("Hãy nhập giá trị chỉ tiêu được giao."))
        value = read_amount(self.value.text(), tr("Giá trị giao"))
        output = self.kind.currentData() == OUTPUT_KIND
        return programme.set_target(
            self.cdb,
            self.year,
            self.label.text() if output else self.kind.currentData(),
            value,
            period=self.period,
            project_code=self.project.currentData() if output else None,
            unit=self.unit.text().strip() if output else None,
            decision_number=self.decision.text().strip() or None,
            decision_date=(
                self.decision_date.date().toString("yyyy-MM-dd") if self.dated.isChecked() else None
            ),
        )

    def accept(self) -> None:
        try:
            self.save()
        except DatabaseError as error:
            self.error.setText(str(error))
            return
        super().accept()


class ImportPreview(QDialog):
    """What an import would write and what it skipped or refused, before anything is written."""

    def __init__(self, result: TargetImport, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Xem trước chỉ tiêu nhập từ {name}", name=result.path.name))
        self.setMinimumSize(640, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                tr(
                    "Sẽ ghi {count} chỉ tiêu cho năm {year}:",
                    count=len(result.targets),
                    year=year,
                )
            )
        )
        self.targets = QListWidget()
        self.targets.addItems([describe(target) for target in result.targets])
        layout.addWidget(self.targets, 2)
        self.problems = QListWidget()
        self.problems.addItems(
            [
                tr("Lỗi: {problem}" if p.error else "Bỏ qua: {problem}", problem=p)
                for p in result.problems
            ]
        )
        if result.problems:
            layout.addWidget(QLabel(tr("Các dòng không ghi:")))
            layout.addWidget(self.problems, 1)
        buttons = dialog_buttons(self, tr("Ghi {count} chỉ tiêu", count=len(result.targets)))
        self.write = buttons.buttons()[0]
        if result.errors or not result.targets:
            self.write.setEnabled(False)
            note = error_label()
            note.setText(
                tr("Tệp còn lỗi: hãy sửa tệp rồi nhập lại (chưa ghi gì).")
                if result.errors
                else tr("Không có chỉ tiêu nào khớp danh mục.")
            )
            layout.addWidget(note)
        layout.addWidget(buttons)


class TargetsView(YearScreen):
    """The targets of a year or of a programme period, editable."""

    def __init__(
        self, cdb: CommuneDatabase, year: int | None = None, parent: QWidget | None = None
    ) -> None:
        years = programme.target_years(cdb.db)
        super().__init__(cdb, year or (years[-1] if years else date.today().year), parent)
        self.scope = QComboBox()
        self.scope.addItem(tr("Chỉ tiêu của năm"), None)
        for programme_id in programme.programme_ids():
            self.scope.addItem(
                tr("Chỉ tiêu cả giai đoạn {programme_id}", programme_id=programme_id), programme_id
            )
        self.model = TextTableModel(TARGET_HEADERS, numeric_columns=(2,))
        self.table = records_table(self.model)
        self.rows: list[dict[str, Any]] = []
        self.empty = QLabel(wordWrap=True)
        self.status = QLabel(wordWrap=True)
        self.add_button = QPushButton(tr("Thêm chỉ tiêu…"))
        self.edit_button = QPushButton(tr("Sửa…"))
        self.delete_button = QPushButton(tr("Xóa"))
        self.import_button = QPushButton(tr("Nhập từ tệp Excel của cấp trên…"))
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Năm")))
        top.addWidget(self.year)
        top.addWidget(self.scope)
        top.addStretch(1)
        top.addWidget(self.import_button)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        title = QLabel(tr("<b>Chỉ tiêu giảm nghèo được giao</b>"))
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.year.valueChanged.connect(self.load)
        self.scope.currentIndexChanged.connect(self.load)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(selected_row(self.table)))
        self.table.doubleClicked.connect(lambda index: self.edit(index.row()))
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(self.choose_import_file)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.load()

    @property
    def period(self) -> str | None:
        return self.scope.currentData()

    def load(self) -> None:
        period = self.period
        self.year.setEnabled(period is None)
        self.import_button.setEnabled(period is None)
        self.rows = programme.targets(self.cdb.db, self.year.value(), period=period)
        self.model.set_rows(
            TextRow(
                (
                    tr(programme.target_label(row)),
                    row["project_code"] or "",
                    target_value_text(row["value"], row["unit"]),
                    decision_text(row["decision_number"], row["decision_date"]),
                    capitalise(tr(programme.target_giver(row["decision_date"]) or "")),
                ),
                row["note"],
            )
            for row in self.rows
        )
        when = (
            tr("giai đoạn {period}", period=period)
            if period
            else tr("năm {year}", year=self.year.value())
        )
        self.empty.setText(
            ""
            if self.rows
            else tr(
                "Chưa có chỉ tiêu nào cho {when}. Bấm “Thêm chỉ tiêu…” hoặc nhập từ tệp Excel.",
                when=when,
            )
        )
        self.empty.setVisible(not self.rows)
        self._selection_changed()

    def _selection_changed(self) -> None:
        chosen = selected_row(self.table) is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _first_year(self) -> int:
        period = self.period
        return programme.parse_target_period(period)[0] if period else self.year.value()

    def target_dialog(self, row: int | None) -> TargetDialog:
        return TargetDialog(
            self.cdb,
            self._first_year(),
            self.period,
            self.rows[row] if row is not None else None,
            self,
        )

    def edit(self, row: int | None) -> None:
        if self.target_dialog(row).exec():
            self.status.setText(tr("Đã ghi chỉ tiêu."))
            self.load()
            self.changed.emit()

    def delete_selected(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        label = programme.target_label(self.rows[row])
        if self.confirm(tr("Xóa chỉ tiêu"), tr("Xóa chỉ tiêu “{label}”?", label=label)):
            programme.delete_target(self.cdb, self.rows[row]["id"])
            self.status.setText(tr("Đã xóa chỉ tiêu “{label}”.", label=label))
            self.load()
            self.changed.emit()

    def confirm(self, title: str, text: str) -> bool:
        return ask_yes_no(self, title, text)

    def choose_import_file(self) -> None:
        dialog = QFileDialog(
            self, tr("Chọn tệp chỉ tiêu của cấp trên"), "", tr("Bảng tính (*.xlsx *.xls *.ods)")
        )
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        if dialog.exec():
            self.import_file(Path(dialog.selectedFiles()[0]))

    def import_preview(self, path: Path) -> ImportPreview | None:
        """Read the file and build its preview (None, with the reason shown, when unreadable)."""
        try:
            result = read_targets(path)
        except ImportFileError as error:
            self.status.setText(str(error))
            return None
        preview = ImportPreview(result, self.year.value(), self)
        preview.accepted.connect(lambda: self._write_import(result))
        return preview

    def import_file(self, path: Path) -> None:
        preview = self.import_preview(path)
        if preview is not None:
            preview.exec()

    def _write_import(self, result: TargetImport) -> None:
        try:
            batch = apply_targets(self.cdb, result, self.year.value())
        except (ImportFileError, DatabaseError) as error:
            self.status.setText(str(error))
            return
        self.status.setText(
            tr(
                "Đã ghi {count} chỉ tiêu từ {name} (lô số {batch}; có thể hoàn tác cả lô).",
                count=len(result.targets),
                name=result.path.name,
                batch=batch,
            )
        )
        self.load()
        self.changed.emit()
