"""Who may sign a package: only a signed-in user with the approving role. The manifest names
the signer and the role they signed in."""

from __future__ import annotations

from dataclasses import dataclass

from gnapp.store.users import PermissionDenied, User, require

APPROVER = "approver"


class SignerError(PermissionDenied):
    """A user who may not sign (Vietnamese message)."""


@dataclass(frozen=True)
class Signer:
    name: str
    role: str


def check_signer(user: User | None) -> Signer:
    """The manifest's signer for ``user``; SignerError unless they hold the approving role."""
    try:
        approver = require(user, "approve")
    except PermissionDenied as error:
        raise SignerError(f"{error} Chỉ lãnh đạo phê duyệt mới được ký gói báo cáo.") from None
    return Signer(approver.full_name, APPROVER)


def check_manifest_signer(name: str, role: str) -> Signer:
    """A received manifest's signer: named, and signed in the approving role."""
    if not " ".join(name.split()):
        raise SignerError("Gói không ghi tên người ký.")
    if role != APPROVER:
        raise SignerError(
            f"{name} ký với vai trò “{role}”: chỉ lãnh đạo phê duyệt ({APPROVER}) mới được ký."
        )
    return Signer(name, role)
