"""The register as it stood on a date: the one place that answers "who was here then"
(docs/register-history.md).

A household is present on a day when it came before or on that day (``present_from``, empty:
before the register's records begin) and had not left (``present_until`` after that day); a
member likewise, in the household it belonged to that day (``members`` for the members now,
``former_members`` for times in a household that ended). The status in force on a day is the
one of the latest decision on or before it: a ``household_status`` row counts from its
decision date (31/12 of its year when it has none), and a status corrected after the
recognition counted from the round's decision until the correction's. Figures are counted
as ``overview.VillageFigures`` and ``figures.VillageCounts`` / ``figures.ListCounts`` count them
now, so the rates are the same definitions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.core.movements import LISTED
from gnapp.store.events import HOUSEHOLD_CHANGE
from gnapp.store.figures import (
    GroupCounts,
    HouseholdServiceCounts,
    ListCounts,
    ListedMember,
    MovementCounts,
    ServiceDefinitions,
    VillageCounts,
)
from gnapp.store.household_query import GROUPS
from gnapp.store.overview import FIGURE_COLUMNS, VillageFigures
from gnapp.store.presence import present_on
from gnapp.store.review_tables import ListedHousehold, StatusCount
from gnapp.store.review_tables import ListedMember as YearListMember

_PRESENT = present_on("h")
# Members present on :on, by household (whether the household is present is asked apart).
_SIZES = f"""sizes AS (
    SELECT household_id, count(*) AS n FROM (
        SELECT household_id, present_from, NULL AS present_until FROM members
        UNION ALL
        SELECT household_id, present_from, present_until FROM former_members) m
    WHERE {present_on("m")}
    GROUP BY household_id)"""
# Every status a household had, from the day it took effect; on a tie the later year, then
# the row as it is now (seq 1) over a status it replaced by a correction (seq 0).
_STATUS_PERIODS = """status_periods AS (
    SELECT household_id, year, 1 AS seq, status,
           coalesce(decision_date, year || '-12-31') AS effective
    FROM household_status
    UNION ALL
    SELECT household_id, year, 0, old_status, effective FROM (
        SELECT c.household_id, r.year, c.old_status,
               coalesce(lag(c.decision_date) OVER (
                   PARTITION BY c.round_id, c.household_id ORDER BY c.id), r.decision_date)
                   AS effective
        FROM review_corrections c JOIN review_rounds r ON r.id = c.round_id)
    WHERE old_status IS NOT NULL AND effective IS NOT NULL)"""
# The statuses as reports count them: a status corrected after its round's recognition
# replaces the recognised one from the recognition's day, as the corrected official totals
# (which a report starts from) count it, so that every row of a movement table adds up.
_REPORTED_STATUS_PERIODS = """status_periods AS (
    SELECT s.household_id, s.year, 1 AS seq, s.status, s.movement,
           coalesce((SELECT r.decision_date FROM review_corrections c
                     JOIN review_rounds r ON r.id = c.round_id
                     WHERE c.household_id = s.household_id AND r.year = s.year
                       AND r.decision_date IS NOT NULL
                     ORDER BY c.id LIMIT 1),
                    s.decision_date, s.year || '-12-31') AS effective
    FROM household_status s)"""


def _in_force(periods: str) -> str:
    """The status in force on :on of every household, from ``periods``."""
    return f"""{periods},
in_force AS (
    SELECT household_id, status FROM (
        SELECT household_id, status, row_number() OVER (
            PARTITION BY household_id ORDER BY effective DESC, year DESC, seq DESC) AS pick
        FROM status_periods WHERE effective <= :on)
    WHERE pick = 1)"""


# On a date as the decisions then stood (a date's own figures) and as reports count them.
_IN_FORCE = _in_force(_STATUS_PERIODS)
_REPORTED_IN_FORCE = _in_force(_REPORTED_STATUS_PERIODS)
# The status of one year's list (the official totals of a recognised year).
_YEAR_LIST = """in_force AS (
    SELECT household_id, status FROM household_status WHERE year = :year)"""
_ETHNIC_MINORITY = GROUPS["ethnic_minority"]
_LISTED_IN = ", ".join(f"'{status}'" for status in LISTED)
# The households present on :on on a list by the status in force (the reports' end lists).
_LISTED_ON = f"""{_REPORTED_IN_FORCE},
listed AS (
    SELECT f.household_id FROM in_force f JOIN households h ON h.id = f.household_id
    WHERE f.status IN ({_LISTED_IN}) AND {_PRESENT})"""
# The groups of the group tables: each of GROUPS, "other" for none, "total" for all.
_GROUP_CONDITIONS = {**GROUPS, "other": f"NOT ({' OR '.join(GROUPS.values())})", "total": "1"}
# The members on :on with the answers the reports use (members since gone as they were).
_MEMBERS_THEN = f"""members_then AS (
    SELECT household_id, position, relation, ethnicity, birth_date, has_health_insurance,
           malnourished, schooling
    FROM members m WHERE m.present_from IS NULL OR m.present_from <= :on
    UNION ALL
    SELECT household_id, json_extract(member, '$.position'), json_extract(member, '$.relation'),
           json_extract(member, '$.ethnicity'), json_extract(member, '$.birth_date'),
           json_extract(member, '$.has_health_insurance'), json_extract(member, '$.malnourished'),
           json_extract(member, '$.schooling')
    FROM former_members f WHERE {present_on("f")})"""
_VILLAGE_ORDER = "v.area = 'rural', v.name_sort_key, v.id"


def _day(on: date | str) -> str:
    return on.isoformat() if isinstance(on, date) else date.fromisoformat(on).isoformat()


def households_present(
    db: sqlite_utils.Database, on: date | str, village_id: int | None = None
) -> list[int]:
    """The ids of the households in the commune (or in one village) on ``on``."""
    where = " AND h.village_id = :village" if village_id is not None else ""
    rows = db.execute(
        f"SELECT h.id FROM households h WHERE {_PRESENT}{where} ORDER BY h.id",
        {"on": _day(on), "village": village_id},
    )
    return [row[0] for row in rows]


def members_present(
    db: sqlite_utils.Database, on: date | str, household_id: int
) -> list[dict[str, Any]]:
    """The household's members on ``on`` (none when the household was not in the commune),
    each as its row was then as far as the register knows: members now as stored, members who
    have since left as they were when they left; in the order of the household."""
    params = {"on": _day(on), "household": household_id}
    present = db.execute(
        f"SELECT 1 FROM households h WHERE h.id = :household AND {_PRESENT}", params
    )
    if present.fetchone() is None:
        return []
    now = db.query(
        "SELECT * FROM members WHERE household_id = :household "
        "AND (present_from IS NULL OR present_from <= :on)",
        params,
    )
    before = db.execute(
        "SELECT member FROM former_members WHERE household_id = :household "
        "AND (present_from IS NULL OR present_from <= :on) AND present_until > :on",
        params,
    )
    rows = [*now, *(json.loads(row[0]) for row in before)]
    return sorted(rows, key=lambda row: (row["position"], row["id"]))


def statuses_on(db: sqlite_utils.Database, on: date | str) -> dict[int, str]:
    """The status in force on ``on`` of every household that had one (present or not)."""
    sql = f"WITH {_IN_FORCE} SELECT household_id, status FROM in_force"
    return dict(db.execute(sql, {"on": _day(on)}).fetchall())


def status_on(db: sqlite_utils.Database, household_id: int, on: date | str) -> str | None:
    """The household's status in force on ``on`` (None: no decision yet)."""
    sql = f"""WITH {_STATUS_PERIODS}
        SELECT status FROM status_periods
        WHERE household_id = :household AND effective <= :on
        ORDER BY effective DESC, year DESC, seq DESC LIMIT 1"""
    row = db.execute(sql, {"on": _day(on), "household": household_id}).fetchone()
    return None if row is None else row[0]


def _figures_sql(statuses: str, village_id: int | None) -> str:
    where = "WHERE v.id = :village" if village_id is not None else ""
    return f"""WITH {_SIZES}, {statuses}
        SELECT {FIGURE_COLUMNS}
        FROM villages v
        LEFT JOIN households h ON h.village_id = v.id AND {_PRESENT}
        LEFT JOIN sizes s ON s.household_id = h.id
        LEFT JOIN in_force f ON f.household_id = h.id
        {where}
        GROUP BY v.id ORDER BY {_VILLAGE_ORDER}"""


def figures_on(
    db: sqlite_utils.Database, on: date | str, village_id: int | None = None
) -> list[VillageFigures]:
    """Each village (or one) on ``on``: households and members present, the poor, near-poor
    and average households by the status in force, the persons of the poor and near-poor
    households; rates are VillageFigures' (``overview.commune_total`` sums the commune)."""
    sql = _figures_sql(_IN_FORCE, village_id)
    return [VillageFigures(**row) for row in db.query(sql, {"on": _day(on), "village": village_id})]


def year_list_figures(db: sqlite_utils.Database, year: int, on: date | str) -> list[VillageFigures]:
    """Like ``figures_on``, but the statuses are those of ``year``'s list (its
    ``household_status`` rows) whatever their decision dates: the official totals of a
    recognised year, counted over the households and members present on the decision date."""
    sql = _figures_sql(_YEAR_LIST, None)
    return [VillageFigures(**row) for row in db.query(sql, {"on": _day(on), "year": year})]


@dataclass(frozen=True)
class RegisterCounts:
    """The register on one day, counted in one pass (``counts_on``): every village's
    households, members and ethnic-minority households present (``figures.village_counts``
    then), the lists by village (``figures.ListCounts``), the lists by group and the services
    among the listed households."""

    villages: list[VillageCounts]
    lists: list[ListCounts]
    groups: list[GroupCounts]
    services: HouseholdServiceCounts


def counts_on(
    db: sqlite_utils.Database, on: date | str, services: ServiceDefinitions
) -> RegisterCounts:
    """The households present on ``on`` with their members then, by village and status in
    force, summed once: the villages' counts, the poor and near-poor lists by village, the
    lists by group (a household may be in several groups; its members counted with it) and,
    by ``services``' definitions, safe water, a hygienic latrine and access to information
    (uses telecom services and has one of the devices) among the listed households (their
    answers as the register holds them)."""
    groups = ",\n".join(
        f"coalesce(sum({condition}), 0) AS {group}_h, "
        f"coalesce(sum(({condition}) * coalesce(s.n, 0)), 0) AS {group}_m"
        for group, condition in _GROUP_CONDITIONS.items()
    )
    params = {
        "on": _day(on),
        "water": json.dumps(list(services.safe_water)),
        "latrines": json.dumps(list(services.hygienic_latrines)),
        "devices": json.dumps(list(services.devices)),
    }
    sql = f"""WITH {_SIZES}, {_REPORTED_IN_FORCE}
        SELECT h.village_id, f.status, count(*) AS households,
               coalesce(sum(s.n), 0) AS members,
               coalesce(sum({_ETHNIC_MINORITY}), 0) AS ethnic_minority,
               {groups},
               count(h.water_source) AS water_known,
               coalesce(sum(h.water_source IN (SELECT value FROM json_each(:water))), 0)
                   AS safe_water,
               count(h.latrine) AS latrine_known,
               coalesce(sum(h.latrine IN (SELECT value FROM json_each(:latrines))), 0)
                   AS hygienic_latrine,
               count(h.uses_telecom) AS information_known,
               coalesce(sum(h.uses_telecom = 1 AND EXISTS (
                   SELECT 1 FROM json_each(h.information_devices) d
                   WHERE d.value IN (SELECT value FROM json_each(:devices)))), 0)
                   AS information_access
        FROM households h
        LEFT JOIN sizes s ON s.household_id = h.id
        LEFT JOIN in_force f ON f.household_id = h.id
        WHERE {_PRESENT}
        GROUP BY h.village_id, f.status"""
    rows = list(db.query(sql, params))
    listed = [row for row in rows if row["status"] in LISTED]
    return RegisterCounts(
        _village_counts(db, rows),
        [
            ListCounts(
                row["village_id"],
                row["status"],
                row["households"],
                row["members"],
                row["ethnic_minority"],
            )
            for row in listed
        ],
        [
            GroupCounts(
                status,
                group,
                sum(row[f"{group}_h"] for row in of_status),
                sum(row[f"{group}_m"] for row in of_status),
            )
            for status in LISTED
            if (of_status := [row for row in listed if row["status"] == status])
            for group in _GROUP_CONDITIONS
        ],
        HouseholdServiceCounts(
            *(
                sum(row[column] for row in listed)
                for column in (
                    "households",
                    "water_known",
                    "safe_water",
                    "latrine_known",
                    "hygienic_latrine",
                    "information_known",
                    "information_access",
                )
            )
        ),
    )


def _village_counts(
    db: sqlite_utils.Database, rows: Sequence[dict[str, Any]]
) -> list[VillageCounts]:
    """Every village (urban first, then rural, each in Vietnamese order) with the sums of its
    rows of ``counts_on``."""
    sums: dict[int, list[int]] = {}
    for row in rows:
        village = sums.setdefault(row["village_id"], [0, 0, 0])
        village[0] += row["households"]
        village[1] += row["members"]
        village[2] += row["ethnic_minority"]
    sql = f"SELECT v.id, v.code, v.name, v.area FROM villages v ORDER BY {_VILLAGE_ORDER}"
    villages = db.execute(sql)
    return [
        VillageCounts(village_id, code, name, area, *sums.get(village_id, (0, 0, 0)))
        for village_id, code, name, area in villages
    ]


@dataclass(frozen=True)
class OtherMovement:
    """The events of one kind between two dates that moved households (0 or more) and persons
    off or onto one list (``status``) in one village: the "other" columns of the movement
    tables (events.DECREASES, events.INCREASES)."""

    village_id: int
    status: str
    kind: str
    households: int
    members: int


def other_movements(
    db: sqlite_utils.Database, after: date | str, until: date | str
) -> list[OtherMovement]:
    """The events dated after ``after`` up to ``until`` (included) by village, list and kind:
    the list is the household's status in force before the event's day (a decision of that
    day moves the household as it stands at the day's end: ``status_movements`` counts the
    households and members present that day); a household moving in, splitting from another,
    moving away, merging into another or ending counts 1 household,
    and each event counts the persons it brought or took. With these, on every village row,
    list on ``until`` = list on ``after`` − status changes out − decreases + status changes in
    + increases (9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8)."""
    moving = " ".join(f"WHEN '{kind}' THEN 1" for kind in HOUSEHOLD_CHANGE)
    sql = f"""WITH {_REPORTED_STATUS_PERIODS},
        chosen AS (
            SELECT id, kind, household_id, members, event_date FROM register_events
            WHERE undone_at IS NULL AND event_date > :after AND event_date <= :until),
        with_status AS (
            SELECT id, status FROM (
                SELECT e.id, p.status, row_number() OVER (PARTITION BY e.id
                    ORDER BY p.effective DESC, p.year DESC, p.seq DESC) AS pick
                FROM chosen e JOIN status_periods p
                  ON p.household_id = e.household_id AND p.effective < e.event_date)
            WHERE pick = 1)
        SELECT h.village_id, w.status, e.kind,
               sum(CASE e.kind {moving} ELSE 0 END) AS households,
               sum(e.members) AS members
        FROM chosen e JOIN with_status w ON w.id = e.id
        JOIN households h ON h.id = e.household_id
        WHERE w.status IN ({_LISTED_IN})
        GROUP BY h.village_id, w.status, e.kind
        ORDER BY h.village_id, w.status, e.kind"""
    rows = db.query(sql, {"after": _day(after), "until": _day(until)})
    return [OtherMovement(**row) for row in rows]


def status_movements(
    db: sqlite_utils.Database, after: date | str, until: date | str
) -> list[MovementCounts]:
    """The status changes decided after ``after`` up to ``until`` (included), by village and
    movement (``household_status.movement``, from its decision date; 31/12 of its year when it
    has none; a status corrected after its round's recognition from the recognition's): the
    households present on that day and their members then — columns 2, 3, 5, 6
    and 7 of the movement tables between two dates."""
    members = f"""(SELECT count(*) FROM (
            SELECT present_from, NULL AS present_until FROM members WHERE household_id = h.id
            UNION ALL
            SELECT present_from, present_until FROM former_members WHERE household_id = h.id) m
        WHERE {present_on("m", "d.effective")})"""
    # a status corrected after its round's recognition replaces the recognised one: its
    # movement is the year's, on the recognition's day (as the corrected official totals)
    sql = f"""WITH {_REPORTED_STATUS_PERIODS}
        SELECT h.village_id, d.movement, count(*) AS households,
               coalesce(sum({members}), 0) AS members
        FROM status_periods d JOIN households h ON h.id = d.household_id
        WHERE d.movement IS NOT NULL AND d.effective > :after AND d.effective <= :until
          AND {present_on("h", "d.effective")}
        GROUP BY h.village_id, d.movement ORDER BY h.village_id, d.movement"""
    rows = db.query(sql, {"after": _day(after), "until": _day(until)})
    return [MovementCounts(**row) for row in rows]


def listed_members_on(db: sqlite_utils.Database, on: date | str) -> list[ListedMember]:
    """The members present on ``on`` in the households listed then (members since gone as
    they were when they left)."""
    # members and former members apart, each joined on its household index
    sql = f"""WITH {_LISTED_ON}
        SELECT m.birth_date, m.sex, m.has_health_insurance, m.schooling, m.vocational_certificate
        FROM listed l JOIN members m ON m.household_id = l.household_id
        WHERE m.present_from IS NULL OR m.present_from <= :on
        UNION ALL
        SELECT json_extract(f.member, '$.birth_date'), json_extract(f.member, '$.sex'),
               json_extract(f.member, '$.has_health_insurance'),
               json_extract(f.member, '$.schooling'),
               json_extract(f.member, '$.vocational_certificate')
        FROM listed l JOIN former_members f ON f.household_id = l.household_id
        WHERE {present_on("f")}"""
    return [ListedMember(*row) for row in db.execute(sql, {"on": _day(on)})]


def year_list_members_on(
    db: sqlite_utils.Database, year: int, on: date | str
) -> list[YearListMember]:
    """``review_tables.listed_members``: the members on ``on`` of the households on ``year``'s
    lists (the review's summary tables, on the round's decision day)."""
    sql = f"""WITH {_MEMBERS_THEN}
        SELECT h.village_id, s.status, m.birth_date, m.has_health_insurance, m.malnourished,
               m.schooling
        FROM household_status s
        JOIN households h ON h.id = s.household_id
        JOIN members_then m ON m.household_id = h.id
        WHERE s.year = :year AND s.status IN ({_LISTED_IN})"""
    return [YearListMember(**row) for row in db.query(sql, {"year": year, "on": _day(on)})]


def year_list_households_on(
    db: sqlite_utils.Database, year: int, round_id: int, on: date | str
) -> list[ListedHousehold]:
    """The households on ``year``'s lists, their head's ethnicity as of ``on`` (the head
    then), causes of poverty and the answers of their complete Phiếu B in the round."""
    sql = f"""WITH {_MEMBERS_THEN}
        SELECT h.id AS household_id, h.code, h.village_id, s.status,
               (SELECT m.ethnicity FROM members_then m
                WHERE m.household_id = h.id AND m.relation = 'head'
                ORDER BY m.position LIMIT 1) AS head_ethnicity,
               h.causes_of_poverty AS causes,
               (SELECT q.answers FROM questionnaires q
                WHERE q.round_id = :round AND q.household_id = h.id AND q.form = 'B'
                  AND q.state = 'complete') AS answers
        FROM household_status s JOIN households h ON h.id = s.household_id
        WHERE s.year = :year AND s.status IN ({_LISTED_IN})
        ORDER BY h.id"""
    params = {"year": year, "round": round_id, "on": _day(on)}
    return [ListedHousehold(**row) for row in db.query(sql, params)]


def status_counts_on(db: sqlite_utils.Database, on: date | str, status: str) -> list[StatusCount]:
    """``review_tables.status_counts`` on ``on``: the households present whose status in
    force is ``status`` (e.g. "average"), with their members then, by village."""
    sql = f"""WITH {_SIZES}, {_REPORTED_IN_FORCE}
        SELECT h.village_id, count(*) AS households, coalesce(sum(s.n), 0) AS members
        FROM in_force f JOIN households h ON h.id = f.household_id
        LEFT JOIN sizes s ON s.household_id = h.id
        WHERE f.status = :status AND {_PRESENT}
        GROUP BY h.village_id"""
    return [StatusCount(**row) for row in db.query(sql, {"on": _day(on), "status": status})]
