"""Reading Excel 2003's XML spreadsheet (SpreadsheetML), which older programs still export under
the .xls name and which spreadsheet readers other than Excel do not open.

>>> book = (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
...         b' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="DS">'
...         b'<Table><Row><Cell ss:MergeAcross="1"><Data ss:Type="String">T\\xc3\\xaan</Data>'
...         b'</Cell></Row><Row><Cell ss:Index="2"><Data ss:Type="Number">1980</Data></Cell></Row>'
...         b'</Table></Worksheet></Workbook>')
>>> looks_like_spreadsheet_xml(book), sheet_names(book)
(True, ['DS'])
>>> read_worksheet(book)
('DS', [['Tên', None], [None, 1980.0]], [(0, 0, 0, 1)])
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import datetime
from typing import Any

from gnapp.i18n import tr
from gnapp.importers.limits import LimitExceeded, check_grid, check_position, check_span

NAMESPACE = "urn:schemas-microsoft-com:office:spreadsheet"
_SS = f"{{{NAMESPACE}}}"
_SNIFF_BYTES = 2048
# (first row, first column, last row, last column), 0-based and inclusive, as reading.MergedRange.
Merged = tuple[int, int, int, int]


class SpreadsheetXmlError(ValueError):
    """A file that says it is an XML spreadsheet but cannot be read as one."""


def looks_like_spreadsheet_xml(data: bytes) -> bool:
    head = data[:_SNIFF_BYTES]
    return b"<Workbook" in head and NAMESPACE.encode() in head


def _worksheets(data: bytes) -> list[ElementTree.Element]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise SpreadsheetXmlError(str(error)) from error
    return root.findall(f"{_SS}Worksheet")


def _names(sheets: list[ElementTree.Element]) -> list[str]:
    return [sheet.get(f"{_SS}Name") or f"Sheet{n}" for n, sheet in enumerate(sheets, start=1)]


def sheet_names(data: bytes) -> list[str]:
    return _names(_worksheets(data))


class MissingSheet(LookupError):
    """The worksheet asked for is not in the file (``names``: those that are)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def read_worksheet(
    data: bytes, name: str | None = None
) -> tuple[str | None, list[list[Any]], list[Merged]]:
    """The name, the grid and the merged cells of one worksheet (default: the first; None and
    an empty grid for a file without any); numbers as float, dates as datetime, empty cells
    None. MissingSheet when ``name`` is not there."""
    sheets = _worksheets(data)
    names = _names(sheets)
    if name is not None and name not in names:
        raise MissingSheet(names)
    if not sheets:
        return None, [], []
    name = name if name is not None else names[0]
    sheet = sheets[names.index(name)]
    grid: list[list[Any]] = []
    merged: list[Merged] = []
    covered: dict[int, int] = {}  # column -> last row a merge from a row above covers
    row_index = -1
    for row in sheet.iterfind(f"{_SS}Table/{_SS}Row"):
        row_index = _index(row, row_index, row_index + 1, None)
        check_position(row_index)
        while len(grid) <= row_index:
            grid.append([])
        column = -1
        for cell in row.iterfind(f"{_SS}Cell"):
            column = _index(cell, column, row_index, column + 1)
            while covered.get(column, -1) >= row_index:
                column += 1
            check_position(row_index, column)
            across = _whole(cell, "MergeAcross", row_index, column)
            down = _whole(cell, "MergeDown", row_index, column)
            if across or down:
                check_span(row_index, column, down + 1, across + 1)
                merged.append((row_index, column, row_index + down, column + across))
                covered.update(dict.fromkeys(range(column, column + across + 1), row_index + down))
            cells = grid[row_index]
            while len(cells) <= column:
                cells.append(None)
            cells[column] = _value(cell.find(f"{_SS}Data"))
            column += across
    width = max((len(cells) for cells in grid), default=0)
    check_grid(len(grid), width)
    return name, [cells + [None] * (width - len(cells)) for cells in grid], merged


def _whole(element: ElementTree.Element, attribute: str, row: int, column: int | None) -> int:
    """An attribute that is a count from 0, of at most 9 digits (the limits come after)."""
    written = (element.get(f"{_SS}{attribute}") or "0").strip()
    if not written.isascii() or not written.isdigit() or len(written) > 9:
        raise LimitExceeded(
            tr(
                "ss:{attribute}=“{written}” không phải là số tự nhiên (tối đa 9 chữ số)",
                attribute=attribute,
                written=written[:20],
            ),
            row,
            column,
        )
    return int(written)


def _index(element: ElementTree.Element, previous: int, row: int, column: int | None) -> int:
    """A row's or cell's position: its ss:Index (from 1) when given, else the next one."""
    if not (element.get(f"{_SS}Index") or "").strip():
        return previous + 1
    index = _whole(element, "Index", row, column)
    if index < 1:
        raise LimitExceeded(tr("ss:Index phải từ 1 trở lên"), row, column)
    return index - 1


def _value(data: ElementTree.Element | None) -> Any:
    if data is None:
        return None
    text = "".join(data.itertext())
    kind = data.get(f"{_SS}Type")
    if not text.strip():
        return None
    if kind == "Number":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "DateTime":
        try:
            return datetime.fromisoformat(text.rstrip("Z"))
        except ValueError:
            return text
    if kind == "Boolean":
        return text.strip() == "1"
    return text
