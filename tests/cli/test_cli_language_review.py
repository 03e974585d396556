"""The review's and the importers' words on the command line in English: an import's preview
(its reasons, duplicates, notes, limits), the review workflow's refusals, a bad tablet file; the
file's and the commune's own words stay as written, and Vietnamese stays the default."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from gnapp.cli import main
from gnapp.store.database import open_database
from gnapp.store.register import household_codes, villages
from tests.cli.test_cli_language import _commune_words, _vietnamese_lines
from tests.importers import files


@pytest.fixture
def commune(small_demo_file, tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def _file_words(headings, rows) -> list[str]:
    """What the list itself says (headings, names, villages, the sheet's name, its title)."""
    written = [*headings, *files.TITLE, "Danh sách"]
    written += [str(cell) for row in rows for cell in row if isinstance(cell, str)]
    return written


def _english(text: str, *words: list[str]) -> list[str]:
    """The lines still in Vietnamese once the file's and the commune's words are taken out."""
    known = sorted({word for group in words for word in group}, key=len, reverse=True)
    return _vietnamese_lines(text, known)


def _a_list_with_problems(commune) -> tuple[tuple[str, ...], list[tuple]]:
    """A member list naming a village of the commune: a household already in the register,
    a member line written twice, an impossible date of birth and a new household."""
    with open_database(commune) as cdb:
        village = villages(cdb.db)[0]["name"]
        known = sorted(household_codes(cdb.db))[0]
    rows = [
        (1, known, village, "Lò Văn Một", "05/03/1970", "Nam", None, "Chủ hộ", "Thái"),
        (2, "MOI-1", village, "Lò Văn Hai", "1/1/1960", "Nam", None, "Chủ hộ", "Thái"),
        (3, "MOI-1", village, "Lò Thị Ba", "1962", "Nữ", None, "Vợ", "Thái"),
        (4, "MOI-1", village, "Lò Thị Ba", "1962", "Nữ", None, "Vợ", "Thái"),
        (5, "MOI-2", village, "Lò Văn Bốn", "31/02/1985", "Nam", None, "Chủ hộ", "Thái"),
    ]
    return files.MEMBER_HEADINGS, rows


def test_an_import_preview_says_its_reasons_in_english(commune, tmp_path, capsys):
    headings, rows = _a_list_with_problems(commune)
    path = files.write_xlsx(tmp_path / "ds.xlsx", headings, rows)
    assert main(["import", "file", str(path), "--db", str(commune), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Column matching (recognised from the headings):" in out
    assert "→ Full name" in out and "→ Household code" in out
    assert "Row 8 repeats row 7 of the same household exactly: row 8 is skipped" in out
    assert "Date of birth “31/02/1985” does not exist" in out
    assert f"row 5: Household code {rows[0][1]} is already in the data" in out
    assert "Note: 1 rows repeating another row of the same household exactly are skipped" in out
    assert "Error — Sheet “Danh sách”, row 9, column E:" in out
    assert _english(out, _file_words(headings, rows), _commune_words(commune)) == []


def test_a_list_without_villages_and_too_wide_a_file_are_refused_in_english(
    commune, tmp_path, capsys
):
    headings = [h for h in files.MEMBER_HEADINGS if h != "Thôn"]
    rows = [(1, "MOI-1", "Lò Văn Một", "05/03/1970", "Nam", None, "Chủ hộ", "Thái")]
    path = files.write_xlsx(tmp_path / "ds.xlsx", headings, rows)
    assert main(["import", "file", str(path), "--db", str(commune), "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert "Village missing: add a village column or choose a default village" in out
    assert err == "Error: no household can be imported from the file ds.xlsx.\n"
    assert _english(out, _file_words(headings, rows), _commune_words(commune)) == []
    wide = tmp_path / "rong.csv"
    wide.write_text(",".join(f"c{n}" for n in range(1001)) + "\n", encoding="utf-8")
    assert main(["import", "file", str(wide), "--db", str(commune), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: Cannot import file “rong.csv”, row 1, column ALM: the table has")
    assert "more than 1.000 columns. Check the file" in err


def test_the_review_workflow_refuses_in_english(commune, capsys, monkeypatch):
    db = ["--db", str(commune)]
    assert main(["review", "open", *db, "--year", "2026", "--standard", "2022-2025"]) == 0
    opened = capsys.readouterr().out
    assert opened.startswith("Opened round 2: Periodic review 2026, standard ")
    assert _english(opened, _commune_words(commune)) == []
    assert main(["review", "build", *db, "--round", "2"]) == 0
    capsys.readouterr()
    assert main(["review", "post", *db, "--round", "2", "--start", "2026-11-06"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "households not yet agreed at a village meeting:" in err
    assert main(["review", "open", *db, "--year", "2026", "--standard", "2022-2025"]) == 1
    assert "There is already a review round periodic, 2026 (opened " in capsys.readouterr().err
    monkeypatch.setenv("GNAPP_USER_PASSWORD", "demo1234")
    recognise = ["review", "recognise", *db, "--number", "9/QĐ-UBND", "--date", "2026-12-20"]
    assert main([*recognise, "--round", "1", "--user", "lanhdao"]) == 1
    err = capsys.readouterr().err
    assert "has been recognised (Decision No. " in err and ") and is locked: only a" in err
    assert _english(err, _commune_words(commune)) == []
    assert main(["review", "xlsform", *db, "--round", "99", "--out", "x"]) == 1
    assert capsys.readouterr().err == "Error: No review round with id 99\n"


def test_a_bad_tablet_file_is_refused_in_english(commune, tmp_path, capsys):
    db = ["--db", str(commune)]
    assert main(["review", "open", *db, "--year", "2026", "--standard", "2022-2025"]) == 0
    empty = tmp_path / "odk.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no submissions")
    capsys.readouterr()
    assert main(["review", "import", str(empty), *db, "--round", "2", "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert err == "Error: Archive “odk.zip” holds no CSV file or spreadsheet.\n"
    mapping = tmp_path / "ghep.json"
    mapping.write_text('{"columns": []}', encoding="utf-8")
    export = files.write_xlsx(tmp_path / "phieu.xlsx", ["household_code"], [("HGD-1",)])
    argv = ["review", "import", str(export), *db, "--round", "2", "--mapping", str(mapping)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith('Error: Column mapping file “ghep.json” must be shaped {"columns"')
    assert "column heading: field" in err


def test_a_tablet_import_s_problems_and_their_report_are_in_english(commune, tmp_path, capsys):
    import openpyxl

    db = ["--db", str(commune)]
    assert main(["review", "open", *db, "--year", "2026", "--standard", "2022-2025"]) == 0
    with open_database(commune) as cdb:
        known = sorted(household_codes(cdb.db))[0]
    headings = ["household_code", "water_source"]
    rows = [("KHONG-CO", "x"), (known, "abc")]
    export = files.write_xlsx(tmp_path / "phieu.xlsx", headings, rows, title=())
    report = tmp_path / "loi.xlsx"
    argv = ["review", "import", str(export), *db, "--round", "2", "--errors", str(report)]
    capsys.readouterr()
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert (
        "Error — File phieu.xlsx, sheet “Danh sách”, row 3, column A (household_code), field "
        in out
    )
    assert "“Household code”: No household with code KHONG-CO in the commune's register" in out
    assert "The household is not on this round's review list: add it to the list first." in out
    assert "“abc” is not one of the choices: piped (piped water), drilled_well (" in out
    assert err == "Error: no questionnaire can be imported from the file phieu.xlsx.\n"
    assert _english(out, _file_words(headings, rows), _commune_words(commune)) == []
    sheet = openpyxl.load_workbook(report).active
    assert sheet.title == "Questionnaire import problems"
    assert [cell.value for cell in sheet[1]] == [
        "File", "Sheet", "Row", "Column", "Field", "Level", "Content"
    ]  # fmt: skip


def test_vietnamese_stays_the_default(commune, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GNAPP_LANG")
    headings, rows = _a_list_with_problems(commune)
    path = files.write_xlsx(tmp_path / "ds.xlsx", headings, rows)
    assert main(["import", "file", str(path), "--db", str(commune), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Dòng 8 lặp lại đúng dòng 7 của cùng hộ: bỏ qua dòng 8, hộ vẫn được nhập" in out
    assert "Ngày sinh “31/02/1985” không có thật" in out
    assert main(["review", "xlsform", "--db", str(commune), "--round", "99", "--out", "x"]) == 1
    assert capsys.readouterr().err == "Lỗi: Không tìm thấy đợt rà soát mã 99\n"
