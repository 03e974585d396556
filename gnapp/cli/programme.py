"""``gnapp targets`` and ``gnapp activity``: the programme's assigned targets, its activities
and models, their beneficiaries, and the policy support counted by year (docs/programme.md).

    gnapp targets list --db PATH --year Y [--period P]
    gnapp targets set --db PATH --year Y --code MÃ --value V [--period P] [--project DA]
                      [--unit ĐVT] [--decision SỐ --decision-date YYYY-MM-DD]
    gnapp targets import FILE --db PATH --year Y [--sheet TÊN] [--dry-run]
    gnapp activity list|policies --db PATH --year Y
    gnapp activity add --db PATH --year Y --project DA --kind LOẠI --name TÊN
                       [--source NGUỒN] [--budget ĐỒNG] [--village MÃ] [--start YYYY-MM-DD]
    gnapp activity beneficiary SỐ --db PATH --household MÃ_HỘ [--amount ĐỒNG] [--support NỘI_DUNG]
    gnapp activity budget --db PATH --year Y --project DA --source NGUỒN --allocated ĐỒNG
                          [--capital investment|recurrent] [--carried-over ĐỒNG]
                          [--undated-disbursed ĐỒNG]
    gnapp activity disburse --db PATH --year Y --project DA --source NGUỒN
                            [--capital investment|recurrent] --date YYYY-MM-DD --amount ĐỒNG
                            [--document SỐ] [--note GHI_CHÚ]
    gnapp activity disbursements --db PATH --year Y
    gnapp activity delete-disbursement SỐ --db PATH
    gnapp activity grant --db PATH --year Y --policy CHÍNH_SÁCH --household MÃ_HỘ [--amount ĐỒNG]
                         [--date YYYY-MM-DD]
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
    format_amount,
    lookup_household,
    on_commune,
    print_table,
    subcommands,
)
from gnapp.i18n import tr

if TYPE_CHECKING:
    from gnapp.store.database import CommuneDatabase


def _year(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True, metavar="Y", help=tr("năm"))


def _budget_line_options(parser: argparse.ArgumentParser) -> None:
    """The options naming a budget line: project, funding source, kind of capital."""
    parser.add_argument("--project", required=True, metavar="DA",
                        help=tr("mã dự án, tiểu dự án (vd. DA3.1)"))  # fmt: skip
    parser.add_argument("--source", required=True, metavar=tr("NGUỒN"),
                        help=tr("nguồn vốn (vd. central)"))  # fmt: skip
    parser.add_argument(
        "--capital",
        choices=("investment", "recurrent"),
        help=tr("loại vốn: investment (đầu tư phát triển), recurrent (sự nghiệp)"),
    )


# The commands add_commands adds (gnapp.cli builds only the group of the command run).
COMMANDS = ("targets", "activity")


def add_commands(commands: Any) -> None:
    """Add ``targets`` and ``activity`` and their subcommands."""
    targets = commands.add_parser("targets", help=tr("chỉ tiêu được giao: xem, đặt, nhập từ tệp"))
    target_commands = subcommands(targets, "targets")
    listing = target_commands.add_parser("list", help=tr("các chỉ tiêu của một năm"))
    setting = target_commands.add_parser("set", help=tr("ghi (hoặc sửa) một chỉ tiêu"))
    for parser in (listing, setting):
        add_db(parser)
        _year(parser)
        parser.add_argument(
            "--period", metavar="P", help=tr("chỉ tiêu của cả giai đoạn, vd. 2021-2025")
        )
    listing.set_defaults(handler=on_commune(_targets_list))
    setting.add_argument("--code", required=True, metavar=tr("MÃ"),
                         help=tr("mã loại chỉ tiêu (vd. poverty_rate)"))  # fmt: skip
    setting.add_argument(
        "--value", required=True, metavar="V", help=tr("giá trị, vd. 6,05 hoặc 20")
    )
    setting.add_argument(
        "--decision", metavar=tr("SỐ"), help=tr("số quyết định giao, vd. 12/QĐ-UBND")
    )
    setting.add_argument(
        "--decision-date", type=date.fromisoformat, metavar="YYYY-MM-DD", help=tr("ngày quyết định")
    )
    setting.add_argument("--project", metavar="DA", help=tr("chỉ tiêu đầu ra của dự án (mã dự án)"))
    setting.add_argument("--unit", metavar=tr("ĐVT"), help=tr("đơn vị tính của chỉ tiêu dự án"))
    setting.set_defaults(handler=on_commune(_targets_set))
    importing = target_commands.add_parser(
        "import", help=tr("nhập chỉ tiêu từ tệp Excel (xem trước với --dry-run)")
    )
    importing.add_argument("file", type=Path, metavar="FILE", help=tr("tệp chỉ tiêu (.xlsx, .ods)"))
    add_db(importing)
    _year(importing)
    importing.add_argument("--sheet", metavar=tr("TÊN"), help=tr("trang tính cần đọc"))
    importing.add_argument("--dry-run", action="store_true", help=tr("chỉ xem trước, không ghi gì"))
    importing.set_defaults(handler=on_commune(_targets_import))

    activity = commands.add_parser(
        "activity", help=tr("hoạt động, mô hình, người hưởng lợi và chính sách hỗ trợ")
    )
    activity_commands = subcommands(activity, "activity")
    for name, help_text, handler in (
        ("list", tr("các hoạt động, mô hình của một năm và số hộ hưởng lợi"), _activity_list),
        ("policies", tr("số hộ và kinh phí của từng chính sách hỗ trợ trong năm"), _policies),
    ):
        parser = activity_commands.add_parser(name, help=help_text)
        add_db(parser)
        _year(parser)
        parser.set_defaults(handler=on_commune(handler))
    adding = activity_commands.add_parser("add", help=tr("thêm một hoạt động, mô hình"))
    add_db(adding)
    _year(adding)
    adding.add_argument("--project", required=True, metavar="DA",
                        help=tr("mã dự án, tiểu dự án (vd. DA3.1)"))  # fmt: skip
    adding.add_argument("--kind", required=True, metavar=tr("LOẠI"),
                        help=tr("loại hoạt động (vd. model)"))  # fmt: skip
    adding.add_argument(
        "--name", required=True, metavar=tr("TÊN"), help=tr("tên hoạt động, mô hình")
    )
    adding.add_argument("--source", metavar=tr("NGUỒN"), help=tr("nguồn vốn (vd. central)"))
    adding.add_argument("--budget", type=int, metavar=tr("ĐỒNG"), help=tr("kinh phí (đồng)"))
    adding.add_argument("--village", metavar=tr("MÃ"), help=tr("thôn, tổ dân phố thực hiện (mã)"))
    adding.add_argument(
        "--start",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help=tr("ngày bắt đầu (báo cáo 6 tháng chỉ tính hoạt động bắt đầu trong kỳ)"),
    )
    adding.set_defaults(handler=on_commune(_activity_add))
    budget = activity_commands.add_parser(
        "budget", help=tr("ghi (hoặc sửa) kinh phí của một dự án theo nguồn vốn và loại vốn")
    )
    add_db(budget)
    _year(budget)
    _budget_line_options(budget)
    budget.add_argument("--allocated", type=int, required=True, metavar=tr("ĐỒNG"),
                        help=tr("kinh phí phân bổ trong năm (đồng)"))  # fmt: skip
    budget.add_argument("--carried-over", type=int, default=0, metavar=tr("ĐỒNG"),
                        help=tr("kinh phí năm trước chuyển sang (đồng)"))  # fmt: skip
    budget.add_argument(
        "--undated-disbursed",
        type=int,
        metavar=tr("ĐỒNG"),
        help=tr(
            "đã giải ngân nhưng không rõ ngày (đồng; mặc định: giữ như đang có); "
            "từng lần giải ngân có ngày: gnapp activity disburse"
        ),
    )
    budget.set_defaults(handler=on_commune(_budget))
    disburse = activity_commands.add_parser(
        "disburse", help=tr("ghi một lần giải ngân có ngày vào dòng kinh phí của một dự án")
    )
    add_db(disburse)
    _year(disburse)
    _budget_line_options(disburse)
    disburse.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                          help=tr("ngày giải ngân, trong năm kế hoạch"))  # fmt: skip
    disburse.add_argument(
        "--amount",
        required=True,
        metavar=tr("ĐỒNG"),
        help=tr("số tiền giải ngân (đồng), vd. 150000000 hoặc 150.000.000"),
    )
    disburse.add_argument("--document", metavar=tr("SỐ"), help=tr("số chứng từ (nếu có)"))
    disburse.add_argument("--note", metavar=tr("GHI_CHÚ"), help=tr("ghi chú (nếu có)"))
    disburse.set_defaults(handler=on_commune(_disburse))
    listing = activity_commands.add_parser(
        "disbursements", help=tr("các lần giải ngân của một năm và số giải ngân chưa ghi ngày")
    )
    add_db(listing)
    _year(listing)
    listing.set_defaults(handler=on_commune(_disbursements))
    removing = activity_commands.add_parser(
        "delete-disbursement",
        help=tr("xóa một lần giải ngân ghi nhầm (số lấy từ lệnh disbursements)"),
    )
    removing.add_argument(
        "disbursement", type=int, metavar=tr("SỐ"), help=tr("số của lần giải ngân")
    )
    add_db(removing)
    removing.set_defaults(handler=on_commune(_delete_disbursement))
    grant = activity_commands.add_parser(
        "grant", help=tr("ghi một hộ được hưởng một chính sách giảm nghèo chung trong năm")
    )
    add_db(grant)
    _year(grant)
    grant.add_argument(
        "--policy",
        required=True,
        metavar=tr("CHÍNH_SÁCH"),
        help=tr("chính sách: credit, health_insurance, tuition, electricity, legal_aid"),
    )
    grant.add_argument("--household", required=True, metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
    grant.add_argument("--amount", type=int, metavar=tr("ĐỒNG"), help=tr("số tiền (đồng)"))
    grant.add_argument(
        "--date",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help=tr("ngày nhận (báo cáo 6 tháng chỉ tính ngày nhận trong kỳ)"),
    )
    grant.set_defaults(handler=on_commune(_grant))
    beneficiary = activity_commands.add_parser(
        "beneficiary", help=tr("thêm một hộ hưởng lợi vào một hoạt động")
    )
    beneficiary.add_argument("activity", type=int, metavar=tr("SỐ"),
                             help=tr("số hoạt động (cột đầu của “activity list”)"))  # fmt: skip
    add_db(beneficiary)
    beneficiary.add_argument("--household", required=True, metavar=tr("MÃ_HỘ"),
                             help=tr("mã hộ hưởng lợi"))  # fmt: skip
    beneficiary.add_argument("--amount", type=int, metavar=tr("ĐỒNG"), help=tr("mức hỗ trợ (đồng)"))
    beneficiary.add_argument("--support", metavar=tr("NỘI_DUNG"), help=tr("nội dung hỗ trợ"))
    beneficiary.set_defaults(handler=on_commune(_beneficiary))


# --- targets ------------------------------------------------------------------------------------


def _targets_list(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_decimal
    from gnapp.store import programme

    for row in programme.targets(cdb.db, args.year, period=args.period):
        unit = row["unit"] if row["unit"] == "%" else f" {tr(row['unit'])}"
        project = f"[{row['project_code']}] " if row["project_code"] else ""
        decision = f"\t{row['decision_number']}" if row["decision_number"] else ""
        print(
            f"{row['code']}\t{project}{tr(programme.target_label(row))}: "
            f"{format_decimal(row['value'])}{unit}{decision}"
        )
    return 0


def _targets_set(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_decimal, parse_number
    from gnapp.store import programme

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
    print(
        tr(
            "Đã ghi chỉ tiêu {code} năm {year}: {value}",
            code=args.code,
            year=args.year,
            value=format_decimal(value),
        )
    )
    return 0


def _targets_import(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.importers.targets import apply_targets, describe, read_targets

    result = read_targets(args.file, args.sheet)
    for problem in result.problems:
        print((tr("Lỗi: ") if problem.error else tr("Bỏ qua: ")) + str(problem), file=sys.stderr)
    for target in result.targets:
        print(describe(target))
    if args.dry_run:
        print(tr("Xem trước: {count} chỉ tiêu, chưa ghi gì.", count=len(result.targets)))
        return 1 if result.errors else 0
    batch = apply_targets(cdb, result, args.year)
    print(
        tr(
            "Đã ghi {count} chỉ tiêu năm {year} (lô số {batch}).",
            count=len(result.targets),
            year=args.year,
            batch=batch,
        )
    )
    return 0


# --- activities ---------------------------------------------------------------------------------


def _activity_list(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number
    from gnapp.store.activities import activities

    print_table(
        (row["id"], row["project_code"], row["name"],
         format_amount(row["budget"]) if row["budget"] is not None else "—",
         tr("{households} hộ hưởng lợi", households=format_number(row['households'])))
        for row in activities(cdb.db, args.year)
    )  # fmt: skip
    return 0


def _policies(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_number
    from gnapp.store.activities import policy_counts

    for count in policy_counts(cdb.db, args.year):
        print(
            tr(
                "{label}: {households} hộ, {amount}",
                label=tr(count.label),
                households=format_number(count.households),
                amount=format_amount(count.amount),
            )
        )
    return 0


def _activity_add(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.activities import add_activity
    from gnapp.store.lists import village_by_code
    from gnapp.store.programme import programme_for_year

    activity_id = add_activity(
        cdb,
        year=args.year,
        programme_id=programme_for_year(args.year),
        project_code=args.project,
        name=args.name,
        kind=args.kind,
        funding_source=args.source,
        budget=args.budget,
        village_id=village_by_code(cdb.db, args.village).id if args.village else None,
        started_on=args.start.isoformat() if args.start else None,
    )
    print(tr("Đã thêm hoạt động số {activity_id}: {name}", activity_id=activity_id, name=args.name))
    return 0


def _beneficiary(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.activities import add_beneficiary

    household = lookup_household(cdb.db, args.household)
    add_beneficiary(cdb, args.activity, household, support=args.support, amount=args.amount)
    print(
        tr(
            "Đã thêm hộ {household} vào hoạt động số {activity}.",
            household=args.household,
            activity=args.activity,
        )
    )
    return 0


def _budget(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.programme import programme_for_year, set_budget

    set_budget(
        cdb,
        args.year,
        programme_for_year(args.year),
        args.project,
        args.source,
        args.allocated,
        args.undated_disbursed,
        capital=args.capital,
        carried_over=args.carried_over,
    )
    print(
        tr(
            "Đã ghi kinh phí năm {year} của {project} ({source}).",
            year=args.year,
            project=args.project,
            source=args.source,
        )
    )
    return 0


def _disburse(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_date
    from gnapp.store.programme import add_disbursement, disbursement_amount, find_budget_line

    amount = disbursement_amount(args.amount)
    line = find_budget_line(cdb.db, args.year, args.project, args.source, args.capital)
    number = add_disbursement(
        cdb, line["id"], args.date, amount, document_number=args.document, note=args.note
    )
    day = format_date(date.fromisoformat(args.date))
    print(
        tr(
            "Đã ghi lần giải ngân số {number}: {amount} ngày {day} cho {project} "
            "({source}) năm {year}.",
            number=number,
            amount=format_amount(amount),
            day=day,
            project=args.project,
            source=args.source,
            year=args.year,
        )
    )
    return 0


def _disbursements(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.programme import CAPITAL_KINDS, budgets, year_disbursements

    print_table(
        (row["id"], row["disbursed_on"], row["project_code"], row["funding_source"],
         tr(CAPITAL_KINDS.get(row["capital"] or "", "—")), format_amount(row["amount"]),
         row["document_number"] or "", row["note"] or "")
        for row in year_disbursements(cdb.db, args.year)
    )  # fmt: skip
    for line in budgets(cdb.db, args.year):
        if line["undated_disbursed"]:
            print(
                tr(
                    "Chưa ghi ngày giải ngân: {project_code} ({funding_source}) "
                    "{undated_disbursed}",
                    project_code=line["project_code"],
                    funding_source=line["funding_source"],
                    undated_disbursed=format_amount(line["undated_disbursed"]),
                )
            )
    return 0


def _delete_disbursement(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.programme import delete_disbursement

    delete_disbursement(cdb, args.disbursement)
    print(tr("Đã xóa lần giải ngân số {disbursement}.", disbursement=args.disbursement))
    return 0


def _grant(cdb: CommuneDatabase, args: argparse.Namespace) -> int:
    from gnapp.store.activities import add_policy_benefit

    household = lookup_household(cdb.db, args.household)
    add_policy_benefit(
        cdb,
        args.year,
        args.policy,
        household,
        amount=args.amount,
        granted_on=args.date.isoformat() if args.date else None,
    )
    print(
        tr(
            "Đã ghi chính sách {policy} năm {year} cho hộ {household}.",
            policy=args.policy,
            year=args.year,
            household=args.household,
        )
    )
    return 0
