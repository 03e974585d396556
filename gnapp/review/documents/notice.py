"""4. The posting notice: the counts on each list, the posting period and places, and the
results annexed (also a sheet)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from gnapp.core.official import document_kind
from gnapp.core.vietnamese import format_date
from gnapp.i18n import tr
from gnapp.reporting.document import Annex, Block, OfficialDocument, TextParagraph, number_symbol
from gnapp.reporting.tables import Row, Table, Total
from gnapp.reporting.tables.pdf import data_table
from gnapp.reporting.xlsx import Heading
from gnapp.review import workflow
from gnapp.review.documents.common import (
    HOUSEHOLDS,
    LIST_KINDS,
    Context,
    DocumentError,
    ListCount,
    class_text,
    column,
    columns,
    household_rows,
    list_counts,
    movement_text,
    round_context,
    status_text,
)
from gnapp.review.progress import HouseholdState


def _posting(context: Context) -> dict[str, Any]:
    posted = workflow.posting(context.db, context.found.id)
    if posted is None:
        raise DocumentError(
            tr(
                "{round}: kết quả chưa được niêm yết (chưa mở đợt niêm yết).",
                round=context.found.title_in(tr),
            )
        )
    return posted


def _counts_table(context: Context, counts: dict[str, ListCount]) -> Table:
    names = context.words["list_names"]
    return Table(
        columns(
            ("number", "index", 0.6),
            ("list", "text", 3),
            ("households", "count", 1.4),
            ("members", "count", 1.4),
        ),
        [
            Row(
                {
                    "number": n,
                    "list": names[kind],
                    "households": counts[kind].households,
                    "members": counts[kind].persons,
                }
            )
            for n, kind in enumerate(LIST_KINDS, start=1)
        ],
        totals=False,
        numbered=False,
    )


def _results_table(context: Context, states: list[HouseholdState]) -> Table:
    return Table(
        (
            column("number", "index", 0.5, 5),
            column("head", "text", 2.1, 24),
            column("code", "id", 1.1, 12, total=Total("count", unit=HOUSEHOLDS)),
            column("members", "count", 0.8, 9),
            column("previous", "center", 1.6, 16, align="left"),
            column("result", "center", 2.1, 16, align="left"),
            column("movement", "text", 1.8, 18),
        ),
        household_rows(
            states,
            lambda s: {
                "head": s.head_name,
                "code": s.code,
                "members": s.member_count,
                "previous": status_text(s.previous_status),
                "result": class_text(s.result),
                "movement": movement_text(s.movement),
            },
        ),
        title=context.fill(context.words["notice"]["annex_title"]),
        sheet=context.words["sheets"]["notice"],
        numbered=False,
        pdf_groups="banner",
        pdf_totals=False,
        font_size=11,
    )


KIND = "notice"  # forms/documents/issuers.json: the committee's notice


def notice_document(db: sqlite_utils.Database, round_id: int) -> OfficialDocument:
    """The posting notice: the counts on each list, the posting period and places, the list."""
    context = round_context(db, round_id)
    words = context.words["notice"]
    posted = _posting(context)
    states = context.states()
    start, end = (date.fromisoformat(posted[key]) for key in ("starts_on", "ends_on"))
    days = context.found.posting_days or workflow.posting_days(db, context.found.procedure)
    results = _results_table(context, states)
    body: list[Block] = [
        TextParagraph(context.fill(words["opening"])),
        data_table(_counts_table(context, list_counts(states))),
        TextParagraph(
            context.fill(words["period"], start=format_date(start), end=format_date(end), days=days)
        ),
        TextParagraph(context.fill(words["places"], places=posted["places"] or "……………………")),
        TextParagraph(context.fill(words["complaints"])),
    ]
    return context.document(
        number_symbol=number_symbol(None, document_kind(KIND).symbol),
        date=start,
        kind=words["kind"],
        subject=context.fill(words["subject"]),
        body=tuple(body),
        annexes=(Annex("I", results.title, (data_table(results),), landscape=True),),
        recipients=tuple(words["recipients"]),
        signatures=(context.signature(KIND),),
    )


def notice_sheets(context: Context) -> list[tuple[Table, Heading]]:
    """The results annexed to the notice as a sheet."""
    start = date.fromisoformat(_posting(context)["starts_on"])
    results = _results_table(context, context.states())
    # "(Kèm theo Thông báo số …/TB-UBND ngày … của …)", as the PDF's annex says it
    notice = context.document(
        number_symbol=number_symbol(None, document_kind(KIND).symbol),
        date=start,
        kind=context.words["notice"]["kind"],
        subject="",
        body=(),
    )
    note = notice.annex_note(Annex("I", results.title, ()))
    return [(results, context.heading(results.title, note, kind=KIND, on=start))]
