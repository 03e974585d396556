"""Benchmark (excluded from the normal run): pytest -m bench -s tests/bench/test_bench_import.py

Import of a 20,000-household / 80,000-member xlsx against python-calamine reading the same
file alone, both as whole processes (interpreter start included): the target is 4x
(issue 17). GNApp's modules are compiled first, as an installed GNApp's are: with
PYTHONDONTWRITEBYTECODE set (as on the build machine) each process would compile them again.
The floor beside it is what no import can go below here: calamine's reading, then the same
rows written bare. docs/benchmarks.md records the figures seen.
"""

import compileall
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import python_calamine

import gnapp
from gnapp.store.database import open_database
from tests.importers import files

pytestmark = pytest.mark.bench

HOUSEHOLDS = 20_000
TARGET = 4.0
_CALAMINE = (
    "import sys, python_calamine; "
    "python_calamine.load_workbook(sys.argv[1]).get_sheet_by_index(0).to_python()"
)


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


def _timed(*command: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *command], check=True, capture_output=True)
    return time.perf_counter() - started


def _bare_write(large_file, database) -> float:
    """The rows written into the register's tables in one transaction with no check, no
    conversion, no search or sort key computed and no change log (the insert triggers
    dropped); the members moved in with one statement from a temporary table, as
    ``register.add_households`` does, so that the index of their names (kept by its trigger)
    is not flushed a row at a time."""
    rows = python_calamine.load_workbook(str(large_file)).get_sheet_by_index(0).to_python()
    cdb = open_database(database, create=True, actor="bench")
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
        members.append((len(households), number % 4 + 1, name, name, sex, born,
                        citizen_id, relation))  # fmt: skip
    with cdb.transaction():
        db.conn.executemany(
            "INSERT INTO households (code, village_id, head_name, head_name_fold, "
            "head_sort_key, search_fold, search_numbers, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            households,
        )
        columns = (
            "household_id, position, full_name, name_fold, sex, birth_date, citizen_id, relation"
        )
        db.execute(f"CREATE TEMP TABLE bare_members AS SELECT {columns} FROM members WHERE 0")
        db.conn.executemany(
            "INSERT INTO temp.bare_members VALUES (?, ?, ?, ?, ?, ?, ?, ?)", members
        )
        db.execute(f"INSERT INTO members ({columns}) SELECT * FROM temp.bare_members")
    write = time.perf_counter() - started
    cdb.close()
    assert (len(households), len(members)) == (HOUSEHOLDS, 4 * HOUSEHOLDS)
    return write


def test_import_20000_households_within_4x_calamine(large_file, tmp_path):
    database = tmp_path / "xa.gnapp"
    open_database(database, create=True, actor="bench").close()
    compileall.compile_dir(Path(gnapp.__file__).parent, quiet=1)
    calamine = _timed("-c", _CALAMINE, str(large_file))
    total = _timed("-m", "gnapp", "import", "file", str(large_file), "--db", str(database))
    with open_database(database) as cdb:
        assert cdb.db["households"].count == HOUSEHOLDS
        assert cdb.db["members"].count == 4 * HOUSEHOLDS
    floor = calamine + _bare_write(large_file, tmp_path / "bare.gnapp")
    ratio = total / calamine
    print(
        f"\ncalamine alone (process): {calamine:.2f} s; gnapp import file (process): "
        f"{total:.2f} s = {ratio:.1f}x calamine (target {TARGET:.0f}x); floor (calamine + the "
        f"rows written bare): {floor:.2f} s = {floor / calamine:.2f}x"
    )
    assert ratio <= TARGET
