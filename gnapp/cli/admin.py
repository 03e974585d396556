"""The commands that set a commune up and look after it: ``setup``, ``user``, ``settings``,
``backup``, ``db check``, ``language``, ``standards`` and ``demo create``.

Passwords are asked when a command runs, or read from GNAPP_PASSWORD (a new password) and
GNAPP_ADMIN_PASSWORD (the acting administrator's).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gnapp.cli.common import (
    EXIT_DAMAGED,
    CliError,
    add_db,
    ask_secret,
    end_progress,
    on_commune,
    print_table,
    show_progress,
    sign_in_admin,
    subcommands,
)
from gnapp.i18n import LANGUAGES, tr, tr_noop
from gnapp.store.roles import ADMIN, COMMUNE_ROLES, RoleScheme

if TYPE_CHECKING:
    from gnapp.store.database import CommuneDatabase, OpenDatabase

MULTILINE_SETTINGS = ("document.recipients",)
USER_ACTIONS = {
    "add": tr_noop("thêm"),
    "passwd": tr_noop("đổi mật khẩu"),
    "roles": tr_noop("đổi vai trò"),
    "lock": tr_noop("khóa"),
    "unlock": tr_noop("mở khóa"),
}
USER_PASSWORDS = tr_noop(
    "Mật khẩu được hỏi khi chạy, hoặc lấy từ biến môi trường GNAPP_PASSWORD (mật khẩu mới) và "
    "GNAPP_ADMIN_PASSWORD (mật khẩu của người quản trị thực hiện)."
)
PASSPHRASE_VARIABLE = "GNAPP_BACKUP_PASSPHRASE"  # an encrypted backup's passphrase, for scripts


# The commands add_commands adds (gnapp.cli builds only the group of the command run).
COMMANDS = ("setup", "user", "settings", "backup", "db", "language", "standards", "demo")


def add_commands(commands: Any) -> None:
    """Add setup, user, settings, backup, db, language, standards and demo."""
    _add_setup(commands)
    _add_user(commands)
    _add_settings(commands)
    _add_backup(commands)

    database = commands.add_parser("db", help=tr("kiểm tra tệp dữ liệu xã"))
    check = subcommands(database, "db").add_parser(
        "check", help=tr("kiểm tra toàn vẹn và phiên bản lược đồ (mã 0 chỉ khi tốt)")
    )
    check.add_argument("path", type=Path, metavar="PATH", help=tr("tệp dữ liệu xã"))
    check.set_defaults(handler=_db_check)

    language = commands.add_parser(
        "language", help=tr("ngôn ngữ giao diện trên máy này: xem, hoặc chọn (vi, en)")
    )
    language.add_argument("code", nargs="?", choices=sorted(LANGUAGES), metavar=tr("MÃ"),
                          help=tr("vi hoặc en (bỏ trống: xem ngôn ngữ đang chọn)"))  # fmt: skip
    language.set_defaults(handler=_language)

    commands.add_parser("standards", help=tr("liệt kê các chuẩn nghèo có sẵn")).set_defaults(
        handler=_standards
    )

    demo = commands.add_parser("demo", help=tr("dữ liệu xã mẫu"))
    create = subcommands(demo, "demo").add_parser("create", help=tr("tạo cơ sở dữ liệu xã mẫu"))
    create.add_argument("path", type=Path, metavar="PATH", help=tr("tệp dữ liệu mới"))
    create.add_argument(
        "--households", type=int, default=None, metavar="N", help=tr("số hộ (2.500)")
    )
    create.add_argument(
        "--seed", type=int, default=None, metavar="S", help=tr("hạt giống ngẫu nhiên")
    )
    create.set_defaults(handler=_demo_create)


def _add_setup(commands: Any) -> None:
    setup = commands.add_parser(
        "setup",
        help=tr("thiết lập dữ liệu cho một xã mới (như trình hướng dẫn lần đầu)"),
        description=tr(
            "Mật khẩu của người quản trị: hỏi khi chạy, hoặc biến môi trường GNAPP_PASSWORD."
        ),
    )
    setup.add_argument("path", type=Path, metavar=tr("TỆP.gnapp"), help=tr("tệp dữ liệu mới"))
    setup.add_argument("--code", required=True, metavar=tr("MÃ"), help=tr("mã xã (5 chữ số)"))
    setup.add_argument("--name", required=True, metavar=tr("TÊN"), help=tr("tên xã, phường"))
    setup.add_argument(
        "--kind",
        default="xa",
        choices=("xa", "phuong", "dac_khu", "thi_tran"),
        help=tr("loại đơn vị"),
    )
    setup.add_argument("--province", required=True, metavar=tr("TỈNH"), help=tr("tỉnh, thành phố"))
    setup.add_argument("--receiver", default="", metavar=tr("TÊN"), help=tr("cơ quan nhận báo cáo"))
    setup.add_argument(
        "--receiver-kind",
        default="province",
        choices=("province", "district"),
        help=tr("cấp của cơ quan đó"),
    )
    setup.add_argument(
        "--village",
        action="append",
        required=True,
        metavar=tr("MÃ:TÊN[:urban]"),
        help=tr("một thôn, tổ dân phố (nhắc lại cho mỗi thôn; thêm :urban nếu thuộc thành thị)"),
    )
    setup.add_argument(
        "--admin", required=True, metavar=tr("TÊN"), help=tr("tên đăng nhập quản trị")
    )
    setup.add_argument(
        "--admin-name", required=True, metavar=tr("HỌ_TÊN"), help=tr("họ tên quản trị")
    )
    setup.add_argument(
        "--approver", action="store_true", help=tr("người quản trị cũng là lãnh đạo phê duyệt")
    )
    setup.add_argument(
        "--signer-name", default="", metavar=tr("HỌ_TÊN"), help=tr("người ký văn bản")
    )
    setup.add_argument(
        "--signer-title",
        default="PHÓ CHỦ TỊCH",
        choices=("PHÓ CHỦ TỊCH", "CHỦ TỊCH"),
        help=tr("chức vụ người ký (mặc định: PHÓ CHỦ TỊCH)"),
    )
    setup.set_defaults(handler=_setup)


def _add_user(commands: Any) -> None:
    user = commands.add_parser(
        "user",
        help=tr("người dùng và vai trò: xem, thêm, đổi mật khẩu, đổi vai trò, khóa, mở khóa"),
        description=tr(USER_PASSWORDS),
    )
    add_user_commands(subcommands(user, "user"), on_commune, COMMUNE_ROLES, tr("tệp dữ liệu xã"))


def add_user_commands(
    actions: Any, on_database: Callable[[Any], Any], scheme: RoleScheme, file_help: str
) -> None:
    """The ``user`` commands (list, failures, add, passwd, roles, lock, unlock) of a kind of
    file: opened by ``on_database``, its roles ``scheme``, ``--db`` described as ``file_help``."""
    listing = actions.add_parser("list", help=tr("các tài khoản, vai trò và tình trạng"))
    add_db(listing, file_help)
    listing.set_defaults(handler=on_database(_user_list))
    failures = actions.add_parser(
        "failures", help=tr("các lần đăng nhập sai gần nhất (chỉ người quản trị xem)")
    )
    add_db(failures, file_help)
    failures.add_argument(
        "--admin", required=True, metavar=tr("TÊN"), help=tr("người quản trị xem")
    )
    failures.set_defaults(handler=on_database(_user_failures))
    for name, help_text in (
        ("add", tr("thêm một người dùng (mật khẩu mới: GNAPP_PASSWORD hoặc hỏi)")),
        ("passwd", tr("đặt mật khẩu mới cho một người dùng")),
        ("roles", tr("đổi vai trò của một người dùng")),
        ("lock", tr("khóa một tài khoản")),
        ("unlock", tr("mở khóa một tài khoản")),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("username", metavar=tr("TÊN_ĐĂNG_NHẬP"), help=tr("tên đăng nhập"))
        add_db(action, file_help)
        if name == "add":
            action.add_argument("--name", required=True, metavar=tr("HỌ_TÊN"), help=tr("họ và tên"))
        if name in ("add", "roles"):
            action.add_argument(
                "--role",
                action="append",
                required=True,
                choices=list(scheme.roles),
                help=tr("vai trò (nhắc lại để cho nhiều vai trò): ") + ", ".join(scheme.roles),
            )
        action.add_argument(
            "--admin",
            metavar=tr("TÊN"),
            help=tr("người quản trị thực hiện (bắt buộc khi đã có người dùng)"),
        )
        action.set_defaults(handler=on_database(_user))


def _add_settings(commands: Any) -> None:
    settings = commands.add_parser(
        "settings",
        help=tr("cài đặt của xã: xem, đổi (người quản trị)"),
        description=tr(
            "Giá trị nhiều dòng (nơi nhận, dòng thẩm quyền ký) viết cách nhau bằng “|”."
        ),
    )
    actions = subcommands(settings, "settings")
    listing = actions.add_parser("list", help=tr("mọi khóa cài đặt, tên và giá trị hiện tại"))
    add_db(listing)
    listing.set_defaults(handler=on_commune(_settings_list))
    change = actions.add_parser("set", help=tr("đổi một cài đặt"))
    change.add_argument("key", metavar=tr("KHÓA"), help=tr("khóa (cột đầu của “settings list”)"))
    change.add_argument(
        "value", metavar=tr("GIÁ_TRỊ"), help=tr("giá trị mới (nhiều dòng: cách nhau “|”)")
    )
    add_db(change)
    change.add_argument("--admin", metavar=tr("TÊN"), help=tr("người quản trị thực hiện"))
    change.set_defaults(handler=on_commune(_settings_set))


def _add_backup(commands: Any) -> None:
    backup = commands.add_parser(
        "backup",
        help=tr("sao lưu và phục hồi dữ liệu xã"),
        description=tr(
            "Bản sao lưu ra USB hay thư mục khác (--to) được mã hóa bằng mật khẩu "
            "sao lưu: hỏi khi chạy (hai lần khi tạo), hoặc biến môi trường "
            "GNAPP_BACKUP_PASSPHRASE."
        ),
    )
    actions = subcommands(backup, "backup")
    make = actions.add_parser(
        "make", help=tr("sao lưu ngay (vào thư mục sao lưu, hoặc mã hóa vào USB với --to)")
    )
    make.add_argument(
        "--to",
        type=Path,
        metavar=tr("THƯ_MỤC"),
        help=tr("thư mục nhận bản sao lưu, vd. ổ USB (bản sao lưu được mã hóa bằng mật khẩu)"),
    )
    make.set_defaults(handler=_backup_make)
    listing = actions.add_parser("list", help=tr("các bản sao lưu và nội dung của từng bản"))
    listing.add_argument(
        "--folder",
        type=Path,
        metavar=tr("THƯ_MỤC"),
        help=tr("thư mục chứa bản sao lưu (mặc định: thư mục sao lưu tự động của tệp dữ liệu)"),
    )
    listing.set_defaults(handler=_backup_list)
    restore = actions.add_parser(
        "restore",
        help=tr("thay dữ liệu xã bằng một bản sao lưu (giữ lại bản sao dữ liệu hiện tại)"),
    )
    restore.add_argument("backup", type=Path, metavar=tr("TỆP_SAO_LƯU"), help=tr("tệp sao lưu"))
    restore.set_defaults(handler=_backup_restore)
    for parser in (make, listing, restore):
        add_db(parser)
    folder = actions.add_parser(
        "folder", help=tr("thư mục nhận bản sao lưu tự động trên máy này: xem hoặc đổi")
    )
    folder.add_argument("folder", type=Path, nargs="?", metavar=tr("THƯ_MỤC"),
                        help=tr("thư mục mới (bỏ trống: xem thư mục đang dùng)"))  # fmt: skip
    folder.add_argument("--default", action="store_true", help=tr("dùng lại thư mục mặc định"))
    folder.set_defaults(handler=_backup_folder)


# --- the commune ------------------------------------------------------------------------------


def _setup(args: argparse.Namespace) -> int:
    from gnapp.store.setup import (
        AdminAccount,
        CommuneIdentity,
        DocumentSettings,
        VillageEntry,
        create_commune_database,
    )

    villages = []
    for text in args.village:
        code, _, rest = text.partition(":")
        name, _, area = rest.partition(":")
        villages.append(VillageEntry(code, name, area or "rural"))
    roles = ("admin", "clerk") + (("approver",) if args.approver else ())
    password = ask_secret(
        "GNAPP_PASSWORD", tr("Mật khẩu cho {admin}: ", admin=args.admin), repeat=True
    )
    cdb = create_commune_database(
        args.path,
        CommuneIdentity(
            args.code, args.name, args.kind, args.province, args.receiver, args.receiver_kind
        ),
        villages,
        AdminAccount(args.admin, args.admin_name, password, roles),
        DocumentSettings.signed_by(args.signer_name, args.signer_title),
    )
    cdb.close()
    print(
        tr(
            "Đã tạo {path}: {name}, {count} thôn, quản trị {admin}.",
            path=args.path,
            name=args.name,
            count=len(villages),
            admin=args.admin,
        )
    )
    return 0


def _user_list(cdb: OpenDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.users import list_users

    print_table(
        (account.username, account.full_name, account.role_names,
         tr("đang dùng") if account.active else tr("đã khóa"))
        for account in list_users(cdb.db, cdb.role_scheme)
    )  # fmt: skip
    return 0


def _user_failures(cdb: OpenDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.users import sign_in_failures

    sign_in_admin(cdb, args.admin)
    print_table(sign_in_failures(cdb.db))
    return 0


def _user(cdb: OpenDatabase, args: argparse.Namespace) -> int:
    from gnapp.store import users

    action = args.user_command
    if users.has_users(cdb.db):
        sign_in_admin(cdb, args.admin)
    elif action != "add" or ADMIN not in args.role:
        raise CliError(
            tr(
                "Tệp {name} chưa có người dùng: hãy thêm người quản trị trước (--role admin).",
                name=cdb.path.name,
            )
        )
    if action == "add":
        password = ask_secret("GNAPP_PASSWORD", tr("Mật khẩu mới: "), repeat=True)
        users.add_user(cdb, args.username, args.name, args.role, password)
    elif action == "passwd":
        password = ask_secret("GNAPP_PASSWORD", tr("Mật khẩu mới: "), repeat=True)
        users.change_password(cdb, args.username, password)
    elif action == "roles":
        users.set_roles(cdb, args.username, args.role)
    else:
        users.set_active(cdb, args.username, action == "unlock")
    print(
        tr(
            "Đã {action} tài khoản {username}.",
            action=tr(USER_ACTIONS[action]),
            username=args.username,
        )
    )
    return 0


def _settings_list(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.settings import SETTINGS, current_settings

    print_table(
        (key, tr(SETTINGS[key].label), " | ".join(value) if isinstance(value, list) else value)
        for key, value in current_settings(cdb.db).items()
    )
    return 0


def _settings_set(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.settings import save_settings

    sign_in_admin(cdb, args.admin)
    value = args.value.replace("|", "\n") if args.key in MULTILINE_SETTINGS else args.value
    save_settings(cdb, {args.key: value})
    print(tr("Đã lưu {key}.", key=args.key))
    return 0


# --- backups and the database file ------------------------------------------------------------


def _print_lines(lines: list[str]) -> None:
    for line in lines:
        print(f"  {line}")


def _backup_folder(args: argparse.Namespace) -> int:
    from gnapp import preferences

    if args.default and args.folder:
        raise CliError(tr("Chọn một thư mục hoặc --default, không cả hai."))
    if args.default or args.folder:
        folder = preferences.set_backup_root(None if args.default else args.folder)
        print(tr("Từ nay bản sao lưu tự động được ghi vào: {folder}", folder=folder))
        print(tr("(Các bản sao lưu cũ vẫn ở thư mục trước.)"))
    else:
        print(preferences.backup_root())
    return 0


def _backup_folder_of(database: Path) -> Path:
    """The folder of the database's automatic backups, under this computer's backup root."""
    from gnapp.preferences import backup_root
    from gnapp.store.backups import default_backup_folder

    return default_backup_folder(database, backup_root())


def _backup_make(args: argparse.Namespace) -> int:
    from gnapp.store import backups

    def progress(done: int, total: int, message: str) -> None:
        if total:
            show_progress(f"{message} {done * 100 // total}%")

    passphrase = None
    if args.to is not None:  # leaving the data folder: encrypted
        from gnapp.store.backup_encryption import check_backup_passphrase

        passphrase = ask_secret(
            PASSPHRASE_VARIABLE, tr("Mật khẩu cho bản sao lưu (ít nhất 10 ký tự): "), repeat=True
        )
        check_backup_passphrase(passphrase)
    folder = args.to or _backup_folder_of(args.db)
    made = backups.make_backup(args.db, folder, "manual", progress, passphrase=passphrase)
    end_progress()
    print(tr("Đã sao lưu vào {made}", made=made))
    if passphrase is not None:
        print(tr("Bản sao lưu được mã hóa: cần đúng mật khẩu này để phục hồi, hãy ghi nhớ nó."))
        _print_lines(backups.describe_backup(args.db).lines()[1:5])
    else:
        _print_lines(backups.describe_backup(made).lines())
    return 0


def _backup_list(args: argparse.Namespace) -> int:
    from gnapp.store import backups
    from gnapp.store.backup_encryption import is_encrypted

    folder = args.folder or _backup_folder_of(args.db)
    found = backups.list_backups(folder)
    if not found:
        print(tr("Chưa có bản sao lưu nào trong thư mục {folder}", folder=folder))
        return 0
    print(tr("Thư mục sao lưu: {folder}", folder=folder))
    for backup in found:
        print(backup.path.name)
        problem = backups.check_integrity(backup.path).restore_problem
        if is_encrypted(backup.path):
            _print_lines([tr("Được mã hóa: cần mật khẩu để xem nội dung hay phục hồi.")])
        elif problem:
            _print_lines([tr("KHÔNG DÙNG ĐƯỢC: {problem}", problem=problem)])
        else:
            _print_lines(backups.describe_backup(backup.path).lines())
    return 0


def _backup_restore(args: argparse.Namespace) -> int:
    from gnapp.store import backups
    from gnapp.store.backup_encryption import is_encrypted

    source, named_as = args.backup, None
    if is_encrypted(args.backup):
        passphrase = ask_secret(PASSPHRASE_VARIABLE, tr("Mật khẩu của bản sao lưu: "))
        source, named_as = backups.decrypt_backup(args.backup, passphrase, args.db), args.backup
    try:
        described = backups.describe_backup(source, named_as=named_as).lines()  # or refused
        print(tr("Bản sao lưu {backup} chứa:", backup=args.backup))
        _print_lines(described)
        print(tr("Phục hồi {db} từ bản sao lưu này…", db=args.db))
        result = backups.restore_backup(
            source, args.db, _backup_folder_of(args.db), named_as=named_as
        )
    finally:
        if named_as is not None:
            backups.remove_decrypted(source)
    if result.kept_copy is not None:
        print(
            tr(
                "Dữ liệu trước khi phục hồi được giữ lại trong tệp {kept_copy}",
                kept_copy=result.kept_copy,
            )
        )
    print(tr("Đã phục hồi xong."))
    return 0


def _db_check(args: argparse.Namespace) -> int:
    from gnapp.store.backups import check_integrity

    if not args.path.exists():
        raise CliError(tr("Không tìm thấy tệp dữ liệu: {path}", path=args.path))
    report = check_integrity(args.path, quick=False)
    if report.version is None:
        raise CliError(
            tr(
                "Tệp {path} không phải cơ sở dữ liệu GNApp hợp lệ ({problem}).",
                path=args.path,
                problem=report.problems[0],
            )
        )
    print("\n".join(report.lines()))
    if report.chain_break is not None:
        return EXIT_DAMAGED
    return 0 if report.passed else 1


# --- this computer and the demo --------------------------------------------------------------


def _language(args: argparse.Namespace) -> int:
    from gnapp.preferences import preferred_language, remember_language

    if args.code is not None:
        remember_language(args.code)
        print(tr("Từ lần mở sau, giao diện dùng: {language}", language=LANGUAGES[args.code]))
    else:
        code = preferred_language()
        print(f"{code} — {LANGUAGES[code]}")
    return 0


def _standards(_: argparse.Namespace) -> int:
    from gnapp.core.standards import available_standards

    for standard in available_standards():
        print(f"{standard.id}\t{tr(standard.name)}")
    return 0


def _demo_create(args: argparse.Namespace) -> int:
    from gnapp.demo import DEFAULT_HOUSEHOLDS, DEFAULT_SEED, create_demo

    if args.path.exists():
        raise CliError(tr("Tệp đã tồn tại, không ghi đè: {path}", path=args.path))
    households = DEFAULT_HOUSEHOLDS if args.households is None else args.households
    if households < 1:
        raise CliError(tr("Số hộ phải lớn hơn 0"))

    def progress(done: int, total: int) -> None:
        show_progress(tr("Đang tạo: {done}/{total} hộ", done=done, total=total))

    summary = create_demo(
        args.path, households, DEFAULT_SEED if args.seed is None else args.seed, progress
    )
    end_progress()
    print(
        tr(
            "Đã tạo xã mẫu {path}: {villages} thôn/tổ dân phố, {households} hộ, "
            "{members} nhân khẩu.",
            path=summary.path,
            villages=summary.villages,
            households=summary.households,
            members=summary.members,
        )
    )
    return 0
