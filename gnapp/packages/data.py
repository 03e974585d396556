"""The machine-readable data of a package: the report's figures by village and indicator
(figures.json) and, when the level above asks for them, the household lists
(households.json). Formats in docs/package-format.md.

``report_data`` writes the counts a ``ReportFigures`` is made of, never its rates;
``figures_from_data`` rebuilds the figures from them, computing every total and rate again, so
the office adds communes up from their parts (``consolidated_data``) rather than averaging.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from gnapp.core.movements import LISTED, MOVEMENT_LABELS
from gnapp.i18n import Sentence, tr_noop
from gnapp.packages.canonical import FormatError, exact_keys, field, parse_json
from gnapp.reporting.figures import (
    GROUP_LABELS,
    LIST_LABELS,
    LIST_MOVEMENTS,
    OTHER_DOWN,
    OTHER_UP,
    REDUCTION_TARGETS,
    Count,
    FiguresError,
    GroupFigures,
    ListFigures,
    Movements,
    ReportFigures,
    ServiceFigure,
    Snapshot,
    UnitLists,
    UnitMovements,
    achieved_values,
    budget_figures,
    parse_period,
    percent,
    period_goals,
    report_kind,
    target_figure,
)
from gnapp.store import figures as counts
from gnapp.store.lists import LIST_KINDS, list_households
from gnapp.store.overview import status_years
from gnapp.store.programme import programme_ids

DATA_FORMAT = "gnapp-report-data"
HOUSEHOLDS_FORMAT = "gnapp-household-lists"
FORMAT_VERSION = 1  # the household lists'
# figures.json: version 2 adds the movement tables' "other" columns (the register's events),
# version 3 the households, members and ethnic-minority households at the start point (the
# register changes between the two points), version 4 each budget line's "undated": paid in a
# half-year's year on a day not recorded, outside its "disbursed", version 5 the workers trained
# among the members of working age (service.workers_trained_share); an older file is read as the
# current version with the other columns 0, the start's households those of the end, (_upgrade)
# a half-year's disbursement, which was its year's, as undated, and no worker's answer (not
# measured)
DATA_VERSION = 5
POINTS = {"start": "đầu kỳ", "end": "cuối kỳ"}
WHO = {"households": tr_noop("hộ"), "members": tr_noop("người")}
OTHER_COLUMNS = {
    OTHER_DOWN: "Khác (chuyển đi, tách hộ, …)",
    OTHER_UP: "Khác (chuyển đến, tách hộ, …)",
}
MOVEMENT_COLUMNS = (*LIST_MOVEMENTS["poor"], *OTHER_COLUMNS)
SERVICES = (
    ("health_insurance_share", "người"),
    ("school_attendance_share", "người"),
    ("clean_water_share", "hộ"),
    ("hygienic_latrine_share", "hộ"),
    ("information_access_share", "hộ"),
    ("workers_trained_share", "người"),
)
SERVICE_PARTS = {"count": "có", "base": "đã trả lời", "unknown": "chưa có thông tin"}
GROUPS = ("total", *GROUP_LABELS)
MAX_VALUE = 10**12  # đồng of a budget line; every count is far below
MAX_VILLAGES = 1000
_AREAS = ("rural", "urban")


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    level: str  # "village": one value per village; "commune": one for the commune


def _indicators() -> tuple[Indicator, ...]:
    found = [
        Indicator("households", "Tổng số hộ", "hộ", "village"),
        Indicator("members", "Tổng số nhân khẩu", "người", "village"),
        Indicator("ethnic_minority_households", "Số hộ dân tộc thiểu số", "hộ", "village"),
        Indicator("start.households", "Tổng số hộ đầu kỳ", "hộ", "village"),
        Indicator("start.members", "Tổng số nhân khẩu đầu kỳ", "người", "village"),
        Indicator(
            "start.ethnic_minority_households", "Số hộ dân tộc thiểu số đầu kỳ", "hộ", "village"
        ),
    ]
    for point, when in POINTS.items():
        for status, label in LIST_LABELS.items():
            found += [
                Indicator(f"{point}.{status}.households", f"Số {label} {when}", "hộ", "village"),
                Indicator(
                    f"{point}.{status}.members", f"Nhân khẩu {label} {when}", "người", "village"
                ),
                Indicator(
                    f"{point}.{status}.ethnic_minority",
                    f"Số {label} là hộ dân tộc thiểu số {when}",
                    "hộ",
                    "village",
                ),
            ]
    for status, columns in LIST_MOVEMENTS.items():
        labels = {column: MOVEMENT_LABELS[movement] for column, movement in columns.items()}
        for column, label in (labels | OTHER_COLUMNS).items():
            for who, unit in WHO.items():
                found.append(
                    Indicator(
                        f"movement.{status}.{column}.{who}",
                        f"{LIST_LABELS[status].capitalize()}: {label}",
                        unit,
                        "village",
                    )
                )
    for status in LISTED:
        for group in GROUPS:
            name = "tổng số" if group == "total" else GROUP_LABELS[group]
            for who, unit in WHO.items():
                found.append(
                    Indicator(
                        f"group.{status}.{group}.{who}",
                        f"{LIST_LABELS[status].capitalize()}, {name}",
                        unit,
                        "commune",
                    )
                )
    for code, unit in SERVICES:
        for part, label in SERVICE_PARTS.items():
            found.append(Indicator(f"service.{code}.{part}", f"{code}: {label}", unit, "commune"))
    return tuple(found)


INDICATORS = _indicators()
_OTHER_CODES = frozenset(
    f"movement.{status}.{column}.{who}" for status in LISTED for column in OTHER_COLUMNS
    for who in WHO
)  # fmt: skip
# The start point's units (version 3), each with the end's code an older file gives it from.
_START_CODES = {
    f"start.{code}": code for code in ("households", "members", "ethnic_minority_households")
}
# The service counts version 4 added.
_WORKERS_CODES = frozenset(f"service.workers_trained_share.{part}" for part in SERVICE_PARTS)
VILLAGE_INDICATORS = tuple(i.code for i in INDICATORS if i.level == "village")
COMMUNE_INDICATORS = tuple(i.code for i in INDICATORS if i.level == "commune")


class DataError(FormatError):
    """Package data that cannot be read or does not add up (Vietnamese message)."""


# --- writing ---------------------------------------------------------------------------------


def _unit_values(start: UnitLists, end: UnitLists, moved: UnitMovements) -> dict[str, int]:
    values = {
        "households": end.households,
        "members": end.members,
        "ethnic_minority_households": end.ethnic_minority_households,
        "start.households": start.households,
        "start.members": start.members,
        "start.ethnic_minority_households": start.ethnic_minority_households,
    }
    for point, unit in (("start", start), ("end", end)):
        for status in LISTED:
            listed: ListFigures = getattr(unit, status)
            values[f"{point}.{status}.households"] = listed.households
            values[f"{point}.{status}.members"] = listed.members
            values[f"{point}.{status}.ethnic_minority"] = listed.ethnic_minority
    for status in LISTED:
        movements: Movements = getattr(moved, status)
        for column in MOVEMENT_COLUMNS:
            count: Count = getattr(movements, column)
            values[f"movement.{status}.{column}.households"] = count.households
            values[f"movement.{status}.{column}.members"] = count.members
    return values


def report_data(
    figures: ReportFigures, commune: Mapping[str, Any], village_codes: Mapping[int, str]
) -> dict[str, Any]:
    """The figures as package data; ``commune`` is the commune row (code, name, kind, province)
    and ``village_codes`` maps the figures' village ids to the villages' codes."""
    starts = {v.village_id: v for v in figures.start.villages}
    moved = {m.village_id: m for m in figures.movements}
    measured = dict(figures.outputs.measured) if figures.outputs is not None else {}
    villages = []
    for end in figures.end.villages:
        if end.village_id is None or end.village_id not in village_codes:
            raise DataError(
                tr_noop("{village} trong báo cáo không còn trong danh sách thôn của xã."),
                village=end.name,
            )
        villages.append(
            {
                "code": village_codes[end.village_id],
                "name": end.name,
                "area": end.area,
                "values": _unit_values(starts[end.village_id], end, moved[end.village_id]),
            }
        )
    commune_values: dict[str, int] = {}
    for found in figures.groups:
        for group, count in (("total", found.total), *found.groups):
            commune_values[f"group.{found.status}.{group}.households"] = count.households
            commune_values[f"group.{found.status}.{group}.members"] = count.members
    for service in figures.services:
        for part in SERVICE_PARTS:
            commune_values[f"service.{service.code}.{part}"] = getattr(service, part)
    return {
        "format": DATA_FORMAT,
        "format_version": DATA_VERSION,
        "commune": {
            "code": commune["code"],
            "name": commune["name"],
            "kind": commune["kind"],
            "province": commune["province"],
        },
        "report": {"kind": figures.kind, "period": figures.period.code},
        "points": {
            "start_year": figures.start.year,
            "end_year": figures.end.year,
            "end_is_current": figures.end.current,
            "movement_years": list(figures.movement_years),
        },
        "indicators": [
            {"code": i.code, "label": i.label, "unit": i.unit, "level": i.level} for i in INDICATORS
        ],
        "villages": villages,
        "commune_values": commune_values,
        "targets": [
            {
                "code": t.code,
                "label": t.label,
                "unit": t.unit,
                "direction": t.direction,
                "target": t.target,
                "years": list(t.years),
                "decision_number": t.decision_number,
                # a reduction target is a year's: that year's reduction (households); a
                # target the activities measure: the persons they reached; the others are
                # computed from the counts
                "achieved": int(t.achieved)
                if t.achieved is not None and (t.code in REDUCTION_TARGETS or t.code in measured)
                else None,
            }
            for t in figures.targets
        ],
        "budget": {
            "first": figures.budget.first,
            "last": figures.budget.last,
            "lines": [
                {
                    "programme": line.programme_id,
                    "project": line.project_code,
                    "source": line.funding_source,
                    "allocated": line.allocated,
                    "disbursed": line.disbursed,
                    "undated": line.undated,
                }
                for line in figures.budget.lines
            ],
        },
    }


def data_bytes(data: Mapping[str, Any]) -> bytes:
    """A data file's bytes: UTF-8 JSON, keys sorted, indented for a person to read."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def household_data(
    db: sqlite_utils.Database, figures: ReportFigures, commune: Mapping[str, Any]
) -> dict[str, Any]:
    """The lists (poor, near-poor, escaped) of the report's end year: the year's recognised
    lists, or for a report on the current state the latest year with lists up to it."""
    year = figures.end.year
    if figures.end.current:
        year = max((y for y in status_years(db) if y <= year), default=year)
    lists = {}
    for kind in LIST_KINDS:
        lists[kind] = [
            {
                "code": h.code,
                "village": h.village.code,
                "address": h.address,
                "head_name": h.head_name,
                "head_birth_date": h.head_birth_date,
                "head_sex": h.head_sex,
                "head_ethnicity": h.head_ethnicity,
                "head_citizen_id": h.head_citizen_id,
                "members": h.members,
                "ethnic_minority": h.ethnic_minority,
                "without_working_capacity": h.without_working_capacity,
                "revolution_merit": h.revolution_merit,
                "social_assistance": h.social_assistance,
                "status": h.status,
                "movement": h.movement,
                "note": h.note,
            }
            for h in list_households(db, year, kind)
        ]
    return {
        "format": HOUSEHOLDS_FORMAT,
        "format_version": FORMAT_VERSION,
        "commune": {"code": commune["code"], "name": commune["name"]},
        "year": year,
        "lists": lists,
    }


# --- reading ---------------------------------------------------------------------------------

_WHAT = Sentence(tr_noop("Số liệu (figures.json)"))


def _int(obj: Mapping[str, Any], key: str, what: Sentence | str) -> int:
    value = field(obj, key, int, what)
    if not 0 <= value <= MAX_VALUE:
        raise DataError(tr_noop("{what}: “{key}” ngoài giới hạn."), what=what, key=key)
    return value


def _values(raw: Any, codes: Sequence[str], what: Sentence | str) -> dict[str, int]:
    exact_keys(raw, set(codes), what)
    return {code: _int(raw, code, what) for code in codes}


def _year(obj: Mapping[str, Any], key: str, what: Sentence | str) -> int:
    value = field(obj, key, int, what)
    if not 1900 <= value <= 2200:
        raise DataError(tr_noop("{what}: năm “{key}” không hợp lệ."), what=what, key=key)
    return value


def read_report_data(content: bytes) -> dict[str, Any]:
    """figures.json parsed strictly (every field, type and bound) and checked to add up: for
    each village and list, end = start − decreases + increases."""
    try:
        data = parse_json(content, _WHAT)
        _check(data)
    except FormatError as error:
        raise DataError(error.sentence) from None
    return data


def _upgrade(data: dict[str, Any]) -> None:
    """An older figures.json as the current version: its indicators when they are its version's,
    the "other" columns 0 on every village (version 1), the start's households, members and
    ethnic-minority households those of the end (versions 1 and 2), the workers' service counts
    0 (before version 5: no answer, not measured), as such a file was read; before version 4 a
    budget line's disbursement was its years' whole, so a half-year's is said as undated rather
    than passed off as the half-year's (the checks that follow refuse anything else)."""
    version = data["format_version"]
    _upgrade_indicators(data, version)
    budget = data.get("budget")
    if isinstance(budget, dict) and isinstance(budget.get("lines"), list):
        report = data.get("report")
        period = report.get("period") if isinstance(report, dict) else None
        half_year = isinstance(period, str) and period.upper().endswith("-H1")
        for line in budget["lines"]:
            if isinstance(line, dict) and "undated" not in line:
                line["undated"] = line.get("disbursed", 0) if half_year else 0
                if half_year:
                    line["disbursed"] = 0
    data["format_version"] = DATA_VERSION


def _upgrade_indicators(data: dict[str, Any], version: int) -> None:
    added = {
        *_WORKERS_CODES,
        *(_START_CODES if version < 3 else ()),
        *(_OTHER_CODES if version == 1 else ()),
    }
    indicators = data.get("indicators")
    codes = [i.get("code") if isinstance(i, dict) else None for i in indicators or []]
    if codes != [i.code for i in INDICATORS if i.code not in added]:
        return
    data["indicators"] = [
        {"code": i.code, "label": i.label, "unit": i.unit, "level": i.level} for i in INDICATORS
    ]
    for village in data.get("villages") or []:
        if isinstance(village, dict) and isinstance(values := village.get("values"), dict):
            if version == 1:
                values |= dict.fromkeys(_OTHER_CODES, 0)
            if version < 3:
                values |= {
                    start: values[end] for start, end in _START_CODES.items() if end in values
                }
    if isinstance(commune_values := data.get("commune_values"), dict):
        commune_values |= dict.fromkeys(_WORKERS_CODES, 0)
    if version == 1:
        for target in data.get("targets") or []:
            if isinstance(target, dict):
                target["achieved"] = None  # version 1: computed from the period's counts


def current_report_data(data: dict[str, Any]) -> dict[str, Any]:
    """Data stored as it was received (checked then by ``read_report_data``), in the current
    version: an older file upgraded as a reader reads it."""
    if data["format_version"] < DATA_VERSION:
        _upgrade(data)
    return data


def _check(data: dict[str, Any]) -> None:
    exact_keys(
        data,
        {"format", "format_version", "commune", "report", "points", "indicators", "villages"}
        | {"commune_values", "targets", "budget"},
        _WHAT,
    )
    if data["format"] != DATA_FORMAT or data["format_version"] not in (1, 2, 3, 4, DATA_VERSION):
        raise DataError(tr_noop("{what}: định dạng hoặc phiên bản không hỗ trợ."), what=_WHAT)
    if data["format_version"] < DATA_VERSION:
        _upgrade(data)
    exact_keys(
        data["commune"],
        {"code", "name", "kind", "province"},
        Sentence(tr_noop("Số liệu (figures.json), xã")),
    )
    for key in ("code", "name", "kind", "province"):
        field(data["commune"], key, str, Sentence(tr_noop("Số liệu (figures.json), xã")))
    exact_keys(
        data["report"], {"kind", "period"}, Sentence(tr_noop("Số liệu (figures.json), báo cáo"))
    )
    try:
        report_kind(field(data["report"], "kind", str, _WHAT))
        period = parse_period(field(data["report"], "period", str, _WHAT))
    except FiguresError as error:
        raise DataError(tr_noop("{what}: {error}"), what=_WHAT, error=error) from None
    points = data["points"]
    exact_keys(points, {"start_year", "end_year", "end_is_current", "movement_years"}, _WHAT)
    start, end = _year(points, "start_year", _WHAT), _year(points, "end_year", _WHAT)
    field(points, "end_is_current", bool, _WHAT)
    years = field(points, "movement_years", list, _WHAT)
    if years != list(range(start + 1, end + 1)) or end > period.last:
        raise DataError(tr_noop("{what}: các năm của kỳ báo cáo không khớp nhau."), what=_WHAT)
    indicators = field(data, "indicators", list, _WHAT)
    codes = [i.get("code") if isinstance(i, dict) else None for i in indicators]
    if codes != [i.code for i in INDICATORS]:
        raise DataError(
            tr_noop("{what}: danh sách chỉ số khác với định dạng phiên bản {version}."),
            what=_WHAT,
            version=data["format_version"],
        )
    villages = field(data, "villages", list, _WHAT)
    if not 1 <= len(villages) <= MAX_VILLAGES:
        raise DataError(tr_noop("{what}: số thôn không hợp lệ."), what=_WHAT)
    seen = set()
    for village in villages:
        what = Sentence(tr_noop("Số liệu (figures.json), thôn"))
        exact_keys(village, {"code", "name", "area", "values"}, what)
        code = field(village, "code", str, what)
        what = Sentence(
            tr_noop("Số liệu (figures.json), {village}"),
            village=field(village, "name", str, what)[:60],
        )
        if code in seen or village["area"] not in _AREAS:
            raise DataError(tr_noop("{what}: mã thôn trùng hoặc khu vực không hợp lệ."), what=what)
        seen.add(code)
        values = _values(village["values"], VILLAGE_INDICATORS, what)
        for status in LISTED:
            for who in WHO:
                moved = {c: values[f"movement.{status}.{c}.{who}"] for c in MOVEMENT_COLUMNS}
                expected = (
                    values[f"start.{status}.{who}"]
                    - moved["to_other_list"]
                    - moved["escaped"]
                    - moved[OTHER_DOWN]
                    + moved["from_other_list"]
                    + moved["fell_back"]
                    + moved["newly"]
                    + moved[OTHER_UP]
                )
                if values[f"end.{status}.{who}"] != expected:
                    raise DataError(
                        tr_noop(
                            "{what}: số hộ nghèo cuối kỳ ({who}) không bằng đầu kỳ − giảm + tăng."
                        )
                        if status == "poor"
                        else tr_noop(
                            "{what}: số hộ cận nghèo cuối kỳ ({who}) không bằng "
                            "đầu kỳ − giảm + tăng."
                        ),
                        what=what,
                        who=Sentence(WHO[who]),
                    )
    _values(
        data["commune_values"],
        COMMUNE_INDICATORS,
        Sentence(tr_noop("Số liệu (figures.json), số liệu chung")),
    )
    for target in field(data, "targets", list, _WHAT):
        what = Sentence(tr_noop("Số liệu (figures.json), chỉ tiêu"))
        exact_keys(
            target,
            {"code", "label", "unit", "direction", "target", "years", "decision_number"}
            | {"achieved"},
            what,
        )
        for key in ("code", "label", "unit"):
            field(target, key, str, what)
        if target["direction"] not in ("at_least", "at_most"):
            raise DataError(tr_noop("{what}: hướng chỉ tiêu không hợp lệ."), what=what)
        field(target, "target", (int, float), what)
        years = field(target, "years", list, what)
        if not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
            raise DataError(tr_noop("{what}: năm không hợp lệ."), what=what)
        field(target, "decision_number", (str, type(None)), what)
        field(target, "achieved", (int, type(None)), what)
    budget = data["budget"]
    exact_keys(
        budget, {"first", "last", "lines"}, Sentence(tr_noop("Số liệu (figures.json), kinh phí"))
    )
    _year(budget, "first", _WHAT)
    _year(budget, "last", _WHAT)
    programmes = programme_ids()
    for line in field(budget, "lines", list, _WHAT):
        what = Sentence(tr_noop("Số liệu (figures.json), kinh phí"))
        exact_keys(
            line, {"programme", "project", "source", "allocated", "disbursed", "undated"}, what
        )
        for key in ("programme", "project", "source"):
            field(line, key, str, what)
        if line["programme"] not in programmes:
            raise DataError(
                tr_noop("{what}: chương trình “{programme}” không có."),
                what=what,
                programme=line["programme"][:40],
            )
        _int(line, "allocated", what)
        _int(line, "disbursed", what)
        _int(line, "undated", what)


def read_household_data(content: bytes) -> dict[str, Any]:
    """households.json parsed strictly enough to store and show."""
    what = Sentence(tr_noop("Danh sách hộ (households.json)"))
    try:
        data = parse_json(content, what)
        exact_keys(data, {"format", "format_version", "commune", "year", "lists"}, what)
        if data["format"] != HOUSEHOLDS_FORMAT or data["format_version"] != FORMAT_VERSION:
            raise DataError(tr_noop("{what}: định dạng hoặc phiên bản không hỗ trợ."), what=what)
        _year(data, "year", what)
        exact_keys(data["commune"], {"code", "name"}, what)
        exact_keys(data["lists"], set(LIST_KINDS), what)
        for rows in data["lists"].values():
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise DataError(tr_noop("{what}: danh sách không hợp lệ."), what=what)
    except FormatError as error:
        raise DataError(error.sentence) from None
    return data


# --- rebuilding the figures ------------------------------------------------------------------


def _count(values: Mapping[str, int], prefix: str) -> Count:
    return Count(values[f"{prefix}.households"], values[f"{prefix}.members"])


def _unit_lists(
    village_id: int | None, name: str, area: str | None, values: Mapping[str, int], point: str
) -> UnitLists:
    """The unit's lists at ``point``, each rate over that point's households."""
    of_point = "start." if point == "start" else ""
    households = values[f"{of_point}households"]
    members = values[f"{of_point}members"]
    minority = values[f"{of_point}ethnic_minority_households"]
    lists = {
        status: ListFigures(
            households=values[f"{point}.{status}.households"],
            members=values[f"{point}.{status}.members"],
            rate=percent(values[f"{point}.{status}.households"], households) or 0.0,
            ethnic_minority=values[f"{point}.{status}.ethnic_minority"],
            ethnic_minority_rate=percent(values[f"{point}.{status}.ethnic_minority"], minority)
            or 0.0,
        )
        for status in LISTED
    }
    return UnitLists(
        village_id,
        name,
        area,
        households,
        members,
        minority,
        lists["poor"],
        lists["near_poor"],
    )


def _unit_movements(
    village_id: int | None, name: str, area: str | None, values: Mapping[str, int]
) -> UnitMovements:
    lists = {
        status: Movements(
            start=_count(values, f"start.{status}"),
            end=_count(values, f"end.{status}"),
            **{c: _count(values, f"movement.{status}.{c}") for c in MOVEMENT_COLUMNS},
        )
        for status in LISTED
    }
    return UnitMovements(village_id, name, area, lists["poor"], lists["near_poor"])


def _summed(rows: Sequence[Mapping[str, int]], codes: Sequence[str]) -> dict[str, int]:
    return {code: sum(row[code] for row in rows) for code in codes}


def figures_from_data(data: Mapping[str, Any]) -> ReportFigures:
    """The report's figures rebuilt from package data (read by ``read_report_data``): totals
    are sums of the villages and every rate is computed again from the counts. Villages get
    ids 1, 2, … in their order."""
    villages = data["villages"]
    points = data["points"]
    units = [
        (number, v["name"], v["area"], v["values"]) for number, v in enumerate(villages, start=1)
    ]
    total = _summed([v["values"] for v in villages], VILLAGE_INDICATORS)
    snapshots = {
        point: Snapshot(
            points[f"{point}_year"],
            point == "end" and points["end_is_current"],
            tuple(_unit_lists(*unit, point) for unit in units),
            _unit_lists(None, "", None, total, point),
        )
        for point in POINTS
    }
    commune_movements = _unit_movements(None, "", None, total)
    values = data["commune_values"]
    services = tuple(
        ServiceFigure(
            code,
            unit,
            values[f"service.{code}.count"],
            values[f"service.{code}.base"],
            values[f"service.{code}.unknown"],
            percent(values[f"service.{code}.count"], values[f"service.{code}.base"]),
        )
        for code, unit in SERVICES
    )
    achieved = achieved_values(snapshots["end"].commune, commune_movements, services)
    budget = data["budget"]
    period = parse_period(data["report"]["period"])
    return ReportFigures(
        kind=data["report"]["kind"],
        period=period,
        commune=counts.CommuneCounts(
            name=data["commune"]["name"],
            kind=data["commune"]["kind"],
            villages=len(villages),
            rural_villages=sum(v["area"] == "rural" for v in villages),
            urban_villages=sum(v["area"] == "urban" for v in villages),
            households=total["households"],
            members=total["members"],
        ),
        start=snapshots["start"],
        end=snapshots["end"],
        movement_years=tuple(points["movement_years"]),
        movements=tuple(_unit_movements(*unit) for unit in units),
        commune_movements=commune_movements,
        services=services,
        targets=tuple(
            target_figure(
                t["code"],
                t,
                float(t["target"]),
                tuple(t["years"]),
                t["decision_number"],
                achieved.get(t["code"]) if t["achieved"] is None else t["achieved"],
                judged=not points["end_is_current"],
            )
            for t in data["targets"]
        ),
        groups=tuple(
            GroupFigures(
                status,
                _count(values, f"group.{status}.total"),
                tuple((g, _count(values, f"group.{status}.{g}")) for g in GROUP_LABELS),
            )
            for status in LISTED
        ),
        budget=budget_figures(
            budget["first"],
            budget["last"],
            [
                counts.BudgetCounts(
                    line["programme"],
                    line["project"],
                    line["source"],
                    line["allocated"],
                    line["disbursed"],
                    line["undated"],
                )
                for line in budget["lines"]
            ],
        ),
        goals=period_goals(period, snapshots["start"], snapshots["end"])
        if period.shape == "span"
        else (),
    )


# --- adding communes up ----------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One commune's data in a consolidation."""

    code: str
    name: str
    data: Mapping[str, Any]


def consolidated_data(parts: Sequence[Part], name: str, kind: str, province: str) -> dict[str, Any]:
    """Data whose "villages" are the communes (each the sum of its villages), whose commune
    values are the sums over the communes, with the reduction targets and the budget lines
    added up; the figures rebuilt from it recompute every rate from these sums. The report,
    period and list points are the first part's (the caller checks they agree)."""
    first = parts[0].data
    targets: dict[str, dict[str, Any]] = {}
    for part in parts:
        for target in part.data["targets"]:
            if target["code"] not in REDUCTION_TARGETS:
                continue  # a rate or share target of one commune does not add up
            # a year's target with the year's target, a reduction adds up over communes
            of_year = f"{target['code']}.{target['years']}"
            summed = targets.setdefault(
                of_year, {**target, "target": 0.0, "decision_number": None, "achieved": 0}
            )
            summed["target"] += float(target["target"])
            if summed["achieved"] is not None and target["achieved"] is not None:
                summed["achieved"] += target["achieved"]
            else:
                summed["achieved"] = None
    lines: dict[tuple[str, str, str], dict[str, Any]] = {}
    for part in parts:
        for line in part.data["budget"]["lines"]:
            key = (line["programme"], line["project"], line["source"])
            summed = lines.setdefault(key, {**line, "allocated": 0, "disbursed": 0, "undated": 0})
            for amount in ("allocated", "disbursed", "undated"):
                summed[amount] += line[amount]
    return {
        **{k: first[k] for k in ("format", "format_version", "report", "points", "indicators")},
        "commune": {"code": "", "name": name, "kind": kind, "province": province},
        "villages": [
            {
                "code": part.code,
                "name": part.name,
                "area": None,
                "values": _summed([v["values"] for v in part.data["villages"]], VILLAGE_INDICATORS),
            }
            for part in parts
        ],
        "commune_values": _summed([p.data["commune_values"] for p in parts], COMMUNE_INDICATORS),
        "targets": sorted(
            targets.values(), key=lambda t: (REDUCTION_TARGETS.index(t["code"]), t["years"])
        ),
        "budget": {
            "first": min(p.data["budget"]["first"] for p in parts),
            "last": max(p.data["budget"]["last"] for p in parts),
            "lines": [lines[key] for key in sorted(lines)],
        },
    }
