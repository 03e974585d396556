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

In every order but status, SQLite answers a search of one name word, a code or an ID from one
index holding the order's keys and a search text, without reading the table or sorting; in the
status order the list keeps the unsearched ids and filters them (``HouseholdSearch``;
docs/benchmarks.md). A search of two name words or more asks the full-text index of the members'
names (``person_names``, migration 20) which members hold them all, and sorts their households.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, overload

import sqlite_utils

from gnapp.core.record import field_schema
from gnapp.core.vietnamese import PERSON_SEPARATOR, fold, name_matches
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

_STATUS_RANK = "CASE s.status " + " ".join(
    f"WHEN '{status}' THEN {rank}" for rank, status in enumerate(STATUSES)
) + f" ELSE {len(STATUSES)} END"  # fmt: skip
_GROUPS_RANK = " + ".join(f"({condition}) * {1 << bit}" for bit, condition in
                          enumerate(reversed(GROUPS.values())))  # fmt: skip
# ORDER BY terms of each sort, before the tie-breakers (head's name, then id) that keep it
# stable. Villages of the same name keep their households apart (v.id), which also lets SQLite
# walk the villages in order and each village's households in the index's order, unsorted.
_ORDER: dict[str, tuple[str, ...]] = {
    "code": ("h.code",),
    "head": ("h.head_sort_key",),
    "village": ("v.name_sort_key", "v.id"),
    "members": ("h.member_count",),
    "status": (_STATUS_RANK,),
    "groups": (f"-({_GROUPS_RANK})",),  # ascending: households in a group first
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
    name comes first: a word is in it when its first place is before the first " |"."""
    head_ends = f"instr(h.search_fold, '{PERSON_SEPARATOR}')"
    terms = [
        f"instr(h.search_fold, :word{number}) BETWEEN 1 AND {head_ends}"
        for number, word in enumerate(fold(text).split())
        if not _has_digit(word)
    ]
    return " AND ".join(terms) or "1"


def _ids_sql(db: sqlite_utils.Database, query: HouseholdQuery) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    joins, where = [], []
    if query.sort == "village":
        joins.append("JOIN villages v ON v.id = h.village_id")
    if query.status is not None or query.sort == "status":
        params["year"] = query.year
        joins.append("LEFT JOIN household_status s ON s.household_id = h.id AND s.year = :year")
    if query.village_id is not None:
        params["village_id"] = query.village_id
        where.append("h.village_id = :village_id")
    if query.status == NO_STATUS:
        where.append("s.id IS NULL")
    elif query.status is not None:
        params["status"] = query.status
        where.append("s.status = :status")
    if not query.include_departed:
        where.append(present_now("h"))
    where += [GROUPS[group] for group in query.groups]
    search = _search_condition(query.search, params)
    if search:
        where.append(search)
    direction = " DESC" if query.descending else ""
    order = [term + direction for term in _ORDER[query.sort]]
    if query.sort != "code":  # codes are unique: no tie to break
        if query.sort != "head":
            order.append("h.head_sort_key")
        order.append("h.id")
    sql = " ".join(
        [
            f"SELECT h.id, {_head_condition(query.search)} AS head FROM households h",
            *joins,
            f"WHERE {' AND '.join(where)}" if where else "",
            f"ORDER BY {', '.join(order)}",
        ]
    )
    return sql, params


class HouseholdIds(Sequence[int]):
    """The ids a query found, kept as the digits SQLite gave and turned into numbers when read:
    the list asks for a few hundred of them, so 100,000 conversions per keystroke are saved.

    They read in the list's order: the households whose head the search found, then the
    others; ``ordered`` keeps them in the query's order alone, for a search typed further."""

    def __init__(self, ordered: list[str], ranked: list[str] | None = None) -> None:
        self.ordered = ordered
        self._texts = ordered if ranked is None else ranked

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [int(text) for text in self._texts[index]]
        return int(self._texts[index])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to lists, so unhashable like them

    def index(self, value: Any, start: int = 0, stop: int = sys.maxsize) -> int:
        """The position of a household's id; ValueError when the query did not find it."""
        return self._texts.index(str(value), start, stop)

    def as_json(self) -> str:
        """The ids in the query's order, as a JSON array."""
        return "[" + ",".join(self.ordered) + "]"

    def keeping(self, heads: set[str], others: set[str]) -> HouseholdIds:
        """These ids, in this order, less those whose digits are in neither set; those of
        ``heads`` (households whose head the search found) first."""
        kept = [text for text in self.ordered if text in heads or text in others]
        return HouseholdIds(kept, _ranked(kept, heads))


# Typing on narrows the search: when the previous keystroke found at most this many households,
# the next is looked for among them (by id, about 2 µs each) rather than in the whole register
# (a scan of an index, 25–35 ms on 100,000 households).
NARROWING_LIMIT = 10_000
# Orders an index gives (status in a year has none: sorting by it takes about 200 ms on 100,000).
INDEXED_SORTS = ("head", "village", "code", "members", "groups")


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


def _ranked(ordered: list[str], heads: set[str]) -> list[str]:
    return [text for text in ordered if text in heads] + [
        text for text in ordered if text not in heads
    ]


def _split(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


def _found_ids(
    db: sqlite_utils.Database, sql: str, params: dict[str, Any], *, ranked: bool
) -> HouseholdIds:
    """The ids of ``sql`` (rows of an id and whether the head matched), in its order and, when
    ``ranked`` (a search by name), in the list's order: those whose head matched first."""
    # One string instead of a row per id: three times faster on 100,000 ids. The subquery is
    # never flattened into an aggregate (SQLite's rule 16), so the ids come in its order.
    if not ranked:
        return HouseholdIds(_split(db.execute(f"SELECT group_concat(id) FROM ({sql})", params)
                                   .fetchone()[0]))  # fmt: skip
    ordered, heads, others = db.execute(
        "SELECT group_concat(id), group_concat(CASE WHEN head THEN id END), "
        f"group_concat(CASE WHEN head THEN NULL ELSE id END) FROM ({sql})",
        params,
    ).fetchone()
    if not others:
        return HouseholdIds(_split(ordered))
    return HouseholdIds(_split(ordered), _split(heads) + _split(others))


def matching_ids(
    db: sqlite_utils.Database,
    query: HouseholdQuery,
    previous: tuple[HouseholdQuery, HouseholdIds] | None = None,
    unsearched: HouseholdIds | None = None,
) -> HouseholdIds:
    """The ids of the households the query finds, in its order (those whose head the search
    found first).

    Both hints come from the same unchanged register. ``previous`` (the last keystroke's query
    and what it found) lets a search typed further look only among those households;
    ``unsearched`` (what the query finds with no search) lets a search in an order no index
    gives keep those of it that the search index finds, instead of sorting them again."""
    params: dict[str, Any] = {}
    search = _search_condition(query.search, params)
    head = _head_condition(query.search)
    if search and previous is not None:
        before, found = previous
        if len(found) <= NARROWING_LIMIT and narrows(before, query):
            params["ids"] = found.as_json()
            sql = (
                f"SELECT h.id, {head} AS head FROM json_each(:ids) j "
                f"JOIN households h ON h.id = j.value WHERE {search} ORDER BY j.key"
            )
            return _found_ids(db, sql, params, ranked=True)
    if search and unsearched is not None and query.sort not in INDEXED_SORTS:
        heads, others = db.execute(
            "SELECT group_concat(CASE WHEN head THEN id END), "
            "group_concat(CASE WHEN head THEN NULL ELSE id END) "
            f"FROM (SELECT h.id, {head} AS head FROM households h WHERE {search})",
            params,
        ).fetchone()
        return unsearched.keeping(set(_split(heads)), set(_split(others)))
    sql, params = _ids_sql(db, query)
    return _found_ids(db, sql, params, ranked=bool(_name_words(query.search)))


class HouseholdSearch:
    """The household list's queries, asked one after another of a register that does not change
    between them (``forget`` after it did): each answered by ``matching_ids`` with the hints
    that the earlier answers give."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._last: tuple[HouseholdQuery, HouseholdIds] | None = None
        self._unsearched: tuple[HouseholdQuery, HouseholdIds] | None = None

    def find(self, query: HouseholdQuery) -> HouseholdIds:
        base = replace(query, search="")
        if not fold(query.search):
            ids = matching_ids(self.db, query)
            self._unsearched = (base, ids)
        else:
            unsearched = None
            if query.sort not in INDEXED_SORTS:
                if self._unsearched is None or self._unsearched[0] != base:
                    self._unsearched = (base, matching_ids(self.db, base))
                unsearched = self._unsearched[1]
            ids = matching_ids(self.db, query, self._last, unsearched)
        self._last = (query, ids)
        return ids

    def forget(self) -> None:
        """Drop what earlier queries found (the register has changed)."""
        self._last = self._unsearched = None


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
