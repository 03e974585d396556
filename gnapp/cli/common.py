"""What every ``gnapp`` command shares: its error, how it asks for a password, and how an
administrator signs in for a command that needs one."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any


class CliError(Exception):
    """A failure to report to the user in one Vietnamese line (exit status 1)."""


def ask_secret(variable: str, prompt: str, *, repeat: bool = False) -> str:
    """A password or passphrase from the environment variable ``variable`` (for scripts), or
    asked without echo (twice with ``repeat``)."""
    if variable in os.environ:
        return os.environ[variable]
    if not sys.stdin.isatty():
        raise CliError(f"Cần mật khẩu: đặt biến môi trường {variable} hoặc chạy trong cửa sổ lệnh.")
    secret = getpass.getpass(prompt)
    if repeat and getpass.getpass("Nhập lại: ") != secret:
        raise CliError("Hai lần nhập mật khẩu không giống nhau.")
    return secret


def sign_in_admin(cdb: Any, username: str | None) -> None:
    """Sign the acting administrator in (password from GNAPP_ADMIN_PASSWORD or asked)."""
    from gnapp.store import users

    if not username:
        raise CliError("Cần --admin TÊN của người quản trị.")
    password = ask_secret("GNAPP_ADMIN_PASSWORD", f"Mật khẩu của {username}: ")
    users.require(users.sign_in(cdb, username, password), "administer")
