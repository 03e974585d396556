"""Fixtures of the import tests."""

import pytest

from gnapp.store.register import add_village


@pytest.fixture
def commune(new_db):
    """An empty commune with one village, Thôn Đông."""
    add_village(new_db, "T01", "Thôn Đông", "rural")
    return new_db
