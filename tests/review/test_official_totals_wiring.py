"""A periodic round's recognition freezes the year's official totals, and a correction decision
records a corrected set (gnapp.review.workflow with gnapp.store.official_totals)."""

from __future__ import annotations

import pytest

from gnapp.review import progress, workflow
from gnapp.review.workflow import ReviewError
from gnapp.store import events, users
from gnapp.store.as_of import figures_on
from gnapp.store.official_totals import official_totals
from gnapp.store.overview import commune_total

DECIDED_ON = "2026-11-20"


def _approver(cdb):
    return users.get_user(cdb.db, "lanhdao")


def _recognised(agreed_round):
    cdb, round_id = agreed_round
    workflow.open_posting(cdb, round_id, "2026-11-06")
    workflow.recognise(cdb, round_id, "12/QĐ-UBND", DECIDED_ON, approver=_approver(cdb))
    return cdb, round_id


def _independent_commune(db, on: str) -> tuple[int, int, int]:
    """(households, poor, near-poor) present on ``on`` by the year's list, counted apart."""
    return db.execute(
        """SELECT count(*),
                  coalesce(sum(s.status = 'poor'), 0), coalesce(sum(s.status = 'near_poor'), 0)
           FROM households h LEFT JOIN household_status s
             ON s.household_id = h.id AND s.year = 2026
           WHERE (h.present_from IS NULL OR h.present_from <= ?)
             AND (h.present_until IS NULL OR h.present_until > ?)""",
        [on, on],
    ).fetchone()


def test_recognition_freezes_the_years_totals_as_they_stood_on_the_decision_date(agreed_round):
    assert official_totals(agreed_round[0].db, 2026) is None
    cdb, _ = _recognised(agreed_round)
    totals = official_totals(cdb.db, 2026)
    assert totals is not None and not totals.corrected
    assert (totals.decision_number, totals.decision_date) == ("12/QĐ-UBND", DECIDED_ON)
    # every household on the list was decided that day: the statuses in force then are the list's
    now = figures_on(cdb.db, DECIDED_ON)
    for frozen, counted in zip(totals.villages, now, strict=True):
        assert frozen.village_id == counted.village_id
        assert (frozen.households, frozen.members) == (counted.households, counted.members)
        assert (frozen.poor, frozen.near_poor) == (counted.poor, counted.near_poor)
        assert frozen.poor_members == counted.poor_members
        assert frozen.near_poor_members == counted.near_poor_members
    assert totals.commune == commune_total(list(totals.villages))
    commune = totals.commune
    assert (commune.households, commune.poor, commune.near_poor) == _independent_commune(
        cdb.db, DECIDED_ON
    )
    assert commune.poor + commune.near_poor > 0


def test_later_changes_to_the_register_leave_the_frozen_totals_alone(agreed_round):
    cdb, round_id = _recognised(agreed_round)
    before = official_totals(cdb.db, 2026)
    poor = next(
        s.household_id for s in progress.household_states(cdb.db, round_id) if s.result == "poor"
    )
    events.record_moved_away(cdb, poor, "2026-12-02", "Chuyển vào Bình Dương")
    assert figures_on(cdb.db, "2026-12-03") != figures_on(cdb.db, DECIDED_ON)
    assert official_totals(cdb.db, 2026) == before


def test_a_correction_records_a_corrected_set_and_keeps_the_recognitions(agreed_round):
    cdb, round_id = _recognised(agreed_round)
    before = official_totals(cdb.db, 2026)
    assert before is not None
    state = next(s for s in progress.household_states(cdb.db, round_id) if s.result == "poor")
    correction = {
        "reason": "Sai sót khi nhập",
        "decision_number": "15/QĐ-UBND",
        "approver": _approver(cdb),
    }
    with pytest.raises(ReviewError, match="từ ngày quyết định công nhận"):
        workflow.correct(
            cdb, round_id, state.household_id, "not_poor", decision_date="2026-11-19", **correction
        )
    assert official_totals(cdb.db, 2026) == before
    workflow.correct(
        cdb, round_id, state.household_id, "not_poor", decision_date="2026-12-01", **correction
    )
    after = official_totals(cdb.db, 2026)
    assert after is not None and after.corrected
    assert (after.decision_number, after.decision_date, after.reason) == (
        "15/QĐ-UBND",
        "2026-12-01",
        "Sai sót khi nhập",
    )
    assert (after.recognition_number, after.recognition_date) == ("12/QĐ-UBND", DECIDED_ON)
    assert after.commune.poor == before.commune.poor - 1
    assert after.commune.households == before.commune.households
    replaced = cdb.db.execute(
        "SELECT count(*) FROM official_totals WHERE year = 2026 AND replaced_by IS NOT NULL"
    ).fetchone()[0]
    assert replaced == 1
