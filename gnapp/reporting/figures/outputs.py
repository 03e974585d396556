"""Section II.2 of the progress reports: what each project and sub-project delivered (models,
classes, trainees, households supported), the general policies with their beneficiaries and
amounts, and the funding split into investment and recurrent capital with the funds carried
over from the year before (docs/figures.md, "Outputs of projects and policies")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from gnapp.data import read_form_json
from gnapp.reporting.figures.kinds import Period
from gnapp.store import activities as store
from gnapp.store.date_range import DateRange
from gnapp.store.programme import CAPITAL_KINDS, capital_counts, programme_ids, target_kinds

MODEL_KINDS = ("model", "production")  # activity kinds counted as models (mô hình, dự án)
CLASS_KINDS = ("training",)  # activity kinds counted as classes (lớp đào tạo, tập huấn)
UNCLASSIFIED = "Vốn chưa phân loại"


@dataclass(frozen=True)
class ProjectOutput:
    """What a project (its sub-projects included) or a sub-project delivered in a period."""

    programme_id: str
    code: str
    name: str
    activities: int
    models: int
    classes: int
    households: int  # distinct households among the beneficiaries
    persons: int  # distinct members named as beneficiaries
    trainees: int  # distinct members named as beneficiaries of classes
    supported: int  # đồng given to the beneficiaries


@dataclass(frozen=True)
class PolicyOutput:
    code: str
    label: str
    households: int
    persons: int
    benefits: int  # records: a household may receive a policy more than once
    amount: int


@dataclass(frozen=True)
class CapitalLine:
    """A kind of capital (None: lines not classified) and funding source of a programme."""

    programme_id: str
    capital: str | None
    capital_name: str
    funding_source: str
    funding_source_name: str
    allocated: int
    carried_over: int
    disbursed: int
    undated: int = 0  # a half-year's: paid on a day not recorded, outside ``disbursed``


@dataclass(frozen=True)
class OutputFigures:
    first: str  # the days counted (ISO)
    last: str
    projects: tuple[ProjectOutput, ...]
    policies: tuple[PolicyOutput, ...]
    capital: tuple[CapitalLine, ...]
    undated_activities: int  # activities of a half-year's year without a start date
    undated_policies: int
    measured: tuple[tuple[str, float], ...]  # target kind -> what the activities achieved

    @property
    def half_year(self) -> bool:
        """Whether the days are a part of a year (a 6-month report's): the budget's allocation
        is then the year's and its payments the half-year's."""
        return not DateRange(self.first, self.last).whole_years


def date_range(period: Period) -> DateRange:
    """The days a period covers: whole years, or 1 January to 30 June of a half-year."""
    return DateRange(f"{period.first}-01-01", period.end_date.isoformat())


def _programme_projects(programme_id: str) -> list[tuple[str, str, dict[str, str]]]:
    """(code, name, {code: name} of the project and its sub-projects) in the programme's order."""
    return [
        (
            project["code"],
            project["name"],
            {project["code"]: project["name"]}
            | {sub["code"]: sub["name"] for sub in project["sub_projects"]},
        )
        for project in read_form_json("programmes", f"{programme_id}.json")["projects"]
    ]


def _output(
    programme_id: str,
    code: str,
    name: str,
    activities: Sequence[Mapping[str, Any]],
    reached: Sequence[Mapping[str, Any]],
) -> ProjectOutput:
    members = {r["member_id"] for r in reached if r["member_id"] is not None}
    trainees = {
        r["member_id"] for r in reached if r["member_id"] is not None and r["kind"] in CLASS_KINDS
    }
    return ProjectOutput(
        programme_id,
        code,
        name,
        activities=len(activities),
        models=sum(a["kind"] in MODEL_KINDS for a in activities),
        classes=sum(a["kind"] in CLASS_KINDS for a in activities),
        households=len({r["household_id"] for r in reached}),
        persons=len(members),
        trainees=len(trainees),
        supported=sum(r["amount"] or 0 for r in reached),
    )


def project_outputs(
    activities: Sequence[Mapping[str, Any]], reached: Sequence[Mapping[str, Any]]
) -> tuple[ProjectOutput, ...]:
    """A row per project with activities (its sub-projects included), then one per sub-project
    with activities, in each programme's order."""
    rows = []
    for programme_id in sorted({a["programme_id"] for a in activities}):
        for code, name, names in _programme_projects(programme_id):
            mine = [
                a
                for a in activities
                if a["programme_id"] == programme_id and a["project_code"] in names
            ]
            if not mine:
                continue
            ids = {a["id"] for a in mine}
            rows.append(
                _output(
                    programme_id, code, name, mine, [r for r in reached if r["activity_id"] in ids]
                )
            )
            for sub in list(names)[1:]:
                of_sub = [a for a in mine if a["project_code"] == sub]
                if of_sub:
                    sub_ids = {a["id"] for a in of_sub}
                    sub_reached = [r for r in reached if r["activity_id"] in sub_ids]
                    rows.append(_output(programme_id, sub, names[sub], of_sub, sub_reached))
    return tuple(rows)


def capital_lines(rows: Iterable[Mapping[str, Any]]) -> tuple[CapitalLine, ...]:
    """The budget sums by programme, kind of capital (investment, recurrent, then lines not
    classified) and funding source, in the programme's order of sources."""
    found = list(rows)
    lines = []
    kinds: list[str | None] = [*CAPITAL_KINDS, None]
    for programme_id in sorted({r["programme_id"] for r in found}):
        sources = {
            s["code"]: s["name"]
            for s in read_form_json("programmes", f"{programme_id}.json")["funding_sources"]
        }
        for capital in kinds:
            for source, source_name in sources.items():
                row = next(
                    (
                        r
                        for r in found
                        if (r["programme_id"], r["capital"], r["funding_source"])
                        == (programme_id, capital, source)
                    ),
                    None,
                )
                if row is not None:
                    lines.append(
                        CapitalLine(
                            programme_id,
                            capital,
                            CAPITAL_KINDS.get(capital or "", UNCLASSIFIED),
                            source,
                            source_name,
                            row["allocated"],
                            row["carried_over"],
                            row["disbursed"],
                            row["undated"],
                        )
                    )
    return tuple(lines)


def measured_targets(
    activities: Sequence[Mapping[str, Any]], reached: Sequence[Mapping[str, Any]]
) -> tuple[tuple[str, float], ...]:
    """Targets the activities measure (``measured_by_projects`` of a target kind in
    forms/programmes/target-kinds.json): the distinct persons their activities reached. A kind
    none of whose projects had an activity in the period is not measured."""
    measured = []
    for code, kind in target_kinds().items():
        projects = kind.get("measured_by_projects")
        if not projects:
            continue
        chosen = {
            a["id"] for a in activities if a["project_code"] in projects.get(a["programme_id"], ())
        }
        if chosen:
            persons = {
                r["member_id"]
                for r in reached
                if r["activity_id"] in chosen and r["member_id"] is not None
            }
            measured.append((code, float(len(persons))))
    return tuple(measured)


def output_figures(db: sqlite_utils.Database, period: Period) -> OutputFigures:
    """Section II.2's figures of a period: activities by start date, policies by the date
    received, budget lines of the period's years with the payments made on its days."""
    days = date_range(period)
    activities = store.activities_in(db, days)
    reached = store.beneficiaries_in(db, days)
    counted = store.policy_counts_in(db, days)
    programmes = set(programme_ids())
    return OutputFigures(
        days.first,
        days.last,
        project_outputs([a for a in activities if a["programme_id"] in programmes], reached),
        tuple(
            PolicyOutput(code, label, *counted.get(code, (0, 0, 0, 0)))
            for code, label in store.POLICIES.items()
        ),
        capital_lines(capital_counts(db, days)),
        store.undated_activities(db, days),
        store.undated_policy_benefits(db, days),
        measured_targets(activities, reached),
    )
