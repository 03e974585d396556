"""The questionnaire wizard (gnapp.ui.review.review_wizard) on the demo commune."""

import json
from decimal import Decimal

import pytest
from PySide6.QtTest import QTest

from gnapp.core import standards
from gnapp.review import workflow
from gnapp.review.questionnaire import set_answer, start_answers, survey_for
from gnapp.store.users import User
from gnapp.ui.common.qt import QComboBox, QLineEdit, Qt
from gnapp.ui.review.review_wizard import QuestionnaireWizard

CLERK = User(3, "canbo", "Nguyễn Thị Cán", ("clerk",), True)


@pytest.fixture
def round_household(demo_db):
    """A 2026 round with its list built, and a listed household of four members."""
    round_id = workflow.open_round(demo_db, 2026, standard_id="2022-2025")
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


# --- a B1 points table, installed for the test only -------------------------------------------


@pytest.fixture
def points_household(round_household, tmp_path, monkeypatch):
    """A points table for the round's standard, the household's area and the commune's
    region, written to tmp_path and found there instead of under forms/standards/points/."""
    cdb, round_id, household_id = round_household
    survey = survey_for(cdb.db, round_id)
    area = start_answers(cdb.db, round_id, household_id).answers["area"]
    table = {
        "format_version": 1,
        "standard": survey.standard.id,
        "area": area,
        "regions": [survey.region],
        "name": "BẢNG ĐIỂM GIẢ — chỉ dùng cho kiểm thử",
        "source": "Dữ liệu giả cho kiểm thử",
        "status": "unknown",
        "confirmed": False,
        "items": [
            {
                "id": "household_size",
                "name": "Số nhân khẩu của hộ (giả)",
                "options": [
                    {"value": 1, "label": "1 người", "points": 50},
                    {"value": 2, "label": "2–3 người", "points": 40},
                    {"value": 4, "label": "4 người trở lên", "points": 30},
                ],
            },
            {
                "id": "has_pension",
                "name": "Có người hưởng lương hưu (giả)",
                "options": [
                    {"value": True, "label": "có", "points": 60},
                    {"value": False, "label": "không", "points": 0},
                ],
            },
            {
                "id": "dwelling",
                "name": "Loại nhà ở (giả)",
                "options": [
                    {"value": "durable", "label": "nhà kiên cố", "points": 50.5},
                    {"value": "temporary", "label": "nhà tạm", "points": 10},
                ],
            },
        ],
    }
    folder = tmp_path / "standards" / "points"
    folder.mkdir(parents=True)
    (folder / "test-table.json").write_text(json.dumps(table, ensure_ascii=False), "utf-8")
    bundled = standards.form_file
    monkeypatch.setattr(
        standards,
        "form_file",
        lambda *parts: folder if parts == ("standards", "points") else bundled(*parts),
    )
    workflow.points_table_for.cache_clear()
    yield cdb, round_id, household_id
    workflow.points_table_for.cache_clear()


def _answer_the_rest(wizard):
    """Answer what the register left unanswered outside the income page (first choices)."""
    for issue in wizard.issues():
        if issue.page == "income" or issue.message != "Chưa trả lời":
            continue
        row = _row(wizard, issue.key, issue.member)
        choices = row.question.choices or ((False, "Không"),)
        value = 95 if row.question.kind in ("number", "integer") else choices[0][0]
        set_answer(wizard.answers, row.question, value, issue.member)
    wizard._fill()
    wizard._refresh()


def _income_view(wizard):
    index = next(i for i, view in enumerate(wizard.views) if view.page.id == "income")
    wizard.go_to(index, focus=True)
    return wizard.views[index]


def test_points_table_items_answered_with_the_keyboard(qtbot, points_household):
    cdb, round_id, household_id = points_household
    wizard = _wizard(qtbot, cdb, round_id, household_id)
    wizard.answers.setdefault("income", {}).pop("b1_score", None)
    _answer_the_rest(wizard)
    view = _income_view(wizard)
    keys = [row.question.key for row in view.rows if not row.editor.isHidden()]
    assert keys[:4] == [
        "household.income.b1_score",
        "household.income.b1_answers.household_size",
        "household.income.b1_answers.has_pension",
        "household.income.b1_answers.dwelling",
    ]
    wizard._refresh()
    assert "Tổng điểm B1 tính theo bảng: 0 điểm" in view.points_sum.text()
    assert "còn 3 mục chưa trả lời" in view.points_sum.text()
    # From the typed total, Enter to the first item; a typed letter picks an option.
    _row(wizard, "household.income.b1_score").editor.setFocus()
    _key(wizard, Qt.Key.Key_Return)
    size = _row(wizard, "household.income.b1_answers.household_size")
    assert wizard.focusWidget() is size.editor
    _key(wizard, Qt.Key.Key_4)
    assert size.editor.currentText() == "4 người trở lên (30 điểm)"
    _key(wizard, Qt.Key.Key_Return)
    _key(wizard, Qt.Key.Key_K)  # "không"
    _key(wizard, Qt.Key.Key_Return)
    _key(wizard, Qt.Key.Key_Down)  # the first option: nhà kiên cố
    wizard._refresh()
    assert wizard.answers["income"]["b1_answers"] == {
        "household_size": 4,
        "has_pension": False,
        "dwelling": "durable",
    }
    text = view.points_sum.text()
    assert "Tổng điểm B1 tính theo bảng: 80,5 điểm" in text and "chưa trả lời" not in text
    assert "Điểm B1: 80,5" in wizard.panel.toPlainText()
    assert wizard.classification.income_value == Decimal("80.5")
    class_code = wizard.classification.class_code
    assert class_code in ("poor", "near_poor")
    # The typed total stays available; one that differs is said next to it and in the panel.
    b1 = _row(wizard, "household.income.b1_score")
    b1.editor.setFocus()
    qtbot.keyClicks(b1.editor, "200")
    wizard._refresh()
    assert not b1.message.isHidden()
    assert "Khác tổng điểm tính theo bảng (80,5 điểm)" in b1.message.text()
    assert "khác điểm tính theo bảng" in wizard.panel.toPlainText()
    assert wizard.classification.class_code == class_code
    assert wizard.complete(), wizard.error.text()
    saved = workflow.questionnaire(cdb.db, round_id, household_id, "B")
    assert saved["answers"]["income"]["b1_answers"] == {
        "household_size": 4,
        "has_pension": False,
        "dwelling": "durable",
    }
    assert saved["answers"]["income"]["b1_score"] == 200
    stored = cdb.db.execute(
        "SELECT class_code FROM questionnaires WHERE round_id = ? AND household_id = ? "
        "AND form = 'B'",
        [round_id, household_id],
    ).fetchone()[0]
    assert stored == class_code


def test_points_table_items_unanswered_block_completion(qtbot, points_household):
    wizard = _wizard(qtbot, *points_household)
    wizard.answers.setdefault("income", {}).pop("b1_score", None)
    wizard._fill()
    assert wizard.complete() is False
    dwelling = _row(wizard, "household.income.b1_answers.dwelling")
    assert not dwelling.message.isHidden() and "Chưa trả lời" in dwelling.message.text()
    assert _row(wizard, "household.income.b1_score").message.isHidden()


def test_no_points_table_no_items(qtbot, round_household):
    wizard = _wizard(qtbot, *round_household)
    view = _income_view(wizard)
    assert view.points_sum is None
    assert not any(row.question.points_item for row in view.rows)


# --- Phiếu A ----------------------------------------------------------------------------------


@pytest.fixture
def applicant(demo_db):
    """A household off the lists that applied to be reviewed, in an open 2026 round."""
    round_id = workflow.open_round(demo_db, 2026, standard_id="2022-2025")
    household_id = demo_db.db.execute(
        "SELECT id FROM households WHERE id NOT IN (SELECT household_id FROM household_status "
        "WHERE status IN ('poor', 'near_poor')) ORDER BY id LIMIT 1"
    ).fetchone()[0]
    workflow.add_application(
        demo_db,
        round_id,
        household_id,
        kind="review",
        received_on="2026-09-05",
        applicant={"full_name": "Trần Văn Đơn"},
        reason="Chồng ốm nặng, mất sức lao động",
    )
    return demo_db, round_id, household_id


def _form_a(qtbot, cdb, round_id, household_id):
    wizard = QuestionnaireWizard(cdb, round_id, household_id, CLERK, form="A")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    return wizard


def test_phieu_a_not_eligible_needs_a_reason(qtbot, applicant):
    cdb, round_id, household_id = applicant
    wizard = _form_a(qtbot, cdb, round_id, household_id)
    assert [view.page.id for view in wizard.views] == ["outcome"]
    assert "Chưa ghi kết quả Phiếu A" in wizard.panel.toPlainText()
    eligible = _row(wizard, "household.form_a.eligible_for_form_b")
    reason = _row(wizard, "household.form_a.reason")
    assert wizard.focusWidget() is eligible.editor
    _key(wizard, Qt.Key.Key_K)  # "Không"
    wizard._refresh()
    assert wizard.answers["form_a"] == {"eligible_for_form_b": False}
    assert "hộ được xếp hộ không nghèo" in wizard.panel.toPlainText()
    assert wizard.complete() is False
    assert not reason.message.isHidden()
    assert "cần ghi lý do" in reason.message.text()
    assert "Chưa hoàn thành được" in wizard.error.text()
    assert workflow.questionnaire(cdb.db, round_id, household_id, "A") is None
    _key(wizard, Qt.Key.Key_Return)
    assert wizard.focusWidget() is reason.editor
    qtbot.keyClicks(reason.editor, "Co xe o to")
    wizard._refresh()
    assert reason.message.isHidden()
    _key(wizard, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert wizard.result() == wizard.DialogCode.Accepted, wizard.error.text()
    saved = workflow.questionnaire(cdb.db, round_id, household_id, "A")
    assert saved["state"] == "complete"
    assert saved["answers"]["form_a"] == {
        "eligible_for_form_b": False,
        "reason": "Co xe o to",
    }


def test_the_classification_panel_speaks_the_chosen_language(english, qtbot, round_household):
    """Class, indicators, their reasons and the notes in English; the household's own names
    as they are."""
    from gnapp.i18n_extract import has_vietnamese_letters

    wizard = _wizard(qtbot, *round_household)
    qtbot.keyClicks(_row(wizard, "household.income.b1_score").editor, "100")
    wizard._refresh()
    text = wizard.panel.toPlainText()
    assert "B1 score: 100" in text and "Health insurance" in text
    titles = "\n".join(wizard.page_list.item(i).text() for i in range(wizard.page_list.count()))
    for member in wizard.answers["members"]:
        text, titles = (words.replace(member["full_name"], "") for words in (text, titles))
    assert [line for line in text.splitlines() if has_vietnamese_letters(line)] == []
    assert [line for line in titles.splitlines() if has_vietnamese_letters(line)] == []
    questions = [
        text
        for view in wizard.views
        for row in view.rows
        for text in (row.label.text(), row.help.text() if row.help else "")
    ]
    assert len(questions) > 40
    assert [text for text in questions if has_vietnamese_letters(text)] == []
