"""Compressed backups: described from the header alone; a changed header, a changed stream, a
cut or lengthened file and a wrong hash refused by the check and the restore, nothing replaced;
plain backups made before still listed and restored."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
from datetime import datetime
from pathlib import Path

import pytest

from gnapp.store import backups
from gnapp.store.backup_compression import MAGIC, decompress_file, is_compressed, read_header
from gnapp.store.backups import (
    backup_name,
    check_integrity,
    describe_backup,
    last_good_backup,
    list_backups,
    make_backup,
    restore_backup,
)
from gnapp.store.errors import CorruptDatabaseError, DatabaseError

NOW = datetime(2026, 11, 22, 8, 15, 30)


@pytest.fixture
def db(small_demo_file, tmp_path) -> Path:
    path = tmp_path / "data" / "xa.gnapp"
    path.parent.mkdir()
    shutil.copy(small_demo_file, path)
    return path


@pytest.fixture
def backup(db, tmp_path) -> Path:
    return make_backup(db, tmp_path / "sao-luu", "daily", now=NOW)


def _stream_start(data: bytes) -> int:
    return len(MAGIC) + 4 + struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])[0] + 32


def _with_header(data: bytes, **changes: object) -> bytes:
    """``data`` with header values changed and the header's own hash made to match."""
    size = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])[0]
    header = json.loads(data[len(MAGIC) + 4 : len(MAGIC) + 4 + size]) | changes
    encoded = json.dumps(header, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    raw = encoded.encode()
    return (
        MAGIC
        + struct.pack(">I", len(raw))
        + raw
        + hashlib.sha256(raw).digest()
        + data[_stream_start(data) :]
    )


def _damaged_versions(data: bytes) -> dict[str, tuple[bytes, str]]:
    """Each way a compressed backup may be damaged, and what the refusal says."""
    start = _stream_start(data)
    header_byte, stream_byte = len(MAGIC) + 10, start + (len(data) - start) // 2
    return {
        "header": (_flip(data, header_byte), "phần mô tả"),
        "stream": (_flip(data, stream_byte), "sao lưu nén"),  # zlib's check or the hash
        "cut": (data[: len(data) - 1000], "cắt cụt"),
        "cut-header": (data[: len(MAGIC) + 20], "phần mô tả"),
        "trailing": (data + b"\0", "dữ liệu thừa"),
        "hash": (_with_header(data, database_sha256="0" * 64), "SHA-256"),
        "shorter-said": (_with_header(data, database_bytes=4096), "dài hơn"),
        "longer-said": (
            _with_header(data, database_bytes=read_header_of(data) + 1),
            "ngắn hơn",
        ),
    }


def read_header_of(data: bytes) -> int:
    size = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])[0]
    return json.loads(data[len(MAGIC) + 4 : len(MAGIC) + 4 + size])["database_bytes"]


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1 :]


def test_the_header_describes_the_backup_without_decompressing(db, backup, tmp_path):
    info = describe_backup(backup)
    plain = describe_backup(db)
    assert (info.commune_code, info.commune_name) == (plain.commune_code, plain.commune_name)
    assert (info.households, info.members) == (plain.households, plain.members)
    assert (info.last_review, info.status_years) == (plain.last_review, plain.status_years)
    assert info.schema_version == plain.schema_version and info.made_at == NOW
    assert info.size == backup.stat().st_size and info.database_size > info.size * 2
    assert "(nén; " in info.size_text and "khi phục hồi" in info.size_text
    # the stream is not read: a damaged one is still listed, and refused by the check
    damaged = backup.with_name(backup_name("21555", NOW, "manual"))
    damaged.write_bytes(_damaged_versions(backup.read_bytes())["stream"][0])
    assert describe_backup(damaged).households == info.households
    assert not check_integrity(damaged).sound
    decompress_file(backup, tmp_path / "ra.gnapp")
    database = (tmp_path / "ra.gnapp").read_bytes()
    assert read_header(backup)["database_sha256"] == hashlib.sha256(database).hexdigest()


def test_a_compressed_backup_is_checked_after_decompressing(backup, tmp_path):
    report = check_integrity(backup, quick=False)
    assert report.passed and report.path == backup and report.log_rows
    assert "Kết quả: ĐẠT" in report.lines()
    assert [p.name for p in backup.parent.iterdir()] == [backup.name]  # its temporary removed


@pytest.mark.parametrize(
    "damage",
    ["header", "stream", "cut", "cut-header", "trailing", "hash", "shorter-said", "longer-said"],
)
def test_a_damaged_compressed_backup_is_refused_and_nothing_is_replaced(
    db, backup, tmp_path, damage
):
    data, said = _damaged_versions(backup.read_bytes())[damage]
    backup.write_bytes(data)
    report = check_integrity(backup, quick=False)
    assert not report.passed and said in report.problems[0]
    assert backup.name in report.restore_problem
    before = db.read_bytes()
    with pytest.raises(CorruptDatabaseError, match=backup.name) as refused:
        restore_backup(backup, db, tmp_path / "giu")
    assert said in str(refused.value)
    assert db.read_bytes() == before
    assert not (tmp_path / "giu").exists()  # no copy kept: nothing was about to be replaced
    partials = [p for folder in (db.parent, backup.parent) for p in folder.glob("*.partial")]
    assert partials == []


def test_decompressing_refuses_a_file_that_is_not_a_compressed_backup(db, tmp_path):
    with pytest.raises(DatabaseError, match="không phải bản sao lưu nén"):
        decompress_file(db, tmp_path / "ra.gnapp")
    assert not (tmp_path / "ra.gnapp").exists()


def test_plain_backups_made_before_are_listed_checked_and_restored(db, backup, tmp_path):
    folder = backup.parent
    plain = folder / backup_name("21555", datetime(2026, 11, 1, 7, 0), "monthly")
    shutil.copy(db, plain)  # what GNApp wrote before backups were compressed
    assert not is_compressed(plain)
    assert [b.path for b in list_backups(folder)] == [backup, plain]
    assert describe_backup(plain).database_size is None
    assert check_integrity(plain).sound
    backup.write_bytes(backup.read_bytes()[:-10])  # the newer one is damaged
    assert last_good_backup(folder).path == plain
    result = restore_backup(plain, db, tmp_path / "giu", now=NOW)
    assert result.restored.households == describe_backup(db).households
    assert check_integrity(db).sound


def test_a_backup_in_a_folder_that_cannot_be_written_is_checked_in_the_data_folder(
    backup, tmp_path, monkeypatch
):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "du-lieu"))
    read_only = backup.parent
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != read_only)
    written = []
    real_decompress = backups.decompress_file
    monkeypatch.setattr(
        backups,
        "decompress_file",
        lambda source, target: written.append(target) or real_decompress(source, target),
    )
    assert check_integrity(backup).sound
    assert [target.parent for target in written] == [tmp_path / "du-lieu"]
    assert list((tmp_path / "du-lieu").iterdir()) == []
