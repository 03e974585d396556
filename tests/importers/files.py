"""Household lists as communes keep them, generated for the tests."""
# ruff: noqa: E501  (rows of test data and OpenDocument XML read better on one line)

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font

TITLE = ("UBND XÃ THỬ NGHIỆM", "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024")

# One row per member: code, village, name, birth date, sex, citizen ID, relation, ethnicity.
MEMBER_HEADINGS = (
    "STT", "Mã hộ", "Thôn", "Họ và tên", "Ngày tháng năm sinh", "Giới tính", "Số CCCD/CMND",
    "Quan hệ với chủ hộ", "Dân tộc",
)  # fmt: skip

MEMBERS: list[tuple[Any, ...]] = [
    (1, "H001", "Thôn Đông", "Nguyễn Văn Được", "05/03/1970", "Nam", "001070001234", "Chủ hộ", "Kinh"),
    (2, None, None, "Trần Thị Hoa", "1972", "Nữ", "001172004321", "Vợ", "Kinh"),
    (3, None, None, "Nguyễn Văn An", "12/8/98", "Nam", None, "Con", "Kinh"),
    (4, "H002", "Thôn Tây", "Lê Thị Bình", "1/1/1960", "Nữ", "001160007777", "Chủ hộ", "Tày"),
    (5, None, None, "Hoàng Văn Cường", "31/02/1985", "Nam", None, "Con", "Tày"),
    (6, "H003", "Thôn Đông", "Phạm Văn Dũng", "1955", "Nam", "12345678901", "Chủ hộ", "Kinh"),
    (7, None, None, "Phạm Thị Em", "1958", None, "123456789", "Vợ", "Kinh"),
]  # fmt: skip


def write_xlsx(
    path: Path,
    headings: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: Sequence[str] = TITLE,
    font: str | None = None,
    sheet: str = "Danh sách",
) -> Path:
    """A list under title rows (merged across the table), optionally in a legacy font."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    for number, text in enumerate(title, start=1):
        ws.cell(number, 1, text)
        ws.merge_cells(start_row=number, start_column=1, end_row=number, end_column=len(headings))
    top = len(title) + 2
    for column, text in enumerate(headings, start=1):
        ws.cell(top, column, text)
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = ws.cell(top + offset, column, value)
            if font and isinstance(value, str):
                cell.font = Font(name=font)
    if font:
        for column in range(1, len(headings) + 1):
            ws.cell(top, column).font = Font(name=font)
    workbook.save(path)
    return path


def write_two_level_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """One row per household with a two-level header: "Thông tin chủ hộ" over Họ tên /
    Ngày sinh / CCCD, "Giới tính" over Nam / Nữ (x marks), STT and Thôn merged down."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Hộ nghèo"
    ws["A1"] = "DANH SÁCH HỘ NGHÈO NĂM 2024"
    ws.merge_cells("A1:H1")
    ws["A3"], ws["B3"], ws["C3"], ws["F3"], ws["H3"] = (
        "STT", "Thôn", "Thông tin chủ hộ", "Giới tính", "Số nhân khẩu",
    )  # fmt: skip
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:E3")
    ws.merge_cells("F3:G3")
    ws.merge_cells("H3:H4")
    ws["C4"], ws["D4"], ws["E4"], ws["F4"], ws["G4"] = "Họ tên", "Ngày sinh", "CCCD", "Nam", "Nữ"
    for column, number in enumerate(("(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"), 1):
        ws.cell(5, column, number)
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            ws.cell(6 + offset, column, value)
    workbook.save(path)
    return path


def write_xls(path: Path, headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """An Excel 97-2003 file (xlwt), header under one title row."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("DS")
    ws.write(0, 0, TITLE[1])
    for column, text in enumerate(headings):
        ws.write(2, column, text)
    for offset, row in enumerate(rows, start=3):
        for column, value in enumerate(row):
            if value is not None:
                ws.write(offset, column, value)
    book.save(str(path))
    return path


def write_html_xls(path: Path, rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8") -> Path:
    """A web page saved as .xls, as portals and programs export lists: title rows spanning the
    table, the two-level header of write_two_level_xlsx in rowspan/colspan, a nested layout
    table and entities, in ``encoding`` with its charset declared."""
    from html import escape

    cells = "".join(
        "<tr>"
        + "".join(f"<td>{escape(str(v)) if v is not None else ''}</td>" for v in row)
        + "</tr>"
        for row in rows
    )
    page = (
        f'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="{encoding}">'
        "</head><body><table><tr><td>logo</td><td>menu</td></tr></table>"
        '<table border="1">'
        '<tr><td colspan="8"><b>DANH SÁCH HỘ NGHÈO NĂM 2024</b></td></tr><tr></tr>'
        '<tr><th rowspan="2">STT</th><th rowspan="2">Thôn</th><th colspan="3">Thông tin<br>chủ hộ</th>'
        '<th colspan="2">Giới tính</th><th rowspan="2">Số nhân khẩu</th></tr>'
        "<tr><th>Họ tên</th><th>Ngày sinh</th><th>CCCD</th><th>Nam</th><th>Nữ</th></tr>"
        f"{cells}</table><p>Ng&#432;&#7901;i l&#7853;p bi&#7875;u</p></body></html>"
    )
    if encoding == "cp1258":  # tones as combining marks after the letter
        page = _cp1258_compose(unicodedata.normalize("NFD", page))
    path.write_bytes(page.encode(encoding))
    return path


def write_spreadsheet_xml(
    path: Path, headings: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Path:
    """Excel 2003's XML spreadsheet saved as .xls: a notes sheet first, then the list under a
    title row merged across (MergeAcross), numbers as Number, dates written as DateTime, the
    second row's cells placed by ss:Index."""
    from datetime import date
    from xml.sax.saxutils import escape

    def cell(value: Any, index: int | None = None) -> str:
        at = f' ss:Index="{index}"' if index else ""
        if value is None:
            return ""
        if isinstance(value, date):
            return (
                f'<Cell{at}><Data ss:Type="DateTime">{value.isoformat()}T00:00:00.000</Data></Cell>'
            )
        kind = "Number" if isinstance(value, int | float) else "String"
        return f'<Cell{at}><Data ss:Type="{kind}">{escape(str(value))}</Data></Cell>'

    body = "".join(
        "<Row>" + "".join(cell(v, i) for i, v in enumerate(row, start=1)) + "</Row>" for row in rows
    )
    book = (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="Ghi chú"><Table><Row><Cell><Data ss:Type="String">Xem trang sau</Data>'
        "</Cell></Row></Table></Worksheet>"
        '<Worksheet ss:Name="Danh sách"><Table>'
        f'<Row><Cell ss:MergeAcross="{len(headings) - 1}"><Data ss:Type="String">{TITLE[1]}</Data></Cell></Row>'
        '<Row ss:Index="3">' + "".join(cell(h) for h in headings) + "</Row>"
        f"{body}</Table></Worksheet></Workbook>"
    )
    path.write_text(book, encoding="utf-8")
    return path


def write_ods(path: Path, headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """A minimal OpenDocument spreadsheet (text and number cells), header under a title row."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value: Any) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    lines = [[TITLE[1]], [], list(headings), *rows]
    body = "".join(
        f"<table:table-row>{''.join(cell(v) for v in line)}</table:table-row>" for line in lines
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="DS">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def write_csv(
    path: Path,
    headings: Sequence[str],
    rows: Sequence[Sequence[Any]],
    encoding: str,
    delimiter: str,
) -> Path:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([TITLE[1]])
    writer.writerow(headings)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    text = buffer.getvalue()
    if encoding == "cp1258":
        # Windows-1258 spells tones as combining marks after the base letter.

        text = _cp1258_compose(unicodedata.normalize("NFD", text))
    path.write_bytes(text.encode(encoding))
    return path


def _cp1258_compose(text: str) -> str:
    """NFD text with the letter marks (ă â ê ô ơ ư) composed and the tones left as combining
    marks, the way Windows-1258 writes Vietnamese."""

    letter_marks = "\u0302\u0306\u031b"
    out: list[str] = []
    tones: list[str] = []
    for ch in text + " ":
        if not unicodedata.combining(ch):
            out.extend(tones)
            tones = []
            out.append(ch)
        elif ch in letter_marks:
            out[-1] = unicodedata.normalize("NFC", out[-1] + ch)
        else:
            tones.append(ch)
    return "".join(out)[:-1]


def household_rows(count: int, members_per_household: int = 4) -> list[tuple[Any, ...]]:
    """A large one-row-per-member list (MEMBER_HEADINGS), valid and without duplicates."""
    relations = ("Chủ hộ", "Vợ", "Con", "Con")
    sexes = ("Nam", "Nữ", "Nam", "Nữ")
    rows = []
    number = 0
    for household in range(count):
        for position in range(members_per_household):
            number += 1
            year = 1960 + (household + position * 7) % 40 if position < 2 else 2000 + position
            rows.append((
                number,
                f"H{household:06d}" if position == 0 else None,
                f"Thôn {household % 12 + 1}" if position == 0 else None,
                f"Nguyễn Văn Người {household} {position}",
                f"{position + 1:02d}/{household % 12 + 1:02d}/{year}",
                sexes[position % 4],
                f"001{(year >= 2000) * 2 + position % 2}{year % 100:02d}{number:06d}",
                relations[position % 4],
                "Kinh",
            ))  # fmt: skip
    return rows
