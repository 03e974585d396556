"""A commune and an office set up once per session: the commune (the small demo) with a saved
annual report, a signing key and the office's key; the office with its key and the commune
registered; one package with the household lists (encrypted). Tests get private copies."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from gnapp.demo import create_demo
from gnapp.office.registry import (
    create_office,
    office_public_key,
    register_commune,
    unlock_office_key,
)
from gnapp.office.store.database import open_office
from gnapp.packages import build
from gnapp.packages.build import build_package, choose_report
from gnapp.store.database import open_database
from gnapp.store.register import save_commune
from tests.packages.world import (
    IDENTITY,
    KDF,
    OFFICE_ACCOUNTS,
    OFFICE_PASSPHRASE,
    PASSPHRASE,
    SIGNER,
    World,
    office_head,
    setup_commune,
)


@pytest.fixture(scope="session")
def world_files(small_demo_file, tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp("world")
    commune_path = folder / "xa.gnapp"
    shutil.copy(small_demo_file, commune_path)
    with create_office(
        folder / "tinh.gnoffice", IDENTITY, OFFICE_PASSPHRASE, **OFFICE_ACCOUNTS, kdf=KDF
    ) as office:
        office_key = office_public_key(office)
        commune_key, report_id = setup_commune(commune_path, office_key)
        register_commune(office, commune_key, office_head(office))
    packages = folder / "goi"
    packages.mkdir()
    with open_database(commune_path, actor="Cán bộ thử") as cdb:
        built = build_package(
            cdb,
            choose_report(cdb, report_id),
            passphrase=PASSPHRASE,
            folder=packages,
            with_households=True,
            **SIGNER,
        )
    return World(
        commune_path,
        folder / "tinh.gnoffice",
        built.path,
        packages,
        commune_key,
        office_key,
        report_id,
    )


@pytest.fixture
def world(world_files, tmp_path) -> World:
    """A private copy of the session's commune, office and package."""
    copies = {}
    for name in ("commune", "office", "package"):
        source = getattr(world_files, name)
        copies[name] = tmp_path / source.name
        shutil.copy(source, copies[name])
    folder = tmp_path / "goi"
    folder.mkdir()
    return replace(world_files, folder=folder, **copies)


@pytest.fixture
def office_db(world):
    with open_office(world.office) as office:
        yield office


@pytest.fixture
def commune_db(world):
    with open_database(world.commune, actor="Cán bộ thử") as cdb:
        yield cdb


@pytest.fixture
def quick(monkeypatch):
    """Packages whose PDF and XLSX are stand-ins (the office does not look inside them)."""
    monkeypatch.setattr(
        build, "_report_files", lambda *a: {"report.pdf": b"%PDF-1.7", "report.xlsx": b"PK"}
    )


@pytest.fixture(scope="module")
def second_demo(tmp_path_factory):
    """Another commune with its own households: a smaller demo with another seed, code and
    name."""
    path = tmp_path_factory.mktemp("xa-thu") / "xa-thu.gnapp"
    create_demo(path, households=120, seed=11)
    with open_database(path) as cdb:
        save_commune(cdb, code="21556", name="Xã Thử Nghiệm")
    return path


@pytest.fixture(scope="session")
def office_private(world_files):
    with open_office(world_files.office) as office:
        return unlock_office_key(office, OFFICE_PASSPHRASE)
