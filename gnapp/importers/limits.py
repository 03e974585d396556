"""How much of a file the importers read: every limit in one place, each checked before or while
reading, so that no file (a stray quote, a huge merged cell, an endless stream) exhausts memory.

The limits leave a wide margin over the largest real lists: a commune has some thousands of
households and at most a few tens of thousands of people, a tablet export some hundreds of
columns; a list of 100,000 rows of 20 columns is far beyond any of them and is read in well under
a gigabyte of memory.
"""

from __future__ import annotations

from gnapp.i18n import tr

MAX_FILE_BYTES = 32 * 2**20  # a list of 100,000 rows is a few MB, even as a web page
MAX_UNPACKED_BYTES = 256 * 2**20  # the XML of the sheets inside an .xlsx, unpacked
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000  # a tablet form exports some hundreds of questions at most
MAX_CELLS = 2_000_000  # rows × columns of one sheet, empty cells included
MAX_SPAN_CELLS = 100_000  # rows × columns one merged cell covers
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_SHEETS = 100  # a list has one sheet per village at most; each sheet is opened apart


def number(value: int) -> str:
    """1000000 -> "1.000.000", as Vietnamese writes numbers."""
    return f"{value:,}".replace(",", ".")


def size(value: int) -> str:
    return f"{value // 2**20} MB"


class LimitExceeded(ValueError):
    """A file beyond one of the limits, or giving a position or size that is no number at all:
    ``message`` in the user's language names the limit, ``row`` and ``column`` (0-based, None
    when it is the whole sheet or row) the place."""

    def __init__(self, message: str, row: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


def check_position(row: int, column: int = 0) -> None:
    """A cell's place is within MAX_ROWS and MAX_COLUMNS."""
    if row >= MAX_ROWS:
        raise LimitExceeded(tr("bảng có quá {limit} dòng", limit=number(MAX_ROWS)), row, None)
    if column >= MAX_COLUMNS:
        raise LimitExceeded(tr("bảng có quá {limit} cột", limit=number(MAX_COLUMNS)), row, column)


def check_span(row: int, column: int, rows: int, columns: int) -> None:
    """A merged cell of ``rows`` × ``columns`` from (row, column) stays within the limits."""
    if rows < 1 or columns < 1:
        raise LimitExceeded(
            tr("ô gộp có kích thước âm ({rows} × {columns})", rows=rows, columns=columns),
            row,
            column,
        )
    if rows * columns > MAX_SPAN_CELLS:
        raise LimitExceeded(
            tr(
                "ô gộp {rows} dòng × {columns} cột, quá giới hạn {limit} ô",
                rows=number(rows),
                columns=number(columns),
                limit=number(MAX_SPAN_CELLS),
            ),
            row,
            column,
        )
    check_position(row + rows - 1, column + columns - 1)


def check_grid(rows: int, columns: int) -> None:
    """A sheet of ``rows`` × ``columns`` stays within the limits (before it is built)."""
    if rows > MAX_ROWS:
        raise LimitExceeded(
            tr(
                "bảng có {rows} dòng, quá giới hạn {limit} dòng",
                rows=number(rows),
                limit=number(MAX_ROWS),
            )
        )
    if columns > MAX_COLUMNS:
        raise LimitExceeded(
            tr(
                "bảng có {columns} cột, quá giới hạn {limit} cột",
                columns=number(columns),
                limit=number(MAX_COLUMNS),
            )
        )
    if rows * columns > MAX_CELLS:
        raise LimitExceeded(
            tr(
                "bảng {rows} dòng × {columns} cột, quá giới hạn {limit} ô",
                rows=number(rows),
                columns=number(columns),
                limit=number(MAX_CELLS),
            )
        )


def check_sheets(count: int) -> None:
    """A workbook of ``count`` sheets stays within MAX_SHEETS (the readers that look through
    every sheet open the workbook again for each)."""
    if count > MAX_SHEETS:
        raise LimitExceeded(
            tr(
                "tệp có {count} trang, quá giới hạn {limit} trang",
                count=number(count),
                limit=number(MAX_SHEETS),
            )
        )


def check_text(text: str, row: int, column: int) -> None:
    if len(text) > MAX_CELL_CHARS:
        raise LimitExceeded(
            tr(
                "ô dài {length} ký tự, quá giới hạn {limit} ký tự",
                length=number(len(text)),
                limit=number(MAX_CELL_CHARS),
            ),
            row,
            column,
        )
