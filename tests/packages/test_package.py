"""Building and verifying packages: the round trip, one changed byte anywhere refused, wrong
keys refused, encryption required for household data, only an approver signs."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from gnapp.packages import commune
from gnapp.packages.archive import read_archive, write_archive
from gnapp.packages.build import PackageError, build_package, choose_report
from gnapp.packages.canonical import canonical_json
from gnapp.packages.data import figures_from_data, read_report_data, report_data
from gnapp.packages.encryption import DecryptionError, decrypt_files, encrypt_files
from gnapp.packages.keys import SIGNING, PublicKey
from gnapp.packages.mail import email_draft
from gnapp.packages.manifest import (
    FIGURES,
    HOUSEHOLDS,
    MANIFEST,
    MEMBERS,
    SIGNATURE,
    read_manifest,
    signing_input,
)
from gnapp.packages.signer import Signer, SignerError, check_signer
from gnapp.packages.verify import verify_package
from gnapp.reporting.figures import ReportFigures, report_figures
from gnapp.store.lists import list_villages
from gnapp.store.register import get_commune
from gnapp.store.reports import load_report
from gnapp.store.users import User
from tests.packages.world import APPROVER, PASSPHRASE, SIGNER


def _members(path) -> dict[str, bytes]:
    return dict(read_archive(path.read_bytes()).members)


def _rezip(members: dict[str, bytes], encrypted: bool = True) -> bytes:
    """The members written again as the app writes them (so only their bytes differ): the
    manifest deflated, the signature stored, the files deflated unless ``encrypted``."""
    return write_archive(
        [
            (name, members[name], name == MANIFEST or (name != SIGNATURE and not encrypted))
            for name in members
        ]
    )


def _failed(verification) -> str | None:
    failure = verification.failure
    return failure.code if failure else None


def test_a_package_verifies_and_holds_the_report(world, office_private):
    data = world.package.read_bytes()
    verification = verify_package(data, world.commune_key, office_private)
    assert verification.ok, verification.report()
    assert [c.code for c in verification.checks] == [
        "archive",
        "manifest",
        "key",
        "signature",
        "files",
        "encryption",
        "decryption",
        "data",
        "signer",
    ]
    manifest = verification.manifest
    assert manifest.sequence == 1 and manifest.previous_package is None
    assert manifest.households and manifest.encryption is not None
    assert (manifest.signer_name, manifest.signer_role) == ("Nguyễn Văn An", "approver")
    assert verification.files["report.pdf"].startswith(b"%PDF")
    assert verification.files["report.xlsx"].startswith(b"PK")
    assert manifest.package_hash == hashlib.sha256(_members(world.package)[MANIFEST]).hexdigest()
    lists = verification.households["lists"]
    assert lists["poor"] and {"head_name", "head_citizen_id", "village"} <= set(lists["poor"][0])
    stored = _members(world.package)
    assert b"%PDF" not in stored["report.pdf"]  # encrypted
    for household in lists["poor"][:5]:
        assert household["head_name"].encode() not in world.package.read_bytes()


def test_the_chain_and_the_report_are_recorded(world, commune_db):
    (sent,) = commune.sent_packages(commune_db.db)
    assert (sent.sequence, sent.file_name, sent.encrypted, sent.households) == (
        1,
        world.package.name,
        True,
        True,
    )
    assert commune.chain_head(commune_db.db) == (2, sent.hash)
    assert load_report(commune_db.db, world.report_id).final


def test_figures_survive_the_data_file(commune_db):
    """The office rebuilds exactly the commune's figures from the counts (rates recomputed)."""
    codes = {v.id: v.code for v in list_villages(commune_db.db)}
    ids = {code: number for number, code in enumerate(codes.values(), start=1)}
    for kind, period in (
        ("annual", "2025"),
        ("six_month", "2026-H1"),
        ("end_of_period", "2021-2025"),
    ):
        figures = report_figures(commune_db.db, kind, period)
        data = report_data(figures, get_commune(commune_db.db), codes)
        rebuilt = figures_from_data(data)
        expected = figures.to_dict()
        for snapshot in ("start", "end"):
            for village in expected[snapshot]["villages"]:
                village["village_id"] = ids[codes[village["village_id"]]]
            # the day of a point and the decision quoted are the report's, not the data's
            expected[snapshot] |= {"on": "", "official": None}
        for village in expected["movements"]:
            village["village_id"] = ids[codes[village["village_id"]]]
        # the package's format does not carry section II.2 nor who set each target; what the
        # activities measure travels as the target's achieved value
        expected["outputs"] = None
        for target in expected["targets"]:
            target["giver"] = None
        assert rebuilt.to_dict() == expected, kind
    assert figures.outputs.measured  # a measured target was among them


def test_a_package_names_its_file_and_drafts_an_email(world):
    manifest = read_manifest(_members(world.package)[MANIFEST])
    assert world.package.name == "21555-bao-cao-nam-2025-so0001.gnpkg"
    draft = email_draft(manifest, world.package, world.package.stat().st_size, "UBND tỉnh")
    assert draft.subject == "[GNApp] Xã Sơn Minh gửi báo cáo năm 2025 (gói số 1)"
    for text in (world.package.name, manifest.signing_key, "KB", "mã hóa", "Kính gửi: UBND tỉnh"):
        assert text in draft.body
    # the report was saved as "15": the full number, as the PDF prints it
    assert manifest.document_number == "15/BC-UBND" and "văn bản số 15/BC-UBND." in draft.body
    assert draft.attachment == world.package


def test_the_email_is_addressed_to_the_receiving_office(demo_db):
    """Without the office's key, the e-mail is addressed to the receiving office the commune
    reports to (its reports' "Kính gửi"), not to a generic "cơ quan nhận báo cáo"."""
    office = get_commune(demo_db.db)["receiving_office_name"]
    assert office and commune.office_key(demo_db.db) is None
    assert commune.mail_recipient(demo_db.db) == office
    key = X25519PrivateKey.generate().public_key().public_bytes_raw()
    commune.set_office_key(demo_db, PublicKey("X25519", key, "office", "", "UBND tỉnh", ""))
    assert commune.mail_recipient(demo_db.db) == "UBND tỉnh"


# --- one changed byte anywhere ------------------------------------------------------------


def test_one_changed_byte_in_every_member_is_refused(world, office_private):
    members = _members(world.package)
    assert set(members) == set(MEMBERS)
    expected = {MANIFEST: {"manifest", "key", "signature"}, SIGNATURE: {"signature"}}
    for name, content in members.items():
        for position in {0, len(content) // 2, len(content) - 1}:
            changed = dict(members)
            changed[name] = (
                content[:position] + bytes([content[position] ^ 0x01]) + content[position + 1 :]
            )
            verification = verify_package(_rezip(changed), world.commune_key, office_private)
            assert not verification.ok
            assert _failed(verification) in expected.get(name, {"files"}), (name, position)


@settings(max_examples=80, deadline=None)
@given(
    member=st.sampled_from(MEMBERS),
    fraction=st.floats(min_value=0, max_value=1, exclude_max=True),
    flip=st.integers(min_value=1, max_value=255),
)
def test_a_changed_byte_at_any_position_of_any_member_is_refused(
    world_files, office_private, member, fraction, flip
):
    members = _members(world_files.package)
    content = members[member]
    position = int(fraction * len(content))
    members[member] = (
        content[:position] + bytes([content[position] ^ flip]) + content[position + 1 :]
    )
    assert not verify_package(_rezip(members), world_files.commune_key, office_private).ok


@settings(max_examples=150, deadline=None)
@given(
    fraction=st.floats(min_value=0, max_value=1, exclude_max=True),
    flip=st.integers(min_value=1, max_value=255),
)
def test_a_changed_byte_anywhere_in_the_file_never_changes_what_is_accepted(
    world_files, office_private, fraction, flip
):
    """Whatever byte of the file changes, the package is refused with a message, or (the bits
    a deflate decoder ignores, padding its last byte) it still holds exactly the signed members."""
    data = world_files.package.read_bytes()
    position = int(fraction * len(data))
    changed = data[:position] + bytes([data[position] ^ flip]) + data[position + 1 :]
    verification = verify_package(changed, world_files.commune_key, office_private)
    if verification.ok:
        assert dict(read_archive(changed).members) == _members(world_files.package)
    else:
        assert verification.failure is not None and verification.failure.message


def test_a_damaged_member_is_refused_in_vietnamese(world_files, office_private):
    """A byte changed inside a member's stored data breaks its CRC: the message says so in
    Vietnamese, without the ZIP library's English."""
    data = bytearray(world_files.package.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = max(archive.infolist(), key=lambda i: i.compress_size)
    header = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    start = header + info.compress_size // 2
    data[start] ^= 0x01
    verification = verify_package(bytes(data), world_files.commune_key, office_private)
    assert not verification.ok
    message = verification.failure.message
    assert "CRC không khớp" in message or "bị hỏng" in message, message
    assert "Bad" not in message and "Error" not in message


def test_a_manifest_changed_and_signed_again_by_someone_else_is_refused(world, office_private):
    members = _members(world.package)
    raw = read_manifest(members[MANIFEST]).to_dict()
    raw["signer"]["name"] = "Kẻ giả mạo"
    intruder = Ed25519PrivateKey.generate()
    members[MANIFEST] = canonical_json(raw)
    members[SIGNATURE] = intruder.sign(signing_input(members[MANIFEST]))
    verification = verify_package(_rezip(members), world.commune_key, office_private)
    assert _failed(verification) == "signature"
    # naming its own key instead does not help: it is not the commune's
    raw["signing_key"] = PublicKey(
        SIGNING, intruder.public_key().public_bytes_raw(), "commune", "21555", "x", ""
    ).fingerprint
    members[MANIFEST] = canonical_json(raw)
    members[SIGNATURE] = intruder.sign(signing_input(members[MANIFEST]))
    verification = verify_package(_rezip(members), world.commune_key, office_private)
    assert _failed(verification) == "key"
    assert raw["signing_key"] in verification.failure.message


def test_wrong_office_key_cannot_open_the_package(world):
    verification = verify_package(
        world.package.read_bytes(), world.commune_key, X25519PrivateKey.generate()
    )
    assert _failed(verification) == "decryption"
    assert "không phải khóa của cơ quan này" in verification.failure.message
    without = verify_package(world.package.read_bytes(), world.commune_key)
    assert without.failure is None and not without.ok and not without.complete


def test_encryption_round_trip_and_wrong_key(world):
    files = {"report.pdf": b"%PDF-1.7 ...", FIGURES: b"{}", HOUSEHOLDS: "Nguyễn Văn An".encode()}
    office = X25519PrivateKey.generate()
    key = PublicKey("X25519", office.public_key().public_bytes_raw(), "office", "", "Tỉnh", "")
    sealed, encryption = encrypt_files(files, key)
    assert all(files[n] not in sealed[n] for n in files)
    assert decrypt_files(sealed, encryption, office) == files
    with pytest.raises(DecryptionError, match="không phải khóa của cơ quan này"):
        decrypt_files(sealed, encryption, X25519PrivateKey.generate())
    swapped = {FIGURES: sealed[HOUSEHOLDS], HOUSEHOLDS: sealed[FIGURES]}
    with pytest.raises(DecryptionError, match="đã bị thay đổi"):
        decrypt_files(swapped, encryption, office)


# --- rules of building ----------------------------------------------------------------------


def test_household_lists_are_never_sent_in_clear(world, commune_db):
    report = choose_report(commune_db, world.report_id)
    with pytest.raises(PackageError, match="phải được mã hóa"):
        build_package(
            commune_db,
            report,
            passphrase=PASSPHRASE,
            folder=world.folder,
            with_households=True,
            encrypt=False,
            **SIGNER,
        )
    commune_db.db.execute("DELETE FROM office_key")
    with pytest.raises(PackageError, match="khóa mã hóa của cơ quan nhận"):
        build_package(
            commune_db,
            report,
            passphrase=PASSPHRASE,
            folder=world.folder,
            with_households=True,
            **SIGNER,
        )
    assert list(world.folder.iterdir()) == []


def test_a_hand_made_package_with_households_in_clear_is_refused(world, office_private):
    """Even correctly signed: the rule is checked on reading too."""
    members = _members(world.package)
    clear = verify_package(world.package.read_bytes(), world.commune_key, office_private).files
    raw = read_manifest(members[MANIFEST]).to_dict()
    raw["encryption"] = None
    for entry in raw["files"]:
        del entry["stored_size"], entry["stored_sha256"]
    manifest = canonical_json(raw)
    signer = Ed25519PrivateKey.generate()
    key = PublicKey(SIGNING, signer.public_key().public_bytes_raw(), "commune", "21555", "x", "")
    raw["signing_key"] = key.fingerprint
    manifest = canonical_json(raw)
    package = {MANIFEST: manifest, SIGNATURE: signer.sign(signing_input(manifest)), **clear}
    verification = verify_package(_rezip(package, encrypted=False), key)
    assert _failed(verification) == "encryption"


def test_only_an_approver_signs(world, commune_db):
    clerk = User(3, "canbo", "Lê Thị Cán Bộ", ("clerk", "admin"), True)
    before = set(world.folder.iterdir())
    with pytest.raises(SignerError, match="Chỉ lãnh đạo phê duyệt mới được ký"):
        build_package(
            commune_db,
            choose_report(commune_db, world.report_id),
            signer=clerk,
            passphrase=PASSPHRASE,
            folder=world.folder,
        )
    assert set(world.folder.iterdir()) == before
    with pytest.raises(SignerError, match="Chưa đăng nhập"):
        check_signer(None)
    assert check_signer(APPROVER) == Signer("Nguyễn Văn An", "approver")


def test_a_wrong_passphrase_builds_nothing(world, commune_db):
    from gnapp.packages.keys import KeyProblem

    with pytest.raises(KeyProblem, match="Mật khẩu không đúng"):
        build_package(
            commune_db,
            choose_report(commune_db, world.report_id),
            passphrase="không phải mật khẩu",
            folder=world.folder,
            **SIGNER,
        )
    assert list(world.folder.iterdir()) == []
    assert commune.chain_head(commune_db.db)[0] == 2


def test_a_package_is_never_written_over(world, commune_db):
    report = choose_report(commune_db, world.report_id)
    (world.folder / "21555-bao-cao-nam-2025-so0002.gnpkg").write_bytes(b"earlier")
    with pytest.raises(PackageError, match="không ghi đè"):
        build_package(commune_db, report, passphrase=PASSPHRASE, folder=world.folder, **SIGNER)
    assert commune.chain_head(commune_db.db)[0] == 2


def test_a_later_package_continues_the_chain(world, commune_db, office_private):
    report = choose_report(commune_db, kind="annual", period="2025")
    built = build_package(
        commune_db, report, passphrase=PASSPHRASE, folder=world.folder, encrypt=False, **SIGNER
    )
    first = read_manifest(_members(world.package)[MANIFEST])
    assert built.manifest.sequence == 2
    assert built.manifest.previous_package == first.package_hash
    assert built.manifest.encryption is None and not built.manifest.households
    verification = verify_package(built.path.read_bytes(), world.commune_key)
    assert verification.ok, verification.report()
    data = read_report_data(verification.files[FIGURES])
    assert ReportFigures.from_dict(
        load_report(commune_db.db, report.id).figures
    ).commune.households == (sum(v["values"]["households"] for v in data["villages"]))


def test_the_signed_members_in_another_container_are_refused(world, office_private):
    """The container is bound too: the same signed members zipped otherwise (another order,
    another tool's times and modes) are refused before the manifest is read."""
    members = _members(world.package)
    for order in (list(members), list(reversed(list(members)))):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as made:
            for name in order:
                made.writestr(name, members[name])
        verification = verify_package(buffer.getvalue(), world.commune_key, office_private)
        assert _failed(verification) == "archive"
    assert verify_package(_rezip(members), world.commune_key, office_private).ok


def test_encrypted_files_deflated_are_refused(world, office_private):
    """The one container choice the manifest decides: encrypted files stored, others deflated."""
    verification = verify_package(
        _rezip(_members(world.package), encrypted=False), world.commune_key, office_private
    )
    assert _failed(verification) == "files"
    assert "Cách nén" in verification.failure.message


def test_a_sent_package_is_read_back_from_its_file(world, commune_db):
    from gnapp.packages.build import sent_manifest

    data = world.package.read_bytes()
    sent = commune.sent_packages(commune_db.db)[0]
    assert sent_manifest(data, sent.hash).sequence == 1
    with pytest.raises(PackageError, match="không phải gói đã chọn"):
        sent_manifest(data, "0" * 64)
    with pytest.raises(PackageError, match="không phải gói báo cáo GNApp"):
        sent_manifest(b"PK\x03\x04 hong", sent.hash)
