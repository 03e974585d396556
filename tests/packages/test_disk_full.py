"""A full disk while a package is built: a Vietnamese message, no package (whole or half) in
the folder, nothing recorded in the commune's chain; a package a kill left half written is
removed by the next build into that folder."""

from __future__ import annotations

import errno
import os
import time

import pytest

from gnapp.packages import build, commune
from gnapp.packages.build import PackageError, build_package, choose_report
from tests.packages.world import PASSPHRASE, SIGNER

NO_SPACE = OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    """Stand-ins for the report's PDF and XLSX (what the package holds does not matter here)."""
    monkeypatch.setattr(
        build, "_report_files", lambda *a: {"report.pdf": b"%PDF-1.7", "report.xlsx": b"PK"}
    )


def _build(cdb, folder):
    report = choose_report(cdb, None, "annual", "2025")
    return build_package(cdb, report, passphrase=PASSPHRASE, folder=folder, **SIGNER)


def _fail(*args):
    raise NO_SPACE


@pytest.mark.parametrize("where", ["package file", "report files"])
def test_a_full_disk_leaves_no_package_and_says_so(world, commune_db, monkeypatch, where):
    sent = commune.sent_packages(commune_db.db)
    with monkeypatch.context() as patch:
        if where == "package file":
            patch.setattr(build.os, "fsync", _fail)  # the package's bytes do not all fit
        else:
            patch.setattr(build, "_report_files", _fail)
        with pytest.raises(PackageError, match="Ổ đĩa đã đầy"):
            _build(commune_db, world.folder)
    assert list(world.folder.iterdir()) == []
    assert commune.sent_packages(commune_db.db) == sent
    assert _build(commune_db, world.folder).manifest.sequence == len(sent) + 1


def test_a_package_a_kill_left_half_written_is_removed_by_the_next_build(world, commune_db):
    left = world.folder / ".21555-bao-cao-nam-2025-so0009.gnpkg.dang-ghi"
    left.write_bytes(b"PK\x03\x04 half")
    recent = world.folder / ".21555-bao-cao-nam-2025-so0010.gnpkg.dang-ghi"
    recent.write_bytes(b"PK\x03\x04 being written")
    an_hour_ago = time.time() - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))
    built = _build(commune_db, world.folder)
    assert sorted(p.name for p in world.folder.iterdir()) == sorted(
        [built.path.name, recent.name]  # one still being written by another window stays
    )
