"""Canonical JSON and the manifest: one byte form, strict reading; hostile archives are refused
before anything is decompressed or written."""

from __future__ import annotations

import contextlib
import io
import json
import stat
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnapp.packages import archive
from gnapp.packages.archive import ArchiveError, read_archive, write_archive
from gnapp.packages.canonical import FormatError, canonical_json, parse_json
from gnapp.packages.manifest import (
    FIGURES,
    MANIFEST,
    REPORT_PDF,
    REPORT_XLSX,
    SIGNATURE,
    FileEntry,
    Manifest,
    read_manifest,
)

HEX = "ab" * 32
MANIFEST_VALUE = Manifest(
    app_version="0.1.0",
    created_at="2026-01-05T01:30:00Z",
    commune_code="21555",
    commune_name="Xã Sơn Minh",
    province="Quảng Ngãi",
    report_kind="annual",
    report_name="Báo cáo năm",
    period="2025",
    report_version=1,
    document_number="15",
    document_date="2026-01-05",
    sequence=2,
    previous_package=HEX,
    signer_name="Nguyễn Văn An",
    signer_role="approver",
    signing_key="E777H-SDNKI-6C4QX-6PD3S",
    households=False,
    files=tuple(FileEntry(name, 10, HEX) for name in (REPORT_PDF, REPORT_XLSX, FIGURES)),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_canonical_bytes_read_back_as_themselves(value):
    data = canonical_json(value)
    assert parse_json(data, "x", canonical=True) == value
    assert canonical_json(parse_json(data, "x", canonical=True)) == data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a":1,"a":2}', "hai lần"),
        ('{"a": 1}', "dạng chuẩn"),
        ('{"b":1,"a":2}', "dạng chuẩn"),
        ('{"a":1.5}', "số thực"),
        ('{"a":NaN}', "không được phép"),
        ('{"a":"\\u00e3"}', "dạng chuẩn"),
        ('{"a":"\\ud800"}', "dạng chuẩn"),
        ("[1]", "đối tượng"),
        ('{"a":', "không phải JSON"),
        ("\xff", "không phải JSON"),
        ('{"a":' * 40 + "1" + "}" * 40, "sâu"),
    ],
)
def test_strict_parsing_refuses(text, message):
    data = text.encode("latin-1") if text == "\xff" else text.encode()
    with pytest.raises(FormatError, match=message):
        parse_json(data, "Tệp", canonical=True)


def test_the_manifest_round_trips():
    assert read_manifest(MANIFEST_VALUE.to_bytes()) == MANIFEST_VALUE
    assert MANIFEST_VALUE.package_hash == MANIFEST_VALUE.package_hash  # stable
    assert len(MANIFEST_VALUE.package_hash) == 64


def _changed(**changes) -> bytes:
    raw = MANIFEST_VALUE.to_dict()
    for path, value in changes.items():
        target = raw
        *parents, last = path.split("__")
        for key in parents:
            target = target[key]
        if value is ...:
            del target[last]
        else:
            target[last] = value
    return canonical_json(raw)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format_version": 3}, "phiên bản định dạng 3 không hỗ trợ"),
        ({"format": "zip"}, "không phải gói báo cáo"),
        ({"extra": 1}, "trường không biết extra"),
        ({"signer": ...}, "thiếu trường signer"),
        ({"sequence": 0}, "từ 1"),
        ({"previous_package": None}, "gói trước"),
        ({"sequence": "2"}, "sai kiểu"),
        ({"households": 1}, "sai kiểu"),
        ({"signing_key": "abc"}, "dấu vân tay"),
        ({"created_at": "hôm qua"}, "thời điểm"),
        ({"files": []}, "danh sách tệp"),
        ({"households": True}, "danh sách tệp"),
        ({"encryption": {"scheme": "rot13"}}, "thiếu trường"),
        ({"report__date": "05/01/2026"}, "ngày văn bản"),
    ],
)
def test_manifest_reading_refuses(changes, message):
    with pytest.raises(FormatError, match=message):
        read_manifest(_changed(**changes))


def _zip(entries) -> bytes:
    """A ZIP of (ZipInfo or name, bytes) written as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as made:
        for info, content in entries:
            made.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _good() -> list:
    return [(MANIFEST, b"{}"), (SIGNATURE, bytes(64)), (REPORT_PDF, b"%PDF")]


def test_an_archive_the_writer_made_reads_back():
    members = [(MANIFEST, b"{}", True), (SIGNATURE, bytes(64), False), (FIGURES, b"[]" * 9, True)]
    data = write_archive(members)
    assert dict(read_archive(data).members) == {n: c for n, c, _ in members}
    assert write_archive(members) == data  # the same bytes every time


def test_the_writer_writes_what_zipfile_wrote_for_earlier_packages():
    """Packages sent before the container was checked byte for byte still read."""
    members = [
        (MANIFEST, b'{"a":1}' * 40, True),
        (SIGNATURE, bytes(range(64)), False),
        (REPORT_PDF, bytes(range(256)) * 8, False),
        (FIGURES, b"", True),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as earlier:
        for name, content, compress in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.create_system = 3
            earlier.writestr(info, content, compresslevel=6 if compress else None)
    assert write_archive(members) == buffer.getvalue()
    assert read_archive(buffer.getvalue()).deflated == {MANIFEST, FIGURES}


def _info(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    return info


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([*_good(), ("../../etc/passwd", b"x")], "tệp lạ"),
        ([*_good(), ("/tmp/x", b"x")], "tệp lạ"),
        ([*_good(), ("report.pdf/../../x", b"x")], "tệp lạ"),
        ([*_good(), ("C:\\Windows\\x", b"x")], "tệp lạ"),
        ([*_good(), (REPORT_PDF, b"again")], "hai lần"),
        ([*_good()[:2], (_info(REPORT_PDF, stat.S_IFLNK | 0o777), b"/etc/passwd")], "liên kết"),
        ([*_good()[:2], (_info("report.pdf/", stat.S_IFDIR | 0o755), b"")], "tệp lạ"),
        ([*_good()[:2], (REPORT_PDF, bytes(40 * 1024 * 1024))], "nghi bom nén"),
    ],
    ids=["parent", "absolute", "inside", "windows", "twice", "symlink", "folder", "bomb"],
)
@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_hostile_archives_are_refused(entries, message):
    data = _zip(entries)
    with pytest.raises(ArchiveError, match=message):
        read_archive(data)


def test_a_member_larger_than_it_claims_is_refused():
    data = bytearray(_zip([(MANIFEST, b"{}"), (FIGURES, b"x" * 5000)]))
    directory = data.rfind(b"PK\x01\x02")  # figures.json's central directory entry
    size_field = directory + 24  # uncompressed size
    data[size_field : size_field + 4] = (100).to_bytes(4, "little")
    with pytest.raises(ArchiveError, match=r"CRC|kích thước"):
        read_archive(bytes(data))


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_too_large_and_too_many_are_refused_before_reading(monkeypatch):
    monkeypatch.setattr(archive, "MAX_PACKAGE_BYTES", 1000)
    with pytest.raises(ArchiveError, match="quá lớn"):
        read_archive(b"PK\x03\x04" + bytes(2000))
    monkeypatch.undo()
    too_many = [(MANIFEST, b"{}")] + [(REPORT_PDF, b"x")] * 7
    with pytest.raises(ArchiveError, match="nhiều hơn"):
        read_archive(_zip(too_many))
    with pytest.raises(ArchiveError, match="quá lớn"):
        read_archive(_zip([(SIGNATURE, bytes(200))]))


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04garbage", b"%PDF-1.4"])
def test_what_is_not_a_zip_is_refused(data):
    with pytest.raises(ArchiveError):
        read_archive(data)


@settings(max_examples=200)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_are_refused_with_a_message(data):
    with pytest.raises(FormatError):
        read_manifest(data)
    with contextlib.suppress(ArchiveError):
        read_archive(b"PK\x03\x04" + data)


def test_json_depth_is_bounded():
    deep = ("[" * 5000 + "]" * 5000).encode()
    with pytest.raises(FormatError):
        parse_json(b'{"a":' + deep + b"}", "x")
    assert json.loads(b'{"a":[[1]]}') == parse_json(b'{"a":[[1]]}', "x")
