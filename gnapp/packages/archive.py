"""The package's container: a ZIP with fixed member names, written the same way every time and
read defensively.

Reading never extracts anything to disk and never trusts the archive's own numbers: only the
member names of ``manifest.MEMBERS`` are accepted (so no path can leave a folder), each at most
once and in that order, no directories, links or ZIP encryption, only stored or deflated data,
every member within its size limit and compression ratio, and the bytes actually read must
match the declared size and CRC. Then the container is bound to its members: the archive must be
byte for byte what ``write_archive`` writes for them (the same headers, the same fixed fields,
nothing before, between or after the entries), so no other ZIP reader can be shown anything
else. Only a deflated member's compressed stream is taken as found (two zlib versions may
compress differently); it must decode to exactly the member and end exactly where it ends.
"""

from __future__ import annotations

import stat
import struct
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from gnapp.i18n import Sentence, tr_noop
from gnapp.packages.canonical import FormatError
from gnapp.packages.manifest import MANIFEST, MAX_FILE_BYTES, MEMBERS, SIGNATURE, TAG_BYTES

MAX_PACKAGE_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100  # uncompressed ÷ compressed, for members above RATIO_FLOOR bytes
RATIO_FLOOR = 64 * 1024
STORED, DEFLATED = 0, 8
_LOCAL_HEADER = b"PK\x03\x04"
_CENTRAL_HEADER = b"PK\x01\x02"
_END_RECORD = b"PK\x05\x06"
_VERSION = 20  # ZIP 2.0: what deflate needs
_MADE_BY = 3 << 8 | _VERSION  # Unix, ZIP 2.0
_DOS_DATE = 1 << 5 | 1  # 1980-01-01; the time is 00:00:00 (0)
_FILE_MODE = (stat.S_IFREG | 0o644) << 16
_LEVEL = 6

# (field, struct format) of each record, in the order of the bytes (PKWARE APPNOTE 4.3).
_LOCAL_FIELDS = (
    (tr_noop("chữ ký"), "4s"),
    (tr_noop("phiên bản cần để giải nén"), "H"),
    (tr_noop("cờ"), "H"),
    (tr_noop("cách nén"), "H"),
    (tr_noop("giờ sửa"), "H"),
    (tr_noop("ngày sửa"), "H"),
    (tr_noop("mã CRC-32"), "I"),
    (tr_noop("kích thước nén"), "I"),
    (tr_noop("kích thước gốc"), "I"),
    (tr_noop("độ dài tên"), "H"),
    (tr_noop("độ dài trường phụ"), "H"),
)
_CENTRAL_FIELDS = (
    (tr_noop("chữ ký"), "4s"),
    (tr_noop("phiên bản tạo (version made by)"), "H"),
    *_LOCAL_FIELDS[1:],
    (tr_noop("độ dài chú thích"), "H"),
    (tr_noop("số đĩa"), "H"),
    (tr_noop("thuộc tính trong"), "H"),
    (tr_noop("thuộc tính ngoài (quyền của tệp)"), "I"),
    (tr_noop("vị trí tiêu đề cục bộ"), "I"),
)
_END_FIELDS = (
    (tr_noop("chữ ký"), "4s"),
    (tr_noop("số đĩa"), "H"),
    (tr_noop("đĩa của danh mục"), "H"),
    (tr_noop("số mục trên đĩa"), "H"),
    (tr_noop("tổng số mục"), "H"),
    (tr_noop("kích thước danh mục"), "I"),
    (tr_noop("vị trí danh mục"), "I"),
    (tr_noop("độ dài chú thích"), "H"),
)
_CENTRAL = struct.Struct("<" + "".join(f for _, f in _CENTRAL_FIELDS))
_END = struct.Struct("<" + "".join(f for _, f in _END_FIELDS))
_LOCAL_SIZE = struct.calcsize("<" + "".join(f for _, f in _LOCAL_FIELDS))


class ArchiveError(FormatError):
    """A package whose container is refused."""


@dataclass(frozen=True)
class Archive:
    """A package's members by name, in the archive's order, and the names stored deflated."""

    members: Mapping[str, bytes]
    deflated: frozenset[str]


@dataclass(frozen=True)
class _Entry:
    name: str
    method: int
    raw: bytes  # as stored: the content, or its deflate stream
    crc: int
    size: int


def _pieces(entries: Sequence[_Entry]) -> Iterator[tuple[Sentence, bytes]]:
    """The container of ``entries`` as (what it is, its bytes) in order: what GNApp writes."""
    offsets = []
    position = 0
    for entry in entries:
        name = entry.name.encode("ascii")
        offsets.append(position)
        place = Sentence(tr_noop("tiêu đề cục bộ của {name}"), name=entry.name)
        yield from _fields(place, _LOCAL_FIELDS, (_LOCAL_HEADER, _VERSION, 0, *_common(entry)))
        yield Sentence(tr_noop("tên tệp trong {place}"), place=place), name
        yield Sentence(tr_noop("dữ liệu của {name}"), name=entry.name), entry.raw
        position += _LOCAL_SIZE + len(name) + len(entry.raw)
    directory = position
    for entry, offset in zip(entries, offsets, strict=True):
        name = entry.name.encode("ascii")
        place = Sentence(tr_noop("danh mục trung tâm, mục {name}"), name=entry.name)
        common = _common(entry)
        values = (_CENTRAL_HEADER, _MADE_BY, _VERSION, 0, *common, 0, 0, 0, _FILE_MODE, offset)
        yield from _fields(place, _CENTRAL_FIELDS, values)
        yield Sentence(tr_noop("tên tệp trong {place}"), place=place), name
        position += _CENTRAL.size + len(name)
    count = len(entries)
    values = (_END_RECORD, 0, 0, count, count, position - directory, directory, 0)
    yield from _fields(Sentence(tr_noop("bản ghi kết thúc ZIP")), _END_FIELDS, values)


def _common(entry: _Entry) -> tuple[int, ...]:
    """The fields both headers share after the flags: method, time, date, CRC, sizes, name
    length and extra length."""
    name_length = len(entry.name.encode("ascii"))
    return (entry.method, 0, _DOS_DATE, entry.crc, len(entry.raw), entry.size, name_length, 0)


def _fields(place: Sentence, fields: Sequence[tuple[str, str]], values: Sequence) -> Iterator:
    for (what, form), value in zip(fields, values, strict=True):
        field = Sentence(tr_noop("{field} trong {place}"), field=Sentence(what), place=place)
        yield field, struct.pack("<" + form, value)


def write_archive(members: Sequence[tuple[str, bytes, bool]]) -> bytes:
    """A ZIP of (name, bytes, compress) in the given order, with fixed times and permissions."""
    entries = []
    for name, content, compress in members:
        raw = content
        if compress:
            deflater = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
            raw = deflater.compress(content) + deflater.flush()
        method = DEFLATED if compress else STORED
        entries.append(_Entry(name, method, raw, zlib.crc32(content), len(content)))
    return b"".join(piece for _, piece in _pieces(entries))


def _shown(name: str) -> str:
    return repr(name[:60] + ("…" if len(name) > 60 else ""))


def member_limit(name: str) -> int:
    """The largest a member may be in the archive (an encrypted file carries its tag)."""
    return MAX_FILE_BYTES[name] + TAG_BYTES


@dataclass(frozen=True)
class _Listed:
    """A member as the central directory describes it."""

    name: str
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    mode: int
    offset: int


def _directory(data: bytes) -> tuple[list[_Listed], int]:
    """The central directory's entries and where the directory starts."""
    end = len(data) - _END.size
    if end < 0 or data[end : end + 4] != _END_RECORD:
        found = data.rfind(_END_RECORD)
        if found < 0:
            raise ArchiveError(
                tr_noop("Tệp ZIP hỏng hoặc không hợp lệ (không có phần kết thúc ZIP).")
            )
        raise ArchiveError(
            tr_noop(
                "Tệp có {count} byte thừa sau phần kết thúc ZIP hoặc phần kết thúc bị sửa: gói "
                "của GNApp không có."
            ),
            count=len(data) - found - _END.size,
        )
    _, disk, _, here, count, size, start, comment = _END.unpack_from(data, end)
    if comment:
        raise ArchiveError(tr_noop("Tệp ZIP có phần chú thích: gói của GNApp không có."))
    if count > len(MEMBERS) or here > len(MEMBERS):
        raise ArchiveError(
            tr_noop("Gói có {count} tệp, nhiều hơn mức cho phép."), count=max(count, here)
        )
    if disk or here != count or start + size != end:
        raise ArchiveError(
            tr_noop("Danh mục trung tâm của tệp ZIP không nằm ngay trước phần kết thúc.")
        )
    listed = []
    position = start
    for _ in range(count):
        if data[position : position + 4] != _CENTRAL_HEADER or position + _CENTRAL.size > end:
            raise ArchiveError(tr_noop("Danh mục trung tâm của tệp ZIP bị hỏng."))
        fields = _CENTRAL.unpack_from(data, position)
        flags, method, crc, compressed, size = fields[3], fields[4], *fields[7:10]
        name_length, extra, note, mode, offset = fields[10:13] + fields[15:17]
        position += _CENTRAL.size
        name = data[position : position + name_length].decode("cp437")
        listed.append(_Listed(name, flags, method, crc, compressed, size, mode >> 16, offset))
        position += name_length + extra + note
    if position != end:
        raise ArchiveError(tr_noop("Danh mục trung tâm của tệp ZIP có dữ liệu lạ."))
    return listed, start


def _check_listed(listed: Sequence[_Listed]) -> None:
    seen: list[str] = []
    total = 0
    for item in listed:
        name = item.name
        if name not in MEMBERS:
            raise ArchiveError(tr_noop("Gói có tệp lạ {name}: không nhận."), name=_shown(name))
        if name in seen:
            raise ArchiveError(
                tr_noop("Tệp {name} xuất hiện hai lần trong gói."), name=_shown(name)
            )
        if seen and MEMBERS.index(name) < MEMBERS.index(seen[-1]):
            raise ArchiveError(
                tr_noop("Tệp {name} đứng sau {before}: sai thứ tự quy định của gói."),
                name=name,
                before=seen[-1],
            )
        seen.append(name)
        if stat.S_IFMT(item.mode) not in (0, stat.S_IFREG):
            raise ArchiveError(
                tr_noop("{name} là thư mục hoặc liên kết, không phải tệp."), name=_shown(name)
            )
        if item.flags & 0x1:
            raise ArchiveError(tr_noop("{name} bị mã hóa kiểu ZIP: không nhận."), name=_shown(name))
        if item.method not in (STORED, DEFLATED):
            raise ArchiveError(tr_noop("{name} nén theo cách không hỗ trợ."), name=_shown(name))
        if item.size > member_limit(name):
            raise ArchiveError(
                tr_noop("{name} quá lớn ({size} byte)."), name=_shown(name), size=item.size
            )
        if item.size > RATIO_FLOOR and item.size > MAX_RATIO * max(item.compressed, 1):
            raise ArchiveError(
                tr_noop("{name} có tỷ lệ nén bất thường (nghi bom nén)."), name=_shown(name)
            )
        total += item.size
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(tr_noop("Tổng dung lượng các tệp trong gói vượt giới hạn."))
    for item in listed:  # the manifest is always deflated, the signature always stored
        if (item.name, item.method) in ((MANIFEST, STORED), (SIGNATURE, DEFLATED)):
            raise ArchiveError(
                tr_noop("{name} không được nén: khác cách GNApp ghi gói.")
                if item.method == STORED
                else tr_noop("{name} bị nén: khác cách GNApp ghi gói."),
                name=item.name,
            )


def _content(item: _Listed, raw: bytes) -> bytes:
    """The member's bytes from its stored bytes, checked against its size and CRC."""
    content, rest = raw, b""
    if item.method == DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            content = inflater.decompress(raw, item.size + 1)  # never more than claimed + 1
        except zlib.error:
            raise ArchiveError(
                tr_noop("Không đọc được {name}: dữ liệu nén bị hỏng."), name=item.name
            ) from None
        rest = inflater.unused_data or inflater.unconsumed_tail or (b"" if inflater.eof else b"?")
    if len(content) != item.size:
        raise ArchiveError(
            tr_noop("{name}: kích thước thật khác kích thước khai báo."), name=item.name
        )
    if rest:
        raise ArchiveError(
            tr_noop("{name}: dữ liệu nén không kết thúc đúng chỗ (bị cắt hoặc có byte thừa)."),
            name=item.name,
        )
    if zlib.crc32(content) != item.crc:
        raise ArchiveError(
            tr_noop(
                "Không đọc được {name}: mã kiểm tra CRC không khớp: nội dung đã bị thay đổi "
                "hoặc hỏng."
            ),
            name=item.name,
        )
    return content


def _refuse_difference(data: bytes, entries: Sequence[_Entry]) -> None:
    """Name the first byte where ``data`` differs from what GNApp writes for ``entries``."""
    position = 0
    for what, piece in _pieces(entries):
        found = data[position : position + len(piece)]
        if found != piece:
            at = position + next(
                i for i in range(len(piece)) if found[i : i + 1] != piece[i : i + 1]
            )
            raise ArchiveError(
                tr_noop(
                    "Cấu trúc ZIP khác cách GNApp ghi gói: {what} (byte {at}). Gói đã bị sửa "
                    "ngoài GNApp: không nhận."
                ),
                what=what,
                at=at,
            )
        position += len(piece)
    if position != len(data):
        raise ArchiveError(
            tr_noop("Tệp có {count} byte thừa ngoài các phần của gói."),
            count=len(data) - position,
        )


def read_archive(data: bytes) -> Archive:
    """The members of a package, read within the limits, in a container that is exactly the
    one GNApp writes for them; ArchiveError otherwise."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise ArchiveError(
            tr_noop("Tệp quá lớn (giới hạn {limit} MB)."), limit=MAX_PACKAGE_BYTES // (1024 * 1024)
        )
    if not data.startswith(_LOCAL_HEADER):
        raise ArchiveError(
            tr_noop(
                "Tệp không phải gói báo cáo (không phải tệp ZIP, hoặc có dữ liệu lạ ở đầu tệp)."
            )
        )
    listed, directory = _directory(data)
    _check_listed(listed)
    entries: list[_Entry] = []
    members: dict[str, bytes] = {}
    position = 0
    for item in listed:
        if item.offset != position:
            raise ArchiveError(
                tr_noop(
                    "Gói có dữ liệu nằm ngoài các tệp được liệt kê (trước {name}, byte "
                    "{position}): có thể là một tệp ẩn. Không nhận."
                ),
                name=item.name,
                position=position,
            )
        start = position + _LOCAL_SIZE + len(item.name)
        if start + item.compressed > directory:
            raise ArchiveError(
                tr_noop("{name}: kích thước nén khai báo vượt quá phần dữ liệu."), name=item.name
            )
        raw = data[start : start + item.compressed]
        entries.append(_Entry(item.name, item.method, raw, item.crc, item.size))
        members[item.name] = raw
        position = start + item.compressed
    if position != directory:
        raise ArchiveError(
            tr_noop(
                "Gói có dữ liệu nằm ngoài các tệp được liệt kê (byte {position} đến {directory}, "
                "trước danh mục): có thể là một tệp ẩn. Không nhận."
            ),
            position=position,
            directory=directory,
        )
    for item in listed:
        members[item.name] = _content(item, members[item.name])
    _refuse_difference(data, entries)
    deflated = frozenset(item.name for item in listed if item.method == DEFLATED)
    return Archive(members, deflated)
