"""Signed report packages (docs/package-format.md).

- ``keys``: Ed25519 / X25519 keys kept encrypted under a passphrase, public key files,
  fingerprints, key-change statements;
- ``commune``: the commune's key, the office's key and the chain of packages in its database;
- ``build``: ``choose_report`` and ``build_package`` (signer with the approving role only,
  ``signer.check_signer``);
- ``verify``: ``verify_package`` runs every check and says which one failed;
- ``mail``: the e-mail text to send a package with.
"""
