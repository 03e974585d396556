"""Shared fixtures. Qt runs offscreen so the suite needs no screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from pathlib import Path

import pytest

from gnapp.store.database import open_database

SMALL_DEMO_HOUSEHOLDS = 300
SMALL_DEMO_SEED = 7


@pytest.fixture
def english():
    """The interface in English for one test, Vietnamese again after."""
    from gnapp import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("vi")


@pytest.fixture(autouse=True, scope="session")
def user_data_dir(tmp_path_factory) -> Path:
    """Backups and other per-user files go to a temporary folder, never the tester's own."""
    folder = tmp_path_factory.mktemp("user-data")
    os.environ["GNAPP_DATA_DIR"] = str(folder)
    return folder


@pytest.fixture
def new_db(tmp_path):
    """An empty commune database at the latest schema."""
    cdb = open_database(tmp_path / "xa.gnapp", create=True, actor="Cán bộ thử")
    yield cdb
    cdb.close()


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory) -> Path:
    """A small demo commune, generated once per test session (never modified: copy it)."""
    from gnapp.demo import create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.gnapp"
    create_demo(path, households=SMALL_DEMO_HOUSEHOLDS, seed=SMALL_DEMO_SEED)
    return path


@pytest.fixture
def demo_db(small_demo_file, tmp_path):
    """A private copy of the small demo commune, open."""
    copy = tmp_path / "demo.gnapp"
    shutil.copy(small_demo_file, copy)
    cdb = open_database(copy, actor="Cán bộ thử")
    yield cdb
    cdb.close()


@pytest.fixture
def households_as_before_v22(monkeypatch):
    """Today's register functions writing households as before schema v22, which added
    ``search_head_end``: for tests that make a database of an older schema with them."""
    from gnapp.store import register

    keys = register._household_keys
    monkeypatch.setattr(
        register,
        "_household_keys",
        lambda code, members: {
            column: value
            for column, value in keys(code, members).items()
            if column != "search_head_end"
        },
    )
    monkeypatch.setattr(
        register,
        "HOUSEHOLD_KEY_COLUMNS",
        tuple(c for c in register.HOUSEHOLD_KEY_COLUMNS if c != "search_head_end"),
    )


@pytest.fixture
def members_as_before_v28(monkeypatch):
    """Today's register functions writing members as before schema v28, which dropped their
    name sort key: for tests that make a database of an older schema with them."""
    from gnapp.core.vietnamese import fold, name_sort_key
    from gnapp.store import register

    monkeypatch.setattr(register, "MEMBER_KEY_COLUMNS", ("name_fold", "name_sort_key"))
    monkeypatch.setattr(
        register,
        "_member_keys",
        lambda name: {"name_fold": fold(name), "name_sort_key": name_sort_key(name)},
    )


@pytest.fixture
def small_default_demo(tmp_path, monkeypatch):
    """The self-test's demo made small, and generated into a private cache."""
    monkeypatch.setenv("GNAPP_CACHE_DIR", str(tmp_path / "cache"))
    from gnapp import demo

    monkeypatch.setattr(demo, "DEFAULT_HOUSEHOLDS", 60)
    return tmp_path
