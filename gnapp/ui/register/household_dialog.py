"""The household form: a household's fields, its members, its yearly statuses and its history.

Edits stay in the form until the clerk saves (Ctrl+S); the save writes everything in one
transaction through ``gnapp.store.register.save_household`` and the change log records who
changed what. Problems come from ``gnapp.core.household_checks`` and are shown next to their
field: errors (red) block saving, warnings (amber) do not.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gnapp.core.household_checks import (
    ERROR,
    Problem,
    birth_date_text,
    former_head_relation,
    has_errors,
    household_problems,
    read_birth_date,
    read_citizen_id,
    read_floor_area,
)
from gnapp.core.movements import MOVEMENT_LABELS
from gnapp.core.record import VALUE_LABELS, value_label
from gnapp.core.vietnamese import format_decimal, nfc
from gnapp.i18n import tr, tr_noop
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.household_history import (
    BOOLEAN_TEXTS,
    UNKNOWN_TEXT,
    column_label,
    history_rows,
    value_text,
)
from gnapp.store.register import (
    GROUP_FLAGS,
    HOUSEHOLD_BOOLEANS,
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_LISTS,
    MEMBER_BOOLEANS,
    MEMBER_FIELDS,
    citizen_id_elsewhere,
    household_code_in_use,
    members_of,
    next_household_code,
    save_household,
    status_history,
    stored_household,
    villages,
)
from gnapp.ui.common.messages import ask_unsaved, show_message
from gnapp.ui.common.qt import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMessageBox,
    QObject,
    QPainter,
    QPushButton,
    QScrollArea,
    QSize,
    QSizePolicy,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.window_size import fit_window

DIALOG_STYLE = """
QLabel[problem="error"] { color: #b3261e; }
QLabel[problem="warning"] { color: #8a5300; }
QLabel#summary { font-weight: bold; }
QTableWidget::item { padding: 2px 4px; }
QHeaderView::section { padding: 2px 6px; }
"""
LABEL_WIDTH = 190  # pixels; longer labels wrap
SAVE = "save"
DISCARD = "discard"
BACK = "back"


# --- small editors with one interface: value(), set_value(), changed ----------------------------


class ChoiceBox(QComboBox):
    """A drop-down list of (value, text) choices."""

    changed = Signal()

    def __init__(self, choices: Iterable[tuple[Any, str]]) -> None:
        super().__init__()
        for value, text in choices:
            self.addItem(text, value)
        self.currentIndexChanged.connect(self.changed)

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        for index in range(self.count()):
            data = self.itemData(index)
            if data is value or (data == value and type(data) is type(value)):
                self.setCurrentIndex(index)
                return
        self.setCurrentIndex(0)


def enum_box(key: str, *, required: bool = False) -> ChoiceBox:
    """Choices of a schema enum with their Vietnamese labels; "chưa rõ" first unless required."""
    blank = tr("— chọn —") if required else tr(UNKNOWN_TEXT)
    return ChoiceBox(
        [(None, blank), *((code, tr(text)) for code, text in VALUE_LABELS[key].items())]
    )


def yes_no_box() -> ChoiceBox:
    return ChoiceBox(
        [(None, tr(UNKNOWN_TEXT)), *((value, tr(text)) for value, text in BOOLEAN_TEXTS.items())]
    )


class TextField(QLineEdit):
    """A line of text; ``reader`` turns it into the stored value, ``writer`` back into text."""

    changed = Signal()

    def __init__(
        self,
        reader: Callable[[str], Any] | None = None,
        writer: Callable[[Any], str] = str,
    ) -> None:
        super().__init__()
        self.reader = reader
        self.writer = writer
        self.textChanged.connect(self.changed)

    def value(self) -> Any:
        """The value read from the text (ValueError with a Vietnamese message if unreadable)."""
        if self.reader is not None:
            return self.reader(self.text())
        return nfc(self.text()) or None

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else self.writer(value))


class FlagBox(QCheckBox):
    changed = Signal()

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.toggled.connect(self.changed)

    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))


class CheckList(QWidget):
    """Checkboxes for the items of a list field; its value is the ticked codes in enum order."""

    changed = Signal()

    def __init__(self, key: str, columns: int = 2) -> None:
        super().__init__()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for number, (code, label) in enumerate(VALUE_LABELS[key].items()):
            text = tr(label)
            box = QCheckBox(text[:1].upper() + text[1:])
            box.toggled.connect(self.changed)
            layout.addWidget(box, number // columns, number % columns)
            self.boxes[code] = box

    def value(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: Iterable[str]) -> None:
        chosen = set(value or [])
        for code, box in self.boxes.items():
            box.setChecked(code in chosen)


class ProblemLabel(QLabel):
    """The line under a field for its problems: its room is kept when it is empty and it never
    grows, so no field moves when a message comes or goes; a message longer than the line ends
    in "…" and reads whole in the tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().lineSpacing() + 2)

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        text = " ".join(self.text().split("\n"))
        elided = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         elided)  # fmt: skip


def show_problems(label: QLabel, problems: Sequence[Problem]) -> None:
    """Write the problems into the label under their field (empty when there are none)."""
    text = "\n".join(problem.message for problem in problems)
    label.setText(text)
    label.setToolTip(text)
    label.setProperty("problem", ERROR if has_errors(problems) else "warning")
    label.style().unpolish(label)
    label.style().polish(label)


class FieldGrid(QGridLayout):
    """Label, editor and the editor's problem label under it, in rows of ``pairs`` fields."""

    def __init__(self, pairs: int = 1) -> None:
        super().__init__()
        self.pairs = pairs
        self.count_added = 0
        self.problem_labels: dict[str, QLabel] = {}
        for pair in range(pairs):
            self.setColumnStretch(2 * pair + 1, 1)

    def add(self, key: str, editor: QWidget) -> None:
        row, pair = divmod(self.count_added, self.pairs)
        self.count_added += 1
        label = QLabel(f"{column_label_for(key)}:")
        label.setBuddy(editor)
        label.setWordWrap(True)
        width = label.fontMetrics().horizontalAdvance(label.text()) + 4
        label.setMinimumWidth(min(width, LABEL_WIDTH))
        problem = ProblemLabel()
        self.addWidget(label, 2 * row, 2 * pair, Qt.AlignmentFlag.AlignVCenter)
        self.addWidget(editor, 2 * row, 2 * pair + 1)
        self.addWidget(problem, 2 * row + 1, 2 * pair + 1)
        self.problem_labels[key] = problem


def column_label_for(key: str) -> str:
    scope, _, column = key.partition(".")
    return column_label({"household": "households", "member": "members"}[scope], column)


# --- the questions asked by the form ---------------------------------------------------------


def ask_unsaved_changes(parent: QWidget) -> str:
    """SAVE, DISCARD or BACK: what to do with changes not yet saved."""
    text = tr("Có thay đổi chưa lưu. Lưu lại trước khi đóng?")
    return ask_unsaved(parent, tr("Có thay đổi chưa lưu"), text, tr("Lưu"))


def ask_former_head_relation(parent: QWidget, name: str, suggested: str) -> str | None:
    """The relation of the former head to the new one; None when the clerk goes back."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(tr("Đổi chủ hộ"))
    question = QLabel(tr("{name} là gì của chủ hộ mới?", name=name))
    question.setWordWrap(True)
    relations = {k: tr(v) for k, v in VALUE_LABELS["member.relation"].items() if k != "head"}
    box = ChoiceBox(relations.items())
    box.set_value(suggested)
    buttons = QDialogButtonBox()
    buttons.addButton(tr("Đồng ý"), QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(tr("Quay lại"), QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(question)
    layout.addWidget(box)
    layout.addWidget(buttons)
    return box.value() if dialog.exec() else None


# --- the form -------------------------------------------------------------------------------


@dataclass
class MemberDraft:
    """A member as edited: ``id`` None for a member not saved yet."""

    id: int | None
    original: dict[str, Any]
    values: dict[str, Any]
    input_problems: dict[str, str] = field(default_factory=dict)

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.values.items() if v != self.original.get(k)}


def _member_values(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: (None if row[key] is None else bool(row[key])) if key in MEMBER_BOOLEANS else row[key]
        for key in MEMBER_FIELDS
    }


NEW_HOUSEHOLD = {
    **dict.fromkeys(HOUSEHOLD_FIELDS),
    **dict.fromkeys(("agricultural", *GROUP_FLAGS), False),
    **{key: [] for key in HOUSEHOLD_LISTS},
}
ROSTER_HEADERS = (
    *(
        tr_noop("STT"),
        tr_noop("Họ và tên"),
        tr_noop("Quan hệ với chủ hộ"),
        tr_noop("Giới tính"),
        tr_noop("Ngày sinh"),
        tr_noop("Số CCCD"),
    ),
    tr_noop("Kiểm tra"),
)
CHECK_COLUMN = len(ROSTER_HEADERS) - 1
HOUSEHOLD_DWELLING = ("floor_area_m2", "walls_durable", "frame_durable", "roof_durable",
                      "water_source", "latrine", "uses_telecom",
                      "waste_handled_hygienically")  # fmt: skip
MEMBER_LAYOUT = ("full_name", "relation", "sex", "birth_date", "citizen_id", "ethnicity",
                 *MEMBER_BOOLEANS[:2], "schooling", "education", "vocational_certificate",
                 "employment", *MEMBER_BOOLEANS[2:])  # fmt: skip


def _same(value: Any, stored: Any) -> bool:
    """Whether a field's value is the stored one (a checklist's choices in any order)."""
    if isinstance(value, list) and isinstance(stored, list):
        return sorted(value) == sorted(stored)
    return bool(value == stored)


class HouseholdDialog(QDialog):
    """Edit one household (``household_id`` None: a new one) and save it as ``cdb.actor``."""

    def __init__(
        self, cdb: CommuneDatabase, household_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.household_id = household_id
        self.today = date.today()
        self._elsewhere: dict[str, list[tuple[str, str]]] = {}
        self._loading = False
        # A field's problems show once the clerk has left it, or all of them on "Lưu"; those
        # of a stored household from the start.
        self.all_problems_shown = household_id is not None
        self.fields_left: set[tuple[str, int | None]] = set()
        self._editor_fields: dict[QObject, str] = {}
        self.setStyleSheet(DIALOG_STYLE)
        self._load_data()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._household_page(), tr("Thông tin &hộ"))
        self.tabs.addTab(self._member_page(), tr("&Thành viên"))
        self.tabs.addTab(self._status_page(), tr("Tình trạng &qua các năm"))
        self.tabs.addTab(self._history_page(), tr("&Lịch sử thay đổi"))
        self.events_recorded = False  # an event was recorded or undone from the form
        if household_id is not None:
            self.tabs.addTab(self._events_page(household_id), tr("Sự &kiện"))
        self.summary = QLabel(objectName="summary")
        self.summary.setWordWrap(True)
        self.save_button = QPushButton(tr("&Lưu (Ctrl+S)"))
        self.save_button.setToolTip(tr("Lưu mọi thay đổi của hộ (Ctrl+S)"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(tr("Hủy (Esc)"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._fill()
        fit_window(self, QSize(1100, 680))

    # --- data -----------------------------------------------------------------------------

    def _load_data(self) -> None:
        db = self.cdb.db
        self.villages = villages(db)
        if self.household_id is None:
            self.original = dict(NEW_HOUSEHOLD) | {"code": next_household_code(db)}
            head = {**dict.fromkeys(MEMBER_FIELDS), "relation": "head"}
            self.members = [MemberDraft(None, {}, head)]
        else:
            self.original = stored_household(db, self.household_id)
            self.members = [
                MemberDraft(member["id"], _member_values(member), _member_values(member))
                for member in members_of(db, self.household_id)
            ]
        self.removed: list[int] = []

    # --- construction ---------------------------------------------------------------------

    def _household_page(self) -> QWidget:
        self.household_editors: dict[str, Any] = {
            "code": TextField(),
            "village_id": ChoiceBox(
                [(None, tr("— chọn thôn —")), *((v["id"], v["name"]) for v in self.villages)]
            ),
            "address": TextField(),
            "agricultural": FlagBox(column_label("households", "agricultural")),
        }
        general = FieldGrid()
        general.add("household.code", self.household_editors["code"])
        general.add("household.village_id", self.household_editors["village_id"])
        general.add("household.address", self.household_editors["address"])
        flags = QVBoxLayout()
        flags.addWidget(self.household_editors["agricultural"])
        for key in GROUP_FLAGS:
            self.household_editors[key] = FlagBox(column_label("households", key))
            flags.addWidget(self.household_editors[key])
        general.addLayout(flags, 2 * general.count_added, 1)
        general_box = QGroupBox(tr("Thông tin chung"))
        general_box.setLayout(general)

        dwelling = FieldGrid()
        for key in HOUSEHOLD_DWELLING:
            if key == "floor_area_m2":
                editor: Any = TextField(read_floor_area, format_decimal)
                editor.setPlaceholderText(tr("ví dụ 36 hoặc 42,5"))
            elif key in HOUSEHOLD_BOOLEANS:
                editor = yes_no_box()
            else:
                editor = enum_box(f"household.{key}")
            self.household_editors[key] = editor
            dwelling.add(f"household.{key}", editor)
        self.household_editors["information_devices"] = CheckList("household.information_devices")
        dwelling.add("household.information_devices", self.household_editors["information_devices"])
        dwelling.setRowStretch(2 * dwelling.count_added, 1)
        dwelling_box = QGroupBox(tr("Nhà ở, nước sạch, vệ sinh và thông tin"))
        dwelling_box.setLayout(dwelling)

        needs = QVBoxLayout()
        for key in ("causes_of_poverty", "support_needs"):
            self.household_editors[key] = CheckList(f"household.{key}")
            group = QGroupBox(column_label("households", key))
            QVBoxLayout(group).addWidget(self.household_editors[key])
            needs.addWidget(group)
        needs.addStretch()

        self.household_problem_labels = {**general.problem_labels, **dwelling.problem_labels}
        for key, editor in self.household_editors.items():
            editor.changed.connect(self._edited)
            self._watch_leaving(editor, f"household.{key}")

        left = QVBoxLayout()
        left.addWidget(general_box)
        left.addLayout(needs)
        page = QWidget()
        columns = QHBoxLayout(page)
        columns.addLayout(left, 1)
        columns.addWidget(dwelling_box, 1)
        scroll = QScrollArea()
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        return scroll

    def _member_page(self) -> QWidget:
        self.roster = QTableWidget(0, len(ROSTER_HEADERS))
        self.roster.setHorizontalHeaderLabels([tr(header) for header in ROSTER_HEADERS])
        self.roster.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.roster.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.roster.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.roster.setAlternatingRowColors(True)
        self.roster.verticalHeader().hide()
        header = self.roster.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Qt measures the header in the normal font; the bold section text needs more room.
        header.setSectionResizeMode(CHECK_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(
            CHECK_COLUMN, header.fontMetrics().horizontalAdvance(tr(ROSTER_HEADERS[-1])) + 40
        )
        self.roster.currentCellChanged.connect(lambda row, *_: self._show_member(row))
        self.add_button = QPushButton(tr("Thêm thành &viên"))
        self.add_button.clicked.connect(self.add_member)
        self.remove_button = QPushButton(tr("&Xóa thành viên"))
        self.remove_button.clicked.connect(self.remove_member)
        self.head_button = QPushButton(tr("Đặt làm &chủ hộ"))
        self.head_button.clicked.connect(self.make_head)
        for button in (self.add_button, self.remove_button, self.head_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.head_button)
        buttons.addStretch()
        self.roster_problem = ProblemLabel()
        self.roster_note = QLabel()
        self.roster_note.setWordWrap(True)
        self.roster_note.hide()

        self.member_editors: dict[str, Any] = {}
        grid = FieldGrid(pairs=2)
        for key in MEMBER_LAYOUT:
            if key in ("full_name", "ethnicity"):
                editor: Any = TextField()
            elif key == "birth_date":
                editor = TextField(read_birth_date, birth_date_text)
                editor.setPlaceholderText(tr("ngày/tháng/năm, hoặc năm sinh"))
            elif key == "citizen_id":
                editor = TextField(read_citizen_id)
                editor.setPlaceholderText(tr("12 chữ số"))
            elif key in MEMBER_BOOLEANS:
                editor = yes_no_box()
            else:
                editor = enum_box(f"member.{key}", required=key in ("relation", "sex"))
            editor.changed.connect(lambda key=key: self._member_edited(key))
            self._watch_leaving(editor, f"member.{key}")
            self.member_editors[key] = editor
            grid.add(f"member.{key}", editor)
        self.member_problem_labels = grid.problem_labels
        self.member_box = QGroupBox(tr("Thông tin thành viên"))
        self.member_box.setLayout(grid)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.roster, 1)
        top_layout.addWidget(self.roster_problem)
        top_layout.addWidget(self.roster_note)
        top_layout.addLayout(buttons)
        member_scroll = QScrollArea()
        member_scroll.setWidget(self.member_box)
        member_scroll.setWidgetResizable(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(member_scroll)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        return split

    def _read_only_table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> QWidget:
        table = QTableWidget(len(rows), len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(True)
        table.verticalHeader().hide()
        for number, cells in enumerate(rows):
            for column, text in enumerate(cells):
                table.setItem(number, column, QTableWidgetItem(text))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def _status_page(self) -> QWidget:
        rows = []
        if self.household_id is not None:
            for row in status_history(self.cdb.db, self.household_id):
                decision = row["decision_number"] or ""
                if decision and row["decision_date"]:
                    decided = value_text("household_status", "decision_date", row["decision_date"])
                    decision = tr("{decision} ngày {date}", decision=decision, date=decided)
                movement = row["movement"]
                rows.append(
                    (
                        str(row["year"]),
                        value_text("household_status", "status", row["status"]),
                        tr(MOVEMENT_LABELS.get(movement, movement)) if movement else "",
                        decision,
                        row["note"] or "",
                    )
                )
        self.status_table = self._read_only_table(
            (
                tr("Năm"),
                tr("Tình trạng"),
                tr("Biến động"),
                tr("Quyết định công nhận"),
                tr("Ghi chú"),
            ),
            rows,
        )
        return self._with_note(
            self.status_table, rows, tr("Hộ chưa có tên trong danh sách năm nào.")
        )

    def _history_page(self) -> QWidget:
        rows = [] if self.household_id is None else history_rows(self.cdb.db, self.household_id)
        self.history_table = self._read_only_table(
            (
                tr("Thời điểm"),
                tr("Người thực hiện"),
                tr("Nội dung"),
                tr("Giá trị cũ"),
                tr("Giá trị mới"),
            ),
            [(r.when, r.actor, r.what, r.old, r.new) for r in rows],
        )
        return self._with_note(self.history_table, rows, tr("Chưa có thay đổi nào được ghi lại."))

    def _events_page(self, household_id: int) -> QWidget:
        from gnapp.ui.register.event_dialogs import HouseholdEventsPanel

        def blocked() -> str | None:
            if self.is_modified():
                return tr("Hãy lưu hoặc bỏ các thay đổi của hộ trước khi ghi sự kiện.")
            return None

        self.events_panel = HouseholdEventsPanel(self.cdb, household_id, blocked)
        self.events_panel.changed.connect(self._after_event)
        return self.events_panel

    def _after_event(self) -> None:
        """An event changed the household (its members, its presence): show it as it is now."""
        self.events_recorded = True
        self._load_data()
        self._fill()

    @staticmethod
    def _with_note(table: QWidget, rows: Sequence[Any], empty: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(table)
        if not rows:
            table.hide()
            note = QLabel(empty)
            layout.addWidget(note)
            layout.addStretch()
        return page

    # --- showing values -------------------------------------------------------------------

    def _fill(self) -> None:
        self._loading = True
        for key, editor in self.household_editors.items():
            value = self.original.get(key)
            editor.set_value(value)
        self._loading = False
        self._refresh_roster()
        self.roster.setCurrentCell(0, 1)
        self._show_member(0)
        code = self.original.get("code")
        heads = [m.values["full_name"] for m in self.members if m.values["relation"] == "head"]
        head = heads[0] if heads else None
        self.setWindowTitle(
            tr("Thêm hộ mới")
            if self.household_id is None
            else tr("Hộ {code} — {head}", code=code, head=head or tr("chưa có chủ hộ"))
        )
        self._refresh_problems()

    def _roster_cells(self, number: int, member: MemberDraft) -> tuple[str, ...]:
        values = member.values
        return (
            str(number + 1),
            values.get("full_name") or "",
            tr(value_label("member.relation", values["relation"]))
            if values.get("relation")
            else "",
            tr(value_label("member.sex", values["sex"])) if values.get("sex") else "",
            birth_date_text(values.get("birth_date")),
            values.get("citizen_id") or "",
            "",
        )

    def _refresh_roster(self) -> None:
        self.roster.setRowCount(len(self.members))
        for number, member in enumerate(self.members):
            for column, text in enumerate(self._roster_cells(number, member)):
                if column == CHECK_COLUMN:
                    continue
                item = self.roster.item(number, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.roster.setItem(number, column, item)
                item.setText(text)
        self.tabs.setTabText(1, tr("&Thành viên ({count})", count=len(self.members)))
        self.remove_button.setEnabled(bool(self.members))
        self.head_button.setEnabled(bool(self.members))

    @property
    def current_index(self) -> int:
        return self.roster.currentRow()

    def _show_member(self, index: int) -> None:
        self.member_box.setEnabled(0 <= index < len(self.members))
        if not 0 <= index < len(self.members):
            return
        member = self.members[index]
        self._loading = True
        for key, editor in self.member_editors.items():
            value = member.values.get(key)
            if key in member.input_problems:
                continue  # keep what the clerk typed and could not be read
            editor.set_value(value)
        self._loading = False
        self.member_box.setTitle(tr("Thông tin thành viên thứ {number}", number=index + 1))
        self._refresh_problems()

    # --- editing --------------------------------------------------------------------------

    def _watch_leaving(self, editor: QWidget, field_key: str) -> None:
        """Note when the clerk leaves the field (its problems show from then on)."""
        for widget in (editor, *editor.findChildren(QWidget)):
            widget.installEventFilter(self)
            self._editor_fields[widget] = field_key

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        field_key = self._editor_fields.get(watched)
        if field_key is not None and event.type() == QEvent.Type.FocusOut:
            member = self.current_index if field_key.startswith("member.") else None
            if (field_key, member) not in self.fields_left:
                self.fields_left.add((field_key, member))
                self._refresh_problems()
        return super().eventFilter(watched, event)

    def _problem_shown(self, problem: Problem) -> bool:
        if self.all_problems_shown or (problem.field, problem.member) in self.fields_left:
            return True
        # the roster's own problems (no head, …) once a member's field has been left
        return problem.field == "household.members" and any(
            member is not None for _, member in self.fields_left
        )

    def _edited(self) -> None:
        if not self._loading:
            self._refresh_problems()

    def _member_edited(self, key: str) -> None:
        index = self.current_index
        if self._loading or not 0 <= index < len(self.members):
            return
        member = self.members[index]
        try:
            member.values[key] = self.member_editors[key].value()
            member.input_problems.pop(key, None)
        except ValueError as error:
            member.values[key] = None
            member.input_problems[key] = str(error)
        for column, text in enumerate(self._roster_cells(index, member)[:-1]):
            self.roster.item(index, column).setText(text)
        self._refresh_problems()

    def add_member(self) -> None:
        values = dict.fromkeys(MEMBER_FIELDS)
        values["relation"] = None if self.members else "head"
        self.members.append(MemberDraft(None, {}, values))
        self._refresh_roster()
        self.roster.setCurrentCell(len(self.members) - 1, 1)
        self.tabs.setCurrentIndex(1)
        self.member_editors["full_name"].setFocus()

    def remove_member(self) -> None:
        index = self.current_index
        if not 0 <= index < len(self.members):
            return
        member = self.members.pop(index)
        if member.id is not None:
            self.removed.append(member.id)
        self.fields_left = {
            (key, number if number is None or number < index else number - 1)
            for key, number in self.fields_left
            if number != index
        }
        self._refresh_roster()
        self.roster.setCurrentCell(min(index, len(self.members) - 1), 1)
        self._show_member(self.current_index)

    def make_head(self) -> None:
        """Make the selected member the head; the former head takes the relation the clerk
        confirms (suggested from the new head's relation to the former one)."""
        index = self.current_index
        if not 0 <= index < len(self.members):
            return
        new_head = self.members[index]
        if new_head.values.get("relation") == "head":
            return
        former = [m for m in self.members if m.values.get("relation") == "head"]
        for member in former:
            suggested = former_head_relation(new_head.values.get("relation"))
            name = member.values.get("full_name") or tr("Chủ hộ cũ")
            relation = ask_former_head_relation(self, name, suggested)
            if relation is None:
                return
            member.values["relation"] = relation
        new_head.values["relation"] = "head"
        self.roster_note.setText(
            tr("Đã đổi chủ hộ: xem lại quan hệ với chủ hộ của các thành viên khác.")
        )
        self.roster_note.show()
        self._refresh_roster()
        self._show_member(index)

    # --- problems -------------------------------------------------------------------------

    def _household_values_now(self) -> tuple[dict[str, Any], list[Problem]]:
        values, problems = {}, []
        for key, editor in self.household_editors.items():
            try:
                values[key] = editor.value()
            except ValueError as error:
                values[key] = self.original.get(key)
                problems.append(Problem(f"household.{key}", str(error)))
        return values, problems

    def _elsewhere_of(self, citizen_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        for citizen_id in citizen_ids:
            if citizen_id not in self._elsewhere:
                self._elsewhere[citizen_id] = citizen_id_elsewhere(
                    self.cdb.db, citizen_id, self.household_id
                )
        return self._elsewhere

    def problems(self) -> list[Problem]:
        """Every problem of the household as it stands in the form."""
        values, problems = self._household_values_now()
        members = [member.values for member in self.members]
        typed = {
            (f"member.{key}", index): message
            for index, member in enumerate(self.members)
            for key, message in member.input_problems.items()
        }
        code = values.get("code") or ""
        checked = household_problems(
            values,
            members,
            today=self.today,
            code_in_use=bool(code) and household_code_in_use(self.cdb.db, code, self.household_id),
            elsewhere=self._elsewhere_of(m["citizen_id"] for m in members if m.get("citizen_id")),
        )
        unreadable = {p.field for p in problems}
        problems += [
            p
            for p in checked
            if (p.field, p.member) not in typed
            and (p.member is not None or p.field not in unreadable)
        ]
        problems += [Problem(key, message, ERROR, index) for (key, index), message in typed.items()]
        return problems

    def _refresh_problems(self) -> list[Problem]:
        """Show the problems of the fields the clerk has left (all after "Lưu"); returns all."""
        every_problem = self.problems()
        problems = [p for p in every_problem if self._problem_shown(p)]
        for key, label in self.household_problem_labels.items():
            show_problems(label, [p for p in problems if p.field == key and p.member is None])
        show_problems(self.roster_problem, [p for p in problems if p.field == "household.members"])
        index = self.current_index
        for key, label in self.member_problem_labels.items():
            show_problems(label, [p for p in problems if p.field == key and p.member == index])
        for number in range(len(self.members)):
            own = [p for p in problems if p.member == number]
            text = tr("lỗi") if has_errors(own) else tr("cảnh báo") if own else ""
            item = QTableWidgetItem(text)
            item.setToolTip("\n".join(p.message for p in own))
            if own:
                item.setForeground(
                    Qt.GlobalColor.darkRed if has_errors(own) else Qt.GlobalColor.darkYellow
                )
            self.roster.setItem(number, CHECK_COLUMN, item)
        errors = sum(p.is_error for p in problems)
        warnings = len(problems) - errors
        parts = []
        if errors:
            parts.append(tr("{errors} lỗi phải sửa trước khi lưu", errors=errors))
        if warnings:
            parts.append(tr("{warnings} cảnh báo cần xem lại (vẫn lưu được)", warnings=warnings))
        self.summary.setText("; ".join(parts).capitalize() if parts else "")
        self.summary.setProperty("problem", ERROR if errors else "warning")
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
        return every_problem

    def _focus_problem(self, problem: Problem) -> None:
        """Bring the field of a problem into view and put the cursor in it."""
        _, _, key = problem.field.partition(".")
        if problem.member is not None:
            self.tabs.setCurrentIndex(1)
            self.roster.setCurrentCell(problem.member, 1)
            self.member_editors[key].setFocus()
        elif key == "members":
            self.tabs.setCurrentIndex(1)
            self.roster.setFocus()
        else:
            self.tabs.setCurrentIndex(0)
            self.household_editors[key].setFocus()

    # --- saving and leaving ---------------------------------------------------------------

    def pending_changes(self) -> tuple[dict[str, Any], list[tuple[int | None, dict[str, Any]]]]:
        """(household fields to write, roster of (member id, fields to write))."""
        values, _ = self._household_values_now()
        if self.household_id is None:
            changes = values
        else:
            changes = {k: v for k, v in values.items() if not _same(v, self.original.get(k))}
        roster = [
            (member.id, member.values if member.id is None else member.changes())
            for member in self.members
        ]
        return changes, roster

    def is_modified(self) -> bool:
        if self.household_id is None:
            values, _ = self._household_values_now()
            return (
                values != self.original
                or len(self.members) != 1
                or any(v is not None and k != "relation" for k, v in self.members[0].values.items())
                or bool(self.members[0].input_problems)
            )
        changes, roster = self.pending_changes()
        return bool(changes or self.removed or any(fields for _, fields in roster)) or any(
            member.input_problems for member in self.members
        )

    def save(self) -> bool:
        """Save when nothing blocks it; True when saved (the dialog then closes)."""
        self.all_problems_shown = True
        problems = self._refresh_problems()
        errors = [p for p in problems if p.is_error]
        if errors:
            self._focus_problem(errors[0])
            return False
        changes, roster = self.pending_changes()
        try:
            self.household_id = save_household(
                self.cdb, self.household_id, changes, roster, self.removed
            )
        except (DatabaseError, sqlite3.Error) as error:
            show_message(
                self,
                QMessageBox.Icon.Critical,
                tr("Không lưu được"),
                tr("Không lưu được hộ: {error}", error=error),
            )
            return False
        self.accept()
        return True

    def reject(self) -> None:
        """Esc, "Hủy" and closing the window: ask first when something is not saved."""
        if self.is_modified():
            answer = ask_unsaved_changes(self)
            if answer == BACK or (answer == SAVE and not self.save()):
                return
            if answer == SAVE:
                return  # save() closed the dialog
        super().reject()

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Save):
            self.save()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(
            self.focusWidget(), QAbstractButton
        ):
            if self.focusWidget() is self.roster:
                self.member_editors["full_name"].setFocus()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
