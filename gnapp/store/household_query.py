"""Finding households for the household list: filters, search, Vietnamese order, pages of rows.

The list asks for the matching ids first (one query holding the filters, the search and the
order), then for the rows of the ids it shows, a page at a time, so 100,000 households never
become 100,000 Python objects.

Search ignores diacritics and case. Each household stores two search texts:
households.search_fold, its members' folded names, each apart and the head's first
(" nguyen van an | huynh cong an |"), and households.search_numbers, its citizen IDs and folded
code. A household matches when every word typed is found: words of letters must each start a
word of one and the same member's name, in any order ("nguyen duoc" and "duoc" find "Nguyễn
Văn Được"; "hoa" finds "Hòa", "Hoà" and "Hoàng", not "Thoa"; "nguyen van" does not find a
household of "Huỳnh Văn Vinh" and "Nguyễn Hồng Lan"); a word holding a digit may stand anywhere
in a code or a citizen ID. Households whose head's name matches come first, then those where
another member's does (``HouseholdRow.matched_member`` names that member), each part in the
list's order.

In every order, SQLite answers a search of one name word, a code or an ID from one index
holding the order's keys, the search text, where the head's name ends in it and whether the
household has left, without reading the table or sorting: the status order of the newest year
with statuses from the register's own index (migration 23), that of an earlier year from a
temporary copy of the households ranked by that year's statuses (docs/benchmarks.md). A search
of two name words or more asks the full-text index of the members' names (``person_names``,
migration 20) which members hold them all (and, from the lowest bit of a name's rowid, whether
the member is the head: migration 22): among what the list found before with the same filters
and order (the keystroke before, or the list before anything was typed) it keeps those
households in that order, else it sorts them.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any, overload

import sqlite_utils

from gnapp.core.record import field_schema
from gnapp.core.vietnamese import fold, name_matches
from gnapp.store.migrations import PERSON_KEY_BITS
from gnapp.store.presence import present_now
from gnapp.store.register import STATUSES

NO_STATUS = "none"  # the status filter for households on no list in the year
SORTS = ("code", "head", "village", "members", "status", "groups")

# Each group and the condition on a household row ``h`` that puts it in the group.
GROUPS: dict[str, str] = {
    "ethnic_minority": "(h.ethnic_minority = 1 OR h.local_ethnic_minority = 1)",
    "revolution_merit": "h.revolution_merit = 1",
    "social_assistance": "h.social_assistance = 1",
    "without_working_capacity": "h.without_working_capacity = 1",
}

# The schema's words for the groups ("Hộ dân tộc thiểu số", ...).
GROUP_LABELS = {
    group: field_schema("household.groups")["properties"][group]["description"] for group in GROUPS
}

_GROUPS_RANK = " + ".join(f"({condition}) * {1 << bit}" for bit, condition in
                          enumerate(reversed(GROUPS.values())))  # fmt: skip
# A household's status in the query's year, as the byte of ``status_ranks``.
_RANK = "substr(:ranks, h.id + 1, 1)"
# ORDER BY terms of each sort, before the tie-breakers (head's name, then id) that keep it
# stable. Villages of the same name keep their households apart (v.id), which also lets SQLite
# walk the villages in order and each village's households in the index's order, unsorted.
_ORDER: dict[str, tuple[str, ...]] = {
    "code": ("h.code",),
    "head": ("h.head_sort_key",),
    "village": ("v.name_sort_key", "v.id"),
    "members": ("h.member_count",),
    "groups": (f"-({_GROUPS_RANK})",),  # ascending: households in a group first
    # the status in the year: households.status_rank, or its copy's for an earlier year
    "status": ("h.status_rank",),
}


@dataclass(frozen=True)
class HouseholdQuery:
    """What the list shows: filters, a search text and an order.

    ``status`` is one of register.STATUSES or NO_STATUS and needs ``year``; ``groups`` lists
    keys of GROUPS that must all hold; ``sort`` is one of SORTS. Households no longer in the
    commune (moved away, merged, ended) are shown only with ``include_departed``.
    """

    year: int | None = None
    village_id: int | None = None
    status: str | None = None
    groups: tuple[str, ...] = ()
    search: str = ""
    sort: str = "head"
    descending: bool = False
    include_departed: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"Unknown sort {self.sort!r}; expected one of {SORTS}")
        if self.status is not None:
            if self.status not in (*STATUSES, NO_STATUS):
                raise ValueError(f"Unknown status {self.status!r}")
            if self.year is None:
                raise ValueError("A status filter needs a year")
        unknown = set(self.groups) - set(GROUPS)
        if unknown:
            raise ValueError(f"Unknown groups {sorted(unknown)}")


@dataclass(frozen=True)
class HouseholdRow:
    """One line of the household list."""

    id: int
    code: str
    head_name: str
    village_name: str
    members: int
    status: str | None
    groups: tuple[str, ...]  # keys of GROUPS, in GROUPS order
    matched_member: str | None = None  # the member the search found, when not the head


def _has_digit(word: str) -> bool:
    return any(character.isdigit() for character in word)


def _name_words(text: str) -> list[str]:
    return [word for word in fold(text).split() if not _has_digit(word)]


def _person_words(words: Sequence[str]) -> str:
    """The full-text query of name words: a member whose name has a word starting with each."""
    return " AND ".join('"' + word.replace('"', '""') + '"*' for word in words)


# The households with a member whose name holds every typed name word (:person_words).
def _search_condition(text: str, params: dict[str, Any]) -> str | None:
    """The WHERE condition of a search text (None for an empty search)."""
    conditions = []
    words = _name_words(text)
    for number, word in enumerate(fold(text).split()):
        if _has_digit(word):  # a code or an ID: anywhere in one
            params[f"word{number}"] = word
            conditions.append(f"instr(h.search_numbers, :word{number}) > 0")
        else:  # a name: the start of a word of one (the head's rank reads :word too)
            params[f"word{number}"] = " " + word
            if len(words) == 1:
                conditions.append(f"instr(h.search_fold, :word{number}) > 0")
    if len(words) > 1:  # every word in one person's name: the members' names' index answers
        params["person_words"] = _person_words(words)
        conditions.append(
            f"h.id IN (SELECT rowid >> {PERSON_KEY_BITS} FROM person_names "
            "WHERE person_names MATCH :person_words)"
        )
    return " AND ".join(conditions) or None


def _head_condition(text: str) -> str:
    """The condition that the head's name holds every name word of the search (its ``:word``
    parameters set by ``_search_condition``); "1" when the search has no name word. The head's
    name comes first: a word is in it when its first place is before the first " |", which the
    indexes hold (``search_head_end``, migration 22)."""
    terms = [
        f"instr(h.search_fold, :word{number}) BETWEEN 1 AND h.search_head_end"
        for number, word in enumerate(fold(text).split())
        if not _has_digit(word)
    ]
    return " AND ".join(terms) or "1"


def _marked_id(text: str) -> str:
    """The id of a found household as the ids string carries it: negative when the search
    found another member than the head."""
    head = _head_condition(text)
    return "h.id" if head == "1" else f"iif({head}, h.id, -h.id)"


def _order_by(query: HouseholdQuery) -> str:
    """The ORDER BY terms of the list's order."""
    direction = " DESC" if query.descending else ""
    terms = _ORDER.get(query.sort, ())
    order = [term + direction for term in terms]
    if query.sort != "code":  # codes are unique: no tie to break
        if query.sort != "head":
            order.append("h.head_sort_key")
        order.append("h.id")
    return ", ".join(order)


def _ids_sql(
    db: sqlite_utils.Database,
    query: HouseholdQuery,
    ranks: bytes | None = None,
    ranked: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The query of the found households' marked ids (``_marked_id``) in the list's order, as
    one string: three times faster than a row per id on 100,000 ids.

    The status order of the newest year with statuses (``status_ranked_year``) walks the
    index of ``households.status_rank`` (migration 23) like any other order; the status order
    of an earlier year walks the same index of ``ranked``, a copy of the households ranked by
    that year's statuses (``ranked_copy``; a year without statuses needs none: every household
    is in the one group, so the order is the head's). A status filter in another
    order reads each household's status in the year from ``ranks`` (``status_ranks``, made
    here when not given): a look-up in a table at each household took half as long again as a
    keystroke's walk."""
    by_status = query.sort == "status"
    table = "households"
    if by_status and query.year != status_ranked_year(db):
        if ranked is not None:
            table = ranked
        elif _has_statuses(db, query.year):
            raise ValueError(f"The status order of {query.year} needs its ranked copy")
        else:
            query, by_status = replace(query, sort="head", descending=False), False
    params: dict[str, Any] = {}
    where = []
    if query.village_id is not None:
        params["village_id"] = query.village_id
        where.append("h.village_id = :village_id")
    if not query.include_departed:
        where.append(present_now("h"))
    where += [GROUPS[group] for group in query.groups]
    search = _search_condition(query.search, params)
    if search:
        where.append(search)
    if by_status and query.status is not None:
        where.append(f"h.status_rank = {_status_rank(query.status)}")
    elif query.status is not None:
        params["ranks"] = ranks if ranks is not None else status_ranks(db, query.year)
        where.append(f"{_RANK} = {_rank_blob(query.status)}")
    conditions = f" WHERE {' AND '.join(where)}" if where else ""
    villages = " JOIN villages v ON v.id = h.village_id" if query.sort == "village" else ""
    marked = _marked_id(query.search)
    if by_status and query.descending:  # the index walked forwards, each status apart
        walk = (
            f"SELECT {marked} AS id, h.status_rank AS rank FROM {table} h{conditions} "
            f"ORDER BY {_order_by(replace(query, descending=False))}"
        )
        parts = ", ".join(
            f"group_concat(id) FILTER (WHERE rank = {rank})" for rank in range(len(STATUSES) + 1)
        )
        return f"SELECT {parts} FROM ({walk})", params
    sql = f"SELECT {marked} AS id FROM {table} h{villages}{conditions} "
    return f"SELECT group_concat(id) FROM ({sql}ORDER BY {_order_by(query)})", params


def _rank_blob(status: str) -> str:
    return f"x'{_status_rank(status):02x}'"


def _status_rank(status: str) -> int:
    """A status's place in the status order (no status last)."""
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def _has_statuses(db: sqlite_utils.Database, year: int | None) -> bool:
    return (
        db.execute("SELECT 1 FROM household_status WHERE year = ? LIMIT 1", [year]).fetchone()
        is not None
    )


def status_ranked_year(db: sqlite_utils.Database) -> int:
    """The year whose statuses ``households.status_rank`` holds: the newest with statuses (0
    before any)."""
    return db.execute("SELECT year FROM status_rank_year").fetchone()[0]


_COPIES = itertools.count(1)
# The columns of a household the list's queries read, copied by ``ranked_copy``.
_RANKED_COLUMNS = (
    "id", "village_id", "ethnic_minority", "local_ethnic_minority", "revolution_merit",
    "social_assistance", "without_working_capacity", "head_sort_key", "search_fold",
    "search_numbers", "search_head_end", "present_until",
)  # fmt: skip


def ranked_copy(db: sqlite_utils.Database, year: int | None) -> str:
    """A temporary copy of the households as the list's queries read them, with
    ``status_rank`` their status in ``year``, and the index of ``households_status_search``:
    the status order of an earlier year walks it as the newest year's walks the register's
    (a copy at 100,000 households: about 0.4 s, once; in memory, on this connection only).
    Its name; ``drop_ranked_copy`` removes it, since it does not follow later changes."""
    table = f"households_ranked_{int(year or 0)}_{next(_COPIES)}"
    columns = ", ".join(f"h.{column}" for column in _RANKED_COLUMNS)
    cases = " ".join(f"WHEN '{status}' THEN {_status_rank(status)}" for status in STATUSES)
    db.execute(
        f"CREATE TEMP TABLE {table} AS SELECT {columns}, coalesce(CASE s.status {cases} END, "
        f"{_status_rank(NO_STATUS)}) AS status_rank FROM households h LEFT JOIN household_status"
        " s ON s.household_id = h.id AND s.year = ?",
        [year],
    )
    db.execute(
        f"CREATE INDEX temp.{table}_search ON {table} (status_rank, head_sort_key, id, "
        "search_fold, search_head_end, present_until)"
    )
    return f"temp.{table}"


def drop_ranked_copy(db: sqlite_utils.Database, table: str) -> None:
    db.execute(f"DROP TABLE IF EXISTS {table}")


def needs_ranked_copy(db: sqlite_utils.Database, query: HouseholdQuery) -> bool:
    """Whether the query's order is the status of a year other than the ranked one that has
    statuses (``ranked_copy``)."""
    return (
        query.sort == "status"
        and query.year != status_ranked_year(db)
        and _has_statuses(db, query.year)
    )


def status_ranks(db: sqlite_utils.Database, year: int | None) -> bytes:
    """One byte a household id: the place of its status in ``year`` in the status order
    (``_status_rank``)."""
    last = db.execute("SELECT coalesce(max(id), 0) FROM households").fetchone()[0]
    ranks = bytearray([_status_rank(NO_STATUS)]) * (last + 1)
    for household_id, status in db.execute(
        "SELECT household_id, status FROM household_status WHERE year = ?", [year]
    ):
        ranks[household_id] = _status_rank(status)
    return bytes(ranks)


class HouseholdIds(Sequence[int]):
    """The ids a query found, kept as the one string SQLite gave ("12,-7,30") and read a page at
    a time: the list shows a few hundred of them, so 100,000 conversions per keystroke are saved.

    They read in the list's order: the households whose head the search found (positive in the
    string), then the others (negative), each part in the query's order; ``as_json`` gives them
    all in the query's order alone, for a search typed further."""

    _HEADS = re.compile(r"(?:^|,)(\d+)")
    _OTHERS = re.compile(r"-(\d+)")

    def __init__(self, marked: str | None) -> None:
        self._marked = marked or ""
        self._length = self._marked.count(",") + 1 if self._marked else 0
        self._heads = self._length - self._marked.count("-")
        # each part's ids read so far, and where the reading goes on
        self._read: tuple[list[int], list[int]] = ([], [])
        self._readers = (self._HEADS.finditer(self._marked), self._OTHERS.finditer(self._marked))

    def __len__(self) -> int:
        return self._length

    def _at(self, position: int) -> int:
        part = int(position >= self._heads)
        index = position - self._heads if part else position
        read, reader = self._read[part], self._readers[part]
        if index >= len(read):
            wanted = index + 1 - len(read)
            read.extend(int(match[1]) for match in islice(reader, max(wanted, 256)))
        return read[index]

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self._at(position) for position in range(self._length)[index]]
        if not -self._length <= index < self._length:
            raise IndexError("household index out of range")
        return self._at(index % self._length)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to lists, so unhashable like them

    def index(self, value: Any, start: int = 0, stop: int = sys.maxsize) -> int:
        """The position of a household's id; ValueError when the query did not find it."""
        found = None
        if isinstance(value, int) and value > 0:
            found = re.search(rf"(?:^|,)(-?){value}(?:,|$)", self._marked)
        if found is not None:
            place = found.start(1)
            others_before = self._marked.count("-", 0, place)
            if found[1]:  # another member than the head
                position = self._heads + others_before
            else:
                position = self._marked.count(",", 0, place) - others_before
            if start <= position < stop:
                return position
        raise ValueError(f"{value!r} is not among the households found")

    def as_json(self) -> str:
        """The ids in the query's order, as a JSON array."""
        return "[" + self._marked.replace("-", "") + "]"

    def in_query_order(self) -> list[str]:
        """The ids' digits in the query's order."""
        return self._marked.replace("-", "").split(",") if self._marked else []


# Typing on narrows the search: when the previous keystroke found at most this many households,
# the next is looked for among them (by id, about 2 µs each) rather than in the whole register
# (a walk of an index, 25–35 ms on 100,000 households).
NARROWING_LIMIT = 10_000


def narrows(previous: HouseholdQuery, query: HouseholdQuery) -> bool:
    """Whether ``query`` can only find households ``previous`` found: the same filters and order,
    and every word of the previous search implied by a word of this one (a name word by a longer
    name word it starts, a code or ID word by one that contains it)."""
    if replace(previous, search="") != replace(query, search=""):
        return False
    before, now = fold(previous.search).split(), fold(query.search).split()

    def implied(word: str) -> bool:
        if _has_digit(word):
            return any(_has_digit(typed) and word in typed for typed in now)
        return any(not _has_digit(typed) and typed.startswith(word) for typed in now)

    return bool(before) and all(implied(word) for word in before)


def _found_ids(
    db: sqlite_utils.Database, sql: str, params: dict[str, Any], descending: bool = False
) -> HouseholdIds:
    """The marked ids of ``sql`` (``_ids_sql``): one string, or each status's households in
    the status order (``descending``: reversed)."""
    found = db.execute(sql, params).fetchone()
    if len(found) == 1:
        return HouseholdIds(found[0])
    parts = [part or "" for part in found]
    if descending:
        parts.reverse()
    return HouseholdIds(",".join(part for part in parts if part))


def _split(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


def _persons_among(db: sqlite_utils.Database, search: str, among: HouseholdIds) -> HouseholdIds:
    """A search of name words only, two or more, among ``among``: what a query of the same
    filters and order found before, in its order. The index of members' names says which
    households have a member holding every word and which have their head holding them (the
    lowest bit of its rowid, migration 22): no household row is read and nothing sorted."""
    key = PERSON_KEY_BITS
    found, heads = db.execute(
        f"SELECT group_concat(rowid >> {key}), group_concat(iif(rowid & 1, rowid >> {key}, NULL))"
        " FROM person_names WHERE person_names MATCH ?",
        [_person_words(_name_words(search))],
    ).fetchone()
    households, by_head = set(_split(found)), set(_split(heads))
    return HouseholdIds(
        ",".join(
            text if text in by_head else "-" + text
            for text in among.in_query_order()
            if text in households
        )
    )


def matching_ids(
    db: sqlite_utils.Database,
    query: HouseholdQuery,
    previous: tuple[HouseholdQuery, HouseholdIds] | None = None,
    ranks: bytes | None = None,
    unsearched: tuple[HouseholdQuery, HouseholdIds] | None = None,
    ranked: str | None = None,
) -> HouseholdIds:
    """The ids of the households the query finds, in its order (those whose head the search
    found first).

    The hints come from the same unchanged register: ``previous`` (the last keystroke's query
    and what it found) lets a search typed further look only among those households;
    ``unsearched`` (a query with no search and what it found) lets a search by person with the
    same filters and order look among those; ``ranks`` are the ``status_ranks`` of the
    query's year, ``ranked`` its ``ranked_copy`` (made and dropped here when needed and not
    given)."""
    words = fold(query.search).split()
    among = None
    if previous is not None and words and narrows(previous[0], query):
        found = previous[1]
        if len(found) <= NARROWING_LIMIT:
            params: dict[str, Any] = {"ids": found.as_json()}
            search = _search_condition(query.search, params)
            # the subquery is never flattened into an aggregate (SQLite's rule 16): its order
            sql = (
                f"SELECT group_concat(id) FROM (SELECT {_marked_id(query.search)} AS id "
                f"FROM json_each(:ids) j JOIN households h ON h.id = j.value WHERE {search} "
                "ORDER BY j.key)"
            )
            return _found_ids(db, sql, params)
        among = found
    if among is None and unsearched is not None and unsearched[0] == replace(query, search=""):
        among = unsearched[1]
    if among is not None and len(words) > 1 and not any(map(_has_digit, words)):
        return _persons_among(db, query.search, among)
    if ranked is None and needs_ranked_copy(db, query):
        ranked = ranked_copy(db, query.year)
        try:
            return _found_ids(db, *_ids_sql(db, query, ranks, ranked), query.descending)
        finally:
            drop_ranked_copy(db, ranked)
    return _found_ids(db, *_ids_sql(db, query, ranks, ranked), query.descending)


class HouseholdSearch:
    """The household list's queries, asked one after another of a register that does not change
    between them (``forget`` after it did): each answered by ``matching_ids`` with the hints
    that the earlier answers give."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._last: tuple[HouseholdQuery, HouseholdIds] | None = None
        self._unsearched: tuple[HouseholdQuery, HouseholdIds] | None = None
        self._ranks: dict[int | None, bytes] = {}
        self._ranked: dict[int | None, str] = {}

    def find(self, query: HouseholdQuery) -> HouseholdIds:
        ranks = ranked = None
        if needs_ranked_copy(self.db, query):
            if query.year not in self._ranked:
                self._ranked[query.year] = ranked_copy(self.db, query.year)
            ranked = self._ranked[query.year]
        elif query.status is not None and not (
            query.sort == "status" and query.year == status_ranked_year(self.db)
        ):  # a status filter in another order, or in a year without statuses
            if query.year not in self._ranks:
                self._ranks[query.year] = status_ranks(self.db, query.year)
            ranks = self._ranks[query.year]
        ids = matching_ids(self.db, query, self._last, ranks, self._unsearched, ranked)
        self._last = (query, ids)
        if not fold(query.search):
            self._unsearched = self._last
        return ids

    def forget(self) -> None:
        """Drop what earlier queries found (the register has changed)."""
        self._last = self._unsearched = None
        self._ranks.clear()
        for table in self._ranked.values():
            drop_ranked_copy(self.db, table)
        self._ranked.clear()


def household_count(db: sqlite_utils.Database, *, include_departed: bool = False) -> int:
    """How many households are in the commune now (with ``include_departed``, also those that
    left it)."""
    where = "1" if include_departed else present_now("h")
    return db.execute(f"SELECT count(*) FROM households h WHERE {where}").fetchone()[0]


_ROWS_SQL = f"""
SELECT h.id, h.code, h.head_name, v.name AS village_name, h.member_count AS members,
       s.status, {", ".join(f"{condition} AS {group}" for group, condition in GROUPS.items())}
FROM households h
JOIN villages v ON v.id = h.village_id
LEFT JOIN household_status s ON s.household_id = h.id AND s.year = :year
WHERE h.id IN (SELECT value FROM json_each(:ids))
"""


def household_rows(
    db: sqlite_utils.Database, ids: Sequence[int], year: int | None, search: str = ""
) -> list[HouseholdRow]:
    """The rows of ``ids`` (in that order; ids no longer in the database are left out), with
    their status in ``year`` (None: no status) and, when the ``search`` found a member other
    than the head, that member's name."""
    found = {
        row["id"]: HouseholdRow(
            id=row["id"],
            code=row["code"],
            head_name=row["head_name"],
            village_name=row["village_name"],
            members=row["members"],
            status=row["status"],
            groups=tuple(group for group in GROUPS if row[group]),
        )
        for row in db.query(_ROWS_SQL, {"ids": json.dumps(list(ids)), "year": year})
    }
    words = _name_words(search)
    if words:
        for household_id, member in _matched_members(db, found.values(), words).items():
            found[household_id] = replace(found[household_id], matched_member=member)
    return [found[household_id] for household_id in ids if household_id in found]


def _matched_members(
    db: sqlite_utils.Database, rows: Iterable[HouseholdRow], words: list[str]
) -> dict[int, str]:
    """The member whose name holds every search word, of each household whose head's does not
    (the first such member in the roster)."""
    wanted = [row.id for row in rows if not name_matches(fold(row.head_name), words)]
    matched: dict[int, str] = {}
    members = db.execute(
        "SELECT household_id, full_name, name_fold FROM members "
        "WHERE household_id IN (SELECT value FROM json_each(?)) ORDER BY household_id, position",
        [json.dumps(wanted)],
    )
    for household_id, full_name, name_fold in members:
        if household_id not in matched and name_matches(name_fold, words):
            matched[household_id] = full_name
    return matched
