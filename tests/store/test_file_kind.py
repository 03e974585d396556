"""GNApp's files carry their mark (PRAGMA application_id): another program's SQLite file is
refused before anything is written to it, byte for byte as it was; a new or empty file, and a
commune file of a GNApp before the mark, are marked as a commune's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gnapp.cli import main
from gnapp.store.database import (
    COMMUNE_APPLICATION_ID,
    COMMUNE_TABLES,
    open_database,
    require_file_kind,
)
from gnapp.store.errors import CorruptDatabaseError, ForeignFileError
from gnapp.store.migrations import LATEST_VERSION

OFFICE_ID = 0x474E4F46  # what the office passes (gnapp/office/database.py)


def _application_id(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA application_id").fetchone()[0]
    finally:
        conn.close()


def _other_program(path: Path, *, wal: bool = False, application_id: int = 0) -> Path:
    """A database written by plain sqlite3 with someone else's table."""
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Lan', '0905 123 456')")
    if application_id:
        conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()
    return path


def _folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.parent.iterdir()}


@pytest.mark.parametrize(
    ("wal", "application_id", "message"),
    [(False, 0, "chương trình khác (1 bảng lạ)"), (True, 0, "1 bảng lạ"), (False, 7, "0x00000007")],
    ids=["rollback journal", "wal", "another mark"],
)
def test_another_program_s_database_is_refused_unchanged(tmp_path, wal, application_id, message):
    path = _other_program(tmp_path / "chuong-trinh-khac.db", wal=wal, application_id=application_id)
    before = _folder(path)
    with pytest.raises(ForeignFileError, match="không phải tệp dữ liệu của một xã") as refused:
        open_database(path)
    assert message in str(refused.value) and "không ghi gì" in str(refused.value)
    assert isinstance(refused.value, CorruptDatabaseError)  # the damaged-data exit status
    assert _folder(path) == before  # not a byte changed, no -wal or -shm left beside it


def test_the_command_line_refuses_it_with_the_damaged_data_status(tmp_path, capsys):
    path = _other_program(tmp_path / "other-program.db")
    before = _folder(path)
    assert main(["household", "list", "--db", str(path)]) == 3
    assert "không phải tệp dữ liệu của một xã" in capsys.readouterr().err
    assert _folder(path) == before


def test_the_office_refuses_another_program_s_file_unchanged(tmp_path):
    from gnapp.office.store.database import open_office

    path = _other_program(tmp_path / "chuong-trinh-khac.db", wal=True)
    before = _folder(path)
    with pytest.raises(ForeignFileError, match="cơ quan nhận báo cáo"):
        open_office(path)
    assert _folder(path) == before


def test_new_and_empty_files_are_made_a_commune_s(tmp_path):
    created = tmp_path / "moi.gnapp"
    open_database(created, create=True).close()
    empty = tmp_path / "rong.gnapp"
    empty.write_bytes(b"")
    open_database(empty).close()
    for path in (created, empty):
        assert _application_id(path) == COMMUNE_APPLICATION_ID


def test_a_commune_file_from_before_the_mark_is_marked_and_migrated(tmp_path):
    path = tmp_path / "cu.gnapp"
    with open_database(path, create=True, target_version=1) as cdb:
        cdb.db.execute("PRAGMA application_id = 0")
        cdb.db["settings"].insert({"key": "giu", "value": "1"})
    assert _application_id(path) == 0
    with open_database(path) as cdb:
        assert cdb.schema_version == LATEST_VERSION
        assert cdb.db["settings"].get("giu")["value"] == "1"
    assert _application_id(path) == COMMUNE_APPLICATION_ID


def test_the_check_the_office_shares(tmp_path):
    """An office file is only ever a marked one: no tables make an unmarked file the office's."""
    office = tmp_path / "tinh.gnoffice"
    conn = sqlite3.connect(office)
    conn.execute(f"PRAGMA application_id = {OFFICE_ID}")
    conn.execute("CREATE TABLE office_keys (id INTEGER PRIMARY KEY)")
    conn.close()
    what = "dữ liệu của cơ quan nhận báo cáo"
    assert require_file_kind(office, OFFICE_ID, (), what) is False
    assert require_file_kind(tmp_path / "moi.gnoffice", OFFICE_ID, (), what) is True
    commune = tmp_path / "xa.gnapp"
    open_database(commune, create=True).close()
    with pytest.raises(ForeignFileError, match=f"không phải {what}"):
        require_file_kind(commune, OFFICE_ID, (), what)
    with pytest.raises(ForeignFileError, match="không phải tệp dữ liệu của một xã"):
        require_file_kind(office, COMMUNE_APPLICATION_ID, COMMUNE_TABLES, "tệp dữ liệu của một xã")


@pytest.mark.parametrize("dropped", [None, "members", "households"])
def test_a_marked_commune_file_without_its_tables_is_damaged_not_a_traceback(
    small_demo_file, tmp_path, capsys, dropped
):
    """Marked as a commune's, at a schema GNApp knows, but hollow (every table gone, or one):
    opening it raised "no such table" from the first query, and db check passed it."""
    path = tmp_path / "rong-ruot.gnapp"
    if dropped is None:
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA application_id = {COMMUNE_APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")
        conn.execute("CREATE TABLE khac (x)")
    else:
        path.write_bytes(small_demo_file.read_bytes())
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(f"DROP TABLE {dropped}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(CorruptDatabaseError, match=f"thiếu bảng .*{dropped or 'villages'}"):
        open_database(path)
    assert path.read_bytes() == before
    assert main(["household", "list", "--db", str(path)]) == 3
    assert main(["db", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Toàn vẹn: thiếu bảng" in out and "Kết quả: KHÔNG ĐẠT" in out
    assert {dropped or "villages"} <= COMMUNE_TABLES
