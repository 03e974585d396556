"""``gnapp review tables``: the review's summary tables for the level above, from the command
line (gnapp.review.tables, docs/review-tables.md).

    gnapp review tables --db PATH --round ID --out DIR [--format xlsx|pdf|both] [--date YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from gnapp.cli_support import CliError


def add_tables_command(review_commands: Any) -> None:
    """Register ``tables`` under the ``review`` command group."""
    from gnapp.review.tables import FORMATS

    tables = review_commands.add_parser(
        "tables", help="ghi các biểu tổng hợp kết quả rà soát (Excel, PDF) gửi cấp trên"
    )
    tables.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
    tables.add_argument(
        "--round", type=int, required=True, metavar="ID", help="mã đợt rà soát đã công nhận"
    )
    tables.add_argument("--out", type=Path, required=True, metavar="DIR", help="thư mục ghi tệp")
    tables.add_argument(
        "--format", choices=FORMATS, default="both", help="định dạng tệp (mặc định: cả hai)"
    )
    tables.add_argument(
        "--date",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="ngày của văn bản PDF (mặc định: hôm nay)",
    )
    tables.set_defaults(review_handler=run)


def run(cdb: Any, args: argparse.Namespace) -> int:
    """Write the tables of ``args.round`` (``cdb``: the commune's open database)."""
    from gnapp.review.tables import SummaryTablesError, export_summary_tables

    try:
        written = export_summary_tables(
            cdb.db, args.round, args.out, formats=args.format, on=args.date
        )
    except SummaryTablesError as error:
        raise CliError(str(error)) from error
    for path in written.files:
        print(f"Đã ghi {path}")
    return 0
