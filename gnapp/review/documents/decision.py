"""5. The chair's decision recognising the lists, with a list annexed for each (also sheets);
before recognition a draft marked "DỰ THẢO"."""

from __future__ import annotations

from collections import Counter
from datetime import date

import sqlite_utils

from gnapp.core.movements import escaped_poverty_detail
from gnapp.core.official import document_kind, full_number
from gnapp.core.vietnamese import format_date, format_number
from gnapp.reporting.document import (
    Annex,
    Block,
    Bullet,
    OfficialDocument,
    Run,
    TextParagraph,
    number_symbol,
)
from gnapp.reporting.tables import Column, Table, Total
from gnapp.reporting.tables.pdf import data_table
from gnapp.reporting.xlsx import Heading
from gnapp.review.documents.common import (
    HOUSEHOLDS,
    LIST_KINDS,
    MARK,
    ROMAN,
    Context,
    DocumentError,
    column,
    household_rows,
    list_counts,
    movement_text,
    nothing,
    on_list,
    round_context,
)
from gnapp.review.progress import HouseholdState
from gnapp.store.register import GROUP_FLAG_KEYS, household_groups

KIND = "decision"  # forms/documents/issuers.json: the chairman's decision
FLAG_WIDTHS = (0.7, 1.1, 1.0, 1.0)  # relative widths of the group columns, GROUP_FLAG_KEYS order


def _decision_states(context: Context) -> list[HouseholdState]:
    """The households the decision recognises; refuses a draft while a step is unfinished."""
    states = context.states()
    if context.found.locked:
        return states
    waiting = [s.code for s in states if not s.agreed]
    disputed = [s.code for s in states if s.disputed]
    if not states or waiting or disputed:
        problems = []
        if not states:
            problems.append("danh sách rà soát chưa có hộ nào")
        if waiting:
            problems.append(f"{len(waiting)} hộ chưa được họp dân thống nhất")
        if disputed:
            problems.append(f"{len(disputed)} hộ còn khiếu nại chưa phúc tra")
        raise DocumentError(
            f"{context.found.title}: chưa lập được dự thảo quyết định — " + "; ".join(problems)
        )
    return states


def _escaped_detail(states: list[HouseholdState]) -> str:
    """ ", trong đó 33 hộ thành hộ cận nghèo, 14 hộ vượt chuẩn cận nghèo" — the one
    vocabulary of forms/documents/movements.json."""
    moved = Counter(s.movement for s in states if s.movement)
    return f", {escaped_poverty_detail(moved)}"


def _decided(context: Context, on: date) -> date:
    """The decision's date: the round's once recognised, ``on`` for a draft."""
    return context.found.decided_on or on


def _annex_note(context: Context, decided: date) -> str:
    """ "(Kèm theo Quyết định số 125/QĐ-UBND ngày 01/12/2026 của Chủ tịch Ủy ban nhân dân
    xã Sơn Minh)"; a draft's: "(Kèm theo dự thảo Quyết định của …)"."""
    found = context.found
    of = f"của Chủ tịch Ủy ban nhân dân {context.who.commune}"
    if not found.locked:
        return f"(Kèm theo {context.words['decision']['draft'].lower()} Quyết định {of})"
    number = full_number(found.decision_number, document_kind(KIND).symbol)
    return f"(Kèm theo Quyết định số {number} ngày {format_date(decided)} {of})"


def _list_tables(context: Context, states: list[HouseholdState]) -> list[Table]:
    """The households of each list (LIST_KINDS order), by village, with their groups marked."""
    flags = household_groups(context.db, [s.household_id for s in states])
    labels = context.words["group_flags"]
    group = context.words["columns"]["groups"]
    columns = (
        column("number", "index", 0.5, 5),
        column("head", "text", 2.2, 24),
        column("code", "id", 1.2, 12, total=Total("count", unit=HOUSEHOLDS)),
        column("village", "text", 1.6, 16),
        column("members", "count", 0.9, 9),
        *(
            Column(key, labels[key], "mark", group, width=width, chars=11, total=Total("count"))
            for key, width in zip(GROUP_FLAG_KEYS, FLAG_WIDTHS, strict=True)
        ),
        column("movement", "text", 1.6, 18),
    )
    return [
        Table(
            columns,
            household_rows(
                [s for s in states if on_list(s, kind)],
                lambda s: {
                    "head": s.head_name,
                    "code": s.code,
                    "village": s.village_name,
                    "members": s.member_count,
                    **{
                        key: MARK if flags[s.household_id][key] else None for key in GROUP_FLAG_KEYS
                    },
                    "movement": movement_text(s.movement),
                },
            ),
            title=context.fill(context.words["lists"][kind]),
            sheet=context.words["list_names"][kind],
            numbered=False,
            pdf_groups="none",
            font_size=11,
        )
        for kind in LIST_KINDS
    ]


def decision_document(db: sqlite_utils.Database, round_id: int, on: date) -> OfficialDocument:
    """The chair's decision recognising the lists, with the lists annexed; before the round is
    recognised, a draft marked "DỰ THẢO" (dated ``on``, number left blank)."""
    context = round_context(db, round_id)
    words = context.words["decision"]
    found = context.found
    states = _decision_states(context)
    counts = list_counts(states)
    names = context.words["list_names"]
    body: list[Block] = []
    if not found.locked:
        body.append(TextParagraph(words["draft"], align="center", indent=False, bold=True))
    body += [
        TextParagraph(context.fill(words["authority"]), align="center", indent=False, bold=True),
        *context.bases(KIND, _decided(context, on)),
        *(TextParagraph(context.fill(line), italic=True) for line in words["bases_after"]),
        TextParagraph(words["decides"], align="center", indent=False, bold=True),
        TextParagraph((Run("Điều 1. ", bold=True), Run(context.fill(words["article_1"])))),
        *(
            Bullet(
                f"{names[kind]}: {format_number(counts[kind].households)} hộ, "
                f"{format_number(counts[kind].persons)} nhân khẩu"
                f"{_escaped_detail(states) if kind == 'escaped_poverty' else ''}"
                f" (Phụ lục {ROMAN[index]})"
            )
            for index, kind in enumerate(LIST_KINDS)
        ),
        TextParagraph(words["article_1_end"], italic=True),
        TextParagraph((Run("Điều 2. ", bold=True), Run(context.fill(words["article_2"])))),
        TextParagraph((Run("Điều 3. ", bold=True), Run(context.fill(words["article_3"])))),
    ]
    decided = _decided(context, on)
    note = _annex_note(context, decided)
    annexes = tuple(
        Annex(
            ROMAN[index],
            table.title,
            (data_table(table),) if table.body else (nothing(),),
            note=note,
        )
        for index, table in enumerate(_list_tables(context, states))
    )
    symbol = document_kind(KIND).symbol
    number = number_symbol(
        full_number(found.decision_number, symbol) if found.locked else None, symbol
    )
    return context.document(
        number_symbol=number,
        date=decided,
        kind=words["kind"],
        subject=context.fill(words["subject"]),
        body=tuple(body),
        annexes=annexes,
        recipients=tuple(words["recipients"]),
        signatures=(context.signature(KIND),),
    )


def decision_sheets(context: Context, on: date) -> list[tuple[Table, Heading]]:
    """The lists annexed to the decision as sheets, one per list."""
    decided = _decided(context, on)
    note = _annex_note(context, decided)
    return [
        (
            table,
            context.heading(f"Phụ lục {ROMAN[index]}. {table.title}", note, kind=KIND, on=decided),
        )
        for index, table in enumerate(_list_tables(context, _decision_states(context)))
    ]
