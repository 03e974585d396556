"""``gnapp household``: the register's list, a household shown, added and edited from the
command line, with the household form's checks."""

from __future__ import annotations

import json
import shutil

import pytest

from gnapp.cli import main
from gnapp.store import events
from gnapp.store.changelog import changes_of_household
from gnapp.store.database import open_database
from gnapp.store.household_query import HouseholdQuery, matching_ids

NEW_HOUSEHOLD = {
    "code": "HGD-09001",
    "village": "lac son",  # "Thôn Lạc Sơn" without diacritics or "Thôn", or the village's code
    "floor_area_m2": 36.5,
    "ethnic_minority": True,
    "causes_of_poverty": ["lack_of_land"],
    "members": [
        {"full_name": "Đinh Văn Mới", "sex": "male", "birth_date": "05/03/1980",
         "relation": "head", "citizen_id": "051 080 000 123"},
        {"full_name": "Đinh Thị Hai", "sex": "female", "birth_date": "1985", "relation": "spouse"},
    ],
}  # fmt: skip


@pytest.fixture
def db_path(small_demo_file, tmp_path):
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def write(tmp_path, document, name="ho.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def counts(path) -> tuple[int, int, int]:
    with open_database(path) as cdb:
        return tuple(
            cdb.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("households", "members", "change_log")
        )


def household(path, code):
    with open_database(path) as cdb:
        household_id = cdb.db.execute("SELECT id FROM households WHERE code = ?", [code]).fetchone()
        if household_id is None:
            return None
        members = list(
            cdb.db.query(
                "SELECT * FROM members WHERE household_id = ? ORDER BY position", [household_id[0]]
            )
        )
        return cdb.db["households"].get(household_id[0]), members


# --- list -------------------------------------------------------------------------------------


def test_list_finds_what_the_household_list_finds(db_path, capsys):
    assert main(["household", "list", "--db", str(db_path), "--search", "Nguyễn Thị",
                 "--limit", "0", "--json"]) == 0  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    with open_database(db_path) as cdb:
        query = HouseholdQuery(year=printed["year"], search="nguyen thi")
        expected = matching_ids(cdb.db, query)
        codes = [cdb.db["households"].get(i)["code"] for i in expected]
    assert printed["found"] == len(expected) > 0
    assert [row["code"] for row in printed["households"]] == codes


def test_list_filters_sorts_and_limits_in_words(db_path, capsys):
    with open_database(db_path) as cdb:
        village = cdb.db.execute("SELECT code, name FROM villages ORDER BY code").fetchone()
    arguments = ["--village", village[0], "--status", "poor", "--sort", "members", "--desc"]
    assert main(["household", "list", "--db", str(db_path), *arguments, "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Mã hộ\tChủ hộ\tThôn/Tổ dân phố\tSố nhân khẩu\tTình trạng 2025")
    rows = [line.split("\t") for line in lines[1:-1]]
    assert 0 < len(rows) <= 3
    assert {row[2] for row in rows} == {village[1]} and {row[4] for row in rows} == {"Hộ nghèo"}
    assert [int(row[3]) for row in rows] == sorted((int(row[3]) for row in rows), reverse=True)
    assert lines[-1].startswith("Tìm thấy ") and "in 3 hộ đầu" in lines[-1]


def test_list_shows_households_no_longer_in_the_commune_only_with_all(db_path, capsys):
    with open_database(db_path, actor="Cán bộ thử") as cdb:
        code, household_id = cdb.db.execute("SELECT code, id FROM households LIMIT 1").fetchone()
        events.record_moved_away(cdb, household_id, "2026-03-10", "Chuyển vào Bình Dương")
    listed = ["household", "list", "--db", str(db_path), "--search", code, "--json"]
    assert main(listed) == 0
    assert json.loads(capsys.readouterr().out)["found"] == 0
    assert main([*listed, "--all"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [row["code"] for row in printed["households"]] == [code]


def test_list_says_which_villages_there_are(db_path, capsys):
    assert main(["household", "list", "--db", str(db_path), "--village", "Thôn Không Có"]) == 1
    err = capsys.readouterr().err
    assert "Không có thôn / tổ dân phố “Thôn Không Có”" in err and "T03 Thôn Lạc Sơn" in err


# --- show -------------------------------------------------------------------------------------


def test_show_prints_members_statuses_and_history_in_words(db_path, capsys):
    with open_database(db_path) as cdb:
        code = cdb.db.execute(
            "SELECT h.code FROM households h JOIN household_status s ON s.household_id = h.id "
            "JOIN policy_benefits p ON p.household_id = h.id LIMIT 1"
        ).fetchone()[0]
    assert main(["household", "show", code, "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Hộ {code} — chủ hộ ")
    assert "Thành viên (" in out and "Quan hệ với chủ hộ: chủ hộ" in out
    assert "Tình trạng các năm:" in out and "quyết định số" in out
    assert "— Thêm: chính sách năm" in out and "Thêm hộ vào sổ" in out
    assert main(["household", "show", "KHONG-CO", "--db", str(db_path)]) == 1
    assert "Không có hộ mã “KHONG-CO”" in capsys.readouterr().err


def test_show_json_edited_back_unchanged_writes_nothing(db_path, tmp_path, capsys):
    with open_database(db_path) as cdb:
        code = cdb.db.execute("SELECT code FROM households LIMIT 1 OFFSET 7").fetchone()[0]
    main(["household", "show", code, "--db", str(db_path), "--json"])
    document = json.loads(capsys.readouterr().out)
    assert document["code"] == code and document["members"][0]["id"]
    before = counts(db_path)
    assert main(["household", "edit", code, "--db", str(db_path),
                 "--file", write(tmp_path, document)]) == 0  # fmt: skip
    assert counts(db_path) == before


# --- add --------------------------------------------------------------------------------------


def test_add_a_household_checked_as_the_form_checks_it(db_path, tmp_path, capsys):
    file = write(tmp_path, NEW_HOUSEHOLD)
    before = counts(db_path)
    assert main(["household", "add", "--db", str(db_path), "--file", file, "--dry-run"]) == 0
    assert "không có lỗi" in capsys.readouterr().out and counts(db_path) == before
    assert main(["household", "add", "--db", str(db_path), "--file", file]) == 0
    assert "Đã thêm hộ HGD-09001 (2 thành viên)." in capsys.readouterr().out
    row, members = household(db_path, "HGD-09001")
    assert (row["head_name"], row["ethnic_minority"], row["floor_area_m2"]) == (
        "Đinh Văn Mới",
        1,
        36.5,
    )
    assert json.loads(row["causes_of_poverty"]) == ["lack_of_land"]
    assert [(m["birth_date"], m["citizen_id"]) for m in members] == [
        ("1980-03-05", "051080000123"), ("1985", None)
    ]  # fmt: skip
    with open_database(db_path) as cdb:
        logged = changes_of_household(cdb.db, row["id"])
    assert {(c.table_name, c.action) for c in logged} == {("households", "insert"),
                                                         ("members", "insert")}  # fmt: skip
    # the same file again: the code is taken, and the citizen ID is another household's now
    assert main(["household", "add", "--db", str(db_path), "--file", file]) == 1
    captured = capsys.readouterr()
    assert "Lỗi: Mã hộ: Mã hộ HGD-09001 đã được dùng cho một hộ khác" in captured.out
    assert "Cảnh báo: thành viên 1 (Đinh Văn Mới), Số CCCD" in captured.out
    assert "1 lỗi trong tệp" in captured.err and "chưa ghi gì" in captured.err


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"members": [{**NEW_HOUSEHOLD["members"][0], "birth_date": "31/02/1980"}]},
         "Lỗi: thành viên 1 (Đinh Văn Mới), Ngày sinh: Ngày “31/02/1980” không có trên lịch"),
        ({"members": [{**NEW_HOUSEHOLD["members"][0], "relation": "spouse"}]},
         "Lỗi: danh sách thành viên:"),
        ({"members": [{**NEW_HOUSEHOLD["members"][0], "sex": "nam"}]},
         "Lỗi: thành viên 1 (Đinh Văn Mới), Giới tính: “nam” không phải giá trị được dùng "
         "(một trong: male, female)"),
        ({"ethnic_minority": "có"}, "Lỗi: Hộ dân tộc thiểu số: phải là true, false hoặc null"),
        ({"colour": "đỏ"}, "Lỗi: colour: trường “colour” không có trong hồ sơ hộ"),
        ({"village": None}, "Lỗi: Thôn / tổ dân phố:"),
        ({"members": [{**NEW_HOUSEHOLD["members"][0], "tuoi": 40}]},
         "Lỗi: thành viên 1 (Đinh Văn Mới), tuoi: trường “tuoi” không có trong hồ sơ thành viên"),
        ({"members": [{**NEW_HOUSEHOLD["members"][0], "full_name": "Đ" * 2**20}]},
         f"Lỗi: thành viên 1 ({'Đ' * 40}…), Họ và tên: Dài 1048576 ký tự, quá giới hạn 120 ký tự"),
        ({"code": "H" * 100_000}, "Mã hộ: Dài 100000 ký tự, quá giới hạn 40 ký tự"),
        ({"members": [{**NEW_HOUSEHOLD["members"][0], "full_name": "Đinh\x00Văn Mới"}]},
         "Lỗi: thành viên 1 (Đinh?Văn Mới), Họ và tên: Có ký tự điều khiển không in được "
         "(mã U+0000) ở vị trí 5"),
        ({"address": "Xóm 1\x1b[2J"}, "Địa chỉ: Có ký tự điều khiển không in được (mã U+001B)"),
        ({"village": "lac son\x00"}, "Lỗi: Thôn / tổ dân phố: Có ký tự điều khiển"),
    ],
)  # fmt: skip
def test_a_bad_file_says_what_and_where_and_writes_nothing(db_path, tmp_path, capsys, change,
                                                           expected):  # fmt: skip
    before = counts(db_path)
    file = write(tmp_path, {**NEW_HOUSEHOLD, **change})
    assert main(["household", "add", "--db", str(db_path), "--file", file]) == 1
    captured = capsys.readouterr()
    assert expected in captured.out, captured.out
    assert "chưa ghi gì vào sổ" in captured.err
    assert counts(db_path) == before


def test_a_file_that_is_not_a_household_is_refused(db_path, tmp_path, capsys):
    broken = tmp_path / "hong.json"
    broken.write_text("{ không phải JSON", encoding="utf-8")
    assert main(["household", "add", "--db", str(db_path), "--file", str(broken)]) == 1
    assert f"Không đọc được tệp {broken}" in capsys.readouterr().err
    file = write(tmp_path, {**NEW_HOUSEHOLD, "members": {"full_name": "Một người"}})
    assert main(["household", "add", "--db", str(db_path), "--file", file]) == 1
    assert "“members” phải là một danh sách" in capsys.readouterr().err


# --- edit -------------------------------------------------------------------------------------


def test_edit_changes_the_head_adds_and_removes_members(db_path, tmp_path, capsys):
    assert main(["household", "add", "--db", str(db_path),
                 "--file", write(tmp_path, NEW_HOUSEHOLD)]) == 0  # fmt: skip
    capsys.readouterr()
    main(["household", "show", "HGD-09001", "--db", str(db_path), "--json"])
    document = json.loads(capsys.readouterr().out)
    head, spouse = document["members"]
    document["members"] = [
        {"id": spouse["id"], "relation": "head"},
        {"full_name": "Đinh Văn Ba", "sex": "male", "birth_date": "12/08/2010",
         "relation": "child"},
    ]  # fmt: skip
    document["address"] = "Xóm Trên"
    assert main(["household", "edit", "HGD-09001", "--db", str(db_path),
                 "--file", write(tmp_path, document)]) == 0  # fmt: skip
    assert "Đã lưu hộ HGD-09001 (2 thành viên)." in capsys.readouterr().out
    row, members = household(db_path, "HGD-09001")
    assert (row["head_name"], row["address"]) == ("Đinh Thị Hai", "Xóm Trên")
    assert [(m["full_name"], m["relation"]) for m in members] == [
        ("Đinh Thị Hai", "head"), ("Đinh Văn Ba", "child")
    ]  # fmt: skip
    assert head["id"] not in {m["id"] for m in members}


@pytest.mark.parametrize("case", ["another household's member", "a member given twice"])
def test_edit_refuses_a_roster_naming_a_member_wrongly(db_path, tmp_path, capsys, case):
    with open_database(db_path) as cdb:
        code, own, stranger = cdb.db.execute(
            "SELECT h.code, m.id, (SELECT min(id) FROM members WHERE household_id != h.id) "
            "FROM households h JOIN members m ON m.household_id = h.id "
            "WHERE m.relation = 'head' LIMIT 1"
        ).fetchone()
    wrong = stranger if case == "another household's member" else own
    before = counts(db_path)
    document = {"members": [{"id": own}, {"id": wrong, "relation": "spouse"}]}
    assert main(["household", "edit", code, "--db", str(db_path),
                 "--file", write(tmp_path, document)]) == 1  # fmt: skip
    assert f"thành viên mã {wrong} không có trong hộ này, hoặc có hai lần" in (
        capsys.readouterr().out
    )
    assert counts(db_path) == before


# --- villages and the commune (the Settings dialog's, administrators only) ---------------------


@pytest.fixture
def admin(monkeypatch):
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "demo1234")
    return ["--admin", "quantri"]


def test_villages_listed_added_and_renamed(db_path, admin, capsys):
    assert main(["village", "list", "--db", str(db_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Mã\tTên\tKhu vực\tSố hộ"
    with open_database(db_path) as cdb:
        present = "SELECT count(*) FROM households WHERE present_until IS NULL"
        total = cdb.db.execute(present).fetchone()[0]  # those the demo's events left
    assert sum(int(line.split("\t")[3]) for line in lines[1:]) == total
    assert main(["village", "add", "T09", "Thôn Mới", "--db", str(db_path), *admin]) == 0
    assert "Đã lưu thôn T09 Thôn Mới (nông thôn)." in capsys.readouterr().out
    assert main(["village", "edit", "T09", "--name", "Tổ dân phố 9", "--area", "urban",
                 "--db", str(db_path), *admin]) == 0  # fmt: skip
    with open_database(db_path) as cdb:
        row = cdb.db.execute("SELECT name, area, name_fold FROM villages WHERE code = 'T09'")
        assert row.fetchone() == ("Tổ dân phố 9", "urban", "to dan pho 9")


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["add", "T01", "Thôn Khác"], "mã T01 trùng dòng"),
        (["add", "T09", "thon lac son"], "tên “thon lac son” trùng dòng"),
        (["add", "T09", " "], "chưa có tên thôn"),
        (["edit", "T99", "--name", "X"], "Không có thôn mã “T99”"),
        (["add", "T09", "Thôn\x00Mới"], "tên thôn: Có ký tự điều khiển không in được (mã U+0000)"),
        (["add", "T09", "T" * 201], "tên thôn: Dài 201 ký tự, quá giới hạn 200 ký tự"),
    ],
)
def test_a_village_that_clashes_is_refused(db_path, admin, capsys, arguments, expected):
    before = counts(db_path)
    assert main(["village", *arguments, "--db", str(db_path), *admin]) == 1
    assert expected in capsys.readouterr().err
    assert counts(db_path) == before


def test_villages_and_the_commune_change_only_by_an_administrator(db_path, monkeypatch, capsys):
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "demo1234")
    clerk = ["--db", str(db_path), "--admin", "canbo"]
    assert main(["village", "add", "T09", "Thôn Mới", *clerk]) == 1
    assert main(["commune", "set", "--name", "Xã Khác", *clerk]) == 1
    assert "không có quyền" in capsys.readouterr().err
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "sai")
    assert main(["village", "add", "T09", "Thôn Mới", "--db", str(db_path), "--admin",
                 "quantri"]) == 1  # fmt: skip
    assert "mật khẩu không đúng" in capsys.readouterr().err


def test_the_commune_shown_and_changed_as_settings_checks_it(db_path, admin, capsys):
    assert main(["commune", "show", "--db", str(db_path)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Mã: ") and "Tỉnh, thành phố: " in shown
    assert main(["commune", "set", "--code", "123", "--db", str(db_path), *admin]) == 1
    assert "Mã xã phải gồm 5 chữ số" in capsys.readouterr().err
    assert main(["commune", "set", "--office-name", "UBND huyện Sơn Tịnh", "--office-kind",
                 "district", "--db", str(db_path), *admin]) == 0  # fmt: skip
    assert main(["commune", "show", "--db", str(db_path)]) == 0
    assert "Cơ quan nhận báo cáo: UBND huyện Sơn Tịnh, cấp huyện" in capsys.readouterr().out


def test_the_commune_refuses_a_control_character_or_an_overlong_name(db_path, admin, capsys):
    assert main(["commune", "set", "--name", "Xã\x00Mới", "--db", str(db_path), *admin]) == 1
    assert "Tên xã, phường: Có ký tự điều khiển không in được (mã U+0000)" in (
        capsys.readouterr().err
    )
    assert main(["commune", "set", "--province", "Q" * 201, "--db", str(db_path), *admin]) == 1
    assert "Tỉnh, thành phố: Dài 201 ký tự, quá giới hạn 200 ký tự" in capsys.readouterr().err
