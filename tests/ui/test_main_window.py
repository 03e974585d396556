"""The main window (the overview, the navigation, the household list's actions), on a small
hand-built commune and on the demo commune."""

from __future__ import annotations

import sys
import threading
import time
import types
import unicodedata
from datetime import date
from pathlib import Path

import pytest

import gnapp
from gnapp.core.movements import movement
from gnapp.core.vietnamese import format_date, format_number, format_percent
from gnapp.demo import DEMO_USERS
from gnapp.reporting.figures import report_figures, year_end
from gnapp.store.database import open_database
from gnapp.store.overview import VillageFigures, village_figures
from gnapp.store.programme import set_target
from gnapp.store.register import add_household, add_village, save_commune, set_setting, set_status
from gnapp.ui import app as ui_app
from gnapp.ui import main_window
from gnapp.ui.app import build_main_window, run_gui
from gnapp.ui.common import qt
from gnapp.ui.common.household_list import STATUS_COLUMN
from gnapp.ui.common.models import (
    VILLAGE_COLUMNS,
    TextTableModel,
    VillageTableModel,
    change_text,
    movement_rows,
    target_rows,
    target_value_text,
)
from gnapp.ui.main_window import (
    ACTIVITIES,
    DASHBOARD,
    HOUSEHOLDS,
    OVERVIEW,
    PACKAGES,
    REPORTS,
    REVIEW,
    TARGETS,
)

# village name, area, then per household: members and its status in 2024 and in 2025
HAND_BUILT = {
    "Thôn Đông": ("rural", [
        (1, "poor", "poor"), (2, "poor", None), (3, "near_poor", "poor"), (1, None, "average"),
        (2, None, None), (4, "near_poor", "near_poor"),
    ]),
    "Tổ dân phố 1": ("urban", [(2, "poor", "near_poor"), (3, None, "near_poor"), (1, None, None)]),
    "Thôn Bắc": ("rural", []),
}  # fmt: skip


def build_commune(cdb, *, kind: str = "xa", demo: bool = False) -> None:
    save_commune(
        cdb, code="99999", name="Xã Thử Nghiệm", kind=kind, province="Quảng Ngãi",
        receiving_office_name="Sở Nông nghiệp và Môi trường tỉnh Quảng Ngãi",
        receiving_office_kind="province",
    )  # fmt: skip
    if demo:
        set_setting(cdb, "demo", True)
    number = 0
    for code, (name, (area, households)) in enumerate(HAND_BUILT.items(), start=1):
        village_id = add_village(cdb, f"T{code:02d}", name, area)
        for size, before, now in households:
            number += 1
            members = [
                {"full_name": f"Người Số {number}-{i}", "sex": "female", "birth_date": "1980-01-01",
                 "relation": "head" if i == 0 else "child"}
                for i in range(size)
            ]  # fmt: skip
            household_id = add_household(
                cdb, {"code": f"HGD-{number:03d}", "village_id": village_id}, members
            )
            if before:
                set_status(cdb, household_id, 2024, before)
            if before or now:
                set_status(
                    cdb, household_id, 2025, now or "not_poor", movement=movement(before, now)
                )
    set_target(cdb, 2025, "poverty_rate", 2.5, decision_number="65/QĐ-UBND",
               decision_date="2025-02-15")  # fmt: skip
    set_target(cdb, 2025, "poor_reduction", 1)


@pytest.fixture(params=["hand_built", "demo"])
def commune_db(request):
    """The hand-built commune, and the demo commune once the classification engine exists."""
    if request.param == "demo":
        pytest.importorskip("gnapp.core.classify")
        return request.getfixturevalue("demo_db")
    cdb = request.getfixturevalue("new_db")
    build_commune(cdb)
    return cdb


def counted(qtbot, window):
    """Wait for the overview's counts, read in the background."""
    qtbot.waitUntil(lambda: window.overview_work is None, timeout=20_000)
    return window


def opened(qtbot, cdb):
    """The main window on ``cdb`` with its overview's counts in."""
    window = build_main_window(cdb)
    qtbot.addWidget(window)
    return counted(qtbot, window)


@pytest.fixture
def window(qtbot, commune_db):
    return opened(qtbot, commune_db)


def sql_count(cdb, sql: str, *params) -> int:
    return cdb.db.execute(sql, params).fetchone()[0]


# the households in the commune now: the demo's events took some away
PRESENT = "SELECT id FROM households WHERE present_until IS NULL"


def year_counts(cdb, year: int) -> dict[str, int]:
    listed = f"SELECT count(*) FROM household_status WHERE year = ? AND household_id IN ({PRESENT})"
    return {
        "households": sql_count(cdb, f"SELECT count(*) FROM ({PRESENT})"),
        "members": sql_count(
            cdb, f"SELECT count(*) FROM members WHERE household_id IN ({PRESENT})"
        ),
        "poor": sql_count(cdb, f"{listed} AND status = 'poor'", year),
        "near_poor": sql_count(cdb, f"{listed} AND status = 'near_poor'", year),
    }


def cell(model, row: int, column: int) -> str:
    return model.data(model.index(row, column), qt.Qt.ItemDataRole.DisplayRole)


def column_of(attribute_header: str) -> int:
    return next(i for i, c in enumerate(VILLAGE_COLUMNS) if c.header == attribute_header)


def total_row_texts(window) -> dict[str, str]:
    model = window.village_model
    last = model.rowCount() - 1
    return {
        "households": cell(model, last, column_of("Số hộ")),
        "members": cell(model, last, column_of("Số nhân\nkhẩu")),
        "poor": cell(model, last, column_of("Hộ nghèo")),
        "near_poor": cell(model, last, column_of("Hộ cận\nnghèo")),
    }


# --- the window on a commune ------------------------------------------------------------------


def test_title_holds_the_commune_name(window, commune_db):
    name = commune_db.db.execute("SELECT name FROM commune").fetchone()[0]
    assert window.windowTitle().startswith(f"GNApp — {name}")
    assert window.name_label.text() == name


def test_demo_commune_is_marked_in_title_and_badge(qtbot, new_db):
    build_commune(new_db, demo=True)
    window = opened(qtbot, new_db)
    window.show()
    assert window.windowTitle() == "GNApp — Xã Thử Nghiệm — DỮ LIỆU MẪU"
    assert window.demo_badge.isVisible()


def test_a_real_commune_has_no_demo_mark(qtbot, new_db):
    build_commune(new_db)
    window = opened(qtbot, new_db)
    window.show()
    assert window.windowTitle() == "GNApp — Xã Thử Nghiệm"
    assert not window.demo_badge.isVisible()


def test_header_shows_kind_province_and_receiving_office(qtbot, new_db):
    build_commune(new_db, kind="phuong")
    window = opened(qtbot, new_db)
    details = window.details_label.text()
    assert "Phường" in details
    assert "Quảng Ngãi" in details
    assert "Sở Nông nghiệp và Môi trường tỉnh Quảng Ngãi" in details
    model = window.village_model
    assert cell(model, model.rowCount() - 1, 0) == "Toàn phường"


def test_latest_year_is_selected(window, commune_db):
    years = [r[0] for r in commune_db.db.execute("SELECT DISTINCT year FROM household_status")]
    assert window.year == max(years)
    assert [window.year_box.itemText(i) for i in range(window.year_box.count())] == [
        str(y) for y in sorted(years)
    ]


def test_the_dashboard_opens_on_the_year_the_window_shows(window):
    # one default year across the app (issue 20, item 12): not this calendar year
    assert window.dashboard.year.value() == window.year


def test_village_table_has_one_row_per_village_and_the_total_last(window, commune_db):
    villages = sql_count(commune_db, "SELECT count(*) FROM villages")
    model = window.village_model
    assert model.rowCount() == villages + 1
    assert cell(model, villages, 0) == "Toàn xã"
    assert model.is_total_row(villages)
    font = model.data(model.index(villages, 0), qt.Qt.ItemDataRole.FontRole)
    assert font.bold()
    assert model.data(model.index(0, 0), qt.Qt.ItemDataRole.FontRole) is None


def test_totals_equal_sql_counts_for_the_selected_year(window, commune_db):
    counts = year_counts(commune_db, window.year)
    assert total_row_texts(window) == {key: format_number(n) for key, n in counts.items()}
    assert window.households_box.value.text() == format_number(counts["households"])
    assert window.members_box.value.text() == format_number(counts["members"])
    assert window.poor_box.value.text() == format_number(counts["poor"])
    rate = format_percent(counts["poor"] / counts["households"] * 100)
    assert f"tỷ lệ {rate}" in window.poor_box.detail.text()


def test_changing_the_year_shows_that_years_counts(qtbot, window, commune_db):
    """A past year as the reports show its end: its official totals when recognised, else the
    register as of 31/12."""
    shown = {}
    for index in range(window.year_box.count()):
        window.year_box.setCurrentIndex(index)
        counted(qtbot, window)
        year = window.year
        end = year_end(commune_db.db, year).commune
        counts = {"households": end.households, "members": end.members,
                  "poor": end.poor.households, "near_poor": end.near_poor.households}  # fmt: skip
        assert total_row_texts(window) == {key: format_number(n) for key, n in counts.items()}
        assert window.near_poor_box.value.text() == format_number(counts["near_poor"])
        assert str(year) in window.village_group.title()
        shown[year] = counts["poor"]
    assert len(set(shown.values())) > 1  # the years really differ, so the check above can fail


def test_a_past_year_is_not_todays_register(qtbot, demo_db):
    """The demo's events took households away since 2024: the overview of 2024 counts those
    present on 31/12/2024, not today's register by 2024's statuses."""
    window = opened(qtbot, demo_db)
    window.year_box.setCurrentIndex(window.years.index(2024))
    counted(qtbot, window)
    today = year_counts(demo_db, 2024)
    assert total_row_texts(window)["households"] != format_number(today["households"])
    assert "Số liệu năm 2024 tính đến 31/12/2024" in window.basis_label.text()


def test_the_overview_and_the_annual_report_agree(qtbot, demo_db):
    """2025 against 2024: the same reduction as the annual report's, each year as of its end
    (2025 by the recognition decision's frozen totals)."""
    window = opened(qtbot, demo_db)
    assert window.year == 2025
    report = report_figures(demo_db.db, "annual", "2025")
    for box, status in ((window.poor_box, "poor"), (window.near_poor_box, "near_poor")):
        reduction = getattr(report.commune_movements, status).reduction
        words = "giảm" if reduction > 0 else "tăng"
        assert f"{words} {format_number(abs(reduction))} hộ so với năm 2024" in box.detail.text()
        assert box.value.text() == format_number(getattr(report.end.commune, status).households)
    official = report.end.official
    assert official is not None
    assert window.basis_label.text() == (
        f"Số liệu năm 2025 theo Quyết định số {official.decision_number} ngày "
        f"{format_date(date.fromisoformat(official.decision_date))}; so sánh với năm 2024 "
        "tính đến 31/12/2024."
    )


def test_the_year_under_way_is_todays_register(qtbot, new_db):
    """This year's statuses over the register now, households added today included."""
    build_commune(new_db)
    this_year = date.today().year
    village = new_db.db.execute("SELECT id FROM villages ORDER BY id LIMIT 1").fetchone()[0]
    added = add_household(new_db, {"code": "HGD-HOM-NAY", "village_id": village},
                          [{"full_name": "Người Mới", "sex": "male", "birth_date": "1990",
                            "relation": "head"}])  # fmt: skip
    set_status(new_db, added, this_year, "poor")
    window = opened(qtbot, new_db)
    assert window.year == this_year
    assert total_row_texts(window) == {
        key: format_number(n) for key, n in year_counts(new_db, this_year).items()
    }
    assert window.poor_box.value.text() == "1"
    assert "giảm 1 hộ so với năm 2025" in window.poor_box.detail.text()  # 2 poor at 2025's end
    assert window.basis_label.text() == (
        f"Số liệu năm {this_year} đến hôm nay; so sánh với năm 2025 tính đến 31/12/2025."
    )


def test_change_against_the_previous_year_is_in_words(qtbot, new_db):
    build_commune(new_db)
    window = opened(qtbot, new_db)
    # 2024: 3 poor, 2 near-poor; 2025: 2 poor, 3 near-poor
    assert "giảm 1 hộ so với năm 2024" in window.poor_box.detail.text()
    assert "tăng 1 hộ so với năm 2024" in window.near_poor_box.detail.text()
    window.year_box.setCurrentIndex(0)
    counted(qtbot, window)
    assert "chưa có số liệu năm trước" in window.poor_box.detail.text()


def test_movements_and_targets_of_the_year(qtbot, new_db):
    build_commune(new_db)
    window = opened(qtbot, new_db)
    window.show()
    movements = {
        cell(window.movement_model, r, 0): cell(window.movement_model, r, 1)
        for r in range(window.movement_model.rowCount())
    }
    assert movements == {
        "Tiếp tục nghèo": "1", "Thoát nghèo, thành hộ cận nghèo": "1",
        "Thoát nghèo, vượt chuẩn cận nghèo": "1",
        "Tiếp tục cận nghèo": "1", "Từ cận nghèo thành nghèo": "1", "Cận nghèo phát sinh": "1",
    }  # fmt: skip
    targets = [
        (cell(window.target_model, r, 0), cell(window.target_model, r, 1))
        for r in range(window.target_model.rowCount())
    ]
    assert targets == [("Tỷ lệ hộ nghèo cuối năm", "2,5%"), ("Số hộ nghèo giảm trong năm", "1 hộ")]
    assert window.target_view.isVisible()
    assert not window.target_note.isVisible()


def test_a_year_without_movements_or_targets_says_so(qtbot, new_db):
    build_commune(new_db)
    window = opened(qtbot, new_db)
    window.show()
    window.year_box.setCurrentIndex(0)  # 2024: the first year, no targets
    counted(qtbot, window)
    assert window.target_model.rowCount() == 0
    assert not window.target_view.isVisible()
    assert window.target_note.isVisible()
    assert window.target_note.text() == "Chưa có chỉ tiêu nào được giao cho năm 2024."
    assert window.movement_note.isVisible()
    assert window.movement_note.text() == "Năm 2024 không có biến động nào được ghi nhận."


def test_status_bar_shows_file_and_schema_version(window, commune_db):
    assert str(commune_db.path.resolve()) in window.file_label.text()
    assert window.schema_label.text() == f"Lược đồ dữ liệu v{commune_db.schema_version}"


def test_every_text_the_clerk_reads_is_nfc(window):
    window.show()
    texts = [window.windowTitle()]
    texts += [label.text() for label in window.findChildren(qt.QLabel)]
    texts += [action.text() for action in window.findChildren(qt.QAction)]
    texts += [box.title() for box in window.findChildren(qt.QGroupBox)]
    for model in (window.village_model, window.movement_model, window.target_model):
        for column in range(model.columnCount()):
            texts.append(model.headerData(column, qt.Qt.Orientation.Horizontal))
            texts += [cell(model, row, column) for row in range(model.rowCount())]
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
    assert "Tỷ lệ hộ\nnghèo" in texts


def test_an_empty_database_opens_with_notes_instead_of_figures(qtbot, new_db):
    window = opened(qtbot, new_db)
    window.show()
    assert window.windowTitle() == "GNApp — Chưa khai báo thông tin xã"
    assert window.year is None
    assert not window.year_box.isEnabled()
    assert window.village_model.rowCount() == 0
    assert window.movement_note.isVisible()
    assert window.target_note.isVisible()


def test_menus_are_vietnamese_with_shortcuts(window):
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&Tệp", "&Hộ gia đình", "&Người dùng", "Trợ &giúp"]
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.open_action.text() == "&Mở dữ liệu xã…"
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    assert window.export_action.shortcut().toString() == "Ctrl+E"
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.add_action.shortcut().toString() == "Ctrl+N"
    assert window.about_action.text() == "&Giới thiệu GNApp"


def test_the_tablet_guide_opens_from_the_help_menu(window, monkeypatch):
    from gnapp.ui.common.guide import GuideDialog

    shown = []
    monkeypatch.setattr(GuideDialog, "exec", lambda dialog: shown.append(dialog))
    window.tablet_guide_action.trigger()
    (dialog,) = shown
    text = dialog.text.toPlainText()
    assert "KoBoToolbox" in text and "ODK Central" in text and "Tạo biểu mẫu máy tính bảng" in text
    assert dialog.width() <= 1366 and dialog.height() <= 690


# --- navigation and the household list --------------------------------------------------------


def test_navigation_offers_only_the_areas_that_exist(window):
    items = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert items == [
        "Tổng quan", "Hộ gia đình", "Tiến độ", "Chỉ tiêu", "Kinh phí", "Báo cáo", "Gửi cấp trên",
        "Rà soát hộ nghèo",
    ]  # fmt: skip
    assert window.pages.currentIndex() == OVERVIEW
    window.navigation.setCurrentRow(HOUSEHOLDS)
    assert window.pages.currentWidget() is window.household_page
    for area, view in ((DASHBOARD, window.dashboard), (TARGETS, window.targets_view),
                       (ACTIVITIES, window.activities_view),
                       (REPORTS, window.reports_view),
                       (PACKAGES, window.packages_view),
                       (REVIEW, window.review_view)):  # fmt: skip
        window.show_area(area)
        assert window.pages.currentWidget() is view
        assert view.cdb is window.cdb


def test_programme_views_follow_a_newly_opened_database(window, tmp_path):
    other = tmp_path / "khac.gnapp"
    open_database(other, create=True).close()
    window.show_area(TARGETS)
    assert window.open_path(other)
    assert window.targets_view.cdb is window.cdb
    assert window.pages.currentWidget() is window.targets_view


def test_name_and_year_stay_in_view_on_the_household_list(qtbot, window):
    window.show()
    window.show_area(HOUSEHOLDS)
    assert window.name_label.isVisible()
    assert window.year_box.isVisible()
    assert window.household_page.isVisible()


def test_find_shows_the_list_with_the_search_focused(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.find_action.trigger()
    assert window.pages.currentWidget() is window.household_page
    qtbot.waitUntil(lambda: window.household_page.search_box.hasFocus())


def test_the_list_follows_the_year_in_view(window, commune_db):
    households = sql_count(commune_db, f"SELECT count(*) FROM ({PRESENT})")
    page = window.household_page
    assert page.model.rowCount() == households
    assert page.year == window.year
    window.year_box.setCurrentIndex(0)
    assert page.year == window.year_box.itemData(0)
    header = page.model.headerData(STATUS_COLUMN, qt.Qt.Orientation.Horizontal)
    assert header == f"Tình trạng {window.year}"


def test_opening_a_household_and_saving_refreshes_the_window(
    qtbot, window, commune_db, monkeypatch
):
    seen = []

    def fake_edit(parent, cdb, household_id):
        seen.append(household_id)
        if household_id is None:
            return add_household(cdb, {"code": "HGD-NEW", "village_id": 1},
                                 [{"full_name": "Bùi Thị Mới", "sex": "female",
                                   "birth_date": "1990", "relation": "head"}])  # fmt: skip
        return None

    monkeypatch.setattr(main_window, "edit_household", fake_edit)
    page = window.household_page
    before, first = page.model.rowCount(), page.model.household_id(0)
    households_before = year_end(window.cdb.db, window.year).commune.households
    page.open_household.emit(first)
    assert page.model.rowCount() == before  # not saved: nothing to read again
    page.search_box.setText("khong ai co ten nay")
    page.apply_filters()
    assert page.model.rowCount() == 0
    page.add_button.click()
    assert seen == [first, None]
    # The search that would hide the new household is emptied, and the new one is selected.
    assert page.search_box.text() == ""
    assert page.model.rowCount() == before + 1
    assert page.model.index(page.view.currentIndex().row(), 1).data() == "Bùi Thị Mới"
    counted(qtbot, window)
    # the overview read again, the past year shown as its report counts its end: the demo's
    # 2025 by its frozen official totals (unchanged); the hand-built commune's as of 31/12,
    # where a household entered without a date of moving in counts from before the records
    end = year_end(window.cdb.db, window.year).commune.households
    assert window.households_box.value.text() == format_number(end)
    assert (end == households_before + 1) == (commune_db.db.execute(
        "SELECT count(*) FROM official_totals").fetchone()[0] == 0)  # fmt: skip


def test_import_opens_the_wizard_and_reads_again_when_it_closes(qtbot, window, monkeypatch):
    opened = []

    def open_import_wizard(parent, cdb):
        wizard = qt.QDialog(parent)
        opened.append((parent, cdb, wizard))
        return wizard

    monkeypatch.setitem(sys.modules, "gnapp.ui.register.import_wizard",
                        types.SimpleNamespace(open_import_wizard=open_import_wizard))  # fmt: skip
    window.import_button.click()
    parent, cdb, wizard = opened[0]
    assert (parent, cdb) == (window, window.cdb)
    add_household(cdb, {"code": "HGD-NHAP", "village_id": 1},
                  [{"full_name": "Lò Văn Nhập", "sex": "male", "birth_date": "1970",
                    "relation": "head"}])  # fmt: skip
    before = window.household_page.model.rowCount()
    wizard.done(0)
    assert window.household_page.model.rowCount() == before + 1
    window.import_action.trigger()
    assert len(opened) == 2


def test_export_opens_the_dialog_for_the_year_in_view(window, monkeypatch):
    calls = []
    monkeypatch.setitem(
        sys.modules,
        "gnapp.ui.register.export_dialog",
        types.SimpleNamespace(open_export_dialog=lambda *args: calls.append(args)),
    )
    window.year_box.setCurrentIndex(0)
    window.household_page.export_button.click()
    window.export_action.trigger()
    assert calls == [(window, window.cdb, window.year_box.itemData(0))] * 2


def test_window_fits_an_office_screen(window):
    assert window.width() <= 1366
    assert window.height() <= 768 - 70  # taskbar and title bar


# --- message boxes, opening another file ------------------------------------------------------


@pytest.fixture
def shown_boxes(monkeypatch):
    """Message boxes that would have been shown (exec is replaced, nothing blocks)."""
    boxes = []

    def record(box):
        boxes.append(
            {
                "title": box.windowTitle(),
                "text": box.text(),
                "buttons": [button.text() for button in box.buttons()],
            }
        )
        return 0

    monkeypatch.setattr(qt.QMessageBox, "exec", record)
    return boxes


def test_about_box_gives_the_version(window, shown_boxes):
    window.about_action.trigger()
    assert shown_boxes[0]["title"] == "Giới thiệu GNApp"
    assert f"phiên bản {gnapp.__version__}" in shown_boxes[0]["text"]
    assert shown_boxes[0]["buttons"] == ["Đóng"]


def test_opening_another_file_shows_it(qtbot, new_db, tmp_path):
    build_commune(new_db)
    window = opened(qtbot, new_db)
    other = open_database(tmp_path / "khac.gnapp", create=True)
    save_commune(other, code="1", name="Phường Bình Minh", kind="phuong", province="Huế")
    other.close()
    assert window.open_path(tmp_path / "khac.gnapp")
    assert window.windowTitle() == "GNApp — Phường Bình Minh"
    assert window.cdb.path == tmp_path / "khac.gnapp"
    window.cdb.close()


def test_a_cancelled_sign_in_keeps_the_current_file(window, monkeypatch, tmp_path):
    other = tmp_path / "khac.gnapp"
    open_database(other, create=True).close()
    monkeypatch.setattr(main_window, "sign_in_to_commune", lambda cdb: None)
    current = window.cdb
    assert not window.open_path(other)
    assert window.cdb is current


def test_a_file_that_cannot_be_opened_keeps_the_current_one(window, commune_db, shown_boxes,
                                                           tmp_path):  # fmt: skip
    junk = tmp_path / "hong.gnapp"
    junk.write_bytes(b"not a database" * 100)
    title = window.windowTitle()
    assert not window.open_path(junk)
    assert window.windowTitle() == title
    assert window.cdb is commune_db
    assert shown_boxes[0]["title"] == "Không mở được dữ liệu"
    assert "không phải cơ sở dữ liệu GNApp" in shown_boxes[0]["text"]
    assert shown_boxes[0]["buttons"] == ["Đóng"]


def test_the_file_dialog_speaks_vietnamese(window, monkeypatch):
    seen = {}

    def record(dialog):
        seen["filter"] = dialog.nameFilters()
        seen["accept"] = dialog.labelText(qt.QFileDialog.DialogLabel.Accept)
        seen["reject"] = dialog.labelText(qt.QFileDialog.DialogLabel.Reject)
        return 0

    monkeypatch.setattr(qt.QFileDialog, "exec", record)
    path = window.cdb.path
    window.open_action.trigger()
    assert seen == {"filter": ["Dữ liệu GNApp (*.gnapp)"], "accept": "Mở", "reject": "Hủy"}
    assert window.cdb.path == path


# --- run_gui ----------------------------------------------------------------------------------


def test_run_gui_reports_a_missing_file_in_vietnamese(qapp, shown_boxes, tmp_path):
    assert run_gui(tmp_path / "khong-co.gnapp") == 1
    assert shown_boxes[0]["title"] == "GNApp — không mở được dữ liệu"
    assert "Không tìm thấy tệp dữ liệu" in shown_boxes[0]["text"]
    assert shown_boxes[0]["buttons"] == ["Đóng"]


@pytest.fixture
def shown_windows(monkeypatch, signed_in):
    """Windows run_gui showed; the event loop returns at once."""
    windows = []
    build = ui_app.build_main_window

    def record(cdb, user):
        windows.append(build(cdb, user))
        return windows[-1]

    monkeypatch.setattr(ui_app, "build_main_window", record)
    monkeypatch.setattr(ui_app, "sign_in_to_commune", lambda cdb: signed_in)
    monkeypatch.setattr(qt.QApplication, "exec", lambda *args: 0)
    yield windows
    for window in windows:
        window.deleteLater()


def test_run_gui_without_signing_in_shows_no_window(qapp, new_db, monkeypatch):
    build_commune(new_db)
    new_db.close()
    monkeypatch.setattr(ui_app, "sign_in_to_commune", lambda cdb: None)
    monkeypatch.setattr(ui_app, "build_main_window", pytest.fail)
    assert run_gui(new_db.path) == 0


def test_run_gui_shows_the_window_and_closes_the_database(qapp, new_db, shown_windows):
    build_commune(new_db)
    new_db.close()
    assert run_gui(new_db.path) == 0
    assert qapp.applicationName() == "GNApp"
    assert qapp.organizationName() == "GNApp"
    assert qapp.windowIcon().availableSizes() == [qt.QSize(256, 256)]  # resources/icons/gnapp.png
    assert shown_windows[0].windowTitle() == "GNApp — Xã Thử Nghiệm"
    assert shown_windows[0].isVisible()
    assert shown_windows[0].user_label.text() == "Người dùng: Nguyễn Thị Cán — Cán bộ nhập liệu"
    assert not shown_windows[0].users_action.isEnabled()
    with pytest.raises(Exception, match="closed"):
        shown_windows[0].cdb.db.execute("SELECT 1")


def _fake_demo(monkeypatch, fresh_demo_copy):
    from gnapp.demo import DEMO_PASSWORD

    fake = types.SimpleNamespace(
        fresh_demo_copy=fresh_demo_copy, DEMO_USERS=DEMO_USERS, DEMO_PASSWORD=DEMO_PASSWORD
    )
    monkeypatch.setitem(sys.modules, "gnapp.demo", fake)
    monkeypatch.setattr(gnapp, "demo", sys.modules["gnapp.demo"], raising=False)


def test_the_sign_in_shows_while_the_demo_is_made(qtbot, monkeypatch, shown_windows, signed_in,
                                                 tmp_path):  # fmt: skip
    made, release, seen = [], threading.Event(), []

    def fresh_demo_copy(path, progress=None):
        progress(100, 200)
        release.wait(30)
        cdb = open_database(path, create=True)
        build_commune(cdb, demo=True)
        cdb.close()
        made.append(path)

    def sign_in(dialog):
        qtbot.waitUntil(lambda: dialog.making.value() == 100, timeout=10_000)
        ok = dialog.buttons.button(qt.QDialogButtonBox.StandardButton.Ok)
        seen.append((list(made), ok.isEnabled(), dialog.making.isVisibleTo(dialog),
                     dialog.making.text(), dialog.username.text()))  # fmt: skip
        release.set()
        qtbot.waitUntil(lambda: dialog.cdb is not None, timeout=10_000)
        seen.append((ok.isEnabled(), dialog.making.isVisibleTo(dialog), dialog.title.text()))
        dialog.user = signed_in
        return 1

    _fake_demo(monkeypatch, fresh_demo_copy)
    monkeypatch.setattr(ui_app.LoginDialog, "exec", sign_in)
    path = tmp_path / "mau.gnapp"
    assert run_gui(path, demo=True) == 0
    assert seen == [
        ([], False, True, "Đang tạo dữ liệu mẫu… 50%", DEMO_USERS[0][0]),
        (True, False, "<b>Xã Thử Nghiệm</b><br>Đăng nhập để làm việc"),
    ]
    assert made == [path]
    assert shown_windows[0].windowTitle().endswith("— DỮ LIỆU MẪU")
    assert run_gui(path, demo=True) == 0  # an existing demo file is opened, not made again
    assert made == [path]


def test_quitting_while_the_demo_is_made_stops_it(qtbot, monkeypatch, shown_windows, tmp_path):
    steps = []

    def fresh_demo_copy(path, progress=None):
        path.write_bytes(b"")  # as far as it got
        for step in range(1000):
            progress(step, 1000)  # raises Cancelled once quit
            steps.append(step)
            time.sleep(0.01)

    def quit_(dialog):
        qtbot.waitUntil(lambda: dialog.making.value() > 0, timeout=10_000)
        return 0

    _fake_demo(monkeypatch, fresh_demo_copy)
    monkeypatch.setattr(ui_app.LoginDialog, "exec", quit_)
    path = tmp_path / "mau.gnapp"
    assert run_gui(path, demo=True) == 0
    assert 0 < len(steps) < 1000
    assert not path.exists()
    assert shown_windows == []


def test_a_failed_demo_leaves_no_file_behind(qtbot, monkeypatch, tmp_path):
    def fresh_demo_copy(path, progress=None):
        open_database(path, create=True).close()
        raise RuntimeError("engine failed")

    def wait(dialog):
        pool = qt.QThreadPool.globalInstance()
        qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=10_000)
        qtbot.wait(100)  # the failure reaches the dialog
        return 0

    _fake_demo(monkeypatch, fresh_demo_copy)
    monkeypatch.setattr(ui_app.LoginDialog, "exec", wait)
    path = tmp_path / "mau.gnapp"
    with pytest.raises(RuntimeError):
        run_gui(path, demo=True)
    assert not path.exists()


# --- the models -------------------------------------------------------------------------------


def figures(name: str, households: int, poor: int, area: str = "rural") -> VillageFigures:
    return VillageFigures(
        village_id=hash(name) % 1000, name=name, area=area, households=households,
        members=households * 4, poor=poor, near_poor=1, average=0, poor_members=poor * 4,
        near_poor_members=4,
    )  # fmt: skip


SAMPLE = [figures("Tổ dân phố 2", 80, 1, "urban"), figures("Thôn Ân", 120, 9),
          figures("Thôn Bình", 60, 6), figures("Làng Đắk", 40, 12)]  # fmt: skip


def test_village_model_passes_qtmodeltester(qtmodeltester):
    model = VillageTableModel()
    model.set_figures(SAMPLE)
    qtmodeltester.check(model)
    model.sort(column_of("Hộ nghèo"), qt.Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_text_model_passes_qtmodeltester(qtmodeltester):
    model = TextTableModel(("Biến động", "Số hộ"), numeric_columns=(1,))
    model.set_rows(movement_rows({"escaped_poverty": 3, "newly_poor": 1}))
    qtmodeltester.check(model)


def test_village_model_formats_and_aligns(qtbot):
    model = VillageTableModel()
    model.set_figures([figures("Thôn Ân", 1810, 52)])
    assert cell(model, 0, column_of("Số hộ")) == "1.810"
    assert cell(model, 0, column_of("Tỷ lệ hộ\nnghèo")) == "2,87%"
    assert cell(model, 0, column_of("Khu vực")) == "Nông thôn"
    assert cell(model, 1, column_of("Khu vực")) == ""
    right = model.data(model.index(0, column_of("Số hộ")), qt.Qt.ItemDataRole.TextAlignmentRole)
    left = model.data(model.index(0, 0), qt.Qt.ItemDataRole.TextAlignmentRole)
    assert right & qt.Qt.AlignmentFlag.AlignRight
    assert left & qt.Qt.AlignmentFlag.AlignLeft


def names(model) -> list[str]:
    return [cell(model, row, 0) for row in range(model.rowCount())]


def test_sorting_reorders_villages_and_keeps_the_total_last():
    model = VillageTableModel()
    model.set_figures(SAMPLE)
    model.sort(column_of("Tỷ lệ hộ\nnghèo"), qt.Qt.SortOrder.DescendingOrder)
    assert names(model) == ["Làng Đắk", "Thôn Bình", "Thôn Ân", "Tổ dân phố 2", "Toàn xã"]
    model.sort(0, qt.Qt.SortOrder.AscendingOrder)  # Vietnamese order: L < T, Â after A
    assert names(model) == ["Làng Đắk", "Thôn Ân", "Thôn Bình", "Tổ dân phố 2", "Toàn xã"]
    model.sort(-1, qt.Qt.SortOrder.AscendingOrder)
    assert names(model) == [*(row.name for row in SAMPLE), "Toàn xã"]


def test_sorting_moves_the_selection_with_its_village():
    model = VillageTableModel()
    model.set_figures(SAMPLE)
    selected = qt.QPersistentModelIndex(model.index(3, 1))  # Làng Đắk
    total = qt.QPersistentModelIndex(model.index(4, 2))
    model.sort(column_of("Số hộ"), qt.Qt.SortOrder.AscendingOrder)
    assert (selected.row(), selected.column()) == (0, 1)
    assert total.row() == 4


def test_a_new_year_keeps_the_chosen_sort():
    model = VillageTableModel()
    model.set_figures(SAMPLE)
    model.sort(column_of("Số hộ"), qt.Qt.SortOrder.DescendingOrder)
    model.set_figures(list(reversed(SAMPLE)))
    assert names(model)[:2] == ["Thôn Ân", "Tổ dân phố 2"]


def test_clicking_a_header_sorts_the_window_table(window):
    view = window.village_view
    households = column_of("Số hộ")
    view.horizontalHeader().setSortIndicator(households, qt.Qt.SortOrder.AscendingOrder)
    villages = window.village_model.villages
    assert [v.households for v in villages] == sorted(v.households for v in villages)
    assert window.village_model.is_total_row(window.village_model.rowCount() - 1)


def test_village_model_total_matches_the_store_on_the_window(window, commune_db):
    model = window.village_model
    assert sorted(v.village_id for v in model.villages) == sorted(
        v.village_id for v in village_figures(commune_db.db, window.year)
    )


# --- texts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "year", "expected"),
    [
        (40, 52, 2024, "giảm 12 hộ so với năm 2024"),
        (1500, 10, 2023, "tăng 1.490 hộ so với năm 2023"),
        (7, 7, 2024, "không đổi so với năm 2024"),
        (7, None, None, "chưa có số liệu năm trước để so sánh"),
    ],
)
def test_change_text(current, previous, year, expected):
    assert change_text(current, previous, year) == expected


def test_movement_rows_follow_the_label_order():
    rows = movement_rows({"newly_poor": 2, "escaped_poverty": 1250, "remained_poor": 4})
    assert [row.cells for row in rows] == [
        ("Tiếp tục nghèo", "4"), ("Thoát nghèo, vượt chuẩn cận nghèo", "1.250"),
        ("Nghèo phát sinh", "2"),
    ]  # fmt: skip


def test_target_rows_label_value_unit_and_decision():
    kinds = {"poverty_rate": {"label": "Tỷ lệ hộ nghèo cuối năm"}}
    rows = target_rows(
        [
            {"code": "poverty_rate", "value": 2.3, "unit": "%", "decision_number": "65/QĐ-UBND",
             "decision_date": "2025-02-05"},
            {"code": "not_in_catalogue", "value": 1500, "unit": "người", "decision_number": None,
             "decision_date": None},
        ],
        kinds,
    )  # fmt: skip
    assert rows[0].cells == ("Tỷ lệ hộ nghèo cuối năm", "2,3%")
    assert rows[0].tooltip == "Quyết định số 65/QĐ-UBND ngày 05/02/2025"
    assert rows[1].cells == ("not_in_catalogue", "1.500 người")
    assert rows[1].tooltip is None


def test_target_value_text():
    assert target_value_text(98, "%") == "98%"
    assert target_value_text(12.0, "hộ") == "12 hộ"


def test_qt_is_imported_only_by_gnapp_ui_common_qt():
    root = Path(gnapp.__file__).parent
    importers = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "PySide6" in path.read_text(encoding="utf-8")
    }
    assert importers == {"ui/common/qt.py"}
