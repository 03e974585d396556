"""The register's events from the command line (docs/register-history.md):

    gnapp household move-in MÃ_HỘ --date NGÀY [--reason LÝ_DO] --db PATH
    gnapp household move-away MÃ_HỘ --date NGÀY --reason LÝ_DO --db PATH
    gnapp household end MÃ_HỘ --date NGÀY --reason LÝ_DO --db PATH
    gnapp household split MÃ_HỘ --member TV... --new-code MÃ [--head TV] --date NGÀY --db PATH
    gnapp household merge MÃ_HỘ --into MÃ_HỘ --date NGÀY [--reason LÝ_DO] --db PATH
    gnapp household events MÃ_HỘ --db PATH [--json]
    gnapp household undo-event SỐ --db PATH
    gnapp member birth MÃ_HỘ --name TÊN --sex GIỚI --date NGÀY --db PATH
    gnapp member join MÃ_HỘ --how CÁCH (--name TÊN … | --from MÃ_HỘ --member TV) --date NGÀY
    gnapp member leave MÃ_HỘ TV --date NGÀY --reason LÝ_DO --db PATH
    gnapp member death MÃ_HỘ TV --date NGÀY [--reason LÝ_DO] --db PATH

A member (TV) is named as ``gnapp household show`` prints it: its number in the household, its
citizen ID, or its full name. Every event is written by the store (gnapp.store.events), which
refuses in Vietnamese what the register cannot take. As ``household edit``, no sign-in.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from typing import Any

from gnapp.cli.common import CliError, add_db, lookup_household, on_commune, print_json, print_table
from gnapp.i18n import tr, tr_noop

# How a member joins, as the command line names it (gnapp.store.events.JOIN_WAYS).
JOIN_LABELS = {
    "marriage": tr_noop("kết hôn"),
    "moved_in": tr_noop("chuyển đến"),
    "from_household": tr_noop("từ hộ khác"),
}
MEMBER_HELP = tr_noop("thành viên: số thứ tự như “household show” in, số CCCD hoặc họ tên")


def _event_command(
    actions: Any, name: str, help_text: str, handler: Any, *, reason: str = "optional"
) -> argparse.ArgumentParser:
    """A subcommand recording an event of a household (MÃ_HỘ, --date, --reason ``reason``:
    "required", "optional" or "none", --db); the caller adds what else the event needs."""
    parser = actions.add_parser(name, help=help_text)
    parser.add_argument("code", metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
    parser.add_argument(
        "--date",
        required=True,
        metavar=tr("NGÀY"),
        help=tr("ngày xảy ra, dạng năm-tháng-ngày (2026-03-05)"),
    )
    if reason != "none":
        parser.add_argument(
            "--reason",
            required=reason == "required",
            metavar=tr("LÝ_DO"),
            help=tr("lý do (không bắt buộc)") if reason == "optional" else tr("lý do"),
        )
    add_db(parser)
    parser.set_defaults(handler=on_commune(handler))
    return parser


def add_household_commands(actions: Any) -> None:
    """Add the household events to ``gnapp household``'s subcommands ``actions``."""
    for name, help_text, reason in (
        ("move-in", tr("ghi hộ mới thêm vào sổ là chuyển đến xã từ ngày"), "optional"),
        ("move-away", tr("ghi hộ chuyển đi khỏi xã"), "required"),
        ("end", tr("ghi hộ không còn (không còn thành viên nào)"), "required"),
    ):
        _event_command(actions, name, help_text, _household_event, reason=reason)

    split = _event_command(actions, "split", tr("tách hộ: một số thành viên lập hộ mới"), _split)
    split.add_argument(
        "--member",
        action="append",
        required=True,
        metavar="TV",
        help=tr("{member} (nhắc lại cho từng người tách ra)", member=tr(MEMBER_HELP)),
    )
    split.add_argument("--new-code", required=True, metavar=tr("MÃ"), help=tr("mã của hộ mới"))
    split.add_argument("--head", metavar="TV", help=tr("chủ hộ mới (mặc định: người đầu tiên)"))

    merge = _event_command(
        actions, "merge", tr("nhập hộ: mọi thành viên nhập vào một hộ khác"), _merge
    )
    merge.add_argument("--into", required=True, metavar=tr("MÃ_HỘ"), help=tr("mã hộ nhận nhập vào"))

    listing = actions.add_parser("events", help=tr("các sự kiện của hộ (cả sự kiện đã hoàn tác)"))
    listing.add_argument("code", metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
    add_db(listing)
    listing.add_argument("--json", action="store_true", help=tr("in dạng JSON"))
    listing.set_defaults(handler=on_commune(_events))

    undo = actions.add_parser("undo-event", help=tr("hoàn tác một sự kiện ghi nhầm"))
    undo.add_argument(
        "event_id",
        type=int,
        metavar=tr("SỐ"),
        help=tr("số của sự kiện (như “household events” in)"),
    )
    add_db(undo)
    undo.set_defaults(handler=on_commune(_undo))


# The commands add_commands adds (gnapp.cli builds only the group of the command run).
COMMANDS = ("member",)


def add_commands(commands: Any) -> None:
    """Add ``member`` and its events."""
    from gnapp.cli.common import subcommands
    from gnapp.store.events import JOIN_WAYS

    member = commands.add_parser("member", help=tr("thành viên: sinh, nhập khẩu, rời hộ, qua đời"))
    actions = subcommands(member, "member")

    birth = _event_command(
        actions, "birth", tr("ghi một trẻ sinh ra là thành viên mới của hộ"), _birth, reason="none"
    )
    _person_options(birth, birth=True)

    join = _event_command(actions, "join", tr("ghi một người nhập khẩu vào hộ"), _join)
    join.add_argument(
        "--how",
        required=True,
        choices=JOIN_WAYS,
        help=tr(
            "marriage: kết hôn; moved_in: chuyển đến từ nơi khác; from_household: "
            "từ hộ khác trong xã"
        ),
    )
    _person_options(join, birth=False)
    join.add_argument(
        "--from",
        dest="from_code",
        metavar=tr("MÃ_HỘ"),
        help=tr("hộ cũ trong xã (với --how from_household)"),
    )
    join.add_argument(
        "--member",
        metavar="TV",
        help=tr(
            "người chuyển từ hộ cũ ({member}; với --how from_household)",
            member=tr(MEMBER_HELP),
        ),
    )

    for name, help_text, reason in (
        ("leave", tr("ghi một thành viên rời khỏi hộ và khỏi xã"), "required"),
        ("death", tr("ghi một thành viên qua đời"), "optional"),
    ):
        action = _event_command(actions, name, help_text, _member_leaves, reason=reason)
        action.add_argument("member", metavar="TV", help=tr(MEMBER_HELP))


def _person_options(parser: argparse.ArgumentParser, *, birth: bool) -> None:
    """The new member's fields (required for a birth; for a join, without --from)."""
    from gnapp.core.record import field_schema

    def choices(field: str) -> list[str]:
        return [value for value in field_schema(f"member.{field}")["enum"] if value is not None]

    parser.add_argument("--name", required=birth, metavar=tr("TÊN"), help=tr("họ và tên"))
    parser.add_argument("--sex", required=birth, choices=choices("sex"), help=tr("giới tính"))
    parser.add_argument(
        "--relation",
        choices=choices("relation"),
        help=tr("quan hệ với chủ hộ (mặc định: child khi sinh, other khi nhập khẩu)"),
    )
    parser.add_argument(
        "--birth-date",
        metavar=tr("NGÀY"),
        help=tr("ngày sinh") + (tr(" (mặc định: ngày sinh là --date)") if birth else ""),
    )
    parser.add_argument("--citizen-id", metavar=tr("SỐ"), help=tr("số CCCD / định danh cá nhân"))


# --- finding what the user typed ----------------------------------------------------------------


def find_member(db: Any, household_id: int, written: str) -> dict[str, Any]:
    """The household's member named by ``written``: its number as ``household show`` prints
    it, its citizen ID, or its full name (diacritics and case aside), or a refusal."""
    from gnapp.core.household_checks import read_citizen_id
    from gnapp.core.vietnamese import fold
    from gnapp.store.register import household_code, members_of

    members = members_of(db, household_id)
    text = written.strip()
    if text.isdecimal() and 1 <= int(text) <= len(members):
        return members[int(text) - 1]
    citizen_id = read_citizen_id(text)
    found = [m for m in members if citizen_id and m["citizen_id"] == citizen_id]
    found = found or [m for m in members if fold(m["full_name"]) == fold(text)]
    if len(found) == 1:
        return found[0]
    names = ", ".join(f"{number}. {m['full_name']}" for number, m in enumerate(members, 1))
    code = household_code(db, household_id)
    what = tr("Có hai thành viên tên") if found else tr("Không có thành viên")
    raise CliError(
        tr(
            "{what} “{written}” trong hộ {code} (có: {names}).",
            what=what,
            written=written,
            code=code,
            names=names,
        )
    )


def _shown(day: str) -> str:
    from gnapp.core.vietnamese import format_date

    return format_date(date.fromisoformat(day))


def _reason(args: argparse.Namespace) -> str:
    return (
        tr(" (lý do: {reason})", reason=args.reason.strip())
        if args.reason and args.reason.strip()
        else ""
    )


def _recorded(text: str) -> int:
    print(tr("Đã ghi: {text}.", text=text))
    return 0


# --- household events ---------------------------------------------------------------------------


def _household_event(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store import events

    household_id = lookup_household(cdb.db, args.code)
    record, what = {
        "move-in": (events.record_moved_in, tr("chuyển đến xã")),
        "move-away": (events.record_moved_away, tr("chuyển đi")),
        "end": (events.record_ended, tr("không còn (hộ kết thúc)")),
    }[args.household_command]
    record(cdb, household_id, args.date, args.reason)
    return _recorded(
        tr(
            "hộ {code} {what} ngày {date}{reason}",
            code=args.code,
            what=what,
            date=_shown(args.date),
            reason=_reason(args),
        )
    )


def _split(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store.events import split_household

    household_id = lookup_household(cdb.db, args.code)
    moving = [find_member(cdb.db, household_id, written) for written in args.member]
    head = None if args.head is None else find_member(cdb.db, household_id, args.head)["id"]
    split_household(
        cdb,
        household_id,
        [member["id"] for member in moving],
        args.date,
        code=args.new_code,
        head_member_id=head,
        reason=args.reason,
    )
    names = ", ".join(dict.fromkeys(member["full_name"] for member in moving))
    return _recorded(
        tr(
            "tách hộ {new_code} ({names}) từ hộ {code} ngày {date}{reason}",
            new_code=args.new_code.strip(),
            names=names,
            code=args.code,
            date=_shown(args.date),
            reason=_reason(args),
        )
    )


def _merge(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store.events import merge_households

    household_id = lookup_household(cdb.db, args.code)
    into = lookup_household(cdb.db, args.into)
    merge_households(cdb, household_id, into, args.date, args.reason)
    return _recorded(
        tr(
            "hộ {code} nhập vào hộ {into} ngày {date}{reason}; hãy sửa quan hệ với chủ hộ "
            "của các thành viên mới (“household edit {into}”)",
            code=args.code,
            into=args.into,
            date=_shown(args.date),
            reason=_reason(args),
        )
    )


def _events(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.core.vietnamese import format_timestamp
    from gnapp.store.events import EVENT_LABELS, events_of_household

    found = events_of_household(cdb.db, lookup_household(cdb.db, args.code), with_undone=True)
    if args.json:
        print_json([asdict(event) | {"label": EVENT_LABELS[event.kind]} for event in found])
        return 0
    if not found:
        print(tr("Hộ {code} chưa có sự kiện nào.", code=args.code))
        return 0
    print_table(
        [
            (
                tr("Số"),
                tr("Ngày"),
                tr("Sự kiện"),
                tr("Thành viên"),
                tr("Hộ liên quan"),
                tr("Lý do"),
                tr("Người ghi"),
                tr("Hoàn tác"),
            ),
            *(
                (
                    event.id,
                    _shown(event.event_date),
                    tr(EVENT_LABELS[event.kind]),
                    event.member_name,
                    event.other_household_code,
                    event.reason,
                    f"{event.recorded_by} ({format_timestamp(event.recorded_at)})",
                    tr(
                        "đã hoàn tác ({undone_by}, {undone_at})",
                        undone_by=event.undone_by,
                        undone_at=format_timestamp(event.undone_at),
                    )
                    if event.undone_at
                    else "",
                )
                for event in found
            ),
        ]
    )
    return 0


def _undo(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store.events import EVENT_LABELS, event, undo_event

    undone = event(cdb.db, args.event_id)
    undo_event(cdb, args.event_id)
    print(
        tr(
            "Đã hoàn tác sự kiện số {id}: hộ {household_code} {event} ngày {date}.",
            id=undone.id,
            household_code=undone.household_code,
            event=tr(EVENT_LABELS[undone.kind]),
            date=_shown(undone.event_date),
        )
    )
    return 0


# --- member events ------------------------------------------------------------------------------


def _person(args: argparse.Namespace, relation: str) -> dict[str, Any]:
    """The new member's fields from the options, in the register's form."""
    from gnapp.core.household_checks import read_birth_date, read_citizen_id

    if not args.name or not args.name.strip():
        raise CliError(tr("Cần --name: họ và tên của người mới."))
    person: dict[str, Any] = {
        "full_name": args.name.strip(),
        "sex": args.sex,
        "relation": args.relation or relation,
    }
    try:
        if args.birth_date:
            person["birth_date"] = read_birth_date(args.birth_date)
    except ValueError as error:
        raise CliError(tr("--birth-date: {error}", error=error)) from error
    if args.citizen_id and (citizen_id := read_citizen_id(args.citizen_id)):
        person["citizen_id"] = citizen_id
    return person


def _birth(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store.events import record_birth

    household_id = lookup_household(cdb.db, args.code)
    person = _person(args, "child")
    record_birth(cdb, household_id, args.date, person)
    return _recorded(
        tr(
            "{name} sinh ngày {date}, thành viên mới của hộ {code}",
            name=person["full_name"],
            date=_shown(args.date),
            code=args.code,
        )
    )


def _join(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store.events import record_joined

    household_id = lookup_household(cdb.db, args.code)
    if args.how == "from_household":
        if not args.from_code or not args.member:
            raise CliError(tr("Với --how from_household cần --from MÃ_HỘ và --member TV."))
        moving = find_member(cdb.db, lookup_household(cdb.db, args.from_code), args.member)
        name, how = moving["full_name"], tr("từ hộ {code}", code=args.from_code)
        relation = {"relation": args.relation} if args.relation else None
        record_joined(
            cdb,
            household_id,
            args.date,
            args.how,
            member=relation,
            from_member_id=moving["id"],
            reason=args.reason,
        )
    else:
        person = _person(args, "other")
        name, how = person["full_name"], tr(JOIN_LABELS[args.how])
        record_joined(cdb, household_id, args.date, args.how, member=person, reason=args.reason)
    return _recorded(
        tr(
            "{name} nhập khẩu vào hộ {code} ngày {date} ({how}){reason}",
            name=name,
            code=args.code,
            date=_shown(args.date),
            how=how,
            reason=_reason(args),
        )
    )


def _member_leaves(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.store.events import record_death, record_left

    household_id = lookup_household(cdb.db, args.code)
    member = find_member(cdb.db, household_id, args.member)
    if args.member_command == "death":
        record_death(cdb, member["id"], args.date, args.reason)
        what = tr("qua đời")
    else:
        record_left(cdb, member["id"], args.date, args.reason)
        what = tr("rời khỏi hộ")
    return _recorded(
        tr(
            "{name} (hộ {code}) {what} ngày {date}{reason}",
            name=member["full_name"],
            code=args.code,
            what=what,
            date=_shown(args.date),
            reason=_reason(args),
        )
    )
