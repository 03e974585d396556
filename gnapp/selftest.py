"""``gnapp --self-test``: run the demo commune through the main functions, without a screen.

In a temporary folder: a fresh copy of the demo commune, its integrity, the classification of
the latest review, the annual report (PDF with the Vietnamese font, and Excel), a signing key,
a package signed by the demo's approver and its verification. The command line adds one step
that opens the main window on Qt's offscreen platform, so this module stays Qt-free.

It matters most in the frozen build (``build_installer.py --self-test``): there it proves that
the bundle carries what the app reads at run time. One Vietnamese line per step; the first
failure stops the run and is named.
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
from gnapp.store.database import CommuneDatabase
from gnapp.store.users import User

# Letters a Vietnamese document needs that fonts without Vietnamese lack.
VIETNAMESE_LETTERS = "ĂÂĐÊÔƠƯăâđêôơưẮẰẲẴẶắằẳẵặỆệỮữỹ₫"
APPROVER = "lanhdao"


class SelfTestError(Exception):
    """A step's failure, said in one Vietnamese line."""


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
            raise SelfTestError("xã mẫu chưa được mở")
        return self.cdb


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[SelfTest], str]  # returns a short detail for the step's line


def _demo_copy(context: SelfTest) -> str:
    from gnapp.demo import BUNDLED_DEMO, BUNDLED_DEMO_XZ, fresh_demo_copy

    bundled = resource_file("demo", BUNDLED_DEMO_XZ).is_file()
    if getattr(sys, "frozen", False) and not bundled:
        raise SelfTestError(f"bản cài đặt thiếu xã mẫu (resources/demo/{BUNDLED_DEMO_XZ})")
    context.database = fresh_demo_copy(context.folder / BUNDLED_DEMO)
    source = "bản kèm theo bộ cài" if bundled else "từ bộ sinh dữ liệu mẫu"
    megabytes = context.database.stat().st_size / 1_000_000
    return f"{source}, {format_decimal(megabytes, 1)} MB"


def _open_demo(context: SelfTest) -> str:
    from gnapp.store.backups import check_integrity
    from gnapp.store.database import open_database
    from gnapp.store.figures import commune_counts

    assert context.database is not None
    report = check_integrity(context.database, quick=False)
    if not report.sound:
        raise SelfTestError("dữ liệu không toàn vẹn: " + "; ".join(report.problems[:3]))
    context.cdb = open_database(context.database)
    households = commune_counts(context.cdb.db).households
    if households == 0:
        raise SelfTestError("xã mẫu không có hộ nào")
    return f"lược đồ v{report.version}, {format_number(households)} hộ"


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
        raise SelfTestError("xã mẫu không có đợt rà soát nào")
    review = max(every_round, key=lambda found: (found.reference_date, found.id))
    standard = standard_for_year(review.year)
    classified = differing = 0
    for answers, class_code in complete_survey_answers(db, review.id):
        result = classify(answers, standard, review.reference_date)
        classified += 1
        differing += result.class_code != class_code
    if classified == 0:
        raise SelfTestError(f"đợt rà soát năm {review.year} không có phiếu B nào")
    if differing:
        raise SelfTestError(
            f"{format_number(differing)}/{format_number(classified)} hộ phân loại khác kết quả "
            "đợt rà soát đã ghi"
        )
    context.review_year = review.year
    return (
        f"{format_number(classified)} hộ năm {review.year} theo chuẩn {standard.id}, "
        "khớp kết quả đã ghi"
    )


def _font(_: SelfTest) -> str:
    from reportlab.pdfbase import pdfmetrics

    from gnapp.reporting.pdf import FONT_FILES, register_fonts

    missing = [name for name in FONT_FILES.values() if not resource_file("fonts", name).is_file()]
    if missing:
        raise SelfTestError("thiếu tệp phông chữ " + ", ".join(missing))
    register_fonts()
    for name in FONT_FILES:
        glyphs = pdfmetrics.getFont(name).face.charToGlyph
        lacking = [letter for letter in VIETNAMESE_LETTERS if ord(letter) not in glyphs]
        if lacking:
            raise SelfTestError(f"phông {name} thiếu chữ {''.join(lacking)}")
    return f"{len(FONT_FILES)} kiểu chữ Liberation Serif, đủ chữ tiếng Việt"


def _report(context: SelfTest) -> str:
    from gnapp.reporting.builder import default_header, header_choices, write_report_files
    from gnapp.store.reports import finalise, save_report

    cdb = context.open_db()
    if context.review_year is None:
        raise SelfTestError("chưa biết năm của đợt rà soát")
    header = default_header(cdb.db, date.today())
    built = write_report_files(
        cdb.db, "annual", str(context.review_year), {}, [], header, context.folder
    )
    pdf = built.pdf.read_bytes()
    if not pdf.startswith(b"%PDF") or b"LiberationSerif" not in pdf:
        raise SelfTestError(f"tệp {built.pdf.name} không phải PDF có phông chữ tiếng Việt")
    with zipfile.ZipFile(built.xlsx) as workbook:
        if "xl/workbook.xml" not in workbook.namelist():
            raise SelfTestError(f"tệp {built.xlsx.name} không phải bảng tính Excel")
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
    return f"{built.pdf.name} ({size} kB), {built.xlsx.name}; bản chính thức số {context.report_id}"


def _package(context: SelfTest) -> str:
    from gnapp.demo import DEMO_PASSWORD
    from gnapp.packages.build import build_package
    from gnapp.packages.commune import create_signing_key
    from gnapp.packages.verify import verify_package
    from gnapp.store.reports import load_report
    from gnapp.store.users import sign_in

    cdb = context.open_db()
    if context.report_id is None:
        raise SelfTestError("chưa có báo cáo để đóng gói")
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
            "gói không qua kiểm tra: " + (failure.line() if failure else "chưa kiểm tra hết")
        )
    return (
        f"{built.path.name}, ký bởi {context.approver.full_name}; "
        f"đạt {len(verification.checks)} bước kiểm tra"
    )


CORE_STEPS = (
    Step("Tạo bản sao xã mẫu", _demo_copy),
    Step("Mở xã mẫu, kiểm tra toàn vẹn", _open_demo),
    Step("Phân loại hộ của đợt rà soát gần nhất", _classify),
    Step("Phông chữ tiếng Việt", _font),
    Step("Lập báo cáo năm (PDF, Excel)", _report),
    Step("Tạo khóa ký, lập và kiểm tra gói báo cáo có chữ ký", _package),
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
                begun = time.perf_counter()
                try:
                    detail = step.run(context)
                except Exception as error:  # any failure, expected or not, fails this step
                    reason = (
                        str(error)
                        if isinstance(error, SelfTestError)
                        else f"{type(error).__name__}: {error}"
                    )
                    out(f"✗ {step.name}: {reason}")
                    out(f"Tự kiểm tra KHÔNG ĐẠT ở bước “{step.name}”.")
                    return 1
                out(f"✓ {step.name} — {detail} … {_seconds(time.perf_counter() - begun)}")
        finally:
            if context.cdb is not None:
                context.cdb.close()
    out(f"Tự kiểm tra ĐẠT: {len(steps)} bước, {_seconds(time.perf_counter() - started)}.")
    return 0
