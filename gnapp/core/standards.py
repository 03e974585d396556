"""Poverty standards as data (forms/standards/*.json): loading, checking, compiling.

A standard file holds the income lines, the deprivation indicators written in the rule
language (gnapp.core.rules), the scoring method, and the working-age and dependant rules;
every rule carries its source and status. A province file may extend a national standard and
override its lines and thresholds. B1 points tables live under forms/standards/points/.
The format is described in docs/standards.md.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib.resources.abc import Traversable
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from gnapp.core import input_files
from gnapp.core.record import RecordError, age_in_months
from gnapp.core.rules import Kind, Rule, RuleError, Template, compile_rule, compile_template
from gnapp.core.rules import literal_kind as _value_kind
from gnapp.data import form_file
from gnapp.i18n import Translate, as_written, tr, tr_noop

FORMAT_VERSION = 1
AREAS = ("rural", "urban")
SEXES = ("male", "female")
STATUSES = ("confirmed", "secondary", "unknown")  # strongest first
AREA_LABELS = {"rural": tr_noop("nông thôn"), "urban": tr_noop("thành thị")}
# The regions of the B1 points sheets of the previous regime (standards.md).
REGIONS = {
    "dong_bang_song_hong": "Đồng bằng sông Hồng",
    "trung_du_mien_nui_phia_bac": "Trung du và miền núi phía Bắc",
    "bac_trung_bo_duyen_hai_mien_trung": "Bắc Trung Bộ và duyên hải miền Trung",
    "tay_nguyen": "Tây Nguyên",
    "dong_nam_bo": "Đông Nam Bộ",
    "dong_bang_song_cuu_long": "Đồng bằng sông Cửu Long",
}

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PROVENANCE_KEYS = ("source", "status", "confirmed")


class StandardError(ValueError):
    """A standard or points-table file that cannot be used; names the file and the rule."""

    def __init__(self, file: str, where: str, reason: str) -> None:
        self.file = file
        self.where = where
        self.reason = reason
        if where:
            message = tr("Tệp {file}, {where}: {reason}", file=file, where=where, reason=reason)
        else:
            message = tr("Tệp {file}: {reason}", file=file, reason=reason)
        super().__init__(message)


@dataclass(frozen=True)
class Provenance:
    """Where a rule comes from and how sure we are (status: confirmed | secondary | unknown)."""

    source: str
    status: str
    confirmed: bool

    def combined(self, *others: Provenance) -> Provenance:
        """The joint mark of rules used together: the weakest status, every source."""
        marks = (self, *others)
        status = max((mark.status for mark in marks), key=STATUSES.index)
        sources = list(dict.fromkeys(mark.source for mark in marks))
        return Provenance("; ".join(sources), status, all(mark.confirmed for mark in marks))


@dataclass(frozen=True)
class AreaValues:
    """A value per area (income line, band bound, B1 line); None where it is unknown."""

    rural: int | float | None
    urban: int | float | None
    provenance: Provenance

    def for_area(self, area: str) -> int | float | None:
        value: int | float | None = getattr(self, area)
        return value


@dataclass(frozen=True)
class RuleValue:
    value: int
    provenance: Provenance


@dataclass(frozen=True)
class ScoreMethod:
    """The review's scoring (Thông tư 07/2021): B1 lines in points, B2 points per indicator."""

    b1_lines: AreaValues
    b2_points_per_indicator: RuleValue


@dataclass(frozen=True)
class Years:
    first: int
    last: int
    provenance: Provenance


@dataclass(frozen=True)
class WorkingAge:
    """From min_age to the retirement age, which rises year by year (months, by sex).

    ``retirement`` maps a sex to (year, age in months) steps: the retirement age of someone
    who reaches it in a year is the step of the latest year not after it (the first step
    for earlier years).
    """

    min_age: int
    retirement: Mapping[str, tuple[tuple[int, int], ...]]
    provenance: Provenance

    def retirement_months(self, sex: str, year: int) -> int:
        steps = self.retirement[sex]
        return max((step for step in steps if step[0] <= year), default=steps[0])[1]

    def applies(self, birth_date: str, sex: str, reference: date) -> bool:
        """Whether a person is of working age at the reference date.

        Reaching the retirement age ends it; someone who reached last year's retirement age
        before it rose stays retired (the schedule rises by less than a year per year, so
        looking one year back is enough).
        """
        months = age_in_months(birth_date, reference)
        if months < self.min_age * 12 or months >= self.retirement_months(sex, reference.year):
            return False
        last_year_end = date(reference.year - 1, 12, 31)
        return age_in_months(birth_date, last_year_end) < self.retirement_months(
            sex, reference.year - 1
        )


@dataclass(frozen=True)
class DependantRule:
    """Who counts as a dependant: a member-scope rule."""

    rule: Rule
    params: Mapping[str, Any]
    provenance: Provenance


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str


@dataclass(frozen=True)
class Indicator:
    """One deprivation indicator; ``provenance`` includes the derived rules it relies on."""

    id: str
    name: str
    dimension: Dimension
    params: Mapping[str, Any]
    lets: tuple[tuple[str, Rule], ...]
    rule: Rule
    reason_deprived: Template
    reason_not_deprived: Template
    provenance: Provenance


@dataclass(frozen=True)
class Standard:
    """A poverty standard, national or a province's extension of one (``extends``)."""

    id: str
    name: str
    legal_basis: str
    years: Years
    file: str
    extends: str | None
    income_lines: AreaValues
    poor_min_deprivations: RuleValue
    average_band: AreaValues
    score_method: ScoreMethod
    working_age: WorkingAge
    dependant: DependantRule
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]

    def covers(self, year: int) -> bool:
        return self.years.first <= year <= self.years.last


_TYPE_NAMES = {
    str: tr_noop("chuỗi ký tự"),
    int: tr_noop("số nguyên"),
    float: tr_noop("số"),
    bool: tr_noop("đúng/sai (true/false)"),
    list: tr_noop("danh sách […]"),
    dict: tr_noop("đối tượng {…}"),
    type(None): "null",
}


class _Reader:
    """Strict access to a parsed file: a failure names the file, the context and the key path."""

    def __init__(self, file: str, context: str = "") -> None:
        self.file = file
        self.context = context

    def fail(self, path: str, reason: str) -> NoReturn:
        key = tr("khóa {path}", path=path) if path else ""
        where = ", ".join(part for part in (self.context, key) if part)
        raise StandardError(self.file, where, reason)

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(
                path,
                tr("cần một đối tượng {braces}, nhận {value}", braces="{…}", value=_shown(value)),
            )
        return value

    def object(
        self,
        value: Any,
        path: str,
        required: Sequence[str] = (),
        optional: Sequence[str] = (),
    ) -> dict[str, Any]:
        obj = self.mapping(value, path)
        for key in required:
            if key not in obj:
                self.fail(path, tr("thiếu khóa bắt buộc '{key}'", key=key))
        for key in obj:
            if key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                self.fail(
                    _join(path, key),
                    tr("khóa không biết '{key}' (các khóa: {allowed})", key=key, allowed=allowed),
                )
        return obj

    def get(self, obj: Mapping[str, Any], key: str, path: str, *types: type) -> Any:
        """obj[key], which must have one of the types (an integer is accepted as a number)."""
        value = obj[key]
        accepted = (*types, int) if float in types else types
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, accepted):
            wanted = tr(" hoặc ").join(tr(_TYPE_NAMES[kind]) for kind in types)
            self.fail(
                _join(path, key),
                tr("cần {wanted}, nhận {value}", wanted=wanted, value=_shown(value)),
            )
        return value

    def text(self, obj: Mapping[str, Any], key: str, path: str) -> str:
        value: str = self.get(obj, key, path, str)
        if not value.strip():
            self.fail(_join(path, key), tr("không được để trống"))
        return value

    def identifier(self, obj: Mapping[str, Any], key: str, path: str) -> str:
        value = self.text(obj, key, path)
        if not _ID.match(value):
            self.fail(
                _join(path, key), tr("mã '{value}' chỉ gồm chữ thường, số, '_' và '-'", value=value)
            )
        return value

    def provenance(self, obj: Mapping[str, Any], path: str) -> Provenance:
        source = self.text(obj, "source", path)
        status = self.get(obj, "status", path, str)
        if status not in STATUSES:
            self.fail(
                _join(path, "status"),
                tr("'{value}' không phải {allowed}", value=status, allowed=", ".join(STATUSES)),
            )
        confirmed = self.get(obj, "confirmed", path, bool)
        if confirmed != (status == "confirmed"):
            self.fail(
                _join(path, "confirmed"),
                tr(
                    "confirmed = {confirmed} không khớp status '{status}' (chỉ status "
                    "'confirmed' mới có confirmed = true)",
                    confirmed=json.dumps(confirmed),
                    status=status,
                ),
            )
        return Provenance(source, status, confirmed)

    def area_values(self, value: Any, path: str, *, integer: bool = False) -> AreaValues:
        obj = self.object(value, path, (*AREAS, *_PROVENANCE_KEYS))
        provenance = self.provenance(obj, path)
        numbers = {}
        for area in AREAS:
            number = self.get(obj, area, path, float, type(None))
            if number is None and provenance.status != "unknown":
                self.fail(_join(path, area), tr("chỉ để null khi status là 'unknown'"))
            if number is not None and (number <= 0 or (integer and not isinstance(number, int))):
                wanted = tr("số nguyên dương (đồng)") if integer else tr("số dương")
                self.fail(
                    _join(path, area),
                    tr("cần {wanted}, nhận {value}", wanted=wanted, value=_shown(number)),
                )
            numbers[area] = number
        return AreaValues(numbers["rural"], numbers["urban"], provenance)

    def rule_value(self, value: Any, path: str) -> RuleValue:
        obj = self.object(value, path, ("value", *_PROVENANCE_KEYS))
        number = self.get(obj, "value", path, int)
        if number < 1:
            self.fail(_join(path, "value"), tr("cần số nguyên dương, nhận {value}", value=number))
        return RuleValue(number, self.provenance(obj, path))

    def params(self, value: Any, path: str) -> dict[str, Any]:
        obj = self.mapping(value, path)
        for name, param in obj.items():
            try:
                _value_kind(param)
            except RuleError as error:
                self.fail(_join(path, name), error.reason)
        return obj

    def items(self, obj: Mapping[str, Any], key: str, path: str, what: str) -> list[Any]:
        value = obj[key]
        if not isinstance(value, list) or not value:
            self.fail(_join(path, key), tr("cần một danh sách {what}, không rỗng", what=tr(what)))
        return value


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


_TOP_KEYS = (
    "format_version",
    "id",
    "name",
    "legal_basis",
    "years",
    "income_lines",
    "poor_min_deprivations",
    "average_band",
    "score_method",
    "working_age",
    "dependant",
    "dimensions",
    "indicators",
)
_OVERRIDE_REQUIRED = ("format_version", "extends", "id", "name", "legal_basis")
_OVERRIDE_OPTIONAL = ("income_lines", "average_band", "score_method", "indicators")


def _read_json(source: Traversable | Path, file: str) -> Any:
    return _parsed_json(_read_text(source, file), file)


def _read_text(source: Traversable | Path, file: str) -> str:
    try:
        if isinstance(source, Path):
            return input_files.read_text(source)
        return source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StandardError(file, "", tr("không tìm thấy tệp")) from None
    except UnicodeDecodeError:
        raise StandardError(file, "", tr("không đọc được theo mã UTF-8")) from None


def _parsed_json(text: str, file: str) -> Any:
    try:
        return input_files.loads_json(text)
    except json.JSONDecodeError as error:
        raise StandardError(
            file,
            tr("dòng {line}, cột {column}", line=error.lineno, column=error.colno),
            tr("không phải JSON hợp lệ ({error})", error=error.msg),
        ) from None


def _check_format_version(reader: _Reader, doc: dict[str, Any]) -> None:
    version = reader.get(doc, "format_version", "", int)
    if version != FORMAT_VERSION:
        reader.fail(
            "format_version",
            tr(
                "phiên bản {version} chưa hỗ trợ (cần {supported})",
                version=version,
                supported=FORMAT_VERSION,
            ),
        )


def _years(reader: _Reader, value: Any) -> Years:
    obj = reader.object(value, "years", ("first", "last", *_PROVENANCE_KEYS))
    first, last = (reader.get(obj, key, "years", int) for key in ("first", "last"))
    if first > last:
        reader.fail("years", tr("năm đầu {first} sau năm cuối {last}", first=first, last=last))
    return Years(first, last, reader.provenance(obj, "years"))


def _score_method(reader: _Reader, value: Any) -> ScoreMethod:
    obj = reader.object(value, "score_method", ("b1_lines", "b2_points_per_indicator"))
    return ScoreMethod(
        reader.area_values(obj["b1_lines"], "score_method.b1_lines"),
        reader.rule_value(obj["b2_points_per_indicator"], "score_method.b2_points_per_indicator"),
    )


def _retirement_steps(
    reader: _Reader, obj: Mapping[str, Any], sex: str, path: str
) -> tuple[tuple[int, int], ...]:
    steps = []
    for index, item in enumerate(reader.items(obj, sex, path, tr_noop("các mốc năm"))):
        at = _join(_join(path, sex), index)
        step = reader.object(item, at, ("year", "years", "months"))
        year, years, months = (
            reader.get(step, key, at, int) for key in ("year", "years", "months")
        )
        if not 0 <= months < 12:
            reader.fail(
                _join(at, "months"), tr("số tháng phải từ 0 đến 11, nhận {months}", months=months)
            )
        steps.append((year, years * 12 + months))
    for (year, months), (next_year, next_months) in pairwise(steps):
        if next_year <= year or not months <= next_months < months + 12 * (next_year - year):
            reader.fail(
                _join(path, sex),
                tr(
                    "các mốc phải theo năm tăng dần, tuổi nghỉ hưu không giảm và tăng dưới 12 "
                    "tháng mỗi năm ({year} → {next_year})",
                    year=year,
                    next_year=next_year,
                ),
            )
    return tuple(steps)


def _working_age(reader: _Reader, value: Any) -> WorkingAge:
    obj = reader.object(value, "working_age", ("min_age", "retirement_age", *_PROVENANCE_KEYS))
    min_age = reader.get(obj, "min_age", "working_age", int)
    path = "working_age.retirement_age"
    schedule = reader.object(obj["retirement_age"], path, SEXES)
    retirement = {sex: _retirement_steps(reader, schedule, sex, path) for sex in SEXES}
    return WorkingAge(min_age, MappingProxyType(retirement), reader.provenance(obj, "working_age"))


def _dependant(reader: _Reader, value: Any) -> DependantRule:
    obj = reader.object(value, "dependant", ("params", "rule", *_PROVENANCE_KEYS))
    params = reader.params(obj["params"], "dependant.params")
    try:
        rule = compile_rule(
            obj["rule"],
            params=params,
            member_scope=True,
            excluded_fields=frozenset({"dependant"}),
            where="dependant.rule",
        )
    except RuleError as error:
        reader.fail(error.path, error.reason)
    return DependantRule(rule, MappingProxyType(params), reader.provenance(obj, "dependant"))


def _dimensions(reader: _Reader, doc: Mapping[str, Any]) -> tuple[Dimension, ...]:
    dimensions: list[Dimension] = []
    for index, item in enumerate(reader.items(doc, "dimensions", "", tr_noop("các chiều"))):
        path = f"dimensions[{index}]"
        obj = reader.object(item, path, ("id", "name"))
        dimension = Dimension(reader.identifier(obj, "id", path), reader.text(obj, "name", path))
        if any(known.id == dimension.id for known in dimensions):
            reader.fail(path, tr("chiều '{dimension}' khai báo hai lần", dimension=dimension.id))
        dimensions.append(dimension)
    return tuple(dimensions)


_INDICATOR_REQUIRED = (
    "id",
    "name",
    "dimension",
    "rule",
    "reason_deprived",
    "reason_not_deprived",
    *_PROVENANCE_KEYS,
)


def _indicator(
    file: str,
    value: Any,
    path: str,
    dimensions: Sequence[Dimension],
    derived: Mapping[str, Provenance],
) -> Indicator:
    obj = _Reader(file).mapping(value, path)
    named = obj.get("id")
    reader = _Reader(
        file, tr("chỉ số {indicator}", indicator=named) if isinstance(named, str) and named else ""
    )
    reader.object(obj, path, _INDICATOR_REQUIRED, ("params", "let"))
    indicator_id = reader.identifier(obj, "id", path)
    name = reader.text(obj, "name", path)
    dimension_id = reader.get(obj, "dimension", path, str)
    dimension = next((d for d in dimensions if d.id == dimension_id), None)
    if dimension is None:
        known = ", ".join(d.id for d in dimensions)
        reader.fail(
            _join(path, "dimension"),
            tr("chiều không biết '{dimension}' (có: {known})", dimension=dimension_id, known=known),
        )
    params = reader.params(obj.get("params", {}), _join(path, "params"))
    lets = reader.mapping(obj.get("let", {}), _join(path, "let"))
    compiled_lets: list[tuple[str, Rule]] = []
    kinds: dict[str, Kind] = {}
    try:
        for let_name, expression in lets.items():
            where = _join(_join(path, "let"), let_name)
            let = compile_rule(expression, params=params, variables=kinds, kind=None, where=where)
            compiled_lets.append((let_name, let))
            kinds[let_name] = let.kind
        rule = compile_rule(obj["rule"], params=params, variables=kinds, where=_join(path, "rule"))
        templates = {
            key: compile_template(obj[key], params=params, variables=kinds, where=_join(path, key))
            for key in ("reason_deprived", "reason_not_deprived")
        }
    except RuleError as error:
        reader.fail(error.path, error.reason)
    if templates["reason_not_deprived"].each_member:
        reader.fail(
            _join(path, "reason_not_deprived"), tr("mẫu each_member chỉ dùng cho reason_deprived")
        )
    if templates["reason_deprived"].each_member and rule.member_condition is None:
        reader.fail(
            _join(path, "reason_deprived"),
            tr(
                "mẫu each_member chỉ dùng được khi rule có dạng {form}",
                form='{"any_member": [...]}',
            ),
        )
    used = rule.fields.union(*(let.fields for _, let in compiled_lets))
    relied_on = [mark for field_name, mark in derived.items() if field_name in used]
    return Indicator(
        id=indicator_id,
        name=name,
        dimension=dimension,
        params=MappingProxyType(params),
        lets=tuple(compiled_lets),
        rule=rule,
        reason_deprived=templates["reason_deprived"],
        reason_not_deprived=templates["reason_not_deprived"],
        provenance=reader.provenance(obj, path).combined(*relied_on),
    )


def _standard(doc: Any, file: str, extends: str | None = None) -> Standard:
    reader = _Reader(file)
    doc = reader.object(doc, "", _TOP_KEYS)
    _check_format_version(reader, doc)
    working_age = _working_age(reader, doc["working_age"])
    dependant = _dependant(reader, doc["dependant"])
    dimensions = _dimensions(reader, doc)
    derived = {
        "member.working_age": working_age.provenance,
        "member.dependant": dependant.provenance,
    }
    indicators = tuple(
        _indicator(file, item, f"indicators[{index}]", dimensions, derived)
        for index, item in enumerate(reader.items(doc, "indicators", "", tr_noop("các chỉ số")))
    )
    ids = [indicator.id for indicator in indicators]
    for index, indicator_id in enumerate(ids):
        if indicator_id in ids[:index]:
            reader.fail(
                f"indicators[{index}]",
                tr("chỉ số '{indicator}' khai báo hai lần", indicator=indicator_id),
            )
    for dimension in dimensions:
        if not any(indicator.dimension == dimension for indicator in indicators):
            reader.fail(
                "dimensions", tr("chiều '{dimension}' không có chỉ số nào", dimension=dimension.id)
            )
    poor_min = reader.rule_value(doc["poor_min_deprivations"], "poor_min_deprivations")
    if poor_min.value > len(indicators):
        reader.fail(
            "poor_min_deprivations.value",
            tr("{value} lớn hơn số chỉ số ({count})", value=poor_min.value, count=len(indicators)),
        )
    return Standard(
        id=reader.identifier(doc, "id", ""),
        name=reader.text(doc, "name", ""),
        legal_basis=reader.text(doc, "legal_basis", ""),
        years=_years(reader, doc["years"]),
        file=file,
        extends=extends,
        income_lines=reader.area_values(doc["income_lines"], "income_lines", integer=True),
        poor_min_deprivations=poor_min,
        average_band=reader.area_values(doc["average_band"], "average_band", integer=True),
        score_method=_score_method(reader, doc["score_method"]),
        working_age=working_age,
        dependant=dependant,
        dimensions=dimensions,
        indicators=indicators,
    )


def _override_indicators(reader: _Reader, base: dict[str, Any], value: Any) -> None:
    """Apply a province's parameter overrides to the base document's indicators, in place."""
    changes = reader.mapping(value, "indicators")
    by_id = {item["id"]: item for item in base["indicators"]}
    for indicator_id, change in changes.items():
        path = f"indicators.{indicator_id}"
        if indicator_id not in by_id:
            reader.fail(path, tr("chuẩn gốc không có chỉ số '{indicator}'", indicator=indicator_id))
        obj = reader.object(change, path, ("params", *_PROVENANCE_KEYS))
        target = by_id[indicator_id]
        known = target.get("params", {})
        params = reader.params(obj["params"], _join(path, "params"))
        for name, param in params.items():
            if name not in known:
                reader.fail(
                    _join(path, f"params.{name}"),
                    tr("chỉ số gốc không có tham số '{name}'", name=name),
                )
            if _value_kind(param).name != _value_kind(known[name]).name:
                reader.fail(
                    _join(path, f"params.{name}"),
                    tr(
                        "cần cùng kiểu với tham số gốc ({base}), nhận {value}",
                        base=_shown(known[name]),
                        value=_shown(param),
                    ),
                )
        target["params"] = {**known, **params}
        mark = Provenance(target["source"], target["status"], target["confirmed"]).combined(
            reader.provenance(obj, path)
        )
        target.update(source=mark.source, status=mark.status, confirmed=mark.confirmed)


def _merged(override: Any, file: str) -> tuple[dict[str, Any], str]:
    """The base standard's document with a province file's overrides applied."""
    reader = _Reader(file)
    reader.object(override, "", _OVERRIDE_REQUIRED, _OVERRIDE_OPTIONAL)
    _check_format_version(reader, override)
    base_id = reader.identifier(override, "extends", "")
    if base_id not in _bundled_ids():
        known = ", ".join(_bundled_ids()) or tr("không có")
        reader.fail(
            "extends",
            tr(
                "không có chuẩn nghèo '{standard}' để mở rộng (các chuẩn có: {known})",
                standard=base_id,
                known=known,
            ),
        )
    base = _bundled_document(base_id)
    if isinstance(base, dict) and "extends" in base:
        reader.fail(
            "extends",
            tr("'{standard}' đã là chuẩn mở rộng; chỉ mở rộng chuẩn quốc gia", standard=base_id),
        )
    merged = copy.deepcopy(base)
    for key in ("id", "name", "legal_basis", "income_lines", "average_band"):
        if key in override:
            merged[key] = override[key]
    if "score_method" in override:
        lines = reader.object(override["score_method"], "score_method", ("b1_lines",))
        merged["score_method"]["b1_lines"] = lines["b1_lines"]
    if "indicators" in override:
        _override_indicators(reader, merged, override["indicators"])
    return merged, base_id


def _bundled_ids() -> list[str]:
    return sorted(
        entry.name.removesuffix(".json")
        for entry in form_file("standards").iterdir()
        if entry.is_file() and entry.name.endswith(".json")
    )


def _bundled_document(standard_id: str) -> Any:
    return _parsed_json(_bundled_text(standard_id), f"forms/standards/{standard_id}.json")


def _bundled_text(standard_id: str) -> str:
    file = f"forms/standards/{standard_id}.json"
    if standard_id not in _bundled_ids():
        known = ", ".join(_bundled_ids()) or tr("không có")
        raise StandardError(
            file,
            "",
            tr(
                "không có chuẩn nghèo '{standard}' (các chuẩn có: {known})",
                standard=standard_id,
                known=known,
            ),
        )
    return _read_text(form_file("standards", f"{standard_id}.json"), file)


def _from_document(doc: Any, file: str) -> Standard:
    if isinstance(doc, dict) and "extends" in doc:
        merged, base_id = _merged(doc, file)
        return _parsed(json.dumps(merged, ensure_ascii=False), file, base_id)
    return _parsed(json.dumps(doc, ensure_ascii=False), file, None)


@functools.lru_cache(maxsize=16)
def _parsed(text: str, file: str, extends: str | None) -> Standard:
    """The standard a document's text declares, read and its rules compiled once per text (a
    Standard is immutable; a round asks for its standard at every survey it saves)."""
    return _standard(json.loads(text), file, extends)


@functools.lru_cache(maxsize=16)
def _bundled_standard(text: str, file: str) -> Standard:
    """The standard of a bundled file's text, parsed once per text: a round asks for its
    standard at every survey it saves (3,341 times in making the 20,000-household demo)."""
    return _from_document(_parsed_json(text, file), file)


def load_standard(id_or_path: str | Path) -> Standard:
    """A standard by id ("2022-2025", from forms/standards/) or from a file path."""
    text = str(id_or_path)
    if isinstance(id_or_path, Path) or text.endswith(".json") or "/" in text or "\\" in text:
        return _from_document(_read_json(Path(text), text), text)
    file = f"forms/standards/{text}.json"
    standard = _bundled_standard(_bundled_text(text), file)
    if standard.id != text:
        raise StandardError(
            file,
            tr("khóa {path}", path="id"),
            tr("'{standard}' khác tên tệp '{file}'", standard=standard.id, file=text),
        )
    return standard


def available_standards() -> list[Standard]:
    """Every standard in forms/standards/ (national ones and installed province files)."""
    return [load_standard(standard_id) for standard_id in _bundled_ids()]


def standard_for_year(year: int) -> Standard:
    """The national standard in force in a year (a province extension is chosen explicitly)."""
    matches = [s for s in available_standards() if s.extends is None and s.covers(year)]
    if len(matches) != 1:
        found = ", ".join(s.id for s in matches)
        reason = (
            tr("có nhiều chuẩn cùng áp dụng ({found})", found=found)
            if matches
            else tr("không có chuẩn nào áp dụng")
        )
        raise StandardError(
            "forms/standards/", "", tr("năm {year}: {reason}", year=year, reason=reason)
        )
    return matches[0]


@dataclass(frozen=True)
class RoundStandard:
    """The standard a new review round uses by default, and why, in words."""

    standard: Standard
    reason: str


def round_standard(
    kind: str, year: int, month: int | None = None, translate: Translate = as_written
) -> RoundStandard:
    """The default standard of a round: a periodic round of year N sets the lists used in
    N + 1, so it measures households against the standard in force on 1 January of N + 1 (the
    late-2021 review ran under the 2022–2025 standard); a regular (monthly) round keeps the
    standard in force in its month. StandardError when no national standard covers the year.
    ``translate``: the language of the reason (``tr`` where the GUI shows it)."""
    if kind == "periodic":
        standard = standard_for_year(year + 1)
        reason = translate(
            "Đợt định kỳ năm {year} xác định danh sách hộ nghèo, hộ cận nghèo dùng trong năm "
            "{next}: mặc định là chuẩn có hiệu lực ngày 01/01/{next}; chọn được chuẩn khác.",
            year=year,
            next=year + 1,
        )
        return RoundStandard(standard, reason)
    standard = standard_for_year(year)
    when = (
        translate("tháng {month:02d}/{year}", month=month, year=year)
        if month
        else translate("năm {year}", year=year)
    )
    reason = translate(
        "Đợt thường xuyên: mặc định là chuẩn có hiệu lực trong {when}; chọn được chuẩn khác.",
        when=when,
    )
    return RoundStandard(standard, reason)


@dataclass(frozen=True)
class PointsOption:
    value: str | int | float | bool
    label: str
    points: int | float


@dataclass(frozen=True)
class PointsItem:
    id: str
    name: str
    options: tuple[PointsOption, ...]


@dataclass(frozen=True)
class ScoredItem:
    """One item of a B1 computation: the option chosen and its points (None: unanswered)."""

    id: str
    name: str
    answer: str | None
    points: int | float | None


@dataclass(frozen=True)
class B1Score:
    """B1 from a points table; total is None while some items are unanswered."""

    total: Decimal | None
    items: tuple[ScoredItem, ...]
    missing: tuple[str, ...]


def _same_value(a: Any, b: Any) -> bool:
    return isinstance(a, bool) == isinstance(b, bool) and a == b


@dataclass(frozen=True)
class PointsTable:
    """A B1 points table (Phiếu B) for one standard and area; regions None: every region."""

    standard_id: str
    area: str
    regions: tuple[str, ...] | None
    name: str
    items: tuple[PointsItem, ...]
    provenance: Provenance
    file: str

    def applies_to(self, standard_id: str, area: str, region: str | None = None) -> bool:
        return (
            self.standard_id == standard_id
            and self.area == area
            and (self.regions is None or region in self.regions)
        )

    def score(self, answers: Mapping[str, Any], household_code: str | None = None) -> B1Score:
        """B1 = the sum of the points of the chosen options (RecordError for a stray answer)."""
        by_id = {item.id: item for item in self.items}
        for item_id in answers:
            if item_id not in by_id:
                # as documents write it: the comparison of standards quotes the reason
                raise RecordError(
                    as_written(
                        "bảng điểm '{table}' không có mục '{item}'", table=self.name, item=item_id
                    ),
                    path=f"income.b1_answers.{item_id}",
                    household_code=household_code,
                )
        scored = []
        for item in self.items:
            if item.id not in answers:
                scored.append(ScoredItem(item.id, item.name, None, None))
                continue
            answer = answers[item.id]
            option = next((o for o in item.options if _same_value(o.value, answer)), None)
            if option is None:
                allowed = ", ".join(f"{_shown(o.value)} ({o.label})" for o in item.options)
                raise RecordError(  # as documents write it, as above
                    as_written(
                        "{answer} không thuộc các lựa chọn của mục '{item}': {allowed}",
                        answer=_shown(answer),
                        item=item.name,
                        allowed=allowed,
                    ),
                    path=f"income.b1_answers.{item.id}",
                    household_code=household_code,
                )
            scored.append(ScoredItem(item.id, item.name, option.label, option.points))
        missing = tuple(item.name for item in scored if item.points is None)
        points = (Decimal(str(item.points)) for item in scored if item.points is not None)
        return B1Score(None if missing else sum(points, Decimal()), tuple(scored), missing)


def _points_item(reader: _Reader, value: Any, path: str) -> PointsItem:
    obj = reader.object(value, path, ("id", "name", "options"))
    options: list[PointsOption] = []
    for index, item in enumerate(reader.items(obj, "options", path, tr_noop("các lựa chọn"))):
        at = _join(_join(path, "options"), index)
        option = reader.object(item, at, ("value", "label", "points"))
        choice = reader.get(option, "value", at, str, float, bool)
        if any(_same_value(known.value, choice) for known in options):
            reader.fail(_join(at, "value"), tr("lựa chọn {value} lặp lại", value=_shown(choice)))
        points = reader.get(option, "points", at, float)
        options.append(PointsOption(choice, reader.text(option, "label", at), points))
    return PointsItem(
        reader.identifier(obj, "id", path), reader.text(obj, "name", path), tuple(options)
    )


def _points_table(doc: Any, file: str) -> PointsTable:
    reader = _Reader(file)
    keys = ("format_version", "standard", "area", "name", "items", *_PROVENANCE_KEYS)
    obj = reader.object(doc, "", keys, ("regions",))
    _check_format_version(reader, obj)
    area = reader.get(obj, "area", "", str)
    if area not in AREAS:
        reader.fail(
            "area", tr("'{value}' không phải {allowed}", value=area, allowed=", ".join(AREAS))
        )
    regions = None
    if "regions" in obj:
        regions = tuple(reader.items(obj, "regions", "", tr_noop("các vùng")))
        for region in regions:
            if region not in REGIONS:
                known = ", ".join(REGIONS)
                reader.fail(
                    "regions",
                    tr(
                        "vùng không biết {region} (có: {known})", region=_shown(region), known=known
                    ),
                )
    items = tuple(
        _points_item(reader, item, f"items[{index}]")
        for index, item in enumerate(reader.items(obj, "items", "", tr_noop("các mục")))
    )
    ids = [item.id for item in items]
    for index, item_id in enumerate(ids):
        if item_id in ids[:index]:
            reader.fail(f"items[{index}]", tr("mục '{item}' khai báo hai lần", item=item_id))
    return PointsTable(
        standard_id=reader.identifier(obj, "standard", ""),
        area=area,
        regions=regions,
        name=reader.text(obj, "name", ""),
        items=items,
        provenance=reader.provenance(obj, ""),
        file=file,
    )


def load_points_table(path: str | Path) -> PointsTable:
    """A B1 points table from a file (format: forms/standards/points/README.md)."""
    return _points_table(_read_json(Path(path), str(path)), str(path))


def find_points_table(standard_id: str, area: str, region: str) -> PointsTable | None:
    """The points table installed under forms/standards/points/ for a standard, area, region."""
    if region not in REGIONS:
        raise ValueError(
            tr("Vùng không biết '{region}' (có: {known})", region=region, known=", ".join(REGIONS))
        )
    tables = []
    for entry in form_file("standards", "points").iterdir():
        if entry.is_file() and entry.name.endswith(".json"):
            file = f"forms/standards/points/{entry.name}"
            tables.append(_points_table(_read_json(entry, file), file))
    matches = [table for table in tables if table.applies_to(standard_id, area, region)]
    if len(matches) > 1:
        files = ", ".join(sorted(table.file for table in matches))
        raise StandardError(
            files,
            "",
            tr(
                "nhiều bảng điểm cùng áp dụng cho {standard}, {area}, {region}",
                standard=standard_id,
                area=area,
                region=region,
            ),
        )
    return matches[0] if matches else None
