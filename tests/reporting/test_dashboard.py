"""The dashboard's figures equal direct queries of the demo commune."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from gnapp.reporting.dashboard import dashboard_figures, elapsed_share
from gnapp.reporting.figures import percent
from gnapp.store import programme
from tests.as_of_sql import expected_lists, present_counts, year_end_day

TODAY = date(2026, 11, 22)


def _lists_on(db, day: str) -> tuple[int, int, int]:
    """(households, poor, near-poor) of the commune on ``day``, by independent SQL."""
    lists = expected_lists(db, day)
    poor, near = (lists.get((None, status), (0,))[0] for status in ("poor", "near_poor"))
    return present_counts(db, day)[0], poor, near


def test_rates_by_year_equal_sql(demo_db):
    db = demo_db.db
    figures = dashboard_figures(db, 2026, TODAY)
    years = {rates.label: rates for rates in figures.years}
    for year in (2022, 2023, 2024, 2025):
        # each year as its reports show it: on its recognition's day when frozen, else 31/12
        total, poor, near = _lists_on(db, year_end_day(db, year))
        assert (years[str(year)].poor, years[str(year)].near_poor) == (poor, near)
        assert years[str(year)].poor_rate == percent(poor, total)
        assert years[str(year)].near_poor_rate == percent(near, total)
    assert list(years)[-1] == "2026 (đến nay)"
    total, poor, _ = _lists_on(db, TODAY.isoformat())
    assert years["2026 (đến nay)"].poor == poor
    assert years["2026 (đến nay)"].poor_rate == percent(poor, total)


def test_village_rates_equal_sql(demo_db):
    db = demo_db.db
    figures = dashboard_figures(db, 2025, TODAY)
    day = "2025-12-31"  # a past year's dashboard: the register at the year's end
    lists = expected_lists(db, day)
    for unit in figures.villages:
        households = present_counts(db, day, unit.village_id)[0]
        poor = lists.get((unit.village_id, "poor"), (0,))[0]
        near = lists.get((unit.village_id, "near_poor"), (0,))[0]
        assert unit.households == households
        assert unit.poor.rate == (percent(poor, households) or 0.0)
        assert unit.near_poor.rate == (percent(near, households) or 0.0)
    assert len(figures.villages) == db["villages"].count


def test_targets_progress_equal_sql(demo_db):
    db = demo_db.db
    figures = dashboard_figures(db, 2025, TODAY)
    by_code = {t.code: t for t in figures.targets}
    stored = {row["code"]: row["value"] for row in programme.targets(db, 2025)}
    assert {code: t.target for code, t in by_code.items()} == stored
    # from the end of 2024 to the register at the end of 2025
    start_total, start_poor, _ = _lists_on(db, year_end_day(db, 2024))
    end_total, end_poor, _ = _lists_on(db, "2025-12-31")
    start, end = percent(start_poor, start_total), percent(end_poor, end_total)
    rate = by_code["poverty_rate"]
    assert rate.achieved == end
    expected = 100.0 if end <= rate.target else percent(start - end, start - rate.target, 1)
    assert rate.share == expected
    reduction = by_code["poor_reduction"]
    assert reduction.achieved == start_poor - end_poor
    assert reduction.share == max(0.0, percent(start_poor - end_poor, reduction.target, 1))
    assert reduction.on_course == (reduction.share >= 100)  # the year is over
    connected = db.execute(
        """SELECT count(DISTINCT b.member_id) FROM beneficiaries b
           JOIN activities a ON a.id = b.activity_id
           WHERE a.started_on BETWEEN '2025-01-01' AND '2025-06-30'
             AND a.project_code IN ('DA4.2', 'DA4.3')"""
    ).fetchone()[0]
    jobs = by_code["workers_job_connected"]  # measured from the job-connection activities
    assert jobs.achieved == connected > 0
    assert jobs.on_course == (connected >= jobs.target)
    assert by_code["staff_trained_share"].achieved is None
    assert by_code["staff_trained_share"].on_course is None


def test_year_without_figures_says_why(demo_db):
    figures = dashboard_figures(demo_db.db, 2022, TODAY)
    assert figures.problem and figures.targets == ()
    assert [r.label for r in figures.years] == ["2022", "2023", "2024", "2025"]


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_elapsed_share_grows_through_the_year(today):
    share = elapsed_share(2025, today)
    assert 0 <= share <= 1
    assert (share == 0) == (today <= date(2025, 1, 1))
    assert (share == 1) == (today >= date(2026, 1, 1))


def test_on_course_follows_the_part_of_the_year_gone(demo_db):
    programme.set_target(demo_db, 2026, "clean_water_share", 90)
    early = {t.code: t for t in dashboard_figures(demo_db.db, 2026, date(2026, 3, 1)).targets}
    late = {t.code: t for t in dashboard_figures(demo_db.db, 2026, TODAY).targets}
    share = early["clean_water_share"].share
    assert share == late["clean_water_share"].share
    assert early["clean_water_share"].on_course == (
        share >= elapsed_share(2026, date(2026, 3, 1)) * 100
    )
    assert late["clean_water_share"].on_course == (share >= elapsed_share(2026, TODAY) * 100)
    assert early["poor_reduction"].on_course is False  # nothing moved yet, 2 months gone


def test_output_target_measured_by_the_project_beneficiaries(demo_db):
    programme.set_target(
        demo_db, 2025, "Số hộ được hỗ trợ mô hình", 10, project_code="DA3", unit="hộ"
    )
    programme.set_target(demo_db, 2025, "Số lượt hội nghị", 4, project_code="DA7", unit="lượt")
    figures = {t.label: t for t in dashboard_figures(demo_db.db, 2025, TODAY).targets}
    reached = demo_db.db.execute(
        "SELECT count(DISTINCT b.household_id) FROM beneficiaries b "
        "JOIN activities a ON a.id = b.activity_id "
        "WHERE a.year = 2025 AND a.project_code IN ('DA3', 'DA3.1', 'DA3.2')"
    ).fetchone()[0]
    model = figures["DA3: Số hộ được hỗ trợ mô hình"]
    assert reached > 0 and model.achieved == reached
    assert model.share == percent(reached, 10, 1)
    assert figures["DA7: Số lượt hội nghị"].achieved is None
