"""The Vietnamese sentences a report writes from its figures, the way the seed reports do
("còn 1.810 hộ nghèo, tỷ lệ 2,88% (giảm 651 hộ, đạt 232,5% so với chỉ tiêu giao)")."""

from __future__ import annotations

from collections.abc import Mapping

from gnapp.core.movements import MOVEMENT_LABELS
from gnapp.core.vietnamese import format_decimal, format_money, format_number
from gnapp.reporting.figures.compute import (
    DECREASES,
    GROUP_LABELS,
    LIST_LABELS,
    LIST_MOVEMENTS,
    BudgetFigures,
    BudgetTotal,
    Movements,
    ReportFigures,
    ServiceFigure,
    TargetFigure,
    targets_met,
)
from gnapp.reporting.issuer import KIND_WORDS

# "toàn xã", ...; district and province: the receiving office's consolidated figures
COMMUNE_WORDS = {kind: word.lower() for kind, word in KIND_WORDS.items()} | {
    "district": "huyện",
    "province": "tỉnh",
}
NOT_IN_SOFTWARE = "chưa có số liệu trong phần mềm"

# --- sentences -----------------------------------------------------------------------------


def _households(n: int) -> str:
    return f"{format_number(n)} hộ"


def _value(value: float, unit: str) -> str:
    """A target or achieved value with its unit ("6,05%", "20 hộ")."""
    text = format_decimal(value)
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def _change(reduction: int) -> str:
    if reduction > 0:
        return f"giảm {_households(reduction)}"
    return f"tăng {_households(-reduction)}" if reduction < 0 else "không giảm"


def _when_start(figures: ReportFigures) -> str:
    return f"Tính đến cuối năm {figures.start.year}"


def _when_end(figures: ReportFigures) -> str:
    if figures.end.current:
        return f"Đến nay ({figures.period.label})"
    return f"Đến cuối năm {figures.end.year}"


def _during(figures: ReportFigures) -> str:
    if figures.period.shape == "span":
        return (
            f"Trong {figures.period.label} (từ cuối năm {figures.start.year} đến cuối năm "
            f"{figures.end.year})"
        )
    return f"Trong {figures.period.label}"


def _rate_text(rate: float) -> str:
    return f"{format_number(rate, 2)}%"


def _commune(figures: ReportFigures) -> str:
    c = figures.commune
    if c.rural_villages and c.urban_villages:
        villages = (
            f"{format_number(c.villages)} thôn, tổ dân phố ({format_number(c.rural_villages)} "
            f"thuộc khu vực nông thôn, {format_number(c.urban_villages)} thuộc khu vực thành thị)"
        )
    else:
        word = "tổ dân phố" if c.urban_villages else "thôn"
        villages = f"{format_number(c.villages)} {word}"
    return (
        f"{c.name} có {villages}; {_households(c.households)} với "
        f"{format_number(c.members)} nhân khẩu."
    )


def _reduction_note(figures: ReportFigures, status: str) -> str:
    moved = getattr(figures.commune_movements, status)
    target = next(
        (t for t in figures.targets if t.code == f"{status}_reduction" and t.achieved is not None),
        None,
    )
    note = _change(moved.reduction)
    if target is not None:
        if moved.reduction > 0 and target.share_of_target is not None:
            note += f", đạt {format_number(target.share_of_target, 1)}% so với chỉ tiêu giao"
        else:
            note += f"; chỉ tiêu giao giảm {_value(target.target, target.unit)}"
    return note


def _whole(figures: ReportFigures) -> str:
    """The whole unit the figures are of: "toàn xã", "toàn phường", "toàn tỉnh"."""
    return f"toàn {COMMUNE_WORDS.get(figures.commune.kind, 'xã')}"


def _end_lists(figures: ReportFigures) -> str:
    end = figures.end.commune
    return (
        f"{_when_end(figures)}, {_whole(figures)} còn {_households(end.poor.households)} nghèo, "
        f"tỷ lệ {_rate_text(end.poor.rate)} ({_reduction_note(figures, 'poor')}); hộ cận nghèo còn "
        f"{_households(end.near_poor.households)}, tỷ lệ {_rate_text(end.near_poor.rate)} "
        f"({_reduction_note(figures, 'near_poor')})."
    )


def _start_lists(figures: ReportFigures) -> str:
    start = figures.start.commune
    return (
        f"{_when_start(figures)}, {_whole(figures)} có {_households(start.poor.households)} nghèo, "
        f"tỷ lệ {_rate_text(start.poor.rate)}; {_households(start.near_poor.households)} cận "
        f"nghèo, tỷ lệ {_rate_text(start.near_poor.rate)}."
    )


def _ethnic_minority(figures: ReportFigures) -> str:
    end, start = figures.end.commune, figures.start.commune
    if not end.ethnic_minority_households:
        return f"{_whole(figures).capitalize()} không có hộ dân tộc thiểu số."
    return (
        f"{_when_end(figures)}, có {_households(end.poor.ethnic_minority)} nghèo là hộ dân tộc "
        f"thiểu số, tỷ lệ {_rate_text(end.poor.ethnic_minority_rate)} số hộ dân tộc thiểu số "
        f"(cuối năm {figures.start.year}: {_households(start.poor.ethnic_minority)}, tỷ lệ "
        f"{_rate_text(start.poor.ethnic_minority_rate)}); "
        f"{_households(end.near_poor.ethnic_minority)} cận nghèo là hộ dân tộc thiểu số, tỷ lệ "
        f"{_rate_text(end.near_poor.ethnic_minority_rate)}."
    )


def _movement_sentence(figures: ReportFigures, status: str) -> str:
    moved: Movements = getattr(figures.commune_movements, status)
    parts = [
        f"{_households(getattr(moved, column).households)} {MOVEMENT_LABELS[movement]}"
        for column, movement in LIST_MOVEMENTS[status].items()
    ]
    down, up = parts[: len(DECREASES)], parts[len(DECREASES) :]
    return (
        f"{_during(figures)}, {LIST_LABELS[status]} giảm {_households(moved.decreases.households)}"
        f" ({', '.join(down)}) và tăng {_households(moved.increases.households)} "
        f"({', '.join(up)})."
    )


def _groups_sentence(figures: ReportFigures, status: str) -> str:
    found = next(g for g in figures.groups if g.status == status)
    parts = [
        f"{_households(count.households)} {GROUP_LABELS[group].removeprefix('hộ ')} "
        f"({format_number(count.members)} người)"
        for group, count in found.groups
    ]
    return (
        f"Trong số {_households(found.total.households)} {LIST_LABELS[status].removeprefix('hộ ')}"
        f" ({format_number(found.total.members)} người): {'; '.join(parts)}."
    )


def _target_sentence(target: TargetFigure, services: Mapping[str, ServiceFigure]) -> str:
    text = f"{target.label}: chỉ tiêu {_value(target.target, target.unit)}"
    if target.achieved is None:
        service = services.get(target.code)
        if service is not None and service.base == 0:
            return f"{text}; chưa có câu trả lời nào trong phiếu của các hộ nghèo, cận nghèo."
        return f"{text}; {NOT_IN_SOFTWARE}."
    if target.code.endswith("_reduction"):
        achieved = _change(int(target.achieved))
    else:
        achieved = (
            _rate_text(target.achieved)
            if target.code.endswith("_rate")
            else _value(target.achieved, "%")
        )
    text += f", thực hiện {achieved}"
    service = services.get(target.code)
    if service is not None:
        text += f" ({format_number(service.count)}/{format_number(service.base)} {service.unit}"
        if service.unknown:
            text += f"; {format_number(service.unknown)} {service.unit} chưa có thông tin"
        text += ")"
    if target.share_of_target is not None and target.achieved > 0:
        text += f", đạt {format_number(target.share_of_target, 1)}% so với chỉ tiêu"
    return f"{text} ({'đạt' if target.reached else 'không đạt'})."


def _targets_summary(figures: ReportFigures) -> str:
    if not figures.targets:
        return f"Chưa nhập chỉ tiêu cho {figures.period.label}."
    met, measured = targets_met(figures.targets)
    text = (
        f"Kết quả thực hiện chỉ tiêu {figures.period.label}: đạt "
        f"{met}/{measured} chỉ tiêu có số liệu"
    )
    missing = len(figures.targets) - measured
    return text + (f"; {missing} chỉ tiêu {NOT_IN_SOFTWARE}." if missing else ".")


def communes_targets_summary(figures: ReportFigures, met: int, measured: int) -> str:
    """An office's sentence on the targets: the communes' own counts added up (each commune's
    targets against its own figures, as its report says), then the reduction targets that add
    up across communes, against the consolidated figures."""
    area = COMMUNE_WORDS.get(figures.commune.kind, figures.commune.kind)
    text = (
        f"Kết quả thực hiện chỉ tiêu {figures.period.label}: các xã đạt tổng cộng "
        f"{met}/{measured} chỉ tiêu có số liệu (mỗi xã so với chỉ tiêu được giao của xã)"
    )
    summed_met, summed = targets_met(figures.targets)
    if summed:
        text += (
            f"; cộng toàn {area}, chỉ tiêu giảm hộ nghèo, hộ cận nghèo đạt {summed_met}/{summed}"
        )
    return text + "."


def _money(total: BudgetTotal) -> str:
    if not total.allocated:
        return "chưa được phân bổ kinh phí"
    return (
        f"phân bổ {format_money(total.allocated)}, giải ngân {format_money(total.disbursed)}, "
        f"đạt {format_decimal(total.rate or 0)}%"
    )


def _budget_years(budget: BudgetFigures) -> str:
    if budget.first == budget.last:
        return f"năm {budget.first}"
    return f"giai đoạn {budget.first} - {budget.last}"


def sentences(figures: ReportFigures) -> dict[str, str]:
    """The Vietnamese sentences of the figures, by key (SENTENCE_KEYS, then "target.<code>" and
    "budget.<programme>.<project>" for each target and project)."""
    budget = figures.budget
    services = {s.code: s for s in figures.services}
    written = {
        "commune": _commune(figures),
        "start_lists": _start_lists(figures),
        "end_lists": _end_lists(figures),
        "ethnic_minority": _ethnic_minority(figures),
        "movements_poor": _movement_sentence(figures, "poor"),
        "movements_near_poor": _movement_sentence(figures, "near_poor"),
        "groups_poor": _groups_sentence(figures, "poor"),
        "groups_near_poor": _groups_sentence(figures, "near_poor"),
        "targets": _targets_summary(figures),
        "budget": (
            f"Kinh phí thực hiện Chương trình {_budget_years(budget)}: {_money(budget.total)}."
        ),
        "budget_sources": "Theo nguồn vốn: "
        + ("; ".join(f"{s.name}: {_money(s)}" for s in budget.sources) or "chưa có số liệu")
        + ".",
    }
    for target in figures.targets:
        written[f"target.{target.code}"] = _target_sentence(target, services)
    for project in budget.projects:
        written[f"budget.{project.programme_id}.{project.code}"] = (
            f"{project.name}: {_money(project)}."
        )
    return written
