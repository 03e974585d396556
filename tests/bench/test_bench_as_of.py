"""Benchmark of the figures as of a date on a 20,000-household commune: pytest -m bench -s
tests/bench/test_bench_as_of.py

Builds a register with bulk store writes (households and members in one write, a status for
every fifth household in each of five years with its decision date, a few hundred events of
every kind; not timed), then times each as-of query on several dates beside three baselines
measured in the same run: a plain count of the members, the members counted by household, and
the figures of a year over the register now (``overview.village_figures``).
docs/benchmarks.md records the numbers.
"""

from __future__ import annotations

import random
import time

import pytest

from gnapp.store import as_of, events, overview, register
from gnapp.store.database import open_database
from gnapp.store.figures import ServiceDefinitions

pytestmark = pytest.mark.bench

HOUSEHOLDS = 20_000
VILLAGES = 12
AIM_MS = 1000  # the aim: figures as of any date within 1 s
SERVICES = ServiceDefinitions(("tap_water",), ("flush_toilet",), ("smartphone",))
DATES = ("2022-12-31", "2024-06-30", "2025-12-31", "2026-06-30")


def person(n: int, k: int) -> dict:
    return {
        "full_name": f"Nguyễn Văn Người {n} {k}",
        "sex": "male" if k % 2 else "female",
        "birth_date": f"{1950 + (n + k) % 60}-01-01",
        "relation": "head" if k == 0 else "child",
    }


@pytest.fixture(scope="module")
def commune_20k(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "as-of.gnapp"
    started = time.perf_counter()
    rng = random.Random(1)
    cdb = open_database(path, create=True, clock=lambda: "2026-12-01T01:00:00Z")
    villages = [
        register.add_village(cdb, f"{v:02d}", f"Thôn {v}", "rural") for v in range(VILLAGES)
    ]
    ids = register.add_households(
        cdb,
        (
            ({"code": f"H{n:05d}", "village_id": villages[n % VILLAGES]},
             [person(n, k) for k in range(1 + rng.randrange(6))])
            for n in range(HOUSEHOLDS)
        ),
    )  # fmt: skip
    with cdb.transaction():
        for year in range(2021, 2026):
            for household in ids[year % 5 :: 5]:
                status = rng.choice(("poor", "near_poor", "average", "not_poor"))
                register.set_status(
                    cdb, household, year, status, decision_date=f"{year}-12-{10 + year % 10}"
                )
    for n in range(100):  # events of every kind through 2026, a few a week
        day = f"2026-{1 + n % 11:02d}-{1 + n % 28:02d}"
        h = ids[n * 97]
        members = [m["id"] for m in register.members_of(cdb.db, h)]
        if len(members) > 1:
            events.split_household(cdb, h, members[1:], day, code=f"T{n}")
        events.record_birth(cdb, ids[n * 97 + 1], day, person(n, 9))
        events.record_death(cdb, register.members_of(cdb.db, ids[n * 97 + 2])[0]["id"], day)
        events.merge_households(cdb, ids[n * 97 + 3], ids[n * 97 + 4], day, "Nhập hộ")
        events.record_moved_away(cdb, ids[n * 97 + 5], day, "Chuyển đi")
        new = register.add_household(
            cdb, {"code": f"D{n}", "village_id": villages[n % VILLAGES]}, [person(n, 0)]
        )
        events.record_moved_in(cdb, new, day, "Chuyển đến")
    cdb.close()
    print(f"\nbuilt the {HOUSEHOLDS}-household register in {time.perf_counter() - started:.1f} s")
    return path


def best_ms(action, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def test_figures_as_of_a_date_20k(commune_20k):
    with open_database(commune_20k) as cdb:
        db = cdb.db
        count = best_ms(lambda: db.execute("SELECT count(*) FROM members").fetchone())
        sizes = best_ms(
            lambda: db.execute("SELECT household_id, count(*) FROM members GROUP BY 1").fetchall()
        )
        today = best_ms(lambda: overview.village_figures(db, 2025))
        print(
            f"\nbaselines: count(*) of the members {count:.1f} ms; members by household "
            f"{sizes:.0f} ms; overview.village_figures(2025) (the register now) {today:.0f} ms"
        )
        worst = 0.0
        for day in DATES:
            measured = {
                "figures_on": best_ms(lambda day=day: as_of.figures_on(db, day)),
                "counts_on": best_ms(lambda day=day: as_of.counts_on(db, day, SERVICES)),
                "statuses_on": best_ms(lambda day=day: as_of.statuses_on(db, day)),
                "households_present": best_ms(lambda day=day: as_of.households_present(db, day)),
            }
            worst = max(worst, *measured.values())
            total = overview.commune_total(as_of.figures_on(db, day))
            print(f"{day}: " + ", ".join(f"{k} {v:.0f} ms" for k, v in measured.items())
                  + f" ({total.households} households, {total.members} members, "
                  f"{total.poor} poor)")  # fmt: skip
        movements = best_ms(lambda: as_of.other_movements(db, "2025-12-31", "2026-12-31"))
        print(f"other_movements over 2026: {movements:.0f} ms")
    assert max(worst, movements) < AIM_MS
