"""Compressed backups: a backup's database in a small self-describing container
(docs/backups.md).

The file: ``MAGIC`` (it names the format's version), the header's length (4 bytes, big-endian),
the header (canonical JSON: what the backup list shows — commune, date made, households, schema
version — and the database's size and SHA-256), the SHA-256 of the header, then the database as
one zlib stream. The list reads the header alone; a restore or a check decompresses the stream a
chunk at a time, refuses more bytes than the header says, a stream cut short, bytes after its
end and a database whose hash differs.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from gnapp.core.input_files import loads_json, read_head
from gnapp.i18n import tr
from gnapp.store.errors import CorruptDatabaseError, DatabaseError
from gnapp.store.written_files import new_file

MAGIC = b"GNApp compressed backup v1\n"
LEVEL = 6  # zlib's default: a 110 MB commune to ~27 MB in ~2.4 s
CHUNK_BYTES = 1024 * 1024
_MAX_HEADER = 16 * 1024
_HASH_BYTES = 32
# The header's keys: what describe_backup shows, and what the stream must decompress to.
DESCRIPTION_KEYS = frozenset(
    {
        "made_at",
        "schema_version",
        "commune_code",
        "commune_name",
        "households",
        "members",
        "last_review",
        "status_years",
    }
)
_KEYS = DESCRIPTION_KEYS | {"compression", "database_bytes", "database_sha256"}

Progress = Callable[[int, int], None]  # bytes done, bytes in all


def is_compressed(path: Path) -> bool:
    """Whether ``path`` is a compressed backup (by its first bytes)."""
    try:
        return read_head(path, len(MAGIC)) == MAGIC
    except OSError:
        return False


def _encoded(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _sha256(path: Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def compress_file(
    source: Path, target: Path, description: dict[str, Any], *, progress: Progress | None = None
) -> None:
    """Write the database ``source`` to the new file ``target`` as a compressed backup whose
    header holds ``description`` (the keys of ``DESCRIPTION_KEYS``), and sync it to disk."""
    total = source.stat().st_size
    header = {
        **description,
        "compression": "zlib",
        "database_bytes": total,
        "database_sha256": _sha256(source),
    }
    if set(header) != _KEYS:
        raise ValueError(f"backup header keys {sorted(set(header) ^ _KEYS)}")
    encoded = _encoded(header)
    compressor, done = zlib.compressobj(LEVEL), 0
    with open(source, "rb") as plain, new_file(target) as packed:
        packed.write(MAGIC + struct.pack(">I", len(encoded)) + encoded)
        packed.write(hashlib.sha256(encoded).digest())
        while chunk := plain.read(CHUNK_BYTES):
            packed.write(compressor.compress(chunk))
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        packed.write(compressor.flush())


class DamagedBackup(CorruptDatabaseError):
    """A compressed backup changed, cut short or lengthened; ``what`` says how."""

    def __init__(self, name: str, what: str) -> None:
        super().__init__(
            tr(
                "Bản sao lưu nén {name} bị hỏng ({what}): không dùng được tệp này.",
                name=name,
                what=what,
            )
        )
        self.what = what


def _read_header(stream: BinaryIO, name: str) -> dict[str, Any]:
    if stream.read(len(MAGIC)) != MAGIC:
        raise DatabaseError(tr("Tệp {name} không phải bản sao lưu nén của GNApp.", name=name))
    size_bytes = stream.read(4)
    if len(size_bytes) != 4 or not 0 < (size := struct.unpack(">I", size_bytes)[0]) <= _MAX_HEADER:
        raise DamagedBackup(name, tr("phần mô tả có độ dài sai"))
    encoded, digest = stream.read(size), stream.read(_HASH_BYTES)
    if len(encoded) != size or hashlib.sha256(encoded).digest() != digest:
        raise DamagedBackup(name, tr("phần mô tả không khớp mã kiểm tra"))
    try:
        header = loads_json(encoded.decode("utf-8"))  # no RecursionError, no NaN
    except ValueError:
        raise DamagedBackup(name, tr("phần mô tả không đọc được")) from None
    if (
        not isinstance(header, dict)
        or set(header) != _KEYS
        or header["compression"] != "zlib"
        or not isinstance(header["database_bytes"], int)
        or header["database_bytes"] <= 0
    ):
        raise DamagedBackup(name, tr("phần mô tả không đúng dạng"))
    return header


def read_header(path: Path) -> dict[str, Any]:
    """The header of the compressed backup ``path``, read without decompressing; a
    CorruptDatabaseError naming the file when it was damaged."""
    try:
        with open(path, "rb") as stream:
            return _read_header(stream, path.name)
    except OSError as error:
        raise DatabaseError(
            tr(
                "Không đọc được tệp {name}: {problem}.",
                name=path.name,
                problem=error.strerror or error,
            )
        ) from None


def decompress_file(source: Path, target: Path, *, progress: Progress | None = None) -> None:
    """Write the database held in the compressed backup ``source`` to the new file ``target``,
    checking its size and hash; a damaged, cut or lengthened file is a CorruptDatabaseError
    naming it, and ``target`` is then removed."""
    name = source.name
    with open(source, "rb") as packed:
        header = _read_header(packed, name)
        expected = header["database_bytes"]
        free = shutil.disk_usage(target.parent).free
        if expected > free:
            raise DatabaseError(
                tr(
                    "Không đủ chỗ trống để giải nén {name}: cần {needed} MB, còn {free} MB.",
                    name=name,
                    needed=expected // 2**20 + 1,
                    free=free // 2**20,
                )
            )
        decompressor, digest, written = zlib.decompressobj(), hashlib.sha256(), 0
        with new_file(target) as plain:
            while not decompressor.eof:
                chunk = decompressor.unconsumed_tail or packed.read(CHUNK_BYTES)
                if not chunk:
                    raise DamagedBackup(name, tr("tệp bị cắt cụt"))
                try:  # at most a chunk out per call: a forged stream cannot fill memory
                    data = decompressor.decompress(chunk, CHUNK_BYTES)
                except zlib.error:
                    raise DamagedBackup(name, tr("dữ liệu nén bị sai")) from None
                written += len(data)
                if written > expected:  # nor the disk
                    raise DamagedBackup(name, tr("dữ liệu dài hơn phần mô tả ghi"))
                digest.update(data)
                plain.write(data)
                if progress is not None:
                    progress(written, expected)
            if decompressor.unused_data or packed.read(1):
                raise DamagedBackup(name, tr("có dữ liệu thừa sau phần nén"))
            if written != expected:
                raise DamagedBackup(name, tr("dữ liệu ngắn hơn phần mô tả ghi"))
            if digest.hexdigest() != header["database_sha256"]:
                raise DamagedBackup(name, tr("dữ liệu không khớp mã SHA-256 ghi trong phần mô tả"))
