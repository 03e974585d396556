"""The commune's keys (tables ``signing_keys`` and ``office_key``): its signing keys, stored
only encrypted, and the receiving office's public key. Keys are base64 text here; what they
are and how they are checked is gnapp/packages/commune.py's."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from gnapp.store.database import CommuneDatabase


def signing_key_rows(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every signing key the commune has had, oldest first."""
    return list(db.query("SELECT * FROM signing_keys ORDER BY id"))


def current_signing_key_row(db: sqlite_utils.Database) -> dict[str, Any] | None:
    """The signing key in use (not retired), None when the commune has none."""
    rows = list(db.query("SELECT * FROM signing_keys WHERE retired_at IS NULL"))
    return rows[0] if rows else None


def add_signing_key(
    cdb: CommuneDatabase,
    public_key: str,
    fingerprint: str,
    secret: str,
    change_statement: str | None = None,
) -> None:
    """Keep a new signing key, made now by the acting user (``secret``: the private key sealed
    under its passphrase; ``change_statement``: the signed key change that introduced it)."""
    with cdb.transaction() as db:
        db["signing_keys"].insert(
            {
                "public_key": public_key,
                "fingerprint": fingerprint,
                "secret": secret,
                "created_at": cdb.now(),
                "created_by": cdb.actor,
                "change_statement": change_statement,
            }
        )


def retire_signing_key(cdb: CommuneDatabase, key_id: int) -> None:
    with cdb.transaction() as db:
        db["signing_keys"].update(key_id, {"retired_at": cdb.now()})


def save_office_key(cdb: CommuneDatabase, name: str, public_key: str, fingerprint: str) -> None:
    """Keep the receiving office's public key, in place of any kept before."""
    with cdb.transaction() as db:
        db["office_key"].upsert(
            {
                "id": 1,
                "name": name,
                "public_key": public_key,
                "fingerprint": fingerprint,
                "set_at": cdb.now(),
            },
            pk="id",
        )


def office_key_row(db: sqlite_utils.Database) -> dict[str, Any] | None:
    """The receiving office's key as kept, None when not kept yet."""
    rows = list(db.query("SELECT * FROM office_key WHERE id = 1"))
    return rows[0] if rows else None
