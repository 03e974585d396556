"""The ``gnapp`` command line: every subcommand is a thin call into the core.

Without a subcommand it starts the GUI (``--demo`` or ``--db PATH``).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from datetime import date
from pathlib import Path

from gnapp import __version__


class CliError(Exception):
    """A failure to report to the user in one Vietnamese line (exit status 1)."""


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
    from gnapp.store.migrations import LATEST_VERSION

    if not args.path.exists():
        raise CliError(f"Không tìm thấy tệp dữ liệu: {args.path}")
    try:
        conn = sqlite3.connect(f"file:{args.path}?mode=ro", uri=True)
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        households = (
            conn.execute("SELECT count(*) FROM households").fetchone()[0]
            if "households" in tables
            else 0
        )
        conn.close()
    except sqlite3.DatabaseError as error:
        raise CliError(
            f"Tệp {args.path} không phải cơ sở dữ liệu GNApp hợp lệ ({error})."
        ) from error
    ok = integrity == ["ok"] and not foreign and 1 <= version <= LATEST_VERSION
    print(f"Tệp: {args.path}")
    if version == LATEST_VERSION:
        print(f"Lược đồ dữ liệu: v{version} (mới nhất)")
    elif 1 <= version < LATEST_VERSION:
        print(f"Lược đồ dữ liệu: v{version} (sẽ được nâng cấp lên v{LATEST_VERSION} khi mở)")
    elif version == 0:
        print("Lược đồ dữ liệu: không phải tệp dữ liệu GNApp")
    else:
        print(f"Lược đồ dữ liệu: v{version} (mới hơn phiên bản này, v{LATEST_VERSION})")
    print("Toàn vẹn: " + ("tốt" if integrity == ["ok"] else "; ".join(integrity[:10])))
    if foreign:
        print(f"Khóa ngoại: {len(foreign)} dòng tham chiếu hỏng")
    print(f"Số hộ: {households}")
    print("Kết quả: " + ("ĐẠT" if ok else "KHÔNG ĐẠT"))
    return 0 if ok else 1


def _standards(_: argparse.Namespace) -> int:
    from gnapp.core.standards import available_standards

    for standard in available_standards():
        print(f"{standard.id}\t{standard.name}")
    return 0


def _gui(args: argparse.Namespace) -> int:
    from gnapp.ui.app import run_gui

    if args.demo:
        from gnapp.demo import BUNDLED_DEMO

        folder = Path(tempfile.mkdtemp(prefix="gnapp-demo-"))
        return run_gui(folder / BUNDLED_DEMO, demo=True)
    if args.db is None:
        raise CliError("Hãy chỉ ra tệp dữ liệu xã (--db PATH) hoặc mở xã mẫu (--demo).")
    return run_gui(args.db)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {
        "demo": _demo_create,
        "classify": _classify,
        "db": _db_check,
        "standards": _standards,
        None: _gui,
    }
    from gnapp.core.record import RecordError
    from gnapp.core.standards import StandardError
    from gnapp.store.errors import DatabaseError

    try:
        return handlers[args.command](args)
    except (CliError, DatabaseError, RecordError, StandardError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
