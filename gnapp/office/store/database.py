"""Opening the receiving office's database: one SQLite file (``.gnoffice``) with its own schema,
versioned with ``PRAGMA user_version`` through the commune database's migration mechanism and
marked with its own ``PRAGMA application_id`` so neither kind of file is opened as the other.
Tables in docs/office.md."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gnapp.i18n import tr, tr_noop
from gnapp.store.database import OpenDatabase, open_connection, require_file_kind, utc_now
from gnapp.store.errors import DatabaseError, ReadOnlyError
from gnapp.store.migrations import SIGN_IN_LIMITS, USERS, Migration, migrate
from gnapp.store.register import get_setting, set_setting
from gnapp.store.roles import ADMIN, RoleScheme

SUFFIX = ".gnoffice"
APPLICATION_ID = 0x474E4F46  # "GNOF"
OFFICE_KINDS = {"district": tr_noop("huyện"), "province": tr_noop("tỉnh")}

OFFICE = Migration(
    1,
    "office: its key, registered communes and their keys, received packages, receipts",
    (
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # the office's X25519 key, encrypted under its passphrase (never in clear)
        """CREATE TABLE office_keys (
            id INTEGER PRIMARY KEY,
            public_key TEXT NOT NULL UNIQUE,
            fingerprint TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at TEXT NOT NULL,
            retired_at TEXT
        )""",
        """CREATE TABLE communes (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            registered_at TEXT NOT NULL
        )""",
        # A key signs the packages numbered from from_sequence up to (not including)
        # until_sequence (NULL: no end); a revoked key (replaced after a lost passphrase)
        # signs nothing more.
        """CREATE TABLE commune_keys (
            id INTEGER PRIMARY KEY,
            commune_id INTEGER NOT NULL REFERENCES communes (id),
            public_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('file', 'change', 'replacement')),
            registered_at TEXT NOT NULL,
            from_sequence INTEGER NOT NULL DEFAULT 1,
            until_sequence INTEGER,
            revoked_at TEXT,
            statement TEXT,
            UNIQUE (commune_id, fingerprint)
        )""",
        """CREATE TABLE packages (
            id INTEGER PRIMARY KEY,
            commune_id INTEGER NOT NULL REFERENCES communes (id),
            hash TEXT NOT NULL UNIQUE,
            sequence INTEGER NOT NULL,
            previous_hash TEXT,
            kind TEXT NOT NULL,
            period TEXT NOT NULL,
            report_version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            file_name TEXT NOT NULL,
            manifest BLOB NOT NULL,
            signature BLOB NOT NULL,
            key_id INTEGER NOT NULL REFERENCES commune_keys (id),
            encrypted INTEGER NOT NULL CHECK (encrypted IN (0, 1)),
            households INTEGER NOT NULL CHECK (households IN (0, 1)),
            correction_of INTEGER REFERENCES packages (id),
            notes TEXT NOT NULL DEFAULT '[]',
            UNIQUE (commune_id, sequence)
        )""",
        "CREATE INDEX packages_report ON packages (kind, period, commune_id, sequence)",
        """CREATE TABLE package_files (
            package_id INTEGER NOT NULL REFERENCES packages (id),
            name TEXT NOT NULL,
            content BLOB NOT NULL,
            PRIMARY KEY (package_id, name)
        )""",
        # every file offered, taken in or refused (a refusal keeps only the reason)
        """CREATE TABLE receipts (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            file_name TEXT NOT NULL,
            file_sha256 TEXT NOT NULL,
            accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
            package_id INTEGER REFERENCES packages (id),
            check_code TEXT,
            message TEXT NOT NULL
        )""",
        "CREATE INDEX receipts_file ON receipts (file_sha256)",
    ),
)
COMMUNE_LOGS = Migration(
    2,
    "the length and head of each commune's change log as its packages carried them",
    (
        "ALTER TABLE packages ADD COLUMN log_length INTEGER",
        "ALTER TABLE packages ADD COLUMN log_head TEXT",
    ),
)
OFFICE_USERS = Migration(
    3,
    "users and sign-in as in a commune's file; who registered and revoked each commune key, "
    "who offered each file, every consolidated report written and by whom",
    (
        *USERS.statements,
        *SIGN_IN_LIMITS.statements,
        # NULL: before the office had users (the record names no one)
        "ALTER TABLE commune_keys ADD COLUMN registered_by TEXT",
        "ALTER TABLE commune_keys ADD COLUMN revoked_by TEXT",
        "ALTER TABLE receipts ADD COLUMN actor TEXT",
        """CREATE TABLE consolidations (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            period TEXT NOT NULL,
            number TEXT,
            document_date TEXT NOT NULL,
            communes INTEGER NOT NULL,
            missing INTEGER NOT NULL,
            files TEXT NOT NULL CHECK (json_valid(files))
        )""",
    ),
)
OFFICE_MIGRATIONS = (OFFICE, COMMUNE_LOGS, OFFICE_USERS)

# The office's roles (docs/office.md, "Users and roles"): an officer receives and checks the
# communes' packages and consolidates them; the head or administrator also decides which keys
# the office trusts (registers, replaces a commune's key, takes key changes) and manages users.
OFFICE_ROLES = RoleScheme(
    roles={
        "officer": tr_noop("Cán bộ tiếp nhận"),
        ADMIN: tr_noop("Lãnh đạo, quản trị"),
    },
    permissions={
        "receive": (
            frozenset({"officer", ADMIN}),
            tr_noop("nhận, kiểm tra gói báo cáo và lập báo cáo tổng hợp"),
        ),
        "commune_keys": (
            frozenset({ADMIN}),
            tr_noop("đăng ký, thay, thu hồi khóa của xã"),
        ),
        "administer": (frozenset({ADMIN}), tr_noop("quản lý người dùng")),
    },
    first_admin_roles={},  # the administrator may already do all an officer does
)


@dataclass(frozen=True)
class OfficeIdentity:
    """How the office's documents are headed and how they name it.

    ``name`` ("UBND tỉnh Quảng Ngãi") ends annex notes; ``parent_body`` and ``office`` are the
    header's two lines ("UBND TỈNH QUẢNG NGÃI", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"); ``area``
    ("tỉnh Quảng Ngãi") is what the consolidated figures cover, ``kind`` district or province."""

    name: str
    parent_body: str
    office: str
    place: str
    area: str
    kind: str
    province: str
    symbol: str = "BC"
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = ""
    signing_marks: tuple[str, ...] = ()


class OfficeDatabase(OpenDatabase):
    """An open office database."""

    role_scheme = OFFICE_ROLES

    def setting(self, key: str, default: Any = None) -> Any:
        return get_setting(self.db, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        set_setting(self, key, value)

    @property
    def identity(self) -> OfficeIdentity:
        raw = self.setting("identity")
        if raw is None:
            raise DatabaseError(tr("Chưa khai báo thông tin cơ quan nhận báo cáo."))
        return OfficeIdentity(**{**raw, "signing_marks": tuple(raw["signing_marks"])})

    def set_identity(self, identity: OfficeIdentity) -> None:
        if identity.kind not in OFFICE_KINDS:
            raise DatabaseError(
                tr("Cấp cơ quan không hợp lệ: {kind} (district, province)", kind=identity.kind)
            )
        self.set_setting("identity", asdict(identity))


def open_office(
    path: str | Path, *, create: bool = False, clock: Callable[[], str] = utc_now
) -> OfficeDatabase:
    """Open (or with ``create=True`` create) an office database, migrating it. A file that
    cannot be written (a read-only medium or folder) is opened for reading only, as a commune's
    is (``read_only``: a change is then a ReadOnlyError saying so), unless it needs a
    migration."""
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseError(tr("Không tìm thấy tệp dữ liệu của cơ quan: {path}", path=path))
    if create and path.exists():
        raise DatabaseError(tr("Tệp đã tồn tại, không ghi đè: {path}", path=path))
    require_file_kind(path, APPLICATION_ID, (), tr("dữ liệu của cơ quan nhận báo cáo"))
    conn, read_only = open_connection(path, create=create, mark=APPLICATION_ID if create else None)
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        conn.close()
        raise DatabaseError(
            tr("Tệp {path} không phải dữ liệu GNApp hợp lệ ({error}).", path=path, error=error)
        ) from error
    if application_id != APPLICATION_ID and (version or not create):
        conn.close()
        raise DatabaseError(
            tr(
                "Tệp {name} không phải dữ liệu của cơ quan nhận báo cáo (có thể là tệp dữ liệu "
                "của một xã).",
                name=path.name,
            )
        )
    office = OfficeDatabase(path, conn, clock)
    office.read_only = read_only
    try:
        if read_only and version < OFFICE_MIGRATIONS[-1].version:
            raise ReadOnlyError(
                tr(
                    "Tệp dữ liệu {name} của cơ quan chỉ đọc (ổ đĩa hoặc thư mục không ghi được) "
                    "và cần nâng cấp lên phiên bản dữ liệu mới trước khi mở: hãy chép tệp sang ổ "
                    "ghi được rồi mở lại.",
                    name=path.name,
                )
            )
        migrate(office.db, path, schema=OFFICE_MIGRATIONS, log_changes=False)
    except BaseException:
        office.close()
        raise
    return office
