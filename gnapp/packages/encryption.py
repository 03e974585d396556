"""Encrypting a package's files to the receiving office's X25519 key (in the manner of age).

A random 32-byte file key is wrapped for the office: an ephemeral X25519 key agrees a secret
with the office's key, HKDF-SHA256 (salt = ephemeral key ‖ office key) turns it into a wrapping
key, and ChaCha20-Poly1305 (zero nonce: the key is used once) seals the file key. Each file is
then sealed with its own key, HKDF-SHA256 of the file key with the file's name in ``info``,
zero nonce and the file's name as associated data, so no file can be swapped for another.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gnapp.i18n import Refusal, tr_noop
from gnapp.packages.keys import PublicKey, fingerprint
from gnapp.packages.manifest import Encryption

WRAP_INFO = b"GNApp package v1 file key"
FILE_INFO = b"GNApp package v1 file\n"
_ZERO_NONCE = bytes(12)


class DecryptionError(Refusal, ValueError):
    """Files that cannot be decrypted with the key given."""


def _hkdf(secret: bytes, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def _file_key(file_key: bytes, name: str) -> ChaCha20Poly1305:
    return ChaCha20Poly1305(_hkdf(file_key, None, FILE_INFO + name.encode("utf-8")))


def encrypt_files(
    files: Mapping[str, bytes], office: PublicKey
) -> tuple[dict[str, bytes], Encryption]:
    """The files sealed for ``office`` and the manifest's encryption block."""
    file_key = os.urandom(32)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(office.recipient())
    wrapping = _hkdf(shared, ephemeral_public + office.raw, WRAP_INFO)
    wrapped = ChaCha20Poly1305(wrapping).encrypt(_ZERO_NONCE, file_key, None)
    sealed = {
        name: _file_key(file_key, name).encrypt(_ZERO_NONCE, content, name.encode("utf-8"))
        for name, content in files.items()
    }
    return sealed, Encryption(office.fingerprint, ephemeral_public, wrapped)


def decrypt_files(
    sealed: Mapping[str, bytes], encryption: Encryption, office_key: X25519PrivateKey
) -> dict[str, bytes]:
    """The files opened with the office's private key; DecryptionError when it is not the key
    they were sealed for or a file was changed."""
    office_public = office_key.public_key().public_bytes_raw()
    if fingerprint("X25519", office_public) != encryption.recipient:
        raise DecryptionError(
            tr_noop(
                "Gói được mã hóa cho khóa {recipient}, không phải khóa của cơ quan này ({own})."
            ),
            recipient=encryption.recipient,
            own=fingerprint("X25519", office_public),
        )
    try:
        shared = office_key.exchange(X25519PublicKey.from_public_bytes(encryption.ephemeral_key))
        wrapping = _hkdf(shared, encryption.ephemeral_key + office_public, WRAP_INFO)
        file_key = ChaCha20Poly1305(wrapping).decrypt(_ZERO_NONCE, encryption.wrapped_key, None)
    except (InvalidTag, ValueError):
        raise DecryptionError(
            tr_noop("Không mở được khóa tệp bằng khóa của cơ quan này.")
        ) from None
    opened = {}
    for name, content in sealed.items():
        try:
            opened[name] = _file_key(file_key, name).decrypt(
                _ZERO_NONCE, content, name.encode("utf-8")
            )
        except InvalidTag:
            raise DecryptionError(
                tr_noop("Tệp {name} không giải mã được (đã bị thay đổi)."), name=name
            ) from None
    return opened
