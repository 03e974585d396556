"""A whole periodic round on the demo commune, from the list to the decision, and the exported
tables checked against the database."""

from __future__ import annotations

import openpyxl

from gnapp.review import documents, progress, workflow
from gnapp.review.tables import export_summary_tables
from gnapp.store import users

# Columns of the exported movement sheets after "Thôn, tổ dân phố" and "Hộ / người", and the
# movement each counts (None: start, end, or "other", which the register does not record).
MOVEMENT_SHEETS = {
    "Biến động hộ nghèo": (
        "poor",
        (
            None,
            "poor_to_near_poor",
            "escaped_poverty",
            None,
            "near_poor_to_poor",
            "fell_back_poverty",
            "newly_poor",
            None,
            None,
        ),
    ),
    "Biến động hộ cận nghèo": (
        "near_poor",
        (
            None,
            "escaped_near_poverty",
            "near_poor_to_poor",
            None,
            "poor_to_near_poor",
            "fell_back_near_poverty",
            "newly_near_poor",
            None,
            None,
        ),
    ),
}


def _incomes(cdb, round_id) -> dict[int, dict]:
    """A year of change: every third poor household rises above the line, every fourth
    near-poor one too, every fifth near-poor one falls to a low score."""
    incomes = {}
    for index, state in enumerate(progress.household_states(cdb.db, round_id)):
        if state.previous_status == "poor" and index % 3 == 0:
            incomes[state.household_id] = {"b1_score": 230}
        elif state.previous_status == "near_poor" and index % 4 == 0:
            incomes[state.household_id] = {"b1_score": 260}
        elif state.previous_status == "near_poor" and index % 5 == 0:
            incomes[state.household_id] = {"b1_score": 60}
    return incomes


def _village_rows(sheet) -> dict[str, tuple]:
    """Each village's households row of a movement sheet, by village name."""
    rows, name = {}, None
    for row in sheet.iter_rows(values_only=True):
        if row[1] == "Hộ" and row[0] is not None:
            name = row[0]
            rows[name] = row[2:11]
    return rows


def test_a_whole_round_and_its_tables_against_the_database(demo_db, review_steps, tmp_path):
    cdb = demo_db
    approver = users.get_user(cdb.db, "lanhdao")
    round_id = workflow.open_round(cdb, 2026, standard_id="2022-2025", team=["Nguyễn Văn Rà"])

    # the list: last year's lists and two applicants, one of whom turns out poor
    outsiders = [
        row[0]
        for row in cdb.db.execute(
            "SELECT id FROM households WHERE id NOT IN (SELECT household_id FROM household_status "
            "WHERE status IN ('poor', 'near_poor')) ORDER BY id LIMIT 2"
        )
    ]
    for household_id in outsiders:
        workflow.add_application(
            cdb,
            round_id,
            household_id,
            kind="review",
            received_on="2026-09-10",
            applicant={"full_name": "Người đơn"},
            reason="Gia đình có người ốm nặng",
        )
    workflow.build_list(cdb, round_id)
    incomes = _incomes(cdb, round_id)
    incomes[outsiders[0]] = {"b1_score": 90}
    incomes[outsiders[1]] = {"b1_score": 300}

    # questionnaires for every household, a meeting per village with one sent back
    review_steps.survey_all(cdb, round_id, incomes)
    states = progress.household_states(cdb.db, round_id)
    assert all(s.complete for s in states)
    sent_back = states[0]
    workflow.record_meeting(
        cdb,
        round_id,
        sent_back.village_id,
        held_on="2026-11-02",
        attendee_count=40,
        votes={sent_back.household_id: 19},
    )
    assert [s.household_id for s in progress.follow_up(cdb.db, round_id)["returned"]] == [
        sent_back.household_id
    ]
    record, ids = review_steps.survey_record(
        cdb, sent_back.household_id, incomes.get(sent_back.household_id)
    )
    workflow.save_survey(cdb, round_id, sent_back.household_id, record, ids, complete=True)
    review_steps.meet_all(cdb, round_id, "2026-11-04")
    assert all(s.agreed for s in progress.household_states(cdb.db, round_id))

    # posting with a complaint, re-checked; recognition
    workflow.open_posting(cdb, round_id, "2026-11-06", places="Nhà văn hóa thôn; UBND xã")
    disputed = progress.household_states(cdb.db, round_id)[1]
    complaint = workflow.add_complaint(
        cdb, round_id, disputed.household_id, received_on="2026-11-09", content="Hộ có xe tải"
    )
    recheck_class = "near_poor" if disputed.result != "near_poor" else "poor"
    workflow.record_recheck(
        cdb, complaint, recheck_on="2026-11-11", result="Đã phúc tra", recheck_class=recheck_class
    )
    written = workflow.recognise(cdb, round_id, "31/QĐ-UBND", "2026-11-20", approver=approver)
    final = progress.household_states(cdb.db, round_id)
    assert written == len(final) == len(states)
    assert {s.household_id: s.result for s in final}[disputed.household_id] == recheck_class
    moved = {s.movement for s in final}
    assert {"escaped_poverty", "escaped_near_poverty", "remained_poor"} <= moved
    applicant = {s.household_id: s.movement for s in final}[outsiders[0]]
    assert applicant in ("newly_poor", "newly_near_poor")

    # the tables for the level above, against the database
    out = tmp_path / "bieu"
    out.mkdir()
    files = export_summary_tables(cdb.db, round_id, out).files
    book = openpyxl.load_workbook(next(f for f in files if f.suffix == ".xlsx"))
    villages = {row[0]: row[1] for row in cdb.db.execute("SELECT id, name FROM villages")}

    def count(sql: str, *args) -> dict[str, int]:
        return {villages[v]: n for v, n in cdb.db.execute(sql, args)}

    for sheet_name, (status, columns) in MOVEMENT_SHEETS.items():
        every_row = _village_rows(book[sheet_name])
        rows = {name: row for name, row in every_row.items() if name in villages.values()}
        assert every_row["Tổng cộng"] == tuple(map(sum, zip(*rows.values(), strict=True)))
        start = count(
            "SELECT h.village_id, count(*) FROM household_status s JOIN households h "
            "ON h.id = s.household_id WHERE s.year = 2025 AND s.status = ? "
            "GROUP BY 1",
            status,
        )
        end = count(
            "SELECT h.village_id, count(*) FROM household_status s JOIN households h "
            "ON h.id = s.household_id WHERE s.year = 2026 AND s.status = ? "
            "GROUP BY 1",
            status,
        )
        assert set(rows) >= set(start) | set(end)
        for village, row in rows.items():
            assert row[0] == start.get(village, 0), (sheet_name, village)
            assert row[8] == end.get(village, 0), (sheet_name, village)
            for column, code in enumerate(columns):
                if code is None:
                    continue
                expected = count(
                    "SELECT h.village_id, count(*) FROM household_status s JOIN "
                    "households h ON h.id = s.household_id WHERE s.year = 2026 "
                    "AND s.movement = ? GROUP BY 1",
                    code,
                ).get(village, 0)
                assert row[column] == expected, (sheet_name, village, code)
            assert row[8] == row[0] - row[1] - row[2] - row[3] + row[4] + row[5] + row[6] + row[7]
        assert sum(row[8] for row in rows.values()) == sum(end.values())

    # the posting notice and the decision count what the database holds
    lists = documents.list_counts(final)
    poor = cdb.db.execute(
        "SELECT count(*) FROM household_status WHERE year = 2026 AND status = 'poor'"
    ).fetchone()[0]
    assert lists["poor"].households == poor
    written_files = documents.write_into_folder(cdb.db, round_id, "decision", out)
    assert [p.suffix for p in written_files] == [".pdf", ".xlsx"]
