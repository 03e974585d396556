"""Saving a tablet import: every good submission as a complete Phiếu B (and its Phiếu A, when
it answers one), in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from gnapp.core.record import RecordError
from gnapp.i18n import tr
from gnapp.importers.reading import ImportFileError
from gnapp.progress import Progress
from gnapp.review.tablet.plan import TabletPlan
from gnapp.review.workflow import save_survey
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError


@dataclass(frozen=True)
class TabletResult:
    saved: int
    classes: dict[str, int]  # class code -> households


def apply_tablet_import(
    cdb: CommuneDatabase,
    plan: TabletPlan,
    *,
    reviewer: str | None = None,
    progress: Progress | None = None,
) -> TabletResult:
    """Save every good submission as a complete Phiếu B of the round (first its Phiếu A, when it
    answers one; a household not eligible has no Phiếu B), all in one transaction (nothing is
    kept when one fails or the user cancels)."""
    good = plan.to_save()
    if not good:
        raise ImportFileError(tr("Không có phiếu nào nhập được từ tệp này."))
    classes: dict[str, int] = {}
    with cdb.transaction():
        for number, submission in enumerate(good):
            if progress is not None:
                progress(number, len(good), tr("Đang ghi phiếu hộ {code}…", code=submission.code))
            assert submission.household_id is not None
            saved = [("A", submission.screening, submission.screening_member_ids),
                     ("B", submission.record, submission.member_ids)]  # fmt: skip
            result = None
            try:
                for form, record, member_ids in saved:
                    if record is not None:
                        result = save_survey(
                            cdb, plan.round_id, submission.household_id, record, member_ids,
                            form=form, complete=True, reviewer=submission.reviewer or reviewer,
                            surveyed_on=submission.surveyed_on,
                        )  # fmt: skip
            except (RecordError, DatabaseError, ValueError) as error:
                raise ImportFileError(
                    tr(
                        "Tệp {file}, trang “{sheet}”, dòng {row}, hộ {code}: {error}. Chưa ghi "
                        "phiếu nào.",
                        file=submission.file,
                        sheet=submission.sheet,
                        row=submission.row,
                        code=submission.code,
                        error=error,
                    )
                ) from error
            code = result.class_code if result is not None else submission.class_code
            if code:
                classes[code] = classes.get(code, 0) + 1
        if progress is not None:
            progress(len(good), len(good), tr("Đã ghi xong"))
    return TabletResult(len(good), classes)
