"""The official-document PDF: header blocks, every Vietnamese letter, figures, pages, fonts."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from importlib.resources import as_file
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFile

from gnapp.core.vietnamese import format_number, format_percent
from gnapp.data import resource_file
from gnapp.progress import Cancelled, Progress
from gnapp.reporting.document import (
    Annex,
    Bullet,
    Cell,
    Chart,
    DataTable,
    OfficialDocument,
    Run,
    SectionHeading,
    Series,
    Signature,
    TextParagraph,
    number_symbol,
)
from gnapp.reporting.pdf import FONT_FILES, write_pdf

# fmt: off
BASES = ("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o", "ô",
         "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y")
# fmt: on
TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền, sắc, hỏi, ngã, nặng
LOWER = [*BASES, *(unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in TONES)]
LETTERS = [*LOWER, *(letter.upper() for letter in LOWER)]
PANGRAM = " ".join(LETTERS)

YEARS = (2021, 2022, 2023, 2024, 2025)
ALL_HOUSEHOLDS = (1790, 1802, 1805, 1825, 1840)
POOR = (98, 81, 52, 40, 31)
NEAR_POOR = (120, 111, 104, 95, 90)


def rate(part: int, whole: int) -> str:
    return format_percent(part / whole * 100)


def yearly_table() -> DataTable:
    rows = tuple(
        (
            str(year),
            format_number(total),
            format_number(poor),
            rate(poor, total),
            format_number(near),
            rate(near, total),
        )
        for year, total, poor, near in zip(YEARS, ALL_HOUSEHOLDS, POOR, NEAR_POOR, strict=True)
    )
    return DataTable(
        title="Hộ nghèo, hộ cận nghèo qua các năm",
        unit="Đơn vị tính: hộ",
        column_widths=(1, 1.4, 1, 1, 1, 1),
        align=("center", "right", "right", "right", "right", "right"),
        header_rows=(
            (
                Cell("Năm", rowspan=2),
                Cell("Tổng số hộ", rowspan=2),
                Cell("Hộ nghèo", colspan=2),
                Cell("Hộ cận nghèo", colspan=2),
            ),
            ("Số hộ", "Tỷ lệ", "Số hộ", "Tỷ lệ"),
        ),
        rows=rows,
    )


VILLAGES = ("Thôn Gò Da", "Thôn Đồng Ren", "Thôn Làng Rê", "Thôn Xà Ây", "Thôn Nước Bung")


def village_table() -> DataTable:
    """A wide annex table: 11 columns, two-level header, a totals row."""
    rows = []
    for i, village in enumerate(VILLAGES, start=1):
        total, poor, near = 300 + 17 * i, 4 + i, 15 + 2 * i
        rows.append(
            (
                str(i),
                village,
                format_number(total),
                format_number(total * 4),
                format_number(poor),
                rate(poor, total),
                format_number(poor * 4),
                format_number(near),
                rate(near, total),
                format_number(near * 4),
                "",
            )
        )
    return DataTable(
        column_widths=(0.5, 2.2, 1, 1, 1, 1, 1, 1, 1, 1, 1.4),
        align=("center", "left", *("right",) * 8, "left"),
        header_rows=(
            (
                Cell("STT", rowspan=2),
                Cell("Thôn", rowspan=2),
                Cell("Tổng số", colspan=2),
                Cell("Hộ nghèo", colspan=3),
                Cell("Hộ cận nghèo", colspan=3),
                Cell("Ghi chú", rowspan=2),
            ),
            ("Số hộ", "Số khẩu", "Số hộ", "Tỷ lệ", "Số khẩu", "Số hộ", "Tỷ lệ", "Số khẩu"),
        ),
        rows=tuple(rows),
        totals=(
            Cell("Tổng cộng", colspan=2),
            "1.755",
            "7.020",
            "40",
            "2,28%",
            "160",
            "135",
            "7,69%",
            "540",
            "",
        ),
        font_size=11,
    )


LOREM = (
    "Ủy ban nhân dân xã đã chỉ đạo các thôn triển khai rà soát hộ nghèo, hộ cận nghèo đúng quy "
    "trình, công khai, dân chủ; phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam xã và các đoàn thể "
    "giám sát việc bình xét ở từng thôn, bảo đảm đúng đối tượng, không bỏ sót hộ."
)


def sample_document() -> OfficialDocument:
    """A commune's mid-term report, in the shape of seed 004."""
    body = (
        TextParagraph(
            "Thực hiện Kế hoạch số 83/KH-UBND ngày 29/4/2025 của UBND huyện; UBND xã Sơn Minh báo "
            "cáo kết quả sơ kết giữa kỳ thực hiện Chương trình, cụ thể như sau:"
        ),
        SectionHeading("I. ĐẶC ĐIỂM TÌNH HÌNH"),
        TextParagraph(
            "Xã Sơn Minh có 5 thôn, dân số khoảng 7.020 người với 1.810 hộ. Tính đến cuối năm "
            f"2022, toàn xã có {POOR[1]} hộ nghèo, tỷ lệ {rate(POOR[1], ALL_HOUSEHOLDS[1])}; "
            f"{NEAR_POOR[1]} hộ cận nghèo, tỷ lệ {rate(NEAR_POOR[1], ALL_HOUSEHOLDS[1])}."
        ),
        yearly_table(),
        Chart(
            kind="bar",
            title="Biểu đồ 1. Tỷ lệ hộ nghèo, hộ cận nghèo qua các năm",
            categories=tuple(str(y) for y in YEARS),
            series=(
                Series(
                    "Tỷ lệ hộ nghèo",
                    tuple(p / t * 100 for p, t in zip(POOR, ALL_HOUSEHOLDS, strict=True)),
                ),
                Series(
                    "Tỷ lệ hộ cận nghèo",
                    tuple(n / t * 100 for n, t in zip(NEAR_POOR, ALL_HOUSEHOLDS, strict=True)),
                ),
            ),
            unit="%",
        ),
        SectionHeading("II. KẾT QUẢ THỰC HIỆN"),
        SectionHeading("1. Công tác lãnh đạo, chỉ đạo", level=2),
        TextParagraph(LOREM),
        Bullet("Kế hoạch số 12/KH-UBND ngày 15/3/2023 về thực hiện Chương trình năm 2023;"),
        Bullet("Hỗ trợ 12 hộ nuôi bò sinh sản, kinh phí 240.000.000 đồng;", marker="+"),
        SectionHeading("2. Kết quả giảm nghèo", level=2),
        TextParagraph(
            (
                Run("Kết quả: ", bold=True),
                Run(
                    f"số hộ nghèo giảm từ {POOR[0]} hộ xuống {POOR[2]} hộ, đạt 115,00% so với chỉ "
                    "tiêu giao."
                ),
            )
        ),
        SectionHeading("a) Ưu điểm", level=3),
        *(TextParagraph(LOREM) for _ in range(6)),
        TextParagraph(PANGRAM),
    )
    annex = Annex(
        number="I",
        title="Kết quả rà soát hộ nghèo, hộ cận nghèo theo thôn",
        blocks=(village_table(),),
    )
    return OfficialDocument(
        parent_body="UBND HUYỆN SƠN HÀ",
        issuing_office="ỦY BAN NHÂN DÂN XÃ SƠN MINH",
        number_symbol=number_symbol(15, "BC-UBND"),
        place="Sơn Minh",
        date=date(2026, 1, 5),
        kind="BÁO CÁO",
        subject="Sơ kết giữa kỳ thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững "
        "giai đoạn 2021-2025",
        recipients_to=("Ủy ban nhân dân huyện Sơn Hà",),
        body=body,
        annexes=(annex,),
        recipients=("UBND huyện", "Thường trực Đảng ủy xã", "Lưu: VT, VHXH"),
        signatures=(
            Signature(
                marks=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"),
                title="PHÓ CHỦ TỊCH",
                name="Nguyễn Văn Bình",
            ),
        ),
        issuer_name="UBND xã Sơn Minh",
    )


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    return write_pdf(sample_document(), tmp_path_factory.mktemp("pdf") / "bao-cao.pdf")


@pytest.fixture(scope="module")
def pages(sample_pdf) -> list[str]:
    return [page.extract_text() for page in PdfReader(sample_pdf).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_pangram_holds_the_134_letters_outside_ascii():
    assert len({ch for ch in PANGRAM if not ch.isascii() and ch != " "}) == 134


def test_header_blocks_are_on_the_first_page(pages):
    first = flat(pages[0])
    for text in (
        "UBND HUYỆN SƠN HÀ",
        "ỦY BAN NHÂN DÂN XÃ SƠN MINH",
        "Số: 15/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Sơn Minh, ngày 05 tháng 01 năm 2026",
        "BÁO CÁO",
        "Sơ kết giữa kỳ thực hiện Chương trình mục tiêu quốc gia",
        "Kính gửi: Ủy ban nhân dân huyện Sơn Hà.",
        "I. ĐẶC ĐIỂM TÌNH HÌNH",
    ):
        assert text in first


def test_every_vietnamese_letter_survives_exactly(pages):
    text = "".join(pages)
    assert unicodedata.is_normalized("NFC", text)
    missing = [letter for letter in LETTERS if letter not in text]
    assert missing == []


def test_figures_are_written_as_given(pages):
    text = flat("".join(pages))
    for figure in ("2,88%", "5,76%", "1.805", "6,16%", "1.810 hộ", "240.000.000 đồng", "115,00%"):
        assert figure in text
    assert "Kết quả: số hộ nghèo giảm từ 98 hộ xuống 52 hộ" in text


def test_pages_are_numbered_in_the_top_margin_from_page_two(pages):
    assert len(pages) >= 3
    assert pages[0].split()[0] != "1"
    for number, text in enumerate(pages[1:], start=2):
        assert text.split()[0] == str(number)


def test_the_closing_block_lists_recipients_and_the_signer(pages):
    text = flat("".join(pages))
    for piece in (
        "Nơi nhận:",
        "- UBND huyện;",
        "- Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn Bình",
    ):
        assert piece in text


def test_the_annex_starts_a_landscape_page(sample_pdf, pages):
    reader = PdfReader(sample_pdf)
    annex_pages = [i for i, text in enumerate(pages) if "Phụ lục I" in text]
    assert len(annex_pages) == 1
    (index,) = annex_pages
    page_text = flat(pages[index])
    assert "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO THEO THÔN" in page_text
    assert "(Kèm theo Báo cáo số 15/BC-UBND ngày 05/01/2026 của UBND xã Sơn Minh)" in page_text
    assert "Tổng cộng" in page_text and "7,69%" in page_text
    assert "Phụ lục" not in "".join(pages[:index])
    box = reader.pages[index].mediabox
    assert box.width > box.height
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height


def _font_names(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor  # embedded TrueType
            names.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def test_only_the_bundled_fonts_are_embedded(sample_pdf):
    bundled = set()
    for filename in FONT_FILES.values():
        with as_file(resource_file("fonts", filename)) as path:
            bundled.add(TTFontFile(str(path)).name.decode())
    assert len(bundled) == 4
    assert _font_names(sample_pdf) == bundled


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_progress_is_reported_per_block(tmp_path):
    calls = []
    document = sample_document()
    write_pdf(document, tmp_path / "a.pdf", Progress(lambda *call: calls.append(call[:2])))
    total = len(document.body) + sum(len(a.blocks) for a in document.annexes)
    assert [done for done, _ in calls] == list(range(total + 1))
    assert {t for _, t in calls} == {total}


def test_a_cancelled_write_leaves_no_file(tmp_path):
    progress = Progress(lambda done, total, message: done == 3 and progress.cancel())
    with pytest.raises(Cancelled):
        write_pdf(sample_document(), tmp_path / "a.pdf", progress)
    assert _listing(tmp_path) == []


def test_a_failure_after_the_pages_are_written_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")

    def stop_at_the_end(done: int, total: int, message: str) -> None:
        if done == total - 1:
            progress.cancel()  # the next call, after the pages are written, raises

    progress = Progress(stop_at_the_end)
    with pytest.raises(Cancelled):
        write_pdf(sample_document(), target, progress)
    assert target.read_bytes() == b"old"
    assert _listing(tmp_path) == ["a.pdf"]


def test_an_unnumbered_document_keeps_room_for_the_number(tmp_path):
    document = OfficialDocument(
        parent_body="",
        issuing_office="ỦY BAN NHÂN DÂN XÃ SƠN MINH",
        number_symbol=number_symbol(None, "TB-UBND"),
        place="Sơn Minh",
        date=date(2026, 3, 15),
        kind="THÔNG BÁO",
        subject="Kết quả rà soát hộ nghèo",
        body=(TextParagraph("Nội dung."),),
        signatures=(
            Signature(title="CHỦ TỊCH", name="Lê Thị Hoa", marks=("TM. ỦY BAN NHÂN DÂN",)),
        ),
    )
    (text,) = [p.extract_text() for p in PdfReader(write_pdf(document, tmp_path / "t.pdf")).pages]
    assert re.search(r"Số:\s{3,}/TB-UBND", text)
    assert "Sơn Minh, ngày 15 tháng 3 năm 2026" in flat(text)


def minutes() -> OfficialDocument:
    return OfficialDocument(
        parent_body="UBND TỈNH QUẢNG NGÃI",
        issuing_office="ỦY BAN NHÂN DÂN XÃ ĐỨC PHONG HẢI",
        number_symbol=number_symbol(None, "BB-UBND"),
        place="Đức Phong",
        date=date(2026, 2, 3),
        kind="Biên bản",
        subject="Họp bình xét hộ nghèo thôn An Phú",
        recipients_to=("Ủy ban nhân dân huyện", "Phòng Nông nghiệp và Môi trường."),
        body=(TextParagraph("Hôm nay, lúc 8 giờ, tại nhà văn hóa thôn An Phú."),),
        signatures=(
            Signature(title="THƯ KÝ", name="Trần Thị Lan"),
            Signature(title="CHỦ TRÌ", name="Nguyễn Văn Bình", marks=("TRƯỞNG THÔN",)),
        ),
    )


def _heights(pdf: Path) -> dict[str, float]:
    """The height on the first page of each piece of text as drawn."""
    found: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found[text.strip()] = round(cm[5] + tm[5], 1)

    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return found


def test_signers_side_by_side_sign_on_one_line(tmp_path):
    heights = _heights(write_pdf(minutes(), tmp_path / "bb.pdf"))
    assert heights["Trần Thị Lan"] == heights["Nguyễn Văn Bình"]
    assert heights["THƯ KÝ"] == heights["TRƯỞNG THÔN"] > heights["CHỦ TRÌ"]


def test_several_addressees_are_listed_under_kinh_gui(tmp_path):
    heights = _heights(write_pdf(minutes(), tmp_path / "bb.pdf"))
    first, second = "- Ủy ban nhân dân huyện;", "- Phòng Nông nghiệp và Môi trường."
    assert heights["Kính gửi:"] == heights[first] > heights[second]
    assert heights["BIÊN BẢN"] > heights["Kính gửi:"]


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        ((Cell("a", colspan=3),), ()),  # wider than the table
        (("a",), ()),  # leaves a column empty
        ((Cell("a", rowspan=2), "b"), (("c", "d"),)),  # the body row overflows under the span
        (("a", "b"), ((Cell("c", rowspan=2), "d"), ("e",))),  # body cells may not span rows
    ],
)
def test_a_malformed_table_is_refused(header, rows):
    with pytest.raises(ValueError):
        DataTable(column_widths=(1, 1), header_rows=(header,), rows=rows)


def test_header_cells_are_placed_around_the_spans():
    placed = {(p.row, p.column): p.cell.text for p in yearly_table().grid()}
    assert placed[(0, 2)] == "Hộ nghèo" and placed[(0, 4)] == "Hộ cận nghèo"
    assert placed[(1, 2)] == "Số hộ" and placed[(1, 5)] == "Tỷ lệ"
    assert (1, 0) not in placed and placed[(2, 0)] == "2021"


def test_annexes_turn_landscape_for_wide_tables_unless_told():
    wide, narrow = (village_table(),), (yearly_table(),)
    assert Annex("I", "A", wide).is_landscape
    assert not Annex("II", "B", narrow).is_landscape
    assert not Annex("III", "C", wide, landscape=False).is_landscape
    assert Annex("IV", "D", narrow, landscape=True).is_landscape


def test_no_cell_runs_over_its_column_nor_breaks_a_word(tmp_path):
    """A narrow column at the table's right edge, by the right margin: its heading word
    ("BHYT") is set smaller rather than broken inside, and a dotted line to fill in by hand,
    too wide even at the smallest size, wraps inside the column instead of running over the
    grid and the margin."""
    import pypdfium2

    dots = "…" * 30
    table = DataTable(
        column_widths=(12, 1),
        align=("left", "left"),
        header_rows=(("Chỉ tiêu", "BHYT"),),
        rows=(("Cán bộ làm công tác giảm nghèo được tập huấn", dots),),
    )
    document = OfficialDocument(
        parent_body="",
        issuing_office="ỦY BAN NHÂN DÂN XÃ SƠN MINH",
        number_symbol=number_symbol(1, "BC-UBND"),
        place="Sơn Minh",
        date=date(2026, 3, 15),
        kind="BÁO CÁO",
        subject="Kết quả",
        body=(table,),
    )
    pdf = pypdfium2.PdfDocument(write_pdf(document, tmp_path / "t.pdf"))
    try:
        page = pdf[0]
        width = page.get_width()
        text = page.get_textpage()
        rights = [text.get_charbox(i)[2] for i in range(text.count_chars())]
        words = text.get_text_range().split()
    finally:
        pdf.close()
    right_margin = 15 / 25.4 * 72
    assert "BHYT" in words
    assert max(rights) <= width - right_margin + 1
