"""What a killed GNApp left half written is removed at the next start (beside the database) or
the next write into the same folder (reports, packages): only GNApp's own names, only once
they are stale (a recent one may belong to a GNApp still at work)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from gnapp.cli import main
from gnapp.reporting import builder

AN_HOUR_AGO = time.time() - 3600


def _left(folder: Path, *names: str, old: bool = True) -> list[Path]:
    paths = [folder / name for name in names]
    for path in paths:
        path.write_bytes(b"half written")
        if old:
            os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return paths


@pytest.fixture
def db(small_demo_file, tmp_path) -> Path:
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def test_a_restore_or_an_encrypted_backup_left_beside_the_database_goes_at_the_next_start(
    db, capsys
):
    stale = _left(
        db.parent,
        "xa.gnapp.phuc-hoi.partial",
        ".21555-2026-12-07T080000-manual.gnapp-backup.ma-hoa.partial",
        ".21555-2026-12-07T080000-manual.gnapp-backup.giai-ma.partial",
    )
    fresh = _left(
        db.parent, ".21555-2026-12-07T090000-manual.gnapp-backup.ma-hoa.partial", old=False
    )
    others = _left(db.parent, "khac.gnapp.phuc-hoi.partial", "ghi-chu.partial", ".an.tmp")
    assert main(["household", "list", "--db", str(db)]) == 0
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in fresh + others)


def test_report_files_a_kill_left_go_at_the_next_write_into_the_folder(
    db, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "bao-cao"
    out.mkdir()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # stands for the kill, after the PDF was written aside

    monkeypatch.setattr(builder, "write_report_xlsx", killed)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: None)  # nothing cleans up
    assert main(["report", "build", "--db", str(db), "--kind", "annual", "--period", "2025",
                 "--out", str(out)]) != 0  # fmt: skip
    monkeypatch.undo()
    left = sorted(out.iterdir())
    assert [path.name for path in left] == [".bao-cao-nam-2025.pdf.dang-ghi"]
    left += _left(
        out, "..bao-cao-nam-2025.pdf.dang-ghi.k3j2x.tmp", "..bao-cao-nam-2025.xlsx-9qz1.tmp"
    )
    for path in left:
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    mine = _left(out, "ghi-chu.tmp", ".bao-cao-cu.pdf")
    assert main(["report", "build", "--db", str(db), "--kind", "annual", "--period", "2025",
                 "--out", str(out)]) == 0  # fmt: skip
    assert not any(path.exists() for path in left)
    assert all(path.exists() for path in mine)
    assert {"bao-cao-nam-2025.pdf", "bao-cao-nam-2025.xlsx"} <= {
        path.name for path in out.iterdir()
    }
