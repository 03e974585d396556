"""Errors of the storage layer."""

from __future__ import annotations

import errno
import sqlite3

from gnapp.i18n import tr

_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_FULL = 5, 6, 8, 13
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


class DatabaseError(Exception):
    """A database that cannot be opened or used; the message is for the user (through tr())."""


class CorruptDatabaseError(DatabaseError):
    """A database file that fails the integrity check (the message says which file and why)."""


class ForeignFileError(CorruptDatabaseError):
    """A file that is not GNApp's, or not of the kind asked for: refused before anything is
    written to it."""


class ReadOnlyError(DatabaseError):
    """A file or folder that cannot be written (a read-only medium, no permission)."""


class BusyError(DatabaseError):
    """A database another program (or another GNApp) is writing: nothing was written."""


class DiskFullError(DatabaseError):
    """The disk is full: what was being written was not kept."""


def storage_problem(error: BaseException, what: str = "") -> DatabaseError | None:
    """The error for a full disk, a read-only medium or a database another program holds
    locked behind ``error`` (an OSError or a sqlite3 error) while writing ``what`` (e.g. "tệp
    dữ liệu xa.gnapp"; by default the OSError's file); None for any other error."""
    filename = getattr(error, "filename", None)
    what = what or (tr("tệp {name}", name=filename) if filename else tr("tệp"))
    code = getattr(error, "sqlite_errorcode", None) if isinstance(error, sqlite3.Error) else None
    number = error.errno if isinstance(error, OSError) else None
    if number in _FULL_ERRNOS or (code is not None and code & 0xFF == _SQLITE_FULL):
        return DiskFullError(
            tr(
                "Ổ đĩa đã đầy: không ghi được {what}, không có gì được ghi dở. Hãy giải phóng "
                "dung lượng (xóa bớt tệp, dọn thùng rác) rồi làm lại.",
                what=what,
            )
        )
    if code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return BusyError(
            tr(
                "Không ghi được {what}: một chương trình khác (hoặc một cửa sổ GNApp khác) đang "
                "khóa tệp để ghi; không có gì được ghi. Hãy đóng chương trình đó hoặc đợi nó "
                "xong rồi làm lại.",
                what=what,
            )
        )
    if number in (errno.EROFS, errno.EACCES) or (
        code is not None and code & 0xFF == _SQLITE_READONLY
    ):
        return ReadOnlyError(
            tr(
                "Không ghi được {what}: ổ đĩa hoặc thư mục chỉ đọc (ví dụ đĩa CD, USB khóa ghi, "
                "thư mục không có quyền ghi). Hãy chép tệp sang ổ ghi được rồi làm lại.",
                what=what,
            )
        )
    return None
