"""Section II.2: project outputs, general policies and funding by kind of capital, checked
against counts made independently on a small commune and on the demo."""

from __future__ import annotations

import pytest

from gnapp.reporting.figures import parse_period, report_figures, sentences
from gnapp.reporting.figures.outputs import output_figures
from gnapp.store import activities, programme, register
from gnapp.store.errors import DatabaseError
from tests.as_of_sql import paid_in


@pytest.fixture
def commune(new_db):
    village = register.add_village(new_db, "T01", "Thôn An Phú", "rural")
    people = [
        [("Đinh Văn Được", "1980"), ("Phạm Thị Hòa", "1985")],
        [("Nguyễn Văn Đức", "1990")],
        [("Hồ Thị Lan", "1995"), ("Hồ Văn Nam", "2000")],
    ]
    homes = []
    for number, members in enumerate(people, start=1):
        homes.append(
            register.add_household(
                new_db,
                {"code": f"HGD-{number:05d}", "village_id": village},
                [
                    {
                        "full_name": name,
                        "sex": "male",
                        "birth_date": born,
                        "relation": "head" if i == 0 else "child",
                    }
                    for i, (name, born) in enumerate(members)
                ],
            )
        )
    members = {h: [m[0] for m in activities.household_members(new_db.db, h)] for h in homes}
    return new_db, village, homes, members


def _activity(cdb, project, kind, started_on, budget=None, year=2025):
    return activities.add_activity(
        cdb,
        year=year,
        programme_id="2021-2025",
        project_code=project,
        name=f"{kind} {project} {started_on}",
        kind=kind,
        budget=budget,
        started_on=started_on,
    )


def test_outputs_count_projects_sub_projects_and_the_half_year(commune):
    cdb, _, (first, second, third), members = commune
    cows = _activity(cdb, "DA3.1", "model", "2025-03-01", 30_000_000)
    goats = _activity(cdb, "DA3.2", "production", "2025-08-01", 10_000_000)
    sewing = _activity(cdb, "DA4.1", "training", "2025-04-10")
    jobs = _activity(cdb, "DA4.3", "other", "2025-09-01")
    undated = _activity(cdb, "DA2", "model", None, 5_000_000)
    activities.add_beneficiary(cdb, cows, first, amount=15_000_000)
    activities.add_beneficiary(cdb, cows, second, amount=15_000_000)
    activities.add_beneficiary(cdb, goats, first, amount=10_000_000)
    for home in (first, third):
        for member in members[home]:
            activities.add_beneficiary(cdb, sewing, home, member_id=member)
    activities.add_beneficiary(cdb, jobs, third, member_id=members[third][0])
    activities.add_beneficiary(cdb, undated, second, amount=5_000_000)

    year = {o.code: o for o in output_figures(cdb.db, parse_period("2025")).projects}
    assert list(year) == ["DA2", "DA3", "DA3.1", "DA3.2", "DA4", "DA4.1", "DA4.3"]
    # Dự án 3 counts the first household once although both sub-projects reached it
    assert (year["DA3"].models, year["DA3"].households, year["DA3"].supported) == (
        2,
        2,
        40_000_000,
    )
    assert (year["DA4.1"].classes, year["DA4.1"].trainees, year["DA4.1"].households) == (1, 4, 2)
    assert (year["DA4"].activities, year["DA4"].persons, year["DA4"].trainees) == (2, 4, 4)
    assert year["DA2"].households == 1  # undated: counted in the whole year

    half = output_figures(cdb.db, parse_period("2025-H1"))
    assert [o.code for o in half.projects] == ["DA3", "DA3.1", "DA4", "DA4.1"]
    assert half.undated_activities == 1
    assert dict(half.measured) == {}  # no job-connection activity in the first half
    assert dict(output_figures(cdb.db, parse_period("2025")).measured) == {
        "workers_job_connected": 1.0
    }


def test_policies_are_counted_by_the_date_received(commune):
    cdb, _, (first, second, third), members = commune
    grant = activities.add_policy_benefit
    grant(cdb, 2025, "credit", first, amount=50_000_000, granted_on="2025-02-01")
    grant(cdb, 2025, "credit", first, amount=20_000_000, granted_on="2025-10-01")
    grant(cdb, 2025, "health_insurance", second, member_id=members[second][0])
    grant(
        cdb, 2025, "health_insurance", third, member_id=members[third][1], granted_on="2025-01-02"
    )
    grant(cdb, 2024, "electricity", third, granted_on="2024-05-05")
    with pytest.raises(DatabaseError, match="phải thuộc năm 2025"):
        grant(cdb, 2025, "tuition", first, granted_on="2024-12-31")

    year = {p.code: p for p in output_figures(cdb.db, parse_period("2025")).policies}
    assert (year["credit"].households, year["credit"].benefits, year["credit"].amount) == (
        1,
        2,
        70_000_000,
    )
    assert (year["health_insurance"].households, year["health_insurance"].persons) == (2, 2)
    assert year["electricity"].benefits == 0 and year["legal_aid"].benefits == 0
    half = output_figures(cdb.db, parse_period("2025-H1"))
    by_code = {p.code: p for p in half.policies}
    assert by_code["credit"].amount == 50_000_000
    assert by_code["health_insurance"].households == 1  # one has no date: not in a half-year
    assert half.undated_policies == 1
    span = {p.code: p for p in output_figures(cdb.db, parse_period("2024-2025")).policies}
    assert span["electricity"].households == 1 and span["credit"].benefits == 2


def test_capital_splits_investment_recurrent_and_carried_over(new_db):
    programme.set_budget(
        new_db, 2025, "2021-2025", "DA1", "central", 900, 450, capital="investment"
    )
    programme.set_budget(
        new_db, 2025, "2021-2025", "DA2", "central", 300, 350, capital="recurrent", carried_over=100
    )
    programme.set_budget(new_db, 2025, "2021-2025", "DA2", "province", 50, 10)
    programme.set_budget(new_db, 2025, "2021-2025", "DA2", "central", 70, 0, capital="investment")
    with pytest.raises(DatabaseError, match="năm trước chuyển sang"):
        programme.set_budget(
            new_db,
            2025,
            "2021-2025",
            "DA3.1",
            "central",
            10,
            21,
            capital="recurrent",
            carried_over=10,
        )
    with pytest.raises(DatabaseError, match="Loại vốn"):
        programme.set_budget(new_db, 2025, "2021-2025", "DA2", "central", 1, capital="capital")
    lines = output_figures(new_db.db, parse_period("2025")).capital
    assert [
        (c.capital, c.funding_source, c.allocated, c.carried_over, c.disbursed) for c in lines
    ] == [
        ("investment", "central", 970, 0, 450),
        ("recurrent", "central", 300, 100, 350),
        (None, "province", 50, 0, 10),
    ]
    assert [c.capital_name for c in lines] == [
        "Vốn đầu tư phát triển",
        "Vốn sự nghiệp",
        "Vốn chưa phân loại",
    ]


@pytest.mark.parametrize(("kind", "period"), [("annual", "2025"), ("six_month", "2025-H1")])
def test_demo_outputs_agree_with_independent_counts(demo_db, kind, period):
    db = demo_db.db
    figures = report_figures(db, kind, period)
    outputs = figures.outputs
    last = "2025-12-31" if period == "2025" else "2025-06-30"
    where = "a.started_on BETWEEN '2025-01-01' AND ?"
    for output in outputs.projects:
        households, members, supported = db.execute(
            f"""SELECT count(DISTINCT b.household_id), count(DISTINCT b.member_id),
                       coalesce(sum(b.amount), 0)
                FROM beneficiaries b JOIN activities a ON a.id = b.activity_id
                WHERE {where} AND (a.project_code = ? OR a.project_code LIKE ? || '.%')""",
            [last, output.code, output.code],
        ).fetchone()
        assert (output.households, output.persons, output.supported) == (
            households,
            members,
            supported,
        )
    for policy in outputs.policies:
        expected = db.execute(
            """SELECT count(DISTINCT household_id), count(*), coalesce(sum(amount), 0)
               FROM policy_benefits WHERE policy = ? AND granted_on BETWEEN '2025-01-01' AND ?""",
            [policy.code, last],
        ).fetchone()
        assert (policy.households, policy.benefits, policy.amount) == tuple(expected)
    allocated, carried = db.execute(
        "SELECT sum(allocated), sum(carried_over) FROM budgets WHERE year = 2025"
    ).fetchone()
    disbursed, undated = paid_in(db, "2025-01-01", last)
    assert sum(c.allocated for c in outputs.capital) == allocated == figures.budget.total.allocated
    assert sum(c.carried_over for c in outputs.capital) == carried > 0
    assert sum(c.disbursed for c in outputs.capital) == disbursed == figures.budget.total.disbursed
    assert sum(c.undated for c in outputs.capital) == undated == figures.budget.total.undated
    assert {c.capital for c in outputs.capital} == {"investment", "recurrent"}
    written = sentences(figures)
    if period == "2025":
        assert "Vốn đầu tư phát triển: giao trong kỳ" in written["capital"]
    else:  # the year's allocation, the half-year's payments
        assert "Vốn đầu tư phát triển: giao trong năm" in written["capital"]
        assert "giải ngân 6 tháng đầu năm" in written["capital"]
    assert any(key.startswith("policy.") for key in written)
    jobs = next(t for t in figures.targets if t.code == "workers_job_connected")
    connected = db.execute(
        f"""SELECT count(DISTINCT b.member_id) FROM beneficiaries b
            JOIN activities a ON a.id = b.activity_id
            WHERE {where} AND a.project_code IN ('DA4.2', 'DA4.3')""",
        [last],
    ).fetchone()[0]
    assert jobs.achieved == connected > 0
    assert f"thực hiện {connected} người" in written["target.workers_job_connected"]


def test_demo_has_the_policy_rows_dated_inside_their_year(demo_db):
    db = demo_db.db
    rows, dated = db.execute(
        "SELECT count(*), sum(granted_on LIKE year || '-%') FROM policy_benefits"
    ).fetchone()
    assert rows == dated > 0
