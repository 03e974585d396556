"""The report wizard and the "Báo cáo" area on the demo commune: a new report from kind and
period to saved versions, reopened, made final (read-only), written to PDF and XLSX; the
ad-hoc subset of figures; the guards (periods the data cannot serve, awards over the limit,
unsaved changes, a cancel while writing)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gnapp.reporting.builder import REPORT_TEMPORARIES, annex_tables
from gnapp.reporting.figures import report_figures, sentences
from gnapp.store.reports import list_reports
from gnapp.ui.common.print_preview import preview_pages
from gnapp.ui.common.qt import QPlainTextEdit, QTableWidget, QThreadPool
from gnapp.ui.main_window import REPORTS, MainWindow
from gnapp.ui.reports import report_wizard
from gnapp.ui.reports.reports_view import ReportsView


@pytest.fixture
def view(qtbot, demo_db):
    view = ReportsView(demo_db)
    qtbot.addWidget(view)
    return view


def _choose(wizard, kind: str, first: int, last: int | None = None, shape: str = "year"):
    page = wizard.kind_page
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.shape.setCurrentIndex(page.shape.findData(shape))
    page.first.setValue(first)
    if last is not None:
        page.last.setValue(last)


def _wizard(qtbot, wizard):
    # closed without the unsaved-changes question at the end of a test
    qtbot.addWidget(wizard, before_close_func=lambda w: setattr(w, "changed", False))
    return wizard


def _row(view, version: int):
    return next(r for r, report in enumerate(view.reports) if report.version == version)


def test_a_report_from_kind_to_final_version(qtbot, view, demo_db, tmp_path, monkeypatch):
    wizard = _wizard(qtbot, view.new_report())
    assert wizard.buttonText(wizard.WizardButton.NextButton) == "Tiếp tục"
    _choose(wizard, "end_of_period", 2021, 2025, "span")
    threads = []
    real = report_wizard.report_figures
    monkeypatch.setattr(
        report_wizard,
        "report_figures",
        lambda *a: threads.append(threading.get_ident()) or real(*a),
    )
    wizard.next()
    assert wizard.currentId() == wizard.FIGURES
    assert threads and threads[0] != threading.get_ident()  # computed off the GUI thread
    figures = report_figures(demo_db.db, "end_of_period", "2021-2025")
    page = wizard.figures_page
    text = page.tabs.widget(0).toPlainText()
    assert " ".join(sentences(figures)["end_lists"].split()) in " ".join(text.split())
    assert page.tabs.count() == 1 + len(annex_tables(figures))
    table = page.tabs.widget(1)
    assert isinstance(table, QTableWidget)
    total = table.item(table.rowCount() - 1, 0)
    assert total.text() == "Tổng cộng" and total.font().bold()

    wizard.next()
    assert wizard.currentId() == wizard.NARRATIVE
    editors = wizard.narrative_page.editors
    assert {"opening", "I", "II.3.1", "III.2", "documents_issued"} <= set(editors)
    editors["I"].setPlainText("Xã có địa hình đồi núi, giao thông khó khăn.")
    editors["III.2"].setPlainText("- Nguồn vốn phân bổ chậm.")

    wizard.next()
    assert wizard.currentId() == wizard.AWARDS
    awards = wizard.awards_page
    assert "tối đa 15 tập thể và 30 cá nhân" in awards.limits.text()
    for number in range(16):
        awards.add_row("collective")
        awards.table.item(number, 1).setText(f"Thôn {number + 1}")
    wizard.next()
    assert wizard.currentId() == wizard.AWARDS  # refused
    assert "quá mức tối đa 15 tập thể" in awards.error.text() and awards.error.isVisible()
    awards.table.selectRow(15)
    awards.remove_rows()
    assert not awards.error.isVisible()
    wizard.next()
    assert wizard.currentId() == wizard.DOCUMENT

    document = wizard.document_page
    document.number.setText("27")
    first = wizard.save_draft()
    assert view.reports[0].id == first and view.reports[0].version == 1
    assert "phiên bản 1 (bản nháp)" in document.status.text()
    editors["I"].setPlainText("Xã có địa hình đồi núi.")
    second = wizard.save_draft()
    assert [r.version for r in view.reports] == [2, 1]
    assert "phiên bản 2" in document.status.text()
    wizard.close()

    # reopened: every page from the saved version, its saved figures (nothing recomputed)
    monkeypatch.setattr(report_wizard, "report_figures", lambda *a: pytest.fail("recomputed"))
    view.table.selectRow(_row(view, 2))
    reopened = _wizard(qtbot, view.open_selected())
    assert reopened.kind_page.kind.currentData() == "end_of_period"
    reopened.next()
    reopened.next()
    assert reopened.narrative_page.editors["I"].toPlainText() == "Xã có địa hình đồi núi."
    reopened.next()
    assert reopened.awards_page.table.rowCount() == 15
    reopened.next()
    assert reopened.document_page.number.text() == "27"
    reopened.close()

    monkeypatch.setattr(view, "confirm", lambda text: "không sửa được" in text)
    view.table.selectRow(_row(view, 2))
    view.finalise_selected()
    final = next(r for r in view.reports if r.id == second)
    assert final.final and not view.final_button.isEnabled()
    assert view.open_button.text() == "Xem"
    read_only = _wizard(qtbot, view.open_selected())
    assert read_only.read_only and read_only.kind_page.banner.isVisibleTo(read_only.kind_page)
    read_only.next()
    assert not read_only.figures_page.recompute.isVisibleTo(read_only.figures_page)
    read_only.next()
    assert all(e.isReadOnly() for e in read_only.narrative_page.findChildren(QPlainTextEdit))
    read_only.next()
    assert not read_only.awards_page.add_collective.isEnabled()
    read_only.next()
    assert not read_only.document_page.save.isEnabled()
    assert read_only.save_draft() is None
    read_only.close()

    out = tmp_path / "bao-cao"
    out.mkdir()
    view.write_selected(out)
    qtbot.waitUntil(lambda: "Đã ghi" in view.status.text(), timeout=60000)
    assert sorted(p.name for p in out.iterdir()) == [
        "bao-cao-tong-ket-giai-doan-2021-2025.pdf",
        "bao-cao-tong-ket-giai-doan-2021-2025.xlsx",
    ]


def test_a_cancel_while_writing_leaves_no_files(qtbot, view, demo_db, tmp_path):
    wizard = _wizard(qtbot, view.new_report())
    _choose(wizard, "annual", 2025)
    wizard.next()
    for _ in range(2):
        wizard.next()
    assert wizard.currentId() == wizard.DOCUMENT
    out = tmp_path / "huy"
    out.mkdir()
    wizard.write_files(out)
    with qtbot.waitSignal(wizard.job.cancelled, timeout=60000):
        wizard.job.cancel()
    QThreadPool.globalInstance().waitForDone()
    assert list(out.iterdir()) == []
    assert "không có tệp nào được ghi" in wizard.document_page.status.text()


def test_the_ad_hoc_report_shows_the_chosen_figures(qtbot, view):
    wizard = _wizard(qtbot, view.new_report())
    _choose(wizard, "ad_hoc", 2023)
    checks = wizard.kind_page.set_checks
    assert wizard.kind_page.sets_box.isVisibleTo(wizard.kind_page)
    for code, check in checks.items():
        check.setChecked(code == "budget")
    wizard.next()
    page = wizard.figures_page
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())][1:] == [
        "Kinh phí thực hiện Chương trình theo dự án, tiểu dự án và nguồn vốn",
        "Kinh phí thực hiện Chương trình theo loại vốn và nguồn vốn",
    ]
    text = page.tabs.widget(0).toPlainText()
    assert "Kinh phí thực hiện Chương trình" in text and "hộ nghèo, tỷ lệ" not in text
    wizard.next()
    assert "II.3" not in wizard.narrative_page.editors
    wizard.next()
    assert wizard.currentId() == wizard.DOCUMENT  # no awards page for this kind
    wizard.save_draft()
    assert list_reports(view.cdb.db)[0].figure_sets == ("budget",)


def test_a_period_the_data_cannot_serve_is_explained(qtbot, view):
    wizard = _wizard(qtbot, view.new_report())
    _choose(wizard, "annual", 2019)
    wizard.next()
    assert wizard.currentId() == wizard.KIND
    assert "2018" in wizard.kind_page.error.text() and wizard.kind_page.error.isVisible()
    _choose(wizard, "six_month", 2026, shape="half_year")
    assert wizard.kind_page.shape.count() == 1  # only the kind's period shapes
    wizard.next()
    assert wizard.currentId() == wizard.FIGURES


@pytest.mark.parametrize(("answer", "closed", "saved"), [
    ("cancel", False, 0), ("discard", True, 0), ("save", True, 1),
])  # fmt: skip
def test_unsaved_changes_are_asked_about(qtbot, view, monkeypatch, answer, closed, saved):
    wizard = _wizard(qtbot, view.new_report())
    _choose(wizard, "annual", 2025)
    wizard.next()
    wizard.next()
    wizard.narrative_page.editors["I"].setPlainText("Chưa lưu.")
    asked = []
    monkeypatch.setattr(wizard, "ask_unsaved", lambda: asked.append(1) or answer)
    wizard.reject()
    assert asked == [1]
    assert wizard.isVisible() != closed
    assert len(list_reports(view.cdb.db)) == saved


def test_the_reports_area_is_in_the_main_window(qtbot, demo_db):
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show_area(REPORTS)
    assert window.navigation.currentItem().text() == "Báo cáo"
    assert window.pages.currentWidget() is window.reports_view
    assert window.reports_view.empty.isVisibleTo(window.reports_view)


def test_a_new_report_opens_on_the_year_the_main_window_shows(qtbot, demo_db):
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    wizard = report_wizard.ReportWizard(window, demo_db)
    qtbot.addWidget(wizard)
    assert window.year == 2025  # the demo's latest statuses, though the clock says 2026 or later
    assert wizard.kind_page.period().first == window.year


def test_a_reopened_draft_can_take_new_figures(qtbot, view, demo_db, monkeypatch):
    wizard = _wizard(qtbot, view.new_report())
    _choose(wizard, "annual", 2025)
    wizard.next()
    wizard.save_draft()
    wizard.close()
    view.table.selectRow(0)
    reopened = _wizard(qtbot, view.open_selected())
    reopened.next()
    page = reopened.figures_page
    assert "đã lưu cùng báo cáo (phiên bản 1" in page.note.text()
    assert page.recompute.isVisibleTo(page)
    before = reopened.figures
    demo_db.db.execute("DELETE FROM disbursements")
    demo_db.db.execute("DELETE FROM budgets")
    demo_db.db.conn.commit()
    page.compute_again()
    assert "vừa tính lại" in page.note.text() and reopened.changed
    assert reopened.figures.budget.total.allocated == 0 != before.budget.total.allocated


def test_a_saved_report_is_previewed_from_the_list(qtbot, view, demo_db):
    wizard = _wizard(qtbot, view.new_report())
    _choose(wizard, "annual", 2025)
    wizard.next()
    wizard.save_draft()
    wizard.close()
    view.table.selectRow(0)
    view.preview_selected()
    qtbot.waitUntil(lambda: view.pdf.preview is not None, timeout=60000)
    preview = view.pdf.preview
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview_pages(preview) > 0, timeout=20000)
    assert "bao-cao-nam-2025.pdf" in preview.windowTitle()


def test_a_preview_is_made_once_at_a_time_and_can_be_cancelled(qtbot, view, monkeypatch):
    wizard = _wizard(qtbot, view.new_report())
    _choose(wizard, "annual", 2025)
    wizard.next()
    wizard.save_draft()
    wizard.close()
    rendering, release = threading.Event(), threading.Event()

    def slow_pages(pdf, progress):
        rendering.set()
        release.wait(30)
        progress(0, 1, "")  # raises Cancelled once cancelled
        return []

    monkeypatch.setattr(report_wizard, "preview_pages_work", slow_pages)
    view.table.selectRow(0)
    view.preview_selected()
    job = view.pdf.job
    assert view.pdf.busy and view.status.text() == "Đang lập văn bản để xem trước…"
    assert job.dialog.labelText() == "Đang lập văn bản để xem trước…"
    view.preview_selected()  # a second click while the first is being made starts nothing
    assert view.pdf.job is job
    assert rendering.wait(60)
    with qtbot.waitSignal(job.cancelled, timeout=20000):
        job.dialog.canceled.emit()  # "Hủy" on the progress dialog
        release.set()
    assert view.pdf.preview is None and not view.pdf.busy
    assert view.status.text() == "Đã hủy."
    folder = Path(view.pdf.folder.name)
    assert not [found for pattern in REPORT_TEMPORARIES for found in folder.glob(pattern)]


def test_the_kind_and_period_speak_the_chosen_language(qtbot, view):
    from gnapp import i18n

    i18n.set_language("en")
    try:
        wizard = _wizard(qtbot, view.new_report())
        _choose(wizard, "annual", 2025)
        page = wizard.kind_page
        assert page.kind.currentText() == "Annual report"
        assert page.period_text.text() == "Reporting period: 2025"
    finally:
        i18n.set_language("vi")


def test_with_no_report_saved_the_note_takes_the_room_below_the_buttons(qtbot, new_db):
    view = ReportsView(new_db)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    qtbot.waitExposed(view)
    assert view.empty.isVisible() and not view.table.isVisible()
    # the buttons stay at the top; the note fills what is below them
    assert view.new_button.geometry().bottom() < 120
    assert view.empty.geometry().height() > 300
