"""Saving an edited household in one transaction, and the look-ups the household form makes."""

from __future__ import annotations

import pytest

from gnapp.store import register
from gnapp.store.changelog import changes_of_household
from gnapp.store.errors import DatabaseError


@pytest.fixture
def village(new_db):
    return register.add_village(new_db, "T01", "Thôn An Phú", "rural")


def member(name, relation, citizen_id=None):
    return {"full_name": name, "sex": "male", "birth_date": "1970", "relation": relation,
            "citizen_id": citizen_id}  # fmt: skip


@pytest.fixture
def household(new_db, village):
    return register.add_household(
        new_db,
        {"code": "H1", "village_id": village},
        [member("Nguyễn Văn A", "head", "051070000001"), member("Nguyễn Văn B", "sibling")],
    )


def member_ids(db, household_id):
    rows = db.execute(
        "SELECT id FROM members WHERE household_id = ? ORDER BY position", [household_id]
    ).fetchall()
    return [row[0] for row in rows]


def test_code_in_use_ignores_the_household_itself(new_db, household):
    assert register.household_code_in_use(new_db.db, "H1", None)
    assert not register.household_code_in_use(new_db.db, "H1", household)
    assert not register.household_code_in_use(new_db.db, "H2", None)


def test_citizen_id_elsewhere(new_db, village, household):
    other = register.add_household(
        new_db, {"code": "H2", "village_id": village}, [member("Trần Văn C", "head")]
    )
    assert register.citizen_id_elsewhere(new_db.db, "051070000001", other) == [
        ("H1", "Nguyễn Văn A")
    ]
    assert register.citizen_id_elsewhere(new_db.db, "051070000001", household) == []
    assert register.citizen_id_elsewhere(new_db.db, "051070000009", None) == []


def test_status_history_is_in_year_order(new_db, household):
    register.set_status(new_db, household, 2025, "near_poor")
    register.set_status(new_db, household, 2024, "poor")
    assert [row["year"] for row in register.status_history(new_db.db, household)] == [2024, 2025]


def test_save_household_adds_a_new_one(new_db, village):
    household_id = register.save_household(
        new_db, None, {"code": "H9", "village_id": village}, [(None, member("Lê Văn D", "head"))]
    )
    assert new_db.db["households"].get(household_id)["head_name"] == "Lê Văn D"


def test_save_household_applies_every_edit_and_logs_it(new_db, village, household):
    head_id, sibling_id = member_ids(new_db.db, household)
    register.save_household(
        new_db,
        household,
        {"floor_area_m2": 30},
        [(head_id, {"relation": "sibling"}), (sibling_id, {"relation": "head"}),
         (None, member("Nguyễn Thị E", "sibling"))],
        [],
    )  # fmt: skip
    row = new_db.db["households"].get(household)
    assert row["floor_area_m2"] == 30 and row["head_name"] == "Nguyễn Văn B"
    assert len(member_ids(new_db.db, household)) == 3
    register.save_household(new_db, household, {}, [(sibling_id, {})], [head_id])
    assert member_ids(new_db.db, household)[:1] == [sibling_id]
    actions = [(c.table_name, c.action) for c in changes_of_household(new_db.db, household)]
    assert ("households", "update") in actions and ("members", "delete") in actions
    assert all(c.actor == "Cán bộ thử" for c in changes_of_household(new_db.db, household))


def test_save_household_is_all_or_nothing(new_db, village, household):
    other = register.add_household(
        new_db, {"code": "H2", "village_id": village}, [member("Trần Văn C", "head")]
    )
    stranger = member_ids(new_db.db, other)[0]
    with pytest.raises(DatabaseError, match="không thuộc hộ"):
        register.save_household(new_db, household, {"floor_area_m2": 50}, [(stranger, {})])
    with pytest.raises(DatabaseError, match="Trường không hợp lệ"):
        # The household's change is written before the faulty new member is refused.
        register.save_household(new_db, household, {"floor_area_m2": 50}, [(None, {"x": 1})])
    assert new_db.db["households"].get(household)["floor_area_m2"] is None
    assert len(member_ids(new_db.db, household)) == 2
