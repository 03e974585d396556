"""Reading a package: every check in order, each failure a message naming the check.

``verify_package(data, key, office_key)`` runs, in this order: the container (archive), the
manifest, the signing key (the commune's registered key: ``key`` is that key, or a function
that finds it for the manifest and raises ``CheckFailed`` when there is none), the signature,
every file's size and SHA-256, the rule that household data is encrypted, the decryption with
the office's key, the data files and the signer's role. The first failure stops the rest, which
are reported as not checked. Nothing is written anywhere; the caller takes the package in only
when ``Verification.ok``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from gnapp.i18n import Refusal, Sentence, tr, tr_noop, written
from gnapp.packages.archive import Archive, read_archive
from gnapp.packages.canonical import FormatError
from gnapp.packages.data import read_household_data, read_report_data
from gnapp.packages.encryption import DecryptionError, decrypt_files
from gnapp.packages.keys import PublicKey
from gnapp.packages.manifest import (
    FIGURES,
    HOUSEHOLDS,
    MANIFEST,
    SIGNATURE,
    SIGNATURE_BYTES,
    Manifest,
    read_manifest,
    signing_input,
)
from gnapp.packages.signer import SignerError, check_manifest_signer

CHECKS = {
    "archive": tr_noop("Định dạng tệp gói"),
    "manifest": tr_noop("Bản kê nội dung (manifest)"),
    "commune": tr_noop("Xã gửi đã được đăng ký"),
    "key": tr_noop("Khóa ký của xã"),
    "signature": tr_noop("Chữ ký số"),
    "files": tr_noop("Kích thước và mã băm SHA-256 của các tệp"),
    "encryption": tr_noop("Mã hóa dữ liệu cá nhân"),
    "decryption": tr_noop("Giải mã bằng khóa của cơ quan nhận"),
    "data": tr_noop("Số liệu và danh sách hộ"),
    "signer": tr_noop("Người ký"),
    "chain": tr_noop("Thứ tự gói (số thứ tự, mã băm gói trước)"),
}
PACKAGE_CHECKS = (
    "archive",
    "manifest",
    "key",
    "signature",
    "files",
    "encryption",
    "decryption",
    "data",
    "signer",
)


class CheckFailed(Refusal):
    """A check that failed: its code (a key of CHECKS) and the reason."""

    def __init__(self, code: str, text: str | Sentence, /, **values: object) -> None:
        super().__init__(text, **values)
        self.code = code

    @property
    def message(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Check:
    """One check: passed (True), failed (False) or not run (None), and what it found:
    ``message`` as shown, ``recorded`` in Vietnamese as the office's receipts keep it."""

    code: str
    passed: bool | None
    message: str = ""
    recorded: str = ""

    @classmethod
    def found(cls, code: str, passed: bool | None, said: object = "") -> Check:
        """The check with what it found (a Sentence, an error or a text) in both forms."""
        return cls(code, passed, str(said), written(said))

    @property
    def name(self) -> str:
        return tr(CHECKS[self.code])

    def line(self) -> str:
        mark = {True: tr("ĐẠT"), False: tr("KHÔNG ĐẠT"), None: tr("CHƯA KIỂM TRA")}[self.passed]
        return f"[{mark}] {self.name}" + (f": {self.message}" if self.message else "")


@dataclass
class Verification:
    """What reading a package found. ``files`` holds the enclosed files in clear (decrypted)
    once every check up to the data has passed."""

    checks: list[Check] = field(default_factory=list)
    manifest: Manifest | None = None
    manifest_bytes: bytes = b""
    signature: bytes = b""
    key: PublicKey | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    data: dict[str, Any] | None = None
    households: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """Every check ran and passed."""
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failure(self) -> Check | None:
        return next((c for c in self.checks if c.passed is False), None)

    @property
    def complete(self) -> bool:
        """Every check ran (none was left out for want of a key)."""
        return all(c.passed is not None for c in self.checks)

    def report(self) -> str:
        return "\n".join(check.line() for check in self.checks)


KeyFinder = Callable[[Manifest], PublicKey]
_NOT_RUN = tr_noop("không kiểm tra vì bước trước không đạt")


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _key_for(key: PublicKey | KeyFinder, manifest: Manifest) -> PublicKey:
    if callable(key):
        return key(manifest)
    if key.owner_code and key.owner_code != manifest.commune_code:
        raise CheckFailed(
            "key",
            tr_noop("Gói của xã mã {code} ({name}), khóa đã cho là của xã mã {key_code}."),
            code=manifest.commune_code,
            name=manifest.commune_name,
            key_code=key.owner_code,
        )
    if key.fingerprint != manifest.signing_key:
        raise CheckFailed(
            "key",
            tr_noop("Gói được ký bằng khóa {signing_key}, không phải khóa đã cho ({given})."),
            signing_key=manifest.signing_key,
            given=key.fingerprint,
        )
    return key


def _check_files(members: Mapping[str, bytes], manifest: Manifest) -> None:
    expected = {MANIFEST, SIGNATURE, *(entry.name for entry in manifest.files)}
    missing, extra = expected - set(members), set(members) - expected
    if missing:
        raise CheckFailed(
            "files", tr_noop("Gói thiếu tệp {names}."), names=", ".join(sorted(missing))
        )
    if extra:
        raise CheckFailed(
            "files",
            tr_noop("Gói có tệp không ghi trong bản kê: {names}."),
            names=", ".join(sorted(extra)),
        )
    encrypted = manifest.encryption is not None
    for entry in manifest.files:
        content = members[entry.name]
        size = entry.stored_size if encrypted else entry.size
        digest = entry.stored_sha256 if encrypted else entry.sha256
        if len(content) != size:
            raise CheckFailed(
                "files",
                tr_noop("Tệp {name} dài {length} byte, bản kê ghi {size} byte."),
                name=entry.name,
                length=len(content),
                size=size,
            )
        if _sha256(content) != digest:
            raise CheckFailed(
                "files",
                tr_noop("Mã băm SHA-256 của tệp {name} không khớp bản kê."),
                name=entry.name,
            )


def _check_compression(archive: Archive, manifest: Manifest) -> None:
    """The enclosed files are stored as GNApp writes them: deflated, unless encrypted."""
    encrypted = manifest.encryption is not None
    if any((entry.name in archive.deflated) == encrypted for entry in manifest.files):
        raise CheckFailed(
            "files",
            tr_noop(
                "Cách nén các tệp khác cách GNApp ghi gói (tệp đã mã hóa không nén, tệp không mã "
                "hóa thì nén)."
            ),
        )


def _check_clear(files: Mapping[str, bytes], manifest: Manifest) -> None:
    for entry in manifest.files:
        content = files[entry.name]
        if len(content) != entry.size or _sha256(content) != entry.sha256:
            raise CheckFailed(
                "decryption",
                tr_noop("Tệp {name} sau khi giải mã không khớp bản kê."),
                name=entry.name,
            )


def _check_data(verification: Verification, manifest: Manifest) -> None:
    try:
        data = read_report_data(verification.files[FIGURES])
        households = (
            read_household_data(verification.files[HOUSEHOLDS]) if manifest.households else None
        )
    except FormatError as error:
        raise CheckFailed("data", error.sentence) from None
    if (
        data["commune"]["code"] != manifest.commune_code
        or data["report"]["kind"] != manifest.report_kind
        or data["report"]["period"] != manifest.period
    ):
        raise CheckFailed(
            "data", tr_noop("Số liệu trong gói là của xã hoặc kỳ báo cáo khác bản kê.")
        )
    if households is not None and households["commune"].get("code") != manifest.commune_code:
        raise CheckFailed("data", tr_noop("Danh sách hộ trong gói là của xã khác."))
    verification.data, verification.households = data, households


def verify_package(
    data: bytes,
    key: PublicKey | KeyFinder,
    office_key: X25519PrivateKey | None = None,
) -> Verification:
    """Run every check of PACKAGE_CHECKS on the bytes of a package (see the module's text)."""
    verification = Verification()
    passed = verification.checks.append
    current = "archive"
    try:
        archive = read_archive(data)
        members = archive.members
        if MANIFEST not in members or SIGNATURE not in members:
            raise CheckFailed("archive", tr_noop("Gói thiếu bản kê hoặc chữ ký."))
        passed(Check.found("archive", True))

        current = "manifest"
        manifest = read_manifest(members[MANIFEST])
        verification.manifest, verification.manifest_bytes = manifest, members[MANIFEST]
        passed(
            Check.found(
                "manifest",
                True,
                Sentence(
                    tr_noop("gói số {sequence} của {commune}"),
                    sequence=manifest.sequence,
                    commune=manifest.commune_name,
                ),
            )
        )

        current = "key"
        verification.key = _key_for(key, manifest)
        passed(Check.found("key", True, verification.key.fingerprint))

        current = "signature"
        signature = members[SIGNATURE]
        if len(signature) != SIGNATURE_BYTES:
            raise CheckFailed("signature", tr_noop("Chữ ký không đúng độ dài."))
        try:
            verification.key.verifier().verify(signature, signing_input(members[MANIFEST]))
        except InvalidSignature:
            raise CheckFailed(
                "signature",
                tr_noop("Chữ ký không đúng: bản kê đã bị thay đổi hoặc không do xã ký."),
            ) from None
        verification.signature = signature
        passed(Check.found("signature", True))

        current = "files"
        _check_files(members, manifest)
        _check_compression(archive, manifest)
        passed(
            Check.found("files", True, Sentence(tr_noop("{count} tệp"), count=len(manifest.files)))
        )

        current = "encryption"
        if manifest.households and manifest.encryption is None:
            raise CheckFailed(
                "encryption",
                tr_noop("Gói có danh sách hộ (dữ liệu cá nhân) nhưng không được mã hóa."),
            )
        encrypted = manifest.encryption is not None
        said = Sentence(tr_noop("có mã hóa") if encrypted else tr_noop("không mã hóa"))
        passed(Check.found("encryption", True, said))

        current = "decryption"
        content = {entry.name: members[entry.name] for entry in manifest.files}
        if manifest.encryption is not None:
            if office_key is None:
                verification.checks += [
                    Check.found(
                        code,
                        None,
                        Sentence(tr_noop("cần khóa của cơ quan nhận để mở các tệp đã mã hóa")),
                    )
                    for code in ("decryption", "data")
                ]
                _check_signer(verification, manifest)
                return verification
            try:
                content = decrypt_files(content, manifest.encryption, office_key)
            except DecryptionError as error:
                raise CheckFailed("decryption", error.sentence) from None
            _check_clear(content, manifest)
            passed(Check.found("decryption", True))
        else:
            passed(Check.found("decryption", True, Sentence(tr_noop("gói không mã hóa"))))
        verification.files = content

        current = "data"
        _check_data(verification, manifest)
        passed(Check.found("data", True))

        current = "signer"
        _check_signer(verification, manifest)
    except CheckFailed as failed:
        passed(Check.found(failed.code, False, failed))
    except FormatError as error:
        passed(Check.found(current, False, error))
    except Exception as error:  # whatever a hostile file provokes, it is refused, not a crash
        said = Sentence(tr_noop("Không đọc được ({error})."), error=error.__class__.__name__)
        passed(Check.found(current, False, said))
    if not verification.ok:
        verification.files = {}
        verification.data = verification.households = None
        ran = {c.code for c in verification.checks}
        not_run = Sentence(_NOT_RUN)
        verification.checks += [
            Check.found(c, None, not_run) for c in PACKAGE_CHECKS if c not in ran
        ]
    return verification


def _check_signer(verification: Verification, manifest: Manifest) -> None:
    try:
        check_manifest_signer(manifest.signer_name, manifest.signer_role)
    except SignerError as error:
        raise CheckFailed("signer", error.sentence) from None
    verification.checks.append(Check.found("signer", True, manifest.signer_name))
