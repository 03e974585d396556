"""Which roles a kind of GNApp file knows and what each may do: a commune's (``COMMUNE_ROLES``)
here, a receiving office's in gnapp/office/store/database.py. Every open file says its scheme
(``OpenDatabase.role_scheme``); the accounts, passwords and sign-in of gnapp/store/users.py are
the same for both."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gnapp.i18n import tr_noop

# the role that manages users in every scheme: the last active one is never demoted or locked
ADMIN = "admin"


@dataclass(frozen=True)
class RoleScheme:
    """``roles``: code -> name (tr_noop); ``permissions``: action -> (the roles allowed, what the
    action is called in a refusal); ``first_admin_roles``: the roles a first administrator may
    also hold, each with the question the first-administrator form asks (tr_noop) and whether
    it is ticked at first."""

    roles: Mapping[str, str]
    permissions: Mapping[str, tuple[frozenset[str], str]]
    first_admin_roles: Mapping[str, tuple[str, bool]]


COMMUNE_ROLES = RoleScheme(
    roles={
        "clerk": tr_noop("Cán bộ nhập liệu"),
        "approver": tr_noop("Lãnh đạo phê duyệt"),
        ADMIN: tr_noop("Quản trị"),
    },
    permissions={
        "edit": (frozenset({"clerk", "approver", ADMIN}), tr_noop("nhập, sửa dữ liệu")),
        "approve": (frozenset({"approver"}), tr_noop("khóa đợt rà soát, ký gói báo cáo")),
        "administer": (
            frozenset({ADMIN}),
            tr_noop("quản lý người dùng, cài đặt, phục hồi dữ liệu"),
        ),
        "keys": (
            frozenset({"approver", ADMIN}),
            tr_noop("tạo, đổi khóa ký số và nhập khóa của cấp trên"),
        ),
    },
    first_admin_roles={
        "clerk": (tr_noop("Người này cũng nhập liệu (cán bộ nhập liệu)"), True),
        "approver": (tr_noop("Người này cũng phê duyệt, ký gói báo cáo (lãnh đạo)"), False),
    },
)
