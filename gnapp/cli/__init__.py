"""The ``gnapp`` command line: every subcommand is a thin call into the core (docs/cli.md).

Without a subcommand it starts the GUI (``--demo``, ``--db PATH`` or ``--office-db PATH``).
Each command group registers its subcommands beside their handlers in its own module; what
they share (the database, passwords, printing, errors and exit statuses) is in ``common``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from gnapp import __version__
from gnapp.cli import (
    admin,
    events,
    importing,
    office,
    packages,
    programme,
    register,
    reports,
    review,
)
from gnapp.cli.common import Parser, run
from gnapp.i18n import LANGUAGES, SOURCE_LANGUAGE, current_language, set_language, tr, tr_noop

# The language of a command's output when --language is not given (docs/cli.md).
LANGUAGE_VARIABLE = "GNAPP_LANG"

# The command groups, in the order ``gnapp --help`` lists them.
GROUPS = (register, events, importing, review, programme, reports, packages, office, admin)


# The options before a command that take a value (``gnapp --language en import …``).
_OPTIONS_WITH_VALUE = frozenset({"--db", "--office-db", "--language"})


def _command_word(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs ("import"), or None: no command, or help asked before it."""
    values_left = 0
    for arg in argv:
        if values_left:
            values_left -= 1
        elif arg in ("-h", "--help"):
            return None
        elif arg in _OPTIONS_WITH_VALUE:
            values_left = 1
        elif not arg.startswith("-"):
            return arg
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``gnapp`` parser: the GUI's options and every command group's subcommands; given
    the ``argv`` to parse, only the subcommands of the group of the command it runs (the other
    groups import, to list their options' choices, modules that this command does not need)."""
    command = None if argv is None else _command_word(argv)
    groups = [group for group in GROUPS if command in group.COMMANDS] or GROUPS
    parser = Parser(
        prog="gnapp",
        description=tr("GNApp — quản lý giảm nghèo cấp xã (ngoại tuyến)."),
        epilog=tr(
            "Mã thoát: 0 xong; 1 bị từ chối (dữ liệu nhập sai, kiểm tra không đạt, "
            "sai mật khẩu…); 2 sai cú pháp lệnh; 3 tệp dữ liệu hỏng hoặc không "
            "phải dữ liệu GNApp."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"GNApp {__version__}", help=tr("in phiên bản")
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--demo", action="store_true", help=tr("mở giao diện trên bản sao mới của xã mẫu")
    )
    target.add_argument(
        "--db", type=Path, metavar="PATH", help=tr("mở giao diện trên tệp dữ liệu xã")
    )
    target.add_argument(
        "--office-db",
        type=Path,
        metavar="PATH",
        help=tr("mở giao diện cơ quan nhận báo cáo trên tệp .gnoffice (chưa có thì tạo mới)"),
    )
    target.add_argument(
        "--self-test",
        action="store_true",
        help=tr(
            "tự kiểm tra không cần màn hình: xã mẫu, phân loại, báo cáo, gói ký số, cửa sổ chính"
        ),
    )
    parser.add_argument(
        "--language",
        choices=sorted(LANGUAGES),
        help=tr(
            "ngôn ngữ lần này: của giao diện (mặc định: ngôn ngữ đã chọn trên máy "
            "này), của một lệnh (mặc định: biến môi trường {LANGUAGE_VARIABLE}, "
            "không có thì tiếng Việt) / language",
            LANGUAGE_VARIABLE=LANGUAGE_VARIABLE,
        ),
    )
    parser.set_defaults(handler=_gui)
    commands = parser.add_subparsers(dest="command", metavar=tr("LỆNH"))
    for group in groups:
        group.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``gnapp`` with ``argv`` (default: the process's arguments); the exit status.
    A usage error exits through argparse (status 2)."""
    language, argv = _language(sys.argv[1:] if argv is None else list(argv))
    before = current_language()
    # the parsers' help and usage errors speak the command's language: set it before building
    set_language(language if language in LANGUAGES else SOURCE_LANGUAGE)
    try:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        if args.self_test:
            if args.command is not None:
                parser.error(tr("--self-test không đi cùng một lệnh"))
            return run(_self_test, args)
        if args.command is None:
            set_language(before)  # the GUI chooses its own language (--language or this PC's)
            return run(args.handler, args)
        if language not in LANGUAGES:
            parser.error(
                tr(
                    "{variable}={language}: ngôn ngữ không được hỗ trợ (chọn một trong: {choices})",
                    variable=LANGUAGE_VARIABLE,
                    language=language,
                    choices=", ".join(sorted(LANGUAGES)),
                )
            )
        return run(args.handler, args)
    finally:
        set_language(before)


def _language(argv: list[str]) -> tuple[str, list[str]]:
    """The language ``argv`` asks for (``--language CODE`` wherever it stands, else GNAPP_LANG,
    else Vietnamese), read before the parsers are built; and ``argv`` with ``--language``
    moved before the command, where argparse takes it."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--language" and index + 1 < len(argv):
            rest = argv[:index] + argv[index + 2 :]
            return argv[index + 1], [arg, argv[index + 1], *rest]
        if arg.startswith("--language="):
            return arg.partition("=")[2], [arg, *argv[:index], *argv[index + 1 :]]
    return os.environ.get(LANGUAGE_VARIABLE) or SOURCE_LANGUAGE, argv


def _gui(args: argparse.Namespace) -> int:
    from gnapp.ui.app import run_gui

    # without --db or --office-db: the database opened last, or the first-run setup wizard
    if args.office_db is not None:
        return run_gui(args.office_db, office=True, language=args.language)
    return run_gui(None if args.demo else args.db, demo=args.demo, language=args.language)


def _self_test(_: argparse.Namespace) -> int:
    from gnapp.selftest import CORE_STEPS, Step, run_self_test

    def main_window(context) -> str:
        from gnapp.ui.selftest import check_main_window  # Qt loads for this step only

        return check_main_window(context)

    return run_self_test(
        [*CORE_STEPS, Step(tr_noop("Mở cửa sổ chính (Qt, không màn hình)"), main_window)]
    )
