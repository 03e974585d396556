"""The commune's side: its signing key (stored only encrypted), the receiving office's public
key, and the chain of packages sent (sequence numbers and hashes). Stored by gnapp/store/keys.py
and gnapp/store/sent_packages.py (tables of schema v9, docs/schema.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gnapp.core.passphrase import DEFAULT_KDF, KdfParams
from gnapp.i18n import Sentence, tr, tr_noop
from gnapp.packages.canonical import b64decode, b64encode
from gnapp.packages.keys import (
    AGREEMENT,
    SIGNING,
    KeyChange,
    KeyProblem,
    PublicKey,
    check_new_passphrase,
    fingerprint,
    new_key_pair,
    read_key_change,
    seal_secret,
    unlock_signing,
)
from gnapp.store import keys as stored
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.register import get_commune
from gnapp.store.sent_packages import last_sent_package, sent_package_rows


def commune_row(db: sqlite_utils.Database) -> dict[str, Any]:
    commune = get_commune(db)
    if commune is None:
        raise DatabaseError(tr("Chưa khai báo thông tin xã (mã, tên, tỉnh): hãy nhập trước."))
    return commune


@dataclass(frozen=True)
class SigningKey:
    """A signing key of the commune as stored: its public half, when it was made and by whom,
    when it was retired (None: the current key)."""

    id: int
    public: PublicKey
    created_at: str
    created_by: str
    retired_at: str | None
    secret: str  # the encrypted record
    change_statement: bytes | None  # the signed statement that introduced it (a key change)


def _signing_key(db: sqlite_utils.Database, row: dict[str, Any]) -> SigningKey:
    commune = commune_row(db)
    public = PublicKey(
        SIGNING,
        b64decode(row["public_key"], "Khóa công khai", 32),
        "commune",
        commune["code"],
        commune["name"],
        row["created_at"],
    )
    statement = row["change_statement"]
    return SigningKey(
        row["id"],
        public,
        row["created_at"],
        row["created_by"],
        row["retired_at"],
        row["secret"],
        statement.encode("utf-8") if statement else None,
    )


def current_signing_key(db: sqlite_utils.Database) -> SigningKey | None:
    row = stored.current_signing_key_row(db)
    return _signing_key(db, row) if row else None


def current_key_change(db: sqlite_utils.Database) -> KeyChange | None:
    """The signed key-change file that brought in the current key, to give the office again
    (None: no key, or a key made rather than changed)."""
    key = current_signing_key(db)
    if key is None or key.change_statement is None:
        return None
    return read_key_change(key.change_statement)


def signing_keys(db: sqlite_utils.Database) -> list[SigningKey]:
    """Every key the commune has had, oldest first."""
    return [_signing_key(db, row) for row in stored.signing_key_rows(db)]


def require_signing_key(db: sqlite_utils.Database) -> SigningKey:
    key = current_signing_key(db)
    if key is None:
        raise KeyProblem(tr("Xã chưa có khóa ký: hãy tạo khóa (gnapp key create) trước."))
    return key


def _insert_key(
    cdb: CommuneDatabase,
    passphrase: str,
    kdf: KdfParams,
    statement: str | None = None,
    pair: tuple[bytes, bytes] | None = None,
) -> None:
    raw, public = pair or new_key_pair(SIGNING)
    commune_row(cdb.db)
    stored.add_signing_key(
        cdb,
        b64encode(public),
        fingerprint(SIGNING, public),
        seal_secret(SIGNING, raw, public, passphrase, kdf),
        statement,
    )


def create_signing_key(
    cdb: CommuneDatabase, passphrase: str, *, replace: bool = False, kdf: KdfParams = DEFAULT_KDF
) -> SigningKey:
    """Create the commune's signing key, kept encrypted under ``passphrase``. ``replace``
    retires the current key without its passphrase (a forgotten one): the office must then
    register the new key again, as for a first key."""
    check_new_passphrase(passphrase)
    current = current_signing_key(cdb.db)
    if current is not None and not replace:
        raise KeyProblem(
            tr(
                "Xã đã có khóa ký ({fingerprint}). Để đổi khóa khi còn nhớ mật khẩu, dùng "
                "“gnapp key change”; nếu quên mật khẩu, tạo khóa mới với --replace và gửi khóa "
                "công khai mới để cấp trên đăng ký lại.",
                fingerprint=current.public.fingerprint,
            )
        )
    with cdb.transaction():
        if current is not None:
            stored.retire_signing_key(cdb, current.id)
        _insert_key(cdb, passphrase, kdf)
    return require_signing_key(cdb.db)


def unlock_signing_key(db: sqlite_utils.Database, passphrase: str) -> Ed25519PrivateKey:
    """The current signing key, decrypted in memory (KeyProblem for a wrong passphrase)."""
    return unlock_signing(require_signing_key(db).secret, passphrase)


def change_signing_key(
    cdb: CommuneDatabase,
    old_passphrase: str,
    new_passphrase: str,
    *,
    kdf: KdfParams = DEFAULT_KDF,
) -> KeyChange:
    """Replace the signing key by a new one, announced in a statement signed by both keys
    (the file the office registers); packages from the next sequence number on use the new
    key."""
    check_new_passphrase(new_passphrase)
    current = require_signing_key(cdb.db)
    old = unlock_signing(current.secret, old_passphrase)
    raw, public = new_key_pair(SIGNING)
    new = Ed25519PrivateKey.from_private_bytes(raw)
    sequence, _ = chain_head(cdb.db)
    owner = current.public
    change = KeyChange(
        owner.owner_code,
        owner.owner_name,
        owner,
        PublicKey(SIGNING, public, "commune", owner.owner_code, owner.owner_name, cdb.now()),
        cdb.now(),
        sequence,
    ).signed(old, new)
    with cdb.transaction():
        stored.retire_signing_key(cdb, current.id)
        _insert_key(
            cdb, new_passphrase, kdf, change.file_bytes().decode("utf-8"), pair=(raw, public)
        )
    return change


def setup_keys(
    signing_passphrase: str | None, office: PublicKey | None, *, kdf: KdfParams = DEFAULT_KDF
) -> Callable[[CommuneDatabase], None]:
    """A new commune's keys, written by ``gnapp.store.setup.create_commune_database(...,
    keys=...)`` with the rest of the setup: the signing key made under ``signing_passphrase``
    and the receiving office's key kept (its fingerprint already confirmed), each when given."""

    def write(cdb: CommuneDatabase) -> None:
        if signing_passphrase is not None:
            create_signing_key(cdb, signing_passphrase, kdf=kdf)
        if office is not None:
            set_office_key(cdb, office)

    return write


# --- the receiving office's key ---------------------------------------------------------------


def set_office_key(cdb: CommuneDatabase, key: PublicKey) -> None:
    """Keep the receiving office's encryption key (after its fingerprint was confirmed)."""
    if key.algorithm != AGREEMENT or key.owner_kind != "office":
        raise KeyProblem(tr("Tệp này không phải khóa mã hóa của cơ quan nhận báo cáo."))
    stored.save_office_key(cdb, key.owner_name, b64encode(key.raw), key.fingerprint)


def office_key(db: sqlite_utils.Database) -> PublicKey | None:
    row = stored.office_key_row(db)
    if row is None:
        return None
    return PublicKey(
        AGREEMENT,
        b64decode(row["public_key"], Sentence(tr_noop("Khóa cơ quan nhận")), 32),
        "office",
        "",
        row["name"],
        row["set_at"],
    )


def mail_recipient(db: sqlite_utils.Database) -> str | None:
    """Whom the e-mail sent with a package is addressed to: the office whose key the commune
    holds, else the receiving office of the commune's identity (the "Kính gửi" of its
    reports); None when neither is known."""
    office = office_key(db)
    if office is not None and office.owner_name.strip():
        return office.owner_name.strip()
    commune = get_commune(db)
    return ((commune or {}).get("receiving_office_name") or "").strip() or None


# --- the chain of packages -----------------------------------------------------------------


@dataclass(frozen=True)
class SentPackage:
    id: int
    sequence: int
    hash: str
    previous_hash: str | None
    report_id: int | None
    kind: str
    period: str
    file_name: str
    size: int
    signer_name: str
    signer_role: str
    key_fingerprint: str
    encrypted: bool
    households: bool
    created_at: str
    log_length: int | None = None  # the change log as the package carried it (None: built
    log_head: str | None = None  # before packages carried it)


def sent_packages(db: sqlite_utils.Database) -> list[SentPackage]:
    """The packages built so far, newest first."""
    return [
        SentPackage(
            **{**row, "encrypted": bool(row["encrypted"]), "households": bool(row["households"])}
        )
        for row in sent_package_rows(db)
    ]


def chain_head(db: sqlite_utils.Database) -> tuple[int, str | None]:
    """(the next package's sequence number, the hash of the last package or None)."""
    last = last_sent_package(db)
    return (1, None) if last is None else (last[0] + 1, last[1])
