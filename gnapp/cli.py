"""The ``gnapp`` command line: every subcommand is a thin call into the core.

Without a subcommand it starts the GUI (``--demo``, ``--db PATH`` or ``--office-db PATH``).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import date
from pathlib import Path

from gnapp import __version__
from gnapp.cli_support import CliError, ask_secret, sign_in_admin
from gnapp.i18n import LANGUAGES

EXIT_CORRUPT = 3  # the exit status when a database file is broken


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gnapp",
        description="GNApp — quản lý giảm nghèo cấp xã (ngoại tuyến).",
    )
    parser.add_argument("--version", action="version", version=f"GNApp {__version__}")
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--demo", action="store_true", help="mở giao diện trên bản sao mới của xã mẫu"
    )
    target.add_argument("--db", type=Path, metavar="PATH", help="mở giao diện trên tệp dữ liệu xã")
    target.add_argument(
        "--office-db",
        type=Path,
        metavar="PATH",
        help="mở giao diện cơ quan nhận báo cáo trên tệp .gnoffice (chưa có thì tạo mới)",
    )
    target.add_argument(
        "--self-test",
        action="store_true",
        help="tự kiểm tra không cần màn hình: xã mẫu, phân loại, báo cáo, gói ký số, cửa sổ chính",
    )
    parser.add_argument(
        "--language",
        choices=sorted(LANGUAGES),
        help="ngôn ngữ giao diện lần này (mặc định: ngôn ngữ đã chọn trên máy này) / language",
    )
    commands = parser.add_subparsers(dest="command", metavar="LỆNH")

    demo = commands.add_parser("demo", help="dữ liệu xã mẫu")
    demo_commands = demo.add_subparsers(dest="demo_command", metavar="LỆNH", required=True)
    create = demo_commands.add_parser("create", help="tạo cơ sở dữ liệu xã mẫu")
    create.add_argument("path", type=Path, metavar="PATH")
    create.add_argument("--households", type=int, default=None, metavar="N", help="số hộ (2.500)")
    create.add_argument("--seed", type=int, default=None, metavar="S", help="hạt giống ngẫu nhiên")

    classify = commands.add_parser("classify", help="phân loại hộ theo chuẩn nghèo")
    classify.add_argument(
        "--standard",
        action="append",
        required=True,
        metavar="ID",
        help="mã chuẩn nghèo (vd. 2022-2025); lặp lại để so sánh hai chuẩn",
    )
    source = classify.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", type=Path, metavar="FILE.json", help="tệp bản ghi hộ")
    source.add_argument(
        "--db", type=Path, metavar="PATH", help="phân loại mọi hộ trong tệp dữ liệu xã"
    )
    classify.add_argument(
        "--reference-date",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="ngày tính tuổi (mặc định: hôm nay)",
    )
    classify.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    database = commands.add_parser("db", help="kiểm tra tệp dữ liệu xã")
    db_commands = database.add_subparsers(dest="db_command", metavar="LỆNH", required=True)
    check = db_commands.add_parser("check", help="kiểm tra toàn vẹn và phiên bản lược đồ")
    check.add_argument("path", type=Path, metavar="PATH")

    commands.add_parser("standards", help="liệt kê các chuẩn nghèo có sẵn")

    language = commands.add_parser(
        "language", help="ngôn ngữ giao diện trên máy này: xem, hoặc chọn (vi, en)"
    )
    language.add_argument("code", nargs="?", choices=sorted(LANGUAGES), metavar="MÃ")

    backup = commands.add_parser(
        "backup",
        help="sao lưu và phục hồi dữ liệu xã: “backup make|list|restore|folder”",
        description="Sao lưu: gnapp backup make --db PATH [--to THƯ_MỤC]; "
        "gnapp backup list --db PATH [--folder THƯ_MỤC]; gnapp backup restore TỆP --db PATH; "
        "gnapp backup folder [THƯ_MỤC | --default]",
    )
    backup_commands = backup.add_subparsers(dest="backup_command", metavar="LỆNH", required=True)
    backup_make = backup_commands.add_parser(
        "make", help="sao lưu ngay (vào thư mục sao lưu, hoặc vào USB với --to)"
    )
    backup_make.add_argument(
        "--to", type=Path, metavar="THƯ_MỤC", help="thư mục nhận bản sao lưu, vd. ổ USB"
    )
    backup_list = backup_commands.add_parser(
        "list", help="các bản sao lưu và nội dung của từng bản"
    )
    backup_list.add_argument(
        "--folder",
        type=Path,
        metavar="THƯ_MỤC",
        help="thư mục chứa bản sao lưu (mặc định: thư mục sao lưu tự động của tệp dữ liệu)",
    )
    backup_restore = backup_commands.add_parser(
        "restore", help="thay dữ liệu xã bằng một bản sao lưu (giữ lại bản sao dữ liệu hiện tại)"
    )
    backup_restore.add_argument("backup", type=Path, metavar="TỆP_SAO_LƯU")
    for sub in (backup_make, backup_list, backup_restore):
        sub.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
    backup_folder = backup_commands.add_parser(
        "folder", help="thư mục nhận bản sao lưu tự động trên máy này: xem hoặc đổi"
    )
    backup_folder.add_argument("folder", type=Path, nargs="?", metavar="THƯ_MỤC")
    backup_folder.add_argument("--default", action="store_true", help="dùng lại thư mục mặc định")

    importing = commands.add_parser(
        "import",
        help="nhập danh sách hộ từ tệp Excel/ODS/CSV; “import list”, “import undo SỐ_LÔ”",
        description="Nhập danh sách hộ: gnapp import FILE --db PATH [--dry-run]; "
        "gnapp import list --db PATH; gnapp import undo SỐ_LÔ --db PATH",
    )
    importing.add_argument("items", nargs="+", metavar="FILE | list | undo SỐ_LÔ")
    importing.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
    importing.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    importing.add_argument(
        "--sheet", metavar="TÊN", help="trang tính cần nhập (mặc định: đầu tiên)"
    )
    importing.add_argument("--errors", type=Path, metavar="OUT.xlsx", help="ghi các dòng bị loại")
    importing.add_argument(
        "--village", metavar="TÊN", help="thôn/tổ dân phố cho các hộ mà tệp không ghi thôn"
    )

    export = commands.add_parser("export", help="xuất sổ hộ, danh sách hằng năm ra tệp Excel")
    export_commands = export.add_subparsers(dest="export_command", metavar="LỆNH", required=True)
    export_register = export_commands.add_parser("register", help="sổ hộ gia đình và nhân khẩu")
    export_list = export_commands.add_parser(
        "list", help="danh sách hộ nghèo, cận nghèo, thoát nghèo, thoát cận nghèo của một năm"
    )
    for sub in (export_register, export_list):
        sub.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
        sub.add_argument(
            "--out", type=Path, required=True, metavar="FILE.xlsx", help="tệp Excel cần ghi"
        )
        sub.add_argument("--village", metavar="CODE", help="chỉ một thôn, tổ dân phố (theo mã)")
    export_register.add_argument(
        "--year", type=int, metavar="Y", help="năm của tình trạng hộ (mặc định: năm mới nhất)"
    )
    export_list.add_argument("--year", type=int, required=True, metavar="Y", help="năm")
    export_list.add_argument(
        "--kind",
        required=True,
        choices=("poor", "near_poor", "escaped_poverty", "escaped_near_poverty"),
        help="loại danh sách: poor (hộ nghèo), near_poor (hộ cận nghèo), escaped_poverty "
        "(hộ thoát nghèo), escaped_near_poverty (hộ thoát cận nghèo)",
    )
    targets = commands.add_parser(
        "targets",
        help="chỉ tiêu được giao: “targets list”, “targets set”, “targets import FILE”",
        description="Chỉ tiêu: gnapp targets list --db PATH --year Y; gnapp targets set --db PATH "
        "--year Y --code MÃ --value V [--decision SỐ --decision-date YYYY-MM-DD]; "
        "gnapp targets import FILE --db PATH --year Y [--dry-run]",
    )
    targets.add_argument("items", nargs="+", metavar="list | set | import FILE")
    targets.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
    targets.add_argument("--year", type=int, required=True, metavar="Y", help="năm")
    targets.add_argument("--period", metavar="P", help="chỉ tiêu của cả giai đoạn, vd. 2021-2025")
    targets.add_argument("--code", metavar="MÃ", help="mã loại chỉ tiêu (vd. poverty_rate)")
    targets.add_argument("--value", metavar="V", help="giá trị, vd. 6,05 hoặc 20")
    targets.add_argument("--decision", metavar="SỐ", help="số quyết định giao, vd. 12/QĐ-UBND")
    targets.add_argument(
        "--decision-date", type=date.fromisoformat, metavar="YYYY-MM-DD", help="ngày quyết định"
    )
    targets.add_argument("--project", metavar="DA", help="chỉ tiêu đầu ra của dự án (mã dự án)")
    targets.add_argument("--unit", metavar="ĐVT", help="đơn vị tính của chỉ tiêu dự án")
    targets.add_argument("--sheet", metavar="TÊN", help="trang tính cần đọc (khi nhập)")
    targets.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")

    activity = commands.add_parser(
        "activity",
        help="hoạt động, mô hình và người hưởng lợi: “activity list|add|beneficiary|policies”",
        description="gnapp activity list --db PATH --year Y; gnapp activity add --db PATH --year Y "
        "--project DA --kind LOẠI --name TÊN [--source NGUỒN --budget ĐỒNG --village MÃ]; "
        "gnapp activity beneficiary SỐ --db PATH --household MÃ_HỘ [--amount ĐỒNG]; "
        "gnapp activity policies --db PATH --year Y",
    )
    activity.add_argument("items", nargs="+", metavar="list | add | beneficiary SỐ | policies")
    activity.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
    activity.add_argument("--year", type=int, metavar="Y", help="năm")
    activity.add_argument("--project", metavar="DA", help="mã dự án, tiểu dự án (vd. DA3.1)")
    activity.add_argument("--kind", metavar="LOẠI", help="loại hoạt động (vd. model)")
    activity.add_argument("--name", metavar="TÊN", help="tên hoạt động, mô hình")
    activity.add_argument("--source", metavar="NGUỒN", help="nguồn vốn (vd. central)")
    activity.add_argument("--budget", type=int, metavar="ĐỒNG", help="kinh phí (đồng)")
    activity.add_argument("--village", metavar="MÃ", help="thôn, tổ dân phố thực hiện (mã)")
    activity.add_argument("--household", metavar="MÃ_HỘ", help="mã hộ hưởng lợi")
    activity.add_argument("--amount", type=int, metavar="ĐỒNG", help="mức hỗ trợ (đồng)")
    activity.add_argument("--support", metavar="NỘI_DUNG", help="nội dung hỗ trợ")

    setup = commands.add_parser(
        "setup",
        help="thiết lập dữ liệu cho một xã mới (như trình hướng dẫn lần đầu)",
        description='gnapp setup xa.gnapp --code 21555 --name "Xã Sơn Minh" --kind xa '
        '--province "Quảng Ngãi" --village "01:Thôn An Phú" --village "02:TDP 1:urban" '
        '--admin quantri --admin-name "Lê Văn Quản" (mật khẩu: hỏi khi chạy hoặc GNAPP_PASSWORD)',
    )
    setup.add_argument("path", type=Path, metavar="TỆP.gnapp", help="tệp dữ liệu mới")
    setup.add_argument("--code", required=True, metavar="MÃ", help="mã xã (5 chữ số)")
    setup.add_argument("--name", required=True, metavar="TÊN", help="tên xã, phường")
    setup.add_argument(
        "--kind", default="xa", choices=("xa", "phuong", "dac_khu", "thi_tran"), help="loại đơn vị"
    )
    setup.add_argument("--province", required=True, metavar="TỈNH", help="tỉnh, thành phố")
    setup.add_argument("--receiver", default="", metavar="TÊN", help="cơ quan nhận báo cáo")
    setup.add_argument(
        "--receiver-kind",
        default="province",
        choices=("province", "district"),
        help="cấp của cơ quan đó",
    )
    setup.add_argument(
        "--village",
        action="append",
        required=True,
        metavar="MÃ:TÊN[:urban]",
        help="một thôn, tổ dân phố (nhắc lại cho mỗi thôn; thêm :urban nếu thuộc thành thị)",
    )
    setup.add_argument("--admin", required=True, metavar="TÊN", help="tên đăng nhập quản trị")
    setup.add_argument("--admin-name", required=True, metavar="HỌ_TÊN", help="họ tên quản trị")
    setup.add_argument(
        "--approver", action="store_true", help="người quản trị cũng là lãnh đạo phê duyệt"
    )
    setup.add_argument("--signer-name", default="", metavar="HỌ_TÊN", help="người ký văn bản")
    setup.add_argument(
        "--signer-title", default="PHÓ CHỦ TỊCH", choices=("PHÓ CHỦ TỊCH", "CHỦ TỊCH")
    )

    settings = commands.add_parser(
        "settings",
        help="cài đặt của xã: “settings list”, “settings set KHÓA GIÁ_TRỊ --admin TÊN”",
        description="Danh sách khóa: gnapp settings list --db PATH. Giá trị nhiều dòng (nơi nhận, "
        "dòng thẩm quyền ký) viết cách nhau bằng “|”.",
    )
    settings.add_argument("action", choices=("list", "set"))
    settings.add_argument("key", nargs="?", metavar="KHÓA")
    settings.add_argument("value", nargs="?", metavar="GIÁ_TRỊ")
    settings.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
    settings.add_argument("--admin", metavar="TÊN", help="người quản trị thực hiện")

    user = commands.add_parser(
        "user",
        help="người dùng và vai trò: “user list|add|passwd|roles|lock|unlock”",
        description="Mật khẩu được hỏi khi chạy, hoặc lấy từ biến môi trường GNAPP_PASSWORD "
        "(mật khẩu mới) và GNAPP_ADMIN_PASSWORD (mật khẩu của người quản trị thực hiện).",
    )
    user.add_argument("action", choices=("list", "add", "passwd", "roles", "lock", "unlock"))
    user.add_argument("username", nargs="?", metavar="TÊN_ĐĂNG_NHẬP")
    user.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
    user.add_argument("--name", metavar="HỌ_TÊN", help="họ và tên (khi thêm)")
    user.add_argument(
        "--role",
        action="append",
        choices=("clerk", "approver", "admin"),
        help="vai trò (nhắc lại để cho nhiều vai trò): clerk, approver, admin",
    )
    user.add_argument(
        "--admin", metavar="TÊN", help="người quản trị thực hiện (bắt buộc khi xã đã có người dùng)"
    )

    report = commands.add_parser(
        "report", help="báo cáo tiến độ: “report build|list|files|finalise|draft”"
    )
    report_commands = report.add_subparsers(dest="report_command", metavar="LỆNH", required=True)
    report_build = report_commands.add_parser(
        "build", help="lập báo cáo (PDF và Excel) và lưu thành một phiên bản nháp"
    )
    report_build.add_argument(
        "--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã"
    )
    report_build.add_argument(
        "--kind",
        required=True,
        metavar="LOẠI",
        help="loại báo cáo: six_month, annual, ad_hoc, mid_term, end_of_period",
    )
    report_build.add_argument(
        "--period", required=True, metavar="KỲ", help="kỳ báo cáo: 2025, 2025-H1 hoặc 2021-2025"
    )
    report_build.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="thư mục ghi tệp PDF và Excel"
    )
    report_build.add_argument(
        "--narrative",
        type=Path,
        metavar="FILE.json",
        help="nội dung cán bộ viết theo mục (“I”, “II.1”, …), danh sách “awards” nếu có",
    )
    report_build.add_argument("--number", metavar="SỐ", help="số văn bản (để trống nếu chưa có)")
    report_build.add_argument(
        "--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help="ngày văn bản (hôm nay)"
    )
    report_build.add_argument(
        "--figure-sets",
        metavar="NHÓM,…",
        help="báo cáo đột xuất: các nhóm số liệu đưa vào (commune, start_lists, end_lists, "
        "movements, targets, services, budget, groups; mặc định: tất cả)",
    )
    report_list = report_commands.add_parser("list", help="các báo cáo đã lưu")
    report_list.add_argument(
        "--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã"
    )
    for name, text in (
        ("files", "ghi lại tệp PDF và Excel của một báo cáo đã lưu"),
        ("finalise", "đánh dấu một bản nháp là bản chính thức (không sửa được nữa)"),
        ("draft", "tạo phiên bản nháp mới từ một báo cáo đã lưu"),
    ):
        command = report_commands.add_parser(name, help=text)
        command.add_argument("id", type=int, metavar="SỐ", help="số báo cáo (cột đầu của “list”)")
        command.add_argument(
            "--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã"
        )
        if name == "files":
            command.add_argument(
                "--out", type=Path, required=True, metavar="DIR", help="thư mục ghi tệp"
            )
    from gnapp import register_cli
    from gnapp.packages.cli import add_commands
    from gnapp.review import cli as review_cli
    from gnapp.review.documents_cli import add_document_command
    from gnapp.review.tables_cli import add_tables_command
    from gnapp.review.tablet_cli import add_import_command

    register_cli.add_commands(commands)
    add_commands(commands)
    review_commands = review_cli.add_commands(commands)
    add_import_command(review_commands)
    add_tables_command(review_commands)
    add_document_command(review_commands)
    return parser


def _demo_create(args: argparse.Namespace) -> int:
    from gnapp.demo import DEFAULT_HOUSEHOLDS, DEFAULT_SEED, create_demo

    if args.path.exists():
        raise CliError(f"Tệp đã tồn tại, không ghi đè: {args.path}")
    households = DEFAULT_HOUSEHOLDS if args.households is None else args.households
    if households < 1:
        raise CliError("Số hộ phải lớn hơn 0")

    def progress(done: int, total: int) -> None:
        print(f"\rĐang tạo: {done}/{total} hộ", end="", file=sys.stderr, flush=True)

    summary = create_demo(
        args.path, households, DEFAULT_SEED if args.seed is None else args.seed, progress
    )
    print(file=sys.stderr)
    print(
        f"Đã tạo xã mẫu {summary.path}: {summary.villages} thôn/tổ dân phố, "
        f"{summary.households} hộ, {summary.members} nhân khẩu."
    )
    return 0


def _records(args: argparse.Namespace) -> list[dict]:
    if args.file is not None:
        from gnapp.core.record import load_records

        return load_records(args.file)
    from gnapp.store.database import open_database
    from gnapp.store.register import iter_household_records
    from gnapp.store.review import latest_incomes

    with open_database(args.db) as cdb:
        return [record for _, record in iter_household_records(cdb.db, latest_incomes(cdb.db))]


def _classify(args: argparse.Namespace) -> int:
    from gnapp.core.classify import classify, explain
    from gnapp.core.standards import load_standard

    standards = [load_standard(standard_id) for standard_id in args.standard]
    reference = args.reference_date or date.today()
    results = [
        [classify(record, standard, reference) for standard in standards]
        for record in _records(args)
    ]
    if args.json:
        payload = [[c.to_dict() for c in per_household] for per_household in results]
        if len(standards) == 1:
            payload = [per_household[0] for per_household in payload]
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
    else:
        for per_household in results:
            for classification in per_household:
                print(explain(classification))
                print()
    return 0


def _db_check(args: argparse.Namespace) -> int:
    from gnapp.store.backups import check_integrity, describe_backup
    from gnapp.store.migrations import LATEST_VERSION

    if not args.path.exists():
        raise CliError(f"Không tìm thấy tệp dữ liệu: {args.path}")
    report = check_integrity(args.path, quick=False)
    version = report.version
    if version is None:
        raise CliError(
            f"Tệp {args.path} không phải cơ sở dữ liệu GNApp hợp lệ ({report.problems[0]})."
        )
    print(f"Tệp: {args.path}")
    if version == LATEST_VERSION:
        print(f"Lược đồ dữ liệu: v{version} (mới nhất)")
    elif 1 <= version < LATEST_VERSION:
        print(f"Lược đồ dữ liệu: v{version} (sẽ được nâng cấp lên v{LATEST_VERSION} khi mở)")
    elif version == 0:
        print("Lược đồ dữ liệu: không phải tệp dữ liệu GNApp")
    else:
        print(f"Lược đồ dữ liệu: v{version} (mới hơn phiên bản này, v{LATEST_VERSION})")
    print("Toàn vẹn: " + ("tốt" if report.sound else "; ".join(report.problems[:10])))
    if report.sound:
        print(f"Số hộ: {describe_backup(args.path).households}")
    ok = report.sound and 1 <= version <= LATEST_VERSION
    print("Kết quả: " + ("ĐẠT" if ok else "KHÔNG ĐẠT"))
    return 0 if ok else 1


def _print_lines(lines: list[str]) -> None:
    for line in lines:
        print(f"  {line}")


def _backup_root(args: argparse.Namespace) -> int:
    from gnapp import preferences

    if args.default and args.folder:
        raise CliError("Chọn một thư mục hoặc --default, không cả hai.")
    if args.default or args.folder:
        try:
            folder = preferences.set_backup_root(None if args.default else args.folder)
        except preferences.PreferenceError as error:
            raise CliError(str(error)) from None
        print(f"Từ nay bản sao lưu tự động được ghi vào: {folder}")
        print("(Các bản sao lưu cũ vẫn ở thư mục trước.)")
    else:
        print(preferences.backup_root())
    return 0


def _backup(args: argparse.Namespace) -> int:
    from gnapp.preferences import backup_root
    from gnapp.store import backups

    if args.backup_command == "folder":
        return _backup_root(args)
    folder = backups.default_backup_folder(args.db, backup_root())
    if args.backup_command == "make":
        target = args.to or folder

        def progress(done: int, total: int, message: str) -> None:
            if total:
                print(f"\r{message} {done * 100 // total}%", end="", file=sys.stderr, flush=True)

        made = backups.make_backup(args.db, target, "manual", progress)
        print(file=sys.stderr)
        print(f"Đã sao lưu vào {made}")
        _print_lines(backups.describe_backup(made).lines())
        return 0
    if args.backup_command == "list":
        folder = args.folder or folder
        found = backups.list_backups(folder)
        if not found:
            print(f"Chưa có bản sao lưu nào trong thư mục {folder}")
            return 0
        print(f"Thư mục sao lưu: {folder}")
        for backup in found:
            print(backup.path.name)
            problem = backups.check_integrity(backup.path).restore_problem
            if problem:
                _print_lines([f"KHÔNG DÙNG ĐƯỢC: {problem}"])
            else:
                _print_lines(backups.describe_backup(backup.path).lines())
        return 0
    print(f"Phục hồi {args.db} từ bản sao lưu {args.backup}:")
    result = backups.restore_backup(args.backup, args.db, folder)
    _print_lines(result.restored.lines())
    if result.kept_copy is not None:
        print(f"Dữ liệu trước khi phục hồi được giữ lại trong tệp {result.kept_copy}")
    print("Đã phục hồi xong.")
    return 0


def _language(args: argparse.Namespace) -> int:
    from gnapp.preferences import preferred_language, remember_language

    if args.code is not None:
        remember_language(args.code)
        print(f"Từ lần mở sau, giao diện dùng: {LANGUAGES[args.code]}")
    else:
        code = preferred_language()
        print(f"{code} — {LANGUAGES[code]}")
    return 0


def _standards(_: argparse.Namespace) -> int:
    from gnapp.core.standards import available_standards

    for standard in available_standards():
        print(f"{standard.id}\t{standard.name}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number
    from gnapp.reporting.lists import export_list, export_register
    from gnapp.store.database import open_database
    from gnapp.store.lists import village_by_code
    from gnapp.store.overview import status_years

    if args.out.suffix.lower() != ".xlsx":
        raise CliError(f"Tệp xuất phải có đuôi .xlsx: {args.out}")
    if not args.out.parent.is_dir():
        raise CliError(f"Không có thư mục {args.out.parent}")
    with open_database(args.db) as cdb:
        village_id = village_by_code(cdb.db, args.village).id if args.village else None
        if args.export_command == "register":
            years = status_years(cdb.db)
            year = args.year or (years[-1] if years else date.today().year)
            result = export_register(cdb.db, args.out, year, village_id)
        else:
            result = export_list(cdb.db, args.out, args.year, args.kind, village_id)
    print(
        f"Đã ghi {result.path}: {format_number(result.households)} hộ, "
        f"{format_number(result.persons)} người."
    )
    return 0


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
    password = ask_secret("GNAPP_PASSWORD", f"Mật khẩu cho {args.admin}: ", repeat=True)
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
    print(f"Đã tạo {args.path}: {args.name}, {len(villages)} thôn, quản trị {args.admin}.")
    return 0


def _settings(args: argparse.Namespace) -> int:
    from gnapp.store.database import open_database
    from gnapp.store.settings import SETTINGS, current_settings, save_settings

    with open_database(args.db) as cdb:
        if args.action == "list":
            for key, value in current_settings(cdb.db).items():
                shown = " | ".join(value) if isinstance(value, list) else value
                print(f"{key}\t{SETTINGS[key].label}\t{shown}")
            return 0
        if args.key is None or args.value is None:
            raise CliError("Dùng: settings set KHÓA GIÁ_TRỊ --db PATH --admin TÊN")
        sign_in_admin(cdb, args.admin)
        value = args.value.replace("|", "\n") if args.key in MULTILINE_SETTINGS else args.value
        save_settings(cdb, {args.key: value})
    print(f"Đã lưu {args.key}.")
    return 0


MULTILINE_SETTINGS = ("document.signing_marks", "document.recipients")


def _user(args: argparse.Namespace) -> int:
    from gnapp.store import users
    from gnapp.store.database import open_database

    with open_database(args.db) as cdb:
        if args.action == "list":
            for account in users.list_users(cdb.db):
                state = "đang dùng" if account.active else "đã khóa"
                print(f"{account.username}\t{account.full_name}\t{account.role_names}\t{state}")
            return 0
        if not args.username:
            raise CliError(f"user {args.action} cần TÊN_ĐĂNG_NHẬP")
        if users.has_users(cdb.db):
            sign_in_admin(cdb, args.admin)
        elif args.action != "add" or "admin" not in (args.role or ()):
            raise CliError("Xã chưa có người dùng: hãy thêm người quản trị trước (--role admin).")
        if args.action == "add":
            if not args.name or not args.role:
                raise CliError("user add cần --name và ít nhất một --role")
            password = ask_secret("GNAPP_PASSWORD", "Mật khẩu mới: ", repeat=True)
            users.add_user(cdb, args.username, args.name, args.role, password)
        elif args.action == "passwd":
            password = ask_secret("GNAPP_PASSWORD", "Mật khẩu mới: ", repeat=True)
            users.change_password(cdb, args.username, password)
        elif args.action == "roles":
            if not args.role:
                raise CliError("user roles cần ít nhất một --role")
            users.set_roles(cdb, args.username, args.role)
        else:
            users.set_active(cdb, args.username, args.action == "unlock")
    print(f"Đã {USER_ACTIONS[args.action]} tài khoản {args.username}.")
    return 0


USER_ACTIONS = {
    "add": "thêm",
    "passwd": "đổi mật khẩu",
    "roles": "đổi vai trò",
    "lock": "khóa",
    "unlock": "mở khóa",
}


def _report(args: argparse.Namespace) -> int:
    from gnapp.reporting.builder import (
        default_header,
        header_choices,
        write_report_files,
        write_saved_report,
    )
    from gnapp.reporting.figures import FiguresError, report_kind
    from gnapp.store.database import open_database
    from gnapp.store.reports import (
        STATE_LABELS,
        ReportError,
        finalise,
        list_reports,
        load_report,
        new_draft_from,
        save_report,
    )

    with open_database(args.db) as cdb:
        if args.report_command == "list":
            for saved in list_reports(cdb.db):
                print(
                    f"{saved.id}\t{report_kind(saved.kind).name}\t{saved.period}\t"
                    f"phiên bản {saved.version}\t{STATE_LABELS[saved.state]}\t{saved.updated_at}"
                )
            return 0
        if args.report_command in ("files", "finalise", "draft"):
            try:
                if args.report_command == "finalise":
                    finalise(cdb, args.id)
                    print(f"Báo cáo số {args.id} đã là bản chính thức.")
                elif args.report_command == "draft":
                    print(f"Đã tạo bản nháp số {new_draft_from(cdb, args.id)}.")
                else:
                    if not args.out.is_dir():
                        raise CliError(f"Không có thư mục {args.out}")
                    built = write_saved_report(cdb.db, load_report(cdb.db, args.id), args.out)
                    print(f"Đã ghi {built.pdf} và {built.xlsx}.")
            except (ReportError, FiguresError) as error:
                raise CliError(str(error)) from error
            return 0
        if not args.out.is_dir():
            raise CliError(f"Không có thư mục {args.out}")
        content: dict = {}
        if args.narrative is not None:
            try:
                content = json.loads(args.narrative.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CliError(f"Không đọc được tệp nội dung {args.narrative}: {error}") from error
            if not isinstance(content, dict):
                raise CliError(f"Tệp {args.narrative} phải là một đối tượng JSON theo mục.")
        awards = content.pop("awards", [])
        header = default_header(cdb.db, args.date or date.today(), args.number)
        figure_sets = (
            [s.strip() for s in args.figure_sets.split(",") if s.strip()]
            if args.figure_sets is not None
            else None
        )
        try:
            built = write_report_files(
                cdb.db,
                args.kind,
                args.period,
                content,
                awards,
                header,
                args.out,
                figure_sets=figure_sets,
            )
        except FiguresError as error:
            raise CliError(str(error)) from error
        report_id = save_report(
            cdb,
            args.kind,
            built.figures.period.code,
            built.figures.to_dict(),
            content,
            awards,
            number=args.number,
            document_date=header.date,
            header=header_choices(header),
            figure_sets=figure_sets,
        )
    print(f"Đã ghi {built.pdf} và {built.xlsx}; đã lưu báo cáo số {report_id} (bản nháp).")
    return 0


def _import(args: argparse.Namespace) -> int:
    from gnapp.importers.cli import run_import_command

    return run_import_command(args)


def _targets(args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_decimal, parse_number
    from gnapp.importers.reading import ImportFileError
    from gnapp.importers.targets import apply_targets, describe, read_targets
    from gnapp.store import programme
    from gnapp.store.database import open_database

    action, *rest = args.items
    if action not in ("list", "set", "import") or len(rest) != (action == "import"):
        raise CliError("Dùng: targets list | targets set | targets import FILE")
    with open_database(args.db) as cdb:
        if action == "list":
            for row in programme.targets(cdb.db, args.year, period=args.period):
                unit = row["unit"] if row["unit"] == "%" else f" {row['unit']}"
                project = f"[{row['project_code']}] " if row["project_code"] else ""
                decision = f"\t{row['decision_number']}" if row["decision_number"] else ""
                print(
                    f"{row['code']}\t{project}{programme.target_label(row)}: "
                    f"{format_decimal(row['value'])}{unit}{decision}"
                )
            return 0
        if action == "set":
            if not args.code or args.value is None:
                raise CliError("targets set cần --code và --value")
            try:
                value = float(parse_number(args.value))
            except ValueError as error:
                raise CliError(str(error)) from error
            programme.set_target(
                cdb,
                args.year,
                args.code,
                value,
                period=args.period,
                project_code=args.project,
                unit=args.unit,
                decision_number=args.decision,
                decision_date=args.decision_date.isoformat() if args.decision_date else None,
            )
            print(f"Đã ghi chỉ tiêu {args.code} năm {args.year}: {format_decimal(value)}")
            return 0
        try:
            result = read_targets(rest[0], args.sheet)
            for problem in result.problems:
                print(("Lỗi: " if problem.error else "Bỏ qua: ") + str(problem), file=sys.stderr)
            for target in result.targets:
                print(describe(target))
            if args.dry_run:
                print(f"Xem trước: {len(result.targets)} chỉ tiêu, chưa ghi gì.")
                return 1 if result.errors else 0
            batch = apply_targets(cdb, result, args.year)
        except ImportFileError as error:
            raise CliError(str(error)) from error
    print(f"Đã ghi {len(result.targets)} chỉ tiêu năm {args.year} (lô số {batch}).")
    return 0


def _activity(args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_money, format_number
    from gnapp.store import activities, programme
    from gnapp.store.database import open_database
    from gnapp.store.lists import village_by_code

    action, *rest = args.items
    if action == "beneficiary":
        if len(rest) != 1 or not rest[0].isdigit() or not args.household:
            raise CliError("Dùng: activity beneficiary SỐ_HOẠT_ĐỘNG --household MÃ_HỘ")
    elif action not in ("list", "add", "policies") or rest:
        raise CliError("Dùng: activity list | add | beneficiary SỐ | policies")
    elif args.year is None:
        raise CliError(f"activity {action} cần --year")
    with open_database(args.db) as cdb:
        if action == "list":
            for row in activities.activities(cdb.db, args.year):
                budget = format_money(row["budget"]) if row["budget"] is not None else "—"
                print(
                    f"{row['id']}\t{row['project_code']}\t{row['name']}\t{budget}\t"
                    f"{format_number(row['households'])} hộ hưởng lợi"
                )
        elif action == "policies":
            for count in activities.policy_counts(cdb.db, args.year):
                print(
                    f"{count.label}: {format_number(count.households)} hộ, "
                    f"{format_money(count.amount)}"
                )
        elif action == "add":
            if not (args.project and args.kind and args.name):
                raise CliError("activity add cần --project, --kind và --name")
            village = village_by_code(cdb.db, args.village).id if args.village else None
            activity_id = activities.add_activity(
                cdb,
                year=args.year,
                programme_id=programme.programme_for_year(args.year),
                project_code=args.project,
                name=args.name,
                kind=args.kind,
                funding_source=args.source,
                budget=args.budget,
                village_id=village,
            )
            print(f"Đã thêm hoạt động số {activity_id}: {args.name}")
        else:
            found = cdb.db.execute(
                "SELECT id FROM households WHERE code = ?", [args.household]
            ).fetchone()
            if found is None:
                raise CliError(f"Không có hộ mã {args.household}")
            activities.add_beneficiary(
                cdb, int(rest[0]), found[0], support=args.support, amount=args.amount
            )
            print(f"Đã thêm hộ {args.household} vào hoạt động số {rest[0]}.")
    return 0


def _packages(args: argparse.Namespace) -> int:
    from gnapp.packages.cli import run

    return run(args)


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

    return run_self_test([*CORE_STEPS, Step("Mở cửa sổ chính (Qt, không màn hình)", main_window)])


def _review(args: argparse.Namespace) -> int:
    from gnapp.review.cli import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.self_test and args.command is not None:
        parser.error("--self-test không đi cùng một lệnh")
    handlers = {
        "demo": _demo_create,
        "classify": _classify,
        "db": _db_check,
        "standards": _standards,
        "language": _language,
        **dict.fromkeys(("household", "village", "commune"), _household),
        "import": _import,
        "review": _review,
        "export": _export,
        "targets": _targets,
        "activity": _activity,
        "report": _report,
        "user": _user,
        "setup": _setup,
        "settings": _settings,
        "backup": _backup,
        **dict.fromkeys(("key", "package", "office", "receive", "consolidate"), _packages),
        None: _gui,
    }
    from gnapp.core.record import RecordError
    from gnapp.core.standards import StandardError
    from gnapp.store.errors import CorruptDatabaseError, DatabaseError

    try:
        return (_self_test if args.self_test else handlers[args.command])(args)
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorcode not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise
        return _corrupt(args, f"Tệp dữ liệu bị hỏng ({error}).")
    except CorruptDatabaseError as error:
        return _corrupt(args, str(error))
    except (CliError, DatabaseError, RecordError, StandardError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1


def _household(args: argparse.Namespace) -> int:
    from gnapp.register_cli import run

    return run(args)


def _corrupt(args: argparse.Namespace, message: str) -> int:
    """Say that a database is broken and how to get the data back; exit status EXIT_CORRUPT."""
    print(f"Lỗi: {message}", file=sys.stderr)
    db = getattr(args, "db", None)
    if db is not None:
        print(
            "Có thể lấy lại dữ liệu từ bản sao lưu gần nhất còn tốt:\n"
            f"  gnapp backup list --db {db}\n"
            f"  gnapp backup restore TỆP_SAO_LƯU --db {db}\n"
            "(dữ liệu hiện tại được giữ lại một bản trước khi phục hồi)",
            file=sys.stderr,
        )
    return EXIT_CORRUPT
