"""The rule language of the standard files: small JSON expressions with three-valued logic.

An expression is a JSON literal, a reference ({"field": "member.age"}, {"param": ...},
{"var": ...}) or an operator object with exactly one key whose value is the list of its
arguments ({"<": [a, b]}). Missing data (null or absent) is unknown, written None, and
propagates Kleene-style; a count or share that depends on unknown data is a Span [low, high],
so a comparison still decides when every possible value gives the same answer. Every result
carries the missing fields that left it undecided. Expressions are compiled and type-checked
once, against the household-record schema; see docs/standards.md.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gnapp.core.record import (
    VALUE_LABELS,
    field_schema,
    household_field_names,
    member_field_names,
)
from gnapp.core.vietnamese import format_decimal
from gnapp.i18n import Translate, as_written, tr, tr_noop

Missing = tuple[str, int | None]
"""A field that was null or absent: ("member.schooling", member index) or ("household.x", None)."""

Result = tuple[Any, frozenset[Missing]]
"""A value (None when unknown) and the missing fields it depends on while undecided."""

EMPTY: frozenset[Missing] = frozenset()


@dataclass(frozen=True)
class Span:
    """A number known only to lie between low and high, because some data are missing."""

    low: Any
    high: Any


@dataclass(frozen=True)
class Kind:
    """The static type of an expression; ``choices`` are the text values it can take.

    ``closed`` marks a schema enum (every possible value is known), as opposed to the values
    a literal or a parameter happens to list.
    """

    name: str  # "bool" | "number" | "text" | "list"
    choices: frozenset[Any] | None = None
    closed: bool = False
    element: str | None = None  # for a list: the kind name of its elements


BOOL, NUMBER = Kind("bool"), Kind("number")

DERIVED_MEMBER_FIELDS: Mapping[str, Kind] = {
    "age": NUMBER,
    "age_months": NUMBER,
    "working_age": BOOL,
    "dependant": BOOL,
}
"""Member fields the engine computes: completed years and months at the reference date, and
the standard's working-age and dependant rules."""


class RuleError(ValueError):
    """A rule that cannot be compiled; ``path`` locates the piece inside the expression."""

    def __init__(self, reason: str, path: str = "") -> None:
        self.reason = reason
        self.path = path
        super().__init__(f"{path}: {reason}" if path else reason)


@dataclass(frozen=True)
class Household:
    """A record as rules read it, with each member's derived fields already computed."""

    record: Mapping[str, Any]
    derived: tuple[Mapping[str, Result], ...]

    @property
    def member_names(self) -> tuple[str, ...]:
        return tuple(member["full_name"] for member in self.record["members"])


@dataclass(frozen=True)
class _Env:
    household: Household
    variables: Mapping[str, Result]


Node = Callable[[_Env, int | None], Result]


@dataclass(frozen=True)
class Rule:
    """A compiled expression.

    ``fields`` are the fields it names; ``member_condition`` is C when the expression is
    {"any_member": [C]}, so a reason can list the members C finds.
    """

    kind: Kind
    fields: frozenset[str]
    member_condition: Rule | None
    node: Node = field(repr=False)

    def evaluate(
        self,
        household: Household,
        variables: Mapping[str, Result] | None = None,
        member: int | None = None,
    ) -> Result:
        return self.node(_Env(household, variables or {}), member)


def _bounds(value: Any) -> tuple[Any, Any]:
    return (value.low, value.high) if isinstance(value, Span) else (value, value)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _span(low: Any, high: Any) -> Any:
    return low if low == high else Span(low, high)


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool | None]:
    def decide(a: Any, b: Any) -> bool | None:
        if not isinstance(a, Span) and not isinstance(b, Span):
            return compare(a, b)
        (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
        corners = {compare(x, y) for x in (alo, ahi) for y in (blo, bhi)}
        return corners.pop() if len(corners) == 1 else None

    return decide


def _equal(a: Any, b: Any) -> bool | None:
    if not isinstance(a, Span) and not isinstance(b, Span):
        return bool(a == b)
    (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
    return False if ahi < blo or bhi < alo else None


def _unequal(a: Any, b: Any) -> bool | None:
    same = _equal(a, b)
    return None if same is None else not same


def _divide(a: Any, b: Any) -> Any:
    (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
    if blo <= 0 <= bhi:
        return None
    quotients = [_decimal(x) / _decimal(y) for x in (alo, ahi) for y in (blo, bhi)]
    return _span(min(quotients), max(quotients))


def _member_of(value: Any, values: Sequence[Any]) -> bool | None:
    if not isinstance(value, Span):
        return value in values
    return None if any(value.low <= item <= value.high for item in values) else False


def _not_member_of(value: Any, values: Sequence[Any]) -> bool | None:
    found = _member_of(value, values)
    return None if found is None else not found


_BINARY: Mapping[str, Callable[[Any, Any], Any]] = {
    "==": _equal,
    "!=": _unequal,
    "<": _ordered(operator.lt),
    "<=": _ordered(operator.le),
    ">": _ordered(operator.gt),
    ">=": _ordered(operator.ge),
    "/": _divide,
    "in": _member_of,
    "not_in": _not_member_of,
    "contains_any": lambda values, wanted: bool(set(values) & set(wanted)),
}


def _binary(decide: Callable[[Any, Any], Any], left: Node, right: Node) -> Node:
    def node(env: _Env, member: int | None) -> Result:
        (a, missing_a), (b, missing_b) = left(env, member), right(env, member)
        if a is None or b is None:
            return None, missing_a | missing_b
        value = decide(a, b)
        undecided = value is None or isinstance(value, Span)
        return value, (missing_a | missing_b) if undecided else EMPTY

    return node


def _kleene(results: Iterable[Result], deciding: bool) -> Result:
    """AND (deciding=False: one false operand decides) or OR (deciding=True) of results,
    read lazily: the operands after a deciding one are not evaluated."""
    unknown = []
    for value, missing in results:
        if value is deciding:
            return deciding, EMPTY
        if value is None:
            unknown.append(missing)
    return (None, frozenset().union(*unknown)) if unknown else (not deciding, EMPTY)


def _count(operands: Iterable[Result]) -> Result:
    results = list(operands)
    true = sum(value is True for value, _ in results)
    unknown = [missing for value, missing in results if value is None]
    if not unknown:
        return true, EMPTY
    return Span(true, true + len(unknown)), frozenset().union(*unknown)


def _share(operands: Iterable[Result]) -> Result:
    results = list(operands)
    count, missing = _count(results)
    low, high = _bounds(count)
    total = Decimal(len(results))
    return _span(Decimal(low) / total, Decimal(high) / total), missing


def _per_member(combine: Callable[[Iterable[Result]], Result], condition: Node) -> Node:
    def node(env: _Env, member: int | None) -> Result:
        members = range(len(env.household.derived))
        return combine(condition(env, index) for index in members)

    return node


def _not(arg: Node) -> Node:
    def node(env: _Env, member: int | None) -> Result:
        value, missing = arg(env, member)
        return (None, missing) if value is None else (not value, EMPTY)

    return node


def _constant(value: Any) -> Node:
    result = (value, EMPTY)
    return lambda env, member: result


def _household_field(name: str) -> Node:
    unknown = (None, frozenset({(f"household.{name}", None)}))

    def node(env: _Env, member: int | None) -> Result:
        value = env.household.record.get(name)
        return unknown if value is None else (value, EMPTY)

    return node


def _member_field(name: str) -> Node:
    def node(env: _Env, member: int | None) -> Result:
        value = env.household.record["members"][member].get(name)
        if value is None:
            return None, frozenset({(f"member.{name}", member)})
        return value, EMPTY

    return node


def _derived_member_field(name: str) -> Node:
    def node(env: _Env, member: int | None) -> Result:
        assert member is not None, "a member's field read outside a member"
        return env.household.derived[member][name]

    return node


def _variable(name: str) -> Node:
    return lambda env, member: env.variables[name]


# operator -> (fewest, most arguments; None: no limit)
ARITY: Mapping[str, tuple[int, int | None]] = {
    "all": (1, None),
    "any": (1, None),
    "not": (1, 1),
    "==": (2, 2),
    "!=": (2, 2),
    "<": (2, 2),
    "<=": (2, 2),
    ">": (2, 2),
    ">=": (2, 2),
    "in": (2, 2),
    "not_in": (2, 2),
    "contains_any": (2, 2),
    "/": (2, 2),
    "count_true": (1, None),
    "member_count": (0, 0),
    "any_member": (1, 1),
    "count_members": (1, 1),
    "share_of_members": (1, 1),
}

_MEMBER_OPERATORS = {
    "any_member": lambda results: _kleene(results, True),  # lazily: stops at the first found
    "count_members": _count,
    "share_of_members": _share,
}

_KIND_NAMES = {
    "bool": tr_noop("điều kiện đúng/sai"),
    "number": tr_noop("số"),
    "text": tr_noop("chuỗi ký tự"),
    "list": tr_noop("danh sách"),
}


def _kind_name(kind: Kind) -> str:
    if kind.name == "list" and kind.element:
        return _list_of(kind.element)
    return tr(_KIND_NAMES[kind.name])


def _list_of(element: str) -> str:
    return tr("danh sách {kind}", kind=tr(_KIND_NAMES[element]))


def literal_kind(value: Any, where: str = "") -> Kind:
    """The kind of a JSON literal or parameter value (RuleError for null, objects, mixed lists)."""
    if value is None:
        raise RuleError(
            tr("không dùng null trong quy tắc (dữ liệu thiếu tự được coi là chưa rõ)"), where
        )
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return Kind("text", frozenset({value}))
    if isinstance(value, list):
        elements = {literal_kind(item, where).name for item in value}
        if len(elements) != 1 or elements & {"list"}:
            raise RuleError(tr("danh sách phải gồm các giá trị đơn cùng một kiểu"), where)
        element = elements.pop()
        choices = frozenset(value) if element == "text" else None
        return Kind("list", choices, element=element)
    raise RuleError(tr("giá trị không dùng được trong quy tắc: {value}", value=repr(value)), where)


def _schema_kind(field_name: str, where: str) -> Kind:
    schema = field_schema(field_name)
    if "enum" in schema:
        return Kind("text", frozenset(v for v in schema["enum"] if v is not None), closed=True)
    types = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
    (type_name,) = [name for name in types if name != "null"]
    if type_name == "array":
        return Kind("list", frozenset(schema["items"]["enum"]), closed=True, element="text")
    simple = {"boolean": BOOL, "number": NUMBER, "integer": NUMBER, "string": Kind("text")}
    if type_name not in simple:
        raise RuleError(
            tr(
                "trường '{field}' là một nhóm trường, không so sánh trực tiếp được",
                field=field_name,
            ),
            where,
        )
    return simple[type_name]


def _check_choices(closed: Kind, given: Kind, where: str) -> None:
    """A literal or parameter compared with a schema enum must use the enum's values."""
    if (
        closed.closed
        and closed.choices is not None
        and given.choices is not None
        and not given.closed
    ):
        stray = sorted(given.choices - closed.choices)
        if stray:
            allowed = ", ".join(sorted(closed.choices))
            raise RuleError(
                tr(
                    "giá trị {values} không có trong mẫu bản ghi hộ (giá trị hợp lệ: {allowed})",
                    values=", ".join(stray),
                    allowed=allowed,
                ),
                where,
            )


def _elements(kind: Kind) -> Kind:
    return Kind(kind.element or "text", kind.choices, kind.closed)


class _Compiler:
    def __init__(
        self,
        params: Mapping[str, Any],
        variables: Mapping[str, Kind],
        member_scope: bool,
        excluded_fields: frozenset[str],
    ) -> None:
        self.params = params
        self.variables = variables
        self.member_scope = member_scope
        self.excluded_fields = excluded_fields
        self.fields: set[str] = set()

    def compile(self, expression: Any, where: str) -> tuple[Node, Kind]:
        if not isinstance(expression, dict):
            return _constant(expression), literal_kind(expression, where)
        if len(expression) != 1:
            keys = ", ".join(expression) or "không có khóa nào"
            raise RuleError(tr("mỗi biểu thức có đúng một khóa (có: {keys})", keys=keys), where)
        ((key, argument),) = expression.items()
        inner = f"{where}.{key}" if where else key
        if key == "field":
            return self._field(argument, inner)
        if key == "param":
            return self._param(argument, inner)
        if key == "var":
            return self._variable(argument, inner)
        return self._operator(key, argument, inner)

    def _field(self, name: Any, where: str) -> tuple[Node, Kind]:
        scope, _, short = name.partition(".") if isinstance(name, str) else ("", "", "")
        if scope == "household" and short in household_field_names() and short != "members":
            self.fields.add(name)
            return _household_field(short), _schema_kind(name, where)
        if scope == "member" and (
            short in member_field_names()
            or (short in DERIVED_MEMBER_FIELDS and short not in self.excluded_fields)
        ):
            if not self.member_scope:
                raise RuleError(
                    tr(
                        "trường '{name}' chỉ dùng được bên trong any_member, count_members "
                        "hoặc share_of_members",
                        name=name,
                    ),
                    where,
                )
            self.fields.add(name)
            if short in DERIVED_MEMBER_FIELDS:
                return _derived_member_field(short), DERIVED_MEMBER_FIELDS[short]
            return _member_field(short), _schema_kind(name, where)
        raise RuleError(
            tr(
                "trường không biết {name}: không có trong mẫu bản ghi hộ và không phải trường "
                "tính sẵn (household.<tên> hoặc member.<tên>)",
                name=repr(name),
            ),
            where,
        )

    def _param(self, name: Any, where: str) -> tuple[Node, Kind]:
        if not isinstance(name, str) or name not in self.params:
            known = ", ".join(self.params) or "không có"
            raise RuleError(
                tr(
                    "tham số không biết {name} (các tham số: {known})", name=repr(name), known=known
                ),
                where,
            )
        value = self.params[name]
        return _constant(value), literal_kind(value, where)

    def _variable(self, name: Any, where: str) -> tuple[Node, Kind]:
        if not isinstance(name, str) or name not in self.variables:
            known = ", ".join(self.variables) or "không có"
            raise RuleError(
                tr(
                    "biến không biết {name} (các biến đã khai báo: {known})",
                    name=repr(name),
                    known=known,
                ),
                where,
            )
        return _variable(name), self.variables[name]

    def _operator(self, op: str, arguments: Any, where: str) -> tuple[Node, Kind]:
        if op not in ARITY:
            raise RuleError(
                tr(
                    "toán tử không biết '{op}' (các toán tử: {known})",
                    op=op,
                    known=", ".join(ARITY),
                ),
                where,
            )
        if not isinstance(arguments, list):
            raise RuleError(
                tr("các đối số của '{op}' phải đặt trong một danh sách [...]", op=op), where
            )
        fewest, most = ARITY[op]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            wanted = str(fewest) if fewest == most else tr("từ {count} trở lên", count=fewest)
            raise RuleError(
                tr(
                    "'{op}' cần {wanted} đối số, có {count}",
                    op=op,
                    wanted=wanted,
                    count=len(arguments),
                ),
                where,
            )
        if op in _MEMBER_OPERATORS:
            return self._member_operator(op, arguments[0], f"{where}[0]")
        compiled = [self.compile(arg, f"{where}[{i}]") for i, arg in enumerate(arguments)]
        nodes = [node for node, _ in compiled]
        kinds = [kind for _, kind in compiled]
        self._check_kinds(op, kinds, where)
        if op in ("all", "any"):
            deciding = op == "any"
            return (
                lambda env, member: _kleene((arg(env, member) for arg in nodes), deciding)
            ), BOOL
        if op == "not":
            return _not(nodes[0]), BOOL
        if op == "count_true":
            return (lambda env, member: _count([arg(env, member) for arg in nodes])), NUMBER
        if op == "member_count":
            return (lambda env, member: (len(env.household.derived), EMPTY)), NUMBER
        return _binary(_BINARY[op], *nodes), NUMBER if op == "/" else BOOL

    def _member_operator(self, op: str, argument: Any, where: str) -> tuple[Node, Kind]:
        if self.member_scope:
            raise RuleError(
                tr("không lồng '{op}' trong một phép theo từng thành viên", op=op), where
            )
        self.member_scope = True
        try:
            condition, kind = self.compile(argument, where)
        finally:
            self.member_scope = False
        if kind.name != "bool":
            raise RuleError(
                tr("'{op}' cần một điều kiện đúng/sai, nhận {kind}", op=op, kind=_kind_name(kind)),
                where,
            )
        node = _per_member(_MEMBER_OPERATORS[op], condition)
        return node, BOOL if op == "any_member" else NUMBER

    def _check_kinds(self, op: str, kinds: list[Kind], where: str) -> None:
        def wrong(index: int, wanted: str) -> RuleError:
            got = _kind_name(kinds[index])
            return RuleError(
                tr(
                    "'{op}' cần {wanted} ở đối số {index}, nhận {got}",
                    op=op,
                    wanted=wanted,
                    index=index,
                    got=got,
                ),
                f"{where}[{index}]",
            )

        if op in ("all", "any", "not", "count_true"):
            for index, kind in enumerate(kinds):
                if kind.name != "bool":
                    raise wrong(index, tr(_KIND_NAMES["bool"]))
        elif op in ("<", "<=", ">", ">=", "/"):
            for index, kind in enumerate(kinds):
                if kind.name != "number":
                    raise wrong(index, tr(_KIND_NAMES["number"]))
        elif op in ("==", "!="):
            left, right = kinds
            if left.name == "list":
                raise wrong(0, tr("một giá trị đơn"))
            if right.name != left.name:
                raise wrong(1, _kind_name(left))
            _check_choices(left, right, where)
            _check_choices(right, left, where)
        elif op in ("in", "not_in"):
            left, right = kinds
            if left.name == "list":
                raise wrong(0, tr("một giá trị đơn"))
            if right.name != "list" or right.element != left.name:
                raise wrong(1, _list_of(left.name))
            _check_choices(left, _elements(right), where)
            _check_choices(_elements(right), left, where)
        elif op == "contains_any":
            left, right = kinds
            for index, kind in enumerate(kinds):
                if kind.name != "list":
                    raise wrong(index, tr(_KIND_NAMES["list"]))
            if left.element != right.element:
                raise wrong(1, _kind_name(left))
            _check_choices(_elements(left), _elements(right), where)
            _check_choices(_elements(right), _elements(left), where)


def compile_rule(
    expression: Any,
    *,
    params: Mapping[str, Any] | None = None,
    variables: Mapping[str, Kind] | None = None,
    member_scope: bool = False,
    excluded_fields: frozenset[str] = frozenset(),
    kind: str | None = "bool",
    where: str = "",
) -> Rule:
    """Compile and type-check an expression (RuleError names the offending piece).

    ``kind`` is the type the whole expression must have (None: any); ``member_scope`` lets
    member.* fields be named at the top (the dependant rule); ``excluded_fields`` are derived
    member fields that may not be used (a rule cannot use what it defines).
    """
    compiler = _Compiler(params or {}, variables or {}, member_scope, excluded_fields)
    node, found = compiler.compile(expression, where)
    if kind is not None and found.name != kind:
        raise RuleError(
            tr(
                "biểu thức phải cho {wanted}, nhưng cho {found}",
                wanted=tr(_KIND_NAMES[kind]),
                found=_kind_name(found),
            ),
            where,
        )
    member_condition = None
    if not member_scope and isinstance(expression, dict) and list(expression) == ["any_member"]:
        member_condition = compile_rule(
            expression["any_member"][0],
            params=params,
            variables=variables,
            member_scope=True,
            excluded_fields=excluded_fields,
            where=f"{where}.any_member[0]" if where else "any_member[0]",
        )
    return Rule(found, frozenset(compiler.fields), member_condition, node)


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_FORMATS = ("percent",)
# A template's piece: literal text, or a placeholder (scope, name, reference, style).
Piece = str | tuple[str, str, str, str | None]


def render_value(
    value: Any,
    field_name: str | None = None,
    style: str | None = None,
    translate: Translate = as_written,
) -> str:
    """A value in a sentence: labels for enum values (in ``translate``'s language), numbers
    the Vietnamese way; the household's own words (names) as they are."""
    if value is None:
        return translate("chưa rõ")
    if isinstance(value, Span):
        low, high = (render_value(v, field_name, style, translate) for v in (value.low, value.high))
        return f"{low}–{high}"
    if isinstance(value, list):
        items = (render_value(item, field_name, style, translate) for item in value)
        return ", ".join(items) or translate("không có")
    if isinstance(value, bool):
        return translate("có") if value else translate("không")
    if style == "percent":
        return f"{format_decimal(_decimal(value) * 100)}%"
    if isinstance(value, int | float | Decimal):
        return format_decimal(value)
    labels = VALUE_LABELS.get(field_name or "", {})
    return translate(labels[value]) if value in labels else str(value)


@dataclass(frozen=True)
class Template:
    """A reason sentence with {household.x}, {member.x}, {param.x}, {var.x} placeholders.

    ``{name:percent}`` shows a fraction as a percentage. An each-member template is rendered
    once per member the rule finds and the pieces are joined with "; ".
    """

    text: str
    each_member: bool
    params: Mapping[str, Any] = field(repr=False)
    # The text cut once into literal pieces and placeholders (scope, name, reference, style);
    # a parameter's placeholder is filled here, since parameters do not change. The text of
    # another language (its catalogue's translation) is cut once too, when first rendered.
    pieces: tuple[Piece, ...] = field(init=False, repr=False, compare=False)
    translated: dict[str, tuple[Piece, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pieces", self._cut(self.text, as_written))
        object.__setattr__(self, "translated", {})

    def _cut(self, text: str, translate: Translate) -> tuple[Piece, ...]:
        pieces: list[Piece] = []
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            pieces.append(text[position : match.start()])
            reference, _, style = match.group(1).partition(":")
            scope, _, name = reference.partition(".")
            if scope == "param":
                pieces.append(render_value(self.params[name], None, style or None, translate))
            else:
                pieces.append((scope, name, reference, style or None))
            position = match.end()
        pieces.append(text[position:])
        return tuple(piece for piece in pieces if piece != "")

    def _pieces(self, translate: Translate) -> tuple[Piece, ...]:
        if translate is as_written:
            return self.pieces
        text = translate(self.text)
        if text == self.text:
            return self.pieces
        if text not in self.translated:
            self.translated[text] = self._cut(text, translate)
        return self.translated[text]

    def render(
        self,
        household: Household,
        variables: Mapping[str, Result],
        members: Sequence[int] = (),
        translate: Translate = as_written,
    ) -> str:
        """The sentence for a household, in ``translate``'s language (Vietnamese by default)."""
        pieces = self._pieces(translate)
        if self.each_member:
            return "; ".join(
                self._fill(pieces, household, variables, index, translate) for index in members
            )
        return self._fill(pieces, household, variables, None, translate)

    @staticmethod
    def _fill(
        pieces: tuple[Piece, ...],
        household: Household,
        variables: Mapping[str, Result],
        member: int | None,
        translate: Translate,
    ) -> str:
        def filled(piece: Piece) -> str:
            if isinstance(piece, str):
                return piece
            scope, name, reference, style = piece
            if scope == "var":
                return render_value(variables[name][0], None, style, translate)
            if scope == "household":
                value = household.record.get(name)
            elif name in DERIVED_MEMBER_FIELDS:
                assert member is not None, "a member's field read outside a member"
                value = household.derived[member][name][0]
            else:
                value = household.record["members"][member].get(name)
            return render_value(value, reference, style, translate)

        return "".join(filled(piece) for piece in pieces)


def _template_form() -> str:
    return tr("mẫu câu phải là một chuỗi hoặc {form}", form='{"each_member": "…"}')


def compile_template(
    spec: Any,
    *,
    params: Mapping[str, Any] | None = None,
    variables: Mapping[str, Kind] | None = None,
    where: str = "",
) -> Template:
    """A template from a string, or from {"each_member": "..."}; checks every placeholder."""
    params = params or {}
    variables = variables or {}
    each_member = isinstance(spec, dict)
    if each_member:
        if list(spec) != ["each_member"] or not isinstance(spec["each_member"], str):
            raise RuleError(_template_form(), where)
        text = spec["each_member"]
    elif isinstance(spec, str):
        text = spec
    else:
        raise RuleError(_template_form(), where)
    if not text.strip():
        raise RuleError(tr("mẫu câu trống"), where)
    for match in _PLACEHOLDER.finditer(text):
        reference, _, style = match.group(1).partition(":")
        scope, _, name = reference.partition(".")
        if style and style not in _FORMATS:
            raise RuleError(
                tr(
                    "kiểu hiển thị không biết '{style}' trong {placeholder}",
                    style=style,
                    placeholder=match.group(0),
                ),
                where,
            )
        member_names = (*member_field_names(), *DERIVED_MEMBER_FIELDS)
        known = {
            "param": name in params,
            "var": name in variables,
            "household": name in household_field_names() and name != "members",
            "member": each_member and name in member_names,
        }.get(scope, False)
        if not known:
            raise RuleError(
                tr("chỗ điền không biết {placeholder}", placeholder=match.group(0)), where
            )
    leftover = _PLACEHOLDER.sub("", text)
    if "{" in leftover or "}" in leftover:
        raise RuleError(tr("dấu ngoặc {braces} không khớp", braces="{ }"), where)
    return Template(text, each_member, params)
