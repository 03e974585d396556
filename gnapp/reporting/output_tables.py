"""The tables of section II.2 (forms/reports/tables.json: ``outputs``, ``policies``,
``capital``) from a report's ``OutputFigures``, shared by the PDF annexes and the XLSX."""

from __future__ import annotations

from gnapp.reporting.figures import percent
from gnapp.reporting.figures.outputs import OutputFigures
from gnapp.reporting.tables import Column, Group, Row, Table

MONEY_UNIT = "Đơn vị tính: đồng"
PEOPLE_MONEY_UNIT = "Đơn vị tính: hộ, người, đồng"


def outputs_table(outputs: OutputFigures, title: str) -> Table:
    """A row per project (bold, its sub-projects included) and per sub-project. No total row:
    a household reached by two projects would be counted twice."""
    columns = (
        Column("name", "Dự án, tiểu dự án", "label"),
        Column("activities", "Số hoạt động", width=1.2),
        Column("models", "Mô hình"),
        Column("classes", "Lớp đào tạo, tập huấn", width=1.3),
        Column("trainees", "Học viên"),
        Column("households", "Hộ", group="Được hỗ trợ"),
        Column("persons", "Người", group="Được hỗ trợ"),
        Column("supported", "Mức hỗ trợ (đồng)", "money", width=2.0),
    )
    rows = tuple(
        Row(
            {
                "name": output.name,
                "activities": output.activities,
                "models": output.models,
                "classes": output.classes,
                "trainees": output.trainees,
                "households": output.households,
                "persons": output.persons,
                "supported": output.supported,
            },
            strong="." not in output.code,
        )
        for output in outputs.projects
    )
    return Table(columns, rows, id="outputs", title=title, unit=PEOPLE_MONEY_UNIT, totals=False)


def policies_table(outputs: OutputFigures, title: str) -> Table:
    """A row per general policy; no total row (one household receives several policies)."""
    columns = (
        Column("name", "Chính sách", "label"),
        Column("households", "Số hộ"),
        Column("persons", "Số người"),
        Column("benefits", "Số lượt"),
        Column("amount", "Số tiền (đồng)", "money"),
    )
    rows = tuple(
        Row(
            {
                "name": policy.label,
                "households": policy.households,
                "persons": policy.persons,
                "benefits": policy.benefits,
                "amount": policy.amount,
            }
        )
        for policy in outputs.policies
    )
    return Table(columns, rows, id="policies", title=title, unit=PEOPLE_MONEY_UNIT, totals=False)


def capital_table(outputs: OutputFigures, title: str) -> Table:
    """A group per kind of capital, a row per funding source; the disbursement rate is of the
    year's allocation and the funds carried over together; what a half-year's year paid on a
    day not recorded in a column apart, when there is any."""
    group = "Kinh phí (đồng)"
    columns = (
        Column("name", "Loại vốn, nguồn vốn", "label", width=2.2),
        Column(
            "allocated",
            "Giao trong năm" if outputs.half_year else "Giao trong kỳ",
            "money",
            group,
            width=2.0,
        ),
        Column("carried_over", "Năm trước chuyển sang", "money", group, width=2.0),
        Column("available", "Tổng", "money", group, width=2.0),
        Column(
            "disbursed",
            "Giải ngân 6 tháng" if outputs.half_year else "Giải ngân",
            "money",
            group,
            width=2.0,
        ),
        *(
            (Column("undated", "Giải ngân chưa ghi ngày", "money", group, width=2.0),)
            if any(line.undated for line in outputs.capital)
            else ()
        ),
        Column(
            "rate", "Tỷ lệ giải ngân (%)", "rate", rate_of=("disbursed", "available"), width=1.2
        ),
    )
    several = len({line.programme_id for line in outputs.capital}) > 1
    groups: dict[tuple[str, str], list[Row]] = {}
    for line in outputs.capital:
        label = line.capital_name + (f" (giai đoạn {line.programme_id})" if several else "")
        available = line.allocated + line.carried_over
        groups.setdefault((line.programme_id, label), []).append(
            Row(
                {
                    "name": line.funding_source_name,
                    "allocated": line.allocated,
                    "carried_over": line.carried_over,
                    "available": available,
                    "disbursed": line.disbursed,
                    "undated": line.undated,
                    "rate": percent(line.disbursed, available) or 0.0,
                }
            )
        )
    body = tuple(Group(label, tuple(rows)) for (_, label), rows in groups.items())
    return Table(columns, body, id="capital", title=title, unit=MONEY_UNIT)
