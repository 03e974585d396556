"""The register's events: effects, refusals in Vietnamese, undo (gnapp.store.events)."""

import pytest

from gnapp.store import events, register
from gnapp.store.as_of import households_present, members_present
from gnapp.store.batches import batches
from gnapp.store.changelog import changes_of_household
from gnapp.store.database import open_database
from gnapp.store.events import EventError


def person(name, relation="head", birth="1980-05-01"):
    return {"full_name": name, "sex": "female", "birth_date": birth, "relation": relation}


@pytest.fixture
def cdb(tmp_path):
    cdb = open_database(
        tmp_path / "xa.gnapp", create=True, actor="Cán bộ thử", clock=lambda: "2026-11-30T02:00:00Z"
    )
    village = register.add_village(cdb, "01", "Thôn Một", "rural")
    cdb.village = village
    register.add_household(
        cdb,
        {"code": "H1", "village_id": village},
        [person("Lê Thị An"), person("Lê Văn Bình", "child"), person("Lê Thị Cúc", "child")],
    )
    register.add_household(cdb, {"code": "H2", "village_id": village}, [person("Phạm Dũng")])
    yield cdb
    cdb.close()


def hid(cdb, code):
    return register.household_id_by_code(cdb.db, code)


def member_ids(cdb, code):
    return [m["id"] for m in register.members_of(cdb.db, hid(cdb, code))]


def test_split_moves_members_to_a_new_household(cdb):
    bình, cúc = member_ids(cdb, "H1")[1:]
    new_id = events.split_household(
        cdb,
        hid(cdb, "H1"),
        [bình, cúc],
        "2026-03-01",
        code="H3",
        head_member_id=cúc,
        reason="Lập gia đình riêng",
    )
    roster = register.members_of(cdb.db, new_id)
    assert [(m["full_name"], m["relation"]) for m in roster] == [
        ("Lê Thị Cúc", "head"),
        ("Lê Văn Bình", "child"),
    ]
    assert cdb.db["households"].get(new_id)["present_from"] == "2026-03-01"
    assert cdb.db["households"].get(new_id)["head_name"] == "Lê Thị Cúc"
    assert cdb.db["households"].get(hid(cdb, "H1"))["member_count"] == 1
    # the day before, both were in H1 and H3 did not exist
    assert len(members_present(cdb.db, "2026-02-28", hid(cdb, "H1"))) == 3
    assert members_present(cdb.db, "2026-02-28", new_id) == []
    assert len(members_present(cdb.db, "2026-03-01", hid(cdb, "H1"))) == 1
    kinds = [
        (e.kind, e.other_household_code, e.members)
        for e in events.events_of_household(cdb.db, new_id)
    ]
    assert kinds == [("split_from", "H1", 2)]
    assert [e.kind for e in events.events_of_household(cdb.db, hid(cdb, "H1"))] == ["split_off"]


def test_merge_ends_the_merged_household(cdb):
    events.merge_households(cdb, hid(cdb, "H2"), hid(cdb, "H1"), "2026-04-01", "Về ở chung")
    assert households_present(cdb.db, "2026-03-31") == [hid(cdb, "H1"), hid(cdb, "H2")]
    assert households_present(cdb.db, "2026-04-01") == [hid(cdb, "H1")]
    moved = register.members_of(cdb.db, hid(cdb, "H1"))[-1]
    assert (moved["full_name"], moved["relation"], moved["present_from"]) == (
        "Phạm Dũng",
        "other",
        "2026-04-01",
    )
    assert register.members_of(cdb.db, hid(cdb, "H2")) == []


def test_moving_away_and_ending(cdb):
    events.record_moved_away(cdb, hid(cdb, "H2"), "2026-05-10", "Chuyển vào Bình Dương")
    assert households_present(cdb.db, "2026-05-09") == [hid(cdb, "H1"), hid(cdb, "H2")]
    assert households_present(cdb.db, "2026-05-10") == [hid(cdb, "H1")]
    events.record_ended(cdb, hid(cdb, "H1"), "2026-06-01", "Không còn thành viên")
    assert households_present(cdb.db, "2026-06-01") == []


def test_member_events(cdb):
    h1, h2 = hid(cdb, "H1"), hid(cdb, "H2")
    baby = events.record_birth(cdb, h1, "2026-02-02", person("Lê Bé", "grandchild", "2026-02-02"))
    assert cdb.db["members"].get(baby)["present_from"] == "2026-02-02"
    assert len(members_present(cdb.db, "2026-02-01", h1)) == 3
    assert len(members_present(cdb.db, "2026-02-02", h1)) == 4
    an = member_ids(cdb, "H1")[0]
    events.record_death(cdb, an, "2026-03-03")
    assert next(m["full_name"] for m in members_present(cdb.db, "2026-03-02", h1)) == "Lê Thị An"
    assert "Lê Thị An" not in [m["full_name"] for m in members_present(cdb.db, "2026-03-03", h1)]
    bình = member_ids(cdb, "H1")[0]
    events.record_joined(cdb, h2, "2026-04-04", "from_household", from_member_id=bình)
    assert cdb.db["members"].get(bình)["household_id"] == h2
    assert len(members_present(cdb.db, "2026-04-03", h2)) == 1
    assert len(members_present(cdb.db, "2026-04-04", h2)) == 2
    kinds = [(e.kind, e.how) for e in events.events_of_household(cdb.db, h1)]
    assert kinds == [("born", None), ("died", None), ("left", "to_household")]
    wife = events.record_joined(
        cdb, h2, "2026-05-05", "marriage", member=person("Trần Vợ", "spouse")
    )
    events.record_left(cdb, wife, "2026-06-06", "Đi làm ăn xa")
    assert [m["full_name"] for m in register.members_of(cdb.db, h2)] == ["Phạm Dũng", "Lê Văn Bình"]


def test_moved_in_household(cdb):
    new = register.add_household(cdb, {"code": "H9", "village_id": cdb.village}, [person("Mới")])
    assert new in households_present(cdb.db, "2020-01-01")  # no date yet: in from the start
    events.record_moved_in(cdb, new, "2026-07-01", "Từ xã khác chuyển đến")
    assert new not in households_present(cdb.db, "2026-06-30")
    assert new in households_present(cdb.db, "2026-07-01")
    with pytest.raises(EventError, match="chỉ ghi chuyển đến cho hộ mới thêm"):
        events.record_moved_in(cdb, new, "2026-07-02")


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (lambda c: events.record_moved_away(c, hid(c, "H2"), "2026-13-01", "x"), "không hợp lệ"),
        (lambda c: events.record_moved_away(c, hid(c, "H2"), "2027-01-01", "x"), "chưa đến"),
        (lambda c: events.record_moved_away(c, hid(c, "H2"), "2026-01-01", " "), "Cần ghi lý do"),
        (lambda c: events.record_moved_away(c, 999, "2026-01-01", "x"), "Không có hộ số 999"),
        (
            lambda c: events.merge_households(c, hid(c, "H1"), hid(c, "H1"), "2026-01-01"),
            "Không thể nhập hộ H1 vào chính nó",
        ),
        (
            lambda c: events.split_household(c, hid(c, "H1"), [], "2026-01-01", code="H3"),
            "Chọn ít nhất một thành viên",
        ),
        (
            lambda c: events.split_household(
                c, hid(c, "H1"), member_ids(c, "H1"), "2026-01-01", code="H3"
            ),
            "phải còn ít nhất một thành viên",
        ),
        (
            lambda c: events.split_household(
                c, hid(c, "H1"), member_ids(c, "H2"), "2026-01-01", code="H3"
            ),
            "Phạm Dũng không phải thành viên của hộ H1",
        ),
        (
            lambda c: events.split_household(
                c, hid(c, "H1"), member_ids(c, "H1")[1:], "2026-01-01", code="H2"
            ),
            "Mã hộ H2 đã có trong sổ",
        ),
        (
            lambda c: events.split_household(
                c,
                hid(c, "H1"),
                member_ids(c, "H1")[1:2],
                "2026-01-01",
                code="H3",
                head_member_id=member_ids(c, "H1")[0],
            ),
            "Chủ hộ mới phải là một trong các thành viên tách ra",
        ),
        (
            lambda c: events.record_joined(
                c,
                hid(c, "H1"),
                "2026-01-01",
                "from_household",
                from_member_id=member_ids(c, "H1")[0],
            ),
            "đã là thành viên của hộ H1",
        ),
        (lambda c: events.record_joined(c, hid(c, "H1"), "2026-01-01", "bay"), "không hợp lệ"),
        (
            lambda c: events.record_joined(c, hid(c, "H1"), "2026-01-01", "marriage"),
            "Cần thông tin",
        ),
        (
            lambda c: events.record_left(c, member_ids(c, "H2")[0], "2026-01-01", ""),
            "Cần ghi lý do",
        ),
        (lambda c: events.record_death(c, 999, "2026-01-01"), "Không có thành viên số 999"),
    ],
)
def test_refusals(cdb, act, message):
    before = cdb.db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    with pytest.raises(EventError, match=message):
        act(cdb)
    assert cdb.db.execute("SELECT count(*) FROM change_log").fetchone()[0] == before


def test_refusals_by_date(cdb):
    h1, h2 = hid(cdb, "H1"), hid(cdb, "H2")
    new = events.split_household(cdb, h1, member_ids(cdb, "H1")[2:], "2026-03-01", code="H3")
    with pytest.raises(
        EventError, match=r"Ngày 28/02/2026 trước ngày hộ H3 có trong xã \(01/03/2026\)"
    ):
        events.record_birth(cdb, new, "2026-02-28", person("Bé", "child"))
    with pytest.raises(EventError, match="theo thứ tự ngày xảy ra"):
        events.record_moved_away(cdb, h1, "2026-02-01", "Đi xa")
    events.record_moved_away(cdb, h2, "2026-04-01", "Đi xa")
    with pytest.raises(EventError, match="Hộ H2 đã không còn trong xã từ ngày 01/04/2026"):
        events.merge_households(cdb, h2, h1, "2026-05-01")
    with pytest.raises(EventError, match="Hộ H2 đã không còn trong xã"):
        events.record_birth(cdb, h2, "2026-04-02", person("Bé", "child"))
    baby = events.record_birth(cdb, h1, "2026-05-05", person("Bé", "child"))
    with pytest.raises(EventError, match="trước ngày Bé vào hộ"):
        events.record_death(cdb, baby, "2026-05-04")


def test_undo_puts_the_register_back(cdb):
    h1 = hid(cdb, "H1")
    before = register.members_of(cdb.db, h1)
    new = events.split_household(cdb, h1, member_ids(cdb, "H1")[1:], "2026-03-01", code="H3")
    split_from = events.events_of_household(cdb.db, new)[0]
    events.undo_event(cdb, split_from.id)  # either side undoes both
    assert register.household_id_by_code(cdb.db, "H3") is None
    assert register.members_of(cdb.db, h1) == before
    assert cdb.db["households"].get(h1)["member_count"] == 3
    assert events.events_of_household(cdb.db, h1) == []
    undone = events.events_of_household(cdb.db, h1, with_undone=True)
    assert [(e.kind, e.undone_by) for e in undone] == [("split_off", "Cán bộ thử")]
    with pytest.raises(EventError, match="đã được hoàn tác"):
        events.undo_event(cdb, undone[0].id)
    # a death undone: the member is back with the links to her benefits
    an = member_ids(cdb, "H1")[0]
    cdb.db["activities"].insert(
        {"year": 2026, "programme_id": "p", "project_code": "1", "name": "Hỗ trợ", "kind": "k"}
    )
    with cdb.transaction() as db:
        db["beneficiaries"].insert({"activity_id": 1, "household_id": h1, "member_id": an})
    death = events.record_death(cdb, an, "2026-03-03")
    assert cdb.db["beneficiaries"].get(1)["member_id"] is None
    events.undo_event(cdb, death)
    assert cdb.db["beneficiaries"].get(1)["member_id"] == an
    assert register.members_of(cdb.db, h1) == before
    assert cdb.db.execute("SELECT count(*) FROM former_members").fetchone()[0] == 0
    # event batches are not imports: the import list does not show them
    assert {b.kind for b in batches(cdb.db)} == {"register_event", "undo"}
    assert any(c.table_name == "register_events" for c in changes_of_household(cdb.db, h1))


def test_undo_refused_when_later_work_depends_on_it(cdb):
    h1, h2 = hid(cdb, "H1"), hid(cdb, "H2")
    merge = events.merge_households(cdb, h2, h1, "2026-04-01")
    events.record_birth(cdb, h1, "2026-05-01", person("Bé", "grandchild"))
    with pytest.raises(EventError, match="hộ H1 có một sự kiện khác ghi sau đó"):
        events.undo_event(cdb, merge)
    birth_event = events.events_of_household(cdb.db, h1)[-1]
    events.undo_event(cdb, birth_event.id)
    register.set_status(cdb, h1, 2026, "poor", decision_date="2026-06-01")
    with pytest.raises(EventError, match="hộ H1 có tình trạng nghèo, cận nghèo ghi sau đó"):
        events.undo_event(cdb, merge)
    cdb.db["household_status"].delete_where("household_id = ?", [h1])
    with pytest.raises(EventError, match="ghi sau đó"):  # deleting the status was later work too
        events.undo_event(cdb, merge)


def test_undo_refused_after_a_questionnaire(cdb):
    from gnapp.store import review

    away = events.record_moved_away(cdb, hid(cdb, "H2"), "2026-04-01", "Đi xa")
    round_id = review.open_round(cdb, 2026, "periodic", "2022-2025", "2026-10-01", "survey")
    review.save_questionnaire(cdb, round_id, hid(cdb, "H2"), "B", {})
    with pytest.raises(EventError, match="hộ H2 có phiếu rà soát ghi sau đó"):
        events.undo_event(cdb, away)


def test_events_in_the_household_history(cdb):
    from gnapp.store.household_history import history_rows

    away = events.record_moved_away(cdb, hid(cdb, "H2"), "2026-04-01", "Đi xa")
    events.undo_event(cdb, away)
    rows = [(r.what, r.old, r.new) for r in history_rows(cdb.db, hid(cdb, "H2"))]
    assert ("Thêm: sự kiện “chuyển đi”", "", "") in rows
    assert ("Hộ: Không còn trong xã từ ngày", "(trống)", "01/04/2026") in rows
    assert ("Sự kiện “chuyển đi”: đã hoàn tác", "", "") in rows


def test_undo_refused_after_a_status_in_a_run_of_several_households(cdb):
    """A status written as part of a run of several households' rows (the demo's way) is later
    work on each of them."""
    from gnapp.store import changelog

    h1, h2 = hid(cdb, "H1"), hid(cdb, "H2")
    events.record_birth(cdb, h2, "2026-05-01", person("Bé", "grandchild"))
    birth = events.events_of_household(cdb.db, h2)[-1].id
    with cdb.transaction() as db, changelog.inserts_logged_as_runs(db, ["household_status"]):
        register.set_status(cdb, h1, 2026, "poor", decision_date="2026-06-01")
        register.set_status(cdb, h2, 2026, "near_poor", decision_date="2026-06-01")
    assert cdb.db.execute(
        "SELECT household_id, new_values FROM change_log WHERE table_name = 'household_status'"
    ).fetchall() == [(None, f'{{"last":2,"households":[{h1},{h2}]}}')]
    with pytest.raises(EventError, match="hộ H2 có tình trạng nghèo, cận nghèo ghi sau đó"):
        events.undo_event(cdb, birth)
