"""Budget lines and their payments by day from the command line (``gnapp activity budget``,
``disburse``, ``disbursements``, ``delete-disbursement``): each writes through the store and
says so in Vietnamese; bad input exits 1 naming the field and writes nothing; what is written
moves the 6-month report's figure."""

from __future__ import annotations

import shutil

import pytest

from gnapp.cli import main
from gnapp.reporting.figures import report_figures
from gnapp.store import programme
from gnapp.store.database import open_database

LINE = ["--year", "2025", "--project", "DA5", "--source", "province", "--capital", "recurrent"]


@pytest.fixture
def db_path(small_demo_file, tmp_path):
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def payments(db_path) -> list[dict]:
    with open_database(db_path) as cdb:
        line = programme.find_budget_line(cdb.db, 2025, "DA5", "province", "recurrent")
        return programme.disbursements(cdb.db, line["id"])


def half_year_disbursed(db_path) -> tuple[int, int]:
    with open_database(db_path) as cdb:
        total = report_figures(cdb.db, "six_month", "2025-H1").budget.total
        return total.disbursed, total.undated


def test_a_budget_line_then_its_payments_by_day(db_path, capsys):
    db = ["--db", str(db_path)]
    before = half_year_disbursed(db_path)
    status, out, _ = run(
        capsys, "activity", "budget", *db, *LINE, "--allocated", "80000000",
        "--undated-disbursed", "5000000",
    )  # fmt: skip
    assert status == 0 and "Đã ghi kinh phí năm 2025 của DA5" in out
    status, out, _ = run(
        capsys, "activity", "disburse", *db, *LINE, "--date", "2025-04-15",
        "--amount", "30.000.000", "--document", "17/UNC", "--note", "Đợt 1",
    )  # fmt: skip
    assert status == 0
    assert "30.000.000 đồng ngày 15/04/2025 cho DA5 (province) năm 2025" in out
    status, out, _ = run(
        capsys, "activity", "disburse", *db, *LINE, "--date", "2025-09-01", "--amount", "20000000"
    )  # fmt: skip
    assert status == 0
    assert [(p["disbursed_on"], p["amount"], p["document_number"]) for p in payments(db_path)] == [
        ("2025-04-15", 30_000_000, "17/UNC"),
        ("2025-09-01", 20_000_000, None),
    ]
    # the half-year counts the payment of April, not September's; the undated amount apart
    assert half_year_disbursed(db_path) == (before[0] + 30_000_000, before[1] + 5_000_000)
    status, out, _ = run(capsys, "activity", "disbursements", *db, "--year", "2025")
    assert status == 0
    assert "2025-04-15\tDA5\tprovince\tVốn sự nghiệp\t30.000.000 đồng\t17/UNC\tĐợt 1" in out
    assert "Chưa ghi ngày giải ngân: DA5 (province) 5.000.000 đồng" in out
    # changing the allocation keeps the undated amount
    assert run(capsys, "activity", "budget", *db, *LINE, "--allocated", "90000000")[0] == 0
    with open_database(db_path) as cdb:
        line = programme.find_budget_line(cdb.db, 2025, "DA5", "province", "recurrent")
        assert (line["undated_disbursed"], line["disbursed"]) == (5_000_000, 55_000_000)
    first = payments(db_path)[0]["id"]
    status, out, _ = run(capsys, "activity", "delete-disbursement", str(first), *db)
    assert status == 0 and f"Đã xóa lần giải ngân số {first}." in out
    assert len(payments(db_path)) == 1


@pytest.mark.parametrize(
    ("date", "amount", "message"),
    [
        ("2025-04-15", "-1000", "Số tiền giải ngân phải lớn hơn 0 (đã nhập -1000)"),
        ("2025-04-15", "ba mươi triệu", "Số tiền giải ngân: Không đọc được số “ba mươi triệu”"),
        ("2025-04-31", "1000", "Ngày giải ngân phải là một ngày có dạng YYYY-MM-DD"),
        ("2026-01-05", "1000", "Ngày giải ngân 05/01/2026 nằm ngoài năm kế hoạch 2025"),
        (
            "2025-04-15",
            "80.000.001",
            "Số tiền giải ngân 80.000.001 đồng vượt kinh phí còn lại của DA5 năm 2025",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(db_path, capsys, date, amount, message):
    db = ["--db", str(db_path)]
    assert run(capsys, "activity", "budget", *db, *LINE, "--allocated", "80000000")[0] == 0
    status, out, err = run(
        capsys, "activity", "disburse", *db, *LINE, "--date", date, "--amount", amount
    )
    assert status == 1 and out == ""
    assert err.startswith(f"Lỗi: {message}") and err.count("\n") == 1
    assert "Traceback" not in err
    assert payments(db_path) == []


def test_a_payment_needs_its_budget_line_first(db_path, capsys):
    status, _, err = run(
        capsys, "activity", "disburse", "--db", str(db_path), *LINE, "--date", "2025-04-15",
        "--amount", "1000",
    )  # fmt: skip
    assert status == 1
    assert "chưa có dòng kinh phí của DA5 (province, vốn sự nghiệp)" in err


def test_deleting_a_payment_that_is_not_there_is_refused(db_path, capsys):
    status, _, err = run(capsys, "activity", "delete-disbursement", "999999", "--db", str(db_path))
    assert status == 1 and "Không có khoản giải ngân số 999999" in err
