"""What every review document shares: the wording (forms/review/documents.json), the round and
its households, the commune's header and signer, the lists a household is on, and the columns
and rows of the household tables."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from gnapp.core.classify import CLASS_LABELS
from gnapp.core.movements import movement_words
from gnapp.core.official import resolve_bases
from gnapp.core.record import value_label
from gnapp.data import form_file
from gnapp.i18n import tr
from gnapp.reporting.document import OfficialDocument, Signature, TextParagraph
from gnapp.reporting.issuer import Issuer, bases_lines, issuer, signature
from gnapp.reporting.tables import Column, Group, Row, heading
from gnapp.reporting.xlsx import Heading
from gnapp.review import workflow
from gnapp.review.progress import HouseholdState, household_states
from gnapp.store import lists as year_lists
from gnapp.store.errors import DatabaseError
from gnapp.store.settings import current_settings

LIST_KINDS = year_lists.LIST_KINDS  # poor, near_poor, escaped_poverty, escaped_near_poverty
ROMAN = ("I", "II", "III", "IV", "V", "VI")
MARK = "x"
HOUSEHOLDS = "hộ"  # the unit of a count of households on a total row
TEXTS_FILE = "documents.json"


class DocumentError(DatabaseError):
    """A document that cannot be written now; the message says why (through ``tr``: the
    refusal is shown, never written into the document)."""


@functools.cache
def texts() -> dict[str, Any]:
    """The documents' wording (forms/review/documents.json)."""
    node = form_file("review", TEXTS_FILE)
    try:
        return json.loads(node.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise DocumentError(
            tr("Không đọc được forms/review/{file}: {error}", file=TEXTS_FILE, error=error)
        ) from error


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def value_text(field: str, value: Any) -> str:
    """A coded value as written on a document ("Nam", "Vợ"), empty when not recorded."""
    return capital(value_label(field, value)) if value else ""


def class_text(code: str | None) -> str:
    return capital(CLASS_LABELS.get(code, code or ""))


def status_text(code: str | None) -> str:
    return class_text(code) if code else "Không thuộc danh sách"


def movement_text(code: str | None) -> str:
    return capital(movement_words()[code]) if code else ""


def village_label(name: str) -> str:
    """ "Thôn Nước Nẻ" for a village named "Nước Nẻ"; "Tổ dân phố 1" stays as it is."""
    words = texts()
    if name.casefold().startswith(tuple(f"{w} " for w in words["village_words"])):
        return name
    return f"{words['village_word']} {name}"


def on_list(state: HouseholdState, kind: str) -> bool:
    """Whether the household's result puts it on the ``kind`` list (LIST_KINDS): the poor and
    near-poor lists by the result, the escaped lists by the movement from last year's status
    (a household going from poor to near-poor is on the escaped-poverty list too)."""
    movements = year_lists.LIST_MOVEMENTS[kind]
    if movements is None:
        return state.result == kind
    return state.movement in movements


@dataclass(frozen=True)
class ListCount:
    households: int
    persons: int


def list_counts(states: Iterable[HouseholdState]) -> dict[str, ListCount]:
    """Households and persons on each list (LIST_KINDS order)."""
    chosen = list(states)
    counts = {}
    for kind in LIST_KINDS:
        members = [s.member_count for s in chosen if on_list(s, kind)]
        counts[kind] = ListCount(len(members), sum(members))
    return counts


@dataclass(frozen=True)
class Context:
    """The round a document is written for, with the commune's issuer, settings and the
    wording."""

    db: sqlite_utils.Database
    found: workflow.Round
    who: Issuer
    settings: dict[str, Any]
    words: dict[str, Any]

    def fill(self, template: str, **values: Any) -> str:
        return template.format(
            year=self.found.year,
            commune=self.who.commune,
            commune_upper=self.who.commune.upper(),
            issuer=self.who.name,
            round_title=self.found.title,
            **values,
        )

    @property
    def decided_on(self) -> date:
        """The recognition decision's date; refused in words before the recognition."""
        if self.found.decided_on is None:
            raise DocumentError(
                tr("{round} chưa có quyết định công nhận.", round=self.found.title_in(tr))
            )
        return self.found.decided_on

    def signature(self, kind: str) -> Signature:
        """The signing block of a document of ``kind`` (its issuer's, with the settings'
        signer)."""
        return signature(self.db, kind)

    @property
    def slots(self) -> dict[str, str]:
        """The codes of the round's standard and procedure, for the acts its documents cite."""
        return {"standard": self.found.standard_id, "procedure": self.found.procedure_id}

    @property
    def procedure_act(self) -> str:
        """The round's procedure as the text names it ("Quyết định số 24/2021/QĐ-TTg")."""
        acts = resolve_bases(("procedure",), self.slots)
        return acts[0].short if acts else self.found.procedure.legal_basis.split(";")[0]

    def bases(self, kind: str, on: date) -> list[TextParagraph]:
        """The "Căn cứ …" lines of a document of ``kind`` dated ``on``, in italics (none issued
        after ``on``)."""
        return [
            TextParagraph(line, italic=True) for line in bases_lines(self.db, kind, self.slots, on)
        ]

    def document(self, **fields: Any) -> OfficialDocument:
        return OfficialDocument(
            parent_body=self.who.parent_body,
            issuing_office=self.who.office,
            place=self.who.place,
            issuer_name=self.who.name,
            **fields,
        )

    def heading(self, title: str, *subtitles: str, kind: str, on: date | None) -> Heading:
        """A sheet's heading under the commune's header, signed and dated like the document of
        ``kind`` it goes with (``on`` None: the date line left to fill in)."""
        signed = self.signature(kind)
        return Heading(
            parent_body=self.who.parent_body,
            office=self.who.office,
            title=title,
            place=self.who.place,
            subtitles=tuple(s for s in subtitles if s),
            signer=(*signed.marks, signed.title),
            date=on,
        )

    def states(self, village: int | None = None, *, removed: bool = False) -> list[HouseholdState]:
        """The round's households (of a village), or those taken off the list."""
        states = household_states(self.db, self.found.id, removed=removed)
        return [s for s in states if village is None or s.village_id == village]

    def listed(self, village: int | None = None) -> list[HouseholdState]:
        """The round's households (of a village); refused while the list is empty."""
        states = self.states(village)
        if not states:
            raise DocumentError(
                tr("{round}: danh sách rà soát chưa có hộ nào.", round=self.found.title_in(tr))
            )
        return states


def round_context(db: sqlite_utils.Database, round_id: int) -> Context:
    """The round with what its documents need; refused (DocumentError) when there is none."""
    try:
        found = workflow.get_round(db, round_id)
    except workflow.ReviewError as error:
        raise DocumentError(str(error)) from error
    return Context(db, found, issuer(db), current_settings(db), texts())


def nothing(text: str = "Không có hộ nào.") -> TextParagraph:
    return TextParagraph(text, align="left", indent=False, italic=True)


# --- the household tables ---------------------------------------------------------------------


def column_heading(key: str) -> str:
    """The documents file's heading for ``key`` (its "columns"), else the one the official
    tables share (forms/reports/columns.json)."""
    return texts()["columns"].get(key) or heading(key)


def column(key: str, kind: str, width: float, chars: float | None = None, **look: Any) -> Column:
    """A column headed by ``column_heading(key)``."""
    return Column(key, column_heading(key), kind, width=width, chars=chars, **look)


def columns(*specs: tuple[str, str, float]) -> tuple[Column, ...]:
    """The columns of a table printed in a document only: (key, kind, relative width) each."""
    return tuple(column(key, kind, width) for key, kind, width in specs)


def by_village(states: Sequence[HouseholdState]) -> dict[str, list[HouseholdState]]:
    villages: dict[str, list[HouseholdState]] = {}
    for state in states:
        villages.setdefault(state.village_name, []).append(state)
    return villages


def household_rows(
    states: Sequence[HouseholdState], cells: Callable[[HouseholdState], dict[str, Any]]
) -> list[Group]:
    """A group of rows per village, the households numbered (STT, column "number") through
    the whole table."""
    groups: list[Group] = []
    number = 0
    for village, members in by_village(states).items():
        rows = []
        for state in members:
            number += 1
            rows.append(Row({"number": number, **cells(state)}))
        groups.append(Group(village_label(village), rows))
    return groups
