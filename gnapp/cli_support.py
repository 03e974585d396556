"""What every ``gnapp`` command shares: its error, and how it asks for a password."""

from __future__ import annotations

import getpass
import os
import sys


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
