"""The report counts of gnapp.store.figures against direct queries on the demo commune."""

from __future__ import annotations

import pytest

from gnapp.store import figures, register


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


@pytest.mark.parametrize("year", [2022, 2024, 2025])
def test_list_counts_of_a_year(demo_db, year):
    db = demo_db.db
    rows = figures.list_counts(db, year)
    assert {r.status for r in rows} == {"poor", "near_poor"}
    for row in rows:
        where = (
            "FROM household_status s JOIN households h ON h.id = s.household_id "
            "WHERE s.year = ? AND s.status = ? AND h.village_id = ?"
        )
        args = (year, row.status, row.village_id)
        assert row.households == scalar(db, f"SELECT count(*) {where}", *args)
        assert row.ethnic_minority == scalar(db, f"SELECT sum(h.ethnic_minority) {where}", *args)
        assert row.members == scalar(
            db,
            "SELECT count(*) FROM members m JOIN household_status s "
            "ON s.household_id = m.household_id JOIN households h ON h.id = s.household_id "
            "WHERE s.year = ? AND s.status = ? AND h.village_id = ?",
            *args,
        )


def test_current_state_keeps_last_year_where_this_year_has_no_row(demo_db):
    db = demo_db.db
    poor = db.execute(
        "SELECT household_id FROM household_status WHERE year = 2025 AND status = 'poor' LIMIT 2"
    ).fetchall()
    register.set_status(demo_db, poor[0][0], 2026, "not_poor", movement="escaped_poverty")
    register.set_status(demo_db, poor[1][0], 2026, "near_poor", movement="poor_to_near_poor")
    now = {
        (r.village_id, r.status): r.households for r in figures.list_counts(db, 2026, current=True)
    }
    last = {(r.village_id, r.status): r.households for r in figures.list_counts(db, 2025)}
    assert sum(v for (_, s), v in now.items() if s == "poor") == (
        sum(v for (_, s), v in last.items() if s == "poor") - 2
    )
    assert sum(v for (_, s), v in now.items() if s == "near_poor") == (
        sum(v for (_, s), v in last.items() if s == "near_poor") + 1
    )
    assert figures.list_counts(db, 2026) != []  # the two 2026 rows alone


def test_movement_counts(demo_db):
    db = demo_db.db
    rows = figures.movement_counts(db, 2024)
    assert sum(r.households for r in rows) == scalar(
        db, "SELECT count(*) FROM household_status WHERE year = 2024 AND movement IS NOT NULL"
    )
    for row in rows:
        assert row.households == scalar(
            db,
            "SELECT count(*) FROM household_status s JOIN households h ON h.id = s.household_id "
            "WHERE s.year = 2024 AND s.movement = ? AND h.village_id = ?",
            row.movement,
            row.village_id,
        )


def test_group_counts(demo_db):
    db = demo_db.db
    found = {(g.status, g.group): (g.households, g.members) for g in figures.group_counts(db, 2025)}
    for status in ("poor", "near_poor"):
        listed = "SELECT household_id FROM household_status WHERE year = 2025 AND status = ?"
        for group, condition in {
            "ethnic_minority": "ethnic_minority = 1 OR local_ethnic_minority = 1",
            "without_working_capacity": "without_working_capacity = 1",
            "revolution_merit": "revolution_merit = 1",
            "social_assistance": "social_assistance = 1",
            "other": "ethnic_minority + local_ethnic_minority + without_working_capacity "
            "+ revolution_merit + social_assistance = 0",
            "total": "1",
        }.items():
            households = f"SELECT id FROM households WHERE id IN ({listed}) AND ({condition})"
            expected = (
                scalar(db, f"SELECT count(*) FROM ({households})", status),
                scalar(
                    db, f"SELECT count(*) FROM members WHERE household_id IN ({households})", status
                ),
            )
            assert found[(status, group)] == expected, (status, group)


def test_household_service_counts(demo_db):
    db = demo_db.db
    got = figures.household_service_counts(
        db, 2025, safe_water=["piped"], hygienic_latrines=["septic", "pour_flush"], devices=["tv"]
    )
    listed = (
        "id IN (SELECT household_id FROM household_status "
        "WHERE year = 2025 AND status IN ('poor', 'near_poor'))"
    )
    assert got.households == scalar(db, f"SELECT count(*) FROM households WHERE {listed}")
    assert got.safe_water == scalar(
        db, f"SELECT count(*) FROM households WHERE {listed} AND water_source = 'piped'"
    )
    assert got.hygienic_latrine == scalar(
        db,
        f"SELECT count(*) FROM households WHERE {listed} AND latrine IN ('septic', 'pour_flush')",
    )
    assert got.information_access == scalar(
        db,
        f"SELECT count(*) FROM households WHERE {listed} AND uses_telecom = 1 "
        "AND information_devices LIKE '%\"tv\"%'",
    )
    assert 0 < got.safe_water < got.water_known


def test_listed_members(demo_db):
    db = demo_db.db
    members = figures.listed_members(db, 2025)
    assert len(members) == scalar(
        db,
        "SELECT count(*) FROM members WHERE household_id IN (SELECT household_id FROM "
        "household_status WHERE year = 2025 AND status IN ('poor', 'near_poor'))",
    )


def test_budget_counts_sum_the_years(demo_db):
    db = demo_db.db
    rows = figures.budget_counts(db, 2022, 2023)
    assert sum(r.allocated for r in rows) == scalar(
        db, "SELECT sum(allocated) FROM budgets WHERE year IN (2022, 2023)"
    )
    da2 = [r for r in rows if r.project_code == "DA2" and r.funding_source == "central"]
    assert da2[0].disbursed == scalar(
        db,
        "SELECT sum(disbursed) FROM budgets WHERE year IN (2022, 2023) "
        "AND project_code = 'DA2' AND funding_source = 'central'",
    )


def test_target_rows(demo_db):
    rows = figures.target_rows(demo_db.db, [2024, 2023])
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows)
    assert {r["year"] for r in rows} == {2023, 2024}
    assert len(rows) == scalar(
        demo_db.db, "SELECT count(*) FROM targets WHERE year IN (2023, 2024)"
    )
