"""The package's container is bound to its members: every byte of every ZIP structure (local
headers, central directory, end record) changed, and the known tricks (mode 0777, a local entry
the directory hides, bytes after the end, a prefix), are refused by ``verify_package``, by the
office's receive and by the independent reader tools/verify_package.py."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import shutil
import stat
import struct
import zipfile
from pathlib import Path

import pytest

import gnapp
from gnapp.office.receive import receive_package
from gnapp.packages import build
from gnapp.packages.archive import write_archive
from gnapp.packages.build import build_package, choose_report
from gnapp.packages.verify import verify_package
from gnapp.store.database import open_database
from tests.packages.world import (
    PASSPHRASE,
    SIGNER,
    office_head,
)

READER = Path(gnapp.__file__).parent.parent / "tools" / "verify_package.py"


@pytest.fixture(scope="module")
def reader():
    """tools/verify_package.py loaded as a module (it imports nothing of GNApp)."""
    spec = importlib.util.spec_from_file_location("independent_reader", READER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plain_package(world_files, tmp_path_factory) -> bytes:
    """A small package without encryption: every enclosed file deflated."""
    folder = tmp_path_factory.mktemp("plain")
    commune = folder / world_files.commune.name
    shutil.copy(world_files.commune, commune)
    stand_ins = {"report.pdf": b"%PDF-1.7 " * 40, "report.xlsx": b"PK stand-in"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "_report_files", lambda *a: dict(stand_ins))
        with open_database(commune, actor="Cán bộ thử") as cdb:
            report = choose_report(cdb, world_files.report_id)
            made = build_package(
                cdb, report, passphrase=PASSPHRASE, folder=folder, encrypt=False, **SIGNER
            )
    return made.path.read_bytes()


def _structure(data: bytes) -> list[int]:
    """The offsets of every byte of the ZIP structure: local headers with their names, the
    central directory and the end record."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        directory = archive.start_dir
    offsets = []
    for info in infos:
        offsets += range(info.header_offset, info.header_offset + 30 + len(info.filename))
    return offsets + list(range(directory, len(data)))


def _key_file(world_files, tmp_path) -> Path:
    path = tmp_path / "khoa.gnpub"
    path.write_bytes(world_files.commune_key.file_bytes())
    return path


def _refused_everywhere(data, world_files, office, office_private, reader, key_file) -> str:
    """Check that the three readers refuse ``data`` at the container; the GNApp message."""
    verification = verify_package(data, world_files.commune_key, office_private)
    failure = verification.failure
    assert failure is not None and failure.code == "archive", verification.report()
    receipt = receive_package(office, data, "sua.gnpkg", office_private, office_head(office))
    assert not receipt.accepted and receipt.failure.code == "archive"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert reader.verify(data, str(key_file), None) == 1
    assert printed.getvalue().startswith("FAIL archive"), printed.getvalue()
    return failure.message


def test_the_unchanged_packages_pass_all_three(
    world_files, plain_package, office_db, office_private, reader, tmp_path
):
    key_file = _key_file(world_files, tmp_path)
    encrypted = world_files.package.read_bytes()
    for data in (encrypted, plain_package):
        assert verify_package(data, world_files.commune_key, office_private).ok
        with contextlib.redirect_stdout(io.StringIO()):
            assert reader.verify(data, str(key_file), None) in (0, 2)
    assert receive_package(
        office_db, encrypted, "goi.gnpkg", office_private, office_head(office_db)
    ).accepted


@pytest.mark.parametrize("which", ["encrypted", "plain"])
def test_every_byte_of_the_zip_structure_is_bound(
    which, world_files, plain_package, office_db, office_private, reader, tmp_path
):
    data = world_files.package.read_bytes() if which == "encrypted" else plain_package
    key_file = _key_file(world_files, tmp_path)
    office_db.db.execute("PRAGMA synchronous = OFF")  # a refusal's receipt: no wait for the disk
    offsets = _structure(data)
    assert len(offsets) > 400
    for position in offsets:
        changed = bytearray(data)
        changed[position] ^= 0x01 if position % 2 else 0x80
        _refused_everywhere(
            bytes(changed), world_files, office_db, office_private, reader, key_file
        )


def _tricks(data: bytes) -> dict[str, bytes]:
    """The container tricks seen in the audit, each a ZIP other tools read without a word."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        directory = archive.start_dir
    end = len(data) - 22
    tricks = {}
    # mode 0777 in every central directory entry
    wide = bytearray(data)
    position = directory
    for info in infos:
        struct.pack_into("<I", wide, position + 38, (stat.S_IFREG | 0o777) << 16)
        position += 46 + len(info.filename)
    tricks["mode 0777"] = bytes(wide)
    # a local entry with other content, hidden from the central directory
    hidden = write_archive([("report.pdf", b"%PDF noi dung khac", False)])
    hidden = hidden[: hidden.index(b"PK\x01\x02")]
    moved = bytearray(data[end:])
    struct.pack_into("<I", moved, 16, directory + len(hidden))
    tricks["hidden local entry"] = data[:directory] + hidden + data[directory:end] + moved
    tricks["trailing bytes"] = data + b"\x00" * 16
    tricks["zero prefix"] = bytes(30) + data
    # a 30-byte prefix that is itself a local header, every offset moved to match
    shifted = bytearray(data)
    position = directory
    for info in infos:
        struct.pack_into("<I", shifted, position + 42, info.header_offset + 30)
        position += 46 + len(info.filename)
    struct.pack_into("<I", shifted, end + 16, directory + 30)
    tricks["local header prefix"] = b"PK\x03\x04" + bytes(26) + bytes(shifted)
    return tricks


def test_the_known_container_tricks_are_refused_in_words(
    world_files, office_db, office_private, reader, tmp_path
):
    data = world_files.package.read_bytes()
    key_file = _key_file(world_files, tmp_path)
    expected = {
        "mode 0777": "thuộc tính ngoài (quyền của tệp)",
        "hidden local entry": "tệp ẩn",
        "trailing bytes": "byte thừa sau phần kết thúc ZIP",
        "zero prefix": "dữ liệu lạ ở đầu tệp",
        "local header prefix": "tệp ẩn",
    }
    for name, changed in _tricks(data).items():
        with zipfile.ZipFile(io.BytesIO(changed)) as archive:  # another ZIP reader takes it
            assert archive.testzip() is None, name
        message = _refused_everywhere(
            changed, world_files, office_db, office_private, reader, key_file
        )
        assert expected[name] in message, (name, message)
