"""2. The filled questionnaires: Phiếu A, Phiếu B with the household's answers and members, and
the classification they give."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.core.classify import Classification, _income_line_text
from gnapp.core.record import field_label, value_label
from gnapp.core.vietnamese import format_date, format_money, format_number
from gnapp.i18n import tr
from gnapp.reporting.document import (
    Block,
    Bullet,
    OfficialDocument,
    Run,
    SectionHeading,
    Signature,
    TextParagraph,
)
from gnapp.reporting.tables import Group, Row, Table
from gnapp.reporting.tables.pdf import data_table
from gnapp.review import workflow
from gnapp.review.documents.common import (
    Context,
    DocumentError,
    capital,
    class_text,
    column_heading,
    columns,
    nothing,
    round_context,
    texts,
    value_text,
    village_label,
)
from gnapp.review.progress import HouseholdState

# (member field, kind, relative width) of the members table, headed as forms/ say
MEMBER_COLUMNS = (
    ("full_name", "text", 2.3),
    ("sex", "center", 0.8),
    ("birth_date", "center", 1.5),
    ("relation", "text", 1.2),
    ("ethnicity", "center", 0.9),
    ("has_health_insurance", "center", 0.9),
    ("schooling", "text", 1.3),
    ("education", "text", 1.4),
    ("employment", "text", 1.6),
)


def _yes_no(value: Any) -> str:
    if value is None:
        return "Chưa ghi"
    return "Có" if value else "Không"


def _values(field: str, values: Iterable[str]) -> str:
    shown = [capital(value_label(field, v)) for v in values]
    return "; ".join(shown) if shown else "Không"


def _answer_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) for the household's answers as written on the questionnaire; a
    heading has no answer."""
    income = record.get("income") or {}
    labels = texts()["questionnaire"]["labels"]
    rows = [
        (column_heading("code"), record.get("household_code", "")),
        (field_label("household.village"), record.get("village", "")),
        (
            field_label("household.area"),
            capital(value_label("household.area", record.get("area"))),
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
                capital(value_label(f"household.{key}", record[key]))
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


def _answers_table(context: Context, record: dict[str, Any]) -> Table:
    """The answers under their headings ("Nhà ở", "Thu nhập"…)."""
    body: list[Group | Row] = []
    under: list[Group | Row] = body
    for question, answer in _answer_rows(record):
        if answer == "" and question != column_heading("code"):
            under = []
            body.append(Group(question, under))
        else:
            under.append(Row({"question": question, "answer": str(answer)}))
    return Table(
        columns(("question", "text", 3), ("answer", "text", 2.2)),
        body,
        totals=False,
        caption=context.words["questionnaire"]["answers_heading"],
        numbered=False,
        pdf_groups="banner",
        font_size=11,
    )


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
    return value_text(f"member.{key}", value)


def _members_table(context: Context, members: Sequence[dict[str, Any]]) -> Table:
    return Table(
        columns(("number", "index", 0.7), *MEMBER_COLUMNS),
        [
            Row({"number": n, **{key: _member_cell(m, key) for key, _, _ in MEMBER_COLUMNS}})
            for n, m in enumerate(members, start=1)
        ],
        totals=False,
        caption=context.words["questionnaire"]["members_heading"],
        numbered=False,
        font_size=10,
    )


def _result_blocks(result: Classification, title: str) -> list[Block]:
    marks = {True: "Thiếu hụt", False: "Không thiếu hụt", None: "Chưa đủ dữ liệu"}
    table = Table(
        columns(
            ("dimension", "text", 1.5),
            ("indicator", "text", 2),
            ("outcome", "text", 1.2),
            ("reason", "text", 3.6),
        ),
        [
            Row(
                {
                    "dimension": indicator.dimension_name,
                    "indicator": indicator.name,
                    "outcome": marks[indicator.deprived],
                    "reason": indicator.reason,
                }
            )
            for indicator in result.indicators
        ],
        totals=False,
        caption=title,
        numbered=False,
        font_size=10,
    )
    return [
        data_table(table),
        Bullet(
            f"Số chỉ số thiếu hụt: {result.deprivation_count}/{len(result.indicators)}"
            + (f" (chưa đủ dữ liệu: {result.unknown_count})" if result.unknown_count else "")
        ),
        Bullet(_income_line_text(result)),
        *(Bullet(note) for note in result.notes),
        TextParagraph(
            (Run("Kết quả phân loại: ", bold=True), Run(class_text(result.class_code), bold=True)),
            indent=False,
        ),
    ]


def _filled_by(row: dict[str, Any]) -> str:
    state = "hoàn thành" if row["state"] == "complete" else "chưa hoàn thành (bản nháp)"
    parts = [f"Phiếu {state}"]
    if row.get("surveyed_on"):
        parts.append(f"ngày rà soát {format_date(date.fromisoformat(row['surveyed_on']))}")
    if row.get("reviewer"):
        parts.append(f"rà soát viên {row['reviewer']}")
    return "; ".join(parts)


def _head_name(state: HouseholdState, *forms: dict[str, Any] | None) -> str:
    """The head of household as the questionnaire recorded them on the day of the survey (the
    register may have moved on since: a head who died, a household that ended); the
    register's when the form names none."""
    for form in forms:
        members = (form or {}).get("answers", {}).get("members") or ()
        for member in members:
            if member.get("relation") == "head" and (member.get("full_name") or "").strip():
                return member["full_name"].strip()
    return state.head_name


def _questionnaire(context: Context, state: HouseholdState, on: date) -> OfficialDocument:
    words = context.words["questionnaire"]
    db, found = context.db, context.found
    form_b = workflow.questionnaire(db, found.id, state.household_id, "B")
    form_a = workflow.questionnaire(db, found.id, state.household_id, "A")
    if form_b is None and form_a is None:
        raise DocumentError(
            tr(
                "Hộ {code} chưa có phiếu rà soát trong {round}.",
                code=state.code,
                round=found.title_in(tr),
            )
        )
    head = _head_name(state, form_b, form_a)
    body: list[Block] = []
    if form_a is not None:
        screening = form_a["answers"].get("form_a") or {}
        eligible = screening.get("eligible_for_form_b")
        body += [
            SectionHeading(words["form_a"], level=1),
            Bullet(f"Hộ: {state.code} — chủ hộ {head} — {village_label(state.village_name)}"),
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
            data_table(_answers_table(context, record)),
            data_table(_members_table(context, record.get("members") or ())),
        ]
        try:
            result = workflow.classify_for_round(db, found, record)
        except ValueError as error:  # a draft's answers that cannot be classified yet
            body.append(nothing(f"Chưa phân loại được: {error}"))
        else:
            title = context.fill(words["result_heading"], standard=found.standard.name)
            body += _result_blocks(result, title)
    surveyed = (form_b or form_a or {}).get("surveyed_on")
    where = [
        Bullet(
            f"{context.who.kind_word}: {context.who.place}; {village_label(state.village_name)}"
        ),
        Bullet(f"Hộ: {state.code} — chủ hộ {head}"),
        Bullet(
            "Ngày rà soát: "
            + (format_date(date.fromisoformat(surveyed)) if surveyed else "……/……/………")
        ),
    ]
    return context.document(
        number_symbol="",
        date=date.fromisoformat(surveyed) if surveyed else on,
        kind=context.fill(words["title"]),
        subject="",
        body=(*where, *body),
        official_header=False,
        signatures=(
            Signature("CHỦ HỘ", head),
            Signature("RÀ SOÁT VIÊN", (form_b or form_a or {}).get("reviewer") or ""),
        ),
    )


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
    context = round_context(db, round_id)
    states = context.states(village_id)
    if household_code is not None:
        states = [s for s in states if s.code == household_code]
        if not states:
            raise DocumentError(
                tr(
                    "Hộ {code} không có trong danh sách rà soát của {round}.",
                    code=household_code,
                    round=context.found.title_in(tr),
                )
            )
        return [_questionnaire(context, states[0], on)]
    surveyed = [s for s in states if s.surveyed]
    if not surveyed:
        raise DocumentError(
            tr("{round}: chưa có phiếu rà soát nào.", round=context.found.title_in(tr))
        )
    return [_questionnaire(context, s, on) for s in surveyed]
