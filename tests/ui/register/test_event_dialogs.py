"""The register's events in the GUI: each dialog's happy path and a refusal of the store, the
question before discarding what was typed, the household's events with "Hoàn tác", the
household form's tab and the departed households in the register list."""

from __future__ import annotations

import pytest

from gnapp.store import events, register
from gnapp.ui.common.qt import QDate, QDialog, Qt
from gnapp.ui.register import event_dialogs, household_dialog
from gnapp.ui.register.event_dialogs import EventDialog, HouseholdEventsPanel

DAY = QDate(2026, 3, 5)


@pytest.fixture(autouse=True)
def no_modal(monkeypatch):
    """Message boxes answered by the test: show_message records what it was told."""
    shown: list[str] = []
    monkeypatch.setattr(event_dialogs, "show_message", lambda parent, icon, title, text:
                        shown.append(text))  # fmt: skip
    monkeypatch.setattr(event_dialogs, "ask_yes_no", lambda *args: True)
    return shown


def family(cdb, size=4, other_than=None):
    """A household present now with ``size`` members or more, and no event yet."""
    return cdb.db.execute(
        "SELECT id FROM households WHERE member_count >= ? AND present_until IS NULL "
        "AND id NOT IN (SELECT household_id FROM register_events) AND id IS NOT ? ORDER BY id",
        [size, other_than],
    ).fetchone()[0]


def presence(cdb, household_id):
    row = cdb.db["households"].get(household_id)
    return row["present_from"], row["present_until"]


def open_dialog(qtbot, cdb, household_id, kind):
    dialog = EventDialog(cdb, household_id, kind)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.day.setDate(DAY)
    return dialog


def kinds_of(cdb, household_id):
    return [e.kind for e in events.events_of_household(cdb.db, household_id)]


def test_move_away_with_its_reason(qtbot, demo_db):
    household = family(demo_db)
    dialog = open_dialog(qtbot, demo_db, household, "moved_away")
    dialog.reason.setText("Đi làm ăn xa")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert presence(demo_db, household)[1] == "2026-03-05"
    assert events.events_of_household(demo_db.db, household)[0].reason == "Đi làm ăn xa"


def test_move_away_without_reason_is_refused_and_nothing_written(qtbot, demo_db):
    household = family(demo_db)
    dialog = open_dialog(qtbot, demo_db, household, "moved_away")
    assert not dialog.record()
    assert dialog.error.isVisible() and "lý do" in dialog.error.text()
    assert kinds_of(demo_db, household) == []


def test_end_of_a_household(qtbot, demo_db):
    household = family(demo_db, 1)
    dialog = open_dialog(qtbot, demo_db, household, "ended")
    dialog.reason.setText("Chủ hộ sống một mình đã mất")
    assert dialog.record()
    assert kinds_of(demo_db, household) == ["ended"]


def test_move_in_of_a_new_household_and_refused_for_one_with_events(qtbot, demo_db):
    village = register.villages(demo_db.db)[0]["id"]
    new = register.add_household(
        demo_db,
        {"code": "HGD-70001", "village_id": village},
        [{"full_name": "Trần Văn Tới", "sex": "male", "birth_date": "1980", "relation": "head"}],
    )
    dialog = open_dialog(qtbot, demo_db, new, "moved_in")
    dialog.reason.setText("Từ xã Tịnh Hà chuyển đến")
    assert dialog.record()
    assert presence(demo_db, new)[0] == "2026-03-05"
    again = open_dialog(qtbot, demo_db, new, "moved_in")
    assert not again.record()
    assert "đã có sự kiện" in again.error.text()


def test_split_chosen_members_into_a_new_household(qtbot, demo_db):
    household = family(demo_db)
    dialog = open_dialog(qtbot, demo_db, household, "split")
    moving = dialog.members[-1]
    dialog.moving.item(len(dialog.members) - 1).setCheckState(Qt.CheckState.Checked)
    assert dialog.new_head.currentData() == moving["id"]
    dialog.new_code.setText("HGD-70002")
    assert dialog.record()
    new = register.household_id_by_code(demo_db.db, "HGD-70002")
    assert [m["id"] for m in register.members_of(demo_db.db, new)] == [moving["id"]]
    assert register.members_of(demo_db.db, new)[0]["relation"] == "head"


def test_split_with_a_code_in_use_is_refused(qtbot, demo_db):
    household = family(demo_db)
    dialog = open_dialog(qtbot, demo_db, household, "split")
    dialog.moving.item(1).setCheckState(Qt.CheckState.Checked)
    dialog.new_code.setText(register.household_code(demo_db.db, household))
    assert not dialog.record()
    assert "đã có trong sổ" in dialog.error.text()
    assert kinds_of(demo_db, household) == []


def test_merge_into_a_household_typed_by_code_and_an_unknown_code_refused(qtbot, demo_db):
    household = family(demo_db, 1)
    into = family(demo_db, 3, other_than=household)
    dialog = open_dialog(qtbot, demo_db, household, "merge")
    dialog.into.setText("HGD-99999")
    assert dialog.into_found.text() == "Không có hộ mã này trong sổ."
    assert not dialog.record() and "mã hộ" in dialog.error.text()
    dialog.into.setText(register.household_code(demo_db.db, into))
    assert dialog.into_found.text().startswith("Chủ hộ: ")
    assert dialog.record()
    assert kinds_of(demo_db, household) == ["merged_into"]
    assert kinds_of(demo_db, into) == ["merged_in"]


def test_birth_needs_a_name_then_adds_the_child(qtbot, demo_db):
    household = family(demo_db)
    dialog = open_dialog(qtbot, demo_db, household, "born")
    assert not dialog.record() and "họ và tên" in dialog.error.text()
    dialog.name.setText("Nguyễn Bảo Na")
    dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
    assert dialog.record()
    child = register.members_of(demo_db.db, household)[-1]
    assert (child["full_name"], child["birth_date"], child["relation"]) == (
        "Nguyễn Bảo Na",
        "2026-03-05",
        "child",
    )


def test_joining_by_marriage_and_from_another_household(qtbot, demo_db):
    household = family(demo_db)
    dialog = open_dialog(qtbot, demo_db, household, "joined")
    dialog.name.setText("Trần Thị Hoa")
    dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
    dialog.birth_date.setText("12/04/1999")
    dialog.relation.setCurrentIndex(dialog.relation.findData("child_in_law"))
    assert dialog.record()
    assert register.members_of(demo_db.db, household)[-1]["birth_date"] == "1999-04-12"

    source = family(demo_db, 3, other_than=household)
    moving = register.members_of(demo_db.db, source)[-1]
    dialog = open_dialog(qtbot, demo_db, household, "joined")
    dialog.how.setCurrentIndex(dialog.how.findData("from_household"))
    assert dialog.source.isVisible() and not dialog.name.isVisible()
    assert not dialog.record() and "người chuyển sang" in dialog.error.text()
    dialog.source.setText(register.household_code(demo_db.db, source))
    dialog.source_member.setCurrentIndex(dialog.source_member.findData(moving["id"]))
    assert dialog.record()
    assert register.members_of(demo_db.db, household)[-1]["id"] == moving["id"]
    assert kinds_of(demo_db, source) == ["left"]


def test_death_and_leaving_of_a_member(qtbot, demo_db):
    household = family(demo_db)
    members = register.members_of(demo_db.db, household)
    dialog = open_dialog(qtbot, demo_db, household, "died")
    dialog.member.setCurrentIndex(dialog.member.findData(members[-1]["id"]))
    assert dialog.record()
    leaving = open_dialog(qtbot, demo_db, household, "left")
    leaving.member.setCurrentIndex(leaving.member.findData(members[-2]["id"]))
    assert not leaving.record() and "lý do" in leaving.error.text()
    leaving.reason.setText("Lấy chồng ở tỉnh khác")
    assert leaving.record()
    assert kinds_of(demo_db, household) == ["died", "left"]
    assert len(register.members_of(demo_db.db, household)) == len(members) - 2


def test_an_event_before_one_recorded_is_refused(qtbot, demo_db):
    household = family(demo_db)
    dialog = open_dialog(qtbot, demo_db, household, "moved_away")
    dialog.reason.setText("Đi làm ăn xa")
    assert dialog.record()
    earlier = open_dialog(qtbot, demo_db, household, "born")
    earlier.day.setDate(QDate(2026, 1, 10))
    earlier.name.setText("Bé Na")
    assert not earlier.record()
    assert "theo thứ tự ngày xảy ra" in earlier.error.text()
    assert len(register.members_of(demo_db.db, household)) == len(dialog.members)


def test_asks_before_discarding_what_was_typed(qtbot, demo_db, monkeypatch):
    asked = []
    monkeypatch.setattr(event_dialogs, "ask_yes_no", lambda *args: asked.append(args) or False)
    dialog = open_dialog(qtbot, demo_db, family(demo_db), "moved_away")
    dialog.reject()
    assert asked and dialog.isVisible()  # the date changed: it asks, "Hủy" keeps the dialog
    untouched = EventDialog(demo_db, family(demo_db), "moved_away")
    qtbot.addWidget(untouched)
    untouched.show()
    asked.clear()
    untouched.reject()
    assert not asked and not untouched.isVisible()


def test_tab_follows_the_fields_in_visual_order(qtbot, demo_db):
    dialog = open_dialog(qtbot, demo_db, family(demo_db), "split")
    fields = [dialog.day, dialog.moving, dialog.new_head, dialog.new_code, dialog.reason,
              dialog.ok_button, dialog.cancel_button]  # fmt: skip
    order, widget = [], dialog.day
    for _ in range(60):  # the chain also passes through the fields' inner widgets
        if widget in fields and widget not in order:
            order.append(widget)
        widget = widget.nextInFocusChain()
    assert order == fields


def test_every_dialog_fits_a_small_screen(qtbot, demo_db):
    household = family(demo_db)
    for kind in event_dialogs.TITLES:
        dialog = open_dialog(qtbot, demo_db, household, kind)
        hint = dialog.sizeHint()
        assert hint.width() <= 1366 and hint.height() <= 690, kind


def test_panel_lists_events_and_undoes_one_or_shows_the_refusal(qtbot, demo_db, no_modal):
    household = family(demo_db)
    members = register.members_of(demo_db.db, household)
    panel = HouseholdEventsPanel(demo_db, household)
    qtbot.addWidget(panel)
    assert panel.empty.isVisibleTo(panel) and not panel.undo_button.isEnabled()
    events.record_death(demo_db, members[-1]["id"], "2026-02-01")
    events.record_left(demo_db, members[-2]["id"], "2026-02-03", "Đi làm ăn xa")
    panel.refresh()
    assert panel.table.rowCount() == 2
    panel.table.selectRow(0)  # the death: the leaving recorded after it depends on it
    assert not panel.undo()
    assert no_modal and "Không thể hoàn tác" in no_modal[-1]
    panel.table.selectRow(1)
    with qtbot.waitSignal(panel.changed):
        assert panel.undo()
    assert panel.table.item(1, 6).text().startswith("đã hoàn tác")
    assert kinds_of(demo_db, household) == ["died"]


def test_household_form_has_the_events_tab_and_blocks_it_while_edited(
    qtbot, demo_db, monkeypatch, no_modal
):
    monkeypatch.setattr(household_dialog, "ask_unsaved_changes", lambda parent: "discard")
    household = family(demo_db)
    form = household_dialog.HouseholdDialog(demo_db, household)
    qtbot.addWidget(form)
    panel = form.events_panel
    monkeypatch.setattr(event_dialogs.EventDialog, "exec", lambda self: pytest.fail())
    form.household_editors["address"].setText("Xóm Mới")
    assert not panel.record("born")
    assert "lưu" in no_modal[-1]
    form.household_editors["address"].setText(form.original["address"] or "")

    def born(self):
        self.name.setText("Bé Mới")
        return QDialog.DialogCode.Accepted if self.record() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(event_dialogs.EventDialog, "exec", born)
    before = len(form.members)
    assert not form.is_modified(), form.pending_changes()
    assert panel.record("born"), no_modal
    assert len(form.members) == before + 1 and form.events_recorded


def test_register_list_shows_when_and_why_a_household_left(qtbot, demo_db):
    from gnapp.ui.common.household_list import STATUS_COLUMN, HouseholdListPage

    household = family(demo_db)
    events.record_moved_away(demo_db, household, "2026-03-05", "Vào Bình Dương làm công nhân")
    page = HouseholdListPage()
    qtbot.addWidget(page)
    page.set_database(demo_db, 2025)
    assert page.model.row_of(household) is None
    page.departed_box.setChecked(True)
    row = page.model.row_of(household)
    index = page.model.index(row, STATUS_COLUMN)
    assert page.model.data(index) == "Đã rời xã (05/03/2026)"
    assert page.model.data(index, Qt.ItemDataRole.ToolTipRole) == (
        "Chuyển đi ngày 05/03/2026: Vào Bình Dương làm công nhân"
    )
