"""The review workflow's rules, step by step (gnapp.review.workflow and progress)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gnapp.review import procedure, progress, workflow
from gnapp.review.workflow import ReviewError
from gnapp.store import users
from gnapp.store.household_history import history_rows


def _approver(cdb):
    return users.get_user(cdb.db, "lanhdao")


def _clerk(cdb):
    return users.get_user(cdb.db, "canbo")


# --- the procedure as data ---------------------------------------------------------------------


def test_procedure_steps_deadlines_and_rules_come_from_the_data_file():
    qd = procedure.load_procedure("qd-24-2021")
    assert [s.id for s in qd.steps_for("periodic")] == [
        "list",
        "survey",
        "meeting",
        "posting",
        "opinion",
        "recognition",
    ]
    assert "opinion" not in [s.id for s in qd.steps_for("regular")]
    assert qd.vote_threshold == 0.5 and qd.posting_days == 3
    assert qd.posting_days_status == "unknown"
    assert procedure.default_deadlines(qd, "periodic", 2026)["survey"] == "2026-10-31"
    assert procedure.default_deadlines(qd, "regular", 2026, 3) == {"recognition": "2026-03-30"}


def test_a_procedure_naming_an_unknown_condition_is_refused_with_its_place():
    doc = json.loads(
        __import__("gnapp.data", fromlist=["x"])
        .form_file("review", "procedures", "qd-24-2021.json")
        .read_text(encoding="utf-8")
    )
    doc["steps"][2]["done_when"] = "everyone_happy"
    with pytest.raises(procedure.ProcedureError, match=r"thử.json, steps\[2\].done_when"):
        procedure.parse_procedure(doc, "thử.json")


def test_posting_period_counts_working_days_only():
    friday = date(2026, 11, 6)
    assert procedure.working_days_end(friday, 3) == date(2026, 11, 10)
    assert procedure.working_days_end(date(2026, 11, 7), 1) == date(2026, 11, 9)  # a Saturday
    holiday = frozenset({date(2026, 11, 9)})
    assert procedure.working_days_end(friday, 3, holiday) == date(2026, 11, 11)


# --- opening a round and its list ---------------------------------------------------------------


def test_a_round_takes_the_standard_in_force_and_the_procedures_deadlines(demo_db):
    round_id = workflow.open_round(
        demo_db, 2026, standard_id="2022-2025", team=[" Nguyễn Văn Rà ", ""]
    )
    opened = workflow.get_round(demo_db.db, round_id)
    assert opened.standard_id == "2022-2025"  # in force through 2026
    assert opened.reference_date == date(2026, 9, 1)
    assert opened.team == ("Nguyễn Văn Rà",)
    assert opened.deadlines["recognition"] == "2026-12-14"
    assert opened.posting_days == 3 and opened.step == "list"
    later = workflow.open_round(demo_db, 2027, standard_id="2022-2025")
    assert workflow.get_round(demo_db.db, later).standard_id == "2022-2025"
    with pytest.raises(ReviewError, match="Đã có đợt rà soát định kỳ năm 2026"):
        workflow.open_round(demo_db, 2026, standard_id="2022-2025")
    regular = workflow.open_round(demo_db, 2026, "regular", month=3)
    assert workflow.get_round(demo_db.db, regular).reference_date == date(2026, 3, 15)


def test_the_posting_period_is_the_communes_setting_when_set(demo_db):
    from gnapp.store.register import set_setting

    set_setting(demo_db, workflow.POSTING_DAYS_SETTING, 7)
    round_id = workflow.open_round(demo_db, 2026, standard_id="2022-2025")
    assert workflow.get_round(demo_db.db, round_id).posting_days == 7


def test_the_list_holds_the_households_now_on_the_lists_and_the_applicants(listed_round):
    cdb, round_id = listed_round
    listed = {
        row[0]
        for row in cdb.db.execute(
            "SELECT household_id FROM household_status WHERE year = 2025 "
            "AND status IN ('poor', 'near_poor') AND household_id IN "
            "(SELECT id FROM households WHERE present_until IS NULL)"  # not those gone since
        )
    }
    states = progress.household_states(cdb.db, round_id)
    assert {s.household_id for s in states} == listed
    assert all(s.source == "listed" and s.previous_status in ("poor", "near_poor") for s in states)
    assert workflow.build_list(cdb, round_id) == 0  # building again adds nothing

    outsider = cdb.db.execute(
        "SELECT id FROM households WHERE id NOT IN (SELECT household_id FROM review_entries) "
        "AND present_until IS NULL LIMIT 1"
    ).fetchone()[0]
    with pytest.raises(ReviewError, match="họ và tên người làm đơn"):
        workflow.add_application(
            cdb,
            round_id,
            outsider,
            kind="review",
            received_on="2026-09-10",
            applicant={},
            reason="Ốm đau",
        )
    workflow.add_application(
        cdb,
        round_id,
        outsider,
        kind="review",
        received_on="2026-09-10",
        applicant={"full_name": "Đinh Văn Đơn", "sex": "male"},
        reason="Chồng ốm nặng",
    )
    applied = [s for s in progress.household_states(cdb.db, round_id) if s.household_id == outsider]
    assert applied[0].source == "applied"


def test_adding_or_removing_by_hand_needs_a_reason_and_keeps_it(listed_round):
    cdb, round_id = listed_round
    listed = progress.household_states(cdb.db, round_id)[0]
    code, outsider = cdb.db.execute(
        "SELECT code, id FROM households WHERE id NOT IN (SELECT household_id FROM review_entries)"
    ).fetchone()
    with pytest.raises(ReviewError, match="Cần ghi lý do"):
        workflow.add_to_list(cdb, round_id, outsider, "")
    workflow.add_to_list(cdb, round_id, outsider, "Nhà bị bão làm sập")
    with pytest.raises(ReviewError, match="Cần ghi lý do"):
        workflow.remove_from_list(cdb, round_id, outsider, "  ")
    workflow.remove_from_list(cdb, round_id, outsider, "Cả hộ chuyển đi nơi khác")
    removed = progress.household_states(cdb.db, round_id, removed=True)
    assert [(s.code, s.added_reason, s.removed_reason) for s in removed] == [
        (code, "Nhà bị bão làm sập", "Cả hộ chuyển đi nơi khác")
    ]
    assert outsider not in {s.household_id for s in progress.household_states(cdb.db, round_id)}
    workflow.add_to_list(cdb, round_id, outsider, "Hộ quay về địa phương")
    with pytest.raises(ReviewError, match="đã có trong danh sách"):
        workflow.add_to_list(cdb, round_id, outsider, "lần nữa")
    # A household of last year's lists stays until the decision gives its status.
    with pytest.raises(ReviewError, match=f"Hộ {listed.code} đang trong danh sách hộ"):
        workflow.remove_from_list(cdb, round_id, listed.household_id, "Chuyển đi")


# --- survey -------------------------------------------------------------------------------------


def test_a_draft_is_kept_as_typed_and_a_complete_questionnaire_must_be_valid(
    listed_round, review_steps
):
    cdb, round_id = listed_round
    state = progress.household_states(cdb.db, round_id)[0]
    record, ids = review_steps.survey_record(cdb, state.household_id)
    record["members"][0]["birth_date"] = "1980-02-31"
    assert (
        workflow.save_survey(cdb, round_id, state.household_id, record, ids, complete=False) is None
    )
    saved = workflow.questionnaire(cdb.db, round_id, state.household_id)
    assert (
        saved["state"] == "draft" and saved["answers"]["members"][0]["birth_date"] == "1980-02-31"
    )
    with pytest.raises(ReviewError, match=f"Hộ {state.code}: phiếu chưa hoàn thành"):
        workflow.save_survey(cdb, round_id, state.household_id, record, ids, complete=True)
    assert workflow.questionnaire(cdb.db, round_id, state.household_id)["state"] == "draft"


def test_a_questionnaire_with_an_unanswered_indicator_that_decides_cannot_complete(
    listed_round, review_steps
):
    cdb, round_id = listed_round
    state = progress.household_states(cdb.db, round_id)[0]
    record, ids = review_steps.survey_record(cdb, state.household_id, {"b1_score": 90})
    for key in ("floor_area_m2", "water_source", "latrine", "uses_telecom"):
        record.pop(key, None)
    record["walls_durable"] = record["frame_durable"] = record["roof_durable"] = None
    with pytest.raises(ReviewError, match="chưa phân loại được"):
        workflow.save_survey(cdb, round_id, state.household_id, record, ids, complete=True)


def test_completing_writes_member_changes_back_to_the_register_through_the_log(
    listed_round, review_steps
):
    cdb, round_id = listed_round
    state = progress.household_states(cdb.db, round_id)[0]
    record, ids = review_steps.survey_record(cdb, state.household_id)
    record["members"][0]["has_health_insurance"] = False
    record["members"].append(
        {
            "full_name": "Đinh Thị Mới",
            "sex": "female",
            "birth_date": "2026-05-01",
            "relation": "grandchild",
            "has_health_insurance": True,
            "malnourished": False,
        }
    )
    ids.append(None)
    result = workflow.save_survey(cdb, round_id, state.household_id, record, ids, complete=True)
    assert result is not None and result.class_code in ("poor", "near_poor", "not_poor", "average")
    head = cdb.db.execute("SELECT has_health_insurance FROM members WHERE id = ?", [ids[0]])
    assert head.fetchone()[0] == 0
    names = [
        r[0]
        for r in cdb.db.execute(
            "SELECT full_name FROM members WHERE household_id = ? ORDER BY position",
            [state.household_id],
        )
    ]
    assert names[-1] == "Đinh Thị Mới"
    history = [row.what for row in history_rows(cdb.db, state.household_id)]
    assert any("Đinh Thị Mới" in what for what in history)
    assert workflow.match_members(cdb.db, state.household_id, record["members"]) == [
        *ids[:-1],
        names
        and cdb.db.execute("SELECT id FROM members WHERE full_name = 'Đinh Thị Mới'").fetchone()[0],
    ]


def test_phieu_a_not_eligible_ends_the_survey_as_not_poor(listed_round, review_steps):
    cdb, round_id = listed_round
    state = progress.household_states(cdb.db, round_id)[0]
    record, ids = review_steps.survey_record(cdb, state.household_id)
    record["form_a"] = {"eligible_for_form_b": False}
    with pytest.raises(ReviewError, match="cần ghi lý do"):
        workflow.save_survey(
            cdb, round_id, state.household_id, record, ids, form="A", complete=True
        )
    record["form_a"]["reason"] = "Hộ có nhà kiên cố, ô tô, lương hưu"
    workflow.save_survey(cdb, round_id, state.household_id, record, ids, form="A", complete=True)
    after = {s.household_id: s for s in progress.household_states(cdb.db, round_id)}
    assert after[state.household_id].complete and after[state.household_id].result == "not_poor"


def test_only_households_on_the_list_are_surveyed(listed_round, review_steps):
    cdb, round_id = listed_round
    outsider = cdb.db.execute(
        "SELECT id, code FROM households WHERE id NOT IN (SELECT household_id FROM review_entries)"
    ).fetchone()
    record, ids = review_steps.survey_record(cdb, outsider[0])
    with pytest.raises(ReviewError, match=f"Hộ {outsider[1]} không có trong danh sách"):
        workflow.save_survey(cdb, round_id, outsider[0], record, ids, complete=False)


# --- the village meeting ------------------------------------------------------------------------


def test_below_half_agreeing_sends_the_household_back_to_the_survey(listed_round, review_steps):
    cdb, round_id = listed_round
    review_steps.survey_all(cdb, round_id)
    states = progress.household_states(cdb.db, round_id)
    village = states[0].village_id
    here = [s for s in states if s.village_id == village]
    votes = {s.household_id: 20 for s in here}  # of 40: exactly half agrees -> stands
    votes[here[0].household_id] = 19  # just under half -> back to survey
    workflow.record_meeting(
        cdb,
        round_id,
        village,
        held_on="2026-11-02",
        attendee_count=40,
        votes=votes,
        chair="Trưởng thôn",
    )
    after = {s.household_id: s for s in progress.household_states(cdb.db, round_id)}
    assert after[here[0].household_id].returned and not after[here[0].household_id].complete
    assert all(after[s.household_id].agreed for s in here[1:])
    follow = progress.follow_up(cdb.db, round_id)
    assert [s.code for s in follow["returned"]] == [here[0].code]
    with pytest.raises(ReviewError, match="chưa hoàn thành phiếu"):
        workflow.record_meeting(
            cdb,
            round_id,
            village,
            held_on="2026-11-03",
            attendee_count=30,
            votes={here[0].household_id: 30},
        )
    record, ids = review_steps.survey_record(cdb, here[0].household_id)
    workflow.save_survey(cdb, round_id, here[0].household_id, record, ids, complete=True)
    follow = progress.follow_up(cdb.db, round_id)
    waiting_here = [s.code for s in follow["waiting_meeting"] if s.village_id == village]
    assert waiting_here == [here[0].code]
    assert follow["returned"] == []
    workflow.record_meeting(
        cdb,
        round_id,
        village,
        held_on="2026-11-05",
        attendee_count=30,
        votes={here[0].household_id: (12, 20)},
    )
    assert {s.household_id: s for s in progress.household_states(cdb.db, round_id)}[
        here[0].household_id
    ].agreed  # 12 of the 20 voting


def test_a_vote_must_fit_the_meeting(agreed_round):
    cdb, round_id = agreed_round
    state = progress.household_states(cdb.db, round_id)[0]
    other_village = cdb.db.execute(
        "SELECT id FROM villages WHERE id != ? LIMIT 1", [state.village_id]
    ).fetchone()[0]
    with pytest.raises(ReviewError, match="không ở"):
        workflow.record_meeting(
            cdb,
            round_id,
            other_village,
            held_on="2026-11-03",
            attendee_count=10,
            votes={state.household_id: 5},
        )
    with pytest.raises(ReviewError, match="đồng ý ≤ biểu quyết ≤ số người dự họp"):
        workflow.record_meeting(
            cdb,
            round_id,
            state.village_id,
            held_on="2026-11-03",
            attendee_count=10,
            votes={state.household_id: 11},
        )


# --- posting, complaints, recognition -----------------------------------------------------------


def test_posting_waits_for_every_meeting_and_lasts_the_working_days(listed_round, review_steps):
    cdb, round_id = listed_round
    review_steps.survey_all(cdb, round_id)
    with pytest.raises(ReviewError, match="chưa được họp dân thống nhất"):
        workflow.open_posting(cdb, round_id, "2026-11-06")
    review_steps.meet_all(cdb, round_id, "2026-11-02")
    with pytest.raises(ReviewError, match="trước cuộc họp dân cuối cùng"):
        workflow.open_posting(cdb, round_id, "2026-11-01")
    assert workflow.open_posting(cdb, round_id, "2026-11-06") == ("2026-11-06", "2026-11-10")


def test_recognition_writes_each_households_status_and_movement_then_locks(
    agreed_round, review_steps
):
    cdb, round_id = agreed_round
    states = progress.household_states(cdb.db, round_id)
    with pytest.raises(ReviewError, match="chưa được niêm yết"):
        workflow.recognise(cdb, round_id, "12/QĐ-UBND", "2026-11-20", approver=_approver(cdb))
    workflow.open_posting(cdb, round_id, "2026-11-06", places="Nhà văn hóa thôn")
    complaint = workflow.add_complaint(
        cdb, round_id, states[0].household_id, received_on="2026-11-09", content="Hộ mới mua xe tải"
    )
    with pytest.raises(ReviewError, match="còn khiếu nại chưa phúc tra"):
        workflow.recognise(cdb, round_id, "12/QĐ-UBND", "2026-11-20", approver=_approver(cdb))
    workflow.record_recheck(
        cdb,
        complaint,
        recheck_on="2026-11-12",
        result="Xe của người con đã tách hộ",
        recheck_class="near_poor",
    )
    with pytest.raises(ReviewError, match="ngày quyết định phải sau"):
        workflow.recognise(cdb, round_id, "12/QĐ-UBND", "2026-11-10", approver=_approver(cdb))
    with pytest.raises(users.PermissionDenied):
        workflow.recognise(cdb, round_id, "12/QĐ-UBND", "2026-11-20", approver=_clerk(cdb))
    assert (
        cdb.db.execute("SELECT count(*) FROM household_status WHERE year = 2026").fetchone()[0] == 0
    )

    written = workflow.recognise(cdb, round_id, "12/QĐ-UBND", "2026-11-20", approver=_approver(cdb))
    assert written == len(states)
    stored = {
        row["household_id"]: row
        for row in cdb.db.query("SELECT * FROM household_status WHERE year = 2026")
    }
    for state in progress.household_states(cdb.db, round_id):
        row = stored[state.household_id]
        assert row["status"] == state.result and row["movement"] == state.movement
        assert row["decision_number"] == "12/QĐ-UBND" and row["standard_id"] == "2022-2025"
        assert state.recognised
    assert stored[states[0].household_id]["status"] == "near_poor"  # the re-check's class
    assert workflow.get_round(cdb.db, round_id).locked


def test_a_recognised_round_is_read_only_except_by_a_recorded_correction(
    agreed_round, review_steps
):
    cdb, round_id = agreed_round
    workflow.open_posting(cdb, round_id, "2026-11-06")
    workflow.recognise(cdb, round_id, "12/QĐ-UBND", "2026-11-20", approver=_approver(cdb))
    state = progress.household_states(cdb.db, round_id)[0]
    record, ids = review_steps.survey_record(cdb, state.household_id)
    for action in (
        lambda: workflow.save_survey(
            cdb, round_id, state.household_id, record, ids, complete=False
        ),
        lambda: workflow.remove_from_list(cdb, round_id, state.household_id, "lý do"),
        lambda: workflow.open_posting(cdb, round_id, "2026-11-20"),
        lambda: workflow.build_list(cdb, round_id),
    ):
        with pytest.raises(ReviewError, match=r"đã được công nhận .* và khóa"):
            action()
    new = "not_poor" if state.result != "not_poor" else "poor"
    with pytest.raises(users.PermissionDenied):
        workflow.correct(
            cdb,
            round_id,
            state.household_id,
            new,
            reason="Sai sót khi nhập",
            decision_number="15/QĐ-UBND",
            decision_date="2026-12-01",
            approver=_clerk(cdb),
        )
    workflow.correct(
        cdb,
        round_id,
        state.household_id,
        new,
        reason="Sai sót khi nhập",
        decision_number="15/QĐ-UBND",
        decision_date="2026-12-01",
        approver=_approver(cdb),
    )
    row = cdb.db.execute(
        "SELECT status, decision_number, note FROM household_status WHERE household_id = ? "
        "AND year = 2026",
        [state.household_id],
    ).fetchone()
    assert row == (new, "15/QĐ-UBND", "Sai sót khi nhập")
    [correction] = workflow.corrections(cdb.db, round_id)
    assert (correction["old_status"], correction["new_status"]) == (state.result, new)
    history = [r.what for r in history_rows(cdb.db, state.household_id)]
    assert "Thêm: điều chỉnh sau quyết định công nhận" in history


def test_correcting_an_unrecognised_round_is_refused(agreed_round):
    cdb, round_id = agreed_round
    state = progress.household_states(cdb.db, round_id)[0]
    with pytest.raises(ReviewError, match="chưa được công nhận"):
        workflow.correct(
            cdb,
            round_id,
            state.household_id,
            "not_poor",
            reason="x",
            decision_number="1",
            decision_date="2026-12-01",
            approver=_approver(cdb),
        )


def test_the_board_and_steps_follow_the_round(agreed_round):
    cdb, round_id = agreed_round
    rows = progress.board(cdb.db, round_id)
    total = rows[-1]
    assert total.village_name == "Toàn xã"
    assert total.counts["listed"] == sum(r.counts["listed"] for r in rows[:-1])
    assert total.counts["agreed"] == total.counts["listed"] and total.counts["posted"] == 0
    stages = progress.steps(cdb.db, round_id, date(2026, 11, 20))
    done = {s.step.id: s.done for s in stages}
    assert done == {
        "list": True,
        "survey": True,
        "meeting": True,
        "posting": False,
        "opinion": False,
        "recognition": False,
    }
    assert [s.step.id for s in stages if s.current] == ["posting"]
    assert [s.step.id for s in stages if s.overdue] == ["posting"]  # due 15/11


def test_a_draft_keeps_its_member_ids_so_a_renamed_member_stays_the_same_person(
    listed_round, review_steps
):
    from gnapp.review.questionnaire import start_answers

    cdb, round_id = listed_round
    state = progress.household_states(cdb.db, round_id)[0]
    record, ids = review_steps.survey_record(cdb, state.household_id)
    record["members"][0]["full_name"] = "Tên Đã Sửa Khác Hẳn"
    record["members"][0].pop("citizen_id", None)
    workflow.save_survey(cdb, round_id, state.household_id, record, ids, complete=False)
    assert workflow.match_members(cdb.db, state.household_id, record["members"])[0] is None
    assert start_answers(cdb.db, round_id, state.household_id).member_ids == ids


def test_a_meetings_people_must_add_up():
    groups = {"steering_committee": 2, "household_representatives": 28}
    assert workflow.meeting_problems(30, groups, 25) == []
    assert workflow.meeting_problems(30, {"reviewers": 0, "steering_committee": 0}, None) == [
        "cộng các thành phần tham dự được 0 người, khác tổng số người dự họp (30)"
    ]
    assert workflow.meeting_problems(40, None, 114) == [
        "số hộ có đại diện (114) nhiều hơn số người dự họp (40)"
    ]
    assert workflow.meeting_problems(30, groups, 29) == [
        "số hộ có đại diện (29) nhiều hơn số đại diện hộ gia đình dự họp (28)",
    ]
