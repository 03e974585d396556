"""Keys: the commune's Ed25519 signing key, the office's X25519 key, both kept encrypted under a
passphrase; public key files, fingerprints read by phone and key-change statements.

A secret key is stored only as a "secret record": the raw key encrypted with ChaCha20-Poly1305
under a key derived from the passphrase by Argon2id (scrypt where this ``cryptography`` lacks
Argon2id). Formats in docs/package-format.md.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from gnapp.core.passphrase import (
    KDF_NAMES,
    MIN_PASSPHRASE,
    KdfParams,
    KdfUnavailable,
    derive_key,
    kdf_problem,
    passphrase_too_short,
)
from gnapp.i18n import Sentence, tr, tr_noop
from gnapp.packages.canonical import (
    FormatError,
    b64decode,
    b64encode,
    canonical_json,
    exact_keys,
    field,
    parse_json,
)

SIGNING = "Ed25519"
AGREEMENT = "X25519"
ALGORITHMS = (SIGNING, AGREEMENT)
OWNER_KINDS = ("commune", "office")
PUBLIC_KEY_FORMAT = "gnapp-public-key"
SECRET_FORMAT = "gnapp-secret-key"
KEY_CHANGE_FORMAT = "gnapp-key-change"
FORMAT_VERSION = 1
CIPHER = "chacha20-poly1305"
FINGERPRINT_DOMAIN = b"GNApp key fingerprint v1\n"
KEY_CHANGE_DOMAIN = b"GNApp key change v1\n"
PUBLIC_KEY_SUFFIX = ".gnpub"
KEY_CHANGE_SUFFIX = ".gnkeychange"
MAX_KEY_FILE_BYTES = 16 * 1024


class KeyProblem(ValueError):
    """A key that cannot be made, read or unlocked."""


# --- passphrases -----------------------------------------------------------------------------


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to protect a key."""
    problem = passphrase_too_short(passphrase)
    if problem is not None:
        raise KeyProblem(problem)


def passphrase_strength(passphrase: str) -> str:
    """A plain-words hint of how hard ``passphrase`` is to guess (a hint, not a measure)."""
    text = passphrase.strip()
    if len(text) < MIN_PASSPHRASE:
        return tr("Quá ngắn: cần ít nhất {count} ký tự.", count=MIN_PASSPHRASE)
    classes = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    kinds = sum(any(test(c) for c in text) for test in classes)
    if len(set(text.casefold())) < 5:
        return tr("Yếu: lặp lại ít ký tự, dễ đoán.")
    if len(text) >= 20 or len(text.split()) >= 4 or (len(text) >= 14 and kinds >= 3):
        return tr("Mạnh.")
    if len(text) >= 12 and kinds >= 2:
        return tr("Khá: dài hơn (vài từ nối nhau) thì mạnh hơn.")
    return tr("Yếu: nên dài hơn, gồm vài từ, chữ hoa, chữ số.")


def _derive(passphrase: str, kdf: KdfParams, salt: bytes) -> bytes:
    try:
        return derive_key(passphrase, kdf, salt)
    except KdfUnavailable as error:
        raise KeyProblem(str(error)) from None


def _read_kdf(raw: Any) -> tuple[KdfParams, bytes]:
    what = Sentence(tr_noop("Tham số dẫn xuất khóa"))
    if not isinstance(raw, dict) or raw.get("name") not in ("argon2id", "scrypt"):
        raise FormatError(tr_noop("{what} không hợp lệ."), what=what)
    names = KDF_NAMES[raw["name"]]
    exact_keys(raw, {"name", "salt", *names}, what)
    values = {name: field(raw, name, int, what) for name in names}
    problem = kdf_problem(raw["name"], values)
    if problem is not None:
        raise FormatError(tr_noop("{what}: {problem}."), what=what, problem=problem)
    salt = b64decode(raw["salt"], Sentence(tr_noop("{what}: salt"), what=what))
    if len(salt) < 16:
        raise FormatError(tr_noop("{what}: salt quá ngắn."), what=what)
    return KdfParams(raw["name"], **values), salt


# --- secret records --------------------------------------------------------------------------


def _aad(record: dict[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in record.items() if k != "ciphertext"})


def seal_secret(
    algorithm: str, raw_secret: bytes, public: bytes, passphrase: str, kdf: KdfParams
) -> str:
    """The secret record (canonical JSON text) of a raw private key."""
    check_new_passphrase(passphrase)
    salt, nonce = os.urandom(16), os.urandom(12)
    record: dict[str, Any] = {
        "format": SECRET_FORMAT,
        "format_version": FORMAT_VERSION,
        "algorithm": algorithm,
        "public_key": b64encode(public),
        "kdf": kdf.to_dict(salt),
        "cipher": CIPHER,
        "nonce": b64encode(nonce),
    }
    key = _derive(passphrase, kdf, salt)
    record["ciphertext"] = b64encode(ChaCha20Poly1305(key).encrypt(nonce, raw_secret, _aad(record)))
    return canonical_json(record).decode("utf-8")


def open_secret(record_text: str, passphrase: str) -> tuple[str, bytes, bytes]:
    """(algorithm, raw private key, raw public key) of a secret record; a wrong passphrase or a
    changed record raises KeyProblem."""
    try:
        what = Sentence(tr_noop("Khóa bí mật"))
        record = parse_json(record_text.encode("utf-8"), what, canonical=True)
        exact_keys(
            record,
            {"format", "format_version", "algorithm", "public_key", "kdf", "cipher", "nonce"}
            | {"ciphertext"},
            what,
        )
        if record["format"] != SECRET_FORMAT or record["format_version"] != FORMAT_VERSION:
            raise FormatError(tr_noop("{what}: định dạng hoặc phiên bản không hỗ trợ."), what=what)
        if record["algorithm"] not in ALGORITHMS or record["cipher"] != CIPHER:
            raise FormatError(tr_noop("{what}: thuật toán không hỗ trợ."), what=what)
        kdf, salt = _read_kdf(record["kdf"])
        public = b64decode(record["public_key"], Sentence(tr_noop("Khóa công khai")), 32)
        nonce = b64decode(record["nonce"], "Nonce", 12)
        ciphertext = b64decode(record["ciphertext"], Sentence(tr_noop("Bản mã")), 48)
    except FormatError as error:
        raise KeyProblem(tr("Khóa lưu trong tệp dữ liệu bị hỏng: {error}", error=error)) from None
    try:
        raw = ChaCha20Poly1305(_derive(passphrase, kdf, salt)).decrypt(
            nonce, ciphertext, _aad(record)
        )
    except InvalidTag:
        raise KeyProblem(
            tr("Mật khẩu không đúng (hoặc khóa lưu trong tệp đã bị thay đổi).")
        ) from None
    if _public_of(record["algorithm"], raw) != public:
        raise KeyProblem(
            tr("Khóa lưu trong tệp dữ liệu bị hỏng: khóa bí mật không khớp khóa công khai.")
        )
    return record["algorithm"], raw, public


def _public_of(algorithm: str, raw_private: bytes) -> bytes:
    if algorithm == SIGNING:
        return Ed25519PrivateKey.from_private_bytes(raw_private).public_key().public_bytes_raw()
    return X25519PrivateKey.from_private_bytes(raw_private).public_key().public_bytes_raw()


def new_key_pair(algorithm: str) -> tuple[bytes, bytes]:
    """(raw private, raw public) of a fresh key."""
    private = Ed25519PrivateKey.generate() if algorithm == SIGNING else X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def unlock_signing(record_text: str, passphrase: str) -> Ed25519PrivateKey:
    algorithm, raw, _ = open_secret(record_text, passphrase)
    if algorithm != SIGNING:
        raise KeyProblem(tr("Khóa lưu trong tệp không phải khóa ký."))
    return Ed25519PrivateKey.from_private_bytes(raw)


def unlock_agreement(record_text: str, passphrase: str) -> X25519PrivateKey:
    algorithm, raw, _ = open_secret(record_text, passphrase)
    if algorithm != AGREEMENT:
        raise KeyProblem(tr("Khóa lưu trong tệp không phải khóa giải mã."))
    return X25519PrivateKey.from_private_bytes(raw)


# --- public keys -----------------------------------------------------------------------------


def fingerprint(algorithm: str, raw_public: bytes) -> str:
    """Twenty base32 letters and digits in four groups ("K7QD2-M4XAE-…"), easy to read aloud:
    the first 100 bits of SHA-256(domain ‖ algorithm ‖ "\\n" ‖ key)."""
    digest = hashlib.sha256(FINGERPRINT_DOMAIN + algorithm.encode() + b"\n" + raw_public).digest()
    letters = base64.b32encode(digest).decode("ascii")[:20]
    return "-".join(letters[i : i + 5] for i in range(0, 20, 5))


def same_fingerprint(typed: str, expected: str) -> bool:
    """Whether what someone typed after a phone call is the fingerprint (case, spaces and dashes
    ignored)."""

    def norm(text: str) -> str:
        return "".join(ch for ch in text.upper() if ch.isalnum())

    return norm(typed) == norm(expected)


@dataclass(frozen=True)
class PublicKey:
    """A public key with its owner: a commune (code = the commune code) or an office."""

    algorithm: str
    raw: bytes
    owner_kind: str
    owner_code: str
    owner_name: str
    created_at: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.algorithm, self.raw)

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)

    def recipient(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.raw)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PUBLIC_KEY_FORMAT,
            "format_version": FORMAT_VERSION,
            "algorithm": self.algorithm,
            "public_key": b64encode(self.raw),
            "fingerprint": self.fingerprint,
            "owner": {"kind": self.owner_kind, "code": self.owner_code, "name": self.owner_name},
            "created_at": self.created_at,
        }

    def file_bytes(self) -> bytes:
        """The public key file (.gnpub): canonical JSON."""
        return canonical_json(self.to_dict())

    def file_name(self) -> str:
        purpose = "khoa-ky" if self.algorithm == SIGNING else "khoa-ma-hoa"
        return f"{purpose}-{self.owner_code or 'co-quan'}{PUBLIC_KEY_SUFFIX}"


def write_public_key(key: PublicKey, out: str | os.PathLike[str]) -> Path:
    """Write the key's file into the folder ``out`` (under its own name) or as the file
    ``out``; never over an existing file."""
    out = Path(out)
    return _write_new(out / key.file_name() if out.is_dir() else out, key.file_bytes())


def _write_new(path: Path, content: bytes) -> Path:
    try:
        with open(path, "xb") as stream:
            stream.write(content)
    except FileExistsError:
        raise KeyProblem(tr("Tệp đã tồn tại, không ghi đè: {path}", path=path)) from None
    except OSError as error:
        raise KeyProblem(
            tr("Không ghi được {path}: {error}", path=path, error=error.strerror)
        ) from None
    return path


_PUBLIC_KEY_FILE = Sentence(tr_noop("Tệp khóa công khai"))


def public_key_from_dict(raw: Any, what: Sentence | str = _PUBLIC_KEY_FILE) -> PublicKey:
    exact_keys(
        raw,
        {"format", "format_version", "algorithm", "public_key", "fingerprint", "owner"}
        | {"created_at"},
        what,
    )
    if raw["format"] != PUBLIC_KEY_FORMAT or raw["format_version"] != FORMAT_VERSION:
        raise FormatError(tr_noop("{what}: định dạng hoặc phiên bản không hỗ trợ."), what=what)
    if raw["algorithm"] not in ALGORITHMS:
        raise FormatError(tr_noop("{what}: thuật toán không hỗ trợ."), what=what)
    owner = raw["owner"]
    exact_keys(owner, {"kind", "code", "name"}, Sentence(tr_noop("{what}: chủ khóa"), what=what))
    if owner["kind"] not in OWNER_KINDS:
        raise FormatError(tr_noop("{what}: loại chủ khóa không hợp lệ."), what=what)
    key = PublicKey(
        algorithm=raw["algorithm"],
        raw=b64decode(raw["public_key"], Sentence(tr_noop("{what}: khóa"), what=what), 32),
        owner_kind=owner["kind"],
        owner_code=field(owner, "code", str, what),
        owner_name=field(owner, "name", str, what),
        created_at=field(raw, "created_at", str, what),
    )
    if field(raw, "fingerprint", str, what) != key.fingerprint:
        raise FormatError(
            tr_noop("{what}: dấu vân tay ghi trong tệp không khớp với khóa."), what=what
        )
    if key.algorithm == SIGNING:
        key.verifier()  # refuses bytes that are not a point of the curve
    return key


def read_public_key(data: bytes, expected: str | None = None) -> PublicKey:
    """A public key file, checked; ``expected`` is SIGNING or AGREEMENT."""
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyProblem(tr("Tệp khóa công khai quá lớn: không phải tệp khóa của GNApp."))
    try:
        key = public_key_from_dict(parse_json(data, _PUBLIC_KEY_FILE, canonical=True))
    except (FormatError, ValueError) as error:
        raise KeyProblem(str(error)) from None
    if expected is not None and key.algorithm != expected:
        raise KeyProblem(
            tr("Tệp này không phải khóa ký của xã.")
            if expected == SIGNING
            else tr("Tệp này không phải khóa mã hóa của cơ quan nhận.")
        )
    return key


# --- key change ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyChange:
    """A commune's new signing key, announced under its old one: packages numbered from
    ``from_sequence`` on are signed with the new key."""

    commune_code: str
    commune_name: str
    old_key: PublicKey
    new_key: PublicKey
    changed_at: str
    from_sequence: int
    signatures: tuple[bytes, bytes] = (b"", b"")  # by the old key, by the new key

    def statement(self) -> dict[str, Any]:
        return {
            "format": KEY_CHANGE_FORMAT,
            "format_version": FORMAT_VERSION,
            "commune": {"code": self.commune_code, "name": self.commune_name},
            "old_key": b64encode(self.old_key.raw),
            "old_fingerprint": self.old_key.fingerprint,
            "new_key": b64encode(self.new_key.raw),
            "new_fingerprint": self.new_key.fingerprint,
            "changed_at": self.changed_at,
            "from_sequence": self.from_sequence,
        }

    def signing_input(self) -> bytes:
        return KEY_CHANGE_DOMAIN + canonical_json(self.statement())

    def signed(self, old: Ed25519PrivateKey, new: Ed25519PrivateKey) -> KeyChange:
        data = self.signing_input()
        return replace(self, signatures=(old.sign(data), new.sign(data)))

    def file_bytes(self) -> bytes:
        """The key-change file (.gnkeychange): canonical JSON."""
        return canonical_json(
            {
                "statement": self.statement(),
                "signature_old": b64encode(self.signatures[0]),
                "signature_new": b64encode(self.signatures[1]),
            }
        )

    def file_name(self) -> str:
        return f"doi-khoa-{self.commune_code}-{self.changed_at[:10]}{KEY_CHANGE_SUFFIX}"


def read_key_change(data: bytes) -> KeyChange:
    """A key-change file whose two signatures hold (who signed it is checked by the caller
    against the registered key: ``change.old_key``)."""
    what = Sentence(tr_noop("Tệp đổi khóa"))
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyProblem(tr("Tệp đổi khóa quá lớn."))
    try:
        raw = parse_json(data, what, canonical=True)
        exact_keys(raw, {"statement", "signature_old", "signature_new"}, what)
        statement = raw["statement"]
        exact_keys(
            statement,
            {"format", "format_version", "commune", "old_key", "old_fingerprint", "new_key"}
            | {"new_fingerprint", "changed_at", "from_sequence"},
            what,
        )
        if (
            statement["format"] != KEY_CHANGE_FORMAT
            or statement["format_version"] != FORMAT_VERSION
        ):
            raise FormatError(tr_noop("{what}: định dạng hoặc phiên bản không hỗ trợ."), what=what)
        exact_keys(statement["commune"], {"code", "name"}, what)
        code = field(statement["commune"], "code", str, what)
        name = field(statement["commune"], "name", str, what)
        changed_at = field(statement, "changed_at", str, what)
        keys = []
        for side in ("old", "new"):
            key = PublicKey(
                SIGNING,
                b64decode(statement[f"{side}_key"], what, 32),
                "commune",
                code,
                name,
                changed_at,
            )
            if field(statement, f"{side}_fingerprint", str, what) != key.fingerprint:
                raise FormatError(tr_noop("{what}: dấu vân tay không khớp với khóa."), what=what)
            keys.append(key)
        sequence = field(statement, "from_sequence", int, what)
        if sequence < 1:
            raise FormatError(tr_noop("{what}: số thứ tự gói không hợp lệ."), what=what)
        change = KeyChange(
            code,
            name,
            keys[0],
            keys[1],
            changed_at,
            sequence,
            (
                b64decode(raw["signature_old"], what, 64),
                b64decode(raw["signature_new"], what, 64),
            ),
        )
        if change.statement() != statement:
            raise FormatError(tr_noop("{what}: nội dung không hợp lệ."), what=what)
    except (FormatError, ValueError) as error:
        raise KeyProblem(str(error)) from None
    data_signed = change.signing_input()
    refusals = (
        tr("Tệp đổi khóa: chữ ký bằng khóa cũ không đúng."),
        tr("Tệp đổi khóa: chữ ký bằng khóa mới không đúng."),
    )
    for key, signature, refusal in zip(
        (change.old_key, change.new_key), change.signatures, refusals, strict=True
    ):
        try:
            key.verifier().verify(signature, data_signed)
        except InvalidSignature:
            raise KeyProblem(refusal) from None
    return change


def write_key_change(change: KeyChange, folder: str | os.PathLike[str]) -> Path:
    """Write the key-change file for the office into ``folder``; never over an existing file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KeyProblem(tr("Không có thư mục {folder}", folder=folder))
    return _write_new(folder / change.file_name(), change.file_bytes())
