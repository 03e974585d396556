"""``gnapp office``: the receiving office (district, province) — its database and key, the
communes' keys, receiving packages, the board and the consolidation; ``gnapp receive`` and
``gnapp consolidate`` are the same as ``office receive`` and ``office consolidate``.

The office's key is unlocked with GNAPP_PASSPHRASE (or asked); ``office create`` protects the
new key with GNAPP_NEW_PASSPHRASE (or asks twice) and gives its first administrator the password
GNAPP_PASSWORD (or asks twice). What changes the office's records names a user who signs in as the
commune's commands do: ``--user`` (GNAPP_USER_PASSWORD or asked) to receive and consolidate, the
head or administrator to register keys; ``office user`` manages the accounts (``--admin``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from gnapp.cli.admin import USER_PASSWORDS, add_user_commands
from gnapp.cli.common import (
    EXIT_DONE,
    EXIT_REFUSED,
    USER_PASSWORD,
    CliError,
    add_db,
    ask_secret,
    output_folder,
    sign_in_user,
    subcommands,
)
from gnapp.cli.packages import confirm_fingerprint, new_passphrase, passphrase, read_bytes
from gnapp.i18n import tr, tr_noop

OFFICE_DB = tr_noop("tệp dữ liệu của cơ quan nhận (.gnoffice)")
SHOWN_DIFFERENCES = 30


def _on_office(handler: Callable[[Any, argparse.Namespace], int]) -> Callable[..., int]:
    """A handler of the open office database (``--db``) as a command's handler."""

    def with_office(args: argparse.Namespace) -> int:
        from gnapp.office.store.database import open_office

        with open_office(args.db) as office:
            return handler(office, args)

    return with_office


def _office_command(
    commands: Any, name: str, help_text: str, handler: Callable, *, signed_in: bool = False
) -> Any:
    """A command on the office database; ``signed_in``: it acts as the user of ``--user``."""
    parser = commands.add_parser(name, help=help_text)
    add_db(parser, tr(OFFICE_DB))
    if signed_in:
        parser.add_argument(
            "--user",
            required=True,
            metavar=tr("TÊN"),
            help=tr(
                "người thực hiện (mật khẩu đăng nhập hỏi khi chạy hoặc {USER_PASSWORD})",
                USER_PASSWORD=USER_PASSWORD,
            ),
        )
    parser.set_defaults(handler=_on_office(handler))
    return parser


# The commands add_commands adds (gnapp.cli builds only the group of the command run).
COMMANDS = ("office", "receive", "consolidate")


def add_commands(commands: Any) -> None:
    """Add ``office`` and the shortcuts ``receive`` and ``consolidate``."""
    from gnapp.office.store.database import OFFICE_ROLES  # the --role choices of office user

    office = commands.add_parser("office", help=tr("chế độ cơ quan nhận báo cáo (huyện, tỉnh)"))
    office_commands = subcommands(office, "office")
    office_create = office_commands.add_parser("create", help=tr("tạo dữ liệu và khóa của cơ quan"))
    office_create.add_argument("path", type=Path, metavar="PATH", help=tr("tệp .gnoffice mới"))
    for name, help_text in (
        ("--name", tr("tên cơ quan trong văn bản, vd. UBND tỉnh Quảng Ngãi")),
        ("--parent", tr("dòng cơ quan chủ quản, vd. UBND TỈNH QUẢNG NGÃI")),
        ("--office", tr("dòng tên cơ quan, vd. SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")),
        ("--place", tr("địa danh ghi ngày tháng, vd. Quảng Ngãi")),
        ("--area", tr("địa bàn tổng hợp, vd. tỉnh Quảng Ngãi")),
        ("--province", tr("tỉnh, thành phố")),
    ):
        office_create.add_argument(name, required=True, help=help_text)
    office_create.add_argument("--kind", choices=("district", "province"), default="province",
                               help=tr("cấp của cơ quan (mặc định: province)"))  # fmt: skip
    office_create.add_argument("--symbol", default="BC", help=tr("ký hiệu văn bản, vd. BC-SNNMT"))
    office_create.add_argument("--signer-title", default="GIÁM ĐỐC", metavar=tr("CHỨC_VỤ"),
                               help=tr("chức vụ người ký (mặc định: GIÁM ĐỐC)"))  # fmt: skip
    office_create.add_argument(
        "--signer-name", default="", metavar=tr("HỌ_TÊN"), help=tr("người ký")
    )
    office_create.add_argument("--admin", required=True, metavar=tr("TÊN"),
                               help=tr("tên đăng nhập của người quản trị đầu tiên"))  # fmt: skip
    office_create.add_argument("--admin-name", required=True, metavar=tr("HỌ_TÊN"),
                               help=tr("họ tên người quản trị đầu tiên"))  # fmt: skip
    office_create.set_defaults(handler=_create)
    accounts = office_commands.add_parser(
        "user",
        help=tr("người dùng của cơ quan và vai trò (officer, admin): xem, thêm, đổi, khóa"),
        description=tr(USER_PASSWORDS),
    )
    add_user_commands(subcommands(accounts, "user"), _on_office, OFFICE_ROLES, tr(OFFICE_DB))

    key = _office_command(office_commands, "key", tr("ghi tệp khóa mã hóa để gửi các xã"), _key)
    key.add_argument("--out", type=Path, required=True, metavar="DIR|FILE",
                     help=tr("thư mục hoặc tệp .gnpub ghi ra"))  # fmt: skip
    register = _office_command(
        office_commands,
        "register",
        tr("đăng ký xã (tệp .gnpub) hoặc nhận tệp đổi khóa (.gnkeychange): lãnh đạo, quản trị"),
        _register,
        signed_in=True,
    )
    register.add_argument(
        "file", type=Path, metavar="FILE", help=tr("tệp .gnpub hoặc .gnkeychange")
    )
    register.add_argument(
        "--fingerprint", metavar=tr("DẤU_VÂN_TAY"), help=tr("đã đối chiếu qua điện thoại")
    )
    register.add_argument(
        "--replace", action="store_true", help=tr("xã tạo khóa mới do quên mật khẩu")
    )
    for group, help_text in ((office_commands, tr("nhận gói báo cáo")),
                             (commands, tr("nhận gói báo cáo (cơ quan nhận)"))):  # fmt: skip
        receiver = _office_command(group, "receive", help_text, _receive, signed_in=True)
        receiver.add_argument("files", nargs="+", type=Path, metavar="FILE|DIR",
                              help=tr("tệp gói, hoặc thư mục chứa các gói"))  # fmt: skip
    watch = _office_command(
        office_commands, "watch", tr("theo dõi một thư mục và nhận gói mới"), _watch, signed_in=True
    )
    watch.add_argument("folder", type=Path, metavar="DIR", help=tr("thư mục theo dõi"))
    watch.add_argument("--interval", type=float, default=10.0, metavar=tr("GIÂY"),
                       help=tr("bao lâu xem lại thư mục một lần (mặc định: 10 giây)"))  # fmt: skip
    board = _office_command(
        office_commands, "board", tr("bảng theo dõi xã đã gửi báo cáo nào"), _board
    )
    board.add_argument("--kind", metavar=tr("LOẠI"), help=tr("chỉ một loại báo cáo"))
    history = _office_command(
        office_commands, "receipts", tr("các tệp đã nhận hoặc từ chối, mới nhất trước"), _receipts
    )
    history.add_argument("--limit", type=int, default=50, metavar=tr("SỐ"),
                         help=tr("in tối đa SỐ tệp (mặc định: 50)"))  # fmt: skip
    written = _office_command(
        office_commands,
        "consolidations",
        tr("các báo cáo tổng hợp đã lập, mới nhất trước, và người lập"),
        _consolidations,
    )
    written.add_argument("--limit", type=int, default=50, metavar=tr("SỐ"),
                         help=tr("in tối đa SỐ báo cáo (mặc định: 50)"))  # fmt: skip
    for group in (office_commands, commands):
        consolidator = _office_command(
            group, "consolidate", tr("báo cáo tổng hợp các xã"), _consolidate, signed_in=True
        )
        consolidator.add_argument(
            "--period", required=True, metavar=tr("KỲ"), help=tr("kỳ báo cáo")
        )
        consolidator.add_argument(
            "--kind", metavar=tr("LOẠI"), help=tr("loại báo cáo (mặc định: theo kỳ)")
        )
        consolidator.add_argument("--out", type=Path, required=True, metavar="DIR",
                                  help=tr("thư mục ghi tệp PDF và Excel"))  # fmt: skip
        consolidator.add_argument("--number", metavar=tr("SỐ"), help=tr("số văn bản"))
        consolidator.add_argument(
            "--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help=tr("ngày văn bản")
        )


def _create(args: argparse.Namespace) -> int:
    from gnapp.office.registry import create_office, office_public_key
    from gnapp.office.store.database import OfficeIdentity
    from gnapp.store.roles import ADMIN
    from gnapp.store.setup import AdminAccount

    identity = OfficeIdentity(
        name=args.name,
        parent_body=args.parent,
        office=args.office,
        place=args.place,
        area=args.area,
        kind=args.kind,
        province=args.province,
        symbol=args.symbol,
        signer_title=args.signer_title,
        signer_name=args.signer_name,
    )
    key_passphrase = new_passphrase()
    password = ask_secret(
        "GNAPP_PASSWORD", tr("Mật khẩu cho {admin}: ", admin=args.admin), repeat=True
    )
    admin = AdminAccount(args.admin, args.admin_name, password, (ADMIN,))
    with create_office(args.path, identity, key_passphrase, admin) as office:
        key = office_public_key(office)
    print(
        tr(
            "Đã tạo {path}, quản trị {admin}. Dấu vân tay khóa mã hóa của cơ quan: {fingerprint}",
            path=args.path,
            admin=args.admin,
            fingerprint=key.fingerprint,
        )
    )
    return 0


def _key(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.registry import office_public_key
    from gnapp.packages.keys import write_public_key

    key = office_public_key(office)
    path = write_public_key(key, args.out)
    print(tr("Đã ghi {path}. Dấu vân tay: {fingerprint}", path=path, fingerprint=key.fingerprint))
    return 0


def _register(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.registry import apply_key_change, register_commune
    from gnapp.packages.keys import (
        KEY_CHANGE_SUFFIX,
        PUBLIC_KEY_SUFFIX,
        SIGNING,
        read_key_change,
        read_public_key,
    )

    user = sign_in_user(office, args.user)
    content = read_bytes(args.file)
    if args.file.suffix == KEY_CHANGE_SUFFIX:
        change = read_key_change(content)
        confirm_fingerprint(change.new_key, args.fingerprint)
        apply_key_change(office, change, content, user)
        print(
            tr(
                "Đã nhận đổi khóa của {commune_name}: {fingerprint}, từ gói số {from_sequence}.",
                commune_name=change.commune_name,
                fingerprint=change.new_key.fingerprint,
                from_sequence=change.from_sequence,
            )
        )
        return 0
    if args.file.suffix != PUBLIC_KEY_SUFFIX:
        raise CliError(
            tr(
                "Cần tệp {public_key} hoặc {key_change}: {file}",
                public_key=PUBLIC_KEY_SUFFIX,
                key_change=KEY_CHANGE_SUFFIX,
                file=args.file,
            )
        )
    key = read_public_key(content, SIGNING)
    confirm_fingerprint(key, args.fingerprint)
    commune = register_commune(office, key, user, replace=args.replace)
    print(tr("Đã đăng ký {name} (mã {code}).", name=commune.name, code=commune.code))
    return 0


def _print_receipts(receipts: list[Any]) -> bool:
    for receipt in receipts:
        print(receipt.summary())
        for difference in receipt.differences[:SHOWN_DIFFERENCES]:
            print(f"    {difference.line()}")
        if len(receipt.differences) > SHOWN_DIFFERENCES:
            print(
                tr(
                    "    … và {count} số liệu khác",
                    count=len(receipt.differences) - SHOWN_DIFFERENCES,
                )
            )
    return all(r.accepted for r in receipts)


def _unlock(office: Any) -> Any:
    """The office's private key (GNAPP_PASSPHRASE or asked)."""
    from gnapp.office.registry import unlock_office_key

    return unlock_office_key(office, passphrase(tr("Mật khẩu khóa của cơ quan: ")))


def _receive(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.receive import receive_files

    user = sign_in_user(office, args.user)
    receipts = receive_files(office, args.files, _unlock(office), user)
    if not receipts:
        print(tr("Không có gói mới."))
    return EXIT_DONE if _print_receipts(receipts) else EXIT_REFUSED


def _watch(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.receive import receive_files

    if not args.folder.is_dir():
        raise CliError(tr("Không có thư mục {folder}", folder=args.folder))
    user = sign_in_user(office, args.user)
    private = _unlock(office)
    print(tr("Đang theo dõi {folder} (Ctrl+C để dừng)…", folder=args.folder))
    try:
        while True:
            _print_receipts(receive_files(office, [args.folder], private, user))
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 0


def _board(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.board import board, column_label

    shown = board(office, args.kind)
    if not shown.columns:
        print(tr("Chưa nhận báo cáo nào."))
    for column in shown.columns:
        print(f"{column_label(column)}:")
        for code, name in shown.communes:
            cell = shown.cell(code, column)
            print(f"  {name} ({code}): {cell.text if cell else tr('Chưa gửi')}")
    return 0


def _receipts(office: Any, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_timestamp
    from gnapp.office.board import receipt_history

    records = receipt_history(office, args.limit)
    if not records:
        print(tr("Chưa có tệp nào được gửi đến."))
    for record in records:
        if not record.accepted:
            result = tr("TỪ CHỐI — {message}", message=record.message)
        else:
            result = tr("bản sửa") if record.correction else tr("đã nhận")
            result = tr("{report} của {commune}: {result}", report=record.report,
                        commune=record.commune_name, result=result)  # fmt: skip
        by = f" — {record.actor}" if record.actor else ""
        print(f"{format_timestamp(record.at)}  {record.file_name}  {result}{by}")
        for note in record.notes:
            print(tr("    Lưu ý: {note}", note=note))
    return 0


def _consolidations(office: Any, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_date, format_timestamp
    from gnapp.office.consolidate import consolidation_history

    records = consolidation_history(office, args.limit)
    if not records:
        print(tr("Chưa lập báo cáo tổng hợp nào."))
    for record in records:
        number = tr(" số {number}", number=record.number) if record.number else ""
        print(
            tr(
                "{at}  {report}{number} ngày {date}: {communes} "
                "xã (chưa gửi: {missing}) — {actor}; {files}",
                at=format_timestamp(record.at),
                report=record.report,
                number=number,
                date=format_date(date.fromisoformat(record.document_date)),
                communes=record.communes,
                missing=record.missing,
                actor=record.actor,
                files=", ".join(record.files),
            )
        )
    return 0


def _consolidate(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.consolidate import consolidate, write_consolidation

    user = sign_in_user(office, args.user)
    output_folder(args.out)
    consolidation = consolidate(office, args.period, args.kind)
    pdf, xlsx = write_consolidation(
        office, consolidation, args.out, args.date or date.today(), user, args.number
    )
    print(
        tr(
            "Đã tổng hợp {count} xã: {pdf}, {xlsx}",
            count=len(consolidation.packages),
            pdf=pdf,
            xlsx=xlsx,
        )
        + (
            tr("; chưa gửi: {missing}", missing=", ".join(consolidation.missing))
            if consolidation.missing
            else ""
        )
    )
    return 0
