"""``gnapp review document KIND``: write one of a review round's official documents."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from gnapp.review.documents import KINDS, XLSX_KINDS, write_document
from gnapp.store.database import CommuneDatabase

KIND_HELP = {
    "list": "danh sách hộ cần rà soát (Phụ lục I)",
    "questionnaire": "phiếu rà soát đã điền của một hộ hoặc cả thôn",
    "minutes": "biên bản họp dân của một thôn",
    "notice": "thông báo niêm yết kết quả",
    "decision": "quyết định công nhận (dự thảo khi chưa công nhận)",
    "certificates": "giấy chứng nhận hộ nghèo, hộ cận nghèo",
}


def add_document_command(review_commands: Any) -> None:
    """Add ``document`` to the ``gnapp review`` subcommands."""
    command = review_commands.add_parser(
        "document",
        help="ghi văn bản của đợt rà soát ra PDF (hoặc Excel: " + ", ".join(XLSX_KINDS) + ")",
        description="; ".join(f"{kind}: {text}" for kind, text in KIND_HELP.items()),
    )
    command.add_argument("kind", choices=KINDS, metavar="LOẠI", help=" | ".join(KINDS))
    command.add_argument("--db", type=Path, required=True, metavar="PATH", help="tệp dữ liệu xã")
    command.add_argument("--round", type=int, required=True, metavar="SỐ", help="mã đợt rà soát")
    command.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="tệp ghi ra (.pdf hoặc .xlsx)"
    )
    command.add_argument("--village", metavar="TÊN", help="chỉ một thôn")
    command.add_argument("--household", metavar="MÃ_HỘ", help="chỉ một hộ")
    command.add_argument(
        "--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help="ngày ghi trên văn bản"
    )
    command.set_defaults(review_handler=run_document_command)


def run_document_command(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    """Write the document (``gnapp review`` opens the database; a refusal is a DocumentError,
    which the CLI prints as "Lỗi: …")."""
    written = write_document(
        cdb.db,
        args.round,
        args.kind,
        args.out,
        village=args.village,
        household_code=args.household,
        on=args.date,
    )
    unit = "trang tính" if written.path.suffix.lower() == ".xlsx" else "văn bản"
    print(f"Đã ghi {written.path} ({written.documents} {unit}).")
    return 0
