"""Tablet exports shaped as KoBoToolbox and ODK Central write them, made from demo households."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from gnapp.store import register

# The answers the tablets change: every household's income, and its housing for the first one.
HOUSEHOLD_COLUMNS = (
    "household_code", "water_source", "latrine", "floor_area_m2", "walls_durable",
    "roof_durable", "uses_telecom", "information_devices", "income/b1_score", "surveyed_on",
    "reviewer",
)  # fmt: skip
MEMBER_COLUMNS = (
    "full_name", "sex", "birth_date", "citizen_id", "relation", "has_health_insurance",
    "schooling", "employment",
)  # fmt: skip
KOBO_META = ("start", "end", "deviceid", "_id", "_uuid", "_submission_time", "__version__")
KOBO_MEMBER_META = ("_parent_table_name", "_submission__id", "_submission__uuid")


def _yes(value: Any) -> Any:
    return None if value is None else (1 if value else 0)


def answers(db, household_id: int, b1_score: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One submission (household columns by name) and its member rows, from the register."""
    record = register.household_record(db, household_id)
    household = {
        "household_code": record["household_code"],
        "water_source": record.get("water_source"),
        "latrine": record.get("latrine"),
        "floor_area_m2": record.get("floor_area_m2"),
        "walls_durable": _yes(record.get("walls_durable")),
        "roof_durable": _yes(record.get("roof_durable")),
        "uses_telecom": _yes(record.get("uses_telecom")),
        "information_devices": " ".join(record.get("information_devices", [])),
        "income/b1_score": b1_score,
        "surveyed_on": "2026-10-20",
        "reviewer": "Tổ rà soát thôn",
    }
    members = [
        {
            "full_name": member["full_name"],
            "sex": member["sex"],
            "birth_date": member["birth_date"],
            "citizen_id": member.get("citizen_id"),
            "relation": member["relation"],
            "has_health_insurance": _yes(member.get("has_health_insurance")),
            "schooling": member.get("schooling"),
            "employment": member.get("employment"),
        }
        for member in record["members"]
    ]
    return household, members


def expected_record(db, household_id: int, household: dict[str, Any]) -> dict[str, Any]:
    """The record the import should build: the register's, with the submission's answers."""
    record = register.household_record(db, household_id)
    for key in ("water_source", "latrine", "floor_area_m2"):
        record[key] = household[key]
    for key in ("walls_durable", "roof_durable", "uses_telecom"):
        if household[key] is not None:
            record[key] = bool(household[key])
    record["information_devices"] = household["information_devices"].split()
    record["income"] = {"b1_score": household["income/b1_score"]}
    return record


def _cell(value: Any) -> Any:
    return "" if value is None else value


def kobo_xlsx(
    path: Path,
    submissions: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]],
    *,
    group: str = "hh",
    household_columns: Sequence[str] = HOUSEHOLD_COLUMNS,
    member_columns: Sequence[str] = MEMBER_COLUMNS,
) -> Path:
    """KoBoToolbox's XLSX export: a main sheet, one row per submission, and a sheet for the
    members repeat group, linked by _index / _parent_index; columns carry group prefixes
    (``group`` "": the form's own paths, as ``household_columns`` name them)."""
    prefix = f"{group}/" if group else ""
    workbook = openpyxl.Workbook()
    main = workbook.active
    main.title = "Phieu B rà soát"
    heads = [*KOBO_META[:3], *(f"{prefix}{c}" for c in household_columns), *KOBO_META[3:]]
    main.append([*heads, "_index"])
    repeat = workbook.create_sheet("members")
    repeat.append([*(f"{prefix}members/{c}" for c in member_columns), "_index", "_parent_index",
                   *KOBO_MEMBER_META])  # fmt: skip
    member_index = 0
    for number, (household, members) in enumerate(submissions, start=1):
        meta = ["2026-10-20T08:00:00.000+07:00", "2026-10-20T08:40:00.000+07:00", "enketo:abc"]
        main.append(
            [*meta, *(_cell(household[c]) for c in household_columns), 1000 + number,
             f"uuid-{number}", "2026-10-20T09:00:00", "vK2", number]
        )  # fmt: skip
        for member in members:
            member_index += 1
            repeat.append(
                [*(_cell(member[c]) for c in member_columns), member_index, number,
                 "Phieu B rà soát", 1000 + number, f"uuid-{number}"]
            )  # fmt: skip
    workbook.save(path)
    return path


def kobo_csv(path: Path, submissions: Sequence[dict[str, Any]], *, separator: str = "/") -> Path:
    """KoBoToolbox's CSV export (";" between cells, group prefixes in the headings)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(
            [*KOBO_META[:3], *(f"ho{separator}{c}".replace("/", separator) for c in
             HOUSEHOLD_COLUMNS), *KOBO_META[3:]]
        )  # fmt: skip
        for number, household in enumerate(submissions, start=1):
            writer.writerow(
                ["2026-10-20T08:00:00", "2026-10-20T08:30:00", "collect:xyz",
                 *(_cell(household[c]) for c in HOUSEHOLD_COLUMNS), 500 + number,
                 f"u-{number}", "2026-10-20T09:00:00", "v1"]
            )  # fmt: skip
    return path


def odk_central(
    folder: Path,
    submissions: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]],
    *,
    group: str = "ho",
    household_columns: Sequence[str] = HOUSEHOLD_COLUMNS,
    member_columns: Sequence[str] = MEMBER_COLUMNS,
    form_version: str = "2026101501",
) -> tuple[Path, Path]:
    """ODK Central's CSV export: the main file (KEY) and the members repeat file (PARENT_KEY);
    group paths joined by "-" as Central writes them."""
    prefix = f"{group}-" if group else ""
    main_path, repeat_path = folder / "phieu_b.csv", folder / "phieu_b-members.csv"
    with open(main_path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            ["SubmissionDate", "start", "end", "today", "deviceid",
             *(f"{prefix}{c.replace('/', '-')}" for c in household_columns), "SET-OF-members",
             "meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
             "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
        )  # fmt: skip
        for number, (household, _) in enumerate(submissions, start=1):
            key = f"uuid:0000-{number}"
            writer.writerow(
                ["2026-10-20T09:00:00.000Z", "2026-10-20T08:00:00.000+07:00",
                 "2026-10-20T08:45:00.000+07:00", "2026-10-20", "collect:abc",
                 *(_cell(household[c]) for c in household_columns), f"{key}/members", key, key,
                 "5", "Cán bộ", "0", "0", "", "", "collect:abc", "0", form_version]
            )  # fmt: skip
    with open(repeat_path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([*member_columns, "PARENT_KEY", "KEY"])
        for number, (_, members) in enumerate(submissions, start=1):
            parent = f"uuid:0000-{number}"
            for position, member in enumerate(members, start=1):
                writer.writerow(
                    [*(_cell(member[c]) for c in member_columns), parent,
                     f"{parent}/members[{position}]"]
                )  # fmt: skip
    return main_path, repeat_path


def odk_zip(path: Path, main: Path, repeat: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(main, main.name)
        archive.write(repeat, repeat.name)
    return path
