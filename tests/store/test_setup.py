"""Setting up a commune's database: identity, villages, administrator and document signer
written whole; bad input listed row by row with nothing left behind."""

from __future__ import annotations

import pytest

from gnapp.store import users
from gnapp.store.register import get_commune, get_setting, villages
from gnapp.store.setup import (
    AdminAccount,
    CommuneIdentity,
    DocumentSettings,
    SetupError,
    VillageEntry,
    create_commune_database,
    village_problems,
)
from gnapp.store.users import TEST_COST

IDENTITY = CommuneIdentity(
    code="21555",
    name="Xã Sơn Minh",
    kind="xa",
    province="Quảng Ngãi",
    receiving_office_name="Sở Nông nghiệp và Môi trường tỉnh Quảng Ngãi",
)
VILLAGES = [VillageEntry("01", "Thôn An Phú"), VillageEntry("02", "Tổ dân phố 1", "urban")]
ADMIN = AdminAccount("quantri", "Lê Văn Quản", "matkhau1")


def test_a_new_commune_holds_what_was_typed_and_its_admin_is_signed_in(tmp_path):
    document = DocumentSettings("Trần Thị Bích", "CHỦ TỊCH")
    cdb = create_commune_database(
        tmp_path / "xa.gnapp", IDENTITY, VILLAGES, ADMIN, document, cost=TEST_COST
    )
    try:
        commune = get_commune(cdb.db)
        assert (commune["code"], commune["name"], commune["receiving_office_kind"]) == (
            "21555",
            "Xã Sơn Minh",
            "province",
        )
        assert [(v["code"], v["name"], v["area"]) for v in villages(cdb.db)] == [
            ("01", "Thôn An Phú", "rural"),
            ("02", "Tổ dân phố 1", "urban"),
        ]
        admin = users.get_user(cdb.db, "quantri")
        assert admin.roles == ("clerk", "admin")
        assert cdb.actor == "Lê Văn Quản (quantri)"
        assert get_setting(cdb.db, "document.signer_name") == "Trần Thị Bích"
        assert get_setting(cdb.db, "document.signer_title") == "CHỦ TỊCH"
        actors = {r[0] for r in cdb.db.execute("SELECT DISTINCT actor FROM change_log")}
        assert actors == {"Lê Văn Quản (quantri)"}
    finally:
        cdb.close()


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        (CommuneIdentity("2155", "Xã A", "xa", "Huế"), "Mã xã phải gồm 5 chữ số"),
        (CommuneIdentity("21555", " ", "xa", "Huế"), "Chưa nhập tên xã"),
        (CommuneIdentity("21555", "Xã A", "huyen", "Huế"), "Loại đơn vị phải là"),
        (CommuneIdentity("21555", "Xã A", "xa", ""), "Chưa nhập tỉnh"),
    ],
)
def test_a_bad_identity_leaves_no_file(tmp_path, identity, message):
    with pytest.raises(SetupError, match=message):
        create_commune_database(tmp_path / "xa.gnapp", identity, VILLAGES, ADMIN, cost=TEST_COST)
    assert list(tmp_path.iterdir()) == []


def test_village_problems_name_their_rows():
    typed = [
        VillageEntry("01", "Thôn An Phú"),
        VillageEntry("01", "Thôn Bình"),
        VillageEntry("03", "thon an phu"),
        VillageEntry("", "", "mountain"),
    ]
    assert village_problems(typed) == [
        "Dòng 2: mã 01 trùng dòng 1.",
        "Dòng 3: tên “thon an phu” trùng dòng 1.",
        "Dòng 4: chưa có mã thôn.",
        "Dòng 4: chưa có tên thôn.",
        "Dòng 4: khu vực phải là nông thôn hoặc thành thị.",
    ]
    assert village_problems([]) == ["Cần ít nhất một thôn, tổ dân phố."]


def test_a_failure_after_the_file_is_made_removes_it(tmp_path):
    short = AdminAccount("quantri", "Lê Văn Quản", "123")
    with pytest.raises(users.UserError, match="ít nhất 8 ký tự"):
        create_commune_database(tmp_path / "xa.gnapp", IDENTITY, VILLAGES, short, cost=TEST_COST)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_overwritten(tmp_path):
    existing = tmp_path / "xa.gnapp"
    existing.write_bytes(b"du lieu cu")
    with pytest.raises(Exception, match="không ghi đè"):
        create_commune_database(existing, IDENTITY, VILLAGES, ADMIN, cost=TEST_COST)
    assert existing.read_bytes() == b"du lieu cu"
