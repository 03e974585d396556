"""The exit statuses (docs/cli.md): a usage error is said in Vietnamese with status 2, a file
that cannot be read is a one-line refusal (status 1), never a traceback."""

from __future__ import annotations

import pytest

from gnapp.cli import main
from gnapp.cli.common import EXIT_REFUSED, EXIT_USAGE


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
