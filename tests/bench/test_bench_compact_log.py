"""Benchmark (excluded from the normal run):
pytest -m bench -s tests/bench/test_bench_compact_log.py

What logging a bulk insert by runs of rows saves (docs/change-log.md, schema v21): 20,000
households and 80,000 members written by ``register.add_households`` in an import's batch,
logged compactly, against the same rows logged row by row by the insert triggers (each with a
JSON copy of its row, as before v21) in the same run, alternately. docs/benchmarks.md records
the figures seen.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest

from gnapp.store import register
from gnapp.store.database import open_database

pytestmark = pytest.mark.bench

HOUSEHOLDS = 20_000
ROUNDS = 3


def _members(n):
    relations = ("head", "spouse", "child", "child")
    return [
        {"full_name": f"Nguyễn Văn {n}-{k}", "sex": "male", "birth_date": "1980",
         "relation": relation, "citizen_id": f"00108{n:06d}{k}"}
        for k, relation in enumerate(relations)
    ]  # fmt: skip


@contextmanager
def _by_triggers(db, table):
    yield lambda first, last: None


def _write(path, compact, monkeypatch):
    cdb = open_database(path, create=True, actor="bench")
    register.save_commune(cdb, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    register.add_village(cdb, "T01", "Thôn An Phú", "rural")
    with monkeypatch.context() as patched:
        if not compact:
            patched.setattr(register, "logged_in_bulk", _by_triggers)
        households = (({"code": f"H{n}", "village_id": 1}, _members(n)) for n in range(HOUSEHOLDS))
        started = time.perf_counter()
        with cdb.batch("import", "bench.xlsx"):
            register.add_households(cdb, households)
        seconds = time.perf_counter() - started
    log_bytes = cdb.db.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'change_log%'"
    ).fetchone()[0]
    cdb.close()
    return seconds, log_bytes


def test_a_bulk_insert_logged_by_runs_is_smaller_and_not_slower(tmp_path, monkeypatch):
    seconds = {True: [], False: []}
    sizes = {}
    for round_ in range(ROUNDS):
        for compact in (True, False) if round_ % 2 == 0 else (False, True):
            took, sizes[compact] = _write(
                tmp_path / f"{round_}-{compact}.gnapp", compact, monkeypatch
            )
            seconds[compact].append(took)
    compact, by_row = min(seconds[True]), min(seconds[False])
    print(
        f"\n{HOUSEHOLDS} households, {4 * HOUSEHOLDS} members: log by runs "
        f"{sizes[True] / 1e6:.1f} MB in {compact:.2f} s; log row by row "
        f"{sizes[False] / 1e6:.1f} MB in {by_row:.2f} s "
        f"(best of {ROUNDS}): size {sizes[True] / sizes[False]:.2f}x, time {compact / by_row:.2f}x"
    )
    assert sizes[True] <= sizes[False] / 4
    assert compact <= by_row
