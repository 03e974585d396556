"""``gnapp review import``: questionnaires from tablets (KoBoToolbox, ODK) into a review round."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gnapp.core.classify import CLASS_LABELS
from gnapp.core.vietnamese import format_number
from gnapp.importers.reading import ImportFileError
from gnapp.progress import Progress
from gnapp.review.tablet import (
    SEVERITY_LABELS,
    TabletPlan,
    apply_tablet_import,
    load_mapping,
    plan_tablet_import,
    write_problem_report,
)
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError

SHOWN_PROBLEMS = 20


def add_import_command(review_commands: Any) -> None:
    """Add ``import`` to the ``gnapp review`` subcommands."""
    command = review_commands.add_parser(
        "import",
        help="nhập phiếu rà soát thu bằng máy tính bảng (KoBoToolbox, ODK: xlsx, csv, zip)",
        description="Nhập Phiếu B thu bằng máy tính bảng vào một đợt rà soát: "
        "gnapp review import FILE [FILE2] --db PATH --round ID [--mapping M.json] [--dry-run] "
        "[--errors OUT.xlsx]. Xem docs/tablet-import.md.",
    )
    command.add_argument(
        "files", nargs="+", type=Path, metavar="FILE",
        help="tệp xuất từ KoBoToolbox/ODK (.xlsx, .csv, .zip); tệp thứ hai: nhóm lặp thành viên",
    )  # fmt: skip
    command.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
    command.add_argument("--round", type=int, required=True, metavar="ID", help="mã đợt rà soát")
    command.add_argument(
        "--mapping", type=Path, metavar="M.json", help="tệp ghép cột đã lưu (cột → trường)"
    )
    command.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    command.add_argument(
        "--errors", type=Path, metavar="OUT.xlsx", help="ghi mọi lỗi, cảnh báo ra tệp Excel"
    )
    command.add_argument(
        "--reviewer", metavar="TÊN", help="rà soát viên cho các phiếu không ghi rà soát viên"
    )
    command.set_defaults(review_handler=run_review_import)


def print_preview(plan: TabletPlan) -> None:
    good = plan.to_save()
    print(f"Tệp: {', '.join(plan.files)}")
    print(
        f"Số phiếu: {format_number(len(plan.submissions))}; nhập được: "
        f"{format_number(len(good))}; bị loại: {format_number(len(plan.rejected))}"
    )
    classes: dict[str, int] = {}
    for submission in good:
        if submission.class_code:
            classes[submission.class_code] = classes.get(submission.class_code, 0) + 1
    if classes:
        print(
            "Kết quả phân loại dự kiến: "
            + "; ".join(f"{CLASS_LABELS[c]}: {format_number(n)}" for c, n in classes.items())
        )
    for note in plan.notes:
        print(f"Lưu ý: {note}")
    problems = plan.all_problems()
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"  {SEVERITY_LABELS[problem.severity]} — {problem}")
    if len(problems) > SHOWN_PROBLEMS:
        print(f"  … và {format_number(len(problems) - SHOWN_PROBLEMS)} vấn đề khác")


def run_review_import(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    """Preview, then (unless --dry-run) save; ``cdb`` is opened by ``gnapp review``."""
    if len(args.files) > 2:
        print("Lỗi: mỗi lần nhập một tệp phiếu, cùng lắm thêm một tệp thành viên.", file=sys.stderr)
        return 1
    try:
        mapping = load_mapping(args.mapping) if args.mapping else None
        plan = plan_tablet_import(cdb.db, args.round, args.files, mapping=mapping)
        print_preview(plan)
        if args.errors is not None and plan.all_problems():
            count = write_problem_report(plan, args.errors)
            print(f"Đã ghi {format_number(count)} lỗi, cảnh báo vào {args.errors}")
        if not plan.to_save():
            print("Lỗi: không có phiếu nào nhập được từ tệp này.", file=sys.stderr)
            return 1
        if args.dry_run:
            print("Chạy thử (--dry-run): chưa ghi gì vào dữ liệu.")
            return 0

        def show(done: int, total: int, message: str) -> None:
            print(f"\r{message}", end="", file=sys.stderr, flush=True)

        result = apply_tablet_import(cdb, plan, reviewer=args.reviewer, progress=Progress(show))
        print(file=sys.stderr)
    except (ImportFileError, DatabaseError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    print(
        f"Đã lưu {format_number(result.saved)} Phiếu B hoàn thành vào đợt rà soát {args.round}: "
        + "; ".join(f"{CLASS_LABELS[c]}: {format_number(n)}" for c, n in result.classes.items())
    )
    return 0
