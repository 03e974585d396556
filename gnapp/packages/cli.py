"""``gnapp key``, ``gnapp package``, ``gnapp office`` and the office's shortcuts ``gnapp receive``
and ``gnapp consolidate``.

Passphrases are asked for with a hidden prompt; scripts give them in the environment:
GNAPP_PASSPHRASE unlocks the key a command uses (the commune's signing key, or the office's
key), GNAPP_NEW_PASSPHRASE protects a key being created (``key create``, ``key change``,
``office create``); GNAPP_USER_PASSWORD signs the approving user in (``package build``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gnapp.cli_support import CliError, ask_secret

if TYPE_CHECKING:
    from gnapp.packages.keys import PublicKey

# The modules behind these commands load only when one runs (``gnapp --version`` stays quick).

PASSPHRASE = "GNAPP_PASSPHRASE"
NEW_PASSPHRASE = "GNAPP_NEW_PASSPHRASE"
USER_PASSWORD = "GNAPP_USER_PASSWORD"
SHOWN_DIFFERENCES = 30


# --- the parsers -----------------------------------------------------------------------------


def _db(parser: argparse.ArgumentParser, help_text: str = "tệp dữ liệu xã") -> None:
    parser.add_argument("--db", type=Path, required=True, metavar="PATH", help=help_text)


def add_commands(commands: Any) -> None:
    """Add key, package, office, receive and consolidate to the ``gnapp`` subcommands."""
    key = commands.add_parser("key", help="khóa ký của xã và khóa mã hóa của cơ quan nhận")
    key_commands = key.add_subparsers(dest="key_command", metavar="LỆNH", required=True)
    create = key_commands.add_parser("create", help="tạo khóa ký của xã (mật khẩu bảo vệ)")
    _db(create)
    create.add_argument(
        "--replace",
        action="store_true",
        help="quên mật khẩu: thay khóa cũ bằng khóa mới (cấp trên phải đăng ký lại)",
    )
    export = key_commands.add_parser("export", help="ghi tệp khóa công khai của xã")
    _db(export)
    export.add_argument("--out", type=Path, required=True, metavar="DIR|FILE")
    fingerprint = key_commands.add_parser("fingerprint", help="dấu vân tay khóa ký của xã")
    _db(fingerprint)
    change = key_commands.add_parser("change", help="đổi khóa ký (ký bằng khóa cũ)")
    _db(change)
    change.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="nơi ghi tệp đổi khóa"
    )
    change_file = key_commands.add_parser(
        "change-file", help="ghi lại tệp đổi khóa của lần đổi khóa gần nhất (gửi cấp trên)"
    )
    _db(change_file)
    change_file.add_argument("--out", type=Path, required=True, metavar="DIR",
                             help="nơi ghi tệp đổi khóa")  # fmt: skip
    receiver_key = key_commands.add_parser("office", help="nhập khóa mã hóa của cơ quan nhận")
    receiver_key.add_argument("file", type=Path, metavar="FILE.gnpub")
    _db(receiver_key)
    receiver_key.add_argument("--fingerprint", metavar="DẤU_VÂN_TAY", help="đã đối chiếu")

    package = commands.add_parser("package", help="gói báo cáo có chữ ký số")
    package_commands = package.add_subparsers(dest="package_command", metavar="LỆNH", required=True)
    build = package_commands.add_parser("build", help="lập, ký và lưu gói báo cáo")
    _db(build)
    chosen = build.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--report", type=int, metavar="SỐ", help="số báo cáo đã lưu")
    chosen.add_argument("--kind", metavar="LOẠI", help="loại báo cáo (bản lưu mới nhất của kỳ)")
    build.add_argument("--period", metavar="KỲ", help="kỳ báo cáo (cùng --kind)")
    build.add_argument("--out", type=Path, required=True, metavar="DIR", help="thư mục, ổ USB")
    build.add_argument("--with-households", action="store_true", help="kèm danh sách hộ")
    build.add_argument("--no-encrypt", action="store_true", help="không mã hóa (khi không có hộ)")
    build.add_argument(
        "--user",
        required=True,
        metavar="TÊN_ĐĂNG_NHẬP",
        help=f"người ký: lãnh đạo phê duyệt (mật khẩu đăng nhập hỏi khi chạy hoặc {USER_PASSWORD})",
    )
    verify = package_commands.add_parser("verify", help="kiểm tra một gói (mã 0: đạt hết)")
    verify.add_argument("file", type=Path, metavar="FILE")
    verify.add_argument("--key", type=Path, required=True, metavar="PUBKEY", help="khóa của xã")
    verify.add_argument("--office-db", type=Path, metavar="PATH", help="để giải mã (cơ quan nhận)")
    sent = package_commands.add_parser("list", help="các gói xã đã lập")
    _db(sent)

    office_db = "tệp dữ liệu của cơ quan nhận (.gnoffice)"
    office = commands.add_parser("office", help="chế độ cơ quan nhận báo cáo (huyện, tỉnh)")
    office_commands = office.add_subparsers(dest="office_command", metavar="LỆNH", required=True)
    office_create = office_commands.add_parser("create", help="tạo dữ liệu và khóa của cơ quan")
    office_create.add_argument("path", type=Path, metavar="PATH")
    for name, help_text in (
        ("--name", "tên cơ quan trong văn bản, vd. UBND tỉnh Quảng Ngãi"),
        ("--parent", "dòng cơ quan chủ quản, vd. UBND TỈNH QUẢNG NGÃI"),
        ("--office", "dòng tên cơ quan, vd. SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"),
        ("--place", "địa danh ghi ngày tháng, vd. Quảng Ngãi"),
        ("--area", "địa bàn tổng hợp, vd. tỉnh Quảng Ngãi"),
        ("--province", "tỉnh, thành phố"),
    ):
        office_create.add_argument(name, required=True, help=help_text)
    office_create.add_argument("--kind", choices=("district", "province"), default="province")
    office_create.add_argument("--symbol", default="BC", help="ký hiệu văn bản, vd. BC-SNNMT")
    office_create.add_argument("--signer-title", default="GIÁM ĐỐC", metavar="CHỨC_VỤ")
    office_create.add_argument("--signer-name", default="", metavar="HỌ_TÊN")
    office_key = office_commands.add_parser("key", help="ghi tệp khóa mã hóa để gửi các xã")
    _db(office_key, office_db)
    office_key.add_argument("--out", type=Path, required=True, metavar="DIR|FILE")
    register = office_commands.add_parser(
        "register", help="đăng ký xã (tệp .gnpub) hoặc nhận tệp đổi khóa (.gnkeychange)"
    )
    register.add_argument("file", type=Path, metavar="FILE")
    _db(register, office_db)
    register.add_argument(
        "--fingerprint", metavar="DẤU_VÂN_TAY", help="đã đối chiếu qua điện thoại"
    )
    register.add_argument("--replace", action="store_true", help="xã tạo khóa mới do quên mật khẩu")
    receivers = [office_commands.add_parser("receive", help="nhận gói báo cáo")]
    receivers.append(commands.add_parser("receive", help="nhận gói báo cáo (cơ quan nhận)"))
    for receiver in receivers:
        receiver.add_argument("files", nargs="+", type=Path, metavar="FILE|DIR")
        _db(receiver, office_db)
    watch = office_commands.add_parser("watch", help="theo dõi một thư mục và nhận gói mới")
    watch.add_argument("folder", type=Path, metavar="DIR")
    _db(watch, office_db)
    watch.add_argument("--interval", type=float, default=10.0, metavar="GIÂY")
    board = office_commands.add_parser("board", help="bảng theo dõi xã đã gửi báo cáo nào")
    _db(board, office_db)
    board.add_argument("--kind", metavar="LOẠI")
    history = office_commands.add_parser(
        "receipts", help="các tệp đã nhận hoặc từ chối, mới nhất trước"
    )
    _db(history, office_db)
    history.add_argument("--limit", type=int, default=50, metavar="SỐ")
    consolidators = [office_commands.add_parser("consolidate", help="báo cáo tổng hợp các xã")]
    consolidators.append(commands.add_parser("consolidate", help="báo cáo tổng hợp các xã"))
    for consolidator in consolidators:
        _db(consolidator, office_db)
        consolidator.add_argument("--period", required=True, metavar="KỲ")
        consolidator.add_argument("--kind", metavar="LOẠI")
        consolidator.add_argument("--out", type=Path, required=True, metavar="DIR")
        consolidator.add_argument("--number", metavar="SỐ", help="số văn bản")
        consolidator.add_argument(
            "--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help="ngày văn bản"
        )


# --- passphrases and confirmation -------------------------------------------------------------


def _passphrase(prompt: str = "Mật khẩu khóa: ") -> str:
    return ask_secret(PASSPHRASE, prompt)


def _new_passphrase() -> str:
    return ask_secret(NEW_PASSPHRASE, "Mật khẩu mới cho khóa: ", repeat=True)


def _confirm(key: PublicKey, typed: str | None) -> None:
    """The fingerprint must match what the other office read out by phone."""
    from gnapp.packages.keys import same_fingerprint

    print(f"Dấu vân tay của khóa ({key.owner_name}): {key.fingerprint}")
    if typed is None:
        if not sys.stdin.isatty():
            raise CliError(
                "Hãy đối chiếu dấu vân tay qua điện thoại và ghi lại bằng --fingerprint."
            )
        typed = input("Gõ lại dấu vân tay do bên kia đọc qua điện thoại: ")
    if not same_fingerprint(typed, key.fingerprint):
        raise CliError("Dấu vân tay không khớp: không nhận khóa này.")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CliError(f"Không đọc được tệp {path}: {error.strerror}") from None


# --- commune side ----------------------------------------------------------------------------


def _key(args: argparse.Namespace) -> int:
    from gnapp.packages import commune
    from gnapp.packages.keys import (
        AGREEMENT,
        read_public_key,
        write_key_change,
        write_public_key,
    )
    from gnapp.store.database import open_database

    with open_database(args.db) as cdb:
        if args.key_command == "create":
            key = commune.create_signing_key(cdb, _new_passphrase(), replace=args.replace)
            print(f"Đã tạo khóa ký của xã. Dấu vân tay: {key.public.fingerprint}")
            if args.replace:
                print("Hãy gửi tệp khóa công khai mới (gnapp key export) để cấp trên đăng ký lại.")
        elif args.key_command == "export":
            path = write_public_key(commune.require_signing_key(cdb.db).public, args.out)
            print(f"Đã ghi {path}")
        elif args.key_command == "fingerprint":
            print(commune.require_signing_key(cdb.db).public.fingerprint)
        elif args.key_command == "change":
            if not args.out.is_dir():
                raise CliError(f"Không có thư mục {args.out}")
            change = commune.change_signing_key(
                cdb, _passphrase("Mật khẩu khóa hiện tại: "), _new_passphrase()
            )
            path = write_key_change(change, args.out)
            print(
                f"Đã đổi khóa ký: {change.old_key.fingerprint} → {change.new_key.fingerprint}, "
                f"dùng từ gói số {change.from_sequence}. Gửi tệp {path} cho cấp trên."
            )
        elif args.key_command == "change-file":
            change = commune.current_key_change(cdb.db)
            if change is None:
                raise CliError(
                    "Khóa ký hiện tại không đến từ một lần đổi khóa: không có tệp đổi khóa nào "
                    "để ghi (gửi khóa công khai: gnapp key export)."
                )
            print(f"Đã ghi {write_key_change(change, args.out)}. Gửi tệp này cho cấp trên.")
        else:
            key = read_public_key(_read(args.file), AGREEMENT)
            _confirm(key, args.fingerprint)
            commune.set_office_key(cdb, key)
            print(f"Đã lưu khóa mã hóa của {key.owner_name}.")
    return 0


def _package(args: argparse.Namespace) -> int:
    if args.package_command == "verify":
        return _verify(args)
    from gnapp.core.vietnamese import format_number, format_timestamp
    from gnapp.packages.build import build_package, choose_report
    from gnapp.packages.commune import office_key, sent_packages
    from gnapp.packages.mail import email_draft
    from gnapp.progress import Progress
    from gnapp.store.database import open_database
    from gnapp.store.users import sign_in

    with open_database(args.db) as cdb:
        if args.package_command == "list":
            for sent in sent_packages(cdb.db):
                print(
                    f"{sent.sequence}\t{sent.kind}\t{sent.period}\t{sent.file_name}\t"
                    f"{format_timestamp(sent.created_at)}\t{sent.signer_name}"
                )
            return 0
        if args.kind is not None and args.period is None:
            raise CliError("--kind cần --period")
        report = choose_report(cdb, args.report, args.kind, args.period)
        signer = sign_in(cdb, args.user, ask_secret(USER_PASSWORD, f"Mật khẩu của {args.user}: "))
        built = build_package(
            cdb,
            report,
            signer=signer,
            passphrase=_passphrase(),
            folder=args.out,
            with_households=args.with_households,
            encrypt=False if args.no_encrypt else None,
            progress=Progress(lambda done, total, message: print(message, file=sys.stderr)),
        )
        office = office_key(cdb.db)
        draft = email_draft(
            built.manifest, built.path, built.size, office.owner_name if office else None
        )
    print(f"Đã lưu gói {built.path} ({format_number(built.size)} byte).")
    print(f"\nThư điện tử gửi kèm:\nTiêu đề: {draft.subject}\n\n{draft.body}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from gnapp.packages.keys import SIGNING, read_public_key
    from gnapp.packages.verify import verify_package

    key = read_public_key(_read(args.key), SIGNING)
    private = None
    if args.office_db is not None:
        from gnapp.office.registry import unlock_office_key
        from gnapp.office.store.database import open_office

        with open_office(args.office_db) as office:
            private = unlock_office_key(office, _passphrase("Mật khẩu khóa của cơ quan: "))
    verification = verify_package(_read(args.file), key, private)
    print(verification.report())
    if verification.ok:
        print("Gói đạt mọi bước kiểm tra.")
        return 0
    if verification.failure is None:
        print("Không bước nào sai, nhưng chưa kiểm tra được hết (cần khóa của cơ quan nhận).")
        return 2
    return 1


# --- office side -----------------------------------------------------------------------------


def _office(args: argparse.Namespace) -> int:
    from gnapp.office.registry import create_office, office_public_key
    from gnapp.office.store.database import OfficeIdentity, open_office

    command = args.office_command
    if command == "create":
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
        with create_office(args.path, identity, _new_passphrase()) as office:
            key = office_public_key(office)
        print(f"Đã tạo {args.path}. Dấu vân tay khóa mã hóa của cơ quan: {key.fingerprint}")
        return 0
    handlers: dict[str, Callable[[Any, argparse.Namespace], int]] = {
        "key": _office_key,
        "register": _register,
        "receive": _receive,
        "watch": _watch,
        "board": _board,
        "receipts": _receipts,
        "consolidate": _consolidate,
    }
    with open_office(args.db) as office:
        return handlers[command](office, args)


def _office_key(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.registry import office_public_key
    from gnapp.packages.keys import write_public_key

    key = office_public_key(office)
    path = write_public_key(key, args.out)
    print(f"Đã ghi {path}. Dấu vân tay: {key.fingerprint}")
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

    content = _read(args.file)
    if args.file.suffix == KEY_CHANGE_SUFFIX:
        change = read_key_change(content)
        _confirm(change.new_key, args.fingerprint)
        apply_key_change(office, change, content)
        print(
            f"Đã nhận đổi khóa của {change.commune_name}: {change.new_key.fingerprint}, từ gói số "
            f"{change.from_sequence}."
        )
        return 0
    if args.file.suffix != PUBLIC_KEY_SUFFIX:
        raise CliError(f"Cần tệp {PUBLIC_KEY_SUFFIX} hoặc {KEY_CHANGE_SUFFIX}: {args.file}")
    key = read_public_key(content, SIGNING)
    _confirm(key, args.fingerprint)
    commune = register_commune(office, key, replace=args.replace)
    print(f"Đã đăng ký {commune.name} (mã {commune.code}).")
    return 0


def _print_receipts(receipts: list[Any]) -> bool:
    for receipt in receipts:
        print(receipt.summary())
        for difference in receipt.differences[:SHOWN_DIFFERENCES]:
            print(f"    {difference.line()}")
        if len(receipt.differences) > SHOWN_DIFFERENCES:
            print(f"    … và {len(receipt.differences) - SHOWN_DIFFERENCES} số liệu khác")
    return all(r.accepted for r in receipts)


def _receive(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.receive import receive_files
    from gnapp.office.registry import unlock_office_key

    private = unlock_office_key(office, _passphrase("Mật khẩu khóa của cơ quan: "))
    receipts = receive_files(office, args.files, private)
    if not receipts:
        print("Không có gói mới.")
    return 0 if _print_receipts(receipts) else 1


def _watch(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.receive import receive_files
    from gnapp.office.registry import unlock_office_key

    if not args.folder.is_dir():
        raise CliError(f"Không có thư mục {args.folder}")
    private = unlock_office_key(office, _passphrase("Mật khẩu khóa của cơ quan: "))
    print(f"Đang theo dõi {args.folder} (Ctrl+C để dừng)…")
    try:
        while True:
            _print_receipts(receive_files(office, [args.folder], private))
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 0


def _board(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.board import board, column_label

    shown = board(office, args.kind)
    if not shown.columns:
        print("Chưa nhận báo cáo nào.")
    for column in shown.columns:
        print(f"{column_label(column)}:")
        for code, name in shown.communes:
            cell = shown.cell(code, column)
            print(f"  {name} ({code}): {cell.text if cell else 'Chưa gửi'}")
    return 0


def _receipts(office: Any, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_timestamp
    from gnapp.office.board import receipt_history

    records = receipt_history(office, args.limit)
    if not records:
        print("Chưa có tệp nào được gửi đến.")
    for record in records:
        if not record.accepted:
            result = f"TỪ CHỐI — {record.message}"
        else:
            result = "bản sửa" if record.correction else "đã nhận"
            result = f"{record.report} của {record.commune_name}: {result}"
        print(f"{format_timestamp(record.at)}  {record.file_name}  {result}")
    return 0


def _consolidate(office: Any, args: argparse.Namespace) -> int:
    from gnapp.office.consolidate import consolidate, write_consolidation

    if not args.out.is_dir():
        raise CliError(f"Không có thư mục {args.out}")
    consolidation = consolidate(office, args.period, args.kind)
    pdf, xlsx = write_consolidation(
        office, consolidation, args.out, args.date or date.today(), args.number
    )
    print(
        f"Đã tổng hợp {len(consolidation.packages)} xã: {pdf}, {xlsx}"
        + (f"; chưa gửi: {', '.join(consolidation.missing)}" if consolidation.missing else "")
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Run a key, package, office, receive or consolidate command."""
    from gnapp.office.consolidate import ConsolidationError
    from gnapp.packages.build import PackageError
    from gnapp.packages.canonical import FormatError
    from gnapp.packages.keys import KeyProblem
    from gnapp.packages.signer import SignerError
    from gnapp.packages.verify import CheckFailed
    from gnapp.reporting.figures import FiguresError
    from gnapp.store.errors import DatabaseError

    if args.command in ("receive", "consolidate"):
        args.office_command = args.command
        args.command = "office"
    handler = {"key": _key, "package": _package, "office": _office}[args.command]
    try:
        return handler(args)
    except (
        CliError,
        KeyProblem,
        PackageError,
        SignerError,
        FormatError,
        FiguresError,
        ConsolidationError,
        DatabaseError,
    ) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    except CheckFailed as error:
        print(f"Lỗi: {error.message}", file=sys.stderr)
        return 1
