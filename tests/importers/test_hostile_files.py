"""Hostile files: each is refused with an ImportFileError naming the file, the place and the
limit, within bounded memory; a fuzz test feeds every reader random and mutated bytes."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.importers import html_table, limits, reading
from gnapp.importers.reading import ImportFileError, read_sheet, sheet_names
from gnapp.importers.targets import read_targets
from gnapp.review.tablet.reading import read_export
from tests.importers import files

ROOT = Path(__file__).resolve().parents[2]
XML_HEAD = (
    '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="DS"><Table>'
)


def refused(path: Path) -> str:
    with pytest.raises(ImportFileError) as raised:
        read_sheet(path)
    message = str(raised.value)
    assert f"“{path.name}”" in message
    return message


def test_csv_stray_quote_swallowing_the_rest(tmp_path):
    path = tmp_path / "ngoac.csv"
    path.write_text('Mã hộ,Họ tên\nH001,"Nguyễn Văn An\n' + "H002,Trần Thị Bình\n" * 10_000)
    message = refused(path)
    assert "dòng 2" in message and "ngoặc kép" in message


def test_csv_field_over_the_csv_module_limit_and_over_the_cell_limit(tmp_path):
    path = tmp_path / "dai.csv"
    path.write_text('Mã hộ,Họ tên\nH001,"' + "a" * 140_000 + '"\n')
    assert "dòng 2" in refused(path)
    path.write_text("Mã hộ,Họ tên\nH001," + "a" * 40_000 + "\n")
    message = refused(path)
    assert "dòng 2, cột B" in message and "32.767 ký tự" in message


def test_csv_with_too_many_rows(tmp_path):
    path = tmp_path / "nhieu.csv"
    path.write_text("a\n" * (limits.MAX_ROWS + 1))
    assert "dòng 100001: bảng có quá 100.000 dòng" in refused(path)


def test_file_too_large_is_refused_before_reading(tmp_path):
    path = tmp_path / "lon.csv"
    with open(path, "wb") as stream:
        stream.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: nothing written
    assert "32 MB" in refused(path)
    spreadsheet = tmp_path / "lon.xls"
    spreadsheet.symlink_to(path)
    with pytest.raises(ImportFileError, match="32 MB"):
        sheet_names(spreadsheet)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_endless_stream_named_csv(tmp_path):
    path = tmp_path / "vo-tan.csv"
    path.symlink_to("/dev/zero")
    assert "không phải là một tệp" in refused(path)


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('ss:Index="abc"', "ss:Index=“abc” không phải là số tự nhiên"),
        ('ss:Index="-3"', "ss:Index=“-3” không phải là số tự nhiên"),
        ('ss:Index="0"', "ss:Index phải từ 1"),
        ('ss:Index="2000000000"', "không phải là số tự nhiên"),  # over 9 digits
        ('ss:Index="200000"', "cột KIVH: bảng có quá 1.000 cột"),
        ('ss:MergeAcross="abc"', "ss:MergeAcross=“abc” không phải là số tự nhiên"),
        ('ss:MergeAcross="100000000"', "ô gộp"),
        ('ss:MergeDown="100000000"', "ô gộp"),
        ('ss:MergeAcross="999" ss:MergeDown="999"', "quá giới hạn 100.000 ô"),
    ],
)
def test_spreadsheet_xml_with_bad_index_or_huge_merge(tmp_path, attributes, expected):
    path = tmp_path / "xml.xls"
    path.write_text(
        XML_HEAD + '<Row><Cell><Data ss:Type="String">Mã hộ</Data></Cell>'
        f'<Cell {attributes}><Data ss:Type="String">x</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>"
    )
    message = refused(path)
    assert expected in message and "“xml.xls”, dòng 1, cột " in message


def test_spreadsheet_xml_row_index_beyond_the_rows_limit(tmp_path):
    path = tmp_path / "xml.xls"
    path.write_text(
        XML_HEAD + '<Row ss:Index="999999999"><Cell/></Row></Table></Worksheet></Workbook>'
    )
    assert "quá 100.000 dòng" in refused(path)


def test_web_page_with_huge_spans(tmp_path):
    path = tmp_path / "web.xls"
    cell = "<td rowspan=1000 colspan=1000>x</td>"
    path.write_text("<html><table>" + f"<tr>{cell * 30}</tr>" * 10 + "</table></html>")
    assert path.stat().st_size < 11_000
    message = refused(path)
    assert "dòng 1, cột A" in message and "1.000 dòng × 1.000 cột" in message


def test_web_page_with_too_many_columns(tmp_path):
    path = tmp_path / "web.xls"
    path.write_text("<html><table><tr>" + "<td>x</td>" * 1001 + "</tr></table></html>")
    assert "quá 1.000 cột" in refused(path)


def test_xlsx_with_a_cell_at_the_far_corner(tmp_path):
    """calamine would allocate 550 GB for it (and abort the process)."""
    path = tmp_path / "xa.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Mã hộ"
    workbook.active["XFD1048576"] = "x"
    workbook.save(path)
    assert "1.048.576 dòng" in refused(path)


def _ods_with_row(path: Path, row: str) -> Path:
    files.write_ods(path, ["Mã hộ"], [["H001"]])
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["content.xml"] = members["content.xml"].replace(
        b"</table:table>", row.encode() + b"</table:table>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def test_ods_with_a_cell_repeated_over_a_huge_block(tmp_path):
    """calamine would repeat it 96 million times (3 GB, aborting the program)."""
    path = _ods_with_row(
        tmp_path / "lap.ods",
        '<table:table-row table:number-rows-repeated="6000"><table:table-cell '
        'table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>",
    )
    assert "16.000 cột, quá giới hạn 1.000 cột" in refused(path)
    with pytest.raises(ImportFileError, match=r"16\.000 cột"):
        sheet_names(path)


def test_ods_with_empty_rows_and_columns_repeated_to_the_end_still_reads(tmp_path):
    """As LibreOffice writes every sheet: the empty rest of the rows and columns repeated."""
    path = _ods_with_row(
        tmp_path / "libreoffice.ods",
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>',
    )
    assert read_sheet(path).rows[-1] == ["H001"]


def test_long_cell_in_a_spreadsheet(tmp_path):
    path = tmp_path / "dai.xls"
    path.write_text(
        XML_HEAD + '<Row><Cell><Data ss:Type="String">Mã hộ</Data></Cell>'
        f'<Cell><Data ss:Type="String">{"a" * 40_000}</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>"
    )
    with pytest.raises(ImportFileError) as raised:
        read_sheet(path, "DS")
    assert str(raised.value) == (
        "Không nhập được tệp “dai.xls”, trang “DS”, dòng 1, cột B: ô dài 40.000 ký tự, quá "
        "giới hạn 32.767 ký tự. Hãy kiểm tra tệp, hoặc chia danh sách thành nhiều tệp nhỏ hơn."
    )


def test_unexpected_error_inside_a_reader_names_the_file(tmp_path, monkeypatch):
    def broken(data: bytes) -> None:
        raise RuntimeError("lỗi bất ngờ")

    monkeypatch.setattr("gnapp.importers.reading.read_html_table", broken)
    path = files.write_html_xls(tmp_path / "web.xls", [["1", "Thôn Đông"]])
    assert "lỗi bất ngờ" in refused(path)


def test_targets_line_with_an_impossible_decision_date(tmp_path):
    path = tmp_path / "chi-tieu.csv"
    path.write_text(
        "(Kèm theo Quyết định số 12/QĐ-UBND ngày 45/13/2025)\nChỉ tiêu,Kế hoạch\n"
        'Tỷ lệ hộ nghèo cuối năm,"6,05"\n'
    )
    (target,) = read_targets(path).targets
    assert (target.value, target.decision_date) == (6.05, None)


def test_tablet_zip_with_a_member_beyond_the_size_limit(tmp_path):
    path = tmp_path / "odk.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("phieu.csv", b"0" * (limits.MAX_FILE_BYTES + 1))
    with pytest.raises(
        ImportFileError, match=r"“phieu\.csv” trong tệp nén “odk\.zip” lớn quá 32 MB"
    ):
        read_export([path])
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(ImportFileError, match=r"Không mở được tệp nén “odk\.zip”"):
        read_export([path])


def test_real_files_within_the_limits_still_read(tmp_path):
    rows = [[1, "H001", "Thôn Đông", "Nguyễn Văn An"]] * 50
    assert html_table.read_html_table(
        files.write_html_xls(tmp_path / "web.xls", rows).read_bytes()
    )[1]
    assert len(read_sheet(tmp_path / "web.xls").rows) > 50


# --- fuzzing every reader, in a child process under memory and time limits --------------------

MEMORY_LIMIT = 1536 * 2**20
FUZZ_SECONDS = 120  # the child stops well before; a hang fails the test


def test_every_reader_refuses_random_and_mutated_files_without_a_traceback(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from tests.importers import fuzz_readers; fuzz_readers.main({str(tmp_path)!r})",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=FUZZ_SECONDS,
        preexec_fn=_limit_memory,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "examples:" in result.stdout


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _workbook_of_sheets(path: Path, count: int) -> Path:
    workbook = openpyxl.Workbook(write_only=True)
    for number in range(count):
        workbook.create_sheet(f"T{number}").append(["Chỉ tiêu", "Kế hoạch"])
    workbook.save(path)
    return path


def test_a_workbook_of_too_many_sheets_is_refused_before_each_is_opened(tmp_path, monkeypatch):
    """Each sheet is read apart (the workbook opened again): 3,000 sheets took half an hour."""
    monkeypatch.setattr(limits, "MAX_SHEETS", 5)
    path = _workbook_of_sheets(tmp_path / "nhieu-trang.xlsx", 6)
    expected = r"“nhieu-trang\.xlsx”: tệp có 6 trang, quá giới hạn 5 trang"
    for read in (sheet_names, read_sheet, read_targets, lambda p: read_export([p])):
        with pytest.raises(ImportFileError, match=expected):
            read(path)
    assert len(sheet_names(_workbook_of_sheets(tmp_path / "du.xlsx", 5))) == 5


def test_tablet_zip_of_too_many_files_or_too_much_unpacked_is_refused_before_unpacking(
    tmp_path, monkeypatch
):
    path = tmp_path / "odk.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(4):
            archive.writestr(f"phieu-{number}.csv", b"household_code\n" + b"H001\n" * 1000)
    monkeypatch.setattr("gnapp.review.tablet.reading.MAX_SHEETS", 3)
    with pytest.raises(ImportFileError, match=r"“odk\.zip” có 4 tệp bảng tính hoặc CSV, quá giới"):
        read_export([path])
    monkeypatch.setattr("gnapp.review.tablet.reading.MAX_SHEETS", 4)
    monkeypatch.setattr("gnapp.review.tablet.reading.MAX_UNPACKED_BYTES", 4 * 5000)
    unpacked = []
    monkeypatch.setattr(Path, "write_bytes", lambda self, data: unpacked.append(self))
    with pytest.raises(ImportFileError, match=r"“odk\.zip” giải nén ra lớn quá"):
        read_export([path])
    assert unpacked == []


def _long_xlsx_with(path: Path, replacements: dict[str, str]) -> Path:
    """A list of 40,000 rows (a sheet of several blocks of 1 MB), some references in its
    middle rewritten."""
    source = path.with_name("plain.xlsx")
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("DS")
    for row in range(40_000):
        sheet.append([row, row * 2, row * 3])
    workbook.save(source)
    with zipfile.ZipFile(source) as plain, zipfile.ZipFile(path, "w") as changed:
        for info in plain.infolist():
            data = plain.read(info)
            if info.filename.startswith("xl/worksheets/"):
                for old, new in replacements.items():
                    assert data.count(old.encode()) == 1
                    data = data.replace(old.encode(), new.encode())
            changed.writestr(info, data, zipfile.ZIP_DEFLATED)
    return path


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        ({'r="C20000"': 'r="C5000000"'}, "5.000.000 dòng"),  # a row out of order, mid-sheet
        ({'r="C20000"': 'r="ZZ20000"'}, "702 cột"),  # a column far to the right, mid-sheet
        # a row hidden behind one with leading zeros (longer, but row 1) in the same block
        ({'r="A20000"': 'r="A000000001"', 'r="B20000"': 'r="B99999999"'}, "99.999.999 dòng"),
    ],
)
def test_xlsx_with_a_far_cell_in_the_middle_of_a_long_sheet(tmp_path, replacements, expected):
    assert expected in refused(_long_xlsx_with(tmp_path / "xa.xlsx", replacements))


def test_xlsx_with_leading_zeros_in_references_still_reads(tmp_path):
    path = _long_xlsx_with(tmp_path / "xa.xlsx", {'r="A20000"': 'r="A0000020000"'})
    assert len(read_sheet(path).rows) == 40_000


@given(
    references=st.lists(
        st.tuples(st.sampled_from(["", "A", "C", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]),
                  st.from_regex(r"0{0,3}[1-9][0-9]{0,6}", fullmatch=True)),
        min_size=1, max_size=60,
    ),
    cuts=st.lists(st.integers(0, 60), max_size=5),
)  # fmt: skip
def test_the_bound_of_the_farthest_cell_is_never_below_it(references, cuts):
    cells = [f' r="{letters}{digits}"/>'.encode() for letters, digits in references]
    blocks = [b"".join(cells[a:b]) for a, b in itertools.pairwise([0, *sorted(cuts), len(cells)])]
    rows, columns = reading._farthest(blocks)
    bound_rows, bound_columns = reading._farthest_bound(blocks)
    assert bound_rows >= rows and bound_columns == columns
