import sqlite3

import pytest

from gnapp.store import register
from gnapp.store.changelog import changes_of_household, changes_of_row
from gnapp.store.errors import DatabaseError


@pytest.fixture
def village(new_db):
    register.save_commune(new_db, code="21555", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    return register.add_village(new_db, "T01", "Thôn An Phú", "rural")


def head(**extra):
    return {
        "full_name": "Nguyễn Văn Được",
        "sex": "male",
        "birth_date": "1970-05-02",
        "relation": "head",
        **extra,
    }


def test_add_household_stores_members_keys_and_head(new_db, village):
    household_id = register.add_household(
        new_db,
        {
            "code": "H1",
            "village_id": village,
            "floor_area_m2": 40,
            "walls_durable": True,
            "information_devices": ["tv"],
        },
        [
            head(),
            {
                "full_name": "Trần Thị Hoa",
                "sex": "female",
                "birth_date": "1972",
                "relation": "spouse",
            },
        ],
    )
    row = new_db.db["households"].get(household_id)
    assert row["head_name"] == "Nguyễn Văn Được"
    assert row["head_name_fold"] == "nguyen van duoc"
    members = list(new_db.db.query("SELECT * FROM members ORDER BY position"))
    assert [m["position"] for m in members] == [1, 2]
    assert members[1]["name_fold"] == "tran thi hoa"


def test_text_is_stored_in_nfc(new_db, village):
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"
    household_id = register.add_household(
        new_db, {"code": "H1", "village_id": village}, [head(full_name=decomposed)]
    )
    assert new_db.db["households"].get(household_id)["head_name"] == "Nguyễn Văn A"


def test_unknown_fields_are_refused(new_db, village):
    with pytest.raises(DatabaseError, match="colour"):
        register.add_household(new_db, {"code": "H1", "village_id": village, "colour": 1}, [head()])
    assert new_db.db["households"].count == 0


def test_every_change_is_logged_with_actor_old_and_new(new_db, village):
    household_id = register.add_household(
        new_db, {"code": "H1", "village_id": village, "floor_area_m2": 40}, [head()]
    )
    member_id = new_db.db.execute("SELECT id FROM members").fetchone()[0]
    new_db.actor = "Lê Thị Cán Bộ"
    register.update_household(new_db, household_id, {"floor_area_m2": 32.5})
    register.update_member(new_db, member_id, {"has_health_insurance": True})
    register.set_status(new_db, household_id, 2025, "poor", decision_number="1/QĐ-UBND")
    extra = register.add_member(
        new_db,
        household_id,
        {
            "full_name": "Nguyễn Văn Bé",
            "sex": "male",
            "birth_date": "2019-01-01",
            "relation": "child",
        },
    )
    register.remove_member(new_db, extra)

    log = changes_of_household(new_db.db, household_id)
    by_actor = [c for c in log if c.actor == "Lê Thị Cán Bộ"]
    area = next(
        c
        for c in by_actor
        if c.table_name == "households" and c.new_values and "floor_area_m2" in c.new_values
    )
    assert area.old_values["floor_area_m2"] == 40
    assert area.new_values["floor_area_m2"] == 32.5
    insurance = next(c for c in by_actor if c.table_name == "members" and c.action == "update")
    assert insurance.old_values == {"has_health_insurance": None}
    assert insurance.new_values == {"has_health_insurance": 1}
    status = next(c for c in by_actor if c.table_name == "household_status")
    assert status.action == "insert" and status.new_values["status"] == "poor"
    deleted = next(c for c in by_actor if c.action == "delete")
    assert deleted.old_values["full_name"] == "Nguyễn Văn Bé"
    assert all(c.at for c in log)
    # The earlier inserts were made by the default actor.
    assert {c.actor for c in log if c.action == "insert" and c.table_name == "members"} >= {
        "Cán bộ thử"
    }


def test_a_no_op_update_is_not_logged(new_db, village):
    household_id = register.add_household(
        new_db, {"code": "H1", "village_id": village, "floor_area_m2": 40}, [head()]
    )
    before = new_db.db["change_log"].count
    new_db.db["households"].update(household_id, {"floor_area_m2": 40})
    assert new_db.db["change_log"].count == before


def test_failed_change_leaves_no_log_and_no_partial_data(new_db, village):
    before = new_db.db["change_log"].count
    with pytest.raises(Exception):  # noqa: B017 - the check constraint on sex
        register.add_household(
            new_db,
            {"code": "H1", "village_id": village},
            [head(), {"full_name": "X", "sex": "other", "birth_date": "2000", "relation": "child"}],
        )
    assert new_db.db["households"].count == 0
    assert new_db.db["change_log"].count == before


def test_status_rewrite_updates_the_same_row(new_db, village):
    household_id = register.add_household(new_db, {"code": "H1", "village_id": village}, [head()])
    register.set_status(new_db, household_id, 2025, "poor")
    register.set_status(new_db, household_id, 2025, "near_poor")
    rows = list(new_db.db.query("SELECT * FROM household_status"))
    assert len(rows) == 1 and rows[0]["status"] == "near_poor"
    log = changes_of_row(new_db.db, "household_status", rows[0]["id"])
    assert [c.action for c in log] == ["insert", "update"]
    assert log[1].old_values == {"status": "poor"}


def test_household_record_round_trip(new_db, village):
    household_id = register.add_household(
        new_db,
        {
            "code": "H1",
            "village_id": village,
            "floor_area_m2": 40,
            "uses_telecom": False,
            "ethnic_minority": True,
            "causes_of_poverty": ["lack_of_capital"],
        },
        [head(has_health_insurance=False, citizen_id="051070001234")],
    )
    record = register.household_record(new_db.db, household_id, {"b1_score": 120})
    assert record["household_code"] == "H1"
    assert record["village"] == "Thôn An Phú"
    assert record["area"] == "rural"
    assert record["uses_telecom"] is False
    assert record["groups"]["ethnic_minority"] is True
    assert record["income"] == {"b1_score": 120}
    assert record["members"][0]["has_health_insurance"] is False
    assert "malnourished" not in record["members"][0]
    assert [r for _, r in register.iter_household_records(new_db.db)] == [
        register.household_record(new_db.db, household_id)
    ]


def test_villages_sorted_in_vietnamese_order(new_db):
    for code, name in [("1", "Thôn Đồng"), ("2", "Thôn Dương"), ("3", "Thôn Ấp"), ("4", "Thôn An")]:
        register.add_village(new_db, code, name, "rural")
    names = [v["name"] for v in register.villages(new_db.db)]
    assert names == ["Thôn An", "Thôn Ấp", "Thôn Dương", "Thôn Đồng"]


def test_the_next_household_code_follows_the_communes_pattern(new_db, village):
    assert register.next_household_code(new_db.db) is None  # no code to follow yet
    for code in ("HGD-00007", "HGD-00012", "HGD-00013", "T2-99", "khac"):
        register.add_household(new_db, {"code": code, "village_id": village}, [head()])
    assert register.next_household_code(new_db.db) == "HGD-00014"
    register.add_household(new_db, {"code": "HGD-0014", "village_id": village}, [head()])
    assert register.next_household_code(new_db.db) == "HGD-00014"  # its width, not taken


def test_a_households_search_text_keeps_each_person_apart_the_head_first(new_db, village):
    wife = {**head(full_name="Nguyễn Hồng Lan"), "relation": "wife"}
    household = register.add_household(
        new_db, {"code": "H1", "village_id": village}, [wife, head(full_name="Huỳnh Công An")]
    )
    text = new_db.db["households"].get(household)["search_fold"]
    assert text == " huynh cong an | nguyen hong lan |"


def test_a_bulk_insert_indexes_members_names_exactly_as_inserts_one_by_one(tmp_path):
    """add_households moves each chunk's members into the table with one statement (their
    names' index written by its trigger in one go, not one segment a member): over several
    chunks, the index holds exactly the terms and members that adding the same members one at
    a time gives, and a search by person finds the same households."""
    from gnapp.store.database import open_database

    given = ("An", "Bình", "Được", "Hoà", "Thoa", "Ánh")

    def member(name: str, relation: str) -> dict[str, str]:
        return {"full_name": name, "sex": "male", "birth_date": "1980", "relation": relation}

    households = [
        (
            {"code": f"H{number:04d}"},
            [
                member(f"Nguyễn Văn {given[number % 6]} {number}", "head"),
                member(f"Trần Thị {given[(number + 1) % 6]}", "wife"),
                member(f"Nguyễn Văn {given[(number + 2) % 6]}", "child"),
            ],
        )
        for number in range(600)  # two chunks (of at most 500 households)
    ]
    indexes = []
    for name, bulk in (("bulk", True), ("one-by-one", False)):
        with open_database(tmp_path / f"{name}.gnapp", create=True, actor="thử") as cdb:
            village = register.add_village(cdb, "T01", "Thôn 1", "rural")
            rows = [({**fields, "village_id": village}, members) for fields, members in households]
            if bulk:
                register.add_households(cdb, rows)
            else:
                with cdb.transaction():  # one commit
                    for fields, (head, *others) in rows:
                        household_id = register.add_household(cdb, fields, [head])
                        for member in others:  # one INSERT a member: the trigger, row by row
                            register.add_member(cdb, household_id, member)
            db = cdb.db
            db.execute(
                "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, person_names, instance)"
            )
            found = [
                db.execute(
                    "SELECT rowid >> 32 FROM person_names WHERE person_names MATCH ? "
                    "ORDER BY rowid",
                    [words],
                ).fetchall()
                for words in ("nguyen", "tran thi", "duoc", "ho*", "van an", "anh 1*")
            ]
            terms = db.execute("SELECT term, doc FROM temp.terms ORDER BY term, doc").fetchall()
            indexes.append((terms, found))
    assert len(indexes[0][0]) > 5_000
    assert all(indexes[0][1])
    assert indexes[0] == indexes[1]


def test_a_large_bulk_insert_builds_the_households_indexes_afterwards_same_schema(
    tmp_path, monkeypatch
):
    """add_households of more households than the register holds drops the households' plain
    indexes and creates them again from their own SQL after the rows (faster than keeping them
    up to date row by row): the schema is the same after, the indexes agree with the table, and
    a bulk insert that fails leaves every index as it was. A smaller insert keeps them."""
    from gnapp.store.database import open_database

    monkeypatch.setattr(register, "_REBUILT_FROM", 20)

    def households(count: int, start: int = 0) -> list:
        return [
            (
                {"code": f"H{number:04d}", "village_id": 1},
                [head(full_name=f"Nguyễn Văn {chr(0x41 + number % 26)} {number}")],
            )
            for number in range(start, start + count)
        ]

    def schema(db) -> set:
        return set(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())

    with open_database(tmp_path / "xa.gnapp", create=True, actor="thử") as cdb:
        register.add_village(cdb, "T01", "Thôn 1", "rural")
        before = schema(cdb.db)
        statements: list[str] = []
        cdb.db.conn.set_trace_callback(statements.append)
        with pytest.raises(sqlite3.IntegrityError):  # the last code is the first one again
            register.add_households(cdb, [*households(30), households(1)[0]])
        assert schema(cdb.db) == before
        assert cdb.db["households"].count == 0
        assert any(s.startswith('DROP INDEX "households_search"') for s in statements)
        statements.clear()
        register.add_households(cdb, households(30))
        dropped = {s for s in statements if s.startswith("DROP INDEX")}
        plain = cdb.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'households' "
            "AND sql LIKE 'CREATE INDEX %'"
        ).fetchall()
        assert dropped == {f'DROP INDEX "{name}"' for (name,) in plain}
        assert len(dropped) == 8  # not the code's (UNIQUE) index
        assert schema(cdb.db) == before
        assert cdb.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        statements.clear()
        register.add_households(cdb, households(25, start=30))  # fewer than the register holds
        assert not [s for s in statements if s.startswith("DROP INDEX")]
        cdb.db.conn.set_trace_callback(None)
        assert cdb.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        found = cdb.db.execute(
            "SELECT code FROM households INDEXED BY households_search ORDER BY head_sort_key, id"
        ).fetchall()
        assert [code for (code,) in found] == [
            code
            for (code,) in cdb.db.execute(
                "SELECT code FROM households NOT INDEXED ORDER BY head_sort_key, id"
            ).fetchall()
        ]
        assert len(found) == 55
