"""Hostile and broken files given to the commands as a user would give them: each is refused
with one Vietnamese line naming the file (status 1), never a traceback, and nothing saved
changes. The spreadsheet readers' own attacks are in tests/importers/test_hostile_files.py."""

from __future__ import annotations

import hashlib
import io
import json
import os
import resource
import shutil
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from gnapp.cli import main
from gnapp.cli.common import EXIT_REFUSED
from gnapp.core import input_files
from tests.importers import files
from tests.sqlite_dump import database_content

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
        return "\n".join(database_content(conn))
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
        stream.truncate(input_files.MAX_JSON_BYTES + 1)  # sparse: nothing written
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


def _gnapp(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``gnapp`` in a child process under a memory limit and a time limit: a reader that waits
    on a pipe for ever, or reads /dev/zero to the end, fails here instead of hanging the suite."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))

    return subprocess.run(
        [sys.executable, "-m", "gnapp", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit_memory,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_pipe_or_an_endless_device_named_as_a_key_a_package_or_a_backup(db, tmp_path):
    pipe = tmp_path / "ong.gnpkg"
    os.mkfifo(pipe)
    endless = tmp_path / "vo-tan.gnpub"
    endless.symlink_to("/dev/zero")
    backup = tmp_path / "ong.gnapp-backup"
    os.mkfifo(backup)
    before = _content(db)
    for argv in (
        ["package", "verify", str(pipe), "--key", str(endless)],
        ["package", "verify", str(endless), "--key", str(endless)],
        ["key", "office", str(endless), "--db", str(db), "--fingerprint", "AAAAA-BBBBB"],
        ["backup", "restore", str(backup), "--db", str(db)],
    ):
        done = _gnapp(*argv, env={"GNAPP_BACKUP_PASSPHRASE": "mật khẩu sao lưu dài"})
        assert done.returncode == EXIT_REFUSED, (argv, done.stderr)
        assert done.stderr.startswith("Lỗi: ") and "Traceback" not in done.stderr
        assert "không phải là một tệp" in done.stderr, (argv, done.stderr)
    assert _content(db) == before


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_the_office_refuses_a_pipe_or_an_endless_device_offered_as_a_package(tmp_path):
    """receive_files records such a file as refused (an OSError), as it does a missing one."""
    pipe = tmp_path / "ong.gnpkg"
    os.mkfifo(pipe)
    endless = tmp_path / "vo-tan.gnpkg"
    endless.symlink_to("/dev/zero")
    script = (
        "import sys\nfrom pathlib import Path\nfrom gnapp.office.receive import read_package_file\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n        read_package_file(Path(name))\n"
        "    except OSError as error:\n        print(error.strerror)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(pipe), str(endless)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20,) * 2),
    )
    assert done.stdout.splitlines() == ["không phải là một tệp"] * 2, done.stderr


def test_a_database_another_program_holds_locked_is_a_refusal_naming_it(db, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "demo1234")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        argv = ["village", "add", "T99", "Thôn Mới", "--db", str(db), "--admin", "quantri"]
        assert main(argv) == EXIT_REFUSED
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert err.startswith(f"Lỗi: Không ghi được tệp dữ liệu {db.name}: một chương trình khác")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("magic", "digest"),
    [(b"GNApp compressed backup v1\n", True), (b"GNApp encrypted backup v2\n", False)],
)
def test_a_backup_whose_header_nests_too_deeply(db, tmp_path, capsys, monkeypatch, magic, digest):
    """The headers were read with json.loads: RecursionError in restore, db check and in
    backup list, for a file merely lying in the backup folder."""
    from gnapp.preferences import backup_root
    from gnapp.store.backups import default_backup_folder

    monkeypatch.setenv("GNAPP_BACKUP_PASSPHRASE", "mật khẩu sao lưu dài")
    header = b"[" * 4000
    check = hashlib.sha256(header).digest() if digest else b""
    content = magic + struct.pack(">I", len(header)) + header + check + b"\0" * 64
    folder = default_backup_folder(db, backup_root())
    folder.mkdir(parents=True, exist_ok=True)
    backup = folder / "21555-2026-12-07T080000-manual.gnapp-backup"
    backup.write_bytes(content)
    before = _content(db)
    assert main(["backup", "restore", str(backup), "--db", str(db)]) in (EXIT_REFUSED, 3)
    assert main(["db", "check", str(backup)]) == EXIT_REFUSED
    assert main(["backup", "list", "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "RecursionError" not in captured.err
    if digest:  # compressed: backup list reads its header
        assert f"{backup.name} bị hỏng: bản sao lưu nén: phần mô tả không đọc được" in captured.out
    else:  # encrypted: the header is read when the passphrase is asked for
        assert f"{backup.name} không phải bản sao lưu mã hóa của GNApp" in captured.err
    assert _content(db) == before


def test_a_pipe_named_as_a_tablet_zip(db, tmp_path):
    from gnapp.review.workflow import open_round
    from gnapp.store.database import open_database

    with open_database(db) as cdb:
        opened = open_round(cdb, 2026, standard_id="2022-2025", reference_date="2026-11-01")
    pipe = tmp_path / "odk.zip"
    os.mkfifo(pipe)
    argv = ["review", "import", str(pipe), "--db", str(db), "--round", str(opened)]
    done = _gnapp(*argv, "--dry-run")
    assert done.returncode == EXIT_REFUSED, done.stderr
    assert done.stderr == "Lỗi: Không mở được tệp nén “odk.zip” (không phải là một tệp).\n"


def test_an_empty_or_headless_list_is_refused_naming_the_file(db, tmp_path, capsys):
    empty = tmp_path / "rong.csv"
    empty.write_bytes(b"")
    err = _refused(["import", "file", str(empty), "--db", str(db)], db, capsys)
    assert err.startswith("Lỗi: Tệp “rong.csv”: Không tìm thấy dòng tiêu đề cột")
    junk = tmp_path / "rac.csv"
    junk.write_bytes(b"\x00\x01\x02,\xff\xfe\n\x1b[31m,x\n")
    err = _refused(["import", "file", str(junk), "--db", str(db)], db, capsys)
    assert err.startswith("Lỗi: Tệp “rac.csv”: Không tìm thấy dòng tiêu đề cột")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_control_characters_of_a_file_do_not_reach_a_terminal(db, tmp_path, monkeypatch):
    """A village named "Thôn\\x1b]0;…" in a list would retitle or recolour the clerk's
    terminal through the preview: on a terminal each control character shows as U+FFFD."""
    path = files.write_csv(
        tmp_path / "ds.csv",
        files.MEMBER_HEADINGS,
        [[1, "H001", "Thôn\x1b[31m Mới", "Nguyễn\x07 Văn An", "1970", "Nam", "", "Chủ hộ", "Kinh"]],
        "utf-8",
        ",",
    )
    out, err = _Terminal(), _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["import", "file", str(path), "--db", str(db), "--dry-run"]) == EXIT_REFUSED
    written = out.getvalue() + err.getvalue()
    assert "Thôn\ufffd[31m Mới" in written
    assert not any(character in written for character in "\x1b\x07")
    assert sys.stdout is out and sys.stderr is err  # put back after the command
