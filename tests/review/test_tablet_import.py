"""Questionnaires from tablets (KoBoToolbox, ODK Central) read into a review round: the preview."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest

from gnapp.core.classify import classify
from gnapp.core.standards import load_standard
from gnapp.importers.reading import ImportFileError
from gnapp.review import tablet as tablet_import
from gnapp.review import workflow
from gnapp.review.tablet import (
    ColumnRole,
    column_role,
    load_mapping,
    plan_tablet_import,
)
from tests.review import tablet_exports as exports

REFERENCE = date(2026, 11, 1)
B1_SCORES = (120, 150, 400)  # below both lines, under the rural line, well above


@pytest.fixture
def round_id(demo_db):
    """A 2026 round with the first three demo households on its review list."""
    opened = workflow.open_round(
        demo_db, 2026, standard_id="2022-2025", reference_date=REFERENCE.isoformat()
    )
    for household_id in _first_three(demo_db):
        workflow.add_to_list(demo_db, opened, household_id, "Hộ có đơn đề nghị")
    return opened


def _first_three(demo_db):
    return [row[0] for row in demo_db.db.execute("SELECT id FROM households ORDER BY id LIMIT 3")]


@pytest.fixture
def households(demo_db):
    """Three demo households and their submissions (household columns, member rows)."""
    ids = _first_three(demo_db)
    return ids, [
        exports.answers(demo_db.db, i, score) for i, score in zip(ids, B1_SCORES, strict=True)
    ]


def _expected_class(db, household_id, household):
    record = exports.expected_record(db, household_id, household)
    return classify(record, load_standard("2022-2025"), REFERENCE).class_code


def test_column_roles_follow_paths_labels_and_metadata():
    household, member = tablet_import.HOUSEHOLD, tablet_import.MEMBER
    assert column_role("grp_hh/income/b1_score", household).field == "household.income.b1_score"
    assert column_role("ho.water_source", household).field == "household.water_source"
    assert column_role("ho-groups-ethnic_minority", household).field == (
        "household.groups.ethnic_minority"
    )
    assert column_role("Nguồn nước sinh hoạt", household).field == "household.water_source"
    assert column_role("Mã hộ", household).field == "household.household_code"
    assert column_role("Diện tích nhà ở (m²)", household).field == "household.floor_area_m2"
    assert column_role("Nhóm B/Ngày sinh", member).field == "member.birth_date"
    assert column_role("hh/members/sex", member).field == "member.sex"
    assert column_role("Số CCCD/CMND", member).field == "member.citizen_id"
    # A question asked of both: the sheet's level decides.
    assert column_role("revolution_merit", member).field == "member.revolution_merit"
    assert column_role("revolution_merit", household).field == "household.groups.revolution_merit"
    assert column_role("hh/information_devices/tv", household) == ColumnRole(
        "household.information_devices", choice="tv"
    )
    for meta in ("_id", "_uuid", "_submission_time", "start", "end", "deviceid",
                 "meta/instanceID", "meta-instanceID", "__version__", "SubmissionDate",
                 "SET-OF-members", "_validation_status"):  # fmt: skip
        assert column_role(meta, household).ignored, meta
    assert column_role("_parent_index", member).link == "_parent_index"
    assert column_role("PARENT_KEY", member).link == "PARENT_KEY"
    assert column_role("ghi_chu_khac", household) == ColumnRole()


def test_kobo_xlsx_with_a_members_sheet(demo_db, round_id, households, tmp_path):
    ids, submissions = households
    path = exports.kobo_xlsx(tmp_path / "kobo.xlsx", submissions)
    plan = plan_tablet_import(demo_db.db, round_id, [path])
    assert [p for p in plan.all_problems() if p.severity == "error"] == []
    assert [s.household_id for s in plan.to_save()] == ids
    for household_id, submission, (household, _members) in zip(
        ids, plan.submissions, submissions, strict=True
    ):
        register_ids = [
            r[0]
            for r in demo_db.db.execute(
                "SELECT id FROM members WHERE household_id = ? ORDER BY position", [household_id]
            )
        ]
        assert submission.member_ids == register_ids
        assert submission.record == exports.expected_record(demo_db.db, household_id, household)
        assert submission.class_code == _expected_class(demo_db.db, household_id, household)
        assert submission.surveyed_on == "2026-10-20"
        assert submission.reviewer == "Tổ rà soát thôn"
        assert submission.sheet == "Phieu B rà soát" and submission.file == "kobo.xlsx"
    classes = {s.class_code for s in plan.submissions}
    assert "not_poor" in classes and classes & {"poor", "near_poor"}


@pytest.mark.parametrize("separator", ["/", "."])
def test_kobo_csv_with_group_prefixes_keeps_the_register_roster(
    demo_db, round_id, households, tmp_path, separator
):
    ids, submissions = households
    path = exports.kobo_csv(tmp_path / "kobo.csv", [h for h, _ in submissions], separator=separator)
    plan = plan_tablet_import(demo_db.db, round_id, [path])
    assert not any(p.severity == "error" for p in plan.all_problems())
    assert not plan.notes  # every column known or metadata
    for household_id, submission, (household, _) in zip(
        ids, plan.submissions, submissions, strict=True
    ):
        assert submission.record == exports.expected_record(demo_db.db, household_id, household)
        assert len(submission.member_ids) == len(submission.record["members"])
        assert None not in submission.member_ids


def test_odk_central_main_and_repeat_files_and_zip(demo_db, round_id, households, tmp_path):
    ids, submissions = households
    submissions[0][1].reverse()  # the roster in another order: matched by citizen ID / name
    main, repeat = exports.odk_central(tmp_path, submissions)
    for paths in ([main, repeat], [exports.odk_zip(tmp_path / "phieu_b.zip", main, repeat)]):
        plan = plan_tablet_import(demo_db.db, round_id, paths)
        assert not any(p.severity == "error" for p in plan.all_problems())
        first = plan.submissions[0]
        names = [m["full_name"] for m in first.record["members"]]
        assert names == [m["full_name"] for m in submissions[0][1]]
        for member_id, member in zip(first.member_ids, first.record["members"], strict=True):
            row = demo_db.db.execute(
                "SELECT full_name FROM members WHERE id = ?", [member_id]
            ).fetchone()
            assert row[0] == member["full_name"]
        assert [s.household_id for s in plan.to_save()] == ids
    assert plan.files == ["phieu_b.zip/phieu_b-members.csv", "phieu_b.zip/phieu_b.csv"]
    assert (plan.submissions[0].file, plan.submissions[0].sheet) == (
        "phieu_b.zip/phieu_b.csv",
        "phieu_b",
    )


def test_vietnamese_labels_and_yes_no_words(demo_db, round_id, households, tmp_path):
    _ids, submissions = households
    household, members = submissions[0]
    household.update(
        water_source="Giếng khoan", latrine="hố xí đơn giản", walls_durable="Không",
        roof_durable="có", uses_telecom="yes", information_devices="ti vi, điện thoại thông minh",
    )  # fmt: skip
    members[0].update(sex="Nữ" if members[0]["sex"] == "female" else "Nam", relation="Chủ hộ",
                      has_health_insurance="false", schooling="không đi học")  # fmt: skip
    plan = plan_tablet_import(
        demo_db.db, round_id, [exports.kobo_xlsx(tmp_path / "nhan.xlsx", submissions[:1])]
    )
    record = plan.submissions[0].record
    assert plan.submissions[0].ok, plan.all_problems()
    assert (record["water_source"], record["latrine"]) == ("drilled_well", "simple_pit")
    assert (record["walls_durable"], record["roof_durable"], record["uses_telecom"]) == (
        False, True, True,
    )  # fmt: skip
    assert record["information_devices"] == ["tv", "smartphone"]
    head = record["members"][0]
    assert (head["relation"], head["has_health_insurance"], head["schooling"]) == (
        "head", False, "not_attending",
    )  # fmt: skip


def test_bad_rows_say_file_sheet_row_column_and_field(demo_db, round_id, households, tmp_path):
    _ids, submissions = households
    submissions[0][0]["water_source"] = "nước giếng trời"
    submissions[1][1][0]["birth_date"] = "31/02/1980"
    submissions[1][1][1].update(full_name=None, citizen_id=None)  # a new member without a name
    unknown = ({**submissions[2][0], "household_code": "KHONG-CO"}, submissions[2][1])
    path = exports.kobo_xlsx(tmp_path / "loi.xlsx", [*submissions[:2], unknown])
    plan = plan_tablet_import(demo_db.db, round_id, [path])
    shown = [str(p) for p in plan.all_problems() if p.severity == "error"]
    assert (
        "Tệp loi.xlsx, trang “Phieu B rà soát”, dòng 2, cột E (hh/water_source), "
        "trường “Nguồn nước sinh hoạt”: “nước giếng trời” không thuộc các lựa chọn"
    ) in shown[0]
    assert any(
        s.startswith("Tệp loi.xlsx, trang “members”, dòng")
        and "cột C (hh/members/birth_date), trường “Ngày sinh”" in s
        and "không có thật" in s
        for s in shown
    ), shown
    assert any(
        "trang “members”, dòng 6, cột A (hh/members/full_name), trường “Họ và tên”: "
        "thiếu trường bắt buộc" in s
        for s in shown
    ), shown
    assert any(
        "trang “Phieu B rà soát”, dòng 4, cột D (hh/household_code), trường “Mã hộ”: "
        "Không có hộ mã KHONG-CO trong sổ hộ của xã" in s
        for s in shown
    ), shown
    assert plan.to_save() == []


def test_bad_survey_date_and_missing_code(demo_db, round_id, households, tmp_path):
    _, submissions = households
    submissions[0][0]["surveyed_on"] = "20/13/2026"
    submissions[1][0]["household_code"] = None
    plan = plan_tablet_import(
        demo_db.db, round_id, [exports.kobo_csv(tmp_path / "ngay.csv", [h for h, _ in submissions])]
    )
    first, second = (str(p) for s in plan.submissions[:2] for p in s.errors)
    assert first.startswith("Tệp ngay.csv, trang “ngay”, dòng 2, cột M (ho/surveyed_on)")
    assert "Ngày “20/13/2026” không đọc được" in first
    assert (
        second == "Tệp ngay.csv, trang “ngay”, dòng 3, cột D (ho/household_code), trường “Mã hộ”: "
        "Thiếu mã hộ"
    )
    assert len(plan.to_save()) == 1


def test_the_same_household_twice_is_flagged(demo_db, round_id, households, tmp_path):
    _, submissions = households
    path = exports.kobo_xlsx(
        tmp_path / "trung.xlsx", [submissions[0], submissions[1], submissions[0]]
    )
    plan = plan_tablet_import(demo_db.db, round_id, [path])
    first, _, third = plan.submissions
    assert [p.message for p in first.errors] == [
        f"Hộ {first.code} có phiếu trùng ở dòng 4: xóa phiếu thừa rồi nhập lại"
    ]
    assert "ở dòng 2" in third.errors[0].message
    assert len(plan.to_save()) == 1


def test_members_without_a_submission_and_members_left_out(demo_db, round_id, households, tmp_path):
    _, submissions = households
    path = exports.kobo_xlsx(tmp_path / "le.xlsx", [(submissions[0][0], submissions[0][1][:-1])])
    workbook = openpyxl.load_workbook(path)
    workbook["members"].append(["Người lạ", "male", "1990", None, "other", 1, None, None, 99, 7])
    workbook.save(path)
    plan = plan_tablet_import(demo_db.db, round_id, [path])
    left_out = submissions[0][1][-1]["full_name"]
    warnings = [p.message for p in plan.submissions[0].problems if p.severity == "warning"]
    assert (
        f"{left_out} có trong sổ hộ nhưng không có trong phiếu: sẽ được đưa ra khỏi hộ" in warnings
    )
    assert [str(p) for p in plan.problems] == [
        "Tệp le.xlsx, trang “members”, dòng 4, trường “Thành viên”: Dòng thành viên không thuộc "
        "phiếu nào (mã nối “7” không có ở trang “Phieu B rà soát”)"
    ]


def test_a_saved_mapping_names_columns_and_values(demo_db, round_id, households, tmp_path):
    _ids, submissions = households
    household = submissions[0][0]
    path = tmp_path / "rieng.csv"
    path.write_text(
        f"ma_ho_gd,nuoc,diem_b1\n{household['household_code']},GK,95\n",
        encoding="utf-8",
    )
    mapping_path = tmp_path / "ghep.json"
    mapping_path.write_text(
        json.dumps(
            {
                "columns": {
                    "ma_ho_gd": "household.household_code",
                    "nuoc": "household.water_source",
                    "diem_b1": "household.income.b1_score",
                },
                "values": {"household.water_source": {"GK": "drilled_well"}},
            }
        ),
        encoding="utf-8",
    )  # fmt: skip
    plan = plan_tablet_import(demo_db.db, round_id, [path], mapping=load_mapping(mapping_path))
    record = plan.submissions[0].record
    assert plan.submissions[0].ok, plan.all_problems()
    assert record["water_source"] == "drilled_well" and record["income"] == {"b1_score": 95}


def test_a_bad_mapping_file_is_refused(tmp_path):
    path = tmp_path / "ghep.json"
    path.write_text(json.dumps({"columns": {"x": "household.nuoc"}}), encoding="utf-8")
    with pytest.raises(ImportFileError, match="không có trong mẫu bản ghi hộ"):
        load_mapping(path)


def test_a_file_without_household_codes_is_refused(demo_db, round_id, tmp_path):
    path = tmp_path / "khong.csv"
    path.write_text("start,end,water_source\n1,2,piped\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="Không tìm thấy cột mã hộ"):
        plan_tablet_import(demo_db.db, round_id, [path])


def test_a_locked_round_is_refused(demo_db, tmp_path):
    locked = demo_db.db.execute("SELECT id FROM review_rounds WHERE locked = 1").fetchone()[0]
    with pytest.raises(ImportFileError, match="đã được công nhận và khóa"):
        plan_tablet_import(demo_db.db, locked, [tmp_path / "x.csv"])
