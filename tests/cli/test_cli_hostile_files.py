"""Hostile and broken files given to the commands as a user would give them: each is refused
with one Vietnamese line naming the file (status 1), never a traceback, and nothing saved
changes. The spreadsheet readers' own attacks are in tests/importers/test_hostile_files.py."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from gnapp.cli import main
from gnapp.cli.common import EXIT_REFUSED
from gnapp.core import json_input
from tests.importers import files

DEEP = "[" * 100_000 + "]" * 100_000  # json.loads: RecursionError
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000


@pytest.fixture
def db(small_demo_file, tmp_path) -> Path:
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def _content(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def _refused(argv: list[str], db: Path, capsys) -> str:
    before = _content(db)
    assert main(argv) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and "Traceback" not in err
    assert _content(db) == before
    return err


def _json_commands(db: Path, tmp_path: Path, given: Path) -> dict[str, list[str]]:
    sheet = files.write_xlsx(tmp_path / "ds.xlsx", ["Mã hộ", "Họ và tên"], [["H1", "An"]])
    common = ["--db", str(db)]
    return {
        "household add": ["household", "add", *common, "--file", str(given)],
        "household edit": ["household", "edit", "HGD-00001", *common, "--file", str(given)],
        "review survey": ["review", "survey", "HGD-00001", *common, "--round", "1",
                          "--file", str(given)],
        "review apply": ["review", "apply", "HGD-00001", *common, "--round", "1", "--name",
                         "An", "--received-on", "2026-09-15", "--reason", "x", "--file",
                         str(given)],
        "report narrative": ["report", "build", *common, "--kind", "annual", "--period",
                             "2025", "--out", str(tmp_path / "bc"), "--narrative", str(given)],
        "classify": ["classify", str(given), "--standard", "2022-2025"],
        "import mapping": ["import", "file", str(sheet), *common, "--mapping", str(given)],
        "review import mapping": ["review", "import", str(sheet), *common, "--round", "1",
                                  "--mapping", str(given)],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (DEEP, "lồng nhau quá 64 cấp"),
        (DEEP_OBJECT, "lồng nhau quá 64 cấp"),
        ('{"members": [], "a": NaN}', "NaN"),
        ('{"members": [], "a": 1e999}', "1e999"),
        ('{"members": [], "a": ' + "9" * 5000 + "}", "số quá dài"),
    ],
)
def test_json_files_json_loads_takes_or_chokes_on_are_refused_by_every_reader(
    db, tmp_path, capsys, content, expected
):
    given = tmp_path / "tep.json"
    given.write_text(content)
    for name, argv in _json_commands(db, tmp_path, given).items():
        err = _refused(argv, db, capsys)
        assert "tep.json" in err and expected in err, (name, err)


def test_a_json_file_too_large_or_not_a_file_is_refused_before_it_is_read(
    db, tmp_path, capsys, monkeypatch
):
    given = tmp_path / "lon.json"
    with open(given, "wb") as stream:
        stream.truncate(json_input.MAX_BYTES + 1)  # sparse: nothing written
    for argv in _json_commands(db, tmp_path, given).values():
        err = _refused(argv, db, capsys)
        assert "lon.json" in err and "32 MB" in err
    pipe = tmp_path / "ong.json"
    os.mkfifo(pipe)  # open() would wait for a writer for ever
    for argv in _json_commands(db, tmp_path, pipe).values():
        assert "không phải là một tệp" in _refused(argv, db, capsys)


def test_a_survey_whose_members_are_not_objects(db, tmp_path, capsys):
    given = tmp_path / "phieu.json"
    given.write_text(json.dumps({"members": [1, "x", None]}))
    argv = ["review", "survey", "HGD-00001", "--db", str(db), "--round", "1", "--file"]
    err = _refused([*argv, str(given)], db, capsys)
    assert "phieu.json: cần một bản ghi hộ" in err


@pytest.mark.parametrize(
    ("narrative", "expected"),
    [
        ({"I": 5}, "mục “I”: cần một đoạn văn bản"),
        ({"documents_issued": {"a": 1}}, "mục “documents_issued”: cần một đoạn văn bản"),
        ({"awards": [1]}, "mục “awards”: cần một danh sách"),
        ({"awards": "Nguyễn Văn An"}, "mục “awards”: cần một danh sách"),
    ],
)
def test_a_narrative_of_the_wrong_shape(db, tmp_path, capsys, narrative, expected):
    given = tmp_path / "loi-van.json"
    given.write_text(json.dumps(narrative, ensure_ascii=False))
    argv = ["report", "build", "--db", str(db), "--kind", "annual", "--period", "2025"]
    err = _refused([*argv, "--out", str(tmp_path / "bc"), "--narrative", str(given)], db, capsys)
    assert "loi-van.json" in err and expected in err


def test_numbers_typed_in_other_digits_are_refused_not_a_traceback(db, tmp_path, capsys):
    """ "²".isdigit() is true, int("²") a ValueError: checks that used isdigit let it through."""
    common = ["--db", str(db)]
    expected = {
        "Không có thành viên “²” trong hộ HGD-00001": [
            "member", "leave", "HGD-00001", "²", "--date", "2026-05-02", "--reason", "x",
            *common],
        "--group a=²: cần dạng THÀNH_PHẦN=SỐ": [
            "review", "meeting", *common, "--round", "1", "--village", "T01", "--date",
            "2026-11-05", "--attendees", "40", "--group", "a=²", "--vote", "HGD-00001=30"],
        "không phải “²０２６”": [
            "report", "build", *common, "--kind", "plan", "--period", "²０２６", "--out",
            str(tmp_path / "kh")],
    }  # fmt: skip
    for message, argv in expected.items():
        assert message in _refused(argv, db, capsys)
