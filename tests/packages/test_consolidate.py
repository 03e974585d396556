"""Consolidation: the office's figures are the sums of the communes' parts, every rate computed
again from the sums (never averaged), written as PDF and XLSX under the office's header."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from gnapp.office import registry
from gnapp.office.consolidate import ConsolidationError, consolidate, write_consolidation
from gnapp.office.receive import receive_package
from gnapp.packages import build, commune
from gnapp.packages.build import build_package, choose_report
from gnapp.reporting.figures import (
    ZERO,
    ReportFigures,
    communes_targets_summary,
    percent,
    sentences,
    targets_met,
)
from gnapp.store.database import open_database
from gnapp.store.register import save_commune
from gnapp.store.reports import load_report
from tests.packages.world import (
    KDF,
    PASSPHRASE,
    SIGNER,
    office_head,
    save_annual_report,
    setup_commune,
)


@pytest.fixture
def two_communes(world, office_db, office_private, second_demo, tmp_path, monkeypatch):
    """The world's commune and a second one, both received; their figures."""
    monkeypatch.setattr(
        build, "_report_files", lambda *a: {"report.pdf": b"%PDF-1.7", "report.xlsx": b"PK"}
    )
    second = tmp_path / "xa-thu.gnapp"
    shutil.copy(second_demo, second)
    key, report_id = setup_commune(second, registry.office_public_key(office_db))
    registry.register_commune(office_db, key, office_head(office_db))
    figures = []
    for path, saved in ((world.commune, world.report_id), (second, report_id)):
        with open_database(path) as cdb:
            built = build_package(
                cdb,
                choose_report(cdb, saved),
                passphrase=PASSPHRASE,
                folder=world.folder,
                **SIGNER,
            )
            figures.append(ReportFigures.from_dict(load_report(cdb.db, saved).figures))
        receipt = receive_package(
            office_db,
            built.path.read_bytes(),
            built.path.name,
            office_private,
            office_head(office_db),
        )
        assert receipt.accepted, receipt.verification.report()
    return figures


def test_the_sums_are_the_sums_of_the_parts(office_db, two_communes):
    consolidation = consolidate(office_db, "2025")
    total = consolidation.figures
    parts = [f.end.commune for f in two_communes]
    assert [v.name for v in total.end.villages] == ["Xã Sơn Minh", "Xã Thử Nghiệm"]
    for unit, part in zip(total.end.villages, parts, strict=True):
        assert (unit.households, unit.poor.households, unit.poor.rate) == (
            part.households,
            part.poor.households,
            part.poor.rate,
        )
    end = total.end.commune
    for field in ("households", "members", "ethnic_minority_households"):
        assert getattr(end, field) == sum(getattr(p, field) for p in parts)
    for status in ("poor", "near_poor"):
        listed = sum(getattr(p, status).households for p in parts)
        assert getattr(end, status).households == listed
        assert getattr(end, status).rate == percent(listed, end.households)
    poor_rates = [p.poor.rate for p in parts]
    assert poor_rates[0] != poor_rates[1]
    assert end.poor.rate != round(sum(poor_rates) / 2, 2)  # not an average of rates
    moved = [f.commune_movements.poor for f in two_communes]
    assert total.commune_movements.poor.escaped.households == sum(
        m.escaped.households for m in moved
    )
    assert total.commune_movements.poor.end == sum((m.end for m in moved), ZERO)
    assert total.budget.total.allocated == sum(f.budget.total.allocated for f in two_communes)
    assert total.budget.total.rate == percent(
        total.budget.total.disbursed, total.budget.total.allocated
    )
    groups = [next(g for g in f.groups if g.status == "poor") for f in two_communes]
    assert next(g for g in total.groups if g.status == "poor").total.members == sum(
        g.total.members for g in groups
    )
    for service, *each in zip(total.services, *(f.services for f in two_communes), strict=True):
        assert service.count == sum(s.count for s in each)
        assert service.share == percent(service.count, service.base)
    reductions = {t.code: t for t in total.targets}
    assert set(reductions) <= {"poor_reduction", "near_poor_reduction"}
    for code, target in reductions.items():
        assert target.target == sum(
            t.target for f in two_communes for t in f.targets if t.code == code
        )
    assert consolidation.missing == () and consolidation.notes == ()


def test_the_consolidated_report_is_written_under_the_office_header(
    office_db, two_communes, tmp_path
):
    consolidation = consolidate(office_db, "2025", "annual")
    pdf, xlsx = write_consolidation(
        office_db, consolidation, tmp_path, date(2026, 1, 10), office_head(office_db), "7"
    )
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    text = " ".join(text.split())
    for expected in (
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "Số: 7/BC-SNNMT",
        "Quảng Ngãi, ngày 10 tháng 01 năm 2026",
        "Tổng hợp kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2025",
        "toàn tỉnh",
        "Xã Thử Nghiệm",
        "Xã, phường, thị trấn",
        "Trần Văn Bình",
    ):
        assert expected in text, expected
    assert "năm năm" not in text
    book = load_workbook(xlsx)
    assert book.sheetnames[:2] == ["Các xã gửi báo cáo", "Theo xã"]
    sheet = book["Theo xã"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    names = [row[0] for row in rows]
    first, second = names.index("Xã Sơn Minh"), names.index("Xã Thử Nghiệm")
    # the households at the start point, then at the end (each point's own)
    households = [rows[first][1:3], rows[second][1:3]]
    assert households == [
        [f.start.commune.households, f.end.commune.households] for f in two_communes
    ]
    total = rows[names.index("Tổng cộng")]
    assert str(total[1]).startswith("=SUM(") and str(total[2]).startswith("=SUM(")


def test_a_correction_replaces_the_commune_s_part(
    world, office_db, office_private, two_communes, monkeypatch
):
    with open_database(world.commune) as cdb:
        figures = load_report(cdb.db, world.report_id).figures
        figures["end"]["villages"][0]["households"] += 5
        built = build_package(
            cdb,
            choose_report(cdb, save_annual_report(cdb, figures)),
            passphrase=PASSPHRASE,
            folder=world.folder,
            **SIGNER,
        )
    assert receive_package(
        office_db, built.path.read_bytes(), built.path.name, office_private, office_head(office_db)
    ).accepted
    total = consolidate(office_db, "2025").figures
    assert total.end.commune.households == sum(f.end.commune.households for f in two_communes) + 5


def test_consolidation_names_the_communes_that_have_not_sent(
    world, office_db, office_private, tmp_path
):
    with pytest.raises(ConsolidationError, match="Chưa nhận báo cáo nào"):
        consolidate(office_db, "2025")
    with open_database(tmp_path / "xa3.gnapp", create=True) as cdb:
        save_commune(cdb, code="21557", name="Xã Chưa Gửi", kind="xa", province="Quảng Ngãi")
        registry.register_commune(
            office_db,
            commune.create_signing_key(cdb, PASSPHRASE, kdf=KDF).public,
            office_head(office_db),
        )
    assert receive_package(
        office_db,
        world.package.read_bytes(),
        world.package.name,
        office_private,
        office_head(office_db),
    ).accepted
    consolidation = consolidate(office_db, "2025")
    assert consolidation.missing == ("Xã Chưa Gửi",)


def test_the_office_counts_targets_met_as_each_commune_does(office_db, two_communes):
    consolidation = consolidate(office_db, "2025")
    counts = [targets_met(figures.targets) for figures in two_communes]
    met, measured = sum(c[0] for c in counts), sum(c[1] for c in counts)
    assert consolidation.communes_targets == (met, measured)
    assert measured > len(consolidation.figures.targets)  # more than the summed reductions
    commune_says = sentences(two_communes[0])["targets"]
    assert f"đạt {counts[0][0]}/{counts[0][1]} chỉ tiêu có số liệu" in commune_says
    office_says = communes_targets_summary(consolidation.figures, met, measured)
    assert f"các xã đạt tổng cộng {met}/{measured} chỉ tiêu có số liệu" in office_says
