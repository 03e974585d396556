"""The office's users and roles: each protected action checked in the core, the records naming
who acted, an office file from before users migrating to one that asks for its administrator."""

from __future__ import annotations

from datetime import date

import pytest
from sqlite_utils import Database

from gnapp.cli import main
from gnapp.office import registry
from gnapp.office.board import receipt_history
from gnapp.office.consolidate import consolidate, consolidation_history, write_consolidation
from gnapp.office.receive import receive_files
from gnapp.office.store.database import (
    APPLICATION_ID,
    OFFICE_MIGRATIONS,
    OFFICE_ROLES,
    open_office,
)
from gnapp.packages import commune
from gnapp.packages.canonical import b64encode
from gnapp.packages.keys import read_key_change
from gnapp.store.database import open_connection
from gnapp.store.migrations import migrate, schema_version
from gnapp.store.roles import ADMIN
from gnapp.store.setup import AdminAccount
from gnapp.store.users import (
    TEST_COST,
    PermissionDenied,
    UserError,
    add_user,
    has_users,
    list_users,
    set_active,
    set_roles,
)
from tests.packages.world import (
    APPROVER,
    IDENTITY,
    KDF,
    OFFICE_ACCOUNTS,
    OFFICE_ADMIN,
    PASSPHRASE,
    add_officer,
    office_head,
)


def _key_rows(office) -> int:
    return office.db.execute("SELECT count(*) FROM commune_keys").fetchone()[0]


def test_an_officer_receives_and_consolidates_but_changes_no_key(
    world, office_db, office_private, commune_db, tmp_path
):
    officer = add_officer(office_db)
    assert officer.role_names == "Cán bộ tiếp nhận" and officer.scheme is OFFICE_ROLES
    keys_before = _key_rows(office_db)
    with pytest.raises(PermissionDenied, match="không có quyền đăng ký, thay, thu hồi khóa của xã"):
        registry.register_commune(office_db, world.commune_key, officer, replace=True)
    change = commune.change_signing_key(commune_db, PASSPHRASE, "mật khẩu mới 2026", kdf=KDF)
    with pytest.raises(PermissionDenied, match="cần vai trò: Lãnh đạo, quản trị"):
        registry.apply_key_change(
            office_db, read_key_change(change.file_bytes()), change.file_bytes(), officer
        )
    assert _key_rows(office_db) == keys_before  # nothing written
    (receipt,) = receive_files(office_db, [world.package], office_private, officer)
    assert receipt.accepted
    (record,) = receipt_history(office_db)
    assert record.actor == "Trần Thị Nhận (tiepnhan)"
    pdf, _ = write_consolidation(
        office_db, consolidate(office_db, "2025"), tmp_path, date(2026, 1, 10), officer, "7"
    )
    (written,) = consolidation_history(office_db)
    assert (written.actor, written.report, written.number) == (
        "Trần Thị Nhận (tiepnhan)",
        "Báo cáo năm 2025",
        "7",
    )
    assert (written.communes, written.missing, written.files[0]) == (1, 0, pdf.name)


def test_the_head_replaces_a_key_and_the_keys_name_who(office_db, commune_db):
    new = commune.create_signing_key(commune_db, "mật khẩu mới của xã", replace=True, kdf=KDF)
    registry.register_commune(office_db, new.public, office_head(office_db), replace=True)
    old, replacement = registry.find_commune(office_db, "21555").keys
    assert old.registered_by == replacement.registered_by == "Lê Văn Lãnh (lanhdao)"
    assert old.revoked_by == "Lê Văn Lãnh (lanhdao)" and replacement.revoked_by is None


def test_nobody_and_a_communes_account_are_refused(world, office_db, office_private):
    for stranger in (None, APPROVER):  # a commune's approver holds no office role
        with pytest.raises(PermissionDenied):
            receive_files(office_db, [world.package], office_private, stranger)
    assert receipt_history(office_db) == []


def test_the_office_roles_are_its_own(office_db):
    with pytest.raises(UserError, match="Vai trò không có: clerk"):
        add_user(office_db, "thuky", "Trần Thư", ["clerk"], "matkhau1", TEST_COST)
    with pytest.raises(UserError, match="Phải còn ít nhất một người quản trị"):
        set_roles(office_db, OFFICE_ADMIN.username, ["officer"])
    with pytest.raises(UserError, match="Không khóa được người quản trị cuối cùng"):
        set_active(office_db, OFFICE_ADMIN.username, False)
    officer = add_officer(office_db)
    promoted = set_roles(office_db, officer.username, ["officer", ADMIN])
    assert promoted.can("commune_keys") and promoted.can("administer")
    assert [u.username for u in list_users(office_db.db, office_db.role_scheme)] == [
        "lanhdao",
        "tiepnhan",
    ]


def test_a_bad_first_administrator_leaves_no_file(tmp_path):
    path = tmp_path / "tinh.gnoffice"
    short = AdminAccount("lanhdao", "Lê Văn Lãnh", "ngan", (ADMIN,))
    with pytest.raises(UserError, match="ít nhất 8 ký tự"):
        registry.create_office(path, IDENTITY, "mật khẩu của tỉnh 2026", short, kdf=KDF)
    commune_role = AdminAccount("lanhdao", "Lê Văn Lãnh", "matkhau1", ("admin", "clerk"))
    with pytest.raises(UserError, match="Vai trò không có"):
        registry.create_office(
            path, IDENTITY, "mật khẩu của tỉnh 2026", commune_role, kdf=KDF, cost=TEST_COST
        )
    assert not path.exists()


def _office_before_users(path, key) -> None:
    """An office file as GNApp wrote it before users (schema v2): a commune, its key, a
    receipt."""
    conn, _ = open_connection(path, create=True, mark=APPLICATION_ID)
    db = Database(conn)
    migrate(db, path, target_version=2, schema=OFFICE_MIGRATIONS, log_changes=False)
    db.execute(
        "INSERT INTO communes (code, name, registered_at) VALUES ('21555', 'Xã Sơn Minh', "
        "'2025-12-01T02:00:00Z')"
    )
    db.execute(
        "INSERT INTO commune_keys (commune_id, public_key, fingerprint, source, registered_at) "
        "VALUES (1, ?, ?, 'file', '2025-12-01T02:00:00Z')",
        [b64encode(key.raw), key.fingerprint],
    )
    db.execute(
        "INSERT INTO receipts (at, file_name, file_sha256, accepted, message) VALUES "
        "('2025-12-02T02:00:00Z', 'hong.gnpkg', 'ab', 0, 'Chữ ký sai')"
    )
    conn.close()


def test_an_office_from_before_users_asks_for_its_administrator_first(
    world, tmp_path, capsys, monkeypatch
):
    path = tmp_path / "cu.gnoffice"
    _office_before_users(path, world.commune_key)
    with open_office(path) as office:
        assert schema_version(office.db.conn) == OFFICE_MIGRATIONS[-1].version
        assert not has_users(office.db)
        (key,) = office.db.execute("SELECT registered_by, revoked_by FROM commune_keys")
        assert tuple(key) == (None, None)  # before users: the record names no one
        (record,) = receipt_history(office)
        assert record.actor is None
    for variable in ("GNAPP_PASSWORD", "GNAPP_USER_PASSWORD", "GNAPP_ADMIN_PASSWORD"):
        monkeypatch.setenv(variable, "matkhau-tinh")
    assert main(["office", "board", "--db", str(path)]) == 0  # reading needs nobody
    capsys.readouterr()
    receive = ["office", "receive", str(world.package), "--db", str(path), "--user", "ai"]
    assert main(receive) == 1
    assert "chưa có người dùng: hãy thêm người quản trị trước" in capsys.readouterr().err
    officer = ["office", "user", "add", "tiepnhan", "--db", str(path), "--name", "Trần Nhận"]
    assert main([*officer, "--role", "officer"]) == 1  # the first account: an administrator
    assert "--role admin" in capsys.readouterr().err
    admin = ["office", "user", "add", "giamdoc", "--db", str(path), "--name", "Trần Văn Bình"]
    assert main([*admin, "--role", "admin"]) == 0
    assert main([*officer, "--role", "officer"]) == 1  # now an administrator must act
    assert "Cần --admin" in capsys.readouterr().err
    assert main([*officer, "--role", "officer", "--admin", "giamdoc"]) == 0
    with open_office(path) as office:
        roles = {u.username: u.roles for u in list_users(office.db, office.role_scheme)}
    assert roles == {"giamdoc": ("admin",), "tiepnhan": ("officer",)}


def test_create_office_with_its_administrator(tmp_path):
    path = tmp_path / "tinh.gnoffice"
    with registry.create_office(
        path, IDENTITY, "mật khẩu của tỉnh 2026", **OFFICE_ACCOUNTS, kdf=KDF
    ) as office:
        (admin,) = list_users(office.db, office.role_scheme)
    assert (admin.username, admin.roles) == ("lanhdao", ("admin",))
