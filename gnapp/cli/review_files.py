"""The files of ``gnapp review``: questionnaires in from tablets (``import``), the round's
official documents (``document``) and its summary tables for the level above (``tables``).

    gnapp review import FILE [MEMBERS] --db PATH --round ID [--mapping M.json] [--dry-run]
                        [--errors OUT.xlsx] [--reviewer TÊN]             (docs/tablet-import.md)
    gnapp review xlsform --db PATH --round ID --out DIR|FILE.xlsx          (docs/tablet-form.md)
    gnapp review document LOẠI --db PATH --round ID --out FILE [--village TÊN]
                          [--household MÃ_HỘ] [--date YYYY-MM-DD]        (docs/review-documents.md)
    gnapp review tables --db PATH --round ID --out DIR [--format xlsx|pdf|both]
                        [--date YYYY-MM-DD]                              (docs/review-tables.md)
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gnapp.cli.common import (
    CliError,
    add_db,
    apply_unless_dry_run,
    on_commune,
    output_folder,
    print_limited,
    round_option,
)
from gnapp.i18n import tr, tr_noop

if TYPE_CHECKING:
    from gnapp.review.tablet import TabletPlan
    from gnapp.store.database import CommuneDatabase

DOCUMENT_KINDS = {
    "list": tr_noop("danh sách hộ cần rà soát (Phụ lục I)"),
    "questionnaire": tr_noop("phiếu rà soát đã điền của một hộ hoặc cả thôn"),
    "minutes": tr_noop("biên bản họp dân của một thôn"),
    "notice": tr_noop("thông báo niêm yết kết quả"),
    "decision": tr_noop("quyết định công nhận (dự thảo khi chưa công nhận)"),
    "certificates": tr_noop("giấy chứng nhận hộ nghèo, hộ cận nghèo"),
}


def add_commands(actions: Any) -> None:
    """Add ``import``, ``xlsform``, ``document`` and ``tables`` to the ``gnapp review``
    subcommands."""
    from gnapp.review.documents import KINDS, XLSX_KINDS
    from gnapp.review.tables import FORMATS

    tablet = actions.add_parser(
        "import",
        help=tr("nhập phiếu rà soát thu bằng máy tính bảng (KoBoToolbox, ODK: xlsx, csv, zip)"),
        description=tr(
            "Nhập Phiếu B thu bằng máy tính bảng vào một đợt rà soát. Xem docs/tablet-import.md."
        ),
    )
    tablet.add_argument("file", type=Path, metavar="FILE",
                        help=tr("tệp xuất từ KoBoToolbox/ODK (.xlsx, .csv, .zip)"))  # fmt: skip
    tablet.add_argument(
        "members",
        type=Path,
        nargs="?",
        metavar="MEMBERS",
        help=tr("tệp thứ hai: nhóm lặp thành viên (xuất thành hai tệp)"),
    )
    add_db(tablet)
    round_option(tablet)
    tablet.add_argument(
        "--mapping", type=Path, metavar="M.json", help=tr("tệp ghép cột đã lưu (cột → trường)")
    )
    tablet.add_argument("--dry-run", action="store_true", help=tr("chỉ xem trước, không ghi gì"))
    tablet.add_argument(
        "--errors", type=Path, metavar="OUT.xlsx", help=tr("ghi mọi lỗi, cảnh báo ra tệp Excel")
    )
    tablet.add_argument(
        "--reviewer",
        metavar=tr("TÊN"),
        help=tr("rà soát viên cho các phiếu không ghi rà soát viên"),
    )
    tablet.set_defaults(handler=on_commune(_tablet_import))

    form = actions.add_parser(
        "xlsform",
        help=tr("ghi biểu mẫu Phiếu B cho máy tính bảng (XLSForm cho KoBoToolbox, ODK Collect)"),
        description=tr(
            "Ghi biểu mẫu XLSForm của đợt rà soát, kèm households.csv (danh sách "
            "hộ cần rà soát) và previous.csv (thông tin năm trước). Hướng dẫn: "
            "trong GNApp, mục Trợ giúp › Hướng dẫn thu phiếu bằng máy tính bảng."
        ),
    )
    add_db(form)
    round_option(form)
    form.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR|FILE.xlsx",
        help=tr("thư mục ghi tệp (phieu-b.xlsx) hoặc tên tệp biểu mẫu .xlsx"),
    )
    form.add_argument(
        "--phieu-a",
        action="store_true",
        help=tr("đợt dùng Phiếu A: biểu mẫu hỏi Phiếu A trước, Phiếu B chỉ khi hộ đủ điều kiện"),
    )
    form.set_defaults(handler=on_commune(_xlsform))

    document = actions.add_parser(
        "document",
        help=tr("ghi văn bản của đợt rà soát ra PDF (hoặc Excel: ") + ", ".join(XLSX_KINDS) + ")",
        description="; ".join(f"{kind}: {tr(text)}" for kind, text in DOCUMENT_KINDS.items()),
    )
    document.add_argument("kind", choices=KINDS, metavar=tr("LOẠI"), help=" | ".join(KINDS))
    add_db(document)
    round_option(document)
    document.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help=tr("tệp ghi ra (.pdf hoặc .xlsx)")
    )
    document.add_argument("--village", metavar=tr("TÊN"), help=tr("chỉ một thôn"))
    document.add_argument("--household", metavar=tr("MÃ_HỘ"), help=tr("chỉ một hộ"))
    document.add_argument(
        "--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help=tr("ngày ghi trên văn bản")
    )
    document.set_defaults(handler=on_commune(_document))

    tables = actions.add_parser(
        "tables", help=tr("ghi các biểu tổng hợp kết quả rà soát (Excel, PDF) gửi cấp trên")
    )
    add_db(tables)
    round_option(tables, tr("mã đợt rà soát đã công nhận"))
    tables.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help=tr("thư mục ghi tệp")
    )
    tables.add_argument(
        "--format", choices=FORMATS, default="both", help=tr("định dạng tệp (mặc định: cả hai)")
    )
    tables.add_argument(
        "--date",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help=tr("ngày của văn bản PDF (mặc định: hôm nay)"),
    )
    tables.set_defaults(handler=on_commune(_tables))


# --- tablets ------------------------------------------------------------------------------------


def _print_preview(plan: TabletPlan) -> None:
    from gnapp.core.classify import CLASS_LABELS
    from gnapp.core.vietnamese import format_number
    from gnapp.review.tablet import SEVERITY_LABELS

    good = plan.to_save()
    print(tr("Tệp: {files}", files=", ".join(plan.files)))
    print(
        tr(
            "Số phiếu: {forms}; nhập được: {good}; bị loại: {rejected}",
            forms=format_number(len(plan.submissions)),
            good=format_number(len(good)),
            rejected=format_number(len(plan.rejected)),
        )
    )
    classes: dict[str, int] = {}
    for submission in good:
        if submission.class_code:
            classes[submission.class_code] = classes.get(submission.class_code, 0) + 1
    if classes:
        print(
            tr("Kết quả phân loại dự kiến: ")
            + "; ".join(f"{tr(CLASS_LABELS[c])}: {format_number(n)}" for c, n in classes.items())
        )
    for note in plan.notes:
        print(tr("Lưu ý: {note}", note=note))
    print_limited(
        [f"{tr(SEVERITY_LABELS[problem.severity])} — {problem}" for problem in plan.all_problems()]
    )


def _tablet_import(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    """Preview, then (unless --dry-run) save."""
    from gnapp.core.classify import CLASS_LABELS
    from gnapp.core.vietnamese import format_number
    from gnapp.review.tablet import (
        apply_tablet_import,
        load_mapping,
        plan_tablet_import,
        write_problem_report,
    )

    files = [args.file] if args.members is None else [args.file, args.members]
    mapping = load_mapping(args.mapping) if args.mapping else None
    plan = plan_tablet_import(cdb.db, args.round, files, mapping=mapping)
    _print_preview(plan)
    if args.errors is not None and plan.all_problems():
        count = write_problem_report(plan, args.errors)
        print(
            tr(
                "Đã ghi {count} lỗi, cảnh báo vào {errors}",
                count=format_number(count),
                errors=args.errors,
            )
        )
    if not plan.to_save():
        raise CliError(tr("không có phiếu nào nhập được từ tệp {name}.", name=args.file.name))
    result = apply_unless_dry_run(
        args.dry_run,
        lambda progress: apply_tablet_import(cdb, plan, reviewer=args.reviewer, progress=progress),
    )
    if result is None:
        return 0
    print(
        tr(
            "Đã lưu {saved} Phiếu B hoàn thành vào đợt rà soát {round}: ",
            saved=format_number(result.saved),
            round=args.round,
        )
        + "; ".join(f"{tr(CLASS_LABELS[c])}: {format_number(n)}" for c, n in result.classes.items())
    )
    return 0


def _xlsform(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number
    from gnapp.review.xlsform import write_xlsform

    files = write_xlsform(cdb.db, args.round, args.out, form_a=args.phieu_a)
    print(
        tr(
            "Đã ghi biểu mẫu {form} (mã biểu mẫu {form_id}, phiên bản {version})",
            form=files.form,
            form_id=files.form_id,
            version=files.version,
        )
    )
    print(
        tr(
            "Danh sách hộ: {households} ({households_listed} hộ)",
            households=files.households,
            households_listed=format_number(files.households_listed),
        )
    )
    print(tr("Thông tin năm trước: {previous}", previous=files.previous))
    for note in files.notes:
        print(tr("Lưu ý: {note}", note=note))
    return 0


# --- documents and tables -----------------------------------------------------------------------


def _document(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.review.documents import document_notes, write_document

    for note in document_notes(cdb.db, args.round, args.kind, args.date):
        print(tr("Lưu ý: {note}", note=note), file=sys.stderr)
    written = write_document(
        cdb.db,
        args.round,
        args.kind,
        args.out,
        village=args.village,
        household_code=args.household,
        on=args.date,
    )
    unit = tr("trang tính") if written.path.suffix.lower() == ".xlsx" else tr("văn bản")
    print(
        tr(
            "Đã ghi {path} ({documents} {unit}).",
            path=written.path,
            documents=written.documents,
            unit=unit,
        )
    )
    return 0


def _tables(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.review.tables import export_summary_tables

    written = export_summary_tables(
        cdb.db, args.round, output_folder(args.out), formats=args.format, on=args.date
    )
    for path in written.files:
        print(tr("Đã ghi {path}", path=path))
    return 0
