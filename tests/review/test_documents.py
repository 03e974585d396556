"""The review's official documents, written from a demo round run from the list to the decision."""

from __future__ import annotations

import shutil
from datetime import date

import openpyxl
import pypdfium2
import pytest

from gnapp.cli import main
from gnapp.core.movements import MOVEMENT_LABELS
from gnapp.core.vietnamese import format_date_long, local_time
from gnapp.review.documents import DocumentError, list_counts, write_document
from gnapp.review.documents.common import round_context
from gnapp.review.documents.files import default_day
from gnapp.review.progress import household_states
from gnapp.store import register
from gnapp.store.database import open_database

ON = date(2026, 12, 2)
DECISION_NUMBER = "125/QĐ-UBND"  # the number documents_round's decision has


def pdf_text(path) -> str:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def page_count(path) -> int:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def database_counts(db, year):
    """Households and persons on each list from the statuses the decision wrote."""
    rows = db.execute(
        "SELECT s.status, s.movement, h.member_count FROM household_status s "
        "JOIN households h ON h.id = s.household_id WHERE s.year = ?",
        [year],
    ).fetchall()
    wanted = {
        "poor": lambda status, move: status == "poor",
        "near_poor": lambda status, move: status == "near_poor",
        "escaped_poverty": lambda status, move: move in ("escaped_poverty", "poor_to_near_poor"),
        "escaped_near_poverty": lambda status, move: move == "escaped_near_poverty",
    }
    return {
        kind: (
            sum(1 for s, m, _ in rows if test(s, m)),
            sum(n for s, m, n in rows if test(s, m)),
        )
        for kind, test in wanted.items()
    }


def test_notice_counts_equal_the_database_and_are_printed(
    documents_round, documents_steps, tmp_path
):
    cdb, round_id = documents_round
    assert documents_steps.decision_number == DECISION_NUMBER
    counts = list_counts(household_states(cdb.db, round_id))
    expected = database_counts(cdb.db, 2026)
    assert {k: (c.households, c.persons) for k, c in counts.items()} == expected
    assert all(households > 0 for households, _ in expected.values())
    written = write_document(cdb.db, round_id, "notice", tmp_path / "tb.pdf")
    text = " ".join(pdf_text(written.path).split())
    for name, kind in (("Hộ nghèo", "poor"), ("Hộ thoát cận nghèo", "escaped_near_poverty")):
        households, persons = expected[kind]
        assert f"{name} {households} {persons}" in text
    assert "09/11/2026" in text and "11/11/2026" in text and "3 ngày làm việc" in text
    assert "Trụ sở UBND xã" in text


def test_decision_cites_the_data_and_annexes_every_list(documents_round, tmp_path):
    cdb, round_id = documents_round
    written = write_document(cdb.db, round_id, "decision", tmp_path / "qd.pdf", on=ON)
    text = pdf_text(written.path).replace("\r", "")
    flat = " ".join(text.split())
    assert f"Số: {DECISION_NUMBER}" in flat
    assert "ngày 01 tháng 12 năm 2026" in flat
    assert "DỰ THẢO" not in flat
    assert (
        "Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27 tháng 01 năm 2021 của Chính phủ quy định "
        "chuẩn nghèo đa chiều giai đoạn 2021 - 2025;" in flat
    )
    assert "Căn cứ Quyết định số 24/2021/QĐ-TTg ngày 16 tháng 7 năm 2021" in flat
    expected = database_counts(cdb.db, 2026)
    households, persons = expected["poor"]
    assert f"Hộ nghèo: {households} hộ, {persons} nhân khẩu" in flat
    for number in ("I", "II", "III", "IV"):
        assert f"Phụ lục {number}" in flat
    states = household_states(cdb.db, round_id)
    poor = [s for s in states if s.result == "poor"]
    assert all(s.code in flat for s in poor)
    assert MOVEMENT_LABELS["remained_poor"].capitalize() in flat


def test_decision_annexes_as_xlsx(documents_round, tmp_path):
    cdb, round_id = documents_round
    written = write_document(cdb.db, round_id, "decision", tmp_path / "qd.xlsx")
    workbook = openpyxl.load_workbook(written.path)
    assert workbook.sheetnames == [
        "Hộ nghèo",
        "Hộ cận nghèo",
        "Hộ thoát nghèo",
        "Hộ thoát cận nghèo",
    ]
    expected = database_counts(cdb.db, 2026)
    sheet = workbook["Hộ nghèo"]
    codes = [
        cell.value
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("HGD-")
    ]
    assert len(codes) == expected["poor"][0]
    assert any(
        "125/QĐ-UBND" in str(cell.value) for row in sheet.iter_rows(max_row=8) for cell in row
    )


def test_the_notices_sheet_says_what_it_is_annexed_to(documents_round, tmp_path):
    """The XLSX of the notice's annex carries the line the PDF's annex has: "(Kèm theo
    Thông báo số …/TB-UBND ngày … của UBND xã …)"."""
    cdb, round_id = documents_round
    pdf = write_document(cdb.db, round_id, "notice", tmp_path / "tb.pdf")
    [note] = [
        line
        for line in pdf_text(pdf.path).replace("\r", "").split("\n")
        if line.startswith("(Kèm theo Thông báo")
    ]
    written = write_document(cdb.db, round_id, "notice", tmp_path / "tb.xlsx")
    sheet = openpyxl.load_workbook(written.path).worksheets[0]
    heading = [cell.value for row in sheet.iter_rows(max_row=6) for cell in row if cell.value]
    assert " ".join(note.split()) in [" ".join(str(v).split()) for v in heading]


def test_list_shows_sources_and_households_taken_off(documents_round, tmp_path):
    cdb, round_id = documents_round
    text = " ".join(
        pdf_text(write_document(cdb.db, round_id, "list", tmp_path / "l.pdf").path).split()
    )
    assert "Hộ đã chuyển đi nơi khác" in text
    assert "Bổ sung: Trưởng thôn đề nghị: nhà bị bão làm sập" in text
    assert "Có đơn đề nghị" in text
    states = household_states(cdb.db, round_id)
    assert all(s.code in text for s in states)
    workbook = openpyxl.load_workbook(
        write_document(cdb.db, round_id, "list", tmp_path / "l.xlsx").path
    )
    assert workbook.sheetnames == ["Danh sách rà soát", "Đưa ra khỏi danh sách"]


def test_minutes_give_the_vote_and_the_household_sent_back(documents_round, tmp_path):
    cdb, round_id = documents_round
    village = cdb.db.execute(
        "SELECT village_id FROM village_meetings WHERE round_id = ? ORDER BY id", [round_id]
    ).fetchone()[0]
    written = write_document(cdb.db, round_id, "minutes", tmp_path / "bb.pdf", village=village)
    assert written.documents == 2  # the first meeting and the one that agreed the household
    text = " ".join(pdf_text(written.path).split())
    assert "BIÊN BẢN" in text and "Đinh Văn Trưởng" in text and "Hồ Thị Ký" in text
    assert "5/18" in text and "27,8%" in text and "Rà soát lại" in text
    assert "ĐẠI DIỆN CÁC HỘ GIA ĐÌNH" in text


def test_minutes_refused_for_a_village_without_meeting(documents_round, tmp_path):
    cdb, round_id = documents_round
    register.add_village(cdb, "X9", "Làng Mới", "rural")
    with pytest.raises(DocumentError, match="chưa họp dân"):
        write_document(cdb.db, round_id, "minutes", tmp_path / "bb.pdf", village="Làng Mới")
    assert not (tmp_path / "bb.pdf").exists()


def test_questionnaire_of_one_household_and_refusal(documents_round, tmp_path):
    cdb, round_id = documents_round
    state = next(s for s in household_states(cdb.db, round_id) if s.result == "poor")
    written = write_document(
        cdb.db, round_id, "questionnaire", tmp_path / "p.pdf", household_code=state.code
    )
    text = " ".join(pdf_text(written.path).split())
    assert state.code in text and state.head_name in text
    assert "Kết quả phân loại: Hộ nghèo" in text
    assert "Thu nhập bình quân đầu người/tháng" in text
    assert "tộc BHYT Đi học" in text  # the members table's narrow heading, not broken inside
    with pytest.raises(DocumentError, match="không có trong danh sách rà soát"):
        write_document(cdb.db, round_id, "questionnaire", tmp_path / "q.pdf", household_code="X")


def test_a_questionnaire_names_the_head_it_recorded(documents_round, tmp_path):
    """The filled questionnaire shows the household as surveyed: its head died since (before
    the decision, which gives the household as it then stood), but the form and its signing
    block keep the head who answered."""
    from gnapp.store import events

    cdb, round_id = documents_round
    state = next(
        s for s in household_states(cdb.db, round_id) if s.surveyed and s.member_count >= 2
    )
    head = next(
        m for m in register.members_of(cdb.db, state.household_id) if m["relation"] == "head"
    )
    events.record_death(cdb, head["id"], "2026-11-20")  # after the survey, before the decision
    (now,) = [s for s in household_states(cdb.db, round_id) if s.code == state.code]
    assert now.head_name != head["full_name"]  # the register has moved on
    written = write_document(
        cdb.db, round_id, "questionnaire", tmp_path / "p.pdf", household_code=state.code
    )
    text = " ".join(pdf_text(written.path).split())
    assert f"Hộ: {state.code} — chủ hộ {head['full_name']}" in text
    assert text.count(head["full_name"]) >= 3  # the line, the members table, the signature


def test_the_decision_keeps_the_households_as_it_recognised_them(documents_round, tmp_path):
    """A member who leaves after the decision still counts in the decision's persons (the
    figure the year's reports and summary tables quote) and stands on the certificate."""
    from gnapp.store import events

    cdb, round_id = documents_round
    before = list_counts(household_states(cdb.db, round_id))
    state = next(
        s for s in household_states(cdb.db, round_id) if s.result == "poor" and s.member_count >= 2
    )
    member = next(
        m for m in register.members_of(cdb.db, state.household_id) if m["relation"] != "head"
    )
    events.record_left(cdb, member["id"], "2026-12-02", "Đi làm ăn xa")
    assert list_counts(household_states(cdb.db, round_id)) == before
    written = write_document(
        cdb.db, round_id, "certificates", tmp_path / "gcn.pdf", household_code=state.code
    )
    text = " ".join(pdf_text(written.path).split())
    assert member["full_name"] in text
    assert f"Các thành viên của hộ ({state.member_count} người)" in text


def test_certificates_one_per_poor_or_near_poor_household(documents_round, tmp_path):
    cdb, round_id = documents_round
    written = write_document(cdb.db, round_id, "certificates", tmp_path / "gcn.pdf")
    expected = database_counts(cdb.db, 2026)
    assert written.documents == expected["poor"][0] + expected["near_poor"][0]
    text = " ".join(pdf_text(written.path).split())
    assert text.count("/GCN-HN.HCN") == written.documents
    assert "HỘ NGHÈO NĂM 2026" in text and "HỘ CẬN NGHÈO NĂM 2026" in text
    assert f"Căn cứ Quyết định số {DECISION_NUMBER} ngày 01/12/2026" in text
    assert page_count(written.path) == written.documents  # one page each


def test_before_recognition_a_draft_decision_and_no_certificate(demo_db, documents_steps, tmp_path):
    round_id = documents_steps.run_round(demo_db, recognise=False)
    written = write_document(demo_db.db, round_id, "decision", tmp_path / "qd.pdf", on=ON)
    text = " ".join(pdf_text(written.path).split())
    assert "DỰ THẢO" in text and "Số: /QĐ-UBND" in text
    with pytest.raises(DocumentError, match="chưa có quyết định công nhận"):
        write_document(demo_db.db, round_id, "certificates", tmp_path / "gcn.pdf")
    assert not (tmp_path / "gcn.pdf").exists()


def test_notice_refused_before_posting(demo_db, tmp_path):
    from gnapp.review import workflow

    round_id = workflow.open_round(demo_db, 2026, standard_id="2022-2025")
    workflow.build_list(demo_db, round_id)
    with pytest.raises(DocumentError, match="chưa được niêm yết"):
        write_document(demo_db.db, round_id, "notice", tmp_path / "tb.pdf")
    with pytest.raises(DocumentError, match="chưa lập được dự thảo"):
        write_document(demo_db.db, round_id, "decision", tmp_path / "qd.pdf")


def test_xlsx_refused_for_pdf_only_documents(documents_round, tmp_path):
    cdb, round_id = documents_round
    with pytest.raises(DocumentError, match="chỉ xuất được PDF"):
        write_document(cdb.db, round_id, "certificates", tmp_path / "gcn.xlsx")


def test_cli_writes_a_document_and_says_why_it_cannot(documents_round_file, tmp_path, capsys):
    source, round_id = documents_round_file
    copy = tmp_path / "xa.gnapp"
    shutil.copy(source, copy)
    out = tmp_path / "tb.pdf"
    args = ["review", "document", "notice", "--db", str(copy), "--round", str(round_id)]
    assert main([*args, "--out", str(out)]) == 0
    assert out.exists() and "Đã ghi" in capsys.readouterr().out
    bad = ["review", "document", "minutes", "--db", str(copy), "--round", str(round_id)]
    assert main([*bad, "--out", str(tmp_path / "bb.pdf")]) == 1
    assert "cần chọn thôn" in capsys.readouterr().err
    with open_database(copy) as cdb:
        assert cdb.db.execute(
            "SELECT locked FROM review_rounds WHERE id = ?", [round_id]
        ).fetchone()[0]


def test_a_recognised_round_s_list_is_not_dated_after_its_decision(documents_round, tmp_path):
    """Written today without a date, the list of a round recognised in the past bore today's
    day, after the decision that closed it; it bears the round's opening day (at the latest
    the decision's), and a date asked for is kept."""
    cdb, round_id = documents_round
    found = round_context(cdb.db, round_id).found
    assert found.decided_on is not None and found.decided_on < date.today()
    day = min(local_time(found.opened_at).date(), found.decided_on)
    assert default_day(cdb.db, round_id, "list") == day
    assert default_day(cdb.db, round_id, "questionnaire") == day
    assert default_day(cdb.db, round_id, "notice") == date.today()
    text = " ".join(pdf_text(write_document(cdb.db, round_id, "list", tmp_path / "l.pdf").path)
                    .split())  # fmt: skip
    assert format_date_long(day) in text
    asked = date(2025, 9, 15)
    text = pdf_text(write_document(cdb.db, round_id, "list", tmp_path / "m.pdf", on=asked).path)
    assert format_date_long(asked) in " ".join(text.split())
