"""The package's container: a ZIP with fixed member names, written the same way every time and
read defensively.

Reading never extracts anything to disk and never trusts the archive's own numbers: only the
member names of ``manifest.MEMBERS`` are accepted (so no path can leave a folder), each at most
once, no directories, links or ZIP encryption, only stored or deflated data, every member within
its size limit and compression ratio, and the bytes actually read must match the declared size
and CRC.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Mapping, Sequence

from gnapp.packages.canonical import FormatError
from gnapp.packages.manifest import MAX_FILE_BYTES, MEMBERS, TAG_BYTES

MAX_PACKAGE_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100  # uncompressed ÷ compressed, for members above RATIO_FLOOR bytes
RATIO_FLOOR = 64 * 1024
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_LOCAL_HEADER = b"PK\x03\x04"


class ArchiveError(FormatError):
    """A package whose container is refused (Vietnamese message)."""


def write_archive(members: Sequence[tuple[str, bytes, bool]]) -> bytes:
    """A ZIP of (name, bytes, compress) in the given order, with fixed times and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content, compress in members:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.create_system = 3
            archive.writestr(info, content, compresslevel=6 if compress else None)
    return buffer.getvalue()


def _shown(name: str) -> str:
    return repr(name[:60] + ("…" if len(name) > 60 else ""))


def member_limit(name: str) -> int:
    """The largest a member may be in the archive (an encrypted file carries its tag)."""
    return MAX_FILE_BYTES[name] + TAG_BYTES


def read_archive(data: bytes) -> Mapping[str, bytes]:
    """The members of a package, by name, read within the limits; ArchiveError otherwise."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise ArchiveError(f"Tệp quá lớn (giới hạn {MAX_PACKAGE_BYTES // (1024 * 1024)} MB).")
    if not data.startswith(_LOCAL_HEADER):
        raise ArchiveError("Tệp không phải gói báo cáo (không phải tệp ZIP).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ArchiveError(f"Tệp ZIP hỏng hoặc không hợp lệ ({error}).") from None
    with archive:
        if archive.comment:
            raise ArchiveError("Tệp ZIP có phần chú thích: gói của GNApp không có.")
        infos = archive.infolist()
        if len(infos) > len(MEMBERS):
            raise ArchiveError(f"Gói có {len(infos)} tệp, nhiều hơn mức cho phép.")
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            if name not in MEMBERS:
                raise ArchiveError(f"Gói có tệp lạ {_shown(name)}: không nhận.")
            if name in seen:
                raise ArchiveError(f"Tệp {_shown(name)} xuất hiện hai lần trong gói.")
            seen.add(name)
            mode = info.external_attr >> 16
            if info.is_dir() or stat.S_IFMT(mode) not in (0, stat.S_IFREG):
                raise ArchiveError(f"{_shown(name)} là thư mục hoặc liên kết, không phải tệp.")
            if info.flag_bits & 0x1:
                raise ArchiveError(f"{_shown(name)} bị mã hóa kiểu ZIP: không nhận.")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ArchiveError(f"{_shown(name)} nén theo cách không hỗ trợ.")
            if info.file_size > member_limit(name):
                raise ArchiveError(f"{_shown(name)} quá lớn ({info.file_size} byte).")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise ArchiveError(f"{_shown(name)} có tỷ lệ nén bất thường (nghi bom nén).")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise ArchiveError("Tổng dung lượng các tệp trong gói vượt giới hạn.")
        members: dict[str, bytes] = {}
        for info in infos:
            try:
                with archive.open(info) as stream:
                    # reading past the declared size reaches the end, which checks the CRC
                    content = stream.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                reason = (
                    "mã kiểm tra CRC không khớp: nội dung đã bị thay đổi hoặc hỏng"
                    if "CRC" in str(error)
                    else "dữ liệu nén bị hỏng"
                )
                raise ArchiveError(f"Không đọc được {_shown(info.filename)}: {reason}.") from None
            if len(content) != info.file_size:
                raise ArchiveError(
                    f"{_shown(info.filename)}: kích thước thật khác kích thước khai báo."
                )
            members[info.filename] = content
    return members
