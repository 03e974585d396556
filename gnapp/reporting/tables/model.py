"""An official table as data, free of PDF and XLSX: columns under two-level headers, a body of
rows grouped under header rows ("I. Khu vực thành thị", "Thôn An Phú"), totals and notes.

Callers build a ``Table`` once; ``gnapp.reporting.tables.pdf`` lays it out for a document and
``gnapp.reporting.xlsx`` writes it as a sheet (totals as formulas). Values are kept as they are
(numbers stay numbers); each renderer shows them by the column's ``kind``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from gnapp.data import read_form_json
from gnapp.reporting.figures import percent

TOTAL_KINDS = ("sum", "count", "rate")
# kind -> (PDF alignment, XLSX cell style, relative PDF width, XLSX width in characters)
KINDS: dict[str, tuple[str, str, float, float]] = {
    "label": ("left", "text", 3.2, 26),  # the row's name: a village, a list, a project
    "text": ("left", "text", 2.2, 18),
    "center": ("center", "center", 1.0, 16),  # short words: a status, a sex
    "index": ("center", "center", 0.6, 6),  # STT
    "id": ("center", "id", 1.0, 12),  # a code or a citizen id, kept as text
    "count": ("right", "number", 1.0, 10),  # summed on group and total rows
    "money": ("right", "number", 1.6, 16),  # summed on group and total rows
    "rate": ("right", "rate", 1.0, 10),  # per cent, two decimals
    "value": ("right", "value", 1.0, 10),  # a figure as measured
    "year": ("center", "year", 1.0, 7),
    "mark": ("center", "mark", 1.0, 11),  # "x"
}
PdfGroups = Literal["totals", "banner", "none"]


@functools.cache
def _headings() -> dict[str, str]:
    return read_form_json("reports", "columns.json")["columns"]


def heading(key: str) -> str:
    """A column heading the official tables share (forms/reports/columns.json): "STT",
    "Thôn, tổ dân phố", "Số hộ"…"""
    return _headings()[key]


@dataclass(frozen=True)
class Total:
    """A column's figure on group and total rows: ``sum`` adds the numbers of ``source`` (this
    column when None), ``count`` counts its non-empty cells, ``rate`` is the per cent of the
    ``rate_of`` = (part, whole) columns of the same row, two decimals; ``unit`` follows the
    number ("12 hộ")."""

    kind: str
    source: str | None = None
    unit: str | None = None
    rate_of: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in TOTAL_KINDS or (self.kind == "rate") != (self.rate_of is not None):
            raise ValueError(f"bad total: {self}")


@dataclass(frozen=True)
class Column:
    """A column: its header (under the upper header ``group`` shared with its neighbours) and
    its ``kind`` (KINDS), which gives its look and its total: count and money columns add up,
    a rate column with ``rate_of`` = (part, whole) is computed again from the sums. ``total``
    replaces that total; ``width`` (relative, PDF), ``chars`` (XLSX), ``align`` (PDF) and
    ``style`` (XLSX) replace the kind's."""

    key: str
    header: str
    kind: str = "count"
    group: str | None = None
    rate_of: tuple[str, str] | None = None
    width: float | None = None
    total: Total | None = None
    chars: float | None = None
    align: str | None = None
    style: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def totalled(self) -> Total | None:
        """The column's figure on group and total rows, if it has one."""
        if self.total is not None:
            return self.total
        if self.kind in ("count", "money"):
            return Total("sum")
        if self.kind == "rate" and self.rate_of:
            return Total("rate", rate_of=self.rate_of)
        return None

    @property
    def pdf_align(self) -> str:
        return self.align or KINDS[self.kind][0]

    @property
    def xlsx_style(self) -> str:
        return self.style or KINDS[self.kind][1]

    @property
    def pdf_width(self) -> float:
        return self.width if self.width is not None else KINDS[self.kind][2]

    @property
    def xlsx_width(self) -> float:
        return self.chars if self.chars is not None else KINDS[self.kind][3]


@dataclass(frozen=True)
class Row:
    """A body row; a ``strong`` row is bold (a head of household, a subtotal given as a row).
    ``decimals`` fixes the decimals of some of its cells (a rate among counts: "7,40")."""

    values: Mapping[str, Any]
    strong: bool = False
    decimals: Mapping[str, int] | None = None


@dataclass(frozen=True)
class Group:
    """A header row above rows or smaller groups; it carries their totals."""

    label: str
    items: Sequence[Group | Row]


@dataclass(frozen=True)
class Table:
    """An official table.

    ``title`` names it (an annex's title, a sheet's heading), ``unit`` is the "Đơn vị tính"
    line and ``notes`` the lines under the title; ``caption`` is a heading printed over the
    table inside a document's body. ``totals`` adds the "Tổng cộng" row. The PDF prints the
    column numbers under the headers when ``numbered`` (the XLSX always does) and shows a
    group as a row with its totals, as a heading across the table (``banner``) or not at all
    (``none``: the rows follow one another), and the total row unless ``pdf_totals`` is False;
    ``font_size`` None sizes the type by the number of columns. ``sheet`` names the XLSX
    sheet, printed landscape when ``landscape``.
    """

    columns: tuple[Column, ...]
    body: Sequence[Group | Row]
    id: str = ""
    title: str = ""
    unit: str = ""
    totals: bool = True
    total_label: str = "Tổng cộng"
    notes: tuple[str, ...] = ()
    caption: str = ""
    numbered: bool = True
    pdf_groups: PdfGroups = "totals"
    pdf_totals: bool = True
    font_size: float | None = None
    sheet: str = ""
    landscape: bool = True

    @property
    def label_span(self) -> int:
        """How many columns the label of a group or total row spans: those before the first
        column with a total."""
        return next(
            (i for i, c in enumerate(self.columns) if c.totalled is not None), len(self.columns)
        )

    def number_of(self, key: str) -> int:
        """The column's number in the numbered row (1 for the first column)."""
        return next(i for i, c in enumerate(self.columns, start=1) if c.key == key)


def leaves(items: Sequence[Group | Row]) -> list[Row]:
    """The body rows under ``items``, groups opened."""
    rows: list[Row] = []
    for item in items:
        rows += leaves(item.items) if isinstance(item, Group) else [item]
    return rows


def summary(table: Table, items: Sequence[Group | Row]) -> dict[str, Any]:
    """The figures of a group or total row: sums, counts, and rates recomputed from the sums."""
    rows = leaves(items)
    values: dict[str, Any] = {}
    for column in table.columns:
        total = column.totalled
        if total is None or total.kind == "rate":
            continue
        source = total.source or column.key
        if total.kind == "sum":
            values[column.key] = sum(r.values.get(source) or 0 for r in rows)
        else:
            values[column.key] = sum(r.values.get(source) not in (None, "") for r in rows)
    for column in table.columns:
        total = column.totalled
        if total is not None and total.rate_of:
            part, whole = total.rate_of
            values[column.key] = percent(values[part], values[whole]) or 0.0
    return values
