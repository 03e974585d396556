"""The progress reports' figures as plain data: ``report_figures(db, kind, period)`` computes
every figure from the database's counts (definitions in docs/figures.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import sqlite_utils

from gnapp.core.movements import LISTED
from gnapp.core.record import age_at
from gnapp.core.standards import load_standard
from gnapp.core.vietnamese import format_number
from gnapp.data import read_form_json
from gnapp.reporting.figures.kinds import FiguresError, Period, parse_period, report_kind
from gnapp.store import figures as counts
from gnapp.store.overview import status_years
from gnapp.store.programme import target_kinds

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
class Snapshot:
    """The lists at one point: a year's recognised list, or (current) the register's state
    during that year."""

    year: int
    current: bool  # the register's state during ``year``, not its recognised list
    villages: tuple[UnitLists, ...]  # urban first, then rural, each in Vietnamese order
    commune: UnitLists  # the villages summed


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

    @property
    def decreases(self) -> Count:
        return self.to_other_list + self.escaped

    @property
    def increases(self) -> Count:
        return self.from_other_list + self.fell_back + self.newly

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
    reached: bool | None


@dataclass(frozen=True)
class GroupFigures:
    """One end list by group; a household can be in several groups, "other" in none."""

    status: str
    total: Count
    groups: tuple[tuple[str, Count], ...]


@dataclass(frozen=True)
class BudgetTotal:
    """Allocated and disbursed (đồng) and the disbursement rate, for a line or a total."""

    programme_id: str | None
    code: str
    name: str
    allocated: int
    disbursed: int
    rate: float | None


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
        return kind(**{f.name: _rebuild(hints[f.name], value[f.name]) for f in fields(kind)})
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
                f"Chưa có danh sách hộ nghèo, hộ cận nghèo nào trong {period.label}."
            )
        before = [y for y in years if y < period.first]
        start, end = (before[-1] if before else inside[0]), inside[-1]
        if start == end:
            raise FiguresError(
                f"{period.label.capitalize()}: mới có danh sách cuối năm {end}, chưa có danh "
                "sách thứ hai để so sánh."
            )
        return start, end, False
    year = period.first
    if year - 1 not in years:
        raise FiguresError(
            f"Chưa có danh sách hộ nghèo, hộ cận nghèo cuối năm {year - 1} để so sánh với "
            f"{period.label}."
        )
    if period.shape == "year" and year not in years:
        raise FiguresError(f"Chưa có danh sách hộ nghèo, hộ cận nghèo năm {year} được công nhận.")
    return year - 1, year, period.shape == "half_year"


def _by_village(rows: Sequence[Any], key: str = "status") -> dict[tuple[int, str], Count]:
    """Counts keyed by (village id, the row's ``key``: status or movement)."""
    return {(r.village_id, getattr(r, key)): Count(r.households, r.members) for r in rows}


def _snapshot(
    villages: Sequence[counts.VillageCounts],
    rows: Sequence[counts.ListCounts],
    year: int,
    current: bool,
) -> Snapshot:
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
        year,
        current,
        tuple(unit(v.village_id, v.name, v.area, [v.village_id]) for v in villages),
        unit(None, "", None, [v.village_id for v in villages]),
    )


def _identity_problems(
    year: int,
    current: bool,
    villages: Sequence[counts.VillageCounts],
    before: Mapping[tuple[int, str], Count],
    after: Mapping[tuple[int, str], Count],
    moved: Mapping[tuple[int, str], Count],
) -> list[str]:
    """Check end = start − decreases + increases (table 2: 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8)
    for each list and village in one year; the Vietnamese problem for each break."""
    problems = []
    when = f"Năm {year}" + (" (đến nay)" if current else "")
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
            )
            for status, columns in LIST_MOVEMENTS.items()
        }
        return UnitMovements(village_id, name, area, lists["poor"], lists["near_poor"])

    return (
        tuple(unit(v.village_id, v.name, v.area, [v.village_id]) for v in villages),
        unit(None, "", None, [v.village_id for v in villages]),
    )


def _services(
    db: sqlite_utils.Database, year: int, current: bool, on: date
) -> tuple[ServiceFigure, ...]:
    indicators = {i.id: i.params for i in load_standard(SERVICE_STANDARD).indicators}
    homes = counts.household_service_counts(
        db,
        year,
        current=current,
        safe_water=indicators["water_source"]["safe_sources"],
        hygienic_latrines=indicators["latrine"]["hygienic_types"],
        devices=indicators["information_devices"]["devices"],
    )
    people = counts.listed_members(db, year, current=current)
    schooling = indicators["child_schooling"]
    children = [
        m
        for m in people
        if schooling["from_age"] <= age_at(m.birth_date, on) < schooling["under_age"]
    ]
    insured = [m.has_health_insurance for m in people if m.has_health_insurance is not None]
    at_school = [
        m.schooling not in schooling["deprived_schooling"] for m in children if m.schooling
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
) -> TargetFigure:
    """A target against what was achieved; ``kind`` gives its label, unit and direction."""
    reached = None
    if achieved is not None:
        reached = achieved >= target if kind["direction"] == "at_least" else achieved <= target
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
    )


def targets_met(targets: Sequence[TargetFigure]) -> tuple[int, int]:
    """(met, with a figure): of the targets the app holds a figure for, those reached in their
    direction — the one count of "đạt x/y chỉ tiêu" of a commune's report and of an office's."""
    measured = [target for target in targets if target.achieved is not None]
    return sum(bool(target.reached) for target in measured), len(measured)


def _targets(
    db: sqlite_utils.Database,
    movement_years: Sequence[int],
    end_year: int,
    end: UnitLists,
    movements: UnitMovements,
    services: Sequence[ServiceFigure],
) -> tuple[TargetFigure, ...]:
    """Reduction targets summed over the years whose movements the period counts; the
    others are the end year's."""
    kinds = target_kinds()
    achieved_by_code = achieved_values(end, movements, services)
    rows = counts.target_rows(db, {*movement_years, end_year})
    chosen: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        in_scope = (
            row["year"] in movement_years
            if row["code"] in REDUCTION_TARGETS
            else row["year"] == end_year
        )
        if in_scope:
            chosen.setdefault(row["code"], []).append(row)
    figures = [
        target_figure(
            code,
            kinds.get(code, {"label": code, "unit": kind_rows[0]["unit"], "direction": "at_least"}),
            float(sum(Decimal(str(r["value"])) for r in kind_rows)),
            tuple(r["year"] for r in kind_rows),
            kind_rows[-1]["decision_number"],
            achieved_by_code.get(code),
        )
        for code, kind_rows in chosen.items()
    ]
    order = list(kinds)
    figures.sort(key=lambda f: order.index(f.code) if f.code in order else len(order))
    return tuple(figures)


def _groups(db: sqlite_utils.Database, year: int, current: bool) -> tuple[GroupFigures, ...]:
    found = {
        (g.status, g.group): Count(g.households, g.members)
        for g in counts.group_counts(db, year, current=current)
    }
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
                )
                for code in names
                for source, source_name in source_names.items()
                if (r := found.get((code, source)))
            ]
        for source, name in source_names.items():
            of_source = [r for r in mine if r.funding_source == source]
            if of_source:
                key = (source, name)
                sums = sources.setdefault(key, [0, 0])
                sums[0] += sum(r.allocated for r in of_source)
                sums[1] += sum(r.disbursed for r in of_source)
    return BudgetFigures(
        first,
        last,
        tuple(lines),
        tuple(projects),
        tuple(
            BudgetTotal(None, code, name, a, d, percent(d, a))
            for (code, name), (a, d) in sources.items()
        ),
        _total(None, "total", "Tổng cộng", rows),
    )


def _total(
    programme_id: str | None, code: str, name: str, rows: Sequence[counts.BudgetCounts]
) -> BudgetTotal:
    allocated = sum(r.allocated for r in rows)
    disbursed = sum(r.disbursed for r in rows)
    return BudgetTotal(
        programme_id, code, name, allocated, disbursed, percent(disbursed, allocated)
    )


def report_figures(db: sqlite_utils.Database, kind: str, period: Period | str) -> ReportFigures:
    """Every figure of a report of ``kind`` (a code of forms/reports/kinds/) for ``period``."""
    report = report_kind(kind)
    period = parse_period(period) if isinstance(period, str) else period
    if period.shape not in report.period_shapes:
        raise FiguresError(f"{report.name} không lập cho kỳ “{period.code}” ({period.label}).")
    start_year, end_year, current = _list_points(db, period)
    villages = counts.village_counts(db)
    lists = {start_year: counts.list_counts(db, start_year)}
    problems: list[str] = []
    moved: dict[tuple[int, str], Count] = {}
    movement_years = tuple(range(start_year + 1, end_year + 1))
    for year in movement_years:
        now = current and year == end_year
        lists[year] = counts.list_counts(db, year, current=now)
        this_year = _by_village(counts.movement_counts(db, year), "movement")
        problems += _identity_problems(
            year, now, villages, _by_village(lists[year - 1]), _by_village(lists[year]), this_year
        )
        for key, value in this_year.items():
            moved[key] = moved.get(key, ZERO) + value
    by_village, commune_movements = _movements(
        villages, _by_village(lists[start_year]), _by_village(lists[end_year]), moved
    )
    end = _snapshot(villages, lists[end_year], end_year, current)
    services = _services(db, end_year, current, period.end_date)
    budget_first = period.first if period.shape == "span" else end_year
    return ReportFigures(
        kind=report.code,
        period=period,
        commune=counts.commune_counts(db),
        start=_snapshot(villages, lists[start_year], start_year, False),
        end=end,
        movement_years=movement_years,
        movements=by_village,
        commune_movements=commune_movements,
        services=services,
        targets=_targets(db, movement_years, end_year, end.commune, commune_movements, services),
        groups=_groups(db, end_year, current),
        budget=budget_figures(
            budget_first, period.last, counts.budget_counts(db, budget_first, period.last)
        ),
        problems=tuple(problems),
    )


def require_consistent(figures: ReportFigures) -> None:
    """Refuse figures whose movements do not add up (before a table is written)."""
    if figures.problems:
        raise FiguresError(
            "Số liệu biến động không khớp, cần kiểm tra lại danh sách:\n"
            + "\n".join(figures.problems)
        )
