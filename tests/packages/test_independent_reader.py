"""tools/verify_package.py, written from docs/package-format.md without GNApp's code, verifies
a package the app built, opens it with the office's key, and refuses a changed one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import gnapp
from tests.packages.world import OFFICE_PASSPHRASE

READER = Path(gnapp.__file__).parent.parent / "tools" / "verify_package.py"
# Running the reader with GNApp made unimportable proves it needs none of it.
WITHOUT_GNAPP = (
    "import runpy, sys; sys.modules['gnapp'] = None; sys.argv = sys.argv[1:]; "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)


def read(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_GNAPP, str(READER), *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "GNAPP_PASSPHRASE": OFFICE_PASSPHRASE},
        timeout=120,
    )


@pytest.fixture
def key_file(world, tmp_path) -> Path:
    path = tmp_path / "khoa-ky-21555.gnpub"
    path.write_bytes(world.commune_key.file_bytes())
    return path


def test_the_reader_imports_nothing_of_gnapp():
    source = READER.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+gnapp\b", source, re.MULTILINE)


def test_the_reader_verifies_and_opens_a_package_the_app_built(world, key_file):
    result = read(world.package, "--key", key_file, "--office-db", world.office)
    assert result.returncode == 0, result.stdout + result.stderr
    for step in ("archive", "signature", "files: 4", "decryption", "data", "signer"):
        assert f"ok   {step}" in result.stdout
    without_key = read(world.package, "--key", key_file)
    assert without_key.returncode == 2 and "ok   signature" in without_key.stdout


@pytest.mark.parametrize("where", [0.3, 0.5, 0.95])
def test_the_reader_refuses_a_changed_package(world, key_file, tmp_path, where):
    data = bytearray(world.package.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    changed = tmp_path / "hong.gnpkg"
    changed.write_bytes(bytes(data))
    result = read(changed, "--key", key_file, "--office-db", world.office)
    assert result.returncode == 1 and "FAIL" in result.stdout


def test_the_reader_refuses_another_commune_s_key(world, tmp_path):
    from gnapp.packages.keys import SIGNING, PublicKey, new_key_pair

    _, raw = new_key_pair(SIGNING)
    other = tmp_path / "khac.gnpub"
    other.write_bytes(PublicKey(SIGNING, raw, "commune", "21555", "Xã Sơn Minh", "").file_bytes())
    result = read(world.package, "--key", other)
    assert result.returncode == 1 and "FAIL key" in result.stdout


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_the_reader_refuses_a_pipe_an_endless_device_and_a_missing_file(world, key_file, tmp_path):
    """It read the key to its end (/dev/zero: the memory), waited on a pipe named as the
    package for ever, and gave a traceback for a missing one."""
    pipe = tmp_path / "ong.gnpkg"
    os.mkfifo(pipe)
    endless = tmp_path / "vo-tan.gnpub"
    endless.symlink_to("/dev/zero")
    for args, expected in (
        ((pipe, "--key", key_file), f"FAIL archive: Failed: {pipe} is not a regular file"),
        ((world.package, "--key", endless), f"FAIL key: Failed: {endless} is not a regular file"),
        ((tmp_path / "khong-co.gnpkg", "--key", key_file), "FAIL archive: FileNotFoundError"),
    ):
        result = read(*args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert expected in result.stdout
