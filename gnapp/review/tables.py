"""The review's summary tables for the level above, as XLSX and PDF (docs/review-tables.md).

``summary_tables(db, round_id)`` computes the eleven tables of a recognised round's year from
the database: results by village, movements of the poor and near-poor lists, deprivations by
indicator (counts and rates, from classifying the round's stored answers), groups, ethnicity,
causes of poverty and children. Their titles and fixed columns are data
(forms/review/summary-tables.json). Movements, lists and groups are those of the progress
reports (gnapp.reporting.figures), computed once. ``export_summary_tables`` checks the identity
9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 on every row of every movement table before anything is
written, then writes the workbook and the PDF aside and puts them in place together.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import sqlite_utils

from gnapp.core.movements import LISTED
from gnapp.core.record import RecordError, age_at, field_schema, value_label
from gnapp.core.standards import Standard, StandardError
from gnapp.core.vietnamese import fold, format_date, format_number, text_sort_key
from gnapp.data import read_form_json
from gnapp.i18n import tr
from gnapp.progress import Progress
from gnapp.reporting import xlsx
from gnapp.reporting.builder import AREAS, ROMAN, default_header, groups_table
from gnapp.reporting.document import (
    Annex,
    Block,
    Bullet,
    OfficialDocument,
    TextParagraph,
    number_symbol,
)
from gnapp.reporting.figures import (
    LIST_LABELS,
    FiguresError,
    ReportFigures,
    percent,
    report_figures,
)
from gnapp.reporting.issuer import issuer, signature
from gnapp.reporting.pdf import write_pdf
from gnapp.reporting.report_xlsx import annex_heading
from gnapp.reporting.tables import Column, Group, Row, Table, heading
from gnapp.reporting.tables.pdf import data_table
from gnapp.review.workflow import Round, classify_for_round, get_round
from gnapp.store import as_of
from gnapp.store import figures as counts
from gnapp.store import review_tables as store
from gnapp.store.answers import decode_answers

FORMATS = ("xlsx", "pdf", "both")
HOUSEHOLDS, MEMBERS = "households", "members"
ROW_WORDS = {HOUSEHOLDS: "Hộ", MEMBERS: "Người"}
TOTAL_LABEL = "Tổng cộng"
KINH = "Kinh"
OTHER_ETHNICITY = "Khác, chưa ghi"
NO_CAUSE = "Chưa ghi nguyên nhân"
ALL_HOUSEHOLDS = "Tổng số hộ"
_UNIT_KEY, _ROW_KEY = "_unit", "_row"  # values kept on a row beside its columns (not shown)


class SummaryTablesError(FiguresError):
    """Tables that cannot be made or written as asked (the message through ``tr``)."""


@cache
def table_specs() -> dict[str, dict[str, Any]]:
    """The tables of forms/review/summary-tables.json, by id, in the file's order."""
    return {t["id"]: t for t in read_form_json("review", "summary-tables.json")["tables"]}


def _settings() -> dict[str, Any]:
    return read_form_json("review", "summary-tables.json")


# --- the tables as data ------------------------------------------------------------------------


_XLSX_STYLES = {"label": "text", "text": "center", "count": "number", "rate": "rate"}
_XLSX_WIDTHS = {"label": 24, "text": 8, "count": 10, "rate": 9}


def _table(
    spec: Mapping[str, Any], year: int, columns: Iterable[Column], body: Any, **options: Any
) -> Table:
    """A summary table with its id, sheet, title (for ``year``) and unit from its data file
    entry. ``totals``: the rows add up, so group rows (urban / rural) and the total row are
    sums (and formulas in the XLSX); otherwise every row, subtotals included, is given, those
    in bold ``strong``."""
    return Table(
        tuple(replace(c, chars=_XLSX_WIDTHS[c.kind], style=_XLSX_STYLES[c.kind]) for c in columns),
        tuple(body),
        id=spec["id"],
        title=spec["title"].format(year=year),
        unit=spec["unit"],
        sheet=spec["sheet"],
        total_label=TOTAL_LABEL,
        **options,
    )


@dataclass(frozen=True)
class SummaryTables:
    round_id: int
    year: int
    standard_id: str
    reference_date: date
    decision: tuple[str, str | None] | None
    tables: tuple[Table, ...]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


@dataclass(frozen=True)
class _Unit:
    """A row's unit: a village, an area's villages or the commune."""

    name: str
    ids: tuple[int, ...]
    strong: bool


def _areas(villages: Sequence[counts.VillageCounts]) -> list[tuple[int, str, str]]:
    """(index, code, label) of the areas present, urban first; empty when only one is."""
    present = [(code, label) for code, label in AREAS if any(v.area == code for v in villages)]
    if len(present) < 2:
        return []
    return [(i, code, label) for i, (code, label) in enumerate(present)]


def _grouped(
    villages: Sequence[counts.VillageCounts], row: Callable[[counts.VillageCounts], Row]
) -> tuple[Group | Row, ...]:
    """A row per village, under "I. Khu vực thành thị" / "II. Khu vực nông thôn" when the
    commune has both."""
    areas = _areas(villages)
    if not areas:
        return tuple(row(v) for v in villages)
    return tuple(
        Group(f"{ROMAN[i]}. {label}", tuple(row(v) for v in villages if v.area == code))
        for i, code, label in areas
    )


def _units(villages: Sequence[counts.VillageCounts]) -> list[_Unit]:
    """The units of a table whose every row is given: areas (when both) with their villages,
    then the commune."""
    units: list[_Unit] = []
    areas = _areas(villages)
    for i, code, label in areas:
        chosen = [v for v in villages if v.area == code]
        units.append(_Unit(f"{ROMAN[i]}. {label}", tuple(v.village_id for v in chosen), True))
        units += [_Unit(v.name, (v.village_id,), False) for v in chosen]
    if not areas:
        units += [_Unit(v.name, (v.village_id,), False) for v in villages]
    units.append(_Unit(TOTAL_LABEL, tuple(v.village_id for v in villages), True))
    return units


def _sum(by_village: Mapping[int, Mapping[str, int]], ids: Iterable[int]) -> Counter[str]:
    total: Counter[str] = Counter()
    for village_id in ids:
        total.update(by_village.get(village_id, {}))
    return total


def _given_rows(rows: Sequence[tuple[dict[str, Any], bool]]) -> tuple[Row, ...]:
    return tuple(Row(values, strong) for values, strong in rows)


def _counted_table(
    spec: Mapping[str, Any],
    year: int,
    villages: Sequence[counts.VillageCounts],
    columns: Sequence[Column],
    by_village: Mapping[int, Counter[str]],
    notes: tuple[str, ...],
) -> Table:
    """A row per village (by area) counting, in each column after the name, the village's
    ``by_village`` entry of the column's key."""

    def row(village: counts.VillageCounts) -> Row:
        counter = by_village.get(village.village_id, Counter())
        return Row({"name": village.name} | {c.key: counter[c.key] for c in columns[1:]})

    return _table(spec, year, columns, _grouped(villages, row), notes=notes)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rate(part: int, whole: int) -> float:
    return percent(part, whole) or 0.0


# --- 1. results by village -------------------------------------------------------------------


def _results_table(
    spec: Mapping[str, Any],
    year: int,
    villages: Sequence[counts.VillageCounts],
    figures: ReportFigures,
    average: Mapping[int, store.StatusCount],
) -> Table:
    words = spec["columns"]
    columns = [
        Column("name", words["name"], "label"),
        Column("households", words["households"]),
        Column("members", words["members"]),
    ]
    for status, group in words["lists"].items():
        columns += [
            Column(f"{status}_h", words["list_households"], group=group),
            Column(
                f"{status}_h_rate",
                words["list_households_rate"],
                "rate",
                group,
                (f"{status}_h", "households"),
            ),
            Column(f"{status}_p", words["list_members"], group=group),
            Column(
                f"{status}_p_rate",
                words["list_members_rate"],
                "rate",
                group,
                (f"{status}_p", "members"),
            ),
        ]
    ends = {unit.village_id: unit for unit in figures.end.villages}

    def row(village: counts.VillageCounts) -> Row:
        end = ends[village.village_id]
        found = average.get(village.village_id)
        lists = {
            "poor": (end.poor.households, end.poor.members),
            "near_poor": (end.near_poor.households, end.near_poor.members),
            "average": (found.households, found.members) if found else (0, 0),
        }
        values: dict[str, Any] = {
            "name": village.name,
            "households": end.households,
            "members": end.members,
        }
        for status, (households, members) in lists.items():
            values |= {
                f"{status}_h": households,
                f"{status}_h_rate": _rate(households, end.households),
                f"{status}_p": members,
                f"{status}_p_rate": _rate(members, end.members),
            }
        return Row(values)

    return _table(spec, year, columns, _grouped(villages, row))


# --- 2, 3. movements ---------------------------------------------------------------------------


def _movements_table(
    spec: Mapping[str, Any],
    year: int,
    villages: Sequence[counts.VillageCounts],
    figures: ReportFigures,
) -> Table:
    status = spec["list"]
    keys = [c["key"] for c in spec["columns"]]
    columns = [
        Column("name", heading("village"), "label"),
        Column("row", "Hộ / người", "text", width=0.8),
    ]
    columns += [
        Column(c["key"], c["header"].format(year=year, previous=year - 1), group=c.get("group"))
        for c in spec["columns"]
    ]
    by_village: dict[int, dict[str, int]] = {}
    for movement in figures.movements:
        if movement.village_id is None:  # the commune's row: the units sum their villages
            continue
        moved = getattr(movement, status)
        for what in (HOUSEHOLDS, MEMBERS):
            by_village.setdefault(movement.village_id, {}).update(
                {
                    f"{key}.{what}": getattr(getattr(moved, key), what)
                    if hasattr(moved, key)
                    else 0
                    for key in keys
                }
            )
    rows: list[tuple[dict[str, Any], bool]] = []
    for unit in _units(villages):
        summed = _sum(by_village, unit.ids)
        for what in (HOUSEHOLDS, MEMBERS):
            values: dict[str, Any] = {
                "name": unit.name if what == HOUSEHOLDS else "",
                "row": ROW_WORDS[what],
                _UNIT_KEY: unit.name,
                _ROW_KEY: what,
            }
            values |= {key: summed[f"{key}.{what}"] for key in keys}
            rows.append((values, unit.strong))
    body = _given_rows(rows)
    numbers = {key: i for i, key in enumerate(("name", "row", *keys), start=1)}
    signs = {c["key"]: c.get("sign") for c in spec["columns"]}
    identity = f"({numbers[keys[-1]]}) = ({numbers[keys[0]]})" + "".join(
        f" {'−' if signs[key] < 0 else '+'} ({numbers[key]})" for key in keys[1:-1]
    )
    return _table(
        spec,
        year,
        tuple(columns),
        body,
        totals=False,
        notes=(f"Cột {identity}",),
    )


def check_identities(tables: Iterable[Table]) -> None:
    """Refuse (SummaryTablesError) a movement table where a row's end differs from its start
    minus the decreases plus the increases; the message names the table, the unit, the row
    and the numbers."""
    specs = table_specs()
    for table in tables:
        spec = specs.get(table.id, {})
        if "list" not in spec or "columns" not in spec:
            continue
        first, *moves, last = spec["columns"]
        # villages first, so that a break is named where it is, not in an area's sum
        rows = sorted(table.body, key=lambda item: item.strong)  # type: ignore[union-attr]
        for item in rows:
            values = item.values  # type: ignore[union-attr]
            expected = values[first["key"]] + sum(c["sign"] * values[c["key"]] for c in moves)
            if values[last["key"]] == expected:
                continue
            terms = f"{format_number(values[first['key']])}" + "".join(
                f" {'−' if c['sign'] < 0 else '+'} {format_number(values[c['key']])}" for c in moves
            )
            formula = f"({table.number_of(first['key'])})" + "".join(
                f" {'−' if c['sign'] < 0 else '+'} ({table.number_of(c['key'])})" for c in moves
            )
            word = tr("số hộ") if values[_ROW_KEY] == HOUSEHOLDS else tr("số người")
            raise SummaryTablesError(
                tr(
                    "Biểu “{table}”, {unit}, dòng {line}: cột ({column}) cuối kỳ là {end} nhưng "
                    "{formula} = {terms} = {expected}. Số liệu biến động không khớp với danh sách "
                    "đầu kỳ và cuối kỳ: chưa ghi tệp nào; hãy kiểm tra lại tình trạng và biến động "
                    "của các hộ trong năm.",
                    table=table.title,
                    unit=values[_UNIT_KEY],
                    line=word,
                    column=table.number_of(last["key"]),
                    end=format_number(values[last["key"]]),
                    formula=formula,
                    terms=terms,
                    expected=format_number(expected),
                )
            )


# --- 4-7. deprivations -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Deprivations:
    """Deprivations of the listed households with a complete Phiếu B, by (village, list):
    households counted, total deprivations, and households deprived in each indicator; and
    the listed households with no complete Phiếu B in the round, by list."""

    by_village: dict[tuple[int, str], Counter[str]]
    missing: Counter[str]


def _deprivations(
    db: sqlite_utils.Database, review_round: Round, listed: Sequence[store.ListedHousehold]
) -> _Deprivations:
    """Each listed household's Phiếu B classified again as the round classifies it."""
    by_village: dict[tuple[int, str], Counter[str]] = {}
    missing: Counter[str] = Counter()
    for household in listed:
        if household.answers is None:
            missing[household.status] += 1
            continue
        try:
            result = classify_for_round(db, review_round, decode_answers(household.answers))
        except (RecordError, StandardError, ValueError) as error:
            raise SummaryTablesError(
                tr(
                    "Phiếu B của hộ {code} trong đợt rà soát không phân loại lại được: {error}",
                    code=household.code,
                    error=error,
                )
            ) from error
        deprived = [i.id for i in result.indicators if i.deprived]
        found = by_village.setdefault((household.village_id, household.status), Counter())
        found["households"] += 1
        found["deprivations"] += len(deprived)
        found.update(deprived)
    return _Deprivations(by_village, missing)


def _deprivation_table(
    spec: Mapping[str, Any],
    year: int,
    villages: Sequence[counts.VillageCounts],
    standard: Standard,
    found: _Deprivations,
) -> Table:
    status, rates = spec["list"], spec["measure"] == "rates"
    indicators = standard.indicators
    columns = [
        Column("name", heading("village"), "label"),
        Column("households", f"Số {LIST_LABELS[status]} có phiếu B"),
    ]
    if rates:
        columns.append(Column("deprivations", "Tỷ lệ thiếu hụt chung (%)", "rate"))
    else:
        columns.append(Column("deprivations", "Tổng số lượt chỉ số thiếu hụt"))
    columns += [
        Column(i.id, i.name, "rate" if rates else "count", group=i.dimension.name)
        for i in indicators
    ]
    notes = [standard.name]
    if found.missing[status]:
        notes.append(
            f"{format_number(found.missing[status])} {LIST_LABELS[status]} chưa có phiếu B hoàn "
            "thành trong đợt rà soát, không tính trong biểu"
        )
    by_village = {
        village_id: counter
        for (village_id, listed), counter in found.by_village.items()
        if listed == status
    }
    if not rates:
        return _counted_table(spec, year, villages, columns, by_village, tuple(notes))
    notes.append(
        "Tỷ lệ thiếu hụt của chỉ số = số hộ thiếu hụt chỉ số ÷ số hộ × 100; tỷ lệ thiếu hụt chung"
        f" = tổng số lượt thiếu hụt ÷ (số hộ × {len(indicators)} chỉ số) × 100"
    )
    rows: list[tuple[dict[str, Any], bool]] = []
    for unit in _units(villages):
        summed = _sum(by_village, unit.ids)
        households = summed["households"]
        values: dict[str, Any] = {
            "name": unit.name,
            "households": households,
            "deprivations": _rate(summed["deprivations"], households * len(indicators)),
        }
        values |= {i.id: _rate(summed[i.id], households) for i in indicators}
        rows.append((values, unit.strong))
    body = _given_rows(rows)
    return _table(
        spec,
        year,
        tuple(columns),
        body,
        totals=False,
        notes=tuple(notes),
    )


# --- 8. groups ---------------------------------------------------------------------------------


def _groups_table(spec: Mapping[str, Any], year: int, figures: ReportFigures) -> Table:
    """The progress reports' table of the lists by group (gnapp.reporting.builder)."""
    table = groups_table(figures, spec["title"].format(year=year))
    return _table(spec, year, table.columns, table.body, notes=(spec["note"],))


# --- 9. ethnicity ------------------------------------------------------------------------------


def _ethnicity_of(text: str | None) -> str | None:
    """The ethnicity as written, Kinh whatever its case; None when not recorded."""
    text = " ".join((text or "").split())
    if not text:
        return None
    return KINH if fold(text) == fold(KINH) else text


def _ethnicity_table(
    spec: Mapping[str, Any],
    year: int,
    villages: Sequence[counts.VillageCounts],
    listed: Sequence[store.ListedHousehold],
) -> Table:
    by_village: dict[int, Counter[str]] = {}
    minorities: dict[str, str] = {}
    for household in listed:
        ethnicity = _ethnicity_of(household.head_ethnicity)
        if ethnicity not in (None, KINH):
            minorities.setdefault(fold(ethnicity), ethnicity)
        key = fold(ethnicity) if ethnicity else ""
        by_village.setdefault(household.village_id, Counter())[f"{key}|{household.status}"] += 1
    present = sorted(minorities.values(), key=text_sort_key)
    groups = [(fold(KINH), KINH), *((fold(e), e) for e in present), ("", OTHER_ETHNICITY)]
    columns = [Column("name", heading("village"), "label")]
    for index, (_, label) in enumerate(groups):
        columns += [
            Column(f"e{index}_{status}", LIST_LABELS[status].capitalize(), group=label)
            for status in LISTED
        ]

    def row(village: counts.VillageCounts) -> Row:
        counter = by_village.get(village.village_id, Counter())
        values: dict[str, Any] = {"name": village.name}
        for index, (key, _) in enumerate(groups):
            values |= {f"e{index}_{status}": counter[f"{key}|{status}"] for status in LISTED}
        return Row(values)

    return _table(spec, year, columns, _grouped(villages, row), notes=(spec["note"],))


# --- 10. causes of poverty ---------------------------------------------------------------------


def _causes_table(
    spec: Mapping[str, Any], year: int, listed: Sequence[store.ListedHousehold]
) -> Table:
    codes = field_schema("household.causes_of_poverty")["items"]["enum"]
    found: Counter[str] = Counter()
    for household in listed:
        causes = [c for c in json.loads(household.causes or "[]") if c in codes]
        found[f"{ALL_HOUSEHOLDS}|{household.status}"] += 1
        for cause in causes or [NO_CAUSE]:
            found[f"{cause}|{household.status}"] += 1
    columns = [Column("name", "Nguyên nhân nghèo", "label")]
    for status in LISTED:
        group = LIST_LABELS[status].capitalize()
        columns += [
            Column(f"{status}_h", heading("households"), group=group),
            Column(f"{status}_rate", heading("rate"), "rate", group=group),
        ]
    rows: list[tuple[dict[str, Any], bool]] = []
    lines = [
        (ALL_HOUSEHOLDS, ALL_HOUSEHOLDS),
        *((code, _capital(value_label("household.causes_of_poverty", code))) for code in codes),
        (NO_CAUSE, NO_CAUSE),
    ]
    for code, label in lines:
        values: dict[str, Any] = {"name": label}
        for status in LISTED:
            households = found[f"{code}|{status}"]
            whole = found[f"{ALL_HOUSEHOLDS}|{status}"]
            values[f"{status}_h"] = households
            values[f"{status}_rate"] = None if code == ALL_HOUSEHOLDS else _rate(households, whole)
        rows.append((values, code == ALL_HOUSEHOLDS))
    body = _given_rows(rows)
    return _table(
        spec,
        year,
        tuple(columns),
        body,
        totals=False,
        notes=(spec["note"],),
    )


# --- 11. children ------------------------------------------------------------------------------


def _children_table(
    spec: Mapping[str, Any],
    year: int,
    villages: Sequence[counts.VillageCounts],
    members: Sequence[store.ListedMember],
    standard: Standard,
    on: date,
) -> Table:
    rules = _settings()["children"]
    under = rules["under_age"]
    indicator = next((i for i in standard.indicators if i.id == "child_schooling"), None)
    schooling = indicator.params if indicator else {}
    school_from, school_under = schooling.get("from_age", 0), schooling.get("under_age", under)
    by_village: dict[int, Counter[str]] = {}
    for member in members:
        age = age_at(member.birth_date, on)
        if age >= under:
            continue
        counter = by_village.setdefault(member.village_id, Counter())
        status = member.status
        counter[f"{status}_total"] += 1
        counter[f"{status}_uninsured"] += member.has_health_insurance == 0
        counter[f"{status}_malnourished"] += member.malnourished == 1
        counter[f"{status}_out_of_school"] += (
            school_from <= age < school_under and member.schooling in rules["out_of_school"]
        )
    words = spec["columns"]
    columns = [Column("name", heading("village"), "label")]
    for status in LISTED:
        group = f"Trẻ em trong {LIST_LABELS[status]}"
        columns += [Column(f"{status}_{key}", text, group=group) for key, text in words.items()]

    return _counted_table(
        spec,
        year,
        villages,
        columns,
        by_village,
        (
            f"Trẻ em: người dưới {under} tuổi tại ngày {format_date(on)} "
            f"({rules['under_age_source']})",
            rules["out_of_school_note"].format(
                from_age=school_from,
                under_age=school_under,
                indicator=indicator.name if indicator else "",
                standard=standard.name,
            ),
        ),
    )


# --- all of them -------------------------------------------------------------------------------


def summary_tables(db: sqlite_utils.Database, round_id: int) -> SummaryTables:
    """The summary tables of a recognised round's year (SummaryTablesError when the round is
    not recognised or its figures cannot be computed)."""
    found = get_round(db, round_id)
    year = found.year
    if not found.decision_number or not store.year_has_statuses(db, year):
        raise SummaryTablesError(
            tr(
                "Đợt rà soát năm {year} (mã {round_id}) chưa được công nhận: chưa có quyết định "
                "công nhận và danh sách hộ nghèo, hộ cận nghèo của năm, nên chưa lập được các biểu "
                "tổng hợp.",
                year=year,
                round_id=round_id,
            )
        )
    try:
        figures = report_figures(db, "annual", str(year))
        standard = found.standard
    except (FiguresError, StandardError) as error:
        raise SummaryTablesError(
            tr("Chưa lập được các biểu tổng hợp năm {year}: {error}", year=year, error=error)
        ) from error
    on = found.reference_date
    villages = counts.village_counts(db)
    listed = as_of.year_list_households_on(db, year, round_id, figures.end.on)
    average = {c.village_id: c for c in as_of.status_counts_on(db, figures.end.on, "average")}
    deprivations = _deprivations(db, found, listed)
    made = []
    for table_id, spec in table_specs().items():
        if table_id == "results_by_village":
            made.append(_results_table(spec, year, villages, figures, average))
        elif table_id.endswith("_movements"):
            made.append(_movements_table(spec, year, villages, figures))
        elif "measure" in spec:
            made.append(_deprivation_table(spec, year, villages, standard, deprivations))
        elif table_id == "groups":
            made.append(_groups_table(spec, year, figures))
        elif table_id == "ethnicity":
            made.append(_ethnicity_table(spec, year, villages, listed))
        elif table_id == "causes":
            made.append(_causes_table(spec, year, listed))
        elif table_id == "children":
            made.append(
                _children_table(
                    spec,
                    year,
                    villages,
                    as_of.year_list_members_on(db, year, figures.end.on),
                    standard,
                    on,
                )
            )
        else:
            raise SummaryTablesError(
                tr("Tệp forms/review/summary-tables.json: không biết biểu {table}", table=table_id)
            )
    decision = (found.decision_number, found.decision_date)
    return SummaryTables(round_id, year, standard.id, on, decision, tuple(made))


# --- the document and the files ----------------------------------------------------------------


def summary_document(
    db: sqlite_utils.Database, tables: SummaryTables, on: date | None = None
) -> OfficialDocument:
    """The tables as annexes of a short report of the commune (PDF), landscape A4."""
    settings = _settings()["document"]
    who = issuer(db)
    header = default_header(db, on or date.today())
    number, decided = tables.decision or ("", None)
    decision = ""
    if number:
        when = f" ngày {format_date(date.fromisoformat(decided))}" if decided else ""
        decision = f" theo Quyết định số {number}{when} của Chủ tịch Ủy ban nhân dân {who.commune}"
    subject = settings["subject"].format(year=tables.year, commune=who.commune)
    body: list[Block] = [
        TextParagraph(
            settings["opening"].format(year=tables.year, decision=decision, issuer=who.name)
        ),
        *(
            Bullet(f"Phụ lục {ROMAN[i]}: {t.title[:1].lower()}{t.title[1:]};")
            for i, t in enumerate(tables.tables)
        ),
        TextParagraph(f"{who.name} kính báo cáo./."),
    ]
    annexes = tuple(
        Annex(
            ROMAN[i],
            table.title,
            (
                *(
                    TextParagraph(note, align="center", indent=False, italic=True)
                    for note in table.notes
                ),
                data_table(table),
            ),
            landscape=True,
        )
        for i, table in enumerate(tables.tables)
    )
    return OfficialDocument(
        parent_body=who.parent_body,
        issuing_office=who.office,
        number_symbol=number_symbol(None, settings["symbol"]),
        place=who.place,
        date=header.date,
        kind=settings["kind"],
        subject=subject,
        body=tuple(body),
        recipients_to=(who.receiver,),
        annexes=annexes,
        recipients=header.recipients,
        signatures=(signature(db, "review_tables", header.signer_title, header.signer_name),),
        issuer_name=who.name,
    )


@dataclass(frozen=True)
class WrittenTables:
    tables: SummaryTables
    files: tuple[Path, ...] = field(default=())


def export_summary_tables(
    db: sqlite_utils.Database,
    round_id: int,
    folder: str | Path,
    *,
    formats: str = "both",
    on: date | None = None,
    progress: Progress | None = None,
) -> WrittenTables:
    """Write the round's summary tables into ``folder`` as <stem>.xlsx and/or <stem>.pdf.

    Every movement table is checked first (``check_identities``): a table that does not add up
    writes nothing. The files are written aside and renamed into place together at the end."""
    if formats not in FORMATS:
        raise SummaryTablesError(
            tr(
                "Định dạng “{format}” không có (có: {formats}).",
                format=formats,
                formats=", ".join(FORMATS),
            )
        )
    folder = Path(folder)
    if not folder.is_dir():
        raise SummaryTablesError(tr("Không có thư mục {folder} để ghi các biểu.", folder=folder))
    report = progress or (lambda done, total, message="": None)
    report(0, 3, tr("Đang tính số liệu các biểu…"))
    tables = summary_tables(db, round_id)
    check_identities(tables.tables)
    document = summary_document(db, tables, on)
    stem = _settings()["document"]["file_stem"].format(year=tables.year)
    wanted = ("xlsx", "pdf") if formats == "both" else (formats,)
    finals = {kind: folder / f"{stem}.{kind}" for kind in wanted}
    aside = {kind: folder / f".{path.name}.dang-ghi" for kind, path in finals.items()}
    try:
        if "xlsx" in aside:
            report(1, 3, tr("Đang ghi tệp Excel…"))
            workbook = xlsx.new_workbook()
            for table in tables.tables:
                heading = annex_heading(document, table, *table.notes, table.unit)
                xlsx.write_table(workbook, table, heading)
            xlsx.save_workbook(workbook, aside["xlsx"])
        if "pdf" in aside:
            report(2, 3, tr("Đang ghi văn bản PDF…"))
            write_pdf(document, aside["pdf"])
        for kind, path in aside.items():
            os.replace(path, finals[kind])
    finally:
        for path in aside.values():
            path.unlink(missing_ok=True)
    report(3, 3, tr("Đã ghi các biểu tổng hợp"))
    return WrittenTables(tables, tuple(finals.values()))
