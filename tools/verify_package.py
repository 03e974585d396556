"""An independent reader of GNApp report packages, written from docs/package-format.md alone.

It uses only the Python standard library and ``cryptography`` (no GNApp code), so it checks that
the documentation is enough to verify a package:

    python tools/verify_package.py PACKAGE.gnpkg --key COMMUNE.gnpub [--office-db OFFICE.gnoffice]

Exit status: 0 every check passed; 1 a check failed; 2 nothing failed but the encrypted files
could not be opened (no office database given).
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import io
import json
import os
import sqlite3
import stat
import struct
import sys
import unicodedata
import zipfile
import zlib

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

# §1
ORDER = ["manifest.json", "manifest.sig", "report.pdf", "report.xlsx", "figures.json"]
HOUSEHOLDS = "households.json"
LIMITS = {
    "manifest.json": 1 << 20,
    "manifest.sig": 64,
    "report.pdf": 64 << 20,
    "report.xlsx": 32 << 20,
    "figures.json": 16 << 20,
    HOUSEHOLDS: 128 << 20,
}
MAX_FILE, MAX_TOTAL, RATIO, RATIO_FLOOR = 256 << 20, 256 << 20, 100, 64 << 10
MAX_KEY_FILE = 16 << 10
# §2, §4, §6
FINGERPRINT_PREFIX = b"GNApp key fingerprint v1\n"
SIGNED_PREFIX = b"GNApp package manifest v1\n"
WRAP_INFO = b"GNApp package v1 file key"
FILE_INFO = b"GNApp package v1 file\n"
ZERO_NONCE = bytes(12)
LISTS = ("poor", "near_poor")
DOWN = ("to_other_list", "escaped", "other_down")
UP = ("from_other_list", "fell_back", "newly", "other_up")


class Failed(Exception):
    pass


def b64(text: str, length: int | None = None) -> bytes:
    raw = base64.b64decode(text, validate=True)
    if length is not None and len(raw) != length:
        raise Failed(f"base64 value of {len(raw)} bytes, expected {length}")
    return raw


def fingerprint(algorithm: str, raw: bytes) -> str:
    digest = hashlib.sha256(FINGERPRINT_PREFIX + algorithm.encode() + b"\n" + raw).digest()
    letters = base64.b32encode(digest).decode()[:20]
    return "-".join(letters[i : i + 5] for i in range(0, 20, 5))


def strict_json(data: bytes, canonical: bool) -> dict:
    def pairs(items: list) -> dict:
        keys = [k for k, _ in items]
        if len(keys) != len(set(keys)):
            raise Failed("duplicate key")
        return dict(items)

    def no_float(text: str) -> None:
        raise Failed(f"number {text} is not an integer")

    def no_constant(text: str) -> None:
        raise Failed(f"{text} is not JSON")

    value = json.loads(
        data.decode("utf-8"),
        object_pairs_hook=pairs,
        parse_float=no_float if canonical else float,
        parse_constant=no_constant,
    )
    if not isinstance(value, dict):
        raise Failed("not a JSON object")
    if canonical:
        again = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        if again.encode("utf-8") != data:
            raise Failed("not canonical JSON (§3)")
    return value


def canonical_zip(entries: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """The container GNApp writes (§1) for (name, method, stored bytes, CRC-32, size)."""
    local, central = b"", b""
    for name, method, raw, crc, size in entries:
        encoded = name.encode("ascii")
        common = struct.pack(
            "<5H3L2H", 20, 0, method, 0, 0x0021, crc, len(raw), size, len(encoded), 0
        )
        central += b"PK\x01\x02" + struct.pack("<H", 0x0314) + common
        central += struct.pack("<3H2L", 0, 0, 0, 0o100644 << 16, len(local)) + encoded
        local += b"PK\x03\x04" + common + encoded + raw
    count = len(entries)
    end = struct.pack("<4H2LH", 0, 0, count, count, len(central), len(local), 0)
    return local + central + b"PK\x05\x06" + end


def read_zip(data: bytes) -> tuple[dict[str, bytes], set[str]]:
    """The members by name and the names stored deflated."""
    if len(data) > MAX_FILE or not data.startswith(b"PK\x03\x04"):
        raise Failed("not a package ZIP, or too large")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if archive.comment:
            raise Failed("the archive has a comment")
        infos = archive.infolist()
    names = [i.filename for i in infos]
    if len(infos) > len(LIMITS) or len(set(names)) != len(names):
        raise Failed("too many or repeated members")
    if names != [name for name in LIMITS if name in names]:
        raise Failed(f"unexpected members or order: {', '.join(n[:60] for n in names)}")
    total = 0
    for info in infos:
        mode = info.external_attr >> 16
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG) or info.flag_bits & 1:
            raise Failed(f"{info.filename}: not a plain file")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Failed(f"{info.filename}: compression method {info.compress_type}")
        if info.file_size > LIMITS[info.filename] + 16:
            raise Failed(f"{info.filename}: too large")
        if info.file_size > RATIO_FLOOR and info.file_size > RATIO * max(info.compress_size, 1):
            raise Failed(f"{info.filename}: compression ratio too high")
        total += info.file_size
    if total > MAX_TOTAL:
        raise Failed("members too large together")
    methods = {info.filename: info.compress_type for info in infos}
    if methods.get("manifest.json") == 0 or methods.get("manifest.sig") == 8:
        raise Failed("manifest.json must be deflated and manifest.sig stored")
    members, entries = {}, []
    for info in infos:
        start = info.header_offset + 30 + len(info.filename)
        raw = data[start : start + info.compress_size]
        content = raw
        if info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = zlib.decompressobj(-15)
            content = inflater.decompress(raw, info.file_size + 1)  # at most the claim + 1
            if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
                raise Failed(f"{info.filename}: the deflate stream does not end with the member")
        if len(content) != info.file_size or zlib.crc32(content) != info.CRC:
            raise Failed(f"{info.filename}: size or CRC-32 differs from the directory")
        members[info.filename] = content
        entries.append((info.filename, info.compress_type, raw, info.CRC, info.file_size))
    if canonical_zip(entries) != data:
        raise Failed(
            "the ZIP container is not the canonical one of §1 (a header field differs, or "
            "there are bytes outside the entries)"
        )
    if "manifest.json" not in members or "manifest.sig" not in members:
        raise Failed("manifest or signature missing")
    return members, {info.filename for info in infos if info.compress_type == 8}


def read_file(path: str, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` (a pipe would never end, /dev/zero never stop)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise Failed(f"{path} is not a regular file")
    with open(path, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise Failed(f"{path} is larger than {limit} bytes")
    return data


def read_public_key(path: str) -> tuple[str, bytes, dict]:
    key = strict_json(read_file(path, MAX_KEY_FILE), canonical=True)
    if key.get("format") != "gnapp-public-key" or key.get("format_version") != 1:
        raise Failed("not a GNApp public key file")
    if key["algorithm"] != "Ed25519" or key["owner"]["kind"] != "commune":
        raise Failed("not a commune's signing key")
    raw = b64(key["public_key"], 32)
    if fingerprint("Ed25519", raw) != key["fingerprint"]:
        raise Failed("the key file's fingerprint does not match its key")
    return key["fingerprint"], raw, key["owner"]


def office_private_key(path: str) -> X25519PrivateKey:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT secret FROM office_keys WHERE retired_at IS NULL").fetchone()
    finally:
        conn.close()
    record = strict_json(row[0].encode("utf-8"), canonical=True)
    passphrase = os.environ.get("GNAPP_PASSPHRASE") or getpass.getpass("Office passphrase: ")
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = record["kdf"]
    salt = b64(kdf["salt"])
    if kdf["name"] == "argon2id":
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        derived = Argon2id(
            salt=salt,
            length=32,
            iterations=kdf["iterations"],
            lanes=kdf["lanes"],
            memory_cost=kdf["memory_cost"],
        ).derive(secret)
    else:
        derived = Scrypt(salt=salt, length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(secret)
    header = {k: v for k, v in record.items() if k != "ciphertext"}
    aad = json.dumps(header, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        raw = ChaCha20Poly1305(derived).decrypt(
            b64(record["nonce"], 12), b64(record["ciphertext"]), aad
        )
    except InvalidTag:
        raise Failed("wrong passphrase for the office's key") from None
    key = X25519PrivateKey.from_private_bytes(raw)
    if key.public_key().public_bytes_raw() != b64(record["public_key"], 32):
        raise Failed("the office's secret record does not match its public key")
    return key


def hkdf(secret: bytes, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def decrypt(members: dict, manifest: dict, office: X25519PrivateKey) -> dict[str, bytes]:
    encryption = manifest["encryption"]
    mine = office.public_key().public_bytes_raw()
    if fingerprint("X25519", mine) != encryption["recipient"]:
        raise Failed("the package was sealed for another office")
    ephemeral = b64(encryption["ephemeral_key"], 32)
    shared = office.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    wrapping = hkdf(shared, ephemeral + mine, WRAP_INFO)
    file_key = ChaCha20Poly1305(wrapping).decrypt(ZERO_NONCE, b64(encryption["wrapped_key"]), None)
    clear = {}
    for entry in manifest["files"]:
        name = entry["name"]
        key = hkdf(file_key, None, FILE_INFO + name.encode())
        clear[name] = ChaCha20Poly1305(key).decrypt(ZERO_NONCE, members[name], name.encode())
    return clear


def check_figures(content: bytes, manifest: dict) -> None:
    data = strict_json(content, canonical=False)
    if data.get("format") != "gnapp-report-data" or data.get("format_version") not in (2, 3, 4, 5):
        raise Failed("figures.json: unknown format")
    if (data["commune"]["code"], data["report"]["kind"], data["report"]["period"]) != (
        manifest["commune"]["code"],
        manifest["report"]["kind"],
        manifest["report"]["period"],
    ):
        raise Failed("figures.json is not the manifest's commune and report")
    for village in data["villages"]:
        values = village["values"]
        for status in LISTS:
            for who in ("households", "members"):
                moved = {c: values[f"movement.{status}.{c}.{who}"] for c in DOWN + UP}
                expected = values[f"start.{status}.{who}"]
                expected += -sum(moved[c] for c in DOWN) + sum(moved[c] for c in UP)
                if values[f"end.{status}.{who}"] != expected:
                    raise Failed(f"figures.json, {village['code']}: end ≠ start − down + up")
    # version 4: only a half-year leaves amounts paid on days not recorded outside "disbursed"
    half_year = data["report"]["period"].upper().endswith("-H1")
    for line in data["budget"]["lines"] if data["format_version"] >= 4 else ():
        if line["undated"] < 0 or (line["undated"] and not half_year):
            raise Failed(f"figures.json, budget {line['project']}: undated amount out of place")


def verify(data: bytes, key_path: str, office_db: str | None) -> int:
    step = "archive"
    try:
        members, deflated = read_zip(data)
        print("ok   archive")
        step = "manifest"
        manifest_bytes = members["manifest.json"]
        manifest = strict_json(manifest_bytes, canonical=True)
        if manifest.get("format") != "gnapp-package" or manifest.get("format_version") not in (
            1,
            2,
        ):  # 2 adds change_log
            raise Failed("unknown package format or version")
        print(f"ok   manifest: package {manifest['sequence']} of {manifest['commune']['name']}")
        step = "key"
        key_id, raw_key, owner = read_public_key(key_path)
        if manifest["signing_key"] != key_id or manifest["commune"]["code"] != owner["code"]:
            raise Failed(f"signed with {manifest['signing_key']}, the key given is {key_id}")
        print(f"ok   key {key_id}")
        step = "signature"
        try:
            Ed25519PublicKey.from_public_bytes(raw_key).verify(
                members["manifest.sig"], SIGNED_PREFIX + manifest_bytes
            )
        except InvalidSignature:
            raise Failed("bad signature") from None
        print("ok   signature")
        step = "files"
        encrypted = manifest["encryption"] is not None
        names = [entry["name"] for entry in manifest["files"]]
        expected = ORDER[2:] + ([HOUSEHOLDS] if manifest["households"] else [])
        if names != expected or set(members) != {"manifest.json", "manifest.sig", *names}:
            raise Failed("the members are not the files the manifest lists")
        for entry in manifest["files"]:
            content = members[entry["name"]]
            size, digest = (
                (entry["stored_size"], entry["stored_sha256"])
                if encrypted
                else (entry["size"], entry["sha256"])
            )
            if len(content) != size or hashlib.sha256(content).hexdigest() != digest:
                raise Failed(f"{entry['name']}: size or SHA-256 differs from the manifest")
            if (entry["name"] in deflated) == encrypted:
                raise Failed(f"{entry['name']}: deflated when encrypted, or stored when not (§1)")
        print(f"ok   files: {len(names)}")
        step = "encryption"
        if manifest["households"] and not encrypted:
            raise Failed("household lists without encryption")
        print("ok   encryption rule")
        step = "decryption"
        clear = {name: members[name] for name in names}
        if encrypted:
            if office_db is None:
                print("--   decryption: encrypted, no office database given")
                return 2
            try:
                clear = decrypt(members, manifest, office_private_key(office_db))
            except InvalidTag:
                raise Failed("cannot decrypt") from None
            for entry in manifest["files"]:
                content = clear[entry["name"]]
                if len(content) != entry["size"]:
                    raise Failed(f"{entry['name']}: decrypted size differs")
                if hashlib.sha256(content).hexdigest() != entry["sha256"]:
                    raise Failed(f"{entry['name']}: decrypted SHA-256 differs")
            print("ok   decryption")
        step = "data"
        check_figures(clear["figures.json"], manifest)
        print("ok   data")
        step = "signer"
        if manifest["signer"]["role"] != "approver":
            raise Failed(f"signer role {manifest['signer']['role']!r}")
        print(f"ok   signer: {manifest['signer']['name']}")
    except Exception as error:  # whatever a hostile file provokes, the package fails
        print(f"FAIL {step}: {error.__class__.__name__}: {error}")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package")
    parser.add_argument("--key", required=True, help="the commune's public key file (.gnpub)")
    parser.add_argument("--office-db", help="the office database, to open encrypted files")
    args = parser.parse_args(argv)
    try:
        data = read_file(args.package, MAX_FILE)
    except (OSError, Failed) as error:
        print(f"FAIL archive: {error.__class__.__name__}: {error}")
        return 1
    return verify(data, args.key, args.office_db)


if __name__ == "__main__":
    sys.exit(main())
