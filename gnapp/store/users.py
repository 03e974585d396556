"""Users and roles of a GNApp file (a commune's or a receiving office's), with passwords kept
as Argon2id hashes, and signing in with its limits.

The roles and what each may do are the file's ``RoleScheme`` (gnapp/store/roles.py). A commune's:
a clerk (cán bộ nhập liệu) enters data; an approver (lãnh đạo phê duyệt) locks a review round and
signs packages; an administrator (quản trị) manages users, settings and restores; either of them
manages the commune's keys (the signing key, the receiving office's key). A user may hold several
roles (one officer is often clerk and administrator); code asks ``require(user, action)`` before
it acts.

>>> hash_password("mật khẩu", cost=TEST_COST).startswith("$argon2id$")
True
"""

from __future__ import annotations

import base64
import hmac
import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlite_utils
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from gnapp.core.household_checks import text_problem
from gnapp.i18n import tr
from gnapp.store.database import OpenDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.roles import ADMIN, COMMUNE_ROLES, RoleScheme

MIN_PASSWORD_LENGTH = 8
# Sign-in limits (docs/users.md), counted per user name since its last success or unlock:
FREE_FAILURES = 5  # wrong passwords answered at once (the login dialog pauses after 5 itself)
MAX_DELAY_SECONDS = 60  # then a wait of 1, 2, 4, 8 ... seconds after each failure, at most this
LOCKOUT_FAILURES = 10  # this many failures lock the name until an administrator unlocks it
LOCKOUT_MINUTES = 30  # or this long after the last failure


@dataclass(frozen=True)
class HashCost:
    """Argon2id parameters: memory in KiB, passes, lanes."""

    memory_kib: int
    iterations: int
    lanes: int


# RFC 9106's second recommended option (64 MiB); about a quarter of a second on an office PC
DEFAULT_COST = HashCost(memory_kib=64 * 1024, iterations=3, lanes=4)
TEST_COST = HashCost(memory_kib=64, iterations=1, lanes=1)  # tests only: fast, not safe


class UserError(DatabaseError):
    """A refused login or account change (Vietnamese message)."""


class SignInRefused(UserError):
    """Too many failed sign-ins: try again after ``wait_seconds`` (the password was not checked)."""

    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class PermissionDenied(UserError):
    """The user's roles do not allow the action."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    roles: tuple[str, ...]
    active: bool
    scheme: RoleScheme = field(default=COMMUNE_ROLES, compare=False, repr=False)

    @property
    def actor(self) -> str:
        """How the change log names this user."""
        return f"{self.full_name} ({self.username})"

    @property
    def role_names(self) -> str:
        return ", ".join(tr(self.scheme.roles[role]) for role in self.roles)

    def can(self, action: str) -> bool:
        """Whether a role of the user allows ``action`` (never an action of another kind of file:
        a commune's account does nothing in an office's)."""
        permission = self.scheme.permissions.get(action)
        return permission is not None and bool(permission[0] & set(self.roles))


def require(user: User | None, action: str, scheme: RoleScheme = COMMUNE_ROLES) -> User:
    """Refuse ``action`` (of ``scheme``: the file's kind) unless ``user`` is an account of that
    kind of file holding a role that allows it; return the user."""
    allowed, what = scheme.permissions[action]
    if user is None or user.scheme is not scheme or not user.can(action):
        roles = ", ".join(tr(name) for role, name in scheme.roles.items() if role in allowed)
        raise PermissionDenied(
            tr(
                "Tài khoản {username} không có quyền {what} (cần vai trò: {roles})."
                if user
                else "Chưa đăng nhập: không có quyền {what} (cần vai trò: {roles}).",
                username=user.username if user else "",
                what=tr(what),
                roles=roles,
            )
        )
    return user


# --- passwords ---------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, cost: HashCost) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=cost.iterations,
        lanes=cost.lanes,
        memory_cost=cost.memory_kib,
    ).derive(password.encode("utf-8"))


def hash_password(
    password: str, cost: HashCost = DEFAULT_COST, *, salt: bytes | None = None
) -> str:
    """The password as a PHC string: ``$argon2id$v=19$m=..,t=..,p=..$salt$hash``. The salt is
    random unless given (the demo gives one, so the same seed makes the same file)."""
    salt = os.urandom(16) if salt is None else salt
    key = _derive(password, salt, cost)
    params = f"m={cost.memory_kib},t={cost.iterations},p={cost.lanes}"
    return f"$argon2id$v=19${params}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored hash (with the parameters stored in it)."""
    try:
        _, name, _version, params, salt, key = stored.split("$")
        values = dict(part.split("=") for part in params.split(","))
        cost = HashCost(int(values["m"]), int(values["t"]), int(values["p"]))
    except (ValueError, KeyError):
        return False
    if name != "argon2id":
        return False
    return hmac.compare_digest(_derive(password, _unb64(salt), cost), _unb64(key))


def check_new_password(password: str) -> None:
    """The one rule for new and changed passwords: at least ``MIN_PASSWORD_LENGTH`` characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            tr(
                "Mật khẩu phải có ít nhất {length} ký tự.",
                length=MIN_PASSWORD_LENGTH,
            )
        )


# --- accounts ----------------------------------------------------------------------------------


def _user(row: dict, scheme: RoleScheme) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        full_name=row["full_name"],
        roles=tuple(json.loads(row["roles"])),
        active=bool(row["active"]),
        scheme=scheme,
    )


def _roles(roles: Iterable[str], scheme: RoleScheme) -> list[str]:
    chosen = [role for role in scheme.roles if role in set(roles)]
    unknown = set(roles) - set(scheme.roles)
    if unknown:
        raise UserError(
            tr(
                "Vai trò không có: {unknown} (có: {known}).",
                unknown=", ".join(sorted(unknown)),
                known=", ".join(scheme.roles),
            )
        )
    if not chosen:
        raise UserError(tr("Người dùng phải có ít nhất một vai trò."))
    return chosen


def list_users(db: sqlite_utils.Database, scheme: RoleScheme = COMMUNE_ROLES) -> list[User]:
    """The accounts of the file (``scheme``: its roles, ``OpenDatabase.role_scheme``)."""
    return [_user(row, scheme) for row in db.query("SELECT * FROM users ORDER BY username")]


def has_users(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT EXISTS (SELECT 1 FROM users WHERE active = 1)").fetchone()[0] == 1


def get_user(db: sqlite_utils.Database, username: str, scheme: RoleScheme = COMMUNE_ROLES) -> User:
    rows = list(db.query("SELECT * FROM users WHERE username = ?", [username.strip()]))
    if not rows:
        raise UserError(tr("Không có tài khoản “{username}”.", username=username))
    return _user(rows[0], scheme)


USERNAME_LIMIT = 64  # characters


def add_user(
    cdb: OpenDatabase,
    username: str,
    full_name: str,
    roles: Iterable[str],
    password: str,
    cost: HashCost = DEFAULT_COST,
    *,
    salt: bytes | None = None,
) -> User:
    """Create an account; the username is kept as typed and compared without case."""
    username, full_name = username.strip(), " ".join(full_name.split())
    if not username or any(ch.isspace() for ch in username):
        raise UserError(tr("Tên đăng nhập không được để trống và không có dấu cách."))
    if not full_name:
        raise UserError(tr("Chưa nhập họ và tên người dùng."))
    if problem := text_problem(username, USERNAME_LIMIT):
        raise UserError(tr("Tên đăng nhập: {problem}.", problem=problem))
    if problem := text_problem(full_name):
        raise UserError(tr("Họ và tên: {problem}.", problem=problem))
    chosen = _roles(roles, cdb.role_scheme)
    check_new_password(password)
    if cdb.db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
        raise UserError(tr("Tên đăng nhập “{username}” đã có người dùng.", username=username))
    password_hash = hash_password(password, cost, salt=salt)
    now = cdb.now()
    with cdb.transaction() as db:
        db.table("users").insert(
            {
                "username": username,
                "full_name": full_name,
                "roles": json.dumps(chosen),
                "password_hash": password_hash,
                "active": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return get_user(cdb.db, username, cdb.role_scheme)


# --- signing in --------------------------------------------------------------------------------


def _dummy_hash(db: sqlite_utils.Database) -> str:
    """A hash no password matches, with a stored hash's parameters (the work of a real check)."""
    row = db.execute("SELECT password_hash FROM users ORDER BY id LIMIT 1").fetchone()
    cost = DEFAULT_COST
    params = f"m={cost.memory_kib},t={cost.iterations},p={cost.lanes}"
    if row and row[0].count("$") == 5:
        params = row[0].split("$")[3]
    return f"$argon2id$v=19${params}${_b64(bytes(16))}${_b64(bytes(32))}"


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _counted_failures(db: sqlite_utils.Database, username: str) -> list[datetime]:
    """The failure times of ``username`` not yet cleared by a success or an unlock, oldest first."""
    rows = db.execute(
        "SELECT failed_at FROM sign_in_failures WHERE username = ? AND cleared = 0 "
        "ORDER BY failed_at, id",
        [username],
    ).fetchall()
    return [_time(row[0]) for row in rows]


def sign_in_wait(cdb: OpenDatabase, username: str) -> tuple[int, int]:
    """(seconds to wait before ``username`` may try again, failures counted); a wait of
    ``LOCKOUT_MINUTES`` minutes or less after ``LOCKOUT_FAILURES`` failures is a lockout."""
    count, locked_until, last = 0, None, None
    for failed_at in _counted_failures(cdb.db, username.strip()):
        if locked_until is not None and failed_at >= locked_until:
            count, locked_until = 0, None  # the lockout ran out: counting starts again
        count, last = count + 1, failed_at
        if count >= LOCKOUT_FAILURES:
            locked_until = failed_at + timedelta(minutes=LOCKOUT_MINUTES)
    if last is None:
        return 0, 0
    if locked_until is None:
        if count <= FREE_FAILURES:
            return 0, count
        delay = min(2 ** (count - FREE_FAILURES - 1), MAX_DELAY_SECONDS)
        locked_until = last + timedelta(seconds=delay)
    wait = (locked_until - _time(cdb.now())).total_seconds()
    return max(0, math.ceil(wait)), count


def _refuse_if_waiting(cdb: OpenDatabase, username: str) -> None:
    wait, count = sign_in_wait(cdb, username)
    if not wait:
        return
    if count >= LOCKOUT_FAILURES:
        raise SignInRefused(
            tr(
                "Tài khoản “{username}” tạm khóa vì đăng nhập sai {count} lần; hãy thử lại sau "
                "{minutes} phút hoặc nhờ người quản trị mở khóa.",
                username=username.strip(),
                count=count,
                minutes=math.ceil(wait / 60),
            ),
            wait,
        )
    raise SignInRefused(
        tr("Đăng nhập sai nhiều lần; hãy chờ {seconds} giây rồi thử lại.", seconds=wait), wait
    )


def _record_failure(cdb: OpenDatabase, username: str) -> None:
    if cdb.read_only:  # a file on a read-only medium keeps no record (and refuses every change)
        return
    with cdb.transaction() as db:
        db.execute(
            "INSERT INTO sign_in_failures (username, failed_at) VALUES (?, ?)",
            [username.strip(), cdb.now()],
        )


def _clear_failures(db: sqlite_utils.Database, username: str) -> None:
    """Stop counting the failures of ``username`` (success or unlock); they stay listed."""
    db.execute("UPDATE sign_in_failures SET cleared = 1 WHERE username = ?", [username])


def sign_in_failures(db: sqlite_utils.Database, limit: int = 100) -> list[tuple[str, str]]:
    """The latest failed sign-ins, newest first: (user name as typed, UTC time)."""
    return [
        (row[0], row[1])
        for row in db.execute(
            "SELECT username, failed_at FROM sign_in_failures ORDER BY failed_at DESC, id DESC "
            "LIMIT ?",
            [limit],
        ).fetchall()
    ]


def authenticate(cdb: OpenDatabase, username: str, password: str) -> User:
    """The user whose username and password these are; one message for every failure, so a
    wrong guess does not tell which part was wrong, and the same work for an unknown name.
    Failures are recorded; after too many the name must wait (``SignInRefused``)."""
    _refuse_if_waiting(cdb, username)
    rows = list(cdb.db.query("SELECT * FROM users WHERE username = ?", [username.strip()]))
    stored = rows[0]["password_hash"] if rows else _dummy_hash(cdb.db)
    if not verify_password(password, stored) or not rows:
        _record_failure(cdb, username)
        raise UserError(tr("Tên đăng nhập hoặc mật khẩu không đúng."))
    user = _user(rows[0], cdb.role_scheme)
    if not user.active:
        raise UserError(
            tr("Tài khoản “{username}” đã bị khóa; hãy hỏi người quản trị.", username=user.username)
        )
    if sign_in_wait(cdb, username)[1]:
        with cdb.transaction() as db:
            _clear_failures(db, user.username)
    return user


def _active_admins(db: sqlite_utils.Database, without: int | None = None) -> int:
    return db.execute(
        "SELECT count(*) FROM users, json_each(users.roles) "
        "WHERE active = 1 AND json_each.value = ? AND users.id IS NOT ?",
        [ADMIN, without],
    ).fetchone()[0]


def change_password(
    cdb: OpenDatabase, username: str, new_password: str, cost: HashCost = DEFAULT_COST
) -> None:
    user = get_user(cdb.db, username, cdb.role_scheme)
    check_new_password(new_password)
    password_hash = hash_password(new_password, cost)
    now = cdb.now()
    with cdb.transaction() as db:
        db.execute(
            "UPDATE users SET password_hash = ?, password_changes = password_changes + 1, "
            "updated_at = ? WHERE id = ?",
            [password_hash, now, user.id],
        )


def set_roles(cdb: OpenDatabase, username: str, roles: Iterable[str]) -> User:
    user = get_user(cdb.db, username, cdb.role_scheme)
    chosen = _roles(roles, cdb.role_scheme)
    if ADMIN in user.roles and ADMIN not in chosen and not _active_admins(cdb.db, user.id):
        raise UserError(tr("Phải còn ít nhất một người quản trị."))
    with cdb.transaction() as db:
        db.table("users").update(user.id, {"roles": json.dumps(chosen), "updated_at": cdb.now()})
    return get_user(cdb.db, username, cdb.role_scheme)


def set_active(cdb: OpenDatabase, username: str, active: bool) -> User:
    """Lock or unlock an account (accounts are never deleted: the log names them); unlocking
    also lifts a lockout after failed sign-ins."""
    user = get_user(cdb.db, username, cdb.role_scheme)
    if not active and ADMIN in user.roles and not _active_admins(cdb.db, user.id):
        raise UserError(tr("Không khóa được người quản trị cuối cùng."))
    with cdb.transaction() as db:
        db.table("users").update(user.id, {"active": int(active), "updated_at": cdb.now()})
        if active:
            _clear_failures(db, user.username)
    return get_user(cdb.db, username, cdb.role_scheme)


def sign_in(cdb: OpenDatabase, username: str, password: str) -> User:
    """Authenticate, then make the user the actor of every change made through ``cdb``."""
    user = authenticate(cdb, username, password)
    cdb.actor = user.actor
    return user
