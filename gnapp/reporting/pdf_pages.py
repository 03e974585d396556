"""A written PDF's pages as images, for print preview and printing (PDFium through pypdfium2).

The Qt wheels GNApp uses have no QtPdf, so the GUI draws these images on the printer's page; nothing
here knows Qt: an image is its pixels (RGBX, 4 bytes a pixel) and their layout.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pypdfium2

from gnapp.i18n import tr

POINTS_PER_INCH = 72


class PdfPagesError(ValueError):
    """A PDF that cannot be read (Vietnamese message)."""


@dataclass(frozen=True)
class PageImage:
    """One page as pixels: ``data`` holds ``height`` rows of ``stride`` bytes, RGBX."""

    width: int
    height: int
    stride: int
    data: bytes
    dpi: float

    @property
    def landscape(self) -> bool:
        return self.width > self.height


class PdfPages:
    """An open PDF whose pages are rendered one at a time (use as a context manager)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self._pdf = pypdfium2.PdfDocument(self.path)
        except (pypdfium2.PdfiumError, OSError) as error:
            raise PdfPagesError(
                tr("Không đọc được tệp PDF {name}: {problem}", name=self.path.name, problem=error)
            ) from error

    def __len__(self) -> int:
        return len(self._pdf)

    def size(self, index: int) -> tuple[float, float]:
        """The page's width and height in points (1/72 inch)."""
        width, height = self._pdf[index].get_size()
        return width, height

    def render(self, index: int, dpi: float) -> PageImage:
        """Page ``index`` (from 0) at ``dpi`` dots per inch, on white."""
        page = self._pdf[index]
        bitmap = page.render(
            scale=dpi / POINTS_PER_INCH,
            rev_byteorder=True,  # RGB order
            prefer_bgrx=True,  # four bytes a pixel
            fill_color=(255, 255, 255, 255),
            optimize_mode="print",
        )
        try:
            return PageImage(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer), dpi)
        finally:
            bitmap.close()
            page.close()

    def close(self) -> None:
        self._pdf.close()

    def __enter__(self) -> PdfPages:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def render_pages(
    path: str | os.PathLike[str],
    dpi: float,
    progress: Callable[[int, int], None] | None = None,
) -> list[PageImage]:
    """Every page of the PDF at ``path`` at ``dpi``; ``progress(done, total)`` before each page
    (a ``gnapp.progress.Progress`` stops the work there when cancelled)."""
    with PdfPages(path) as pages:
        images = []
        for index in range(len(pages)):
            if progress is not None:
                progress(index, len(pages))
            images.append(pages.render(index, dpi))
        return images
