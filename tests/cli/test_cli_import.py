from gnapp.cli import main
from gnapp.store.database import open_database
from gnapp.store.register import add_village
from tests.importers import files


def test_import_dry_run_then_import_list_and_undo(tmp_path, capsys):
    db = tmp_path / "xa.gnapp"
    with open_database(db, create=True) as cdb:
        add_village(cdb, "T01", "Thôn Đông", "rural")
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    errors = tmp_path / "loi.xlsx"
    argv = ["import", "file", str(path), "--db", str(db), "--dry-run", "--errors", str(errors)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "nhận: 3; có cảnh báo: 2; bị loại: 2" in out
    assert "dòng 9, cột E: Ngày sinh “31/02/1985” không có thật" in out
    assert errors.exists()
    with open_database(db) as cdb:
        assert cdb.db["households"].count == 0
    assert main(["import", "file", str(path), "--db", str(db)]) == 0
    assert "Đã nhập 2 hộ, 5 nhân khẩu (lần nhập số 1" in capsys.readouterr().out
    assert main(["import", "list", "--db", str(db)]) == 0
    assert "ds.xlsx" in capsys.readouterr().out
    assert main(["import", "undo", "1", "--db", str(db)]) == 0
    with open_database(db) as cdb:
        assert cdb.db["households"].count == 0


def test_nothing_to_import_exits_1(tmp_path, capsys):
    db = tmp_path / "xa.gnapp"
    open_database(db, create=True).close()
    rows = [(1, "H1", None, "Lò Văn Một", "abc", "Nam", None, "Chủ hộ", "Thái")]
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, rows)
    assert main(["import", "file", str(path), "--db", str(db)]) == 1
    assert "không có hộ nào nhập được" in capsys.readouterr().err
