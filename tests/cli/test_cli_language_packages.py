"""The refusals and messages of keys, packages, the office, the standards and the self-test in
the command's language: English with ``--language en``, Vietnamese by default; a refused
package's reason stays Vietnamese where the office records it."""

from __future__ import annotations

import shutil
import sys

import pytest

from gnapp.cli import main
from gnapp.demo import DEMO_PASSWORD
from gnapp.office.board import receipt_history
from gnapp.office.store.database import open_office
from gnapp.reporting.figures import report_kinds
from tests.cli.test_cli_language import _commune_words, _vietnamese_lines
from tests.cli.test_cli_packages import OFFICE_ARGS

PASSPHRASE = "mat-khau-dai-du-12"


@pytest.fixture
def commune(small_demo_file, tmp_path, monkeypatch, capsys):
    """A commune with its annual report of 2025 built, and every password in the environment."""
    for variable in ("GNAPP_PASSPHRASE", "GNAPP_NEW_PASSPHRASE"):
        monkeypatch.setenv(variable, PASSPHRASE)
    for variable in ("GNAPP_PASSWORD", "GNAPP_USER_PASSWORD", "GNAPP_ADMIN_PASSWORD"):
        monkeypatch.setenv(variable, DEMO_PASSWORD)
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    out = tmp_path / "bao-cao"
    out.mkdir()
    build = ["report", "build", "--db", path, "--kind", "annual", "--period", "2025"]
    assert main([str(a) for a in build] + ["--out", str(out)]) == 0
    capsys.readouterr()
    return path


@pytest.fixture
def gnapp(capsys, monkeypatch):
    """``gnapp(*argv)``: status, stdout and stderr, progress lines shown as on a terminal."""

    def run(*argv) -> tuple[int, str, str]:
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
        status = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def _damaged(package, tmp_path):
    """The package with bytes added after its end, as a USB drive's tool may leave them."""
    damaged = tmp_path / "hong.gnpkg"
    damaged.write_bytes(package.read_bytes() + b"\0" * 7)
    return damaged


def _report_names() -> list[str]:
    """The report kinds' names, which the reports' own data gives in Vietnamese."""
    names = [kind.name for kind in report_kinds().values()]
    return names + [name[:1].lower() + name[1:] for name in names]


def _english(text: str, words: list[str]) -> None:
    assert text.strip()
    assert _vietnamese_lines(text, words) == [], text


def test_keys_packages_and_the_office_speak_english(commune, gnapp, tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    words = _commune_words(commune) + _report_names()
    usb, office = tmp_path / "usb", tmp_path / "so.gnoffice"
    usb.mkdir()
    assert gnapp("key", "create", "--db", commune)[0] == 0
    assert gnapp("key", "export", "--db", commune, "--out", tmp_path)[0] == 0
    commune_key = next(tmp_path.glob("*.gnpub"))

    status, _, err = gnapp("key", "create", "--db", commune)
    assert status == 1 and "The commune already has a signing key" in err
    _english(err, words)
    status, _, err = gnapp("key", "office", commune_key, "--db", commune, "--fingerprint", "X")
    assert status == 1 and "This file is not the receiving office's encryption key." in err
    not_a_key = tmp_path / "khong-phai-khoa.gnpub"
    not_a_key.write_text("{}", encoding="utf-8")
    status, _, err = gnapp("key", "office", not_a_key, "--db", commune, "--fingerprint", "X")
    assert status == 1 and "Error: Public key file: missing fields algorithm, created_at" in err
    _english(err, words)

    build = ["package", "build", "--db", commune, "--kind", "annual", "--period", "2025"]
    monkeypatch.setenv("GNAPP_PASSPHRASE", "sai-mat-khau-roi-day")
    status, _, err = gnapp(*build, "--out", usb, "--user", "lanhdao")
    assert status == 1 and "Error: Wrong password" in err
    _english(err, words)
    monkeypatch.setenv("GNAPP_PASSPHRASE", PASSPHRASE)
    status, out, err = gnapp(*build, "--out", usb, "--user", "lanhdao")
    assert status == 0 and "Unlocking the signing key…" in err and "Saving the package…" in err
    _english(err, words)
    (package,) = usb.iterdir()

    status, out, _ = gnapp("package", "verify", _damaged(package, tmp_path), "--key", commune_key)
    assert status == 1
    assert "[FAILED] Package file format: The file has 7 extra bytes" in out
    assert "[NOT CHECKED] Digital signature: not checked because an earlier check failed" in out
    _english(out, words)
    status, out, _ = gnapp("package", "verify", package, "--key", commune_key)
    assert status == 0 and "[PASSED] Contents list (manifest): package no. 1 of" in out
    _english(out, words)

    assert gnapp("office", "create", office, *OFFICE_ARGS)[0] == 0
    status, out, _ = gnapp("receive", package, "--db", office, "--user", "giamdoc")
    assert status == 1 and "REFUSED — Sending commune is registered: " in out
    assert "is not registered with the office" in out
    _english(out, words)
    fingerprint = gnapp("key", "fingerprint", "--db", commune)[1].split()[-1].rstrip(".")
    register = ["office", "register", commune_key, "--db", office, "--user", "giamdoc"]
    assert gnapp(*register, "--fingerprint", fingerprint)[0] == 0
    status, _, err = gnapp(*register, "--fingerprint", fingerprint)
    assert status == 1 and "is already registered for" in err
    _english(err, words)

    status, out, _ = gnapp(
        "receive", _damaged(package, tmp_path), "--db", office, "--user", "giamdoc"
    )
    assert status == 1 and "REFUSED — Package file format: The file has 7 extra bytes" in out
    _english(out, words)
    status, out, _ = gnapp("receive", package, "--db", office, "--user", "giamdoc")
    assert status == 0 and "RECEIVED" in out
    status, out, _ = gnapp("office", "board", "--db", office)
    assert status == 0 and ": Received " in out
    _english(out, words)

    # what the office records stays as it was written, whatever the language it was shown in
    with open_office(office) as opened:
        reasons = [record.message for record in receipt_history(opened, 10)]
    assert any(reason.startswith("Tệp có 7 byte thừa") for reason in reasons), reasons
    assert any(reason.startswith("Xã Sơn Minh (mã 21555) chưa được đăng ký") for reason in reasons)


def test_a_bad_standards_file_is_refused_in_english(commune, gnapp, tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    standard = tmp_path / "chuan-tinh.json"
    standard.write_text('{"format_version": 1, "extends": "2022-2025"}', encoding="utf-8")
    status, _, err = gnapp("classify", "--db", commune, "--standard", standard, "--summary")
    assert status == 1 and f"File {standard}: required key 'id' is missing" in err
    _english(err, [])


def test_the_same_refusals_stay_vietnamese_by_default(commune, gnapp, tmp_path, monkeypatch):
    monkeypatch.delenv("GNAPP_LANG", raising=False)
    assert gnapp("key", "create", "--db", commune)[0] == 0
    status, _, err = gnapp("key", "create", "--db", commune)
    assert status == 1 and "Lỗi: Xã đã có khóa ký" in err
    assert gnapp("key", "export", "--db", commune, "--out", tmp_path)[0] == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    build = ["package", "build", "--db", commune, "--kind", "annual", "--period", "2025"]
    status, _, err = gnapp(*build, "--out", usb, "--user", "lanhdao")
    assert status == 0 and "Đang lưu gói…" in err
    (package,) = usb.iterdir()
    key = next(tmp_path.glob("*.gnpub"))
    status, out, _ = gnapp("package", "verify", _damaged(package, tmp_path), "--key", key)
    assert status == 1 and "[KHÔNG ĐẠT] Định dạng tệp gói: Tệp có 7 byte thừa" in out
    assert "[CHƯA KIỂM TRA] Chữ ký số: không kiểm tra vì bước trước không đạt" in out


def test_the_self_test_names_its_steps_in_english(small_default_demo, capsys):
    assert main(["--language", "en", "--self-test"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split(" — ")[0] for line in lines[:-1]]
    assert names[:3] == [
        "✓ Make a copy of the demo commune",
        "✓ Open the demo commune, check its integrity",
        "✓ Classify the households of the latest review",
    ]
    assert names[-1] == "✓ Open the main window (Qt, no screen)"
    assert "matching the recorded results" in lines[2]
    assert lines[-1].startswith(f"Self-test PASSED: {len(names)} steps")
    # the commune's own words, and the word of Qt's Vietnamese catalogue the last step checks
    words = ["Phạm Thị Lành", "Xã Sơn Minh", "“Hủy”"]
    assert _vietnamese_lines("\n".join(lines), words) == []
