"""The sentences of section II.2: each project's outputs, the general policies and the funding
by kind of capital ("Dự án 2 - …: 1 mô hình, hỗ trợ 8 hộ, tổng mức hỗ trợ 80.000.000 đồng.")."""

from __future__ import annotations

from datetime import date

from gnapp.core.vietnamese import format_date, format_money, format_number
from gnapp.reporting.figures.compute import percent
from gnapp.reporting.figures.outputs import CapitalLine, OutputFigures, ProjectOutput


def _project(output: ProjectOutput) -> str:
    parts = []
    if output.models:
        parts.append(f"{format_number(output.models)} mô hình")
    if output.classes:
        trainees = f" với {format_number(output.trainees)} học viên" if output.trainees else ""
        parts.append(f"{format_number(output.classes)} lớp đào tạo, tập huấn{trainees}")
    others = output.activities - output.models - output.classes
    if others:
        parts.append(f"{format_number(others)} hoạt động khác")
    if output.households:
        persons = f" ({format_number(output.persons)} người)" if output.persons else ""
        parts.append(f"hỗ trợ {format_number(output.households)} hộ{persons}")
    if output.supported:
        parts.append(f"tổng mức hỗ trợ {format_money(output.supported)}")
    return f"{output.name}: {', '.join(parts)}."


def _capital(lines: tuple[CapitalLine, ...], half_year: bool) -> str:
    by_kind: dict[str, list[int]] = {}
    for line in lines:
        sums = by_kind.setdefault(line.capital_name, [0, 0, 0, 0])
        sums[0] += line.allocated
        sums[1] += line.carried_over
        sums[2] += line.disbursed
        sums[3] += line.undated
    parts = []
    for name, (allocated, carried, disbursed, undated) in by_kind.items():
        text = f"{name}: giao trong {'năm' if half_year else 'kỳ'} {format_money(allocated)}"
        if carried:
            text += f", năm trước chuyển sang {format_money(carried)}"
        rate = percent(disbursed, allocated + carried)
        text += f", giải ngân{' 6 tháng đầu năm' if half_year else ''} {format_money(disbursed)}"
        if rate is not None:
            # with funds carried over the rate is of both, unlike the budget sentence's
            base = " tổng vốn giao và vốn năm trước chuyển sang" if carried else ""
            text += f" (đạt {format_number(rate, 2)}%{base})"
        if undated:
            text += f", ngoài ra {format_money(undated)} chưa ghi ngày giải ngân"
        parts.append(text)
    return "Kinh phí theo loại vốn: " + "; ".join(parts) + "."


def output_sentences(outputs: OutputFigures | None, period_label: str) -> dict[str, str]:
    """Section II.2's sentences by key: "outputs" (the lead line), "output.<programme>.<project>",
    "policies",
    "policy.<code>" and "capital"; none for figures a report saved before them."""
    if outputs is None:
        return {}
    written: dict[str, str] = {}
    if outputs.projects:
        written["outputs"] = f"Kết quả thực hiện các dự án, tiểu dự án {period_label}:"
    for output in outputs.projects:
        written[f"output.{output.programme_id}.{output.code}"] = _project(output)
    if outputs.undated_activities:
        written["output.undated"] = (
            f"({format_number(outputs.undated_activities)} hoạt động chưa ghi ngày bắt đầu không "
            f"được tính vào {period_label}.)"
        )
    reached = [p for p in outputs.policies if p.benefits]
    if reached:
        written["policies"] = (
            f"Thực hiện các chính sách giảm nghèo chung {period_label} (từ ngày "
            f"{format_date(date.fromisoformat(outputs.first))} đến ngày "
            f"{format_date(date.fromisoformat(outputs.last))}):"
        )
    for policy in reached:
        text = f"{policy.label}: {format_number(policy.households)} hộ"
        if policy.persons:
            text += f", {format_number(policy.persons)} người"
        if policy.benefits != policy.households:
            text += f" ({format_number(policy.benefits)} lượt)"
        if policy.amount:
            text += f", số tiền {format_money(policy.amount)}"
        written[f"policy.{policy.code}"] = text + "."
    if outputs.undated_policies:
        written["policy.undated"] = (
            f"({format_number(outputs.undated_policies)} lượt hỗ trợ chính sách chưa ghi ngày "
            f"nhận không được tính vào {period_label}.)"
        )
    if outputs.capital:
        written["capital"] = _capital(outputs.capital, outputs.half_year)
    return written
