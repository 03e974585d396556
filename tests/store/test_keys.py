"""The commune's keys and sent packages as stored: a retired key stays in the history, the
office's key is kept once (a new one replaces it), the chain's last package."""

from __future__ import annotations

from gnapp.store import keys, sent_packages


def test_a_retired_signing_key_stays_in_the_history(new_db):
    assert keys.current_signing_key_row(new_db.db) is None
    keys.add_signing_key(new_db, "QUJD", "AAAAA-1", "sealed-1")
    first = keys.current_signing_key_row(new_db.db)
    assert (first["created_by"], first["change_statement"]) == ("Cán bộ thử", None)
    keys.retire_signing_key(new_db, first["id"])
    keys.add_signing_key(new_db, "REVG", "BBBBB-2", "sealed-2", "statement")
    assert keys.current_signing_key_row(new_db.db)["fingerprint"] == "BBBBB-2"
    history = keys.signing_key_rows(new_db.db)
    assert [k["fingerprint"] for k in history] == ["AAAAA-1", "BBBBB-2"]
    assert history[0]["retired_at"] is not None and history[1]["retired_at"] is None


def test_the_office_key_is_kept_once(new_db):
    assert keys.office_key_row(new_db.db) is None
    keys.save_office_key(new_db, "Sở cũ", "QUJD", "AAAAA-1")
    keys.save_office_key(new_db, "Sở mới", "REVG", "BBBBB-2")
    row = keys.office_key_row(new_db.db)
    assert (row["name"], row["fingerprint"]) == ("Sở mới", "BBBBB-2")
    assert new_db.db.execute("SELECT count(*) FROM office_key").fetchone()[0] == 1


def test_the_last_package_sent_heads_the_chain(new_db):
    assert sent_packages.last_sent_package(new_db.db) is None
    for sequence in (1, 2):
        sent_packages.add_sent_package(
            new_db,
            {
                "sequence": sequence,
                "hash": f"hash-{sequence}",
                "previous_hash": f"hash-{sequence - 1}" if sequence > 1 else None,
                "report_id": None,
                "kind": "annual",
                "period": "2025",
                "file_name": f"goi-{sequence}.gnpkg",
                "size": 100,
                "signer_name": "Lê Văn Quản",
                "signer_role": "Phó Chủ tịch",
                "key_fingerprint": "AAAAA-1",
                "encrypted": 1,
                "households": 0,
                "created_at": "2026-01-02T03:04:05Z",
            },
        )
    assert sent_packages.last_sent_package(new_db.db) == (2, "hash-2")
    assert [p["sequence"] for p in sent_packages.sent_package_rows(new_db.db)] == [2, 1]
