import dataclasses
import json
import sqlite3
import sys
import threading

import pytest

from gnapp.store import changelog, register
from gnapp.store.batches import batch_summary, batches, undo_batch
from gnapp.store.errors import DatabaseError


def _snapshot(cdb):
    """Every row of the register's tables; a household's updated_at is left out, since an undo
    is itself a change of the household."""
    tables = ["households", "members", "household_status", "villages"]
    snapshot = {}
    for table in tables:
        columns = [c for c in cdb.db[table].columns_dict if c != "updated_at"]
        names = ", ".join(columns)
        snapshot[table] = sorted(map(tuple, cdb.db.execute(f"SELECT {names} FROM {table}")))
    return snapshot


@pytest.fixture
def village(new_db):
    register.save_commune(new_db, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    return register.add_village(new_db, "T01", "Thôn An Phú", "rural")


def _head(name="Nguyễn Văn An"):
    return {"full_name": name, "sex": "male", "birth_date": "1970", "relation": "head"}


def test_undo_of_an_import_like_batch_restores_everything(new_db, village):
    kept = register.add_household(new_db, {"code": "H0", "village_id": village}, [_head()])
    member = new_db.db.execute("SELECT id FROM members WHERE household_id = ?", [kept]).fetchone()[
        0
    ]
    before = _snapshot(new_db)

    with new_db.batch("import", "ds-ho.xlsx", source="/tmp/ds-ho.xlsx") as batch_id:
        for n in range(1, 4):
            register.add_household(
                new_db, {"code": f"H{n}", "village_id": village}, [_head(f"Trần Văn {n}")]
            )
        register.update_member(new_db, member, {"full_name": "Nguyễn Văn Ân"})
        register.set_status(new_db, kept, 2025, "poor")
        register.remove_member(
            new_db,
            new_db.db.execute("SELECT id FROM members WHERE household_id = ?", [kept]).fetchone()[
                0
            ],
        )
    assert new_db.db["households"].count == 4
    assert batch_summary(new_db.db, batch_id)["households"]["insert"] == 3

    undo_id = undo_batch(new_db, batch_id)
    assert _snapshot(new_db) == before
    listed = {b.id: b for b in batches(new_db.db)}
    assert listed[batch_id].undone_at is not None
    assert listed[undo_id].kind == "undo"
    with pytest.raises(DatabaseError, match="đã được hoàn tác"):
        undo_batch(new_db, batch_id)


def test_undo_refuses_when_a_row_was_changed_afterwards(new_db, village):
    with new_db.batch("import", "ds.xlsx") as batch_id:
        household = register.add_household(new_db, {"code": "H1", "village_id": village}, [_head()])
    new_db.actor = "Lê Thị B"
    register.update_household(new_db, household, {"floor_area_m2": 30})
    with pytest.raises(DatabaseError, match=r"H1.*Lê Thị B"):
        undo_batch(new_db, batch_id)
    assert new_db.db["households"].count == 1


@pytest.mark.parametrize("later_work", ["status", "member", "policy benefit"])
def test_undo_refuses_when_an_added_household_got_more_data_afterwards(new_db, village,
                                                                         later_work):  # fmt: skip
    from gnapp.store.activities import add_policy_benefit

    with new_db.batch("import", "ds.xlsx") as batch_id:
        household = register.add_household(new_db, {"code": "H1", "village_id": village}, [_head()])
    new_db.actor = "Lê Thị B"
    if later_work == "status":
        register.set_status(new_db, household, 2025, "poor")
    elif later_work == "member":
        register.add_member(new_db, household, {**_head("Trần Thị C"), "relation": "spouse"})
    else:
        add_policy_benefit(new_db, 2025, "health_insurance", household)
    before = _snapshot(new_db)
    with pytest.raises(DatabaseError, match=r"Không thể hoàn tác lô 'ds.xlsx': hộ H1 .*Lê Thị B"):
        undo_batch(new_db, batch_id)
    assert _snapshot(new_db) == before


def test_a_failed_batch_leaves_no_batch_and_no_rows(new_db, village):
    with pytest.raises(sqlite3.IntegrityError), new_db.batch("import", "x"):
        register.add_household(new_db, {"code": "H1", "village_id": village}, [_head()])
        register.add_household(new_db, {"code": "H1", "village_id": village}, [_head()])
    assert new_db.db["households"].count == 0
    assert new_db.db["batches"].count == 0
    assert new_db.current_batch is None


def test_batches_do_not_nest(new_db):
    with pytest.raises(DatabaseError), new_db.batch("a", "a"), new_db.batch("b", "b"):
        pass


def _households(count):
    for n in range(count):
        members = [_head(f"Lê Văn {n}")] + [
            {"full_name": f"Lê Thị Con {n} {k}", "sex": "female", "birth_date": "2010",
             "relation": "child", "citizen_id": None}
            for k in range(n % 3)
        ]  # fmt: skip
        yield {"code": f"B{n:04d}", "village_id": 1, "floor_area_m2": n or None}, members


def _log(cdb):
    return cdb.db.execute(
        "SELECT at, actor, table_name, row_id, household_id, action, old_values, new_values, "
        "batch_id FROM change_log ORDER BY id"
    ).fetchall()


def _each_row(cdb):
    """The log with each bulk insert spelled out row by row, values decoded."""
    rows = cdb.db.query("SELECT * FROM change_log ORDER BY id")
    changes = changelog.each_row(cdb.db, map(changelog.change_from_row, rows))
    return [dataclasses.replace(change, id=None) for change in changes]


def _later_work(cdb):
    """Edits and removals after the import, which the values of its rows must be walked back
    through."""
    for household in (1, 5, 700):
        register.update_household(cdb, household, {"floor_area_m2": 99.5, "address": "Xóm Mới"})
    members = [row[0] for row in cdb.db.execute("SELECT id FROM members WHERE id % 97 = 0")]
    for member in members[:5]:
        register.update_member(cdb, member, {"full_name": "Tên Mới", "citizen_id": None})
    for member in members[5:9]:
        register.remove_member(cdb, member)
    register.update_member(cdb, members[9], {"full_name": "Đổi Rồi Xóa"})
    register.remove_member(cdb, members[9])


def test_bulk_inserts_are_logged_compactly_and_exactly(tmp_path, monkeypatch):
    """add_households logs each household's run of rows in one row; spelled out row by row,
    values walked back from the tables through the later changes, the log is exactly what the
    insert triggers write row by row (compared with the triggers doing it)."""
    from contextlib import contextmanager

    from gnapp.store.database import open_database

    def open_new(name):
        cdb = open_database(tmp_path / name, create=True, actor="Cán bộ A",
                            clock=lambda: "2026-12-03T08:00:00Z")  # fmt: skip
        register.save_commune(cdb, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
        register.add_village(cdb, "T01", "Thôn An Phú", "rural")
        return cdb

    bulk = open_new("bulk.gnapp")
    with bulk.batch("import", "ds.xlsx"):
        register.add_households(bulk, _households(1203))  # more than two chunks of 500
    compact = len(_log(bulk))
    _later_work(bulk)

    @contextmanager
    def by_triggers(db, table):
        yield lambda first, last: None

    monkeypatch.setattr(register, "logged_in_bulk", by_triggers)
    triggered = open_new("triggers.gnapp")
    with triggered.batch("import", "ds.xlsx"):
        register.add_households(triggered, _households(1203))
    by_row = len(_log(triggered))
    _later_work(triggered)
    # one row per chunk of 500 households and one per chunk's members, against one per row
    assert compact == 2 + 2 * 3 and by_row == 2 + 1203 + 2406
    assert _each_row(bulk) == _each_row(triggered)
    for household in (1, 5, 500, 501, 700, 1203):
        histories = [
            [
                dataclasses.replace(c, id=None)
                for c in changelog.changes_of_household(cdb.db, household)
            ]
            for cdb in (bulk, triggered)
        ]
        assert histories[0] == histories[1] and len(histories[0]) >= 2
    assert changelog.verify_chain(bulk.db.conn) is None


def test_after_a_bulk_insert_or_a_failed_one_single_inserts_are_still_logged(new_db, village):
    register.add_households(new_db, _households(3))
    broken = [({"code": "X1", "village_id": village}, [_head()]),
              ({"code": "X1", "village_id": village}, [_head()])]  # fmt: skip  # same code twice
    before = _snapshot(new_db), _log(new_db)
    with pytest.raises(sqlite3.IntegrityError):
        register.add_households(new_db, broken)
    assert (_snapshot(new_db), _log(new_db)) == before
    triggers = {row[0] for row in new_db.db.execute("SELECT name FROM sqlite_master "
                                                    "WHERE type = 'trigger'")}  # fmt: skip
    assert {"log_households_insert", "log_members_insert"} <= triggers
    household = register.add_household(new_db, {"code": "LE", "village_id": village}, [_head()])
    new_db.db.execute(
        "INSERT INTO members (household_id, position, full_name, name_fold, sex, "
        "birth_date, relation) VALUES (?, 2, 'Lê Văn Tay', 'le van tay', 'male', '2015', "
        "'child')",
        [household],
    )
    logged = changelog.changes_of_household(new_db.db, household)
    # the household, its head, and the member inserted by plain SQL
    assert [(c.table_name, c.action) for c in logged] == [
        ("households", "insert"), ("members", "insert"), ("members", "insert")
    ]  # fmt: skip
    assert logged[-1].new_values["full_name"] == "Lê Văn Tay"


def test_undoing_a_member_added_to_a_kept_household_restores_its_keys(new_db, village):
    kept = register.add_household(new_db, {"code": "H0", "village_id": village}, [_head()])
    before = _snapshot(new_db)
    with new_db.batch("import", "them-nguoi.xlsx") as batch_id:
        register.add_households(new_db, _households(2))
        register.add_member(new_db, kept, {"full_name": "Nguyễn Thị Mới", "sex": "female",
                                           "birth_date": "2001", "relation": "child"})  # fmt: skip
    assert "moi" in new_db.db.execute("SELECT search_fold FROM households WHERE id = ?",
                                      [kept]).fetchone()[0]  # fmt: skip
    undo_batch(new_db, batch_id)
    assert _snapshot(new_db) == before  # search and sort keys included


def test_a_cancelled_undo_undoes_nothing(new_db, village):
    from gnapp.progress import Cancelled, Progress

    with new_db.batch("import", "ds.xlsx") as batch_id:
        register.add_households(new_db, _households(30))
    before = _snapshot(new_db), _log(new_db)
    stop = Progress()
    stop.cancel()
    with pytest.raises(Cancelled):
        undo_batch(new_db, batch_id, stop)
    assert (_snapshot(new_db), _log(new_db)) == before
    assert [b.undone_at for b in batches(new_db.db)] == [None]


def test_the_demo_logged_by_runs_has_the_history_it_had_row_by_row(tmp_path, monkeypatch):
    """The same demo commune made twice, its households' rows logged by runs (its members in
    bulk, every other row as a run of one) and row by row with a JSON copy each: the same
    register, and every household's changes, spelled out, the same."""
    from contextlib import contextmanager

    from gnapp.demo import create_demo
    from gnapp.store.database import open_database
    from gnapp.store.household_history import history_rows

    create_demo(tmp_path / "runs.gnapp", households=60)

    @contextmanager
    def by_triggers(db, table):
        yield lambda first, last: None

    @contextmanager
    def each_row_whole(db, tables):
        yield

    monkeypatch.setattr(register, "logged_in_bulk", by_triggers)
    monkeypatch.setattr(changelog, "inserts_logged_as_runs", each_row_whole)
    create_demo(tmp_path / "rows.gnapp", households=60)
    with (
        open_database(tmp_path / "runs.gnapp") as runs,
        open_database(tmp_path / "rows.gnapp") as rows,
    ):
        assert _snapshot(runs) == _snapshot(rows)
        assert len(_log(runs)) < len(_log(rows))
        copies = "SELECT count(*) FROM change_log WHERE action = 'insert' AND household_id > 0"
        assert runs.db.execute(copies).fetchone()[0] == 0 < rows.db.execute(copies).fetchone()[0]
        households = {row[0] for row in rows.db.execute("SELECT household_id FROM change_log")}
        for household in households - {None}:
            spelled_out = [
                [
                    dataclasses.replace(change, id=None)
                    for change in changelog.changes_of_household(cdb.db, household)
                ]
                for cdb in (runs, rows)
            ]
            assert spelled_out[0] == spelled_out[1]
            assert history_rows(runs.db, household) == history_rows(rows.db, household)


def _single_inserts(cdb, village):
    """Households, statuses, members and policies written one row at a time, then edited,
    some removed and the household of one moved."""
    from gnapp.store.activities import add_policy_benefit

    households = [
        register.add_household(cdb, {"code": f"S{n}", "village_id": village}, [_head(f"Lê {n}")])
        for n in range(4)
    ]
    for household in households:
        register.set_status(cdb, household, 2024, "poor", movement="new_poor")
        add_policy_benefit(cdb, 2025, "health_insurance", household, granted_on="2025-01-15")
    spouse = register.add_member(cdb, households[0], {**_head("Trần Thị B"), "relation": "spouse"})
    register.set_status(cdb, households[1], 2024, "near_poor", note="Sửa sau")
    register.update_member(cdb, spouse, {"full_name": "Trần Thị Bê"})
    register.remove_member(cdb, spouse)
    cdb.db.execute("DELETE FROM household_status WHERE household_id = ?", [households[2]])
    register.set_status(cdb, households[2], 2025, "not_poor")  # may take a removed row's id
    return households


def test_single_inserts_logged_as_runs_spell_out_as_the_triggers_log_them(tmp_path):
    """Inside inserts_logged_as_runs each insert is a run of one row; spelled out it is the
    log the triggers write with a JSON copy of each row, and the history is the same."""
    from gnapp.store.database import open_database
    from gnapp.store.household_history import history_rows

    logs, spelled, histories = [], [], []
    for name, tables in (("runs", ["households", "members", "household_status",
                                   "policy_benefits"]), ("rows", [])):  # fmt: skip
        cdb = open_database(tmp_path / f"{name}.gnapp", create=True, actor="Cán bộ A",
                            clock=lambda: "2026-12-03T08:00:00Z")  # fmt: skip
        register.save_commune(cdb, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
        village = register.add_village(cdb, "T01", "Thôn An Phú", "rural")
        with cdb.transaction() as db, changelog.inserts_logged_as_runs(db, tables):
            households = _single_inserts(cdb, village)
        register.set_status(cdb, households[3], 2025, "poor")  # outside: a JSON copy again
        logs.append(_log(cdb))
        spelled.append(_each_row(cdb))
        histories.append([history_rows(cdb.db, household) for household in households])
        assert changelog.verify_chain(cdb.db.conn) is None
        cdb.close()
    actions = [row[5] for row in logs[0] if row[2] != "villages" and row[2] != "commune"]
    assert "insert_rows" in actions and actions[-1] == "insert"
    assert len(logs[0]) == len(logs[1])
    assert sum(len(str(row[7])) for row in logs[0]) < sum(len(str(row[7])) for row in logs[1])
    assert spelled[0] == spelled[1]
    assert histories[0] == histories[1]


def test_a_batch_of_single_inserts_logged_as_runs_is_undone_whole(new_db, village):
    before = _snapshot(new_db)
    with (
        new_db.batch("import", "tung-dong.xlsx") as batch_id,
        changelog.inserts_logged_as_runs(new_db.db, ["households", "members",
                                                     "household_status"]),
    ):  # fmt: skip
        for n in range(3):
            household = register.add_household(
                new_db, {"code": f"R{n}", "village_id": village}, [_head(f"Lê {n}")]
            )
            register.set_status(new_db, household, 2025, "poor")
    assert {row[5] for row in _log(new_db) if row[8] == batch_id} == {"insert_rows"}
    assert batch_summary(new_db.db, batch_id)["household_status"]["insert"] == 3
    undo_batch(new_db, batch_id)
    assert _snapshot(new_db) == before


def test_triggers_from_before_log_single_inserts_whole(new_db, village):
    """A file whose insert triggers cannot log a run of one (made before this, not migrated
    since) keeps logging a JSON copy of each row inside inserts_logged_as_runs."""
    new_db.db.execute("DROP TRIGGER log_household_status_insert")
    new_db.db.execute(
        "CREATE TRIGGER log_household_status_insert AFTER INSERT ON household_status "
        "WHEN gnapp_logs_each_insert('household_status') BEGIN INSERT INTO change_log "
        "(at, actor, table_name, row_id, household_id, action, old_values, new_values) VALUES "
        "(gnapp_now(), gnapp_actor(), 'household_status', NEW.rowid, NEW.household_id, "
        "'insert', NULL, json_object('status', NEW.status)); END"
    )
    household = register.add_household(new_db, {"code": "H1", "village_id": village}, [_head()])
    with (
        new_db.transaction() as db,
        changelog.inserts_logged_as_runs(db, ["households", "household_status"]),
    ):
        register.set_status(new_db, household, 2025, "poor")
    assert _log(new_db)[-1][5:8] == ("insert", None, '{"status":"poor"}')
    with pytest.raises(RuntimeError), changelog.inserts_logged_as_runs(new_db.db, []):
        pass  # outside a transaction


def _statuses_in_a_row(cdb, households):
    """Two years of statuses of several households written one after another, then one
    edited and one removed."""
    for year, status in ((2024, "poor"), (2025, "near_poor")):
        for household in households:
            register.set_status(cdb, household, year, status)
    register.set_status(cdb, households[1], 2024, "near_poor", note="Sửa sau")
    cdb.db.execute(
        "DELETE FROM household_status WHERE household_id = ? AND year = 2025", [households[2]]
    )


def test_inserts_of_several_households_in_a_row_are_one_run_spelled_out_exactly(tmp_path):
    """Inside inserts_logged_as_runs, an insert that follows the log's last row, a run of the
    same table, makes it longer, though its household differs: the run lists its households.
    Spelled out, the log and every household's history are those the triggers write row by
    row, and the chain holds."""
    from gnapp.store.database import open_database
    from gnapp.store.household_history import history_rows

    logs, spelled, histories = [], [], []
    for name, tables in (("runs", ["household_status"]), ("rows", [])):
        cdb = open_database(tmp_path / f"{name}.gnapp", create=True, actor="Cán bộ A",
                            clock=lambda: "2026-12-03T08:00:00Z")  # fmt: skip
        register.save_commune(cdb, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
        village = register.add_village(cdb, "T01", "Thôn An Phú", "rural")
        households = [
            register.add_household(cdb, {"code": f"S{n}", "village_id": village}, [_head()])
            for n in range(4)
        ]
        with cdb.transaction() as db, changelog.inserts_logged_as_runs(db, tables):
            _statuses_in_a_row(cdb, households)
        logs.append(_log(cdb))
        spelled.append(_each_row(cdb))
        histories.append([history_rows(cdb.db, household) for household in households])
        assert changelog.verify_chain(cdb.db.conn) is None
        cdb.close()
    runs = [row for row in logs[0] if row[2] == "household_status" and row[5] == "insert_rows"]
    assert [(*row[3:6], row[7]) for row in runs] == [
        (1, None, "insert_rows", '{"last":8,"households":[1,2,3,4,1,2,3,4]}')
    ]
    assert len(logs[0]) == len(logs[1]) - 7
    assert spelled[0] == spelled[1]
    assert histories[0] == histories[1]


def test_a_run_lists_at_most_so_many_households(new_db, village, monkeypatch):
    monkeypatch.setattr(changelog, "RUN_HOUSEHOLDS_MAX", 3)
    changelog.install_triggers(new_db.db)  # the triggers write the limit into their SQL
    with new_db.batch("import", "ds.xlsx"):
        register.add_households(new_db, _households(7))
    households = [row[0] for row in new_db.db.execute("SELECT id FROM households")]
    with new_db.transaction() as db, changelog.inserts_logged_as_runs(db, ["household_status"]):
        for household in households:
            register.set_status(new_db, household, 2025, "poor")
    listed = {
        table: [json.loads(values).get("households") for values in found]
        for table in ("households", "household_status")
        for found in [
            [row[7] for row in _log(new_db) if row[2] == table and row[5] == "insert_rows"]
        ]
    }
    assert listed == {
        "households": [[1, 2, 3], [4, 5, 6], None],
        "household_status": [[1, 2, 3], [4, 5, 6], None],
    }
    assert [c.household_id for c in _each_row(new_db) if c.table_name == "households"] == [
        1, 2, 3, 4, 5, 6, 7
    ]  # fmt: skip


def test_a_member_moved_after_a_bulk_insert_stays_in_its_first_households_history(new_db, village):
    with new_db.batch("import", "ds.xlsx"):
        register.add_households(new_db, _households(6))
    members_of_3 = [row[0] for row in new_db.db.execute("SELECT id FROM members "
                                                        "WHERE household_id = 3")]  # fmt: skip
    moved = members_of_3[-1]
    new_db.db.execute("UPDATE members SET household_id = 5 WHERE id = ?", [moved])
    removed = new_db.db.execute("SELECT id FROM members WHERE household_id = 6 AND "
                                "relation = 'child'").fetchone()[0]  # fmt: skip
    register.remove_member(new_db, removed)

    def inserted(household):
        return [
            (c.table_name, c.row_id, c.household_id)
            for c in changelog.changes_of_household(new_db.db, household)
            if c.action == "insert"
        ]

    assert inserted(3) == [("households", 3, 3)] + [("members", m, 3) for m in members_of_3]
    assert ("members", moved, 3) not in inserted(5)
    assert ("members", removed, 6) in inserted(6)


def test_undo_refuses_when_a_later_run_of_several_households_holds_one_of_its_own(new_db, village):
    with new_db.batch("import", "ds.xlsx") as batch_id:
        register.add_households(new_db, _households(3))
    new_db.actor = "Lê Thị B"
    with new_db.transaction() as db, changelog.inserts_logged_as_runs(db, ["household_status"]):
        for household in (1, 2, 3):
            register.set_status(new_db, household, 2025, "poor")
    assert [row[4] for row in _log(new_db) if row[2] == "household_status"] == [None]
    before = _snapshot(new_db)
    with pytest.raises(DatabaseError, match=r"lô 'ds.xlsx': hộ B0000 .*Lê Thị B"):
        undo_batch(new_db, batch_id)
    assert _snapshot(new_db) == before


def _schema(cdb):
    return sorted(cdb.db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def test_a_bulk_insert_failing_in_a_later_chunk_leaves_nothing_half_done(new_db, village):
    """The chunks' rows go in on a second thread while the next chunk is prepared: an error
    there (a code repeated 600 households later, in the second chunk) still rolls back the
    whole insert, the insert triggers dropped meanwhile come back, the thread is gone and the
    switch interval is restored."""
    register.add_households(new_db, _households(3))
    households = list(_households(700))
    households[650] = ({**households[650][0], "code": "B0010"}, households[650][1])
    before = _snapshot(new_db), _log(new_db), _schema(new_db)
    threads, switching = threading.active_count(), sys.getswitchinterval()
    with pytest.raises(sqlite3.IntegrityError):
        register.add_households(new_db, [(dict(f, code="N" + f["code"]), m) for f, m in households])
    assert (_snapshot(new_db), _log(new_db), _schema(new_db)) == before
    assert (threading.active_count(), sys.getswitchinterval()) == (threads, switching)
    new_db.db.execute(  # logged by the trigger, back again
        "INSERT INTO members (household_id, position, full_name, name_fold, sex, birth_date, "
        "relation) VALUES (1, 2, 'Lê Văn Tay', 'le van tay', 'male', '2015', 'child')"
    )
    assert [(row[2], row[5]) for row in _log(new_db)[len(before[1]) :]] == [("members", "insert")]


def test_a_bulk_insert_cancelled_between_chunks_leaves_nothing(new_db, village):
    def cancel(done):
        if done == 500:
            raise KeyboardInterrupt

    before = _snapshot(new_db), _log(new_db), _schema(new_db)
    with pytest.raises(KeyboardInterrupt):
        register.add_households(new_db, _households(1200), cancel)
    assert (_snapshot(new_db), _log(new_db), _schema(new_db)) == before


def test_a_bulk_insert_keeps_the_schema(new_db, village):
    before = _schema(new_db)
    register.add_households(new_db, _households(1203))
    assert _schema(new_db) == before
    assert new_db.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_switch_interval_comes_back_once_the_last_of_two_bulk_inserts_is_done():
    before = sys.getswitchinterval()
    first, second = register._SHORT_SWITCHING.held(), register._SHORT_SWITCHING.held()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first done while the second runs
    assert sys.getswitchinterval() == pytest.approx(register._SWITCH_INTERVAL)
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before
