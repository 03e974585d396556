"""Classify one household under a standard: each indicator with its reason, the class, notes.

The income figure (monthly income per person, or the B1 score where the standard or the
caller gives a B1 line) is compared with the line; the deprivations decide between poor and
near-poor. Unknown indicators leave the class undetermined only when they could change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from gnapp.core.record import (
    age_at,
    age_in_months,
    field_label,
    validate_record,
    validate_stored_record,
)
from gnapp.core.rules import EMPTY, Household, Missing, Result
from gnapp.core.standards import (
    AREA_LABELS,
    Indicator,
    PointsTable,
    Provenance,
    ScoredItem,
    Standard,
)
from gnapp.core.vietnamese import format_date, format_decimal, format_money
from gnapp.i18n import Translate, as_written, tr, tr_noop

CLASS_LABELS = {
    "poor": tr_noop("hộ nghèo"),
    "near_poor": tr_noop("hộ cận nghèo"),
    "average": tr_noop("hộ có mức sống trung bình"),
    "not_poor": tr_noop("hộ không nghèo"),
    None: tr_noop("chưa xác định được"),
}
# How a rule's status is shown next to it (a confirmed rule carries no mark).
STATUS_MARKS = {
    "confirmed": "",
    "secondary": tr_noop("nguồn thứ cấp"),
    "unknown": tr_noop("chưa rõ"),
}
UNCONFIRMED = tr_noop("ngưỡng chưa đối chiếu văn bản gốc")


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator for one household: deprived True/False, or None when data are missing."""

    id: str
    name: str
    dimension: str
    dimension_name: str
    deprived: bool | None
    reason: str
    status: str
    confirmed: bool
    source: str


@dataclass(frozen=True)
class Classification:
    """The outcome for one household under one standard (to_dict() gives plain JSON)."""

    household_code: str
    standard_id: str
    standard_name: str
    reference_date: date
    area: str
    indicators: tuple[IndicatorResult, ...]
    deprivation_count: int
    unknown_count: int
    b2_score: int
    income_basis: str | None  # "score" (B1) | "income" (đồng/person/month) | None
    income_value: int | float | None
    income_line: int | float | None
    class_code: str | None
    class_label: str
    notes: tuple[str, ...]
    b1_items: tuple[ScoredItem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reference_date"] = self.reference_date.isoformat()
        return data


@dataclass(frozen=True)
class _Income:
    basis: str | None = None
    value: int | float | None = None
    line: int | float | None = None
    provenance: Provenance | None = None
    items: tuple[ScoredItem, ...] = ()

    @property
    def above_line(self) -> bool:
        return self.value is not None and self.line is not None and self.value > self.line


def _plain(number: Any) -> Any:
    """A Decimal as an int or float, so that results serialise to JSON."""
    if isinstance(number, Decimal):
        return int(number) if number == number.to_integral_value() else float(number)
    return number


def _household(record: Mapping[str, Any], standard: Standard, reference: date) -> Household:
    """The record with each member's derived fields: age, months, working age, dependant."""
    basic = [
        {
            "age": (age_at(member["birth_date"], reference), EMPTY),
            "age_months": (age_in_months(member["birth_date"], reference), EMPTY),
            "working_age": (
                standard.working_age.applies(member["birth_date"], member["sex"], reference),
                EMPTY,
            ),
        }
        for member in record["members"]
    ]
    partial = Household(record, tuple(basic))
    rule = standard.dependant.rule
    return Household(
        record,
        tuple(
            {**facts, "dependant": rule.evaluate(partial, member=index)}
            for index, facts in enumerate(basic)
        ),
    )


def _missing_text(missing: frozenset[Missing], household: Household, translate: Translate) -> str:
    names: dict[str, list[str]] = {}
    for field_name, member in sorted(missing, key=lambda item: (item[0], item[1] or -1)):
        found = names.setdefault(field_name, [])
        if member is not None and household.member_names[member] not in found:
            found.append(household.member_names[member])
    parts = []
    for field_name, people in names.items():
        label = translate(field_label(field_name))
        label = label[:1].lower() + label[1:]
        parts.append(f"{label} ({', '.join(people)})" if people else label)
    if not parts:
        return translate("Chưa đủ dữ liệu")
    return translate("Chưa đủ dữ liệu: {fields}", fields="; ".join(parts))


def _evaluate(indicator: Indicator, household: Household, translate: Translate) -> IndicatorResult:
    variables: dict[str, Result] = {}
    for name, let in indicator.lets:
        variables[name] = let.evaluate(household, variables)
    deprived, missing = indicator.rule.evaluate(household, variables)
    if deprived is None:
        reason = _missing_text(missing, household, translate)
    elif deprived:
        condition = indicator.rule.member_condition
        found = [
            index
            for index in range(len(household.derived))
            if condition is not None and condition.evaluate(household, variables, index)[0]
        ]
        reason = indicator.reason_deprived.render(household, variables, found, translate)
    else:
        reason = indicator.reason_not_deprived.render(household, variables, (), translate)
    mark = indicator.provenance
    return IndicatorResult(
        id=indicator.id,
        name=translate(indicator.name),
        dimension=indicator.dimension.id,
        dimension_name=translate(indicator.dimension.name),
        deprived=deprived,
        reason=reason,
        status=mark.status,
        confirmed=mark.confirmed,
        source=mark.source,
    )


def _b1_from_table(
    record: Mapping[str, Any],
    standard: Standard,
    table: PointsTable,
    entered: Any,
    notes: list[str],
    translate: Translate,
) -> tuple[Any, tuple[ScoredItem, ...]]:
    """B1 computed from the points table (or the entered B1 while answers are missing)."""
    if table.standard_id != standard.id or table.area != record["area"]:
        raise ValueError(
            translate(
                "Bảng điểm '{table}' dành cho chuẩn {table_standard}, khu vực {table_area}; hộ "
                "{household} được xét theo chuẩn {standard}, khu vực {area}",
                table=table.name,
                table_standard=table.standard_id,
                table_area=translate(AREA_LABELS[table.area]),
                household=record["household_code"],
                standard=standard.id,
                area=translate(AREA_LABELS[record["area"]]),
            )
        )
    scored = table.score(record["income"]["b1_answers"], record["household_code"])
    if scored.total is None:
        notes.append(
            translate(
                "Bảng điểm B1 còn thiếu câu trả lời: {items}", items=", ".join(scored.missing)
            )
        )
        return entered, scored.items
    mark = STATUS_MARKS[table.provenance.status]
    notes.append(
        translate("Điểm B1 tính theo bảng điểm '{table}'", table=table.name)
        + (f" ({translate(mark)})" if mark else "")
    )
    if entered is not None and Decimal(str(entered)) != scored.total:
        notes.append(
            translate(
                "Điểm B1 ghi trên phiếu ({entered}) khác điểm tính theo bảng ({computed}): "
                "dùng điểm tính theo bảng",
                entered=format_decimal(entered),
                computed=format_decimal(scored.total),
            )
        )
    return scored.total, scored.items


def _check_score_lines(score_lines: Mapping[str, Any]) -> None:
    for area, line in score_lines.items():
        valid = not isinstance(line, bool) and isinstance(line, int | float) and line > 0
        if area not in AREA_LABELS or not (valid or line is None):
            raise ValueError(
                tr(
                    "Thang điểm B1 không hợp lệ: {area}: {line} (cần rural/urban: số điểm dương)",
                    area=repr(area),
                    line=repr(line),
                )
            )


def _income(
    record: Mapping[str, Any],
    standard: Standard,
    score_lines: Mapping[str, Any] | None,
    table: PointsTable | None,
    notes: list[str],
    translate: Translate,
) -> _Income:
    area = record["area"]
    area_label = translate(AREA_LABELS[area])
    income = record.get("income") or {}
    b1 = income.get("b1_score")
    items: tuple[ScoredItem, ...] = ()
    if table is not None and income.get("b1_answers") is not None:
        b1, items = _b1_from_table(record, standard, table, b1, notes, translate)
    lines = standard.score_method.b1_lines
    b1_line, b1_mark = lines.for_area(area), lines.provenance
    if score_lines is not None:
        _check_score_lines(score_lines)
        if score_lines.get(area) is not None:
            b1_line = score_lines[area]
            b1_mark = Provenance("Thang điểm B1 do người dùng cung cấp", "unknown", False)
            notes.append(
                translate(
                    "Ngưỡng điểm B1 {line} điểm ({area}) do người dùng cung cấp, {unconfirmed}",
                    line=format_decimal(b1_line),
                    area=area_label,
                    unconfirmed=translate(UNCONFIRMED),
                )
            )
    if b1 is not None and b1_line is not None:
        return _Income("score", _plain(b1), b1_line, b1_mark, items)
    monthly = income.get("monthly_per_capita")
    line = standard.income_lines.for_area(area)
    if b1 is not None:
        notes.append(
            translate(
                "Chuẩn {standard} chưa có ngưỡng điểm B1 cho khu vực {area} (chưa công bố): cần "
                "thu nhập bình quân đầu người/tháng, hoặc thang điểm B1 người dùng xác nhận",
                standard=standard.id,
                area=area_label,
            )
        )
    if monthly is not None and line is not None:
        return _Income("income", monthly, line, standard.income_lines.provenance, items)
    if monthly is None and b1 is None:
        notes.append(
            translate("Thiếu thu nhập bình quân đầu người/tháng và điểm B1: chưa so được với chuẩn")
        )
    elif monthly is not None:
        notes.append(
            translate(
                "Chuẩn {standard} chưa có chuẩn thu nhập cho khu vực {area}",
                standard=standard.id,
                area=area_label,
            )
        )
    return _Income(items=items)


def _class_code(
    income: _Income, band: int | float | None, deprived: int, unknown: int, needed: int
) -> str | None:
    if income.basis is None:
        return None
    if income.above_line:
        below_band = band is not None and income.value is not None and income.value <= band
        if income.basis == "income" and below_band:
            return "average"
        return "not_poor"
    if deprived >= needed:
        return "poor"
    return "near_poor" if deprived + unknown < needed else None


def _names(results: list[IndicatorResult]) -> str:
    return ", ".join(result.name for result in results)


def _notes(
    record: Mapping[str, Any],
    standard: Standard,
    income: _Income,
    results: tuple[IndicatorResult, ...],
    class_code: str | None,
    translate: Translate,
) -> list[str]:
    area = record["area"]
    area_label = translate(AREA_LABELS[area])
    unknown = [result for result in results if result.deprived is None]
    deprived = sum(result.deprived is True for result in results)
    needed = standard.poor_min_deprivations.value
    notes = []
    if unknown and class_code is None and income.basis is not None:
        notes.append(
            translate(
                "Chưa xác định được hộ nghèo hay cận nghèo: đã có {deprived} chỉ số thiếu hụt "
                "(cần {needed}), {unknown} chỉ số chưa đủ dữ liệu: {names}",
                deprived=deprived,
                needed=needed,
                unknown=len(unknown),
                names=_names(unknown),
            )
        )
    elif unknown and class_code is not None:
        notes.append(
            translate(
                "Chỉ số chưa đủ dữ liệu, không làm thay đổi phân loại: {names}",
                names=_names(unknown),
            )
        )
    elif unknown:
        notes.append(translate("Chỉ số chưa đủ dữ liệu: {names}", names=_names(unknown)))
    used: list[tuple[str, Provenance]] = []
    if income.provenance is not None:
        line = (
            translate("ngưỡng điểm B1 {area}", area=area_label)
            if income.basis == "score"
            else translate("chuẩn thu nhập {area}", area=area_label)
        )
        used.append((line, income.provenance))
    above = income.above_line
    band = standard.average_band
    if above and income.basis == "income":
        if band.for_area(area) is None:
            notes.append(
                translate(
                    "Chuẩn {standard} chưa có ngưỡng hộ có mức sống trung bình (chưa rõ): hộ "
                    "trên chuẩn được xếp hộ không nghèo",
                    standard=standard.id,
                )
            )
        else:
            used.append(
                (
                    translate("ngưỡng mức sống trung bình {area}", area=area_label),
                    band.provenance,
                )
            )
    if above and income.basis == "score" and band.for_area(area) is not None:
        notes.append(
            translate(
                "Hộ có mức sống trung bình được xác định theo thu nhập bình quân đầu người, "
                "không theo điểm B1"
            )
        )
    if class_code == "average" and record.get("agricultural") is not True:
        notes.append(
            translate(
                "Mức sống trung bình theo chuẩn áp dụng cho hộ làm nông, lâm, ngư, diêm "
                "nghiệp; chưa rõ hộ có làm nông, lâm, ngư, diêm nghiệp"
            )
            if record.get("agricultural") is None
            else translate(
                "Mức sống trung bình theo chuẩn áp dụng cho hộ làm nông, lâm, ngư, diêm "
                "nghiệp; hộ không làm nông, lâm, ngư, diêm nghiệp"
            )
        )
    if income.basis is not None and not above:
        used.append(
            (
                translate("số chỉ số thiếu hụt tối thiểu của hộ nghèo"),
                standard.poor_min_deprivations.provenance,
            )
        )
        used.extend(
            (result.name, Provenance(result.source, result.status, result.confirmed))
            for result in results
            if result.deprived is not False
        )
    by_status = {
        status: [label for label, mark in used if mark.status == status]
        for status in ("secondary", "unknown")
    }
    unconfirmed = [
        f"{translate(STATUS_MARKS[status])}: {', '.join(labels)}"
        for status, labels in by_status.items()
        if labels
    ]
    if unconfirmed:
        heading = translate(UNCONFIRMED)
        notes.append(f"{heading[:1].upper()}{heading[1:]} — {'; '.join(unconfirmed)}")
    return notes


def classify(
    record: dict[str, Any],
    standard: Standard,
    reference_date: date,
    *,
    score_lines: Mapping[str, Any] | None = None,
    points_table: PointsTable | None = None,
    stored: bool = False,
    translate: Translate = as_written,
) -> Classification:
    """Classify a household (validated first: RecordError) under a standard at a date.

    ``score_lines`` ({"rural": points, "urban": points}) are B1 lines the user confirms, for a
    standard that has none; ``points_table`` computes B1 from the record's b1_answers.
    ``stored``: the record was built from the commune's database, whose writes follow the
    schema, so only what the schema cannot say is checked again (about half the time of a
    classification); should it still not fit, the full check names the problem.
    ``translate``: the language of the result's words (names, reasons, notes): Vietnamese as
    written, for documents; ``tr`` for what the GUI shows.
    """
    if not stored:
        validate_record(record, reference_date)
        return _classify(record, standard, reference_date, score_lines, points_table, translate)
    try:
        validate_stored_record(record, reference_date)
        return _classify(record, standard, reference_date, score_lines, points_table, translate)
    except (LookupError, TypeError, ValueError, AttributeError, ArithmeticError):
        validate_record(record, reference_date)
        raise


def _classify(
    record: dict[str, Any],
    standard: Standard,
    reference_date: date,
    score_lines: Mapping[str, Any] | None,
    points_table: PointsTable | None,
    translate: Translate,
) -> Classification:
    household = _household(record, standard, reference_date)
    results = tuple(_evaluate(indicator, household, translate) for indicator in standard.indicators)
    deprived = sum(result.deprived is True for result in results)
    unknown = sum(result.deprived is None for result in results)
    notes: list[str] = []
    income = _income(record, standard, score_lines, points_table, notes, translate)
    code = _class_code(
        income,
        standard.average_band.for_area(record["area"]),
        deprived,
        unknown,
        standard.poor_min_deprivations.value,
    )
    notes.extend(_notes(record, standard, income, results, code, translate))
    return Classification(
        household_code=record["household_code"],
        standard_id=standard.id,
        standard_name=translate(standard.name),
        reference_date=reference_date,
        area=record["area"],
        indicators=results,
        deprivation_count=deprived,
        unknown_count=unknown,
        b2_score=deprived * standard.score_method.b2_points_per_indicator.value,
        income_basis=income.basis,
        income_value=income.value,
        income_line=income.line,
        class_code=code,
        class_label=translate(CLASS_LABELS[code]),
        notes=tuple(notes),
        b1_items=income.items,
    )


_SYMBOLS = {True: "✗", False: "✓", None: "?"}


def _income_line_text(result: Classification, translate: Translate = as_written) -> str:
    area = translate(AREA_LABELS[result.area])
    measured, limit = result.income_value, result.income_line
    if result.income_basis is None or measured is None or limit is None:
        return translate("Thu nhập: chưa so được với chuẩn")
    above = measured > limit
    if result.income_basis == "score":
        return translate(
            "Điểm B1: {value} điểm; ngưỡng {area}: {line} điểm (trên ngưỡng)"
            if above
            else "Điểm B1: {value} điểm; ngưỡng {area}: {line} điểm (bằng hoặc dưới ngưỡng)",
            value=format_decimal(measured),
            area=area,
            line=format_decimal(limit),
        )
    return translate(
        "Thu nhập bình quân đầu người/tháng: {value}; chuẩn {area}: {line} (trên chuẩn)"
        if above
        else "Thu nhập bình quân đầu người/tháng: {value}; chuẩn {area}: {line} "
        "(bằng hoặc dưới chuẩn)",
        value=format_money(measured),
        area=area,
        line=format_money(limit),
    )


def explain(classification: Classification, translate: Translate = as_written) -> str:
    """The classification as text for the command line; its own words in ``translate``'s
    language (a classification made with the same ``translate`` has its words in it too)."""
    result = classification
    lines = [
        translate(
            "Hộ {household} — {standard} — khu vực {area} — ngày tham chiếu {date}",
            household=result.household_code,
            standard=result.standard_name,
            area=translate(AREA_LABELS[result.area]),
            date=format_date(result.reference_date),
        ),
        translate("Chỉ số thiếu hụt (✗ thiếu hụt, ✓ không thiếu hụt, ? chưa đủ dữ liệu):"),
    ]
    dimension = None
    for indicator in result.indicators:
        if indicator.dimension != dimension:
            dimension = indicator.dimension
            lines.append(f"  {indicator.dimension_name}")
        mark = STATUS_MARKS[indicator.status]
        suffix = f" [{translate(mark)}]" if mark else ""
        symbol = _SYMBOLS[indicator.deprived]
        lines.append(f"    {symbol} {indicator.name}: {indicator.reason}{suffix}")
    count = translate(
        "Số chỉ số thiếu hụt: {count}/{total}",
        count=result.deprivation_count,
        total=len(result.indicators),
    )
    if result.unknown_count:
        count += translate(" (chưa đủ dữ liệu: {unknown})", unknown=result.unknown_count)
    lines.append(count + translate("; điểm B2: {b2}", b2=result.b2_score))
    if result.b1_items:
        lines.append(translate("Bảng điểm B1:"))
        for item in result.b1_items:
            points = (
                translate("chưa trả lời")
                if item.points is None
                else translate("{points} điểm", points=format_decimal(item.points))
            )
            answer = f"{item.answer} — " if item.answer is not None else ""
            lines.append(f"  - {item.name}: {answer}{points}")
    lines.append(_income_line_text(result, translate))
    lines.append(translate("Phân loại: {label}", label=result.class_label))
    if result.notes:
        lines.append(translate("Ghi chú:"))
        lines.extend(f"  - {note}" for note in result.notes)
    return "\n".join(lines)
