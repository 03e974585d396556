"""The office's own key and the communes it receives from, with their signing keys.

A commune is registered from its public key file once the two offices have compared the
fingerprint by phone. A key change signed by the commune's current key (and by the new one)
moves the commune to the new key from the statement's sequence number on; a commune that
lost its passphrase is registered again with ``replace=True``, which revokes its old keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from gnapp.core.passphrase import DEFAULT_KDF, KdfParams
from gnapp.i18n import Sentence, tr, tr_noop
from gnapp.office.store import keys as stored
from gnapp.office.store.database import OFFICE_ROLES, OfficeDatabase, OfficeIdentity, open_office
from gnapp.office.store.packages import last_sequence
from gnapp.packages.canonical import b64decode, b64encode
from gnapp.packages.keys import (
    AGREEMENT,
    SIGNING,
    KeyChange,
    KeyProblem,
    PublicKey,
    check_new_passphrase,
    new_key_pair,
    seal_secret,
    unlock_agreement,
)
from gnapp.packages.manifest import Manifest
from gnapp.packages.verify import CheckFailed
from gnapp.store.database import utc_now
from gnapp.store.setup import AdminAccount
from gnapp.store.users import (
    DEFAULT_COST,
    HashCost,
    User,
    add_user,
    check_new_password,
    require,
)


def create_office(
    path: str | Path,
    identity: OfficeIdentity,
    passphrase: str,
    admin: AdminAccount,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    cost: HashCost = DEFAULT_COST,
    clock: Callable[[], str] = utc_now,
) -> OfficeDatabase:
    """A new office database with its identity, its first administrator (``admin``, roles of
    ``OFFICE_ROLES``) and a new encryption key pair, the private key kept encrypted under
    ``passphrase``. On any problem nothing is left behind."""
    check_new_passphrase(passphrase)
    check_new_password(admin.password)
    office = open_office(path, create=True, clock=clock)
    try:
        add_user(office, admin.username, admin.full_name, admin.roles, admin.password, cost)
        office.set_identity(identity)
        raw, public = new_key_pair(AGREEMENT)
        key = PublicKey(AGREEMENT, public, "office", "", identity.name, office.now())
        stored.add_office_key(
            office,
            b64encode(public),
            key.fingerprint,
            seal_secret(AGREEMENT, raw, public, passphrase, kdf),
            key.created_at,
        )
    except BaseException:
        office.close()
        Path(path).unlink()
        raise
    return office


def _office_key_row(office: OfficeDatabase) -> dict[str, Any]:
    row = stored.current_office_key(office)
    if row is None:
        raise KeyProblem(tr("Cơ quan chưa có khóa mã hóa."))
    return row


def office_public_key(office: OfficeDatabase) -> PublicKey:
    """The office's public key, to give to the communes (``file_bytes()``)."""
    row = _office_key_row(office)
    return PublicKey(
        AGREEMENT,
        b64decode(row["public_key"], "Khóa cơ quan", 32),
        "office",
        "",
        office.identity.name,
        row["created_at"],
    )


def unlock_office_key(office: OfficeDatabase, passphrase: str) -> X25519PrivateKey:
    """The office's private key, decrypted in memory (KeyProblem for a wrong passphrase)."""
    return unlock_agreement(_office_key_row(office)["secret"], passphrase)


# --- communes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneKey:
    id: int
    public: PublicKey
    source: str  # "file", "change" or "replacement"
    registered_at: str
    from_sequence: int
    until_sequence: int | None
    revoked_at: str | None
    registered_by: str | None = None  # None: before the office had users
    revoked_by: str | None = None

    @property
    def current(self) -> bool:
        return self.until_sequence is None and self.revoked_at is None


@dataclass(frozen=True)
class RegisteredCommune:
    id: int
    code: str
    name: str
    registered_at: str
    keys: tuple[CommuneKey, ...]

    @property
    def current_key(self) -> CommuneKey | None:
        return next((k for k in self.keys if k.current), None)


def _commune(office: OfficeDatabase, row: dict[str, Any]) -> RegisteredCommune:
    keys = tuple(
        CommuneKey(
            k["id"],
            PublicKey(
                SIGNING,
                b64decode(k["public_key"], Sentence(tr_noop("Khóa của xã")), 32),
                "commune",
                row["code"],
                row["name"],
                k["registered_at"],
            ),
            k["source"],
            k["registered_at"],
            k["from_sequence"],
            k["until_sequence"],
            k["revoked_at"],
            k["registered_by"],
            k["revoked_by"],
        )
        for k in stored.commune_key_rows(office, row["id"])
    )
    return RegisteredCommune(row["id"], row["code"], row["name"], row["registered_at"], keys)


def communes(office: OfficeDatabase) -> list[RegisteredCommune]:
    """The registered communes, by code."""
    return [_commune(office, row) for row in stored.commune_rows(office)]


def find_commune(office: OfficeDatabase, code: str) -> RegisteredCommune | None:
    row = stored.commune_row(office, code)
    return _commune(office, row) if row else None


def register_commune(
    office: OfficeDatabase, key: PublicKey, user: User, *, replace: bool = False
) -> RegisteredCommune:
    """Register a commune with its signing key (the caller has confirmed the fingerprint), as
    ``user`` (the head or administrator: PermissionDenied otherwise). ``replace``: the commune
    made a new key after losing its passphrase; its earlier keys are revoked and packages signed
    with them are refused from now on."""
    require(user, "commune_keys", OFFICE_ROLES)
    if key.algorithm != SIGNING or key.owner_kind != "commune" or not key.owner_code:
        raise KeyProblem(tr("Tệp này không phải khóa ký của một xã."))
    found = find_commune(office, key.owner_code)
    if found is not None and any(k.public.raw == key.raw for k in found.keys):
        raise KeyProblem(
            tr(
                "Khóa {fingerprint} đã được đăng ký cho {commune}.",
                fingerprint=key.fingerprint,
                commune=found.name,
            )
        )
    if found is not None and not replace:
        raise KeyProblem(
            tr(
                "{commune} (mã {code}) đã được đăng ký. Khóa mới do xã đổi khóa được nhận qua "
                "tệp đổi khóa; nếu xã quên mật khẩu và tạo khóa mới, hãy đăng ký lại với "
                "--replace sau khi đối chiếu dấu vân tay.",
                commune=found.name,
                code=found.code,
            )
        )
    now = office.now()
    with office.transaction():
        if found is None:
            commune_id = stored.add_commune(office, key.owner_code, key.owner_name, now)
            from_sequence = 1
        else:
            commune_id = found.id
            stored.revoke_commune_keys(office, commune_id, now, user.actor)
            stored.rename_commune(office, commune_id, key.owner_name)
            from_sequence = last_sequence(office, commune_id) + 1
        stored.add_commune_key(
            office,
            commune_id,
            b64encode(key.raw),
            key.fingerprint,
            "file" if found is None else "replacement",
            now,
            from_sequence,
            user.actor,
        )
    registered = find_commune(office, key.owner_code)
    assert registered is not None
    return registered


def apply_key_change(
    office: OfficeDatabase, change: KeyChange, statement: bytes, user: User
) -> RegisteredCommune:
    """Move a commune to its new key, as ``user`` (the head or administrator); ``change`` was
    read (signatures checked) by ``read_key_change`` from ``statement``. The old key must be the
    commune's current key."""
    require(user, "commune_keys", OFFICE_ROLES)
    found = find_commune(office, change.commune_code)
    if found is None:
        raise KeyProblem(tr("Xã mã {code} chưa được đăng ký.", code=change.commune_code))
    current = found.current_key
    if current is None or current.public.raw != change.old_key.raw:
        raise KeyProblem(
            tr(
                "Tệp đổi khóa được ký bằng khóa {fingerprint}, không phải khóa hiện hành của "
                "{commune} ({current}).",
                fingerprint=change.old_key.fingerprint,
                commune=found.name,
                current=current.public.fingerprint,
            )
            if current
            else tr(
                "Tệp đổi khóa được ký bằng khóa {fingerprint}, không phải khóa hiện hành của "
                "{commune} (xã không có khóa hiện hành).",
                fingerprint=change.old_key.fingerprint,
                commune=found.name,
            )
        )
    if any(k.public.raw == change.new_key.raw for k in found.keys):
        raise KeyProblem(
            tr("Khóa mới {fingerprint} đã được đăng ký.", fingerprint=change.new_key.fingerprint)
        )
    last = last_sequence(office, found.id)
    if change.from_sequence <= last:
        raise KeyProblem(
            tr(
                "Tệp đổi khóa áp dụng từ gói số {sequence}, nhưng đã nhận đến gói số {last} của "
                "xã.",
                sequence=change.from_sequence,
                last=last,
            )
        )
    with office.transaction():
        stored.end_commune_key(office, current.id, change.from_sequence)
        stored.add_commune_key(
            office,
            found.id,
            b64encode(change.new_key.raw),
            change.new_key.fingerprint,
            "change",
            office.now(),
            change.from_sequence,
            user.actor,
            statement.decode("utf-8"),
        )
    changed = find_commune(office, change.commune_code)
    assert changed is not None
    return changed


def key_finder(office: OfficeDatabase) -> Callable[[Manifest], PublicKey]:
    """For ``verify_package``: the registered key that may sign the manifest's package."""

    def find(manifest: Manifest) -> PublicKey:
        found = find_commune(office, manifest.commune_code)
        if found is None:
            raise CheckFailed(
                "commune",
                tr_noop(
                    "{commune} (mã {code}) chưa được đăng ký với cơ quan: hãy đăng ký khóa công "
                    "khai của xã trước."
                ),
                commune=manifest.commune_name,
                code=manifest.commune_code,
            )
        key = next((k for k in found.keys if k.public.fingerprint == manifest.signing_key), None)
        if key is None:
            current = found.current_key
            raise CheckFailed(
                "key",
                tr_noop(
                    "Gói được ký bằng khóa {signing_key}, không phải khóa đã đăng ký của "
                    "{commune} ({current})."
                )
                if current
                else tr_noop(
                    "Gói được ký bằng khóa {signing_key}, không phải khóa đã đăng ký của {commune}."
                ),
                signing_key=manifest.signing_key,
                commune=found.name,
                current=current.public.fingerprint if current else None,
            )
        if key.revoked_at is not None:
            raise CheckFailed(
                "key",
                tr_noop("Khóa {fingerprint} của {commune} đã bị thu hồi."),
                fingerprint=key.public.fingerprint,
                commune=found.name,
            )
        if manifest.sequence < key.from_sequence or (
            key.until_sequence is not None and manifest.sequence >= key.until_sequence
        ):
            raise CheckFailed(
                "key",
                tr_noop(
                    "Khóa {fingerprint} không được dùng cho gói số {sequence} (xã đã đổi khóa)."
                ),
                fingerprint=key.public.fingerprint,
                sequence=manifest.sequence,
            )
        return key.public

    return find
