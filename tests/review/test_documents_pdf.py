"""Several official documents in one PDF (certificates, questionnaires of a village)."""

from __future__ import annotations

from datetime import date

import pypdfium2

from gnapp.reporting.document import NewPage, OfficialDocument, TextParagraph
from gnapp.reporting.pdf import write_pdf_documents
from gnapp.review.documents import village_label, write_document
from gnapp.review.progress import household_states


def _document(subject: str, pages: int) -> OfficialDocument:
    body = []
    for page in range(pages):
        body += [TextParagraph(f"{subject} trang {page + 1}"), NewPage()]
    return OfficialDocument(
        parent_body="UBND TỈNH QUẢNG NGÃI",
        issuing_office="ỦY BAN NHÂN DÂN XÃ SƠN MINH",
        number_symbol="",
        place="Sơn Minh",
        date=date(2026, 12, 1),
        kind="GIẤY CHỨNG NHẬN",
        subject=subject,
        body=tuple(body[:-1]),
    )


def _pages(path) -> list[str]:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def test_each_document_starts_a_page_and_numbers_its_own_pages(tmp_path):
    path = write_pdf_documents(
        [_document("Hộ A", 2), _document("Hộ B", 1), _document("Hộ C", 3)], tmp_path / "x.pdf"
    )
    pages = _pages(path)
    assert len(pages) == 6
    firsts = [0, 2, 3]
    for index, text in enumerate(pages):
        if index in firsts:
            assert text.startswith("UBND TỈNH QUẢNG NGÃI")  # no number on a first page
    assert pages[1].split()[0] == "2"
    assert pages[4].split()[0] == "2" and pages[5].split()[0] == "3"
    assert not (tmp_path / "x.pdf.tmp").exists()


def test_questionnaires_of_a_village_with_a_form_a(documents_round, tmp_path):
    cdb, round_id = documents_round
    states = household_states(cdb.db, round_id)
    screened = next(s for s in states if s.source == "added")
    written = write_document(
        cdb.db, round_id, "questionnaire", tmp_path / "q.pdf", village=screened.village_name
    )
    in_village = [s for s in states if s.village_id == screened.village_id and s.surveyed]
    assert written.documents == len(in_village)
    text = " ".join(" ".join(_pages(written.path)).split())
    assert "Phiếu A" in text and "không đủ điều kiện rà soát Phiếu B" in text
    assert "Lý do: Nhà đã được sửa" in text
    assert f"{village_label(screened.village_name)}" in text


def test_village_label_keeps_a_village_word():
    assert village_label("Nước Nẻ") == "Thôn Nước Nẻ"
    assert village_label("Tổ dân phố 1") == "Tổ dân phố 1"
    assert village_label("Bản Lìn") == "Bản Lìn"
