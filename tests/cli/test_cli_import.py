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
    assert "không có hộ nào nhập được từ tệp ds.xlsx." in capsys.readouterr().err


def test_map_by_hand_save_and_reuse_the_mapping(tmp_path, capsys):
    db = tmp_path / "xa.gnapp"
    with open_database(db, create=True) as cdb:
        add_village(cdb, "T01", "Thôn Đông", "rural")
        add_village(cdb, "T02", "Thôn Tây", "rural")
    headings = ["STT", "Nơi sống", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ", "Cột lạ"]
    rows = [(1, "Thôn Đông", "Lò Văn Một", 1970, "Nam", "Chủ hộ", "?")]
    path = files.write_xlsx(tmp_path / "ds.xlsx", headings, rows)
    assert main(["import", "file", str(path), "--db", str(db), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "Cách ghép cột (tự nhận theo tiêu đề):" in out
    assert "  Cột C “Họ và tên” → Họ và tên" in out
    assert "Tiêu đề chưa ghép: B “Nơi sống” (không nhận ra tiêu đề); G “Cột lạ”" in out
    saved = tmp_path / "ghep.json"
    argv = ["import", "file", str(path), "--db", str(db), "--map", "Nơi sống=village"]
    assert main([*argv, "--map", "G=bỏ qua", "--save-mapping", str(saved), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  Cột B “Nơi sống” → Thôn / tổ dân phố" in out
    assert "  Cột G “Cột lạ” → không nhập (bỏ qua)" in out
    assert "Tiêu đề chưa ghép" not in out and "sẽ nhập 1 hộ, 1 nhân khẩu" in out
    assert main(["import", "file", str(path), "--db", str(db), "--mapping", str(saved)]) == 0
    out = capsys.readouterr().out
    assert f"Cách ghép cột (theo {saved}):" in out and "Đã nhập 1 hộ, 1 nhân khẩu" in out


def test_a_wrong_map_is_refused_naming_the_file_and_sheet(tmp_path, capsys):
    db = tmp_path / "xa.gnapp"
    open_database(db, create=True).close()
    path = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    assert main(["import", "file", str(path), "--db", str(db), "--map", "Xóm=village"]) == 1
    err = capsys.readouterr().err
    assert "Tệp ds.xlsx, trang “Danh sách”: Không có cột “Xóm” trong dòng tiêu đề" in err
