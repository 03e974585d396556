"""Encrypted backups: a backup file sealed under a passphrase, for backups that leave the data
folder (a USB drive, another folder) and carry every name and citizen ID (docs/backups.md).

The file: ``MAGIC`` (version 2: what is sealed is a compressed backup,
gnapp.store.backup_compression; version 1, still read: a plain database), the header's length
(4 bytes, big-endian) and the header (canonical JSON: the cipher, the chunk size, the
key-derivation parameters and salt, a nonce prefix and a key
check), then that content in chunks of ``CHUNK_BYTES``, each sealed with AES-256-GCM under the
key Argon2id derives from the passphrase. A chunk's nonce is the prefix (7 bytes), its number
(4 bytes) and 1 for the last chunk, 0 otherwise; every chunk authenticates the whole header. So
a changed byte, chunks swapped, dropped or added, and a file cut short are all refused, and the
file is read and written a chunk at a time (a 130 MB database is never held in memory whole).
The key check (the tag of an empty message under its own nonce) tells a wrong passphrase from
a changed file.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gnapp.core.input_files import loads_json, read_head
from gnapp.core.passphrase import (
    DEFAULT_KDF,
    KDF_NAMES,
    KdfParams,
    KdfUnavailable,
    derive_key,
    kdf_problem,
    passphrase_too_short,
)
from gnapp.i18n import tr
from gnapp.store.errors import DatabaseError
from gnapp.store.written_files import new_file

MAGIC = b"GNApp encrypted backup v2\n"
MAGIC_V1 = b"GNApp encrypted backup v1\n"  # a plain database sealed: made before compression
MAGICS = (MAGIC, MAGIC_V1)
CIPHER = "aes-256-gcm"
CHUNK_BYTES = 1024 * 1024
TAG_BYTES = 16
_MAX_HEADER = 4096
_KEY_CHECK_NONCE = b"\xff" * 5  # after the prefix: never a chunk's (whose last byte is 0 or 1)

Progress = Callable[[int, int], None]  # bytes done, bytes in all


class BackupPassphraseError(DatabaseError):
    """A wrong passphrase for an encrypted backup (the file itself may be sound)."""


def is_encrypted(path: Path) -> bool:
    """Whether ``path`` is an encrypted backup, of either version (by its first bytes)."""
    try:
        return read_head(path, len(MAGIC)) in MAGICS
    except OSError:
        return False


def check_backup_passphrase(passphrase: str, repeated: str | None = None) -> None:
    """Refuse a new backup passphrase that is too short, or not typed the same twice."""
    problem = passphrase_too_short(passphrase)
    if problem is not None:
        raise DatabaseError(
            tr("{problem} Mật khẩu này bảo vệ bản sao lưu mang ra ngoài.", problem=problem)
        )
    if repeated is not None and repeated != passphrase:
        raise DatabaseError(tr("Hai lần nhập mật khẩu sao lưu không giống nhau."))


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")


def _header_bytes(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def encrypt_file(
    source: Path,
    target: Path,
    passphrase: str,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    progress: Progress | None = None,
) -> None:
    """Write ``source`` (a compressed backup) to the new file ``target``, sealed under
    ``passphrase``, one chunk at a time, and sync it to disk."""
    check_backup_passphrase(passphrase)
    salt, prefix = os.urandom(16), os.urandom(7)
    aead = AESGCM(derive_key(passphrase, kdf, salt))
    header = {
        "cipher": CIPHER,
        "chunk_bytes": CHUNK_BYTES,
        "kdf": kdf.to_dict(salt),
        "nonce_prefix": base64.b64encode(prefix).decode("ascii"),
        "key_check": base64.b64encode(aead.encrypt(prefix + _KEY_CHECK_NONCE, b"", MAGIC)).decode(
            "ascii"
        ),
    }
    encoded = _header_bytes(header)
    preamble = MAGIC + struct.pack(">I", len(encoded)) + encoded
    total, done = source.stat().st_size, 0
    with open(source, "rb") as plain, new_file(target) as sealed:
        sealed.write(preamble)
        chunk, number = plain.read(CHUNK_BYTES), 0
        while True:
            following = plain.read(CHUNK_BYTES) if len(chunk) == CHUNK_BYTES else b""
            # the last chunk is shorter than a whole one (empty when the size is a multiple)
            last = len(chunk) < CHUNK_BYTES
            sealed.write(aead.encrypt(_nonce(prefix, number, last), chunk, preamble))
            done += len(chunk)
            if progress is not None:
                progress(done, total)
            if last:
                break
            chunk, number = following, number + 1


def _read_header(stream: BinaryIO, name: str) -> tuple[dict[str, Any], bytes]:
    """The header and the bytes every chunk authenticates (they start with the file's
    magic); DatabaseError for a file that is not an encrypted backup, or one whose header was
    damaged."""
    damaged = DatabaseError(
        tr("Tệp {name} không phải bản sao lưu mã hóa của GNApp, hoặc đã hỏng.", name=name)
    )
    magic = stream.read(len(MAGIC))
    if magic not in MAGICS:
        raise damaged
    size_bytes = stream.read(4)
    if len(size_bytes) != 4 or not 0 < (size := struct.unpack(">I", size_bytes)[0]) <= _MAX_HEADER:
        raise damaged
    encoded = stream.read(size)
    try:
        header = loads_json(encoded.decode("utf-8"))  # no RecursionError, no NaN
        kdf_raw = dict(header["kdf"])
        name_of_kdf = kdf_raw.pop("name")
        salt = base64.b64decode(kdf_raw.pop("salt"), validate=True)
        values = {key: kdf_raw[key] for key in KDF_NAMES[name_of_kdf]}
        prefix = base64.b64decode(header["nonce_prefix"], validate=True)
        key_check = base64.b64decode(header["key_check"], validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise damaged from None
    if (
        _header_bytes(header) != encoded
        or set(header) != {"cipher", "chunk_bytes", "kdf", "nonce_prefix", "key_check"}
        or (len(prefix), len(key_check)) != (7, TAG_BYTES)
        or header["cipher"] != CIPHER
        or header["chunk_bytes"] != CHUNK_BYTES
        or set(kdf_raw) != set(values)
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in values.values())
        or kdf_problem(name_of_kdf, values) is not None
        or len(salt) < 16
    ):
        raise damaged
    return header, magic + size_bytes + encoded


def _unlock(header: dict[str, Any], passphrase: str, name: str, magic: bytes) -> AESGCM:
    """The cipher of the file's chunks; BackupPassphraseError when ``passphrase`` is wrong."""
    kdf_raw = dict(header["kdf"])
    salt = base64.b64decode(kdf_raw.pop("salt"))
    try:
        key = derive_key(passphrase, KdfParams(**kdf_raw), salt)
    except KdfUnavailable as error:
        raise DatabaseError(str(error)) from None
    aead, prefix = AESGCM(key), base64.b64decode(header["nonce_prefix"])
    try:
        aead.decrypt(prefix + _KEY_CHECK_NONCE, base64.b64decode(header["key_check"]), magic)
    except InvalidTag:
        raise BackupPassphraseError(
            tr("Mật khẩu không đúng: không mở được bản sao lưu {name}.", name=name)
        ) from None
    return aead


def decrypt_file(
    source: Path, target: Path, passphrase: str, *, progress: Progress | None = None
) -> None:
    """Write what ``source`` seals (a compressed backup, or a plain database for version 1) to
    the new file ``target``. A wrong passphrase
    is a BackupPassphraseError; a changed or cut file a DatabaseError, and ``target`` is then
    removed."""
    name = source.name
    with open(source, "rb") as sealed:
        header, preamble = _read_header(sealed, name)
        aead = _unlock(header, passphrase, name, preamble[: len(MAGIC)])
        prefix = base64.b64decode(header["nonce_prefix"])
        total, done, number = source.stat().st_size, len(preamble), 0
        with new_file(target) as plain:
            while True:
                block = sealed.read(CHUNK_BYTES + TAG_BYTES)
                last = len(block) < CHUNK_BYTES + TAG_BYTES
                try:
                    plain.write(aead.decrypt(_nonce(prefix, number, last), block, preamble))
                except InvalidTag:
                    raise DatabaseError(
                        tr(
                            "Bản sao lưu {name} đã bị sửa, hỏng hoặc bị cắt cụt (phần thứ "
                            "{part} không khớp mã xác thực): không dùng được tệp này.",
                            name=name,
                            part=number + 1,
                        )
                    ) from None
                done += len(block)
                if progress is not None:
                    progress(done, total)
                if last:
                    break
                number += 1
