"""The register's events in the GUI (docs/register-history.md): a dialog recording one event
of a household or of a member, and the household's events with "Hoàn tác" for one entered by
mistake. Every event is written by ``gnapp.store.events``, as ``gnapp household|member ...``
does; a refusal of the store is shown as it is, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from gnapp.core.household_checks import read_birth_date
from gnapp.core.record import VALUE_LABELS
from gnapp.core.vietnamese import format_date, format_timestamp, local_time
from gnapp.i18n import tr, tr_noop
from gnapp.store import events, register
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.ui.common.household_list import event_text
from gnapp.ui.common.messages import ask_yes_no, show_message
from gnapp.ui.common.qt import (
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    Qt,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import error_label, list_table, selected_row, show_error, wrapped

# What the dialog records, with its title; the household's and the members' events.
TITLES = {
    "moved_in": tr_noop("Hộ chuyển đến xã"),
    "moved_away": tr_noop("Hộ chuyển đi khỏi xã"),
    "split": tr_noop("Tách hộ"),
    "merge": tr_noop("Nhập hộ vào hộ khác"),
    "ended": tr_noop("Hộ không còn"),
    "born": tr_noop("Sinh"),
    "joined": tr_noop("Nhập khẩu vào hộ"),
    "died": tr_noop("Thành viên qua đời"),
    "left": tr_noop("Thành viên rời khỏi hộ"),
}
HOUSEHOLD_EVENTS = ("moved_in", "moved_away", "split", "merge", "ended")
MEMBER_EVENTS = ("born", "joined", "died", "left")
REASON_REQUIRED = ("moved_away", "ended", "left")
JOIN_WAYS = {
    "marriage": tr_noop("Kết hôn"),
    "moved_in": tr_noop("Chuyển đến từ nơi khác"),
    "from_household": tr_noop("Từ hộ khác trong xã"),
}


def _member_box(members: list[dict[str, Any]], name: str) -> QComboBox:
    box = QComboBox(objectName=name)
    for number, member in enumerate(members, 1):
        box.addItem(f"{number}. {member['full_name']}", member["id"])
    return box


def _choice_box(labels: dict[str, str], name: str) -> QComboBox:
    box = QComboBox(objectName=name)
    for value, label in labels.items():
        box.addItem(tr(label), value)
    return box


class EventDialog(QDialog):
    """Record one event (``kind``: one of TITLES) of the household ``household_id`` on a day,
    with its reason and what else it needs: the members split off and the new household's
    code, the household merged into, the new member, the member who died or left."""

    def __init__(
        self,
        cdb: CommuneDatabase,
        household_id: int,
        kind: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.household_id = household_id
        self.kind = kind
        self.code = register.household_code(cdb.db, household_id)
        self.members = register.members_of(cdb.db, household_id)
        self.setWindowTitle(tr("{title} — hộ {code}", title=tr(TITLES[kind]), code=self.code))
        self.form = QFormLayout()
        today = local_time(cdb.now()).date()
        self.day = QDateEdit(objectName="day", calendarPopup=True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setMaximumDate(QDate(today))
        self.day.setDate(QDate(today))
        self.form.addRow(tr("&Ngày xảy ra:"), self.day)
        self.inputs: list[QWidget] = [self.day]
        {
            "split": self._split_rows,
            "merge": self._merge_rows,
            "born": self._person_rows,
            "joined": self._join_rows,
            "died": self._member_row,
            "left": self._member_row,
        }.get(kind, lambda: None)()
        self.reason = QLineEdit(objectName="reason")
        required = kind in REASON_REQUIRED
        self.reason.setPlaceholderText(tr("bắt buộc") if required else tr("không bắt buộc"))
        if kind != "born":
            self._add(tr("&Lý do:"), self.reason)
        self.error = error_label()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(
            tr("&Ghi sự kiện"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("ok")
        self.cancel_button = buttons.addButton(tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        for before, after in zip(
            [*self.inputs, self.ok_button],
            [*self.inputs[1:], self.ok_button, self.cancel_button],
            strict=True,
        ):
            QWidget.setTabOrder(before, after)
        self._initial = self._typed()
        self.setMinimumWidth(520)

    def _add(self, label: str, widget: QWidget) -> None:
        self.form.addRow(label, widget)
        self.inputs.append(widget)

    # --- what each event asks ------------------------------------------------------------

    def _member_row(self) -> None:
        self.member = _member_box(self.members, "member")
        self._add(tr("&Thành viên:"), self.member)

    def _split_rows(self) -> None:
        self.moving = QListWidget(objectName="moving")
        for number, member in enumerate(self.members, 1):
            item = QListWidgetItem(f"{number}. {member['full_name']}")
            item.setData(Qt.ItemDataRole.UserRole, member["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.moving.addItem(item)
        self.moving.setMaximumHeight(180)
        self.moving.itemChanged.connect(lambda _: self._fill_heads())
        self._add(tr("Thành viên &tách ra (Space để chọn):"), self.moving)
        self.new_head = QComboBox(objectName="new_head")
        self._add(tr("C&hủ hộ mới:"), self.new_head)
        self.new_code = QLineEdit(objectName="new_code")
        self._add(tr("&Mã hộ mới:"), self.new_code)

    def _checked(self) -> list[int]:
        items = (self.moving.item(row) for row in range(self.moving.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def _fill_heads(self) -> None:
        chosen = self.new_head.currentData()
        self.new_head.clear()
        for member in self.members:
            if member["id"] in self._checked():
                self.new_head.addItem(member["full_name"], member["id"])
        self.new_head.setCurrentIndex(max(self.new_head.findData(chosen), 0))

    def _merge_rows(self) -> None:
        self.into = QLineEdit(objectName="into")
        self.into.setPlaceholderText(tr("mã hộ, ví dụ HGD-00012"))
        self.into_found = QLabel(objectName="into_found")
        self.into.textChanged.connect(
            lambda text: self.into_found.setText(self._household_text(text))
        )
        self._add(tr("&Nhập vào hộ:"), self.into)
        self.form.addRow("", self.into_found)

    def _household_text(self, code: str) -> str:
        found = register.household_id_by_code(self.cdb.db, code.strip()) if code.strip() else None
        if found is None:
            return tr("Không có hộ mã này trong sổ.") if code.strip() else ""
        head = register.members_of(self.cdb.db, found)
        return tr("Chủ hộ: {head}", head=head[0]["full_name"] if head else "—")

    def _person_rows(self) -> None:
        self.person_rows: list[QWidget] = []
        self.name = QLineEdit(objectName="name")
        self.sex = _choice_box(VALUE_LABELS["member.sex"], "sex")
        self.relation = _choice_box(VALUE_LABELS["member.relation"], "relation")
        default = "child" if self.kind == "born" else "other"
        self.relation.setCurrentIndex(self.relation.findData(default))
        self.birth_date = QLineEdit(objectName="birth_date")
        self.birth_date.setPlaceholderText(
            tr("như ngày xảy ra") if self.kind == "born" else tr("ngày/tháng/năm hoặc năm")
        )
        for label, widget in (
            (tr("&Họ và tên:"), self.name),
            (tr("&Giới tính:"), self.sex),
            (tr("&Quan hệ với chủ hộ:"), self.relation),
            (tr("Ngày &sinh:"), self.birth_date),
        ):
            self._add(label, widget)
            self.person_rows.append(widget)

    def _join_rows(self) -> None:
        self.how = _choice_box(JOIN_WAYS, "how")
        self._add(tr("&Cách nhập khẩu:"), self.how)
        self._person_rows()
        self.source = QLineEdit(objectName="source")
        self.source.setPlaceholderText(tr("mã hộ cũ trong xã"))
        self._add(tr("Từ &hộ:"), self.source)
        self.source_member = QComboBox(objectName="source_member")
        self._add(tr("&Người chuyển sang:"), self.source_member)
        self.source.textChanged.connect(self._fill_source_members)
        self.how.currentIndexChanged.connect(lambda _: self._show_join_rows())
        self._show_join_rows()

    def _fill_source_members(self, code: str) -> None:
        self.source_member.clear()
        found = register.household_id_by_code(self.cdb.db, code.strip()) if code.strip() else None
        if found is not None and found != self.household_id:
            for number, member in enumerate(register.members_of(self.cdb.db, found), 1):
                self.source_member.addItem(f"{number}. {member['full_name']}", member["id"])

    def _show_join_rows(self) -> None:
        moving = self.how.currentData() == "from_household"
        for widget in (*self.person_rows, self.source, self.source_member):
            shown = moving == (widget in (self.source, self.source_member)) or (
                widget is self.relation
            )
            widget.setVisible(shown)
            label = self.form.labelForField(widget)
            if label is not None:
                label.setVisible(shown)

    # --- recording ------------------------------------------------------------------------

    def _typed(self) -> tuple[Any, ...]:
        texts = [w.text() for w in self.inputs if isinstance(w, QLineEdit)]
        boxes = [w.currentIndex() for w in self.inputs if isinstance(w, QComboBox)]
        checked = self._checked() if self.kind == "split" else []
        return (self.day.date(), *texts, *boxes, *checked)

    def is_modified(self) -> bool:
        return self._typed() != self._initial

    def _person(self) -> dict[str, Any]:
        name = self.name.text().strip()
        if not name:
            raise DatabaseError(tr("Cần ghi họ và tên của người mới."))
        person: dict[str, Any] = {
            "full_name": name,
            "sex": self.sex.currentData(),
            "relation": self.relation.currentData(),
        }
        try:
            born = read_birth_date(self.birth_date.text())
        except ValueError as error:
            raise DatabaseError(tr("Ngày sinh: {error}", error=error)) from error
        if born:
            person["birth_date"] = born
        return person

    def _write(self) -> None:
        cdb, household, day = self.cdb, self.household_id, self.day.date().toPython()
        reason = self.reason.text()
        if self.kind == "moved_in":
            events.record_moved_in(cdb, household, day, reason)
        elif self.kind == "moved_away":
            events.record_moved_away(cdb, household, day, reason)
        elif self.kind == "ended":
            events.record_ended(cdb, household, day, reason)
        elif self.kind == "split":
            head = self.new_head.currentData()
            events.split_household(cdb, household, self._checked(), day,
                                   code=self.new_code.text(), head_member_id=head,
                                   reason=reason)  # fmt: skip
        elif self.kind == "merge":
            into = register.household_id_by_code(cdb.db, self.into.text().strip())
            if into is None:
                raise DatabaseError(tr("Chọn hộ nhận nhập vào: ghi mã hộ có trong sổ."))
            events.merge_households(cdb, household, into, day, reason)
        elif self.kind == "born":
            events.record_birth(cdb, household, day, self._person())
        elif self.kind == "joined" and self.how.currentData() == "from_household":
            if self.source_member.currentData() is None:
                raise DatabaseError(tr("Chọn hộ cũ trong xã và người chuyển sang."))
            events.record_joined(cdb, household, day, "from_household",
                                 member={"relation": self.relation.currentData()},
                                 from_member_id=self.source_member.currentData(),
                                 reason=reason)  # fmt: skip
        elif self.kind == "joined":
            events.record_joined(cdb, household, day, self.how.currentData(),
                                 member=self._person(), reason=reason)  # fmt: skip
        elif self.kind == "died":
            events.record_death(cdb, self.member.currentData(), day, reason)
        else:
            events.record_left(cdb, self.member.currentData(), day, reason)

    def record(self) -> bool:
        """Write the event; a refusal is shown in the dialog, which stays open as typed."""
        try:
            self._write()
        except DatabaseError as error:
            show_error(self.error, str(error))
            return False
        self.accept()
        return True

    def reject(self) -> None:
        """Esc, "Hủy" and closing the window: ask before discarding what was typed."""
        if self.is_modified() and not ask_yes_no(
            self,
            tr("Bỏ sự kiện đang nhập?"),
            tr("Những gì đã nhập cho sự kiện này sẽ không được ghi."),
            tr("Bỏ"),
        ):
            return
        super().reject()


class HouseholdEventsPanel(QWidget):
    """The household's events, oldest first (undone ones marked), with the menus recording a
    household's or a member's event and "Hoàn tác" for one entered by mistake. ``blocked``
    says why no event may be recorded now (e.g. the household form has unsaved changes)."""

    changed = Signal()

    def __init__(
        self,
        cdb: CommuneDatabase,
        household_id: int,
        blocked: Callable[[], str | None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.household_id = household_id
        self.blocked = blocked
        self.table = list_table(
            [tr("Số"), tr("Ngày"), tr("Sự kiện"), tr("Thành viên"), tr("Lý do"),
             tr("Người ghi"), tr("Hoàn tác")],
            "events",
        )  # fmt: skip
        self.empty = wrapped(tr("Hộ chưa có sự kiện nào."), "no_events")
        self.household_button = QPushButton(
            tr("&Ghi sự kiện của hộ"), objectName="household_events"
        )
        self.member_button = QPushButton(
            tr("Ghi sự kiện của thành &viên"), objectName="member_events"
        )
        for button, kinds in (
            (self.household_button, HOUSEHOLD_EVENTS),
            (self.member_button, MEMBER_EVENTS),
        ):
            menu = QMenu(button)
            for kind in kinds:
                action = menu.addAction(tr(TITLES[kind]) + "…")
                action.triggered.connect(lambda _=False, kind=kind: self.record(kind))
            button.setMenu(menu)
            button.setAutoDefault(False)
        self.undo_button = QPushButton(tr("Hoàn tá&c sự kiện đã chọn"), objectName="undo")
        self.undo_button.setAutoDefault(False)
        self.undo_button.clicked.connect(self.undo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.household_button)
        buttons.addWidget(self.member_button)
        buttons.addStretch()
        buttons.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addStretch()
        self.refresh()

    def refresh(self) -> None:
        self.events = events.events_of_household(self.cdb.db, self.household_id, with_undone=True)
        self.table.setRowCount(len(self.events))
        for row, event in enumerate(self.events):
            undone = (
                tr("đã hoàn tác ({who}, {when})", who=event.undone_by,
                   when=format_timestamp(event.undone_at))
                if event.undone_at else ""
            )  # fmt: skip
            cells = (
                str(event.id),
                format_date(date.fromisoformat(event.event_date)),
                event_text(event),
                event.member_name or "",
                event.reason or "",
                f"{event.recorded_by} ({format_timestamp(event.recorded_at)})",
                undone,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.events:
            self.table.selectRow(len(self.events) - 1)
        self.table.setVisible(bool(self.events))
        self.empty.setVisible(not self.events)
        self.undo_button.setEnabled(any(not e.undone_at for e in self.events))

    def record(self, kind: str) -> bool:
        """Open the dialog recording ``kind``; True when an event was recorded."""
        reason = self.blocked()
        if reason:
            show_message(self, QMessageBox.Icon.Information, tr("Chưa ghi được sự kiện"), reason)
            return False
        if (
            EventDialog(self.cdb, self.household_id, kind, self).exec()
            != QDialog.DialogCode.Accepted
        ):
            return False
        self.refresh()
        self.changed.emit()
        return True

    def undo(self) -> bool:
        """Undo the event chosen (after asking); the store's refusal is shown as it is."""
        row = selected_row(self.table)
        if row is None:
            return False
        chosen = self.events[row]
        title = tr("Hoàn tác sự kiện")
        question = tr(
            "Hoàn tác sự kiện số {number} ({event}, ngày {date})? Sổ hộ trở lại như trước khi "
            "ghi sự kiện này.",
            number=chosen.id,
            event=event_text(chosen),
            date=format_date(date.fromisoformat(chosen.event_date)),
        )
        if not ask_yes_no(self, title, question, tr("Hoàn tác")):
            return False
        try:
            events.undo_event(self.cdb, chosen.id)
        except DatabaseError as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Không hoàn tác được"), str(error))
            return False
        self.refresh()
        self.changed.emit()
        return True


class HouseholdEventsDialog(QDialog):
    """The household's events from the register list (``changed``: whether one was recorded
    or undone)."""

    def __init__(self, cdb: CommuneDatabase, household_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.changed = False
        code = register.household_code(cdb.db, household_id)
        self.setWindowTitle(tr("Sự kiện của hộ {code}", code=code))
        self.panel = HouseholdEventsPanel(cdb, household_id, parent=self)
        self.panel.changed.connect(lambda: setattr(self, "changed", True))
        close = QDialogButtonBox()
        close.addButton(tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(close)
        self.resize(1000, 480)
