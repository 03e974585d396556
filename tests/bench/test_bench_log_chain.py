"""Benchmark (excluded from the normal run): pytest -m bench -s tests/bench/test_bench_log_chain.py

What chaining the change log costs (docs/change-log.md): an import-sized bulk write (20,000
households, 80,000 members: the bulk path of ``register.add_households``) and households added
one by one (the per-row triggers), each with the chain and, as the baseline measured in the
same run, alternately, with the chaining trigger dropped. docs/benchmarks.md records the
figures seen.
"""

from __future__ import annotations

import statistics
import time

import pytest

from gnapp.store import changelog, register
from gnapp.store.database import open_database

pytestmark = pytest.mark.bench

BULK_HOUSEHOLDS = 20_000
SINGLE_HOUSEHOLDS = 2_000
ROUNDS = 3
TARGET = 1.25  # the chain may add a quarter to the time of a write, no more


def _members(n):
    relations = ("head", "spouse", "child", "child")
    return [
        {"full_name": f"Nguyễn Văn {n}-{k}", "sex": "male", "birth_date": "1980",
         "relation": relation}
        for k, relation in enumerate(relations)
    ]  # fmt: skip


def _commune(path, chained):
    cdb = open_database(path, create=True, actor="bench")
    register.save_commune(cdb, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    register.add_village(cdb, "T01", "Thôn An Phú", "rural")
    if not chained:
        cdb.db.execute(f"DROP TRIGGER {changelog.CHAIN_TRIGGER}")
    return cdb


def _bulk(cdb):
    households = (({"code": f"H{n}", "village_id": 1}, _members(n)) for n in range(BULK_HOUSEHOLDS))
    with cdb.batch("import", "bench.xlsx"):
        register.add_households(cdb, households)


def _one_by_one(cdb):
    for n in range(SINGLE_HOUSEHOLDS):
        register.add_household(cdb, {"code": f"S{n}", "village_id": 1}, _members(n))


@pytest.mark.parametrize(("label", "write"), [("bulk", _bulk), ("one by one", _one_by_one)])
def test_the_chain_costs_little(tmp_path, label, write):
    seconds = {True: [], False: []}
    for round_ in range(ROUNDS):
        for chained in (True, False) if round_ % 2 == 0 else (False, True):
            cdb = _commune(tmp_path / f"{label}-{round_}-{chained}.gnapp", chained)
            started = time.perf_counter()
            write(cdb)
            seconds[chained].append(time.perf_counter() - started)
            rows = cdb.db.execute("SELECT count(*) FROM change_log").fetchone()[0]
            if chained:
                assert changelog.verify_chain(cdb.db.conn) is None
            cdb.close()
    chained, plain = statistics.median(seconds[True]), statistics.median(seconds[False])
    print(
        f"\n{label}: {rows} log rows; chained {chained:.2f} s, without the chain {plain:.2f} s "
        f"(medians of {ROUNDS}) = {chained / plain:.2f}x (target {TARGET}x)"
    )
    assert chained / plain <= TARGET
