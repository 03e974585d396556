"""The annual implementation plan (seed 003) and who set each target."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from gnapp.cli import main
from gnapp.core.official import signing_marks
from gnapp.reporting.builder import default_header
from gnapp.reporting.figures import report_figures
from gnapp.reporting.plan import (
    build_plan,
    plan_content,
    plan_sections,
    plan_tables,
    plan_warnings,
)
from gnapp.store import programme
from gnapp.store.register import get_commune, set_setting
from gnapp.store.settings import save_settings
from tests.reporting.test_report_builder import pdf_text


@pytest.mark.parametrize(
    ("decided", "giver"),
    [
        ("2025-06-30", "huyện giao"),
        ("2025-07-01", "tỉnh giao"),
        ("2022-02-15", "huyện giao"),
        ("2026-02-15", "tỉnh giao"),
        (None, None),
    ],
)
def test_who_set_a_target_follows_its_decisions_date(decided, giver):
    assert programme.target_giver(decided) == giver


def test_reports_say_who_set_the_targets(demo_db):
    figures = report_figures(demo_db.db, "annual", "2025")
    assert {t.giver for t in figures.targets} == {"huyện giao"}  # decided 15/02/2025
    programme.set_target(
        demo_db, 2025, "poor_reduction", 3, decision_number="88/QĐ-UBND", decision_date="2025-08-01"
    )
    programme.set_target(demo_db, 2025, "near_poor_reduction", 3)
    figures = report_figures(demo_db.db, "annual", "2025")
    by_code = {t.code: t for t in figures.targets}
    assert by_code["poor_reduction"].giver == "tỉnh giao"
    assert by_code["near_poor_reduction"].giver is None
    from gnapp.reporting.figures import sentences

    written = sentences(figures)
    assert "so với chỉ tiêu tỉnh giao" in written["end_lists"]
    assert "chỉ tiêu tỉnh giao 3 hộ" in written["target.poor_reduction"]
    assert "chỉ tiêu 3 hộ" in written["target.near_poor_reduction"]


def test_the_plan_follows_the_seeds_sections_and_is_signed_by_the_committee(demo_db, tmp_path):
    header = default_header(demo_db.db, date(2025, 3, 1), "12")
    narrative = {
        "IV": "Đẩy mạnh công tác tuyên truyền.",
        "V": "Công chức Văn hóa - Xã hội.",
    }
    document = build_plan(demo_db.db, 2025, narrative, header)
    body = [str(getattr(block, "text", "")) for block in document.body]
    assert "Đẩy mạnh công tác tuyên truyền." in body and "Công chức Văn hóa - Xã hội." in body
    assert document.kind == "KẾ HOẠCH" and document.number_symbol == "Số: 12/KH-UBND"
    assert document.signatures[0].marks == signing_marks("plan", header.signer_title)
    assert document.signatures[0].marks[0] == "TM. ỦY BAN NHÂN DÂN"
    # a plan has no "Kính gửi": its recipients name the office instead of "Như trên"
    office = get_commune(demo_db.db)["receiving_office_name"]
    assert "Như trên" not in document.recipients and office in document.recipients
    headings = [s.heading for s in plan_sections(2025)]
    assert headings[0] == "I. MỤC ĐÍCH, YÊU CẦU"
    assert "2. Các chỉ tiêu cần đạt đến cuối năm 2025" in headings
    assert headings[-1] == "V. PHÂN CÔNG QUẢN LÝ VÀ TỔ CHỨC THỰC HIỆN"

    out = tmp_path / "out"
    out.mkdir()
    path = demo_db.path
    demo_db.close()
    argv = ["report", "build", "--db", str(path), "--kind", "plan", "--period", "2025"]
    assert main([*argv, "--out", str(out), "--number", "12", "--date", "2025-03-01"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "ke-hoach-nam-2025.pdf",
        "ke-hoach-nam-2025.xlsx",
    ]
    text = pdf_text(out / "ke-hoach-nam-2025.pdf")
    for line in (
        "KẾ HOẠCH",
        "Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững trên địa bàn xã",
        "Số: 12/KH-UBND",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. MỤC TIÊU, CÁC CHỈ TIÊU",
        "III. NỘI DUNG VÀ KINH PHÍ THỰC HIỆN",
        "IV. NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN",
        "V. PHÂN CÔNG QUẢN LÝ VÀ TỔ CHỨC THỰC HIỆN",
        "Theo chỉ tiêu huyện giao tại Quyết định số 65/QĐ-UBND ngày 15/02/2025",
        "Tổng kinh phí thực hiện",
        "TM. ỦY BAN NHÂN DÂN",
        "Phụ lục III",
    ):
        assert line in text, line
    assert "phần mềm" not in text
    sheets = load_workbook(out / "ke-hoach-nam-2025.xlsx").sheetnames
    assert len(sheets) == 3


def test_plan_tables_hold_the_years_targets_activities_and_budget(demo_db):
    content = plan_content(demo_db.db, 2025)
    tables = {t.id: t for t in plan_tables(content)}
    assert list(tables) == ["plan_targets", "plan_activities", "plan_budget"]
    assert len(tables["plan_targets"].body) == len(programme.targets(demo_db.db, 2025))
    from gnapp.reporting.tables import summary

    budget = tables["plan_budget"]
    totals = summary(budget, budget.body)
    lines = programme.budgets(demo_db.db, 2025)
    assert totals["allocated"] == sum(b["allocated"] for b in lines)
    assert totals["total"] == sum(b["allocated"] + b["carried_over"] for b in lines)
    planned = summary(tables["plan_activities"], tables["plan_activities"].body)
    assert planned["budget"] == sum(a["budget"] or 0 for a in content.activities)


def test_a_plan_for_the_new_programme_without_projects_says_the_funds_come_from_above(
    demo_db, tmp_path
):
    header = default_header(demo_db.db, date(2026, 2, 20), None)
    document = build_plan(demo_db.db, 2026, {}, header)
    text = " ".join(
        getattr(block, "text", "")
        for block in document.body
        if isinstance(getattr(block, "text", None), str)
    )
    assert "Kinh phí thực hiện theo cấp trên phân bổ." in text
    assert "chỉ tiêu tỉnh giao" in text  # the 2026 targets were decided on 15/02/2026
    assert "xây dựng nông thôn mới" in document.subject
    # the merged programme's basis is cited (dated), and the clerk is told it is unconfirmed
    assert "Căn cứ Quyết định số 417/QĐ-BNNMT ngày 31 tháng 01 năm 2026" in text
    warnings = " ".join(plan_warnings(demo_db.db, 2026, "Nguyễn Văn A"))
    assert "417/QĐ-BNNMT" in warnings


def test_a_plan_dated_before_an_act_does_not_cite_it_and_says_so(demo_db):
    """A document cannot be based on an act issued after its own date: a plan for 2026 dated
    in December 2025 leaves out the programme's act of 31/01/2026 and the clerk is told."""
    header = default_header(demo_db.db, date(2025, 12, 20), None)
    document = build_plan(demo_db.db, 2026, {}, header)
    bases = [
        block.text
        for block in document.body
        if isinstance(getattr(block, "text", None), str) and block.text.startswith("Căn cứ")
    ]
    assert not any("417/QĐ-BNNMT" in line for line in bases)
    warnings = " ".join(plan_warnings(demo_db.db, 2026, "Nguyễn Văn A", date(2025, 12, 20)))
    assert "417/QĐ-BNNMT ban hành ngày 31/01/2026, sau ngày của văn bản (20/12/2025)" in warnings
    # the targets' decision of 15/02/2026, cited as a basis too, is told
    assert "căn cứ Quyết định số 66/QĐ-UBND ngày 15/02/2026 giao chỉ tiêu" in warnings
    later = " ".join(plan_warnings(demo_db.db, 2026, "Nguyễn Văn A", date(2026, 2, 20)))
    assert "66/QĐ-UBND" not in later and "417/QĐ-BNNMT ban hành" not in later
    # dated after the act, it is cited again
    later = build_plan(demo_db.db, 2026, {}, default_header(demo_db.db, date(2026, 2, 20), None))
    assert any(
        "417/QĐ-BNNMT" in block.text
        for block in later.body
        if isinstance(getattr(block, "text", None), str)
    )


def test_the_cli_refuses_a_plan_for_half_a_year(demo_db, tmp_path, capsys):
    path = demo_db.path
    demo_db.close()
    argv = ["report", "build", "--db", str(path), "--kind", "plan", "--period", "2025-H1"]
    out = tmp_path / "out"
    out.mkdir()
    assert main([*argv, "--out", str(out)]) == 1
    assert "Kế hoạch lập cho một năm" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_more_targets_than_letters_are_numbered(demo_db):
    for number in range(1, 13):
        programme.set_target(
            demo_db, 2025, f"Chỉ tiêu đầu ra {number}", number, project_code="DA2", unit="hộ"
        )
    rows = programme.targets(demo_db.db, 2025)
    assert len(rows) > 23
    header = default_header(demo_db.db, date(2025, 3, 1), None)
    body = [str(getattr(b, "text", "")) for b in build_plan(demo_db.db, 2025, {}, header).body]
    listed = [line for line in body if line.endswith(";") and ": " in line and line[0].isdigit()]
    assert len(listed) == len(rows) and listed[-1].startswith(f"{len(rows)}. ")
    assert (
        "Chỉ tiêu đầu ra 12 (Dự án 2 - Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo): 12 hộ;"
        in listed[-1]
    )


def test_the_plan_is_told_of_a_missing_signer_and_an_unconfirmed_basis(demo_db, tmp_path, capsys):
    set_setting(demo_db, "document.signer_name", "")
    save_settings(
        demo_db, {"document.bases.plan": "luat-to-chuc-chinh-quyen-dia-phuong, programme"}
    )
    path = demo_db.path
    demo_db.close()
    argv = ["report", "build", "--db", str(path), "--kind", "plan", "--period", "2025"]
    assert main([*argv, "--out", str(tmp_path), "--number", "12/KH-UBND"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Lưu ý: ")]
    assert len(notes) == 2
    assert notes[0].startswith("Lưu ý: Kế hoạch: chưa khai báo họ tên người ký")
    assert "căn cứ Luật Tổ chức chính quyền địa phương chưa được xác nhận" in notes[1]
    text = pdf_text(tmp_path / "ke-hoach-nam-2025.pdf")
    assert "Số: 12/KH-UBND" in text and "KH-UBND/KH-UBND" not in text
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày … tháng … năm ……;" in text
    assert "Căn cứ Quyết định số 90/QĐ-TTg ngày 18 tháng 01 năm 2022" in text


def test_a_plan_number_that_is_not_one_is_refused_before_anything_is_written(
    demo_db, tmp_path, capsys
):
    path = demo_db.path
    demo_db.close()
    argv = ["report", "build", "--db", str(path), "--kind", "plan", "--period", "2025"]
    out = tmp_path / "out"
    out.mkdir()
    assert main([*argv, "--out", str(out), "--number", "/KH-UBND"]) == 1
    assert "Số văn bản “/KH-UBND”: gõ số" in capsys.readouterr().err
    assert list(out.iterdir()) == []
