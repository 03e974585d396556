"""Every consolidated report the office wrote (table ``consolidations``): when, by whom, which
report and period, its number and date, how many communes it added up and which files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from gnapp.office.store.database import OfficeDatabase


def add_consolidation(
    office: OfficeDatabase,
    actor: str,
    kind: str,
    period: str,
    number: str | None,
    document_date: str,
    counts: tuple[int, int],
    files: Sequence[str],
) -> None:
    """Record a consolidated report written now by ``actor`` (``counts``: communes added up,
    communes missing; ``files``: the names written)."""
    communes, missing = counts
    with office.transaction() as db:
        db.table("consolidations").insert(
            {
                "at": office.now(),
                "actor": actor,
                "kind": kind,
                "period": period,
                "number": number,
                "document_date": document_date,
                "communes": communes,
                "missing": missing,
                "files": json.dumps(list(files), ensure_ascii=False),
            }
        )


def consolidation_rows(office: OfficeDatabase, limit: int) -> list[dict[str, Any]]:
    """The latest ``limit`` consolidated reports written, newest first (``files`` as JSON)."""
    return list(office.db.query("SELECT * FROM consolidations ORDER BY id DESC LIMIT ?", [limit]))
