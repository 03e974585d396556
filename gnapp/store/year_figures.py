"""A year's figures by village as the app quotes them outside a report (the main window's
overview): a past year as of its end — its frozen official totals when it was recognised, else
the register as of 31/12 — and the year under way as of today, so that they agree with the
reports of those years (docs/register-history.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from gnapp.store.as_of import figures_on
from gnapp.store.official_totals import official_totals
from gnapp.store.overview import VillageFigures, village_figures

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
