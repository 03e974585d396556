"""The board: which commune has sent which report for which period, and the received
packages behind it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gnapp.core.vietnamese import format_date, local_time
from gnapp.i18n import tr
from gnapp.office.registry import communes
from gnapp.office.store.database import OfficeDatabase
from gnapp.office.store.packages import received_package_rows
from gnapp.office.store.receipts import receipt_rows
from gnapp.reporting.figures import FiguresError, report_kind


@dataclass(frozen=True)
class ReceivedPackage:
    id: int
    commune_code: str
    commune_name: str
    sequence: int
    kind: str
    period: str
    report_version: int
    created_at: str
    received_at: str
    file_name: str
    encrypted: bool
    households: bool
    correction_of: int | None
    notes: tuple[str, ...]


def _package(row: dict[str, Any]) -> ReceivedPackage:
    return ReceivedPackage(
        id=row["id"],
        commune_code=row["code"],
        commune_name=row["name"],
        sequence=row["sequence"],
        kind=row["kind"],
        period=row["period"],
        report_version=row["report_version"],
        created_at=row["created_at"],
        received_at=row["received_at"],
        file_name=row["file_name"],
        encrypted=bool(row["encrypted"]),
        households=bool(row["households"]),
        correction_of=row["correction_of"],
        notes=tuple(json.loads(row["notes"])),
    )


def received_packages(
    office: OfficeDatabase, kind: str | None = None, period: str | None = None
) -> list[ReceivedPackage]:
    """Received packages, by commune code then sequence number."""
    return [_package(row) for row in received_package_rows(office, kind, period)]


def latest_packages(office: OfficeDatabase, kind: str, period: str) -> list[ReceivedPackage]:
    """For each commune, its newest package (highest sequence number) of the report."""
    latest: dict[str, ReceivedPackage] = {}
    for package in received_packages(office, kind, period):
        latest[package.commune_code] = package
    return list(latest.values())


@dataclass(frozen=True)
class BoardCell:
    """A commune's report for a period: its newest package and how many were received."""

    package: ReceivedPackage
    versions: int

    @property
    def text(self) -> str:
        day = format_date(local_time(self.package.received_at).date())
        if self.versions > 1:
            return tr(
                "Đã nhận {day} (bản sửa lần {correction})", day=day, correction=self.versions - 1
            )
        return tr("Đã nhận {day}", day=day)


@dataclass(frozen=True)
class Board:
    """Rows: the registered communes; columns: (report kind, period) pairs received."""

    columns: tuple[tuple[str, str], ...]
    communes: tuple[tuple[str, str], ...]  # (code, name)
    cells: dict[tuple[str, tuple[str, str]], BoardCell]

    def cell(self, commune_code: str, column: tuple[str, str]) -> BoardCell | None:
        return self.cells.get((commune_code, column))

    def missing(self, column: tuple[str, str]) -> list[str]:
        """The names of the communes that have not sent this report."""
        return [name for code, name in self.communes if (code, column) not in self.cells]


def column_label(column: tuple[str, str]) -> str:
    kind, period = column
    try:
        return f"{report_kind(kind).name} {period}"
    except FiguresError:
        return f"{kind} {period}"


def board(office: OfficeDatabase, kind: str | None = None) -> Board:
    """Which commune sent which report for which period (newest period first)."""
    packages = received_packages(office, kind)
    columns = sorted(
        {(p.kind, p.period) for p in packages}, key=lambda c: (c[1], c[0]), reverse=True
    )
    cells: dict[tuple[str, tuple[str, str]], BoardCell] = {}
    for package in packages:
        key = (package.commune_code, (package.kind, package.period))
        before = cells.get(key)
        versions = before.versions + 1 if before else 1
        newest = (
            package
            if before is None or package.sequence > before.package.sequence
            else before.package
        )
        cells[key] = BoardCell(newest, versions)
    return Board(
        tuple(columns),
        tuple((c.code, c.name) for c in communes(office)),
        cells,
    )


@dataclass(frozen=True)
class ReceiptRecord:
    """One file offered to the office, as its receipt was stored."""

    at: str
    file_name: str
    accepted: bool
    commune_name: str | None  # None: refused before it was known whose it was
    report: str | None  # e.g. "Báo cáo năm 2025"
    correction: bool
    check: str | None  # the failed check's code
    message: str
    notes: tuple[str, ...] = ()  # what receiving noted (gaps, a late package, the change log)
    actor: str | None = None  # who offered it; None before the office had users


def receipt_history(office: OfficeDatabase, limit: int = 1000) -> list[ReceiptRecord]:
    """The files offered to the office, newest first: received, corrections and refusals."""
    return [
        ReceiptRecord(
            at=row["at"],
            file_name=row["file_name"],
            accepted=bool(row["accepted"]),
            commune_name=row["name"],
            report=column_label((row["kind"], row["period"])) if row["kind"] else None,
            correction=bool(row["correction"]),
            check=row["check_code"],
            message=row["message"],
            notes=tuple(json.loads(row["notes"])) if row["notes"] else (),
            actor=row["actor"],
        )
        for row in receipt_rows(office, limit)
    ]
