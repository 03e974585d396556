"""Phiếu B (after Phiếu A where the round uses it) as an XLSForm for KoBoToolbox and ODK
Collect, pre-filled for one review round.

``write_xlsform`` writes three files into a folder: the form (phieu-b.xlsx: survey, choices,
settings and a "Ghi chú" sheet), ``households.csv`` (the round's review list, chosen with
``select_one_from_file``) and ``previous.csv`` (what the desktop wizard starts from: the
register's record filled in from last year's answers, offered through ``pulldata()`` for the
reviewer to confirm). Questions are named after the household record's fields
(forms/household-record.schema.json) inside groups, so the exports import with no mapping
(gnapp/review/tablet/); the questionnaire's skip logic becomes ``relevant``, its
checks ``constraint`` with Vietnamese messages. The form's id and version and a hidden
``_gnapp_round`` field name the round: ``check_round`` refuses another round's submissions.
See docs/tablet-form.md.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import sqlite_utils

from gnapp.core.cell_text import cell_value, keep_text
from gnapp.core.record import field_schema
from gnapp.core.vietnamese import format_date
from gnapp.i18n import Translate, as_written, tr, tr_noop
from gnapp.importers.reading import ImportFileError
from gnapp.review.progress import household_states
from gnapp.review.questionnaire import Page, Question, Survey, start_answers, survey_for
from gnapp.review.workflow import Round, get_round
from gnapp.store.register import get_commune

FORM_FILE = "phieu-b.xlsx"
HOUSEHOLDS_FILE = "households.csv"
PREVIOUS_FILE = "previous.csv"
ROUND_FIELD = "_gnapp_round"
"""The hidden field holding the round's key (a leading "_": the import ignores the column)."""
COUNT_FIELD = "_member_count"
LANGUAGE = "Tiếng Việt (vi)"
ROUND_COLUMNS = (ROUND_FIELD, "FormVersion", "__version__", "_version_", "_xform_id_string")
"""Export columns that may name the form's round: the hidden field, ODK Central's form
version, KoBoToolbox's version columns and form id."""

SURVEY_COLUMNS = (
    "type", "name", f"label::{LANGUAGE}", f"hint::{LANGUAGE}", "required",
    f"required_message::{LANGUAGE}", "relevant", "constraint",
    f"constraint_message::{LANGUAGE}", "calculation", "trigger", "default", "appearance",
    "repeat_count",
)  # fmt: skip
_RECORD_GROUPS = {"income": "Thu nhập", "groups": "Nhóm hộ", "form_a": "Phiếu A"}
_REQUIRED_MESSAGE = "Câu này bắt buộc trả lời"
ELIGIBLE = "${eligible_for_form_b} = '1'"
"""The relevance of every Phiếu B group on a form that starts with Phiếu A."""
_REASON_MESSAGE = "Hộ không đủ điều kiện rà soát Phiếu B: cần ghi lý do"
_B1_NOTE = tr_noop(
    "Ghi tổng điểm B1 như trên Phiếu B giấy (trả lời từng mục của bảng điểm B1 thì làm trên máy "
    "tính, ở màn hình Phiếu B của GNApp)."
)
# A note on what the form leaves to the import, in ``translate``'s language: Vietnamese on the
# form's "Ghi chú" sheet (as_written), the user's language where it is shown (tr).
Note = Callable[[Translate], str]
_BIRTH_PATTERN = r"^([0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4})$"
_NAME = re.compile(r"[^A-Za-z0-9_]+")


class UntranslatableError(ValueError):
    """A condition of the rule language with no XPath here: the import checks it instead.
    Its words (``text``, a ``tr_noop`` text, with ``values``) go into a note of the form."""

    def __init__(self, text: str, **values: object) -> None:
        super().__init__(as_written(text, **values))
        self.text = text
        self.values = values

    def words(self, translate: Translate) -> str:
        return translate(self.text, **self.values)


@dataclass(frozen=True)
class XlsformFiles:
    """The files written for a round, and what the form names it."""

    form: Path
    households: Path
    previous: Path
    form_id: str
    version: str
    households_listed: int
    notes: tuple[str, ...]  # what the form leaves to the import, as shown (tr)


def round_key(db: sqlite_utils.Database, round_id: int) -> str:
    """The round's name in forms and exports: gnapp_<commune code>_<year>_<round id>."""
    found = get_round(db, round_id)
    code = _NAME.sub("_", str((get_commune(db) or {}).get("code") or "xa")).strip("_")
    return f"gnapp_{code}_{found.year}_{round_id}"


# --- the rule language as XPath ---------------------------------------------------------------


def _quoted(text: str) -> str:
    return f"'{text}'" if "'" not in text else f'"{text}"'


class _Conditions:
    """Translates the questionnaire's conditions (gnapp.core.rules) to XLSForm expressions for
    one round: ages at its reference date, working age by its standard, its parameters as
    constants. A translation is a str (XPath) or a bool (decided for the whole round)."""

    def __init__(self, survey: Survey, names: Mapping[str, str], booleans: frozenset[str]):
        self.survey = survey
        self.names = names  # field key ("household.agricultural") -> form name
        self.booleans = booleans  # field keys answered with the yes_no list

    def _birth(self) -> tuple[str, str, str, str]:
        """XPath of the birth date's text, year, month and day (dd/mm/yyyy, or a year)."""
        text = "${birth_date}"
        year = f"number(substring({text}, string-length({text}) - 3))"
        month = f"if(contains({text}, '/'), number(substring-before(substring-after({text}, '/'), '/')), 1)"  # noqa: E501
        day = f"if(contains({text}, '/'), number(substring-before({text}, '/')), 1)"
        return text, year, month, day

    def age(self) -> str:
        """Completed years at the reference date (a year alone: born on 1 January)."""
        ref = self.survey.reference_date
        text, year, _, _ = self._birth()
        later = (
            f"number(substring-before(substring-after({text}, '/'), '/')) * 100"
            f" + number(substring-before({text}, '/'))"
        )
        return (
            f"({ref.year} - {year} - number(contains({text}, '/') and "
            f"{later} > {ref.month * 100 + ref.day}))"
        )

    def age_months(self, ref: date | None = None) -> str:
        ref = ref or self.survey.reference_date
        _, year, month, day = self._birth()
        return f"(12 * ({ref.year} - {year}) + {ref.month} - {month} - number({day} > {ref.day}))"

    def working_age(self) -> str:
        """The standard's working age at the reference date (gnapp.core.standards.WorkingAge)."""
        rule = self.survey.standard.working_age
        year = self.survey.reference_date.year

        def retirement(in_year: int) -> str:
            male, female = (rule.retirement_months(sex, in_year) for sex in ("male", "female"))
            return f"if(${{sex}} = 'male', {male}, {female})"

        months = self.age_months()
        last_year = self.age_months(date(year - 1, 12, 31))
        return (
            f"({months} >= {rule.min_age * 12} and {months} < {retirement(year)}"
            f" and {last_year} < {retirement(year - 1)})"
        )

    def value(self, expr: Any) -> str:
        if isinstance(expr, bool):
            return "'1'" if expr else "'0'"
        if isinstance(expr, int | float):
            return str(expr)
        if isinstance(expr, str):
            return _quoted(expr)
        if isinstance(expr, dict) and len(expr) == 1:
            (key, argument), = expr.items()  # fmt: skip
            if key == "param":
                return self.value(self.survey.params.get(argument))
            if key == "field":
                derived = {"member.age": self.age, "member.age_months": self.age_months}
                if argument in derived:
                    return derived[argument]()
                if argument in self.names:
                    return f"${{{self.names[argument]}}}"
                raise UntranslatableError(
                    tr_noop("trường {field} không có trên biểu mẫu"), field=argument
                )
        raise UntranslatableError(tr_noop("biểu thức {expression}"), expression=repr(expr))

    def condition(self, expr: Any) -> str | bool:
        if isinstance(expr, bool):
            return expr
        if not isinstance(expr, dict) or len(expr) != 1:
            raise UntranslatableError(tr_noop("biểu thức {expression}"), expression=repr(expr))
        (op, args), = expr.items()  # fmt: skip
        if op == "param":
            value = self.survey.params.get(args)
            if isinstance(value, bool):
                return value
            raise UntranslatableError(tr_noop("tham số {parameter}"), parameter=args)
        if op == "field":
            if args == "member.working_age":
                return self.working_age()
            if args in self.booleans:
                return f"{self.value(expr)} = '1'"
            raise UntranslatableError(tr_noop("trường {field} không phải câu có/không"), field=args)
        if op in ("all", "any"):
            return _combine(op, [self.condition(arg) for arg in args])
        if op == "not":
            inner = self.condition(args[0])
            return (not inner) if isinstance(inner, bool) else f"not({inner})"
        if op in ("==", "!=", "<", "<=", ">", ">="):
            left, right = (self.value(arg) for arg in args)
            return f"{left} {'=' if op == '==' else op} {right}"
        if op in ("in", "not_in") and isinstance(args[1], list):
            left = self.value(args[0])
            either = _combine("any", [f"{left} = {self.value(item)}" for item in args[1]])
            if op == "in" or isinstance(either, bool):
                return either if op == "in" else not either
            return f"not({either})"
        raise UntranslatableError(tr_noop("phép “{operation}”"), operation=op)


def _combine(op: str, parts: Sequence[str | bool]) -> str | bool:
    """all/any of translated parts, the constants folded away."""
    deciding = op == "any"
    if any(part is deciding for part in parts):
        return deciding
    left = [part for part in parts if not isinstance(part, bool)]
    if not left:
        return not deciding
    if len(left) == 1:
        return left[0]
    return f" {'or' if deciding else 'and'} ".join(f"({part})" for part in left)


# --- the form ---------------------------------------------------------------------------------


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _csv_name(question: Question) -> str:
    """The question's column in previous.csv."""
    prefix = "member_" if question.scope == "member" else ""
    return prefix + "_".join(question.path)


class _Form:
    """The rows of the survey and choices sheets, and the notes on what stays with the import."""

    def __init__(self, found: Round, survey: Survey, key: str, screening: Survey | None = None):
        self.round = found
        self.survey = survey
        self.screening = screening  # Phiếu A, asked first, when the round uses it
        self.gate = {"relevant": ELIGIBLE} if screening is not None else {}
        self.key = key
        self.survey_rows: list[dict[str, str]] = []
        self.choice_rows: list[dict[str, str]] = []
        self.lists: set[str] = set()
        self.notes: list[Note] = []
        self.questions: list[Question] = []  # asked on the tablet, in order
        asked = [
            q
            for page in survey.pages
            for q in page.questions
            if not q.readonly and not (q.standard_reads and q.key not in survey.read_fields)
        ]
        names: dict[str, str] = {}
        for question in asked:
            name = question.path[-1]
            clash = any(k != question.key and k.split(".")[-1] == name for k in names)
            if not clash and sum(q.path[-1] == name for q in asked) == 1:
                names[question.key] = name
        yes_no = frozenset(q.key for q in asked if q.kind in ("yes_no", "check"))
        self.conditions = _Conditions(survey, names, yes_no)
        self.shared_names = {q.path[-1] for q in asked if q.key not in names}
        self.shown_before: list[dict[str, str]] = []  # calculates showing what the list said

    def row(self, type_: str, name: str = "", label: str = "", **more: str) -> None:
        row = {"type": type_, "name": name, f"label::{LANGUAGE}": label}
        for column, value in more.items():
            key = column if column in SURVEY_COLUMNS else f"{column}::{LANGUAGE}"
            row[key] = value
        self.survey_rows.append(row)

    def choice_list(self, name: str, choices: Iterable[tuple[Any, str]]) -> str:
        if name not in self.lists:
            self.lists.add(name)
            for value, label in choices:
                self.choice_rows.append(
                    {"list_name": name, "name": str(value), f"label::{LANGUAGE}": label}
                )
        return name

    def build(self) -> None:
        team = ", ".join(self.round.team)
        self.row("start", "start")
        self.row("end", "end")
        self.row("calculate", ROUND_FIELD, calculation=_quoted(self.key))
        self.row(
            f"select_one_from_file {HOUSEHOLDS_FILE}", "household_code", "Hộ được rà soát",
            hint="Gõ mã hộ hoặc tên chủ hộ để tìm trong danh sách rà soát của đợt "
            f"({self.round.title}). Các câu sau điền sẵn theo sổ hộ và phiếu năm trước: "
            "xem lại, sửa chỗ đã thay đổi.",
            required="yes", required_message=_REQUIRED_MESSAGE, appearance="autocomplete",
        )  # fmt: skip
        self.row(
            "date", "surveyed_on", "Ngày rà soát", default="today()", required="yes",
            required_message=_REQUIRED_MESSAGE, constraint=". <= today()",
            constraint_message="Ngày rà soát không được sau hôm nay",
        )  # fmt: skip
        self.row(
            "text", "reviewer", "Rà soát viên", required="yes",
            required_message=_REQUIRED_MESSAGE,
            hint=f"Tổ rà soát của đợt: {team}" if team else "Họ và tên người rà soát",
        )  # fmt: skip
        if self.screening is not None:
            self.screening_pages(self.screening)
        for page in self.survey.pages:
            if page.roster:
                self.roster(page)
            else:
                self.page(page)
        self.survey_rows.extend(self.shown_before)
        screened = self.screening is not None
        self.notes.extend(
            [
                lambda translate: translate("Thu nhập (B1): {note}", note=translate(_B1_NOTE)),
                lambda translate: translate(
                    "Ngày sinh có thật (ví dụ không có 31/02), số CCCD khớp giới tính và năm "
                    "sinh, đúng một chủ hộ, CCCD không trùng, tuổi hợp với quan hệ với chủ hộ: "
                    "GNApp kiểm tra khi nhập phiếu và báo lỗi từng dòng."
                ),
                lambda translate: translate(
                    "Phiếu A (nhận dạng nhanh) hỏi đầu tiên: hộ không đủ điều kiện thì không hỏi "
                    "Phiếu B, GNApp ghi Phiếu A và hộ là hộ không nghèo với lý do rà soát viên ghi."
                    if screened
                    else "Biểu mẫu này không có Phiếu A: đợt rà soát dùng Phiếu A thì tạo biểu "
                    "mẫu có Phiếu A (Phiếu A ở đầu, Phiếu B chỉ hỏi khi hộ đủ điều kiện)."
                ),
            ]
        )

    def screening_pages(self, screening: Survey) -> None:
        """Phiếu A as the wizard asks it, named as the record (form_a/eligible_for_form_b):
        the outcome required, the reason required when the household is not eligible."""
        for page in screening.pages:
            self.row("begin_group", page.id, page.title, appearance="field-list",
                     **({"hint": page.note} if page.note else {}))  # fmt: skip
            self.row("begin_group", "form_a", _RECORD_GROUPS["form_a"])
            for question in page.questions:
                row = {"hint": question.help} if question.help else {}
                if question.kind in ("yes_no", "check"):
                    type_ = f"select_one {self.choice_list('yes_no', [(1, 'Có'), (0, 'Không')])}"
                    row.update(required="yes", required_message=_REQUIRED_MESSAGE)
                else:
                    type_ = "text"
                    row.update(
                        required=f"not({ELIGIBLE})", required_message=_REASON_MESSAGE,
                        constraint="string-length(.) <= 200",
                        constraint_message="Lý do dài quá 200 ký tự",
                    )  # fmt: skip
                self.row(type_, question.path[-1], question.label, **row)
            self.row("end_group", "form_a")
            self.row("end_group", page.id)

    def page(self, page: Page) -> None:
        questions = [q for q in page.questions if self.included(q)]
        if not questions:
            return
        note = page.note
        if any(question.points_table for question in questions):
            note = _B1_NOTE  # the items of the points table are not on the tablet
        self.row("begin_group", page.id, page.title, appearance="field-list",
                 **({"hint": note} if note else {}), **self.gate)  # fmt: skip
        group: str | None = None
        for question in questions:
            inner = question.path[0] if len(question.path) == 2 else None
            if inner != group:
                if group is not None and group != page.id:
                    self.row("end_group", group)
                if inner is not None and inner != page.id:
                    self.row("begin_group", inner, _RECORD_GROUPS[inner])
                group = inner
            self.question(question)
        if group is not None and group != page.id:
            self.row("end_group", group)
        self.row("end_group", page.id)

    def roster(self, page: Page) -> None:
        lookup = "pulldata('households', 'members', 'name', ${household_code})"
        self.row(
            "integer", COUNT_FIELD, "Số thành viên của hộ",
            hint="Theo sổ hộ; sửa khi hộ có thêm người hoặc có người đã đi khỏi hộ",
            required="yes", required_message=_REQUIRED_MESSAGE,
            constraint=". >= 1 and . <= 60",
            constraint_message="Hộ có từ 1 đến 60 thành viên",
            calculation=lookup, trigger="${household_code}", **self.gate,
        )  # fmt: skip
        reference = format_date(self.survey.reference_date)
        self.row("begin_repeat", "members", page.title, repeat_count=f"${{{COUNT_FIELD}}}",
                 appearance="field-list", **self.gate,
                 hint=f"{page.note} Ngày tham chiếu của đợt: {reference}.".strip())  # fmt: skip
        for question in page.questions:
            if self.included(question):
                self.question(question)
        self.row("end_repeat", "members")

    def included(self, question: Question) -> bool:
        if question.readonly:
            self.notes.append(
                lambda translate: translate(
                    "“{label}” ({key}) không hỏi trên máy tính bảng: lấy theo sổ hộ (thôn / tổ "
                    "dân phố của hộ).",
                    label=translate(question.label),
                    key=question.key,
                )
            )
            return False
        if question.standard_reads and question.key not in self.survey.read_fields:
            return False  # the round's standard does not read it: not asked, as on the desktop
        when = question.expression.get("when")
        try:
            return when is None or self.conditions.condition(when) is not False
        except UntranslatableError:
            return True

    def question(self, question: Question) -> None:
        self.questions.append(question)
        name = question.path[-1]
        row: dict[str, str] = {}
        kind = question.kind
        if kind in ("choice", "multi"):
            choices = [(value, _capitalised(label)) for value, label in question.choices]
            listed = self.choice_list(name, choices)
            type_ = f"{'select_multiple' if kind == 'multi' else 'select_one'} {listed}"
            if kind == "multi":
                row["hint"] = "Chọn tất cả các ý đúng (có thể không chọn ý nào)"
        elif kind in ("yes_no", "check"):
            type_ = f"select_one {self.choice_list('yes_no', [(1, 'Có'), (0, 'Không')])}"
        elif kind in ("number", "integer"):
            type_ = "decimal" if kind == "number" else "integer"
            row.update(self.bounds(question))
        elif kind == "date":
            type_ = "text"
            row["constraint"] = (
                f"regex(., '{_BIRTH_PATTERN}') and {self.conditions.age()} >= 0"
                f" and {self.conditions.age()} <= 120"
            )
            row["constraint_message"] = (
                "Ghi ngày/tháng/năm (ví dụ 05/03/1980) hoặc chỉ năm sinh (1980); tuổi tính "
                f"đến ngày tham chiếu {format_date(self.survey.reference_date)} từ 0 đến 120"
            )
        elif kind == "citizen_id":
            type_ = "text"
            row["constraint"] = "regex(., '^[0-9]{12}$')"
            row["constraint_message"] = "Số CCCD / định danh cá nhân gồm đúng 12 chữ số"
            row["appearance"] = "numbers"
        else:
            type_ = "text"
        if question.help:
            row["hint"] = question.help
        if kind not in ("multi", "check"):
            required = self.required(question)
            if required:
                row["required"] = required
                row["required_message"] = _REQUIRED_MESSAGE
        when = question.expression.get("when")
        if when is not None:
            try:
                relevant = self.conditions.condition(when)
            except UntranslatableError as error:
                untranslatable = error  # the except clause unbinds ``error``; the note keeps it
                self.notes.append(
                    lambda translate: translate(
                        "“{label}” ({key}): điều kiện hỏi ({reason}) không viết được cho máy "
                        "tính bảng — câu luôn được hỏi.",
                        label=translate(question.label),
                        key=question.key,
                        reason=untranslatable.words(translate),
                    )
                )
            else:
                if isinstance(relevant, str):
                    row["relevant"] = relevant
        pull = _quoted(_csv_name(question))
        if question.scope == "member":
            key = "concat(${household_code}, '#', position(..))"
            row["default"] = f"pulldata('previous', {pull}, 'key', {key})"
        elif name in self.shared_names:
            row["hint"] = self.shown_answer(question, pull)
        else:
            row["calculation"] = f"pulldata('previous', {pull}, 'key', ${{household_code}})"
            row["trigger"] = "${household_code}"
        self.row(type_, name, question.label, **row)

    def shown_answer(self, question: Question, pull: str) -> str:
        """The hint of a household question that a member question shares its name with
        (XLSForm sets a value on a change of the household only by a unique name): the
        list's answer shown in words; left empty, the register's answer stays."""
        shown = f"_was_{_csv_name(question)}"
        value = f"pulldata('previous', {pull}, 'key', ${{household_code}})"
        choices = (
            [("1", "Có"), ("0", "Không")]
            if question.kind in ("yes_no", "check")
            else [(str(code), _capitalised(label)) for code, label in question.choices]
        )
        words = "'chưa ghi'"
        for code, label in reversed(choices):
            words = f"if({value} = '{code}', {_quoted(label)}, {words})"
        self.shown_before.append({"type": "calculate", "name": shown, "calculation": words})
        return f"Sổ hộ ghi: ${{{shown}}}. Để trống nếu không đổi."

    def required(self, question: Question) -> str:
        optional = question.expression.get("optional", False)
        try:
            holds = self.conditions.condition(optional)
        except UntranslatableError:
            return ""  # the import's checks still ask for it
        if isinstance(holds, bool):
            return "" if holds else "yes"
        return f"not({holds})"

    def bounds(self, question: Question) -> dict[str, str]:
        schema = field_schema(f"{question.scope}.{question.path[0]}")
        for name in question.path[1:]:
            schema = schema["properties"][name]
        low, high = schema.get("minimum"), schema.get("maximum")
        parts, words = [], []
        if low is not None:
            parts.append(f". >= {low}")
            words.append(f"không nhỏ hơn {low}")
        if high is not None:
            parts.append(f". <= {high}")
            words.append(f"không lớn hơn {high:,}".replace(",", "."))
        if not parts:
            return {}
        return {
            "constraint": " and ".join(parts),
            "constraint_message": f"{question.label}: " + ", ".join(words),
        }


# --- the attachments --------------------------------------------------------------------------


def _cell(question: Question, value: Any) -> str:
    """An answer as the form holds it: choice codes, 1/0, numbers, birth dates dd/mm/yyyy."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    if question.kind == "date" and len(str(value)) == 10:
        return format_date(date.fromisoformat(str(value)))
    return str(value)


def _answer(answers: Mapping[str, Any], question: Question) -> Any:
    node: Any = answers
    for name in question.path:
        node = node.get(name) if isinstance(node, Mapping) else None
    return node


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(header))
        writer.writeheader()
        writer.writerows(rows)


def _write_attachments(
    db: sqlite_utils.Database, round_id: int, questions: Sequence[Question], folder: Path
) -> tuple[Path, Path, int]:
    """households.csv (the review list) and previous.csv (the wizard's starting answers, one row
    per household keyed by its code and one per member keyed "<code>#<position>")."""
    listed: list[dict[str, str]] = []
    previous: list[dict[str, str]] = []
    household_questions = [q for q in questions if q.scope == "household"]
    member_questions = [q for q in questions if q.scope == "member"]
    for state in household_states(db, round_id):
        answers = start_answers(db, round_id, state.household_id).answers
        members = answers.get("members") or []
        listed.append(
            {
                "name": state.code,
                "label": f"{state.code} — {state.head_name} — {state.village_name}",
                "code": state.code,
                "head": state.head_name,
                "village": state.village_name,
                "members": str(len(members)),
            }
        )
        row = {"key": state.code}
        row.update({_csv_name(q): _cell(q, _answer(answers, q)) for q in household_questions})
        previous.append(row)
        for position, member in enumerate(members, start=1):
            row = {"key": f"{state.code}#{position}"}
            row.update({_csv_name(q): _cell(q, _answer(member, q)) for q in member_questions})
            previous.append(row)
    households = folder / HOUSEHOLDS_FILE
    _write_csv(households, ("name", "label", "code", "head", "village", "members"), listed)
    previous_path = folder / PREVIOUS_FILE
    _write_csv(previous_path, ["key", *(_csv_name(q) for q in questions)], previous)
    return households, previous_path, len(listed)


def _write_workbook(path: Path, sheets: Mapping[str, tuple[Sequence[str], list[dict]]]) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([cell_value(row.get(column, "")) for column in header])
        for index, column in enumerate(header, start=1):
            longest = max(len(str(row.get(column, ""))) for row in [{column: column}, *rows])
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                keep_text(cell)
        sheet.freeze_panes = "C2" if title == "survey" else "A2"
    workbook.save(path)


def write_xlsform(
    db: sqlite_utils.Database,
    round_id: int,
    out: str | Path,
    *,
    now: datetime | None = None,
    form_a: bool = False,
) -> XlsformFiles:
    """Write phieu-b.xlsx, households.csv and previous.csv for a round into the folder ``out``
    (or write the form to ``out`` when it names an .xlsx file, the CSV files beside it).
    ``form_a``: the round uses Phiếu A; the form starts with it and asks Phiếu B only of the
    households it finds eligible."""
    found = get_round(db, round_id)
    survey = survey_for(db, round_id)
    key = round_key(db, round_id)
    version = f"{key}_{(now or datetime.now()).strftime('%Y%m%d%H%M')}"
    given = Path(out)
    folder, name = (given.parent, given.name) if given.suffix == ".xlsx" else (given, FORM_FILE)
    folder.mkdir(parents=True, exist_ok=True)
    form = _Form(found, survey, key, survey_for(db, round_id, "A") if form_a else None)
    form.build()
    households, previous, count = _write_attachments(db, round_id, form.questions, folder)
    commune = (get_commune(db) or {}).get("name") or ""
    forms = "Phiếu A, Phiếu B" if form_a else "Phiếu B"
    settings = {
        "form_title": f"{forms} rà soát hộ nghèo, hộ cận nghèo — {commune} — {found.title}",
        "form_id": key,
        "version": version,
        "default_language": LANGUAGE,
        "instance_name": "concat(${household_code}, ' — ', ${reviewer})",
        "style": "pages",
    }
    notes: list[Note] = [
        lambda translate: translate(
            "Biểu mẫu của đợt: {round} (ngày tham chiếu {reference}); mã biểu mẫu {key}, phiên "
            "bản {version}.",
            round=found.title_in(translate),
            reference=format_date(found.reference_date),
            key=key,
            version=version,
        ),
        lambda translate: translate(
            "Tải lên cùng biểu mẫu: {households} (danh sách {count} hộ rà soát) và {previous} "
            "(câu trả lời điền sẵn theo sổ hộ và phiếu năm trước).",
            households=HOUSEHOLDS_FILE,
            count=count,
            previous=PREVIOUS_FILE,
        ),
        lambda translate: translate(
            "GNApp từ chối phiếu của đợt khác khi nhập (cột _gnapp_round, phiên bản biểu mẫu)."
        ),
        *form.notes,
    ]
    path = folder / name
    _write_workbook(
        path,
        {
            "survey": (SURVEY_COLUMNS, form.survey_rows),
            "choices": (
                ("list_name", "name", f"label::{LANGUAGE}"),
                form.choice_rows,
            ),
            "settings": (tuple(settings), [settings]),
            "Ghi chú": (("Ghi chú",), [{"Ghi chú": note(as_written)} for note in notes]),
        },
    )
    shown = tuple(note(tr) for note in notes)
    return XlsformFiles(path, households, previous, key, version, count, shown)


# --- refusing another round's submissions ---------------------------------------------------


class _Sheet(Protocol):
    name: str


class ExportTable(Protocol):
    """The table of submissions as the tablet import reads it (tablet.reading.Table)."""

    file: str
    headings: list[str]

    @property
    def sheet(self) -> _Sheet: ...  # read-only: a table's sheet may be any kind of named sheet

    def data_rows(self) -> Iterable[tuple[int, list[Any]]]: ...


def check_round(db: sqlite_utils.Database, round_id: int, table: ExportTable) -> None:
    """Refuse (ImportFileError) submissions whose form names another round.

    Read are the hidden ``_gnapp_round`` field and the form version columns (ODK Central's
    ``FormVersion``, KoBoToolbox's ``__version__``); values that are not a GNApp round's name
    (a form made by hand, KoBoToolbox's own version ids) are let through."""
    key = round_key(db, round_id)
    columns = [i for i, h in enumerate(table.headings) if h.strip() in ROUND_COLUMNS]
    wrong: dict[str, list[int]] = {}
    for row, cells in table.data_rows():
        for column in columns:
            cell = cells[column] if column < len(cells) else None
            value = "" if cell is None else str(cell).strip()
            if value.startswith("gnapp_") and value != key and not value.startswith(f"{key}_"):
                wrong.setdefault(value, []).append(row)
    if not wrong:
        return
    found = get_round(db, round_id)
    value, rows = next(iter(wrong.items()))
    shown = ", ".join(str(row) for row in rows[:10]) + ("…" if len(rows) > 10 else "")
    raise ImportFileError(
        tr(
            "Tệp {file}, trang “{sheet}”, dòng {rows}: phiếu thu bằng biểu mẫu của đợt rà soát "
            "khác ({value}), không phải của đợt {round} (biểu mẫu {key}). Không nhập phiếu nào: "
            "hãy nhập tệp này vào đúng đợt của nó, hoặc tạo biểu mẫu của đợt này trong GNApp rồi "
            "thu lại phiếu.",
            file=table.file,
            sheet=table.sheet.name,
            rows=shown,
            value=value,
            round=found.title_in(tr),
            key=key,
        )
    )
