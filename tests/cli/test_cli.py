import json
import sqlite3

import pytest

from gnapp import __version__
from gnapp.cli import main
from gnapp.store.database import open_database


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert __version__ in capsys.readouterr().out


def test_demo_create_then_db_check(tmp_path, capsys):
    path = tmp_path / "xa.gnapp"
    assert main(["demo", "create", str(path), "--households", "40", "--seed", "2"]) == 0
    assert "40 hộ" in capsys.readouterr().out
    assert main(["db", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "mới nhất" in out and "ĐẠT" in out and "Số hộ: 40" in out


def test_demo_create_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "xa.gnapp"
    path.write_text("keep me")
    assert main(["demo", "create", str(path)]) == 1
    assert "không ghi đè" in capsys.readouterr().err
    assert path.read_text() == "keep me"


def test_db_check_reports_an_old_schema_and_a_broken_file(tmp_path, capsys):
    old = tmp_path / "old.gnapp"
    open_database(old, create=True, target_version=1).close()
    assert main(["db", "check", str(old)]) == 0
    assert "v1 (sẽ được nâng cấp" in capsys.readouterr().out

    junk = tmp_path / "junk.gnapp"
    junk.write_bytes(b"\0garbage" * 500)
    assert main(["db", "check", str(junk)]) == 1
    assert "không phải cơ sở dữ liệu" in capsys.readouterr().err


def test_db_check_finds_corruption(tmp_path, capsys, small_demo_file):
    broken = tmp_path / "broken.gnapp"
    data = bytearray(small_demo_file.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")  # the file header's
    for offset in range(page_size * 3, len(data) - page_size, page_size * 2):
        data[offset + 100 : offset + 400] = b"\xff" * 300
    broken.write_bytes(bytes(data))
    assert main(["db", "check", str(broken)]) == 1
    output = capsys.readouterr()
    assert "KHÔNG ĐẠT" in output.out or "không phải" in output.err


def test_db_check_does_not_modify_the_file(tmp_path, capsys):
    old = tmp_path / "old.gnapp"
    open_database(old, create=True, target_version=1).close()
    before = old.read_bytes()
    main(["db", "check", str(old)])
    assert old.read_bytes() == before
    assert sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0] == 1


def _record(code="HGD-1", **extra):
    return {
        "household_code": code,
        "area": "rural",
        "floor_area_m2": 20,
        "walls_durable": True,
        "frame_durable": True,
        "roof_durable": True,
        "water_source": "piped",
        "latrine": "septic",
        "uses_telecom": True,
        "information_devices": ["tv"],
        "waste_handled_hygienically": True,
        "income": {"monthly_per_capita": 1_200_000},
        "members": [
            {
                "full_name": "Nguyễn Văn Được",
                "sex": "male",
                "birth_date": "1980-01-01",
                "relation": "head",
                "has_health_insurance": False,
                "employment": "stable",
                "education": "upper_secondary",
                "schooling": "not_attending",
                "can_work": True,
            }
        ],
        **extra,
    }


def test_classify_a_file_as_text_and_json(tmp_path, capsys):
    path = tmp_path / "ho.json"
    path.write_text(
        json.dumps([_record(), _record("HGD-2", income={"monthly_per_capita": 1_500_001})]),
        encoding="utf-8",
    )
    assert (
        main(["classify", "--standard", "2022-2025", str(path), "--reference-date", "2025-11-01"])
        == 0
    )
    out = capsys.readouterr().out
    assert "HGD-1" in out and "hộ cận nghèo" in out and "Nguyễn Văn Được" in out
    assert (
        main(
            [
                "classify",
                "--standard",
                "2022-2025",
                str(path),
                "--json",
                "--reference-date",
                "2025-11-01",
            ]
        )
        == 0
    )
    results = json.loads(capsys.readouterr().out)
    assert [r["class_code"] for r in results] == ["near_poor", "average"]


def test_classify_two_standards_side_by_side(tmp_path, capsys):
    path = tmp_path / "ho.json"
    path.write_text(json.dumps(_record(income={"monthly_per_capita": 1_800_000})), encoding="utf-8")
    assert (
        main(
            [
                "classify",
                "--standard",
                "2022-2025",
                "--standard",
                "2027-2030",
                str(path),
                "--json",
                "--reference-date",
                "2026-11-01",
            ]
        )
        == 0
    )
    [pair] = json.loads(capsys.readouterr().out)
    assert [c["class_code"] for c in pair] == ["average", "near_poor"]


def test_classify_rejects_a_bad_record_with_its_path(tmp_path, capsys):
    bad = _record()
    bad["members"][0]["birth_date"] = "1980-13-01"
    path = tmp_path / "ho.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["classify", "--standard", "2022-2025", str(path)]) == 1
    err = capsys.readouterr().err
    assert "members[0].birth_date" in err and str(path) in err


def test_classify_a_database(capsys, small_demo_file):
    """The households in the commune on the reference date (the demo's today: its events are
    in the register) are classified; those unchanged since their Phiếu B get its class."""
    assert (
        main(
            [
                "classify",
                "--standard",
                "2022-2025",
                "--db",
                str(small_demo_file),
                "--json",
                "--reference-date",
                "2025-12-31",
            ]
        )
        == 0
    )
    results = json.loads(capsys.readouterr().out)
    conn = sqlite3.connect(small_demo_file)
    present = conn.execute(
        "SELECT count(*) FROM households WHERE ifnull(present_from, '') <= '2025-12-31' "
        "AND ifnull(present_until, '9') > '2025-12-31'"
    ).fetchone()[0]
    assert len(results) == present
    expected = dict(
        conn.execute(
            "SELECT h.code, q.class_code FROM questionnaires q "
            "JOIN households h ON h.id = q.household_id WHERE q.household_id NOT IN "
            "(SELECT household_id FROM register_events WHERE event_date > '2025-10-15')"
        ).fetchall()
    )
    assert len(expected) > 30
    got = {r["household_code"]: r["class_code"] for r in results if r["household_code"] in expected}
    assert got == expected


def test_unknown_standard_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "ho.json"
    path.write_text(json.dumps(_record()), encoding="utf-8")
    assert main(["classify", "--standard", "1999-2000", str(path)]) == 1
    assert "1999-2000" in capsys.readouterr().err


def test_standards_lists_both(capsys):
    assert main(["standards"]) == 0
    out = capsys.readouterr().out
    assert "2022-2025" in out and "2027-2030" in out


# --- setup and users ------------------------------------------------------------------------


def test_setup_then_users_from_the_command_line(tmp_path, monkeypatch, capsys):
    from gnapp.store import users
    from gnapp.store.database import open_database as open_db
    from gnapp.store.register import get_commune, get_setting, villages

    monkeypatch.setattr(users, "DEFAULT_COST", users.TEST_COST)
    monkeypatch.setenv("GNAPP_PASSWORD", "matkhau1")
    path = tmp_path / "xa.gnapp"
    argv = ["setup", str(path), "--code", "21555", "--name", "Xã Sơn Minh"]
    argv += ["--province", "Quảng Ngãi", "--village", "01:Thôn An Phú"]
    argv += ["--village", "02:Tổ dân phố 1:urban", "--admin", "quantri"]
    argv += ["--admin-name", "Lê Văn Quản", "--signer-title", "CHỦ TỊCH"]
    assert main(argv) == 0
    assert "Đã tạo" in capsys.readouterr().out
    with open_db(path) as cdb:
        assert get_commune(cdb.db)["code"] == "21555"
        assert [v["area"] for v in villages(cdb.db)] == ["rural", "urban"]
        assert get_setting(cdb.db, "document.signer_title") == "CHỦ TỊCH"

    add = ["user", "add", "canbo", "--db", str(path), "--name", "Nguyễn Thị Cán"]
    assert main([*add, "--role", "clerk"]) == 1  # who is adding?
    assert "Cần --admin" in capsys.readouterr().err
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "sai")
    assert main([*add, "--role", "clerk", "--admin", "quantri"]) == 1
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in capsys.readouterr().err
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "matkhau1")
    assert main([*add, "--role", "clerk", "--admin", "quantri"]) == 0
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "matkhau1")
    lock = ["user", "lock", "quantri", "--db", str(path), "--admin", "canbo"]
    assert main(lock) == 1  # a clerk administers nothing
    assert "không có quyền quản lý người dùng" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["user", "list", "--db", str(path)]) == 0
    listed = capsys.readouterr().out
    assert "canbo\tNguyễn Thị Cán\tCán bộ nhập liệu\tđang dùng" in listed
    with open_db(path) as cdb:
        actors = [
            r[0]
            for r in cdb.db.execute(
                "SELECT actor FROM change_log WHERE table_name = 'users' ORDER BY id"
            )
        ]
    assert actors == ["Lê Văn Quản (quantri)", "Lê Văn Quản (quantri)"]


def test_setup_explains_bad_input(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GNAPP_PASSWORD", "matkhau1")
    argv = ["setup", str(tmp_path / "xa.gnapp"), "--code", "215", "--name", "Xã A"]
    argv += ["--province", "Huế", "--village", "01:Thôn A", "--village", "01:Thôn B"]
    argv += ["--admin", "quantri", "--admin-name", "Lê Văn Quản"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Mã xã phải gồm 5 chữ số" in err and "Dòng 2: mã 01 trùng dòng 1." in err
    assert list(tmp_path.iterdir()) == []


def test_settings_from_the_command_line(demo_db, monkeypatch, capsys):
    from gnapp.demo import DEMO_PASSWORD

    path = demo_db.path
    demo_db.close()
    assert main(["settings", "list", "--db", str(path)]) == 0
    assert "document.recipients\tNơi nhận (mỗi dòng một nơi)\tNhư trên | Lưu: VT, VHXH" in (
        capsys.readouterr().out
    )
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", DEMO_PASSWORD)
    argv = ["settings", "set", "document.recipients", "Như trên|TT Đảng ủy", "--db", str(path)]
    assert main([*argv, "--admin", "canbo"]) == 1  # a clerk
    assert "không có quyền" in capsys.readouterr().err
    assert main([*argv, "--admin", "quantri"]) == 0
    bad = ["settings", "set", "backup_keep_daily", "0", "--db", str(path), "--admin", "quantri"]
    assert main(bad) == 1
    assert "Số ngày giữ bản sao lưu hằng ngày: phải là một số nguyên từ 1 đến 60." in (
        capsys.readouterr().err
    )
    main(["settings", "list", "--db", str(path)])
    assert "Như trên | TT Đảng ủy" in capsys.readouterr().out


def test_the_language_of_this_computer_is_shown_and_chosen(tmp_path, monkeypatch, capsys):
    from gnapp.preferences import preferred_language

    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path))
    assert main(["language"]) == 0
    assert capsys.readouterr().out.strip() == "vi — Tiếng Việt"
    assert main(["language", "en"]) == 0
    assert "English" in capsys.readouterr().out
    assert preferred_language() == "en"
    with pytest.raises(SystemExit):
        main(["language", "fr"])


def present_on(path, day: str) -> int:
    """The demo's households in the commune on ``day``, by independent SQL."""
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT count(*) FROM households WHERE (present_from IS NULL OR present_from <= ?)"
            " AND (present_until IS NULL OR present_until > ?)",
            [day, day],
        ).fetchone()[0]


def test_classify_summary_of_two_standards(capsys, small_demo_file, tmp_path):
    args = ["classify", "--db", str(small_demo_file), "--standard", "2022-2025"]
    args += ["--standard", "2027-2030", "--summary", "--reference-date", "2026-12-07"]
    out_file = tmp_path / "so-sanh.xlsx"
    assert main([*args, "--b1-lines", "140,175", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Thôn, tổ dân phố\tSố hộ\tNghèo (2022-2025)")
    present = present_on(small_demo_file, "2026-12-07")
    commune = next(line for line in lines if line.startswith("Toàn xã\t")).split("\t")
    assert commune[1] == str(present)
    assert sum(int(n) for n in commune[2:7]) == sum(int(n) for n in commune[7:12]) == present
    changed = int(commune[12])
    assert f"Hộ đổi loại: {changed}" in out
    assert "Ngưỡng điểm B1 giả định do người dùng nhập" in out
    assert "ngưỡng điểm B1: chưa rõ" in out and out_file.exists()
    assert sum(line.startswith("- HGD-") for line in lines) == changed
    assert main([*args, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["households"]) == present and payload["supposed_b1_lines"] is None
    assert payload["standards"] == ["2022-2025", "2027-2030"]


def test_classify_summary_needs_two_standards_and_a_database(capsys, small_demo_file):
    assert (
        main(["classify", "--db", str(small_demo_file), "--standard", "2022-2025", "--summary"])
        == 1
    )
    assert "hai chuẩn" in capsys.readouterr().err
    assert (
        main(
            ["classify", "--db", str(small_demo_file), "--standard", "2022-2025", "--out", "x.xlsx"]
        )
        == 1
    )
    assert "--summary" in capsys.readouterr().err


def test_classify_a_database_ends_with_the_totals(capsys, small_demo_file):
    args = ["classify", "--db", str(small_demo_file), "--standard", "2022-2025"]
    assert main([*args, "--reference-date", "2026-12-07"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith(
        f"Tổng theo chuẩn 2022-2025: {present_on(small_demo_file, '2026-12-07')} hộ — "
    )
