"""The manifest of a report package: what the commune signs (docs/package-format.md).

The manifest names the commune, the report, the package's place in the commune's chain
(sequence number and the hash of the previous package), the signer and every enclosed file
with its size and SHA-256. It is stored as canonical JSON; the signature is Ed25519 over
``SIGNING_DOMAIN + manifest bytes`` and the package's hash is SHA-256 of the manifest bytes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from gnapp.i18n import Sentence, tr_noop
from gnapp.packages.canonical import (
    FormatError,
    b64decode,
    b64encode,
    canonical_json,
    exact_keys,
    field,
    parse_json,
)

PACKAGE_FORMAT = "gnapp-package"
FORMAT_VERSION = 2  # 2 adds "change_log"; a version 1 manifest (without it) is still read
SUFFIX = ".gnpkg"
SIGNING_DOMAIN = b"GNApp package manifest v1\n"
ENCRYPTION_SCHEME = "x25519-hkdf-sha256-chacha20poly1305"

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
REPORT_PDF = "report.pdf"
REPORT_XLSX = "report.xlsx"
FIGURES = "figures.json"
HOUSEHOLDS = "households.json"
# The enclosed files in the order the manifest lists them and the archive stores them.
CONTENT_FILES = (REPORT_PDF, REPORT_XLSX, FIGURES, HOUSEHOLDS)
REQUIRED_FILES = (REPORT_PDF, REPORT_XLSX, FIGURES)
MEMBERS = (MANIFEST, SIGNATURE, *CONTENT_FILES)
SIGNATURE_BYTES = 64
TAG_BYTES = 16  # what ChaCha20-Poly1305 adds to an encrypted file

# Hard limits on what a package may hold (bytes, before compression).
MAX_FILE_BYTES = {
    MANIFEST: 1024 * 1024,
    SIGNATURE: SIGNATURE_BYTES,
    REPORT_PDF: 64 * 1024 * 1024,
    REPORT_XLSX: 32 * 1024 * 1024,
    FIGURES: 16 * 1024 * 1024,
    HOUSEHOLDS: 128 * 1024 * 1024,
}

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FINGERPRINT = re.compile(r"^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$")
_WHAT = Sentence(tr_noop("Bản kê (manifest.json)"))
_COMMUNE = Sentence(tr_noop("Bản kê (manifest.json), xã"))
_REPORT = Sentence(tr_noop("Bản kê (manifest.json), báo cáo"))
_SIGNER = Sentence(tr_noop("Bản kê (manifest.json), người ký"))


@dataclass(frozen=True)
class FileEntry:
    """An enclosed file: its size and SHA-256 (hex); when the package is encrypted, also the
    size and SHA-256 of the bytes stored in the archive."""

    name: str
    size: int
    sha256: str
    stored_size: int | None = None
    stored_sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = {"name": self.name, "size": self.size, "sha256": self.sha256}
        if self.stored_sha256 is not None:
            values |= {"stored_size": self.stored_size, "stored_sha256": self.stored_sha256}
        return values


@dataclass(frozen=True)
class Encryption:
    """The file key wrapped for the receiving office (X25519 + HKDF-SHA256 + ChaCha20-Poly1305)."""

    recipient: str  # the office key's fingerprint
    ephemeral_key: bytes  # 32 bytes
    wrapped_key: bytes  # 48 bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": ENCRYPTION_SCHEME,
            "recipient": self.recipient,
            "ephemeral_key": b64encode(self.ephemeral_key),
            "wrapped_key": b64encode(self.wrapped_key),
        }


@dataclass(frozen=True)
class LogChain:
    """The commune's change log as the package was built (docs/change-log.md): how many rows it
    held and its last row's hash; and at the length the commune's previous package carried,
    the hash of the row at that place now (None when there is no previous length, or the log
    is now shorter than it)."""

    length: int
    head: str
    previous_length: int | None = None
    previous_head: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "length": self.length,
            "head": self.head,
            "previous_length": self.previous_length,
            "previous_head": self.previous_head,
        }


@dataclass(frozen=True)
class Manifest:
    app_version: str
    created_at: str  # UTC, "2026-01-05T08:30:00Z"
    commune_code: str
    commune_name: str
    province: str
    report_kind: str
    report_name: str
    period: str
    report_version: int
    document_number: str | None
    document_date: str | None
    sequence: int
    previous_package: str | None
    signer_name: str
    signer_role: str
    signing_key: str  # the fingerprint of the commune's signing key
    households: bool
    files: tuple[FileEntry, ...]
    encryption: Encryption | None = None
    change_log: LogChain | None = None  # None only in a version 1 manifest

    def to_dict(self) -> dict[str, Any]:
        version = {} if self.change_log is None else {"change_log": self.change_log.to_dict()}
        return version | {
            "format": PACKAGE_FORMAT,
            "format_version": 1 if self.change_log is None else FORMAT_VERSION,
            "app_version": self.app_version,
            "created_at": self.created_at,
            "commune": {
                "code": self.commune_code,
                "name": self.commune_name,
                "province": self.province,
            },
            "report": {
                "kind": self.report_kind,
                "name": self.report_name,
                "period": self.period,
                "version": self.report_version,
                "number": self.document_number,
                "date": self.document_date,
            },
            "sequence": self.sequence,
            "previous_package": self.previous_package,
            "signer": {"name": self.signer_name, "role": self.signer_role},
            "signing_key": self.signing_key,
            "households": self.households,
            "files": [entry.to_dict() for entry in self.files],
            "encryption": self.encryption.to_dict() if self.encryption else None,
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @property
    def package_hash(self) -> str:
        """The package's identity in the chain: SHA-256 of the manifest bytes (hex)."""
        return package_hash(self.to_bytes())

    def file(self, name: str) -> FileEntry | None:
        return next((entry for entry in self.files if entry.name == name), None)


def package_hash(manifest_bytes: bytes) -> str:
    return hashlib.sha256(manifest_bytes).hexdigest()


def signing_input(manifest_bytes: bytes) -> bytes:
    return SIGNING_DOMAIN + manifest_bytes


def _text(obj: dict[str, Any], key: str, what: Sentence | str, *, empty: bool = False) -> str:
    value = field(obj, key, str, what)
    if not empty and not value.strip():
        raise FormatError(tr_noop("{what}: trường “{key}” trống."), what=what, key=key)
    if len(value) > 500:
        raise FormatError(tr_noop("{what}: trường “{key}” quá dài."), what=what, key=key)
    return value


def _optional_text(obj: dict[str, Any], key: str, what: Sentence | str) -> str | None:
    return None if obj.get(key, "") is None else _text(obj, key, what)


def _hex(obj: dict[str, Any], key: str, what: Sentence | str) -> str:
    value = field(obj, key, str, what)
    if not _HEX64.match(value):
        raise FormatError(
            tr_noop("{what}: “{key}” phải là 64 chữ số hệ 16 viết thường."), what=what, key=key
        )
    return value


def _count(obj: dict[str, Any], key: str, what: Sentence | str, limit: int) -> int:
    value = field(obj, key, int, what)
    if not 0 <= value <= limit:
        raise FormatError(tr_noop("{what}: “{key}” ngoài giới hạn."), what=what, key=key)
    return value


def _files(raw: Any, households: bool, encrypted: bool) -> tuple[FileEntry, ...]:
    if not isinstance(raw, list):
        raise FormatError(tr_noop("{what}: “files” phải là một danh sách."), what=_WHAT)
    expected = [*REQUIRED_FILES, HOUSEHOLDS] if households else list(REQUIRED_FILES)
    names = [item.get("name") if isinstance(item, dict) else None for item in raw]
    if names != expected:
        raise FormatError(
            tr_noop("{what}: danh sách tệp phải là {expected} theo đúng thứ tự (gặp: {found})."),
            what=_WHAT,
            expected=", ".join(expected),
            found=", ".join(str(n)[:40] for n in names),
        )
    entries = []
    for item, name in zip(raw, expected, strict=True):
        what = Sentence(tr_noop("Bản kê (manifest.json), tệp {name}"), name=name)
        stored = {"stored_size", "stored_sha256"} if encrypted else set()
        exact_keys(item, {"name", "size", "sha256"} | stored, what)
        limit = MAX_FILE_BYTES[name]
        entries.append(
            FileEntry(
                name=name,
                size=_count(item, "size", what, limit),
                sha256=_hex(item, "sha256", what),
                stored_size=_count(item, "stored_size", what, limit + TAG_BYTES)
                if encrypted
                else None,
                stored_sha256=_hex(item, "stored_sha256", what) if encrypted else None,
            )
        )
    return tuple(entries)


def _encryption(raw: Any) -> Encryption | None:
    if raw is None:
        return None
    what = Sentence(tr_noop("Bản kê (manifest.json), mã hóa"))
    exact_keys(raw, {"scheme", "recipient", "ephemeral_key", "wrapped_key"}, what)
    if raw["scheme"] != ENCRYPTION_SCHEME:
        raise FormatError(
            tr_noop("{what}: cách mã hóa “{scheme}” không hỗ trợ."),
            what=what,
            scheme=str(raw["scheme"])[:40],
        )
    recipient = field(raw, "recipient", str, what)
    if not _FINGERPRINT.match(recipient):
        raise FormatError(tr_noop("{what}: dấu vân tay khóa nhận không hợp lệ."), what=what)
    return Encryption(
        recipient,
        b64decode(raw["ephemeral_key"], Sentence(tr_noop("{what}: khóa tạm"), what=what), 32),
        b64decode(raw["wrapped_key"], Sentence(tr_noop("{what}: khóa tệp"), what=what), 48),
    )


def _log_chain(raw: Any) -> LogChain:
    what = Sentence(tr_noop("Bản kê (manifest.json), nhật ký thay đổi"))
    exact_keys(raw, {"length", "head", "previous_length", "previous_head"}, what)
    length = _count(raw, "length", what, 2**62)
    previous_length = (
        None if raw["previous_length"] is None else _count(raw, "previous_length", what, 2**62)
    )
    previous_head = None if raw["previous_head"] is None else _hex(raw, "previous_head", what)
    if previous_head is not None and previous_length is None:
        raise FormatError(
            tr_noop("{what}: có mã băm nhưng không có độ dài của lần gửi trước."), what=what
        )
    return LogChain(length, _hex(raw, "head", what), previous_length, previous_head)


def read_manifest(data: bytes) -> Manifest:
    """The manifest in ``data``, parsed strictly: canonical bytes, a known format version, every
    field present with its type and nothing else; FormatError otherwise."""
    raw = parse_json(data, _WHAT, canonical=True)
    if raw.get("format") != PACKAGE_FORMAT:
        raise FormatError(tr_noop("{what}: không phải gói báo cáo GNApp."), what=_WHAT)
    version = raw.get("format_version")
    if version not in (1, FORMAT_VERSION) or isinstance(version, bool):
        raise FormatError(
            tr_noop(
                "{what}: phiên bản định dạng {version} không hỗ trợ (phiên bản này đọc được "
                "phiên bản {supported}); hãy cài GNApp mới hơn."
            ),
            what=_WHAT,
            version=version,
            supported=FORMAT_VERSION,
        )
    exact_keys(
        raw,
        {"format", "format_version", "app_version", "created_at", "commune", "report"}
        | {"sequence", "previous_package", "signer", "signing_key", "households", "files"}
        | {"encryption"}
        | ({"change_log"} if version == FORMAT_VERSION else set()),
        _WHAT,
    )
    commune, report, signer = raw["commune"], raw["report"], raw["signer"]
    exact_keys(commune, {"code", "name", "province"}, _COMMUNE)
    exact_keys(report, {"kind", "name", "period", "version", "number", "date"}, _REPORT)
    exact_keys(signer, {"name", "role"}, _SIGNER)
    created_at = _text(raw, "created_at", _WHAT)
    if not _TIME.match(created_at):
        raise FormatError(tr_noop("{what}: thời điểm lập gói không đúng dạng."), what=_WHAT)
    sequence = field(raw, "sequence", int, _WHAT)
    if sequence < 1:
        raise FormatError(tr_noop("{what}: số thứ tự gói phải từ 1."), what=_WHAT)
    previous = raw["previous_package"]
    if (sequence == 1) != (previous is None):
        raise FormatError(
            tr_noop("{what}: gói số 1 không có gói trước, các gói sau phải ghi mã băm gói trước."),
            what=_WHAT,
        )
    if previous is not None:
        previous = _hex(raw, "previous_package", _WHAT)
    signing_key = _text(raw, "signing_key", _WHAT)
    if not _FINGERPRINT.match(signing_key):
        raise FormatError(tr_noop("{what}: dấu vân tay khóa ký không hợp lệ."), what=_WHAT)
    document_date = _optional_text(report, "date", _REPORT)
    if document_date is not None and not _DATE.match(document_date):
        raise FormatError(tr_noop("{what}: ngày văn bản không đúng dạng."), what=_WHAT)
    households = field(raw, "households", bool, _WHAT)
    encryption = _encryption(raw["encryption"])
    manifest = Manifest(
        app_version=_text(raw, "app_version", _WHAT),
        created_at=created_at,
        commune_code=_text(commune, "code", _COMMUNE),
        commune_name=_text(commune, "name", _COMMUNE),
        province=_text(commune, "province", _COMMUNE),
        report_kind=_text(report, "kind", _REPORT),
        report_name=_text(report, "name", _REPORT),
        period=_text(report, "period", _REPORT),
        report_version=_count(report, "version", _REPORT, 10**6),
        document_number=_optional_text(report, "number", _REPORT),
        document_date=document_date,
        sequence=sequence,
        previous_package=previous,
        signer_name=_text(signer, "name", _SIGNER),
        signer_role=_text(signer, "role", _SIGNER),
        signing_key=signing_key,
        households=households,
        files=_files(raw["files"], households, encryption is not None),
        encryption=encryption,
        change_log=_log_chain(raw["change_log"]) if version == FORMAT_VERSION else None,
    )
    if manifest.to_bytes() != data:  # every field was read back: nothing was left aside
        raise FormatError(tr_noop("{what}: nội dung không hợp lệ."), what=_WHAT)
    return manifest
