"""Setting up a commune's database on first use: its identity, its villages, the document
header, the first administrator and optionally the keys (written by
``gnapp.packages.commune.setup_keys``), written whole or not at all.

>>> identity = CommuneIdentity(code="21555", name="Xã Sơn Minh", kind="xa", province="Quảng Ngãi")
>>> identity.problems()
[]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gnapp.core.household_checks import text_problem
from gnapp.core.standards import AREAS
from gnapp.core.vietnamese import fold, nfc
from gnapp.i18n import tr, tr_noop
from gnapp.store import register, users
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.errors import DatabaseError

# The words are those of documents; the GUI shows them through tr().
KINDS = {
    "xa": tr_noop("Xã"),
    "phuong": tr_noop("Phường"),
    "dac_khu": tr_noop("Đặc khu"),
    "thi_tran": tr_noop("Thị trấn"),
}
RECEIVER_KINDS = {"province": tr_noop("cấp tỉnh"), "district": tr_noop("cấp huyện")}
_CODE = re.compile(r"^\d{5}$")  # mã đơn vị hành chính cấp xã


class SetupError(DatabaseError):
    """Setup data that cannot be saved; every problem listed (Vietnamese)."""


@dataclass(frozen=True)
class CommuneIdentity:
    code: str
    name: str
    kind: str
    province: str
    receiving_office_name: str = ""
    receiving_office_kind: str = "province"

    def problems(self) -> list[str]:
        found = []
        if not _CODE.match(self.code.strip()):
            found.append(tr("Mã xã phải gồm 5 chữ số (mã đơn vị hành chính), ví dụ 21555."))
        if not self.name.strip():
            found.append(tr("Chưa nhập tên xã, phường."))
        if self.kind not in KINDS:
            found.append(
                tr(
                    "Loại đơn vị phải là một trong: {kinds}.",
                    kinds=", ".join(tr(kind) for kind in KINDS.values()),
                )
            )
        if not self.province.strip():
            found.append(tr("Chưa nhập tỉnh, thành phố."))
        if self.receiving_office_kind not in RECEIVER_KINDS:
            found.append(tr("Cơ quan nhận báo cáo phải ở cấp tỉnh hoặc cấp huyện."))
        for label, text in (
            (tr("Tên xã, phường"), self.name),
            (tr("Tỉnh, thành phố"), self.province),
            (tr("Cơ quan nhận báo cáo"), self.receiving_office_name),
        ):
            if problem := text_problem(text.strip()):
                found.append(f"{label}: {problem}.")
        return found


@dataclass(frozen=True)
class VillageEntry:
    code: str
    name: str
    area: str = "rural"


def village_problems(villages: Sequence[VillageEntry]) -> list[str]:
    """What is wrong with the villages typed, each with its row number."""
    found = []
    if not villages:
        found.append(tr("Cần ít nhất một thôn, tổ dân phố."))
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for number, village in enumerate(villages, start=1):
        code = village.code.strip()
        if not code:
            found.append(tr("Dòng {row}: chưa có mã thôn.", row=number))
        elif code in codes:
            found.append(
                tr(
                    "Dòng {row}: mã {code} trùng dòng {other}.",
                    row=number,
                    code=code,
                    other=codes[code],
                )
            )
        else:
            codes[code] = number
        if not village.name.strip():
            found.append(tr("Dòng {row}: chưa có tên thôn.", row=number))
        elif fold(village.name) in names:
            found.append(
                tr(
                    "Dòng {row}: tên “{name}” trùng dòng {other}.",
                    row=number,
                    name=village.name.strip(),
                    other=names[fold(village.name)],
                )
            )
        else:
            names[fold(village.name)] = number
        if village.area not in AREAS:
            found.append(tr("Dòng {row}: khu vực phải là nông thôn hoặc thành thị.", row=number))
        for label, text in ((tr("mã thôn"), village.code), (tr("tên thôn"), village.name)):
            if problem := text_problem(text.strip()):
                found.append(f"{tr('Dòng {row}', row=number)}: {label}: {problem}.")
    return found


@dataclass(frozen=True)
class AdminAccount:
    username: str
    full_name: str
    password: str
    roles: tuple[str, ...] = ("admin", "clerk")


@dataclass(frozen=True)
class DocumentSettings:
    """The signer of the commune's documents (the header lines come from the identity; the
    lines above the title follow each document's issuer, ``gnapp.core.official``)."""

    signer_name: str = ""
    signer_title: str = "PHÓ CHỦ TỊCH"

    @classmethod
    def signed_by(cls, name: str, title: str) -> DocumentSettings:
        return cls(name, title)


def create_commune_database(
    path: str | Path,
    identity: CommuneIdentity,
    villages: Sequence[VillageEntry],
    admin: AdminAccount,
    document: DocumentSettings = DocumentSettings(),
    cost: users.HashCost = users.DEFAULT_COST,
    *,
    keys: Callable[[CommuneDatabase], None] | None = None,
) -> CommuneDatabase:
    """Create the commune's database at ``path`` (a new file) and sign the administrator in;
    ``keys`` writes the commune's keys in the same transaction
    (``gnapp.packages.commune.setup_keys``). On any problem nothing is left behind."""
    problems = identity.problems() + village_problems(villages)
    if problems:
        raise SetupError("\n".join(problems))
    path = Path(path)
    cdb = open_database(path, create=True, actor=f"{nfc(admin.full_name)} ({admin.username})")
    try:
        with cdb.transaction():
            register.save_commune(
                cdb,
                code=identity.code.strip(),
                name=" ".join(identity.name.split()),
                kind=identity.kind,
                province=" ".join(identity.province.split()),
                receiving_office_name=identity.receiving_office_name.strip() or None,
                receiving_office_kind=identity.receiving_office_kind,
            )
            for village in villages:
                register.add_village(
                    cdb, village.code.strip(), " ".join(village.name.split()), village.area
                )
            users.add_user(cdb, admin.username, admin.full_name, admin.roles, admin.password, cost)
            register.set_setting(cdb, "document.signer_name", nfc(document.signer_name.strip()))
            register.set_setting(cdb, "document.signer_title", nfc(document.signer_title.strip()))
            if keys is not None:
                keys(cdb)
        users.sign_in(cdb, admin.username, admin.password)
    except BaseException:
        cdb.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return cdb
