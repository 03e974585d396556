import sqlite3

import pytest

from gnapp.store import database, migrations
from gnapp.store.database import DatabaseError, connect, open_database
from gnapp.store.migrations import LATEST_VERSION


def test_new_database_is_at_latest_version_with_pragmas(tmp_path):
    cdb = open_database(tmp_path / "a.gnapp", create=True)
    conn = cdb.db.conn
    assert cdb.schema_version == LATEST_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
    cdb.close()


def _page_size(path) -> int:
    """The page size written in the file's header (bytes 16-17, big-endian; 1 means 65536)."""
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    return 65536 if size == 1 else size


def test_a_new_commune_file_has_8_kib_pages_and_an_old_one_keeps_its_own(tmp_path, monkeypatch):
    new = tmp_path / "new.gnapp"
    open_database(new, create=True).close()
    assert _page_size(new) == 8192
    with sqlite3.connect(new) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 8192

    # a file of a GNApp before 8 KiB pages (4096, SQLite's default): migrated, it keeps them
    old = tmp_path / "old.gnapp"
    with monkeypatch.context() as patch:
        patch.setattr(database, "COMMUNE_PAGE_SIZE", 4096)
        open_database(old, create=True, target_version=1).close()
    assert _page_size(old) == 4096
    cdb = open_database(old)
    assert cdb.schema_version == LATEST_VERSION
    cdb.pack()
    cdb.close()
    assert _page_size(old) == 4096


def test_missing_file_and_existing_file_are_refused(tmp_path):
    with pytest.raises(DatabaseError, match="Không tìm thấy"):
        open_database(tmp_path / "none.gnapp")
    open_database(tmp_path / "a.gnapp", create=True).close()
    with pytest.raises(DatabaseError, match="đã tồn tại"):
        open_database(tmp_path / "a.gnapp", create=True)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "junk.gnapp"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="không phải cơ sở dữ liệu"):
        open_database(path)


def test_a_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.gnapp"
    open_database(path, create=True).close()
    conn = connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseError, match="phiên bản GNApp mới hơn"):
        open_database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1


def test_foreign_keys_are_enforced(new_db):
    with pytest.raises(sqlite3.IntegrityError), new_db.transaction() as db:
        db["households"].insert(
            {"code": "H1", "village_id": 999, "created_at": "x", "updated_at": "x"}
        )


def test_transaction_rolls_back_everything_on_error(new_db):
    with pytest.raises(RuntimeError), new_db.transaction() as db:
        db["settings"].insert({"key": "a", "value": "1"})
        raise RuntimeError("stop")
    assert new_db.db["settings"].count == 0
    assert new_db.db["change_log"].count == 0


def test_writes_outside_gnapp_connections_cannot_skip_the_log(tmp_path):
    path = tmp_path / "a.gnapp"
    open_database(path, create=True).close()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="gnapp_"):
        conn.execute("INSERT INTO settings (key, value) VALUES ('x', '1')")


def test_migration_from_an_older_schema_keeps_data_and_copies_the_file_aside(tmp_path):
    path = tmp_path / "old.gnapp"
    old = open_database(path, create=True, target_version=1)
    assert old.schema_version == 1
    with old.transaction() as db:
        db["villages"].insert(
            {
                "code": "T1",
                "name": "Thôn 1",
                "area": "rural",
                "name_fold": "thon 1",
                "name_sort_key": "t",
            }
        )
    assert "targets" not in old.db.table_names()
    old.close()

    backups = []
    cdb = open_database(path)
    assert cdb.schema_version == LATEST_VERSION
    assert {"targets", "budgets", "review_rounds", "questionnaires"} <= set(cdb.db.table_names())
    assert [v["name"] for v in cdb.db["villages"].rows] == ["Thôn 1"]
    backups = sorted(tmp_path.glob("old.truoc-nang-cap-v1-*.gnapp"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert copy.execute("SELECT name FROM villages").fetchall() == [("Thôn 1",)]
    # Tables added by later migrations are logged too.
    with cdb.transaction() as db:
        db["targets"].insert({"year": 2025, "code": "poverty_rate", "value": 5, "unit": "%"})
    assert (
        cdb.db.execute("SELECT count(*) FROM change_log WHERE table_name = 'targets'").fetchone()[0]
        == 1
    )
    cdb.close()


def test_a_failing_migration_leaves_the_previous_version_whole(tmp_path, monkeypatch):
    path = tmp_path / "old.gnapp"
    open_database(path, create=True, target_version=1).close()
    broken = migrations.Migration(2, "broken", ("CREATE TABLE targets (id INTEGER)", "NOT SQL"))
    monkeypatch.setattr(migrations, "MIGRATIONS", (migrations.REGISTER, broken))
    monkeypatch.setattr(migrations, "LATEST_VERSION", 2)
    with pytest.raises(DatabaseError, match="v2") as error:
        open_database(path)
    assert "truoc-nang-cap" in str(error.value)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "targets" not in names


def test_migrations_are_ordered_and_numbered_from_one():
    versions = [m.version for m in migrations.MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))


def test_migration_fills_the_household_search_text_as_the_register_computes_it(tmp_path):
    from gnapp.store.register import refresh_household_keys

    path = tmp_path / "v5.gnapp"
    old = open_database(path, create=True, target_version=5)
    with old.transaction() as db:
        db["villages"].insert(
            {
                "id": 1,
                "code": "T1",
                "name": "Thôn 1",
                "area": "rural",
                "name_fold": "thon 1",
                "name_sort_key": "t",
            }
        )
        db["households"].insert(
            {"id": 1, "code": "HGD-07", "village_id": 1, "created_at": "x", "updated_at": "x"}
        )
        for position, (name, fold_, cid) in enumerate(
            [
                ("Đinh Văn Được", "dinh van duoc", "051080000001"),
                ("Đinh Thị Hoa", "dinh thi hoa", None),
            ]
        ):
            db["members"].insert(
                {
                    "household_id": 1,
                    "position": position,
                    "full_name": name,
                    "name_fold": fold_,
                    "name_sort_key": fold_,
                    "sex": "male",
                    "birth_date": "1980",
                    "citizen_id": cid,
                    "relation": "head" if position == 0 else "spouse",
                }
            )
    old.close()
    cdb = open_database(path)
    columns = ("search_fold", "search_head_end", "search_numbers")
    migrated = [cdb.db["households"].get(1)[column] for column in columns]
    assert migrated == [" dinh van duoc | dinh thi hoa |", 15, " 051080000001 hgd-07"]
    with cdb.transaction() as db:
        refresh_household_keys(db, 1)
    assert [cdb.db["households"].get(1)[column] for column in columns] == migrated
    cdb.close()


def test_migration_23_ranks_each_household_by_its_status_in_the_newest_year(tmp_path):
    from gnapp.store.migrations import STATUS_ORDER_IN_INDEX

    path = tmp_path / "v22.gnapp"
    old = open_database(path, create=True, target_version=STATUS_ORDER_IN_INDEX.version - 1)
    with old.transaction() as db:
        db["villages"].insert({"id": 1, "code": "T01", "name": "Thôn 1", "area": "rural",
                               "name_fold": "thon 1", "name_sort_key": "t"})  # fmt: skip
        for number in range(1, 5):
            db["households"].insert({"id": number, "code": f"H{number}", "village_id": 1,
                                     "created_at": "x", "updated_at": "x"})  # fmt: skip
        statuses = [(1, 2024, "poor"), (1, 2025, "near_poor"), (2, 2025, "poor"),
                    (3, 2024, "poor"), (4, 2025, "not_poor")]  # fmt: skip
        for household, year, status in statuses:
            db["household_status"].insert(
                {"household_id": household, "year": year, "status": status}
            )
    old.close()
    cdb = open_database(path)
    db = cdb.db
    assert db.execute("SELECT year FROM status_rank_year").fetchone()[0] == 2025
    ranks = dict(db.execute("SELECT id, status_rank FROM households").fetchall())
    assert ranks == {1: 1, 2: 0, 3: 4, 4: 3}  # 3 has no status in 2025
    cdb.close()


def test_packing_merges_the_names_index_and_keeps_what_it_finds(new_db):
    from gnapp.store import register

    village = register.add_village(new_db, "T01", "Thôn An Phú", "rural")
    for n in range(120):  # one at a time: each statement leaves a segment of the names index
        head = {"full_name": f"Lê Văn Tư {n}", "sex": "male", "birth_date": "1970",
                "relation": "head"}  # fmt: skip
        register.add_household(new_db, {"code": f"H{n}", "village_id": village}, [head])
    db = new_db.db

    def found():
        return db.execute(
            'SELECT rowid FROM person_names WHERE person_names MATCH \'"le"* AND "tu"*\' '
            "ORDER BY rowid"
        ).fetchall()

    before, blocks = found(), db.execute("SELECT count(*) FROM person_names_data").fetchone()[0]
    new_db.pack()
    assert found() == before and len(before) == 120
    assert db.execute("SELECT count(*) FROM person_names_data").fetchone()[0] < blocks / 2


def test_migration_28_drops_the_members_sort_key_and_an_undo_from_before_still_works(tmp_path):
    """A member removed before v28 was logged with the sort key: undoing that removal after
    the migration puts the member back without it."""
    from gnapp.core.vietnamese import fold, name_sort_key
    from gnapp.store import register
    from gnapp.store.batches import undo_batch

    path = tmp_path / "cu.gnapp"
    with open_database(path, create=True, target_version=27, actor="Cán bộ") as old:
        village = register.add_village(old, "T01", "Thôn An Phú", "rural")
        household = register.add_household(old, {"code": "H1", "village_id": village}, [])
        for position, name, relation in ((1, "Lê Thị An", "head"), (2, "Lê Văn Bé", "child")):
            old.db.execute(  # as the register wrote members before v28
                "INSERT INTO members (household_id, position, full_name, name_fold, "
                "name_sort_key, sex, birth_date, relation) VALUES (?, ?, ?, ?, ?, 'female', "
                "'1980', ?)",
                [household, position, name, fold(name), name_sort_key(name), relation],
            )
        register.refresh_household_keys(old.db, household)
        child = old.db.execute("SELECT id FROM members WHERE relation = 'child'").fetchone()[0]
        with old.batch("edit", "Xóa người") as batch_id:
            register.remove_member(old, child)
        logged = old.db.execute("SELECT old_values FROM change_log WHERE action = 'delete' "
                                "AND table_name = 'members'").fetchone()[0]  # fmt: skip
        assert "name_sort_key" in logged
    with open_database(path) as cdb:
        assert "name_sort_key" not in cdb.db["members"].columns_dict
        undo_batch(cdb, batch_id)
        back = cdb.db.execute("SELECT full_name, name_fold FROM members WHERE id = ?", [child])
        assert back.fetchone() == ("Lê Văn Bé", "le van be")
        search = cdb.db.execute("SELECT search_fold, member_count FROM households WHERE id = ?",
                                [household]).fetchone()  # fmt: skip
        assert "be" in search[0] and search[1] == 2


def test_without_savepoints_nested_blocks_open_none_and_after_it_they_do(new_db):
    from gnapp.store import register

    statements: list[str] = []
    new_db.db.conn.set_trace_callback(statements.append)
    with new_db.transaction(), new_db.without_savepoints():
        register.add_village(new_db, "T01", "Thôn An Phú", "rural")
        register.add_village(new_db, "T02", "Thôn Bình", "rural")
    assert not [s for s in statements if s.startswith("SAVEPOINT")]
    with new_db.transaction():
        register.add_village(new_db, "T03", "Thôn Chợ", "rural")
    new_db.db.conn.set_trace_callback(None)
    assert [s for s in statements if s.startswith("SAVEPOINT")]
    assert [v["code"] for v in register.villages(new_db.db)] == ["T01", "T02", "T03"]
    with pytest.raises(RuntimeError), new_db.without_savepoints():
        pass
