"""Benchmarks (excluded from the normal run): pytest -m bench -s

They print what they measure; docs/benchmarks.md records the numbers seen.
"""

import resource
import subprocess
import sys
import time
from datetime import date

import pytest

from gnapp.core.classify import classify
from gnapp.core.standards import load_standard
from gnapp.demo import create_demo
from gnapp.store.database import open_database
from gnapp.store.register import iter_household_records
from gnapp.store.review import latest_incomes

pytestmark = pytest.mark.bench

HOUSEHOLDS = 20_000


@pytest.fixture(scope="module")
def large_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "large.gnapp"
    started = time.perf_counter()
    summary = create_demo(path, households=HOUSEHOLDS, seed=1)
    seconds = time.perf_counter() - started
    size = path.stat().st_size / 1e6
    print(
        f"\ndemo create --households {HOUSEHOLDS}: {seconds:.1f} s, "
        f"{summary.members} members, file {size:.1f} MB"
    )
    return path


@pytest.mark.parametrize("standard_id", ["2022-2025", "2027-2030"])
def test_classify_every_household(large_demo, standard_id):
    standard = load_standard(standard_id)
    with open_database(large_demo) as cdb:
        started = time.perf_counter()
        records = [r for _, r in iter_household_records(cdb.db, latest_incomes(cdb.db))]
        read = time.perf_counter() - started
        started = time.perf_counter()
        results = [classify(r, standard, date(2025, 11, 1), stored=True) for r in records]
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nclassify {len(results)} households ({standard_id}): read {read:.1f} s, "
        f"classify {seconds:.1f} s ({seconds / len(results) * 1000:.2f} ms each), "
        f"peak RSS {peak:.0f} MB"
    )
    assert len(results) == HOUSEHOLDS


READ = """
import sys
from gnapp.store.database import open_database
from gnapp.store.register import iter_household_records
from gnapp.store.review import latest_incomes
with open_database(sys.argv[1]) as cdb:
    records = [r for _, r in iter_household_records(cdb.db, latest_incomes(cdb.db))]
"""
CLASSIFY = (
    READ
    + """
from datetime import date
from gnapp.core.classify import classify
from gnapp.core.standards import load_standard
standard = load_standard(sys.argv[2])
results = [classify(r, standard, date(2026, 12, 7), stored=True) for r in records]
assert len(results) == len(records)
"""
)


def _process_seconds(script: str, *args: str) -> float:
    """The best of three runs of a whole Python process."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, *args], check=True)
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize("standard_id", ["2022-2025", "2027-2030"])
def test_classify_against_reading_whole_processes(large_demo, standard_id):
    """Goal: classifying every household costs at most 5x reading every household and member
    row of the file, both as whole processes."""
    read = _process_seconds(READ, str(large_demo))
    classified = _process_seconds(CLASSIFY, str(large_demo), standard_id)
    print(
        f"\nwhole processes, {HOUSEHOLDS} households ({standard_id}): read {read:.2f} s, "
        f"read and classify {classified:.2f} s, ratio {classified / read:.1f}x (goal ≤ 5x)"
    )
