"""The household list: its paged model, search as you type, filters and sorting."""

from __future__ import annotations

import unicodedata

import pytest

from gnapp.core.vietnamese import format_number
from gnapp.store.household_query import HouseholdQuery, matching_ids
from gnapp.store.register import add_household, add_village
from gnapp.ui.common import qt
from gnapp.ui.common.household_list import (
    CACHED_PAGES,
    COLUMNS,
    GROUPS_COLUMN,
    HOUSEHOLD_ID_ROLE,
    PAGE_SIZE,
    STATUS_COLUMN,
    HouseholdListPage,
    HouseholdTableModel,
)

DISPLAY = qt.Qt.ItemDataRole.DisplayRole


def cell(model, row: int, column: int):
    return model.data(model.index(row, column), DISPLAY)


def shown_ids(model) -> list[int]:
    return [model.data(model.index(row, 0), HOUSEHOLD_ID_ROLE) for row in range(model.rowCount())]


PRESENT = "h.present_until IS NULL"  # in the commune now: the demo's events took some away


def sql_ids(cdb, where: str = "1", order: str = "h.head_sort_key, h.id", *, departed=False):
    present = "1" if departed else PRESENT
    sql = (
        "SELECT h.id FROM households h JOIN villages v ON v.id = h.village_id "
        "LEFT JOIN household_status s ON s.household_id = h.id AND s.year = 2025 "
        f"WHERE {present} AND ({where}) ORDER BY {order}"
    )
    return [row[0] for row in cdb.db.execute(sql)]


def households_now(cdb) -> int:
    return len(sql_ids(cdb))


@pytest.fixture
def page(qtbot, demo_db):
    page = HouseholdListPage()
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.set_database(demo_db, 2025)
    page.show()
    return page


def type_search(qtbot, page, text: str) -> None:
    """Type into the search box and wait for the (debounced) search to run."""
    page.search_box.clear()
    qtbot.keyClicks(page.search_box, text)
    assert page.search_timer.isActive()  # typing waits for a pause before it searches
    qtbot.waitUntil(lambda: not page.search_timer.isActive())


# --- the model --------------------------------------------------------------------------------


def test_model_passes_qtmodeltester(qtmodeltester, demo_db):
    model = HouseholdTableModel()
    model.set_database(demo_db, HouseholdQuery(year=2025))
    qtmodeltester.check(model)
    model.sort(STATUS_COLUMN, qt.Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_rows_show_what_sql_says(demo_db):
    model = HouseholdTableModel()
    model.set_database(demo_db, HouseholdQuery(year=2025))
    assert shown_ids(model) == sql_ids(demo_db)
    for row in (0, 137, model.rowCount() - 1):
        household_id = model.household_id(row)
        code, head, village, members, status = demo_db.db.execute(
            "SELECT h.code, h.head_name, v.name, "
            "(SELECT count(*) FROM members WHERE household_id = h.id), s.status "
            "FROM households h JOIN villages v ON v.id = h.village_id "
            "LEFT JOIN household_status s ON s.household_id = h.id AND s.year = 2025 "
            "WHERE h.id = ?",
            [household_id],
        ).fetchone()
        labels = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo", "not_poor": "Hộ không nghèo",
                  "average": "Hộ có mức sống trung bình", None: ""}  # fmt: skip
        assert [cell(model, row, c) for c in range(5)] == [
            code, head, village, format_number(members), labels[status]
        ]  # fmt: skip
    assert model.headerData(STATUS_COLUMN, qt.Qt.Orientation.Horizontal) == "Tình trạng 2025"
    assert [model.headerData(c, qt.Qt.Orientation.Horizontal) for c in range(6)] == [
        "Mã hộ", "Chủ hộ", "Thôn/Tổ dân phố", "Số nhân khẩu", "Tình trạng 2025", "Nhóm",
    ]  # fmt: skip


def test_group_column_abbreviates_and_explains(demo_db):
    model = HouseholdTableModel()
    model.set_database(demo_db, HouseholdQuery(groups=("ethnic_minority",)))
    assert model.rowCount() > 0
    assert cell(model, 0, GROUPS_COLUMN).startswith("DTTS")
    tooltip = model.data(model.index(0, GROUPS_COLUMN), qt.Qt.ItemDataRole.ToolTipRole)
    assert "Hộ dân tộc thiểu số" in tooltip
    header = model.headerData(GROUPS_COLUMN, qt.Qt.Orientation.Horizontal,
                              qt.Qt.ItemDataRole.ToolTipRole)  # fmt: skip
    assert "BTXH: Có thành viên là đối tượng bảo trợ xã hội" in header


def test_clicking_headers_sorts_in_sql(page, demo_db):
    header = page.view.horizontalHeader()
    orders = {
        0: "h.code {d}, h.head_sort_key, h.id",
        1: "h.head_sort_key {d}, h.id",
        2: "v.name_sort_key {d}, h.head_sort_key, h.id",
    }
    for column, order in orders.items():
        for sort, word in ((qt.Qt.SortOrder.AscendingOrder, ""),
                           (qt.Qt.SortOrder.DescendingOrder, "DESC")):  # fmt: skip
            header.setSortIndicator(column, sort)
            assert shown_ids(page.model) == sql_ids(demo_db, order=order.format(d=word))


def large_register(cdb, households: int) -> None:
    """``households`` households of two members, written fast."""
    with cdb.transaction() as db:
        db.execute("INSERT INTO villages (id, code, name, area, name_fold, name_sort_key) "
                   "VALUES (1, 'T01', 'Thôn Một', 'rural', 'thon mot', 'thon mot')")  # fmt: skip
        db.conn.executemany(
            "INSERT INTO households (id, code, village_id, head_name, head_name_fold, "
            "head_sort_key, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, 'x', 'x')",
            [(n, f"H{n:05d}", f"Người {n}", f"nguoi {n}", f"{n:05d}")
             for n in range(1, households + 1)],
        )  # fmt: skip
        db.conn.executemany(
            "INSERT INTO members (household_id, position, full_name, name_fold, "
            "sex, birth_date, relation) VALUES (?, ?, ?, ?, 'male', '1980', ?)",
            [(n, p, f"Người {n}", f"nguoi {n}", "head" if p == 1 else "child")
             for n in range(1, households + 1) for p in (1, 2)],
        )  # fmt: skip


def test_the_model_reads_a_page_or_two_until_scrolled(qtbot, new_db):
    large_register(new_db, 2000)
    page = HouseholdListPage()
    qtbot.addWidget(page)
    page.resize(900, 500)
    page.set_database(new_db, None)
    page.show()
    qtbot.waitExposed(page)
    assert page.model.rowCount() == 2000
    qtbot.waitUntil(lambda: page.model.cached_rows > 0)  # the view painted its first rows
    assert page.model.cached_rows <= 2 * PAGE_SIZE
    page.view.scrollToBottom()
    qtbot.waitUntil(lambda: cell(page.model, 1999, 0) == "H02000")
    assert page.model.cached_rows <= 3 * PAGE_SIZE  # the first page, the last one (or two)
    for row in range(0, 2000, PAGE_SIZE):
        cell(page.model, row, 0)
    assert page.model.cached_rows == CACHED_PAGES * PAGE_SIZE  # old pages are let go


# --- search and filters -----------------------------------------------------------------------


def test_search_as_you_type_ignores_diacritics(qtbot, page, demo_db):
    household = sql_ids(demo_db)[17]
    name, folded = demo_db.db.execute(
        "SELECT head_name, head_name_fold FROM households WHERE id = ?", [household]
    ).fetchone()
    type_search(qtbot, page, folded.upper())
    names = [cell(page.model, row, 1) for row in range(page.model.rowCount())]
    assert name in names
    total = households_now(demo_db)
    assert page.model.rowCount() < total
    assert page.count_label.text() == f"Đang hiển thị {format_number(len(names))} / {total} hộ"


def test_a_search_finds_the_person_the_head_first_and_says_who_matched(qtbot, new_db):
    village = add_village(new_db, "T01", "Thôn Đông", "rural")
    families = {
        "HGD-01": ["Huỳnh Công An", "Nguyễn Hồng Lan", "Huỳnh Văn Vinh"],  # two people's words
        "HGD-02": ["Trần Văn Bảo", "Nguyễn Văn Út"],  # the son is Nguyễn Văn
        "HGD-03": ["Nguyễn Văn Xuân"],
        "HGD-04": ["Nguyễn Văn Anh", "Lê Thị Hoa"],
    }
    for code, names in families.items():
        members = [
            {"full_name": name, "sex": "male", "birth_date": "1980",
             "relation": "head" if number == 0 else "child"}
            for number, name in enumerate(names)
        ]  # fmt: skip
        add_household(new_db, {"code": code, "village_id": village}, members)
    page = HouseholdListPage()
    qtbot.addWidget(page)
    page.set_database(new_db, None)
    page.show()
    type_search(qtbot, page, "nguyen van")
    rows = [(cell(page.model, row, 0), cell(page.model, row, 1))
            for row in range(page.model.rowCount())]  # fmt: skip
    assert rows == [
        ("HGD-04", "Nguyễn Văn Anh"),
        ("HGD-03", "Nguyễn Văn Xuân"),
        ("HGD-02", "Trần Văn Bảo (tìm thấy: Nguyễn Văn Út)"),
    ]
    tooltip = page.model.data(page.model.index(2, 1), qt.Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "Trần Văn Bảo (tìm thấy: Nguyễn Văn Út)"
    type_search(qtbot, page, "hoa le")
    assert [cell(page.model, 0, 1)] == ["Nguyễn Văn Anh (tìm thấy: Lê Thị Hoa)"]
    assert page.model.rowCount() == 1


def test_search_finds_a_code_and_a_citizen_id(qtbot, page, demo_db):
    type_search(qtbot, page, "hgd-00042")
    assert [cell(page.model, row, 0) for row in range(page.model.rowCount())] == ["HGD-00042"]
    citizen_id, household = demo_db.db.execute(
        "SELECT citizen_id, household_id FROM members WHERE citizen_id IS NOT NULL LIMIT 1"
    ).fetchone()
    type_search(qtbot, page, citizen_id)
    assert shown_ids(page.model) == [household]


def test_nothing_found_says_so(qtbot, page, demo_db):
    type_search(qtbot, page, "zzzz")
    assert page.model.rowCount() == 0
    total = households_now(demo_db)
    assert page.count_label.text() == f"Không có hộ nào phù hợp (trong tổng số {total} hộ)."


def test_filters_match_sql(page, demo_db):
    page.status_box.setCurrentIndex(page.status_box.findData("poor"))
    assert shown_ids(page.model) == sql_ids(demo_db, "s.status = 'poor'")
    village = page.village_box.itemData(2)
    page.village_box.setCurrentIndex(2)
    expected = sql_ids(demo_db, f"s.status = 'poor' AND h.village_id = {village}")
    assert shown_ids(page.model) == expected
    total = households_now(demo_db)
    assert page.count_label.text() == f"Đang hiển thị {format_number(len(expected))} / {total} hộ"
    page.village_box.setCurrentIndex(0)
    page.status_box.setCurrentIndex(page.status_box.findData("none"))
    page.group_box.setCurrentIndex(page.group_box.findData("social_assistance"))
    expected = sql_ids(demo_db, "s.id IS NULL AND h.social_assistance = 1")
    assert expected and shown_ids(page.model) == expected


def test_the_year_changes_statuses_and_keeps_the_status_filter(page, demo_db):
    page.status_box.setCurrentIndex(page.status_box.findData("poor"))
    page.set_year(2023)
    assert page.status_box.currentData() == "poor"
    assert page.model.headerData(STATUS_COLUMN, qt.Qt.Orientation.Horizontal) == "Tình trạng 2023"
    expected = [
        row[0]
        for row in demo_db.db.execute(
            "SELECT h.id FROM households h JOIN household_status s ON s.household_id = h.id "
            f"WHERE s.year = 2023 AND s.status = 'poor' AND {PRESENT} "
            "ORDER BY h.head_sort_key, h.id"
        )
    ]
    assert shown_ids(page.model) == expected
    assert page.status_box.itemText(page.status_box.count() - 1) == (
        "Không có trong danh sách năm 2023"
    )


def test_without_years_the_status_filter_is_off(qtbot, new_db):
    page = HouseholdListPage()
    qtbot.addWidget(page)
    page.set_database(new_db, None)
    assert not page.status_box.isEnabled()
    assert page.model.headerData(STATUS_COLUMN, qt.Qt.Orientation.Horizontal) == "Tình trạng"
    assert page.count_label.text().startswith("Sổ chưa có hộ nào")


def test_enter_on_a_row_opens_that_household(qtbot, page):
    page.view.setFocus()
    page.view.selectRow(3)
    with qtbot.waitSignal(page.open_household) as signal:
        qtbot.keyClick(page.view, qt.Qt.Key.Key_Return)
    assert signal.args == [page.model.household_id(3)]


def test_refresh_keeps_the_selected_household(page, demo_db):
    page.view.selectRow(5)
    chosen = page.current_household()
    demo_db.db.execute("UPDATE households SET head_sort_key = '' WHERE id = ?", [chosen])
    page.refresh()
    assert page.current_household() == chosen
    assert page.view.currentIndex().row() == 0  # it sorts first now


def test_refresh_after_a_change_searches_the_whole_register_again(qtbot, page, demo_db):
    from gnapp.store.register import update_member

    type_search(qtbot, page, "khongaico")
    assert page.model.rowCount() == 0
    member = demo_db.db.execute("SELECT id, household_id FROM members LIMIT 1").fetchone()
    update_member(demo_db, member[0], {"full_name": "Khongaico Tên Mới"})
    page.refresh()  # the same search: not to be answered from the matches before the change
    assert shown_ids(page.model) == [member[1]]


@pytest.mark.parametrize("sort", ["members", "status", "groups"])
def test_typing_in_an_order_no_index_gives_keeps_that_order(qtbot, page, demo_db, sort):
    page.model.set_query(HouseholdQuery(year=2025, sort=sort))
    for typed in ("n", "ng", "nguyen", "nguyen v", "thi"):
        query = HouseholdQuery(year=2025, sort=sort, search=typed)
        page.model.set_query(query)
        assert shown_ids(page.model) == list(matching_ids(demo_db.db, query)), typed
        assert page.model.rowCount() > 0


def test_buttons_ask_for_a_new_household_and_an_export(qtbot, page):
    with qtbot.waitSignal(page.add_household):
        page.add_button.click()
    with qtbot.waitSignal(page.export_lists):
        page.export_button.click()


def test_texts_are_nfc_and_vietnamese(page):
    texts = [label.text() for label in page.findChildren(qt.QLabel)]
    texts += [button.text() for button in page.findChildren(qt.QPushButton)]
    for box in (page.village_box, page.status_box, page.group_box):
        texts += [box.itemText(i) for i in range(box.count())]
    texts += [header for header, *_ in COLUMNS]
    texts.append(page.search_box.placeholderText())
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
    assert "Hộ cận nghèo" in texts
    assert "Hộ dân tộc thiểu số" in texts


def test_matching_ids_is_what_the_page_shows(page, demo_db):
    assert shown_ids(page.model) == matching_ids(demo_db.db, HouseholdQuery(year=2025))


def test_households_that_left_the_commune_show_only_on_request(page, demo_db):
    from gnapp.store import events

    left = shown_ids(page.model)[0]
    before = households_now(demo_db)
    everyone = len(sql_ids(demo_db, departed=True))  # with those the demo's events took away
    events.record_moved_away(demo_db, left, "2026-03-05", "Đi làm ăn xa")
    page.set_database(demo_db, 2025)
    assert shown_ids(page.model) == sql_ids(demo_db)
    assert left not in shown_ids(page.model)
    assert page.count_label.text() == f"Đang hiển thị {before - 1} / {before - 1} hộ"
    page.departed_box.setChecked(True)
    assert shown_ids(page.model) == sql_ids(demo_db, departed=True)
    assert page.count_label.text() == f"Đang hiển thị {everyone} / {everyone} hộ"
    page.set_database(demo_db, 2025)  # another register: every filter starts empty
    assert not page.departed_box.isChecked() and left not in shown_ids(page.model)
