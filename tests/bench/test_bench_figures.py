"""Benchmark of the report figures on a 20,000-household commune: pytest -m bench -s

Builds the demo commune once (about a minute, not timed), then times computing every figure
and sentence of a report, and building the whole report (PDF and XLSX); docs/figures.md and
docs/reports.md record the numbers.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from pypdf import PdfReader

from gnapp.demo import create_demo
from gnapp.reporting.builder import default_header, write_report_files
from gnapp.reporting.figures import report_figures, sentences
from gnapp.store.database import open_database

pytestmark = pytest.mark.bench

HOUSEHOLDS = 20_000
TARGET_MS = 1000  # aim: the whole report (figures, PDF, XLSX) stays under 3 s


@pytest.fixture(scope="module")
def commune_20k(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "figures.gnapp"
    started = time.perf_counter()
    create_demo(path, households=HOUSEHOLDS, seed=1)
    print(f"\nbuilt the {HOUSEHOLDS}-household demo in {time.perf_counter() - started:.1f} s")
    return path


@pytest.mark.parametrize(
    ("kind", "period"),
    [("annual", "2025"), ("six_month", "2025-H1"), ("end_of_period", "2021-2025")],
)
def test_report_figures_20k(commune_20k, kind, period):
    with open_database(commune_20k) as cdb:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            figures = report_figures(cdb.db, kind, period)
            written = sentences(figures)
            times.append(time.perf_counter() - started)
    best = min(times)
    print(
        f"\n{kind} {period}: figures + sentences {best * 1000:.0f} ms "
        f"(best of 3, aim under {TARGET_MS} ms; "
        f"{figures.commune.households} households, {figures.commune.members} members, "
        f"{len(written)} sentences)"
    )
    assert figures.commune.households == HOUSEHOLDS
    assert figures.problems == ()


@pytest.mark.parametrize(("kind", "period"), [("annual", "2025"), ("end_of_period", "2021-2025")])
def test_report_build_20k(commune_20k, tmp_path, kind, period):
    """The whole report: figures, the PDF with its annexes and charts, the XLSX workbook."""
    with open_database(commune_20k) as cdb:
        header = default_header(cdb.db, date(2026, 1, 5), "15")
        times = []
        for attempt in range(3):
            folder = tmp_path / str(attempt)
            folder.mkdir()
            started = time.perf_counter()
            built = write_report_files(cdb.db, kind, period, {}, [], header, folder)
            times.append(time.perf_counter() - started)
    pages = len(PdfReader(built.pdf).pages)
    print(
        f"\n{kind} {period}: report built in {min(times):.2f} s (best of 3; "
        f"median {sorted(times)[1]:.2f} s; target under 3 s); {pages} PDF pages, "
        f"PDF {built.pdf.stat().st_size // 1024} KB, XLSX {built.xlsx.stat().st_size // 1024} KB"
    )
    assert built.figures.commune.households == HOUSEHOLDS
