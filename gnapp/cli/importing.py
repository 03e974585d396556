"""``gnapp import``: preview and import a household list, list and undo past imports.

gnapp import file FILE --db PATH [--dry-run] [--sheet TÊN] [--errors OUT.xlsx] [--village TÊN]
    [--map TIÊU_ĐỀ=TRƯỜNG ...] [--mapping FILE.json] [--save-mapping OUT.json]
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
from gnapp.i18n import tr

if TYPE_CHECKING:
    from gnapp.importers.plan import ImportPlan, Source
    from gnapp.store.database import CommuneDatabase


# The commands add_commands adds (gnapp.cli builds only the group of the command run).
COMMANDS = ("import",)


def add_commands(commands: Any) -> None:
    """Add ``import`` and its subcommands."""
    importing = commands.add_parser(
        "import", help=tr("nhập danh sách hộ từ tệp Excel/ODS/CSV, xem và hoàn tác các lần nhập")
    )
    actions = subcommands(importing, "import")
    source = actions.add_parser("file", help=tr("xem trước rồi nhập một tệp danh sách hộ"))
    source.add_argument(
        "file", type=Path, metavar="FILE", help=tr("tệp .xlsx, .xls, .ods hoặc .csv")
    )
    add_db(source)
    source.add_argument("--dry-run", action="store_true", help=tr("chỉ xem trước, không ghi gì"))
    source.add_argument(
        "--sheet", metavar=tr("TÊN"), help=tr("trang tính cần nhập (mặc định: đầu tiên)")
    )
    source.add_argument("--errors", type=Path, metavar="OUT.xlsx", help=tr("ghi các dòng bị loại"))
    source.add_argument(
        "--village", metavar=tr("TÊN"), help=tr("thôn/tổ dân phố cho các hộ mà tệp không ghi thôn")
    )
    source.add_argument(
        "--map",
        action="append",
        default=[],
        metavar=tr("TIÊU_ĐỀ=TRƯỜNG"),
        help=tr(
            "ghép tay một cột (theo tiêu đề hoặc chữ cột) với một trường, ví dụ "
            "“Thôn/Tổ=village” hoặc “C=village”; lặp lại được"
        ),
    )
    source.add_argument(
        "--mapping", type=Path, metavar="FILE.json", help=tr("dùng cách ghép cột đã lưu trong tệp")
    )
    source.add_argument(
        "--save-mapping", type=Path, metavar="OUT.json", help=tr("lưu cách ghép cột vào tệp")
    )
    source.set_defaults(handler=on_commune(_import))
    listing = actions.add_parser("list", help=tr("các lần nhập dữ liệu và lần nào đã hoàn tác"))
    add_db(listing)
    listing.set_defaults(handler=on_commune(_list))
    undo = actions.add_parser(
        "undo", help=tr("hoàn tác một lần nhập (theo số lô của “import list”)")
    )
    undo.add_argument("batch", type=int, metavar=tr("SỐ_LÔ"), help=tr("số của lần nhập"))
    add_db(undo)
    undo.set_defaults(handler=on_commune(_undo))


def _list(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number, format_timestamp
    from gnapp.importers.apply import import_batches

    found = import_batches(cdb)
    if not found:
        print(tr("Chưa có lần nhập dữ liệu nào."))
    for batch in found:
        state = (
            tr("đã hoàn tác {undone_at}", undone_at=format_timestamp(batch.undone_at))
            if batch.undone_at
            else tr("còn hiệu lực")
        )
        print(
            tr(
                "{id}\t{started_at}\t{label}\t{actor}\t{changes} thay đổi\t{state}",
                id=batch.id,
                started_at=format_timestamp(batch.started_at),
                label=batch.label,
                actor=batch.actor,
                changes=format_number(batch.changes),
                state=state,
            )
        )
    return 0


def _undo(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.importers.apply import undo_import

    undo_id = undo_import(cdb, args.batch)
    print(
        tr(
            "Đã hoàn tác lần nhập số {batch} (lô hoàn tác số {undo_id}).",
            batch=args.batch,
            undo_id=undo_id,
        )
    )
    return 0


def _print_columns(source: Source, mapping: dict[int, str], how: str) -> None:
    from gnapp.importers.headers import IGNORE, field_label

    print(tr("Cách ghép cột ({how}):", how=how))
    unmapped = []
    for guess in source.guesses:
        column = guess.column
        field_id = mapping.get(column.index)
        if field_id is None or field_id == IGNORE:
            reason = tr("bỏ qua") if field_id == IGNORE else (guess.reason or tr("chưa ghép"))
            print(
                tr(
                    "  Cột {letter} “{text}” → không nhập ({reason})",
                    letter=column.letter,
                    text=column.text,
                    reason=reason,
                )
            )
            if field_id is None:
                unmapped.append(f"{column.letter} “{column.text}” ({reason})")
        else:
            print(
                tr(
                    "  Cột {letter} “{text}” → {field_label}",
                    letter=column.letter,
                    text=column.text,
                    field_label=field_label(field_id),
                )
            )
    if unmapped:
        print(
            tr("Tiêu đề chưa ghép: ")
            + "; ".join(unmapped)
            + tr(". Ghép tay bằng --map “TIÊU_ĐỀ=trường” nếu cần.")
        )


def _print_preview(plan: ImportPlan) -> None:
    from gnapp.core.vietnamese import format_number
    from gnapp.importers.plan import LAYOUT_LABELS

    summary = plan.summary()
    print(
        tr(
            "Tệp: {name}, trang “{sheet}” ({layout})",
            name=plan.source.name,
            sheet=plan.sheet.name,
            layout=tr(LAYOUT_LABELS[plan.layout]),
        )
    )
    print(
        tr(
            "Số dòng: {rows}; nhận: {accepted}; có cảnh báo: {warned}; bị loại: {rejected}",
            rows=format_number(summary.rows),
            accepted=format_number(summary.accepted),
            warned=format_number(summary.warned),
            rejected=format_number(summary.rejected),
        )
    )
    print(
        tr(
            "Hộ trùng: {duplicates} (bỏ qua {skipped} dòng); sẽ nhập {households} "
            "hộ, {members} nhân khẩu",
            duplicates=format_number(summary.duplicates),
            skipped=format_number(summary.skipped),
            households=format_number(summary.households),
            members=format_number(summary.members),
        )
    )
    if summary.repeated:
        print(
            tr(
                "Dòng lặp lại trong cùng hộ (bỏ qua): {repeated}",
                repeated=format_number(summary.repeated),
            )
        )
    if plan.new_villages:
        print(tr("Thôn mới sẽ được tạo: ") + ", ".join(plan.new_villages.values()))
    for note in plan.notes:
        print(tr("Lưu ý: {note}", note=note))
    print_limited(
        [
            f"{tr('Lỗi') if problem.severity == 'error' else tr('Cảnh báo')} — "
            f"{problem.location}: {problem.message}"
            for problem in plan.problems
        ]
    )
    for duplicate in plan.duplicates[:SHOWN_PROBLEMS]:
        print(
            tr(
                "  Trùng — Trang “{name}”, dòng {row}: {message}",
                name=plan.sheet.name,
                row=duplicate.row,
                message=duplicate.message,
            )
        )


def _import(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.importers.plan import paused_cycle_collection

    with paused_cycle_collection():  # also between reading, checking and writing
        return _import_file(cdb, args)


def _import_file(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number
    from gnapp.importers.apply import apply_plan
    from gnapp.importers.mappings import write_mapping_file
    from gnapp.importers.plan import build_plan, open_source

    source = open_source(cdb.db, args.file, args.sheet)
    mapping, how = _chosen_mapping(source, args)
    _print_columns(source, mapping, how)
    if args.save_mapping is not None:
        write_mapping_file(args.save_mapping, source.header, mapping)
        print(tr("Đã lưu cách ghép cột vào {save_mapping}", save_mapping=args.save_mapping))
    plan = build_plan(cdb.db, source, mapping, default_village=args.village)
    _print_preview(plan)
    if args.errors is not None and plan.rejected_rows():
        from gnapp.importers.report import write_error_report  # openpyxl: only for this

        count = write_error_report(plan, args.errors)
        print(
            tr(
                "Đã ghi {count} dòng bị loại vào {errors}",
                count=format_number(count),
                errors=args.errors,
            )
        )
    if not plan.to_import():
        raise CliError(tr("không có hộ nào nhập được từ tệp {name}.", name=args.file.name))
    result = apply_unless_dry_run(args.dry_run, lambda progress: apply_plan(cdb, plan, progress))
    if result is None:
        return 0
    print(
        tr(
            "Đã nhập {households} hộ, {members} nhân khẩu (lần nhập số {batch_id}; "
            "hoàn tác: gnapp import undo {batch_id} --db {db}).",
            households=format_number(result.households),
            members=format_number(result.members),
            batch_id=result.batch_id,
            db=args.db,
        )
    )
    return 0


def _chosen_mapping(source: Source, args: argparse.Namespace) -> tuple[dict[int, str], str]:
    """The mapping to import with, and how it was chosen; a mistake in --map or --mapping is
    refused naming the file and sheet."""
    from gnapp.importers.mappings import read_mapping_file, with_choices
    from gnapp.importers.reading import ImportFileError

    try:
        if args.mapping is not None:
            mapping = read_mapping_file(args.mapping, source.header)
            how = tr("theo {mapping}", mapping=args.mapping)
        elif source.remembered:
            mapping, how = source.mapping, tr("đã xác nhận lần trước cho tệp cùng mẫu")
        else:
            mapping, how = source.mapping, tr("tự nhận theo tiêu đề")
        if args.map:
            mapping, how = with_choices(source.header, mapping, args.map), how + tr(", có ghép tay")
    except ImportFileError as error:
        raise CliError(
            tr(
                "Tệp {name}, trang “{sheet}”: {error}",
                name=source.path.name,
                sheet=source.sheet.name,
                error=error,
            )
        ) from error
    return mapping, how
