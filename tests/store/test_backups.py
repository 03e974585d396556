"""Backups: online copies that survive interruption, rotation, description, restore, checks."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnapp.preferences import backup_root
from gnapp.progress import Cancelled, Progress
from gnapp.store import backups
from gnapp.store.backup_compression import MAGIC, decompress_file, is_compressed
from gnapp.store.backups import (
    BackupFile,
    automatic_backup,
    backup_name,
    check_integrity,
    default_backup_folder,
    describe_backup,
    due_backup_kind,
    expired_backups,
    last_good_backup,
    list_backups,
    make_backup,
    parse_backup_name,
    remove_partial_backups,
    restore_backup,
    rotate,
)
from gnapp.store.database import open_database
from gnapp.store.errors import CorruptDatabaseError, DatabaseError
from gnapp.store.migrations import LATEST_VERSION
from gnapp.store.register import add_household, add_village, save_commune, set_setting

NOW = datetime(2026, 11, 22, 8, 15, 30)


def dump(path: Path) -> dict:
    """Every table's rows in rowid order (a table without rowids, such as the full-text
    index's, in its key's order), the schema and the version: what must round-trip. A
    virtual table's rows are its own tables' (the index of members' names cannot be read
    without MATCH, schema v29). A compressed backup is read through its decompressed
    database."""
    if is_compressed(path):
        with tempfile.TemporaryDirectory() as folder:
            plain = Path(folder) / "giai-nen.gnapp"
            decompress_file(path, plain)
            return dump(plain)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        order = {
            name: "1" if "WITHOUT ROWID" in (sql or "") else "rowid"
            for kind, name, sql in schema
            if kind == "table" and not (sql or "").startswith("CREATE VIRTUAL TABLE")
        }
        rows = {
            t: conn.execute(f'SELECT * FROM "{t}" ORDER BY {by}').fetchall()
            for t, by in order.items()
        }
        return {
            "schema": schema,
            "rows": rows,
            "version": conn.execute("PRAGMA user_version").fetchone()[0],
        }
    finally:
        conn.close()


def corrupt(path: Path, table: str | None = None) -> None:
    """Overwrite 8 KiB in the middle of the file (or from the middle page of ``table`` on), as a
    failing disk or a power cut might."""
    start = None
    if table is not None:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            pages = [row[0] for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", [table])]  # fmt: skip
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        start = (pages[len(pages) // 2] - 1) * page_size
    data = bytearray(path.read_bytes())
    start = len(data) // 2 if start is None else start
    data[start : start + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(data))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def demo_file(small_demo_file, tmp_path) -> Path:
    """A closed private copy of the small demo commune."""
    path = tmp_path / "xa-son-minh.gnapp"
    shutil.copy(small_demo_file, path)
    return path


@pytest.fixture
def tiny_file(tmp_path) -> Path:
    """A commune database with only its identity: quick to back up many times."""
    path = tmp_path / "xa-nho.gnapp"
    with open_database(path, create=True) as cdb:
        save_commune(cdb, code="21555", name="Xã Nhỏ", kind="xa", province="Quảng Ngãi")
    return path


@pytest.fixture
def small_steps(monkeypatch):
    """Copy a few pages per step so that a backup reports progress many times."""
    monkeypatch.setattr(backups, "PAGES_PER_STEP", 16)


# --- names -----------------------------------------------------------------------------------


def test_names_sort_by_time_and_say_the_commune_and_kind():
    name = backup_name("21555", NOW, "daily")
    assert name == "21555-2026-11-22T081530-daily.gnapp-backup"
    parsed = parse_backup_name(Path(name))
    assert (parsed.commune, parsed.made_at, parsed.kind, parsed.seq) == ("21555", NOW, "daily", 1)
    assert parse_backup_name(Path(backup_name("21555", NOW, "manual", 2))).seq == 2
    assert parse_backup_name(Path(name + ".partial")) is None
    assert parse_backup_name(Path("xa.gnapp")) is None


def test_the_default_folder_is_under_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path))
    assert (
        default_backup_folder("/x/Xã Tôi.gnapp", backup_root()) == tmp_path / "sao-luu" / "xa-toi"
    )


# --- making a backup and restoring it ---------------------------------------------------------


def households_now(path) -> int:
    """The households of a commune file still in the commune (the demo's events took some
    away), read with plain SQL."""
    conn = sqlite3.connect(path)
    try:
        sql = "SELECT count(*) FROM households WHERE present_until IS NULL"
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_backup_and_restore_round_trip_row_by_row(demo_file, tmp_path):
    in_the_demo = households_now(demo_file)
    cdb = open_database(demo_file, actor="Cán bộ thử")
    village = add_village(cdb, "T99", "Thôn Mới", "rural")
    add_household(
        cdb,
        {"code": "HGD-99999", "village_id": village},
        [{"full_name": "Đinh Thị Ánh", "sex": "female", "birth_date": "1990", "relation": "head"}],
    )
    backup = make_backup(cdb, tmp_path / "sao-luu", "manual", now=NOW)  # on the open database
    cdb.close()
    at_backup = dump(demo_file)
    assert dump(backup) == at_backup

    with open_database(demo_file) as cdb:  # a mistake after the backup
        cdb.db.execute("DELETE FROM household_status")
        save_commune(cdb, code="21555", name="Xã Sai Tên", kind="xa", province="Quảng Ngãi")
    before_restore = dump(demo_file)

    result = restore_backup(backup, demo_file, tmp_path / "giu-lai", now=NOW)
    assert dump(demo_file) == at_backup
    assert result.restored.households == in_the_demo + 1
    assert result.kept_copy.parent == tmp_path / "giu-lai"
    assert parse_backup_name(result.kept_copy).kind == "prerestore"
    assert dump(result.kept_copy) == before_restore
    assert not list((tmp_path).glob("*.partial"))


def test_a_backup_is_one_consistent_snapshot_while_the_database_is_written(
    demo_file, tmp_path, small_steps
):
    writer = open_database(demo_file, actor="Cán bộ thử")
    before = dump(demo_file)
    steps = []

    def write_midway(done, total, message):
        steps.append(done)
        if len(steps) == 3:
            writer.db.execute("DELETE FROM household_status")

    backup = make_backup(demo_file, tmp_path / "b", progress=Progress(write_midway))
    writer.close()
    assert len(steps) > 5
    assert dump(backup) == before
    assert dump(demo_file)["rows"]["household_status"] == []


def test_a_backup_is_compressed_and_self_contained(demo_file, tmp_path):
    backup = make_backup(demo_file, tmp_path / "b")
    assert leftovers(tmp_path / "b") == [backup.name]  # no -wal, no -shm
    assert backup.read_bytes().startswith(MAGIC)
    assert backup.stat().st_size < demo_file.stat().st_size / 2
    plain = tmp_path / "giai-nen.gnapp"
    decompress_file(backup, plain)
    assert plain.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL


def test_cancelling_a_backup_leaves_nothing(demo_file, tmp_path, small_steps):
    progress = Progress()
    calls = []

    def listener(done, total, message):
        calls.append(done)
        if len(calls) == 4:
            progress.cancel()

    progress._listener = listener
    with pytest.raises(Cancelled):
        make_backup(demo_file, tmp_path / "b", progress=progress)
    assert leftovers(tmp_path / "b") == []
    assert list_backups(tmp_path / "b") == []


def test_a_failure_inside_the_page_loop_leaves_nothing(demo_file, tmp_path, small_steps):
    def crash(done, total, message):
        if done > 32:
            raise RuntimeError("mất điện")

    with pytest.raises(RuntimeError, match="mất điện"):
        make_backup(demo_file, tmp_path / "b", progress=Progress(crash))
    assert leftovers(tmp_path / "b") == []


def test_a_process_killed_midway_leaves_no_backup_and_cleanup_removes_its_temporary_file(
    demo_file, tmp_path
):
    folder = tmp_path / "b"
    script = textwrap.dedent(f"""
        import os
        from gnapp.progress import Progress
        from gnapp.store import backups
        backups.PAGES_PER_STEP = 16

        def die(done, total, message):
            if done > 64:
                os._exit(9)  # no cleanup runs, as when the power goes

        backups.make_backup({str(demo_file)!r}, {str(folder)!r}, progress=Progress(die))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 9, run.stderr
    [partial] = folder.iterdir()
    assert partial.name.endswith(".gnapp-backup.chua-nen.partial")
    assert list_backups(folder) == []
    assert last_good_backup(folder) is None
    assert remove_partial_backups(folder) == []  # it may still be being written
    assert remove_partial_backups(folder, now=datetime.now() + timedelta(minutes=11)) == [partial]
    assert leftovers(folder) == []


def test_an_automatic_backup_removes_a_stale_temporary_file(demo_file, tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    stale = folder / ("21555-2026-11-21T170000-closing.gnapp-backup" + backups.PARTIAL)
    stale.write_bytes(b"half")
    old = (NOW - timedelta(hours=15)).timestamp()
    os.utime(stale, (old, old))
    made = automatic_backup(demo_file, folder, now=NOW)
    assert leftovers(folder) == [made.name]


def test_a_broken_database_is_not_backed_up(demo_file, tmp_path):
    corrupt(demo_file)
    with pytest.raises(CorruptDatabaseError, match="hỏng"):
        make_backup(demo_file, tmp_path / "b")
    assert leftovers(tmp_path / "b") == []


def test_a_backup_to_a_missing_database_says_so(tmp_path):
    with pytest.raises(DatabaseError, match="Không tìm thấy"):
        make_backup(tmp_path / "khong-co.gnapp", tmp_path / "b")


def test_two_backups_in_the_same_second_get_two_names(demo_file, tmp_path):
    first = make_backup(demo_file, tmp_path, now=NOW)
    second = make_backup(demo_file, tmp_path, now=NOW)
    assert first != second
    assert [b.path for b in list_backups(tmp_path)] == [second, first]


# --- automatic backups and rotation ------------------------------------------------------------


def named(kind: str, made_at: datetime, commune: str = "21555") -> BackupFile:
    return BackupFile(made_at, 1, commune, kind, Path(backup_name(commune, made_at, kind)))


def test_the_first_backup_of_a_month_is_monthly_then_one_a_day_and_one_on_each_closing():
    assert due_backup_kind([], NOW, closing=False) == "monthly"
    assert due_backup_kind([], NOW, closing=True) == "monthly"
    this_month = [named("monthly", NOW.replace(day=1))]
    assert due_backup_kind(this_month, NOW, closing=False) == "daily"
    assert due_backup_kind(this_month, NOW, closing=True) == "closing"
    earlier_today = [*this_month, named("closing", NOW.replace(hour=7))]
    assert due_backup_kind(earlier_today, NOW, closing=False) is None
    assert due_backup_kind(earlier_today, NOW, closing=True) == "closing"
    yesterday = [*this_month, named("daily", NOW - timedelta(days=1))]
    assert due_backup_kind(yesterday, NOW, closing=False) == "daily"
    assert due_backup_kind([named("monthly", NOW)], NOW, closing=False) is None


def test_automatic_backups_over_forty_days_keep_seven_days_and_the_months(tiny_file, tmp_path):
    folder = tmp_path / "b"
    start = datetime(2026, 10, 1, 7, 30)
    for day in range(40):
        morning = start + timedelta(days=day)
        automatic_backup(tiny_file, folder, now=morning)
        automatic_backup(tiny_file, folder, now=morning + timedelta(hours=1))  # not due
        automatic_backup(tiny_file, folder, closing=True, now=morning + timedelta(hours=9))
    make_backup(tiny_file, folder, "manual", now=start)
    kept = list_backups(folder)
    daily_days = {b.made_at.date() for b in kept if b.kind in ("daily", "closing")}
    assert daily_days == {date(2026, 11, 9) - timedelta(days=n) for n in range(7)}
    assert [b.made_at.date() for b in kept if b.kind == "monthly"] == [
        date(2026, 11, 1),
        date(2026, 10, 1),
    ]
    assert [b.made_at for b in kept if b.kind == "manual"] == [start]


def test_rotation_follows_the_settings(tiny_file, tmp_path):
    with open_database(tiny_file) as cdb:
        set_setting(cdb, backups.KEEP_DAILY_SETTING, 2)
    folder = tmp_path / "b"
    for day in range(5):
        automatic_backup(tiny_file, folder, closing=True, now=NOW + timedelta(days=day))
    days = {b.made_at.date() for b in list_backups(folder) if b.kind in ("daily", "closing")}
    assert days == {(NOW + timedelta(days=3)).date(), (NOW + timedelta(days=4)).date()}


def test_rotation_touches_only_its_own_commune(tmp_path):
    for commune in ("21555", "99999"):
        for day in range(3):
            (tmp_path / backup_name(commune, NOW - timedelta(days=day), "daily")).touch()
    removed = rotate(tmp_path, "21555", keep_daily=1, keep_monthly=1)
    assert len(removed) == 2
    assert len(list_backups(tmp_path, "99999")) == 3
    assert len(list_backups(tmp_path, "21555")) == 1


backup_lists = st.lists(
    st.tuples(
        st.sampled_from(sorted(backups.KIND_LABELS)),
        st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31)),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(backup_lists, st.integers(0, 10), st.integers(0, 14))
def test_rotation_keeps_the_latest_days_and_months_and_everything_made_on_request(
    made, keep_daily, keep_monthly
):
    files = [named(kind, at) for kind, at in made]
    expired = expired_backups(files, keep_daily, keep_monthly)
    kept = [f for f in files if f not in expired]

    assert all(f.kind in ("daily", "closing", "monthly") for f in expired)
    for kinds, period, keep in (
        (("daily", "closing"), lambda f: f.made_at.date(), keep_daily),
        (("monthly",), lambda f: (f.made_at.year, f.made_at.month), keep_monthly),
    ):
        kept_periods = {period(f) for f in kept if f.kind in kinds}
        all_periods = {period(f) for f in files if f.kind in kinds}
        assert len(kept_periods) == min(max(keep, 1), len(all_periods))
        gone = [f for f in expired if f.kind in kinds]
        assert all(period(g) < min(kept_periods) for g in gone)
        assert all(period(f) not in kept_periods for f in gone)
    automatic = [f for f in files if f.kind in ("daily", "closing", "monthly")]
    if automatic:
        assert max(automatic, key=lambda f: f.made_at) in kept  # the newest is never removed


# --- describing and checking ----------------------------------------------------------------


def test_describe_says_what_a_backup_holds(demo_file, tmp_path):
    backup = make_backup(demo_file, tmp_path, "daily", now=NOW)
    info = describe_backup(backup)
    assert (info.commune_code, info.commune_name) == ("21555", "Xã Sơn Minh")
    assert info.households == households_now(demo_file) and info.members > info.households
    assert 280 < info.households < 320  # the demo's 300, give or take its events
    assert info.kind == "daily" and info.made_at == NOW
    assert info.last_review == "rà soát định kỳ năm 2025"
    assert info.status_years == (2022, 2023, 2024, 2025)
    assert info.schema_version == LATEST_VERSION
    assert info.size == backup.stat().st_size
    lines = info.lines()
    assert lines[0] == "Sao lưu lúc: 22/11/2026 08:15 (hằng ngày)"
    assert "Xã, phường: Xã Sơn Minh (mã 21555)" in lines
    assert (
        f"Số hộ: {info.households}; số nhân khẩu: " + f"{info.members:,}".replace(",", ".") in lines
    )


def test_describe_an_empty_database_and_an_old_one(tmp_path):
    open_database(tmp_path / "moi.gnapp", create=True).close()
    info = describe_backup(tmp_path / "moi.gnapp")
    assert info.kind is None and info.commune_name is None and info.households == 0
    assert "Xã, phường: chưa khai báo" in info.lines()
    assert info.lines()[0].startswith("Tệp ghi lần cuối lúc: ")
    open_database(tmp_path / "cu.gnapp", create=True, target_version=2).close()
    old = describe_backup(tmp_path / "cu.gnapp")
    assert old.schema_version == 2 and old.last_review is None
    assert f"Phiên bản dữ liệu: v2 (sẽ được nâng cấp lên v{LATEST_VERSION} khi mở)" in old.lines()


def test_integrity_check_tells_sound_broken_and_foreign_files(demo_file, tmp_path):
    assert check_integrity(demo_file).sound
    assert check_integrity(demo_file).version == LATEST_VERSION
    junk = tmp_path / "rac.gnapp"
    junk.write_bytes(b"\0rac" * 2000)
    assert check_integrity(junk).version is None
    assert not check_integrity(junk).sound
    corrupt(demo_file)
    report = check_integrity(demo_file)
    assert not report.sound
    assert "bị hỏng" in report.restore_problem


def test_integrity_check_reports_broken_references(new_db, tmp_path):
    new_db.db.conn.execute("PRAGMA foreign_keys = OFF")
    village = add_village(new_db, "T1", "Thôn Một", "rural")
    add_household(new_db, {"code": "H1", "village_id": village}, [])
    new_db.db.execute("DELETE FROM villages")
    new_db.close()
    report = check_integrity(new_db.path)
    assert report.problems == ("1 dòng tham chiếu đến dòng không còn (bảng households)",)


def test_last_good_backup_skips_a_broken_newer_one(demo_file, tmp_path):
    good = make_backup(demo_file, tmp_path, "daily", now=NOW)
    broken = make_backup(demo_file, tmp_path, "closing", now=NOW + timedelta(hours=8))
    corrupt(broken)
    assert last_good_backup(tmp_path).path == good
    assert last_good_backup(tmp_path / "khong-co") is None


# --- restore refusals and failures -----------------------------------------------------------


def test_a_broken_backup_is_refused_and_the_database_is_untouched(demo_file, tmp_path):
    backup = make_backup(demo_file, tmp_path / "b", now=NOW)
    corrupt(backup)
    before = demo_file.read_bytes()
    with pytest.raises(CorruptDatabaseError, match="bị hỏng"):
        restore_backup(backup, demo_file, tmp_path / "giu")
    assert demo_file.read_bytes() == before
    assert leftovers(tmp_path / "giu") == []
    assert not list(tmp_path.glob("*.partial"))


def test_a_backup_from_a_newer_gnapp_is_refused(demo_file, tmp_path):
    newer = tmp_path / "moi-hon.gnapp"
    shutil.copy(demo_file, newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    backup = make_backup(newer, tmp_path / "b")
    with pytest.raises(DatabaseError, match="mới hơn"):
        restore_backup(backup, demo_file, tmp_path / "giu")


def test_a_backup_of_an_older_schema_is_restored_and_migrated(demo_file, tmp_path):
    old = tmp_path / "cu.gnapp"
    with open_database(old, create=True, target_version=3) as cdb:
        cdb.db.execute(
            "INSERT INTO commune (id, code, name, kind, province) "
            "VALUES (1, '1', 'Xã Cũ', 'xa', 'Huế')"
        )
    backup = make_backup(old, tmp_path / "b")
    restore_backup(backup, demo_file, tmp_path / "giu")
    with open_database(demo_file) as cdb:
        assert cdb.schema_version == LATEST_VERSION
        assert cdb.db.execute("SELECT name FROM commune").fetchone()[0] == "Xã Cũ"


def test_a_failure_while_replacing_leaves_the_database_as_it_was(demo_file, tmp_path, monkeypatch):
    other = tmp_path / "khac.gnapp"
    with open_database(other, create=True) as cdb:
        save_commune(cdb, code="1", name="Xã Khác", kind="xa", province="Huế")
    backup = make_backup(other, tmp_path / "b")
    crashed = tmp_path / "mat-dien.gnapp"
    with open_database(demo_file) as cdb:  # the power goes with the last change in the -wal
        cdb.db.conn.execute("PRAGMA wal_autocheckpoint = 0")
        save_commune(cdb, code="21555", name="Xã Sơn Minh Mới", kind="xa", province="Quảng Ngãi")
        shutil.copy(demo_file, crashed)
        shutil.copy(f"{demo_file}-wal", f"{crashed}-wal")
    before = dump(crashed)
    assert before["rows"]["commune"][0][2] == "Xã Sơn Minh Mới"

    replace = os.replace

    def full_disk(source, destination):
        if Path(destination) == crashed:
            raise OSError(28, "No space left on device")
        replace(source, destination)  # keeping the copy works

    monkeypatch.setattr(backups.os, "replace", full_disk)
    with pytest.raises(DatabaseError, match="vẫn giữ nguyên"):
        restore_backup(backup, crashed, tmp_path / "giu")
    monkeypatch.undo()
    assert dump(crashed) == before
    assert not list(tmp_path.glob("*.partial"))
    [kept] = list_backups(tmp_path / "giu")
    assert dump(kept.path)["rows"] == before["rows"]


def test_restore_refuses_while_the_database_is_open_elsewhere(demo_file, tmp_path):
    backup = make_backup(demo_file, tmp_path / "b")
    reader = sqlite3.connect(demo_file, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM households").fetchone()
    with open_database(demo_file) as cdb:
        save_commune(cdb, code="21555", name="Xã Đang Mở", kind="xa", province="Quảng Ngãi")
    with pytest.raises(DatabaseError, match="đang được mở"):
        restore_backup(backup, demo_file, tmp_path / "giu")
    reader.execute("COMMIT")
    reader.close()
    assert describe_backup(demo_file).commune_name == "Xã Đang Mở"


def test_restoring_over_a_broken_database_keeps_a_copy_of_its_files(demo_file, tmp_path):
    backup = make_backup(demo_file, tmp_path / "b", now=NOW)
    corrupt(demo_file)
    broken = demo_file.read_bytes()
    result = restore_backup(backup, demo_file, tmp_path / "b", now=NOW)
    assert result.kept_copy.name == "xa-son-minh-2026-11-22T081530-hong.gnapp"
    assert result.kept_copy.read_bytes() == broken
    assert check_integrity(demo_file).sound
    assert dump(demo_file) == dump(backup)


def test_the_wal_of_a_broken_database_is_not_replayed_onto_the_restored_one(demo_file, tmp_path):
    backup = make_backup(demo_file, tmp_path / "b", now=NOW)
    crashed = tmp_path / "mat-dien.gnapp"
    with open_database(demo_file) as cdb:  # the power goes with changes in the -wal
        cdb.db.conn.execute("PRAGMA wal_autocheckpoint = 0")
        cdb.db.execute("DELETE FROM household_status")
        save_commune(cdb, code="21555", name="Xã Sơn Minh Mới", kind="xa", province="Quảng Ngãi")
        shutil.copy(demo_file, crashed)
        shutil.copy(f"{demo_file}-wal", f"{crashed}-wal")
    corrupt(crashed, "members")  # pages the changes in the -wal do not write again
    assert not check_integrity(crashed).sound
    result = restore_backup(backup, crashed, tmp_path / "giu", now=NOW)
    assert Path(f"{result.kept_copy}-wal").stat().st_size > 0  # kept for a technician
    assert dump(crashed) == dump(backup)
