"""The office's own key and the registered communes with their signing keys (tables
``office_keys``, ``communes``, ``commune_keys``). Keys are stored as base64 text; the rules of
which key signs what are in gnapp/office/registry.py."""

from __future__ import annotations

from typing import Any

from gnapp.office.store.database import OfficeDatabase
from gnapp.store.database import inserted_id


def add_office_key(
    office: OfficeDatabase, public_key: str, fingerprint: str, secret: str, created_at: str
) -> None:
    """Keep the office's key pair (``secret``: the private key sealed under its passphrase)."""
    with office.transaction() as db:
        db.table("office_keys").insert(
            {
                "public_key": public_key,
                "fingerprint": fingerprint,
                "secret": secret,
                "created_at": created_at,
            }
        )


def current_office_key(office: OfficeDatabase) -> dict[str, Any] | None:
    """The office's key in use (not retired), None when it has none."""
    rows = list(office.db.query("SELECT * FROM office_keys WHERE retired_at IS NULL"))
    return rows[0] if rows else None


def commune_rows(office: OfficeDatabase) -> list[dict[str, Any]]:
    """The registered communes, by code."""
    return list(office.db.query("SELECT * FROM communes ORDER BY code"))


def commune_row(office: OfficeDatabase, code: str) -> dict[str, Any] | None:
    rows = list(office.db.query("SELECT * FROM communes WHERE code = ?", [code]))
    return rows[0] if rows else None


def commune_key_rows(office: OfficeDatabase, commune_id: int) -> list[dict[str, Any]]:
    """Every key registered for the commune, oldest first."""
    return list(
        office.db.query("SELECT * FROM commune_keys WHERE commune_id = ? ORDER BY id", [commune_id])
    )


def add_commune(office: OfficeDatabase, code: str, name: str, registered_at: str) -> int:
    with office.transaction() as db:
        table = db.table("communes")
        table.insert({"code": code, "name": name, "registered_at": registered_at})
        return inserted_id(table)


def rename_commune(office: OfficeDatabase, commune_id: int, name: str) -> None:
    with office.transaction() as db:
        db.table("communes").update(commune_id, {"name": name})


def revoke_commune_keys(office: OfficeDatabase, commune_id: int, at: str, actor: str) -> None:
    """Revoke every key of the commune not revoked yet (``actor``: who, as records name them)."""
    with office.transaction() as db:
        db.execute(
            "UPDATE commune_keys SET revoked_at = ?, revoked_by = ? "
            "WHERE commune_id = ? AND revoked_at IS NULL",
            [at, actor, commune_id],
        )


def add_commune_key(
    office: OfficeDatabase,
    commune_id: int,
    public_key: str,
    fingerprint: str,
    source: str,
    registered_at: str,
    from_sequence: int,
    actor: str,
    statement: str | None = None,
) -> None:
    """Register a key signing the commune's packages from ``from_sequence`` on (``source``:
    file, change or replacement; ``actor``: who registered it; ``statement``: the signed key
    change that brought it)."""
    with office.transaction() as db:
        db.table("commune_keys").insert(
            {
                "commune_id": commune_id,
                "public_key": public_key,
                "fingerprint": fingerprint,
                "source": source,
                "registered_at": registered_at,
                "from_sequence": from_sequence,
                "registered_by": actor,
                "statement": statement,
            }
        )


def end_commune_key(office: OfficeDatabase, key_id: int, until_sequence: int) -> None:
    """The key signs packages only up to (not including) ``until_sequence``."""
    with office.transaction() as db:
        db.table("commune_keys").update(key_id, {"until_sequence": until_sequence})
