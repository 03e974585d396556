"""Benchmarks of report packages: pytest -m bench -s tests/bench/test_bench_packages.py

On a 20,000-household commune (built once, not timed), with the real key-derivation defaults:
unlocking a key, building a package with the household lists (report PDF and XLSX written again,
encrypted, signed), verifying it, receiving it at the office, and consolidating; best and median
of five. Then an office with 100 communes: verifying, receiving and consolidating 100 packages.
docs/benchmarks.md records the numbers.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import pytest

from gnapp.demo import create_demo
from gnapp.office.consolidate import consolidate, write_consolidation
from gnapp.office.receive import receive_package
from gnapp.office.registry import (
    create_office,
    office_public_key,
    register_commune,
    unlock_office_key,
)
from gnapp.packages import commune
from gnapp.packages.build import build_package, choose_report
from gnapp.packages.verify import verify_package
from gnapp.reporting.figures import report_figures
from gnapp.store.database import open_database
from gnapp.store.register import save_commune
from gnapp.store.reports import save_report
from tests.packages.world import (
    APPROVER,
    IDENTITY,
    KDF,
    OFFICE_ACCOUNTS,
    office_head,
)

pytestmark = pytest.mark.bench

HOUSEHOLDS = 20_000
RUNS = 5
PASSPHRASE = "mật khẩu đo tốc độ"


def _timed(action, runs: int = RUNS) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return times, result


def _show(what: str, times: list[float]) -> None:
    print(
        f"\n{what}: best {min(times) * 1000:.0f} ms, median "
        f"{statistics.median(times) * 1000:.0f} ms ({len(times)} runs)"
    )


def test_packages_20k(tmp_path):
    path = tmp_path / "xa.gnapp"
    started = time.perf_counter()
    create_demo(path, households=HOUSEHOLDS, seed=1)
    print(f"\nbuilt the {HOUSEHOLDS}-household demo in {time.perf_counter() - started:.1f} s")
    folder = tmp_path / "goi"
    folder.mkdir()
    office = create_office(tmp_path / "tinh.gnoffice", IDENTITY, PASSPHRASE, **OFFICE_ACCOUNTS)
    with open_database(path) as cdb:
        figures = report_figures(cdb.db, "annual", "2025")
        report_id = save_report(cdb, "annual", "2025", figures.to_dict(), {})
        key = commune.create_signing_key(cdb, PASSPHRASE)
        commune.set_office_key(cdb, office_public_key(office))
        register_commune(office, key.public, office_head(office))
        unlock, _ = _timed(lambda: commune.unlock_signing_key(cdb.db, PASSPHRASE))
        _show("unlocking the signing key (Argon2id 64 MiB, 3 passes, 4 lanes)", unlock)
        report = choose_report(cdb, report_id)
        builds, _ = _timed(
            lambda: build_package(
                cdb,
                report,
                signer=APPROVER,
                passphrase=PASSPHRASE,
                folder=folder,
                with_households=True,
            )
        )
        _show("building a package with the household lists (PDF, XLSX, encrypt, sign)", builds)
    packages = sorted(folder.iterdir())
    sizes = [p.stat().st_size for p in packages]
    print(f"\npackage size: {sizes[0] / 1024:.0f} KiB")
    office_key = unlock_office_key(office, PASSPHRASE)
    data = packages[0].read_bytes()
    verifies, verification = _timed(lambda: verify_package(data, key.public, office_key))
    assert verification.ok
    _show("verifying and decrypting a package", verifies)
    receiving = []
    for package in packages:
        started = time.perf_counter()
        receipt = receive_package(
            office, package.read_bytes(), package.name, office_key, office_head(office)
        )
        receiving.append(time.perf_counter() - started)
        assert receipt.accepted
    _show("receiving a package (every check, stored whole)", receiving)
    writes, _ = _timed(
        lambda: write_consolidation(
            office, consolidate(office, "2025"), tmp_path, date(2026, 1, 10), office_head(office)
        ),
        runs=3,
    )
    _show("consolidating and writing the PDF and XLSX", writes)
    office.close()


COMMUNES = 100


def test_hundred_communes(tmp_path):
    """100 communes (copies of one 300-household demo under their own codes, names and keys)
    each send their annual 2025 report with the household lists; the office verifies them all,
    receives them all and consolidates them. Building the packages is not timed."""
    source = tmp_path / "mau.gnapp"
    create_demo(source, households=300, seed=5)
    office = create_office(tmp_path / "tinh.gnoffice", IDENTITY, PASSPHRASE, **OFFICE_ACCOUNTS)
    office_public = office_public_key(office)
    folder = tmp_path / "goi"
    folder.mkdir()
    started = time.perf_counter()
    sent = []
    for number in range(1, COMMUNES + 1):
        path = tmp_path / f"xa-{number:03d}.gnapp"
        path.write_bytes(source.read_bytes())
        with open_database(path) as cdb:
            save_commune(cdb, code=f"{30000 + number}", name=f"Xã Thử Số {number}")
            report_id = save_report(
                cdb, "annual", "2025", report_figures(cdb.db, "annual", "2025").to_dict(), {}
            )
            key = commune.create_signing_key(cdb, PASSPHRASE, kdf=KDF)  # setup, not timed
            commune.set_office_key(cdb, office_public)
            register_commune(office, key.public, office_head(office))
            built = build_package(
                cdb,
                choose_report(cdb, report_id),
                signer=APPROVER,
                passphrase=PASSPHRASE,
                folder=folder,
                with_households=True,
            )
            households = cdb.db["households"].count
        sent.append((built.path, key.public, households))
    print(f"\nbuilt {COMMUNES} communes' packages in {time.perf_counter() - started:.0f} s")
    office_key = unlock_office_key(office, PASSPHRASE)
    contents = [(path.read_bytes(), path.name, key) for path, key, _ in sent]
    megabytes = sum(len(data) for data, _, _ in contents) / 1024 / 1024
    print(f"{COMMUNES} packages, {megabytes:.1f} MiB in all")

    started = time.perf_counter()
    verified = [verify_package(data, key, office_key) for data, _, key in contents]
    verifying = time.perf_counter() - started
    assert all(v.ok for v in verified)
    started = time.perf_counter()
    receipts = [
        receive_package(office, data, name, office_key, office_head(office))
        for data, name, _ in contents
    ]
    receiving = time.perf_counter() - started
    assert all(receipt.accepted for receipt in receipts)
    started = time.perf_counter()
    consolidation = consolidate(office, "2025")
    summing = time.perf_counter() - started
    written = write_consolidation(
        office, consolidation, tmp_path, date(2026, 1, 10), office_head(office)
    )
    writing = time.perf_counter() - started - summing
    assert consolidation.figures.end.commune.households == sum(h for _, _, h in sent)
    print(
        f"verifying and decrypting {COMMUNES} packages: {verifying:.2f} s "
        f"({verifying / COMMUNES * 1000:.0f} ms each)\n"
        f"receiving them (every check, stored whole): {receiving:.2f} s "
        f"({receiving / COMMUNES * 1000:.0f} ms each)\n"
        f"consolidating {COMMUNES} communes: {summing:.2f} s; writing the PDF and XLSX: "
        f"{writing:.2f} s ({', '.join(p.name for p in written)})"
    )
    office.close()
