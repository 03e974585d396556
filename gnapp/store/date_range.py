"""The days a report counts, and how a record with or without a date falls in them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DateRange:
    """The days a report counts (ISO dates, both included). Activities are placed by their
    start date, policy benefits by the date received, disbursements by the day made; a record
    without a date counts in the years of a range that covers whole years (a year, a span),
    never in a half-year."""

    first: str
    last: str

    @property
    def years(self) -> tuple[int, int]:
        return int(self.first[:4]), int(self.last[:4])

    @property
    def whole_years(self) -> bool:
        return self.first[5:] == "01-01" and self.last[5:] == "12-31"


IN_RANGE = """({date} BETWEEN :first AND :last
               OR ({date} IS NULL AND :whole AND {year} BETWEEN :from_year AND :to_year))"""


def range_params(period: DateRange) -> dict[str, Any]:
    """The named parameters of ``IN_RANGE`` (and of any query over a range)."""
    first_year, last_year = period.years
    return {
        "first": period.first,
        "last": period.last,
        "whole": int(period.whole_years),
        "from_year": first_year,
        "to_year": last_year,
    }
