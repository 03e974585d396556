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
