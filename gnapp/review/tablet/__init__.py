"""Questionnaires captured on tablets (KoBoToolbox, ODK Central / Collect) read into a review round.

The export holds one row per submission (the household) and, in a repeat sheet or file, one row
per member, linked by ``_index`` / ``_parent_index`` (KoBo) or ``KEY`` / ``PARENT_KEY`` (ODK
Central). Columns are the household record's fields (forms/household-record.schema.json) written
as paths ("income/monthly_per_capita", "members/full_name", any group prefix before them, "/",
"." or "-" between the parts), their Vietnamese labels, or what a saved mapping says.

The stages, as in gnapp.importers: ``fields`` (what a column can fill), ``mapping`` (which
column holds which field), ``cells`` (a cell's value), ``reading`` (the files),
``plan`` (``plan_tablet_import`` only reads and checks: the preview), ``apply``
(``apply_tablet_import`` saves every good submission as a complete Phiếu B, and its Phiếu A
when it answers one, in one transaction)
and ``report`` (the problems as a spreadsheet). See docs/tablet-import.md.
"""

from gnapp.review.tablet.apply import TabletResult, apply_tablet_import
from gnapp.review.tablet.fields import HOUSEHOLD, MEMBER, QUESTIONNAIRE, Field, tablet_fields
from gnapp.review.tablet.mapping import ColumnRole, SavedMapping, column_role, load_mapping
from gnapp.review.tablet.plan import (
    ERROR,
    WARNING,
    Submission,
    TabletPlan,
    TabletProblem,
    plan_tablet_import,
)
from gnapp.review.tablet.reading import Export, read_export
from gnapp.review.tablet.report import SEVERITY_LABELS, write_problem_report

__all__ = [
    "ERROR",
    "HOUSEHOLD",
    "MEMBER",
    "QUESTIONNAIRE",
    "SEVERITY_LABELS",
    "WARNING",
    "ColumnRole",
    "Export",
    "Field",
    "SavedMapping",
    "Submission",
    "TabletPlan",
    "TabletProblem",
    "TabletResult",
    "apply_tablet_import",
    "column_role",
    "load_mapping",
    "plan_tablet_import",
    "read_export",
    "tablet_fields",
    "write_problem_report",
]
