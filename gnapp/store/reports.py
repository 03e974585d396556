"""Saved progress reports: every save is a new version; a final version is never changed.

A report is stored with the figures it was built from (``ReportFigures.to_dict()``), the
clerk's narrative by section key, the proposed awards, the document header (signer, signing
marks, recipients) and, for an ad-hoc report, the figure sets chosen, so a reopened report shows
what was sent even after the register has moved on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.i18n import tr, tr_noop
from gnapp.store.database import CommuneDatabase, inserted_id
from gnapp.store.errors import DatabaseError

STATES = ("draft", "final")
STATE_LABELS = {"draft": tr_noop("Bản nháp"), "final": tr_noop("Bản chính thức")}


class ReportError(DatabaseError):
    """A saved report that cannot be found or changed (Vietnamese message)."""


@dataclass(frozen=True)
class SavedReport:
    id: int
    kind: str
    period: str
    version: int
    state: str
    number: str | None
    document_date: date | None
    figures: dict[str, Any]
    narrative: dict[str, str]
    awards: list[dict[str, Any]]
    created_at: str
    updated_at: str
    # signer_name, signer_title, signing_marks, recipients ({} for reports saved without them)
    header: dict[str, Any] = field(default_factory=dict)
    figure_sets: tuple[str, ...] | None = None  # None: all of the kind's

    @property
    def final(self) -> bool:
        return self.state == "final"


def _report(row: Mapping[str, Any]) -> SavedReport:
    return SavedReport(
        id=row["id"],
        kind=row["kind"],
        period=row["period"],
        version=row["version"],
        state=row["state"],
        number=row["number"],
        document_date=date.fromisoformat(row["document_date"]) if row["document_date"] else None,
        figures=json.loads(row["figures"]),
        narrative=json.loads(row["narrative"]),
        awards=json.loads(row["awards"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        header=json.loads(row["header"]),
        figure_sets=None if row["figure_sets"] is None else tuple(json.loads(row["figure_sets"])),
    )


def save_report(
    cdb: CommuneDatabase,
    kind: str,
    period: str,
    figures: Mapping[str, Any],
    narrative: Mapping[str, str],
    awards: Sequence[Mapping[str, Any]] = (),
    state: str = "draft",
    *,
    number: str | None = None,
    document_date: date | None = None,
    header: Mapping[str, Any] | None = None,
    figure_sets: Sequence[str] | None = None,
) -> int:
    """Save a new version of the (kind, period) report (version = the latest + 1); its id.
    ``header``: the signer and recipients set on the document; ``figure_sets``: the subset an
    ad-hoc report shows (None: all)."""
    if state not in STATES:
        raise ReportError(tr("Trạng thái báo cáo không hợp lệ: {state}", state=state))
    now = cdb.now()
    with cdb.transaction() as db:
        latest = db.execute(
            "SELECT coalesce(max(version), 0) FROM reports WHERE kind = ? AND period = ?",
            [kind, period],
        ).fetchone()[0]
        table = db.table("reports")
        table.insert(
            {
                "kind": kind,
                "period": period,
                "version": latest + 1,
                "state": state,
                "number": number or None,
                "document_date": document_date.isoformat() if document_date else None,
                "figures": json.dumps(figures, ensure_ascii=False),
                "narrative": json.dumps(dict(narrative), ensure_ascii=False),
                "awards": json.dumps([dict(a) for a in awards], ensure_ascii=False),
                "header": json.dumps(dict(header or {}), ensure_ascii=False),
                "figure_sets": None if figure_sets is None else json.dumps(list(figure_sets)),
                "created_at": now,
                "updated_at": now,
            }
        )
        return inserted_id(table)


def load_report(db: sqlite_utils.Database, report_id: int) -> SavedReport:
    rows = list(db.query("SELECT * FROM reports WHERE id = ?", [report_id]))
    if not rows:
        raise ReportError(tr("Không tìm thấy báo cáo đã lưu số {id}.", id=report_id))
    return _report(rows[0])


def list_reports(db: sqlite_utils.Database, kind: str | None = None) -> list[SavedReport]:
    """Saved reports, the newest period first, then the newest version first."""
    where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
    return [
        _report(row)
        for row in db.query(
            f"SELECT * FROM reports {where} ORDER BY period DESC, kind, version DESC", params
        )
    ]


def finalise(cdb: CommuneDatabase, report_id: int) -> None:
    """Mark a draft as the final version; from then on it is read-only."""
    report = load_report(cdb.db, report_id)
    if report.final:
        raise ReportError(
            tr(
                "Báo cáo phiên bản {version} đã là bản chính thức, không sửa được; hãy tạo phiên "
                "bản nháp mới từ bản này.",
                version=report.version,
            )
        )
    with cdb.transaction() as db:
        db.table("reports").update(report_id, {"state": "final", "updated_at": cdb.now()})


def new_draft_from(cdb: CommuneDatabase, report_id: int) -> int:
    """Start a new draft version holding the same figures, narrative, awards, header and
    figure sets."""
    report = load_report(cdb.db, report_id)
    return save_report(
        cdb,
        report.kind,
        report.period,
        report.figures,
        report.narrative,
        report.awards,
        number=report.number,
        document_date=report.document_date,
        header=report.header,
        figure_sets=report.figure_sets,
    )
