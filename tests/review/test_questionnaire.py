"""The questionnaire definitions and their engine (gnapp.review.questionnaire)."""

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.core.standards import load_points_table, load_standard
from gnapp.data import read_form_json
from gnapp.review import questionnaire, workflow
from gnapp.review.questionnaire import (
    B1_ANSWERS,
    QuestionnaireError,
    Survey,
    available_questionnaires,
    fill_from_last_year,
    get_answer,
    load_questionnaire,
    match_members,
    set_answer,
    start_answers,
    survey_for,
)
from gnapp.store import review

REFERENCE = date(2025, 10, 1)


def _survey(standard="2022-2025", form="phieu-b"):
    return Survey(load_questionnaire(form), load_standard(standard), REFERENCE)


def _question(survey, key):
    return next(q for page in survey.pages for q in page.questions if q.key == key)


def _answers(**member):
    head = {
        "full_name": "Nguyễn Văn Hùng",
        "sex": "male",
        "birth_date": "1984-03-15",
        "relation": "head",
        "has_health_insurance": True,
        "employment": "stable",
        "can_work": True,
        "severe_disability": False,
    }
    child = {"full_name": "Nguyễn Thị Hoa", "sex": "female", "relation": "child", **member}
    return {
        "household_code": "HGD-1",
        "area": "rural",
        "agricultural": True,
        "floor_area_m2": 40,
        "walls_durable": True,
        "frame_durable": True,
        "roof_durable": True,
        "water_source": "piped",
        "latrine": "septic",
        "uses_telecom": True,
        "information_devices": ["tv"],
        "income": {"b1_score": 120},
        "members": [head, child],
    }


def test_bundled_definitions_load():
    forms = {q.form: q for q in available_questionnaires()}
    assert set(forms) == {"A", "B"}
    pages = [page.id for page in forms["B"].pages]
    assert pages == ["general", "members", "dwelling", "water", "information", "income", "causes"]
    # Labels come from the schema's descriptions unless the page gives one.
    survey = _survey()
    assert _question(survey, "member.schooling").label == "Tình trạng đi học"
    assert _question(survey, "member.vocational_certificate").label == "Chứng chỉ / bằng nghề"
    assert "chưa" in forms["A"].pages[0].note  # Phiếu A's official items are unknown


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format_version": 9}, "khóa format_version: phiên bản 9 chưa hỗ trợ"),
        ({"form": "C"}, "khóa form: 'C' không phải A, B"),
        ({"extra": 1}, "khóa không biết 'extra'"),
    ],
)
def test_bad_definition_names_file_and_key(tmp_path, change, message):
    doc = read_form_json("review", "questionnaires", "phieu-b.json")
    doc.update(change)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as error:
        load_questionnaire(path)
    assert str(error.value).startswith(f"Tệp {path}")
    assert message in str(error.value)


def _write_page(tmp_path, field):
    doc = {
        "format_version": 1,
        "id": "thu",
        "form": "B",
        "name": "Thử",
        "source": "thử",
        "status": "unknown",
        "confirmed": False,
        "pages": [{"id": "p", "title": "Trang", "fields": [field]}],
    }
    path = tmp_path / "thu.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_bad_field_and_condition_are_located(tmp_path):
    with pytest.raises(
        QuestionnaireError, match=r"pages\[0\]\.fields\[0\]\.field: .*'household.nope'"
    ):
        load_questionnaire(_write_page(tmp_path, {"field": "household.nope"}))
    with pytest.raises(QuestionnaireError, match="chỉ hỏi trên trang danh sách thành viên"):
        load_questionnaire(_write_page(tmp_path, {"field": "member.sex"}))
    with pytest.raises(QuestionnaireError, match="toán tử không biết"):
        load_questionnaire(
            _write_page(tmp_path, {"field": "household.latrine", "when": {"??": []}})
        )


def test_child_questions_follow_the_age_at_the_reference_date():
    survey = _survey()
    roster = survey.roster_page
    malnourished = _question(survey, "member.malnourished")
    schooling = _question(survey, "member.schooling")
    employment = _question(survey, "member.employment")
    answers = _answers(birth_date="2015-06-01")  # 10 years old
    asked = [q.key for q in survey.questions(roster, answers, 1)]
    assert malnourished.key in asked and schooling.key in asked and employment.key not in asked
    answers["members"][1]["birth_date"] = "2009-10-01"  # 16 on the reference date itself
    assert not survey.asked(malnourished, answers, 1)
    assert survey.asked(employment, answers, 1)  # working age from 15
    answers["members"][1]["birth_date"] = "2009-10-02"  # still 15
    assert survey.asked(malnourished, answers, 1)
    answers["members"][1]["birth_date"] = ""  # unknown age: asked
    assert survey.asked(malnourished, answers, 1)


def test_standard_reads_hides_questions_the_standard_does_not_use():
    keys_2022 = {
        q.key
        for page in _survey("2022-2025").visible_pages(_answers())
        for q in _survey("2022-2025").questions(page, _answers())
    }
    survey_2027 = _survey("2027-2030")
    keys_2027 = {
        q.key
        for page in survey_2027.visible_pages(_answers())
        for q in survey_2027.questions(page, _answers())
    }
    assert "household.information_devices" in keys_2022
    assert "household.waste_handled_hygienically" not in keys_2022
    assert "household.information_devices" not in keys_2027
    assert "household.waste_handled_hygienically" in keys_2027
    # 2027–2030 has no B1 line: the income per person is asked instead, and required.
    assert "household.income.b1_score" not in keys_2027
    monthly = _question(survey_2027, "household.income.monthly_per_capita")
    assert survey_2027.required(monthly, _answers())
    assert not _survey().required(
        _question(_survey(), "household.income.monthly_per_capita"), _answers()
    )


def test_build_record_drops_skipped_answers_and_classifies():
    survey = _survey()
    answers = _answers(birth_date="1990-01-01", malnourished=True, schooling="attending")
    record = survey.build_record(answers)
    assert "malnourished" not in record["members"][1]  # an adult: the child question was skipped
    assert answers["members"][1]["malnourished"] is True  # the answers themselves kept
    result = survey.classification(answers)
    assert result is not None and result.income_basis == "score"


def test_issues_name_page_member_and_field():
    survey = _survey()
    answers = _answers(birth_date="2015-06-01", has_health_insurance=False)
    issues = survey.issues(answers)
    unanswered = {(i.page, i.member, i.key) for i in issues if i.message == "Chưa trả lời"}
    assert ("members", 1, "member.malnourished") in unanswered
    assert ("members", 1, "member.schooling") in unanswered
    assert not survey.complete(answers)
    answers["members"][1].update(malnourished=False, schooling="attending", severe_disability=False)
    assert survey.complete(answers), survey.issues(answers)
    answers["members"][1]["birth_date"] = "2026-01-01"  # after the reference date
    found = {(i.page, i.member, i.key) for i in survey.issues(answers) if i.is_error}
    assert ("members", 1, "member.birth_date") in found
    answers["members"][1]["birth_date"] = "2015-06-01"
    answers["members"][1]["relation"] = "head"
    assert any(i.key == "member.relation" and i.member == 1 for i in survey.issues(answers))


def test_phieu_a_records_the_outcome_only():
    survey = _survey(form="phieu-a")
    answers = _answers(birth_date="2015")
    assert not survey.complete(answers)
    eligible = _question(survey, "household.form_a.eligible_for_form_b")
    set_answer(answers, eligible, False)
    assert get_answer(answers, eligible) is False
    refused = [i for i in survey.issues(answers) if i.is_error]
    assert [(i.page, i.key) for i in refused] == [("outcome", "household.form_a.reason")]
    assert "cần ghi lý do" in refused[0].message
    set_answer(answers, _question(survey, "household.form_a.reason"), "  Có xe ô tô  ")
    assert survey.complete(answers)
    assert survey.build_record(answers)["form_a"] == {
        "eligible_for_form_b": False,
        "reason": "Có xe ô tô",
    }
    set_answer(answers, eligible, True)
    set_answer(answers, _question(survey, "household.form_a.reason"), None)
    assert survey.complete(answers)


@given(st.dates(min_value=date(1925, 1, 1), max_value=REFERENCE))
def test_skip_logic_matches_the_age_rules(born):
    survey = _survey()
    answers = _answers(birth_date=born.isoformat())
    age = (REFERENCE.year - born.year) - ((REFERENCE.month, REFERENCE.day) < (born.month, born.day))
    assert survey.asked(_question(survey, "member.malnourished"), answers, 1) == (age < 16)
    assert survey.asked(_question(survey, "member.schooling"), answers, 1) == (3 <= age <= 30)
    assert survey.asked(_question(survey, "member.education"), answers, 1) == (16 <= age <= 30)
    record = survey.build_record(answers)
    assert set(record["members"][1]) <= set(answers["members"][1])


def test_last_year_fills_gaps_but_not_income_figures():
    answers = _answers(birth_date="2015-06-01")
    del answers["latrine"]
    answers["members"][1]["citizen_id"] = None
    last = _answers(birth_date="2015-06-01", citizen_id="001315000001", malnourished=True)
    last["latrine"] = "simple_pit"
    last["income"] = {"b1_score": 90, "monthly_per_capita": 900000}
    last["support_needs"] = ["credit"]
    filled = fill_from_last_year(answers, last)
    assert filled["latrine"] == "simple_pit"
    assert filled["members"][1]["citizen_id"] == "001315000001"
    assert filled["members"][1]["malnourished"] is True
    assert filled["income"] == {"b1_score": 120}
    assert filled["support_needs"] == ["credit"]


def test_start_from_register_then_resume_draft(demo_db):
    db = demo_db.db
    round_id = workflow.open_round(demo_db, 2026, standard_id="2022-2025")
    household_id = db.execute(
        "SELECT household_id FROM members GROUP BY household_id HAVING count(*) = 4 LIMIT 1"
    ).fetchone()[0]
    start = start_answers(db, round_id, household_id)
    assert start.source == "register" and len(start.member_ids) == 4
    assert None not in start.member_ids
    survey = survey_for(db, round_id)
    start.answers["income"] = {"b1_score": 100}
    start.answers["members"].reverse()
    review.save_questionnaire(demo_db, round_id, household_id, "B", start.answers)
    resumed = start_answers(db, round_id, household_id)
    assert resumed.source == "draft"
    assert resumed.answers["income"] == {"b1_score": 100}
    assert resumed.member_ids == list(reversed(start.member_ids))
    assert match_members(db, household_id, [{"full_name": "Người Mới", "birth_date": "2000"}]) == [
        None
    ]
    assert survey.classification(resumed.answers) is not None


# --- a B1 points table installed for the test only -------------------------------------------

TABLE = {
    "format_version": 1,
    "standard": "2022-2025",
    "area": "rural",
    "regions": ["tay_nguyen"],
    "name": "BẢNG ĐIỂM GIẢ — chỉ dùng cho kiểm thử",
    "source": "Dữ liệu giả cho kiểm thử",
    "status": "unknown",
    "confirmed": False,
    "items": [
        {
            "id": "household_size",
            "name": "Số nhân khẩu (giả)",
            "options": [
                {"value": 1, "label": "1 người", "points": 50},
                {"value": 2, "label": "2 người trở lên", "points": 30},
            ],
        },
        {
            "id": "has_pension",
            "name": "Có người hưởng lương hưu (giả)",
            "options": [
                {"value": True, "label": "có", "points": 60},
                {"value": False, "label": "không", "points": 0},
            ],
        },
        {
            "id": "dwelling",
            "name": "Loại nhà ở (giả)",
            "options": [
                {"value": "durable", "label": "nhà kiên cố", "points": 50.5},
                {"value": "temporary", "label": "nhà tạm", "points": 10},
            ],
        },
    ],
}


@pytest.fixture
def points_table(tmp_path, monkeypatch):
    """TABLE installed as the points table of 2022-2025, rural, Tây Nguyên (for the test)."""
    path = tmp_path / "2022-2025-rural-tay_nguyen.json"
    path.write_text(json.dumps(TABLE, ensure_ascii=False), encoding="utf-8")
    table = load_points_table(path)

    def installed(standard_id, area, region):
        return table if table.applies_to(standard_id, area, region) else None

    monkeypatch.setattr(questionnaire, "points_table_for", installed)
    return table


def _complete_answers():
    """Answers with nothing left to ask (the child: 10 years old, at school)."""
    return _answers(
        birth_date="2015-06-01",
        has_health_insurance=True,
        malnourished=False,
        schooling="attending",
        severe_disability=False,
    )


def _table_survey():
    return Survey(
        load_questionnaire("phieu-b"), load_standard("2022-2025"), REFERENCE, "tay_nguyen"
    )


def _income_keys(survey, answers):
    page = next(page for page in survey.pages if page.id == "income")
    return [q.key for q in survey.questions(page, answers)]


def test_without_a_points_table_only_the_total_is_asked(points_table):
    answers = _answers()
    assert _income_keys(_survey(), answers)[0] == "household.income.b1_score"
    assert "household.income.b1_answers.dwelling" not in _income_keys(_survey(), answers)
    answers["area"] = "urban"
    assert _table_survey().points_table(answers) is None
    assert _table_survey().table_b1(answers) is None
    assert not any(k.startswith(B1_ANSWERS) for k in _income_keys(_table_survey(), answers))


def test_points_table_items_are_asked_scored_and_classified(points_table):
    survey = _table_survey()
    answers = _complete_answers()
    del answers["income"]
    keys = _income_keys(survey, answers)
    assert keys[:4] == [
        "household.income.b1_score",
        "household.income.b1_answers.household_size",
        "household.income.b1_answers.has_pension",
        "household.income.b1_answers.dwelling",
    ]
    size = next(q for q in survey.questions(survey.pages[5], answers) if q.points_item)
    assert size.choices == ((1, "1 người (50 điểm)"), (2, "2 người trở lên (30 điểm)"))
    unanswered = {i.key for i in survey.issues(answers) if i.is_error}
    assert {k for k in unanswered if "income" in k} == {
        "household.income.b1_answers.household_size",
        "household.income.b1_answers.has_pension",
        "household.income.b1_answers.dwelling",
    }
    set_answer(answers, size, 2)
    b1 = survey.table_b1(answers)
    assert (b1.total, b1.missing, b1.complete) == (
        30,
        ("Có người hưởng lương hưu (giả)", "Loại nhà ở (giả)"),
        False,
    )
    for key, value in (("has_pension", False), ("dwelling", "durable")):
        question = next(
            q for q in survey.questions(survey.pages[5], answers) if q.key.endswith(key)
        )
        set_answer(answers, question, value)
    b1 = survey.table_b1(answers)
    assert (str(b1.total), b1.missing, b1.typed) == ("80.5", (), None)
    assert survey.complete(answers)
    record = survey.build_record(answers)
    assert record["income"] == {
        "b1_answers": {"household_size": 2, "has_pension": False, "dwelling": "durable"}
    }
    result = survey.classification(answers)
    assert str(result.income_value) == "80.5" and result.income_basis == "score"
    assert result.class_code in ("poor", "near_poor")


def test_typed_total_that_differs_from_the_table_is_warned(points_table):
    survey = _table_survey()
    answers = _complete_answers()  # the paper form's total: 120
    assert survey.complete(answers)  # the typed total stands in for the items
    answers["income"]["b1_answers"] = {
        "household_size": 1,
        "has_pension": True,
        "dwelling": "durable",
    }
    warned = [i for i in survey.issues(answers) if i.key == "household.income.b1_score"]
    assert [(i.severity, i.page) for i in warned] == [("warning", "income")]
    assert "160,5 điểm" in warned[0].message
    assert survey.complete(answers)
    result = survey.classification(answers)
    assert str(result.income_value) == "160.5" and result.class_code == "not_poor"
    assert any("khác điểm tính theo bảng" in note for note in result.notes)
    answers["income"]["b1_answers"]["dwelling"] = "castle"
    stray = [i for i in survey.issues(answers) if i.is_error]
    assert [(i.page, i.key) for i in stray] == [("income", "household.income.b1_answers.dwelling")]
    assert survey.table_b1(answers) is None


def test_last_years_b1_answers_are_not_carried_over():
    last = _answers()
    last["income"] = {"b1_answers": {"household_size": 1}, "b1_score": 90, "other": 1}
    filled = fill_from_last_year({"members": []}, last)
    assert "b1_answers" not in filled.get("income", {})
