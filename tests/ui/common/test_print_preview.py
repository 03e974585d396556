"""Printing a report's PDF: every page reaches the printer on A4 portrait (landscape annexes
turned), the preview paints every page (rendered beforehand, off the GUI thread), and the pages
render as images without Qt."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from gnapp.progress import Cancelled, Progress
from gnapp.reporting.builder import default_header, write_report_files
from gnapp.reporting.pdf_pages import PdfPages, PdfPagesError
from gnapp.ui.common.print_preview import (
    MAX_DPI,
    PREVIEW_DPI,
    new_printer,
    paint_pdf,
    preview_dialog,
    preview_pages,
    preview_pages_work,
)
from gnapp.ui.common.qt import QPrinter, QPrintPreviewWidget


@pytest.fixture
def report_pdf(demo_db, tmp_path):
    header = default_header(demo_db.db, date(2026, 1, 5), "15")
    return write_report_files(demo_db.db, "annual", "2025", {}, [], header, tmp_path).pdf


def test_pages_render_at_the_asked_resolution(report_pdf):
    with PdfPages(report_pdf) as pages:
        sizes = [pages.size(i) for i in range(len(pages))]
        first = pages.render(0, 72)
        last = pages.render(len(pages) - 1, 36)
    assert len(sizes) == len(PdfReader(report_pdf).pages)
    assert abs(first.width - sizes[0][0]) <= 1 and abs(first.height - sizes[0][1]) <= 1
    assert len(first.data) == first.stride * first.height and first.stride >= 4 * first.width
    assert first.data[:4] == b"\xff\xff\xff\xff"  # the white corner of the sheet
    assert last.landscape == (sizes[-1][0] > sizes[-1][1])
    assert any(w > h for w, h in sizes) and any(w < h for w, h in sizes)


def test_a_file_that_is_not_a_pdf_is_explained(tmp_path):
    broken = tmp_path / "hong.pdf"
    broken.write_text("không phải PDF")
    with pytest.raises(PdfPagesError, match=r"Không đọc được tệp PDF hong\.pdf"):
        PdfPages(broken)


def test_printing_puts_every_page_on_a_portrait_a4_sheet(qapp, report_pdf, tmp_path):
    printer = new_printer(report_pdf, QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "in-ra.pdf"
    printer.setOutputFileName(str(printed))
    count = paint_pdf(printer, report_pdf)
    source, result = PdfReader(report_pdf).pages, PdfReader(printed).pages
    assert count == len(source) == len(result)
    for page in result:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)
    # a landscape annex page is turned: its printed image is taller than wide
    landscape = next(i for i, p in enumerate(source) if p.mediabox.width > p.mediabox.height)
    with PdfPages(printed) as pages:
        image = pages.render(landscape, 20)
    rows = [
        image.data[r * image.stride : r * image.stride + 4 * image.width]
        for r in range(image.height)
    ]
    inked = [r for r, row in enumerate(rows) if row.count(b"\xff") < len(row) - 8]
    assert inked[-1] - inked[0] > 0.6 * image.height


def test_resolution_is_capped(qapp, report_pdf, monkeypatch):
    asked = []
    real = PdfPages.render
    monkeypatch.setattr(
        PdfPages, "render", lambda self, i, dpi: asked.append(dpi) or real(self, i, 10)
    )
    printer = new_printer(report_pdf)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(report_pdf.with_name("cao.pdf")))
    assert printer.resolution() > MAX_DPI
    paint_pdf(printer, report_pdf)
    assert set(asked) == {MAX_DPI}


def test_the_preview_paints_every_page(qtbot, report_pdf):
    dialog = preview_dialog(None, report_pdf)
    qtbot.addWidget(dialog)
    painted = []
    dialog.paintRequested.connect(painted.append)
    dialog.show()
    qtbot.waitUntil(lambda: preview_pages(dialog) > 0, timeout=10000)
    assert painted
    assert preview_pages(dialog) == len(PdfReader(report_pdf).pages)
    assert report_pdf.name in dialog.windowTitle()


def test_the_preview_speaks_vietnamese(qapp, qtbot, report_pdf):
    from gnapp.ui.common.qt import QAction, QApplication, QLocale
    from gnapp.ui.common.translations import install_vietnamese

    translator = install_vietnamese(qapp)
    try:
        dialog = preview_dialog(None, report_pdf)
        qtbot.addWidget(dialog)
        tips = {action.text() for action in dialog.findChildren(QAction)}
    finally:
        QApplication.removeTranslator(translator)
        QLocale.setDefault(QLocale.c())
    assert {"Trang sau", "Trang trước", "Phóng to", "Thu nhỏ", "In", "Thiết lập trang"} <= tips
    assert "Next page" not in tips


def test_the_preview_shows_pages_rendered_beforehand(qtbot, report_pdf, monkeypatch):
    """Opening the preview renders nothing on the GUI thread when its pages were made with the
    PDF; printing from it renders the PDF at the printer's resolution."""
    seen = []
    pages = preview_pages_work(report_pdf, Progress(lambda *step: seen.append(step)))
    assert len(pages) == len(PdfReader(report_pdf).pages)
    assert {page.dpi for page in pages} == {PREVIEW_DPI}
    assert seen[0][:2] == (0, len(pages)) and f"1/{len(pages)}" in seen[0][2]
    rendered = []
    real = PdfPages.render
    monkeypatch.setattr(
        PdfPages, "render", lambda self, i, dpi: rendered.append(dpi) or real(self, i, 10)
    )
    dialog = preview_dialog(None, report_pdf, pages)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: preview_pages(dialog) > 0, timeout=10000)
    assert preview_pages(dialog) == len(pages)
    assert rendered == []
    printer = dialog.printer
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(report_pdf.with_name("in-tu-xem-truoc.pdf")))
    dialog.findChild(QPrintPreviewWidget).print()
    assert set(rendered) == {MAX_DPI} and len(rendered) == len(pages)


def test_rendering_the_preview_can_be_cancelled(report_pdf):
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        preview_pages_work(report_pdf, progress)
