"""An official document (Nghị định 30/2020/NĐ-CP, Phụ lục I) as plain data, free of any PDF library.

Callers build an ``OfficialDocument`` from blocks (headings, paragraphs, bullets, tables, charts,
page breaks) plus annexes, recipients and signatures; ``gnapp.reporting.pdf.write_pdf`` lays it
out. Every text is given ready to read: numbers already formatted the Vietnamese way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from gnapp.core.official import full_number
from gnapp.core.vietnamese import format_date

Align = Literal["left", "center", "right", "justify"]
# The words a header line breaks before: "ỦY BAN NHÂN DÂN" above "XÃ SƠN MINH"
PLACE_WORDS = (
    "XÃ ",
    "PHƯỜNG ",
    "THỊ TRẤN ",
    "ĐẶC KHU ",
    "HUYỆN ",
    "QUẬN ",
    "THỊ XÃ ",
    "THÀNH PHỐ ",
    "TỈNH ",
)
WIDE_TABLE_COLUMNS = 9  # an annex with a table this wide is laid out on landscape pages


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph with its own emphasis, e.g. the bold "Điều 1." of a decision."""

    text: str
    bold: bool = False
    italic: bool = False


Text = str | tuple[Run, ...]


@dataclass(frozen=True)
class SectionHeading:
    """A numbered heading; the caller writes the number: level 1 "I. ĐẶC ĐIỂM TÌNH HÌNH",
    level 2 "1. Công tác lãnh đạo", level 3 "a) Ưu điểm"."""

    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, not {self.level}")


@dataclass(frozen=True)
class TextParagraph:
    """Body text: justified with a first-line indent unless told otherwise."""

    text: Text
    align: Align = "justify"
    indent: bool = True
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Bullet:
    """A list item: "-" at the first level, "+" below it."""

    text: Text
    marker: Literal["-", "+"] = "-"


@dataclass(frozen=True)
class Cell:
    """A table cell spanning columns (any row) or rows (header rows only)."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    bold: bool = False

    def __post_init__(self) -> None:
        if self.colspan < 1 or self.rowspan < 1:
            raise ValueError("a cell spans at least one row and one column")


Row = tuple[str | Cell, ...]


@dataclass(frozen=True)
class Placed:
    """A cell at its place in the grid of a table (0-based row and column)."""

    row: int
    column: int
    cell: Cell


@dataclass(frozen=True)
class DataTable:
    """A table: header rows (merged cells allowed), body rows, an optional totals row.

    ``column_widths`` are relative (normalised to the width available); ``align`` gives each
    column's alignment ("right" for numbers), left when not given. Body and totals rows may
    span columns but not rows, so a table can break between any two body rows.
    """

    column_widths: tuple[float, ...]
    header_rows: tuple[Row, ...]
    rows: tuple[Row, ...]
    totals: Row | None = None
    align: tuple[Align, ...] = ()
    title: str = ""
    unit: str = ""  # "Đơn vị tính: hộ", written above the table at the right
    font_size: float = 12

    def __post_init__(self) -> None:
        if not self.column_widths or any(w <= 0 for w in self.column_widths):
            raise ValueError("every column needs a positive width")
        if self.align and len(self.align) != self.columns:
            raise ValueError(f"align has {len(self.align)} entries for {self.columns} columns")
        for row in (*self.rows, *((self.totals,) if self.totals else ())):
            if any(isinstance(c, Cell) and c.rowspan > 1 for c in row):
                raise ValueError("only header cells may span rows")
        self.grid()  # validates the spans

    @property
    def columns(self) -> int:
        return len(self.column_widths)

    @property
    def fractions(self) -> tuple[float, ...]:
        total = math.fsum(self.column_widths)
        return tuple(w / total for w in self.column_widths)

    def all_rows(self) -> tuple[Row, ...]:
        return (*self.header_rows, *self.rows, *((self.totals,) if self.totals else ()))

    def grid(self) -> list[Placed]:
        """Every cell at its place: cells fill each row left to right, skipping places taken by
        a cell spanning down from a row above (as in HTML)."""
        rows = self.all_rows()
        taken: set[tuple[int, int]] = set()
        placed: list[Placed] = []
        for r, row in enumerate(rows):
            column = 0
            for item in row:
                cell = item if isinstance(item, Cell) else Cell(item)
                while (r, column) in taken:
                    column += 1
                if column + cell.colspan > self.columns or r + cell.rowspan > len(rows):
                    raise ValueError(f"row {r + 1} of the table overflows its grid")
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, column + dc))
                placed.append(Placed(r, column, cell))
                column += cell.colspan
            missing = [c for c in range(self.columns) if (r, c) not in taken]
            if missing:
                raise ValueError(f"row {r + 1} of the table leaves columns {missing} empty")
        return placed


@dataclass(frozen=True)
class Series:
    """One named line or set of bars."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """A bar or line chart over categories (years, villages); ``unit`` labels the value axis."""

    kind: Literal["bar", "line"]
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    decimals: int = 2  # decimals of the value labels ("2,88")

    def __post_init__(self) -> None:
        if self.kind not in ("bar", "line"):
            raise ValueError(f"unknown chart kind {self.kind!r}")
        if not self.categories or not self.series:
            raise ValueError("a chart needs categories and at least one series")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(
                    f"series {s.name!r} has {len(s.values)} values "
                    f"for {len(self.categories)} categories"
                )


@dataclass(frozen=True)
class NewPage:
    """Start a new page."""


Block = SectionHeading | TextParagraph | Bullet | DataTable | Chart | NewPage


@dataclass(frozen=True)
class Annex:
    """An annex on its own pages: "Phụ lục I", its title in capitals, the italic note tying it to
    the document (built from the document when ``note`` is None), then its blocks.
    ``landscape`` None means: landscape when one of its tables has WIDE_TABLE_COLUMNS or more."""

    number: str  # a Roman numeral, "I"
    title: str
    blocks: tuple[Block, ...]
    note: str | None = None
    landscape: bool | None = None

    @property
    def is_landscape(self) -> bool:
        if self.landscape is not None:
            return self.landscape
        return any(
            isinstance(b, DataTable) and b.columns >= WIDE_TABLE_COLUMNS for b in self.blocks
        )


@dataclass(frozen=True)
class Signature:
    """A signing block: marks ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the signer's title
    ("PHÓ CHỦ TỊCH") and name; space is left for the signature and the seal."""

    title: str
    name: str
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfficialDocument:
    """A document with the two-column header, title, body, annexes, "Nơi nhận" and signatures.

    ``number_symbol`` is the whole line: "Số: 15/BC-UBND" (see ``number_symbol()``).
    ``issuer_name`` ("UBND xã Sơn Minh") ends the annex notes ("… của UBND xã Sơn Minh").
    ``recipients`` are the lines of "Nơi nhận:" without dash or final punctuation; the writer
    adds "- " and ";" (and "." after the last, usually "Lưu: VT, VHXH").
    """

    parent_body: str
    issuing_office: str
    number_symbol: str
    place: str
    date: date
    kind: str
    subject: str
    body: tuple[Block, ...]
    recipients_to: tuple[str, ...] = ()
    annexes: tuple[Annex, ...] = ()
    recipients: tuple[str, ...] = ()
    signatures: tuple[Signature, ...] = ()
    issuer_name: str = ""
    landscape: bool = False
    # False: a form printed in its own layout (a questionnaire): no issuing office, number,
    # national motto nor place and date at the top
    official_header: bool = True

    def annex_note(self, annex: Annex) -> str:
        """The italic line under an annex title: "(Kèm theo Báo cáo số 15/BC-UBND ngày
        05/01/2026 của UBND xã Sơn Minh)"."""
        if annex.note is not None:
            return annex.note
        number = self.number_symbol.removeprefix("Số:")
        issuer = f" của {self.issuer_name}" if self.issuer_name else ""
        return (
            f"(Kèm theo {self.kind.capitalize()} số{number} ngày {format_date(self.date)}{issuer})"
        )


def number_symbol(number: int | str | None, symbol: str) -> str:
    """The number line: "Số: 15/BC-UBND" from "15" or "15/BC-UBND" (``full_number``), or
    "Số:      /BC-UBND" leaving room for the number."""
    full = full_number(number, symbol)
    return f"Số: {full}" if full is not None else f"Số:{' ' * 6}/{symbol}"


def office_lines(office: str) -> tuple[str, str]:
    """The issuing office on two lines as offices write it, before its place: ("ỦY BAN NHÂN
    DÂN", "XÃ SƠN MINH"); a name without a place word stays on the first line."""
    words = office.split()
    for index in range(1, len(words)):
        rest = " ".join(words[index:]) + " "
        if rest.startswith(PLACE_WORDS):
            return " ".join(words[:index]), rest.strip()
    return office, ""
