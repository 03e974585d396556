"""The register area: the household form, importing a household list, exporting the register.

``edit_household`` is the area's entry point; the form itself loads on first use."""

from __future__ import annotations

from gnapp.store.database import CommuneDatabase
from gnapp.ui.common.qt import QDialog, QWidget


def edit_household(parent: QWidget, cdb: CommuneDatabase, household_id: int | None) -> int | None:
    """Open the household form (None: a new household); the household's id when it was saved
    or an event of it was recorded, else None."""
    from gnapp.ui.register.household_dialog import HouseholdDialog  # loads on first use

    form = HouseholdDialog(cdb, household_id, parent)
    saved = form.exec() == QDialog.DialogCode.Accepted
    return form.household_id if saved or form.events_recorded else None
