"""Targets (chỉ tiêu) and budgets of the programme, per year and per period.

A target row is one of three shapes:
- a yearly target of a catalogue kind (``code`` from forms/programmes/target-kinds.json);
- a target of a whole period (``period`` "2021-2025"; ``year`` is the period's first year);
- an output target of a project (``project_code`` set): its ``code`` is the clerk's own
  Vietnamese label ("Số hộ được hỗ trợ mô hình"), with its own unit.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import sqlite_utils

from gnapp.core.vietnamese import format_date, format_decimal, format_money, nfc, parse_number
from gnapp.data import form_file, read_form_json
from gnapp.i18n import tr, tr_noop
from gnapp.store.database import CommuneDatabase, inserted_id
from gnapp.store.date_range import DateRange, range_params
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
        return tr("Chỉ tiêu không được âm.")
    if unit == RATE_UNIT and value > 100:
        return tr("Tỷ lệ phải từ 0 đến 100% (đã nhập {value}).", value=format_decimal(value))
    if unit != RATE_UNIT and Decimal(str(value)) != Decimal(str(value)).to_integral_value():
        return tr(
            "Chỉ tiêu tính bằng {unit} phải là số nguyên (đã nhập {value}).",
            unit=tr(unit),
            value=format_decimal(value),
        )
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
    undated_disbursed: int | None = None,
    *,
    capital: str | None = None,
    carried_over: int = 0,
) -> int:
    """Set a budget line of a year and return its id: a project, a funding source and (when
    known) its kind of capital (CAPITAL_KINDS); the year's allocation, the funds carried over
    from the year before and what was disbursed of both on days not recorded (None: as the line
    has it, 0 for a new line; the payments with their days are ``add_disbursement``'s)."""
    check_project(programme_id, project_code, funding_source)
    if capital is not None and capital not in CAPITAL_KINDS:
        raise DatabaseError(f"Loại vốn không có: {capital} (có: {', '.join(CAPITAL_KINDS)})")
    if allocated < 0 or (undated_disbursed or 0) < 0 or carried_over < 0:
        raise DatabaseError("Kinh phí không được âm.")
    row = {
        "year": year,
        "programme_id": programme_id,
        "project_code": project_code,
        "funding_source": funding_source,
        "capital": capital,
        "allocated": allocated,
        "carried_over": carried_over,
    }
    with cdb.transaction() as db:
        existing = db.execute(
            "SELECT id, undated_disbursed FROM budgets WHERE year = ? AND project_code = ? "
            "AND funding_source = ? AND capital IS ?",
            [year, project_code, funding_source, capital],
        ).fetchone()
        if undated_disbursed is None:
            undated_disbursed = existing[1] if existing else 0
        row["undated_disbursed"] = undated_disbursed
        dated = _dated_disbursed(db, existing[0]) if existing else 0
        if undated_disbursed + dated > allocated + carried_over:
            raise DatabaseError(
                f"Giải ngân của {project_code} ({format_money(undated_disbursed + dated)}"
                + (f", trong đó {format_money(dated)} đã ghi theo ngày" if dated else "")
                + f") lớn hơn kinh phí phân bổ ({format_money(allocated)}) và kinh phí năm "
                f"trước chuyển sang ({format_money(carried_over)})."
            )
        if existing is None:
            return inserted_id(db.table("budgets").insert(row))
        db.table("budgets").update(existing[0], row)
        return existing[0]


_BUDGET_ROWS = """
    SELECT b.*, b.undated_disbursed + coalesce(d.dated, 0) AS disbursed
    FROM budgets b LEFT JOIN (
        SELECT budget_id, sum(amount) AS dated FROM disbursements GROUP BY budget_id
    ) d ON d.budget_id = b.id"""


def budgets(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    """The budget lines of a year, in the programme's order of projects and sources, each with
    ``disbursed``: its payments with their days and ``undated_disbursed`` together."""
    rows = list(db.query(f"{_BUDGET_ROWS} WHERE b.year = ?", [year]))

    def order(row: dict[str, Any]) -> tuple[int, int, int]:
        codes = list(projects(row["programme_id"]))
        sources = list(funding_sources(row["programme_id"]))
        capital = list(CAPITAL_KINDS).index(row["capital"]) if row["capital"] else -1
        return codes.index(row["project_code"]), sources.index(row["funding_source"]), capital

    return sorted(rows, key=order)


def budget_line(db: sqlite_utils.Database, budget_id: int) -> dict[str, Any]:
    """A budget line with its ``disbursed`` (as ``budgets`` gives it)."""
    found = list(db.query(f"{_BUDGET_ROWS} WHERE b.id = ?", [budget_id]))
    if not found:
        raise DatabaseError(f"Không có dòng kinh phí số {budget_id}.")
    return found[0]


def find_budget_line(
    db: sqlite_utils.Database,
    year: int,
    project_code: str,
    funding_source: str,
    capital: str | None = None,
) -> dict[str, Any]:
    """The budget line of a year, project, funding source and kind of capital."""
    found = list(
        db.query(
            f"{_BUDGET_ROWS} WHERE b.year = ? AND b.project_code = ? AND b.funding_source = ? "
            "AND b.capital IS ?",
            [year, project_code, funding_source, capital],
        )
    )
    if not found:
        kind = f", {CAPITAL_KINDS.get(capital, capital).lower()}" if capital else ""
        raise DatabaseError(
            f"Năm {year} chưa có dòng kinh phí của {project_code} ({funding_source}{kind}): "
            "hãy ghi kinh phí phân bổ trước."
        )
    return found[0]


def delete_budget(cdb: CommuneDatabase, budget_id: int) -> None:
    """Delete a budget line with the payments recorded on it."""
    with cdb.transaction() as db:
        db.execute("DELETE FROM disbursements WHERE budget_id = ?", [budget_id])
        db.table("budgets").delete(budget_id)


def _dated_disbursed(db: sqlite_utils.Database, budget_id: int) -> int:
    return db.execute(
        "SELECT coalesce(sum(amount), 0) FROM disbursements WHERE budget_id = ?", [budget_id]
    ).fetchone()[0]


def disbursement_amount(text: str | int) -> int:
    """An amount disbursed as typed ("150.000.000" or 150000000): a whole number of đồng above
    0, or DatabaseError naming the field."""
    what = "Số tiền giải ngân"
    if isinstance(text, int):
        amount = Decimal(text)
    else:
        try:
            amount = parse_number(text)
        except ValueError as error:
            raise DatabaseError(f"{what}: {error}") from None
    if amount != amount.to_integral_value():
        raise DatabaseError(f"{what} tính bằng đồng, không có phần lẻ (đã nhập {text}).")
    if amount <= 0:
        raise DatabaseError(f"{what} phải lớn hơn 0 (đã nhập {text}).")
    return int(amount)


def _check_disbursement_day(day: str, year: int, today: str) -> None:
    what = "Ngày giải ngân"
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        parsed = None
    if parsed is None or not _DATE.match(day):
        raise DatabaseError(f"{what} phải là một ngày có dạng YYYY-MM-DD (đã nhập “{day}”).")
    if parsed.year != year:
        raise DatabaseError(
            f"{what} {format_date(parsed)} nằm ngoài năm kế hoạch {year} của dòng kinh phí "
            f"(vốn năm trước chuyển sang được ghi vào dòng kinh phí của năm giải ngân)."
        )
    if day > today:
        raise DatabaseError(
            f"{what} {format_date(parsed)} chưa đến (hôm nay là "
            f"{format_date(date.fromisoformat(today))}): chỉ ghi khoản đã giải ngân."
        )


def add_disbursement(
    cdb: CommuneDatabase,
    budget_id: int,
    disbursed_on: str,
    amount: int,
    *,
    document_number: str | None = None,
    note: str | None = None,
) -> int:
    """Record a payment made on a budget line on a day of its year, and return its id. Refused
    beyond the line's allocation and funds carried over, as the treasury refuses to pay."""
    amount = disbursement_amount(amount)
    with cdb.transaction() as db:
        line = budget_line(db, budget_id)
        _check_disbursement_day(disbursed_on, line["year"], cdb.now()[:10])
        available = line["allocated"] + line["carried_over"]
        if line["disbursed"] + amount > available:
            raise DatabaseError(
                f"Số tiền giải ngân {format_money(amount)} vượt kinh phí còn lại của "
                f"{line['project_code']} năm {line['year']}: phân bổ "
                f"{format_money(line['allocated'])}"
                + (
                    f", năm trước chuyển sang {format_money(line['carried_over'])}"
                    if line["carried_over"]
                    else ""
                )
                + f", đã giải ngân {format_money(line['disbursed'])}, còn "
                f"{format_money(available - line['disbursed'])}."
            )
        return inserted_id(
            db.table("disbursements").insert(
                {
                    "budget_id": budget_id,
                    "disbursed_on": disbursed_on,
                    "amount": amount,
                    "document_number": nfc(document_number).strip() or None
                    if document_number
                    else None,
                    "note": nfc(note).strip() or None if note else None,
                }
            )
        )


def disbursements(db: sqlite_utils.Database, budget_id: int) -> list[dict[str, Any]]:
    """The payments recorded on a budget line, by day."""
    return list(
        db.query(
            "SELECT * FROM disbursements WHERE budget_id = ? ORDER BY disbursed_on, id",
            [budget_id],
        )
    )


def year_disbursements(db: sqlite_utils.Database, year: int) -> list[dict[str, Any]]:
    """The payments recorded on the budget lines of a year, by day, with their line's
    project, funding source and kind of capital."""
    return list(
        db.query(
            """SELECT d.*, b.project_code, b.funding_source, b.capital
               FROM disbursements d JOIN budgets b ON b.id = d.budget_id
               WHERE b.year = ? ORDER BY d.disbursed_on, d.id""",
            [year],
        )
    )


def delete_disbursement(cdb: CommuneDatabase, disbursement_id: int) -> None:
    with cdb.transaction() as db:
        if not db.execute("SELECT 1 FROM disbursements WHERE id = ?", [disbursement_id]).fetchone():
            raise DatabaseError(f"Không có khoản giải ngân số {disbursement_id}.")
        db.table("disbursements").delete(disbursement_id)


def budget_sums(
    db: sqlite_utils.Database, days: DateRange, group_by: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The budget lines of the range's years summed by the ``group_by`` columns: ``allocated``,
    ``carried_over``, ``disbursed`` (the payments made on the range's days, and for whole years
    the amounts without a day too) and ``undated`` (what a part of a year cannot place: paid
    in its year on a day not recorded, never counted in it)."""
    columns = ", ".join(f"b.{column}" for column in group_by)
    return list(
        db.query(
            f"""SELECT {columns}, sum(b.allocated) AS allocated,
                       sum(b.carried_over) AS carried_over,
                       sum(coalesce(d.dated, 0) + b.undated_disbursed * :whole) AS disbursed,
                       sum(b.undated_disbursed * (1 - :whole)) AS undated
                FROM budgets b LEFT JOIN (
                    SELECT budget_id, sum(amount) AS dated FROM disbursements
                    WHERE disbursed_on BETWEEN :first AND :last GROUP BY budget_id
                ) d ON d.budget_id = b.id
                WHERE b.year BETWEEN :from_year AND :to_year
                GROUP BY {columns}""",
            range_params(days),
        )
    )


def capital_counts(db: sqlite_utils.Database, days: DateRange) -> list[dict[str, Any]]:
    """Per programme, kind of capital (None: not classified) and funding source, the sums of
    ``budget_sums`` (đồng)."""
    return budget_sums(db, days, ("programme_id", "capital", "funding_source"))
