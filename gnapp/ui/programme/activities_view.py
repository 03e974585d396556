"""Budgets, activities and models with their beneficiaries, and the general policies of a year."""

from __future__ import annotations

from datetime import date
from typing import Any

from gnapp.core.classify import CLASS_LABELS
from gnapp.core.vietnamese import format_date, format_number, format_percent
from gnapp.i18n import tr, tr_noop
from gnapp.reporting.figures import percent
from gnapp.store import activities, programme
from gnapp.store.activities import ACTIVITY_KINDS, POLICIES, Candidate
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.programme import CAPITAL_KINDS
from gnapp.store.register import villages
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.messages import ask_yes_no
from gnapp.ui.common.models import TextRow, TextTableModel, capitalise
from gnapp.ui.common.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import selected_row
from gnapp.ui.programme.targets_view import (
    YearScreen,
    dialog_buttons,
    error_label,
    read_amount,
    records_table,
)

SEARCH_DELAY_MS = 200
BUDGET_HEADERS = (
    tr_noop("Dự án, tiểu dự án"),
    tr_noop("Nguồn vốn"),
    tr_noop("Loại vốn"),
    tr_noop("Phân bổ (đồng)"),
    tr_noop("Năm trước chuyển sang (đồng)"),
    tr_noop("Giải ngân (đồng)"),
    tr_noop("Trong đó chưa ghi ngày (đồng)"),
    tr_noop("Tỷ lệ"),
)
DISBURSEMENT_HEADERS = (
    tr_noop("Ngày giải ngân"),
    tr_noop("Số tiền (đồng)"),
    tr_noop("Số chứng từ"),
    tr_noop("Ghi chú"),
)
ACTIVITY_HEADERS = (
    tr_noop("Hoạt động, mô hình"),
    tr_noop("Dự án"),
    tr_noop("Loại"),
    tr_noop("Kinh phí (đồng)"),
    tr_noop("Đã hỗ trợ (đồng)"),
    tr_noop("Số hộ"),
)
BENEFICIARY_HEADERS = (
    tr_noop("Chủ hộ"),
    tr_noop("Mã hộ"),
    tr_noop("Diện"),
    tr_noop("Mức hỗ trợ (đồng)"),
    tr_noop("Nội dung hỗ trợ"),
    tr_noop("Người hưởng lợi"),
    tr_noop("Thôn"),
)
CANDIDATE_HEADERS = (tr_noop("Chủ hộ"), tr_noop("Mã hộ"), tr_noop("Thôn"), tr_noop("Diện"))
POLICY_COUNT_HEADERS = (
    tr_noop("Chính sách"),
    tr_noop("Số hộ"),
    tr_noop("Lượt hưởng"),
    tr_noop("Số tiền (đồng)"),
)
POLICY_HEADERS = (
    tr_noop("Chủ hộ"),
    tr_noop("Mã hộ"),
    tr_noop("Số tiền (đồng)"),
    tr_noop("Chính sách"),
    tr_noop("Ngày nhận"),
    tr_noop("Thôn"),
)


def _money(amount: int | None) -> str:
    return format_number(amount) if amount is not None else ""


def _status(status: str | None) -> str:
    return capitalise(tr(CLASS_LABELS[status])) if status else tr("Không thuộc diện nào")


def _optional_amount(text: str, what: str) -> int | None:
    if not text.strip():
        return None
    value = read_amount(text, what)
    if value != int(value):
        raise DatabaseError(tr("{what} tính bằng đồng, không có phần lẻ.", what=what))
    return int(value)


def _projects(programme_id: str) -> dict[str, str]:
    """Project names prefixed with their codes (sub-project names repeat across projects)."""
    return {code: f"{code}: {tr(name)}" for code, name in programme.projects(programme_id).items()}


def _translated(labels: dict[str, str]) -> dict[str, str]:
    """A table of the programme's words (forms/programmes/, the store's kinds) as the GUI shows
    them: in the interface's language."""
    return {code: tr(label) for code, label in labels.items()}


def _combo(items: dict[str, str], none: str | None = None) -> QComboBox:
    box = QComboBox()
    if none is not None:
        box.addItem(none, None)
    for code, label in items.items():
        box.addItem(label, code)
    return box


class HouseholdPicker(QWidget):
    """Search the register by name (diacritics optional) or code and pick one household;
    poor and near-poor households of the year come first."""

    picked = Signal()

    def __init__(self, cdb: CommuneDatabase, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cdb, self.year = cdb, year
        self.search = QLineEdit(
            placeholderText=tr("Tìm hộ theo tên (gõ không dấu được) hoặc mã hộ…")
        )
        self.search.setClearButtonEnabled(True)
        self.model = TextTableModel(CANDIDATE_HEADERS)
        self.table = records_table(self.model, stretch=None)
        self.candidates: list[Candidate] = []
        self.timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        self.search.textChanged.connect(self.timer.start)
        self.timer.timeout.connect(self.run_search)
        self.table.selectionModel().selectionChanged.connect(self.picked)

    def run_search(self) -> None:
        self.timer.stop()  # a search asked for directly replaces the pending one
        self.candidates = activities.find_households(self.cdb.db, self.search.text(), self.year)
        self.model.set_rows(
            TextRow((c.head_name, c.code, c.village_name, _status(c.status)))
            for c in self.candidates
        )
        if self.candidates:
            self.table.selectRow(0)
        self.picked.emit()

    def chosen(self) -> Candidate | None:
        row = selected_row(self.table)
        return self.candidates[row] if row is not None else None


class OptionalDate(QWidget):
    """A date that may be left unrecorded: a check box and the date, inside one year."""

    def __init__(self, label: str, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known = QCheckBox(label)
        self.date = QDateEdit(QDate(year, 1, 1))
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.date.setDateRange(QDate(year, 1, 1), QDate(year, 12, 31))
        self.date.setEnabled(False)
        self.known.toggled.connect(self.date.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.known)
        layout.addWidget(self.date, 1)

    def value(self) -> str | None:
        return self.date.date().toString("yyyy-MM-dd") if self.known.isChecked() else None

    def set_value(self, iso: str | None) -> None:
        self.known.setChecked(iso is not None)
        if iso:
            self.date.setDate(QDate.fromString(iso, "yyyy-MM-dd"))


class BudgetDialog(AsksBeforeDiscarding, QDialog):
    def __init__(
        self, cdb: CommuneDatabase, year: int, row: dict[str, Any] | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.cdb, self.year = cdb, year
        self.programme_id = programme.programme_for_year(year)
        self.setWindowTitle(tr("Kinh phí năm {year}", year=year))
        self.setMinimumWidth(620)
        self.project = _combo(_projects(self.programme_id))
        self.source = _combo(_translated(programme.funding_sources(self.programme_id)))
        self.capital = _combo(_translated(CAPITAL_KINDS), tr("— chưa phân loại —"))
        self.allocated = QLineEdit(placeholderText=tr("vd. 450.000.000"))
        self.carried_over = QLineEdit(placeholderText=tr("để trống nếu không có"))
        self.undated_disbursed = QLineEdit(placeholderText=tr("để trống nếu không có"))
        self.error = error_label()
        form = QFormLayout()
        form.addRow(tr("Dự án, tiểu dự án"), self.project)
        form.addRow(tr("Nguồn vốn"), self.source)
        form.addRow(tr("Loại vốn"), self.capital)
        form.addRow(tr("Kinh phí phân bổ (đồng)"), self.allocated)
        form.addRow(tr("Năm trước chuyển sang (đồng)"), self.carried_over)
        form.addRow(tr("Đã giải ngân, không rõ ngày (đồng)"), self.undated_disbursed)
        hint = QLabel(
            tr(
                "Từng lần giải ngân ghi với ngày của nó (nút “Giải ngân…”): báo cáo 6 tháng chỉ "
                "tính các lần giải ngân trong 6 tháng; số không rõ ngày được nêu riêng."
            ),
            wordWrap=True,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self))
        if row:
            self.project.setCurrentIndex(self.project.findData(row["project_code"]))
            self.source.setCurrentIndex(self.source.findData(row["funding_source"]))
            self.capital.setCurrentIndex(self.capital.findData(row["capital"]))
            for key in (self.project, self.source, self.capital):
                key.setEnabled(False)
            self.allocated.setText(format_number(row["allocated"]))
            self.carried_over.setText(_money(row["carried_over"] or None))
            self.undated_disbursed.setText(_money(row["undated_disbursed"] or None))

    def accept(self) -> None:
        try:
            allocated = _optional_amount(self.allocated.text(), tr("Kinh phí phân bổ"))
            if allocated is None:
                raise DatabaseError(tr("Hãy nhập kinh phí phân bổ."))
            programme.set_budget(
                self.cdb,
                self.year,
                self.programme_id,
                self.project.currentData(),
                self.source.currentData(),
                allocated,
                _optional_amount(self.undated_disbursed.text(), tr("Đã giải ngân, không rõ ngày"))
                or 0,
                capital=self.capital.currentData(),
                carried_over=_optional_amount(self.carried_over.text(), tr("Năm trước chuyển sang"))
                or 0,
            )
        except DatabaseError as error:
            self.error.setText(str(error))
            return
        super().accept()


class DisbursementsDialog(QDialog):
    """The payments of one budget line by day: each one added with its day and amount, or
    deleted when entered by mistake, is saved at once."""

    def __init__(self, cdb: CommuneDatabase, budget_id: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.cdb, self.budget_id = cdb, budget_id
        line = programme.budget_line(cdb.db, budget_id)
        year = line["year"]
        self.setWindowTitle(
            tr(
                "Giải ngân năm {year}: {project} — {source}",
                year=year,
                project=line["project_code"],
                source=programme.funding_sources(line["programme_id"])[line["funding_source"]],
            )
        )
        self.setMinimumWidth(640)
        self.summary = QLabel(wordWrap=True)
        self.model = TextTableModel(DISBURSEMENT_HEADERS, numeric_columns=(1,))
        self.table = records_table(self.model, stretch=3)
        self.rows: list[dict[str, Any]] = []
        # today when in the line's year, else the year's last day (a past year's payments)
        self.day = QDateEdit(min(max(QDate.currentDate(), QDate(year, 1, 1)), QDate(year, 12, 31)))
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setCalendarPopup(True)
        self.day.setDateRange(QDate(year, 1, 1), QDate(year, 12, 31))
        self.amount = QLineEdit(placeholderText=tr("vd. 150.000.000"))
        self.document = QLineEdit(placeholderText=tr("nếu có, vd. 25/UNC"))
        self.note = QLineEdit()
        self.error = error_label()
        add = QPushButton(tr("Ghi lần giải ngân"))
        delete = QPushButton(tr("Xóa lần giải ngân đã chọn"))
        close = QPushButton(tr("Đóng"))
        add.clicked.connect(self.add)
        delete.clicked.connect(self.delete)
        close.clicked.connect(self.accept)
        form = QFormLayout()
        form.addRow(tr("Ngày giải ngân"), self.day)
        form.addRow(tr("Số tiền (đồng)"), self.amount)
        form.addRow(tr("Số chứng từ"), self.document)
        form.addRow(tr("Ghi chú"), self.note)
        entry = QGroupBox(tr("Thêm một lần giải ngân"))
        entry_layout = QVBoxLayout(entry)
        entry_layout.addLayout(form)
        entry_layout.addWidget(add, 0, Qt.AlignmentFlag.AlignRight)
        buttons = QHBoxLayout()
        buttons.addWidget(delete)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(entry)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.load()

    def load(self) -> None:
        line = programme.budget_line(self.cdb.db, self.budget_id)
        self.rows = programme.disbursements(self.cdb.db, self.budget_id)
        self.model.set_rows(
            TextRow(
                (
                    format_date(date.fromisoformat(row["disbursed_on"])),
                    format_number(row["amount"]),
                    row["document_number"] or "",
                    row["note"] or "",
                )
            )
            for row in self.rows
        )
        available = line["allocated"] + line["carried_over"]
        text = tr(
            "Phân bổ {allocated} đồng, năm trước chuyển sang {carried} đồng; đã giải ngân "
            "{disbursed} đồng, còn {left} đồng.",
            allocated=format_number(line["allocated"]),
            carried=format_number(line["carried_over"]),
            disbursed=format_number(line["disbursed"]),
            left=format_number(available - line["disbursed"]),
        )
        if line["undated_disbursed"]:
            text += " " + tr(
                "Trong đó {amount} đồng chưa ghi ngày giải ngân (báo cáo 6 tháng nêu riêng, "
                "không tính vào 6 tháng).",
                amount=format_number(line["undated_disbursed"]),
            )
        self.summary.setText(text)

    def add(self) -> None:
        try:
            amount = programme.disbursement_amount(self.amount.text())
            programme.add_disbursement(
                self.cdb,
                self.budget_id,
                self.day.date().toString("yyyy-MM-dd"),
                amount,
                document_number=self.document.text(),
                note=self.note.text(),
            )
        except DatabaseError as error:
            self.error.setText(str(error))
            return
        self.error.clear()
        for field in (self.amount, self.document, self.note):
            field.clear()
        self.load()

    def delete(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        chosen = self.rows[row]
        if ask_yes_no(
            self,
            tr("Xóa lần giải ngân"),
            tr(
                "Xóa lần giải ngân {amount} đồng ngày {day}?",
                amount=format_number(chosen["amount"]),
                day=format_date(date.fromisoformat(chosen["disbursed_on"])),
            ),
        ):
            programme.delete_disbursement(self.cdb, chosen["id"])
            self.load()


class ActivityDialog(AsksBeforeDiscarding, QDialog):
    def __init__(
        self, cdb: CommuneDatabase, year: int, row: dict[str, Any] | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.cdb, self.year, self.row = cdb, year, row
        self.programme_id = programme.programme_for_year(year)
        self.setWindowTitle(
            tr("Sửa hoạt động") if row else tr("Thêm hoạt động, mô hình năm {year}", year=year)
        )
        self.setMinimumWidth(620)
        self.name = QLineEdit(placeholderText=tr("vd. Mô hình nuôi bò sinh sản cho 12 hộ"))
        self.project = _combo(_projects(self.programme_id))
        self.kind = _combo(_translated(ACTIVITY_KINDS))
        self.source = _combo(
            _translated(programme.funding_sources(self.programme_id)), tr("— chưa ghi —")
        )
        self.budget = QLineEdit(placeholderText=tr("vd. 180.000.000 (để trống nếu chưa rõ)"))
        self.village = _combo({v["id"]: v["name"] for v in villages(cdb.db)}, tr("Toàn xã"))
        self.started_on = OptionalDate(tr("Đã biết ngày"), year)
        self.note = QLineEdit()
        self.error = error_label()
        form = QFormLayout()
        form.addRow(tr("Tên hoạt động, mô hình"), self.name)
        form.addRow(tr("Dự án, tiểu dự án"), self.project)
        form.addRow(tr("Loại"), self.kind)
        form.addRow(tr("Nguồn vốn"), self.source)
        form.addRow(tr("Kinh phí (đồng)"), self.budget)
        form.addRow(tr("Nơi thực hiện"), self.village)
        form.addRow(tr("Ngày bắt đầu"), self.started_on)
        form.addRow(tr("Ghi chú"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self))
        if row:
            self.name.setText(row["name"])
            for box, value in (
                (self.project, row["project_code"]),
                (self.kind, row["kind"]),
                (self.source, row["funding_source"]),
                (self.village, row["village_id"]),
            ):
                box.setCurrentIndex(box.findData(value))
            self.budget.setText(_money(row["budget"]))
            self.started_on.set_value(row["started_on"])
            self.note.setText(row["note"] or "")

    def accept(self) -> None:
        fields = {
            "name": self.name.text(),
            "project_code": self.project.currentData(),
            "kind": self.kind.currentData(),
            "funding_source": self.source.currentData(),
            "village_id": self.village.currentData(),
            "started_on": self.started_on.value(),
            "note": self.note.text().strip() or None,
        }
        try:
            fields["budget"] = _optional_amount(self.budget.text(), tr("Kinh phí"))
            if self.row:
                activities.update_activity(self.cdb, self.row["id"], **fields)
            else:
                activities.add_activity(
                    self.cdb, year=self.year, programme_id=self.programme_id, **fields
                )
        except DatabaseError as error:
            self.error.setText(str(error))
            return
        super().accept()


class ActivitiesView(YearScreen):
    """Budgets, activities with their beneficiaries, and general policies of one year."""

    def __init__(
        self, cdb: CommuneDatabase, year: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(cdb, year or date.today().year, parent)
        self.programme_label = QLabel(wordWrap=True)
        self.status = QLabel(wordWrap=True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._budget_tab(), tr("Kinh phí"))
        self.tabs.addTab(self._activities_tab(), tr("Hoạt động, mô hình và người hưởng lợi"))
        self.tabs.addTab(self._policies_tab(), tr("Chính sách chung"))
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Năm")))
        top.addWidget(self.year)
        top.addWidget(self.programme_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("<b>Kinh phí, hoạt động và chính sách giảm nghèo</b>")))
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self.year.valueChanged.connect(self.load)
        self.load()

    # --- building ---------------------------------------------------------------------------

    def _budget_tab(self) -> QWidget:
        self.budget_model = TextTableModel(BUDGET_HEADERS, numeric_columns=(3, 4, 5, 6, 7))
        self.budget_table = records_table(self.budget_model)
        self.budget_rows: list[dict[str, Any]] = []
        self.budget_total = QLabel()
        add = QPushButton(tr("Thêm dòng kinh phí…"))
        edit = QPushButton(tr("Sửa…"))
        payments = QPushButton(tr("Giải ngân…"))
        delete = QPushButton(tr("Xóa"))
        add.clicked.connect(lambda: self.edit_budget(None))
        edit.clicked.connect(lambda: self.edit_budget(selected_row(self.budget_table)))
        self.budget_table.doubleClicked.connect(lambda index: self.edit_budget(index.row()))
        payments.clicked.connect(lambda: self.show_disbursements(selected_row(self.budget_table)))
        delete.clicked.connect(self.delete_budget)
        return self._page(self.budget_table, self.budget_total, add, edit, payments, delete)

    def _page(self, table: QWidget, note: QLabel, *buttons: QPushButton) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(table, 1)
        layout.addWidget(note)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _activities_tab(self) -> QWidget:
        self.activity_model = TextTableModel(ACTIVITY_HEADERS, numeric_columns=(3, 4, 5))
        self.activity_table = records_table(self.activity_model)
        self.activity_rows: list[dict[str, Any]] = []
        add = QPushButton(tr("Thêm hoạt động, mô hình…"))
        edit = QPushButton(tr("Sửa…"))
        delete = QPushButton(tr("Xóa"))
        add.clicked.connect(lambda: self.edit_activity(None))
        edit.clicked.connect(lambda: self.edit_activity(selected_row(self.activity_table)))
        self.activity_table.doubleClicked.connect(lambda index: self.edit_activity(index.row()))
        delete.clicked.connect(self.delete_activity)
        self.activity_note = QLabel()
        upper = self._page(self.activity_table, self.activity_note, add, edit, delete)

        self.beneficiary_box = QGroupBox(tr("Người hưởng lợi"))
        self.beneficiary_model = TextTableModel(BENEFICIARY_HEADERS, numeric_columns=(3,))
        self.beneficiary_table = records_table(self.beneficiary_model, stretch=None)
        self.beneficiary_rows: list[dict[str, Any]] = []
        remove = QPushButton(tr("Bỏ khỏi danh sách"))
        remove.clicked.connect(self.remove_beneficiary)
        listed = QVBoxLayout()
        listed.addWidget(self.beneficiary_table, 1)
        listed.addWidget(remove, 0, Qt.AlignmentFlag.AlignLeft)
        self.picker = HouseholdPicker(self.cdb, self.year.value())
        self.search = self.picker.search
        self.member = QComboBox()
        self.picker.picked.connect(self._fill_members)
        self.support = QLineEdit(placeholderText=tr("vd. 1 con bò giống"))
        self.amount = QLineEdit(placeholderText=tr("vd. 15.000.000"))
        self.add_beneficiary_button = QPushButton(tr("Thêm hộ đã chọn vào danh sách"))
        self.add_beneficiary_button.clicked.connect(self.add_beneficiary)
        form = QFormLayout()
        form.addRow(tr("Người hưởng lợi"), self.member)
        form.addRow(tr("Nội dung hỗ trợ"), self.support)
        form.addRow(tr("Mức hỗ trợ (đồng)"), self.amount)
        picking = QVBoxLayout()
        picking.addWidget(self.picker, 1)
        picking.addLayout(form)
        picking.addWidget(self.add_beneficiary_button)
        lower = QHBoxLayout(self.beneficiary_box)
        lower.addLayout(listed, 3)
        lower.addLayout(picking, 2)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(self.beneficiary_box)
        splitter.setSizes([260, 400])
        self.activity_table.selectionModel().selectionChanged.connect(self.load_beneficiaries)
        return splitter

    def _policies_tab(self) -> QWidget:
        self.policy_count_model = TextTableModel(POLICY_COUNT_HEADERS, numeric_columns=(1, 2, 3))
        self.policy_count_table = records_table(self.policy_count_model)
        self.policy_model = TextTableModel(POLICY_HEADERS, numeric_columns=(2,))
        self.policy_table = records_table(self.policy_model, stretch=None)
        self.policy_rows: list[dict[str, Any]] = []
        remove = QPushButton(tr("Xóa dòng đã chọn"))
        remove.clicked.connect(self.remove_policy_benefit)
        self.policy = _combo(_translated(POLICIES))
        self.policy_picker = HouseholdPicker(self.cdb, self.year.value())
        self.policy_amount = QLineEdit(placeholderText=tr("để trống nếu không có số tiền"))
        self.policy_date = OptionalDate(tr("Đã biết ngày"), self.year.value())
        self.add_policy_button = QPushButton(tr("Ghi cho hộ đã chọn"))
        self.add_policy_button.clicked.connect(self.add_policy_benefit)
        left = QVBoxLayout()
        left.addWidget(QLabel(tr("Số hộ được hưởng trong năm:")))
        left.addWidget(self.policy_count_table, 1)
        left.addWidget(QLabel(tr("Từng lượt hưởng:")))
        left.addWidget(self.policy_table, 2)
        left.addWidget(remove, 0, Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout()
        form.addRow(tr("Chính sách"), self.policy)
        form.addRow(tr("Số tiền (đồng)"), self.policy_amount)
        form.addRow(tr("Ngày nhận"), self.policy_date)
        right = QGroupBox(tr("Ghi một lượt hưởng chính sách"))
        adding = QVBoxLayout(right)
        adding.addLayout(form)
        adding.addWidget(self.policy_picker, 1)
        adding.addWidget(self.add_policy_button)
        page = QWidget()
        layout = QHBoxLayout(page)
        layout.addLayout(left, 3)
        layout.addWidget(right, 2)
        return page

    # --- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        year = self.year.value()
        programme_id = programme.programme_for_year(year)
        self.programme_label.setText(tr(programme.programme(programme_id)["name"]))
        self.picker.year = self.policy_picker.year = year
        self.load_budget()
        self.load_activities()
        self.load_policies()

    def load_budget(self) -> None:
        self.budget_rows = programme.budgets(self.cdb.db, self.year.value())
        rows = []
        for row in self.budget_rows:
            # of the year's allocation and the funds carried over, as section II.2's table
            rate = percent(row["disbursed"], row["allocated"] + row["carried_over"])
            rows.append(
                TextRow(
                    (
                        _projects(row["programme_id"])[row["project_code"]],
                        tr(programme.funding_sources(row["programme_id"])[row["funding_source"]]),
                        tr(CAPITAL_KINDS.get(row["capital"] or "", "")),
                        format_number(row["allocated"]),
                        format_number(row["carried_over"]),
                        format_number(row["disbursed"]),
                        _money(row["undated_disbursed"] or None),
                        format_percent(rate) if rate is not None else "",
                    )
                )
            )
        self.budget_model.set_rows(rows)
        allocated = sum(r["allocated"] for r in self.budget_rows)
        disbursed = sum(r["disbursed"] for r in self.budget_rows)
        undated = sum(r["undated_disbursed"] for r in self.budget_rows)
        total_rate = percent(disbursed, allocated)  # the reports' rate, gnapp.reporting.figures
        self.budget_total.setText(
            tr(
                "Tổng cộng: phân bổ {allocated} đồng, giải ngân {disbursed} đồng",
                allocated=format_number(allocated),
                disbursed=format_number(disbursed),
            )
            + (f" ({format_percent(total_rate)})." if total_rate is not None else ".")
            + (
                " "
                + tr(
                    "Trong đó {amount} đồng chưa ghi ngày giải ngân: báo cáo 6 tháng không tính.",
                    amount=format_number(undated),
                )
                if undated
                else ""
            )
        )

    def load_activities(self) -> None:
        chosen = selected_row(self.activity_table)
        chosen_id = self.activity_rows[chosen]["id"] if chosen is not None else None
        self.activity_rows = activities.activities(self.cdb.db, self.year.value())
        self.activity_model.set_rows(
            TextRow(
                (
                    row["name"],
                    row["project_code"],
                    tr(ACTIVITY_KINDS[row["kind"]]),
                    _money(row["budget"]),
                    _money(row["supported"]),
                    format_number(row["households"]),
                ),
                row["note"],
            )
            for row in self.activity_rows
        )
        self.activity_note.setText(
            tr(
                "{count} hoạt động, mô hình trong năm {year}; chọn một dòng để xem "
                "và thêm người hưởng lợi.",
                count=len(self.activity_rows),
                year=self.year.value(),
            )
        )
        ids = [row["id"] for row in self.activity_rows]
        if chosen_id in ids:
            self.activity_table.selectRow(ids.index(chosen_id))
        self.load_beneficiaries()

    def current_activity(self) -> dict[str, Any] | None:
        row = selected_row(self.activity_table)
        return self.activity_rows[row] if row is not None else None

    def load_beneficiaries(self) -> None:
        activity = self.current_activity()
        self.beneficiary_rows = (
            activities.beneficiaries(self.cdb.db, activity["id"]) if activity else []
        )
        self.beneficiary_box.setTitle(
            tr(
                "Người hưởng lợi: {name} ({count} dòng)",
                name=activity["name"],
                count=len(self.beneficiary_rows),
            )
            if activity
            else tr("Người hưởng lợi (chọn một hoạt động ở trên)")
        )
        self.beneficiary_box.setEnabled(activity is not None)
        self.beneficiary_model.set_rows(
            TextRow(
                (
                    row["head_name"],
                    row["code"],
                    _status(row["status"]),
                    _money(row["amount"]),
                    row["support"] or "",
                    row["member_name"] or tr("Cả hộ"),
                    row["village_name"],
                )
            )
            for row in self.beneficiary_rows
        )

    def load_policies(self) -> None:
        year = self.year.value()
        self.policy_count_model.set_rows(
            TextRow(
                (
                    tr(count.label),
                    format_number(count.households),
                    format_number(count.benefits),
                    _money(count.amount) if count.amount else "",
                )
            )
            for count in activities.policy_counts(self.cdb.db, year)
        )
        self.policy_rows = activities.policy_benefits(self.cdb.db, year)
        self.policy_model.set_rows(
            TextRow(
                (
                    row["head_name"],
                    row["code"],
                    _money(row["amount"]),
                    tr(POLICIES[row["policy"]]),
                    format_date(date.fromisoformat(row["granted_on"])) if row["granted_on"] else "",
                    row["village_name"],
                )
            )
            for row in self.policy_rows
        )

    # --- actions ------------------------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00020;" if error else "")
        self.status.setText(text)

    def _done(self, text: str) -> None:
        self.say(text)
        self.load()
        self.changed.emit()

    def confirm(self, title: str, text: str) -> bool:
        return ask_yes_no(self, title, text)

    def budget_dialog(self, row: int | None) -> BudgetDialog:
        current = self.budget_rows[row] if row is not None else None
        return BudgetDialog(self.cdb, self.year.value(), current, self)

    def edit_budget(self, row: int | None) -> None:
        if self.budget_dialog(row).exec():
            self._done(tr("Đã ghi kinh phí."))

    def disbursements_dialog(self, row: int) -> DisbursementsDialog:
        return DisbursementsDialog(self.cdb, self.budget_rows[row]["id"], self)

    def show_disbursements(self, row: int | None) -> None:
        if row is None:
            self.say(tr("Hãy chọn một dòng kinh phí để ghi các lần giải ngân."), error=True)
            return
        self.disbursements_dialog(row).exec()
        self._done(tr("Đã cập nhật giải ngân."))

    def delete_budget(self) -> None:
        row = selected_row(self.budget_table)
        if row is None:
            return
        line = self.budget_rows[row]
        question = tr("Xóa dòng kinh phí đã chọn?")
        if line["disbursed"]:
            question = tr(
                "Xóa dòng kinh phí đã chọn cùng {amount} đồng đã giải ngân ghi trên dòng này?",
                amount=format_number(line["disbursed"]),
            )
        if self.confirm(tr("Xóa kinh phí"), question):
            programme.delete_budget(self.cdb, line["id"])
            self._done(tr("Đã xóa dòng kinh phí."))

    def activity_dialog(self, row: int | None) -> ActivityDialog:
        current = self.activity_rows[row] if row is not None else None
        return ActivityDialog(self.cdb, self.year.value(), current, self)

    def edit_activity(self, row: int | None) -> None:
        if self.activity_dialog(row).exec():
            self._done(tr("Đã ghi hoạt động."))

    def delete_activity(self) -> None:
        activity = self.current_activity()
        if activity is not None and self.confirm(
            tr("Xóa hoạt động"),
            tr(
                "Xóa “{name}” cùng danh sách {households} hộ hưởng lợi?",
                name=activity["name"],
                households=activity["households"],
            ),
        ):
            activities.delete_activity(self.cdb, activity["id"])
            self._done(tr("Đã xóa “{name}”.", name=activity["name"]))

    def _fill_members(self) -> None:
        self.member.clear()
        self.member.addItem(tr("Cả hộ"), None)
        candidate = self.picker.chosen()
        if candidate is not None:
            for member_id, name in activities.household_members(
                self.cdb.db, candidate.household_id
            ):
                self.member.addItem(name, member_id)

    def add_beneficiary(self) -> None:
        activity, candidate = self.current_activity(), self.picker.chosen()
        if activity is None or candidate is None:
            self.say(tr("Hãy chọn một hoạt động và tìm, chọn một hộ."), error=True)
            return
        try:
            activities.add_beneficiary(
                self.cdb,
                activity["id"],
                candidate.household_id,
                member_id=self.member.currentData(),
                support=self.support.text().strip() or None,
                amount=_optional_amount(self.amount.text(), tr("Mức hỗ trợ")),
            )
        except DatabaseError as error:
            self.say(str(error), error=True)
            return
        self._done(
            tr(
                "Đã thêm hộ {head_name} ({code}).",
                head_name=candidate.head_name,
                code=candidate.code,
            )
        )

    def remove_beneficiary(self) -> None:
        row = selected_row(self.beneficiary_table)
        if row is not None:
            chosen = self.beneficiary_rows[row]
            activities.remove_beneficiary(self.cdb, chosen["id"])
            self._done(tr("Đã bỏ hộ {head_name} khỏi danh sách.", head_name=chosen["head_name"]))

    def add_policy_benefit(self) -> None:
        candidate = self.policy_picker.chosen()
        if candidate is None:
            self.say(tr("Hãy tìm và chọn một hộ."), error=True)
            return
        try:
            activities.add_policy_benefit(
                self.cdb,
                self.year.value(),
                self.policy.currentData(),
                candidate.household_id,
                amount=_optional_amount(self.policy_amount.text(), tr("Số tiền")),
                granted_on=self.policy_date.value(),
            )
        except DatabaseError as error:
            self.say(str(error), error=True)
            return
        self._done(
            tr(
                "Đã ghi {policy} cho hộ {head_name}.",
                policy=self.policy.currentText(),
                head_name=candidate.head_name,
            )
        )

    def remove_policy_benefit(self) -> None:
        row = selected_row(self.policy_table)
        if row is not None:
            activities.remove_policy_benefit(self.cdb, self.policy_rows[row]["id"])
            self._done(tr("Đã xóa lượt hưởng chính sách."))
