"""The change log's hash chain: written with every row (triggers, bulk inserts, undo), computed
for an older database by its migration, and broken by an edit or a removal made with another
tool, which ``gnapp db check`` names (exit status 3)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from gnapp.cli import main
from gnapp.store import changelog, register
from gnapp.store.backups import check_integrity
from gnapp.store.batches import undo_batch
from gnapp.store.database import open_database


def _households(count):
    head = {"full_name": "Nguyễn Văn An", "sex": "male", "birth_date": "1970", "relation": "head"}
    return [({"code": f"B{n}", "village_id": 1}, [head]) for n in range(count)]


@pytest.fixture
def demo_copy(small_demo_file, tmp_path):
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def _raw(path):
    """A connection as sqlite3 would give someone editing the file by hand."""
    return sqlite3.connect(path, isolation_level=None)


def test_every_way_of_writing_the_log_keeps_the_chain(new_db):
    register.save_commune(new_db, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    register.add_village(new_db, "T01", "Thôn An Phú", "rural")
    with new_db.batch("import", "ds.xlsx") as batch_id:
        register.add_households(new_db, _households(1203))  # the bulk path, three chunks
    household = register.add_household(new_db, {"code": "H1", "village_id": 1}, [])
    register.set_status(new_db, household, 2025, "poor")
    undo_batch(new_db, batch_id)
    conn = new_db.db.conn
    assert conn.execute("SELECT count(*) FROM change_log WHERE chain_hash IS NULL").fetchone() == (
        0,
    )
    assert changelog.verify_chain(conn) is None
    head = changelog.chain_head(conn)
    assert head.length > 2 * 1203  # the runs inserted, then each row deleted by the undo
    assert changelog.hash_at(conn, head.length) == head.head


def test_hashes_are_stored_as_32_bytes_and_a_file_of_hex_digits_is_converted(
    tmp_path, members_as_before_v28
):
    """Schema v26 stores each hash as its bytes; the head a package carries stays 64 hex
    digits, the same before and after the migration of an older file."""
    path = tmp_path / "cu.gnapp"
    with open_database(path, create=True, target_version=25) as old:
        register.save_commune(old, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
        register.add_village(old, "T01", "Thôn An Phú", "rural")
        with old.batch("import", "ds.xlsx"):
            register.add_households(old, _households(3))
        head = changelog.chain_head(old.db.conn)
        # as GNApp wrote them before v26
        old.db.execute("UPDATE change_log SET chain_hash = lower(hex(chain_hash))")
        assert changelog.chain_head(old.db.conn) == head
    with open_database(path) as cdb:
        conn = cdb.db.conn
        assert changelog.chain_head(conn) == head and len(head.head) == 64
        register.add_village(cdb, "T02", "Thôn Bình", "rural")
        stored = conn.execute("SELECT DISTINCT typeof(chain_hash), length(chain_hash) "
                              "FROM change_log").fetchall()  # fmt: skip
        assert stored == [("blob", 32)]
        assert changelog.verify_chain(conn) is None
        assert changelog.hash_at(conn, head.length) == head.head


def test_the_migration_chains_the_rows_of_an_older_database(tmp_path):
    path = tmp_path / "cu.gnapp"
    with open_database(path, create=True, target_version=15) as old:
        register.save_commune(old, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
        register.add_village(old, "T01", "Thôn An Phú", "rural")
        rows = old.db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    with open_database(path) as cdb:
        assert changelog.chain_head(cdb.db.conn).length == rows
        assert changelog.verify_chain(cdb.db.conn) is None
        register.add_village(cdb, "T02", "Thôn Bình", "rural")
        assert changelog.verify_chain(cdb.db.conn) is None


def test_the_migration_to_bulk_inserts_keeps_every_row_and_the_chain(
    tmp_path, monkeypatch, households_as_before_v22, members_as_before_v28
):
    """Migration 21 rebuilds the log to let its action be a bulk insert's: every old row stays
    as it was (id, content, hash), so the length and head a package carried still match."""
    from contextlib import contextmanager

    @contextmanager
    def by_triggers(db, table):  # how v18 logged an import: a row and a JSON copy per row
        yield lambda first, last: None

    path = tmp_path / "v18.gnapp"
    with monkeypatch.context() as patched:
        patched.setattr(register, "logged_in_bulk", by_triggers)
        with open_database(path, create=True, target_version=18) as old:
            register.save_commune(old, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
            register.add_village(old, "T01", "Thôn An Phú", "rural")
            register.add_households(old, _households(30))
            before = old.db.execute("SELECT * FROM change_log ORDER BY id").fetchall()
            head = changelog.chain_head(old.db.conn)
    with open_database(path) as cdb:
        assert cdb.db.execute("SELECT * FROM change_log ORDER BY id").fetchall() == before
        assert changelog.chain_head(cdb.db.conn) == head
        with cdb.batch("import", "ds.xlsx") as batch_id:
            register.add_households(cdb, [({"code": "M1", "village_id": 1}, [])])
        actions = cdb.db.execute(
            "SELECT action FROM change_log WHERE batch_id = ?", [batch_id]
        ).fetchall()
        assert actions == [(changelog.INSERT_ROWS,)]
        undo_batch(cdb, batch_id)
        assert changelog.verify_chain(cdb.db.conn) is None
        assert changelog.hash_at(cdb.db.conn, head.length) == head.head


def test_a_member_renamed_by_hand_and_its_log_row_removed_fails_the_check(demo_copy, capsys):
    assert main(["db", "check", str(demo_copy)]) == 0
    assert "Nhật ký thay đổi: nguyên vẹn" in capsys.readouterr().out
    conn = _raw(demo_copy)
    member = conn.execute("SELECT id FROM members ORDER BY id LIMIT 1 OFFSET 5").fetchone()[0]
    (removed,) = conn.execute(  # the demo's bulk insert of the member's household's members
        "SELECT id FROM change_log WHERE table_name = 'members' AND row_id <= :member "
        "AND json_extract(new_values, '$.last') >= :member",
        {"member": member},
    ).fetchone()
    following = conn.execute(
        "SELECT id, actor FROM change_log WHERE id > ? ORDER BY id LIMIT 1", [removed]
    ).fetchone()
    conn.execute("DROP TRIGGER log_members_update")  # plain sqlite3 has no gnapp_now()
    conn.execute("UPDATE members SET full_name = 'Người Khác' WHERE id = ?", [member])
    conn.execute("DELETE FROM change_log WHERE id = ?", [removed])
    conn.close()
    assert check_integrity(demo_copy).sound  # SQLite itself sees nothing wrong

    assert main(["db", "check", str(demo_copy)]) == 3
    out = capsys.readouterr().out
    assert f"1 dòng ngay trước dòng nhật ký số {following[0]} (lúc " in out
    assert f"bởi {following[1]}" in out and "KHÔNG ĐẠT" in out


def test_a_row_whose_content_was_edited_is_named(demo_copy):
    conn = _raw(demo_copy)
    edited = conn.execute("SELECT max(id) / 2 FROM change_log").fetchone()[0]
    conn.execute(
        "UPDATE change_log SET new_values = replace(new_values, 'a', 'b') WHERE id = ?", [edited]
    )
    broken = changelog.verify_chain(conn)
    assert broken is not None and broken.id == edited and broken.missing_before == 0
    assert f"từ dòng nhật ký số {edited} (lúc" in broken.text()
    assert "nội dung dòng này đã bị sửa" in broken.text()
    conn.close()


def test_the_last_row_removed_leaves_the_local_chain_whole(demo_copy):
    """What the commune's file alone cannot show (docs/change-log.md): the office can, through
    the log's length and head in the packages (tests/packages/test_log_chain.py)."""
    conn = _raw(demo_copy)
    before = changelog.chain_head(conn)
    conn.execute("DELETE FROM change_log WHERE id = (SELECT max(id) FROM change_log)")
    assert changelog.verify_chain(conn) is None
    assert changelog.chain_head(conn).length == before.length - 1
    conn.close()


def test_a_row_without_its_hash_breaks_the_chain(demo_copy):
    conn = _raw(demo_copy)
    conn.execute("UPDATE change_log SET chain_hash = NULL WHERE id = 3")
    assert changelog.verify_chain(conn).id == 3
    conn.close()


def test_a_plain_sqlite_connection_cannot_add_a_log_row(demo_copy):
    conn = _raw(demo_copy)
    with pytest.raises(sqlite3.OperationalError, match="gnapp_chain"):
        conn.execute(
            "INSERT INTO change_log (at, actor, table_name, row_id, action) "
            "VALUES ('2026-01-01T00:00:00Z', 'x', 'members', 1, 'insert')"
        )
    conn.close()


def test_a_bulk_insert_row_edited_is_named_with_its_rows(new_db):
    register.save_commune(new_db, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    register.add_village(new_db, "T01", "Thôn An Phú", "rural")
    four = [{"full_name": f"Lê Văn {n}", "sex": "male", "birth_date": "1980",
             "relation": "head" if n == 0 else "child"} for n in range(4)]  # fmt: skip
    register.add_households(new_db, [({"code": "H1", "village_id": 1}, four)])
    conn = new_db.db.conn
    (edited, first) = conn.execute(
        "SELECT id, row_id FROM change_log WHERE table_name = 'members'"
    ).fetchone()
    # hiding a fifth member slipped in by hand: the run made one row longer
    conn.execute(
        "UPDATE change_log SET new_values = json_object('last', row_id + 4) WHERE id = ?", [edited]
    )
    broken = changelog.verify_chain(conn)
    assert broken is not None and broken.id == edited
    assert f"thêm các dòng {first}–{first + 4} bảng members" in broken.text()
