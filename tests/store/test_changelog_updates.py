"""An update's log row: the columns whose value or type changed, old and new, as JSON objects in
column order — what comparing the two rows as JSON objects gives (the trigger before)."""

import json

import pytest

from gnapp.store import register

# The rows' changed members as JSON, by comparing the two rows as JSON objects (json_each).
_BY_JSON = """
SELECT (SELECT json_group_object(o.key, o.value) FROM json_each(:old) o
        JOIN json_each(:new) n ON n.key = o.key
        WHERE n.value IS NOT o.value OR n.type IS NOT o.type),
       (SELECT json_group_object(n.key, n.value) FROM json_each(:old) o
        JOIN json_each(:new) n ON n.key = o.key
        WHERE n.value IS NOT o.value OR n.type IS NOT o.type)
"""


@pytest.mark.parametrize(
    "changes",
    [
        {"floor_area_m2": 42.5},
        {"floor_area_m2": None, "address": "Xóm Mới"},
        {"address": "Xóm Mới", "walls_durable": True},
        {"floor_area_m2": 30, "water_source": "piped"},  # 30 stored as 30.0: unchanged
        {"causes_of_poverty": ["lack_of_capital"], "agricultural": False},
    ],
)
def test_an_update_logs_what_changed_as_the_json_comparison_does(new_db, changes):
    register.save_commune(new_db, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    village = register.add_village(new_db, "T01", "Thôn An Phú", "rural")
    household = register.add_household(
        new_db,
        {"code": "H1", "village_id": village, "floor_area_m2": 30.0, "address": "Xóm Cũ"},
        [{"full_name": "Lê Văn An", "sex": "male", "birth_date": "1970", "relation": "head"}],
    )
    db = new_db.db
    columns = [c for c in db["households"].columns_dict if c not in ("updated_at",)]
    row = f"json_object({', '.join(repr(c) + ', ' + c for c in columns)})"
    before = db.execute(f"SELECT {row} FROM households WHERE id = ?", [household]).fetchone()[0]
    with new_db.transaction():
        db.execute(
            "UPDATE households SET " + ", ".join(f"{c} = ?" for c in changes) + " WHERE id = ?",
            [json.dumps(v) if isinstance(v, list) else v for v in changes.values()] + [household],
        )
    after = db.execute(f"SELECT {row} FROM households WHERE id = ?", [household]).fetchone()[0]
    logged = db.execute(
        "SELECT old_values, new_values FROM change_log WHERE action = 'update' "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    expected = db.execute(_BY_JSON, {"old": before, "new": after}).fetchone()
    assert logged == expected
    assert set(json.loads(logged[1])) <= set(changes) and logged[1] != "{}"
