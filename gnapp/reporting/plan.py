"""The annual implementation plan (Kế hoạch thực hiện Chương trình … năm N, seed 003): the
year's targets with who set them, the planned activities and the budget lines, laid out in
the seed's sections (forms/reports/plan.json) and signed by the committee; PDF and XLSX."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import sqlite_utils

from gnapp.core.official import document_kind
from gnapp.core.vietnamese import file_slug, format_date, format_money, format_number
from gnapp.data import read_form_json
from gnapp.i18n import tr
from gnapp.reporting.builder import (
    FILL_IN,
    OPENING,
    ROMAN,
    DocumentHeader,
    document_number,
    text_blocks,
)
from gnapp.reporting.document import (
    Annex,
    Block,
    Bullet,
    OfficialDocument,
    SectionHeading,
    TextParagraph,
    number_symbol,
)
from gnapp.reporting.figures import FiguresError
from gnapp.reporting.figures.outputs import UNCLASSIFIED
from gnapp.reporting.issuer import bases_lines, issuer, signature, signing_warnings
from gnapp.reporting.pdf import write_pdf
from gnapp.reporting.report_xlsx import write_report_xlsx
from gnapp.reporting.tables import Column, Group, Row, Table
from gnapp.reporting.tables.pdf import data_table
from gnapp.store import activities as store_activities
from gnapp.store.programme import (
    CAPITAL_KINDS,
    budgets,
    funding_sources,
    programme,
    programme_for_year,
    projects,
    target_giver,
    target_label,
    targets,
)
from gnapp.store.register import villages

PLAN_KIND = "plan"  # forms/documents/issuers.json: the committee issues it, "KH-UBND", its bases
SYMBOL = document_kind(PLAN_KIND).symbol
BASIS_TO_FILL = "Căn cứ " + "…" * 28 + ";"  # no basis known: the clerk writes it by hand
LETTERS = "abcdđeghiklmnopqrstuvxy"  # Vietnamese list letters: a), b), c), d), đ), e), g)…


@cache
def plan_form() -> dict[str, Any]:
    """The plan's structure (forms/reports/plan.json)."""
    return read_form_json("reports", "plan.json")


def plan_year(period: str) -> int:
    """The year a plan is for: "2026"."""
    text = period.strip()
    if not (text.isdecimal() and len(text) == 4):
        raise FiguresError(
            tr("Kế hoạch lập cho một năm (vd. 2026), không phải “{period}”.", period=period)
        )
    return int(text)


@dataclass(frozen=True)
class PlanSection:
    """A heading of the plan's outline: narrative key ("I.1"), heading, level, the computed
    figures it holds ("targets", "activities", "budget"), its tables and whether the clerk
    writes there."""

    key: str
    heading: str
    level: int
    figures: str | None
    tables: tuple[str, ...]
    narrative: bool


def plan_sections(year: int) -> tuple[PlanSection, ...]:
    found: list[PlanSection] = []

    def walk(raw: Mapping[str, Any], key: str, level: int) -> None:
        title = raw["title"].format(year=year)
        found.append(
            PlanSection(
                key,
                f"{raw['number']}. {title}",
                level,
                raw.get("figures"),
                tuple(raw.get("tables", ())),
                raw.get("narrative", False),
            )
        )
        for part in raw.get("parts", ()):
            walk(part, f"{key}.{part['number']}", level + 1)

    for top in plan_form()["outline"]:
        walk(top, top["number"], 1)
    return tuple(found)


def _programme_name(year: int) -> str:
    return plan_form()["programme_names"][programme_for_year(year)]


def _decision_text(row: Mapping[str, Any]) -> str:
    """ "Quyết định số 45/QĐ-UBND ngày 15/02/2025" (the date when recorded)."""
    if not row["decision_number"]:
        return ""
    text = f"Quyết định số {row['decision_number']}"
    if row["decision_date"]:
        text += f" ngày {format_date(date.fromisoformat(row['decision_date']))}"
    return text


def _target_value(row: Mapping[str, Any]) -> str:
    value = format_number(row["value"], 2 if row["unit"] == "%" and row["value"] % 1 else 0)
    return f"{value}%" if row["unit"] == "%" else f"{value} {row['unit']}"


def _target_name(row: Mapping[str, Any], names: Mapping[str, str]) -> str:
    label = target_label(row)
    if row["project_code"]:
        label += f" ({names.get(row['project_code'], row['project_code'])})"
    return label


def _assigned(row: Mapping[str, Any]) -> str:
    """ "chỉ tiêu huyện giao tại Quyết định số 45/QĐ-UBND ngày 15/02/2025" ("" when unknown)."""
    giver, decision = target_giver(row["decision_date"]), _decision_text(row)
    if not (giver or decision):
        return ""
    return f"chỉ tiêu {giver or 'giao'}" + (f" tại {decision}" if decision else "")


def _target_lines(rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> list[Block]:
    """a), b), c)… a line per target; the decision that gave them is said once when all share
    it, else after each target."""
    sources = {_assigned(row) for row in rows}
    shared = sources.pop() if len(sources) == 1 else None
    blocks: list[Block] = []
    if shared:
        blocks.append(TextParagraph(f"Theo {shared}:"))
    # a), b), c)… as the seed; numbered instead when there are more targets than letters
    markers = [f"{letter})" for letter in LETTERS] if len(rows) <= len(LETTERS) else []
    for index, row in enumerate(rows):
        marker = markers[index] if markers else f"{index + 1}."
        text = f"{marker} {_target_name(row, names)}: {_target_value(row)}"
        if shared is None and _assigned(row):
            text += f" ({_assigned(row)})"
        blocks.append(TextParagraph(text + ";"))
    return blocks


def _project_tree(
    rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]
) -> list[tuple[str, list[tuple[str, list[Mapping[str, Any]]]]]]:
    """The rows under their project: [(project name, [(sub-project name or "", rows)])], in
    the programme's order; a project's own rows come first under ""."""
    tree = []
    for code, name in names.items():
        if "." in code:
            continue
        parts = [("", [r for r in rows if r["project_code"] == code])]
        parts += [
            (sub_name, [r for r in rows if r["project_code"] == sub])
            for sub, sub_name in names.items()
            if sub.startswith(f"{code}.")
        ]
        parts = [(label, found) for label, found in parts if found]
        if parts:
            tree.append((name, parts))
    return tree


def _grouped(
    rows: Sequence[Mapping[str, Any]],
    names: Mapping[str, str],
    row: Callable[[Mapping[str, Any]], Row],
) -> list[Group]:
    """A table body: a group per project, its own rows then a group per sub-project."""
    body = []
    for project, parts in _project_tree(rows, names):
        items: list[Group | Row] = []
        for sub, mine in parts:
            if sub:
                items.append(Group(sub, tuple(row(r) for r in mine)))
            else:
                items += [row(r) for r in mine]
        body.append(Group(project, tuple(items)))
    return body


def _activity_lines(rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = []
    for project, parts in _project_tree(rows, names):
        blocks.append(TextParagraph(f"{project}:", italic=True))
        for sub, mine in parts:
            if sub:
                blocks.append(Bullet(f"{sub}:", marker="-"))
            for activity in mine:
                kind = store_activities.ACTIVITY_KINDS[activity["kind"]].lower()
                text = f"{activity['name']} ({kind})"
                if activity["budget"]:
                    text += f", kinh phí dự kiến {format_money(activity['budget'])}"
                blocks.append(Bullet(text + ";", marker="+" if sub else "-"))
    return blocks


def _budget_sentence(rows: Sequence[Mapping[str, Any]]) -> str:
    allocated = sum(r["allocated"] for r in rows)
    carried = sum(r["carried_over"] for r in rows)
    parts = []
    for code, name in [*CAPITAL_KINDS.items(), (None, UNCLASSIFIED)]:
        of_kind = sum(r["allocated"] + r["carried_over"] for r in rows if r["capital"] == code)
        if of_kind:
            parts.append(f"{name.lower()} {format_money(of_kind)}")
    text = f"Tổng kinh phí thực hiện: {format_money(allocated + carried)}"
    if carried:
        text += (
            f" (vốn giao trong năm {format_money(allocated)}, kinh phí năm trước chuyển sang "
            f"{format_money(carried)})"
        )
    return text + (f"; trong đó {', '.join(parts)}." if parts else ".")


def _capital_name(code: str | None) -> str:
    return CAPITAL_KINDS.get(code or "", UNCLASSIFIED)


# --- tables ------------------------------------------------------------------------------


def _targets_table(
    rows: Sequence[Mapping[str, Any]], names: Mapping[str, str], title: str
) -> Table:
    columns = (
        Column("label", "Chỉ tiêu", "label"),
        Column("unit", "Đơn vị tính", "text", width=0.9),
        Column("value", "Kế hoạch năm", "value"),
        Column("giver", "Cấp giao", "text", width=0.9),
        Column("decision", "Quyết định giao", "text", width=1.8),
    )
    body = tuple(
        Row(
            {
                "label": _target_name(row, names),
                "unit": row["unit"],
                "value": row["value"],
                "giver": (target_giver(row["decision_date"]) or "").capitalize(),
                "decision": _decision_text(row).removeprefix("Quyết định số "),
            }
        )
        for row in rows
    )
    return Table(columns, body, id="plan_targets", title=title, totals=False, landscape=False)


def _activities_table(
    rows: Sequence[Mapping[str, Any]],
    names: Mapping[str, str],
    villages: Mapping[int, str],
    title: str,
) -> Table:
    columns = (
        Column("name", "Nội dung, hoạt động", "label"),
        Column("kind", "Loại", "text"),
        Column("village", "Địa bàn", "text", width=1.4),
        Column("started_on", "Thời gian bắt đầu", "center", width=1.3),
        Column("budget", "Kinh phí dự kiến (đồng)", "money"),
    )

    def row(a: Mapping[str, Any]) -> Row:
        started = a["started_on"]
        return Row(
            {
                "name": a["name"],
                "kind": store_activities.ACTIVITY_KINDS[a["kind"]],
                "village": villages.get(a["village_id"], "Toàn xã"),
                "started_on": format_date(date.fromisoformat(started)) if started else "",
                "budget": a["budget"] or 0,
            }
        )

    body = _grouped(rows, names, row)
    return Table(columns, tuple(body), id="plan_activities", title=title, unit="Đơn vị tính: đồng")


def _budget_table(
    rows: Sequence[Mapping[str, Any]], names: Mapping[str, str], programme_id: str, title: str
) -> Table:
    group = "Kinh phí (đồng)"
    columns = (
        Column("name", "Dự án, tiểu dự án, loại vốn, nguồn vốn", "label"),
        Column("allocated", "Vốn giao trong năm", "money", group, width=2.0),
        Column("carried_over", "Năm trước chuyển sang", "money", group, width=2.0),
        Column("total", "Tổng", "money", group, width=2.0),
    )
    sources = funding_sources(programme_id)

    def row(r: Mapping[str, Any]) -> Row:
        return Row(
            {
                "name": f"{_capital_name(r['capital'])} - {sources[r['funding_source']]}",
                "allocated": r["allocated"],
                "carried_over": r["carried_over"],
                "total": r["allocated"] + r["carried_over"],
            }
        )

    body = _grouped(rows, names, row)
    return Table(columns, tuple(body), id="plan_budget", title=title, unit="Đơn vị tính: đồng")


@dataclass(frozen=True)
class PlanContent:
    """What the plan of a year is built from: its targets, planned activities, budget lines."""

    year: int
    programme_id: str
    targets: tuple[dict[str, Any], ...]
    activities: tuple[dict[str, Any], ...]
    budgets: tuple[dict[str, Any], ...]
    villages: dict[int, str]


def plan_content(db: sqlite_utils.Database, year: int) -> PlanContent:
    programme_id = programme_for_year(year)
    return PlanContent(
        year,
        programme_id,
        tuple(targets(db, year)),
        tuple(store_activities.activities(db, year)),
        tuple(budgets(db, year)),
        {v["id"]: v["name"] for v in villages(db)},
    )


def plan_tables(content: PlanContent) -> tuple[Table, ...]:
    """The plan's annex tables, those with rows, in the outline's order."""
    titles = {k: v.format(year=content.year) for k, v in plan_form()["tables"].items()}
    names = projects(content.programme_id) if programme(content.programme_id)["projects"] else {}
    made = []
    if content.targets:
        made.append(_targets_table(content.targets, names, titles["plan_targets"]))
    if content.activities:
        made.append(
            _activities_table(
                content.activities, names, content.villages, titles["plan_activities"]
            )
        )
    if content.budgets:
        made.append(
            _budget_table(content.budgets, names, content.programme_id, titles["plan_budget"])
        )
    return tuple(made)


def plan_slots(year: int) -> dict[str, str]:
    """What the plan's "programme" basis stands for: the programme of ``year``."""
    return {"programme": programme_for_year(year)}


def plan_warnings(
    db: sqlite_utils.Database, year: int, signer_name: str, on: date | None = None
) -> list[str]:
    """What to tell the clerk before the plan of ``year`` dated ``on`` is written: a signer
    without a name, a legal basis not confirmed or issued after ``on``, a decision giving the
    year's targets dated after ``on`` (the plan cites it as its basis)."""
    notes = signing_warnings(db, PLAN_KIND, plan_slots(year), name=signer_name, on=on)
    if on is None:
        return notes
    later = {
        (row["decision_number"], row["decision_date"])
        for row in plan_content(db, year).targets
        if row["decision_number"]
        and row["decision_date"]
        and date.fromisoformat(row["decision_date"]) > on
    }
    notes += [
        tr(
            "Kế hoạch ghi ngày {on} nhưng căn cứ Quyết định số {number} ngày {day} giao chỉ "
            "tiêu: hãy ghi ngày kế hoạch từ ngày quyết định trở đi.",
            on=format_date(on),
            number=number,
            day=format_date(date.fromisoformat(day)),
        )
        for number, day in sorted(later)
    ]
    return notes


def plan_bases(
    db: sqlite_utils.Database, content: PlanContent, on: date | None = None
) -> list[str]:
    """The "Căn cứ" lines of the plan dated ``on``: the plan's legal bases (the programme's
    approving act, or the commune's list in the settings; none issued after ``on``), then each
    decision that gave the year's targets with who gave it; a line to fill in by hand when
    there is none."""
    lines = bases_lines(db, PLAN_KIND, plan_slots(content.year), on)
    lines += [
        f"Căn cứ {assigned};"
        for assigned in dict.fromkeys(
            _assigned(row) for row in content.targets if row["decision_number"]
        )
    ]
    return lines or [BASIS_TO_FILL]


def _plan_recipients(recipients: Sequence[str], receiver: str) -> tuple[str, ...]:
    """The report's recipients, for a plan: a plan has no "Kính gửi" line, so "Như trên"
    becomes the office that receives the commune's reports."""
    return tuple(receiver if r.strip().lower() == "như trên" else r for r in recipients)


def build_plan(
    db: sqlite_utils.Database,
    year: int,
    narrative: Mapping[str, str],
    header: DocumentHeader,
    content: PlanContent | None = None,
) -> OfficialDocument:
    """The plan of ``year`` as an official document. ``header``: a ``DocumentHeader`` (number,
    bare or full, date, signer); the block is its issuer's, the committee's ("TM. ỦY BAN NHÂN
    DÂN", then "KT. CHỦ TỊCH" when a vice-chairman signs). Narrative: the section keys, and
    OPENING for the paragraph after the bases."""
    form = plan_form()
    content = content or plan_content(db, year)
    who = issuer(db)
    programme_name = _programme_name(year)
    subject = form["subject"].format(programme=programme_name, commune=who.commune, year=year)
    names = projects(content.programme_id) if programme(content.programme_id)["projects"] else {}
    tables = plan_tables(content)
    annex_of = {t.id: ROMAN[i] for i, t in enumerate(tables)}

    body: list[Block] = [
        *(TextParagraph(line, italic=True) for line in plan_bases(db, content, header.date)),
        TextParagraph(
            narrative.get(OPENING, "").strip()
            or f"{who.name} ban hành Kế hoạch {subject[:1].lower()}{subject[1:]} (sau đây viết "
            "tắt là Kế hoạch), với những nội dung chủ yếu như sau:"
        ),
    ]
    for section in plan_sections(year):
        body.append(SectionHeading(section.heading, level=section.level))
        figures: list[Block] = []
        if section.figures == "targets":
            figures = _target_lines(content.targets, names)
        elif section.figures == "activities":
            figures = _activity_lines(content.activities, names)
        elif section.figures == "budget":
            figures = [
                TextParagraph(
                    _budget_sentence(content.budgets) if content.budgets else form["no_budget"]
                )
            ]
        body += figures
        shown = [annex_of[t] for t in section.tables if t in annex_of]
        if shown:
            body.append(
                TextParagraph(f"(Chi tiết tại Phụ lục {', '.join(shown)} kèm theo)", italic=True)
            )
        written = text_blocks(narrative.get(section.key, "")) if section.narrative else []
        body += written
        if section.narrative and not (written or figures):
            body += FILL_IN
    body.append(
        TextParagraph(
            form["closing"].format(
                programme=programme_name, commune=who.commune, year=year, issuer=who.name
            )
        )
    )
    return OfficialDocument(
        parent_body=who.parent_body,
        issuing_office=who.office,
        number_symbol=number_symbol(document_number(header.number, SYMBOL), SYMBOL),
        place=who.place,
        date=header.date,
        kind=form["document_kind"],
        subject=subject,
        body=tuple(body),
        annexes=tuple(Annex(annex_of[t.id], t.title, (data_table(t),)) for t in tables),
        recipients=_plan_recipients(header.recipients, who.receiver),
        signatures=(signature(db, PLAN_KIND, header.signer_title, header.signer_name),),
        issuer_name=who.name,
    )


def plan_file_stem(year: int) -> str:
    """ "ke-hoach-nam-2026": the plan's file name, in Vietnamese without diacritics."""
    return file_slug(plan_form()["file_name"].format(year=year))


@dataclass(frozen=True)
class BuiltPlan:
    document: OfficialDocument
    pdf: Path
    xlsx: Path


def write_plan_files(
    db: sqlite_utils.Database,
    year: int,
    narrative: Mapping[str, str],
    header: DocumentHeader,
    folder: str | Path,
) -> BuiltPlan:
    """Write plan_file_stem(year).pdf and .xlsx into ``folder``, both put in place together at
    the end (an error leaves the folder as it was)."""
    folder = Path(folder)
    content = plan_content(db, year)
    document = build_plan(db, year, narrative, header, content)
    stem = plan_file_stem(year)
    pdf, xlsx = folder / f"{stem}.pdf", folder / f"{stem}.xlsx"
    aside = {path: folder / f".{path.name}.dang-ghi" for path in (pdf, xlsx)}
    try:
        write_pdf(document, aside[pdf])
        write_report_xlsx(document, plan_tables(content), aside[xlsx])
        for final, written in aside.items():
            os.replace(written, final)
    finally:
        for written in aside.values():
            written.unlink(missing_ok=True)
    return BuiltPlan(document, pdf, xlsx)
