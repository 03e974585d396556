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
    taken: set[tuple[int, int]] = set()  # cells covered by a merge from a row above
    row_index = -1
    for row in sheet.iterfind(f"{_SS}Table/{_SS}Row"):
        row_index = _index(row, row_index)
        while len(grid) <= row_index:
            grid.append([])
        column = -1
        for cell in row.iterfind(f"{_SS}Cell"):
            column = _index(cell, column)
            while (row_index, column) in taken:
                column += 1
            across = int(cell.get(f"{_SS}MergeAcross") or 0)
            down = int(cell.get(f"{_SS}MergeDown") or 0)
            if across or down:
                merged.append((row_index, column, row_index + down, column + across))
                taken.update((r, c) for r in range(row_index, row_index + down + 1)
                             for c in range(column, column + across + 1))  # fmt: skip
            cells = grid[row_index]
            while len(cells) <= column:
                cells.append(None)
            cells[column] = _value(cell.find(f"{_SS}Data"))
            column += across
    width = max((len(cells) for cells in grid), default=0)
    return name, [cells + [None] * (width - len(cells)) for cells in grid], merged


def _index(element: ElementTree.Element, previous: int) -> int:
    """A row's or cell's position: its ss:Index (from 1) when given, else the next one."""
    written = element.get(f"{_SS}Index")
    return int(written) - 1 if written else previous + 1


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
