"""Targets (chỉ tiêu) and budgets of the programme, per year and per period.

A target row is one of three shapes:
- a yearly target of a catalogue kind (``code`` from forms/programmes/target-kinds.json);
- a target of a whole period (``period`` "2021-2025"; ``year`` is the period's first year);
- an output target of a project (``project_code`` set): its ``code`` is the clerk's own
  Vietnamese label ("Số hộ được hỗ trợ mô hình"), with its own unit.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import sqlite_utils

from gnapp.core.vietnamese import format_decimal, nfc
from gnapp.data import form_file, read_form_json
from gnapp.i18n import tr_noop
from gnapp.store.database import CommuneDatabase, inserted_id
from gnapp.store.errors import DatabaseError

RATE_UNIT = "%"
_PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def target_kinds() -> dict[str, dict[str, Any]]:
    """The kinds of target a commune is given (forms/programmes/target-kinds.json), by code."""
    return {
        kind["code"]: kind for kind in read_form_json("programmes", "target-kinds.json")["kinds"]
    }


def programme_ids() -> list[str]:
    """The programmes described in forms/programmes/ ("2021-2025", "2026-2030")."""
    return sorted(
        entry.name.removesuffix(".json")
        for entry in form_file("programmes").iterdir()
        if _PERIOD.match(entry.name.removesuffix(".json"))
    )


def programme(programme_id: str) -> dict[str, Any]:
    if programme_id not in programme_ids():
        raise DatabaseError(f"Không có chương trình {programme_id}")
    return read_form_json("programmes", f"{programme_id}.json")


def programme_for_year(year: int) -> str:
    """The programme whose years hold ``year`` (the latest one when none does)."""
    ids = programme_ids()
    for programme_id in ids:
        first, last = map(int, programme_id.split("-"))
        if first <= year <= last:
            return programme_id
    return ids[-1]


def projects(programme_id: str) -> dict[str, str]:
    """Project and sub-project codes of a programme with their names, in the programme's order."""
    names: dict[str, str] = {}
    for project in programme(programme_id)["projects"]:
        names[project["code"]] = project["name"]
        for sub in project["sub_projects"]:
            names[sub["code"]] = sub["name"]
    return names


def funding_sources(programme_id: str) -> dict[str, str]:
    return {s["code"]: s["name"] for s in programme(programme_id)["funding_sources"]}


def check_project(programme_id: str, project_code: str, funding_source: str | None = None) -> None:
    """Refuse a project or funding source that is not part of the programme."""
    if project_code not in projects(programme_id):
        raise DatabaseError(f"Dự án {project_code} không thuộc chương trình {programme_id}")
    if funding_source is not None and funding_source not in funding_sources(programme_id):
        raise DatabaseError(f"Nguồn vốn {funding_source} không thuộc chương trình {programme_id}")


def parse_target_period(period: str) -> tuple[int, int]:
    match = _PERIOD.match(period)
    if not match or int(match[1]) > int(match[2]):
        raise DatabaseError(f"Giai đoạn phải có dạng “2021-2025”: {period}")
    return int(match[1]), int(match[2])


def target_value_problem(value: float, unit: str) -> str | None:
    """Why a target value is not acceptable for its unit (None when it is)."""
    if value < 0:
        return "Chỉ tiêu không được âm."
    if unit == RATE_UNIT and value > 100:
        return f"Tỷ lệ phải từ 0 đến 100% (đã nhập {format_decimal(value)})."
    if unit != RATE_UNIT and Decimal(str(value)) != Decimal(str(value)).to_integral_value():
        return f"Chỉ tiêu tính bằng {unit} phải là số nguyên (đã nhập {format_decimal(value)})."
    return None


def target_label(row: dict[str, Any]) -> str:
    """The Vietnamese label of a target row (an output target's code is its label)."""
    kind = target_kinds().get(row["code"])
    return kind["label"] if kind else row["code"]


def target_giver(decision_date: str | None) -> str | None:
    """Who gave a target, from its decision's date (forms/programmes/target-givers.json):
    "huyện giao" before the districts were abolished on 1/7/2025, "tỉnh giao" after; None when
    the decision's date is not recorded."""
    if not decision_date:
        return None
    for giver in read_form_json("programmes", "target-givers.json")["givers"]:
        if giver.get("from", decision_date) <= decision_date <= giver.get("until", decision_date):
            return giver["words"]
    return None


def set_target(
    cdb: CommuneDatabase,
    year: int,
    code: str,
    value: float,
    *,
    period: str | None = None,
    project_code: str | None = None,
    unit: str | None = None,
    decision_number: str | None = None,
    decision_date: str | None = None,
    note: str | None = None,
) -> int:
    """Set (or replace) a target and return its id.

    ``code`` is a catalogue kind, or with ``project_code`` the label of an output target (then
    ``unit`` is required). A period target is stored under the period's first year.
    """
    kinds = target_kinds()
    if project_code is None:
        if code not in kinds:
            raise DatabaseError(f"Loại chỉ tiêu không có trong danh mục: {code}")
        unit = kinds[code]["unit"]
    else:
        code = nfc(code).strip()
        check_project(programme_for_year(year), project_code)
        if not code:
            raise DatabaseError("Chỉ tiêu đầu ra của dự án cần có tên.")
        if code in kinds:
            raise DatabaseError(f"“{code}” là mã chỉ tiêu chung, không dùng cho chỉ tiêu dự án.")
        if not unit:
            raise DatabaseError(f"Chỉ tiêu “{code}” cần có đơn vị tính.")
    if period is not None:
        first, _ = parse_target_period(period)
        year = first
    problem = target_value_problem(value, unit)
    if problem:
        raise DatabaseError(problem)
    if decision_date and not _DATE.match(decision_date):
        raise DatabaseError(f"Ngày quyết định phải có dạng YYYY-MM-DD: {decision_date}")
    row = {
        "year": year,
        "code": code,
        "value": value,
        "unit": unit,
        "period": period,
        "project_code": project_code,
        "decision_number": nfc(decision_number).strip() if decision_number else None,
        "decision_date": decision_date or None,
        "note": note,
    }
    with cdb.transaction() as db:
        existing = db.execute(
            "SELECT id FROM targets WHERE year = ? AND code = ? AND period IS ? "
            "AND project_code IS ?",
            [year, code, period, project_code],
        ).fetchone()
        if existing is None:
            return inserted_id(db.table("targets").insert(row))
        db.table("targets").update(existing[0], row)
        return existing[0]


def delete_target(cdb: CommuneDatabase, target_id: int) -> None:
    with cdb.transaction() as db:
        db.table("targets").delete(target_id)


def _target_order(row: dict[str, Any], order: list[str]) -> tuple[Any, ...]:
    catalogue = row["code"] in order
    return (
        row["project_code"] is not None,
        row["project_code"] or "",
        order.index(row["code"]) if catalogue else len(order),
        row["id"],
    )


def targets(
    db: sqlite_utils.Database, year: int, *, period: str | None = None
) -> list[dict[str, Any]]:
    """The yearly targets of ``year`` (kinds in catalogue order, then output targets by project),
    or with ``period`` the targets of that period."""
    if period is None:
        rows = db.query("SELECT * FROM targets WHERE year = ? AND period IS NULL", [year])
    else:
        rows = db.query("SELECT * FROM targets WHERE period = ?", [period])
    order = list(target_kinds())
    return sorted(rows, key=lambda row: _target_order(row, order))


def target_years(db: sqlite_utils.Database) -> list[int]:
    return [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT year FROM targets WHERE period IS NULL ORDER BY year"
        ).fetchall()
    ]


CAPITAL_KINDS = {  # Vietnamese in documents, through tr() where the GUI shows them
    "investment": tr_noop("Vốn đầu tư phát triển"),
    "recurrent": tr_noop("Vốn sự nghiệp"),
}


def set_budget(
    cdb: CommuneDatabase,
    year: int,
    programme_id: str,
    project_code: str,
    funding_source: str,
    allocated: int,
    disbursed: int = 0,
    *,
    capital: str | None = None,
    carried_over: int = 0,
) -> None:
    """Set a budget line of a year: a project, a funding source and (when known) its kind of
    capital (CAPITAL_KINDS); the year's allocation, the funds carried over from the year before
    and what was disbursed of both."""
    check_project(programme_id, project_code, funding_source)
    if capital is not None and capital not in CAPITAL_KINDS:
        raise DatabaseError(f"Loại vốn không có: {capital} (có: {', '.join(CAPITAL_KINDS)})")
    if allocated < 0 or disbursed < 0 or carried_over < 0:
        raise DatabaseError("Kinh phí không được âm.")
    if disbursed > allocated + carried_over:
        raise DatabaseError(
            f"Giải ngân ({disbursed}) lớn hơn kinh phí phân bổ ({allocated}) và kinh phí năm "
            f"trước chuyển sang ({carried_over}) của {project_code}"
        )
    row = {
        "year": year,
        "programme_id": programme_id,
        "project_code": project_code,
        "funding_source": funding_source,
        "capital": capital,
        "allocated": allocated,
        "carried_over": carried_over,
        "disbursed": disbursed,
    }
    with cdb.transaction() as db:
        existing = db.execute(
            "SELECT id FROM budgets WHERE year = ? AND project_code = ? AND funding_source = ? "
            "AND capital IS ?",
            [year, project_code, funding_source, capital],
        ).fetchone()
        if existing is None:
            db.table("budgets").insert(row)
        else:
            db.table("budgets").update(existing[0], row)


def budgets(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    """The budget lines of a year, in the programme's order of projects and sources."""
    rows = list(db.query("SELECT * FROM budgets WHERE year = ?", [year]))

    def order(row: dict[str, Any]) -> tuple[int, int, int]:
        codes = list(projects(row["programme_id"]))
        sources = list(funding_sources(row["programme_id"]))
        capital = list(CAPITAL_KINDS).index(row["capital"]) if row["capital"] else -1
        return codes.index(row["project_code"]), sources.index(row["funding_source"]), capital

    return sorted(rows, key=order)


def delete_budget(cdb: CommuneDatabase, budget_id: int) -> None:
    with cdb.transaction() as db:
        db.table("budgets").delete(budget_id)


def capital_counts(db: sqlite_utils.Database, first: int, last: int) -> list[dict[str, Any]]:
    """Per programme, kind of capital (None: not classified) and funding source from ``first``
    to ``last``: the sums of ``allocated``, ``carried_over`` and ``disbursed`` (đồng)."""
    return list(
        db.query(
            """SELECT programme_id, capital, funding_source, sum(allocated) AS allocated,
                      sum(carried_over) AS carried_over, sum(disbursed) AS disbursed
               FROM budgets WHERE year BETWEEN ? AND ?
               GROUP BY programme_id, capital, funding_source""",
            [first, last],
        )
    )
