"""The register area's entry point: the household form opened from the main window."""

from __future__ import annotations

import sys
import types

from gnapp.ui.common import qt
from gnapp.ui.register import edit_household


def test_edit_household_opens_the_form_and_says_if_it_was_saved(qtbot, monkeypatch, demo_db):
    opened = []

    class FakeDialog:
        def __init__(self, cdb, household_id, parent):
            opened.append((cdb, household_id, parent))
            self.household_id = household_id
            self.events_recorded = household_id == 13  # an event recorded, then "Hủy"

        def exec(self):
            return qt.QDialog.DialogCode.Accepted if opened[-1][1] == 12 else 0

    fake = types.SimpleNamespace(HouseholdDialog=FakeDialog)
    monkeypatch.setitem(sys.modules, "gnapp.ui.register.household_dialog", fake)
    parent = qt.QWidget()
    qtbot.addWidget(parent)
    assert edit_household(parent, demo_db, 12) == 12
    assert edit_household(parent, demo_db, None) is None
    assert edit_household(parent, demo_db, 13) == 13  # not saved, but changed by its events
    assert opened == [(demo_db, 12, parent), (demo_db, None, parent), (demo_db, 13, parent)]
