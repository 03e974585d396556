"""Finding the header under title rows and suggesting which field each column holds.

Headings are matched on their key (folded: no diacritics, no case, punctuation as
spaces) against the headings listed per field in forms/import/fields.json.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from gnapp.core.vietnamese import fold
from gnapp.data import read_form_json
from gnapp.importers.reading import ImportFileError, Sheet, column_letter

IGNORE = "ignore"
_SCAN_ROWS = 40
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_COLUMN_NUMBER = re.compile(r"\(?[0-9a-zA-Z]{1,3}\)?")


@functools.lru_cache(maxsize=8192)  # the same few words fill whole columns (Nam, Nữ, Con, ...)
def heading_key(text: str) -> str:
    """ "Số CCCD/CMND" -> "so cccd cmnd"."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


@dataclass(frozen=True)
class ImportField:
    id: str
    label: str
    level: str  # "household", "member" or "none"


@functools.cache
def _catalogue() -> dict[str, Any]:
    return read_form_json("import", "fields.json")


@functools.cache
def import_fields() -> tuple[ImportField, ...]:
    """The fields a column can be mapped to, in the order offered to the clerk."""
    return tuple(ImportField(f["id"], f["label"], f["level"]) for f in _catalogue()["fields"])


def field_label(field_id: str | None) -> str:
    for item in import_fields():
        if item.id == field_id:
            return item.label
    return "(chưa chọn)"


@functools.cache
def _synonyms() -> dict[str, str]:
    """Heading key -> field id."""
    return {heading_key(h): f["id"] for f in _catalogue()["fields"] for h in f["headings"]}


@functools.cache
def _group_keys(name: str) -> frozenset[str]:
    return frozenset(heading_key(h) for h in _catalogue()[name]["headings"])


def _exact(text: str) -> str | None:
    synonyms = _synonyms()
    key = heading_key(text)
    if key in synonyms:
        return synonyms[key]
    return synonyms.get(heading_key(_PARENTHESES.sub(" ", fold(text))))


def _contained(text: str) -> str | None:
    """The field of the longest distinctive heading found word for word in a longer one."""
    synonyms = _synonyms()
    padded = f" {heading_key(text)} "
    found = [
        (len(synonym), field)
        for synonym, field in synonyms.items()
        if (" " in synonym or len(synonym) >= 5) and f" {synonym} " in padded
    ]
    return max(found)[1] if found else None


def _lookup(text: str) -> str | None:
    return _exact(text) or _contained(text)


def _is_heading(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    key = heading_key(value)
    return (
        key in _synonyms()
        or key in _group_keys("head_groups")
        or key in _group_keys("sex_groups")
        or _lookup(value) is not None
    )


@dataclass(frozen=True)
class Column:
    index: int
    parts: tuple[str, ...]  # heading texts from the top header row down

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def text(self) -> str:
        return " / ".join(self.parts)


@dataclass(frozen=True)
class Header:
    first_row: int  # 0-based rows of the header block
    last_row: int
    data_row: int  # first data row (after a row of column numbers, if any)
    columns: tuple[Column, ...]

    @property
    def signature(self) -> str:
        """Identifies files of the same shape: the folded headings in order."""
        return "|".join(heading_key(column.text) for column in self.columns)


def _score(row: list[Any]) -> int:
    return sum(1 for value in row if _is_heading(value))


def _texts(row: list[Any]) -> list[Any]:
    return [value for value in row if value is not None]


def _merged_down_from(sheet: Sheet, row: int) -> bool:
    return any(r0 == row and r1 > row for r0, _, r1, _ in sheet.merged)


def _continues_header(sheet: Sheet, row: int) -> bool:
    values = _texts(sheet.rows[row]) if row < len(sheet.rows) else []
    return bool(values) and all(_is_heading(value) for value in values)


def _is_column_numbers(row: list[Any]) -> bool:
    values = _texts(row)
    return len(values) >= 2 and all(
        _COLUMN_NUMBER.fullmatch(str(int(v) if isinstance(v, float) and v.is_integer() else v))
        for v in values
    )


def find_header(sheet: Sheet) -> Header:
    """The header block: the row with the most known headings, with the header rows above
    (group headings, cells merged down into it) and below (sub-headings such as Nam / Nữ)."""
    scores = [(_score(row), -index) for index, row in enumerate(sheet.rows[:_SCAN_ROWS])]
    best, negative = max(scores, default=(0, 0))
    if best < 2:
        raise ImportFileError(
            "Không tìm thấy dòng tiêu đề cột (ví dụ “Họ và tên”, “Ngày sinh”, “Số CCCD”) "
            f"trong {_SCAN_ROWS} dòng đầu của trang tính “{sheet.name}”."
        )
    first = last = -negative
    above = sheet.rows[first - 1] if first > 0 else []
    if len(_texts(above)) >= 2 and (_merged_down_from(sheet, first - 1) or _score(above) >= 1):
        first -= 1
    if last + 1 < len(sheet.rows) and _continues_header(sheet, last + 1):
        last += 1
    data_row = last + 1
    if data_row < len(sheet.rows) and _is_column_numbers(sheet.rows[data_row]):
        data_row += 1
    return Header(first, last, data_row, _columns(sheet, first, last))


def _merged_origin(sheet: Sheet, row: int, column: int) -> tuple[int, int] | None:
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= row <= r1 and c0 <= column <= c1:
            return r0, c0
    return None


def _columns(sheet: Sheet, first: int, last: int) -> tuple[Column, ...]:
    width = max(len(sheet.rows[row]) for row in range(first, last + 1))
    grid = [[sheet.cell(row, column) for column in range(width)] for row in range(first, last + 1)]
    for level, row in enumerate(range(first, last + 1)):
        for column in range(width):
            if grid[level][column] is not None:
                continue
            origin = _merged_origin(sheet, row, column)
            if origin is not None:
                grid[level][column] = sheet.cell(*origin)
            elif (
                not sheet.merged
                and level < last - first
                and column > 0
                and grid[level + 1][column] is not None
                and grid[level + 1][column - 1] is not None
            ):
                # No merge information (CSV, some .xls): a group heading spans the
                # sub-headings to its right.
                grid[level][column] = grid[level][column - 1]
    columns = []
    for column in range(width):
        parts: list[str] = []
        for level in range(len(grid)):
            value = grid[level][column]
            text = _cell_text(value)
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        columns.append(Column(column, tuple(parts)))
    while columns and not columns[-1].parts:
        columns.pop()
    return tuple(columns)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def suggest_mapping(header: Header) -> dict[int, str]:
    """Column index -> field id for the columns whose heading is recognised; each field once."""
    mapping: dict[int, str] = {}
    used: set[str] = set()
    head_groups = _group_keys("head_groups")
    for column in header.columns:
        if not column.parts:
            continue
        joined, last, top = " ".join(column.parts), column.parts[-1], column.parts[0]
        field = (
            _exact(last) or _exact(joined) or _contained(last) or _contained(joined) or _lookup(top)
        )
        if field is None:
            continue
        upper = {heading_key(part) for part in column.parts[:-1]}
        if field == "member.full_name" and upper & head_groups:
            field = "household.head_name"
        if field != IGNORE and field in used:
            continue
        used.add(field)
        mapping[column.index] = field
    return mapping
