"""``gnapp report``, ``gnapp export`` and ``gnapp classify``: progress reports and their saved
versions (docs/reports.md), the register and yearly lists as Excel files (docs/exports.md), and
classifying households by a poverty standard.

    gnapp report build --db PATH --kind LOẠI --period KỲ --out DIR [--narrative FILE.json]
                       [--number SỐ] [--date YYYY-MM-DD] [--figure-sets NHÓM,…]
    gnapp report list --db PATH
    gnapp report files|finalise|draft SỐ --db PATH [--out DIR]
    gnapp export register|list --db PATH --out FILE.xlsx [--year Y] [--kind LOẠI] [--village MÃ]
    gnapp classify --standard ID [--standard ID2] (FILE.json | --db PATH) [--reference-date D]
                   [--json] [--summary [--b1-lines NÔNG_THÔN,THÀNH_THỊ] [--out FILE.xlsx]]
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
    on_commune,
    open_commune,
    output_folder,
    print_json,
    print_table,
    read_json,
    subcommands,
)
from gnapp.i18n import as_written, tr

if TYPE_CHECKING:
    from gnapp.store.database import CommuneDatabase

LIST_KINDS = ("poor", "near_poor", "escaped_poverty", "escaped_near_poverty")


# The commands add_commands adds (gnapp.cli builds only the group of the command run).
COMMANDS = ("report", "export", "classify")


def add_commands(commands: Any) -> None:
    """Add ``report``, ``export`` and ``classify``."""
    _add_report(commands)
    _add_export(commands)
    _add_classify(commands)


def _add_report(commands: Any) -> None:
    report = commands.add_parser("report", help=tr("báo cáo tiến độ: lập, xem, ghi lại, hoàn tất"))
    report_commands = subcommands(report, "report")
    build = report_commands.add_parser(
        "build", help=tr("lập báo cáo (PDF và Excel) và lưu thành một phiên bản nháp")
    )
    add_db(build)
    build.add_argument(
        "--kind",
        required=True,
        metavar=tr("LOẠI"),
        help=tr(
            "loại báo cáo: six_month, annual, ad_hoc, mid_term, end_of_period; "
            "plan: kế hoạch thực hiện Chương trình năm (--period là năm, không lưu "
            "thành phiên bản)"
        ),
    )
    build.add_argument(
        "--period",
        required=True,
        metavar=tr("KỲ"),
        help=tr("kỳ báo cáo: 2025, 2025-H1 hoặc 2021-2025"),
    )
    build.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help=tr("thư mục ghi tệp PDF và Excel")
    )
    build.add_argument(
        "--narrative",
        type=Path,
        metavar="FILE.json",
        help=tr("nội dung cán bộ viết theo mục (“I”, “II.1”, …), danh sách “awards” nếu có"),
    )
    build.add_argument("--number", metavar=tr("SỐ"), help=tr("số văn bản (để trống nếu chưa có)"))
    build.add_argument(
        "--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help=tr("ngày văn bản (hôm nay)")
    )
    build.add_argument(
        "--figure-sets",
        metavar=tr("NHÓM,…"),
        help=tr(
            "báo cáo đột xuất: các nhóm số liệu đưa vào (commune, start_lists, "
            "end_lists, movements, targets, services, budget, groups; mặc định: "
            "tất cả)"
        ),
    )
    build.set_defaults(handler=on_commune(_build))
    listing = report_commands.add_parser("list", help=tr("các báo cáo đã lưu"))
    add_db(listing)
    listing.set_defaults(handler=on_commune(_list))
    for name, text, handler in (
        ("files", tr("ghi lại tệp PDF và Excel của một báo cáo đã lưu"), _files),
        ("finalise", tr("đánh dấu một bản nháp là bản chính thức (không sửa được nữa)"), _finalise),
        ("draft", tr("tạo phiên bản nháp mới từ một báo cáo đã lưu"), _draft),
    ):
        command = report_commands.add_parser(name, help=text)
        command.add_argument(
            "id", type=int, metavar=tr("SỐ"), help=tr("số báo cáo (cột đầu của “list”)")
        )
        add_db(command)
        if name == "files":
            command.add_argument(
                "--out", type=Path, required=True, metavar="DIR", help=tr("thư mục ghi tệp")
            )
        command.set_defaults(handler=on_commune(handler))


def _add_export(commands: Any) -> None:
    export = commands.add_parser("export", help=tr("xuất sổ hộ, danh sách hằng năm ra tệp Excel"))
    export_commands = subcommands(export, "export")
    register = export_commands.add_parser("register", help=tr("sổ hộ gia đình và nhân khẩu"))
    yearly = export_commands.add_parser(
        "list", help=tr("danh sách hộ nghèo, cận nghèo, thoát nghèo, thoát cận nghèo của một năm")
    )
    for parser in (register, yearly):
        add_db(parser)
        parser.add_argument(
            "--out", type=Path, required=True, metavar="FILE.xlsx", help=tr("tệp Excel cần ghi")
        )
        parser.add_argument(
            "--village", metavar="CODE", help=tr("chỉ một thôn, tổ dân phố (theo mã)")
        )
        parser.set_defaults(handler=on_commune(_export))
    register.add_argument(
        "--year", type=int, metavar="Y", help=tr("năm của tình trạng hộ (mặc định: năm mới nhất)")
    )
    yearly.add_argument("--year", type=int, required=True, metavar="Y", help=tr("năm"))
    yearly.add_argument(
        "--kind",
        required=True,
        choices=LIST_KINDS,
        help=tr(
            "loại danh sách: poor (hộ nghèo), near_poor (hộ cận nghèo), "
            "escaped_poverty (hộ thoát nghèo), escaped_near_poverty (hộ thoát cận "
            "nghèo)"
        ),
    )


def _add_classify(commands: Any) -> None:
    classify = commands.add_parser("classify", help=tr("phân loại hộ theo chuẩn nghèo"))
    classify.add_argument(
        "--standard",
        action="append",
        required=True,
        metavar="ID",
        help=tr("mã chuẩn nghèo (vd. 2022-2025); lặp lại để so sánh hai chuẩn"),
    )
    source = classify.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "file", nargs="?", type=Path, metavar="FILE.json", help=tr("tệp bản ghi hộ")
    )
    source.add_argument(
        "--db", type=Path, metavar="PATH", help=tr("phân loại mọi hộ trong tệp dữ liệu xã")
    )
    classify.add_argument(
        "--reference-date",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help=tr("ngày tính tuổi (mặc định: hôm nay)"),
    )
    classify.add_argument("--json", action="store_true", help=tr("in kết quả dạng JSON"))
    classify.add_argument(
        "--summary",
        action="store_true",
        help=tr(
            "với --db và hai chuẩn: số hộ theo thôn và loại theo từng chuẩn, các "
            "hộ đổi loại và lý do, các ngưỡng chưa đối chiếu (với --json: từng hộ)"
        ),
    )
    classify.add_argument(
        "--b1-lines",
        type=_b1_lines,
        metavar=tr("NÔNG_THÔN,THÀNH_THỊ"),
        help=tr(
            "với --summary: ngưỡng điểm B1 giả định cho chuẩn chưa công bố ngưỡng "
            "B1 (vd. 140,175); kết quả ghi rõ là giả định"
        ),
    )
    classify.add_argument(
        "--out",
        type=Path,
        metavar="FILE.xlsx",
        help=tr("với --summary: ghi bảng so sánh ra tệp Excel"),
    )
    classify.set_defaults(handler=_classify)


def _b1_lines(text: str) -> dict[str, int]:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(part.isdigit() and 0 < int(part) <= 1000 for part in parts):
        raise argparse.ArgumentTypeError(
            tr(
                "'{text}': cần hai số điểm từ 1 đến 1000, nông thôn rồi thành thị (vd. 140,175)",
                text=text,
            )
        )
    return {"rural": int(parts[0]), "urban": int(parts[1])}


# --- reports ------------------------------------------------------------------------------------


def _list(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_timestamp
    from gnapp.reporting.figures import report_kind
    from gnapp.store.reports import STATE_LABELS, list_reports

    for saved in list_reports(cdb.db):
        print(
            tr(
                "{id}\t{name}\t{period}\tphiên bản {version}\t{state}\t{updated_at}",
                id=saved.id,
                name=tr(report_kind(saved.kind).name),
                period=saved.period,
                version=saved.version,
                state=tr(STATE_LABELS[saved.state]),
                updated_at=format_timestamp(saved.updated_at),
            )
        )
    return 0


def _files(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.reporting.builder import write_saved_report
    from gnapp.store.reports import load_report

    built = write_saved_report(cdb.db, load_report(cdb.db, args.id), output_folder(args.out))
    print(tr("Đã ghi {pdf} và {xlsx}.", pdf=built.pdf, xlsx=built.xlsx))
    return 0


def _finalise(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.reports import finalise

    finalise(cdb, args.id)
    print(tr("Báo cáo số {id} đã là bản chính thức.", id=args.id))
    return 0


def _draft(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.reports import new_draft_from

    print(tr("Đã tạo bản nháp số {draft}.", draft=new_draft_from(cdb, args.id)))
    return 0


def _narrative(path: Path | None) -> dict:
    """What the officer wrote, by section (and "awards"), from ``--narrative``."""
    if path is None:
        return {}
    content = read_json(path)
    if not isinstance(content, dict):
        raise CliError(tr("Tệp {path} phải là một đối tượng JSON theo mục.", path=path))
    for key, value in content.items():
        if key == "awards":
            if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
                raise CliError(
                    tr(
                        "Tệp {path}, mục “awards”: cần một danh sách, mỗi đề nghị khen thưởng "
                        "một đối tượng JSON.",
                        path=path,
                    )
                )
        elif not isinstance(value, str):
            raise CliError(
                tr(
                    "Tệp {path}, mục “{key}”: cần một đoạn văn bản (chuỗi JSON).",
                    path=path,
                    key=key,
                )
            )
    return content


def _tell(notes: list[str]) -> None:
    """What the clerk should know before a document is written, on stderr."""
    for note in notes:
        print(tr("Lưu ý: {note}", note=note), file=sys.stderr)


def _build(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.reporting.builder import (
        OFFICIAL_KIND,
        decisions_after,
        default_header,
        header_choices,
        write_report_files,
    )
    from gnapp.reporting.issuer import signing_warnings
    from gnapp.store.reports import save_report

    output_folder(args.out)
    content = _narrative(args.narrative)
    awards = content.pop("awards", [])
    header = default_header(cdb.db, args.date or date.today(), args.number)
    if args.kind == "plan":
        return _build_plan(cdb, args, content, header)
    _tell(signing_warnings(cdb.db, OFFICIAL_KIND, name=header.signer_name, on=header.date))
    figure_sets = (
        [s.strip() for s in args.figure_sets.split(",") if s.strip()]
        if args.figure_sets is not None
        else None
    )
    built = write_report_files(
        cdb.db, args.kind, args.period, content, awards, header, args.out, figure_sets=figure_sets
    )
    _tell(decisions_after(built.figures, header.date))
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
    print(
        tr(
            "Đã ghi {pdf} và {xlsx}; đã lưu báo cáo số {report_id} (bản nháp).",
            pdf=built.pdf,
            xlsx=built.xlsx,
            report_id=report_id,
        )
    )
    return 0


def _build_plan(cdb: CommuneDatabase, args: argparse.Namespace, content: dict, header: Any) -> int:
    from gnapp.reporting.plan import plan_warnings, plan_year, write_plan_files

    if args.figure_sets is not None:
        raise CliError(tr("Kế hoạch không chọn nhóm số liệu (--figure-sets)."))
    year = plan_year(args.period)
    _tell(plan_warnings(cdb.db, year, header.signer_name, header.date))
    built = write_plan_files(cdb.db, year, content, header, args.out)
    print(tr("Đã ghi {pdf} và {xlsx}.", pdf=built.pdf, xlsx=built.xlsx))
    return 0


# --- exports and classification -----------------------------------------------------------------


def _export(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number
    from gnapp.reporting.lists import export_list, export_register
    from gnapp.store.lists import village_by_code
    from gnapp.store.overview import status_years

    if args.out.suffix.lower() != ".xlsx":
        raise CliError(tr("Tệp xuất phải có đuôi .xlsx: {out}", out=args.out))
    output_folder(args.out.parent)
    village_id = village_by_code(cdb.db, args.village).id if args.village else None
    if args.export_command == "register":
        years = status_years(cdb.db)
        year = args.year or (years[-1] if years else date.today().year)
        result = export_register(cdb.db, args.out, year, village_id)
    else:
        result = export_list(cdb.db, args.out, args.year, args.kind, village_id)
    print(
        tr(
            "Đã ghi {path}: {households} hộ, {persons} người.",
            path=result.path,
            households=format_number(result.households),
            persons=format_number(result.persons),
        )
    )
    return 0


def _records(args: argparse.Namespace, on: date) -> list[dict]:
    """The file's records, or those of the households present on ``on`` in ``--db``."""
    if args.file is not None:
        from gnapp.core.record import load_records

        return load_records(args.file)
    from gnapp.reporting.transition import present_records

    with open_commune(args.db) as cdb:
        return [record for _, record in present_records(cdb.db, on)]


def _classify(args: argparse.Namespace) -> int:
    from gnapp.core.classify import CLASS_LABELS, classify, explain
    from gnapp.core.standards import load_standard

    standards = [load_standard(standard_id) for standard_id in args.standard]
    reference = args.reference_date or date.today()
    if args.summary:
        return _transition(args, standards, reference)
    if args.b1_lines or args.out:
        raise CliError(tr("--b1-lines và --out chỉ dùng cùng --summary"))
    stored = args.db is not None  # records of the database were checked when written
    # JSON is data: its words stay Vietnamese, as the documents'; the text follows the language
    words = as_written if args.json else tr
    results = [
        [
            classify(record, standard, reference, stored=stored, translate=words)
            for standard in standards
        ]
        for record in _records(args, reference)
    ]
    if args.json:
        payload = [[c.to_dict() for c in per_household] for per_household in results]
        print_json([per_household[0] for per_household in payload] if len(standards) == 1
                   else payload)  # fmt: skip
        return 0
    for per_household in results:
        for classification in per_household:
            print(explain(classification, tr))
            print()
    for index, standard in enumerate(standards):
        counts: dict[str | None, int] = {}
        for per_household in results:
            code = per_household[index].class_code
            counts[code] = counts.get(code, 0) + 1
        shown = ", ".join(f"{tr(CLASS_LABELS[code])} {n}" for code, n in counts.items())
        print(
            tr(
                "Tổng theo chuẩn {standard}: {count} hộ — {classes}",
                standard=standard.id,
                count=len(results),
                classes=shown,
            )
        )
    return 0


def _transition(args: argparse.Namespace, standards: list, on: date) -> int:
    """``classify --summary``: the register under two standards, side by side."""
    from gnapp.reporting.transition import (
        CLASS_ORDER,
        change_text,
        class_name,
        compare_standards,
        export_transition,
        supposed_lines_text,
    )

    if args.db is None or len(standards) != 2:
        raise CliError(tr("--summary cần --db và hai chuẩn (--standard A --standard B)"))
    with open_commune(args.db) as cdb:
        transition = compare_standards(
            cdb.db, *standards, on, score_lines=args.b1_lines, translate=tr
        )
        saved = export_transition(cdb.db, transition, args.out) if args.out else None
    if args.json:
        print_json(
            {
                "standards": [s.id for s in standards],
                "reference_date": on.isoformat(),
                "supposed_b1_lines": transition.score_lines,
                "households": [
                    {
                        "household_code": h.code,
                        "head": h.head,
                        "village": h.village,
                        "class": [o.class_code if o else None for o in (h.before, h.after)],
                        "deprivations": [
                            len(o.deprived) if o else None for o in (h.before, h.after)
                        ],
                        "changed": h.changed,
                        "why": h.why,
                    }
                    for h in transition.households
                ],
                "unconfirmed": [mark.text for mark in transition.marks],
            }
        )
        return 0
    before, after = standards
    heading = [tr("Thôn, tổ dân phố"), tr("Số hộ")]
    for standard in standards:
        heading += [f"{tr(class_name(code))} ({standard.id})" for code in CLASS_ORDER]
    commune = transition.commune
    print_table(
        [
            [*heading, tr("Đổi loại")],
            *(
                [v.village if v is not commune else tr(v.village), v.households]
                + [v.before.get(code, 0) for code in CLASS_ORDER]
                + [v.after.get(code, 0) for code in CLASS_ORDER]
                + [v.changed]
                for v in (*transition.villages, commune)
            ),
        ]
    )
    print()
    print(
        tr(
            "Phân loại ngày {date}: chuẩn {before} và chuẩn {after}.",
            date=on.strftime("%d/%m/%Y"),
            before=before.id,
            after=after.id,
        )
    )
    if transition.score_lines:
        print(supposed_lines_text(transition, tr))
    print(tr("Hộ đổi loại: {count}", count=commune.changed))
    for change, count in sorted(transition.changes.items(), key=lambda item: -item[1]):
        print("  " + tr("{change}: {count} hộ", change=change_text(change, tr), count=count))
    changed = [h for h in transition.households if h.changed]
    for household in changed:
        old, new = household.before, household.after
        assert old is not None and new is not None  # a changed household has both classes
        print(
            f"- {household.code} {household.head} ({household.village}): "
            f"{change_text((old.class_code, new.class_code), tr)}. {household.shown_why}"
        )
    undetermined = sum(h.undetermined_after for h in transition.households)
    if undetermined:
        print(
            tr(
                "Chưa xác định được theo chuẩn {standard}: {count} hộ (xem lý do từng hộ)",
                standard=after.id,
                count=undetermined,
            )
        )
    only_after = sum(
        h.before is not None and h.before.class_code is None and not h.undetermined_after
        for h in transition.households
    )
    if only_after:
        print(
            tr(
                "Xác định được theo chuẩn {after}, chưa theo chuẩn {before}: {count} hộ",
                after=after.id,
                before=before.id,
                count=only_after,
            )
        )
    if transition.problems:
        print(tr("Hộ có dữ liệu lỗi, chưa phân loại được: {count}", count=transition.problems))
    if transition.marks:
        print(tr("Ngưỡng, chỉ số chưa đối chiếu văn bản gốc:"))
        for mark in transition.marks:
            print(f"  {mark.text_in(tr)}")
    if saved is not None:
        print(tr("Đã ghi {path}", path=saved))
    return 0
