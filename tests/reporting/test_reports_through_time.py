"""Reports of a past period never move: households added, moved away or split today, a birth
and a death today leave every figure, sentence and table of last year's reports as they were
(docs/register-history.md); the movement tables' other columns hold today's events."""

from __future__ import annotations

from datetime import date

from gnapp.reporting.builder import build_document, default_header
from gnapp.reporting.dashboard import dashboard_figures
from gnapp.reporting.figures import report_figures, sentences
from gnapp.review import workflow
from gnapp.review.tables import summary_tables
from gnapp.store import events, register, users
from gnapp.store.official_totals import official_totals

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

    _things_done(demo_db, today.isoformat())

    for case in PAST:
        after = _rendered(db, *case, header)
        assert after[0] == before[case][0], case  # every figure
        assert after[1] == before[case][1], case  # every sentence
        assert after[2] == before[case][2], case  # the document, tables and charts included
    assert summary_tables(db, round_id).tables == tables_before
    years_after = dashboard_figures(db, 2026, today).years
    assert years_after[:-1] == years_before[:-1]  # past years; the last is "2026 (đến nay)"


def test_the_other_columns_hold_todays_events(demo_db):
    """From the end of 2025 to today: the poor household moved away counts in column 4 with
    its members; the split counts its members in column 4 and the new household, on no list,
    nowhere; the birth and the death count on the near-poor list."""
    db = demo_db.db
    today = date.today()
    members = {h: len(register.members_of(db, h)) for h in _listed(db, 2025, "poor")}
    away, _, _ = _things_done(demo_db, today.isoformat())
    figures = report_figures(db, "six_month", "2026-H1", on=today)
    poor = figures.commune_movements.poor
    near = figures.commune_movements.near_poor
    assert (poor.other_down.households, poor.other_down.members) == (1, members[away] + 1)
    assert poor.other_up.households == 0
    assert (near.other_down.households, near.other_down.members) == (0, 1)
    assert (near.other_up.households, near.other_up.members) == (0, 1)
    for unit in (*figures.movements, figures.commune_movements):
        for moved in (unit.poor, unit.near_poor):
            assert moved.end == moved.start - moved.decreases + moved.increases
    assert figures.problems == ()


def test_a_corrected_year_says_so_and_still_adds_up(demo_db):
    """A correction decision replaces the year's official totals: the report quotes them,
    says they were corrected, and the movements still add up in that year and the next."""
    db = demo_db.db
    round_id = db.execute(
        "SELECT id FROM review_rounds WHERE year = 2025 AND kind = 'periodic'"
    ).fetchone()[0]
    poor = _listed(db, 2025, "poor")[0]
    lead = next(u for u in users.list_users(db) if u.username == "lanhdao")
    workflow.correct(
        demo_db,
        round_id,
        poor,
        "near_poor",
        reason="Sai sót khi tổng hợp",
        decision_number="240/QĐ-UBND",
        decision_date="2026-01-20",
        approver=lead,
    )
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
