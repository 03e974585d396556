"""The questionnaire wizard (gnapp.ui.review_wizard) on the demo commune."""

import pytest
from PySide6.QtTest import QTest

from gnapp.review import workflow
from gnapp.review.questionnaire import start_answers
from gnapp.store.users import User
from gnapp.ui.qt import QComboBox, QLineEdit, Qt
from gnapp.ui.review_wizard import QuestionnaireWizard

CLERK = User(3, "canbo", "Nguyễn Thị Cán", ("clerk",), True)


@pytest.fixture
def round_household(demo_db):
    """A 2026 round with its list built, and a listed household of four members."""
    round_id = workflow.open_round(demo_db, 2026)
    workflow.build_list(demo_db, round_id)
    household_id = demo_db.db.execute(
        """SELECT e.household_id FROM review_entries e JOIN members m
           ON m.household_id = e.household_id WHERE e.round_id = ?
           GROUP BY e.household_id HAVING count(*) = 4 ORDER BY e.household_id LIMIT 1""",
        [round_id],
    ).fetchone()[0]
    return demo_db, round_id, household_id


def _wizard(qtbot, cdb, round_id, household_id):
    wizard = QuestionnaireWizard(cdb, round_id, household_id, CLERK)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    return wizard


def _row(wizard, key, member=None):
    return next(
        row
        for view in wizard.views
        for row in view.rows
        if row.question.key == key and row.member == member
    )


def test_pages_follow_the_definition_and_roster(qtbot, round_household):
    wizard = _wizard(qtbot, *round_household)
    titles = [wizard.page_list.item(i).text() for i in range(wizard.page_list.count())]
    assert titles[0].startswith("1. Thông tin chung")
    assert sum("Thành viên" in title for title in titles) == 4
    assert any("Nhà ở" in t for t in titles) and any("Thu nhập (B1)" in t for t in titles)
    wizard.new_member()
    assert (
        sum(
            "Thành viên" in w.page_list.item(i).text()
            for w in [wizard]
            for i in range(w.page_list.count())
        )
        == 5
    )
    assert wizard.views[wizard.stack.currentIndex()].member == 4


def test_child_question_appears_and_disappears_with_the_birth_date(qtbot, round_household):
    wizard = _wizard(qtbot, *round_household)
    member = len(wizard.answers["members"]) - 1
    birth = _row(wizard, "member.birth_date", member)
    malnourished = _row(wizard, "member.malnourished", member)
    birth.editor.setText("")
    qtbot.keyClicks(birth.editor, "01/02/2020")
    wizard._refresh()
    assert not malnourished.editor.isHidden()
    birth.editor.selectAll()
    qtbot.keyClicks(birth.editor, "1980")
    wizard._refresh()
    assert malnourished.editor.isHidden()


def test_bad_birth_date_is_said_next_to_the_field(qtbot, round_household):
    wizard = _wizard(qtbot, *round_household)
    birth = _row(wizard, "member.birth_date", 0)
    birth.editor.selectAll()
    qtbot.keyClicks(birth.editor, "31/02/1980")
    wizard._refresh()
    assert not birth.message.isHidden()
    assert "không có trên lịch" in birth.message.text()


def test_live_panel_follows_the_answers(qtbot, round_household):
    wizard = _wizard(qtbot, *round_household)
    b1 = _row(wizard, "household.income.b1_score")
    qtbot.keyClicks(b1.editor, "100")
    wizard._refresh()
    assert "Điểm B1: 100" in wizard.panel.toPlainText()
    first_class = wizard.classification.class_code
    assert first_class in ("poor", "near_poor")
    b1.editor.selectAll()
    qtbot.keyClicks(b1.editor, "300")
    wizard._refresh()
    assert wizard.classification.class_code == "not_poor"
    assert "hộ không nghèo" in wizard.panel.toPlainText()
    latrine = _row(wizard, "household.latrine")
    before = wizard.classification.deprivation_count
    hygienic = (
        "septic"
        if wizard.answers.get("latrine")
        not in (
            None,
            "septic",
            "semi_septic",
            "pour_flush",
            "double_vault",
            "ventilated_pit",
            "biogas",
        )
        else "none"
    )
    latrine.editor.setCurrentIndex(latrine.editor.findData(hygienic))
    wizard._refresh()
    assert wizard.classification.deprivation_count != before
    assert "Năm trước:" in wizard.panel.toPlainText()


def test_draft_is_resumed_and_complete_refused_while_invalid(qtbot, round_household):
    cdb, round_id, household_id = round_household
    wizard = _wizard(qtbot, cdb, round_id, household_id)
    b1 = _row(wizard, "household.income.b1_score")
    qtbot.keyClicks(b1.editor, "120")
    name = _row(wizard, "member.full_name", 0)
    name.editor.clear()
    QTest.keyClick(name.editor, Qt.Key.Key_A)
    name.editor.clear()
    name.editor.textEdited.emit("")
    assert wizard.complete() is False
    assert "Chưa hoàn thành được" in wizard.error.text()
    assert not name.message.isHidden()
    assert wizard.save()
    again = _wizard(qtbot, cdb, round_id, household_id)
    assert again.answers["income"] == {"b1_score": 120}
    assert _row(again, "household.income.b1_score").editor.text() == "120"
    assert start_answers(cdb.db, round_id, household_id).source == "draft"


def _key(wizard, key, modifier=Qt.KeyboardModifier.NoModifier):
    focus = wizard.focusWidget() or wizard
    QTest.keyClick(focus, key, modifier)
    return 1


def test_a_household_with_the_keyboard_alone(qtbot, round_household):
    """A typical four-member household from the register: count the keystrokes."""
    cdb, round_id, household_id = round_household
    wizard = _wizard(qtbot, cdb, round_id, household_id)
    keys = 0
    for _ in range(40):
        wizard._refresh()
        view = wizard.views[wizard.stack.currentIndex()]
        unanswered = [
            row
            for row in view.rows
            if not row.editor.isHidden()
            and row.question.key
            in {q.key for q in wizard.survey.questions(view.page, wizard.answers, view.member)}
            and wizard.survey.required(row.question, wizard.answers, view.member)
            and row.editor.isEnabled()
            and (
                (isinstance(row.editor, QComboBox) and row.editor.currentIndex() == 0)
                or (isinstance(row.editor, QLineEdit) and not row.editor.text())
            )
        ]
        for row in unanswered:
            row.editor.setFocus()  # the clerk Tabs there: counted below as one key per field
            keys += 1
            if isinstance(row.editor, QComboBox):
                keys += _key(wizard, Qt.Key.Key_Down)  # the first answer (or a typed letter)
            else:
                QTest.keyClicks(row.editor, "95")
                keys += 2
        if wizard.stack.currentIndex() == len(wizard.views) - 1:
            break
        keys += _key(wizard, Qt.Key.Key_PageDown)
    keys += _key(wizard, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert wizard.result() == wizard.DialogCode.Accepted, wizard.error.text()
    row = cdb.db.execute(
        "SELECT state, class_code FROM questionnaires WHERE round_id = ? AND household_id = ?",
        [round_id, household_id],
    ).fetchone()
    assert row[0] == "complete" and row[1] is not None
    print(f"\nKEYSTROKES for a 4-member household from the register: {keys}")
    assert keys < 40
