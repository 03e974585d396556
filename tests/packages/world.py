"""What the package tests share: passphrases, tiny key-derivation parameters (passed explicitly:
the defaults stay as they are), the office's identity, and setting up a commune."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gnapp.core.passphrase import KdfParams
from gnapp.office.store.database import OFFICE_ROLES, OfficeDatabase, OfficeIdentity
from gnapp.packages import commune
from gnapp.packages.keys import (
    PublicKey,
)
from gnapp.reporting.figures import report_figures
from gnapp.store.database import open_database
from gnapp.store.reports import save_report
from gnapp.store.roles import ADMIN
from gnapp.store.setup import AdminAccount
from gnapp.store.users import TEST_COST, User, add_user, get_user

KDF = KdfParams("argon2id", memory_cost=8, iterations=1, lanes=1)
PASSPHRASE = "mật khẩu của xã 2026"
OFFICE_PASSPHRASE = "mật khẩu của tỉnh 2026"
APPROVER = User(2, "nguyenvanan", "Nguyễn Văn An", ("approver",), True)
SIGNER = {"signer": APPROVER}
# the office's head (lãnh đạo, quản trị) made with the office, and an officer (cán bộ tiếp nhận)
OFFICE_ADMIN = AdminAccount("lanhdao", "Lê Văn Lãnh", "matkhau-lanhdao", (ADMIN,))
OFFICE_ACCOUNTS = {"admin": OFFICE_ADMIN, "cost": TEST_COST}  # create_office's keywords
OFFICER = ("tiepnhan", "Trần Thị Nhận", "matkhau-tiepnhan")
IDENTITY = OfficeIdentity(
    name="UBND tỉnh Quảng Ngãi",
    parent_body="UBND TỈNH QUẢNG NGÃI",
    office="SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    place="Quảng Ngãi",
    area="tỉnh Quảng Ngãi",
    kind="province",
    province="Quảng Ngãi",
    symbol="BC-SNNMT",
    signer_title="GIÁM ĐỐC",
    signer_name="Trần Văn Bình",
)


@dataclass(frozen=True)
class World:
    commune: Path  # the commune database
    office: Path  # the office database
    package: Path  # package 1: annual 2025 with household lists, encrypted
    folder: Path  # where to write more packages
    commune_key: PublicKey
    office_key: PublicKey
    report_id: int


def save_annual_report(cdb, figures: dict | None = None) -> int:
    """Save an annual 2025 report (with ``figures``, or as computed)."""
    return save_report(
        cdb,
        "annual",
        "2025",
        figures or report_figures(cdb.db, "annual", "2025").to_dict(),
        {"I": "Nội dung do cán bộ viết."},
        number="15",
        document_date=date(2026, 1, 5),
    )


def setup_commune(path: Path, office_key: PublicKey) -> tuple[PublicKey, int]:
    """A signing key, the office's key and a saved annual 2025 report in the commune at
    ``path``."""
    with open_database(path, actor="Cán bộ thử") as cdb:
        key = commune.create_signing_key(cdb, PASSPHRASE, kdf=KDF)
        commune.set_office_key(cdb, office_key)
        return key.public, save_annual_report(cdb)


def office_head(office: OfficeDatabase) -> User:
    """The office's head and administrator (``OFFICE_ADMIN``)."""
    return get_user(office.db, OFFICE_ADMIN.username, OFFICE_ROLES)


def add_officer(office: OfficeDatabase) -> User:
    """An officer (``OFFICER``) added to the office."""
    username, full_name, password = OFFICER
    return add_user(office, username, full_name, ["officer"], password, TEST_COST)
