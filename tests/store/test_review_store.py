"""The review's storage (gnapp.store.review): what its queries select and how it encodes what
it writes."""

from datetime import date

import pytest

from gnapp.store import register, review


@pytest.fixture
def households(new_db):
    register.save_commune(new_db, code="21555", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    village = register.add_village(new_db, "T01", "Thôn An Phú", "rural")
    member = {"full_name": "Nguyễn Văn A", "sex": "male", "birth_date": "1970", "relation": "head"}
    return [
        register.add_household(new_db, {"code": f"H{n}", "village_id": village}, [member])
        for n in range(1, 4)
    ]


def _round(cdb, year=2026, **extra):
    return review.open_round(cdb, year, "periodic", "2022-2025", f"{year}-09-01", "list", **extra)


def test_listed_before_takes_each_households_latest_status_before_the_year(new_db, households):
    first, second, third = households
    register.set_status(new_db, first, 2024, "poor")
    register.set_status(new_db, first, 2025, "not_poor")  # escaped: not listed for 2026
    register.set_status(new_db, second, 2024, "near_poor")  # still near-poor
    register.set_status(new_db, third, 2026, "poor")  # the review's own year does not count
    assert review.listed_before(new_db.db, 2026) == [second]
    assert review.listed_before(new_db.db, 2025) == [first, second]


def test_a_round_is_stored_with_its_team_deadlines_and_opinion_decoded(new_db):
    round_id = _round(new_db, team=["Lê Thị Hoa"], deadlines={"survey": "2026-10-15"})
    found = review.stored_round(new_db.db, round_id)
    assert found.team == ("Lê Thị Hoa",)
    assert found.deadlines == {"survey": "2026-10-15"}
    assert found.reference_date == date(2026, 9, 1)
    assert found.procedure_id == "qd-24-2021"  # the schema's default
    assert found.opinion is None and found.posting_days is None and not found.locked
    review.update_round(new_db, round_id, {"posting_days": 12, "opinion": {"by": "UBND huyện"}})
    found = review.stored_round(new_db.db, round_id)
    assert (found.posting_days, found.opinion) == (12, {"by": "UBND huyện"})
    assert found.team == ("Lê Thị Hoa",)  # what is not given stays
    assert review.stored_round(new_db.db, round_id + 1) is None


def test_round_opened_at_tells_periodic_rounds_from_monthly_ones(new_db):
    _round(new_db)
    regular = review.open_round(new_db, 2026, "regular", "2022-2025", "2026-03-15", "list", month=3)
    assert review.round_opened_at(new_db.db, 2026, "periodic", None) is not None
    assert review.round_opened_at(new_db.db, 2026, "regular", 3) is not None
    assert review.round_opened_at(new_db.db, 2026, "regular", 4) is None
    assert review.stored_rounds(new_db.db)[0].id == regular  # newest first


def test_questionnaire_member_ids_stay_unless_given_again(new_db, households):
    round_id = _round(new_db)
    household = households[0]
    review.save_questionnaire(new_db, round_id, household, "B", {"a": 1}, member_ids=[7, None])
    review.save_questionnaire(new_db, round_id, household, "B", {"a": 2}, state="complete")
    assert review.questionnaire_member_ids(new_db.db, round_id, household, "B") == [7, None]
    assert review.questionnaire(new_db.db, round_id, household, "B")["answers"] == {"a": 2}
    assert review.complete_surveys(new_db.db, round_id) == {household: None}
    review.return_to_survey(new_db, round_id, household)
    assert review.complete_surveys(new_db.db, round_id) == {}


def test_earlier_answers_are_the_latest_phieu_b_of_an_earlier_year(new_db, households):
    household = households[0]
    for year in (2024, 2025, 2026):
        round_id = _round(new_db, year)
        review.save_questionnaire(new_db, round_id, household, "B", {"year": year})
    assert review.earlier_answers(new_db.db, round_id, household) == {"year": 2025}
    assert review.earlier_answers(new_db.db, round_id, households[1]) is None


def test_entry_progress_reads_the_latest_vote_and_the_list_taken_off(new_db, households):
    round_id = _round(new_db)
    kept, removed = households[:2]
    for household in (kept, removed):
        review.add_entry(
            new_db, round_id, household, source="added", previous_status=None, added_reason="x"
        )
    review.remove_entry(new_db, review.entry(new_db.db, round_id, removed)["id"], "chuyển đi")
    village = register.stored_household(new_db.db, kept)["village_id"]
    for held_on, outcome in (("2026-10-01", "returned"), ("2026-10-20", "agreed")):
        vote = review.Vote(kept, 5, 6, outcome, "poor")
        meeting = {"held_on": held_on, "attendee_count": 6}
        review.add_meeting(new_db, round_id, village, meeting, [vote])
    [row] = review.entry_progress(new_db.db, round_id)
    assert (row["household_id"], row["vote"], row["vote_class"]) == (kept, "agreed", "poor")
    assert [
        r["household_id"] for r in review.entry_progress(new_db.db, round_id, removed=True)
    ] == [removed]
    assert review.last_meeting_date(new_db.db, round_id) == "2026-10-20"


def test_a_new_posting_replaces_the_round_s_earlier_one(new_db):
    round_id = _round(new_db)
    assert review.posting(new_db.db, round_id) is None
    review.replace_posting(new_db, round_id, "2026-11-02", "2026-11-10", None)
    review.replace_posting(new_db, round_id, "2026-11-05", "2026-11-13", "Nhà văn hóa")
    posted = review.posting(new_db.db, round_id)
    assert (posted["starts_on"], posted["ends_on"], posted["places"]) == (
        "2026-11-05",
        "2026-11-13",
        "Nhà văn hóa",
    )
