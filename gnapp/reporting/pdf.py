"""Official documents as PDF in the form of Nghị định 30/2020/NĐ-CP, Phụ lục I (reportlab).

A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; the bundled Liberation Serif (metric
compatible with Times New Roman, every Vietnamese letter); page numbers centred in the top
margin from page 2 on; annexes on new pages, landscape when their tables are wide. The file is
written under a temporary name and renamed at the end, so a failure leaves no half-written PDF.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from importlib.resources import as_file
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from gnapp.core.vietnamese import format_date_long
from gnapp.data import resource_file
from gnapp.i18n import tr
from gnapp.progress import Progress
from gnapp.reporting.charts import chart_drawing
from gnapp.reporting.document import (
    PLACE_WORDS,
    Align,
    Annex,
    Block,
    Bullet,
    Chart,
    DataTable,
    NewPage,
    OfficialDocument,
    Run,
    SectionHeading,
    Signature,
    Text,
    TextParagraph,
)

FONT_FAMILY = "GNSerif"
FONT_FILES = {
    FONT_FAMILY: "LiberationSerif-Regular.ttf",
    f"{FONT_FAMILY}-Bold": "LiberationSerif-Bold.ttf",
    f"{FONT_FAMILY}-Italic": "LiberationSerif-Italic.ttf",
    f"{FONT_FAMILY}-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_SIZE = 14
HEADER_SIZE = 13
LINE_SPACING = 1.25
FIRST_LINE_INDENT = 10 * mm
PARAGRAPH_SPACING = 6
CELL_PADDING = 6  # left + right padding of a table cell, points
MIN_CELL_SIZE = 8  # the smallest type a one-word cell is set in to keep it on one line
SIGNATURE_SPACE = 28 * mm  # room for the signature and the seal
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_SPACES = re.compile(r" {2,}")


@functools.cache
def register_fonts() -> str:
    """Register the bundled serif faces as one family (so <b> and <i> work); its name."""
    for name, filename in FONT_FILES.items():
        with as_file(resource_file("fonts", filename)) as font_path:
            pdfmetrics.registerFont(TTFont(name, str(font_path)))  # reads the file into memory
    pdfmetrics.registerFontFamily(
        FONT_FAMILY,
        normal=FONT_FAMILY,
        bold=f"{FONT_FAMILY}-Bold",
        italic=f"{FONT_FAMILY}-Italic",
        boldItalic=f"{FONT_FAMILY}-BoldItalic",
    )
    return FONT_FAMILY


def _face(bold: bool = False, italic: bool = False) -> str:
    suffix = ("Bold" if bold else "") + ("Italic" if italic else "")
    return f"{FONT_FAMILY}-{suffix}" if suffix else FONT_FAMILY


@functools.cache
def _style(
    size: float = BODY_SIZE,
    align: Align = "justify",
    bold: bool = False,
    italic: bool = False,
    indent: float = 0,
    space_after: float = PARAGRAPH_SPACING,
    keep_with_next: bool = False,
) -> ParagraphStyle:
    return ParagraphStyle(
        f"gn-{size}-{align}-{bold}-{italic}-{indent}-{space_after}-{keep_with_next}",
        fontName=_face(bold, italic),
        fontSize=size,
        leading=size * LINE_SPACING,
        alignment=_ALIGN[align],
        firstLineIndent=indent,
        spaceAfter=space_after,
        keepWithNext=keep_with_next,
    )


def _markup(text: Text) -> str:
    """Paragraph markup for NFC text; runs of spaces are kept (no-break spaces), "\n" breaks."""
    if isinstance(text, str):
        plain = unicodedata.normalize("NFC", text)
        kept = escape(_SPACES.sub(lambda m: "\u00a0" * len(m.group()), plain))
        return kept.replace("\n", "<br/>")
    parts = []
    for run in text:
        piece = _markup(run.text)
        piece = f"<b>{piece}</b>" if run.bold else piece
        parts.append(f"<i>{piece}</i>" if run.italic else piece)
    return "".join(parts)


def _para(text: Text, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_markup(text), style)


def _rule(width: float, space_after: float = 2) -> HRFlowable:
    return HRFlowable(
        width=width, thickness=0.6, color="black", spaceBefore=3, spaceAfter=space_after
    )


def _line_width(text: str, size: float, bold: bool, available: float) -> float:
    """The width of the longest line ``text`` takes in a column ``available`` wide (roughly)."""
    widest = max(pdfmetrics.stringWidth(line, _face(bold), size) for line in text.split("\n"))
    return min(widest, available)


def _two_lines(text: str, size: float, bold: bool, available: float) -> str:
    """A header line too long for its column, broken in two as offices write it: before the
    place ("ỦY BAN NHÂN DÂN" above "XÃ SƠN MINH"), else where the two lines are most even."""
    words = text.split()
    if "\n" in text or len(words) < 2 or _line_width(text, size, bold, 1e9) <= available:
        return text
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    fitting = [
        pair
        for pair in splits
        if pair[1].startswith(PLACE_WORDS) and _line_width(pair[0], size, bold, 1e9) <= available
    ]
    if fitting:
        top, bottom = fitting[-1]
    else:
        top, bottom = min(
            splits, key=lambda pair: max(_line_width(p, size, bold, 1e9) for p in pair)
        )
    return f"{top}\n{bottom}"


def _listed(items: Sequence[str]) -> list[str]:
    """ "- a;", "- b;", …, "- z." from the bare items."""
    bare = [unicodedata.normalize("NFC", item).strip().rstrip(";.") for item in items]
    return [f"- {item}{'.' if i == len(bare) - 1 else ';'}" for i, item in enumerate(bare)]


def _layout(rows: list, widths: Sequence[float], commands: Sequence[tuple], **options) -> Table:
    """A reportlab Table set in our font (its own default, Helvetica, would be embedded too)."""
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_FAMILY), *commands])
    return Table(rows, colWidths=list(widths), style=style, **options)


# Layout tables without borders or padding: the header, "Kính gửi", the closing block.
_BARE = (
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
)

# --- the parts of a document ---------------------------------------------------------------------


def _header(document: OfficialDocument, width: float) -> list[Flowable]:
    """The two header columns, the number and the place and date on one line."""
    left_width = width * 0.42
    right_width = width - left_width
    centred = functools.partial(_style, HEADER_SIZE, "center", space_after=0)
    left: list[Flowable] = []
    if document.parent_body:
        parent = _two_lines(document.parent_body, HEADER_SIZE, False, left_width)
        left.append(_para(parent, centred()))
    office = _two_lines(document.issuing_office, HEADER_SIZE, True, left_width)
    left.append(_para(office, centred(bold=True)))
    left.append(_rule(_line_width(office, HEADER_SIZE, True, left_width) * 0.4))
    motto_width = pdfmetrics.stringWidth(MOTTO, _face(bold=True), BODY_SIZE)
    right: list[Flowable] = [
        _para(NATION, centred(bold=True)),
        _para(MOTTO, _style(BODY_SIZE, "center", bold=True, space_after=0)),
        _rule(motto_width),
    ]
    dated = f"{document.place}, {format_date_long(document.date)}"
    table = _layout(
        [
            [left, right],
            [
                _para(document.number_symbol, centred()),
                _para(dated, _style(BODY_SIZE, "center", italic=True, space_after=0)),
            ],
        ],
        [left_width, right_width],
        [*_BARE, ("ALIGN", (0, 0), (-1, -1), "CENTER")],  # centres the rules
    )
    return [table, Spacer(1, 8 * mm)]


def _title(document: OfficialDocument, width: float) -> list[Flowable]:
    flow: list[Flowable] = [
        _para(document.kind.upper(), _style(BODY_SIZE, "center", bold=True, space_after=0))
    ]
    if document.subject:
        flow.append(_para(document.subject, _style(BODY_SIZE, "center", bold=True, space_after=0)))
        flow.append(_rule(_line_width(document.subject, BODY_SIZE, True, width) * 0.35))
    flow.append(Spacer(1, 4 * mm))
    if len(document.recipients_to) == 1:
        (only,) = _listed(document.recipients_to)
        flow.append(_para(f"Kính gửi: {only[2:]}", _style(align="center")))
    elif document.recipients_to:
        lines = [
            _para(line, _style(align="left", space_after=0))
            for line in _listed(document.recipients_to)
        ]
        label = _para("Kính gửi:", _style(align="right", space_after=0))
        gap = ("LEFTPADDING", (1, 0), (1, 0), 4)
        flow.append(
            _layout(
                [[label, lines]],
                [width * 0.2, width * 0.6],
                [*_BARE, gap],
                spaceAfter=PARAGRAPH_SPACING,
            )
        )
    return flow


def _fits(text: str, size: float, bold: bool, room: float) -> bool:
    return "\n" not in text and pdfmetrics.stringWidth(text, _face(bold), size) <= room


def _cell_size(text: str, size: float, bold: bool, room: float) -> float:
    """The type size of a cell whose text does not fit its column on one line: the cell's own,
    or smaller (down to MIN_CELL_SIZE) so that no word is wider than the column, since a word
    broken inside ("BHY" / "T", "65/QĐ-UB" / "ND") is not read as written."""
    widest = max(
        (pdfmetrics.stringWidth(word, _face(bold), size) for word in text.split()), default=0
    )
    if widest <= room:
        return size
    # a hair below the exact fit: the paragraph's own wrapping breaks a word that fills the
    # column to the last fraction of a point
    return max(MIN_CELL_SIZE, size * (room - 0.5) / widest)


def _table(table: DataTable, width: float) -> list[Flowable]:
    flow: list[Flowable] = []
    if table.title:
        flow.append(_para(table.title, _style(BODY_SIZE - 1, "center", bold=True, space_after=2)))
    if table.unit:
        flow.append(_para(table.unit, _style(BODY_SIZE - 2, "right", italic=True, space_after=2)))
    rows = table.all_rows()
    headers = len(table.header_rows)
    totals_row = len(rows) - 1 if table.totals else -1
    cells: list[list[Paragraph | str]] = [[""] * table.columns for _ in rows]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTSIZE", (0, 0), (-1, -1), table.font_size),
        ("LEADING", (0, 0), (-1, -1), table.font_size * LINE_SPACING),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    widths = [f * width for f in table.fractions]
    for c, align in enumerate(table.align or ()):
        commands.append(
            ("ALIGN", (c, headers), (c, -1), "LEFT" if align == "justify" else align.upper())
        )
    for placed in table.grid():
        r, c, cell = placed.row, placed.column, placed.cell
        header = r < headers
        align = "center" if header else (table.align[c] if table.align else "left")
        bold = header or r == totals_row or cell.bold
        if cell.colspan > 1 or cell.rowspan > 1:
            commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
        room = sum(widths[c : c + cell.colspan]) - CELL_PADDING
        text = cell.text if isinstance(cell.text, str) else None
        if not header and text is not None and _fits(text, table.font_size, bold, room):
            # a one-line cell (most figures) is drawn as it is: Paragraph layout of thousands
            # of numbers was most of a large report's time
            cells[r][c] = unicodedata.normalize("NFC", text)
            if bold:
                commands.append(("FONTNAME", (c, r), (c, r), _face(bold=True)))
            continue
        size = table.font_size
        if text is not None:
            # a word too wide ("65/QĐ-UBND", "BHYT" in a narrow heading): set smaller rather
            # than broken inside
            size = _cell_size(text, size, bold, room)
        if not header and text is not None and _fits(text.strip(), size, bold, room):
            cells[r][c] = unicodedata.normalize("NFC", text.strip())
            commands.append(("FONTSIZE", (c, r), (c, r), size))
            commands.append(("LEADING", (c, r), (c, r), size * LINE_SPACING))
            if bold:
                commands.append(("FONTNAME", (c, r), (c, r), _face(bold=True)))
            continue
        # on several lines, within the column: even a word too wide at the smallest size
        # (a dotted line to fill in by hand) wraps rather than running over the grid
        style = _style(size, align, bold=bold, space_after=0)
        cells[r][c] = _para(cell.text, style)
    flow.append(
        _layout(
            cells,
            widths,
            commands,
            repeatRows=headers,
            spaceAfter=PARAGRAPH_SPACING * 2,
        )
    )
    return flow


def _chart(chart: Chart, width: float) -> list[Flowable]:
    caption = _para(chart.title, _style(BODY_SIZE - 1, "center", bold=True, space_after=2))
    drawing = chart_drawing(chart, width, min(width * 0.45, 85 * mm), FONT_FAMILY)
    return [KeepTogether([caption, drawing, Spacer(1, PARAGRAPH_SPACING * 2)])]


def _block(block: Block, width: float) -> list[Flowable]:
    match block:
        case SectionHeading(text=text, level=level):
            style = _style(
                bold=True, italic=level == 3, indent=FIRST_LINE_INDENT, keep_with_next=True
            )
            return [_para(text, style)]
        case TextParagraph():
            indent = FIRST_LINE_INDENT if block.indent else 0
            return [
                _para(block.text, _style(BODY_SIZE, block.align, block.bold, block.italic, indent))
            ]
        case Bullet(text=text, marker=marker):
            indent = FIRST_LINE_INDENT * (1 if marker == "-" else 1.5)
            marked = f"{marker} {text}" if isinstance(text, str) else (Run(f"{marker} "), *text)
            return [_para(marked, _style(indent=indent))]
        case DataTable():
            return _table(block, width)
        case Chart():
            return _chart(block, width)
        case NewPage():
            return [PageBreak()]
    raise TypeError(f"not a document block: {block!r}")


def _signature(signature: Signature, lines: int) -> list[Flowable]:
    """A signing block whose marks and title take ``lines`` lines, so that the names of signers
    side by side stand on one line."""
    bold = _style(BODY_SIZE, "center", bold=True, space_after=0)
    flow: list[Flowable] = [_para(line, bold) for line in (*signature.marks, signature.title)]
    missing = lines - len(signature.marks) - 1
    flow.append(Spacer(1, SIGNATURE_SPACE + missing * bold.leading))
    flow.append(_para(signature.name, bold))
    return flow


def _closing(document: OfficialDocument, width: float) -> list[Flowable]:
    """ "Nơi nhận:" at the left and the signing blocks at the right, kept together."""
    if not document.recipients and not document.signatures:
        return []
    lines = max((len(s.marks) + 1 for s in document.signatures), default=0)
    signatures = [_signature(s, lines) for s in document.signatures]
    if document.recipients or len(signatures) == 1:
        # "Nơi nhận" (or nothing) on the left; the signatures share the right part.
        recipients = (
            [
                _para("Nơi nhận:", _style(12, "left", bold=True, italic=True, space_after=0)),
                *(
                    _para(line, _style(11, "left", space_after=0))
                    for line in _listed(document.recipients)
                ),
            ]
            if document.recipients
            else []
        )
        columns = [recipients, *signatures]
        widths = [width * 0.45] + [width * 0.55 / max(len(signatures), 1)] * len(signatures)
    else:  # several signers of minutes, side by side
        columns = signatures
        widths = [width / len(columns)] * len(columns)
    table = _layout([columns], widths, _BARE, hAlign="LEFT")
    return [Spacer(1, 4 * mm), table]


def _annex_opening(document: OfficialDocument, annex: Annex) -> list[Flowable]:
    centred = functools.partial(_style, BODY_SIZE, "center", space_after=0)
    return [
        _para(f"Phụ lục {annex.number}", centred(bold=True)),
        _para(annex.title.upper(), centred(bold=True)),
        _para(document.annex_note(annex), centred(italic=True)),
        Spacer(1, 6 * mm),
    ]


# --- pages ---------------------------------------------------------------------------------------

PORTRAIT, LANDSCAPE = "portrait", "landscape"


FIRST = "-first"  # a document's first page: not numbered, numbering starts from it


def _page_template(name: str, size: tuple[float, float], numbering: dict[str, int]) -> PageTemplate:
    page_width, page_height = size
    top, bottom = MARGINS_MM["top"] * mm, MARGINS_MM["bottom"] * mm
    left, right = MARGINS_MM["left"] * mm, MARGINS_MM["right"] * mm
    frame = Frame(
        left,
        bottom,
        page_width - left - right,
        page_height - top - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=name,
    )

    def number_page(canvas, doc) -> None:
        if name.endswith(FIRST):
            numbering["first"] = doc.page
            return
        number = doc.page - numbering["first"] + 1
        if number > 1:
            canvas.saveState()
            canvas.setFont(FONT_FAMILY, HEADER_SIZE)
            canvas.drawCentredString(page_width / 2, page_height - top / 2 - 4, str(number))
            canvas.restoreState()

    return PageTemplate(id=name, frames=[frame], onPage=number_page, pagesize=size)


def _frame_width(orientation: str) -> float:
    page_width = landscape(A4)[0] if orientation == LANDSCAPE else A4[0]
    return page_width - (MARGINS_MM["left"] + MARGINS_MM["right"]) * mm


def _block_count(document: OfficialDocument) -> int:
    return len(document.body) + sum(len(a.blocks) for a in document.annexes)


def _story(
    document: OfficialDocument,
    progress: Callable[[int, int, str], None],
    done: int = 0,
    total: int | None = None,
) -> list[Flowable]:
    total = _block_count(document) if total is None else total
    orientation = LANDSCAPE if document.landscape else PORTRAIT
    width = _frame_width(orientation)
    story = _header(document, width) if document.official_header else []
    story += _title(document, width)
    last: list[Flowable] = []
    for block in document.body:
        progress(done, total, tr("Đang dựng văn bản PDF"))
        story += last
        last = _block(block, width)
        done += 1
    closing = _closing(document, width)
    if closing and last and not isinstance(document.body[-1], (DataTable, Chart, NewPage)):
        # the signing block never stands alone on the last page: the closing paragraph
        # goes with it
        story.append(KeepTogether([*last, *closing]))
    else:
        story += last + closing
    for annex in document.annexes:
        orientation = LANDSCAPE if annex.is_landscape else PORTRAIT
        width = _frame_width(orientation)
        story += [NextPageTemplate(orientation), PageBreak(), *_annex_opening(document, annex)]
        for block in annex.blocks:
            progress(done, total, tr("Đang dựng Phụ lục {number}", number=annex.number))
            story += _block(block, width)
            done += 1
    return story


def write_pdf(
    document: OfficialDocument, path: str | os.PathLike[str], progress: Progress | None = None
) -> Path:
    """Write ``document`` as a PDF at ``path`` (replaced only once the new file is complete)."""
    return write_pdf_documents((document,), path, progress)


def write_pdf_documents(
    documents: Sequence[OfficialDocument],
    path: str | os.PathLike[str],
    progress: Progress | None = None,
) -> Path:
    """Write several documents one after the other in one PDF (a certificate per household),
    each from a new page, its pages numbered from its own first page (left unnumbered)."""
    if not documents:
        raise ValueError("no document to write")
    target = Path(path)
    register_fonts()
    report = progress or (lambda done, total, message="": None)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    os.close(handle)
    first = documents[0]
    total = sum(_block_count(document) for document in documents)
    numbering = {"first": 1}
    try:
        story: list[Flowable] = []
        done = 0
        for document in documents:
            orientation = LANDSCAPE if document.landscape else PORTRAIT
            if story:
                story += [NextPageTemplate(orientation + FIRST), PageBreak()]
            story.append(NextPageTemplate(orientation))  # the pages after the first
            story += _story(document, report, done, total)
            done += _block_count(document)
        sizes = {PORTRAIT: A4, LANDSCAPE: landscape(A4)}
        opening = LANDSCAPE if first.landscape else PORTRAIT
        names = [opening + FIRST, *(n + FIRST for n in sizes if n != opening), *sizes]
        # the first template is the first page's
        templates = [_page_template(n, sizes[n.removesuffix(FIRST)], numbering) for n in names]
        pdf = BaseDocTemplate(
            temporary,
            pagesize=templates[0].pagesize,
            pageTemplates=templates,
            title=unicodedata.normalize("NFC", f"{first.kind} {first.subject}".strip()),
            author=first.issuing_office,
            subject=first.number_symbol,
            creator="GNApp",
            initialFontName=FONT_FAMILY,  # else every page also lists Helvetica
        )
        pdf.build(story)
        report(total, total, "Đã ghi văn bản PDF")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
