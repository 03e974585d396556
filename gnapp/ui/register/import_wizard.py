"""The import wizard: file -> mapping -> preview (decisions) -> import (background) -> result."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gnapp.core.vietnamese import format_number, format_timestamp
from gnapp.i18n import tr, tr_noop
from gnapp.importers.apply import (
    ImportResult,
    apply_plan,
    import_batches,
    imported_counts,
    undo_import,
)
from gnapp.importers.headers import import_fields
from gnapp.importers.mappings import read_mapping_file, write_mapping_file
from gnapp.importers.parsing import shown
from gnapp.importers.plan import (
    DECISION_LABELS,
    LAYOUT_LABELS,
    ImportPlan,
    Source,
    build_plan,
    open_source,
)
from gnapp.importers.reading import ImportFileError, sheet_names
from gnapp.importers.report import default_report_path, write_error_report
from gnapp.progress import Progress
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.errors import DatabaseError
from gnapp.store.register import villages
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.jobs import run_job
from gnapp.ui.common.messages import show_message
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QComboBox,
    QEventLoop,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSize,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from gnapp.ui.common.widgets import FITTED_ROWS
from gnapp.ui.common.window_size import fit_window

FILE_FILTER = tr_noop("Bảng tính (*.xlsx *.xls *.ods *.csv);;Mọi tệp (*)")
MAPPING_FILTER = tr_noop("Cách ghép cột (*.json);;Mọi tệp (*)")
AREA_LABELS = {"rural": tr_noop("Nông thôn"), "urban": tr_noop("Thành thị / đô thị")}
_SAMPLES = 3


def _table(headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setResizeContentsPrecision(FITTED_ROWS)  # thousands of problems
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _item(text: object) -> QTableWidgetItem:
    return QTableWidgetItem("" if text is None else str(text))


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("Chọn tệp danh sách hộ"))
        self.setSubTitle(tr("Tệp Excel (.xlsx, .xls), LibreOffice (.ods) hoặc CSV."))
        self.path = QLineEdit()
        browse = QPushButton(tr("Chọn tệp…"))
        browse.clicked.connect(self.browse)
        self.sheet = QComboBox()
        self.path.editingFinished.connect(self.load_sheets)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("Tệp:"), row)
        form.addRow(tr("Trang tính:"), self.sheet)
        self.batches = _table([tr("Số"), tr("Lúc"), tr("Tệp"), tr("Người nhập"), tr("Tình trạng")])
        self.undo = QPushButton(tr("Hoàn tác lần nhập đã chọn"))
        self.undo.clicked.connect(self.undo_selected)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("Các lần nhập trước:")))
        layout.addWidget(self.batches)
        layout.addWidget(self.undo)
        self.refresh_batches()

    def browse(self) -> None:
        dialog = QFileDialog(self, tr("Chọn tệp danh sách hộ"), str(Path.home()), tr(FILE_FILTER))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, tr("Chọn"))
        dialog.setLabelText(QFileDialog.DialogLabel.Reject, tr("Hủy"))
        dialog.setLabelText(QFileDialog.DialogLabel.LookIn, tr("Thư mục:"))
        dialog.setLabelText(QFileDialog.DialogLabel.FileName, tr("Tên tệp:"))
        dialog.setLabelText(QFileDialog.DialogLabel.FileType, tr("Loại tệp:"))
        if dialog.exec():
            self.path.setText(dialog.selectedFiles()[0])
            self.load_sheets()

    def load_sheets(self) -> None:
        self.sheet.clear()
        with contextlib.suppress(ImportFileError):
            self.sheet.addItems(sheet_names(self.path.text().strip()))

    def refresh_batches(self) -> None:
        found = import_batches(self.owner.cdb)
        self.batches.setRowCount(len(found))
        for row, batch in enumerate(found):
            state = (
                tr("Đã hoàn tác lúc {undone_at}", undone_at=format_timestamp(batch.undone_at))
                if batch.undone_at
                else tr("Còn hiệu lực")
            )
            for column, value in enumerate(
                (batch.id, format_timestamp(batch.started_at), batch.label, batch.actor, state)
            ):
                self.batches.setItem(row, column, _item(value))
        self.undo.setEnabled(bool(found))

    def undo_selected(self) -> None:
        row = self.batches.currentRow()
        if row < 0:
            show_message(
                self, QMessageBox.Icon.Information, tr("Hoàn tác"), tr("Hãy chọn một lần nhập.")
            )
            return
        batch_id = int(self.batches.item(row, 0).text())
        households, members = imported_counts(self.owner.cdb, batch_id)
        answer = QMessageBox.question(
            self,
            tr("Hoàn tác lần nhập"),
            tr(
                "Hoàn tác lần nhập “{label}”?\n\n{households} hộ và {members} nhân khẩu đã nhập "
                "lần đó sẽ bị xóa khỏi sổ; những gì lần nhập đã sửa được trả lại như cũ.",
                label=self.batches.item(row, 2).text(),
                households=format_number(households),
                members=format_number(members),
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        path, actor = self.owner.cdb.path, self.owner.cdb.actor

        def work(progress: Progress) -> int:
            with open_database(path, actor=actor) as own:
                return undo_import(own, batch_id, progress)

        try:
            self.owner.wait_for(tr("Đang hoàn tác…"), work)
        except DatabaseError as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Không hoàn tác được"), str(error))
        self.refresh_batches()

    def validatePage(self) -> bool:
        path = self.path.text().strip()
        sheet = self.sheet.currentText() or None
        database, actor = self.owner.cdb.path, self.owner.cdb.actor

        def read(progress: Progress) -> Source:
            with open_database(database, actor=actor) as own:
                return open_source(own.db, path, sheet)

        try:
            self.owner.source = self.owner.wait_for(tr("Đang đọc tệp…"), read)
        except ImportFileError as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Không đọc được tệp"), str(error))
            return False
        return self.owner.source is not None


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("Cột nào chứa thông tin gì"))
        self.setSubTitle(tr("Kiểm tra trường dữ liệu gợi ý cho từng cột; đổi nếu cần."))
        self.table = _table(
            [
                tr("Cột"),
                tr("Tiêu đề trong tệp"),
                tr("Trường dữ liệu"),
                tr("Vì sao chưa ghép"),
                tr("Giá trị mẫu"),
            ]
        )
        save = QPushButton(tr("Lưu cách ghép vào tệp…"))
        save.clicked.connect(self.save_mapping)
        load = QPushButton(tr("Dùng cách ghép đã lưu…"))
        load.clicked.connect(self.load_mapping)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(load)
        buttons.addWidget(save)
        self.layout_choice = QComboBox()
        self.layout_choice.addItem(tr("Tự nhận biết"), None)
        for key, label in LAYOUT_LABELS.items():
            self.layout_choice.addItem(tr(label), key)
        self.default_village = QComboBox()
        form = QFormLayout()
        form.addRow(tr("Cách ghi trong tệp:"), self.layout_choice)
        form.addRow(tr("Thôn cho hộ không ghi thôn:"), self.default_village)
        self.note = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addLayout(form)

    def initializePage(self) -> None:
        source: Source = self.owner.source
        self.note.setText(
            tr("Đã dùng lại cách ghép cột đã xác nhận lần trước cho tệp cùng mẫu.")
            if source.remembered
            else tr("Dòng tiêu đề: dòng {row}", row=source.header.first_row + 1)
            + (
                f"–{source.header.last_row + 1}"
                if source.header.last_row > source.header.first_row
                else ""
            )
        )
        columns = [c for c in source.header.columns if c.parts]
        self.table.setRowCount(len(columns))
        self.combos: dict[int, QComboBox] = {}
        data = source.sheet.rows[source.header.data_row :]
        reasons = {guess.column.index: guess.reason for guess in source.guesses}
        for row, column in enumerate(columns):
            combo = QComboBox()
            combo.addItem(tr("(bỏ qua cột này)"), "ignore")
            for field in import_fields():
                if field.id != "ignore":
                    combo.addItem(tr(field.label), field.id)
            self.combos[column.index] = combo
            samples = [
                shown(values[column.index])
                for values in data[:20]
                if column.index < len(values) and values[column.index] is not None
            ][:_SAMPLES]
            self.table.setItem(row, 0, _item(column.letter))
            self.table.setItem(row, 1, _item(column.text))
            self.table.setCellWidget(row, 2, combo)
            self.table.setItem(row, 3, _item(reasons.get(column.index, "")))
            self.table.setItem(row, 4, _item("; ".join(samples)))
        self.show_mapping(source.mapping)
        self.default_village.clear()
        self.default_village.addItem(tr("(không chọn)"), None)
        for village in villages(self.owner.cdb.db):
            self.default_village.addItem(village["name"], village["name"])

    def mapping(self) -> dict[int, str]:
        return {column: combo.currentData() for column, combo in self.combos.items()}

    def show_mapping(self, mapping: dict[int, str]) -> None:
        for column, combo in self.combos.items():
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(column, "ignore"))))

    def save_mapping(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, tr("Lưu cách ghép cột vào"), str(Path.home()), tr(MAPPING_FILTER)
        )
        if not chosen:
            return
        path = Path(chosen if chosen.endswith(".json") else f"{chosen}.json")
        try:
            write_mapping_file(path, self.owner.source.header, self.mapping())
        except ImportFileError as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Ghép cột"), str(error))

    def load_mapping(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, tr("Dùng cách ghép cột đã lưu"), str(Path.home()), tr(MAPPING_FILTER)
        )
        if not chosen:
            return
        try:
            self.show_mapping(read_mapping_file(Path(chosen), self.owner.source.header))
        except ImportFileError as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Ghép cột"), str(error))

    def validatePage(self) -> bool:
        mapping = self.mapping()
        chosen = [field for field in mapping.values() if field != "ignore"]
        if len(chosen) != len(set(chosen)):
            show_message(
                self, QMessageBox.Icon.Warning, tr("Ghép cột"),
                tr("Mỗi trường dữ liệu chỉ được chọn cho một cột."),
            )  # fmt: skip
            return False
        source, layout = self.owner.source, self.layout_choice.currentData()
        village = self.default_village.currentData()
        database, actor = self.owner.cdb.path, self.owner.cdb.actor

        def plan(progress: Progress) -> ImportPlan:
            with open_database(database, actor=actor) as own:
                return build_plan(
                    own.db, source, mapping, layout, default_village=village, progress=progress
                )

        self.owner.plan = self.owner.wait_for(tr("Đang kiểm tra từng dòng…"), plan)
        return self.owner.plan is not None


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.imported = False
        self.setTitle(tr("Xem trước: chưa có gì được ghi"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("Nhập dữ liệu"))
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.filter = QComboBox()
        self.filter.addItems(
            [tr("Tất cả vấn đề"), tr("Chỉ lỗi (dòng bị loại)"), tr("Chỉ cảnh báo")]
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Lọc theo nội dung…"))
        self.filter.currentIndexChanged.connect(self.show_problems)
        self.search.textChanged.connect(self.show_problems)
        self.problems = _table([tr("Trang"), tr("Dòng"), tr("Cột"), tr("Mức"), tr("Lý do")])
        self.duplicates = _table([tr("Dòng"), tr("Trùng"), tr("Quyết định")])
        self.new_villages = _table([tr("Thôn mới"), tr("Khu vực")])
        filters = QHBoxLayout()
        filters.addWidget(self.filter)
        filters.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addLayout(filters)
        layout.addWidget(self.problems, 3)
        layout.addWidget(QLabel(tr("Hộ trùng (chọn bỏ qua hoặc vẫn nhập):")))
        layout.addWidget(self.duplicates, 2)
        layout.addWidget(QLabel(tr("Thôn chưa có trong dữ liệu xã (sẽ được tạo):")))
        layout.addWidget(self.new_villages, 1)

    def initializePage(self) -> None:
        plan: ImportPlan = self.owner.plan
        self.imported = False
        self.show_problems()
        self.duplicates.setRowCount(len(plan.duplicates))
        for row, duplicate in enumerate(plan.duplicates):
            self.duplicates.setItem(row, 0, _item(duplicate.row))
            self.duplicates.setItem(row, 1, _item(duplicate.message))
            combo = QComboBox()
            for key, label in DECISION_LABELS.items():
                combo.addItem(tr(label), key)
            combo.setCurrentIndex(combo.findData(plan.decisions.get(duplicate.household)))
            combo.setEnabled(not duplicate.in_database)
            combo.currentIndexChanged.connect(
                lambda _=0, c=combo, h=duplicate.household: self.decide(h, c.currentData())
            )
            self.duplicates.setCellWidget(row, 2, combo)
        self.new_villages.setRowCount(len(plan.new_villages))
        for row, (key, name) in enumerate(plan.new_villages.items()):
            self.new_villages.setItem(row, 0, _item(name))
            combo = QComboBox()
            for area, label in AREA_LABELS.items():
                combo.addItem(tr(label), area)
            combo.setCurrentIndex(combo.findData(plan.village_areas[key]))
            combo.currentIndexChanged.connect(
                lambda _=0, c=combo, k=key: plan.village_areas.__setitem__(k, c.currentData())
            )
            self.new_villages.setCellWidget(row, 1, combo)
        self.show_counts()

    def decide(self, household: int, decision: str) -> None:
        self.owner.plan.decide(household, decision)
        self.show_counts()

    def show_counts(self) -> None:
        plan: ImportPlan = self.owner.plan
        s = plan.summary()
        lines = [
            tr(
                "{layout}. Số dòng: {rows} — nhận: {accepted}, có cảnh báo: {warned}, "
                "bị loại: {rejected}, hộ trùng: {duplicates}.",
                layout=tr(LAYOUT_LABELS[plan.layout]),
                rows=format_number(s.rows),
                accepted=format_number(s.accepted),
                warned=format_number(s.warned),
                rejected=format_number(s.rejected),
                duplicates=format_number(s.duplicates),
            ),
            tr(
                "Sẽ nhập {households} hộ, {members} nhân khẩu, tạo {villages} thôn mới."
                if s.new_villages
                else "Sẽ nhập {households} hộ, {members} nhân khẩu.",
                households=format_number(s.households),
                members=format_number(s.members),
                villages=format_number(s.new_villages),
            ),
            *plan.notes,
        ]
        self.counts.setText("\n".join(lines))

    def show_problems(self) -> None:
        plan: ImportPlan = self.owner.plan
        wanted = {0: None, 1: "error", 2: "warning"}[self.filter.currentIndex()]
        needle = self.search.text().strip().lower()
        shown_problems = [
            p
            for p in plan.problems
            if (wanted is None or p.severity == wanted) and needle in p.message.lower()
        ]
        self.problems.setRowCount(len(shown_problems))
        for row, problem in enumerate(shown_problems):
            level = tr("Lỗi") if problem.severity == "error" else tr("Cảnh báo")
            values = (problem.sheet, problem.row, problem.column, level, problem.message)
            for column, value in enumerate(values):
                self.problems.setItem(row, column, _item(value))

    def validatePage(self) -> bool:
        if self.imported:
            return True
        plan: ImportPlan = self.owner.plan
        if not plan.to_import():
            show_message(
                self, QMessageBox.Icon.Warning, tr("Không có gì để nhập"),
                tr("Không có hộ nào nhập được từ tệp này."),
            )  # fmt: skip
            return False
        self.owner.start_import()
        return False


class ResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("Đã nhập xong"))
        self.text = QLabel()
        self.text.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.text)

    def initializePage(self) -> None:
        result: ImportResult = self.owner.result
        lines = [
            tr(
                "Đã nhập {households} hộ, {members} nhân khẩu, tạo {villages} thôn mới."
                if result.villages
                else "Đã nhập {households} hộ, {members} nhân khẩu.",
                households=format_number(result.households),
                members=format_number(result.members),
                villages=format_number(result.villages),
            ),
            tr(
                "Lần nhập số {batch_id}: có thể hoàn tác ở trang đầu của trình nhập.",
                batch_id=result.batch_id,
            ),
        ]
        if self.owner.report is not None:
            lines.append(tr("Các dòng bị loại được ghi vào: {report}", report=self.owner.report))
        self.text.setText("\n".join(lines))


class ImportWizard(AsksBeforeDiscarding, QWizard):
    def __init__(self, parent: QWidget | None, cdb: CommuneDatabase) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.source: Source | None = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.report: Path | None = None
        self.job = None
        self.setWindowTitle(tr("Nhập danh sách hộ"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("Quay lại"))
        self.setButtonText(QWizard.WizardButton.NextButton, tr("Tiếp tục"))
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("Nhập dữ liệu"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("Hủy"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("Xong"))
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)
        fit_window(self, QSize(1000, 680))

    def wait_for(self, label: str, work: Callable[[Progress], Any]) -> Any:
        """Run ``work`` off the GUI thread (the window stays alive, with progress and "Hủy")
        and wait for it; its result, None if cancelled; its error is raised here."""
        loop = QEventLoop()
        outcome: dict[str, Any] = {}

        def settle(key: str, value: Any = None) -> None:
            outcome[key] = value
            loop.quit()

        self.job = run_job(
            self, tr("Nhập danh sách hộ"), label, work,
            lambda result: settle("result", result), lambda error: settle("error", error),
            lambda: settle("cancelled"),
        )  # fmt: skip
        loop.exec()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    def start_import(self) -> None:
        plan = self.plan
        path, actor = self.cdb.path, self.cdb.actor

        def work(progress: Progress) -> ImportResult:
            with open_database(path, actor=actor) as own:
                return apply_plan(own, plan, progress)

        self.job = run_job(
            self, tr("Nhập danh sách hộ"), tr("Đang nhập…"), work,
            self.finish_import, self.fail_import, self.cancelled_import,
        )  # fmt: skip

    def finish_import(self, result: ImportResult) -> None:
        self.result = result
        if self.plan.rejected_rows():
            self.report = default_report_path(self.plan.source)
            write_error_report(self.plan, self.report)
        self.preview_page.imported = True
        self.next()

    def fail_import(self, error: Exception) -> None:
        show_message(self, QMessageBox.Icon.Critical, tr("Nhập không thành công"), str(error))

    def cancelled_import(self) -> None:
        show_message(
            self, QMessageBox.Icon.Information, tr("Đã hủy"),
            tr("Đã hủy nhập; dữ liệu giữ nguyên như trước."),
        )  # fmt: skip


def open_import_wizard(parent: QWidget | None, cdb: CommuneDatabase) -> ImportWizard:
    """Show the import wizard for the open commune (returns it; it is not modal)."""
    wizard = ImportWizard(parent, cdb)
    wizard.show()
    return wizard
