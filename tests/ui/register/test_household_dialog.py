"""The household form on the demo commune: editing, the roster, checks, keys, the guard."""

from __future__ import annotations

import pytest

from gnapp.core.vietnamese import make_citizen_id
from gnapp.store.changelog import changes_of_household
from gnapp.store.household_history import column_label, history_rows, value_text
from gnapp.ui.common.qt import QApplication, QDialog, Qt
from gnapp.ui.register import household_dialog
from gnapp.ui.register.household_dialog import HouseholdDialog


def family_id(cdb, size=4):
    """A demo household with at least ``size`` members, a spouse and a child."""
    return cdb.db.execute(
        "SELECT household_id FROM members GROUP BY household_id HAVING count(*) >= ? "
        "AND sum(relation = 'spouse') = 1 AND sum(relation = 'child') >= 1 ORDER BY household_id",
        [size],
    ).fetchone()[0]


@pytest.fixture(autouse=True)
def never_block(monkeypatch):
    """A form left with changes asks on closing: answer "Không lưu" unless a test says else."""
    monkeypatch.setattr(household_dialog, "ask_unsaved_changes", lambda parent: "discard")
    monkeypatch.setattr(household_dialog, "show_message", pytest.fail)


@pytest.fixture
def dialog(qtbot, demo_db):
    form = HouseholdDialog(demo_db, family_id(demo_db))
    qtbot.addWidget(form)
    form.show()
    return form


def select(form, relation):
    index = next(i for i, m in enumerate(form.members) if m.values["relation"] == relation)
    form.roster.setCurrentCell(index, 1)
    return index


def problem_text(form, key):
    labels = {**form.household_problem_labels, **form.member_problem_labels}
    label = labels[key]
    return "" if label.isHidden() else label.text()


def test_edit_insurance_and_floor_area_then_save(qtbot, dialog, demo_db):
    household_id = dialog.household_id
    index = select(dialog, "child")
    member_id = dialog.members[index].id
    before = demo_db.db["members"].get(member_id)["has_health_insurance"]
    dialog.member_editors["has_health_insurance"].set_value(not before)
    area = dialog.household_editors["floor_area_m2"]
    area.setFocus()
    area.selectAll()
    area.setText("41,5")
    assert dialog.is_modified()
    assert dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert demo_db.db["households"].get(household_id)["floor_area_m2"] == 41.5
    assert demo_db.db["members"].get(member_id)["has_health_insurance"] == int(not before)
    mine = [c for c in changes_of_household(demo_db.db, household_id) if c.actor == "Cán bộ thử"]
    assert {(c.table_name, *c.new_values) for c in mine} == {
        ("households", "floor_area_m2"),
        ("members", "has_health_insurance"),
    }
    rows = history_rows(demo_db.db, household_id)
    texts = {(r.actor, r.what, r.new) for r in rows[:2]}
    name = demo_db.db["members"].get(member_id)["full_name"]
    assert ("Cán bộ thử", "Hộ: Diện tích nhà ở (m²)", "41,5 m²") in texts
    assert ("Cán bộ thử", f"Thành viên {name}: Có thẻ bảo hiểm y tế",
            "không" if before else "có") in texts  # fmt: skip


def test_history_tab_shows_words_not_json(qtbot, demo_db):
    household_id = family_id(demo_db)
    code = demo_db.db["households"].get(household_id)["code"]
    form = HouseholdDialog(demo_db, household_id)
    qtbot.addWidget(form)
    form.household_editors["latrine"].set_value("septic")
    form.household_editors["information_devices"].set_value(["tv", "radio"])
    assert form.save()
    again = HouseholdDialog(demo_db, household_id)
    qtbot.addWidget(again)
    table = again.history_table
    cells = {table.item(row, 2).text(): table.item(row, 4).text() for row in range(2)}
    assert cells["Hộ: Loại nhà tiêu"] == "tự hoại"
    assert cells["Hộ: Phương tiện tiếp cận thông tin hộ có"] == "ti vi, đài (radio)"
    assert again.windowTitle().startswith(f"Hộ {code}")
    assert again.status_table.rowCount() == len(
        list(demo_db.db.query("SELECT 1 FROM household_status WHERE household_id = ?",
                              [household_id]))
    )  # fmt: skip


def test_history_names_the_activities_and_policies_a_household_received(qtbot, demo_db):
    from gnapp.store.activities import add_policy_benefit

    household_id = family_id(demo_db)
    activity = demo_db.db.execute("SELECT id, name FROM activities LIMIT 1").fetchone()
    demo_db.db.execute("DELETE FROM beneficiaries WHERE household_id = ?", [household_id])
    with demo_db.transaction() as db:
        db["beneficiaries"].insert({"activity_id": activity[0], "household_id": household_id,
                                    "amount": 1500000})  # fmt: skip
    add_policy_benefit(demo_db, 2025, "health_insurance", household_id, amount=750000)
    form = HouseholdDialog(demo_db, household_id)
    qtbot.addWidget(form)
    table = form.history_table
    shown = {table.item(row, 2).text() for row in range(table.rowCount())}
    assert f"Thêm: thụ hưởng hoạt động {activity[1]}" in shown
    assert "Thêm: chính sách năm 2025: Hỗ trợ thẻ bảo hiểm y tế" in shown
    with demo_db.transaction() as db:
        db.execute("UPDATE policy_benefits SET amount = 800000 WHERE household_id = ?",
                   [household_id])  # fmt: skip
    rows = history_rows(demo_db.db, household_id)
    assert (rows[0].what, rows[0].old, rows[0].new) == (
        "Chính sách năm 2025: Hỗ trợ thẻ bảo hiểm y tế: Số tiền (đồng)",
        "750.000",
        "800.000",
    )


def test_add_remove_and_change_head(qtbot, dialog, demo_db, monkeypatch):
    household_id = dialog.household_id
    old = {m.values["relation"]: m for m in dialog.members}
    removed = next(m for m in dialog.members if m.values["relation"] == "child")
    dialog.roster.setCurrentCell(dialog.members.index(removed), 1)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    editors = dialog.member_editors
    editors["full_name"].setText("Đinh Thị Mới")
    editors["relation"].set_value("grandchild")
    editors["sex"].set_value("female")
    qtbot.keyClicks(editors["birth_date"], "01/06/2024")
    asked = []
    monkeypatch.setattr(
        household_dialog,
        "ask_former_head_relation",
        lambda parent, name, suggested: asked.append((name, suggested)) or suggested,
    )
    select(dialog, "spouse")
    qtbot.mouseClick(dialog.head_button, Qt.MouseButton.LeftButton)
    assert asked == [(old["head"].values["full_name"], "spouse")]
    assert dialog.save()
    rows = list(demo_db.db.query(
        "SELECT id, full_name, relation FROM members WHERE household_id = ? ORDER BY position",
        [household_id],
    ))  # fmt: skip
    by_id = {row["id"]: row for row in rows}
    assert removed.id not in by_id
    assert by_id[old["spouse"].id]["relation"] == "head"
    assert by_id[old["head"].id]["relation"] == "spouse"
    assert rows[-1]["full_name"] == "Đinh Thị Mới" and rows[-1]["relation"] == "grandchild"
    household = demo_db.db["households"].get(household_id)
    assert household["head_name"] == old["spouse"].values["full_name"]


def test_errors_show_next_to_their_field_and_block_saving(dialog, demo_db):
    household_id = dialog.household_id
    index = select(dialog, "child")
    editors = dialog.member_editors
    editors["citizen_id"].setText("123")
    assert "12 chữ số" in problem_text(dialog, "member.citizen_id")
    editors["birth_date"].setText("01/01/2099")
    assert "sau ngày hôm nay" in problem_text(dialog, "member.birth_date")
    editors["relation"].set_value("head")
    assert "đúng một chủ hộ" in dialog.roster_problem.text()
    assert dialog.roster.item(index, household_dialog.CHECK_COLUMN).text() == "lỗi"
    assert not dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.focusWidget() is editors["birth_date"]  # the first error
    logged = "SELECT count(*) FROM change_log WHERE actor = 'Cán bộ thử'"
    assert demo_db.db.execute(logged).fetchone()[0] == 0
    # an unreadable floor area, a taken household code
    area = dialog.household_editors["floor_area_m2"]
    area.setText("nhiều")
    assert "Không đọc được diện tích" in problem_text(dialog, "household.floor_area_m2")
    other = demo_db.db.execute("SELECT code FROM households WHERE id != ?", [household_id])
    dialog.household_editors["code"].setText(other.fetchone()[0])
    assert "đã được dùng" in problem_text(dialog, "household.code")


def test_warnings_show_but_do_not_block(dialog, demo_db):
    household_id = dialog.household_id
    elsewhere = demo_db.db.execute(
        "SELECT m.citizen_id, h.code, m.full_name, m.sex, m.birth_date FROM members m "
        "JOIN households h ON h.id = m.household_id "
        "WHERE m.household_id != ? AND m.citizen_id IS NOT NULL LIMIT 1",
        [household_id],
    ).fetchone()
    citizen_id, code, name, sex, born = elsewhere
    index = select(dialog, "child")
    editors = dialog.member_editors
    editors["sex"].set_value(sex)
    head_born = next(m.values["birth_date"] for m in dialog.members
                     if m.values["relation"] == "head")  # fmt: skip
    editors["birth_date"].setText(head_born[:4])
    editors["citizen_id"].setText(make_citizen_id("051", sex, int(head_born[:4]), 424242))
    assert "thường kém chủ hộ ít nhất 12 tuổi" in problem_text(dialog, "member.birth_date")
    assert dialog.roster.item(index, household_dialog.CHECK_COLUMN).text() == "cảnh báo"
    spouse = select(dialog, "spouse")
    editors["citizen_id"].setText(citizen_id)
    editors["sex"].set_value(sex)
    editors["birth_date"].setText(born)
    assert f"đã có ở hộ {code} (thành viên {name})" in problem_text(dialog, "member.citizen_id")
    assert dialog.members[spouse].values["citizen_id"] == citizen_id
    assert dialog.save()
    assert demo_db.db["members"].get(dialog.members[spouse].id)["citizen_id"] == citizen_id


def test_ctrl_s_saves_and_enter_moves_on(qtbot, dialog, demo_db):
    code = dialog.household_editors["code"]
    code.setFocus()
    qtbot.keyClick(code, Qt.Key.Key_Return)
    assert dialog.focusWidget() is not code
    address = dialog.household_editors["address"]
    address.setFocus()
    address.setText("Xóm Giữa")
    qtbot.keyClick(address, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert demo_db.db["households"].get(dialog.household_id)["address"] == "Xóm Giữa"


@pytest.mark.parametrize(
    ("answer", "closed", "saved"),
    [(household_dialog.BACK, False, False), (household_dialog.DISCARD, True, False),
     (household_dialog.SAVE, True, True)],
)  # fmt: skip
def test_esc_with_unsaved_changes_asks(qtbot, dialog, demo_db, monkeypatch, answer, closed, saved):
    asked = []
    monkeypatch.setattr(
        household_dialog, "ask_unsaved_changes", lambda parent: asked.append(1) or answer
    )
    address = dialog.household_editors["address"]
    address.setText("Xóm Đông")
    qtbot.keyClick(address, Qt.Key.Key_Escape)
    assert asked == [1]
    assert dialog.isVisible() is not closed
    stored = demo_db.db["households"].get(dialog.household_id)["address"]
    assert (stored == "Xóm Đông") is saved


def test_esc_without_changes_closes_without_asking(qtbot, dialog, monkeypatch):
    monkeypatch.setattr(household_dialog, "ask_unsaved_changes", pytest.fail)
    qtbot.keyClick(dialog.household_editors["code"], Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_new_household_end_to_end(qtbot, demo_db):
    form = HouseholdDialog(demo_db, None)
    qtbot.addWidget(form)
    form.show()
    assert form.windowTitle() == "Thêm hộ mới"
    assert not form.is_modified()
    # the next free code in the commune's pattern is suggested; nothing is red before typing
    codes = [code for (code,) in demo_db.db.execute("SELECT code FROM households")]
    following = max(int(code.removeprefix("HGD-")) for code in codes) + 1
    assert form.household_editors["code"].text() == f"HGD-{following:05d}"
    assert form.summary.text() == "" and problem_text(form, "household.village_id") == ""
    assert not form.save()
    assert problem_text(form, "household.village_id") == "Chưa chọn thôn / tổ dân phố"
    form.household_editors["code"].clear()
    assert problem_text(form, "household.code") == "Chưa nhập mã hộ"
    qtbot.keyClicks(form.household_editors["code"], "HGD-99999")
    form.household_editors["village_id"].setCurrentIndex(1)
    form.household_editors["ethnic_minority"].setChecked(True)
    editors = form.member_editors
    editors["full_name"].setText("Hồ Văn Mới")
    editors["sex"].set_value("male")
    qtbot.keyClicks(editors["birth_date"], "1985")
    qtbot.keyClicks(editors["citizen_id"], make_citizen_id("051", "male", 1985, 777))
    form.add_member()
    editors["full_name"].setText("Hồ Thị Con")
    editors["sex"].set_value("female")
    editors["relation"].set_value("child")
    qtbot.keyClicks(editors["birth_date"], "3/4/2015")
    assert form.is_modified()
    assert form.save(), [p.message for p in form.problems()]
    household = demo_db.db["households"].get(form.household_id)
    assert household["code"] == "HGD-99999" and household["head_name"] == "Hồ Văn Mới"
    assert household["ethnic_minority"] == 1
    members = list(demo_db.db.query(
        "SELECT full_name, birth_date, relation FROM members WHERE household_id = ? "
        "ORDER BY position", [form.household_id]))  # fmt: skip
    assert members == [
        {"full_name": "Hồ Văn Mới", "birth_date": "1985", "relation": "head"},
        {"full_name": "Hồ Thị Con", "birth_date": "2015-04-03", "relation": "child"},
    ]


def _places(form) -> dict[str, tuple[int, int]]:
    """Where each field stands in the window, once the layouts have settled."""
    for _ in range(3):
        QApplication.processEvents()
    return {
        key: (editor.mapTo(form, editor.rect().topLeft()).x(),
              editor.mapTo(form, editor.rect().topLeft()).y())
        for key, editor in {**form.member_editors, **form.household_editors}.items()
    }  # fmt: skip


def test_a_field_shows_its_error_once_left_and_nothing_moves(qtbot, demo_db):
    form = HouseholdDialog(demo_db, None)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    form.tabs.setCurrentIndex(1)
    editors = form.member_editors
    before = _places(form)
    editors["birth_date"].setFocus()
    qtbot.keyClicks(editors["birth_date"], "31/02/1994")
    assert problem_text(form, "member.birth_date") == ""  # still typing: not yet
    editors["ethnicity"].setFocus()  # leaves the field
    qtbot.waitUntil(lambda: problem_text(form, "member.birth_date") != "")
    assert "31/02/1994" in editors["birth_date"].text()
    assert problem_text(form, "member.full_name") == ""  # not left yet
    assert _places(form) == before
    assert not form.save()  # every problem shows now, and still nothing moves
    assert problem_text(form, "member.full_name") != ""
    assert _places(form) == before
    editors["birth_date"].setText("1994")
    assert problem_text(form, "member.birth_date") == ""
    assert _places(form) == before


def test_labels_and_values_in_words():
    assert column_label("households", "code") == "Mã hộ"
    assert column_label("households", "ethnic_minority") == "Hộ dân tộc thiểu số"
    assert column_label("members", "birth_date") == "Ngày sinh"
    assert value_text("households", "walls_durable", 0) == "không"
    assert value_text("households", "village_id", 3, {3: "Thôn Đông"}) == "Thôn Đông"
    assert value_text("members", "relation", "spouse") == "vợ, chồng"
    assert value_text("household_status", "movement", "escaped_poverty") == (
        "thoát nghèo, vượt chuẩn cận nghèo"
    )
    assert value_text("households", "causes_of_poverty", "[]") == "(không có)"
    assert value_text("members", "citizen_id", None) == "(trống)"
