"""Reading the cells of a household list: dates, sex, relations, citizen IDs, statuses.

Each parser returns the value in the register's form, or raises ``CellError`` with the
reason in the user's language (``tr``); ``Parsed.warnings`` carries what was repaired or left out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from gnapp.core.vietnamese import citizen_id_problems, fold, format_date, parse_number
from gnapp.data import read_form_json
from gnapp.i18n import current_language, tr
from gnapp.importers.headers import heading_key

_EXCEL_EPOCH = date(1899, 12, 30)
_FIRST_YEAR = 1900
_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{4})")


class CellError(ValueError):
    """A cell whose value cannot be used (the row is rejected)."""


@dataclass
class Parsed:
    value: Any
    warnings: list[str] = field(default_factory=list)


@functools.cache
def _values() -> dict[str, Any]:
    return read_form_json("import", "values.json")


@functools.cache
def _words(section: str) -> dict[str, str]:
    """Folded word -> code, for a section of values.json shaped {code: [words]}."""
    return {
        heading_key(word): code
        for code, words in _values()[section].items()
        if isinstance(words, list)
        for word in words
    }


def text(value: Any) -> str | None:
    """A cell as text: None when empty; whole numbers without ".0"."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    shown = str(value).strip()
    return shown or None


def shown(value: Any) -> str:
    """A cell as the clerk saw it, for messages."""
    if isinstance(value, datetime | date):
        return format_date(value)
    return text(value) or ""


def _full_year(two_digits: int, today: date) -> int:
    year = 2000 + two_digits
    return year if year <= today.year else year - 100


def birth_date(value: Any, today: date) -> Parsed:
    """ "YYYY-MM-DD" or "YYYY" from a date cell, an Excel serial, "dd/mm/yyyy", "d/m/yy",
    "yyyy-mm-dd" or a year alone."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError(tr("Thiếu ngày sinh"))
    warnings: list[str] = []
    result: str
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        result = day.isoformat()
    elif isinstance(value, bool):
        raise CellError(tr("Ngày sinh “{value}” không đọc được", value=value))
    elif isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdecimal()):
        number = float(value)
        if number.is_integer() and _FIRST_YEAR <= number <= today.year:
            result = str(int(number))
        elif number.is_integer() and 0 <= number < 100:
            # a year written with two digits ("68"): 19yy, or 20yy when that is not later
            # than this year, as for "d/m/yy"
            result = str(_full_year(int(number), today))
            warnings.append(
                tr(
                    "Năm sinh “{written}” chỉ có 2 chữ số: hiểu là năm {year}",
                    written=shown(value),
                    year=result,
                )
            )
        elif number.is_integer() and today.year < number < 3000:
            raise CellError(tr("Năm sinh {year} ở tương lai", year=int(number)))
        elif number.is_integer() and 3000 <= number < 2_958_466:
            result = (_EXCEL_EPOCH + timedelta(days=int(number))).isoformat()
        else:
            raise CellError(tr("Ngày sinh “{value}” không đọc được", value=shown(value)))
    else:
        cleaned = str(value).strip()
        if match := _DMY.fullmatch(cleaned):
            day_, month, year = (int(part) for part in match.groups())
            if len(match.group(3)) == 2:
                year = _full_year(year, today)
            result = _real_date(year, month, day_, cleaned)
        elif match := _YMD.fullmatch(cleaned):
            year, month, day_ = (int(part) for part in match.groups())
            result = _real_date(year, month, day_, cleaned)
        elif match := _MONTH_YEAR.fullmatch(cleaned):
            result = match.group(2)
            warnings.append(
                tr(
                    "Ngày sinh “{written}” chỉ có tháng và năm: chỉ ghi năm {year}",
                    written=cleaned,
                    year=result,
                )
            )
        else:
            raise CellError(
                tr(
                    "Ngày sinh “{written}” không đọc được (ghi theo dạng ngày/tháng/năm, "
                    "ví dụ 05/03/1980, hoặc chỉ năm sinh)",
                    written=cleaned,
                )
            )
    year = int(result[:4])
    if year < _FIRST_YEAR:
        raise CellError(
            tr("Năm sinh {year} trước năm {first}: kiểm tra lại", year=year, first=_FIRST_YEAR)
        )
    born = date(year, 1, 1) if len(result) == 4 else date.fromisoformat(result)
    if born > today:
        raise CellError(tr("Ngày sinh {value} ở tương lai", value=shown(value)))
    return Parsed(result, warnings)


def _real_date(year: int, month: int, day: int, written: str) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise CellError(tr("Ngày sinh “{written}” không có thật", written=written)) from None


def sex(value: Any) -> str | None:
    """ "male" / "female" from "Nam" / "Nữ" (None when empty); CellError otherwise."""
    written = text(value)
    if written is None:
        return None
    found = _words("sex").get(heading_key(written))
    if found is None:
        raise CellError(tr("Giới tính “{written}” không rõ (ghi Nam hoặc Nữ)", written=written))
    return found


def is_marked(value: Any) -> bool:
    """An "x" (or ✓, 1, "có") in a marker column such as Nam, Nữ, Hộ nghèo."""
    written = text(value)
    if written is None:
        return False
    return fold(written) in {fold(mark) for mark in _values()["marks"]}


def relation(value: Any) -> Parsed:
    """The schema's relation code from "Chủ hộ", "Vợ", "Con trai", ..."""
    written = text(value)
    if written is None:
        raise CellError(tr("Thiếu quan hệ với chủ hộ"))
    words = _words("relations")
    found = words.get(heading_key(written))
    if found is not None:
        return Parsed(found)
    # "Vợ (đã mất)", "Con thứ 2", "Chủ hộ - ốm đau": a relation word with a note after it
    parts = written.split()
    for size in range(len(parts) - 1, 0, -1):
        lead = " ".join(parts[:size]).rstrip(",;:-( ")
        if (found := words.get(heading_key(lead))) is not None:
            return Parsed(
                found,
                [tr("Quan hệ “{written}” được đọc là “{lead}”", written=written, lead=lead)],
            )
    return Parsed("other", [tr("Quan hệ “{written}” không rõ: ghi là “khác”", written=written)])


def sex_of_relation(value: Any) -> str | None:
    """The sex a relation word says ("Vợ" -> female), if it says one."""
    written = text(value)
    return _words("relation_sex").get(heading_key(written)) if written else None


def sex_of_citizen_id(citizen_id: str) -> str:
    return "female" if int(citizen_id[3]) % 2 else "male"


def status(value: Any) -> str | None:
    written = text(value)
    if written is None:
        return None
    found = _words("statuses").get(heading_key(written))
    if found is None:
        raise CellError(
            tr("Phân loại hộ “{written}” không rõ (ghi Nghèo, Cận nghèo, ...)", written=written)
        )
    return found


_COUNT_WITH_UNIT = re.compile(r"([0-9]+) ?(nguoi|khau|nhan khau|nk)\.?")


def count(value: Any) -> int | None:
    """A member count, a bare number or with its unit ("4", "4 người", "4 khẩu")."""
    written = text(value)
    if written is None:
        return None
    with_unit = _COUNT_WITH_UNIT.fullmatch(fold(written))
    try:
        number = int(with_unit.group(1)) if with_unit else parse_number(written)
    except ValueError:
        raise CellError(tr("Số nhân khẩu “{written}” không phải số", written=written)) from None
    if number != int(number) or number < 0:
        raise CellError(tr("Số nhân khẩu “{written}” không phải số nguyên dương", written=written))
    return int(number)


@functools.lru_cache(maxsize=4096)
def _citizen_id_problems(
    start: str, sex: str | None, birth_year: int | None, language: str
) -> list[str]:
    """citizen_id_problems of a 12-digit ASCII ID, which depend only on its first six digits
    (the province, the century and sex, the year), once per (start, sex, year) and per
    ``language``: the messages are in the language the interface had when they were made."""
    return citizen_id_problems(f"{start}000000", sex, birth_year)


_ID_SEPARATORS = re.compile(r"[\s.\-']")


def _repaired_citizen_id(value: Any) -> Parsed:
    """The 12 digits of a citizen ID written otherwise (a number, separators, 11 digits), or
    None, with the warnings."""
    if isinstance(value, float) and value.is_integer():
        written = str(int(value))
    else:
        written = text(value) or ""
    digits = written if written.isdigit() else _ID_SEPARATORS.sub("", written)
    if not digits:
        return Parsed(None)
    if not (digits.isascii() and digits.isdigit()):  # "²" and "１" are digits too
        return Parsed(
            None, [tr("Số CCCD “{written}” có ký tự không phải chữ số: không ghi", written=written)]
        )
    if len(digits) == 9:
        return Parsed(
            None,
            [
                tr(
                    "Số CMND cũ 9 chữ số “{digits}”: không ghi vào ô CCCD, cần bổ sung số CCCD",
                    digits=digits,
                )
            ],
        )
    warnings = []
    if len(digits) == 11:
        warnings.append(
            tr(
                "Số CCCD “{digits}” có 11 chữ số (Excel bỏ mất số 0 đầu): đã sửa thành 0{digits}",
                digits=digits,
            )
        )
        digits = "0" + digits
    if len(digits) != 12:
        return Parsed(
            None,
            [
                tr(
                    "Số CCCD “{digits}” có {count} chữ số (cần 12): không ghi",
                    digits=digits,
                    count=len(digits),
                )
            ],
        )
    return Parsed(digits, warnings)


def citizen_id(value: Any, sex_: str | None, birth_year: int | None) -> Parsed:
    """A 12-digit citizen ID, repaired or left out (None) with a warning, never rejected."""
    if type(value) is str and len(value) == 12 and value.isascii() and value.isdigit():
        digits, warnings = value, []  # written as it should be (most cells): nothing to repair
    else:
        repaired = _repaired_citizen_id(value)
        if repaired.value is None:
            return repaired
        digits, warnings = repaired.value, repaired.warnings
    problems = (
        _citizen_id_problems(digits[:6], sex_, birth_year, current_language())
        if digits.isascii()
        else citizen_id_problems(digits, sex_, birth_year)
    )
    warnings.extend(tr("Số CCCD {digits}: {problem}", digits=digits, problem=p) for p in problems)
    return Parsed(digits, warnings)
