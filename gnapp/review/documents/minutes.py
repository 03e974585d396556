"""3. The minutes of the village meetings (Phụ lục V): who attended, the vote on each household,
the households sent back."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.core.vietnamese import format_date, format_number, format_percent
from gnapp.i18n import tr
from gnapp.reporting.document import (
    Block,
    Bullet,
    OfficialDocument,
    SectionHeading,
    Signature,
    TextParagraph,
)
from gnapp.reporting.tables import Row, Table
from gnapp.reporting.tables.pdf import data_table
from gnapp.review.documents.common import (
    Context,
    DocumentError,
    class_text,
    columns,
    round_context,
    village_label,
)
from gnapp.store.register import village_name
from gnapp.store.review import meeting_votes, village_meetings


def _votes_table(votes: list[dict[str, Any]]) -> Table:
    return Table(
        columns(
            ("number", "index", 0.5),
            ("code", "id", 1.2),
            ("head", "text", 2.1),
            ("result", "text", 1.9),
            ("votes", "center", 1.1),
            ("vote_rate", "value", 0.8),
            ("conclusion", "center", 1.1),
        ),
        [
            Row(
                {
                    "number": n,
                    "code": v["code"],
                    "head": v["head_name"] or "",
                    "result": class_text(v["class_code"]),
                    "votes": f"{v['agreed']}/{v['attendees']}",
                    "vote_rate": format_percent(v["agreed"] / v["attendees"] * 100, 1)
                    if v["attendees"]
                    else "",
                    "conclusion": "Thống nhất" if v["outcome"] == "agreed" else "Rà soát lại",
                }
            )
            for n, v in enumerate(votes, start=1)
        ],
        totals=False,
        numbered=False,
        font_size=11,
    )


def _minutes(
    context: Context, meeting: dict[str, Any], village: str, listed: int
) -> OfficialDocument:
    words = context.words["minutes"]
    held_on = date.fromisoformat(meeting["held_on"])
    label = village_label(village)
    threshold = context.found.procedure.vote_threshold
    body: list[Block] = [
        TextParagraph(
            context.fill(
                words["opening"],
                date=format_date(held_on),
                place=meeting["place"] or label,
                village=label,
            )
        ),
        SectionHeading("I. THÀNH PHẦN THAM DỰ"),
        Bullet(f"Chủ trì: {meeting['chair'] or '……………………'}"),
        Bullet(f"Thư ký: {meeting['secretary'] or '……………………'}"),
    ]
    groups = words["attendee_groups"]
    for group, count in json.loads(meeting["attendees"] or "{}").items():
        body.append(Bullet(f"{groups.get(group, group)}: {format_number(count)} người"))
    body.append(Bullet(f"Tổng số người dự họp: {format_number(meeting['attendee_count'])} người"))
    represented = meeting["represented_households"]
    if represented is not None and listed and represented > listed:
        # the whole village came, not only the listed households: no share of the list
        body.append(Bullet(f"Số hộ có đại diện dự họp: {format_number(represented)} hộ"))
    elif represented is not None and listed:
        body.append(
            Bullet(
                f"Đại diện {format_number(represented)}/{format_number(listed)} hộ trong danh sách "
                f"rà soát của thôn, đạt {format_percent(represented / listed * 100, 1)}"
            )
        )
    votes = meeting_votes(context.db, meeting["id"])
    returned = [v for v in votes if v["outcome"] == "returned"]
    body += [
        SectionHeading("II. NỘI DUNG VÀ KẾT QUẢ"),
        TextParagraph(
            context.fill(
                words["procedure_note"],
                procedure=context.procedure_act,
                threshold=format_percent(threshold * 100, 0),
            )
        ),
        data_table(_votes_table(votes)),
    ]
    if returned:
        body.append(
            TextParagraph(
                f"Hộ chưa được thống nhất (dưới {format_percent(threshold * 100, 0)} số người "
                "biểu quyết đồng ý), thôn rà soát lại: "
                + ", ".join(f"{v['head_name']} ({v['code']})" for v in returned)
                + ".",
            )
        )
    else:
        body.append(TextParagraph("Không có hộ phải rà soát lại."))
    if meeting["note"]:
        body.append(TextParagraph(meeting["note"]))
    body.append(TextParagraph(words["closing"]))
    return OfficialDocument(
        parent_body=context.who.name.upper(),
        issuing_office=label.upper(),
        number_symbol="",
        place=village,
        date=held_on,
        kind=words["kind"],
        subject=context.fill(words["subject"]),
        body=tuple(body),
        signatures=(
            Signature(words["chair"], meeting["chair"] or ""),
            Signature(words["secretary"], meeting["secretary"] or ""),
            Signature(words["households"], ""),
        ),
        issuer_name=label,
    )


def minutes_documents(
    db: sqlite_utils.Database, round_id: int, village_id: int
) -> list[OfficialDocument]:
    """The minutes of every meeting the village held in the round, in order."""
    context = round_context(db, round_id)
    village = village_name(db, village_id)
    meetings = village_meetings(db, round_id, village_id)
    if not meetings:
        raise DocumentError(
            tr(
                "{village} chưa họp dân trong {round}: chưa có biên bản.",
                village=village,
                round=context.found.title_in(tr),
            )
        )
    listed = len(context.states(village_id))
    return [_minutes(context, meeting, village, listed) for meeting in meetings]
