"""Sign-in limits: growing waits after failures, a lockout lifted by an administrator or by
time, the same work for unknown user names, failures recorded, passwords of 8 characters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gnapp.cli import main
from gnapp.store import users
from gnapp.store.database import open_database
from gnapp.store.users import TEST_COST, SignInRefused, UserError

START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)


class Clock:
    """The database's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%SZ")

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def cdb(tmp_path, clock):
    cdb = open_database(tmp_path / "xa.gnapp", create=True, clock=clock)
    users.add_user(cdb, "quantri", "Lê Văn Quản", ["admin"], "matkhau1", TEST_COST)
    users.add_user(cdb, "canbo", "Nguyễn Thị Cán", ["clerk"], "matkhau1", TEST_COST)
    yield cdb
    cdb.close()


def fail(cdb, username="canbo"):
    with pytest.raises(UserError, match="Tên đăng nhập hoặc mật khẩu không đúng"):
        users.authenticate(cdb, username, "sai-mat-khau")


def test_waits_grow_after_the_free_failures_and_are_capped(cdb, clock):
    for _ in range(users.FREE_FAILURES):
        fail(cdb)
    assert users.sign_in_wait(cdb, "canbo") == (0, users.FREE_FAILURES)
    waits = []
    for _ in range(users.LOCKOUT_FAILURES - users.FREE_FAILURES - 1):
        fail(cdb)
        wait, _count = users.sign_in_wait(cdb, "canbo")
        with pytest.raises(SignInRefused, match=f"hãy chờ {wait} giây") as refused:
            users.authenticate(cdb, "canbo", "matkhau1")  # even the right password waits
        assert refused.value.wait_seconds == wait
        waits.append(wait)
        clock.advance(wait)
    assert waits == [1, 2, 4, 8]
    assert users.sign_in_wait(cdb, "quantri") == (0, 0)  # per user
    assert users.authenticate(cdb, "canbo", "matkhau1").username == "canbo"
    assert users.sign_in_wait(cdb, "canbo") == (0, 0)  # a success starts the count again


def test_the_wait_is_capped(cdb, clock, monkeypatch):
    monkeypatch.setattr(users, "LOCKOUT_FAILURES", 100)
    for _ in range(users.FREE_FAILURES + 12):
        fail(cdb)
        clock.advance(users.sign_in_wait(cdb, "canbo")[0])
    fail(cdb)
    assert users.sign_in_wait(cdb, "canbo")[0] == users.MAX_DELAY_SECONDS


def lock_out(cdb, clock, username="canbo"):
    """Fail as soon as allowed until the name is locked out."""
    for _ in range(users.LOCKOUT_FAILURES - 1):
        fail(cdb, username)
        clock.advance(users.sign_in_wait(cdb, username)[0])
    fail(cdb, username)
    assert users.sign_in_wait(cdb, username) == (users.LOCKOUT_MINUTES * 60, 10)


def test_a_lockout_is_lifted_by_time(cdb, clock):
    lock_out(cdb, clock)
    with pytest.raises(SignInRefused, match=r"tạm khóa vì đăng nhập sai 10 lần.*30 phút"):
        users.authenticate(cdb, "canbo", "matkhau1")
    clock.advance(users.LOCKOUT_MINUTES * 60 - 1)
    with pytest.raises(SignInRefused, match="thử lại sau 1 phút"):
        users.authenticate(cdb, "canbo", "matkhau1")
    clock.advance(1)
    assert users.authenticate(cdb, "canbo", "matkhau1").username == "canbo"


def test_after_a_lockout_runs_out_counting_starts_again(cdb, clock):
    lock_out(cdb, clock)
    clock.advance(users.LOCKOUT_MINUTES * 60)
    fail(cdb)
    assert users.sign_in_wait(cdb, "canbo") == (0, 1)


def test_an_administrator_lifts_a_lockout(cdb, clock):
    lock_out(cdb, clock)
    users.set_active(cdb, "canbo", True)  # "user unlock", the Users dialog's unlock
    assert users.sign_in_wait(cdb, "canbo") == (0, 0)
    assert users.authenticate(cdb, "canbo", "matkhau1").username == "canbo"
    assert len(users.sign_in_failures(cdb.db)) == users.LOCKOUT_FAILURES  # still listed


def test_an_administrator_unlocks_from_the_command_line(cdb, clock, monkeypatch, capsys):
    lock_out(cdb, clock)
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "matkhau1")
    path = str(cdb.path)
    assert main(["user", "failures", "--db", path, "--admin", "quantri"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == users.LOCKOUT_FAILURES and listed[0].startswith("canbo\t2026-03-01T")
    assert main(["user", "unlock", "canbo", "--db", path, "--admin", "quantri"]) == 0
    assert users.authenticate(cdb, "canbo", "matkhau1").username == "canbo"


def test_failures_are_recorded_with_name_and_time(cdb, clock):
    fail(cdb, "CanBo")
    clock.advance(5)
    fail(cdb, "ai-do")
    assert users.sign_in_failures(cdb.db) == [
        ("ai-do", "2026-03-01T08:00:05Z"),
        ("CanBo", "2026-03-01T08:00:00Z"),
    ]
    assert users.sign_in_wait(cdb, "canbo") == (0, 1)  # names compared without case


def test_an_unknown_name_costs_a_verification_and_is_limited_alike(cdb, clock, monkeypatch):
    checked = []
    real = users.verify_password

    def verify(password, stored):
        checked.append(stored)
        return real(password, stored)

    monkeypatch.setattr(users, "verify_password", verify)
    fail(cdb, "khong-co")
    stored_params = cdb.db.execute("SELECT password_hash FROM users").fetchone()[0].split("$")[3]
    assert len(checked) == 1 and checked[0].split("$")[3] == stored_params
    lock_out(cdb, clock, "nguoi-la")
    with pytest.raises(SignInRefused, match="“nguoi-la” tạm khóa"):
        users.authenticate(cdb, "nguoi-la", "matkhau1")


@pytest.mark.parametrize("password", ["", "1234567", "mật khẩu"[:7]])
def test_new_and_changed_passwords_have_8_characters(cdb, password):
    with pytest.raises(UserError, match="ít nhất 8 ký tự"):
        users.add_user(cdb, "moi", "Người Mới", ["clerk"], password, TEST_COST)
    with pytest.raises(UserError, match="ít nhất 8 ký tự"):
        users.change_password(cdb, "canbo", password, TEST_COST)
    users.change_password(cdb, "canbo", "12345678", TEST_COST)


def test_the_command_line_refuses_a_short_password(cdb, monkeypatch, capsys):
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "matkhau1")
    monkeypatch.setenv("GNAPP_PASSWORD", "1234567")
    argv = ["user", "add", "moi", "--db", str(cdb.path), "--name", "Người Mới", "--role", "clerk"]
    assert main([*argv, "--admin", "quantri"]) == 1
    assert "ít nhất 8 ký tự" in capsys.readouterr().err
    monkeypatch.setenv("GNAPP_PASSWORD", "12345678")
    assert main(["user", "passwd", "canbo", "--db", str(cdb.path), "--admin", "quantri"]) == 0
