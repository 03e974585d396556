"""Which column of a tablet export holds which field: the links between sheets, the columns
the tablet programs add, paths and labels of the record's fields, or a saved mapping."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gnapp.core import input_files
from gnapp.core.vietnamese import fold
from gnapp.i18n import tr
from gnapp.importers.headers import IGNORE, heading_key, recognised_field
from gnapp.importers.reading import ImportFileError
from gnapp.review.questionnaire import load_questionnaire
from gnapp.review.tablet.fields import (
    HOUSEHOLD,
    MEMBER,
    QUESTIONNAIRE,
    QUESTIONNAIRE_FIELDS,
    field_by_id,
    fields_by_id,
    tablet_fields,
)

# Columns the tablet programs add on their own (KoBoToolbox, ODK Central / Briefcase / Collect).
_METADATA = frozenset(
    heading_key(name)
    for name in (
        "start", "end", "today", "deviceid", "phonenumber", "simserial", "subscriberid",
        "username", "audit", "instanceID", "instanceName", "rootUuid", "deprecatedID",
        "KEY", "PARENT_KEY", "SubmissionDate", "SubmitterID", "SubmitterName",
        "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID",
        "Edits", "FormVersion", "formhub/uuid", "uuid",
    )
)  # fmt: skip
_KOBO_LINKS = ("_index", "_parent_index")
_ODK_LINKS = ("KEY", "PARENT_KEY")
_SEPARATORS = re.compile(r"[/.\-:]")


# The register import's fields (headings recognised by forms/import/fields.json) that are
# record fields.
_REGISTER_HEADINGS = {
    "household.code": "household.household_code",
    "household.village": "household.village",
    "household.address": "household.address",
    "member.full_name": "member.full_name",
    "member.birth_date": "member.birth_date",
    "member.sex": "member.sex",
    "member.citizen_id": "member.citizen_id",
    "member.relation": "member.relation",
    "member.ethnicity": "member.ethnicity",
}


@functools.cache
def _label_index() -> dict[str, dict[str, str]]:
    """Level -> folded heading -> field id: the fields' Vietnamese labels, the questions of
    Phiếu B (forms/review/questionnaires/phieu-b.json)."""
    index: dict[str, dict[str, str]] = {HOUSEHOLD: {}, MEMBER: {}, QUESTIONNAIRE: {}}
    for item in tablet_fields():
        index[item.level].setdefault(heading_key(item.label), item.id)
    for page in load_questionnaire("phieu-b").pages:  # the words the Phiếu B screen asks with
        for question in page.questions:
            if question.key in fields_by_id():
                index[question.scope].setdefault(heading_key(question.label), question.key)
    for field_id, (_, _, more) in QUESTIONNAIRE_FIELDS.items():
        for heading in more:
            index[QUESTIONNAIRE][heading_key(heading)] = field_id
    return index


@dataclass(frozen=True)
class ColumnRole:
    """What one column holds: a field, one choice of a multiple-choice field
    ("information_devices/tv" as 1/0), a link between sheets, metadata (ignored), or nothing
    known."""

    field: str | None = None
    choice: str | None = None
    link: str | None = None  # "_index", "_parent_index", "KEY" or "PARENT_KEY"
    ignored: bool = False


def is_metadata(heading: str) -> bool:
    """A column the tablet program adds itself (``_id``, ``_uuid``, ``meta/instanceID``, ...)."""
    text = heading.strip()
    if text.startswith("_") or text.upper().startswith("SET-OF-"):
        return True
    parts = [part for part in _SEPARATORS.split(text) if part]
    if parts and heading_key(parts[0]) == "meta":
        return True
    return heading_key(text) in _METADATA or (
        bool(parts) and heading_key(parts[-1]) in _METADATA and len(parts) > 1
    )


def _by_path(parts: list[str], levels: Sequence[str]) -> ColumnRole | None:
    """The field a column's name parts end with ("grp/income/b1_score", "members/sex", "sex")."""
    names = [part.strip().lower() for part in parts if part.strip()]
    if not names:
        return None
    for level in levels:
        candidates = [item for item in tablet_fields() if item.level == level]
        for item in candidates:
            path = list(item.path)
            full = ["members", *path] if level == MEMBER else path
            if names[-len(full) :] == full:
                return ColumnRole(item.id)
        leaf = [item for item in candidates if item.name == names[-1]]
        if len(leaf) == 1:
            return ColumnRole(leaf[0].id)
        # One choice of a multiple-choice question split into its own column.
        if len(names) >= 2:
            for item in candidates:
                if item.kind == "choices" and item.name == names[-2] and names[-1] in item.choices:
                    return ColumnRole(item.id, choice=names[-1])
    return None


def _by_label(heading: str, levels: Sequence[str]) -> ColumnRole | None:
    index = _label_index()
    keys = [heading_key(heading)]
    if "/" in heading:
        keys.append(heading_key(heading.rsplit("/", 1)[-1]))
    for key in keys:
        for level in levels:
            if key in index[level]:
                return ColumnRole(index[level][key])
    target = _REGISTER_HEADINGS.get(recognised_field(heading) or "")
    if target is not None and target.split(".")[0] in levels:
        return ColumnRole(target)
    return None


def column_role(heading: str, level: str, mapping: Mapping[str, str] | None = None) -> ColumnRole:
    """What a column holds in a sheet of households (HOUSEHOLD) or of members (MEMBER)."""
    text = heading.strip()
    for link in (*_KOBO_LINKS, *_ODK_LINKS):
        if text == link:
            return ColumnRole(link=link)
    if mapping and text in mapping:
        target = mapping[text]
        if target == IGNORE:
            return ColumnRole(ignored=True)
        target, _, choice = target.partition("=")
        return ColumnRole(target, choice=choice or None)
    if is_metadata(text):
        return ColumnRole(ignored=True)
    levels = (MEMBER,) if level == MEMBER else (HOUSEHOLD, QUESTIONNAIRE)
    return _by_path(_SEPARATORS.split(text), levels) or _by_label(text, levels) or ColumnRole()


# --- the saved mapping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedMapping:
    """A mapping file: {"columns": {heading: field id | "ignore" | "field id=choice"},
    "values": {field id: {value as written: value of the record}}}."""

    columns: dict[str, str]
    values: dict[str, dict[str, Any]]


def load_mapping(path: str | Path) -> SavedMapping:
    """Read and check a saved mapping (ImportFileError saying why when it is not one)."""
    path = Path(path)
    try:
        data = input_files.read_json(path, encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(tr("Không tìm thấy tệp ghép cột: {path}", path=path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportFileError(
            tr(
                "Tệp ghép cột “{name}” không phải JSON hợp lệ ({error}).",
                name=path.name,
                error=error,
            )
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
        raise ImportFileError(
            tr(
                'Tệp ghép cột “{name}” cần dạng {{"columns": {{tiêu đề cột: trường}}, '
                '"values": {{trường: {{giá trị trong tệp: giá trị}}}}}}.',
                name=path.name,
            )
        )
    columns = {str(k): str(v) for k, v in data.get("columns", {}).items()}
    for heading, target in columns.items():
        target_field, _, choice = target.partition("=")
        if target == IGNORE:
            continue
        if target_field not in fields_by_id():
            raise ImportFileError(
                tr(
                    "Tệp ghép cột “{name}”: cột “{heading}” ghép vào trường “{field}” không có "
                    "trong mẫu bản ghi hộ (ví dụ: household.water_source, member.sex).",
                    name=path.name,
                    heading=heading,
                    field=target_field,
                )
            )
        item = field_by_id(target_field)
        if choice and (item.kind != "choices" or choice not in item.choices):
            raise ImportFileError(
                tr(
                    "Tệp ghép cột “{name}”: “{choice}” không phải một lựa chọn của trường "
                    "“{field}”.",
                    name=path.name,
                    choice=choice,
                    field=target_field,
                )
            )
    values = data.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise ImportFileError(
            tr(
                "Tệp ghép cột “{name}”: mục “values” cần dạng {{trường: {{giá trị trong tệp: "
                "giá trị}}}}.",
                name=path.name,
            )
        )
    unknown = [key for key in values if key not in fields_by_id()]
    if unknown:
        raise ImportFileError(
            tr(
                "Tệp ghép cột “{name}”: mục “values” nêu trường không có: {fields}.",
                name=path.name,
                fields=", ".join(unknown),
            )
        )
    return SavedMapping(
        columns, {key: {fold(str(k)): v for k, v in m.items()} for key, m in values.items()}
    )
