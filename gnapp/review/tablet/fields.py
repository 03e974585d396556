"""The fields a tablet export's column can fill: the household record's
(forms/household-record.schema.json, b1_answers aside) and the questionnaire's own."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gnapp.data import read_form_json

HOUSEHOLD = "household"
MEMBER = "member"
QUESTIONNAIRE = "questionnaire"

# Fields of the questionnaire itself, outside the household record.
QUESTIONNAIRE_FIELDS = {
    "questionnaire.surveyed_on": ("surveyed_on", "Ngày rà soát", ("Ngày điều tra",)),
    "questionnaire.reviewer": ("reviewer", "Rà soát viên", ("Người rà soát", "Điều tra viên")),
}  # fmt: skip


@dataclass(frozen=True)
class Field:
    """One field a column can fill: ``id`` like "household.income.b1_score" or "member.sex"."""

    id: str
    path: tuple[str, ...]  # inside the household record, or inside one member
    level: str  # HOUSEHOLD, MEMBER or QUESTIONNAIRE
    kind: str  # text, boolean, choice(s), number, integer, date, birth_date, citizen_id, ...
    label: str
    choices: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path[-1]


def _kind(name: str, schema: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    if name in ("birth_date", "citizen_id", "sex", "relation"):
        return name, tuple(v for v in schema.get("enum", ()) if v is not None)
    if "enum" in schema:
        return "choice", tuple(v for v in schema["enum"] if v is not None)
    types = schema.get("type", "string")
    types = [types] if isinstance(types, str) else types
    if "array" in types:
        return "choices", tuple(schema["items"]["enum"])
    for kind in ("boolean", "integer", "number"):
        if kind in types:
            return kind, ()
    return "text", ()


def _label(schema: Mapping[str, Any], name: str) -> str:
    """The schema description up to its first colon or format hint ("Ngày sinh YYYY-…")."""
    return re.sub(r"\s+YYYY.*", "", schema.get("description", name).split(":")[0])


@functools.cache
def tablet_fields() -> tuple[Field, ...]:
    """Every field of the record a column can fill (b1_answers aside), then the questionnaire's."""
    schema = read_form_json("household-record.schema.json")
    found: list[Field] = []
    for name, part in schema["properties"].items():
        if name == "members":
            continue
        if part.get("properties"):
            for inner, inner_schema in part["properties"].items():
                if inner == "b1_answers":
                    continue
                kind, choices = _kind(inner, inner_schema)
                found.append(
                    Field(
                        f"household.{name}.{inner}",
                        (name, inner),
                        HOUSEHOLD,
                        kind,
                        _label(inner_schema, inner),
                        choices,
                    )
                )
            continue
        kind, choices = _kind(name, part)
        found.append(
            Field(f"household.{name}", (name,), HOUSEHOLD, kind, _label(part, name), choices)
        )
    for name, part in schema["$defs"]["member"]["properties"].items():
        kind, choices = _kind(name, part)
        found.append(Field(f"member.{name}", (name,), MEMBER, kind, _label(part, name), choices))
    for field_id, (name, label, _) in QUESTIONNAIRE_FIELDS.items():
        kind = "date" if name == "surveyed_on" else "text"
        found.append(Field(field_id, (name,), QUESTIONNAIRE, kind, label))
    return tuple(found)


@functools.cache
def fields_by_id() -> dict[str, Field]:
    return {item.id: item for item in tablet_fields()}


def field_by_id(field_id: str) -> Field:
    return fields_by_id()[field_id]
