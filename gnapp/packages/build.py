"""Building a signed report package from a saved report (docs/package-format.md).

The package holds the report as the clerk saved it: its PDF and XLSX written again from the
saved figures, narrative and header, the figures as data, and on request the household lists.
The files are encrypted to the receiving office whenever the household lists are in (and by
default whenever the office's key is known), the manifest is signed with the commune's key,
and the package takes the next place in the commune's chain. The report version sent becomes
final (read-only).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gnapp import __version__
from gnapp.core.official import full_number
from gnapp.i18n import tr
from gnapp.packages.archive import read_archive, write_archive
from gnapp.packages.canonical import FormatError
from gnapp.packages.commune import (
    chain_head,
    commune_row,
    office_key,
    require_signing_key,
    unlock_signing_key,
)
from gnapp.packages.data import data_bytes, household_data, report_data
from gnapp.packages.encryption import encrypt_files
from gnapp.packages.manifest import (
    FIGURES,
    HOUSEHOLDS,
    MANIFEST,
    REPORT_PDF,
    REPORT_XLSX,
    SIGNATURE,
    SUFFIX,
    FileEntry,
    LogChain,
    Manifest,
    read_manifest,
    signing_input,
)
from gnapp.packages.signer import check_signer
from gnapp.paths import remove_stale_files
from gnapp.progress import Progress
from gnapp.reporting.builder import SYMBOL, default_header, report_file_stem, write_report_files
from gnapp.reporting.figures import ReportFigures, parse_period, report_kind, require_consistent
from gnapp.store import changelog
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import storage_problem
from gnapp.store.lists import list_villages
from gnapp.store.reports import SavedReport, finalise, list_reports, load_report
from gnapp.store.sent_packages import add_sent_package, last_sent_log_length
from gnapp.store.users import User


class PackageError(ValueError):
    """A package that cannot be built as asked (Vietnamese message)."""


@dataclass(frozen=True)
class BuiltPackage:
    path: Path
    manifest: Manifest
    size: int

    @property
    def hash(self) -> str:
        return self.manifest.package_hash


def choose_report(
    cdb: CommuneDatabase,
    report_id: int | None = None,
    kind: str | None = None,
    period: str | None = None,
) -> SavedReport:
    """The saved report to send: by id, or the latest version of a kind and period."""
    if report_id is not None:
        return load_report(cdb.db, report_id)
    if kind is None or period is None:
        raise PackageError(tr("Hãy chọn báo cáo đã lưu (số báo cáo) hoặc loại và kỳ báo cáo."))
    code = parse_period(period).code
    versions = [r for r in list_reports(cdb.db, kind) if r.period == code]
    if not versions:
        raise PackageError(
            tr(
                "Chưa lưu {report} kỳ {period}: hãy lập báo cáo trước.",
                report=tr(report_kind(kind).name).lower(),
                period=code,
            )
        )
    return versions[0]


def package_file_name(manifest: Manifest) -> str:
    """ "21555-bao-cao-nam-2025-so0003.gnpkg": commune code, report (its kind's name without
    diacritics), period, sequence number. The receiving office finds packages by their
    suffix, so packages named the earlier way ("21555-annual-2025-…") are read alike."""
    stem = report_file_stem(manifest.report_kind, manifest.period)
    return f"{manifest.commune_code}-{stem}-so{manifest.sequence:04d}{SUFFIX}"


def _entry(name: str, content: bytes, stored: bytes | None) -> FileEntry:
    entry = FileEntry(name, len(content), hashlib.sha256(content).hexdigest())
    if stored is None:
        return entry
    return FileEntry(
        entry.name, entry.size, entry.sha256, len(stored), hashlib.sha256(stored).hexdigest()
    )


def _report_files(
    cdb: CommuneDatabase, report: SavedReport, figures: ReportFigures
) -> dict[str, bytes]:
    header = default_header(
        cdb.db, report.document_date or parse_period(report.period).end_date, report.number
    )
    with tempfile.TemporaryDirectory(prefix="gnapp-goi-") as folder:
        built = write_report_files(
            cdb.db,
            report.kind,
            report.period,
            report.narrative,
            report.awards,
            header,
            folder,
            figures=figures,
        )
        return {REPORT_PDF: built.pdf.read_bytes(), REPORT_XLSX: built.xlsx.read_bytes()}


WRITING = ".dang-ghi"  # a package being written: ".<name>.dang-ghi", renamed when whole
STALE_WRITING = 10 * 60  # seconds after which such a file is left over from a crash


def _writing(path: Path) -> Path:
    return path.with_name(f".{path.name}{WRITING}")


def remove_stale_writes(folder: Path, *, older_than: float = STALE_WRITING) -> list[Path]:
    """Remove the packages a crash (or a kill) left half written in ``folder``; return them."""
    return remove_stale_files(folder, [f".*{SUFFIX}{WRITING}"], older_than=older_than)


def _write_new(path: Path, content: bytes) -> None:
    """Write ``content`` to a new file, never over an existing one: aside first, then renamed,
    so a failed write, a full disk or a kill never leaves a half package under its name."""
    if path.exists():
        raise FileExistsError(path)
    aside = _writing(path)
    try:
        with open(aside, "xb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            raise FileExistsError(path)
        os.replace(aside, path)
    finally:
        aside.unlink(missing_ok=True)


@contextmanager
def _writing_to(what: str) -> Iterator[None]:
    """A full disk or a read-only folder while writing ``what``: a PackageError saying so."""
    try:
        yield
    except OSError as error:
        problem = storage_problem(error, what)
        if problem is None:
            raise
        raise PackageError(str(problem)) from error


def log_chain(cdb: CommuneDatabase) -> LogChain:
    """What the next package says of the change log: its length and head now, and its hash at
    the length the last package carried, so the office can tell whether the log still extends
    what it received (docs/change-log.md)."""
    head = changelog.chain_head(cdb.db.conn)
    previous_length = last_sent_log_length(cdb.db)
    previous_head = (
        None if previous_length is None else changelog.hash_at(cdb.db.conn, previous_length)
    )
    return LogChain(head.length, head.head, previous_length, previous_head)


def build_package(
    cdb: CommuneDatabase,
    report: SavedReport,
    *,
    signer: User,
    passphrase: str,
    folder: str | Path,
    with_households: bool = False,
    encrypt: bool | None = None,
    progress: Progress | None = None,
) -> BuiltPackage:
    """Build, sign and save the package of ``report`` into ``folder``; record it in the chain
    and make the report version final. ``encrypt`` None: encrypt when there are household
    lists or the office's key is known. Refused unless the signed-in ``signer`` has the
    approving role."""
    signed_by = check_signer(signer)
    folder = Path(folder)
    if not folder.is_dir():
        raise PackageError(tr("Không có thư mục {folder}", folder=folder))
    remove_stale_writes(folder)
    office = office_key(cdb.db)
    if encrypt is None:
        encrypt = with_households or office is not None
    if with_households and not encrypt:
        raise PackageError(
            tr("Gói có danh sách hộ (dữ liệu cá nhân) phải được mã hóa cho cơ quan nhận.")
        )
    if encrypt and office is None:
        raise PackageError(
            tr(
                "Chưa có khóa mã hóa của cơ quan nhận báo cáo: hãy nhập tệp khóa công khai của "
                "cơ quan nhận (gnapp key office FILE) và đối chiếu dấu vân tay qua điện thoại."
            )
        )
    steps = 4
    if progress is not None:
        progress(0, steps, tr("Đang mở khóa ký…"))
    key = require_signing_key(cdb.db)
    private = unlock_signing_key(cdb.db, passphrase)
    commune = commune_row(cdb.db)
    figures = ReportFigures.from_dict(report.figures)
    require_consistent(figures)

    if progress is not None:
        progress(1, steps, tr("Đang ghi báo cáo (PDF, Excel)…"))
    with _writing_to(tr("các tệp báo cáo (PDF, Excel) của gói")):
        files = _report_files(cdb, report, figures)
    codes = {v.id: v.code for v in list_villages(cdb.db)}
    files[FIGURES] = data_bytes(report_data(figures, commune, codes))
    if with_households:
        files[HOUSEHOLDS] = data_bytes(household_data(cdb.db, figures, commune))

    if progress is not None:
        progress(2, steps, tr("Đang mã hóa và ký…"))
    stored: dict[str, bytes] = dict(files)
    encryption = None
    if encrypt:
        assert office is not None
        stored, encryption = encrypt_files(files, office)
    sequence, previous = chain_head(cdb.db)
    log = log_chain(cdb)
    manifest = Manifest(
        app_version=__version__,
        created_at=cdb.now(),
        commune_code=commune["code"],
        commune_name=commune["name"],
        province=commune["province"],
        report_kind=report.kind,
        report_name=report_kind(report.kind).name,
        period=report.period,
        report_version=report.version,
        document_number=full_number(report.number, SYMBOL),
        document_date=report.document_date.isoformat() if report.document_date else None,
        sequence=sequence,
        previous_package=previous,
        signer_name=signed_by.name,
        signer_role=signed_by.role,
        signing_key=key.public.fingerprint,
        households=with_households,
        files=tuple(
            _entry(name, content, stored[name] if encrypt else None)
            for name, content in files.items()
        ),
        encryption=encryption,
        change_log=log,
    )
    manifest_bytes = manifest.to_bytes()
    signature = private.sign(signing_input(manifest_bytes))
    archive = write_archive(
        [
            (MANIFEST, manifest_bytes, True),
            (SIGNATURE, signature, False),
            *((name, stored[name], not encrypt) for name in files),
        ]
    )

    if progress is not None:
        progress(3, steps, tr("Đang lưu gói…"))
    path = folder / package_file_name(manifest)
    try:
        with _writing_to(tr("gói {name} vào thư mục {folder}", name=path.name, folder=folder)):
            _write_new(path, archive)
    except FileExistsError:
        raise PackageError(tr("Tệp đã tồn tại, không ghi đè: {path}", path=path)) from None
    try:
        with cdb.transaction() as db:
            add_sent_package(
                cdb,
                {
                    "sequence": sequence,
                    "hash": manifest.package_hash,
                    "previous_hash": previous,
                    "report_id": report.id,
                    "kind": report.kind,
                    "period": report.period,
                    "file_name": path.name,
                    "size": len(archive),
                    "signer_name": signed_by.name,
                    "signer_role": signed_by.role,
                    "key_fingerprint": key.public.fingerprint,
                    "encrypted": int(encrypt),
                    "households": int(with_households),
                    "created_at": manifest.created_at,
                    "log_length": log.length,
                    "log_head": log.head,
                },
            )
            if not load_report(db, report.id).final:  # ``report`` may predate a package
                finalise(cdb, report.id)
    except BaseException:
        path.unlink()
        raise
    # No progress report after the commit: a cancel raised there would hide a kept package.
    return BuiltPackage(path, manifest, len(archive))


def sent_manifest(data: bytes, package_hash: str) -> Manifest:
    """The manifest of a package the commune built, read back from its file (``data``);
    PackageError unless the file is that package."""
    try:
        manifest = read_manifest(read_archive(data).members[MANIFEST])
    except (FormatError, KeyError):
        raise PackageError(tr("Tệp này không phải gói báo cáo GNApp đọc được.")) from None
    if manifest.package_hash != package_hash:
        raise PackageError(tr("Tệp này không phải gói đã chọn (mã gói khác)."))
    return manifest
