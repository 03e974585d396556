"""The annual plan from the reports area: the year's figures, the clerk's text, the files."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from gnapp.store import programme
from gnapp.ui.reports.reports_view import ReportsView


@pytest.fixture
def view(qtbot, demo_db):
    view = ReportsView(demo_db)
    qtbot.addWidget(view)
    return view


def test_the_plan_is_built_from_the_reports_area(qtbot, view, demo_db, tmp_path):
    dialog = view.new_plan()
    qtbot.addWidget(dialog)
    dialog.year.setValue(2025)
    targets = len(programme.targets(demo_db.db, 2025))
    assert f"{targets} chỉ tiêu" in dialog.summary.text()
    assert dialog.tables.count() == 3
    dialog.signer_title.setText("Chủ tịch")
    assert dialog.signing_block.text() == "<b>TM. ỦY BAN NHÂN DÂN</b><br><b>CHỦ TỊCH</b>"
    dialog.signer_title.setText("Phó Chủ tịch")
    assert "KT. CHỦ TỊCH</b><br><b>PHÓ CHỦ TỊCH" in dialog.signing_block.text()
    dialog.signer_name.setText("")
    assert "chưa khai báo họ tên người ký" in dialog.signing_notes.text()
    dialog.signer_name.setText("Đinh Văn Minh")
    dialog.number.setText("12/")
    assert "gõ số" in dialog.number_result.text()
    dialog.number.setText("12/KH-UBND")
    assert dialog.number_result.text() == "In ra: Số: 12/KH-UBND"
    assert dialog.signing_notes.text() == ""
    dialog.narrative["IV"] = "Đẩy mạnh công tác tuyên truyền."
    out = tmp_path / "out"
    out.mkdir()
    dialog.write_files(out)
    qtbot.waitUntil(lambda: "Đã ghi" in dialog.status.text(), timeout=60000)
    assert sorted(p.name for p in out.iterdir()) == [
        "ke-hoach-nam-2025.pdf",
        "ke-hoach-nam-2025.xlsx",
    ]
    text = " ".join(page.extract_text() for page in PdfReader(out / "ke-hoach-nam-2025.pdf").pages)
    text = " ".join(text.split())
    assert "Số: 12/KH-UBND" in text and "Đẩy mạnh công tác tuyên truyền." in text
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text and "Đinh Văn Minh" in text
