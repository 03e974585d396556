"""GUI test fixtures: opening a database in the main window signs a clerk in without the
login dialog (tests/ui/common/test_sign_in.py tests the dialog itself)."""

import pytest

from gnapp.store.users import User
from gnapp.ui import main_window
from gnapp.ui.common import discard_guard

SIGNED_IN = User(1, "canbo", "Nguyễn Thị Cán", ("clerk",), True)


@pytest.fixture(autouse=True)
def signed_in(monkeypatch):
    monkeypatch.setattr(main_window, "sign_in_to_commune", lambda cdb: SIGNED_IN)
    return SIGNED_IN


@pytest.fixture(autouse=True)
def discard_when_closed(monkeypatch):
    """A form closed with typed data asks first: tests (and their teardown) answer "Bỏ những gì
    đã nhập" unless a test says else (tests/ui/office/test_office_setup.py tests the question)."""
    monkeypatch.setattr(discard_guard, "ask_discard", lambda parent: True)
