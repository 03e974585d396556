"""GUI test fixtures: opening a database in the main window signs a clerk in without the
login dialog (tests/ui/setup/test_login_dialog.py tests the dialog itself)."""

import pytest

from gnapp.store.users import User
from gnapp.ui import main_window

SIGNED_IN = User(1, "canbo", "Nguyễn Thị Cán", ("clerk",), True)


@pytest.fixture(autouse=True)
def signed_in(monkeypatch):
    monkeypatch.setattr(main_window, "sign_in_at_start", lambda cdb: SIGNED_IN)
    return SIGNED_IN
