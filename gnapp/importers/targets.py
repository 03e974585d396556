"""Targets assigned by the level above (chỉ tiêu giao), read from its spreadsheet.

The sheet has a header row with a column of target names ("Chỉ tiêu", "Nội dung", ...) and a
column of values ("Kế hoạch", "Chỉ tiêu giao", "Năm 2025", ...), optionally a unit column and
the decision (number, date) either in columns or in a line above the table such as
"(Kèm theo Quyết định số 12/QĐ-UBND ngày 15/02/2025 ...)". Rows are matched to the target kinds
by their Vietnamese labels folded. ``read_targets`` only reads (the preview);
``apply_targets`` writes all of them in one batch that can be undone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gnapp.core.vietnamese import fold, format_decimal, parse_number
from gnapp.i18n import tr
from gnapp.importers.reading import ImportFileError, column_letter, read_sheet, sheet_names
from gnapp.store import programme
from gnapp.store.database import CommuneDatabase

# Folded header words: the first matching column of each role is used.
_LABEL_HEADERS = ("noi dung", "ten chi tieu", "chi tieu", "muc tieu")
_VALUE_HEADERS = ("ke hoach", "chi tieu giao", "gia tri", "so giao", "muc giao", "nam ")
_UNIT_HEADERS = ("don vi tinh", "dvt", "don vi")
_DECISION_HEADERS = ("so quyet dinh", "quyet dinh")
_DECISION_DATE_HEADERS = ("ngay quyet dinh", "ngay ban hanh")
_DECISION_TEXT = re.compile(
    r"quyet dinh so\s*:?\s*(\S+)\s+ngay\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
)
_HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class ImportedTarget:
    code: str
    label: str  # as written in the file
    value: float
    unit: str
    decision_number: str | None
    decision_date: str | None
    sheet: str
    row: int  # 1-based, as the spreadsheet shows it


@dataclass(frozen=True)
class TargetProblem:
    """A cell that could not be read; ``error`` False for a row merely skipped."""

    sheet: str
    row: int
    column: str
    message: str
    error: bool = True

    def __str__(self) -> str:
        return tr(
            "Trang “{sheet}”, dòng {row}, cột {column}: {message}",
            sheet=self.sheet,
            row=self.row,
            column=self.column,
            message=self.message,
        )


@dataclass(frozen=True)
class TargetImport:
    path: Path
    targets: tuple[ImportedTarget, ...]
    problems: tuple[TargetProblem, ...]

    @property
    def errors(self) -> tuple[TargetProblem, ...]:
        return tuple(p for p in self.problems if p.error)


def _key(text: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", fold(str(text))).split())


def _find_column(cells: list[str], names: tuple[str, ...], taken: set[int]) -> int | None:
    for name in names:
        for index, cell in enumerate(cells):
            if index not in taken and cell.startswith(name):
                return index
    return None


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """The header row and the column of each role, or None when there is none."""
    for number, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        cells = [_key(cell) if cell is not None else "" for cell in row]
        values = {i for i, c in enumerate(cells) if c and c.startswith(_VALUE_HEADERS)}
        label = _find_column(cells, _LABEL_HEADERS, values)
        if label is None:
            continue
        value = _find_column(cells, _VALUE_HEADERS, {label})
        if value is None:
            continue
        columns = {"label": label, "value": value}
        for role, names in (
            ("unit", _UNIT_HEADERS),
            ("decision_date", _DECISION_DATE_HEADERS),
            ("decision_number", _DECISION_HEADERS),
        ):
            found = _find_column(cells, names, set(columns.values()))
            if found is not None:
                columns[role] = found
        return number, columns
    return None


def _decision_above(rows: list[list[Any]], header: int) -> tuple[str | None, str | None]:
    for row in rows[:header]:
        for cell in row:
            if cell is None:
                continue
            match = _DECISION_TEXT.search(fold(str(cell)))
            if match:
                # The number keeps its original letters: take it from the cell itself.
                original = re.search(r"(?i)số\s*:?\s*(\S+)", str(cell))
                number = original[1] if original else match[1]
                day, month, year = int(match[2]), int(match[3]), int(match[4])
                try:
                    return number, date(year, month, day).isoformat()
                except ValueError:  # not a real date: the line names no decision
                    continue
    return None, None


def _as_date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    match = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", str(value))
    if not match:
        raise ValueError(str(value))
    return date(int(match[3]), int(match[2]), int(match[1])).isoformat()


def _as_number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().removesuffix("%").strip()
    return float(parse_number(text))


def read_targets(path: str | Path, sheet: str | None = None) -> TargetImport:
    """Read the targets of one sheet (default: the first sheet that has a header row)."""
    path = Path(path)
    names = [sheet] if sheet is not None else sheet_names(path)
    for name in names:
        grid = read_sheet(path, name)
        found = _header(grid.rows)
        if found is not None:
            return _read_rows(path, grid.name, grid.rows, *found)
    raise ImportFileError(
        tr(
            "Không tìm thấy dòng tiêu đề trong tệp “{name}”: cần một cột tên chỉ tiêu "
            "(“Chỉ tiêu” hoặc “Nội dung”) và một cột giá trị (“Kế hoạch”, “Chỉ tiêu giao” "
            "hoặc “Năm …”).",
            name=path.name,
        )
    )


def _read_rows(
    path: Path, sheet: str, rows: list[list[Any]], header: int, columns: dict[str, int]
) -> TargetImport:
    kinds = programme.target_kinds()
    by_label = {_key(kind["label"]): code for code, kind in kinds.items()}
    default_number, default_date = _decision_above(rows, header)
    found: list[ImportedTarget] = []
    problems: list[TargetProblem] = []
    seen: dict[str, int] = {}

    def cell(row: list[Any], role: str) -> Any:
        index = columns.get(role)
        return row[index] if index is not None and index < len(row) else None

    def problem(number: int, role: str, message: str, error: bool = True) -> None:
        problems.append(TargetProblem(sheet, number, column_letter(columns[role]), message, error))

    for offset, row in enumerate(rows[header + 1 :], start=header + 2):
        label, raw = cell(row, "label"), cell(row, "value")
        if label is None or not str(label).strip():
            continue
        code = by_label.get(_key(label))
        if code is None:
            if raw is not None:
                skipped = tr("“{label}” không khớp loại chỉ tiêu nào; bỏ qua.", label=label)
                problem(offset, "label", skipped, False)
            continue
        if raw is None:
            problem(offset, "value", tr("Chỉ tiêu “{label}” chưa có giá trị.", label=label))
            continue
        try:
            value = _as_number(raw)
        except (ValueError, ArithmeticError):
            problem(offset, "value", tr("“{written}” không phải là số.", written=raw))
            continue
        unit = kinds[code]["unit"]
        written_unit = cell(row, "unit")
        if written_unit is not None and _key(written_unit) not in (_key(unit), ""):
            problem(
                offset,
                "unit",
                tr(
                    "Đơn vị “{written}” khác đơn vị của chỉ tiêu ({unit}).",
                    written=written_unit,
                    unit=tr(unit) if unit != "%" else unit,
                ),
            )
            continue
        reason = programme.target_value_problem(value, unit)
        if reason:
            problem(offset, "value", reason)
            continue
        try:
            decision_date = _as_date(cell(row, "decision_date")) or default_date
        except ValueError:
            problem(offset, "decision_date", tr("Ngày quyết định phải có dạng ngày/tháng/năm."))
            continue
        if code in seen:
            problem(
                offset,
                "label",
                tr("Chỉ tiêu “{label}” đã có ở dòng {row}.", label=label, row=seen[code]),
            )
            continue
        seen[code] = offset
        number = cell(row, "decision_number")
        found.append(
            ImportedTarget(
                code=code,
                label=str(label).strip(),
                value=value,
                unit=unit,
                decision_number=str(number).strip() if number is not None else default_number,
                decision_date=decision_date,
                sheet=sheet,
                row=offset,
            )
        )
    return TargetImport(path, tuple(found), tuple(problems))


def describe(imported: ImportedTarget) -> str:
    """One preview line: "Tỷ lệ hộ nghèo cuối năm: 6,05%" (in the user's language)."""
    unit = imported.unit if imported.unit == "%" else f" {tr(imported.unit)}"
    label = tr(programme.target_kinds()[imported.code]["label"])
    return f"{label}: {format_decimal(imported.value)}{unit}"


def apply_targets(cdb: CommuneDatabase, result: TargetImport, year: int) -> int:
    """Write the targets read (refusing a file with errors) in one batch; return the batch id."""
    if result.errors:
        raise ImportFileError(
            tr("Tệp còn lỗi, chưa ghi chỉ tiêu nào:") + "\n" + "\n".join(map(str, result.errors))
        )
    if not result.targets:
        raise ImportFileError(
            tr("Tệp “{name}” không có chỉ tiêu nào khớp danh mục.", name=result.path.name)
        )
    # The batch's label is stored with it, as written: it stays Vietnamese.
    with cdb.batch("targets", f"Nhập chỉ tiêu năm {year}", source=str(result.path)) as batch:
        for target in result.targets:
            programme.set_target(
                cdb,
                year,
                target.code,
                target.value,
                decision_number=target.decision_number,
                decision_date=target.decision_date,
            )
    return batch
