"""``gnapp --self-test``: run the demo commune through the main functions, without a screen.

In a temporary folder: a fresh copy of the demo commune, its integrity, the classification of
the latest review, the annual report (PDF with the Vietnamese font, and Excel), a signing key,
a package signed by the demo's approver and its verification. The command line adds one step
that opens the main window on Qt's offscreen platform, so this module stays Qt-free.

It matters most in the frozen build (``build_installer.py --self-test``): there it proves that
the bundle carries what the app reads at run time. One line per step, in the interface's
language; the first failure stops the run and is named.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gnapp.core.vietnamese import format_decimal, format_number
from gnapp.data import resource_file
from gnapp.i18n import tr, tr_noop
from gnapp.store.database import CommuneDatabase
from gnapp.store.users import User

# Letters a Vietnamese document needs that fonts without Vietnamese lack.
VIETNAMESE_LETTERS = "ĂÂĐÊÔƠƯăâđêôơưẮẰẲẴẶắằẳẵặỆệỮữỹ₫"
APPROVER = "lanhdao"


class SelfTestError(Exception):
    """A step's failure, said in one line."""


@dataclass
class SelfTest:
    """What the steps hand on to one another."""

    folder: Path
    database: Path | None = None
    cdb: CommuneDatabase | None = None
    review_year: int | None = None
    report_id: int | None = None
    approver: User | None = None

    def open_db(self) -> CommuneDatabase:
        if self.cdb is None:
            raise SelfTestError(tr("xã mẫu chưa được mở"))
        return self.cdb


@dataclass(frozen=True)
class Step:
    name: str  # marked with tr_noop, shown through tr
    run: Callable[[SelfTest], str]  # returns a short detail for the step's line


def _demo_copy(context: SelfTest) -> str:
    from gnapp.demo import BUNDLED_DEMO, BUNDLED_DEMO_XZ, fresh_demo_copy

    bundled = resource_file("demo", BUNDLED_DEMO_XZ).is_file()
    if getattr(sys, "frozen", False) and not bundled:
        raise SelfTestError(
            tr("bản cài đặt thiếu xã mẫu (resources/demo/{file})", file=BUNDLED_DEMO_XZ)
        )
    context.database = fresh_demo_copy(context.folder / BUNDLED_DEMO)
    megabytes = format_decimal(context.database.stat().st_size / 1_000_000, 1)
    if bundled:
        return tr("bản kèm theo bộ cài, {size} MB", size=megabytes)
    return tr("từ bộ sinh dữ liệu mẫu, {size} MB", size=megabytes)


def _open_demo(context: SelfTest) -> str:
    from gnapp.store.backups import check_integrity
    from gnapp.store.database import open_database
    from gnapp.store.figures import commune_counts

    assert context.database is not None
    report = check_integrity(context.database, quick=False)
    if not report.sound:
        raise SelfTestError(
            tr("dữ liệu không toàn vẹn: {problems}", problems="; ".join(report.problems[:3]))
        )
    context.cdb = open_database(context.database)
    households = commune_counts(context.cdb.db).households
    if households == 0:
        raise SelfTestError(tr("xã mẫu không có hộ nào"))
    return tr(
        "lược đồ v{version}, {households} hộ",
        version=report.version,
        households=format_number(households),
    )


def _classify(context: SelfTest) -> str:
    """Classify every household surveyed in the latest review with the standard in force that
    year, and compare with the class the review recorded."""
    from gnapp.core.classify import classify
    from gnapp.core.standards import standard_for_year
    from gnapp.review.workflow import rounds
    from gnapp.store.review import complete_survey_answers

    db = context.open_db().db
    every_round = rounds(db)
    if not every_round:
        raise SelfTestError(tr("xã mẫu không có đợt rà soát nào"))
    review = max(every_round, key=lambda found: (found.reference_date, found.id))
    standard = standard_for_year(review.year)
    classified = differing = 0
    for answers, class_code in complete_survey_answers(db, review.id):
        result = classify(answers, standard, review.reference_date)
        classified += 1
        differing += result.class_code != class_code
    if classified == 0:
        raise SelfTestError(tr("đợt rà soát năm {year} không có phiếu B nào", year=review.year))
    if differing:
        raise SelfTestError(
            tr(
                "{differing}/{classified} hộ phân loại khác kết quả đợt rà soát đã ghi",
                differing=format_number(differing),
                classified=format_number(classified),
            )
        )
    context.review_year = review.year
    return tr(
        "{count} hộ năm {year} theo chuẩn {standard}, khớp kết quả đã ghi",
        count=format_number(classified),
        year=review.year,
        standard=standard.id,
    )


def _font(_: SelfTest) -> str:
    from reportlab.pdfbase import pdfmetrics

    from gnapp.reporting.pdf import FONT_FILES, register_fonts

    missing = [name for name in FONT_FILES.values() if not resource_file("fonts", name).is_file()]
    if missing:
        raise SelfTestError(tr("thiếu tệp phông chữ {files}", files=", ".join(missing)))
    register_fonts()
    for name in FONT_FILES:
        glyphs = pdfmetrics.getFont(name).face.charToGlyph
        lacking = [letter for letter in VIETNAMESE_LETTERS if ord(letter) not in glyphs]
        if lacking:
            raise SelfTestError(
                tr("phông {font} thiếu chữ {letters}", font=name, letters="".join(lacking))
            )
    return tr("{count} kiểu chữ Liberation Serif, đủ chữ tiếng Việt", count=len(FONT_FILES))


def _report(context: SelfTest) -> str:
    from gnapp.reporting.builder import default_header, header_choices, write_report_files
    from gnapp.store.reports import finalise, save_report

    cdb = context.open_db()
    if context.review_year is None:
        raise SelfTestError(tr("chưa biết năm của đợt rà soát"))
    header = default_header(cdb.db, date.today())
    built = write_report_files(
        cdb.db, "annual", str(context.review_year), {}, [], header, context.folder
    )
    pdf = built.pdf.read_bytes()
    if not pdf.startswith(b"%PDF") or b"LiberationSerif" not in pdf:
        raise SelfTestError(
            tr("tệp {file} không phải PDF có phông chữ tiếng Việt", file=built.pdf.name)
        )
    with zipfile.ZipFile(built.xlsx) as workbook:
        if "xl/workbook.xml" not in workbook.namelist():
            raise SelfTestError(tr("tệp {file} không phải bảng tính Excel", file=built.xlsx.name))
    context.report_id = save_report(
        cdb,
        "annual",
        built.figures.period.code,
        built.figures.to_dict(),
        {},
        document_date=header.date,
        header=header_choices(header),
    )
    finalise(cdb, context.report_id)
    size = format_number(len(pdf) // 1000)
    return tr(
        "{pdf} ({size} kB), {xlsx}; bản chính thức số {report}",
        pdf=built.pdf.name,
        size=size,
        xlsx=built.xlsx.name,
        report=context.report_id,
    )


def _package(context: SelfTest) -> str:
    from gnapp.demo import DEMO_PASSWORD
    from gnapp.packages.build import build_package
    from gnapp.packages.commune import create_signing_key
    from gnapp.packages.verify import verify_package
    from gnapp.store.reports import load_report
    from gnapp.store.users import sign_in

    cdb = context.open_db()
    if context.report_id is None:
        raise SelfTestError(tr("chưa có báo cáo để đóng gói"))
    passphrase = secrets.token_urlsafe(16)
    key = create_signing_key(cdb, passphrase)
    context.approver = sign_in(cdb, APPROVER, DEMO_PASSWORD)
    folder = context.folder / "goi"
    folder.mkdir()
    built = build_package(
        cdb,
        load_report(cdb.db, context.report_id),
        signer=context.approver,
        passphrase=passphrase,
        folder=folder,
    )
    verification = verify_package(built.path.read_bytes(), key.public)
    if not verification.ok:
        failure = verification.failure
        raise SelfTestError(
            tr(
                "gói không qua kiểm tra: {failure}",
                failure=failure.line() if failure else tr("chưa kiểm tra hết"),
            )
        )
    return tr(
        "{file}, ký bởi {signer}; đạt {count} bước kiểm tra",
        file=built.path.name,
        signer=context.approver.full_name,
        count=len(verification.checks),
    )


CORE_STEPS = (
    Step(tr_noop("Tạo bản sao xã mẫu"), _demo_copy),
    Step(tr_noop("Mở xã mẫu, kiểm tra toàn vẹn"), _open_demo),
    Step(tr_noop("Phân loại hộ của đợt rà soát gần nhất"), _classify),
    Step(tr_noop("Phông chữ tiếng Việt"), _font),
    Step(tr_noop("Lập báo cáo năm (PDF, Excel)"), _report),
    Step(tr_noop("Tạo khóa ký, lập và kiểm tra gói báo cáo có chữ ký"), _package),
)


def _seconds(elapsed: float) -> str:
    return f"{elapsed:.1f}".replace(".", ",") + " s"


def run_self_test(steps: Sequence[Step], out: Callable[[str], None] = print) -> int:
    """Run ``steps`` in order in a temporary folder; 0 when all passed, else 1 after naming the
    step that failed."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gnapp-tu-kiem-tra-") as folder:
        context = SelfTest(Path(folder))
        try:
            for step in steps:
                name = tr(step.name)
                begun = time.perf_counter()
                try:
                    detail = step.run(context)
                except Exception as error:  # any failure, expected or not, fails this step
                    reason = (
                        str(error)
                        if isinstance(error, SelfTestError)
                        else f"{type(error).__name__}: {error}"
                    )
                    out(f"✗ {name}: {reason}")
                    out(tr("Tự kiểm tra KHÔNG ĐẠT ở bước “{step}”.", step=name))
                    return 1
                out(f"✓ {name} — {detail} … {_seconds(time.perf_counter() - begun)}")
        finally:
            if context.cdb is not None:
                context.cdb.close()
    out(
        tr(
            "Tự kiểm tra ĐẠT: {count} bước, {time}.",
            count=len(steps),
            time=_seconds(time.perf_counter() - started),
        )
    )
    return 0
