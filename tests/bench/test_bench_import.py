"""Benchmark (excluded from the normal run): pytest -m bench -s tests/bench/test_bench_import.py

Import of a 20,000-household / 80,000-member xlsx against python-calamine reading the same
file alone. docs/import.md records the figures seen.
"""

import time

import openpyxl
import pytest
import python_calamine

from gnapp.importers.apply import apply_plan
from gnapp.importers.plan import build_plan, open_source
from gnapp.store.database import open_database
from tests.importers import files

pytestmark = pytest.mark.bench

HOUSEHOLDS = 20_000


@pytest.fixture(scope="module")
def large_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "ds-20000.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append([files.TITLE[1]])
    sheet.append([])
    sheet.append(list(files.MEMBER_HEADINGS))
    for row in files.household_rows(HOUSEHOLDS):
        sheet.append(list(row))
    book.save(path)
    return path


def test_import_20000_households(large_file, tmp_path):
    started = time.perf_counter()
    python_calamine.load_workbook(str(large_file)).get_sheet_by_index(0).to_python()
    calamine = time.perf_counter() - started

    cdb = open_database(tmp_path / "xa.gnapp", create=True, actor="bench")
    started = time.perf_counter()
    source = open_source(cdb.db, large_file)
    read = time.perf_counter() - started
    plan = build_plan(cdb.db, source)
    planned = time.perf_counter() - started
    result = apply_plan(cdb, plan)
    total = time.perf_counter() - started
    cdb.close()
    assert (result.households, result.members) == (HOUSEHOLDS, 4 * HOUSEHOLDS)
    print(
        f"\ncalamine alone: {calamine:.2f} s; import: read {read:.2f} s, preview "
        f"{planned - read:.2f} s, write {total - planned:.2f} s, total {total:.2f} s "
        f"= {total / calamine:.1f}x calamine (target 1.5x)"
    )


def test_floor_reading_and_writing_alone(large_file, tmp_path):
    """What no import of this file can go below here: python-calamine's reading, then the same
    rows written into the register's tables in one transaction with no check, no conversion,
    no search or sort key computed and no change log (the insert triggers dropped)."""
    started = time.perf_counter()
    rows = python_calamine.load_workbook(str(large_file)).get_sheet_by_index(0).to_python()
    calamine = time.perf_counter() - started

    cdb = open_database(tmp_path / "xa.gnapp", create=True, actor="bench")
    db = cdb.db
    for table in ("households", "members"):
        db.execute(f"DROP TRIGGER log_{table}_insert")
    db.execute(
        "INSERT INTO villages (id, code, name, area, name_fold, name_sort_key) "
        "VALUES (1, 'T1', 'Thôn 1', 'rural', 'thon 1', 'thon 1')"
    )
    started = time.perf_counter()
    households, members = [], []
    for number, (_, code, _, name, born, sex, citizen_id, relation, _) in enumerate(rows[3:]):
        if code:
            households.append((code, 1, name, name, name, name, code, "x", "x"))
        sex = "male" if sex == "Nam" else "female"
        members.append((len(households), number % 4 + 1, name, name, name, sex, born,
                        citizen_id, relation))  # fmt: skip
    with cdb.transaction():
        db.conn.executemany(
            "INSERT INTO households (code, village_id, head_name, head_name_fold, "
            "head_sort_key, search_fold, search_numbers, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            households,
        )
        db.conn.executemany(
            "INSERT INTO members (household_id, position, full_name, name_fold, name_sort_key, "
            "sex, birth_date, citizen_id, relation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            members,
        )
    write = time.perf_counter() - started
    cdb.close()
    assert (len(households), len(members)) == (HOUSEHOLDS, 4 * HOUSEHOLDS)
    print(
        f"\ncalamine alone: {calamine:.2f} s; the rows written bare: {write:.2f} s; "
        f"together {calamine + write:.2f} s = {(calamine + write) / calamine:.2f}x calamine "
        "(target for the whole import: 1.5x)"
    )
