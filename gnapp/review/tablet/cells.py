"""Reading a tablet export's cells into the record's values (CellError when one cannot be
read); dates of birth, sex, relations and citizen IDs as the register import reads them."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gnapp.core.record import VALUE_LABELS
from gnapp.core.vietnamese import fold, parse_number
from gnapp.i18n import tr
from gnapp.importers import parsing
from gnapp.importers.headers import heading_key
from gnapp.importers.parsing import CellError
from gnapp.review.tablet.fields import Field, field_by_id

_MACHINE_NUMBER = re.compile(r"-?\d+(\.\d+)?")

# Answers of yes/no questions as tablets export them (values or labels), folded.
_TRUE = frozenset({"1", "yes", "y", "true", "co", "x", "dung", "phai"})
_FALSE = frozenset({"0", "no", "n", "false", "khong", "sai"})


@functools.cache
def _choice_words(field_id: str) -> dict[str, str]:
    """Folded code or Vietnamese label -> code, for a choice field."""
    item = field_by_id(field_id)
    words = {heading_key(code): code for code in item.choices}
    label_key = field_id if field_id in VALUE_LABELS else f"household.{item.name}"
    for code, label in VALUE_LABELS.get(label_key, {}).items():
        words.setdefault(heading_key(label), code)
    return words


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    written = parsing.text(value)
    key = heading_key(written or "")
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(
        tr(
            "“{written}” không phải câu trả lời có/không (ghi 1/0, có/không, yes/no)",
            written=written,
        )
    )


def _number(value: Any, item: Field) -> int | float:
    if isinstance(value, bool):
        raise CellError(tr("“{written}” không phải số", written=value))
    if isinstance(value, int | float):
        number: Decimal | float = value
    else:
        written = str(value).strip().replace(" ", "")
        try:
            number = (
                Decimal(written) if _MACHINE_NUMBER.fullmatch(written) else parse_number(written)
            )
        except ValueError:
            raise CellError(tr("“{written}” không phải số", written=written)) from None
    if item.kind == "integer":
        if number != int(number):
            raise CellError(tr("“{written}” không phải số nguyên", written=parsing.shown(value)))
        return int(number)
    return int(number) if number == int(number) else float(number)


def _allowed(item: Field) -> str:
    """The choices of a field with their words: "piped (nước máy), ..." (in the user's
    language)."""
    labels = VALUE_LABELS.get(item.id) or VALUE_LABELS.get(f"household.{item.name}", {})
    return ", ".join(
        f"{code} ({tr(labels[code])})" if code in labels else code for code in item.choices
    )


def _choice(value: Any, item: Field) -> str:
    written = parsing.text(value) or ""
    found = _choice_words(item.id).get(heading_key(written))
    if found is None:
        raise CellError(
            tr(
                "“{written}” không thuộc các lựa chọn: {choices}",
                written=written,
                choices=_allowed(item),
            )
        )
    return found


def _choices(value: Any, item: Field) -> list[str]:
    written = parsing.text(value) or ""
    words = _choice_words(item.id)
    spaced = written.split()
    if spaced and all(heading_key(word) in words for word in spaced):
        pieces = spaced
    else:
        pieces = [piece for piece in re.split(r"[,;\n]", written) if piece.strip()]
    found: list[str] = []
    for piece in pieces:
        code = words.get(heading_key(piece))
        if code is None:
            raise CellError(
                tr(
                    "“{written}” không thuộc các lựa chọn ({choices})",
                    written=piece.strip(),
                    choices=", ".join(item.choices),
                )
            )
        if code not in found:
            found.append(code)
    return found


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    written = parsing.text(value) or ""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", written) or None
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        day = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", written)
        if day:
            return date(int(day[3]), int(day[2]), int(day[1])).isoformat()
    except ValueError:
        pass
    raise CellError(
        tr("Ngày “{written}” không đọc được (ghi ngày/tháng/năm hoặc YYYY-MM-DD)", written=written)
    )


@dataclass
class CellValue:
    value: Any
    warnings: list[str] = field(default_factory=list)


def read_cell(
    value: Any, item: Field, values: Mapping[str, Any] | None, today: date
) -> CellValue | None:
    """The record's value for a cell (None for an empty cell); CellError when it cannot be read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if values:
        key = fold(parsing.text(value) or "")
        if key in values:
            value = values[key]
            if value is None:
                return None
    kind = item.kind
    if kind == "text":
        return CellValue(parsing.text(value))
    if kind == "boolean":
        return CellValue(boolean(value))
    if kind in ("number", "integer"):
        return CellValue(_number(value, item))
    if kind == "choice":
        return CellValue(_choice(value, item))
    if kind == "choices":
        return CellValue(_choices(value, item))
    if kind == "date":
        return CellValue(_date(value))
    if kind == "birth_date":
        parsed = parsing.birth_date(value, today)
        return CellValue(parsed.value, parsed.warnings)
    if kind == "sex":
        if parsing.text(value) in item.choices:
            return CellValue(parsing.text(value))
        return CellValue(parsing.sex(value))
    if kind == "relation":
        written = parsing.text(value)
        if written in item.choices:
            return CellValue(written)
        by_label = _choice_words(item.id).get(heading_key(written or ""))
        if by_label is not None:
            return CellValue(by_label)
        parsed = parsing.relation(value)
        return CellValue(parsed.value, parsed.warnings)
    if kind == "citizen_id":
        parsed = parsing.citizen_id(value, None, None)
        return CellValue(parsed.value, parsed.warnings)
    raise AssertionError(kind)
