"""The progress reports' figures as plain data: ``report_figures(db, kind, period)`` computes
every figure from the database's counts (definitions in docs/figures.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import sqlite_utils

from gnapp.core.movements import LISTED
from gnapp.core.record import age_at
from gnapp.core.standards import Standard, load_standard
from gnapp.core.vietnamese import format_number
from gnapp.data import read_form_json
from gnapp.i18n import tr
from gnapp.reporting.figures.kinds import FiguresError, Period, parse_period, report_kind
from gnapp.reporting.figures.outputs import OutputFigures, date_range, output_figures
from gnapp.store import as_of
from gnapp.store import figures as counts
from gnapp.store.events import DECREASES as EVENTS_DOWN
from gnapp.store.official_totals import OfficialTotals, official_totals
from gnapp.store.overview import status_years
from gnapp.store.programme import programme, programme_for_year, target_giver, target_kinds

SERVICE_STANDARD = "2022-2025"  # whose indicator params define safe water, hygienic latrines, ...
LIST_LABELS = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo"}
GROUP_LABELS = {
    "ethnic_minority": "hộ dân tộc thiểu số",
    "without_working_capacity": "hộ không có khả năng lao động",
    "revolution_merit": "hộ có người có công với cách mạng",
    "social_assistance": "hộ có đối tượng bảo trợ xã hội",
    "other": "hộ khác",
}
# The movements of table 2 (poor) and table 3 (near-poor) of reports.md, by column.
LIST_MOVEMENTS: dict[str, dict[str, str]] = {
    "poor": {
        "to_other_list": "poor_to_near_poor",
        "escaped": "escaped_poverty",
        "from_other_list": "near_poor_to_poor",
        "fell_back": "fell_back_poverty",
        "newly": "newly_poor",
    },
    "near_poor": {
        "to_other_list": "near_poor_to_poor",
        "escaped": "escaped_near_poverty",
        "from_other_list": "poor_to_near_poor",
        "fell_back": "fell_back_near_poverty",
        "newly": "newly_near_poor",
    },
}
DECREASES = ("to_other_list", "escaped")
# The "other" columns (4) and (8): the register's events (gnapp.store.as_of.other_movements).
OTHER_DOWN, OTHER_UP = "other_down", "other_up"

# --- rounding ------------------------------------------------------------------------------


def percent(part: int | float, whole: int | float, decimals: int = 2) -> float | None:
    """part ÷ whole × 100, rounded half up as by hand (2,885 -> 2,89); None when whole is 0."""
    if not whole:
        return None
    exact = Decimal(str(part)) * 100 / Decimal(str(whole))
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _rate(part: int, whole: int) -> float:
    """A rate of the lists: ÷ all households × 100, two decimals (0 when there are none)."""
    return percent(part, whole) or 0.0


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    households: int
    members: int

    def __add__(self, other: Count) -> Count:
        return Count(self.households + other.households, self.members + other.members)

    def __sub__(self, other: Count) -> Count:
        return Count(self.households - other.households, self.members - other.members)


ZERO = Count(0, 0)


@dataclass(frozen=True)
class ListFigures:
    """One list in one unit: households, their members, rate (÷ all households × 100) and the
    ethnic-minority households on it with their rate (÷ the unit's ethnic-minority households)."""

    households: int
    members: int
    rate: float
    ethnic_minority: int
    ethnic_minority_rate: float


@dataclass(frozen=True)
class UnitLists:
    """A village (or the commune, village_id None) and its lists at one point."""

    village_id: int | None
    name: str
    area: str | None
    households: int
    members: int
    ethnic_minority_households: int
    poor: ListFigures
    near_poor: ListFigures


@dataclass(frozen=True)
class OfficialSource:
    """The decision a recognised year's totals are quoted from; ``corrected`` when a
    correction decision replaced the recognition's (gnapp.store.official_totals)."""

    decision_number: str
    decision_date: str
    corrected: bool
    reason: str | None
    recognition_number: str
    recognition_date: str


@dataclass(frozen=True)
class Snapshot:
    """The lists at one point: the end of a year (a recognised year's frozen official totals,
    on its decision's date; else the register as of 31/12), or (current) the register on the
    period's last day during that year."""

    year: int
    current: bool  # the register during ``year`` (on ``on``), not the year's end
    villages: tuple[UnitLists, ...]  # urban first, then rural, each in Vietnamese order
    commune: UnitLists  # the villages summed
    on: str = ""  # the day the figures are of (ISO)
    official: OfficialSource | None = None  # the decision quoted, for a recognised year


@dataclass(frozen=True)
class Movements:
    """One list's movements over the period (columns of tables 2 and 3 of reports.md)."""

    start: Count
    to_other_list: Count
    escaped: Count
    from_other_list: Count
    fell_back: Count
    newly: Count
    end: Count
    other_down: Count = ZERO  # (4): moved away, split off, merged, ended, died, left
    other_up: Count = ZERO  # (8): moved in, split from, merged in, born, joined

    @property
    def decreases(self) -> Count:
        return self.to_other_list + self.escaped + self.other_down

    @property
    def increases(self) -> Count:
        return self.from_other_list + self.fell_back + self.newly + self.other_up

    @property
    def reduction(self) -> int:
        """Households fewer on the list at the end than at the start."""
        return self.start.households - self.end.households


@dataclass(frozen=True)
class UnitMovements:
    village_id: int | None
    name: str
    area: str | None
    poor: Movements
    near_poor: Movements


@dataclass(frozen=True)
class ServiceFigure:
    """A service among the people or households on the end lists: how many have it (count) of
    those whose answer is recorded (base); unknown answers are left out of the share."""

    code: str  # the target kind it measures
    unit: str  # "người" or "hộ"
    count: int
    base: int
    unknown: int
    share: float | None


@dataclass(frozen=True)
class TargetFigure:
    """A target and what was achieved; achieved is None when the app holds no figure for it."""

    code: str
    label: str
    unit: str
    direction: str  # "at_least" | "at_most"
    target: float
    years: tuple[int, ...]
    decision_number: str | None
    achieved: float | None
    share_of_target: float | None  # "% so với chỉ tiêu", reduction targets, one decimal
    reached: bool | None  # None: no figure, or a year's target judged before the year's end
    giver: str | None = None  # "tỉnh giao", "huyện giao" (from the decision's date)


@dataclass(frozen=True)
class GroupFigures:
    """One end list by group; a household can be in several groups, "other" in none."""

    status: str
    total: Count
    groups: tuple[tuple[str, Count], ...]


@dataclass(frozen=True)
class BudgetTotal:
    """Allocated and disbursed (đồng) and the disbursement rate, for a line or a total;
    ``undated``: paid in a half-year's year on a day not recorded, outside ``disbursed``."""

    programme_id: str | None
    code: str
    name: str
    allocated: int
    disbursed: int
    rate: float | None
    undated: int = 0  # figures saved before the disbursements' days: none apart


@dataclass(frozen=True)
class BudgetLine:
    programme_id: str
    project_code: str
    project_name: str
    funding_source: str
    funding_source_name: str
    allocated: int
    disbursed: int
    rate: float | None
    undated: int = 0


@dataclass(frozen=True)
class BudgetFigures:
    """Budget execution from ``first`` to ``last``: lines per project and source, totals per
    project (a project's total includes its sub-projects), per source and overall."""

    first: int
    last: int
    lines: tuple[BudgetLine, ...]
    projects: tuple[BudgetTotal, ...]
    sources: tuple[BudgetTotal, ...]
    total: BudgetTotal


@dataclass(frozen=True)
class GoalFigure:
    """A goal of the programme over a period (forms/programmes/<id>.json, "goals"): the
    average yearly reduction of a rate from the end of ``first_year`` to the end of
    ``last_year``, in percentage points; ``goal`` None when the goal's number is not known."""

    code: str  # "poverty_rate" or "ethnic_minority_poverty_rate"
    label: str
    programme_id: str
    first_year: int
    last_year: int
    start_rate: float
    end_rate: float
    average_reduction: float | None  # None: no such households at the start
    goal: float | None
    exclusive: bool  # the goal is "more than" ``goal``
    goal_text: str | None  # as the programme writes it ("giảm 1 - 1,5%/năm")
    reached: bool | None


@dataclass(frozen=True)
class ReportFigures:
    kind: str
    period: Period
    commune: counts.CommuneCounts
    start: Snapshot
    end: Snapshot
    movement_years: tuple[int, ...]
    movements: tuple[UnitMovements, ...]
    commune_movements: UnitMovements
    services: tuple[ServiceFigure, ...]
    targets: tuple[TargetFigure, ...]
    groups: tuple[GroupFigures, ...]
    budget: BudgetFigures
    problems: tuple[str, ...] = field(default=())
    outputs: OutputFigures | None = None  # section II.2 (None in reports saved before it)
    goals: tuple[GoalFigure, ...] = field(default=())  # a period's evaluation (spans only)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-able): the dataclasses as dicts, with the period's code."""
        data = asdict(self)
        data["period"]["code"] = self.period.code
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportFigures:
        """The figures ``to_dict`` wrote (a saved report's), as they were."""
        return _rebuild(cls, data)


def _rebuild(kind: Any, value: Any) -> Any:
    """``value`` (JSON data) as the type ``kind``: dataclasses, tuples, optionals, scalars."""
    if value is None:
        return None
    if is_dataclass(kind):
        hints = get_type_hints(kind)
        # a field added since the figures were saved keeps its default
        return kind(
            **{
                f.name: _rebuild(hints[f.name], value[f.name])
                for f in fields(kind)
                if f.name in value or f.default is MISSING
            }
        )
    origin, args = get_origin(kind), get_args(kind)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_rebuild(args[0], item) for item in value)
        return tuple(_rebuild(arg, item) for arg, item in zip(args, value, strict=True))
    if origin in (UnionType, Union):
        return _rebuild(next(arg for arg in args if arg is not type(None)), value)
    if kind is float:
        return float(value)
    return value


def _list_points(db: sqlite_utils.Database, period: Period) -> tuple[int, int, bool]:
    """(start year, end year, whether the end is the register's current state)."""
    years = status_years(db)
    if period.shape == "span":
        inside = [y for y in years if period.first <= y <= period.last]
        if not inside:
            raise FiguresError(
                tr(
                    "Chưa có danh sách hộ nghèo, hộ cận nghèo nào trong {period}.",
                    period=period.label_in(tr),
                )
            )
        before = [y for y in years if y < period.first]
        start, end = (before[-1] if before else inside[0]), inside[-1]
        if start == end:
            raise FiguresError(
                tr(
                    "{period}: mới có danh sách cuối năm {end}, chưa có danh sách thứ hai để so "
                    "sánh.",
                    period=period.label_in(tr).capitalize(),
                    end=end,
                )
            )
        return start, end, False
    year = period.first
    if year - 1 not in years:
        raise FiguresError(
            tr(
                "Chưa có danh sách hộ nghèo, hộ cận nghèo cuối năm {year} để so sánh với {period}.",
                year=year - 1,
                period=period.label_in(tr),
            )
        )
    if period.shape == "year" and year not in years:
        raise FiguresError(
            tr("Chưa có danh sách hộ nghèo, hộ cận nghèo năm {year} được công nhận.", year=year)
        )
    return year - 1, year, period.shape == "half_year"


def _by_village(rows: Sequence[Any], key: str = "status") -> dict[tuple[int, str], Count]:
    """Counts keyed by (village id, the row's ``key``: status or movement)."""
    return {(r.village_id, getattr(r, key)): Count(r.households, r.members) for r in rows}


@dataclass(frozen=True)
class _Point:
    """The lists at one point as the store counts them (see ``_point``)."""

    year: int
    day: date
    current: bool
    villages: list[counts.VillageCounts]
    lists: list[counts.ListCounts]
    official: OfficialSource | None
    groups: list[counts.GroupCounts]  # as of ``day`` (not the official totals')
    services: counts.HouseholdServiceCounts  # likewise


def _point(db: sqlite_utils.Database, year: int, during: date | None = None) -> _Point:
    """The lists at the end of ``year`` — a recognised year's frozen official totals, on its
    recognition's day, else the register as of 31/12 — or on the day ``during`` that year."""
    totals = None if during else official_totals(db, year)
    if totals is not None:
        day = date.fromisoformat(totals.recognition_date)
    else:
        day = during or date(year, 12, 31)
    found = as_of.counts_on(db, day, _service_definitions())
    villages, lists, extra = found.villages, found.lists, (found.groups, found.services)
    if totals is None:
        return _Point(year, day, during is not None, villages, lists, None, *extra)
    source = OfficialSource(
        totals.decision_number,
        totals.decision_date,
        totals.corrected,
        totals.reason,
        totals.recognition_number,
        totals.recognition_date,
    )
    return _Point(year, day, False, *_quoted(totals, villages, lists), source, *extra)


def _quoted(
    totals: OfficialTotals,
    villages: Sequence[counts.VillageCounts],
    lists: Sequence[counts.ListCounts],
) -> tuple[list[counts.VillageCounts], list[counts.ListCounts]]:
    """The villages' households and members and the lists' households and persons as the
    official totals state them; the ethnic-minority households, which the totals do not hold,
    as of the decision's day."""
    official = {row.village_id: row for row in totals.villages}
    minority = {(row.village_id, row.status): row.ethnic_minority for row in lists}
    quoted_villages = [
        replace(v, households=found.households, members=found.members)
        if (found := official.get(v.village_id))
        else v
        for v in villages
    ]
    quoted_lists = [
        counts.ListCounts(
            row.village_id,
            status,
            getattr(row, status),
            getattr(row, f"{status}_members"),
            minority.get((row.village_id, status), 0),
        )
        for row in totals.villages
        for status in LISTED
        if getattr(row, status)
    ]
    return quoted_villages, quoted_lists


def _moved(db: sqlite_utils.Database, after: _Point, until: _Point) -> dict[tuple[int, str], Count]:
    """The movements between two points by (village, movement): the status changes decided in
    between, and the register's events as "other_down.<list>" / "other_up.<list>"."""
    found = _by_village(as_of.status_movements(db, after.day, until.day), "movement")
    for event in as_of.other_movements(db, after.day, until.day):
        column = OTHER_DOWN if event.kind in EVENTS_DOWN else OTHER_UP
        key = (event.village_id, f"{column}.{event.status}")
        found[key] = found.get(key, ZERO) + Count(event.households, event.members)
    return found


def _reductions(before: _Point, after: _Point) -> dict[str, int]:
    """Households fewer on each list at ``after`` than at ``before``, in the commune."""
    return {
        status: sum(r.households for r in before.lists if r.status == status)
        - sum(r.households for r in after.lists if r.status == status)
        for status in LISTED
    }


def _snapshot(point: _Point) -> Snapshot:
    villages, rows = point.villages, point.lists
    minority = {(r.village_id, r.status): r.ethnic_minority for r in rows}
    listed = _by_village(rows)

    def unit(village_id: int | None, name: str, area: str | None, ids: Sequence[int]) -> UnitLists:
        chosen = [v for v in villages if v.village_id in ids]
        households = sum(v.households for v in chosen)
        em_households = sum(v.ethnic_minority_households for v in chosen)
        lists = {}
        for status in LISTED:
            on_list = sum((listed.get((i, status), ZERO) for i in ids), ZERO)
            em = sum(minority.get((i, status), 0) for i in ids)
            lists[status] = ListFigures(
                on_list.households,
                on_list.members,
                _rate(on_list.households, households),
                em,
                _rate(em, em_households),
            )
        return UnitLists(
            village_id,
            name,
            area,
            households,
            sum(v.members for v in chosen),
            em_households,
            lists["poor"],
            lists["near_poor"],
        )

    return Snapshot(
        point.year,
        point.current,
        tuple(unit(v.village_id, v.name, v.area, [v.village_id]) for v in villages),
        unit(None, "", None, [v.village_id for v in villages]),
        point.day.isoformat(),
        point.official,
    )


def _identity_problems(
    year: int,
    current: date | None,
    villages: Sequence[counts.VillageCounts],
    before: Mapping[tuple[int, str], Count],
    after: Mapping[tuple[int, str], Count],
    moved: Mapping[tuple[int, str], Count],
) -> list[str]:
    """Check end = start − decreases + increases (table 2: 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8)
    for each list and village in one year; the Vietnamese problem for each break."""
    problems = []
    when = f"Năm {year}" + (f" (đến {current.day}/{current.month})" if current else "")
    units, _ = _movements(villages, before, after, moved)
    for unit in units:
        for status in LISTED:
            m: Movements = getattr(unit, status)
            expected = m.start - m.decreases + m.increases
            for what, word in (("households", "hộ"), ("members", "người")):
                if getattr(m.end, what) != getattr(expected, what):
                    n = {
                        name: f"{format_number(getattr(value, what))}"
                        for name, value in (
                            ("end", m.end),
                            ("start", m.start),
                            ("down", m.decreases),
                            ("up", m.increases),
                            ("expected", expected),
                        )
                    }
                    problems.append(
                        f"{when}, {unit.name}: số {LIST_LABELS[status]} cuối kỳ là {n['end']} "
                        f"{word}, nhưng đầu kỳ {n['start']} − giảm {n['down']} + tăng {n['up']} "
                        f"= {n['expected']} {word} (cột 9 phải bằng 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8)."
                    )
                    break
    return problems


def _movements(
    villages: Sequence[counts.VillageCounts],
    start: Mapping[tuple[int, str], Count],
    end: Mapping[tuple[int, str], Count],
    moved: Mapping[tuple[int, str], Count],
) -> tuple[tuple[UnitMovements, ...], UnitMovements]:
    def unit(
        village_id: int | None, name: str, area: str | None, ids: Sequence[int]
    ) -> UnitMovements:
        def part(source: Mapping[tuple[int, str], Count], key: str) -> Count:
            return sum((source.get((i, key), ZERO) for i in ids), ZERO)

        lists = {
            status: Movements(
                start=part(start, status),
                end=part(end, status),
                **{column: part(moved, movement) for column, movement in columns.items()},
                other_down=part(moved, f"{OTHER_DOWN}.{status}"),
                other_up=part(moved, f"{OTHER_UP}.{status}"),
            )
            for status, columns in LIST_MOVEMENTS.items()
        }
        return UnitMovements(village_id, name, area, lists["poor"], lists["near_poor"])

    return (
        tuple(unit(v.village_id, v.name, v.area, [v.village_id]) for v in villages),
        unit(None, "", None, [v.village_id for v in villages]),
    )


@cache
def _service_standard() -> Standard:
    """The standard whose indicators define the services (and working age)."""
    return load_standard(SERVICE_STANDARD)


@cache
def _indicator_params() -> dict[str, Any]:
    """The parameters of the service standard's indicators, by indicator."""
    return {i.id: i.params for i in _service_standard().indicators}


def _service_definitions() -> counts.ServiceDefinitions:
    indicators = _indicator_params()
    return counts.ServiceDefinitions(
        safe_water=indicators["water_source"]["safe_sources"],
        hygienic_latrines=indicators["latrine"]["hygienic_types"],
        devices=indicators["information_devices"]["devices"],
    )


def _services(db: sqlite_utils.Database, point: _Point, on: date) -> tuple[ServiceFigure, ...]:
    """The services among the households listed at ``point`` and their members then (ages on
    ``on``); the workers trained among their members of working age on ``on``."""
    homes = point.services
    people = as_of.listed_members_on(db, point.day)
    schooling = _indicator_params()["child_schooling"]
    children = [
        m
        for m in people
        if schooling["from_age"] <= age_at(m.birth_date, on) < schooling["under_age"]
    ]
    insured = [m.has_health_insurance for m in people if m.has_health_insurance is not None]
    at_school = [
        m.schooling not in schooling["deprived_schooling"] for m in children if m.schooling
    ]
    training = target_kinds()["workers_trained_share"]["measured_by_members"]
    working_age = _service_standard().working_age
    workers = [m for m in people if working_age.applies(m.birth_date, m.sex, on)]
    trained = [
        m.vocational_certificate in training["counted_certificates"]
        for m in workers
        if m.vocational_certificate is not None
    ]

    def figure(code: str, unit: str, count: int, base: int, total: int) -> ServiceFigure:
        return ServiceFigure(code, unit, count, base, total - base, percent(count, base))

    return (
        figure("health_insurance_share", "người", sum(insured), len(insured), len(people)),
        figure("school_attendance_share", "người", sum(at_school), len(at_school), len(children)),
        figure("clean_water_share", "hộ", homes.safe_water, homes.water_known, homes.households),
        figure(
            "hygienic_latrine_share",
            "hộ",
            homes.hygienic_latrine,
            homes.latrine_known,
            homes.households,
        ),
        figure(
            "information_access_share",
            "hộ",
            homes.information_access,
            homes.information_known,
            homes.households,
        ),
        figure("workers_trained_share", "người", sum(trained), len(trained), len(workers)),
    )


def achieved_values(
    end: UnitLists, movements: UnitMovements, services: Sequence[ServiceFigure]
) -> dict[str, float | None]:
    """What the app measures for each kind of target it can measure."""
    return {
        "poor_reduction": movements.poor.reduction,
        "near_poor_reduction": movements.near_poor.reduction,
        "poverty_rate": end.poor.rate,
        "near_poverty_rate": end.near_poor.rate,
        **{s.code: s.share for s in services},
    }


REDUCTION_TARGETS = ("poor_reduction", "near_poor_reduction")


def target_figure(
    code: str,
    kind: Mapping[str, str],
    target: float,
    years: tuple[int, ...],
    decision_number: str | None,
    achieved: float | None,
    giver: str | None = None,
    *,
    judged: bool = True,
) -> TargetFigure:
    """A target against what was achieved; ``kind`` gives its label, unit and direction. Not
    ``judged`` (a year's target before the year's end): neither reached nor missed."""
    reached = None
    if achieved is not None and judged:
        reached = is_reached(kind["direction"], target, achieved)
    return TargetFigure(
        code=code,
        label=kind["label"],
        unit=kind["unit"],
        direction=kind["direction"],
        target=target,
        years=years,
        decision_number=decision_number,
        achieved=achieved,
        share_of_target=percent(achieved, target, 1) if code in REDUCTION_TARGETS else None,
        reached=reached,
        giver=giver,
    )


def is_reached(direction: str, target: float, achieved: float) -> bool:
    """Whether ``achieved`` meets ``target`` in its direction (``at_least`` or ``at_most``):
    the one definition of a target met, in reports, an office's summary and the dashboard."""
    return achieved >= target if direction == "at_least" else achieved <= target


def targets_met(targets: Sequence[TargetFigure]) -> tuple[int, int]:
    """(met, with a figure): of the targets the app holds a figure for, those reached in their
    direction — the one count of "đạt x/y chỉ tiêu" of a commune's report and of an office's."""
    measured = [target for target in targets if target.achieved is not None]
    return sum(bool(target.reached) for target in measured), len(measured)


def _targets(
    db: sqlite_utils.Database,
    reductions: Mapping[int, Mapping[str, int]],
    end_year: int,
    achieved_by_code: Mapping[str, float | None],
    *,
    judged: bool,
) -> tuple[TargetFigure, ...]:
    """The targets against what was achieved: a reduction target for each year whose
    movements the period counts, against that year's reduction (``reductions``: year ->
    list -> households fewer), never summed over years; the others are the end year's. Not
    ``judged`` (before the year's end): progress, neither reached nor missed."""
    kinds = target_kinds()
    figures = []
    for row in counts.target_rows(db, {*reductions, end_year}):
        code = row["code"]
        if code in REDUCTION_TARGETS:
            if row["year"] not in reductions:
                continue
            achieved: float | None = reductions[row["year"]][code.removesuffix("_reduction")]
        elif row["year"] == end_year:
            achieved = achieved_by_code.get(code)
        else:
            continue
        figures.append(
            target_figure(
                code,
                kinds.get(code, {"label": code, "unit": row["unit"], "direction": "at_least"}),
                float(row["value"]),
                (row["year"],),
                row["decision_number"],
                achieved,
                target_giver(row["decision_date"]),
                judged=judged,
            )
        )
    order = list(kinds)
    figures.sort(key=lambda f: (order.index(f.code) if f.code in order else len(order), f.years))
    return tuple(figures)


def _groups(point: _Point) -> tuple[GroupFigures, ...]:
    found = {(g.status, g.group): Count(g.households, g.members) for g in point.groups}
    return tuple(
        GroupFigures(
            status,
            found.get((status, "total"), ZERO),
            tuple((group, found.get((status, group), ZERO)) for group in GROUP_LABELS),
        )
        for status in LISTED
    )


@cache
def _programme(programme_id: str) -> dict[str, Any]:
    return read_form_json("programmes", f"{programme_id}.json")


def budget_figures(first: int, last: int, rows: Sequence[counts.BudgetCounts]) -> BudgetFigures:
    """Budget execution from the amounts per programme, project and funding source."""
    lines, projects = [], []
    sources: dict[tuple[str, str], list[int]] = {}
    for programme_id in sorted({r.programme_id for r in rows}):
        programme = _programme(programme_id)
        source_names = {s["code"]: s["name"] for s in programme["funding_sources"]}
        mine = [r for r in rows if r.programme_id == programme_id]
        found = {(r.project_code, r.funding_source): r for r in mine}
        for project in programme["projects"]:
            names = {project["code"]: project["name"]} | {
                sub["code"]: sub["name"] for sub in project["sub_projects"]
            }
            in_project = [r for r in mine if r.project_code in names]
            if not in_project:
                continue
            projects.append(_total(programme_id, project["code"], project["name"], in_project))
            for code in list(names)[1:]:
                of_code = [r for r in in_project if r.project_code == code]
                if of_code:
                    projects.append(_total(programme_id, code, names[code], of_code))
            lines += [
                BudgetLine(
                    programme_id,
                    code,
                    names[code],
                    source,
                    source_name,
                    r.allocated,
                    r.disbursed,
                    percent(r.disbursed, r.allocated),
                    r.undated,
                )
                for code in names
                for source, source_name in source_names.items()
                if (r := found.get((code, source)))
            ]
        for source, name in source_names.items():
            of_source = [r for r in mine if r.funding_source == source]
            if of_source:
                key = (source, name)
                sums = sources.setdefault(key, [0, 0, 0])
                sums[0] += sum(r.allocated for r in of_source)
                sums[1] += sum(r.disbursed for r in of_source)
                sums[2] += sum(r.undated for r in of_source)
    return BudgetFigures(
        first,
        last,
        tuple(lines),
        tuple(projects),
        tuple(
            BudgetTotal(None, code, name, a, d, percent(d, a), u)
            for (code, name), (a, d, u) in sources.items()
        ),
        _total(None, "total", "Tổng cộng", rows),
    )


def _total(
    programme_id: str | None, code: str, name: str, rows: Sequence[counts.BudgetCounts]
) -> BudgetTotal:
    allocated = sum(r.allocated for r in rows)
    disbursed = sum(r.disbursed for r in rows)
    return BudgetTotal(
        programme_id,
        code,
        name,
        allocated,
        disbursed,
        percent(disbursed, allocated),
        sum(r.undated for r in rows),
    )


def report_figures(
    db: sqlite_utils.Database, kind: str, period: Period | str, *, on: date | None = None
) -> ReportFigures:
    """Every figure of a report of ``kind`` (a code of forms/reports/kinds/) for ``period``:
    each point as of its day (docs/figures.md); a half-year's end on ``on`` when given (the
    dashboard's today), else on 30/6."""
    report = report_kind(kind)
    period = parse_period(period) if isinstance(period, str) else period
    if period.shape not in report.period_shapes:
        raise FiguresError(
            tr(
                "{report} không lập cho kỳ “{code}” ({period}).",
                report=tr(report.name),
                code=period.code,
                period=period.label_in(tr),
            )
        )
    start_year, end_year, current = _list_points(db, period)
    points = {start_year: _point(db, start_year)}
    problems: list[str] = []
    moved: dict[tuple[int, str], Count] = {}
    movement_years = tuple(range(start_year + 1, end_year + 1))
    reductions: dict[int, dict[str, int]] = {}
    for year in movement_years:
        now = current and year == end_year
        points[year] = _point(db, year, (on or period.end_date) if now else None)
        reductions[year] = _reductions(points[year - 1], points[year])
        this_year = _moved(db, points[year - 1], points[year])
        problems += _identity_problems(
            year,
            points[year].day if now else None,
            points[year].villages,
            _by_village(points[year - 1].lists),
            _by_village(points[year].lists),
            this_year,
        )
        for key, value in this_year.items():
            moved[key] = moved.get(key, ZERO) + value
    first, last = points[start_year], points[end_year]
    by_village, commune_movements = _movements(
        last.villages, _by_village(first.lists), _by_village(last.lists), moved
    )
    end, start = _snapshot(last), _snapshot(first)
    services = _services(db, last, on or period.end_date)
    budget_first = period.first if period.shape == "span" else end_year
    outputs = output_figures(db, period)
    return ReportFigures(
        kind=report.code,
        period=period,
        commune=replace(
            counts.commune_counts(db),
            households=end.commune.households,
            members=end.commune.members,
        ),
        start=start,
        end=end,
        movement_years=movement_years,
        movements=by_village,
        commune_movements=commune_movements,
        services=services,
        targets=_targets(
            db,
            reductions,
            end_year,
            achieved_values(end.commune, commune_movements, services) | dict(outputs.measured),
            judged=not current,
        ),
        groups=_groups(last),
        budget=budget_figures(
            budget_first, period.last, counts.budget_counts(db, date_range(period))
        ),
        problems=tuple(problems),
        outputs=outputs,
        goals=period_goals(period, start, end) if period.shape == "span" else (),
    )


def year_end(db: sqlite_utils.Database, year: int) -> Snapshot:
    """The lists at the end of ``year`` as a report of it shows them: the frozen official
    totals of a recognised year, else the register as of 31/12."""
    return _snapshot(_point(db, year))


def period_goals(period: Period, start: Snapshot, end: Snapshot) -> tuple[GoalFigure, ...]:
    """The programme's goals of average yearly reduction over a period (a span): from the
    lists at its start to those at its end (official totals where frozen), per year between
    them."""
    programme_id = programme_for_year(period.first)
    years = end.year - start.year
    rates = {
        "poverty_rate": (start.commune.poor.rate, end.commune.poor.rate, True),
        "ethnic_minority_poverty_rate": (
            start.commune.poor.ethnic_minority_rate,
            end.commune.poor.ethnic_minority_rate,
            start.commune.ethnic_minority_households > 0,
        ),
    }
    found = []
    for goal in programme(programme_id).get("goals", []):
        first, last, counted = rates[goal["code"]]
        average = None
        if counted and years > 0:
            exact = (Decimal(str(first)) - Decimal(str(last))) / years
            average = float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        minimum = goal["minimum"]
        reached = None
        if average is not None and minimum is not None:
            reached = average > minimum if goal["exclusive"] else average >= minimum
        found.append(
            GoalFigure(
                goal["code"],
                goal["label"],
                programme_id,
                start.year,
                end.year,
                first,
                last,
                average,
                minimum,
                goal["exclusive"],
                goal["text"],
                reached,
            )
        )
    return tuple(found)


def require_consistent(figures: ReportFigures) -> None:
    """Refuse figures whose movements do not add up (before a table is written)."""
    if figures.problems:
        # the problems are part of the figures (saved with a report), so they stay Vietnamese
        raise FiguresError(
            tr("Số liệu biến động không khớp, cần kiểm tra lại danh sách:")
            + "\n"
            + "\n".join(figures.problems)
        )
