"""The review's official documents: the review list, the filled questionnaires, the minutes of
the village meetings, the posting notice, the recognition decision and the certificates.

Each is an ``OfficialDocument`` laid out by ``gnapp.reporting.pdf`` (header, signing block and
"Nơi nhận" from the commune's settings, as every document of the commune); the tables are also
written as XLSX by ``gnapp.reporting.xlsx``. The wording is data (forms/review/documents.json),
the figures are read from the round (``gnapp.review.progress.household_states``). A document
whose data are not there yet is refused with a Vietnamese message (``DocumentError``); the
decision before recognition is written as a draft marked "DỰ THẢO" once every household has
been agreed at its meeting and no complaint is open.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from gnapp.core.classify import CLASS_LABELS, Classification, _income_line_text
from gnapp.core.movements import MOVEMENT_LABELS
from gnapp.core.record import field_label, value_label
from gnapp.core.vietnamese import (
    fold,
    format_date,
    format_money,
    format_number,
    format_percent,
)
from gnapp.data import form_file
from gnapp.progress import Progress
from gnapp.reporting.document import (
    Annex,
    Block,
    Bullet,
    Cell,
    DataTable,
    OfficialDocument,
    Run,
    SectionHeading,
    Signature,
    TextParagraph,
    number_symbol,
)
from gnapp.reporting.issuer import Issuer, issuer
from gnapp.reporting.pdf import write_pdf_documents
from gnapp.reporting.xlsx import (
    Column,
    Group,
    Heading,
    Row,
    Table,
    Total,
    new_workbook,
    save_workbook,
    write_table,
)
from gnapp.review import workflow
from gnapp.review.progress import HouseholdState, household_states
from gnapp.store import lists as year_lists
from gnapp.store.errors import DatabaseError
from gnapp.store.settings import current_settings

KINDS = ("list", "questionnaire", "minutes", "notice", "decision", "certificates")
XLSX_KINDS = ("list", "notice", "decision")
LIST_KINDS = year_lists.LIST_KINDS  # poor, near_poor, escaped_poverty, escaped_near_poverty
CERTIFIED = ("poor", "near_poor")
# (most members, type size) of a certificate's roster: a large household's in smaller type, so
# that its certificate keeps to one page
CERTIFICATE_TYPE = ((7, 11), (8, 9), (12, 8), (10**6, 7))
ROMAN = ("I", "II", "III", "IV", "V", "VI")
MARK = "x"
GROUP_FLAGS = (
    ("ethnic_minority", "DTTS"),
    ("without_working_capacity", "Không có khả năng lao động"),
    ("revolution_merit", "Có người có công"),
    ("social_assistance", "Có đối tượng BTXH"),
)
TEXTS_FILE = "documents.json"


class DocumentError(DatabaseError):
    """A document that cannot be written now; the message says why, in Vietnamese."""


@functools.cache
def texts() -> dict[str, Any]:
    """The documents' wording (forms/review/documents.json)."""
    node = form_file("review", TEXTS_FILE)
    try:
        return json.loads(node.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise DocumentError(f"Không đọc được forms/review/{TEXTS_FILE}: {error}") from error


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _class_text(code: str | None) -> str:
    return _capital(CLASS_LABELS.get(code, code or ""))


def _status_text(code: str | None) -> str:
    return _class_text(code) if code else "Không thuộc danh sách"


def _movement_text(code: str | None) -> str:
    return _capital(MOVEMENT_LABELS[code]) if code else ""


def on_list(state: HouseholdState, kind: str) -> bool:
    """Whether the household's result puts it on the ``kind`` list (LIST_KINDS): the poor and
    near-poor lists by the result, the escaped lists by the movement from last year's status
    (a household going from poor to near-poor is on the escaped-poverty list too)."""
    movements = year_lists.LIST_MOVEMENTS[kind]
    if movements is None:
        return state.result == kind
    return state.movement in movements


@dataclass(frozen=True)
class ListCount:
    households: int
    persons: int


def list_counts(states: Iterable[HouseholdState]) -> dict[str, ListCount]:
    """Households and persons on each list (LIST_KINDS order)."""
    chosen = list(states)
    counts = {}
    for kind in LIST_KINDS:
        members = [s.member_count for s in chosen if on_list(s, kind)]
        counts[kind] = ListCount(len(members), sum(members))
    return counts


# --- what every document shares -----------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    db: sqlite_utils.Database
    found: workflow.Round
    who: Issuer
    settings: dict[str, Any]
    words: dict[str, Any]

    def fill(self, template: str, **values: Any) -> str:
        return template.format(
            year=self.found.year,
            commune=self.who.commune,
            commune_upper=self.who.commune.upper(),
            issuer=self.who.name,
            round_title=self.found.title,
            **values,
        )

    @property
    def signature(self) -> Signature:
        """The commune's signing block from the settings."""
        return Signature(
            self.settings["document.signer_title"],
            self.settings["document.signer_name"],
            tuple(self.settings["document.signing_marks"]),
        )

    def document(self, **fields: Any) -> OfficialDocument:
        return OfficialDocument(
            parent_body=self.who.parent_body,
            issuing_office=self.who.office,
            place=self.who.place,
            issuer_name=self.who.name,
            **fields,
        )

    def heading(self, title: str, *subtitles: str) -> Heading:
        return Heading(
            parent_body=self.who.parent_body,
            office=self.who.office,
            title=title,
            place=self.who.place,
            subtitles=tuple(s for s in subtitles if s),
        )

    def citation(self, which: str) -> str:
        """The legal basis of the round's standard or procedure as a căn cứ names it: the
        documents file's citation for its id, else the first part of its own legal basis."""
        cited = self.words["citations"].get(which, {})
        if which == "standard":
            key, basis = self.found.standard_id, self.found.standard.legal_basis
        else:
            key, basis = self.found.procedure_id, self.found.procedure.legal_basis
        return cited.get(key) or basis.split(";")[0].strip()

    def bases_values(self) -> dict[str, str]:
        return {
            "local_government_law": self.words["citations"]["local_government_law"],
            "standard_citation": self.citation("standard"),
            "procedure_citation": self.citation("procedure"),
        }


def _context(db: sqlite_utils.Database, round_id: int) -> _Context:
    try:
        found = workflow.get_round(db, round_id)
    except workflow.ReviewError as error:
        raise DocumentError(str(error)) from error
    return _Context(db, found, issuer(db), current_settings(db), texts())


def _states(
    context: _Context, village: int | None = None, *, removed: bool = False
) -> list[HouseholdState]:
    states = household_states(context.db, context.found.id, removed=removed)
    return [s for s in states if village is None or s.village_id == village]


def _village_name(db: sqlite_utils.Database, village_id: int) -> str:
    row = db.execute("SELECT name FROM villages WHERE id = ?", [village_id]).fetchone()
    if row is None:
        raise DocumentError(f"Không tìm thấy thôn mã {village_id}")
    return row[0]


def village_label(name: str) -> str:
    """ "Thôn Nước Nẻ" for a village named "Nước Nẻ"; "Tổ dân phố 1" stays as it is."""
    words = texts()
    if name.casefold().startswith(tuple(f"{w} " for w in words["village_words"])):
        return name
    return f"{words['village_word']} {name}"


def _flags(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, dict[str, bool]]:
    if not ids:
        return {}
    keys = ", ".join(key for key, _ in GROUP_FLAGS)
    marks = ", ".join("?" for _ in ids)
    rows = db.query(f"SELECT id, {keys} FROM households WHERE id IN ({marks})", list(ids))
    return {row["id"]: {key: bool(row[key]) for key, _ in GROUP_FLAGS} for row in rows}


def _numbered(flow: Sequence[HouseholdState]) -> list[tuple[int, HouseholdState]]:
    return list(enumerate(flow, start=1))


def _by_village(states: Sequence[HouseholdState]) -> dict[str, list[HouseholdState]]:
    villages: dict[str, list[HouseholdState]] = {}
    for state in states:
        villages.setdefault(state.village_name, []).append(state)
    return villages


def _nothing(text: str = "Không có hộ nào.") -> TextParagraph:
    return TextParagraph(text, align="left", indent=False, italic=True)


# --- 1. the review list (Phụ lục I) -------------------------------------------------------------


def _source_text(state: HouseholdState) -> str:
    words = texts()["list"]["sources"]
    text = words[state.source]
    return f"{text}: {state.added_reason}" if state.added_reason else text


def _rows_by_village(
    states: Sequence[HouseholdState],
    columns: int,
    cells: Callable[[HouseholdState], tuple[str | Cell, ...]],
) -> list[tuple[str | Cell, ...]]:
    """A table's rows: each village's name across the table, then its households numbered
    (STT) through the whole table."""
    rows: list[tuple[str | Cell, ...]] = []
    number = 0
    for village, members in _by_village(states).items():
        rows.append((Cell(village_label(village), colspan=columns, bold=True),))
        for state in members:
            number += 1
            rows.append((str(number), *cells(state)))
    return rows


def review_list_document(
    db: sqlite_utils.Database, round_id: int, on: date, village_id: int | None = None
) -> OfficialDocument:
    """The list of households to review (Phụ lục I model), by village, with those taken off."""
    context = _context(db, round_id)
    words = context.words["list"]
    states = _states(context, village_id)
    if not states:
        raise DocumentError(f"{context.found.title}: danh sách rà soát chưa có hộ nào.")
    removed = _states(context, village_id, removed=True)
    rows = _rows_by_village(
        states,
        6,
        lambda state: (
            state.code,
            state.head_name,
            format_number(state.member_count),
            _status_text(state.previous_status),
            _source_text(state),
        ),
    )
    table = DataTable(
        column_widths=(0.6, 1.3, 2.6, 0.9, 1.5, 2.6),
        align=("center", "center", "left", "right", "left", "left"),
        header_rows=(
            ("STT", "Mã hộ", "Họ và tên chủ hộ", "Số nhân khẩu", "Tình trạng năm trước", "Nguồn"),
        ),
        rows=tuple(rows),
        totals=(
            Cell("Tổng cộng", colspan=3),
            format_number(sum(s.member_count for s in states)),
            Cell(f"{format_number(len(states))} hộ", colspan=2),
        ),
        font_size=11,
    )
    body: list[Block] = [table, SectionHeading(words["removed_title"], level=2)]
    if removed:
        body.append(
            DataTable(
                column_widths=(0.6, 1.3, 2.4, 1.8, 3.8),
                align=("center", "center", "left", "left", "left"),
                header_rows=(("STT", "Mã hộ", "Họ và tên chủ hộ", "Thôn", "Lý do"),),
                rows=tuple(
                    (str(n), s.code, s.head_name, s.village_name, s.removed_reason or "")
                    for n, s in _numbered(removed)
                ),
                font_size=11,
            )
        )
    else:
        body.append(_nothing())
    where = village_label(_village_name(db, village_id)) if village_id else ""
    return context.document(
        number_symbol="",
        date=on,
        kind=context.fill(words["title"]),
        subject=" — ".join(p for p in (context.fill(words["subtitle"]), where) if p),
        body=tuple(body),
        signatures=(context.signature,),
    )


def _review_list_table(context: _Context, village_id: int | None) -> list[Table]:
    words = context.words["list"]
    states = _states(context, village_id)
    if not states:
        raise DocumentError(f"{context.found.title}: danh sách rà soát chưa có hộ nào.")
    numbers = {s.household_id: n for n, s in _numbered(states)}
    columns = (
        Column("stt", "STT", 5, style="center"),
        Column("code", "Mã hộ", 12, style="id", total=Total("count", unit="hộ")),
        Column("head", "Họ và tên chủ hộ", 24),
        Column("members", "Số nhân khẩu", 9, style="number", total=Total("sum")),
        Column("previous", "Tình trạng năm trước", 16, style="center"),
        Column("source", "Nguồn", 32),
    )
    body = [
        Group(
            village_label(village),
            [
                Row(
                    {
                        "stt": numbers[s.household_id],
                        "code": s.code,
                        "head": s.head_name,
                        "members": s.member_count,
                        "previous": _status_text(s.previous_status),
                        "source": _source_text(s),
                    }
                )
                for s in members
            ],
        )
        for village, members in _by_village(states).items()
    ]
    tables = [
        Table(
            heading=context.heading(context.fill(words["title"]), context.fill(words["subtitle"])),
            columns=columns,
            body=body,
            sheet_title="Danh sách rà soát",
        )
    ]
    removed = _states(context, village_id, removed=True)
    if removed:
        tables.append(
            Table(
                heading=context.heading(words["removed_title"], context.fill(words["subtitle"])),
                columns=(
                    Column("stt", "STT", 5, style="center"),
                    Column("code", "Mã hộ", 12, style="id", total=Total("count", unit="hộ")),
                    Column("head", "Họ và tên chủ hộ", 24),
                    Column("village", "Thôn", 18),
                    Column("reason", "Lý do", 36),
                ),
                body=[
                    Row(
                        {
                            "stt": n,
                            "code": s.code,
                            "head": s.head_name,
                            "village": s.village_name,
                            "reason": s.removed_reason,
                        }
                    )
                    for n, s in _numbered(removed)
                ],
                sheet_title="Đưa ra khỏi danh sách",
            )
        )
    return tables


# --- 2. the filled questionnaire ----------------------------------------------------------------


def _yes_no(value: Any) -> str:
    if value is None:
        return "Chưa ghi"
    return "Có" if value else "Không"


def _values(field: str, values: Iterable[str]) -> str:
    shown = [_capital(value_label(field, v)) for v in values]
    return "; ".join(shown) if shown else "Không"


def _answer_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) for the household's answers as written on the questionnaire."""
    income = record.get("income") or {}
    labels = texts()["questionnaire"]["labels"]
    rows = [
        ("Mã hộ", record.get("household_code", "")),
        (field_label("household.village"), record.get("village", "")),
        (
            field_label("household.area"),
            _capital(value_label("household.area", record.get("area"))),
        ),
        (field_label("household.agricultural"), _yes_no(record.get("agricultural"))),
        ("Nhà ở", ""),
        (
            field_label("household.floor_area_m2"),
            "Chưa ghi"
            if record.get("floor_area_m2") is None
            else format_number(record["floor_area_m2"], 1),
        ),
        *(
            (field_label(f"household.{key}"), _yes_no(record.get(key)))
            for key in ("walls_durable", "frame_durable", "roof_durable")
        ),
        ("Nước sinh hoạt và vệ sinh", ""),
        *(
            (
                field_label(f"household.{key}"),
                _capital(value_label(f"household.{key}", record[key]))
                if record.get(key)
                else "Chưa ghi",
            )
            for key in ("water_source", "latrine")
        ),
        (
            field_label("household.waste_handled_hygienically"),
            _yes_no(record.get("waste_handled_hygienically")),
        ),
        ("Thông tin", ""),
        (field_label("household.uses_telecom"), _yes_no(record.get("uses_telecom"))),
        (
            field_label("household.information_devices"),
            _values("household.information_devices", record.get("information_devices") or ()),
        ),
        ("Thu nhập", ""),
    ]
    if income.get("monthly_per_capita") is not None:
        rows.append(
            (
                labels["monthly_per_capita"],
                format_money(income["monthly_per_capita"]),
            )
        )
    if income.get("b1_score") is not None:
        rows.append((labels["b1_score"], format_number(income["b1_score"])))
    for key, answer in (income.get("b1_answers") or {}).items():
        rows.append((f"B1 — {key}", str(answer)))
    rows += [
        ("Nguyên nhân, nhu cầu, nhóm hộ", ""),
        (
            field_label("household.causes_of_poverty"),
            _values("household.causes_of_poverty", record.get("causes_of_poverty") or ()),
        ),
        (
            field_label("household.support_needs"),
            _values("household.support_needs", record.get("support_needs") or ()),
        ),
    ]
    groups = record.get("groups") or {}
    rows += [
        (labels[key], _yes_no(groups.get(key)))
        for key in (
            "ethnic_minority",
            "local_ethnic_minority",
            "without_working_capacity",
            "revolution_merit",
            "social_assistance",
        )
    ]
    return rows


def _answers_table(record: dict[str, Any]) -> DataTable:
    rows: list[tuple[str | Cell, ...]] = []
    for question, answer in _answer_rows(record):
        if answer == "" and question not in ("Mã hộ",):
            rows.append((Cell(question, colspan=2, bold=True),))
        else:
            rows.append((question, str(answer)))
    return DataTable(
        column_widths=(3, 2.2),
        header_rows=(("Câu hỏi", "Trả lời"),),
        rows=tuple(rows),
        font_size=11,
        title="1. Thông tin của hộ",
    )


MEMBER_COLUMNS = (
    ("full_name", 2.3),
    ("sex", 0.8),
    ("birth_date", 1.5),
    ("relation", 1.2),
    ("ethnicity", 0.9),
    ("has_health_insurance", 0.9),
    ("schooling", 1.3),
    ("education", 1.4),
    ("employment", 1.6),
)
SHORT_MEMBER_HEADERS = {
    "full_name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "relation": "Quan hệ với chủ hộ",
    "has_health_insurance": "BHYT",
    "schooling": "Đi học",
    "education": "Trình độ giáo dục",
    "employment": "Việc làm",
}


def _birth_text(text: str | None) -> str:
    if not text:
        return ""
    return text if len(text) == 4 else format_date(date.fromisoformat(text))


def _member_cell(member: dict[str, Any], key: str) -> str:
    value = member.get(key)
    if value is None:
        return ""
    if key == "birth_date":
        return _birth_text(value)
    if isinstance(value, bool):
        return _yes_no(value)
    return _capital(value_label(f"member.{key}", value))


def _members_table(members: Sequence[dict[str, Any]]) -> DataTable:
    headers = tuple(
        SHORT_MEMBER_HEADERS.get(key) or field_label(f"member.{key}") for key, _ in MEMBER_COLUMNS
    )
    return DataTable(
        column_widths=(0.7, *(width for _, width in MEMBER_COLUMNS)),
        align=(
            "center",
            "left",
            "center",
            "center",
            "left",
            "center",
            "center",
            "left",
            "left",
            "left",
        ),
        header_rows=(("STT", *headers),),
        rows=tuple(
            (str(n), *(_member_cell(m, key) for key, _ in MEMBER_COLUMNS))
            for n, m in enumerate(members, start=1)
        ),
        font_size=10,
        title="2. Thành viên của hộ",
    )


def _result_blocks(result: Classification, title: str) -> list[Block]:
    marks = {True: "Thiếu hụt", False: "Không thiếu hụt", None: "Chưa đủ dữ liệu"}
    rows = tuple(
        (indicator.dimension_name, indicator.name, marks[indicator.deprived], indicator.reason)
        for indicator in result.indicators
    )
    return [
        DataTable(
            column_widths=(1.5, 2, 1.2, 3.6),
            header_rows=(("Chiều thiếu hụt", "Chỉ số", "Kết quả", "Lý do"),),
            rows=rows,
            font_size=10,
            title=title,
        ),
        Bullet(
            f"Số chỉ số thiếu hụt: {result.deprivation_count}/{len(result.indicators)}"
            + (f" (chưa đủ dữ liệu: {result.unknown_count})" if result.unknown_count else "")
        ),
        Bullet(_income_line_text(result)),
        *(Bullet(note) for note in result.notes),
        TextParagraph(
            (Run("Kết quả phân loại: ", bold=True), Run(_class_text(result.class_code), bold=True)),
            indent=False,
        ),
    ]


def _questionnaire(context: _Context, state: HouseholdState, on: date) -> OfficialDocument:
    words = context.words["questionnaire"]
    db, found = context.db, context.found
    form_b = workflow.questionnaire(db, found.id, state.household_id, "B")
    form_a = workflow.questionnaire(db, found.id, state.household_id, "A")
    if form_b is None and form_a is None:
        raise DocumentError(f"Hộ {state.code} chưa có phiếu rà soát trong {found.title}.")
    body: list[Block] = []
    if form_a is not None:
        screening = form_a["answers"].get("form_a") or {}
        eligible = screening.get("eligible_for_form_b")
        body += [
            SectionHeading(words["form_a"], level=1),
            Bullet(
                f"Hộ: {state.code} — chủ hộ {state.head_name} — {village_label(state.village_name)}"
            ),
            Bullet(
                "Kết quả nhận diện: "
                + (
                    "chưa ghi"
                    if eligible is None
                    else "đủ điều kiện rà soát Phiếu B"
                    if eligible
                    else "không đủ điều kiện rà soát Phiếu B"
                )
            ),
            *([Bullet(f"Lý do: {screening['reason']}")] if screening.get("reason") else []),
            Bullet(_filled_by(form_a)),
        ]
    if form_b is not None:
        record = form_b["answers"]
        body += [
            SectionHeading(words["form_b"], level=1),
            Bullet(_filled_by(form_b)),
            _answers_table(record),
            _members_table(record.get("members") or ()),
        ]
        try:
            result = workflow.classify_for_round(db, found, record)
        except ValueError as error:  # a draft's answers that cannot be classified yet
            body.append(_nothing(f"Chưa phân loại được: {error}"))
        else:
            title = "3. " + context.fill(words["result_heading"], standard=found.standard.name)
            body += _result_blocks(result, title)
    return context.document(
        number_symbol="",
        date=on,
        kind=context.fill(words["title"]),
        subject=f"Hộ {state.code} — {state.head_name} — {village_label(state.village_name)}",
        body=tuple(body),
        signatures=(
            Signature("CHỦ HỘ", state.head_name),
            Signature("RÀ SOÁT VIÊN", (form_b or form_a or {}).get("reviewer") or ""),
        ),
    )


def _filled_by(row: dict[str, Any]) -> str:
    state = "hoàn thành" if row["state"] == "complete" else "chưa hoàn thành (bản nháp)"
    parts = [f"Phiếu {state}"]
    if row.get("surveyed_on"):
        parts.append(f"ngày rà soát {format_date(date.fromisoformat(row['surveyed_on']))}")
    if row.get("reviewer"):
        parts.append(f"rà soát viên {row['reviewer']}")
    return "; ".join(parts)


def questionnaire_documents(
    db: sqlite_utils.Database,
    round_id: int,
    on: date,
    *,
    household_code: str | None = None,
    village_id: int | None = None,
) -> list[OfficialDocument]:
    """The filled questionnaires of one household, or of every surveyed household of a village
    (or of the commune), one document each."""
    context = _context(db, round_id)
    states = _states(context, village_id)
    if household_code is not None:
        states = [s for s in states if s.code == household_code]
        if not states:
            raise DocumentError(
                f"Hộ {household_code} không có trong danh sách rà soát của {context.found.title}."
            )
        return [_questionnaire(context, states[0], on)]
    surveyed = [s for s in states if s.surveyed]
    if not surveyed:
        raise DocumentError(f"{context.found.title}: chưa có phiếu rà soát nào.")
    return [_questionnaire(context, s, on) for s in surveyed]


# --- 3. the minutes of the village meeting (Phụ lục V) ------------------------------------------


def _meetings(db: sqlite_utils.Database, round_id: int, village_id: int) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT * FROM village_meetings WHERE round_id = ? AND village_id = ? "
            "ORDER BY held_on, id",
            [round_id, village_id],
        )
    )


def _votes(db: sqlite_utils.Database, meeting_id: int) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT v.*, h.code, h.head_name FROM meeting_votes v "
            "JOIN households h ON h.id = v.household_id WHERE v.meeting_id = ? "
            "ORDER BY h.head_sort_key, h.id",
            [meeting_id],
        )
    )


def _minutes(
    context: _Context, meeting: dict[str, Any], village: str, listed: int
) -> OfficialDocument:
    words = context.words["minutes"]
    held_on = date.fromisoformat(meeting["held_on"])
    label = village_label(village)
    threshold = context.found.procedure.vote_threshold
    body: list[Block] = [
        TextParagraph(
            context.fill(
                words["opening"],
                date=format_date(held_on),
                place=meeting["place"] or label,
                village=label,
            )
        ),
        SectionHeading("I. THÀNH PHẦN THAM DỰ"),
        Bullet(f"Chủ trì: {meeting['chair'] or '……………………'}"),
        Bullet(f"Thư ký: {meeting['secretary'] or '……………………'}"),
    ]
    for group, count in json.loads(meeting["attendees"] or "{}").items():
        body.append(Bullet(f"{group}: {format_number(count)} người"))
    body.append(Bullet(f"Tổng số người dự họp: {format_number(meeting['attendee_count'])} người"))
    represented = meeting["represented_households"]
    if represented is not None and listed:
        body.append(
            Bullet(
                f"Đại diện {format_number(represented)}/{format_number(listed)} hộ trong danh sách "
                f"rà soát của thôn, đạt {format_percent(represented / listed * 100, 1)}"
            )
        )
    votes = _votes(context.db, meeting["id"])
    returned = [v for v in votes if v["outcome"] == "returned"]
    body += [
        SectionHeading("II. NỘI DUNG VÀ KẾT QUẢ"),
        TextParagraph(
            context.fill(
                words["procedure_note"],
                procedure=context.citation("procedure").split(" của ")[0],
                threshold=format_percent(threshold * 100, 0),
            )
        ),
        DataTable(
            column_widths=(0.5, 1.2, 2.1, 1.9, 1.1, 0.8, 1.1),
            align=("center", "center", "left", "left", "center", "right", "center"),
            header_rows=(
                (
                    "STT",
                    "Mã hộ",
                    "Họ và tên chủ hộ",
                    "Kết quả rà soát",
                    "Đồng ý / biểu quyết",
                    "Tỷ lệ",
                    "Kết luận",
                ),
            ),
            rows=tuple(
                (
                    str(n),
                    v["code"],
                    v["head_name"] or "",
                    _class_text(v["class_code"]),
                    f"{v['agreed']}/{v['attendees']}",
                    format_percent(v["agreed"] / v["attendees"] * 100, 1) if v["attendees"] else "",
                    "Thống nhất" if v["outcome"] == "agreed" else "Rà soát lại",
                )
                for n, v in enumerate(votes, start=1)
            ),
            font_size=11,
        ),
    ]
    if returned:
        body.append(
            TextParagraph(
                f"Hộ chưa được thống nhất (dưới {format_percent(threshold * 100, 0)} số người "
                "biểu quyết đồng ý), thôn rà soát lại: "
                + ", ".join(f"{v['head_name']} ({v['code']})" for v in returned)
                + ".",
            )
        )
    else:
        body.append(TextParagraph("Không có hộ phải rà soát lại."))
    if meeting["note"]:
        body.append(TextParagraph(meeting["note"]))
    body.append(TextParagraph(words["closing"]))
    return OfficialDocument(
        parent_body=context.who.name.upper(),
        issuing_office=label.upper(),
        number_symbol="",
        place=village,
        date=held_on,
        kind=words["kind"],
        subject=context.fill(words["subject"]),
        body=tuple(body),
        signatures=(
            Signature(words["chair"], meeting["chair"] or ""),
            Signature(words["secretary"], meeting["secretary"] or ""),
            Signature(words["households"], ""),
        ),
        issuer_name=label,
    )


def minutes_documents(
    db: sqlite_utils.Database, round_id: int, village_id: int
) -> list[OfficialDocument]:
    """The minutes of every meeting the village held in the round, in order."""
    context = _context(db, round_id)
    village = _village_name(db, village_id)
    meetings = _meetings(db, round_id, village_id)
    if not meetings:
        raise DocumentError(
            f"{village_label(village)} chưa họp dân trong {context.found.title}: chưa có biên bản."
        )
    listed = len(_states(context, village_id))
    return [_minutes(context, meeting, village, listed) for meeting in meetings]


# --- 4. the posting notice ----------------------------------------------------------------------


def _counts_table(counts: dict[str, ListCount]) -> DataTable:
    names = texts()["list_names"]
    return DataTable(
        column_widths=(0.6, 3, 1.4, 1.4),
        align=("center", "left", "right", "right"),
        header_rows=(("STT", "Danh sách", "Số hộ", "Số nhân khẩu"),),
        rows=tuple(
            (
                str(n),
                names[kind],
                format_number(counts[kind].households),
                format_number(counts[kind].persons),
            )
            for n, kind in enumerate(LIST_KINDS, start=1)
        ),
    )


def _results_table(states: Sequence[HouseholdState]) -> DataTable:
    rows = _rows_by_village(
        states,
        7,
        lambda s: (
            s.head_name,
            s.code,
            format_number(s.member_count),
            _status_text(s.previous_status),
            _class_text(s.result),
            _movement_text(s.movement),
        ),
    )
    return DataTable(
        column_widths=(0.5, 2.1, 1.1, 0.8, 1.6, 2.1, 1.8),
        align=("center", "left", "center", "right", "left", "left", "left"),
        header_rows=(
            (
                "STT",
                "Họ và tên chủ hộ",
                "Mã hộ",
                "Số nhân khẩu",
                "Tình trạng năm trước",
                "Kết quả rà soát",
                "Biến động",
            ),
        ),
        rows=tuple(rows),
        font_size=11,
    )


def notice_document(db: sqlite_utils.Database, round_id: int) -> OfficialDocument:
    """The posting notice: the counts on each list, the posting period and places, the list."""
    context = _context(db, round_id)
    words = context.words["notice"]
    posted = workflow.posting(db, round_id)
    if posted is None:
        raise DocumentError(
            f"{context.found.title}: kết quả chưa được niêm yết (chưa mở đợt niêm yết)."
        )
    states = _states(context)
    counts = list_counts(states)
    start, end = (date.fromisoformat(posted[key]) for key in ("starts_on", "ends_on"))
    days = context.found.posting_days or workflow.posting_days(db, context.found.procedure)
    body: list[Block] = [
        TextParagraph(context.fill(words["opening"])),
        _counts_table(counts),
        TextParagraph(
            context.fill(words["period"], start=format_date(start), end=format_date(end), days=days)
        ),
        TextParagraph(context.fill(words["places"], places=posted["places"] or "……………………")),
        TextParagraph(context.fill(words["complaints"])),
    ]
    return context.document(
        number_symbol=number_symbol(None, words["symbol"]),
        date=start,
        kind=words["kind"],
        subject=context.fill(words["subject"]),
        body=tuple(body),
        annexes=(
            Annex(
                "I", context.fill(words["annex_title"]), (_results_table(states),), landscape=True
            ),
        ),
        recipients=tuple(words["recipients"]),
        signatures=(context.signature,),
    )


# --- 5. the recognition decision ----------------------------------------------------------------


def _decision_states(context: _Context) -> list[HouseholdState]:
    """The households the decision recognises; refuses a draft while a step is unfinished."""
    states = _states(context)
    if context.found.locked:
        return states
    waiting = [s.code for s in states if not s.agreed]
    disputed = [s.code for s in states if s.disputed]
    if not states or waiting or disputed:
        problems = []
        if not states:
            problems.append("danh sách rà soát chưa có hộ nào")
        if waiting:
            problems.append(f"{len(waiting)} hộ chưa được họp dân thống nhất")
        if disputed:
            problems.append(f"{len(disputed)} hộ còn khiếu nại chưa phúc tra")
        raise DocumentError(
            f"{context.found.title}: chưa lập được dự thảo quyết định — " + "; ".join(problems)
        )
    return states


def _annex_rows(
    states: Sequence[HouseholdState], flags: dict[int, dict[str, bool]]
) -> tuple[tuple[str | Cell, ...], ...]:
    return tuple(
        (
            str(n),
            s.head_name,
            s.code,
            s.village_name,
            format_number(s.member_count),
            *(MARK if flags[s.household_id][key] else "" for key, _ in GROUP_FLAGS),
            _movement_text(s.movement),
        )
        for n, s in _numbered(states)
    )


def _annex_table(states: Sequence[HouseholdState], flags: dict[int, dict[str, bool]]) -> DataTable:
    return DataTable(
        column_widths=(0.5, 2.2, 1.2, 1.6, 0.9, 0.7, 1.1, 1.0, 1.0, 1.6),
        align=(
            "center",
            "left",
            "center",
            "left",
            "right",
            "center",
            "center",
            "center",
            "center",
            "left",
        ),
        header_rows=(
            (
                Cell("STT", rowspan=2),
                Cell("Họ và tên chủ hộ", rowspan=2),
                Cell("Mã hộ", rowspan=2),
                Cell("Thôn", rowspan=2),
                Cell("Số nhân khẩu", rowspan=2),
                Cell("Nhóm hộ", colspan=len(GROUP_FLAGS)),
                Cell("Biến động", rowspan=2),
            ),
            tuple(label for _, label in GROUP_FLAGS),
        ),
        rows=_annex_rows(states, flags),
        totals=(
            Cell("Tổng cộng", colspan=2),
            f"{format_number(len(states))} hộ",
            "",
            format_number(sum(s.member_count for s in states)),
            *(
                format_number(sum(flags[s.household_id][key] for s in states))
                for key, _ in GROUP_FLAGS
            ),
            "",
        ),
        font_size=11,
    )


def decision_document(db: sqlite_utils.Database, round_id: int, on: date) -> OfficialDocument:
    """The chair's decision recognising the lists, with the lists annexed; before the round is
    recognised, a draft marked "DỰ THẢO" (dated ``on``, number left blank)."""
    context = _context(db, round_id)
    words = context.words["decision"]
    found = context.found
    states = _decision_states(context)
    counts = list_counts(states)
    flags = _flags(db, [s.household_id for s in states])
    values = context.bases_values()
    names = context.words["list_names"]
    body: list[Block] = []
    if not found.locked:
        body.append(TextParagraph(words["draft"], align="center", indent=False, bold=True))
    body += [
        TextParagraph(context.fill(words["authority"]), align="center", indent=False, bold=True),
        *(TextParagraph(context.fill(line, **values), italic=True) for line in words["bases"]),
        TextParagraph(words["decides"], align="center", indent=False, bold=True),
        TextParagraph((Run("Điều 1. ", bold=True), Run(context.fill(words["article_1"])))),
        *(
            Bullet(
                f"{names[kind]}: {format_number(counts[kind].households)} hộ, "
                f"{format_number(counts[kind].persons)} nhân khẩu"
                f" (Phụ lục {ROMAN[index]})"
            )
            for index, kind in enumerate(LIST_KINDS)
        ),
        TextParagraph(words["article_1_end"], italic=True),
        TextParagraph((Run("Điều 2. ", bold=True), Run(context.fill(words["article_2"])))),
        TextParagraph((Run("Điều 3. ", bold=True), Run(context.fill(words["article_3"])))),
    ]
    decided = date.fromisoformat(found.decision_date) if found.locked else on
    note = _annex_note(context, decided)
    annexes = []
    for index, kind in enumerate(LIST_KINDS):
        chosen = [s for s in states if on_list(s, kind)]
        blocks: tuple[Block, ...] = (_annex_table(chosen, flags),) if chosen else (_nothing(),)
        annexes.append(
            Annex(ROMAN[index], context.fill(context.words["lists"][kind]), blocks, note=note)
        )
    number = (
        f"Số: {found.decision_number}" if found.locked else number_symbol(None, words["symbol"])
    )
    return context.document(
        number_symbol=number,
        date=decided,
        kind=words["kind"],
        subject=context.fill(words["subject"]),
        body=tuple(body),
        annexes=tuple(annexes),
        recipients=tuple(words["recipients"]),
        signatures=(context.signature,),
    )


def _annex_note(context: _Context, decided: date) -> str:
    """ "(Kèm theo Quyết định số 125/QĐ-UBND ngày 01/12/2026 của Chủ tịch Ủy ban nhân dân
    xã Sơn Minh)"; a draft's: "(Kèm theo dự thảo Quyết định của …)"."""
    found = context.found
    of = f"của Chủ tịch Ủy ban nhân dân {context.who.commune}"
    if not found.locked:
        return f"(Kèm theo {context.words['decision']['draft'].lower()} Quyết định {of})"
    return f"(Kèm theo Quyết định số {found.decision_number} ngày {format_date(decided)} {of})"


def _decision_tables(context: _Context, on: date) -> list[Table]:
    states = _decision_states(context)
    flags = _flags(context.db, [s.household_id for s in states])
    found = context.found
    note = _annex_note(context, date.fromisoformat(found.decision_date) if found.locked else on)
    tables = []
    for index, kind in enumerate(LIST_KINDS):
        chosen = [s for s in states if on_list(s, kind)]
        numbers = {s.household_id: n for n, s in _numbered(chosen)}
        columns = (
            Column("stt", "STT", 5, style="center"),
            Column("head", "Họ và tên chủ hộ", 24),
            Column("code", "Mã hộ", 12, style="id", total=Total("count", unit="hộ")),
            Column("village", "Thôn", 16),
            Column("members", "Số nhân khẩu", 9, style="number", total=Total("sum")),
            *(
                Column(key, label, 11, group="Nhóm hộ", style="mark", total=Total("count"))
                for key, label in GROUP_FLAGS
            ),
            Column("movement", "Biến động", 18),
        )
        body = [
            Group(
                village_label(village),
                [
                    Row(
                        {
                            "stt": numbers[s.household_id],
                            "head": s.head_name,
                            "code": s.code,
                            "village": s.village_name,
                            "members": s.member_count,
                            **{
                                key: MARK if flags[s.household_id][key] else None
                                for key, _ in GROUP_FLAGS
                            },
                            "movement": _movement_text(s.movement),
                        }
                    )
                    for s in members
                ],
            )
            for village, members in _by_village(chosen).items()
        ]
        tables.append(
            Table(
                heading=context.heading(
                    f"Phụ lục {ROMAN[index]}. {context.fill(context.words['lists'][kind])}", note
                ),
                columns=columns,
                body=body,
                sheet_title=context.words["list_names"][kind],
            )
        )
    return tables


def _notice_tables(context: _Context) -> list[Table]:
    if workflow.posting(context.db, context.found.id) is None:
        raise DocumentError(f"{context.found.title}: kết quả chưa được niêm yết.")
    states = _states(context)
    numbers = {s.household_id: n for n, s in _numbered(states)}
    words = context.words["notice"]
    return [
        Table(
            heading=context.heading(context.fill(words["annex_title"])),
            columns=(
                Column("stt", "STT", 5, style="center"),
                Column("head", "Họ và tên chủ hộ", 24),
                Column("code", "Mã hộ", 12, style="id", total=Total("count", unit="hộ")),
                Column("members", "Số nhân khẩu", 9, style="number", total=Total("sum")),
                Column("previous", "Tình trạng năm trước", 16, style="center"),
                Column("result", "Kết quả rà soát", 16, style="center"),
                Column("movement", "Biến động", 18),
            ),
            body=[
                Group(
                    village_label(village),
                    [
                        Row(
                            {
                                "stt": numbers[s.household_id],
                                "head": s.head_name,
                                "code": s.code,
                                "members": s.member_count,
                                "previous": _status_text(s.previous_status),
                                "result": _class_text(s.result),
                                "movement": _movement_text(s.movement),
                            }
                        )
                        for s in members
                    ],
                )
                for village, members in _by_village(states).items()
            ],
            sheet_title="Kết quả rà soát",
        )
    ]


# --- 6. the certificates ------------------------------------------------------------------------


def _members(db: sqlite_utils.Database, household_id: int) -> list[dict[str, Any]]:
    return list(
        db.query("SELECT * FROM members WHERE household_id = ? ORDER BY position", [household_id])
    )


def _certificate(context: _Context, state: HouseholdState) -> OfficialDocument:
    words = context.words["certificate"]
    found = context.found
    members = _members(context.db, state.household_id)
    head = next((m for m in members if m["relation"] == "head"), members[0] if members else {})
    label = _class_text(state.result)
    values = {
        **context.bases_values(),
        "decision_number": found.decision_number,
        "decision_date": format_date(date.fromisoformat(found.decision_date)),
    }
    address = ", ".join(
        part
        for part in (
            (context.db["households"].get(state.household_id) or {}).get("address"),
            village_label(state.village_name),
            context.who.commune,
        )
        if part
    )
    body: list[Block] = [
        *(TextParagraph(context.fill(line, **values), italic=True) for line in words["bases"]),
        TextParagraph(context.fill(words["certifies"]), align="center", indent=False, bold=True),
        Bullet(f"Họ và tên chủ hộ: {state.head_name}; dân tộc: {head.get('ethnicity') or '……………'}"),
        Bullet(f"Số CCCD / định danh cá nhân: {head.get('citizen_id') or '……………………'}"),
        Bullet(f"Địa chỉ: {address}; mã hộ: {state.code}"),
        Bullet(f"Các thành viên của hộ ({format_number(len(members))} người):"),
        DataTable(
            column_widths=(0.5, 2.6, 1.1, 0.8, 1.6),
            align=("center", "left", "center", "center", "left"),
            header_rows=(("STT", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ"),),
            rows=tuple(
                (
                    str(n),
                    m["full_name"],
                    (m["birth_date"] or "")[:4],
                    _capital(value_label("member.sex", m["sex"])) if m["sex"] else "",
                    _capital(value_label("member.relation", m["relation"]))
                    if m["relation"]
                    else "",
                )
                for n, m in enumerate(members, start=1)
            ),
            font_size=next(size for most, size in CERTIFICATE_TYPE if len(members) <= most),
        ),
        TextParagraph(
            context.fill(words["statement"], head=state.head_name, class_label=label.lower())
        ),
    ]
    return context.document(
        number_symbol=number_symbol(None, words["symbol"]),
        date=date.fromisoformat(found.decision_date),
        kind=words["kind"],
        subject=context.fill(words["subject"], class_upper=label.upper()),
        body=tuple(body),
        signatures=(context.signature,),
    )


def certificate_documents(
    db: sqlite_utils.Database,
    round_id: int,
    *,
    village_id: int | None = None,
    household_code: str | None = None,
) -> list[OfficialDocument]:
    """A certificate for each household recognised poor or near-poor (of a village, or one)."""
    context = _context(db, round_id)
    if not context.found.locked:
        raise DocumentError(
            f"{context.found.title} chưa có quyết định công nhận: chưa cấp giấy chứng nhận được."
        )
    states = [s for s in _states(context, village_id) if s.result in CERTIFIED]
    if household_code is not None:
        states = [s for s in states if s.code == household_code]
        if not states:
            raise DocumentError(
                f"Hộ {household_code} không được công nhận hộ nghèo, hộ cận nghèo trong "
                f"{context.found.title}: không có giấy chứng nhận."
            )
    if not states:
        raise DocumentError("Không có hộ nghèo, hộ cận nghèo nào để cấp giấy chứng nhận.")
    return [_certificate(context, s) for s in states]


# --- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    path: Path
    documents: int


def _village_id(db: sqlite_utils.Database, village: str | int | None) -> int | None:
    if village is None or isinstance(village, int):
        return village
    wanted = village.strip().casefold()
    for row in db.query("SELECT id, name FROM villages"):
        if wanted in (row["name"].casefold(), village_label(row["name"]).casefold()):
            return row["id"]
    raise DocumentError(f"Không có thôn “{village}” trong dữ liệu xã.")


def write_document(
    db: sqlite_utils.Database,
    round_id: int,
    kind: str,
    path: str | Path,
    *,
    village: str | int | None = None,
    household_code: str | None = None,
    on: date | None = None,
    progress: Progress | None = None,
) -> Written:
    """Write the round's ``kind`` document (KINDS) to ``path``: XLSX when the name ends in
    .xlsx (XLSX_KINDS), PDF otherwise; replaced only once the new file is complete."""
    if kind not in KINDS:
        raise DocumentError(f"Loại văn bản không hợp lệ: {kind} (có: {', '.join(KINDS)})")
    target = Path(path)
    if not target.parent.is_dir():
        raise DocumentError(f"Không có thư mục {target.parent} để ghi {target.name}.")
    today = on or date.today()
    village_id = _village_id(db, village)
    if target.suffix.casefold() == ".xlsx":
        if kind not in XLSX_KINDS:
            raise DocumentError(
                f"Văn bản “{kind}” chỉ xuất được PDF (XLSX có: {', '.join(XLSX_KINDS)})."
            )
        context = _context(db, round_id)
        makers: dict[str, Callable[[], list[Table]]] = {
            "list": lambda: _review_list_table(context, village_id),
            "notice": lambda: _notice_tables(context),
            "decision": lambda: _decision_tables(context, today),
        }
        tables = makers[kind]()
        workbook = new_workbook()
        for table in tables:
            write_table(workbook, table, progress)
        return Written(save_workbook(workbook, target), len(tables))
    documents: list[OfficialDocument]
    if kind == "list":
        documents = [review_list_document(db, round_id, today, village_id)]
    elif kind == "questionnaire":
        documents = questionnaire_documents(
            db, round_id, today, household_code=household_code, village_id=village_id
        )
    elif kind == "minutes":
        if village_id is None:
            raise DocumentError("Biên bản họp dân cần chọn thôn (--village).")
        documents = minutes_documents(db, round_id, village_id)
    elif kind == "notice":
        documents = [notice_document(db, round_id)]
    elif kind == "decision":
        documents = [decision_document(db, round_id, today)]
    else:
        documents = certificate_documents(
            db, round_id, village_id=village_id, household_code=household_code
        )
    return Written(write_pdf_documents(documents, target, progress), len(documents))


# File names of the documents written into a folder (the app's "Tài liệu" menu).
FILE_STEMS = {
    "list": "danh-sach-ho-can-ra-soat",
    "questionnaire": "phieu-ra-soat",
    "minutes": "bien-ban-hop-dan",
    "notice": "thong-bao-niem-yet",
    "decision": "quyet-dinh-cong-nhan",
    "certificates": "giay-chung-nhan",
}


def _file_word(db: sqlite_utils.Database, village_id: int) -> str:
    """A village's name for a file name: "Nước Nẻ" -> "nuoc-ne"."""
    row = db.execute("SELECT name FROM villages WHERE id = ?", [village_id]).fetchone()
    return fold(row[0] if row else str(village_id)).replace(" ", "-")


def write_into_folder(
    db: sqlite_utils.Database,
    round_id: int,
    kind: str,
    folder: str | Path,
    *,
    village_id: int | None = None,
    on: date | None = None,
) -> list[Path]:
    """Write the round's ``kind`` document into ``folder``: the PDF, and the XLSX where there is
    one; the minutes of every village that met when no village is given. Return the files."""
    year = db.execute("SELECT year FROM review_rounds WHERE id = ?", [round_id]).fetchone()
    if year is None:
        raise DocumentError(f"Không tìm thấy đợt rà soát mã {round_id}")
    stem, folder = f"{FILE_STEMS[kind]}-{year[0]}", Path(folder)
    if kind == "minutes":
        met = [
            row[0]
            for row in db.execute(
                "SELECT DISTINCT m.village_id FROM village_meetings m JOIN villages v "
                "ON v.id = m.village_id WHERE m.round_id = ? ORDER BY v.name_sort_key",
                [round_id],
            )
        ]
        villages = [village_id] if village_id is not None else met
        if not villages:
            raise DocumentError("Chưa có cuộc họp dân nào trong đợt rà soát này.")
        return [
            write_document(
                db, round_id, kind, folder / f"{stem}-{_file_word(db, v)}.pdf", village=v, on=on
            ).path
            for v in villages
        ]
    if village_id is not None:
        stem += f"-{_file_word(db, village_id)}"
    endings = (".pdf", ".xlsx") if kind in XLSX_KINDS else (".pdf",)
    return [
        write_document(
            db, round_id, kind, folder / f"{stem}{ending}", village=village_id, on=on
        ).path
        for ending in endings
    ]
