"""The report counts of gnapp.store.figures against direct queries on the demo commune."""

from __future__ import annotations

import pytest

from gnapp.store import figures
from gnapp.store.date_range import DateRange
from tests.as_of_sql import paid_in


def scalar(db, sql, *params):
    return db.execute(sql, params).fetchone()[0]


def test_commune_counts(demo_db):
    db = demo_db.db
    counts = figures.commune_counts(db)
    assert counts.name == "Xã Sơn Minh"
    assert counts.villages == scalar(db, "SELECT count(*) FROM villages")
    assert counts.rural_villages + counts.urban_villages == counts.villages
    assert counts.urban_villages == scalar(db, "SELECT count(*) FROM villages WHERE area = 'urban'")
    # the households in the commune now: the demo's events took some away
    present = "SELECT id FROM households WHERE present_until IS NULL"
    assert counts.households == scalar(db, f"SELECT count(*) FROM ({present})")
    assert counts.members == scalar(
        db, f"SELECT count(*) FROM members WHERE household_id IN ({present})"
    )


def test_village_counts_urban_first(demo_db):
    db = demo_db.db
    rows = figures.village_counts(db)
    assert [r.area for r in rows] == sorted((r.area for r in rows), key=lambda a: a == "rural")
    for row in rows:
        assert row.households == scalar(
            db,
            "SELECT count(*) FROM households WHERE village_id = ? AND present_until IS NULL",
            row.village_id,
        )
        assert row.members == scalar(
            db,
            "SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id "
            "WHERE h.village_id = ? AND h.present_until IS NULL",
            row.village_id,
        )
        assert row.ethnic_minority_households == scalar(
            db,
            "SELECT count(*) FROM households WHERE village_id = ? AND present_until IS NULL "
            "AND (ethnic_minority = 1 OR local_ethnic_minority = 1)",
            row.village_id,
        )


@pytest.mark.parametrize(
    ("first", "last"), [("2022-01-01", "2023-12-31"), ("2025-01-01", "2025-06-30")]
)
def test_budget_counts_sum_the_payments_of_the_days(demo_db, first, last):
    db = demo_db.db
    rows = figures.budget_counts(db, DateRange(first, last))
    years = (int(first[:4]), int(last[:4]))
    assert sum(r.allocated for r in rows) == scalar(
        db, "SELECT sum(allocated) FROM budgets WHERE year BETWEEN ? AND ?", *years
    )
    da2 = [r for r in rows if r.project_code == "DA2"]
    assert len(da2) == 3  # central, province, commune
    assert (sum(r.disbursed for r in da2), sum(r.undated for r in da2)) == paid_in(
        db, first, last, "DA2"
    )
    assert (sum(r.disbursed for r in rows), sum(r.undated for r in rows)) == paid_in(
        db, first, last
    )
    assert sum(r.disbursed for r in rows) > 0


def test_target_rows(demo_db):
    rows = figures.target_rows(demo_db.db, [2024, 2023])
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows)
    assert {r["year"] for r in rows} == {2023, 2024}
    assert len(rows) == scalar(
        demo_db.db, "SELECT count(*) FROM targets WHERE year IN (2023, 2024)"
    )
