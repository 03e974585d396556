"""Saving tablet questionnaires into a review round, and ``gnapp review import``."""
# ruff: noqa: F811  (the fixtures come from test_tablet_import)

from __future__ import annotations

import openpyxl
import pytest

from gnapp.cli import main
from gnapp.progress import Cancelled, Progress
from gnapp.review import workflow
from gnapp.review.tablet import apply_tablet_import, plan_tablet_import
from gnapp.store.answers import decode_answers
from tests.review import tablet_exports as exports
from tests.review.test_tablet_import import _expected_class, households, round_id  # noqa: F401


def _questionnaires(db, round_id):
    return list(
        db.query(
            "SELECT * FROM questionnaires WHERE round_id = ? ORDER BY household_id", [round_id]
        )
    )


def test_applying_saves_complete_questionnaires_with_their_classes(
    demo_db, round_id, households, tmp_path
):
    ids, submissions = households
    submissions[0][1][-1]["employment"] = "unemployed"  # an answer the register did not have
    plan = plan_tablet_import(
        demo_db.db, round_id, [exports.kobo_xlsx(tmp_path / "k.xlsx", submissions)]
    )
    result = apply_tablet_import(demo_db, plan, reviewer="Cán bộ thử")
    assert result.saved == 3
    stored = _questionnaires(demo_db.db, round_id)
    assert [row["household_id"] for row in stored] == ids
    for row, household_id, (household, _) in zip(stored, ids, submissions, strict=True):
        assert (row["form"], row["state"]) == ("B", "complete")
        assert row["class_code"] == _expected_class(demo_db.db, household_id, household)
        assert (row["surveyed_on"], row["reviewer"]) == ("2026-10-20", "Tổ rà soát thôn")
        assert decode_answers(row["answers"])["income"] == {
            "b1_score": household["income/b1_score"]
        }
    assert sum(result.classes.values()) == 3
    last = submissions[0][1][-1]
    employment = demo_db.db.execute(
        "SELECT employment FROM members WHERE household_id = ? AND full_name = ?",
        [ids[0], last["full_name"]],
    ).fetchone()[0]
    assert employment == "unemployed"  # written back to the register


def test_a_household_off_the_review_list_is_refused(demo_db, round_id, households, tmp_path):
    ids, submissions = households
    workflow.remove_from_list(demo_db, round_id, ids[1], "Đã thoát nghèo bền vững")
    plan = plan_tablet_import(
        demo_db.db, round_id, [exports.kobo_xlsx(tmp_path / "k.xlsx", submissions)]
    )
    assert [p.message for p in plan.submissions[1].errors] == [
        "Hộ đã được đưa ra khỏi danh sách rà soát của đợt này (Đã thoát nghèo bền vững)."
    ]
    assert apply_tablet_import(demo_db, plan).saved == 2


def test_a_cancelled_import_writes_nothing(demo_db, round_id, households, tmp_path):
    _, submissions = households
    plan = plan_tablet_import(
        demo_db.db, round_id, [exports.kobo_xlsx(tmp_path / "k.xlsx", submissions)]
    )

    def stop(done, total, message):
        if done == 2:  # the third household: two are written, then all is rolled back
            progress.cancel()

    progress = Progress(stop)
    with pytest.raises(Cancelled):
        apply_tablet_import(demo_db, plan, progress=progress)
    assert _questionnaires(demo_db.db, round_id) == []


def test_cli_dry_run_writes_nothing_then_imports(demo_db, round_id, households, tmp_path, capsys):
    _, submissions = households
    main_csv, repeat_csv = exports.odk_central(tmp_path, submissions)
    path = demo_db.path
    demo_db.close()
    args = ["review", "import", str(main_csv), str(repeat_csv), "--db", str(path),
            "--round", str(round_id)]  # fmt: skip
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Số phiếu: 3; nhập được: 3; bị loại: 0" in out
    assert "Chạy thử (--dry-run): chưa ghi gì vào dữ liệu." in out
    from gnapp.store.database import open_database

    with open_database(path) as cdb:
        assert _questionnaires(cdb.db, round_id) == []
    assert main(args) == 0
    assert "Đã lưu 3 Phiếu B hoàn thành vào đợt rà soát" in capsys.readouterr().out
    with open_database(path) as cdb:
        assert len(_questionnaires(cdb.db, round_id)) == 3


def test_cli_reports_bad_rows_to_an_xlsx(demo_db, round_id, households, tmp_path, capsys):
    _, submissions = households
    submissions[0][0]["latrine"] = "không rõ"
    source = exports.kobo_xlsx(tmp_path / "k.xlsx", submissions)
    path = demo_db.path
    demo_db.close()
    report = tmp_path / "loi.xlsx"
    code = main(["review", "import", str(source), "--db", str(path), "--round", str(round_id),
                 "--dry-run", "--errors", str(report)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "Lỗi — Tệp k.xlsx, trang “Phieu B rà soát”, dòng 2, cột F (hh/latrine)" in out
    rows = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0] == ("Tệp", "Trang", "Dòng", "Cột", "Trường", "Mức", "Nội dung")
    assert rows[1][:6] == ("k.xlsx", "Phieu B rà soát", 2, "F (hh/latrine)", "Loại nhà tiêu", "Lỗi")
