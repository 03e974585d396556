"""Mappings chosen by hand: ``--map "Thôn/Tổ=village"`` on the command line, and mapping files
the wizard and the command line save and read back.

A mapping file (JSON) lists the columns by letter with their heading and field:
``{"kind": "gnapp-import-mapping", "version": 1, "columns": [{"column": "C", "heading":
"Thôn/Tổ", "field": "household.village"}, ...]}``. Reading it finds each column by its heading
first (the columns may have moved), then by its letter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from gnapp.core import input_files
from gnapp.i18n import tr
from gnapp.importers.headers import IGNORE, Column, Header, heading_key, import_fields
from gnapp.importers.reading import ImportFileError

MAPPING_KIND = "gnapp-import-mapping"
MAPPING_VERSION = 1
_LETTERS = re.compile(r"[A-Za-z]{1,3}")


def field_named(name: str) -> str:
    """The field a person names: its id ("household.village"), the id's last part ("village")
    or its label as the wizard shows it ("Thôn / tổ dân phố"); "bỏ qua" / "ignore" ignores."""
    key = heading_key(name)
    if key in ("bo qua", IGNORE):
        return IGNORE
    for item in import_fields():
        labels = (heading_key(item.label), heading_key(tr(item.label)))
        if name.strip() in (item.id, item.id.rpartition(".")[2]) or key in labels:
            return item.id
    names = ", ".join(item.id.rpartition(".")[2] for item in import_fields() if item.id != IGNORE)
    raise ImportFileError(
        tr("Không có trường dữ liệu “{name}”. Các trường: {names}.", name=name.strip(), names=names)
    )


def find_column(header: Header, written: str) -> Column:
    """The column a person names: by its heading (the whole or its lowest row), else by its
    letter."""
    key = heading_key(written)
    for column in header.columns:
        if column.parts and key in (heading_key(column.text), heading_key(column.parts[-1])):
            return column
    if _LETTERS.fullmatch(written.strip()):
        letter = written.strip().upper()
        for column in header.columns:
            if column.letter == letter:
                return column
    headings = "; ".join(f"{c.letter}: {c.text}" for c in header.columns if c.parts)
    raise ImportFileError(
        tr(
            "Không có cột “{written}” trong dòng tiêu đề. Các cột: {headings}.",
            written=written.strip(),
            headings=headings,
        )
    )


def with_choices(
    header: Header, mapping: Mapping[int, str], choices: Iterable[str]
) -> dict[int, str]:
    """``mapping`` with the columns chosen by hand ("HEADING=field" or "C=field") set; a
    field chosen by hand leaves the column it was suggested for."""
    result = dict(mapping)
    for choice in choices:
        written, equals, name = choice.rpartition("=")
        if not equals or not written.strip() or not name.strip():
            raise ImportFileError(
                tr(
                    "Cách ghép “{choice}” không đúng mẫu TIÊU_ĐỀ=trường hoặc CỘT=trường "
                    "(ví dụ “Thôn/Tổ=village” hoặc “C=village”).",
                    choice=choice,
                )
            )
        column, field_id = find_column(header, written), field_named(name)
        if field_id != IGNORE:
            result = {c: f for c, f in result.items() if f != field_id}
        result[column.index] = field_id
    return result


def mapping_document(header: Header, mapping: Mapping[int, str]) -> dict[str, Any]:
    """The mapping as a file holds it."""
    return {
        "kind": MAPPING_KIND,
        "version": MAPPING_VERSION,
        "columns": [
            {"column": column.letter, "heading": column.text, "field": mapping[column.index]}
            for column in header.columns
            if column.index in mapping
        ],
    }


def write_mapping_file(path: Path, header: Header, mapping: Mapping[int, str]) -> None:
    text = json.dumps(mapping_document(header, mapping), ensure_ascii=False, indent=2)
    try:
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise ImportFileError(
            tr("Không ghi được tệp cách ghép cột {name}: {error}", name=path.name, error=error)
        ) from error


def read_mapping_file(path: Path, header: Header) -> dict[int, str]:
    """The mapping a file saved, applied to this file's columns."""
    try:
        document = input_files.read_json(path)
    except OSError as error:
        raise ImportFileError(
            tr(
                "Không đọc được tệp cách ghép cột {name}: {error}.",
                name=path.name,
                error=error.strerror or error,
            )
        ) from error
    except (UnicodeDecodeError, ValueError) as error:
        raise ImportFileError(
            tr(
                "Không đọc được tệp cách ghép cột {name}: không phải tệp JSON đọc được ({error}).",
                name=path.name,
                error=error,
            )
        ) from error
    columns = document.get("columns") if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or document.get("kind") != MAPPING_KIND
        or not isinstance(columns, list)
        or not all(isinstance(c, dict) and isinstance(c.get("field"), str) for c in columns)
    ):
        raise ImportFileError(
            tr(
                "Tệp {name} không phải tệp cách ghép cột của GNApp (lưu từ trình nhập hoặc "
                "bằng “gnapp import file … --save-mapping”).",
                name=path.name,
            )
        )
    mapping: dict[int, str] = {}
    for entry in columns:
        field_id = field_named(entry["field"])
        column = _saved_column(header, entry, path)
        mapping[column.index] = field_id
    return mapping


def _saved_column(header: Header, entry: Mapping[str, Any], path: Path) -> Column:
    heading = entry.get("heading")
    if isinstance(heading, str) and heading.strip():
        key = heading_key(heading)
        for column in header.columns:
            if column.parts and heading_key(column.text) == key:
                return column
    letter = entry.get("column")
    if isinstance(letter, str):
        for column in header.columns:
            if column.letter == letter.strip().upper() and column.parts:
                return column
    raise ImportFileError(
        tr(
            "Tệp cách ghép cột {name}: không tìm thấy cột “{column}” trong tệp cần nhập.",
            name=path.name,
            column=heading or letter,
        )
    )
