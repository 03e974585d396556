"""The commands of both sides, end to end: keys, the fingerprint check, building, verifying,
receiving, the board and the consolidation; exit statuses and Vietnamese messages.
Passphrases come from the environment, as in a script (the keys use the real defaults)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from gnapp.cli import main
from gnapp.demo import DEMO_PASSWORD
from gnapp.store.database import open_database
from gnapp.store.migrations import LATEST_VERSION

OFFICE_ARGS = [
    "--name",
    "UBND tỉnh Quảng Ngãi",
    "--parent",
    "UBND TỈNH QUẢNG NGÃI",
    "--office",
    "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "--place",
    "Quảng Ngãi",
    "--area",
    "tỉnh Quảng Ngãi",
    "--province",
    "Quảng Ngãi",
    "--symbol",
    "BC-SNNMT",
    "--admin",
    "giamdoc",
    "--admin-name",
    "Trần Văn Bình",
]


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def _fingerprint(text: str) -> str:
    return text.strip().split()[-1].rstrip(".")


def test_the_whole_path_from_commune_to_office(small_demo_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_PASSPHRASE", "mật khẩu dùng chung cho thử")
    monkeypatch.setenv("GNAPP_NEW_PASSPHRASE", "mật khẩu dùng chung cho thử")
    # every user's password, the office's as the commune's (the demo's)
    for variable in ("GNAPP_PASSWORD", "GNAPP_USER_PASSWORD", "GNAPP_ADMIN_PASSWORD"):
        monkeypatch.setenv(variable, DEMO_PASSWORD)
    xa, tinh, usb, out = (
        tmp_path / "xa.gnapp",
        tmp_path / "tinh.gnoffice",
        tmp_path / "usb",
        tmp_path / "out",
    )
    shutil.copy(small_demo_file, xa)
    usb.mkdir()
    out.mkdir()

    status, text, _ = run(
        capsys, "report", "build", "--db", xa, "--kind", "annual", "--period", "2025", "--out", out
    )
    assert status == 0
    status, text, _ = run(capsys, "key", "create", "--db", xa)
    assert status == 0 and "Dấu vân tay" in text
    commune_fp = _fingerprint(run(capsys, "key", "fingerprint", "--db", xa)[1])
    assert run(capsys, "key", "export", "--db", xa, "--out", tmp_path)[0] == 0
    commune_key = tmp_path / "khoa-ky-21555.gnpub"

    status, text, _ = run(capsys, "office", "create", tinh, *OFFICE_ARGS)
    assert status == 0 and "quản trị giamdoc" in text
    office_fp = _fingerprint(text)
    officer = ["--db", tinh, "--name", "Trần Thị Nhận", "--role", "officer", "--admin", "giamdoc"]
    assert run(capsys, "office", "user", "add", "tiepnhan", *officer)[0] == 0
    status, text, _ = run(capsys, "office", "user", "list", "--db", tinh)
    assert "giamdoc\tTrần Văn Bình\tLãnh đạo, quản trị\tđang dùng" in text
    assert "tiepnhan\tTrần Thị Nhận\tCán bộ tiếp nhận\tđang dùng" in text
    status, text, _ = run(capsys, "office", "key", "--db", tinh, "--out", tmp_path)
    office_key = tmp_path / "khoa-ma-hoa-co-quan.gnpub"
    assert status == 0 and office_key.is_file()

    # the fingerprint read by phone must match, else nothing is registered
    register = ["office", "register", commune_key, "--db", tinh, "--user", "giamdoc"]
    status, _, err = run(capsys, *register, "--fingerprint", "AAAAA-BBBBB-CCCCC-DDDDD")
    assert status == 1 and "không khớp" in err
    status, _, err = run(capsys, *register)
    assert status == 1 and "--fingerprint" in err
    # an officer receives, but only the head registers a commune's key
    as_officer = [*register[:-1], "tiepnhan", "--fingerprint", commune_fp]
    status, _, err = run(capsys, *as_officer)
    assert status == 1 and "Tài khoản tiepnhan không có quyền đăng ký, thay, thu hồi khóa" in err
    with pytest.raises(SystemExit) as usage:  # nobody named: a usage error
        run(capsys, "office", "register", commune_key, "--db", tinh)
    assert usage.value.code == 2 and "thiếu --user" in capsys.readouterr().err
    status, text, _ = run(capsys, *register, "--fingerprint", commune_fp.lower())
    assert status == 0 and "Đã đăng ký Xã Sơn Minh" in text
    assert run(capsys, "key", "office", office_key, "--db", xa, "--fingerprint", office_fp)[0] == 0

    build = ["package", "build", "--db", xa, "--kind", "annual", "--period", "2025", "--out", usb]
    status, _, err = run(capsys, *build, "--user", "canbo")
    assert status == 1 and "Chỉ lãnh đạo phê duyệt mới được ký" in err
    status, text, _ = run(capsys, *build, "--user", "lanhdao", "--with-households")
    assert status == 0
    (package,) = usb.iterdir()
    assert "Tiêu đề: [GNApp] Xã Sơn Minh gửi báo cáo năm 2025 (gói số 1)" in text
    assert commune_fp in text

    verify = ["package", "verify", package, "--key", commune_key]
    status, text, _ = run(capsys, *verify)
    assert status == 2 and "CHƯA KIỂM TRA" in text, text
    status, text, _ = run(capsys, *verify, "--office-db", tinh)
    assert status == 0 and "KHÔNG ĐẠT" not in text
    status, _, err = run(capsys, "package", "verify", package, "--key", office_key)
    assert status == 1 and "không phải khóa ký" in err

    status, text, _ = run(capsys, "receive", usb, "--db", tinh, "--user", "tiepnhan")
    assert status == 0 and "ĐÃ NHẬN" in text
    status, text, _ = run(capsys, "receive", package, "--db", tinh, "--user", "giamdoc")
    assert status == 1 and "KHÔNG NHẬN" in text and "đã được nhận" in text
    status, text, _ = run(capsys, "office", "receipts", "--db", tinh)
    lines = text.splitlines()
    assert status == 0 and len(lines) == 2
    assert "TỪ CHỐI" in lines[0] and "đã được nhận" in lines[0]
    assert lines[0].endswith("— Trần Văn Bình (giamdoc)")
    assert lines[1].endswith("Báo cáo năm 2025 của Xã Sơn Minh: đã nhận — Trần Thị Nhận (tiepnhan)")
    status, text, _ = run(capsys, "office", "board", "--db", tinh)
    assert status == 0 and "Báo cáo năm 2025:" in text and "Xã Sơn Minh (21555): Đã nhận" in text
    status, text, _ = run(
        capsys,
        "consolidate",
        "--db",
        tinh,
        "--period",
        "2025",
        "--out",
        out,
        "--date",
        "2026-01-10",
        "--user",
        "tiepnhan",
    )
    assert status == 0 and "Đã tổng hợp 1 xã" in text
    status, text, _ = run(capsys, "office", "consolidations", "--db", tinh)
    assert status == 0 and "Báo cáo năm 2025" in text and "Trần Thị Nhận (tiepnhan)" in text
    assert (out / "tong-hop-bao-cao-nam-2025.pdf").is_file() and (
        out / "tong-hop-bao-cao-nam-2025.xlsx"
    ).is_file()

    status, text, _ = run(capsys, "package", "list", "--db", xa)
    assert status == 0 and package.name in text

    # a key change: the office takes it from the file the commune sends
    monkeypatch.setenv("GNAPP_NEW_PASSPHRASE", "mật khẩu mới sau khi đổi")
    status, text, _ = run(capsys, "key", "change", "--db", xa, "--out", tmp_path)
    assert status == 0 and "dùng từ gói số 2" in text
    (statement,) = tmp_path.glob("*.gnkeychange")
    # the file lost (a USB drive pulled out): written again, the same bytes
    again = tmp_path / "lai"
    again.mkdir()
    status, text, _ = run(capsys, "key", "change-file", "--db", xa, "--out", again)
    assert status == 0 and (again / statement.name).read_bytes() == statement.read_bytes()
    new_fp = _fingerprint(run(capsys, "key", "fingerprint", "--db", xa)[1])
    status, text, _ = run(
        *[capsys, *register[:2]], statement, *register[3:], "--fingerprint", new_fp
    )
    assert status == 0 and "Đã nhận đổi khóa" in text


def test_a_wrong_passphrase_is_one_line(small_demo_file, tmp_path, capsys, monkeypatch):
    xa = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, xa)
    monkeypatch.setenv("GNAPP_NEW_PASSPHRASE", "ngắn")
    status, _, err = run(capsys, "key", "create", "--db", xa)
    assert status == 1 and err.startswith("Lỗi: Mật khẩu phải có ít nhất 10 ký tự")
    status, _, err = run(capsys, "key", "fingerprint", "--db", xa)
    assert status == 1 and "chưa có khóa ký" in err
    status, _, err = run(capsys, "key", "change-file", "--db", xa, "--out", tmp_path)
    assert status == 1 and "không đến từ một lần đổi khóa" in err


def test_a_previous_schema_gains_the_package_tables(tmp_path):
    path = tmp_path / "v6.gnapp"
    open_database(path, create=True, target_version=6).close()
    with open_database(path) as cdb:
        assert cdb.schema_version == LATEST_VERSION
        tables = set(cdb.db.table_names())
        assert {"signing_keys", "office_key", "sent_packages"} <= tables
        cdb.db["settings"].insert({"key": "x", "value": "1"})
        cdb.db.execute(
            "INSERT INTO office_key VALUES (1, 'Tỉnh', 'a2V5', 'AAAAA-BBBBB-CCCCC-DDDDD', 'now')"
        )
        logged = cdb.db.execute(
            "SELECT count(*) FROM change_log WHERE table_name = 'office_key'"
        ).fetchone()[0]
        row = {"fingerprint": "F", "secret": "S", "created_at": "d", "created_by": "e"}
        cdb.db["signing_keys"].insert({"public_key": "a", **row})
        with pytest.raises(sqlite3.IntegrityError):  # one current key at most
            cdb.db["signing_keys"].insert({"public_key": "b", **row})
    assert logged == 1
