"""Benchmarks of backups on a large commune (excluded from the normal run):
pytest -m bench -s tests/bench/test_bench_backup.py

Prints the best and the median of several runs; docs/backups.md records the numbers seen.
"""

import statistics
import time

import pytest

from gnapp.demo import create_demo
from gnapp.store.backups import check_integrity, describe_backup, make_backup, restore_backup

pytestmark = pytest.mark.bench

HOUSEHOLDS = 20_000
RUNS = 5


@pytest.fixture(scope="module")
def large_commune(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench-backup") / "large.gnapp"
    create_demo(path, households=HOUSEHOLDS, seed=1)
    print(f"\n{HOUSEHOLDS} households, file {path.stat().st_size / 1e6:.1f} MB")
    return path


def timed(label, work):
    seconds = []
    for run in range(RUNS):
        started = time.perf_counter()
        work(run)
        seconds.append(time.perf_counter() - started)
    print(
        f"{label}: best {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s "
        f"({RUNS} runs)"
    )


def test_backup_check_describe_restore(large_commune, tmp_path):
    made = []
    timed("make_backup", lambda run: made.append(make_backup(large_commune, tmp_path / "b")))
    timed("check_integrity (quick_check, as at start)", lambda run: check_integrity(large_commune))
    timed("check_integrity(quick=False)", lambda run: check_integrity(large_commune, quick=False))
    timed("describe_backup", lambda run: describe_backup(made[0]))
    timed(
        "restore_backup (checks, keeps a copy, replaces)",
        lambda run: restore_backup(made[run], large_commune, tmp_path / f"giu-{run}"),
    )
