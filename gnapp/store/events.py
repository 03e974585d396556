"""Events that change the register over time (docs/register-history.md).

A household moves in, moves away, splits (some members form a new household), merges into
another, or ends; a member is born, dies, joins (marriage, moving in, from another household of
the commune) or leaves. Each event is written in one transaction together with its effects on
the register: a household's ``present_from`` / ``present_until``, a member's ``present_from``,
and a ``former_members`` row for a member's time in a household that ended. Effects and event
rows are written in one batch of the change log, so undoing an event entered by mistake replays
the effects backwards (``gnapp.store.batches``); the event rows stay, marked undone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.core.vietnamese import format_date, format_timestamp, local_time
from gnapp.i18n import tr, tr_noop
from gnapp.store import batches, changelog, register
from gnapp.store.database import CommuneDatabase, inserted_id
from gnapp.store.errors import DatabaseError

BATCH_KIND = "register_event"
HOUSEHOLD_KINDS = (
    "moved_in", "moved_away", "split_off", "split_from", "merged_into", "merged_in", "ended"
)  # fmt: skip
MEMBER_KINDS = ("born", "died", "joined", "left")
EVENT_LABELS = {
    "moved_in": tr_noop("chuyển đến"),
    "moved_away": tr_noop("chuyển đi"),
    "split_off": tr_noop("tách hộ (hộ cũ)"),
    "split_from": tr_noop("tách hộ (hộ mới)"),
    "merged_into": tr_noop("nhập vào hộ khác"),
    "merged_in": tr_noop("nhận hộ khác nhập vào"),
    "ended": tr_noop("hộ không còn"),
    "born": tr_noop("sinh"),
    "died": tr_noop("chết"),
    "joined": tr_noop("nhập khẩu vào hộ"),
    "left": tr_noop("rời khỏi hộ"),
}
# How a member joins (left: how a member leaves for another household of the commune).
JOIN_WAYS = ("marriage", "moved_in", "from_household")
TO_HOUSEHOLD = "to_household"
# Households the event brings into the commune (+1) or takes out of it (-1).
HOUSEHOLD_CHANGE = {
    "moved_in": 1,
    "split_from": 1,
    "moved_away": -1,
    "merged_into": -1,
    "ended": -1,
}
# The "other" columns of the movement tables: what lowers a list, what raises it.
DECREASES = ("moved_away", "split_off", "merged_into", "ended", "died", "left")
INCREASES = ("moved_in", "split_from", "merged_in", "born", "joined")


class EventError(DatabaseError):
    """An event the register refuses (the message is Vietnamese)."""


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    household_id: int
    household_code: str
    member_id: int | None
    member_name: str | None
    other_household_id: int | None
    other_household_code: str | None
    event_date: str
    how: str | None
    reason: str | None
    members: int
    batch_id: int | None
    recorded_by: str
    recorded_at: str
    undone_at: str | None
    undone_by: str | None


def _day(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else date.fromisoformat(value).isoformat()


def _shown(day: str | None) -> str:
    return format_date(date.fromisoformat(day)) if day else ""


def _event_day(cdb: CommuneDatabase, value: date | str) -> str:
    """The event's date as stored (YYYY-MM-DD); refused when invalid or still to come."""
    try:
        day = _day(value)
    except ValueError as error:
        raise EventError(
            tr("Ngày “{value}” không hợp lệ (cần dạng năm-tháng-ngày).", value=value)
        ) from error
    if day > local_time(cdb.now()).date().isoformat():
        raise EventError(tr("Ngày {day} chưa đến: chỉ ghi sự kiện đã xảy ra.", day=_shown(day)))
    return day


def _required(text: str | None, what: str) -> str:
    if not text or not text.strip():
        raise EventError(tr("Cần ghi {what}.", what=what))
    return text.strip()


def _household(db: sqlite_utils.Database, household_id: int) -> dict[str, Any]:
    row = db.execute(
        "SELECT id, code, village_id, present_from, present_until FROM households WHERE id = ?",
        [household_id],
    ).fetchone()
    if row is None:
        raise EventError(tr("Không có hộ số {id} trong sổ.", id=household_id))
    return dict(
        zip(("id", "code", "village_id", "present_from", "present_until"), row, strict=True)
    )


def _latest_event(db: sqlite_utils.Database, household_id: int) -> tuple[str, str] | None:
    row = db.execute(
        "SELECT event_date, kind FROM register_events WHERE household_id = ? "
        "AND undone_at IS NULL ORDER BY event_date DESC, id DESC LIMIT 1",
        [household_id],
    ).fetchone()
    return None if row is None else (row[0], row[1])


def _require_present(db: sqlite_utils.Database, household: Mapping[str, Any], day: str) -> None:
    """Refuse an event on a day the household was not in the commune, or dated before an event
    already recorded for it (events are recorded in the order they happened)."""
    code = household["code"]
    if household["present_from"] and day < household["present_from"]:
        raise EventError(
            tr(
                "Ngày {day} trước ngày hộ {code} có trong xã ({present_from}).",
                day=_shown(day),
                code=code,
                present_from=_shown(household["present_from"]),
            )
        )
    if household["present_until"] and day >= household["present_until"]:
        raise EventError(
            tr(
                "Hộ {code} đã không còn trong xã từ ngày {day}.",
                code=code,
                day=_shown(household["present_until"]),
            )
        )
    latest = _latest_event(db, household["id"])
    if latest and latest[0] > day:
        raise EventError(
            tr(
                "Hộ {code} đã có sự kiện “{event}” ngày {day}: hãy ghi các sự kiện theo thứ tự "
                "ngày xảy ra.",
                code=code,
                event=tr(EVENT_LABELS[latest[1]]),
                day=_shown(latest[0]),
            )
        )


def _member(db: sqlite_utils.Database, member_id: int) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM members WHERE id = ?", [member_id]))
    if not rows:
        raise EventError(tr("Không có thành viên số {id} trong sổ.", id=member_id))
    return rows[0]


def _member_of(
    db: sqlite_utils.Database, member_id: int, household: Mapping[str, Any], day: str
) -> dict[str, Any]:
    member = _member(db, member_id)
    if member["household_id"] != household["id"]:
        raise EventError(
            tr(
                "{name} không phải thành viên của hộ {code}.",
                name=member["full_name"],
                code=household["code"],
            )
        )
    if member["present_from"] and day < member["present_from"]:
        raise EventError(
            tr(
                "Ngày {day} trước ngày {name} vào hộ ({present_from}).",
                day=_shown(day),
                name=member["full_name"],
                present_from=_shown(member["present_from"]),
            )
        )
    return member


def _member_count(db: sqlite_utils.Database, household_id: int) -> int:
    return len(register.members_of(db, household_id))


def _end_membership(
    db: sqlite_utils.Database, member: Mapping[str, Any], day: str, departure: str
) -> None:
    """Keep the member's time in the household (until ``day``) in former_members."""
    db.table("former_members").insert(
        {
            "member_id": member["id"],
            "household_id": member["household_id"],
            "present_from": member["present_from"],
            "present_until": day,
            "departure": departure,
            "member": json.dumps(dict(member), ensure_ascii=False, separators=(",", ":")),
        }
    )


def _move_member(
    cdb: CommuneDatabase, member: Mapping[str, Any], to_household: int, day: str, **changes: Any
) -> None:
    """The member leaves its household on ``day`` and belongs to ``to_household`` from then."""
    db = cdb.db
    _end_membership(db, member, day, "moved")
    position = db.execute(
        "SELECT coalesce(max(position), 0) + 1 FROM members WHERE household_id = ?",
        [to_household],
    ).fetchone()[0]
    db.table("members").update(
        member["id"],
        {"household_id": to_household, "position": position, "present_from": day, **changes},
    )


def _refresh(cdb: CommuneDatabase, *household_ids: int) -> None:
    for household_id in household_ids:
        register.refresh_household_keys(cdb.db, household_id)
        cdb.db.table("households").update(household_id, {"updated_at": cdb.now()})


def _event_row(
    kind: str,
    household: Mapping[str, Any],
    day: str,
    members: int,
    *,
    other: Mapping[str, Any] | None = None,
    member: Mapping[str, Any] | None = None,
    how: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "household_id": household["id"],
        "household_code": household["code"],
        "member_id": member["id"] if member else None,
        "member_name": member["full_name"] if member else None,
        "other_household_id": other["id"] if other else None,
        "other_household_code": other["code"] if other else None,
        "event_date": day,
        "how": how,
        "reason": reason.strip() if reason and reason.strip() else None,
        "members": members,
    }


def _record(
    cdb: CommuneDatabase, label: str, effects: Callable[[sqlite_utils.Database], list[dict]]
) -> list[int]:
    """Run ``effects`` (which changes the register and returns the event rows) and write the
    event rows, in one batch of the change log; return the events' ids. ``label`` is stored
    with the batch, so it is written in Vietnamese whatever the interface's language."""
    with cdb.batch(BATCH_KIND, label) as batch_id:
        db = cdb.db
        ids = []
        for row in effects(db):
            table = db.table("register_events")
            table.insert(
                {**row, "batch_id": batch_id, "recorded_by": cdb.actor, "recorded_at": cdb.now()}
            )
            ids.append(inserted_id(table))
        return ids


# --- household events ----------------------------------------------------------------------


def record_moved_in(
    cdb: CommuneDatabase, household_id: int, on: date | str, reason: str | None = None
) -> int:
    """A household just added to the register moved into the commune on ``on``: it is
    present from that day. Return the event's id."""
    day = _event_day(cdb, on)
    household = _household(cdb.db, household_id)
    if _latest_event(cdb.db, household_id) or household["present_until"]:
        raise EventError(
            tr(
                "Hộ {code} đã có sự kiện trong sổ: chỉ ghi chuyển đến cho hộ mới thêm.",
                code=household["code"],
            )
        )
    if household["present_from"] and household["present_from"] < day:
        raise EventError(
            tr(
                "Hộ {code} đã có trong xã từ ngày {day}.",
                code=household["code"],
                day=_shown(household["present_from"]),
            )
        )

    def effects(db: sqlite_utils.Database) -> list[dict]:
        db.table("households").update(household_id, {"present_from": day, "updated_at": cdb.now()})
        count = _member_count(db, household_id)
        return [_event_row("moved_in", household, day, count, reason=reason)]

    return _record(cdb, f"Hộ {household['code']} chuyển đến", effects)[0]


def _leave_commune(
    cdb: CommuneDatabase, kind: str, household_id: int, on: date | str, reason: str | None
) -> int:
    day = _event_day(cdb, on)
    text = _required(reason, tr("lý do"))
    household = _household(cdb.db, household_id)
    _require_present(cdb.db, household, day)

    def effects(db: sqlite_utils.Database) -> list[dict]:
        db.table("households").update(household_id, {"present_until": day, "updated_at": cdb.now()})
        count = _member_count(db, household_id)
        return [_event_row(kind, household, day, count, reason=text)]

    label = EVENT_LABELS[kind]
    return _record(cdb, f"Hộ {household['code']}: {label}", effects)[0]


def record_moved_away(cdb: CommuneDatabase, household_id: int, on: date | str, reason: str) -> int:
    """The household moved out of the commune on ``on`` (no longer present from that day)."""
    return _leave_commune(cdb, "moved_away", household_id, on, reason)


def record_ended(cdb: CommuneDatabase, household_id: int, on: date | str, reason: str) -> int:
    """The household ended on ``on`` (no member left, e.g. a single member died)."""
    return _leave_commune(cdb, "ended", household_id, on, reason)


def split_household(
    cdb: CommuneDatabase,
    household_id: int,
    member_ids: Sequence[int],
    on: date | str,
    *,
    code: str,
    head_member_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> int:
    """Some members leave the household on ``on`` to form a new household (code ``code``; its
    other fields copied from the old household, then ``changes``); return the new household's
    id. ``head_member_id`` (default: the first of ``member_ids``) heads it."""
    day = _event_day(cdb, on)
    db = cdb.db
    household = _household(db, household_id)
    _require_present(db, household, day)
    if not member_ids:
        raise EventError(tr("Chọn ít nhất một thành viên để tách thành hộ mới."))
    moving = [_member_of(db, member_id, household, day) for member_id in dict.fromkeys(member_ids)]
    if len(moving) >= _member_count(db, household_id):
        raise EventError(
            tr(
                "Hộ {code} phải còn ít nhất một thành viên sau khi tách hộ.",
                code=household["code"],
            )
        )
    head = head_member_id if head_member_id is not None else moving[0]["id"]
    if head not in {m["id"] for m in moving}:
        raise EventError(tr("Chủ hộ mới phải là một trong các thành viên tách ra."))
    new_code = _required(code, tr("mã hộ mới"))
    if register.household_code_in_use(db, new_code, None):
        raise EventError(tr("Mã hộ {code} đã có trong sổ.", code=new_code))

    def effects(db: sqlite_utils.Database) -> list[dict]:
        fields = {
            **register.stored_household(db, household_id),
            **(changes or {}),
            "code": new_code,
        }
        new_id = register.add_household(cdb, fields, [])
        db.table("households").update(new_id, {"present_from": day})
        moving.sort(key=lambda m: (m["id"] != head, m["position"]))
        for member in moving:
            relation = {"relation": "head"} if member["id"] == head else {}
            _move_member(cdb, member, new_id, day, **relation)
        _refresh(cdb, household_id, new_id)
        new = {"id": new_id, "code": new_code}
        return [
            _event_row("split_off", household, day, len(moving), other=new, reason=reason),
            _event_row("split_from", new, day, len(moving), other=household, reason=reason),
        ]

    _record(cdb, f"Tách hộ {new_code} từ hộ {household['code']}", effects)
    found = register.household_id_by_code(db, new_code)
    assert found is not None
    return found


def merge_households(
    cdb: CommuneDatabase,
    household_id: int,
    into_household_id: int,
    on: date | str,
    reason: str | None = None,
) -> int:
    """The household merges into another on ``on``: its members join that household (a head
    among them becomes "other": the clerk sets the relations) and it is no longer present.
    Return the id of the merged household's event."""
    day = _event_day(cdb, on)
    db = cdb.db
    household = _household(db, household_id)
    into = _household(db, into_household_id)
    if household_id == into_household_id:
        raise EventError(tr("Không thể nhập hộ {code} vào chính nó.", code=household["code"]))
    _require_present(db, household, day)
    _require_present(db, into, day)

    def effects(db: sqlite_utils.Database) -> list[dict]:
        moving = register.members_of(db, household_id)
        for member in moving:
            relation = {"relation": "other"} if member["relation"] == "head" else {}
            _move_member(cdb, member, into_household_id, day, **relation)
        db.table("households").update(household_id, {"present_until": day})
        _refresh(cdb, household_id, into_household_id)
        return [
            _event_row("merged_into", household, day, len(moving), other=into, reason=reason),
            _event_row("merged_in", into, day, len(moving), other=household, reason=reason),
        ]

    label = f"Nhập hộ {household['code']} vào hộ {into['code']}"
    return _record(cdb, label, effects)[0]


# --- member events ---------------------------------------------------------------------------


def _new_member(
    cdb: CommuneDatabase,
    kind: str,
    household_id: int,
    day: str,
    fields: Mapping[str, Any],
    how: str | None,
    reason: str | None,
) -> int:
    household = _household(cdb.db, household_id)
    _require_present(cdb.db, household, day)
    made: dict[str, Any] = {}

    def effects(db: sqlite_utils.Database) -> list[dict]:
        member_id = register.add_member(cdb, household_id, fields)
        db.table("members").update(member_id, {"present_from": day})
        made.update(_member(db, member_id))
        return [_event_row(kind, household, day, 1, member=made, how=how, reason=reason)]

    name = fields.get("full_name", "")
    _record(cdb, f"Hộ {household['code']}: {EVENT_LABELS[kind]} {name}", effects)
    return made["id"]


def record_birth(
    cdb: CommuneDatabase, household_id: int, on: date | str, member: Mapping[str, Any]
) -> int:
    """A child born on ``on`` joins the household (``member``: its fields; the birth date is
    the event's date unless given). Return the new member's id."""
    day = _event_day(cdb, on)
    return _new_member(cdb, "born", household_id, day, {"birth_date": day, **member}, None, None)


def record_joined(
    cdb: CommuneDatabase,
    household_id: int,
    on: date | str,
    how: str,
    *,
    member: Mapping[str, Any] | None = None,
    from_member_id: int | None = None,
    reason: str | None = None,
) -> int:
    """A person joins the household on ``on``: by marriage or moving in (``member``: the new
    member's fields), or from another household of the commune (``from_member_id``: that
    member, who leaves the other household the same day). Return the member's id."""
    day = _event_day(cdb, on)
    if how not in JOIN_WAYS:
        raise EventError(tr("Cách nhập khẩu không hợp lệ: {how}", how=how))
    if how != "from_household":
        if not member:
            raise EventError(tr("Cần thông tin của người nhập khẩu vào hộ."))
        return _new_member(cdb, "joined", household_id, day, member, how, reason)
    db = cdb.db
    household = _household(db, household_id)
    if from_member_id is None:
        raise EventError(tr("Chọn thành viên chuyển từ hộ khác đến."))
    moving = _member(db, from_member_id)
    source = _household(db, moving["household_id"])
    if source["id"] == household_id:
        raise EventError(
            tr(
                "{name} đã là thành viên của hộ {code}.",
                name=moving["full_name"],
                code=household["code"],
            )
        )
    _member_of(db, from_member_id, source, day)
    _require_present(db, source, day)
    _require_present(db, household, day)
    relation = (member or {}).get("relation", "other")

    def effects(db: sqlite_utils.Database) -> list[dict]:
        _move_member(cdb, moving, household_id, day, relation=relation)
        _refresh(cdb, source["id"], household_id)
        return [
            _event_row(
                "left", source, day, 1, other=household, member=moving, how=TO_HOUSEHOLD,
                reason=reason,
            ),
            _event_row(
                "joined", household, day, 1, other=source, member=moving, how=how, reason=reason
            ),
        ]  # fmt: skip

    label = f"{moving['full_name']}: từ hộ {source['code']} sang hộ {household['code']}"
    _record(cdb, label, effects)
    return from_member_id


def _member_leaves(
    cdb: CommuneDatabase,
    kind: str,
    member_id: int,
    on: date | str,
    reason: str | None,
    how: str | None,
) -> int:
    day = _event_day(cdb, on)
    db = cdb.db
    member = _member(db, member_id)
    household = _household(db, member["household_id"])
    _member_of(db, member_id, household, day)
    _require_present(db, household, day)

    def effects(db: sqlite_utils.Database) -> list[dict]:
        _end_membership(db, member, day, kind)
        register.remove_member(cdb, member_id)
        return [_event_row(kind, household, day, 1, member=member, how=how, reason=reason)]

    label = f"Hộ {household['code']}: {member['full_name']} {EVENT_LABELS[kind]}"
    return _record(cdb, label, effects)[0]


def record_death(
    cdb: CommuneDatabase, member_id: int, on: date | str, reason: str | None = None
) -> int:
    """The member died on ``on`` (no longer present from that day); return the event's id."""
    return _member_leaves(cdb, "died", member_id, on, reason, None)


def record_left(
    cdb: CommuneDatabase, member_id: int, on: date | str, reason: str, how: str | None = None
) -> int:
    """The member left the household (and the commune) on ``on``, e.g. married away, moved
    to work elsewhere; return the event's id. A move to another household of the commune is
    ``record_joined(..., "from_household", ...)``."""
    return _member_leaves(cdb, "left", member_id, on, _required(reason, tr("lý do")), how)


# --- reading and undoing ---------------------------------------------------------------------


def _events(db: sqlite_utils.Database, where: str, params: Sequence[Any]) -> list[Event]:
    rows = db.query(f"SELECT * FROM register_events WHERE {where} ORDER BY event_date, id", params)
    return [Event(**row) for row in rows]


def event(db: sqlite_utils.Database, event_id: int) -> Event:
    found = _events(db, "id = ?", [event_id])
    if not found:
        raise EventError(tr("Không có sự kiện số {id}.", id=event_id))
    return found[0]


def events_of_household(
    db: sqlite_utils.Database, household_id: int, *, with_undone: bool = False
) -> list[Event]:
    """The household's events (and its members'), oldest first."""
    undone = "" if with_undone else " AND undone_at IS NULL"
    return _events(db, f"household_id = ?{undone}", [household_id])


def departures(db: sqlite_utils.Database) -> dict[int, Event]:
    """The event that took each household no longer in the commune away (moved away, merged
    into another, ended), by household id."""
    leaving = ", ".join(f"'{kind}'" for kind, change in HOUSEHOLD_CHANGE.items() if change < 0)
    found = _events(
        db,
        f"undone_at IS NULL AND kind IN ({leaving}) AND household_id IN "
        "(SELECT id FROM households WHERE present_until IS NOT NULL)",
        [],
    )
    return {event.household_id: event for event in found}  # the latest one wins


_LATER_WORK = {
    "register_events": tr_noop("một sự kiện khác"),
    "questionnaires": tr_noop("phiếu rà soát"),
    "household_status": tr_noop("tình trạng nghèo, cận nghèo"),
    "review_entries": tr_noop("danh sách rà soát"),
    "members": tr_noop("thông tin thành viên"),
    "households": tr_noop("thông tin hộ"),
}


def undo_event(cdb: CommuneDatabase, event_id: int) -> None:
    """Undo an event entered by mistake, with the events recorded with it (both sides of a
    split, a merge or a move between households): the register is put back and the events are
    marked undone. Refused when later work depends on it: anything recorded afterwards for the
    households it touched (another event, a questionnaire, a status, an edit)."""
    db = cdb.db
    found = event(db, event_id)
    if found.undone_at:
        raise EventError(
            tr(
                "Sự kiện đã được hoàn tác lúc {at} bởi {actor}.",
                at=format_timestamp(found.undone_at),
                actor=found.undone_by,
            )
        )
    together = _events(db, "batch_id = ?", [found.batch_id])
    ids = [e.id for e in together]
    households = {e.household_id for e in together} | {
        e.other_household_id for e in together if e.other_household_id is not None
    }
    # the events undone since (their marks, their changes and the undos) are not later work
    after = "(SELECT max(id) FROM change_log WHERE batch_id = :batch)"
    later = db.execute(
        f"""SELECT CASE WHEN batch_id IN (SELECT id FROM batches WHERE kind = :kind)
                       THEN 'register_events' ELSE table_name END, household_id, at, actor
           FROM (SELECT id, batch_id, table_name, row_id, household_id, at, actor
                   FROM change_log
                  WHERE household_id IN (SELECT value FROM json_each(:households))
                    AND id > {after}
                 UNION ALL
                 SELECT id, batch_id, table_name, row_id,
                        {changelog.run_household_among("SELECT value FROM json_each(:households)")},
                        at, actor
                   FROM change_log WHERE {changelog.MANY_HOUSEHOLDS_RUN} AND id > {after})
           WHERE household_id IS NOT NULL
             AND coalesce(batch_id, 0) NOT IN ({batches.UNDONE_BATCHES})
             AND NOT (table_name = 'register_events' AND row_id IN (
                 SELECT id FROM register_events WHERE undone_at IS NOT NULL))
           ORDER BY id LIMIT 1""",
        {
            "households": json.dumps(sorted(households)),
            "batch": found.batch_id,
            "kind": BATCH_KIND,
        },
    ).fetchone()
    if later is not None:
        table, household_id, at, actor = later
        code = next(
            (e.household_code for e in together if e.household_id == household_id),
            register.household_code(db, household_id),
        )
        raise EventError(
            tr(
                "Không thể hoàn tác “{event}” của hộ {household}: hộ {code} có {work} ghi sau đó "
                "(lúc {at}, bởi {actor}). Hãy hoàn tác việc ghi sau trước.",
                event=tr(EVENT_LABELS[found.kind]),
                household=found.household_code,
                code=code,
                work=tr(_LATER_WORK.get(table, tr_noop("thay đổi khác"))),
                at=format_timestamp(at),
                actor=actor,
            )
        )
    with cdb.transaction():
        assert found.batch_id is not None
        batches.undo_batch(cdb, found.batch_id, keep="register_events")
        for each in ids:
            db.table("register_events").update(
                each, {"undone_at": cdb.now(), "undone_by": cdb.actor}
            )
