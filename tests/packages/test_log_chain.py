"""The change log's length and head in every package, and the office's note when a commune's
log no longer extends what an earlier package carried (docs/change-log.md)."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from gnapp.cli import main
from gnapp.office.board import receipt_history
from gnapp.office.receive import receive_package
from gnapp.packages.build import build_package, choose_report
from gnapp.store import changelog, register
from tests.packages.world import (
    PASSPHRASE,
    SIGNER,
    office_head,
)

SHORTER = "Nhật ký thay đổi của xã ngắn hơn khi gửi gói số 1"
NOT_EXTENDING = "Nhật ký thay đổi của xã không nối tiếp nhật ký đã nhận ở gói số 1"


def _send(cdb, world, office, key):
    report = choose_report(cdb, None, "annual", "2025")
    built = build_package(
        cdb, report, passphrase=PASSPHRASE, folder=world.folder, encrypt=False, **SIGNER
    )
    return built, receive_package(
        office, built.path.read_bytes(), built.path.name, key, office_head(office)
    )


def _log_notes(receipt):
    return [note for note in receipt.notes if note.startswith("Nhật ký thay đổi")]


def _by_hand(world):
    return sqlite3.connect(world.commune, isolation_level=None)


def test_each_package_carries_the_log_and_the_office_keeps_it(
    world, commune_db, office_db, office_private, quick
):
    first = receive_package(
        office_db, world.package.read_bytes(), "1.gnpkg", office_private, office_head(office_db)
    )
    log = first.verification.manifest.change_log
    assert log.previous_length is None and log.length > 0
    assert changelog.hash_at(commune_db.db.conn, log.length) == log.head
    stored = office_db.db.execute("SELECT log_length, log_head FROM packages").fetchone()
    assert stored == (log.length, log.head)
    register.add_village(commune_db, "T99", "Thôn Mới", "rural")
    built, second = _send(commune_db, world, office_db, office_private)
    assert second.accepted and _log_notes(second) == []
    assert built.manifest.change_log.previous_length == log.length
    assert built.manifest.change_log.previous_head == log.head


def test_rows_removed_from_the_end_are_seen_by_the_office(
    world, commune_db, office_db, office_private, quick, capsys
):
    first = receive_package(
        office_db, world.package.read_bytes(), "1.gnpkg", office_private, office_head(office_db)
    )
    sent = first.verification.manifest.change_log
    conn = _by_hand(world)
    # the last row the office received, and everything after it: the file alone stays whole
    conn.execute(
        "DELETE FROM change_log WHERE id >= (SELECT id FROM change_log ORDER BY id "
        "LIMIT 1 OFFSET ?)",
        [sent.length - 1],
    )
    assert changelog.verify_chain(conn) is None
    conn.close()
    assert main(["db", "check", str(world.commune)]) == 0
    _, second = _send(commune_db, world, office_db, office_private)
    assert second.accepted
    assert any(note.startswith(SHORTER) for note in _log_notes(second)), second.notes
    (newest, _) = receipt_history(office_db)
    assert any(note.startswith(SHORTER) for note in newest.notes)
    assert SHORTER in second.summary()


def test_rows_replaced_after_a_package_are_seen_even_when_the_log_grew_again(
    world, commune_db, office_db, office_private, quick
):
    first = receive_package(
        office_db, world.package.read_bytes(), "1.gnpkg", office_private, office_head(office_db)
    )
    sent = first.verification.manifest.change_log
    conn = _by_hand(world)
    conn.execute("DELETE FROM change_log WHERE id = (SELECT max(id) FROM change_log)")
    conn.execute(
        "DELETE FROM change_log WHERE id = (SELECT id FROM change_log ORDER BY id "
        "LIMIT 1 OFFSET ?)",
        [sent.length - 1],
    )
    changelog.compute_chain(sqlite_utils.Database(conn))  # the whole chain written again
    assert changelog.verify_chain(conn) is None
    conn.close()
    for code in ("T97", "T98", "T99"):
        register.add_village(commune_db, code, f"Thôn {code}", "rural")
    built, second = _send(commune_db, world, office_db, office_private)
    assert built.manifest.change_log.length > sent.length
    assert any(note.startswith(NOT_EXTENDING) for note in _log_notes(second)), second.notes
