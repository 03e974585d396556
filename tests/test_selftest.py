"""``gnapp --self-test`` from source: every step passes on the demo, a failing step stops the run
and is named (the frozen build runs the same through build_installer.py --self-test)."""

import sqlite3
import sys

import pytest

from gnapp.cli import main
from gnapp.selftest import CORE_STEPS, SelfTestError, Step, run_self_test

STEP_NAMES = [step.name for step in CORE_STEPS] + ["Mở cửa sổ chính (Qt, không màn hình)"]


def test_every_step_passes_on_the_demo(small_default_demo, capsys):
    assert main(["--self-test"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" — ")[0] for line in lines[:-1]] == [f"✓ {name}" for name in STEP_NAMES]
    assert all(line.endswith(" s") for line in lines[:-1])
    [demo_file] = (small_default_demo / "cache").rglob("*.gnapp")
    with sqlite3.connect(demo_file) as conn:
        present = conn.execute("SELECT count(*) FROM households WHERE present_until IS NULL")
        assert f"{present.fetchone()[0]} hộ" in lines[1]
    assert "khớp kết quả đã ghi" in lines[2]
    assert "ký bởi Phạm Thị Lành" in lines[5]
    assert "“Hủy”" in lines[6]
    assert lines[-1].startswith(f"Tự kiểm tra ĐẠT: {len(STEP_NAMES)} bước")


def test_a_failing_step_stops_the_run_and_is_named():
    ran = []

    def passes(_):
        ran.append("một")
        return "xong"

    def fails(_):
        raise SelfTestError("thiếu tệp")

    def never(_):
        ran.append("ba")
        return "xong"

    out = []
    steps = [Step("Bước một", passes), Step("Bước hỏng", fails), Step("Bước ba", never)]
    assert run_self_test(steps, out.append) == 1
    assert ran == ["một"]
    assert out[0].startswith("✓ Bước một — xong … ")
    assert out[1:] == ["✗ Bước hỏng: thiếu tệp", "Tự kiểm tra KHÔNG ĐẠT ở bước “Bước hỏng”."]


def test_an_unexpected_error_fails_its_step_with_its_kind():
    out = []
    assert run_self_test([Step("Bước lỗi", lambda _: {}["khóa"])], out.append) == 1
    assert out[0] == "✗ Bước lỗi: KeyError: 'khóa'"


def test_a_frozen_build_without_the_demo_fails_at_the_first_step(monkeypatch, capsys):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {STEP_NAMES[0]}: bản cài đặt thiếu xã mẫu")
    assert f"KHÔNG ĐẠT ở bước “{STEP_NAMES[0]}”" in out


def test_a_classification_differing_from_the_review_fails(small_default_demo):
    def tamper(context):
        context.open_db().db.execute(
            "UPDATE questionnaires SET class_code = 'poor' WHERE id = "
            "(SELECT min(id) FROM questionnaires WHERE class_code != 'poor')"
        )
        return "đã sửa một kết quả"

    out = []
    steps = [*CORE_STEPS[:2], Step("Sửa kết quả", tamper), CORE_STEPS[2]]
    assert run_self_test(steps, out.append) == 1
    assert out[-2].startswith(f"✗ {CORE_STEPS[2].name}: 1/")
    assert "khác kết quả đợt rà soát đã ghi" in out[-2]


def test_the_self_test_goes_with_no_command(capsys):
    with pytest.raises(SystemExit):
        main(["--self-test", "standards"])
    assert "--self-test không đi cùng một lệnh" in capsys.readouterr().err
