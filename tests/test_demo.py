"""The demo commune: repeatable, realistic, and the bundled copy is what the generator makes."""

import dataclasses
import json
import lzma
import sqlite3
from collections import Counter

import pytest

from gnapp import demo
from gnapp.core.vietnamese import citizen_id_problems
from gnapp.data import resource_file
from gnapp.demo import create_demo
from gnapp.store import changelog
from gnapp.store.answers import COMPACT_PREFIX, decode_answers
from gnapp.store.database import open_database
from gnapp.store.errors import DatabaseError
from tests.sqlite_dump import database_content


def _dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return database_content(conn)
    finally:
        conn.close()


def test_same_seed_gives_the_same_database(tmp_path):
    create_demo(tmp_path / "a.gnapp", households=120, seed=3)
    create_demo(tmp_path / "b.gnapp", households=120, seed=3)
    create_demo(tmp_path / "c.gnapp", households=120, seed=4)
    assert _dump(tmp_path / "a.gnapp") == _dump(tmp_path / "b.gnapp")
    assert _dump(tmp_path / "a.gnapp") != _dump(tmp_path / "c.gnapp")


def _tables_and_log(path) -> tuple[dict[str, list], Counter]:
    """Every table's rows in rowid order, the terms of the names index (not how it is cut into
    segments) and the change log's rows spelled out one by one (a run of rows is cut where its
    households were written), without their place in it (id and chain hash)."""
    conn = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'change_log' "
                "AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'person\\_names\\_%' ESCAPE '\\'"
            )
        ]
        tables = {
            name: conn.execute(f'SELECT rowid, * FROM "{name}" ORDER BY rowid').fetchall()
            for name in names
            if name != "person_names"
        }
        conn.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, person_names, row)")
        tables["person_names"] = conn.execute("SELECT * FROM temp.terms ORDER BY term").fetchall()
    finally:
        conn.close()
    with open_database(path) as cdb:
        rows = cdb.db.query("SELECT * FROM change_log")
        log = Counter(
            json.dumps(dataclasses.asdict(change) | {"id": None}, sort_keys=True)
            for change in changelog.each_row(cdb.db, map(changelog.change_from_row, rows))
        )
    return tables, log


def test_households_written_together_make_the_commune_written_one_by_one(tmp_path, monkeypatch):
    """The generator draws households and writes them in chunks: the same commune (every
    table, row for row, and the same changes logged) as writing each household as it is
    drawn, with its register events, statuses and review."""
    create_demo(tmp_path / "chunks.gnapp", households=130, seed=5)
    monkeypatch.setattr(demo, "HOUSEHOLDS_WRITTEN_TOGETHER", 1)
    create_demo(tmp_path / "each.gnapp", households=130, seed=5)
    chunks = _tables_and_log(tmp_path / "chunks.gnapp")
    assert chunks == _tables_and_log(tmp_path / "each.gnapp")
    assert len(chunks[0]["register_events"]) > 10 and len(chunks[0]["questionnaires"]) > 10


def test_fresh_demo_copy_is_the_default_demo_generated_once(tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(demo, "DEFAULT_HOUSEHOLDS", 60)
    assert not resource_file("demo", demo.BUNDLED_DEMO_XZ).is_file()  # no binary in the repository
    calls = []
    first = demo.fresh_demo_copy(tmp_path / "one.gnapp", progress=lambda *a: calls.append(a))
    second = demo.fresh_demo_copy(tmp_path / "two.gnapp", progress=lambda *a: calls.append(a))
    assert calls == [(60, 60)]  # generated for the first copy only; the second came from the cache
    create_demo(tmp_path / "direct.gnapp", 60, demo.DEFAULT_SEED)
    assert _dump(first) == _dump(second) == _dump(tmp_path / "direct.gnapp")
    assert len(list((tmp_path / "cache").iterdir())) == 1
    with pytest.raises(DatabaseError, match="không ghi đè"):
        demo.fresh_demo_copy(first)


def test_a_bundled_demo_is_preferred_to_generating(tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_CACHE_DIR", str(tmp_path / "cache"))
    made = create_demo(tmp_path / "made.gnapp", 20, 1).path
    bundled = tmp_path / demo.BUNDLED_DEMO_XZ  # the installer ships it compressed
    bundled.write_bytes(lzma.compress(made.read_bytes()))
    monkeypatch.setattr(demo, "resource_file", lambda *parts: bundled)
    copy = demo.fresh_demo_copy(tmp_path / "copy.gnapp")
    assert _dump(copy) == _dump(made)
    assert not (tmp_path / "cache").exists()


def test_households_have_one_head_and_one_to_nine_members(demo_db):
    sizes = demo_db.db.execute(
        "SELECT count(*), sum(relation = 'head') FROM members GROUP BY household_id"
    ).fetchall()
    assert all(1 <= size <= 9 and heads == 1 for size, heads in sizes)
    assert len({size for size, _ in sizes}) >= 7


def test_citizen_ids_are_well_formed_unique_and_match_sex_and_birth_year(demo_db):
    rows = demo_db.db.execute(
        "SELECT citizen_id, sex, birth_date FROM members WHERE citizen_id IS NOT NULL"
    ).fetchall()
    assert len(rows) > 0.9 * demo_db.db["members"].count
    assert len({r[0] for r in rows}) == len(rows)
    problems = [(r, citizen_id_problems(r[0], r[1], int(r[2][:4]))) for r in rows]
    assert [p for p in problems if p[1]] == []


def test_names_carry_vietnamese_diacritics_and_villages_mix_areas(demo_db):
    names = [r[0] for r in demo_db.db.execute("SELECT full_name FROM members")]
    assert any("Nguyễn" in n for n in names)
    assert sum(any(ord(ch) > 127 for ch in n) for n in names) > 0.9 * len(names)
    areas = Counter(r[0] for r in demo_db.db.execute("SELECT area FROM villages"))
    assert areas["urban"] >= 1 and areas["rural"] >= 2


def test_age_structure_and_ethnic_minority_share_are_believable(demo_db):
    years = [int(r[0][:4]) for r in demo_db.db.execute("SELECT birth_date FROM members")]
    ages = [2025 - y for y in years]
    children = sum(a < 16 for a in ages) / len(ages)
    elderly = sum(a >= 60 for a in ages) / len(ages)
    assert 0.12 < children < 0.40
    assert 0.08 < elderly < 0.35
    assert max(ages) <= 100
    minority = demo_db.db.execute("SELECT avg(ethnic_minority) FROM households").fetchone()[0]
    assert 0.05 < minority < 0.5


def test_statuses_cover_2022_to_2025_with_movements(demo_db):
    db = demo_db.db
    per_year = dict(
        db.execute(
            "SELECT year, count(*) FROM household_status WHERE status = 'poor' GROUP BY year"
        ).fetchall()
    )
    assert sorted(per_year) == [2022, 2023, 2024, 2025]
    total = db["households"].count
    assert all(0.01 * total < n < 0.3 * total for n in per_year.values())
    movements = Counter(
        r[0] for r in db.execute("SELECT movement FROM household_status WHERE movement IS NOT NULL")
    )
    assert (
        movements["escaped_poverty"] > 0
        and movements["newly_poor"] + movements["fell_back_poverty"] > 0
    )
    decisions = db.execute(
        "SELECT count(*) FROM household_status WHERE decision_number IS NULL"
    ).fetchone()[0]
    assert decisions == 0


def test_2025_statuses_are_the_engine_classification_of_the_questionnaires(demo_db):
    # a household that left the commune while the round was open went off the list: no status
    rows = demo_db.db.execute(
        """SELECT q.class_code, s.status FROM questionnaires q
           JOIN households h ON h.id = q.household_id
           LEFT JOIN household_status s ON s.household_id = q.household_id AND s.year = 2025
           WHERE q.form = 'B' AND (h.present_until IS NULL OR h.present_until > '2025-12-17')"""
    ).fetchall()
    assert rows
    assert all(status == klass for klass, status in rows)


def test_the_questionnaires_answers_are_stored_compact(demo_db):
    rows = demo_db.db.execute("SELECT household_id, answers FROM questionnaires").fetchall()
    assert rows and all(answers.startswith(COMPACT_PREFIX) for _, answers in rows)
    codes = dict(demo_db.db.execute("SELECT id, code FROM households").fetchall())
    assert all(
        decode_answers(answers)["household_code"] == codes[household] for household, answers in rows
    )


def test_targets_and_budgets(demo_db):
    db = demo_db.db
    assert {r[0] for r in db.execute("SELECT DISTINCT year FROM targets")} == {
        2023,
        2024,
        2025,
        2026,
    }
    assert db.execute("SELECT sum(allocated) FROM budgets").fetchone()[0] > 0
    over = """SELECT count(*) FROM budgets b WHERE b.undated_disbursed
        + (SELECT coalesce(sum(amount), 0) FROM disbursements WHERE budget_id = b.id)
        > b.allocated + b.carried_over"""
    assert db.execute(over).fetchone()[0] == 0
    # every year's lines are paid by day, some by 30 June and most after
    for year in (2022, 2023, 2024, 2025):
        half, whole = (
            db.execute(
                "SELECT sum(d.amount) FROM disbursements d JOIN budgets b ON b.id = d.budget_id "
                "WHERE b.year = ? AND d.disbursed_on BETWEEN ? AND ?",
                [year, f"{year}-01-01", last],
            ).fetchone()[0]
            for last in (f"{year}-06-30", f"{year}-12-31")
        )
        assert 0 < half < whole / 2
    assert db.execute("SELECT sum(undated_disbursed) FROM budgets").fetchone()[0] == 0


@pytest.mark.parametrize("households", [1, 5])
def test_tiny_communes_work(tmp_path, households):
    summary = create_demo(tmp_path / "t.gnapp", households=households, seed=1)
    assert summary.households == households


def test_years_of_register_events_in_date_order_and_none_still_to_come(demo_db):
    db = demo_db.db
    kinds = {r[0] for r in db.execute("SELECT DISTINCT kind FROM register_events")}
    assert {"born", "died", "joined", "left", "moved_away", "split_off", "ended"} <= kinds
    years = {
        r[0] for r in db.execute("SELECT DISTINCT substr(event_date, 1, 4) FROM register_events")
    }
    assert years == {"2022", "2023", "2024", "2025"}
    assert (
        db.execute("SELECT max(event_date) FROM register_events").fetchone()[0]
        <= demo.FIXED_CLOCK[:10]
    )
    for household_id, dates in db.execute(
        "SELECT household_id, json_group_array(event_date) FROM "
        "(SELECT household_id, event_date FROM register_events ORDER BY id) GROUP BY household_id"
    ):
        assert json.loads(dates) == sorted(json.loads(dates)), household_id


def test_a_household_that_left_has_no_later_status_nor_a_place_on_the_review_list(demo_db):
    db = demo_db.db
    later_status = db.execute(
        "SELECT count(*) FROM household_status s JOIN households h ON h.id = s.household_id "
        "WHERE h.present_until IS NOT NULL AND s.decision_date >= h.present_until"
    ).fetchone()[0]
    assert later_status == 0
    reviewed_after_leaving = db.execute(
        "SELECT count(*) FROM review_entries e JOIN households h ON h.id = e.household_id "
        "WHERE h.present_until <= '2025-11-01'"
    ).fetchone()[0]
    assert reviewed_after_leaving == 0
    left = "SELECT count(*) FROM households WHERE present_until <= '2025-11-01'"
    assert db.execute(left).fetchone()[0] > 0


def test_2025_frozen_totals_are_the_recognised_list_on_the_decision_date(demo_db):
    from gnapp.store.official_totals import official_totals

    totals = official_totals(demo_db.db, 2025).commune
    present = (
        "(present_from IS NULL OR present_from <= '2025-12-17') AND "
        "(present_until IS NULL OR present_until > '2025-12-17')"
    )
    households, poor, near_poor = demo_db.db.execute(
        f"""SELECT count(*), sum(s.status = 'poor'), sum(s.status = 'near_poor')
            FROM households h LEFT JOIN household_status s
              ON s.household_id = h.id AND s.year = 2025 WHERE {present}"""
    ).fetchone()
    assert (totals.households, totals.poor, totals.near_poor) == (households, poor, near_poor)


def test_the_packed_demo_keeps_the_rowids_its_log_names(demo_db):
    """The demo's file is packed (VACUUM) once written: each settings row (the one logged table
    whose rowid is not its INTEGER PRIMARY KEY) is still the row its log entry names."""
    logged = demo_db.db.execute(
        "SELECT row_id, json_extract(new_values, '$.key') FROM change_log "
        "WHERE table_name = 'settings' AND action = 'insert'"
    ).fetchall()
    stored = dict(demo_db.db.execute("SELECT rowid, key FROM settings").fetchall())
    assert logged and all(stored[row_id] == key for row_id, key in logged)
