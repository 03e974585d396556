"""Every file offered to the office, taken in or refused (table ``receipts``; a refusal keeps
only the reason)."""

from __future__ import annotations

from typing import Any

from gnapp.office.store.database import OfficeDatabase


def add_receipt(
    office: OfficeDatabase,
    file_name: str,
    file_sha256: str,
    message: str,
    actor: str,
    *,
    package_id: int | None = None,
    check_code: str | None = None,
) -> None:
    """Record a file offered now by ``actor`` (the user, as records name them): taken in as
    ``package_id``, or refused (``package_id`` None) by the check ``check_code`` for
    ``message``."""
    with office.transaction() as db:
        db.table("receipts").insert(
            {
                "at": office.now(),
                "file_name": file_name,
                "file_sha256": file_sha256,
                "accepted": int(package_id is not None),
                "package_id": package_id,
                "check_code": check_code,
                "message": message,
                "actor": actor,
            }
        )


def offered_before(office: OfficeDatabase, file_sha256: str) -> bool:
    """Whether a file with these bytes was offered before (taken in or refused)."""
    return (
        office.db.execute("SELECT 1 FROM receipts WHERE file_sha256 = ?", [file_sha256]).fetchone()
        is not None
    )


def receipt_rows(office: OfficeDatabase, limit: int) -> list[dict[str, Any]]:
    """The latest ``limit`` receipts, newest first, with who offered the file (``actor``, None
    before the office had users), the commune's ``name``, the package's report ``kind`` and
    ``period`` (None for a refusal), whether it was a ``correction`` and the package's ``notes``
    (JSON)."""
    return list(
        office.db.query(
            """SELECT r.at, r.file_name, r.accepted, r.check_code, r.message, r.actor, c.name,
                      p.kind, p.period, p.correction_of IS NOT NULL AS correction, p.notes
               FROM receipts r
               LEFT JOIN packages p ON p.id = r.package_id
               LEFT JOIN communes c ON c.id = p.commune_id
               ORDER BY r.id DESC LIMIT ?""",
            [limit],
        )
    )
