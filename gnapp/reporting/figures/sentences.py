"""The Vietnamese sentences a report writes from its figures, the way the seed reports do
("còn 1.810 hộ nghèo, tỷ lệ 2,88% (giảm 651 hộ, đạt 232,5% so với chỉ tiêu giao)")."""

from __future__ import annotations

from datetime import date

from gnapp.core.movements import escaped_poverty_summary, movement_words
from gnapp.core.vietnamese import format_date, format_decimal, format_money, format_number
from gnapp.reporting.figures.compute import (
    DECREASES,
    GROUP_LABELS,
    LIST_LABELS,
    LIST_MOVEMENTS,
    REDUCTION_TARGETS,
    ZERO,
    BudgetFigures,
    BudgetTotal,
    GoalFigure,
    Movements,
    ReportFigures,
    Snapshot,
    TargetFigure,
    targets_met,
)
from gnapp.reporting.figures.output_sentences import output_sentences
from gnapp.reporting.issuer import KIND_WORDS
from gnapp.store.programme import target_kinds

# "toàn xã", ...; district and province: the receiving office's consolidated figures
COMMUNE_WORDS = {kind: word.lower() for kind, word in KIND_WORDS.items()} | {
    "district": "huyện",
    "province": "tỉnh",
}
# Paid in a half-year's year on a day not recorded: said apart, never counted in the half-year
UNDATED = "chưa ghi ngày giải ngân"
# A figure the commune does not hold yet: a line the clerk fills in by hand
DOTS = "……………………"
NOT_RECORDED = f"thực hiện {DOTS}"

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
        return f"Đến ngày {_day(figures.end.on)}"
    return f"Đến cuối năm {figures.end.year}"


def _day(iso: str) -> str:
    return format_date(date.fromisoformat(iso))


def _source(snapshot: Snapshot) -> str:
    """The decision a recognised year's figures are quoted from, and its correction."""
    official = snapshot.official
    if official is None:
        return ""
    text = (
        f" (số liệu chính thức năm {snapshot.year} theo Quyết định số "
        f"{official.recognition_number} ngày {_day(official.recognition_date)}"
    )
    if official.corrected:
        text += (
            f"; số liệu đã được điều chỉnh theo Quyết định số {official.decision_number} ngày "
            f"{_day(official.decision_date)}"
        )
    return text + ")"


def progress_words(figures: ReportFigures) -> str:
    """ "tiến độ đến 30/6": a year's target seen before the year's end."""
    on = date.fromisoformat(figures.end.on)
    return f"tiến độ đến {on.day}/{on.month}"


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
    if len(figures.movement_years) > 1:  # a year's target is not the period's
        return note
    if target is not None and target.reached is None:
        year_target = f"chỉ tiêu năm {target.giver}" if target.giver else "chỉ tiêu năm"
        return note + (
            f"; {year_target} giảm {_value(target.target, target.unit)}, {progress_words(figures)}"
        )
    if target is not None:
        assigned = f"chỉ tiêu {target.giver or 'giao'}"
        if moved.reduction > 0 and target.share_of_target is not None:
            note += f", đạt {format_number(target.share_of_target, 1)}% so với {assigned}"
        else:
            note += f"; {assigned} giảm {_value(target.target, target.unit)}"
    return note


def _whole(figures: ReportFigures) -> str:
    """The whole unit the figures are of: "toàn xã", "toàn phường", "toàn tỉnh"."""
    return f"toàn {COMMUNE_WORDS.get(figures.commune.kind, 'xã')}"


def _end_lists(figures: ReportFigures) -> str:
    end = figures.end.commune
    return (
        f"{_when_end(figures)}{_source(figures.end)}, {_whole(figures)} còn "
        f"{_households(end.poor.households)} nghèo, tỷ lệ {_rate_text(end.poor.rate)} "
        f"({_reduction_note(figures, 'poor')}); hộ cận nghèo còn "
        f"{_households(end.near_poor.households)}, tỷ lệ {_rate_text(end.near_poor.rate)} "
        f"({_reduction_note(figures, 'near_poor')})."
    )


def _start_lists(figures: ReportFigures) -> str:
    start = figures.start.commune
    return (
        f"{_when_start(figures)}{_source(figures.start)}, {_whole(figures)} có "
        f"{_households(start.poor.households)} nghèo, "
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
        f"{_households(getattr(moved, column).households)} {movement_words()[movement]}"
        for column, movement in LIST_MOVEMENTS[status].items()
    ]
    down, up = parts[: len(DECREASES)], parts[len(DECREASES) :]
    if status == "poor":  # the one vocabulary: "thoát nghèo N hộ, trong đó …"
        counts = {
            movement: getattr(moved, column).households
            for column, movement in LIST_MOVEMENTS[status].items()
        }
        down = [escaped_poverty_summary(counts)]
    # the register's events, when there were some: households and persons
    for kept, other, words in ((down, moved.other_down, "chuyển đi, tách hộ, …"),
                               (up, moved.other_up, "chuyển đến, tách hộ, …")):  # fmt: skip
        if other == ZERO:
            continue
        persons = f"{format_number(other.members)} người"
        # members who came or went while their household stayed on the list: no household
        # to count ("0 hộ … với 1 người" reads as a contradiction)
        kept.append(
            f"{persons} {words}"
            if other.households == 0
            else f"{_households(other.households)} {words} với {persons}"
        )
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


def target_label(target: TargetFigure, figures: ReportFigures) -> str:
    """A target's label; a reduction target of a period names its year."""
    if target.code in REDUCTION_TARGETS and len(figures.movement_years) > 1:
        year = f"năm {target.years[0]}"
        if "trong năm" in target.label:
            return target.label.replace("trong năm", year)
        return f"{target.label} ({year})"
    return target.label


def _target_sentence(target: TargetFigure, figures: ReportFigures) -> str:
    services = {s.code: s for s in figures.services}
    is_rate = target.code.endswith("_rate")  # a poverty rate: two decimals, as the seeds
    planned = _rate_text(target.target) if is_rate else _value(target.target, target.unit)
    assigned = f"chỉ tiêu {target.giver}" if target.giver else "chỉ tiêu"
    text = f"{target_label(target, figures)}: {assigned} {planned}"
    if target.achieved is None:
        service = services.get(target.code)
        if service is not None and service.base == 0:
            return f"{text}; chưa có câu trả lời nào trong phiếu của các hộ nghèo, cận nghèo."
        return f"{text}; {NOT_RECORDED}."
    if target.code.endswith("_reduction"):
        achieved = _change(int(target.achieved))
    else:
        achieved = (
            _rate_text(target.achieved)
            if target.code.endswith("_rate")
            else _value(target.achieved, target.unit)
        )
    text += f", thực hiện {achieved}"
    service = services.get(target.code)
    if service is not None:
        # the base named where it is not all the people or households listed (workers)
        measured = target_kinds().get(target.code, {}).get("measured_by_members", {})
        base = measured.get("base_words", service.unit)
        text += f" ({format_number(service.count)}/{format_number(service.base)} {base}"
        if service.unknown:
            text += f"; {format_number(service.unknown)} {service.unit} chưa có thông tin"
        text += ")"
    if target.share_of_target is not None and target.achieved > 0:
        text += f", đạt {format_number(target.share_of_target, 1)}% so với chỉ tiêu"
    if target.reached is None:
        return f"{text} ({progress_words(figures)}, chỉ tiêu cả năm)."
    return f"{text} ({'đạt' if target.reached else 'không đạt'})."


def _targets_summary(figures: ReportFigures) -> str:
    if not figures.targets:
        return f"Chưa nhập chỉ tiêu cho {figures.period.label}."
    met, measured = targets_met(figures.targets)
    if figures.end.current:
        text = (
            f"Tiến độ thực hiện chỉ tiêu năm {figures.end.year} "
            f"{progress_words(figures).removeprefix('tiến độ ')}: "
            f"{measured} chỉ tiêu có số liệu (chỉ tiêu cả năm, đánh giá vào cuối năm)"
        )
        missing = len(figures.targets) - measured
        return text + (f"; {missing} chỉ tiêu chưa có số liệu." if missing else ".")
    text = (
        f"Kết quả thực hiện chỉ tiêu {figures.period.label}: đạt "
        f"{met}/{measured} chỉ tiêu có số liệu"
    )
    missing = len(figures.targets) - measured
    return text + (f"; {missing} chỉ tiêu chưa có số liệu thực hiện." if missing else ".")


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


def _money(total: BudgetTotal, half_year: bool = False) -> str:
    """The money said as "phân bổ …, giải ngân …, đạt …%"; in a half-year the payments made
    in it, and apart what its year paid on a day not recorded."""
    if not total.allocated:
        return "chưa được phân bổ kinh phí"
    text = (
        f"phân bổ {format_money(total.allocated)}, giải ngân"
        + (" 6 tháng đầu năm" if half_year else "")
        + f" {format_money(total.disbursed)}, đạt {format_number(total.rate or 0, 2)}%"
    )
    return text + _undated(total)


def _undated(total: BudgetTotal) -> str:
    if not total.undated:
        return ""
    return f" (ngoài ra {format_money(total.undated)} {UNDATED}, không tính vào 6 tháng)"


def _budget_sentence(figures: ReportFigures) -> str:
    """The lead budget sentence; a half-year's counts the payments made on its days, of the
    year's allocation."""
    budget, total = figures.budget, figures.budget.total
    text = f"Kinh phí thực hiện Chương trình {_budget_years(budget)}"
    if figures.period.shape != "half_year" or not total.allocated:
        return f"{text}: {_money(total)}."
    return (
        f"{text}: phân bổ {format_money(total.allocated)}; 6 tháng đầu năm (từ ngày "
        f"01/01/{figures.period.first} đến ngày {format_date(figures.period.end_date)}) giải "
        f"ngân {format_money(total.disbursed)}, đạt {format_number(total.rate or 0, 2)}% kế "
        f"hoạch vốn năm{_undated(total)}."
    )


def _budget_years(budget: BudgetFigures) -> str:
    if budget.first == budget.last:
        return f"năm {budget.first}"
    return f"giai đoạn {budget.first} - {budget.last}"


def _goal_sentence(goal: GoalFigure) -> str:
    """A goal of the period: "Bình quân mỗi năm từ cuối năm 2022 đến cuối năm 2025, tỷ lệ hộ
    nghèo giảm 0,52% (cuối năm 2022: 4,06%; cuối năm 2025: 2,50%); mục tiêu của Chương
    trình: giảm 1 - 1,5%/năm (chưa đạt)"."""
    subject = goal.label.split(" giảm bình quân")[0]
    subject = subject[:1].lower() + subject[1:]
    when = f"Bình quân mỗi năm từ cuối năm {goal.first_year} đến cuối năm {goal.last_year}"
    average = goal.average_reduction
    if average is None:
        return f"{when}: {subject} không tính được (không có hộ dân tộc thiểu số)."
    text = (
        f"{when}, {subject} {'giảm' if average >= 0 else 'tăng'} {_rate_text(abs(average))} "
        f"(cuối năm {goal.first_year}: {_rate_text(goal.start_rate)}; cuối năm "
        f"{goal.last_year}: {_rate_text(goal.end_rate)})"
    )
    if goal.goal is None or goal.goal_text is None:
        return f"{text}; mục tiêu của Chương trình {goal.programme_id}: {DOTS}."
    verdict = "đạt" if goal.reached else "chưa đạt"
    return f"{text}; mục tiêu của Chương trình: {goal.goal_text} ({verdict})."


def target_key(target: TargetFigure, figures: ReportFigures) -> str:
    """A target's sentence key: "target.<code>", a reduction target of a period with its
    year ("target.poor_reduction.2023")."""
    key = f"target.{target.code}"
    if target.code in REDUCTION_TARGETS and len(figures.movement_years) > 1:
        return f"{key}.{target.years[0]}"
    return key


def sentences(figures: ReportFigures) -> dict[str, str]:
    """The Vietnamese sentences of the figures, by key (SENTENCE_KEYS, then "target.<code>" and
    "budget.<programme>.<project>" for each target and project)."""
    budget = figures.budget
    half_year = figures.period.shape == "half_year"
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
        "budget": _budget_sentence(figures),
        "budget_sources": "Theo nguồn vốn: "
        + (
            "; ".join(f"{s.name}: {_money(s, half_year)}" for s in budget.sources)
            or "chưa có số liệu"
        )
        + ".",
    }
    for target in figures.targets:
        written[target_key(target, figures)] = _target_sentence(target, figures)
    for goal in figures.goals:
        written[f"goal.{goal.code}"] = _goal_sentence(goal)
    for project in budget.projects:
        written[f"budget.{project.programme_id}.{project.code}"] = (
            f"{project.name}: {_money(project, half_year)}."
        )
    return written | output_sentences(figures.outputs, figures.period.label)
