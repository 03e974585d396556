"""Writing a review document to a file (PDF, or XLSX for the lists), or every file of a kind
into a folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils

from gnapp.core.vietnamese import fold, local_time
from gnapp.i18n import tr
from gnapp.progress import Progress
from gnapp.reporting.document import OfficialDocument
from gnapp.reporting.issuer import signing_warnings
from gnapp.reporting.pdf import write_pdf_documents
from gnapp.reporting.tables import Table
from gnapp.reporting.xlsx import Heading, new_workbook, save_workbook, write_table
from gnapp.review.documents.certificates import certificate_documents
from gnapp.review.documents.common import DocumentError, round_context
from gnapp.review.documents.decision import decision_document, decision_sheets
from gnapp.review.documents.minutes import minutes_documents
from gnapp.review.documents.notice import notice_document, notice_sheets
from gnapp.review.documents.questionnaires import questionnaire_documents
from gnapp.review.documents.review_list import review_list_document, review_list_sheets
from gnapp.store.register import find_village, village_name
from gnapp.store.review import round_year, villages_that_met

KINDS = ("list", "questionnaire", "minutes", "notice", "decision", "certificates")
XLSX_KINDS = ("list", "notice", "decision")
# File names of the documents written into a folder (the app's "Tài liệu" menu).
FILE_STEMS = {
    "list": "danh-sach-ho-can-ra-soat",
    "questionnaire": "phieu-ra-soat",
    "minutes": "bien-ban-hop-dan",
    "notice": "thong-bao-niem-yet",
    "decision": "quyet-dinh-cong-nhan",
    "certificates": "giay-chung-nhan",
}


# The kind of official document (forms/documents/issuers.json) each signed document is.
OFFICIAL_KINDS = {
    "list": "review_list",
    "notice": "notice",
    "decision": "decision",
    "certificates": "certificate",
}


def document_notes(
    db: sqlite_utils.Database, round_id: int, kind: str, on: date | None = None
) -> list[str]:
    """What to tell the clerk before writing the round's ``kind`` document (``on``: the date
    asked for, today when None): a signer without a name, a legal basis not confirmed or issued
    after the document's date (the decision's once recognised); empty for documents the
    commune does not sign."""
    if kind not in OFFICIAL_KINDS:
        return []
    context = round_context(db, round_id)
    dated = context.found.decided_on or on or date.today()
    return signing_warnings(db, OFFICIAL_KINDS[kind], context.slots, on=dated)


@dataclass(frozen=True)
class Written:
    path: Path
    documents: int


# Documents made before a round's decision: the list of households to review, the questionnaires.
BEFORE_THE_DECISION = ("list", "questionnaire")


def default_day(db: sqlite_utils.Database, round_id: int, kind: str) -> date:
    """The day a document of the round bears when none is asked: today; but the list and the
    questionnaires of a round already recognised, written before its decision, bear the day
    the round was opened (the decision's, if the round was entered in GNApp after it) rather
    than a day after the decision that closed them."""
    found = round_context(db, round_id).found
    if kind in BEFORE_THE_DECISION and found.decided_on is not None:
        return min(local_time(found.opened_at).date(), found.decided_on)
    return date.today()


def _village_id(db: sqlite_utils.Database, village: str | int | None) -> int | None:
    if village is None or isinstance(village, int):
        return village
    found = find_village(db, village)
    if found is None:
        raise DocumentError(tr("Không có thôn “{village}” trong dữ liệu xã.", village=village))
    return found


def _write_sheets(
    db: sqlite_utils.Database,
    round_id: int,
    kind: str,
    target: Path,
    village_id: int | None,
    on: date,
    progress: Progress | None,
) -> Written:
    if kind not in XLSX_KINDS:
        raise DocumentError(
            tr(
                "Văn bản “{kind}” chỉ xuất được PDF (XLSX có: {kinds}).",
                kind=kind,
                kinds=", ".join(XLSX_KINDS),
            )
        )
    context = round_context(db, round_id)
    makers: dict[str, Callable[[], list[tuple[Table, Heading]]]] = {
        "list": lambda: review_list_sheets(context, village_id, on),
        "notice": lambda: notice_sheets(context),
        "decision": lambda: decision_sheets(context, on),
    }
    sheets = makers[kind]()
    workbook = new_workbook()
    for table, heading in sheets:
        write_table(workbook, table, heading, progress)
    return Written(save_workbook(workbook, target), len(sheets))


def write_document(
    db: sqlite_utils.Database,
    round_id: int,
    kind: str,
    path: str | Path,
    *,
    village: str | int | None = None,
    household_code: str | None = None,
    on: date | None = None,
    progress: Progress | None = None,
) -> Written:
    """Write the round's ``kind`` document (KINDS) to ``path``: XLSX when the name ends in
    .xlsx (XLSX_KINDS), PDF otherwise; replaced only once the new file is complete."""
    if kind not in KINDS:
        raise DocumentError(
            tr("Loại văn bản không hợp lệ: {kind} (có: {kinds})", kind=kind, kinds=", ".join(KINDS))
        )
    target = Path(path)
    if not target.parent.is_dir():
        raise DocumentError(
            tr("Không có thư mục {folder} để ghi {name}.", folder=target.parent, name=target.name)
        )
    today = on or default_day(db, round_id, kind)
    village_id = _village_id(db, village)
    if target.suffix.casefold() == ".xlsx":
        return _write_sheets(db, round_id, kind, target, village_id, today, progress)
    documents: list[OfficialDocument]
    if kind == "list":
        documents = [review_list_document(db, round_id, today, village_id)]
    elif kind == "questionnaire":
        documents = questionnaire_documents(
            db, round_id, today, household_code=household_code, village_id=village_id
        )
    elif kind == "minutes":
        if village_id is None:
            raise DocumentError(tr("Biên bản họp dân cần chọn thôn (--village)."))
        documents = minutes_documents(db, round_id, village_id)
    elif kind == "notice":
        documents = [notice_document(db, round_id)]
    elif kind == "decision":
        documents = [decision_document(db, round_id, today)]
    else:
        documents = certificate_documents(
            db, round_id, village_id=village_id, household_code=household_code
        )
    return Written(write_pdf_documents(documents, target, progress), len(documents))


def _file_word(db: sqlite_utils.Database, village_id: int) -> str:
    """A village's name for a file name: "Nước Nẻ" -> "nuoc-ne"."""
    return fold(village_name(db, village_id)).replace(" ", "-")


def write_into_folder(
    db: sqlite_utils.Database,
    round_id: int,
    kind: str,
    folder: str | Path,
    *,
    village_id: int | None = None,
    on: date | None = None,
) -> list[Path]:
    """Write the round's ``kind`` document into ``folder``: the PDF, and the XLSX where there is
    one; the minutes of every village that met when no village is given. Return the files."""
    year = round_year(db, round_id)
    if year is None:
        raise DocumentError(tr("Không tìm thấy đợt rà soát mã {round_id}", round_id=round_id))
    stem, folder = f"{FILE_STEMS[kind]}-{year}", Path(folder)
    if kind == "minutes":
        villages = [village_id] if village_id is not None else villages_that_met(db, round_id)
        if not villages:
            raise DocumentError(tr("Chưa có cuộc họp dân nào trong đợt rà soát này."))
        return [
            write_document(
                db, round_id, kind, folder / f"{stem}-{_file_word(db, v)}.pdf", village=v, on=on
            ).path
            for v in villages
        ]
    if village_id is not None:
        stem += f"-{_file_word(db, village_id)}"
    endings = (".pdf", ".xlsx") if kind in XLSX_KINDS else (".pdf",)
    return [
        write_document(
            db, round_id, kind, folder / f"{stem}{ending}", village=village_id, on=on
        ).path
        for ending in endings
    ]
