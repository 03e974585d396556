"""The dialogs of the review area: open a round, add or take off a household, an application,
a village meeting, the posting, a complaint and its re-check, the recognition and a correction.

Each dialog only gathers what the clerk types and hands it to gnapp.review.workflow, which
checks it and writes it in one transaction; a refusal is shown in Vietnamese and the dialog
stays open with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from gnapp.core.classify import CLASS_LABELS
from gnapp.core.standards import StandardError, available_standards, round_standard
from gnapp.core.vietnamese import format_date, format_number, format_percent
from gnapp.i18n import tr, tr_noop
from gnapp.review import procedure as procedures
from gnapp.review import workflow
from gnapp.review.progress import HouseholdState, household_states
from gnapp.store import register, users
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.household_query import household_rows
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.household_list import HouseholdListPage
from gnapp.ui.common.models import capitalise
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSize,
    QSpinBox,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.widgets import FITTED_ROWS, wrapped
from gnapp.ui.common.window_size import fit_window

RED = "#b00020"
GREEN = "#1e7b34"
# The groups of people at a village meeting (Quyết định 24/2021/QĐ-TTg): key, label.
ATTENDEE_GROUPS = (
    ("steering_committee", tr_noop("Ban chỉ đạo giảm nghèo cấp xã")),
    ("party_and_organisations", tr_noop("Chi bộ, các tổ chức chính trị - xã hội")),
    ("fatherland_front", tr_noop("Ban công tác Mặt trận")),
    ("household_representatives", tr_noop("Đại diện hộ gia đình")),
    ("reviewers", tr_noop("Rà soát viên")),
)
APPLICATION_KINDS = {
    "review": tr_noop("Mẫu số 01: đề nghị rà soát, xét duyệt hộ nghèo, hộ cận nghèo"),
    "escape": tr_noop("Mẫu số 04: đề nghị công nhận thoát nghèo, thoát cận nghèo"),
}
CHANNELS = (tr_noop("Nộp trực tiếp"), tr_noop("Qua trưởng thôn"), tr_noop("Qua bưu điện"))
SEXES = (("male", tr_noop("Nam")), ("female", tr_noop("Nữ")))


def class_text(code: str | None) -> str:
    """A class as the clerk reads it ("Hộ nghèo"); empty when there is none yet."""
    return capitalise(tr(CLASS_LABELS[code])) if code in register.STATUSES else ""


def show_message(parent: QWidget | None, title: str, text: str, *, warning: bool = True) -> None:
    """A message box with one "Đóng" button (the core's refusals, what was done)."""
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.addButton(tr("Đóng"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def show_refusal(parent: QWidget | None, error: Exception) -> None:
    """What the core refused and why (ReviewError, PermissionDenied: already Vietnamese)."""
    show_message(parent, tr("Chưa thực hiện được"), str(error))


def household_chooser(cdb: CommuneDatabase, round_id: int, household_id: int | None) -> QComboBox:
    """The round's listed households with their result, ``household_id`` chosen."""
    box = QComboBox(objectName="household")
    for state in household_states(cdb.db, round_id):
        box.addItem(
            f"{state.code} — {state.head_name} ({state.village_name}): {class_text(state.result)}",
            state.household_id,
        )
    if household_id is not None:
        box.setCurrentIndex(max(box.findData(household_id), 0))
    return box


NO_DATE = QDate(2000, 1, 1)  # a deadline edit at this date shows "không có hạn"


@contextmanager
def acting_as(cdb: CommuneDatabase, user: users.User | None) -> Iterator[None]:
    """The change log names ``user`` (an approver signed in inside a dialog) for what is
    written meanwhile, then the signed-in user again."""
    before = cdb.actor
    if user is not None:
        cdb.actor = user.actor
    try:
        yield
    finally:
        cdb.actor = before


def date_edit(value: date | None = None, name: str = "") -> QDateEdit:
    edit = QDateEdit(objectName=name, calendarPopup=True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(QDate(value or date.today()))
    return edit


def deadline_edit(name: str) -> QDateEdit:
    """A step's deadline, which may be none (an optional step)."""
    edit = date_edit(name=name)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(tr("không có hạn"))
    edit.setDate(NO_DATE)
    return edit


def iso(edit: QDateEdit) -> str:
    return edit.date().toPython().isoformat()


def text_of(widget: QLineEdit | QPlainTextEdit) -> str:
    text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    return text.strip()


class ActionDialog(AsksBeforeDiscarding, QDialog):
    """A dialog whose "Ghi" runs ``save()``; a refusal from the core is shown and the dialog
    stays open with what was typed."""

    ok_text = tr_noop("Ghi")

    def __init__(self, cdb: CommuneDatabase, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.setWindowTitle(title)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(
            tr(self.ok_text), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("ok")
        self.buttons.addButton(tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)

    def save(self) -> None:
        raise NotImplementedError

    def try_save(self) -> bool:
        try:
            self.save()
        except (DatabaseError, procedures.ProcedureError) as error:
            show_refusal(self, error)
            return False
        self.accept()
        return True


# --- the round ----------------------------------------------------------------------------------


class RoundDialog(ActionDialog):
    """Open a round (periodic for a year, regular for a month) or change an open one: the
    standard, reference date, review team, each step's deadline and the posting days."""

    def __init__(
        self,
        cdb: CommuneDatabase,
        round_: workflow.Round | None = None,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        title = tr("Sửa đợt rà soát") if round_ else tr("Mở đợt rà soát")
        super().__init__(cdb, title, parent)
        self.round = round_
        self.round_id: int | None = round_.id if round_ else None
        today = today or date.today()
        self.procedure = round_.procedure if round_ else procedures.load_procedure()
        self.periodic = QRadioButton(tr("Định kỳ (cả năm)"), objectName="periodic")
        self.regular = QRadioButton(tr("Thường xuyên (theo tháng)"), objectName="regular")
        self.year = QSpinBox(objectName="year", minimum=2021, maximum=2100)
        self.month = QSpinBox(objectName="month", minimum=1, maximum=12)
        self.standard = QComboBox(objectName="standard")
        for standard in available_standards():
            self.standard.addItem(tr(standard.name), standard.id)
        self.standard_reason = wrapped("", "standard_reason")
        self.reference = date_edit(name="reference")
        self.team = QPlainTextEdit(objectName="team")
        self.team.setPlaceholderText(tr("Mỗi dòng một người: họ và tên, chức vụ"))
        self.team.setTabChangesFocus(True)
        self.team.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.posting_days = QSpinBox(objectName="posting_days", minimum=1, maximum=60)
        self.posting_days.setSuffix(tr(" ngày làm việc"))
        self.deadlines: dict[str, QDateEdit] = {}
        deadline_box = QGroupBox(tr("Thời hạn từng bước"))
        deadline_form = QFormLayout(deadline_box)
        for step in self.procedure.steps:
            edit = deadline_edit(f"deadline_{step.id}")
            self.deadlines[step.id] = edit
            deadline_form.addRow(QLabel(step.name), edit)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.periodic)
        kind_row.addWidget(self.regular)
        kind_row.addStretch()
        period_row = QHBoxLayout()
        period_row.addWidget(self.year)
        self.month_label = QLabel(tr("Tháng:"))
        period_row.addWidget(self.month_label)
        period_row.addWidget(self.month)
        period_row.addStretch()
        form = QFormLayout()
        form.addRow(tr("Loại đợt:"), kind_row)
        form.addRow(tr("Năm:"), period_row)
        form.addRow(tr("Chuẩn nghèo áp dụng:"), self.standard)
        form.addRow("", self.standard_reason)
        form.addRow(tr("Ngày tham chiếu:"), self.reference)
        form.addRow(tr("Tổ rà soát:"), self.team)
        form.addRow(tr("Thời gian niêm yết:"), self.posting_days)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(deadline_box)
        layout.addWidget(
            wrapped(
                tr(
                    "Thời hạn lấy theo {procedure}; sửa được nếu tỉnh quy định khác.",
                    procedure=self.procedure.name,
                )
            )
        )
        layout.addWidget(self.buttons)
        if round_ is None:
            self.ok_button.setText(tr("Mở đợt"))
            self.periodic.setChecked(True)
            self.year.setValue(today.year)
            self.month.setValue(today.month)
            self.posting_days.setValue(workflow.posting_days(cdb.db, self.procedure))
            self._period_changed()
        else:
            self._show_round(round_)
        for signal in (self.periodic.toggled, self.year.valueChanged, self.month.valueChanged):
            signal.connect(self._period_changed)
        self.setMinimumWidth(620)

    def _show_round(self, found: workflow.Round) -> None:
        (self.periodic if found.kind == "periodic" else self.regular).setChecked(True)
        self.year.setValue(found.year)
        self.month.setValue(found.month or 1)
        for widget in (self.periodic, self.regular, self.year, self.month):
            widget.setEnabled(False)
        self.standard.setCurrentIndex(max(self.standard.findData(found.standard_id), 0))
        self.reference.setDate(QDate(found.reference_date))
        self.team.setPlainText("\n".join(found.team))
        self.posting_days.setValue(
            found.posting_days or workflow.posting_days(self.cdb.db, self.procedure)
        )
        self._show_steps(found.kind)
        for step_id, text in found.deadlines.items():
            if step_id in self.deadlines:
                self.deadlines[step_id].setDate(QDate(date.fromisoformat(text)))

    @property
    def kind(self) -> str:
        return "periodic" if self.periodic.isChecked() else "regular"

    def _show_steps(self, kind: str) -> None:
        shown = {step.id for step in self.procedure.steps_for(kind)}
        form = self.deadlines[self.procedure.steps[0].id].parentWidget().layout()
        for step_id, edit in self.deadlines.items():
            form.setRowVisible(edit, step_id in shown)

    def _period_changed(self) -> None:
        """The standard, reference date and deadlines a new round of this period would get."""
        kind, year, month = self.kind, self.year.value(), self.month.value()
        self.month.setVisible(kind == "regular")
        self.month_label.setVisible(kind == "regular")
        try:
            default = round_standard(kind, year, month if kind == "regular" else None, tr)
        except StandardError:  # no national standard covers the year: the clerk chooses
            self.standard_reason.setText(tr("Chưa có chuẩn nghèo quốc gia cho năm này: hãy chọn."))
        else:
            self.standard.setCurrentIndex(max(self.standard.findData(default.standard.id), 0))
            self.standard_reason.setText(default.reason)
        if kind == "periodic":
            start = date(year, *self.procedure.periodic_start)
        else:
            start = date(year, month, self.procedure.regular_start_day)
        self.reference.setDate(QDate(start))
        self._show_steps(kind)
        defaults = procedures.default_deadlines(self.procedure, kind, year, month)
        for step_id, edit in self.deadlines.items():
            text = defaults.get(step_id)
            edit.setDate(QDate(date.fromisoformat(text)) if text else NO_DATE)

    def chosen_deadlines(self) -> dict[str, str]:
        """The deadlines set (a step left at "không có hạn" has none)."""
        shown = {step.id for step in self.procedure.steps_for(self.kind)}
        return {
            step_id: iso(edit)
            for step_id, edit in self.deadlines.items()
            if step_id in shown and edit.date() != NO_DATE
        }

    def save(self) -> None:
        team = self.team.toPlainText().splitlines()
        if self.round_id is None:
            self.round_id = workflow.open_round(
                self.cdb,
                self.year.value(),
                self.kind,
                standard_id=self.standard.currentData(),
                reference_date=iso(self.reference),
                month=self.month.value() if self.kind == "regular" else None,
                team=team,
                deadlines=self.chosen_deadlines(),
            )
            opened = workflow.get_round(self.cdb.db, self.round_id)
            if opened.posting_days != self.posting_days.value():
                workflow.update_round(
                    self.cdb, self.round_id, posting_days=self.posting_days.value()
                )
            return
        workflow.update_round(
            self.cdb,
            self.round_id,
            standard_id=self.standard.currentData(),
            reference_date=iso(self.reference),
            team=team,
            deadlines=self.chosen_deadlines(),
            posting_days=self.posting_days.value(),
        )


# --- the list -----------------------------------------------------------------------------------


class HouseholdChooser(QWidget):
    """The register's households to choose one from: the household list's search and filters
    over its paged SQL model (no list of every household in memory)."""

    def __init__(self, cdb: CommuneDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = HouseholdListPage(self)
        self.page.add_button.hide()
        self.page.export_button.hide()
        self.page.set_database(cdb, None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.page)

    @property
    def household_id(self) -> int | None:
        return self.page.current_household()

    def choose(self, household_id: int) -> None:
        self.page.show_household(household_id)


class AddHouseholdDialog(ActionDialog):
    """Choose a household from the register and say why it joins the list."""

    def __init__(self, cdb: CommuneDatabase, round_id: int, parent: QWidget | None = None) -> None:
        super().__init__(cdb, tr("Thêm hộ vào danh sách rà soát"), parent)
        self.round_id = round_id
        self.chooser = HouseholdChooser(cdb)
        self.chooser.page.open_household.connect(lambda _: self.reason.setFocus())
        self.reason = QLineEdit(objectName="reason")
        self.reason.setPlaceholderText(tr("vd. hộ có biến cố (ốm đau, thiên tai), hộ mới tách"))
        form = QFormLayout()
        form.addRow(tr("Lý do đưa vào danh sách:"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Chọn hộ trong sổ hộ (tìm theo họ tên, CCCD, mã hộ):")))
        layout.addWidget(self.chooser, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        fit_window(self, QSize(900, 560))

    def save(self) -> None:
        household_id = self.chooser.household_id
        if household_id is None:
            raise workflow.ReviewError(tr("Chưa chọn hộ nào trong sổ hộ"))
        workflow.add_to_list(self.cdb, self.round_id, household_id, text_of(self.reason))


class RemoveHouseholdDialog(ActionDialog):
    """Take a household off the list, with the reason (its answers are kept)."""

    ok_text = tr_noop("Đưa ra khỏi danh sách")

    def __init__(
        self,
        cdb: CommuneDatabase,
        round_id: int,
        state: HouseholdState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(cdb, tr("Đưa hộ ra khỏi danh sách rà soát"), parent)
        self.round_id, self.state = round_id, state
        self.reason = QPlainTextEdit(objectName="reason")
        self.reason.setTabChangesFocus(True)
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(
                tr(
                    "Hộ {code} — {head} ({village}). Phiếu đã nhập (nếu có) vẫn được giữ.",
                    code=state.code,
                    head=state.head_name,
                    village=state.village_name,
                )
            )
        )
        layout.addWidget(QLabel(tr("Lý do (bắt buộc):")))
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def save(self) -> None:
        workflow.remove_from_list(
            self.cdb, self.round_id, self.state.household_id, text_of(self.reason)
        )


MEMBER_COLUMNS = (
    ("full_name", tr_noop("Họ và tên")),
    ("relation", tr_noop("Quan hệ với người làm đơn")),
    ("birth_date", tr_noop("Ngày sinh")),
    ("citizen_id", tr_noop("Số CCCD")),
)


class ApplicationDialog(ActionDialog):
    """A household's application (Mẫu số 01 or 04) as written on paper; the household joins
    the list."""

    def __init__(
        self,
        cdb: CommuneDatabase,
        round_id: int,
        household_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(cdb, tr("Giấy đề nghị của hộ gia đình"), parent)
        self.round_id = round_id
        self.household_id = household_id
        self.kind = QComboBox(objectName="kind")
        for key, label in APPLICATION_KINDS.items():
            self.kind.addItem(tr(label), key)
        self.household_label = QLabel(objectName="household")
        choose = QPushButton(tr("Chọn hộ…"))
        choose.clicked.connect(self.choose_household)
        self.full_name = QLineEdit(objectName="full_name")
        self.sex = QComboBox(objectName="sex")
        self.sex.addItem("", None)
        for key, label in SEXES:
            self.sex.addItem(tr(label), key)
        self.birth_date = QLineEdit(objectName="birth_date", placeholderText=tr("dd/mm/yyyy"))
        self.ethnicity = QLineEdit(objectName="ethnicity")
        self.citizen_id = QLineEdit(objectName="citizen_id")
        self.citizen_id.setMaxLength(12)
        self.id_issued_on = QLineEdit(objectName="id_issued_on", placeholderText=tr("dd/mm/yyyy"))
        self.permanent_address = QLineEdit(objectName="permanent_address")
        self.current_address = QLineEdit(objectName="current_address")
        self.members = QTableWidget(0, len(MEMBER_COLUMNS), objectName="members")
        self.members.setHorizontalHeaderLabels([tr(label) for _, label in MEMBER_COLUMNS])
        self.members.verticalHeader().hide()
        self.members.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.members.setFixedHeight(120)
        add_member = QPushButton(tr("Thêm dòng"))
        add_member.clicked.connect(lambda: self.members.insertRow(self.members.rowCount()))
        remove_member = QPushButton(tr("Xóa dòng"))
        remove_member.clicked.connect(
            lambda: (
                self.members.removeRow(self.members.currentRow())
                if self.members.currentRow() >= 0
                else None
            )
        )
        self.reason = QPlainTextEdit(objectName="reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.received_on = date_edit(name="received_on")
        self.channel = QComboBox(objectName="channel", editable=True)
        self.channel.addItems([tr(channel) for channel in CHANNELS])

        household_row = QHBoxLayout()
        household_row.addWidget(self.household_label, 1)
        household_row.addWidget(choose)
        person = QGridLayout()
        fields = (
            (tr("Họ và tên người làm đơn:"), self.full_name, tr("Giới tính:"), self.sex),
            (tr("Ngày sinh:"), self.birth_date, tr("Dân tộc:"), self.ethnicity),
            (tr("Số CCCD:"), self.citizen_id, tr("Ngày cấp:"), self.id_issued_on),
        )
        for row, (left, left_widget, right, right_widget) in enumerate(fields):
            person.addWidget(QLabel(left), row, 0)
            person.addWidget(left_widget, row, 1)
            person.addWidget(QLabel(right), row, 2)
            person.addWidget(right_widget, row, 3)
        person.setColumnStretch(1, 2)
        person.setColumnStretch(3, 1)
        form = QFormLayout()
        form.addRow(tr("Loại giấy:"), self.kind)
        form.addRow(tr("Hộ:"), household_row)
        form.addRow(person)
        form.addRow(tr("Nơi thường trú:"), self.permanent_address)
        form.addRow(tr("Nơi ở hiện tại:"), self.current_address)
        member_buttons = QHBoxLayout()
        member_buttons.addWidget(QLabel(tr("Thành viên kê trong giấy (nếu có):")), 1)
        member_buttons.addWidget(add_member)
        member_buttons.addWidget(remove_member)
        form.addRow(member_buttons)
        form.addRow(self.members)
        form.addRow(tr("Lý do đề nghị:"), self.reason)
        form.addRow(tr("Ngày nhận giấy:"), self.received_on)
        form.addRow(tr("Hình thức nhận:"), self.channel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(760)
        self._show_household()

    def choose_household(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(tr("Chọn hộ làm đơn"))
        chooser = HouseholdChooser(self.cdb)
        if self.household_id is not None:
            chooser.choose(self.household_id)
        chooser.page.open_household.connect(lambda _: dialog.accept())
        buttons = QDialogButtonBox()
        buttons.addButton(tr("Chọn"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(chooser, 1)
        layout.addWidget(buttons)
        fit_window(dialog, QSize(900, 520), "household-chooser")
        if dialog.exec() and chooser.household_id is not None:
            self.set_household(chooser.household_id)

    def set_household(self, household_id: int) -> None:
        self.household_id = household_id
        self._show_household()

    def _show_household(self) -> None:
        """The household chosen, and its head's particulars as a start for the applicant."""
        if self.household_id is None:
            self.household_label.setText(tr("chưa chọn hộ"))
            return
        db = self.cdb.db
        row = household_rows(db, [self.household_id], None)[0]
        village = row.village_name
        self.household_label.setText(f"{row.code} — {row.head_name or ''} ({village})")
        head = next(iter(register.members_of(db, self.household_id)), None)
        if head is None or self.full_name.text().strip():
            return
        self.full_name.setText(head["full_name"] or "")
        self.sex.setCurrentIndex(max(self.sex.findData(head["sex"]), 0))
        if head["birth_date"]:
            self.birth_date.setText(_short_date(head["birth_date"]))
        self.ethnicity.setText(head["ethnicity"] or "")
        self.citizen_id.setText(head["citizen_id"] or "")
        commune = register.get_commune(db) or {}
        address = ", ".join(
            part for part in (village, commune.get("name"), commune.get("province")) if part
        )
        self.permanent_address.setText(address)
        self.current_address.setText(address)

    def applicant(self) -> dict[str, Any]:
        members = []
        for row in range(self.members.rowCount()):
            values = {
                key: (self.members.item(row, column).text().strip()
                      if self.members.item(row, column) else "")
                for column, (key, _) in enumerate(MEMBER_COLUMNS)
            }  # fmt: skip
            if any(values.values()):
                members.append(values)
        written = {
            "full_name": text_of(self.full_name),
            "sex": self.sex.currentData(),
            "birth_date": text_of(self.birth_date),
            "ethnicity": text_of(self.ethnicity),
            "citizen_id": text_of(self.citizen_id),
            "citizen_id_issued_on": text_of(self.id_issued_on),
            "permanent_address": text_of(self.permanent_address),
            "current_address": text_of(self.current_address),
            "members": members,
        }
        return {key: value for key, value in written.items() if value}

    def save(self) -> None:
        if self.household_id is None:
            raise workflow.ReviewError(tr("Chưa chọn hộ làm đơn"))
        workflow.add_application(
            self.cdb,
            self.round_id,
            self.household_id,
            kind=self.kind.currentData(),
            received_on=iso(self.received_on),
            applicant=self.applicant(),
            reason=text_of(self.reason),
            channel=self.channel.currentText().strip() or None,
        )


def _short_date(text: str) -> str:
    """An ISO date (or a year, or a year-month) as the clerk writes it."""
    try:
        return format_date(date.fromisoformat(text))
    except ValueError:
        return text


# --- the approver --------------------------------------------------------------------------------


class ApproverBox(QGroupBox):
    """Who decides: the signed-in user when an approver, else an approver signs in here
    (the clerk's session is not changed), as when a package is signed."""

    def __init__(
        self,
        cdb: CommuneDatabase,
        user: users.User | None,
        on_change: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(tr("Lãnh đạo phê duyệt"), parent)
        self.cdb, self.user, self.on_change = cdb, user, on_change
        self.approver = user if user is not None and user.can("approve") else None
        self.label = wrapped("", "approver")
        self.username = QLineEdit(objectName="approver_username")
        self.password = QLineEdit(objectName="approver_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sign_in_button = QPushButton(tr("Đăng nhập"))
        self.sign_in_button.clicked.connect(self.sign_in)
        self.password.returnPressed.connect(self.sign_in)
        self.handover = QWidget()
        form = QFormLayout(self.handover)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("Tên đăng nhập của lãnh đạo:"), self.username)
        form.addRow(tr("Mật khẩu:"), self.password)
        form.addRow("", self.sign_in_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.handover)
        self._update()

    def _update(self) -> None:
        if self.approver is not None:
            self.label.setText(tr("Người phê duyệt: {name}.", name=self.approver.full_name))
        else:
            approvers = [
                u.full_name for u in users.list_users(self.cdb.db) if u.active and u.can("approve")
            ]
            self.label.setText(
                tr(
                    "Tài khoản {username} không có quyền phê duyệt: chỉ lãnh đạo phê duyệt mới "
                    "công nhận, điều chỉnh được. Nhờ lãnh đạo ({who}) đăng nhập ngay tại đây.",
                    username=self.user.username if self.user else "",
                    who=", ".join(approvers) or tr("chưa có tài khoản lãnh đạo nào"),
                )
            )
        self.handover.setVisible(self.approver is None)

    def sign_in(self) -> None:
        try:
            user = users.authenticate(self.cdb, self.username.text(), self.password.text())
            users.require(user, "approve")
        except users.UserError as error:
            self.password.clear()
            show_refusal(self, error)
            return
        self.password.clear()
        self.approver = user
        self._update()
        self.on_change()


# --- the meeting ----------------------------------------------------------------------------------


class MeetingDialog(ActionDialog):
    """A village meeting: who came, and how many agreed with each household's result; below
    the procedure's share (50 %) the household goes back to the survey."""

    AGREED_COLUMN = 4

    def __init__(
        self,
        cdb: CommuneDatabase,
        round_id: int,
        village_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(cdb, tr("Họp dân thống nhất kết quả rà soát"), parent)
        self.round_id = round_id
        self.procedure = workflow.get_round(cdb.db, round_id).procedure
        self.threshold = self.procedure.vote_threshold
        self.states = [s for s in household_states(cdb.db, round_id) if s.needs_meeting]
        self.village = QComboBox(objectName="village")
        for village in register.villages(cdb.db):
            waiting = sum(1 for s in self.states if s.village_id == village["id"])
            if waiting:
                self.village.addItem(
                    tr("{village} ({count} hộ chờ họp)", village=village["name"], count=waiting),
                    village["id"],
                )
        self.held_on = date_edit(name="held_on")
        self.place = QLineEdit(objectName="place")
        self.place.setPlaceholderText(tr("vd. Nhà văn hóa thôn"))
        self.chair = QLineEdit(objectName="chair")
        self.secretary = QLineEdit(objectName="secretary")
        self.groups: dict[str, QSpinBox] = {}
        groups_box = QGroupBox(tr("Thành phần tham dự (số người)"))
        groups_form = QFormLayout(groups_box)
        for key, label in ATTENDEE_GROUPS:
            spin = QSpinBox(objectName=f"group_{key}", maximum=9999)
            spin.valueChanged.connect(self._groups_changed)
            self.groups[key] = spin
            groups_form.addRow(tr(label) + ":", spin)
        self.attendee_count = QSpinBox(objectName="attendee_count", maximum=99999)
        self.attendee_count.valueChanged.connect(self._count_changed)
        self.represented = QSpinBox(objectName="represented", maximum=99999)
        groups_form.addRow(tr("Tổng số người dự họp:"), self.attendee_count)
        groups_form.addRow(tr("Số hộ có đại diện dự họp:"), self.represented)
        self.table = QTableWidget(0, 6, objectName="votes")
        self.table.setHorizontalHeaderLabels(
            [tr("Mã hộ"), tr("Chủ hộ"), tr("Số khẩu"), tr("Kết quả rà soát"),
             tr("Số người đồng ý"), tr("Kết luận")]
        )  # fmt: skip
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(FITTED_ROWS)  # a village's households: hundreds
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._vote_changed)
        self.summary = wrapped("", "summary")
        self.note = QLineEdit(objectName="note")
        details = QFormLayout()
        details.addRow(tr("Thôn, tổ dân phố:"), self.village)
        details.addRow(tr("Ngày họp:"), self.held_on)
        details.addRow(tr("Địa điểm:"), self.place)
        details.addRow(tr("Chủ trì:"), self.chair)
        details.addRow(tr("Thư ký:"), self.secretary)
        details.addRow(tr("Ghi chú:"), self.note)
        top = QHBoxLayout()
        top.addLayout(details, 3)
        top.addWidget(groups_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(
            wrapped(
                tr(
                    "Gõ số người đồng ý với kết quả của từng hộ (mặc định: tất cả người dự "
                    "họp). Từ {share} trở lên: thống nhất; dưới mức đó: hộ được rà soát lại.",
                    share=format_percent(self.threshold * 100, 0),
                )
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.village.currentIndexChanged.connect(self._fill_votes)
        if village_id is not None:
            self.village.setCurrentIndex(max(self.village.findData(village_id), 0))
        self._fill_votes()
        fit_window(self, QSize(980, 680))

    @property
    def village_id(self) -> int | None:
        return self.village.currentData()

    def _groups_changed(self) -> None:
        self.attendee_count.setValue(sum(spin.value() for spin in self.groups.values()))
        self.represented.setValue(self.groups["household_representatives"].value())

    def _count_changed(self, count: int) -> None:
        """Rows still at the old default follow the new number of people present."""
        previous = getattr(self, "_count", 0)
        self._count = count
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, self.AGREED_COLUMN)
            if item.text().strip() in ("", str(previous)):
                item.setText(str(count))
        self.table.blockSignals(False)
        self._show_outcomes()

    def _fill_votes(self) -> None:
        shown = [s for s in self.states if s.village_id == self.village_id]
        self.table.blockSignals(True)
        self.table.setRowCount(len(shown))
        for row, state in enumerate(shown):
            cells = (state.code, state.head_name, format_number(state.member_count),
                     class_text(state.result), str(self.attendee_count.value()), "")  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != self.AGREED_COLUMN:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                else:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setData(Qt.ItemDataRole.UserRole, state.household_id)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        self._show_outcomes()
        if shown:
            self.table.setCurrentCell(0, self.AGREED_COLUMN)

    def _vote_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == self.AGREED_COLUMN:
            self._show_outcomes()

    def agreed(self, row: int) -> int | None:
        text = self.table.item(row, self.AGREED_COLUMN).text().strip()
        return int(text) if text.isdigit() else None

    def outcome(self, row: int) -> str | None:
        """'agreed', 'returned', or None when the number cannot be counted."""
        agreed, count = self.agreed(row), self.attendee_count.value()
        if agreed is None or count < 1 or agreed > count:
            return None
        return workflow.vote_outcome(self.procedure, agreed, count)

    def _show_outcomes(self) -> None:
        self.table.blockSignals(True)
        agreed = returned = wrong = 0
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 5)
            outcome = self.outcome(row)
            count = self.attendee_count.value()
            if outcome is None:
                wrong += 1
                item.setText(tr("Số không hợp lệ (0 – {count})", count=count))
                item.setForeground(Qt.GlobalColor.red)
                continue
            share = format_percent(100 * self.agreed(row) / count, 0)
            if outcome == "agreed":
                agreed += 1
                item.setText(tr("Thống nhất ({share})", share=share))
                item.setForeground(Qt.GlobalColor.darkGreen)
            else:
                returned += 1
                item.setText(tr("Rà soát lại ({share})", share=share))
                item.setForeground(Qt.GlobalColor.red)
        self.table.blockSignals(False)
        summary = tr(
            "{total} hộ đưa ra họp: {agreed} hộ thống nhất, {returned} hộ rà soát lại.",
            total=self.table.rowCount(),
            agreed=agreed,
            returned=returned,
        )
        if wrong:
            summary += tr(" {wrong} hộ chưa ghi đúng số người đồng ý.", wrong=wrong)
        self.summary.setText(summary)

    def votes(self) -> dict[int, int]:
        votes = {}
        for row in range(self.table.rowCount()):
            item = self.table.item(row, self.AGREED_COLUMN)
            agreed = self.agreed(row)
            if agreed is None:
                code = self.table.item(row, 0).text()
                raise workflow.ReviewError(
                    tr("Hộ {code}: số người đồng ý phải là số nguyên", code=code)
                )
            votes[item.data(Qt.ItemDataRole.UserRole)] = agreed
        return votes

    def save(self) -> None:
        if self.village_id is None:
            raise workflow.ReviewError(tr("Không có thôn nào có hộ chờ họp dân"))
        workflow.record_meeting(
            self.cdb,
            self.round_id,
            self.village_id,
            held_on=iso(self.held_on),
            attendee_count=self.attendee_count.value(),
            votes=self.votes(),
            place=text_of(self.place) or None,
            chair=text_of(self.chair) or None,
            secretary=text_of(self.secretary) or None,
            attendees={key: spin.value() for key, spin in self.groups.items()},
            represented_households=self.represented.value() or None,
            note=text_of(self.note) or None,
        )


# --- posting and complaints ----------------------------------------------------------------------


class PostingDialog(ActionDialog):
    """Post the results: the start date and the places; the end date follows in working days."""

    ok_text = tr_noop("Niêm yết")

    def __init__(self, cdb: CommuneDatabase, round_id: int, parent: QWidget | None = None) -> None:
        super().__init__(cdb, tr("Niêm yết công khai kết quả rà soát"), parent)
        self.round_id = round_id
        self.round = workflow.get_round(cdb.db, round_id)
        self.starts_on = date_edit(name="starts_on")
        self.places = QPlainTextEdit(objectName="places")
        self.places.setTabChangesFocus(True)
        self.places.setPlainText(tr("Trụ sở UBND xã; nhà văn hóa các thôn"))
        self.places.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.end_label = QLabel(objectName="end")
        self.end_label.setStyleSheet("font-weight: bold;")
        self.starts_on.dateChanged.connect(self._show_end)
        form = QFormLayout(self)
        form.addRow(tr("Ngày bắt đầu niêm yết:"), self.starts_on)
        form.addRow(tr("Nơi niêm yết:"), self.places)
        form.addRow(tr("Niêm yết đến hết ngày:"), self.end_label)
        form.addRow(self.buttons)
        self._show_end()
        self.setMinimumWidth(560)

    def _show_end(self) -> None:
        start = self.starts_on.date().toPython()
        end = workflow.posting_end(self.cdb.db, self.round, start)
        days = workflow.round_posting_days(self.cdb.db, self.round)
        self.end_label.setText(
            tr("{end} ({days} ngày làm việc, không kể thứ Bảy, Chủ nhật, ngày lễ)",
               end=format_date(end), days=days)
        )  # fmt: skip

    def save(self) -> None:
        workflow.open_posting(
            self.cdb, self.round_id, iso(self.starts_on), places=text_of(self.places) or None
        )


class ComplaintDialog(ActionDialog):
    """A complaint about a household's posted result."""

    def __init__(
        self,
        cdb: CommuneDatabase,
        round_id: int,
        household_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(cdb, tr("Ghi nhận khiếu nại"), parent)
        self.round_id = round_id
        self.household = household_chooser(cdb, round_id, household_id)
        self.received_on = date_edit(name="received_on")
        self.complainant = QLineEdit(objectName="complainant")
        self.content = QPlainTextEdit(objectName="content")
        self.content.setTabChangesFocus(True)
        form = QFormLayout(self)
        form.addRow(tr("Hộ bị khiếu nại:"), self.household)
        form.addRow(tr("Ngày nhận:"), self.received_on)
        form.addRow(tr("Người khiếu nại:"), self.complainant)
        form.addRow(tr("Nội dung:"), self.content)
        form.addRow(self.buttons)
        self.setMinimumWidth(640)

    def save(self) -> None:
        household_id = self.household.currentData()
        if household_id is None:
            raise workflow.ReviewError(tr("Danh sách rà soát chưa có hộ nào"))
        workflow.add_complaint(
            self.cdb,
            self.round_id,
            household_id,
            received_on=iso(self.received_on),
            content=text_of(self.content),
            complainant=text_of(self.complainant) or None,
        )


class OpinionDialog(ActionDialog):
    """The opinion of the level above on the results (an optional step of the procedure)."""

    def __init__(
        self, cdb: CommuneDatabase, round_id: int, step_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(cdb, step_name, parent)
        self.round_id = round_id
        given = workflow.get_round(cdb.db, round_id).opinion or {}
        self.by = QLineEdit(given.get("by", ""), objectName="by")
        self.number = QLineEdit(given.get("number") or "", objectName="number")
        self.given_on = date_edit(
            date.fromisoformat(given["given_on"]) if given else None, name="given_on"
        )
        self.content = QPlainTextEdit(given.get("content", ""), objectName="content")
        self.content.setTabChangesFocus(True)
        form = QFormLayout(self)
        form.addRow(tr("Cơ quan cho ý kiến:"), self.by)
        form.addRow(tr("Số văn bản:"), self.number)
        form.addRow(tr("Ngày:"), self.given_on)
        form.addRow(tr("Nội dung ý kiến:"), self.content)
        form.addRow(self.buttons)
        self.setMinimumWidth(600)

    def save(self) -> None:
        workflow.record_opinion(
            self.cdb,
            self.round_id,
            by=text_of(self.by),
            number=text_of(self.number) or None,
            given_on=iso(self.given_on),
            content=text_of(self.content),
        )


class RecheckDialog(ActionDialog):
    """The re-check (phúc tra) that settles a complaint: the date, what was found, the class."""

    def __init__(
        self, cdb: CommuneDatabase, complaint: dict[str, Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(cdb, tr("Kết quả phúc tra"), parent)
        self.complaint = complaint
        self.recheck_on = date_edit(name="recheck_on")
        self.result = QPlainTextEdit(objectName="result")
        self.result.setTabChangesFocus(True)
        self.recheck_class = QComboBox(objectName="recheck_class")
        for code in register.STATUSES:
            self.recheck_class.addItem(class_text(code), code)
        form = QFormLayout(self)
        form.addRow(
            wrapped(
                tr(
                    "Khiếu nại về hộ {code} — {head}, nhận ngày {received}: {content}",
                    code=complaint["code"],
                    head=complaint["head_name"] or "",
                    received=_short_date(complaint["received_on"]),
                    content=complaint["content"],
                )
            )
        )
        form.addRow(tr("Ngày phúc tra:"), self.recheck_on)
        form.addRow(tr("Kết quả phúc tra:"), self.result)
        form.addRow(tr("Phân loại sau phúc tra:"), self.recheck_class)
        form.addRow(self.buttons)
        self.setMinimumWidth(600)

    def save(self) -> None:
        workflow.record_recheck(
            self.cdb,
            self.complaint["id"],
            recheck_on=iso(self.recheck_on),
            result=text_of(self.result),
            recheck_class=self.recheck_class.currentData(),
        )


# --- recognition and corrections -----------------------------------------------------------------


class RecognitionDialog(AsksBeforeDiscarding, QDialog):
    """The chair's decision: number and date, what still stops it, and the approver. The
    recognition itself is run by the caller (off the GUI thread): ``decision()`` and
    ``approver`` hold what was chosen."""

    def __init__(
        self,
        cdb: CommuneDatabase,
        round_id: int,
        user: users.User | None,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.cdb, self.round_id = cdb, round_id
        found = workflow.get_round(cdb.db, round_id)
        self.setWindowTitle(tr("Quyết định công nhận kết quả rà soát"))
        self.number = QLineEdit(objectName="decision_number")
        self.number.setPlaceholderText(tr("vd. 125/QĐ-UBND"))
        self.decided_on = date_edit(today, "decision_date")
        self.problems = QLabel(objectName="problems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.approver_box = ApproverBox(cdb, user, self._update)
        self.recognise_button = QPushButton(tr("Công nhận và khóa đợt"), objectName="recognise")
        self.recognise_button.clicked.connect(self.accept)
        cancel = QPushButton(tr("Hủy"))
        cancel.clicked.connect(self.reject)
        self.number.textChanged.connect(self._update)
        self.decided_on.dateChanged.connect(self._update)
        form = QFormLayout()
        form.addRow(tr("Số quyết định:"), self.number)
        form.addRow(tr("Ngày quyết định:"), self.decided_on)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.recognise_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(
                tr(
                    "{title}: mỗi hộ trong danh sách được ghi tình trạng năm {year} theo kết "
                    "quả rà soát; sau đó đợt bị khóa, chỉ sửa được bằng quyết định điều chỉnh.",
                    title=found.title_in(tr),
                    year=found.year,
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.approver_box)
        layout.addStretch()
        layout.addLayout(buttons)
        self.setMinimumWidth(640)
        self._update()

    @property
    def approver(self) -> users.User | None:
        return self.approver_box.approver

    def decision(self) -> tuple[str, str]:
        return text_of(self.number), iso(self.decided_on)

    def current_problems(self) -> list[str]:
        return workflow.recognition_problems(self.cdb.db, self.round_id, iso(self.decided_on))

    def _update(self) -> None:
        problems = self.current_problems()
        if problems:
            self.problems.setText(tr("Chưa công nhận được:") + "\n• " + "\n• ".join(problems))
            self.problems.setStyleSheet(f"color: {RED};")
        else:
            self.problems.setText(tr("Các bước đã xong: có thể công nhận."))
            self.problems.setStyleSheet(f"color: {GREEN};")
        self.recognise_button.setEnabled(
            not problems and self.approver is not None and bool(text_of(self.number))
        )


class CorrectionDialog(ActionDialog):
    """A correction after the decision: household, new status, reason, the new decision;
    only an approver may."""

    ok_text = tr_noop("Điều chỉnh")

    def __init__(
        self,
        cdb: CommuneDatabase,
        round_id: int,
        user: users.User | None,
        household_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(cdb, tr("Điều chỉnh kết quả sau quyết định công nhận"), parent)
        self.round_id = round_id
        self.household = household_chooser(cdb, round_id, household_id)
        self.new_status = QComboBox(objectName="new_status")
        for code in register.STATUSES:
            self.new_status.addItem(class_text(code), code)
        self.reason = QPlainTextEdit(objectName="reason")
        self.reason.setTabChangesFocus(True)
        self.number = QLineEdit(objectName="decision_number")
        self.decided_on = date_edit(name="decision_date")
        self.approver_box = ApproverBox(cdb, user, lambda: None)
        form = QFormLayout(self)
        form.addRow(tr("Hộ:"), self.household)
        form.addRow(tr("Tình trạng mới:"), self.new_status)
        form.addRow(tr("Lý do điều chỉnh:"), self.reason)
        form.addRow(tr("Số quyết định điều chỉnh:"), self.number)
        form.addRow(tr("Ngày quyết định:"), self.decided_on)
        form.addRow(self.approver_box)
        form.addRow(self.buttons)
        self.setMinimumWidth(640)

    def save(self) -> None:
        approver = self.approver_box.approver
        with acting_as(self.cdb, approver):
            self._correct(approver)

    def _correct(self, approver: users.User | None) -> None:
        workflow.correct(
            self.cdb,
            self.round_id,
            self.household.currentData(),
            self.new_status.currentData(),
            reason=text_of(self.reason),
            decision_number=text_of(self.number),
            decision_date=iso(self.decided_on),
            approver=approver,
        )
