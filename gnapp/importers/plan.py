"""The preview of an import: every row parsed, grouped into households, checked against
the file and the database, with nothing written yet.

The clerk decides on duplicates (``ImportPlan.decide``), the area of new villages
(``village_areas``) and, when the file names no village, the default village; then
``gnapp.importers.apply.apply_plan`` writes what the plan says.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import sqlite_utils

from gnapp.core.household_checks import TEXT_LIMIT, TEXT_LIMITS, text_problem
from gnapp.core.vietnamese import fold, nfc
from gnapp.core.villages import VillageMatcher, village_bare, village_written
from gnapp.i18n import tr, tr_noop
from gnapp.importers import parsing
from gnapp.importers.headers import (
    IGNORE,
    ColumnGuess,
    Header,
    find_header,
    heading_key,
    heading_legend,
    import_fields,
    understand_columns,
)
from gnapp.importers.parsing import CellError
from gnapp.importers.reading import ImportFileError, Sheet, column_letter, read_sheet
from gnapp.progress import Progress
from gnapp.store.database import CommuneDatabase
from gnapp.store.register import (
    get_setting,
    household_codes,
    household_codes_by_citizen_id,
    household_heads,
    set_setting,
    villages,
)

MEMBER_LAYOUT = "member"  # one row per member
HOUSEHOLD_LAYOUT = "household"  # one row per household (its head)
LAYOUT_LABELS = {
    MEMBER_LAYOUT: tr_noop("Mỗi dòng là một nhân khẩu"),
    HOUSEHOLD_LAYOUT: tr_noop("Mỗi dòng là một hộ (chủ hộ)"),
}
SKIP = "skip"
IMPORT = "import"
DECISION_LABELS = {SKIP: tr_noop("Bỏ qua"), IMPORT: tr_noop("Vẫn nhập")}
ERROR = "error"
WARNING = "warning"
MAPPINGS_SETTING = "import.mappings"
GENERATED_CODE_PREFIX = "NHAP-"
_PROGRESS_EVERY = 500
_T = TypeVar("_T")
Cells = dict[str, Any]  # a row's non-empty cells by the field of their column


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # as Excel shows it, from 1
    column: str  # letter, "" when the problem is the row's or the household's
    message: str  # in the user's language: the preview and the error report show it
    severity: str  # ERROR (the row is not imported) or WARNING

    @property
    def location(self) -> str:
        if self.column:
            return tr(
                "Trang “{sheet}”, dòng {row}, cột {column}",
                sheet=self.sheet,
                row=self.row,
                column=self.column,
            )
        return tr("Trang “{sheet}”, dòng {row}", sheet=self.sheet, row=self.row)


@dataclass
class PlannedHousehold:
    index: int
    rows: list[int]
    code: str | None = None
    code_generated: bool = False
    village: str | None = None  # as written in the file
    village_key: str | None = None  # "id:<n>" for an existing village, "new:<fold>" otherwise
    fields: dict[str, Any] = field(default_factory=dict)
    members: list[dict[str, Any]] = field(default_factory=list)
    member_rows: list[int] = field(default_factory=list)
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)  # cells -> first row
    status: str | None = None
    member_count: int | None = None
    head_name: str | None = None
    errors: list[str] = field(default_factory=list)  # marks it rejected; never shown

    @property
    def rejected(self) -> bool:
        return bool(self.errors)

    @property
    def head(self) -> dict[str, Any] | None:
        return next((m for m in self.members if m.get("relation") == "head"), None)


@dataclass(frozen=True)
class Duplicate:
    household: int  # index in ImportPlan.households
    row: int
    kind: str  # "code", "citizen_id" or "head"
    message: str
    in_database: bool  # then the only decision is to skip


@dataclass(frozen=True)
class Summary:
    rows: int
    accepted: int
    warned: int
    rejected: int
    duplicates: int
    skipped: int  # rows of households skipped by a duplicate decision
    repeated: int  # member lines written twice in their household, skipped
    households: int  # to be imported
    members: int
    new_villages: int


@dataclass
class ImportPlan:
    source: Path
    sheet: Sheet
    header: Header
    mapping: dict[int, str]
    layout: str
    status_year: int
    households: list[PlannedHousehold]
    problems: list[Problem]
    duplicates: list[Duplicate]
    orphan_rows: list[int]
    repeated_rows: dict[int, int]  # a member's line written again in its household -> first
    existing_villages: dict[str, int]  # village key -> id
    new_villages: dict[str, str]  # village key -> name to create
    village_areas: dict[str, str]  # village key -> "rural" | "urban"
    decisions: dict[int, str]
    notes: list[str]

    def decide(self, household: int, decision: str) -> None:
        if decision not in (SKIP, IMPORT):
            raise ValueError(decision)
        if any(d.in_database for d in self.duplicates if d.household == household):
            raise ValueError(tr("Hộ đã có trong dữ liệu: chỉ có thể bỏ qua"))
        self.decisions[household] = decision

    def to_import(self) -> list[PlannedHousehold]:
        return [
            h
            for h in self.households
            if not h.rejected and self.decisions.get(h.index, IMPORT) == IMPORT
        ]

    def summary(self) -> Summary:
        warned_rows = {p.row for p in self.problems if p.severity == WARNING}
        accepted = warned = rejected = skipped = 0
        importing = self.to_import()
        chosen = {h.index for h in importing}
        for household in self.households:
            if household.rejected:
                rejected += len(household.rows)
            elif household.index not in chosen:
                skipped += len(household.rows)
            else:
                flagged = sum(1 for row in household.rows if row in warned_rows)
                warned += flagged
                accepted += len(household.rows) - flagged
        rejected += len(self.orphan_rows)
        used = {h.village_key for h in importing}
        return Summary(
            rows=accepted + warned + rejected + skipped + len(self.repeated_rows),
            accepted=accepted,
            warned=warned,
            rejected=rejected,
            duplicates=len({d.household for d in self.duplicates}),
            skipped=skipped,
            repeated=len(self.repeated_rows),
            households=len(importing),
            members=sum(len(h.members) for h in importing),
            new_villages=len(used & set(self.new_villages)),
        )

    def rejected_rows(self) -> dict[int, list[str]]:
        """Excel row -> reasons, for every row not imported because of an error."""
        reasons: dict[int, list[str]] = {}
        for problem in self.problems:
            if problem.severity == ERROR:
                reasons.setdefault(problem.row, []).append(problem.message)
        rows = set(self.orphan_rows)
        for household in self.households:
            if household.rejected:
                rows.update(household.rows)
        return {row: reasons.get(row, [tr("Hộ không được nhập")]) for row in sorted(rows)}


# --- opening a file and its mapping ---------------------------------------------------------


@contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused (as a decorator: while the function runs). Reading,
    checking and writing a list of 80,000 people makes millions of objects and no cycles, and
    the collector's passes over them took a tenth of the import; reference counting still
    frees everything as it goes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Source:
    """A sheet read from a file, its header, and the mapping to start from."""

    path: Path
    sheet: Sheet
    header: Header
    mapping: dict[int, str]
    remembered: bool  # the mapping was confirmed for a file of the same shape before
    guesses: list[ColumnGuess]  # how each heading was understood, and why some were not
    passed_over: list[str] = field(default_factory=list)  # sheets before it without a list
    other_sheets: list[str] = field(default_factory=list)  # the workbook's sheets not read


def _read_list(path: Path, sheet: str | None) -> tuple[Sheet, Header, list[str]]:
    """The sheet to import and its header: the one named, else the first sheet with a header
    row (a cover or notes sheet first is passed over), with the sheets passed over. A named
    sheet without a header is refused naming the sheets that have one."""
    grid = read_sheet(path, sheet)
    try:
        return grid, find_header(grid), []
    except ImportFileError as error:
        passed_over = [grid.name]
        for name in grid.book:
            if name == grid.name:
                continue
            other = read_sheet(path, name)
            try:
                header = find_header(other)
            except ImportFileError:
                passed_over.append(name)
                continue
            if sheet is None:
                return other, header, passed_over
            raise ImportFileError(
                tr(
                    "{error} Trang “{other}” có danh sách: hãy chọn trang đó.",
                    error=error,
                    other=name,
                )
            ) from None
        # no sheet has one: the sheet is named, the file too
        raise ImportFileError(tr("Tệp “{name}”: {error}", name=path.name, error=error)) from None


@paused_cycle_collection()
def open_source(db: sqlite_utils.Database, path: str | Path, sheet: str | None = None) -> Source:
    path = Path(path)
    grid, header, passed_over = _read_list(path, sheet)
    guesses = understand_columns(header)
    remembered = remembered_mapping(db, header)
    suggested = {g.column.index: g.field for g in guesses if g.field is not None}
    mapping = remembered if remembered is not None else suggested
    _fill_merged_down(grid, header.data_row, {c for c, f in mapping.items() if f != IGNORE})
    others = [name for name in grid.book if name != grid.name and name not in passed_over]
    return Source(path, grid, header, mapping, remembered is not None, guesses, passed_over, others)


def _fill_merged_down(sheet: Sheet, data_row: int, columns: set[int]) -> None:
    """A cell of a mapped column merged down over several rows of the list (the village over
    its households, the code and status over a household's members) holds its value on each of
    those rows, as Excel shows it; a cell merged across only (a separator "I. Thôn Đông") stays
    one cell, and so does a note merged down an ignored column."""
    for r0, c0, r1, _ in sheet.merged:
        if r0 < data_row or r1 == r0 or c0 not in columns:
            continue
        value = sheet.cell(r0, c0)
        if value is None:
            continue
        for row in range(r0 + 1, min(r1, len(sheet.rows) - 1) + 1):
            cells = sheet.rows[row]
            if len(cells) <= c0:
                cells.extend([None] * (c0 + 1 - len(cells)))
            if cells[c0] is None:
                cells[c0] = value


def remembered_mapping(db: sqlite_utils.Database, header: Header) -> dict[int, str] | None:
    stored = get_setting(db, MAPPINGS_SETTING, {}).get(header.signature)
    return {int(column): field for column, field in stored.items()} if stored else None


def remember_mapping(cdb: CommuneDatabase, header: Header, mapping: Mapping[int, str]) -> None:
    """Keep a confirmed mapping for the next file whose headings are the same."""
    stored = dict(get_setting(cdb.db, MAPPINGS_SETTING, {}))
    stored[header.signature] = {str(column): field for column, field in sorted(mapping.items())}
    set_setting(cdb, MAPPINGS_SETTING, stored)


def detect_layout(sheet: Sheet, header: Header, mapping: Mapping[int, str]) -> str:
    """One row per member when there is a relation column, when household codes repeat, or
    when both a member name and a head name column exist; else one row per household."""
    fields = {f: c for c, f in mapping.items()}
    if "member.relation" in fields:
        return MEMBER_LAYOUT
    if "member.full_name" in fields and "household.head_name" in fields:
        return MEMBER_LAYOUT
    if "household.code" in fields:
        column = fields["household.code"]
        codes = [
            parsing.text(sheet.cell(r, column)) for r in range(header.data_row, len(sheet.rows))
        ]
        written = [code for code in codes if code]
        if len(set(written)) < len(written):
            return MEMBER_LAYOUT
    return HOUSEHOLD_LAYOUT


def _codes_of_people(
    sheet: Sheet, header: Header, mapping: Mapping[int, str], layout: str
) -> int | None:
    """The household-code column of a list of members with a relation column, when its codes
    differ on every row, the rows of wives, children, ... included ("Mã cũ", "Mã số" of each
    person): no household would have its head. None when the column groups households."""
    fields = {f: c for c, f in mapping.items()}
    if layout != MEMBER_LAYOUT or not {"household.code", "member.relation"} <= fields.keys():
        return None
    code_column, relation_column = fields["household.code"], fields["member.relation"]
    codes: set[str] = set()
    heads: dict[Any, bool] = {}  # relation written -> it is the head's
    others = 0
    for index in range(header.data_row, len(sheet.rows)):
        code = parsing.text(sheet.cell(index, code_column))
        if code is None:
            continue
        if code in codes:
            return None  # a code shared by rows: households' codes
        codes.add(code)
        written = sheet.cell(index, relation_column)
        if written not in heads:
            try:
                heads[written] = parsing.relation(written).value == "head"
            except CellError:
                heads[written] = True
        others += not heads[written]
    return code_column if others >= 2 else None


def _heads_apart(
    sheet: Sheet, header: Header, mapping: Mapping[int, str], layout: str
) -> str | None:
    """What to say of a list that writes each head in columns of its own ("Thông tin chủ hộ":
    name, birth year, ID) and the members in others ("Thành viên trong hộ"), the head's row
    leaving the members' name empty: a layout the import cannot read (each field is read from
    one column), said with the sheet and the columns. None for any other list."""
    fields = {f: c for c, f in mapping.items()}
    if layout != MEMBER_LAYOUT or not {"household.head_name", "member.full_name"} <= fields.keys():
        return None
    head, member = fields["household.head_name"], fields["member.full_name"]
    rows = [
        index + 1
        for index in range(header.data_row, len(sheet.rows))
        if parsing.text(sheet.cell(index, head)) and not parsing.text(sheet.cell(index, member))
    ]
    if not rows:
        return None
    headings = {column.index: column.text for column in header.columns}
    return tr(
        "Trang “{sheet}”: chủ hộ được ghi ở cột {head} “{head_heading}” còn thành viên ở cột "
        "{member} “{member_heading}” (dòng {rows}, ... không ghi tên ở cột {member}). Phần mềm "
        "chưa đọc được cách ghi này: mỗi trường chỉ đọc từ một cột, nên ngày sinh, số CCCD của "
        "chủ hộ ở cột riêng sẽ bị bỏ qua hoặc các dòng bị loại. Hãy ghi mỗi người một dòng, "
        "chủ hộ cũng ghi tên ở cột {member} với quan hệ “Chủ hộ”, rồi nhập lại.",
        sheet=sheet.name,
        head=column_letter(head),
        head_heading=headings.get(head, ""),
        member=column_letter(member),
        member_heading=headings.get(member, ""),
        rows=", ".join(map(str, rows[:3])),
    )


# --- villages ---------------------------------------------------------------------------------


class Villages(VillageMatcher):
    """The commune's villages for an import: names matched as ``VillageMatcher`` does, and the
    villages the file names that the commune does not have yet."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        super().__init__(villages(db))
        self.new: dict[str, str] = {}

    def key(self, name: str) -> str:
        found = self.existing(name)
        if found is not None:
            return f"id:{found}"
        key = f"new:{village_bare(name)}"
        self.new.setdefault(key, nfc(name))
        return key


# --- building the plan ------------------------------------------------------------------------

_FOOTERS = tuple(
    fold(word)
    for word in (
        "Tổng cộng",
        "Tổng số",
        "Cộng",
        "Người lập biểu",
        "Người lập",
        "Xác nhận",
        "Trưởng thôn",
        "Chủ tịch",
        "TM.",
        "Ngày",
    )
)
# What opens the signature block under a list: nothing below it is a row of the list.
_SIGNATURES = tuple(
    fold(word)
    for word in (
        "Người lập biểu",
        "Người lập bảng",
        "Người lập",
        "Người tổng hợp",
        "Cán bộ lập biểu",
        "Xác nhận",
        "Trưởng thôn",
        "Trưởng ban",
        "Chủ tịch",
        "Phó chủ tịch",
        "TM.",
        "KT.",
        "T/M",
        "K/T",
    )
)
_DATE_LINE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")
# A subtotal or total row: its first text says so, whatever the other cells hold ("Cộng" is
# not "Công", a name: compared with its diacritics).
_TOTAL = re.compile(r"(tổng cộng|tổng số|tổng|cộng)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9][0-9]|20[0-9]{2})\b")


def _texts_of(row: list[Any]) -> list[str]:
    return [v for v in row if isinstance(v, str) and v.strip()]


def _is_footer(row: list[Any]) -> bool:
    """A total row ("Cộng", "Tổng cộng: 25 hộ" with its sums) or a line of the signature block."""
    firsts: list[str] = []  # the first two texts
    for value in row:
        if isinstance(value, str) and value.strip():
            firsts.append(value)
            if len(firsts) == 2:
                break
    if any(
        # only a text beginning with T or C can read "Tổng"/"Cộng" (checked for every Unicode
        # character), and names seldom do: the costly match is skipped on most rows
        text.lstrip()[:1] in "TtCc" and _TOTAL.match(nfc(text.strip()).lower())
        for text in firsts
    ):
        return True
    return len(row) - row.count(None) <= 3 and any(
        fold(v).startswith(_FOOTERS) for v in _texts_of(row)
    )


def _starts_signatures(row: list[Any]) -> bool:
    """The first line of the signature block: "Người lập biểu", "TM. UBND XÃ", "CHỦ TỊCH",
    the place and date ("Đông Hà, ngày 20 tháng 01 năm 2025")."""
    if len(row) - row.count(None) > 4:  # a row of the list (most rows): not looked into
        return False
    values = [v for v in row if v is not None]
    texts = _texts_of(row)
    return (
        0 < len(values) <= 4
        and len(texts) == len(values)
        and any(
            fold(text).startswith(_SIGNATURES) or _DATE_LINE.search(fold(text)) for text in texts
        )
    )


def _separator_village(row: list[Any]) -> str | None:
    """The village a separator row names ("I. Thôn Đông", or "I" and "Thôn Đông", alone in a
    row above the village's households, maybe with its counts: "12", "5 hộ"), None for any
    other row."""
    if _words_in(row) > 2:  # two named cells at least (the ordinal aside): a row of the list
        return None
    values = [v for v in row if v is not None and not (isinstance(v, str) and not v.strip())]
    if values and _is_ordinal(values[0]) and len(values) > 1:
        values = values[1:]
    named = [v for v in values if isinstance(v, str) and not _COUNT.fullmatch(v.strip())]
    if len(named) != 1 or not all(
        v is named[0] or isinstance(v, int | float) or _COUNT.fullmatch(str(v).strip())
        for v in values
    ):
        return None
    return village_written(named[0])


def _words_in(row: list[Any]) -> int:
    """How many texts of the row do not begin with a digit: none of them is a count."""
    words = 0
    for value in row:
        if isinstance(value, str) and value.lstrip()[:1] not in "0123456789":
            words += 1
    return words


# A count written beside a separator's village ("12", "5 hộ", "14 người", "14 khẩu").
_COUNT = re.compile(r"[0-9]+(?:\s*(?:hộ|người|khẩu|nhân khẩu|nk))?", re.IGNORECASE)


def _is_ordinal(value: Any) -> bool:
    """ "I", "II.", "1", "A" written before a separator's village."""
    written = parsing.text(value) or ""
    return bool(re.fullmatch(r"[IVXLC]+\.?|[0-9]{1,3}\.?|[A-Z]\.?", written.strip().upper()))


def _title_year(sheet: Sheet, header: Header) -> int | None:
    for row in sheet.rows[: header.first_row]:
        for value in row:
            if isinstance(value, str) and (match := _YEAR.search(value)):
                return int(match.group(1))
    return None


_HOUSEHOLD_FIELDS = frozenset(f.id for f in import_fields() if f.level == "household")
# The columns a birth date can be read from, with the sex each tells.
_BIRTH_COLUMNS = (
    ("member.birth_date", None),
    ("member.birth_date_male", "male"),
    ("member.birth_date_female", "female"),
)


def _join_birth_date(cells: Cells) -> None:
    """A birth date written in three columns ("Ngày tháng năm sinh" over Ngày | Tháng | Năm)
    as one text in the year's cell, "d/m/yyyy", or the year alone when the day or the month is
    not written."""
    day = parsing.text(cells.get("member.birth_day"))
    month = parsing.text(cells.get("member.birth_month"))
    year = parsing.text(cells["member.birth_year"])
    if day and month and year:
        cells["member.birth_year"] = f"{day}/{month}/{year}"


class _Builder:
    def __init__(
        self,
        db: sqlite_utils.Database,
        source: Path,
        sheet: Sheet,
        header: Header,
        mapping: Mapping[int, str],
        layout: str,
        today: date,
    ) -> None:
        self.db = db
        self.source = source
        self.sheet = sheet
        self.header = header
        self.layout = layout
        self.today = today
        self.columns = {f: c for c, f in mapping.items() if f != IGNORE}
        # columns whose heading gives the codes of its values ("Giới tính (1: Nam; 0: Nữ)")
        texts = {column.index: column.parts[-1] for column in header.columns if column.parts}
        self.legends = {
            f: {heading_key(code): word for code, word in legend.items()}
            for f, c in self.columns.items()
            if (legend := heading_legend(texts.get(c, "")))
        }
        self.memos: dict[str, dict[Any, Any]] = {}
        self.limits = {f: TEXT_LIMITS.get(f.partition(".")[2], TEXT_LIMIT) for f in self.columns}
        self.problems: list[Problem] = []
        self.households: list[PlannedHousehold] = []
        self.orphans: list[int] = []
        self.repeated: dict[int, int] = {}
        self.villages = Villages(db)
        self.notes: list[str] = []
        self.sheet_village: str | None = None  # the village the sheet's name gave households

    def problem(self, row: int, field_id: str | None, message: str, severity: str) -> None:
        column = column_letter(self.columns[field_id]) if field_id in self.columns else ""
        self.problems.append(Problem(self.sheet.name, row, column, message, severity))

    def converted(self, field_id: str, convert: Callable[[Any], _T], value: Any) -> _T:
        """``convert(value)``, computed once per distinct value of the column (CellError
        included): sexes, relations and statuses fill whole columns with a few words."""
        memo = self.memos.setdefault(field_id, {})
        try:
            result = memo[value]
        except KeyError:
            try:
                result = convert(value)
            except CellError as error:
                result = error
            memo[value] = result
        if isinstance(result, CellError):
            raise result
        return cast(_T, result)

    def birth_date(self, value: Any) -> parsing.Parsed:
        return parsing.birth_date(value, self.today)

    # -- one member ----------------------------------------------------------------------

    def person(self, cells: Cells, excel: int, relation: str) -> dict[str, Any] | None:
        """The member of one row, or None when the row has an error (reported)."""
        errors_before = len(self.problems)
        self.check_texts(cells, excel)
        name = parsing.text(cells.get("member.full_name"))
        if given := parsing.text(cells.get("member.given_name")):
            # "Họ và tên" over "Họ (và tên đệm)" | "Tên": the name written in two cells
            name = f"{name} {given}" if name else given
        if name is None and self.layout == HOUSEHOLD_LAYOUT:
            name = parsing.text(cells.get("household.head_name"))
        if name is None:
            self.problem(excel, "member.full_name", tr("Thiếu họ tên"), ERROR)
        born: str | None = None
        if "member.birth_year" in cells:
            _join_birth_date(cells)
        birth_field, sex_of_column = self.birth_column(cells, excel)
        try:
            if birth_field is not None:
                parsed = self.converted(birth_field, self.birth_date, cells.get(birth_field))
                born = parsed.value
                for warning in parsed.warnings:
                    self.problem(excel, birth_field, warning, WARNING)
        except CellError as error:
            self.problem(excel, birth_field, str(error), ERROR)
        sex = self.sex(cells, excel, sex_of_column)
        written_id = cells.get("member.citizen_id")
        citizen = parsing.citizen_id(written_id, sex, int(born[:4]) if born else None)
        for warning in citizen.warnings:
            self.problem(excel, "member.citizen_id", warning, WARNING)
        if sex is None and citizen.value:
            sex = parsing.sex_of_citizen_id(citizen.value)
            self.problem(excel, "member.sex", tr("Thiếu giới tính: lấy theo số CCCD"), WARNING)
        refused = any(p.severity == ERROR for p in self.problems[errors_before:])
        if sex is None and not refused:  # a warning of the row (its citizen ID) is no excuse
            self.problem(excel, "member.sex", tr("Thiếu giới tính"), ERROR)
            refused = True
        if refused:
            return None
        member = {"full_name": name, "sex": sex, "birth_date": born, "relation": relation}
        if citizen.value:
            member["citizen_id"] = citizen.value
        if ethnicity := parsing.text(cells.get("member.ethnicity")):
            member["ethnicity"] = nfc(ethnicity)
        return member

    def birth_column(self, cells: Cells, excel: int) -> tuple[str | None, str | None]:
        """Where the row's birth date is (None: nowhere to read it from, reported): its own
        column, or the Nam or Nữ sub-column of a "Năm sinh" heading, which tells the sex."""
        if "member.birth_date" in cells:
            return "member.birth_date", None
        if "member.birth_year" in cells:
            return "member.birth_year", None
        written = [(field_id, sex) for field_id, sex in _BIRTH_COLUMNS if field_id in cells]
        if len(written) > 1:
            self.problem(
                excel, "member.birth_date_male", tr("Ghi năm sinh ở cả cột Nam và cột Nữ"), ERROR
            )
            return None, None
        if written:
            return written[0]
        mapped = [
            field_id
            for field_id in (*(f for f, _ in _BIRTH_COLUMNS), "member.birth_year")
            if field_id in self.columns
        ]
        return (mapped[0] if mapped else "member.birth_date"), None

    def check_texts(self, cells: Cells, excel: int) -> None:
        """An error for every cell of the row's columns too long for its field or holding a
        control character (limits of gnapp.core.household_checks)."""
        for field_id, value in cells.items():
            limit = self.limits[field_id]
            if (
                type(value) is str
                and (len(value) > limit or not value.isprintable())
                and (message := text_problem(value, limit))
            ):
                self.problem(excel, field_id, message, ERROR)

    def sex(self, cells: Cells, excel: int, of_birth_column: str | None) -> str | None:
        try:
            found = self.converted("member.sex", parsing.sex, cells.get("member.sex"))
        except CellError as error:
            self.problem(excel, "member.sex", str(error), ERROR)
            return None
        if found is None and (
            "member.sex_male" in self.columns or "member.sex_female" in self.columns
        ):
            male = parsing.is_marked(cells.get("member.sex_male"))
            female = parsing.is_marked(cells.get("member.sex_female"))
            if male and female:
                self.problem(excel, "member.sex_male", tr("Đánh dấu cả Nam và Nữ"), ERROR)
                return None
            found = "male" if male else "female" if female else None
        found = found or of_birth_column
        if found is None and (by_relation := parsing.sex_of_relation(cells.get("member.relation"))):
            found = by_relation
            self.problem(
                excel, "member.sex", tr("Thiếu giới tính: lấy theo quan hệ với chủ hộ"), WARNING
            )
        return found

    def relation(self, cells: Cells, excel: int) -> str | None:
        if self.layout == HOUSEHOLD_LAYOUT:
            return "head"
        if "member.relation" not in self.columns:
            return None
        try:
            parsed = self.converted(
                "member.relation", parsing.relation, cells.get("member.relation")
            )
        except CellError as error:
            self.problem(excel, "member.relation", str(error), ERROR)
            return "other"
        for warning in parsed.warnings:
            self.problem(excel, "member.relation", warning, WARNING)
        return parsed.value

    # -- households ----------------------------------------------------------------------

    def household_fields(self, household: PlannedHousehold, cells: Cells, excel: int) -> None:
        """Household columns: the first row of the household that fills one sets it."""
        if cells.keys().isdisjoint(_HOUSEHOLD_FIELDS):  # a member's row below its head's
            return
        if household.code is None:
            household.code = parsing.text(cells.get("household.code"))
        if household.village is None and (village := parsing.text(cells.get("household.village"))):
            # "Thôn Đông, xã Đông Hà" (an address column holding the village): the village
            household.village = village_written(village) if "," in village else village
            household.village = household.village or village
        if "address" not in household.fields and (
            address := parsing.text(cells.get("household.address"))
        ):
            household.fields["address"] = address
        if household.head_name is None:
            household.head_name = parsing.text(cells.get("household.head_name"))
        try:
            if household.status is None:
                household.status = self.converted(
                    "household.status", parsing.status, cells.get("household.status")
                )
        except CellError as error:
            self.problem(excel, "household.status", str(error), WARNING)
        try:
            if household.member_count is None:
                household.member_count = parsing.count(cells.get("household.member_count"))
        except CellError as error:
            self.problem(excel, "household.member_count", str(error), WARNING)
        if household.status is None:
            if parsing.is_marked(cells.get("household.status_poor")):
                household.status = "poor"
            elif parsing.is_marked(cells.get("household.status_near_poor")):
                household.status = "near_poor"

    def group(
        self,
        current: PlannedHousehold | None,
        cells: Cells,
        relation: str | None,
        by_code: dict[str, PlannedHousehold],
    ) -> PlannedHousehold | None:
        """The household a row belongs to (a new one when the row starts one)."""
        if self.layout == HOUSEHOLD_LAYOUT:
            return self.new_household()
        if "household.code" in self.columns:
            code = parsing.text(cells.get("household.code"))
            if code is None:
                starts = relation == "head" or "member.relation" not in self.columns
                return self.new_household() if current is None or starts else current
            if code not in by_code:
                by_code[code] = self.new_household()
            return by_code[code]
        if "member.relation" in self.columns:
            return self.new_household() if relation == "head" else current
        if "household.head_name" in self.columns:
            head = parsing.text(cells.get("household.head_name"))
            if current is None or (
                head is not None and fold(head) != fold(current.head_name or "")
            ):
                return self.new_household()
            return current
        return self.new_household()

    def new_household(self) -> PlannedHousehold:
        household = PlannedHousehold(len(self.households), [])
        self.households.append(household)
        return household

    def read_rows(self, progress: Progress | None) -> None:
        current: PlannedHousehold | None = None
        by_code: dict[str, PlannedHousehold] = {}
        section: str | None = None  # the village of the last separator row ("I. Thôn Đông")
        pairs = sorted(self.columns.items(), key=lambda pair: pair[1])
        total = len(self.sheet.rows)
        for index in range(self.header.data_row, total):
            if progress is not None and index % _PROGRESS_EVERY == 0:
                progress(
                    index, total, tr("Đang đọc dòng {row}/{total}", row=index + 1, total=total)
                )
            row = self.sheet.rows[index]
            excel = index + 1
            if _starts_signatures(row):
                self.signatures_from(index)
                break
            if (village := _separator_village(row)) is not None:
                section = village
                continue
            width = len(row)
            cells = {f: row[c] for f, c in pairs if c < width and row[c] is not None}
            for field_id, codes in self.legends.items():
                if field_id in cells:
                    written = heading_key(parsing.text(cells[field_id]) or "")
                    cells[field_id] = codes.get(written, cells[field_id])
            if len(cells) < 2 or _is_footer(row):
                if len(cells) == 1 and not _is_footer(row):
                    self.name_alone(cells, excel)
                continue
            line = tuple(cells.items())
            if self.repeats(cells, line, excel, current, by_code):
                continue
            relation = self.relation(cells, excel)
            household = self.group(current, cells, relation, by_code)
            if household is None:
                self.orphans.append(excel)
                self.problem(
                    excel,
                    "member.relation",
                    tr("Dòng này không thuộc hộ nào: chưa có dòng chủ hộ phía trên"),
                    ERROR,
                )
                continue
            current = household
            household.rows.append(excel)
            household.lines.setdefault(line, excel)
            self.household_fields(household, cells, excel)
            if household.village is None and section is not None:
                household.village = section
            member = self.person(cells, excel, relation or "")
            if member is None:
                household.errors.append(f"dòng {excel} có lỗi")
            else:
                household.members.append(member)
                household.member_rows.append(excel)

    def name_alone(self, cells: Cells, excel: int) -> None:
        """A row holding a name and nothing else: not imported, but reported (and written to
        the error report), never dropped unseen."""
        name_field = next(iter(cells))
        if name_field not in ("member.full_name", "household.head_name"):
            return
        self.orphans.append(excel)
        self.problem(
            excel,
            name_field,
            tr(
                "Dòng {row} chỉ có họ tên “{name}”, không có thông tin nào khác: dòng này "
                "không được nhập",
                row=excel,
                name=parsing.shown(cells[name_field]),
            ),
            ERROR,
        )

    def signatures_from(self, index: int) -> None:
        """Rows under the signature block are not read: a warning for each that looks like
        a row of the list (three cells or more in the mapped columns), so none is lost unseen."""
        start = index + 1
        for later in range(index + 1, len(self.sheet.rows)):
            row = self.sheet.rows[later]
            filled = sum(1 for c in self.columns.values() if c < len(row) and row[c] is not None)
            if filled >= 3 and not _is_footer(row):
                self.problems.append(
                    Problem(
                        self.sheet.name,
                        later + 1,
                        "",
                        tr(
                            "Dòng {row} nằm dưới phần ký tên (bắt đầu ở dòng {start}): không "
                            "được đọc. Nếu đây là hộ trong danh sách, hãy chuyển dòng này lên "
                            "trên phần ký tên.",
                            row=later + 1,
                            start=start,
                        ),
                        WARNING,
                    )
                )

    def repeats(
        self,
        cells: Cells,
        line: tuple[Any, ...],
        excel: int,
        current: PlannedHousehold | None,
        by_code: dict[str, PlannedHousehold],
    ) -> bool:
        """A member's line written a second time in its household, cell for cell: skipped and
        reported (in a list of one row per household, a repeated row is a duplicate household)."""
        if self.layout != MEMBER_LAYOUT:
            return False
        code = parsing.text(cells.get("household.code"))
        household = by_code.get(code) if code is not None else current
        first = household.lines.get(line) if household is not None else None
        if first is None:
            return False
        self.repeated[excel] = first
        self.problems.append(
            Problem(
                self.sheet.name,
                excel,
                "",
                tr(
                    "Dòng {row} lặp lại đúng dòng {first} của cùng hộ: bỏ qua dòng {row}, "
                    "hộ vẫn được nhập",
                    row=excel,
                    first=first,
                ),
                WARNING,
            )
        )
        return True

    def check_households(self, default_village: str | None) -> None:
        only_village = self.villages.rows[0]["name"] if len(self.villages.rows) == 1 else None
        # one sheet per village ("Thôn Đông", "Tổ dân phố 3"): the sheet's name is the village
        # of the households the sheet does not place
        by_sheet = None if default_village else village_written(self.sheet.name)
        for household in self.households:
            first = household.rows[0]
            if not household.rejected:
                self.check_heads(household)
            village = household.village or default_village or by_sheet or only_village
            if village is not None and village == by_sheet != household.village:
                self.sheet_village = by_sheet
            if village is None:
                household.errors.append("thiếu thôn")
                self.problem(
                    first,
                    "household.village",
                    tr("Thiếu thôn/tổ dân phố: thêm cột Thôn hoặc chọn thôn mặc định"),
                    ERROR,
                )
            else:
                household.village = village
                household.village_key = self.villages.key(village)
            if household.rejected:
                failed = [row for row in household.rows if row not in household.member_rows]
                for row in household.rows:
                    if row in household.member_rows and failed:
                        self.problem(
                            row,
                            None,
                            tr(
                                "Cả hộ không được nhập vì dòng {rows} có lỗi",
                                rows=", ".join(map(str, failed)),
                            ),
                            ERROR,
                        )

    def check_heads(self, household: PlannedHousehold) -> None:
        if "member.relation" not in self.columns and self.layout == MEMBER_LAYOUT:
            for position, member in enumerate(household.members):
                member["relation"] = "head" if position == 0 else "other"
            return
        heads = [
            row
            for row, m in zip(household.member_rows, household.members, strict=True)
            if m["relation"] == "head"
        ]
        if len(heads) != 1:
            message = (
                tr("Hộ không có chủ hộ (quan hệ “Chủ hộ”)")
                if not heads
                else tr(
                    "Hộ có {count} chủ hộ (dòng {rows})",
                    count=len(heads),
                    rows=", ".join(map(str, heads)),
                )
            )
            household.errors.append(message)
            for row in household.rows:
                self.problem(row, "member.relation", message, ERROR)

    def assign_codes(self) -> None:
        existing = household_codes(self.db, GENERATED_CODE_PREFIX)
        number = 0
        for household in self.households:
            if household.code is None:
                number += 1
                while f"{GENERATED_CODE_PREFIX}{number:05d}" in existing:
                    number += 1
                household.code = f"{GENERATED_CODE_PREFIX}{number:05d}"
                household.code_generated = True

    def duplicates(self) -> list[Duplicate]:
        found: list[Duplicate] = []
        db_codes = household_codes(self.db)
        db_ids = household_codes_by_citizen_id(self.db)
        db_heads: _Heads[str] = _Heads()
        for code, name, born, village in household_heads(self.db):
            db_heads.add(name, born, f"id:{village}", code)
        file_ids: dict[str, int] = {}
        file_heads: _Heads[int] = _Heads()
        file_codes: dict[str, int] = {}
        for household in self.households:
            if household.rejected:
                continue
            first = household.rows[0]

            def add(
                kind: str,
                row: int,
                message: str,
                in_database: bool,
                household: PlannedHousehold = household,
            ) -> None:
                found.append(Duplicate(household.index, row, kind, message, in_database))

            if not household.code_generated:
                if household.code in db_codes:
                    add(
                        "code",
                        first,
                        tr("Mã hộ {code} đã có trong dữ liệu", code=household.code),
                        True,
                    )
                elif household.code in file_codes and self.layout == HOUSEHOLD_LAYOUT:
                    add(
                        "code",
                        first,
                        tr(
                            "Mã hộ {code} trùng với dòng {row}",
                            code=household.code,
                            row=file_codes[household.code],
                        ),
                        False,
                    )
                file_codes.setdefault(household.code, first)
            for row, member in zip(household.member_rows, household.members, strict=True):
                citizen = member.get("citizen_id")
                if not citizen:
                    continue
                if citizen in db_ids:
                    add(
                        "citizen_id",
                        row,
                        tr(
                            "Số CCCD {citizen_id} đã có trong dữ liệu (hộ {code})",
                            citizen_id=citizen,
                            code=db_ids[citizen],
                        ),
                        True,
                    )
                elif citizen in file_ids:
                    add(
                        "citizen_id",
                        row,
                        tr(
                            "Số CCCD {citizen_id} trùng với dòng {row}",
                            citizen_id=citizen,
                            row=file_ids[citizen],
                        ),
                        False,
                    )
                file_ids.setdefault(citizen, row)
            head = household.head
            if head is not None and household.village_key is not None:
                key = (fold(head["full_name"]), head["birth_date"], household.village_key)
                name = head["full_name"]
                if (known := db_heads.find(*key)) is not None:
                    code, same_day = known
                    message = (
                        tr("Chủ hộ {name} (cùng ngày sinh, cùng thôn) đã có trong dữ liệu "
                           "(hộ {code})", name=name, code=code)
                        if same_day
                        else tr("Chủ hộ {name} (cùng năm sinh {year}, cùng thôn) đã có trong "
                                "dữ liệu (hộ {code})", name=name, year=key[1][:4], code=code)
                    )  # fmt: skip
                    add("head", first, message, True)
                elif (earlier := file_heads.find(*key)) is not None:
                    row, same_day = earlier
                    message = (
                        tr("Chủ hộ {name} (cùng ngày sinh, cùng thôn) trùng với dòng {row}",
                           name=name, row=row)
                        if same_day
                        else tr("Chủ hộ {name} (cùng năm sinh {year}, cùng thôn) trùng với "
                                "dòng {row}", name=name, year=key[1][:4], row=row)
                    )  # fmt: skip
                    add("head", first, message, False)
                file_heads.add(*key, first)
        return found


class _Heads(Generic[_T]):
    """Heads of households by folded name, birth year and village, each with what it is known
    by (a code, a row). The same head when the birth dates agree, or when one of them is a
    year alone: a list that writes years only names the same person as a register that has
    the day (1968 and 12/04/1968)."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str | None, str], list[tuple[str | None, _T]]] = {}

    def add(self, name: str, born: str | None, village: str, known_by: _T) -> None:
        self._found.setdefault((name, born and born[:4], village), []).append((born, known_by))

    def find(self, name: str, born: str | None, village: str) -> tuple[_T, bool] | None:
        """What the same head is known by, and whether the two dates are the same day."""
        candidates = self._found.get((name, born and born[:4], village), [])
        for other, known_by in candidates:
            if other == born:
                return known_by, True
        for other, known_by in candidates:
            if born is not None and other is not None and 4 in (len(born), len(other)):
                return known_by, False
        return None


def _members_to_add(households: list[PlannedHousehold], layout: str) -> list[str]:
    """What the preview says when the file counts more members than it lists."""
    fewer = [
        h
        for h in households
        if h.member_count is not None and h.member_count > len(h.members) and not h.rejected
    ]
    if not fewer:
        return []
    missing = sum((h.member_count or 0) - len(h.members) for h in fewer)
    what = (
        tr("Mỗi dòng là một hộ: chỉ chủ hộ được nhập. ")
        if layout == HOUSEHOLD_LAYOUT
        else tr(
            "{households} hộ có số nhân khẩu ghi trong tệp nhiều hơn số người được liệt kê. ",
            households=len(fewer),
        )
    )
    return [
        what
        + tr(
            "Theo cột số nhân khẩu, còn {missing} thành viên của {households} hộ cần được thêm "
            "trên hồ sơ từng hộ. Số nhân khẩu ghi trong tệp không được lưu: phần mềm đếm số "
            "nhân khẩu theo các thành viên có trong hồ sơ hộ.",
            missing=missing,
            households=len(fewer),
        )
    ]


@paused_cycle_collection()
def build_plan(
    db: sqlite_utils.Database,
    source: Source,
    mapping: Mapping[int, str] | None = None,
    layout: str | None = None,
    *,
    default_village: str | None = None,
    status_year: int | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Parse and check every row of the source under a mapping (default: the source's)."""
    mapping = dict(source.mapping if mapping is None else mapping)
    layout = layout or detect_layout(source.sheet, source.header, mapping)
    today = today or date.today()
    not_codes = _codes_of_people(source.sheet, source.header, mapping, layout)
    grouping = {c: f for c, f in mapping.items() if c != not_codes}
    builder = _Builder(db, source.path, source.sheet, source.header, grouping, layout, today)
    if (apart := _heads_apart(source.sheet, source.header, grouping, layout)) is not None:
        builder.notes.append(apart)
    if not_codes is not None:
        builder.notes.append(
            tr(
                "Cột {letter} “{heading}” có mã khác nhau trên từng dòng, kể cả các dòng vợ, "
                "con, ... : đó không phải mã hộ. Cột này không được nhập; các hộ được nhóm "
                "theo dòng “Chủ hộ” và được cấp mã mới.",
                letter=column_letter(not_codes),
                heading=next(c.text for c in source.header.columns if c.index == not_codes),
            )
        )
    builder.read_rows(progress)
    builder.check_households(default_village)
    builder.assign_codes()
    duplicates = builder.duplicates()
    if layout == MEMBER_LAYOUT and "member.relation" not in builder.columns:
        builder.notes.append(
            tr(
                "Tệp không có cột quan hệ với chủ hộ: người đầu tiên của mỗi hộ được ghi là "
                "chủ hộ, những người khác ghi quan hệ “khác”."
            )
        )
    if builder.repeated:
        builder.notes.append(
            tr(
                "{rows} dòng lặp lại y hệt một dòng khác của cùng hộ được bỏ qua (xem danh sách "
                "vấn đề); các hộ đó vẫn được nhập.",
                rows=len(builder.repeated),
            )
        )
    if source.passed_over:
        builder.notes.append(
            tr(
                "Trang {sheets} không có dòng tiêu đề cột: đọc danh sách ở trang “{sheet}”.",
                sheets=", ".join(f"“{name}”" for name in source.passed_over),
                sheet=source.sheet.name,
            )
        )
    if source.other_sheets:
        builder.notes.append(
            tr(
                "Chỉ trang “{sheet}” được nhập lần này; tệp còn trang {sheets}: nếu các trang "
                "đó cũng có danh sách hộ, hãy nhập từng trang một (chọn trang tính; dòng lệnh: "
                "--sheet TÊN).",
                sheet=source.sheet.name,
                sheets=", ".join(f"“{name}”" for name in source.other_sheets),
            )
        )
    if builder.sheet_village:
        builder.notes.append(
            tr(
                "Các hộ không ghi thôn được xếp vào “{village}”, theo tên trang tính.",
                village=builder.sheet_village,
            )
        )
    builder.notes += _members_to_add(builder.households, layout)
    builder.problems.sort(key=lambda p: (p.row, p.column))
    return ImportPlan(
        source=source.path,
        sheet=source.sheet,
        header=source.header,
        mapping=mapping,
        layout=layout,
        status_year=status_year or _title_year(source.sheet, source.header) or today.year,
        households=builder.households,
        problems=builder.problems,
        duplicates=duplicates,
        orphan_rows=builder.orphans,
        repeated_rows=builder.repeated,
        existing_villages={f"id:{v['id']}": v["id"] for v in builder.villages.rows},
        new_villages=dict(builder.villages.new),
        village_areas={key: "rural" for key in builder.villages.new},
        decisions={d.household: SKIP for d in duplicates},
        notes=builder.notes,
    )
