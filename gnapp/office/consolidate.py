"""The consolidated report of all communes: each commune's newest package for the report and
period, added up from the parts (counts summed, every total and rate computed again, never an
average of rates), written as XLSX and PDF in the same official forms under the office's own
header."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from gnapp.core.vietnamese import format_date, local_time
from gnapp.i18n import Sentence, tr, tr_noop
from gnapp.office.board import (
    ReceivedPackage,
    column_label,
    latest_packages,
    received_packages,
)
from gnapp.office.registry import communes
from gnapp.office.store.consolidations import add_consolidation, consolidation_rows
from gnapp.office.store.database import OFFICE_ROLES, OfficeDatabase
from gnapp.office.store.packages import package_figures
from gnapp.packages.data import Part, consolidated_data, current_report_data, figures_from_data
from gnapp.reporting.builder import annex_tables, report_file_stem
from gnapp.reporting.document import (
    Annex,
    OfficialDocument,
    Signature,
    TextParagraph,
    number_symbol,
)
from gnapp.reporting.figures import (
    SENTENCE_KEYS,
    FiguresError,
    Period,
    ReportFigures,
    communes_targets_summary,
    parse_period,
    report_kind,
    report_title,
    sentences,
    targets_met,
)
from gnapp.reporting.pdf import write_pdf
from gnapp.reporting.report_xlsx import write_report_xlsx
from gnapp.reporting.tables import Column, Row, Table, heading
from gnapp.reporting.tables.pdf import data_table
from gnapp.store.users import User, require

COMMUNE_HEADER = heading("commune")
VILLAGE_HEADER = heading("village")
COMMUNES_TABLE = "communes"
BY_COMMUNE = {"lists_by_village": "lists_by_commune"}  # the table's row is a commune here
# The communes' own sentences but the one naming a commune.
BODY_SENTENCES = tuple(key for key in SENTENCE_KEYS if key != "commune")


class ConsolidationError(FiguresError):
    """A consolidation that cannot be made (Vietnamese message)."""


@dataclass(frozen=True)
class Consolidation:
    kind: str
    period: Period
    figures: ReportFigures
    packages: tuple[ReceivedPackage, ...]  # the part of each commune that sent the report
    missing: tuple[str, ...]  # the registered communes that have not
    notes: tuple[Sentence, ...]  # shown in the language, written in Vietnamese in the document
    communes_targets: tuple[int, int]  # (met, with a figure), each commune's own, added up


def _choose_kind(office: OfficeDatabase, period: str, kind: str | None) -> str:
    if kind is not None:
        report_kind(kind)
        return kind
    kinds = sorted({p.kind for p in received_packages(office, period=period)})
    if not kinds:
        raise ConsolidationError(tr("Chưa nhận báo cáo nào của kỳ {period}.", period=period))
    if len(kinds) > 1:
        names = ", ".join(f"{tr(report_kind(k).name)} ({k})" for k in kinds)
        raise ConsolidationError(
            tr(
                "Kỳ {period} có nhiều loại báo cáo: {names}; hãy chọn một loại.",
                period=period,
                names=names,
            )
        )
    return kinds[0]


def consolidate(office: OfficeDatabase, period: str, kind: str | None = None) -> Consolidation:
    """Add up the newest package of each commune for ``kind`` (the only kind received for the
    period when None) and ``period``."""
    code = parse_period(period).code
    kind = _choose_kind(office, code, kind)
    packages = latest_packages(office, kind, code)
    if not packages:
        raise ConsolidationError(
            tr(
                "Chưa nhận {report} kỳ {period} của xã nào.",
                report=tr(report_kind(kind).name).lower(),
                period=code,
            )
        )
    parts = [
        Part(
            package.commune_code,
            package.commune_name,
            current_report_data(package_figures(office, package.id)),
        )
        for package in packages
    ]
    notes = []
    points = parts[0].data["points"]
    for part in parts[1:]:
        if part.data["points"] != points:
            theirs = part.data["points"]
            notes.append(
                Sentence(
                    tr_noop(
                        "{commune} so sánh danh sách cuối năm {start} với {end}, khác với các xã "
                        "khác ({others_start}, {others_end})."
                    ),
                    commune=part.name,
                    start=theirs["start_year"],
                    end=theirs["end_year"],
                    others_start=points["start_year"],
                    others_end=points["end_year"],
                )
            )
    identity = office.identity
    data = consolidated_data(parts, identity.area, identity.kind, identity.province)
    sent = {p.commune_code for p in packages}
    own_counts = [targets_met(figures_from_data(part.data).targets) for part in parts]
    return Consolidation(
        kind=kind,
        period=parse_period(code),
        figures=figures_from_data(data),
        packages=tuple(packages),
        missing=tuple(c.name for c in communes(office) if c.code not in sent),
        notes=tuple(notes),
        communes_targets=(sum(m for m, _ in own_counts), sum(n for _, n in own_counts)),
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _day(stamp: str) -> str:
    return format_date(local_time(stamp).date())


def _communes_table(consolidation: Consolidation) -> Table:
    columns = (
        Column("number", heading("number"), "index", width=0.7),  # "STT" on one line
        Column("name", COMMUNE_HEADER, "text", width=2.6),
        Column("sequence", "Gói số", "value", width=0.8),
        Column("version", "Phiên bản báo cáo", "value", width=1.0),
        Column("created", "Ngày lập", "text", width=1.5),
        Column("received", "Ngày nhận", "text", width=1.5),
        Column("note", heading("note"), "text", width=2.0),
    )
    rows = [
        Row(
            {
                "number": n,
                "name": p.commune_name,
                "sequence": p.sequence,
                "version": p.report_version,
                "created": _day(p.created_at),
                "received": _day(p.received_at),
                "note": "Bản sửa" if p.correction_of else "",
            }
        )
        for n, p in enumerate(consolidation.packages, start=1)
    ]
    rows += [
        Row({"number": n, "name": name, "note": "Chưa gửi báo cáo"})
        for n, name in enumerate(consolidation.missing, start=len(rows) + 1)
    ]
    return Table(
        columns,
        tuple(rows),
        id=COMMUNES_TABLE,
        title="Các xã, phường, thị trấn gửi báo cáo",
        totals=False,
    )


def consolidation_tables(consolidation: Consolidation) -> tuple[Table, ...]:
    """The list of communes and packages, then the report kind's tables with a row per
    commune."""
    tables = [_communes_table(consolidation)]
    for table in annex_tables(consolidation.figures):
        columns = tuple(
            replace(c, header=COMMUNE_HEADER) if c.header == VILLAGE_HEADER else c
            for c in table.columns
        )
        title = table.title.replace("theo thôn, tổ dân phố", "theo xã, phường, thị trấn")
        table_id = BY_COMMUNE.get(table.id, table.id)
        tables.append(replace(table, id=table_id, title=title, columns=columns))
    return tuple(tables)


def consolidation_document(
    office: OfficeDatabase,
    consolidation: Consolidation,
    on: date,
    number: str | None = None,
) -> tuple[OfficialDocument, tuple[Table, ...]]:
    """The consolidated report under the office's header, with its tables as annexes."""
    identity = office.identity
    report = report_kind(consolidation.kind)
    subject = "Tổng hợp " + _lower_first(
        report.subject.format(period=consolidation.period.label, commune=identity.area)
    )
    tables = consolidation_tables(consolidation)
    numbers = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
    written = sentences(consolidation.figures) | {
        "targets": communes_targets_summary(consolidation.figures, *consolidation.communes_targets)
    }
    sent = len(consolidation.packages)
    opening = (
        f"{identity.name} tổng hợp "
        f"{_lower_first(report_title(report.name, consolidation.period))} của {sent} xã, "
        "phường, thị trấn đã gửi gói báo cáo có chữ ký số (Phụ lục I). Số liệu toàn "
        f"{identity.area} là tổng số liệu của từng xã; các tỷ lệ được tính lại từ các số tổng."
    )
    body = [TextParagraph(opening)]
    if consolidation.missing:
        body.append(TextParagraph(f"Chưa nhận báo cáo của: {', '.join(consolidation.missing)}."))
    body += [TextParagraph(written[key]) for key in BODY_SENTENCES if key in written]
    body += [TextParagraph(f"Lưu ý: {note.written()}", italic=True) for note in consolidation.notes]
    body.append(
        TextParagraph(
            f"(Chi tiết tại các Phụ lục II – {numbers[len(tables) - 1]} kèm theo)", italic=True
        )
    )
    body.append(
        TextParagraph(
            f"Trên đây là báo cáo {_lower_first(subject)}, {identity.name} kính báo cáo./."
        )
    )
    document = OfficialDocument(
        parent_body=identity.parent_body,
        issuing_office=identity.office,
        number_symbol=number_symbol(number or None, identity.symbol),
        place=identity.place,
        date=on,
        kind="BÁO CÁO",
        subject=subject,
        body=tuple(body),
        annexes=tuple(
            Annex(numbers[i], table.title, (data_table(table),)) for i, table in enumerate(tables)
        ),
        recipients=("Lưu: VT",),
        signatures=(
            Signature(identity.signer_title, identity.signer_name, identity.signing_marks),
        ),
        issuer_name=identity.name,
    )
    return document, tables


def write_consolidation(
    office: OfficeDatabase,
    consolidation: Consolidation,
    folder: str | Path,
    on: date,
    user: User,
    number: str | None = None,
) -> tuple[Path, Path]:
    """Write tong-hop-<report>-<period>.pdf and .xlsx ("tong-hop-bao-cao-nam-2025") into
    ``folder``, as ``user`` (an officer or the head: PermissionDenied otherwise), and record it
    in the office's list of consolidated reports, naming the user."""
    require(user, "receive", OFFICE_ROLES)
    folder = Path(folder)
    if not folder.is_dir():
        raise ConsolidationError(tr("Không có thư mục {folder}", folder=folder))
    document, tables = consolidation_document(office, consolidation, on, number)
    stem = f"tong-hop-{report_file_stem(consolidation.kind, consolidation.period.code)}"
    pdf = write_pdf(document, folder / f"{stem}.pdf")
    xlsx = folder / f"{stem}.xlsx"
    write_report_xlsx(document, tables, xlsx)
    add_consolidation(
        office,
        user.actor,
        consolidation.kind,
        consolidation.period.code,
        number,
        on.isoformat(),
        (len(consolidation.packages), len(consolidation.missing)),
        (pdf.name, xlsx.name),
    )
    return pdf, xlsx


@dataclass(frozen=True)
class ConsolidationRecord:
    """One consolidated report the office wrote, as it was recorded."""

    at: str  # when it was written (UTC)
    actor: str  # who wrote it
    report: str  # e.g. "Báo cáo năm 2025"
    number: str | None
    document_date: str  # ISO date on the document
    communes: int  # communes added up
    missing: int  # registered communes that had not sent the report
    files: tuple[str, ...]


def consolidation_history(office: OfficeDatabase, limit: int = 1000) -> list[ConsolidationRecord]:
    """The consolidated reports written, newest first, each naming who wrote it."""
    return [
        ConsolidationRecord(
            at=row["at"],
            actor=row["actor"],
            report=column_label((row["kind"], row["period"])),
            number=row["number"],
            document_date=row["document_date"],
            communes=row["communes"],
            missing=row["missing"],
            files=tuple(json.loads(row["files"])),
        )
        for row in consolidation_rows(office, limit)
    ]
