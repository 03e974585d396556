"""A year's figures by village as the app quotes them outside a report (the main window's
overview): a past year as of its end — its frozen official totals when it was recognised, else
the register as of 31/12 — and the year under way as of today, so that they agree with the
reports of those years (docs/register-history.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from gnapp.progress import Progress
from gnapp.store.as_of import figures_on, status_movements
from gnapp.store.official_totals import official_totals
from gnapp.store.overview import VillageFigures, commune_total, village_figures

OFFICIAL, YEAR_END, TODAY = "official", "year_end", "today"


@dataclass(frozen=True)
class YearFigures:
    """``year``'s figures by village and the basis they are on: ``OFFICIAL`` (the decision in
    force named, ``corrected`` when a correction decision set them), ``YEAR_END`` (the register
    as of 31/12) or ``TODAY`` (the register now, by the year's statuses)."""

    year: int
    basis: str
    villages: tuple[VillageFigures, ...]
    decision_number: str | None = None
    decision_date: str | None = None
    corrected: bool = False


def year_figures(db: sqlite_utils.Database, year: int, today: date) -> YearFigures:
    """``year``'s figures: the year under way (``today``'s year or later) as of today, a past
    year as of its end."""
    if year >= today.year:
        return YearFigures(year, TODAY, tuple(village_figures(db, year)))
    totals = official_totals(db, year)
    if totals is not None:
        return YearFigures(
            year,
            OFFICIAL,
            totals.villages,
            totals.decision_number,
            totals.decision_date,
            totals.corrected,
        )
    return YearFigures(year, YEAR_END, tuple(figures_on(db, date(year, 12, 31))))


@dataclass(frozen=True)
class YearOverview:
    """What the overview shows of a year: its figures (``shown``), the previous year's as of its
    end (``before``, None for the first year) and the year's movements."""

    shown: YearFigures
    before: YearFigures | None
    movements: dict[str, int]

    @property
    def previous(self) -> VillageFigures | None:
        """The commune's total of the previous year."""
        return None if self.before is None else commune_total(list(self.before.villages))


def year_overview(
    db: sqlite_utils.Database,
    year: int,
    previous_year: int | None,
    today: date,
    progress: Progress | None = None,
) -> YearOverview:
    """The overview of ``year`` against ``previous_year`` as of ``today`` (``progress`` may stop
    it between its reads)."""

    def step(done: int) -> None:
        if progress is not None:
            progress(done, 3)

    step(0)
    shown = year_figures(db, year, today)
    step(1)
    before = None if previous_year is None else year_figures(db, previous_year, today)
    step(2)
    return YearOverview(shown, before, year_movements(db, year))


def year_movements(db: sqlite_utils.Database, year: int) -> dict[str, int]:
    """How many households made each movement in ``year``, as the year's report counts them
    (``as_of.status_movements``: the statuses decided in the year, a corrected one from its
    round's recognition, of the households present that day)."""
    counts: Counter[str] = Counter()
    for row in status_movements(db, date(year - 1, 12, 31), date(year, 12, 31)):
        counts[row.movement] += row.households
    return dict(counts)
