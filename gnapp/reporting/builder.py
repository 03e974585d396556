"""A progress report as an official document: the figures, the clerk's narrative and the
proposed awards laid out along the kind's outline (forms/reports/kinds/<kind>.json).

``build_document`` gives an ``OfficialDocument`` (written by ``gnapp.reporting.pdf``);
``annex_tables`` gives the report's tables as plain data, shared by the PDF annexes and the
XLSX workbook (``gnapp.reporting.report_xlsx``), so both show the same figures.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from gnapp.core.official import OfficialDataError, document_kind, full_number
from gnapp.core.vietnamese import file_slug, format_date, format_number
from gnapp.i18n import tr, tr_noop
from gnapp.paths import remove_stale_files
from gnapp.progress import Progress
from gnapp.reporting.document import (
    Annex,
    Block,
    Bullet,
    Chart,
    OfficialDocument,
    SectionHeading,
    Series,
    TextParagraph,
    number_symbol,
)
from gnapp.reporting.figures import (
    FIGURE_SET_LABELS,
    GROUP_LABELS,
    LIST_LABELS,
    FiguresError,
    ReportFigures,
    Section,
    TargetFigure,
    progress_words,
    report_figures,
    report_kind,
    report_tables,
    require_consistent,
    sentence_figure_sets,
    sentences,
    table_figure_sets,
    target_label,
    year_end,
)
from gnapp.reporting.issuer import bases_lines, issuer, signature
from gnapp.reporting.output_tables import capital_table, outputs_table, policies_table
from gnapp.reporting.pdf import write_pdf
from gnapp.reporting.report_xlsx import write_report_xlsx
from gnapp.reporting.tables import Column, Group, Row, Table, heading
from gnapp.reporting.tables.pdf import data_table
from gnapp.store.database import CommuneDatabase
from gnapp.store.overview import status_years
from gnapp.store.programme import programme_for_year
from gnapp.store.reports import SavedReport
from gnapp.store.settings import SETTINGS, current_settings, save_settings

OFFICIAL_KIND = "report"  # forms/documents/issuers.json: issuer, symbol and bases of a report
SYMBOL = document_kind(OFFICIAL_KIND).symbol
DOCUMENT_KIND = "BÁO CÁO"
DEFAULT_TITLE = SETTINGS["document.signer_title"].default
DEFAULT_RECIPIENTS = tuple(SETTINGS["document.recipients"].default)
OPENING = "opening"  # narrative key of the paragraph under "Kính gửi"
DOCUMENTS = "documents_issued"  # narrative key: the documents issued, one per line
AWARD_KINDS = {"collective": tr_noop("Tập thể"), "individual": tr_noop("Cá nhân")}
PEOPLE_UNIT = "Đơn vị tính: hộ, người"
SECTION_II_2_TABLES = {
    "capital": capital_table,
    "outputs": outputs_table,
    "policies": policies_table,
}
# What writing a report leaves when killed: its files aside (".<name>.dang-ghi") and the PDF and
# XLSX writers' temporaries beside those ("..<name>.pdf.dang-ghi.<random>.tmp",
# "..<name>.xlsx-<random>.tmp").
REPORT_TEMPORARIES = (".*.dang-ghi", "..*.dang-ghi.*.tmp", "..*.xlsx-*.tmp")
# An empty section the clerk writes by hand on the printed page: dotted lines, never a remark
FILL_IN = (TextParagraph("…" * 33, indent=False),) * 2  # a line each at 14 pt on A4 portrait
FILL_IN_CELL = "…" * 8  # within a table's narrow text column
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


class ReportBuildError(FiguresError):
    """A report that cannot be built as asked (Vietnamese message)."""


# --- the header ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentHeader:
    """What the clerk sets on the document: its number (None leaves a blank), date and signer.
    An empty ``signer_name`` leaves the line blank for the name to be written by hand."""

    number: str | None
    date: date
    signer_name: str = ""
    signer_title: str = DEFAULT_TITLE
    recipients: tuple[str, ...] = DEFAULT_RECIPIENTS


def default_header(
    db: sqlite_utils.Database, on: date, number: str | None = None
) -> DocumentHeader:
    """A header with the signer and recipients kept in the settings (defaults otherwise)."""
    kept = current_settings(db)
    return DocumentHeader(
        number=number,
        date=on,
        signer_name=kept["document.signer_name"],
        signer_title=kept["document.signer_title"],
        recipients=tuple(kept["document.recipients"]),
    )


# --- the figure sets shown ------------------------------------------------------------------


def chosen_figure_sets(kind: str, figure_sets: Iterable[str] | None = None) -> frozenset[str]:
    """The figure sets a report of ``kind`` shows: all of the kind's, or (kinds whose clerk
    chooses, the ad-hoc report) the subset ``figure_sets``."""
    report = report_kind(kind)
    if figure_sets is None:
        return frozenset(report.figure_sets)
    chosen = frozenset(figure_sets)
    unknown = chosen - set(report.figure_sets)
    if unknown:
        raise ReportBuildError(
            tr(
                "{report} không có nhóm số liệu: {unknown} (có: {known}).",
                report=tr(report.name),
                unknown=", ".join(sorted(unknown)),
                known=", ".join(report.figure_sets),
            )
        )
    if not report.choose_figure_sets and chosen != set(report.figure_sets):
        raise ReportBuildError(
            tr("{report} gồm đủ các nhóm số liệu, không chọn bớt được.", report=tr(report.name))
        )
    return chosen


def figure_set_names(figure_sets: Iterable[str]) -> str:
    """The chosen sets in Vietnamese, in the order of FIGURE_SET_LABELS."""
    return "; ".join(label for code, label in FIGURE_SET_LABELS.items() if code in figure_sets)


def _shows(sets: frozenset[str], chosen: frozenset[str]) -> bool:
    return bool(sets & chosen)


def _service_codes(figures: ReportFigures) -> tuple[str, ...]:
    return tuple(s.code for s in figures.services)


HEADER_CHOICES = ("signer_name", "signer_title", "recipients")


def header_choices(header: DocumentHeader) -> dict[str, Any]:
    """What a saved report keeps of its header besides the number and the date (JSON)."""
    return {
        "signer_name": header.signer_name,
        "signer_title": header.signer_title,
        "recipients": list(header.recipients),
    }


def saved_header(
    db: sqlite_utils.Database,
    number: str | None,
    on: date,
    choices: Mapping[str, Any],
) -> DocumentHeader:
    """A saved report's header: its ``header_choices`` over the defaults of the settings."""
    header = default_header(db, on, number)
    kept = {key: choices[key] for key in HEADER_CHOICES if key in choices}
    if "recipients" in kept:
        kept["recipients"] = tuple(kept["recipients"])
    return replace(header, **kept)


def keep_header_defaults(cdb: CommuneDatabase, header: DocumentHeader) -> None:
    """Make the header's signer and recipients the defaults of later documents."""
    save_settings(cdb, {f"document.{key}": value for key, value in header_choices(header).items()})


# --- the clerk's sections ----------------------------------------------------------------------


@dataclass(frozen=True)
class NarrativeSection:
    """A section of the outline: its narrative key ("I", "II.1", "II.3.1"), heading, level,
    the figure sentences it holds and whether the clerk writes there."""

    key: str
    heading: str
    level: int
    sentences: tuple[str, ...]
    tables: tuple[str, ...]
    narrative: bool


def outline_sections(
    kind: str, figure_sets: Iterable[str] | None = None
) -> tuple[NarrativeSection, ...]:
    """Every heading of the kind's outline, in reading order. With a subset of figure sets
    (ad-hoc reports) a section keeps only the sentences and tables of the chosen sets; one left
    with nothing to show is dropped and the headings are numbered again without gaps (the keys
    stay those of the outline)."""
    chosen = chosen_figure_sets(kind, figure_sets)
    found: list[NarrativeSection] = []

    def kept(section: Section) -> Section | None:
        parts = tuple(p for p in (kept(part) for part in section.parts) if p is not None)
        sentences = tuple(
            key for key in section.sentences if _shows(sentence_figure_sets(key), chosen)
        )
        tables = tuple(t for t in section.tables if _shows(table_figure_sets(t), chosen))
        if not (parts or sentences or tables or section.narrative):
            return None
        return replace(section, sentences=sentences, tables=tables, parts=parts)

    def walk(section: Section, key: str, number: str, level: int) -> None:
        found.append(
            NarrativeSection(
                key,
                f"{number}. {section.title}",
                level,
                section.sentences,
                section.tables,
                section.narrative,
            )
        )
        for count, part in enumerate(section.parts, start=1):
            shown = f"{number}.{count}" if "." in part.number else str(count)
            walk(part, f"{key.split('.')[0]}.{part.number}", shown, level + 1)

    tops = [top for top in (kept(t) for t in report_kind(kind).outline) if top is not None]
    for index, top in enumerate(tops):
        walk(top, top.number, ROMAN[index], 1)
    return tuple(found)


def sentence_keys(pattern: Sequence[str], written: Mapping[str, str]) -> list[str]:
    """The sentence keys a section names, "target.*" and "budget.*" expanded in order."""
    keys: list[str] = []
    for key in pattern:
        if key.endswith("*"):
            keys += [k for k in written if k.startswith(key[:-1])]
        elif key in written:
            keys.append(key)
    return keys


def section_sentence_keys(
    section: NarrativeSection,
    figures: ReportFigures,
    written: Mapping[str, str],
    figure_sets: Iterable[str] | None = None,
) -> list[str]:
    """The keys of the figure sentences a section shows, in order (``written`` is
    ``sentences(figures)``)."""
    chosen = chosen_figure_sets(figures.kind, figure_sets)
    services = _service_codes(figures)
    return [
        key
        for key in sentence_keys(section.sentences, written)
        if _shows(sentence_figure_sets(key, services), chosen)
    ]


def text_blocks(text: str) -> list[Block]:
    """The clerk's text: a paragraph per line, "- " and "+ " lines as bullets."""
    blocks: list[Block] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if line[0] in "-+" and line[1:2] == " ":
            blocks.append(Bullet(line[2:].strip(), marker=line[0]))  # type: ignore[arg-type]
        else:
            blocks.append(TextParagraph(line))
    return blocks


# --- awards ----------------------------------------------------------------------------------


def check_awards(kind: str, awards: Sequence[Mapping[str, Any]]) -> None:
    """Refuse awards a kind does not take, of an unknown kind, unnamed, or over the limits."""
    if awards and "award_proposals" not in report_kind(kind).annexes:
        raise ReportBuildError(
            tr(
                "{report} không kèm danh sách đề nghị khen thưởng.",
                report=tr(report_kind(kind).name),
            )
        )
    for number, award in enumerate(awards, start=1):
        if award.get("kind") not in AWARD_KINDS:
            raise ReportBuildError(
                tr("Dòng khen thưởng {number}: phải là tập thể hoặc cá nhân.", number=number)
            )
        if not str(award.get("name", "")).strip():
            raise ReportBuildError(tr("Dòng khen thưởng {number}: chưa ghi tên.", number=number))
    for code, limit in report_kind(kind).award_limits.items():
        proposed = sum(a["kind"] == code for a in awards)
        if proposed > limit:
            raise ReportBuildError(
                tr(
                    "Đề nghị khen thưởng {proposed} {who}, quá mức tối đa {limit} {who} của "
                    "{report}.",
                    proposed=format_number(proposed),
                    who=tr(AWARD_KINDS[code]).lower(),
                    limit=format_number(limit),
                    report=tr(report_kind(kind).name).lower(),
                )
            )


# --- the annex tables ------------------------------------------------------------------------


def _list_columns(key: str, group: str, whole: str, *, members: bool) -> list[Column]:
    """A list's households (and persons), and its rate over the ``whole`` column's households,
    under one upper header."""
    return [
        Column(key, heading("households"), group=group),
        *([Column(f"{key}_members", "Số khẩu", group=group)] if members else []),
        Column(f"{key}_rate", heading("rate"), "rate", group, (key, whole)),
    ]


def _end_words(figures: ReportFigures) -> str:
    """When the end point is: "cuối năm 2025", or during the year "đến 30/6"."""
    if not figures.end.current:
        return f"cuối năm {figures.end.year}"
    day = date.fromisoformat(figures.end.on)
    return f"đến {day.day}/{day.month}"


def _lists_table(figures: ReportFigures, title: str) -> Table:
    start_year = figures.start.year
    end_label = _end_words(figures)
    # each point's rates over its own households (docs/figures.md)
    columns = [
        Column("name", heading("village"), "label"),
        Column("households_start", f"Cuối năm {start_year}", group="Tổng số hộ"),
        Column("households", end_label.capitalize(), group="Tổng số hộ"),
        Column("members", f"Tổng số khẩu {end_label}"),
    ]
    for status, label in LIST_LABELS.items():
        what = label.removeprefix("hộ ").capitalize()
        start_group = f"Hộ {what.lower()} cuối năm {start_year}"
        columns += _list_columns(f"{status}_start", start_group, "households_start", members=False)
        columns += _list_columns(
            f"{status}_end", f"Hộ {what.lower()} {end_label}", "households", members=True
        )
    minority = f"Hộ dân tộc thiểu số {end_label}"
    columns += [
        Column("em_households", "Tổng số hộ", group=minority),
        Column("em_poor", "Hộ nghèo", group=minority),
        Column("em_poor_rate", heading("rate"), "rate", minority, ("em_poor", "em_households")),
    ]
    starts = {v.village_id: v for v in figures.start.villages}

    def row(village_id: int | None) -> Row:
        end = next(v for v in figures.end.villages if v.village_id == village_id)
        start = starts[village_id]
        values: dict[str, Any] = {
            "name": end.name,
            "households_start": start.households,
            "households": end.households,
            "members": end.members,
            "em_households": end.ethnic_minority_households,
            "em_poor": end.poor.ethnic_minority,
            "em_poor_rate": end.poor.ethnic_minority_rate,
        }
        for status in LIST_LABELS:
            before, after = getattr(start, status), getattr(end, status)
            values |= {
                f"{status}_start": before.households,
                f"{status}_start_rate": before.rate,
                f"{status}_end": after.households,
                f"{status}_end_members": after.members,
                f"{status}_end_rate": after.rate,
            }
        return Row(values)

    return Table(
        tuple(columns),
        _by_area([(v.area, row(v.village_id)) for v in figures.end.villages]),
        id="lists_by_village",
        title=title,
        unit=PEOPLE_UNIT,
    )


AREAS = (("urban", "Khu vực thành thị"), ("rural", "Khu vực nông thôn"))


def _by_area(rows: Sequence[tuple[str | None, Row]]) -> tuple[Group | Row, ...]:
    """Rows under "I. Khu vực thành thị" / "II. Khu vực nông thôn" when both kinds exist."""
    areas = [(code, label) for code, label in AREAS if any(a == code for a, _ in rows)]
    if len(areas) < 2:
        return tuple(row for _, row in rows)
    return tuple(
        Group(f"{ROMAN[i]}. {label}", tuple(row for a, row in rows if a == code))
        for i, (code, label) in enumerate(areas)
    )


def _movements_table(figures: ReportFigures, status: str, title: str) -> Table:
    """Columns (1)..(9) of forms/reports/tables.json, each of households and persons; "other"
    columns hold no movement the register records, so they are 0 whenever (9) adds up."""
    table_id = f"{status}_movements"
    moves = report_tables()[table_id]["columns"]
    columns = [Column("name", heading("village"), "label")]
    for move in moves:
        key, header, direction = move["key"], move["header"], move.get("direction")
        group = f"{direction}: {header}" if direction else header
        columns += [
            Column(f"{key}_h", "Hộ", group=group),
            Column(f"{key}_p", "Người", group=group),
        ]

    def row(unit: Any) -> Row:
        moved = getattr(unit, status)
        values: dict[str, Any] = {"name": unit.name}
        for key in (move["key"] for move in moves):
            count = getattr(moved, key, None)
            values[f"{key}_h"] = count.households if count else 0
            values[f"{key}_p"] = count.members if count else 0
        return Row(values)

    return Table(
        tuple(columns),
        _by_area([(unit.area, row(unit)) for unit in figures.movements]),
        id=table_id,
        title=title,
        unit=PEOPLE_UNIT,
    )


def groups_table(figures: ReportFigures, title: str) -> Table:
    """The lists by group (ethnic minority, without working capacity, ...): households, persons."""
    columns = [
        Column("name", "Danh sách", "label"),
        Column("total_h", "Hộ", group="Tổng số"),
        Column("total_p", "Người", group="Tổng số"),
    ]
    for group, label in GROUP_LABELS.items():
        header = label.removeprefix("hộ ").capitalize()
        columns += [
            Column(f"{group}_h", "Hộ", group=header),
            Column(f"{group}_p", "Người", group=header),
        ]
    rows = []
    for found in figures.groups:
        values: dict[str, Any] = {
            "name": LIST_LABELS[found.status].capitalize(),
            "total_h": found.total.households,
            "total_p": found.total.members,
        }
        for group, count in found.groups:
            values |= {f"{group}_h": count.households, f"{group}_p": count.members}
        rows.append(Row(values))
    return Table(tuple(columns), tuple(rows), id="groups", title=title, unit=PEOPLE_UNIT)


def _target_decimals(target: TargetFigure) -> dict[str, int]:
    # "% so với chỉ tiêu" with one decimal, as the sentences and the seeds write it ("232,5%")
    if target.code.endswith("_rate"):
        return {"target": 2, "achieved": 2, "share": 1}
    return {"achieved": 2, "share": 1} if target.unit == "%" else {"share": 1}


def _targets_table(figures: ReportFigures, title: str, chosen: frozenset[str]) -> Table:
    """A row per target; with only services chosen, the targets services measure."""
    columns = (
        Column("label", "Chỉ tiêu", "label"),
        Column("unit", "Đơn vị tính", "text", width=0.9),
        Column("decision", "Quyết định giao", "text", width=1.6),
        Column("giver", "Cấp giao", "text", width=1.25),
        Column("target", "Chỉ tiêu giao", "value"),
        Column("achieved", "Thực hiện", "value"),
        Column("share", "% so với chỉ tiêu", "value"),
        Column("verdict", "Đánh giá", "text", width=1.5),
    )
    rows = []
    services = _service_codes(figures)
    for target in figures.targets:
        if not _shows(sentence_figure_sets(f"target.{target.code}", services), chosen):
            continue
        if target.achieved is None:
            verdict = FILL_IN_CELL  # the clerk writes the figure and the verdict by hand
        elif target.reached is None:
            verdict = progress_words(figures).capitalize()
        else:
            verdict = "Đạt" if target.reached else "Không đạt"
        rows.append(
            Row(
                {
                    "label": target_label(target, figures),
                    "unit": target.unit,
                    "decision": target.decision_number or "",
                    "giver": (target.giver or "").capitalize(),
                    "target": target.target,
                    "achieved": target.achieved,
                    "share": target.share_of_target,
                    "verdict": verdict,
                },
                # per cent with two decimals, as the seeds and the sentences write them (a
                # poverty rate's target too; a share's target stays as given: 100)
                decimals=_target_decimals(target),
            )
        )
    return Table(columns, tuple(rows), id="targets", title=title, totals=False)


def _budget_table(figures: ReportFigures, title: str) -> Table:
    """A group per project and sub-project, a row per funding source; a half-year's payments
    are those made in it, with a column for what was paid on a day not recorded when any was."""
    budget = figures.budget
    group = "Kinh phí (đồng)"
    half_year = figures.period.shape == "half_year"
    columns = (
        Column("name", "Dự án, tiểu dự án, nguồn vốn", "label"),
        Column("allocated", "Phân bổ năm" if half_year else "Phân bổ", "money", group),
        Column("disbursed", "Giải ngân 6 tháng" if half_year else "Giải ngân", "money", group),
        *(
            (Column("undated", "Giải ngân chưa ghi ngày", "money", group),)
            if budget.total.undated
            else ()
        ),
        Column("rate", "Tỷ lệ giải ngân (%)", "rate", rate_of=("disbursed", "allocated")),
    )

    def rows(programme_id: str | None, code: str) -> tuple[Row, ...]:
        return tuple(
            Row(
                {
                    "name": line.funding_source_name,
                    "allocated": line.allocated,
                    "disbursed": line.disbursed,
                    "undated": line.undated,
                    "rate": line.rate or 0.0,
                }
            )
            for line in budget.lines
            if line.programme_id == programme_id and line.project_code == code
        )

    body: list[Group] = []
    projects = [p for p in budget.projects if "." not in p.code]
    several = len({p.programme_id for p in projects}) > 1
    for project in projects:
        subs = [
            p
            for p in budget.projects
            if p.programme_id == project.programme_id and p.code.startswith(f"{project.code}.")
        ]
        own = rows(project.programme_id, project.code)
        items: list[Group | Row] = [Group(s.name, rows(s.programme_id, s.code)) for s in subs]
        if items and own:
            items.insert(0, Group("Nội dung chung của dự án", own))
        label = project.name + (f" (giai đoạn {project.programme_id})" if several else "")
        body.append(Group(label, tuple(items) if items else own))
    return Table(columns, tuple(body), id="budget", title=title, unit="Đơn vị tính: đồng")


def _awards_table(awards: Sequence[Mapping[str, Any]]) -> Table:
    columns = (
        Column("number", heading("number"), "index"),
        Column("name", "Tên tập thể, cá nhân", "text"),
        Column("unit", "Chức vụ, đơn vị", "text"),
        Column("achievement", "Thành tích", "text"),
        Column("form", "Hình thức khen thưởng đề nghị", "text"),
    )
    body = []
    for i, (code, label) in enumerate(AWARD_KINDS.items()):
        chosen = [a for a in awards if a["kind"] == code]
        if chosen:
            body.append(
                Group(
                    f"{ROMAN[i]}. {label}",
                    tuple(
                        Row(
                            {
                                "number": n,
                                "name": a["name"].strip(),
                                "unit": str(a.get("unit", "")).strip(),
                                "achievement": str(a.get("achievement", "")).strip(),
                                # "Giấy khen của Chủ tịch UBND …", "Bằng khen của …"; left
                                # to fill in by hand when not chosen
                                "form": str(a.get("form", "")).strip() or "……………",
                            }
                        )
                        for n, a in enumerate(chosen, start=1)
                    ),
                )
            )
    return Table(
        columns,
        tuple(body),
        id="award_proposals",
        title="Danh sách tập thể, cá nhân đề nghị khen thưởng",
        totals=False,
    )


def annex_tables(
    figures: ReportFigures,
    awards: Sequence[Mapping[str, Any]] = (),
    figure_sets: Iterable[str] | None = None,
) -> tuple[Table, ...]:
    """The tables of the report's kind (forms/reports/tables.json) that show a chosen figure
    set (all of the kind's by default), in the kind's order, then the proposed awards when
    there are any."""
    chosen = chosen_figure_sets(figures.kind, figure_sets)
    titles = {table_id: table["title"] for table_id, table in report_tables().items()}
    made = []
    for table_id in report_kind(figures.kind).tables:
        if not _shows(table_figure_sets(table_id), chosen):
            continue
        title = titles[table_id]
        if table_id == "lists_by_village":
            made.append(_lists_table(figures, title))
        elif table_id == "poor_movements":
            made.append(_movements_table(figures, "poor", title))
        elif table_id == "near_poor_movements":
            made.append(_movements_table(figures, "near_poor", title))
        elif table_id == "groups":
            made.append(groups_table(figures, title))
        elif table_id == "targets":
            made.append(_targets_table(figures, title, chosen))
        elif table_id == "budget":
            made.append(_budget_table(figures, title))
        elif figures.outputs is not None and table_id in SECTION_II_2_TABLES:
            made.append(SECTION_II_2_TABLES[table_id](figures.outputs, title))
    if awards:
        made.append(_awards_table(awards))
    return tuple(made)


# --- charts in the PDF -------------------------------------------------------------------


def rate_charts(db: sqlite_utils.Database, figures: ReportFigures) -> tuple[Chart, Chart]:
    """Poverty and near-poverty rates by year (up to the report's end) and by village."""
    years = [y for y in status_years(db) if y < figures.end.year]
    points = []
    for year in years:
        lists = year_end(db, year).commune
        points.append((lists.poor.rate, lists.near_poor.rate))
    end = figures.end.commune
    points.append((end.poor.rate, end.near_poor.rate))
    last = f"{figures.end.year}" + (f" ({_end_words(figures)})" if figures.end.current else "")
    names = ("Tỷ lệ hộ nghèo", "Tỷ lệ hộ cận nghèo")
    by_year = Chart(
        "line",
        "Tỷ lệ hộ nghèo, hộ cận nghèo qua các năm",
        (*(str(y) for y in years), last),
        tuple(Series(name, tuple(p[i] for p in points)) for i, name in enumerate(names)),
        unit="%",
    )
    villages = figures.end.villages
    by_village = Chart(
        "bar",
        # "(2025)", or during the year "(2026, đến 30/6)": no parentheses inside parentheses
        "Tỷ lệ hộ nghèo, hộ cận nghèo theo thôn, tổ dân phố "
        f"({figures.end.year}{f', {_end_words(figures)}' if figures.end.current else ''})",
        tuple(v.name for v in villages),
        (
            Series(names[0], tuple(v.poor.rate for v in villages)),
            Series(names[1], tuple(v.near_poor.rate for v in villages)),
        ),
        unit="%",
    )
    return by_year, by_village


# --- the document ----------------------------------------------------------------------------


def decisions_after(figures: ReportFigures, on: date) -> list[str]:
    """What to tell the clerk when the report, dated ``on``, quotes its figures from a decision
    issued after that day (the year's recognition, a correction): a report cannot cite a
    decision not yet made, so the date wants changing. In the interface's language."""
    quoted: dict[str, str] = {}
    for snapshot in (figures.start, figures.end):
        official = snapshot.official
        if official is None:
            continue
        quoted[official.recognition_number] = official.recognition_date
        if official.corrected:
            quoted[official.decision_number] = official.decision_date
    return [
        tr(
            "Báo cáo ghi ngày {on} nhưng dẫn số liệu theo Quyết định số {number} ngày {day}: "
            "hãy ghi ngày báo cáo từ ngày quyết định trở đi.",
            on=format_date(on),
            number=number,
            day=format_date(date.fromisoformat(day)),
        )
        for number, day in quoted.items()
        if day and date.fromisoformat(day) > on
    ]


def document_number(typed: str | None, symbol: str = SYMBOL) -> str | None:
    """A document's full number ("45" or "45/BC-UBND" → "45/BC-UBND"), refused in words."""
    try:
        return full_number(typed, symbol)
    except OfficialDataError as error:
        raise ReportBuildError(str(error)) from None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def build_document(
    db: sqlite_utils.Database,
    kind: str,
    period: str,
    narrative: Mapping[str, str],
    awards: Sequence[Mapping[str, Any]],
    header: DocumentHeader,
    figures: ReportFigures | None = None,
    figure_sets: Iterable[str] | None = None,
) -> OfficialDocument:
    """The report as an official document; ``figures`` (computed when None) must be
    consistent. Narrative keys: those of ``outline_sections``, plus OPENING and DOCUMENTS.
    ``figure_sets``: the subset of figures an ad-hoc report shows (all when None)."""
    report = report_kind(kind)
    chosen = chosen_figure_sets(kind, figure_sets)
    figures = figures or report_figures(db, kind, period)
    require_consistent(figures)
    check_awards(kind, awards)
    who = issuer(db)
    written = sentences(figures)
    subject = report.subject.format(
        period=figures.period.label,
        commune=who.commune,
        programme_period=f"giai đoạn {programme_for_year(figures.period.first)}",
    )
    tables = annex_tables(figures, awards, chosen)
    documents = text_blocks(narrative.get(DOCUMENTS, ""))
    first_table = 2 if documents and DOCUMENTS in report.annexes else 1
    annex_of = {t.id: ROMAN[first_table - 1 + i] for i, t in enumerate(tables)}
    charts = rate_charts(db, figures)

    body: list[Block] = [
        *(
            TextParagraph(line, italic=True)
            for line in bases_lines(db, OFFICIAL_KIND, on=header.date)
        ),
        TextParagraph(
            narrative.get(OPENING, "").strip()
            or f"{who.name} báo cáo {_lower_first(subject)} như sau:"
        ),
    ]
    for section in outline_sections(kind, chosen):
        body.append(SectionHeading(section.heading, level=section.level))
        for key in section_sentence_keys(section, figures, written, chosen):
            text = written[key]
            if key.startswith(("budget.", "output.", "policy.")):
                # "budget.<programme>.DA3.1" is a sub-project of "budget.<programme>.DA3"
                body.append(Bullet(text, marker="+" if key.count(".") > 2 else "-"))
            else:
                body.append(TextParagraph(text))
        if "end_lists" in section.sentences:
            body += charts
        shown = [annex_of[t] for t in section.tables if t in annex_of]
        if shown:
            body.append(
                TextParagraph(f"(Chi tiết tại Phụ lục {', '.join(shown)} kèm theo)", italic=True)
            )
        if section.narrative:
            body += text_blocks(narrative.get(section.key, "")) or list(FILL_IN)
    body.append(
        TextParagraph(f"Trên đây là báo cáo {_lower_first(subject)}, {who.name} kính báo cáo./.")
    )

    annexes: list[Annex] = []
    if documents and DOCUMENTS in report.annexes:
        annexes.append(
            Annex("I", f"Danh mục văn bản chỉ đạo, điều hành của {who.name}", tuple(documents))
        )
    for table in tables:
        annexes.append(Annex(annex_of[table.id], table.title, (data_table(table),)))
    return OfficialDocument(
        parent_body=who.parent_body,
        issuing_office=who.office,
        number_symbol=number_symbol(document_number(header.number), SYMBOL),
        place=who.place,
        date=header.date,
        kind=DOCUMENT_KIND,
        subject=subject,
        body=tuple(body),
        recipients_to=(who.receiver,),
        annexes=tuple(annexes),
        recipients=header.recipients,
        signatures=(signature(db, OFFICIAL_KIND, header.signer_title, header.signer_name),),
        issuer_name=who.name,
    )


def report_file_stem(kind: str, period: str) -> str:
    """ "bao-cao-nam-2025", "bao-cao-6-thang-2025-h1": the kind's name and the period, in
    Vietnamese without diacritics."""
    return file_slug(report_kind(kind).name, period)


@dataclass(frozen=True)
class BuiltReport:
    figures: ReportFigures
    document: OfficialDocument
    pdf: Path
    xlsx: Path


def write_report_files(
    db: sqlite_utils.Database,
    kind: str,
    period: str,
    narrative: Mapping[str, str],
    awards: Sequence[Mapping[str, Any]],
    header: DocumentHeader,
    folder: str | Path,
    progress: Progress | None = None,
    figures: ReportFigures | None = None,
    figure_sets: Iterable[str] | None = None,
) -> BuiltReport:
    """Compute the figures (unless given), then write report_file_stem().pdf and .xlsx into
    ``folder``. Both files are written aside and put in place together at the end, so an
    error or a cancel leaves the folder as it was."""
    folder = Path(folder)
    remove_stale_files(folder, REPORT_TEMPORARIES)  # what a killed earlier run left
    if progress is not None:
        progress(0, 3, tr("Đang tính số liệu…"))
    figures = figures or report_figures(db, kind, period)
    document = build_document(db, kind, period, narrative, awards, header, figures, figure_sets)
    stem = report_file_stem(kind, figures.period.code)
    pdf, xlsx = folder / f"{stem}.pdf", folder / f"{stem}.xlsx"
    aside = {path: folder / f".{path.name}.dang-ghi" for path in (pdf, xlsx)}
    try:
        if progress is not None:
            progress(1, 3, tr("Đang ghi văn bản PDF…"))
        write_pdf(document, aside[pdf], progress)
        if progress is not None:
            progress(2, 3, tr("Đang ghi tệp Excel…"))
        tables = annex_tables(figures, awards, figure_sets)
        write_report_xlsx(document, tables, aside[xlsx], progress)
        for final, written in aside.items():
            os.replace(written, final)
    finally:
        for written in aside.values():
            written.unlink(missing_ok=True)
    return BuiltReport(figures, document, pdf, xlsx)


def write_saved_report(
    db: sqlite_utils.Database,
    saved: SavedReport,
    folder: str | Path,
    progress: Progress | None = None,
) -> BuiltReport:
    """Write a saved report's PDF and XLSX from what it holds, its saved figures included."""
    header = saved_header(db, saved.number, saved.document_date or date.today(), saved.header)
    return write_report_files(
        db,
        saved.kind,
        saved.period,
        saved.narrative,
        saved.awards,
        header,
        folder,
        progress,
        ReportFigures.from_dict(saved.figures),
        saved.figure_sets,
    )
