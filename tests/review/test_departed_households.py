"""A household no longer in the commune is not reviewed: the list leaves it out, and one that
leaves while the round is open goes off the list with the event's reason (gnapp.review)."""

from __future__ import annotations

import openpyxl

from gnapp.review import progress, workflow
from gnapp.review.documents import write_document
from gnapp.store import events, register, review, users

YEAR = 2026


def _listed(cdb, round_id) -> list[int]:
    return [s.household_id for s in progress.household_states(cdb.db, round_id)]


def test_the_list_leaves_out_households_gone_by_the_reference_date(demo_db):
    cdb = demo_db
    # last year's lists, less the households the demo's own events took away since
    present = {
        r[0] for r in cdb.db.execute("SELECT id FROM households WHERE present_until IS NULL")
    }
    listed = [h for h in review.listed_before(cdb.db, YEAR) if h in present]
    gone, merged, later = listed[0], listed[1], listed[2]
    into = listed[3]
    events.record_moved_away(cdb, gone, "2026-08-10", "Chuyển vào Bình Dương")
    events.merge_households(cdb, merged, into, "2026-08-20")
    (later_head,) = cdb.db.execute(
        "SELECT head_name FROM households WHERE id = ?", [later]
    ).fetchone()
    for member in register.members_of(cdb.db, later):  # the head dies, then no one is left
        events.record_death(cdb, member["id"], "2026-09-15")
    events.record_ended(cdb, later, "2026-09-15", "Chủ hộ mất, không còn ai")
    round_id = workflow.open_round(cdb, YEAR, standard_id="2022-2025")  # reference date 01/09/2026
    workflow.build_list(cdb, round_id)
    on_list = [
        row[0]
        for row in cdb.db.execute(
            "SELECT household_id FROM review_entries WHERE round_id = ?", [round_id]
        )
    ]
    assert gone not in on_list and merged not in on_list
    assert later in on_list  # there on the reference date: it leaves the list by its event
    assert set(_listed(cdb, round_id)) == set(listed) - {gone, merged, later}
    [off] = progress.household_states(cdb.db, round_id, removed=True)
    assert (off.household_id, off.removed_reason) == (
        later,
        "Hộ không còn ngày 15/09/2026: Chủ hộ mất, không còn ai",
    )
    # the list of households taken off names the head the household had, not an empty name
    assert later_head and off.head_name == later_head


def test_a_household_leaving_while_the_round_is_open_goes_off_its_list(listed_round):
    cdb, round_id = listed_round
    first, second = _listed(cdb, round_id)[:2]
    events.record_moved_away(cdb, first, "2026-12-02", "Chuyển vào Bình Dương")
    events.merge_households(cdb, second, _listed(cdb, round_id)[-1], "2026-12-03")
    code = cdb.db.execute(
        "SELECT code FROM households WHERE id = ?", [_listed(cdb, round_id)[-1]]
    ).fetchone()[0]
    assert first not in _listed(cdb, round_id) and second not in _listed(cdb, round_id)
    reasons = {
        s.household_id: s.removed_reason
        for s in progress.household_states(cdb.db, round_id, removed=True)
    }
    assert reasons == {
        first: "Chuyển đi ngày 02/12/2026: Chuyển vào Bình Dương",
        second: f"Nhập vào hộ khác {code} ngày 03/12/2026",
    }
    assert sum(row.counts["listed"] for row in progress.board(cdb.db, round_id)[:-1]) == len(
        _listed(cdb, round_id)
    )
    # undoing the event by mistake brings the household back onto the list
    [event] = [e for e in events.events_of_household(cdb.db, first) if e.kind == "moved_away"]
    events.undo_event(cdb, event.id)
    assert first in _listed(cdb, round_id)


def test_recognition_passes_over_a_departed_household_and_keeps_its_list_after(
    agreed_round, review_steps, tmp_path
):
    cdb, round_id = agreed_round
    states = progress.household_states(cdb.db, round_id)
    gone, gone_code = states[0].household_id, states[0].code
    events.record_moved_away(cdb, gone, "2026-11-03", "Chuyển vào Bình Dương")
    workflow.open_posting(cdb, round_id, "2026-11-06")
    approver = users.get_user(cdb.db, "lanhdao")
    written = workflow.recognise(cdb, round_id, "12/QĐ-UBND", "2026-11-20", approver=approver)
    assert written == len(states) - 1
    status = cdb.db.execute(
        "SELECT count(*) FROM household_status WHERE household_id = ? AND year = ?", [gone, YEAR]
    ).fetchone()[0]
    assert status == 0
    # once recognised, the round's lists (and so its decision and certificates) are those the
    # decision recognised: the departed household stays off them, with its reason
    assert gone not in _listed(cdb, round_id)
    assert [
        (s.household_id, s.removed_reason)
        for s in progress.household_states(cdb.db, round_id, removed=True)
    ] == [(gone, "Chuyển đi ngày 03/11/2026: Chuyển vào Bình Dương")]
    # nor is it in the decision written now, whose lists are the statuses written
    path = write_document(cdb.db, round_id, "decision", tmp_path / "qd.xlsx").path
    codes = {
        row[2]
        for sheet in openpyxl.load_workbook(path).worksheets
        for row in sheet.iter_rows(values_only=True)
        if row and isinstance(row[2], str) and row[2].startswith("HGD-")
    }
    recognised = {
        row[0]
        for row in cdb.db.execute(
            "SELECT h.code FROM household_status s JOIN households h ON h.id = s.household_id "
            "WHERE s.year = ? AND s.status IN ('poor', 'near_poor')",
            [YEAR],
        )
    }
    assert recognised <= codes and gone_code not in codes
    # a household leaving after the decision stays on the recognised list
    stays = states[1].household_id
    events.record_moved_away(cdb, stays, "2026-12-01", "Chuyển vào Bình Dương")
    assert stays in _listed(cdb, round_id)
