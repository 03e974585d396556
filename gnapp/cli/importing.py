"""``gnapp import``: preview and import a household list, list and undo past imports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gnapp.core.vietnamese import format_number
from gnapp.importers.apply import apply_plan, import_batches, undo_import
from gnapp.importers.plan import LAYOUT_LABELS, ImportPlan, build_plan, open_source
from gnapp.importers.reading import ImportFileError
from gnapp.importers.report import write_error_report
from gnapp.progress import Progress
from gnapp.store.database import open_database
from gnapp.store.errors import DatabaseError

SHOWN_PROBLEMS = 20


def run_import_command(args: argparse.Namespace) -> int:
    try:
        with open_database(args.db) as cdb:
            first, rest = args.items[0], args.items[1:]
            if first == "list" and not rest and not Path(first).exists():
                return _list(cdb)
            if first == "undo" and not Path(first).exists():
                if len(rest) != 1 or not rest[0].isdigit():
                    raise ImportFileError("Cách dùng: gnapp import undo SỐ_LÔ --db PATH")
                undo_id = undo_import(cdb, int(rest[0]))
                print(f"Đã hoàn tác lần nhập số {rest[0]} (lô hoàn tác số {undo_id}).")
                return 0
            if rest:
                raise ImportFileError("Mỗi lần chỉ nhập một tệp.")
            return _import(cdb, args)
    except (ImportFileError, DatabaseError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1


def _list(cdb) -> int:
    found = import_batches(cdb)
    if not found:
        print("Chưa có lần nhập dữ liệu nào.")
    for batch in found:
        state = f"đã hoàn tác {batch.undone_at}" if batch.undone_at else "còn hiệu lực"
        print(
            f"{batch.id}\t{batch.started_at}\t{batch.label}\t{batch.actor}\t"
            f"{format_number(batch.changes)} thay đổi\t{state}"
        )
    return 0


def print_preview(plan: ImportPlan) -> None:
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
    for problem in plan.problems[:SHOWN_PROBLEMS]:
        kind = "Lỗi" if problem.severity == "error" else "Cảnh báo"
        print(f"  {kind} — {problem.location}: {problem.message}")
    if len(plan.problems) > SHOWN_PROBLEMS:
        print(f"  … và {format_number(len(plan.problems) - SHOWN_PROBLEMS)} vấn đề khác")
    for duplicate in plan.duplicates[:SHOWN_PROBLEMS]:
        print(f"  Trùng — Trang “{plan.sheet.name}”, dòng {duplicate.row}: {duplicate.message}")


def _import(cdb, args: argparse.Namespace) -> int:
    source = open_source(cdb.db, args.items[0], args.sheet)
    plan = build_plan(cdb.db, source, default_village=args.village)
    print_preview(plan)
    if args.errors is not None and plan.rejected_rows():
        count = write_error_report(plan, args.errors)
        print(f"Đã ghi {format_number(count)} dòng bị loại vào {args.errors}")
    if not plan.to_import():
        print("Lỗi: không có hộ nào nhập được từ tệp này.", file=sys.stderr)
        return 1
    if args.dry_run:
        print("Chạy thử (--dry-run): chưa ghi gì vào dữ liệu.")
        return 0

    def show(done: int, total: int, message: str) -> None:
        print(f"\r{message}", end="", file=sys.stderr, flush=True)

    result = apply_plan(cdb, plan, Progress(show))
    print(file=sys.stderr)
    print(
        f"Đã nhập {format_number(result.households)} hộ, {format_number(result.members)} nhân "
        f"khẩu (lần nhập số {result.batch_id}; hoàn tác: gnapp import undo {result.batch_id} "
        f"--db {args.db})."
    )
    return 0
