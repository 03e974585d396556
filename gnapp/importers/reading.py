"""Reading a spreadsheet or CSV file into a grid of cells, text converted to Unicode NFC.

.xlsx, .xls and .ods are read with python-calamine (a web page saved as .xls, as many
programs export their lists, is read as the HTML table it is, and Excel 2003's XML spreadsheet
as the XML it is); for .xlsx whose styles use a
legacy Vietnamese font (.VnTime, VNI-Times) the cell fonts are read with openpyxl,
since calamine gives none. CSV files: UTF-8 (with or without BOM), Windows-1258 or
Windows-1252, separated by comma, semicolon or tab.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import re
import struct
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import python_calamine

from gnapp.i18n import tr
from gnapp.importers import legacy, limits, spreadsheet_xml
from gnapp.importers.html_table import looks_like_html, read_html_table
from gnapp.importers.limits import LimitExceeded

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SUPPORTED_SUFFIXES = (*SPREADSHEET_SUFFIXES, ".csv")

# (first row, first column, last row, last column), 0-based and inclusive.
MergedRange = tuple[int, int, int, int]


class ImportFileError(Exception):
    """A file that cannot be imported, said in the user's language."""


@dataclass
class Sheet:
    """One sheet as a grid from A1: ``rows[r][c]`` is None, str, float, int, bool or a date."""

    name: str
    rows: list[list[Any]]
    merged: list[MergedRange] = field(default_factory=list)
    converted: dict[int, str] = field(default_factory=dict)  # column -> legacy encoding found
    book: list[str] = field(default_factory=list)  # the names of the workbook's sheets, if known

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
            tr(
                "Không đọc được tệp “{name}”: chỉ nhập được tệp Excel (.xlsx, .xls), "
                "LibreOffice (.ods) hoặc CSV (.csv).",
                name=path.name,
            )
        )
    if not path.exists():
        raise ImportFileError(tr("Không tìm thấy tệp: {path}", path=path))
    if not path.is_file():
        raise ImportFileError(tr("“{name}” không phải là một tệp để nhập.", name=path.name))
    if path.stat().st_size > limits.MAX_FILE_BYTES:
        raise _too_large(path)
    return suffix


def _too_large(path: Path) -> ImportFileError:
    return ImportFileError(
        tr(
            "Tệp “{name}” lớn quá {limit}, giới hạn của một tệp nhập: hãy chia danh sách thành "
            "nhiều tệp nhỏ hơn.",
            name=path.name,
            limit=limits.size(limits.MAX_FILE_BYTES),
        )
    )


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, no more than MAX_FILE_BYTES even when it grows while being read."""
    with open(path, "rb") as stream:
        data = stream.read(limits.MAX_FILE_BYTES + 1)
    if len(data) > limits.MAX_FILE_BYTES:
        raise _too_large(path)
    return data


@contextlib.contextmanager
def _reading(path: Path, sheet: str | None = None) -> Iterator[None]:
    """Whatever goes wrong inside reading a file becomes an ImportFileError naming it: a limit
    with its place, anything else as a file that cannot be read (never a traceback)."""
    try:
        yield
    except ImportFileError:
        raise
    except LimitExceeded as error:
        place = tr(", trang “{sheet}”", sheet=sheet) if sheet else ""
        if error.row is not None:
            place += tr(", dòng {row}", row=error.row + 1)
        if error.column is not None:
            place += tr(", cột {column}", column=column_letter(error.column))
        raise ImportFileError(
            tr(
                "Không nhập được tệp “{name}”{place}: {problem}. Hãy kiểm tra tệp, hoặc chia "
                "danh sách thành nhiều tệp nhỏ hơn.",
                name=path.name,
                place=place,
                problem=error.message,
            )
        ) from None
    except BaseException as error:  # python-calamine's PanicException is a BaseException
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise
        raise _unreadable(path, error) from None


def sheet_names(path: str | Path) -> list[str]:
    """The sheets of a spreadsheet (a CSV file, or a web page saved as .xls, has one, named
    after the file)."""
    path = Path(path)
    with _reading(path):
        kind = ".csv" if _check_suffix(path) == ".csv" else _export_kind(path)
        if kind in (".csv", WEB_PAGE):
            return [path.stem]
        if kind == XML_SPREADSHEET:
            names = spreadsheet_xml.sheet_names(_read_bytes(path))
        else:
            _check_before_calamine(path)
            names = list(python_calamine.load_workbook(str(path)).sheet_names)
        limits.check_sheets(len(names))
        return names


def read_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """Read one sheet (default: the first) with legacy-encoded text converted to Unicode."""
    path = Path(path)
    with _reading(path, sheet):
        fonts: dict[tuple[int, int], str] = {}
        kind = ".csv" if _check_suffix(path) == ".csv" else _export_kind(path)
        if kind == ".csv":
            grid = Sheet(path.stem, _read_csv(path))
        elif kind == WEB_PAGE:
            grid = Sheet(path.stem, *read_html_table(_read_bytes(path)))
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
        tr(
            "Tệp “{file}” không có trang tính “{sheet}” (có: {sheets}).",
            file=path.name,
            sheet=name,
            sheets=", ".join(names),
        )
    )


def _read_spreadsheet_xml(path: Path, sheet: str | None) -> Sheet:
    data = _read_bytes(path)
    book = spreadsheet_xml.sheet_names(data)
    limits.check_sheets(len(book))  # an import looks through the book for its list
    try:
        name, rows, merged = spreadsheet_xml.read_worksheet(data, sheet)
    except spreadsheet_xml.MissingSheet as missing:
        raise _missing_sheet(path, sheet or "", missing.names) from None
    return Sheet(name or path.stem, rows, merged, book=book)


def _read_spreadsheet(path: Path, sheet: str | None) -> Sheet:
    _check_before_calamine(path)
    workbook = python_calamine.load_workbook(str(path))
    if not workbook.sheet_names:
        raise _unreadable(path, ValueError("no sheet"))
    limits.check_sheets(len(workbook.sheet_names))  # an import looks through the book for its list
    name = sheet if sheet is not None else workbook.sheet_names[0]
    if name not in workbook.sheet_names:
        raise _missing_sheet(path, name, workbook.sheet_names)
    data = workbook.get_sheet_by_name(name)
    # Checked before the cells become Python objects; the first cell may lie beyond A1.
    first_row, first_column = data.start or (0, 0)
    limits.check_grid(first_row + data.height, first_column + data.width)
    rows = data.to_python(skip_empty_area=False)  # empty cells are "" until _convert_text
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in data.merged_cell_ranges or []]
    return Sheet(name, rows, merged, book=list(workbook.sheet_names))


def _check_before_calamine(path: Path) -> None:
    """What python-calamine would trust and then exhaust memory on (aborting the program,
    beyond any exception): the extent of an .xlsx or .ods, the sector chains of an .xls."""
    if zipfile.is_zipfile(path):
        if path.suffix.lower() == ".ods":
            _check_ods_extent(path)  # calamine reads every table on opening
        else:
            _check_xlsx_extent(path)
    else:
        _check_ole_chains(path)


# The place of a cell or row (r="AB12"). Any attribute r counts, which can only make the check
# stricter, and looking for it alone is fast.
_CELL_REFERENCE = re.compile(rb' r="([A-Z]*)([0-9]+)"')


def _members(path: Path, names: Callable[[str], bool]) -> Iterator[Iterator[bytes]]:
    """The unpacked members of a zip that ``names`` picks (their total within
    MAX_UNPACKED_BYTES), each as blocks that end after a ">", so that no tag is cut in two."""
    with zipfile.ZipFile(path) as archive:
        chosen = [info for info in archive.infolist() if names(info.filename)]
        if sum(info.file_size for info in chosen) > limits.MAX_UNPACKED_BYTES:
            raise LimitExceeded(
                tr(
                    "nội dung giải nén lớn quá {limit}",
                    limit=limits.size(limits.MAX_UNPACKED_BYTES),
                )
            )
        for info in chosen:
            with archive.open(info) as stream:
                yield _blocks(stream)


def _blocks(stream: IO[bytes]) -> Iterator[bytes]:
    tail = b""
    while chunk := stream.read(2**20):
        block = tail + chunk
        end = block.rfind(b">") + 1
        yield block[:end]
        tail = block[end:]
    yield tail


def _check_xlsx_extent(path: Path) -> None:
    """The farthest cell any worksheet of an .xlsx names, within the limits: calamine makes a
    dense grid to the farthest cell, and a single cell at XFD1048576 would take 550 GB. A bound
    found at C speed (``_farthest_bound``) most often settles it; otherwise each reference is
    read."""

    def worksheets(name: str) -> bool:
        return name.startswith("xl/worksheets/")

    try:
        for blocks in _members(path, worksheets):
            limits.check_grid(*_farthest_bound(blocks))
    except LimitExceeded:
        for blocks in _members(path, worksheets):
            limits.check_grid(*_farthest(blocks))


def _farthest(blocks: Iterable[bytes]) -> tuple[int, int]:
    """The farthest row and column the cell references of a worksheet name."""
    rows = columns = 0
    for block in blocks:
        if references := _CELL_REFERENCE.findall(block):
            rows = max(rows, *map(_row_number, map(itemgetter(1), references)))
            letters = set(map(itemgetter(0), references))  # few distinct ones
            columns = max(columns, *(_column_number(x[:9].decode()) for x in letters))
    return rows, columns


def _row_number(digits: bytes) -> int:
    """A cell's row as written ("007" is row 7), 10**9 for any beyond nine digits."""
    significant = digits.lstrip(b"0") or b"0"
    return int(significant) if len(significant) <= 9 else 10**9


def _farthest_bound(blocks: Iterable[bytes]) -> tuple[int, int]:
    """Bounds of the farthest row and column of a worksheet, found by one search per block at
    C speed: rows come in order, so no reference of a block has more digits than its last one,
    nor (after the first block) other column letters than those seen before. A block where the
    search finds one is read reference by reference."""
    digits, letters = 1, b""
    for block in blocks:
        last = _CELL_REFERENCE.match(block, max(block.rfind(b' r="'), 0))
        if last is not None and len(letters) <= 3:
            width = max(digits, len(last.group(2)))
            beyond = rb' r="(?:%s|[A-Z]*[0-9]{%d})' % (_letters_after(letters), width + 1)
            if not re.search(beyond, block):
                digits = width
                continue
        if references := _CELL_REFERENCE.findall(block):
            digits = max(digits, *map(len, map(itemgetter(1), references)))
            written = {letters, *map(itemgetter(0), references)}
            letters = max(written, key=lambda x: (len(x), x))
    return 10**digits - 1, _column_number(letters[:9].decode())


def _letters_after(letters: bytes) -> bytes:
    """A pattern of the column letters after ``letters`` ("AB": "AC" to "AZ", "B?" to "Z?",
    three letters and more)."""
    choices = [b"[A-Z]{%d}" % (len(letters) + 1)]
    for place, letter in enumerate(letters):
        if letter != ord("Z"):
            rest = len(letters) - place - 1
            choices.append(letters[:place] + b"[%c-Z][A-Z]{%d}" % (letter + 1, rest))
    return b"|".join(choices)


_ODS_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_REPEATED = re.compile(rb'number-(?:rows|columns)-repeated\s*=\s*["\']\s*([0-9]+)')


def _check_ods_extent(path: Path) -> None:
    """The farthest written cell of each table of an .ods, repeats counted, within the limits:
    calamine repeats a cell as often as it says (empty ones at the end are dropped)."""
    for blocks in _members(path, lambda name: name == "content.xml"):
        rows = columns = row = column = repeat = 0
        written = False  # the row being read has a cell with content
        for block in blocks:
            for closing, tag, attributes, empty in _ODS_TAG.findall(block):
                times = _ODS_REPEATED.search(attributes)
                count = int(times[1][:9]) if times else 1
                if tag == b"table" and not closing:
                    limits.check_grid(rows, columns)
                    rows = columns = row = 0
                elif tag == b"table-row" and not closing:
                    column, repeat, written = 0, count, False
                    if empty:
                        row += count
                elif tag == b"table-row":
                    row += repeat
                    rows = max(rows, row) if written else rows
                elif not closing:
                    column += count
                    if not empty or b"value" in attributes:
                        columns, written = max(columns, column), True
            limits.check_grid(rows, columns)
        limits.check_grid(rows, columns)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE


def _check_ole_chains(path: Path) -> None:
    """An Excel 97-2003 file (OLE container) whose sector chains end and whose sizes stay
    within the file: calamine follows a chain that loops until memory runs out, and reserves
    what a size says before reading it (either aborts the program, beyond any exception)."""
    with open(path, "rb") as stream:
        if stream.read(8) != _OLE_MAGIC:
            return
    data = _read_bytes(path)
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if sector_shift not in (9, 12) or mini_shift != 6:
        raise ValueError("OLE: sector size")
    size = 1 << sector_shift
    count = (len(data) - 1) // size  # sectors after the header

    def sector(number: int) -> bytes:
        if number >= count:
            raise ValueError(f"OLE: sector {number} beyond the file")
        return data[(number + 1) * size : (number + 2) * size]

    def chain(start: int, table: list[int]) -> list[int]:
        found: list[int] = []
        while start != _END_OF_CHAIN:
            if start >= len(table) or len(found) > len(table):
                raise ValueError("OLE: broken or looping chain")
            found.append(start)
            start = table[start]
        return found

    fat_count, directory_start, _, _, mini_start, mini_count, difat_start, difat_count = (
        struct.unpack_from("<8I", data, 0x2C)
    )
    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < 0xFFFFFFFA]
    for _ in range(min(difat_count, count)):
        more = struct.unpack(f"<{size // 4}I", sector(difat_start))
        fat_sectors += [n for n in more[:-1] if n < 0xFFFFFFFA]
        difat_start = more[-1]
    if len(fat_sectors) < fat_count or fat_count > count:
        raise ValueError("OLE: FAT")
    fat = [n for f in fat_sectors[:fat_count] for n in struct.unpack(f"<{size // 4}I", sector(f))]
    directory = b"".join(sector(n) for n in chain(directory_start, fat))
    mini_fat = b"".join(sector(n) for n in chain(mini_start, fat)) if mini_count else b""
    mini_table = list(struct.unpack(f"<{len(mini_fat) // 4}I", mini_fat))
    for entry in range(0, len(directory) - 127, 128):
        kind = directory[entry + 0x42]
        start, length = struct.unpack_from("<IQ", directory, entry + 0x74)
        if kind not in (1, 2, 5) or length == 0:
            continue
        if length > len(data):
            raise ValueError("OLE: stream size")
        small = kind == 2 and length < 4096
        chain(start, mini_table if small else fat)


def _column_number(letters: str) -> int:
    """ "A" -> 1, "AA" -> 27 ("" -> 0)."""
    result = 0
    for letter in letters:
        result = result * 26 + ord(letter) - ord("A") + 1
    return result


def _unreadable(path: Path, error: BaseException) -> ImportFileError:
    return ImportFileError(
        tr(
            "Tệp “{name}” bị hỏng hoặc không phải bảng tính. Nếu Excel mở được tệp này, hãy "
            "chọn Tệp › Lưu thành (Save As) › Sổ làm việc Excel (.xlsx) rồi nhập tệp mới. "
            "(Chi tiết kỹ thuật: {error})",
            name=path.name,
            error=error,
        )
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
    """Check every text cell against the limits and convert it to Unicode NFC, stripped: by
    its font, else by its column's encoding. Each distinct text of a column is converted once
    (names of villages, sexes and relations fill whole columns), and the grid is rebuilt a
    column at a time (in C: ``map``, ``zip``), each row keeping its length."""
    original = sheet.rows
    width = max(map(len, original), default=0)
    columns: list[list[Any]] = []
    for column, values in enumerate(itertools.zip_longest(*original)):
        # every cell counted (at C speed), the texts kept in the order they come first
        texts = {value: times for value, times in Counter(values).items() if type(value) is str}
        encoding = legacy.counted_encoding(texts)
        done: dict[Any, str | None] = {}
        for text in texts:
            if len(text) > limits.MAX_CELL_CHARS:  # the row is looked for only then
                limits.check_text(text, values.index(text), column)
            done[text] = _converted(sheet, column, text, encoding)
        columns.append(list(map(done.get, values, values)))  # a text's conversion, else itself
    rows = list(map(list, zip(*columns, strict=True))) if width else [[] for _ in original]
    if any(len(cells) != width for cells in original):  # short rows stay short
        rows = [row[: len(cells)] for row, cells in zip(rows, original, strict=True)]
    sheet.rows = rows
    for (row, column), font_encoding in fonts.items():
        text = original[row][column]
        if isinstance(text, str):
            sheet.rows[row][column] = _converted(sheet, column, text, font_encoding, by_font=True)


def _converted(
    sheet: Sheet, column: int, text: str, encoding: str, *, by_font: bool = False
) -> str | None:
    if not by_font:
        if text.isascii():  # the same in every encoding, and NFC
            return text.strip() or None
        if encoding == legacy.UNICODE:
            encoding = legacy.detect(text)
    if encoding != legacy.UNICODE and not legacy.is_unicode_vietnamese(text):
        sheet.converted.setdefault(column, encoding)
    return legacy.to_unicode(text, encoding).strip() or None


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
    """The rows of a CSV file, each checked against the limits as it is read."""
    text, _ = decode_csv(_read_bytes(path))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:20000]))
    rows: list[list[Any]] = []
    try:
        for row in reader:
            limits.check_position(len(rows), max(len(row) - 1, 0))
            for column, cell in enumerate(row):
                limits.check_text(cell, len(rows), column)
            rows.append([cell if cell.strip() else None for cell in row])
    except csv.Error as error:
        raise LimitExceeded(
            tr("không đọc được dòng này")
            + (
                tr(
                    ' (một ô dài quá {limit} ký tự: thường do một dấu ngoặc kép “"” mở mà '
                    "không đóng)",
                    limit=limits.number(csv.field_size_limit()),
                )
                if "field limit" in str(error)
                else f" ({error})"
            ),
            len(rows),
        ) from None
    return rows


def iter_text(sheet: Sheet) -> Iterator[str]:
    """Every text cell (for tests and diagnostics)."""
    for row in sheet.rows:
        yield from (value for value in row if isinstance(value, str))
