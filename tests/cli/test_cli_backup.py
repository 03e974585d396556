"""The backup commands and what the command line says about a broken database."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from gnapp.cli import main
from gnapp.cli.common import EXIT_DAMAGED
from gnapp.preferences import backup_root
from gnapp.store.backups import default_backup_folder, list_backups
from gnapp.store.database import open_database
from gnapp.store.register import save_commune


@pytest.fixture
def db(small_demo_file, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "xa-son-minh.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def households_now(path: Path) -> int:
    """The households still in the commune (the demo's events took some away), plain SQL."""
    conn = sqlite3.connect(path)
    try:
        sql = "SELECT count(*) FROM households WHERE present_until IS NULL"
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(data))


def test_make_list_and_restore(db, tmp_path, capsys):
    assert main(["backup", "make", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    [made] = list_backups(default_backup_folder(db, backup_root()))
    assert f"Đã sao lưu vào {made.path}" in out
    assert f"Số hộ: {households_now(db)}" in out

    with open_database(db) as cdb:
        save_commune(cdb, code="21555", name="Xã Nhầm", kind="xa", province="Quảng Ngãi")
    assert main(["backup", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert made.path.name in out and "Xã, phường: Xã Sơn Minh (mã 21555)" in out

    assert main(["backup", "restore", str(made.path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Đã phục hồi xong." in out
    assert "Dữ liệu trước khi phục hồi được giữ lại trong tệp" in out
    with open_database(db) as cdb:
        assert cdb.db.execute("SELECT name FROM commune").fetchone()[0] == "Xã Sơn Minh"
    kinds = sorted(b.kind for b in list_backups(default_backup_folder(db, backup_root())))
    assert kinds == ["manual", "prerestore"]


def test_restoring_a_backup_that_is_not_there_says_only_so(db, tmp_path, capsys):
    missing = tmp_path / "khong-co.gnapp-backup"
    assert main(["backup", "restore", str(missing), "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # no "Bản sao lưu … chứa:" above a refusal
    assert str(missing) in captured.err


def test_backup_to_a_usb_folder_is_encrypted_and_restored_with_its_passphrase(
    db, tmp_path, capsys, monkeypatch
):
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setenv("GNAPP_BACKUP_PASSPHRASE", "ngắn")
    assert main(["backup", "make", "--db", str(db), "--to", str(usb)]) == 1
    assert "ít nhất 10 ký tự" in capsys.readouterr().err
    assert list(usb.iterdir()) == []

    monkeypatch.setenv("GNAPP_BACKUP_PASSPHRASE", "mật khẩu sao lưu 2026")
    assert main(["backup", "make", "--db", str(db), "--to", str(usb)]) == 0
    assert "được mã hóa" in capsys.readouterr().out
    [made] = list_backups(usb)
    assert b"Nguy" not in made.path.read_bytes()  # no name in clear
    assert list_backups(default_backup_folder(db, backup_root())) == []
    assert not [path for path in db.parent.iterdir() if path.name.endswith(".partial")]
    assert main(["backup", "list", "--db", str(db), "--folder", str(usb)]) == 0
    assert "Được mã hóa: cần mật khẩu" in capsys.readouterr().out

    with open_database(db) as cdb:
        save_commune(cdb, code="21555", name="Xã Nhầm", kind="xa", province="Quảng Ngãi")
    monkeypatch.setenv("GNAPP_BACKUP_PASSPHRASE", "mật khẩu khác 2026")
    assert main(["backup", "restore", str(made.path), "--db", str(db)]) == 1
    assert "Mật khẩu không đúng" in capsys.readouterr().err
    monkeypatch.setenv("GNAPP_BACKUP_PASSPHRASE", "mật khẩu sao lưu 2026")
    assert main(["backup", "restore", str(made.path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.index("Xã, phường: Xã Sơn Minh (mã 21555)") < out.index("Đã phục hồi xong.")
    assert "(sao lưu theo yêu cầu)" in out and f"Số hộ: {households_now(db)}" in out
    with open_database(db) as cdb:
        assert cdb.db.execute("SELECT name FROM commune").fetchone()[0] == "Xã Sơn Minh"
    assert not [path for path in db.parent.iterdir() if path.name.endswith(".partial")]


def test_the_backup_folder_is_shown_changed_and_put_back(db, tmp_path, capsys):
    assert main(["backup", "folder"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "data" / "sao-luu")
    chosen = tmp_path / "o-d" / "GNApp sao luu"
    assert main(["backup", "folder", str(chosen)]) == 0
    assert str(chosen) in capsys.readouterr().out
    assert main(["backup", "make", "--db", str(db)]) == 0
    assert len(list_backups(chosen / "xa-son-minh")) == 1
    assert main(["backup", "folder", "--default"]) == 0
    assert default_backup_folder(db, backup_root()) == tmp_path / "data" / "sao-luu" / "xa-son-minh"
    capsys.readouterr()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["backup", "folder", str(blocker / "x")]) != 0
    assert "Không ghi được vào thư mục sao lưu" in capsys.readouterr().err


def test_list_says_when_there_is_none_and_marks_a_broken_backup(db, tmp_path, capsys):
    assert main(["backup", "list", "--db", str(db)]) == 0
    assert "Chưa có bản sao lưu nào" in capsys.readouterr().out
    main(["backup", "make", "--db", str(db)])
    [made] = list_backups(default_backup_folder(db, backup_root()))
    corrupt(made.path)
    capsys.readouterr()
    assert main(["backup", "list", "--db", str(db)]) == 0
    assert "KHÔNG DÙNG ĐƯỢC: Tệp " in capsys.readouterr().out


def corrupt_table(path: Path, table: str) -> None:
    """Overwrite the first page of ``table`` (so reading it fails whatever the file's layout)."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root[0] - 1) * page_size
    data[start : start + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))


def test_a_broken_database_gets_a_vietnamese_message_and_its_own_exit_status(db, capsys):
    corrupt_table(db, "members")
    assert main(["backup", "make", "--db", str(db)]) == EXIT_DAMAGED
    err = capsys.readouterr().err
    assert "hỏng" in err
    assert f"gnapp backup restore TỆP_SAO_LƯU --db {db}" in err
    assert main(["export", "register", "--db", str(db), "--out", str(db.with_suffix(".xlsx"))]) == (
        EXIT_DAMAGED
    )
    assert "Tệp dữ liệu bị hỏng" in capsys.readouterr().err


def test_a_file_that_is_not_a_database_is_reported_as_broken(tmp_path, capsys):
    junk = tmp_path / "rac.gnapp"
    junk.write_bytes(b"\0rac" * 2000)
    assert main(["targets", "list", "--db", str(junk), "--year", "2025"]) == EXIT_DAMAGED
    assert "không phải cơ sở dữ liệu GNApp hợp lệ" in capsys.readouterr().err


def test_restoring_a_broken_backup_is_refused(db, tmp_path, capsys):
    main(["backup", "make", "--db", str(db)])
    [made] = list_backups(default_backup_folder(db, backup_root()))
    corrupt(made.path)
    before = db.read_bytes()
    assert main(["backup", "restore", str(made.path), "--db", str(db)]) == EXIT_DAMAGED
    err = capsys.readouterr().err
    assert "bị hỏng" in err
    assert db.read_bytes() == before
    # the broken file is the backup: no advice to restore the sound database from a backup
    assert f"Bản sao lưu {made.path} không dùng được; dữ liệu hiện tại vẫn giữ nguyên." in err
    assert "TỆP_SAO_LƯU" not in err
    junk = tmp_path / "rac.gnapp-backup"
    junk.write_bytes(b"\0rac" * 2000)
    assert main(["backup", "restore", str(junk), "--db", str(db)]) == EXIT_DAMAGED
    err = capsys.readouterr().err
    assert "rac.gnapp-backup" in err and "TỆP_SAO_LƯU" not in err
    assert db.read_bytes() == before


def test_db_check_verifies_a_compressed_backup(db, capsys):
    main(["backup", "make", "--db", str(db)])
    [made] = list_backups(default_backup_folder(db, backup_root()))
    capsys.readouterr()
    assert main(["db", "check", str(made.path)]) == 0
    out = capsys.readouterr().out
    assert "Nhật ký thay đổi: nguyên vẹn" in out and "Kết quả: ĐẠT" in out
    assert f"Số hộ: {households_now(db)}" in out
    made.path.write_bytes(made.path.read_bytes()[:-100])  # cut short
    assert main(["db", "check", str(made.path)]) == 1
    out = capsys.readouterr().out
    assert "bản sao lưu nén: tệp bị cắt cụt" in out and "Kết quả: KHÔNG ĐẠT" in out
    assert [p.name for p in made.path.parent.iterdir()] == [made.path.name]
