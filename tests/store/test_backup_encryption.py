"""Encrypted backups: a round trip, and a wrong passphrase, a flipped byte, a cut file, chunks
swapped or a changed header refused in Vietnamese; plain backups still restorable."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from gnapp.store import backup_encryption, backups
from gnapp.store.backup_compression import is_compressed
from gnapp.store.backup_encryption import (
    MAGIC,
    MAGIC_V1,
    TAG_BYTES,
    BackupPassphraseError,
    check_backup_passphrase,
    decrypt_file,
    encrypt_file,
    is_encrypted,
)
from gnapp.store.database import open_database
from gnapp.store.errors import DatabaseError
from gnapp.store.register import save_commune

PASSPHRASE = "mật khẩu sao lưu 2026"
CHANGED = "đã bị sửa, hỏng hoặc bị cắt cụt"


@pytest.fixture
def db(small_demo_file, tmp_path) -> Path:
    path = tmp_path / "data" / "xa.gnapp"
    path.parent.mkdir()
    shutil.copy(small_demo_file, path)
    return path


# The small demo compresses to a few hundred KB: smaller chunks give the tests several.
CHUNK_BYTES = 64 * 1024


@pytest.fixture
def sealed(db, tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(backup_encryption, "CHUNK_BYTES", CHUNK_BYTES)
    usb = tmp_path / "usb"
    usb.mkdir()
    return backups.make_backup(db, usb, "manual", passphrase=PASSPHRASE)


def _households_now(path: Path) -> int:
    """The households in the commune now (not those that moved away, merged or ended)."""
    with closing(sqlite3.connect(path)) as conn:
        sql = "SELECT count(*) FROM households WHERE present_until IS NULL"
        return conn.execute(sql).fetchone()[0]


def _refused(sealed: Path, data: bytes, db: Path, message: str) -> None:
    changed = sealed.with_name("doi.gnapp-backup")
    changed.write_bytes(data)
    with pytest.raises(DatabaseError, match=message):
        backups.decrypt_backup(changed, PASSPHRASE, db)
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".partial")]


def test_round_trip_shows_what_it_holds_then_restores(db, sealed, tmp_path):
    households = _households_now(db)
    assert is_encrypted(sealed) and sealed.read_bytes().startswith(MAGIC)
    assert b"21555" not in sealed.read_bytes() and b"SQLite format 3" not in sealed.read_bytes()
    with pytest.raises(DatabaseError, match="được mã hóa: cần mật khẩu"):
        backups.describe_backup(sealed)
    with open_database(db) as cdb:
        save_commune(cdb, code="21555", name="Xã Nhầm", kind="xa", province="Quảng Ngãi")
    plain = backups.decrypt_backup(sealed, PASSPHRASE, db)
    assert is_compressed(plain)  # compressed before it was sealed
    try:
        shown = backups.describe_backup(plain, named_as=sealed)
        assert (shown.commune_name, shown.households, shown.kind) == (
            "Xã Sơn Minh",
            households,
            "manual",
        )
        result = backups.restore_backup(plain, db, tmp_path / "giu", named_as=sealed)
    finally:
        backups.remove_decrypted(plain)
    assert result.restored.commune_name == "Xã Sơn Minh" and not plain.exists()
    with open_database(db) as cdb:
        assert cdb.db.execute("SELECT name FROM commune").fetchone()[0] == "Xã Sơn Minh"


def test_a_wrong_passphrase_is_refused_and_nothing_is_left(db, sealed):
    with pytest.raises(BackupPassphraseError, match="Mật khẩu không đúng"):
        backups.decrypt_backup(sealed, "mật khẩu khác 2026", db)
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".partial")]


def test_a_flipped_byte_anywhere_is_refused(db, sealed):
    data = sealed.read_bytes()
    header_end = len(MAGIC) + 4 + int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
    for offset in (header_end, header_end + 5000, len(data) // 2, len(data) - 1):
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        _refused(sealed, bytes(flipped), db, CHANGED)
    # the header: a changed parameter or nonce is refused before or by the first chunk
    for offset in (len(MAGIC) + 4 + 10, header_end - 3):
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        _refused(sealed, bytes(flipped), db, "không phải bản sao lưu mã hóa|đã bị sửa|không đúng")


def test_a_cut_or_lengthened_file_is_refused(db, sealed):
    data = sealed.read_bytes()
    header_end = len(MAGIC) + 4 + int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
    whole_chunks = header_end + 2 * (CHUNK_BYTES + TAG_BYTES)  # a cut between two chunks
    assert whole_chunks < len(data)
    for cut in (len(data) - 1, len(data) - 100_000, whole_chunks):
        _refused(sealed, data[:cut], db, CHANGED)
    _refused(sealed, data + b"\0", db, CHANGED)
    _refused(sealed, data[:20], db, "không phải bản sao lưu mã hóa")


def test_chunks_swapped_are_refused(db, sealed):
    data = sealed.read_bytes()
    size = CHUNK_BYTES + TAG_BYTES
    start = len(MAGIC) + 4 + int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
    first, second = data[start : start + size], data[start + size : start + 2 * size]
    assert len(second) == size
    swapped = data[:start] + second + first + data[start + 2 * size :]
    _refused(sealed, swapped, db, CHANGED)


def test_a_file_whose_size_is_whole_chunks_round_trips(tmp_path, monkeypatch):
    monkeypatch.setattr(backup_encryption, "CHUNK_BYTES", 1024)
    source, sealed, back = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    source.write_bytes(bytes(range(256)) * 8)  # two whole chunks
    encrypt_file(source, sealed, PASSPHRASE)
    decrypt_file(sealed, back, PASSPHRASE)
    assert back.read_bytes() == source.read_bytes()


def test_new_passphrases_must_be_long_and_typed_twice_alike():
    with pytest.raises(DatabaseError, match="ít nhất 10 ký tự"):
        check_backup_passphrase("ngắn quá")
    with pytest.raises(DatabaseError, match="không giống nhau"):
        check_backup_passphrase(PASSPHRASE, PASSPHRASE + "x")
    check_backup_passphrase(PASSPHRASE, PASSPHRASE)


def test_plain_backups_are_still_made_and_restored(db, tmp_path):
    households = _households_now(db)
    made = backups.make_backup(db, tmp_path / "sao-luu", "manual")
    assert not is_encrypted(made)
    assert backups.restore_backup(made, db, tmp_path / "giu").restored.households == households


def test_an_encrypted_backup_of_version_1_is_still_restored(db, tmp_path, monkeypatch):
    """Version 1 sealed the plain database, before backups were compressed."""
    households = _households_now(db)
    old = tmp_path / "usb" / "21555-2026-11-01T070000-manual.gnapp-backup"
    old.parent.mkdir()
    monkeypatch.setattr(backup_encryption, "MAGIC", MAGIC_V1)
    encrypt_file(db, old, PASSPHRASE)
    monkeypatch.undo()
    assert old.read_bytes().startswith(MAGIC_V1) and is_encrypted(old)
    with open_database(db) as cdb:
        save_commune(cdb, code="21555", name="Xã Nhầm", kind="xa", province="Quảng Ngãi")
    plain = backups.decrypt_backup(old, PASSPHRASE, db)
    try:
        assert not is_compressed(plain)
        result = backups.restore_backup(plain, db, tmp_path / "giu", named_as=old)
    finally:
        backups.remove_decrypted(plain)
    assert (result.restored.commune_name, result.restored.households) == (
        "Xã Sơn Minh",
        households,
    )
    assert _households_now(db) == households
