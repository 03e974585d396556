"""What every ``gnapp`` command shares: the exit statuses, the error, opening the commune's
database, asking a password, finding a household or a village by what the user typed, printing
a table or JSON, and turning an expected error into one Vietnamese line (``run``)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from gnapp.i18n import tr, tr_noop

if TYPE_CHECKING:
    from gnapp.progress import Progress
    from gnapp.store.database import CommuneDatabase, OpenDatabase

# The exit statuses of every command (docs/cli.md).
EXIT_DONE = 0
EXIT_REFUSED = 1  # bad input, a check that failed, a wrong password, no permission
EXIT_USAGE = 2  # the command line itself is wrong (argparse)
EXIT_DAMAGED = 3  # the file is not a GNApp database, or it is broken

ADMIN_PASSWORD = "GNAPP_ADMIN_PASSWORD"
USER_PASSWORD = "GNAPP_USER_PASSWORD"
SHOWN_PROBLEMS = 20

T = TypeVar("T")
Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A refusal to report to the user in one Vietnamese line (exit status 1)."""


# --- running a command ------------------------------------------------------------------------


def run(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command's handler; an expected error becomes "Lỗi: …" on stderr and its status."""
    with _terminal_safe():
        return _run(handler, args)


# C0 controls but tab, line feed and carriage return (the progress line's), DEL and C1: what
# text read from a file (a name, a heading) could carry to recolour, move or retitle a terminal.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class _TerminalText:
    """A terminal's stream that shows the control characters of what is written as U+FFFD."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(_TERMINAL_CONTROLS.sub("\ufffd", text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _terminal_safe() -> Iterator[None]:
    """stdout and stderr, when they are a terminal, through _TerminalText while a command runs
    (a pipe or a file gets the text as it is: --json escapes control characters anyway)."""
    before = sys.stdout, sys.stderr
    try:
        if sys.stdout.isatty():
            sys.stdout = _TerminalText(sys.stdout)
        if sys.stderr.isatty():
            sys.stderr = _TerminalText(sys.stderr)
    except (AttributeError, ValueError):  # a stream without isatty, or closed
        pass
    try:
        yield
    finally:
        sys.stdout, sys.stderr = before


def _run(handler: Handler, args: argparse.Namespace) -> int:
    from gnapp.store.errors import CorruptDatabaseError, ForeignFileError, storage_problem

    try:
        return handler(args)
    except BrokenPipeError:
        # the reader stopped reading (`gnapp … --json | head`): it has what it wanted
        _quiet_stdout()
        return EXIT_DONE
    except sqlite3.DatabaseError as error:
        db = getattr(args, "db", None)
        what = tr("tệp dữ liệu {name}", name=db) if db is not None else ""
        if problem := storage_problem(error, what):
            return refuse(str(problem))
        if error.sqlite_errorcode not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise
        return _damaged(args, tr("Tệp dữ liệu bị hỏng ({error}).", error=error))
    except ForeignFileError as error:  # another program's file: no backup of ours to restore
        print(tr("Lỗi: {message}", message=error), file=sys.stderr)
        return EXIT_DAMAGED
    except CorruptDatabaseError as error:
        return _damaged(args, str(error))
    except OSError as error:
        if problem := storage_problem(error):
            return refuse(str(problem))
        where = f" {error.filename}" if error.filename else ""
        return refuse(
            tr(
                "Không đọc hoặc ghi được tệp{where}: {error}",
                where=where,
                error=error.strerror or error,
            )
        )
    except KeyboardInterrupt:
        return refuse(tr("Đã dừng (Ctrl+C)."))
    except Exception as error:
        if not isinstance(error, refusals()):
            raise
        return refuse(str(error))


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that Python's last flush at exit meets no closed
    pipe."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)


def refuse(message: str) -> int:
    """Print ``message`` as an error; the status of a refusal."""
    print(tr("Lỗi: {message}", message=message), file=sys.stderr)
    return EXIT_REFUSED


def refusals() -> tuple[type[Exception], ...]:
    """The errors a command may meet in normal use, each with a Vietnamese message (loaded
    when one is raised, so that ``gnapp --version`` stays quick)."""
    from gnapp.core.record import RecordError
    from gnapp.core.standards import StandardError
    from gnapp.importers.reading import ImportFileError
    from gnapp.packages.build import PackageError
    from gnapp.packages.canonical import FormatError
    from gnapp.packages.keys import KeyProblem
    from gnapp.packages.verify import CheckFailed
    from gnapp.preferences import PreferenceError
    from gnapp.reporting.figures import FiguresError
    from gnapp.store.errors import DatabaseError

    return (
        CliError,
        DatabaseError,
        RecordError,
        StandardError,
        ImportFileError,
        FiguresError,
        KeyProblem,
        PackageError,
        FormatError,
        CheckFailed,
        PreferenceError,
    )


def _damaged(args: argparse.Namespace, message: str) -> int:
    """Say that a database is broken and how to get the data back; exit status EXIT_DAMAGED."""
    print(tr("Lỗi: {message}", message=message), file=sys.stderr)
    db = getattr(args, "db", None)
    backup = getattr(args, "backup", None)  # backup restore: the broken file is the backup
    if db is not None and backup is not None:
        print(
            tr(
                "Bản sao lưu {backup} không dùng được; dữ liệu hiện tại vẫn giữ nguyên. Hãy "
                "chọn một bản sao lưu khác còn tốt:\n  gnapp backup list --db {db}",
                backup=backup,
                db=db,
            ),
            file=sys.stderr,
        )
    elif db is not None:
        print(
            tr(
                "Có thể lấy lại dữ liệu từ bản sao lưu gần nhất còn tốt:\n"
                "  gnapp backup list --db {db}\n"
                "  gnapp backup restore TỆP_SAO_LƯU --db {db}\n"
                "(dữ liệu hiện tại được giữ lại một bản trước khi phục hồi)",
                db=db,
            ),
            file=sys.stderr,
        )
    return EXIT_DAMAGED


# --- parsers ----------------------------------------------------------------------------------

# argparse's usage errors (English in the standard library) as they are said to the user.
USAGE_ERRORS = (
    (r"the following arguments are required: (.*)", tr_noop("thiếu {0}")),
    (r"unrecognized arguments: (.*)", tr_noop("không hiểu {0}")),
    (r"one of the arguments (.*) is required", tr_noop("cần một trong: {0}")),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
     tr_noop("{0}: không có {1} (chọn một trong: {2})")),
    (r"argument (.*?): invalid \w+ value: (.*)", tr_noop("{0}: giá trị {1} không hợp lệ")),
    (r"argument (.*?): expected one argument", tr_noop("{0}: cần một giá trị")),
    (r"argument (.*?): not allowed with argument (.*)", tr_noop("{0}: không dùng cùng {1}")),
)  # fmt: skip


class Parser(argparse.ArgumentParser):
    """An argparse parser whose help and usage errors speak the command's language, Vietnamese
    by default (exit status EXIT_USAGE); the language is set before the parser is built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = tr("đối số")
        self._optionals.title = tr("tùy chọn")
        self.add_argument("-h", "--help", action="help", help=tr("in hướng dẫn này rồi thoát"))

    def error(self, message: str) -> NoReturn:
        for pattern, text in USAGE_ERRORS:
            if found := re.fullmatch(pattern, message):
                message = tr(text).format(*found.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USAGE, tr("{prog}: sai cú pháp lệnh: {message}\n", prog=self.prog, message=message)
        )


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, tr("Cách dùng: ") if prefix is None else prefix)


def add_db(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    """The ``--db PATH`` option every command on a database takes."""
    help_text = help_text or tr("tệp dữ liệu xã")
    parser.add_argument("--db", type=Path, required=True, metavar="PATH", help=help_text)


def round_option(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    """The ``--round ID`` option of a review command on one round."""
    help_text = help_text or tr("mã đợt rà soát")
    parser.add_argument("--round", type=int, required=True, metavar="ID", help=help_text)


def subcommands(parser: argparse.ArgumentParser, name: str) -> Any:
    """The required subcommands of a command group (dest ``<name>_command``)."""
    return parser.add_subparsers(dest=f"{name}_command", metavar=tr("LỆNH"), required=True)


@contextmanager
def open_commune(path: Path) -> Iterator[CommuneDatabase]:
    """The commune's database at ``path``, closed afterwards; what a killed GNApp left half
    written beside it is removed first."""
    from gnapp.store.backups import remove_stale_restore_files
    from gnapp.store.database import open_database

    remove_stale_restore_files(path)
    with open_database(path) as cdb:
        yield cdb


def on_commune(handler: Callable[[CommuneDatabase, argparse.Namespace], int]) -> Handler:
    """A handler of the open commune database (``--db``) as a command's handler."""

    def with_database(args: argparse.Namespace) -> int:
        with open_commune(args.db) as cdb:
            return handler(cdb, args)

    return with_database


# --- passwords --------------------------------------------------------------------------------


def ask_secret(variable: str, prompt: str, *, repeat: bool = False) -> str:
    """A password or passphrase from the environment variable ``variable`` (for scripts), or
    asked without echo (twice with ``repeat``)."""
    if variable in os.environ:
        return os.environ[variable]
    if not sys.stdin.isatty():
        raise CliError(
            tr(
                "Cần mật khẩu: đặt biến môi trường {variable} hoặc chạy trong cửa sổ lệnh.",
                variable=variable,
            )
        )
    secret = getpass.getpass(prompt)
    if repeat and getpass.getpass(tr("Nhập lại: ")) != secret:
        raise CliError(tr("Hai lần nhập mật khẩu không giống nhau."))
    return secret


def _require_users(database: OpenDatabase) -> None:
    from gnapp.store.users import has_users

    if not has_users(database.db):
        raise CliError(
            tr(
                "Tệp {name} chưa có người dùng: hãy thêm người quản trị trước (lệnh "
                "“user add … --role admin”).",
                name=database.path.name,
            )
        )


def sign_in_user(database: OpenDatabase, username: str) -> Any:
    """Sign ``username`` in (password from GNAPP_USER_PASSWORD or asked); the signed-in user."""
    from gnapp.store.users import sign_in

    _require_users(database)
    return sign_in(
        database,
        username,
        ask_secret(USER_PASSWORD, tr("Mật khẩu của {username}: ", username=username)),
    )


def sign_in_admin(database: OpenDatabase, username: str | None) -> None:
    """Sign the acting administrator in (password from GNAPP_ADMIN_PASSWORD or asked)."""
    from gnapp.store import users

    if not username:
        raise CliError(tr("Cần --admin TÊN của người quản trị."))
    _require_users(database)
    password = ask_secret(ADMIN_PASSWORD, tr("Mật khẩu của {username}: ", username=username))
    users.require(users.sign_in(database, username, password), "administer", database.role_scheme)


# --- what the user typed ----------------------------------------------------------------------


def lookup_household(db: Any, code: str) -> int:
    """The household of ``code`` (as typed: Unicode forms aside), or a refusal."""
    from gnapp.store.register import household_id_by_code

    found = household_id_by_code(db, code)
    if found is None:
        raise CliError(tr("Không có hộ mã “{code}” trong sổ.", code=code))
    return found


def lookup_village(db: Any, written: str) -> int:
    """A village by its code or its name (as an import matches it: diacritics, case and
    "Thôn"/"Tổ dân phố" aside), or a refusal naming the villages there are."""
    from gnapp.store.register import find_village, villages

    found = find_village(db, written)
    if found is not None:
        return found
    names = ", ".join(f"{row['code']} {row['name']}" for row in villages(db))
    raise CliError(
        tr("Không có thôn / tổ dân phố “{written}” (có: {names}).", written=written, names=names)
    )


def read_json(path: Path) -> Any:
    """The JSON document in the file ``path``, or a refusal saying why not."""
    from gnapp.core import input_files

    try:
        return input_files.read_json(path)
    except OSError as error:
        raise CliError(
            tr("Không đọc được tệp {path}: {strerror}", path=path, strerror=error.strerror)
        ) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CliError(
            tr(
                "Không đọc được tệp {path}: không phải JSON hợp lệ (UTF-8): {error}",
                path=path,
                error=error,
            )
        ) from error


def output_folder(path: Path) -> Path:
    """``path``, the folder a command writes into, created when it does not exist yet."""
    if path.exists() and not path.is_dir():
        raise CliError(tr("{path} là một tệp, không phải thư mục", path=path))
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- printing ---------------------------------------------------------------------------------


def print_json(value: Any) -> None:
    """``value`` as indented JSON, Vietnamese letters as they are."""
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def print_table(rows: Iterable[Sequence[Any]]) -> None:
    """Rows as tab-separated lines (a heading row first where the command has one)."""
    for row in rows:
        print("\t".join("" if cell is None else str(cell) for cell in row))


def format_amount(dong: int | float) -> str:
    """An amount of money in the command's language ("1.500.000 đồng")."""
    from gnapp.core.vietnamese import format_number

    return tr("{amount} đồng", amount=format_number(dong))


def print_limited(lines: Sequence[str]) -> None:
    """The first SHOWN_PROBLEMS of ``lines``, indented, and how many more there are."""
    from gnapp.core.vietnamese import format_number

    for line in lines[:SHOWN_PROBLEMS]:
        print(f"  {line}")
    hidden = len(lines) - SHOWN_PROBLEMS
    if hidden > 0:
        print("  " + tr("… và {count} vấn đề khác", count=format_number(hidden)))


def show_progress(message: str) -> None:
    """Rewrite the progress line on stderr, only when stderr is a terminal (in a log file the
    lines would run together)."""
    if sys.stderr.isatty():
        print(f"\r{message}", end="", file=sys.stderr, flush=True)


def end_progress() -> None:
    """Close the progress line (on a terminal)."""
    if sys.stderr.isatty():
        print(file=sys.stderr)


def progress_on_stderr() -> Progress:
    """A progress that rewrites one line of stderr with each step's message (on a terminal)."""
    from gnapp.progress import Progress

    return Progress(lambda done, total, message: show_progress(message))


def apply_unless_dry_run(dry_run: bool, apply: Callable[[Progress], T]) -> T | None:
    """``apply`` with a progress on stderr, or with ``--dry-run`` nothing (None, and say so)."""
    if dry_run:
        print(tr("Chạy thử (--dry-run): chưa ghi gì vào dữ liệu."))
        return None
    result = apply(progress_on_stderr())
    end_progress()
    return result
