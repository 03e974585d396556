"""Read-only media and full disks: a file that cannot be written opens for reading and a write
says why in Vietnamese; a full disk during an import or a package build is a Vietnamese message
with nothing half written and no temporary file left, and what a kill left is removed by the
next build.

The tests run as root, who may write whatever the permission bits say, so "read-only" is
simulated: ``os.access`` answers "not writable" for the test's folder (what it answers on a
read-only medium or a folder without write permission), or SQLite itself refuses to write
(a connection opened ``mode=ro``). A full disk is SQLite's real SQLITE_FULL (``PRAGMA
max_page_count``) or an OSError(ENOSPC) raised by the write."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from gnapp.cli import main
from gnapp.store import database
from gnapp.store.database import open_database
from gnapp.store.errors import DiskFullError, ReadOnlyError, storage_problem
from gnapp.store.register import add_village
from tests.importers import files


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.fixture
def commune(tmp_path) -> Path:
    path = tmp_path / "xa.gnapp"
    with open_database(path, create=True) as cdb:
        add_village(cdb, "T01", "Thôn Đông", "rural")
        cdb.db.execute("VACUUM")  # no free pages left over from the migrations: a full disk is full
    return path


@pytest.fixture
def read_only_folder(tmp_path, monkeypatch):
    """The test's folder as a read-only medium shows it: nothing in it may be written."""
    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path).resolve().is_relative_to(tmp_path.resolve()):
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_a_read_only_file_opens_for_reading_and_refuses_writes_in_words(
    commune, tmp_path, read_only_folder, capsys
):
    source = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, files.MEMBERS)
    before = _snapshot(commune.parent)
    with open_database(commune) as cdb:
        assert cdb.read_only
        assert cdb.db["villages"].count == 1
        with pytest.raises(ReadOnlyError, match="chỉ mở được để xem"):
            add_village(cdb, "T02", "Thôn Tây", "rural")
    assert main(["household", "list", "--db", str(commune)]) == 0
    assert main(["targets", "list", "--db", str(commune), "--year", "2025"]) == 0
    capsys.readouterr()
    assert main(["import", "file", str(source), "--db", str(commune)]) == 1
    err = capsys.readouterr().err
    assert "chỉ mở được để xem" in err and "Traceback" not in err
    assert _snapshot(commune.parent) == before


def test_when_sqlite_finds_the_medium_read_only_the_file_is_read(commune, monkeypatch):
    def read_only_connect(path, **_options):  # the medium refuses the first write SQLite tries
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        conn.execute("PRAGMA user_version = 1")
        return conn

    monkeypatch.setattr(database, "connect", read_only_connect)
    with open_database(commune) as cdb:
        assert cdb.read_only and cdb.db["villages"].count == 1


def test_a_read_only_file_that_needs_upgrading_is_refused_untouched(tmp_path, monkeypatch):
    path = tmp_path / "cu.gnapp"
    open_database(path, create=True, target_version=1).close()
    before = _snapshot(tmp_path)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: not mode & os.W_OK and real(p, mode))
    with pytest.raises(ReadOnlyError, match=r"chỉ đọc .* cần nâng cấp"):
        open_database(path)
    assert _snapshot(tmp_path) == before


def _full_disk(monkeypatch) -> None:
    """Every connection GNApp opens from now on may not grow its file: SQLITE_FULL."""
    real = database.connect

    def connect(path, **options):
        conn = real(path, **options)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(database, "connect", connect)


def test_a_full_disk_during_an_import_keeps_nothing_and_says_so(
    commune, tmp_path, monkeypatch, capsys
):
    # more rows than the pages the file has room in (a bulk insert logs little)
    rows = files.household_rows(200)
    source = files.write_xlsx(tmp_path / "ds.xlsx", files.MEMBER_HEADINGS, rows)
    _full_disk(monkeypatch)
    assert main(["import", "file", str(source), "--db", str(commune)]) == 1
    err = capsys.readouterr().err
    assert "Ổ đĩa đã đầy" in err and "Traceback" not in err
    monkeypatch.undo()
    with open_database(commune) as cdb:
        assert cdb.db["households"].count == 0 and cdb.db["batches"].count == 0


def test_the_messages_for_full_and_read_only():
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13
    assert isinstance(storage_problem(full, "x"), DiskFullError)
    assert isinstance(storage_problem(OSError(errno.ENOSPC, "No space left"), "x"), DiskFullError)
    assert isinstance(storage_problem(OSError(errno.EROFS, "Read-only"), "x"), ReadOnlyError)
    assert storage_problem(OSError(errno.ENOENT, "No such file"), "x") is None
    assert "Ổ đĩa đã đầy: không ghi được báo cáo" in str(
        storage_problem(OSError(errno.ENOSPC, "No space left"), "báo cáo")
    )
