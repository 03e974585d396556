"""6. The certificates of the households recognised poor or near-poor, one page each."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from gnapp.core.official import document_kind, full_number
from gnapp.core.vietnamese import format_date, format_number
from gnapp.i18n import tr
from gnapp.reporting.document import Block, Bullet, OfficialDocument, TextParagraph, number_symbol
from gnapp.reporting.tables import Row, Table
from gnapp.reporting.tables.pdf import data_table
from gnapp.review.documents.common import (
    Context,
    DocumentError,
    class_text,
    column_heading,
    columns,
    lower_first,
    round_context,
    value_text,
    village_label,
)
from gnapp.review.progress import HouseholdState
from gnapp.store.as_of import members_present
from gnapp.store.register import household_address

KIND = "certificate"  # forms/documents/issuers.json: the chairman's certificate
CERTIFIED = ("poor", "near_poor")
# (most members, type size) of a certificate's roster: a large household's in smaller type, so
# that its certificate keeps to one page
CERTIFICATE_TYPE = ((7, 11), (8, 9), (12, 8), (10**6, 7))


def _certificate(context: Context, state: HouseholdState) -> OfficialDocument:
    words = context.words["certificate"]
    found = context.found
    # the household as the decision recognised it, whatever the register has learnt since
    members = members_present(context.db, context.decided_on, state.household_id)
    head = next((m for m in members if m["relation"] == "head"), members[0] if members else {})
    label = class_text(state.result)
    decision = context.words["decision"]
    years_after = found.procedure.certificate_years_after[found.kind]
    values = {
        "decision_number": full_number(found.decision_number, document_kind("decision").symbol),
        "decision_date": format_date(context.decided_on),
        "decision_subject": lower_first(context.fill(decision["subject"])),
        "valid_from": format_date(context.decided_on),
        "valid_until": format_date(date(found.year + years_after, 12, 31)),
    }
    address = ", ".join(
        part
        for part in (
            household_address(context.db, state.household_id),
            village_label(state.village_name),
            context.who.commune,
        )
        if part
    )
    roster = Table(
        columns(
            ("number", "index", 0.5),
            ("full_name", "text", 2.6),
            ("birth_year", "center", 1.1),
            ("sex", "center", 0.8),
            ("relation", "text", 1.6),
        ),
        [
            Row(
                {
                    "number": n,
                    "full_name": m["full_name"],
                    "birth_year": (m["birth_date"] or "")[:4],
                    "sex": value_text("member.sex", m["sex"]),
                    "relation": value_text("member.relation", m["relation"]),
                }
            )
            for n, m in enumerate(members, start=1)
        ],
        totals=False,
        numbered=False,
        font_size=next(size for most, size in CERTIFICATE_TYPE if len(members) <= most),
    )
    body: list[Block] = [
        *context.bases(KIND, context.decided_on),
        *(
            TextParagraph(context.fill(line, **values), italic=True)
            for line in words["bases_after"]
        ),
        TextParagraph(context.fill(words["certifies"]), align="center", indent=False, bold=True),
        Bullet(
            f"{column_heading('head')}: {state.head_name}; "
            f"dân tộc: {head.get('ethnicity') or '……………'}"
        ),
        Bullet(f"{column_heading('citizen_id')}: {head.get('citizen_id') or '……………………'}"),
        Bullet(f"Địa chỉ: {address}; mã hộ: {state.code}"),
        Bullet(f"Các thành viên của hộ ({format_number(len(members))} người):"),
        data_table(roster),
        TextParagraph(
            context.fill(
                words["statement"], head=state.head_name, class_label=label.lower(), **values
            )
        ),
    ]
    return context.document(
        number_symbol=number_symbol(None, document_kind(KIND).symbol),
        date=context.decided_on,
        kind=words["kind"],
        subject=context.fill(words["subject"], class_upper=label.upper()),
        body=tuple(body),
        signatures=(context.signature(KIND),),
    )


def certificate_documents(
    db: sqlite_utils.Database,
    round_id: int,
    *,
    village_id: int | None = None,
    household_code: str | None = None,
) -> list[OfficialDocument]:
    """A certificate for each household recognised poor or near-poor (of a village, or one)."""
    context = round_context(db, round_id)
    if not context.found.locked:
        raise DocumentError(
            tr(
                "{round} chưa có quyết định công nhận: chưa cấp giấy chứng nhận được.",
                round=context.found.title_in(tr),
            )
        )
    states = [s for s in context.states(village_id) if s.result in CERTIFIED]
    if household_code is not None:
        states = [s for s in states if s.code == household_code]
        if not states:
            raise DocumentError(
                tr(
                    "Hộ {code} không được công nhận hộ nghèo, hộ cận nghèo trong {round}: không "
                    "có giấy chứng nhận.",
                    code=household_code,
                    round=context.found.title_in(tr),
                )
            )
    if not states:
        raise DocumentError(tr("Không có hộ nghèo, hộ cận nghèo nào để cấp giấy chứng nhận."))
    return [_certificate(context, s) for s in states]
