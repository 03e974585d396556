"""Keys from passphrases: Argon2id (scrypt where this ``cryptography`` lacks Argon2id), with the
parameters kept beside what they protect and bounded when read back. Used for the signing keys
(gnapp/packages/keys.py) and the encrypted backups (gnapp/store/backup_encryption.py)."""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from gnapp.i18n import tr

try:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
except ImportError:  # cryptography < 44, or an OpenSSL without Argon2
    Argon2id = None  # type: ignore[assignment,misc]

MIN_PASSPHRASE = 10


class KdfUnavailable(ValueError):
    """The key was derived with Argon2id and this computer's ``cryptography`` lacks it."""


@dataclass(frozen=True)
class KdfParams:
    """How a passphrase becomes a key: Argon2id (memory in KiB, passes, lanes) or scrypt
    (n, r, p)."""

    name: str
    memory_cost: int = 0
    iterations: int = 0
    lanes: int = 0
    n: int = 0
    r: int = 0
    p: int = 0

    def to_dict(self, salt: bytes) -> dict[str, Any]:
        if self.name == "argon2id":
            values = {"memory_cost": self.memory_cost, "iterations": self.iterations}
            values["lanes"] = self.lanes
        else:
            values = {"n": self.n, "r": self.r, "p": self.p}
        return {"name": self.name, "salt": base64.b64encode(salt).decode("ascii"), **values}


# RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes (about 0.3 s here).
ARGON2ID = KdfParams("argon2id", memory_cost=64 * 1024, iterations=3, lanes=4)
# RFC 7914 with N = 2^17: 128 MiB.
SCRYPT = KdfParams("scrypt", n=2**17, r=8, p=1)
DEFAULT_KDF = ARGON2ID if Argon2id is not None else SCRYPT
KDF_NAMES = {"argon2id": ("memory_cost", "iterations", "lanes"), "scrypt": ("n", "r", "p")}
# What stored parameters may ask for (a tampered file cannot exhaust memory).
_KDF_LIMITS = {"memory_cost": 1024 * 1024, "iterations": 16, "lanes": 16, "r": 32, "p": 16}
_MAX_SCRYPT_N = 2**20


def passphrase_too_short(passphrase: str) -> str | None:
    """Why ``passphrase`` is too short to protect anything, or None."""
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        return tr("Mật khẩu phải có ít nhất {count} ký tự.", count=MIN_PASSPHRASE)
    return None


def kdf_problem(name: str, values: Mapping[str, int]) -> str | None:
    """What is wrong with stored parameters (``values`` of KDF_NAMES[name]), or None."""
    for key, value in values.items():
        limit = _MAX_SCRYPT_N if key == "n" else _KDF_LIMITS[key]
        if not 1 <= value <= limit:
            return tr("“{key}” ngoài giới hạn cho phép", key=key)
    if name == "argon2id" and values["memory_cost"] < 8 * values["lanes"]:
        return tr("bộ nhớ phải ít nhất 8 KiB cho mỗi luồng")
    return None


def derive_key(passphrase: str, kdf: KdfParams, salt: bytes) -> bytes:
    """The 32-byte key ``kdf`` derives from ``passphrase`` (NFC: Vietnamese keyboards may send
    composed or decomposed letters) and ``salt``."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    if kdf.name == "argon2id":
        if Argon2id is None:
            raise KdfUnavailable(
                tr(
                    "Dữ liệu được bảo vệ bằng Argon2id nhưng thư viện mã hóa của máy này không "
                    "có Argon2id: hãy cài bản GNApp mới hơn."
                )
            )
        return Argon2id(
            salt=salt,
            length=32,
            iterations=kdf.iterations,
            lanes=kdf.lanes,
            memory_cost=kdf.memory_cost,
        ).derive(secret)
    return Scrypt(salt=salt, length=32, n=kdf.n, r=kdf.r, p=kdf.p).derive(secret)
