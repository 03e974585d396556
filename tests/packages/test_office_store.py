"""The office database's storage functions: the chain of a commune's packages, a report's
newest package, the receipts recorded for files taken in or refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gnapp.office.receive import receive_files
from gnapp.office.store import keys, packages, receipts
from gnapp.office.store.database import open_office
from tests.packages.world import (
    OFFICE_ADMIN,
    OFFICE_PASSPHRASE,
    office_head,
)


def test_a_commune_without_packages_has_an_empty_chain(office_db):
    (commune,) = keys.commune_rows(office_db)
    assert packages.commune_chain(office_db, commune["id"]) == {}
    assert packages.last_sequence(office_db, commune["id"]) == 0
    assert packages.newest_of_report(office_db, commune["id"], "annual", "2025") is None
    assert packages.received_package_rows(office_db) == []


def test_a_received_package_is_found_by_hash_chain_and_report(world, office_db, office_private):
    (receipt,) = receive_files(office_db, [world.package], office_private, office_head(office_db))
    manifest = receipt.verification.manifest
    commune = keys.commune_row(office_db, manifest.commune_code)
    assert packages.package_by_hash(office_db, manifest.package_hash)["sequence"] == 1
    assert packages.package_by_hash(office_db, "0" * 64) is None
    (link,) = packages.commune_chain(office_db, commune["id"]).items()
    assert link[0] == 1 and link[1]["hash"] == manifest.package_hash
    assert link[1]["previous_hash"] is None
    assert packages.last_sequence(office_db, commune["id"]) == 1
    newest = packages.newest_of_report(office_db, commune["id"], "annual", manifest.period)
    assert newest == {"id": receipt.package_id, "sequence": 1}
    assert packages.package_figures(office_db, receipt.package_id) == receipt.verification.data
    (row,) = packages.received_package_rows(office_db, "annual", manifest.period)
    assert (row["code"], row["name"]) == (commune["code"], commune["name"])
    assert packages.received_package_rows(office_db, period="2024") == []


def test_receipts_record_what_was_taken_in_and_refused(world, office_db, office_private):
    receipts.add_receipt(
        office_db, "hong.gnpkg", "ab" * 32, "Chữ ký sai", "Ai Đó (aido)", check_code="signature"
    )
    (taken,) = receive_files(office_db, [world.package], office_private, office_head(office_db))
    assert receipts.offered_before(office_db, "ab" * 32)
    assert not receipts.offered_before(office_db, "cd" * 32)
    newest, refused = receipts.receipt_rows(office_db, 10)
    assert (refused["accepted"], refused["check_code"], refused["name"]) == (0, "signature", None)
    assert (newest["accepted"], newest["kind"], newest["correction"]) == (1, "annual", 0)
    assert newest["file_name"] == world.package.name
    assert (refused["actor"], newest["actor"]) == ("Ai Đó (aido)", "Lê Văn Lãnh (lanhdao)")
    assert [r["file_name"] for r in receipts.receipt_rows(office_db, 1)] == [taken.file_name]


def test_a_replaced_commune_key_is_revoked_and_the_commune_renamed(office_db):
    (commune,) = keys.commune_rows(office_db)
    keys.revoke_commune_keys(office_db, commune["id"], "2026-01-02T03:04:05Z", "Ai Đó (aido)")
    keys.rename_commune(office_db, commune["id"], "Xã Sơn Minh mới")
    assert keys.commune_row(office_db, commune["code"])["name"] == "Xã Sơn Minh mới"
    (key,) = keys.commune_key_rows(office_db, commune["id"])
    assert (key["revoked_at"], key["revoked_by"]) == ("2026-01-02T03:04:05Z", "Ai Đó (aido)")
    assert key["registered_by"] == "Lê Văn Lãnh (lanhdao)"
    assert keys.current_office_key(office_db)["retired_at"] is None


def test_an_office_file_on_a_read_only_disk_opens_for_reading_and_refuses_writes(
    world, monkeypatch, capsys
):
    """As a commune's file does (tests/store/test_disks.py): read-only is simulated, the tests
    running as root."""
    import os

    from gnapp.cli import main
    from gnapp.store.errors import ReadOnlyError

    folder = world.office.parent.resolve()
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path).resolve().is_relative_to(folder):
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    with open_office(world.office) as office:
        assert office.read_only and office.identity.name
        with pytest.raises(ReadOnlyError, match="chỉ mở được để xem"):
            office.set_setting("watched_folder", "x")
    assert main(["office", "board", "--db", str(world.office)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("GNAPP_PASSPHRASE", OFFICE_PASSPHRASE)
    monkeypatch.setenv("GNAPP_USER_PASSWORD", OFFICE_ADMIN.password)
    receive = ["office", "receive", str(world.package), "--db", str(world.office)]
    assert main([*receive, "--user", OFFICE_ADMIN.username]) == 1
    err = capsys.readouterr().err
    assert "chỉ mở được để xem" in err and "Traceback" not in err
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before


def test_a_read_only_office_file_that_needs_upgrading_is_refused_untouched(tmp_path, monkeypatch):
    import os

    from gnapp.store.errors import ReadOnlyError

    path = tmp_path / "cu.gnoffice"
    open_office(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")  # as an office file of the first schema
    conn.execute("ALTER TABLE packages DROP COLUMN log_head")
    conn.execute("ALTER TABLE packages DROP COLUMN log_length")
    conn.close()
    before = path.read_bytes()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: not mode & os.W_OK and real(p, mode))
    with pytest.raises(ReadOnlyError, match=r"chỉ đọc .* cần nâng cấp"):
        open_office(path)
    assert path.read_bytes() == before
