"""Report kinds and periods: the kinds of forms/reports/kinds/ (their periods, figure sets,
tables and outline), the periods a report covers, and the error figures raise."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from gnapp.data import form_file, read_form_json
from gnapp.i18n import Translate, as_written, tr

PERIOD_SHAPES = ("year", "half_year", "span")
# Fixed sentence keys; "target.<code>", "budget.<programme>.<project>" and (a period's
# evaluation) "goal.<code>" are added per figure.
SENTENCE_KEYS = (
    "commune",
    "start_lists",
    "end_lists",
    "ethnic_minority",
    "movements_poor",
    "movements_near_poor",
    "groups_poor",
    "groups_near_poor",
    "targets",
    "budget",
    "budget_sources",
    "outputs",
    "policies",
    "capital",
)
SENTENCE_PREFIXES = ("target.", "budget.", "output.", "policy.", "goal.")


class FiguresError(ValueError):
    """Figures that cannot be computed or a report kind that cannot be used (through tr())."""


@dataclass(frozen=True)
class Period:
    """A year ("2025"), its first half ("2025-H1") or a span of years ("2021-2025")."""

    shape: str
    first: int
    last: int

    @property
    def code(self) -> str:
        if self.shape == "half_year":
            return f"{self.first}-H1"
        return str(self.first) if self.shape == "year" else f"{self.first}-{self.last}"

    @property
    def label(self) -> str:
        """The period as documents name it ("6 tháng đầu năm 2025")."""
        return self.label_in(as_written)

    def label_in(self, translate: Translate) -> str:
        """The period in ``translate``'s language: ``tr`` where a message names it."""
        if self.shape == "half_year":
            return translate("6 tháng đầu năm {year}", year=self.first)
        if self.shape == "year":
            return translate("năm {year}", year=self.first)
        return translate("giai đoạn {first} - {last}", first=self.first, last=self.last)

    @property
    def end_date(self) -> date:
        """The date the report speaks of: 30 June for a half-year, else 31 December."""
        return date(self.last, 6, 30) if self.shape == "half_year" else date(self.last, 12, 31)


def report_title(name: str, period: Period) -> str:
    """A kind's name with its period, the words they share said once: "Báo cáo năm 2025",
    "Báo cáo 6 tháng đầu năm 2025", "Báo cáo đột xuất năm 2023"."""
    words, label = name.split(), period.label.split()
    overlap = max(
        (n for n in range(1, min(len(words), len(label)) + 1) if words[-n:] == label[:n]),
        default=0,
    )
    return " ".join(words[: len(words) - overlap] + label)


_PERIOD = re.compile(r"^\s*(\d{4})(?:\s*-\s*(H1|\d{4}))?\s*$", re.IGNORECASE)


def parse_period(text: str) -> Period:
    """Read "2025", "2025-H1" or "2021-2025"."""
    match = _PERIOD.match(text)
    if not match:
        raise FiguresError(
            tr(
                "Kỳ báo cáo “{text}” không hợp lệ: ghi năm (2025), 6 tháng đầu năm (2025-H1) "
                "hoặc giai đoạn (2021-2025).",
                text=text,
            )
        )
    first, second = int(match[1]), match[2]
    if second is None:
        return Period("year", first, first)
    if second.upper() == "H1":
        return Period("half_year", first, first)
    if int(second) <= first:
        raise FiguresError(tr("Giai đoạn “{text}”: năm cuối phải sau năm đầu.", text=text))
    return Period("span", first, int(second))


@dataclass(frozen=True)
class Section:
    """A heading of the report's outline: the figures' sentences and tables it holds, and
    whether the clerk writes prose there."""

    number: str
    title: str
    sentences: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    narrative: bool = False
    parts: tuple[Section, ...] = ()


@dataclass(frozen=True)
class ReportKind:
    code: str
    name: str
    # the title's subject line; {period}, {commune} and {programme_period} (the programme's
    # own "giai đoạn 2021-2025", as the seeds write a mid-term review's) are filled in
    subject: str
    period_shapes: tuple[str, ...]
    default_span: Mapping[str, Any] | None
    figure_sets: tuple[str, ...]
    choose_figure_sets: bool
    tables: tuple[str, ...]
    outline: tuple[Section, ...]
    annexes: tuple[str, ...]
    source: str
    status: str
    confirmed: bool
    # the most collectives and individuals proposed for awards ({"collective": 15, ...})
    award_limits: Mapping[str, int] = field(default_factory=dict)


def report_tables() -> dict[str, dict[str, Any]]:
    """The tables a report can hold (forms/reports/tables.json), by id."""
    return {table["id"]: table for table in read_form_json("reports", "tables.json")["tables"]}


FIGURE_SETS = (
    "commune",
    "start_lists",
    "end_lists",
    "movements",
    "targets",
    "services",
    "budget",
    "groups",
    "outputs",
)
FIGURE_SET_LABELS = {
    "commune": "Đặc điểm của xã: số thôn, số hộ, số nhân khẩu",
    "start_lists": "Hộ nghèo, hộ cận nghèo đầu kỳ",
    "end_lists": "Hộ nghèo, hộ cận nghèo cuối kỳ, hộ dân tộc thiểu số, biểu đồ tỷ lệ",
    "movements": "Biến động hộ nghèo, hộ cận nghèo",
    "targets": "Kết quả thực hiện các chỉ tiêu",
    "services": "Tiếp cận dịch vụ xã hội cơ bản (chỉ tiêu tính từ phiếu của hộ)",
    "budget": "Kinh phí theo dự án, tiểu dự án và nguồn vốn",
    "groups": "Hộ nghèo, hộ cận nghèo theo nhóm đối tượng",
    "outputs": "Kết quả các dự án, tiểu dự án (mô hình, lớp, học viên, hộ được hỗ trợ) và chính "
    "sách giảm nghèo chung",
}
# The figure set each fixed sentence shows; "target.<code>" shows targets (and services when
# a service measures it), "budget.<...>" the budget.
SENTENCE_SETS = {
    "commune": "commune",
    "start_lists": "start_lists",
    "end_lists": "end_lists",
    "ethnic_minority": "end_lists",
    "movements_poor": "movements",
    "movements_near_poor": "movements",
    "groups_poor": "groups",
    "groups_near_poor": "groups",
    "targets": "targets",
    "budget": "budget",
    "budget_sources": "budget",
    "outputs": "outputs",
    "policies": "outputs",
    "capital": "budget",
}


def sentence_figure_sets(key: str, service_codes: Sequence[str] = ()) -> frozenset[str]:
    """The figure sets a sentence key (or a section's "target.*" / "budget.*") shows; it is
    left out of a report that chooses none of them."""
    if key.startswith("budget."):
        return frozenset({"budget"})
    if key.startswith(("output.", "policy.")):
        return frozenset({"outputs"})
    if key.startswith("goal."):
        return frozenset({"targets"})
    if key.startswith("target."):
        code = key.removeprefix("target.")
        measured = code == "*" or code in service_codes
        return frozenset({"targets", "services"} if measured else {"targets"})
    return frozenset({SENTENCE_SETS[key]})


def table_figure_sets(table_id: str) -> frozenset[str]:
    """The figure sets a table shows (its "figures" in forms/reports/tables.json)."""
    return frozenset(report_tables()[table_id]["figures"])


def _section(raw: Mapping[str, Any], file: str, tables: Mapping[str, Any]) -> Section:
    for key in raw.get("sentences", ()):
        if key not in SENTENCE_KEYS and not (key.endswith("*") and key[:-1] in SENTENCE_PREFIXES):
            raise FiguresError(
                tr("Tệp forms/reports/{file}: câu số liệu không có: {key}", file=file, key=key)
            )
    for table in raw.get("tables", ()):
        if table not in tables:
            raise FiguresError(
                tr("Tệp forms/reports/{file}: bảng không có: {table}", file=file, table=table)
            )
    return Section(
        number=raw["number"],
        title=raw["title"],
        sentences=tuple(raw.get("sentences", ())),
        tables=tuple(raw.get("tables", ())),
        narrative=raw.get("narrative", False),
        parts=tuple(_section(part, file, tables) for part in raw.get("parts", ())),
    )


@cache
def report_kinds() -> dict[str, ReportKind]:
    """The report kinds of forms/reports/kinds/*.json, by code."""
    tables = report_tables()
    kinds = {}
    files = sorted(f for f in form_file("reports", "kinds").iterdir() if f.name.endswith(".json"))
    for file in files:
        raw = read_form_json("reports", "kinds", file.name)
        name = f"kinds/{file.name}"
        unknown = set(raw["figure_sets"]) - set(FIGURE_SETS)
        unknown |= set(raw["tables"]) - set(tables)
        unknown |= set(raw["period_shapes"]) - set(PERIOD_SHAPES)
        if unknown:
            raise FiguresError(
                tr(
                    "Tệp forms/reports/{file}: không biết {unknown}",
                    file=name,
                    unknown=", ".join(sorted(unknown)),
                )
            )
        kinds[raw["code"]] = ReportKind(
            code=raw["code"],
            name=raw["name"],
            subject=raw["subject"],
            period_shapes=tuple(raw["period_shapes"]),
            default_span=raw.get("default_span"),
            figure_sets=tuple(raw["figure_sets"]),
            choose_figure_sets=raw.get("choose_figure_sets", False),
            tables=tuple(raw["tables"]),
            outline=tuple(_section(s, name, tables) for s in raw["outline"]),
            annexes=tuple(raw.get("annexes", ())),
            source=raw["source"],
            status=raw["status"],
            confirmed=raw["confirmed"],
            award_limits={
                who: int(limit)
                for who, limit in raw.get("award_limits", {}).items()
                if who in ("collective", "individual")
            },
        )
    return kinds


def report_kind(code: str) -> ReportKind:
    kinds = report_kinds()
    if code not in kinds:
        raise FiguresError(
            tr("Loại báo cáo không có: {code} (có: {known})", code=code, known=", ".join(kinds))
        )
    return kinds[code]


def default_period(kind: ReportKind, year: int) -> Period:
    """The period a kind reports on when made in ``year``: the year (or its first half), or
    for a review of the programme the span its ``default_span`` names."""
    shape = kind.period_shapes[0]
    if shape != "span":
        return Period(shape, year, year)
    programme = next(
        p
        for p in (
            read_form_json("programmes", f.name)
            for f in form_file("programmes").iterdir()
            if f.name.endswith(".json") and f.name[:4].isdigit()
        )
        if p["years"][0] <= year <= p["years"][1]
    )
    first, last = programme["years"]
    span = kind.default_span or {}
    if "years" in span:
        last = min(last, first + span["years"] - 1)
    return Period("span", first, last)
