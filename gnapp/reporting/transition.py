"""The change of standard at commune scale: every household of the register classified under
two poverty standards side by side (the one in force and 2027–2030), by village, with who
changes class and why, and the thresholds of either standard that are not confirmed.

``compare_standards`` reads the register once (the households present on the reference date,
with the income of their latest complete Phiếu B) and keeps, per household, only what the view,
the command line and the XLSX export show; ``export_transition`` writes it as a workbook.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from gnapp.core.classify import CLASS_LABELS, STATUS_MARKS, Classification, classify
from gnapp.core.record import RecordError
from gnapp.core.standards import AREA_LABELS, Provenance, Standard
from gnapp.core.vietnamese import format_date, format_decimal
from gnapp.i18n import Translate, as_written, tr, tr_noop, written
from gnapp.progress import Progress
from gnapp.reporting.lists import commune_heading
from gnapp.reporting.tables import Column, Group, Row, Table
from gnapp.reporting.xlsx import new_workbook, save_workbook, write_table
from gnapp.store.as_of import households_present
from gnapp.store.register import iter_household_records, villages
from gnapp.store.review import latest_incomes

# The classes in the order they are counted and shown; None: not determined.
CLASS_ORDER: tuple[str | None, ...] = ("poor", "near_poor", "average", "not_poor", None)
CLASS_SHORT = {
    "poor": tr_noop("Nghèo"),
    "near_poor": tr_noop("Cận nghèo"),
    "average": tr_noop("Mức sống TB"),
    "not_poor": tr_noop("Không nghèo"),
    None: tr_noop("Chưa xác định"),
}


@dataclass(frozen=True)
class Outcome:
    """A household under one standard: its class, the indicators it is deprived in and those
    without enough data, and the income figure against that standard's line."""

    class_code: str | None
    deprived: tuple[str, ...]
    unknown: tuple[str, ...]
    income_basis: str | None
    income_value: int | float | None
    income_line: int | float | None
    notes: tuple[str, ...]  # the classification's notes: what is missing, what is supposed

    @staticmethod
    def of(result: Classification) -> Outcome:
        """The outcome in the classification's language (its names and notes)."""
        return Outcome(
            class_code=result.class_code,
            deprived=tuple(i.name for i in result.indicators if i.deprived is True),
            unknown=tuple(i.name for i in result.indicators if i.deprived is None),
            income_basis=result.income_basis,
            income_value=result.income_value,
            income_line=result.income_line,
            notes=result.notes,
        )


@dataclass(frozen=True)
class ComparedHousehold:
    """One household under both standards, and in words why its class changes (or why it
    cannot be told)."""

    household_id: int
    code: str
    head: str
    village: str
    area: str
    before: Outcome | None  # None: the record could not be classified (``why`` says why)
    after: Outcome | None
    why: str  # in Vietnamese, as the workbook and the command line say it
    shown_why: str  # in the language compare_standards was given: the GUI's

    @property
    def changed(self) -> bool:
        """Determined under both standards, and not the same class."""
        return (
            self.before is not None
            and self.after is not None
            and None not in (self.before.class_code, self.after.class_code)
            and self.before.class_code != self.after.class_code
        )

    @property
    def undetermined_after(self) -> bool:
        """Not determined under the second standard (its notes say what is missing)."""
        return self.after is None or self.after.class_code is None


@dataclass(frozen=True)
class VillageComparison:
    """A village's households by class under each standard, and how many change class."""

    village: str
    households: int
    before: Mapping[str | None, int]
    after: Mapping[str | None, int]
    changed: int


@dataclass(frozen=True)
class RuleMark:
    """A threshold or indicator of a standard that is not confirmed against the legal text."""

    standard_id: str
    label: str  # the rule's name; an indicator's name when ``indicator``
    status: str  # "secondary" | "unknown"
    source: str
    indicator: bool = False

    @property
    def text(self) -> str:
        return self.text_in(as_written)

    def text_in(self, translate: Translate) -> str:
        label = translate(self.label)
        return translate(
            "Chuẩn {standard} — {label}: {mark} ({source})",
            standard=self.standard_id,
            label=translate("chỉ số {name}", name=label) if self.indicator else label,
            mark=translate(STATUS_MARKS[self.status]),
            source=translate(self.source),
        )


@dataclass(frozen=True)
class Transition:
    """The comparison: the two standards, the date, every household, the villages, the
    changes of class (before, after) → households, and the unconfirmed rules."""

    before: Standard
    after: Standard
    reference_date: date
    households: tuple[ComparedHousehold, ...]
    villages: tuple[VillageComparison, ...]
    changes: Mapping[tuple[str | None, str | None], int]  # of the households that change class
    marks: tuple[RuleMark, ...]
    score_lines: Mapping[str, int] | None = None

    @property
    def commune(self) -> VillageComparison:
        """The commune's totals."""
        return _village_figures("Toàn xã", self.households)

    @property
    def problems(self) -> int:
        return sum(h.before is None for h in self.households)


def rule_marks(standard: Standard) -> list[RuleMark]:
    """The rules of ``standard`` whose status is secondary or unknown, in the standard's order."""
    rules: list[tuple[str, Provenance]] = [
        (tr_noop("chuẩn thu nhập"), standard.income_lines.provenance),
        (
            tr_noop("số chỉ số thiếu hụt tối thiểu của hộ nghèo"),
            standard.poor_min_deprivations.provenance,
        ),
        (tr_noop("ngưỡng hộ có mức sống trung bình"), standard.average_band.provenance),
        (tr_noop("ngưỡng điểm B1"), standard.score_method.b1_lines.provenance),
        (
            tr_noop("điểm B2 mỗi chỉ số"),
            standard.score_method.b2_points_per_indicator.provenance,
        ),
        (tr_noop("độ tuổi lao động"), standard.working_age.provenance),
        (tr_noop("người phụ thuộc"), standard.dependant.provenance),
    ]
    marks = [
        RuleMark(standard.id, label, mark.status, mark.source)
        for label, mark in rules
        if mark.status in ("secondary", "unknown")
    ]
    return marks + [
        RuleMark(standard.id, i.name, i.provenance.status, i.provenance.source, indicator=True)
        for i in standard.indicators
        if i.provenance.status in ("secondary", "unknown")
    ]


def _income_text(outcome: Outcome, standard: Standard, area: str, translate: Translate) -> str:
    if outcome.income_basis is None:
        return translate("chuẩn {standard}: chưa so được thu nhập với chuẩn", standard=standard.id)
    value = format_decimal(outcome.income_value)
    unit = (
        translate("điểm B1") if outcome.income_basis == "score" else translate("đồng/người/tháng")
    )
    if outcome.income_line is None:
        return translate(
            "chuẩn {standard}: {value} {unit}, chưa có ngưỡng {area}",
            standard=standard.id,
            value=value,
            unit=unit,
            area=translate(AREA_LABELS[area]),
        )
    above = outcome.income_value is not None and outcome.income_value > outcome.income_line
    return translate(
        "chuẩn {standard}: {value} {unit}, trên ngưỡng {line}"
        if above
        else "chuẩn {standard}: {value} {unit}, không quá ngưỡng {line}",
        standard=standard.id,
        value=value,
        unit=unit,
        line=format_decimal(outcome.income_line),
    )


def _why(
    before: Outcome,
    after: Outcome,
    standards: tuple[Standard, Standard],
    area: str,
    translate: Translate,
) -> str:
    """Why the class is what it is under each standard: the deprivations that differ and the
    income against each line (the outcomes in ``translate``'s language)."""
    old, new = standards
    gained = [name for name in after.deprived if name not in before.deprived]
    lost = [name for name in before.deprived if name not in after.deprived]
    parts = [
        translate(
            "{before} chỉ số thiếu hụt theo chuẩn {old}, {after} theo chuẩn {new}",
            before=len(before.deprived),
            old=old.id,
            after=len(after.deprived),
            new=new.id,
        )
    ]
    if gained:
        parts.append(translate("thiếu hụt thêm: {names}", names=", ".join(gained)))
    if lost:
        parts.append(translate("không còn thiếu hụt: {names}", names=", ".join(lost)))
    if after.unknown:
        parts.append(
            translate(
                "chưa đủ dữ liệu ({standard}): {names}",
                standard=new.id,
                names=", ".join(after.unknown),
            )
        )
    parts.append(_income_text(before, old, area, translate))
    parts.append(_income_text(after, new, area, translate))
    text = "; ".join(parts)
    if before.class_code == after.class_code and before.class_code is not None:
        return text
    said = [
        translate("Theo chuẩn {standard}: {notes}", standard=standard.id, notes="; ".join(notes))
        for outcome, standard in ((before, old), (after, new))
        if (notes := outcome.notes) and (outcome.class_code is None or standard is new)
    ]
    return ". ".join([text, *said])


def _why_in(
    record: dict[str, Any],
    standards: tuple[Standard, Standard],
    outcomes: tuple[Outcome, Outcome],
    on: date,
    score_lines: Mapping[str, int] | None,
    translate: Translate,
) -> str:
    """``_why`` in ``translate``'s language: the classifications' notes are written in it
    again, where the reason quotes them (a change of class, a class not determined)."""
    before, after = outcomes
    if before.class_code == after.class_code and before.class_code is not None:
        before, after = (
            replace(
                outcome,
                deprived=tuple(map(translate, outcome.deprived)),
                unknown=tuple(map(translate, outcome.unknown)),
            )
            for outcome in outcomes
        )
    else:
        before, after = (
            Outcome.of(_classified(record, s, on, score_lines, translate)) for s in standards
        )
    return _why(before, after, standards, record["area"], translate)


def _head_name(record: Mapping[str, Any]) -> str:
    members = record.get("members") or []
    head = next((m for m in members if m.get("relation") == "head"), members[0] if members else {})
    return str(head.get("full_name") or "")


def _compared(
    household_id: int,
    record: dict[str, Any],
    standards: tuple[Standard, Standard],
    on: date,
    score_lines: Mapping[str, int] | None,
    translate: Translate,
) -> ComparedHousehold:
    try:
        first, second = (_classified(record, s, on, score_lines) for s in standards)
    except RecordError as error:
        return ComparedHousehold(
            household_id,
            record["household_code"],
            _head_name(record),
            record["village"],
            record["area"],
            None,
            None,
            f"Chưa phân loại được: {written(error)}",
            translate("Chưa phân loại được: {error}", error=error.sentence.in_language(translate)),
        )
    before, after = Outcome.of(first), Outcome.of(second)
    why = _why(before, after, standards, record["area"], as_written)
    return ComparedHousehold(
        household_id,
        record["household_code"],
        _head_name(record),
        record["village"],
        record["area"],
        before,
        after,
        why,
        why
        if translate is as_written
        else _why_in(record, standards, (before, after), on, score_lines, translate),
    )


def _classified(
    record: dict[str, Any],
    standard: Standard,
    on: date,
    score_lines: Mapping[str, int] | None,
    translate: Translate = as_written,
) -> Classification:
    """A stored record classified under ``standard`` with the B1 lines supposed for it."""
    return classify(
        record,
        standard,
        on,
        stored=True,
        score_lines=_lines_for(standard, score_lines),
        translate=translate,
    )


def _lines_for(standard: Standard, lines: Mapping[str, int] | None) -> Mapping[str, int] | None:
    """The B1 lines the user gave, for a standard that has none of its own."""
    own = standard.score_method.b1_lines
    return lines if lines and own.rural is None and own.urban is None else None


def _village_figures(name: str, households: Sequence[ComparedHousehold]) -> VillageComparison:
    classified = [h for h in households if h.before is not None and h.after is not None]
    return VillageComparison(
        village=name,
        households=len(households),
        before=Counter(h.before.class_code for h in classified if h.before is not None),
        after=Counter(h.after.class_code for h in classified if h.after is not None),
        changed=sum(h.changed for h in households),
    )


def present_records(db: sqlite_utils.Database, on: date) -> list[tuple[int, dict[str, Any]]]:
    """(household id, record) of every household present on ``on``, with the income of its
    latest complete Phiếu B: what a classification of the register reads."""
    present = set(households_present(db, on))
    incomes = latest_incomes(db)
    return [(i, record) for i, record in iter_household_records(db, incomes) if i in present]


def compare_standards(
    db: sqlite_utils.Database,
    before: Standard,
    after: Standard,
    on: date,
    progress: Progress | None = None,
    score_lines: Mapping[str, int] | None = None,
    translate: Translate = as_written,
) -> Transition:
    """Classify every household present on ``on`` under both standards (read from the
    database, so records are not validated again; a record that still fails is listed with
    its problem). ``score_lines`` ({"rural": points, "urban": points}) are B1 lines the user
    supposes for a standard that has none published (marked as the user's in every result).
    ``progress`` is told every 500 households (and raises Cancelled there when the user
    stops). ``translate``: the language of each household's ``shown_why`` (``tr`` for the GUI;
    its ``why`` is Vietnamese, for the workbook)."""
    records = present_records(db, on)
    total = len(records)
    standards = (before, after)
    compared: list[ComparedHousehold] = []
    if progress is not None:
        progress(0, total, tr("Đang phân loại theo hai chuẩn…"))
    for household_id, record in records:
        compared.append(_compared(household_id, record, standards, on, score_lines, translate))
        if progress is not None and len(compared) % 500 == 0:
            progress(len(compared), total, tr("Đang phân loại theo hai chuẩn…"))
    order = {row["name"]: index for index, row in enumerate(villages(db))}
    compared.sort(key=lambda h: (order.get(h.village, len(order)), h.village, h.code))
    by_village: dict[str, list[ComparedHousehold]] = {}
    for household in compared:
        by_village.setdefault(household.village, []).append(household)
    changes = Counter(
        (h.before.class_code, h.after.class_code)
        for h in compared
        if h.changed and h.before is not None and h.after is not None
    )
    return Transition(
        before=before,
        after=after,
        reference_date=on,
        households=tuple(compared),
        villages=tuple(_village_figures(name, rows) for name, rows in by_village.items()),
        changes=dict(changes),
        marks=tuple(rule_marks(before) + rule_marks(after)),
        score_lines=score_lines,
    )


def supposed_lines_text(transition: Transition, translate: Translate = as_written) -> str:
    """The B1 lines the user supposed, said as such."""
    lines = transition.score_lines or {}
    shown = ", ".join(
        translate(
            "{area} {points} điểm",
            area=translate(AREA_LABELS[area]).lower(),
            points=format_decimal(lines[area]),
        )
        for area in ("rural", "urban")
        if lines.get(area) is not None
    )
    return translate(
        "Ngưỡng điểm B1 giả định do người dùng nhập (chưa có văn bản): {lines}", lines=shown
    )


def class_name(code: str | None) -> str:
    """A class as the tables name it ("Nghèo", "Chưa xác định")."""
    return CLASS_SHORT[code]


def change_text(change: tuple[str | None, str | None], translate: Translate = as_written) -> str:
    """ "hộ nghèo → hộ cận nghèo"."""
    old, new = change
    return f"{translate(CLASS_LABELS[old])} → {translate(CLASS_LABELS[new])}"


# --- the workbook ------------------------------------------------------------------------------


def _summary_table(transition: Transition) -> Table:
    old, new = transition.before.id, transition.after.id
    columns = [Column("village", "Thôn, tổ dân phố", "label"), Column("households", "Số hộ")]
    for standard_id, side in ((old, "before"), (new, "after")):
        columns += [
            Column(f"{side}_{code}", CLASS_SHORT[code], group=f"Theo chuẩn {standard_id}")
            for code in CLASS_ORDER
        ]
    columns.append(Column("changed", "Số hộ đổi loại"))
    rows = [
        Row(
            {
                "village": v.village,
                "households": v.households,
                **{f"before_{code}": v.before.get(code, 0) for code in CLASS_ORDER},
                **{f"after_{code}": v.after.get(code, 0) for code in CLASS_ORDER},
                "changed": v.changed,
            }
        )
        for v in transition.villages
    ]
    return Table(tuple(columns), rows, id="transition-summary", sheet="Tổng hợp theo thôn")


def _households_table(transition: Transition, only_changed: bool) -> Table:
    old, new = transition.before.id, transition.after.id
    columns = (
        Column("number", "STT", "index"),
        Column("code", "Mã hộ", "id"),
        Column("head", "Họ và tên chủ hộ", "label"),
        Column("before", f"Theo chuẩn {old}", "center"),
        Column("after", f"Theo chuẩn {new}", "center"),
        Column("before_deprived", f"Số chỉ số thiếu hụt ({old})", "value"),
        Column("after_deprived", f"Số chỉ số thiếu hụt ({new})", "value"),
        Column("why", "Lý do", "text", chars=90),
    )
    chosen = [h for h in transition.households if h.changed or not only_changed]
    groups: dict[str, list[Row]] = {}
    for number, household in enumerate(chosen, start=1):
        groups.setdefault(household.village, []).append(
            Row(
                {
                    "number": number,
                    "code": household.code,
                    "head": household.head,
                    "before": class_name(household.before.class_code)
                    if household.before
                    else "Lỗi dữ liệu",
                    "after": class_name(household.after.class_code)
                    if household.after
                    else "Lỗi dữ liệu",
                    "before_deprived": len(household.before.deprived) if household.before else None,
                    "after_deprived": len(household.after.deprived) if household.after else None,
                    "why": household.why,
                }
            )
        )
    return Table(
        columns,
        [Group(village, rows) for village, rows in groups.items()],
        id="transition-households",
        sheet="Hộ đổi loại" if only_changed else "Tất cả các hộ",
        totals=False,
    )


def export_transition(
    db: sqlite_utils.Database,
    transition: Transition,
    path: str | Path,
    progress: Progress | None = None,
) -> Path:
    """Write the comparison as a workbook: the villages' counts, the households that change
    class, then every household."""
    title = f"So sánh phân loại hộ theo chuẩn {transition.before.id} và chuẩn {transition.after.id}"
    lines = [f"Phân loại tại ngày {format_date(transition.reference_date)}"]
    if transition.score_lines:
        lines.append(supposed_lines_text(transition))
    marks = [mark.text for mark in transition.marks]
    workbook = new_workbook()
    for table, notes in (
        (_summary_table(transition), [*lines, *marks]),  # the unconfirmed rules once, up front
        (_households_table(transition, only_changed=True), lines),
        (_households_table(transition, only_changed=False), lines),
    ):
        write_table(workbook, table, commune_heading(db, title, notes), progress)
    return save_workbook(workbook, path)
