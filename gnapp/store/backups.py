"""Backups of a commune database: made, rotated, described, checked and restored.

A backup is a whole SQLite file written with SQLite's online backup API (never a
file copy of a live database), checked, compressed with a header that describes it
(gnapp.store.backup_compression) under a temporary name in the target folder, synced
to disk, and only then renamed to its final name, so an interrupted backup never
leaves a file that looks like a backup. Plain backups made before stay readable.
File names sort by time and say the commune:
``21555-2026-11-22T081530-daily.gnapp-backup`` (see docs/backups.md).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path

import sqlite_utils

from gnapp.core.vietnamese import fold, format_date, format_number
from gnapp.i18n import tr, tr_noop
from gnapp.paths import remove_stale_files, user_data_dir
from gnapp.progress import Progress
from gnapp.store.backup_compression import (
    DamagedBackup,
    compress_file,
    decompress_file,
    is_compressed,
    read_header,
)
from gnapp.store.backup_encryption import decrypt_file, encrypt_file, is_encrypted
from gnapp.store.changelog import ChainBreak, verify_chain
from gnapp.store.database import COMMUNE_TABLES, CommuneDatabase, missing_tables, open_database
from gnapp.store.errors import CorruptDatabaseError, DatabaseError
from gnapp.store.migrations import LATEST_VERSION
from gnapp.store.overview import status_years
from gnapp.store.register import get_setting

SUFFIX = ".gnapp-backup"
PARTIAL = ".partial"  # a backup being written; never listed, removed once stale
UNCOMPRESSED = ".chua-nen"  # ".<backup>.chua-nen.partial": the copy a backup is compressed from
ENCRYPTING = ".ma-hoa"  # ".<backup>.ma-hoa.partial": what an encrypted one is sealed from
DECOMPRESSING = ".giai-nen"  # ".<backup>.giai-nen.partial": a compressed backup being read
DECRYPTING = ".giai-ma"  # ".<backup>.giai-ma.partial": an encrypted backup being restored
KIND_LABELS = {
    "daily": tr_noop("hằng ngày"),
    "closing": tr_noop("khi đóng phần mềm"),
    "monthly": tr_noop("hằng tháng"),
    "manual": tr_noop("sao lưu theo yêu cầu"),
    "prerestore": tr_noop("dữ liệu trước khi phục hồi"),
}
# How a backup's header names the latest review round (as written in Vietnamese in the file).
REVIEW_WORDS = (
    tr_noop("rà soát định kỳ năm {year}"),
    tr_noop("rà soát thường xuyên tháng {month}/{year}"),
    tr_noop("rà soát thường xuyên {year}"),
)
DAILY_KINDS = ("daily", "closing")  # rotated together as the daily backups
KEEP_DAILY_SETTING, DEFAULT_KEEP_DAILY = "backup_keep_daily", 7
KEEP_MONTHLY_SETTING, DEFAULT_KEEP_MONTHLY = "backup_keep_monthly", 12
PAGES_PER_STEP = 256  # pages copied between two progress reports (1 MiB at 4 KiB a page)
STALE_PARTIAL = timedelta(minutes=10)

_STAMP = "%Y-%m-%dT%H%M%S"
_NAME = re.compile(
    r"(?P<commune>.+?)-(?P<stamp>\d{4}-\d\d-\d\dT\d{6})(?:-(?P<seq>\d+))?"
    rf"-(?P<kind>{'|'.join(KIND_LABELS)}){re.escape(SUFFIX)}"
)
_CORRUPTION_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


# --- names and folders ----------------------------------------------------------------------


@dataclass(frozen=True)
class BackupFile:
    """A backup file and what its name says."""

    made_at: datetime
    seq: int  # 2, 3, … for a second backup of the same kind in the same second
    commune: str
    kind: str
    path: Path


def slug(text: str) -> str:
    """A file-name part from a commune code or a file stem: "Xã tôi" -> "xa-toi"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "gnapp"


def backup_name(commune: str, made_at: datetime, kind: str, seq: int = 1) -> str:
    """``<commune>-<YYYY-mm-dd>T<HHMMSS>[-<seq>]-<kind>.gnapp-backup``."""
    number = f"-{seq}" if seq > 1 else ""
    return f"{commune}-{made_at.strftime(_STAMP)}{number}-{kind}{SUFFIX}"


def parse_backup_name(path: Path) -> BackupFile | None:
    """What a backup's name says, or None for a name GNApp did not give."""
    found = _NAME.fullmatch(path.name)
    if found is None:
        return None
    return BackupFile(
        datetime.strptime(found["stamp"], _STAMP),
        int(found["seq"] or 1),
        found["commune"],
        found["kind"],
        path,
    )


def default_backup_folder(db_path: str | Path, root: Path) -> Path:
    """The automatic backups of a database: ``<root>/<file name>``, ``root`` being the backup
    folder chosen on this computer (``gnapp.preferences.backup_root()``)."""
    return root / slug(Path(db_path).stem)


def list_backups(folder: str | Path, commune: str | None = None) -> list[BackupFile]:
    """The backups in ``folder`` (of one commune if given), newest first. A ``.gnapp-backup``
    file renamed by hand is listed by its modification time as a backup made on request."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{SUFFIX}"):
        backup = parse_backup_name(path) or BackupFile(
            datetime.fromtimestamp(path.stat().st_mtime), 1, "", "manual", path
        )
        if commune is None or backup.commune == commune:
            found.append(backup)
    return sorted(found, key=lambda b: (b.made_at, b.seq, b.path.name), reverse=True)


def remove_partial_backups(
    folder: str | Path, *, older_than: timedelta = STALE_PARTIAL, now: datetime | None = None
) -> list[Path]:
    """Delete what a crash left of a backup being written (recent ones may still be in work)."""
    folder = Path(folder)
    limit = (now or datetime.now()) - older_than
    removed = []
    for path in folder.glob(f"*{PARTIAL}") if folder.is_dir() else ():
        if datetime.fromtimestamp(path.stat().st_mtime) <= limit:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def remove_stale_restore_files(db_path: str | Path) -> list[Path]:
    """Remove what a crash or a kill left beside the database: a restore half written, the
    copies an encrypted backup is made of, a backup being decrypted or decompressed."""
    db_path = Path(db_path)
    patterns = (
        f"{db_path.name}.phuc-hoi{PARTIAL}",
        f".*{UNCOMPRESSED}{PARTIAL}",
        f".*{ENCRYPTING}{PARTIAL}",
        f".*{DECRYPTING}{PARTIAL}",
        f".*{DECOMPRESSING}{PARTIAL}",
    )
    return remove_stale_files(db_path.parent, patterns)


# --- rotation ---------------------------------------------------------------------------------


def due_backup_kind(backups: Iterable[BackupFile], now: datetime, *, closing: bool) -> str | None:
    """The automatic backup to make now: the month's first is "monthly"; on closing a
    "closing" one; otherwise a "daily" one unless one was made today."""
    backups = list(backups)
    if not any(b.kind == "monthly" and (b.made_at.year, b.made_at.month) == (now.year, now.month)
               for b in backups):  # fmt: skip
        return "monthly"
    if closing:
        return "closing"
    automatic = (*DAILY_KINDS, "monthly")
    if any(b.kind in automatic and b.made_at.date() == now.date() for b in backups):
        return None
    return "daily"


def expired_backups(
    backups: Iterable[BackupFile], keep_daily: int, keep_monthly: int
) -> list[BackupFile]:
    """The automatic backups rotation removes: daily and closing ones outside the
    ``keep_daily`` latest days that have any, monthly ones outside the ``keep_monthly``
    latest months. Backups made on request or before a restore are never removed."""
    backups = list(backups)
    days = sorted({b.made_at.date() for b in backups if b.kind in DAILY_KINDS}, reverse=True)
    months = sorted(
        {(b.made_at.year, b.made_at.month) for b in backups if b.kind == "monthly"}, reverse=True
    )
    kept_days, kept_months = set(days[: max(keep_daily, 1)]), set(months[: max(keep_monthly, 1)])
    return [
        b
        for b in backups
        if (b.kind in DAILY_KINDS and b.made_at.date() not in kept_days)
        or (b.kind == "monthly" and (b.made_at.year, b.made_at.month) not in kept_months)
    ]


def rotate(folder: str | Path, commune: str, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete the expired automatic backups of ``commune`` in ``folder``; return them."""
    expired = expired_backups(list_backups(folder, commune), keep_daily, keep_monthly)
    for backup in expired:
        backup.path.unlink(missing_ok=True)
    return [backup.path for backup in expired]


# --- reading a database or a backup ------------------------------------------------------------


def _read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


@contextmanager
def _connection(source: CommuneDatabase | str | Path) -> Iterator[tuple[sqlite3.Connection, Path]]:
    """The connection to read ``source`` through (its own for an open database) and its path."""
    if isinstance(source, CommuneDatabase):
        yield source.db.conn, Path(source.path)
        return
    path = Path(source)
    if not path.is_file():
        raise DatabaseError(_not_a_file(path))
    conn = _read_only(path)
    try:
        yield conn, path
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _commune_slug(conn: sqlite3.Connection, path: Path) -> str:
    """The commune part of backup names: the commune's code, else the file's name."""
    try:
        tables = _tables(conn)
        row = conn.execute("SELECT code FROM commune").fetchone() if "commune" in tables else None
    except sqlite3.Error as error:
        raise _sqlite_failure(error, tr("Không sao lưu được {name}", name=path.name)) from error
    return slug(row[0] if row else path.stem)


def _sqlite_failure(error: sqlite3.Error, what: str) -> DatabaseError:
    """An error for a failed SQLite call; corruption gets its own class."""
    if getattr(error, "sqlite_errorcode", None) in _CORRUPTION_CODES:
        return CorruptDatabaseError(
            tr("{what}: tệp dữ liệu bị hỏng ({error}).", what=what, error=error)
        )
    return DatabaseError(f"{what} ({error}).")


@dataclass(frozen=True)
class IntegrityReport:
    """The result of checking a database file: its schema version and what is wrong."""

    path: Path
    version: int | None  # None when the file could not be read at all
    problems: tuple[str, ...]
    # the change log's chain, checked by the full check only (None: whole, or not checked)
    chain_break: ChainBreak | None = None
    log_rows: int | None = None  # rows of the change log whose chain was checked

    @property
    def sound(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        """The first problem in one short line, and how many more (SQLite lists one a line,
        under headings such as "*** in database main ***")."""
        lines = [
            line.strip()
            for problem in self.problems
            for line in problem.splitlines()
            if line.strip() and not line.startswith("***")
        ]
        if not lines:
            return ""
        first = lines[0] if len(lines[0]) <= 160 else lines[0][:159] + "…"
        more = len(lines) - 1
        return (
            tr("{first} (và {more} lỗi khác)", first=first, more=format_number(more))
            if more
            else first
        )

    @property
    def passed(self) -> bool:
        """Whether the file passed: sound, its log's chain whole, a schema this GNApp reads."""
        version = self.version or 0
        return self.sound and self.chain_break is None and 1 <= version <= LATEST_VERSION

    def lines(self) -> list[str]:
        """What the check found, one line per fact in the interface's language (``gnapp db
        check`` and the GUI's check show these)."""
        version = self.version or 0
        if version == LATEST_VERSION:
            schema = tr("v{version} (mới nhất)", version=version)
        elif 1 <= version < LATEST_VERSION:
            schema = tr(
                "v{version} (sẽ được nâng cấp lên v{latest} khi mở)",
                version=version,
                latest=LATEST_VERSION,
            )
        elif version == 0:
            schema = tr("không phải tệp dữ liệu GNApp")
        else:
            schema = tr(
                "v{version} (mới hơn phiên bản này, v{latest})",
                version=version,
                latest=LATEST_VERSION,
            )
        sound = tr("tốt") if self.sound else "; ".join(self.problems[:10])
        lines = [
            tr("Tệp: {path}", path=self.path),
            tr("Lược đồ dữ liệu: {schema}", schema=schema),
            tr("Toàn vẹn: {state}", state=sound),
        ]
        if self.chain_break is not None:
            lines.append(tr("Nhật ký thay đổi: {state}.", state=self.chain_break.text()))
            lines.append(
                tr("Hãy báo người quản trị và đối chiếu với bản sao lưu hay gói báo cáo đã gửi.")
            )
        elif self.log_rows is not None:
            lines.append(
                tr("Nhật ký thay đổi: nguyên vẹn ({rows} dòng)", rows=format_number(self.log_rows))
            )
        if self.sound:
            lines.append(tr("Số hộ: {count}", count=describe_backup(self.path).households))
        return [*lines, tr("Kết quả: ĐẠT") if self.passed else tr("Kết quả: KHÔNG ĐẠT")]

    @property
    def restore_problem(self) -> str | None:
        """Why the file cannot be restored from (None when it can)."""
        if self.problems:
            return tr("Tệp {name} bị hỏng: {problem}", name=self.path.name, problem=self.summary)
        if not self.version:
            return tr("Tệp {name} không phải dữ liệu GNApp.", name=self.path.name)
        if self.version > LATEST_VERSION:
            return tr(
                "Tệp {name} được tạo bởi phiên bản GNApp mới hơn (dữ liệu v{version}; phiên "
                "bản này đọc được đến v{latest}).",
                name=self.path.name,
                version=self.version,
                latest=LATEST_VERSION,
            )
        return None


def _not_a_file(path: Path, *, sentence: bool = True) -> str:
    """Why ``path`` cannot be read as a database: missing, or a folder, a pipe or a device."""
    if not path.exists():
        if sentence:
            return tr("Không tìm thấy tệp: {path}", path=path)
        return tr("không tìm thấy tệp {path}", path=path)
    return tr("{path} không phải là một tệp dữ liệu (một thư mục hoặc thiết bị)", path=path)


def check_integrity(path: str | Path, *, quick: bool = True) -> IntegrityReport:
    """Check a database file read-only: ``quick_check`` (``integrity_check`` and the change
    log's hash chain with ``quick=False``), ``foreign_key_check`` and the schema version. A
    compressed backup is decompressed beside itself (its size and hash checked) and checked so."""
    path = Path(path)
    if not path.is_file():
        return IntegrityReport(path, None, (_not_a_file(path, sentence=False),))
    if is_compressed(path):
        return _check_compressed(path, quick)
    version, problems = None, []
    chain_break, log_rows = None, None
    try:
        conn = _read_only(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            check = "quick_check" if quick else "integrity_check"
            rows = [row[0] for row in conn.execute(f"PRAGMA {check}")]
            if rows != ["ok"]:
                problems.extend(rows)
            if version > 0 and (missing := missing_tables(_tables(conn), COMMUNE_TABLES)):
                problems.append(tr("thiếu bảng {tables}", tables=missing))
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                problems.append(
                    tr(
                        "{count} dòng tham chiếu đến dòng không còn (bảng {tables})",
                        count=format_number(len(broken)),
                        tables=", ".join(sorted({row[0] for row in broken})),
                    )
                )
            if not quick and not problems and "chain_hash" in _columns(conn, "change_log"):
                chain_break = verify_chain(conn)
                log_rows = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        problems.append(tr("không đọc được tệp ({error})", error=error))
    except UnicodeDecodeError:  # SQLite's message quoted bytes of a damaged page
        problems.append(tr("không đọc được tệp (tệp bị hỏng: có trang dữ liệu không đọc được)"))
    return IntegrityReport(path, version, tuple(problems), chain_break, log_rows)


def _check_compressed(path: Path, quick: bool) -> IntegrityReport:
    try:
        version = read_header(path)["schema_version"]
    except DatabaseError as error:
        return IntegrityReport(path, None, (_problem_of(error),))
    # beside the backup; in the user data folder when its folder cannot be written (a CD)
    folder = path.parent if os.access(path.parent, os.W_OK) else user_data_dir()
    plain = folder / f".{path.name}{DECOMPRESSING}{PARTIAL}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        plain.unlink(missing_ok=True)  # what an interrupted earlier check left
        decompress_file(path, plain)
        return replace(check_integrity(plain, quick=quick), path=path)
    except DatabaseError as error:
        problem = _problem_of(error)
    except OSError as error:
        problem = tr("không giải nén được để kiểm tra ({error})", error=error.strerror or error)
    finally:
        plain.unlink(missing_ok=True)
    return IntegrityReport(path, version, (problem,))


def _problem_of(error: DatabaseError) -> str:
    if isinstance(error, DamagedBackup):
        return tr("bản sao lưu nén: {problem}", problem=error.what)
    return str(error)


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _require_restorable(report: IntegrityReport) -> None:
    problem = report.restore_problem
    if problem is not None:
        raise (CorruptDatabaseError if report.problems else DatabaseError)(problem)


@dataclass(frozen=True)
class BackupDescription:
    """What a backup (or any commune database file) holds."""

    path: Path
    made_at: datetime  # from the backup's name; the file's modification time otherwise
    kind: str | None  # None for a file that is not a named backup
    schema_version: int
    commune_code: str | None
    commune_name: str | None
    households: int
    members: int
    last_review: str | None  # "rà soát định kỳ năm 2025"
    status_years: tuple[int, ...]
    size: int  # bytes of the file
    database_size: int | None = None  # bytes once decompressed (None: the file is not compressed)

    @property
    def when(self) -> str:
        return f"{format_date(self.made_at.date())} {self.made_at:%H:%M}"

    @property
    def size_text(self) -> str:
        if self.database_size is None:
            return _size_text(self.size)
        return tr(
            "{size} (nén; {restored} khi phục hồi)",
            size=_size_text(self.size),
            restored=_size_text(self.database_size),
        )

    @property
    def commune_text(self) -> str:
        if self.commune_name is None:
            return tr("chưa khai báo")
        return tr("{name} (mã {code})", name=self.commune_name, code=self.commune_code)

    def lines(self) -> list[str]:
        """The description, one line per fact, in the interface's language (the latest review
        as the backup's header wrote it)."""
        made = (
            tr("Sao lưu lúc: {when} ({kind})", when=self.when, kind=tr(KIND_LABELS[self.kind]))
            if self.kind
            else tr("Tệp ghi lần cuối lúc: {when}", when=self.when)
        )
        years = ", ".join(map(str, self.status_years)) or tr("chưa có")
        version = f"v{self.schema_version}"
        if self.schema_version < LATEST_VERSION:
            version += tr(" (sẽ được nâng cấp lên v{latest} khi mở)", latest=LATEST_VERSION)
        return [
            made,
            tr("Xã, phường: {commune}", commune=self.commune_text),
            tr(
                "Số hộ: {households}; số nhân khẩu: {members}",
                households=format_number(self.households),
                members=format_number(self.members),
            ),
            tr(
                "Đợt rà soát gần nhất: {review}",
                review=_shown_review(self.last_review) if self.last_review else tr("chưa có"),
            ),
            tr("Danh sách hộ nghèo, cận nghèo các năm: {years}", years=years),
            tr("Phiên bản dữ liệu: {version}", version=version),
            tr("Dung lượng: {size}", size=self.size_text),
        ]


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{format_number(math.ceil(size / 1024))} KB"
    return f"{format_number(size / 1024 / 1024, 1)} MB"


def _last_review(conn: sqlite3.Connection) -> str | None:
    row = conn.execute(
        "SELECT year, kind, month FROM review_rounds ORDER BY opened_at DESC, id DESC"
    ).fetchone()
    if row is None:
        return None
    year, kind, month = row
    words = REVIEW_WORDS[0] if kind == "periodic" else REVIEW_WORDS[1 if month else 2]
    return words.format(year=year, month=month)


def _shown_review(written: str) -> str:
    """The latest review as a backup's header wrote it (Vietnamese), in the interface's
    language."""
    for words in REVIEW_WORDS:
        pattern = re.escape(words).replace(r"\{year\}", r"(?P<year>\d+)")
        pattern = pattern.replace(r"\{month\}", r"(?P<month>\d+)")
        if found := re.fullmatch(pattern, written):
            return tr(words, **found.groupdict())
    return written


def _register_counts(conn: sqlite3.Connection, tables: set[str]) -> dict[str, int]:
    """The households in the commune now and their members (a file older than the register's
    history counts every household)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(households)")}
    gone = (
        "household_id NOT IN (SELECT id FROM households WHERE present_until IS NOT NULL)"
        if "present_until" in columns
        else "1"
    )
    where = {"households": gone.replace("household_id", "id"), "members": gone}
    return {
        table: conn.execute(f"SELECT count(*) FROM {table} WHERE {where[table]}").fetchone()[0]
        for table in ("households", "members")
        if table in tables
    }


def describe_backup(path: str | Path, *, named_as: Path | None = None) -> BackupDescription:
    """Open a backup (or a commune database) read-only and say what it holds; ``named_as``: the
    encrypted backup ``path`` was decrypted from (its name says when it was made)."""
    path = Path(path)
    if is_encrypted(path):
        raise DatabaseError(
            tr(
                "Bản sao lưu {name} được mã hóa: cần mật khẩu của nó để xem hay phục hồi.",
                name=path.name,
            )
        )
    named = parse_backup_name(named_as or path)
    if is_compressed(path):
        return _described_by_header(path, named, (named_as or path).stat().st_size)
    with _connection(path) as (conn, _):
        try:
            tables = _tables(conn)
            commune = (
                conn.execute("SELECT code, name FROM commune").fetchone()
                if "commune" in tables
                else None
            )
            counts = _register_counts(conn, tables)
            return BackupDescription(
                path=path,
                made_at=named.made_at if named else datetime.fromtimestamp(path.stat().st_mtime),
                kind=named.kind if named else None,
                schema_version=conn.execute("PRAGMA user_version").fetchone()[0],
                commune_code=commune[0] if commune else None,
                commune_name=commune[1] if commune else None,
                households=counts.get("households", 0),
                members=counts.get("members", 0),
                last_review=_last_review(conn) if "review_rounds" in tables else None,
                status_years=tuple(
                    status_years(sqlite_utils.Database(conn))
                    if "household_status" in tables
                    else ()
                ),
                size=(named_as or path).stat().st_size,
            )
        except sqlite3.Error as error:
            raise _sqlite_failure(error, tr("Không đọc được tệp {name}", name=path.name)) from error


def _described_by_header(path: Path, named: BackupFile | None, size: int) -> BackupDescription:
    """What a compressed backup holds, from its header alone (no decompressing)."""
    header = read_header(path)
    try:
        return BackupDescription(
            path=path,
            made_at=named.made_at if named else datetime.fromisoformat(header["made_at"]),
            kind=named.kind if named else None,
            schema_version=int(header["schema_version"]),
            commune_code=header["commune_code"],
            commune_name=header["commune_name"],
            households=int(header["households"]),
            members=int(header["members"]),
            last_review=header["last_review"],
            status_years=tuple(int(year) for year in header["status_years"]),
            size=size,
            database_size=header["database_bytes"],
        )
    except (TypeError, ValueError):
        raise DamagedBackup(path.name, tr("phần mô tả không đúng dạng")) from None


def _header_description(plain: Path, made_at: datetime) -> dict[str, object]:
    """The header of a compressed backup of the database ``plain``: what the list shows."""
    info = describe_backup(plain)
    return {
        "made_at": made_at.isoformat(),
        "schema_version": info.schema_version,
        "commune_code": info.commune_code,
        "commune_name": info.commune_name,
        "households": info.households,
        "members": info.members,
        "last_review": info.last_review,
        "status_years": list(info.status_years),
    }


def last_good_backup(folder: str | Path, commune: str | None = None) -> BackupDescription | None:
    """The newest backup in ``folder`` that passes the integrity check and can be restored."""
    for backup in list_backups(folder, commune):
        if check_integrity(backup.path).restore_problem is None:
            return describe_backup(backup.path)
    return None


# --- making a backup --------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX; Windows cannot open a folder, and NTFS journals renames)."""
    if os.name == "nt":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _copy(conn: sqlite3.Connection, target: Path, progress: Progress | None, message: str) -> None:
    """Write a consistent copy of ``conn``'s database to ``target`` in steps, reporting progress
    (which may raise Cancelled), as one self-contained file (rollback journal, no -wal)."""
    if progress is not None:
        progress(0, 0, message)

    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total, message)

    # A read transaction held across the steps keeps one snapshot: writes by other connections
    # (WAL) neither show up half-way nor restart the copy.
    own_snapshot = not conn.in_transaction
    if own_snapshot:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        dest.execute("PRAGMA journal_mode = OFF")  # a temporary file needs no journal of its own
        conn.backup(dest, pages=PAGES_PER_STEP, progress=step)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
        if own_snapshot and conn.in_transaction:
            conn.execute("ROLLBACK")  # it only read
    _fsync(target)


def _backup(
    conn: sqlite3.Connection,
    commune: str,
    db_path: Path,
    folder: Path,
    kind: str,
    progress: Progress | None,
    now: datetime | None,
    passphrase: str | None = None,
) -> Path:
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown backup kind {kind!r}")
    made_at = (now or datetime.now()).replace(microsecond=0)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for seq in count(1):
            final = folder / backup_name(commune, made_at, kind, seq)
            partial = final.with_name(final.name + PARTIAL)
            if not final.exists() and not partial.exists():
                break
        # Encrypted, the plain and compressed copies are written beside the database, never on
        # the USB drive.
        beside = db_path if passphrase else partial
        plain = beside.with_name(f".{final.name}{UNCOMPRESSED}{PARTIAL}")
        packed = db_path.with_name(f".{final.name}{ENCRYPTING}{PARTIAL}") if passphrase else partial
        try:
            _copy(conn, plain, progress, tr("Đang sao lưu dữ liệu…"))
            report = check_integrity(plain)
            if not report.sound:
                raise CorruptDatabaseError(
                    tr(
                        "Bản sao lưu của {name} không đạt kiểm tra toàn vẹn, nên không được giữ "
                        "lại: dữ liệu gốc có thể đã hỏng ({problem}).",
                        name=db_path.name,
                        problem=report.summary,
                    )
                )
            compress_file(
                plain,
                packed,
                _header_description(plain, made_at),
                progress=_bytes_progress(progress, tr("Đang nén bản sao lưu…")),
            )
            if passphrase:
                encrypt_file(
                    packed,
                    partial,
                    passphrase,
                    progress=_bytes_progress(progress, tr("Đang mã hóa bản sao lưu…")),
                )
            os.replace(partial, final)
            _fsync_folder(folder)
        finally:
            for temporary in (partial, plain, packed):
                temporary.unlink(missing_ok=True)
    except sqlite3.Error as error:
        raise _sqlite_failure(
            error, tr("Không sao lưu được {name} vào {folder}", name=db_path.name, folder=folder)
        ) from error
    except OSError as error:
        raise DatabaseError(
            tr(
                "Không ghi được bản sao lưu vào thư mục {folder}: {problem}.",
                folder=folder,
                problem=error.strerror or error,
            )
        ) from error
    return final


def _bytes_progress(progress: Progress | None, message: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(done, total, message)


def make_backup(
    source: CommuneDatabase | str | Path,
    folder: str | Path,
    kind: str = "manual",
    progress: Progress | None = None,
    *,
    now: datetime | None = None,
    passphrase: str | None = None,
) -> Path:
    """Back up an open database (on its own thread) or a database file into ``folder``
    (a USB drive is just a folder); return the new backup's path. With ``passphrase`` the
    backup is encrypted (gnapp.store.backup_encryption): what leaves the data folder.

    ``progress`` may raise ``gnapp.progress.Cancelled``: then, as on any failure, no file is
    left that looks like a backup and no temporary file either.
    """
    with _connection(source) as (conn, path):
        slug_ = _commune_slug(conn, path)
        return _backup(conn, slug_, path, Path(folder), kind, progress, now, passphrase)


def automatic_backup(
    db_path: str | Path,
    folder: str | Path,
    *,
    closing: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> Path | None:
    """The backup due on starting (once a day) or on closing, then rotation; None if none was
    due. Keeps the number of backups the database's settings say (default 7 daily, 12 monthly)."""
    folder, now = Path(folder), now or datetime.now()
    remove_partial_backups(folder, now=now)
    with _connection(db_path) as (conn, path):
        commune = _commune_slug(conn, path)
        kind = due_backup_kind(list_backups(folder, commune), now, closing=closing)
        if kind is None:
            return None
        made = _backup(conn, commune, path, folder, kind, progress, now)
        settings = sqlite_utils.Database(conn)
        keep_daily = get_setting(settings, KEEP_DAILY_SETTING, DEFAULT_KEEP_DAILY)
        keep_monthly = get_setting(settings, KEEP_MONTHLY_SETTING, DEFAULT_KEEP_MONTHLY)
    rotate(folder, commune, int(keep_daily), int(keep_monthly))
    return made


# --- restoring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupDescription  # the backup the database now holds
    kept_copy: Path | None  # the copy of the database as it was (None if there was none)


def _keep_copy(
    target: Path, sound: bool, folder: Path, progress: Progress | None, now: datetime
) -> Path:
    """A copy of the database about to be replaced: an online backup when it is sound, a copy
    of its files when it is broken (it is not in use, and a technician may want to look)."""
    if sound:
        return make_backup(target, folder, "prerestore", progress, now=now)
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{slug(target.stem)}-{now:%Y-%m-%dT%H%M%S}-hong.gnapp"
    shutil.copyfile(target, copy)
    wal = Path(f"{target}-wal")
    if wal.exists():
        shutil.copyfile(wal, f"{copy}-wal")
    return copy


def _release(target: Path, sound: bool) -> None:
    """Fold the -wal file into the database and remove it and the -shm file, so nothing of
    the old database can be replayed onto the restored one."""
    if sound:
        conn = sqlite3.connect(target, timeout=1, isolation_level=None)
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            conn.close()
        if busy:
            raise DatabaseError(
                tr(
                    "Tệp {name} đang được mở ở một cửa sổ GNApp khác: hãy đóng cửa sổ đó rồi "
                    "phục hồi lại.",
                    name=target.name,
                )
            )
    for side in ("-wal", "-shm"):
        Path(f"{target}{side}").unlink(missing_ok=True)


def decrypt_backup(
    backup: str | Path, passphrase: str, beside: str | Path, progress: Progress | None = None
) -> Path:
    """The plain database sealed in the encrypted ``backup``, written beside the database
    ``beside`` (in the data folder, never next to the backup); check and describe it with
    ``named_as=backup``, restore it, then remove it (``remove_decrypted``)."""
    backup, beside = Path(backup), Path(beside)
    plain = beside.with_name(f".{backup.name}{DECRYPTING}{PARTIAL}")
    plain.unlink(missing_ok=True)  # what an interrupted earlier try left
    try:
        decrypt_file(
            backup,
            plain,
            passphrase,
            progress=None
            if progress is None
            else lambda done, total: progress(done, total, tr("Đang giải mã bản sao lưu…")),
        )
    except OSError as error:
        raise DatabaseError(
            tr(
                "Không giải mã được {name}: {problem}.",
                name=backup.name,
                problem=error.strerror or error,
            )
        ) from error
    return plain


def remove_decrypted(plain: Path) -> None:
    """Remove a decrypted copy made by ``decrypt_backup``."""
    if plain.name.endswith(DECRYPTING + PARTIAL):
        plain.unlink(missing_ok=True)


def restore_backup(
    backup: str | Path,
    target_db_path: str | Path,
    keep_copy_folder: str | Path,
    progress: Progress | None = None,
    *,
    now: datetime | None = None,
    named_as: Path | None = None,
) -> RestoreResult:
    """Replace the database at ``target_db_path`` with the content of ``backup``.

    The backup is checked first (a broken one, or one from a newer GNApp, is refused); then a
    copy of the current database is kept in ``keep_copy_folder``; then the restored data is
    written beside the database, checked, and put in its place in one rename. If anything
    fails the current database is left as it was. A backup of an older schema is migrated.
    The database must not be open (close it first). An encrypted backup is restored from its
    decrypted copy (``decrypt_backup``), ``named_as`` naming the backup itself. A compressed
    backup is first decompressed beside the database, its size and hash checked.
    """
    backup, target = Path(backup), Path(target_db_path)
    if not is_compressed(backup):
        return _restore(backup, backup, target, Path(keep_copy_folder), progress, now, named_as)
    plain = target.with_name(f".{backup.name}{DECOMPRESSING}{PARTIAL}")
    plain.unlink(missing_ok=True)  # what an interrupted earlier restore left
    try:
        decompress_file(
            backup, plain, progress=_bytes_progress(progress, tr("Đang giải nén bản sao lưu…"))
        )
    except OSError as error:
        raise DatabaseError(
            tr(
                "Không giải nén được {name} vào {folder}: {problem}. Dữ liệu hiện tại vẫn giữ "
                "nguyên.",
                name=backup.name,
                folder=plain.parent,
                problem=error.strerror or error,
            )
        ) from error
    try:
        return _restore(backup, plain, target, Path(keep_copy_folder), progress, now, named_as)
    finally:
        plain.unlink(missing_ok=True)


def _restore(
    backup: Path,
    plain: Path,
    target: Path,
    keep_copy_folder: Path,
    progress: Progress | None,
    now: datetime | None,
    named_as: Path | None,
) -> RestoreResult:
    """Restore ``backup`` whose database is the file ``plain`` (itself, or its decompressed
    copy)."""
    now = now or datetime.now()
    report = check_integrity(plain)
    _require_restorable(replace(report, path=backup))
    restored = describe_backup(backup, named_as=named_as)
    kept = None
    sound = True
    if target.exists():
        sound = check_integrity(target).sound
        kept = _keep_copy(target, sound, keep_copy_folder, progress, now)
    partial = target.with_name(f"{target.name}.phuc-hoi{PARTIAL}")
    try:
        with _connection(plain) as (conn, _):
            _copy(conn, partial, progress, tr("Đang phục hồi dữ liệu…"))
        _require_restorable(check_integrity(partial))
        if target.exists():
            _release(target, sound)
        os.replace(partial, target)
        _fsync_folder(target.parent)
    except sqlite3.Error as error:
        raise _sqlite_failure(
            error, tr("Không phục hồi được từ {name}", name=backup.name)
        ) from error
    except OSError as error:
        raise DatabaseError(
            tr(
                "Không phục hồi được vào {target}: {problem}. Dữ liệu hiện tại vẫn giữ nguyên.",
                target=target,
                problem=error.strerror or error,
            )
        ) from error
    finally:
        partial.unlink(missing_ok=True)
    open_database(target).close()  # brings an older backup to the current schema
    return RestoreResult(restored, kept)
