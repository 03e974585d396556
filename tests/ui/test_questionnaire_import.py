"""The dialog that imports tablet questionnaires into a review round."""
# ruff: noqa: F811  (the fixtures come from tests/review/test_tablet_import.py)

from __future__ import annotations

import threading

from gnapp.review import tablet as tablet_import
from gnapp.store.users import User
from gnapp.ui import questionnaire_import
from gnapp.ui.questionnaire_import import open_questionnaire_import
from tests.review import tablet_exports as exports
from tests.review.test_tablet_import import households, round_id  # noqa: F401

CLERK = User(3, "canbo", "Nguyễn Thị Cán", ("clerk",), True)


def _questionnaires(db, round_id):
    return list(db.query("SELECT * FROM questionnaires WHERE round_id = ?", [round_id]))


def test_dialog_previews_then_saves_the_good_questionnaires(
    qtbot, demo_db, round_id, households, tmp_path, monkeypatch
):
    _, submissions = households
    submissions[1][0]["water_source"] = "nước giếng trời"  # this one is rejected
    path = exports.kobo_xlsx(tmp_path / "kobo.xlsx", submissions)
    threads = []
    real_plan = tablet_import.plan_tablet_import

    def plan(*args, **kwargs):
        threads.append(threading.get_ident())
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(questionnaire_import, "plan_tablet_import", plan)
    dialog = open_questionnaire_import(demo_db, round_id, CLERK, None)
    qtbot.addWidget(dialog)
    assert not dialog.apply_button.isEnabled()
    dialog.add_files([path])
    dialog.preview()
    assert threads and threads[0] != threading.get_ident()  # read off the GUI thread
    assert "3 phiếu; nhập được 2; bị loại 1" in dialog.summary.text()
    assert dialog.submissions.rowCount() == 3
    assert dialog.submissions.item(0, 0).text() == "kobo.xlsx › Phieu B rà soát"
    assert dialog.submissions.item(1, 7).text() == "Bị loại: 1 lỗi"
    assert dialog.submissions.item(0, 5).text().startswith("hộ ")
    problems = [
        [dialog.problems.item(r, c).text() for c in range(7)]
        for r in range(dialog.problems.rowCount())
    ]
    assert ["kobo.xlsx", "Phieu B rà soát", "3", "E (hh/water_source)",
            "Nguồn nước sinh hoạt", "Lỗi"] in [p[:6] for p in problems]  # fmt: skip
    dialog.resize(1250, 640)
    dialog.grab().save(str(tmp_path / "questionnaire-import.png"))
    assert dialog.apply_button.isEnabled()
    dialog.apply_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert "Đã lưu 2 Phiếu B hoàn thành" in dialog.summary.text()
    assert not dialog.apply_button.isEnabled()
    rows = _questionnaires(demo_db.db, round_id)
    assert len(rows) == 2 and {r["state"] for r in rows} == {"complete"}
    assert {r["reviewer"] for r in rows} == {"Tổ rà soát thôn"}
    dialog.add_files([tmp_path / "dot-hai.xlsx"])  # another export: a new preview may start
    assert dialog.preview_button.isEnabled() and not dialog.apply_button.isEnabled()


def test_a_bad_file_is_said_and_nothing_is_written(qtbot, demo_db, round_id, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(
        questionnaire_import, "show_message", lambda parent, icon, title, text: shown.append(text)
    )
    path = tmp_path / "khong.csv"
    path.write_text("start,end,water_source\n1,2,piped\n", encoding="utf-8")
    dialog = open_questionnaire_import(demo_db, round_id, CLERK, None)
    qtbot.addWidget(dialog)
    dialog.add_files([path])
    dialog.preview()
    assert shown and "Không tìm thấy cột mã hộ" in shown[0]
    assert dialog.plan is None and not dialog.apply_button.isEnabled()
    assert _questionnaires(demo_db.db, round_id) == []
