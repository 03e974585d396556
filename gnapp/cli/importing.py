"""``gnapp import``: preview and import a household list, list and undo past imports.

gnapp import file FILE --db PATH [--dry-run] [--sheet TÊN] [--errors OUT.xlsx] [--village TÊN]
gnapp import list --db PATH
gnapp import undo SỐ_LÔ --db PATH
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gnapp.cli.common import (
    SHOWN_PROBLEMS,
    CliError,
    add_db,
    apply_unless_dry_run,
    on_commune,
    print_limited,
    subcommands,
)

if TYPE_CHECKING:
    from gnapp.importers.plan import ImportPlan
    from gnapp.store.database import CommuneDatabase


def add_commands(commands: Any) -> None:
    """Add ``import`` and its subcommands."""
    importing = commands.add_parser(
        "import", help="nhập danh sách hộ từ tệp Excel/ODS/CSV, xem và hoàn tác các lần nhập"
    )
    actions = subcommands(importing, "import")
    source = actions.add_parser("file", help="xem trước rồi nhập một tệp danh sách hộ")
    source.add_argument("file", type=Path, metavar="FILE", help="tệp .xlsx, .xls, .ods hoặc .csv")
    add_db(source)
    source.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    source.add_argument("--sheet", metavar="TÊN", help="trang tính cần nhập (mặc định: đầu tiên)")
    source.add_argument("--errors", type=Path, metavar="OUT.xlsx", help="ghi các dòng bị loại")
    source.add_argument(
        "--village", metavar="TÊN", help="thôn/tổ dân phố cho các hộ mà tệp không ghi thôn"
    )
    source.set_defaults(handler=on_commune(_import))
    listing = actions.add_parser("list", help="các lần nhập dữ liệu và lần nào đã hoàn tác")
    add_db(listing)
    listing.set_defaults(handler=on_commune(_list))
    undo = actions.add_parser("undo", help="hoàn tác một lần nhập (theo số lô của “import list”)")
    undo.add_argument("batch", type=int, metavar="SỐ_LÔ", help="số của lần nhập")
    add_db(undo)
    undo.set_defaults(handler=on_commune(_undo))


def _list(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number, format_timestamp
    from gnapp.importers.apply import import_batches

    found = import_batches(cdb)
    if not found:
        print("Chưa có lần nhập dữ liệu nào.")
    for batch in found:
        state = (
            f"đã hoàn tác {format_timestamp(batch.undone_at)}"
            if batch.undone_at
            else "còn hiệu lực"
        )
        print(
            f"{batch.id}\t{format_timestamp(batch.started_at)}\t{batch.label}\t{batch.actor}\t"
            f"{format_number(batch.changes)} thay đổi\t{state}"
        )
    return 0


def _undo(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.importers.apply import undo_import

    undo_id = undo_import(cdb, args.batch)
    print(f"Đã hoàn tác lần nhập số {args.batch} (lô hoàn tác số {undo_id}).")
    return 0


def _print_preview(plan: ImportPlan) -> None:
    from gnapp.core.vietnamese import format_number
    from gnapp.importers.plan import LAYOUT_LABELS

    summary = plan.summary()
    print(f"Tệp: {plan.source.name}, trang “{plan.sheet.name}” ({LAYOUT_LABELS[plan.layout]})")
    print(
        f"Số dòng: {format_number(summary.rows)}; nhận: {format_number(summary.accepted)}; "
        f"có cảnh báo: {format_number(summary.warned)}; bị loại: {format_number(summary.rejected)}"
    )
    print(
        f"Hộ trùng: {format_number(summary.duplicates)} (bỏ qua {format_number(summary.skipped)} "
        f"dòng); sẽ nhập {format_number(summary.households)} hộ, "
        f"{format_number(summary.members)} nhân khẩu"
    )
    if plan.new_villages:
        print("Thôn mới sẽ được tạo: " + ", ".join(plan.new_villages.values()))
    for note in plan.notes:
        print(f"Lưu ý: {note}")
    print_limited(
        [
            f"{'Lỗi' if problem.severity == 'error' else 'Cảnh báo'} — {problem.location}: "
            f"{problem.message}"
            for problem in plan.problems
        ]
    )
    for duplicate in plan.duplicates[:SHOWN_PROBLEMS]:
        print(f"  Trùng — Trang “{plan.sheet.name}”, dòng {duplicate.row}: {duplicate.message}")


def _import(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number
    from gnapp.importers.apply import apply_plan
    from gnapp.importers.plan import build_plan, open_source
    from gnapp.importers.report import write_error_report

    source = open_source(cdb.db, args.file, args.sheet)
    plan = build_plan(cdb.db, source, default_village=args.village)
    _print_preview(plan)
    if args.errors is not None and plan.rejected_rows():
        count = write_error_report(plan, args.errors)
        print(f"Đã ghi {format_number(count)} dòng bị loại vào {args.errors}")
    if not plan.to_import():
        raise CliError("không có hộ nào nhập được từ tệp này.")
    result = apply_unless_dry_run(args.dry_run, lambda progress: apply_plan(cdb, plan, progress))
    if result is None:
        return 0
    print(
        f"Đã nhập {format_number(result.households)} hộ, {format_number(result.members)} nhân "
        f"khẩu (lần nhập số {result.batch_id}; hoàn tác: gnapp import undo {result.batch_id} "
        f"--db {args.db})."
    )
    return 0
