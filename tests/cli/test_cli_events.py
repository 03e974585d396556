"""The register's events from the command line (``gnapp household move-in|move-away|end|split|
merge|events|undo-event``, ``gnapp member birth|join|leave|death``): each records through the
store and says so in Vietnamese; each refusal exits 1 with the store's words and writes nothing."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest

from gnapp.cli import main
from gnapp.core.vietnamese import format_date
from gnapp.store import as_of
from gnapp.store.database import open_database
from gnapp.store.events import events_of_household
from gnapp.store.household_query import HouseholdQuery, matching_ids
from gnapp.store.register import household_code, household_id_by_code, members_of


def day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def shown(iso: str) -> str:
    return format_date(date.fromisoformat(iso))


@pytest.fixture
def db_path(small_demo_file, tmp_path):
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


@pytest.fixture
def codes(db_path) -> list[str]:
    """The demo's household codes with at least three members and no event yet (the demo's
    own events aside), largest first."""
    with open_database(db_path) as cdb:
        ids = [i for i in matching_ids(cdb.db, HouseholdQuery())
               if not events_of_household(cdb.db, i, with_undone=True)]  # fmt: skip
        sizes = {i: len(members_of(cdb.db, i)) for i in ids}
        return [household_code(cdb.db, i) for i in sorted(ids, key=lambda i: -sizes[i])
                if sizes[i] >= 3]  # fmt: skip


def gnapp(db_path, *args: str) -> int:
    return main([*args, "--db", str(db_path)])


def state(db_path, code: str):
    """The household's id, its members' names and its events (undone ones too)."""
    with open_database(db_path) as cdb:
        household_id = household_id_by_code(cdb.db, code)
        if household_id is None:
            return None
        names = [m["full_name"] for m in members_of(cdb.db, household_id)]
        return household_id, names, events_of_household(cdb.db, household_id, with_undone=True)


def log_size(db_path) -> tuple[int, int]:
    with open_database(db_path) as cdb:
        return tuple(
            cdb.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("change_log", "register_events")
        )


def refused(db_path, capsys, args: list[str], words: str) -> None:
    """The command exits 1, says ``words`` and writes nothing."""
    before = log_size(db_path)
    capsys.readouterr()
    assert gnapp(db_path, *args) == 1
    captured = capsys.readouterr()
    assert words in captured.err and captured.out == ""
    assert log_size(db_path) == before


# --- household events ----------------------------------------------------------------------


def test_move_away_records_the_event_and_the_household_leaves_the_commune(db_path, codes, capsys):
    code, on = codes[0], day(20)
    assert gnapp(db_path, "household", "move-away", code, "--date", on,
                 "--reason", "Đi làm ăn xa") == 0  # fmt: skip
    assert capsys.readouterr().out == (
        f"Đã ghi: hộ {code} chuyển đi ngày {shown(on)} (lý do: Đi làm ăn xa).\n"
    )
    household_id, _, events = state(db_path, code)
    assert [(e.kind, e.event_date, e.reason) for e in events] == [
        ("moved_away", on, "Đi làm ăn xa")
    ]
    with open_database(db_path) as cdb:
        assert household_id in as_of.households_present(cdb.db, day(21))
        assert household_id not in as_of.households_present(cdb.db, on)
    # the register's list leaves it out, and shows it on request
    assert gnapp(db_path, "household", "list", "--limit", "0", "--json") == 0
    assert code not in {row["code"] for row in json.loads(capsys.readouterr().out)["households"]}
    assert gnapp(db_path, "household", "list", "--limit", "0", "--json", "--all") == 0
    assert code in {row["code"] for row in json.loads(capsys.readouterr().out)["households"]}


def test_end_and_its_required_reason(db_path, codes, capsys):
    code, on = codes[-1], day(5)
    refused(db_path, capsys, ["household", "end", code, "--date", on, "--reason", "  "],
            "Cần ghi lý do.")  # fmt: skip
    with pytest.raises(SystemExit) as usage:
        gnapp(db_path, "household", "end", code, "--date", on)
    assert usage.value.code == 2
    assert gnapp(db_path, "household", "end", code, "--date", on, "--reason", "Không còn ai") == 0
    assert "không còn (hộ kết thúc)" in capsys.readouterr().out
    assert [e.kind for e in state(db_path, code)[2]] == ["ended"]


def test_move_in_of_a_household_just_added(db_path, tmp_path, capsys):
    document = {"code": "HGD-09001", "village": "lac son", "members": [
        {"full_name": "Đinh Văn Mới", "sex": "male", "birth_date": "1980", "relation": "head"}
    ]}  # fmt: skip
    path = tmp_path / "ho.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert gnapp(db_path, "household", "add", "--file", str(path)) == 0
    on = day(3)
    assert gnapp(db_path, "household", "move-in", "HGD-09001", "--date", on) == 0
    assert capsys.readouterr().out.endswith(
        f"Đã ghi: hộ HGD-09001 chuyển đến xã ngày {shown(on)}.\n"
    )
    household_id, _, events = state(db_path, "HGD-09001")
    assert [(e.kind, e.event_date, e.members) for e in events] == [("moved_in", on, 1)]
    with open_database(db_path) as cdb:
        assert household_id not in as_of.households_present(cdb.db, day(4))
        assert household_id in as_of.households_present(cdb.db, on)
    refused(db_path, capsys, ["household", "move-in", "HGD-09001", "--date", on],
            "chỉ ghi chuyển đến cho hộ mới thêm")  # fmt: skip


def test_split_names_members_by_number_citizen_id_or_name(db_path, codes, capsys):
    code = codes[0]
    _, names, _ = state(db_path, code)
    with open_database(db_path) as cdb:
        third = members_of(cdb.db, household_id_by_code(cdb.db, code))[2]
    by_id = third["citizen_id"] or "3"
    assert gnapp(db_path, "household", "split", code, "--member", by_id, "--member", names[1],
                 "--head", names[1].upper(), "--new-code", "HGD-09002", "--date", day(10),
                 "--reason", "Con lập gia đình") == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert printed.startswith(f"Đã ghi: tách hộ HGD-09002 ({names[2]}, {names[1]}) từ hộ {code}")
    _, new_names, new_events = state(db_path, "HGD-09002")
    assert new_names == [names[1], names[2]]  # the head first
    assert state(db_path, code)[1] == [names[0], *names[3:]]
    assert [(e.kind, e.other_household_code) for e in new_events] == [("split_from", code)]
    assert [e.kind for e in state(db_path, code)[2]] == ["split_off"]


def test_split_refusals_write_nothing(db_path, codes, capsys):
    code = codes[0]
    names = state(db_path, code)[1]
    refused(db_path, capsys, ["household", "split", code, "--member", "Không Có Ai",
                              "--new-code", "HGD-09003", "--date", day(1)],
            f"Không có thành viên “Không Có Ai” trong hộ {code} (có: 1. {names[0]}")  # fmt: skip
    everyone = [arg for number in range(1, len(names) + 1) for arg in ("--member", str(number))]
    refused(db_path, capsys, ["household", "split", code, *everyone, "--new-code", "HGD-09003",
                              "--date", day(1)], "phải còn ít nhất một thành viên")  # fmt: skip
    refused(db_path, capsys, ["household", "split", code, "--member", "2", "--new-code", codes[1],
                              "--date", day(1)], f"Mã hộ {codes[1]} đã có trong sổ.")  # fmt: skip
    refused(db_path, capsys, ["household", "split", code, "--member", "2", "--new-code", "X",
                              "--date", "05/03/2026"], "“05/03/2026” không hợp lệ")  # fmt: skip
    refused(db_path, capsys, ["household", "split", "HGD-99999", "--member", "2",
                              "--new-code", "X", "--date", day(1)],
            "Không có hộ mã “HGD-99999”")  # fmt: skip


def test_merge_moves_every_member(db_path, codes, capsys):
    merged, into = codes[1], codes[2]
    merged_names, into_names = state(db_path, merged)[1], state(db_path, into)[1]
    assert gnapp(db_path, "household", "merge", merged, "--into", into, "--date", day(7)) == 0
    assert f"hộ {merged} nhập vào hộ {into} ngày {shown(day(7))}" in capsys.readouterr().out
    assert state(db_path, into)[1] == into_names + merged_names
    assert state(db_path, merged)[1] == []
    assert [e.kind for e in state(db_path, into)[2]] == ["merged_in"]
    refused(db_path, capsys, ["household", "merge", into, "--into", into, "--date", day(1)],
            f"Không thể nhập hộ {into} vào chính nó.")  # fmt: skip
    refused(db_path, capsys, ["household", "merge", merged, "--into", into, "--date", day(1)],
            f"Hộ {merged} đã không còn trong xã")  # fmt: skip


def test_a_date_still_to_come_or_out_of_order_is_refused(db_path, codes, capsys):
    code = codes[0]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    refused(db_path, capsys, ["household", "move-away", code, "--date", tomorrow,
                              "--reason", "x"], "chưa đến")  # fmt: skip
    assert gnapp(db_path, "member", "death", code, "2", "--date", day(5)) == 0
    refused(db_path, capsys, ["household", "move-away", code, "--date", day(9), "--reason", "x"],
            "hãy ghi các sự kiện theo thứ tự ngày xảy ra")  # fmt: skip


# --- member events ---------------------------------------------------------------------------


def test_birth_adds_a_member_present_from_the_date(db_path, codes, capsys):
    code, on = codes[0], day(30)
    assert gnapp(db_path, "member", "birth", code, "--name", "Nguyễn Bảo Na",
                 "--sex", "female", "--date", on) == 0  # fmt: skip
    assert capsys.readouterr().out == (
        f"Đã ghi: Nguyễn Bảo Na sinh ngày {shown(on)}, thành viên mới của hộ {code}.\n"
    )
    household_id, names, events = state(db_path, code)
    assert names[-1] == "Nguyễn Bảo Na"
    assert [(e.kind, e.member_name) for e in events] == [("born", "Nguyễn Bảo Na")]
    with open_database(db_path) as cdb:
        child = members_of(cdb.db, household_id)[-1]
        assert (child["birth_date"], child["relation"], child["present_from"]) == (on, "child", on)
        assert len(as_of.members_present(cdb.db, day(31), household_id)) == len(names) - 1


def test_join_by_marriage_and_from_another_household(db_path, codes, capsys):
    code, other = codes[0], codes[1]
    assert gnapp(db_path, "member", "join", code, "--how", "marriage", "--name", "Trần Thị Hoa",
                 "--sex", "female", "--birth-date", "05/03/1999", "--relation", "spouse",
                 "--citizen-id", "051 199 000 777", "--date", day(12)) == 0  # fmt: skip
    assert "Trần Thị Hoa nhập khẩu vào hộ" in capsys.readouterr().out
    household_id = state(db_path, code)[0]
    with open_database(db_path) as cdb:
        joined = members_of(cdb.db, household_id)[-1]
    assert (
        joined["full_name"],
        joined["birth_date"],
        joined["citizen_id"],
        joined["relation"],
    ) == ("Trần Thị Hoa", "1999-03-05", "051199000777", "spouse")
    moving = state(db_path, other)[1][1]
    assert gnapp(db_path, "member", "join", code, "--how", "from_household", "--from", other,
                 "--member", "2", "--date", day(11), "--reason", "Về ở với con") == 0  # fmt: skip
    assert f"{moving} nhập khẩu vào hộ {code} ngày {shown(day(11))} (từ hộ {other})" in (
        capsys.readouterr().out
    )
    assert moving in state(db_path, code)[1] and moving not in state(db_path, other)[1]
    assert [(e.kind, e.how) for e in state(db_path, other)[2]] == [("left", "to_household")]
    refused(db_path, capsys, ["member", "join", code, "--how", "from_household", "--from", code,
                              "--member", "1", "--date", day(1)],
            "đã là thành viên của hộ")  # fmt: skip
    refused(db_path, capsys, ["member", "join", code, "--how", "from_household",
                              "--date", day(1)], "cần --from MÃ_HỘ và --member TV")  # fmt: skip
    refused(db_path, capsys, ["member", "join", code, "--how", "moved_in", "--date", day(1)],
            "Cần --name")  # fmt: skip


def test_leave_and_death_take_the_member_off_the_household(db_path, codes, capsys):
    code = codes[0]
    names = state(db_path, code)[1]
    refused(db_path, capsys, ["member", "leave", code, "2", "--date", day(9), "--reason", ""],
            "Cần ghi lý do.")  # fmt: skip
    assert gnapp(db_path, "member", "leave", code, "2", "--date", day(9),
                 "--reason", "Lấy chồng ở tỉnh khác") == 0  # fmt: skip
    assert capsys.readouterr().out == (
        f"Đã ghi: {names[1]} (hộ {code}) rời khỏi hộ ngày {shown(day(9))} "
        "(lý do: Lấy chồng ở tỉnh khác).\n"
    )
    assert gnapp(db_path, "member", "death", code, names[2], "--date", day(8)) == 0
    assert f"{names[2]} (hộ {code}) qua đời ngày {shown(day(8))}" in capsys.readouterr().out
    _, left, events = state(db_path, code)
    assert left == [names[0], *names[3:]]
    assert [(e.kind, e.member_name) for e in events] == [("left", names[1]), ("died", names[2])]
    refused(db_path, capsys, ["member", "death", code, "99", "--date", day(1)],
            "Không có thành viên “99”")  # fmt: skip


# --- listing and undoing ---------------------------------------------------------------------


def test_events_lists_and_undo_undoes(db_path, codes, capsys):
    code = codes[0]
    names = state(db_path, code)[1]
    assert gnapp(db_path, "household", "events", code) == 0
    assert capsys.readouterr().out == f"Hộ {code} chưa có sự kiện nào.\n"
    assert gnapp(db_path, "member", "death", code, "2", "--date", day(6)) == 0
    assert gnapp(db_path, "household", "move-away", code, "--date", day(4),
                 "--reason", "Đi làm ăn xa") == 0  # fmt: skip
    capsys.readouterr()
    assert gnapp(db_path, "household", "events", code, "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(e["kind"], e["label"], e["event_date"], e["member_name"], e["undone_at"])
            for e in listed] == [("died", "chết", day(6), names[1], None),
                                 ("moved_away", "chuyển đi", day(4), None, None)]  # fmt: skip
    assert {e["recorded_by"] for e in listed} == {"hệ thống"}
    death, away = listed[0]["id"], listed[1]["id"]

    refused(db_path, capsys, ["household", "undo-event", str(death)],
            f"Không thể hoàn tác “chết” của hộ {code}")  # fmt: skip
    assert gnapp(db_path, "household", "undo-event", str(away)) == 0
    assert capsys.readouterr().out == (
        f"Đã hoàn tác sự kiện số {away}: hộ {code} chuyển đi ngày {shown(day(4))}.\n"
    )
    assert gnapp(db_path, "household", "undo-event", str(death)) == 0
    capsys.readouterr()
    assert state(db_path, code)[1] == names  # the member is back
    refused(db_path, capsys, ["household", "undo-event", str(death)], "đã được hoàn tác lúc")
    refused(db_path, capsys, ["household", "undo-event", "9999"], "Không có sự kiện số 9999.")

    assert gnapp(db_path, "household", "events", code) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == ["Số", "Ngày", "Sự kiện", "Thành viên", "Hộ liên quan",
                                    "Lý do", "Người ghi", "Hoàn tác"]  # fmt: skip
    assert [line.split("\t")[:3] for line in lines[1:]] == [
        [str(death), shown(day(6)), "chết"],
        [str(away), shown(day(4)), "chuyển đi"],
    ]
    assert all(line.split("\t")[7].startswith("đã hoàn tác (hệ thống, ") for line in lines[1:])
    assert gnapp(db_path, "household", "list", "--search", code) == 0
    assert code in capsys.readouterr().out
