"""Each kind of official document read as the province's officer reads it: the header without a
parent-body line, the signing block of its issuer, its number, its legal bases with their dates,
and never a word about software."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pypdfium2
import pytest
from openpyxl import load_workbook

from gnapp.core.official import full_number, legal_acts, signing_marks
from gnapp.reporting.builder import default_header, write_report_files
from gnapp.reporting.plan import write_plan_files
from gnapp.review.documents import KINDS, document_notes, write_into_folder
from gnapp.store.register import set_setting
from gnapp.store.settings import SettingError, save_settings

ON = date(2026, 12, 2)


def flat_text(path) -> str:
    pdf = pypdfium2.PdfDocument(path)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    return " ".join(text.replace("\r", "").split())


def header_lines_are_the_committees(text: str) -> None:
    assert text.startswith("ỦY BAN NHÂN DÂN XÃ SƠN MINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "UBND TỈNH" not in text and "TỈNH QUẢNG NGÃI" not in text


def test_the_number_is_accepted_bare_or_full_never_doubled():
    assert full_number("45", "BC-UBND") == "45/BC-UBND"
    assert full_number(" 45/BC-UBND ", "BC-UBND") == "45/BC-UBND"
    assert full_number("45/qđ-ct", "QĐ-UBND") == "45/QĐ-CT"  # a symbol typed is kept
    assert full_number("", "BC-UBND") is None


def test_the_signing_block_follows_the_issuer():
    assert signing_marks("report", "CHỦ TỊCH") == ("TM. ỦY BAN NHÂN DÂN",)
    assert signing_marks("report", "PHÓ CHỦ TỊCH") == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
    assert signing_marks("decision", "CHỦ TỊCH") == ()
    assert signing_marks("certificate", "PHÓ CHỦ TỊCH") == ("KT. CHỦ TỊCH",)


def test_a_title_typed_in_small_letters_signs_as_the_decree_asks(demo_db, tmp_path):
    """ "Phó chủ tịch" typed in the report's header (the wizard takes any text) is a deputy all
    the same ("KT. CHỦ TỊCH"), and the title prints in capitals."""
    assert signing_marks("report", "Phó chủ tịch") == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
    assert signing_marks("decision", " phó  Chủ tịch ") == ("KT. CHỦ TỊCH",)
    header = replace(
        default_header(demo_db.db, date(2026, 1, 5), "45"),
        signer_title="Phó chủ tịch",
        signer_name="Trần Văn Hai",
    )
    built = write_report_files(demo_db.db, "annual", "2025", {}, [], header, tmp_path)
    text = flat_text(built.pdf)
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Trần Văn Hai" in text
    assert "Phó chủ tịch" not in text


def test_an_unknown_date_stays_unknown_and_unconfirmed():
    acts = legal_acts()
    law = acts["luat-to-chuc-chinh-quyen-dia-phuong"]
    assert law.date is None and not law.confirmed
    assert law.citation() == "Luật Tổ chức chính quyền địa phương ngày … tháng … năm ……"
    assert acts["nd-07-2021"].date == date(2021, 1, 27) and acts["nd-07-2021"].confirmed
    assert acts["qd-24-2021"].date == date(2021, 7, 16)


def test_report_header_signing_number_and_annex_note(demo_db, tmp_path):
    set_setting(demo_db, "document.signer_name", "Trần Văn Hai")
    header = default_header(demo_db.db, date(2026, 1, 5), "45/BC-UBND")
    built = write_report_files(demo_db.db, "annual", "2025", {}, [], header, tmp_path)
    assert built.pdf.name == "bao-cao-nam-2025.pdf"
    text = flat_text(built.pdf)
    header_lines_are_the_committees(text)
    assert "Số: 45/BC-UBND" in text and "BC-UBND/BC-UBND" not in text
    assert "Kèm theo Báo cáo số 45/BC-UBND ngày 05/01/2026" in text
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "phần mềm" not in text


def test_plan_header_signing_number_and_dated_bases(demo_db, tmp_path):
    set_setting(demo_db, "document.signer_name", "Trần Văn Hai")
    header = default_header(demo_db.db, date(2025, 3, 1), "12")
    built = write_plan_files(demo_db.db, 2025, {}, header, tmp_path)
    assert built.pdf.name == "ke-hoach-nam-2025.pdf"
    text = flat_text(built.pdf)
    header_lines_are_the_committees(text)
    assert "Số: 12/KH-UBND" in text and "KH-UBND/KH-UBND" not in text
    assert (
        "Căn cứ Quyết định số 90/QĐ-TTg ngày 18 tháng 01 năm 2022 của Thủ tướng Chính phủ "
        "phê duyệt Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 - 2025;"
    ) in text
    assert "Căn cứ chỉ tiêu huyện giao tại Quyết định số 65/QĐ-UBND ngày 15/02/2025;" in text
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text and "Trần Văn Hai" in text
    assert "phần mềm" not in text


def test_the_commune_edits_a_documents_bases(demo_db, tmp_path):
    save_settings(demo_db, {"document.bases.report": "qd-90-2022"})
    header = default_header(demo_db.db, date(2026, 1, 5), "7")
    built = write_report_files(demo_db.db, "annual", "2025", {}, [], header, tmp_path)
    assert (
        "Căn cứ Quyết định số 90/QĐ-TTg ngày 18 tháng 01 năm 2022 của Thủ tướng Chính phủ "
        "phê duyệt Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 - 2025;"
    ) in flat_text(built.pdf)
    with pytest.raises(SettingError, match="không có văn bản: nd-99"):
        save_settings(demo_db, {"document.bases.report": "nd-99"})


def test_decision_is_the_chairmans_with_dated_bases(documents_round, tmp_path):
    cdb, round_id = documents_round
    (pdf, _) = write_into_folder(cdb.db, round_id, "decision", tmp_path, on=ON)
    text = flat_text(pdf)
    header_lines_are_the_committees(text)
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ SƠN MINH" in text
    assert "TM. ỦY BAN NHÂN DÂN" not in text
    assert "Lưu: VT, VHXH. KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Số: 125/QĐ-UBND" in text and "QĐ-UBND/QĐ-UBND" not in text
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày … tháng … năm ……;" in text
    assert "Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27 tháng 01 năm 2021 của Chính phủ" in text
    assert "Kèm theo Quyết định số 125/QĐ-UBND" in text


def test_certificate_cites_the_decision_and_its_validity(documents_round, tmp_path):
    cdb, round_id = documents_round
    (pdf,) = write_into_folder(cdb.db, round_id, "certificates", tmp_path, on=ON)
    text = flat_text(pdf)
    header_lines_are_the_committees(text)
    assert "TM. ỦY BAN NHÂN DÂN" not in text and "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert (
        "của Chủ tịch Ủy ban nhân dân xã Sơn Minh về việc công nhận danh sách hộ nghèo, hộ cận "
        "nghèo, hộ thoát nghèo, hộ thoát cận nghèo năm 2026 trên địa bàn xã Sơn Minh."
    ) in text
    assert "có giá trị từ ngày 01/12/2026 đến hết ngày 31/12/2027" in text


def test_notice_is_the_committees(documents_round, tmp_path):
    cdb, round_id = documents_round
    pdf = write_into_folder(cdb.db, round_id, "notice", tmp_path, on=ON)[0]
    text = flat_text(pdf)
    header_lines_are_the_committees(text)
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Số: /TB-UBND" in text


def test_no_official_text_speaks_of_software(documents_round, tmp_path):
    cdb, round_id = documents_round
    for kind in KINDS:
        (tmp_path / kind).mkdir()
        for path in write_into_folder(cdb.db, round_id, kind, tmp_path / kind, on=ON):
            if path.suffix == ".pdf":
                assert "phần mềm" not in flat_text(path), path.name


def test_the_clerk_is_told_of_a_missing_signer_before_writing(documents_round):
    cdb, round_id = documents_round
    set_setting(cdb, "document.signer_name", "")
    notes = document_notes(cdb.db, round_id, "decision")
    assert any("chưa khai báo họ tên người ký" in note for note in notes)
    assert any("Luật Tổ chức chính quyền địa phương chưa được xác nhận" in n for n in notes)
    assert document_notes(cdb.db, round_id, "minutes") == []


def test_a_questionnaire_is_printed_in_the_forms_layout_with_its_survey_date(
    documents_round, tmp_path
):
    cdb, round_id = documents_round
    (pdf,) = write_into_folder(cdb.db, round_id, "questionnaire", tmp_path, on=ON)
    first = flat_text(pdf).split("PHIẾU RÀ SOÁT", 2)
    assert first[0] == ""  # the form's title first: no issuing office, number nor motto
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in flat_text(pdf)
    assert "Ngày rà soát: " in first[1] and "02/12/2026" not in first[1].split("CHỦ HỘ")[0]


def test_the_workbook_is_headed_and_dated_like_the_pdf(demo_db, tmp_path):
    header = default_header(demo_db.db, date(2026, 1, 5), "45")
    built = write_report_files(demo_db.db, "annual", "2025", {}, [], header, tmp_path)
    sheet = load_workbook(built.xlsx).worksheets[0]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts[:4] == [
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "XÃ SƠN MINH",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert "Sơn Minh, ngày 05 tháng 01 năm 2026" in texts
    assert not any("TỈNH" in text for text in texts)


def _texts(folder) -> dict[str, str]:
    """Each PDF's text and each workbook's cells in ``folder``, by file name."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".pdf":
            texts[path.name] = flat_text(path)
        elif path.suffix == ".xlsx":
            cells = [
                str(cell.value)
                for sheet in load_workbook(path).worksheets
                for row in sheet.iter_rows()
                for cell in row
                if cell.value is not None
            ]
            texts[path.name] = "\n".join(cells)
    return texts


def _every_document(cdb, round_id, folder) -> dict[str, str]:
    header = default_header(cdb.db, date(2026, 1, 5), "45")
    for kind in ("report", "plan", *KINDS):
        (folder / kind).mkdir(parents=True)
    write_report_files(cdb.db, "annual", "2025", {}, [], header, folder / "report")
    write_plan_files(cdb.db, 2025, {}, default_header(cdb.db, ON, "12"), folder / "plan")
    for kind in KINDS:
        write_into_folder(cdb.db, round_id, kind, folder / kind, on=ON)
    return _texts(folder)


def test_official_documents_stay_vietnamese_in_the_english_interface(documents_round, tmp_path):
    """Report, plan, decision, certificates, notice, lists, minutes, questionnaires: the same
    words whatever the interface's language (English only changes what the windows say)."""
    from gnapp import i18n

    cdb, round_id = documents_round
    vietnamese = _every_document(cdb, round_id, tmp_path / "vi")
    i18n.set_language("en")
    try:
        english = _every_document(cdb, round_id, tmp_path / "en")
    finally:
        i18n.set_language("vi")
    assert len(vietnamese) > len(KINDS) and english.keys() == vietnamese.keys()
    for name, text in vietnamese.items():
        assert english[name] == text, name
    words = "\n".join(english.values())
    for english_word in ("household", "Project 1", "Central budget", "Periodic review"):
        assert english_word not in words
