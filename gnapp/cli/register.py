"""``gnapp household``: the household register from the command line, as the household list and
the household form give it in the app.

    gnapp household list --db PATH [--search CHỮ] [--village THÔN] [--year NĂM]
                         [--status TÌNH_TRẠNG] [--group NHÓM]... [--sort CÁCH] [--desc]
                         [--all] [--limit N] [--json]
    gnapp household show MÃ_HỘ --db PATH [--json]
    gnapp household add --db PATH --file HỘ.json [--dry-run]
    gnapp household edit MÃ_HỘ --db PATH --file HỘ.json [--dry-run]
    gnapp village list --db PATH
    gnapp village add MÃ TÊN [--area rural|urban] --db PATH --admin TÊN
    gnapp village edit MÃ [--name TÊN] [--area rural|urban] --db PATH --admin TÊN
    gnapp commune show --db PATH
    gnapp commune set [--code MÃ] [--name TÊN] [--kind LOẠI] [--province TỈNH]
                      [--office-name TÊN] [--office-kind province|district] --db PATH --admin TÊN

``list`` finds households as the list does (gnapp.store.household_query); ``show`` prints a
household's fields, members, yearly statuses and change log in words. The file of ``add`` and
``edit`` is the JSON that ``show --json`` prints (docs/cli-household.md): ``edit`` changes the
fields the file names, and with "members" the whole roster (a member with "id" is kept and
changed, one without is added, one left out is removed). Both run the household form's checks
(gnapp.core.household_checks): an error writes nothing, warnings are printed and the household
is saved. ``village`` and ``commune`` are the Settings dialog's commune and villages, checked
as it checks them and open to an administrator only.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from gnapp.cli import events
from gnapp.cli.common import (
    CliError,
    add_db,
    lookup_household,
    lookup_village,
    on_commune,
    print_json,
    print_table,
    read_json,
    sign_in_admin,
    subcommands,
)
from gnapp.i18n import tr

LIST_LIMIT = 50
# Keys of ``show --json`` that ``add`` and ``edit`` read past: the statuses come from the
# review's recognition, the log from the changes themselves.
READ_ONLY_KEYS = ("status_history", "changes")


# The commands add_commands adds (gnapp.cli builds only the group of the command run).
COMMANDS = ("household", "village", "commune")


def add_commands(commands: Any) -> None:
    """Add ``household``, ``village`` and ``commune`` and their subcommands."""
    from gnapp.store.household_query import GROUPS, NO_STATUS, SORTS
    from gnapp.store.register import STATUSES

    household = commands.add_parser("household", help=tr("sổ hộ: tìm, xem, thêm, sửa hộ"))
    actions = subcommands(household, "household")

    listing = actions.add_parser("list", help=tr("tìm hộ: lọc, tìm theo tên, số CCCD, mã hộ"))
    add_db(listing)
    listing.add_argument("--search", default="", metavar=tr("CHỮ"),
                         help=tr("tên (có dấu hay không), số CCCD hoặc mã hộ"))  # fmt: skip
    listing.add_argument("--village", metavar=tr("THÔN"), help=tr("tên hoặc mã thôn / tổ dân phố"))
    listing.add_argument("--year", type=int, metavar=tr("NĂM"),
                         help=tr("năm của tình trạng (mặc định: năm mới nhất có)"))  # fmt: skip
    listing.add_argument(
        "--status",
        choices=(*STATUSES, NO_STATUS),
        help=tr("chỉ hộ có tình trạng này trong năm (none: không có)"),
    )
    listing.add_argument("--group", action="append", choices=tuple(GROUPS), default=[],
                         help=tr("chỉ các hộ thuộc nhóm (nhắc lại để lọc nhiều nhóm)"))  # fmt: skip
    listing.add_argument(
        "--sort",
        choices=SORTS,
        default="head",
        help=tr("sắp xếp (mặc định head: theo tên chủ hộ, tên trước)"),
    )
    listing.add_argument("--desc", action="store_true", help=tr("thứ tự ngược lại"))
    listing.add_argument("--all", action="store_true",
                         help=tr("hiện cả hộ không còn ở xã (chuyển đi, nhập, hết)"))  # fmt: skip
    listing.add_argument(
        "--limit",
        type=int,
        default=LIST_LIMIT,
        metavar="N",
        help=tr("in tối đa N hộ (mặc định {LIST_LIMIT}; 0: tất cả)", LIST_LIMIT=LIST_LIMIT),
    )
    listing.add_argument("--json", action="store_true", help=tr("in dạng JSON"))
    listing.set_defaults(handler=on_commune(_list))

    show = actions.add_parser(
        "show", help=tr("xem một hộ: thông tin, thành viên, tình trạng các năm, lịch sử thay đổi")
    )
    show.add_argument("code", metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
    add_db(show)
    show.add_argument("--json", action="store_true",
                      help=tr("in dạng JSON (sửa rồi dùng lại với “household edit”)"))  # fmt: skip
    show.set_defaults(handler=on_commune(_show))

    for name, help_text in (
        ("add", tr("thêm một hộ và các thành viên từ tệp JSON")),
        (
            "edit",
            tr("sửa một hộ theo tệp JSON: các trường có trong tệp; “members”: cả danh sách"),
        ),
    ):
        action = actions.add_parser(name, help=help_text)
        if name == "edit":
            action.add_argument("code", metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
        add_db(action)
        action.add_argument("--file", type=Path, required=True, metavar=tr("HỘ.json"),
                            help=tr("hộ dạng JSON như “household show --json” in ra"))  # fmt: skip
        action.add_argument("--dry-run", action="store_true", help=tr("chỉ kiểm tra, không ghi"))
        action.set_defaults(handler=on_commune(_save))
    events.add_household_commands(actions)

    from gnapp.core.standards import AREAS
    from gnapp.store.setup import KINDS, RECEIVER_KINDS

    village = commands.add_parser("village", help=tr("thôn, tổ dân phố: xem, thêm, sửa"))
    village_actions = subcommands(village, "village")
    listing = village_actions.add_parser("list", help=tr("các thôn, tổ dân phố và số hộ"))
    add_db(listing)
    listing.set_defaults(handler=on_commune(_village))
    for name, help_text in (("add", tr("thêm một thôn, tổ dân phố")),
                            ("edit", tr("đổi tên hoặc khu vực (mã giữ nguyên)"))):  # fmt: skip
        action = village_actions.add_parser(name, help=help_text)
        action.add_argument("code", metavar=tr("MÃ"), help=tr("mã thôn, tổ dân phố"))
        if name == "add":
            action.add_argument("name", metavar=tr("TÊN"), help=tr("tên thôn, tổ dân phố"))
            action.add_argument(
                "--area",
                choices=tuple(AREAS),
                default="rural",
                help=tr("rural: nông thôn (mặc định), urban: thành thị"),
            )
        else:
            action.add_argument("--name", metavar=tr("TÊN"), help=tr("tên mới"))
            action.add_argument("--area", choices=tuple(AREAS), help=tr("khu vực mới"))
        add_db(action)
        action.add_argument("--admin", metavar=tr("TÊN"), help=tr("người quản trị thực hiện"))
        action.set_defaults(handler=on_commune(_village))

    commune = commands.add_parser("commune", help=tr("thông tin của xã: xem, sửa"))
    commune_actions = subcommands(commune, "commune")
    show = commune_actions.add_parser("show", help=tr("mã, tên, loại, tỉnh, cơ quan nhận báo cáo"))
    add_db(show)
    show.set_defaults(handler=on_commune(_commune))
    change = commune_actions.add_parser("set", help=tr("sửa thông tin của xã (người quản trị)"))
    change.add_argument("--code", metavar=tr("MÃ"), help=tr("mã đơn vị hành chính (5 chữ số)"))
    change.add_argument("--name", metavar=tr("TÊN"), help=tr("tên xã, phường"))
    change.add_argument("--kind", choices=tuple(KINDS), help=tr("xa, phuong, dac_khu, thi_tran"))
    change.add_argument("--province", metavar=tr("TỈNH"), help=tr("tỉnh, thành phố"))
    change.add_argument("--office-name", metavar=tr("TÊN"), help=tr("cơ quan nhận báo cáo"))
    change.add_argument("--office-kind", choices=tuple(RECEIVER_KINDS),
                        help=tr("cấp của cơ quan nhận báo cáo"))  # fmt: skip
    add_db(change)
    change.add_argument("--admin", metavar=tr("TÊN"), help=tr("người quản trị thực hiện"))
    change.set_defaults(handler=on_commune(_commune))


# --- villages and the commune -----------------------------------------------------------------


def _village(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.core.standards import AREA_LABELS
    from gnapp.store.register import (
        add_village,
        household_counts_by_village,
        update_village,
        villages,
    )
    from gnapp.store.setup import VillageEntry, village_problems

    rows = villages(cdb.db)
    if args.village_command == "list":
        counts = household_counts_by_village(cdb.db)
        print_table([
            (tr("Mã"), tr("Tên"), tr("Khu vực"), tr("Số hộ")),
            *((row["code"], row["name"], tr(AREA_LABELS[row["area"]]), counts.get(row["id"], 0))
              for row in rows),
        ])  # fmt: skip
        return 0
    sign_in_admin(cdb, args.admin)
    # Checked as the Settings dialog checks its table: every village, the new one last.
    entries = [VillageEntry(row["code"], row["name"], row["area"]) for row in rows]
    codes = [row["code"] for row in rows]
    if args.village_command == "add":
        position = len(entries)
        entries.append(VillageEntry(args.code, args.name, args.area))
    elif args.code in codes:
        position = codes.index(args.code)
        old = entries[position]
        entries[position] = VillageEntry(old.code, args.name or old.name, args.area or old.area)
    else:
        raise CliError(
            tr("Không có thôn mã “{code}” (có: {codes}).", code=args.code, codes=", ".join(codes))
        )
    if problems := village_problems(entries):
        raise CliError(tr(("{problems} (dòng theo thứ tự của “gnapp village list”; thôn thêm mới ở "
"cuối)"), problems=' '.join(problems)))  # fmt: skip
    entry = entries[position]
    if args.village_command == "add":
        add_village(cdb, entry.code.strip(), entry.name, entry.area)
    else:
        update_village(cdb, rows[position]["id"], entry.name, entry.area)
    print(
        tr(
            "Đã lưu thôn {code} {name} ({area}).",
            code=entry.code.strip(),
            name=entry.name.strip(),
            area=tr(AREA_LABELS[entry.area]),
        )
    )
    return 0


def _commune(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store.register import get_commune, save_commune
    from gnapp.store.setup import KINDS, RECEIVER_KINDS, CommuneIdentity

    current = get_commune(cdb.db) or {}
    identity = CommuneIdentity(
        code=current.get("code") or "",
        name=current.get("name") or "",
        kind=current.get("kind") or "xa",
        province=current.get("province") or "",
        receiving_office_name=current.get("receiving_office_name") or "",
        receiving_office_kind=current.get("receiving_office_kind") or "province",
    )
    if args.commune_command == "show":
        print(tr("Mã: {code}", code=identity.code))
        print(tr("Tên: {name}", name=identity.name))
        print(tr("Loại: {kind}", kind=tr(KINDS.get(identity.kind, identity.kind))))
        print(tr("Tỉnh, thành phố: {province}", province=identity.province))
        office = identity.receiving_office_name or tr("(chưa ghi)")
        print(
            tr(
                "Cơ quan nhận báo cáo: {office}, {level}",
                office=office,
                level=tr(RECEIVER_KINDS[identity.receiving_office_kind]),
            )
        )
        return 0
    sign_in_admin(cdb, args.admin)
    changed = replace(
        identity,
        **{
            field: value
            for field, value in (
                ("code", args.code), ("name", args.name), ("kind", args.kind),
                ("province", args.province), ("receiving_office_name", args.office_name),
                ("receiving_office_kind", args.office_kind),
            )
            if value is not None
        },
    )  # fmt: skip
    if problems := changed.problems():
        raise CliError(" ".join(problems))
    save_commune(
        cdb,
        code=changed.code.strip(),
        name=changed.name.strip(),
        kind=changed.kind,
        province=changed.province.strip(),
        receiving_office_name=changed.receiving_office_name.strip() or None,
        receiving_office_kind=changed.receiving_office_kind,
    )
    print(tr("Đã lưu thông tin của {name}.", name=changed.name.strip()))
    return 0


# --- listing ----------------------------------------------------------------------------------


def _list(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.core.classify import CLASS_LABELS
    from gnapp.core.vietnamese import format_number
    from gnapp.store.household_query import (
        GROUP_LABELS,
        HouseholdQuery,
        household_count,
        household_rows,
        matching_ids,
    )
    from gnapp.store.overview import status_years

    db = cdb.db
    years = status_years(db)
    year = args.year if args.year is not None else (years[-1] if years else None)
    if args.status is not None and year is None:
        raise CliError(tr("Sổ chưa có tình trạng năm nào: lọc theo tình trạng cần --year."))
    query = HouseholdQuery(
        year=year,
        village_id=None if args.village is None else lookup_village(db, args.village),
        status=args.status,
        groups=tuple(dict.fromkeys(args.group)),
        search=args.search,
        sort=args.sort,
        descending=args.desc,
        include_departed=args.all,
    )
    ids = matching_ids(db, query)
    shown = household_rows(db, ids[: args.limit] if args.limit > 0 else ids, year, args.search)
    total = household_count(db)
    if args.json:
        rows = [
            {"code": row.code, "head": row.head_name, "matched_member": row.matched_member,
             "village": row.village_name, "members": row.members, "status": row.status,
             "groups": list(row.groups)}
            for row in shown
        ]  # fmt: skip
        print_json({"year": year, "found": len(ids), "total": total, "households": rows})
        return 0
    status_title = tr("Tình trạng {year}", year=year) if year is not None else tr("Tình trạng")
    print_table([
        (tr("Mã hộ"), tr("Chủ hộ"), tr("Thôn/Tổ dân phố"), tr("Số nhân khẩu"), status_title,
         tr("Nhóm")),
        *((row.code, row.head_name + (tr(" (tìm thấy: {member})", member=row.matched_member)
                                      if row.matched_member else ""),
           row.village_name, row.members,
           tr(CLASS_LABELS[row.status]).capitalize() if row.status else "",
           "; ".join(tr(GROUP_LABELS[group]) for group in row.groups)) for row in shown),
    ])  # fmt: skip
    found = tr(
        "Tìm thấy {found} / {total} hộ", found=format_number(len(ids)), total=format_number(total)
    )
    if len(shown) < len(ids):
        found += tr("; in {shown} hộ đầu (--limit 0 để in tất cả)",
                    shown=format_number(len(shown)))  # fmt: skip
    print(found + ".")
    return 0


# --- showing ----------------------------------------------------------------------------------


def household_document(db: Any, household_id: int) -> dict[str, Any]:
    """The household as ``show --json`` prints it and ``add``/``edit`` read it."""
    from gnapp.store.register import (
        HOUSEHOLD_FIELDS,
        MEMBER_BOOLEANS,
        MEMBER_FIELDS,
        members_of,
        status_history,
        stored_household,
        village_name,
    )

    stored = stored_household(db, household_id)
    document: dict[str, Any] = {
        "code": stored["code"],
        "village": village_name(db, stored["village_id"]),
    }
    document |= {key: stored[key] for key in HOUSEHOLD_FIELDS if key not in ("code", "village_id")}
    members = members_of(db, household_id)
    document["members"] = [
        {"id": member["id"]}
        | {
            key: (None if member[key] is None else bool(member[key]))
            if key in MEMBER_BOOLEANS
            else member[key]
            for key in MEMBER_FIELDS
        }
        for member in members
    ]
    document["status_history"] = [
        {key: status[key] for key in ("year", "status", "movement", "decision_number",
                                      "decision_date", "note") if key in status}
        for status in status_history(db, household_id)
    ]  # fmt: skip
    return document


def _show(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store.household_history import column_label, history_rows, value_text
    from gnapp.store.register import villages

    db, shown = cdb.db, lookup_household(cdb.db, args.code)
    document = household_document(db, shown)
    if args.json:
        print_json(document)
        return 0
    village_names = {row["id"]: row["name"] for row in villages(db)}
    members = document["members"]
    head = next((m["full_name"] for m in members if m["relation"] == "head"), "")
    print(tr("Hộ {code} — chủ hộ {head}", code=document["code"], head=head or tr("(chưa có)")))
    print(f"  {column_label('households', 'village_id')}: {document['village']}")
    for key, value in document.items():
        if key in ("code", "village", "members", "status_history") or value in (None, []):
            continue
        print(f"  {column_label('households', key)}: "
              f"{value_text('households', key, value, village_names)}")  # fmt: skip
    print(tr("Thành viên ({count}):", count=len(members)))
    for number, member in enumerate(members, start=1):
        details = [
            f"{column_label('members', key)}: {value_text('members', key, value)}"
            for key, value in member.items()
            if key not in ("id", "full_name") and value is not None
        ]
        print(f"  {number}. {member['full_name']} — {'; '.join(details)}")
    statuses = document["status_history"]
    print(tr("Tình trạng các năm:") if statuses else tr("Tình trạng các năm: chưa có"))
    for status in statuses:
        line = f"  {status['year']}: {value_text('household_status', 'status', status['status'])}"
        if status.get("decision_number"):
            line += tr(" (quyết định số {number})", number=status["decision_number"])
        print(line)
    print(tr("Lịch sử thay đổi (mới nhất trước):"))
    for change in history_rows(db, shown):
        values = f": {change.old or '—'} → {change.new}" if change.new else ""
        print(f"  {change.when} — {change.actor} — {change.what}{values}")
    return 0


# --- adding and editing -----------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """What a household file asks: the household's fields as the register stores them, the
    roster of (member id or None, the member's fields), and the members removed."""

    household: dict[str, Any]
    roster: list[tuple[int | None, dict[str, Any]]]
    removed: list[int]


def _allowed(field: str) -> list[Any] | None:
    from gnapp.core.record import field_schema

    try:
        schema = field_schema(field)
    except KeyError:
        return None
    return schema.get("enum") or (schema.get("items") or {}).get("enum")


def _stored_value(scope: str, key: str, value: Any) -> Any:
    """A value of the file in the register's form; ValueError says in Vietnamese why not."""
    from gnapp.core.household_checks import read_birth_date, read_citizen_id
    from gnapp.store.register import HOUSEHOLD_BOOLEANS, HOUSEHOLD_LISTS, MEMBER_BOOLEANS

    booleans = HOUSEHOLD_BOOLEANS if scope == "household" else MEMBER_BOOLEANS
    if value is None:
        return None
    if key in booleans:
        if not isinstance(value, bool):
            raise ValueError(
                tr("phải là true, false hoặc null (đang là {written})", written=json.dumps(value))
            )
        return value
    if scope == "household" and key in HOUSEHOLD_LISTS:
        allowed = _allowed(f"household.{key}") or []
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValueError(
                tr("phải là một danh sách lấy trong: {choices}", choices=", ".join(allowed))
            )
        return value
    if key == "floor_area_m2":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(
                tr("phải là một số mét vuông (đang là {written})", written=json.dumps(value))
            )
        return value
    if not isinstance(value, str):
        raise ValueError(
            tr("phải là chữ (đang là {written})", written=json.dumps(value, ensure_ascii=False))
        )
    allowed = _allowed(f"{scope}.{key}")
    if allowed is not None and value not in allowed:
        choices = ", ".join(str(choice) for choice in allowed if choice is not None)
        raise ValueError(
            tr(
                "“{value}” không phải giá trị được dùng (một trong: {choices})",
                value=value,
                choices=choices,
            )
        )
    if key == "birth_date":
        return read_birth_date(value)
    if key == "citizen_id":
        return read_citizen_id(value)
    return value


def _problem_line(problem: Any, members: Sequence[Mapping[str, Any]]) -> str:
    from gnapp.store.household_history import column_label

    key = problem.field.partition(".")[2]
    kind = tr("Lỗi") if problem.is_error else tr("Cảnh báo")
    if problem.member is not None:
        name = _short(members[problem.member].get("full_name") or tr("chưa có tên"))
        where = tr("thành viên {number} ({name}), {field}", number=problem.member + 1, name=name,
                   field=column_label("members", key))  # fmt: skip
    elif key == "members":
        where = tr("danh sách thành viên")
    else:
        where = column_label("households", key)
    return f"{kind}: {where}: {problem.message}"


def _short(text: str, length: int = 40) -> str:
    """Text as a message may repeat it: its first ``length`` characters, controls as "?"."""
    shown = "".join("?" if not character.isprintable() else character for character in text)
    return shown[:length] + ("…" if len(text) > length else "")


def read_household_file(
    db: Any, path: Path, household_id: int | None
) -> tuple[Edit, list[Any], list[dict[str, Any]]]:
    """What the file asks for the household (None: a new one), every problem of the household
    it would make (the file's own first), and that household's members as they would be."""
    document = read_json(path)
    if not isinstance(document, dict):
        raise CliError(tr("Tệp {path} phải là một hộ dạng JSON (một đối tượng {{…}}).", path=path))
    old_members = (
        {member["id"]: member for member in household_document(db, household_id)["members"]}
        if household_id is not None
        else {}
    )
    written = document.get("members", [{"id": member_id} for member_id in old_members])
    if not isinstance(written, list) or not all(isinstance(member, dict) for member in written):
        raise CliError(
            tr("Tệp {path}: “members” phải là một danh sách các thành viên {{…}}.", path=path)
        )
    household, problems = _read_household_fields(db, document)
    roster, members, member_problems = _read_roster(written, old_members)
    kept = {member_id for member_id, _ in roster}
    removed = [member_id for member_id in old_members if member_id not in kept]
    whole = household
    if household_id is not None:
        from gnapp.store.register import stored_household

        before = stored_household(db, household_id)
        household = {k: v for k, v in household.items() if v != before.get(k)}
        whole = {**before, **household}
    checked = _checks(db, whole, members, household_id)
    return Edit(household, roster, removed), [*problems, *member_problems, *checked], members


def _read_household_fields(db: Any, document: Mapping[str, Any]) -> tuple[dict[str, Any], list]:
    """The household fields the file names, in the register's form, and the file's problems."""
    from gnapp.core.household_checks import Problem, text_problem
    from gnapp.store.register import HOUSEHOLD_FIELDS

    household: dict[str, Any] = {}
    problems = []
    keys = [key for key in HOUSEHOLD_FIELDS if key not in ("code", "village_id")]
    for key, value in document.items():
        if key in ("members", *READ_ONLY_KEYS):
            continue
        if key == "code":
            household["code"] = value if isinstance(value, str) else None
        elif key == "village" and isinstance(value, str) and (problem := text_problem(value)):
            problems.append(Problem("household.village_id", problem))
        elif key == "village":
            try:
                household["village_id"] = lookup_village(db, str(value))
            except CliError as error:
                problems.append(Problem("household.village_id", str(error)))
        elif key in keys:
            try:
                household[key] = _stored_value("household", key, value)
            except ValueError as error:
                problems.append(Problem(f"household.{key}", str(error)))
        else:
            known = ", ".join(("code", "village", *keys, "members"))
            problems.append(
                Problem(
                    f"household.{key}",
                    tr(
                        "trường “{key}” không có trong hồ sơ hộ (có: {known})", key=key, known=known
                    ),
                )
            )
    return household, problems


def _read_roster(
    written: list[dict[str, Any]], old_members: Mapping[int, Mapping[str, Any]]
) -> tuple[list[tuple[int | None, dict[str, Any]]], list[dict[str, Any]], list]:
    """The roster to save ((member id or None, fields changed)), every member as it would be,
    and the file's problems with its members."""
    from gnapp.core.household_checks import ERROR, Problem
    from gnapp.store.register import MEMBER_FIELDS

    roster: list[tuple[int | None, dict[str, Any]]] = []
    members: list[dict[str, Any]] = []
    problems = []
    for index, member in enumerate(written):
        member_id = member.get("id")
        if member_id is not None and (
            member_id not in old_members or member_id in (kept for kept, _ in roster)
        ):
            problem = tr("thành viên mã {id} không có trong hộ này, hoặc có hai lần", id=member_id)
            problems.append(Problem("member.full_name", problem, ERROR, index))
            member_id = None
        old = {k: v for k, v in old_members.get(member_id, {}).items() if k != "id"}
        new: dict[str, Any] = {}
        for key, value in member.items():
            if key == "id":
                continue
            if key not in MEMBER_FIELDS:
                known = ", ".join(MEMBER_FIELDS)
                problems.append(Problem(f"member.{key}", tr("trường “{key}” không có trong hồ sơ "
                                        "thành viên (có: {known})", key=key, known=known),
                                        ERROR, index))  # fmt: skip
                continue
            try:
                new[key] = _stored_value("member", key, value)
            except ValueError as error:
                problems.append(Problem(f"member.{key}", str(error), ERROR, index))
        members.append({**old, **new})
        roster.append((member_id, {k: v for k, v in new.items() if v != old.get(k)}))
    return roster, members, problems


def _checks(
    db: Any, household: Mapping[str, Any], members: list[dict[str, Any]], household_id: int | None
) -> list[Any]:
    from gnapp.core.household_checks import household_problems
    from gnapp.store.register import citizen_id_elsewhere, household_code_in_use

    code = household.get("code") or ""
    elsewhere = {
        member["citizen_id"]: citizen_id_elsewhere(db, member["citizen_id"], household_id)
        for member in members
        if member.get("citizen_id")
    }
    return household_problems(
        household,
        members,
        today=date.today(),
        code_in_use=bool(code) and household_code_in_use(db, code, household_id),
        elsewhere=elsewhere,
    )


def _save(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store.register import household_code, save_household

    edited = lookup_household(cdb.db, args.code) if args.household_command == "edit" else None
    edit, problems, members = read_household_file(cdb.db, args.file, edited)
    for problem in problems:
        print(_problem_line(problem, members))
    errors = sum(problem.is_error for problem in problems)
    if errors:
        raise CliError(
            tr("{errors} lỗi trong tệp {file}: chưa ghi gì vào sổ.", errors=errors, file=args.file)
        )
    if args.dry_run:
        print(tr("Kiểm tra xong, không có lỗi (chưa ghi gì: --dry-run)."))
        return 0
    saved = save_household(cdb, edited, edit.household, edit.roster, edit.removed)
    code = household_code(cdb.db, saved)
    print(
        tr(
            "Đã thêm hộ {code} ({count} thành viên)."
            if edited is None
            else "Đã lưu hộ {code} ({count} thành viên).",
            code=code,
            count=len(members),
        )
    )
    return 0
