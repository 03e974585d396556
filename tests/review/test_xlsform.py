"""Phiếu B (with Phiếu A where the round uses it) as an XLSForm: converted by pyxform, named as
the record, round trips through the tablet import (KoBoToolbox and ODK Central export shapes)
equal to the desktop wizard's save."""

from __future__ import annotations

import copy
import csv
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pyxform.xls2xform import convert

from gnapp.importers.reading import ImportFileError
from gnapp.review import workflow
from gnapp.review.progress import household_states
from gnapp.review.questionnaire import (
    load_questionnaire,
    save_answers,
    start_answers,
    survey_for,
)
from gnapp.review.tablet import (
    HOUSEHOLD,
    MEMBER,
    apply_tablet_import,
    column_role,
    plan_tablet_import,
    read_export,
)
from gnapp.review.xlsform import (
    LANGUAGE,
    ROUND_FIELD,
    UntranslatableError,
    _Conditions,
    check_round,
    round_key,
    write_xlsform,
)
from gnapp.store.answers import decode_answers
from gnapp.store.database import open_database
from gnapp.store.register import get_commune, household_id_by_code
from tests.review import tablet_exports as exports

REFERENCE = date(2026, 11, 1)
NOW = datetime(2026, 10, 1, 8, 30)
REVIEWER, SURVEYED_ON = "Nguyễn Văn Rà", "2026-10-20"


def _open_round(cdb) -> int:
    """A 2026 round with the first three demo households on its review list."""
    opened = workflow.open_round(
        cdb, 2026, standard_id="2022-2025", reference_date=REFERENCE.isoformat(),
        team=["Nguyễn Văn Rà", "Trần Thị Soát"],
    )  # fmt: skip
    for household_id in _first_three(cdb):
        workflow.add_to_list(cdb, opened, household_id, "Hộ có đơn đề nghị")
    return opened


def _first_three(cdb) -> list[int]:
    return [row[0] for row in cdb.db.execute("SELECT id FROM households ORDER BY id LIMIT 3")]


@pytest.fixture
def round_id(demo_db):
    return _open_round(demo_db)


@pytest.fixture
def files(demo_db, round_id, tmp_path):
    return write_xlsform(demo_db.db, round_id, tmp_path / "form", now=NOW)


@pytest.fixture
def desktop_db(small_demo_file, tmp_path):
    """A second copy of the demo commune, with the same round, for the desktop path."""
    copy_path = tmp_path / "desktop.gnapp"
    shutil.copy(small_demo_file, copy_path)
    cdb = open_database(copy_path, actor="Cán bộ thử")
    _open_round(cdb)
    yield cdb
    cdb.close()


def _sheet(path: Path, name: str) -> list[dict[str, Any]]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _questions(path: Path) -> list[tuple[tuple[str, ...], bool, dict[str, Any]]]:
    """(path of names from the form's root, inside the members repeat, row) of every question."""
    found, groups = [], []
    for row in _sheet(path, "survey"):
        kind, name = row["type"], row["name"]
        if kind in ("begin_group", "begin_repeat"):
            groups.append(name)
        elif kind in ("end_group", "end_repeat"):
            assert groups.pop() == name
        else:
            found.append(((*groups, name), "members" in groups, row))
    assert groups == []
    return found


def test_pyxform_converts_the_form_with_no_error(files):
    warnings: list[str] = []
    result = convert(xlsform=str(files.form), warnings=warnings)
    assert warnings == []
    assert 'id="households" src="jr://file-csv/households.csv"' in result.xform
    assert 'id="previous" src="jr://file-csv/previous.csv"' in result.xform
    assert 'event="odk-new-repeat"' in result.xform  # members pre-filled as they are added


def test_every_question_of_phieu_b_is_on_the_form_with_the_record_name(files, demo_db, round_id):
    survey = survey_for(demo_db.db, round_id)
    on_form = {(path[-1], in_repeat): path for path, in_repeat, _ in _questions(files.form)}
    skipped = {"household.area", "household.waste_handled_hygienically"}  # readonly; not read
    for page in load_questionnaire("phieu-b").pages:
        for question in page.questions:
            if question.key in skipped:
                continue
            path = on_form.get((question.path[-1], question.scope == "member"))
            assert path is not None, question.key
            record_path = (
                ("members", *question.path) if question.scope == "member" else question.path
            )
            assert path[-len(record_path) :] == record_path
            level = MEMBER if question.scope == "member" else HOUSEHOLD
            assert column_role("/".join(path), level).field == question.key  # KoBo
            assert column_role("-".join(path), level).field == question.key  # ODK Central
    assert "household.waste_handled_hygienically" not in survey.read_fields
    assert any("household.area" in note for note in files.notes)
    notes = [row["Ghi chú"] for row in _sheet(files.form, "Ghi chú")]
    assert notes == list(files.notes)


def test_the_form_names_its_round_and_lists_its_households(files, demo_db, round_id):
    key = round_key(demo_db.db, round_id)
    assert key == f"gnapp_{get_commune(demo_db.db)['code']}_2026_{round_id}"
    (settings,) = _sheet(files.form, "settings")
    assert (settings["form_id"], settings["version"]) == (key, f"{key}_202610010830")
    assert "Rà soát định kỳ năm 2026" in settings["form_title"]
    assert (files.form.name, files.households.parent) == ("phieu-b.xlsx", files.form.parent)
    (hidden,) = [row for _, _, row in _questions(files.form) if row["name"] == ROUND_FIELD]
    assert (hidden["type"], hidden["calculation"]) == ("calculate", f"'{key}'")
    with open(files.households, encoding="utf-8") as stream:
        listed = list(csv.DictReader(stream))
    assert len(listed) == files.households_listed == 3
    first = listed[0]
    assert first["name"] == first["code"] and first["head"] in first["label"]
    with open(files.previous, encoding="utf-8") as stream:
        previous = {row["key"]: row for row in csv.DictReader(stream)}
    household_id = household_id_by_code(demo_db.db, first["code"])
    start = start_answers(demo_db.db, round_id, household_id).answers
    assert int(first["members"]) == len(start["members"])
    assert previous[first["code"]]["water_source"] == (start.get("water_source") or "")
    head = previous[f"{first['code']}#1"]
    assert head["member_full_name"] == start["members"][0]["full_name"]
    year, month, day = start["members"][0]["birth_date"].split("-")
    assert head["member_birth_date"] == f"{day}/{month}/{year}"


def _evaluate(expression: str, values: dict[str, str]) -> Any:
    """An XLSForm expression of the functions the form uses, evaluated in Python."""

    def number(value: Any) -> float:
        try:
            return float(value)
        except ValueError:
            return float("nan")

    functions = {
        "number": number,
        "substring": lambda text, start: text[int(start) - 1 :],
        "string_length": len,
        "contains": lambda text, part: part in text,
        "substring_before": lambda text, part: text.partition(part)[0] if part in text else "",
        "substring_after": lambda text, part: text.partition(part)[2],
        "if_": lambda condition, yes, no: yes if condition else no,
        "regex": lambda text, pattern: re.search(pattern, text) is not None,
    }
    code = re.sub(r"\$\{(\w+)\}", lambda m: repr(values[m[1]]), expression)
    code = re.sub(r"\b(string|substring)-(length|before|after)\b", r"\1_\2", code)
    code = re.sub(r"\bif\(", "if_(", code)
    code = re.sub(r"(?<![<>!=])=(?!=)", "==", code)
    return eval(code, functions)


BIRTH_DATES = (
    "1950", "1956-06-30", "1961-11-01", "1961-11-02", "1964-12-31", "1965-01-01",
    "1965-05-01", "1965-05-02", "1966-10-31", "1969-11-01", "1969-11-02", "1970", "1996",
    "1996-11-01", "1996-11-02", "2008-05-05", "2010", "2010-11-01", "2010-11-02",
    "2011-11-01", "2011-11-02", "2012-02-29", "2020-06-15", "2023-11-02", "2026",
)  # fmt: skip


def test_the_skip_logic_asks_what_the_wizard_asks(files, demo_db, round_id):
    """Every condition of the form, for members of many ages and both sexes, against the
    wizard's (Survey.asked at the round's reference date); birth dates as the tablet holds
    them (dd/mm/yyyy or a year)."""
    survey = survey_for(demo_db.db, round_id)
    assert survey.standard.working_age.retirement_months("male", 2026) == 738  # 1965-05-01
    assert survey.standard.working_age.retirement_months("female", 2026) == 684  # 1969-11-01
    questions = {(q.scope, q.path[-1]): q for page in survey.pages for q in page.questions}
    conditional = [
        (row, in_repeat) for _, in_repeat, row in _questions(files.form) if row["relevant"]
    ]
    assert len(conditional) >= 7
    for row, in_repeat in conditional:
        question = questions[("member" if in_repeat else "household", row["name"])]
        for birth_date in BIRTH_DATES:
            for sex in ("male", "female"):
                for agricultural in (True, False):
                    member = {"birth_date": birth_date, "sex": sex}
                    answers = {"agricultural": agricultural, "members": [member]}
                    values = {
                        "birth_date": _tablet_value(question, birth_date)
                        if len(birth_date) == 4
                        else "/".join(reversed(birth_date.split("-"))),
                        "sex": sex,
                        "agricultural": "1" if agricultural else "0",
                    }
                    wanted = survey.asked(question, answers, 0 if in_repeat else None)
                    assert _evaluate(row["relevant"], values) == wanted, (
                        row["name"],
                        birth_date,
                        sex,
                    )


def test_conditions_are_folded_or_told_untranslatable(demo_db, round_id):
    survey = survey_for(demo_db.db, round_id)
    conditions = _Conditions(survey, {"household.agricultural": "agricultural"}, frozenset())
    line = {"param": "b1_line_known"}
    assert survey.params["b1_line_known"] is True
    either = {"any": [{"field": "household.agricultural"}, {"not": [line]}]}
    with pytest.raises(UntranslatableError):  # agricultural is not a yes/no list here
        conditions.condition(either)
    yes_no = _Conditions(
        survey, {"household.agricultural": "agricultural"}, frozenset({"household.agricultural"})
    )
    assert yes_no.condition(either) == "${agricultural} = '1'"
    assert yes_no.condition({"all": [line, {"not": [line]}]}) is False
    assert yes_no.condition({"in": [{"field": "household.agricultural"}, [True]]}) == (
        "${agricultural} = '1'"
    )
    with pytest.raises(UntranslatableError):
        yes_no.condition({">=": [{"count_members": [{"field": "member.can_work"}]}, 1]})
    with pytest.raises(UntranslatableError):
        yes_no.condition({"field": "household.area"})  # not on the form


@pytest.mark.parametrize(
    ("name", "written", "accepted"),
    [
        ("birth_date", "05/03/1980", True),
        ("birth_date", "5/3/1980", True),
        ("birth_date", "1980", True),
        ("birth_date", "01/11/2026", True),  # born on the reference date: 0 years old
        ("birth_date", "02/11/2026", False),  # after the reference date
        ("birth_date", "1900", False),  # older than 120
        ("birth_date", "1980-03-05", False),  # the tablet takes dd/mm/yyyy or a year
        ("birth_date", "5 tháng 3", False),
        ("citizen_id", "051080001234", True),
        ("citizen_id", "05108000123", False),
        ("citizen_id", "05108000123X", False),
        ("floor_area_m2", "42.5", True),
        ("floor_area_m2", "-1", False),
        ("b1_score", "10001", False),
    ],
)
def test_the_checks_of_the_form(files, name, written, accepted):
    (row,) = [row for _, _, row in _questions(files.form) if row["name"] == name]
    constraint = row["constraint"].replace("regex(.,", f"regex(${{{name}}},")
    constraint = re.sub(r"(^|\band )\. ", rf"\1${{{name}}} ", constraint)
    value = float(written) if row["type"] in ("decimal", "integer") else written
    assert _evaluate(constraint, {name: value}) is accepted
    assert row[f"constraint_message::{LANGUAGE}"]


# --- round trips --------------------------------------------------------------------------


def _given_answers(cdb, round_id: int) -> list[tuple[int, dict[str, Any], list[int | None]]]:
    """What the reviewer answers for each household: the wizard's start, some answers changed."""
    given = []
    for number, household_id in enumerate(_first_three(cdb)):
        start = start_answers(cdb.db, round_id, household_id)
        answers = copy.deepcopy(start.answers)
        answers["income"] = {"b1_score": (120, 150, 400)[number]}
        answers["water_source"] = "drilled_well"
        answers["information_devices"] = ["tv", "smartphone"]
        answers["members"][-1]["employment"] = "unemployed"
        answers["members"][0]["has_health_insurance"] = True
        given.append((household_id, answers, start.member_ids))
    return given


def _tablet_value(question, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, list):
        return " ".join(value)
    if question.kind == "date" and len(value) == 10:
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return value


def _submissions(cdb, round_id, form: Path, given):
    """The submissions as the tablet holds them: every question the form asks, by its path;
    questions the form's conditions hide are left empty."""
    survey = survey_for(cdb.db, round_id)
    by_path = {(q.scope == "member", q.path): q for page in survey.pages for q in page.questions}
    household_columns, member_columns = [], []
    submissions = []
    for _, answers, _ in given:
        household: dict[str, Any] = {
            "household_code": answers["household_code"], "surveyed_on": SURVEYED_ON,
            "reviewer": REVIEWER, ROUND_FIELD: round_key(cdb.db, round_id),
        }  # fmt: skip
        members = [{} for _ in answers["members"]]
        for path, in_repeat, _ in _questions(form):
            question = next(
                (q for (m, p), q in by_path.items() if m == in_repeat and path[-len(p) :] == p),
                None,
            )
            if question is None:
                continue
            if in_repeat:
                column = path[-1]
                for index, member in enumerate(members):
                    asked = survey.asked(question, answers, index)
                    value = answers["members"][index].get(question.path[-1]) if asked else None
                    member[column] = _tablet_value(question, value)
                if column not in member_columns:
                    member_columns.append(column)
            else:
                column = "/".join(path)
                node: Any = answers
                for name in question.path:
                    node = (node or {}).get(name)
                household[column] = _tablet_value(question, node)
                if column not in household_columns:
                    household_columns.append(column)
        submissions.append((household, members))
    columns = ["household_code", "surveyed_on", "reviewer", ROUND_FIELD, *household_columns]
    return submissions, columns, member_columns


def _saved(db, round_id: int) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT household_id, form, state, answers, class_code, deprivation_count, member_ids, "
        "reviewer, surveyed_on FROM questionnaires WHERE round_id = ? ORDER BY household_id",
        [round_id],
    )
    return [{**row, "answers": decode_answers(row["answers"])} for row in rows]


def _save_on_desktop(cdb, round_id: int, given) -> list[dict[str, Any]]:
    survey = survey_for(cdb.db, round_id)
    for household_id, answers, member_ids in given:
        save_answers(
            cdb, round_id, household_id, survey, answers, member_ids, complete=True,
            reviewer=REVIEWER, surveyed_on=SURVEYED_ON,
        )  # fmt: skip
    return _saved(cdb.db, round_id)


def _export(program, folder: Path, submissions, columns, member_columns, version) -> list[Path]:
    """The submissions as KoBoToolbox ("kobo") or ODK Central ("odk") exports them."""
    if program == "kobo":
        return [
            exports.kobo_xlsx(
                folder / "kobo.xlsx", submissions, group="",
                household_columns=columns, member_columns=member_columns,
            )
        ]  # fmt: skip
    main, repeat = exports.odk_central(
        folder, submissions, group="", household_columns=columns,
        member_columns=member_columns, form_version=version,
    )  # fmt: skip
    return [exports.odk_zip(folder / "central.zip", main, repeat)]


@pytest.mark.parametrize("program", ["kobo", "odk"])
def test_tablet_submissions_import_as_the_desktop_saves_them(
    program, demo_db, round_id, files, desktop_db, tmp_path
):
    given = _given_answers(demo_db, round_id)
    submissions, columns, member_columns = _submissions(demo_db, round_id, files.form, given)
    paths = _export(program, tmp_path, submissions, columns, member_columns, files.version)
    export = read_export(paths)
    check_round(demo_db.db, round_id, export.main)
    plan = plan_tablet_import(demo_db.db, round_id, paths)
    assert plan.notes == []  # every column is a field of the record or ignored
    assert [p.message for p in plan.all_problems() if p.severity == "error"] == []
    assert apply_tablet_import(demo_db, plan).saved == 3
    tablet = _saved(demo_db.db, round_id)
    desktop = _save_on_desktop(desktop_db, round_id, _given_answers(desktop_db, round_id))
    assert [row["class_code"] for row in tablet] == [row["class_code"] for row in desktop]
    # The import keeps the answers the tablet gave to questions the skip logic leaves out (an
    # adult's schooling); the desktop drops them: the same skip logic on the import's record.
    survey = survey_for(demo_db.db, round_id)
    for row in tablet:
        row["answers"] = survey.build_record(row["answers"])
    assert tablet == desktop


def test_submissions_of_another_round_are_refused(demo_db, round_id, files, tmp_path):
    given = _given_answers(demo_db, round_id)
    submissions, columns, member_columns = _submissions(demo_db, round_id, files.form, given)
    other = workflow.open_round(demo_db, 2027, kind="regular", month=3)
    other_key = round_key(demo_db.db, other)
    submissions[1][0][ROUND_FIELD] = other_key
    path = exports.kobo_xlsx(
        tmp_path / "kobo.xlsx", submissions, group="", household_columns=columns,
        member_columns=member_columns,
    )  # fmt: skip
    with pytest.raises(ImportFileError) as refused:
        plan_tablet_import(demo_db.db, round_id, [path])
    message = str(refused.value)
    assert "dòng 3" in message and other_key in message
    assert "Rà soát định kỳ năm 2026" in message and "Không nhập phiếu nào" in message
    # ODK Central's form version names the round too.
    for household, _ in submissions:
        household[ROUND_FIELD] = None
    main, repeat = exports.odk_central(
        tmp_path, submissions, group="", household_columns=columns,
        member_columns=member_columns, form_version=f"{other_key}_202703010800",
    )  # fmt: skip
    with pytest.raises(ImportFileError):
        plan_tablet_import(demo_db.db, round_id, [main, repeat])


def test_the_form_may_be_named(demo_db, round_id, tmp_path):
    named = write_xlsform(demo_db.db, round_id, tmp_path / "xa" / "phieu-b-2026.xlsx")
    assert named.form == tmp_path / "xa" / "phieu-b-2026.xlsx"
    assert named.households == tmp_path / "xa" / "households.csv"
    assert named.previous.is_file()


def test_a_form_made_by_hand_is_not_refused(demo_db, round_id, tmp_path):
    ids = _first_three(demo_db)
    submissions = [exports.answers(demo_db.db, ids[0], 120)]
    path = exports.kobo_xlsx(tmp_path / "k.xlsx", submissions)  # KoBo's own version "vK2"
    check_round(demo_db.db, round_id, read_export([path]).main)
    main, repeat = exports.odk_central(tmp_path, submissions)  # version "2026101501"
    check_round(demo_db.db, round_id, read_export([main, repeat]).main)


NOT_ELIGIBLE = {"eligible_for_form_b": False, "reason": "Hộ có nhà kiên cố, ô tô"}
OUTCOMES = (NOT_ELIGIBLE, {"eligible_for_form_b": True}, {"eligible_for_form_b": True})


def test_a_round_with_phieu_a_starts_with_it_and_gates_phieu_b(demo_db, round_id, tmp_path):
    files = write_xlsform(demo_db.db, round_id, tmp_path / "form", now=NOW, form_a=True)
    warnings: list[str] = []
    convert(xlsform=str(files.form), warnings=warnings)
    assert warnings == []
    rows = _sheet(files.form, "survey")
    questions = _questions(files.form)
    screening = [(path, row) for path, _, row in questions if "form_a" in path]
    assert [path[-2:] for path, _ in screening] == [
        ("form_a", "eligible_for_form_b"),
        ("form_a", "reason"),
    ]
    for path, _ in screening:
        field = column_role("/".join(path), HOUSEHOLD).field
        assert field == "household.form_a." + path[-1]
    (_, eligible), (_, reason) = screening
    assert eligible["required"] == "yes"
    assert reason["required"] == "not(${eligible_for_form_b} = '1')"
    first_b = next(i for i, row in enumerate(rows) if row["name"] == "general")
    assert max(i for i, row in enumerate(rows) if row["name"] == "reason") < first_b
    gated = [row for row in rows[first_b:] if row["type"] in ("begin_group", "begin_repeat")]
    top = [row for row in gated if row["name"] not in ("income", "groups")]
    assert top and all(row["relevant"] == "${eligible_for_form_b} = '1'" for row in top)
    assert not any("máy tính" in note and "Phiếu A" in note for note in files.notes)
    # A round without Phiếu A: the form as before, no Phiếu B group gated.
    plain = _sheet(write_xlsform(demo_db.db, round_id, tmp_path / "b", now=NOW).form, "survey")
    assert not any(row["name"] == "eligible_for_form_b" for row in plain)
    assert not any(row["relevant"] and row["type"] == "begin_group" for row in plain)


def _save_on_desktop_with_a(cdb, round_id: int, given) -> list[dict[str, Any]]:
    """The wizard's Phiếu A for each household, then its Phiếu B when it is eligible."""
    screening, survey = survey_for(cdb.db, round_id, "A"), survey_for(cdb.db, round_id)
    for (household_id, answers, member_ids), outcome in zip(given, OUTCOMES, strict=True):
        start = start_answers(cdb.db, round_id, household_id, "A")
        start.answers["form_a"] = dict(outcome)
        for form, filled, ids in ((screening, start.answers, start.member_ids),
                                  (survey, answers, member_ids)):  # fmt: skip
            if form is survey and not outcome["eligible_for_form_b"]:
                continue
            save_answers(
                cdb, round_id, household_id, form, filled, ids, complete=True,
                reviewer=REVIEWER, surveyed_on=SURVEYED_ON,
            )  # fmt: skip
    return _saved(cdb.db, round_id)


@pytest.mark.parametrize("program", ["kobo", "odk"])
def test_phieu_a_round_trips_as_the_desktop_saves_it(
    program, demo_db, round_id, desktop_db, tmp_path
):
    files = write_xlsform(demo_db.db, round_id, tmp_path / "form", now=NOW, form_a=True)
    given = _given_answers(demo_db, round_id)
    submissions, columns, member_columns = _submissions(demo_db, round_id, files.form, given)
    screening = ["/".join(path) for path, _, _ in _questions(files.form) if "form_a" in path]
    for (household, members), outcome in zip(submissions, OUTCOMES, strict=True):
        if not outcome["eligible_for_form_b"]:  # Phiếu B not relevant: empty on the tablet
            household.update({column: None for column in columns[4:]})
            members.clear()
        for column in screening:
            value = outcome.get(column.split("/")[-1])
            household[column] = int(value) if isinstance(value, bool) else value
    columns = [*columns[:4], *screening, *columns[4:]]
    paths = _export(program, tmp_path, submissions, columns, member_columns, files.version)
    plan = plan_tablet_import(demo_db.db, round_id, paths)
    assert plan.notes == []
    assert [p.message for p in plan.all_problems() if p.severity == "error"] == []
    assert plan.submissions[0].class_code == "not_poor" and plan.submissions[0].record is None
    result = apply_tablet_import(demo_db, plan)
    assert result.saved == 3 and result.classes["not_poor"] >= 1
    tablet = _saved(demo_db.db, round_id)
    desktop = _save_on_desktop_with_a(desktop_db, round_id, _given_answers(desktop_db, round_id))
    assert [(row["household_id"], row["form"]) for row in tablet] == [
        (row["household_id"], row["form"]) for row in desktop
    ]
    assert sorted(row["form"] for row in tablet) == ["A", "A", "A", "B", "B"]
    survey = survey_for(demo_db.db, round_id)
    for row in tablet:
        if row["form"] == "B":
            row["answers"] = survey.build_record(row["answers"])
    assert tablet == desktop
    states = {s.household_id: s for s in household_states(demo_db.db, round_id)}
    not_eligible = states[given[0][0]]
    assert (not_eligible.questionnaire, not_eligible.survey_class) == ("complete", "not_poor")
    # A household not eligible without the reviewer's reason is refused, as on the desktop.
    submissions[0][0][screening[-1]] = None
    path = exports.kobo_xlsx(
        tmp_path / "again.xlsx", submissions, group="", household_columns=columns,
        member_columns=member_columns,
    )  # fmt: skip
    refused = plan_tablet_import(demo_db.db, round_id, [path]).submissions[0]
    assert not refused.ok
    assert [p.message for p in refused.errors] == [
        "Hộ không đủ điều kiện rà soát Phiếu B: cần ghi lý do"
    ]
