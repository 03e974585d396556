"""``gnapp key`` and ``gnapp package``: the commune's signing key, the office's encryption key,
and the signed report packages (the office's commands are in gnapp/cli/office.py).

Passphrases are asked for with a hidden prompt; scripts give them in the environment:
GNAPP_PASSPHRASE unlocks the key a command uses (the commune's signing key, or the office's
key), GNAPP_NEW_PASSPHRASE protects a key being created (``key create``, ``key change``,
``office create``); GNAPP_USER_PASSWORD signs the approving user in (``package build``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gnapp.cli.common import (
    EXIT_DONE,
    EXIT_REFUSED,
    USER_PASSWORD,
    CliError,
    add_db,
    ask_secret,
    on_commune,
    output_folder,
    print_table,
    progress_on_stderr,
    sign_in_user,
    subcommands,
)
from gnapp.i18n import tr

if TYPE_CHECKING:
    from gnapp.packages.keys import PublicKey
    from gnapp.store.database import CommuneDatabase

# The modules behind these commands load only when one runs (``gnapp --version`` stays quick).

PASSPHRASE = "GNAPP_PASSPHRASE"
NEW_PASSPHRASE = "GNAPP_NEW_PASSPHRASE"
# ``package verify``: nothing failed, but not every check could run (without the office's key);
# the same status as tools/verify_package.py gives (docs/cli.md).
INCOMPLETE = 2


# The commands add_commands adds (gnapp.cli builds only the group of the command run).
COMMANDS = ("key", "package")


def add_commands(commands: Any) -> None:
    """Add ``key`` and ``package`` to the ``gnapp`` subcommands."""
    key = commands.add_parser("key", help=tr("khóa ký của xã và khóa mã hóa của cơ quan nhận"))
    key_commands = subcommands(key, "key")
    create = key_commands.add_parser("create", help=tr("tạo khóa ký của xã (mật khẩu bảo vệ)"))
    add_db(create)
    create.add_argument(
        "--replace",
        action="store_true",
        help=tr("quên mật khẩu: thay khóa cũ bằng khóa mới (cấp trên phải đăng ký lại)"),
    )
    create.set_defaults(handler=on_commune(_key_create))
    export = key_commands.add_parser("export", help=tr("ghi tệp khóa công khai của xã"))
    add_db(export)
    export.add_argument("--out", type=Path, required=True, metavar="DIR|FILE",
                        help=tr("thư mục hoặc tệp .gnpub ghi ra"))  # fmt: skip
    export.set_defaults(handler=on_commune(_key_export))
    fingerprint = key_commands.add_parser("fingerprint", help=tr("dấu vân tay khóa ký của xã"))
    add_db(fingerprint)
    fingerprint.set_defaults(handler=on_commune(_key_fingerprint))
    for name, help_text, handler in (
        ("change", tr("đổi khóa ký (ký bằng khóa cũ)"), _key_change),
        ("change-file", tr("ghi lại tệp đổi khóa của lần đổi khóa gần nhất (gửi cấp trên)"),
         _key_change_file),
    ):  # fmt: skip
        change = key_commands.add_parser(name, help=help_text)
        add_db(change)
        change.add_argument(
            "--out", type=Path, required=True, metavar="DIR", help=tr("nơi ghi tệp đổi khóa")
        )
        change.set_defaults(handler=on_commune(handler))
    receiver_key = key_commands.add_parser("office", help=tr("nhập khóa mã hóa của cơ quan nhận"))
    receiver_key.add_argument("file", type=Path, metavar="FILE.gnpub",
                              help=tr("tệp khóa do cơ quan nhận gửi"))  # fmt: skip
    add_db(receiver_key)
    receiver_key.add_argument("--fingerprint", metavar=tr("DẤU_VÂN_TAY"), help=tr("đã đối chiếu"))
    receiver_key.set_defaults(handler=on_commune(_key_office))

    package = commands.add_parser("package", help=tr("gói báo cáo có chữ ký số"))
    package_commands = subcommands(package, "package")
    build = package_commands.add_parser("build", help=tr("lập, ký và lưu gói báo cáo"))
    add_db(build)
    chosen = build.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--report", type=int, metavar=tr("SỐ"), help=tr("số báo cáo đã lưu"))
    chosen.add_argument(
        "--kind", metavar=tr("LOẠI"), help=tr("loại báo cáo (bản lưu mới nhất của kỳ)")
    )
    build.add_argument("--period", metavar=tr("KỲ"), help=tr("kỳ báo cáo (cùng --kind)"))
    build.add_argument("--out", type=Path, required=True, metavar="DIR", help=tr("thư mục, ổ USB"))
    build.add_argument("--with-households", action="store_true", help=tr("kèm danh sách hộ"))
    build.add_argument(
        "--no-encrypt", action="store_true", help=tr("không mã hóa (khi không có hộ)")
    )
    build.add_argument(
        "--user",
        required=True,
        metavar=tr("TÊN_ĐĂNG_NHẬP"),
        help=tr(
            ("người ký: lãnh đạo phê duyệt (mật khẩu đăng nhập hỏi khi chạy hoặc {USER_PASSWORD})"),
            USER_PASSWORD=USER_PASSWORD,
        ),
    )
    build.set_defaults(handler=on_commune(_package_build))
    verify = package_commands.add_parser(
        "verify", help=tr("kiểm tra một gói (mã 0: đạt hết; 2: chưa kiểm tra được hết)")
    )
    verify.add_argument("file", type=Path, metavar="FILE", help=tr("tệp gói .gnpkg"))
    verify.add_argument("--key", type=Path, required=True, metavar="PUBKEY", help=tr("khóa của xã"))
    verify.add_argument(
        "--office-db", type=Path, metavar="PATH", help=tr("để giải mã (cơ quan nhận)")
    )
    verify.set_defaults(handler=_verify)
    sent = package_commands.add_parser("list", help=tr("các gói xã đã lập"))
    add_db(sent)
    sent.set_defaults(handler=on_commune(_package_list))


# --- passphrases and confirmation -------------------------------------------------------------


def passphrase(prompt: str | None = None) -> str:
    """The passphrase of the key a command uses (GNAPP_PASSPHRASE or asked)."""
    return ask_secret(PASSPHRASE, prompt or tr("Mật khẩu khóa: "))


def new_passphrase() -> str:
    """A passphrase for a key being created (GNAPP_NEW_PASSPHRASE or asked twice)."""
    return ask_secret(NEW_PASSPHRASE, tr("Mật khẩu mới cho khóa: "), repeat=True)


def confirm_fingerprint(key: PublicKey, typed: str | None) -> None:
    """The fingerprint must match what the other office read out by phone."""
    from gnapp.packages.keys import same_fingerprint

    print(
        tr(
            "Dấu vân tay của khóa ({owner_name}): {fingerprint}",
            owner_name=key.owner_name,
            fingerprint=key.fingerprint,
        )
    )
    if typed is None:
        if not sys.stdin.isatty():
            raise CliError(
                tr("Hãy đối chiếu dấu vân tay qua điện thoại và ghi lại bằng --fingerprint.")
            )
        typed = input(tr("Gõ lại dấu vân tay do bên kia đọc qua điện thoại: "))
    if not same_fingerprint(typed, key.fingerprint):
        raise CliError(tr("Dấu vân tay không khớp: không nhận khóa này."))


def read_bytes(path: Path) -> bytes:
    """The bytes of a key or package file (a regular file, no larger than a package may be),
    or a refusal saying why not."""
    from gnapp.core.input_files import read_bytes
    from gnapp.packages.archive import MAX_PACKAGE_BYTES

    try:
        return read_bytes(path, MAX_PACKAGE_BYTES)
    except OSError as error:
        raise CliError(
            tr("Không đọc được tệp {path}: {strerror}", path=path, strerror=error.strerror)
        ) from None


# --- keys ----------------------------------------------------------------------------------------


def _key_create(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.packages.commune import create_signing_key

    key = create_signing_key(cdb, new_passphrase(), replace=args.replace)
    print(
        tr("Đã tạo khóa ký của xã. Dấu vân tay: {fingerprint}", fingerprint=key.public.fingerprint)
    )
    if args.replace:
        print(tr("Hãy gửi tệp khóa công khai mới (gnapp key export) để cấp trên đăng ký lại."))
    return 0


def _key_export(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.packages.commune import require_signing_key
    from gnapp.packages.keys import write_public_key

    print(
        tr(
            "Đã ghi {path}",
            path=write_public_key(require_signing_key(cdb.db).public, args.out),
        )
    )
    return 0


def _key_fingerprint(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.packages.commune import require_signing_key

    print(require_signing_key(cdb.db).public.fingerprint)
    return 0


def _key_change(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.packages.commune import change_signing_key
    from gnapp.packages.keys import write_key_change

    output_folder(args.out)
    change = change_signing_key(cdb, passphrase(tr("Mật khẩu khóa hiện tại: ")), new_passphrase())
    path = write_key_change(change, args.out)
    print(
        tr(
            "Đã đổi khóa ký: {fingerprint} → {fingerprint2}, dùng từ gói số "
            "{from_sequence}. Gửi tệp {path} cho cấp trên.",
            fingerprint=change.old_key.fingerprint,
            fingerprint2=change.new_key.fingerprint,
            from_sequence=change.from_sequence,
            path=path,
        )
    )
    return 0


def _key_change_file(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.packages.commune import current_key_change
    from gnapp.packages.keys import write_key_change

    change = current_key_change(cdb.db)
    if change is None:
        raise CliError(
            tr(
                "Khóa ký hiện tại không đến từ một lần đổi khóa: không có tệp đổi khóa "
                "nào để ghi (gửi khóa công khai: gnapp key export)."
            )
        )
    print(
        tr(
            "Đã ghi {path}. Gửi tệp này cho cấp trên.",
            path=write_key_change(change, args.out),
        )
    )
    return 0


def _key_office(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.packages.commune import set_office_key
    from gnapp.packages.keys import AGREEMENT, read_public_key

    key = read_public_key(read_bytes(args.file), AGREEMENT)
    confirm_fingerprint(key, args.fingerprint)
    set_office_key(cdb, key)
    print(tr("Đã lưu khóa mã hóa của {owner_name}.", owner_name=key.owner_name))
    return 0


# --- packages ------------------------------------------------------------------------------------


def _package_list(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_timestamp
    from gnapp.packages.commune import sent_packages

    print_table(
        (sent.sequence, sent.kind, sent.period, sent.file_name,
         format_timestamp(sent.created_at), sent.signer_name)
        for sent in sent_packages(cdb.db)
    )  # fmt: skip
    return 0


def _package_build(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number
    from gnapp.packages.build import build_package, choose_report
    from gnapp.packages.commune import mail_recipient
    from gnapp.packages.mail import email_draft

    if args.kind is not None and args.period is None:
        raise CliError(tr("--kind cần --period"))
    report = choose_report(cdb, args.report, args.kind, args.period)
    signer = sign_in_user(cdb, args.user)
    built = build_package(
        cdb,
        report,
        signer=signer,
        passphrase=passphrase(),
        folder=output_folder(args.out),
        with_households=args.with_households,
        encrypt=False if args.no_encrypt else None,
        progress=progress_on_stderr(),
    )
    draft = email_draft(built.manifest, built.path, built.size, mail_recipient(cdb.db))
    print(tr("Đã lưu gói {path} ({size} byte).", path=built.path, size=format_number(built.size)))
    print(
        tr(
            "\nThư điện tử gửi kèm:\nTiêu đề: {subject}\n\n{body}",
            subject=draft.subject,
            body=draft.body,
        )
    )
    return 0


def _verify(args: argparse.Namespace) -> int:
    from gnapp.packages.keys import SIGNING, read_public_key
    from gnapp.packages.verify import verify_package

    key = read_public_key(read_bytes(args.key), SIGNING)
    private = None
    if args.office_db is not None:
        from gnapp.office.registry import unlock_office_key
        from gnapp.office.store.database import open_office

        with open_office(args.office_db) as office:
            private = unlock_office_key(office, passphrase(tr("Mật khẩu khóa của cơ quan: ")))
    verification = verify_package(read_bytes(args.file), key, private)
    print(verification.report())
    if verification.ok:
        print(tr("Gói đạt mọi bước kiểm tra."))
        return EXIT_DONE
    if verification.failure is None:
        print(tr("Không bước nào sai, nhưng chưa kiểm tra được hết (cần khóa của cơ quan nhận)."))
        return INCOMPLETE
    return EXIT_REFUSED
