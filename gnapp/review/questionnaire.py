"""Questionnaires (Phiếu A, Phiếu B) as data: their pages, skip logic, checks and answers.

A definition in forms/review/questionnaires/<id>.json lists pages of questions; every question
is a field of the household record (forms/household-record.schema.json), so the answers *are*
a household record. Its label, kind and choices come from the schema unless the page gives a
label. A field's keys:

- ``field``: "household.<name>", "household.income.<name>", "household.groups.<name>",
  "household.form_a.<name>" or "member.<name>" (on the page with ``"roster": true``, asked for
  every member);
- ``label``, ``help``: words shown instead of / under the schema's description;
- ``when``: a condition in the standards' rule language (gnapp.core.rules): a member field may
  name member.age, member.age_months and member.working_age (at the round's reference date,
  by the round's standard); the parameter ``b1_line_known`` says whether the standard has B1
  lines. The question is asked when the condition is true or undecided (the data it needs
  are still missing) and skipped when it is false;
- ``standard_reads``: true to ask the question only when an indicator of the round's standard
  reads the field (the waste question only under a standard with that indicator);
- ``optional``: true, or a condition: an unanswered question then does not block completion;
- ``readonly``: shown but not editable here (the area follows the village);
- ``points_table``: on income.b1_score, followed by the items of the B1 points table installed
  for the standard, area and region (gnapp.core.standards.find_points_table) when there is one:
  one choice question per item, answered into income.b1_answers; the items are then required
  unless the B1 total of the paper form is typed, and that total is then optional.

A page with no question left to ask is skipped. A new form is a new file, no code.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from gnapp.core.classify import Classification, classify
from gnapp.core.household_checks import ERROR, member_problems, roster_problems
from gnapp.core.record import (
    VALUE_LABELS,
    RecordError,
    age_at,
    age_in_months,
    parse_birth_date,
    record_problems,
)
from gnapp.core.rules import EMPTY, Household, Result, Rule, RuleError, compile_rule
from gnapp.core.standards import (
    PointsItem,
    PointsTable,
    Provenance,
    Standard,
    StandardError,
    _read_json,
    _Reader,
)
from gnapp.core.vietnamese import format_decimal
from gnapp.data import form_file, read_form_json
from gnapp.i18n import tr
from gnapp.review.workflow import (
    get_round,
    match_members,
    points_table_for,
    previous_statuses,
    same_person,
    save_survey,
    stored_member_ids,
)
from gnapp.store import review
from gnapp.store.database import CommuneDatabase
from gnapp.store.register import get_commune, household_record, members_of

FORMAT_VERSION = 1
FORMS = {"A": "phieu-a", "B": "phieu-b"}
"""The bundled definition of each form kind of the questionnaires table."""

_TOP_KEYS = ("format_version", "id", "form", "name", "source", "status", "confirmed", "pages")
_PAGE_KEYS = ("id", "title", "fields")
_PAGE_OPTIONAL = ("note", "roster")
_FIELD_OPTIONAL = (
    "label",
    "help",
    "when",
    "optional",
    "readonly",
    "standard_reads",
    "points_table",
)
_GROUPS = ("income", "groups", "form_a")
# Parameters a condition may name, with the value used to check a definition on loading.
CONDITION_PARAMS = {"b1_line_known": True}
_DERIVED_WITHOUT_RULE = frozenset({"dependant"})
_REMEASURED = ("b1_score", "b1_answers", "monthly_per_capita")
"""Income figures measured anew each year: never carried over from last year's answers."""


B1_ANSWERS = "household.income.b1_answers"
"""The key prefix of the questions of the B1 points table's items (".<item id>" follows)."""


class QuestionnaireError(StandardError):
    """A questionnaire definition that cannot be used; names the file and the key path."""


@dataclass(frozen=True)
class Question:
    """One question: a field of the household record (``key``) asked on a page."""

    key: str
    scope: str  # "household" | "member"
    path: tuple[str, ...]  # inside the record, or inside one member for scope "member"
    label: str
    kind: str  # choice | yes_no | check | number | integer | text | date | citizen_id | multi
    choices: tuple[tuple[Any, str], ...] = ()
    help: str = ""
    readonly: bool = False
    optional: Rule | bool = False
    when: Rule | None = None
    standard_reads: bool = False
    points_table: bool = False
    points_item: bool = False  # an item of the B1 points table (key B1_ANSWERS.<item id>)
    expression: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    note: str
    roster: bool
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    """A loaded definition (``file`` names it in messages)."""

    id: str
    form: str
    name: str
    provenance: Provenance
    pages: tuple[Page, ...]
    file: str


@dataclass(frozen=True)
class TableB1:
    """B1 from the installed points table as answered so far, next to the typed total."""

    table: PointsTable
    total: Decimal  # the points of the items answered so far
    missing: tuple[str, ...]  # the names of the items not answered yet
    typed: int | float | None  # the B1 total typed from the paper form

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def differs(self) -> bool:
        """Both totals known and different (classify then uses the table's)."""
        return self.complete and self.typed is not None and Decimal(str(self.typed)) != self.total


@dataclass(frozen=True)
class Issue:
    """A problem of the answers: its page, member (roster index) and question key."""

    page: str
    member: int | None
    key: str
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


# --- the schema -----------------------------------------------------------------------------


@functools.cache
def _schema() -> dict[str, Any]:
    return read_form_json("household-record.schema.json")


def _field_schema(scope: str, path: Sequence[str]) -> dict[str, Any] | None:
    node = _schema()["$defs"]["member"] if scope == "member" else _schema()
    for name in path:
        node = node.get("properties", {}).get(name)
        if node is None:
            return None
    return node


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _kind(key: str, schema: Mapping[str, Any]) -> tuple[str, tuple[tuple[Any, str], ...]]:
    labels = VALUE_LABELS.get(f"{key.split('.')[0]}.{key.split('.')[-1]}", {})
    if key == "member.birth_date":
        return "date", ()
    if key == "member.citizen_id":
        return "citizen_id", ()
    if "enum" in schema:
        values = [value for value in schema["enum"] if value is not None]
        return "choice", tuple((value, labels.get(value, value)) for value in values)
    types = [name for name in _types(schema) if name != "null"]
    if types == ["array"]:
        return "multi", tuple(
            (value, labels.get(value, value)) for value in schema["items"]["enum"]
        )
    if types == ["boolean"]:
        return ("yes_no" if "null" in _types(schema) else "check"), ()
    if types in (["number"], ["integer"], ["string"]):
        return {"number": "number", "integer": "integer", "string": "text"}[types[0]], ()
    raise ValueError(types)


# --- loading a definition -------------------------------------------------------------------


def _condition(
    reader: _Reader, value: Any, path: str, member: bool, params: Mapping[str, Any]
) -> Rule:
    try:
        return compile_rule(
            value,
            params=params,
            member_scope=member,
            excluded_fields=_DERIVED_WITHOUT_RULE,
            where=path,
        )
    except RuleError as error:
        reader.fail(error.path or path, error.reason)


def _question(
    reader: _Reader, value: Any, path: str, roster: bool, params: Mapping[str, Any]
) -> Question:
    obj = reader.object(value, path, ("field",), _FIELD_OPTIONAL)
    key = reader.text(obj, "field", path)
    scope, *parts = key.split(".")
    schema = _field_schema(scope, parts) if scope in ("household", "member") and parts else None
    nested_ok = len(parts) == 1 or (len(parts) == 2 and parts[0] in _GROUPS)
    if schema is None or not nested_ok or parts in (["members"], *([g] for g in _GROUPS)):
        reader.fail(f"{path}.field", f"trường '{key}' không có trong mẫu bản ghi hộ")
    if (scope == "member") != roster:
        reason = (
            'trường của thành viên chỉ hỏi trên trang danh sách thành viên ("roster": true)'
            if scope == "member"
            else "trường của hộ không hỏi trên trang danh sách thành viên"
        )
        reader.fail(f"{path}.field", f"'{key}': {reason}")
    kind, choices = _kind(key, schema)
    parent = _field_schema(scope, parts[:-1]) if len(parts) > 1 else None
    if kind == "check" and parts[-1] in (parent or {}).get("required", ()):
        kind = "yes_no"  # a required yes/no is chosen, never left at "no" by default
    label = obj.get("label") or schema.get("description", key).split(":")[0]
    optional: Rule | bool = False
    if "optional" in obj:
        given = obj["optional"]
        optional = (
            given
            if isinstance(given, bool)
            else _condition(reader, given, f"{path}.optional", roster, params)
        )
    when = obj.get("when")
    points = reader.get(obj, "points_table", path, bool) if "points_table" in obj else False
    if points and key != "household.income.b1_score":
        reader.fail(f"{path}.points_table", "chỉ dùng cho household.income.b1_score")
    return Question(
        key=key,
        scope=scope,
        path=tuple(parts),
        label=reader.text(obj, "label", path) if "label" in obj else label,
        kind=kind,
        choices=choices,
        help=reader.get(obj, "help", path, str) if "help" in obj else "",
        readonly=reader.get(obj, "readonly", path, bool) if "readonly" in obj else False,
        optional=optional,
        when=None if when is None else _condition(reader, when, f"{path}.when", roster, params),
        standard_reads=(
            reader.get(obj, "standard_reads", path, bool) if "standard_reads" in obj else False
        ),
        points_table=points,
        expression=obj,
    )


def _page(reader: _Reader, value: Any, path: str, params: Mapping[str, Any]) -> Page:
    obj = reader.object(value, path, _PAGE_KEYS, _PAGE_OPTIONAL)
    roster = reader.get(obj, "roster", path, bool) if "roster" in obj else False
    questions = tuple(
        _question(reader, item, f"{path}.fields[{index}]", roster, params)
        for index, item in enumerate(reader.items(obj, "fields", path, "các câu hỏi"))
    )
    keys = [question.key for question in questions]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            reader.fail(f"{path}.fields[{index}]", f"trường '{key}' hỏi hai lần")
    return Page(
        id=reader.identifier(obj, "id", path),
        title=reader.text(obj, "title", path),
        note=reader.get(obj, "note", path, str) if "note" in obj else "",
        roster=roster,
        questions=questions,
    )


def _questionnaire(
    doc: Any, file: str, params: Mapping[str, Any] = CONDITION_PARAMS
) -> Questionnaire:
    reader = _Reader(file)
    try:
        obj = reader.object(doc, "", _TOP_KEYS)
        version = reader.get(obj, "format_version", "", int)
        if version != FORMAT_VERSION:
            reader.fail("format_version", f"phiên bản {version} chưa hỗ trợ (cần {FORMAT_VERSION})")
        form = reader.get(obj, "form", "", str)
        if form not in FORMS:
            reader.fail("form", f"'{form}' không phải {', '.join(FORMS)}")
        pages = tuple(
            _page(reader, item, f"pages[{index}]", params)
            for index, item in enumerate(reader.items(obj, "pages", "", "các trang"))
        )
        ids = [page.id for page in pages]
        for index, page_id in enumerate(ids):
            if page_id in ids[:index]:
                reader.fail(f"pages[{index}].id", f"trang '{page_id}' khai báo hai lần")
        if sum(page.roster for page in pages) > 1:
            reader.fail("pages", "chỉ có một trang danh sách thành viên (roster)")
        return Questionnaire(
            id=reader.identifier(obj, "id", ""),
            form=form,
            name=reader.text(obj, "name", ""),
            provenance=reader.provenance(obj, ""),
            pages=pages,
            file=file,
        )
    except StandardError as error:
        if isinstance(error, QuestionnaireError):
            raise
        raise QuestionnaireError(error.file, error.where, error.reason) from None


def _document(id_or_path: str | Path) -> tuple[Any, str]:
    text = str(id_or_path)
    if isinstance(id_or_path, Path) or text.endswith(".json") or "/" in text or "\\" in text:
        source: Any = Path(text)
        file = text
    else:
        source = form_file("review", "questionnaires", f"{text}.json")
        file = f"forms/review/questionnaires/{text}.json"
    try:
        return _read_json(source, file), file
    except StandardError as error:
        raise QuestionnaireError(error.file, error.where, error.reason) from None


def load_questionnaire(id_or_path: str | Path) -> Questionnaire:
    """A definition by id ("phieu-b", from forms/review/questionnaires/) or from a file path."""
    doc, file = _document(id_or_path)
    return _questionnaire(doc, file)


def available_questionnaires() -> list[Questionnaire]:
    folder = form_file("review", "questionnaires")
    names = sorted(e.name for e in folder.iterdir() if e.is_file() and e.name.endswith(".json"))
    return [load_questionnaire(name.removesuffix(".json")) for name in names]


# --- values inside a record -----------------------------------------------------------------


def _container(answers: Mapping[str, Any], question: Question, member: int | None) -> Any:
    if question.scope == "member":
        return answers["members"][member]
    return answers


def get_answer(answers: Mapping[str, Any], question: Question, member: int | None = None) -> Any:
    """The answer to a question (None when not answered)."""
    node = _container(answers, question, member)
    for name in question.path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(name)
    return node


def set_answer(
    answers: dict[str, Any], question: Question, value: Any, member: int | None = None
) -> None:
    """Set (or with None clear) the answer to a question, in place."""
    node = _container(answers, question, member)
    *groups, name = question.path
    for group in groups:
        if not isinstance(node.get(group), dict):
            if value is None:
                return
            node[group] = {}
        node = node[group]
    if value is None:
        node.pop(name, None)
    else:
        node[name] = value


def _answered(value: Any) -> bool:
    return value is not None and value != ""


# --- a definition bound to a round ----------------------------------------------------------


class Survey:
    """A questionnaire for a round: its standard and reference date decide what is asked."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        standard: Standard,
        reference_date: date,
        region: str | None = None,
    ) -> None:
        self.reference_date = reference_date
        self.standard = standard
        self.region = region
        lines = standard.score_method.b1_lines
        self.params = {"b1_line_known": lines.rural is not None and lines.urban is not None}
        # Recompiled with this standard's parameters (the file was checked on loading).
        self.questionnaire = _rebind(questionnaire, self.params)
        self.read_fields = {
            name
            for indicator in standard.indicators
            for rule in (indicator.rule, *(let for _, let in indicator.lets))
            for name in rule.fields
        }

    @property
    def pages(self) -> tuple[Page, ...]:
        return self.questionnaire.pages

    @property
    def roster_page(self) -> Page | None:
        return next((page for page in self.pages if page.roster), None)

    def points_table(self, answers: Mapping[str, Any]) -> PointsTable | None:
        """The B1 points table installed for the standard, the household's area and region."""
        area = answers.get("area")
        if area not in ("rural", "urban"):
            return None
        return points_table_for(self.standard.id, area, self.region)

    def points_questions(
        self, question: Question, answers: Mapping[str, Any]
    ) -> tuple[Question, ...]:
        """The items of the points table asked after a ``points_table`` question (none while
        no table applies to the round's standard, the household's area and the region)."""
        table = self.points_table(answers) if question.points_table else None
        if table is None:
            return ()
        return tuple(_item_question(item, question) for item in table.items)

    def page_questions(self, page: Page, answers: Mapping[str, Any]) -> list[Question]:
        """The page's questions, the points table's items after the B1 total."""
        return [
            shown
            for question in page.questions
            for shown in (question, *self.points_questions(question, answers))
        ]

    def table_b1(self, answers: Mapping[str, Any]) -> TableB1 | None:
        """B1 from the points table's items answered so far (None: no table applies, the B1
        question is not asked, or a stored answer is not an option of the table)."""
        question = next((q for p in self.pages for q in p.questions if q.points_table), None)
        if question is None:
            return None
        table = self.points_table(answers)
        if table is None or not self.asked(question, answers):
            return None
        income = answers.get("income") or {}
        try:
            scored = table.score(income.get("b1_answers") or {}, answers.get("household_code"))
        except RecordError:
            return None
        total = sum(
            (Decimal(str(item.points)) for item in scored.items if item.points is not None),
            Decimal(),
        )
        typed = income.get("b1_score")
        return TableB1(table, total, scored.missing, typed if _answered(typed) else None)

    def _household(self, answers: Mapping[str, Any]) -> Household:
        return Household(answers, tuple(self._derived(answers, i) for i in range(_count(answers))))

    def _derived(self, answers: Mapping[str, Any], index: int) -> dict[str, Result]:
        member = answers["members"][index]
        text, sex = member.get("birth_date"), member.get("sex")
        unknown = (None, frozenset({("member.birth_date", index)}))
        try:
            born = parse_birth_date(text) if isinstance(text, str) else None
        except ValueError:
            born = None
        if born is None or born > self.reference_date:
            return {"age": unknown, "age_months": unknown, "working_age": unknown}
        working: Result = (None, frozenset({("member.sex", index)}))
        if sex in ("male", "female"):
            working = (self.standard.working_age.applies(text, sex, self.reference_date), EMPTY)
        return {
            "age": (age_at(text, self.reference_date), EMPTY),
            "age_months": (age_in_months(text, self.reference_date), EMPTY),
            "working_age": working,
        }

    def _holds(self, rule: Rule, answers: Mapping[str, Any], member: int | None) -> bool | None:
        if member is None and rule.fields and all(f.startswith("member.") for f in rule.fields):
            return None  # a member's condition, asked about no member in particular
        value, _ = rule.evaluate(self._household(answers), member=member)
        return value

    def asked(
        self, question: Question, answers: Mapping[str, Any], member: int | None = None
    ) -> bool:
        """Whether the question is asked for these answers (and this member)."""
        if question.standard_reads and question.key not in self.read_fields:
            return False
        if question.when is None:
            return True
        return self._holds(question.when, answers, member) is not False

    def required(
        self, question: Question, answers: Mapping[str, Any], member: int | None = None
    ) -> bool:
        if question.readonly or question.kind in ("multi", "check"):
            return False
        if (question.points_table or question.points_item) and self.points_table(answers):
            # With a points table: the items, unless the paper form's total is typed.
            typed = _answered((answers.get("income") or {}).get("b1_score"))
            return question.points_item and not typed
        if isinstance(question.optional, bool):
            return not question.optional
        return self._holds(question.optional, answers, member) is not True

    def questions(
        self, page: Page, answers: Mapping[str, Any], member: int | None = None
    ) -> list[Question]:
        """The questions of a page asked for these answers (for one member on the roster)."""
        return [q for q in self.page_questions(page, answers) if self.asked(q, answers, member)]

    def visible_pages(self, answers: Mapping[str, Any]) -> list[Page]:
        """The pages with something to ask (the roster page always)."""
        shown = []
        for page in self.pages:
            if page.roster or self.questions(page, answers):
                shown.append(page)
        return shown

    # --- the record and its problems ---------------------------------------------------------

    def build_record(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The household record of the answers: skipped questions and blank answers removed."""
        record = copy.deepcopy(dict(answers))
        members = record.get("members") or []
        for page in self.pages:
            for question in self.page_questions(page, answers):
                targets = range(len(members)) if question.scope == "member" else [None]
                for member in targets:
                    value = get_answer(record, question, member)
                    if not self.asked(question, answers, member) or not _answered(value):
                        set_answer(record, question, None, member)
                    elif isinstance(value, str):
                        set_answer(record, question, value.strip(), member)
        for group in _GROUPS:
            if record.get(group) == {}:
                del record[group]
        income = record.get("income")
        if isinstance(income, dict) and income.get("b1_answers") == {}:
            del income["b1_answers"]
            if not income:
                del record["income"]
        if self.questionnaire.form == "A" and "form_a" not in record:
            record["form_a"] = None
        return record

    def _page_of(self, key: str) -> str:
        if key.startswith(B1_ANSWERS):
            key = "household.income.b1_score"
        for page in self.pages:
            if any(question.key == key for question in page.questions):
                return page.id
        roster = self.roster_page
        return roster.id if roster and key.startswith("member.") else self.pages[0].id

    def issues(self, answers: Mapping[str, Any]) -> list[Issue]:
        """Every problem of the answers: unanswered questions, the register's checks of the
        members and the roster (at the reference date), and the record format."""
        found: list[Issue] = []
        members = answers.get("members") or []
        for page in self.pages:
            for question in self.page_questions(page, answers):
                targets = range(len(members)) if question.scope == "member" else [None]
                for member in targets:
                    if not self.asked(question, answers, member):
                        continue
                    if self.required(question, answers, member) and not _answered(
                        get_answer(answers, question, member)
                    ):
                        found.append(Issue(page.id, member, question.key, tr("Chưa trả lời")))
        if self.roster_page is not None:
            today = self.reference_date
            checks = [
                problem
                for index, member in enumerate(members)
                for problem in member_problems(member, index, today=today)
            ]
            checks += roster_problems(members, today=today)
            for problem in checks:
                key = problem.field
                unanswered = any(
                    issue.key == key and issue.member == problem.member for issue in found
                )
                if not unanswered:
                    found.append(
                        Issue(
                            self._page_of(key),
                            problem.member,
                            key,
                            problem.message,
                            problem.severity,
                        )
                    )
        found.extend(self._answer_checks(answers))
        if not any(issue.is_error for issue in found):
            found.extend(self._format_issues(answers))
        return found

    def _answer_checks(self, answers: Mapping[str, Any]) -> Iterator[Issue]:
        """The B1 total typed against the points table's; Phiếu A's reason for "not eligible"."""
        b1 = self.table_b1(answers)
        if b1 is not None and b1.differs:
            key = "household.income.b1_score"
            message = tr(
                "Khác tổng điểm tính theo bảng ({total} điểm): phân loại dùng điểm tính theo bảng",
                total=format_decimal(b1.total),
            )
            yield Issue(self._page_of(key), None, key, message, "warning")
        screening = answers.get("form_a") or {}
        if (
            self.questionnaire.form == "A"
            and screening.get("eligible_for_form_b") is False
            and not str(screening.get("reason") or "").strip()
        ):
            key = "household.form_a.reason"
            message = tr("Hộ không đủ điều kiện rà soát Phiếu B: cần ghi lý do")
            yield Issue(self._page_of(key), None, key, message)

    def _format_issues(self, answers: Mapping[str, Any]) -> Iterator[Issue]:
        record = self.build_record(answers)
        for error in record_problems(record, self.reference_date):
            key, member = _key_of(error.path)
            yield Issue(self._page_of(key), member, key, error.reason)
        table = self.points_table(record)
        b1_answers = (record.get("income") or {}).get("b1_answers")
        if table is not None and b1_answers:
            try:
                table.score(b1_answers, record.get("household_code"))
            except RecordError as error:
                key = f"household.{error.path}"
                yield Issue(self._page_of(key), None, key, error.reason)

    def complete(self, answers: Mapping[str, Any]) -> bool:
        """Whether the questionnaire may be marked complete (no error left)."""
        return not any(issue.is_error for issue in self.issues(answers))

    def classification(self, answers: Mapping[str, Any]) -> Classification | None:
        """The household's class under the round's standard, or None while the answers do not
        yet make a valid record (Phiếu A: None); its words in the interface's language, for
        the questionnaire's classification panel."""
        if self.questionnaire.form != "B":
            return None
        record = self.build_record(answers)
        try:
            return classify(
                record,
                self.standard,
                self.reference_date,
                points_table=self.points_table(record),
                translate=tr,
            )
        except (RecordError, ValueError):
            return None


def _item_question(item: PointsItem, question: Question) -> Question:
    """An item of the points table as a choice question, asked when the B1 total is."""
    choices = tuple(
        (
            option.value,
            tr("{label} ({points} điểm)", label=option.label, points=format_decimal(option.points)),
        )
        for option in item.options
    )
    return Question(
        key=f"{B1_ANSWERS}.{item.id}",
        scope="household",
        path=("income", "b1_answers", item.id),
        label=item.name,
        kind="choice",
        choices=choices,
        when=question.when,
        points_item=True,
    )


def _count(answers: Mapping[str, Any]) -> int:
    return len(answers.get("members") or [])


def _rebind(questionnaire: Questionnaire, params: Mapping[str, Any]) -> Questionnaire:
    doc, file = _document(questionnaire.file)
    return _questionnaire(doc, file, params)


def _key_of(path: str) -> tuple[str, int | None]:
    """("member.birth_date", 2) for "members[2].birth_date"; ("household.income.b1_score", None)."""
    if path.startswith("members["):
        index, _, rest = path[len("members[") :].partition("]")
        name = rest.lstrip(".").split(".")[0]
        return (f"member.{name}" if name else "household.members"), int(index)
    return f"household.{path}" if path else "household", None


# --- a round, its household, last year -------------------------------------------------------


def survey_for(db: sqlite_utils.Database, round_id: int, form: str = "B") -> Survey:
    """The bundled questionnaire of a form kind, bound to a round and the commune's region."""
    info = get_round(db, round_id)
    commune = get_commune(db) or {}
    return Survey(
        load_questionnaire(FORMS[form]), info.standard, info.reference_date, commune.get("region")
    )


@dataclass
class Start:
    """Where a questionnaire starts: the answers, the register member id of each member (None:
    new), what they came from ("draft" | "complete" | "register") and last year's answers."""

    answers: dict[str, Any]
    member_ids: list[int | None]
    source: str
    last_year: dict[str, Any] | None
    previous_status: str | None
    earlier_statuses: list[str | None]


def last_year_answers(
    db: sqlite_utils.Database, round_id: int, household_id: int
) -> dict[str, Any] | None:
    """The household's latest Phiếu B in a round of an earlier year."""
    return review.earlier_answers(db, round_id, household_id)


def fill_from_last_year(answers: dict[str, Any], last: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with last year's answers where the register has nothing (income figures,
    measured anew each year, are not carried over); members matched by person."""
    filled = copy.deepcopy(answers)
    for key, value in last.items():
        if key in ("members", "household_code", "village", "area"):
            continue
        if key == "income" and isinstance(value, dict):
            kept = {k: v for k, v in value.items() if k not in _REMEASURED and v is not None}
            current = filled.setdefault("income", {})
            for name, item in kept.items():
                current.setdefault(name, item)
            if not current:
                del filled["income"]
        elif filled.get(key) is None:
            filled[key] = copy.deepcopy(value)
    for member in filled.get("members", []):
        previous = next((m for m in last.get("members", []) if same_person(member, m)), None)
        for key, value in (previous or {}).items():
            if member.get(key) is None:
                member[key] = value
    return filled


def start_answers(
    db: sqlite_utils.Database, round_id: int, household_id: int, form: str = "B"
) -> Start:
    """The saved questionnaire of the household in the round (draft or complete), or the
    register's record filled in from last year's answers."""
    info = get_round(db, round_id)
    last = last_year_answers(db, round_id, household_id)
    previous, earlier = previous_statuses(db, household_id, info.year)
    saved = review.questionnaire(db, round_id, household_id, form)
    if saved is not None:
        answers = saved["answers"]
        answers.setdefault("members", [])
        count = len(answers["members"])
        ids = stored_member_ids(db, round_id, household_id, form, count) or match_members(
            db, household_id, answers["members"]
        )
        return Start(answers, ids, saved["state"], last, previous, earlier)
    answers = household_record(db, household_id)
    ids = [member["id"] for member in members_of(db, household_id)]
    if last:
        answers = fill_from_last_year(answers, last)
    return Start(answers, ids, "register", last, previous, earlier)


def new_member() -> dict[str, Any]:
    """A blank member for the roster."""
    return {}


def save_answers(
    cdb: CommuneDatabase,
    round_id: int,
    household_id: int,
    survey: Survey,
    answers: Mapping[str, Any],
    member_ids: list[int | None],
    *,
    complete: bool,
    reviewer: str | None = None,
    surveyed_on: str | None = None,
) -> Classification | None:
    """Save the answers through the review workflow (a draft as it is; complete: checked,
    classified, written back to the register). Refuses to complete answers with errors."""
    if complete:
        errors = [issue for issue in survey.issues(answers) if issue.is_error]
        if errors:
            raise ValueError(
                tr("Phiếu còn {count} lỗi: {first}", count=len(errors), first=errors[0].message)
            )
    record = survey.build_record(answers) if complete else copy.deepcopy(dict(answers))
    return save_survey(
        cdb,
        round_id,
        household_id,
        record,
        list(member_ids),
        form=survey.questionnaire.form,
        complete=complete,
        reviewer=reviewer,
        surveyed_on=surveyed_on,
    )
