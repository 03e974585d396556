"""Users and roles: Argon2id passwords, sign-in, what each role may do, the change log naming
the user and never holding a password hash."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnapp.store import users
from gnapp.store.register import save_commune
from gnapp.store.roles import COMMUNE_ROLES
from gnapp.store.users import TEST_COST, PermissionDenied, UserError


def add(cdb, username, roles, password="matkhau1", name=None):
    return users.add_user(cdb, username, name or username.title(), roles, password, TEST_COST)


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_a_hash_verifies_its_password_only(password, other):
    stored = users.hash_password(password, TEST_COST)
    assert users.verify_password(password, stored)
    assert users.verify_password(other, stored) == (other == password)


def test_hashes_are_salted_and_hold_their_parameters():
    first, second = (users.hash_password("matkhau1", TEST_COST) for _ in range(2))
    assert first != second
    assert first.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert users.hash_password("matkhau1").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert not users.verify_password("matkhau1", "$bcrypt$garbage")
    assert not users.verify_password("matkhau1", "not a hash")


def test_sign_in_makes_the_user_the_actor_of_every_change(new_db):
    add(new_db, "quantri", ["admin", "clerk"], name="Lê Văn Quản")
    user = users.sign_in(new_db, "QuanTri", "matkhau1")  # usernames ignore case
    assert (user.username, user.roles) == ("quantri", ("clerk", "admin"))
    save_commune(new_db, code="1", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    actors = [
        r[0] for r in new_db.db.execute("SELECT actor FROM change_log WHERE table_name = 'commune'")
    ]
    assert actors == ["Lê Văn Quản (quantri)"]


def test_wrong_name_or_password_gets_one_message(new_db):
    add(new_db, "canbo", ["clerk"])
    for username, password in (("canbo", "sai-mat-khau"), ("khong-co", "matkhau1")):
        with pytest.raises(UserError, match=r"^Tên đăng nhập hoặc mật khẩu không đúng\.$"):
            users.authenticate(new_db, username, password)


def test_a_locked_account_cannot_sign_in(new_db):
    add(new_db, "quantri", ["admin"])
    add(new_db, "canbo", ["clerk"])
    users.set_active(new_db, "canbo", False)
    with pytest.raises(UserError, match="đã bị khóa"):
        users.authenticate(new_db, "canbo", "matkhau1")
    users.set_active(new_db, "canbo", True)
    assert users.authenticate(new_db, "canbo", "matkhau1").active


def test_the_last_administrator_stays(new_db):
    add(new_db, "quantri", ["admin"])
    with pytest.raises(UserError, match="ít nhất một người quản trị"):
        users.set_roles(new_db, "quantri", ["clerk"])
    with pytest.raises(UserError, match="người quản trị cuối cùng"):
        users.set_active(new_db, "quantri", False)
    add(new_db, "quantri2", ["admin"])
    users.set_active(new_db, "quantri", False)
    assert not users.get_user(new_db.db, "quantri").active


@pytest.mark.parametrize(
    ("username", "name", "roles", "password", "message"),
    [
        ("", "Tên", ["clerk"], "matkhau1", "Tên đăng nhập không được để trống"),
        ("can bo", "Tên", ["clerk"], "matkhau1", "không có dấu cách"),
        ("canbo", " ", ["clerk"], "matkhau1", "Chưa nhập họ và tên"),
        ("canbo", "Tên", [], "matkhau1", "ít nhất một vai trò"),
        ("canbo", "Tên", ["boss"], "matkhau1", "Vai trò không có: boss"),
        ("canbo", "Tên", ["clerk"], "12345", "ít nhất 8 ký tự"),
        ("can\x00bo", "Tên", ["clerk"], "matkhau1", "Tên đăng nhập: Có ký tự điều khiển"),
        ("c" * 65, "Tên", ["clerk"], "matkhau1", "Tên đăng nhập: Dài 65 ký tự, quá giới hạn 64"),
        ("canbo", "Tên\x00", ["clerk"], "matkhau1", "Họ và tên: Có ký tự điều khiển"),
        ("canbo", "T" * 201, ["clerk"], "matkhau1", "Họ và tên: Dài 201 ký tự, quá giới hạn 200"),
    ],
)
def test_bad_accounts_are_refused(new_db, username, name, roles, password, message):
    with pytest.raises(UserError, match=message):
        users.add_user(new_db, username, name, roles, password, TEST_COST)
    assert users.list_users(new_db.db) == []


def test_a_username_is_taken_once_whatever_its_case(new_db):
    add(new_db, "canbo", ["clerk"])
    with pytest.raises(UserError, match="đã có người dùng"):
        add(new_db, "CANBO", ["clerk"])


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        (["clerk"], {"edit"}),
        (["approver"], {"edit", "approve", "keys"}),
        (["admin"], {"edit", "administer", "keys"}),
        (["clerk", "approver", "admin"], {"edit", "approve", "administer", "keys"}),
    ],
)
def test_what_each_role_may_do(new_db, roles, allowed):
    user = add(new_db, "nguoidung", roles)
    for action in COMMUNE_ROLES.permissions:
        assert user.can(action) == (action in allowed)
        if action in allowed:
            users.require(user, action)
        else:
            with pytest.raises(PermissionDenied, match="không có quyền"):
                users.require(user, action)


def test_a_clerk_cannot_sign_or_lock(new_db):
    clerk = add(new_db, "canbo", ["clerk"])
    with pytest.raises(PermissionDenied, match="khóa đợt rà soát, ký gói báo cáo"):
        users.require(clerk, "approve")
    with pytest.raises(PermissionDenied, match="Chưa đăng nhập"):
        users.require(None, "approve")


def test_only_an_approver_locks_a_review_round(new_db):
    from gnapp.store import review

    clerk = add(new_db, "canbo", ["clerk"])
    chair = add(new_db, "lanhdao", ["approver"])
    round_id = review.open_round(new_db, 2026, "periodic", "2022-2025", "2026-11-01", "survey")
    for refused in (clerk, None):
        with pytest.raises(PermissionDenied, match="khóa đợt rà soát"):
            review.recognise_round(new_db, round_id, "15/QĐ-UBND", "2026-12-20", approver=refused)
        row = new_db.db["review_rounds"].get(round_id)
        assert (row["locked"], row["decision_number"]) == (0, None)
    review.recognise_round(new_db, round_id, "15/QĐ-UBND", "2026-12-20", approver=chair)
    row = new_db.db["review_rounds"].get(round_id)
    assert (row["locked"], row["decision_number"], row["step"]) == (1, "15/QĐ-UBND", "recognition")


def test_the_log_records_account_changes_but_never_a_password_hash(new_db):
    add(new_db, "quantri", ["admin"])
    add(new_db, "canbo", ["clerk"])
    users.change_password(new_db, "canbo", "matkhau-moi", TEST_COST)
    users.set_roles(new_db, "canbo", ["clerk", "approver"])
    assert users.authenticate(new_db, "canbo", "matkhau-moi")
    rows = list(new_db.db.query("SELECT action, old_values, new_values FROM change_log "
                                "WHERE table_name = 'users'"))  # fmt: skip
    assert "argon2" not in json.dumps(rows)
    updates = [json.loads(r["new_values"]) for r in rows if r["action"] == "update"]
    assert [sorted(u) for u in updates] == [["password_changes"], ["roles"]]


def test_the_demo_has_an_account_per_role(demo_db):
    from gnapp.demo import DEMO_PASSWORD, DEMO_USERS

    accounts = {u.username: u.roles for u in users.list_users(demo_db.db)}
    assert accounts == {name: roles for name, _, roles in DEMO_USERS}
    assert users.sign_in(demo_db, "lanhdao", DEMO_PASSWORD).can("approve")
