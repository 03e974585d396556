"""The receiving office: registering communes, receiving packages with every check and the
chain (replays, gaps, late packages, forks), corrections with their differences, key changes
and replaced keys, the board."""

from __future__ import annotations

import json
import shutil

import pytest

from gnapp.office import registry
from gnapp.office.board import board, receipt_history, received_packages
from gnapp.office.receive import expand, receive_files, receive_package
from gnapp.office.store.database import open_office
from gnapp.packages import commune
from gnapp.packages.build import build_package, choose_report
from gnapp.packages.keys import KeyProblem, read_key_change
from gnapp.store.database import open_database
from gnapp.store.errors import DatabaseError
from gnapp.store.reports import load_report
from tests.packages.world import (
    IDENTITY,
    KDF,
    OFFICE_ACCOUNTS,
    PASSPHRASE,
    SIGNER,
    office_head,
    save_annual_report,
)


def _build(cdb, folder, report_id=None, passphrase=PASSPHRASE, **options):
    report = choose_report(cdb, report_id, "annual", "2025")
    return build_package(cdb, report, passphrase=passphrase, folder=folder, **SIGNER, **options)


def _receive(office, path, key):
    return receive_package(office, path.read_bytes(), path.name, key, office_head(office))


def test_a_package_is_taken_in_whole(world, office_db, office_private):
    (receipt,) = receive_files(office_db, [world.package], office_private, office_head(office_db))
    assert receipt.accepted, receipt.verification.report()
    assert receipt.verification.checks[-1].code == "chain"
    stored = dict(
        office_db.db.execute(
            "SELECT name, content FROM package_files WHERE package_id = ?", [receipt.package_id]
        ).fetchall()
    )
    assert stored == receipt.verification.files
    assert stored["report.pdf"].startswith(b"%PDF")
    assert json.loads(stored["households.json"])["lists"]["poor"]
    (package,) = received_packages(office_db)
    assert (package.commune_code, package.sequence, package.households) == ("21555", 1, True)
    assert "ĐÃ NHẬN báo cáo năm 2025 của Xã Sơn Minh (gói số 1)" in receipt.summary()


def test_a_refused_package_leaves_only_a_receipt(world, office_db, office_private):
    data = bytearray(world.package.read_bytes())
    data[len(data) // 2] ^= 0x10
    receipt = receive_package(
        office_db, bytes(data), "hong.gnpkg", office_private, office_head(office_db)
    )
    assert not receipt.accepted
    assert "KHÔNG NHẬN" in receipt.summary() and receipt.failure.name in receipt.summary()
    for table in ("packages", "package_files", "communes"):
        count = office_db.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert count == (1 if table == "communes" else 0)
    (row,) = office_db.db.execute("SELECT accepted, check_code, message FROM receipts").fetchall()
    assert row[0] == 0 and row[1] and row[2]


def test_an_unknown_commune_is_refused(world, office_private, tmp_path):
    other_path = tmp_path / "khac.gnoffice"
    with registry.create_office(
        other_path, IDENTITY, "mật khẩu tỉnh khác", **OFFICE_ACCOUNTS, kdf=KDF
    ) as other:
        receipt = _receive(other, world.package, office_private)
    assert receipt.failure.code == "commune"
    assert "chưa được đăng ký" in receipt.failure.message


def test_what_receiving_shows_follows_the_language_and_what_it_keeps_stays_vietnamese(
    world, commune_db, office_db, office_private, english
):
    _build(commune_db, world.folder, encrypt=False)
    third = _build(commune_db, world.folder, encrypt=False)
    assert _receive(office_db, world.package, office_private).accepted
    late = _receive(office_db, third.path, office_private)
    assert late.notes[0] == "The commune's package no. 2 is missing (not received)."
    assert "RECEIVED" in late.summary() and late.summary().endswith(late.notes[-1])
    again = _receive(office_db, third.path, office_private)
    assert again.failure.message.startswith("This package (no. 3) was already received at")
    assert again.failure.recorded.startswith("Gói này (gói số 3) đã được nhận lúc")
    history = receipt_history(office_db, 3)
    assert history[0].message == again.failure.recorded
    assert history[1].notes[0] == "Thiếu gói số 2 của xã (chưa nhận)."
    assert history[1].notes[1].startswith("Bản sửa của báo cáo đã nhận (gói số 1)")


def test_a_replay_is_refused(world, office_db, office_private):
    assert _receive(office_db, world.package, office_private).accepted
    again = _receive(office_db, world.package, office_private)
    assert not again.accepted and again.failure.code == "chain"
    assert "đã được nhận" in again.failure.message
    # the same bytes in a watched folder are not offered again
    assert expand(office_db, [world.package.parent]) == []


def test_gaps_and_late_packages_are_flagged_and_forks_refused(
    world, commune_db, office_db, office_private, quick
):
    second = _build(commune_db, world.folder, encrypt=False)
    third = _build(commune_db, world.folder, encrypt=False)
    assert [p.manifest.sequence for p in (second, third)] == [2, 3]
    assert _receive(office_db, world.package, office_private).accepted
    late = _receive(office_db, third.path, office_private)
    assert late.accepted and any("Thiếu gói số 2" in note for note in late.notes)
    filling = _receive(office_db, second.path, office_private)
    assert filling.accepted and any("đến muộn" in note for note in filling.notes)
    # another package numbered 3, built from a copy of the commune's file: a fork
    fork_db = world.commune.with_name("ban-sao.gnapp")
    commune_db.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(world.commune, fork_db)
    with open_database(fork_db) as copy:
        copy.db.execute("DELETE FROM sent_packages WHERE sequence = 3")
        fork_folder = world.folder / "fork"
        fork_folder.mkdir()
        fork = _build(copy, fork_folder)  # encrypted: its bytes differ from package 3's
    assert fork.manifest.sequence == 3 and fork.hash != third.hash
    refused = _receive(office_db, fork.path, office_private)
    assert refused.failure.code == "chain" and "cùng số thứ tự 3" in refused.failure.message


def test_a_broken_chain_is_refused(world, commune_db, office_db, office_private, quick):
    assert _receive(office_db, world.package, office_private).accepted
    commune_db.db.execute("UPDATE sent_packages SET hash = ? WHERE sequence = 1", ["0" * 64])
    broken = _build(commune_db, world.folder, encrypt=False)
    receipt = _receive(office_db, broken.path, office_private)
    assert receipt.failure.code == "chain" and "không khớp gói số 1" in receipt.failure.message


def test_a_correction_shows_its_differences(world, commune_db, office_db, office_private, quick):
    assert _receive(office_db, world.package, office_private).accepted
    figures = load_report(commune_db.db, world.report_id).figures
    village = figures["end"]["villages"][0]
    village["households"] += 5
    for target in figures["targets"]:
        target["target"] += 1
    corrected = save_annual_report(commune_db, figures)
    built = _build(commune_db, world.folder, report_id=corrected, encrypt=False)
    receipt = _receive(office_db, built.path, office_private)
    assert receipt.accepted and receipt.corrects is not None
    lines = [d.line() for d in receipt.differences]
    assert any(line.startswith(f"{village['name']}, Tổng số hộ:") for line in lines)
    assert any(line.startswith("Chỉ tiêu") for line in lines)
    shown = board(office_db)
    cell = shown.cell("21555", ("annual", "2025"))
    assert cell.versions == 2 and cell.package.sequence == 2 and "bản sửa lần 1" in cell.text


def test_the_receipt_history_keeps_every_file_offered(
    world, commune_db, office_db, office_private, quick
):
    from gnapp.office.board import receipt_history

    assert _receive(office_db, world.package, office_private).accepted
    assert not _receive(office_db, world.package, office_private).accepted  # a replay
    figures = load_report(commune_db.db, world.report_id).figures
    figures["end"]["villages"][0]["households"] += 1
    corrected = save_annual_report(commune_db, figures)
    built = _build(commune_db, world.folder, report_id=corrected, encrypt=False)
    assert _receive(office_db, built.path, office_private).accepted
    newest, replay, first = receipt_history(office_db)
    assert (first.accepted, first.correction, first.commune_name) == (True, False, "Xã Sơn Minh")
    assert first.report == "Báo cáo năm 2025" and first.file_name == world.package.name
    assert not replay.accepted and replay.check and "đã được nhận" in replay.message
    assert newest.accepted and newest.correction
    assert receipt_history(office_db, limit=1) == [newest]


def test_the_board_shows_who_has_not_sent(world, office_db, office_private, tmp_path):
    other_key = _second_commune_key(tmp_path)
    registry.register_commune(office_db, other_key, office_head(office_db))
    assert _receive(office_db, world.package, office_private).accepted
    shown = board(office_db)
    assert shown.columns == (("annual", "2025"),)
    assert shown.missing(("annual", "2025")) == ["Xã Thử Nghiệm"]
    assert shown.cell("21555", ("annual", "2025")).text.startswith("Đã nhận ")


def _second_commune_key(tmp_path):
    from gnapp.store.register import save_commune

    with open_database(tmp_path / "xa2.gnapp", create=True) as cdb:
        save_commune(cdb, code="21556", name="Xã Thử Nghiệm", kind="xa", province="Quảng Ngãi")
        return commune.create_signing_key(cdb, PASSPHRASE, kdf=KDF).public


def test_registration_refuses_a_second_key_without_replace(world, office_db, tmp_path):
    with pytest.raises(KeyProblem, match="đã được đăng ký"):
        registry.register_commune(office_db, world.commune_key, office_head(office_db))
    other = _second_commune_key(tmp_path)
    impostor = other.__class__(other.algorithm, other.raw, "commune", "21555", "Xã Sơn Minh", "")
    with pytest.raises(KeyProblem, match="--replace"):
        registry.register_commune(office_db, impostor, office_head(office_db))


def test_a_key_change_moves_the_commune_to_its_new_key(
    world, commune_db, office_db, office_private, quick
):
    assert _receive(office_db, world.package, office_private).accepted
    change = commune.change_signing_key(commune_db, PASSPHRASE, "mật khẩu mới của xã", kdf=KDF)
    assert change.from_sequence == 2
    signed_new = _build(commune_db, world.folder, passphrase="mật khẩu mới của xã", encrypt=False)
    refused = _receive(office_db, signed_new.path, office_private)
    assert refused.failure.code == "key"  # the office does not know the new key yet
    registry.apply_key_change(
        office_db, read_key_change(change.file_bytes()), change.file_bytes(), office_head(office_db)
    )
    assert _receive(office_db, signed_new.path, office_private).accepted
    with pytest.raises(KeyProblem, match="không phải khóa hiện hành"):
        registry.apply_key_change(office_db, change, change.file_bytes(), office_head(office_db))
    keys = registry.find_commune(office_db, "21555").keys
    assert [(k.from_sequence, k.until_sequence) for k in keys] == [(1, 2), (2, None)]


def test_the_old_key_signs_nothing_after_the_change(
    world, commune_db, office_db, office_private, quick
):
    """A package numbered after the change but signed with the old key (e.g. by whoever took
    the old key) is refused."""
    # the old key, before it is retired, signs package 2 into a copy of the commune
    copy_path = world.commune.with_name("cu.gnapp")
    commune_db.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(world.commune, copy_path)
    change = commune.change_signing_key(commune_db, PASSPHRASE, "mật khẩu mới của xã", kdf=KDF)
    registry.apply_key_change(office_db, change, change.file_bytes(), office_head(office_db))
    assert _receive(office_db, world.package, office_private).accepted  # package 1: old key, fine
    with open_database(copy_path) as old:
        stale = _build(old, world.folder, encrypt=False)
    receipt = _receive(office_db, stale.path, office_private)
    assert receipt.failure.code == "key" and "đã đổi khóa" in receipt.failure.message


def test_a_replaced_key_after_a_lost_passphrase(
    world, commune_db, office_db, office_private, quick
):
    assert _receive(office_db, world.package, office_private).accepted
    new = commune.create_signing_key(commune_db, "mật khẩu mới của xã", replace=True, kdf=KDF)
    registry.register_commune(office_db, new.public, office_head(office_db), replace=True)
    built = _build(commune_db, world.folder, passphrase="mật khẩu mới của xã", encrypt=False)
    assert _receive(office_db, built.path, office_private).accepted
    keys = registry.find_commune(office_db, "21555").keys
    assert keys[0].revoked_at is not None and keys[1].current and keys[1].source == "replacement"


def test_office_and_commune_files_are_not_mistaken_for_each_other(world):
    with pytest.raises(DatabaseError, match="không phải dữ liệu của cơ quan"):
        open_office(world.commune)
    with pytest.raises(DatabaseError, match="không phải tệp dữ liệu của một xã"):
        open_database(world.office)


def test_the_office_key_opens_with_its_passphrase_only(office_db):
    with pytest.raises(KeyProblem, match="Mật khẩu không đúng"):
        registry.unlock_office_key(office_db, "không phải mật khẩu")


def test_a_folder_offers_its_new_package_files_only(world, office_db, office_private):
    folder = world.package.parent
    (folder / "ghi-chu.txt").write_text("không phải gói")
    (folder / "lien-ket.gnpkg").symlink_to(world.package)
    before = sorted(folder.rglob("*"))
    assert expand(office_db, [folder]) == [world.package]
    (receipt,) = receive_files(office_db, [folder], office_private, office_head(office_db))
    assert receipt.accepted
    assert receive_files(office_db, [folder], office_private, office_head(office_db)) == []
    after = [p for p in sorted(folder.rglob("*")) if not p.name.startswith("tinh.gnoffice")]
    assert after == [
        p for p in before if not p.name.startswith("tinh.gnoffice")
    ]  # nothing extracted


def test_the_same_report_can_be_packaged_again(world, commune_db, quick):
    """A report object held since before its first package (as a window would) still builds."""
    report = choose_report(commune_db, world.report_id)
    assert report.final  # the session's package made it final
    draft = save_annual_report(commune_db)
    held = choose_report(commune_db, draft)
    first = build_package(commune_db, held, passphrase=PASSPHRASE, folder=world.folder, **SIGNER)
    second = build_package(commune_db, held, passphrase=PASSPHRASE, folder=world.folder, **SIGNER)
    assert (first.manifest.sequence, second.manifest.sequence) == (2, 3)
    assert second.manifest.previous_package == first.hash


def test_a_file_that_cannot_be_read_is_refused_in_words(office_db, office_private, tmp_path):
    missing = tmp_path / "khong-co.gnpkg"
    (receipt,) = receive_files(office_db, [missing], office_private, office_head(office_db))
    assert not receipt.accepted
    check = receipt.verification.checks[0]
    assert check.recorded.startswith("Không đọc được tệp khong-co.gnpkg: ")
    assert "Errno" not in check.recorded and str(tmp_path) not in check.recorded
