"""The review's official documents: the review list, the filled questionnaires, the minutes of
the village meetings, the posting notice, the recognition decision and the certificates, a
module each (docs/review-documents.md).

Each is an ``OfficialDocument`` laid out by ``gnapp.reporting.pdf`` (header, signing block and
"Nơi nhận" from the commune's settings, as every document of the commune); the lists are
``gnapp.reporting.tables`` tables built once, laid out in the PDF and written as XLSX sheets.
The wording and the column headings are data (forms/review/documents.json), the figures are
read from the round (``gnapp.review.progress.household_states``). A document whose data are not
there yet is refused with a Vietnamese message (``DocumentError``); the decision before
recognition is written as a draft marked "DỰ THẢO" once every household has been agreed at its
meeting and no complaint is open.
"""

from gnapp.review.documents.certificates import certificate_documents
from gnapp.review.documents.common import (
    DocumentError,
    ListCount,
    list_counts,
    on_list,
    texts,
    village_label,
)
from gnapp.review.documents.decision import decision_document
from gnapp.review.documents.files import (
    FILE_STEMS,
    KINDS,
    XLSX_KINDS,
    Written,
    document_notes,
    write_document,
    write_into_folder,
)
from gnapp.review.documents.minutes import minutes_documents
from gnapp.review.documents.notice import notice_document
from gnapp.review.documents.questionnaires import questionnaire_documents
from gnapp.review.documents.review_list import review_list_document

__all__ = [
    "FILE_STEMS",
    "KINDS",
    "XLSX_KINDS",
    "DocumentError",
    "ListCount",
    "Written",
    "certificate_documents",
    "decision_document",
    "document_notes",
    "list_counts",
    "minutes_documents",
    "notice_document",
    "on_list",
    "questionnaire_documents",
    "review_list_document",
    "texts",
    "village_label",
    "write_document",
    "write_into_folder",
]
