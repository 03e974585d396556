"""The register and the year's lists (poor, near-poor, escaped) as rows ready to print.

Rows come in the order of the printed lists: urban villages before rural ones, villages in
Vietnamese order, households by the head's name (given name first), members in roster order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from gnapp.i18n import tr
from gnapp.store.errors import DatabaseError
from gnapp.store.presence import present_now, present_on

# The movements that put a household on each list, in the order of the list's parts.
LIST_MOVEMENTS: dict[str, tuple[str, ...] | None] = {
    "poor": None,
    "near_poor": None,
    "escaped_poverty": ("escaped_poverty", "poor_to_near_poor"),
    "escaped_near_poverty": ("escaped_near_poverty",),
}
LIST_KINDS = tuple(LIST_MOVEMENTS)

_VILLAGE_ORDER = "v.area = 'rural', v.name_sort_key, v.id"
_HEAD = (
    "SELECT m.household_id, m.birth_date, m.sex, m.ethnicity, m.citizen_id, "
    "row_number() OVER (PARTITION BY m.household_id ORDER BY m.position) AS n "
    "FROM members m WHERE m.relation = 'head'"
)
_EFFECTIVE = "coalesce(s.decision_date, s.year || '-12-31')"
# A listed household's members on the day its status took effect (a year's list as decided,
# whatever the register became since: docs/register-history.md).
_MEMBERS_THEN = """(SELECT count(*) FROM (
        SELECT present_from, NULL AS present_until FROM members WHERE household_id = h.id
        UNION ALL
        SELECT present_from, present_until FROM former_members WHERE household_id = h.id) m
    WHERE {present})"""


@dataclass(frozen=True)
class Village:
    id: int
    code: str
    name: str
    area: str


@dataclass(frozen=True)
class ListedHousehold:
    """One household on a year's list, with its head's identity."""

    household_id: int
    code: str
    village: Village
    address: str | None
    head_name: str
    head_birth_date: str | None
    head_sex: str | None
    head_ethnicity: str | None
    head_citizen_id: str | None
    members: int
    ethnic_minority: bool
    without_working_capacity: bool
    revolution_merit: bool
    social_assistance: bool
    status: str
    movement: str | None
    note: str | None


@dataclass(frozen=True)
class RegisterMember:
    """One member of the register with their household's code, village and year status."""

    household_id: int
    household_code: str
    village: Village
    full_name: str
    relation: str
    sex: str
    birth_date: str
    citizen_id: str | None
    ethnicity: str | None
    status: str | None


def _village(row: dict[str, Any]) -> Village:
    return Village(row["village_id"], row["village_code"], row["village_name"], row["area"])


def village_by_code(db: sqlite_utils.Database, code: str) -> Village:
    rows = list(db.query("SELECT * FROM villages WHERE code = ?", [code]))
    if not rows:
        raise DatabaseError(tr("Không có thôn, tổ dân phố mã {code}", code=code))
    row = rows[0]
    return Village(row["id"], row["code"], row["name"], row["area"])


def list_villages(db: sqlite_utils.Database) -> list[Village]:
    """Villages in the order of the printed lists (urban first, then Vietnamese order)."""
    return [
        Village(row["id"], row["code"], row["name"], row["area"])
        for row in db.query(f"SELECT * FROM villages v ORDER BY {_VILLAGE_ORDER}")
    ]


def _village_filter(village_id: int | None) -> str:
    return "" if village_id is None else " AND h.village_id = :village_id"


def list_households(
    db: sqlite_utils.Database, year: int, kind: str, village_id: int | None = None
) -> list[ListedHousehold]:
    """The households on the ``kind`` list of ``year`` (see LIST_KINDS).

    poor / near_poor: the year's status; escaped_*: the year's movement (the escaped-poverty list
    also holds the households that went from poor to near-poor, after the others).
    """
    if kind not in LIST_MOVEMENTS:
        raise DatabaseError(tr("Loại danh sách không hợp lệ: {kind}", kind=kind))
    movements = LIST_MOVEMENTS[kind]
    params: dict[str, Any] = {"year": year, "village_id": village_id}
    if movements is None:
        condition = "s.status = :kind"
        part = ""
        params["kind"] = kind
    else:
        names = [f":m{index}" for index in range(len(movements))]
        condition = f"s.movement IN ({', '.join(names)})"
        part = "CASE s.movement " + " ".join(
            f"WHEN {name} THEN {index}" for index, name in enumerate(names)
        ) + " END, "  # fmt: skip
        params.update({name[1:]: movement for name, movement in zip(names, movements, strict=True)})
    sql = f"""
        WITH head AS ({_HEAD})
        SELECT h.id AS household_id, h.code, h.address, h.head_name,
               h.ethnic_minority OR h.local_ethnic_minority AS ethnic_minority,
               h.without_working_capacity, h.revolution_merit, h.social_assistance,
               v.id AS village_id, v.code AS village_code, v.name AS village_name, v.area,
               hd.birth_date, hd.sex, hd.ethnicity, hd.citizen_id,
               {_MEMBERS_THEN.format(present=present_on("m", _EFFECTIVE))} AS members,
               s.status, s.movement, s.note
        FROM household_status s
        JOIN households h ON h.id = s.household_id
        JOIN villages v ON v.id = h.village_id
        LEFT JOIN head hd ON hd.household_id = h.id AND hd.n = 1
        WHERE s.year = :year AND {condition}{_village_filter(village_id)}
        ORDER BY {part}{_VILLAGE_ORDER}, h.head_sort_key, h.code
    """
    return [
        ListedHousehold(
            household_id=row["household_id"],
            code=row["code"],
            village=_village(row),
            address=row["address"],
            head_name=row["head_name"],
            head_birth_date=row["birth_date"],
            head_sex=row["sex"],
            head_ethnicity=row["ethnicity"],
            head_citizen_id=row["citizen_id"],
            members=row["members"],
            ethnic_minority=bool(row["ethnic_minority"]),
            without_working_capacity=bool(row["without_working_capacity"]),
            revolution_merit=bool(row["revolution_merit"]),
            social_assistance=bool(row["social_assistance"]),
            status=row["status"],
            movement=row["movement"],
            note=row["note"],
        )
        for row in db.query(sql, params)
    ]


def count_register_members(db: sqlite_utils.Database, village_id: int | None = None) -> int:
    """The members of the households in the commune now (of one village)."""
    sql = (
        "SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id "
        f"WHERE {present_now('h')}"
    )
    params = {"village_id": village_id}
    return db.execute(sql + _village_filter(village_id), params).fetchone()[0]


def register_members(
    db: sqlite_utils.Database, year: int | None, village_id: int | None = None
) -> Iterator[RegisterMember]:
    """Every member of every household in the commune now (of one village: not those that
    moved away, merged or ended), with the household's ``year`` status."""
    sql = f"""
        SELECT h.id AS household_id, h.code AS household_code,
               v.id AS village_id, v.code AS village_code, v.name AS village_name, v.area,
               m.full_name, m.relation, m.sex, m.birth_date, m.citizen_id, m.ethnicity,
               s.status
        FROM households h
        JOIN villages v ON v.id = h.village_id
        JOIN members m ON m.household_id = h.id
        LEFT JOIN household_status s ON s.household_id = h.id AND s.year = :year
        WHERE {present_now("h")}{_village_filter(village_id)}
        ORDER BY {_VILLAGE_ORDER}, h.head_sort_key, h.code, m.position
    """
    for row in db.query(sql, {"year": year, "village_id": village_id}):
        yield RegisterMember(
            household_id=row["household_id"],
            household_code=row["household_code"],
            village=_village(row),
            full_name=row["full_name"],
            relation=row["relation"],
            sex=row["sex"],
            birth_date=row["birth_date"],
            citizen_id=row["citizen_id"],
            ethnicity=row["ethnicity"],
            status=row["status"],
        )


def year_decision(db: sqlite_utils.Database, year: int) -> tuple[str, str | None] | None:
    """The recognition decision (number, date) most of the year's statuses cite, if any."""
    row = db.execute(
        "SELECT decision_number, decision_date FROM household_status "
        "WHERE year = ? AND decision_number IS NOT NULL AND decision_number != '' "
        "GROUP BY decision_number, decision_date ORDER BY count(*) DESC LIMIT 1",
        [year],
    ).fetchone()
    return (row[0], row[1]) if row else None
