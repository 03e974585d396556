"""Questionnaires captured on tablets (KoBoToolbox, ODK Central / Collect) read into a review round.

The export holds one row per submission (the household) and, in a repeat sheet or file, one row
per member, linked by ``_index`` / ``_parent_index`` (KoBo) or ``KEY`` / ``PARENT_KEY`` (ODK
Central). Columns are the household record's fields (forms/household-record.schema.json) written
as paths ("income/monthly_per_capita", "members/full_name", any group prefix before them, "/",
"." or "-" between the parts), their Vietnamese labels, or what a saved mapping says.

``plan_tablet_import`` only reads and checks (the preview); ``apply_tablet_import`` saves every good
submission as a complete Phiếu B in one transaction. See docs/tablet-import.md.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from gnapp.core import household_checks
from gnapp.core.record import VALUE_LABELS, RecordError, record_problems
from gnapp.core.standards import StandardError
from gnapp.core.vietnamese import fold, format_date, parse_number
from gnapp.data import read_form_json
from gnapp.importers import parsing
from gnapp.importers.headers import heading_key
from gnapp.importers.parsing import CellError
from gnapp.importers.reading import (
    SUPPORTED_SUFFIXES,
    ImportFileError,
    Sheet,
    column_letter,
    read_sheet,
    sheet_names,
)
from gnapp.progress import Progress
from gnapp.review.questionnaire import load_questionnaire
from gnapp.review.workflow import (
    ReviewError,
    Round,
    classify_for_round,
    get_round,
    match_members,
    save_survey,
)
from gnapp.store import register
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError

ERROR = "error"
WARNING = "warning"
HOUSEHOLD = "household"
MEMBER = "member"
QUESTIONNAIRE = "questionnaire"
IGNORE = "ignore"
_PROGRESS_EVERY = 20

# Columns the tablet programs add on their own (KoBoToolbox, ODK Central / Briefcase / Collect).
_METADATA = frozenset(
    heading_key(name)
    for name in (
        "start", "end", "today", "deviceid", "phonenumber", "simserial", "subscriberid",
        "username", "audit", "instanceID", "instanceName", "rootUuid", "deprecatedID",
        "KEY", "PARENT_KEY", "SubmissionDate", "SubmitterID", "SubmitterName",
        "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID",
        "Edits", "FormVersion", "formhub/uuid", "uuid",
    )
)  # fmt: skip
_KOBO_LINKS = ("_index", "_parent_index")
_ODK_LINKS = ("KEY", "PARENT_KEY")
_SEPARATORS = re.compile(r"[/.\-:]")
_MACHINE_NUMBER = re.compile(r"-?\d+(\.\d+)?")

# Answers of yes/no questions as tablets export them (values or labels), folded.
_TRUE = frozenset({"1", "yes", "y", "true", "co", "x", "dung", "phai"})
_FALSE = frozenset({"0", "no", "n", "false", "khong", "sai"})

# Fields of the questionnaire itself, outside the household record.
_QUESTIONNAIRE_FIELDS = {
    "questionnaire.surveyed_on": ("surveyed_on", "Ngày rà soát", ("Ngày điều tra",)),
    "questionnaire.reviewer": ("reviewer", "Rà soát viên", ("Người rà soát", "Điều tra viên")),
}  # fmt: skip


@dataclass(frozen=True)
class Field:
    """One field a column can fill: ``id`` like "household.income.b1_score" or "member.sex"."""

    id: str
    path: tuple[str, ...]  # inside the household record, or inside one member
    level: str  # HOUSEHOLD, MEMBER or QUESTIONNAIRE
    kind: str  # text, boolean, choice(s), number, integer, date, birth_date, citizen_id, ...
    label: str
    choices: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path[-1]


def _kind(name: str, schema: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    if name in ("birth_date", "citizen_id", "sex", "relation"):
        return name, tuple(v for v in schema.get("enum", ()) if v is not None)
    if "enum" in schema:
        return "choice", tuple(v for v in schema["enum"] if v is not None)
    types = schema.get("type", "string")
    types = [types] if isinstance(types, str) else types
    if "array" in types:
        return "choices", tuple(schema["items"]["enum"])
    for kind in ("boolean", "integer", "number"):
        if kind in types:
            return kind, ()
    return "text", ()


def _label(schema: Mapping[str, Any], name: str) -> str:
    """The schema description up to its first colon or format hint ("Ngày sinh YYYY-…")."""
    return re.sub(r"\s+YYYY.*", "", schema.get("description", name).split(":")[0])


@functools.cache
def tablet_fields() -> tuple[Field, ...]:
    """Every field of the record a column can fill (b1_answers aside), then the questionnaire's."""
    schema = read_form_json("household-record.schema.json")
    found: list[Field] = []
    for name, part in schema["properties"].items():
        if name == "members":
            continue
        if part.get("properties"):
            for inner, inner_schema in part["properties"].items():
                if inner == "b1_answers":
                    continue
                kind, choices = _kind(inner, inner_schema)
                found.append(
                    Field(
                        f"household.{name}.{inner}",
                        (name, inner),
                        HOUSEHOLD,
                        kind,
                        _label(inner_schema, inner),
                        choices,
                    )
                )
            continue
        kind, choices = _kind(name, part)
        found.append(
            Field(f"household.{name}", (name,), HOUSEHOLD, kind, _label(part, name), choices)
        )
    for name, part in schema["$defs"]["member"]["properties"].items():
        kind, choices = _kind(name, part)
        found.append(Field(f"member.{name}", (name,), MEMBER, kind, _label(part, name), choices))
    for field_id, (name, label, _) in _QUESTIONNAIRE_FIELDS.items():
        kind = "date" if name == "surveyed_on" else "text"
        found.append(Field(field_id, (name,), QUESTIONNAIRE, kind, label))
    return tuple(found)


@functools.cache
def _fields_by_id() -> dict[str, Field]:
    return {item.id: item for item in tablet_fields()}


def field_by_id(field_id: str) -> Field:
    return _fields_by_id()[field_id]


# --- which column holds which field -------------------------------------------------------------

# The register import's headings (forms/import/fields.json) that name a record field.
_REGISTER_HEADINGS = {
    "household.code": "household.household_code",
    "household.village": "household.village",
    "household.address": "household.address",
    "member.full_name": "member.full_name",
    "member.birth_date": "member.birth_date",
    "member.sex": "member.sex",
    "member.citizen_id": "member.citizen_id",
    "member.relation": "member.relation",
    "member.ethnicity": "member.ethnicity",
}


@functools.cache
def _label_index() -> dict[str, dict[str, str]]:
    """Level -> folded heading -> field id: the fields' Vietnamese labels, the questions of
    Phiếu B (forms/review/questionnaires/phieu-b.json) and the register import's headings."""
    index: dict[str, dict[str, str]] = {HOUSEHOLD: {}, MEMBER: {}, QUESTIONNAIRE: {}}
    for item in tablet_fields():
        index[item.level].setdefault(heading_key(item.label), item.id)
    for page in load_questionnaire("phieu-b").pages:  # the words the Phiếu B screen asks with
        for question in page.questions:
            if question.key in _fields_by_id():
                index[question.scope].setdefault(heading_key(question.label), question.key)
    for field_id, (_, _, more) in _QUESTIONNAIRE_FIELDS.items():
        for heading in more:
            index[QUESTIONNAIRE][heading_key(heading)] = field_id
    for entry in read_form_json("import", "fields.json")["fields"]:
        target = _REGISTER_HEADINGS.get(entry["id"])
        if target is None:
            continue
        level = target.split(".")[0]
        for heading in entry["headings"]:
            index[level].setdefault(heading_key(heading), target)
    return index


@dataclass(frozen=True)
class ColumnRole:
    """What one column holds: a field, one choice of a multiple-choice field
    ("information_devices/tv" as 1/0), a link between sheets, metadata (ignored), or nothing
    known."""

    field: str | None = None
    choice: str | None = None
    link: str | None = None  # "_index", "_parent_index", "KEY" or "PARENT_KEY"
    ignored: bool = False


def is_metadata(heading: str) -> bool:
    """A column the tablet program adds itself (``_id``, ``_uuid``, ``meta/instanceID``, ...)."""
    text = heading.strip()
    if text.startswith("_") or text.upper().startswith("SET-OF-"):
        return True
    parts = [part for part in _SEPARATORS.split(text) if part]
    if parts and heading_key(parts[0]) == "meta":
        return True
    return heading_key(text) in _METADATA or (
        bool(parts) and heading_key(parts[-1]) in _METADATA and len(parts) > 1
    )


def _by_path(parts: list[str], levels: Sequence[str]) -> ColumnRole | None:
    """The field a column's name parts end with ("grp/income/b1_score", "members/sex", "sex")."""
    names = [part.strip().lower() for part in parts if part.strip()]
    if not names:
        return None
    for level in levels:
        candidates = [item for item in tablet_fields() if item.level == level]
        for item in candidates:
            path = list(item.path)
            full = ["members", *path] if level == MEMBER else path
            if names[-len(full) :] == full:
                return ColumnRole(item.id)
        leaf = [item for item in candidates if item.name == names[-1]]
        if len(leaf) == 1:
            return ColumnRole(leaf[0].id)
        # One choice of a multiple-choice question split into its own column.
        if len(names) >= 2:
            for item in candidates:
                if item.kind == "choices" and item.name == names[-2] and names[-1] in item.choices:
                    return ColumnRole(item.id, choice=names[-1])
    return None


def _by_label(heading: str, levels: Sequence[str]) -> ColumnRole | None:
    index = _label_index()
    keys = [heading_key(heading)]
    if "/" in heading:
        keys.append(heading_key(heading.rsplit("/", 1)[-1]))
    for key in keys:
        for level in levels:
            if key in index[level]:
                return ColumnRole(index[level][key])
    return None


def column_role(heading: str, level: str, mapping: Mapping[str, str] | None = None) -> ColumnRole:
    """What a column holds in a sheet of households (HOUSEHOLD) or of members (MEMBER)."""
    text = heading.strip()
    for link in (*_KOBO_LINKS, *_ODK_LINKS):
        if text == link:
            return ColumnRole(link=link)
    if mapping and text in mapping:
        target = mapping[text]
        if target == IGNORE:
            return ColumnRole(ignored=True)
        target, _, choice = target.partition("=")
        return ColumnRole(target, choice=choice or None)
    if is_metadata(text):
        return ColumnRole(ignored=True)
    levels = (MEMBER,) if level == MEMBER else (HOUSEHOLD, QUESTIONNAIRE)
    return _by_path(_SEPARATORS.split(text), levels) or _by_label(text, levels) or ColumnRole()


# --- the saved mapping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedMapping:
    """A mapping file: {"columns": {heading: field id | "ignore" | "field id=choice"},
    "values": {field id: {value as written: value of the record}}}."""

    columns: dict[str, str]
    values: dict[str, dict[str, Any]]


def load_mapping(path: str | Path) -> SavedMapping:
    """Read and check a saved mapping (ImportFileError in Vietnamese when it is not one)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ImportFileError(f"Không tìm thấy tệp ghép cột: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportFileError(
            f"Tệp ghép cột “{path.name}” không phải JSON hợp lệ ({error})."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
        raise ImportFileError(
            f'Tệp ghép cột “{path.name}” cần dạng {{"columns": {{tiêu đề cột: trường}}, '
            '"values": {trường: {giá trị trong tệp: giá trị}}}.'
        )
    columns = {str(k): str(v) for k, v in data.get("columns", {}).items()}
    for heading, target in columns.items():
        target_field, _, choice = target.partition("=")
        if target == IGNORE:
            continue
        if target_field not in _fields_by_id():
            raise ImportFileError(
                f"Tệp ghép cột “{path.name}”: cột “{heading}” ghép vào trường “{target_field}” "
                "không có trong mẫu bản ghi hộ (ví dụ: household.water_source, member.sex)."
            )
        item = field_by_id(target_field)
        if choice and (item.kind != "choices" or choice not in item.choices):
            raise ImportFileError(
                f"Tệp ghép cột “{path.name}”: “{choice}” không phải một lựa chọn của trường "
                f"“{target_field}”."
            )
    values = data.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise ImportFileError(
            f"Tệp ghép cột “{path.name}”: mục “values” cần dạng {{trường: {{giá trị trong tệp: "
            "giá trị}}."
        )
    unknown = [key for key in values if key not in _fields_by_id()]
    if unknown:
        raise ImportFileError(
            f"Tệp ghép cột “{path.name}”: mục “values” nêu trường không có: {', '.join(unknown)}."
        )
    return SavedMapping(
        columns, {key: {fold(str(k)): v for k, v in m.items()} for key, m in values.items()}
    )


# --- reading cells --------------------------------------------------------------------------------


@functools.cache
def _choice_words(field_id: str) -> dict[str, str]:
    """Folded code or Vietnamese label -> code, for a choice field."""
    item = field_by_id(field_id)
    words = {heading_key(code): code for code in item.choices}
    label_key = field_id if field_id in VALUE_LABELS else f"household.{item.name}"
    for code, label in VALUE_LABELS.get(label_key, {}).items():
        words.setdefault(heading_key(label), code)
    return words


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    written = parsing.text(value)
    key = heading_key(written or "")
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"“{written}” không phải câu trả lời có/không (ghi 1/0, có/không, yes/no)")


def _number(value: Any, item: Field) -> int | float:
    if isinstance(value, bool):
        raise CellError(f"“{value}” không phải số")
    if isinstance(value, int | float):
        number: Decimal | float = value
    else:
        written = str(value).strip().replace(" ", "")
        try:
            number = (
                Decimal(written) if _MACHINE_NUMBER.fullmatch(written) else parse_number(written)
            )
        except ValueError:
            raise CellError(f"“{written}” không phải số") from None
    if item.kind == "integer":
        if number != int(number):
            raise CellError(f"“{parsing.shown(value)}” không phải số nguyên")
        return int(number)
    return int(number) if number == int(number) else float(number)


def _allowed(item: Field) -> str:
    """The choices of a field with their Vietnamese words: "piped (nước máy), ..."."""
    labels = VALUE_LABELS.get(item.id) or VALUE_LABELS.get(f"household.{item.name}", {})
    return ", ".join(
        f"{code} ({labels[code]})" if code in labels else code for code in item.choices
    )


def _choice(value: Any, item: Field) -> str:
    written = parsing.text(value) or ""
    found = _choice_words(item.id).get(heading_key(written))
    if found is None:
        raise CellError(f"“{written}” không thuộc các lựa chọn: {_allowed(item)}")
    return found


def _choices(value: Any, item: Field) -> list[str]:
    written = parsing.text(value) or ""
    words = _choice_words(item.id)
    spaced = written.split()
    if spaced and all(heading_key(word) in words for word in spaced):
        pieces = spaced
    else:
        pieces = [piece for piece in re.split(r"[,;\n]", written) if piece.strip()]
    found: list[str] = []
    for piece in pieces:
        code = words.get(heading_key(piece))
        if code is None:
            raise CellError(
                f"“{piece.strip()}” không thuộc các lựa chọn ({', '.join(item.choices)})"
            )
        if code not in found:
            found.append(code)
    return found


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    written = parsing.text(value) or ""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", written) or None
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        day = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", written)
        if day:
            return date(int(day[3]), int(day[2]), int(day[1])).isoformat()
    except ValueError:
        pass
    raise CellError(f"Ngày “{written}” không đọc được (ghi ngày/tháng/năm hoặc YYYY-MM-DD)")


@dataclass
class CellValue:
    value: Any
    warnings: list[str] = field(default_factory=list)


def read_cell(
    value: Any, item: Field, values: Mapping[str, Any] | None, today: date
) -> CellValue | None:
    """The record's value for a cell (None for an empty cell); CellError when it cannot be read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if values:
        key = fold(parsing.text(value) or "")
        if key in values:
            value = values[key]
            if value is None:
                return None
    kind = item.kind
    if kind == "text":
        return CellValue(parsing.text(value))
    if kind == "boolean":
        return CellValue(_boolean(value))
    if kind in ("number", "integer"):
        return CellValue(_number(value, item))
    if kind == "choice":
        return CellValue(_choice(value, item))
    if kind == "choices":
        return CellValue(_choices(value, item))
    if kind == "date":
        return CellValue(_date(value))
    if kind == "birth_date":
        parsed = parsing.birth_date(value, today)
        return CellValue(parsed.value, parsed.warnings)
    if kind == "sex":
        if parsing.text(value) in item.choices:
            return CellValue(parsing.text(value))
        return CellValue(parsing.sex(value))
    if kind == "relation":
        written = parsing.text(value)
        if written in item.choices:
            return CellValue(written)
        by_label = _choice_words(item.id).get(heading_key(written or ""))
        if by_label is not None:
            return CellValue(by_label)
        parsed = parsing.relation(value)
        return CellValue(parsed.value, parsed.warnings)
    if kind == "citizen_id":
        parsed = parsing.citizen_id(value, None, None)
        return CellValue(parsed.value, parsed.warnings)
    raise AssertionError(kind)


# --- the files: one table of submissions, one of members ----------------------------------------


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
            with zipfile.ZipFile(path) as archive:
                names = [
                    n for n in archive.namelist() if Path(n).suffix.lower() in SUPPORTED_SUFFIXES
                ]
                for number, name in enumerate(names):
                    target = folder / str(number) / Path(name).name  # its sheet keeps the name
                    target.parent.mkdir()
                    target.write_bytes(archive.read(name))
                    found.append((f"{path.name}/{name}", target))
        except (zipfile.BadZipFile, FileNotFoundError) as error:
            raise ImportFileError(f"Không mở được tệp nén “{path.name}” ({error}).") from None
        if not names:
            raise ImportFileError(f"Tệp nén “{path.name}” không có tệp CSV hay bảng tính nào.")
    return found


@dataclass
class Export:
    main: Table
    members: Table | None
    notes: list[str]


def read_export(paths: Sequence[str | Path], mapping: SavedMapping | None = None) -> Export:
    """The table of submissions and the table of members (if any) of the files given."""
    if not paths:
        raise ImportFileError("Chưa chọn tệp nào.")
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
    with_code = [t for t in mains if _code_column(t) is not None]
    if not with_code:
        raise ImportFileError(
            "Không tìm thấy cột mã hộ (household_code hoặc “Mã hộ”) trong "
            + ", ".join(f"trang “{t.sheet.name}” của tệp {t.file}" for t in mains)
            if mains
            else "Không tìm thấy trang nào có dữ liệu phiếu."
        )
    if len(with_code) > 1:
        raise ImportFileError(
            "Có nhiều trang chứa cột mã hộ ("
            + ", ".join(f"{t.file} › {t.sheet.name}" for t in with_code)
            + "): mỗi lần nhập một biểu mẫu (một trang phiếu chính và trang thành viên)."
        )
    main = with_code[0]
    for table in mains:
        if table is not main:
            notes.append(
                f"Bỏ qua trang “{table.sheet.name}” của tệp {table.file} (không có cột mã hộ)."
            )
    members = None
    if repeats:
        repeats.sort(key=lambda t: len(t.field_columns()), reverse=True)
        members = repeats[0] if repeats[0].field_columns() else None
        for table in repeats:
            if table is not members:
                notes.append(
                    f"Bỏ qua nhóm lặp “{table.sheet.name}” của tệp {table.file} "
                    "(không phải danh sách thành viên)."
                )
    for table in filter(None, (main, members)):
        unknown = [
            f"{column_letter(i)} ({h})"
            for i, (h, role) in enumerate(zip(table.headings, table.roles, strict=True))
            if h and not role.field and not role.link and not role.ignored
        ]
        if unknown:
            notes.append(
                f"Cột không dùng ở trang “{table.sheet.name}” của tệp {table.file}: "
                + ", ".join(unknown)
            )
    return Export(main, members, notes)


def _code_column(table: Table) -> int | None:
    return next(
        (i for i, r in enumerate(table.roles) if r.field == "household.household_code"), None
    )


# --- the preview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TabletProblem:
    """A problem of one submission: where it is (file, sheet, row, column) and which field."""

    file: str
    sheet: str
    row: int
    column: str  # "C (members/sex)", "" when the problem is the row's
    field: str  # the field's Vietnamese label, "" when none
    message: str
    severity: str = ERROR

    @property
    def location(self) -> str:
        where = f"Tệp {self.file}, trang “{self.sheet}”, dòng {self.row}"
        if self.column:
            where += f", cột {self.column}"
        if self.field:
            where += f", trường “{self.field}”"
        return where

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class Submission:
    """One questionnaire of the file, as it will be saved."""

    file: str
    sheet: str
    row: int
    code: str | None
    household_id: int | None = None
    head_name: str = ""
    record: dict[str, Any] | None = None
    member_ids: list[int | None] = field(default_factory=list)
    reviewer: str | None = None
    surveyed_on: str | None = None
    class_code: str | None = None
    class_label: str = ""
    deprivation_count: int | None = None
    problems: list[TabletProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[TabletProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.errors


@dataclass
class TabletPlan:
    round_id: int
    reference_date: date
    standard_id: str
    files: list[str]
    submissions: list[Submission]
    problems: list[TabletProblem]  # rows that belong to no submission (orphan members)
    notes: list[str]

    def to_save(self) -> list[Submission]:
        return [s for s in self.submissions if s.ok]

    def all_problems(self) -> list[TabletProblem]:
        return [*self.problems, *(p for s in self.submissions for p in s.problems)]

    @property
    def rejected(self) -> list[Submission]:
        return [s for s in self.submissions if not s.ok]


def review_list_problem(db: sqlite_utils.Database, round_id: int, household_id: int) -> str | None:
    """Why the household cannot be surveyed in the round (not on its review list), or None.

    Rounds whose database has no review list yet (schema before review_entries) check nothing."""
    if "review_entries" not in db.table_names():
        return None
    row = db.execute(
        "SELECT removed_reason FROM review_entries WHERE round_id = ? AND household_id = ?",
        [round_id, household_id],
    ).fetchone()
    if row is None:
        return "Hộ không có trong danh sách rà soát của đợt này: thêm hộ vào danh sách trước."
    if row[0] is not None:
        return f"Hộ đã được đưa ra khỏi danh sách rà soát của đợt này ({row[0]})."
    return None


_RECORD_PATH = re.compile(r"members\[(\d+)\](?:\.(\w+))?")


def _record_field(path: str) -> tuple[int | None, str]:
    """(member index, field id) a record path names: "members[2].sex" -> (2, "member.sex"),
    "income.b1_score" -> (None, "household.income.b1_score"); "" for the roster as a whole."""
    if match := _RECORD_PATH.match(path):
        return int(match[1]), f"member.{match[2]}" if match[2] else ""
    parts = re.split(r"[.\[]", path)
    for size in (2, 1):
        field_id = "household." + ".".join(parts[:size])
        if field_id in _fields_by_id():
            return None, field_id
    return None, ""


class _Builder:
    """Builds and checks one submission's record from its row and its member rows."""

    def __init__(self, db: sqlite_utils.Database, found: Round, mapping: SavedMapping | None):
        self.db = db
        self.round = found
        self.values = mapping.values if mapping else {}
        self.today = date.today()

    def problem(
        self,
        submission: Submission,
        table: Table,
        row: int,
        column: int | None,
        label: str,
        message: str,
        severity: str = ERROR,
    ) -> None:
        shown = f"{column_letter(column)} ({table.headings[column]})" if column is not None else ""
        submission.problems.append(
            TabletProblem(table.file, table.sheet.name, row, shown, label, message, severity)
        )

    def read_row(
        self, submission: Submission, table: Table, row: int, cells: list[Any]
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """{field id: value} of the cells that hold an answer, and the column of each field."""
        found: dict[str, Any] = {}
        where: dict[str, int] = {}
        split: dict[str, list[str]] = {}
        split_seen: set[str] = set()
        whole = {r.field for r in table.roles if r.field and r.choice is None}
        for column, role in enumerate(table.roles):
            if not role.field:
                continue
            item = field_by_id(role.field)
            raw = table.cell(cells, column)
            try:
                if role.choice is not None:
                    if role.field in whole or raw is None:
                        continue
                    split_seen.add(role.field)
                    where.setdefault(role.field, column)
                    if _boolean(raw):
                        split.setdefault(role.field, []).append(role.choice)
                    continue
                value = read_cell(raw, item, self.values.get(role.field), self.today)
            except CellError as error:
                self.problem(submission, table, row, column, item.label, str(error))
                continue
            where[role.field] = column  # an empty cell too: a missing answer is told there
            if value is None:
                continue
            for warning in value.warnings:
                self.problem(submission, table, row, column, item.label, warning, WARNING)
            found[role.field] = value.value
        for field_id in split_seen:
            found[field_id] = split.get(field_id, [])
        return found, where

    def build(
        self, table: Table, row: int, cells: list[Any], members: Table | None,
        member_rows: list[tuple[int, list[Any]]],
    ) -> Submission:  # fmt: skip
        code_column = _code_column(table)
        assert code_column is not None
        code = parsing.text(table.cell(cells, code_column))
        submission = Submission(table.file, table.sheet.name, row, code)
        if code is None:
            self.problem(submission, table, row, code_column, "Mã hộ", "Thiếu mã hộ")
            return submission
        answers, where = self.read_row(submission, table, row, cells)
        submission.surveyed_on = answers.pop("questionnaire.surveyed_on", None)
        submission.reviewer = answers.pop("questionnaire.reviewer", None)
        found = self.db.execute(
            "SELECT id, village_id FROM households WHERE code = ?", [code]
        ).fetchone()
        if found is None:
            self.problem(
                submission, table, row, code_column, "Mã hộ",
                f"Không có hộ mã {code} trong sổ hộ của xã",
            )  # fmt: skip
            return submission
        submission.household_id, village_id = found
        reason = review_list_problem(self.db, self.round.id, submission.household_id)
        if reason:
            self.problem(submission, table, row, code_column, "Mã hộ", reason)
        record = register.household_record(self.db, submission.household_id)
        register_ids = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM members WHERE household_id = ? ORDER BY position",
                [submission.household_id],
            )
        ]
        for field_id, value in answers.items():
            path = field_by_id(field_id).path
            if len(path) == 2:
                record.setdefault(path[0], {})
                if record[path[0]] is None:
                    record[path[0]] = {}
                record[path[0]][path[1]] = value
            else:
                record[path[0]] = value
        member_origin: list[tuple[Table, int, dict[str, int]] | None]
        if member_rows and members is not None:
            record["members"], submission.member_ids, member_origin = self.roster(
                submission, members, member_rows, record["members"], register_ids
            )
        else:
            submission.member_ids = list(register_ids)
            member_origin = [None] * len(record["members"])
            if members is not None:
                self.problem(
                    submission, table, row, None, "Thành viên",
                    "Phiếu không có dòng thành viên nào: giữ nguyên danh sách thành viên "
                    "trong sổ hộ",
                    WARNING,
                )  # fmt: skip
        submission.record = record
        head = next((m for m in record["members"] if m.get("relation") == "head"), None)
        submission.head_name = (head or {}).get("full_name", "")
        self.check(submission, table, row, where, member_origin, village_id)
        return submission

    def roster(
        self,
        submission: Submission,
        members: Table,
        rows: list[tuple[int, list[Any]]],
        known: list[dict[str, Any]],
        known_ids: list[int],
    ) -> tuple[
        list[dict[str, Any]], list[int | None], list[tuple[Table, int, dict[str, int]] | None]
    ]:
        """The members of the questionnaire, each matched with the register's roster (by citizen
        ID, else by name and birth year): its register id and its register fields under the
        answers."""
        given: list[dict[str, Any]] = []
        origin: list[tuple[Table, int, dict[str, int]] | None] = []
        for row, cells in rows:
            answers, where = self.read_row(submission, members, row, cells)
            given.append({field_by_id(k).name: v for k, v in answers.items()})
            origin.append((members, row, where))
        assert submission.household_id is not None
        ids = match_members(self.db, submission.household_id, given)
        by_id = dict(zip(known_ids, known, strict=True))
        roster = [
            {**by_id[member_id], **member} if member_id is not None else member
            for member_id, member in zip(ids, given, strict=True)
        ]
        for member_id, member in by_id.items():
            if member_id not in ids:
                self.problem(
                    submission, members, rows[0][0], None, "Thành viên",
                    f"{member.get('full_name')} có trong sổ hộ nhưng không có trong phiếu: "
                    "sẽ được đưa ra khỏi hộ",
                    WARNING,
                )  # fmt: skip
        return roster, ids, origin

    def check(
        self,
        submission: Submission,
        table: Table,
        row: int,
        where: dict[str, int],
        member_origin: list[tuple[Table, int, dict[str, int]] | None],
        village_id: int,
    ) -> None:
        """The record's own checks, the household form's checks, then the class."""
        record = submission.record
        assert record is not None
        reported: set[tuple[int | None, str]] = set()

        def place(member: int | None, field_id: str, message: str, severity: str) -> None:
            label = field_by_id(field_id).label if field_id in _fields_by_id() else "Thành viên"
            origin = member_origin[member] if member is not None else None
            if origin is not None:
                target, at, columns = origin
                self.problem(
                    submission, target, at, columns.get(field_id), label, message, severity
                )
                return
            if member is not None:  # a member kept from the register: no row of its own
                name = record["members"][member].get("full_name") or ""
                message = f"Thành viên thứ {member + 1} ({name}): {message}"
            self.problem(submission, table, row, where.get(field_id), label, message, severity)

        for error in record_problems(record, self.round.reference_date):
            member, field_id = _record_field(error.path)
            reported.add((member, field_id))
            place(member, field_id, error.reason, ERROR)
        household = {
            "code": record["household_code"],
            "village_id": village_id,
            "floor_area_m2": record.get("floor_area_m2"),
        }
        members = record["members"]
        elsewhere = {
            m["citizen_id"]: register.citizen_id_elsewhere(
                self.db, m["citizen_id"], submission.household_id
            )
            for m in members
            if m.get("citizen_id")
        }
        for found in household_checks.household_problems(
            household, members, today=self.today, elsewhere=elsewhere
        ):
            field_id = found.field if found.field != "household.members" else ""
            if (found.member, field_id) not in reported:
                place(found.member, field_id, found.message, found.severity)
        if submission.errors:
            return
        try:
            result = classify_for_round(self.db, self.round, record)
        except (RecordError, StandardError) as error:
            self.problem(submission, table, row, None, "", str(error))
            return
        if result.class_code is None:
            missing = "; ".join(result.notes or ("thiếu dữ liệu",))
            self.problem(submission, table, row, None, "", f"Chưa phân loại được — {missing}")
            return
        submission.class_code = result.class_code
        submission.class_label = result.class_label
        submission.deprivation_count = result.deprivation_count


def plan_tablet_import(
    db: sqlite_utils.Database,
    round_id: int,
    paths: Sequence[str | Path],
    *,
    mapping: SavedMapping | None = None,
    progress: Progress | None = None,
) -> TabletPlan:
    """Read the export, match every submission with its household and check it: nothing written."""
    try:
        found = get_round(db, round_id)
    except ReviewError as error:
        raise ImportFileError(str(error)) from None
    if found.locked:
        raise ImportFileError(
            f"{found.title} đã được công nhận và khóa: không nhập thêm phiếu được."
        )
    export = read_export(paths, mapping)
    builder = _Builder(db, found, mapping)
    main, members = export.main, export.members
    children: dict[str, list[tuple[int, list[Any]]]] = {}
    problems: list[TabletProblem] = []
    parent_key: int | None = None
    if members is not None:
        child_link = members.link_column(("_parent_index", "PARENT_KEY"))
        assert child_link is not None
        parent_name = "_index" if members.roles[child_link].link == "_parent_index" else "KEY"
        parent_key = main.link_column((parent_name,))
        if parent_key is None:
            raise ImportFileError(
                f"Trang thành viên “{members.sheet.name}” nối với phiếu qua cột "
                f"{members.headings[child_link]} nhưng trang “{main.sheet.name}” của tệp "
                f"{main.file} không có cột {parent_name}."
            )
        for row, cells in members.data_rows():
            key = parsing.text(members.cell(cells, child_link))
            children.setdefault(key or "", []).append((row, cells))
    rows = list(main.data_rows())
    submissions: list[Submission] = []
    used: set[str] = set()
    for number, (row, cells) in enumerate(rows):
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(number, len(rows), f"Đang kiểm tra phiếu {number + 1}/{len(rows)}…")
        key = parsing.text(main.cell(cells, parent_key)) if parent_key is not None else None
        mine = children.get(key, []) if key is not None else []
        if key is not None:
            used.add(key)
        submissions.append(builder.build(main, row, cells, members, mine))
    if members is not None:
        for key, orphans in children.items():
            if key in used:
                continue
            for row, _ in orphans:
                problems.append(
                    TabletProblem(
                        members.file, members.sheet.name, row, "", "Thành viên",
                        f"Dòng thành viên không thuộc phiếu nào (mã nối “{key}” không có ở "
                        f"trang “{main.sheet.name}”)",
                    )
                )  # fmt: skip
    _flag_duplicates(submissions)
    _flag_surveyed(db, round_id, submissions)
    return TabletPlan(
        round_id, found.reference_date, found.standard_id,
        sorted({s.file for s in submissions} | {main.file, *( [members.file] if members else [])}),
        submissions, problems, export.notes,
    )  # fmt: skip


def _flag_duplicates(submissions: list[Submission]) -> None:
    by_household: dict[int, list[Submission]] = {}
    for submission in submissions:
        if submission.household_id is not None:
            by_household.setdefault(submission.household_id, []).append(submission)
    for same in by_household.values():
        if len(same) < 2:
            continue
        for submission in same:
            others = ", ".join(str(s.row) for s in same if s is not submission)
            submission.problems.append(
                TabletProblem(
                    submission.file, submission.sheet, submission.row, "", "Mã hộ",
                    f"Hộ {submission.code} có phiếu trùng ở dòng {others}: xóa phiếu thừa "
                    "rồi nhập lại",
                )
            )  # fmt: skip


def _flag_surveyed(db: sqlite_utils.Database, round_id: int, submissions: list[Submission]) -> None:
    """Warn where a complete Phiếu B of the round would be replaced."""
    rows = db.execute(
        "SELECT household_id, surveyed_on FROM questionnaires "
        "WHERE round_id = ? AND form = 'B' AND state = 'complete'",
        [round_id],
    ).fetchall()
    done = dict(rows)
    for submission in submissions:
        if submission.household_id in done:
            when = done[submission.household_id]
            shown = format_date(date.fromisoformat(when)) if when else "trước đây"
            submission.problems.append(
                TabletProblem(
                    submission.file, submission.sheet, submission.row, "", "",
                    f"Hộ {submission.code} đã có Phiếu B hoàn thành (rà soát {shown}): "
                    "phiếu này sẽ thay phiếu cũ",
                    WARNING,
                )
            )  # fmt: skip


# --- saving ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TabletResult:
    saved: int
    classes: dict[str, int]  # class code -> households


def apply_tablet_import(
    cdb: CommuneDatabase,
    plan: TabletPlan,
    *,
    reviewer: str | None = None,
    progress: Progress | None = None,
) -> TabletResult:
    """Save every good submission as a complete Phiếu B of the round, all in one transaction
    (nothing is kept when one fails or the user cancels)."""
    good = plan.to_save()
    if not good:
        raise ImportFileError("Không có phiếu nào nhập được từ tệp này.")
    classes: dict[str, int] = {}
    with cdb.transaction():
        for number, submission in enumerate(good):
            if progress is not None:
                progress(number, len(good), f"Đang ghi phiếu hộ {submission.code}…")
            assert submission.record is not None and submission.household_id is not None
            try:
                result = save_survey(
                    cdb, plan.round_id, submission.household_id, submission.record,
                    submission.member_ids, form="B", complete=True,
                    reviewer=submission.reviewer or reviewer,
                    surveyed_on=submission.surveyed_on,
                )  # fmt: skip
            except (RecordError, DatabaseError, ValueError) as error:
                raise ImportFileError(
                    f"Tệp {submission.file}, trang “{submission.sheet}”, dòng {submission.row}, "
                    f"hộ {submission.code}: {error}. Chưa ghi phiếu nào."
                ) from error
            code = result.class_code if result is not None else submission.class_code
            if code:
                classes[code] = classes.get(code, 0) + 1
        if progress is not None:
            progress(len(good), len(good), "Đã ghi xong")
    return TabletResult(len(good), classes)


REPORT_HEADINGS = ("Tệp", "Trang", "Dòng", "Cột", "Trường", "Mức", "Nội dung")
SEVERITY_LABELS = {ERROR: "Lỗi", WARNING: "Cảnh báo"}


def write_problem_report(plan: TabletPlan, path: str | Path) -> int:
    """Write every problem (file, sheet, row, column, field, level, message) to an XLSX sheet;
    return how many."""
    import openpyxl
    from openpyxl.styles import Font

    problems = plan.all_problems()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Lỗi nhập phiếu"
    sheet.append(list(REPORT_HEADINGS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for problem in problems:
        sheet.append(
            [problem.file, problem.sheet, problem.row, problem.column, problem.field,
             SEVERITY_LABELS[problem.severity], problem.message]
        )  # fmt: skip
    for letter, width in zip("ABCDEFG", (22, 18, 7, 28, 28, 10, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(Path(path))
    return len(problems)
