"""Targets (yearly, per period, project outputs) and budgets."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnapp.store import changelog, programme
from gnapp.store.errors import DatabaseError


def test_yearly_target_is_replaced_not_duplicated(new_db):
    first = programme.set_target(new_db, 2025, "poverty_rate", 6.05, decision_number="12/QĐ-UBND")
    second = programme.set_target(
        new_db, 2025, "poverty_rate", 5.9, decision_number="15/QĐ-UBND", decision_date="2025-03-01"
    )
    assert first == second
    (row,) = programme.targets(new_db.db, 2025)
    assert (row["value"], row["unit"], row["decision_number"], row["decision_date"]) == (
        5.9,
        "%",
        "15/QĐ-UBND",
        "2025-03-01",
    )


def test_targets_follow_the_catalogue_order_then_projects(new_db):
    programme.set_target(
        new_db, 2025, "Số hộ được hỗ trợ mô hình", 12, project_code="DA2", unit="hộ"
    )
    programme.set_target(new_db, 2025, "near_poor_reduction", 50)
    programme.set_target(new_db, 2025, "poverty_rate", 6.05)
    codes = [row["code"] for row in programme.targets(new_db.db, 2025)]
    assert codes == ["poverty_rate", "near_poor_reduction", "Số hộ được hỗ trợ mô hình"]
    assert programme.target_years(new_db.db) == [2025]


def test_output_target_keeps_its_label_unit_and_project(new_db):
    programme.set_target(
        new_db, 2024, "  Số hộ được hỗ trợ mô hình ", 12, project_code="DA3.1", unit="hộ"
    )
    (row,) = programme.targets(new_db.db, 2024)
    assert (row["code"], row["project_code"], row["unit"]) == (
        "Số hộ được hỗ trợ mô hình",
        "DA3.1",
        "hộ",
    )
    assert programme.target_label(row) == "Số hộ được hỗ trợ mô hình"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"project_code": "DA9", "unit": "hộ"}, "không thuộc chương trình"),
        ({"project_code": "DA2"}, "đơn vị tính"),
    ],
)
def test_output_target_refused(new_db, kwargs, message):
    with pytest.raises(DatabaseError, match=message):
        programme.set_target(new_db, 2025, "Số hộ được hỗ trợ", 3, **kwargs)


def test_period_target_is_stored_under_the_first_year(new_db):
    programme.set_target(new_db, 2025, "poverty_rate", 3, period="2021-2025")
    assert programme.targets(new_db.db, 2021) == []
    (row,) = programme.targets(new_db.db, 0, period="2021-2025")
    assert (row["year"], row["period"], row["value"]) == (2021, "2021-2025", 3)


def test_period_target_and_yearly_target_of_one_kind_stand_side_by_side(new_db):
    programme.set_target(new_db, 2021, "poverty_rate", 8)
    programme.set_target(new_db, 2021, "poverty_rate", 3, period="2021-2025")
    programme.set_target(new_db, 2021, "poverty_rate", 7.5)  # replaces the yearly one only
    assert [r["value"] for r in programme.targets(new_db.db, 2021)] == [7.5]
    assert [r["value"] for r in programme.targets(new_db.db, 0, period="2021-2025")] == [3]


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("poverty_rate", 100.5, "từ 0 đến 100"),
        ("poverty_rate", -1, "không được âm"),
        ("poor_reduction", 2.5, "số nguyên"),
        ("unknown_kind", 1, "không có trong danh mục"),
    ],
)
def test_bad_targets_are_refused(new_db, code, value, message):
    with pytest.raises(DatabaseError, match=message):
        programme.set_target(new_db, 2025, code, value)
    assert programme.targets(new_db.db, 2025) == []


def test_bad_decision_date_and_period(new_db):
    with pytest.raises(DatabaseError, match="YYYY-MM-DD"):
        programme.set_target(new_db, 2025, "poverty_rate", 5, decision_date="15/02/2025")
    with pytest.raises(DatabaseError, match="2021-2025"):
        programme.set_target(new_db, 2025, "poverty_rate", 5, period="2025-2021")


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_every_rate_from_0_to_100_is_accepted(value):
    assert programme.target_value_problem(value, "%") is None


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["hộ", "người"]))
def test_whole_counts_accepted_fractions_refused(value, unit):
    assert programme.target_value_problem(value, unit) is None
    assert programme.target_value_problem(value + 0.5, unit) is not None


def test_delete_target(new_db):
    target = programme.set_target(new_db, 2025, "poverty_rate", 6)
    programme.delete_target(new_db, target)
    assert programme.targets(new_db.db, 2025) == []


def test_programme_structure():
    assert programme.programme_ids() == ["2021-2025", "2026-2030"]
    assert programme.programme_for_year(2023) == "2021-2025"
    assert programme.programme_for_year(2027) == "2026-2030"
    names = programme.projects("2021-2025")
    assert list(names)[:4] == ["DA1", "DA2", "DA3", "DA3.1"]
    assert programme.funding_sources("2021-2025")["central"] == "Ngân sách trung ương"


def test_budget_lines_in_programme_order_and_validated(new_db):
    programme.set_budget(new_db, 2025, "2021-2025", "DA4.1", "province", 100, 40)
    programme.set_budget(new_db, 2025, "2021-2025", "DA2", "commune", 50)
    programme.set_budget(new_db, 2025, "2021-2025", "DA2", "central", 300, 300)
    lines = programme.budgets(new_db.db, 2025)
    assert [(b["project_code"], b["funding_source"]) for b in lines] == [
        ("DA2", "central"),
        ("DA2", "commune"),
        ("DA4.1", "province"),
    ]
    with pytest.raises(DatabaseError, match="Giải ngân"):
        programme.set_budget(new_db, 2025, "2021-2025", "DA2", "central", 300, 301)
    with pytest.raises(DatabaseError, match="Nguồn vốn"):
        programme.set_budget(new_db, 2025, "2021-2025", "DA2", "lottery", 1)
    programme.delete_budget(new_db, lines[0]["id"])
    assert len(programme.budgets(new_db.db, 2025)) == 2


@pytest.fixture
def line(new_db):
    """A budget line of 2025: 100 million allocated, 20 million carried over."""
    return programme.set_budget(
        new_db,
        2025,
        "2021-2025",
        "DA2",
        "central",
        100_000_000,
        capital="recurrent",
        carried_over=20_000_000,
    )


def test_disbursements_add_up_by_day_and_are_logged(new_db, line):
    first = programme.add_disbursement(
        new_db, line, "2025-06-12", 30_000_000, document_number=" 12/UNC ", note="Đợt 1"
    )
    programme.add_disbursement(
        new_db, line, "2025-03-02", programme.disbursement_amount("5.000.000")
    )
    rows = programme.disbursements(new_db.db, line)
    assert [(r["disbursed_on"], r["amount"]) for r in rows] == [
        ("2025-03-02", 5_000_000),
        ("2025-06-12", 30_000_000),
    ]
    assert (rows[1]["document_number"], rows[1]["note"]) == ("12/UNC", "Đợt 1")
    assert programme.budget_line(new_db.db, line)["disbursed"] == 35_000_000
    (logged,) = changelog.changes_of_row(new_db.db, "disbursements", first)
    assert logged.action == "insert"
    programme.delete_disbursement(new_db, first)
    assert programme.budget_line(new_db.db, line)["disbursed"] == 5_000_000
    assert [c.action for c in changelog.changes_of_row(new_db.db, "disbursements", first)] == [
        "insert",
        "delete",
    ]
    with pytest.raises(DatabaseError, match="Không có khoản giải ngân số"):
        programme.delete_disbursement(new_db, first)


@pytest.mark.parametrize(
    ("day", "amount", "message"),
    [
        ("2025-05-01", "-5", "Số tiền giải ngân phải lớn hơn 0"),
        ("2025-05-01", "0", "Số tiền giải ngân phải lớn hơn 0"),
        ("2025-05-01", "năm triệu", "Số tiền giải ngân: Không đọc được số"),
        ("2025-05-01", "1,5", "Số tiền giải ngân tính bằng đồng"),
        ("2025-02-30", "1.000", "Ngày giải ngân phải là một ngày có dạng YYYY-MM-DD"),
        ("30/05/2025", "1.000", "Ngày giải ngân phải là một ngày có dạng YYYY-MM-DD"),
        ("2024-12-31", "1.000", "Ngày giải ngân 31/12/2024 nằm ngoài năm kế hoạch 2025"),
        ("2026-01-02", "1.000", "nằm ngoài năm kế hoạch 2025"),
        ("2025-05-01", "120.000.001", "vượt kinh phí còn lại của DA2 năm 2025"),
    ],
)
def test_a_bad_disbursement_is_refused_naming_the_field(new_db, line, day, amount, message):
    with pytest.raises(DatabaseError, match=message):
        programme.add_disbursement(new_db, line, day, programme.disbursement_amount(amount))
    assert programme.disbursements(new_db.db, line) == []


def test_a_disbursement_is_refused_beyond_what_is_left_and_in_the_future(tmp_path):
    from gnapp.store.database import open_database

    with open_database(
        tmp_path / "xa.gnapp", create=True, actor="Kế toán", clock=lambda: "2025-07-01T08:00:00Z"
    ) as cdb:
        budget = programme.set_budget(cdb, 2025, "2021-2025", "DA1", "central", 100, 40)
        with pytest.raises(DatabaseError, match="chưa đến"):
            programme.add_disbursement(cdb, budget, "2025-07-02", 1)
        programme.add_disbursement(cdb, budget, "2025-07-01", 60)  # 40 undated + 60 = 100
        with pytest.raises(DatabaseError, match=r"đã giải ngân 100 đồng, còn 0 đồng"):
            programme.add_disbursement(cdb, budget, "2025-07-01", 1)
        # the allocation cannot fall below what was paid, dated or not
        with pytest.raises(DatabaseError, match="trong đó 60 đồng đã ghi theo ngày"):
            programme.set_budget(cdb, 2025, "2021-2025", "DA1", "central", 99)
        # the undated amount stays as it was unless given
        assert programme.set_budget(cdb, 2025, "2021-2025", "DA1", "central", 150) == budget
        assert programme.budget_line(cdb.db, budget)["undated_disbursed"] == 40
        programme.set_budget(cdb, 2025, "2021-2025", "DA1", "central", 150, 0)
        assert programme.budget_line(cdb.db, budget)["disbursed"] == 60


def test_deleting_a_budget_line_deletes_its_disbursements(new_db, line):
    programme.add_disbursement(new_db, line, "2025-04-01", 1_000_000)
    programme.delete_budget(new_db, line)
    assert programme.budgets(new_db.db, 2025) == []
    assert new_db.db.execute("SELECT count(*) FROM disbursements").fetchone()[0] == 0


def test_the_payments_of_a_half_year_and_of_the_year(new_db, line):
    from gnapp.store.date_range import DateRange

    programme.set_budget(
        new_db, 2025, "2021-2025", "DA2", "central", 100_000_000, 9_000_000,
        capital="recurrent", carried_over=20_000_000,
    )  # fmt: skip
    for day, amount in (("2025-01-01", 1), ("2025-06-30", 2), ("2025-07-01", 4)):
        programme.add_disbursement(new_db, line, day, amount)
    half = DateRange("2025-01-01", "2025-06-30")
    year = DateRange("2025-01-01", "2025-12-31")
    (in_half,) = programme.capital_counts(new_db.db, half)
    (in_year,) = programme.capital_counts(new_db.db, year)
    assert (in_half["disbursed"], in_half["undated"]) == (3, 9_000_000)
    assert (in_year["disbursed"], in_year["undated"]) == (9_000_007, 0)
    assert in_half["allocated"] == in_year["allocated"] == 100_000_000


def test_a_version_18_database_keeps_its_disbursed_amounts_as_undated(tmp_path):
    from gnapp.store.database import open_database

    path = tmp_path / "cu.gnapp"
    with open_database(path, create=True, target_version=18) as old:
        old.db.execute(
            "INSERT INTO budgets (year, programme_id, project_code, funding_source, capital, "
            "allocated, carried_over, disbursed) VALUES "
            "(2025, '2021-2025', 'DA2', 'central', 'recurrent', 500, 100, 450)"
        )
        old.db.conn.commit()
    with open_database(path) as cdb:
        (line,) = programme.budgets(cdb.db, 2025)
        assert (line["undated_disbursed"], line["disbursed"], line["allocated"]) == (450, 450, 500)
        programme.add_disbursement(cdb, line["id"], "2025-03-01", 150)
        with pytest.raises(DatabaseError, match="còn 0 đồng"):
            programme.add_disbursement(cdb, line["id"], "2025-03-01", 1)
        assert changelog.verify_chain(cdb.db.conn) is None


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """One database for every example: each starts from its own new budget line."""
    from gnapp.store.database import open_database

    path = tmp_path_factory.mktemp("payments") / "xa.gnapp"
    with open_database(path, create=True, clock=lambda: "2026-01-01T00:00:00Z") as cdb:
        yield cdb


@settings(max_examples=40, deadline=None)
@given(
    payments=st.lists(
        st.tuples(st.dates(date(2025, 1, 1), date(2025, 12, 31)), st.integers(1, 10**6)),
        max_size=8,
    ),
    undated=st.integers(0, 10**6),
)
def test_a_half_year_counts_exactly_the_payments_made_in_it(ledger, payments, undated):
    from gnapp.store.date_range import DateRange
    from tests.as_of_sql import paid_in

    for old in programme.budgets(ledger.db, 2025):
        programme.delete_budget(ledger, old["id"])
    line = programme.set_budget(ledger, 2025, "2021-2025", "DA2", "central", 10**8, undated)
    for day, amount in payments:
        programme.add_disbursement(ledger, line, day.isoformat(), amount)
    for first, last in (("2025-01-01", "2025-06-30"), ("2025-01-01", "2025-12-31")):
        (counted,) = programme.capital_counts(ledger.db, DateRange(first, last))
        assert (counted["disbursed"], counted["undated"]) == paid_in(ledger.db, first, last)
    half = sum(amount for day, amount in payments if day.month <= 6)
    assert paid_in(ledger.db, "2025-01-01", "2025-06-30") == (half, undated)
