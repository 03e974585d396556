"""The budgets, activities and policies screen on the demo commune."""

from __future__ import annotations

import pytest

from gnapp.core.vietnamese import format_number
from gnapp.i18n_extract import has_vietnamese_letters
from gnapp.store import activities, programme
from gnapp.ui.common.qt import QDate
from gnapp.ui.programme import activities_view
from gnapp.ui.programme.activities_view import ActivitiesView


def cells(model) -> list[tuple[str, ...]]:
    return [
        tuple(model.data(model.index(r, c)) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


@pytest.fixture
def view(qtbot, demo_db):
    widget = ActivitiesView(demo_db, year=2025)
    qtbot.addWidget(widget)
    return widget


def test_models_hold_the_year(view, demo_db, qtmodeltester):
    for model in (
        view.budget_model,
        view.activity_model,
        view.policy_count_model,
        view.policy_model,
        view.picker.model,
    ):
        qtmodeltester.check(model)
    assert view.budget_model.rowCount() == len(programme.budgets(demo_db.db, 2025))
    stored = activities.activities(demo_db.db, 2025)
    assert [row[0] for row in cells(view.activity_model)] == [a["name"] for a in stored]
    counts = {c.label: c for c in activities.policy_counts(demo_db.db, 2025)}
    for label, households, *_ in cells(view.policy_count_model):
        assert households == str(counts[label].households)
    view.year.setValue(2030)
    assert view.activity_model.rowCount() == 0 and view.budget_model.rowCount() == 0


def test_budget_dialog_validates(view, demo_db):
    view.year.setValue(2024)
    dialog = view.budget_dialog(0)
    assert not dialog.project.isEnabled()
    dated = programme.budgets(demo_db.db, 2024)[0]["disbursed"]
    dialog.undated_disbursed.setText("999.999.999.999")
    dialog.accept()
    assert "Giải ngân" in dialog.error.text() and dialog.result() == 0
    dialog.undated_disbursed.setText("1.000.000")
    dialog.accept()
    assert dialog.result() == 1
    view.load()
    # after kind of capital, carried over: the payments by day and the amount without a day
    assert cells(view.budget_model)[0][5:7] == (format_number(dated + 1_000_000), "1.000.000")
    assert "Trong đó 1.000.000 đồng chưa ghi ngày giải ngân" in view.budget_total.text()


def test_add_activity_and_beneficiary_from_search(view, demo_db):
    dialog = view.activity_dialog(None)
    dialog.name.setText("Mô hình trồng keo")
    dialog.project.setCurrentIndex(dialog.project.findData("DA2"))
    dialog.budget.setText("20.000.000")
    dialog.accept()
    assert dialog.result() == 1
    view.load()
    names = [row[0] for row in cells(view.activity_model)]
    view.activity_table.selectRow(names.index("Mô hình trồng keo"))
    assert "Mô hình trồng keo" in view.beneficiary_box.title()
    view.search.setText("nguyen")
    view.picker.run_search()
    chosen = view.picker.chosen()
    assert chosen is not None and chosen.status in ("poor", "near_poor")
    view.amount.setText("25.000.000")
    view.add_beneficiary()
    assert "vượt kinh phí" in view.status.text()
    view.amount.setText("15.000.000")
    view.support.setText("Cây giống")
    view.add_beneficiary()
    assert cells(view.beneficiary_model) == [
        (chosen.head_name, chosen.code, view.picker.model.data(view.picker.model.index(0, 3)),
         "15.000.000", "Cây giống", "Cả hộ", chosen.village_name)
    ]  # fmt: skip
    view.add_beneficiary()
    assert "đã có trong danh sách" in view.status.text()
    members = activities.household_members(demo_db.db, chosen.household_id)
    assert [view.member.itemText(i) for i in range(view.member.count())] == [
        "Cả hộ",
        *(name for _, name in members),
    ]
    view.member.setCurrentIndex(1)
    view.amount.setText("")
    view.add_beneficiary()
    assert cells(view.beneficiary_model)[1][5] == members[0][1]
    view.beneficiary_table.selectRow(0)
    view.remove_beneficiary()
    assert view.beneficiary_model.rowCount() == 1


def test_delete_activity_asks(view, demo_db, monkeypatch):
    before = view.activity_model.rowCount()
    monkeypatch.setattr(view, "confirm", lambda *_: True)
    view.activity_table.selectRow(0)
    view.delete_activity()
    assert view.activity_model.rowCount() == before - 1


def test_policy_benefit_added_and_counted(view, demo_db):
    view.policy.setCurrentIndex(view.policy.findData("legal_aid"))
    view.add_policy_benefit()
    assert "chọn một hộ" in view.status.text()
    view.policy_picker.search.setText("HGD-0000")
    view.policy_picker.run_search()
    chosen = view.policy_picker.chosen()
    before = len(activities.policy_benefits(demo_db.db, 2025))
    view.policy_amount.setText("-5")
    view.add_policy_benefit()
    assert "không được âm" in view.status.text()
    view.policy_amount.setText("")
    view.add_policy_benefit()
    rows = activities.policy_benefits(demo_db.db, 2025)
    assert len(rows) == before + 1 == view.policy_model.rowCount()
    added = max(rows, key=lambda row: row["id"])
    assert (added["policy"], added["household_id"]) == ("legal_aid", chosen.household_id)


def test_budget_line_with_capital_and_funds_carried_over(view, demo_db):
    dialog = view.budget_dialog(None)
    dialog.project.setCurrentIndex(dialog.project.findData("DA5"))
    dialog.source.setCurrentIndex(dialog.source.findData("province"))
    dialog.capital.setCurrentIndex(dialog.capital.findData("investment"))
    dialog.allocated.setText("100.000.000")
    dialog.carried_over.setText("20.000.000")
    dialog.undated_disbursed.setText("130.000.000")
    dialog.accept()
    assert "năm trước chuyển sang" in dialog.error.text() and dialog.result() == 0
    dialog.undated_disbursed.setText("110.000.000")
    dialog.accept()
    assert dialog.result() == 1
    view.load()
    line = next(b for b in programme.budgets(demo_db.db, 2025) if b["project_code"] == "DA5")
    assert (line["capital"], line["carried_over"], line["disbursed"]) == (
        "investment",
        20_000_000,
        110_000_000,
    )
    row = next(r for r in cells(view.budget_model) if r[0].startswith("DA5"))
    assert row[2:] == (
        "Vốn đầu tư phát triển",
        "100.000.000",
        "20.000.000",
        "110.000.000",
        "110.000.000",
        "91,67%",
    )


def test_disbursements_by_day_from_the_budget_tab(view, demo_db, monkeypatch):
    line = programme.budgets(demo_db.db, 2025)[0]
    before = programme.disbursements(demo_db.db, line["id"])
    dialog = view.disbursements_dialog(0)
    assert dialog.model.rowCount() == len(before) > 0
    assert format_number(line["disbursed"]) in dialog.summary.text()
    dialog.day.setDate(QDate(2025, 5, 20))
    dialog.amount.setText("-3")
    dialog.add()
    assert "Số tiền giải ngân phải lớn hơn 0" in dialog.error.text()
    dialog.amount.setText("ba triệu")
    dialog.add()
    assert "Số tiền giải ngân" in dialog.error.text()
    left = line["allocated"] + line["carried_over"] - line["disbursed"]
    dialog.amount.setText(format_number(left + 1))
    dialog.add()
    assert "vượt kinh phí còn lại" in dialog.error.text()
    assert len(programme.disbursements(demo_db.db, line["id"])) == len(before)
    dialog.amount.setText("3.000.000")
    dialog.document.setText("25/UNC")
    dialog.add()
    assert dialog.error.text() == "" and dialog.amount.text() == ""
    after = programme.disbursements(demo_db.db, line["id"])
    added = next(r for r in after if r["document_number"] == "25/UNC")
    assert (added["disbursed_on"], added["amount"]) == ("2025-05-20", 3_000_000)
    assert dialog.model.rowCount() == len(before) + 1
    assert ("20/05/2025", "3.000.000", "25/UNC", "") in cells(dialog.model)
    # the day picker stays inside the line's year
    assert dialog.day.minimumDate() == QDate(2025, 1, 1)
    assert dialog.day.maximumDate() == QDate(2025, 12, 31)
    dialog.table.selectRow(cells(dialog.model).index(("20/05/2025", "3.000.000", "25/UNC", "")))
    monkeypatch.setattr(activities_view, "ask_yes_no", lambda *_: True)
    dialog.delete()
    assert len(programme.disbursements(demo_db.db, line["id"])) == len(before)
    view.load()
    assert cells(view.budget_model)[0][5] == format_number(line["disbursed"])


def test_dates_of_an_activity_and_a_policy_benefit(view, demo_db):
    dialog = view.activity_dialog(None)
    dialog.name.setText("Lớp tập huấn kỹ thuật chăn nuôi")
    dialog.project.setCurrentIndex(dialog.project.findData("DA3.1"))
    dialog.kind.setCurrentIndex(dialog.kind.findData("training"))
    dialog.started_on.known.setChecked(True)
    dialog.started_on.date.setDate(dialog.started_on.date.date().addDays(40))
    dialog.accept()
    assert dialog.result() == 1
    added = max(activities.activities(demo_db.db, 2025), key=lambda a: a["id"])
    assert added["started_on"] == "2025-02-10"
    view.policy.setCurrentIndex(view.policy.findData("tuition"))
    view.policy_picker.search.setText("HGD-0000")
    view.policy_picker.run_search()
    view.policy_date.known.setChecked(True)
    view.add_policy_benefit()
    granted = max(activities.policy_benefits(demo_db.db, 2025), key=lambda row: row["id"])
    assert granted["granted_on"] == "2025-01-01"
    assert "01/01/2025" in [r[4] for r in cells(view.policy_model)]


def test_the_programme_s_words_speak_the_chosen_language(english, qtbot, demo_db):
    """Projects, funding sources, kinds of capital and activity, policies and the programme's
    name in English; the commune's own words (activity names) stay as typed."""
    view = ActivitiesView(demo_db, year=2025)
    qtbot.addWidget(view)
    assert view.programme_label.text().startswith("National Target Program")
    budget = cells(view.budget_model)
    assert budget and budget[0][0].startswith("DA") and "Project" in "".join(r[0] for r in budget)
    assert not any(has_vietnamese_letters(cell) for row in budget for cell in row[:3])
    kinds = [row[2] for row in cells(view.activity_model)]
    assert kinds and not any(has_vietnamese_letters(kind) for kind in kinds)
    policies = [row[0] for row in cells(view.policy_count_model)]
    assert "Legal aid" in policies and not any(map(has_vietnamese_letters, policies))
    dialog = view.budget_dialog(None)
    combos = (dialog.project, dialog.source, dialog.capital)
    texts = [box.itemText(i) for box in combos for i in range(box.count())]
    assert "Central budget" in texts and not any(map(has_vietnamese_letters, texts))
