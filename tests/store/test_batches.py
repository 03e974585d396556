import sqlite3

import pytest

from gnapp.store import register
from gnapp.store.batches import batch_summary, batches, undo_batch
from gnapp.store.errors import DatabaseError


def _snapshot(cdb):
    tables = ["households", "members", "household_status", "villages"]
    return {t: sorted(map(tuple, cdb.db.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}


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
