"""A year's figures as the overview quotes them: the year under way as of today, a past year
as of its end (its frozen official totals once recognised)."""

from __future__ import annotations

from datetime import date

from gnapp.store import as_of, events, official_totals, overview, register
from gnapp.store.year_figures import OFFICIAL, TODAY, YEAR_END, year_figures

TODAY_DATE = date(2026, 6, 1)


def household(cdb, village: int, code: str) -> int:
    return register.add_household(
        cdb,
        {"code": code, "village_id": village},
        [{"full_name": f"Chủ Hộ {code}", "sex": "male", "birth_date": "1970", "relation": "head"}],
    )


def test_each_year_on_its_basis(new_db):
    cdb, db = new_db, new_db.db
    village = register.add_village(cdb, "01", "Thôn Một", "rural")
    first, second = household(cdb, village, "H1"), household(cdb, village, "H2")
    register.set_status(cdb, first, 2025, "poor", decision_date="2025-12-17")
    register.set_status(cdb, second, 2025, "near_poor", decision_date="2025-12-17")
    register.set_status(cdb, first, 2026, "near_poor")
    events.record_moved_away(cdb, second, "2026-03-01", "Chuyển đi")
    arrived = household(cdb, village, "H3")
    events.record_moved_in(cdb, arrived, "2026-04-01", "Chuyển đến")

    now = year_figures(db, 2026, TODAY_DATE)
    assert now.basis == TODAY
    assert list(now.villages) == overview.village_figures(db, 2026)
    assert overview.commune_total(list(now.villages)).households == 2  # H1 and H3 today

    end = year_figures(db, 2025, TODAY_DATE)
    assert end.basis == YEAR_END and end.decision_number is None
    assert list(end.villages) == as_of.figures_on(db, "2025-12-31")
    total = overview.commune_total(list(end.villages))
    assert (total.households, total.poor, total.near_poor) == (2, 1, 1)  # H2 still there

    official_totals.freeze_official_totals(cdb, 2025, "231/QĐ-UBND", "2025-12-17")
    frozen = year_figures(db, 2025, TODAY_DATE)
    assert (frozen.basis, frozen.decision_number, frozen.decision_date, frozen.corrected) == (
        OFFICIAL, "231/QĐ-UBND", "2025-12-17", False,
    )  # fmt: skip
    assert frozen.villages == official_totals.official_totals(db, 2025).villages
    # the year under way is 2025 itself while it lasts
    assert year_figures(db, 2025, date(2025, 12, 20)).basis == TODAY


def test_the_years_movements_are_the_annual_reports(demo_db):
    from gnapp.reporting.figures import report_figures
    from gnapp.store.year_figures import year_movements

    for year in (2023, 2024, 2025):
        report = report_figures(demo_db.db, "annual", str(year))
        moved = year_movements(demo_db.db, year)
        assert moved, year
        for status, escaped, newly in (
            ("poor", ("escaped_poverty", "poor_to_near_poor"), ("newly_poor",)),
            ("near_poor", ("escaped_near_poverty", "near_poor_to_poor"), ("newly_near_poor",)),
        ):
            movements = getattr(report.commune_movements, status)
            assert movements.newly.households == sum(moved.get(code, 0) for code in newly)
            assert movements.escaped.households + movements.to_other_list.households == sum(
                moved.get(code, 0) for code in escaped
            ), (year, status)
