"""Keys: kept only encrypted under a passphrase (Argon2id + ChaCha20-Poly1305), public key files
and fingerprints, key changes signed by the old key and the new one."""

from __future__ import annotations

import base64
import json
import unicodedata

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gnapp.core.passphrase import ARGON2ID, DEFAULT_KDF
from gnapp.packages import commune, keys
from gnapp.packages.keys import (
    AGREEMENT,
    SIGNING,
    KeyProblem,
    fingerprint,
    open_secret,
    read_key_change,
    read_public_key,
    same_fingerprint,
    seal_secret,
)
from gnapp.store.setup import AdminAccount, CommuneIdentity, VillageEntry
from gnapp.store.setup import create_commune_database as create
from gnapp.store.users import TEST_COST
from tests.packages.world import KDF, PASSPHRASE


def test_the_default_kdf_is_argon2id_with_rfc_9106_memory():
    assert DEFAULT_KDF == ARGON2ID
    assert (DEFAULT_KDF.memory_cost, DEFAULT_KDF.iterations, DEFAULT_KDF.lanes) == (65536, 3, 4)


@pytest.mark.parametrize("algorithm", [SIGNING, AGREEMENT])
def test_a_sealed_key_opens_with_its_passphrase_only(algorithm):
    raw, public = keys.new_key_pair(algorithm)
    record = seal_secret(algorithm, raw, public, "đúng mật khẩu rồi", KDF)
    assert base64.b64encode(raw).decode() not in record
    assert open_secret(record, "đúng mật khẩu rồi") == (algorithm, raw, public)
    # the same letters typed decomposed (NFD) are the same passphrase
    assert open_secret(record, unicodedata.normalize("NFD", "đúng mật khẩu rồi"))[1] == raw
    with pytest.raises(KeyProblem, match="Mật khẩu không đúng"):
        open_secret(record, "sai mật khẩu rồi")


def test_a_changed_secret_record_is_refused():
    raw, public = keys.new_key_pair(SIGNING)
    record = json.loads(seal_secret(SIGNING, raw, public, "mật khẩu đủ dài", KDF))
    record["kdf"]["iterations"] = 2  # bound by the associated data
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    with pytest.raises(KeyProblem):
        open_secret(text, "mật khẩu đủ dài")
    record["kdf"]["memory_cost"] = 10**9  # beyond what a record may ask for
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    with pytest.raises(KeyProblem, match="giới hạn"):
        open_secret(text, "mật khẩu đủ dài")


def test_a_short_passphrase_is_refused(new_db):
    with pytest.raises(KeyProblem, match="ít nhất 10 ký tự"):
        commune.create_signing_key(new_db, "ngắn", kdf=KDF)


def test_the_signing_key_is_never_stored_in_clear(demo_db):
    commune.create_signing_key(demo_db, PASSPHRASE, kdf=KDF)
    raw = commune.unlock_signing_key(demo_db.db, PASSPHRASE).private_bytes_raw()
    demo_db.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = demo_db.path.read_bytes()
    for form in (raw, raw.hex().encode(), base64.b64encode(raw)):
        assert form not in stored
    with pytest.raises(KeyProblem, match="Mật khẩu không đúng"):
        commune.unlock_signing_key(demo_db.db, "không phải mật khẩu")


def test_fingerprints_are_four_groups_of_base32_and_compare_loosely():
    _, public = keys.new_key_pair(SIGNING)
    printed = fingerprint(SIGNING, public)
    groups = printed.split("-")
    assert [len(g) for g in groups] == [5, 5, 5, 5]
    assert set("".join(groups)) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert same_fingerprint(printed.lower().replace("-", " "), printed)
    assert not same_fingerprint(printed[:-1] + ("A" if printed[-1] != "A" else "B"), printed)
    assert fingerprint(AGREEMENT, public) != printed  # the algorithm is part of it


def test_a_public_key_file_round_trips_and_a_changed_one_is_refused(demo_db):
    key = commune.create_signing_key(demo_db, PASSPHRASE, kdf=KDF).public
    content = key.file_bytes()
    assert read_public_key(content, SIGNING) == key
    with pytest.raises(KeyProblem, match="không phải khóa mã hóa"):
        read_public_key(content, AGREEMENT)
    record = json.loads(content)
    other = base64.b64decode(record["public_key"])
    record["public_key"] = base64.b64encode(bytes([other[0] ^ 1]) + other[1:]).decode()
    changed = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    with pytest.raises(KeyProblem, match="dấu vân tay"):
        read_public_key(changed.encode())
    with pytest.raises(KeyProblem, match="không ở dạng chuẩn"):
        read_public_key(json.dumps(json.loads(content), indent=1).encode())


def test_a_second_key_needs_a_change_or_a_replacement(demo_db):
    first = commune.create_signing_key(demo_db, PASSPHRASE, kdf=KDF)
    with pytest.raises(KeyProblem, match="key change"):
        commune.create_signing_key(demo_db, PASSPHRASE, kdf=KDF)
    second = commune.create_signing_key(demo_db, "mật khẩu mới của xã", replace=True, kdf=KDF)
    assert second.public != first.public and second.change_statement is None
    assert [k.retired_at is None for k in commune.signing_keys(demo_db.db)] == [False, True]


def test_a_key_change_is_signed_by_the_old_key_and_the_new_one(demo_db):
    old = commune.create_signing_key(demo_db, PASSPHRASE, kdf=KDF)
    change = commune.change_signing_key(demo_db, PASSPHRASE, "mật khẩu mới của xã", kdf=KDF)
    new = commune.require_signing_key(demo_db.db)
    assert change.old_key.raw == old.public.raw and change.new_key.raw == new.public.raw
    assert change.from_sequence == 1
    assert new.change_statement == change.file_bytes()
    read = read_key_change(change.file_bytes())
    assert read.new_key.fingerprint == new.public.fingerprint
    with pytest.raises(KeyProblem, match="Mật khẩu không đúng"):
        commune.change_signing_key(demo_db, PASSPHRASE, "mật khẩu thứ ba của xã", kdf=KDF)


def test_a_changed_or_forged_key_change_is_refused(demo_db):
    commune.create_signing_key(demo_db, PASSPHRASE, kdf=KDF)
    change = commune.change_signing_key(demo_db, PASSPHRASE, "mật khẩu mới của xã", kdf=KDF)
    content = json.loads(change.file_bytes())
    content["statement"]["from_sequence"] = 9

    def canonical(value):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    with pytest.raises(KeyProblem, match="chữ ký bằng khóa cũ"):
        read_key_change(canonical(content).encode())
    intruder = Ed25519PrivateKey.generate()
    forged = change.__class__(
        change.commune_code,
        change.commune_name,
        change.old_key,
        change.new_key,
        change.changed_at,
        change.from_sequence,
    ).signed(intruder, intruder)
    with pytest.raises(KeyProblem, match="chữ ký"):
        read_key_change(forged.file_bytes())


@pytest.mark.parametrize(
    ("passphrase", "hint"),
    [
        ("ngắn", "Quá ngắn"),
        ("aaaaaaaaaaaa", "Yếu: lặp lại"),
        ("matkhauxa12", "Yếu: nên dài hơn"),
        ("Matkhauxa123", "Khá"),
        ("lúa chín vàng đồng", "Mạnh"),
        ("Xã-Sơn-Minh-2026", "Mạnh"),
    ],
)
def test_passphrase_strength_in_plain_words(passphrase, hint):
    assert keys.passphrase_strength(passphrase).startswith(hint)


def test_a_public_key_file_is_written_once(world, tmp_path):
    path = keys.write_public_key(world.commune_key, tmp_path)
    assert path.name == "khoa-ky-21555.gnpub"
    assert keys.read_public_key(path.read_bytes()) == world.commune_key
    with pytest.raises(keys.KeyProblem, match="Tệp đã tồn tại, không ghi đè"):
        keys.write_public_key(world.commune_key, path)


def test_a_new_commune_is_set_up_with_its_keys_or_not_at_all(tmp_path):
    identity = CommuneIdentity("21555", "Xã Sơn Minh", "xa", "Quảng Ngãi")
    villages, admin = [VillageEntry("01", "Thôn An Phú")], AdminAccount("qt", "Lê Quản", "matkhau1")
    _, public = keys.new_key_pair(AGREEMENT)
    office = keys.PublicKey(AGREEMENT, public, "office", "", "Sở NN&MT", "2026-01-01T00:00:00Z")
    path = tmp_path / "xa.gnapp"
    with pytest.raises(KeyProblem):
        create(
            path, identity, villages, admin, cost=TEST_COST, keys=commune.setup_keys("ngắn", None)
        )
    assert not path.exists()
    setup = commune.setup_keys(PASSPHRASE, office, kdf=KDF)
    with create(path, identity, villages, admin, cost=TEST_COST, keys=setup) as cdb:
        assert commune.unlock_signing_key(cdb.db, PASSPHRASE)
        assert commune.office_key(cdb.db).fingerprint == office.fingerprint
