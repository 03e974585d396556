"""Who may sign a package: only a signed-in user with the approving role. The manifest names
the signer and the role they signed in."""

from __future__ import annotations

from dataclasses import dataclass

from gnapp.i18n import Refusal, tr_noop
from gnapp.store.users import PermissionDenied, User, require

APPROVER = "approver"


class SignerError(Refusal, PermissionDenied):
    """A user who may not sign."""


@dataclass(frozen=True)
class Signer:
    name: str
    role: str


def check_signer(user: User | None) -> Signer:
    """The manifest's signer for ``user``; SignerError unless they hold the approving role."""
    try:
        approver = require(user, "approve")
    except PermissionDenied as error:
        raise SignerError(
            tr_noop("{error} Chỉ lãnh đạo phê duyệt mới được ký gói báo cáo."), error=error
        ) from None
    return Signer(approver.full_name, APPROVER)


def check_manifest_signer(name: str, role: str) -> Signer:
    """A received manifest's signer: named, and signed in the approving role."""
    if not " ".join(name.split()):
        raise SignerError(tr_noop("Gói không ghi tên người ký."))
    if role != APPROVER:
        raise SignerError(
            tr_noop(
                "{name} ký với vai trò “{role}”: chỉ lãnh đạo phê duyệt ({approver}) mới được ký."
            ),
            name=name,
            role=role,
            approver=APPROVER,
        )
    return Signer(name, role)
