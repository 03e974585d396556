"""Reading a web page saved as .xls: many programs and portals export their lists as an HTML
table under an Excel name, which Excel opens but spreadsheet readers do not.

>>> grid, merged = read_html_table(
...     b"<table><tr><th colspan=2>H\\xe1\\xbb\\x8d t\\xc3\\xaan</th></tr>"
...     b"<tr><td>An</td><td>1980</td></tr></table>")
>>> grid
[['Họ tên', None], ['An', '1980']]
>>> merged
[(0, 0, 0, 1)]
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from gnapp.i18n import tr
from gnapp.importers.limits import (
    MAX_CELLS,
    LimitExceeded,
    check_grid,
    check_position,
    check_span,
    number,
)

# (first row, first column, last row, last column), 0-based and inclusive, as reading.MergedRange.
Merged = tuple[int, int, int, int]

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_SNIFF_BYTES = 2048


def looks_like_html(data: bytes) -> bool:
    """Whether a file's first bytes are those of a web page rather than of a spreadsheet (a
    ZIP or OLE file, or Excel 2003's XML, whose tables are not HTML's)."""
    if data.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        return False
    head = data[:_SNIFF_BYTES].lower()
    return b"<html" in head or (b"<table" in head and b"<workbook" not in head)


def decode_html(data: bytes) -> str:
    """The page's text: UTF-8 (with or without BOM), else the charset it declares, else
    Windows-1258."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:_SNIFF_BYTES])
    for encoding in ([declared.group(1).decode("ascii")] if declared else []) + ["cp1258"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[tuple[str, int, int]]] = []  # (text, rowspan, colspan) per cell
        self.cell: list[str] | None = None
        self.spans = (1, 1)


class _TableParser(HTMLParser):
    """Every table of the page, cells as written (a table inside a cell is a table of its own)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self.open: list[_Table] = []
        self.cells = 0  # written in every table, checked against MAX_CELLS while parsing

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.open.append(_Table())
        elif not self.open:
            return
        elif tag == "tr":
            self._close_cell()
            self.open[-1].rows.append([])
        elif tag in ("td", "th"):
            table = self._close_cell()
            if not table.rows:
                table.rows.append([])
            values = dict(attrs)
            table.cell = []
            table.spans = (_span(values.get("rowspan")), _span(values.get("colspan")))
        elif tag == "br" and self.open[-1].cell is not None:
            self.open[-1].cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            return
        if tag in ("td", "th", "tr"):
            self._close_cell()
        elif tag == "table":
            self._close_cell()
            self.tables.append(self.open.pop())

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1].cell is not None:
            self.open[-1].cell.append(data)

    def _close_cell(self) -> _Table:
        table = self.open[-1]
        if table.cell is not None:
            text = " ".join("".join(table.cell).split())
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise LimitExceeded(tr("trang có quá {limit} ô", limit=number(MAX_CELLS)))
            check_position(len(table.rows) - 1, len(table.rows[-1]))
            table.rows[-1].append((text, *table.spans))
            table.cell = None
        return table


def _span(value: str | None) -> int:
    """A rowspan or colspan as browsers read it: 1 when missing, not a number or below 1."""
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def read_html_table(data: bytes) -> tuple[list[list[Any]], list[Merged]]:
    """The grid of the page's largest table (empty cells None) and its merged cells."""
    parser = _TableParser()
    parser.feed(decode_html(data))
    parser.close()
    while parser.open:  # a page cut short: keep what it holds
        parser.handle_endtag("table")
    if not parser.tables:
        return [], []
    table = max(parser.tables, key=lambda found: len(found.rows))
    grid: list[list[Any]] = []
    merged: list[Merged] = []
    covered: dict[int, int] = {}  # column -> last row a span from a row above covers
    for row_index, cells in enumerate(table.rows):
        grid.append([])
        column = 0
        for text, rowspan, colspan in cells:
            while covered.get(column, -1) >= row_index:
                column += 1
            check_position(row_index, column)
            if rowspan > 1 or colspan > 1:
                check_span(row_index, column, rowspan, colspan)
                merged.append((row_index, column, row_index + rowspan - 1, column + colspan - 1))
                covered.update(
                    dict.fromkeys(range(column, column + colspan), row_index + rowspan - 1)
                )
            _put(grid, row_index, column, text or None)
            column += colspan
    width = max((len(row) for row in grid), default=0)
    check_grid(len(grid), width)
    return [row + [None] * (width - len(row)) for row in grid], merged


def _put(grid: list[list[Any]], row: int, column: int, value: Any) -> None:
    cells = grid[row]
    while len(cells) <= column:
        cells.append(None)
    cells[column] = value
