"""Print preview and printing of a written PDF (a report), page by page as images.

Each page is drawn on A4 at its own size, so the document's margins (Nghị định 30/2020) stay as
written; a landscape annex page is turned to fit a portrait sheet. Pages are printed at the
printer's resolution, at most MAX_DPI; the preview shows pages rendered beforehand at PREVIEW_DPI
(in the background, with the PDF: ``preview_pages_work``), so opening it does not wait.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from gnapp.i18n import tr
from gnapp.progress import Progress
from gnapp.reporting.pdf_pages import PageImage, PdfPages, render_pages
from gnapp.ui.common.qt import (
    QImage,
    QPageLayout,
    QPageSize,
    QPaintEngine,
    QPainter,
    QPrintDialog,
    QPrinter,
    QPrintPreviewDialog,
    QPrintPreviewWidget,
    QRectF,
    QSize,
    QWidget,
)
from gnapp.ui.common.widgets import busy
from gnapp.ui.common.window_size import fit_window

MAX_DPI = 300
PREVIEW_DPI = 150  # sharp on screen at the preview's zoom, a quarter of MAX_DPI's pixels


def new_printer(path: Path, mode: QPrinter.PrinterMode = QPrinter.PrinterMode.HighResolution):
    """A printer set for the document: A4 portrait, the whole sheet (the PDF has margins)."""
    printer = QPrinter(mode)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setDocName(path.stem)
    return printer


def _draw(painter: QPainter, image: QImage, sheet: QRectF) -> None:
    """``image`` as large as fits on ``sheet`` and centred, turned a quarter to the left when
    its orientation is not the sheet's."""
    turn = (image.width() > image.height()) != (sheet.width() > sheet.height())
    width, height = (image.height(), image.width()) if turn else (image.width(), image.height())
    scale = min(sheet.width() / width, sheet.height() / height)
    painter.save()
    painter.translate(sheet.center())
    if turn:
        painter.rotate(-90)
    w, h = image.width() * scale, image.height() * scale
    painter.drawImage(QRectF(-w / 2, -h / 2, w, h), image)
    painter.restore()


def _image(page: PageImage) -> QImage:
    return QImage(page.data, page.width, page.height, page.stride, QImage.Format.Format_RGBX8888)


def _paint(printer: QPrinter, images: Iterable[QImage]) -> int:
    """Draw each image on a sheet of its own; the number of sheets drawn."""
    sheet = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    drawn = 0
    try:
        for image in images:
            if drawn:
                printer.newPage()
            _draw(painter, image, sheet)
            drawn += 1
        return drawn
    finally:
        painter.end()


def paint_pdf(printer: QPrinter, path: Path) -> int:
    """Draw every page of the PDF at ``path`` on ``printer``; the number of pages."""
    dpi = min(printer.resolution(), MAX_DPI)
    with PdfPages(path) as pages:
        return _paint(printer, (_image(pages.render(index, dpi)) for index in range(len(pages))))


def preview_pages_work(path: Path, progress: Progress) -> list[PageImage]:
    """The pages the preview of ``path`` shows, rendered (off the GUI thread: a Job's work)."""
    return render_pages(
        path,
        PREVIEW_DPI,
        lambda done, total: progress(
            done, total, tr("Đang dựng trang {page}/{pages} để xem trước…", page=done + 1,
                            pages=total)
        ),
    )  # fmt: skip


def _previewing(printer: QPrinter) -> bool:
    """Whether ``printer`` is drawing the preview (its pages on screen) rather than printing."""
    engine = printer.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


def preview_dialog(
    parent: QWidget | None, path: Path, pages: Sequence[PageImage] | None = None
) -> QPrintPreviewDialog:
    """The print preview of the PDF (call ``exec()`` or ``open()``); its "In" button prints it at
    the printer's resolution. With ``pages`` (``preview_pages_work``) the preview shows them
    rather than rendering the PDF on the GUI thread."""
    printer = new_printer(path)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.printer = printer  # kept alive with the dialog

    def paint(target: QPrinter) -> None:
        if pages is not None and _previewing(target):
            _paint(target, map(_image, pages))
        else:
            with busy():
                paint_pdf(target, path)

    dialog.setWindowTitle(tr("Xem trước khi in — {name}", name=path.name))
    dialog.paintRequested.connect(paint)
    fit_window(dialog, QSize(1000, 680), "print-preview")
    return dialog


def preview_pages(dialog: QPrintPreviewDialog) -> int:
    """How many pages the preview shows."""
    return dialog.findChild(QPrintPreviewWidget).pageCount()


def print_pdf(parent: QWidget | None, path: Path) -> bool:
    """Ask for a printer (Qt's print dialog) and print the PDF; False when cancelled."""
    printer = new_printer(path)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("In {name}", name=path.name))
    if not dialog.exec():
        return False
    return paint_pdf(printer, path) > 0
