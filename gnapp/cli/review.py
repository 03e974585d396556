"""``gnapp review``: the annual review from the command line, as the review area gives it.

    gnapp review rounds --db PATH
    gnapp review open --db PATH --year NĂM [--month THÁNG] [--standard ID]
                      [--reference-date NGÀY] [--team TÊN]...
    gnapp review build --db PATH --round ID
    gnapp review list --db PATH --round ID [--village THÔN] [--json]
    gnapp review add MÃ_HỘ --db PATH --round ID --reason LÝ_DO
    gnapp review remove MÃ_HỘ --db PATH --round ID --reason LÝ_DO
    gnapp review apply MÃ_HỘ --db PATH --round ID --name NGƯỜI_LÀM_ĐƠN --received-on NGÀY
                       --reason LÝ_DO [--kind review|escape] [--file ĐƠN.json]
    gnapp review survey MÃ_HỘ --db PATH --round ID --file PHIẾU.json [--form A|B] [--complete]
    gnapp review progress --db PATH --round ID [--json]
    gnapp review meeting --db PATH --round ID --village THÔN --date NGÀY --attendees N
                         --vote MÃ_HỘ=ĐỒNG_Ý[/BIỂU_QUYẾT]... [--place] [--chair] [--secretary]
    gnapp review post --db PATH --round ID --start NGÀY [--places NƠI]
    gnapp review complaint MÃ_HỘ --db PATH --round ID --date NGÀY --content NỘI_DUNG [--by TÊN]
    gnapp review recheck SỐ_KHIẾU_NẠI --db PATH --date NGÀY --result KẾT_QUẢ --class LOẠI
    gnapp review opinion --db PATH --round ID --by CƠ_QUAN --date NGÀY [--number SỐ]
                         [--content NỘI_DUNG]
    gnapp review recognise --db PATH --round ID --number SỐ --date NGÀY --user TÊN
    gnapp review import|document|tables ...                            (gnapp/cli/review_files.py)
    gnapp review correct MÃ_HỘ --db PATH --round ID --status LOẠI --reason LÝ_DO
                         --number SỐ --date NGÀY --user TÊN

Dates are YYYY-MM-DD. ``recognise`` and ``correct`` need an approver: the password is asked,
or read from GNAPP_USER_PASSWORD. The questionnaire file of ``survey`` is a household record
(docs/household-record.md); its members are matched with the register's by citizen ID, else by
name and birth year.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from gnapp.cli.common import (
    CliError,
    add_db,
    lookup_household,
    lookup_village,
    on_commune,
    print_json,
    print_table,
    read_json,
    round_option,
    sign_in_user,
    subcommands,
)
from gnapp.cli.review_files import add_commands as add_file_commands
from gnapp.i18n import tr, tr_noop


def _command(
    actions: Any, name: str, help_text: str, handler: Callable[[Any, argparse.Namespace], int]
) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=help_text)
    add_db(parser)
    parser.set_defaults(handler=on_commune(handler))
    return parser


# The commands add_commands adds (gnapp.cli builds only the group of the command run).
COMMANDS = ("review",)


def add_commands(commands: Any) -> None:
    """Add ``gnapp review`` and its subcommands (the files' ones from review_files)."""
    review = commands.add_parser(
        "review", help=tr("rà soát hộ nghèo, cận nghèo: đợt, danh sách, phiếu, họp, niêm yết")
    )
    actions = subcommands(review, "review")
    _command(actions, "rounds", tr("các đợt rà soát"), _rounds)

    opening = _command(actions, "open", tr("mở đợt rà soát định kỳ (hoặc thường xuyên: --month)"),
                       _open)  # fmt: skip
    opening.add_argument(
        "--year", type=int, required=True, metavar=tr("NĂM"), help=tr("năm rà soát")
    )
    opening.add_argument(
        "--month", type=int, metavar=tr("THÁNG"), help=tr("đợt thường xuyên của tháng")
    )
    opening.add_argument(
        "--standard",
        metavar="ID",
        help=tr(
            "chuẩn nghèo (mặc định: đợt định kỳ năm N dùng chuẩn có hiệu lực "
            "01/01/N+1; đợt thường xuyên dùng chuẩn của tháng)"
        ),
    )
    opening.add_argument(
        "--reference-date", metavar=tr("NGÀY"), help=tr("ngày tham chiếu (tính tuổi)")
    )
    opening.add_argument("--team", action="append", default=[], metavar=tr("TÊN"),
                         help=tr("thành viên tổ rà soát (nhắc lại cho nhiều người)"))  # fmt: skip

    for name, help_text, handler in (
        ("build", tr("lập danh sách: hộ nghèo, cận nghèo hiện có và hộ có đơn"), _build),
        ("progress", tr("tiến độ theo thôn, các bước, hộ cần theo dõi"), _progress),
    ):
        parser = _command(actions, name, help_text, handler)
        round_option(parser)
        if name == "progress":
            parser.add_argument("--json", action="store_true", help=tr("in dạng JSON"))

    listing = _command(actions, "list", tr("danh sách rà soát và tình trạng từng hộ"), _list)
    round_option(listing)
    listing.add_argument("--village", metavar=tr("THÔN"), help=tr("chỉ một thôn / tổ dân phố"))
    listing.add_argument("--json", action="store_true", help=tr("in dạng JSON"))

    for name, help_text, handler in (
        ("add", tr("đưa một hộ vào danh sách rà soát (ghi lý do)"), _add),
        ("remove", tr("đưa một hộ ra khỏi danh sách rà soát (ghi lý do)"), _remove),
    ):
        parser = _command(actions, name, help_text, handler)
        parser.add_argument("code", metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
        round_option(parser)
        parser.add_argument(
            "--reason", required=True, metavar=tr("LÝ_DO"), help=tr("lý do (ghi vào sổ)")
        )

    applying = _command(
        actions,
        "apply",
        tr("ghi giấy đề nghị rà soát (Mẫu 01) hoặc công nhận thoát nghèo (Mẫu 04)"),
        _apply,
    )
    applying.add_argument("code", metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
    round_option(applying)
    applying.add_argument(
        "--kind",
        choices=("review", "escape"),
        default="review",
        help=tr("review: đề nghị rà soát (Mẫu 01); escape: thoát nghèo (Mẫu 04)"),
    )
    applying.add_argument("--name", required=True, metavar=tr("TÊN"), help=tr("người làm đơn"))
    applying.add_argument(
        "--received-on", required=True, metavar=tr("NGÀY"), help=tr("ngày nhận đơn (YYYY-MM-DD)")
    )
    applying.add_argument("--reason", required=True, metavar=tr("LÝ_DO"), help=tr("lý do đề nghị"))
    applying.add_argument(
        "--channel", metavar=tr("CÁCH"), help=tr("trực tiếp, bưu điện, cổng dịch vụ công")
    )
    applying.add_argument(
        "--file",
        type=Path,
        metavar=tr("ĐƠN.json"),
        help=tr("các mục khác của đơn (giới tính, ngày sinh, dân tộc, CCCD, địa chỉ, thành viên)"),
    )

    survey = _command(actions, "survey", tr("ghi phiếu rà soát của một hộ từ tệp"), _survey)
    survey.add_argument("code", metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
    round_option(survey)
    survey.add_argument(
        "--file",
        type=Path,
        required=True,
        metavar=tr("PHIẾU.json"),
        help=tr("bản ghi hộ dạng JSON (docs/household-record.md)"),
    )
    survey.add_argument(
        "--form",
        choices=("A", "B"),
        default="B",
        help=tr("mẫu phiếu: A (nhận diện nhanh) hoặc B (mặc định)"),
    )
    survey.add_argument(
        "--complete", action="store_true", help=tr("hoàn thành (mặc định: lưu nháp)")
    )
    survey.add_argument("--reviewer", metavar=tr("TÊN"), help=tr("rà soát viên"))
    survey.add_argument("--surveyed-on", metavar=tr("NGÀY"), help=tr("ngày rà soát"))

    meeting = _command(
        actions, "meeting", tr("ghi cuộc họp dân của một thôn và biểu quyết"), _meeting
    )
    round_option(meeting)
    meeting.add_argument(
        "--village",
        required=True,
        metavar=tr("THÔN"),
        help=tr("thôn, tổ dân phố họp (tên hoặc mã)"),
    )
    meeting.add_argument(
        "--date", required=True, metavar=tr("NGÀY"), help=tr("ngày họp (YYYY-MM-DD)")
    )
    meeting.add_argument(
        "--attendees", type=int, required=True, metavar="N", help=tr("số người dự")
    )
    meeting.add_argument("--vote", action="append", required=True, metavar=tr("MÃ_HỘ=ĐỒNG_Ý[/BQ]"),
                         help=tr("số đồng ý (và số biểu quyết nếu khác số người dự)"))  # fmt: skip
    meeting.add_argument("--place", metavar=tr("NƠI"), help=tr("nơi họp"))
    meeting.add_argument("--chair", metavar=tr("TÊN"), help=tr("chủ trì"))
    meeting.add_argument("--secretary", metavar=tr("TÊN"), help=tr("thư ký"))
    meeting.add_argument(
        "--represented", type=int, metavar="N", help=tr("số hộ có đại diện dự họp")
    )
    meeting.add_argument("--group", action="append", default=[], metavar=tr("THÀNH_PHẦN=SỐ"),
                         help=tr("số người của một thành phần tham dự (steering_committee, "
"party_and_organisations, fatherland_front, household_representatives, "
"reviewers); có thì phải cộng đúng --attendees"))  # fmt: skip

    posting = _command(actions, "post", tr("niêm yết công khai kết quả"), _post)
    round_option(posting)
    posting.add_argument(
        "--start", required=True, metavar=tr("NGÀY"), help=tr("ngày bắt đầu niêm yết (YYYY-MM-DD)")
    )
    posting.add_argument("--places", metavar=tr("NƠI"), help=tr("nơi niêm yết"))

    complaint = _command(
        actions, "complaint", tr("ghi khiếu nại trong thời gian niêm yết"), _complaint
    )
    complaint.add_argument("code", metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
    round_option(complaint)
    complaint.add_argument(
        "--date", required=True, metavar=tr("NGÀY"), help=tr("ngày nhận khiếu nại (YYYY-MM-DD)")
    )
    complaint.add_argument(
        "--content", required=True, metavar=tr("NỘI_DUNG"), help=tr("nội dung khiếu nại")
    )
    complaint.add_argument("--by", metavar=tr("TÊN"), help=tr("người khiếu nại"))

    recheck = _command(actions, "recheck", tr("ghi kết quả phúc tra một khiếu nại"), _recheck)
    recheck.add_argument(
        "complaint",
        type=int,
        metavar=tr("SỐ_KHIẾU_NẠI"),
        help=tr("số khiếu nại (khi ghi khiếu nại)"),
    )
    recheck.add_argument(
        "--date", required=True, metavar=tr("NGÀY"), help=tr("ngày phúc tra (YYYY-MM-DD)")
    )
    recheck.add_argument(
        "--result", required=True, metavar=tr("KẾT_QUẢ"), help=tr("kết quả phúc tra")
    )
    recheck.add_argument(
        "--class",
        dest="class_code",
        required=True,
        help=tr("phân loại sau phúc tra"),
        choices=("poor", "near_poor", "average", "not_poor"),
    )

    opinion = _command(
        actions, "opinion", tr("ghi ý kiến của cấp trên về kết quả (không bắt buộc)"), _opinion
    )
    round_option(opinion)
    opinion.add_argument(
        "--by", required=True, metavar=tr("CƠ_QUAN"), help=tr("cơ quan cho ý kiến")
    )
    opinion.add_argument("--number", metavar=tr("SỐ"), help=tr("số văn bản"))
    opinion.add_argument(
        "--date", required=True, metavar=tr("NGÀY"), help=tr("ngày văn bản (YYYY-MM-DD)")
    )
    opinion.add_argument(
        "--content", default="", metavar=tr("NỘI_DUNG"), help=tr("nội dung ý kiến")
    )

    recognising = _command(
        actions,
        "recognise",
        tr("quyết định công nhận: ghi tình trạng năm, khóa đợt (lãnh đạo phê duyệt)"),
        _recognise,
    )
    round_option(recognising)
    recognising.add_argument("--number", required=True, metavar=tr("SỐ"), help=tr("số quyết định"))
    recognising.add_argument(
        "--date", required=True, metavar=tr("NGÀY"), help=tr("ngày quyết định")
    )
    recognising.add_argument(
        "--user", required=True, metavar=tr("TÊN"), help=tr("lãnh đạo phê duyệt")
    )

    correcting = _command(actions, "correct", tr("điều chỉnh tình trạng sau công nhận"), _correct)
    correcting.add_argument("code", metavar=tr("MÃ_HỘ"), help=tr("mã hộ"))
    round_option(correcting)
    correcting.add_argument("--status", required=True, help=tr("tình trạng mới"),
                            choices=("poor", "near_poor", "average", "not_poor"))  # fmt: skip
    correcting.add_argument(
        "--reason", required=True, metavar=tr("LÝ_DO"), help=tr("lý do điều chỉnh")
    )
    correcting.add_argument(
        "--number", required=True, metavar=tr("SỐ"), help=tr("số quyết định điều chỉnh")
    )
    correcting.add_argument(
        "--date", required=True, metavar=tr("NGÀY"), help=tr("ngày quyết định (YYYY-MM-DD)")
    )
    correcting.add_argument(
        "--user", required=True, metavar=tr("TÊN"), help=tr("lãnh đạo phê duyệt")
    )
    add_file_commands(actions)


# --- helpers ------------------------------------------------------------------------------------


def _labels() -> tuple[dict, dict]:
    from gnapp.core.classify import CLASS_LABELS
    from gnapp.core.movements import MOVEMENT_LABELS

    return CLASS_LABELS, MOVEMENT_LABELS


# --- commands -----------------------------------------------------------------------------------


def _rounds(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import rounds

    found = rounds(cdb.db)
    if not found:
        print(tr("Chưa có đợt rà soát nào."))
    for item in found:
        state = (
            tr("đã công nhận, QĐ số {number}", number=item.decision_number)
            if item.locked
            else tr("đang thực hiện")
        )
        print(
            f"{item.id}\t{item.title_in(tr)}\t"
            + tr("chuẩn {standard}", standard=item.standard_id)
            + "\t"
            + tr("ngày tham chiếu {date}", date=f"{item.reference_date:%d/%m/%Y}")
            + f"\t{state}"
        )
    return 0


def _open(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.core.standards import round_standard
    from gnapp.review.workflow import get_round, open_round

    kind = "regular" if args.month else "periodic"
    if args.standard is None:
        print(round_standard(kind, args.year, args.month).reason)
    round_id = open_round(
        cdb,
        args.year,
        kind,
        standard_id=args.standard,
        reference_date=args.reference_date,
        month=args.month,
        team=args.team,
    )
    opened = get_round(cdb.db, round_id)
    print(
        tr(
            "Đã mở đợt {round_id}: {title}, chuẩn {standard}, ngày tham chiếu "
            "{reference_date:%d/%m/%Y}.",
            round_id=round_id,
            title=opened.title_in(tr),
            standard=tr(opened.standard.name),
            reference_date=opened.reference_date,
        )
    )
    return 0


def _build(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import build_list

    added = build_list(cdb, args.round)
    print(tr("Đã đưa {added} hộ vào danh sách rà soát.", added=added))
    return 0


def _state_document(state: Any) -> dict[str, Any]:
    return {
        "code": state.code,
        "head": state.head_name,
        "village": state.village_name,
        "members": state.member_count,
        "source": state.source,
        "previous_status": state.previous_status,
        "questionnaire": state.questionnaire,
        "result": state.result,
        "movement": state.movement,
        "vote": state.vote,
        "posted": state.posted,
        "open_complaints": state.open_complaints,
        "recognised": state.recognised,
    }


SOURCE_LABELS = {
    "listed": tr_noop("đang trong danh sách"),
    "applied": tr_noop("có đơn"),
    "added": tr_noop("bổ sung"),
}
QUESTIONNAIRE_LABELS = {
    None: tr_noop("chưa rà soát"),
    "draft": tr_noop("phiếu nháp"),
    "complete": tr_noop("hoàn thành"),
}
VOTE_LABELS = {None: "", "agreed": tr_noop("thống nhất"), "returned": tr_noop("rà soát lại")}
LIST_HEADERS = (
    tr_noop("Mã hộ"),
    tr_noop("Chủ hộ"),
    tr_noop("Thôn/Tổ dân phố"),
    tr_noop("Năm trước"),
    tr_noop("Nguồn"),
    tr_noop("Phiếu"),
    tr_noop("Kết quả"),
    tr_noop("Biến động"),
    tr_noop("Họp dân"),
    tr_noop("Khiếu nại"),
)


def _list(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.progress import household_states

    states = household_states(cdb.db, args.round)
    if args.village:
        wanted = lookup_village(cdb.db, args.village)
        states = [state for state in states if state.village_id == wanted]
    if args.json:
        print_json([_state_document(s) for s in states])
        return 0
    classes, movements = _labels()
    print_table([
        tuple(map(tr, LIST_HEADERS)),
        *((
            s.code, s.head_name, s.village_name,
            tr(classes[s.previous_status]) if s.previous_status else "",
            tr(SOURCE_LABELS[s.source]), tr(QUESTIONNAIRE_LABELS[s.questionnaire]),
            tr(classes[s.result]) if s.result else "",
            tr(movements[s.movement]) if s.movement in movements else "",
            tr(VOTE_LABELS[s.vote]), s.open_complaints or "",
        ) for s in states),
    ])  # fmt: skip
    print(tr("{count} hộ trong danh sách.", count=len(states)))
    return 0


def _add(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import add_to_list

    add_to_list(cdb, args.round, lookup_household(cdb.db, args.code), args.reason)
    print(tr("Đã đưa hộ {code} vào danh sách rà soát.", code=args.code))
    return 0


def _remove(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import remove_from_list

    remove_from_list(cdb, args.round, lookup_household(cdb.db, args.code), args.reason)
    print(tr("Đã đưa hộ {code} ra khỏi danh sách rà soát.", code=args.code))
    return 0


def _apply(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import add_application

    applicant = read_json(args.file) if args.file else {}
    if not isinstance(applicant, dict):
        raise CliError(tr("Tệp {file}: cần một đối tượng JSON các mục của đơn", file=args.file))
    applicant["full_name"] = args.name
    add_application(
        cdb,
        args.round,
        lookup_household(cdb.db, args.code),
        kind=args.kind,
        received_on=args.received_on,
        applicant=applicant,
        reason=args.reason,
        channel=args.channel,
    )
    print(tr("Đã ghi giấy đề nghị của hộ {code}; hộ có trong danh sách rà soát.", code=args.code))
    return 0


def _survey(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.core.classify import explain
    from gnapp.review.workflow import match_members, save_survey

    record = read_json(args.file)
    members = record.get("members", []) if isinstance(record, dict) else None
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise CliError(
            tr("Tệp {file}: cần một bản ghi hộ (docs/household-record.md)", file=args.file)
        )
    household_id = lookup_household(cdb.db, args.code)
    record["household_code"] = args.code
    member_ids = match_members(cdb.db, household_id, record.get("members", []))
    result = save_survey(
        cdb,
        args.round,
        household_id,
        record,
        member_ids,
        form=args.form,
        complete=args.complete,
        reviewer=args.reviewer,
        surveyed_on=args.surveyed_on,
    )
    if result is not None:
        print(explain(result))
    print(tr("Đã lưu phiếu {form} của hộ {code}", form=args.form, code=args.code)
          + (tr(" (hoàn thành).") if args.complete else tr(" (nháp).")))  # fmt: skip
    return 0


def _progress(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.progress import BOARD_COLUMNS, FOLLOW_UP, board, follow_up, steps

    rows, lists = board(cdb.db, args.round), follow_up(cdb.db, args.round)
    stages = steps(cdb.db, args.round, date.today())
    if args.json:
        document = {
            "steps": [{"id": s.step.id, "name": s.name, "done": s.done, "deadline": s.deadline,
                       "overdue": s.overdue, "current": s.current} for s in stages],
            "villages": [{"village": r.village_name, **r.counts} for r in rows],
            "follow_up": {key: [s.code for s in found] for key, found in lists.items()},
        }  # fmt: skip
        print_json(document)
        return 0
    for stage in stages:
        mark = "✓" if stage.done else ("→" if stage.current else " ")
        deadline = ""
        if stage.deadline:
            day = f"{date.fromisoformat(stage.deadline):%d/%m/%Y}"
            deadline = " " + (
                tr("(hạn {date}, quá hạn)", date=day)
                if stage.overdue
                else tr("(hạn {date})", date=day)
            )
        print(f"{mark} {tr(stage.name)}{deadline}")
    print()
    print_table([
        (tr("Thôn/Tổ dân phố"), *(tr(label) for _, label in BOARD_COLUMNS)),
        *((row.village_name if row.village_id is not None else tr(row.village_name),
           *(row.counts[key] for key, _ in BOARD_COLUMNS)) for row in rows),
    ])  # fmt: skip
    for key, label in FOLLOW_UP:
        if lists[key]:
            codes = ", ".join(s.code for s in lists[key])
            print(
                "\n"
                + tr(
                    "{label} ({count} hộ): {codes}",
                    label=tr(label),
                    count=len(lists[key]),
                    codes=codes,
                )
            )
    return 0


def _vote(text: str) -> tuple[str, int | tuple[int, int]]:
    code, _, numbers = text.partition("=")
    try:
        agreed, _, voting = numbers.partition("/")
        return code.strip(), (int(agreed), int(voting)) if voting else int(agreed)
    except ValueError:
        raise CliError(
            tr("--vote “{text}”: cần MÃ_HỘ=SỐ_ĐỒNG_Ý hoặc MÃ_HỘ=ĐỒNG_Ý/BIỂU_QUYẾT", text=text)
        ) from None


def _groups(texts: list[str]) -> dict[str, int]:
    """ "household_representatives=30" options as the meeting's attendee groups."""
    groups = {}
    for text in texts:
        key, _, count = text.partition("=")
        if not count.strip().isdecimal():
            raise CliError(
                tr("--group {text}: cần dạng THÀNH_PHẦN=SỐ, ví dụ reviewers=3.", text=text)
            )
        groups[key.strip()] = int(count)
    return groups


def _meeting(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import record_meeting
    from gnapp.store.review import meeting_votes

    votes = {}
    for text in args.vote:
        code, vote = _vote(text)
        votes[lookup_household(cdb.db, code)] = vote
    meeting_id = record_meeting(
        cdb,
        args.round,
        lookup_village(cdb.db, args.village),
        held_on=args.date,
        attendee_count=args.attendees,
        votes=votes,
        place=args.place,
        chair=args.chair,
        secretary=args.secretary,
        attendees=_groups(args.group) if args.group else None,
        represented_households=args.represented,
    )
    print_table(
        (
            vote["code"],
            tr("{agreed}/{attendees} đồng ý", agreed=vote["agreed"], attendees=vote["attendees"]),
            VOTE_LABELS[vote["outcome"]],
        )
        for vote in meeting_votes(cdb.db, meeting_id)
    )
    print(tr("Đã ghi cuộc họp {meeting_id}.", meeting_id=meeting_id))
    return 0


def _post(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import open_posting

    start, end = open_posting(cdb, args.round, args.start, places=args.places)
    print(
        tr(
            "Niêm yết từ {start:%d/%m/%Y} đến hết {end:%d/%m/%Y}.",
            start=date.fromisoformat(start),
            end=date.fromisoformat(end),
        )
    )
    return 0


def _complaint(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import add_complaint

    complaint_id = add_complaint(
        cdb,
        args.round,
        lookup_household(cdb.db, args.code),
        received_on=args.date,
        content=args.content,
        complainant=args.by,
    )
    print(
        tr(
            "Đã ghi khiếu nại số {complaint_id} về hộ {code}: cần phúc tra.",
            complaint_id=complaint_id,
            code=args.code,
        )
    )
    return 0


def _recheck(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import record_recheck

    record_recheck(
        cdb, args.complaint, recheck_on=args.date, result=args.result, recheck_class=args.class_code
    )
    print(tr("Đã ghi kết quả phúc tra khiếu nại số {complaint}.", complaint=args.complaint))
    return 0


def _opinion(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import record_opinion

    record_opinion(cdb, args.round, by=args.by, number=args.number, given_on=args.date,
                   content=args.content)  # fmt: skip
    print(tr("Đã ghi ý kiến của {by}.", by=args.by))
    return 0


def _recognise(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import recognise

    approver = sign_in_user(cdb, args.user)
    written = recognise(cdb, args.round, args.number, args.date, approver=approver)
    print(tr(("Đã công nhận theo Quyết định số {number}: ghi tình trạng của "
"{written} hộ; đợt rà soát đã khóa."), number=args.number, written=written))  # fmt: skip
    return 0


def _correct(cdb: Any, args: argparse.Namespace) -> int:
    from gnapp.review.workflow import correct

    correct(
        cdb,
        args.round,
        lookup_household(cdb.db, args.code),
        args.status,
        reason=args.reason,
        decision_number=args.number,
        decision_date=args.date,
        approver=sign_in_user(cdb, args.user),
    )
    print(
        tr(
            "Đã điều chỉnh tình trạng của hộ {code} theo Quyết định số {number}.",
            code=args.code,
            number=args.number,
        )
    )
    return 0
