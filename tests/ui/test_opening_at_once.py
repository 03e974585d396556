"""The main window opens at once (issue 19): the areas are built when first shown, the overview
says "Đang tính…" until its counts, read in the background, come, and a large register is not
read row by row to size the columns."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from gnapp.core.vietnamese import format_number
from gnapp.store.year_figures import year_figures
from gnapp.ui import main_window
from gnapp.ui.app import build_main_window
from gnapp.ui.common import models, qt
from gnapp.ui.common.widgets import FITTED_ROWS, fit_columns, table_view
from gnapp.ui.main_window import DASHBOARD, HOUSEHOLDS, LATER_AREAS, REPORTS, REVIEW
from gnapp.ui.programme.targets_view import records_table
from gnapp.ui.reports.reports_view import ReportsView
from gnapp.ui.review.review_view import ReviewView
from tests.bench.test_bench_search import build_register


def test_areas_are_built_when_first_shown(qtbot, demo_db):
    window = build_main_window(demo_db)
    qtbot.addWidget(window)
    assert window.views == {}
    assert all(type(window.pages.widget(area)) is qt.QWidget for area in LATER_AREAS)
    window.navigation.setCurrentRow(REVIEW)
    assert set(window.views) == {REVIEW}
    assert isinstance(window.pages.currentWidget(), ReviewView)
    window.show_area(REPORTS)
    assert set(window.views) == {REVIEW, REPORTS}
    assert isinstance(window.pages.widget(REPORTS), ReportsView)
    assert type(window.pages.widget(DASHBOARD)) is qt.QWidget
    review = window.review_view
    window.show_area(REVIEW)
    assert window.review_view is review  # built once


def test_the_overview_shows_computing_then_the_counts(qtbot, demo_db, monkeypatch):
    release = threading.Event()
    real = main_window.year_overview

    def held(db, year, previous_year, today, progress=None):
        release.wait(30)
        return real(db, year, previous_year, today, progress)

    monkeypatch.setattr(main_window, "year_overview", held)
    window = build_main_window(demo_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.households_box.value.text() == "…"
    assert window.households_box.detail.text() == "Đang tính…"
    assert window.movement_note.isVisible() and window.movement_note.text() == "Đang tính…"
    assert window.village_model.rowCount() == 0
    with qtbot.waitSignal(window.overview_shown, timeout=20_000):
        release.set()
    figures = year_figures(demo_db.db, window.year, date.today()).villages
    assert window.village_model.rowCount() == len(figures) + 1  # and the total
    households = sum(f.households for f in figures)
    assert window.households_box.value.text() == format_number(households)
    assert not window.movement_note.isVisible()


def test_counts_of_a_year_left_meanwhile_are_not_shown(qtbot, demo_db):
    window = build_main_window(demo_db)
    qtbot.addWidget(window)
    first = window.overview_work
    window.year_box.setCurrentIndex(0)  # before the latest year's counts have come
    assert first is not None and window.overview_work is not first
    qtbot.waitUntil(lambda: window.overview_work is None, timeout=20_000)
    qtbot.wait(200)  # the first read, cancelled or not, has ended and said nothing
    year = window.year_box.itemData(0)
    assert str(year) in window.village_group.title()
    poor = sum(f.poor for f in year_figures(demo_db.db, year, date.today()).villages)
    assert window.poor_box.value.text() == format_number(poor)


def test_a_read_that_fails_says_so(qtbot, demo_db, monkeypatch):
    def broken(*_):
        raise OSError("đĩa hỏng")

    monkeypatch.setattr(main_window, "year_overview", broken)
    window = build_main_window(demo_db)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.overview_work is None, timeout=20_000)
    assert window.movement_note.text() == "Không đọc được số liệu: đĩa hỏng"
    assert window.households_box.value.text() == "—"


@pytest.fixture(scope="module")
def register_5000(tmp_path_factory):
    path = tmp_path_factory.mktemp("lon") / "5000-ho.gnapp"
    build_register(path, households=5_000)
    return path


def test_opening_on_5000_households_reads_only_the_rows_shown(qtbot, register_5000, monkeypatch):
    from gnapp.store.database import open_database

    read: dict[str, set[int]] = {}
    real = models.FlatTableModel.data

    def data(self, index, role=0):
        read.setdefault(type(self).__name__, set()).add(index.row())
        return real(self, index, role)

    monkeypatch.setattr(models.FlatTableModel, "data", data)
    cdb = open_database(register_5000)
    try:
        window = build_main_window(cdb)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitUntil(lambda: window.overview_work is None, timeout=20_000)
        window.show_area(HOUSEHOLDS)
        view = window.household_page.view
        qtbot.waitUntil(lambda: "HouseholdTableModel" in read, timeout=10_000)
        assert window.household_page.model.rowCount() == 5_000
        last_shown = view.rowAt(view.viewport().height() - 1)
        assert 0 < last_shown < 100
        assert max(read["HouseholdTableModel"]) < last_shown + 5
        for area in LATER_AREAS:
            window.show_area(area)
        qtbot.wait(100)
        assert max(read["HouseholdTableModel"]) < last_shown + 5
    finally:
        cdb.close()


def _rows_read(monkeypatch) -> set[int]:
    read: set[int] = set()
    real = models.TextTableModel.cell

    def cell(self, row, column, role):
        read.add(row)
        return real(self, row, column, role)

    monkeypatch.setattr(models.TextTableModel, "cell", cell)
    return read


def _long_model() -> models.TextTableModel:
    model = models.TextTableModel(("Hộ", "Số tiền"), numeric_columns=(1,))
    model.set_rows([models.TextRow((f"Hộ số {n}", format_number(n * 1000))) for n in range(5_000)])
    return model


def test_a_long_programme_list_is_sized_from_its_first_rows(qtbot, monkeypatch):
    read = _rows_read(monkeypatch)
    view = records_table(_long_model(), stretch=None)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(50)
    assert read and max(read) < FITTED_ROWS + 30


def test_fitted_columns_read_the_header_and_the_first_rows(qtbot, monkeypatch):
    read = _rows_read(monkeypatch)
    view = table_view(_long_model())
    qtbot.addWidget(view)
    fit_columns(view)
    assert read and max(read) < FITTED_ROWS
    assert view.columnWidth(0) >= view.fontMetrics().horizontalAdvance("Hộ số 39")
    header = view.horizontalHeader()
    assert header.sectionResizeMode(0) == qt.QHeaderView.ResizeMode.Interactive  # the user widens
