"""Benchmark of report packages on a 20,000-household commune: pytest -m bench -s

Builds the demo commune once (not timed), saves its annual report, then times with the real
key-derivation defaults: unlocking a key, building a package with the household lists
(report PDF and XLSX written again, encrypted, signed), verifying it, receiving it at the
office, and consolidating. Best and median of five; docs/benchmarks.md records the numbers.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import pytest

from gnapp.demo import create_demo
from gnapp.office.consolidate import consolidate, write_consolidation
from gnapp.office.database import OfficeIdentity
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
from gnapp.store.reports import save_report

pytestmark = pytest.mark.bench

HOUSEHOLDS = 20_000
RUNS = 5
PASSPHRASE = "mật khẩu đo tốc độ"
IDENTITY = OfficeIdentity(
    name="UBND tỉnh Quảng Ngãi",
    parent_body="UBND TỈNH QUẢNG NGÃI",
    office="SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    place="Quảng Ngãi",
    area="tỉnh Quảng Ngãi",
    kind="province",
    province="Quảng Ngãi",
)


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
    office = create_office(tmp_path / "tinh.gnoffice", IDENTITY, PASSPHRASE)
    with open_database(path) as cdb:
        figures = report_figures(cdb.db, "annual", "2025")
        report_id = save_report(cdb, "annual", "2025", figures.to_dict(), {})
        key = commune.create_signing_key(cdb, PASSPHRASE)
        commune.set_office_key(cdb, office_public_key(office))
        register_commune(office, key.public)
        unlock, _ = _timed(lambda: commune.unlock_signing_key(cdb.db, PASSPHRASE))
        _show("unlocking the signing key (Argon2id 64 MiB, 3 passes, 4 lanes)", unlock)
        report = choose_report(cdb, report_id)
        builds, _ = _timed(
            lambda: build_package(
                cdb,
                report,
                signer_name="Nguyễn Văn An",
                signer_role="approver",
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
        receipt = receive_package(office, package.read_bytes(), package.name, office_key)
        receiving.append(time.perf_counter() - started)
        assert receipt.accepted
    _show("receiving a package (every check, stored whole)", receiving)
    writes, _ = _timed(
        lambda: write_consolidation(
            office, consolidate(office, "2025"), tmp_path, date(2026, 1, 10)
        ),
        runs=3,
    )
    _show("consolidating and writing the PDF and XLSX", writes)
    office.close()
