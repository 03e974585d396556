"""The commune at a glance: households, members and the year's lists, by village."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from gnapp.store.presence import present_now


@dataclass(frozen=True)
class VillageFigures:
    """One village's (or the commune's) counts for a year."""

    village_id: int | None
    name: str
    area: str | None
    households: int
    members: int
    poor: int
    near_poor: int
    average: int
    poor_members: int
    near_poor_members: int

    @property
    def poverty_rate(self) -> float:
        """Poor households ÷ all households × 100 (0 for a village without households)."""
        return self.poor / self.households * 100 if self.households else 0.0

    @property
    def near_poverty_rate(self) -> float:
        return self.near_poor / self.households * 100 if self.households else 0.0


def status_years(db: sqlite_utils.Database) -> list[int]:
    """Years that have recorded statuses, oldest first."""
    return [
        row[0] for row in db.execute("SELECT DISTINCT year FROM household_status ORDER BY year")
    ]


def year_in_view(db: sqlite_utils.Database, today: date | None = None) -> int:
    """The year the app opens on, for the main window and a new report alike: the latest year
    with recorded statuses, else this year."""
    years = status_years(db)
    return years[-1] if years else (today or date.today()).year


def status_counts(db: sqlite_utils.Database) -> dict[int, dict[str, int]]:
    """How many households each year's statuses hold: year -> status -> households."""
    counts: dict[int, dict[str, int]] = {}
    for year, status, households in db.execute(
        "SELECT year, status, count(*) FROM household_status GROUP BY year, status"
    ):
        counts.setdefault(year, {})[status] = households
    return counts


# The columns of VillageFigures over villages v, households h, their sizes s (n members) and
# their statuses f (also the figures as of a date: gnapp.store.as_of).
FIGURE_COLUMNS = """v.id AS village_id, v.name, v.area,
       count(h.id) AS households,
       coalesce(sum(s.n), 0) AS members,
       coalesce(sum(f.status = 'poor'), 0) AS poor,
       coalesce(sum(f.status = 'near_poor'), 0) AS near_poor,
       coalesce(sum(f.status = 'average'), 0) AS average,
       coalesce(sum(CASE WHEN f.status = 'poor' THEN s.n END), 0) AS poor_members,
       coalesce(sum(CASE WHEN f.status = 'near_poor' THEN s.n END), 0) AS near_poor_members"""

_FIGURES_SQL = f"""
WITH sizes AS (SELECT household_id, count(*) AS n FROM members GROUP BY household_id),
     year_status AS (SELECT household_id, status FROM household_status WHERE year = :year)
SELECT {FIGURE_COLUMNS}
FROM villages v
LEFT JOIN households h ON h.village_id = v.id AND {present_now("h")}
LEFT JOIN sizes s ON s.household_id = h.id
LEFT JOIN year_status f ON f.household_id = h.id
GROUP BY v.id
ORDER BY v.area = 'rural', v.name_sort_key
"""


def village_figures(db: sqlite_utils.Database, year: int) -> list[VillageFigures]:
    """Per village (urban first, then rural, each in Vietnamese order): the households in the
    commune now, by their status of ``year``."""
    return [VillageFigures(**row) for row in db.query(_FIGURES_SQL, {"year": year})]


def commune_total(rows: list[VillageFigures]) -> VillageFigures:
    """The sum of the villages' figures (rates are recomputed from the sums, never averaged)."""
    return VillageFigures(
        village_id=None,
        name="Toàn xã",
        area=None,
        households=sum(r.households for r in rows),
        members=sum(r.members for r in rows),
        poor=sum(r.poor for r in rows),
        near_poor=sum(r.near_poor for r in rows),
        average=sum(r.average for r in rows),
        poor_members=sum(r.poor_members for r in rows),
        near_poor_members=sum(r.near_poor_members for r in rows),
    )


def list_counts_by_year(db: sqlite_utils.Database) -> dict[int, dict[str, int]]:
    """The poor and near-poor households recorded for each year, oldest year first:
    ``{year: {"poor": n, "near_poor": n}}`` (a status without households is left out)."""
    counts: dict[int, dict[str, int]] = {}
    for year, status, number in db.execute(
        "SELECT year, status, count(*) FROM household_status "
        "WHERE status IN ('poor', 'near_poor') GROUP BY year, status ORDER BY year"
    ).fetchall():
        counts.setdefault(year, {})[status] = number
    return counts
