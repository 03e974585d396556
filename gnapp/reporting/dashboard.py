"""The figures of the dashboard of a year: each target, what is achieved now, the share of the
target reached, whether it is on course; the poverty and near-poverty rates by year and by village.

"Now" is the register as of today in the year (the 6-month figures with their end point moved
to today, see docs/figures.md); past years are as their reports show them. An output target of
a project counted in hộ or người is measured by the households or members its activities
reached (gnapp.store.activities.project_reach).
On course: the share of the target reached is at least the share of the year already gone (a
linear path through the year). Once the year is over a target is reached or not, as its reports
judge it (``figures.is_reached``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from gnapp.i18n import tr
from gnapp.reporting.figures import (
    FiguresError,
    UnitLists,
    is_reached,
    percent,
    report_figures,
    year_end,
)
from gnapp.reporting.lists import HOUSEHOLDS, PERSONS
from gnapp.store.activities import project_reach
from gnapp.store.overview import status_years
from gnapp.store.programme import targets


@dataclass(frozen=True)
class TargetProgress:
    code: str
    label: str
    unit: str
    target: float
    achieved: float | None  # None: the app holds no figure for it
    share: float | None  # % of the target reached, one decimal
    on_course: bool | None
    reached: bool | None = None  # once the year is over (None before, or with no figure)


@dataclass(frozen=True)
class YearRates:
    label: str  # "2024", or "2026 (đến nay)" for the current state
    poor: int
    near_poor: int
    poor_rate: float
    near_poor_rate: float


@dataclass(frozen=True)
class DashboardFigures:
    year: int
    elapsed: float  # share of the year gone, 0..1
    targets: tuple[TargetProgress, ...]
    years: tuple[YearRates, ...]
    villages: tuple[UnitLists, ...]  # current state per village (empty when not computable)
    problem: str | None  # why the year's figures could not be computed


def elapsed_share(year: int, today: date) -> float:
    """The share of ``year`` gone by ``today`` (0 before it starts, 1 once it is over)."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    if today <= start:
        return 0.0
    if today >= end:
        return 1.0
    return (today - start).days / (end - start).days


def _share(code: str, target: float, achieved: float, start_rate: float) -> float | None:
    """The share of a target reached; for a rate to bring down: the part of the way from the
    rate at the start of the year to the target."""
    if code.endswith("_rate"):
        if achieved <= target:
            return 100.0
        if start_rate <= target:
            return 0.0
        return max(0.0, percent(start_rate - achieved, start_rate - target, 1) or 0.0)
    return max(0.0, percent(achieved, target, 1) or 0.0) if target else None


def _rates_by_year(db: sqlite_utils.Database) -> list[YearRates]:
    """Each year's lists at its end, as its reports show them (official totals where frozen)."""
    rates = []
    for year in status_years(db):
        end = year_end(db, year).commune
        rates.append(
            YearRates(
                str(year),
                end.poor.households,
                end.near_poor.households,
                end.poor.rate,
                end.near_poor.rate,
            )
        )
    return rates


def dashboard_figures(db: sqlite_utils.Database, year: int, today: date) -> DashboardFigures:
    """The dashboard of ``year`` as seen on ``today``."""
    elapsed = elapsed_share(year, today)
    years = _rates_by_year(db)
    try:
        figures = report_figures(db, "six_month", f"{year}-H1", on=min(today, date(year, 12, 31)))
    except FiguresError as error:
        return DashboardFigures(year, elapsed, (), tuple(years), (), str(error))
    start, end = figures.start.commune, figures.end.commune
    outputs = {row["code"]: row["project_code"] for row in targets(db, year) if row["project_code"]}
    progress = []
    for target in figures.targets:
        achieved, label = target.achieved, target.label
        if target.code in outputs:
            label = f"{outputs[target.code]}: {label}"
            households, persons = project_reach(db, year, outputs[target.code])
            achieved = {HOUSEHOLDS: households, PERSONS: persons}.get(target.unit)
        share = None
        if achieved is not None:
            start_rate = start.poor.rate if target.code == "poverty_rate" else start.near_poor.rate
            share = _share(target.code, target.target, achieved, start_rate)
        progress.append(
            TargetProgress(
                code=target.code,
                label=label,
                unit=target.unit,
                target=target.target,
                achieved=achieved,
                share=share,
                on_course=None if share is None else share >= elapsed * 100,
                reached=None
                if achieved is None or elapsed < 1
                else is_reached(target.direction, target.target, achieved),
            )
        )
    if str(year) not in {rates.label for rates in years}:
        years.append(
            YearRates(
                tr("{year} (đến nay)", year=year),
                end.poor.households,
                end.near_poor.households,
                end.poor.rate,
                end.near_poor.rate,
            )
        )
    return DashboardFigures(
        year, elapsed, tuple(progress), tuple(years), figures.end.villages, None
    )
