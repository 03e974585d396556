"""Reports of a past period never move: households added, moved away or split today, a birth
and a death today leave every figure, sentence and table of last year's reports as they were
(docs/register-history.md); the movement tables' other columns hold today's events."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from gnapp.reporting.builder import annex_tables, build_document, chosen_figure_sets, default_header
from gnapp.reporting.dashboard import dashboard_figures
from gnapp.reporting.figures import report_figures, sentences
from gnapp.reporting.tables import Group
from gnapp.review import workflow
from gnapp.review.tables import summary_tables
from gnapp.store import events, register, users
from gnapp.store.lists import list_households
from gnapp.store.official_totals import official_totals
from tests.as_of_sql import expected_other, year_end_day
from tests.store.test_as_of import STEPS, run_steps, small_register

PAST = [
    ("annual", "2025"),
    ("annual", "2024"),
    ("six_month", "2025-H1"),
    ("six_month", "2026-H1"),
    ("mid_term", "2021-2023"),
    ("end_of_period", "2021-2025"),
]


def _listed(db, year, status):
    return [
        h
        for (h,) in db.execute(
            "SELECT household_id FROM household_status WHERE year = ? AND status = ? "
            "ORDER BY household_id",
            [year, status],
        )
    ]


def _things_done(cdb, today):
    """Three households moved in, a poor one moved away, a poor one split, a near-poor one
    with a birth and a death: all dated ``today``."""
    db = cdb.db
    village = register.villages(db)[0]["id"]
    for n in range(3):
        new = register.add_household(
            cdb,
            {"code": f"MOI-{n}", "village_id": village},
            [
                {
                    "full_name": f"Người Mới {n}",
                    "sex": "male",
                    "birth_date": "1990",
                    "relation": "head",
                }
            ],
        )
        events.record_moved_in(cdb, new, today, "Từ xã khác chuyển đến")
    poor = _listed(db, 2025, "poor")
    events.record_moved_away(cdb, poor[0], today, "Đi làm ăn xa")
    bigger = next(h for h in poor[1:] if len(register.members_of(db, h)) >= 2)
    events.split_household(
        cdb, bigger, [register.members_of(db, bigger)[-1]["id"]], today, code="TACH-1"
    )
    near = next(h for h in _listed(db, 2025, "near_poor") if len(register.members_of(db, h)) >= 2)
    events.record_birth(
        cdb, near, today, {"full_name": "Bé Mới", "sex": "female", "relation": "grandchild"}
    )
    events.record_death(cdb, register.members_of(db, near)[0]["id"], today)
    return poor[0], bigger, near


def _rendered(db, kind, period, header):
    """Everything a report shows: its figures, its sentences and the document built from them."""
    figures = report_figures(db, kind, period)
    return figures.to_dict(), sentences(figures), build_document(db, kind, period, {}, [], header)


def test_things_done_today_leave_last_years_reports_unchanged(demo_db):
    db = demo_db.db
    today = date.today()
    header = default_header(db, date(2026, 1, 5))
    round_id = db.execute(
        "SELECT id FROM review_rounds WHERE year = 2025 AND kind = 'periodic'"
    ).fetchone()[0]
    before = {case: _rendered(db, *case, header) for case in PAST}
    tables_before = summary_tables(db, round_id).tables
    years_before = dashboard_figures(db, 2026, today).years
    lists_before = {kind: list_households(db, 2025, kind) for kind in ("poor", "near_poor")}

    _things_done(demo_db, today.isoformat())

    for case in PAST:
        after = _rendered(db, *case, header)
        assert after[0] == before[case][0], case  # every figure
        assert after[1] == before[case][1], case  # every sentence
        assert after[2] == before[case][2], case  # the document, tables and charts included
    assert summary_tables(db, round_id).tables == tables_before
    years_after = dashboard_figures(db, 2026, today).years
    assert years_after[:-1] == years_before[:-1]  # past years; the last is "2026 (đến nay)"
    # the exported lists of 2025: the split household keeps its members of then
    assert list_households(db, 2025, "poor") == lists_before["poor"]
    # (a head who died today: the list, sorted by the head's name, shows the new head)
    assert {h.code: h.members for h in list_households(db, 2025, "near_poor")} == {
        h.code: h.members for h in lists_before["near_poor"]
    }


def test_the_other_columns_hold_todays_events(demo_db):
    """From the end of 2025 to today: the poor household moved away counts in column 4 with
    its members; the split counts its members in column 4 and the new household, on no list,
    nowhere; the birth and the death count on the near-poor list — on top of the demo's own
    events after the 2025 recognition, the period's start."""
    db = demo_db.db
    today = date.today()
    members = {h: len(register.members_of(db, h)) for h in _listed(db, 2025, "poor")}
    start = year_end_day(db, 2025)
    already = {
        (status, down): expected_other(db, start, today.isoformat(), status, None, down)
        for status in ("poor", "near_poor")
        for down in (True, False)
    }
    away, _, _ = _things_done(demo_db, today.isoformat())
    figures = report_figures(db, "six_month", "2026-H1", on=today)
    assert figures.start.on == start
    for status, down, households, persons in (
        ("poor", True, 1, members[away] + 1),
        ("poor", False, 0, 0),
        ("near_poor", True, 0, 1),
        ("near_poor", False, 0, 1),
    ):
        moved = getattr(figures.commune_movements, status)
        got = moved.other_down if down else moved.other_up
        before = already[(status, down)]
        assert (got.households, got.members) == (before[0] + households, before[1] + persons)
    for unit in (*figures.movements, figures.commune_movements):
        for moved in (unit.poor, unit.near_poor):
            assert moved.end == moved.start - moved.decreases + moved.increases
    assert figures.problems == ()


def _correct_to_near_poor(cdb, household_id, decision_date):
    """The demo's 2025 round corrected by the leader: ``household_id`` near-poor."""
    round_id = cdb.db.execute(
        "SELECT id FROM review_rounds WHERE year = 2025 AND kind = 'periodic'"
    ).fetchone()[0]
    lead = next(u for u in users.list_users(cdb.db) if u.username == "lanhdao")
    workflow.correct(
        cdb,
        round_id,
        household_id,
        "near_poor",
        reason="Sai sót khi tổng hợp",
        decision_number="240/QĐ-UBND",
        decision_date=decision_date,
        approver=lead,
    )


def test_a_corrected_year_says_so_and_still_adds_up(demo_db):
    """A correction decision replaces the year's official totals: the report quotes them,
    says they were corrected, and the movements still add up in that year and the next."""
    db = demo_db.db
    _correct_to_near_poor(demo_db, _listed(db, 2025, "poor")[0], "2026-01-20")
    figures = report_figures(db, "annual", "2025")
    assert figures.end.official is not None and figures.end.official.corrected
    totals = official_totals(db, 2025)
    assert figures.end.commune.poor.households == totals.commune.poor
    assert figures.end.commune.near_poor.households == totals.commune.near_poor
    assert (
        "số liệu đã được điều chỉnh theo Quyết định số 240/QĐ-UBND ngày 20/01/2026"
        in (sentences(figures)["end_lists"])
    )
    for kind, period in (
        ("annual", "2025"),
        ("six_month", "2026-H1"),
        ("end_of_period", "2021-2025"),
    ):
        assert report_figures(db, kind, period).problems == (), (kind, period)


@pytest.mark.parametrize("corrected_on", ["2026-01-20", "2026-08-01"])
def test_an_event_before_a_correction_counts_on_the_corrected_list(demo_db, corrected_on):
    """A correction replaces the recognised status from the recognition's day, as the corrected
    totals a report starts from: a birth in the household between the recognition and the
    correction counts on the corrected list, and 2026-H1 adds up whether the correction came
    within the half-year or after it."""
    db = demo_db.db
    poor = _listed(db, 2025, "poor")[0]
    before = report_figures(db, "six_month", "2026-H1").commune_movements
    events.record_birth(
        demo_db, poor, "2026-01-05", {"full_name": "Bé", "sex": "male", "relation": "child"}
    )
    _correct_to_near_poor(demo_db, poor, corrected_on)
    figures = report_figures(db, "six_month", "2026-H1")
    assert figures.problems == ()
    moved = figures.commune_movements
    assert moved.near_poor.other_up.members == before.near_poor.other_up.members + 1
    assert moved.poor.other_up == before.poor.other_up
    for kind, period in (("annual", "2025"), ("end_of_period", "2021-2025")):
        assert report_figures(db, kind, period).problems == (), (kind, period)


# --- the identity of the movement tables, under random events --------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_random_events_keep_every_row_of_the_movement_tables(steps):
    """Whatever households move, split, merge, end, are born or die in 2026, and whatever
    statuses are decided on those days or others, every row of the report's movement tables
    holds 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 at 30/6 and at the year's end, in households and
    persons, and the columns add the events up."""
    with tempfile.TemporaryDirectory() as folder:
        cdb, villages = small_register(Path(folder) / "xa.gnapp")
        try:
            run_steps(cdb, villages, steps)
            for on in (date(2026, 6, 30), date(2026, 12, 31)):
                figures = report_figures(cdb.db, "six_month", "2026-H1", on=on)
                assert figures.problems == ()
                for unit in (*figures.movements, figures.commune_movements):
                    for moved in (unit.poor, unit.near_poor):
                        assert moved.end == moved.start - moved.decreases + moved.increases
                tables = annex_tables(figures, [], chosen_figure_sets("six_month"))
                movement_tables = [t for t in tables if t.id.endswith("_movements")]
                assert len(movement_tables) == 2
                for table in movement_tables:
                    for row in _rows(table.body):
                        _holds(row.values)
        finally:
            cdb.close()


def _rows(items):
    for item in items:
        yield from _rows(item.items) if isinstance(item, Group) else (item,)


def _holds(values):
    for who in ("h", "p"):
        start = values[f"start_{who}"]
        down = sum(values[f"{c}_{who}"] for c in ("to_other_list", "escaped", "other_down"))
        up = sum(
            values[f"{c}_{who}"] for c in ("from_other_list", "fell_back", "newly", "other_up")
        )
        assert values[f"end_{who}"] == start - down + up, values
