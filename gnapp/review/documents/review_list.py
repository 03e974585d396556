"""1. The list of households to review (Phụ lục I model), by village, with those taken off."""

from __future__ import annotations

import functools
from datetime import date

import sqlite_utils

from gnapp.reporting.document import Block, OfficialDocument, SectionHeading
from gnapp.reporting.tables import Row, Table, Total
from gnapp.reporting.tables.pdf import data_table
from gnapp.reporting.xlsx import Heading
from gnapp.review.documents.common import (
    HOUSEHOLDS,
    Context,
    column,
    household_rows,
    nothing,
    round_context,
    status_text,
    village_label,
)
from gnapp.review.progress import HouseholdState
from gnapp.store.register import village_name


def _source_text(context: Context, state: HouseholdState) -> str:
    text = context.words["list"]["sources"][state.source]
    return f"{text}: {state.added_reason}" if state.added_reason else text


def _tables(context: Context, village_id: int | None) -> tuple[Table, Table | None]:
    """The list, and the households taken off it (None when there are none)."""
    states = context.listed(village_id)
    sheets = context.words["sheets"]
    listed = Table(
        (
            column("number", "index", 0.6, 5),
            column("code", "id", 1.3, 12),
            column("head", "text", 2.6, 24),
            column("members", "count", 0.9, 9),
            column(
                "previous",
                "center",
                1.5,
                16,
                align="left",
                total=Total("count", source="code", unit=HOUSEHOLDS),
            ),
            column("source", "text", 2.6, 32),
        ),
        household_rows(
            states,
            lambda s: {
                "code": s.code,
                "head": s.head_name,
                "members": s.member_count,
                "previous": status_text(s.previous_status),
                "source": _source_text(context, s),
            },
        ),
        sheet=sheets["list"],
        numbered=False,
        pdf_groups="banner",
        font_size=11,
    )
    removed = context.states(village_id, removed=True)
    if not removed:
        return listed, None
    return listed, Table(
        (
            column("number", "index", 0.6, 5),
            column("code", "id", 1.3, 12, total=Total("count", unit=HOUSEHOLDS)),
            column("head", "text", 2.4, 24),
            column("village", "text", 1.8, 18),
            column("reason", "text", 3.8, 36),
        ),
        [
            Row(
                {
                    "number": n,
                    "code": s.code,
                    "head": s.head_name,
                    "village": s.village_name,
                    "reason": s.removed_reason,
                }
            )
            for n, s in enumerate(removed, start=1)
        ],
        sheet=sheets["removed"],
        numbered=False,
        pdf_totals=False,
        font_size=11,
    )


def review_list_document(
    db: sqlite_utils.Database, round_id: int, on: date, village_id: int | None = None
) -> OfficialDocument:
    """The list of households to review (Phụ lục I model), by village, with those taken off."""
    context = round_context(db, round_id)
    words = context.words["list"]
    listed, removed = _tables(context, village_id)
    body: list[Block] = [data_table(listed), SectionHeading(words["removed_title"], level=2)]
    body.append(data_table(removed) if removed is not None else nothing())
    where = village_label(village_name(db, village_id)) if village_id else ""
    return context.document(
        number_symbol="",
        date=on,
        kind=context.fill(words["title"]),
        subject=" — ".join(p for p in (context.fill(words["subtitle"]), where) if p),
        body=tuple(body),
        signatures=(context.signature("review_list"),),
    )


def review_list_sheets(
    context: Context, village_id: int | None, on: date
) -> list[tuple[Table, Heading]]:
    """The list and the households taken off it as sheets."""
    words = context.words["list"]
    subtitle = context.fill(words["subtitle"])
    listed, removed = _tables(context, village_id)
    heading = functools.partial(context.heading, kind="review_list", on=on)
    sheets = [(listed, heading(context.fill(words["title"]), subtitle))]
    if removed is not None:
        sheets.append((removed, heading(words["removed_title"], subtitle)))
    return sheets
