"""The packages received (tables ``packages`` and ``package_files``): each commune's chain of
sequence numbers and hashes, the reports they carry and their files, decrypted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gnapp.office.store.database import OfficeDatabase
from gnapp.store.database import inserted_id

_RECEIVED = "SELECT p.*, c.code, c.name FROM packages p JOIN communes c ON c.id = p.commune_id"


def package_by_hash(office: OfficeDatabase, package_hash: str) -> dict[str, Any] | None:
    """The received package with this hash (its ``sequence`` and ``received_at``), if any."""
    rows = list(
        office.db.query("SELECT sequence, received_at FROM packages WHERE hash = ?", [package_hash])
    )
    return rows[0] if rows else None


def commune_chain(office: OfficeDatabase, commune_id: int) -> dict[int, dict[str, Any]]:
    """The commune's packages received (``hash``, ``previous_hash``, ``received_at``, the
    change log's ``log_length`` and ``log_head``) by sequence number."""
    return {
        row["sequence"]: row
        for row in office.db.query(
            "SELECT sequence, hash, previous_hash, received_at, log_length, log_head "
            "FROM packages WHERE commune_id = ?",
            [commune_id],
        )
    }


def last_sequence(office: OfficeDatabase, commune_id: int) -> int:
    """The highest sequence number received from the commune (0: none yet)."""
    return office.db.execute(
        "SELECT coalesce(max(sequence), 0) FROM packages WHERE commune_id = ?", [commune_id]
    ).fetchone()[0]


def newest_of_report(
    office: OfficeDatabase, commune_id: int, kind: str, period: str
) -> dict[str, Any] | None:
    """The ``id`` and ``sequence`` of the commune's newest package of the report, if any."""
    rows = list(
        office.db.query(
            "SELECT id, sequence FROM packages WHERE commune_id = ? AND kind = ? AND period = ? "
            "ORDER BY sequence DESC LIMIT 1",
            [commune_id, kind, period],
        )
    )
    return rows[0] if rows else None


def package_figures(office: OfficeDatabase, package_id: int) -> dict[str, Any]:
    """The figures a received package carries (its ``figures.json``, decoded)."""
    row = office.db.execute(
        "SELECT content FROM package_files WHERE package_id = ? AND name = 'figures.json'",
        [package_id],
    ).fetchone()
    return json.loads(row[0])


def add_package(
    office: OfficeDatabase, package: Mapping[str, Any], files: Mapping[str, bytes]
) -> int:
    """Store a package (its columns as in the table) with its files; its id."""
    with office.transaction() as db:
        table = db.table("packages")
        table.insert(dict(package))
        package_id = inserted_id(table)
        db.table("package_files").insert_all(
            {"package_id": package_id, "name": name, "content": content}
            for name, content in files.items()
        )
    return package_id


def received_package_rows(
    office: OfficeDatabase, kind: str | None = None, period: str | None = None
) -> list[dict[str, Any]]:
    """Received packages with their commune's ``code`` and ``name``, of the report ``kind``
    and ``period`` when given, by commune code then sequence number."""
    where, params = [], []
    if kind is not None:
        where.append("p.kind = ?")
        params.append(kind)
    if period is not None:
        where.append("p.period = ?")
        params.append(period)
    sql = (
        _RECEIVED
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY c.code, p.sequence"
    )
    return list(office.db.query(sql, params))
