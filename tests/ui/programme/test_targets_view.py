"""The targets editor: the year's table, add/edit/delete through the dialog, the import preview."""

from __future__ import annotations

import openpyxl
import pytest

from gnapp.store import programme
from gnapp.ui.common.qt import QDate
from gnapp.ui.programme.targets_view import ImportPreview, TargetsView

DISPLAY = 0


def cells(model) -> list[tuple[str, ...]]:
    return [
        tuple(model.data(model.index(r, c), DISPLAY) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


@pytest.fixture
def view(qtbot, demo_db):
    widget = TargetsView(demo_db, year=2025)
    qtbot.addWidget(widget)
    return widget


def test_year_table_matches_the_store(view, demo_db, qtmodeltester):
    qtmodeltester.check(view.model)
    rows = cells(view.model)
    stored = programme.targets(demo_db.db, 2025)
    assert len(rows) == len(stored) == 12
    assert rows[0][0] == "Tỷ lệ hộ nghèo cuối năm"
    assert rows[1][2] == f"{stored[1]['value']:.0f} hộ"
    assert rows[0][3] == "65/QĐ-UBND ngày 15/02/2025"
    view.year.setValue(2030)
    assert view.model.rowCount() == 0 and "Chưa có chỉ tiêu nào cho năm 2030" in view.empty.text()


def test_add_edit_and_refuse_through_the_dialog(view, demo_db):
    view.year.setValue(2022)
    dialog = view.target_dialog(None)
    dialog.kind.setCurrentIndex(dialog.kind.findData("poverty_rate"))
    assert dialog.label.isHidden()
    dialog.value.setText("150")
    dialog.accept()
    assert "từ 0 đến 100" in dialog.error.text() and dialog.result() == 0
    dialog.value.setText("6,05")
    dialog.decision.setText("12/QĐ-UBND")
    dialog.dated.setChecked(True)
    dialog.decision_date.setDate(QDate(2022, 2, 15))
    dialog.accept()
    assert dialog.result() == 1
    view.load()
    assert cells(view.model) == [
        ("Tỷ lệ hộ nghèo cuối năm", "", "6,05%", "12/QĐ-UBND ngày 15/02/2022", "Huyện giao")
    ]
    edit = view.target_dialog(0)
    assert edit.value.text() == "6,05" and not edit.kind.isEnabled()
    edit.value.setText("5,9")
    edit.accept()
    assert programme.targets(demo_db.db, 2022)[0]["value"] == 5.9


def test_output_target_of_a_project(view, demo_db):
    view.year.setValue(2022)
    dialog = view.target_dialog(None)
    dialog.kind.setCurrentIndex(dialog.kind.findData(""))
    assert not dialog.label.isHidden()
    dialog.project.setCurrentIndex(dialog.project.findData("DA2"))
    dialog.label.setText("Số hộ được hỗ trợ mô hình")
    dialog.value.setText("12")
    dialog.accept()
    assert "đơn vị tính" in dialog.error.text()
    dialog.unit.setText("hộ")
    dialog.accept()
    view.load()
    assert cells(view.model) == [("Số hộ được hỗ trợ mô hình", "DA2", "12 hộ", "", "")]


def test_period_scope(view, demo_db):
    programme.set_target(demo_db, 2021, "poverty_rate", 3, period="2021-2025")
    view.scope.setCurrentIndex(view.scope.findData("2021-2025"))
    assert not view.year.isEnabled()
    assert cells(view.model) == [("Tỷ lệ hộ nghèo cuối năm", "", "3%", "", "")]


def test_delete_asks_first(view, demo_db, monkeypatch):
    answers = iter([False, True])
    monkeypatch.setattr(view, "confirm", lambda *_: next(answers))
    view.table.selectRow(0)
    view.delete_selected()
    assert view.model.rowCount() == 12
    view.delete_selected()
    assert view.model.rowCount() == 11
    assert "Đã xóa" in view.status.text()


def _sheet(path, value):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2027"])
    sheet.append(["Tỷ lệ hộ nghèo cuối năm", "%", value])
    sheet.append(["Làm đường giao thông", "km", 2])
    book.save(path)
    return path


def test_import_preview_then_write(view, demo_db, tmp_path):
    view.year.setValue(2027)
    preview = view.import_preview(_sheet(tmp_path / "ok.xlsx", 4.5))
    assert isinstance(preview, ImportPreview)
    assert preview.targets.item(0).text() == "Tỷ lệ hộ nghèo cuối năm: 4,5%"
    assert preview.problems.count() == 1 and preview.write.isEnabled()
    preview.accept()
    assert cells(view.model)[0][2] == "4,5%"
    assert "lô số" in view.status.text()


def test_import_with_errors_cannot_be_written(view, tmp_path):
    view.year.setValue(2027)
    preview = view.import_preview(_sheet(tmp_path / "bad.xlsx", "nhiều"))
    assert not preview.write.isEnabled()
    assert "Lỗi: Trang" in preview.problems.item(0).text()
    assert view.import_preview(tmp_path / "missing.xlsx") is None
    assert "Không tìm thấy tệp" in view.status.text()


def test_who_gave_a_target_and_the_dialog_s_choices_speak_the_chosen_language(
    english, qtbot, demo_db
):
    from gnapp.i18n_extract import has_vietnamese_letters

    view = TargetsView(demo_db, 2025)
    qtbot.addWidget(view)
    givers = {row[4] for row in cells(view.model)}
    assert "Given by the district" in givers
    dialog = view.target_dialog(None)
    texts = [box.itemText(i) for box in (dialog.kind, dialog.project) for i in range(box.count())]
    assert (
        "Project 5 - Housing support for poor and near-poor households in poor districts" in texts
    )
    assert [text for text in texts if has_vietnamese_letters(text)] == []
