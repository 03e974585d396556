"""Read-only questions about a review round's questionnaires, for checks outside the workflow."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils


def complete_surveys(
    db: sqlite_utils.Database, round_id: int
) -> list[tuple[dict[str, Any], str | None]]:
    """(answers, recorded class) of every complete Phiếu B of the round."""
    rows = db.execute(
        "SELECT answers, class_code FROM questionnaires "
        "WHERE round_id = ? AND form = 'B' AND state = 'complete'",
        [round_id],
    ).fetchall()
    return [(json.loads(answers), class_code) for answers, class_code in rows]
