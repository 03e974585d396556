"""Benchmarks of the annual review: pytest -m bench -s tests/bench/test_bench_review.py

On the 2,500-household demo (built once, not timed): a 2026 round's list, every household's
questionnaire saved complete (classified, written back to the register), the meetings, the
recognition, and the documents for the level above. docs/benchmarks.md records the numbers.
"""

from __future__ import annotations

import time

import pytest

from gnapp.demo import create_demo
from gnapp.review import documents, progress, workflow
from gnapp.review.tables import export_summary_tables
from gnapp.store import register, users
from gnapp.store.database import open_database
from gnapp.store.review import latest_incomes

pytestmark = pytest.mark.bench


def test_a_round_on_the_demo_commune(tmp_path):
    path = tmp_path / "xa.gnapp"
    create_demo(path)
    cdb = open_database(path)
    timings: dict[str, float] = {}

    def timed(name, work):
        start = time.perf_counter()
        result = work()
        timings[name] = time.perf_counter() - start
        return result

    round_id = timed(
        "mở đợt, lập danh sách",
        lambda: (
            rid := workflow.open_round(cdb, 2026, standard_id="2022-2025"),
            workflow.build_list(cdb, rid),
        )[0],
    )
    incomes = latest_incomes(cdb.db)
    states = progress.household_states(cdb.db, round_id)
    records = []
    for state in states:
        record = register.household_record(cdb.db, state.household_id, incomes[state.household_id])
        for member in record["members"]:
            for key, value in (
                ("education", "upper_secondary"),
                ("schooling", "attending"),
                ("employment", "stable"),
                ("has_health_insurance", True),
                ("malnourished", False),
                ("vocational_certificate", "none"),
            ):
                member.setdefault(key, value)
        records.append((state.household_id, record))

    def survey():
        for household_id, record in records:
            ids = workflow.match_members(cdb.db, household_id, record["members"])
            workflow.save_survey(cdb, round_id, household_id, record, ids, complete=True)

    timed("lưu phiếu hoàn thành (mọi hộ)", survey)
    timed("tiến độ theo thôn", lambda: progress.board(cdb.db, round_id))

    def meetings():
        by_village: dict[int, list[int]] = {}
        for state in progress.household_states(cdb.db, round_id):
            by_village.setdefault(state.village_id, []).append(state.household_id)
        for village_id, households in by_village.items():
            workflow.record_meeting(
                cdb,
                round_id,
                village_id,
                held_on="2026-11-02",
                attendee_count=40,
                votes=dict.fromkeys(households, 30),
            )

    timed("họp dân (mọi thôn)", meetings)
    workflow.open_posting(cdb, round_id, "2026-11-06")
    approver = users.get_user(cdb.db, "lanhdao")
    timed(
        "công nhận",
        lambda: workflow.recognise(cdb, round_id, "1/QĐ-UBND", "2026-11-20", approver=approver),
    )
    out = tmp_path / "out"
    out.mkdir()
    timed("biểu tổng hợp (PDF, XLSX)", lambda: export_summary_tables(cdb.db, round_id, out))
    for kind in ("decision", "certificates"):
        timed(kind, lambda kind=kind: documents.write_into_folder(cdb.db, round_id, kind, out))
    recognised = cdb.db.execute(
        "SELECT count(*) FROM household_status WHERE year = 2026"
    ).fetchone()[0]
    cdb.close()
    print(f"\n{len(states)} hộ trong danh sách rà soát")
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.2f} s")
    assert recognised == len(states)
