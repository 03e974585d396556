"""The files of a tablet export: the table of submissions and the table of members (a repeat
group), each sheet read by gnapp.importers.reading, a zip (ODK Central) unpacked."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gnapp.core.input_files import require_file
from gnapp.i18n import tr
from gnapp.importers import parsing
from gnapp.importers.limits import (
    MAX_FILE_BYTES,
    MAX_SHEETS,
    MAX_UNPACKED_BYTES,
    number,
    size,
)
from gnapp.importers.reading import (
    SUPPORTED_SUFFIXES,
    ImportFileError,
    Sheet,
    column_letter,
    read_sheet,
    sheet_names,
)
from gnapp.review.tablet.fields import HOUSEHOLD, MEMBER
from gnapp.review.tablet.mapping import ColumnRole, SavedMapping, column_role


@dataclass
class Table:
    """One sheet of the export with the role of each column (header on its first non-empty row)."""

    file: str  # as shown in messages
    sheet: Sheet
    header_row: int  # 0-based
    headings: list[str]
    roles: list[ColumnRole]

    @property
    def is_repeat(self) -> bool:
        return any(role.link in ("_parent_index", "PARENT_KEY") for role in self.roles)

    def link_column(self, names: Iterable[str]) -> int | None:
        wanted = set(names)
        return next((i for i, role in enumerate(self.roles) if role.link in wanted), None)

    def field_columns(self) -> list[int]:
        return [i for i, role in enumerate(self.roles) if role.field]

    def data_rows(self) -> Iterable[tuple[int, list[Any]]]:
        """(row number as the spreadsheet shows it, cells) of every non-empty data row."""
        for index in range(self.header_row + 1, len(self.sheet.rows)):
            cells = self.sheet.rows[index]
            if any(cell is not None for cell in cells):
                yield index + 1, cells

    def cell(self, cells: list[Any], column: int) -> Any:
        return cells[column] if column < len(cells) else None


def _table(file: str, sheet: Sheet, level: str, mapping: SavedMapping | None) -> Table | None:
    header = next((i for i, row in enumerate(sheet.rows) if any(c is not None for c in row)), None)
    if header is None:
        return None
    headings = [parsing.text(cell) or "" for cell in sheet.rows[header]]
    columns = mapping.columns if mapping else None
    roles = [column_role(h, level, columns) if h else ColumnRole(ignored=True) for h in headings]
    return Table(file, sheet, header, headings, roles)


def _expand(paths: Sequence[str | Path], folder: Path) -> list[tuple[str, Path]]:
    """(name for messages, file to read) of the files given, a zip (ODK Central) unpacked."""
    found: list[tuple[str, Path]] = []
    for given in paths:
        path = Path(given)
        if path.suffix.lower() != ".zip":
            found.append((path.name, path))
            continue
        try:
            require_file(path)  # a pipe named .zip would never be read to its end
            with zipfile.ZipFile(path) as archive:
                names = [
                    n for n in archive.namelist() if Path(n).suffix.lower() in SUPPORTED_SUFFIXES
                ]
                _check_unpacked(path, archive, names)
                for index, name in enumerate(names):
                    if archive.getinfo(name).file_size > MAX_FILE_BYTES:
                        raise ImportFileError(
                            tr(
                                "Tệp “{name}” trong tệp nén “{archive}” lớn quá {limit}, giới "
                                "hạn của một tệp nhập.",
                                name=name,
                                archive=path.name,
                                limit=size(MAX_FILE_BYTES),
                            )
                        )
                    target = folder / str(index) / Path(name).name  # its sheet keeps the name
                    target.parent.mkdir()
                    target.write_bytes(archive.read(name))
                    found.append((f"{path.name}/{name}", target))
        except ImportFileError:
            raise
        except OSError as error:  # a pipe, a device, a file that cannot be read
            raise ImportFileError(
                tr(
                    "Không mở được tệp nén “{name}” ({error}).",
                    name=path.name,
                    error=error.strerror or error,
                )
            ) from None
        except Exception as error:  # a damaged archive, whatever zipfile finds wrong
            raise ImportFileError(
                tr("Không mở được tệp nén “{name}” ({error}).", name=path.name, error=error)
            ) from None
        if not names:
            raise ImportFileError(
                tr("Tệp nén “{name}” không có tệp CSV hay bảng tính nào.", name=path.name)
            )
    return found


def _check_unpacked(path: Path, archive: zipfile.ZipFile, names: Sequence[str]) -> None:
    """A zip's files to read are no more than MAX_SHEETS, and no more than MAX_UNPACKED_BYTES
    unpacked together (as declared: zipfile stops at the declared size, and a member's CRC must
    match), before any is written to the disk."""
    if len(names) > MAX_SHEETS:
        raise ImportFileError(
            tr(
                "Tệp nén “{archive}” có {count} tệp bảng tính hoặc CSV, quá giới hạn {limit} tệp.",
                archive=path.name,
                count=number(len(names)),
                limit=number(MAX_SHEETS),
            )
        )
    if sum(archive.getinfo(name).file_size for name in names) > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            tr(
                "Các tệp trong tệp nén “{archive}” giải nén ra lớn quá {limit}.",
                archive=path.name,
                limit=size(MAX_UNPACKED_BYTES),
            )
        )


@dataclass
class Export:
    main: Table
    members: Table | None
    notes: list[str]


def read_export(paths: Sequence[str | Path], mapping: SavedMapping | None = None) -> Export:
    """The table of submissions and the table of members (if any) of the files given."""
    if not paths:
        raise ImportFileError(tr("Chưa chọn tệp nào."))
    sheets: list[tuple[str, Sheet]] = []
    with tempfile.TemporaryDirectory(prefix="gnapp-tablet-") as folder:
        for name, path in _expand(paths, Path(folder)):
            for sheet_name in sheet_names(path):
                sheets.append((name, read_sheet(path, sheet_name)))
    notes: list[str] = []
    mains: list[Table] = []
    repeats: list[Table] = []
    for name, sheet in sheets:
        probe = _table(name, sheet, HOUSEHOLD, mapping)
        if probe is None:
            continue
        if probe.is_repeat:
            table = _table(name, sheet, MEMBER, mapping)
            assert table is not None
            repeats.append(table)
        else:
            mains.append(probe)
    with_code = [t for t in mains if household_code_column(t) is not None]
    if not with_code:
        raise ImportFileError(
            tr("Không tìm thấy cột mã hộ (household_code hoặc “Mã hộ”) trong ")
            + ", ".join(
                tr("trang “{sheet}” của tệp {file}", sheet=t.sheet.name, file=t.file) for t in mains
            )
            if mains
            else tr("Không tìm thấy trang nào có dữ liệu phiếu.")
        )
    if len(with_code) > 1:
        raise ImportFileError(
            tr(
                "Có nhiều trang chứa cột mã hộ ({sheets}): mỗi lần nhập một biểu mẫu (một trang "
                "phiếu chính và trang thành viên).",
                sheets=", ".join(f"{t.file} › {t.sheet.name}" for t in with_code),
            )
        )
    main = with_code[0]
    for table in mains:
        if table is not main:
            notes.append(
                tr(
                    "Bỏ qua trang “{sheet}” của tệp {file} (không có cột mã hộ).",
                    sheet=table.sheet.name,
                    file=table.file,
                )
            )
    members = None
    if repeats:
        repeats.sort(key=lambda t: len(t.field_columns()), reverse=True)
        members = repeats[0] if repeats[0].field_columns() else None
        for table in repeats:
            if table is not members:
                notes.append(
                    tr(
                        "Bỏ qua nhóm lặp “{sheet}” của tệp {file} (không phải danh sách thành "
                        "viên).",
                        sheet=table.sheet.name,
                        file=table.file,
                    )
                )
    for table in filter(None, (main, members)):
        unknown = [
            f"{column_letter(i)} ({h})"
            for i, (h, role) in enumerate(zip(table.headings, table.roles, strict=True))
            if h and not role.field and not role.link and not role.ignored
        ]
        if unknown:
            notes.append(
                tr(
                    "Cột không dùng ở trang “{sheet}” của tệp {file}: {columns}",
                    sheet=table.sheet.name,
                    file=table.file,
                    columns=", ".join(unknown),
                )
            )
    return Export(main, members, notes)


def household_code_column(table: Table) -> int | None:
    return next(
        (i for i, r in enumerate(table.roles) if r.field == "household.household_code"), None
    )
