"""Activities and models, their beneficiaries, and the general policies."""

from __future__ import annotations

import pytest

from gnapp.store import activities, register
from gnapp.store.errors import DatabaseError


@pytest.fixture
def commune(new_db):
    village = register.add_village(new_db, "T01", "Thôn An Phú", "rural")
    first = register.add_household(
        new_db,
        {"code": "HGD-00001", "village_id": village},
        [
            {"full_name": "Đinh Văn Được", "sex": "male", "birth_date": "1970", "relation": "head"},
            {
                "full_name": "Phạm Thị Hòa",
                "sex": "female",
                "birth_date": "1975",
                "relation": "spouse",
            },
        ],
    )
    second = register.add_household(
        new_db,
        {"code": "HGD-00002", "village_id": village},
        [{"full_name": "Nguyễn Văn Đức", "sex": "male", "birth_date": "1970", "relation": "head"}],
    )
    register.set_status(new_db, second, 2024, "poor")
    return new_db, village, first, second


def _cattle(cdb, **changes):
    fields = {
        "year": 2025,
        "programme_id": "2021-2025",
        "project_code": "DA3.1",
        "name": "Mô hình nuôi bò sinh sản",
        "kind": "model",
        "funding_source": "central",
        "budget": 30_000_000,
    }
    return activities.add_activity(cdb, **{**fields, **changes})


def test_activity_with_beneficiaries(commune):
    cdb, village, first, second = commune
    activity = _cattle(cdb, village_id=village)
    activities.add_beneficiary(cdb, activity, first, support="1 con bò", amount=15_000_000)
    activities.add_beneficiary(cdb, activity, second, amount=15_000_000)
    (row,) = activities.activities(cdb.db, 2025)
    assert (row["id"], row["households"], row["supported"]) == (activity, 2, 30_000_000)
    listed = activities.beneficiaries(cdb.db, activity)
    assert {(b["code"], b["status"]) for b in listed} == {
        ("HGD-00001", None),
        ("HGD-00002", "poor"),
    }
    assert activities.activities(cdb.db, 2024) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "cần có tên"),
        ({"kind": "party"}, "Loại hoạt động"),
        ({"project_code": "DA9"}, "không thuộc chương trình"),
        ({"funding_source": "lottery"}, "Nguồn vốn"),
        ({"budget": -1}, "không được âm"),
    ],
)
def test_bad_activity_refused(commune, changes, message):
    cdb = commune[0]
    with pytest.raises(DatabaseError, match=message):
        _cattle(cdb, **changes)
    assert activities.activities(cdb.db, 2025) == []


def test_beneficiary_must_exist_and_fit_the_budget(commune):
    cdb, _, first, second = commune
    activity = _cattle(cdb)
    with pytest.raises(DatabaseError, match="Không có hộ"):
        activities.add_beneficiary(cdb, activity, 9999)
    other_member = cdb.db.execute(
        "SELECT id FROM members WHERE household_id = ?", [second]
    ).fetchone()[0]
    with pytest.raises(DatabaseError, match="thành viên của hộ"):
        activities.add_beneficiary(cdb, activity, first, member_id=other_member)
    activities.add_beneficiary(cdb, activity, first, amount=20_000_000)
    with pytest.raises(DatabaseError, match="đã có trong danh sách"):
        activities.add_beneficiary(cdb, activity, first)
    with pytest.raises(DatabaseError, match="vượt kinh phí"):
        activities.add_beneficiary(cdb, activity, second, amount=10_000_001)
    with pytest.raises(DatabaseError, match="nhỏ hơn tổng hỗ trợ"):
        activities.update_activity(cdb, activity, budget=19_000_000)
    activities.update_activity(cdb, activity, budget=20_000_000, name="Mô hình nuôi dê")
    assert activities.get_activity(cdb.db, activity)["name"] == "Mô hình nuôi dê"


def test_remove_and_delete(commune):
    cdb, _, first, _ = commune
    activity = _cattle(cdb)
    beneficiary = activities.add_beneficiary(cdb, activity, first)
    activities.remove_beneficiary(cdb, beneficiary)
    assert activities.beneficiaries(cdb.db, activity) == []
    activities.add_beneficiary(cdb, activity, first)
    activities.delete_activity(cdb, activity)
    assert cdb.db["beneficiaries"].count == 0
    with pytest.raises(DatabaseError, match="Không có hoạt động"):
        activities.get_activity(cdb.db, activity)


def test_find_households_by_folded_name_poor_first(commune):
    cdb, _, first, second = commune
    found = activities.find_households(cdb.db, "van d", 2025)
    assert [c.household_id for c in found] == [second, first]
    assert found[0].status == "poor"
    assert [c.code for c in activities.find_households(cdb.db, "hoa", 2025)] == ["HGD-00001"]
    assert activities.find_households(cdb.db, "  ", 2025) == []


def test_policy_counts_per_household_and_year(commune):
    cdb, _, first, second = commune
    activities.add_policy_benefit(cdb, 2025, "credit", first, amount=50_000_000)
    activities.add_policy_benefit(cdb, 2025, "credit", first, amount=10_000_000)
    activities.add_policy_benefit(cdb, 2025, "credit", second, amount=30_000_000)
    benefit = activities.add_policy_benefit(cdb, 2025, "electricity", second)
    activities.add_policy_benefit(cdb, 2024, "tuition", second)
    counts = {c.policy: c for c in activities.policy_counts(cdb.db, 2025)}
    assert list(counts) == list(activities.POLICIES)
    assert (counts["credit"].households, counts["credit"].benefits) == (2, 3)
    assert counts["credit"].amount == 90_000_000
    assert counts["electricity"].households == 1
    assert counts["tuition"].households == 0
    assert len(activities.policy_benefits(cdb.db, 2025)) == 4
    activities.remove_policy_benefit(cdb, benefit)
    assert len(activities.policy_benefits(cdb.db, 2025)) == 3
    with pytest.raises(DatabaseError, match="Chính sách"):
        activities.add_policy_benefit(cdb, 2025, "lottery", first)
    with pytest.raises(DatabaseError, match="Không có hộ"):
        activities.add_policy_benefit(cdb, 2025, "credit", 9999)


def test_policy_counts_equal_sql_on_demo(demo_db):
    for count in activities.policy_counts(demo_db.db, 2025):
        households = demo_db.db.execute(
            "SELECT count(DISTINCT household_id) FROM policy_benefits WHERE year = 2025 "
            "AND policy = ?",
            [count.policy],
        ).fetchone()[0]
        assert count.households == households


def test_activity_cli(commune, capsys):
    from gnapp.cli import main

    cdb = commune[0]
    database = str(cdb.path)
    cdb.close()
    add = ["activity", "add", "--db", database, "--year", "2025", "--project", "DA3.1"]
    assert main([*add, "--kind", "model", "--name", "Mô hình nuôi bò", "--budget", "1000"]) == 0
    assert "Đã thêm hoạt động số 1" in capsys.readouterr().out
    beneficiary = ["activity", "beneficiary", "1", "--db", database, "--household"]
    assert main([*beneficiary, "HGD-00002", "--amount", "1000"]) == 0
    assert main([*beneficiary, "HGD-00001", "--amount", "1"]) == 1
    assert "vượt kinh phí" in capsys.readouterr().err
    assert main([*beneficiary, "HGD-09999"]) == 1
    assert main(["activity", "list", "--db", database, "--year", "2025"]) == 0
    assert "Mô hình nuôi bò\t1.000 đồng\t1 hộ hưởng lợi" in capsys.readouterr().out
    assert main(["activity", "policies", "--db", database, "--year", "2025"]) == 0
    assert "Hỗ trợ tiền điện: 0 hộ, 0 đồng" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:  # no --year: a usage error (docs/cli.md)
        main(["activity", "list", "--db", database])
    assert usage.value.code == 2


def test_project_reach_counts_sub_projects_and_members(commune):
    cdb, _, first, second = commune
    member = cdb.db.execute("SELECT id FROM members WHERE household_id = ?", [first]).fetchone()[0]
    cattle = _cattle(cdb, budget=None)  # DA3.1
    activities.add_beneficiary(cdb, cattle, first, member_id=member)
    activities.add_beneficiary(cdb, cattle, second)
    nutrition = _cattle(cdb, project_code="DA3.2", budget=None)
    activities.add_beneficiary(cdb, nutrition, second)
    _cattle(cdb, project_code="DA2", budget=None, year=2024)
    assert activities.project_reach(cdb.db, 2025, "DA3") == (2, 1)
    assert activities.project_reach(cdb.db, 2025, "DA3.2") == (1, 0)
    assert activities.project_reach(cdb.db, 2025, "DA2") == (0, 0)
