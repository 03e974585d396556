"""The household list: search as you type, filters, Vietnamese order, rows paged from SQLite.

The model holds the ids of the matching households (one query, see
gnapp.store.household_query) and reads the rows it shows a page at a time, keeping a few
pages: 100,000 households never become 100,000 row objects.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import replace
from datetime import date
from typing import Any

from gnapp.core.classify import CLASS_LABELS
from gnapp.core.vietnamese import format_date, format_number
from gnapp.i18n import tr, tr_noop
from gnapp.store.database import CommuneDatabase
from gnapp.store.events import EVENT_LABELS, Event, departures
from gnapp.store.household_query import (
    GROUP_LABELS,
    GROUPS,
    NO_STATUS,
    HouseholdQuery,
    HouseholdRow,
    HouseholdSearch,
    household_count,
    household_rows,
)
from gnapp.store.register import STATUSES
from gnapp.ui.common.models import LEFT, RIGHT, FlatTableModel, capitalise
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import busy, fill_village_filter, table_view

PAGE_SIZE = 200
CACHED_PAGES = 6
SEARCH_DELAY_MS = 150  # typing pauses this long before the list searches

NO_STATUS_LABEL = tr_noop("Không có trong danh sách")
GROUP_ABBREVIATIONS = {
    "ethnic_minority": "DTTS",
    "revolution_merit": "NCC",
    "social_assistance": "BTXH",
    "without_working_capacity": tr_noop("Không KNLĐ"),
}


def groups_tooltip() -> str:
    return "\n".join(
        f"{tr(GROUP_ABBREVIATIONS[group])}: {tr(GROUP_LABELS[group])}" for group in GROUPS
    )


def event_text(event: Event) -> str:
    """One register event as the lists show it: "chuyển đi", "nhập vào hộ khác HGD-00012"."""
    text = tr(EVENT_LABELS[event.kind])
    return f"{text} {event.other_household_code}" if event.other_household_code else text


def departure_text(event: Event) -> str:
    """When and why a household left the commune: "Chuyển đi ngày 05/03/2024: …"."""
    day = format_date(date.fromisoformat(event.event_date))
    text = tr("{event} ngày {date}", event=capitalise(event_text(event)), date=day)
    return f"{text}: {event.reason}" if event.reason else text


def status_label(status: str | None) -> str:
    return capitalise(tr(CLASS_LABELS[status])) if status in STATUSES else ""


# header, tooltip (None: the groups' abbreviations), the query's sort, right-aligned
COLUMNS: tuple[tuple[str, str | None, str, bool], ...] = (
    (tr_noop("Mã hộ"), tr_noop("Mã hộ gia đình"), "code", False),
    (
        tr_noop("Chủ hộ"),
        tr_noop("Họ và tên chủ hộ (xếp theo tên, rồi họ và tên đệm)"),
        "head",
        False,
    ),
    (tr_noop("Thôn/Tổ dân phố"), tr_noop("Thôn, tổ dân phố nơi hộ cư trú"), "village", False),
    (tr_noop("Số nhân khẩu"), tr_noop("Số thành viên của hộ"), "members", True),
    (
        tr_noop("Tình trạng"),
        tr_noop("Hộ nghèo, hộ cận nghèo… theo danh sách của năm đang xem"),
        "status",
        False,
    ),
    (tr_noop("Nhóm"), None, "groups", False),
)
HEAD_COLUMN = 1
STATUS_COLUMN = 4
GROUPS_COLUMN = 5

HOUSEHOLD_ID_ROLE = Qt.ItemDataRole.UserRole
DEPARTED_COLOUR = QColor("#6b6b6b")  # a household no longer in the commune, greyed


def _cell_text(row: HouseholdRow, column: int) -> str:
    head = row.head_name
    if row.matched_member is not None:
        head = tr("{head} (tìm thấy: {member})", head=row.head_name, member=row.matched_member)
    values = (
        row.code,
        head,
        row.village_name,
        format_number(row.members),
        status_label(row.status),
        ", ".join(tr(GROUP_ABBREVIATIONS[group]) for group in row.groups),
    )
    return values[column]


class HouseholdTableModel(FlatTableModel):
    """The households a HouseholdQuery finds; rows are read from the database page by page."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cdb: CommuneDatabase | None = None
        self._search: HouseholdSearch | None = None
        self._query = HouseholdQuery()
        self._ids: Sequence[int] = []
        self._pages: OrderedDict[int, dict[int, HouseholdRow]] = OrderedDict()
        self._total = 0
        self._totals: dict[bool, int] = {}  # households in the register, with the departed or not
        self._departures: dict[int, Event] = {}  # shown with "Cả hộ đã rời xã"

    @property
    def query(self) -> HouseholdQuery:
        return self._query

    @property
    def total(self) -> int:
        """Households in the register, whatever the filters."""
        return self._total

    @property
    def cached_rows(self) -> int:
        """Rows held in memory (a few pages at most)."""
        return sum(len(page) for page in self._pages.values())

    def set_database(self, cdb: CommuneDatabase | None, query: HouseholdQuery) -> None:
        self._cdb = cdb
        self._search = None if cdb is None else HouseholdSearch(cdb.db)
        self._totals.clear()
        self.set_query(query)

    def set_query(self, query: HouseholdQuery, *, register_changed: bool = False) -> None:
        """Show what ``query`` finds; a search typed further reuses what the last ones found,
        unless the register has changed since."""
        clicked = replace(query, search="") != replace(self._query, search="")
        self._query = query
        if register_changed and self._search is not None:
            self._search.forget()
            self._totals.clear()
        self.beginResetModel()
        self._pages.clear()
        if self._cdb is None or self._search is None:
            self._ids, self._total = [], 0
        else:
            # an order, filter or year chosen may first copy or read a year's statuses
            # (at 100,000 households about half a second): the wait cursor says so
            with busy() if clicked else nullcontext():
                self._ids = self._search.find(self._query)
            departed = self._query.include_departed
            if departed not in self._totals:  # the same at every keystroke
                self._totals[departed] = household_count(self._cdb.db, include_departed=departed)
            self._total = self._totals[departed]
            self._departures = departures(self._cdb.db) if query.include_departed else {}
        self.endResetModel()

    def household_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, household_id: int) -> int | None:
        """The row showing a household, None when the query does not find it."""
        try:
            return self._ids.index(household_id)
        except ValueError:
            return None

    def _row(self, row: int) -> HouseholdRow | None:
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            assert self._cdb is not None  # there are rows only with a database
            start = number * PAGE_SIZE
            ids = self._ids[start : start + PAGE_SIZE]
            page = {
                row.id: row
                for row in household_rows(self._cdb.db, ids, self._query.year, self._query.search)
            }
            self._pages[number] = page
            if len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        # A household deleted since the query is missing from its page: its row stays empty.
        return page.get(self._ids[row])

    def row_count(self) -> int:
        return len(self._ids)

    def column_count(self) -> int:
        return len(COLUMNS)

    def cell(self, row: int, column: int, role: int) -> Any:
        if role == HOUSEHOLD_ID_ROLE:
            return self._ids[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if COLUMNS[column][3] else LEFT
        departure = self._departures.get(self._ids[row])
        if role == Qt.ItemDataRole.ForegroundRole:
            return DEPARTED_COLOUR if departure else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        household = self._row(row)
        if household is None:
            return None
        if departure and column == STATUS_COLUMN:
            if role == Qt.ItemDataRole.ToolTipRole:
                return departure_text(departure)
            day = format_date(date.fromisoformat(departure.event_date))
            return tr("Đã rời xã ({date})", date=day)
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell_text(household, column)
        if departure:
            return departure_text(departure)
        if column == HEAD_COLUMN and household.matched_member is not None:
            return _cell_text(household, column)  # whole, when the column cuts it short
        if column == GROUPS_COLUMN and household.groups:
            return "\n".join(tr(GROUP_LABELS[group]) for group in household.groups)
        return None

    def header(self, section: int, role: int) -> Any:
        header, tooltip, _, numeric = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if section == STATUS_COLUMN and self._query.year is not None:
                return f"{tr(header)} {self._query.year}"
            return tr(header)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr(tooltip) if tooltip is not None else groups_tooltip()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if numeric else LEFT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order in SQL by the column's Vietnamese key (column -1: by head of household)."""
        sort = COLUMNS[column][2] if column >= 0 else "head"
        descending = column >= 0 and order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self._query, sort=sort, descending=descending))


def _filter_box(tooltip: str) -> QComboBox:
    box = QComboBox()
    box.setToolTip(tooltip)
    # Long labels (village names, groups) show whole in the drop-down, not in the row.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(14)
    return box


class HouseholdListPage(QWidget):
    """Search and filters above the household table, the count of what is shown below it."""

    open_household = Signal(int)  # a household's id: double-click or Enter on its row
    add_household = Signal()
    export_lists = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cdb: CommuneDatabase | None = None
        self.model = HouseholdTableModel(self)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filters)

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(tr("Tìm theo họ tên, số CCCD hoặc mã hộ (gõ không dấu)"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(200)
        self.search_box.textChanged.connect(lambda: self.search_timer.start())
        self.search_box.returnPressed.connect(self._search_now)
        self.village_box = _filter_box(tr("Chỉ hiện các hộ của một thôn, tổ dân phố"))
        self.status_box = _filter_box(tr("Chỉ hiện các hộ có tình trạng này trong năm đang xem"))
        self.group_box = _filter_box(tr("Chỉ hiện các hộ thuộc một nhóm đối tượng"))
        self.group_box.addItem(tr("Tất cả các nhóm"), None)
        for group in GROUPS:
            self.group_box.addItem(tr(GROUP_LABELS[group]), group)
        for box in (self.village_box, self.status_box, self.group_box):
            box.currentIndexChanged.connect(self.apply_filters)
        self.departed_box = QCheckBox(tr("Cả hộ đã rời xã"), objectName="departed")
        self.departed_box.setToolTip(
            tr("Hiện cả các hộ không còn ở xã (đã chuyển đi, nhập vào hộ khác, không còn ai)")
        )
        self.departed_box.toggled.connect(lambda _: self.apply_filters())

        self.add_button = QPushButton(tr("Thêm hộ…"))
        self.add_button.setToolTip(tr("Nhập một hộ gia đình mới vào sổ"))
        self.add_button.clicked.connect(self.add_household)
        self.export_button = QPushButton(tr("Xuất danh sách…"))
        self.export_button.setToolTip(
            tr("Xuất sổ hộ hoặc danh sách hộ nghèo, cận nghèo ra tệp Excel")
        )
        self.export_button.clicked.connect(self.export_lists)

        self.view = self._build_view()
        self.count_label = QLabel(objectName="countLabel")

        search_label = QLabel(tr("Tì&m:"))
        search_label.setBuddy(self.search_box)
        filters = QHBoxLayout()
        filters.addWidget(search_label)
        filters.addWidget(self.search_box, 1)
        # Alt+T, Alt+H, Alt+G and Alt+N belong to the menus and the year.
        for text, box in ((tr("Thôn:"), self.village_box), (tr("Tình t&rạng:"), self.status_box),
                          (tr("Nhóm:"), self.group_box)):  # fmt: skip
            label = QLabel(text)
            label.setBuddy(box)
            filters.addWidget(label)
            filters.addWidget(box)
        filters.addWidget(self.departed_box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    def _build_view(self) -> QTableView:
        view = table_view(self.model)
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        rows = view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Widths from the texts, not from the rows (measuring every row would read every page).
        metrics = view.fontMetrics()
        widths = ("HGD-000000", "Nguyễn Thị Phương Thảo", "Thôn Phước Hòa Đông", tr("Số nhân khẩu"),
                  tr("Hộ có mức sống trung bình"))  # fmt: skip
        for column, text in enumerate(widths):
            header.resizeSection(column, metrics.horizontalAdvance(text) + 28)
        header.setSortIndicator(HEAD_COLUMN, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.activated.connect(self._activated)
        return view

    # --- content --------------------------------------------------------------------------

    @property
    def year(self) -> int | None:
        return self.model.query.year

    def set_database(self, cdb: CommuneDatabase, year: int | None) -> None:
        """Show another register with its statuses of ``year``; filters and search start empty."""
        self.cdb = cdb
        self._clear_filters()
        self._fill_villages()
        self._fill_statuses(year)
        self.model.set_database(cdb, replace(self._filters(), year=year))
        self.show_count()

    def _clear_filters(self) -> None:
        """Every filter back to "all" and the search emptied, without running the query."""
        for box in (self.village_box, self.group_box, self.status_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.departed_box.blockSignals(True)
        self.departed_box.setChecked(False)
        self.departed_box.blockSignals(False)
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)

    def set_year(self, year: int | None) -> None:
        """Show statuses of ``year`` (the status filter keeps its choice)."""
        self._fill_statuses(year)
        self._run(replace(self._filters(), year=year))

    def _fill_villages(self) -> None:
        """The village filter's choices from the register, keeping the one chosen."""
        assert self.cdb is not None
        fill_village_filter(self.village_box, self.cdb.db)

    def _fill_statuses(self, year: int | None) -> None:
        chosen = self.status_box.currentData()
        self.status_box.blockSignals(True)
        self.status_box.clear()
        self.status_box.addItem(tr("Tất cả"), None)
        if year is not None:
            for code in STATUSES:
                self.status_box.addItem(status_label(code), code)
            self.status_box.addItem(
                tr("{label} năm {year}", label=tr(NO_STATUS_LABEL), year=year),
                NO_STATUS,
            )
        self.status_box.setCurrentIndex(max(self.status_box.findData(chosen), 0))
        self.status_box.setEnabled(year is not None)
        self.status_box.blockSignals(False)

    def _filters(self) -> HouseholdQuery:
        group = self.group_box.currentData()
        return replace(
            self.model.query,
            village_id=self.village_box.currentData(),
            status=self.status_box.currentData(),
            groups=(group,) if group else (),
            search=self.search_box.text(),
            include_departed=self.departed_box.isChecked(),
        )

    def apply_filters(self) -> None:
        """Run the query the search box and the filters make now."""
        self.search_timer.stop()
        self._run(self._filters())

    def _search_now(self) -> None:
        self.apply_filters()
        if self.model.rowCount():
            self.view.setFocus()
            self.view.selectRow(0)

    def _run(self, query: HouseholdQuery, *, register_changed: bool = False) -> None:
        current = self.current_household()
        self.model.set_query(query, register_changed=register_changed)
        self.show_count()
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))

    def refresh(self) -> None:
        """Read the register again, keeping filters, order and the selected household."""
        self._fill_villages()
        self._run(self._filters(), register_changed=True)

    def show_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        if total == 0:
            text = tr("Sổ chưa có hộ nào: bấm “Thêm hộ…” hoặc “Nhập danh sách…” để bắt đầu.")
        elif shown == 0:
            text = tr(
                "Không có hộ nào phù hợp (trong tổng số {total} hộ).", total=format_number(total)
            )
        else:
            text = tr(
                "Đang hiển thị {shown} / {total} hộ",
                shown=format_number(shown),
                total=format_number(total),
            )
        self.count_label.setText(text)

    def current_household(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.household_id(index.row()) if index.isValid() else None

    def show_household(self, household_id: int) -> None:
        """Select a household and scroll to it, emptying the search and filters if they hide it."""
        if self.model.row_of(household_id) is None:
            self._clear_filters()
            self.apply_filters()
        row = self.model.row_of(household_id)
        if row is not None:
            self.view.selectRow(row)
            center = QAbstractItemView.ScrollHint.PositionAtCenter
            self.view.scrollTo(self.model.index(row, 0), center)
            self.view.setFocus()

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    # --- actions --------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        self.open_household.emit(self.model.household_id(index.row()))
