"""The e-mail a clerk sends with a package: subject and body in Vietnamese, and the file to
attach (the app never sends anything itself)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gnapp.core.vietnamese import format_date, format_number, local_time
from gnapp.packages.manifest import Manifest
from gnapp.reporting.figures import parse_period, report_title


@dataclass(frozen=True)
class EmailDraft:
    subject: str
    body: str
    attachment: Path


def file_size_text(size: int) -> str:
    """ "850 KB", "1,2 MB"."""
    if size < 1024 * 1024:
        return f"{format_number(max(1, round(size / 1024)))} KB"
    return f"{format_number(size / (1024 * 1024), 1)} MB"


def email_draft(
    manifest: Manifest, path: Path, size: int, recipient: str | None = None
) -> EmailDraft:
    """The e-mail for the package at ``path`` (``size`` bytes) to ``recipient`` (the receiving
    office's name)."""
    report = report_title(manifest.report_name, parse_period(manifest.period))
    report = report[:1].lower() + report[1:]
    subject = f"[GNApp] {manifest.commune_name} gửi {report} (gói số {manifest.sequence})"
    greeting = f"Kính gửi: {recipient}." if recipient else "Kính gửi: cơ quan nhận báo cáo."
    created = format_date(local_time(manifest.created_at).date())
    lines = [
        greeting,
        "",
        f"{manifest.commune_name} gửi {report}"
        + (f", văn bản số {manifest.document_number}" if manifest.document_number else "")
        + ".",
        "",
        f"Tệp đính kèm: {path.name} ({file_size_text(size)}), lập ngày {created}, "
        f"gói số {manifest.sequence} của xã.",
        f"Người ký: {manifest.signer_name}.",
        f"Dấu vân tay khóa ký của xã: {manifest.signing_key}.",
        f"Mã gói (SHA-256 của bản kê): {manifest.package_hash}.",
    ]
    if manifest.encryption is not None:
        lines.append(
            "Nội dung gói đã được mã hóa: chỉ cơ quan nhận mở được bằng khóa của mình"
            + (" (gói có danh sách hộ)." if manifest.households else ".")
        )
    lines += [
        "",
        "Đề nghị mở tệp bằng phần mềm GNApp (chế độ cơ quan nhận báo cáo): phần mềm kiểm tra "
        "chữ ký số, mã băm và thứ tự gói trước khi nhận. Nếu dấu vân tay trên khác với khóa "
        "đã đăng ký, xin liên hệ lại với xã qua điện thoại trước khi nhận.",
        "",
        "Trân trọng.",
    ]
    return EmailDraft(subject, "\n".join(lines), path)
