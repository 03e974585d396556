"""The household record (forms/household-record.schema.json): validation, loading, ages, labels.

A record is a plain dict shaped by the schema, which is the single source of truth for field
names; this module adds what a schema cannot say (real dates, one head, no birth after the
reference date) and says every problem in the interface's language (in Vietnamese where a
document quotes it: ``gnapp.i18n.written``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gnapp.core import input_files
from gnapp.core.vietnamese import format_date, format_decimal
from gnapp.data import read_form_json
from gnapp.i18n import Refusal, Sentence, Translate, tr, tr_noop

if TYPE_CHECKING:  # jsonschema loads when a record is validated, not with every command
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

# Vietnamese words for every enum value of the schema, keyed like rule fields (documents use
# them as they are; the GUI shows them through tr()).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "household.area": {"rural": tr_noop("nông thôn"), "urban": tr_noop("thành thị / đô thị")},
    "household.water_source": {
        "piped": tr_noop("nước máy"),
        "drilled_well": tr_noop("giếng khoan"),
        "protected_dug_well": tr_noop("giếng đào được bảo vệ"),
        "protected_spring": tr_noop("nước khe, mó được bảo vệ"),
        "rainwater": tr_noop("nước mưa"),
        "bottled": tr_noop("nước đóng bình, đóng chai"),
        "unprotected_dug_well": tr_noop("giếng đào không được bảo vệ"),
        "unprotected_spring": tr_noop("nước khe, mó không được bảo vệ"),
        "surface_water": tr_noop("nước mặt (sông, suối, ao, hồ)"),
        "water_vendor": tr_noop("nước mua của người bán, xe chở"),
        "other": tr_noop("nguồn khác"),
    },
    "household.latrine": {
        "septic": tr_noop("tự hoại"),
        "semi_septic": tr_noop("bán tự hoại"),
        "pour_flush": tr_noop("dội nước"),
        "double_vault": tr_noop("hai ngăn"),
        "ventilated_pit": tr_noop("chìm có ống thông hơi"),
        "biogas": tr_noop("biogas (hầm khí sinh học)"),
        "simple_pit": tr_noop("hố xí đơn giản"),
        "over_water": tr_noop("cầu tiêu trên ao, sông"),
        "none": tr_noop("không có nhà tiêu"),
        "other": tr_noop("loại khác"),
    },
    "household.information_devices": {
        "tv": tr_noop("ti vi"),
        "radio": tr_noop("đài (radio)"),
        "computer": tr_noop("máy tính"),
        "smartphone": tr_noop("điện thoại thông minh"),
        "phone": tr_noop("điện thoại thường"),
        "other": tr_noop("phương tiện khác"),
    },
    "household.causes_of_poverty": {
        "lack_of_land": tr_noop("thiếu đất sản xuất"),
        "lack_of_capital": tr_noop("thiếu vốn"),
        "lack_of_labour": tr_noop("thiếu lao động"),
        "lack_of_tools": tr_noop("thiếu công cụ sản xuất"),
        "lack_of_knowledge": tr_noop("thiếu kiến thức sản xuất"),
        "lack_of_skills": tr_noop("thiếu kỹ năng lao động"),
        "illness_or_accident": tr_noop("ốm đau, tai nạn"),
        "other": tr_noop("khác"),
    },
    "household.support_needs": {
        "health": tr_noop("y tế"),
        "education": tr_noop("giáo dục"),
        "production": tr_noop("sản xuất"),
        "credit": tr_noop("tín dụng"),
        "housing": tr_noop("nhà ở"),
        "other": tr_noop("khác"),
    },
    "member.sex": {"male": tr_noop("nam"), "female": tr_noop("nữ")},
    "member.relation": {
        "head": tr_noop("chủ hộ"),
        "spouse": tr_noop("vợ, chồng"),
        "child": tr_noop("con"),
        "child_in_law": tr_noop("con dâu, con rể"),
        "grandchild": tr_noop("cháu"),
        "parent": tr_noop("bố, mẹ"),
        "parent_in_law": tr_noop("bố, mẹ vợ hoặc chồng"),
        "grandparent": tr_noop("ông, bà"),
        "sibling": tr_noop("anh, chị, em"),
        "other_relative": tr_noop("họ hàng khác"),
        "other": tr_noop("khác"),
    },
    "member.schooling": {
        "attending": tr_noop("đang đi học đúng cấp"),
        "attending_behind": tr_noop("đang đi học không đúng cấp"),
        "not_attending": tr_noop("không đi học"),
    },
    "member.education": {
        "none": tr_noop("chưa tốt nghiệp cấp học nào"),
        "primary": tr_noop("tiểu học"),
        "lower_secondary": tr_noop("trung học cơ sở"),
        "upper_secondary": tr_noop("trung học phổ thông"),
        "university": tr_noop("đại học trở lên"),
    },
    "member.vocational_certificate": {
        "none": tr_noop("không có"),
        "employer_certified": tr_noop("đào tạo có xác nhận của người sử dụng lao động"),
        "elementary": tr_noop("sơ cấp"),
        "intermediate": tr_noop("trung cấp"),
        "college": tr_noop("cao đẳng"),
    },
    "member.employment": {
        "stable": tr_noop("có việc làm ổn định"),
        "wage_without_contract": tr_noop("làm công không có hợp đồng lao động"),
        "unstable": tr_noop("việc làm không ổn định"),
        "unemployed": tr_noop("thất nghiệp"),
        "not_in_labour_force": tr_noop("ngoài lực lượng lao động"),
    },
}

_TYPE_NAMES = {
    "string": tr_noop("chuỗi ký tự"),
    "number": tr_noop("số"),
    "integer": tr_noop("số nguyên"),
    "boolean": tr_noop("đúng/sai (true/false)"),
    "object": tr_noop("đối tượng {…}"),
    "array": tr_noop("danh sách […]"),
    "null": tr_noop("null (để trống)"),
}

_BIRTH_DATE_FORMAT = tr_noop("YYYY-MM-DD hoặc YYYY")

# What the schema's patterns mean, for people who do not read regular expressions.
_PATTERN_HINTS = {
    "^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$": _BIRTH_DATE_FORMAT,
    "^[0-9]{12}$": tr_noop("đúng 12 chữ số"),
}


def _joined(items: Sequence[object], separator: str = ", ") -> Sentence:
    """``items`` (values or Sentences) one after the other, each in the sentence's language."""
    names = [f"item{index}" for index in range(len(items))]
    text = separator.join("{" + name + "}" for name in names)
    return Sentence(text, **dict(zip(names, items, strict=True)))


def _either(texts: Sequence[str]) -> Sentence:
    """Catalogue texts as alternatives: "chuỗi ký tự hoặc null (để trống)"."""
    said = Sentence(texts[-1])
    for text in reversed(texts[:-1]):
        said = Sentence(tr_noop("{first} hoặc {second}"), first=Sentence(text), second=said)
    return said


class RecordError(Refusal, ValueError):
    """A household record that does not follow the format, shown in the interface's language
    (``str()``, ``reason``) and in Vietnamese where a document quotes it (``written()``).

    ``path`` locates the field inside the record ("members[2].birth_date"), ``location`` the
    record inside a file ("Tệp ho.json, dòng 3").
    """

    def __init__(
        self,
        reason: str | Sentence,
        *,
        path: str = "",
        household_code: str | None = None,
        location: str = "",
    ) -> None:
        self.why = reason if isinstance(reason, Sentence) else Sentence("{text}", text=reason)
        self.path = path
        self.household_code = household_code
        self.location = location
        parts: list[object] = [location] if location else []
        if path:
            code = household_code or Sentence(tr_noop("(chưa có mã hộ)"))
            parts.append(Sentence(tr_noop("Hộ {code}, trường {path}"), code=code, path=path))
        message = Sentence("{where}: {why}", where=_joined(parts), why=self.why)
        super().__init__(message if parts else self.why)

    @property
    def reason(self) -> str:
        """The problem without its place, in the interface's language."""
        return str(self.why)


@functools.cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = read_form_json("household-record.schema.json")
    return schema


@functools.cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = _schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@functools.cache
def _conforms_check() -> Callable[[Any], Any]:
    import fastjsonschema

    return fastjsonschema.compile(_schema())


def _conforms(data: Any) -> bool:
    """Whether ``data`` has the schema's shape, by the schema compiled to Python
    (fastjsonschema): 0.03 ms a household against jsonschema's 0.5 ms, which only says what is
    wrong once this finds something (any doubt of this check falls back to it)."""
    try:
        _conforms_check()(data)
    except (ValueError, TypeError, RecursionError):  # its refusals are ValueErrors too
        return False
    return True


def household_field_names() -> tuple[str, ...]:
    """The household-level fields, in schema order."""
    return tuple(_schema()["properties"])


def member_field_names() -> tuple[str, ...]:
    """The fields of one member, in schema order."""
    return tuple(_schema()["$defs"]["member"]["properties"])


def most_members() -> int:
    """The most members a household may have (the record format's ``maxItems``): more is a
    list that joined several households, or a mistake."""
    return int(_schema()["properties"]["members"]["maxItems"])


def field_schema(field: str) -> dict[str, Any]:
    """The schema of "household.<name>" or "member.<name>"; KeyError when there is none."""
    scope, _, name = field.partition(".")
    if scope == "household":
        properties: dict[str, dict[str, Any]] = _schema()["properties"]
    elif scope == "member":
        properties = _schema()["$defs"]["member"]["properties"]
    else:
        raise KeyError(field)
    return properties[name]


def field_label(field: str) -> str:
    """The Vietnamese label of a field: its schema description up to the first colon.

    "member.has_health_insurance" -> "Có thẻ bảo hiểm y tế", "member.employment" -> "Việc làm".
    """
    description: str = field_schema(field).get("description", field)
    return description.split(":")[0]


def value_label(field: str, value: Any) -> str:
    """The Vietnamese word for an enum value; other values are shown as they are."""
    return VALUE_LABELS.get(field, {}).get(value, str(value))


def parse_birth_date(text: str) -> date:
    """A birth date "YYYY-MM-DD" or "YYYY"; a year alone counts as born on 1 January."""
    if len(text) == 4 and text.isdecimal():
        return date(int(text), 1, 1)
    return date.fromisoformat(text)


def age_in_months(birth_date: str, reference: date) -> int:
    """Completed months of age at the reference date.

    A month is completed on the same day of the month as the birth, or on the 1st of the
    next month when that month has no such day (born 31 January: one month on 1 March).
    """
    born = parse_birth_date(birth_date)
    months = (reference.year - born.year) * 12 + reference.month - born.month
    return months - (reference.day < born.day)


def age_at(birth_date: str, reference: date) -> int:
    """Completed years of age at the reference date (year-only birth dates: born 1 January).

    The birthday itself counts: a person born 2020-10-01 is 6 on 2026-10-01. Someone born on
    29 February turns a year older on 1 March in common years.
    """
    return age_in_months(birth_date, reference) // 12


def _shown(value: Any) -> str:
    text = f"'{value}'" if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _path_text(parts: Sequence[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _field_key(parts: Sequence[str | int]) -> str:
    names = [part for part in parts if isinstance(part, str)]
    if names[:1] == ["members"] and len(names) > 1:
        return f"member.{names[1]}"
    return f"household.{names[0]}" if names else ""


class _ValueWithLabel(Sentence):
    """An allowed value with its word: "male (Nam)", but only "male" where the language's word
    is the value itself."""

    def in_language(self, translate: Translate) -> str:
        value, label = self.values["value"], translate(self.values["label"])
        if label.casefold() == str(value).replace("_", " ").casefold():
            return str(value)
        return translate(self.text, value=value, label=label)


def _allowed_values(parts: Sequence[str | int], values: Sequence[Any]) -> Sentence:
    key = _field_key(parts)
    shown: list[object] = []
    for value in values:
        if value is None:
            shown.append("null")
        elif value in VALUE_LABELS.get(key, {}):
            label = value_label(key, value)
            shown.append(_ValueWithLabel(tr_noop("{value} ({label})"), value=value, label=label))
        else:
            shown.append(str(value))
    return _joined(shown)


def _schema_problems(error: ValidationError) -> Iterator[tuple[list[str | int], Sentence]]:
    """(path, reason) for one jsonschema error."""
    path = list(error.absolute_path)
    # Any: a validator's error has them all (they are "unset" only on a hand-made error)
    kind: Any = error.validator
    expected: Any = error.validator_value
    value: Any = error.instance
    schema: Any = error.schema
    if kind == "required":
        for name in expected:
            if name not in value:
                yield [*path, name], Sentence(tr_noop("thiếu trường bắt buộc"))
    elif kind == "additionalProperties":
        known = schema.get("properties", {})
        for name in value:
            if name not in known:
                yield [*path, name], Sentence(tr_noop("trường không có trong mẫu bản ghi hộ"))
    elif kind == "type":
        types = [expected] if isinstance(expected, str) else expected
        wanted = _either([_TYPE_NAMES[name] for name in types])
        said = tr_noop("{value} không đúng kiểu: cần {wanted}")
        yield path, Sentence(said, value=_shown(value), wanted=wanted)
    elif kind == "enum":
        allowed = _allowed_values(path, expected)
        said = tr_noop("{value} không thuộc các giá trị cho phép: {allowed}")
        yield path, Sentence(said, value=_shown(value), allowed=allowed)
    elif kind == "pattern":
        hint = Sentence(_PATTERN_HINTS[expected]) if expected in _PATTERN_HINTS else expected
        said = tr_noop("{value} không đúng định dạng ({hint})")
        yield path, Sentence(said, value=_shown(value), hint=hint)
    elif kind == "minimum":
        said = tr_noop("{value} nhỏ hơn mức nhỏ nhất cho phép ({minimum})")
        yield path, Sentence(said, value=_shown(value), minimum=format_decimal(expected))
    elif kind == "maximum":
        said = tr_noop("{value} lớn hơn mức lớn nhất cho phép ({maximum})")
        yield path, Sentence(said, value=_shown(value), maximum=format_decimal(expected))
    elif kind == "minItems":
        yield path, Sentence(tr_noop("danh sách cần ít nhất {count} phần tử"), count=expected)
    elif kind == "maxItems":
        yield path, Sentence(tr_noop("danh sách có quá {count} phần tử"), count=expected)
    elif kind == "minLength":
        yield path, Sentence(tr_noop("không được để trống"))
    elif kind == "maxLength":
        yield path, Sentence(tr_noop("dài quá {count} ký tự"), count=expected)
    elif kind == "uniqueItems":
        yield path, Sentence(tr_noop("danh sách có giá trị lặp lại"))
    else:
        said = tr_noop("giá trị {value} không hợp lệ ({error})")
        yield path, Sentence(said, value=_shown(value), error=error.message)


def _content_problems(
    data: Mapping[str, Any], reference_date: date | None
) -> Iterator[tuple[list[str | int], Sentence]]:
    """What the schema cannot say: real dates, one head, nobody born after the reference date."""
    members = data["members"]
    for index, member in enumerate(members):
        text = member["birth_date"]
        try:
            born = parse_birth_date(text)
        except ValueError:
            said = tr_noop("{value} không phải ngày hợp lệ ({format})")
            form = Sentence(_BIRTH_DATE_FORMAT)
            yield ["members", index, "birth_date"], Sentence(said, value=_shown(text), format=form)
            continue
        if reference_date is not None and born > reference_date:
            said = tr_noop("{value} sau ngày tham chiếu {date}")
            yield (
                ["members", index, "birth_date"],
                Sentence(said, value=_shown(text), date=format_date(reference_date)),
            )
    heads = [index for index, member in enumerate(members) if member["relation"] == "head"]
    if not heads:
        said = tr_noop("không có thành viên nào là chủ hộ (relation: head)")
        yield ["members"], Sentence(said)
    elif len(heads) > 1:
        where = ", ".join(f"members[{index}]" for index in heads)
        said = tr_noop("có {count} chủ hộ ({where}): mỗi hộ có đúng một chủ hộ")
        yield ["members"], Sentence(said, count=len(heads), where=where)


def record_problems(data: Any, reference_date: date | None = None) -> list[RecordError]:
    """Every problem of a record, most relevant first; empty when the record is valid."""
    from jsonschema.exceptions import relevance

    code = data.get("household_code") if isinstance(data, dict) else None
    code = code if isinstance(code, str) else None
    errors = [] if _conforms(data) else _validator().iter_errors(data)
    errors = sorted(errors, key=relevance, reverse=True)
    found = [pair for error in errors for pair in _schema_problems(error)]
    if not found:
        found = list(_content_problems(data, reference_date))
    return [
        RecordError(reason, path=_path_text(path), household_code=code) for path, reason in found
    ]


def validate_record(data: Any, reference_date: date | None = None) -> None:
    """Raise RecordError for the first problem of a record (see record_problems)."""
    problems = record_problems(data, reference_date)
    if problems:
        raise problems[0]


def validate_stored_record(data: Mapping[str, Any], reference_date: date | None = None) -> None:
    """Raise RecordError for what the schema cannot say (real dates, one head, nobody born
    after the reference date) in a record built from the commune's database, whose shape was
    checked when it was written."""
    code = data.get("household_code")
    for path, reason in _content_problems(data, reference_date):
        raise RecordError(reason, path=_path_text(path), household_code=code)


def _relocated(error: RecordError, location: str) -> RecordError:
    return RecordError(
        error.why, path=error.path, household_code=error.household_code, location=location
    )


def _parse_json_lines(text: str, name: str) -> list[tuple[str, Any]]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(
                (
                    tr("Tệp {name}, dòng {line}", name=name, line=number),
                    input_files.loads_json(line),
                )
            )
        except json.JSONDecodeError as error:
            raise RecordError(
                tr(
                    "không phải JSON hợp lệ ({error}, cột {column})",
                    error=error.msg,
                    column=error.colno,
                ),
                location=tr("Tệp {name}, dòng {line}", name=name, line=number),
            ) from None
    return entries


def load_records(path: str | Path, reference_date: date | None = None) -> list[dict[str, Any]]:
    """Household records from a JSON file: one object, an array of objects, or JSON Lines.

    Each record is validated; an error names the file and the record (its number, from 1,
    in an array; its line in JSON Lines).
    """
    name = str(path)
    try:
        text = input_files.read_text(path, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError(
            tr("không đọc được theo mã UTF-8"), location=tr("Tệp {name}", name=name)
        ) from None
    try:
        document = input_files.loads_json(text)
    except json.JSONDecodeError as error:
        if not error.msg.startswith("Extra data"):
            raise RecordError(
                tr(
                    "không phải JSON hợp lệ ({error}, dòng {line}, cột {column})",
                    error=error.msg,
                    line=error.lineno,
                    column=error.colno,
                ),
                location=tr("Tệp {name}", name=name),
            ) from None
        entries = _parse_json_lines(text, name)
    else:
        if isinstance(document, list):
            entries = [
                (tr("Tệp {name}, bản ghi thứ {number}", name=name, number=number), item)
                for number, item in enumerate(document, start=1)
            ]
        else:
            entries = [(tr("Tệp {name}", name=name), document)]
    records = []
    for location, item in entries:
        if not isinstance(item, dict):
            raise RecordError(
                tr("không phải một bản ghi hộ (đối tượng JSON {braces})", braces="{…}"),
                location=location,
            )
        try:
            validate_record(item, reference_date)
        except RecordError as error:
            raise _relocated(error, location) from None
        records.append(item)
    return records
