"""Table models of the commune overview, and the Vietnamese texts they show."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from operator import attrgetter
from typing import Any

from gnapp.core.movements import MOVEMENT_LABELS
from gnapp.core.vietnamese import (
    format_date,
    format_decimal,
    format_number,
    format_percent,
    text_sort_key,
)
from gnapp.i18n import tr, tr_noop
from gnapp.store.overview import VillageFigures, commune_total
from gnapp.ui.common.qt import QAbstractTableModel, QFont, QModelIndex, QPersistentModelIndex, Qt

AREA_LABELS = {"rural": tr_noop("Nông thôn"), "urban": tr_noop("Thành thị")}

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_NO_INDEX = QModelIndex()


class FlatTableModel(QAbstractTableModel):
    """A read-only table without a tree: a subclass says how many rows and columns there are,
    what a cell shows in a role and what a column's header shows."""

    def row_count(self) -> int:
        raise NotImplementedError

    def column_count(self) -> int:
        raise NotImplementedError

    def cell(self, row: int, column: int, role: int) -> Any:
        raise NotImplementedError

    def header(self, section: int, role: int) -> Any:
        raise NotImplementedError

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else self.column_count()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        return self.cell(index.row(), index.column(), role) if index.isValid() else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        return self.header(section, role) if orientation == Qt.Orientation.Horizontal else None


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def capitalise(text: str) -> str:
    """First letter upper case, the rest untouched ("thoát nghèo" -> "Thoát nghèo")."""
    return text[:1].upper() + text[1:]


def change_text(current: int, previous: int | None, previous_year: int | None) -> str:
    """How a count of households moved since the previous year, in words."""
    if previous is None or previous_year is None:
        return tr("chưa có số liệu năm trước để so sánh")
    delta = current - previous
    if delta == 0:
        return tr("không đổi so với năm {previous_year}", previous_year=previous_year)
    return tr(
        "giảm {count} hộ so với năm {previous_year}"
        if delta < 0
        else "tăng {count} hộ so với năm {previous_year}",
        count=format_number(abs(delta)),
        previous_year=previous_year,
    )


# --- the village table ------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageColumn:
    header: str  # may hold a line break so the column stays narrow
    tooltip: str
    text: Callable[[VillageFigures], str]
    sort_key: Callable[[VillageFigures], Any]
    numeric: bool = True


def _count(header: str, tooltip: str, field: str) -> VillageColumn:
    value = attrgetter(field)
    return VillageColumn(header, tooltip, lambda row: format_number(value(row)), value)


def _rate(header: str, tooltip: str, field: str) -> VillageColumn:
    value = attrgetter(field)
    return VillageColumn(header, tooltip, lambda row: format_percent(value(row)), value)


VILLAGE_COLUMNS = (
    VillageColumn(
        tr_noop("Thôn/Tổ dân phố"),
        tr_noop("Tên thôn, tổ dân phố"),
        attrgetter("name"),
        lambda row: text_sort_key(row.name),
        numeric=False,
    ),
    VillageColumn(
        tr_noop("Khu vực"),
        tr_noop("Khu vực nông thôn hay thành thị: quyết định chuẩn thu nhập áp dụng"),
        lambda row: tr(AREA_LABELS[row.area]) if row.area in AREA_LABELS else "",
        lambda row: tr(AREA_LABELS[row.area]) if row.area in AREA_LABELS else "",
        numeric=False,
    ),
    _count(tr_noop("Số hộ"), tr_noop("Tổng số hộ gia đình trong sổ"), "households"),
    _count(tr_noop("Số nhân\nkhẩu"), tr_noop("Tổng số nhân khẩu của các hộ"), "members"),
    _count(tr_noop("Hộ nghèo"), tr_noop("Số hộ nghèo của năm"), "poor"),
    _rate(tr_noop("Tỷ lệ hộ\nnghèo"), tr_noop("Số hộ nghèo ÷ tổng số hộ × 100"), "poverty_rate"),
    _count(tr_noop("Hộ cận\nnghèo"), tr_noop("Số hộ cận nghèo của năm"), "near_poor"),
    _rate(
        tr_noop("Tỷ lệ hộ\ncận nghèo"),
        tr_noop("Số hộ cận nghèo ÷ tổng số hộ × 100"),
        "near_poverty_rate",
    ),
    _count(
        tr_noop("Hộ mức sống\ntrung bình"),
        tr_noop("Số hộ làm nông, lâm, ngư nghiệp và diêm nghiệp có mức sống trung bình của năm"),
        "average",
    ),
)


class VillageTableModel(FlatTableModel):
    """One row per village, then the commune's total row (always last, in bold).

    Sorting reorders the villages only; column -1 restores the store's order
    (urban first, then rural, each alphabetical).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._original: list[VillageFigures] = []
        self._villages: list[VillageFigures] = []
        self._total: VillageFigures | None = None
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    @property
    def villages(self) -> list[VillageFigures]:
        """The villages in their displayed order."""
        return list(self._villages)

    @property
    def total(self) -> VillageFigures | None:
        return self._total

    def set_figures(self, rows: Sequence[VillageFigures], total_name: str | None = None) -> None:
        """Show a year's figures (keeping the current sort); ``total_name`` labels the total row
        ("Toàn xã" unless given)."""
        total_name = tr("Toàn xã") if total_name is None else total_name
        self.beginResetModel()
        self._original = list(rows)
        self._total = replace(commune_total(self._original), name=total_name)
        self._villages = self._sorted(*self._sort)
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._original, self._villages, self._total = [], [], None
        self.endResetModel()

    def _row(self, row: int) -> VillageFigures:
        return self._villages[row] if row < len(self._villages) else self._total

    def is_total_row(self, row: int) -> bool:
        return self._total is not None and row == len(self._villages)

    def row_count(self) -> int:
        return 0 if self._total is None else len(self._villages) + 1

    def column_count(self) -> int:
        return len(VILLAGE_COLUMNS)

    def cell(self, row: int, column: int, role: int) -> Any:
        shown = VILLAGE_COLUMNS[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return shown.text(self._row(row))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if shown.numeric else LEFT
        if role == Qt.ItemDataRole.FontRole and self.is_total_row(row):
            return _bold()
        return None

    def header(self, section: int, role: int) -> Any:
        column = VILLAGE_COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(column.header)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr(column.tooltip)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Headers wrap between words rather than being cut (the view leaves room for four
            # lines and for the longest word).
            return (RIGHT if column.numeric else LEFT).value | Qt.TextFlag.TextWordWrap.value
        return None

    def _sorted(self, column: int, order: Qt.SortOrder) -> list[VillageFigures]:
        if column < 0:
            return list(self._original)
        key = VILLAGE_COLUMNS[column].sort_key
        descending = order == Qt.SortOrder.DescendingOrder
        return sorted(self._original, key=key, reverse=descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = self._villages
        self._villages = self._sorted(column, order)
        position = {id(row): number for number, row in enumerate(self._villages)}
        for index in self.persistentIndexList():
            if index.row() < len(old):  # the total row stays where it is
                moved = position[id(old[index.row()])]
                self.changePersistentIndex(index, self.index(moved, index.column()))
        self.layoutChanged.emit()


# --- small read-only tables (movements, targets) ----------------------------------------------


@dataclass(frozen=True)
class TextRow:
    cells: tuple[str, ...]
    tooltip: str | None = None


class TextTableModel(FlatTableModel):
    """Rows of ready-made texts under headers shown through ``tr()``; the columns in
    ``numeric_columns`` are right-aligned."""

    def __init__(
        self, headers: Sequence[str], numeric_columns: Iterable[int] = (), parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._numeric = frozenset(numeric_columns)
        self._rows: list[TextRow] = []

    def set_rows(self, rows: Iterable[TextRow], headers: Sequence[str] | None = None) -> None:
        """Show ``rows`` (under new ``headers`` if given, as many as before)."""
        self.beginResetModel()
        self._rows = list(rows)
        if headers is not None:
            self._headers = tuple(headers)
        self.endResetModel()

    def row_count(self) -> int:
        return len(self._rows)

    def column_count(self) -> int:
        return len(self._headers)

    def cell(self, row: int, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[row].cells[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._rows[row].tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column in self._numeric else LEFT
        return None

    def header(self, section: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(self._headers[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in self._numeric else LEFT
        return None


def movement_rows(counts: Mapping[str, int]) -> list[TextRow]:
    """A year's movements in the order of MOVEMENT_LABELS (unknown codes last, as they are)."""
    order = {code: rank for rank, code in enumerate(MOVEMENT_LABELS)}
    codes = sorted(counts, key=lambda code: (order.get(code, len(order)), code))
    return [
        TextRow((capitalise(tr(MOVEMENT_LABELS.get(code, code))), format_number(counts[code])))
        for code in codes
    ]


def target_value_text(value: float, unit: str) -> str:
    """A target with its unit: "2,5%", "12 hộ"."""
    number = format_decimal(value)
    return f"{number}%" if unit == "%" else f"{number} {tr(unit)}"


def _decision_text(number: str | None, decided: str | None) -> str | None:
    if not number:
        return None
    if not decided:
        return tr("Quyết định số {number}", number=number)
    return tr(
        "Quyết định số {number} ngày {date}",
        number=number,
        date=format_date(date.fromisoformat(decided)),
    )


def target_rows(
    targets: Iterable[Mapping[str, Any]], kinds: Mapping[str, Mapping[str, Any]]
) -> list[TextRow]:
    """A year's targets, labelled from the catalogue of target kinds; the decision as tooltip."""
    return [
        TextRow(
            (
                tr(kinds[row["code"]]["label"]) if row["code"] in kinds else row["code"],
                target_value_text(row["value"], row["unit"]),
            ),
            _decision_text(row["decision_number"], row["decision_date"]),
        )
        for row in targets
    ]
