"""Reading a spreadsheet or CSV file into a grid of cells, text converted to Unicode NFC.

.xlsx, .xls and .ods are read with python-calamine (a web page saved as .xls, as many
programs export their lists, is read as the HTML table it is, and Excel 2003's XML spreadsheet
as the XML it is); for .xlsx whose styles use a
legacy Vietnamese font (.VnTime, VNI-Times) the cell fonts are read with openpyxl,
since calamine gives none. CSV files: UTF-8 (with or without BOM), Windows-1258 or
Windows-1252, separated by comma, semicolon or tab.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from gnapp.importers import legacy, spreadsheet_xml
from gnapp.importers.html_table import looks_like_html, read_html_table

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SUPPORTED_SUFFIXES = (*SPREADSHEET_SUFFIXES, ".csv")

# (first row, first column, last row, last column), 0-based and inclusive.
MergedRange = tuple[int, int, int, int]


class ImportFileError(Exception):
    """A file that cannot be imported, said in Vietnamese."""


@dataclass
class Sheet:
    """One sheet as a grid from A1: ``rows[r][c]`` is None, str, float, int, bool or a date."""

    name: str
    rows: list[list[Any]]
    merged: list[MergedRange] = field(default_factory=list)
    converted: dict[int, str] = field(default_factory=dict)  # column -> legacy encoding found

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def cell(self, row: int, column: int) -> Any:
        cells = self.rows[row] if row < len(self.rows) else []
        return cells[column] if column < len(cells) else None


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportFileError(
            f"Không đọc được tệp “{path.name}”: chỉ nhập được tệp Excel (.xlsx, .xls), "
            "LibreOffice (.ods) hoặc CSV (.csv)."
        )
    if not path.exists():
        raise ImportFileError(f"Không tìm thấy tệp: {path}")
    return suffix


def sheet_names(path: str | Path) -> list[str]:
    """The sheets of a spreadsheet (a CSV file, or a web page saved as .xls, has one, named
    after the file)."""
    path = Path(path)
    kind = ".csv" if _check_suffix(path) == ".csv" else _export_kind(path)
    if kind in (".csv", WEB_PAGE):
        return [path.stem]
    if kind == XML_SPREADSHEET:
        try:
            return spreadsheet_xml.sheet_names(path.read_bytes())
        except spreadsheet_xml.SpreadsheetXmlError as error:
            raise _unreadable(path, error) from error
    try:
        return list(python_calamine.load_workbook(str(path)).sheet_names)
    except python_calamine.CalamineError as error:
        raise _unreadable(path, error) from error


def read_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """Read one sheet (default: the first) with legacy-encoded text converted to Unicode."""
    path = Path(path)
    fonts: dict[tuple[int, int], str] = {}
    kind = ".csv" if _check_suffix(path) == ".csv" else _export_kind(path)
    if kind == ".csv":
        grid = Sheet(path.stem, _read_csv(path))
    elif kind == WEB_PAGE:
        grid = Sheet(path.stem, *read_html_table(path.read_bytes()))
    elif kind == XML_SPREADSHEET:
        grid = _read_spreadsheet_xml(path, sheet)
    else:
        grid = _read_spreadsheet(path, sheet)
        fonts = _legacy_fonts(path, grid.name) if path.suffix.lower() == ".xlsx" else {}
    _convert_text(grid, fonts)
    return grid


WEB_PAGE = "web page"
XML_SPREADSHEET = "Excel 2003 XML"


def _export_kind(path: Path) -> str | None:
    """What other programs export under a spreadsheet's name and calamine does not read: a web
    page, or Excel 2003's XML spreadsheet; None for a real spreadsheet."""
    with open(path, "rb") as stream:
        head = stream.read(2048)
    if spreadsheet_xml.looks_like_spreadsheet_xml(head):
        return XML_SPREADSHEET
    return WEB_PAGE if looks_like_html(head) else None


def _missing_sheet(path: Path, name: str, names: list[str]) -> ImportFileError:
    return ImportFileError(
        f"Tệp “{path.name}” không có trang tính “{name}” (có: {', '.join(names)})."
    )


def _read_spreadsheet_xml(path: Path, sheet: str | None) -> Sheet:
    try:
        name, rows, merged = spreadsheet_xml.read_worksheet(path.read_bytes(), sheet)
    except spreadsheet_xml.SpreadsheetXmlError as error:
        raise _unreadable(path, error) from error
    except spreadsheet_xml.MissingSheet as missing:
        raise _missing_sheet(path, sheet or "", missing.names) from None
    return Sheet(name or path.stem, rows, merged)


def _read_spreadsheet(path: Path, sheet: str | None) -> Sheet:
    try:
        workbook = python_calamine.load_workbook(str(path))
        name = sheet if sheet is not None else workbook.sheet_names[0]
        if name not in workbook.sheet_names:
            raise _missing_sheet(path, name, workbook.sheet_names)
        data = workbook.get_sheet_by_name(name)
        rows = [
            [None if value == "" else value for value in row]
            for row in data.to_python(skip_empty_area=False)
        ]
        merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in data.merged_cell_ranges or []]
    except python_calamine.CalamineError as error:
        raise _unreadable(path, error) from error
    return Sheet(name, rows, merged)


def _unreadable(path: Path, error: Exception) -> ImportFileError:
    return ImportFileError(
        f"Tệp “{path.name}” bị hỏng hoặc không phải bảng tính. Nếu Excel mở được tệp này, hãy "
        "chọn Tệp › Lưu thành (Save As) › Sổ làm việc Excel (.xlsx) rồi nhập tệp mới. "
        f"(Chi tiết kỹ thuật: {error})"
    )


_LEGACY_FONT = re.compile(rb'<name val="(?:\.?[Vv][Nn])', re.IGNORECASE)


def _legacy_fonts(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column) -> legacy encoding of text cells whose font implies one (xlsx only).

    Reading fonts is slow, so it is done only when the styles name a legacy font at all.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            styles = archive.read("xl/styles.xml")
    except (KeyError, zipfile.BadZipFile):
        return {}
    if not _LEGACY_FONT.search(styles):
        return {}
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        found: dict[tuple[int, int], str] = {}
        for row in workbook[sheet].iter_rows():
            for cell in row:
                if isinstance(getattr(cell, "value", None), str):
                    encoding = legacy.font_encoding(cell.font.name if cell.font else None)
                    if encoding:
                        found[(cell.row - 1, cell.column - 1)] = encoding
        return found
    finally:
        workbook.close()


def _convert_text(sheet: Sheet, fonts: dict[tuple[int, int], str]) -> None:
    """Convert every text cell to Unicode NFC: by its font, else by its column's encoding."""
    for column in range(sheet.width):
        texts = [row[column] for row in sheet.rows if column < len(row)]
        column_encoding = legacy.detect_column(t for t in texts if isinstance(t, str))
        for row_index, row in enumerate(sheet.rows):
            if column >= len(row) or not isinstance(row[column], str):
                continue
            text = row[column]
            encoding = fonts.get((row_index, column))
            if encoding is None and text.isascii():  # the same in every encoding, and NFC
                row[column] = text.strip() or None
                continue
            if encoding is None:
                encoding = column_encoding
                if encoding == legacy.UNICODE:
                    encoding = legacy.detect(text)
            if encoding != legacy.UNICODE and not legacy.is_unicode_vietnamese(text):
                sheet.converted.setdefault(column, encoding)
            converted = legacy.to_unicode(text, encoding).strip()
            row[column] = converted or None


# --- CSV ------------------------------------------------------------------------------------

_CP1258_MARKS = re.compile("[A-Za-zăâêôơưĂÂÊÔƠƯ][\u0300\u0301\u0303\u0309\u0323]")


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of CSV bytes: UTF-8 (BOM or not), else Windows-1258 or -1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        text = ""
    # Windows-1258 writes tones as combining marks after the letter; legacy TCVN3 or VNI
    # text saved from Excel never has them there.
    if text and len(_CP1258_MARKS.findall(text)) * 50 >= max(1, len(text.split())):
        return text, "cp1258"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, best_score = ",", -1
    for candidate in (",", ";", "\t"):
        counts = [line.count(candidate) for line in lines]
        # A separator appears on most lines; titles above the header have none.
        score = sum(1 for count in counts if count) * 1000 + max(counts, default=0)
        if counts and max(counts) and score > best_score:
            best, best_score = candidate, score
    return best


def _read_csv(path: Path) -> list[list[Any]]:
    text, _ = decode_csv(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:20000]))
    return [[cell if cell.strip() else None for cell in row] for row in reader]


def iter_text(sheet: Sheet) -> Iterator[str]:
    """Every text cell (for tests and diagnostics)."""
    for row in sheet.rows:
        yield from (value for value in row if isinstance(value, str))
