"""The exit statuses (docs/cli.md): a usage error is said in Vietnamese with status 2, a file
that cannot be read is a one-line refusal (status 1), never a traceback."""

from __future__ import annotations

import io
import os
import shutil
import sys

import pytest

from gnapp.cli import main
from gnapp.cli.common import EXIT_DONE, EXIT_REFUSED, EXIT_USAGE, progress_on_stderr


def test_a_usage_error_is_said_in_vietnamese(capsys):
    with pytest.raises(SystemExit) as usage:
        main(["activity", "list", "--db", "xa.gnapp"])
    assert usage.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("Cách dùng: gnapp activity list")
    assert "gnapp activity list: sai cú pháp lệnh: thiếu --year" in err
    with pytest.raises(SystemExit):
        main(["import", "list", "--db", "xa.gnapp", "--bogus"])
    assert "sai cú pháp lệnh: không hiểu --bogus" in capsys.readouterr().err


def test_a_file_that_cannot_be_read_is_one_line(tmp_path, capsys):
    missing = tmp_path / "khong-co.json"
    assert main(["classify", "--standard", "2022-2025", str(missing)]) == EXIT_REFUSED
    assert capsys.readouterr().err == (
        f"Lỗi: Không đọc hoặc ghi được tệp {missing}: No such file or directory\n"
    )


def test_a_reader_that_stops_reading_ends_the_command_quietly(small_demo_file, monkeypatch, capsys):
    reading, writing = os.pipe()
    os.close(reading)  # `| head` has read what it wanted and gone
    closed = open(writing, "w", encoding="utf-8")  # noqa: SIM115  (stdout until the end)
    monkeypatch.setattr(sys, "stdout", closed)
    try:
        status = main(
            ["classify", "--standard", "2022-2025", "--db", str(small_demo_file), "--json"]
        )
    finally:
        monkeypatch.undo()
        closed.close()
    assert status == EXIT_DONE
    assert capsys.readouterr().err == ""


def test_progress_lines_only_on_a_terminal(capsys):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    progress = progress_on_stderr()
    progress(1, 2, "Đang tạo: 100/200 hộ")
    assert capsys.readouterr().err == ""  # a log file gets no progress
    terminal = Terminal()
    sys.stderr, before = terminal, sys.stderr
    try:
        progress(2, 2, "Đang tạo: 200/200 hộ")
    finally:
        sys.stderr = before
    assert terminal.getvalue() == "\rĐang tạo: 200/200 hộ"


def test_an_output_folder_that_does_not_exist_is_made(small_demo_file, tmp_path, capsys):
    db = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, db)
    out = tmp_path / "chua-co" / "danh-sach" / "so-ho.xlsx"
    assert main(["export", "register", "--db", str(db), "--out", str(out)]) == EXIT_DONE
    assert out.is_file()
    taken = tmp_path / "la-tep"
    taken.write_text("x")
    assert main(["export", "register", "--db", str(db), "--out", str(taken / "a.xlsx")]) == 1
    assert "không phải thư mục" in capsys.readouterr().err
