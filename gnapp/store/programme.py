"""Targets (chỉ tiêu) and budgets of the programme, per year."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from gnapp.data import read_form_json
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError


def target_kinds() -> dict[str, dict[str, Any]]:
    """The kinds of target a commune is given (forms/programmes/target-kinds.json), by code."""
    return {
        kind["code"]: kind for kind in read_form_json("programmes", "target-kinds.json")["kinds"]
    }


def set_target(
    cdb: CommuneDatabase,
    year: int,
    code: str,
    value: float,
    *,
    decision_number: str | None = None,
    decision_date: str | None = None,
    note: str | None = None,
) -> None:
    """Set (or replace) the target of one kind for a year."""
    kinds = target_kinds()
    if code not in kinds:
        raise DatabaseError(f"Loại chỉ tiêu không có trong danh mục: {code}")
    row = {
        "year": year,
        "code": code,
        "value": value,
        "unit": kinds[code]["unit"],
        "decision_number": decision_number,
        "decision_date": decision_date,
        "note": note,
    }
    with cdb.transaction() as db:
        db["targets"].upsert(row, pk=("year", "code"))


def targets(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM targets WHERE year = ? ORDER BY id", [year]))


def set_budget(
    cdb: CommuneDatabase,
    year: int,
    programme_id: str,
    project_code: str,
    funding_source: str,
    allocated: int,
    disbursed: int = 0,
) -> None:
    """Set the budget allocated and disbursed for a project and funding source in a year."""
    programme = read_form_json("programmes", f"{programme_id}.json")
    projects = {p["code"] for p in programme["projects"]} | {
        s["code"] for p in programme["projects"] for s in p["sub_projects"]
    }
    sources = {s["code"] for s in programme["funding_sources"]}
    if project_code not in projects:
        raise DatabaseError(f"Dự án {project_code} không thuộc chương trình {programme_id}")
    if funding_source not in sources:
        raise DatabaseError(f"Nguồn vốn {funding_source} không thuộc chương trình {programme_id}")
    if disbursed > allocated:
        raise DatabaseError(
            f"Giải ngân ({disbursed}) lớn hơn kinh phí phân bổ ({allocated}) của {project_code}"
        )
    row = {
        "year": year,
        "programme_id": programme_id,
        "project_code": project_code,
        "funding_source": funding_source,
        "allocated": allocated,
        "disbursed": disbursed,
    }
    with cdb.transaction() as db:
        db["budgets"].upsert(row, pk=("year", "project_code", "funding_source"))
