"""Receiving packages: every check of ``verify_package``, then the commune's chain; a package
is taken in whole (its manifest, signature and files, decrypted) or not at all.

The chain: a package already received is refused (replay), as is a second, different package
with a sequence number already received, or one whose "previous package" hash does not match
the package received with the number before it (or the one after it names another hash). A
gap in the numbers and a package arriving after a later one are taken in and flagged. A
package for a report and period already received is a correction when it is newer (its
differences against the one it replaces are shown); an older one arriving late is kept but
replaces nothing. The commune's change log (its length and head in the manifest) is compared
with what the nearest earlier package received carried: a log that got shorter or no longer
extends it is taken in and flagged (docs/change-log.md).
"""

from __future__ import annotations

import errno
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from gnapp.core.input_files import read_bytes
from gnapp.core.vietnamese import format_number, format_timestamp
from gnapp.i18n import Sentence, tr, tr_noop
from gnapp.office.registry import find_commune, key_finder
from gnapp.office.store.database import OFFICE_ROLES, OfficeDatabase
from gnapp.office.store.packages import (
    add_package,
    commune_chain,
    newest_of_report,
    package_by_hash,
    package_figures,
)
from gnapp.office.store.receipts import add_receipt, offered_before
from gnapp.packages.archive import MAX_PACKAGE_BYTES
from gnapp.packages.data import INDICATORS, current_report_data
from gnapp.packages.manifest import SUFFIX, Manifest
from gnapp.packages.verify import Check, CheckFailed, Verification, verify_package
from gnapp.reporting.figures import parse_period, report_title
from gnapp.store.users import User, require

_LABELS = {i.code: i.label for i in INDICATORS}


@dataclass(frozen=True)
class Difference:
    """One figure that a correction changed."""

    where: str  # a village, "Toàn xã", "Chỉ tiêu", "Kinh phí" (in the interface's language)
    what: str
    before: Any
    after: Any

    def line(self) -> str:
        def shown(value: Any) -> str:
            if value is None:
                return "—"
            return format_number(value, 2) if isinstance(value, float) else format_number(value)

        return f"{self.where}, {self.what}: {shown(self.before)} → {shown(self.after)}"


@dataclass
class Receipt:
    """What became of one file offered to the office."""

    file_name: str
    verification: Verification
    accepted: bool = False
    package_id: int | None = None
    said_notes: list[Sentence] = field(default_factory=list)  # kept with the package, in Vietnamese
    corrects: int | None = None  # the package this one replaces
    differences: list[Difference] = field(default_factory=list)

    @property
    def failure(self) -> Check | None:
        return self.verification.failure

    @property
    def notes(self) -> list[str]:
        """What receiving noted, in the interface's language."""
        return [str(note) for note in self.said_notes]

    def summary(self) -> str:
        manifest = self.verification.manifest
        if not self.accepted:
            failure = self.failure
            reason = f"{failure.name}: {failure.message}" if failure else tr("chưa kiểm tra đủ")
            return tr("{file}: KHÔNG NHẬN — {reason}", file=self.file_name, reason=reason)
        assert manifest is not None
        report = report_title(manifest.report_name, parse_period(manifest.period))
        text = tr(
            "{file}: ĐÃ NHẬN {report} của {commune} (gói số {sequence})",
            file=self.file_name,
            report=f"{report[:1].lower()}{report[1:]}",
            commune=manifest.commune_name,
            sequence=manifest.sequence,
        )
        if self.corrects is not None:
            text += tr(
                "; là bản sửa của gói đã nhận trước, {count} số liệu thay đổi",
                count=len(self.differences),
            )
        return text + "".join(f"\n  - {note}" for note in self.notes)


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[Difference]:
    """Every figure that differs between two communes' data of the same report."""
    found = []
    old_villages = {v["code"]: v for v in before["villages"]}
    for village in after["villages"]:
        old = old_villages.pop(village["code"], {"values": {}})
        for code, value in village["values"].items():
            if old["values"].get(code) != value:
                found.append(
                    Difference(village["name"], _LABELS[code], old["values"].get(code), value)
                )
    for village in old_villages.values():
        found.append(Difference(village["name"], tr("thôn không còn trong bản sửa"), None, None))
    for code, value in after["commune_values"].items():
        if before["commune_values"].get(code) != value:
            found.append(
                Difference(tr("Toàn xã"), _LABELS[code], before["commune_values"].get(code), value)
            )
    targets = {t["code"]: t["target"] for t in before["targets"]}
    for target in after["targets"]:
        if targets.pop(target["code"], None) != target["target"]:
            found.append(Difference(tr("Chỉ tiêu"), target["label"], None, target["target"]))
    found += [Difference(tr("Chỉ tiêu"), code, value, None) for code, value in targets.items()]

    def lines(data: dict[str, Any]) -> dict[tuple[str, str, str], tuple[int, int, int]]:
        return {
            (line["programme"], line["project"], line["source"]): (
                line["allocated"],
                line["disbursed"],
                line["undated"],
            )
            for line in data["budget"]["lines"]
        }

    old_lines, new_lines = lines(before), lines(after)
    amounts = (tr("phân bổ"), tr("giải ngân"), tr("giải ngân chưa ghi ngày"))
    for key in sorted(old_lines.keys() | new_lines.keys()):
        old_line = old_lines.get(key, (None, None, None))
        new_line = new_lines.get(key, (None, None, None))
        for index, what in enumerate(amounts):
            if old_line[index] != new_line[index]:
                found.append(
                    Difference(
                        tr("Kinh phí"),
                        f"{key[1]} {key[2]} {what}",
                        old_line[index],
                        new_line[index],
                    )
                )
    return found


def _chain(
    office: OfficeDatabase, commune_id: int, manifest: Manifest, package_hash: str
) -> list[Sentence]:
    """The chain's notes for a package that may be taken in; CheckFailed when it may not."""
    rows = commune_chain(office, commune_id)
    sequence = manifest.sequence
    if sequence in rows:
        raise CheckFailed(
            "chain",
            tr_noop(
                "Xã đã gửi một gói khác mang cùng số thứ tự {sequence} (nhận lúc {at}): hai gói "
                "khác nhau cùng một số là bất thường, đề nghị liên hệ với xã."
            ),
            sequence=sequence,
            at=format_timestamp(rows[sequence]["received_at"]),
        )
    before, after = rows.get(sequence - 1), rows.get(sequence + 1)
    if before is not None and before["hash"] != manifest.previous_package:
        raise CheckFailed(
            "chain",
            tr_noop(
                "Mã băm “gói trước” không khớp gói số {sequence} đã nhận: chuỗi gói của xã bị "
                "đứt hoặc có gói giả."
            ),
            sequence=sequence - 1,
        )
    if after is not None and after["previous_hash"] != package_hash:
        raise CheckFailed(
            "chain",
            tr_noop("Gói số {sequence} đã nhận ghi một gói trước khác gói này: chuỗi gói bị đứt."),
            sequence=sequence + 1,
        )
    notes = []
    last = max(rows, default=0)
    if not rows and sequence > 1:
        notes.append(
            Sentence(
                tr_noop(
                    "Gói đầu tiên nhận từ xã mang số {sequence} (các gói trước không gửi tới)."
                ),
                sequence=sequence,
            )
        )
    elif sequence > last + 1:
        missing = f"{last + 1}" if sequence == last + 2 else f"{last + 1}–{sequence - 1}"
        notes.append(
            Sentence(tr_noop("Thiếu gói số {missing} của xã (chưa nhận)."), missing=missing)
        )
    elif sequence < last:
        notes.append(
            Sentence(
                tr_noop("Gói đến muộn: đã nhận gói số {last} của xã trước gói này."), last=last
            )
        )
    return notes + _log_notes(rows, manifest)


def _log_notes(rows: dict[int, dict[str, Any]], manifest: Manifest) -> list[Sentence]:
    """Whether the commune's change log still extends what the nearest earlier package
    received carried (docs/change-log.md): a note when it does not, where the package lets
    the office tell."""
    log = manifest.change_log
    earlier = [
        row for sequence, row in rows.items()
        if sequence < manifest.sequence and row["log_length"] is not None
    ]  # fmt: skip
    if log is None or not earlier:
        return []
    last = max(earlier, key=lambda row: row["sequence"])
    length, head = last["log_length"], last["log_head"]
    if log.length < length:
        return [
            Sentence(
                tr_noop(
                    "Nhật ký thay đổi của xã ngắn hơn khi gửi gói số {sequence} ({length} dòng, "
                    "trước là {before} dòng): có dòng nhật ký đã gửi bị xóa ở xã. Đề nghị xã "
                    "kiểm tra dữ liệu (gnapp db check) và giải trình."
                ),
                sequence=last["sequence"],
                length=format_number(log.length),
                before=format_number(length),
            )
        ]
    at_that_length = log.head if log.length == length else None
    if log.previous_length == length:
        at_that_length = log.previous_head
    if at_that_length is not None and at_that_length != head:
        return [
            Sentence(
                tr_noop(
                    "Nhật ký thay đổi của xã không nối tiếp nhật ký đã nhận ở gói số {sequence} "
                    "({length} dòng): các dòng đã gửi bị sửa, xóa hoặc viết lại ở xã. Đề nghị xã "
                    "kiểm tra dữ liệu (gnapp db check) và giải trình."
                ),
                sequence=last["sequence"],
                length=format_number(length),
            )
        ]
    return []


def _refuse(office: OfficeDatabase, receipt: Receipt, file_hash: str, user: User) -> Receipt:
    failure = receipt.failure
    add_receipt(
        office,
        receipt.file_name,
        file_hash,
        failure.recorded if failure else "Chưa kiểm tra đủ các bước.",
        user.actor,
        check_code=failure.code if failure else None,
    )
    return receipt


def receive_package(
    office: OfficeDatabase,
    data: bytes,
    file_name: str,
    office_key: X25519PrivateKey | None,
    user: User,
) -> Receipt:
    """Check a package and take it in when every check passes (see the module's text); ``user``
    (an officer or the head: PermissionDenied otherwise, nothing recorded) is named in the
    receipt."""
    require(user, "receive", OFFICE_ROLES)
    file_hash = hashlib.sha256(data).hexdigest()
    verification = verify_package(data, key_finder(office), office_key)
    receipt = Receipt(file_name, verification)
    manifest = verification.manifest
    if not verification.ok or manifest is None:
        return _refuse(office, receipt, file_hash, user)
    package_hash = manifest.package_hash
    known = package_by_hash(office, package_hash)
    commune = find_commune(office, manifest.commune_code)
    assert commune is not None
    try:
        if known is not None:
            raise CheckFailed(
                "chain",
                tr_noop("Gói này (gói số {sequence}) đã được nhận lúc {at}: không nhận lại."),
                sequence=known["sequence"],
                at=format_timestamp(known["received_at"]),
            )
        receipt.said_notes = _chain(office, commune.id, manifest, package_hash)
    except CheckFailed as failed:
        verification.checks.append(Check.found("chain", False, failed))
        return _refuse(office, receipt, file_hash, user)
    sequence = Sentence(tr_noop("gói số {sequence}"), sequence=manifest.sequence)
    verification.checks.append(Check.found("chain", True, sequence))
    current = newest_of_report(office, commune.id, manifest.report_kind, manifest.period)
    if current is not None and current["sequence"] > manifest.sequence:
        receipt.said_notes.append(
            Sentence(
                tr_noop(
                    "Đã có bản mới hơn của báo cáo này (gói số {sequence}): gói này được lưu "
                    "nhưng không thay thế bản đó."
                ),
                sequence=current["sequence"],
            )
        )
    elif current is not None:
        receipt.corrects = current["id"]
        assert verification.data is not None
        before = current_report_data(package_figures(office, current["id"]))
        receipt.differences = differences(before, verification.data)
        receipt.said_notes.append(
            Sentence(
                tr_noop(
                    "Bản sửa của báo cáo đã nhận (gói số {sequence}): {count} số liệu thay đổi."
                ),
                sequence=current["sequence"],
                count=len(receipt.differences),
            )
        )
    assert verification.key is not None  # a verified package names its signing key
    key_id = next(k.id for k in commune.keys if k.public.raw == verification.key.raw)
    with office.transaction():
        package_id = add_package(
            office,
            {
                "commune_id": commune.id,
                "hash": package_hash,
                "sequence": manifest.sequence,
                "previous_hash": manifest.previous_package,
                "kind": manifest.report_kind,
                "period": manifest.period,
                "report_version": manifest.report_version,
                "created_at": manifest.created_at,
                "received_at": office.now(),
                "file_name": file_name,
                "manifest": verification.manifest_bytes,
                "signature": verification.signature,
                "key_id": key_id,
                "encrypted": int(manifest.encryption is not None),
                "households": int(manifest.households),
                "correction_of": receipt.corrects,
                "notes": json.dumps(
                    [note.written() for note in receipt.said_notes], ensure_ascii=False
                ),
                "log_length": manifest.change_log.length if manifest.change_log else None,
                "log_head": manifest.change_log.head if manifest.change_log else None,
            },
            verification.files,
        )
        add_receipt(office, file_name, file_hash, "Đã nhận", user.actor, package_id=package_id)
    receipt.accepted, receipt.package_id = True, package_id
    return receipt


def read_package_file(path: Path) -> bytes:
    """A package file's bytes, refusing a file too large to be a package before reading it (and
    a pipe or a device, an OSError)."""
    try:
        return read_bytes(path, MAX_PACKAGE_BYTES)
    except OSError as error:
        if error.errno != errno.EFBIG:
            raise
        raise CheckFailed(
            "archive", tr_noop("Tệp {name} quá lớn để là gói báo cáo."), name=path.name
        ) from None


def receive_files(
    office: OfficeDatabase,
    paths: Iterable[Path],
    office_key: X25519PrivateKey | None,
    user: User,
) -> list[Receipt]:
    """Receive each file in turn (a folder: its package files not offered before), as ``user``."""
    require(user, "receive", OFFICE_ROLES)
    receipts = []
    for path in expand(office, paths):
        try:
            data = read_package_file(path)
        except (OSError, CheckFailed) as error:
            said = error if isinstance(error, CheckFailed) else unreadable(path, error)
            verification = Verification(checks=[Check.found("archive", False, said)])
            receipts.append(_refuse(office, Receipt(path.name, verification), "", user))
            continue
        receipts.append(receive_package(office, data, path.name, office_key, user))
    return receipts


def unreadable(path: Path, error: OSError) -> Sentence:
    """Why a file offered could not be read, in words rather than Python's "[Errno 2] …"."""
    return Sentence(
        tr_noop("Không đọc được tệp {name}: {reason}."),
        name=path.name,
        reason=error.strerror or type(error).__name__,
    )


def expand(office: OfficeDatabase, paths: Iterable[Path]) -> list[Path]:
    """Files as given; for a folder, its ``.gnpkg`` files whose bytes were never offered."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for candidate in sorted(path.glob(f"*{SUFFIX}")):
            if (
                candidate.is_file()
                and not candidate.is_symlink()
                and not offered(office, candidate)
            ):
                found.append(candidate)
    return found


def offered(office: OfficeDatabase, path: Path) -> bool:
    """Whether these exact bytes were offered before (taken in or refused)."""
    try:
        digest = hashlib.sha256(read_package_file(path)).hexdigest()
    except (OSError, CheckFailed):
        return False
    return offered_before(office, digest)
