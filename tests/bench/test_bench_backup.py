"""Benchmarks of backups on a large commune (excluded from the normal run):
pytest -m bench -s tests/bench/test_bench_backup.py

Prints the best and the median of several runs; docs/backups.md records the numbers seen, and
docs/benchmarks.md the compressed backup against the plain copy it replaced, measured in the same
run.
"""

import statistics
import time

import pytest

from gnapp.demo import create_demo
from gnapp.store import backups
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
    """Run ``work`` RUNS times; print and return the median of the seconds."""
    seconds = []
    for run in range(RUNS):
        started = time.perf_counter()
        work(run)
        seconds.append(time.perf_counter() - started)
    print(
        f"{label}: best {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s "
        f"({RUNS} runs)"
    )
    return statistics.median(seconds)


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


def plain_backup(source, target):
    """What a backup was before it was compressed: the online copy, then its quick check."""
    with backups._connection(source) as (conn, _):
        backups._copy(conn, target, None, "")
    assert check_integrity(target).sound


def test_compressed_backup_against_the_plain_copy(large_commune, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    plain_seconds = timed(
        "plain copy (before: online copy, sync, quick check)",
        lambda run: plain_backup(large_commune, plain / f"{run}.gnapp"),
    )
    made = []
    compressed_seconds = timed(
        "make_backup compressed (copy, check, compress, sync, rename)",
        lambda run: made.append(make_backup(large_commune, tmp_path / "b")),
    )
    plain_size, compressed_size = (plain / "0.gnapp").stat().st_size, made[0].stat().st_size
    print(
        f"size: plain {plain_size / 1e6:.1f} MB, compressed {compressed_size / 1e6:.1f} MB "
        f"({compressed_size / plain_size:.0%}); time {compressed_seconds / plain_seconds:.1f}x"
    )
    restore_plain = timed(
        "restore_backup from a plain backup",
        lambda run: restore_backup(plain / f"{run}.gnapp", large_commune, tmp_path / f"g{run}"),
    )
    restore_compressed = timed(
        "restore_backup from a compressed backup (decompress, hash, then as above)",
        lambda run: restore_backup(made[run], large_commune, tmp_path / f"h{run}"),
    )
    check_compressed = timed(
        "check_integrity(quick=False) of a compressed backup",
        lambda run: check_integrity(made[0], quick=False),
    )
    timed(
        "describe_backup of a compressed backup (its header)", lambda run: describe_backup(made[0])
    )
    print(f"restore {restore_compressed / restore_plain:.1f}x; check {check_compressed:.2f} s")
    assert compressed_size < plain_size * 0.4
    # zlib level 6 on one core costs several plain copies (8x seen on 2026-12-07), not more
    assert compressed_seconds < plain_seconds * 12
    assert restore_compressed < restore_plain * 3
