"""Official tables in XLSX, laid out as the lists a commune signs (Nghị định 30/2020, Phụ lục I).

``write_table`` writes a ``gnapp.reporting.tables.Table`` (columns with two-level headers, a body
of rows grouped under header rows, the totals of each column) under a ``Heading``. It numbers
the columns, writes every total as a formula (=SUM, =COUNTA), gives each cell a shared
named style in Times New Roman, sets up A4 printing with repeated header rows, and ends with the
signature block. ``save_workbook`` writes a temporary file and renames it, so a failed or
cancelled export never leaves half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from gnapp.core.cell_text import cell_value, keep_text
from gnapp.core.vietnamese import format_date_long
from gnapp.i18n import tr
from gnapp.progress import Progress
from gnapp.reporting.document import office_lines
from gnapp.reporting.tables.model import Group, Row, Table

FONT_NAME = "Times New Roman"
NUMBER_FORMAT = "#,##0"  # shown with the reader's separators: 1.810 on a Vietnamese system
YEAR_FORMAT = "0"  # a year is not a quantity: 1975, never 1.975
TEXT_FORMAT = "@"
MM_PER_INCH = 25.4
# Nghị định 30/2020/NĐ-CP, Phụ lục I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
PAGE_FOOTER = "Trang &P/&N"
PROGRESS_EVERY = 200
MAX_WIDTH = {"text": 28}  # wrapped text columns grow up to this many characters
MAX_OTHER_WIDTH = 40

RATE_FORMAT = "0.00"  # a rate in per cent with two decimals: 2,88 on a Vietnamese system


@dataclass(frozen=True)
class Heading:
    """The title block: the two header columns of an official document, the title (written in
    capitals) and the lines under it; ``place`` starts the date line of the signature block,
    signed by the ``preparer`` on the left and the ``signer`` lines on the right."""

    parent_body: str
    office: str
    title: str
    place: str
    subtitles: tuple[str, ...] = ()
    preparer: str = "NGƯỜI LẬP BIỂU"
    signer: tuple[str, ...] = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    date: date | None = None  # the document's date; None leaves "ngày … tháng … năm …"


@dataclass(frozen=True)
class Layout:
    """Where the writer put things (1-based rows), for callers and tests."""

    header_rows: tuple[int, int]
    numbered_row: int
    total_row: int | None
    group_rows: tuple[int, ...]
    body_rows: tuple[int, ...] = field(repr=False)
    signature_row: int


# --- styles ------------------------------------------------------------------------------------

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center", indent=1)
_BODY_SIZE = 12

# name -> (size, bold, italic, underline, alignment, border, number format)
_STYLES: dict[str, tuple[int, bool, bool, bool, Alignment, bool, str]] = {
    "gn parent body": (12, False, False, False, _CENTER, False, "General"),
    "gn office": (12, True, False, False, _CENTER, False, "General"),
    "gn nation": (12, True, False, False, _CENTER, False, "General"),
    "gn motto": (13, True, False, True, _CENTER, False, "General"),
    "gn title": (14, True, False, False, _CENTER, False, "General"),
    "gn subtitle": (13, False, True, False, _CENTER, False, "General"),
    "gn header": (_BODY_SIZE, True, False, False, _CENTER, True, "General"),
    "gn numbered": (10, False, True, False, _CENTER, True, "0"),
    "gn text": (_BODY_SIZE, False, False, False, _WRAP_LEFT, True, "General"),
    "gn center": (_BODY_SIZE, False, False, False, _CENTER, True, "General"),
    "gn number": (_BODY_SIZE, False, False, False, _RIGHT, True, NUMBER_FORMAT),
    "gn rate": (_BODY_SIZE, False, False, False, _RIGHT, True, RATE_FORMAT),
    "gn value": (_BODY_SIZE, False, False, False, _RIGHT, True, "General"),
    "gn year": (_BODY_SIZE, False, False, False, _CENTER, True, YEAR_FORMAT),
    "gn id": (_BODY_SIZE, False, False, False, _CENTER, True, TEXT_FORMAT),
    "gn mark": (_BODY_SIZE, False, False, False, _CENTER, True, "General"),
    "gn sign": (13, True, False, False, _CENTER, False, "General"),
    "gn sign note": (12, False, True, False, _CENTER, False, "General"),
    "gn date line": (13, False, True, False, _CENTER, False, "General"),
}
_GROUP_ITALIC = (False, True, True)  # by depth: bold, bold italic, bold italic


class _Styles:
    """Named styles registered once per workbook; cells refer to them by name."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.names: set[str] = set(workbook.named_styles)

    def get(
        self, base: str, *, bold: bool | None = None, italic: bool | None = None, fmt: str = ""
    ) -> str:
        size, base_bold, base_italic, underline, alignment, boxed, number_format = _STYLES[base]
        bold = base_bold if bold is None else bold
        italic = base_italic if italic is None else italic
        number_format = fmt or number_format
        name = base + (" bold" if bold and not base_bold else "")
        name += " italic" if italic and not base_italic else ""
        name += f" [{number_format}]" if fmt else ""
        if name not in self.names:
            style = NamedStyle(name=name)
            style.font = Font(
                name=FONT_NAME,
                size=size,
                bold=bold,
                italic=italic,
                underline="single" if underline else None,
            )
            style.alignment = alignment
            if boxed:
                style.border = _BOX
            style.number_format = number_format
            self.workbook.add_named_style(style)
            self.names.add(name)
        return name


def new_workbook() -> Workbook:
    """An empty workbook (its first sheet is replaced by the first table written)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


# --- writing -----------------------------------------------------------------------------------


def _count_rows(items: Sequence[Group | Row]) -> int:
    return sum(_count_rows(item.items) if isinstance(item, Group) else 1 for item in items)


def _unit_format(unit: str | None) -> str:
    return f'{NUMBER_FORMAT}" {unit}"' if unit else ""


def _display_length(value: Any) -> int:
    return max((len(line) for line in str(value).splitlines()), default=0)


class _Writer:
    def __init__(
        self, sheet: Worksheet, table: Table, heading: Heading, progress: Progress | None
    ) -> None:
        self.sheet = sheet
        self.table = table
        self.heading_block = heading
        self.styles = _Styles(sheet.parent)
        self.progress = progress
        self.columns = table.columns
        self.letters = {c.key: get_column_letter(i) for i, c in enumerate(self.columns, start=1)}
        self.label_span = table.label_span
        if self.label_span == 0:
            raise ValueError("the first column must leave room for the group labels")
        self.widths = [column.xlsx_width for column in self.columns]
        self.total_body = max(_count_rows(table.body), 1)
        self.written = 0
        self.group_rows: list[int] = []
        self.body_rows: list[int] = []
        self.row = 1

    # layout helpers

    def _merge(self, row: int, first: int, last: int, value: Any, style: str) -> None:
        for column in range(first, last + 1):
            self.sheet.cell(row, column).style = style
        keep_text(self.sheet.cell(row, first, cell_value(value)))
        if last > first:
            self.sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)

    def _split(self) -> int:
        """The number of columns under the left half of the title and signature blocks."""
        total = sum(self.widths)
        running = 0.0
        for index, width in enumerate(self.widths, start=1):
            running += width
            if running >= total * 0.4:
                return min(index, len(self.widths) - 1)
        return 1

    # parts of the sheet

    def heading(self) -> None:
        heading = self.heading_block
        last, split = len(self.columns), self._split()
        get = self.styles.get
        if heading.parent_body:
            self._merge(1, 1, split, heading.parent_body, get("gn parent body"))
            self._merge(2, 1, split, heading.office, get("gn office"))
        else:  # a people's committee: "ỦY BAN NHÂN DÂN" above "XÃ SƠN MINH", both bold
            for row, line in enumerate(office_lines(heading.office), start=1):
                self._merge(row, 1, split, line, get("gn office"))
        self._merge(1, split + 1, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", get("gn nation"))
        self._merge(2, split + 1, last, "Độc lập - Tự do - Hạnh phúc", get("gn motto"))
        self.row = 4
        self._merge(self.row, 1, last, heading.title.upper(), get("gn title"))
        self.sheet.row_dimensions[self.row].height = 22
        for line in heading.subtitles:
            self.row += 1
            self._merge(self.row, 1, last, line, get("gn subtitle"))
        self.row += 2

    def headers(self) -> tuple[int, int, int]:
        top, bottom = self.row, self.row + 1
        style = self.styles.get("gn header")
        index = 0
        while index < len(self.columns):
            column = self.columns[index]
            position = index + 1
            if column.group is None:
                for row in (top, bottom):
                    self.sheet.cell(row, position).style = style
                keep_text(self.sheet.cell(top, position, cell_value(column.header)))
                self.sheet.merge_cells(
                    start_row=top, start_column=position, end_row=bottom, end_column=position
                )
                index += 1
                continue
            end = index
            while end + 1 < len(self.columns) and self.columns[end + 1].group == column.group:
                end += 1
            self._merge(top, position, end + 1, column.group, style)
            for inner in range(index, end + 1):
                cell = self.sheet.cell(bottom, inner + 1)
                cell.value = cell_value(self.columns[inner].header)
                cell.style = style
                keep_text(cell)
            index = end + 1
        numbered = bottom + 1
        numbered_style = self.styles.get("gn numbered")
        for position in range(1, len(self.columns) + 1):
            cell = self.sheet.cell(numbered, position, position)
            cell.style = numbered_style
        self._fit_header_widths()
        self._header_heights(top, bottom)
        self.row = numbered + 1
        return top, bottom, numbered

    def _fit_header_widths(self) -> None:
        for index, column in enumerate(self.columns):
            longest_word = max(len(word) for word in column.header.split())
            self.widths[index] = max(self.widths[index], longest_word + 2)

    def _header_heights(self, top: int, bottom: int) -> None:
        def lines(text: str, width: float) -> int:
            count, used = 1, 0
            for word in text.split():
                if used and used + 1 + len(word) > width - 1:
                    count, used = count + 1, len(word)
                else:
                    used += len(word) + (1 if used else 0)
            return count

        upper = [
            lines(c.group or "", self.widths[i]) for i, c in enumerate(self.columns) if c.group
        ]
        lower = [lines(c.header, self.widths[i]) for i, c in enumerate(self.columns)]
        line_height = 16.5
        self.sheet.row_dimensions[top].height = max([1, *upper]) * line_height + 4
        self.sheet.row_dimensions[bottom].height = max([1, *lower]) * line_height + 4

    def body(self, items: Sequence[Group | Row], depth: int = 0) -> list[int]:
        """Write items; return the rows whose figures add up to theirs (groups), or the body
        rows themselves."""
        written: list[int] = []
        for item in items:
            if isinstance(item, Group):
                written.append(self.group(item, depth))
            else:
                written.append(self.body_row(item))
        return written

    def group(self, group: Group, depth: int) -> int:
        row = self.row
        self.row += 1
        self.group_rows.append(row)
        children = self.body(group.items, depth + 1)
        italic = _GROUP_ITALIC[min(depth, len(_GROUP_ITALIC) - 1)]
        label_style = self.styles.get("gn text", bold=True, italic=italic)
        self._summary_row(row, group.label, label_style, group.items, children, italic)
        return row

    def _summary_row(
        self,
        row: int,
        label: str,
        label_style: str,
        items: Sequence[Group | Row],
        children: list[int],
        italic: bool,
    ) -> None:
        self._merge(row, 1, self.label_span, label, label_style)
        of_groups = bool(items) and isinstance(items[0], Group)
        for index in range(self.label_span, len(self.columns)):
            column = self.columns[index]
            cell = self.sheet.cell(row, index + 1)
            total = column.totalled
            if total is None:
                cell.style = self.styles.get("gn text", bold=True, italic=italic)
                continue
            if total.kind == "rate":
                cell.style = self.styles.get("gn rate", bold=True, italic=italic)
                part, whole = (f"{self.letters[key]}{row}" for key in total.rate_of)
                cell.value = f"=IF({whole}=0,0,ROUND({part}/{whole}*100,2))"
                continue
            cell.style = self.styles.get(
                "gn number", bold=True, italic=italic, fmt=_unit_format(total.unit)
            )
            letter = self.letters[column.key]
            source = self.letters[total.source or column.key]
            if not children:
                cell.value = 0
            elif of_groups:
                cell.value = f"=SUM({','.join(f'{letter}{child}' for child in children)})"
            else:
                function = "SUM" if total.kind == "sum" else "COUNTA"
                cell.value = f"={function}({source}{children[0]}:{source}{children[-1]})"

    def body_row(self, item: Row) -> int:
        row = self.row
        self.row += 1
        self.body_rows.append(row)
        for index, column in enumerate(self.columns):
            value = item.values.get(column.key)
            cell = self.sheet.cell(row, index + 1)
            if value is not None and value != "":
                cell.value = cell_value(value)
                limit = MAX_WIDTH.get(column.xlsx_style, MAX_OTHER_WIDTH)
                length = min(_display_length(value) + 3, limit)
                self.widths[index] = max(self.widths[index], length)
            decimals = (item.decimals or {}).get(column.key)
            cell.style = self.styles.get(
                f"gn {column.xlsx_style}",
                bold=True if item.strong else None,
                fmt=f"#,##0.{'0' * decimals}" if decimals else "",
            )
            keep_text(cell)
        self.written += 1
        if self.progress is not None and self.written % PROGRESS_EVERY == 0:
            self.progress(self.written, self.total_body, tr("Đang ghi bảng…"))
        return row

    def totals(self, children: list[int]) -> int:
        row = self.row
        self.row += 1
        style = self.styles.get("gn text", bold=True)
        self._summary_row(row, self.table.total_label, style, self.table.body, children, False)
        return row

    def signature(self) -> int:
        self.row += 1
        start = self.row
        last, split = len(self.columns), self._split()
        get = self.styles.get
        dated = self.heading_block.date
        written = format_date_long(dated) if dated else "ngày … tháng … năm …"
        date_line = f"{self.heading_block.place}, {written}"
        self._merge(start, split + 1, last, date_line, get("gn date line"))
        self._merge(start + 1, 1, split, self.heading_block.preparer, get("gn sign"))
        for offset, line in enumerate(self.heading_block.signer, start=1):
            self._merge(start + offset, split + 1, last, line, get("gn sign"))
        self._merge(start + 2, 1, split, "(Ký, ghi rõ họ tên)", get("gn sign note"))
        note_row = start + len(self.heading_block.signer) + 1
        self._merge(note_row, split + 1, last, "(Ký tên, đóng dấu)", get("gn sign note"))
        self.row = note_row + 5  # room for the signatures and the seal
        return start

    def finish(self, header_top: int, numbered: int) -> None:
        for index, width in enumerate(self.widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        setup = self.sheet.page_setup
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.orientation = "landscape" if self.table.landscape else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.print_options.horizontalCentered = True
        self.sheet.page_margins = PageMargins(
            **{side: mm / MM_PER_INCH for side, mm in MARGINS_MM.items()},
            header=8 / MM_PER_INCH,
            footer=8 / MM_PER_INCH,
        )
        self.sheet.print_title_rows = f"{header_top}:{numbered}"
        self.sheet.print_area = f"A1:{get_column_letter(len(self.columns))}{self.row - 1}"
        self.sheet.oddFooter.center.text = PAGE_FOOTER
        self.sheet.oddFooter.center.font = FONT_NAME
        self.sheet.oddFooter.center.size = 11
        self.sheet.freeze_panes = f"A{numbered + 1}"


def write_table(
    workbook: Workbook, table: Table, heading: Heading, progress: Progress | None = None
) -> Layout:
    """Add ``table`` to ``workbook`` as a new sheet (``table.sheet``) under ``heading``; return
    where its parts are."""
    sheet = workbook.create_sheet(table.sheet[:31])
    writer = _Writer(sheet, table, heading, progress)
    writer.heading()
    top, bottom, numbered = writer.headers()
    children = writer.body(table.body)
    total_row = writer.totals(children) if table.totals else None
    signature_row = writer.signature()
    writer.finish(top, numbered)
    return Layout(
        header_rows=(top, bottom),
        numbered_row=numbered,
        total_row=total_row,
        group_rows=tuple(writer.group_rows),
        body_rows=tuple(writer.body_rows),
        signature_row=signature_row,
    )


@contextlib.contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def save_workbook(workbook: Workbook, path: str | Path) -> Path:
    """Write the workbook whole or not at all: to a temporary file, then renamed to ``path``."""
    path = Path(path)
    with _temporary_beside(path) as temporary:
        workbook.save(temporary)
        os.replace(temporary, path)
    return path
